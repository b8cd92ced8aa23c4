"""Issue 10's hotel and telecom steps in Chromium, with screenshots (test-artifacts/screenshots/
h10-*.png): the hotel portal asks the guest by when; closing asks whether a standard covers the
matter and refuses until the handling report is done; the resolution form names the responsible
employee and the inspector; a telecom case shows each broken promise."""

import pytest
import time_machine

from tests.browser import shot
from tests.times import at
from tousu.cases import actions
from tousu.cases.models import Case
from tousu.cases.sweep import sweep

from .test_browser_flows import case_url, fill, log_in, submit, take

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_hotel_portal_asks_the_guest_by_when(live_server, page, hotel):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/portal/submit/")
    assert page.locator("#id_requested_by").count() == 1
    page.fill("#id_subject", "空调不制冷")
    page.fill("#id_description", "房间空调一直不制冷")
    page.check("input[name=stage][value=during]")
    page.fill("#id_requested_by", "2020-01-01T10:00")
    page.fill("#id_complainant_name", "张先生")
    page.fill("#id_complainant_phone", "13800001234")
    page.click("button[type=submit].wide")
    page.wait_for_selector("#error-summary")
    assert page.locator("#id_requested_by[aria-invalid=true]").count() == 1
    shot(page, "h10-portal-by-when-refused")
    assert Case.objects.count() == 0


def test_closing_asks_about_the_standard_and_waits_for_the_report(live_server, page, hotel):
    h = hotel
    case = actions.register_case(actor=h.fo_head, unit=h.units["front_office"], channel="phone",
                                 stage="after", category="hygiene", subject="房间有异味",
                                 description="入住期间房间有烟味", complainant_name="张先生")
    actions.accept_case(actor=h.fo_head, case_id=case.pk)
    actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="换房并致歉")
    actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已换房")
    actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied")
    log_in(page, live_server, "fo_head", then=case_url(case))
    page.click("#action-close summary")
    fill(page, "close", standard_covered="false", note="办结")
    submit(page, "[data-action=close]")
    assert "顾客投诉处理报告表" in page.inner_text("#case-body")
    shot(page, "h10-close-needs-the-handling-report")
    assert Case.objects.get(pk=case.pk).state == "confirmed"


def test_the_resolution_form_names_the_employee_and_the_inspector(live_server, page, hotel):
    h = hotel
    case = actions.register_case(actor=h.hk_head, unit=h.units["housekeeping"], channel="walk_in",
                                 stage="during", category="hygiene", subject="卫生间未清洁",
                                 description="客人反映卫生间未清洁", complainant_name="钱先生")
    actions.accept_case(actor=h.hk_head, case_id=case.pk)
    log_in(page, live_server, "hk_head", then=case_url(case))
    take(page, "propose_resolution", resolution="重新打扫并致歉",
         responsible_employee=str(h.hk_staff.pk), inspector=str(h.hk_head.pk))
    case.refresh_from_db()
    assert case.responsible_employee == h.hk_staff and case.data["inspector"] == h.hk_head.pk
    shot(page, "h10-resolution-with-employee-and-inspector")


def test_each_broken_promise_shows_on_the_telecom_case(live_server, page, telecom):
    t = telecom
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):
        case = actions.register_case(actor=t.agent, unit=t.units["cs_center"], channel="work_order",
                                     category="weak_coverage", subject="家中信号弱",
                                     description="小区室内经常无信号", complainant_name="吴先生")
        actions.accept_case(actor=t.agent, case_id=case.pk, promised_reply_at=at(2026, 7, 6, 17, 0))
    sweep(now=at(2026, 7, 6, 17, 1))
    with time_machine.travel(at(2026, 7, 6, 18, 0), tick=False):
        actions.perform("repromise", actor=t.team_lead, case_id=case.pk, inputs={
            "promised_reply_at": "2026-07-07T12:00", "reason": "需现场测试"})
    sweep(now=at(2026, 7, 7, 12, 1))
    log_in(page, live_server, "center_head", then=case_url(case))
    assert page.locator("[data-clock=promised_reply] [data-missed]").count() == 2
    shot(page, "h10-broken-promises")
