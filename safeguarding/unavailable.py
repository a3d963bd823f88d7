"""When PostgreSQL or Redis is unreachable: "Sorry, there is a problem with the service", status 503.

``ServiceUnavailableMiddleware`` (early in ``MIDDLEWARE``, after the security headers and before the
session) turns an unreachable dependency into 503 with ``Retry-After``: the GOV.UK problem page
(``templates/503.html``, rendered without the request, so without context processors, the session or
the person: nothing that needs the database) for pages, and the API's one error shape for ``/api/``.

The error can surface in three places, and each is covered:

- in a view (a query, a cache call, publishing a Celery task): ``process_exception``;
- in another middleware (the session and the signed-in person are loaded by
  ``LoginRequiredMiddleware`` and the access context): Django has already turned it into a 500 by
  the time the response reaches us, so ``got_request_exception`` marks the request and the 500 is
  replaced (and Django's "Internal Server Error" log line for it is dropped: we log the 503);
- in the 500 handler itself (``safeguarding.views.server_error`` renders with the request, so it
  needs the person too): the exception reaches our ``__call__``.

Nothing is cached: Django drops a connection that failed (``close_if_unusable_or_obsolete`` at the
end of the request; with ``CONN_MAX_AGE=0`` every request connects anew), redis-py reconnects on the
next command, and kombu on the next publish, so the service recovers by itself when the dependency
is back (tests/kernel/test_unavailable.py shows it).
"""

from __future__ import annotations

import logging
import sys

import redis.exceptions
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from kombu.exceptions import OperationalError as BrokerError

from .api import error_body  # the API's one error shape

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
MESSAGE = "Sorry, the service is unavailable. Try again later."

# django.db wraps psycopg's errors in these (OperationalError also covers a deadlock or a statement
# timeout: worth trying again too); the Redis cache raises redis-py's own; Celery's publish raises
# kombu's OperationalError once its retries are used up.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerError,
)

_MARK = "_sgh_dependency_unavailable"


def unavailable_error(exc: BaseException | None) -> BaseException | None:
    """``exc``, or the exception it was raised from, when it means a dependency is unreachable."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, UNAVAILABLE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    # Django logs the 503 itself ("Service Unavailable: <path>") at ERROR; this says why
    first_line = (str(exc).strip().splitlines() or [""])[0]
    log.warning("service unavailable (503) for %s %s: %s: %s", request.method, request.path,
                type(exc).__name__, first_line)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(error_body(503, "service_unavailable", MESSAGE), status=503)
    else:
        from django.conf import settings

        # no request: no context processors, no session, no person (base.html guards all of them)
        html = loader.get_template("503.html").render({"demo_mode": settings.DEMO_MODE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _mark_request(sender, request=None, **kwargs):
    """``got_request_exception``: remember an unreachable dependency on the request (Django sends this
    inside the ``except`` block that caught the exception)."""
    exc = unavailable_error(sys.exc_info()[1])
    if exc is not None and request is not None:
        setattr(request, _MARK, exc)


got_request_exception.connect(_mark_request, dispatch_uid="safeguarding.unavailable.mark")


class _DropReplaced500(logging.Filter):
    """Django's "Internal Server Error" record for a 500 this middleware replaces with a 503."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not (getattr(record, "status_code", None) == 500 and getattr(request, _MARK, None) is not None)


_drop_filter = _DropReplaced500()
logging.getLogger("django.request").addFilter(_drop_filter)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as raised:  # raised again by the 500 handler, which needed the database too
            exc = unavailable_error(raised)
            if exc is None:
                raise
            setattr(request, _MARK, exc)
            return unavailable_response(request, exc)
        marked = getattr(request, _MARK, None)
        if marked is not None and response.status_code >= 500:
            return unavailable_response(request, marked)
        return response

    def process_exception(self, request, exception):
        exc = unavailable_error(exception)
        if exc is None:
            return None
        setattr(request, _MARK, exc)
        return unavailable_response(request, exc)
