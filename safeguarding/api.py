"""DRF defaults: one error shape, pagination, the permission every endpoint starts from."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination, permissions, throttling
from rest_framework.response import Response


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class IsAuthenticatedAndVerified(permissions.BasePermission):
    """API clients by token; people by session, verified by a second factor where MFA is required."""

    message = "Authentication credentials were not provided or are not valid."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if getattr(user, "is_api_client", False):
            return getattr(request._request, "api_client", None) is not None
        if settings.MFA_REQUIRED and not user.is_verified():
            return False
        return True


class ApiClientRateThrottle(throttling.UserRateThrottle):
    """Rate-limits agencies' API clients (people using the API with their session are not). The counts
    live in Redis; if Redis is down the API keeps answering rather than failing closed."""

    scope = "api_client"

    def allow_request(self, request, view):
        if not getattr(request.user, "is_api_client", False):
            return True
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - the cache being unreachable must not take the API down
            return True


def _flatten(detail, prefix=""):
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            out[prefix or "non_field_errors"] = [str(v) for v in detail]
        else:
            for i, value in enumerate(detail):
                out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    """Every error: ``{"error": {"status": int, "code": str, "message": str, "fields": {...}}}``."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "The request has errors; see fields."
        code = "invalid"
    else:
        detail = getattr(exc, "detail", "")
        message = str(detail) if not isinstance(detail, dict | list) else "Error"
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        code = codes if isinstance(codes, str) else "error"
    body = {"error": {"status": response.status_code, "code": code, "message": message, "fields": fields}}
    return Response(body, status=response.status_code, headers=dict(response.items()))
