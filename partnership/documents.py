"""The rapid review report as a PDF, rendered by the kernel's locked-down WeasyPrint renderer
(``safeguarding.documents``, ADR 6) with the furniture of every PDF of the hub: the protective marking at the
top and bottom of each page, the subject line (the children) in the header, "Page X of Y" in the footer.

The report holds the merged chronology **as the meeting froze it**, and apart from it what the agencies sent
after the meeting (ADR 23); the information forms; the partners' decisions; the findings; the decision and
its rationale; and the day-by-day plan with what was done when. Everything typed by people reaches the PDF
through Django's autoescape (never ``|safe``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from safeguarding.documents.pdf import render_pdf

from .models import RapidReview, ReportIssue
from .selectors.report import report_context

TITLE = "Rapid review report"


def subject_line(review: RapidReview) -> str:
    """The children the review is about, as the referrer named them (the PDF goes to the partners and the
    National Panel, who know them)."""
    names = []
    for child in review.referral.children.all():
        name = f"{child.first_names} {child.surname}".strip()
        names.append(f"{name}, born {child.date_of_birth:%-d %B %Y}" if child.date_of_birth else name)
    return "; ".join(names)


def render_report(review: RapidReview, *, sent_to: str, sent_on: date) -> bytes:
    context = {**report_context(review, today=timezone.localdate()), "sent_to": ReportIssue.To(sent_to).label,
               "sent_on": sent_on}
    return render_pdf("partnership/pdf/report.html", context, title=TITLE, subject_line=subject_line(review))
