"""Hold every API response to the OpenAPI document the API serves (style item 12).

`check(method, path, response)` finds the documented operation for the path, requires the
status to be documented for it, and validates the JSON body against that status's schema, allowing no field the document does not name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator


def _closed(node):
    """A copy where every object schema with listed properties allows no others: a response
    field the document does not name is a contract break too."""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _closed(value) for key, value in node.items()}
    if "properties" in out and isinstance(out["properties"], dict):
        out.setdefault("additionalProperties", False)
    return out


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class Contract:
    def __init__(self, document: dict):
        self.document = document
        self.closed = {"paths": _closed(document["paths"]),
                       "components": _closed(document.get("components", {}))}
        self.routes = [(re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"), template)
                       for template in document["paths"]]

    def template(self, path: str) -> str:
        path = urlsplit(path).path
        for pattern, template in self.routes:
            if pattern.match(path):
                return template
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def check(self, method: str, path: str, response) -> None:
        template = self.template(path)
        method = method.lower()
        operation = self.document["paths"][template].get(method)
        assert operation, f"{method.upper()} {template} is not in the OpenAPI document"
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method.upper()} {template} answered {status}, which the document does not list "
            f"({', '.join(operation['responses'])}): {response.content[:300]!r}")
        content = operation["responses"][status].get("content", {})
        assert "application/json" in content, f"{method.upper()} {template} {status} has no JSON schema"
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        schema = {
            "$ref": _pointer("paths", template, method, "responses", status, "content",
                             "application/json", "schema"),
            **self.closed,
        }
        errors = sorted(Draft202012Validator(schema).iter_errors(response.json()), key=str)
        assert not errors, (f"{method.upper()} {template} {status} does not match the document: "
                            + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]))
