"""Evidence on a referral or a case: documents and images through the kernel's upload service (ADR 18), never a
file field of the LADO's own. Each service re-checks ``evidence_policy`` on the owner it locks, then calls the
kernel (``upload_receive``, ``upload_withdraw``), which types the file by its bytes, keeps it outside the web
root, quarantines it until the virus scan passes and logs every download; the LADO records its own event on
the referral or the case.

Downloads are not a service of ours: the pages and the API call ``upload_open`` (through
``download_response``) with ``evidence_policy.can_download`` as its ``allowed``."""

from __future__ import annotations

from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.services import notify_many
from safeguarding.uploads.models import Upload
from safeguarding.uploads.services import upload_receive, upload_withdraw

from .. import events
from ..models import LadoCase, Referral
from ..policies import evidence_policy
from ._common import _ctx, _lado_officer_ids, _require, _url

PURPOSE = "evidence"


def _lock(owner):
    if isinstance(owner, (Referral, LadoCase)):
        return type(owner).objects.select_for_update(of=("self",)).select_related("referral" if isinstance(
            owner, LadoCase) else "local_authority").get(pk=owner.pk)
    raise ValueError(f"Evidence belongs to a referral or a case, not {type(owner).__name__}")


def _referral_of(owner) -> Referral:
    return owner.referral if isinstance(owner, LadoCase) else owner


@transaction.atomic
def evidence_add(*, actor: User, owner: Referral | LadoCase, file, description: str = "") -> Upload:
    """Keep a file as evidence on a referral or a case (quarantined until its virus scan passes). The LADO team
    adds to any referral or case of its service; the referrer to their own referral while they may follow it.
    A file the referrer sends tells the LADO officers (by reference only)."""
    owner = _lock(owner)
    ctx = _ctx(actor)
    _require(evidence_policy.can_add(ctx, owner), "add evidence to this record")
    upload = upload_receive(actor=actor, file=file, purpose=PURPOSE, owner=owner, description=description)
    from_team = evidence_policy.lists_all(ctx, owner)
    record_event(events.EVIDENCE_ADDED, actor=actor, subject=owner, payload={
        "upload": upload.pk, "content_type": upload.content_type, "size": upload.size,
        "by": "lado" if from_team else "referrer"})
    if not from_team:
        referral = _referral_of(owner)
        url = _url("lado:referral", public_id=referral.public_id)
        notify_many([(uid, f"New evidence on referral {referral.reference}",
                      "The referrer has uploaded a file. It can be opened once its virus scan has passed.", url,
                      referral)
                     for uid in _lado_officer_ids(referral.local_authority_id)])
    return upload


@transaction.atomic
def evidence_withdraw(*, actor: User, owner: Referral | LadoCase, upload: Upload, reason: str) -> Upload:
    """Withdraw a file (kept, with the reason; no longer served): the LADO team any file, the referrer their
    own. Withdrawing a file already withdrawn changes nothing."""
    owner = _lock(owner)
    ctx = _ctx(actor)
    upload = Upload.objects.of(owner).get(pk=upload.pk)  # only this owner's file
    allowed = evidence_policy.can_withdraw(ctx, owner, upload)
    _require(allowed, "withdraw this file")
    if upload.withdrawn:
        return upload
    upload = upload_withdraw(actor=actor, upload=upload, reason=reason, allowed=allowed)
    record_event(events.EVIDENCE_WITHDRAWN, actor=actor, subject=owner,
                 payload={"upload": upload.pk, "reason": upload.withdrawal_reason})
    return upload
