"""Demo looked-after children: what the demo IRO, the IRO manager, the children's social workers and the partner
agencies see of the IRO service on a working day (issue 10, section 4).

Built from the demo children through ``reviews.services`` only, so every deadline, notification and history
row is the real one. Dates are relative to today (working days, ``wd``):

- **reviewed, decisions open and overdue**: the first review six weeks ago, chaired by the second IRO (who
  is also a conference chair), its decisions circulated on time: one for the social worker and one each for
  the demo health trust and the police, overdue, and one not yet due; the record signed late (with why),
  awaiting the manager's ratification;
- **record signed and ratified**: a first review twelve working days ago, its record signed and ratified on
  time, one decision done and one for the health trust open;
- **just accommodated, awaiting an IRO**: looked after two working days ago, in the IRO manager's queue
  (``iro_appointment`` open);
- **an early review after a placement move**: looked after three weeks ago, a move to new carers three days
  ago that asked for an early review, booked for two working days ahead;
- **allocated, awaiting the first review**: the demo IRO appointed the next day, the first review booked
  within its due date, the social worker's contact with the IRO recorded, the plans still to come;
- **an ended period**: back home with the family (E4A) two working days ago, before the first review.

The states are made in that order of interest, the first ones first: a small demo (``--children 20``) has
children for the first four.

**The IRO service.** The demo makes the IRO manager (an IRO and team manager of the Safeguarding & QA
Unit, with the demo password: ``IRO_MANAGER``), who appoints the IROs, and makes the second conference
chair an IRO too (``SECOND_IRO``, Walsall's model: the same officers chair conferences and review
looked-after children), so the caseload view counts their conferences and their looked-after children
together.

Reviews that took place are booked through the service for today (the service rightly refuses a date in
the past) and then moved to the day they were held, their preparation deadlines recomputed from it
(``_as_if_booked_earlier``): the one write around the services, for demo data only, as the conference demo
does. Idempotent: nothing is made while any demo child has a period of care.

``reviews`` is imported inside the functions: the kernel imports no domain app at import time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cases import services as case_services
from cases.models import Child, Involvement
from safeguarding.accounts.models import Agency, Membership, Role, Team, User
from safeguarding.accounts.services import membership_set, user_create
from safeguarding.clock import services as clock
from safeguarding.clock import workdays

from .data import CARE_HOME_POSTCODE, CARE_PLACEMENT_POSTCODE, DEMO_PASSWORD, EMAIL_DOMAIN

Say = Callable[[str], None]


@dataclass(frozen=True)
class Person:
    email_local: str
    full_name: str
    job_title: str

    @property
    def email(self) -> str:
        return f"{self.email_local}@{EMAIL_DOMAIN}"


# The IRO manager: one membership holding the IRO and team manager roles (ADR 12); not one of data.LOGINS
# (each login there holds one role), printed at the end of the load with the demo password.
IRO_MANAGER = Person("iro.manager", "Priya Sharma", "IRO Service Manager, Safeguarding & Quality Assurance Unit")
SECOND_IRO = "chair2"  # the demo login who is also made an IRO (conference chair and IRO)
PLACEHOLDER_REASON = "Demo data: booked for today, then moved to the day the review was held"
RECORD = {
    "child_wishes": "{child} said they like living with their carers and want to keep seeing their brother.",
    "views_of_others": "Mother agrees with the plan. The carers say {child} has settled well.",
    "permanence": "Long-term fostering with the current carers, to be confirmed at the second review.",
    "placement": "Settled; the carers meet {child}'s needs.",
    "health": "Initial health assessment done; a dental check is due.",
    "education": "Attending school every day; the PEP is up to date.",
    "contact": "Weekly contact with their brother; supervised contact with mother every month.",
    "identity": "Life story work has started with the social worker.",
    "leaving_care": "The pathway plan is being written with {child}.",
    "letter_to_child": "You told us you like living with your carers. We listened, and you will stay there.",
}


def _involve(child: Child, agency: Agency, role: str, since: date, professional: User | None) -> None:
    """The agency has an open involvement with the child (a decision may name it; its people see the reviews)."""
    if Involvement.objects.filter(child=child, agency=agency, end_date__isnull=True,
                                  entered_in_error_at__isnull=True).exists():
        return
    case_services.involvement_add(child=child, actor=child.allocated_social_worker, agency=agency, role=role,
                                  start_date=max(since, child.date_of_birth or since), professional=professional)


class DemoReviews:
    def __init__(self, *, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print):
        from reviews import services

        self.services = services
        self.la, self.teams, self.logins, self.say = la, teams, logins, say
        self.today = timezone.localdate()
        self.closed = clock.closures()
        self.created: Counter = Counter()
        self.used: set[int] = set()
        self.iro = logins["iro"]
        self.iro2 = logins[SECOND_IRO]
        self.police = logins["police"]
        self.health = logins["health"]
        self.manager: User | None = None

    def wd(self, n: int, start: date | None = None) -> date:
        """``n`` working days after (or before) ``start`` (today)."""
        return workdays.add_working_days(start or self.today, n, self.closed)

    # --- the load -------------------------------------------------------------------------------
    def load(self) -> Counter:
        from reviews.models import LookedAfterEpisode

        existing = LookedAfterEpisode.objects.filter(child__local_authority=self.la).count()
        if existing:
            self.say(f"Skipped demo looked-after children: {self.la.name} already has {existing} periods of care.")
            return self.created
        if not (self._is_iro(self.iro) and self.iro2.is_active and "sqa" in self.teams):
            self.say(f"Skipped demo looked-after children: the demo IRO must be an active IRO of {self.la.name}.")
            return self.created
        self.manager = self._ensure_iro_manager()
        self._make_second_iro()
        steps = (  # the most telling first: a small demo has children for the first few only
            ("reviewed, decisions open and overdue", (5, 15), self._decisions_overdue),
            ("record signed and ratified", (4, 15), self._signed_and_ratified),
            ("just accommodated, awaiting an IRO", (4, 15), self._awaiting_iro),
            ("early review after a placement move", (10, 17), self._early_review),
            ("allocated, awaiting the first review", (4, 15), self._awaiting_first_review),
            ("period of care ended", (2, 15), self._ended),
        )
        for what, ages, make in steps:
            child = self._pick(ages)
            if child is None:
                self.say(f"  no child left for a demo looked-after child ({what}): skipped")
                continue
            self._record_sex(child)
            make(child)
            self.created["looked-after children"] += 1
        self.say(f"  created {self.created['looked-after children']} looked-after children; IRO manager: "
                 f"{IRO_MANAGER.email} (password {DEMO_PASSWORD}); {self.iro2.full_name} is an IRO as well as a "
                 "conference chair")
        return self.created

    # --- the IRO service ------------------------------------------------------------------------
    def _is_iro(self, user: User) -> bool:
        return user.is_active and Membership.objects.filter(user=user, agency=self.la, is_active=True,
                                                            roles__contains=[Role.IRO]).exists()

    def _ensure_iro_manager(self) -> User:
        user = User.objects.filter(email__iexact=IRO_MANAGER.email).first()
        if user is None:
            user = user_create(email=IRO_MANAGER.email, full_name=IRO_MANAGER.full_name, password=None,
                               agency=self.la, roles=[Role.IRO, Role.TEAM_MANAGER], team=self.teams["sqa"],
                               job_title=IRO_MANAGER.job_title)
            User.objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))
            self.created["logins"] += 1
        return user

    def _make_second_iro(self) -> None:
        """The second conference chair reviews looked-after children too (one membership, both roles)."""
        membership = Membership.objects.filter(user=self.iro2, agency=self.la, is_active=True).first()
        if membership is None or Role.IRO in membership.roles:
            return
        membership_set(user=self.iro2, agency=self.la, roles=[*membership.roles, Role.IRO], team=membership.team)

    # --- choosing children ----------------------------------------------------------------------
    def _pick(self, ages: tuple[int, int]) -> Child | None:
        """The first suitable child (by id): open, not restricted, allocated to an active social worker with a
        team, no conference and no period of care; the Children in Care Team's first, of ``ages`` first."""
        candidates = list(
            Child.objects.filter(local_authority=self.la, status=Child.Status.OPEN, restricted=False,
                                 entered_in_error_at__isnull=True, allocated_social_worker__is_active=True,
                                 date_of_birth__isnull=False,
                                 conferences__isnull=True, looked_after_episodes__isnull=True)
            .exclude(pk__in=self.used).select_related("allocated_social_worker", "allocated_team").order_by("pk"))

        def age(c: Child) -> int:
            from reviews.rules import age_on

            return age_on(c.date_of_birth, self.today)

        cic = self.teams.get("cic")
        tiers = [[c for c in candidates if c.allocated_team_id == getattr(cic, "pk", None)
                  and ages[0] <= age(c) <= ages[1]],
                 [c for c in candidates if ages[0] <= age(c) <= ages[1]], candidates]
        for tier in tiers:
            for child in tier:
                self.used.add(child.pk)
                return child
        return None

    @staticmethod
    def _record_sex(child: Child) -> None:
        """A looked-after child's sex is on the authority's record (the SSDA903 return has no "unknown": rule
        232): the social worker records it for a demo child whose sex was not stated, from the demo's name lists
        (through the service: the change is in the child's history)."""
        from cases.models import Gender

        from .data import BOYS

        if child.gender in (Gender.MALE, Gender.FEMALE):
            return
        first = (child.legal_first_names.split() or [""])[0]
        case_services.child_update(child=child, actor=child.allocated_social_worker,
                                   reason="Recorded when the child became looked after",
                                   changes={"gender": Gender.MALE if first in BOYS else Gender.FEMALE})
        child.refresh_from_db()

    @staticmethod
    def _name(child: Child) -> str:
        return child.preferred_name or (child.legal_first_names.split() or ["the child"])[0]

    # --- the steps through the services ---------------------------------------------------------
    def _open(self, child: Child, *, start: date, legal_status: str = "V2", placement_type: str = "U6",
              provider: str = "PR1", provider_name: str = "Northmoor foster carers"):
        return self.services.episode_open(
            actor=child.allocated_social_worker, child=child, start_date=start, legal_status=legal_status,
            category_of_need="N1", placement_type=placement_type, provider=provider, provider_name=provider_name,
            home_postcode=CARE_HOME_POSTCODE, postcode=CARE_PLACEMENT_POSTCODE)

    def _allocate(self, episode, iro: User, on: date):
        self.services.iro_allocate(actor=self.manager, episode=episode, iro=iro, start_date=on)

    def _participation(self, child: Child, on: date, code: str) -> str:
        from reviews.rules import participation_codes_for

        allowed = participation_codes_for(child.date_of_birth, on)
        return code if code in allowed else allowed[0]

    def _as_if_booked_earlier(self, review, held_on: date):
        """demo data: a review shown as if booked for the day it was held.

        The service refuses to book a review in the past, rightly. The demo books it for today, then moves the
        booking to the day it took place and recomputes its preparation deadlines from that day (through the
        clock's service), so its pages read like a review that happened. DEMO data only; never in product code.
        """
        from reviews.models import Review, ReviewPaper

        Review.objects.filter(pk=review.pk).update(planned_for=held_on, late_reason="")
        review.refresh_from_db()
        for subject in (review, *ReviewPaper.objects.filter(review=review)):
            for deadline in clock.open_deadlines_for(subject):
                clock.deadline_recompute(deadline=deadline, anchor_date=held_on, actor=self.iro,
                                         reason="Demo data: the review was booked for the day it was held")
        return review

    def _held(self, episode, *, iro: User, held_on: date, code: str = "PN1", decisions=(), circulate: bool = True):
        """A review that took place on ``held_on`` (booked, prepared on time, held), its record written and its
        ``decisions`` made (what, owner: a User, an Agency or a name, due in working days after the review) and
        circulated the next working day."""
        s = self.services
        child = episode.child
        review = s.review_schedule(actor=iro, episode=episode, planned_for=self.today, late_reason=PLACEHOLDER_REASON)
        review = self._as_if_booked_earlier(review, held_on)
        sw = child.allocated_social_worker
        s.review_record_contact(actor=sw, review=review, contacted_on=self.wd(-16, held_on))
        for paper in review.papers.all():
            s.review_paper_received(actor=iro, review=review, kind=paper.kind, received_on=self.wd(-4, held_on))
        review = s.review_hold(actor=iro, review=review, participation=self._participation(child, held_on, code),
                               held_on=held_on)
        name = self._name(child)
        for section in (*s.required_sections(review), "views_of_others", "letter_to_child"):
            s.review_record_save_section(actor=iro, review=review, section=section,
                                         text=RECORD[section].format(child=name), base_revision=0)
        made = []
        for what, owner, days in decisions:
            who = {"owner": owner} if isinstance(owner, User) else (
                {"owner_agency": owner} if isinstance(owner, Agency) else {"owner_name": owner})
            made.append(s.review_decision_add(actor=iro, review=review, description=what.format(child=name),
                                              due_date=self.wd(days, held_on), **who))
        if made and circulate:
            s.review_decisions_circulate(actor=iro, review=review, circulated_on=self.wd(1, held_on))
        return review, made

    def _sign(self, review, iro: User, *, late_reason: str = ""):
        return self.services.review_record_sign(actor=iro, review=review, late_reason=late_reason,
                                                contact_for_child="Phone or text 01632 960 400")

    def _ratify(self, review):
        """Ratified by a team manager of the child's team (the service manager if the team has none)."""
        child = review.episode.child
        manager = (User.objects.filter(is_active=True, memberships__team=child.allocated_team,
                                       memberships__is_active=True, memberships__roles__contains=[Role.TEAM_MANAGER])
                   .order_by("pk").first() or self.logins["service_manager"])
        self.services.review_record_ratify(actor=manager, review=review, ratification="ratified")

    def _agencies(self, child: Child, since: date) -> tuple[Agency, Agency]:
        """The demo health trust and police, involved with the child (their practitioners see the reviews)."""
        health, police = self.health.memberships.get().agency, self.police.memberships.get().agency
        _involve(child, health, "Looked-after children's nurse", since, self.health)
        _involve(child, police, "Officer in the case", since, self.police)
        return health, police

    def _awaiting_iro(self, child: Child):
        """Looked after two working days ago (an emergency placement, the parents agreeing: section 20, V2):
        waiting for the IRO manager. Not an emergency protection order (L2): an EPO lasts 8 days (15 with an
        extension), and the SSDA903 validator takes a period still open as lasting to the reference date, so
        an open L2 in a demo loaded weeks before 31 March fails rule 362 (an EPO over 21 days)."""
        self._open(child, start=self.wd(-2), legal_status="V2", placement_type="U6")

    def _awaiting_first_review(self, child: Child):
        """Looked after eight working days ago; the demo IRO appointed the next day; the first review booked
        for nine working days ahead (due in twelve); the social worker has spoken to the IRO."""
        episode = self._open(child, start=self.wd(-8))
        self._allocate(episode, self.iro, self.wd(-7))
        review = self.services.review_schedule(actor=self.iro, episode=episode, planned_for=self.wd(9))
        self.services.review_record_contact(actor=child.allocated_social_worker, review=review,
                                            contacted_on=self.wd(-7))

    def _decisions_overdue(self, child: Child):
        """The second IRO's child: the first review six weeks ago; three decisions overdue, one not yet due."""
        start = self.wd(-48)
        episode = self._open(child, start=start, legal_status="C1")
        self._allocate(episode, self.iro2, self.wd(2, start))
        health, police = self._agencies(child, start)
        sw = child.allocated_social_worker
        review, _ = self._held(episode, iro=self.iro2, held_on=self.wd(18, start), decisions=(
            ("Update the care plan with the permanence plan", sw, 10),
            ("Arrange {child}'s dental check", health, 15),
            ("Share the record of police call-outs to the family home with the social worker", police, 20),
            ("Set up fortnightly contact with {child}'s brother", sw, 60),
        ))
        self._sign(review, self.iro2, late_reason="The IRO waited for the initial health assessment to be added")

    def _signed_and_ratified(self, child: Child):
        """The first review twelve working days ago: decisions circulated, record signed and ratified on time;
        the social worker's decision done, the health trust's open."""
        start = self.wd(-30)
        episode = self._open(child, start=start, legal_status="C2", placement_type="U4")
        self._allocate(episode, self.iro, self.wd(1, start))
        health, _police = self._agencies(child, start)
        sw = child.allocated_social_worker
        review, made = self._held(episode, iro=self.iro, held_on=self.wd(-12), code="PN1", decisions=(
            ("Update {child}'s personal education plan with the virtual school", sw, 5),
            ("Complete {child}'s review health assessment", health, 25),
        ))
        self.services.review_decision_update(actor=sw, decision=made[0], status="done", done_on=self.wd(-5),
                                             note="PEP meeting held with the virtual school; targets updated")
        self._sign(review, self.iro)
        self._ratify(review)

    def _early_review(self, child: Child):
        """Looked after three weeks ago, the demo IRO appointed; a move to new carers three days ago asked for
        an early review, which the IRO booked for two working days ahead (the social worker spoke to the IRO at
        short notice, late, and says why)."""
        start = self.wd(-15)
        episode = self._open(child, start=start)
        self._allocate(episode, self.iro, self.wd(1, start))
        sw = child.allocated_social_worker
        self.services.placement_change(
            actor=sw, episode=episode, start_date=self.wd(-3), placement_type="U6", provider="PR4",
            provider_name="Moorside Fostering Agency carers", change_reason="CREQB", postcode=CARE_PLACEMENT_POSTCODE,
            early_review_reason="The carers asked for the placement to end after two incidents at home; "
                                "the care plan needs reviewing")
        review = self.services.review_schedule(actor=self.iro, episode=episode, planned_for=self.wd(2))
        self.services.review_record_contact(actor=sw, review=review, contacted_on=self.wd(-2),
                                            late_reason="An early review after a placement move, booked at short "
                                                        "notice")

    def _ended(self, child: Child):
        """Home with the family (E4A) two working days ago, before the first review: its deadlines cancelled."""
        start = self.wd(-12)
        episode = self._open(child, start=start, placement_type="U3", provider_name="Grandparents")
        self._allocate(episode, self.iro2, self.wd(1, start))
        self.services.episode_end(actor=child.allocated_social_worker, episode=episode, end_date=self.wd(-2),
                                  reason="E4A")


def load(*, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print) -> Counter:
    return DemoReviews(la=la, teams=teams, logins=logins, say=say).load()
