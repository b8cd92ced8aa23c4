"""Who may open each workspace page: owner, unit head, another unit's staff, the marketing
office (every unit, no personal data), an outsider and an anonymous visitor."""

import pytest
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions
from tousu.cases.models import Case, CaseEvent

from .helpers import bank_case, hotel_case, login


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


PAGES = ["web:my_work", "web:sign_off", "web:intake_index"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_the_login_page(client, hotel, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_is_sent_to_log_in_from_a_case_and_an_action(client, hotel):
    case = hotel_case(hotel)
    response = client.get(reverse("web:case", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("web:case_action", args=[case.pk, "note"]), {"note-text": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Case.objects.get(pk=case.pk).event_count == 1


def test_login_and_logout(client, hotel):
    page = client.get(reverse("login"))
    assert b'name="username"' in page.content and b'name="password"' in page.content
    response = client.post(reverse("login"), {"username": "frontdesk", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home"))["Location"] == reverse("web:my_work")  # a clerk starts on her work
    assert client.get(reverse("web:my_work")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("web:my_work")).status_code == 302


def test_a_wrong_password_is_refused(client, hotel):
    response = client.post(reverse("login"), {"username": "frontdesk", "password": "nope"})
    assert response.status_code == 200 and b"errors" in response.content


def test_owner_sees_the_case_with_personal_data(client, hotel):
    case = hotel_case(hotel)
    page = login(client, hotel.frontdesk).get(reverse("web:case", args=[case.pk])).content.decode()
    assert case.number in page and "钱先生" in page and "13812345678" in page
    assert 'data-action="escalate"' in page and 'data-action="note"' in page
    assert 'data-action="reject"' not in page  # staff may not reject
    assert 'data-action="sign_off"' not in page


def test_unit_head_sees_the_case_and_its_head_actions(client, hotel):
    case = hotel_case(hotel)
    page = login(client, hotel.fo_head).get(reverse("web:case", args=[case.pk])).content.decode()
    assert case.number in page
    for action in ("accept", "reject", "note", "escalate"):
        assert f'data-action="{action}"' in page
    assert 'data-action="reply"' not in page  # not before the case is in progress


@pytest.mark.parametrize("who", ["hk_staff", "fb_head", "stranger"])
def test_another_units_staff_gets_404(client, hotel, who):
    case = hotel_case(hotel)
    client = login(client, getattr(hotel, who))
    assert client.get(reverse("web:case", args=[case.pk])).status_code == 404
    response = client.post(reverse("web:case_action", args=[case.pk, "note"]),
                           {"note-text": "看看", "expected_version": case.version})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).event_count == 1
    listing = client.get(reverse("web:my_work") + "?tab=all").content.decode()
    assert case.number not in listing


def test_marketing_sees_every_unit_but_personal_data_masked(client, hotel):
    case = hotel_case(hotel)
    page = login(client, hotel.marketing).get(reverse("web:case", args=[case.pk])).content.decode()
    assert case.number in page
    assert "钱先生" not in page and "13812345678" not in page
    assert "钱*" in page and "5678" in page
    assert 'data-action=' not in page  # sees, may do nothing


def test_a_get_never_changes_the_case(client, hotel):
    case = hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    before = CaseEvent.objects.count()
    assert client.get(reverse("web:case_action", args=[case.pk, "escalate"])).status_code == 405
    client.get(reverse("web:case", args=[case.pk]) + "?close=1&escalate=1")
    assert CaseEvent.objects.count() == before


def test_sign_off_queue_is_for_heads(client, bank):
    case = bank_case(bank)
    actions.escalate_case(actor=bank.teller, case_id=case.pk, reason="转投诉管理人")
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    actions.perform("find_not_at_fault", actor=bank.cm, case_id=case.pk,
                    inputs={"findings": "收益按合同计算", "explanation": "说明收益计算"})
    actions.perform("reply", actor=bank.cm, case_id=case.pk, inputs={"text": "已说明", "method": "phone"})
    assert login(client, bank.teller).get(reverse("web:sign_off")).status_code == 403
    page = login(client, bank.outlet_head).get(reverse("web:sign_off")).content.decode()
    assert case.number in page
    assert case.number not in login(client, bank.gucui_teller).get(reverse("web:my_work") + "?tab=all").content.decode()


def test_unknown_action_and_unknown_channel_are_404(client, hotel):
    case = hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    assert client.post(reverse("web:case_action", args=[case.pk, "delete"])).status_code == 404
    assert client.get(reverse("web:intake", args=["carrier_pigeon"])).status_code == 404
    assert client.get(reverse("web:intake", args=["web"])).status_code == 404
