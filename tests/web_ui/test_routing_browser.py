"""Suggestions at intake in a real browser (issue 14): the clerk asks for suggestions, sees the
top three categories with their confidence, clicks one to fill the category in and registers;
what was suggested and chosen is recorded. Screenshots of each step."""

import pytest

from tests.browser import shot
from tests.routing.test_routing_command import past_cases, run  # noqa: F401 - the fixture
from tousu.cases.models import Case
from tousu.routing.models import Suggestion
from tests.web_ui.test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_clerk_accepts_a_suggested_category_with_a_click(page, live_server, hotel, past_cases,  # noqa: F811
                                                            settings, tmp_path):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint", "--activate")
    log_in(page, live_server, "frontdesk")
    page.goto(live_server.url + "/staff/intake/letter/")
    page.select_option("#id_stage", "after")
    page.fill("#id_subject", "楼上半夜跺脚")
    page.fill("#id_description", "装修噪音很大，隔壁太吵，一夜没睡")
    page.fill("#id_complainant_name", "钱先生")
    page.click("#suggest")
    page.wait_for_selector("#suggested-categories")
    buttons = page.locator("#suggested-categories button")
    assert buttons.count() == 3 and buttons.first.get_attribute("data-value") == "noise"
    assert "%" in buttons.first.inner_text()
    assert page.input_value("#id_subject") == "楼上半夜跺脚"  # what was typed is kept
    shot(page, "routing-1-suggested")
    buttons.first.click()
    page.wait_for_selector("#suggested-categories button.picked")
    assert page.input_value("#id_category") == "noise"
    shot(page, "routing-2-picked")
    assert Case.objects.count() == 60  # nothing registered yet
    page.click("#intake-next")
    page.wait_for_url("**/staff/cases/*/")
    shot(page, "routing-3-registered")
    case = Case.objects.order_by("-pk").first()
    assert case.category == "noise"
    assert Suggestion.objects.get(case=case, target="category").rank == 1
