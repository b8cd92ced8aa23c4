"""The portal in Chromium at phone width (375x740): submit, track, rate. Screenshots go to
test-artifacts/screenshots/portal-*.png."""

import re

import pytest


from tests.browser import shot
from tousu.cases.models import Case

from .helpers import PNG, to_replied

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_submit_from_a_phone(live_server, phone, bank, tmp_path):
    phone.goto(f"{live_server.url}/portal/")
    assert "95588" in phone.inner_text(".hotline")
    assert fits_the_screen(phone)
    shot(phone, "portal-landing")
    phone.click("a.button[href='/portal/submit/']")
    phone.wait_for_url("**/portal/submit/")

    # Sent with a required field missing: the message sits by the field, the text stays.
    phone.fill("#id_subject", "柜台重复收取转账手续费")
    phone.fill("#id_description", "周一在文一路网点办理转账，被收取了两次手续费。")
    phone.fill("#id_complainant_name", "李雷")
    phone.click("button[type=submit].wide")
    phone.wait_for_selector("#error-summary")
    assert phone.locator("#id_complainant_phone[aria-invalid=true]").count() == 1
    assert phone.input_value("#id_subject") == "柜台重复收取转账手续费"
    assert fits_the_screen(phone)
    shot(phone, "portal-submit-errors")

    phone.fill("#id_occurred_at", "2026-01-05T10:30")
    phone.fill("#id_place", "文一路营业网点")
    phone.fill("#id_requested_resolution", "退还多收的手续费。")
    phone.select_option("#id_category", "fees")
    phone.fill("#id_complainant_phone", "13800138000")
    phone.fill("#id_complainant_email", "lilei@example.com")
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(PNG)
    phone.set_input_files("#id_attachments", str(receipt))
    shot(phone, "portal-submit-filled")
    phone.click("button[type=submit].wide")
    phone.wait_for_selector("#tracking-code")

    case = Case.objects.get()
    assert phone.inner_text("#case-number") == case.number
    assert phone.inner_text("#tracking-code") == case.tracking_code
    assert case.channel == "web" and case.attachments.count() == 1
    assert fits_the_screen(phone)
    shot(phone, "portal-submitted")


def test_track_and_rate_from_a_phone(live_server, phone, bank):
    from tousu.cases import actions

    case = actions.register_case(actor=bank.cm, unit=bank.units["outlet_wenyi"], channel="web",
                                 subject="柜台重复收取转账手续费", description="收了两次手续费。",
                                 complainant_name="李雷", complainant_phone="138-0013-8000")
    to_replied(case, reply="经核实，多收的手续费已于今日退还至您的账户。给您带来不便，深表歉意。")

    phone.goto(f"{live_server.url}/portal/track/")
    # A wrong code first: one message, nothing revealed.
    phone.fill("#id_tracking_code", case.tracking_code)
    phone.fill("#id_phone_last4", "1111")
    phone.click("#lookup-form button[type=submit]")
    phone.wait_for_selector("#error-summary")
    shot(phone, "portal-track-not-found")

    # By keyboard only: type, Tab to the next field, Enter to send.
    phone.fill("#id_tracking_code", "")
    phone.focus("#id_tracking_code")
    phone.keyboard.type(case.tracking_code)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "id_phone_last4"
    phone.keyboard.press("Control+A")
    phone.keyboard.type("8000")
    phone.keyboard.press("Enter")
    phone.wait_for_selector("#case-reply")
    assert case.number in phone.inner_text("h1")
    assert "退还" in phone.inner_text("#case-reply")
    assert fits_the_screen(phone)
    shot(phone, "portal-track")

    phone.check("input[name=result][value=not_satisfied]")
    phone.fill("#id_comment", "希望给个书面说明。")
    shot(phone, "portal-rate")
    phone.click("#rating-form button[type=submit]")
    phone.wait_for_selector(".portal-message")
    case.refresh_from_db()
    assert case.callback_result == "not_satisfied" and case.owner == bank.outlet_head
    assert phone.locator("#rating-form").count() == 0
    assert re.search(r"\S", phone.inner_text("#case-rating"))
    shot(phone, "portal-rated")
