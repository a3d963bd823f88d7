"""Scenario tests, told as stories (issue 4, section 8): whole conferences through the real services and
the statutory clock, with time moved on by freezegun.

Small helpers the stories share. Every expected date in the stories is worked out by hand in a comment
(with a calendar), never recomputed with the code under test.
"""

from __future__ import annotations

import io
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from freezegun import freeze_time

from safeguarding.clock.models import Deadline
from tests.conferences import story


def on(day: date, hour: int = 12, minute: int = 0):
    """Freeze the clock at ``hour:minute`` London time on ``day`` (GMT or BST, whichever applies)."""
    return freeze_time(story.at(day, hour, minute))


def deadlines_of(subject: Model, rule_key: str | None = None):
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
                                 subject_id=subject.pk)
    return qs.filter(rule_key=rule_key) if rule_key else qs


def deadline_of(subject: Model, rule_key: str) -> Deadline:
    """The one deadline of ``subject`` under ``rule_key`` (fails if there are none or several)."""
    return deadlines_of(subject, rule_key).get()


def facts(d: Deadline) -> tuple:
    """What a deadline says, for comparing against a hand-made table: rule, anchor, due, status, met on."""
    return d.rule_key, d.anchor_date, d.due_date, d.status, d.met_on


def pdf_pages(document) -> list[str]:
    """The text of each page of a published PDF (real WeasyPrint output read back with pypdf), each with
    its whitespace flattened (extraction wraps lines where the PDF does)."""
    from pypdf import PdfReader

    content = bytes(document.content)
    assert content.startswith(b"%PDF-")
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(document) -> str:
    """The text of the whole of a published PDF, whitespace flattened."""
    return " ".join(pdf_pages(document))
