"""At intake the clerk sees the top three categories with their confidence, accepts one with a
click (a button that fills the category in, no script), and what was suggested and chosen is
recorded, so the month's acceptance rate can be counted (issue 14)."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tousu.cases.models import Case
from tousu.routing import selectors
from tousu.routing.models import Suggestion

from .test_routing_command import past_cases, run  # noqa: F401 - the fixture


def form(hotel, **extra):
    return {"stage": "after", "unit": hotel.units["front_office"].pk, "subject": "隔壁太吵",
            "description": "半夜有人唱歌，楼上跺脚，一夜没睡", "complainant_name": "钱先生",
            "complainant_phone": "13812345678", "severity": "3", **extra}


def test_the_clerk_picks_a_suggested_category_and_the_choice_is_recorded(hotel, past_cases, settings,  # noqa: F811
                                                                          tmp_path):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint", "--activate")
    client = Client()
    client.force_login(hotel.frontdesk)
    page = client.post("/staff/intake/letter/", form(hotel, step="suggest")).content.decode()
    assert page.count('name="pick_category"') == 3 and 'data-value="noise"' in page
    assert page.index('data-value="noise"') < page.index('data-value="billing"')  # the likeliest first
    assert Case.objects.count() == 60  # asking registers nothing

    page = client.post("/staff/intake/letter/", form(hotel, pick_category="noise")).content.decode()
    assert '<option value="noise" selected>' in page  # the click filled the category in

    answer = client.post("/staff/intake/letter/", form(hotel, step="confirm", category="noise"))
    assert answer.status_code == 302
    row = Suggestion.objects.get(target="category")
    assert (row.case.subject, row.chosen, row.rank) == ("隔壁太吵", "noise", 1)
    assert [value for value, _confidence in row.suggested][0] == "noise"

    client.post("/staff/intake/letter/", form(hotel, step="confirm", category="hygiene",
                                              subject="押金没退", description="退房后押金没退，发票开错"))
    now = timezone.now()
    figures = selectors.acceptance(now - timedelta(days=1), now + timedelta(days=1))["category"]
    assert figures == {"suggested": 2, "taken": 1, "first": 1, "rate": 0.5}


def test_without_a_model_the_form_says_so_and_registers_as_before(hotel, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = Client()
    client.force_login(hotel.frontdesk)
    page = client.post("/staff/intake/letter/", form(hotel, step="suggest")).content.decode()
    assert 'id="no-suggestions"' in page and 'name="pick_category"' not in page
    assert client.post("/staff/intake/letter/", form(hotel, step="confirm")).status_code == 302
    assert Suggestion.objects.count() == 0


def test_the_monthly_report_counts_the_acceptance_rate(hotel):
    """Two intakes in October with suggestions, one of them accepted: the month's report says so
    (in its tables, hence on the page, in the xlsx and the docx)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.web_ui.helpers import hotel_case
    from tousu.reports import exports
    from tousu.reports.periods import parse_month
    from tousu.reports.services import produce

    october = datetime(2026, 10, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    for category, chosen in (("noise", "noise"), ("billing", "hygiene")):
        case = hotel_case(hotel)
        Suggestion.objects.create(case=case, target="category", suggested=[[category, 0.8], ["food", 0.1]],
                                  chosen=chosen, rank=1 if chosen == category else 0, at=october)
    report = produce(parse_month("2026-10"), now=datetime(2026, 11, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert report.figures["suggestions"]["category"] == {"suggested": 2, "taken": 1, "first": 1, "rate": 0.5}
    from django.utils import translation

    with translation.override("en"):
        table = {title: rows for title, _header, rows in exports.tables(report)}["Suggestions at intake"]
    assert [(*row[:4], str(row[4])) for row in table] == [("Category", 2, 1, 1, "50.0%")]
