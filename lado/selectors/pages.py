"""Reads shaped for the LADO pages: the workbench, a referral, a case, an index entry, the consultations, the
portal's lists and the access log. A fixed number of queries each, whatever the numbers. Callers pass
querysets or records the policy has already scoped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import Agency, AgencyKind, Role, User
from safeguarding.audit.models import RecordView
from safeguarding.clock.models import Deadline

from ..models import (
    LIVE,
    LIVE_INVITATION,
    CaseInvitation,
    IndexMatch,
    LadoCase,
    Meeting,
    PersonIndexEntry,
    Referral,
    ReferralChild,
    RegulatorReferral,
    SafetyDecision,
    SharedUpdate,
)
from .figures import open_age_label, resolution_band
from .index import with_history

ROWS = 100  # rows on a list; more and the page says it shows the first ROWS
def age_bucket(received: date, today: date) -> str:
    """The band of an open case's age (the figures' resolution bands: KCSIE's 1, 3 and 12 months)."""
    return open_age_label(resolution_band(received, today)[1])


def lado_services() -> list[Agency]:
    """The local authorities with a LADO service (an active LADO officer): where a referral may go."""
    officers = User.objects.filter(memberships__agency=OuterRef("pk"), memberships__is_active=True, is_active=True,
                                   memberships__roles__contains=[Role.LADO_OFFICER])
    return list(Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).filter(Exists(officers))
                .order_by("name"))


def agency_by_public_id(public_id) -> Agency | None:
    """One of ``lado_services()`` by its public id (a form's choice), or None."""
    return next((a for a in lado_services() if str(a.public_id) == str(public_id)), None)


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()


# --- the workbench ----------------------------------------------------------------------------------------------
@dataclass
class Workbench:
    new: list
    open: list
    alerts: list
    today: date
    truncated: bool
    meetings: list = ()


def workbench(cases: QuerySet) -> Workbench:
    """The LADO team's work: new referrals to evaluate (oldest first, with the employer's one working day and
    the index matches), open cases by age (oldest first), the repeat-allegation alerts (a new referral that
    resembles someone in the index, an open case about someone with other cases) and the meetings booked for
    the next seven days. Three queries."""
    today = timezone.localdate()
    base = (cases.select_related("referral", "subject", "officer")
            .annotate(index_matches=Count("referral__index_matches", distinct=True),
                      other_cases=Count("subject__cases", filter=Q(subject__cases__entered_in_error_at__isnull=True),
                                        distinct=True))
            .order_by("referral__received_at", "pk"))
    new = list(base.filter(status=LadoCase.Status.NEW)[:ROWS + 1])
    still_open = list(base.filter(status=LadoCase.Status.OPEN)[:ROWS + 1])
    truncated = len(new) > ROWS or len(still_open) > ROWS
    new, still_open = new[:ROWS], still_open[:ROWS]
    for case in new + still_open:
        case.age_days = (today - timezone.localdate(case.referral.received_at)).days
        case.age_bucket = age_bucket(timezone.localdate(case.referral.received_at), today)
        case.repeat = case.index_matches if case.status == LadoCase.Status.NEW else max(case.other_cases - 1, 0)
    alerts = [c for c in new + still_open if c.repeat]
    start = timezone.make_aware(datetime.combine(today, time.min))
    week = list(Meeting.objects.filter(LIVE, status=Meeting.Status.BOOKED, case__in=cases.values("pk"),
                                       starts_at__gte=start, starts_at__lt=start + timedelta(days=7))
                .select_related("case__referral").order_by("starts_at", "pk")[:ROWS])
    return Workbench(new=new, open=still_open, alerts=alerts, today=today, truncated=truncated, meetings=week)


# --- a referral -----------------------------------------------------------------------------------------------
@dataclass
class ReferralPage:
    children: list
    matches: list
    shared: list
    employer_deadline: Deadline | None


def referral_page(referral: Referral) -> ReferralPage:
    """Everything the referral page shows: its children (with their records), the index entries it resembles
    with each one's previous allegations (outcomes and dates), what was shared, the employer's deadline."""
    matches = list(IndexMatch.objects.filter(referral=referral)
                   .prefetch_related(Prefetch("entry", queryset=with_history(PersonIndexEntry.objects.live())))
                   .order_by("-score", "pk"))
    ct = ContentType.objects.get_for_model(Referral)
    return ReferralPage(
        children=list(ReferralChild.objects.live().filter(referral=referral).select_related("child")),
        matches=[m for m in matches if m.entry.entered_in_error_at is None],
        shared=list(SharedUpdate.objects.live().filter(referral=referral).select_related("created_by")),
        employer_deadline=Deadline.objects.filter(subject_type=ct, subject_id=referral.pk,
                                                  rule_key="lado_referral").first())


# --- a case -----------------------------------------------------------------------------------------------------
def case_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("referral", "subject", "officer", "evaluation", "outcome", "local_authority")


@dataclass
class CasePage:
    children: list
    safety: list
    invitations: list
    regulators: list
    deadlines: list
    history: list  # the subject's other cases (the LADO team only)
    meetings: list = ()


def case_page(case: LadoCase, *, sees_index: bool) -> CasePage:
    """Everything the case page shows (six queries; seven for the LADO team, who see the subject's history)."""
    safety = list(SafetyDecision.objects.live().filter(case=case))
    case_ct, safety_ct = (ContentType.objects.get_for_model(m) for m in (LadoCase, SafetyDecision))
    history = []
    if sees_index and case.subject_id:
        history = list(LadoCase.objects.filter(LIVE, subject_id=case.subject_id).exclude(pk=case.pk)
                       .select_related("referral", "outcome", "evaluation").order_by("-referral__received_at"))
    return CasePage(
        children=list(ReferralChild.objects.live().filter(referral_id=case.referral_id).select_related("child")),
        safety=safety,
        invitations=list(CaseInvitation.objects.filter(LIVE_INVITATION, case=case).select_related("user", "agency")),
        regulators=list(RegulatorReferral.objects.live().filter(case=case)),
        deadlines=list(Deadline.objects.filter(
            Q(subject_type=case_ct, subject_id=case.pk)
            | Q(subject_type=safety_ct, subject_id__in=[s.pk for s in safety])).order_by("due_date", "pk")),
        history=history, meetings=list(Meeting.objects.live().filter(case=case).order_by("starts_at", "pk")))


def meeting_people(case: LadoCase, *, officer: User) -> dict[str, dict]:
    """The people a meeting of the case may invite without typing them: the LADO officer booking it, the
    referrer (the employer's side, by the address they gave) and the people invited into the case."""
    people = {"officer": {"role": "lado", "name": officer.display_name, "email": officer.email, "user": officer}}
    referral = case.referral
    if referral.referrer_email:
        people["referrer"] = {"role": "employer", "name": f"{referral.referrer_name}, {referral.organisation}",
                              "email": referral.referrer_email, "user": None}
    for i in CaseInvitation.objects.filter(LIVE_INVITATION, case=case).select_related("user"):
        people[f"invited-{i.pk}"] = {"role": "police" if i.kind == "police" else "csc", "name": i.user.display_name,
                                     "email": i.user.email, "user": i.user}
    return people


def entry_page(entry: PersonIndexEntry) -> list[LadoCase]:
    """An index entry's cases (allegations), newest first, with their outcomes and dates."""
    return list(LadoCase.objects.filter(LIVE, subject=entry).select_related("referral", "outcome", "evaluation")
                .order_by("-referral__received_at"))


# --- the portal ---------------------------------------------------------------------------------------------------
def portal_referrals(referrals: QuerySet) -> list[Referral]:
    """A referrer's referrals, newest first, each with its case's status and how many updates were shared."""
    return list(referrals.select_related("case")
                .annotate(updates=Count("shared_updates", filter=Q(shared_updates__entered_in_error_at__isnull=True)))
                .order_by("-received_at", "-pk")[:ROWS])


def portal_status(referral: Referral) -> str:
    """The status a referrer reads: received, being looked into, or closed (nothing of the decisions)."""
    status = referral.case.status
    if status == LadoCase.Status.NEW:
        return "Received"
    if status == LadoCase.Status.OPEN:
        return "The LADO is working on it"
    return "Closed"


# --- the access log -----------------------------------------------------------------------------------------------
def access_log(*, local_authority_ids: list[int], limit: int = 200) -> list[RecordView]:
    """The latest reads of the LADO records (cases, referrals, index entries) of these services, newest first,
    each with who read it and the record (one query for the reads, one per kind of record)."""
    if not local_authority_ids:
        return []
    kinds = {LadoCase: "case", Referral: "referral", PersonIndexEntry: "index entry"}
    types = {model: ContentType.objects.get_for_model(model) for model in kinds}
    q = Q(pk__in=[])
    for model, ct in types.items():
        q |= Q(record_type=ct, record_id__in=model.objects.filter(local_authority_id__in=local_authority_ids)
               .values("pk"))
    rows = list(RecordView.objects.filter(q).select_related("user").order_by("-at", "-id")[:limit])
    by_type = {ct.pk: model for model, ct in types.items()}
    records = {}
    for model in kinds:
        ids = [r.record_id for r in rows if by_type[r.record_type_id] is model]
        if ids:
            qs = model.objects.filter(pk__in=ids)
            if model is LadoCase:
                qs = qs.select_related("referral")
            records.update({(model, o.pk): o for o in qs})
    for r in rows:
        model = by_type[r.record_type_id]
        r.kind, r.lado_record = kinds[model], records.get((model, r.record_id))
    return rows


def views_of_record(record, limit: int = 50) -> list[RecordView]:
    ct = ContentType.objects.get_for_model(record)
    return list(RecordView.objects.filter(record_type=ct, record_id=record.pk).select_related("user")
                .order_by("-at", "-id")[:limit])


def with_live_shared(referrals: QuerySet) -> QuerySet:
    """Referrals with what the LADO shared with their referrer, oldest first, on ``live_shared`` (one query)."""
    return referrals.prefetch_related(Prefetch("shared_updates", SharedUpdate.objects.live()
                                               .order_by("created_at", "pk"), to_attr="live_shared"))
