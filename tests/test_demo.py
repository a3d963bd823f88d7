"""`manage.py load_demo`: one login per role, children in varied states, idempotent, logins table."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cases.models import Adult, Child, ChildAddress, ChildAlias, ChronologyEntry, Involvement, Relationship
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Team, User
from safeguarding.demo import data
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

# A small world for the tests that load their own (the demo world of tests/test_demo_world.py is the default size):
# each child costs about a third of a second to load.
SMALL = 8
MODELS = (Agency, Team, User, Membership, Child, Adult, Relationship, Involvement, ChronologyEntry,
          ChildAddress, ChildAlias)


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def load_small() -> str:
    return load_demo("--children", str(SMALL))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def login(key: str) -> User:
    return User.objects.get(email=data.LOGIN_BY_KEY[key].email)


def demo_children():
    return Child.objects.filter(local_authority__name=data.LA.name)


def test_adopts_an_existing_council_of_the_same_name():
    la = LocalAuthorityFactory(name=data.LA.name)

    load_small()

    assert Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY).get() == la
    assert Child.objects.filter(local_authority=la).count() == SMALL
    assert login("service_manager").memberships.get().agency == la


def test_the_same_seed_gives_the_same_world():
    """Two loads, each of SMALL children, compared by their children and by the count of every kind of record the
    loader writes."""
    def snapshot():
        children = list(demo_children().order_by("pk").values_list(
            "legal_first_names", "legal_surname", "date_of_birth", "nhs_number", "upn",
            "allocated_team__name", "allocated_social_worker__full_name"))
        return children, counts()

    with transaction.atomic():
        load_small()
        first = snapshot()
        transaction.set_rollback(True)
    assert not demo_children().exists()
    assert len(first[0]) == SMALL

    load_small()

    assert snapshot() == first


def test_print_logins_before_loading_says_so_and_changes_nothing():
    before = counts()

    out = load_demo("--print-logins")

    assert "has not been loaded yet" in out
    assert counts() == before


def test_rejects_a_negative_number_of_children():
    with pytest.raises(CommandError):
        load_demo("--children", "-1")


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        load_demo("--children", "1")

    assert not Agency.objects.exists()
