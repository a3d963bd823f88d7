"""Statements compiled once (safeguarding.records.statements, ADR 31), against the real database: the rows and
instances a cached statement gives are the ones Django gives for the same queryset; a builder that hides an
argument is refused; a key that misses something is caught where checking is on."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Value
from django.db.models.functions import JSONObject
from django.test import override_settings
from django.utils import timezone

from cases.models import Child
from safeguarding.accounts.models import Role
from safeguarding.records.statements import Statements, StatementShapeError
from tests.factories import ChildFactory, LocalAuthorityFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def children():
    la = LocalAuthorityFactory()
    team = TeamFactory(agency=la)
    worker = make_user(la, Role.SOCIAL_WORKER, team=team)
    return [ChildFactory(local_authority=la, allocated_team=team, allocated_social_worker=worker) for _ in range(3)]


def by_pk(pk):
    return (Child.objects.filter(pk=pk).select_related("allocated_social_worker", "local_authority")
            .annotate(named=Count("named_people"), seven=Value(7)))


def test_instances_load_as_django_loads_them(children):
    cache = Statements("test")
    for child in children:  # the first builds, the next two reuse
        [got] = cache.instances("by pk", by_pk, child.pk)
        [want] = list(by_pk(child.pk))
        assert got.pk == want.pk == child.pk
        assert {f.attname: getattr(got, f.attname) for f in Child._meta.concrete_fields} == \
            {f.attname: getattr(want, f.attname) for f in Child._meta.concrete_fields}
        # select_related loaded with the row, annotations as attributes
        assert got.allocated_social_worker == want.allocated_social_worker
        assert got.local_authority.name == want.local_authority.name
        assert (got.named, got.seven) == (want.named, want.seven) == (0, 7)
    assert len(cache._cache) == 1


def test_rows_convert_their_columns_as_values_does(children):
    cache = Statements("test")

    def build(pk):
        return Child.objects.filter(pk=pk).values("public_id", "date_of_birth",
                                                  row=JSONObject(surname=F("legal_surname"), born=F("date_of_birth")))
    for child in children:
        assert cache.rows("values", build, child.pk) == list(build(child.pk))
        assert isinstance(cache.first("values", build, child.pk)["row"], dict)


def test_a_missing_record_and_an_empty_query_give_nothing(children):
    cache = Statements("test")
    assert cache.instances("by pk", by_pk, 10**12) == []
    assert cache.instances("none", lambda pk: Child.objects.filter(pk=pk).none(), children[0].pk) == []


def test_a_builder_that_drops_an_argument_is_refused(children):
    cache = Statements("test")
    with pytest.raises(StatementShapeError, match="do not reach the parameters"):
        cache.instances("ignores its argument", lambda pk: Child.objects.filter(pk=children[0].pk), children[1].pk)
    # an optional trailing argument may be absent
    assert [c.pk for c in cache.instances("optional", lambda pk, now: by_pk(pk), children[1].pk, timezone.now(),
                                          optional=1)] == [children[1].pk]


def test_a_key_that_misses_what_the_query_depends_on_fails_where_checked(children):
    cache = Statements("test")
    outside = {"surname": children[0].legal_surname}

    def build(pk):  # depends on a value that is neither an argument nor in the key
        return Child.objects.filter(pk=pk, legal_surname=outside["surname"])

    with override_settings(STATEMENTS_CHECKED=True):
        assert [c.pk for c in cache.instances("k", build, children[0].pk)] == [children[0].pk]
        outside["surname"] = "Someone-Else"
        with pytest.raises(StatementShapeError, match="parameters"):
            cache.instances("k", build, children[0].pk)
    outside["surname"] = children[0].legal_surname
    with override_settings(STATEMENTS_CHECKED=False):  # unchecked, the cached statement is what runs
        assert [c.pk for c in cache.instances("k", build, children[0].pk)] == [children[0].pk]
        outside["surname"] = "Someone-Else"
        assert [c.pk for c in cache.instances("k", build, children[0].pk)] == [children[0].pk]


def test_the_cache_is_bounded(children):
    cache = Statements("test", size=2)
    for i in range(5):
        cache.instances(("shape", i), by_pk, children[0].pk)
    assert list(cache._cache) == [("shape", 3), ("shape", 4)]


def test_a_changed_setting_starts_every_cache_again(children):
    """A test that overrides a setting may change what a builder builds: the caches forget what they hold."""
    cache = Statements("test")
    cache.instances("by pk", by_pk, children[0].pk)
    assert len(cache._cache) == 1
    with override_settings(LADO_RESOLUTION_TARGETS={}):
        assert len(cache._cache) == 0
