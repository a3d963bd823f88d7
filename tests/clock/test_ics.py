"""The personal calendar feed: a secret, revocable URL (the token shown once, stored only hashed) that
serves the person's open deadlines as all-day events with stable UIDs and no names in them. Read back
with icalendar. The feed's URL name (clock:calendar_feed) is public: its token authenticates it."""

import datetime
import hashlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from icalendar import Calendar

from safeguarding.accounts.middleware import PUBLIC_URL_NAMES
from safeguarding.clock import ics, services
from safeguarding.clock.models import CalendarFeed, Deadline
from safeguarding.clock.views import CALENDAR_TOKEN_SESSION_KEY
from tests.factories import ChildFactory, RestrictedChildFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

S = Deadline.Status
FEED_URL = re.compile(r'value="(http://testserver/calendar/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def frozen():
    with freeze_time("2026-11-25 10:00:00"):
        yield


@pytest.fixture
def child(social_worker, team):
    return ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", local_child_id="NB0012345",
                        allocated_social_worker=social_worker, allocated_team=team)


@pytest.fixture
def deadlines(child, social_worker, colleague, team):
    def open_(rule_key, anchor, person=social_worker, label=None):
        return services.deadline_open(subject=child, rule_key=rule_key, anchor_date=anchor,
                                      label=label or f"{rule_key} for Amelia Hartley", responsible_person=person,
                                      responsible_team=team)

    out = {
        "icpc": open_("icpc", datetime.date(2026, 11, 16)),
        "core_group": open_("core_group_first", datetime.date(2026, 11, 2)),  # due 16 Nov: overdue
        "colleague": open_("assessment", datetime.date(2026, 11, 16), person=colleague),
        "met": open_("outline_plan", datetime.date(2026, 11, 20)),
        "cancelled": open_("conference_minutes", datetime.date(2026, 11, 20)),
    }
    services.deadline_meet(deadline=out["met"], met_on=datetime.date(2026, 11, 23), actor=social_worker)
    services.deadline_cancel(deadline=out["cancelled"], reason="Conference did not go ahead", actor=social_worker)
    return out


def create_link(user) -> tuple[Client, str, str]:
    """Through the Calendar feed page: returns the signed-in client, the feed URL and the token."""
    c = Client()
    c.force_login(user)
    assert c.post("/deadlines/calendar/", {"action": "create"}).status_code == 302
    html = c.get("/deadlines/calendar/").content.decode()
    url, token = FEED_URL.search(html).groups()
    return c, url, token


def fetch(url) -> Calendar:
    resp = Client().get(url)  # a calendar app: no session, no cookies
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"] == "text/calendar; charset=utf-8"
    assert resp["Cache-Control"] == "private, no-store"
    return Calendar.from_ical(resp.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def uid(deadline) -> str:
    return f"deadline-{deadline.public_id}@{ics.UID_DOMAIN}"


def test_the_feed_url_name_is_public():
    assert "clock:calendar_feed" in PUBLIC_URL_NAMES


def test_the_feed_lists_my_open_deadlines_as_all_day_events(social_worker, deadlines):
    _, url, _ = create_link(social_worker)
    cal = fetch(url)
    assert str(cal["VERSION"]) == "2.0" and str(cal["X-WR-CALNAME"]) == "Safeguarding Hub deadlines"
    evs = events(cal)
    assert set(evs) == {uid(deadlines["icpc"]), uid(deadlines["core_group"])}  # not met, cancelled or others'
    icpc = evs[uid(deadlines["icpc"])]
    assert icpc.decoded("DTSTART") == datetime.date(2026, 12, 7)  # 15 working days after 16 November
    assert icpc.decoded("DTEND") == datetime.date(2026, 12, 8)  # all day: a date, ending the next day
    assert str(icpc["SUMMARY"]) == "Due: Initial child protection conference held (NB0012345)"
    assert str(evs[uid(deadlines["core_group"])]["SUMMARY"]) == "Overdue: First core group meeting (NB0012345)"
    assert str(icpc["URL"]) == f"http://testserver/deadlines/{deadlines['icpc'].public_id}/"
    assert str(icpc["CLASS"]) == "PRIVATE"


def test_no_names_in_the_calendar(social_worker, deadlines, child):
    _, url, _ = create_link(social_worker)
    raw = Client().get(url).content.decode()
    for name in ("Amelia", "Hartley", social_worker.full_name, "for Amelia"):
        assert name not in raw


def test_uids_are_stable_and_a_recomputed_deadline_moves(social_worker, team_manager, deadlines):
    _, url, _ = create_link(social_worker)
    before = events(fetch(url))
    services.deadline_recompute(deadline=deadlines["icpc"], reason="Anchor corrected",
                                anchor_date=datetime.date(2026, 11, 17), actor=team_manager)
    after = events(fetch(url))
    assert set(before) == set(after)
    assert after[uid(deadlines["icpc"])].decoded("DTSTART") == datetime.date(2026, 12, 8)


def test_a_record_without_a_local_id_gets_the_deadlines_short_reference(social_worker, team):
    other = ContentType.objects.get_for_model(CalendarFeed)  # any record that is not a child
    dl = Deadline.objects.create(rule_key="lcspr", subject_type=other, subject_id=999999, label="Review of the Smiths",
                                 anchor_date=datetime.date(2026, 11, 2), due_date=datetime.date(2027, 5, 4),
                                 responsible_person=social_worker, responsible_team=team)
    _, url, _ = create_link(social_worker)
    summary = str(events(fetch(url))[uid(dl)]["SUMMARY"])
    assert summary == f"Due: Local child safeguarding practice review completed (ref {str(dl.public_id)[:8].upper()})"


def test_restricted_children_appear_only_by_reference(social_worker, team):
    child = RestrictedChildFactory(legal_surname="Secret", local_child_id="NB0099999", named=[social_worker])
    services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 16),
                           label="ICPC for Secret", responsible_person=social_worker, responsible_team=team)
    _, url, _ = create_link(social_worker)
    raw = Client().get(url).content.decode()
    assert "NB0099999" in raw and "Secret" not in raw


def test_the_token_is_shown_once_and_stored_only_as_a_hash(social_worker):
    c, url, token = create_link(social_worker)
    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=social_worker)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    again = c.get("/deadlines/calendar/").content.decode()
    assert token not in again and "it was shown only once" in again
    assert CALENDAR_TOKEN_SESSION_KEY not in c.session
    assert token not in str(list(feed.history.values()))


def test_replacing_the_link_stops_the_old_one(social_worker, deadlines):
    c, old_url, _ = create_link(social_worker)
    assert c.post("/deadlines/calendar/", {"action": "replace"}).status_code == 302
    page = c.get("/deadlines/calendar/").content.decode()
    new_url = FEED_URL.search(page).group(1)
    assert "Your calendar link has been replaced" in page
    assert new_url != old_url
    assert Client().get(old_url).status_code == 404
    assert len(events(fetch(new_url))) == 2
    assert CalendarFeed.objects.filter(user=social_worker).count() == 1


def test_revoking_the_link(social_worker, deadlines):
    c, url, _ = create_link(social_worker)
    assert c.post("/deadlines/calendar/", {"action": "revoke"}).status_code == 302
    page = c.get("/deadlines/calendar/").content.decode()
    assert "Your calendar link was turned off on 25 November 2026" in page
    assert "Create a calendar link" in page
    assert Client().get(url).status_code == 404
    assert CalendarFeed.objects.get(user=social_worker).revoked_at is not None
    assert c.post("/deadlines/calendar/", {"action": "revoke"}).status_code == 302  # again: nothing to do
    history = CalendarFeed.objects.get(user=social_worker).history.order_by("history_date", "history_id")
    assert [h.history_user for h in history] == [social_worker, social_worker]


@pytest.mark.parametrize("token", ["nope", "A" * 43, "x" * 300])
def test_an_unknown_token_is_404(db, token):
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_person_s_feed_is_404(social_worker, deadlines):
    _, url, _ = create_link(social_worker)
    social_worker.is_active = False
    social_worker.save()
    assert Client().get(url).status_code == 404


def test_deadlines_the_person_can_no_longer_see_leave_the_feed(social_worker, police, deadlines):
    from safeguarding.accounts.models import Membership

    _, url, _ = create_link(social_worker)
    Membership.objects.filter(user=social_worker).update(agency=police, team=None)
    assert events(fetch(url)) == {}


def test_only_get_and_head(social_worker):
    _, url, _ = create_link(social_worker)
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code in (403, 405)  # CSRF or method: never a change


def test_the_calendar_page(social_worker):
    c = Client()
    c.force_login(social_worker)
    html = c.get("/deadlines/calendar/").content.decode()
    assert "You do not have a calendar link yet." in html and "Create a calendar link" in html
    c.post("/deadlines/calendar/", {"action": "create"})
    html = c.get("/deadlines/calendar/").content.decode()
    for words in ("Copy it now: it will not be shown again", "Subscribe from web", "From URL",
                  "Add Subscribed Calendar", "Replace the link", "Turn off the link"):
        assert words in html
    assert Client().get("/deadlines/calendar/").status_code == 302  # the page itself needs a login


def test_the_feed_query_count_does_not_grow_with_deadlines(social_worker, team, deadlines):
    _, url, _ = create_link(social_worker)
    anon = Client()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(25):
        services.deadline_open(subject=ChildFactory(), rule_key="assessment", label=f"Assessment {i}",
                               anchor_date=datetime.date(2026, 11, i + 1), responsible_person=social_worker,
                               responsible_team=team)
    assert count() == few
    assert len(events(fetch(url))) == 27
    print(f"Calendar feed: {few} queries")
