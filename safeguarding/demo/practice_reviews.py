"""Demo practice review and action plan (issue 12, section 3; ADR 24): what the business unit sees on the practice
reviews page and the action tracker, and the demo school's safeguarding lead on "Your agency's review actions".

Built through ``partnership.services`` only, so every deadline, history row and event is the real one. Dates are
relative to today:

- **a learning review in progress**: the health visitor referred a baby's injury ten weeks ago; the practice review
  group triaged it a learning review (below the criteria for a rapid review) and decided on the review two days
  later; the terms of reference are agreed, a reviewer appointed (a systems methodology), the family and the
  practitioners involved, the first draft in; tagged with two learning themes;
- **its action plan**: two recommendations and four actions: the school's complete (with the reason there is no
  file), the health trust's in progress, the police's not started and overdue, the school's due next month.

The demo school's designated safeguarding lead is given the school's agency-lead seat. Idempotent: nothing is
made while any practice review exists. ``partnership`` is imported inside the function: the kernel imports no
domain app at import time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from safeguarding.accounts.models import Agency, User

Say = Callable[[str], None]


def _agency(user: User) -> Agency:
    return user.memberships.filter(is_active=True).select_related("agency").first().agency


def load(*, la: Agency, logins: dict[str, User], say: Say = print) -> Counter:
    from partnership import services
    from partnership.models import PartnershipSeat, PracticeReview, Referral

    created: Counter = Counter()
    if PracticeReview.objects.exists():
        say("Skipped the demo practice review: one exists already.")
        return created
    if not all(key in logins for key in ("business_unit", "health", "school", "police")):
        say("Skipped the demo practice review: the business unit and partner logins are missing.")
        return created
    bu, health, school, police = (logins[k] for k in ("business_unit", "health", "school", "police"))
    today = timezone.localdate()
    services.seat_give(actor=bu, user=school, agency=_agency(school), kind=PartnershipSeat.Kind.AGENCY_LEAD)
    referral = services.referral_make(
        actor=health, referring_agency=_agency(health), local_authority=la, aware_on=today - timedelta(days=72),
        what_happened="A baby of four months was seen with a bruise; the family had missed two health visits.",
        criteria_reason="Bruising in a non-mobile baby; a school knew the older sibling's attendance had fallen.",
        children=[{"first_names": "Demo", "surname": "Learning", "date_of_birth": today - timedelta(days=190)}])
    services.referral_triage(actor=bu, referral=referral, triage=Referral.Triage.LEARNING_REVIEW,
                             rationale="No serious harm: below the criteria for a rapid review; learning for three "
                                       "agencies about missed appointments and attendance.")
    decided = today - timedelta(days=70)
    review = services.practice_review_start(actor=bu, referral=referral, kind=PracticeReview.Kind.LEARNING_REVIEW,
                                            decided_on=decided)
    services.practice_review_record(
        actor=bu, review=review, terms_of_reference="How agencies shared what they knew about missed health "
        "visits and the older sibling's attendance, and whether the baby's lived experience was seen.",
        terms_agreed_on=decided + timedelta(days=14), reviewer="Independent reviewer (Northmoor Learning Ltd)",
        reviewer_appointed_on=decided + timedelta(days=10), methodology="systems",
        family_involvement="The mother met the reviewer; the father declined.",
        practitioner_involvement="A practitioners' learning event with health, school and police.",
        themes=["information_sharing", "education"])
    services.review_draft_add(actor=bu, review=review, received_on=today - timedelta(days=7),
                              comments="The group asked for more on the school's attendance referrals.")
    first = services.recommendation_add(actor=bu, review=review, text="Agencies tell the health visitor when a "
                                        "sibling's school attendance falls below 90 per cent.")
    second = services.recommendation_add(actor=bu, review=review, text="Missed health visits for a baby under "
                                         "one are escalated after the second.")
    agencies = {k: _agency(logins[k]) for k in ("school", "health", "police")}
    done = services.action_add(actor=bu, recommendation=first, description="Add the health visitor to the school's "
                               "attendance referral list", owner_agency=agencies["school"],
                               due_on=today - timedelta(days=14))
    services.action_update(actor=school, action=done, status="complete", completed_on=today - timedelta(days=20),
                           no_evidence_reason="The change is in the school's attendance policy, published online.")
    going = services.action_add(actor=bu, recommendation=second, description="Audit missed-visit escalation",
                                owner_agency=agencies["health"], due_on=today + timedelta(days=21))
    services.action_update(actor=bu, action=going, status="in_progress", progress_note="Audit of 40 records begun")
    services.action_add(actor=bu, recommendation=first, description="Brief neighbourhood officers on attendance "
                        "concerns", owner_agency=agencies["police"], due_on=today - timedelta(days=5))
    services.action_add(actor=bu, recommendation=second, description="Share the learning with the staff team",
                        owner_agency=agencies["school"], due_on=today + timedelta(days=30))
    created.update({"practice reviews": 1, "review actions": 4})
    say(f"  created a learning review in progress ({review.reference}) with four actions, one overdue")
    return created
