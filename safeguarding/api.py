"""DRF defaults: one error shape, a JSON-only parser with limits, pagination, the permission every endpoint
starts from, and the schema hook that documents the error answers of every operation.

Every error the API gives is ``{"error": {"status": int, "code": str, "message": str, "fields": {...}}}``:
DRF's own errors through ``exception_handler`` below, and the errors Django raises before DRF runs (unknown
addresses, over-size bodies, bad Host headers, server errors) through ``safeguarding.api_errors``.
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters import rest_framework as django_filters
from django_filters.filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, parsers, permissions, serializers, status, throttling
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import json

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class Pagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` are whole numbers as the schema says (``page`` from 1, ``page_size`` from 1 to
    200): anything else is a 400 naming the parameter. A page beyond the last is a 404 in the error shape,
    documented on every list operation (``document_error_responses``). Pages are not clamped: a client walking
    the pages by number learns it has gone past the end instead of silently reading the last page again."""

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # ?page=last is not in the schema
    invalid_page_message = "Page {page_number} is beyond the last page."

    def _whole_number(self, request, name, low, high=None):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        digits = raw.lstrip("0") or "0"
        value = None if not _WHOLE_NUMBER.fullmatch(raw) else int(digits) if len(digits) <= 18 else 10**18
        if value is None or value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"from {low}"
            raise exceptions.ValidationError({name: [f"Give a whole number {span}."]})
        return value

    def get_page_size(self, request):
        size = self._whole_number(request, self.page_size_query_param, 1, self.max_page_size)
        return self.page_size if size is None else size

    def paginate_queryset(self, queryset, request, view=None):
        self._whole_number(request, self.page_query_param, 1)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Number of results to return per page (1 to {self.max_page_size}; " \
                                           f"default {self.page_size})."
        return parameters


class FilterBackend(DjangoFilterBackend):
    """django-filter, except that a filter given with an empty value (``?status=``) is a 400 rather than no
    filter at all, unless the filter takes free text: an empty string is not a date, an id or a choice, and
    the schema says so; and a boolean filter takes only ``true`` or ``false``."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            blank = {name: ["This field may not be blank."] for name, filter_ in filterset.filters.items()
                     if not isinstance(filter_, django_filters.CharFilter)
                     and "" in request.query_params.getlist(name)}
            if blank:
                raise exceptions.ValidationError(blank)
            # a boolean is true or false, as the schema says (django-filter would read "null" or "unknown" as
            # no filter at all)
            not_boolean = {name: ["Give true or false."] for name, filter_ in filterset.filters.items()
                           if isinstance(filter_, BooleanFilter)  # django-filter's own and its REST framework's
                           and any(v not in ("true", "false") for v in request.query_params.getlist(name))}
            if not_boolean:
                raise exceptions.ValidationError(not_boolean)
        return super().filter_queryset(request, queryset, view)


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


# --- the request body: JSON only, bounded in size and depth ---------------------------------------------
class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


UPLOAD_MEDIA_TYPE = "multipart/form-data"


def max_body_bytes(media_type: str = "") -> int:
    """The largest body the API reads: ``API_MAX_BODY_BYTES``; a file upload (``multipart/form-data``, read by
    the kernel's upload service, ADR 18) may carry a file up to ``UPLOAD_MAX_BYTES`` and its form fields."""
    if media_type == UPLOAD_MEDIA_TYPE:
        return settings.UPLOAD_MAX_BYTES + settings.API_MAX_BODY_BYTES
    return settings.API_MAX_BODY_BYTES


def too_large_message(media_type: str = "") -> str:
    return f"The request body is larger than the API accepts ({max_body_bytes(media_type):,} bytes)."


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply ``text`` nests arrays and objects, without parsing it (so without recursing)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_NESTING.__getitem__, brackets)), default=0)


class JSONParser(parsers.JSONParser):
    """The API's only parser: another media type is a 415. The body is read up to ``API_MAX_BODY_BYTES``
    (more is a 413, whatever ``Content-Length`` said), and nesting deeper than ``API_JSON_MAX_DEPTH`` is a 400
    before the decoder (which recurses) sees it."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        if stream is None:
            return {}
        limit = max_body_bytes()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge(too_large_message())
        try:
            text = codecs.decode(raw, encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"JSON parse error - the body is not valid {encoding}: {exc}") from None
        max_depth = settings.API_JSON_MAX_DEPTH
        if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
            raise exceptions.ParseError(f"JSON parse error - arrays and objects nest deeper than {max_depth} levels")
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:  # the depth check above makes this unreachable; never a 500 if it is not
            raise exceptions.ParseError("JSON parse error - nested too deeply") from None


# --- the one error shape --------------------------------------------------------------------------------
class ApiErrorDetailOutput(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated")
    code = serializers.CharField(help_text="A stable, machine-readable code, e.g. not_found or invalid")
    message = serializers.CharField(help_text="A human-readable sentence")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name to its messages (non_field_errors for the request as a whole); empty if none")


class ApiErrorOutput(serializers.Serializer):
    """The one error shape of the API."""

    error = ApiErrorDetailOutput()


def error_shape(name: str, **extra: serializers.Field) -> type[serializers.Serializer]:
    """The error shape with more in ``error``, for the schema of an answer that carries more, e.g.
    ``error_shape("PossibleDuplicatesOutput", candidates=DuplicateCandidateOutput(many=True))`` for a 409."""
    detail = type(f"{name.removesuffix('Output')}DetailOutput", (ApiErrorDetailOutput,), dict(extra))
    return type(name, (serializers.Serializer,), {"error": detail(), "__doc__": ApiErrorOutput.__doc__})


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


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


def validation_error_from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ``django.core.exceptions.ValidationError`` as the API's 400: field errors under their
    field, errors about the whole request (Django's ``__all__``) under ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        detail = {(api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): messages
                  for key, messages in exc.message_dict.items()}
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """Every error: ``{"error": {"status": int, "code": str, "message": str, "fields": {...}}}``.

    A service's ``DjangoValidationError`` is converted here, once, for every view: views call the service
    and let its refusal through. Anything else unexpected is left to Django (logged, then a JSON 500 from
    ``safeguarding.api_errors.ApiErrorMiddleware``)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error_from_django(exc)
    elif isinstance(exc, RequestDataTooBig):  # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), if it is the lower
        exc = RequestTooLarge()
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
    body = error_body(response.status_code, code, message, fields)
    return Response(body, status=response.status_code, headers=dict(response.items()))


# --- the schema: every operation documents the error answers it can give -------------------------------
ERROR_COMPONENT = "ApiErrorOutput"
ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {"error": {
        "type": "object",
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status, repeated"},
            "code": {"type": "string", "description": "A stable, machine-readable code, e.g. not_found or invalid"},
            "message": {"type": "string", "description": "A human-readable sentence"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                       "description": "Field name to its messages (non_field_errors for the request as a whole); "
                                      "empty if none"},
        },
        "required": ["status", "code", "message", "fields"],
    }},
    "required": ["error"],
}


def _error_statuses(operation: dict) -> dict[str, str]:
    """Status -> description of the errors ``operation`` can answer, whatever the endpoint."""
    params = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
    has_path_id = any(p.get("in") == "path" for p in operation.get("parameters", []))
    not_found = []
    if has_path_id:
        not_found.append("missing, or not a record you may see (the two are not told apart)")
    if "page" in params:
        not_found.append("a page number beyond the last page, or not a number")
    statuses = {
        "400": "The request is not valid: a query parameter, the JSON body or a header; see fields",
        "401": "No credentials, or a token that is not valid or has been revoked",
        "403": "Signed in but not allowed: a session that has not passed its second factor, or a session "
               "request without a valid CSRF token",
        "404": ("Not found: " + "; ".join(not_found)) if not_found else "Not found",
        "405": "The method is not allowed on this address (the Allow header lists those that are)",
        "406": "The Accept header asks for a type other than application/json",
        "413": "The request body is larger than the API accepts (API_MAX_BODY_BYTES, 1 MB by default)",
        "429": "An API client has made too many requests; wait for Retry-After seconds",
    }
    if "requestBody" in operation:
        statuses["415"] = "The body is not application/json"
    return statuses


# Text the API takes never contains NUL (PostgreSQL cannot store it; DRF and Django forms refuse it), and a
# required text field is trimmed before it is checked, so it needs a character that str.strip() keeps.
_PYTHON_SPACE = r"\t\n\u000b\u000c\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL_PATTERN = r"^[^\u0000]*$"
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^\u0000{_PYTHON_SPACE}][^\u0000]*$"


def _constrain_text(schema: dict) -> None:
    """Say in a request-side string schema what the API checks of free text (see above)."""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _constrain_text(schema["items"])
    if schema.get("type") != "string" or {"format", "enum", "pattern"} & set(schema):
        return
    schema["pattern"] = NOT_BLANK_PATTERN if schema.get("minLength", 0) >= 1 else NO_NUL_PATTERN


def _refs(schema) -> set[str]:
    """The component names a schema refers to, at any depth (properties, array items, allOf/oneOf/anyOf)."""
    found = set()
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in schema.values():
            found |= _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _refs(value)
    return found


def _request_components(result: dict) -> set[str]:
    """The components that request bodies refer to (COMPONENT_SPLIT_REQUEST gives them their own), and those
    they refer to in turn (a referral's children)."""
    schemas = result.get("components", {}).get("schemas", {})
    names = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    names |= _refs(media.get("schema", {}))
    todo = list(names)
    while todo:
        for name in _refs(schemas.get(todo.pop(), {})) - names:
            names.add(name)
            todo.append(name)
    return names


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook, so that the schema tells the truth: add the error answers (in the one
    error shape) that every operation can give and that its view did not declare itself, and say what the API
    checks of free text in requests (no NUL; a required field not blank once trimmed)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                _constrain_text(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            for code, description in _error_statuses(operation).items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400 and not response.get("content"):
                    # an error declared by its view with a description only: its body is the error shape
                    response["content"] = {"application/json": {"schema": ref}}
    for name in _request_components(result):
        for prop in schemas.get(name, {}).get("properties", {}).values():
            _constrain_text(prop)
    return result
