"""Minutes: the first draft from the record, editing, signing off (published as PDFs), revising."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.records import stamp

from .. import events
from ..documents import category_in_words
from ..models import Conference, ConferenceRecord, Document, Minutes, Outcome
from ._common import _lock
from .documents import _document_store


def _section(key: str, heading: str, body: str, confidential: bool = False) -> dict:
    return {"key": key, "heading": heading, "body": body, "confidential": confidential}


def reports_not_received(conference: Conference) -> list:
    """The agencies invited to the conference (professionals' agencies) that have sent no report, by name."""
    reported = set(conference.reports.live().values_list("agency_id", flat=True))
    seen, out = set(), []
    for invitation in (conference.invitations.live().filter(agency__isnull=False).select_related("agency")
                       .order_by("agency__name")):
        if invitation.agency_id not in reported and invitation.agency_id not in seen:
            seen.add(invitation.agency_id)
            out.append(invitation.agency)
    return out


def minutes_sections_from_record(conference: Conference) -> list[dict]:
    """The first draft: the record, attendance, scaling, reports received and not received, the decision
    (in plain words: no codes) and the plan, each action with its owner."""
    record = conference.record
    invitations = conference.invitations.live().order_by("kind", "name")
    attendance = "\n".join(f"{i.name}, {i.role or i.get_kind_display()}: {i.get_attendance_display()}"
                           for i in invitations)
    sections = [_section("attendance", "Attendance", attendance)]
    if conference.quorate is False:
        sections.append(_section("quorum", "Quorum", "The conference was not quorate. The chair went ahead because: "
                                 + conference.quorum_override_reason))
    for name, heading in ConferenceRecord.SECTIONS:
        sections.append(_section(name, heading, getattr(record, name),
                                 confidential=name in ConferenceRecord.CONFIDENTIAL_SECTIONS))
    scores = conference.scaling_scores.live()
    if scores:
        sections.append(_section("scaling", "Scaling (0 to 10)", "\n".join(
            f"{s.participant}: {s.score}" + (f" ({s.reason})" if s.reason else "") for s in scores)))
    reports = conference.reports.live().select_related("agency")
    if reports:
        sections.append(_section("reports", "Reports received", "\n".join(
            f"{r.agency.name}: received {timezone.localtime(r.submitted_at):%-d %B %Y}" for r in reports)))
    missing = reports_not_received(conference)
    if missing:
        sections.append(_section("reports_not_received", "Reports not received", "\n".join(
            f"{agency.name}: invited, no report received" for agency in missing)))
    decision = getattr(conference, "decision", None)
    if decision:
        lines = [f"Decision: {decision.get_outcome_display()}"]
        if decision.category:
            lines.append(f"Category: {category_in_words(decision.category)}")
        if decision.end_reason:
            lines.append(f"Reason for ending the plan: {decision.get_end_reason_display()}")
        if decision.next_step:
            lines.append(f"Next step: {decision.get_next_step_display()}")
        if decision.rationale:
            lines.append(decision.rationale)
        sections.append(_section("decision", "Decision", "\n".join(lines)))
        if conference.plan_id and decision.outcome in (Outcome.PLAN, Outcome.CONTINUE):
            plan = conference.plan
            sections.append(_section("outline_plan", "Outline plan", "\n".join(
                f"{a.description} (by {a.owner_label}, due {a.due_date:%-d %B %Y})"
                for a in plan.actions.live().select_related("owner"))))
            sections.append(_section("core_group", "Core group", "\n".join(
                str(m) for m in plan.core_group.live())))
    return sections


@transaction.atomic
def minutes_draft(*, actor: User, conference: Conference) -> Minutes:
    existing = conference.minutes.filter(status=Minutes.Status.DRAFT).first()
    if existing or conference.minutes.exists():
        return existing or conference.minutes.first()
    minutes = Minutes(conference=conference, version=1, sections=minutes_sections_from_record(conference),
                      created_by=actor)
    stamp(minutes, actor, "Drafted from the record")
    minutes.save()
    record_event(events.MINUTES_DRAFTED, actor=actor, subject=conference, payload={"version": 1})
    return minutes


def _clean_sections(sections) -> list[dict]:
    if not isinstance(sections, list) or not sections:
        raise ValidationError({"sections": "The minutes need at least one section"})
    out, errors = [], []
    for i, s in enumerate(sections):
        if not isinstance(s, dict):
            raise ValidationError({"sections": f"Section {i + 1} is not valid"})
        heading = str(s.get("heading", "")).strip()
        if not heading:
            errors.append(f"Section {i + 1} needs a heading")
        out.append(_section(str(s.get("key") or f"section_{i + 1}"), heading, str(s.get("body", "")),
                            bool(s.get("confidential", False))))
    if errors:
        raise ValidationError({"sections": errors})
    return out


@transaction.atomic
def minutes_edit(*, actor: User, minutes: Minutes, sections: list[dict]) -> Minutes:
    minutes = Minutes.objects.select_for_update().select_related("conference").get(pk=minutes.pk)
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError("Signed minutes are never changed: start a new version with a reason")
    sections = _clean_sections(sections)
    if sections == minutes.sections:
        return minutes
    minutes.sections = sections
    stamp(minutes, actor, "Edited")
    minutes.save()
    record_event(events.MINUTES_EDITED, actor=actor, subject=minutes.conference, payload={"version": minutes.version})
    return minutes


@transaction.atomic
def minutes_revise(*, actor: User, conference: Conference, reason: str) -> Minutes:
    """Start a new version of signed minutes. The signed version and its PDFs stay as they were."""
    conference = _lock(conference)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signed minutes need changing"})
    if conference.minutes.filter(status=Minutes.Status.DRAFT).exists():
        raise ValidationError("A new version is already being drafted")
    latest = conference.minutes.order_by("-version").first()
    if latest is None:
        raise ValidationError("There are no minutes yet")
    minutes = Minutes(conference=conference, version=latest.version + 1, sections=latest.sections,
                      change_reason=reason.strip(), created_by=actor)
    stamp(minutes, actor, reason.strip())
    minutes.save()
    record_event(events.MINUTES_DRAFTED, actor=actor, subject=conference,
                 payload={"version": minutes.version, "reason": reason.strip()})
    return minutes


@transaction.atomic
def minutes_sign(*, actor: User, minutes: Minutes) -> Minutes:
    """The chair signs the draft off: it is frozen and published as two PDFs, the professional copy and
    the family copy (confidential sections absent)."""
    minutes = Minutes.objects.select_for_update().select_related("conference__child").get(pk=minutes.pk)
    if minutes.status == Minutes.Status.SIGNED:
        return minutes
    if minutes.conference.chair_id != actor.pk:
        raise ValidationError("Only the conference's chair signs the minutes off")
    minutes.status, minutes.signed_by, minutes.signed_at = Minutes.Status.SIGNED, actor, timezone.now()
    stamp(minutes, actor, "Signed off")
    minutes.save()
    from .. import documents

    for copy in (Document.Copy.PROFESSIONAL, Document.Copy.FAMILY):
        _document_store(actor, minutes.conference, Document.Kind.MINUTES, copy, minutes.version,
                        documents.render_minutes(minutes, copy), minutes=minutes)
    record_event(events.MINUTES_SIGNED, actor=actor, subject=minutes.conference, payload={"version": minutes.version})
    return minutes
