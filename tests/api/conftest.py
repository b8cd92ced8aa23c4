"""An API client per person (a token each), every response checked against the OpenAPI document."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client

from tousu.api.auth import issue_token

from .contract import Contract


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract(Client().get("/api/openapi.json").json())


class ApiClient:
    """Requests as one person (or nobody), in English, each response held to the contract."""

    def __init__(self, contract: Contract, key: str | None = None):
        self.contract, self.client = contract, Client()
        self.headers = {"Accept-Language": "en"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def request(self, method: str, path: str, body=None, *, headers=None, query=None):
        path = "/api" + path
        response = self.client.generic(
            method, path if not query else f"{path}?{_query(query)}",
            data=json.dumps(body) if body is not None else "", content_type="application/json",
            headers={**self.headers, **(headers or {})})
        self.contract.check(method, path, response)
        return response

    def get(self, path: str, **query):
        return self.request("GET", path, query=query)

    def post(self, path: str, body=None, *, headers=None):
        return self.request("POST", path, {} if body is None else body, headers=headers)

    def create(self, body: dict, key: str = "", **kw):
        return self.post("/cases", body, headers={"Idempotency-Key": key or uuid.uuid4().hex}, **kw)

    def act(self, case_id: int, action: str, body=None):
        return self.post(f"/cases/{case_id}/{action}", body)


def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


@pytest.fixture
def api(contract):
    """api(user) -> a client with a fresh token for `user`; api(None) -> no token at all."""
    def make(user=None) -> ApiClient:
        return ApiClient(contract, issue_token(user)[1] if user is not None else None)
    return make

