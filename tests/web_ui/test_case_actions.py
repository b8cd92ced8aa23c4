"""Actions from the case page: htmx re-renders the section, plain POST redirects, refusals are
shown inline next to their field, and a stale version changes nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions
from tousu.cases.models import Case

from .helpers import bank_case, hotel_case, login

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def act(client, case, action, data, **kw):
    return client.post(reverse("web:case_action", args=[case.pk, action]),
                       {"expected_version": case.version, **{f"{action}-{k}": v for k, v in data.items()}}, **kw)


def test_escalate_with_htmx_returns_the_refreshed_section(client, hotel):
    case = hotel_case(hotel)
    response = act(login(client, hotel.frontdesk), case, "escalate", {"reason": "客人要求经理处理"}, headers=HX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="case-body">') and "<html" not in page
    assert 'id="notice"' in page
    case = Case.objects.get(pk=case.pk)
    assert (case.owner, case.level) == (hotel.fo_head, 1)


def test_without_js_the_form_posts_and_redirects(client, hotel):
    case = hotel_case(hotel)
    response = act(login(client, hotel.frontdesk), case, "note", {"text": "已联系工程部"})
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.pk])
    assert Case.objects.get(pk=case.pk).events.last().note == "已联系工程部"


def test_a_missing_reason_is_shown_next_to_its_field(client, hotel):
    case = hotel_case(hotel)
    response = act(login(client, hotel.frontdesk), case, "escalate", {"reason": ""}, headers=HX)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_escalate-reason-error"' in page
    assert "Reason is required." in page
    assert '<details id="action-escalate" open' in page
    assert Case.objects.get(pk=case.pk).event_count == 1


def test_a_refusal_without_a_field_is_shown_on_the_form(client, bank):
    case = bank_case(bank)
    actions.escalate_case(actor=bank.teller, case_id=case.pk, reason="转投诉管理人")
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    case.refresh_from_db()
    response = act(login(client, bank.cm), case, "propose_resolution",
                   {"resolution": "赔偿", "compensation": "900", "at_fault": "true"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_propose_resolution-compensation-error"' in page and "beyond your authority" in page
    assert Case.objects.get(pk=case.pk).resolution == ""


def test_a_stale_version_changes_nothing_and_says_so(client, hotel):
    case = hotel_case(hotel)
    actions.add_note(actor=hotel.fo_head, case_id=case.pk, text="经理已知悉")
    response = act(login(client, hotel.frontdesk), case, "escalate", {"reason": "升级"}, headers=HX)
    assert "Someone else has just changed this case" in response.content.decode()
    assert Case.objects.get(pk=case.pk).level == 0


def test_an_action_no_longer_possible_says_why(client, hotel):
    case = hotel_case(hotel)
    actions.reject_case(actor=hotel.fo_head, case_id=case.pk, reason="不属于投诉")
    case.refresh_from_db()
    response = act(login(client, hotel.frontdesk), case, "escalate", {"reason": "升级"}, headers=HX)
    page = response.content.decode()
    assert 'id="notice-error"' in page and 'data-action="escalate"' not in page


def test_reply_is_offered_only_after_a_resolution(client, hotel):
    case = hotel_case(hotel, actor=hotel.fo_head)
    actions.accept_case(actor=hotel.fo_head, case_id=case.pk)
    actions.escalate_case(actor=hotel.fo_head, case_id=case.pk, reason="请分管副总处理")  # in progress
    client = login(client, hotel.deputy)
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert 'data-action="reply"' not in page and "Propose a resolution before replying." in page
    case.refresh_from_db()
    act(client, case, "propose_resolution", {"resolution": "致歉", "compensation": "50", "at_fault": "unknown"})
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert 'data-action="reply"' in page


def test_my_work_tabs_filters_and_search(client, bank):
    first = bank_case(bank)
    bank_case(bank, subject="排队太久", category="waiting_time", channel="walk_in", complainant_name="周先生")
    client = login(client, bank.teller)
    page = client.get(reverse("web:my_work")).content.decode()
    assert 'data-tab="mine"' in page and first.number in page
    assert "排队太久" in client.get(reverse("web:my_work") + "?channel=walk_in").content.decode()
    assert "收益与宣传不符" not in client.get(reverse("web:my_work") + "?category=waiting_time").content.decode()
    found = client.get(reverse("web:my_work") + "?q=周先生").content.decode()
    assert "排队太久" in found and "收益与宣传不符" not in found
    assert first.number in client.get(reverse("web:my_work") + f"?q={first.number}").content.decode()
    assert client.get(reverse("web:my_work") + "?level=x&page=999").status_code == 200


def test_the_pager_and_the_badges_count_no_further_than_their_caps(client, bank, monkeypatch):
    from tousu.web.views import work

    for i in range(4):
        bank_case(bank, subject=f"排队 {i}")
    monkeypatch.setattr(work, "PER_PAGE", 1)
    monkeypatch.setattr(work, "PAGES_COUNTED", 2)
    monkeypatch.setattr(work, "COUNT_CAP", 3)
    client = login(client, bank.teller)
    page = client.get(reverse("web:my_work")).content.decode()
    assert "Page 1 of 2+" in page and 'rel="next"' in page and ">3+</span>" in page
    deeper = client.get(reverse("web:my_work") + "?page=3").content.decode()
    assert "Page 3 of 4" in deeper and 'rel="next"' in deeper  # asking further counts further
    assert "Page 4 of 4" in client.get(reverse("web:my_work") + "?page=4").content.decode()
