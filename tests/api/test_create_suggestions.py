"""POST /api/cases answers with the routing model's top three categories and units, and records
what was suggested beside what the caller chose (issue 14)."""

from tests.routing.test_routing_command import past_cases, run  # noqa: F401 - the fixture
from tousu.routing.models import Suggestion

from .bodies import complaint


def test_the_answer_carries_the_suggestions_once_a_model_is_on(hotel, api, past_cases, settings,  # noqa: F811
                                                              tmp_path):
    settings.DATA_DIR = tmp_path
    client = api(hotel.frontdesk)
    before = client.create(complaint(subject="隔壁太吵", description="装修噪音，半夜有人唱歌"), key="a")
    assert before.status_code == 201 and before.json()["suggestions"] == {}
    run("routing", "train", "--kind", "complaint", "--activate")
    r = client.create(complaint(subject="隔壁太吵", description="装修噪音，半夜有人唱歌", category="noise"), key="b")
    assert r.status_code == 201
    top = r.json()["suggestions"]["category"]
    assert [s["value"] for s in top][0] == "noise" and len(top) == 3
    assert {"value", "label", "confidence"} <= set(top[0]) and top[0]["label"] == "噪音"
    client.contract.check("POST", "/api/cases", r)
    row = Suggestion.objects.get(case_id=r.json()["id"], target="category")
    assert (row.chosen, row.rank) == ("noise", 1)
    again = client.create(complaint(subject="隔壁太吵", description="装修噪音，半夜有人唱歌", category="noise"), key="b")
    assert again["Idempotent-Replayed"] == "true" and Suggestion.objects.count() == 1  # recorded once
