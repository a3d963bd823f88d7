"""Who may oversee uploads as such (not a record's files: the record's own app decides those).

Administrators see the quarantine page: every upload whose scan is not clean, with its reference, type,
size, status and who uploaded it, never its name or its record (a file's name may be a child's; the
record is the app's to show). They may ask for a failed scan to be tried again. Nobody else reaches
an upload through this policy: reading a file is always through the owning app's policy
(``services.upload_open(allowed=...)``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy
from safeguarding.accounts.models import Role

from .models import Upload


class UploadOversightPolicy(Policy):
    model = Upload
    actions = ("oversee", "scan_again")

    @staticmethod
    def is_overseer(ctx: AccessContext) -> bool:
        return ctx.is_authenticated and ctx.has_role(Role.ADMINISTRATOR)

    def visible(self, ctx: AccessContext, action: str = "oversee") -> QuerySet:
        self._check_action(action)
        qs = Upload.objects.all()
        return qs if self.is_overseer(ctx) else qs.none()

    def can(self, ctx: AccessContext, action: str, obj: Upload) -> bool:
        self._check_action(action)
        return obj is not None and obj.pk is not None and self.is_overseer(ctx)


upload_oversight_policy = UploadOversightPolicy()
