"""An administrator's edit (a role's authority, a holiday, the policy) counts from the next
action on, although the parsed policy and calendar are cached between requests."""

import datetime as dt
from decimal import Decimal

import pytest

from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.org.models import Holiday, Organisation, Role
from tousu.org.services import current_policy, work_calendar


def _case(hotel):
    """A 消费中 complaint: the front desk (staff) handles it herself, within her authority."""
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="空调坏了", description="报修两次无人来", stage="during",
                                 complainant_name="张先生")
    return actions.accept_case(actor=hotel.frontdesk, case_id=case.pk)


def test_a_raised_authority_counts_at_once(hotel):
    case = _case(hotel)
    with pytest.raises(Refused):
        actions.propose_resolution(actor=hotel.frontdesk, case_id=case.pk, resolution="赔偿", compensation=500)
    staff = Role.objects.get(code="staff")
    staff.max_compensation = Decimal("800")
    staff.save()  # as the admin does
    case = actions.propose_resolution(actor=hotel.frontdesk, case_id=case.pk, resolution="赔偿", compensation=500)
    assert case.compensation == Decimal("500")


def test_a_company_holiday_counts_at_once(hotel):
    monday = dt.date(2026, 3, 2)
    assert work_calendar().is_workday(monday)
    Holiday.objects.create(date=monday, is_workday=False, name="店庆日")
    assert not work_calendar().is_workday(monday)


def test_an_edited_policy_counts_at_once(hotel):
    assert "complaint_manager" not in current_policy().roles
    org = Organisation.objects.get()
    org.policy["kinds"]["complaint"]["actions"]["note"]["roles"] = ["owner"]
    org.save()
    assert current_policy().actions["note"].roles == frozenset({"owner"})
