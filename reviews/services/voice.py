"""The child's own voice, in their own words: a secure link for one review that the child (or their advocate)
opens on a phone without an account, a short form in plain words saved as they go and sent when they are
ready, which lands in the review's consultation and suggests the participation code. A child who says they
do not feel safe is acted on at once: their social worker, the managers of their team and their IRO are
told (by the child's reference, never a name).

The link's token is shown once, to the person who makes it; only its SHA-256 is kept. A token opens one
review's consultation and nothing else, until the review is held or cancelled, the link is replaced or
turned off, or ``VOICE_LINK_DAYS`` have passed. The pages that serve it limit how often it is tried
(``reviews.views.voice``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..codes import PN0_UNDER_AGE
from ..models import ChildConsultation, ChildVoiceLink, Review
from ..policies import review_policy
from ..rules import VOICE_ANSWER_MAX, age_on
from ..selectors.voice import OPEN_FOR_VIEWS
from . import links
from ._common import _ctx, _lock_review, _require, _team_managers, _today, _url

TEXT_ANSWERS = tuple(name for name, _ in ChildConsultation.ANSWERS)
CHOICE_ANSWERS = {"advocate": ChildConsultation.Advocate, "take_part": ChildConsultation.TakePart,
                  "feel_safe": ChildConsultation.Safe}


@transaction.atomic
def child_link_issue(*, actor: User, review: Review, for_advocate: bool = False) -> tuple[ChildVoiceLink, str]:
    """Make the link for the child (or, ``for_advocate``, their advocate) to give their views before this
    review: its IRO or the child's case staff, while the review is asked for or booked. A link made before
    for the same person stops working (what was saved through it stays in the review's consultation).
    Returns the link and its token: show the token once."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "ask this child for their views")
    if review.status not in OPEN_FOR_VIEWS:
        raise ValidationError("The child's views are asked for before a review that is asked for or booked")
    age = age_on(review.episode.child.date_of_birth, _today())
    if not for_advocate and (age is None or age < PN0_UNDER_AGE):
        raise ValidationError({"for_advocate": "The child is under 4: make the link for their advocate, or someone "
                                               "who knows them well, to fill in"})
    links.revoke_all(ChildVoiceLink.objects.filter(review=review, for_advocate=for_advocate), actor,
                     "Replaced by a new link")
    token, hashed = links.new_token()
    link = ChildVoiceLink(review=review, token_hash=hashed, for_advocate=for_advocate, expires_at=links.expiry(),
                          created_by=actor)
    stamp(link, actor, "Made")
    link.save()
    record_event(events.CHILD_LINK_ISSUED, actor=actor, subject=review, payload={
        "link": str(link.public_id), "for_advocate": for_advocate, "expires_at": link.expires_at.isoformat()})
    return link, token


@transaction.atomic
def child_link_revoke(*, actor: User, link: ChildVoiceLink, reason: str) -> ChildVoiceLink:
    """Turn a link off (it was sent to the wrong person, the child lost their phone ...)."""
    link = (ChildVoiceLink.objects.select_for_update(of=("self",)).select_related("review__episode__child")
            .get(pk=link.pk))
    _require(review_policy.can(_ctx(actor), "prepare", link.review), "turn off this link")
    if link.revoked_at is not None:
        return link
    if not reason.strip():
        raise ValidationError({"reason": "Say why the link is being turned off"})
    links.revoke(link, actor, reason.strip())
    record_event(events.CHILD_LINK_REVOKED, actor=actor, subject=link.review, payload={
        "link": str(link.public_id), "reason": reason.strip()})
    return link


def _clean(answers: dict) -> tuple[dict, dict]:
    out, errors = {}, {}
    for name in TEXT_ANSWERS:
        out[name] = links.clean_text(answers.get(name), VOICE_ANSWER_MAX, name, errors)
    for name, choices in CHOICE_ANSWERS.items():
        value = str(answers.get(name) or "")
        if value and value not in choices.values:
            errors[name] = "Choose one of the answers"
        out[name] = value
    return out, errors


def _tell_unsafe(consultation: ChildConsultation) -> None:
    """The child said they do not feel safe: tell their social worker, their team's managers and their IRO,
    at once, by email too (the child's reference only)."""
    review = consultation.review
    child = review.episode.child
    people = {child.allocated_social_worker_id, *(u.pk for u in _team_managers(child.allocated_team_id)),
              review.iro_id} - {None}
    how = "do not feel safe" if consultation.feel_safe == ChildConsultation.Safe.NO else "do not always feel safe"
    url = _url("reviews:review", public_id=review.public_id)
    notify_many([(pk, "A looked-after child said they do not feel safe",
                  f"Reference {child.local_child_id}: in their views for their review they said they {how} where "
                  "they live. Contact them today.", url, review) for pk in sorted(people)])
    consultation.unsafe_told_at = timezone.now()
    record_event(events.CHILD_SAID_UNSAFE, actor=None, subject=review, payload={
        "answer": consultation.feel_safe, "told": sorted(people)})


@transaction.atomic
def child_views_save(*, link: ChildVoiceLink, answers: dict, send: bool = False) -> ChildConsultation:
    """Save what the child wrote through their link (every answer may be left empty), and with ``send`` send
    it to their IRO. Sent views are not changed any more. Saying they do not feel safe (or not always) tells
    the people on the case at once, the first time."""
    link = (ChildVoiceLink.objects.select_for_update(of=("self",))
            .select_related("review__episode__child", "review__iro").get(pk=link.pk))
    links.check_works(link)
    consultation = ChildConsultation.objects.select_for_update().filter(link=link).first()
    if consultation is not None and consultation.sent_at is not None:
        raise ValidationError("You have sent your answers already")
    cleaned, errors = _clean(answers)
    if errors:
        raise ValidationError(errors)
    if consultation is None:
        consultation = ChildConsultation(link=link, review=link.review)
    consultation.review = link.review  # (loaded with its child, for the notifications)
    changed = any(getattr(consultation, k) != v for k, v in cleaned.items())
    for name, value in cleaned.items():
        setattr(consultation, name, value)
    now = timezone.now()
    if changed or consultation.pk is None:
        consultation.saved_at = now
    if consultation.feels_unsafe and consultation.unsafe_told_at is None:
        _tell_unsafe(consultation)
    if send:
        consultation.sent_at = now
    consultation._history_user = None
    consultation._change_reason = "Sent by the child" if send else "Saved by the child"
    consultation.save()
    link.last_opened_at = now
    link.save(update_fields=["last_opened_at"])
    record_event(events.CHILD_VIEWS_SENT if send else events.CHILD_VIEWS_SAVED, actor=None, subject=link.review,
                 payload={"link": str(link.public_id), "suggested": consultation.suggested_participation})
    if send and link.review.iro_id:
        child = link.review.episode.child
        notify_many([(link.review.iro_id, "A child sent their views for their review",
                      f"Reference {child.local_child_id}.", _url("reviews:review", public_id=link.review.public_id),
                      link.review)])
    return consultation
