"""The review's content and decisions (issue 10, section 2): the record written live (sections with revisions),
decisions with their owner and due date tracked to done, circulated within ``lac_review_decisions``, the
record signed within ``lac_review_record`` with its PDFs, and the manager's ratification within
``lac_review_ratification``.

Counted by hand: Jade becomes looked after on Monday 2 March 2026 and her first review is held on Friday 27
March. The decisions are due 5 working days later: Monday 30 and Tuesday 31 March, Wednesday 1 and Thursday
2 April, then (Good Friday 3 April and Easter Monday 6 April are bank holidays) Tuesday 7 April. The record
is due 20 working days after the review, Tuesday 28 April. Signed on Monday 20 April, the manager's
ratification is due 5 working days later, Monday 27 April.

The tests of a class share one world (``JadesReview``: built once for the class, rolled back after its last
test; each test runs in a savepoint of it, so what a test writes is its own): Jade's first review taken to the
class's ``state`` (booked, held, its decisions circulated, its record signed) through the services, with the
people of tests/conftest.py by the same names and fixture names, each read afresh from the database for each
test; the clock stands where the world left it. Other people (``chair``, ``colleague``...) are made for the test
that asks for them, as anywhere else.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from reviews import selectors, services
from reviews.models import Review, ReviewDecision, ReviewDocument, ReviewRecord
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, PoliceFactory, make_user, people
from tests.factories.reviews import RECORD_TEXT, AllocatedEpisodeFactory, iro_manager_of, write_record
from tests.factories.worlds import afresh, built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_services_record")]

MON_2_MAR, FRI_27_MAR = date(2026, 3, 2), date(2026, 3, 27)
DECISIONS_DUE, RECORD_DUE = date(2026, 4, 7), date(2026, 4, 28)
STATES = ("booked", "held", "circulated", "signed")


@pytest.fixture
def clock():
    with freeze_time("2026-03-03 09:00") as frozen:
        yield frozen


def deadline(subject, rule_key) -> Deadline:
    return Deadline.objects.get(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
                                rule_key=rule_key)


def decide(review, iro, social_worker, la):
    first = services.review_decision_add(actor=iro, review=review, description="Update the care plan",
                                         owner=social_worker, due_date=date(2026, 4, 10),
                                         child_words="Your social worker will write your plan down.")
    second = services.review_decision_add(actor=iro, review=review, description="Arrange a dental check",
                                          owner_agency=la, due_date=date(2026, 4, 24))
    return first, second


def build(state: str) -> SimpleNamespace:
    """The people, Jade, and her first review: booked on Tuesday 3 March; held on Friday 27 March (15:00); its
    record written and two decisions circulated on Monday 30 March (10:00); its record signed on Monday 20 April
    (11:00): as far as ``state``."""
    now = "2026-03-03 09:00"
    with freeze_time(now) as clock:
        la = people.la()
        team = people.team(la)
        w = SimpleNamespace(
            state=state, la=la, team=team,
            social_worker=people.social_worker(la, team),
            team_manager=people.team_manager(la, team),
            iro=people.iro(la),
        )
        child = ChildFactory(local_authority=la, allocated_social_worker=w.social_worker, allocated_team=team,
                             legal_first_names="Jade", legal_surname="Holloway", date_of_birth=date(2016, 2, 1),
                             local_child_id="LC-JADE")
        episode = AllocatedEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=iro_manager_of(la),
                                          iro=w.iro, allocated_on=MON_2_MAR)
        review = services.review_schedule(actor=w.iro, episode=episode, planned_for=FRI_27_MAR)
        if state in ("held", "circulated", "signed"):
            now = "2026-03-27 15:00"
            clock.move_to(now)
            review = services.review_hold(actor=w.iro, review=review, participation="PN1", held_on=FRI_27_MAR)
        if state in ("circulated", "signed"):
            write_record(review, w.iro)
            decide(review, w.iro, w.social_worker, la)
            now = "2026-03-30 10:00"
            clock.move_to(now)
            services.review_decisions_circulate(actor=w.iro, review=review, circulated_on=date(2026, 3, 30))
        if state == "signed":
            now = "2026-04-20 11:00"
            clock.move_to(now)
            services.review_record_sign(actor=w.iro, review=Review.objects.get(pk=review.pk),
                                        contact_for_child="Phone 01632 960 123")
        w.review, w.now = review, now
    return w


class JadesReview:
    """The base of the test classes below: the class's world (its ``state``), and the fixtures that read it."""

    state: str

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        assert cls.state in STATES
        yield from built(lambda: build(cls.state), django_db_blocker)

    @pytest.fixture
    def clock(self, world):
        with freeze_time(world.now) as frozen:
            yield frozen

    @pytest.fixture
    def la(self, world):
        return afresh(world.la)

    @pytest.fixture
    def team(self, world):
        return afresh(world.team)

    @pytest.fixture
    def social_worker(self, world):
        return afresh(world.social_worker)

    @pytest.fixture
    def team_manager(self, world):
        return afresh(world.team_manager)

    @pytest.fixture
    def iro(self, world):
        return afresh(world.iro)

    def _review(self, world, state):
        assert world.state == state, f"a test of a class whose world is {state}"
        return afresh(world.review)

    @pytest.fixture
    def booked(self, clock, world):
        return self._review(world, "booked")

    @pytest.fixture
    def held(self, clock, world):
        return self._review(world, "held")

    @pytest.fixture
    def circulated(self, clock, world):
        return self._review(world, "circulated")

    @pytest.fixture
    def signed(self, clock, world):
        return self._review(world, "signed")


class TestBooked(JadesReview):
    """Jade's review booked: the record written live; no decisions circulated before it is held."""

    state = "booked"


    # --- the record, written live ------------------------------------------------------------------------------

    def test_the_iro_writes_the_record_a_section_at_a_time_during_the_sessions(self, booked, iro):
        record, revision = services.review_record_save_section(actor=iro, review=booked, section="child_wishes",
                                                               text="To stay with her carers", base_revision=0)
        assert (record.child_wishes, revision, record.revisions) == ("To stay with her carers", 1, {"child_wishes": 1})
        # the same text again changes nothing
        assert services.review_record_save_section(actor=iro, review=booked, section="child_wishes",
                                                   text="To stay with her carers", base_revision=0)[1] == 1
        # another page saved since: refused with their text, nothing overwritten
        with pytest.raises(services.StaleSection) as stale:
            services.review_record_save_section(actor=iro, review=booked, section="child_wishes", text="Mine",
                                                base_revision=0)
        assert (stale.value.text, stale.value.revision) == ("To stay with her carers", 1)
        assert services.review_record_save_section(actor=iro, review=booked, section="child_wishes", text="Mine",
                                                   base_revision=1)[1] == 2
        assert ReviewRecord.objects.get(review=booked).child_wishes == "Mine"
        with pytest.raises(ValidationError) as e:
            services.review_record_save_section(actor=iro, review=booked, section="revisions", text="x",
                                                base_revision=0)
        assert e.value.message_dict == {"section": ["No such section"]}

    @pytest.mark.parametrize("who", ["social_worker", "team_manager"])
    def test_only_the_review_s_iro_writes_the_record(self, request, booked, who):
        with pytest.raises(ValidationError, match="You cannot write this review's record"):
            services.review_record_save_section(actor=request.getfixturevalue(who), review=booked,
                                                section="child_wishes", text="x", base_revision=0)

    def test_a_cancelled_review_has_no_record_to_write(self, booked, iro):
        services.review_cancel(actor=iro, review=booked, reason="Moved to a new placement")
        with pytest.raises(ValidationError, match="booked or held"):
            services.review_record_save_section(actor=iro, review=booked, section="child_wishes", text="x",
                                                base_revision=0)


    # --- circulating the decisions -----------------------------------------------------------------------------

    def test_decisions_are_circulated_once_the_review_is_held(self, booked, iro, social_worker):
        services.review_decision_add(actor=iro, review=booked, description="x", owner=social_worker,
                                     due_date=date(2026, 4, 1))
        with pytest.raises(ValidationError, match="once the review has been held"):
            services.review_decisions_circulate(actor=iro, review=booked, circulated_on=date(2026, 3, 3))


class TestHeld(JadesReview):
    """Jade's review held: decisions, circulating them, what signing needs, no ratification yet."""

    state = "held"


    # --- decisions ---------------------------------------------------------------------------------------------

    def test_decisions_are_numbered_with_their_owner_and_due_date(self, held, iro, social_worker, la):
        first, second = decide(held, iro, social_worker, la)
        third = services.review_decision_add(actor=iro, review=held, description="Find Jade an independent visitor",
                                             owner_name="Independent visitor service", due_date=date(2026, 5, 1))
        assert [(d.number, d.owner_name, d.owner, d.owner_agency) for d in selectors.decisions_of(held)] == [
            (1, social_worker.full_name, social_worker, None), (2, la.name, None, la),
            (3, "Independent visitor service", None, None)]
        assert (first.due_date, first.status, first.child_words) == (
            date(2026, 4, 10), ReviewDecision.Status.OPEN, "Your social worker will write your plan down.")
        assert CaseEvent.objects.filter(code="lac.decision_added").count() == 3
        assert second.review == third.review == held

    def test_a_decision_needs_what_who_and_a_due_date_not_before_the_review(self, held, iro, la):
        with pytest.raises(ValidationError) as e:
            services.review_decision_add(actor=iro, review=held, description=" ", due_date=date(2026, 3, 26))
        assert e.value.message_dict == {
            "description": ["Enter what is to be done"], "owner_name": ["Enter who will do it"],
            "due_date": ["The date it is due by cannot be before the review (27 March 2026)"]}
        stranger = make_user(la, Role.SOCIAL_WORKER, full_name="Not On The Case")
        with pytest.raises(ValidationError) as e:
            services.review_decision_add(actor=iro, review=held, description="x", owner=stranger,
                                         due_date=date(2026, 4, 1))
        assert e.value.message_dict == {"owner": ["Choose someone from the list, or name them in words"]}
        with pytest.raises(ValidationError) as e:
            services.review_decision_add(actor=iro, review=held, description="x", owner_agency=PoliceFactory(),
                                         due_date=date(2026, 4, 1))
        assert e.value.message_dict == {"owner": ["Choose an agency from the list, or name it in words"]}

    def test_the_owners_offered_are_the_case_s_people_and_the_involved_agencies(self, held, iro, social_worker,
                                                                              team_manager, la, colleague):
        assert selectors.decision_owner_people(held) == sorted([iro, social_worker, team_manager],
                                                               key=lambda u: (u.full_name, u.pk))
        assert list(selectors.decision_owner_agencies(held)) == [la]

    @pytest.mark.parametrize("who", ["social_worker", "team_manager"])
    def test_only_the_iro_records_decisions(self, request, held, who):
        with pytest.raises(ValidationError, match="You cannot record this review's decisions"):
            services.review_decision_add(actor=request.getfixturevalue(who), review=held, description="x",
                                         owner_name="Someone", due_date=date(2026, 4, 1))

    def test_a_decision_is_followed_to_done(self, clock, held, iro, social_worker, la):
        first, second = decide(held, iro, social_worker, la)
        clock.move_to("2026-04-06 09:00")
        # the social worker notes progress, then records it done
        noted = services.review_decision_update(actor=social_worker, decision=first, status="open",
                                                note="Draft with the team manager")
        assert (noted.status, noted.progress_note, noted.done_on) == ("open", "Draft with the team manager", None)
        with pytest.raises(ValidationError) as e:
            services.review_decision_update(actor=social_worker, decision=first, status="done",
                                            done_on=date(2026, 4, 7))
        assert e.value.message_dict == {"done_on": ["The date it was done must be today or in the past"]}
        done = services.review_decision_update(actor=social_worker, decision=first, status="done",
                                               done_on=date(2026, 4, 6))
        assert (done.status, done.done_on) == ("done", date(2026, 4, 6))
        # nothing changes the second time; a done decision stays done
        assert services.review_decision_update(actor=social_worker, decision=first, status="done",
                                               done_on=date(2026, 4, 6), note="Draft with the team manager") == done
        with pytest.raises(ValidationError, match="done already"):
            services.review_decision_update(actor=iro, decision=first, status="open", note="Reopen")
        # no longer needed: the IRO decides, with why
        with pytest.raises(ValidationError, match="You cannot decide that this decision is no longer needed"):
            services.review_decision_update(actor=social_worker, decision=second, status="dropped", note="Seen already")
        with pytest.raises(ValidationError) as e:
            services.review_decision_update(actor=iro, decision=second, status="dropped")
        assert e.value.message_dict == {"note": ["Say why it is no longer needed"]}
        dropped = services.review_decision_update(actor=iro, decision=second, status="dropped",
                                                  note="The carers took her to the dentist already")
        assert (dropped.status, dropped.done_on) == ("dropped", date(2026, 4, 6))
        assert CaseEvent.objects.filter(code="lac.decision_updated").count() == 3

    @pytest.mark.parametrize("who", ["chair", "police_officer", "other_social_worker"])
    def test_nobody_else_updates_a_decision(self, request, held, iro, social_worker, la, who):
        first, _ = decide(held, iro, social_worker, la)
        with pytest.raises(ValidationError, match="You cannot update this review's decisions"):
            services.review_decision_update(actor=request.getfixturevalue(who), decision=first, status="open",
                                            note="x")


    # --- circulating the decisions -----------------------------------------------------------------------------

    def test_circulating_the_decisions_meets_lac_review_decisions_and_tells_the_people_on_the_case(self,
            clock, held, iro, social_worker, team_manager, la):
        opened = deadline(held, "lac_review_decisions")
        assert (opened.due_date, opened.responsible_person) == (DECISIONS_DUE, iro)
        with pytest.raises(ValidationError, match="Record the review's decisions first"):
            services.review_decisions_circulate(actor=iro, review=held, circulated_on=FRI_27_MAR)
        decide(held, iro, social_worker, la)
        with pytest.raises(ValidationError) as e:
            services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 3, 26))
        assert e.value.message_dict == {"circulated_on": ["The review was held on 27 March 2026"]}
        clock.move_to("2026-03-30 10:00")
        record = services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 3, 30))
        assert (record.decisions_circulated_on, record.decisions_circulated_by) == (date(2026, 3, 30), iro)
        met = deadline(held, "lac_review_decisions")
        assert (met.status, met.met_on) == (Deadline.Status.MET_ON_TIME, date(2026, 3, 30))
        told = Notification.objects.filter(subject="Decisions from a looked-after review")
        assert {n.recipient for n in told} == {social_worker, team_manager}
        for n in told:
            assert n.body == "Reference LC-JADE: 2 decisions, the first due by 10 April 2026."
            assert "Jade" not in n.subject + n.body and n.url == f"/reviews/r/{held.public_id}/"
        # again: nothing changes, nobody is told twice; no new decision once circulated
        assert services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 3, 30)) == record
        assert told.count() == 2
        with pytest.raises(ValidationError, match="circulated on 30 March 2026"):
            services.review_decision_add(actor=iro, review=held, description="x", owner_name="y",
                                         due_date=date(2026, 4, 30))

    def test_circulated_decisions_are_chased_to_their_dates_until_done_or_no_longer_needed(self,
            clock, held, iro, social_worker, team, la):
        first, second = decide(held, iro, social_worker, la)
        assert not Deadline.objects.filter(rule_key="lac_review_decision").exists()  # not before they go out
        clock.move_to("2026-03-30 10:00")
        services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 3, 30))

        chased = deadline(first, "lac_review_decision")
        assert (chased.due_date, chased.responsible_person, chased.responsible_team) == (
            date(2026, 4, 10), social_worker, team)
        agency_owned = deadline(second, "lac_review_decision")  # the authority owns it: the social worker chases it
        assert (agency_owned.due_date, agency_owned.responsible_person) == (date(2026, 4, 24), social_worker)

        # done after its date: met late, the progress note saying why
        clock.move_to("2026-04-14 10:00")
        services.review_decision_update(actor=social_worker, decision=first, status="open",
                                        note="Waiting for the placement plan meeting")
        services.review_decision_update(actor=social_worker, decision=first, status="done", done_on=date(2026, 4, 13))
        met = deadline(first, "lac_review_decision")
        assert (met.status, met.met_on, met.late_reason) == (
            Deadline.Status.MET_LATE, date(2026, 4, 13), "Waiting for the placement plan meeting")
        # no longer needed: cancelled
        services.review_decision_update(actor=iro, decision=second, status="dropped",
                                        note="Seen by the dentist at school")
        assert deadline(second, "lac_review_decision").status == Deadline.Status.CANCELLED

    def test_decisions_circulated_late_need_a_reason(self, clock, held, iro, social_worker, la):
        decide(held, iro, social_worker, la)
        clock.move_to("2026-04-09 10:00")
        with pytest.raises(ValidationError) as e:
            services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 4, 9))
        assert e.value.message_dict == {"late_reason": ["This was due on 7 April 2026: say why it was late"]}
        services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 4, 9),
                                            late_reason="IRO off sick")
        assert deadline(held, "lac_review_decisions").status == Deadline.Status.MET_LATE


    # --- signing the record --------------------------------------------------------------------------------------

    def test_signing_needs_the_decisions_circulated_and_the_record_written(self, clock, held, iro, social_worker, la):
        with pytest.raises(ValidationError, match="Circulate the decisions first"):
            services.review_record_sign(actor=iro, review=held)
        decide(held, iro, social_worker, la)
        services.review_decisions_circulate(actor=iro, review=held, circulated_on=date(2026, 3, 27))
        write_record(held, iro, {"child_wishes": "To stay", "placement": "Settled"})
        with pytest.raises(ValidationError) as e:
            services.review_record_sign(actor=iro, review=held)
        # aged 10: leaving care is not asked for yet
        assert e.value.messages == ["Write these parts of the record before signing it: Permanence, Health, Education, "
                                    "Contact with family and friends, Identity"]


    # --- the manager's ratification ------------------------------------------------------------------------------

    def test_an_unsigned_record_is_not_ratified(self, held, team_manager):
        with pytest.raises(ValidationError, match="not been signed yet"):
            services.review_record_ratify(actor=team_manager, review=held, ratification="ratified")


class TestCirculated(JadesReview):
    """Jade's review held, its record written and its decisions circulated: signing."""

    state = "circulated"


    # --- signing the record --------------------------------------------------------------------------------------

    def test_signing_meets_lac_review_record_publishes_the_pdfs_and_sends_it_to_the_manager(self,
            clock, circulated, iro, team_manager):
        record_deadline = deadline(circulated, "lac_review_record")
        assert (record_deadline.due_date, record_deadline.responsible_person) == (RECORD_DUE, iro)
        clock.move_to("2026-04-20 11:00")
        record = services.review_record_sign(actor=iro, review=circulated, contact_for_child="  Phone 01632\n960 123 ")
        assert (record.signed_by, record.contact_for_child) == (iro, "Phone 01632 960 123")
        met = deadline(circulated, "lac_review_record")
        assert (met.status, met.met_on) == (Deadline.Status.MET_ON_TIME, date(2026, 4, 20))
        ratification = deadline(circulated, "lac_review_ratification")
        assert (ratification.due_date, ratification.responsible_person, ratification.responsible_team) == (
            date(2026, 4, 27), team_manager, circulated.episode.child.allocated_team)
        assert ratification.label == "Review record signed off by the manager"
        docs = selectors.latest_documents(circulated)
        assert sorted(docs) == ["child_letter", "record"]
        assert docs["record"].filename == "LC-JADE-record-v1.pdf" and docs["record"].size > 0
        note = Notification.objects.get(recipient=team_manager, subject="A looked-after review record to ratify")
        assert (note.body, note.url) == ("Reference LC-JADE.", f"/reviews/r/{circulated.public_id}/ratify/")
        # signing again changes nothing; a signed record is not written any more
        assert services.review_record_sign(actor=iro, review=circulated) == record
        assert ReviewDocument.objects.filter(review=circulated).count() == 2
        with pytest.raises(ValidationError, match="signed"):
            services.review_record_save_section(actor=iro, review=circulated, section="health", text="x",
                                                base_revision=1)

    def test_the_contact_for_the_child_is_the_iro_s_email_when_none_is_given(self, clock, circulated, iro):
        assert services.review_record_sign(actor=iro, review=circulated).contact_for_child == iro.email

    def test_a_record_signed_late_needs_a_reason(self, clock, circulated, iro):
        clock.move_to("2026-04-30 11:00")
        with pytest.raises(ValidationError) as e:
            services.review_record_sign(actor=iro, review=circulated)
        assert e.value.message_dict == {"late_reason": ["This was due on 28 April 2026: say why it was late"]}
        assert not ReviewDocument.objects.exists()
        services.review_record_sign(actor=iro, review=circulated, late_reason="Waiting for the health plan")
        assert deadline(circulated, "lac_review_record").status == Deadline.Status.MET_LATE

    def test_the_record_text_is_what_the_factories_write(self, circulated):
        record = selectors.record_of(circulated)
        assert {name: getattr(record, name) for name in RECORD_TEXT} == RECORD_TEXT


class TestSigned(JadesReview):
    """Jade's review record signed: the manager's ratification."""

    state = "signed"


    # --- the manager's ratification ------------------------------------------------------------------------------

    def test_the_team_manager_ratifies_and_the_iro_is_told(self, clock, signed, iro, social_worker, team_manager):
        with pytest.raises(ValidationError, match="You cannot ratify this review's record"):
            services.review_record_ratify(actor=social_worker, review=signed, ratification="ratified")
        with pytest.raises(ValidationError, match="You cannot ratify this review's record"):
            services.review_record_ratify(actor=iro, review=signed, ratification="ratified")
        clock.move_to("2026-04-22 09:00")
        record = services.review_record_ratify(actor=team_manager, review=signed, ratification="ratified")
        assert (record.ratification, record.ratified_by) == ("ratified", team_manager)
        assert deadline(signed, "lac_review_ratification").status == Deadline.Status.MET_ON_TIME
        assert Notification.objects.filter(recipient=iro, subject="Your review record was ratified").count() == 1
        assert services.review_record_ratify(actor=team_manager, review=signed, ratification="ratified") == record
        with pytest.raises(ValidationError, match="ratified already"):
            services.review_record_ratify(actor=team_manager, review=signed, ratification="responded", response="No")

    def test_a_manager_who_does_not_agree_answers_with_why(self, clock, signed, iro, service_manager):
        with pytest.raises(ValidationError) as e:
            services.review_record_ratify(actor=service_manager, review=signed, ratification="responded")
        assert e.value.message_dict == {"response": ["Say what you do not agree with, and why"]}
        clock.move_to("2026-04-29 09:00")
        with pytest.raises(ValidationError, match="This was due on 27 April 2026"):
            services.review_record_ratify(actor=service_manager, review=signed, ratification="responded",
                                          response="Contact with her mother should be weekly")
        record = services.review_record_ratify(actor=service_manager, review=signed, ratification="responded",
                                               response="Contact with her mother should be weekly",
                                               late_reason="On leave")
        assert (record.ratification, record.manager_response) == (
            "responded", "Contact with her mother should be weekly")
        assert Notification.objects.filter(recipient=iro, subject="The manager answered your review record").exists()


def test_a_child_of_16_s_record_needs_leaving_care(clock, la, team, social_worker, iro):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         date_of_birth=date(2010, 1, 5))
    episode = AllocatedEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=iro_manager_of(la), iro=iro,
                                      allocated_on=MON_2_MAR)
    review = services.review_schedule(actor=iro, episode=episode, planned_for=FRI_27_MAR)
    assert "leaving_care" in services.required_sections(review)


def test_the_state_factories_reach_their_states(team_manager):
    from tests.factories.reviews import CirculatedReviewFactory, DecidedReviewFactory, SignedReviewFactory

    decided = DecidedReviewFactory()
    assert [d.number for d in selectors.decisions_of(decided)] == [1, 2]
    assert selectors.record_of(decided).decisions_circulated_on is None
    assert selectors.record_of(CirculatedReviewFactory()).decisions_circulated_on is not None
    signed = SignedReviewFactory()
    assert selectors.record_of(signed).is_signed and sorted(selectors.latest_documents(signed)) == [
        "child_letter", "record"]
    assert deadline(signed, "lac_review_ratification").is_open
