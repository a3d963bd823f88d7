"""Dates on case records have bounds, enforced in the services (so pages and the API both get them):
nothing before 1 January 1900, nothing in the future that cannot be, and an expected date of birth
within the coming ten months or up to a month ago (tests/cases/test_services.py covers child_create)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases import services
from cases.models import Adult, ChildAddress, ChronologyEntry, Household, Involvement, Relationship
from tests.factories import AdultFactory, ChildFactory, InvolvementFactory, RelationshipFactory, UnbornChildFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
TOMORROW = TODAY + datetime.timedelta(days=1)
TOO_EARLY = datetime.date(1899, 12, 31)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2025-06-16 10:00:00"):
        yield


@pytest.fixture
def child(la, team, social_worker):
    return ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                        date_of_birth=datetime.date(2015, 1, 1))


def message(exc_info) -> dict:
    return exc_info.value.message_dict


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "The date must be 1 January 1900 or later"),
    (TOMORROW, "The date must be today or in the past"),
])
def test_a_chronology_entry_happened_between_1900_and_today(child, school, school_dsl, when, text):
    with pytest.raises(ValidationError) as exc:
        services.chronology_add(child=child, actor=school_dsl, source_agency=school, occurred_on=when,
                                summary="Something happened")
    assert message(exc) == {"occurred_on": [text]}
    assert not ChronologyEntry.objects.exists()
    assert services.chronology_add(child=child, actor=school_dsl, source_agency=school,
                                   occurred_on=datetime.date(1900, 1, 1), summary="Long ago").pk


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "The start date must be 1 January 1900 or later"),
    (TOMORROW, "The start date must be today or in the past"),
])
def test_an_involvement_starts_between_1900_and_today(child, school, social_worker, when, text):
    with pytest.raises(ValidationError) as exc:
        services.involvement_add(child=child, actor=social_worker, agency=school, role="DSL", start_date=when)
    assert message(exc) == {"start_date": [text]}
    assert not Involvement.objects.exists()


@pytest.mark.parametrize(("when", "text"), [
    (TOMORROW, "The end date must be today or in the past"),
])
def test_an_involvement_cannot_be_ended_in_the_future(child, school, team_manager, when, text):
    inv = InvolvementFactory(child=child, agency=school, start_date=datetime.date(2024, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.involvement_end(involvement=inv, actor=team_manager, end_date=when, reason="Left the school")
    assert message(exc) == {"end_date": [text]}
    inv.refresh_from_db()
    assert inv.end_date is None
    assert services.involvement_end(involvement=inv, actor=team_manager, end_date=TODAY,
                                    reason="Left the school").end_date == TODAY


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "The start date must be 1 January 1900 or later"),
    (TOMORROW, "The start date must be today or in the past"),
])
def test_a_relationship_starts_between_1900_and_today(child, social_worker, when, text):
    with pytest.raises(ValidationError) as exc:
        services.relationship_add(child=child, adult=AdultFactory(), actor=social_worker, kind="mother",
                                  start_date=when)
    assert message(exc) == {"start_date": [text]}
    assert not Relationship.objects.exists()


def test_a_relationship_cannot_be_ended_in_the_future(child, social_worker):
    rel = RelationshipFactory(child=child, adult=AdultFactory())
    with pytest.raises(ValidationError) as exc:
        services.relationship_end(relationship=rel, actor=social_worker, end_date=TOMORROW, reason="Moved out")
    assert message(exc) == {"end_date": ["The end date must be today or in the past"]}
    rel.refresh_from_db()
    assert rel.end_date is None


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "The date they moved in must be 1 January 1900 or later"),
    (TOMORROW, "The date they moved in must be today or in the past"),
])
def test_an_address_starts_between_1900_and_today(child, social_worker, when, text):
    with pytest.raises(ValidationError) as exc:
        services.child_address_set(child=child, actor=social_worker, line_1="1 Mill Lane", town="Northmoor",
                                   postcode="NM1 2AB", start_date=when)
    assert message(exc) == {"start_date": [text]}
    assert not ChildAddress.objects.exists()


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "Date of birth must be 1 January 1900 or later"),
    (TOMORROW, "Date of birth must be today or in the past"),
])
def test_an_adults_date_of_birth_is_between_1900_and_today(social_worker, when, text):
    with pytest.raises(ValidationError) as exc:
        services.adult_create(actor=social_worker, data={"surname": "Hart", "date_of_birth": when})
    assert message(exc) == {"date_of_birth": [text]}
    assert not Adult.objects.exists()
    assert services.adult_create(actor=social_worker, data={"surname": "Hart",
                                                            "date_of_birth": datetime.date(1900, 1, 1)}).pk


@pytest.mark.parametrize(("when", "text"), [
    (TOO_EARLY, "The start date must be 1 January 1900 or later"),
    (TOMORROW, "The start date must be today or in the past"),
])
def test_a_household_starts_between_1900_and_today(child, social_worker, when, text):
    with pytest.raises(ValidationError) as exc:
        services.household_create(actor=social_worker, name="Mother's home", children=[child], start_date=when)
    assert message(exc) == {"start_date": [text]}
    assert not Household.objects.exists()


def test_an_unborn_childs_passed_expected_date_does_not_block_other_corrections(la, social_worker):
    """The bounds apply to the dates a change sets: a long-passed expected date that was right when it was
    recorded does not stop a correction of the name, but it cannot be set again."""
    unborn = UnbornChildFactory(local_authority=la, legal_surname="Unborn Baker",
                                expected_date_of_birth=TODAY - datetime.timedelta(days=90))
    fixed = services.child_update(child=unborn, actor=social_worker, reason="Spelling",
                                  changes={"legal_surname": "Unborn Bakker"})
    assert fixed.legal_surname == "Unborn Bakker"
    with pytest.raises(ValidationError) as exc:
        services.child_update(child=unborn, actor=social_worker, reason="New date",
                              changes={"expected_date_of_birth": TODAY - datetime.timedelta(days=60)})
    assert list(message(exc)) == ["expected_date_of_birth"]
