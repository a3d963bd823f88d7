"""Reads for keeping the LADO's records: each case's retention rule and date, an index entry's (the latest of its
cases': the repeat-allegation check needs the entry until then), the legal holds in force, and the LADO manager's
review list of entries past their retention date. The periods are ``lado.rules.retention_rules()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .. import rules
from ..models import HOLD_IN_FORCE, LIVE, LadoCase, LegalHold, PersonIndexEntry, Transfer

ROWS = 200  # entries on the review list at most; the page says when there are more


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February becomes 28 February in a year that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def case_rule_key(case: LadoCase) -> str | None:
    """Which retention rule a case falls under: its outcome; "transferred" when handed to another authority;
    "nfa" when closed at the evaluation; None while it is not closed (nothing is due)."""
    if case.status != LadoCase.Status.CLOSED:
        return None
    transfers = getattr(case, "live_transfers", None)
    if transfers is None:
        transfers = list(case.transfers.live())
    if any(t.is_transfer for t in transfers):
        return "transferred"
    outcome = getattr(case, "outcome", None)
    return outcome.category if outcome is not None else "nfa"


@dataclass
class CaseRetention:
    case: LadoCase
    rule: rules.Retention | None
    retention_date: date | None
    holds: list = field(default_factory=list)


def case_retention(case: LadoCase, date_of_birth: date | None, table=None, age=None) -> CaseRetention:
    """The case's rule and retention date: ``years`` from the referral's date or, if the rule says so and the date
    of birth is known, the person's pension age, whichever is later. None while the case is not closed."""
    table = table or rules.retention_rules()
    key = case_rule_key(case)
    if key is None:
        return CaseRetention(case, None, None)
    rule = table[key]
    due = add_years(timezone.localdate(case.referral.received_at), rule.years)
    if rule.until_pension_age and date_of_birth:
        due = max(due, add_years(date_of_birth, age or rules.pension_age()))
    return CaseRetention(case, rule, due)


@dataclass
class EntryRetention:
    """An index entry and its cases under the retention policy. ``retention_date`` is the latest of its cases'
    (None while any case is not closed, or when it has none); ``holds`` every hold in force on it or its cases."""

    entry: PersonIndexEntry
    cases: list[CaseRetention]
    retention_date: date | None
    holds: list
    date_of_birth_known: bool
    disposal: object = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def open_cases(self) -> list[LadoCase]:
        return [c.case for c in self.cases if c.rule is None]

    @property
    def past_retention(self) -> bool:
        return self.retention_date is not None and self.retention_date < self.today

    @property
    def on_hold(self) -> bool:
        return bool(self.holds)

    @property
    def disposable(self) -> bool:
        return self.disposal is None and self.past_retention and not self.on_hold


def _cases_prefetch() -> Prefetch:
    return Prefetch("cases", queryset=LadoCase.objects.filter(LIVE).select_related("referral", "outcome")
                    .prefetch_related(Prefetch("transfers", queryset=Transfer.objects.filter(LIVE),
                                               to_attr="live_transfers"),
                                      Prefetch("legal_holds", queryset=LegalHold.objects.filter(HOLD_IN_FORCE),
                                               to_attr="holds_in_force"))
                    .order_by("referral__received_at", "id"), to_attr="live_cases")


def _with_retention(entries: QuerySet) -> QuerySet:
    return entries.select_related("disposal").prefetch_related(
        _cases_prefetch(), Prefetch("legal_holds", queryset=LegalHold.objects.filter(HOLD_IN_FORCE),
                                    to_attr="holds_in_force"))


def _shape(entry: PersonIndexEntry, table, age, today) -> EntryRetention:
    dob = entry.date_of_birth or next((c.referral.subject_date_of_birth for c in entry.live_cases
                                       if c.referral.subject_date_of_birth), None)
    cases = []
    for case in entry.live_cases:
        row = case_retention(case, dob, table, age)
        row.holds = list(case.holds_in_force)
        cases.append(row)
    dates = [c.retention_date for c in cases]
    due = max(dates) if dates and all(dates) else None
    holds = list(entry.holds_in_force) + [h for c in cases for h in c.holds]
    return EntryRetention(entry=entry, cases=cases, retention_date=due, holds=holds,
                          date_of_birth_known=dob is not None, disposal=getattr(entry, "disposal", None), today=today)


def entry_retention(entry: PersonIndexEntry) -> EntryRetention:
    """One entry under the retention policy (five queries)."""
    entry = _with_retention(PersonIndexEntry.objects.filter(pk=entry.pk)).get()
    return _shape(entry, rules.retention_rules(), rules.pension_age(), timezone.localdate())


@dataclass
class Review:
    rows: list[EntryRetention]
    truncated: bool
    rules: list


def retention_review(local_authority_ids: list[int]) -> Review:
    """The LADO manager's review list: the entries of their authorities, not disposed of, whose cases are all
    closed and whose retention date has passed; those on hold are listed too (marked, not disposable). Candidates
    are the entries whose latest referral is older than the shortest period (SQL); their dates are then worked
    out (a fixed number of queries)."""
    table, age, today = rules.retention_rules(), rules.pension_age(), timezone.localdate()
    shortest = min(r.years for r in table.values())
    latest_allowed = add_years(today, -shortest)
    not_closed = LadoCase.objects.filter(LIVE, subject=OuterRef("pk")).exclude(status=LadoCase.Status.CLOSED)
    candidates = (PersonIndexEntry.objects.filter(LIVE, local_authority_id__in=local_authority_ids,
                                                  disposal__isnull=True)
                  .filter(~Exists(not_closed))
                  .annotate(latest=Max("cases__referral__received_at",
                                       filter=Q(cases__entered_in_error_at__isnull=True)))
                  .filter(latest__date__lt=latest_allowed).order_by("latest", "id"))
    rows = [r for r in (_shape(e, table, age, today) for e in _with_retention(candidates)[:ROWS + 1])
            if r.past_retention]
    return Review(rows=rows[:ROWS], truncated=len(rows) > ROWS, rules=list(table.values()))


def holds_of(record) -> list[LegalHold]:
    """Every hold of a case or an entry, in force and released, newest first."""
    return list(record.legal_holds.live().select_related("created_by", "released_by"))


# --- for the keeping pages: records of a case (or of an authority) by their public ids ------------------------------
def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def transfer_of(case: LadoCase, public_id) -> Transfer | None:
    pid = _uuid(public_id)
    return Transfer.objects.live().filter(case=case, public_id=pid).first() if pid else None


def hold_for(local_authority_ids: list[int], public_id) -> LegalHold | None:
    """A hold in force of one of these authorities (the LADO manager's), else None."""
    pid = _uuid(public_id)
    if not pid or not local_authority_ids:
        return None
    return (LegalHold.objects.filter(HOLD_IN_FORCE, public_id=pid, local_authority_id__in=local_authority_ids)
            .select_related("case__referral", "entry", "created_by").first())


def share_of(case: LadoCase, public_id):
    from ..models import LIVE_SHARE, EvidenceShare

    pid = _uuid(public_id)
    return (EvidenceShare.objects.filter(LIVE_SHARE, case=case, public_id=pid)
            .select_related("upload", "invitation__user").first()) if pid else None


@dataclass
class Keeping:
    """What the case page shows of its keeping: transfers, holds, the personnel record advice, shared files."""

    transfers: list
    holds: list
    advice: object
    employer_removes: bool
    shares: list  # the LADO team: every live share; the invited: []
    shared: list  # the invited: the files shared with them
    transferred: bool


def keeping_of(case: LadoCase, *, works: bool, shared_with: QuerySet | None) -> Keeping:
    """A fixed number of queries."""
    from ..models import LIVE_SHARE, EvidenceShare, PersonnelRecordAdvice

    transfers = list(case.transfers.live())
    holds = list(case.legal_holds.live().filter(released_at__isnull=True).select_related("created_by")) if works \
        else []
    outcome = getattr(case, "outcome", None) if case.status == LadoCase.Status.CLOSED else None
    removes = bool(outcome and rules.retention_rules()[outcome.category].employer_removes)
    advice = PersonnelRecordAdvice.objects.filter(case=case).first() if works and removes else None
    shares = list(EvidenceShare.objects.filter(LIVE_SHARE, case=case).select_related("upload", "invitation__user")
                  .order_by("created_at", "id")) if works else []
    return Keeping(transfers=transfers, holds=holds, advice=advice, employer_removes=removes, shares=shares,
                   shared=list(shared_with) if shared_with is not None else [],
                   transferred=any(t.is_transfer for t in transfers))


def shareable(case: LadoCase):
    """The files of a case and of its referral that may be shared (not withdrawn), and the live invitations."""
    from safeguarding.uploads.models import Upload

    from ..models import LIVE_INVITATION, CaseInvitation

    files = list(Upload.objects.of(case).filter(withdrawn_at__isnull=True).order_by("uploaded_at", "id")) + list(
        Upload.objects.of(case.referral).filter(withdrawn_at__isnull=True).order_by("uploaded_at", "id"))
    people = list(CaseInvitation.objects.filter(LIVE_INVITATION, case=case).select_related("user").order_by("id"))
    return files, people
