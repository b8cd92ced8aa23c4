import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from tousu.cases import actions
from tousu.cases.models import Clock

SH = ZoneInfo("Asia/Shanghai")


@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_after_stay_case_gets_three_working_days(hotel):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="房间有异味", description="入住期间房间有烟味", stage="after",
                                 complainant_name="张先生", complainant_phone="13800001234")
    assert case.owner == hotel.frontdesk and case.level == 0 and case.number.startswith("TS-2026-")
    case = actions.accept_case(actor=hotel.frontdesk, case_id=case.pk)
    clock = Clock.objects.get(case=case, name="after_stay")
    assert clock.due_at == dt.datetime(2026, 3, 6, 0, 0, tzinfo=SH)
