"""The rapid review's meeting, report and National Panel response: what the page shows and what the report's
PDF holds (ADR 23). The merged chronology is split at the meeting: what the meeting considered (frozen), and
what came after it (late additions, shown apart)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency
from safeguarding.uploads.models import Upload
from safeguarding.uploads.selectors import upload_rows, upload_rows_of_many

from .. import plan
from ..models import AgencyRequest, ChronologyEntry, CriteriaDecision, MeetingAttendance, RapidReview, ReportIssue
from ..policies import rapid_review_policy, request_policy


def chronology_parts(review: RapidReview) -> tuple[list[ChronologyEntry], list[ChronologyEntry]]:
    """(the timeline the meeting considered, the late additions): every agency's entries by date, each with its
    source (``entry.request.agency``); before the meeting everything is in the first list (one statement)."""
    rows = list(ChronologyEntry.objects.filter(request__rapid_review=review).select_related("request__agency")
                .order_by("happened_on", "request__agency__name", "id"))
    return [e for e in rows if not e.after_meeting], [e for e in rows if e.after_meeting]


def meeting_agencies(review: RapidReview) -> list[Agency]:
    """The agencies the meeting form asks about: the local authority, the statutory partners and every agency
    asked for a chronology (active ones, by name)."""
    return list(Agency.objects.filter(Q(pk=review.referral.local_authority_id) | Q(statutory_partner=True)
                                      | Q(pk__in=AgencyRequest.objects.filter(rapid_review=review).values("agency_id")),
                                      is_active=True).order_by("name"))


def attendance(review: RapidReview) -> list[MeetingAttendance]:
    return list(MeetingAttendance.objects.filter(rapid_review=review).select_related("agency"))


def issues(review: RapidReview) -> list[ReportIssue]:
    """The report as sent, in the order it went (without the PDFs' bytes)."""
    return list(ReportIssue.objects.filter(rapid_review=review).defer("content").order_by("sent_on", "id"))


def issue_of(review: RapidReview, public_id) -> ReportIssue | None:
    return ReportIssue.objects.filter(rapid_review=review, public_id=public_id).first()


@dataclass(frozen=True)
class RequestFiles:
    request: AgencyRequest
    rows: list          # safeguarding.uploads.selectors.UploadRow
    late: set[int]      # the uploads sent after the meeting


def after_meeting(review: RapidReview, upload: Upload) -> bool:
    return bool(review.chronology_frozen_at and upload.uploaded_at > review.chronology_frozen_at)


def request_files(request: AgencyRequest) -> RequestFiles:
    """The files an agency sent with its submission, with download links (the view checks the policy)."""
    review = request.rapid_review
    rows = upload_rows(request, download_url=lambda u: reverse("partnership:request_file",
                                                                args=[request.public_id, u.public_id]))
    return RequestFiles(request, rows, {r.upload.pk for r in rows if after_meeting(review, r.upload)})


def files_on_review(ctx: AccessContext, review: RapidReview) -> list[RequestFiles]:
    """Every agency's files on the review, for those who may open them (``request_policy`` ``files``): two
    statements, whatever the number of agencies and files."""
    requests = list(request_policy.visible(ctx, "files").filter(rapid_review=review).select_related("agency"))
    rows = upload_rows_of_many(requests, download_url=lambda r, u: reverse("partnership:request_file",
                                                                           args=[r.public_id, u.public_id]))
    return [RequestFiles(r, rows[r.pk], {row.upload.pk for row in rows[r.pk] if after_meeting(review, row.upload)})
            for r in requests if r.pk in rows]


def review_parts(ctx: AccessContext, review: RapidReview) -> dict:
    """The meeting, the chronology split at it, the files, the report and the response, for the review's page."""
    sees = rapid_review_policy.sees_report(ctx)
    frozen, late = chronology_parts(review) if rapid_review_policy.sees_chronology(ctx) else (None, [])
    return {
        "chronology": frozen, "late_additions": late, "attendance": attendance(review),
        "files": files_on_review(ctx, review) if rapid_review_policy.sees_chronology(ctx) else [],
        "issues": issues(review) if sees else [], "sees_report": sees,
        "may_record_meeting": rapid_review_policy.can(ctx, "record_meeting", review),
        "may_report": rapid_review_policy.can(ctx, "report", review),
        "may_record_response": rapid_review_policy.can(ctx, "record_response", review),
        "report_steps": plan.REPORT_STEPS,
    }


def report_context(review: RapidReview, *, today: date) -> dict:
    """Everything the report's PDF holds."""
    from .rapid_review import _deadlines_by_review, timeline

    frozen, late = chronology_parts(review)
    referral = review.referral
    return {
        "review": review, "referral": referral, "children": list(referral.children.all()),
        "notifications": list(referral.notifications.order_by("sent_on", "id")),
        "decisions": list(CriteriaDecision.objects.filter(rapid_review=review).select_related("agency")),
        "attendance": attendance(review), "chronology": frozen, "late_additions": late,
        "forms": list(AgencyRequest.objects.filter(rapid_review=review).select_related("agency")),
        "timeline": timeline(review, _deadlines_by_review([review])[review.pk], today),
    }
