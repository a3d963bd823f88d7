"""Finding is not opening (issue 8): staff who may record children for an authority find every child of
it in the duplicate check as a minimal row, each sighting logged, and may ask the holder for access;
child_create re-checks who may record a child for which authority. The services, with the real
policy, database and notifications."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Child, ChildAccessRequest
from cases.policies import FIND_MINIMAL, FIND_OPEN, FIND_RESTRICTED, child_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, InvolvementFactory, RestrictedChildFactory, make_user

pytestmark = pytest.mark.django_db

DOB = datetime.date(2016, 5, 4)


@pytest.fixture
def held(la, team, social_worker):
    """Amelia Hartley, held by Assessment Team A (Sam Worker's), in Northmoor."""
    return ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=DOB,
                        local_authority=la, allocated_team=team, allocated_social_worker=social_worker)


def copy_of(child, **over):
    return {"legal_first_names": child.legal_first_names, "legal_surname": child.legal_surname,
            "date_of_birth": child.date_of_birth, **over}


def sightings(child=None):
    qs = CaseEvent.objects.filter(code="child.sighted")
    if child is not None:
        qs = qs.filter(subject_id=child.pk, subject_type__model="child")
    return list(qs.order_by("id"))


# --- the duplicate check reaches the whole authority --------------------------------------------------


def test_a_social_worker_in_another_team_is_warned_of_an_exact_copy_and_the_sighting_is_logged(
        la, held, other_social_worker):
    assert not child_policy.can(AccessContext.for_user(other_social_worker), "view", held)

    with pytest.raises(services.PossibleDuplicates) as exc:
        services.child_create(actor=other_social_worker, local_authority=la, data=copy_of(held))

    [candidate] = exc.value.candidates
    assert candidate.child == held
    assert candidate.child.finding == FIND_MINIMAL
    assert candidate.reasons == ["same name", "same date of birth"]
    assert Child.objects.count() == 1
    # logged although nothing was created: who, when, which child, and where it was found
    [seen] = sightings(held)
    assert (seen.actor, seen.payload) == (other_social_worker, {"via": "duplicate check", "restricted": False})
    assert seen.at <= timezone.now()
    # a sighting is not a read of the record
    from safeguarding.audit.models import RecordView
    assert not RecordView.objects.exists()
    # and it does not open the record
    assert not child_policy.can(AccessContext.for_user(other_social_worker), "view", held)


def test_confirming_after_the_warning_records_the_override_and_logs_no_second_sighting(
        la, held, other_social_worker):
    with pytest.raises(services.PossibleDuplicates):
        services.child_create(actor=other_social_worker, local_authority=la, data=copy_of(held))
    child = services.child_create(actor=other_social_worker, local_authority=la, data=copy_of(held),
                                  confirm_not_duplicate=True)
    assert child.pk != held.pk
    assert CaseEvent.objects.get(code="child.duplicate_warning_overridden").payload == {
        "candidates": [str(held.public_id)]}
    assert len(sightings(held)) == 1


def test_a_child_the_person_may_open_is_a_candidate_but_not_a_sighting(la, held, social_worker):
    with pytest.raises(services.PossibleDuplicates) as exc:
        services.child_create(actor=social_worker, local_authority=la, data=copy_of(held))
    assert [c.child.finding for c in exc.value.candidates] == [FIND_OPEN]
    assert sightings() == []


def test_a_restricted_copy_is_a_restricted_candidate(la, team, other_social_worker, service_manager):
    hidden = RestrictedChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=DOB,
                                    local_authority=la, allocated_team=team, named=[service_manager])
    with pytest.raises(services.PossibleDuplicates) as exc:
        services.child_create(actor=other_social_worker, local_authority=la, data=copy_of(hidden))
    assert [c.child.finding for c in exc.value.candidates] == [FIND_RESTRICTED]
    [seen] = sightings(hidden)
    assert seen.payload == {"via": "duplicate check", "restricted": True}


def test_another_authoritys_child_is_not_found(la, other_la, other_la_service_manager, held):
    child = services.child_create(actor=other_la_service_manager, local_authority=other_la, data=copy_of(held))
    assert child.local_authority == other_la
    assert sightings() == []


def test_an_api_client_finds_only_its_agencys_children(la, school, held):
    from safeguarding.accounts.services import api_client_create

    client = api_client_create(agency=school, name="School MIS")[0].user
    created = services.child_create(actor=client, local_authority=la, data=copy_of(held),
                                    involvement_agency=school, involvement_role="School")
    assert created.pk != held.pk  # no warning: the school has no involvement with Amelia
    assert sightings() == []
    InvolvementFactory(child=held, agency=school)
    with pytest.raises(services.PossibleDuplicates) as exc:
        services.child_create(actor=client, local_authority=la, data=copy_of(held, legal_first_names="Amelie"),
                              involvement_agency=school, involvement_role="School")
    assert held in [c.child for c in exc.value.candidates]


# --- child_create re-checks the authority -------------------------------------------------------------


def test_child_create_refuses_an_authority_the_actor_may_not_record_for(other_la, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.child_create(actor=social_worker, local_authority=other_la,
                              data={"legal_surname": "Hart", "date_of_birth": DOB})
    assert exc.value.message_dict == {"local_authority": ["You can only record children for your own local "
                                                          "authority"]}
    assert not Child.objects.exists()


@pytest.mark.parametrize("role", [Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR, Role.PARTNER_PRACTITIONER])
def test_child_create_refuses_people_who_may_not_record_children(la, role):
    person = make_user(la, role)
    with pytest.raises(ValidationError) as exc:
        services.child_create(actor=person, local_authority=la, data={"legal_surname": "Hart", "date_of_birth": DOB})
    assert "local_authority" in exc.value.message_dict
    assert not Child.objects.exists()


def test_child_create_allows_each_of_a_persons_authorities(la, other_la, team):
    both = make_user(la, Role.SOCIAL_WORKER, team=team)
    Membership.objects.create(user=both, agency=other_la, roles=[Role.TEAM_MANAGER])
    for authority, surname in ((la, "Hart"), (other_la, "Oyelaran")):
        child = services.child_create(actor=both, local_authority=authority,
                                      data={"legal_surname": surname, "date_of_birth": DOB})
        assert child.local_authority == authority


# --- sightings -----------------------------------------------------------------------------------------


def test_child_sightings_record_logs_only_what_the_person_cannot_open(held, la, other_team, social_worker):
    theirs = ChildFactory(local_authority=la, allocated_team=other_team)
    found = list(child_policy.findable(AccessContext.for_user(social_worker)).filter(pk__in=[held.pk, theirs.pk]))
    assert services.child_sightings_record(actor=social_worker, children=found, via="search") == 1
    [seen] = sightings()
    assert (seen.subject, seen.actor, seen.payload["via"]) == (theirs, social_worker, "search")


def test_child_sightings_record_takes_only_children_from_findable(held, social_worker):
    with pytest.raises(ValueError, match="findable"):
        services.child_sightings_record(actor=social_worker, children=[held], via="search")


# --- asking the holder for access -----------------------------------------------------------------------


def test_asking_for_access_records_the_request_and_tells_the_worker_and_the_teams_managers(
        la, team, held, social_worker, team_manager, other_social_worker, service_manager):
    second_manager = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Second Manager")
    left = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Left Manager")
    Membership.objects.filter(user=left).update(is_active=False)

    request = services.child_access_request(child=held, actor=other_social_worker,
                                            reason="Referred to my team by the school today")

    assert (request.child, request.requested_by, request.answered_at) == (held, other_social_worker, None)
    assert request.reason == "Referred to my team by the school today"
    event = CaseEvent.objects.get(code="child.access_requested")
    assert (event.subject, event.actor) == (held, other_social_worker)
    notes = {n.recipient: n for n in Notification.objects.all()}
    assert set(notes) == {social_worker, team_manager, second_manager}  # not the service manager, not who left
    for manager in (team_manager, second_manager):
        assert notes[manager].url == f"/children/{held.public_id}/access-log/"
    assert notes[social_worker].url == f"/children/{held.public_id}/"
    for n in notes.values():
        assert "Olly Other" in n.body and held.local_child_id in n.body
        assert "Referred to my team by the school today" in n.body


def test_asking_again_while_a_request_is_open_changes_nothing(held, other_social_worker):
    first = services.child_access_request(child=held, actor=other_social_worker, reason="Referral today")
    notified = Notification.objects.count()
    again = services.child_access_request(child=held, actor=other_social_worker, reason="Referral today, again")
    assert again.pk == first.pk
    assert ChildAccessRequest.objects.count() == 1
    assert Notification.objects.count() == notified
    assert CaseEvent.objects.filter(code="child.access_requested").count() == 1


def test_a_restricted_record_request_goes_to_the_service_managers(la, team, team_manager, service_manager,
                                                                   other_social_worker):
    hidden = RestrictedChildFactory(local_authority=la, allocated_team=team, named=[team_manager])
    other_sm = make_user(la, Role.SERVICE_MANAGER, full_name="Other Service")
    services.child_access_request(child=hidden, actor=other_social_worker, reason="Joint visit tomorrow")
    assert {n.recipient for n in Notification.objects.all()} == {service_manager, other_sm}


def test_an_unallocated_childs_request_goes_to_the_service_managers(la, service_manager, other_social_worker):
    unallocated = ChildFactory(local_authority=la)
    services.child_access_request(child=unallocated, actor=other_social_worker, reason="New referral")
    assert [n.recipient for n in Notification.objects.all()] == [service_manager]


def test_a_grant_answers_the_request_and_opens_the_record(held, other_social_worker, team_manager):
    request = services.child_access_request(child=held, actor=other_social_worker, reason="Referral today")
    services.child_access_grant(child=held, user=other_social_worker, actor=team_manager,
                                until=timezone.now() + datetime.timedelta(days=7), reason="Joint work")
    request.refresh_from_db()
    assert request.answered_by == team_manager and request.answered_at is not None
    assert child_policy.can(AccessContext.for_user(other_social_worker), "view", held)
    assert not child_policy.can(AccessContext.for_user(other_social_worker), "request_access", held)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_needs_a_reason(held, other_social_worker, reason):
    with pytest.raises(ValidationError) as exc:
        services.child_access_request(child=held, actor=other_social_worker, reason=reason)
    assert exc.value.message_dict == {"reason": ["Say why you need to see this record"]}
    assert not ChildAccessRequest.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["social_worker", "school_dsl", "other_la_service_manager"])
def test_only_people_who_find_the_child_without_a_basis_may_ask(request, held, school, who):
    """The allocated worker may already open it; a partner and another authority's manager cannot find it."""
    InvolvementFactory(child=held, agency=school)
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError):
        services.child_access_request(child=held, actor=person, reason="Curious")
    assert not ChildAccessRequest.objects.exists()
    assert not Notification.objects.exists()


def test_the_child_page_history_does_not_list_sightings(held, other_social_worker, social_worker, client_for):
    found = list(child_policy.findable(AccessContext.for_user(other_social_worker)).filter(pk=held.pk))
    services.child_sightings_record(actor=other_social_worker, children=found, via="search")
    html = client_for(social_worker).get(f"/children/{held.public_id}/").content.decode()
    assert "Found in search or a duplicate check" not in html
