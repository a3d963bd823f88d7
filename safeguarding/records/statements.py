"""Statements compiled once (ADR 31): a query whose SQL is the same on every request but for a few values.

Building a large ``QuerySet`` (the child page's one statement of JSON arrays, a policy's visibility union)
and compiling it to SQL costs far more Python than running it: 40 ms of building against 6 ms of running
for the child's page at 100,000 children. A :class:`Statements` cache builds such a query once per *shape*
(a key the caller gives: everything that changes the SQL, such as which lists a page shows, the person's
access facts or the day) with *sentinel* values in place of the arguments (a child's key, a public id), keeps
the SQL, the parameters and where each argument sits among them, and from then on runs that SQL with the
arguments put in their places, converting the columns exactly as Django would.

Safety: a build that does not carry every argument into the parameters is refused on the spot; and where
``settings.STATEMENTS_CHECKED`` is on (tests and development), every call also builds the query afresh from
its real arguments and fails loudly unless its SQL and parameters equal the cached ones with the arguments
put in, so a query that depends on something its key does not name (the time of day, a setting) is found by
the first test that runs it twice.
"""

from __future__ import annotations

import dataclasses
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from threading import Lock

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.query import get_related_populators
from django.dispatch import receiver

Builder = Callable[..., QuerySet]


class StatementShapeError(RuntimeError):
    """A cached statement would not be the statement its builder gives: a bug in the caller's key."""


def _sentinel(value, i: int):
    """A value of the same kind as ``value`` that no real argument takes."""
    if isinstance(value, bool):
        raise TypeError("statements: a boolean argument changes the SQL; put it in the key")
    if isinstance(value, int):
        return -(7 * 10**17) - 7919 * (i + 1)
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=(0x5E471E1_5E471E1 << 64) | (i + 1))
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, i % 60, 987_653, tzinfo=UTC)
    if isinstance(value, date):
        return date(1901, 3, 1 + i % 28)
    if isinstance(value, str):
        return f"\x1esentinel-{i}-5e471e1\x1e"
    raise TypeError(f"statements: no sentinel for an argument of type {type(value).__name__}")


@dataclass(frozen=True)
class _Compiled:
    """What running and loading a statement needs, and nothing of the query that wrote it (a policy's query
    with its answers is a few hundred kilobytes of expression trees; this is its SQL and a few lists)."""

    sql: str | None  # None: the query can match nothing (``none()``, ``pk__in=[]``); it is never sent
    params: tuple = ()
    slots: tuple[tuple[int, int, type], ...] = ()  # (position among the parameters, which argument, its type)
    names: tuple[str, ...] = ()  # values(): the names of the columns
    converters: tuple[tuple[int, tuple, object], ...] = ()  # (column, converter functions, their expression)
    width: int | None = None  # the columns to keep of each row (None: all)
    model: type | None = None  # model rows: the model, its columns' attribute names and where they are
    init_list: tuple[str, ...] = ()
    model_span: tuple[int, int] = (0, 0)
    related: tuple = ()  # Django's RelatedPopulators (select_related)
    annotations: tuple[tuple[str, int], ...] = ()
    db: str = "default"


class _Col:
    """Stands in for a column's expression when converting its values: converters read only its
    ``output_field`` (so that a converter does not keep the whole query alive)."""

    def __init__(self, expression):
        self.output_field = expression.output_field


def _compile(qs: QuerySet, *, instances: bool) -> _Compiled:
    compiler = qs.query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, db=qs.db)
    columns = [s[0] for s in compiler.select[0:compiler.col_count]]
    converters = tuple(
        (i, tuple(convs), expr if isinstance(expr, Col) else _Col(expr))
        for i, (convs, expr) in compiler.get_converters(columns).items())
    width = compiler.col_count if compiler.has_extra_select else None
    if not instances:
        query = qs.query
        return _Compiled(sql, tuple(params), names=(*query.extra_select, *query.values_select,
                                                    *query.annotation_select),
                         converters=converters, width=width, db=qs.db)
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Compiled(
        sql, tuple(params), converters=converters, width=width, model=klass_info["model"],
        init_list=tuple(f[0].target.attname for f in select[start:end]), model_span=(start, end),
        related=tuple(get_related_populators(klass_info, select, qs.db)),
        annotations=tuple((compiler.annotation_col_map or {}).items()), db=qs.db)


def _same(a: _Compiled, b: _Compiled) -> str | None:
    """What differs between two compilations of one shape (None: nothing)."""
    if a.sql != b.sql:
        return "its SQL"
    if a.names != b.names or a.init_list != b.init_list or a.annotations != b.annotations:
        return "its columns"
    if a.params != b.params:
        return "parameters " + ", ".join(f"{i}: {x!r} cached, {y!r} now" for i, (x, y)
                                         in enumerate(zip(a.params, b.params, strict=False)) if x != y)
    return None


def _put(params: tuple, slots: tuple[tuple[int, int, type], ...], args: Sequence) -> tuple:
    out = list(params)
    for at, which, kind in slots:
        value = args[which]
        out[at] = value if isinstance(value, kind) else kind(value)  # re-wrapped only where the driver wrapped
    return tuple(out)


def _fetch(compiled: _Compiled, params: tuple) -> list[list]:
    """The rows, each a list of its columns converted as Django's compiler converts them."""
    connection = connections[compiled.db]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    rows = []
    for row in fetched:
        row = list(row if compiled.width is None else row[:compiled.width])
        for i, convs, expression in compiled.converters:
            value = row[i]
            for convert in convs:
                value = convert(value, expression, connection)
            row[i] = value
        rows.append(row)
    return rows


_ALL: weakref.WeakSet = weakref.WeakSet()


@receiver(setting_changed)
def _forget_on_setting_change(**kwargs) -> None:
    """A test that overrides a setting may change what a builder builds: every cache starts again."""
    for cache in list(_ALL):
        cache.clear()


class Statements:
    """A bounded cache of compiled ``values()`` queries, for one kind of statement (``name``, in errors).

    ``rows(key, build, *args)`` returns the rows (dicts by the ``values()`` names) of ``build(*args)``,
    compiling ``build(*sentinels)`` once per ``key``. ``key`` must name everything but ``args`` that
    changes the query."""

    def __init__(self, name: str, *, size: int = 256):
        self.name = name
        self.size = size
        self._cache: OrderedDict[Hashable, _Compiled] = OrderedDict()
        self._lock = Lock()
        _ALL.add(self)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _prepare(self, key: Hashable, build: Builder, args: Sequence, optional: int, instances: bool) -> _Compiled:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        sentinels = [_sentinel(a, i) for i, a in enumerate(args)]
        compiled = _compile(build(*sentinels), instances=instances)
        slots = []
        for at, value in enumerate(compiled.params):
            for which, s in enumerate(sentinels):
                # the driver may wrap a value (psycopg's Int8 for a key): the same kind, and equal
                if isinstance(value, type(s)) and not isinstance(value, bool) and value == s:
                    slots.append((at, which, type(value)))
        missing = set(range(len(args) - optional)) - {which for _at, which, _type in slots}
        if missing and compiled.sql is not None:
            raise StatementShapeError(f"{self.name}: arguments {sorted(missing)} do not reach the parameters")
        compiled = dataclasses.replace(compiled, slots=tuple(slots))
        with self._lock:
            self._cache[key] = compiled
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return compiled

    def _ready(self, key: Hashable, build: Builder, args: Sequence, optional: int,
               instances: bool) -> tuple[_Compiled, tuple]:
        compiled = self._prepare(key, build, args, optional, instances)
        params = _put(compiled.params, compiled.slots, args)
        if getattr(settings, "STATEMENTS_CHECKED", False):
            fresh = _compile(build(*args), instances=instances)
            differs = _same(dataclasses.replace(compiled, params=params), fresh)
            if differs:
                raise StatementShapeError(
                    f"{self.name}: the cached statement differs from the one built now ({differs}); its key misses "
                    "something that changes the query")
        return compiled, params

    def instances(self, key: Hashable, build: Builder, *args, optional: int = 0) -> list:
        """The model instances of ``build(*args)`` (a queryset of model rows: ``select_related`` and
        annotations load as Django loads them), compiled once per ``key``. The last ``optional`` arguments
        may be absent from the statement (a moment only some shapes compare with)."""
        compiled, params = self._ready(key, build, args, optional, instances=True)
        if compiled.sql is None:
            return []
        start, end = compiled.model_span
        out = []
        for row in _fetch(compiled, params):
            obj = compiled.model.from_db(compiled.db, compiled.init_list, row[start:end])
            for populator in compiled.related:
                populator.populate(row, obj)
            for name, at in compiled.annotations:
                setattr(obj, name, row[at])
            out.append(obj)
        return out

    def rows(self, key: Hashable, build: Builder, *args, optional: int = 0) -> list[dict]:
        """The rows of ``build(*args)`` (a ``values()`` queryset) as dicts by its names, compiled once per
        ``key``."""
        compiled, params = self._ready(key, build, args, optional, instances=False)
        if compiled.sql is None:
            return []
        return [dict(zip(compiled.names, row, strict=True)) for row in _fetch(compiled, params)]

    def first(self, key: Hashable, build: Builder, *args, optional: int = 0) -> dict | None:
        found = self.rows(key, build, *args, optional=optional)
        return found[0] if found else None
