"""The reviews policies' arms are served by their indexes, and each answer is one statement (ADR 11, 12).

Plans are read with sequential scans switched off for the transaction, so that a small test database
shows which index the planner can use for each arm (with a million rows it would choose it anyway)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import Child
from reviews.models import IroAllocation, LookedAfterEpisode, Review
from reviews.policies import episode_policy, iros_see_the_children_they_review, review_policy
from safeguarding.access.context import AccessContext
from tests.factories.reviews import ScheduledReviewFactory, iro_of

pytestmark = pytest.mark.django_db


def plan_of(qs) -> str:
    sql, params = qs.order_by().query.sql_with_params()  # as in the union: no ordering
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def review():
    with freeze_time("2026-03-02 09:00"):
        return ScheduledReviewFactory(start_date=date(2026, 3, 2), allocated_on=date(2026, 3, 2))


@pytest.fixture
def many(review):
    """400 other children looked after, allocated among 40 other IROs and each with a review they chair
    (written in bulk), and the tables analysed: the planner then knows one IRO's rows are few."""
    la = review.episode.child.local_authority
    iros = [iro_of(la) for _ in range(40)]
    children = Child.objects.bulk_create(
        Child(legal_surname=f"Bulk{i}", date_of_birth=date(2015, 1, 1), local_child_id=f"B{i:07d}",
              local_authority=la) for i in range(400))
    episodes = LookedAfterEpisode.objects.bulk_create(
        LookedAfterEpisode(child=c, start_date=date(2026, 1, 5), category_of_need="N1") for c in children)
    IroAllocation.objects.bulk_create(IroAllocation(episode=e, iro=iros[i % 40], start_date=date(2026, 1, 5))
                                      for i, e in enumerate(episodes))
    Review.objects.bulk_create(Review(episode=e, iro=iros[i % 40], planned_for=date(2026, 4, 1))
                               for i, e in enumerate(episodes))
    with connection.cursor() as cursor:
        for table in ("cases_child", "reviews_lookedafterepisode", "reviews_iroallocation", "reviews_review"):
            cursor.execute(f"ANALYZE {table}")
    return review


def test_the_iro_s_arms_use_their_indexes(many):
    review = many
    ctx = AccessContext.for_user(review.iro)
    assert "iro_allocation_current" in plan_of(episode_policy.arms(ctx)["allocated IRO"])
    assert "review_chaired" in plan_of(review_policy.chaired(ctx))
    assert "iro_allocation_current" in plan_of(iros_see_the_children_they_review(ctx))


@pytest.mark.parametrize("who", ["iro", "social worker"])
def test_each_answer_is_one_statement(review, who):
    person = review.iro if who == "iro" else review.episode.child.allocated_social_worker
    ctx = AccessContext.for_user(person)
    list(ctx.memberships)
    with CaptureQueriesContext(connection) as queries:
        assert episode_policy.get_for(ctx, review.episode.public_id).pk == review.episode_id
    with CaptureQueriesContext(connection) as more:
        assert review_policy.visible(ctx).count() == 1
        assert review_policy.can(ctx, "view", review)
    assert (len(queries), len(more)) == (1, 2)
