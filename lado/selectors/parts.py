"""One part of a record the page has already fetched through its policy (a case's safety decision, invitation or
meeting; a referral's child), by its public id; None when the record holds no such part (the page answers 404).
Pages never read these models themselves (docs/howto/new-app.md)."""

from __future__ import annotations

from ..codes import SafetyKind
from ..models import CaseInvitation, LadoCase, Meeting, MeetingInvitee, Referral, ReferralChild, SafetyDecision


def suspension_of(case: LadoCase, public_id) -> SafetyDecision | None:
    return SafetyDecision.objects.live().filter(case=case, public_id=public_id, kind=SafetyKind.SUSPENSION).first()


def invitation_of(case: LadoCase, public_id) -> CaseInvitation | None:
    return CaseInvitation.objects.live().filter(case=case, public_id=public_id).select_related("user").first()


def meeting_of(case: LadoCase, public_id) -> Meeting | None:
    return Meeting.objects.live().filter(case=case, public_id=public_id).first()


def invitees_of(meeting: Meeting) -> list[MeetingInvitee]:
    return list(MeetingInvitee.objects.live().filter(meeting=meeting).select_related("user"))


def referral_child_of(referral: Referral, public_id) -> ReferralChild | None:
    return ReferralChild.objects.live().filter(referral=referral, public_id=public_id).first()
