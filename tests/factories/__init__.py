"""factory_boy factories named after states. Faker in en_GB; identifiers valid by construction."""

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.identifiers import make_nhs_number, make_upn
from cases.models import Adult, Child, ChronologyEntry, Involvement, Relationship, RelationshipKind
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User

factory.Faker._DEFAULT_LOCALE = "en_GB"


def _nhs(n):
    # walk 9-digit prefixes until one has a valid check digit (1 in 11 has none)
    i = n * 13 + 400000000
    while True:
        number = make_nhs_number(f"{i:09d}")
        if number:
            return number
        i += 1


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.OTHER


class LocalAuthorityFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Borough Council {n}")
    kind = AgencyKind.LOCAL_AUTHORITY
    statutory_partner = True


class PoliceFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Constabulary {n}")
    kind = AgencyKind.POLICE
    statutory_partner = True


class HealthFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Health Trust {n}")
    kind = AgencyKind.HEALTH
    statutory_partner = True


class SchoolFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Primary School {n}")
    kind = AgencyKind.EDUCATION


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(LocalAuthorityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    """A person. Pass ``agency`` and ``roles`` (and optionally ``team``) to give them a membership.

    ``password`` is the raw password (default ``PASSWORD``): it is hashed as ``set_password`` would hash
    it before the row is written, so that a person costs one INSERT (and its history row), not an INSERT
    and an UPDATE."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = PASSWORD

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["password"] = make_password(kwargs.get("password"))  # None: an unusable password
        return kwargs

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        agency = kwargs.get("agency")
        roles = kwargs.get("roles")
        if create and agency is not None and roles:
            Membership.objects.create(user=self, agency=agency, roles=list(roles), team=kwargs.get("team"))


def make_user(agency, *roles, team=None, **kwargs) -> User:
    return UserFactory(membership__agency=agency, membership__roles=list(roles), membership__team=team, **kwargs)


class ChildFactory(DjangoModelFactory):
    """An open, unrestricted child with valid identifiers, held by a local authority."""

    class Meta:
        model = Child
        skip_postgeneration_save = True

    legal_first_names = factory.Faker("first_name")
    legal_surname = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date="-16y", end_date="-1y")
    nhs_number = factory.Sequence(_nhs)
    upn = factory.Sequence(lambda n: make_upn(f"93{n % 10}1234{20 + n % 10}{n % 1000:03d}".replace(" ", "")[:12]))
    local_child_id = factory.Sequence(lambda n: f"T{n:07d}")
    # The same authority as the ``la`` fixture (get-or-create by name): pass another one explicitly.
    local_authority = factory.SubFactory(LocalAuthorityFactory, name="Northmoor Borough Council")


class UnbornChildFactory(ChildFactory):
    legal_first_names = ""
    legal_surname = factory.Faker("last_name")
    date_of_birth = None
    expected_date_of_birth = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    nhs_number = ""
    upn = ""


class RestrictedChildFactory(ChildFactory):
    restricted = True

    @factory.post_generation
    def named(self, create, extracted, **kwargs):
        if create and extracted:
            self.named_people.set(extracted)


class AdultFactory(DjangoModelFactory):
    class Meta:
        model = Adult

    first_names = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date="-60y", end_date="-18y")


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    child = factory.SubFactory(ChildFactory)
    adult = factory.SubFactory(AdultFactory)
    kind = RelationshipKind.MOTHER
    parental_responsibility = True


class InvolvementFactory(DjangoModelFactory):
    """An open involvement of an agency with a child."""

    class Meta:
        model = Involvement

    child = factory.SubFactory(ChildFactory)
    agency = factory.SubFactory(SchoolFactory)
    role = "Designated safeguarding lead"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))


class ClosedInvolvementFactory(InvolvementFactory):
    end_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


class ChronologyEntryFactory(DjangoModelFactory):
    class Meta:
        model = ChronologyEntry

    child = factory.SubFactory(ChildFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    source_agency = factory.SubFactory(SchoolFactory)
    recorded_by = factory.SubFactory(UserFactory)
    summary = factory.Faker("paragraph")


__all__ = [
    "AdultFactory", "AgencyFactory", "ChildFactory", "ChronologyEntryFactory", "ClosedInvolvementFactory",
    "HealthFactory", "InvolvementFactory", "LocalAuthorityFactory", "PoliceFactory", "RelationshipFactory",
    "RestrictedChildFactory", "Role", "SchoolFactory", "TeamFactory", "UnbornChildFactory", "UserFactory", "make_user",
]
