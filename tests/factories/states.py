"""Factories named after states, for tests that are not about the transition itself.

Each one builds its state the way the product does: through the public services
(``conferences.services``, ``safeguarding.clock.services``), so that the deadlines, events, history
and notifications that go with the state are there too; a simple state (an overdue deadline) is
written directly. A test about a transition keeps calling the service itself.

    conference = BookedConferenceFactory()                   # scheduled with a chair, tomorrow at 10:00
    conference = HeldConferenceFactory(child__allocated_social_worker=social_worker)
    plan = ActivePlanFactory()                               # decided "plan" by the conference's chair
    child = ChildWithPlanFactory()
    deadline = OpenDeadlineFactory(subject=child, rule_key="icpc", responsible_person=social_worker)

Times: "today" is whatever the clock says when the factory runs (freeze it first when dates matter).
A conference that has been held was requested and booked a week before ``held_on``: the factory
freezes the clock at that earlier moment for the request and the booking, as a story test would.

Everyone a state needs is made in the child's local authority unless passed in: the allocated social
worker and team (``AllocatedChildFactory``), a conference chair, and a police officer and a health
visitor who are invited (and, once held, attended, so the conference is quorate).
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from freezegun import freeze_time

from cases.models import Child
from conferences import services as conference_services
from conferences.models import ChildProtectionPlan, Conference, Invitation, Kind
from safeguarding.accounts.models import Role
from safeguarding.clock import rules as clock_rules
from safeguarding.clock import services as clock_services
from safeguarding.clock import workdays
from safeguarding.clock.models import Deadline

from . import ChildFactory, HealthFactory, PoliceFactory, TeamFactory, make_user

__all__ = [
    "ActivePlanFactory",
    "AllocatedChildFactory",
    "BookedConferenceFactory",
    "ChildWithPlanFactory",
    "DecidedConferenceFactory",
    "HeldConferenceFactory",
    "MetDeadlineFactory",
    "OpenDeadlineFactory",
    "OverdueDeadlineFactory",
    "RequestedConferenceFactory",
]

INVITED_AGENCIES = ((PoliceFactory, "Public protection officer"), (HealthFactory, "Health visitor"))


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _next_working_day(day: datetime.date) -> datetime.date:
    return workdays.add_working_days(day, 1)


# --- children ------------------------------------------------------------------------------------------


class AllocatedChildFactory(ChildFactory):
    """An open child allocated to a team of its local authority and to a social worker in that team."""

    allocated_team = factory.SubFactory(TeamFactory, agency=factory.SelfAttribute("..local_authority"))
    allocated_social_worker = factory.LazyAttribute(
        lambda o: make_user(o.local_authority, Role.SOCIAL_WORKER, team=o.allocated_team))


# --- conferences -----------------------------------------------------------------------------------------


class RequestedConferenceFactory(factory.Factory):
    """An initial child protection conference requested by the child's social worker: status
    ``requested``, its ``icpc`` deadline open from the strategy discussion (default: today)."""

    class Meta:
        model = Conference

    child = factory.SubFactory(AllocatedChildFactory)
    social_worker = factory.LazyAttribute(lambda o: o.child.allocated_social_worker)
    kind = Kind.INITIAL
    strategy_discussion_date = factory.LazyFunction(timezone.localdate)

    @classmethod
    def _create(cls, model_class, **kw):
        return cls._request(**kw)

    @staticmethod
    def _request(*, child, social_worker, kind, strategy_discussion_date, **_):
        if strategy_discussion_date is not None:  # the referral that led to the enquiry: the child is in need
            _in_need(child, social_worker, strategy_discussion_date)
        return conference_services.conference_request(
            actor=social_worker, child=child, kind=kind, strategy_discussion_date=strategy_discussion_date)


def _in_need(child, actor, since: datetime.date) -> None:
    """The child's open episode of need (``cases.ChildInNeedEpisode``), referred by the police on ``since``
    for abuse or neglect, unless one is open already (the CIN census's referral for the child's enquiry)."""
    from cases import services as case_services
    from cases.models import ChildInNeedEpisode

    if not ChildInNeedEpisode.objects.live().filter(child=child, closure_date__isnull=True).exists():
        case_services.cin_episode_open(child=child, actor=actor, referral_date=since, referral_source="6",
                                       primary_need="N1")


def _invite(conference: Conference, *, chair, social_worker, invitees) -> list[Invitation]:
    """The social worker (for the local authority) and each (agency, person, role) in ``invitees``."""
    child = conference.child
    out = [conference_services.invitation_add(
        actor=chair, conference=conference, kind=Invitation.InviteeKind.PROFESSIONAL, name=social_worker.full_name,
        role="Social worker", agency_id=child.local_authority_id, user_id=social_worker.pk)]
    for agency, person, role in invitees:
        out.append(conference_services.invitation_add(
            actor=chair, conference=conference, kind=Invitation.InviteeKind.PROFESSIONAL, name=person.full_name,
            role=role, agency_id=agency.pk, user_id=person.pk))
    return out


def _default_invitees(o) -> list[tuple]:
    people = []
    for agency_factory, role in INVITED_AGENCIES:
        agency = agency_factory()
        people.append((agency, make_user(agency, Role.PARTNER_PRACTITIONER, full_name=f"{role} {agency.pk}"), role))
    return people


class BookedConferenceFactory(RequestedConferenceFactory):
    """Requested, the social worker, a police officer and a health visitor invited, then booked
    (``scheduled``) with a chair of the child's authority: by default on the next working day at 10:00
    for two hours, within the ``icpc`` due date. The report deadlines of the invited agencies are open."""

    chair = factory.LazyAttribute(lambda o: make_user(o.child.local_authority, Role.CONFERENCE_CHAIR))
    invitees = factory.LazyAttribute(_default_invitees)  # [(agency, person, role)]
    starts_at = factory.LazyFunction(lambda: _at(_next_working_day(timezone.localdate()), 10))
    venue = "Northmoor Civic Centre"

    @classmethod
    def _create(cls, model_class, **kw):
        return cls._book(cls._request(**kw), **kw)

    @staticmethod
    def _book(conference, *, chair, social_worker, invitees, starts_at, venue, **_):
        _invite(conference, chair=chair, social_worker=social_worker, invitees=invitees)
        return conference_services.conference_schedule(
            actor=chair, conference=conference, chair=chair, starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2), venue=venue)


class HeldConferenceFactory(BookedConferenceFactory):
    """Booked a week before ``held_on`` (default: the last working day before today), everyone invited
    attended (quorate), and held on ``held_on``: the ``icpc`` deadline met on time."""

    held_on = factory.LazyFunction(lambda: workdays.add_working_days(timezone.localdate(), -1))
    strategy_discussion_date = factory.LazyAttribute(lambda o: o.held_on - datetime.timedelta(days=7))
    starts_at = factory.LazyAttribute(lambda o: _at(o.held_on, 10))

    @classmethod
    def _create(cls, model_class, **kw):
        with freeze_time(_at(kw["strategy_discussion_date"], 9)):
            conference = cls._book(cls._request(**kw), **kw)
        return cls._hold(conference, **kw)

    @staticmethod
    def _hold(conference, *, chair, held_on, **_):
        with freeze_time(_at(held_on, 13)):
            for invitation in conference.invitations.filter(entered_in_error_at__isnull=True):
                conference_services.invitation_set_attendance(
                    actor=chair, invitation=invitation, attendance=Invitation.Attendance.ATTENDED)
            return conference_services.conference_hold(actor=chair, conference=conference, held_on=held_on)


class DecidedConferenceFactory(HeldConferenceFactory):
    """Held, then decided by its chair: a child protection plan (``category``, default neglect) with
    the social worker as lead and in the core group and one action; the minutes are drafted, the
    ``outline_plan``, ``conference_minutes``, ``core_group_first`` and ``rcpc_first`` deadlines open."""

    category = "NEG"

    @classmethod
    def _create(cls, model_class, **kw):
        conference = super()._create(model_class, **kw)
        return cls._decide(conference, **kw)

    @staticmethod
    def _decide(conference, *, chair, social_worker, held_on, category, **_):
        with freeze_time(_at(held_on, 13, 30)):
            conference_services.conference_decide(
                actor=chair, conference=conference, outcome="plan", category=category,
                lead_social_worker=social_worker,
                core_group=[conference_services.MemberInput(name=social_worker.full_name, role="Lead social worker",
                                                            user_id=social_worker.pk)],
                actions=[conference_services.ActionInput(description="Home conditions checked weekly",
                                                         owner_name="Lead social worker",
                                                         due_date=held_on + datetime.timedelta(days=28))],
            )
        return Conference.objects.get(pk=conference.pk)


class ActivePlanFactory(DecidedConferenceFactory):
    """The active child protection plan a conference has just made (see ``DecidedConferenceFactory``)."""

    class Meta:
        model = ChildProtectionPlan

    @classmethod
    def _create(cls, model_class, **kw):
        conference = super()._create(model_class, **kw)
        return ChildProtectionPlan.objects.get(pk=conference.plan_id)


class ChildWithPlanFactory(ActivePlanFactory):
    """A child with an active child protection plan (see ``ActivePlanFactory``)."""

    class Meta:
        model = Child

    @classmethod
    def _create(cls, model_class, **kw):
        plan = super()._create(model_class, **kw)
        return Child.objects.get(pk=plan.child_id)


# --- deadlines -------------------------------------------------------------------------------------------


def _label(o) -> str:
    subject = o.subject
    reference = getattr(subject, "local_child_id", "") or f"#{subject.pk}"
    return f"{clock_rules.get(o.rule_key).description} ({reference})"


class OpenDeadlineFactory(factory.Factory):
    """An open deadline under ``rule_key`` (default ``icpc``) for ``subject`` (default a new child),
    opened through ``deadline_open`` from ``anchor_date`` (default today): due date from the rule."""

    class Meta:
        model = Deadline

    subject = factory.SubFactory(ChildFactory)
    rule_key = "icpc"
    anchor_date = factory.LazyFunction(timezone.localdate)
    label = factory.LazyAttribute(_label)
    responsible_person = None
    responsible_team = None
    actor = None

    @classmethod
    def _create(cls, model_class, **kw):
        return cls._open(**kw)

    @staticmethod
    def _open(*, subject, rule_key, anchor_date, label, responsible_person, responsible_team, actor, **_):
        return clock_services.deadline_open(
            subject=subject, rule_key=rule_key, anchor_date=anchor_date, label=label, actor=actor,
            responsible_person=responsible_person, responsible_team=responsible_team)


class OverdueDeadlineFactory(OpenDeadlineFactory):
    """Opened 60 days ago (so past its due date for every working-day rule) and marked overdue, as the
    reminder sweep marks it."""

    anchor_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))

    @classmethod
    def _create(cls, model_class, **kw):
        deadline = cls._open(**kw)
        assert deadline.due_date < timezone.localdate(), "choose an anchor_date that makes the deadline overdue"
        Deadline.objects.filter(pk=deadline.pk).update(status=Deadline.Status.OVERDUE)
        deadline.refresh_from_db()
        return deadline


class MetDeadlineFactory(OpenDeadlineFactory):
    """Opened, then met on ``met_on`` (default the anchor date: on time) through ``deadline_meet``."""

    met_on = factory.SelfAttribute("anchor_date")
    late_reason = ""

    @classmethod
    def _create(cls, model_class, **kw):
        deadline = cls._open(**kw)
        return clock_services.deadline_meet(deadline=deadline, met_on=kw["met_on"], actor=kw["actor"],
                                            late_reason=kw["late_reason"])


def subject_deadlines(subject, rule_key: str | None = None):
    """The deadlines of ``subject`` (optionally under one rule), for assertions on a built state."""
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
                                 subject_id=subject.pk)
    return qs.filter(rule_key=rule_key) if rule_key else qs
