"""The project's answer to a request it cannot read (handler400 in tousu/urls.py): a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 with a page saying so (JSON under /api/), not a bare 400
or 500; any other unreadable request gets Django's own 400."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from tousu.api.errors import body_too_big


def bad_request(request, exception=None):
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": body_too_big(), "field": None}, status=413)
    back = "/portal/" if request.path.startswith("/portal/") else "/"
    return render(request, "web/too_large.html", {"message": body_too_big(), "back": back}, status=413)
