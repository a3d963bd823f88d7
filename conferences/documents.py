"""The conference's PDFs, rendered by the kernel's locked-down WeasyPrint renderer.

The family copy is made from the same source as the professional copy with the confidential
(third-party) sections left out of the template's context altogether: they are absent from the PDF,
not blacked out.

Both copies carry the deployment's letterhead (the kernel's base template, ADR 28). What the family reads
is in plain words: the category of abuse or neglect without its CIN census code, each action with the
person who owns it where one is named. The minutes end with the next review conference and the list of
who receives them.
"""

from __future__ import annotations

from django.utils import timezone

from safeguarding.documents.pdf import render_pdf

from .models import Category, Conference, Document, Kind, Minutes, Outcome

# The category of abuse or neglect in plain words, for minutes and letters the family reads: never the
# CIN census code (ADR 28). "Multiple" is discouraged by Working Together but may still be recorded.
CATEGORY_WORDS = {
    Category.NEG: "Neglect",
    Category.PHY: "Physical abuse",
    Category.EMO: "Emotional abuse",
    Category.SAB: "Sexual abuse",
    Category.MUL: "More than one kind of abuse or neglect",
}


def category_in_words(code: str) -> str:
    return CATEGORY_WORDS.get(code, "")


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


def next_review(conference: Conference) -> dict | None:
    """The next review conference of the plan this conference made or continued: the date it is booked for
    (local time) if it is booked, and the date it is due by (the open ``rcpc_first``/``rcpc_next`` deadline).
    None when there is no live plan after this conference."""
    decision = getattr(conference, "decision", None)
    plan = conference.plan
    if plan is None or decision is None or decision.outcome not in (Outcome.PLAN, Outcome.CONTINUE):
        return None
    from safeguarding.clock.services import open_deadlines_for

    booked = (plan.conferences.live().filter(kind=Kind.REVIEW, status=Conference.Status.SCHEDULED,
                                             starts_at__isnull=False)
              .exclude(pk=conference.pk).order_by("starts_at").first())
    due = open_deadlines_for(plan, "rcpc_first", "rcpc_next").first()
    return {"booked_at": timezone.localtime(booked.starts_at) if booked else None,
            "venue": booked.venue if booked else "", "due": due.due_date if due else None}


def distribution_list(conference: Conference) -> list[dict]:
    """Who receives the minutes, and which copy: everyone invited (whether they came or not), the family
    the family copy, professionals the professional copy; the chair keeps the record."""
    rows = []
    for invitation in conference.invitations.live().select_related("agency").order_by("kind", "name"):
        where = invitation.role or invitation.get_kind_display()
        if invitation.agency and invitation.agency.name not in where:
            where = f"{where}, {invitation.agency.name}"
        rows.append({"name": invitation.name, "role": where,
                     "copy": "The family copy" if invitation.is_family else "The professional copy"})
    return rows


def minutes_context(minutes: Minutes, copy: str) -> dict:
    conference = minutes.conference
    return {**_common(conference, copy), "minutes": minutes, "sections": visible_sections(minutes, copy),
            "next_review": next_review(conference), "distribution": distribution_list(conference)}


def render_minutes(minutes: Minutes, copy: str) -> bytes:
    conference = minutes.conference
    title = f"{conference.get_kind_display()}: minutes, version {minutes.version}"
    return render_pdf("conferences/pdf/minutes.html", minutes_context(minutes, copy), title=title,
                      subject_line=subject_line(conference))


def decision_letter_context(conference: Conference, copy: str) -> dict:
    decision = conference.decision
    plan = conference.plan
    actions = list(plan.actions.live().select_related("owner")) if plan else []
    members = list(plan.core_group.live()) if plan else []
    from safeguarding.clock.services import open_deadlines_for

    review = open_deadlines_for(plan, "rcpc_first", "rcpc_next").first() if plan else None
    core = open_deadlines_for(plan, "core_group_first").first() if plan else None
    return {**_common(conference, copy), "decision": decision, "plan": plan, "actions": actions,
            "category_words": category_in_words(decision.category) if decision else "",
            "next_review": next_review(conference),
            "core_group": members, "review_due": review.due_date if review else None,
            "core_group_due": core.due_date if core else None}


def render_decision_letter(conference: Conference, copy: str) -> bytes:
    return render_pdf("conferences/pdf/decision_letter.html", decision_letter_context(conference, copy),
                      title=f"{conference.get_kind_display()}: decision and outline plan",
                      subject_line=subject_line(conference))
