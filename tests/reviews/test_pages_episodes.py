"""The child's looked-after page and the pages that record a period of care (issue 10): becoming looked after,
its details, a placement move (asking for an early review), a change of legal status, a new version of a plan
and the end of the period (confirmed first). Every page: through ``episode_policy`` (or, to start a period,
``child_policy`` and ``episode_policy.can_open_for``), a 404 for anyone else exactly as for a period that does
not exist, the child named with a link and a way back; the looked-after page at a fixed statement count.

Jade Holloway became looked after on Monday 2 March 2026 (Ira Reviewing her IRO from the 3rd, her first review
booked for Friday 27 March, a care plan); Kai is allocated to the same social worker and not looked after."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from reviews import services
from reviews.models import LegalStatusPeriod, LookedAfterEpisode, Placement, Plan, Review
from tests.factories.worlds import shared_world

from .episode_world import (
    MON_2_MAR,
    NOW,
    TODAY,
    cast,
    child_of,
    client,
    count,
    date_parts,
    errors,
    looked_after,
    missing,
    same_page,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_pages_episodes")]

FRI_27_MAR = date(2026, 3, 27)
EVERYONE = ("social_worker", "team_manager", "other_social_worker", "iro_manager", "iro", "other_iro", "chair",
            "police_officer")
# page: who may open it (everyone else gets the 404 of a missing period)
EPISODE_PAGES = {
    "": {"social_worker", "team_manager", "iro", "iro_manager"},
    "edit/": {"social_worker", "team_manager"},
    "placement/": {"social_worker", "team_manager"},
    "legal-status/": {"social_worker", "team_manager"},
    "plans/new/": {"social_worker", "team_manager"},
    "end/": {"social_worker", "team_manager"},
}


def build() -> SimpleNamespace:
    with freeze_time(NOW):
        c = cast()
        jade = child_of(c, "Jade", local_child_id="LC-JADE")
        kai = child_of(c, "Kai", local_child_id="LC-KAI")
        episode = looked_after(c, jade, iro=c.iro)
        services.plan_record(actor=c.social_worker, episode=episode, kind="care_plan", dated=MON_2_MAR,
                             permanence_plan="not_yet")
        review = services.review_schedule(actor=c.iro, episode=episode, planned_for=FRI_27_MAR)
    return SimpleNamespace(cast=c, jade=jade, kai=kai, episode=episode, review=review)


world = shared_world(build)  # one world for the module; each test runs in a savepoint of it


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def url(episode, suffix: str = "") -> str:
    return f"/reviews/e/{episode.public_id}/{suffix}"


class TestWhoMayOpen:
    @pytest.mark.parametrize("suffix", list(EPISODE_PAGES))
    def test_each_page_opens_for_who_may_and_is_the_404_of_a_missing_period_for_others(self, world, suffix):
        compared = False
        for who in EVERYONE:
            c = client(world, who)
            resp = c.get(url(world.episode, suffix))
            if who in EPISODE_PAGES[suffix]:
                assert resp.status_code == 200, who
                assert f'href="/children/{world.jade.public_id}/">Jade Holloway</a>' in text(resp), who
                assert 'class="govuk-back-link"' in text(resp), who
            else:
                assert resp.status_code == 404, who
                if not compared:  # forbidden looks exactly like missing
                    absent = c.get(missing("e", suffix))
                    assert absent.status_code == 404 and same_page(resp) == same_page(absent), who
                    compared = True

    def test_starting_a_period_is_for_those_who_may_edit_the_child(self, world):
        page = f"/reviews/children/{world.kai.public_id}/looked-after/new/"
        for who in EVERYONE:
            resp = client(world, who).get(page)
            assert resp.status_code == (200 if who in ("social_worker", "team_manager") else 404), who
        assert client(world, "social_worker").get(f"/reviews/children/{world.jade.public_id}/looked-after/new/")\
            .status_code == 200  # (saying she is looked after already: below)

    def test_the_way_in_from_the_child_s_record(self, world):
        way_in = "/reviews/children/{}/looked-after/"
        sw = client(world, "social_worker")
        resp = sw.get(way_in.format(world.jade.public_id))
        assert (resp.status_code, resp["Location"]) == (302, url(world.episode))
        resp = sw.get(way_in.format(world.kai.public_id))
        new = f"/reviews/children/{world.kai.public_id}/looked-after/new/"
        assert (resp.status_code, resp["Location"]) == (302, new)
        assert client(world, "iro").get(way_in.format(world.jade.public_id)).status_code == 302
        for who, child in (("iro", world.kai), ("other_iro", world.jade), ("police_officer", world.jade)):
            assert client(world, who).get(way_in.format(child.public_id)).status_code == 404, who
        assert sw.get(way_in.format("not-a-uuid")).status_code == 404


class TestTheLookedAfterPage:
    def test_the_page_shows_the_period_its_histories_and_links_at_a_fixed_statement_count(self, world):
        c, e, sw = client(world, "social_worker"), world.episode, world.cast.social_worker
        c.get(url(e))
        small, small_sql, resp = count(c, url(e))
        assert resp.status_code == 200
        body = text(resp)
        assert "<h1 class=\"govuk-heading-l\">Looked after since 2 March 2026</h1>" in body
        assert "V2: Single period of accommodation under section 20" in body
        assert "U6: Foster placement with other foster carer(s)" in body and "N1: Abuse or neglect" in body
        assert "Ira Reviewing, since 3 March 2026" in body
        assert f'<a class="govuk-link" href="/reviews/r/{world.review.public_id}/">Booked for 27 March 2026</a>' in body
        assert "Not yet decided (to be set at the second review)" in body
        assert "Back to the child&#x27;s record" in body
        for step in ("Record a change of placement", "Record a change of legal status",
                     "Record a new version of a plan", "Record that the child stopped being looked after",
                     "Ask for an early review"):
            assert step in body, step
        assert "Book the review" not in body and "Allocate an IRO" not in body and "Change the child" not in body
        # longer histories: the same statements
        services.plan_record(actor=sw, episode=e, kind="care_plan", dated=TODAY, permanence_plan="adoption")
        services.plan_record(actor=sw, episode=e, kind="health_plan", dated=TODAY)
        services.legal_status_change(actor=sw, episode=e, start_date=date(2026, 3, 3), legal_status="C1")
        services.placement_change(actor=sw, episode=e, start_date=TODAY, placement_type="U4", provider="PR4",
                                  change_reason="CARPL", provider_name="Sam and Alex Carter")
        services.iro_allocate(actor=world.cast.iro_manager, episode=e, iro=world.cast.other_iro, start_date=TODAY,
                              reason="Caseloads rebalanced")
        large, large_sql, resp = count(c, url(e))
        assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
        assert small <= 14, "\n".join(small_sql)
        body = text(resp)
        assert "Oona Elsewhere, since 4 March 2026" in body and "Caseloads rebalanced" in body
        assert "CARPL: Change to or implementation of the care plan" in body and "Sam and Alex Carter" in body
        assert "C1: Interim care order" in body and "L: Change of legal status only" in body
        assert body.count("<strong class=\"govuk-tag\">Current</strong>") == 2

    def test_the_iro_and_the_iro_manager_are_offered_the_review_cycle(self, world):
        body = text(client(world, "iro").get(url(world.episode)))
        assert 'href="/reviews/" class="govuk-back-link">Back to your caseload' in body
        assert f'href="/reviews/r/{world.review.public_id}/move/">Move the review' in body
        assert f'href="/reviews/r/{world.review.public_id}/cancel/">Cancel the review' in body
        assert "Record a change of placement" not in body and "Allocate an IRO" not in body
        body = text(client(world, "iro_manager").get(url(world.episode)))
        assert f'href="{url(world.episode, "iro/")}">Change the child&#x27;s IRO' in body

    def test_an_ended_period_offers_a_new_one_and_links_the_other_periods(self, world):
        sw = world.cast.social_worker
        services.episode_end(actor=sw, episode=world.episode, end_date=TODAY, reason="E4A")
        new = f"/reviews/children/{world.jade.public_id}/looked-after/new/"
        assert f'href="{new}">Record a new period of care</a>' in text(client(world, "social_worker").get(
            url(world.episode)))
        assert "Record that the child became looked after" in text(client(world, "social_worker").get(new))
        again = services.episode_open(actor=sw, child=world.jade, start_date=TODAY, legal_status="C2",
                                      category_of_need="N1", placement_type="U6", provider="PR1")
        body = text(client(world, "social_worker").get(url(world.episode)))
        assert "Stopped being looked after on 4 March 2026: E4A: Returned home" in body
        assert f'href="{url(again)}">Looked after from 4 March 2026</a>' in body
        assert "Record a change of placement" not in body and "Record a new period of care" not in body
        assert "This period of care ended on 4 March 2026." in text(client(world, "social_worker").get(
            url(world.episode, "placement/")))


class TestTheForms:
    def test_starting_a_period_of_care(self, world):
        page = f"/reviews/children/{world.kai.public_id}/looked-after/new/"
        c = client(world, "social_worker")
        body = text(c.get(page))
        assert f'href="/children/{world.kai.public_id}/">Kai Holloway</a>' in body
        assert "S: Started to be looked after" in body and "N8: Absent parenting" in body
        assert "E1: Placement order granted" in body and 'value="V3"' not in body
        resp = c.post(page, {**date_parts("start_date", TODAY), "postcode": "nope", "parent_reference": ""})
        assert resp.status_code == 200
        assert errors(resp) == ["Choose the legal status", "Choose the category of need", "Choose the placement type",
                                "Choose who provides the placement"]
        form = {**date_parts("start_date", TODAY), "legal_status": "C1", "category_of_need": "N1",
                "placement_type": "U6", "provider": "PR1", "provider_name": "Sam and Alex Carter",
                "postcode": "nm1 4ab", "urn": "", "home_postcode": "NM2 1AA"}
        resp = c.post(page, {**form, "parent_reference": "LC-NOBODY"})
        assert errors(resp) == ["There is no child record with this ID that you can open"]
        resp = c.post(page, {**form, "postcode": "nope"})
        assert errors(resp) == ["Enter a real postcode, like SW1A 1AA"]  # the service's error, on the form
        resp = c.post(page, {**form, "parent_reference": ""})
        episode = LookedAfterEpisode.objects.get(child=world.kai)
        assert (resp.status_code, resp["Location"]) == (302, url(episode))
        placement = Placement.objects.get(episode=episode)
        assert (placement.postcode, placement.provider_name, placement.reason_for_new_episode) == (
            "NM1 4AB", "Sam and Alex Carter", "S")
        assert "Kai Holloway is looked after already, since 4 March 2026." in text(c.get(page))

    def test_changing_the_details_needs_a_reason(self, world):
        c, e = client(world, "social_worker"), world.episode
        page = url(e, "edit/")
        assert 'value="N1" checked' in text(c.get(page))
        resp = c.post(page, {"category_of_need": "N4", "home_postcode": "", "parent_reference": "", "reason": ""})
        assert errors(resp) == ["Say why the details are changing"]
        resp = c.post(page, {"category_of_need": "N4", "home_postcode": "", "parent_reference": "LC-KAI",
                             "reason": "Recorded wrongly"})
        assert resp.status_code == 302
        e.refresh_from_db()
        assert (e.category_of_need, e.looked_after_parent) == ("N4", world.kai)
        assert e.history.first().history_change_reason == "Recorded wrongly"

    def test_a_placement_move_asking_for_an_early_review(self, world):
        c, e = client(world, "social_worker"), world.episode
        page = url(e, "placement/")
        assert "Current placement" in text(c.get(page))
        move = {**date_parts("start_date", TODAY), "change_reason": "CREQB", "placement_type": "K2",
                "provider": "PR4", "provider_name": "Hill House", "postcode": "", "urn": "SC123456",
                "early_review": "on", "early_review_reason": ""}
        resp = c.post(page, move)
        assert errors(resp) == ["Say what the early review should consider"]
        resp = c.post(page, {**move, **date_parts("start_date", MON_2_MAR), "early_review_reason": "The move"})
        assert errors(resp) == ["The new placement must be after 2 March 2026, when the current one began"]
        resp = c.post(page, {**move, "early_review_reason": "The carers ended the placement"})
        assert resp.status_code == 302
        assert Placement.objects.get(episode=e, end_date__isnull=True).urn == "SC123456"
        review = Review.objects.get(pk=world.review.pk)
        assert (review.early_trigger, review.early_reason) == ("placement_change", "The carers ended the placement")
        assert "an early review asked for" in text(c.get(url(e)))

    def test_a_change_of_legal_status(self, world):
        c, e = client(world, "team_manager"), world.episode
        page = url(e, "legal-status/")
        resp = c.post(page, {**date_parts("start_date", MON_2_MAR), "legal_status": "C2"})
        assert errors(resp) == ["The new legal status must be after 2 March 2026, when the current one began"]
        resp = c.post(page, {**date_parts("start_date", TODAY), "legal_status": "V3"})
        assert errors(resp) == ["Choose the legal status"]
        resp = c.post(page, {**date_parts("start_date", TODAY), "legal_status": "C2"})
        assert resp.status_code == 302
        assert LegalStatusPeriod.objects.get(episode=e, end_date__isnull=True).legal_status == "C2"

    def test_a_new_version_of_a_plan(self, world):
        c, e = client(world, "social_worker"), world.episode
        page = url(e, "plans/new/")
        body = text(c.get(page + "?kind=pep"))
        assert 'value="pep" checked' in body and "Pathway plan" not in body  # Jade is 10
        assert "Care plan</dt>" in body
        resp = c.post(page, {"kind": "care_plan", **date_parts("dated", TODAY), "permanence_plan": "", "summary": ""})
        assert errors(resp) == ["Choose the permanence plan"]
        resp = c.post(page, {"kind": "care_plan", **date_parts("dated", TODAY), "permanence_plan": "adoption",
                             "summary": "Adoption agreed"})
        assert resp.status_code == 302
        plan = Plan.objects.get(episode=e, kind="care_plan", version=2)
        assert (plan.permanence_plan, plan.dated) == ("adoption", TODAY)

    def test_ending_the_period_is_confirmed_first(self, world):
        c, e = client(world, "social_worker"), world.episode
        page = url(e, "end/")
        resp = c.post(page, {**date_parts("end_date", TODAY), "reason": ""})
        assert errors(resp) == ["Choose why the child stopped being looked after"]
        answers = {**date_parts("end_date", TODAY), "reason": "E4A"}
        resp = c.post(page, answers)
        body = text(resp)
        assert resp.status_code == 200 and "Check and confirm the end of the period of care" in body
        assert "E4A: Returned home" in body and "The review booked for 27 March 2026" in body
        assert "The placement, the legal status and the IRO&#x27;s allocation" in body
        assert 'name="end_date_day" value="4"' in body and 'name="confirmed" value="yes"' in body
        assert LookedAfterEpisode.objects.get(pk=e.pk).is_open  # nothing yet
        resp = c.post(page, {**answers, "confirmed": "yes", "change": "yes"})
        assert "Check and confirm" not in text(resp) and 'name="confirmed"' not in text(resp)
        resp = c.post(page, {**answers, "confirmed": "yes"})
        assert (resp.status_code, resp["Location"]) == (302, url(e))
        e.refresh_from_db()
        assert (e.end_date, e.end_reason) == (TODAY, "E4A")
        assert Review.objects.get(pk=world.review.pk).status == "cancelled"
        assert "This period of care ended on 4 March 2026." in text(c.get(page))
