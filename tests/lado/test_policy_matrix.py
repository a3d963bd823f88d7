"""The permission matrix of the LADO's records, both ways (issue 11, section 4).

One world, built through the real services, in Northmoor (whose LADO team is Lee Lado and the LADO manager
Mo Manager) and Southvale (Sol Southvale, its LADO officer):

- case A: Rita Referrer (a portal account, a school's DSL) referred a teacher on behalf of a pupil; the LADO
  evaluated it (a strategy discussion) and invited Pat Police and Sam Social (children's social care); Olly Old
  was invited too and his invitation ended; Ned Newbeat was invited and then left the police;
- case B: Rob Other (another portal account) referred someone else; new, not evaluated;
- case C: Sue Suspended referred, then the LADO suspended her account;
- case D: Dora Partner, a school's partner-agency practitioner (her school involved with the child), referred
  and matched the child to the record she may open;
- a consultation, and the person-index entry of case A's subject.

Each table says exactly what each person may do with each record; every other action is refused, ``can`` and
``visible`` agree on every cell, and ``get_for`` returns the record when allowed and raises the same Http404 as
for a missing record when not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from cases.models import Child, Involvement
from cases.policies import child_policy
from lado import services
from lado.models import Consultation, LadoCase, PersonIndexEntry, Referral, Referrer
from lado.policies import (
    case_policy,
    consultation_policy,
    evidence_policy,
    index_policy,
    is_lado,
    is_lado_manager,
    referral_policy,
    referrer_policy,
)
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role
from safeguarding.uploads.models import Upload
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, SchoolFactory, TeamFactory, make_user
from tests.factories.lado import (
    CHILD,
    REFERRAL,
    ConsultationFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_policy_matrix")]  # one world

REFERRAL_ACTIONS = ("view", "track")
CASE_ACTIONS = ("view", "work", "view_access_log")
INDEX_ACTIONS = ("view", "view_access_log")


def test_the_tables_cover_every_policy_action():
    assert set(REFERRAL_ACTIONS) == set(referral_policy.actions)
    assert set(CASE_ACTIONS) == set(case_policy.actions)
    assert set(INDEX_ACTIONS) == set(index_policy.actions)
    assert consultation_policy.actions == ("view",)
    assert referrer_policy.actions == ("manage",)


@dataclass
class World:
    people: dict
    referrals: dict[str, Referral]
    cases: dict[str, LadoCase]
    entry: PersonIndexEntry
    consultation: Consultation
    child: Child
    la: object
    files: dict = field(default_factory=dict)

    def __getitem__(self, who):
        return self.people[who]


def _refer(referrer, la, subject: str, children=None, **data):
    first, surname = subject.split()
    return services.referral_submit(
        actor=referrer, local_authority=la, children=children or [dict(CHILD)],
        data={**REFERRAL, "subject_first_names": first, "subject_surname": surname,
              "employer_knew_on": date(2026, 3, 2), **data})


def _build() -> World:
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    other_la = LocalAuthorityFactory(name="Southvale City Council")
    police = PoliceFactory(name="Northmoor Police")
    school = SchoolFactory(name="Northmoor Primary School")
    team = TeamFactory(agency=la, name="Assessment Team A")
    people = {
        "LADO officer": lado_officer_of(la, full_name="Lee Lado"),
        "LADO manager": lado_manager_of(la, full_name="Mo Manager"),
        "LADO officer of another LA": lado_officer_of(other_la, full_name="Sol Southvale"),
        "the referrer": RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer"),
        "another referrer": RegisteredReferrerFactory(local_authority=la, full_name="Rob Other"),
        "a suspended referrer": RegisteredReferrerFactory(local_authority=la, full_name="Sue Suspended"),
        "a partner who referred": make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dora Partner"),
        "invited police officer": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        "invited social worker": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Social"),
        "invitation ended": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Olly Old"),
        "invited, then left the police": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Ned Newbeat"),
        "police officer not invited": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Nia Notasked"),
        "social worker not invited": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        "service manager": make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service"),
        "IRO": make_user(la, Role.IRO, full_name="Ira Reviewing"),
        "conference chair": make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        "administrator": make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin"),
        "anonymous": AnonymousUser(),
    }
    officer, manager = people["LADO officer"], people["LADO manager"]
    child = ChildFactory(local_authority=la, legal_first_names="Ella", legal_surname="Price",
                         date_of_birth=date(2017, 5, 2))
    Involvement.objects.create(child=child, agency=school, role="School", start_date=date(2024, 9, 1))
    with freeze_time("2026-03-02 15:00"):
        referrals = {
            "A": _refer(people["the referrer"], la, "Gareth Pemberton"),
            "B": _refer(people["another referrer"], la, "Hana Okafor"),
            "C": _refer(people["a suspended referrer"], la, "Ivan Petrov"),
            "D": _refer(people["a partner who referred"], la, "Jill Moss",
                        children=[{"child": child.public_id, "details": "Year 4"}],
                        referrer_role="Designated safeguarding lead"),
        }
    with freeze_time("2026-03-03 10:00"):
        case = services.case_subject_identify(actor=officer, case=referrals["A"].case)
        services.case_evaluate(actor=officer, case=case, evaluated_on=date(2026, 3, 3), criteria={"harmed": True},
                               decision="meeting", rationale="Bruising", subject_informed_by="not_yet",
                               police_involved=True, csc_involved=True)
        for who, kind in (("invited police officer", "police"), ("invited social worker", "csc"),
                          ("invitation ended", "police"), ("invited, then left the police", "police")):
            invitation = services.case_invite(actor=officer, case=case, user=people[who], kind=kind)
            if who == "invitation ended":
                services.invitation_end(actor=officer, invitation=invitation)
        Membership.objects.filter(user=people["invited, then left the police"]).update(is_active=False)
        services.referrer_suspend(actor=manager, referrer=people["a suspended referrer"].lado_referrer,
                                  reason="The school says she left in January")
    consultation = ConsultationFactory(local_authority=la, officer=officer)
    cases = {k: LadoCase.objects.get(referral=r) for k, r in referrals.items()}
    return World(people=people, referrals=referrals, cases=cases, entry=cases["A"].subject,
                 consultation=consultation, child=Child.objects.get(pk=child.pk), la=la,
                 files=_evidence_rows(people, referrals, cases))


def _evidence_rows(people, referrals, cases) -> dict:
    """Evidence on referral A (one file from the referrer, one from the LADO) and on case A: upload rows only
    (the policy reads the owner and the uploader, never the bytes)."""
    def row(owner, by, n):
        return Upload.objects.create(owner=owner, purpose="evidence", original_name=f"file{n}.pdf",
                                     content_type="application/pdf", size=1, sha256="0" * 64,
                                     storage_name=f"matrix-{uuid.uuid4().hex}", uploaded_by=by)
    return {"A by the referrer": (referrals["A"], row(referrals["A"], people["the referrer"], 1)),
            "A by the LADO": (referrals["A"], row(referrals["A"], people["LADO officer"], 2)),
            "case A": (cases["A"], row(cases["A"], people["LADO officer"], 3))}


world = shared_world(_build)

# --- the tables ---------------------------------------------------------------------------------------
# fmt: off
NONE = frozenset()
WORKS = frozenset({"view", "track"})
TRACKS = frozenset({"track"})
TEAM = frozenset({"view", "work"})
MANAGES = frozenset({"view", "work", "view_access_log"})
SEES = frozenset({"view"})

# referral_policy: person -> actions on referrals A, B, C (the suspended referrer's), D (the partner's)
REFERRALS = {
    #                                   A          B          C          D
    "LADO officer":                     (WORKS,    WORKS,     WORKS,     WORKS),
    "LADO manager":                     (WORKS,    WORKS,     WORKS,     WORKS),
    "LADO officer of another LA":       (NONE,     NONE,      NONE,      NONE),
    # a referrer follows their own referral, and only it
    "the referrer":                     (TRACKS,   NONE,      NONE,      NONE),
    "another referrer":                 (NONE,     TRACKS,    NONE,      NONE),
    # suspended: not even her own
    "a suspended referrer":             (NONE,     NONE,      NONE,      NONE),
    "a partner who referred":           (NONE,     NONE,      NONE,      TRACKS),
    # invited into case A: the case, not the referral's own pages
    "invited police officer":           (NONE,     NONE,      NONE,      NONE),
    "invited social worker":            (NONE,     NONE,      NONE,      NONE),
    "invitation ended":                 (NONE,     NONE,      NONE,      NONE),
    "invited, then left the police":    (NONE,     NONE,      NONE,      NONE),
    "police officer not invited":       (NONE,     NONE,      NONE,      NONE),
    "social worker not invited":        (NONE,     NONE,      NONE,      NONE),
    "service manager":                  (NONE,     NONE,      NONE,      NONE),
    "IRO":                              (NONE,     NONE,      NONE,      NONE),
    "conference chair":                 (NONE,     NONE,      NONE,      NONE),
    "administrator":                    (NONE,     NONE,      NONE,      NONE),
    "anonymous":                        (NONE,     NONE,      NONE,      NONE),
}
# case_policy on case A (evaluated, people invited) and case B (new); then the index entry of A's subject,
# the consultation (view) and the suspended referrer's account (manage)
CASES = {
    #                                   case A     case B     index entry             consultation  account
    "LADO officer":                     (TEAM,     TEAM,      SEES,                   True,         True),
    "LADO manager":                     (MANAGES,  MANAGES,   SEES | {"view_access_log"}, True,     True),
    "LADO officer of another LA":       (NONE,     NONE,      NONE,                   False,        False),
    "the referrer":                     (NONE,     NONE,      NONE,                   False,        False),
    "another referrer":                 (NONE,     NONE,      NONE,                   False,        False),
    "a suspended referrer":             (NONE,     NONE,      NONE,                   False,        False),
    "a partner who referred":           (NONE,     NONE,      NONE,                   False,        False),
    # the case they were invited into, and nothing else: not the index, not another case
    "invited police officer":           (SEES,     NONE,      NONE,                   False,        False),
    "invited social worker":            (SEES,     NONE,      NONE,                   False,        False),
    "invitation ended":                 (NONE,     NONE,      NONE,                   False,        False),
    "invited, then left the police":    (NONE,     NONE,      NONE,                   False,        False),
    "police officer not invited":       (NONE,     NONE,      NONE,                   False,        False),
    "social worker not invited":        (NONE,     NONE,      NONE,                   False,        False),
    "service manager":                  (NONE,     NONE,      NONE,                   False,        False),
    "IRO":                              (NONE,     NONE,      NONE,                   False,        False),
    "conference chair":                 (NONE,     NONE,      NONE,                   False,        False),
    "administrator":                    (NONE,     NONE,      NONE,                   False,        False),
    "anonymous":                        (NONE,     NONE,      NONE,                   False,        False),
}
# the child matched to referral D, through the coverage the LADO app registers (the LADO team) or a basis
# (the child is not allocated: the social workers have no basis; the service manager has the authority's)
CHILD_OPENS = {"LADO officer", "LADO manager", "a partner who referred", "service manager"}
LADO, MANAGER = {"LADO officer", "LADO manager"}, {"LADO manager"}
# fmt: on
PEOPLE = list(REFERRALS)


def test_every_table_names_every_person_in_the_world(world):
    for table in (REFERRALS, CASES):
        assert list(table) == list(world.people)


def _check(policy, ctx, obj, actions, allowed, where) -> list[str]:
    """Every action on one record: can, visible and get_for must all say the same as the table."""
    wrong = []
    for action in actions:
        expected = action in allowed
        can = policy.can(ctx, action, obj)
        listed = policy.visible(ctx, action).filter(pk=obj.pk).exists()
        try:
            got = policy.get_for(ctx, obj.public_id, action)
            fetched = True
            if got.pk != obj.pk:
                wrong.append(f"{where} {action}: get_for returned another record")
        except Http404:
            fetched = False
        if (can, listed, fetched) != (expected, expected, expected):
            wrong.append(f"{where} {action}: expected {expected}, can={can} visible={listed} get_for={fetched}")
    return wrong


@pytest.mark.parametrize("who", PEOPLE)
def test_matrix(world, who):
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for key, allowed in zip("ABCD", REFERRALS[who], strict=True):
        wrong += _check(referral_policy, ctx, world.referrals[key], REFERRAL_ACTIONS, allowed, f"referral {key}")
    case_a, case_b, entry, consultation, account = CASES[who]
    wrong += _check(case_policy, ctx, world.cases["A"], CASE_ACTIONS, case_a, "case A")
    wrong += _check(case_policy, ctx, world.cases["B"], CASE_ACTIONS, case_b, "case B")
    wrong += _check(index_policy, ctx, world.entry, INDEX_ACTIONS, entry, "index entry")
    wrong += _check(consultation_policy, ctx, world.consultation, ("view",), SEES if consultation else NONE,
                    "consultation")
    wrong += _check(referrer_policy, ctx, world["a suspended referrer"].lado_referrer, ("manage",),
                    {"manage"} if account else NONE, "portal account")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_answers_worked_out_with_the_fetch_agree(world, who):
    """A case fetched for view answers work and view_access_log as can() would; a referral fetched for track
    answers view."""
    ctx = AccessContext.for_user(world[who])
    for case in world.cases.values():
        try:
            got = case_policy.get_for(ctx, case.public_id, "view", answers=("work", "view_access_log"))
        except Http404:
            continue
        fresh = AccessContext.for_user(world[who])
        for name in ("work", "view_access_log"):
            assert case_policy.known_answer(ctx, got, name) is case_policy.can(fresh, name, case), name
    for referral in world.referrals.values():
        try:
            got = referral_policy.get_for(ctx, referral.public_id, "track", answers=("view",))
        except Http404:
            continue
        assert referral_policy.known_answer(ctx, got, "view") is referral_policy.can(
            AccessContext.for_user(world[who]), "view", referral)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_refers_records_and_is_the_lado(world, who):
    ctx = AccessContext.for_user(world[who])
    assert referral_policy.can_refer(ctx) is (who not in ("anonymous", "a suspended referrer"))
    assert referral_policy.can_record_for(ctx, world.la.pk) is (who in LADO)
    assert is_lado(ctx) is (who in LADO | {"LADO officer of another LA"})
    assert is_lado_manager(ctx) is (who in MANAGER)
    # the yearly figures (ADR 29): the LADO teams, each counting its own authority's referrals
    assert referral_policy.sees_figures(ctx) is (who in LADO | {"LADO officer of another LA"})


@pytest.mark.parametrize("who", PEOPLE)
def test_the_matched_child_s_record(world, who):
    """The LADO team reaches the child matched to one of its referrals (coverage); nobody else gains it."""
    ctx = AccessContext.for_user(world[who])
    assert child_policy.can(ctx, "view", world.child) is (who in CHILD_OPENS)


def test_a_missing_record_is_the_same_404(world):
    ctx = AccessContext.for_user(world["LADO manager"])
    for policy in (referral_policy, case_policy, index_policy, consultation_policy):
        for bad in (uuid.uuid4(), "not-a-uuid", None):
            with pytest.raises(Http404):
                policy.get_for(ctx, bad)


def test_a_reinstated_referrer_follows_her_referral_again(world):
    referrer = world["a suspended referrer"]
    services.referrer_reinstate(actor=world["LADO officer"], referrer=Referrer.objects.get(user=referrer),
                                reason="She is back at the school")
    ctx = AccessContext.for_user(referrer)
    assert referral_policy.can(ctx, "track", world.referrals["C"])
    assert not referral_policy.can(ctx, "track", world.referrals["A"])


# --- evidence (lado.policies.evidence_policy): who adds, and who lists, downloads and withdraws which file ------
# fmt: off
ADDS_ON = ("A", "B", "C", "case A")
FILES = ("A by the referrer", "A by the LADO", "case A")
ALL4, ALL3 = (True, True, True, True), (True, True, True)
NO4, NO3 = (False, False, False, False), (False, False, False)
EVIDENCE = {
    #                                   adds on: A, B, C, case A              downloads and withdraws
    "LADO officer":                     (ALL4,                                ALL3),
    "LADO manager":                     (ALL4,                                ALL3),
    "LADO officer of another LA":       (NO4,                                 NO3),
    # a referrer: on their own referral, and only the files they sent themselves
    "the referrer":                     ((True, False, False, False),         (True, False, False)),
    "another referrer":                 ((False, True, False, False),         NO3),
    "a suspended referrer":             (NO4,                                 NO3),
    "a partner who referred":           (NO4,                                 NO3),
    # invited into case A: the LADO has no way to share a file with them, so none at all
    "invited police officer":           (NO4,                                 NO3),
    "invited social worker":            (NO4,                                 NO3),
    "invitation ended":                 (NO4,                                 NO3),
    "invited, then left the police":    (NO4,                                 NO3),
    "police officer not invited":       (NO4,                                 NO3),
    "social worker not invited":        (NO4,                                 NO3),
    "service manager":                  (NO4,                                 NO3),
    "IRO":                              (NO4,                                 NO3),
    "conference chair":                 (NO4,                                 NO3),
    "administrator":                    (NO4,                                 NO3),
    "anonymous":                        (NO4,                                 NO3),
}
# fmt: on


@pytest.mark.parametrize("who", PEOPLE)
def test_evidence_matrix(world, who):
    assert list(EVIDENCE) == list(world.people)
    ctx = AccessContext.for_user(world[who])
    adds, files = EVIDENCE[who]
    owners = {**{k: world.referrals[k] for k in "ABC"}, "case A": world.cases["A"]}
    got_adds = tuple(evidence_policy.can_add(ctx, owners[k]) for k in ADDS_ON)
    got_downloads = tuple(evidence_policy.can_download(ctx, *world.files[k]) for k in FILES)
    got_withdraws = tuple(evidence_policy.can_withdraw(ctx, *world.files[k]) for k in FILES)
    assert (got_adds, got_downloads, got_withdraws) == (adds, files, files)
    # the list: everything for the LADO team, their own for the referrer, nothing (not even the section) otherwise
    assert evidence_policy.can_list(ctx, world.referrals["A"]) is (files[0] or files[1])
    assert evidence_policy.lists_all(ctx, world.referrals["A"]) is files[1]
    assert evidence_policy.can_list(ctx, world.cases["A"]) is files[2]


def test_a_file_reached_through_another_record_is_refused(world):
    """A file of referral A asked for through case A (or the other way round) is not a file of that record."""
    ctx = AccessContext.for_user(world["LADO officer"])
    _, referral_file = world.files["A by the LADO"]
    _, case_file = world.files["case A"]
    assert not evidence_policy.can_download(ctx, world.cases["A"], referral_file)
    assert not evidence_policy.can_download(ctx, world.referrals["B"], referral_file)
    assert not evidence_policy.can_download(ctx, world.referrals["A"], case_file)


# --- transfers, legal holds, retention and disposal, evidence shared with the invited (ADR 22) --------------------
# fmt: off
TEAM_ONLY = {"LADO officer", "LADO manager"}
# who, of the world's people, may: record a transfer on case A and B; place a hold on case A and on the entry;
# release a hold; review retention (their authorities) and dispose of the entry; record the personnel advice
KEEPING = {
    #                          transfer A, B   hold case, entry  release  review, dispose  advise
    "LADO officer":            ((True, True),  (True, True),     False,   (False, False),  True),
    "LADO manager":            ((True, True),  (True, True),     True,    (True, True),    True),
}
# the files of case A and referral A shared with the invited police officer's invitation: who lists and downloads
# each (the case file, the referrer's file on the referral), and who shares
SHARED_SEES = {"invited police officer"}
# fmt: on
NOBODY = ((False, False), (False, False), False, (False, False), False)


@pytest.mark.parametrize("who", PEOPLE)
def test_keeping_matrix(world, who):
    from lado.policies import retention_policy, transfer_policy

    ctx = AccessContext.for_user(world[who])
    manager = world["LADO manager"]
    hold = services.legal_hold_place(actor=world["LADO officer"], record=world.cases["A"], reason="A claim")
    got = ((transfer_policy.can_record(ctx, world.cases["A"]), transfer_policy.can_record(ctx, world.cases["B"])),
           (retention_policy.can_place_hold(ctx, world.cases["A"]), retention_policy.can_place_hold(ctx, world.entry)),
           retention_policy.can_release_hold(ctx, hold),
           (bool(retention_policy.review_authorities(ctx)), retention_policy.can_dispose(ctx, world.entry)),
           retention_policy.can_advise_employer(ctx, world.cases["A"]))
    assert got == KEEPING.get(who, NOBODY)
    assert retention_policy.review_authorities(ctx) == ([world.la.pk] if who == "LADO manager" else [])
    # the services say the same (a sample: the release is the manager's alone)
    if who != "LADO manager" and who != "anonymous":
        with pytest.raises(ValidationError):
            services.legal_hold_release(actor=world[who], hold=hold, reason="Not mine to release")
    services.legal_hold_release(actor=manager, hold=hold, reason="Settled")
    hold.refresh_from_db()
    assert not retention_policy.can_release_hold(ctx, hold)  # released: nobody releases it again


@pytest.mark.parametrize("who", PEOPLE)
def test_shared_evidence_matrix(world, who):
    from lado.models import CaseInvitation
    from lado.policies import shared_evidence_policy

    officer = world["LADO officer"]
    case_a, case_b = world.cases["A"], world.cases["B"]
    _, case_file = world.files["case A"]
    _, referrers_file = world.files["A by the referrer"]
    police_invitations = list(CaseInvitation.objects.filter(case=case_a, user=world["invited police officer"]))
    services.evidence_share(actor=officer, case=case_a, uploads=[case_file, referrers_file],
                            invitations=police_invitations)
    ctx = AccessContext.for_user(world[who])
    sees = who in SHARED_SEES
    assert shared_evidence_policy.can_share(ctx, case_a) is (who in TEAM_ONLY)
    assert shared_evidence_policy.can_share(ctx, case_b) is (who in TEAM_ONLY)
    assert set(shared_evidence_policy.shared_with(ctx, case_a)) == ({case_file, referrers_file} if sees else set())
    assert shared_evidence_policy.can_download(ctx, case_a, case_file) is sees
    assert shared_evidence_policy.can_download(ctx, case_a, referrers_file) is sees
    # a file shared on case A is not reached through case B, the case they were not invited into
    assert not shared_evidence_policy.can_download(ctx, case_b, case_file)
    assert not shared_evidence_policy.shared_with(ctx, case_b).exists()
    # the LADO's own file on the referral, not shared: nobody reaches it this way
    _, lados_file = world.files["A by the LADO"]
    assert not shared_evidence_policy.can_download(ctx, case_a, lados_file)
# --- a meeting's minutes and actions, a case's parallel processes (lado.policies_meetings, ADR 21) ----------------
def _meeting_records(w: World) -> dict:
    """On case A: a strategy meeting held on Wednesday 4 March 2026, its minutes issued and the employer's version
    shared with the referrer; an action for the invited police officer and one for the invited social worker;
    a police investigation, children's social care enquiries and the employer's investigation."""
    from lado.policies_meetings import meeting_records_policy  # noqa: F401 - the module under test
    from lado.services import processes as p

    officer, case = w["LADO officer"], w.cases["A"]
    police, social = w["invited police officer"], w["invited social worker"]
    with freeze_time("2026-03-03 11:00"):
        meeting = services.meeting_book(
            actor=officer, case=case, kind="strategy", starts_at=_aware("2026-03-04 10:00"), venue="Civic Centre",
            invitees=[{"role": r, "name": u.full_name, "email": u.email, "user": u}
                      for r, u in (("lado", officer), ("police", police), ("csc", social))])
    with freeze_time("2026-03-04 12:00"):
        services.meeting_hold(actor=officer, meeting=meeting, attended=[], notes="Held")
        p.minutes_save(actor=officer, meeting=meeting, sections={"purpose": "To plan"})
        minutes = p.minutes_issue(actor=officer, meeting=meeting, share_with_referrer=True)
        return {
            "meeting": meeting, "minutes": minutes,
            "police action": p.action_add(actor=officer, meeting=meeting, description="Interview",
                                          due_date=date(2026, 3, 11), owner=police),
            "social care action": p.action_add(actor=officer, meeting=meeting, description="Visit",
                                               due_date=date(2026, 3, 11), owner=social),
            **{f"{kind} process": p.process_start(actor=officer, case=case, kind=kind, lead="Someone",
                                                  started_on=date(2026, 3, 4))
               for kind in ("police", "cps", "csc", "employer")},
        }


def _aware(text: str):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture(scope="module")
def records(world, django_db_blocker):
    from tests.factories.worlds import built

    yield from built(lambda: _meeting_records(world), django_db_blocker)


# fmt: off
BOTH = frozenset({"full", "employer"})
T, F = True, False
#                writes minutes, downloads, adds actions, updates/drops the police action, updates/drops the social
#                care action, adds processes, updates the police / CPS / social care / employer process
MEETING_RECORDS = {
    "LADO officer":                     (T, BOTH,                  T, (T, T), (T, T), T, (T, T, T, T)),
    "LADO manager":                     (T, BOTH,                  T, (T, T), (T, T), T, (T, T, T, T)),
    "LADO officer of another LA":       (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    # the employer's side: the employer's version, once shared, of their own referral's case
    "the referrer":                     (F, frozenset({"employer"}), F, (F, F), (F, F), F, (F, F, F, F)),
    "another referrer":                 (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "a suspended referrer":             (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "a partner who referred":           (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    # invited: both versions; their own action (never "no longer needed"); their own agency's processes
    "invited police officer":           (F, BOTH,                  F, (T, F), (F, F), F, (T, T, F, F)),
    "invited social worker":            (F, BOTH,                  F, (F, F), (T, F), F, (F, F, T, F)),
    "invitation ended":                 (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "invited, then left the police":    (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "police officer not invited":       (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "social worker not invited":        (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "service manager":                  (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "IRO":                              (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "conference chair":                 (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "administrator":                    (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
    "anonymous":                        (F, NONE,                  F, (F, F), (F, F), F, (F, F, F, F)),
}
# fmt: on


@pytest.mark.parametrize("who", PEOPLE)
def test_meeting_records_matrix(world, records, who):
    from lado.policies_meetings import meeting_records_policy as policy

    assert list(MEETING_RECORDS) == list(world.people)
    ctx = AccessContext.for_user(world[who])
    r = records
    got = (policy.can_write_minutes(ctx, r["meeting"]), policy.minutes_copies(ctx, r["minutes"]),
           policy.can_add_action(ctx, r["meeting"]),
           (policy.can_update_action(ctx, r["police action"]), policy.can_drop_action(ctx, r["police action"])),
           (policy.can_update_action(ctx, r["social care action"]),
            policy.can_drop_action(ctx, r["social care action"])),
           policy.can_add_process(ctx, world.cases["A"]),
           tuple(policy.can_update_process(ctx, r[f"{k} process"]) for k in ("police", "cps", "csc", "employer")))
    assert got == MEETING_RECORDS[who]


def test_no_one_downloads_a_draft_and_the_referrer_nothing_before_it_is_shared(world, records):
    from lado.models import MeetingMinutes
    from lado.policies_meetings import meeting_records_policy as policy

    minutes = MeetingMinutes.objects.get(pk=records["minutes"].pk)
    minutes.shared_with_referrer_at = None
    assert policy.minutes_copies(AccessContext.for_user(world["the referrer"]), minutes) == NONE
    minutes.status = MeetingMinutes.Status.DRAFT
    assert policy.minutes_copies(AccessContext.for_user(world["LADO officer"]), minutes) == NONE
