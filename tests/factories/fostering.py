"""State factories for foster carers' reviews (issue 10, section 3), built through ``reviews.services``:

    household = FosteringHouseholdFactory()              # approved a year ago less a month, a reviewing officer
    review = BookedFosterReviewFactory()                 # its review booked a week from today
    review = CompletedFosterReviewFactory()              # written and completed today: "continue"

Everyone a state needs is made in the household's authority unless passed in: the IRO manager (who registers
it), the supervising social worker and the reviewing officer (an IRO).
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from reviews import services
from reviews.models import FosterCarerReview, FosteringHousehold
from safeguarding.accounts.models import Role

from . import LocalAuthorityFactory, make_user
from .reviews import iro_manager_of, iro_of

__all__ = ["BookedFosterReviewFactory", "CompletedFosterReviewFactory", "FosteringHouseholdFactory"]


class FosteringHouseholdFactory(factory.Factory):
    """An approved household of Northmoor's fostering service (short-term, two places), approved 11 months ago,
    registered by the IRO manager with its supervising social worker and reviewing officer: its
    ``foster_carer_review`` deadline is open."""

    class Meta:
        model = FosteringHousehold

    fostering_service = factory.SubFactory(LocalAuthorityFactory, name="Northmoor Borough Council")
    iro_manager = factory.LazyAttribute(lambda o: iro_manager_of(o.fostering_service))
    supervising_social_worker = factory.LazyAttribute(lambda o: make_user(o.fostering_service, Role.SOCIAL_WORKER))
    reviewing_officer = factory.LazyAttribute(lambda o: iro_of(o.fostering_service))
    reference = factory.Sequence(lambda n: f"FC{n:04d}")
    first_carer = "Jo Carer"
    second_carer = "Sam Carer"
    approval_type = "short_term"
    approval_terms = "Up to two children aged 0 to 10"
    places = 2
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=335))
    last_reviewed_on = None

    @classmethod
    def _create(cls, model_class, *, iro_manager, **kw):
        return services.household_register(actor=iro_manager, **kw)


class BookedFosterReviewFactory(factory.Factory):
    """The household's review booked by its reviewing officer ``days`` (default 7) from today."""

    class Meta:
        model = FosterCarerReview

    household = factory.SubFactory(FosteringHouseholdFactory)
    days = 7

    @classmethod
    def _create(cls, model_class, *, household, days):
        return services.foster_review_schedule(actor=household.reviewing_officer, household=household,
                                               planned_for=timezone.localdate() + datetime.timedelta(days=days))


class CompletedFosterReviewFactory(BookedFosterReviewFactory):
    """Booked for today, written (the carers' views, a report, ``recommendation``) and completed today."""

    days = 0
    recommendation = "continue"

    @classmethod
    def _create(cls, model_class, *, household, days, recommendation):
        review = super()._create(model_class, household=household, days=days)
        officer = household.reviewing_officer
        services.foster_review_save(actor=officer, review=review, carers_views="A good year.",
                                    report="They remain suitable.", recommendation=recommendation,
                                    proposed_terms="One child aged 0 to 5" if recommendation == "change_terms" else "")
        return services.foster_review_complete(actor=officer, review=review, held_on=timezone.localdate())
