"""Every service in cases/services.py: validation (messages and field keys), history (who and why),
CaseEvents (code and actor), idempotency, address history, no hard delete, grants."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time

from cases import services
from cases.models import (
    Adult,
    Child,
    ChildAccessGrant,
    ChildAddress,
    ChildAlias,
    ChronologyEntry,
    DuplicateLink,
    Household,
    Involvement,
    Relationship,
)
from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.access.models import BreakGlass
from safeguarding.accounts.models import NotDeletable, Role, User
from safeguarding.audit.models import CaseEvent, RecordView
from tests.factories import (
    AdultFactory,
    ChildFactory,
    ChronologyEntryFactory,
    HealthFactory,
    InvolvementFactory,
    RelationshipFactory,
    TeamFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
DOB = datetime.date(2019, 2, 1)


@pytest.fixture
def frozen():
    with freeze_time("2025-06-16 10:00:00"):
        yield


@pytest.fixture
def child(la, team, social_worker):
    return ChildFactory(
        local_authority=la,
        allocated_social_worker=social_worker,
        allocated_team=team,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB,
    )


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def events(code, subject=None):
    qs = CaseEvent.objects.filter(code=code)
    if subject is not None:
        qs = qs.filter(subject_id=subject.pk, subject_type__model=subject._meta.model_name)
    return list(qs)


def latest_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# --- child_create --------------------------------------------------------------------------------


def create(actor, la, **data):
    base = {"legal_first_names": "Amelia", "legal_surname": "Hart", "date_of_birth": DOB}
    base.update(data)
    return services.child_create(
        actor=actor, local_authority=la, data=base, visible_children=Child.objects.none()
    )


DATE_ERRORS = [
    (
        {"date_of_birth": None},
        "date_of_birth",
        "Enter a date of birth, or an expected date of birth for an unborn child",
    ),
    (
        {"expected_date_of_birth": TODAY + datetime.timedelta(days=30)},
        "expected_date_of_birth",
        "Give either a date of birth or an expected date of birth, not both",
    ),
    (
        {"date_of_birth": TODAY + datetime.timedelta(days=1)},
        "date_of_birth",
        "Date of birth must be today or in the past",
    ),
    (
        {"date_of_birth": datetime.date(1999, 12, 31)},
        "date_of_birth",
        "Date of birth must be within the last 25 years",
    ),
    (
        {"date_of_birth": None, "expected_date_of_birth": TODAY + datetime.timedelta(days=301)},
        "expected_date_of_birth",
        "Expected date of birth must be within the next 10 months",
    ),
    (
        {"date_of_birth": datetime.date(1899, 12, 31)},
        "date_of_birth",
        "Date of birth must be 1 January 1900 or later",
    ),
    (
        {"date_of_birth": None, "expected_date_of_birth": TODAY - datetime.timedelta(days=32)},
        "expected_date_of_birth",
        "Expected date of birth must be no more than a month ago: if the baby has been born, enter the date of "
        "birth instead",
    ),
    (
        {"date_of_birth": None, "expected_date_of_birth": datetime.date(1800, 1, 1)},
        "expected_date_of_birth",
        "Expected date of birth must be no more than a month ago: if the baby has been born, enter the date of "
        "birth instead",
    ),
    (
        {"legal_surname": ""},
        "legal_surname",
        "Enter the child's surname (use 'Unborn' with the mother's surname for an unborn child)",
    ),
    (
        {"legal_surname": "   "},
        "legal_surname",
        "Enter the child's surname (use 'Unborn' with the mother's surname for an unborn child)",
    ),
    (
        {"nhs_number": "943 476 5918"},
        "nhs_number",
        "This is not a valid NHS number: the last digit does not match, check it for a typing mistake",
    ),
    ({"nhs_number": "12345"}, "nhs_number", "NHS number must be 10 digits long; you entered 5"),
    (
        {"upn": "A801200005001"},
        "upn",
        "This is not a valid unique pupil number: the check letter does not match, check it for a typing "
        "mistake",
    ),
    (
        {"disabilities": ["NONE", "MOB"]},
        "disabilities",
        "Select \u201cNo disability\u201d on its own, or the child's disabilities: not both",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), DATE_ERRORS)
def test_child_create_validation(frozen, la, social_worker, data, field, message):
    with pytest.raises(ValidationError) as exc:
        create(social_worker, la, **data)
    assert errors(exc) == {field: [message]}
    assert not Child.objects.exists()
    assert not CaseEvent.objects.exists()


def test_child_create_boundaries_are_accepted(frozen, la, social_worker):
    assert create(social_worker, la, date_of_birth=TODAY).pk
    assert create(social_worker, la, legal_first_names="B", date_of_birth=datetime.date(2000, 1, 1)).pk
    assert create(
        social_worker,
        la,
        legal_first_names="",
        legal_surname="Unborn Baker",
        date_of_birth=None,
        expected_date_of_birth=TODAY + datetime.timedelta(days=300),
    ).is_unborn
    # recently past: the baby may not be born yet, or the birth not yet recorded (up to 31 days)
    assert create(
        social_worker,
        la,
        legal_first_names="",
        legal_surname="Unborn Carter",
        date_of_birth=None,
        expected_date_of_birth=TODAY - datetime.timedelta(days=31),
    ).is_unborn


def test_child_create_needs_a_local_authority(social_worker, police):
    with pytest.raises(ValidationError) as exc:
        create(social_worker, police)
    assert exc.value.messages == ["A child's record is held by a local authority"]


def test_child_create_records_who_why_and_the_event(la, team, school, social_worker):
    child = services.child_create(
        actor=social_worker,
        local_authority=la,
        visible_children=Child.objects.none(),
        data={
            "legal_first_names": "Amelia",
            "legal_surname": "Hart",
            "date_of_birth": DOB,
            "nhs_number": "943 476 5919",
            "upn": "b801200005001",
            "restricted": True,
            "status": "closed",
            "local_child_id": "HACK",
            "created_by": None,
        },
        allocated_social_worker=social_worker,
        allocated_team=team,
        involvement_agency=school,
        address={"line_1": "1 High Street", "town": "Northmoor", "postcode": "nm1 1aa", "start_date": DOB},
    )
    child.refresh_from_db()
    assert (child.nhs_number, child.upn) == ("9434765919", "B801200005001")
    assert (
        not child.restricted and child.status == Child.Status.OPEN
    )  # only editable fields are taken from data
    assert re.fullmatch(r"LC\d{7}", child.local_child_id)
    assert child.created_by == social_worker
    assert (child.allocated_social_worker, child.allocated_team) == (social_worker, team)
    [row] = child.history.all()
    assert row.history_type == "+"
    assert row.history_user == social_worker
    assert row.history_change_reason == "Record created"
    [created] = events("child.created", child)
    assert created.actor == social_worker
    assert created.payload == {"local_child_id": child.local_child_id}
    inv = Involvement.objects.get(child=child)
    assert (inv.agency, inv.role, inv.start_date) == (school, "Referring agency", timezone.localdate())
    assert events("involvement.added", child)[0].actor == social_worker
    address = ChildAddress.objects.get(child=child)
    assert (address.postcode, address.end_date) == ("NM1 1AA", None)


def test_local_child_ids_are_unique_and_increasing(la, social_worker):
    a = create(social_worker, la, legal_first_names="A")
    b = create(social_worker, la, legal_first_names="B", legal_surname="Other")
    assert a.local_child_id != b.local_child_id
    assert int(b.local_child_id[2:]) > int(a.local_child_id[2:])


# --- child_update --------------------------------------------------------------------------------


def test_child_update_needs_a_reason(child, social_worker):
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            services.child_update(
                child=child, actor=social_worker, reason=reason, changes={"preferred_name": "Millie"}
            )
        assert errors(exc) == {"reason": ["Say why you are changing the record"]}
    assert child.history.count() == 1


def test_child_update_records_the_reason_and_the_fields(child, colleague):
    updated = services.child_update(
        child=child,
        actor=colleague,
        reason="Mother told us",
        changes={"preferred_name": "Millie", "nhs_number": "401 023 2137"},
    )
    assert (updated.preferred_name, updated.nhs_number) == ("Millie", "4010232137")
    row = latest_history(Child.objects.get(pk=child.pk))
    assert row.history_user == colleague
    assert row.history_change_reason == "Mother told us"
    assert row.preferred_name == "Millie"
    [event] = events("child.updated", child)
    assert event.actor == colleague
    assert event.payload == {"fields": ["nhs_number", "preferred_name"], "reason": "Mother told us"}


def test_child_update_twice_changes_nothing_the_second_time(child, social_worker):
    changes = {"preferred_name": "Millie", "first_language": "Welsh"}
    services.child_update(child=child, actor=social_worker, reason="Corrected", changes=changes)
    history, n_events = child.history.count(), CaseEvent.objects.count()
    services.child_update(child=child, actor=social_worker, reason="Corrected", changes=changes)
    assert (child.history.count(), CaseEvent.objects.count()) == (history, n_events)


def test_child_update_ignores_fields_that_are_not_editable(child, social_worker, other_la):
    services.child_update(
        child=child,
        actor=social_worker,
        reason="Trying",
        changes={
            "restricted": True,
            "status": "closed",
            "local_authority": other_la,
            "allocated_social_worker": None,
            "local_child_id": "X1",
        },
    )
    fresh = Child.objects.get(pk=child.pk)
    assert (
        fresh.restricted,
        fresh.status,
        fresh.local_authority_id,
        fresh.allocated_social_worker_id,
        fresh.local_child_id,
    ) == (False, "open", child.local_authority_id, social_worker.pk, child.local_child_id)
    assert not events("child.updated")


def test_child_update_validates_identifiers_and_clashes_but_not_with_itself(child, social_worker, other_la):
    ChildFactory(local_authority=other_la, nhs_number="9434765919")
    with pytest.raises(ValidationError) as exc:
        services.child_update(
            child=child, actor=social_worker, reason="NHS number found", changes={"nhs_number": "9434765919"}
        )
    assert list(errors(exc)) == ["nhs_number"]
    with pytest.raises(ValidationError) as exc:
        services.child_update(
            child=child, actor=social_worker, reason="UPN found", changes={"upn": "B80120000500"}
        )
    assert errors(exc) == {"upn": ["Unique pupil number must be 13 characters long; you entered 12"]}
    services.child_update(
        child=child, actor=social_worker, reason="Same number", changes={"nhs_number": child.nhs_number}
    )  # its own number is no clash
    assert not events("child.updated")


def test_child_update_validates_dates(frozen, child, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.child_update(
            child=child,
            actor=social_worker,
            reason="Typo",
            changes={"date_of_birth": TODAY + datetime.timedelta(days=2)},
        )
    assert errors(exc) == {"date_of_birth": ["Date of birth must be today or in the past"]}


def test_unborn_child_is_born(frozen, la, social_worker):
    unborn = create(
        social_worker,
        la,
        legal_first_names="",
        legal_surname="Unborn Baker",
        date_of_birth=None,
        expected_date_of_birth=TODAY + datetime.timedelta(days=20),
    )
    born = services.child_update(
        child=unborn,
        actor=social_worker,
        reason="Born",
        changes={
            "legal_first_names": "Noah",
            "legal_surname": "Baker",
            "date_of_birth": TODAY,
            "expected_date_of_birth": None,
        },
    )
    assert not born.is_unborn and born.full_name == "Noah Baker"


# --- child_allocate ------------------------------------------------------------------------------


def test_child_allocate_records_who_why_and_the_event(child, la, other_team, team_manager):
    worker = make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="New Worker")
    services.child_allocate(
        child=child, actor=team_manager, social_worker=worker, team=other_team, reason="Transfer to CIN"
    )
    fresh = Child.objects.get(pk=child.pk)
    assert (fresh.allocated_social_worker, fresh.allocated_team) == (worker, other_team)
    row = latest_history(fresh)
    assert (row.history_user, row.history_change_reason) == (team_manager, "Transfer to CIN")
    [event] = events("child.allocated", child)
    assert event.actor == team_manager
    assert event.payload == {
        "social_worker": "New Worker",
        "team": other_team.name,
        "reason": "Transfer to CIN",
    }


def test_child_allocate_twice_changes_nothing_the_second_time(
    child, other_social_worker, other_team, team_manager
):
    for _ in range(2):
        services.child_allocate(
            child=child,
            actor=team_manager,
            social_worker=other_social_worker,
            team=other_team,
            reason="Transfer",
        )
    assert len(events("child.allocated")) == 1
    assert child.history.count() == 2


def test_child_allocate_without_a_reason_says_so_in_history(child, team_manager, team):
    services.child_allocate(child=child, actor=team_manager, social_worker=None, team=team, reason="")
    assert latest_history(Child.objects.get(pk=child.pk)).history_change_reason == "Allocation changed"


def test_child_allocate_refuses_a_worker_outside_the_team(child, other_social_worker, team, team_manager):
    with pytest.raises(ValidationError) as exc:
        services.child_allocate(
            child=child, actor=team_manager, social_worker=other_social_worker, team=team, reason="Cover"
        )
    assert errors(exc) == {"social_worker": [f"Olly Other is not a member of {team.name}"]}
    assert Child.objects.get(pk=child.pk).allocated_social_worker_id == child.allocated_social_worker_id


def test_child_allocate_refuses_a_worker_whose_team_membership_has_ended(child, la, team, team_manager):
    leaver = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Lea Ver")
    leaver.memberships.update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.child_allocate(
            child=child, actor=team_manager, social_worker=leaver, team=team, reason="Cover"
        )
    assert list(errors(exc)) == ["social_worker"]


def test_child_allocate_refuses_a_deactivated_account(child, la, other_team, team_manager, administrator):
    from safeguarding.accounts.services import user_deactivate

    gone = make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Gone Away")
    user_deactivate(user=gone, actor=administrator, reason="Left")
    for team in (other_team, None):
        with pytest.raises(ValidationError) as exc:
            services.child_allocate(
                child=child,
                actor=team_manager,
                social_worker=User.objects.get(pk=gone.pk),
                team=team,
                reason="Cover",
            )
        assert list(errors(exc)) == ["social_worker"]


def test_child_allocate_refuses_an_inactive_team(child, la, team_manager):
    closed = TeamFactory(agency=la, name="Disbanded Team", is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.child_allocate(
            child=child, actor=team_manager, social_worker=None, team=closed, reason="Cover"
        )
    assert list(errors(exc)) == ["team"]


# --- restriction and closing ---------------------------------------------------------------------


def test_child_set_restriction_validation(child, service_manager, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.child_set_restriction(
            child=child, actor=service_manager, restricted=True, named_people=[social_worker], reason=" "
        )
    assert errors(exc) == {"reason": ["Say why the restriction is changing"]}
    with pytest.raises(ValidationError) as exc:
        services.child_set_restriction(
            child=child, actor=service_manager, restricted=True, named_people=[], reason="Staff child"
        )
    assert errors(exc) == {"named_people": ["Name at least one person who may see a restricted record"]}
    assert not Child.objects.get(pk=child.pk).restricted


def test_child_set_restriction_records_and_is_idempotent(child, service_manager, social_worker, team_manager):
    for _ in range(2):
        services.child_set_restriction(
            child=child,
            actor=service_manager,
            restricted=True,
            named_people=[social_worker, team_manager],
            reason="Staff child",
        )
    fresh = Child.objects.get(pk=child.pk)
    assert fresh.restricted
    assert set(fresh.named_people.all()) == {social_worker, team_manager}
    [event] = events("child.restriction_changed", child)
    assert event.actor == service_manager
    assert event.payload == {
        "restricted": True,
        "named": ["Sam Worker", "Tess Manager"],
        "reason": "Staff child",
    }
    assert latest_history(fresh).history_change_reason == "Staff child"
    services.child_set_restriction(
        child=child,
        actor=service_manager,
        restricted=True,
        named_people=[social_worker],
        reason="Manager moved on",
    )
    assert list(Child.objects.get(pk=child.pk).named_people.all()) == [social_worker]
    assert len(events("child.restriction_changed", child)) == 2


def test_child_close_needs_a_reason_and_is_idempotent(child, team_manager):
    with pytest.raises(ValidationError) as exc:
        services.child_close(child=child, actor=team_manager, reason="")
    assert errors(exc) == {"reason": ["Say why the record is being closed"]}
    services.child_close(child=child, actor=team_manager, reason="Moved abroad")
    history = child.history.count()
    again = services.child_close(child=child, actor=team_manager, reason="Closing again")
    assert (again.status, again.closed_reason) == (Child.Status.CLOSED, "Moved abroad")
    assert child.history.count() == history
    [event] = events("child.closed", child)
    assert (event.actor, event.payload) == (team_manager, {"reason": "Moved abroad"})
    row = latest_history(again)
    assert (row.history_user, row.history_change_reason, row.status) == (
        team_manager,
        "Moved abroad",
        "closed",
    )


# --- entered in error ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["child", "involvement", "chronology", "relationship", "alias", "adult"])
def test_record_mark_entered_in_error_keeps_the_record_and_is_idempotent(
    child, social_worker, team_manager, kind
):
    record = {
        "child": lambda: child,
        "involvement": lambda: InvolvementFactory(child=child),
        "chronology": lambda: ChronologyEntryFactory(child=child),
        "relationship": lambda: RelationshipFactory(child=child),
        "alias": lambda: services.child_alias_add(child=child, actor=social_worker, name="Millie Hart"),
        "adult": lambda: RelationshipFactory(child=child).adult,  # an adult is taken back through a child
    }[kind]()
    with pytest.raises(ValidationError) as exc:
        services.record_mark_entered_in_error(record=record, actor=team_manager, reason="  ")
    assert errors(exc) == {"reason": ["Say why this was entered in error"]}

    marked = services.record_mark_entered_in_error(record=record, actor=team_manager, reason="Wrong child")
    assert marked.entered_in_error
    assert (marked.entered_in_error_by, marked.entered_in_error_reason) == (team_manager, "Wrong child")
    row = latest_history(type(record).objects.get(pk=record.pk))
    assert (row.history_user, row.history_change_reason) == (team_manager, "Entered in error: Wrong child")
    first_at, history = marked.entered_in_error_at, record.history.count()

    again = services.record_mark_entered_in_error(record=record, actor=social_worker, reason="Again")
    assert (again.entered_in_error_at, again.entered_in_error_by, again.entered_in_error_reason) == (
        first_at,
        team_manager,
        "Wrong child",
    )
    assert record.history.count() == history
    [event] = events("record.entered_in_error", record)
    assert event.actor == team_manager
    assert event.payload == {"model": record._meta.model_name, "reason": "Wrong child"}
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", ["child", "involvement", "chronology", "relationship", "alias", "adult",
                                  "unrelated adult"])
def test_record_mark_entered_in_error_re_checks_the_policy(child, social_worker, kind):
    """The service refuses whoever the policy refuses (``child_policy.can_take_back``), whichever page
    or script calls it: a partner practitioner of another agency, and anyone at all for an adult related
    to no child they may edit."""
    outsider = make_user(HealthFactory(), Role.PARTNER_PRACTITIONER)
    record = {
        "child": lambda: child,
        "involvement": lambda: InvolvementFactory(child=child),
        "chronology": lambda: ChronologyEntryFactory(child=child),
        "relationship": lambda: RelationshipFactory(child=child),
        "alias": lambda: services.child_alias_add(child=child, actor=social_worker, name="Millie Hart"),
        "adult": lambda: RelationshipFactory(child=child).adult,
        "unrelated adult": lambda: AdultFactory(),
    }[kind]()
    actors = [outsider, social_worker] if kind == "unrelated adult" else [outsider]
    for actor in actors:
        with pytest.raises(ValidationError) as exc:
            services.record_mark_entered_in_error(record=record, actor=actor, reason="Wrong child")
        assert exc.value.messages == [f"You cannot mark this {record._meta.verbose_name} as entered in error"]
    record.refresh_from_db()
    assert not record.entered_in_error
    assert not events("record.entered_in_error", record)


# --- aliases and addresses -----------------------------------------------------------------------


def test_child_alias_add(child, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.child_alias_add(child=child, actor=social_worker, name="  ")
    assert errors(exc) == {"name": ["Enter the name"]}
    alias = services.child_alias_add(
        child=child, actor=social_worker, name=" Millie Smith ", kind=ChildAlias.Kind.PREVIOUS
    )
    assert (alias.name, alias.kind, alias.created_by) == ("Millie Smith", "previous", social_worker)
    assert alias.history.get().history_user == social_worker


def test_address_history_a_new_address_ends_the_previous_one(child, social_worker, colleague):
    first = services.child_address_set(
        child=child,
        actor=social_worker,
        line_1="1 High Street",
        town="Northmoor",
        postcode="nm1 1aa",
        start_date=datetime.date(2023, 1, 10),
    )
    second = services.child_address_set(
        child=child,
        actor=colleague,
        line_1="2 Low Road",
        line_2="Flat 3",
        town="Northmoor",
        postcode="NM2 2BB",
        start_date=datetime.date(2024, 3, 1),
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2024, 2, 29)
    assert second.end_date is None
    assert list(ChildAddress.objects.filter(child=child)) == [second, first]  # both kept, newest first
    row = latest_history(first)
    assert (row.history_user, row.history_change_reason) == (colleague, "Moved address")
    assert [e.payload["postcode"] for e in events("address.changed", child)] == ["NM2 2BB", "NM1 1AA"]
    assert {e.actor for e in events("address.changed", child)} == {social_worker, colleague}


@pytest.mark.parametrize("start", [datetime.date(2023, 1, 10), datetime.date(2022, 12, 31)])
def test_a_new_address_must_start_after_the_current_one(child, social_worker, start):
    services.child_address_set(
        child=child,
        actor=social_worker,
        line_1="1 High Street",
        town="Northmoor",
        postcode="NM1 1AA",
        start_date=datetime.date(2023, 1, 10),
    )
    with pytest.raises(ValidationError) as exc:
        services.child_address_set(
            child=child,
            actor=social_worker,
            line_1="2 Low Road",
            town="Northmoor",
            postcode="NM2 2BB",
            start_date=start,
        )
    assert errors(exc) == {
        "start_date": ["The new address must start after 10 January 2023, when the current one started"]
    }
    assert ChildAddress.objects.filter(child=child).count() == 1
    assert ChildAddress.objects.get(child=child).end_date is None


def test_an_address_entered_in_error_is_not_ended_by_the_next(child, social_worker):
    wrong = services.child_address_set(
        child=child,
        actor=social_worker,
        line_1="9 Wrong Way",
        town="Northmoor",
        postcode="NM9 9ZZ",
        start_date=datetime.date(2024, 1, 1),
    )
    services.record_mark_entered_in_error(
        record=wrong, actor=social_worker, reason="Another family's address"
    )
    services.child_address_set(
        child=child,
        actor=social_worker,
        line_1="1 High Street",
        town="Northmoor",
        postcode="NM1 1AA",
        start_date=datetime.date(2023, 6, 1),
    )
    wrong.refresh_from_db()
    assert wrong.end_date is None


# --- adults, relationships, households -----------------------------------------------------------


def test_adult_create(social_worker):
    with pytest.raises(ValidationError) as exc:
        services.adult_create(actor=social_worker, data={"first_names": "Jo", "surname": " "})
    assert errors(exc) == {"surname": ["Enter the person's surname"]}
    with pytest.raises(ValidationError) as exc:
        services.adult_create(actor=social_worker, data={"surname": "Hart", "nhs_number": "9434765918"})
    assert errors(exc) == {
        "nhs_number": [
            "This is not a valid NHS number: the last digit does not match, check it for a typing mistake"
        ]
    }
    assert not Adult.objects.exists()
    adult = services.adult_create(
        actor=social_worker, data={"first_names": "Jo", "surname": "Hart", "nhs_number": "943 476 5919"}
    )
    assert (adult.nhs_number, adult.created_by) == ("9434765919", social_worker)
    assert adult.history.get().history_user == social_worker
    [event] = events("adult.created", adult)
    assert event.actor == social_worker


def test_relationship_add_and_end(child, social_worker, colleague):
    adult = AdultFactory(first_names="Jo", surname="Hart")
    rel = services.relationship_add(
        child=child,
        adult=adult,
        actor=social_worker,
        kind="mother",
        parental_responsibility=True,
        start_date=datetime.date(2019, 2, 1),
    )
    assert rel.history.get().history_user == social_worker
    [added] = events("relationship.added", child)
    assert added.actor == social_worker
    assert added.payload == {"adult": "Jo Hart", "kind": "mother", "parental_responsibility": True}
    with pytest.raises(ValidationError) as exc:
        services.relationship_add(child=child, adult=adult, actor=social_worker, kind="mother")
    assert errors(exc) == {"adult": [f"Jo Hart already has a current relationship with {child}"]}
    with pytest.raises(ValidationError) as exc:
        services.relationship_end(
            relationship=rel, actor=colleague, end_date=datetime.date(2019, 1, 31), reason="Left home"
        )
    assert errors(exc) == {"end_date": ["The end date must be on or after the start date"]}

    services.relationship_end(
        relationship=rel, actor=colleague, end_date=datetime.date(2024, 5, 1), reason="Left home"
    )
    again = services.relationship_end(
        relationship=rel, actor=colleague, end_date=datetime.date(2024, 6, 1), reason="Again"
    )
    assert again.end_date == datetime.date(2024, 5, 1)
    [ended] = events("relationship.ended", child)
    assert (ended.actor, ended.payload) == (colleague, {"adult": "Jo Hart", "reason": "Left home"})
    row = latest_history(Relationship.objects.get(pk=rel.pk))
    assert (row.history_user, row.history_change_reason) == (colleague, "Left home")
    # once ended, a new current relationship with the same adult may be recorded
    services.relationship_add(child=child, adult=adult, actor=social_worker, kind="mother")
    assert Relationship.objects.filter(child=child, adult=adult).count() == 2


def test_two_current_relationships_for_one_pair_are_refused_by_the_database(child):
    adult = AdultFactory()
    RelationshipFactory(child=child, adult=adult)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipFactory(child=child, adult=adult)


def test_household_create(la, social_worker):
    a, b = ChildFactory(local_authority=la), ChildFactory(local_authority=la)
    adult = AdultFactory()
    household = services.household_create(
        actor=social_worker,
        name="Mother's home",
        address="1 High St",
        children=[a, b],
        adults=[adult],
        start_date=datetime.date(2024, 1, 1),
    )
    assert set(household.children.all()) == {a, b} and list(household.adults.all()) == [adult]
    assert household.created_by == social_worker
    assert household.history.order_by("history_date").first().history_user == social_worker
    for c in (a, b):
        [event] = events("household.created", c)
        assert (event.actor, event.payload) == (social_worker, {"household": "Mother's home"})


# --- involvements and chronology -----------------------------------------------------------------


def test_involvement_add_validation(frozen, child, school, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.involvement_add(child=child, actor=social_worker, agency=school, role=" ", start_date=TODAY)
    assert errors(exc) == {"role": ["Enter the professional's role, for example GP or class teacher"]}
    with pytest.raises(ValidationError) as exc:
        services.involvement_add(
            child=child,
            actor=social_worker,
            agency=school,
            role="DSL",
            start_date=TODAY + datetime.timedelta(days=1),
        )
    assert errors(exc) == {"start_date": ["The start date must be today or in the past"]}
    assert not Involvement.objects.exists()


def test_involvement_add_and_end(child, school, school_dsl, social_worker, team_manager):
    inv = services.involvement_add(
        child=child,
        actor=social_worker,
        agency=school,
        role=" Class teacher ",
        start_date=datetime.date(2024, 9, 1),
        professional=school_dsl,
    )
    assert (inv.role, inv.professional, inv.created_by) == ("Class teacher", school_dsl, social_worker)
    assert inv.history.get().history_user == social_worker
    [added] = events("involvement.added", child)
    assert added.actor == social_worker and added.payload["agency"] == school.name
    assert child_policy.can(AccessContext.for_user(school_dsl), "view", child)

    with pytest.raises(ValidationError) as exc:
        services.involvement_end(
            involvement=inv, actor=team_manager, end_date=datetime.date(2024, 8, 31), reason="Left"
        )
    assert errors(exc) == {"end_date": ["The end date must be on or after the start date"]}
    services.involvement_end(
        involvement=inv, actor=team_manager, end_date=datetime.date(2025, 1, 1), reason="Changed school"
    )
    history = inv.history.count()
    again = services.involvement_end(
        involvement=inv, actor=team_manager, end_date=datetime.date(2025, 2, 1), reason="Again"
    )
    assert (again.end_date, again.end_reason) == (datetime.date(2025, 1, 1), "Changed school")
    assert inv.history.count() == history
    [ended] = events("involvement.ended", child)
    assert (ended.actor, ended.payload) == (team_manager, {"agency": school.name, "reason": "Changed school"})
    row = latest_history(Involvement.objects.get(pk=inv.pk))
    assert (row.history_user, row.history_change_reason) == (team_manager, "Changed school")
    assert not child_policy.can(AccessContext.for_user(school_dsl), "view", child)


def test_chronology_add(frozen, child, school, school_dsl):
    with pytest.raises(ValidationError) as exc:
        services.chronology_add(
            child=child, actor=school_dsl, source_agency=school, occurred_on=TODAY, summary=" "
        )
    assert errors(exc) == {"summary": ["Enter a summary of what happened"]}
    with pytest.raises(ValidationError) as exc:
        services.chronology_add(
            child=child,
            actor=school_dsl,
            source_agency=school,
            occurred_on=TODAY + datetime.timedelta(days=1),
            summary="Tomorrow",
        )
    assert errors(exc) == {"occurred_on": ["The date must be today or in the past"]}
    entry = services.chronology_add(
        child=child,
        actor=school_dsl,
        source_agency=school,
        occurred_on=TODAY,
        summary=" Bruise on arm noticed in PE ",
        significance="significant",
    )
    assert (entry.summary, entry.recorded_by, entry.created_by) == (
        "Bruise on arm noticed in PE",
        school_dsl,
        school_dsl,
    )
    assert entry.history.get().history_user == school_dsl
    [event] = events("chronology.added", child)
    assert event.actor == school_dsl
    assert event.payload == {"agency": school.name, "significance": "significant"}
    assert ChronologyEntry.objects.filter(child=child).count() == 1


# --- grants --------------------------------------------------------------------------------------


def test_child_access_grant_validation(child, service_manager, other_social_worker):
    until = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.child_access_grant(
            child=child, user=other_social_worker, actor=service_manager, until=until, reason=" "
        )
    assert errors(exc) == {"reason": ["Say why this person needs access"]}
    for past in (timezone.now(), timezone.now() - datetime.timedelta(seconds=1)):
        with pytest.raises(ValidationError) as exc:
            services.child_access_grant(
                child=child, user=other_social_worker, actor=service_manager, until=past, reason="Cover"
            )
        assert errors(exc) == {"until": ["The grant must end in the future"]}
    assert not ChildAccessGrant.objects.exists()


def test_grant_and_revoke_access(child, service_manager, other_social_worker):
    ctx = lambda: AccessContext.for_user(other_social_worker)  # noqa: E731
    assert not child_policy.can(ctx(), "view", child)
    until = timezone.now() + datetime.timedelta(days=2)
    grant = services.child_access_grant(
        child=child,
        user=other_social_worker,
        actor=service_manager,
        until=until,
        reason="Duty cover this week",
    )
    assert child_policy.can(ctx(), "view", child)
    assert not child_policy.can(ctx(), "edit", child)
    assert (grant.granted_by, grant.reason, grant.expires_at, grant.revoked_at) == (
        service_manager,
        "Duty cover this week",
        until,
        None,
    )
    assert grant.permission.codename == "view_child"
    assert latest_history(grant).history_user == service_manager
    [granted] = events("access.granted", child)
    assert granted.actor == service_manager
    assert granted.payload == {
        "user": "Olly Other",
        "until": until.isoformat(),
        "reason": "Duty cover this week",
    }

    services.child_access_revoke(grant=grant, actor=service_manager, reason="Cover ended early")
    assert not child_policy.can(ctx(), "view", child)
    revoked_at = ChildAccessGrant.objects.get(pk=grant.pk).revoked_at
    services.child_access_revoke(grant=grant, actor=service_manager, reason="Again")
    assert ChildAccessGrant.objects.get(pk=grant.pk).revoked_at == revoked_at
    [revoked] = events("access.revoked", child)
    assert (revoked.actor, revoked.payload) == (
        service_manager,
        {"user": "Olly Other", "reason": "Cover ended early"},
    )
    row = latest_history(ChildAccessGrant.objects.get(pk=grant.pk))
    assert (row.history_user, row.history_change_reason) == (service_manager, "Cover ended early")

    regrant = services.child_access_grant(
        child=child, user=other_social_worker, actor=service_manager, until=until, reason="Cover again"
    )
    assert regrant.pk == grant.pk and regrant.revoked_at is None  # one row per person and child
    assert child_policy.can(ctx(), "view", child)


def test_a_grant_ends_by_itself(child, service_manager, other_social_worker):
    until = timezone.now() + datetime.timedelta(hours=1)
    services.child_access_grant(
        child=child, user=other_social_worker, actor=service_manager, until=until, reason="Duty cover"
    )
    with freeze_time(until + datetime.timedelta(seconds=1)):
        assert not child_policy.can(AccessContext.for_user(other_social_worker), "view", child)


def test_child_view_log(child, social_worker):
    services.child_view_log(
        child=child, user=social_worker, via=RecordView.Via.PAGE, what="child page " + "x" * 200
    )
    [view] = RecordView.objects.all()
    assert (view.user, view.record, view.via, len(view.what), view.break_glass) == (
        social_worker,
        child,
        "page",
        120,
        False,
    )


# --- nothing is hard-deleted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda child: child,
        lambda child: InvolvementFactory(child=child),
        lambda child: ChronologyEntryFactory(child=child),
        lambda child: RelationshipFactory(child=child),
        lambda child: AdultFactory(),
        lambda child: ChildAlias.objects.create(child=child, name="Alias"),
        lambda child: ChildAddress.objects.create(
            child=child,
            line_1="1 Road",
            town="Town",
            postcode="NM1 1AA",
            start_date=datetime.date(2024, 1, 1),
        ),
        lambda child: Household.objects.create(name="Home"),
        lambda child: DuplicateLink.objects.create(child=child, other=ChildFactory(), reason="Same"),
    ],
    ids=[
        "child",
        "involvement",
        "chronology",
        "relationship",
        "adult",
        "alias",
        "address",
        "household",
        "duplicate",
    ],
)
def test_case_records_cannot_be_deleted_one_by_one_or_in_bulk(child, make):
    record = make(child)
    model = type(record)
    with pytest.raises(NotDeletable):
        record.delete()
    with pytest.raises(NotDeletable):
        model.objects.filter(pk=record.pk).delete()
    with pytest.raises(NotDeletable):
        model.objects.all().delete()
    assert model.objects.filter(pk=record.pk).exists()


def test_related_managers_cannot_bulk_delete_either(child, social_worker):
    services.child_alias_add(child=child, actor=social_worker, name="Millie")
    InvolvementFactory(child=child)
    with pytest.raises(NotDeletable):
        child.aliases.all().delete()
    with pytest.raises(NotDeletable):
        child.involvements.filter(role__isnull=False).delete()
    assert child.aliases.count() == 1 and child.involvements.count() == 1


def test_the_audit_trail_cannot_be_deleted(child, social_worker, colleague):
    services.child_close(child=child, actor=social_worker, reason="Moved away")
    services.child_view_log(child=child, user=social_worker, via=RecordView.Via.PAGE, what="child page")
    services.child_break_glass(child=child, actor=colleague, reason="Checking the audit trail")
    for model, error in (
        (CaseEvent, PermissionError),
        (RecordView, PermissionError),
        (BreakGlass, PermissionError),
    ):
        row = model.objects.first()
        with pytest.raises(error):
            row.delete()
        with pytest.raises(error):
            model.objects.all().delete()
        assert model.objects.filter(pk=row.pk).exists()


def test_no_disability_excludes_the_other_codes_on_a_change_too(child, social_worker):
    services.child_update(child=child, actor=social_worker, reason="Assessed", changes={"disabilities": ["NONE"]})
    with pytest.raises(ValidationError) as exc:
        services.child_update(child=child, actor=social_worker, reason="Assessed",
                              changes={"disabilities": ["NONE", "AUT"]})
    assert list(errors(exc)) == ["disabilities"]
    child.refresh_from_db()
    assert child.disabilities == ["NONE"]
    services.child_update(child=child, actor=social_worker, reason="Diagnosed", changes={"disabilities": ["AUT", "LD"]})
