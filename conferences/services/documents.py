"""Published documents: store the PDFs, publish the decision letter, send to invitees, log downloads."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import AgencyKind, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import Conference, Distribution, Document
from ._common import S, _lock, _today, _url


def _document_store(actor, conference, kind, copy, version, content: bytes, minutes=None) -> Document:
    name = f"{conference.child.local_child_id}-{kind}-v{version}-{copy}.pdf".replace("_", "-")
    doc = Document(conference=conference, kind=kind, copy=copy, version=version, minutes=minutes, filename=name,
                   content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_by=actor)
    stamp(doc, actor, "Published")
    doc.save()
    record_event(events.DOCUMENT_PUBLISHED, actor=actor, subject=conference,
                 payload={"kind": kind, "copy": copy, "version": version, "sha256": doc.sha256})
    return doc


@transaction.atomic
def decision_letter_publish(*, actor: User, conference: Conference) -> list[Document]:
    """Publish the decision letter and outline plan (a professional and a family copy). Publishing
    again after a change makes a new version."""
    conference = _lock(conference)
    if conference.status != S.DECIDED:
        raise ValidationError("The decision letter is published after the decision")
    from .. import documents

    latest = conference.documents.filter(kind=Document.Kind.DECISION_LETTER).order_by("-version").first()
    version = latest.version + 1 if latest else 1
    return [_document_store(actor, conference, Document.Kind.DECISION_LETTER, copy, version,
                            documents.render_decision_letter(conference, copy))
            for copy in (Document.Copy.PROFESSIONAL, Document.Copy.FAMILY)]


@transaction.atomic
def documents_distribute(
    *, actor: User, conference: Conference, kind: str, invitations, method: str, sent_on: date | None = None,
    late_reason: str = "",
) -> list[Distribution]:
    """Send the latest published ``kind`` to invitees: family members always get the family copy,
    professionals the professional copy. The first sending of the minutes (or the decision letter)
    meets its deadline. Account holders are notified with a download link."""
    conference = _lock(conference)
    kind = Document.Kind(kind)
    method = Distribution.Method(method)
    sent_on = sent_on or _today()
    if sent_on > _today():
        raise ValidationError({"sent_on": "The date sent must be today or in the past"})
    invitations = list(invitations)
    if not invitations:
        raise ValidationError({"recipients": "Choose who the document is sent to"})
    latest = {}
    for copy in Document.Copy.values:
        latest[copy] = conference.documents.live().filter(kind=kind, copy=copy) \
            .order_by("-version").first()
    if not all(latest.values()):
        raise ValidationError(f"The {kind.label.lower()} has not been published yet")
    out = []
    for inv in invitations:
        if inv.conference_id != conference.pk or inv.entered_in_error:
            raise ValidationError({"recipients": "Recipients must be invitees of this conference"})
        if method == Distribution.Method.IN_APP and inv.user_id is None and not (
                inv.agency_id and inv.agency.kind != AgencyKind.LOCAL_AUTHORITY):
            raise ValidationError({"method": f"{inv.name} has no account: choose secure email, post or by hand"})
        doc = latest[Document.Copy.FAMILY if inv.is_family else Document.Copy.PROFESSIONAL]
        if doc.distributions.live().filter(invitation=inv).exists():
            continue
        d = Distribution(document=doc, invitation=inv, recipient_name=inv.name,
                         recipient_role=inv.role or inv.get_kind_display(), agency_id=inv.agency_id,
                         user_id=inv.user_id, is_family=inv.is_family, method=method, sent_on=sent_on, sent_by=actor,
                         created_by=actor)
        if d.is_family and doc.copy != Document.Copy.FAMILY:  # parents' copies are only ever the family version
            raise AssertionError("a family invitee must only ever be sent the family copy")
        stamp(d, actor, "Sent")
        d.save()
        out.append(d)
    rule = "conference_minutes" if kind == Document.Kind.MINUTES else "outline_plan"
    if out:
        clock.deadline_meet_open(subject=conference, rule_keys=(rule,), met_on=sent_on, actor=actor,
                                 late_reason=late_reason)
        record_event(events.DOCUMENT_DISTRIBUTED, actor=actor, subject=conference, payload={
            "kind": kind, "method": method, "recipients": [str(d.invitation.public_id) for d in out]})
        url = _url("conferences:documents", public_id=conference.public_id)
        notify_many([(d.user_id, f"{kind.label} sent to you", "Download it from Safeguarding Hub.", url,
                      conference) for d in out if d.user_id])
    return out


def document_download_log(*, actor: User, document: Document, via: str) -> None:
    record_event(events.DOCUMENT_DOWNLOADED, actor=actor, subject=document.conference,
                 payload={"document": str(document.public_id), "copy": document.copy, "via": via})
