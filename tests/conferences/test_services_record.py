"""Who is invited, who came, what the agencies reported, and the live Signs of Safety record
(issue 4, sections 1 to 3): invitations, attendance, quorum, holding the conference, agency reports,
sharing the social work report with parents, record sections and scaling.

Dates: the conference is booked for Friday 20 March 2026; reports and the social work report's sharing
with parents are due 2 working days before, on Wednesday 18 March 2026 (counted by hand).
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases import services as cases_services
from cases.models import Involvement, Relationship, RelationshipKind
from conferences import invitations as invitation_emails
from conferences import selectors, services
from conferences.models import AgencyReport, Conference, ConferenceRecord, Invitation, ScalingScore
from conferences.selectors.invitations import ProposedInvitee
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.conferences import story
from tests.factories import (
    AdultFactory,
    AgencyFactory,
    ChildFactory,
    make_user,
    people,
)
from tests.factories.worlds import built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("conference_services_record")]

FRI_20_MAR = date(2026, 3, 20)
WED_18_MAR = date(2026, 3, 18)
P = Invitation.InviteeKind


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 09:00") as frozen:
        yield frozen


def build(state: str) -> SimpleNamespace:
    """The people of tests/conftest.py by the same names, Zebedee's family (a mother, the police, health and the
    school involved) and the initial conference requested, then (``state``) booked with nobody invited ("bare")
    or with everyone proposed invited, then booked ("booked"), on Monday 2 March 2026 at 9:00."""
    with freeze_time("2026-03-02 09:00"):
        la = people.la()
        team = people.team(la)
        w = SimpleNamespace(
            state=state, la=la, team=team,
            social_worker=people.social_worker(la, team),
            police=people.police(), health=people.health(),
            school=people.school(),
        )
        w.family = story.child_with_family(la=la, social_worker=w.social_worker, team=team, police=w.police,
                                           health=w.health, school=w.school, legal_first_names="Zebedee",
                                           legal_surname="Quennell-Marsh", date_of_birth=date(2016, 5, 1))
        w.conf = story.request_icpc(child=w.family[0], social_worker=w.social_worker,
                                    strategy_discussion_date=date(2026, 3, 2))
        if state in ("bare", "booked"):
            w.chair = people.chair(la)
        if state == "booked":
            story.invite_everyone(conference=w.conf, actor=w.chair)
        if state in ("bare", "booked"):
            setattr(w, state, story.book(conference=w.conf, chair=w.chair, actor=w.chair, day=FRI_20_MAR))
    return w


class ZebedeesConference:
    """The base of the test classes below. The class's world (its ``state``) is built once and rolled back after
    the class's last test; each test runs in a savepoint of it (what it writes is its own) and gets its own copy
    of the objects (``copy.deepcopy``, as Django's ``setUpTestData`` does), at 9:00 on Monday 2 March. Anyone
    else a test asks for (``administrator``, ``other_la``...) is made for that test, as anywhere else."""

    state: str

    @pytest.fixture(scope="class")
    @classmethod
    def kept_world(cls, django_db_setup, django_db_blocker):
        assert cls.state in ("requested", "bare", "booked")
        yield from built(lambda: build(cls.state), django_db_blocker)

    @pytest.fixture
    def world(self, kept_world):
        return deepcopy(kept_world)

    @pytest.fixture
    def la(self, world):
        return world.la

    @pytest.fixture
    def team(self, world):
        return world.team

    @pytest.fixture
    def social_worker(self, world):
        return world.social_worker

    @pytest.fixture
    def police(self, world):
        return world.police

    @pytest.fixture
    def health(self, world):
        return world.health

    @pytest.fixture
    def school(self, world):
        return world.school

    @pytest.fixture
    def family(self, clock, world):
        return world.family


class TheRequestedConference(ZebedeesConference):
    """Zebedee's conference as requested (``conf``): the chair, when a test asks for one, is made for it."""

    @pytest.fixture
    def conf(self, clock, world):
        return world.conf


class TheBookedConference(ZebedeesConference):
    """Zebedee's conference booked, chaired by the world's chair: ``bare`` (nobody invited) or ``booked``
    (everyone proposed invited first), as the class's ``state`` says."""

    @pytest.fixture
    def chair(self, world):
        return world.chair

    @pytest.fixture
    def bare(self, clock, world):
        assert world.state == "bare", "a test of a class whose conference is booked with nobody invited"
        return world.bare

    @pytest.fixture
    def booked(self, clock, world):
        assert world.state == "booked", "a test of a class whose conference is booked with everyone invited"
        return world.booked


def errors_of(exc):
    return exc.value.message_dict


def deadlines_of(subject, rule_key):
    return Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
                                   rule_key=rule_key)


def invitation(conference, **kw) -> Invitation:
    return Invitation.objects.live().get(conference=conference, **kw)



# --- who is proposed --------------------------------------------------------------------------------


def proposed(conference):
    return {(p.kind, p.name, p.role) for p in selectors.invitees_proposed(conference=conference)}


def attend(conference, *agencies, direct_contact=True, state="attended"):
    for agency in agencies:
        inv = services.invitation_add(actor=conference.chair, conference=conference, kind=P.PROFESSIONAL,
                                      name=f"From {agency.name}", agency_id=agency.pk, direct_contact=direct_contact)
        services.invitation_set_attendance(actor=conference.chair, invitation=inv, attendance=state)


class TestRequested(TheRequestedConference):
    """Who is proposed, adding and withdrawing invitations, holding and the record before booking."""

    state = "requested"


    # --- who is proposed --------------------------------------------------------------------------------

    def test_parents_people_with_parental_responsibility_the_social_worker_and_open_involvements_are_proposed(self,
            conf, family, social_worker, police, health, school, la, clock):
        child, mother, people = family
        father = AdultFactory(first_names="Frank", surname="Quennell-Marsh", email="frank@example.org")
        Relationship.objects.create(child=child, adult=father, kind=RelationshipKind.FATHER,
                                    parental_responsibility=False)
        nan = AdultFactory(first_names="Nora", surname="Marsh")
        Relationship.objects.create(child=child, adult=nan, kind=RelationshipKind.GRANDPARENT,
                                    parental_responsibility=True)
        aunt = AdultFactory(first_names="Ann", surname="Marsh")
        Relationship.objects.create(child=child, adult=aunt, kind=RelationshipKind.AUNT_UNCLE)
        stepdad = AdultFactory(first_names="Steve", surname="Gone")
        rel = Relationship.objects.create(child=child, adult=stepdad, kind=RelationshipKind.STEP_PARENT,
                                          parental_responsibility=True)
        cases_services.relationship_end(relationship=rel, actor=social_worker, end_date=date(2026, 3, 1),
                                        reason="Left the household")
        wrong = AdultFactory(first_names="Wrong", surname="Person")
        rel = Relationship.objects.create(child=child, adult=wrong, kind=RelationshipKind.MOTHER,
                                          parental_responsibility=True)
        cases_services.record_mark_entered_in_error(record=rel, actor=social_worker, reason="Wrong child")
        # a closed involvement, one entered in error, one ending today (still open), one without an account
        probation = AgencyFactory(name="Northmoor Probation")
        closed = cases_services.involvement_add(child=child, actor=social_worker, agency=probation, role="Officer",
                                                start_date=date(2025, 1, 1), professional_name="Pip Closed")
        cases_services.involvement_end(involvement=closed, actor=social_worker, end_date=date(2026, 3, 1),
                                       reason="Order ended")
        err = cases_services.involvement_add(child=child, actor=social_worker, agency=probation, role="Officer",
                                             start_date=date(2025, 1, 1), professional_name="Err Oneous")
        cases_services.record_mark_entered_in_error(record=err, actor=social_worker, reason="Not this child")
        housing = AgencyFactory(name="Northmoor Homes")
        today = cases_services.involvement_add(child=child, actor=social_worker, agency=housing, role="Housing officer",
                                               start_date=date(2025, 1, 1), professional_name="Hal Housing",
                                               professional_email="hal@homes.example.org")
        cases_services.involvement_end(involvement=today, actor=social_worker, end_date=date(2026, 3, 2),
                                       reason="Tenancy closes today")
        # an involvement naming the allocated social worker is not proposed twice
        cases_services.involvement_add(child=child, actor=social_worker, agency=la, role="Social worker",
                                       start_date=date(2025, 1, 1), professional=social_worker)

        got = selectors.invitees_proposed(conference=conf)

        assert {(p.kind, p.name, p.role) for p in got} == {
            (P.PARENT, "Mary Quennell-Marsh", "Mother (parental responsibility)"),
            (P.PARENT, "Frank Quennell-Marsh", "Father"),
            (P.PARENT, "Nora Marsh", "Grandparent (parental responsibility)"),
            (P.PROFESSIONAL, "Sam Worker", "Allocated social worker"),
            (P.PROFESSIONAL, "Public protection officer of Northmoor Police",
             "Public protection officer, Northmoor Police"),
            (P.PROFESSIONAL, "Health visitor of Northmoor NHS Trust", "Health visitor, Northmoor NHS Trust"),
            (P.PROFESSIONAL, "Designated safeguarding lead of Oakfield Primary School",
             "Designated safeguarding lead, Oakfield Primary School"),
            (P.PROFESSIONAL, "Hal Housing", "Housing officer, Northmoor Homes"),
        }
        assert len(got) == 8
        by_name = {p.name: p for p in got}
        assert (by_name["Mary Quennell-Marsh"].adult_id, by_name["Mary Quennell-Marsh"].email) == (
            mother.pk, "mary@example.org")
        assert (by_name["Sam Worker"].user_id, by_name["Sam Worker"].agency_id) == (social_worker.pk, la.pk)
        assert by_name["Hal Housing"].email == "hal@homes.example.org" and by_name["Hal Housing"].user_id is None
        assert by_name["Health visitor of Northmoor NHS Trust"].user_id == people[health.pk].pk
        # the child (aged 9) is not proposed
        assert P.CHILD not in {p.kind for p in got}

    def test_nobody_is_proposed_twice_once_invited(self, conf, chair):
        first = story.invite_everyone(conference=conf, actor=chair)
        assert len(first) == 5
        assert selectors.invitees_proposed(conference=conf) == []
        # inviting everyone again adds nobody
        assert story.invite_everyone(conference=conf, actor=chair) == []
        assert conf.invitations.count() == 5

    def test_a_withdrawn_invitee_is_proposed_again(self, conf, chair, family):
        story.invite_everyone(conference=conf, actor=chair)
        services.invitation_withdraw(actor=chair, invitation=invitation(conf, adult=family[1]), reason="Wrong address")
        assert [p.name for p in selectors.invitees_proposed(conference=conf)] == ["Mary Quennell-Marsh"]


    # --- adding and withdrawing -------------------------------------------------------------------------

    def test_invitation_add_dedupes_by_adult_involvement_and_account(self, conf, chair, family, police, health,
                                                                      social_worker):
        child, mother, people = family
        a = services.invitation_add(actor=chair, conference=conf, kind=P.PARENT, name="Mary", adult_id=mother.pk)
        assert services.invitation_add(actor=chair, conference=conf, kind=P.PARENT, name="Mum", adult_id=mother.pk) == a
        inv = Involvement.objects.get(child=child, agency=police)
        b = services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="PC", involvement_id=inv.pk,
                                    agency_id=police.pk, user_id=people[police.pk].pk)
        assert services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="PC again",
                                       involvement_id=inv.pk, agency_id=police.pk) == b
        # invited through the involvement alone, the named professional is the invitee (their account is recorded)
        hv = Involvement.objects.get(child=child, agency=health)
        h = services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="HV", involvement_id=hv.pk,
                                    agency_id=health.pk)
        assert h.user_id == people[health.pk].pk
        assert services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="HV",
                                       agency_id=health.pk, user_id=people[health.pk].pk) == h
        # the same person by their account, without the involvement
        assert services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="P", agency_id=police.pk,
                                       user_id=people[police.pk].pk) == b
        c = services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="Sam",
                                    agency_id=child.local_authority_id, user_id=social_worker.pk)
        assert services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="Sam W",
                                       agency_id=child.local_authority_id, user_id=social_worker.pk) == c
        assert conf.invitations.count() == 4
        assert CaseEvent.objects.filter(code="conference.invited", subject_id=conf.pk).count() == 4
        # people without a record to match on are added each time (the chair adds them by hand)
        services.invitation_add(actor=chair, conference=conf, kind=P.FAMILY, name="Supporter", role="Advocate")
        services.invitation_add(actor=chair, conference=conf, kind=P.FAMILY, name="Supporter", role="Advocate")
        assert conf.invitations.count() == 6

    @pytest.mark.parametrize(("kw", "expected"), [
        ({"kind": P.FAMILY, "name": "  "}, {"name": ["Enter the invitee's name"]}),
        ({"kind": P.PROFESSIONAL, "name": "Dr Who"}, {"agency": ["Choose the professional's agency"]}),
        ({"kind": P.PROFESSIONAL, "name": ""}, {"name": ["Enter the invitee's name"],
                                                "agency": ["Choose the professional's agency"]}),
    ])
    def test_invitation_add_validates(self, conf, chair, kw, expected):
        with pytest.raises(ValidationError) as exc:
            services.invitation_add(actor=chair, conference=conf, **kw)
        assert errors_of(exc) == expected
        assert not conf.invitations.exists()

    def test_an_involvement_of_another_child_is_refused(self, conf, chair, la, school, social_worker):
        other = ChildFactory(local_authority=la)
        inv = cases_services.involvement_add(child=other, actor=social_worker, agency=school, role="DSL",
                                             start_date=date(2025, 1, 1))
        with pytest.raises(ValidationError) as exc:
            services.invitation_add(actor=chair, conference=conf, kind=P.PROFESSIONAL, name="DSL",
                                    involvement_id=inv.pk, agency_id=school.pk)
        assert errors_of(exc) == {"involvement": ["That involvement is not this child's"]}

    def test_a_family_invitee_has_no_agency(self, conf, chair, police):
        inv = services.invitation_add(actor=chair, conference=conf, kind=P.FAMILY, name="Uncle Bob",
                                      agency_id=police.pk)
        assert inv.agency_id is None

    def test_withdrawing_an_invitation_never_sent_sends_no_cancellation(self, conf, chair):
        inv = services.invitation_add(actor=chair, conference=conf, kind=P.FAMILY, name="Nan", email="nan@example.org")
        services.invitation_withdraw(actor=chair, invitation=inv, reason="Not needed")
        assert not invitation_emails.emails_of().exists()


    # --- several at once (the pages' forms) --------------------------------------------------------------

    def test_invitations_add_invites_everyone_proposed_at_once_and_again_adds_nobody(self, conf, chair):
        proposals = selectors.invitees_proposed(conference=conf)
        assert len(proposals) == 5
        invited = services.invitations_add(actor=chair, conference=conf, invitees=proposals)
        assert [(i.kind, i.name) for i in invited] == [(p.kind, p.name) for p in proposals]
        assert set(conf.invitations.values_list("pk", flat=True)) == {i.pk for i in invited}
        assert CaseEvent.objects.filter(code="conference.invited", subject_id=conf.pk).count() == 5
        # the same people again: each keeps the invitation they have, nothing is written
        assert services.invitations_add(actor=chair, conference=conf, invitees=proposals) == invited
        assert services.invitations_add(actor=chair, conference=conf, invitees=[]) == []
        assert conf.invitations.count() == 5
        assert CaseEvent.objects.filter(code="conference.invited", subject_id=conf.pk).count() == 5


    # --- holding the conference -------------------------------------------------------------------------

    def test_the_date_held_cannot_be_in_the_future_and_only_a_booked_conference_is_held(self, conf, chair, clock):
        with pytest.raises(ValidationError) as exc:
            services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 2), quorum_override_reason="x")
        assert exc.value.messages == ["A conference that is awaiting allocation cannot be held: awaiting decision"]
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
        clock.move_to("2026-03-20 13:00")
        with pytest.raises(ValidationError) as exc:
            services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 21),
                                     quorum_override_reason="x")
        assert errors_of(exc) == {"held_on": ["The date held must be today or in the past"]}

    def test_the_date_held_cannot_be_before_the_request(self, conf, chair, clock):
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
        clock.move_to("2026-03-20 13:00")
        with pytest.raises(ValidationError) as exc:
            services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 1), quorum_override_reason="x")
        assert errors_of(exc) == {"held_on": ["The conference cannot have been held before it was requested"]}
        assert Conference.objects.get(pk=conf.pk).status == "scheduled"
        # the day it was requested is the earliest
        services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 2), quorum_override_reason="x")
        assert Conference.objects.get(pk=conf.pk).held_on == date(2026, 3, 2)

    def test_a_late_conference_is_met_late_with_the_bookings_reason(self, conf, chair, clock):
        story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 25), late_reason="Family on holiday")
        clock.move_to("2026-03-25 13:00")
        services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 3, 25), quorum_override_reason="x")
        d = deadlines_of(conf, "icpc").get()
        assert (d.status, d.met_on, d.late_reason) == ("met_late", date(2026, 3, 25), "Family on holiday")


    # --- agency reports ---------------------------------------------------------------------------------

    def test_the_local_authoritys_report_is_the_social_work_report(self, conf, social_worker, la, clock):
        # the local authority reports even before anybody is invited
        report = services.report_submit(actor=social_worker, conference=conf, agency=la, summary="Assessment summary",
                                        worries=" Bruising ", strengths="Warm grandmother", recommendation="Plan")
        report.refresh_from_db()
        assert report.is_social_work_report and report.invitation is None
        assert (report.summary, report.worries, report.author, report.via) == (
            "Assessment summary", "Bruising", social_worker, "web")

    def test_reports_status_before_booking_has_no_due_date(self, conf, chair):
        story.invite_everyone(conference=conf, actor=chair)
        assert {r.due_date for r in selectors.reports_status(conference=conf)} == {None}


    # --- the live record --------------------------------------------------------------------------------

    def test_the_record_is_written_only_while_booked_or_held(self, conf, chair, clock):
        with pytest.raises(ValidationError) as exc:
            services.record_save_section(actor=chair, conference=conf, section="harm", text="x", base_revision=0)
        assert exc.value.messages == ["The record can be written only while the conference is booked or held, "
                                      "before the decision"]
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
        clock.move_to("2026-03-20 13:00")
        held = services.conference_hold(actor=chair, conference=conf, held_on=FRI_20_MAR, quorum_override_reason="x")
        services.record_save_section(actor=chair, conference=held, section="harm", text="After", base_revision=0)
        services.conference_decide(actor=chair, conference=held, outcome="no_plan", next_step="cin_plan")
        with pytest.raises(ValidationError):
            services.record_save_section(actor=chair, conference=held, section="harm", text="Later", base_revision=1)
        assert ConferenceRecord.objects.get(conference=conf).harm == "After"

    def test_scaling_needs_a_participant_and_a_booked_or_held_conference(self, conf, chair):
        with pytest.raises(ValidationError) as exc:
            services.scaling_record(actor=chair, conference=conf, participant="Mother", score=5)
        assert exc.value.messages == ["Scaling is recorded during the conference"]
        booked = story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
        with pytest.raises(ValidationError) as exc:
            services.scaling_record(actor=chair, conference=booked, participant="  ", score=5)
        assert errors_of(exc) == {"participant": ["Enter who gave the score"]}


class TestBare(TheBookedConference):
    """Booked with nobody invited yet: invitations, quorum, holding."""

    state = "bare"


    # --- several at once (the pages' forms) --------------------------------------------------------------

    def test_invitations_add_is_all_or_nothing_on_a_bad_invitee(self, bare, chair):
        """Booked: each good invitee would get a report deadline and a calendar email; one bad one undoes them all."""
        proposals = selectors.invitees_proposed(conference=bare)
        no_agency = ProposedInvitee(kind=P.PROFESSIONAL, name="Dr Who", role="GP", email="dr.who@example.org")
        with pytest.raises(ValidationError) as exc:
            services.invitations_add(actor=chair, conference=bare, invitees=[*proposals, no_agency])
        assert errors_of(exc) == {"agency": ["Choose the professional's agency"]}
        assert not bare.invitations.exists()
        assert not CaseEvent.objects.filter(code="conference.invited").exists()
        assert not Deadline.objects.filter(rule_key="conference_reports").exists()
        assert not invitation_emails.emails_of().exists()
        # the good ones alone are invited, each with their deadline and email as one by one
        invited = services.invitations_add(actor=chair, conference=bare, invitees=proposals)
        assert len(invited) == len(proposals) == 5
        assert invitation_emails.emails_of(conference=bare, method="REQUEST", sequence=0).count() == len(
            [i for i in invited if i.email])


    # --- attendance and quorum --------------------------------------------------------------------------

    def test_quorum_is_social_care_and_two_other_agencies_with_direct_contact_in_attendance(
            self, bare, la, police, health, school):
        q = selectors.quorum(conference=bare)
        assert (q.quorate, q.social_care_present, q.other_agencies, q.needed) == (False, False, (), 2)
        assert q.explanation == ("Not quorate: children's social care is not present; 0 of the 2 other agencies with "
                                 "direct contact are present")

        attend(bare, police, health)
        q = selectors.quorum(conference=bare)
        assert (q.quorate, q.social_care_present) == (False, False)
        assert q.explanation == "Not quorate: children's social care is not present"

        attend(bare, la)
        q = selectors.quorum(conference=bare)
        assert q.quorate and q.other_agencies == ("Northmoor NHS Trust", "Northmoor Police")
        assert q.explanation == "Quorate: children's social care and Northmoor NHS Trust, Northmoor Police"

    def test_only_attendance_counts_towards_quorum(self, bare, la, police, health, school):
        attend(bare, la)
        attend(bare, police, state="apologies")
        attend(bare, health, state="report_only")
        attend(bare, school, state="accepted")
        q = selectors.quorum(conference=bare)
        assert not q.quorate and q.other_agencies == ()

    def test_agencies_without_direct_contact_and_the_same_agency_twice_do_not_make_quorum(
            self, bare, la, police, school):
        attend(bare, la)
        attend(bare, police, police)  # two officers, one agency
        attend(bare, school, direct_contact=False)
        q = selectors.quorum(conference=bare)
        assert not q.quorate and q.other_agencies == ("Northmoor Police",)
        assert q.explanation == "Not quorate: 1 of the 2 other agencies with direct contact are present"

    def test_a_withdrawn_invitation_does_not_count_towards_quorum(self, bare, la, police, health):
        attend(bare, la, police, health)
        assert selectors.quorum(conference=bare).quorate
        services.invitation_withdraw(actor=bare.chair, invitation=invitation(bare, agency=health), reason="Duplicate")
        assert not selectors.quorum(conference=bare).quorate

    def test_family_members_do_not_count_towards_quorum(self, bare, la, police):
        attend(bare, la, police)
        inv = services.invitation_add(actor=bare.chair, conference=bare, kind=P.FAMILY, name="Nan")
        services.invitation_set_attendance(actor=bare.chair, invitation=inv, attendance="attended")
        assert not selectors.quorum(conference=bare).quorate

    def test_the_quorum_size_is_a_local_setting(self, bare, la, police, settings):
        settings.CONFERENCE_QUORUM_OTHER_AGENCIES = 1
        attend(bare, la, police)
        q = selectors.quorum(conference=bare)
        assert q.quorate and q.needed == 1


    # --- holding the conference -------------------------------------------------------------------------

    def test_holding_an_inquorate_conference_needs_the_chairs_reason_and_records_it(
            self, bare, chair, la, police, clock):
        attend(bare, la, police)
        clock.move_to("2026-03-20 13:00")
        with pytest.raises(ValidationError) as exc:
            services.conference_hold(actor=chair, conference=bare, held_on=FRI_20_MAR, quorum_override_reason="  ")
        assert errors_of(exc) == {"quorum_override_reason": [
            "Not quorate: 1 of the 2 other agencies with direct contact are present. Record why the conference went "
            "ahead"]}
        assert Conference.objects.get(pk=bare.pk).status == "scheduled"

        held = services.conference_hold(actor=chair, conference=bare, held_on=FRI_20_MAR,
                                        quorum_override_reason=" Health visitor phoned in her report; risk is urgent ")
        held.refresh_from_db()
        assert (held.status, held.held_on, held.quorate) == ("held", FRI_20_MAR, False)
        assert held.quorum_override_reason == "Health visitor phoned in her report; risk is urgent"
        event = CaseEvent.objects.get(code="conference.quorum_overridden", subject_id=bare.pk)
        assert event.payload["reason"] == held.quorum_override_reason
        assert event.actor == chair
        assert deadlines_of(held, "icpc").get().status == "met_on_time"

    def test_a_quorate_conference_keeps_no_override_reason(self, bare, chair, la, police, health, clock):
        attend(bare, la, police, health)
        clock.move_to("2026-03-20 13:00")
        held = services.conference_hold(actor=chair, conference=bare, held_on=FRI_20_MAR,
                                        quorum_override_reason="Not needed")
        held.refresh_from_db()
        assert (held.quorate, held.quorum_override_reason) == (True, "")
        assert not CaseEvent.objects.filter(code="conference.quorum_overridden").exists()

    def test_holding_twice_on_the_same_day_is_harmless(self, bare, chair, clock):
        clock.move_to("2026-03-20 13:00")
        services.conference_hold(actor=chair, conference=bare, held_on=FRI_20_MAR, quorum_override_reason="x")
        services.conference_hold(actor=chair, conference=bare, held_on=FRI_20_MAR, quorum_override_reason="y")
        assert CaseEvent.objects.filter(code="conference.held").count() == 1
        assert Conference.objects.get(pk=bare.pk).quorum_override_reason == "x"


class TestBooked(TheBookedConference):
    """Booked with everyone proposed invited: invitations, attendance, holding, reports, the live record."""

    state = "booked"


    # --- adding and withdrawing -------------------------------------------------------------------------

    @pytest.mark.parametrize("email", ["a@x.org\r\nBcc: everyone@example.org", "a@x.org\nBcc: b@y.org",
                                       "not an address", "a@x.org, b@y.org", "a@x.org>\r\nSubject: hi"])
    def test_invitation_add_refuses_what_is_not_one_email_address(self, booked, chair, email):
        with pytest.raises(ValidationError) as exc:
            services.invitation_add(actor=chair, conference=booked, kind=P.FAMILY, name="Nan", email=email)
        assert errors_of(exc) == {"email": ["Enter an email address like name@example.org"]}
        assert not booked.invitations.filter(name="Nan").exists()
        # an address with spaces around it is kept without them, and emailed
        nan = services.invitation_add(actor=chair, conference=booked, kind=P.FAMILY, name="Nan",
                                      email=" nan@example.org ")
        assert nan.email == "nan@example.org"
        assert invitation_emails.emails_of(invitation=nan).get().to == "nan@example.org"

    def test_invitations_added_after_booking_open_a_report_deadline_and_queue_an_email(self, booked, chair, health):
        gp = services.invitation_add(actor=chair, conference=booked, kind=P.PROFESSIONAL, name="Dr Green", role="GP",
                                     email="dr.green@example.org", agency_id=health.pk)
        d = deadlines_of(gp, "conference_reports").get()
        assert (d.due_date, d.status) == (WED_18_MAR, "open")
        assert invitation_emails.emails_of(invitation=gp, method="REQUEST", sequence=0).filter(
            to="dr.green@example.org")
        gp.refresh_from_db()
        assert gp.sent_sequence == 0
        # a family invitee gets the email but no report deadline
        nan = services.invitation_add(actor=chair, conference=booked, kind=P.FAMILY, name="Nan",
                                      email="nan@example.org")
        assert not deadlines_of(nan, "conference_reports").exists()
        assert invitation_emails.emails_of(invitation=nan).count() == 1

    def test_withdrawing_an_invitation_keeps_it_marked_cancels_its_deadline_and_calendar_entry(
            self, booked, chair, police):
        inv = invitation(booked, agency=police)
        with pytest.raises(ValidationError) as exc:
            services.invitation_withdraw(actor=chair, invitation=inv, reason="")
        assert errors_of(exc) == {"reason": ["Say why the invitation is withdrawn"]}

        services.invitation_withdraw(actor=chair, invitation=inv, reason="Invited the wrong officer")

        inv = Invitation.objects.get(pk=inv.pk)
        assert inv.entered_in_error and inv.entered_in_error_reason == "Invited the wrong officer"
        assert inv.entered_in_error_by == chair
        assert deadlines_of(inv, "conference_reports").get().status == "cancelled"
        assert invitation_emails.emails_of(invitation=inv, method="CANCEL").count() == 1
        services.invitation_withdraw(actor=chair, invitation=inv, reason="Again")  # harmless
        assert invitation_emails.emails_of(invitation=inv, method="CANCEL").count() == 1
        assert Invitation.objects.get(pk=inv.pk).entered_in_error_reason == "Invited the wrong officer"


    # --- several at once (the pages' forms) --------------------------------------------------------------

    def test_invitations_add_needs_a_conference_not_yet_held(self, booked, chair, clock):
        clock.move_to("2026-03-20 13:00")
        held = story.hold(conference=booked, chair=chair, held_on=FRI_20_MAR)
        nan = ProposedInvitee(kind=P.FAMILY, name="Nan", role="Grandmother")
        with pytest.raises(ValidationError) as exc:
            services.invitations_add(actor=chair, conference=held, invitees=[nan])
        assert exc.value.messages == ["Invitations can be added only before the conference is held"]
        assert not held.invitations.filter(name="Nan").exists()

    def test_invitations_set_attendance_saves_every_change_at_once_and_no_change_is_no_event(
            self, booked, chair, police, health):
        pc, hv = invitation(booked, agency=police), invitation(booked, agency=health)
        saved = services.invitations_set_attendance(actor=chair, conference=booked,
                                                    changes=[(pc, "attended"), (hv, "apologies")])
        assert [(i.pk, i.attendance) for i in saved] == [(pc.pk, "attended"), (hv.pk, "apologies")]
        assert {(i.pk, i.attendance) for i in Invitation.objects.filter(pk__in=[pc.pk, hv.pk])} == {
            (pc.pk, "attended"), (hv.pk, "apologies")}
        assert CaseEvent.objects.filter(code="conference.attendance", subject_id=booked.pk).count() == 2
        services.invitations_set_attendance(actor=chair, conference=booked, changes=[(pc, "attended")])  # no change
        assert services.invitations_set_attendance(actor=chair, conference=booked, changes=[]) == []
        assert CaseEvent.objects.filter(code="conference.attendance", subject_id=booked.pk).count() == 2

    def test_invitations_set_attendance_is_all_or_nothing_on_a_bad_item(self, booked, chair, police, health):
        pc, hv = invitation(booked, agency=police), invitation(booked, agency=health)
        with pytest.raises(ValueError, match="not_a_state"):
            services.invitations_set_attendance(actor=chair, conference=booked,
                                                changes=[(pc, "attended"), (hv, "not_a_state")])
        assert set(Invitation.objects.filter(pk__in=[pc.pk, hv.pk]).values_list("attendance", flat=True)) == {"invited"}
        assert not CaseEvent.objects.filter(code="conference.attendance").exists()

    def test_invitations_set_attendance_refuses_an_invitation_of_another_conference(self, booked, chair, police):
        pc = invitation(booked, agency=police)
        services.conference_cancel(actor=chair, conference=booked, reason="Rebook")
        again = story.request_icpc(child=booked.child, social_worker=booked.requested_by,
                                   strategy_discussion_date=date(2026, 3, 2))
        nan = services.invitation_add(actor=chair, conference=again, kind=P.FAMILY, name="Nan")
        with pytest.raises(ValidationError) as exc:
            services.invitations_set_attendance(actor=chair, conference=again,
                                                changes=[(nan, "accepted"), (pc, "attended")])
        assert exc.value.messages == ["An invitation is not to this conference"]
        assert {(i.pk, i.attendance) for i in Invitation.objects.filter(pk__in=[pc.pk, nan.pk])} == {
            (pc.pk, "invited"), (nan.pk, "invited")}
        assert not CaseEvent.objects.filter(code="conference.attendance").exists()

    def test_invitations_set_attendance_ends_with_the_decision(self, booked, chair, police, clock):
        pc = invitation(booked, agency=police)
        clock.move_to("2026-03-20 13:00")
        held = story.hold(conference=booked, chair=chair, held_on=FRI_20_MAR)
        services.conference_decide(actor=chair, conference=held, outcome="no_plan", next_step="early_help")
        pc.refresh_from_db()
        assert pc.attendance == "attended"
        with pytest.raises(ValidationError) as exc:
            services.invitations_set_attendance(actor=chair, conference=held, changes=[(pc, "apologies")])
        assert exc.value.messages == ["Attendance can no longer be changed: the conference is decided"]
        assert Invitation.objects.get(pk=pc.pk).attendance == "attended"


    # --- attendance and quorum --------------------------------------------------------------------------

    def test_attendance_moves_between_any_of_its_states_until_the_decision(self, booked, chair, police, clock):
        inv = invitation(booked, agency=police)
        assert inv.attendance == "invited"
        for state in ("accepted", "apologies", "report_only", "attended", "invited", "attended"):
            inv = services.invitation_set_attendance(actor=chair, invitation=inv, attendance=state)
            assert Invitation.objects.get(pk=inv.pk).attendance == state
        events = CaseEvent.objects.filter(code="conference.attendance", subject_id=booked.pk).count()
        services.invitation_set_attendance(actor=chair, invitation=inv, attendance="attended")  # no change
        assert CaseEvent.objects.filter(code="conference.attendance", subject_id=booked.pk).count() == events == 6
        assert Invitation.objects.get(pk=inv.pk).history.first().history_change_reason == "Attendance: Attended"

        clock.move_to("2026-03-20 13:00")
        held = story.hold(conference=booked, chair=chair, held_on=FRI_20_MAR)
        services.invitation_set_attendance(actor=chair, invitation=inv, attendance="apologies")  # still allowed
        services.conference_decide(actor=chair, conference=held, outcome="no_plan", next_step="early_help")
        with pytest.raises(ValidationError) as exc:
            services.invitation_set_attendance(actor=chair, invitation=inv, attendance="attended")
        assert exc.value.messages == ["Attendance can no longer be changed: the conference is decided"]


    # --- holding the conference -------------------------------------------------------------------------

    def test_holding_cancels_the_outstanding_report_deadlines_and_meets_the_icpc(
            self, booked, chair, police, family, clock):
        clock.move_to("2026-03-17 10:00")
        services.report_submit(actor=family[2][police.pk], conference=booked, agency=police, summary="Known to us")
        clock.move_to("2026-03-20 13:00")
        story.hold(conference=booked, chair=chair, held_on=FRI_20_MAR)
        statuses = {d.subject.agency.name: d.status for d in Deadline.objects.filter(rule_key="conference_reports")}
        assert statuses == {"Northmoor Police": "met_on_time", "Northmoor NHS Trust": "cancelled",
                            "Oakfield Primary School": "cancelled", "Northmoor Borough Council": "cancelled"}
        assert deadlines_of(booked, "icpc").get().met_on == FRI_20_MAR


    # --- agency reports ---------------------------------------------------------------------------------

    def test_only_invited_agencies_report(self, booked, chair, la, other_la, family):
        probation = AgencyFactory(name="Northmoor Probation")
        officer = make_user(probation, Role.PARTNER_PRACTITIONER, full_name="Pro Bation")
        with pytest.raises(ValidationError) as exc:
            services.report_submit(actor=officer, conference=booked, agency=probation, summary="We know the father")
        assert errors_of(exc) == {"agency": ["This agency has not been invited to the conference"]}
        with pytest.raises(ValidationError):
            services.report_submit(actor=officer, conference=booked, agency=other_la, summary="Another council")
        assert not AgencyReport.objects.exists()

    def test_only_someone_who_acts_for_the_agency_reports_for_it(self, booked, chair, social_worker, la, police, school,
                                                               family):
        """The service asks report_policy.agencies_for, as the pages and the API do, so a new caller cannot
        skip it: the chair, the social worker, an officer of another invited agency and a family support
        worker of the local authority invited by her own account are all refused."""
        officer = family[2][police.pk]
        support = make_user(la, Role.SOCIAL_WORKER, full_name="Fay Support")
        services.invitation_add(actor=chair, conference=booked, kind=P.PROFESSIONAL, name="Fay Support",
                                role="Family support worker", agency_id=la.pk, user_id=support.pk)
        for actor, agency in ((chair, police), (social_worker, police), (officer, school), (chair, la), (officer, la),
                              (support, la)):
            with pytest.raises(ValidationError) as exc:
                services.report_submit(actor=actor, conference=booked, agency=agency, summary="Not theirs to write")
            assert errors_of(exc) == {"agency": ["You cannot report for that agency on this conference"]}, (
                actor, agency)
        assert not AgencyReport.objects.exists()
        # the ones who do act for them
        services.report_submit(actor=officer, conference=booked, agency=police, summary="Known to us")
        services.report_submit(actor=family[2][school.pk], conference=booked, agency=school, summary="Attends")
        services.report_submit(actor=social_worker, conference=booked, agency=la, summary="Assessment")
        assert set(AgencyReport.objects.values_list("agency__name", "author__full_name")) == {
            ("Northmoor Police", officer.full_name), ("Oakfield Primary School", family[2][school.pk].full_name),
            ("Northmoor Borough Council", social_worker.full_name)}

    def test_a_withdrawn_agency_can_no_longer_report(self, booked, chair, police, family):
        services.invitation_withdraw(actor=chair, invitation=invitation(booked, agency=police), reason="Not needed")
        with pytest.raises(ValidationError) as exc:
            services.report_submit(actor=family[2][police.pk], conference=booked, agency=police, summary="Hello")
        assert list(errors_of(exc)) == ["agency"]

    def test_an_agency_report_meets_its_invitations_deadlines_and_tells_the_chair(
            self, booked, chair, police, family, clock):
        officer = family[2][police.pk]
        clock.move_to("2026-03-16 10:00")
        report = services.report_submit(actor=officer, conference=booked, agency=police, summary="Two call-outs",
                                        via="api")
        assert not report.is_social_work_report and report.invitation == invitation(booked, agency=police)
        assert report.via == "api"
        d = deadlines_of(invitation(booked, agency=police), "conference_reports").get()
        assert (d.status, d.met_on) == ("met_on_time", date(2026, 3, 16))
        assert Deadline.objects.filter(rule_key="conference_reports", status="open").count() == 3
        n = Notification.objects.get(recipient=chair, subject="Report received from Northmoor Police")
        assert not n.email_pending
        assert CaseEvent.objects.get(code="conference.report_submitted").payload == {
            "agency": police.pk, "via": "api", "resubmitted": False}

    def test_a_late_report_needs_a_reason(self, booked, police, family, clock):
        officer = family[2][police.pk]
        clock.move_to("2026-03-19 10:00")
        with pytest.raises(ValidationError) as exc:
            services.report_submit(actor=officer, conference=booked, agency=police, summary="Two call-outs")
        assert errors_of(exc) == {"late_reason": ["This was due on 18 March 2026: say why it was late"]}
        assert not AgencyReport.objects.exists()  # nothing half-written
        services.report_submit(actor=officer, conference=booked, agency=police, summary="Two call-outs",
                               late_reason="Officer on nights")
        d = deadlines_of(invitation(booked, agency=police), "conference_reports").get()
        assert (d.status, d.late_reason, d.met_on) == ("met_late", "Officer on nights", date(2026, 3, 19))

    def test_resubmitting_replaces_the_text_and_history_keeps_the_earlier_one(self, booked, police, family, clock):
        officer = family[2][police.pk]
        colleague = make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pete Colleague")
        clock.move_to("2026-03-16 10:00")
        first = services.report_submit(actor=officer, conference=booked, agency=police, summary="First draft")
        clock.move_to("2026-03-17 10:00")
        second = services.report_submit(actor=colleague, conference=booked, agency=police, summary="Corrected",
                                        worries="Knife in the house")
        assert second.pk == first.pk and AgencyReport.objects.count() == 1
        second.refresh_from_db()
        assert (second.summary, second.worries, second.author) == ("Corrected", "Knife in the house", colleague)
        assert [h.summary for h in second.history.all()] == ["Corrected", "First draft"]
        assert [h.history_change_reason for h in second.history.all()] == ["Resubmitted", "Submitted"]
        # the deadline stays met on the first date
        assert deadlines_of(invitation(booked, agency=police), "conference_reports").get().met_on == date(2026, 3, 16)
        # the same text again is no new version
        services.report_submit(actor=colleague, conference=booked, agency=police, summary="Corrected",
                               worries="Knife in the house")
        assert second.history.count() == 2
        assert CaseEvent.objects.filter(code="conference.report_submitted").count() == 2

    def test_reports_are_refused_once_the_conference_is_held(self, booked, chair, police, family, clock):
        clock.move_to("2026-03-20 13:00")
        story.hold(conference=booked, chair=chair, held_on=FRI_20_MAR)
        with pytest.raises(ValidationError) as exc:
            services.report_submit(actor=family[2][police.pk], conference=booked, agency=police, summary="Too late")
        assert exc.value.messages == ["Reports are taken until the conference is held"]

    def test_a_report_needs_text(self, booked, police, family):
        with pytest.raises(ValidationError) as exc:
            services.report_submit(actor=family[2][police.pk], conference=booked, agency=police, summary="  ")
        assert errors_of(exc) == {"summary": ["Enter the report"]}

    def test_sharing_the_social_work_report_with_parents_meets_its_deadline(
            self, booked, social_worker, la, police, family, clock):
        clock.move_to("2026-03-16 10:00")
        sw_report = services.report_submit(actor=social_worker, conference=booked, agency=la, summary="Assessment")
        police_report = services.report_submit(actor=family[2][police.pk], conference=booked, agency=police,
                                               summary="Call-outs")
        with pytest.raises(ValidationError) as exc:
            services.report_share_with_parents(actor=social_worker, report=police_report)
        assert exc.value.messages == ["Only the social work report is shared with parents by the service"]
        with pytest.raises(ValidationError) as exc:
            services.report_share_with_parents(actor=social_worker, report=sw_report, shared_on=date(2026, 3, 17))
        assert errors_of(exc) == {"shared_on": ["The date shared must be today or in the past"]}

        clock.move_to("2026-03-17 10:00")
        shared = services.report_share_with_parents(actor=social_worker, report=sw_report, shared_on=date(2026, 3, 16))
        shared.refresh_from_db()
        assert shared.shared_with_parents_by == social_worker
        assert shared.shared_with_parents_at.date() == date(2026, 3, 16)
        d = deadlines_of(booked, "parents_report_share").get()
        assert (d.status, d.met_on) == ("met_on_time", date(2026, 3, 16))
        services.report_share_with_parents(actor=social_worker, report=sw_report)  # again: nothing changes
        assert CaseEvent.objects.filter(code="conference.report_shared").count() == 1

    def test_sharing_the_social_work_report_late_needs_a_reason(self, booked, social_worker, la, clock):
        clock.move_to("2026-03-19 10:00")
        report = services.report_submit(actor=social_worker, conference=booked, agency=la, summary="Assessment",
                                        late_reason="Assessment finished late")
        with pytest.raises(ValidationError) as exc:
            services.report_share_with_parents(actor=social_worker, report=report)
        assert list(errors_of(exc)) == ["late_reason"]
        assert AgencyReport.objects.get(pk=report.pk).shared_with_parents_at is None
        services.report_share_with_parents(actor=social_worker, report=report, late_reason="Mother unreachable")
        d = deadlines_of(booked, "parents_report_share").get()
        assert (d.status, d.late_reason) == ("met_late", "Mother unreachable")

    def test_reports_status_lists_every_invited_agency_with_its_report_and_due_date(
            self, booked, police, family, la, clock, health):
        clock.move_to("2026-03-16 10:00")
        report = services.report_submit(actor=family[2][police.pk], conference=booked, agency=police, summary="Seen")
        services.invitation_add(actor=booked.chair, conference=booked, kind=P.PROFESSIONAL, name="Dr Green",
                                agency_id=health.pk)
        rows = selectors.reports_status(conference=booked)
        assert [(r.agency.name, r.invitees, r.report, r.due_date) for r in rows] == [
            ("Northmoor Borough Council", ("Sam Worker",), None, WED_18_MAR),
            ("Northmoor NHS Trust", ("Dr Green", "Health visitor of Northmoor NHS Trust"), None, WED_18_MAR),
            ("Northmoor Police", ("Public protection officer of Northmoor Police",), report, WED_18_MAR),
            ("Oakfield Primary School", ("Designated safeguarding lead of Oakfield Primary School",), None, WED_18_MAR),
        ]


    # --- the live record --------------------------------------------------------------------------------

    def test_each_section_counts_its_own_revisions(self, booked, chair, administrator):
        record, rev = services.record_save_section(actor=chair, conference=booked, section="harm", text="Bruises",
                                                   base_revision=0)
        assert rev == 1 and record.harm == "Bruises"
        _, rev = services.record_save_section(actor=administrator, conference=booked, section="working_well",
                                              text="Nan helps", base_revision=0)
        assert rev == 1
        _, rev = services.record_save_section(actor=chair, conference=booked, section="harm", text="Bruises to the arm",
                                              base_revision=1)
        record = ConferenceRecord.objects.get(conference=booked)
        assert rev == 2 and record.revisions == {"harm": 2, "working_well": 1}
        assert (record.harm, record.working_well, record.updated_by) == ("Bruises to the arm", "Nan helps", chair)
        assert record.history.first().history_change_reason == "Saved harm"

    def test_a_stale_save_is_refused_and_carries_the_other_persons_text(self, booked, chair, administrator):
        services.record_save_section(actor=chair, conference=booked, section="child_voice", text="Chair's words",
                                     base_revision=0)
        with pytest.raises(services.StaleSection) as exc:
            services.record_save_section(actor=administrator, conference=booked, section="child_voice",
                                         text="Minute-taker's words", base_revision=0)
        assert (exc.value.section, exc.value.text, exc.value.revision) == ("child_voice", "Chair's words", 1)
        assert ConferenceRecord.objects.get(conference=booked).child_voice == "Chair's words"

    def test_saving_unchanged_text_writes_nothing(self, booked, chair):
        services.record_save_section(actor=chair, conference=booked, section="harm", text="Bruises", base_revision=0)
        record = ConferenceRecord.objects.get(conference=booked)
        versions = record.history.count()
        # even from a stale base: the same text is no conflict
        again, rev = services.record_save_section(actor=chair, conference=booked, section="harm", text="Bruises",
                                                  base_revision=0)
        assert rev == 1 and record.history.count() == versions
        assert ConferenceRecord.objects.get(conference=booked).revisions == {"harm": 1}

    def test_an_unknown_section_is_refused(self, booked, chair):
        for section in ("nope", "revisions", "updated_by", "conference"):
            with pytest.raises(ValidationError) as exc:
                services.record_save_section(actor=chair, conference=booked, section=section, text="x", base_revision=0)
            assert errors_of(exc) == {"section": ["No such section"]}

    @pytest.mark.parametrize("score", [0, 10, 5])
    def test_scaling_from_0_to_10_is_recorded(self, booked, chair, score):
        s = services.scaling_record(actor=chair, conference=booked, participant=" Mother ", score=score,
                                    reason=" Feels safer ")
        s.refresh_from_db()
        assert (s.participant, s.score, s.reason, s.created_by) == ("Mother", score, "Feels safer", chair)

    @pytest.mark.parametrize("score", [-1, 11, None])
    def test_scaling_outside_0_to_10_is_refused(self, booked, chair, score):
        with pytest.raises(ValidationError) as exc:
            services.scaling_record(actor=chair, conference=booked, participant="Mother", score=score)
        assert errors_of(exc) == {"score": ["The score must be a whole number from 0 to 10"]}
        assert not ScalingScore.objects.exists()

    @pytest.mark.parametrize("score", [7.5, "seven", "7.5", True, "", "11"])
    def test_scaling_refuses_a_score_that_is_not_a_whole_number_from_0_to_10(self, booked, chair, score):
        with pytest.raises(ValidationError) as exc:
            services.scaling_record(actor=chair, conference=booked, participant="Mother", score=score)
        assert errors_of(exc) == {"score": ["The score must be a whole number from 0 to 10"]}
        assert not ScalingScore.objects.exists()

    def test_scaling_takes_a_whole_number_typed_as_text(self, booked, chair):
        assert services.scaling_record(actor=chair, conference=booked, participant="Mother", score=" 7 ").score == 7

    def test_the_database_refuses_a_score_outside_0_to_10(self, booked, chair):
        from django.db import IntegrityError, transaction

        s = services.scaling_record(actor=chair, conference=booked, participant="Mother", score=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            ScalingScore.objects.filter(pk=s.pk).update(score=11)

    def test_a_family_invitee_scaling_links_to_the_invitation(self, booked, chair, family):
        inv = invitation(booked, adult=family[1])
        s = services.scaling_record(actor=chair, conference=booked, participant=inv.name, score=4, invitation=inv)
        assert s.invitation == inv
        assert CaseEvent.objects.get(code="conference.scaling").payload == {"score": 4}


# --- who is proposed: the tests that make their own child ---------------------------------------------


@pytest.mark.parametrize(("born", "age_setting", "expected"), [
    (date(2014, 3, 2), 12, True),  # 12 today
    (date(2014, 3, 3), 12, False),  # 12 tomorrow
    (date(2014, 3, 3), 11, True),  # the local setting
    (date(2016, 5, 1), 10, False),
])
def test_the_child_is_proposed_from_the_age_set_locally(la, team, social_worker, clock, settings, born, age_setting,
                                                       expected):
    settings.CONFERENCE_CHILD_INVITATION_AGE = age_setting
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Kit", legal_surname="Young", date_of_birth=born)
    conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    kids = [p for p in selectors.invitees_proposed(conference=conf) if p.kind == P.CHILD]
    assert bool(kids) is expected
    if expected:
        assert kids[0].name == "Kit Young" and kids[0].role.startswith("The child (aged 1")
        services.invitation_add(actor=social_worker, conference=conf, kind=P.CHILD, name="Kit Young")
        assert not [p for p in selectors.invitees_proposed(conference=conf) if p.kind == P.CHILD]


def test_an_unborn_child_is_never_proposed(la, team, social_worker, clock):
    from tests.factories import UnbornChildFactory

    unborn = UnbornChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    conf = story.request_icpc(child=unborn, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2),
                              kind="pre_birth")
    assert [p.kind for p in selectors.invitees_proposed(conference=conf)] == [P.PROFESSIONAL]
