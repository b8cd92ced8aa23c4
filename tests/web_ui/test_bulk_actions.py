"""Bulk assign and note on the work list (issue 10, the workspace): the actions a preset marks
`bulk = true`, taken on each ticked complaint through the same action as on the case page;
each case done or refused on its own, with the reason named."""

import pytest
from django.urls import reverse

from tests.browser import shot
from tousu.cases.models import Case, CaseEvent

from .helpers import hotel_case, login
from tests.web_ui.test_browser_flows import log_in


def test_bulk_assign_moves_every_ticked_case(client, hotel):
    a, b, untouched = hotel_case(hotel), hotel_case(hotel), hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    page = client.get(reverse("web:my_work")).content.decode()
    assert 'data-bulk="assign"' in page and f'id="tick-{a.pk}"' in page
    response = client.post(reverse("web:bulk"), {"action": "complaint:assign", "case": [a.pk, b.pk],
                                                 "complaint:assign-assignee": hotel.fo_head.pk,
                                                 "complaint:assign-note": "请经理处理", "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert {c.owner for c in Case.objects.filter(pk__in=[a.pk, b.pk])} == {hotel.fo_head}
    assert Case.objects.get(pk=untouched.pk).owner == hotel.frontdesk
    assert CaseEvent.objects.filter(case__in=[a, b], action="assign").count() == 2  # one event each


def test_bulk_note_and_a_refusal_named_per_case(client, hotel):
    mine, other = hotel_case(hotel), hotel_case(hotel, unit=hotel.units["housekeeping"], actor=hotel.hk_staff)
    client = login(client, hotel.frontdesk)
    page = client.post(reverse("web:bulk"), {"action": "complaint:note", "case": [mine.pk, other.pk],
                                             "complaint:note-text": "已电话联系客人"}, follow=True).content.decode()
    assert CaseEvent.objects.filter(case=mine, action="note", note="已电话联系客人").exists()
    assert not CaseEvent.objects.filter(case=other, action="note").exists()  # not hers to see
    assert mine.number in page and f"#{other.pk}" in page


def test_nothing_ticked_is_said(client, hotel):
    hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    page = client.post(reverse("web:bulk"), {"action": "complaint:note"}, follow=True).content.decode()
    assert "请先勾选" in page


@pytest.mark.django_db(transaction=True)
def test_bulk_assign_in_a_browser(live_server, page, hotel):
    a, b = hotel_case(hotel), hotel_case(hotel)
    log_in(page, live_server, "frontdesk")
    page.check(f"#tick-{a.pk}")
    page.check(f"#tick-{b.pk}")
    page.click("#bulk-assign summary")
    page.select_option("#bulk-complaintassign-assignee", str(hotel.fo_head.pk))
    page.click("[data-bulk=assign]")
    page.wait_for_selector("[role=status] .notice")
    shot(page, "workspace-bulk-assign")
    assert {c.owner for c in Case.objects.filter(pk__in=[a.pk, b.pk])} == {hotel.fo_head}
