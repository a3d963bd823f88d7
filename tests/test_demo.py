"""`manage.py load_demo`: one login per role, children in varied states, idempotent, logins table."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import Adult, Child, ChildAddress, ChildAlias, ChronologyEntry, Involvement, Relationship
from cases.policies import child_policy
from cases.services import child_update, duplicate_candidates
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.demo import data
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

SMALL = 20
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


def test_creates_the_agencies_and_one_login_for_each_role():
    load_small()

    la = Agency.objects.get(name=data.LA.name)
    assert la.kind == AgencyKind.LOCAL_AUTHORITY and la.statutory_partner
    assert set(Agency.objects.filter(statutory_partner=True).values_list("kind", flat=True)) == {
        AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH}
    assert Agency.objects.filter(kind=AgencyKind.EDUCATION).count() == 6
    assert Agency.objects.filter(kind=AgencyKind.PROBATION).exists()
    assert Agency.objects.filter(kind=AgencyKind.VOLUNTARY).exists()
    assert {"Assessment Team", "Child in Need Team", "Child Protection Team", "Children in Care Team",
            "Safeguarding & Quality Assurance Unit"} <= set(la.teams.values_list("name", flat=True))

    for role in set(Role) - {Role.API_CLIENT}:
        assert Membership.objects.filter(user__email__endswith=f"@{data.EMAIL_DOMAIN}",
                                         roles__contains=[role]).exists(), role
    for spec in data.LOGINS:
        user = login(spec.key)
        membership = user.memberships.get()
        assert membership.roles == [spec.role]
        assert membership.agency.name == data.AGENCY_BY_KEY[spec.agency].name
        assert user.check_password(data.DEMO_PASSWORD)
        assert user.is_staff == user.is_superuser == spec.admin
    partner_kinds = {login(key).memberships.get().agency.kind for key in data.PARTNER_LOGINS}
    assert partner_kinds == {AgencyKind.POLICE, AgencyKind.EDUCATION, AgencyKind.HEALTH}
    assert login("admin").is_superuser

    assert demo_children().count() == SMALL


def test_children_are_valid_and_in_varied_states():
    load_small()
    children = list(demo_children())
    today = timezone.localdate()

    for child in children:
        if child.nhs_number:
            assert validate_nhs_number(child.nhs_number) == child.nhs_number
        if child.upn:
            assert validate_upn(child.upn) == child.upn
        if child.date_of_birth:
            assert today - timedelta(days=18 * 366) < child.date_of_birth <= today
        else:
            assert child.expected_date_of_birth > today and not child.nhs_number and not child.upn
    assert sum(bool(c.nhs_number) for c in children) >= SMALL * 0.7
    assert any(c.upn for c in children)
    assert any(c.is_unborn for c in children)

    restricted = [c for c in children if c.restricted]
    assert 2 <= len(restricted) <= 3
    for child in restricted:
        assert login("service_manager") in child.named_people.all()
    assert sum(c.status == Child.Status.CLOSED for c in children) == 2
    assert any(c.allocated_social_worker_id is None for c in children)
    assert any(c.allocated_social_worker == login("social_worker") for c in children)
    assert Involvement.objects.filter(end_date__isnull=False).exists()
    significances = set(ChronologyEntry.objects.values_list("significance", flat=True))
    assert significances == set(ChronologyEntry.Significance.values)
    assert Relationship.objects.filter(child__in=children).exists()
    assert ChildAddress.objects.filter(child__in=children, end_date__isnull=True).count() == SMALL


def test_partner_practitioners_and_the_social_worker_see_children():
    load_small()

    for key in data.PARTNER_LOGINS:
        user = login(key)
        visible = child_policy.visible(AccessContext.for_user(user))
        assert visible.exists(), key
        agency = user.memberships.get().agency
        for child in visible:
            assert child.involvements.filter(agency=agency, end_date__isnull=True).exists()

    social_worker = login("social_worker")
    visible = child_policy.visible(AccessContext.for_user(social_worker))
    assert visible.filter(allocated_social_worker=social_worker).exists()
    assert visible.filter(restricted=True).exists()  # the one naming them
    service_manager = child_policy.visible(AccessContext.for_user(login("service_manager")))
    assert service_manager.count() == SMALL  # named on every restricted record


def test_near_duplicates_can_be_found():
    load_small()
    kaydan = demo_children().get(legal_first_names="Kaydan")
    visible = child_policy.visible(AccessContext.for_user(login("service_manager")))

    candidates = duplicate_candidates(visible_children=visible, exclude_pk=kaydan.pk, data={
        "legal_first_names": kaydan.legal_first_names, "legal_surname": kaydan.legal_surname,
        "date_of_birth": kaydan.date_of_birth})

    assert [c.child.legal_first_names.split()[0] for c in candidates] == ["Kayden"]
    assert "day and month of birth transposed" in candidates[0].reasons


def test_running_twice_keeps_changes_and_duplicates_nothing():
    load_small()
    child = demo_children().filter(date_of_birth__isnull=False).order_by("pk").first()
    social_worker = login("social_worker")
    child_update(child=child, actor=social_worker, reason="Known by a nickname",
                 changes={"preferred_name": "Ziggy"})
    social_worker.set_password("a-new-password-of-my-own")
    social_worker.full_name = "Sam Patel-Jones"
    social_worker.save()
    police = Agency.objects.get(name="Northmoor Constabulary")
    police.name = "Northmoor Police Service"
    police.save()
    before = counts()

    out = load_demo("--children", "50")

    assert counts() == before
    assert "Skipped generating children" in out
    child.refresh_from_db()
    assert child.preferred_name == "Ziggy"
    social_worker.refresh_from_db()
    assert social_worker.check_password("a-new-password-of-my-own")
    assert social_worker.full_name == "Sam Patel-Jones"
    assert not Agency.objects.filter(name="Northmoor Constabulary").exists()  # found again by its public id


def test_adopts_an_existing_council_of_the_same_name():
    la = LocalAuthorityFactory(name=data.LA.name)

    load_small()

    assert Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY).get() == la
    assert Child.objects.filter(local_authority=la).count() == SMALL
    assert login("service_manager").memberships.get().agency == la


def test_the_same_seed_gives_the_same_world():
    def snapshot():
        return list(demo_children().order_by("pk").values_list(
            "legal_first_names", "legal_surname", "date_of_birth", "nhs_number", "upn",
            "allocated_team__name", "allocated_social_worker__full_name"))

    with transaction.atomic():
        load_small()
        first = snapshot()
        transaction.set_rollback(True)
    assert not demo_children().exists()

    load_small()

    assert snapshot() == first


def test_print_logins_before_loading_says_so_and_changes_nothing():
    before = counts()

    out = load_demo("--print-logins")

    assert "has not been loaded yet" in out
    assert counts() == before


def test_print_logins_lists_every_role_and_changes_nothing():
    load_small()
    before = counts()

    out = load_demo("--print-logins")

    assert counts() == before
    lines = out.strip().splitlines()
    assert lines[0].split() == ["Role", "Email", "Password"]
    assert len(lines) == 2 + len(data.LOGINS)
    for spec in data.LOGINS:
        assert any(spec.label in line and spec.email in line and data.DEMO_PASSWORD in line for line in lines)
    for role in set(Role) - {Role.API_CLIENT}:
        assert role.label in out


def test_load_output_documents_the_password():
    out = load_small()

    assert data.DEMO_PASSWORD in out
    assert data.LOGIN_BY_KEY["social_worker"].email in out
    assert f"{SMALL} children" in out


def test_rejects_a_negative_number_of_children():
    with pytest.raises(CommandError):
        load_demo("--children", "-1")


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        load_demo("--children", "1")

    assert not Agency.objects.exists()


def test_default_size_with_on_commit_callbacks_run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()

    assert demo_children().count() == data.DEFAULT_CHILDREN
    caseload = demo_children().filter(allocated_social_worker=login("social_worker")).count()
    assert 10 <= caseload <= 20
    assert demo_children().filter(allocated_social_worker__isnull=True, status=Child.Status.OPEN).exists()
    assert 2 <= demo_children().filter(restricted=True).count() <= 3
    for key in data.PARTNER_LOGINS:
        assert child_policy.visible(AccessContext.for_user(login(key))).exists(), key
    for child in demo_children().exclude(nhs_number=""):
        validate_nhs_number(child.nhs_number)
    for child in demo_children().exclude(upn=""):
        validate_upn(child.upn)
