"""Schemathesis against ``/api/v1/schema/`` with every check, as a partner agency's API client (token) and as
a social worker (session): no server error, and no schema, status, content-type or header mismatch (issue 8,
section 4). Marked ``slow``: ``make test-fast`` skips it. Run it alone with
``pytest -m slow tests/api/test_schemathesis.py -p no:cacheprovider``.

For each client, every operation goes through schemathesis's examples, coverage and fuzzing phases (the
pytest integration), and then sequences of calls along the links schemathesis infers (its state machine:
use-after-free and resource-availability checks). In-process through the WSGI application (the whole
middleware stack, real PostgreSQL and Redis), so the test's own database transaction holds the world the
requests read. The seed is fixed and generation deterministic: a failure found once is found again.
Each test counts the requests the application served under ``/api/`` and must reach its
``MIN_REQUESTS`` (more than 5,000 in all).

The generated ids almost never exist, so hooks swap a generated, well-formed id for a real one some of the
time (only where the generated value is valid, so that a negative case stays negative), and give a new
child the real local authority and plausible details some of the time, so that the runs reach the 200s,
201s and 409s as well as the 404s and 400s. A schema-valid request refused with a 400 is a failure unless
every field the 400 names is one of the operation's rules a JSON schema cannot express
(``RULES_BEYOND_THE_SCHEMA``); those are counted and printed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import date, timedelta
from types import SimpleNamespace

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import strategies as st
from schemathesis.openapi.checks import RejectedPositiveData

from conferences import services
from conferences.models import Document, Invitation
from partnership import services as partnership_services
from partnership.models import PartnershipSeat
from reviews import services as review_services
from safeguarding.accounts.models import Role
from safeguarding.accounts.services import api_client_create
from safeguarding.api import ApiClientRateThrottle
from tests.conferences import story
from tests.factories import ChildFactory, make_user
from tests.factories import partnership as pf
from tests.factories.reviews import AgencyDecisionFactory, ScheduledReviewFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SEED = 20260305
FUZZ_EXAMPLES = 120  # per operation, on top of the examples and coverage phases
STATEFUL_EXAMPLES, STATEFUL_STEPS = 60, 8
# requests each test must have made; together more than 5,000
MIN_REQUESTS = {
    "test_the_api_keeps_its_schema_for_a_partner_agencys_client": 2_400,
    "test_the_api_keeps_its_schema_for_staff_with_a_session": 2_400,
    "test_sequences_of_calls_keep_the_schema_for_a_partner_agencys_client": 200,
    "test_sequences_of_calls_keep_the_schema_for_staff_with_a_session": 200,
}
SCHEMA_URL = "/api/v1/schema/?format=json"
CSRF = "a" * 32  # a session's unsafe requests need the CSRF cookie and header to agree; any secret will do


@pytest.fixture
def world(la, team, social_worker, chair, police, health, school, business_unit):
    """Children of the local authority; a conference held in March with its minutes sent to the police; and a
    conference booked a fortnight from today, the police invited, taking reports."""
    with freeze_time("2026-03-05 10:00"):
        child, _mother, _people = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=date(2016, 5, 4))
        held = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
        held = story.book(conference=held, chair=chair, actor=chair, day=date(2026, 3, 20))
        invitations = story.invite_everyone(conference=held, actor=chair)
    police_inv = next(i for i in invitations if i.agency_id == police.pk)
    with freeze_time("2026-03-20 13:00"):
        held = story.hold(conference=held, chair=chair, held_on=date(2026, 3, 20))
        story.decide_plan(conference=held, chair=chair, lead_social_worker=social_worker)
    with freeze_time("2026-03-27 09:00"):
        documents = [store_document(held, kind="minutes", copy=copy, actor=chair)
                     for copy in ("professional", "family")]
        services.documents_distribute(actor=chair, conference=held, kind="minutes", invitations=[police_inv],
                                      method="in_app")

    today = timezone.localdate()
    sibling, _mother, _people = story.child_with_family(
        la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
        legal_first_names="Noah", legal_surname="Hartley", date_of_birth=date(2019, 8, 1))
    upcoming = story.request_icpc(child=sibling, social_worker=social_worker,
                                  strategy_discussion_date=today - timedelta(days=2))
    upcoming = story.book(conference=upcoming, chair=chair, actor=chair, day=_working_day(today + timedelta(days=14)),
                          late_reason="Chair availability")
    story.invite_everyone(conference=upcoming, actor=chair)
    others = [ChildFactory(local_authority=la, legal_first_names=f"Child{n}", legal_surname="Ashworth",
                           date_of_birth=date(2012 + n, 1, 10)) for n in range(3)]
    # a looked-after child of the social worker, the police involved: a held review, a decision for the police
    decision = AgencyDecisionFactory(agency=police, child=ChildFactory(
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team, legal_first_names="Jade",
        legal_surname="Ashworth", date_of_birth=date(2015, 6, 1)))
    # a review booked for a looked-after child, her school invited (ADR 15): the staff session sees the
    # invitation and may give views on it; the police client gets the 404 of a missing one
    booked = ScheduledReviewFactory(child=ChildFactory(
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team, legal_first_names="Kai",
        legal_surname="Ashworth", date_of_birth=date(2013, 2, 1)))
    school_invitation = review_services.review_invite(actor=booked.iro, review=booked, invitee="school",
                                                      name="Oakfield Primary School", agency=school)
    # a rapid review asking the police (and the school) for their chronologies (ADR 23): the police's system,
    # seated as the police's lead (partner_schema), answers its request; the school's is the 404 of a missing one
    review = pf.rapid_review(business_unit=business_unit, referrer=make_user(police, Role.PARTNER_PRACTITIONER),
                             agency=police, la=la, aware_on=today - timedelta(days=3))
    requests = partnership_services.agencies_request(actor=business_unit, review=review, agencies=[police, school])
    # a learning review's action owned by the police (ADR 24): the police client updates it and sends evidence
    partnership_actions = [_police_review_action(la=la, police=police, health=health)]
    return SimpleNamespace(
        partnership_requests=requests, partnership_actions=partnership_actions,
        partnership_referrals=[review.referral],  # the police's referral: the police client reads it
        la=la, police=police, social_worker=social_worker,
        children=[child, sibling, *others], conferences=[held, upcoming], documents=documents,
        invitations=Invitation.objects.filter(conference__in=[held, upcoming]),
        reviews=[decision.review, booked], decisions=[decision], review_invitations=[school_invitation],
        # a professional difference the social worker raised with the police (ADR 25): both may read it, the
        # police answer it
        escalations=[partnership_services.escalation_raise(
            actor=social_worker, raising_agency=la, raised_with_agency=police, category="information_sharing",
            concern="Domestic abuse notifications reach us a week late.", theme="Domestic abuse notifications")],
    )


# Operation -> the fields whose rules a JSON schema cannot express: a schema-valid request may still be refused
# with a 400 naming them (positive_data_acceptance). Any other schema-valid 400 fails the run.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/children/": {
        "nhs_number", "upn",  # check digits
        "local_authority",  # an existing local authority (staff: their own)
        "date_of_birth", "expected_date_of_birth",  # one of the two, within sensible bounds
        "disabilities",  # "No disability" (NONE) alone, never with another code (ADR 28)
    },
    "POST /api/v1/review-decisions/{public_id}/complete/": {
        "done_on",  # not before the review that decided it, not in the future
        "non_field_errors",  # a decision done (or no longer needed) already
    },
    "POST /api/v1/conferences/{public_id}/reports/": {
        "non_field_errors",  # reports are taken until the conference is held
        "late_reason",  # required once the reports are past due
        "agency",  # an agency the caller may report for on this conference
    },
    "POST /api/v1/lado/referrals/": {
        "local_authority",  # a local authority with a LADO service
        "referrer_name", "referrer_role",  # required unless the caller's account has them
        "employer_knew_on", "incident_on", "subject_date_of_birth",  # in the past; an adult's date of birth
        "late_reason",  # required more than one working day after the employer knew
        "subject_ni_number", "subject_teacher_reference",  # their formats
        "children", *(f"children-{i}" for i in range(100)),  # each child identified, none twice
    },
    "POST /api/v1/lado/referrals/{public_id}/evidence/": {"file"},  # not empty, a type the hub accepts
    # a request takes entries, files and the form until its form is returned (non_field_errors); text not blank
    "POST /api/v1/partnership/requests/{public_id}/chronology/": {"happened_on", "entry", "non_field_errors"},
    "POST /api/v1/partnership/requests/{public_id}/information/": {"information", "late_reason", "non_field_errors"},
    "POST /api/v1/partnership/requests/{public_id}/files/": {"file", "non_field_errors"},
    "POST /api/v1/partnership/actions/{public_id}/update/": {
        "status",  # an open action moves on (complete and no longer needed are final); cancelled: the business unit
        "completed_on",  # required for complete; not in the future, not before the review was decided
        "no_evidence_reason",  # complete needs evidence uploaded or this reason
        "cancel_reason",  # required for cancelled
    },
    "POST /api/v1/partnership/actions/{public_id}/evidence/": {"file"},  # not empty, a type the hub accepts
    "POST /api/v1/partnership/escalations/": {
        "raising_agency", "raised_with_agency",  # the caller's own agency; another, existing agency
        "child", "theme",  # a child the caller may open, or a theme
        "category", "concern", "raised_on",  # not a conference's decision; not blank; not in the future
        "wanted", "raised_with_name",  # text without NUL characters
    },
    "POST /api/v1/partnership/escalations/{public_id}/responses/": {
        "non_field_errors",  # only the agency raised with answers, while it is open
        "agency", "response", "responded_on", "late_reason",  # the caller's; not blank; in the stage; late: why
    },
    "POST /api/v1/partnership/referrals/": {
        "referring_agency", "local_authority",  # the caller's own agency; an existing local authority
        "aware_on",  # not in the future
        *(f"children-{i}-{name}" for i in range(50) for name in ("nhs_number", "upn", "date_of_birth")),
        # check digits; a care leaver's date of birth given, and under 25
    },
}


def _police_review_action(*, la, police, health):
    """A learning review (triaged from a health referral) with one action owned by the police, due in a month."""
    from partnership import services as partnership_services
    from safeguarding.accounts.models import Role
    from tests.factories import make_user
    from tests.factories import partnership as pf

    bu, referrer = make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT), make_user(health, Role.PARTNER_PRACTITIONER)
    today = timezone.localdate()
    referral = pf.learning_review_referral(business_unit=bu, referrer=referrer, agency=health, la=la,
                                           aware_on=today - timedelta(days=3))
    review = pf.practice_review(business_unit=bu, referral=referral, decided_on=today)
    recommendation = partnership_services.recommendation_add(actor=bu, review=review, text="Share earlier")
    return partnership_services.action_add(actor=bu, recommendation=recommendation, description="Audit referrals",
                                           owner_agency=police, due_on=today + timedelta(days=30))


def store_document(conference, *, kind, copy, actor):
    """A published document with stand-in bytes (as tests/api/test_conferences_api.py does)."""
    content = f"%PDF-1.7 test {kind} {copy}".encode()
    return Document.objects.create(
        conference=conference, kind=kind, copy=copy, version=1, filename=f"T1-{kind}-v1-{copy}.pdf", content=content,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_by=actor)


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _config(auth: dict, headers: dict) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "auth": {"openapi": auth},  # by the schema's security schemes, so that ignored_auth can take it away
        "headers": headers,
        "generation": {"deterministic": True, "max-examples": FUZZ_EXAMPLES, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
        "checks": {"enabled": True},
    })


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _schema_valid_text(value) -> bool:
    return value is None or (isinstance(value, str) and "\x00" not in value and len(value) <= 14)


def _schema_valid_date(value) -> bool:
    if value is None:
        return True
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def _load(auth: dict, headers: dict, world, run):
    from safeguarding.wsgi import application

    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=_config(auth, headers))
    real = {
        "children": [str(c.public_id) for c in world.children],
        "conferences": [str(c.public_id) for c in world.conferences],
        "document_id": [str(d.public_id) for d in world.documents],
        "reviews": [str(r.public_id) for r in world.reviews],
        "review-decisions": [str(d.public_id) for d in world.decisions],
        "review-invitations": [str(i.public_id) for i in world.review_invitations],
        "partnership/requests": [str(r.public_id) for r in world.partnership_requests],
        "partnership/actions": [str(a.public_id) for a in world.partnership_actions],
        "partnership/escalations": [str(e.public_id) for e in world.escalations],
        "partnership/referrals": [str(r.public_id) for r in world.partnership_referrals],
    }

    @schema.hook
    def flatmap_path_parameters(ctx, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        path = ctx.operation.path
        options = [path_parameters]
        for name, value in path_parameters.items():
            if not _is_uuid(value):
                continue  # a malformed id stays malformed: the case is about it
            parts = path.split("/")  # "/api/v1/<kind>/...": a kind, or for two-level kinds "<kind>/<sub-kind>"
            kind = f"{parts[3]}/{parts[4]}" if f"{parts[3]}/{parts[4]}" in real else parts[3]
            ids = real["document_id"] if name == "document_id" else real.get(kind, [])
            options += [{**path_parameters, name: one} for one in ids]
        return st.sampled_from(options)

    @schema.hook
    def flatmap_body(ctx, body):
        """Some of the time, a new child gets the real local authority, and a plausible date of birth and no
        identifiers instead of random ones; a report is sent for the caller's own agency. Only values the schema
        accepts are replaced (a negative case stays negative)."""
        if not isinstance(body, dict):
            return st.just(body)
        options = [body]
        if _is_uuid(body.get("local_authority")):
            ours = {**body, "local_authority": str(world.la.public_id)}
            options.append(ours)
            if all(_schema_valid_text(body.get(name)) for name in ("nhs_number", "upn")) and all(
                    _schema_valid_date(body.get(name)) for name in ("date_of_birth", "expected_date_of_birth")):
                options.append({**ours, "nhs_number": "", "upn": "", "date_of_birth": "2015-06-01",
                                "expected_date_of_birth": None})
        if "summary" in body and _is_uuid(body.get("agency", uuid.UUID(int=0))):
            options.append({k: v for k, v in body.items() if k != "agency"})
        return st.sampled_from(options)

    @schema.hook
    def filter_failure(ctx, failure, case, response):
        """A schema-valid request refused with a 400 is dropped only when every field the 400 names is one of the
        operation's rules that a JSON schema cannot say (``RULES_BEYOND_THE_SCHEMA``); it is counted."""
        if isinstance(failure, RejectedPositiveData) and response.status_code == 400:
            fields = set(response.json()["error"]["fields"])
            if fields and fields <= RULES_BEYOND_THE_SCHEMA.get(f"{case.method} {case.operation.path}", set()):
                run.beyond_the_schema[f"{case.method} {case.operation.path} {sorted(fields)}"] += 1
                return False
        return True

    @schema.hook
    def after_call(ctx, case, response):
        run.cases[f"{case.method} {case.operation.path}"] += 1
        run.statuses[response.status_code] += 1

    return schema


@pytest.fixture(autouse=True)
def one_connection():
    """As Django's test client does: the WSGI handler must not close the database connection at each request
    (the test's transaction holds the world)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fast_enough(monkeypatch):
    """The client's rate limit (tests/api/test_throttle.py) would answer 429 to most of a run."""
    monkeypatch.setattr(ApiClientRateThrottle, "THROTTLE_RATES", {"api_client": "1000000/minute"})


@pytest.fixture
def run(request):
    """What one run did: the requests the application served under /api/ (the generated cases and the requests
    the checks make of their own), the cases by operation and their answers by status, and the schema-valid
    requests refused by a rule beyond the schema. The test must make its MIN_REQUESTS."""
    counts = SimpleNamespace(served=0, cases=Counter(), statuses=Counter(), beyond_the_schema=Counter())

    def served(sender, environ, **kwargs):
        if environ["PATH_INFO"].startswith("/api/") and environ["PATH_INFO"] != "/api/v1/schema/":
            counts.served += 1

    request_started.connect(served)
    yield counts
    request_started.disconnect(served)
    print(f"\nschemathesis: {counts.served} requests, {counts.cases.total()} generated cases; "
          f"cases by operation {dict(counts.cases)}; answers by status {sorted(counts.statuses.items())}; "
          f"refused by rules beyond the schema {dict(counts.beyond_the_schema)}")
    assert counts.served >= MIN_REQUESTS[request.node.originalname], counts


@pytest.fixture
def partner_schema(world, fast_enough, run):
    _client, token = api_client_create(agency=world.police, name="Police case system")
    pf.seat(_client.user, world.police, PartnershipSeat.Kind.AGENCY_LEAD)   # the police's lead (ADR 23)
    return _load({"agencyToken": {"bearer": token}}, {}, world, run)


@pytest.fixture
def staff_schema(world, run, client_for):
    session = client_for(world.social_worker).cookies["sessionid"].value
    return _load({"cookieAuth": {"api_key": session}}, {"X-CSRFToken": CSRF}, world, run)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32's fixture-loaded schemas read ``node._nodeid`` (to name each operation's subtest),
    which pytest 9 no longer sets: give it the node id."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


partner = schemathesis.pytest.from_fixture("partner_schema")
staff = schemathesis.pytest.from_fixture("staff_schema")


@partner.parametrize()
def test_the_api_keeps_its_schema_for_a_partner_agencys_client(case):
    case.call_and_validate()


@staff.parametrize()
def test_the_api_keeps_its_schema_for_staff_with_a_session(case):
    case.call_and_validate(cookies={"csrftoken": CSRF})



# --- stateful: sequences of calls along the links schemathesis infers (a created child, then read) -------------
def _stateful(schema, call_kwargs: dict):
    class Machine(schema.as_state_machine()):
        """Every sequence starts from the same world: the database is rolled back to a savepoint after each, so
        that the answers (and so the data drawn after them) are the same whenever a sequence is replayed."""

        def setup(self):
            super().setup()
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)
            super().teardown()

        def get_call_kwargs(self, case):
            return dict(call_kwargs)

    Machine.run(settings=hypothesis.settings(
        max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS, derandomize=True, deadline=None,
        database=None, suppress_health_check=list(hypothesis.HealthCheck)))


def test_sequences_of_calls_keep_the_schema_for_a_partner_agencys_client(partner_schema):
    _stateful(partner_schema, {})


def test_sequences_of_calls_keep_the_schema_for_staff_with_a_session(staff_schema):
    _stateful(staff_schema, {"cookies": {"csrftoken": CSRF}})
