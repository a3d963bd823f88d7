"""State factories for the partnership (issue 12): seats, referrals, rapid reviews in progress."""

from __future__ import annotations

from datetime import date

from partnership import services
from partnership.models import PartnershipSeat, Referral
from safeguarding.records import stamp


def seat(user, agency, kind=PartnershipSeat.Kind.PARTNER_DELEGATE) -> PartnershipSeat:
    """A live seat, written directly (``seat_give`` is tested on its own)."""
    row = PartnershipSeat(user=user, agency=agency, kind=kind)
    stamp(row, None, "Factory")
    row.save()
    return row


def referral(*, referrer, agency, la, aware_on: date, children=None, kind=Referral.Kind.CASE_REVIEW) -> Referral:
    return services.referral_make(
        actor=referrer, referring_agency=agency, local_authority=la, aware_on=aware_on, kind=kind,
        what_happened="A child was seriously injured at home.", criteria_reason="Neglect suspected.",
        children=children or [{"first_names": "Ava", "surname": "Example", "date_of_birth": date(2020, 5, 1)}])


def rapid_review(*, business_unit, referrer, agency, la, aware_on: date, la_aware_on: date | None = None, **kw):
    """A serious incident triaged: the rapid review open on its plan."""
    made = referral(referrer=referrer, agency=agency, la=la, aware_on=aware_on, **kw)
    services.referral_triage(actor=business_unit, referral=made, triage=Referral.Triage.SERIOUS_INCIDENT,
                             rationale="Serious harm; neglect suspected.", la_aware_on=la_aware_on)
    made.refresh_from_db()
    return made.rapid_review


# --- practice reviews and action plans (ADR 24) ---------------------------------------------------------------
def learning_review_referral(*, business_unit, referrer, agency, la, aware_on: date) -> Referral:
    """A referral triaged as a learning review (below the criteria for a rapid review)."""
    made = referral(referrer=referrer, agency=agency, la=la, aware_on=aware_on)
    return services.referral_triage(actor=business_unit, referral=made, triage=Referral.Triage.LEARNING_REVIEW,
                                    rationale="Below the criteria; learning for two agencies.")


def practice_review(*, business_unit, referral, kind="learning_review", decided_on: date):
    return services.practice_review_start(actor=business_unit, referral=referral, kind=kind, decided_on=decided_on)


def action(*, business_unit, review, agency, due_on: date, text="Audit the agency's practice", recommendation=None):
    """An action of ``review``'s plan owned by ``agency`` (a recommendation made for it when none is given)."""
    recommendation = recommendation or services.recommendation_add(actor=business_unit, review=review,
                                                                   text="Agencies share information earlier.")
    return services.action_add(actor=business_unit, recommendation=recommendation, description=text,
                               owner_agency=agency, due_on=due_on)
def escalation(*, raiser, raising_agency, raised_with_agency, child=None, theme="", raised_on: date | None = None,
               category="information_sharing", concern="Information was not shared before the strategy discussion."):
    """A professional difference at stage 1 (through the service: its deadline opened)."""
    return services.escalation_raise(
        actor=raiser, raising_agency=raising_agency, raised_with_agency=raised_with_agency, category=category,
        concern=concern, wanted="Share the health chronology.", child=child, theme=theme, raised_on=raised_on)
