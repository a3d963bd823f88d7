"""Evidence the LADO shares with the police or children's social care invited into a case: one file (of the
case, or sent with its referral) for one invitation. The invited person then lists and downloads that file from
the case, while the share and the invitation both last; every download is logged by the kernel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from .casework import CaseInvitation, LadoCase

LIVE_SHARE = Q(ended_at__isnull=True, entered_in_error_at__isnull=True)


class EvidenceShare(CaseRecord):
    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="evidence_shares")
    invitation = models.ForeignKey(CaseInvitation, on_delete=models.PROTECT, related_name="evidence_shares")
    upload = models.ForeignKey("uploads.Upload", on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        # also the index that serves "what is shared with this invitation"
        constraints = [models.UniqueConstraint(fields=["invitation", "upload"], condition=LIVE_SHARE,
                                               name="lado_share_once")]

    def __str__(self):
        return f"File {self.upload_id} shared on {self.case_id}"
