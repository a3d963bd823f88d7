"""Every answer under ``/api/`` is JSON: errors that happen before DRF runs, or outside it, in the one error shape.

DRF's own errors go through ``safeguarding.api.exception_handler``. What it never sees is answered here, by the
outermost middleware, whatever ``DEBUG`` says:

- a body larger than ``API_MAX_BODY_BYTES`` (by its ``Content-Length``; a file upload, ``multipart/form-data``,
  up to ``UPLOAD_MAX_BYTES`` more) is refused with 413 before anything reads it; a ``Content-Length`` that is
  not a number is a 400;
- an address without its final slash that matches no operation is a 404 naming the address with the slash
  (never a redirect: a client's POST must not silently become a GET);
- any other error answer that is not JSON (Django's 404 for an unroutable address or id, the 400 for a bad
  ``Host`` header or too many fields, a 500 from an unexpected exception, DEBUG's technical pages) is
  replaced by the error shape with the same status and the headers a client needs (``Allow``,
  ``Retry-After``, ``WWW-Authenticate``). The exception itself is still logged by Django.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import get_urlconf, is_valid_path

from .api import error_body, max_body_bytes, too_large_message

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

# status -> (code, message) for error answers made outside DRF
GENERIC = {
    400: ("bad_request", "The request could not be understood."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "The method is not allowed on this address."),
    406: ("not_acceptable", "The API answers application/json only."),
    413: ("request_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "The API accepts application/json only."),
    429: ("throttled", "Too many requests."),
    500: ("server_error", "Sorry, there is a problem with the service. Try again later."),
    503: ("service_unavailable", "Sorry, the service is unavailable. Try again later."),
}


def api_error(status: int, message: str | None = None, code: str | None = None) -> JsonResponse:
    default_code, default_message = GENERIC.get(status, ("error" if status < 500 else "server_error", "Error."))
    return JsonResponse(error_body(status, code or default_code, message or default_message), status=status)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def _is_json(response) -> bool:
    media = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class ApiErrorMiddleware:
    """First in ``MIDDLEWARE``, so that it sees what every other layer answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not is_api_path(path):
            return self.get_response(request)
        refused = self._refuse_early(request, path)
        if refused is not None:
            return refused
        return self.as_json(self.get_response(request))

    def _refuse_early(self, request, path):
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(length)
        except ValueError:
            return api_error(400, "The Content-Length header is not a number.")
        if length < 0:
            return api_error(400, "The Content-Length header is not a number.")
        media_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if length > max_body_bytes(media_type):
            return api_error(413, too_large_message(media_type))
        if not path.endswith("/"):
            urlconf = getattr(request, "urlconf", None) or get_urlconf()
            if not is_valid_path(path, urlconf):
                hint = f" Did you mean {path}/ ?" if is_valid_path(f"{path}/", urlconf) else ""
                return api_error(404, f"Not found.{hint}")
        return None

    @staticmethod
    def as_json(response):
        if response.status_code < 400 or _is_json(response):
            return response
        answer = api_error(response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        answer.cookies = response.cookies
        return answer
