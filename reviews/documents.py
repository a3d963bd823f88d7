"""The review's PDFs, rendered by the kernel's locked-down WeasyPrint renderer (``safeguarding.documents``):

- the **review record**: the review (when, how the child took part, who chaired it), the child's placement
  and legal status, the child's wishes and feelings, the views of others, the IRO's assessment of the care
  plan, the decisions and the sign-off;
- the **letter to the child**, written to them in plain words: their name, what was decided (in the plain
  words the IRO gave each decision, or its own words), what the IRO wants to say to them, who their IRO is
  and how to reach them.

Everything typed by people reaches the PDF through Django's autoescape (never ``|safe``); the subject line
and the marking go to the page margins as escaped running elements (ADR 6).
"""

from __future__ import annotations

from safeguarding.documents.pdf import render_pdf

from .models import Review, ReviewDecision, ReviewRecord
from .selectors.episodes import current_legal_status, current_placement
from .selectors.record import decisions_of


def subject_line(review: Review) -> str:
    child = review.episode.child
    if child.date_of_birth:
        return f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}"
    return child.full_name


def first_name(child) -> str:
    """What the letter calls the child: the name they are known by, else their first name."""
    return child.preferred_name.strip() or (child.legal_first_names.split() or [child.full_name])[0]


def record_context(review: Review) -> dict:
    record: ReviewRecord = review.record
    episode = review.episode
    labels = dict(ReviewRecord.SECTIONS)
    return {
        "review": review, "child": episode.child, "record": record, "episode": episode,
        "sessions": list(review.sessions.live().order_by("held_on")),
        "placement": current_placement(episode), "legal_status": current_legal_status(episode),
        "voice": [(labels[n], getattr(record, n)) for n in ("child_wishes", "views_of_others")],
        "assessment": [(labels[n], getattr(record, n)) for n in ReviewRecord.ASSESSMENT],
        "decisions": decisions_of(review),
    }


def render_record(review: Review) -> bytes:
    return render_pdf("reviews/pdf/record.html", record_context(review),
                      title=f"Looked-after review record: {review.get_number_display().lower()}",
                      subject_line=subject_line(review))


def child_letter_context(review: Review) -> dict:
    child = review.episode.child
    return {"review": review, "child": child, "record": review.record, "name": first_name(child),
            "decisions": [d for d in decisions_of(review) if d.status != ReviewDecision.Status.DROPPED],
            "iro": review.iro}


def render_child_letter(review: Review) -> bytes:
    # The letter is the child's own: their name in the page margins as on every PDF, their reference not.
    return render_pdf("reviews/pdf/child_letter.html", child_letter_context(review),
                      title="A letter about your review", subject_line=review.episode.child.full_name)
