"""Demo conferences: what a conference chair of Northmoor sees on a working day.

Built from the demo children through ``conferences.services`` only, so every deadline, notification
and history row is the real one. Dates are relative to today:

- two requests awaiting allocation, one of them due within three working days (at risk);
- three initial conferences booked for the demo chair two, three and five working days ahead (this
  week and next), with the demo police officer, health practitioner and school DSL invited, some
  reports in (on time) and at least one agency yet to report (chased through the clock);
- an initial conference held on the last working day: decided (plan, neglect), minutes in draft
  awaiting the chair's sign-off;
- a plan made about nine weeks ago whose first review is due within six weeks: minutes and decision
  letter sent, two core group meetings, the chair's mid-way audit;
- a transfer-in conference and a pre-birth conference (for an unborn child), booked for the second chair.

Idempotent in the same way as the children: nothing is made while any demo child has a conference
(a world loaded before this module existed gets its conferences on the next run).

Conferences that took place are booked through the service for a placeholder date in the future (the
service rightly refuses a start in the past) and then moved, with their request and report times, to
when they happened: ``_as_if_booked_earlier`` is the one write around the services, for demo data
only. The notifications those conferences raised are marked read (they are weeks old), and the load
sends no email at all (``no_outgoing_email``).

``conferences`` is imported inside the functions: the kernel imports no domain app at import time.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from cases import services as case_services
from cases.models import Child, Involvement, RelationshipKind
from safeguarding.accounts.models import Agency, Role, Team, User
from safeguarding.clock import services as clock
from safeguarding.clock import workdays

Say = Callable[[str], None]

VENUES = ("Northmoor Civic Centre, Conference Room 2", "Eastbridge Family Hub, Meeting Room 1",
          "Northmoor Civic Centre, Conference Room 4")
ONLINE = "https://meet.example.com/northmoor-cp-conference"  # example.com: reserved, never a real meeting
TRANSFERRING_AUTHORITY = "Southvale City Council"  # fictional, as in data.CLOSURE_REASONS
PLACEHOLDER_REASON = ("Demo data: booked for a placeholder date, then moved to the day the conference was held "
                      "(safeguarding/demo/conferences.py)")
# the demo partner logins and their roles when the demo adds their agency's involvement
PARTNER_ROLES = {"police": "Officer in the case", "health": "Health visitor", "school": "Designated safeguarding lead"}


@contextmanager
def no_outgoing_email() -> Iterator[None]:
    """The demo never emails anyone: invitations and notifications the demo makes are 'sent' to nowhere
    (their outbox rows are marked sent) instead of flooding the console or a real mail server."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        yield


@contextmanager
def quiet_pdf_logs() -> Iterator[None]:
    """WeasyPrint and fontTools log each rendering step at INFO: not on the console of a demo load."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(max(lg.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass(frozen=True)
class Wording:
    """What the conference recorded; ``{child}`` is the child's first (or preferred) name."""

    category: str
    record: dict[str, str]
    reports: dict[str, str]  # partner login key (or "la") -> the report's summary
    actions: tuple[tuple[str, str, int], ...]  # (what, who, due: working days after the conference)
    scaling: tuple[int, ...]
    rationale: str


NEGLECT = Wording(
    category="NEG",
    record={
        "child_voice": "{child} said school is the best place because of breakfast club, and that home is 'messy "
                       "and cold'. {child} would like mum to be up in the mornings.",
        "parents_views": "Mother said the house has got on top of her since she lost her job and that she wants "
                         "help with money and with getting to school on time. She does not agree that {child} "
                         "has been harmed.",
        "harm": "Three home visits found little food, no working heating and rubbish in the kitchen. {child} has "
                "missed 14 school sessions this term and has untreated tooth decay.",
        "danger_statements": "Children's services, the police, health and school are worried that if nothing "
                             "changes {child} will go without food, warmth and health care, and their learning "
                             "and development will suffer.",
        "complicating_factors": "Mother's low mood; rent arrears and debt; no family support nearby.",
        "working_well": "Mother has let the social worker in on every visit and is honest about how hard things "
                        "are. {child} is warmly attached to her and does well at school on the days they attend.",
        "safety_goals": "Everyone, {child} included, is confident that {child} has food, a warm home, goes to "
                        "school every day and is taken to health appointments, for at least six months.",
        "professional_dissent": "The health visitor would have preferred a child in need plan; the chair noted "
                                "the dissent and the reasons.",
        "confidential_information": "The police shared information about a third party's history in the closed "
                                    "part of the meeting; it is not shared with the family.",
    },
    reports={
        "la": "Child and family assessment and section 47 enquiry completed; home conditions poor on three visits; "
              "recommendation: child protection plan under the category of neglect.",
        "police": "No criminal investigation. Two welfare checks at the address in the last year; both found the "
                  "home cold and short of food.",
        "health": "Two missed dental appointments and a missed hearing test; growth is along the lower centiles.",
        "school": "Attendance 81% this term; often arrives hungry and without a coat; a warm and friendly pupil.",
    },
    actions=(
        ("Unannounced home visits every week to check food, heating and home conditions", "Lead social worker", 60),
        ("School to telephone mother by 9:30am on any day of absence and record attendance daily", "School", 30),
        ("Dental appointment booked and attended", "Health visitor or school nurse", 20),
        ("Referral to the Northmoor Family Support Project for help with budgeting and routines",
         "Lead social worker", 10),
    ),
    scaling=(3, 4, 3, 5),
    rationale="Neglect is likely to cause significant harm: the home has been without food and heating on three "
              "visits and health needs are not met. A child protection plan is needed.",
)

EMOTIONAL = Wording(
    category="EMO",
    record={
        "child_voice": "{child} drew a 'three houses' picture: the house of worries has shouting at night and "
                       "'dad banging the door'. The house of good things has gran's house and football.",
        "parents_views": "Mother said things have been calmer since father moved out and that she wants {child} "
                         "to feel safe. Father did not attend and sent no views.",
        "harm": "Police were called to arguments between the parents three times in six months; {child} was at "
                "home each time and was found hiding upstairs once. {child} is anxious and wets the bed.",
        "danger_statements": "Everyone is worried that if the parents' arguments and violence carry on, {child} "
                             "will keep living with fear and their emotional health will be harmed.",
        "complicating_factors": "Father's alcohol use; mother's wish to reconcile; father still has a key to the "
                                "house.",
        "working_well": "Mother has called the police when she felt unsafe and took {child} to gran's. {child} "
                        "has a close bond with gran and a trusted teacher at school.",
        "safety_goals": "{child} lives without shouting and violence at home and says they feel safe, and "
                        "everyone, {child} included, sees this for six months.",
        "professional_dissent": "",
        "confidential_information": "Information from the police about father's previous partner was shared in "
                                    "the closed part of the meeting; it is not shared with the family.",
    },
    reports={
        "la": "Section 47 enquiry completed after three domestic abuse call-outs; recommendation: child protection "
              "plan under the category of emotional abuse.",
        "police": "Three call-outs for domestic abuse in six months (DASH: medium, medium, high); father cautioned "
                  "once.",
        "health": "Bed-wetting and poor sleep reported by mother; referral to the school nurse made.",
        "school": "Tired and tearful on Mondays; attendance 93%; talks to the class teacher about worries at home.",
    },
    actions=(
        ("Safety plan agreed with mother, including who she will call if father comes to the house",
         "Lead social worker", 5),
        ("Mother offered a place on the Freedom Programme", "Northmoor Family Support Project", 20),
        ("Direct work with {child} about their worries (three sessions)", "Lead social worker", 30),
        ("Police to tell the social worker of any call-out to the address within 24 hours", "Police", 60),
    ),
    scaling=(4, 5, 4, 6),
    rationale="Repeated domestic abuse in the home is likely to cause significant emotional harm; a child "
              "protection plan is needed.",
)


class DemoConferences:
    def __init__(self, *, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print):
        from conferences import selectors, services

        self.services, self.selectors = services, selectors
        self.la, self.teams, self.logins, self.say = la, teams, logins, say
        self.today = timezone.localdate()
        self.closed = clock.closures()
        self.created: Counter = Counter()
        self.used: set[int] = set()
        self.used_families: set[int] = set()
        self.chair = logins["chair"]
        self.chair2 = logins["chair2"]
        self.admin = logins["admin"]
        self.placeholder_days = 0
        self.booked = 0

    # --- dates ----------------------------------------------------------------------------------
    def wd(self, n: int, start: date | None = None) -> date:
        """``n`` working days after (or before) ``start`` (today)."""
        return workdays.add_working_days(start or self.today, n, self.closed)

    # --- the load -------------------------------------------------------------------------------
    def load(self) -> Counter:
        from conferences.models import Conference

        existing = Conference.objects.filter(child__local_authority=self.la).count()
        if existing:
            self.say(f"Skipped demo conferences: {self.la.name} already has {existing}.")
            return self.created
        chairs = User.objects.filter(pk__in=[self.chair.pk, self.chair2.pk], is_active=True,
                                     memberships__agency=self.la, memberships__is_active=True,
                                     memberships__roles__contains=[Role.CONFERENCE_CHAIR]).distinct().count()
        if chairs < 2 or not self.admin.is_active:
            self.say("Skipped demo conferences: the demo conference chairs and administrator must be active, "
                     f"as chairs of {self.la.name}.")
            return self.created
        # The first booking is two working days ahead: reports are due today (a local rule), so those in
        # arrive on time and the one missing is being chased.
        steps = (  # the booked ones first: they want children of primary school age
            ("booked conference", lambda c: self._booked(c, strategy=self.wd(-10), day=self.wd(2), hour=10,
                                                         reports=("la", "police", "health"), share=True,
                                                         minute_taker=True)),
            ("booked conference", lambda c: self._booked(c, strategy=self.wd(-11), day=self.wd(3), hour=13,
                                                         minute=30, reports=("health", "la"))),
            ("booked conference", lambda c: self._booked(c, strategy=self.wd(-9), day=self.wd(5), hour=10)),
            ("conference held: minutes awaiting sign-off", self._held_yesterday),
            ("plan due for review", self._plan_due_for_review),
            ("request due soon (at risk)", lambda c: self._request(c, strategy=self.wd(-13))),
            ("request", lambda c: self._request(c, strategy=self.wd(-2))),
            ("transfer-in conference", self._transfer_in),
        )
        teams = [self.teams[k] for k in ("assessment", "cin") if k in self.teams]
        cp_team = [self.teams["cp"]] if "cp" in self.teams else []
        for what, make in steps:
            prefer = cp_team if what == "plan due for review" else teams
            booked = what == "booked conference"
            child = self._pick(prefer_teams=prefer, ages=(4, 10) if booked else (0, 17), at_school=booked)
            if child is None:
                self.say(f"  no child left for a demo {what}: skipped")
                continue
            make(child)
        unborn = self._pick(unborn=True)
        if unborn is None:
            self.say("  no unborn child for a demo pre-birth conference: skipped")
        else:
            self._pre_birth(unborn)
        total = Conference.objects.filter(child__local_authority=self.la).count()
        if total:
            self.created["conferences"] = total
            self.say(f"  created {total} conferences")
        return self.created

    # --- choosing children ----------------------------------------------------------------------
    def _pick(self, *, prefer_teams=(), ages=(0, 17), at_school: bool = False, unborn: bool = False) -> Child | None:
        """The first suitable child (by id): open, not restricted, no conference, allocated to a social
        worker, from a family not used yet; those known to the demo school (``at_school``), of the
        preferred teams and ages first."""
        qs = (Child.objects.filter(local_authority=self.la, status=Child.Status.OPEN, restricted=False,
                                   entered_in_error_at__isnull=True, allocated_social_worker__isnull=False,
                                   allocated_social_worker__is_active=True, conferences__isnull=True)
              .exclude(pk__in=self.used).select_related("allocated_social_worker", "allocated_team")
              .order_by("pk"))
        qs = qs.filter(date_of_birth__isnull=True, expected_date_of_birth__isnull=False) if unborn else \
            qs.filter(date_of_birth__isnull=False)
        candidates = list(qs)

        def age(c: Child) -> int:
            return (self.today - c.date_of_birth).days * 100 // 36525

        def family(c: Child) -> set[int]:
            return set(c.relationships.filter(kind__in=[RelationshipKind.MOTHER, RelationshipKind.FATHER])
                       .values_list("adult_id", flat=True))

        tiers = []
        if not unborn:
            team_ids = {t.pk for t in prefer_teams}
            if at_school:  # known to the demo school (a booked conference invites its DSL)
                school = self.logins["school"].memberships.get().agency
                known = set(Involvement.objects.filter(agency=school, end_date__isnull=True,
                                                       entered_in_error_at__isnull=True,
                                                       child__in=[c.pk for c in candidates])
                            .values_list("child_id", flat=True))
                tiers.append([c for c in candidates if c.pk in known and c.allocated_team_id in team_ids])
                tiers.append([c for c in candidates if c.pk in known])
            tiers.append([c for c in candidates if c.allocated_team_id in team_ids and ages[0] <= age(c) <= ages[1]])
            tiers.append([c for c in candidates if c.allocated_team_id in team_ids])
            tiers.append([c for c in candidates if ages[0] <= age(c) <= ages[1]])
        tiers.append(candidates)
        for tier in tiers:
            for child in tier:
                adults = family(child)
                if adults & self.used_families:
                    continue
                self.used.add(child.pk)
                self.used_families |= adults
                return child
        return None

    @staticmethod
    def _name(child: Child) -> str:
        return child.preferred_name or (child.legal_first_names.split() or ["the child"])[0]

    def _ensure_partners(self, child: Child, since: date, keys=("police", "health", "school")) -> None:
        """The demo police officer, health practitioner and school DSL know the child (adding their
        agency's involvement where there is none): they are invited and see the conference."""
        open_involvements = Involvement.objects.filter(child=child, end_date__isnull=True,
                                                       entered_in_error_at__isnull=True)
        age = (self.today - child.date_of_birth).days // 365 if child.date_of_birth else None
        for key in keys:
            login = self.logins[key]
            agency = login.memberships.get().agency
            if open_involvements.filter(agency=agency).exists():
                continue
            if key == "school":
                at_another_school = open_involvements.filter(agency__kind=agency.kind).exists()
                if at_another_school or age is None or not 4 <= age <= 10:  # Oakfield is a primary school
                    continue
            role = PARTNER_ROLES[key]
            if key == "health":
                role = "Community midwife" if age is None else "Health visitor" if age < 5 else "School nurse"
            start = max(since, child.date_of_birth or since)
            case_services.involvement_add(child=child, actor=child.allocated_social_worker, agency=agency, role=role,
                                          start_date=start, professional=login)
            self.created["involvements"] += 1

    # --- the steps through the services ---------------------------------------------------------
    def _request(self, child: Child, *, strategy: date):
        return self.services.conference_request(actor=child.allocated_social_worker, child=child, kind="initial",
                                                strategy_discussion_date=strategy)

    def _invite_everyone(self, conference) -> list:
        """Everyone the service proposes; and by hand, the demo partner practitioners of the agencies
        involved whom the proposals name someone else for (a DSL as well as the class teacher)."""
        s = self.services
        out = [s.invitation_add(actor=self.admin, conference=conference, kind=p.kind, name=p.name, role=p.role,
                                email=p.email, adult_id=p.adult_id, involvement_id=p.involvement_id,
                                user_id=p.user_id, agency_id=p.agency_id)
               for p in self.selectors.invitees_proposed(conference=conference)]
        for key in PARTNER_ROLES:
            login = self.logins[key]
            agency = login.memberships.get().agency
            invited = conference.invitations.filter(entered_in_error_at__isnull=True)
            if invited.filter(agency=agency).exists() and not invited.filter(user=login).exists():
                out.append(s.invitation_add(
                    actor=self.admin, conference=conference, kind="professional", name=login.full_name,
                    role=f"{login.job_title}, {agency.name}", email=login.email, user_id=login.pk,
                    agency_id=agency.pk))
        return out

    def _agency_of(self, key: str) -> Agency:
        return self.la if key == "la" else self.logins[key].memberships.get().agency

    def _author(self, conference, key: str) -> User:
        """Who writes the agency's report: the demo login, or the professional invited from that agency."""
        if key == "la":
            return conference.child.allocated_social_worker
        agency = self._agency_of(key)
        invited = conference.invitations.filter(agency=agency, user__isnull=False).select_related("user").first()
        return invited.user if invited else self.logins[key]

    def _submit_reports(self, conference, keys, wording: Wording, share: bool = False,
                        shared_on: date | None = None) -> None:
        """The reports of the agencies ``keys`` ("la": the social work report, shared with the parents on
        ``shared_on`` (today) when ``share``)."""
        s = self.services
        invited = set(conference.invitations.values_list("agency_id", flat=True))
        for key in keys:
            agency = self._agency_of(key)
            if key != "la" and agency.pk not in invited:
                continue
            s.report_submit(actor=self._author(conference, key), conference=conference, agency=agency,
                            summary=wording.reports[key].format(child=self._name(conference.child)),
                            recommendation="Child protection plan" if key == "la" else "")
            self.created["agency reports"] += 1
            if key == "la" and share:
                s.report_share_with_parents(actor=conference.child.allocated_social_worker,
                                            report=conference.reports.get(is_social_work_report=True),
                                            shared_on=shared_on or self.today)

    def _book(self, conference, *, chair: User, starts_at: datetime, venue: str = "", online: str = "",
              minute_taker: User | None = None, late_reason: str = ""):
        return self.services.conference_schedule(
            actor=self.admin, conference=conference, chair=chair, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2), venue=venue, online_link=online, minute_taker=minute_taker,
            late_reason=late_reason)

    def _booked(self, child: Child, *, strategy: date, day: date, hour: int, minute: int = 0, reports=(),
                share: bool = False, minute_taker: bool = False, wording: Wording = NEGLECT):
        """An initial conference booked for the demo chair; the agencies of ``reports`` have reported since
        (on time), the others not yet; ``share``: the social work report is shared with the parents."""
        s = self.services
        self._ensure_partners(child, strategy)
        conference = self._request(child, strategy=strategy)
        self._invite_everyone(conference)
        self.booked += 1
        conference = self._book(conference, chair=self.chair, starts_at=at(day, hour, minute),
                                venue=VENUES[self.booked % len(VENUES)],
                                minute_taker=self.admin if minute_taker else None)
        self._submit_reports(conference, reports, wording, share=share)
        for inv in conference.invitations.filter(kind="professional", user__isnull=False):
            s.invitation_set_attendance(actor=self.admin, invitation=inv, attendance="accepted")
        return conference

    def _placeholder_start(self) -> datetime:
        """A future slot nobody else is booked into (the demo's placeholder for a conference already held)."""
        self.placeholder_days += 1
        return at(self.today + timedelta(days=3 * 365 + self.placeholder_days), 7)

    def _as_if_booked_earlier(self, conference, *, starts_at: datetime, requested_on: date, reports_on: date):
        """demo data: history shown as if booked earlier.

        The service refuses to book a conference in the past, rightly. The demo books it through the
        service for a placeholder date in the future, then moves the booking (and the request and
        report times that go with it) to when the conference took place, so its pages read like a
        conference that happened. Acceptable for DEMO data only; never do this in product code.
        """
        from conferences.models import AgencyReport, Conference

        Conference.objects.filter(pk=conference.pk).update(
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), late_reason="",
            requested_at=at(requested_on, 9, 30))
        AgencyReport.objects.filter(conference=conference).update(submitted_at=at(reports_on, 15))
        conference.refresh_from_db()
        return conference

    def _as_if_signed_on(self, conference, day: date) -> None:
        """demo data: minutes shown as if signed off on ``day`` (the service signs them now, rightly).

        Like ``_as_if_booked_earlier``: the signed minutes are moved to the day they were signed in this
        story and their two PDFs made again from them, so that nothing reads as signed after it was sent
        (tests/test_demo_world.py). DEMO data only; never do this in product code."""
        import hashlib

        from conferences import documents
        from conferences.models import Document, Minutes

        minutes = conference.minutes.get(status=Minutes.Status.SIGNED, version=1)
        Minutes.objects.filter(pk=minutes.pk).update(signed_at=at(day, 16))
        minutes.refresh_from_db()
        with quiet_pdf_logs():
            for document in Document.objects.filter(minutes=minutes):
                content = documents.render_minutes(minutes, document.copy)
                Document.objects.filter(pk=document.pk).update(
                    content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content))

    def _mark_read(self, conference) -> None:
        """The notifications a conference that already happened raised were read long ago."""
        from safeguarding.notify.models import Notification
        from safeguarding.notify.services import notification_mark_read

        notes = Notification.objects.filter(url__contains=str(conference.public_id), read_at__isnull=True)
        by_recipient: dict[int, list[int]] = {}
        for pk, recipient_id in notes.values_list("pk", "recipient_id"):
            by_recipient.setdefault(recipient_id, []).append(pk)
        for recipient in User.objects.filter(pk__in=by_recipient):
            notification_mark_read(recipient=recipient, notification_ids=by_recipient[recipient.pk])

    def _held(self, child: Child, *, strategy: date, held_on: date, chair: User, wording: Wording):
        """An initial conference that took place on ``held_on`` and decided on a plan."""
        s = self.services
        name = self._name(child)
        self._ensure_partners(child, strategy)
        conference = self._request(child, strategy=strategy)
        invitations = self._invite_everyone(conference)
        reports_on = self.wd(-3, held_on)
        self._submit_reports(conference, ("la", "police", "health", "school"), wording, share=True,
                             shared_on=self.wd(-2, held_on))
        conference = self._book(conference, chair=chair, starts_at=self._placeholder_start(), venue=VENUES[0],
                                late_reason=PLACEHOLDER_REASON)
        conference = self._as_if_booked_earlier(conference, starts_at=at(held_on, 10),
                                                requested_on=self.wd(1, strategy), reports_on=reports_on)
        for section, text in wording.record.items():
            s.record_save_section(actor=chair, conference=conference, section=section,
                                  text=text.format(child=name), base_revision=0)
        reported = set(conference.reports.values_list("agency_id", flat=True))
        mother_seen = False
        for inv in invitations:
            if inv.kind == "professional":
                attended = inv.agency_id == self.la.pk or inv.user_id or inv.agency_id in reported
                attendance = "attended" if attended else "apologies"
            elif inv.kind == "parent" and not mother_seen:
                attendance, mother_seen = "attended", True
            else:
                attendance = "apologies"
            s.invitation_set_attendance(actor=chair, invitation=inv, attendance=attendance)
        present = [i for i in conference.invitations.filter(attendance="attended").order_by("kind", "pk")]
        for inv, score in zip(present, wording.scaling, strict=False):
            s.scaling_record(actor=chair, conference=conference, participant=f"{inv.name} ({inv.role})"
                             if inv.role else inv.name, score=score, invitation=inv)
        conference = s.conference_hold(actor=chair, conference=conference, held_on=held_on,
                                       quorum_override_reason="Children's social care and the agencies who know "
                                                              "the family best were present")
        sw = child.allocated_social_worker
        members = [s.MemberInput(name=sw.full_name, role="Lead social worker", user_id=sw.pk, agency_id=self.la.pk)]
        for inv in conference.invitations.filter(attendance="attended").exclude(user=sw).order_by("kind", "pk"):
            if inv.kind == "parent":
                members.append(s.MemberInput(name=inv.name, role=inv.role, adult_id=inv.adult_id))
            elif inv.kind == "professional":
                members.append(s.MemberInput(name=inv.name, role=inv.role, user_id=inv.user_id,
                                             agency_id=inv.agency_id))
        actions = [s.ActionInput(description=what.format(child=name), owner_name=who,
                                 due_date=self.wd(days, held_on),
                                 owner_id=sw.pk if who == "Lead social worker" else None)
                   for what, who, days in wording.actions]
        s.conference_decide(actor=chair, conference=conference, outcome="plan", category=wording.category,
                            lead_social_worker=sw, core_group=members, actions=actions,
                            rationale=wording.rationale)
        self._mark_read(conference)
        conference.refresh_from_db()
        return conference

    def _held_yesterday(self, child: Child):
        """Held on the last working day, decided: a plan (neglect); the minutes are a draft awaiting sign-off."""
        return self._held(child, strategy=self.wd(-12), held_on=self.wd(-1), chair=self.chair, wording=NEGLECT)

    def _plan_due_for_review(self, child: Child):
        """A plan made about nine weeks ago (emotional abuse): decision letter and minutes sent on time, two
        core group meetings and the chair's mid-way audit; its first review is due within six weeks."""
        s = self.services
        held_on = workdays.previous_working_day(self.today - timedelta(days=63), self.closed)
        conference = self._held(child, strategy=self.wd(-11, held_on), held_on=held_on, chair=self.chair,
                                wording=EMOTIONAL)
        plan = conference.plan
        recipients = list(conference.invitations.filter(entered_in_error_at__isnull=True))
        try:  # the PDFs (four renders, about a second): without them the minutes stay a draft, deadlines open
            with transaction.atomic(), quiet_pdf_logs():
                s.minutes_sign(actor=self.chair, minutes=conference.minutes.get(status="draft"))
                s.decision_letter_publish(actor=self.chair, conference=conference)
        except (ImportError, OSError) as exc:  # WeasyPrint's system libraries missing
            self.say(f"  could not render the demo PDFs ({exc}): a second set of minutes stays in draft")
        else:
            s.documents_distribute(actor=self.admin, conference=conference, kind="decision_letter",
                                   invitations=recipients, method="secure_email", sent_on=self.wd(1, held_on))
            self._as_if_signed_on(conference, self.wd(11, held_on))  # the day before they were sent
            s.documents_distribute(actor=self.admin, conference=conference, kind="minutes", invitations=recipients,
                                   method="secure_email", sent_on=self.wd(12, held_on))
        members = list(plan.core_group.values_list("pk", flat=True))
        first = self.wd(8, held_on)
        second = self.wd(28, held_on)
        s.core_group_meeting_record(
            actor=plan.lead_social_worker, plan=plan, held_on=first, attendee_ids=members, next_meeting_on=second,
            progress="Safety plan agreed and signed by mother. Freedom Programme place offered; mother is on the "
                     "waiting list. Direct work with the child has started.")
        s.core_group_meeting_record(
            actor=plan.lead_social_worker, plan=plan, held_on=second, attendee_ids=members[:-1] or members,
            next_meeting_on=self.wd(20, second),
            progress="No police call-outs since the conference. Mother attends the Freedom Programme weekly. The "
                     "child says home is 'quieter'; bed-wetting is less frequent.")
        progress = ("done", "in_progress", "in_progress", "in_progress")
        for action, state in zip(plan.actions.order_by("pk"), progress, strict=False):
            s.plan_action_update(actor=plan.lead_social_worker, action=action, progress=state)
        s.midway_audit_record(
            actor=self.chair, plan=plan, audited_on=min(self.wd(30, held_on), self.today),
            progress="Core group meeting regularly; actions on track. The child has been seen alone at every visit.",
            concerns="Father's contact arrangements are not yet agreed; raised with the team manager.")
        return conference

    def _transfer_in(self, child: Child):
        """A child who moved in on a plan elsewhere, booked online for the second chair."""
        s = self.services
        notified = self.wd(-3)
        self._ensure_partners(child, notified, keys=("health",))
        conference = s.conference_request(
            actor=child.allocated_social_worker, child=child, kind="transfer_in",
            transfer_notification_date=notified, transferring_authority=TRANSFERRING_AUTHORITY,
            notes="Subject to a child protection plan (neglect) in Southvale since last spring; the family moved "
                  "into the borough last month.")
        self._invite_everyone(conference)
        return self._book(conference, chair=self.chair2, starts_at=at(self.wd(8), 14), online=ONLINE)

    def _pre_birth(self, child: Child):
        """An unborn child: pre-birth conference booked for the second chair."""
        s = self.services
        strategy = self.wd(-4)
        self._ensure_partners(child, strategy, keys=("police", "health"))
        conference = s.conference_request(actor=child.allocated_social_worker, child=child, kind="pre_birth",
                                          strategy_discussion_date=strategy,
                                          notes="Previous children removed from mother's care; domestic abuse.")
        self._invite_everyone(conference)
        return self._book(conference, chair=self.chair2, starts_at=at(self.wd(4), 10), venue=VENUES[1])


def load(*, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print) -> Counter:
    return DemoConferences(la=la, teams=teams, logins=logins, say=say).load()
