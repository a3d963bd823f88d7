"""Conferences appear in the calendar feed of their chair and of invitees with accounts, without names."""

from datetime import date

from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar

from conferences import services
from conferences.invitations import conference_uid
from safeguarding.clock import ics
from tests.conferences import story


def _feed(user) -> Calendar:
    token = ics.calendar_feed_issue(user=user)
    response = Client().get(reverse("clock:calendar_feed", args=[token]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _meetings(cal):
    return [e for e in cal.walk("VEVENT") if str(e["uid"]).endswith("@conferences.safeguarding-hub")]


@freeze_time("2026-03-02 09:00")
def test_chair_and_invited_practitioner_see_the_meeting_others_do_not(la, team, social_worker, chair, police, health,
                                                                      school, police_officer):
    child, mother, people = story.child_with_family(la=la, social_worker=social_worker, team=team, police=police,
                                                    health=health, school=school)
    conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    conf = story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 20))
    story.invite_everyone(conference=conf, actor=chair)

    for person in (chair, people[police.pk]):
        events = _meetings(_feed(person))
        assert [str(e["uid"]) for e in events] == [conference_uid(conf)]
        text = events[0].to_ical().decode()
        assert child.legal_surname not in text and mother.first_names not in text
        assert child.local_child_id in str(events[0]["summary"])
    # a police officer of the same force who was not invited sees no meeting
    assert _meetings(_feed(police_officer)) == []

    # rescheduled: the same event, a higher sequence; cancelled: gone from the feed
    services.conference_reschedule(actor=chair, conference=conf, starts_at=story.at(date(2026, 3, 19)),
                                   ends_at=story.at(date(2026, 3, 19), 12), venue="Town Hall", reason="Room clash")
    (event,) = _meetings(_feed(chair))
    assert int(event["sequence"]) == 1
    services.conference_cancel(actor=chair, conference=conf, reason="Section 47 concluded: no conference needed")
    assert _meetings(_feed(chair)) == []
