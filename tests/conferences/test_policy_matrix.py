"""The permission matrix for the conference policies, both ways (issue 4, section 6).

One world, built through the real services: two children of Northmoor, allocated to Sam Worker in
Assessment Team A, each with a mother, an open police involvement (naming Pat Police), an open health
involvement (naming Hana Health, who is *not* invited) and an open school involvement (no named account:
the school is invited as an agency). The second child is restricted (once the agencies' reports are in),
with Sam Worker and Tess Manager named on the record. For each child:

- an initial conference chaired by Chris Chair with Min Taker (an administrator) taking minutes,
  invitations to the mother, Sam Worker, the police officer, the school and a family support worker of
  another team invited by her own account; reports from the police, the school and the local authority
  (the social work report); held and decided with a plan whose core group is Sam Worker and Pat Police;
  the minutes published (a professional and a family copy) and sent to the police (professional copy)
  and the mother (family copy), not to the school;
- a review conference booked with Abe Able (another chair) and then cancelled.

Each table says exactly what each person may do with each record; every other action must be refused,
``can`` and ``visible`` must agree on every cell, and ``get_for`` must return the record when allowed
and raise the same Http404 as for a missing record when not.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from cases import services as cases_services
from cases.models import Child, Involvement, Relationship, RelationshipKind
from cases.policies import child_policy
from conferences import selectors, services
from conferences.models import (
    AgencyReport,
    ChildInNeedReview,
    ChildProtectionPlan,
    Conference,
    Document,
    Invitation,
    Minutes,
)
from conferences.policies import (
    cin_review_policy,
    conference_policy,
    document_policy,
    invitation_policy,
    plan_policy,
    report_policy,
)
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, Membership, Role
from safeguarding.accounts.services import api_client_create
from tests.conferences import story
from tests.factories import (
    AdultFactory,
    ChildFactory,
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("conference_policy_matrix")]  # one world

CONF_ACTIONS = ("view", "list_service", "schedule", "record", "decide", "report", "distribute", "request")
REPORT_ACTIONS = ("view", "share")
INVITATION_ACTIONS = ("view",)
DOC_ACTIONS = ("view",)
PLAN_ACTIONS = ("view", "update", "audit")
CIN_ACTIONS = ("view", "schedule", "record")


def test_the_tables_cover_every_policy_action():
    assert set(CONF_ACTIONS) == set(conference_policy.actions)
    assert set(REPORT_ACTIONS) == set(report_policy.actions)
    assert set(INVITATION_ACTIONS) == set(invitation_policy.actions)
    assert set(DOC_ACTIONS) == set(document_policy.actions)
    assert set(PLAN_ACTIONS) == set(plan_policy.actions)
    assert set(CIN_ACTIONS) == set(cin_review_policy.actions)


@dataclass
class World:
    people: dict
    children: dict[bool, Child]  # keyed by "restricted"
    conferences: dict[bool, Conference]
    reviews: dict[bool, Conference]  # the cancelled reviews
    reports: dict[bool, dict[str, AgencyReport]]
    invitations: dict[bool, dict[str, Invitation]]
    documents: dict[bool, dict[str, Document]]
    plans: dict[bool, ChildProtectionPlan]
    la: Agency
    other_la: Agency
    cin_reviews: dict[bool, ChildInNeedReview]  # after a review conference ended each plan (Chris Chair's)

    def __getitem__(self, who):
        return self.people[who]


def _publish(conference: Conference, actor) -> dict[str, Document]:
    """Sign the draft minutes: minutes_sign renders and stores a professional and a family copy."""
    services.minutes_sign(actor=actor, minutes=Minutes.objects.get(conference=conference))
    return {d.copy: d for d in Document.objects.filter(conference=conference, kind="minutes")}


def _build(*, restricted, people, la, team, police, health, school):
    sw, chair, officer = people["allocated social worker"], people["the chair"], people["invited police officer"]
    # aged 7: too young to be proposed as an invitee, so the invitations are the same on every run
    child = ChildFactory(local_authority=la, allocated_social_worker=sw, allocated_team=team,
                         date_of_birth=date(2018, 9, 1))
    mother = AdultFactory(first_names="Mary", email=f"mary{int(restricted)}@example.org")
    Relationship.objects.create(child=child, adult=mother, kind=RelationshipKind.MOTHER, parental_responsibility=True)
    Involvement.objects.create(child=child, agency=police, professional=officer, role="Public protection officer",
                               start_date=date(2020, 1, 1))
    uninvited = Involvement.objects.create(child=child, agency=health, role="Health visitor",
                                           professional=people["uninvited health practitioner"],
                                           start_date=date(2020, 1, 1))
    Involvement.objects.create(child=child, agency=school, role="Designated safeguarding lead",
                               professional_name="Ms Lead", start_date=date(2020, 1, 1))

    conf = story.request_icpc(child=child, social_worker=sw, strategy_discussion_date=date(2026, 3, 2))
    for p in selectors.invitees_proposed(conference=conf):
        if p.involvement_id == uninvited.pk:
            continue
        services.invitation_add(actor=chair, conference=conf, kind=p.kind, name=p.name, role=p.role, email=p.email,
                                adult_id=p.adult_id, involvement_id=p.involvement_id, user_id=p.user_id,
                                agency_id=p.agency_id)
    fsw = people["family support worker invited by her own account"]
    services.invitation_add(actor=chair, conference=conf, kind="professional", name=fsw.full_name,
                            role="Family support worker", agency_id=la.pk, user_id=fsw.pk)
    hour = 14 if restricted else 10
    services.conference_schedule(actor=people["administrator"], conference=conf, chair=chair,
                                 starts_at=story.at(date(2026, 3, 20), hour),
                                 ends_at=story.at(date(2026, 3, 20), hour + 2), venue="Civic Centre",
                                 minute_taker=people["the minute-taker"])
    reports = {
        "police": services.report_submit(actor=officer, conference=conf, agency=police, summary="Call-outs"),
        "school": services.report_submit(actor=people["school DSL (agency invited)"], conference=conf, agency=school,
                                         summary="Attendance"),
        "social work": services.report_submit(actor=sw, conference=conf, agency=la, summary="Assessment"),
    }
    if restricted:  # restricted once the reports were in: the invited agencies no longer see the child
        cases_services.child_set_restriction(child=child, actor=people["service manager"], restricted=True,
                                             named_people=[sw, people["team manager"]],
                                             reason="A member of staff's child")
        conf = Conference.objects.get(pk=conf.pk)
    return conf, reports


def _decide(conf, *, people, police):
    chair, sw, officer = people["the chair"], people["allocated social worker"], people["invited police officer"]
    conf = services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 20),
                                    quorum_override_reason="Testing")
    services.conference_decide(
        actor=chair, conference=conf, outcome="plan", category="NEG", lead_social_worker=sw,
        core_group=[services.MemberInput(name=sw.full_name, role="Lead social worker", user_id=sw.pk),
                    services.MemberInput(name=officer.full_name, role="Police", user_id=officer.pk,
                                         agency_id=police.pk)],
        actions=[services.ActionInput(description="Weekly visits", owner_name="Lead social worker",
                                      due_date=date(2026, 4, 17))])
    conf = Conference.objects.get(pk=conf.pk)
    docs = _publish(conf, chair)
    sent_to = [Invitation.objects.get(conference=conf, user=officer),
               Invitation.objects.get(conference=conf, kind="parent")]
    services.documents_distribute(actor=chair, conference=conf, kind="minutes", invitations=sent_to,
                                  method="secure_email")
    return conf, docs


def _make_world() -> World:
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    other_la = LocalAuthorityFactory(name="Southvale City Council")
    police, health = PoliceFactory(name="Northmoor Police"), HealthFactory(name="Northmoor NHS Trust")
    school = SchoolFactory(name="Oakfield Primary School")
    team = TeamFactory(agency=la, name="Assessment Team A")
    other_team = TeamFactory(agency=la, name="Child in Need Team B")
    social_worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker")
    chair = make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair")
    people = {
        "the chair": chair,
        "another chair of the same LA": make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able"),
        "a chair of another LA": make_user(other_la, Role.CONFERENCE_CHAIR, full_name="Olga Southvale"),
        "the minute-taker": make_user(la, Role.ADMINISTRATOR, full_name="Min Taker"),
        "administrator": make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin"),
        "allocated social worker": social_worker,
        "colleague in the team": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        "social worker of another team": make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other"),
        "social worker of another team with an access grant": make_user(la, Role.SOCIAL_WORKER, team=other_team,
                                                                        full_name="Gus Granted"),
        "family support worker invited by her own account": make_user(la, Role.SOCIAL_WORKER, team=other_team,
                                                                      full_name="Fay Support"),
        "team manager": make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        "service manager": make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service"),
        "another LA's service manager": make_user(other_la, Role.SERVICE_MANAGER, full_name="Sol Elsewhere"),
        "invited police officer": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        "another officer of the invited police force": make_user(police, Role.PARTNER_PRACTITIONER,
                                                                 full_name="Pete Constable"),
        "uninvited health practitioner": make_user(health, Role.PARTNER_PRACTITIONER, full_name="Hana Health"),
        "school DSL (agency invited)": make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dee Lead"),
        "API client of an invited agency": api_client_create(agency=school, name="School MIS")[0].user,
        "IRO": make_user(la, Role.IRO, full_name="Ira Reviewing"),
        "LADO": make_user(la, Role.LADO_OFFICER, full_name="Lee Lado"),
        "anonymous": AnonymousUser(),
    }
    conferences, reviews, reports, documents, plans, children, invitations = {}, {}, {}, {}, {}, {}, {}
    with freeze_time("2026-03-16 09:00"):
        for restricted in (False, True):
            conferences[restricted], reports[restricted] = _build(
                restricted=restricted, people=people, la=la, team=team, police=police, health=health, school=school)
    with freeze_time("2026-03-20 17:00"):
        for restricted in (False, True):
            conf, documents[restricted] = _decide(conferences[restricted], people=people, police=police)
            conferences[restricted], plans[restricted], children[restricted] = conf, conf.plan, conf.child
            review = services.conference_request(actor=social_worker, child=conf.child, kind="review")
            services.conference_schedule(
                actor=chair, conference=review, chair=people["another chair of the same LA"],
                starts_at=story.at(date(2026, 6, 1), 10 + 3 * restricted),
                ends_at=story.at(date(2026, 6, 1), 12 + 3 * restricted), venue="Civic Centre")
            reviews[restricted] = services.conference_cancel(actor=chair, conference=review, reason="Chair unwell")
    cin_reviews = {}
    for restricted in (False, True):  # a review conference ends each plan, stepping down to a child in need plan
        with freeze_time("2026-03-23 09:00"):
            ending = services.conference_request(actor=social_worker, child=children[restricted], kind="review")
            story.book(conference=ending, chair=chair, actor=chair, day=date(2026, 4, 10), hour=10 + 3 * restricted)
        with freeze_time("2026-04-10 17:00"):
            services.conference_hold(actor=chair, conference=ending, held_on=date(2026, 4, 10),
                                     quorum_override_reason="Testing")
            services.conference_decide(actor=chair, conference=ending, outcome="end", end_reason="harm_reduced",
                                       next_step="cin_plan")
        cin_reviews[restricted] = ChildInNeedReview.objects.get(plan=plans[restricted])
    # a time-limited grant to read both children's records (from now: the tests run at today's date)
    for child in children.values():
        cases_services.child_access_grant(
            child=child, user=people["social worker of another team with an access grant"],
            actor=people["service manager"], until=timezone.now() + timedelta(days=7), reason="Covering a duty visit")
    for restricted, conf in conferences.items():
        invitations[restricted] = {_invitation_label(i, people): i for i in Invitation.objects.filter(conference=conf)}
    assert children[True].restricted and not children[False].restricted
    return World(people=people, children=children, conferences=conferences, reviews=reviews, reports=reports,
                 invitations=invitations, documents=documents, plans=plans, la=la, other_la=other_la,
                 cin_reviews=cin_reviews)


def _invitation_label(invitation: Invitation, people) -> str:
    if invitation.kind == "parent":
        return "mother"
    by_user = {people["allocated social worker"].pk: "social worker", people["invited police officer"].pk: "police",
               people["family support worker invited by her own account"].pk: "family support worker"}
    if invitation.user_id in by_user:
        return by_user[invitation.user_id]
    assert invitation.agency.name == "Oakfield Primary School"
    return "school"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test runs in
    its own savepoint (pytest-django's ``db``), so a test that changes something changes it for itself."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _make_world()
        transaction.set_rollback(True)


# --- the tables ---------------------------------------------------------------------------------------
# fmt: off
NONE = frozenset()
CHAIR = frozenset({"view", "list_service", "schedule", "distribute", "record", "decide"})
SERVICE = frozenset({"view", "list_service", "schedule", "distribute"})
CASE_STAFF = frozenset({"view", "report", "request"})
INVITED = frozenset({"view", "report"})
# invited by her own account as a professional of the child's local authority: she sees the conference
# but does not write the local authority's report (the social work report, written by case staff)
INVITED_OF_THE_LA = frozenset({"view"})

# conference_policy: person -> actions, for the unrestricted and the restricted child
CONFERENCE = {
    #                                                    unrestricted               restricted
    "the chair":                                        (CHAIR,                    CHAIR),
    "another chair of the same LA":                     (SERVICE,                  NONE),
    "a chair of another LA":                            (NONE,                     NONE),
    "the minute-taker":                                 (SERVICE | {"record"},     {"view", "record"}),
    "administrator":                                    (SERVICE,                  NONE),
    "allocated social worker":                          (CASE_STAFF,               CASE_STAFF),
    "colleague in the team":                            (CASE_STAFF,               NONE),
    "social worker of another team":                    (NONE,                     NONE),
    # may read the child's record (a grant) but is not responsible for it
    "social worker of another team with an access grant": (NONE,                   NONE),
    "family support worker invited by her own account": (INVITED_OF_THE_LA,        NONE),
    "team manager":                                     (CASE_STAFF,               CASE_STAFF),
    "service manager":                                  (CASE_STAFF,               NONE),
    "another LA's service manager":                     (NONE,                     NONE),
    "invited police officer":                           (INVITED,                  NONE),
    "another officer of the invited police force":      (INVITED,                  NONE),
    "uninvited health practitioner":                    (NONE,                     NONE),
    "school DSL (agency invited)":                      (INVITED,                  NONE),
    "API client of an invited agency":                  (INVITED,                  NONE),
    "IRO":                                              (NONE,                     NONE),
    "LADO":                                             (NONE,                     NONE),
    "anonymous":                                        (NONE,                     NONE),
}

ALL3 = frozenset({"police", "school", "social work"})
# report_policy: person -> ({report: actions} unrestricted, {report: actions} restricted)
_ALL_VIEW_SW_SHARE = {"police": {"view"}, "school": {"view"}, "social work": {"view", "share"}}
_ALL_VIEW = {"police": {"view"}, "school": {"view"}, "social work": {"view"}}
REPORTS = {
    "the chair":                                        (_ALL_VIEW_SW_SHARE,       _ALL_VIEW_SW_SHARE),
    "another chair of the same LA":                     (_ALL_VIEW,                {}),
    "a chair of another LA":                            ({},                       {}),
    "the minute-taker":                                 (_ALL_VIEW,                _ALL_VIEW),
    "administrator":                                    (_ALL_VIEW,                {}),
    "allocated social worker":                          (_ALL_VIEW_SW_SHARE,       _ALL_VIEW_SW_SHARE),
    "colleague in the team":                            (_ALL_VIEW_SW_SHARE,       {}),
    "social worker of another team":                    ({},                       {}),
    "social worker of another team with an access grant": ({},                     {}),
    "family support worker invited by her own account": ({},                       {}),
    "team manager":                                     (_ALL_VIEW_SW_SHARE,       _ALL_VIEW_SW_SHARE),
    "service manager":                                  (_ALL_VIEW_SW_SHARE,       {}),
    "another LA's service manager":                     ({},                       {}),
    "invited police officer":                           ({"police": {"view"}},     {}),
    "another officer of the invited police force":      ({"police": {"view"}},     {}),
    "uninvited health practitioner":                    ({},                       {}),
    "school DSL (agency invited)":                      ({"school": {"view"}},     {}),
    "API client of an invited agency":                  ({"school": {"view"}},     {}),
    "IRO":                                              ({},                       {}),
    "LADO":                                             ({},                       {}),
    "anonymous":                                        ({},                       {}),
}

# document_policy: person -> (copies viewable unrestricted, restricted)
BOTH = frozenset({"professional", "family"})
DOCUMENTS = {
    "the chair":                                        (BOTH,                     BOTH),
    "another chair of the same LA":                     (BOTH,                     NONE),
    "a chair of another LA":                            (NONE,                     NONE),
    "the minute-taker":                                 (BOTH,                     BOTH),
    "administrator":                                    (BOTH,                     NONE),
    "allocated social worker":                          (BOTH,                     BOTH),
    "colleague in the team":                            (BOTH,                     NONE),
    "social worker of another team":                    (NONE,                     NONE),
    "social worker of another team with an access grant": (NONE,                   NONE),
    "family support worker invited by her own account": (NONE,                     NONE),
    "team manager":                                     (BOTH,                     BOTH),
    "service manager":                                  (BOTH,                     NONE),
    "another LA's service manager":                     (NONE,                     NONE),
    # sent the professional copy; never the family copy sent to the mother
    "invited police officer":                           ({"professional"},         NONE),
    # sent to the force: every officer of it may download the force's copy
    "another officer of the invited police force":      ({"professional"},         NONE),
    "uninvited health practitioner":                    (NONE,                     NONE),
    # invited, but nothing was sent to the school
    "school DSL (agency invited)":                      (NONE,                     NONE),
    "API client of an invited agency":                  (NONE,                     NONE),
    "IRO":                                              (NONE,                     NONE),
    "LADO":                                             (NONE,                     NONE),
    "anonymous":                                        (NONE,                     NONE),
}

ALL_PLAN = frozenset({"view", "update", "audit"})
STAFF_PLAN = frozenset({"view", "update"})
VIEW = frozenset({"view"})
PLANS = {
    "the chair":                                        (ALL_PLAN,                 ALL_PLAN),
    # chaired only a cancelled review: the service's view, nothing of a chair's
    "another chair of the same LA":                     (VIEW,                     NONE),
    "a chair of another LA":                            (NONE,                     NONE),
    "the minute-taker":                                 (VIEW,                     NONE),
    "administrator":                                    (VIEW,                     NONE),
    "allocated social worker":                          (STAFF_PLAN,               STAFF_PLAN),
    "colleague in the team":                            (STAFF_PLAN,               NONE),
    "social worker of another team":                    (NONE,                     NONE),
    "social worker of another team with an access grant": (NONE,                   NONE),
    "family support worker invited by her own account": (NONE,                     NONE),
    "team manager":                                     (STAFF_PLAN,               STAFF_PLAN),
    "service manager":                                  (STAFF_PLAN,               NONE),
    "another LA's service manager":                     (NONE,                     NONE),
    "invited police officer":                           (VIEW,                     NONE),  # a core group member
    "another officer of the invited police force":      (NONE,                     NONE),  # not in the core group
    "uninvited health practitioner":                    (NONE,                     NONE),
    "school DSL (agency invited)":                      (NONE,                     NONE),
    "API client of an invited agency":                  (NONE,                     NONE),
    "IRO":                                              (NONE,                     NONE),
    "LADO":                                             (NONE,                     NONE),
    "anonymous":                                        (NONE,                     NONE),
}

# cin_review_policy on the child in need review after each plan ended (held by the chair): the chair, the conference
# service (unrestricted children) and case staff
CIN_CHAIR = frozenset({"view", "schedule", "record"})
CIN_SERVICE = frozenset({"view", "schedule"})
CIN_REVIEWS = {
    "the chair":                                        (CIN_CHAIR,                CIN_CHAIR),
    "another chair of the same LA":                     (CIN_SERVICE,              NONE),
    "a chair of another LA":                            (NONE,                     NONE),
    "the minute-taker":                                 (CIN_SERVICE,              NONE),
    "administrator":                                    (CIN_SERVICE,              NONE),
    "allocated social worker":                          (VIEW,                     VIEW),
    "colleague in the team":                            (VIEW,                     NONE),
    "social worker of another team":                    (NONE,                     NONE),
    "social worker of another team with an access grant": (NONE,                   NONE),
    "family support worker invited by her own account": (NONE,                     NONE),
    "team manager":                                     (VIEW,                     VIEW),
    "service manager":                                  (VIEW,                     NONE),
    "another LA's service manager":                     (NONE,                     NONE),
    "invited police officer":                           (NONE,                     NONE),
    "another officer of the invited police force":      (NONE,                     NONE),
    "uninvited health practitioner":                    (NONE,                     NONE),
    "school DSL (agency invited)":                      (NONE,                     NONE),
    "API client of an invited agency":                  (NONE,                     NONE),
    "IRO":                                              (NONE,                     NONE),
    "LADO":                                             (NONE,                     NONE),
    "anonymous":                                        (NONE,                     NONE),
}
# cin_review_policy.may_list: the people whose list page it is (chairs, the service, case staff)
LISTS_CIN_REVIEWS = {"the chair", "another chair of the same LA", "a chair of another LA", "the minute-taker",
                     "administrator", "allocated social worker", "colleague in the team",
                     "social worker of another team", "social worker of another team with an access grant",
                     "family support worker invited by her own account", "team manager", "service manager",
                     "another LA's service manager"}

# conference_policy.sees_whole: person -> (unrestricted, restricted)
SEES_WHOLE = {
    "the chair":                                        (True,                     True),
    "another chair of the same LA":                     (True,                     False),
    "a chair of another LA":                            (False,                    False),
    "the minute-taker":                                 (True,                     True),
    "administrator":                                    (True,                     False),
    "allocated social worker":                          (True,                     True),
    "colleague in the team":                            (True,                     False),
    "social worker of another team":                    (False,                    False),
    "social worker of another team with an access grant": (False,                  False),
    "family support worker invited by her own account": (False,                    False),
    "team manager":                                     (True,                     True),
    "service manager":                                  (True,                     False),
    "another LA's service manager":                     (False,                    False),
    "invited police officer":                           (False,                    False),
    "another officer of the invited police force":      (False,                    False),
    "uninvited health practitioner":                    (False,                    False),
    "school DSL (agency invited)":                      (False,                    False),
    "API client of an invited agency":                  (False,                    False),
    "IRO":                                              (False,                    False),
    "LADO":                                             (False,                    False),
    "anonymous":                                        (False,                    False),
}

# invitation_policy: person -> (invitations seen unrestricted, restricted)
EVERY_INVITATION = frozenset({"mother", "social worker", "police", "school", "family support worker"})
INVITATIONS = {
    "the chair":                                        (EVERY_INVITATION,         EVERY_INVITATION),
    "another chair of the same LA":                     (EVERY_INVITATION,         NONE),
    "a chair of another LA":                            (NONE,                     NONE),
    "the minute-taker":                                 (EVERY_INVITATION,         EVERY_INVITATION),
    "administrator":                                    (EVERY_INVITATION,         NONE),
    "allocated social worker":                          (EVERY_INVITATION,         EVERY_INVITATION),
    "colleague in the team":                            (EVERY_INVITATION,         NONE),
    "social worker of another team":                    (NONE,                     NONE),
    "social worker of another team with an access grant": (NONE,                   NONE),
    # her own invitation only; none of a restricted child's conference she may not see
    "family support worker invited by her own account": ({"family support worker"}, NONE),
    "team manager":                                     (EVERY_INVITATION,         EVERY_INVITATION),
    "service manager":                                  (EVERY_INVITATION,         NONE),
    "another LA's service manager":                     (NONE,                     NONE),
    "invited police officer":                           ({"police"},               NONE),
    "another officer of the invited police force":      ({"police"},               NONE),
    "uninvited health practitioner":                    (NONE,                     NONE),
    "school DSL (agency invited)":                      ({"school"},               NONE),
    "API client of an invited agency":                  ({"school"},               NONE),
    "IRO":                                              (NONE,                     NONE),
    "LADO":                                             (NONE,                     NONE),
    "anonymous":                                        (NONE,                     NONE),
}

# report_policy.agencies_for: person -> (agencies they report for, unrestricted, restricted)
LA, POLICE, SCHOOL = "Northmoor Borough Council", "Northmoor Police", "Oakfield Primary School"
REPORTS_FOR = {
    "the chair":                                        ((),                       ()),
    "another chair of the same LA":                     ((),                       ()),
    "a chair of another LA":                            ((),                       ()),
    "the minute-taker":                                 ((),                       ()),
    "administrator":                                    ((),                       ()),
    "allocated social worker":                          ((LA,),                    (LA,)),
    "colleague in the team":                            ((LA,),                    ()),
    "social worker of another team":                    ((),                       ()),
    "social worker of another team with an access grant": ((),                     ()),
    # invited by her own account for the local authority, but not case staff: not the social work report
    "family support worker invited by her own account": ((),                       ()),
    "team manager":                                     ((LA,),                    (LA,)),
    "service manager":                                  ((LA,),                    ()),
    "another LA's service manager":                     ((),                       ()),
    "invited police officer":                           ((POLICE,),                ()),
    "another officer of the invited police force":      ((POLICE,),                ()),
    # an open involvement, but not invited
    "uninvited health practitioner":                    ((),                       ()),
    "school DSL (agency invited)":                      ((SCHOOL,),                ()),
    "API client of an invited agency":                  ((SCHOOL,),                ()),
    "IRO":                                              ((),                       ()),
    "LADO":                                             ((),                       ()),
    "anonymous":                                        ((),                       ()),
}

# conference_policy.invited: person -> (invited to the unrestricted child's conference, the restricted one's)
INVITED_TO = {
    "the chair":                                        (False,                    False),
    "another chair of the same LA":                     (False,                    False),
    "a chair of another LA":                            (False,                    False),
    "the minute-taker":                                 (False,                    False),
    "administrator":                                    (False,                    False),
    # invited by her own account; she may see the restricted child too
    "allocated social worker":                          (True,                     True),
    "colleague in the team":                            (False,                    False),
    "social worker of another team":                    (False,                    False),
    "social worker of another team with an access grant": (False,                  False),
    "family support worker invited by her own account": (True,                     False),
    "team manager":                                     (False,                    False),
    "service manager":                                  (False,                    False),
    "another LA's service manager":                     (False,                    False),
    "invited police officer":                           (True,                     False),
    "another officer of the invited police force":      (True,                     False),
    "uninvited health practitioner":                    (False,                    False),
    "school DSL (agency invited)":                      (True,                     False),
    "API client of an invited agency":                  (True,                     False),
    "IRO":                                              (False,                    False),
    "LADO":                                             (False,                    False),
    "anonymous":                                        (False,                    False),
}

# conference_policy.is_chair / is_case_staff / is_partner: person -> the roles that are true
ROLES = {
    "the chair":                                        {"chair"},
    "another chair of the same LA":                     {"chair"},
    "a chair of another LA":                            {"chair"},
    "the minute-taker":                                 set(),
    "administrator":                                    set(),
    "allocated social worker":                          {"case staff"},
    "colleague in the team":                            {"case staff"},
    "social worker of another team":                    {"case staff"},
    "social worker of another team with an access grant": {"case staff"},
    "family support worker invited by her own account": {"case staff"},
    "team manager":                                     {"case staff"},
    "service manager":                                  {"case staff"},
    "another LA's service manager":                     {"case staff"},
    "invited police officer":                           {"partner"},
    "another officer of the invited police force":      {"partner"},
    "uninvited health practitioner":                    {"partner"},
    "school DSL (agency invited)":                      {"partner"},
    "API client of an invited agency":                  {"partner"},
    "IRO":                                              set(),
    "LADO":                                             set(),
    "anonymous":                                        set(),
}
# fmt: on
PEOPLE = list(CONFERENCE)


def test_every_table_names_every_person_in_the_world(world):
    for table in (CONFERENCE, REPORTS, DOCUMENTS, PLANS, SEES_WHOLE, INVITATIONS, REPORTS_FOR, INVITED_TO, ROLES,
                  CIN_REVIEWS):
        assert list(table) == list(world.people)


def _check(ctx, cells) -> list[str]:
    """Every action on every record of ``cells`` ((policy, record, actions, allowed, where) each): ``can``,
    ``visible`` and ``get_for`` must all say the same as the table. ``can`` and ``get_for`` are asked for each
    record and action; ``visible`` once for each policy and action, for all of that policy's records at once
    (which of them it lists), since each answer builds and compiles the person's whole visibility query."""
    records = defaultdict(set)
    for policy, obj, actions, _, _ in cells:
        for action in actions:
            records[policy, action].add(obj.pk)
    listed = {(policy, action): set(policy.visible(ctx, action).filter(pk__in=pks).values_list("pk", flat=True))
              for (policy, action), pks in records.items()}
    wrong = []
    for policy, obj, actions, allowed, where in cells:
        for action in actions:
            expected = action in allowed
            can = policy.can(ctx, action, obj)
            in_list = obj.pk in listed[policy, action]
            try:
                got = policy.get_for(ctx, obj.public_id, action)
                fetched = True
                if got.pk != obj.pk:
                    wrong.append(f"{where} {action}: get_for returned another record")
            except Http404:
                fetched = False
            if (can, in_list, fetched) != (expected, expected, expected):
                wrong.append(f"{where} {action}: expected {expected}, can={can} visible={in_list} get_for={fetched}")
    return wrong


@pytest.mark.parametrize("who", PEOPLE)
def test_matrix(world, who):
    ctx = AccessContext.for_user(world[who])
    cells = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        cells.append((conference_policy, world.conferences[restricted], CONF_ACTIONS, CONFERENCE[who][restricted],
                      f"conference ({label})"))
        for name, report in world.reports[restricted].items():
            cells.append((report_policy, report, REPORT_ACTIONS, REPORTS[who][restricted].get(name, ()),
                          f"{name} report ({label})"))
        for name, invitation in world.invitations[restricted].items():
            cells.append((invitation_policy, invitation, INVITATION_ACTIONS,
                          {"view"} if name in INVITATIONS[who][restricted] else (), f"{name} invitation ({label})"))
        for copy, doc in world.documents[restricted].items():
            cells.append((document_policy, doc, DOC_ACTIONS, {"view"} if copy in DOCUMENTS[who][restricted] else (),
                          f"{copy} copy ({label})"))
        cells.append((plan_policy, world.plans[restricted], PLAN_ACTIONS, PLANS[who][restricted],
                      f"plan ({label})"))
        cells.append((cin_review_policy, world.cin_reviews[restricted], CIN_ACTIONS, CIN_REVIEWS[who][restricted],
                      f"child in need review ({label})"))
    wrong = _check(ctx, cells)
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_whose_list_of_child_in_need_reviews_it_is(world, who):
    assert cin_review_policy.may_list(AccessContext.for_user(world[who])) is (who in LISTS_CIN_REVIEWS)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_the_whole_conference(world, who):
    ctx = AccessContext.for_user(world[who])
    for restricted in (False, True):
        conference = world.conferences[restricted]
        assert conference_policy.sees_whole(ctx, conference) is SEES_WHOLE[who][restricted], restricted
        # the whole conference is every invitation; anyone else sees at most their own
        seen = set(invitation_policy.visible_for(ctx, conference).values_list("pk", flat=True))
        every = {i.pk for i in world.invitations[restricted].values()}
        assert (seen == every) is SEES_WHOLE[who][restricted], restricted



@pytest.mark.parametrize("who", PEOPLE)
def test_which_conferences_each_person_is_invited_to(world, who):
    ctx = AccessContext.for_user(world[who])
    invited = set(conference_policy.invited(ctx).values_list("pk", flat=True))
    expected = {world.conferences[r].pk for r in (False, True) if INVITED_TO[who][r]}
    assert invited == expected  # nobody is invited to the (cancelled) reviews
    # part of what they may view, never more
    assert invited <= set(conference_policy.visible(ctx, "view").values_list("pk", flat=True))


@pytest.mark.parametrize("who", PEOPLE)
def test_what_each_person_does(world, who):
    ctx = AccessContext.for_user(world[who])
    checks = {"chair": conference_policy.is_chair, "case staff": conference_policy.is_case_staff,
              "partner": conference_policy.is_partner}
    roles = {name for name, is_ in checks.items() if is_(ctx)}
    assert roles == ROLES[who]

@pytest.mark.parametrize("who", PEOPLE)
def test_which_agencies_each_person_reports_for(world, who):
    ctx = AccessContext.for_user(world[who])
    for restricted in (False, True):
        conference = world.conferences[restricted]
        names = tuple(a.name for a in report_policy.agencies_for(ctx, conference))
        assert names == REPORTS_FOR[who][restricted], restricted
        # the conference policy's "report" is the same people
        assert conference_policy.can(ctx, "report", conference) is bool(names), restricted
        # an invitation counts for its own conference only: on the child's (cancelled) review, to which
        # nobody was invited, only case staff report (for the local authority)
        review = tuple(a.name for a in report_policy.agencies_for(ctx, world.reviews[restricted]))
        assert review == tuple(n for n in names if n == LA), restricted


def test_invitations_of_one_conference_are_not_another_conferences(world):
    ctx = AccessContext.for_user(world["the chair"])
    for restricted in (False, True):
        conference = world.conferences[restricted]
        listed = set(invitation_policy.visible_for(ctx, conference).values_list("pk", flat=True))
        assert listed == {i.pk for i in world.invitations[restricted].values()}
    assert not invitation_policy.visible_for(ctx, world.reviews[False]).exists()  # nobody was invited to it


def test_a_withdrawn_invitation_gives_no_agency_to_report_for(world):
    officer, conf = world["invited police officer"], world.conferences[False]
    Invitation.objects.filter(conference=conf, user=officer).update(entered_in_error_at=timezone.now())
    assert report_policy.agencies_for(AccessContext.for_user(officer), conf) == []
    assert not invitation_policy.visible_for(AccessContext.for_user(officer), conf).exists()


def test_agencies_for_answers_in_one_query(world, django_assert_max_num_queries):
    for who in ("the chair", "invited police officer", "allocated social worker", "API client of an invited agency"):
        ctx = AccessContext.for_user(world[who])
        with django_assert_max_num_queries(1):
            report_policy.agencies_for(ctx, world.conferences[False])
    with django_assert_max_num_queries(0):
        assert report_policy.agencies_for(AccessContext.for_user(world["anonymous"]), world.conferences[False]) == []


def test_a_cancelled_conference_stays_in_its_chairs_list_but_gives_no_plan_or_child(world):
    abe = AccessContext.for_user(world["another chair of the same LA"])
    for restricted in (False, True):
        review = world.reviews[restricted]
        assert review.status == "cancelled" and review.chair == world["another chair of the same LA"]
        # their own booking, kept for the record (the services refuse any change to a cancelled conference)
        assert conference_policy.can(abe, "view", review)
        assert not plan_policy.can(abe, "update", world.plans[restricted])
        assert not plan_policy.can(abe, "audit", world.plans[restricted])
        assert not child_policy.visible(abe, "find").filter(pk=world.children[restricted].pk).exists()
    assert not conference_policy.can(AccessContext.for_user(world["the chair"]), "decide", world.reviews[False])


def test_missing_and_forbidden_are_the_same_404(world):
    ctx = AccessContext.for_user(world["invited police officer"])
    for policy in (conference_policy, report_policy, invitation_policy, document_policy, plan_policy,
                   cin_review_policy):
        for public_id in (uuid.uuid4(), "not-a-uuid", None):
            with pytest.raises(Http404) as missing:
                policy.get_for(ctx, public_id)
            assert str(missing.value) == "No such record"
    with pytest.raises(Http404) as forbidden:
        conference_policy.get_for(ctx, world.conferences[True].public_id)
    assert str(forbidden.value) == "No such record"


def test_an_unknown_action_is_a_programming_error(world):
    ctx = AccessContext.for_user(world["the chair"])
    for policy in (conference_policy, report_policy, invitation_policy, document_policy, plan_policy,
                   cin_review_policy):
        with pytest.raises(ValueError):
            policy.visible(ctx, "delete")
        with pytest.raises(ValueError):
            policy.can(ctx, "delete", world.conferences[False])


def test_a_chair_who_leaves_the_authority_loses_the_conferences_they_chaired(world):
    chair = world["the chair"]
    Membership.objects.filter(user=chair).update(is_active=False)
    ctx = AccessContext.for_user(chair)
    for restricted in (False, True):
        assert not any(conference_policy.can(ctx, a, world.conferences[restricted]) for a in CONF_ACTIONS)
        assert not any(plan_policy.can(ctx, a, world.plans[restricted]) for a in PLAN_ACTIONS)
        assert not child_policy.can(ctx, "view", world.children[restricted])
    # a chair membership in another authority does not bring them back
    Membership.objects.create(user=chair, agency=world.other_la, roles=[Role.CONFERENCE_CHAIR])
    ctx = AccessContext.for_user(chair)
    assert not conference_policy.can(ctx, "view", world.conferences[False])
    assert not plan_policy.can(ctx, "audit", world.plans[False])


def test_a_chair_whose_chair_role_is_taken_away_loses_the_conferences_they_chaired(world):
    chair = world["the chair"]
    Membership.objects.filter(user=chair).update(roles=[Role.IRO])
    ctx = AccessContext.for_user(chair)
    for restricted in (False, True):
        assert not any(conference_policy.can(ctx, a, world.conferences[restricted]) for a in CONF_ACTIONS)
        assert not any(plan_policy.can(ctx, a, world.plans[restricted]) for a in PLAN_ACTIONS)
        assert not child_policy.visible(ctx, "find").filter(pk=world.children[restricted].pk).exists()


@pytest.mark.parametrize("who", ["the chair", "invited police officer", "allocated social worker", "anonymous"])
def test_each_policy_answers_a_list_in_one_query(world, who, django_assert_max_num_queries):
    """However many records and reasons, one query (none when nothing can match)."""
    ctx = AccessContext.for_user(world[who])
    for policy in (conference_policy, report_policy, invitation_policy, document_policy, plan_policy,
                   cin_review_policy):
        for action in policy.actions:
            with django_assert_max_num_queries(0 if who == "anonymous" else 1):
                list(policy.visible(ctx, action))


def test_a_withdrawn_invitation_gives_nothing(world):
    officer = world["invited police officer"]
    conf = world.conferences[False]
    # the conference is decided: mark the invitation withdrawn as the service would have before the conference
    Invitation.objects.filter(conference=conf, user=officer).update(entered_in_error_at=timezone.now())
    ctx = AccessContext.for_user(officer)
    # the police agency's invitation was the officer's own: nothing left to reach the conference by
    assert not conference_policy.can(ctx, "view", conf)
    assert not report_policy.can(ctx, "view", world.reports[False]["police"])
    assert not document_policy.can(ctx, "view", world.documents[False]["professional"])
    # the core group still shows them the plan
    assert plan_policy.can(ctx, "view", world.plans[False])


# --- chairs' coverage of the children they chair --------------------------------------------------------


def test_a_chair_sees_the_record_of_a_child_whose_conference_they_chair(world):
    ctx = AccessContext.for_user(world["the chair"])
    assert child_policy.can(ctx, "view", world.children[False])
    assert not child_policy.can(ctx, "edit", world.children[False])
    # a restricted child: the chair has a reason to find it, and must break the glass to open it
    assert child_policy.can(ctx, "find", world.children[True])
    assert child_policy.can(ctx, "break_glass", world.children[True])
    assert not child_policy.can(ctx, "view", world.children[True])


def test_a_chair_does_not_see_children_they_do_not_chair(world):
    ctx = AccessContext.for_user(world["the chair"])
    stranger = ChildFactory(local_authority=world.la)
    assert not child_policy.visible(ctx, "find").filter(pk=stranger.pk).exists()


def test_a_cancelled_conference_gives_its_chair_no_view_of_the_child(world):
    ctx = AccessContext.for_user(world["another chair of the same LA"])
    for restricted in (False, True):
        assert not child_policy.visible(ctx, "find").filter(pk=world.children[restricted].pk).exists()


def test_a_chair_booked_for_a_live_conference_sees_the_child(world):
    other, social_worker = world["another chair of the same LA"], world["allocated social worker"]
    child = ChildFactory(local_authority=world.la, allocated_social_worker=social_worker)
    ctx = AccessContext.for_user(other)
    assert not child_policy.can(ctx, "view", child)
    with freeze_time(timezone.now()):
        conf = services.conference_request(actor=social_worker, child=child, kind="initial",
                                           strategy_discussion_date=timezone.localdate())
        day = timezone.localdate() + timedelta(days=7)
        services.conference_schedule(actor=other, conference=conf, chair=other, starts_at=story.at(day, 10),
                                     ends_at=story.at(day, 12), venue="Hall")
    assert child_policy.can(AccessContext.for_user(other), "view", child)
    assert not child_policy.can(AccessContext.for_user(world["the chair"]), "view", child)


# plan_policy.sees_figures: the service's figures (ADR 29): its service managers and conference service
SEES_FIGURES = {"the chair", "another chair of the same LA", "a chair of another LA", "the minute-taker",
                "administrator", "service manager", "another LA's service manager"}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_the_service_s_figures(world, who):
    assert plan_policy.sees_figures(AccessContext.for_user(world[who])) is (who in SEES_FIGURES)
