"""Server-rendered pages: security headers, login everywhere, /healthz, the GOV.UK 404, the child's
record (missing and forbidden look the same, every view logged), the access log, and the forms that
add and change a child's record."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Child, ChronologyEntry, Involvement, Relationship
from safeguarding.access.models import BreakGlass
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.health import write_heartbeat
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, InvolvementFactory, RestrictedChildFactory

from .conftest import check_html, normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(la, team, social_worker):
    """Allocated to the social worker, in the team the team manager manages."""
    return ChildFactory(
        legal_first_names="Amelia",
        legal_surname="Hartley",
        date_of_birth=datetime.date(2016, 5, 4),
        local_authority=la,
        allocated_social_worker=social_worker,
        allocated_team=team,
    )


@pytest.fixture
def stranger_child(other_la):
    return ChildFactory(legal_first_names="Noah", legal_surname="Pemberton", local_authority=other_la)


def child_url(c, suffix=""):
    return f"/children/{c.public_id}/{suffix}"


def date_parts(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


# --- security headers and inline script --------------------------------------------------------------


def csp_directives(resp):
    header = resp["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        bits = part.split()
        if bits:
            out[bits[0]] = bits[1:]
    return out


def test_security_headers_on_a_page(page, social_worker):
    resp = page(social_worker).get("/")
    assert resp.status_code == 200
    csp = csp_directives(resp)
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"


def test_the_login_page_has_the_headers_too(db):
    resp = Client().get("/accounts/login/")
    assert resp.status_code == 200
    assert "'unsafe-inline'" not in csp_directives(resp)["script-src"]
    assert resp["X-Frame-Options"] == "DENY"
    check_html(resp)


def test_the_html_checker_catches_inline_script():
    from django.http import HttpResponse
    from django.test import RequestFactory

    for bad in (
        "<script>alert(1)</script>",
        '<a href="#" onclick="x()">x</a>',
        '<a href="javascript:x()">x</a>',
        '<script src="https://cdn.example/x.js"></script>',
    ):
        resp = HttpResponse(f"<html><body>{bad}</body></html>")
        resp.wsgi_request = RequestFactory().get("/")
        with pytest.raises(AssertionError):
            check_html(resp)


def test_no_page_visited_carries_inline_script(page, social_worker, team_manager, child, school):
    """Every page a social worker and a manager reach in a day's work, error and empty states included."""
    sw = page(social_worker)
    tm = page(team_manager)
    urls = [
        "/",
        "/children/",
        "/children/?name=Hartley",
        "/children/?name=",
        "/children/?nhs_number=123",
        "/children/?local_child_id=T0",
        "/children/new/",
        child_url(child),
        child_url(child, "edit/"),
        child_url(child, "allocation/"),
        child_url(child, "involvements/new/"),
        child_url(child, "people/new/"),
        child_url(child, "chronology/new/"),
        child_url(child, "duplicates/"),
        "/notifications/",
        "/accessibility/",
        f"/children/{uuid.uuid4()}/",
        "/no-such-page/",
    ]
    for url in urls:
        assert sw.get(url).status_code in (200, 404), url
    assert tm.get(child_url(child, "access-log/")).status_code == 200
    # forms showing their errors
    assert sw.post("/children/new/", {"legal_surname": ""}).status_code == 200
    assert sw.post(child_url(child, "edit/"), {"legal_surname": ""}).status_code == 200
    # signed-out pages
    for url in ("/accounts/login/", "/accounts/signed-out/"):
        check_html(Client().get(url))


# --- login everywhere -------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_login_from_every_page(child):
    c = Client()
    missing = uuid.uuid4()
    urls = [
        "/",
        "/children/",
        "/children/?name=Hartley",
        "/children/new/",
        "/notifications/",
        "/no-such-page/",
        "/admin/",
        *(
            child_url(child, s)
            for s in (
                "",
                "edit/",
                "allocation/",
                "involvements/new/",
                "people/new/",
                "chronology/new/",
                "break-glass/",
                "access-log/",
                "duplicates/",
            )
        ),
        f"/children/{missing}/",
        f"/children/{missing}/access-log/",
    ]
    for url in urls:
        for method in (c.get, c.post):
            resp = method(url)
            assert resp.status_code == 302, (method, url, resp.status_code)
            assert resp["Location"].startswith("/accounts/login/?next="), (url, resp["Location"])
            assert "Hartley" not in resp.content.decode()
    assert not RecordView.objects.exists()
    assert Child.objects.count() == 1


def test_the_next_address_survives_the_login_redirect(child):
    resp = Client().get("/children/?name=Hart&upn=A12")
    login_page = Client().get(resp["Location"])
    assert 'value="/children/?name=Hart&amp;upn=A12"' in login_page.content.decode()


def test_public_pages_need_no_login(db):
    c = Client()
    assert c.get("/accounts/login/").status_code == 200
    assert c.get("/accessibility/").status_code == 200


# --- /healthz -----------------------------------------------------------------------------------------


def test_healthz_is_200_when_everything_is_up(client, health_redis):
    write_heartbeat()
    resp = client.get("/healthz")
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert all(check["ok"] for check in body["checks"].values())
    assert set(body["checks"]) == {"database", "broker", "worker", "sweep"}
    assert "no-cache" in resp["Cache-Control"] or "max-age=0" in resp["Cache-Control"]


def test_healthz_is_503_naming_the_worker_without_a_heartbeat(client, health_redis):
    write_heartbeat()
    health_redis.delete("sgh:worker-heartbeat")
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["down"] == ["worker"]
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["worker"]["error"] == "no heartbeat"


def test_healthz_is_503_when_the_heartbeat_is_stale(client, health_redis, settings):
    import time

    health_redis.set("sgh:worker-heartbeat", str(time.time() - settings.WORKER_HEARTBEAT_SECONDS * 5))
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["down"] == ["worker"]


def test_healthz_is_503_naming_the_broker_when_redis_is_unreachable(client, health_redis, settings):
    write_heartbeat()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert "broker" in body["down"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_reports_a_late_sweep_and_when_the_last_one_finished(client, health_redis, settings):
    import datetime

    from django.utils import timezone

    from safeguarding.clock.models import SweepRun

    write_heartbeat()
    SweepRun.objects.all().update(finished_at=timezone.now() - datetime.timedelta(seconds=settings.SWEEP_EVERY_SECONDS
                                                                                            * 3 + 60))
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["down"] == ["sweep"]
    assert "last_finished" in resp.json()["checks"]["sweep"]
    SweepRun.objects.create(finished_at=timezone.now())
    assert client.get("/healthz").status_code == 200


def test_healthz_before_the_first_sweep_says_it_is_waiting_not_down(client, health_redis):
    from safeguarding.clock.models import SweepRun

    write_heartbeat()
    SweepRun.objects.update(finished_at=None)  # a fresh start: no sweep has finished yet
    resp = client.get("/healthz")
    assert resp.status_code == 200, resp.json()
    assert resp.json()["checks"]["sweep"] == {"ok": True, "waiting": "no sweep has finished yet"}


# --- 404 ---------------------------------------------------------------------------------------------


def test_the_404_page_uses_the_gov_uk_layout(page, social_worker):
    resp = page(social_worker).get("/no-such-page/")
    assert resp.status_code == 404
    html = resp.content.decode()
    assert 'class="govuk-template"' in html
    assert "govuk-header" in html and "govuk-footer" in html
    assert "/static/vendor/govuk-frontend/govuk-frontend.min.css" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert title_of(html) == "Page not found – Safeguarding Hub"
    assert "Sam Worker" in html  # the signed-in header is there


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "edit/",
        "allocation/",
        "involvements/new/",
        "people/new/",
        "chronology/new/",
        "access-log/",
        "duplicates/",
        "break-glass/",
    ],
)
def test_a_forbidden_child_is_the_same_404_as_a_missing_one(page, social_worker, stranger_child, suffix):
    sw = page(social_worker)
    forbidden = sw.get(child_url(stranger_child, suffix))
    missing = sw.get(f"/children/{uuid.uuid4()}/{suffix}")
    garbage = sw.get(f"/children/not-a-uuid/{suffix}")

    assert forbidden.status_code == missing.status_code == garbage.status_code == 404
    assert normalised(forbidden.content.decode()) == normalised(missing.content.decode())
    assert normalised(garbage.content.decode()) == normalised(missing.content.decode())
    assert "Pemberton" not in forbidden.content.decode()
    assert not RecordView.objects.exists()


def test_posting_to_a_forbidden_child_changes_nothing(page, social_worker, stranger_child, school):
    sw = page(social_worker)
    resp = sw.post(
        child_url(stranger_child, "involvements/new/"),
        {"agency": school.pk, "role": "GP", **date_parts("start_date", timezone.localdate())},
    )
    assert resp.status_code == 404
    resp = sw.post(child_url(stranger_child, "edit/"), {"legal_surname": "Changed", "reason": "because"})
    assert resp.status_code == 404
    assert not Involvement.objects.exists()
    stranger_child.refresh_from_db()
    assert stranger_child.legal_surname == "Pemberton"


# --- the child's page ----------------------------------------------------------------------------


def test_every_view_of_a_child_is_logged(page, social_worker, team_manager, child):
    page(social_worker).get(child_url(child))
    page(social_worker).get(child_url(child))
    page(team_manager).get(child_url(child))

    views = list(RecordView.objects.order_by("at", "id"))
    assert [(v.user, v.record, v.via, v.break_glass) for v in views] == [
        (social_worker, child, "page", False),
        (social_worker, child, "page", False),
        (team_manager, child, "page", False),
    ]


def test_the_child_page_shows_the_record(page, social_worker, child):
    html = page(social_worker).get(child_url(child)).content.decode()
    assert '<h1 class="govuk-heading-l govuk-!-margin-bottom-2">Amelia Hartley</h1>' in html
    # the status next to the name (ADR 26): an open child with no plan who is not looked after
    assert '<strong class="govuk-tag govuk-tag--blue">Child in need</strong>' in html
    assert child.local_child_id in html
    assert child.nhs_number_display in html
    assert title_of(html) == "Amelia Hartley – Safeguarding Hub"


# --- access log -------------------------------------------------------------------------------------


def test_the_access_log_is_for_managers(
    page, social_worker, team_manager, service_manager, other_la_service_manager, child
):
    page(social_worker).get(child_url(child))

    for manager in (team_manager, service_manager):
        resp = page(manager).get(child_url(child, "access-log/"))
        assert resp.status_code == 200, manager
        html = resp.content.decode()
        assert "Who has looked at this record" in html
        assert "Sam Worker" in html
        assert "Web page" in html

    sw = page(social_worker)
    denied = sw.get(child_url(child, "access-log/"))
    missing = sw.get(f"/children/{uuid.uuid4()}/access-log/")
    assert denied.status_code == 404
    assert normalised(denied.content.decode()) == normalised(missing.content.decode())
    assert page(other_la_service_manager).get(child_url(child, "access-log/")).status_code == 404

    # the link is offered only to those who may follow it
    assert "Who has looked at this record" in page(team_manager).get(child_url(child)).content.decode()
    assert "Who has looked at this record" not in sw.get(child_url(child)).content.decode()


# --- adding a child ---------------------------------------------------------------------------------


def test_adding_a_child_shows_errors_in_the_gov_uk_pattern(page, social_worker):
    resp = page(social_worker).post(
        "/children/new/",
        {
            "legal_first_names": "Isla",
            "legal_surname": "",
            "nhs_number": "12345",
            "upn": "A1",
            "gender": "0",
            "ethnicity": "NOBT",
            **date_parts("date_of_birth", datetime.date(2015, 9, 14)),
        },
    )

    assert resp.status_code == 200
    html = resp.content.decode()
    assert title_of(html) == "Error: Add a child – Safeguarding Hub"
    summary = html[html.index('class="govuk-error-summary"') : html.index("<h1")]
    assert "There is a problem" in summary
    assert '<a href="#id_legal_surname">Enter the child&#x27;s surname</a>' in summary
    assert '<a href="#id_nhs_number">NHS number must be 10 digits long; you entered 5</a>' in summary
    assert 'href="#id_upn">Unique pupil number must be 13 characters long; you entered 2</a>' in summary
    # and at each field, in a govuk-form-group--error with a govuk-error-message
    assert re.search(
        r'id="id_legal_surname-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">'
        r"Error:</span> Enter the child&#x27;s surname",
        html,
    )
    assert re.search(
        r'id="id_nhs_number-error" class="govuk-error-message">.*?NHS number must be 10 digits', html
    )
    assert html.count("govuk-form-group--error") >= 3
    assert 'value="Isla"' in html  # what was typed is kept
    assert not Child.objects.exists()


def test_a_missing_date_of_birth_is_reported_at_the_field(page, social_worker):
    resp = page(social_worker).post(
        "/children/new/", {"legal_surname": "Fairbairn", "gender": "0", "ethnicity": "NOBT"}
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Enter a date of birth, or an expected date of birth for an unborn child" in html
    assert 'id="id_date_of_birth-error"' in html
    assert not Child.objects.exists()


def test_adding_a_child_then_a_similar_one_warns_then_confirming_creates_it(page, social_worker, child, team):
    sw = page(social_worker)
    data = {
        "legal_first_names": "Amelia",
        "legal_surname": "Hartley",
        "gender": "2",
        "ethnicity": "NOBT",
        **date_parts("date_of_birth", datetime.date(2016, 5, 4)),
    }

    warned = sw.post("/children/new/", data)

    assert warned.status_code == 200
    html = warned.content.decode()
    assert "This child may already be recorded" in html
    assert "Possible matches" in html
    assert child_url(child) in html and child.local_child_id in html
    assert "Same name" in html and "Same date of birth" in html
    assert 'name="confirm_not_duplicate"' in html
    assert Child.objects.count() == 1

    created = sw.post("/children/new/", {**data, "confirm_not_duplicate": "on"})

    assert created.status_code == 302
    new = Child.objects.exclude(pk=child.pk).get()
    assert created["Location"] == child_url(new)
    assert (new.allocated_social_worker, new.allocated_team) == (social_worker, team)
    assert CaseEvent.objects.filter(code="child.duplicate_warning_overridden", subject_id=new.pk).exists()
    shown = sw.get(created["Location"])
    assert shown.status_code == 200
    assert f"Amelia Hartley has been added ({new.local_child_id})" in shown.content.decode()


def test_adding_a_child_with_an_address(page, social_worker):
    resp = page(social_worker).post(
        "/children/new/",
        {
            "legal_first_names": "Isla",
            "legal_surname": "Fairbairn",
            "gender": "2",
            "ethnicity": "WBRI",
            **date_parts("date_of_birth", datetime.date(2015, 9, 14)),
            "address_line_1": "1 Mill Lane",
            "address_town": "Northmoor",
            "address_postcode": "nm1 2ab",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    child = Child.objects.get()
    html = page(social_worker).get(child_url(child)).content.decode()
    assert "1 Mill Lane, Northmoor, NM1 2AB" in html


def test_partners_may_not_add_a_child(page, school_dsl):
    assert page(school_dsl).get("/children/new/").status_code == 403


# --- changing a child's details ------------------------------------------------------------------


def edit_data(child, **over):
    data = {
        "legal_first_names": child.legal_first_names,
        "legal_surname": child.legal_surname,
        "preferred_name": child.preferred_name,
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "nhs_number": child.nhs_number,
        "upn": child.upn,
        "first_language": child.first_language,
        **date_parts("date_of_birth", child.date_of_birth),
    }
    data.update(over)
    return data


def test_editing_requires_a_reason_and_writes_history(page, social_worker, child):
    sw = page(social_worker)
    assert sw.get(child_url(child, "edit/")).status_code == 200

    no_reason = sw.post(child_url(child, "edit/"), edit_data(child, preferred_name="Milly"))
    assert no_reason.status_code == 200
    html = no_reason.content.decode()
    assert '<a href="#id_reason">Say why you are changing the record</a>' in html
    child.refresh_from_db()
    assert child.preferred_name == ""

    ok = sw.post(
        child_url(child, "edit/"),
        edit_data(child, preferred_name="Milly", reason="Mother told us at the home visit"),
    )
    assert ok.status_code == 302
    child.refresh_from_db()
    assert child.preferred_name == "Milly"
    latest = child.history.first()
    assert latest.history_change_reason == "Mother told us at the home visit"
    assert latest.history_user == social_worker
    assert latest.preferred_name == "Milly" and child.history.count() == 2
    event = CaseEvent.objects.get(code="child.updated", subject_id=child.pk)
    assert event.payload == {"fields": ["preferred_name"], "reason": "Mother told us at the home visit"}

    shown = sw.get(child_url(child)).content.decode()
    assert "Mother told us at the home visit" in shown
    assert "known as Milly" in shown


def test_only_editors_may_edit(page, police_officer, child):
    InvolvementFactory(child=child, agency=police_officer.memberships.get().agency)
    police = page(police_officer)
    assert police.get(child_url(child)).status_code == 200
    assert police.get(child_url(child, "edit/")).status_code == 404


# --- involvements, relationships, chronology ------------------------------------------------------


def test_adding_an_involvement_shows_on_the_child_page(page, social_worker, child, school):
    sw = page(social_worker)
    resp = sw.post(
        child_url(child, "involvements/new/"),
        {
            "agency": school.pk,
            "role": "Class teacher",
            "professional_name": "Ms Rowan",
            "professional_email": "rowan@oakfield.example",
            **date_parts("start_date", datetime.date(2024, 9, 2)),
        },
    )
    assert resp.status_code == 302
    assert resp["Location"] == child_url(child) + "#agencies"
    inv = Involvement.objects.get(child=child)
    assert (inv.agency, inv.role, inv.professional_name, inv.start_date) == (
        school,
        "Class teacher",
        "Ms Rowan",
        datetime.date(2024, 9, 2),
    )
    html = sw.get(child_url(child)).content.decode()
    assert "Agencies (1)" in html
    assert "Oakfield Primary School" in html and "Class teacher" in html and "Ms Rowan" in html


def test_an_involvement_needs_its_fields(page, social_worker, child):
    resp = page(social_worker).post(child_url(child, "involvements/new/"), {"role": ""})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Select the agency" in html and "Enter the professional&#x27;s role" in html
    assert "Enter the start date" in html
    assert not Involvement.objects.exists()


def test_adding_a_relationship_shows_on_the_child_page(page, social_worker, child):
    sw = page(social_worker)
    resp = sw.post(
        child_url(child, "people/new/"),
        {
            "first_names": "Grace",
            "surname": "Hartley",
            "kind": "mother",
            "parental_responsibility": "on",
            "lives_with_child": "on",
            **date_parts("date_of_birth", datetime.date(1990, 1, 15)),
        },
    )
    assert resp.status_code == 302
    rel = Relationship.objects.get(child=child)
    assert (rel.adult.full_name, rel.kind, rel.parental_responsibility, rel.lives_with_child) == (
        "Grace Hartley",
        "mother",
        True,
        True,
    )
    html = sw.get(child_url(child)).content.decode()
    assert "People (1)" in html
    assert "Grace Hartley" in html and "Mother" in html


def test_adding_a_chronology_entry_shows_on_the_child_page(page, social_worker, child, la):
    sw = page(social_worker)
    form = sw.get(child_url(child, "chronology/new/"))
    assert form.status_code == 200
    resp = sw.post(
        child_url(child, "chronology/new/"),
        {
            "source_agency": la.pk,
            "significance": "significant",
            "summary": "Home visit: the child was seen alone and said she feels safe.",
            **date_parts("occurred_on", timezone.localdate() - datetime.timedelta(days=2)),
        },
    )
    assert resp.status_code == 302
    entry = ChronologyEntry.objects.get(child=child)
    assert (entry.source_agency, entry.significance, entry.recorded_by) == (la, "significant", social_worker)
    html = sw.get(child_url(child)).content.decode()
    assert "Chronology (1)" in html
    assert "Home visit: the child was seen alone and said she feels safe." in html
    assert "Significant" in html


def test_a_future_chronology_date_is_refused_at_the_field(page, social_worker, child, la):
    resp = page(social_worker).post(
        child_url(child, "chronology/new/"),
        {
            "source_agency": la.pk,
            "significance": "routine",
            "summary": "Something",
            **date_parts("occurred_on", timezone.localdate() + datetime.timedelta(days=2)),
        },
    )
    assert resp.status_code == 200
    assert "The date must be today or in the past" in resp.content.decode()
    assert not ChronologyEntry.objects.exists()


def test_a_partner_can_add_to_the_chronology_only_for_their_own_agency(page, school_dsl, school, la, child):
    InvolvementFactory(child=child, agency=school)
    dsl = page(school_dsl)
    resp = dsl.post(
        child_url(child, "chronology/new/"),
        {
            "source_agency": la.pk,
            "significance": "routine",
            "summary": "Pretending to be the council",
            **date_parts("occurred_on", timezone.localdate()),
        },
    )
    assert resp.status_code == 200
    assert not ChronologyEntry.objects.exists()
    ok = dsl.post(
        child_url(child, "chronology/new/"),
        {
            "source_agency": school.pk,
            "significance": "routine",
            "summary": "Attendance has dropped to 70%",
            **date_parts("occurred_on", timezone.localdate()),
        },
    )
    assert ok.status_code == 302
    assert ChronologyEntry.objects.get().source_agency == school


# --- restricted records: breaking the glass ---------------------------------------------------------


@pytest.fixture
def restricted(la, team, team_manager):
    return RestrictedChildFactory(
        legal_first_names="Ruby",
        legal_surname="Castellano",
        local_authority=la,
        allocated_team=team,
        named=[team_manager],
    )


def test_break_glass_flow_for_a_restricted_child(page, colleague, team_manager, service_manager, restricted):
    c = page(colleague)  # in the allocated team, so with a reason to be there, but not named on the record

    first = c.get(child_url(restricted))
    assert first.status_code == 302
    assert first["Location"] == child_url(restricted, "break-glass/")
    assert not RecordView.objects.exists()

    form = c.get(first["Location"])
    assert form.status_code == 200
    html = form.content.decode()
    assert "This record is restricted" in html
    assert "Castellano" not in html  # nothing about the child before the glass is broken

    too_short = c.post(child_url(restricted, "break-glass/"), {"reason": "need it"})
    assert too_short.status_code == 200
    assert "Explain why in at least 10 characters" in too_short.content.decode()
    assert title_of(too_short.content.decode()) == "Error: Restricted record – Safeguarding Hub"
    assert not BreakGlass.objects.exists()

    reason = "Police called out of hours about a new allegation"
    opened = c.post(child_url(restricted, "break-glass/"), {"reason": reason})
    assert opened.status_code == 302
    assert opened["Location"] == child_url(restricted)

    record = c.get(child_url(restricted))
    assert record.status_code == 200
    assert "Ruby Castellano" in record.content.decode()
    assert "Restricted record: every view is logged." in record.content.decode()
    bg = BreakGlass.objects.get()
    assert (bg.user, bg.record, bg.reason) == (colleague, restricted, reason)
    assert bg.expires_at > timezone.now()
    view = RecordView.objects.get()
    assert (view.user, view.record, view.break_glass) == (colleague, restricted, True)
    assert CaseEvent.objects.filter(code="access.break_glass", subject_id=restricted.pk).exists()
    note = Notification.objects.get(recipient=service_manager)
    assert restricted.local_child_id in note.body and reason in note.body

    log = page(team_manager).get(child_url(restricted, "access-log/")).content.decode()
    assert "Restricted record opened by breaking the glass" in log
    assert reason in log and "Cal Colleague" in log


def test_the_named_person_sees_a_restricted_child_without_breaking_the_glass(page, team_manager, restricted):
    resp = page(team_manager).get(child_url(restricted))
    assert resp.status_code == 200
    assert RecordView.objects.get().break_glass is False


def test_no_basis_no_glass_to_break(page, other_social_worker, restricted):
    c = page(other_social_worker)
    for suffix in ("", "break-glass/"):
        forbidden = c.get(child_url(restricted, suffix))
        missing = c.get(f"/children/{uuid.uuid4()}/{suffix}")
        assert forbidden.status_code == 404
        assert normalised(forbidden.content.decode()) == normalised(missing.content.decode())
    assert (
        c.post(child_url(restricted, "break-glass/"), {"reason": "Curious about this record"}).status_code
        == 404
    )
    assert not BreakGlass.objects.exists()


def test_search_shows_a_restricted_child_redacted(page, colleague, restricted):
    html = page(colleague).get("/children/", {"name": "Castellano"}).content.decode()
    assert "Restricted record" in html
    assert child_url(restricted, "break-glass/") in html
    assert "Ruby" not in html.split('id="results-heading"')[1]


def test_search_by_local_child_id_finds_the_child_whatever_the_case_typed(page, social_worker, child):
    found = page(social_worker).get(f"/children/?local_child_id=+{child.local_child_id.lower()}+")
    assert found.status_code == 200
    assert "Amelia" in found.content.decode() and f"/children/{child.public_id}/" in found.content.decode()
    nothing = page(social_worker).get("/children/?local_child_id=NOT-A-CHILD")
    assert f"/children/{child.public_id}/" not in nothing.content.decode()
