"""The regulator and the hotline on the staff pages: the intake opens on the phone channel and
registers a report (举报) with its stage, and the new case page offers the kind's actions."""

import pytest
from django.test import Client
from django.utils import translation

from tousu.cases.models import Case


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.parametrize("preset, user", [("regulator", "handler"), ("hotline", "operator1")])
def test_the_intake_opens_for_each_preset(preset, user, request):
    org = request.getfixturevalue(preset)
    client = Client()
    client.force_login(getattr(org, user))
    page = client.get("/staff/intake/phone/")
    assert page.status_code == 200


def test_a_letter_report_is_registered_on_the_intake_page(regulator):
    client = Client()
    client.force_login(regulator.handler)
    page = client.get("/staff/intake/letter/").content.decode()
    assert 'name="kind"' in page and "report" in page
    answer = client.post("/staff/intake/letter/", {
        "step": "confirm", "kind": "report", "stage": "named", "category": "food_safety",
        "unit": regulator.units["consumer"].pk, "subject": "超市销售过期牛奶", "description": "货架上有过期牛奶。",
        "complainant_name": "示例消费者协会", "complainant_kind": "organisation",
        "complainant_phone": "13900000004", "severity": "3"})
    case = Case.objects.get()
    assert answer.status_code == 302 and (case.kind, case.stage, case.number[:3]) == ("report", "named", "JB-")
    assert case.parties.get(role="reporter").kind == "organisation"
    shown = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Start checking" in shown and "Send to the competent regulator" in shown
