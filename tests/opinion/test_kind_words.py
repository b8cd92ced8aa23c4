"""A case is named as its kind names it: at the staff intake an item seen online has an author
(发帖人), a hotline request a citizen (诉求人), a hotel complaint a complainant (投诉人); the
engine's refusals say 该网络舆情, not 该投诉."""

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


def test_a_refusal_names_the_case_as_its_kind_does(opinion):
    from tests.opinion.helpers import act, found
    from tousu.cases.errors import Refused

    item = found(opinion, level=3)
    with pytest.raises(Refused) as refused:
        act("close", opinion.yq_admin, item)
    assert "该网络舆情" in str(refused.value.message) and "投诉" not in str(refused.value.message)
