"""The demo practice review (safeguarding/demo/practice_reviews.py): a learning review in progress and its action
plan with actions in several states, one overdue; loaded once only."""

import pytest
from django.utils import timezone

from partnership.models import PracticeReview, ReviewAction
from safeguarding.accounts.models import Role
from safeguarding.demo import practice_reviews
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_learning_review_in_progress_and_an_action_plan_with_one_overdue(la, police, health, school,
                                                                                    business_unit):
    logins = {"business_unit": business_unit, "police": make_user(police, Role.PARTNER_PRACTITIONER),
              "health": make_user(health, Role.PARTNER_PRACTITIONER),
              "school": make_user(school, Role.PARTNER_PRACTITIONER)}
    said = []
    assert practice_reviews.load(la=la, logins=logins, say=said.append) == {"practice reviews": 1,
                                                                           "review actions": 4}
    review = PracticeReview.objects.get()
    assert (review.kind, review.status) == ("learning_review", "in_progress") and review.drafts.count() == 1
    states = sorted(ReviewAction.objects.values_list("status", flat=True))
    assert states == ["complete", "in_progress", "not_started", "not_started"]
    today = timezone.localdate()
    assert ReviewAction.objects.filter(status__in=ReviewAction.OPEN, due_on__lt=today).count() == 1
    assert not practice_reviews.load(la=la, logins=logins, say=said.append)
    assert "Skipped" in said[-1]
