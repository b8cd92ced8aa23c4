"""Limits: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (JSON in the API's error shape; a
page on the staff and portal forms), never a 500; long texts have their limits stated in the
OpenAPI document and in the forms, and the engine holds to them."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import translation

from tousu.api.auth import issue_token
from tousu.cases import actions
from tousu.cases.errors import InvalidInput
from tousu.cases.models import Case
from tousu.domain.text import LONG_TEXT_MAX

CASE = {"unit": "front_office", "channel": "phone", "stage": "after", "subject": "房间有异味",
        "description": "入住期间房间有烟味", "complainant_name": "张先生"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000  # 2.5 MB in production; the same code path
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def bearer(user) -> dict:
    _token, key = issue_token(user)
    return {"Authorization": f"Bearer {key}", "Accept-Language": "en"}


def test_an_api_body_over_the_limit_is_a_413_in_the_usual_error_shape(hotel, small_limit):
    body = json.dumps({**CASE, "description": "长" * small_limit})
    r = Client().post("/api/cases", body, content_type="application/json",
                      headers={**bearer(hotel.frontdesk), "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 413
    assert r["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"detail", "field"} and r.json()["field"] is None
    assert r.json()["detail"].startswith("The request is too large: at most")
    assert not Case.objects.exists()


def test_the_default_limit_is_stated_in_megabytes(hotel):
    body = json.dumps({**CASE, "description": "x" * (3 * 1024 * 1024)})
    r = Client().post("/api/cases", body, content_type="application/json",
                      headers={**bearer(hotel.frontdesk), "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 413 and "at most 2.5 MB" in r.json()["detail"]


def test_an_action_body_over_the_limit_is_a_413(hotel, small_limit):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 stage="after", subject="异味", description="经过", complainant_name="张先生")
    r = Client().post(f"/api/cases/{case.pk}/note", json.dumps({"text": "长" * small_limit}),
                      content_type="application/json", headers=bearer(hotel.frontdesk))
    assert r.status_code == 413 and r.json()["field"] is None
    case.refresh_from_db()
    assert case.event_count == 1


def test_the_staff_intake_form_over_the_limit_is_a_page_not_a_500(hotel, client, small_limit):
    client.force_login(hotel.frontdesk)
    r = client.post("/staff/intake/phone/", {"subject": "异味", "description": "长" * small_limit},
                    headers={"Accept-Language": "en"})
    assert r.status_code == 413
    page = r.content.decode()
    assert "The request is too large" in page and "Nothing was saved" in page
    assert not Case.objects.exists()


def test_the_portal_form_over_the_limit_is_a_page_not_a_500(hotel, client, small_limit):
    r = client.post("/portal/submit/", {"subject": "异味", "description": "长" * small_limit})
    assert r.status_code == 413  # in the reader's language: Chinese first
    assert "请求过大" in r.content.decode() and 'href="/portal/"' in r.content.decode()


def test_any_other_bad_request_is_still_a_400(hotel, client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(hotel.frontdesk)
    r = client.post("/staff/intake/phone/", {f"f{i}": "x" for i in range(10)})
    assert r.status_code == 400


# --- long texts: stated and held -------------------------------------------------------------

def test_the_openapi_document_states_the_long_text_limits(client, hotel):
    doc = client.get("/api/openapi.json").json()
    schemas = doc["components"]["schemas"]
    case_in = schemas["CaseIn"]["properties"]
    assert case_in["description"]["maxLength"] == LONG_TEXT_MAX
    assert case_in["requested_resolution"]["maxLength"] == LONG_TEXT_MAX
    assert case_in["note"]["maxLength"] == LONG_TEXT_MAX
    assert case_in["subject"]["maxLength"] == 200
    for name, field in (("TextIn", "text"), ("ReasonIn", "reason"), ("ResolutionIn", "resolution"),
                        ("TransferIn", "plan"), ("NoteIn", "note")):
        assert schemas[name]["properties"][field]["maxLength"] == LONG_TEXT_MAX, name
    # Every text input of every action of the organisation's kinds states its limit.
    texts = [(name, prop) for name, schema in schemas.items() if name.startswith("Inputs.")
             for prop in schema["properties"].values() if prop.get("type") == "string" and "format" not in prop
             and "enum" not in prop and "description" not in prop]
    assert texts and all(prop.get("maxLength", 0) > 0 for _name, prop in texts), texts
    # Every operation that takes a body documents the 413.
    posts = [op for path in doc["paths"].values() for method, op in path.items() if method == "post"]
    assert posts and all("413" in op["responses"] for op in posts)


def test_the_api_refuses_a_text_over_the_limit_naming_the_field(hotel, client):
    body = json.dumps({**CASE, "description": "长" * (LONG_TEXT_MAX + 1)})
    r = client.post("/api/cases", body, content_type="application/json",
                    headers={**bearer(hotel.frontdesk), "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 422 and r.json()["field"] == "description"


def test_the_engine_refuses_a_text_over_the_limit(hotel):
    with pytest.raises(InvalidInput) as refused:
        actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                              stage="after", subject="异味", description="长" * (LONG_TEXT_MAX + 1),
                              complainant_name="张先生")
    assert refused.value.field == "description"
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 stage="after", subject="异味", description="长" * LONG_TEXT_MAX,
                                 complainant_name="张先生")
    with pytest.raises(InvalidInput) as refused:
        actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="长" * (LONG_TEXT_MAX + 1))
    assert refused.value.field == "text"


def test_the_forms_state_the_limits(hotel, client):
    client.force_login(hotel.frontdesk)
    page = client.get("/staff/intake/phone/").content.decode()
    assert f'name="description" cols="40" rows="10" maxlength="{LONG_TEXT_MAX}"' in page
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 stage="after", subject="异味", description="经过", complainant_name="张先生")
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f'maxlength="{LONG_TEXT_MAX}"' in page
    portal = Client().get("/portal/submit/").content.decode()
    assert 'maxlength="5000"' in portal and 'maxlength="200"' in portal
