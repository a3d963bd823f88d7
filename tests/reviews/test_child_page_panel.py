"""The "Looked after" panel on the child's page (issue 10, section 4; ADR 16): the period of care, what is current
and the open decisions for those who see the period; the reviews' summaries and their own decisions for a
partner agency; nothing for a child never looked after, at no statement at all, and one statement otherwise
however many reviews and decisions there are.

The world: a looked-after child (a held review, its decision 1 owned by the police and circulated), a child of
the same social worker never looked after, and a child whose period of care has ended."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from reviews.codes import LegalStatus, PlacementType
from reviews.models import ReviewDecision
from reviews.policies import decision_policy, episode_policy, review_summary_policy
from reviews.selectors.child_panel import looked_after_panel
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import ChildFactory, make_user
from tests.factories.reviews import AgencyDecisionFactory, EndedEpisodeFactory
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_child_panel")]  # one world


def _build() -> SimpleNamespace:
    decision = AgencyDecisionFactory()
    child = decision.review.episode.child
    never = ChildFactory(local_authority=child.local_authority, allocated_social_worker=child.allocated_social_worker,
                         allocated_team=child.allocated_team)
    return SimpleNamespace(
        decision=decision, child=child, never=never, social_worker=child.allocated_social_worker,
        officer=make_user(decision.owner_agency, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        chair=make_user(child.local_authority, Role.CONFERENCE_CHAIR), ended=EndedEpisodeFactory())


world = shared_world(_build)


def url(child) -> str:
    return f"/children/{child.public_id}/"


def page(c, child, *, warm: bool = True) -> tuple[int, str]:
    if warm:
        c.get(url(child))  # warm (content types, the clock's closure days) before counting
    with CaptureQueriesContext(connection) as ctx:
        resp = c.get(url(child))
    assert resp.status_code == 200
    return len(ctx.captured_queries), re.sub(r"\s+", " ", resp.content.decode())


def panel_of(html: str) -> str:
    found = re.search(r'<section class="app-looked-after-panel".*?</section>', html)
    return found.group(0) if found else ""


def test_a_child_never_looked_after_has_no_panel_and_costs_no_statement(world, client_for):
    c = client_for(world.social_worker)
    never, html = page(c, world.never)
    assert not panel_of(html)
    looked_after, html = page(c, world.child, warm=False)
    assert looked_after == never + 1  # the panel's one statement
    assert panel_of(html)


def test_the_social_worker_sees_the_period_what_is_current_and_the_open_decisions(world, client_for):
    _, html = page(client_for(world.social_worker), world.child, warm=False)
    panel = panel_of(html)
    episode, review = world.decision.review.episode, world.decision.review
    for text in (f"Looked after since {episode.start_date:%-d %B %Y}", LegalStatus.V2.label, PlacementType.U6.label,
                 escape(review.iro.full_name), "Next review", "Due by", "First review", "PN1: Child physically attends",
                 "Open decisions", "Share the record of police call-outs"):
        assert text in panel, text
    assert f"/reviews/r/{review.public_id}/" in panel  # the review page: they see the whole review
    assert "Mark as done" not in panel  # their agency owns none of them: they follow them on the review page


def test_the_police_see_the_reviews_summary_and_their_own_decision_only(world, client_for):
    _, html = page(client_for(world.officer), world.child, warm=False)
    panel = panel_of(html)
    assert "First review" in panel and "PN1" in panel and "Open decisions for your agency" in panel
    assert f"/reviews/decisions/{world.decision.public_id}/done/" in panel
    for private in (LegalStatus.V2.label, PlacementType.U6.label, "Independent reviewing officer", "/reviews/r/"):
        assert private not in panel, private


def test_the_panel_costs_one_statement_however_many_reviews_and_decisions(world, client_for):
    c = client_for(world.social_worker)
    before, _ = page(c, world.child)
    first = world.decision
    for n in range(2, 6):
        ReviewDecision.objects.create(review=first.review, number=n, description=f"Decision {n}",
                                      owner_name="Someone", due_date=timezone.localdate() - timedelta(days=n))
    ReviewDecision.objects.create(review=first.review, number=6, description="Decision 6", owner_name="Someone",
                                  due_date=timezone.localdate() + timedelta(days=3))
    after, html = page(c, world.child, warm=False)
    assert after == before
    # the selector flags each open decision past its due date (none of the factory's, due in 20 working days)
    rows = {m[1]: m[0] for m in re.findall(r'(<tr class="govuk-table__row">\s*<td class="govuk-table__cell">'
                                           r'<span id="decision-[^"]*">(\d+)\..*?</tr>)', panel_of(html))}
    assert sorted(rows) == ["1", "2", "3", "4", "5", "6"]
    assert sorted(n for n, row in rows.items() if "Overdue" in row) == ["2", "3", "4", "5"]


def test_an_ended_period_says_when_and_why(world, client_for):
    episode = world.ended
    _, html = page(client_for(episode.child.allocated_social_worker), episode.child, warm=False)
    panel = panel_of(html)
    assert f"Looked after from {episode.start_date:%-d %B %Y} to {episode.end_date:%-d %B %Y}" in panel
    assert "E4A: Returned home" in panel and "Legal status" not in panel


def test_someone_who_may_see_none_of_it_gets_no_panel(world):
    """A conference chair of the authority (who may not see the child's period, reviews or decisions)."""
    ctx = AccessContext.for_user(world.chair)
    assert looked_after_panel(child=world.child, seen_whole=episode_policy.visible(ctx, "view"),
                              reviews=review_summary_policy.visible(ctx), decisions=decision_policy.visible(ctx),
                              theirs=decision_policy.owned_by_agency_q(ctx)) is None
