"""A pre-birth conference for Baby Cole, due on 3 July 2026, through the real services and the clock.

A pre-birth conference has the same status as an initial conference and runs to the same rule (`icpc`:
15 working days from the strategy discussion that started the section 47 enquiry). It is for an unborn
child only: the child's record has an expected date of birth and no date of birth. The PDFs name the
child as unborn, with the expected date, on every page (checked with real renderings in the second test,
marked ``pdf``; the story itself publishes stand-in PDFs, as the suite does outside tests marked ``pdf``).

    March 2026                April 2026                May 2026                  July 2026
    Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su
                       1             1  2  3  4  5                   1  2  3             1  2  3  4  5
     2  3  4  5  6  7  8       6  7  8  9 10 11 12       4  5  6  7  8  9 10       6  7  8  9 10 11 12
     9 10 11 12 13 14 15      13 14 15 16 17 18 19      11 12 13 14 15 16 17      13 14 15 16 17 18 19
    16 17 18 19 20 21 22      20 21 22 23 24 25 26      18 19 20 21 22 23 24      20 21 22 23 24 25 26
    23 24 25 26 27 28 29      27 28 29 30               25 26 27 28 29 30 31      27 28 29 30 31
    30 31

England and Wales bank holidays in play: Good Friday 3 April and Easter Monday 6 April 2026, early May
bank holiday Monday 4 May 2026 (GOV.UK; also in tests/clock/test_workdays.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conferences import services
from conferences.models import Conference, Invitation, Kind
from tests.conferences import story
from tests.factories import ChildFactory, UnbornChildFactory
from tests.factories.states import DecidedConferenceFactory
from tests.scenarios import deadline_of, facts, on, pdf_pages

pytestmark = pytest.mark.django_db

D = date
OPEN, MET = "open", "met_on_time"
EXPECTED = D(2026, 7, 3)
SUBJECT = "Baby Cole (unborn), expected 3 July 2026"


def test_a_pre_birth_conference_makes_a_plan_for_an_unborn_baby(la, team, social_worker, chair, police, health,
                                                                 school):
    """The strategy discussion on Wednesday 25 March 2026 starts a section 47 enquiry about Mary's unborn
    baby. 15 working days from Wed 25 Mar (day 0): Thu 26 = 1, Fri 27 = 2, Mon 30 = 3, Tue 31 = 4,
    Wed 1 Apr = 5, Thu 2 = 6, Fri 3 Good Friday and Mon 6 Easter Monday not counted, Tue 7 = 7, Wed 8 = 8,
    Thu 9 = 9, Fri 10 = 10, Mon 13 = 11, Tue 14 = 12, Wed 15 = 13, Thu 16 = 14, Fri 17 Apr 2026 = 15."""
    with on(D(2026, 3, 25), 9):
        baby, mother, _people = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names="Baby", legal_surname="Cole", date_of_birth=None, expected_date_of_birth=EXPECTED,
            nhs_number="", upn="")
        sibling = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                               legal_first_names="Jack", legal_surname="Cole", date_of_birth=D(2021, 6, 1))
    assert baby.is_unborn and not sibling.is_unborn

    with on(D(2026, 3, 26), 10):
        # An initial conference is refused for the unborn child, and a pre-birth one for a born child.
        with pytest.raises(ValidationError) as refused:
            story.request_icpc(child=baby, social_worker=social_worker, strategy_discussion_date=D(2026, 3, 25))
        assert refused.value.message_dict == {"kind": ["For an unborn child, request a pre-birth conference"]}
        with pytest.raises(ValidationError) as refused:
            story.request_icpc(child=sibling, social_worker=social_worker, strategy_discussion_date=D(2026, 3, 25),
                               kind="pre_birth")
        assert refused.value.message_dict == {
            "kind": ["A pre-birth conference is for an unborn child; this child's date of birth is recorded"]}
        assert not Conference.objects.exists()

        conference = story.request_icpc(child=baby, social_worker=social_worker,
                                        strategy_discussion_date=D(2026, 3, 25), kind="pre_birth")
    assert conference.kind == "pre_birth" and conference.status == Conference.Status.REQUESTED
    # The same rule as an initial conference: working day 15 is Fri 17 Apr 2026.
    d = deadline_of(conference, "icpc")
    assert facts(d) == ("icpc", D(2026, 3, 25), D(2026, 4, 17), OPEN, None)
    assert "Cole" not in d.label

    # Monday 30 March: booked for Thursday 16 April at 10:00 (working day 14). The unborn baby is not an
    # invitee (no age); Mary, Sam and the practitioners are.
    with on(D(2026, 3, 30), 11):
        conference = story.book(conference=conference, chair=chair, actor=chair, day=D(2026, 4, 16))
        invitations = story.invite_everyone(conference=conference, actor=chair)
    assert len(invitations) == 5
    assert not conference.invitations.filter(kind=Invitation.InviteeKind.CHILD).exists()
    assert [i.name for i in invitations if i.kind == Invitation.InviteeKind.PARENT] == [mother.full_name]

    with on(D(2026, 4, 16), 13):
        conference = story.hold(conference=conference, chair=chair, held_on=D(2026, 4, 16))
        decision = story.decide_plan(conference=conference, chair=chair, lead_social_worker=social_worker,
                                     due=D(2026, 5, 29))
    assert (decision.outcome, decision.category) == ("plan", "NEG")
    assert facts(deadline_of(conference, "icpc")) == ("icpc", D(2026, 3, 25), D(2026, 4, 17), MET, D(2026, 4, 16))

    plan = Conference.objects.get(pk=conference.pk).plan
    assert (plan.child, plan.started_on, plan.initial_category, plan.previous_plans) == (baby, D(2026, 4, 16), "NEG",
                                                                                          0)
    # From Thu 16 Apr 2026 (day 0):
    # - first core group, 10 working days: Fri 17 = 1, Mon 20 - Fri 24 = 2-6, Mon 27 = 7, Tue 28 = 8,
    #   Wed 29 = 9, Thu 30 Apr = 10;
    # - first review, 3 calendar months: Thu 16 Jul 2026, a working day (after the expected birth);
    # - decision letter, 1 working day: Fri 17 Apr;
    # - minutes, 15 working days: Thu 30 Apr = 10, Fri 1 May = 11, Mon 4 May bank holiday not counted,
    #   Tue 5 = 12, Wed 6 = 13, Thu 7 = 14, Fri 8 May 2026 = 15.
    assert facts(deadline_of(plan, "core_group_first")) == ("core_group_first", D(2026, 4, 16), D(2026, 4, 30), OPEN,
                                                            None)
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", D(2026, 4, 16), D(2026, 7, 16), OPEN, None)
    assert facts(deadline_of(conference, "outline_plan")) == ("outline_plan", D(2026, 4, 16), D(2026, 4, 17), OPEN,
                                                              None)
    assert facts(deadline_of(conference, "conference_minutes")) == (
        "conference_minutes", D(2026, 4, 16), D(2026, 5, 8), OPEN, None)

    # Friday 17 April: the decision letter is published and sent (on its due date). Then the minutes are
    # signed and sent on Thursday 7 May. (That every page of every one of these PDFs names the baby as
    # unborn is checked with real renderings in the test below: the suite renders a stand-in PDF here.)
    with on(D(2026, 4, 17), 11):
        letters = services.decision_letter_publish(actor=chair, conference=conference)
        services.documents_distribute(actor=chair, conference=conference, kind="decision_letter",
                                      invitations=conference.invitations.all(), method="secure_email")
    with on(D(2026, 5, 7), 11):
        services.minutes_sign(actor=chair, minutes=conference.minutes.get())
        services.documents_distribute(actor=chair, conference=conference, kind="minutes",
                                      invitations=conference.invitations.all(), method="secure_email")
    assert facts(deadline_of(conference, "outline_plan"))[3:] == (MET, D(2026, 4, 17))
    assert facts(deadline_of(conference, "conference_minutes"))[3:] == (MET, D(2026, 5, 7))

    minutes = list(conference.documents.filter(kind="minutes"))
    assert len(letters) == 2 and len(minutes) == 2


@pytest.mark.pdf
def test_every_page_of_every_pdf_of_a_pre_birth_conference_names_the_baby_as_unborn(la, team, social_worker,
                                                                                     chair):
    """The decision letter and the signed minutes of a pre-birth conference, each in its professional and
    family copy, rendered by WeasyPrint: every page names the baby as unborn, with the date expected, and
    never as born. The conference is built decided (tests/factories/states.py), held on Wednesday
    15 April 2026; the documents are published as in the story above."""
    with on(D(2026, 4, 16), 9):
        baby = UnbornChildFactory(local_authority=la, allocated_team=team, allocated_social_worker=social_worker,
                                  legal_first_names="Baby", legal_surname="Cole", expected_date_of_birth=EXPECTED)
        conference = DecidedConferenceFactory(child=baby, kind=Kind.PRE_BIRTH, chair=chair)
    assert conference.held_on == D(2026, 4, 15)
    with on(D(2026, 4, 17), 11):
        letters = services.decision_letter_publish(actor=chair, conference=conference)
    with on(D(2026, 5, 7), 11):
        services.minutes_sign(actor=chair, minutes=conference.minutes.get())
    minutes = list(conference.documents.filter(kind="minutes"))

    assert len(letters) == 2 and len(minutes) == 2
    for document in letters + minutes:
        pages = pdf_pages(document)
        assert pages, document
        for page in pages:
            assert SUBJECT in page, (document, page)
            assert "Baby Cole, born" not in page
