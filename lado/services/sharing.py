"""Evidence the LADO shares with the police or children's social care invited into a case (ADR 22): a file of the
case or of its referral, with one live invitation. The invited person then downloads it from the case page
(``upload_open`` logs each download); the LADO stops sharing with a reason, and when the invitation ends so does
their access."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp
from safeguarding.uploads.models import Upload

from .. import events
from ..models import LIVE_INVITATION, LIVE_SHARE, CaseInvitation, EvidenceShare, LadoCase
from ..policies import shared_evidence_policy
from ._common import _ctx, _require, _text, _url
from .casework import _lock_case


@transaction.atomic
def evidence_share(*, actor: User, case: LadoCase, uploads: list[Upload],
                   invitations: list[CaseInvitation]) -> list[EvidenceShare]:
    """Share files of the case (or sent with its referral) with people invited into it. Each pair is shared once
    (sharing again changes nothing); a withdrawn file is not shared. Each person is told by reference only."""
    case = _lock_case(case)
    _require(shared_evidence_policy.can_share(_ctx(actor), case), "share evidence on this case")
    errors: dict[str, str] = {}
    files = list(Upload.objects.of(case).filter(pk__in=[u.pk for u in uploads])) + list(
        Upload.objects.of(case.referral).filter(pk__in=[u.pk for u in uploads]))
    if not uploads or len(files) != len({u.pk for u in uploads}):
        errors["uploads"] = "Select files of this case or its referral"
    elif any(f.withdrawn for f in files):
        errors["uploads"] = "A withdrawn file cannot be shared"
    people = list(CaseInvitation.objects.filter(LIVE_INVITATION, case=case, pk__in=[i.pk for i in invitations])
                  .select_related("user"))
    if not invitations or len(people) != len({i.pk for i in invitations}):
        errors["invitations"] = "Select people invited into this case"
    if errors:
        raise ValidationError(errors)
    made = []
    existing = set(EvidenceShare.objects.filter(LIVE_SHARE, case=case).values_list("invitation_id", "upload_id"))
    for invitation in people:
        for upload in files:
            if (invitation.pk, upload.pk) in existing:
                continue
            share = EvidenceShare(case=case, invitation=invitation, upload=upload, created_by=actor)
            stamp(share, actor, "Shared with someone invited into the case")
            share.save()
            made.append(share)
            record_event(events.EVIDENCE_SHARED, actor=actor, subject=case, payload={
                "share": share.pk, "upload": upload.pk, "invitation": invitation.pk})
    url = _url("lado:case", public_id=case.public_id)
    notify_many([(uid, f"Files shared on LADO case {case.reference}",
                  "The LADO has shared files with you on a case you are invited into.", url, case)
                 for uid in sorted({s.invitation.user_id for s in made})])
    return made


@transaction.atomic
def evidence_unshare(*, actor: User, share: EvidenceShare, reason: str) -> EvidenceShare:
    """Stop sharing a file with one person (the share is kept, ended, with the reason)."""
    share = EvidenceShare.objects.select_for_update().select_related("case").get(pk=share.pk)
    _require(shared_evidence_policy.can_share(_ctx(actor), share.case), "stop sharing this file")
    if share.ended_at is not None:
        return share
    errors: dict[str, str] = {}
    reason = _text({"reason": reason}, "reason", "why the file is no longer shared", errors)
    if errors:
        raise ValidationError(errors)
    share.ended_at, share.ended_by, share.end_reason = timezone.now(), actor, reason
    stamp(share, actor, f"No longer shared: {reason}")
    share.save(update_fields=["ended_at", "ended_by", "end_reason"])
    record_event(events.EVIDENCE_UNSHARED, actor=actor, subject=share.case,
                 payload={"share": share.pk, "upload": share.upload_id})
    return share
