"""Schemathesis over /api/openapi.json: every operation with generated input, as a person with a
token. No response may be a server error, and each must match the document (status code,
content type, body schema).

CI runs a short pass (TOUSU_FUZZ_EXAMPLES, default 10 per operation); the long run is the
same test with a larger number (see docs/performance.md). The schema is loaded inside the
test, where the test database exists (schemathesis' lazy pytest loader does not run under
pytest 9)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tousu.api.auth import issue_token

EXAMPLES = int(os.environ.get("TOUSU_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application directly, so Django's request signals fire and
    would close the test's connection in the middle of its transaction (as Django's own test
    client prevents): keep it open for the test."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_never_fails_and_keeps_its_contract(bank, keep_connection):
    from tousu.wsgi import application

    headers = {"Authorization": f"Bearer {issue_token(bank.cm)[1]}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 3
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
