"""要求重新处理 is a real request: it reaches the case's owner (a message and a clock with a
deadline on their case), the owner answers it, and the portal shows where it stands."""

import re

import pytest
import time_machine

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case, Clock
from tousu.notify.models import Notification

from .helpers import to_replied

EN = {"headers": {"accept-language": "en"}}


def look_up(client, case):
    return client.post("/portal/track/", {"tracking_code": case.tracking_code, "phone_last4": "8000"}, **EN)


@pytest.fixture
def replied(client, bank):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = actions.register_case(actor=bank.cm, unit=bank.units["outlet_wenyi"], channel="phone",
                                     subject="重复收费", description="扣了两次手续费", complainant_name="李雷",
                                     complainant_phone="138-0013-8000", complainant_email="li@example.com")
        case = to_replied(case)
        look_up(client, case)
    return case


def ask(client, reason="The second fee is still on my statement."):
    with time_machine.travel(at(2026, 12, 1, 9, 20), tick=False):
        return client.post("/portal/track/re-review/", {"reason": reason}, **EN)


def test_the_request_reaches_the_owner_with_a_clock(client, replied, bank):
    bank.cm.email = "cm@outlet.example"
    bank.cm.save(update_fields=["email"])
    assert ask(client).status_code == 302
    case = Case.objects.get()
    clock = Clock.objects.get(case=case, name="review_request")
    assert clock.state == Clock.RUNNING and clock.due_at == at(2026, 12, 5, 0, 0)  # 三日内: to the end of the third day
    message = Notification.objects.get(case=case, subject__startswith="客户申请复核")
    assert message.recipient == "cm@outlet.example" and "still on my statement" in message.body
    assert case.owner == bank.cm and case.data["review_reason"] == "The second fee is still on my statement."


def test_the_portal_shows_the_request_pending_then_answered(client, replied, bank):
    with time_machine.travel(at(2026, 12, 1, 9, 10), tick=False):
        page = client.get("/portal/track/", **EN).content.decode()
    assert 'id="review-request"' not in page and "Li Lei" not in page
    ask(client)
    with time_machine.travel(at(2026, 12, 1, 9, 30), tick=False):
        page = client.get("/portal/track/", **EN).content.decode()
    assert 'id="review-request"' in page and "Being handled" in page
    assert re.search(r'<dd id="review-due">2026-12-0(4 24:00|5 00:00)</dd>', page)
    actions.perform("answer_review", actor=bank.cm, case_id=replied.pk,
                    inputs={"text": "The refund reached your account today."})
    assert Clock.objects.get(case=replied, name="review_request").state == Clock.STOPPED
    with time_machine.travel(at(2026, 12, 1, 9, 40), tick=False):
        page = client.get("/portal/track/", **EN).content.decode()
    assert '<dd id="review-state">Answered</dd>' in page and "The refund reached your account today." in page
    assert 'id="review-due"' not in page


def test_only_a_requested_review_can_be_answered(replied, bank):
    with pytest.raises(Refused, match="复核|re-review"):
        actions.perform("answer_review", actor=bank.cm, case_id=replied.pk, inputs={"text": "?"})


def test_an_unanswered_request_is_late_against_the_owner(client, replied, bank):
    from tousu.cases.models import Lateness
    from tousu.cases.sweep import sweep

    ask(client)
    with time_machine.travel(at(2026, 12, 5, 0, 5), tick=False):
        sweep()
    late = Lateness.objects.get(case=replied)
    assert late.person == bank.cm and late.unit == bank.units["outlet_wenyi"]


def test_the_owners_case_page_offers_the_answer_only_once_asked(client, replied, bank):
    from django.test import Client

    staff = Client()
    staff.force_login(bank.cm)
    page = staff.get(f"/staff/cases/{replied.pk}/").content.decode()
    assert "答复复核申请" not in page  # not listed as "not yet" on every replied case
    ask(client)
    page = staff.get(f"/staff/cases/{replied.pk}/").content.decode()
    assert 'id="action-answer_review"' in page
