"""The staff intake names the person behind a case as the kind does: an item seen online has an
author (发帖人), a hotline request a citizen (诉求人), a hotel complaint a complainant (投诉人)."""

import re

import pytest
from django.test import Client


def _label(page: str) -> str:
    found = re.search(r'<label[^>]*for="id_complainant_name"[^>]*>([^<]*)<', page)
    assert found, "the intake form has no complainant field"
    return found.group(1).strip()


@pytest.mark.parametrize("preset, user, channel, label", [
    ("opinion", "yq_admin", "weibo", "发帖人"),
    ("hotline", "operator1", "phone", "诉求人"),
])
def test_the_intake_names_the_complainant_as_the_kind_does(preset, user, channel, label, request):
    org = request.getfixturevalue(preset)
    client = Client()
    client.force_login(getattr(org, user))
    page = client.get(f"/staff/intake/{channel}/")
    assert page.status_code == 200
    assert _label(page.content.decode()).startswith(label)


def test_a_hotel_complaint_keeps_its_complainant(hotel):
    client = Client()
    client.force_login(hotel.frontdesk)
    assert _label(client.get("/staff/intake/phone/").content.decode()).startswith("投诉人")
