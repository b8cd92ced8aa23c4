"""The all-units view: for the roles that see every unit (marketing, head office service
management), refused to everyone else."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions

from .helpers import bank_case, hotel_case, login


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def counts(page: str, unit: str) -> dict[str, str]:
    row = page.split(f'data-unit="{unit}"')[1].split("</tr>")[0]
    return {name: re.sub(r"<[^>]+>", "", value).strip()
            for name, value in re.findall(r'data-count="(\w+)"[^>]*>(.*?)</td>', row)}


def test_marketing_sees_every_unit_with_its_counts(client, hotel):
    hotel_case(hotel)
    replied = hotel_case(hotel, actor=hotel.hk_head, unit=hotel.units["housekeeping"], complainant_phone="")
    actions.accept_case(actor=hotel.hk_head, case_id=replied.pk)
    actions.propose_resolution(actor=hotel.hk_head, case_id=replied.pk, resolution="致歉")
    actions.reply_case(actor=hotel.hk_head, case_id=replied.pk, text="已致歉")
    response = login(client, hotel.marketing).get(reverse("web:all_units"))
    assert response.status_code == 200
    page = response.content.decode()
    assert counts(page, "hotel") == {"open": "2", "overdue": "0", "replied": "1", "recent": "2"}
    assert counts(page, "front_office") == {"open": "1", "overdue": "0", "replied": "0", "recent": "1"}
    assert counts(page, "housekeeping")["replied"] == "1"
    assert counts(page, "engineering") == {"open": "0", "overdue": "0", "replied": "0", "recent": "0"}
    assert "?tab=all&amp;unit=front_office" in page
    assert f'href="{reverse("web:all_units")}"' in page  # in the header


def test_the_deputy_gm_of_the_gm_office_sees_every_unit(client, hotel):
    """The hotel's deputy GM sits in the 总经室 that reviews the all-units analysis (text 五 七、2):
    the policy lets him see every unit (all_units), so the page and its link are his."""
    hotel_case(hotel)
    response = login(client, hotel.deputy).get(reverse("web:all_units"))
    assert response.status_code == 200
    page = response.content.decode()
    assert counts(page, "front_office")["open"] == "1" and counts(page, "housekeeping")["open"] == "0"
    assert f'href="{reverse("web:all_units")}"' in page


def test_head_office_service_management_sees_every_outlet(client, bank):
    bank_case(bank)
    page = login(client, bank.hq_service).get(reverse("web:all_units")).content.decode()
    assert counts(page, "outlet_wenyi")["open"] == "1" and counts(page, "outlet_gucui")["open"] == "0"


@pytest.mark.parametrize("who", ["frontdesk", "fo_head", "stranger"])
def test_others_are_refused(client, hotel, who):
    client = login(client, getattr(hotel, who))
    assert client.get(reverse("web:all_units")).status_code == 403
    assert f'href="{reverse("web:all_units")}"' not in client.get(reverse("web:my_work")).content.decode()


def test_anonymous_is_sent_to_log_in(client, hotel):
    response = client.get(reverse("web:all_units"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_call_back_count_links_to_the_state_the_policy_names(client, hotel):
    """An organisation whose answered complaints wait in a state of its own naming: the count of
    those waiting for the call-back links to the list of that state, and the list shows them."""
    import json

    from tousu.org.models import Organisation

    org = Organisation.objects.get()
    org.policy = json.loads(json.dumps(org.policy).replace('"replied"', '"answered"'))
    org.save()
    case = hotel_case(hotel, complainant_phone="")
    actions.accept_case(actor=hotel.frontdesk, case_id=case.pk)
    actions.propose_resolution(actor=hotel.frontdesk, case_id=case.pk, resolution="致歉")
    assert actions.reply_case(actor=hotel.frontdesk, case_id=case.pk, text="已致歉").state == "answered"
    page = login(client, hotel.marketing).get(reverse("web:all_units")).content.decode()
    assert counts(page, "front_office")["replied"] == "1"
    cell = page.split('data-unit="front_office"')[1].split('data-count="replied"')[1].split("</td>")[0]
    link = re.search(r'href="([^"]+)"', cell)[1].replace("&amp;", "&")
    assert "state=answered" in link and "state=replied" not in link
    listed = client.get(link).content.decode()
    assert case.number in listed and 'role="alert"' not in listed
