"""Every error as JSON `{"detail": ..., "field": ...}` with its status; never a stack trace."""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tousu.cases.errors import ActionError, InvalidInput, NotFound, Refused, StaleCase

log = logging.getLogger("tousu.api")

STATUS = {InvalidInput: 422, Refused: 403, NotFound: 404, StaleCase: 409}
HEADER_NAMES = {"idempotency_key": "Idempotency-Key"}


def error(api: NinjaAPI, request, status: int, detail: str, field: str | None = None, **extra):
    response = api.create_response(request, {"detail": str(detail), "field": field or None, **extra},
                                   status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tousu"'
    return response


def _field(loc) -> str:
    """The field a validation error is about: ("body", "body", "subject") -> "subject"."""
    source, *rest = [str(part) for part in loc] or ["", ""]
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the name of the view's body parameter
    if source == "header":
        rest = [HEADER_NAMES.get(part, part) for part in rest]
    return ".".join(rest) or source


def _message(e: dict) -> str:
    """The validator's message in the reader's language (pydantic writes English only)."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    if kind == "missing" and tuple(e.get("loc", ()))[:1] == ("body",) and len(e["loc"]) <= 2:
        return _("A JSON object is required as the body (send {} when no field is needed).")
    known = _known_messages()
    if kind in known:
        try:
            return known[kind] % {key: _plain(value) for key, value in ctx.items()}
        except (KeyError, TypeError, ValueError):
            pass
    if kind.startswith("value_error") or kind == "custom_error" or kind not in _PYDANTIC_KINDS:
        return str(e.get("msg", ""))  # our own validators' messages are already translated
    return _("This value is not accepted.")


def _plain(value) -> str:
    return "、".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


# pydantic's error types whose English message we replace (a type not listed keeps its message).
_PYDANTIC_KINDS = frozenset({
    "missing", "string_type", "string_too_short", "string_too_long", "string_pattern_mismatch",
    "int_type", "int_parsing", "float_parsing", "decimal_parsing", "bool_parsing", "bool_type",
    "datetime_parsing", "datetime_from_date_parsing", "datetime_type", "date_parsing", "date_from_datetime_parsing",
    "greater_than", "greater_than_equal", "less_than", "less_than_equal", "literal_error", "enum",
    "extra_forbidden", "list_type", "dict_type", "model_type", "too_long", "too_short", "url_parsing",
    "json_invalid", "timezone_aware", "int_from_float", "decimal_max_places", "decimal_type"})


def _known_messages() -> dict[str, str]:
    return {
        "missing": _("This field is required."),
        "string_type": _("Enter text."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_pattern_mismatch": _("This value does not have the expected form."),
        "int_type": _("Enter a whole number."), "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "float_parsing": _("Enter a number."), "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "decimal_max_places": _("Enter at most %(decimal_places)s decimal places."),
        "bool_parsing": _("Enter true or false."), "bool_type": _("Enter true or false."),
        "datetime_parsing": _("Enter a date and time such as 2026-12-01T09:30:00+08:00."),
        "datetime_from_date_parsing": _("Enter a date and time such as 2026-12-01T09:30:00+08:00."),
        "datetime_type": _("Enter a date and time such as 2026-12-01T09:30:00+08:00."),
        "timezone_aware": _("Give the time with its zone, such as 2026-12-01T09:30:00+08:00."),
        "date_parsing": _("Enter a date such as 2026-12-01."),
        "date_from_datetime_parsing": _("Enter a date such as 2026-12-01."),
        "greater_than": _("Enter a value greater than %(gt)s."),
        "greater_than_equal": _("Enter a value of at least %(ge)s."),
        "less_than": _("Enter a value less than %(lt)s."),
        "less_than_equal": _("Enter a value of at most %(le)s."),
        "literal_error": _("Enter one of: %(expected)s."), "enum": _("Enter one of: %(expected)s."),
        "extra_forbidden": _("This field is not known here."),
        "list_type": _("Enter a list."), "dict_type": _("Enter an object."), "model_type": _("Enter an object."),
        "too_long": _("Give at most %(max_length)s items."), "too_short": _("Give at least %(min_length)s items."),
        "url_parsing": _("Enter a web address."),
        "json_invalid": _("The request body is not valid JSON."),
    }


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ActionError)
    def action_error(request, exc: ActionError):
        return error(api, request, STATUS.get(type(exc), 422), exc.message, exc.field)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        items = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
        detail = "; ".join(f"{i['field']}: {i['message']}" for i in items) or _("Invalid request.")
        return error(api, request, 422, detail, items[0]["field"] if items else None, errors=items)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        return error(api, request, 401, exc.message)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:  # the body is not JSON at all
            return error(api, request, 400, _("The request body is not valid JSON."))
        return error(api, request, exc.status_code, exc.message)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc: RequestDataTooBig):
        return error(api, request, 413, body_too_big())

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(api, request, 404, _("Not found."))

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        log.exception("API error on %s %s", request.method, request.path)
        return error(api, request, 500, _("Something went wrong on our side; it has been logged."))


def body_too_big() -> str:
    """What a person or a client is told when a request's body is over the server's limit."""
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("The request is too large: at most %(size)s MB of text may be sent at once.") % {
        "size": f"{megabytes:g}"}


# --- outside the operations: an unknown path or method under /api/ ---------------------------------

def not_found_view(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found."), "field": None}, status=404)


def json_405(view):
    """Ninja answers an unknown method in plain text; answer it in JSON like every other error."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response["Allow"]
            response = JsonResponse({"detail": _("Use one of: %(methods)s.") % {"methods": allowed},
                                     "field": None}, status=405)
            response["Allow"] = allowed
        return response
    return wrapped
