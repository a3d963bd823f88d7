"""Every write to a child's record. Keyword-only, one transaction each; each records who and why.

Dates have bounds, the same for pages and the API (both come through here): nothing before 1 January
1900; nothing in the future that cannot be (a date of birth, when something happened, when an
involvement, a relationship, an address or a household started or ended); an expected date of birth
within the coming ten months (300 days) or recently past, up to a month (31 days) ago: a baby due last
week may not be born yet, or its birth not yet recorded, but an expected date further back is a mistake
(record the date of birth instead).
"""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.access.services import break_glass_open
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.audit.services import record_event, record_view
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from . import events
from .duplicates import Candidate, find_candidates, identifier_clashes
from .identifiers import validate_disabilities, validate_nhs_number, validate_upn
from .models import (
    Adult,
    CaseRecord,
    Child,
    ChildAccessGrant,
    ChildAccessRequest,
    ChildAddress,
    ChildAlias,
    ChildInNeedEpisode,
    ChronologyEntry,
    DuplicateLink,
    Household,
    Involvement,
    Relationship,
)
from .policies import SIGHTINGS, child_policy

# How a read or a sighting reached the child (the view log's and the sighting's "via").
VIA_PAGE = RecordView.Via.PAGE
VIA_API = RecordView.Via.API
SIGHTED_IN_SEARCH = "search"
SIGHTED_IN_DUPLICATE_CHECK = "duplicate check"
SIGHTED_IN_API_DUPLICATE_CHECK = "API duplicate check"

EARLIEST_DATE = date(1900, 1, 1)
EXPECTED_BIRTH_DAYS_AHEAD = 300  # ten months
EXPECTED_BIRTH_DAYS_PAST = 31  # a month

CHILD_EDITABLE_FIELDS = (
    "legal_first_names", "legal_surname", "preferred_name", "date_of_birth", "expected_date_of_birth", "gender",
    "ethnicity", "nhs_number", "upn", "first_language", "disabilities",
)


class PossibleDuplicates(Exception):
    """Similar children exist; the caller must show them and ask the person to confirm."""

    def __init__(self, candidates: list[Candidate]):
        super().__init__(f"{len(candidates)} possible duplicate(s)")
        self.candidates = candidates


def _date_errors(*checks: tuple[str, date | None, str, bool]) -> dict:
    """Bounds of ordinary dates: ``(field, value, label, may_be_future)`` -> {field: message}."""
    today = timezone.localdate()
    errors = {}
    for field, value, label, may_be_future in checks:
        if value is None:
            continue
        if value < EARLIEST_DATE:
            errors[field] = f"{label} must be 1 January 1900 or later"
        elif not may_be_future and value > today:
            errors[field] = f"{label} must be today or in the past"
    return errors


def _check_dates(*checks: tuple[str, date | None, str, bool]) -> None:
    errors = _date_errors(*checks)
    if errors:
        raise ValidationError(errors)


def _clean_identifiers(data: dict, *, exclude_pk=None) -> dict:
    errors = {}
    for name, validator in (("nhs_number", validate_nhs_number), ("upn", validate_upn)):
        raw = data.get(name) or ""
        if raw.strip():
            try:
                data[name] = validator(raw)
            except ValidationError as exc:
                errors[name] = exc.messages
        else:
            data[name] = ""
    if errors:
        raise ValidationError(errors)
    clashes = identifier_clashes(nhs_number=data["nhs_number"], upn=data["upn"], exclude_pk=exclude_pk)
    if clashes:
        msgs = {
            "nhs_number": "A child with this NHS number is already recorded. Search for them by NHS number "
            "instead of adding them again.",
            "upn": "A child with this unique pupil number is already recorded. Search for them by UPN "
            "instead of adding them again.",
        }
        raise ValidationError({k: msgs[k] for k in clashes})
    return data


def _validate_dates(data: dict, *, bounded=("date_of_birth", "expected_date_of_birth")) -> None:
    """A child has a date of birth or an expected one, not both, each within its bounds. ``bounded``
    names the dates to check the bounds of (an update checks only the dates it changes: an unborn
    child's expected date that has since passed does not stop a correction of the name)."""
    today = timezone.localdate()
    dob, edd = data.get("date_of_birth"), data.get("expected_date_of_birth")
    if not dob and not edd:
        raise ValidationError(
            {"date_of_birth": "Enter a date of birth, or an expected date of birth for an unborn child"}
        )
    if dob and edd:
        raise ValidationError(
            {"expected_date_of_birth": "Give either a date of birth or an expected date of birth, not both"}
        )
    if dob and "date_of_birth" in bounded:
        if dob > today:
            raise ValidationError({"date_of_birth": "Date of birth must be today or in the past"})
        if dob < EARLIEST_DATE:
            raise ValidationError({"date_of_birth": "Date of birth must be 1 January 1900 or later"})
        if dob.year < today.year - 25:
            raise ValidationError({"date_of_birth": "Date of birth must be within the last 25 years"})
    if edd and "expected_date_of_birth" in bounded:
        if (edd - today).days > EXPECTED_BIRTH_DAYS_AHEAD:
            raise ValidationError(
                {"expected_date_of_birth": "Expected date of birth must be within the next 10 months"})
        if (today - edd).days > EXPECTED_BIRTH_DAYS_PAST:
            raise ValidationError({"expected_date_of_birth": "Expected date of birth must be no more than a month "
                                                             "ago: if the baby has been born, enter the date of "
                                                             "birth instead"})


def _validate_disabilities(data: dict) -> None:
    try:
        validate_disabilities(data.get("disabilities"))
    except ValidationError as exc:
        raise ValidationError({"disabilities": exc.messages}) from None


def _next_local_child_id() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_local_child_id_seq')")
        return f"LC{cursor.fetchone()[0]:07d}"


def duplicate_candidates(*, visible_children, data: dict, exclude_pk=None) -> list[Candidate]:
    """Similar children within ``visible_children`` (a queryset the caller got from the policy: pages
    and the API use ``selectors.child_duplicate_matches``, which takes ``child_policy.findable``)."""
    return find_candidates(
        queryset=visible_children,
        first_names=data.get("legal_first_names", ""),
        surname=data.get("legal_surname", ""),
        date_of_birth=data.get("date_of_birth"),
        expected_date_of_birth=data.get("expected_date_of_birth"),
        exclude_pk=exclude_pk,
    )


def child_create(
    *, actor: User, local_authority: Agency, data: dict, confirm_not_duplicate: bool = False,
    allocated_social_worker: User | None = None, allocated_team: Team | None = None,
    involvement_agency: Agency | None = None, involvement_role: str = "", address: dict | None = None,
    sighted_via: str = SIGHTED_IN_DUPLICATE_CHECK, visible_children=None,
) -> Child:
    """Create a child for ``local_authority``, which the actor must be entitled to record children for
    (``child_policy.can_create_for``). Identical identifiers block; similar children the actor may find
    (``child_policy.findable``: for staff, every child of their authority) raise ``PossibleDuplicates``
    unless ``confirm_not_duplicate`` (the override is recorded). The candidates the actor cannot open are
    logged as sightings (``sighted_via``) before the exception leaves.

    ``visible_children`` (deprecated) narrows the duplicate check to a queryset: the demo loader passes
    none(), since it confirms every child anyway. Pages and the API leave it out."""
    ctx = AccessContext.for_user(actor)
    if local_authority.kind != AgencyKind.LOCAL_AUTHORITY:
        raise ValidationError("A child's record is held by a local authority")
    if not child_policy.can_create_for(ctx, local_authority):
        raise ValidationError({"local_authority": "You can only record children for your own local authority"})
    data = {k: v for k, v in data.items() if k in CHILD_EDITABLE_FIELDS}
    data.setdefault("legal_surname", "")
    if not data["legal_surname"].strip():
        raise ValidationError({"legal_surname": "Enter the child's surname (use 'Unborn' with the mother's surname "
                                                "for an unborn child)"})
    _validate_dates(data)
    _validate_disabilities(data)
    data = _clean_identifiers(data)
    pool = child_policy.findable(ctx).select_related("allocated_team", "local_authority")
    if visible_children is not None:
        pool = pool.filter(pk__in=visible_children.values("pk"))
    candidates = duplicate_candidates(visible_children=pool, data=data)
    if candidates and not confirm_not_duplicate:
        # outside the creating transaction: the sightings stay logged though nothing is created
        child_sightings_record(actor=actor, children=[c.child for c in candidates], via=sighted_via)
        raise PossibleDuplicates(candidates)
    return _child_insert(actor=actor, local_authority=local_authority, data=data, candidates=candidates,
                         allocated_social_worker=allocated_social_worker, allocated_team=allocated_team,
                         involvement_agency=involvement_agency, involvement_role=involvement_role, address=address)


@transaction.atomic
def _child_insert(*, actor, local_authority, data, candidates, allocated_social_worker, allocated_team,
                  involvement_agency, involvement_role, address) -> Child:
    child = Child(**data, local_authority=local_authority, created_by=actor, local_child_id=_next_local_child_id(),
                  allocated_social_worker=allocated_social_worker, allocated_team=allocated_team)
    stamp(child, actor, "Record created")
    child.save()
    record_event(events.CHILD_CREATED, actor=actor, subject=child, payload={"local_child_id": child.local_child_id})
    if candidates:
        record_event(
            events.DUPLICATE_WARNING_OVERRIDDEN, actor=actor, subject=child,
            payload={"candidates": [str(c.child.public_id) for c in candidates]},
        )
    if involvement_agency is not None:
        involvement_add(child=child, actor=actor, agency=involvement_agency,
                        role=involvement_role or "Referring agency", start_date=timezone.localdate())
    if address:
        child_address_set(child=child, actor=actor, **address)
    return child


@transaction.atomic
def child_update(*, child: Child, actor: User, reason: str, changes: dict) -> Child:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why you are changing the record"})
    child = Child.objects.select_for_update().get(pk=child.pk)
    changes = {k: v for k, v in changes.items() if k in CHILD_EDITABLE_FIELDS}
    merged = {f: getattr(child, f) for f in CHILD_EDITABLE_FIELDS} | changes
    _validate_dates(merged, bounded={f for f in ("date_of_birth", "expected_date_of_birth")
                                     if f in changes and changes[f] != getattr(child, f)})
    _validate_disabilities(merged)
    merged = _clean_identifiers(merged, exclude_pk=child.pk)
    changed = {f: merged[f] for f in CHILD_EDITABLE_FIELDS if merged[f] != getattr(child, f)}
    if not changed:
        return child
    for f, v in changed.items():
        setattr(child, f, v)
    stamp(child, actor, reason)
    child.save()
    record_event(events.CHILD_UPDATED, actor=actor, subject=child,
                 payload={"fields": sorted(changed), "reason": reason})
    return child


@transaction.atomic
def child_allocate(*, child: Child, actor: User, social_worker: User | None, team: Team | None, reason: str) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.allocated_social_worker_id == getattr(social_worker, "pk", None) and child.allocated_team_id == getattr(
        team, "pk", None
    ):
        return child
    if social_worker is not None and not User.objects.filter(pk=social_worker.pk, is_active=True).exists():
        raise ValidationError({"social_worker": f"{social_worker}'s account is not active"})
    if team is not None and not team.is_active:
        raise ValidationError({"team": f"{team.name} is no longer an active team"})
    if social_worker is not None and team is not None and not Membership.objects.filter(
        user=social_worker, team=team, is_active=True
    ).exists():
        raise ValidationError({"social_worker": f"{social_worker} is not a member of {team.name}"})
    child.allocated_social_worker, child.allocated_team = social_worker, team
    stamp(child, actor, reason or "Allocation changed")
    child.save()
    record_event(events.CHILD_ALLOCATED, actor=actor, subject=child, payload={
        "social_worker": getattr(social_worker, "display_name", None), "team": getattr(team, "name", None),
        "reason": reason,
    })
    return child


@transaction.atomic
def child_set_restriction(
    *, child: Child, actor: User, restricted: bool, named_people: list[User], reason: str
) -> Child:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the restriction is changing"})
    child = Child.objects.select_for_update().get(pk=child.pk)
    if restricted and not named_people:
        raise ValidationError({"named_people": "Name at least one person who may see a restricted record"})
    if child.restricted == restricted and set(child.named_people.values_list("pk", flat=True)) == {
        u.pk for u in named_people
    }:
        return child
    child.restricted = restricted
    stamp(child, actor, reason)
    child.save()
    child.named_people.set(named_people)
    record_event(events.CHILD_RESTRICTION_CHANGED, actor=actor, subject=child, payload={
        "restricted": restricted, "named": [u.display_name for u in named_people], "reason": reason})
    return child


@transaction.atomic
def child_close(*, child: Child, actor: User, reason: str) -> Child:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the record is being closed"})
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.status == Child.Status.CLOSED:
        return child
    child.status, child.closed_reason = Child.Status.CLOSED, reason
    stamp(child, actor, reason)
    child.save()
    record_event(events.CHILD_CLOSED, actor=actor, subject=child, payload={"reason": reason})
    return child


@transaction.atomic
def record_mark_entered_in_error(*, record: CaseRecord, actor: User, reason: str) -> CaseRecord:
    """The way to take back any case record: it stays, marked, with who and why."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why this was entered in error"})
    if not child_policy.can_take_back(AccessContext.for_user(actor), record):
        raise ValidationError(f"You cannot mark this {record._meta.verbose_name} as entered in error")
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.entered_in_error_at is not None:
        return record
    record.entered_in_error_at = timezone.now()
    record.entered_in_error_by = actor
    record.entered_in_error_reason = reason
    stamp(record, actor, f"Entered in error: {reason}")
    record.save()
    record_event(events.RECORD_ENTERED_IN_ERROR, actor=actor, subject=record,
                 payload={"model": record._meta.model_name, "reason": reason})
    child = getattr(record, "child", None)
    if isinstance(child, Child) and child.pk != record.pk:
        # also on the child, so that the child's History tab tells it
        record_event(events.RECORD_ENTERED_IN_ERROR, actor=actor, subject=child, payload={
            "model": record._meta.verbose_name, "record": str(record.public_id), "reason": reason})
    return record


@transaction.atomic
def child_alias_add(*, child: Child, actor: User, name: str, kind: str = ChildAlias.Kind.ALIAS) -> ChildAlias:
    if not name.strip():
        raise ValidationError({"name": "Enter the name"})
    alias = ChildAlias(child=child, name=name.strip(), kind=kind, created_by=actor)
    stamp(alias, actor)
    alias.save()
    record_event(events.ALIAS_ADDED, actor=actor, subject=child, payload={"kind": kind})
    return alias


@transaction.atomic
def child_address_set(*, child: Child, actor: User, line_1: str, town: str, postcode: str, start_date: date,
                      line_2: str = "") -> ChildAddress:
    """A new current address; the previous one is ended the day before (address history kept)."""
    _check_dates(("start_date", start_date, "The date they moved in", False))
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one address change per child at a time
    current = ChildAddress.objects.select_for_update().live().filter(child=child, end_date__isnull=True).first()
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError({"start_date": f"The new address must start after {current.start_date:%-d %B %Y}, "
                                                 "when the current one started"})
        current.end_date = start_date - timezone.timedelta(days=1)
        stamp(current, actor, "Moved address")
        current.save()
    address = ChildAddress(child=child, line_1=line_1, line_2=line_2, town=town, postcode=postcode.upper(),
                           start_date=start_date, created_by=actor)
    stamp(address, actor)
    address.save()
    record_event(events.ADDRESS_CHANGED, actor=actor, subject=child, payload={"postcode": address.postcode})
    return address


ADULT_FIELDS = ("first_names", "surname", "date_of_birth", "gender", "nhs_number", "phone", "email", "address",
                "needs_interpreter", "first_language")


@transaction.atomic
def adult_create(*, actor: User, data: dict) -> Adult:
    unknown = set(data) - set(ADULT_FIELDS)
    if unknown:
        raise ValueError(f"adult_create does not take {', '.join(sorted(unknown))}")
    data = dict(data)
    if not (data.get("surname") or "").strip():
        raise ValidationError({"surname": "Enter the person's surname"})
    _check_dates(("date_of_birth", data.get("date_of_birth"), "Date of birth", False))
    if data.get("nhs_number"):
        try:
            data["nhs_number"] = validate_nhs_number(data["nhs_number"])
        except ValidationError as exc:
            raise ValidationError({"nhs_number": exc.messages}) from None
    adult = Adult(**data, created_by=actor)
    stamp(adult, actor)
    adult.save()
    record_event(events.ADULT_CREATED, actor=actor, subject=adult)
    return adult


@transaction.atomic
def relationship_add(*, child: Child, adult: Adult, actor: User, kind: str, parental_responsibility: bool = False,
                     lives_with_child: bool = False, start_date: date | None = None, notes: str = "") -> Relationship:
    _check_dates(("start_date", start_date, "The start date", False))
    if Relationship.objects.live().filter(child=child, adult=adult, end_date__isnull=True).exists():
        raise ValidationError({"adult": f"{adult} already has a current relationship with {child}"})
    rel = Relationship(child=child, adult=adult, kind=kind, parental_responsibility=parental_responsibility,
                       lives_with_child=lives_with_child, start_date=start_date, notes=notes, created_by=actor)
    stamp(rel, actor)
    rel.save()
    record_event(events.RELATIONSHIP_ADDED, actor=actor, subject=child, payload={
        "adult": adult.full_name, "kind": kind, "parental_responsibility": parental_responsibility})
    return rel


@transaction.atomic
def relationship_end(*, relationship: Relationship, actor: User, end_date: date, reason: str) -> Relationship:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the relationship has ended"})
    rel = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if rel.end_date is not None:
        return rel
    _check_dates(("end_date", end_date, "The end date", False))
    if rel.start_date and end_date < rel.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    rel.end_date = end_date
    stamp(rel, actor, reason)
    rel.save()
    record_event(events.RELATIONSHIP_ENDED, actor=actor, subject=rel.child, payload={"adult": rel.adult.full_name,
                                                                                      "reason": reason})
    return rel


@transaction.atomic
def household_create(*, actor: User, name: str, address: str = "", children=(), adults=(),
                     start_date: date | None = None) -> Household:
    if not (name or "").strip():
        raise ValidationError({"name": "Give the household a name, for example 'Mother's home'"})
    _check_dates(("start_date", start_date, "The start date", False))
    household = Household(name=name, address=address, start_date=start_date, created_by=actor)
    stamp(household, actor)
    household.save()
    household.children.set(children)
    household.adults.set(adults)
    for child in children:
        record_event(events.HOUSEHOLD_CREATED, actor=actor, subject=child, payload={"household": name})
    return household


@transaction.atomic
def involvement_add(*, child: Child, actor: User, agency: Agency, role: str, start_date: date,
                    professional: User | None = None, professional_name: str = "",
                    professional_email: str = "") -> Involvement:
    if not role.strip():
        raise ValidationError({"role": "Enter the professional's role, for example GP or class teacher"})
    _check_dates(("start_date", start_date, "The start date", False))
    inv = Involvement(child=child, agency=agency, role=role.strip(), start_date=start_date, professional=professional,
                      professional_name=professional_name, professional_email=professional_email, created_by=actor)
    stamp(inv, actor)
    inv.save()
    record_event(events.INVOLVEMENT_ADDED, actor=actor, subject=child, payload={"agency": agency.name, "role": role})
    return inv


@transaction.atomic
def involvement_end(*, involvement: Involvement, actor: User, end_date: date, reason: str) -> Involvement:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the agency's involvement has ended"})
    inv = Involvement.objects.select_for_update().get(pk=involvement.pk)
    if inv.end_date is not None:
        return inv
    _check_dates(("end_date", end_date, "The end date", False))
    if end_date < inv.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    inv.end_date, inv.end_reason = end_date, reason
    stamp(inv, actor, reason)
    inv.save()
    record_event(events.INVOLVEMENT_ENDED, actor=actor, subject=inv.child, payload={"agency": inv.agency.name,
                                                                                     "reason": reason})
    return inv


@transaction.atomic
def chronology_add(*, child: Child, actor: User, source_agency: Agency, occurred_on: date, summary: str,
                   significance: str = ChronologyEntry.Significance.ROUTINE) -> ChronologyEntry:
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of what happened"})
    _check_dates(("occurred_on", occurred_on, "The date", False))
    entry = ChronologyEntry(child=child, occurred_on=occurred_on, source_agency=source_agency, recorded_by=actor,
                            summary=summary.strip(), significance=significance, created_by=actor)
    stamp(entry, actor)
    entry.save()
    record_event(events.CHRONOLOGY_ADDED, actor=actor, subject=child, payload={"agency": source_agency.name,
                                                                                "significance": significance})
    return entry


@transaction.atomic
def duplicate_link(*, child: Child, other: Child, actor: User, reason: str) -> DuplicateLink:
    if child.pk == other.pk:
        raise ValidationError("A record cannot be a duplicate of itself")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you believe these are the same child"})
    a, b = sorted([child, other], key=lambda c: c.pk)
    existing = DuplicateLink.objects.live().filter(child=a, other=b).first()
    if existing:
        return existing
    link = DuplicateLink(child=a, other=b, reason=reason, created_by=actor)
    stamp(link, actor, reason)
    link.save()
    for c, o in ((a, b), (b, a)):
        record_event(events.DUPLICATE_LINKED, actor=actor, subject=c,
                     payload={"other": str(o.public_id), "local_child_id": o.local_child_id, "reason": reason})
    return link


@transaction.atomic
def child_access_grant(*, child: Child, user: User, actor: User, until: datetime, reason: str) -> ChildAccessGrant:
    """An explicit, time-boxed grant to see one child (stored through django-guardian)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why this person needs access"})
    if until <= timezone.now():
        raise ValidationError({"until": "The grant must end in the future"})
    if until > timezone.now() + timezone.timedelta(days=settings.ACCESS_GRANT_MAX_DAYS + 1):
        raise ValidationError({"until": f"A grant can last at most {settings.ACCESS_GRANT_MAX_DAYS} days; "
                                        "grant it again when it runs out if the need continues"})
    perm = Permission.objects.get(codename="view_child", content_type__app_label="cases")
    grant, created = ChildAccessGrant.objects.select_for_update().get_or_create(
        user=user, permission=perm, content_object=child, defaults={"expires_at": until}
    )
    if not created and grant.revoked_at is None and grant.expires_at == until and grant.reason == reason:
        return grant  # the same grant again (a double submit): nothing changes
    grant.expires_at, grant.reason, grant.granted_by, grant.granted_at, grant.revoked_at = (
        until, reason, actor, timezone.now(), None)
    stamp(grant, actor, reason)
    grant.save()
    # the grant answers any open request of theirs for this child
    for request in ChildAccessRequest.objects.select_for_update().open().filter(child=child, requested_by=user):
        request.answered_at, request.answered_by = timezone.now(), actor
        stamp(request, actor, "Access granted")
        request.save()
    record_event("access.granted", actor=actor, subject=child,
                 payload={"user": user.display_name, "until": until.isoformat(), "reason": reason})
    return grant


@transaction.atomic
def child_access_revoke(*, grant: ChildAccessGrant, actor: User, reason: str) -> ChildAccessGrant:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the access is being revoked"})
    grant = ChildAccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at:
        return grant
    grant.revoked_at = timezone.now()
    stamp(grant, actor, reason)
    grant.save()
    record_event("access.revoked", actor=actor, subject=grant.content_object,
                 payload={"user": grant.user.display_name, "reason": reason})
    return grant


@transaction.atomic
def child_break_glass(*, child: Child, actor: User, reason: str):
    """Open a restricted child's record with a reason: logged, and the service managers are told."""
    bg = break_glass_open(user=actor, record=child, reason=reason)
    managers = User.objects.filter(
        is_active=True, memberships__is_active=True, memberships__agency_id=child.local_authority_id,
        memberships__roles__contains=[Role.SERVICE_MANAGER],
    ).exclude(pk=actor.pk).distinct()
    for manager in managers:
        notify(
            recipient=manager,
            subject="A restricted child's record was opened by breaking the glass",
            body=f"{actor.display_name} opened the restricted record {child.local_child_id}. Reason given: {reason}",
            url=f"/children/{child.public_id}/access-log/", about=child,
        )
    return bg


def child_view_log(*, child: Child, user: User, via: str, what: str, break_glass: bool = False) -> None:
    record_view(user=user, record=child, via=via, what=what, break_glass=break_glass)


# --- finding is not opening: sightings and access requests ------------------------------------------------


def child_sightings_record(*, actor: User, children, via: str) -> int:
    """Log that ``actor`` found these children without opening them (a minimal row or a restricted
    notice, in search or a duplicate check): one CaseEvent each, in one insert. Not a read of the record
    (reads go to the view log). ``children`` come from ``child_policy.findable`` (annotated with
    ``finding``); those the actor may open are not sightings and are left out. Returns how many."""
    missing = [c for c in children if not hasattr(c, "finding")]
    if missing:
        raise ValueError("child_sightings_record takes children from child_policy.findable()")
    sighted = [c for c in children if c.finding in SIGHTINGS]
    if not sighted:
        return 0
    ct = ContentType.objects.get_for_model(Child)
    now = timezone.now()
    CaseEvent.objects.bulk_create([
        CaseEvent(code=events.CHILD_SIGHTED, at=now, actor=actor, subject_type=ct, subject_id=c.pk,
                  payload={"via": via, "restricted": c.restricted})
        for c in sighted
    ])
    return len(sighted)


def _record_holders(child: Child) -> tuple[list[User], list[User]]:
    """Who holds the child's record, as (managers, others): for a restricted record the local
    authority's service managers; otherwise the allocated social worker (others) and the allocated team's
    managers, or the service managers when no one is allocated. Active people, by active memberships."""
    in_la = Q(is_active=True, memberships__is_active=True, memberships__agency_id=child.local_authority_id)
    service_managers = User.objects.filter(in_la & Q(memberships__roles__contains=[Role.SERVICE_MANAGER]))
    if child.restricted:
        return list(service_managers.distinct().order_by("pk")), []
    managers = []
    if child.allocated_team_id:
        managers = list(User.objects.filter(in_la & Q(memberships__team_id=child.allocated_team_id,
                                                      memberships__roles__contains=[Role.TEAM_MANAGER]))
                        .distinct().order_by("pk"))
    worker = (list(User.objects.filter(in_la & Q(pk=child.allocated_social_worker_id)).distinct())
              if child.allocated_social_worker_id else [])
    if not managers and not worker:
        managers = list(service_managers.distinct().order_by("pk"))
    return managers, [u for u in worker if u not in managers]


@transaction.atomic
def child_access_request(*, child: Child, actor: User, reason: str) -> ChildAccessRequest:
    """Ask the holder of a child's record for access: the actor found the child (a minimal row or a
    restricted notice) but has no basis to open it (``child_policy`` action ``request_access``). The
    request is recorded and the holder told; the holder answers with an ordinary grant
    (``child_access_grant``), which marks the request answered. One open request per person and child:
    asking again while one is open changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you need to see this record"})
    if not child_policy.can(AccessContext.for_user(actor), "request_access", child):
        raise ValidationError("You cannot ask for access to this record: you may already be able to open it")
    child = Child.objects.select_for_update().get(pk=child.pk)
    existing = ChildAccessRequest.objects.open().filter(child=child, requested_by=actor).first()
    if existing is not None:
        return existing
    request = ChildAccessRequest(child=child, requested_by=actor, reason=reason)
    stamp(request, actor, reason)
    request.save()
    record_event(events.ACCESS_REQUESTED, actor=actor, subject=child,
                 payload={"by": actor.display_name, "reason": reason})
    managers, others = _record_holders(child)
    body = (f"{actor.display_name} found the record {child.local_child_id} in a search or a duplicate check and "
            f"asks for access to it. Reason given: {reason}")
    for recipient, url, note in [
        *((m, f"/children/{child.public_id}/access-log/", " You can give them access from the access log.")
          for m in managers),
        *((o, f"/children/{child.public_id}/", " Your team manager can give them access.") for o in others),
    ]:
        if recipient.pk != actor.pk:
            notify(recipient=recipient, subject="Someone asks for access to a child's record", body=body + note,
                   url=url, about=child)
    return request


# --- episodes of need (the CIN census's CINdetails, ADR 27) ---------------------------------------------------
@transaction.atomic
def cin_episode_open(*, child: Child, actor: User, referral_date: date, referral_source: str,
                     primary_need: str) -> ChildInNeedEpisode:
    """The authority accepted a referral: the child is in need from ``referral_date`` (one open episode at a
    time; the child protection records that follow fall within it)."""
    from .models import PrimaryNeed, ReferralSource

    child = Child.objects.select_for_update().get(pk=child.pk)  # one open episode per child
    errors = _date_errors(("referral_date", referral_date, "The referral date", False))
    if referral_source not in ReferralSource.values:
        errors["referral_source"] = "Select where the referral came from"
    if primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select the child's primary need"
    if ChildInNeedEpisode.objects.live().filter(child=child, closure_date__isnull=True).exists():
        errors["referral_date"] = "This child is already in need: close the open episode first"
    if errors:
        raise ValidationError(errors)
    episode = ChildInNeedEpisode(child=child, referral_date=referral_date, referral_source=referral_source,
                                 primary_need=primary_need, created_by=actor)
    stamp(episode, actor)
    episode.save()
    record_event(events.CIN_EPISODE_OPENED, actor=actor, subject=child,
                 payload={"referral_date": referral_date.isoformat(), "primary_need": primary_need})
    return episode


@transaction.atomic
def cin_episode_close(*, episode: ChildInNeedEpisode, actor: User, closure_date: date,
                      reason: str) -> ChildInNeedEpisode:
    from .models import CinClosureReason

    episode = ChildInNeedEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.closure_date is not None:
        return episode
    errors = _date_errors(("closure_date", closure_date, "The closure date", False))
    if closure_date < episode.referral_date:
        errors["closure_date"] = "The closure date must be on or after the referral date"
    if reason not in CinClosureReason.values:
        errors["reason"] = "Select why the episode closed"
    if errors:
        raise ValidationError(errors)
    episode.closure_date, episode.closure_reason = closure_date, reason
    stamp(episode, actor, CinClosureReason(reason).label)
    episode.save()
    record_event(events.CIN_EPISODE_CLOSED, actor=actor, subject=episode.child,
                 payload={"closure_date": closure_date.isoformat(), "reason": reason})
    return episode
