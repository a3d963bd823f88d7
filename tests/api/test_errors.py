"""Every answer under ``/api/`` is JSON in the one error shape, with the status the schema documents (issue 8,
section 4): unroutable addresses and ids 404, over-size bodies 413, over-deep or malformed JSON 400, wrong
method 405, wrong media type 415, a page beyond the last 404, authentication, CSRF and throttling failures,
Django's own errors before DRF runs, and server errors; a service's DjangoValidationError becomes a 400 in
the exception handler, once for every view.

Real tokens, the real middleware stack and PostgreSQL; nothing of ours is mocked. The one substitution is a
view made to fail (``ChildViewSet.list`` replaced by one that raises) to see what a server error looks like.
"""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from cases.api.views import ChildViewSet
from safeguarding.accounts.models import ApiCallLog
from safeguarding.api import NO_NUL_PATTERN, NOT_BLANK_PATTERN, JSONParser, exception_handler, json_depth
from tests.factories import ChildFactory, InvolvementFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/children/"
CONFERENCES = "/api/v1/conferences/"


def assert_error_shape(resp, status, code=None):
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"].split(";")[0] == "application/json", resp["Content-Type"]
    body = json.loads(resp.content)
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"status", "code", "message", "fields"}, err
    assert err["status"] == status
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["fields"], dict)
    if code is not None:
        assert err["code"] == code, err
    return err


@pytest.fixture
def quiet(school_api, client):
    """Clients that answer a server error with the response, as a real client sees it."""
    school_api.raise_request_exception = False
    client.raise_request_exception = False
    return school_api


def post_raw(api, body, content_type="application/json", path=LIST, **extra):
    return api.generic("POST", path, body, content_type=content_type, **extra)


# --- addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", [
    "/api/v1/conferences/0.5/", "/api/v1/children/0.5/", "/api/v1/children/not-a-uuid/",
    "/api/v1/conferences/00000000-0000-4000-8000-000000000000/nonsense/", "/api/v1/nothing/", "/api/v2/",
    "/api/", "/api/v1/conferences/0.5/documents/x.y/download/",
])
def test_an_unroutable_address_or_id_is_a_json_404(settings, school_api, path, debug):
    settings.DEBUG = debug  # DEBUG's technical 404 page is replaced too
    assert_error_shape(school_api.get(path), 404, "not_found")


def test_an_unroutable_address_is_a_json_404_without_credentials_too(client):
    assert_error_shape(client.get("/api/v1/conferences/0.5/"), 404, "not_found")


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_address_without_its_slash_is_a_404_naming_the_right_one_not_a_redirect(school_api, method):
    resp = school_api.generic(method.upper(), "/api/v1/children", "{}", content_type="application/json")
    err = assert_error_shape(resp, 404, "not_found")
    assert "/api/v1/children/" in err["message"]
    assert_error_shape(school_api.get("/api/v1/nowhere"), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_errors(client_for, social_worker):
    resp = client_for(social_worker).get("/children/0.5/")
    assert resp.status_code == 404
    assert resp["Content-Type"].startswith("text/html")


# --- the body ---------------------------------------------------------------------------------------


def test_a_30_mb_body_is_a_413_before_anything_reads_it(school_api, client):
    big = json.dumps({"legal_surname": "x" * (30 * 1024 * 1024)})
    err = assert_error_shape(post_raw(school_api, big), 413, "request_too_large")
    assert "1,048,576 bytes" in err["message"]
    assert_error_shape(post_raw(client, big), 413, "request_too_large")


def test_the_body_limit_is_the_configured_one(settings, school_api, la):
    settings.API_MAX_BODY_BYTES = 200
    body = json.dumps({"legal_surname": "Hart", "date_of_birth": "2016-05-04", "local_authority": str(la.public_id),
                       "involvement_role": "DSL"})
    padded = body[:-1] + " " * (200 - len(body)) + "}"
    assert len(padded.encode()) == 200
    accepted = post_raw(school_api, padded)
    assert accepted.status_code == 201, accepted.content
    assert_error_shape(post_raw(school_api, padded[:-1] + " }"), 413, "request_too_large")


def test_djangos_own_upload_limit_is_a_413_too_when_it_is_the_lower(settings, school_api):
    settings.API_MAX_BODY_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"legal_surname": "x" * 2000})
    assert_error_shape(post_raw(school_api, body), 413, "request_too_large")


def test_the_parser_reads_no_further_than_the_limit_whatever_the_length_header_said(settings):
    settings.API_MAX_BODY_BYTES = 10
    with pytest.raises(exceptions.APIException) as refused:
        JSONParser().parse(io.BytesIO(b'{"a": "0123456789"}'), "application/json", {})
    assert refused.value.status_code == 413
    assert JSONParser().parse(io.BytesIO(b'{"a": "1"}'), "application/json", {}) == {"a": "1"}


def test_a_body_nested_5000_levels_deep_is_a_400_not_a_500(quiet):
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000, "[" * 5000):
        err = assert_error_shape(post_raw(quiet, body), 400, "parse_error")
        assert "deeper than 32 levels" in err["message"]


def test_nesting_up_to_the_limit_reaches_validation(school_api):
    at_limit = "[" * 31 + "{}" + "]" * 31  # 32 levels
    assert json_depth(at_limit) == 32
    err = assert_error_shape(post_raw(school_api, at_limit), 400, "invalid")
    assert err["fields"] == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    assert_error_shape(post_raw(school_api, "[" + at_limit + "]"), 400, "parse_error")


def test_brackets_inside_strings_are_not_nesting():
    assert json_depth(json.dumps({"a": "[[[[{{{{" * 100, "b": ['\\"]]]', "]]"]})) == 2
    assert json_depth('"x"') == 0


@pytest.mark.parametrize("body", [
    b"{not json", b'{"legal_surname": NaN}', b'{"legal_surname": "\xff"}', b"\xef\xbb\xbf{}",
    b'{"a": 1' + b"1" * 5000 + b"}",  # an integer longer than Python will convert
])
def test_malformed_json_is_a_400(quiet, body):
    assert_error_shape(post_raw(quiet, body), 400, "parse_error")


def test_a_length_header_that_is_not_a_number_is_a_400(school_api):
    assert_error_shape(post_raw(school_api, b"{}", CONTENT_LENGTH="many"), 400, "bad_request")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
])
def test_the_api_reads_json_only(school_api, content_type):
    assert_error_shape(post_raw(school_api, b"legal_surname=X", content_type), 415, "unsupported_media_type")


# --- methods, media types, pages --------------------------------------------------------------------


def test_a_wrong_method_is_a_405_with_the_allowed_methods(school_api):
    err = assert_error_shape(school_api.delete(LIST), 405, "method_not_allowed")
    assert "DELETE" in err["message"]
    assert set(school_api.delete(LIST)["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_wrong_accept_is_a_406_in_json(school_api):
    assert_error_shape(school_api.get(LIST, HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_a_page_beyond_the_last_is_a_documented_404(school_api, client):
    assert school_api.get(LIST, {"page": 1}).status_code == 200
    for page in (2, "0002", "9" * 30):
        err = assert_error_shape(school_api.get(LIST, {"page": page}), 404, "not_found")
        assert "beyond the last page" in err["message"]
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in (LIST, CONFERENCES):
        documented = schema["paths"][path]["get"]["responses"]["404"]
        assert "beyond the last page" in documented["description"]
        assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiErrorOutput"}


@pytest.mark.parametrize("query", [
    {"page": "abc"}, {"page": 0}, {"page": -1}, {"page": "1.5"}, {"page": "last"}, {"page": ""},
    {"page_size": "abc"}, {"page_size": 0}, {"page_size": 201}, {"page_size": "null"}, {"page_size": ""},
])
def test_a_page_or_page_size_that_is_not_what_the_schema_says_is_a_400_naming_it(school_api, client, query):
    err = assert_error_shape(school_api.get(LIST, query), 400, "invalid")
    assert set(err["fields"]) == set(query)
    params = {p["name"]: p["schema"] for p in
              client.get("/api/v1/schema/?format=json").json()["paths"][LIST]["get"]["parameters"]}
    assert params["page"] == {"type": "integer", "minimum": 1}
    assert params["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}


def test_page_sizes_within_the_bounds_are_taken(school_api, school):
    for n in range(3):
        child = ChildFactory(legal_surname=f"Pager{n}")
        InvolvementFactory(child=child, agency=school)
    resp = school_api.get(LIST, {"page_size": 2, "page": 2})
    assert resp.status_code == 200
    assert resp.json()["count"] == 3 and len(resp.json()["results"]) == 1
    assert school_api.get(LIST, {"page_size": 200}).status_code == 200


@pytest.mark.parametrize("path, query", [
    (CONFERENCES, {"starts_before": ""}), (CONFERENCES, {"status": ""}), (CONFERENCES, {"child": ""}),
    (LIST, {"status": ""}), (LIST, {"date_of_birth": ""}),
])
def test_a_filter_given_empty_is_a_400_unless_it_takes_free_text(school_api, path, query):
    err = assert_error_shape(school_api.get(path, query), 400, "invalid")
    assert err["fields"] == {name: ["This field may not be blank."] for name in query}


def test_a_free_text_filter_given_empty_filters_nothing(school_api):
    assert school_api.get(LIST, {"name": ""}).status_code == 200


def test_text_with_a_nul_is_refused_and_the_schema_says_so(school_api, client, la):
    err = assert_error_shape(school_api.get(LIST, {"name": "a\x00b"}), 400, "invalid")
    assert set(err["fields"]) == {"name"}
    body = {"legal_surname": "Ha\x00rt", "date_of_birth": "2016-05-04", "local_authority": str(la.public_id),
            "involvement_role": "DSL"}
    err = assert_error_shape(post_raw(school_api, json.dumps(body)), 400, "invalid")
    assert set(err["fields"]) == {"legal_surname"}
    schema = client.get("/api/v1/schema/?format=json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"][LIST]["get"]["parameters"]}
    assert params["name"]["pattern"] == NO_NUL_PATTERN
    child_input = schema["components"]["schemas"]["ChildInputRequest"]["properties"]
    assert child_input["preferred_name"]["pattern"] == NO_NUL_PATTERN
    assert child_input["legal_surname"]["pattern"] == NOT_BLANK_PATTERN  # required: not blank once trimmed
    assert "pattern" not in child_input["local_authority"]  # a uuid says enough


@pytest.mark.parametrize("text, accepted", [
    ("Hart", True), (" Hart ", True), ("", False), ("   ", False), ("\t\n", False), ("\x1f", False),
    ("\u3000", False), ("\u00a0x", True), ("a\x00", False),
])
def test_the_not_blank_pattern_is_what_a_trimmed_required_field_accepts(text, accepted):
    assert bool(re.fullmatch(NOT_BLANK_PATTERN, text)) is accepted
    assert (bool(text.strip()) and "\x00" not in text) is accepted  # what DRF's trimmed CharField accepts


# --- who is asking ----------------------------------------------------------------------------------


def test_no_credentials_or_a_bad_token_is_a_401_with_the_scheme(client, bearer):
    resp = client.get(LIST)
    assert_error_shape(resp, 401, "not_authenticated")
    assert resp["WWW-Authenticate"] == "Bearer"
    assert_error_shape(bearer("sgh_nope_nope").get(LIST), 401, "authentication_failed")


def test_a_session_post_without_its_csrf_token_is_a_403_in_the_shape(social_worker, la):
    c = Client(enforce_csrf_checks=True)
    c.force_login(social_worker)
    resp = c.post(LIST, json.dumps({"legal_surname": "Hart"}), content_type="application/json")
    err = assert_error_shape(resp, 403, "permission_denied")
    assert "CSRF" in err["message"]


def test_a_session_that_has_not_passed_its_second_factor_is_a_403(settings, client_for, social_worker):
    settings.MFA_REQUIRED = True
    assert_error_shape(client_for(social_worker).get(LIST), 403, "permission_denied")


def test_a_throttled_client_gets_a_429_with_retry_after(monkeypatch, school_api):
    from safeguarding.api import ApiClientRateThrottle

    monkeypatch.setattr(ApiClientRateThrottle, "THROTTLE_RATES", {"api_client": "1/minute"})
    school_api.get(LIST)
    resp = school_api.get(LIST)
    assert_error_shape(resp, 429, "throttled")
    assert int(resp["Retry-After"]) > 0


# --- Django's errors before DRF, and server errors ----------------------------------------------------


def test_a_bad_host_header_is_a_json_400(quiet):
    assert_error_shape(quiet.get(LIST, HTTP_HOST="evil.example"), 400, "bad_request")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_server_error_under_the_api_is_a_json_500_and_still_logged(settings, monkeypatch, quiet, caplog, debug):
    settings.DEBUG = debug  # DEBUG's technical 500 page is replaced too

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the view broke")

    monkeypatch.setattr(ChildViewSet, "list", broken)
    err = assert_error_shape(quiet.get(LIST), 500, "server_error")
    assert "broke" not in err["message"]  # nothing of the exception reaches the client
    assert any("the view broke" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert ApiCallLog.objects.get().status_code == 500  # the call log sees the same status


# --- a service's DjangoValidationError: converted once, in the handler ------------------------------------


class _RefusingView(APIView):
    """A view that calls a 'service' which refuses, and lets the refusal through (as every view now does)."""

    authentication_classes = []
    permission_classes = []
    error = None

    def post(self, request):
        raise self.error


@pytest.mark.parametrize("error, fields", [
    (DjangoValidationError({"late_reason": ["Say why it was late"], "__all__": ["Too late"]}),
     {"late_reason": ["Say why it was late"], "non_field_errors": ["Too late"]}),
    (DjangoValidationError("Reports are taken until the conference is held"),
     {"non_field_errors": ["Reports are taken until the conference is held"]}),
    (DjangoValidationError(["One", "Two"]), {"non_field_errors": ["One", "Two"]}),
])
def test_a_services_validation_error_becomes_a_400_with_its_fields(error, fields):
    view = _RefusingView.as_view(error=error)
    resp = view(APIRequestFactory().post("/api/v1/x/", {}, format="json"))
    resp.render()
    assert_error_shape(resp, 400, "invalid")
    assert json.loads(resp.content)["error"]["fields"] == fields


def test_the_handler_leaves_other_exceptions_to_django():
    assert exception_handler(RuntimeError("x"), {}) is None


# --- the schema documents all of this ----------------------------------------------------------------


def test_every_operation_documents_its_error_answers_in_the_shape(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["schemas"]["ApiErrorOutput"]["required"] == ["error"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) >= 10
    for path, method, op in operations:
        expected = {"400", "401", "403", "404", "405", "406", "413", "429"}
        if "requestBody" in op:
            expected.add("415")
        assert expected <= set(op["responses"]), (method, path, sorted(op["responses"]))
        for code in expected:
            content = op["responses"][code]["content"]
            assert list(content) == ["application/json"], (method, path, code)
            assert op["responses"][code]["description"], (method, path, code)
        if "requestBody" in op:
            # JSON, or a file upload (multipart/form-data, the kernel's upload service: ADR 18)
            assert list(op["requestBody"]["content"]) in (["application/json"], ["multipart/form-data"]), (method, path)


def test_an_error_shape_with_more_in_it_for_the_schema_of_an_answer_that_carries_more():
    from rest_framework import serializers

    from safeguarding.api import error_body, error_shape

    shape = error_shape("PossibleDuplicatesOutput", candidates=serializers.ListField(child=serializers.CharField()))
    assert shape.__name__ == "PossibleDuplicatesOutput"
    assert set(shape().fields["error"].fields) == {"status", "code", "message", "fields", "candidates"}
    body = error_body(409, "possible_duplicate", "May already be recorded.")
    body["error"]["candidates"] = ["one"]
    assert shape(data=body).is_valid(), shape(data=body).errors
    assert not shape(data=error_body(409, "possible_duplicate", "No candidates.")).is_valid()


def test_a_file_upload_may_carry_a_file_up_to_the_upload_limit_and_no_more(settings, school_api):
    """multipart/form-data bodies (the kernel's upload service, ADR 18) pass the early check up to
    UPLOAD_MAX_BYTES plus the JSON limit for their fields; a JSON body of that size is still a 413."""
    settings.API_MAX_BODY_BYTES, settings.UPLOAD_MAX_BYTES = 100, 1000
    boundary = "BoUnDaRy"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n")
    body = (part + "x" * 900 + f"\r\n--{boundary}--\r\n").encode()
    assert 1000 < len(body) <= 1100
    upload = post_raw(school_api, body, content_type=f"multipart/form-data; boundary={boundary}")
    assert upload.status_code != 413  # past the early check (this list takes JSON only: its own answer)
    assert_error_shape(post_raw(school_api, json.dumps({"legal_surname": "x" * 900})), 413, "request_too_large")
    too_big = (part + "x" * 1200 + f"\r\n--{boundary}--\r\n").encode()
    err = assert_error_shape(post_raw(school_api, too_big, content_type=f"multipart/form-data; boundary={boundary}"),
                             413, "request_too_large")
    assert "1,100 bytes" in err["message"]
