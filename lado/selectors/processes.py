"""Reads for a meeting's minutes and actions and a case's parallel processes (ADR 21), shaped for their pages.
Callers pass records already fetched through the policies (a case through ``case_policy``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.clock.models import Deadline

from ..models import LIVE, LadoCase, Meeting, MeetingAction, MeetingMinutes, ParallelProcess, ReferralChild

ROWS = 100


def meeting_of(case: LadoCase, public_id) -> Meeting | None:
    return Meeting.objects.live().filter(case=case, public_id=public_id).select_related("case__referral").first()


def minutes_of(meeting: Meeting) -> MeetingMinutes | None:
    """The meeting's minutes, without the PDFs' bytes (``defer``)."""
    minutes = (MeetingMinutes.objects.live().filter(meeting=meeting).defer("full_pdf", "employer_pdf")
               .select_related("issued_by").first())
    if minutes is not None:
        minutes.meeting = meeting
    return minutes


def minutes_pdf(minutes: MeetingMinutes, version: str) -> bytes:
    field = "employer_pdf" if version == "employer" else "full_pdf"
    return bytes(MeetingMinutes.objects.filter(pk=minutes.pk).values_list(field, flat=True).get() or b"")


def actions_of(meeting: Meeting) -> list[MeetingAction]:
    return list(MeetingAction.objects.live().filter(meeting=meeting).select_related("owner", "owner_agency")
                .order_by("number"))


def action_of(meeting: Meeting, public_id) -> MeetingAction | None:
    return (MeetingAction.objects.live().filter(meeting=meeting, public_id=public_id)
            .select_related("meeting__case__referral", "owner").first())


def processes_of(case: LadoCase) -> list[ParallelProcess]:
    """The case's parallel processes, oldest first, each with its open deadline on ``next_deadline`` (two
    queries)."""
    processes = list(ParallelProcess.objects.live().filter(case=case).select_related("child").order_by(
        "started_on", "pk"))
    if processes:
        ct = ContentType.objects.get_for_model(ParallelProcess)
        due = {}
        for d in Deadline.objects.filter(subject_type=ct, subject_id__in=[p.pk for p in processes],
                                         status__in=Deadline.OPEN_STATUSES).order_by("due_date", "pk"):
            due.setdefault(d.subject_id, d)
        for p in processes:
            p.next_deadline = due.get(p.pk)
    return processes


def process_of(case: LadoCase, public_id) -> ParallelProcess | None:
    return (ParallelProcess.objects.live().filter(case=case, public_id=public_id)
            .select_related("case__referral", "child").first())


def matched_child_choices(case: LadoCase) -> list[tuple[str, str]]:
    """(child pk, the name the referral gave) for the referral's children matched to a record."""
    rows = ReferralChild.objects.live().filter(referral_id=case.referral_id, child__isnull=False)
    return [(str(rc.child_id), rc.name or rc.details or "A child") for rc in rows.order_by("pk")]


def overdue_actions(cases: QuerySet) -> list[MeetingAction]:
    """The open actions of these cases' meetings past their date, oldest first (one query)."""
    return list(MeetingAction.objects.filter(LIVE, status=MeetingAction.Status.OPEN,
                                             due_date__lt=timezone.localdate(),
                                             meeting__case__in=cases.values("pk"),
                                             meeting__entered_in_error_at__isnull=True)
                .select_related("meeting__case__referral").order_by("due_date", "pk")[:ROWS])


def shared_minutes(case: LadoCase) -> list[MeetingMinutes]:
    """The issued minutes of the case's meetings whose employer's version was shared with the referrer, oldest
    meeting first, without the PDFs' bytes (one query)."""
    return list(MeetingMinutes.objects.live().filter(meeting__case=case, status=MeetingMinutes.Status.ISSUED,
                                                     shared_with_referrer_at__isnull=False,
                                                     meeting__entered_in_error_at__isnull=True)
                .defer("full_pdf", "employer_pdf").select_related("meeting").order_by("meeting__starts_at", "pk"))
