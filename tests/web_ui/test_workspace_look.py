"""The workspace on Bootstrap 5, vendored (issue 10, the workspace): navigation that stays put,
tables whose header stays in view, badges, the case page laid out for 1366 px and for a phone
(facts in two columns, long texts folded, the actions near the top), a timeline that shows
each proposal with its amount, and pages that still work without JavaScript. Screenshots in
test-artifacts/screenshots/workspace-*.png."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser import shot
from tousu.cases.engine import perform

from .helpers import hotel_case
from .test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "入住后空调一直吹热风，" * 30


def a_case_with_two_proposals(h):
    case = hotel_case(h, stage="during", description=LONG, requested_by=timezone.now() + timedelta(hours=5))
    perform("accept", actor=h.frontdesk, case_id=case.pk)
    perform("propose_resolution", actor=h.frontdesk, case_id=case.pk,
            inputs={"resolution": "赠送果盘", "compensation": Decimal("30")})
    perform("propose_resolution", actor=h.frontdesk, case_id=case.pk,
            inputs={"resolution": "免收一晚房费", "compensation": Decimal("45")})
    return case


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_bootstrap_is_served_from_our_own_static_files(live_server, page, hotel):
    page.goto(live_server.url + "/")
    hrefs = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.getAttribute('href'))")
    assert any("bootstrap-5.3.3.min.css" in h for h in hrefs)
    assert all(h.startswith("/static/") for h in hrefs), hrefs  # no CDN
    loaded = page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('bootstrap') && s.cssRules.length > 100)")
    assert loaded


def test_navigation_and_table_headers_stay_put(live_server, page, hotel):
    for n in range(40):
        hotel_case(hotel, subject=f"退房排队久 {n}")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "frontdesk")
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).position") == "sticky"
    assert page.locator("main thead th").first.evaluate("e => getComputedStyle(e).position") == "sticky"
    badge = page.locator("main .badge").first
    colour, background = badge.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colour != background and background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    assert box(page, "header.top")["y"] == 0  # the navigation is still at the top of the window
    page.mouse.wheel(0, -3000)
    page.wait_for_timeout(200)
    shot(page, "workspace-work-list-1366")


def test_the_case_page_at_1366_px(live_server, page, hotel):
    case = a_case_with_two_proposals(hotel)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "frontdesk", f"/staff/cases/{case.pk}/")
    actions, facts = box(page, "#actions"), box(page, "section[aria-labelledby=h-facts]")
    assert actions["x"] > facts["x"] + facts["width"] - 1, "the actions stand beside the facts"
    assert actions["y"] < 768, "the actions are in view without scrolling"
    cards = page.eval_on_selector_all("#case-body > .grid > section", "ss => new Set(ss.map(s => s.getBoundingClientRect().x)).size")
    assert cards >= 2, "the facts' cards stand in two columns"
    # The long description is folded; it opens on a click, without any script.
    folded = page.locator("section[aria-labelledby=h-facts] details.folded")
    assert folded.count() == 1 and not folded.evaluate("d => d.open")
    folded.locator("summary").click()
    assert folded.evaluate("d => d.open")
    # The timeline keeps both proposals, each with its amount in 元.
    timeline = page.locator("#timeline").inner_text()
    assert "赠送果盘" in timeline and "30.00 元" in timeline
    assert "免收一晚房费" in timeline and "45.00 元" in timeline
    shot(page, "workspace-case-1366")


def test_the_case_page_on_a_phone(live_server, browser, hotel):
    case = a_case_with_two_proposals(hotel)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "frontdesk", f"/staff/cases/{case.pk}/")
        actions, facts = box(page, "#actions"), box(page, "section[aria-labelledby=h-facts]")
        assert actions["y"] < facts["y"], "the actions come before the facts on a phone"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"nothing runs off the side of the screen ({width} px)"
        shot(page, "workspace-case-phone")
    finally:
        context.close()


def test_pages_work_without_javascript(live_server, browser, hotel):
    case = hotel_case(hotel)
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "frontdesk", f"/staff/cases/{case.pk}/")
        page.click("#action-accept summary")
        page.click("[data-action=accept]")
        page.wait_for_load_state()
        assert page.locator("#timeline [data-event=accept]").count() == 1
        shot(page, "workspace-case-no-script")
    finally:
        context.close()
