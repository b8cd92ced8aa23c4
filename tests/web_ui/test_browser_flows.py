"""The workspace in a real browser (Debian's Chromium): each step a person takes, with a
screenshot. Buttons are found by stable ids and data attributes, not by their (translated) text."""

import pytest

from tests.browser import shot
from tousu.cases import actions
from tousu.cases.models import Case

from .helpers import bank_case, hotel_case

pytestmark = pytest.mark.django_db(transaction=True)


def htmx_loaded(page) -> bool:
    return page.evaluate("typeof window.htmx !== 'undefined'")


def log_in(page, live_server, username, then=""):
    page.goto(live_server.url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/staff/**")
    if then:
        page.goto(live_server.url + then)


def take(page, action, **fields):
    """Open an action on the case page, fill it, submit it through htmx and wait for the answer."""
    page.click(f"#action-{action} summary")
    fill(page, action, **fields)
    submit(page, f"[data-action={action}]")


def fill(page, action, **fields):
    """Fill an open action's form: a select by its option's value, any other field by text."""
    for name, value in fields.items():
        selector = f"#id_{action}-{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def submit(page, button):
    """Click and wait until the case section has been replaced (by htmx or by a new page)."""
    page.evaluate("document.getElementById('case-body').dataset.old = '1'")
    page.click(button)
    page.wait_for_selector("#case-body:not([data-old])")


def case_url(case):
    return f"/staff/cases/{case.pk}/"


def test_log_in_and_out(live_server, page, hotel):
    page.goto(live_server.url + "/")
    assert "登录" in page.content()
    shot(page, "01-login")
    log_in(page, live_server, "frontdesk")
    assert page.locator("#tabs [data-tab=mine]").is_visible()
    shot(page, "02-my-work")
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")


def test_phone_intake_with_read_back(live_server, page, hotel):
    log_in(page, live_server, "frontdesk", then="/staff/intake/phone/")
    page.fill("#id_subject", "房间空调不制冷")
    page.fill("#id_occurred_at", "2026-01-10T19:30")
    page.fill("#id_place", "1208 房")
    page.fill("#id_description", "入住后空调一直吹热风，报修两次无人来")
    page.fill("#id_people_involved", "工程部值班员")
    page.fill("#id_complainant_name", "林先生")
    page.fill("#id_complainant_phone", "13911112222")
    page.fill("#id_requested_resolution", "今晚换房")
    page.fill("#id_requested_by", "2099-01-01T22:00")
    page.select_option("#id_stage", "during")
    page.select_option("#id_category", "facilities")
    page.select_option("#id_target_unit", label="工程部")
    page.click("#intake-next")
    page.wait_for_selector("#read-back")
    assert "1208 房" in page.inner_text("#read-back") and Case.objects.count() == 0
    shot(page, "03-intake-read-back")
    page.click("#confirm")
    page.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    assert (case.subject, case.channel, case.owner.username) == ("房间空调不制冷", "phone", "frontdesk")
    assert case.number in page.inner_text("h1")
    shot(page, "04-intake-registered")


def test_phone_intake_error_is_inline_at_phone_width(live_server, page, hotel):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, "frontdesk", then="/staff/intake/phone/")
    page.fill("#id_subject", "噪音")
    page.fill("#id_description", "隔壁装修")
    page.fill("#id_complainant_name", "林先生")
    page.fill("#id_complainant_phone", "no phone")
    page.click("#intake-next")
    page.wait_for_selector("#id_complainant_phone-error")
    assert Case.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "05-intake-error-375")


def test_escalate(live_server, page, hotel):
    case = hotel_case(hotel)
    log_in(page, live_server, "frontdesk", then=case_url(case))
    assert htmx_loaded(page)
    take(page, "escalate", reason="客人要求部门经理处理")
    assert page.locator("#notice").is_visible()
    case.refresh_from_db()
    assert (case.owner.username, case.level) == ("fo_head", 1)
    assert "前厅部经理" in page.inner_text("#case-owner")
    shot(page, "06-escalated")


def test_reply_with_an_inline_error_first(live_server, page, hotel):
    case = hotel_case(hotel, actor=hotel.fo_head)
    actions.accept_case(actor=hotel.fo_head, case_id=case.pk)
    log_in(page, live_server, "fo_head", then=case_url(case))
    take(page, "propose_resolution", resolution="致歉并赠送早餐", compensation="5000")
    assert page.locator("#id_propose_resolution-compensation-error").is_visible()
    shot(page, "07-resolution-beyond-authority")
    page.fill("#id_propose_resolution-compensation", "100")
    submit(page, "[data-action=propose_resolution]")
    assert page.locator("#notice").is_visible()
    take(page, "reply", text="已致歉并赠送早餐，欢迎再次光临")
    case.refresh_from_db()
    assert case.state == "replied"
    shot(page, "08-replied")


def _replied_bank_case(b):
    case = bank_case(b)
    actions.escalate_case(actor=b.teller, case_id=case.pk, reason="转投诉管理人")
    actions.accept_case(actor=b.cm, case_id=case.pk)
    actions.perform("find_not_at_fault", actor=b.cm, case_id=case.pk,
                    inputs={"findings": "收益按合同计算", "explanation": "说明收益计算并致歉"})
    actions.perform("reply", actor=b.cm, case_id=case.pk,
                    inputs={"text": "已向客户说明收益计算方法", "method": "phone"})
    return case


def test_call_back(live_server, page, bank):
    case = _replied_bank_case(bank)
    log_in(page, live_server, "cm", then=case_url(case))
    take(page, "record_callback", result="satisfied", note="客户表示满意")
    case.refresh_from_db()
    assert (case.state, case.callback_result) == ("confirmed", "satisfied")
    shot(page, "09-called-back")


def test_sign_off_from_the_queue(live_server, page, bank):
    case = _replied_bank_case(bank)
    actions.record_callback(actor=bank.cm, case_id=case.pk, result="satisfied")
    log_in(page, live_server, "outlet_head", then="/staff/sign-off/")
    shot(page, "10-sign-off-queue")
    page.click(f"[data-sign-off='{case.number}']")
    page.wait_for_url("**/staff/sign-off/")
    case.refresh_from_db()
    assert case.signed_off_by.username == "outlet_head"
    assert case.number not in page.content()
    shot(page, "11-signed-off")


def test_close(live_server, page, bank):
    case = _replied_bank_case(bank)
    actions.record_callback(actor=bank.cm, case_id=case.pk, result="satisfied")
    log_in(page, live_server, "cm", then=case_url(case))
    assert page.locator("[data-action=close]").count() == 0  # the head has not signed yet
    actions.sign_off_case(actor=bank.outlet_head, case_id=case.pk)
    page.reload()
    take(page, "close", note="办结")
    case.refresh_from_db()
    assert case.state == "closed"
    shot(page, "12-closed")
