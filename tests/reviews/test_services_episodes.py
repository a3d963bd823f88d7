"""A child's period of care (issue 10, section 1): becoming looked after, placement moves and legal-status
changes with their history and SSDA903 codes, the plans, and the end of the period.

Due dates are counted by hand: the child becomes looked after on Friday 28 August 2026, the working day
before the summer bank holiday (Monday 31 August): the IRO is due 5 working days later, on Monday 7
September (1, 2, 3, 4, 7 Sep), and the first review 20 working days later, on Monday 28 September.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from reviews import selectors, services, ssda903
from reviews.models import LegalStatusPeriod, LookedAfterEpisode, Placement, Plan, Review
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, UnbornChildFactory, make_user
from tests.factories.reviews import iro_manager_of

pytestmark = pytest.mark.django_db

FRI_28_AUG = date(2026, 8, 28)
MON_7_SEP = date(2026, 9, 7)
MON_28_SEP = date(2026, 9, 28)


@pytest.fixture
def clock():
    with freeze_time("2026-08-28 16:00") as frozen:
        yield frozen


@pytest.fixture
def child(la, team, social_worker):
    return ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                        date_of_birth=date(2014, 3, 15), local_child_id="LC0001001")


@pytest.fixture
def manager(la):
    return iro_manager_of(la)


def deadlines_of(subject, *rule_keys):
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    return qs.filter(rule_key__in=rule_keys) if rule_keys else qs


def open_episode(child, social_worker, **kw):
    kw.setdefault("start_date", FRI_28_AUG)
    kw.setdefault("legal_status", "V2")
    kw.setdefault("category_of_need", "N1")
    kw.setdefault("placement_type", "U6")
    kw.setdefault("provider", "PR1")
    kw.setdefault("postcode", "nm1 4ab")
    kw.setdefault("home_postcode", "NM2  7CD")
    return services.episode_open(actor=social_worker, child=child, **kw)


# --- becoming looked after -----------------------------------------------------------------------------
def test_opening_a_period_of_care_opens_the_iro_and_first_review_deadlines(clock, child, social_worker, manager):
    episode = open_episode(child, social_worker)
    assert (episode.start_date, episode.category_of_need, episode.home_postcode) == (FRI_28_AUG, "N1", "NM2 7CD")
    placement, = Placement.objects.filter(episode=episode)
    assert (placement.placement_type, placement.provider, placement.postcode, placement.reason_for_new_episode,
            placement.start_date, placement.end_date) == ("U6", "PR1", "NM1 4AB", "S", FRI_28_AUG, None)
    status, = LegalStatusPeriod.objects.filter(episode=episode)
    assert (status.legal_status, status.reason_for_new_episode, status.start_date) == ("V2", "S", FRI_28_AUG)
    due = {d.rule_key: d for d in deadlines_of(episode)}
    assert set(due) == {"iro_appointment", "lac_review_first", "lac_visit_first"}  # reg 28 visit: ADR 14
    assert due["lac_visit_first"].due_date == date(2026, 9, 4)  # within one week of the placement starting
    assert due["iro_appointment"].due_date == MON_7_SEP
    assert due["lac_review_first"].due_date == MON_28_SEP
    assert due["lac_review_first"].responsible_person == social_worker
    assert "LC0001001" not in due["iro_appointment"].label and child.legal_surname not in due["lac_review_first"].label
    # the IRO manager's team answers for the appointment; the manager is told, without the child's name
    assert due["iro_appointment"].responsible_team == manager.memberships.get().team
    note = Notification.objects.get(recipient=manager)
    assert "LC0001001" in note.body and child.legal_surname not in note.subject + note.body
    assert CaseEvent.objects.filter(code="lac.episode_opened", subject_id=episode.pk).count() == 1
    assert episode.history.first().history_user == social_worker


def test_opening_the_same_period_twice_changes_nothing(clock, child, social_worker):
    first = open_episode(child, social_worker)
    assert open_episode(child, social_worker) == first
    assert LookedAfterEpisode.objects.count() == 1 and Deadline.objects.count() == 3
    with pytest.raises(ValidationError) as exc:
        open_episode(child, social_worker, start_date=date(2026, 8, 27))
    assert "already looked after" in exc.value.message_dict["start_date"][0]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"start_date": date(2026, 8, 29)}, "start_date", "today or in the past"),
    ({"start_date": date(2014, 3, 14)}, "start_date", "before their date of birth"),
    ({"legal_status": "C9"}, "legal_status", "Choose the legal status"),
    ({"legal_status": "V3"}, "legal_status", "Short breaks"),
    ({"category_of_need": "N9"}, "category_of_need", "Choose the category of need"),
    ({"placement_type": "F1"}, "placement_type", "Choose the placement type"),
    ({"provider": "PR9"}, "provider", "Choose the placement provider"),
    ({"postcode": "not a postcode"}, "postcode", "real postcode"),
    ({"urn": "12"}, "urn", "unique reference number"),
])
def test_opening_checks_each_field(clock, child, social_worker, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        open_episode(child, social_worker, **changes)
    assert message in exc.value.message_dict[field][0]
    assert not LookedAfterEpisode.objects.exists() and not Deadline.objects.exists()


def test_an_unborn_child_cannot_be_looked_after(clock, la, social_worker):
    unborn = UnbornChildFactory(local_authority=la, allocated_social_worker=social_worker)
    with pytest.raises(ValidationError, match="unborn"):
        open_episode(unborn, social_worker)


def test_only_people_who_may_edit_the_child_record_a_period_of_care(clock, child, la, other_social_worker, iro,
                                                                     manager, team_manager, service_manager):
    for outsider in (other_social_worker, iro, manager):
        with pytest.raises(ValidationError, match="You cannot record"):
            open_episode(child, outsider)
    assert not LookedAfterEpisode.objects.exists()
    assert open_episode(child, team_manager).child == child  # the allocated team's manager may


# --- placements and legal status -------------------------------------------------------------------------
@pytest.fixture
def episode(clock, child, social_worker):
    episode = open_episode(child, social_worker)
    clock.move_to("2026-10-12 10:00")
    return episode


def test_a_move_ends_the_placement_with_its_reason_and_keeps_the_history(episode, social_worker):
    new = services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 9),
                                    placement_type="U4", provider="PR4", change_reason="CREQB",
                                    provider_name="Oak Fostering", postcode="NM3 1XY")
    old, = Placement.objects.filter(episode=episode, end_date__isnull=False)
    assert (old.end_date, old.change_reason) == (date(2026, 10, 9), "CREQB")
    assert (new.placement_type, new.provider, new.reason_for_new_episode, new.end_date) == ("U4", "PR4", "P", None)
    assert selectors.current_placement(episode) == new
    assert [p.placement_type for p in selectors.placements_of(episode)] == ["U4", "U6"]
    assert CaseEvent.objects.filter(code="lac.placement_changed").count() == 1
    # the same placement again changes nothing
    again = services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 9),
                                      placement_type="U4", provider="PR4", change_reason="CREQB",
                                      provider_name="Oak Fostering", postcode="NM3 1XY")
    assert again == new and Placement.objects.count() == 2 and CaseEvent.objects.filter(
        code="lac.placement_changed").count() == 1


def test_a_change_with_the_same_carers_is_rne_t(episode, social_worker):
    new = services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 1),
                                    placement_type="A5", provider="PR1", change_reason="CARPL", same_carer=True)
    assert new.reason_for_new_episode == "T"


@pytest.mark.parametrize(("day", "message"), [
    (date(2026, 8, 28), "must be after 28 August 2026"),  # the day the current placement began
    (date(2026, 10, 13), "today or in the past"),
])
def test_a_move_is_after_the_current_placement_and_not_in_the_future(episode, social_worker, day, message):
    with pytest.raises(ValidationError) as exc:
        services.placement_change(actor=social_worker, episode=episode, start_date=day, placement_type="U4",
                                  provider="PR4", change_reason="CARPL")
    assert message in exc.value.message_dict["start_date"][0]
    assert Placement.objects.count() == 1


def test_a_move_needs_the_reason_for_the_change(episode, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 1),
                                  placement_type="U4", provider="PR4", change_reason="")
    assert "reason for the change" in exc.value.message_dict["change_reason"][0]


def test_a_legal_status_change_keeps_the_history(episode, social_worker):
    status = services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2026, 9, 14),
                                          legal_status="C1")
    assert (status.legal_status, status.reason_for_new_episode) == ("C1", "L")
    old = LegalStatusPeriod.objects.get(episode=episode, legal_status="V2")
    assert old.end_date == date(2026, 9, 14)
    assert [s.legal_status for s in selectors.legal_statuses_of(episode)] == ["C1", "V2"]
    # the same status again changes nothing
    assert services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2026, 9, 20),
                                        legal_status="C1") == status
    assert LegalStatusPeriod.objects.count() == 2


def test_both_changing_on_one_day_is_one_ssda903_episode(episode, social_worker):
    services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 5),
                              placement_type="U1", provider="PR1", change_reason="CARPL")
    services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 5),
                                 legal_status="C2")
    placement = Placement.objects.get(start_date=date(2026, 10, 5))
    assert placement.reason_for_new_episode == "B"
    assert LegalStatusPeriod.objects.get(legal_status="C2").reason_for_new_episode == "B"


def test_the_ssda903_episodes_come_from_the_history(episode, social_worker):
    services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2026, 9, 14),
                                 legal_status="C1")
    services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 5),
                              placement_type="U4", provider="PR4", change_reason="STAND", postcode="NM3 1XY")
    ended = services.episode_end(actor=social_worker, episode=episode, end_date=date(2026, 10, 12), reason="E4A")
    rows = ssda903.episodes(ended)
    assert [(r.DECOM, r.RNE, r.LS, r.PLACE, r.PLACE_PROVIDER, r.DEC, r.REC, r.REASON_PLACE_CHANGE, r.PL_POST)
            for r in rows] == [
        (FRI_28_AUG, "S", "V2", "U6", "PR1", date(2026, 9, 14), "X1", "", "NM1 4AB"),
        (date(2026, 9, 14), "L", "C1", "U6", "PR1", date(2026, 10, 5), "X1", "STAND", "NM1 4AB"),
        (date(2026, 10, 5), "P", "C1", "U4", "PR4", date(2026, 10, 12), "E4A", "", "NM3 1XY"),
    ]
    assert {(r.CIN, r.HOME_POST) for r in rows} == {("N1", "NM2 7CD")}


def test_case_staff_only_change_the_period(episode, iro, manager, other_social_worker):
    for outsider in (iro, manager, other_social_worker):
        with pytest.raises(ValidationError, match="You cannot"):
            services.placement_change(actor=outsider, episode=episode, start_date=date(2026, 10, 1),
                                      placement_type="U4", provider="PR4", change_reason="CARPL")
        with pytest.raises(ValidationError, match="You cannot"):
            services.legal_status_change(actor=outsider, episode=episode, start_date=date(2026, 10, 1),
                                         legal_status="C1")
    assert Placement.objects.count() == 1 and LegalStatusPeriod.objects.count() == 1


def test_correcting_the_details_keeps_the_old_values(episode, social_worker):
    services.episode_update(actor=social_worker, episode=episode, reason="Wrong category recorded",
                            category_of_need="N5")
    episode.refresh_from_db()
    assert episode.category_of_need == "N5"
    assert episode.history.first().history_change_reason == "Wrong category recorded"
    assert episode.history.all()[1].category_of_need == "N1"
    # nothing to change: no reason needed, nothing written
    before = episode.history.count()
    services.episode_update(actor=social_worker, episode=episode, reason="", category_of_need="N5")
    assert episode.history.count() == before
    with pytest.raises(ValidationError) as exc:
        services.episode_update(actor=social_worker, episode=episode, reason=" ", home_postcode="NM9 9ZZ")
    assert "reason" in exc.value.message_dict


# --- plans -------------------------------------------------------------------------------------------------
def test_each_plan_is_versioned_with_its_date(episode, social_worker):
    first = services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=date(2026, 8, 28),
                                 permanence_plan="return_home", summary="Return home with support")
    second = services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=date(2026, 9, 28),
                                  permanence_plan="long_term_fostering")
    services.plan_record(actor=social_worker, episode=episode, kind="health_plan", dated=date(2026, 9, 20))
    services.plan_record(actor=social_worker, episode=episode, kind="pep", dated=date(2026, 9, 21))
    assert (first.version, second.version) == (1, 2)
    current = selectors.current_plans(episode)
    assert {k: (p.version, p.dated) for k, p in current.items()} == {
        "care_plan": (2, date(2026, 9, 28)), "health_plan": (1, date(2026, 9, 20)), "pep": (1, date(2026, 9, 21))}
    assert current["care_plan"].permanence_plan == "long_term_fostering"
    # the same version again changes nothing
    assert services.plan_record(actor=social_worker, episode=episode, kind="pep", dated=date(2026, 9, 21)) \
        == current["pep"]
    assert Plan.objects.count() == 4


@pytest.mark.parametrize(("kind", "kw", "field", "message"), [
    ("care_plan", {}, "permanence_plan", "Choose the permanence plan"),
    ("pathway_plan", {}, "dated", "from the age of 16"),  # 12 years old
    ("leaving_plan", {}, "kind", "Choose the plan"),
])
def test_plans_are_checked(episode, social_worker, kind, kw, field, message):
    with pytest.raises(ValidationError) as exc:
        services.plan_record(actor=social_worker, episode=episode, kind=kind, dated=date(2026, 9, 28), **kw)
    assert message in exc.value.message_dict[field][0]


def test_a_pathway_plan_from_sixteen(clock, la, team, social_worker):
    older = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         date_of_birth=date(2010, 8, 1))
    episode = open_episode(older, social_worker)
    plan = services.plan_record(actor=social_worker, episode=episode, kind="pathway_plan", dated=date(2026, 8, 28))
    assert plan.version == 1


# --- the end of the period -------------------------------------------------------------------------------
def test_ending_the_period_closes_everything_and_cancels_its_deadlines(episode, social_worker, manager, iro):
    services.iro_allocate(actor=manager, episode=episode, iro=iro, start_date=date(2026, 9, 3))
    review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 10, 20),
                                      late_reason="The IRO was appointed late")
    ended = services.episode_end(actor=social_worker, episode=episode, end_date=date(2026, 10, 12), reason="E13")
    assert (ended.end_date, ended.end_reason) == (date(2026, 10, 12), "E13")
    assert not Placement.objects.filter(end_date__isnull=True).exists()
    assert not LegalStatusPeriod.objects.filter(end_date__isnull=True).exists()
    assert selectors.current_allocation(episode) is None
    review.refresh_from_db()
    assert review.status == Review.Status.CANCELLED
    assert not Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES).exists()
    assert set(deadlines_of(episode).values_list("rule_key", "status")) == {
        ("iro_appointment", "met_on_time"), ("lac_review_first", "cancelled"), ("lac_visit_first", "cancelled")}
    # again, the same way: nothing changes; differently: refused
    assert services.episode_end(actor=social_worker, episode=episode, end_date=date(2026, 10, 12), reason="E13") \
        == ended
    with pytest.raises(ValidationError, match="already ended"):
        services.episode_end(actor=social_worker, episode=episode, end_date=date(2026, 10, 12), reason="E2")
    with pytest.raises(ValidationError, match="no longer looked after"):
        services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 12),
                                  placement_type="U4", provider="PR4", change_reason="CARPL")


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"reason": "X1"}, "reason", "Choose why"),
    ({"end_date": date(2026, 8, 27)}, "end_date", "on or after 28 August 2026"),
    ({"end_date": date(2026, 10, 13)}, "end_date", "today or in the past"),
])
def test_ending_is_checked(episode, social_worker, kw, field, message):
    kw = {"end_date": date(2026, 10, 1), "reason": "E4A", **kw}
    with pytest.raises(ValidationError) as exc:
        services.episode_end(actor=social_worker, episode=episode, **kw)
    assert message in exc.value.message_dict[field][0]


def test_a_new_period_may_start_after_the_last_ended(episode, child, social_worker):
    services.episode_end(actor=social_worker, episode=episode, end_date=date(2026, 10, 1), reason="E4A")
    with pytest.raises(ValidationError, match="ended on 1 October 2026"):
        open_episode(child, social_worker, start_date=date(2026, 9, 30))
    again = open_episode(child, social_worker, start_date=date(2026, 10, 12))
    assert again.pk != episode.pk


def test_a_team_manager_of_another_la_is_refused(episode, other_la):
    stranger = make_user(other_la, Role.TEAM_MANAGER)
    with pytest.raises(ValidationError, match="You cannot"):
        services.episode_end(actor=stranger, episode=episode, end_date=date(2026, 10, 1), reason="E4A")
