"""The policy pattern: one policy per protected entity, three answers.

- ``visible(ctx, action)``: the queryset of records ``ctx`` may reach for ``action``;
- ``can(ctx, action, obj)``: a yes/no for one record;
- ``get_for(ctx, public_id, action)``: the record, or ``Http404`` whether it is missing or forbidden.

A policy answers only for the actions it names in ``actions``; any other action is a programming error.

Visibility is built for a million rows (ADR 11): the union of arms (``arm UNION ALL arm ...``), each
arm a small queryset of ids that one index serves, built once per request and kept on the
``AccessContext`` (``ctx.remember``). The same builder serves lists and counts (``visible``: ``pk =
ANY(ARRAY(union))``, ``any_ids``) and ``get_for`` and ``can`` (``probe``: each arm probed with the row's
key, ``exists_any``). ``get_for`` filters by id and visibility in one query, so a
missing and a forbidden record take the same path; it can also answer other questions about the row
it fetches (``answers``), which ``can`` then reads instead of asking the database again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from safeguarding.records.statements import Statements

from .context import AccessContext

NOTHING = Q(pk__in=[])
ANSWER_PREFIX = "policy_may_"


# get_for's statement per policy, action, page shape and person's access facts (ADR 31)
_GET_FOR = Statements("a policy's get_for", size=512)
_ANY_OF = Statements("a policy's can", size=512)


def _shape_key(shape) -> object | None:
    """What identifies a page's ``shape`` across requests: the function (a bound method's, whatever its
    instance); None for a closure over anything but its class (``super()``), which may carry a request's
    values (its statement is then not kept). A method that reads its request is caught where statements are
    checked (ADR 31)."""
    if shape is None:
        return ()
    func = getattr(shape, "__func__", shape)
    code = getattr(func, "__code__", None)
    if code is None or set(code.co_freevars) - {"__class__"}:
        return None
    return func


def _answer_alias(name: str) -> str:
    return ANSWER_PREFIX + re.sub(r"\W", "_", name)


def union_all(arms: Iterable[QuerySet | None]) -> QuerySet | None:
    """One id set from several: the arms (querysets that each select one id column, or None for an arm
    that does not apply to this person) as ``arm UNION ALL arm ...``; None when no arm applies.
    Duplicates do not matter: the set is only ever used on the right of ``IN``."""
    arms = [arm.order_by() for arm in arms if arm is not None]
    if not arms:
        return None
    first, *rest = arms
    return first.union(*rest, all=True) if rest else first


class AnyOf(Func):
    """``field = ANY(ARRAY(subquery))``: the id set is computed once (an InitPlan) and the rows are then
    read by the index on ``field``, whatever the planner guesses of the set's size."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):
        field, array = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        array_sql, array_params = compiler.compile(array)
        return f"{field_sql} = ANY({array_sql})", (*field_params, *array_params)


class _Array(Func):
    """``ARRAY(subquery)`` of a compiled id set (``compiled``)."""

    def as_sql(self, compiler, connection, **extra_context):
        (inner,) = self.get_source_expressions()
        sql, params = compiler.compile(inner)
        return f"ARRAY{sql}", params


def compiled(ids: QuerySet | None) -> RawSQL | None:
    """An uncorrelated id set as its SQL, compiled once: kept on the ``AccessContext`` for the request
    and nested as often as need be (in ``IN (...)`` and ``ANY(ARRAY(...))``) without the ORM resolving
    and compiling the whole subquery tree again each time (that, not the database, was most of a page's
    time with the sets nested in every policy)."""
    if ids is None:
        return None
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # a set that can hold nothing (no arm applies): matches nothing, as None does
        return None
    return RawSQL(sql, params)


def _ids_of(arms) -> QuerySet | RawSQL | None:
    if arms is None or isinstance(arms, QuerySet | RawSQL):
        return arms
    return union_all(arms)


def in_ids(arms: Iterable[QuerySet | None] | QuerySet | RawSQL | None, field: str = "pk") -> Q:
    """``field IN (the union of the arms)``, or a Q that matches nothing when no arm applies: the form
    for finding rows by key (``Policy.probe``), where the planner carries the key into every arm."""
    ids = _ids_of(arms)
    if ids is None:
        return NOTHING
    return Q(**{f"{field}__in": ids})


def any_ids(arms: Iterable[QuerySet | None] | QuerySet | RawSQL | None, field: str = "pk") -> Q:
    """``field = ANY(ARRAY(the union of the arms))``, or a Q that matches nothing: the form for lists
    and counts. The set is built once and its rows read by key; an ``IN`` would leave the planner to
    guess the set's size, and a guess too large reads the whole table to join it."""
    ids = _ids_of(arms)
    if ids is None:
        return NOTHING
    return Q(AnyOf(F(field), _Array(ids) if isinstance(ids, RawSQL) else ArraySubquery(ids)))


def exists_any(arms: Iterable[QuerySet | None], field: str = "pk") -> Q:
    """Per row: its ``field`` is in one of the arms, as ``EXISTS (the arm, keyed to the row) OR ...``:
    one correlated probe per arm, by the index on the arm's id column. The form for rows found by key
    (``Policy.probe``), nested as deep as need be: the row's own arms are probed, and the person's whole
    set is never built (``IN (union)`` nested in another query leaves the planner free to build it)."""
    q = None
    for arm in arms:
        if arm is None:
            continue
        (column,) = arm.query.values_select
        probe = Q(Exists(arm.order_by().filter(**{column: OuterRef(field)})))
        q = probe if q is None else q | probe
    return NOTHING if q is None else q


def ids_q(arms: Iterable[QuerySet | None], field: str = "pk", *, probe: bool = False) -> Q:
    """The rows whose ``field`` is in one of the arms: ``exists_any`` to find rows by key (``probe``),
    else ``any_ids``."""
    return exists_any(arms, field) if probe else any_ids(list(arms), field)


def flag(q: Q | None) -> Case | Value:
    """A boolean annotation: true on the rows ``q`` matches (false for None, true for an empty Q)."""
    if q is None:
        return Value(False)
    if not q:
        return Value(True)
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


class Policy:
    model: type[Model]
    actions: tuple[str, ...] = ("view",)

    def _check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} has no action {action!r}; it knows {self.actions}")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        raise NotImplementedError

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        """``visible(ctx, action)`` shaped for finding rows by key (``get_for``, ``can``, the answers,
        the rows of one parent record): the same rows, each arm probed with the row's key
        (``exists_any``). Policies whose ``visible`` reads id sets with ``any_ids`` override it."""
        return self.visible(ctx, action)

    # --- answers worked out on the row fetched -------------------------------------------------------
    def answer_given(self, ctx: AccessContext, fetched: str, name: str) -> Q | Expression | None:
        """On a row ``ctx`` may reach for ``fetched``: a Q on that row that holds exactly when ``ctx`` may
        also do ``name`` (an empty Q: always), or a boolean expression (an ``Exists`` on the row's key),
        or None: this policy has no shortcut, and the row's key is probed in ``visible(ctx, name)``.
        Policies override it for the answers their rows carry."""
        return Q() if name == fetched else None

    def _answer_expression(self, ctx: AccessContext, fetched: str, name: str):
        given = self.answer_given(ctx, fetched, name)
        if isinstance(given, Q):
            return flag(given)
        if given is not None:
            return given
        self._check_action(name)
        return Exists(self.probe(ctx, name).filter(pk=OuterRef("pk")))

    def note_answers(self, ctx: AccessContext, obj: Model, answers: dict[str, bool]) -> None:
        """Remember answers about ``obj`` for ``ctx`` worked out elsewhere in the same query (another
        policy's fetch that joined this record): ``can`` then reads them."""
        known = getattr(obj, "_policy_answers", None)
        found = dict(known[1]) if known is not None and known[0] is self._token(ctx) else {}
        obj._policy_answers = (self._token(ctx), {**found, **answers})

    def _token(self, ctx: AccessContext) -> object:
        return ctx.remember("access.policies.token", object)

    def known_answer(self, ctx: AccessContext, obj: Model, name: str) -> bool | None:
        """What ``get_for(..., answers=...)`` found about ``obj`` for ``ctx`` in this request, if it did."""
        known = getattr(obj, "_policy_answers", None)
        if known is None or known[0] is not self._token(ctx):
            return None
        return known[1].get(name)

    def can(self, ctx: AccessContext, action: str, obj: Model) -> bool:
        self._check_action(action)
        if not ctx.is_authenticated or obj is None or obj.pk is None:
            return False
        known = self.known_answer(ctx, obj, action)
        if known is not None:
            return known
        return self.any_of(ctx, action, "pk", obj.pk)

    def any_of(self, ctx: AccessContext, action: str, field: str, value) -> bool:
        """Whether ``ctx`` may reach (``action``) any record whose ``field`` is ``value`` (one ``LIMIT 1``
        query; compiled once per person and day, ADR 31)."""
        self._check_action(action)
        if not ctx.is_authenticated:
            return False

        def build(value, now=None):
            return self.probe(ctx if now is None else ctx.at(now), action).filter(**{field: value}).values("pk")[:1]
        return bool(_ANY_OF.rows((type(self), action, field, ctx.key, timezone.localdate()), build, value, ctx.now,
                                 optional=1))

    def get_for(self, ctx: AccessContext, public_id, action: str = "view", queryset: QuerySet | None = None,
                answers: Iterable[str] = (), shape: Callable[[QuerySet], QuerySet] | None = None):
        """Fetch by public id. Missing and forbidden both raise the same Http404, from the same one query
        (the id and the visibility filter together).

        ``answers`` names other questions about the record (actions, or names the policy's
        ``answer_given`` knows) worked out in the same query; ``can`` and ``known_answer`` then read
        them for this context instead of asking again. ``shape`` (a page's ``select_related`` and the
        like) is applied to the policy's own queryset, so a page need not name the model."""
        self._check_action(action)
        try:
            public_id = uuid.UUID(str(public_id))
        except (ValueError, TypeError, AttributeError):
            raise Http404("No such record") from None
        names = tuple(dict.fromkeys(answers))

        def build(public_id, now=None):
            at = ctx if now is None else ctx.at(now)
            qs = self.probe(at, action) if queryset is None else queryset & self.probe(at, action)
            if shape is not None:
                qs = shape(qs)
            if names:
                qs = qs.annotate(**{_answer_alias(n): self._answer_expression(at, action, n) for n in names})
            # The row's key from its public id (a scalar subquery, run first), then the key and visibility
            # together: the planner carries the key into every arm of the union (an index probe each)
            # instead of building the person's whole id set to look for one row in it.
            key = self.model._base_manager.filter(public_id=public_id).order_by().values("pk")[:1]
            return qs.filter(pk=Subquery(key))[:2]

        shape_key = _shape_key(shape)
        if queryset is None and shape_key is not None:
            # compiled once per person's access facts and page (ADR 31): only the public id and the moment
            # of the request (ctx.now, where a grant's expiry is compared with it) change between calls
            found = _GET_FOR.instances((type(self), action, names, shape_key, ctx.key, timezone.localdate()),
                                       build, public_id, ctx.now, optional=1)
        else:
            try:
                found = list(build(public_id))
            except ValidationError:
                found = []
        if len(found) != 1:
            raise Http404("No such record")
        obj = found[0]
        if names:
            self.note_answers(ctx, obj, {action: True, **{n: bool(getattr(obj, _answer_alias(n))) for n in names}})
        return obj
