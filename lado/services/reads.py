"""Every read of a LADO record (a case, a referral, a person-index entry) is logged in the kernel's view log
(``safeguarding.audit``), and the LADO manager sees the log (``lado.selectors.reads``)."""

from __future__ import annotations

from collections.abc import Iterable

from safeguarding.audit.models import RecordView
from safeguarding.audit.services import record_view, record_views

VIA_PAGE = RecordView.Via.PAGE
VIA_API = RecordView.Via.API


def lado_read_log(*, user, record, via: str = VIA_PAGE, what: str = "") -> None:
    """One read of one LADO record."""
    record_view(user=user, record=record, via=via, what=what)


def lado_reads_log(*, user, records: Iterable, via: str = VIA_PAGE, what: str = "") -> int:
    """The reads of the LADO records a list or a search shows: one statement, none for an empty list."""
    return record_views(user=user, records=list(records), via=via, what=what)
