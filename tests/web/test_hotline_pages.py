"""The hotline on the staff pages: the dispatcher dispatches from the case page, the district
sends it back with its reason, and the merge takes another request's number."""

import pytest
from django.test import Client
from django.utils import translation

from tousu.cases import actions
from tousu.cases.models import Case


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request(h, subject):
    return actions.register_case(actor=h.operator1, unit=h.units["centre"], channel="phone", subject=subject,
                                 description=subject, complainant_name="市民", category="sanitation")


def act(client, case, action, **inputs):
    data = {f"{action}-{name}": value for name, value in inputs.items()}
    return client.post(f"/staff/cases/{case.pk}/act/{action}/", {**data, "expected_version": Case.objects.get(
        pk=case.pk).version})


def test_dispatch_send_back_and_merge_on_the_case_page(hotline):
    h = hotline
    case, other = request(h, "垃圾清运不及时"), request(h, "垃圾堆积")
    dispatcher = client_of(h.dispatcher)
    page = dispatcher.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Dispatch" in page and "Merge another request into this one" in page
    act(dispatcher, case, "dispatch", unit=h.units["dongcheng"].pk, note="请核实")
    assert Case.objects.get(pk=case.pk).handling_unit.code == "dongcheng"
    district = client_of(h.dc_handler)
    answer = act(district, case, "send_back", reason="")
    assert Case.objects.get(pk=case.pk).state == "dispatched"
    assert answer.status_code in (200, 400)
    act(district, case, "send_back", reason="不属本区")
    assert Case.objects.get(pk=case.pk).state == "returned"
    act(dispatcher, case, "merge", other=other.number)
    assert Case.objects.get(pk=other.pk).state == "joined"
    seen = dispatcher.get(f"/staff/cases/{other.pk}/").content.decode()
    assert f"Merged into {case.number}" in seen
