"""The case library (案例库): a closed case published with a summary and lessons (an action with
an event on the case's chain), searchable, for staff only."""

import pytest
from django.utils import translation

from tousu.cases.errors import Refused
from tousu.cases.events import verify_case
from tousu.quality import actions
from tousu.quality.selectors import library_visible_to, search_library

from .helpers import actions_of, at, closed, complaint, fresh


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def publish(actor, case, **kw):
    return actions.publish_case(actor=actor, case_id=case.pk, title=kw.get("title", "空调异味投诉"),
                                summary="客人投诉房间空调有异味，前厅部当即换房。",
                                lessons=kw.get("lessons", "空调滤网须按周清洗；换房前先查房。"))


def test_publish_search_and_only_staff_see_it(hotel, client):
    h = hotel
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9), category="hygiene")
    with pytest.raises(Refused, match="right"):
        publish(h.frontdesk, case)  # staff learn from it; the head publishes
    entry = publish(h.fo_head, case)
    assert (entry.category, entry.unit, entry.published_by) == ("hygiene", h.units["front_office"], h.fo_head)
    assert actions_of(case)[-1] == "publish_case"
    assert verify_case(fresh(case)) is None
    with pytest.raises(Refused, match="already in the case library"):
        publish(h.marketing, case)

    assert list(search_library(h.hk_staff, query="滤网")) == [entry]  # every member of staff learns
    assert list(search_library(h.hk_staff, query="滤网 换房")) == [entry]
    assert list(search_library(h.hk_staff, query="餐饮")) == []
    assert list(search_library(h.hk_staff, category="hygiene")) == [entry]
    assert list(search_library(h.hk_staff, category="food")) == []
    assert list(library_visible_to(h.stranger)) == []

    for url in ("/quality/library/", f"/quality/library/{entry.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(h.stranger)  # logged in, but no member of staff
    assert client.get("/quality/library/").status_code == 404
    assert client.get(f"/quality/library/{entry.pk}/").status_code == 404
    client.force_login(h.hk_staff)
    page = client.get("/quality/library/", {"q": "滤网"}).content.decode()
    assert "空调异味投诉" in page
    detail = client.get(f"/quality/library/{entry.pk}/").content.decode()
    assert "换房前先查房" in detail and case.number not in detail  # not their case to open
    assert "张先生" not in detail


def test_only_a_closed_case_is_published(hotel):
    h = hotel
    case = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 12, 9), category="hygiene")
    with pytest.raises(Refused, match="not possible now"):
        publish(h.fo_head, case)
