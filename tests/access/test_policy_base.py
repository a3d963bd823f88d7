"""The access kernel: sealed base views, Policy's action check, and AccessContext.for_user."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.test import RequestFactory
from django.views.generic import DetailView, ListView, TemplateView
from rest_framework import mixins

from cases.models import Child
from cases.policies import ChildPolicy, child_policy
from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy
from safeguarding.access.views import PolicyViewMixin, PolicyViewSet
from safeguarding.accounts.models import AgencyKind, Membership, Role
from safeguarding.accounts.services import api_client_create
from tests.factories import AgencyFactory, ChildFactory, TeamFactory, UserFactory, make_user

# --- sealed base classes -------------------------------------------------------------------------

BASES = [
    pytest.param((PolicyViewMixin, TemplateView), id="view-mixin"),
    pytest.param((mixins.RetrieveModelMixin, PolicyViewSet), id="viewset"),
]


def make_class(bases, **attrs):
    return type("Probe", bases, attrs)


@pytest.mark.parametrize("bases", BASES)
def test_a_well_formed_subclass_is_accepted(bases):
    cls = make_class(bases, policy=child_policy, shape_queryset=lambda self, qs: qs.order_by("id"))
    assert cls.policy is child_policy


@pytest.mark.parametrize("bases", BASES)
@pytest.mark.parametrize("name", ["get_queryset", "get_object"])
def test_overriding_get_queryset_or_get_object_is_refused(bases, name):
    with pytest.raises(TypeError, match=f"overrides {name}"):
        make_class(bases, policy=child_policy, **{name: lambda self, *a, **k: Child.objects.all()})


@pytest.mark.parametrize("bases", BASES)
@pytest.mark.parametrize(
    "policy", [None, ChildPolicy, "child_policy", object()], ids=["none", "class", "str", "obj"]
)
def test_a_subclass_without_a_policy_instance_is_refused(bases, policy):
    attrs = {} if policy is None else {"policy": policy}
    with pytest.raises(ImproperlyConfigured, match="must set policy"):
        make_class(bases, **attrs)


def test_a_class_statement_is_refused_too():
    with pytest.raises(TypeError):

        class Sneaky(PolicyViewMixin, TemplateView):  # noqa: F841
            policy = child_policy

            def get_queryset(self):
                return Child.objects.all()


@pytest.mark.parametrize("bases", BASES)
def test_an_abstract_intermediate_may_leave_the_policy_to_its_subclasses(bases):
    abstract = make_class(bases, abstract=True)
    with pytest.raises(ImproperlyConfigured):
        type("Concrete", (abstract,), {})
    assert type("Concrete", (abstract,), {"policy": child_policy})


class _SneakyQueryset:
    def get_queryset(self):
        return Child.objects.all()


class _SneakyObject:
    def get_object(self, queryset=None):
        return Child.objects.first()


@pytest.mark.parametrize(
    "bases",
    [
        pytest.param((_SneakyQueryset, PolicyViewMixin, TemplateView), id="mixin-before-the-base"),
        pytest.param((_SneakyObject, PolicyViewMixin, TemplateView), id="object-mixin-before-the-base"),
        pytest.param((ListView, PolicyViewMixin), id="django-view-before-the-base"),
        pytest.param((DetailView, PolicyViewMixin), id="detail-view-before-the-base"),
        pytest.param(
            (_SneakyQueryset, mixins.ListModelMixin, PolicyViewSet), id="viewset-mixin-before-the-base"
        ),
        pytest.param((_SneakyObject, mixins.RetrieveModelMixin, PolicyViewSet), id="viewset-object-mixin"),
    ],
)
def test_an_override_inherited_from_another_class_is_refused(bases):
    with pytest.raises(TypeError, match="overrides"):
        make_class(bases, policy=child_policy)


def test_an_override_hidden_in_an_abstract_intermediate_is_refused():
    hidden = make_class(
        (PolicyViewMixin, TemplateView), abstract=True, get_queryset=lambda self: Child.objects.all()
    )
    with pytest.raises(TypeError, match="overrides get_queryset"):
        type("Concrete", (hidden,), {"policy": child_policy})


def test_the_projects_own_views_pass_the_seal():
    from cases import views
    from cases.api.views import ChildViewSet

    for cls in (
        views.SearchView,
        views.ChildDetailView,
        views.ChildEditView,
        views.BreakGlassView,
        views.AccessLogView,
        ChildViewSet,
    ):
        assert cls.get_queryset in (PolicyViewMixin.get_queryset, PolicyViewSet.get_queryset)
        assert cls.get_object in (PolicyViewMixin.get_object, PolicyViewSet.get_object)


@pytest.mark.django_db
def test_the_view_mixin_answers_404_for_a_forbidden_child_and_uses_its_action(
    la, team, social_worker, other_social_worker
):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    view_cls = make_class((PolicyViewMixin, TemplateView), policy=child_policy, action="edit")

    def get(user):
        request = RequestFactory().get("/")
        request.user = user
        request.access = AccessContext.for_user(user)
        view = view_cls()
        view.setup(request, public_id=str(child.public_id))
        return view

    assert get(social_worker).get_object() == child
    assert list(get(social_worker).get_queryset()) == [child]
    with pytest.raises(Http404):
        get(other_social_worker).get_object()
    assert list(get(other_social_worker).get_queryset()) == []


# --- Policy._check_action ------------------------------------------------------------------------


class _ViewOnly(Policy):
    model = Child

    def visible(self, ctx, action="view"):
        self._check_action(action)
        return Child.objects.all()


@pytest.mark.parametrize("action", ["delete", "update", "create", "View", "", "view ", "edit"])
def test_unknown_actions_are_a_programming_error(action):
    with pytest.raises(ValueError, match="has no action"):
        _ViewOnly()._check_action(action)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["delete", "update", "create", "View", "read", ""])
def test_child_policy_rejects_unknown_actions_in_all_three_answers(social_worker, action):
    child = ChildFactory()
    ctx = AccessContext.for_user(social_worker)
    with pytest.raises(ValueError, match="ChildPolicy has no action"):
        child_policy.visible(ctx, action)
    with pytest.raises(ValueError, match="ChildPolicy has no action"):
        child_policy.can(ctx, action, child)
    with pytest.raises(ValueError, match="ChildPolicy has no action"):
        child_policy.get_for(ctx, child.public_id, action)
    # checked before anything else: even an anonymous context or a malformed id gets the error
    with pytest.raises(ValueError):
        child_policy.can(AccessContext.for_user(None), action, child)
    with pytest.raises(ValueError):
        child_policy.get_for(ctx, "not-a-uuid", action)


def test_known_actions_pass():
    for action in child_policy.actions:
        child_policy._check_action(action)
    _ViewOnly()._check_action("view")


def test_base_policy_has_no_visible():
    with pytest.raises(NotImplementedError):
        Policy().visible(AccessContext.for_user(None))


@pytest.mark.django_db
def test_can_is_false_for_an_unsaved_or_missing_record(social_worker):
    ctx = AccessContext.for_user(social_worker)
    assert not child_policy.can(ctx, "view", Child(legal_surname="Unsaved"))
    assert not child_policy.can(ctx, "view", None)


# --- AccessContext.for_user ----------------------------------------------------------------------


@pytest.mark.django_db
def test_for_user_builds_in_one_query_with_the_right_facts(
    django_assert_num_queries, la, other_la, team, school
):
    person = make_user(la, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, team=team, full_name="Two Hats")
    Membership.objects.create(user=person, agency=school, roles=[Role.PARTNER_PRACTITIONER])
    Membership.objects.create(user=person, agency=other_la, roles=[Role.SERVICE_MANAGER], is_active=False)
    closed = AgencyFactory(name="Closed Agency", kind=AgencyKind.VOLUNTARY, is_active=False)
    Membership.objects.create(user=person, agency=closed, roles=[Role.LADO_OFFICER])

    with django_assert_num_queries(1):
        ctx = AccessContext.for_user(person)
        # everything derived is computed from the memberships already loaded
        facts = (
            ctx.roles,
            ctx.agency_ids,
            ctx.team_ids,
            ctx.local_authority_ids,
            ctx.is_api_client,
            ctx.agency_name,
            ctx.role_labels,
            ctx.agency_ids_with_role(Role.SERVICE_MANAGER),
            ctx.team_ids_with_role(Role.TEAM_MANAGER),
            ctx.has_role(Role.LADO_OFFICER),
        )

    assert facts[0] == {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.PARTNER_PRACTITIONER}
    assert ctx.is_authenticated and ctx.user_id == person.pk
    assert ctx.agency_ids == {la.pk, school.pk}  # not the ended membership, not the closed agency
    assert ctx.team_ids == {team.pk}
    assert ctx.local_authority_ids == {la.pk}
    assert ctx.agency_ids_with_role(Role.PARTNER_PRACTITIONER) == {school.pk}
    assert ctx.agency_ids_with_role(Role.SOCIAL_WORKER, Role.PARTNER_PRACTITIONER) == {la.pk, school.pk}
    assert ctx.agency_ids_with_role(Role.SERVICE_MANAGER) == frozenset()
    assert ctx.team_ids_with_role(Role.TEAM_MANAGER) == {team.pk}
    assert ctx.team_ids_with_role(Role.PARTNER_PRACTITIONER) == frozenset()
    assert not ctx.has_role(Role.LADO_OFFICER, Role.SERVICE_MANAGER)
    assert ctx.has_role(Role.LADO_OFFICER, Role.TEAM_MANAGER)
    assert not ctx.is_api_client
    assert ctx.agency_name == "Northmoor Borough Council, Oakfield Primary School"
    assert ctx.role_labels == ["Partner agency practitioner", "Social worker", "Team manager"]


@pytest.mark.django_db
def test_for_user_separates_roles_by_agency(la, team, school):
    # a partner practitioner at a school who is also an LA administrator gets no team or LA-manager facts
    person = make_user(school, Role.PARTNER_PRACTITIONER, full_name="Split Roles")
    other_team = TeamFactory(agency=la, name="Admin Team")
    Membership.objects.create(user=person, agency=la, roles=[Role.ADMINISTRATOR], team=other_team)
    ctx = AccessContext.for_user(person)
    assert ctx.team_ids == {other_team.pk}
    assert ctx.team_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER) == frozenset()
    assert ctx.agency_ids_with_role(Role.PARTNER_PRACTITIONER) == {school.pk}
    assert ctx.local_authority_ids == {la.pk}


@pytest.mark.django_db
def test_for_user_of_an_api_client(django_assert_num_queries, school):
    client, _token = api_client_create(agency=school, name="School MIS")
    with django_assert_num_queries(1):
        ctx = AccessContext.for_user(client.user)
    assert ctx.is_api_client
    assert ctx.roles == {Role.API_CLIENT}
    assert ctx.agency_ids == {school.pk}
    assert ctx.agency_ids_with_role(Role.API_CLIENT) == {school.pk}


@pytest.mark.django_db
def test_for_user_without_memberships(django_assert_num_queries):
    person = UserFactory()
    with django_assert_num_queries(1):
        ctx = AccessContext.for_user(person)
    assert ctx.is_authenticated
    assert ctx.roles == frozenset() and ctx.agency_ids == frozenset() and ctx.team_ids == frozenset()
    assert not ctx.has_role(*Role.values)


@pytest.mark.django_db
def test_for_user_of_nobody_costs_nothing(django_assert_num_queries, la):
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user(la, Role.SERVICE_MANAGER, full_name="Inactive Person")
    inactive.is_active = False
    inactive.save()
    for who in (None, AnonymousUser(), inactive):
        with django_assert_num_queries(0):
            ctx = AccessContext.for_user(who)
            assert not ctx.is_authenticated
            assert ctx.user_id is None
            assert ctx.roles == frozenset() and ctx.memberships == ()
