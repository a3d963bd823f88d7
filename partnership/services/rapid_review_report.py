"""The rapid review meeting, the report and the National Panel's response (issue 12, section 2; ADR 23).

- ``rapid_review_meeting_record``: the meeting held (its day, who attended for each agency). It meets the
  plan's meeting step and **freezes the merged chronology**: what the agencies add afterwards is kept, marked
  as a late addition and shown apart (on the page and in the report), never merged into the timeline the
  meeting considered.
- ``rapid_review_report_write``: the findings, the decision (local child safeguarding practice review,
  alternative learning review, no further action, recommend a national review) and its rationale; rewritten
  as often as needed until the report is submitted.
- ``rapid_review_report_send``: the report rendered as a PDF (the kernel renderer) and kept as sent, to the
  rapid review panel, the strategic partners or the National Panel; each meets its step of the plan. The
  submission to the National Panel also meets the national rapid review clock and ends the review.
- ``panel_response_record``: the National Panel's response (its date, what it said, whether it agrees, and
  whether it takes on a national review), once, after the submission.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Agency
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events, plan
from ..models import MeetingAttendance, RapidReview, ReportIssue
from ..policies import rapid_review_policy
from ._common import ctx_for, require


def _locked(actor, review: RapidReview) -> tuple[RapidReview, object]:
    review = RapidReview.objects.select_for_update().select_related("referral").get(pk=review.pk)
    ctx = ctx_for(actor)
    require(rapid_review_policy.can(ctx, "view", review))
    return review, ctx


def _meet_step(review: RapidReview, step: str, on: date, actor, late_reason: str) -> None:
    if step in plan.step_keys():
        clock.deadline_meet_open(subject=review, rule_keys=(step,), met_on=on, actor=actor,
                                 late_reason=(late_reason or "").strip())


@transaction.atomic
def rapid_review_meeting_record(*, actor, review: RapidReview, held_on: date, attendance: list[tuple[Agency, str]],
                                late_reason: str = "") -> RapidReview:
    """Record the meeting held on ``held_on`` with ``attendance`` ((agency, who attended for it): names and
    roles). Meets the meeting step and freezes the merged chronology. Recorded once."""
    review, ctx = _locked(actor, review)
    if not rapid_review_policy.can(ctx, "record_meeting", review):
        if review.meeting_held_on == held_on:
            return review   # recorded already, the same day: nothing changes
        raise ValidationError({"held_on": "The meeting of this rapid review has been recorded already"
                               if review.meeting_held_on else "Only the business unit records the meeting of an "
                               "open rapid review"})
    errors = {}
    if held_on > timezone.localdate() or held_on < review.agency_aware_on:
        errors["held_on"] = "The meeting was held on or after the day of awareness, and not in the future"
    cleaned, seen = [], set()
    for agency, who in attendance:
        who = (who or "").strip()
        if not who or agency.pk in seen:
            continue
        if not agency.is_active:
            errors["attendance"] = f"{agency.name} is no longer an active agency"
        seen.add(agency.pk)
        cleaned.append((agency, who))
    if not cleaned:
        errors["attendance"] = "Say who attended for at least one agency"
    if errors:
        raise ValidationError(errors)
    _meet_step(review, plan.MEETING_STEP, held_on, actor, late_reason)
    review.meeting_held_on, review.chronology_frozen_at = held_on, timezone.now()
    stamp(review, actor, "Meeting recorded: the merged chronology frozen")
    review.save()
    for agency, who in cleaned:
        row = MeetingAttendance(rapid_review=review, agency=agency, attendees=who)
        stamp(row, actor, "Meeting recorded")
        row.save()
    record_event(events.MEETING_RECORDED, actor=actor, subject=review,
                 payload={"held_on": held_on.isoformat(), "agencies": len(cleaned)})
    return review


@transaction.atomic
def rapid_review_report_write(*, actor, review: RapidReview, findings: str, decision: str,
                              rationale: str) -> RapidReview:
    """Write (or rewrite) the report's findings and the decision with its rationale: after the meeting, until
    the report is submitted to the National Panel."""
    review, ctx = _locked(actor, review)
    if not rapid_review_policy.can(ctx, "report", review):
        raise ValidationError({"decision": "The report is written by the business unit after the meeting, until "
                                           "it is submitted"})
    findings, rationale = (findings or "").strip(), (rationale or "").strip()
    errors = {}
    if not findings:
        errors["findings"] = "Write what the rapid review found"
    if decision not in RapidReview.Decision.values:
        errors["decision"] = "Choose the rapid review's decision"
    if not rationale:
        errors["rationale"] = "Give the rationale for the decision"
    if errors:
        raise ValidationError(errors)
    if (review.findings, review.decision, review.decision_rationale) == (findings, decision, rationale):
        return review
    review.findings, review.decision, review.decision_rationale = findings, decision, rationale
    stamp(review, actor, f"Report written: {review.get_decision_display()}")
    review.save()
    record_event(events.REPORT_WRITTEN, actor=actor, subject=review, payload={"decision": decision})
    return review


@transaction.atomic
def rapid_review_report_send(*, actor, review: RapidReview, to: str, sent_on: date,
                             late_reason: str = "") -> ReportIssue:
    """Send the report (rendered now as a PDF and kept as sent) to the rapid review panel, the strategic
    partners or the National Panel, meeting the plan's step for it (late: ``late_reason``). The submission to
    the National Panel also meets the national rapid review clock and ends the review. Each goes once."""
    review, ctx = _locked(actor, review)
    existing = ReportIssue.objects.filter(rapid_review=review, sent_to=to).defer("content").first()
    if existing and existing.sent_on == sent_on:
        return existing
    if not rapid_review_policy.can(ctx, "report", review):
        raise ValidationError({"to": "The report is sent by the business unit after the meeting, until it is "
                                     "submitted"})
    errors = {}
    if to not in ReportIssue.To.values:
        errors["to"] = "Choose who the report goes to"
    elif existing:
        errors["to"] = f"The report was sent to {existing.get_sent_to_display().lower()} already"
    if sent_on > timezone.localdate() or sent_on < review.meeting_held_on:
        errors["sent_on"] = "The report was sent on or after the day of the meeting, and not in the future"
    if not review.decision or not review.findings:
        errors["decision"] = "Write the report and its decision first"
    if errors:
        raise ValidationError(errors)
    _meet_step(review, plan.REPORT_STEPS[to], sent_on, actor, late_reason)
    if to == ReportIssue.To.NATIONAL_PANEL:
        clock.deadline_meet_open(subject=review, rule_keys=(plan.NATIONAL_REVIEW,), met_on=sent_on, actor=actor,
                                 late_reason=(late_reason or "").strip() or "Submitted after the national rule's day")
    from ..documents import render_report

    content = render_report(review, sent_to=to, sent_on=sent_on)
    issue = ReportIssue(rapid_review=review, sent_to=to, sent_on=sent_on, sent_by=actor, decision=review.decision,
                        filename=f"rapid-review-report-{to.replace('_', '-')}-{sent_on:%Y-%m-%d}.pdf",
                        content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    stamp(issue, actor, "Report sent")
    issue.save()
    if to == ReportIssue.To.NATIONAL_PANEL:
        review.status = RapidReview.Status.SUBMITTED
        stamp(review, actor, "Submitted to the National Panel")
        review.save()
    record_event(events.REPORT_SENT, actor=actor, subject=review,
                 payload={"to": to, "sent_on": sent_on.isoformat(), "sha256": issue.sha256})
    return issue


def report_download_log(*, actor, issue: ReportIssue, via: str) -> None:
    """Every opening of a report as sent is logged on the review (the page and the API checked the policy)."""
    record_event(events.REPORT_DOWNLOADED, actor=actor, subject=issue.rapid_review,
                 payload={"issue": str(issue.public_id), "to": issue.sent_to, "via": via})


@transaction.atomic
def panel_response_record(*, actor, review: RapidReview, received_on: date, response: str, agrees: bool,
                          national_review: bool) -> RapidReview:
    """Record the National Panel's response to the submitted rapid review: when it came, what it said, whether
    the Panel agrees with the decision, and whether it takes on a national review. Recorded once."""
    review, ctx = _locked(actor, review)
    response = (response or "").strip()
    if not rapid_review_policy.can(ctx, "record_response", review):
        if (review.panel_response_on, review.panel_response, review.panel_agrees, review.national_review) == (
                received_on, response, agrees, national_review):
            return review
        raise ValidationError({"response": "The National Panel's response has been recorded already"
                               if review.panel_response_on else "The response is recorded by the business unit "
                               "once the rapid review has been submitted"})
    submitted = ReportIssue.objects.filter(rapid_review=review, sent_to=ReportIssue.To.NATIONAL_PANEL).values_list(
        "sent_on", flat=True).first()
    errors = {}
    if received_on > timezone.localdate() or (submitted and received_on < submitted):
        errors["received_on"] = "The response came on or after the day of the submission, and not in the future"
    if not response:
        errors["response"] = "Say what the National Panel said"
    if agrees not in (True, False):
        errors["agrees"] = "Say whether the National Panel agrees with the decision"
    if national_review not in (True, False):
        errors["national_review"] = "Say whether the National Panel takes on a national review"
    if errors:
        raise ValidationError(errors)
    review.panel_response_on, review.panel_response = received_on, response
    review.panel_agrees, review.national_review = agrees, national_review
    stamp(review, actor, "National Panel's response recorded")
    review.save()
    record_event(events.PANEL_RESPONSE_RECORDED, actor=actor, subject=review,
                 payload={"agrees": agrees, "national_review": national_review})
    return review


__all__ = ["panel_response_record", "rapid_review_meeting_record", "rapid_review_report_send",
           "rapid_review_report_write", "report_download_log"]
