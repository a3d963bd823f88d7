"""Reads about a conference's agency reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from safeguarding.accounts.models import Agency
from safeguarding.clock import services as clock

from ..models import AgencyReport, Conference, Invitation


@dataclass(frozen=True)
class ReportStatus:
    agency: Agency
    invitees: tuple[str, ...]
    report: AgencyReport | None
    due_date: date | None


def reports_status(*, conference: Conference) -> list[ReportStatus]:
    """For the chair: every invited agency, whether it has reported, and when its report is due."""
    invitations = (conference.invitations.live().filter(kind=Invitation.InviteeKind.PROFESSIONAL)
                   .select_related("agency").order_by("agency__name", "name"))
    reports = {r.agency_id: r for r in conference.reports.live()}
    due = None
    if conference.starts_at:
        due = clock.compute_due("conference_reports", timezone.localtime(conference.starts_at).date())
    by_agency: dict[int, list[Invitation]] = {}
    for inv in invitations:
        by_agency.setdefault(inv.agency_id, []).append(inv)
    return [ReportStatus(agency=invs[0].agency, invitees=tuple(i.name for i in invs), report=reports.get(aid),
                         due_date=due) for aid, invs in by_agency.items()]


def report_of_agency(*, conference: Conference, agency) -> AgencyReport | None:
    """The live report of ``agency`` for ``conference``, if it has reported (a resubmission replaces it)."""
    return conference.reports.live().filter(agency=agency).first()
