"""Issue 14 at the portal: the citizen asks for the categories that fit what they wrote, sees the
top three as buttons (no script needed) and chooses one with a press; the submission records
what was suggested and what was chosen, so the month's acceptance rate counts portal intakes."""

from datetime import timedelta

from django.utils import timezone

from tests.routing.test_routing_command import past_cases, run  # noqa: F401 - the fixture
from tousu.cases.models import Case
from tousu.routing import selectors
from tousu.routing.models import Suggestion

from .helpers import complaint


def noise(**extra):
    return complaint(**{"subject": "隔壁太吵", "description": "半夜有人唱歌，楼上跺脚，一夜没睡", "category": "",
                        "stage": "after", "occurred_at": "", **extra})


def test_the_citizen_picks_a_suggested_category_and_the_choice_is_recorded(client, hotel, past_cases,  # noqa: F811
                                                                            settings, tmp_path):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint", "--activate")
    before = Case.objects.count()
    page = client.post("/portal/submit/", noise(suggest="推荐")).content.decode()
    assert page.count('name="pick_category"') == 3
    assert page.index('data-value="noise"') < page.index('data-value="billing"')  # the likeliest first
    assert 'value="隔壁太吵"' in page  # what was written is kept
    assert Case.objects.count() == before  # asking registers nothing

    page = client.post("/portal/submit/", noise(pick_category="noise")).content.decode()
    assert '<option value="noise" selected>' in page  # the press chose it

    assert client.post("/portal/submit/", noise(category="noise")).status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert (case.channel, case.category) == ("web", "noise")
    row = Suggestion.objects.get(case=case, target="category")
    assert (row.chosen, row.rank) == ("noise", 1)
    # a second citizen ignores the suggestions: recorded, not accepted
    client.post("/portal/submit/", noise(category="hygiene", submission="other", complainant_phone="13900001111"))
    now = timezone.now()
    assert selectors.acceptance(now - timedelta(days=1), now + timedelta(days=1))["category"] == {
        "suggested": 2, "taken": 1, "first": 1, "rate": 0.5}


def test_without_a_model_the_portal_says_so_and_takes_the_complaint(client, hotel, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    page = client.post("/portal/submit/", noise(suggest="推荐")).content.decode()
    assert 'id="no-suggestions"' in page and 'name="pick_category"' not in page
    assert client.post("/portal/submit/", noise()).status_code == 302
    assert Suggestion.objects.count() == 0
