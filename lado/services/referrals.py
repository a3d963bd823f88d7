"""Referrals and consultations: a referral received (from the portal, or recorded by the LADO), with its
children, its clocks (``lado_referral``: the employer's one working day; ``lado_resolution``: the case's
one-month target) and the person-index entries it resembles; a consultation recorded, and turned into a
referral; a child matched to their record; an update shared with the referrer."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cases.policies import FIND_MINIMAL, FIND_OPEN, child_policy
from safeguarding.accounts.models import Agency, AgencyKind, User
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify, notify_many
from safeguarding.records import stamp

from .. import events
from ..codes import ConsultationAdvice, ContactMethod, EmploymentType, ReferralSource, RegulatedBody, Sector
from ..models import Consultation, IndexMatch, LadoCase, Referral, ReferralChild, Referrer, SharedUpdate
from ..policies import index_policy, referral_policy
from ..selectors.index import normalise_identifier, referral_index_candidates
from ._common import _choice, _ctx, _lado_officer_ids, _lado_team, _past, _require, _text, _today, _url

SELF_REFERRED = (ReferralSource.PORTAL, ReferralSource.API)  # made from the referrer's own account
ADULT_AGE = 16  # a person who works with children is at least this old (a sanity check of the date of birth)


def _next_reference() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('lado_reference_seq')")
        return f"LADO-{cursor.fetchone()[0]:05d}"


def _local_authority(value, errors: dict) -> Agency | None:
    if not isinstance(value, Agency) or value.kind != AgencyKind.LOCAL_AUTHORITY or not value.is_active:
        errors["local_authority"] = "Select the local authority whose LADO the referral is for"
        return None
    return value


def _clean_referral(data: dict, errors: dict) -> dict:
    clean = {
        "referrer_name": _text(data, "referrer_name", "the referrer's name", errors, limit=200),
        "referrer_role": _text(data, "referrer_role", "the referrer's role", errors, limit=200),
        "referrer_email": _text(data, "referrer_email", "an email address", errors, required=False, limit=254),
        "referrer_phone": _text(data, "referrer_phone", "a telephone number", errors, required=False, limit=40),
        "organisation": _text(data, "organisation", "the name of the setting", errors, limit=200),
        "sector": _choice(data, "sector", Sector, "the kind of setting", errors),
        "setting_address": _text(data, "setting_address", "the setting's address", errors, required=False),
        "subject_first_names": _text(data, "subject_first_names", "the person's first names", errors, limit=200),
        "subject_surname": _text(data, "subject_surname", "the person's last name", errors, limit=200),
        "subject_other_names": _text(data, "subject_other_names", "other names", errors, required=False, limit=300),
        "subject_role": _text(data, "subject_role", "the person's job or role", errors, limit=200),
        "subject_employment_type": _choice(data, "subject_employment_type", EmploymentType,
                                           "how the person is employed", errors),
        "subject_employer": _text(data, "subject_employer", "the person's employer", errors, limit=200),
        "subject_regulated_body": data.get("subject_regulated_body") or RegulatedBody.NONE,
        "subject_ni_number": normalise_identifier(data.get("subject_ni_number", "")),
        "subject_teacher_reference": normalise_identifier(data.get("subject_teacher_reference", "")),
        "subject_registration_number": normalise_identifier(data.get("subject_registration_number", "")),
        "allegation": _text(data, "allegation", "what happened", errors),
        "actions_taken": _text(data, "actions_taken", "what has been done", errors, required=False),
    }
    if clean["subject_regulated_body"] not in RegulatedBody.values:
        errors["subject_regulated_body"] = "Select the person's regulator, or none"
    if len(clean["subject_ni_number"]) > 9:
        errors["subject_ni_number"] = "Enter a National Insurance number, like QQ 12 34 56 C"
    if len(clean["subject_teacher_reference"]) > 7:
        errors["subject_teacher_reference"] = "A teacher reference number has 7 digits"
    dob = _past(data.get("subject_date_of_birth"), "subject_date_of_birth", "the person's date of birth", errors,
                required=False)
    if dob and "subject_date_of_birth" not in errors and dob > _years_ago(ADULT_AGE):
        errors["subject_date_of_birth"] = f"The person must be at least {ADULT_AGE}: check the date of birth"
    clean["subject_date_of_birth"] = dob
    clean["incident_on"] = _past(data.get("incident_on"), "incident_on", "the date it happened", errors,
                                 required=False)
    clean["employer_knew_on"] = _past(data.get("employer_knew_on"), "employer_knew_on",
                                      "the date the employer first knew", errors)
    return clean


def _years_ago(n: int) -> date:
    today = _today()
    try:
        return today.replace(year=today.year - n)
    except ValueError:  # 29 February
        return today.replace(year=today.year - n, day=28)


def _findable_child(ctx, public_id, findings: tuple[str, ...]):
    """The child record ``public_id`` if ``ctx`` finds it through the child policy's search with one of
    ``findings`` (else None: a record one may not find is the same as none)."""
    try:
        return child_policy.findable(ctx).filter(public_id=public_id, finding__in=findings).first()
    except (ValueError, ValidationError):
        return None


def _clean_children(children: list[dict], errors: dict, ctx, findings: tuple[str, ...]) -> list[dict]:
    """The children as described; a child given with the public id of their record (``child``) is matched to it
    when the person referring may open that record (a referrer) or find it (the LADO), else refused."""
    out = []
    for i, child in enumerate(children):
        row = {name: (child.get(name) or "").strip() for name in ("first_names", "surname", "age_or_year", "details")}
        row["date_of_birth"] = child.get("date_of_birth")
        record = None
        if child.get("child"):
            record = _findable_child(ctx, child["child"], findings)
            if record is None:
                errors[f"children-{i}"] = "Choose the child's record from the ones found, or describe the child"
        if not any(row.values()) and not child.get("child"):
            continue
        if record is not None:
            row.update(child=record, matched_by=ctx.user, matched_at=timezone.now())
            row["first_names"] = row["first_names"] or record.legal_first_names
            row["surname"] = row["surname"] or record.legal_surname
        if not (row["first_names"] or row["surname"] or row["details"]) and f"children-{i}" not in errors:
            errors[f"children-{i}"] = "Give the child's name, or something that identifies them"
        if row["date_of_birth"] and row["date_of_birth"] > _today():
            errors[f"children-{i}"] = "The child's date of birth must be today or in the past"
        if record is not None and any(r.get("child") == record for r in out):
            errors[f"children-{i}"] = "That child is in the referral already"
        out.append(row)
    if not out:
        errors["children"] = "Tell us about at least one child"
    return out


def _late(knew_on: date, received_on: date) -> bool:
    return received_on > clock.compute_due("lado_referral", knew_on)


@transaction.atomic
def referral_submit(
    *, actor: User, local_authority: Agency, data: dict, children: list[dict], source: str = ReferralSource.PORTAL,
    late_reason: str = "", received_at: datetime | None = None, consultation: Consultation | None = None,
) -> Referral:
    """A referral arrives: from the referrer's own account (``PORTAL``: the referrer is ``actor``), or recorded by
    the LADO team (``LADO``; ``CONSULTATION`` for one that began as a consultation). A referral received more
    than one working day after the employer knew needs ``late_reason``. Makes the LADO's case (new, to
    evaluate), opens and meets ``lado_referral`` (the employer's working day) and opens ``lado_resolution``,
    records the person-index entries the subject resembles (the repeat-allegation alert) and tells the LADO
    team, by reference only."""
    ctx = _ctx(actor)
    errors: dict[str, str] = {}
    la = _local_authority(local_authority, errors)
    if source in SELF_REFERRED:
        _require(referral_policy.can_refer(ctx), "make a referral")
    elif source in (ReferralSource.LADO, ReferralSource.CONSULTATION):
        _require(la is None or referral_policy.can_record_for(ctx, la.pk), "record a referral for this LADO service")
    else:
        raise ValueError(f"Unknown source {source!r}")
    if source in SELF_REFERRED:
        profile = Referrer.objects.filter(user=actor).first()
        data = {"referrer_name": actor.full_name, "referrer_email": actor.email,
                "referrer_role": profile.role_label if profile else actor.job_title,
                "referrer_phone": profile.phone if profile else "", **data}
    clean = _clean_referral(data, errors)
    # a referrer matches only records they may open; the LADO team any they find (children's records are
    # never made here: a child without a record stays as described)
    findings = (FIND_OPEN,) if source in SELF_REFERRED else (FIND_OPEN, FIND_MINIMAL)
    rows = _clean_children(children, errors, ctx, findings)
    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    if received_at > timezone.now():
        errors["received_at"] = "The date the referral was received must be today or in the past"
    if consultation is not None:
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.referral_id:
            errors["consultation"] = "This consultation is already a referral"
        elif la is not None and consultation.local_authority_id != la.pk:
            errors["consultation"] = "The consultation was with another LADO service"
    knew_on = clean["employer_knew_on"]
    if not errors and knew_on > received_on:
        errors["employer_knew_on"] = "The employer cannot have known after the referral was made"
    late_reason = late_reason.strip()
    if not errors and _late(knew_on, received_on) and not late_reason:
        due = clock.compute_due("lado_referral", knew_on)
        errors["late_reason"] = (f"A referral is due within one working day of the employer knowing (by "
                                 f"{due:%-d %B %Y}): say why this one is later")
    if errors:
        raise ValidationError(errors)
    referral = Referral(local_authority=la, reference=_next_reference(), source=source, received_at=received_at,
                        referred_by=actor if source in SELF_REFERRED else None,
                        late_reason=late_reason if _late(knew_on, received_on) else "", created_by=actor, **clean)
    stamp(referral, actor, "Referral received")
    referral.save()
    ReferralChild.objects.bulk_create([ReferralChild(referral=referral, created_by=actor, **row) for row in rows])
    case = LadoCase(referral=referral, local_authority=la, created_by=actor)
    stamp(case, actor, "Referral received")
    case.save()
    if consultation is not None:
        consultation.referral = referral
        stamp(consultation, actor, "Became a referral")
        consultation.save(update_fields=["referral"])
    team = _lado_team(la.pk)
    deadline = clock.deadline_open(subject=referral, rule_key="lado_referral", anchor_date=knew_on, actor=actor,
                                   label=rules.get("lado_referral").title, responsible_team=team)
    clock.deadline_meet(deadline=deadline, met_on=received_on, actor=actor, late_reason=referral.late_reason)
    clock.deadline_open(subject=case, rule_key="lado_resolution", anchor_date=received_on, actor=actor,
                        label=rules.get("lado_resolution").title, responsible_team=team)
    matches = referral_index_candidates(entries=index_policy.model.objects.live().filter(local_authority=la),
                                        referral=referral)
    IndexMatch.objects.bulk_create([IndexMatch(referral=referral, entry=m.entry, score=m.score, reasons=m.reasons)
                                    for m in matches])
    record_event(events.REFERRAL_RECEIVED, actor=actor, subject=referral, payload={
        "source": source, "late": bool(referral.late_reason), "children": len(rows), "index_matches": len(matches),
        "consultation": consultation.pk if consultation else None})
    url = _url("lado:referral", public_id=referral.public_id)
    alert = " It may be about someone already in the person index." if matches else ""
    notify_many([(uid, f"New referral {referral.reference}", f"A referral to evaluate.{alert}", url, referral)
                 for uid in _lado_officer_ids(la.pk) if uid != actor.pk])
    return referral


@transaction.atomic
def consultation_record(*, actor: User, local_authority: Agency, data: dict) -> Consultation:
    """The LADO records advice given without a referral (a consultation), to count it and to be able to turn it
    into a referral. Advice about a low-level concern is advice only: the employer holds the concern."""
    errors: dict[str, str] = {}
    la = _local_authority(local_authority, errors)
    _require(la is None or referral_policy.can_record_for(_ctx(actor), la.pk),
             "record a consultation for this LADO service")
    clean = {
        "received_on": _past(data.get("received_on"), "received_on", "the date of the consultation", errors),
        "contact_method": _choice(data, "contact_method", ContactMethod, "how they got in touch", errors),
        "caller_name": _text(data, "caller_name", "the caller's name", errors, limit=200),
        "caller_role": _text(data, "caller_role", "the caller's role", errors, required=False, limit=200),
        "organisation": _text(data, "organisation", "the caller's organisation", errors, limit=200),
        "sector": _choice(data, "sector", Sector, "the kind of organisation", errors),
        "subject_role": _text(data, "subject_role", "the role", errors, required=False, limit=200),
        "question": _text(data, "question", "what they asked about", errors),
        "advice": _choice(data, "advice", ConsultationAdvice, "the advice given", errors),
        "advice_given": _text(data, "advice_given", "the advice given", errors),
    }
    clean["low_level_concern"] = bool(data.get("low_level_concern")) or clean["advice"] == \
        ConsultationAdvice.LOW_LEVEL_CONCERN
    if errors:
        raise ValidationError(errors)
    consultation = Consultation(local_authority=la, created_by=actor, **clean)
    stamp(consultation, actor, "Consultation recorded")
    consultation.save()
    record_event(events.CONSULTATION_RECORDED, actor=actor, subject=consultation,
                 payload={"advice": clean["advice"], "sector": clean["sector"]})
    return consultation


def _lock_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)


@transaction.atomic
def referral_child_match(*, actor: User, referral_child: ReferralChild, child_public_id) -> ReferralChild:
    """The LADO matches a child of the referral to the child's record: one the LADO may find through the child
    policy's search (never a restricted record they are not entitled to, never a new record). Matching the
    same child again changes nothing."""
    ctx = _ctx(actor)
    row = ReferralChild.objects.select_for_update().select_related("referral").get(pk=referral_child.pk)
    _require(referral_policy.can(ctx, "view", row.referral), "match the children of this referral")
    found = child_policy.findable(ctx).filter(public_id=child_public_id).first() if child_public_id else None
    if found is None or found.finding not in (FIND_OPEN, FIND_MINIMAL):
        raise ValidationError({"child": "Choose one of the records found"})
    if row.child_id == found.pk:
        return row
    if ReferralChild.objects.live().filter(referral_id=row.referral_id, child=found).exclude(pk=row.pk).exists():
        raise ValidationError({"child": "Another child of this referral is matched to that record"})
    row.child, row.matched_by, row.matched_at = found, actor, timezone.now()
    stamp(row, actor, "Matched to the child's record")
    row.save(update_fields=["child", "matched_by", "matched_at"])
    record_event(events.CHILD_MATCHED, actor=actor, subject=row.referral, payload={"referral_child": row.pk,
                                                                                  "child": found.pk})
    return row


@transaction.atomic
def referral_share(*, actor: User, referral: Referral, text: str) -> SharedUpdate:
    """The LADO shares an update with the referrer (all the referrer sees besides the status), and the
    referrer is told there is one (by reference only)."""
    referral = _lock_referral(referral)
    _require(referral_policy.can(_ctx(actor), "view", referral), "share an update on this referral")
    if not text.strip():
        raise ValidationError({"text": "Enter what you want to share with the referrer"})
    update = SharedUpdate(referral=referral, text=text.strip(), created_by=actor)
    stamp(update, actor, "Shared with the referrer")
    update.save()
    record_event(events.SHARED, actor=actor, subject=referral, payload={"update": update.pk})
    if referral.referred_by_id:
        notify(recipient=referral.referred_by_id,
               subject=f"An update on your referral {referral.reference}",
               body="The LADO has shared an update on your referral.",
               url=_url("lado:portal_referral", public_id=referral.public_id))
    return update
