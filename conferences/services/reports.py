"""Agency reports: submitted by the invited agencies (and the social work report), shared with parents."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from .. import events
from ..models import AgencyReport, Conference, Invitation
from ..policies import report_policy
from ..rules import deadline_label
from ._common import S, _lock, _today, _url


def _report_deadlines(conference: Conference):
    from django.contrib.contenttypes.models import ContentType

    inv_ids = list(conference.invitations.values_list("pk", flat=True))
    conf_ct = ContentType.objects.get_for_model(Conference)
    inv_ct = ContentType.objects.get_for_model(Invitation)
    return list(Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES).filter(
        Q(subject_type=inv_ct, subject_id__in=inv_ids, rule_key="conference_reports")
        | Q(subject_type=conf_ct, subject_id=conference.pk, rule_key="parents_report_share")))


def _open_report_deadlines(conference: Conference, actor, only=None) -> None:
    """Reports are due a local number of working days before the conference: one deadline per invited
    professional (so the reminders chase the person), and the social work report's sharing with parents."""
    day = timezone.localtime(conference.starts_at).date()
    invitations = only if only is not None else conference.invitations.live().filter(
        kind=Invitation.InviteeKind.PROFESSIONAL)
    reported = set(conference.reports.live().values_list("agency_id", flat=True))
    for inv in invitations:
        if inv.kind != Invitation.InviteeKind.PROFESSIONAL or inv.agency_id in reported:
            continue
        clock.deadline_open(subject=inv, rule_key="conference_reports", anchor_date=day,
                            label=deadline_label("conference_reports"), actor=actor, responsible_person=inv.user)
    sw = conference.child.allocated_social_worker
    if not conference.reports.filter(is_social_work_report=True, shared_with_parents_at__isnull=False).exists():
        clock.deadline_open(subject=conference, rule_key="parents_report_share", anchor_date=day,
                            label=deadline_label("parents_report_share"), actor=actor, responsible_person=sw,
                            responsible_team=conference.child.allocated_team)


CANNOT_REPORT_FOR = "You cannot report for that agency on this conference"


@transaction.atomic
def report_submit(
    *, actor: User, conference: Conference, agency: Agency, summary: str, worries: str = "", strengths: str = "",
    recommendation: str = "", via: str = AgencyReport.Via.WEB, late_reason: str = "",
) -> AgencyReport:
    """An invited agency's report (or the local authority's social work report). Submitting again
    before the conference replaces the text; history keeps the earlier one."""
    conference = _lock(conference)
    if conference.status not in (S.REQUESTED, S.SCHEDULED):
        raise ValidationError("Reports are taken until the conference is held")
    if not summary.strip():
        raise ValidationError({"summary": "Enter the report"})
    is_sw = agency.pk == conference.child.local_authority_id
    invitation = conference.invitations.live().filter(agency=agency).order_by("pk").first()
    if not is_sw and invitation is None:
        raise ValidationError({"agency": "This agency has not been invited to the conference"})
    # the same rule as the pages and the API: the actor must act for that agency on this conference
    if agency.pk not in {a.pk for a in report_policy.agencies_for(AccessContext.for_user(actor), conference)}:
        raise ValidationError({"agency": CANNOT_REPORT_FOR})
    fields = {"summary": summary.strip(), "worries": worries.strip(), "strengths": strengths.strip(),
              "recommendation": recommendation.strip()}
    report = conference.reports.select_for_update().live().filter(agency=agency).first()
    if report and all(getattr(report, k) == v for k, v in fields.items()):
        return report
    if report is None:
        report = AgencyReport(conference=conference, agency=agency, invitation=invitation, author=actor,
                              is_social_work_report=is_sw, created_by=actor, submitted_at=timezone.now(), via=via,
                              **fields)
        reason = "Submitted"
    else:
        for k, v in fields.items():
            setattr(report, k, v)
        report.author, report.submitted_at, report.via = actor, timezone.now(), via
        reason = "Resubmitted"
    stamp(report, actor, reason)
    report.save()
    for inv in conference.invitations.filter(agency=agency):
        clock.deadline_meet_open(subject=inv, rule_keys=("conference_reports",), met_on=_today(), actor=actor,
                                 late_reason=late_reason)
    record_event(events.REPORT_SUBMITTED, actor=actor, subject=conference,
                 payload={"agency": agency.pk, "via": via, "resubmitted": reason == "Resubmitted"})
    if conference.chair_id:
        notify(recipient=conference.chair, subject=f"Report received from {agency.name}",
               url=_url("conferences:reports", public_id=conference.public_id), email=False,
               about=conference)
    return report


@transaction.atomic
def report_share_with_parents(*, actor: User, report: AgencyReport, shared_on: date | None = None,
                              late_reason: str = "") -> AgencyReport:
    report = AgencyReport.objects.select_for_update().select_related("conference").get(pk=report.pk)
    if not report.is_social_work_report:
        raise ValidationError("Only the social work report is shared with parents by the service")
    if report.shared_with_parents_at:
        return report
    shared_on = shared_on or _today()
    if shared_on > _today():
        raise ValidationError({"shared_on": "The date shared must be today or in the past"})
    report.shared_with_parents_at = timezone.make_aware(datetime.combine(shared_on, timezone.localtime().time()))
    report.shared_with_parents_by = actor
    stamp(report, actor, "Shared with parents")
    report.save()
    clock.deadline_meet_open(subject=report.conference, rule_keys=("parents_report_share",), met_on=shared_on,
                             actor=actor, late_reason=late_reason)
    record_event(events.REPORT_SHARED, actor=actor, subject=report.conference,
                 payload={"shared_on": shared_on.isoformat()})
    return report
