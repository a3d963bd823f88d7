"""The permission matrix for ChildPolicy, both ways, plus restricted children and break-glass.

One world: a child held by Northmoor (``la``), allocated to Sam Worker in Assessment Team A, with an
open school involvement, an ended police involvement and an open GP involvement naming a professional.
Each row of a table says exactly which actions a person has; every other action must be refused.
"""

import datetime
import uuid
from dataclasses import dataclass, replace

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from cases import services
from cases.models import Child
from cases.policies import (
    FIND_BREAK_GLASS,
    FIND_MINIMAL,
    FIND_OPEN,
    FIND_RESTRICTED,
    SIGHTINGS,
    child_policy,
)
from safeguarding.access.context import AccessContext
from safeguarding.access.models import BreakGlass
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.accounts.services import api_client_create, user_deactivate
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    ClosedInvolvementFactory,
    HealthFactory,
    InvolvementFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    RestrictedChildFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("child_policy_matrix")]  # one world

ACTIONS = ("view", "find", "break_glass", "edit", "add_chronology", "view_access_log", "grant_access",
           "request_access")

NONE = frozenset()
READ = frozenset({"view", "find", "add_chronology"})  # a basis, no responsibility for the record
WORKER = READ | {"edit"}  # children's social care staff responsible for the child
MANAGER = WORKER | {"view_access_log", "grant_access"}
DETECT = frozenset({"find", "break_glass"})  # a basis, but the record is restricted and not opened
# a manager of a restricted record they are not named on: oversees who reads it, without opening it
OVERSEE = DETECT | {"view_access_log"}
# no basis, but they may record children for the child's authority: they find it (a minimal row, or a
# restricted notice) and may ask the holder for access; nothing else
REQUEST = frozenset({"request_access"})


def test_matrix_covers_every_policy_action():
    assert set(ACTIONS) == set(child_policy.actions)


@dataclass
class World:
    child: Child
    people: dict
    la: Agency
    other_la: Agency
    school: Agency
    team: Team
    other_team: Team

    def __getitem__(self, key):
        return self.people[key]


def _build_world() -> World:
    """The child and one person for each row of the matrix (the agencies, teams and people of the
    shared fixtures in tests/conftest.py, by the same names)."""
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    other_la = LocalAuthorityFactory(name="Southvale City Council")
    police, health = PoliceFactory(name="Northmoor Police"), HealthFactory(name="Northmoor NHS Trust")
    school = SchoolFactory(name="Oakfield Primary School")
    team = TeamFactory(agency=la, name="Assessment Team A")
    other_team = TeamFactory(agency=la, name="Child in Need Team B")
    social_worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker",
                              email="sam.worker@example.org")
    service_manager = make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service")
    administrator = make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin")
    gp = AgencyFactory(name="Moorside GP Practice", kind=AgencyKind.HEALTH)
    people = {
        "allocated social worker": social_worker,
        "team colleague": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        "social worker in another team": make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other"),
        "team manager of the allocated team": make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        "team manager elsewhere": make_user(
            la, Role.TEAM_MANAGER, team=other_team, full_name="Tim Elsewhere"
        ),
        "service manager of the child's LA": service_manager,
        "service manager of another LA": make_user(other_la, Role.SERVICE_MANAGER, full_name="Sol Elsewhere"),
        "conference chair": make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        "IRO": make_user(la, Role.IRO, full_name="Ira Reviewing"),
        "LADO officer": make_user(la, Role.LADO_OFFICER, full_name="Lee Lado"),
        "partnership business unit": make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT, full_name="Bea Business"),
        "administrator": administrator,
        "partner, agency has an open involvement": make_user(school, Role.PARTNER_PRACTITIONER,
                                                             full_name="Dee Safeguarding-Lead"),
        "administrator at the involved agency": make_user(school, Role.ADMINISTRATOR, full_name="Sal Office"),
        "partner, agency's involvement has ended": make_user(police, Role.PARTNER_PRACTITIONER,
                                                             full_name="Pat Police"),
        "partner, agency has no involvement": make_user(
            health, Role.PARTNER_PRACTITIONER, full_name="Hal Health"
        ),
        "named professional on an involvement": make_user(
            gp, Role.PARTNER_PRACTITIONER, full_name="Dr Gill Practice"
        ),
        "holder of an unexpired grant": make_user(
            la, Role.SOCIAL_WORKER, team=other_team, full_name="Gus Granted"
        ),
        "holder of an expired grant": make_user(
            la, Role.SOCIAL_WORKER, team=other_team, full_name="Ex Pired"
        ),
        "holder of a revoked grant": make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Rev Oked"),
        "deactivated user (was the allocated worker's colleague)": make_user(
            la, Role.SOCIAL_WORKER, team=team, full_name="Dee Activated"
        ),
        "API client of an involved agency": api_client_create(agency=school, name="School MIS")[0].user,
        "API client of an uninvolved agency": api_client_create(agency=health, name="Health EPR")[0].user,
    }
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    InvolvementFactory(child=child, agency=school)
    ClosedInvolvementFactory(child=child, agency=police)
    InvolvementFactory(
        child=child, agency=gp, role="GP", professional=people["named professional on an involvement"]
    )

    soon = timezone.now() + datetime.timedelta(days=7)
    services.child_access_grant(
        child=child,
        user=people["holder of an unexpired grant"],
        actor=service_manager,
        until=soon,
        reason="Covering a duty visit",
    )
    with freeze_time(timezone.now() - datetime.timedelta(days=30)):
        services.child_access_grant(
            child=child,
            user=people["holder of an expired grant"],
            actor=service_manager,
            until=timezone.now() + datetime.timedelta(days=1),
            reason="Covered a visit",
        )
    revoked = services.child_access_grant(
        child=child,
        user=people["holder of a revoked grant"],
        actor=service_manager,
        until=soon,
        reason="Covering a duty visit",
    )
    services.child_access_revoke(grant=revoked, actor=service_manager, reason="Visit cancelled")
    gone = "deactivated user (was the allocated worker's colleague)"
    user_deactivate(user=people[gone], actor=administrator, reason="Left the authority")
    people[gone] = User.objects.get(pk=people[gone].pk)  # as the next request would load them
    assert not people[gone].is_active
    return World(child=child, people=people, la=la, other_la=other_la, school=school, team=team,
                 other_team=other_team)


# Built once for the module (read-only for the matrix; a test that changes it does so in its own savepoint),
# the module's tests kept on one xdist worker so that it is built once per run.
world = shared_world(_build_world)


def assert_exactly(world, who, child, expected):
    ctx = AccessContext.for_user(world[who])
    got = {a for a in ACTIONS if child_policy.can(ctx, a, child)}
    listed = {a for a in ACTIONS if child_policy.visible(ctx, a).filter(pk=child.pk).exists()}
    assert got == set(expected), f"{who}: can() allowed {sorted(got)}, expected {sorted(expected)}"
    assert listed == got, f"{who}: visible() and can() disagree"


# fmt: off
UNRESTRICTED_MATRIX = [
    # who                                                        actions  can_create
    ("allocated social worker",                                  WORKER,  True),
    ("team colleague",                                           WORKER,  True),
    ("social worker in another team",                            REQUEST, True),
    ("team manager of the allocated team",                       MANAGER, True),
    ("team manager elsewhere",                                   REQUEST, True),
    ("service manager of the child's LA",                        MANAGER, True),
    ("service manager of another LA",                            NONE,    True),
    ("conference chair",                                         NONE,    False),
    ("IRO",                                                      NONE,    False),
    ("LADO officer",                                             REQUEST, False),
    ("partnership business unit",                                NONE,    False),
    ("administrator",                                            NONE,    False),
    ("partner, agency has an open involvement",                  READ,    False),
    ("administrator at the involved agency",                     NONE,    False),
    ("partner, agency's involvement has ended",                  NONE,    False),
    ("partner, agency has no involvement",                       NONE,    False),
    ("named professional on an involvement",                     READ,    False),
    ("holder of an unexpired grant",                             READ,    True),
    ("holder of an expired grant",                               REQUEST, True),
    ("holder of a revoked grant",                                REQUEST, True),
    ("deactivated user (was the allocated worker's colleague)",  NONE,    False),
    ("API client of an involved agency",                         READ,    True),
    ("API client of an uninvolved agency",                       NONE,    True),
]
# fmt: on


@pytest.mark.parametrize(
    ("who", "expected", "may_create"), UNRESTRICTED_MATRIX, ids=[r[0] for r in UNRESTRICTED_MATRIX]
)
def test_unrestricted_child_matrix(world, who, expected, may_create):
    assert_exactly(world, who, world.child, expected)
    assert child_policy.can_create(AccessContext.for_user(world[who])) is may_create


def test_matrix_names_every_person_in_the_world(world):
    assert {r[0] for r in UNRESTRICTED_MATRIX} == set(world.people)


# --- restricted children -----------------------------------------------------------------------


@pytest.fixture
def restricted(world):
    """The same child, restricted, with Sam Worker (allocated) and Lee Lado (no basis) named on it (in the
    test's savepoint, on a copy of the child: the module's world keeps its unrestricted child)."""
    child = Child.objects.get(pk=world.child.pk)
    services.child_set_restriction(
        child=child,
        actor=world["service manager of the child's LA"],
        restricted=True,
        named_people=[world["allocated social worker"], world["LADO officer"]],
        reason="The child of a member of staff",
    )
    child.refresh_from_db()
    return replace(world, child=child)


# fmt: off
RESTRICTED_MATRIX = [
    ("allocated social worker",                                  WORKER),  # named on it
    ("team colleague",                                           DETECT),
    ("social worker in another team",                            REQUEST),
    ("team manager of the allocated team",                       OVERSEE),
    ("team manager elsewhere",                                   REQUEST),
    ("service manager of the child's LA",                        OVERSEE),
    ("service manager of another LA",                            NONE),
    ("conference chair",                                         NONE),
    ("IRO",                                                      NONE),
    # Named on the restricted record: being named is itself the reason to see it (ADR 2).
    ("LADO officer",                                             READ),
    ("partnership business unit",                                NONE),
    ("administrator",                                            NONE),
    ("partner, agency has an open involvement",                  DETECT),
    ("administrator at the involved agency",                     NONE),
    ("partner, agency's involvement has ended",                  NONE),
    ("partner, agency has no involvement",                       NONE),
    ("named professional on an involvement",                     DETECT),
    ("holder of an unexpired grant",                             DETECT),
    ("holder of an expired grant",                               REQUEST),
    ("holder of a revoked grant",                                REQUEST),
    ("deactivated user (was the allocated worker's colleague)",  NONE),
    ("API client of an involved agency",                         DETECT),
    ("API client of an uninvolved agency",                       NONE),
]
# fmt: on


@pytest.mark.parametrize(("who", "expected"), RESTRICTED_MATRIX, ids=[r[0] for r in RESTRICTED_MATRIX])
def test_restricted_child_matrix(restricted, who, expected):
    assert_exactly(restricted, who, restricted.child, expected)


@pytest.mark.parametrize(
    ("who", "after"),
    [
        ("team colleague", WORKER),
        ("team manager of the allocated team", MANAGER),
        ("service manager of the child's LA", MANAGER),
        ("partner, agency has an open involvement", READ),
        ("holder of an unexpired grant", READ),
    ],
)
def test_breaking_the_glass_opens_the_record_until_the_time_box_ends(restricted, who, after):
    child, person = restricted.child, restricted[who]
    start = timezone.now()
    with freeze_time(start):
        services.child_break_glass(
            child=child, actor=person, reason="Police called about an incident tonight"
        )
        assert_exactly(restricted, who, child, after)
        bg = BreakGlass.objects.get(user=person, record_id=child.pk)
        assert bg.expires_at == start + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS)
    with freeze_time(bg.expires_at - datetime.timedelta(seconds=1)):
        assert child_policy.can(AccessContext.for_user(person), "view", child)
    with freeze_time(bg.expires_at + datetime.timedelta(seconds=1)):
        assert_exactly(restricted, who, child, OVERSEE if after == MANAGER else DETECT)


def test_an_expired_break_glass_row_gives_nothing(restricted):
    person, child = restricted["team colleague"], restricted.child
    services.child_break_glass(child=child, actor=person, reason="Police called about an incident tonight")
    BreakGlass.objects.filter(user=person).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not child_policy.can(AccessContext.for_user(person), "view", child)
    assert child_policy.can(AccessContext.for_user(person), "break_glass", child)


def test_one_persons_break_glass_does_not_open_the_record_for_anyone_else(restricted):
    child = restricted.child
    services.child_break_glass(
        child=child, actor=restricted["team colleague"], reason="Police called tonight"
    )
    assert not child_policy.can(
        AccessContext.for_user(restricted["team manager of the allocated team"]), "view", child
    )


@pytest.mark.parametrize(
    "who",
    [
        "social worker in another team",
        "service manager of another LA",
        "partner, agency's involvement has ended",
        "partner, agency has no involvement",
        "holder of a revoked grant",
        "conference chair",
    ],
)
def test_people_without_a_basis_cannot_find_break_the_glass_on_or_open_a_restricted_child(restricted, who):
    ctx = AccessContext.for_user(restricted[who])
    child = restricted.child
    for action in ("find", "break_glass", "view"):
        assert not child_policy.visible(ctx, action).filter(pk=child.pk).exists()
        with pytest.raises(Http404):
            child_policy.get_for(ctx, child.public_id, action)
    # Staff of the child's authority learn only that a restricted record matches (findable); anyone
    # else never learns that it exists.
    found = list(child_policy.findable(ctx).filter(pk=child.pk).values_list("finding", flat=True))
    entitled = who in ("social worker in another team", "holder of a revoked grant")
    assert found == ([FIND_RESTRICTED] if entitled else [])


def test_breaking_the_glass_is_logged_and_reported_to_the_las_service_managers(restricted):
    child, actor = restricted.child, restricted["team colleague"]
    la, service_manager = restricted.la, restricted["service manager of the child's LA"]
    second_sm = make_user(la, Role.SERVICE_MANAGER, Role.TEAM_MANAGER, full_name="Second Service")
    left_sm = make_user(la, Role.SERVICE_MANAGER, full_name="Left Service")
    Membership.objects.filter(user=left_sm).update(is_active=False)
    inactive_sm = make_user(la, Role.SERVICE_MANAGER, full_name="Inactive Service")
    inactive_sm.is_active = False
    inactive_sm.save()
    assert not Notification.objects.exists()

    bg = services.child_break_glass(
        child=child, actor=actor, reason="Police called about an incident tonight"
    )

    assert BreakGlass.objects.filter(user=actor, record_id=child.pk).count() == 1
    assert bg.reason == "Police called about an incident tonight"
    event = CaseEvent.objects.get(code="access.break_glass", subject_id=child.pk)
    assert event.actor == actor
    assert event.subject == child
    assert event.payload == {"reason": "Police called about an incident tonight"}
    notified = Notification.objects.order_by("recipient__full_name")
    assert notified.count() == 2
    assert {n.recipient for n in notified} == {service_manager, second_sm}
    for n in notified:
        assert actor.display_name in n.body
        assert child.local_child_id in n.body
        assert "Police called about an incident tonight" in n.body
        assert n.url == f"/children/{child.public_id}/access-log/"


def test_a_service_manager_breaking_the_glass_is_not_told_about_it_themselves(restricted):
    child, service_manager = restricted.child, restricted["service manager of the child's LA"]
    services.child_break_glass(
        child=child, actor=service_manager, reason="Complaint about the family received"
    )
    assert not Notification.objects.filter(recipient=service_manager).exists()


@pytest.mark.parametrize("reason", ["", "   ", "because", "too short"])
def test_break_glass_needs_a_real_reason_and_writes_nothing_without_one(restricted, reason):
    child, actor = restricted.child, restricted["team colleague"]
    with pytest.raises(ValidationError, match="at least 10 characters"):
        services.child_break_glass(child=child, actor=actor, reason=reason)
    assert not BreakGlass.objects.exists()
    assert not CaseEvent.objects.filter(code="access.break_glass").exists()
    assert not Notification.objects.exists()
    assert not child_policy.can(AccessContext.for_user(actor), "view", child)


def test_named_person_sees_without_breaking_the_glass_and_it_is_not_offered(restricted):
    ctx = AccessContext.for_user(restricted["allocated social worker"])
    assert child_policy.get_for(ctx, restricted.child.public_id) == restricted.child
    assert not child_policy.visible(ctx, "break_glass").exists()


def test_lifting_the_restriction_restores_ordinary_access(restricted):
    services.child_set_restriction(
        child=restricted.child,
        actor=restricted["service manager of the child's LA"],
        restricted=False,
        named_people=[],
        reason="Staff member has left",
    )
    assert_exactly(restricted, "team colleague", restricted.child, WORKER)


# --- get_for: one 404 for missing, forbidden and malformed -------------------------------------


def _http404_message(fn):
    with pytest.raises(Http404) as exc:
        fn()
    return str(exc.value)


@pytest.mark.parametrize("action", ACTIONS)
def test_get_for_raises_the_same_404_for_missing_forbidden_and_malformed(world, action):
    # the social worker in another team may ask for access (they find the child): for that action the
    # outsider is another authority's service manager
    who = "service manager of another LA" if action == "request_access" else "social worker in another team"
    outsider = AccessContext.for_user(world[who])
    child = world.child
    messages = {
        "missing": _http404_message(lambda: child_policy.get_for(outsider, uuid.uuid4(), action)),
        "forbidden": _http404_message(lambda: child_policy.get_for(outsider, child.public_id, action)),
        "forbidden as str": _http404_message(
            lambda: child_policy.get_for(outsider, str(child.public_id), action)
        ),
        "malformed": _http404_message(lambda: child_policy.get_for(outsider, "not-a-uuid", action)),
        "sql-ish": _http404_message(lambda: child_policy.get_for(outsider, "1' OR '1'='1", action)),
        "empty": _http404_message(lambda: child_policy.get_for(outsider, "", action)),
        "none": _http404_message(lambda: child_policy.get_for(outsider, None, action)),
        "internal pk": _http404_message(lambda: child_policy.get_for(outsider, child.pk, action)),
    }
    assert len(set(messages.values())) == 1, messages


def test_get_for_returns_the_child_to_someone_entitled(world):
    ctx = AccessContext.for_user(world["allocated social worker"])
    assert child_policy.get_for(ctx, world.child.public_id) == world.child
    assert child_policy.get_for(ctx, str(world.child.public_id).upper(), "edit") == world.child
    with pytest.raises(Http404):
        child_policy.get_for(ctx, world.child.public_id, "grant_access")


def test_get_for_with_a_shaped_queryset_still_applies_the_policy(world):
    outsider = AccessContext.for_user(world["social worker in another team"])
    with pytest.raises(Http404):
        child_policy.get_for(outsider, world.child.public_id, queryset=Child.objects.all())
    insider = AccessContext.for_user(world["allocated social worker"])
    assert child_policy.get_for(insider, world.child.public_id, queryset=Child.objects.filter(status="open"))
    with pytest.raises(Http404):
        child_policy.get_for(insider, world.child.public_id, queryset=Child.objects.filter(status="closed"))


def test_anonymous_context_sees_nothing(world):
    ctx = AccessContext.for_user(None)
    for action in ACTIONS:
        assert not child_policy.visible(ctx, action).exists()
        assert not child_policy.can(ctx, action, world.child)
    assert not child_policy.can_create(ctx)
    assert not child_policy.findable(ctx).exists()
    assert child_policy.authorities_for_create(ctx) == []
    assert not child_policy.can_create_for(ctx, world.child.local_authority)


# --- no duplicate rows when a person has several bases at once ---------------------------------


def test_visible_has_no_duplicate_rows_with_several_bases():
    # agencies of its own: the module's world (a child of Northmoor known to Oakfield school) is there too
    la = LocalAuthorityFactory(name="Eastfield Borough Council")
    team = TeamFactory(agency=la, name="Assessment Team A")
    school = SchoolFactory(name="Eastfield Academy")
    service_manager = make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service")
    many = make_user(
        la, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, team=team, full_name="Many Hats"
    )
    Membership.objects.create(user=many, agency=school, roles=[Role.PARTNER_PRACTITIONER])
    other_team = TeamFactory(agency=la, name="Second team")
    children = []
    for restricted in (False, True):
        factory = RestrictedChildFactory if restricted else ChildFactory
        kwargs = {"named": [many]} if restricted else {}
        child = factory(local_authority=la, allocated_social_worker=many, allocated_team=team, **kwargs)
        InvolvementFactory(child=child, agency=school, professional=many)
        InvolvementFactory(child=child, agency=school, professional=many, role="Class teacher")
        services.child_access_grant(
            child=child,
            user=many,
            actor=service_manager,
            until=timezone.now() + datetime.timedelta(days=1),
            reason="Belt and braces",
        )
        services.child_break_glass(child=child, actor=many, reason="Checking the duplicate-row behaviour")
        services.child_break_glass(
            child=child, actor=many, reason="Checking the duplicate-row behaviour again"
        )
        children.append(child)
    ChildFactory(local_authority=la, allocated_team=other_team)  # in the LA: the service manager's basis

    ctx = AccessContext.for_user(many)
    for action in ACTIONS:
        rows = list(child_policy.visible(ctx, action).values_list("pk", flat=True))
        assert len(rows) == len(set(rows)), f"{action}: duplicate rows {rows}"
    assert child_policy.visible(ctx, "view").count() == 3
    assert child_policy.visible(ctx, "find").count() == 3
    for child in children:
        assert child_policy.get_for(ctx, child.public_id) == child  # .get() would raise on duplicates


# --- finding is not opening: findable(), both ways ------------------------------------------------------

# who -> what they find of the child: (unrestricted, restricted); None: not found at all.
# fmt: off
FINDING = {
    "allocated social worker":                                  (FIND_OPEN,    FIND_OPEN),  # named on it
    "team colleague":                                           (FIND_OPEN,    FIND_BREAK_GLASS),
    "social worker in another team":                            (FIND_MINIMAL, FIND_RESTRICTED),
    "team manager of the allocated team":                       (FIND_OPEN,    FIND_BREAK_GLASS),
    "team manager elsewhere":                                   (FIND_MINIMAL, FIND_RESTRICTED),
    "service manager of the child's LA":                        (FIND_OPEN,    FIND_BREAK_GLASS),
    "service manager of another LA":                            (None,         None),
    "conference chair":                                         (None,         None),
    "IRO":                                                      (None,         None),
    # the LADO team finds its authority's children, to match a referral's children (ADR 19)
    "LADO officer":                                             (FIND_MINIMAL, FIND_OPEN),  # named on it
    "partnership business unit":                                (None,         None),
    "administrator":                                            (None,         None),
    "partner, agency has an open involvement":                  (FIND_OPEN,    FIND_BREAK_GLASS),
    "administrator at the involved agency":                     (None,         None),
    "partner, agency's involvement has ended":                  (None,         None),
    "partner, agency has no involvement":                       (None,         None),
    "named professional on an involvement":                     (FIND_OPEN,    FIND_BREAK_GLASS),
    "holder of an unexpired grant":                             (FIND_OPEN,    FIND_BREAK_GLASS),
    "holder of an expired grant":                               (FIND_MINIMAL, FIND_RESTRICTED),
    "holder of a revoked grant":                                (FIND_MINIMAL, FIND_RESTRICTED),
    "deactivated user (was the allocated worker's colleague)":  (None,         None),
    # an agency's system may record a child for any authority, but finds only its agency's children
    "API client of an involved agency":                         (FIND_OPEN,    FIND_BREAK_GLASS),
    "API client of an uninvolved agency":                       (None,         None),
}
# fmt: on


def test_the_finding_table_names_every_person_in_the_world(world):
    assert set(FINDING) == set(world.people)


def found(world, who, child):
    rows = list(child_policy.findable(AccessContext.for_user(world[who])).filter(pk=child.pk)
                .values_list("finding", flat=True))
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


@pytest.mark.parametrize("who", list(FINDING))
def test_what_each_person_finds_of_an_unrestricted_child(world, who):
    assert found(world, who, world.child) == FINDING[who][0]
    # asking for access is for exactly those who find a minimal row or a restricted notice
    assert child_policy.can(AccessContext.for_user(world[who]), "request_access", world.child) is (
        FINDING[who][0] in SIGHTINGS)


@pytest.mark.parametrize("who", list(FINDING))
def test_what_each_person_finds_of_a_restricted_child(restricted, who):
    assert found(restricted, who, restricted.child) == FINDING[who][1]
    assert child_policy.can(AccessContext.for_user(restricted[who]), "request_access", restricted.child) is (
        FINDING[who][1] in SIGHTINGS)


def test_findable_reaches_every_child_of_the_authority_for_its_staff_and_none_of_another(world):
    la, other_la, other_team = world.la, world.other_la, world.other_team
    theirs = ChildFactory(local_authority=la, allocated_team=other_team)
    unallocated = ChildFactory(local_authority=la)
    elsewhere = ChildFactory(local_authority=other_la)
    ctx = AccessContext.for_user(world["allocated social worker"])
    findings = dict(child_policy.findable(ctx).values_list("pk", "finding"))
    assert findings == {world.child.pk: FIND_OPEN, theirs.pk: FIND_MINIMAL, unallocated.pk: FIND_MINIMAL}
    assert elsewhere.pk not in findings
    # and opening still needs a basis
    assert not child_policy.visible(ctx, "view").filter(pk__in=[theirs.pk, unallocated.pk]).exists()


# --- recording a child: for which authority, both ways ------------------------------------------------

# who -> the authorities they may record a child for ("la", "other_la"); the rest may record for none
# fmt: off
CREATE_FOR = {
    "allocated social worker":                                  {"la"},
    "team colleague":                                           {"la"},
    "social worker in another team":                            {"la"},
    "team manager of the allocated team":                       {"la"},
    "team manager elsewhere":                                   {"la"},
    "service manager of the child's LA":                        {"la"},
    "service manager of another LA":                            {"other_la"},
    "holder of an unexpired grant":                             {"la"},
    "holder of an expired grant":                               {"la"},
    "holder of a revoked grant":                                {"la"},
    # what the API allows an agency's system: any active local authority
    "API client of an involved agency":                         {"la", "other_la"},
    "API client of an uninvolved agency":                       {"la", "other_la"},
}
# fmt: on


@pytest.mark.parametrize("who", list(FINDING))
def test_which_authorities_each_person_may_record_a_child_for(world, who):
    la, other_la, school = world.la, world.other_la, world.school
    ctx = AccessContext.for_user(world[who])
    expected = CREATE_FOR.get(who, set())
    authorities = {"la": la, "other_la": other_la}
    for name, authority in authorities.items():
        assert child_policy.can_create_for(ctx, authority) is (name in expected), f"{who} for {name}"
    assert {a.pk for a in child_policy.authorities_for_create(ctx)} == {authorities[n].pk for n in expected}
    assert child_policy.can_create(ctx) is bool(expected)
    # an agency that is not a local authority never holds a child's record
    assert not child_policy.can_create_for(ctx, school)
    assert not child_policy.can_create_for(ctx, None)


def test_nobody_records_a_child_for_a_closed_authority(world):
    la = Agency.objects.get(pk=world.la.pk)  # a copy: the module's world keeps its open authority
    type(la).objects.filter(pk=la.pk).update(is_active=False)
    la.refresh_from_db()
    for who in ("allocated social worker", "API client of an involved agency"):
        ctx = AccessContext.for_user(world[who])
        assert not child_policy.can_create_for(ctx, la)
        assert la not in child_policy.authorities_for_create(ctx)


def test_a_person_in_two_authorities_may_record_for_both_in_name_order(world):
    la, other_la, team = world.la, world.other_la, world.team
    both = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Bo Both")
    Membership.objects.create(user=both, agency=other_la, roles=[Role.TEAM_MANAGER])
    ctx = AccessContext.for_user(both)
    assert child_policy.authorities_for_create(ctx) == sorted([la, other_la], key=lambda a: a.name)
    assert child_policy.can_create_for(ctx, la) and child_policy.can_create_for(ctx, other_la)
