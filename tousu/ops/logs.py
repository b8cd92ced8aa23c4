"""Each request's id: taken from X-Request-ID when the caller (a load balancer, nginx's
$request_id) sends a sensible one, else made here; bound for every log line of the request and
sent back in the response's X-Request-ID. One line per request is logged at INFO (not for a
load balancer's /healthz or a scraper's /metrics that went well: they come every few seconds)."""

import logging
import time

from tousu.notify import request_id

log = logging.getLogger("tousu.request")
QUIET = ("/healthz", "/metrics")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id.from_header(request.headers.get("X-Request-ID"))
        request.request_id = rid
        with request_id.bound(rid):
            started = time.perf_counter()
            response = self.get_response(request)
            if not (request.path in QUIET and response.status_code < 400):
                log.info("%s %s %s %.0f ms", request.method, request.path, response.status_code,
                         (time.perf_counter() - started) * 1000)
        response["X-Request-ID"] = rid
        return response
