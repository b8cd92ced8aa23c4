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
    if e.get("type") == "missing" and tuple(e.get("loc", ()))[:1] == ("body",) and len(e["loc"]) <= 2:
        return _("A JSON object is required as the body (send {} when no field is needed).")
    return str(e.get("msg", ""))


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
