"""The complainant asks for a re-review from a phone and sees where the request stands."""

import pytest

from tests.browser import shot
from tousu.cases import actions

from .helpers import to_replied
from .test_browser import phone  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_ask_for_a_re_review_and_follow_it(live_server, phone, bank):  # noqa: F811
    case = actions.register_case(actor=bank.cm, unit=bank.units["outlet_wenyi"], channel="phone",
                                 subject="柜台重复收取转账手续费", description="收了两次手续费。",
                                 complainant_name="李雷", complainant_phone="138-0013-8000")
    to_replied(case, reply="经核实，多收的手续费已退还。")
    phone.goto(f"{live_server.url}/portal/track/")
    # Read aloud over the phone and typed as heard: lower case, spaces for the hyphens.
    phone.fill("#id_tracking_code", case.tracking_code.lower().replace("-", " "))
    phone.fill("#id_phone_last4", "8000")
    phone.click("#lookup-form button[type=submit]")
    phone.wait_for_selector("#case-reply")
    assert phone.locator("#review-request").count() == 0

    phone.click("text=要求重新处理")  # the re-review's summary
    phone.fill("#id_reason", "账单上仍有第二笔手续费。")
    phone.click("#rereview-form button[type=submit]")
    phone.wait_for_selector("#review-request")
    assert "正由您的投诉处理人处理" in phone.inner_text("#review-state")
    assert phone.inner_text("#review-due").startswith("20")
    shot(phone, "portal-rereview-pending")

    actions.perform("answer_review", actor=bank.cm, case_id=case.pk, inputs={"text": "第二笔手续费已于今日冲正。"})
    phone.reload()
    assert phone.inner_text("#review-state") == "已答复"
    assert "已于今日冲正" in phone.inner_text("#review-answer")
    shot(phone, "portal-rereview-answered")
