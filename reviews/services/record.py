"""The review's record: written live by its IRO (one section at a time, each with its revision), signed and
sent (``lac_review_record``: 20 working days after the review, local standard), published as PDFs (the
record, and a letter to the child written to them), then ratified by the child's manager or answered
(``lac_review_ratification``: 5 working days after receiving it, local standard)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify, notify_many
from safeguarding.records import stamp

from .. import events
from ..models import Review, ReviewDocument, ReviewRecord
from ..policies import review_policy
from ..rules import PATHWAY_PLAN_FROM_AGE, age_on, deadline_label
from ._common import _ctx, _lock_review, _require, _team_managers, _today, _url

WRITABLE = (Review.Status.SCHEDULED, Review.Status.HELD)


class StaleSection(Exception):
    """Someone saved this section of the record since the caller loaded it (nothing is overwritten)."""

    def __init__(self, section: str, text: str, revision: int):
        super().__init__(f"{section} changed (now revision {revision})")
        self.section, self.text, self.revision = section, text, revision


def required_sections(review: Review) -> tuple[str, ...]:
    """What a record must say before it is signed: the child's wishes and feelings and the IRO's assessment
    of each part of the care plan (leaving care from the age a pathway plan is made)."""
    age = age_on(review.episode.child.date_of_birth, review.held_on or _today())
    assessment = tuple(s for s in ReviewRecord.ASSESSMENT
                       if s != "leaving_care" or (age is not None and age >= PATHWAY_PLAN_FROM_AGE))
    return ("child_wishes", *assessment)


@transaction.atomic
def review_record_save_section(*, actor: User, review: Review, section: str, text: str,
                               base_revision: int) -> tuple[ReviewRecord, int]:
    """Save one section of the record, written from revision ``base_revision``; if someone saved it since,
    ``StaleSection`` carries their text. The review's IRO, while it is booked or held and not signed."""
    if section not in ReviewRecord.section_names():
        raise ValidationError({"section": "No such section"})
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "write this review's record")
    if review.status not in WRITABLE:
        raise ValidationError("The record is written while the review is booked or held")
    record, _created = ReviewRecord.objects.select_for_update().get_or_create(review=review)
    if record.is_signed:
        raise ValidationError("The record has been signed: it is not changed any more")
    current = int(record.revisions.get(section, 0))
    if getattr(record, section) == text:
        return record, current
    if base_revision != current:
        raise StaleSection(section, getattr(record, section), current)
    setattr(record, section, text)
    record.revisions = {**record.revisions, section: current + 1}
    record.updated_by = actor
    stamp(record, actor, f"Saved {section}")
    record.save()
    return record, current + 1


def _document_store(actor: User, review: Review, kind: str, content: bytes) -> ReviewDocument:
    version = (ReviewDocument.objects.filter(review=review, kind=kind).order_by("-version")
               .values_list("version", flat=True).first() or 0) + 1
    name = f"{review.episode.child.local_child_id}-{kind}-v{version}.pdf".replace("_", "-")
    doc = ReviewDocument(review=review, kind=kind, version=version, filename=name, content=content,
                         sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_by=actor)
    stamp(doc, actor, "Published")
    doc.save()
    record_event(events.DOCUMENT_PUBLISHED, actor=actor, subject=review,
                 payload={"kind": kind, "version": version, "sha256": doc.sha256})
    return doc


@transaction.atomic
def review_record_sign(*, actor: User, review: Review, contact_for_child: str = "",
                       late_reason: str = "") -> ReviewRecord:
    """The IRO signs the record and sends it to the child's manager: after the decisions are circulated, with
    the child's wishes and feelings and the assessment written. Meets ``lac_review_record`` (late:
    ``late_reason``), publishes the record and the letter to the child as PDFs, and opens
    ``lac_review_ratification`` for the managers of the child's team, who are told. ``contact_for_child``:
    how the child can reach their IRO, as the letter says it (the IRO's email address when empty). Signing
    again changes nothing."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "sign this review's record")
    if review.status != Review.Status.HELD:
        raise ValidationError("The record is signed once the review has been held")
    record, _created = ReviewRecord.objects.select_for_update().get_or_create(review=review)
    if record.is_signed:
        return record
    if record.decisions_circulated_on is None:
        raise ValidationError("Circulate the decisions first: the record follows them")
    labels = dict(ReviewRecord.SECTIONS)
    missing = [labels[s] for s in required_sections(review) if not getattr(record, s).strip()]
    if missing:
        raise ValidationError(f"Write these parts of the record before signing it: {', '.join(missing)}")
    contact = " ".join(contact_for_child.split())
    if len(contact) > ReviewRecord._meta.get_field("contact_for_child").max_length:
        raise ValidationError({"contact_for_child": "Keep how to reach you to 300 characters"})
    today = _today()
    clock.deadline_meet_open(subject=review, rule_keys=("lac_review_record",), met_on=today, actor=actor,
                             late_reason=late_reason)
    record.contact_for_child = contact or actor.email
    record.signed_at, record.signed_by = timezone.now(), actor
    stamp(record, actor, "Signed and sent to the manager")
    record.save()
    from .. import documents

    review.record = record
    _document_store(actor, review, ReviewDocument.Kind.RECORD, documents.render_record(review))
    _document_store(actor, review, ReviewDocument.Kind.CHILD_LETTER, documents.render_child_letter(review))
    child = review.episode.child
    managers = _team_managers(child.allocated_team_id)
    clock.deadline_open(subject=review, rule_key="lac_review_ratification", anchor_date=today,
                        label=deadline_label("lac_review_ratification"), actor=actor,
                        responsible_person=managers[0] if managers else None, responsible_team=child.allocated_team)
    record_event(events.RECORD_SIGNED, actor=actor, subject=review, payload={"on": today.isoformat()})
    url = _url("reviews:ratify", public_id=review.public_id)
    notify_many([(m, "A looked-after review record to ratify", f"Reference {child.local_child_id}.", url, review)
                 for m in managers if m.pk != actor.pk])
    return record


@transaction.atomic
def review_record_ratify(*, actor: User, review: Review, ratification: str, response: str = "",
                         late_reason: str = "") -> ReviewRecord:
    """The child's manager ratifies the signed record, or answers it (``response``: what they do not agree
    with, and why). Meets ``lac_review_ratification`` (late: ``late_reason``); the IRO is told. Once
    given, the answer stands."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "ratify", review), "ratify this review's record")
    record = ReviewRecord.objects.select_for_update().filter(review=review).first()
    if record is None or not record.is_signed:
        raise ValidationError("The record has not been signed yet")
    response = response.strip()
    if record.ratification:
        if (record.ratification, record.manager_response) == (ratification, response):
            return record
        raise ValidationError(f"The record was {record.get_ratification_display().lower()} already")
    if ratification not in ReviewRecord.Ratification.values:
        raise ValidationError({"ratification": "Choose whether you ratify the record"})
    if ratification == ReviewRecord.Ratification.RESPONDED and not response:
        raise ValidationError({"response": "Say what you do not agree with, and why"})
    today = _today()
    clock.deadline_meet_open(subject=review, rule_keys=("lac_review_ratification",), met_on=today, actor=actor,
                             late_reason=late_reason)
    record.ratification, record.manager_response = ratification, response
    record.ratified_at, record.ratified_by = timezone.now(), actor
    stamp(record, actor, ReviewRecord.Ratification(ratification).label)
    record.save()
    record_event(events.RECORD_RATIFIED, actor=actor, subject=review, payload={
        "ratification": ratification, "on": today.isoformat()})
    if review.iro_id and review.iro_id != actor.pk:
        subject = ("Your review record was ratified" if ratification == ReviewRecord.Ratification.RATIFIED
                   else "The manager answered your review record")
        notify(recipient=review.iro, subject=subject, body=f"Reference {review.episode.child.local_child_id}.",
               url=_url("reviews:review", public_id=review.public_id), about=review)
    return record


def review_document_download_log(*, actor: User, document: ReviewDocument, via: str) -> None:
    record_event(events.DOCUMENT_DOWNLOADED, actor=actor, subject=document.review,
                 payload={"document": str(document.public_id), "kind": document.kind, "via": via})
