"""The escalation register's permission matrix (issue 12, section 4; ADR 25), both ways, and its pages with
statement counts. Kept beside ``test_policy_matrix.py`` (same pattern, its own world) so that the partnership's
parallel branches do not edit one world.

Every kind of person against every action: ``can``, ``visible`` and ``get_for`` agree; the extra questions
answer both ways; a page refused looks exactly like a missing one."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from partnership import services
from partnership.policies import escalation_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import (
    ChildFactory,
    HealthFactory,
    InvolvementFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    make_user,
)
from tests.factories import partnership as pf
from tests.factories.worlds import shared_world

pytestmark = pytest.mark.xdist_group("partnership_escalation_matrix")


def build():
    """A difference at stage 1 (police with the local authority, about a child), one at arbitration (a school
    with health, about a theme), a chair's routed escalation and a closed difference."""
    la, police = LocalAuthorityFactory(name="Northmoor"), PoliceFactory(name="Northmoor Police")
    health, school = HealthFactory(name="Northmoor Health"), SchoolFactory(name="Oak School")
    p = {
        "business unit": make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT),
        "police officer": make_user(police, Role.PARTNER_PRACTITIONER),
        "social worker": make_user(la, Role.SOCIAL_WORKER),
        "conference chair": make_user(la, Role.CONFERENCE_CHAIR),
        "health delegate": make_user(health, Role.PARTNER_PRACTITIONER),
        "health nurse": make_user(health, Role.PARTNER_PRACTITIONER),
        "school teacher": make_user(school, Role.PARTNER_PRACTITIONER),
        "police system": make_user(police, Role.API_CLIENT),
    }
    pf.seat(p["health delegate"], health)
    child = ChildFactory(legal_first_names="Mia", legal_surname="O'Stone", local_authority=la)
    InvolvementFactory(child=child, agency=police, role="Investigating officer")
    stage1 = pf.escalation(raiser=p["police officer"], raising_agency=police, raised_with_agency=la, child=child)
    arbitration = pf.escalation(raiser=p["school teacher"], raising_agency=school, raised_with_agency=health,
                                theme="School nursing cover")
    for _ in range(3):
        arbitration = services.escalation_move_on(actor=p["school teacher"], escalation=arbitration,
                                                  reason="Not resolved")
    routed = services.escalation_record_from_route(
        actor=p["conference chair"], route="midway_audit", source_id=child.public_id, child=child,
        raised_on=timezone.localdate(), category="plan_progress", concern="Drift", raising_agency=la,
        raised_with_agency=la, stage_label="Raised by the chair")
    closed = pf.escalation(raiser=p["police officer"], raising_agency=police, raised_with_agency=health,
                           theme="Missing health assessments")
    services.escalation_close(actor=p["police officer"], escalation=closed, outcome="withdrawn", note="Sorted")
    return SimpleNamespace(people=p, la=la, police=police, health=health, school=school, child=child,
                           stage1=stage1, arbitration=arbitration, routed=routed, closed=closed)


world = shared_world(build)
PEOPLE = ["business unit", "police officer", "social worker", "conference chair", "health delegate",
          "health nurse", "school teacher", "police system"]
BU = "business unit"
LA_PEOPLE = {BU, "social worker", "conference chair"}
MATRIX = [
    ("view", "stage1", {*LA_PEOPLE, "police officer"}),   # not the police's system: it did not raise it
    ("respond", "stage1", LA_PEOPLE),
    ("manage", "stage1", {BU, "police officer"}),
    ("request_meeting", "stage1", {*LA_PEOPLE, "police officer"}),
    ("view", "arbitration", {BU, "school teacher", "health nurse", "health delegate"}),
    ("respond", "arbitration", {"health delegate"}),
    ("manage", "arbitration", {BU, "school teacher"}),
    ("request_meeting", "arbitration", {BU, "health nurse", "health delegate"}),
    ("view", "routed", {BU, "conference chair"}),
    ("respond", "routed", set()),
    ("manage", "routed", set()),
    ("request_meeting", "routed", set()),
    ("view", "closed", {BU, "police officer", "health nurse", "health delegate"}),
    ("respond", "closed", set()),
    ("manage", "closed", set()),
    ("request_meeting", "closed", set()),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("action", "record", "allowed"), MATRIX, ids=[f"{a}-{r}" for a, r, _ in MATRIX])
def test_can_visible_and_get_for_agree(world, db, who, action, record, allowed):
    ctx = AccessContext.for_user(world.people[who])
    obj = getattr(world, record)
    expected = who in allowed
    assert escalation_policy.can(ctx, action, obj) is expected
    assert escalation_policy.visible(ctx, action).filter(pk=obj.pk).exists() is expected
    if expected:
        assert escalation_policy.get_for(ctx, obj.public_id, action) == obj
    else:
        with pytest.raises(Http404):
            escalation_policy.get_for(ctx, obj.public_id, action)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_extra_questions_both_ways(world, db, who):
    ctx = AccessContext.for_user(world.people[who])
    assert escalation_policy.can_raise(ctx)   # everyone here works in an agency
    assert escalation_policy.raising_agencies_for(ctx) == ctx.agency_ids
    assert escalation_policy.sees_register(ctx) is (who == BU)
    statutory = {"school teacher": set(), "health delegate": {world.health.pk}, "health nurse": {world.health.pk},
                 "police officer": {world.police.pk}, "police system": {world.police.pk}}
    assert escalation_policy.meeting_agencies_for(ctx) == statutory.get(who, {world.la.pk})
    assert escalation_policy.respond_agencies_for(ctx, world.stage1) == ({world.la.pk} if who in LA_PEOPLE
                                                                         else set())
    assert escalation_policy.respond_agencies_for(ctx, world.arbitration) == (
        {world.health.pk} if who == "health delegate" else set())


def test_anonymous_reaches_nothing(world, db):
    ctx = AccessContext(user=None)
    assert not escalation_policy.can_raise(ctx) and not escalation_policy.sees_register(ctx)
    assert not escalation_policy.visible(ctx).exists()


def _stable(resp) -> str:
    return re.sub(r'(nonce|value|content)="[^"]*"', "", resp.content.decode())


# --- pages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [(BU, 200), ("health delegate", 404), ("police officer", 404)])
def test_the_register_is_the_business_units(world, db, client_for, who, status):
    response = client_for(world.people[who]).get("/partnership/escalations/register/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        for name in ("stage1", "arbitration", "routed", "closed"):   # every escalation, whatever its route
            assert f'href="/partnership/escalations/{getattr(world, name).public_id}/"' in body
        assert "4 escalations: 3 open, 0 overdue." in body


def test_the_register_filters(world, db, client_for):
    client = client_for(world.people[BU])

    def shown(query):
        body = client.get(f"/partnership/escalations/register/?{query}").content.decode()
        return {name for name in ("stage1", "arbitration", "routed", "closed")
                if f"/partnership/escalations/{getattr(world, name).public_id}/" in body}

    assert shown("route=midway_audit") == {"routed"}
    assert shown("status=arbitration") == {"arbitration"}
    assert shown("status=closed") == {"closed"}
    assert shown("stage=escalation_practitioners") == {"stage1"}
    assert shown(f"agency={world.health.public_id}") == {"arbitration", "closed"}
    assert shown("category=plan_progress") == {"routed"}
    quarter = timezone.localdate()
    assert shown(f"quarter={quarter.year}-Q{(quarter.month - 1) // 3 + 1}") == {"stage1", "arbitration", "routed",
                                                                               "closed"}
    assert shown("quarter=1999-Q1") == set()
    assert shown("agency=not-an-id&status=nonsense") == set()


def test_the_register_reads_in_a_fixed_number_of_statements(world, db, client_for):
    client = client_for(world.people[BU])
    client.get("/partnership/escalations/register/")
    with CaptureQueriesContext(connection) as four:
        client.get("/partnership/escalations/register/")
    pf.escalation(raiser=world.people["police officer"], raising_agency=world.police, raised_with_agency=world.la,
                  theme="Thresholds at the front door", category="threshold")
    pf.escalation(raiser=world.people["school teacher"], raising_agency=world.school,
                  raised_with_agency=world.police, theme="Attendance at strategy meetings", category="attendance")
    with CaptureQueriesContext(connection) as six:
        body = client.get("/partnership/escalations/register/").content.decode()
    assert "6 escalations" in body, re.findall(r"\d+ escalations?:[^<]*", body)
    assert len(six) == len(four) <= 16, [q["sql"] for q in six.captured_queries]


def test_a_practitioners_escalations_and_the_child_named_only_to_who_may_open_it(world, db, client_for):
    officer = client_for(world.people["police officer"]).get("/partnership/escalations/").content.decode()
    assert f"/partnership/escalations/{world.stage1.public_id}/" in officer and escape("Mia O'Stone") in officer
    nurse = client_for(world.people["health nurse"]).get("/partnership/escalations/").content.decode()
    assert f"/partnership/escalations/{world.arbitration.public_id}/" in nurse
    assert f"/partnership/escalations/{world.stage1.public_id}/" not in nurse
    delegate = client_for(world.people["health delegate"]).get(
        f"/partnership/escalations/{world.arbitration.public_id}/").content.decode()
    assert "Record the partners' arbitration" in delegate and "School nursing cover" in delegate


@pytest.mark.parametrize("who", ["health nurse", "school teacher"])
def test_an_escalation_page_refused_looks_missing(world, db, client_for, who):
    client = client_for(world.people[who])
    forbidden = client.get(f"/partnership/escalations/{world.stage1.public_id}/")
    missing = client.get("/partnership/escalations/00000000-0000-0000-0000-000000000000/")
    assert forbidden.status_code == missing.status_code == 404
    assert _stable(forbidden) == _stable(missing)
    assert client.get(f"/partnership/escalations/{world.stage1.public_id}/respond/").status_code == 404
