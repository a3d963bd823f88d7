"""Deadline selectors: the buckets (due soon by working days, overdue, met late, all open), the filters
(person, team, service, rule), their counts in one query each, and list querysets without N+1."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.clock import rules, selectors
from safeguarding.clock.models import Deadline, LocalClosureDay
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
S = Deadline.Status


def d(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make(child, *, due, rule_key="icpc", status=S.OPEN, person=None, team=None, met_on=None, label="ICPC"):
    return Deadline.objects.create(
        rule_key=rule_key, subject_type=ContentType.objects.get_for_model(child), subject_id=child.pk, label=label,
        anchor_date=due - datetime.timedelta(days=21), due_date=due, status=status, met_on=met_on,
        responsible_person=person, responsible_team=team,
    )


@pytest.fixture
def w(settings):
    settings.REMINDER_DAYS_BEFORE = [5, 1]
    return selectors.window(today=TODAY)


@pytest.fixture
def world(social_worker, colleague, team, other_team, other_social_worker):
    child = ChildFactory()
    return {
        "today": make(child, due=TODAY, person=social_worker, team=team),
        "soon": make(child, due=datetime.date(2026, 12, 2), person=social_worker, team=team,
                     rule_key="lado_referral"),  # 5 working days ahead: the last day that is "due soon"
        "later": make(child, due=datetime.date(2026, 12, 3), person=colleague, team=team),
        "late_open": make(child, due=d(-2), person=colleague, team=team),  # the sweep has not marked it yet
        "overdue": make(child, due=d(-10), status=S.OVERDUE, person=social_worker, team=team,
                        rule_key="conference_minutes"),
        "met_late": make(child, due=d(-20), status=S.MET_LATE, met_on=d(-15), person=social_worker, team=team),
        "met": make(child, due=d(-20), status=S.MET_ON_TIME, met_on=d(-21), person=social_worker, team=team),
        "cancelled": make(child, due=d(1), status=S.CANCELLED, person=social_worker, team=team),
        "unassigned": make(child, due=d(1), team=team, rule_key="lac_review_first"),
        "elsewhere": make(child, due=d(1), person=other_social_worker, team=other_team),
    }


def names(qs, world):
    ids = set(qs.values_list("pk", flat=True))
    return {k for k, v in world.items() if v.pk in ids}


# --- the window ----------------------------------------------------------------------------------


def test_due_soon_runs_to_the_widest_reminder_band_in_working_days(w):
    assert w.working_days == 5
    assert w.due_soon_until == datetime.date(2026, 12, 2)  # Wed + 5 working days (a weekend in between)


def test_due_soon_skips_bank_holidays_substitute_days_and_local_closures(settings):
    settings.REMINDER_DAYS_BEFORE = [1, 5]
    # 25 Dec 2026 Fri, Boxing Day Sat 26 (substitute Mon 28), 1 Jan 2027 Fri
    assert selectors.window(today=datetime.date(2026, 12, 23)).due_soon_until == datetime.date(2027, 1, 4)
    LocalClosureDay.objects.create(date=datetime.date(2026, 12, 24), name="Christmas Eve closure")
    assert selectors.window(today=datetime.date(2026, 12, 23)).due_soon_until == datetime.date(2027, 1, 5)


def test_no_positive_reminder_band_means_due_soon_is_today_only(settings):
    settings.REMINDER_DAYS_BEFORE = [0]
    w = selectors.window(today=TODAY)
    assert (w.working_days, w.due_soon_until) == (0, TODAY)


# --- the buckets and filters --------------------------------------------------------------------


def test_buckets(world, w):
    all_ = Deadline.objects.all()
    # due today up to the last day of the band; not a cancelled one, not one due the day after
    assert names(selectors.deadlines_due_soon(all_, w=w), world) == {"today", "soon", "unassigned", "elsewhere"}
    assert names(selectors.deadlines_overdue(w=w), world) == {"late_open", "overdue"}
    assert names(selectors.deadlines_met_late(), world) == {"met_late"}
    assert names(selectors.deadlines_open(), world) == {
        "today", "soon", "later", "late_open", "overdue", "unassigned", "elsewhere"}
    with pytest.raises(ValueError):
        selectors.bucket_q("everything", w)


def test_filters_by_person_team_service_and_rule(world, w, social_worker, other_team):
    mine = selectors.for_person(Deadline.objects.all(), social_worker)
    assert names(selectors.deadlines_open(mine), world) == {"today", "soon", "overdue"}
    assert names(selectors.for_person(Deadline.objects.all(), None), world) == {"unassigned"}
    assert names(selectors.for_team(Deadline.objects.all(), other_team), world) == {"elsewhere"}
    lado = selectors.for_service(Deadline.objects.all(), rules.Service.LADO)
    assert names(lado, world) == {"soon"}
    looked_after = selectors.for_service(Deadline.objects.all(), "looked_after")
    assert names(looked_after, world) == {"unassigned"}
    assert names(selectors.for_rule(Deadline.objects.all(), "conference_minutes"), world) == {"overdue"}
    both = selectors.apply_filters(Deadline.objects.all(), selectors.Filters(
        service="child_protection", person=str(social_worker.public_id)))
    assert names(both, world) == {"today", "overdue", "met_late", "met", "cancelled"}
    none = selectors.apply_filters(Deadline.objects.all(), selectors.Filters(person=selectors.NOT_ASSIGNED))
    assert names(none, world) == {"unassigned"}


def test_service_follows_a_rules_service(settings):
    assert "lado_referral" in selectors.rule_keys_of_service("lado")
    assert "icpc" not in selectors.rule_keys_of_service("lado")
    with pytest.raises(ValueError):
        selectors.rule_keys_of_service("plumbing")


# --- counts ----------------------------------------------------------------------------------------


def test_counts_in_one_aggregate_query(world, w, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.deadline_counts(Deadline.objects.all(), w=w)
    assert counts == selectors.Counts(due_soon=4, overdue=2, met_late=1, open=7)
    assert [(k, n) for k, _, n in counts.buckets] == [("due_soon", 4), ("overdue", 2), ("met_late", 1), ("open", 7)]
    assert counts.of("overdue") == 2


def test_counts_by_person_team_rule_and_service(world, w, social_worker, colleague, team, other_team,
                                                django_assert_num_queries):
    qs = Deadline.objects.all()
    with django_assert_num_queries(1):
        by_person = selectors.counts_by_person(qs, w=w)
    got = {p.name: p.counts for p in by_person}
    assert got[social_worker.full_name] == selectors.Counts(due_soon=2, overdue=1, met_late=1, open=3)
    assert got[colleague.full_name] == selectors.Counts(due_soon=0, overdue=1, met_late=0, open=2)
    assert by_person[-1].public_id == selectors.NOT_ASSIGNED  # "not assigned" comes last
    assert by_person[-1].counts == selectors.Counts(due_soon=1, overdue=0, met_late=0, open=1)

    with django_assert_num_queries(1):
        by_team = {t.team_id: t.counts for t in selectors.counts_by_team(qs, w=w)}
    assert by_team[team.pk].open == 6 and by_team[other_team.pk].open == 1

    with django_assert_num_queries(1):
        by_rule = selectors.counts_by_rule(qs, w=w)
    rule_counts = {r.rule_key: r.counts for r in by_rule}
    assert rule_counts["icpc"] == selectors.Counts(due_soon=2, overdue=1, met_late=1, open=4)
    assert rule_counts["conference_minutes"] == selectors.Counts(due_soon=0, overdue=1, met_late=0, open=1)
    assert {r.rule_key: r.service for r in by_rule}["lado_referral"] == "lado"

    with django_assert_num_queries(0):
        by_service = {s.service: s.counts for s in selectors.counts_by_service(w=w, by_rule=by_rule)}
    assert by_service["child_protection"] == selectors.Counts(due_soon=2, overdue=2, met_late=1, open=5)
    assert by_service["looked_after"].open == 1 and by_service["lado"].due_soon == 1
    with django_assert_num_queries(1):
        assert {s.service for s in selectors.counts_by_service(qs, w=w)} == {"child_protection", "looked_after", "lado"}


def test_a_rule_no_longer_configured_is_still_counted(world, w):
    make(ChildFactory(), due=d(3), rule_key="retired_rule")
    row = next(r for r in selectors.counts_by_rule(Deadline.objects.all(), w=w) if r.rule_key == "retired_rule")
    assert (row.description, row.service_label, row.counts.open) == ("retired_rule", "Unknown", 1)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _read_everything(w):
    qs = Deadline.objects.all()
    selectors.deadline_counts(qs, w=w)
    selectors.counts_by_person(qs, w=w)
    selectors.counts_by_rule(qs, w=w)
    for bucket in selectors.BUCKETS:
        for row in selectors.deadline_list(qs, bucket=bucket, w=w):
            str(row.responsible_person), str(row.responsible_team.agency.name if row.responsible_team else "")


def test_query_count_does_not_grow_with_the_number_of_deadlines(world, w, social_worker, colleague, team):
    before = _queries(lambda: _read_everything(w))
    child = ChildFactory()
    for i in range(30):
        make(child, due=d(i - 15), person=(social_worker, colleague)[i % 2], team=team,
             status=S.MET_LATE if i % 7 == 0 else S.OPEN, met_on=d(i - 14) if i % 7 == 0 else None)
    after = _queries(lambda: _read_everything(w))
    assert before == after == 3 + len(selectors.BUCKETS)


def test_lists_are_ordered_for_their_page(world, w):
    due = [x.due_date for x in selectors.deadline_list(Deadline.objects.all(), bucket="open", w=w)]
    assert due == sorted(due)
    child = ChildFactory()
    newer = make(child, due=d(-30), status=S.MET_LATE, met_on=d(-1))
    met_late = list(selectors.deadline_list(Deadline.objects.all(), bucket="met_late", w=w))
    assert met_late[0] == newer  # the most recently met first


def test_display_status(world, w):
    assert selectors.display_status(world["today"], w) == ("Due today", "orange")
    assert selectors.display_status(world["soon"], w) == ("Due soon", "yellow")
    assert selectors.display_status(world["later"], w) == ("Open", "blue")
    assert selectors.display_status(world["late_open"], w) == ("Overdue", "red")
    assert selectors.display_status(world["met_late"], w) == ("Met late", "pink")
    assert selectors.display_status(world["met"], w) == ("Met on time", "green")
    assert selectors.display_status(world["cancelled"], w) == ("Cancelled", "grey")


def test_history_and_calendar_shapes(world, w, django_assert_num_queries):
    dl = world["today"]
    dl.label = "ICPC (renamed)"
    dl._change_reason = "Renamed"
    dl.save()
    with django_assert_num_queries(1):
        history = selectors.deadline_history(dl)
        assert [h.history_change_reason for h in history][0] == "Renamed"
        [h.history_user for h in history]
    with django_assert_num_queries(2):  # the deadlines, then their subjects (one query per kind of record)
        rows = list(selectors.calendar_deadlines(Deadline.objects.all()))
        [r.subject for r in rows]
    assert len(rows) == 7
