"""What every partnership record shares: a public id, a creation time, and no deletion."""

import uuid

from django.db import models
from django.utils import timezone


class NotDeletable(Exception):
    pass


class _Kept(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise NotDeletable(f"{type(self).__name__} records are kept, never deleted.")
