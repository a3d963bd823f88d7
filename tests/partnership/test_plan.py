"""The rapid review day by day (issue 12, section 2), on the clock. Dates worked out by hand:

Easter 2027 is Sunday 28 March: Good Friday 26 March and Easter Monday 29 March are bank holidays. Awareness
on Wednesday 24 March 2027 (the Wednesday before Easter) makes it Working Day 1; then WD2 Thu 25 Mar, WD3
Tue 30 Mar, WD4 Wed 31 Mar, WD5 Thu 1 Apr, WD6 Fri 2 Apr, WD7 Mon 5 Apr, WD8 Tue 6, WD9 Wed 7, WD10 Thu 8,
WD11 Fri 9, WD12 Mon 12, WD13 Tue 13, WD14 Wed 14, WD15 Thu 15, WD16 Fri 16 April.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from partnership import plan

D = date
EASTER_WEDNESDAY = D(2027, 3, 24)
DAY_BY_DAY = {
    "rapid_review_consultation": D(2027, 3, 25),          # WD2
    "rapid_review_chronology_requests": D(2027, 3, 30),   # WD3, after the four-day Easter weekend
    "rapid_review_panel_notification": D(2027, 4, 1),     # WD5
    "rapid_review_information_returned": D(2027, 4, 5),   # WD7
    "rapid_review_meeting": D(2027, 4, 7),                # WD9
    "rapid_review_report_to_panel": D(2027, 4, 12),       # WD12
    "rapid_review_report_to_partners": D(2027, 4, 14),    # WD14
    "rapid_review_submission": D(2027, 4, 15),            # WD15
}


@pytest.fixture(autouse=True)
def default_plan(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


def test_awareness_on_the_wednesday_before_easter_puts_every_step_on_its_working_day():
    steps = plan.plan(aware_on=EASTER_WEDNESDAY)
    local = [s for s in steps if not s.national]
    assert {s.key: s.due for s in local} == DAY_BY_DAY
    assert [s.working_day for s in local] == [2, 3, 5, 7, 9, 12, 14, 15]


def test_the_national_rules_keep_their_anchors_and_are_shown_beside_the_plan_where_they_disagree():
    steps = {s.key: s for s in plan.plan(aware_on=EASTER_WEDNESDAY, notified_on=D(2027, 4, 1))}
    notice = steps["serious_incident_notification"]
    # 5 working days after the day of awareness (day 0): Thu 25, Tue 30, Wed 31, Thu 1, Fri 2 April
    assert (notice.national, notice.due, notice.differs_from) == (True, D(2027, 4, 2), D(2027, 4, 1))
    national = steps["rapid_review"]
    # anchored to the notification (Thu 1 April): Fri 2, Mon 5 ... Fri 16, Mon 19 ... Thu 22 April is the 15th
    assert (national.due, national.differs_from) == (D(2027, 4, 22), D(2027, 4, 15))


def test_the_national_rapid_review_waits_for_the_notification_unless_anchored_to_awareness(settings):
    assert {s.key: s.due for s in plan.plan(aware_on=EASTER_WEDNESDAY)}["rapid_review"] is None
    settings.STATUTORY_RULE_OVERRIDES = {"rapid_review": {"anchor": "the local authority becoming aware",
                                                          "override_national": True}}
    step = {s.key: s for s in plan.plan(aware_on=EASTER_WEDNESDAY)}["rapid_review"]
    assert (step.due, step.differs_from) == (D(2027, 4, 16), D(2027, 4, 15))   # WD16 against WD15


@pytest.mark.parametrize(("aware_on", "wd1"), [
    (D(2027, 3, 24), D(2027, 3, 24)),   # a working day is Working Day 1 itself
    (D(2027, 3, 26), D(2027, 3, 30)),   # Good Friday: Tuesday after Easter
    (D(2027, 3, 27), D(2027, 3, 30)),   # Saturday
    (D(2027, 3, 29), D(2027, 3, 30)),   # Easter Monday
])
def test_a_day_of_awareness_that_is_not_a_working_day_makes_the_next_working_day_working_day_1(aware_on, wd1):
    assert plan.working_day_1(aware_on) == wd1
    assert {s.key: s.due for s in plan.plan(aware_on=aware_on)}["rapid_review_consultation"] > wd1


def test_a_local_closure_day_is_not_a_working_day():
    steps = {s.key: s.due for s in plan.plan(aware_on=EASTER_WEDNESDAY, closures=[D(2027, 3, 25)])}
    assert steps["rapid_review_consultation"] == D(2027, 3, 30)


def test_a_deployment_moves_a_day_and_picks_its_steps(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"rapid_review_meeting": {"amount": 9, "note": "meeting by day 10"}}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = ["rapid_review_consultation", "rapid_review_meeting"]
    local = [(s.key, s.working_day, s.due) for s in plan.plan(aware_on=EASTER_WEDNESDAY) if not s.national]
    assert local == [("rapid_review_consultation", 2, D(2027, 3, 25)), ("rapid_review_meeting", 10, D(2027, 4, 8))]


@pytest.mark.parametrize("steps", [["no_such_rule"], ["icpc"], ["serious_incident_notification"]])
def test_a_plan_of_other_rules_is_refused(settings, steps):
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = steps
    with pytest.raises(ImproperlyConfigured):
        plan.step_keys()


def test_the_command_prints_one_line_per_step_for_checking_against_a_calendar(db):
    out, err = StringIO(), StringIO()
    call_command("rapid_review_plan", "2027-03-24", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines == [f"{k} {v.isoformat()}" for k, v in DAY_BY_DAY.items()] + [
        "serious_incident_notification 2027-04-02"]
    assert "rapid_review" in err.getvalue()
    out = StringIO()
    call_command("rapid_review_plan", "2027-03-24", "--notified", "2027-04-01", stdout=out)
    assert out.getvalue().splitlines()[-1] == "rapid_review 2027-04-22"
