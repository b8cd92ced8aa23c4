"""Phone intake with read-back (复述): nothing is saved before "confirm", errors stay inline."""

import pytest
from django.urls import reverse
from django.utils import translation

from tousu.cases.models import Case

from .helpers import login


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def facts(h, **extra):
    data = {"unit": h.units["front_office"].pk, "subject": "房间空调不制冷", "description": "入住后空调一直吹热风",
            "complainant_name": "林先生", "complainant_phone": "13911112222", "stage": "during",
            "category": "facilities", "place": "1208 房", "people_involved": "工程部值班员",
            "requested_resolution": "换房", "requested_by": "2099-01-01T20:00", "severity": "3",
            "occurred_at": "2026-01-01T19:30", "target_unit": h.units["engineering"].pk}
    data.update(extra)
    return data


def test_the_form_offers_only_my_units(client, hotel):
    page = login(client, hotel.frontdesk).get(reverse("web:intake", args=["phone"])).content.decode()
    assert "前厅部" in page and 'name="unit"' in page
    assert f'<option value="{hotel.units["housekeeping"].pk}"' not in page.split('name="target_unit"')[0]


def test_read_back_then_confirm_registers_once(client, hotel):
    client = login(client, hotel.frontdesk)
    url = reverse("web:intake", args=["phone"])
    review = client.post(url, {**facts(hotel), "step": "review"})
    assert review.status_code == 200
    page = review.content.decode()
    assert 'id="read-back"' in page and "房间空调不制冷" in page and "1208 房" in page
    assert Case.objects.count() == 0
    edit = client.post(url, {**facts(hotel), "step": "edit"})
    assert 'id="intake-form"' in edit.content.decode() and "房间空调不制冷" in edit.content.decode()
    assert Case.objects.count() == 0
    done = client.post(url, {**facts(hotel), "step": "confirm"})
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("web:case", args=[case.pk])
    assert (case.channel, case.owner, case.stage, case.place, case.target_unit) == (
        "phone", hotel.frontdesk, "during", "1208 房", hotel.units["engineering"])
    assert case.requested_by is not None and case.occurred_at is not None


def test_letter_registers_without_read_back(client, hotel):
    client = login(client, hotel.frontdesk)
    response = client.post(reverse("web:intake", args=["letter"]), {**facts(hotel), "step": "confirm"})
    assert response.status_code == 302
    assert Case.objects.get().channel == "letter"


@pytest.mark.parametrize("field, value, message", [
    ("subject", "", "required"),
    ("description", "", "required"),
    ("complainant_name", " ", "required"),
    ("complainant_phone", "call me maybe", "digits"),
    ("requested_by", "2001-01-01T10:00", "future"),
    ("requested_by", "tomorrow", "date"),
    ("complainant_email", "not-an-email", "email"),
])
@pytest.mark.parametrize("step", ["review", "confirm"])
def test_invalid_facts_are_shown_inline_and_nothing_is_saved(client, hotel, field, value, message, step):
    client = login(client, hotel.frontdesk)
    response = client.post(reverse("web:intake", args=["phone"]), {**facts(hotel, **{field: value}), "step": step})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page
    error = page.split(f'id="id_{field}-error"')[1].split("</p>")[0]
    assert message in error.lower()
    assert Case.objects.count() == 0


def test_a_unit_not_mine_is_refused(client, hotel):
    client = login(client, hotel.frontdesk)
    response = client.post(reverse("web:intake", args=["phone"]),
                           {**facts(hotel, unit=hotel.units["housekeeping"].pk), "step": "confirm"})
    assert response.status_code == 400 and 'id="id_unit-error"' in response.content.decode()
    assert Case.objects.count() == 0


def test_someone_without_a_unit_cannot_register(client, hotel):
    client = login(client, hotel.stranger)
    response = client.post(reverse("web:intake", args=["phone"]), {**facts(hotel), "step": "confirm"})
    assert response.status_code == 400
    assert Case.objects.count() == 0
