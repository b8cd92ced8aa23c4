"""Both heads agree the plan once: a second agreement is refused, not recorded again."""

import pytest

from tousu.cases import actions
from tousu.cases.errors import Refused


def test_a_plan_is_agreed_once(hotel):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="房间有异味", description="入住期间房间有烟味", stage="after",
                                 complainant_name="张先生")
    # A 消费后 complaint is the front office head's from registration: he transfers it.
    case = actions.transfer_case(actor=hotel.fo_head, case_id=case.pk, unit=hotel.units["housekeeping"],
                                 plan="客房部负责更换房间并致歉")
    case = actions.agree_plan(actor=hotel.hk_head, case_id=case.pk)
    events = case.event_count
    with pytest.raises(Refused):
        actions.agree_plan(actor=hotel.hk_head, case_id=case.pk)
    case.refresh_from_db()
    assert case.event_count == events and case.plan_agreed_by == hotel.hk_head
