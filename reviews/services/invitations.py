"""Invitations to a looked-after review (ADR 15): its time and place, who is invited (a person of the hub or
someone outside it), the calendar invitations sent, updated and cancelled through the kernel's one outbox.

- Inviting records the invitation; **sending** (``review_invitations_send``) emails the calendar invitation
  to everyone invited with an address and not sent it yet: the review must be booked and its time and place
  set. Sending is a step of its own, confirmed on its page, because an email to a family cannot be taken back.
- Once sent, the calendar follows the review by itself: a new day (``review_reschedule``), time or place sends
  everyone sent an update (the same UID, a higher SEQUENCE); cancelling the review (``review_cancel``, or the
  period of care ending) sends everyone a cancellation; withdrawing one invitation sends that person one.
- Emails and calendar entries carry no names (ADR 5): ``reviews.invitation_calendar``.
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Agency, User
from safeguarding.audit.services import record_event
from safeguarding.notify.outbox import one_line
from safeguarding.records import stamp

from .. import events
from ..invitation_calendar import CANCEL, REQUEST, queue_emails
from ..models import CURRENT_INVITATION, ConsultationLink, Review, ReviewInvitation, ReviewMeeting
from ..policies import invitation_policy, review_policy
from . import links
from ._common import _ctx, _lock_review, _require

S = Review.Status
Invitee = ReviewInvitation.Invitee
OPEN = (S.REQUESTED, S.SCHEDULED)
NAME_MAX, PLACE_MAX, LINK_MAX = 200, 300, 500


def _meeting(review: Review) -> ReviewMeeting | None:
    return ReviewMeeting.objects.select_for_update().filter(review=review).first()


def _sent(review: Review):
    """The current invitations of the review that were sent a calendar invitation."""
    return list(ReviewInvitation.objects.filter(CURRENT_INVITATION, review=review, sent_sequence__gte=0)
                .order_by("id"))


def _update_sent(review: Review, meeting: ReviewMeeting, method: str) -> int:
    """The review changed after invitations went out: a new calendar revision to everyone sent one (an
    update, or the cancellation). Nothing when nobody was sent one."""
    sent = _sent(review)
    if not sent:
        return 0
    meeting.ics_sequence += 1
    meeting.save(update_fields=["ics_sequence"])
    queue_emails(review, meeting, sent, method)
    return len(sent)


# --- the time and place -----------------------------------------------------------------------------------------
@transaction.atomic
def review_meeting_set(*, actor: User, review: Review, starts_at: time | None, ends_at: time | None = None,
                       venue: str = "", online_link: str = "") -> ReviewMeeting:
    """Set (or change) when and where a booked review meets, on its day. A change after the invitations were
    sent sends everyone sent one an update. The same again changes nothing."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "arrange this review")
    if review.status != S.SCHEDULED:
        raise ValidationError("The time and place are set for a booked review")
    venue, online_link = one_line(venue or ""), (online_link or "").strip()
    errors = {}
    if starts_at is None:
        errors["starts_at"] = "Enter the time the review starts"
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The review must end after it starts"
    if not venue and not online_link:
        errors["venue"] = "Say where the review is, or give the link to join it online"
    if len(venue) > PLACE_MAX:
        errors["venue"] = f"Write less than {PLACE_MAX} characters"
    if online_link:
        try:
            URLValidator(schemes=["https", "http"])(online_link)
            if len(online_link) > LINK_MAX:
                raise ValidationError("too long")
        except ValidationError:
            errors["online_link"] = "Enter the link to join online, starting https://"
    if errors:
        raise ValidationError(errors)
    meeting = _meeting(review)
    values = {"starts_at": starts_at, "ends_at": ends_at, "venue": venue, "online_link": online_link}
    if meeting is not None and all(getattr(meeting, k) == v for k, v in values.items()):
        return meeting
    first = meeting is None
    if first:
        meeting = ReviewMeeting(review=review)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.updated_by = actor
    stamp(meeting, actor, "Time and place set" if first else "Time or place changed")
    meeting.save()
    updated = 0 if first else _update_sent(review, meeting, REQUEST)
    record_event(events.MEETING_SET, actor=actor, subject=review, payload={
        "starts_at": starts_at.isoformat(), "venue": venue, "online": bool(online_link), "updated": updated})
    return meeting


# --- inviting ---------------------------------------------------------------------------------------------------
@transaction.atomic
def review_invite(*, actor: User, review: Review, invitee: str, user: User | None = None, name: str = "",
                  email: str = "", agency: Agency | None = None, organisation: str = "") -> ReviewInvitation:
    """Invite someone to the review, in a role (``invitee``): a person of the hub (``user``: their name and
    address come from their account), or someone outside it (``name``, an optional ``email``, their
    ``organisation``). ``agency`` is the hub's agency the invitation is for, when there is one: its
    practitioners and API client then see the review and give the agency's views. Nothing is emailed until
    the invitations are sent (``review_invitations_send``). Inviting a person already invited changes nothing."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "invite people to this review")
    if review.status not in OPEN:
        raise ValidationError("People are invited before the review is held")
    errors = {}
    if invitee not in Invitee.values:
        errors["invitee"] = "Choose who they are at the review"
    if user is not None:
        if not user.is_active or user.is_api_client:
            errors["user"] = "Choose a person who uses Safeguarding Hub"
        existing = ReviewInvitation.objects.filter(CURRENT_INVITATION, review=review, user=user).first()
        if existing is not None:
            return existing
        name, email = user.display_name, user.email
    else:
        name, email = one_line(name or ""), (email or "").strip()
        if not name:
            errors["name"] = "Enter their name"
        elif len(name) > NAME_MAX:
            errors["name"] = f"Write less than {NAME_MAX} characters"
        if email:
            try:
                validate_email(email)  # it goes into an email header and a calendar file: one address
            except ValidationError:
                errors["email"] = "Enter an email address like name@example.org"
    organisation = one_line(organisation or "")
    if len(organisation) > NAME_MAX:
        errors["organisation"] = f"Write less than {NAME_MAX} characters"
    if agency is not None and not agency.is_active:
        errors["agency"] = "Choose an agency that is active"
    if errors:
        raise ValidationError(errors)
    invitation = ReviewInvitation(review=review, invitee=invitee, user=user, name=name, email=email, agency=agency,
                                  organisation="" if agency is not None else organisation, created_by=actor)
    stamp(invitation, actor, "Invited")
    invitation.save()
    record_event(events.INVITED, actor=actor, subject=review, payload={
        "invitation": str(invitation.public_id), "invitee": invitee, "account": user is not None,
        "agency": agency.pk if agency else None})
    return invitation


@transaction.atomic
def review_invitations_send(*, actor: User, review: Review) -> list[ReviewInvitation]:
    """Email the calendar invitation to everyone invited with an address who has not been sent it yet. The
    review must be booked, its time and place set. Returns who was emailed now (none: nothing changes)."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "send the invitations to this review")
    if review.status != S.SCHEDULED:
        raise ValidationError("Invitations are sent for a booked review")
    meeting = _meeting(review)
    if meeting is None:
        raise ValidationError("Set the time and place of the review first")
    due = list(ReviewInvitation.objects.select_for_update().filter(CURRENT_INVITATION, review=review)
               .exclude(email="").filter(sent_sequence__lt=meeting.ics_sequence).order_by("id"))
    if not due:
        return []
    queue_emails(review, meeting, due, REQUEST)
    record_event(events.INVITATIONS_SENT, actor=actor, subject=review, payload={
        "invitations": [str(inv.public_id) for inv in due], "sequence": meeting.ics_sequence})
    return due


@transaction.atomic
def review_invitation_withdraw(*, actor: User, invitation: ReviewInvitation, reason: str) -> ReviewInvitation:
    """The person is no longer invited: kept, marked, their calendar entry cancelled (if they were sent one)
    and their consultation link turned off."""
    invitation = (ReviewInvitation.objects.select_for_update(of=("self",)).select_related("review__episode__child")
                  .get(pk=invitation.pk))
    _require(invitation_policy.can(_ctx(actor), "manage", invitation), "withdraw this invitation")
    if not invitation.is_current:
        return invitation
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invitation is withdrawn"})
    review = invitation.review
    if review.status not in OPEN:
        raise ValidationError("The review has been held or cancelled: the invitation stays as it was")
    invitation.withdrawn_at, invitation.withdrawn_by = timezone.now(), actor
    invitation.withdrawn_reason = reason.strip()
    stamp(invitation, actor, reason.strip())
    invitation.save()
    links.revoke_all(ConsultationLink.objects.filter(invitation=invitation), actor, "Invitation withdrawn")
    meeting = _meeting(review)
    if invitation.was_sent and meeting is not None:
        queue_emails(review, meeting, [invitation], CANCEL)
    record_event(events.INVITATION_WITHDRAWN, actor=actor, subject=review, payload={
        "invitation": str(invitation.public_id), "reason": reason.strip()})
    return invitation


# --- what the review cycle tells the invitations (reviews.services.cycle) -----------------------------------------
def review_moved(review: Review) -> int:
    """The review's day changed (in the caller's transaction, the review locked): everyone sent an invitation
    gets the update. Returns how many."""
    meeting = _meeting(review)
    return _update_sent(review, meeting, REQUEST) if meeting is not None else 0


def review_cancelled(review: Review) -> int:
    """The review was cancelled (in the caller's transaction): everyone sent an invitation gets the
    cancellation. Returns how many."""
    meeting = _meeting(review)
    return _update_sent(review, meeting, CANCEL) if meeting is not None else 0
