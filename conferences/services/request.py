"""Requesting a conference: the social worker asks the conference service for one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Membership, Role, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import ChildProtectionPlan, Conference, ConferenceRecord, Kind
from ..rules import DEADLINE_RULE_FOR_KIND, deadline_label
from ._common import S, _today, _url

if TYPE_CHECKING:
    from cases.models import Child


@transaction.atomic
def conference_request(
    *, actor: User, child: Child, kind: str, strategy_discussion_date: date | None = None,
    transfer_notification_date: date | None = None, transferring_authority: str = "",
    plan: ChildProtectionPlan | None = None, notes: str = "",
) -> Conference:
    """A social worker asks the conference service for a conference. Opens the deadline it must be
    held by (``icpc`` from the strategy discussion, ``transfer_in_conference`` from the notification);
    a review conference works to its plan's open review deadline."""
    child = type(child).objects.select_for_update().get(pk=child.pk)  # one request at a time per child
    kind = Kind(kind)
    today = _today()
    errors: dict[str, str] = {}
    active_plan = ChildProtectionPlan.objects.live().filter(
        child=child, status=ChildProtectionPlan.Status.ACTIVE).first()
    if kind in (Kind.INITIAL, Kind.PRE_BIRTH):
        if strategy_discussion_date is None:
            errors["strategy_discussion_date"] = "Enter the date of the strategy discussion that started the " \
                                                 "section 47 enquiry"
        elif strategy_discussion_date > today:
            errors["strategy_discussion_date"] = "The strategy discussion date must be today or in the past"
        if kind == Kind.PRE_BIRTH and not child.is_unborn:
            errors["kind"] = "A pre-birth conference is for an unborn child; this child's date of birth is recorded"
        if kind == Kind.INITIAL and child.is_unborn:
            errors["kind"] = "For an unborn child, request a pre-birth conference"
        if active_plan:
            errors["kind"] = "This child already has a child protection plan: request a review conference"
    elif kind == Kind.TRANSFER_IN:
        if transfer_notification_date is None:
            errors["transfer_notification_date"] = "Enter the date of the written notification from the other " \
                                                   "authority"
        elif transfer_notification_date > today:
            errors["transfer_notification_date"] = "The notification date must be today or in the past"
        if not transferring_authority.strip():
            errors["transferring_authority"] = "Enter the authority the child is moving from"
        if active_plan:
            errors["kind"] = "This child already has a plan with us: request a review conference"
    elif kind == Kind.REVIEW:
        plan = plan or active_plan
        if plan is None or plan.child_id != child.pk or plan.status != ChildProtectionPlan.Status.ACTIVE:
            errors["kind"] = "A review conference needs an active child protection plan"
    live = Conference.objects.live().filter(child=child, status__in=[S.REQUESTED, S.SCHEDULED, S.HELD])
    if "kind" not in errors and live.exists():
        errors["kind"] = "This child already has a conference requested or booked"
    if errors:
        raise ValidationError(errors)
    conference = Conference(
        child=child, kind=kind, requested_by=actor, requested_at=timezone.now(), created_by=actor,
        strategy_discussion_date=strategy_discussion_date if kind in (Kind.INITIAL, Kind.PRE_BIRTH) else None,
        transfer_notification_date=transfer_notification_date if kind == Kind.TRANSFER_IN else None,
        transferring_authority=transferring_authority.strip() if kind == Kind.TRANSFER_IN else "",
        plan=plan if kind == Kind.REVIEW else None, request_notes=notes.strip(),
    )
    stamp(conference, actor, "Requested")
    conference.save()
    ConferenceRecord.objects.create(conference=conference, updated_by=actor)
    rule = DEADLINE_RULE_FOR_KIND.get(kind)
    if rule:
        clock.deadline_open(subject=conference, rule_key=rule, anchor_date=conference.anchor_date,
                            label=deadline_label(rule), actor=actor, responsible_person=actor,
                            responsible_team=child.allocated_team)
    record_event(events.REQUESTED, actor=actor, subject=conference, payload={"kind": kind})
    service_staff = (Membership.objects.filter(agency=child.local_authority, is_active=True, user__is_active=True,
                                               roles__overlap=[Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR])
                     .values_list("user_id", flat=True).distinct())
    url = _url("conferences:detail", public_id=conference.public_id)
    notify_many([(uid, f"{conference.get_kind_display()} requested: awaiting allocation",
                  "A conference request is waiting for a chair and a date.", url, conference) for uid in service_staff])
    return conference
