"""The consultation of the people invited to a review (ADR 15): parents and carers by a secure link of their own,
made and checked exactly as the child's (``reviews.services.links``), and invited agencies through the API. What
they say lands in the review's consultation, one per invitation.

- A parent's or carer's link opens their invitation's short form and nothing else, until the review is held
  or cancelled, the link is replaced or turned off, the invitation withdrawn, or ``VOICE_LINK_DAYS`` pass.
  They save and finish later, check, then send (final); the IRO is told.
- An invited agency (its practitioners and API client, or a person invited by their account) sends its
  views through the API until the review is held; sending again replaces them (the history keeps each).
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
from ..models import ConsultationLink, InviteeConsultation, Review, ReviewInvitation
from ..policies import invitation_policy
from ..rules import VOICE_ANSWER_MAX
from ..selectors.links import OPEN_FOR_VIEWS
from . import links
from ._common import _ctx, _require, _url

TEXT_ANSWERS = tuple(name for name, _ in InviteeConsultation.ANSWERS)
CLOSED = "Views are taken until the review is held"


def _lock_invitation(invitation: ReviewInvitation) -> ReviewInvitation:
    return (ReviewInvitation.objects.select_for_update(of=("self",)).select_related("review__episode__child")
            .get(pk=invitation.pk))


@transaction.atomic
def consultation_link_issue(*, actor: User, invitation: ReviewInvitation) -> tuple[ConsultationLink, str]:
    """Make the link for an invited parent or carer to give their views before the review (the review's IRO or
    the child's case staff). A link made before for the same invitation stops working (what was saved through
    it stays). Returns the link and its token: show the token once."""
    invitation = _lock_invitation(invitation)
    _require(invitation_policy.can(_ctx(actor), "manage", invitation), "ask this person for their views")
    if not invitation.takes_a_link:
        raise ValidationError("A link is made for a parent or a carer (the child has their own link)")
    if not invitation.is_current:
        raise ValidationError("This invitation was withdrawn")
    if invitation.review.status not in OPEN_FOR_VIEWS:
        raise ValidationError("Views are asked for before a review that is asked for or booked")
    links.revoke_all(ConsultationLink.objects.filter(invitation=invitation), actor, "Replaced by a new link")
    token, hashed = links.new_token()
    link = ConsultationLink(invitation=invitation, review=invitation.review, token_hash=hashed,
                            expires_at=links.expiry(), created_by=actor)
    stamp(link, actor, "Made")
    link.save()
    record_event(events.CONSULTATION_LINK_ISSUED, actor=actor, subject=invitation.review, payload={
        "link": str(link.public_id), "invitation": str(invitation.public_id),
        "expires_at": link.expires_at.isoformat()})
    return link, token


@transaction.atomic
def consultation_link_revoke(*, actor: User, link: ConsultationLink, reason: str) -> ConsultationLink:
    """Turn a parent's or carer's link off (sent to the wrong address, lost ...)."""
    link = (ConsultationLink.objects.select_for_update(of=("self",)).select_related("invitation", "review")
            .get(pk=link.pk))
    _require(invitation_policy.can(_ctx(actor), "manage", link.invitation), "turn off this link")
    if link.revoked_at is not None:
        return link
    if not reason.strip():
        raise ValidationError({"reason": "Say why the link is being turned off"})
    links.revoke(link, actor, reason.strip())
    record_event(events.CONSULTATION_LINK_REVOKED, actor=actor, subject=link.review, payload={
        "link": str(link.public_id), "reason": reason.strip()})
    return link


def _clean(answers: dict) -> dict:
    out, errors = {}, {}
    for name in TEXT_ANSWERS:
        out[name] = links.clean_text(answers.get(name), VOICE_ANSWER_MAX, name, errors)
    attending = str(answers.get("attending") or "")
    if attending and attending not in InviteeConsultation.Attending.values:
        errors["attending"] = "Choose one of the answers"
    out["attending"] = attending
    if errors:
        raise ValidationError(errors)
    return out


def _write(consultation: InviteeConsultation, cleaned: dict, *, send: bool, author, reason: str) -> bool:
    """Put the answers on the consultation and save it; whether anything changed."""
    changed = consultation.pk is None or any(getattr(consultation, k) != v for k, v in cleaned.items())
    for name, value in cleaned.items():
        setattr(consultation, name, value)
    now = timezone.now()
    if changed:
        consultation.saved_at = now
    if send and (changed or consultation.sent_at is None):
        consultation.sent_at = now
        changed = True
    if changed:
        consultation._history_user, consultation._change_reason = author, reason
        consultation.save()
    return changed


def _tell_iro(review: Review, invitation: ReviewInvitation) -> None:
    if review.iro_id:
        notify_many([(review.iro_id, "Views were sent for a looked-after review",
                      f"Reference {review.episode.child.local_child_id}: {invitation.get_invitee_display().lower()}.",
                      _url("reviews:review", public_id=review.public_id), review)])


@transaction.atomic
def invitee_views_save(*, link: ConsultationLink, answers: dict, send: bool = False) -> InviteeConsultation:
    """Save what a parent or carer wrote through their link (every answer may be left empty), and with ``send``
    send it to the IRO. Sent views are not changed any more."""
    link = (ConsultationLink.objects.select_for_update(of=("self",))
            .select_related("invitation", "review__episode__child").get(pk=link.pk))
    links.check_works(link)
    invitation = link.invitation
    if not invitation.is_current:
        raise ValidationError(links.GONE)
    consultation = InviteeConsultation.objects.select_for_update().filter(invitation=invitation).first()
    if consultation is not None and consultation.sent_at is not None:
        raise ValidationError("You have sent your views already")
    cleaned = _clean(answers)
    if consultation is None:
        consultation = InviteeConsultation(invitation=invitation, review=link.review, via=InviteeConsultation.Via.LINK)
    consultation.link, consultation.via = link, InviteeConsultation.Via.LINK
    _write(consultation, cleaned, send=send, author=None, reason="Sent through their link" if send else
           "Saved through their link")
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    record_event(events.INVITEE_VIEWS_SENT if send else events.INVITEE_VIEWS_SAVED, actor=None, subject=link.review,
                 payload={"invitation": str(invitation.public_id), "via": "link"})
    if send:
        _tell_iro(link.review, invitation)
    return consultation


@transaction.atomic
def invitee_views_submit(*, actor: User, invitation: ReviewInvitation, answers: dict) -> InviteeConsultation:
    """An invited agency (or a person invited by their account) sends its views for the review: until the
    review is held; sending again replaces them. The same text again changes nothing."""
    invitation = _lock_invitation(invitation)
    _require(invitation_policy.can(_ctx(actor), "consult", invitation), "give views on this invitation")
    review = invitation.review
    if review.status not in OPEN_FOR_VIEWS:
        raise ValidationError(CLOSED)
    cleaned = _clean(answers)
    consultation = InviteeConsultation.objects.select_for_update().filter(invitation=invitation).first()
    if consultation is None:
        consultation = InviteeConsultation(invitation=invitation, review=review)
    consultation.via, consultation.author = InviteeConsultation.Via.API, actor
    if _write(consultation, cleaned, send=True, author=actor, reason="Sent through the API"):
        record_event(events.INVITEE_VIEWS_SENT, actor=actor, subject=review, payload={
            "invitation": str(invitation.public_id), "via": "api"})
        _tell_iro(review, invitation)
    return consultation
