"""Issue 14 in a real browser: the hotline operator sends a request to a suggested unit with one
click (the "send to" field is filled in, the request is dispatched once registered), and the
citizen's portal shows suggested categories on a phone-sized screen, one tap each. Screenshots
test-artifacts/screenshots/h5-*.png."""


import pytest

from tests.browser import shot
from tests.routing.hotline_history import trained
from tests.routing.test_routing_command import past_cases, run  # noqa: F401 - the fixture
from tousu.cases.models import Case
from tousu.routing.models import Suggestion
from tests.web_ui.test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_operator_sends_a_request_to_a_suggested_unit_with_one_click(page, live_server, hotline, settings,
                                                                          tmp_path):
    settings.DATA_DIR = tmp_path
    trained(hotline)
    page.set_default_timeout(15_000)
    log_in(page, live_server, "operator1")
    page.goto(live_server.url + "/staff/intake/phone/")
    page.fill("#id_subject", "小区物业不修电梯")
    page.fill("#id_description", "市民来电反映，物业不修电梯，电梯经常停运，希望尽快处理。")
    page.fill("#id_complainant_name", "刘女士")
    page.click("#suggest")
    page.wait_for_selector("#suggested-units")
    units = page.locator("#suggested-units button")
    assert units.count() == 2 and units.first.get_attribute("data-value") == "housing_dept"
    assert "%" in units.first.inner_text()
    shot(page, "h5-1-intake-suggested-units")
    units.first.click()
    page.wait_for_selector("#suggested-units button.picked")
    assert page.locator("#id_route_to option:checked").inner_text() == "市住房城乡建设委"
    assert page.input_value("#id_subject") == "小区物业不修电梯"  # what was typed is kept
    shot(page, "h5-2-intake-unit-picked")
    page.click("#intake-next")  # the read-back (复述)
    page.click("#confirm")
    page.wait_for_url("**/staff/cases/*/")
    shot(page, "h5-3-dispatched")
    case = Case.objects.filter(is_open=True).order_by("-pk").first()
    assert (case.state, case.handling_unit.code) == ("dispatched", "housing_dept")
    assert "市住房城乡建设委" in page.inner_text("body")
    assert Suggestion.objects.get(case=case, target="unit").rank == 1


def test_the_portal_suggests_categories_on_a_phone(live_server, phone, hotel, past_cases,  # noqa: F811
                                                   settings, tmp_path):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint", "--activate")
    phone.goto(f"{live_server.url}/portal/submit/")
    phone.fill("#id_subject", "隔壁太吵")
    phone.fill("#id_description", "半夜有人唱歌，楼上跺脚，一夜没睡")
    phone.check("input[name=stage][value=after]")
    phone.fill("#id_complainant_name", "钱先生")
    phone.fill("#id_complainant_phone", "13812345678")
    phone.click("input[name=suggest]")
    phone.wait_for_selector("#category-suggestions .choices")
    choices = phone.locator("#category-suggestions .choices button")
    assert choices.count() == 3 and choices.first.get_attribute("data-value") == "noise"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits the phone
    assert choices.first.bounding_box()["height"] >= 40  # big enough to tap
    shot(phone, "h5-4-portal-suggested-categories")
    choices.first.tap()
    phone.wait_for_selector("#category-suggestions button.picked")
    assert phone.input_value("#id_category") == "noise"
    assert phone.input_value("#id_subject") == "隔壁太吵"
    shot(phone, "h5-5-portal-category-picked")
    phone.click("button[type=submit].wide")
    phone.wait_for_url("**/portal/submit/*/")
    case = Case.objects.order_by("-pk").first()
    assert (case.channel, case.category) == ("web", "noise")
    assert Suggestion.objects.get(case=case, target="category").rank == 1
