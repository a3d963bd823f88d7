"""The kernel's base for every case record, whichever app holds it.

- ``CaseRecord``: public UUID, who created it, and "entered in error" (never a hard delete).
- ``CaseRecordQuerySet.live()``: the records not entered in error, chainable
  (``Involvement.objects.live().filter(...)``, ``child.involvements.live()``).
- ``stamp(obj, actor, reason)``: who changed a record and why, for django-simple-history.
"""

from .models import CaseRecord, CaseRecordQuerySet, stamp

__all__ = ["CaseRecord", "CaseRecordQuerySet", "stamp"]
