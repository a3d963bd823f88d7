"""Monitoring between reviews (issue 10, section 3; ADR 14): the social worker's statutory visits (reg 28) with
their deadlines, the IRO's contacts and mid-point checks, the child's monitoring page and the caseload's
columns, at a fixed number of statements.

Counted by hand (2026): Jade becomes looked after on Monday 2 March, in foster care. Her first visit is due
within a week: Monday 9 March. Visited on Thursday 12 March (late), the next is due six weeks later, Thursday 23
April. Her first review, held on Friday 27 March, opens the IRO's mid-point check six weeks later: Friday 8 May.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from reviews import services
from reviews.models import LookedAfterEpisode, MonitoringContact, StatutoryVisit
from safeguarding.audit.models import CaseEvent
from safeguarding.clock import rules
from safeguarding.clock.models import Deadline
from tests.factories.reviews import AllocatedEpisodeFactory, qa_judgements

from . import between_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_monitoring")]  # one world
globals().update(between_world.fixtures())  # world, la, team, social_worker, ... child, episode

MON_2_MAR, FRI_27_MAR = date(2026, 3, 2), date(2026, 3, 27)
D = date


@pytest.mark.parametrize(("key", "anchor", "due"), [
    pytest.param("lac_visit_first", D(2026, 3, 2), D(2026, 3, 9), id="first-visit-a-week-later"),
    # a placement starting on Saturday 22 August: a week later is Saturday 29 August, back to Friday 28
    pytest.param("lac_visit_first", D(2026, 8, 22), D(2026, 8, 28), id="first-visit-never-on-a-weekend"),
    pytest.param("lac_visit_next", D(2026, 3, 12), D(2026, 4, 23), id="six-weeks"),
    # Monday 20 July + six weeks = Monday 31 August, the summer bank holiday: back to Friday 28 August
    pytest.param("lac_visit_next", D(2026, 7, 20), D(2026, 8, 28), id="six-weeks-over-the-bank-holiday"),
    pytest.param("lac_visit_next_long_term", D(2027, 3, 2), D(2027, 6, 2), id="three-months"),
    pytest.param("lac_midpoint_check_first", FRI_27_MAR, D(2026, 5, 8), id="midpoint-after-the-first-review"),
    pytest.param("lac_midpoint_check", D(2026, 6, 26), D(2026, 9, 25), id="midpoint-after-a-later-review"),
    # 10 working days from Friday 27 March: 30, 31 Mar, 1, 2 Apr, (Good Friday, Easter Monday) 7-10, 13, 14 Apr
    pytest.param("lac_qa_response", FRI_27_MAR, D(2026, 4, 14), id="qa-answer-over-easter"),
    pytest.param("iro_alert_response", FRI_27_MAR, D(2026, 4, 14), id="alert-answer-over-easter"),
])
def test_the_due_dates_counted_by_hand(key, anchor, due):
    assert rules.get(key).due(anchor) == due


def test_the_visit_rules_are_the_regulation_s_and_the_midpoint_is_local():
    first, nxt, long_term = (rules.get(k) for k in ("lac_visit_first", "lac_visit_next", "lac_visit_next_long_term"))
    assert first.summary == "7 calendar days after the start of the placement"
    assert {r.scope for r in (first, nxt, long_term)} == {rules.Scope.NATIONAL}
    assert "reg 28(2)(a)" in first.source and "six weeks" in nxt.source and "three months" in long_term.source
    midpoint = rules.get("lac_midpoint_check")
    assert midpoint.scope is rules.Scope.LOCAL and rules.get("lac_midpoint_check_first").scope is rules.Scope.LOCAL
    assert "IRO Handbook" in midpoint.source and "local practice" in midpoint.source


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 17:00") as frozen:
        yield frozen


def open_deadlines(episode, *keys):
    ct = ContentType.objects.get_for_model(LookedAfterEpisode)
    return set(Deadline.objects.filter(subject_type=ct, subject_id=episode.pk, rule_key__in=keys,
                                       status__in=Deadline.OPEN_STATUSES).values_list("rule_key", "due_date"))


VISITS = ("lac_visit_first", "lac_visit_next", "lac_visit_next_long_term")
MIDPOINTS = ("lac_midpoint_check_first", "lac_midpoint_check")


# --- the social worker's visits ----------------------------------------------------------------------------------
def test_visits_follow_reg_28_through_a_placement_move(clock, episode, social_worker, iro):
    assert open_deadlines(episode, *VISITS) == {("lac_visit_first", D(2026, 3, 9))}
    clock.move_to("2026-03-12 16:00")
    with pytest.raises(ValidationError) as exc:  # late: why?
        services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 3, 12),
                                        seen_alone=True)
    assert "9 March 2026" in exc.value.message_dict["late_reason"][0]
    assert not StatutoryVisit.objects.exists()  # nothing kept from the refused attempt
    visit = services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 3, 12),
                                            seen_alone=True, late_reason="Snow")
    assert (visit.visitor, visit.visitor_name, visit.placement.start_date) == (social_worker, social_worker.full_name,
                                                                               MON_2_MAR)
    first = Deadline.objects.get(rule_key="lac_visit_first")
    assert (first.status, first.late_reason) == ("met_late", "Snow")
    assert open_deadlines(episode, *VISITS) == {("lac_visit_next", D(2026, 4, 23))}
    assert Deadline.objects.get(rule_key="lac_visit_next").responsible_person == social_worker
    # the same day again changes nothing
    assert services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 3, 12),
                                           seen_alone=False) == visit
    assert CaseEvent.objects.filter(code="lac.visit_recorded").count() == 1
    # a move: the visit due in the last placement no longer applies; a week from the new one's start
    clock.move_to("2026-04-20 10:00")
    services.placement_change(actor=social_worker, episode=episode, start_date=D(2026, 4, 20), placement_type="U4",
                              provider="PR4", change_reason="CARPL")
    assert open_deadlines(episode, *VISITS) == {("lac_visit_first", D(2026, 4, 27))}
    assert Deadline.objects.get(rule_key="lac_visit_next").status == "cancelled"
    # a visit dated in the old placement is kept, and answers nothing of the new one
    services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 4, 1), seen_alone=False)
    assert open_deadlines(episode, *VISITS) == {("lac_visit_first", D(2026, 4, 27))}
    # the first visit in the new placement: the next is due six weeks later
    services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 4, 20), seen_alone=True)
    assert open_deadlines(episode, *VISITS) == {("lac_visit_next", D(2026, 6, 1))}
    # the IRO is not case staff: the service refuses them, as the page does
    with pytest.raises(ValidationError, match="You cannot record a visit"):
        services.statutory_visit_record(actor=iro, episode=episode, visited_on=D(2026, 4, 20), seen_alone=True)


def test_after_the_first_year_a_long_term_placement_is_visited_every_three_months(clock, episode, social_worker):
    clock.move_to("2027-03-02 10:00")
    services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=D(2027, 3, 1),
                         permanence_plan="long_term_fostering")
    services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2027, 3, 1), seen_alone=True,
                                    late_reason="Backlog")
    assert open_deadlines(episode, *VISITS) == {("lac_visit_next", D(2027, 4, 12))}  # still the first year
    services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2027, 3, 2), seen_alone=True)
    assert open_deadlines(episode, *VISITS) == {("lac_visit_next_long_term", D(2027, 6, 2))}


def test_a_same_carer_change_keeps_the_visit_due(clock, episode, social_worker):
    clock.move_to("2026-03-05 10:00")
    services.placement_change(actor=social_worker, episode=episode, start_date=D(2026, 3, 5), placement_type="U5",
                              provider="PR1", change_reason="PLACE", same_carer=True)
    assert open_deadlines(episode, *VISITS) == {("lac_visit_first", D(2026, 3, 9))}


def test_a_visit_is_checked(clock, episode, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 3, 1),
                                        seen_alone=False)
    assert "became looked after" in exc.value.message_dict["visited_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=D(2026, 3, 3),
                                        seen_alone=False)
    assert "today or in the past" in exc.value.message_dict["visited_on"][0]


# --- the IRO's contacts and mid-point checks ---------------------------------------------------------------------
def hold_first_review(episode, iro, clock):
    review = services.review_schedule(actor=iro, episode=episode, planned_for=FRI_27_MAR)
    clock.move_to("2026-03-27 15:00")
    return services.review_hold(actor=iro, review=review, participation="PN1", held_on=FRI_27_MAR)


def test_the_mid_point_check_is_due_halfway_and_met_by_the_iro(clock, episode, iro, social_worker):
    assert open_deadlines(episode, *MIDPOINTS) == set()
    hold_first_review(episode, iro, clock)
    assert open_deadlines(episode, *MIDPOINTS) == {("lac_midpoint_check_first", D(2026, 5, 8))}
    assert Deadline.objects.get(rule_key="lac_midpoint_check_first").responsible_person == iro
    clock.move_to("2026-04-15 11:00")
    # a contact with the child is not the mid-point check
    contact = services.monitoring_contact_record(actor=iro, episode=episode, kind="visit", contacted_on=D(2026, 4, 14),
                                                 who="Jade, at school", summary="Settled; wants to see her brother.")
    assert open_deadlines(episode, *MIDPOINTS) == {("lac_midpoint_check_first", D(2026, 5, 8))}
    assert services.monitoring_contact_record(actor=iro, episode=episode, kind="visit", contacted_on=D(2026, 4, 14),
                                              who="Jade,  at school", summary="Settled; wants to see her brother.\n") \
        == contact  # the same again: nothing changes
    services.monitoring_contact_record(actor=iro, episode=episode, kind="midpoint", contacted_on=D(2026, 4, 15),
                                       who="The social worker", summary="The decisions are on track.")
    assert open_deadlines(episode, *MIDPOINTS) == set()
    assert Deadline.objects.get(rule_key="lac_midpoint_check_first").status == "met_on_time"
    assert MonitoringContact.objects.count() == 2
    assert CaseEvent.objects.filter(code="lac.monitoring_recorded").count() == 2
    assert contact.history.first().history_user == iro


def test_the_next_review_held_first_cancels_the_check_and_opens_the_next(clock, episode, iro):
    hold_first_review(episode, iro, clock)
    second = services.review_schedule(actor=iro, episode=episode, planned_for=D(2026, 5, 20))
    clock.move_to("2026-05-20 15:00")
    with pytest.raises(ValidationError):  # the check is late: the IRO says why
        services.monitoring_contact_record(actor=iro, episode=episode, kind="midpoint", contacted_on=D(2026, 5, 20),
                                           who="The social worker", summary="On track.")
    services.review_hold(actor=iro, review=second, participation="PN1", held_on=D(2026, 5, 20))
    assert Deadline.objects.get(rule_key="lac_midpoint_check_first").status == "cancelled"
    assert open_deadlines(episode, *MIDPOINTS) == {("lac_midpoint_check", D(2026, 8, 20))}


def test_only_the_child_s_iro_records_monitoring_and_it_is_checked(clock, episode, iro, social_worker, manager):
    for someone in (social_worker, manager):
        with pytest.raises(ValidationError, match="You cannot record the IRO's monitoring"):
            services.monitoring_contact_record(actor=someone, episode=episode, kind="call", contacted_on=MON_2_MAR,
                                               who="Jade", summary="Hello")
    with pytest.raises(ValidationError) as exc:
        services.monitoring_contact_record(actor=iro, episode=episode, kind="postcard", contacted_on=None, who=" ",
                                           summary="")
    assert set(exc.value.message_dict) == {"kind", "contacted_on", "who", "summary"}


# --- the pages ---------------------------------------------------------------------------------------------------
def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def count(c, url):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(url)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def add_records(episode, iro, social_worker, day):
    """One more of everything the monitoring page lists, on ``day``."""
    services.monitoring_contact_record(actor=iro, episode=episode, kind="call", contacted_on=day, who="Jade",
                                       summary=f"Call on {day}")
    services.statutory_visit_record(actor=social_worker, episode=episode, visited_on=day, seen_alone=True,
                                    late_reason="Late")
    services.care_plan_qa_record(actor=iro, episode=episode, judgements=qa_judgements(), feedback=f"Feedback {day}",
                                 judged_on=day, late_reason="Late")
    services.dispute_raise(actor=iro, episode=episode, category="drift", concern=f"Drift {day}", wanted="A plan",
                           raised_with=social_worker, raised_on=day)


def test_the_monitoring_page_shows_everything_at_a_fixed_statement_count(client_for, clock, episode, iro,
                                                                        social_worker, manager):
    url = f"/reviews/e/{episode.public_id}/monitoring/"
    clock.move_to("2026-03-10 12:00")
    add_records(episode, iro, social_worker, D(2026, 3, 10))
    c = client_for(iro)
    c.get(url)
    small, small_sql, resp = count(c, url)
    page = text(resp)
    assert "Jade Holloway" in page and "Call on 2026-03-10" in page and "21 April 2026" in page  # next visit due
    assert "Record a contact or a mid-point check" in page and "Quality-assure the care plan" in page
    clock.move_to("2026-03-11 12:00")
    add_records(episode, iro, social_worker, D(2026, 3, 11))
    c = client_for(iro)  # signed in afresh: the clock moved past the session's idle time
    c.get(url)
    large, large_sql, resp = count(c, url)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 16, "\n".join(small_sql)
    assert text(resp).count("Drift") == 0 and text(resp).count("Care planning drift or delay") == 2
    # the IRO manager sees it, without the IRO's links; the social worker and anyone else: 404
    page = text(client_for(manager).get(url))
    assert "Jade Holloway" in page and "Quality-assure the care plan" not in page
    assert client_for(social_worker).get(url).status_code == 404


def test_the_caseload_shows_last_contact_qa_due_and_open_disputes_at_a_fixed_statement_count(
        client_for, clock, la, iro, team, manager):
    from tests.factories.states import AllocatedChildFactory


    def a_child(i):
        kid = AllocatedChildFactory(local_authority=la, legal_first_names=f"Unit{i}", legal_surname="Testchild",
                                    date_of_birth=date(2015, 1, 1))
        episode = AllocatedEpisodeFactory(child=kid, start_date=MON_2_MAR, iro_manager=manager, iro=iro,
                                          allocated_on=MON_2_MAR)
        clock.move_to("2026-03-04 10:00")
        services.monitoring_contact_record(actor=iro, episode=episode, kind="visit", contacted_on=D(2026, 3, 4),
                                           who="The child", summary="Fine")
        services.dispute_raise(actor=iro, episode=episode, category="drift", concern="Drift", wanted="A plan",
                               raised_with_name="Team manager", raised_on=D(2026, 3, 4))
        clock.move_to("2026-03-02 17:00")
        return episode

    first = a_child(0)
    c = client_for(iro)
    c.get("/reviews/")
    small, small_sql, resp = count(c, "/reviews/")
    page = text(resp)
    assert "Last contact</th>" in page and "QA due</th>" in page and "Open disputes</th>" in page
    row = page.split("Unit0 Testchild")[1].split("</tr>")[0]
    assert "4 Mar 2026" in row and re.search(r">1</td>$", row.strip())
    assert f'href="/reviews/e/{first.public_id}/monitoring/"' in page
    a_child(1)
    large, large_sql, _resp = count(c, "/reviews/")
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
