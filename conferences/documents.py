"""The conference's PDFs, rendered by the kernel's locked-down WeasyPrint renderer.

The family copy is made from the same source as the professional copy with the confidential
(third-party) sections left out of the template's context altogether: they are absent from the PDF,
not blacked out.
"""

from __future__ import annotations

from django.utils import timezone

from safeguarding.documents.pdf import render_pdf

from .models import Conference, Document, Minutes


def subject_line(conference: Conference) -> str:
    child = conference.child
    if child.date_of_birth:
        return f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}"
    if child.expected_date_of_birth:
        return f"{child.full_name} (unborn), expected {child.expected_date_of_birth:%-d %B %Y}"
    return child.full_name


def visible_sections(minutes: Minutes, copy: str) -> list[dict]:
    if copy == Document.Copy.FAMILY:
        return [s for s in minutes.sections if not s.get("confidential")]
    return list(minutes.sections)


def _common(conference: Conference, copy: str) -> dict:
    return {
        "conference": conference, "child": conference.child, "copy": copy,
        "is_family": copy == Document.Copy.FAMILY, "subject_line": subject_line(conference),
        "starts_at": timezone.localtime(conference.starts_at) if conference.starts_at else None,
    }


def minutes_context(minutes: Minutes, copy: str) -> dict:
    return {**_common(minutes.conference, copy), "minutes": minutes, "sections": visible_sections(minutes, copy)}


def render_minutes(minutes: Minutes, copy: str) -> bytes:
    conference = minutes.conference
    title = f"{conference.get_kind_display()}: minutes, version {minutes.version}"
    return render_pdf("conferences/pdf/minutes.html", minutes_context(minutes, copy), title=title,
                      subject_line=subject_line(conference))


def decision_letter_context(conference: Conference, copy: str) -> dict:
    decision = conference.decision
    plan = conference.plan
    actions = list(plan.actions.live()) if plan else []
    members = list(plan.core_group.live()) if plan else []
    from safeguarding.clock.services import open_deadlines_for

    review = open_deadlines_for(plan, "rcpc_first", "rcpc_next").first() if plan else None
    core = open_deadlines_for(plan, "core_group_first").first() if plan else None
    return {**_common(conference, copy), "decision": decision, "plan": plan, "actions": actions,
            "core_group": members, "review_due": review.due_date if review else None,
            "core_group_due": core.due_date if core else None}


def render_decision_letter(conference: Conference, copy: str) -> bytes:
    return render_pdf("conferences/pdf/decision_letter.html", decision_letter_context(conference, copy),
                      title=f"{conference.get_kind_display()}: decision and outline plan",
                      subject_line=subject_line(conference))
