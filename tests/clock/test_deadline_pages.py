"""Deadline pages: My deadlines and Team deadlines (filters, counts, queries that do not grow with the
number of deadlines), a deadline's page with its history, and the forms that record it met, accept a
late reason and cancel it (GOV.UK errors; a late date needs a reason; forbidden is 404)."""

import datetime
import html as html_lib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from freezegun import freeze_time

from safeguarding.clock import services
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory, TeamFactory, make_user
from tests.pages.conftest import check_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = datetime.date(2026, 11, 25)  # a Wednesday; "due soon" runs to Wednesday 2 December
S = Deadline.Status


@pytest.fixture
def frozen(settings):
    settings.REMINDER_DAYS_BEFORE = [5, 1]
    with freeze_time("2026-11-25 10:00:00"):
        yield


@pytest.fixture
def web(client_for):
    """web(user) -> a signed-in client whose pages are checked for inline script."""

    class Checked:
        def __init__(self, user):
            self.c = client_for(user)

        def get(self, *a, **kw):
            resp = self.c.get(*a, **kw)
            check_html(resp)
            return resp

        def post(self, *a, **kw):
            resp = self.c.post(*a, **kw)
            check_html(resp)
            return resp

    return Checked


def make(*, due, person=None, team=None, rule_key="icpc", status=S.OPEN, met_on=None, label=None, child=None):
    child = child or ChildFactory()
    return Deadline.objects.create(
        rule_key=rule_key, subject_type=ContentType.objects.get_for_model(child), subject_id=child.pk,
        label=label or f"{rule_key} for {child.local_child_id}", anchor_date=due - datetime.timedelta(days=21),
        due_date=due, status=status, met_on=met_on, responsible_person=person, responsible_team=team,
    )


def day(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def mine(social_worker, team):
    return {
        "soon": make(due=day(1), person=social_worker, team=team, label="ICPC for Amelia Hartley"),
        "overdue": make(due=day(-3), person=social_worker, team=team, status=S.OVERDUE, rule_key="conference_minutes",
                        label="Minutes for Amelia Hartley"),
        "lado": make(due=day(14), person=social_worker, team=team, rule_key="lado_referral", label="LADO referral"),
        "met_late": make(due=day(-30), person=social_worker, team=team, status=S.MET_LATE, met_on=day(-28),
                         label="Core group met late"),
        "met": make(due=day(-30), person=social_worker, team=team, status=S.MET_ON_TIME, met_on=day(-31),
                    label="Met on time"),
    }


@pytest.fixture
def theirs(colleague, other_social_worker, team, other_team):
    return {
        "colleague": make(due=day(2), person=colleague, team=team, label="Colleague's ICPC"),
        "unassigned": make(due=day(-1), team=team, label="Nobody's review", rule_key="lac_review_first"),
        "other_team": make(due=day(2), person=other_social_worker, team=other_team, label="Other team's ICPC"),
    }


def text(resp) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", resp.content.decode())))


def counts_table(resp) -> dict[str, int]:
    html = resp.content.decode()
    table = html[html.index("govuk-table__caption--m"):]
    table = table[: table.index("</table>")]
    row = r'<th scope="row"[^>]*>.*?>([^<>]+?)</(?:a|strong)>.*?numeric">(?:<strong[^>]*>)?(\d+)'
    rows = re.findall(row, table, re.S)
    return {label.strip(): int(n) for label, n in rows}


def date_parts(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


# --- My deadlines ------------------------------------------------------------------------------------


def test_my_deadlines_shows_my_open_deadlines_with_counts(web, social_worker, mine, theirs):
    resp = web(social_worker).get("/deadlines/")
    assert resp.status_code == 200
    body = text(resp)
    assert "<title>My deadlines – Safeguarding Hub</title>" in resp.content.decode()
    assert counts_table(resp) == {"Due soon": 1, "Overdue": 1, "Met late": 1, "All open": 3}
    for key in ("soon", "overdue", "lado"):
        assert mine[key].label in body
    for gone in ("Core group met late", "Met on time", "Colleague's ICPC", "Nobody's review", "Other team's ICPC"):
        assert gone not in body
    assert "All open: 3 deadlines" in body
    assert 'href="/deadlines/team/"' in resp.content.decode()  # a team member sees the team page link
    assert "up to Wednesday 2 December 2026" in body


def test_my_deadlines_nav_item_for_every_person(web, social_worker, police_officer):
    for user in (social_worker, police_officer):
        html = web(user).get("/deadlines/").content.decode()
        nav = html[html.index('aria-label="Menu"'):html.index("</nav>", html.index('aria-label="Menu"'))]
        assert re.search(r'href="/deadlines/"\s+aria-current="page"', nav), nav
        assert "My deadlines" in nav


@pytest.mark.parametrize("query, shown, hidden", [
    ("status=due_soon", {"ICPC for Amelia Hartley"}, {"Minutes for Amelia Hartley", "LADO referral"}),
    ("status=overdue", {"Minutes for Amelia Hartley"}, {"ICPC for Amelia Hartley", "LADO referral"}),
    ("status=met_late", {"Core group met late"}, {"ICPC for Amelia Hartley"}),
    ("service=lado", {"LADO referral"}, {"ICPC for Amelia Hartley", "Minutes for Amelia Hartley"}),
    ("rule=conference_minutes", {"Minutes for Amelia Hartley"}, {"ICPC for Amelia Hartley", "LADO referral"}),
    ("service=child_protection&status=overdue", {"Minutes for Amelia Hartley"}, {"LADO referral"}),
])
def test_my_deadlines_filters(web, social_worker, mine, query, shown, hidden):
    resp = web(social_worker).get(f"/deadlines/?{query}")
    body = text(resp)
    assert all(s in body for s in shown), body
    assert not any(h in body for h in hidden)


def test_counts_follow_the_service_and_rule_filters_and_link_to_each_bucket(web, social_worker, mine):
    resp = web(social_worker).get("/deadlines/?service=child_protection&status=due_soon")
    assert counts_table(resp) == {"Due soon": 1, "Overdue": 1, "Met late": 1, "All open": 2}
    html = resp.content.decode()
    assert 'href="?service=child_protection&amp;status=overdue"' in html
    assert re.search(r'href="\?service=child_protection&amp;status=due_soon" aria-current="true"', html)
    assert "Showing only: Child protection" in text(resp)


def test_a_hand_edited_filter_is_reported_and_ignored(web, social_worker, mine):
    resp = web(social_worker).get("/deadlines/?rule=no_such_rule&status=due_soon")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_rule"' in html
    assert html.count("<title>Error: My deadlines") == 1
    assert "ICPC for Amelia Hartley" in text(resp)  # the valid part (due soon) still applies
    assert "LADO referral" not in text(resp)


def test_my_deadlines_pages_through_long_lists(web, social_worker, team):
    for i in range(55):
        make(due=day(10 + i), person=social_worker, team=team, label=f"Deadline number {i:02d}")
    first = web(social_worker).get("/deadlines/?status=open")
    assert "Deadline number 49" in text(first) and "Deadline number 50" not in text(first)
    assert 'href="?status=open&amp;page=2" rel="next"' in first.content.decode()
    second = web(social_worker).get("/deadlines/?status=open&page=2")
    assert "Deadline number 50" in text(second) and "Page 1 of 2" in text(second)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_deadlines_query_count_does_not_grow_with_deadlines(client_for, social_worker, team, mine):
    c = client_for(social_worker)
    url = "/deadlines/?status=open"
    c.get(url)  # warm the session and content types
    few = _queries(c, url)
    for i in range(30):
        make(due=day(i), person=social_worker, team=team, rule_key=("icpc", "lado_referral", "rcpc_first")[i % 3])
    assert _queries(c, url) == few
    print(f"My deadlines: {few} queries")


# --- Team deadlines ------------------------------------------------------------------------------


def test_team_deadlines_for_a_team_manager_by_person_and_rule(web, team_manager, social_worker, colleague, mine,
                                                              theirs):
    resp = web(team_manager).get("/deadlines/team/")
    assert resp.status_code == 200
    body = text(resp)
    assert counts_table(resp) == {"Due soon": 2, "Overdue": 2, "Met late": 1, "All open": 5}
    html = resp.content.decode()
    by_person = html[html.index(">By person<"):]
    by_person = by_person[: by_person.index("</table>")]
    assert re.search(rf"{social_worker.full_name}.*?numeric\">1<.*?<strong[^>]*>1</strong>.*?numeric\">1<.*?"
                     r"numeric\">3<", by_person, re.S)
    assert "Not assigned to anyone" in by_person
    by_rule = html[html.index(">By rule<"):]
    assert "Local child safeguarding practice review" not in by_rule  # rules without deadlines are left out
    assert "Conference record (minutes) sent" in by_rule
    for label in ("ICPC for Amelia Hartley", "Colleague's ICPC", "Nobody's review"):
        assert label in body
    assert "Other team's ICPC" not in body


def test_team_deadlines_filter_by_person(web, team_manager, colleague, mine, theirs):
    resp = web(team_manager).get(f"/deadlines/team/?person={colleague.public_id}")
    body = text(resp)
    assert "Colleague's ICPC" in body and "ICPC for Amelia Hartley" not in body
    assert f"Showing only: {colleague.full_name}" in body
    assert counts_table(resp)["All open"] == 1
    unassigned = text(web(team_manager).get("/deadlines/team/?person=none"))
    assert "Nobody's review" in unassigned and "Colleague's ICPC" not in unassigned
    bad = web(team_manager).get("/deadlines/team/?person=someone")
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()


def test_a_service_manager_sees_every_team_of_the_agency_and_chooses_one(web, service_manager, team, other_team,
                                                                          mine, theirs):
    resp = web(service_manager).get("/deadlines/team/")
    assert counts_table(resp)["All open"] == 6
    assert "Other team's ICPC" in text(resp)
    one = web(service_manager).get(f"/deadlines/team/?team={other_team.public_id}")
    assert "Other team's ICPC" in text(one) and "Colleague's ICPC" not in text(one)
    assert counts_table(one)["All open"] == 1


def test_a_social_worker_sees_only_their_own_team(web, colleague, mine, theirs):
    resp = web(colleague).get("/deadlines/team/")
    assert resp.status_code == 200
    body = text(resp)
    assert "ICPC for Amelia Hartley" in body and "Other team's ICPC" not in body
    assert "The deadlines of your team" in body
    assert 'name="team"' not in resp.content.decode()  # one team: nothing to choose


@pytest.mark.parametrize("who", ["police_officer", "chair", "other_la_service_manager"])
def test_people_without_a_team_get_an_explanation_not_a_403(request, web, who, mine, theirs):
    resp = web(request.getfixturevalue(who)).get("/deadlines/team/")
    if who == "other_la_service_manager":  # a service manager of an authority with no teams yet
        assert resp.status_code == 200
    assert resp.status_code == 200
    body = text(resp)
    assert "You are not a member of a team" in body
    assert "ICPC" not in body


def test_another_authoritys_service_manager_sees_only_their_teams(web, other_la, other_la_service_manager, mine):
    far_team = TeamFactory(agency=other_la, name="Southvale Team")
    make(due=day(1), team=far_team, label="Southvale deadline")
    body = text(web(other_la_service_manager).get("/deadlines/team/"))
    assert "Southvale deadline" in body and "ICPC for Amelia Hartley" not in body


def test_team_deadlines_query_count_does_not_grow_with_deadlines(client_for, service_manager, la, team, other_team,
                                                                 mine, theirs):
    c = client_for(service_manager)
    url = "/deadlines/team/?status=open"
    c.get(url)
    few = _queries(c, url)
    for i in range(30):
        person = make_user(la, "social_worker", team=(team, other_team)[i % 2]) if i % 5 == 0 else None
        make(due=day(i - 10), person=person, team=(team, other_team)[i % 2],
             rule_key=("icpc", "lado_referral", "rcpc_first", "lac_review_first")[i % 4])
    assert _queries(c, url) == few
    print(f"Team deadlines: {few} queries")


# --- one deadline --------------------------------------------------------------------------------


@pytest.fixture
def icpc(social_worker, team):
    child = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", allocated_social_worker=social_worker,
                         allocated_team=team)
    return services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 2),
                                  label="Initial conference for Amelia Hartley", actor=social_worker,
                                  responsible_person=social_worker, responsible_team=team)


def url(d, suffix=""):
    return f"/deadlines/{d.public_id}/{suffix}"


def test_reminder_links_resolve_to_the_deadline_page(icpc):
    assert reverse("clock:deadline_detail", args=[icpc.public_id]) == f"/deadlines/{icpc.public_id}/"
    assert resolve(f"/deadlines/{icpc.public_id}/").view_name == "clock:deadline_detail"


def test_the_deadline_page(web, social_worker, icpc):
    resp = web(social_worker).get(url(icpc))
    assert resp.status_code == 200
    body = text(resp)
    for expected in ("Initial conference for Amelia Hartley", "Initial child protection conference held",
                     "15 working days after the strategy discussion that started the s47 enquiry",
                     "Monday 2 November 2026", "Monday 23 November 2026", "Overdue", social_worker.full_name,
                     "Assessment Team A (Northmoor Borough Council)", "History",
                     "Deadline opened: Initial child protection conference",
                     "Working Together to Safeguard Children 2023"):
        assert expected in body, expected
    html = resp.content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "icpc" not in history and "Opened under" not in history  # in words, never the rule's key
    assert f'href="{url(icpc, "met/")}"' in html
    assert "accept-late" not in html and "cancel/" not in html  # not a manager


def test_history_written_before_it_was_in_words_reads_in_words(web, social_worker, icpc):
    """Rows stamped "Opened under <rule key>" before ADR 26 read as the rows written since; a rule no longer in
    the rules reads "Deadline opened", never its key."""
    icpc.history.update(history_change_reason="Opened under icpc")
    html = web(social_worker).get(url(icpc)).content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "Deadline opened: Initial child protection conference" in history and "icpc" not in history
    icpc.history.update(history_change_reason="Opened under a_rule_since_removed")
    html = web(social_worker).get(url(icpc)).content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "Deadline opened" in history and "a_rule_since_removed" not in history and "Opened under" not in history
    Deadline.objects.filter(pk=icpc.pk).update(rule_key="a_rule_since_removed")
    for page in (url(icpc), reverse("clock:my_deadlines")):
        html = web(social_worker).get(page).content.decode()
        assert "A rule no longer in this area's rules" in html and "a_rule_since_removed" not in html, page


def test_a_manager_sees_the_manager_actions(web, team_manager, icpc):
    Deadline.objects.filter(pk=icpc.pk).update(status=S.OVERDUE)
    html = web(team_manager).get(url(icpc)).content.decode()
    for suffix in ("met/", "accept-late/", "cancel/"):
        assert f'href="{url(icpc, suffix)}"' in html


@pytest.mark.parametrize("who", ["other_social_worker", "police_officer", "other_la_service_manager", "chair"])
def test_people_without_a_reason_get_404_on_every_deadline_page(request, web, icpc, who):
    c = web(request.getfixturevalue(who))
    for suffix in ("", "met/", "accept-late/", "cancel/"):
        assert c.get(url(icpc, suffix)).status_code == 404
    assert c.post(url(icpc, "met/"), {**date_parts("met_on", TODAY), "late_reason": "x"}).status_code == 404
    assert Deadline.objects.get(pk=icpc.pk).status == S.OPEN


def test_the_responsible_person_cannot_accept_or_cancel(web, social_worker, icpc):
    c = web(social_worker)
    assert c.get(url(icpc, "accept-late/")).status_code == 404
    assert c.post(url(icpc, "cancel/"), {"reason": "Not needed"}).status_code == 404
    assert Deadline.objects.get(pk=icpc.pk).status == S.OPEN


def test_a_missing_deadline_is_404(web, social_worker):
    assert web(social_worker).get("/deadlines/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert web(social_worker).get("/deadlines/not-a-uuid/").status_code == 404


def test_the_deadline_page_query_count_does_not_grow_with_its_history(client_for, social_worker, team_manager, icpc):
    c = client_for(team_manager)
    c.get(url(icpc))
    few = _queries(c, url(icpc))
    for i in range(10):
        services.deadline_recompute(deadline=icpc, reason=f"Correction {i}", actor=team_manager,
                                    anchor_date=datetime.date(2026, 11, 3) + datetime.timedelta(days=i % 2))
    assert _queries(c, url(icpc)) == few


# --- record it met -----------------------------------------------------------------------------------


def test_record_met_on_time(web, social_worker, icpc):
    c = web(social_worker)
    form = c.get(url(icpc, "met/"))
    assert "Record that this deadline was met" in text(form)
    assert "Needed if it was met after the due date, 23 November 2026" in text(form)
    resp = c.post(url(icpc, "met/"), date_parts("met_on", datetime.date(2026, 11, 23)))
    assert resp.status_code == 302 and resp["Location"] == url(icpc)
    d = Deadline.objects.get(pk=icpc.pk)
    assert (d.status, d.met_on) == (S.MET_ON_TIME, datetime.date(2026, 11, 23))
    page = text(c.get(url(icpc)))
    assert "The deadline has been recorded as met." in page and "Met on time" in page


def test_met_late_without_a_reason_shows_gov_uk_errors(web, social_worker, icpc):
    resp = web(social_worker).post(url(icpc, "met/"), date_parts("met_on", datetime.date(2026, 11, 24)))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<title>Error: Record that this deadline was met – Safeguarding Hub</title>" in html
    assert "There is a problem" in html
    assert '<a href="#id_late_reason">This was due on 23 November 2026: say why it was late</a>' in html
    assert 'id="id_late_reason-error"' in html and "govuk-textarea--error" in html
    assert Deadline.objects.get(pk=icpc.pk).status == S.OPEN


@pytest.mark.parametrize("data, link, message", [
    ({}, "#id_met_on_day", "Enter the date it was met"),
    ({"met_on_day": "31", "met_on_month": "2", "met_on_year": "2026"}, "#id_met_on_day",
     "The date it was met must be a real date"),
    (date_parts("met_on", TODAY + datetime.timedelta(days=1)), "#id_met_on_day",
     "The date it was met must be today or in the past"),
])
def test_the_met_date_errors(web, social_worker, icpc, data, link, message):
    html = web(social_worker).post(url(icpc, "met/"), data).content.decode()
    assert f'<a href="{link}">{message}</a>' in html


def test_met_late_with_a_reason_and_the_history_says_who_and_why(web, social_worker, icpc):
    c = web(social_worker)
    resp = c.post(url(icpc, "met/"), {**date_parts("met_on", datetime.date(2026, 11, 24)),
                                      "late_reason": "The chair was ill; held the next working day"})
    assert resp.status_code == 302
    d = Deadline.objects.get(pk=icpc.pk)
    assert (d.status, d.late_reason) == (S.MET_LATE, "The chair was ill; held the next working day")
    html = c.get(url(icpc)).content.decode()
    history = text_of_history(html)
    assert re.search(rf"{social_worker.full_name} Met late Met: 24 November 2026 Reason it was late: The chair was "
                     r"ill; held the next working day Met late", history), history
    # a second submit (double click, back button) changes nothing and says so
    again = c.post(url(icpc, "met/"), {**date_parts("met_on", TODAY), "late_reason": "other"})
    assert again.status_code == 302
    assert Deadline.objects.get(pk=icpc.pk).met_on == datetime.date(2026, 11, 24)
    assert "This deadline was recorded as met late on 24 November 2026." in text(c.get(url(icpc)))


def text_of_history(html: str) -> str:
    part = html[html.index('id="history-heading"'):]
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", part[: part.index("</table>")])))


# --- accept a late reason, cancel -----------------------------------------------------------------


def test_a_manager_accepts_a_late_reason(web, social_worker, team_manager, icpc):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 24), actor=social_worker,
                           late_reason="Parents asked for a later date")
    c = web(team_manager)
    form = c.get(url(icpc, "accept-late/"))
    assert "Parents asked for a later date" in text(form)
    assert c.post(url(icpc, "accept-late/"), {"note": "Agreed: parents' request"}).status_code == 302
    page = text(c.get(url(icpc)))
    assert f"Reason accepted by {team_manager.full_name}, 25 November 2026" in page
    assert f"{team_manager.full_name} Reason for delay accepted" in page
    assert "Accept the reason for the delay" not in page  # nothing left to accept
    done = text(c.get(url(icpc, "accept-late/")))
    assert f"{team_manager.full_name} accepted the reason for the delay on 25 November 2026." in done


def test_an_overdue_deadline_needs_a_note_before_it_is_accepted(web, service_manager, icpc):
    Deadline.objects.filter(pk=icpc.pk).update(status=S.OVERDUE)
    c = web(service_manager)
    html = c.post(url(icpc, "accept-late/"), {"note": ""}).content.decode()
    assert '<a href="#id_note">Record the reason for the delay</a>' in html
    assert c.post(url(icpc, "accept-late/"), {"note": "Staff sickness"}).status_code == 302
    assert Deadline.objects.get(pk=icpc.pk).late_accepted_by == service_manager


def test_accept_late_on_a_deadline_that_is_not_late_says_so(web, team_manager, icpc):
    Deadline.objects.filter(pk=icpc.pk).update(due_date=TODAY + datetime.timedelta(days=5))
    body = text(web(team_manager).get(url(icpc, "accept-late/")))
    assert "This deadline is not late, so there is no reason for a delay to accept." in body
    assert "<form" not in body


def test_a_manager_cancels_with_a_reason_after_a_warning(web, team_manager, icpc):
    c = web(team_manager)
    form = c.get(url(icpc, "cancel/"))
    html = form.content.decode()
    assert "govuk-warning-text" in html and "govuk-button--warning" in html
    missing = c.post(url(icpc, "cancel/"), {"reason": "  "}).content.decode()
    assert '<a href="#id_reason">Say why the deadline no longer applies</a>' in missing
    assert c.post(url(icpc, "cancel/"), {"reason": "The family moved to Southvale"}).status_code == 302
    d = Deadline.objects.get(pk=icpc.pk)
    assert (d.status, d.cancelled_reason) == (S.CANCELLED, "The family moved to Southvale")
    page = c.get(url(icpc)).content.decode()
    assert f"{team_manager.full_name} The family moved to Southvale Cancelled" in text_of_history(page)
    assert "Record it as met" not in page and "Cancel this deadline" not in page
    assert "This deadline has already been cancelled" in text(c.get(url(icpc, "cancel/")))
    assert "This deadline was cancelled: The family moved to Southvale" in text(c.get(url(icpc, "met/")))
