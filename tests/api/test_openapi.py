"""The OpenAPI document and the docs page, and errors that never show a stack trace."""

import json

import pytest
from django.test import Client

from tousu.api import present

from .bodies import complaint

OPERATIONS = {
    ("post", "/api/cases"), ("get", "/api/cases"), ("get", "/api/cases/{case_id}"),
    *{("post", f"/api/cases/{{case_id}}/{a}") for a in (
        "accept", "note", "assign", "transfer", "agree-plan", "escalate", "propose-resolution", "reply",
        "callback", "sign-off", "close", "reopen", "withdraw", "reject")},
    ("post", "/api/cases/{case_id}/actions/{action}"), ("get", "/api/kinds"),
    ("get", "/api/units"), ("get", "/api/categories"), ("get", "/api/people"),
}


def test_the_document_lists_every_endpoint_behind_a_token(contract):
    doc = contract.document
    found = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert found == OPERATIONS
    assert doc["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["security"] == [{"TokenAuth": []}], (method, path)
            assert {"401", "422"} <= set(op["responses"]), (method, path)


def test_the_document_and_the_docs_need_no_token(db):
    client = Client()
    assert client.get("/api/openapi.json").status_code == 200
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert b"cdn" not in page.content.lower()
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        asset = client.get(f"/api/docs/assets/{name}")
        assert asset.status_code == 200 and b"".join(asset.streaming_content)
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404


def test_an_unexpected_error_is_json_without_a_trace(hotel, api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(present, "detail", broken)
    client = api(hotel.frontdesk)  # a 500 is not in the contract: ask without the contract check
    r = client.client.post("/api/cases", data=complaint(), content_type="application/json",
                           headers={**client.headers, "Idempotency-Key": "boom"})
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert "secret internals" not in r.content.decode() and "Traceback" not in r.content.decode()
    assert r.json()["detail"]


class FakeResponse:
    def __init__(self, status: int, body: dict):
        self.status_code, self.body = status, body
        self.content = json.dumps(body).encode()

    def __getitem__(self, header):
        return "application/json"

    def json(self):
        return self.body


@pytest.mark.parametrize("status, body, problem", [
    (418, {"detail": "teapot"}, "does not list"),
    (404, {"detail": 1}, "not of type"),
    (404, {"detail": "x", "stack": "..."}, "Additional properties"),
    (200, {"count": 0, "limit": 1, "offset": 0}, "'items' is a required property"),
])
def test_the_contract_check_itself_catches_breaks(contract, status, body, problem):
    with pytest.raises(AssertionError, match=problem):
        contract.check("GET", "/api/cases" if status == 200 else "/api/cases/1", FakeResponse(status, body))


def test_unknown_paths_and_methods_answer_in_json(hotel, api):
    client = api(hotel.frontdesk)
    r = client.client.get("/api/nothing/here", headers=client.headers)
    assert (r.status_code, r.json()["detail"]) == (404, "Not found.")
    r = client.client.delete("/api/cases/1", headers=client.headers)
    assert r.status_code == 405 and r["Allow"] == "GET" and r.json()["detail"] == "Use one of: GET."
    assert client.get("/cases/abc").json()["field"] == "case_id"  # a 422, in the contract


def test_a_token_needs_no_csrf_token(hotel, api):
    from tousu.api.auth import issue_token

    strict = Client(enforce_csrf_checks=True)
    r = strict.post("/api/cases", data=complaint(), content_type="application/json",
                    headers={"Authorization": f"Bearer {issue_token(hotel.frontdesk)[1]}",
                             "Idempotency-Key": "csrf"})
    assert r.status_code == 201


def test_the_document_describes_each_action_body_of_the_policy(hotel):
    doc = Client().get("/api/openapi.json").json()
    reply = doc["components"]["schemas"]["Inputs.complaint.reply"]
    assert reply["required"] == ["text"] and reply["additionalProperties"] is False
    callback = doc["components"]["schemas"]["Inputs.complaint.record_callback"]
    assert callback["properties"]["result"]["enum"] == ["satisfied", "not_satisfied", "unreachable"]
    money = doc["components"]["schemas"]["Inputs.complaint.propose_resolution"]["properties"]["compensation"]
    assert money["type"] == ["string", "number"] and "pattern" in money
    inputs = doc["components"]["schemas"]["AnyActionIn"]["properties"]["inputs"]
    assert {"$ref": "#/components/schemas/Inputs.complaint.accept"} in inputs["anyOf"]
