"""The home page's registry of parts (ADR 26).

A part is what one role needs on arrival: a heading and a few items, each item a count, the first few rows
(each naming its subject, with a link to the work) and a link to the whole list. An app adds a part in a few
lines, from its ``ready()``::

    from safeguarding.home.parts import Row, add_items, item_of

    @add_items("lado", order=10)             # the kernel declares the parts, one per role (kernel_parts.py)
    def referrals_to_evaluate(ctx, today):
        qs = selectors.to_evaluate(referral_policy.visible(ctx, "evaluate"))
        return [item_of(qs, title="Referrals to evaluate", url=reverse("lado:workbench"),
                        row=lambda r: Row(r.reference, reverse("lado:referral", args=[r.public_id])))]

A new part (a new role, or a part for people the policy picks) is ``register_part(key, title=..., order=...,
roles=...)`` or ``applies=``.

Every part is built from the app's selectors over its policy's querysets, in a constant number of statements
whatever the data (``first_rows`` gives an item's rows and its count in one); the page's tests hold each role
to its count. A person with several roles sees each of their parts, in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet, Window

ROWS = 5  # rows shown under each item; the item links to the whole list


@dataclass(frozen=True)
class Row:
    """One piece of work: ``text`` (usually the child's name or a case reference), its ``url``, a ``hint``
    (what it is, when it is due) and tags as (words, GOV.UK tag colour): ("Overdue", "red")."""

    text: str
    url: str = ""
    hint: str = ""
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Item:
    """A count of one kind of work, its first rows, and the link to all of it. ``urgent``: the count is shown
    in red when it is not nought (overdue work). ``rows`` None: a count only (figures)."""

    title: str
    count: int
    url: str = ""
    link_text: str = ""
    rows: tuple[Row, ...] | None = ()
    urgent: bool = False
    empty: str = "Nothing at the moment."


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    items: tuple[Item, ...]
    links: tuple[tuple[str, str], ...] = ()  # (label, url): where the role's own pages are
    intro: str = ""

    @property
    def figures(self) -> list[Item]:
        """The items that are counts only, shown together as one table."""
        return [i for i in self.items if i.rows is None]

    @property
    def lists(self) -> list[Item]:
        return [i for i in self.items if i.rows is not None]


Builder = Callable[[object, date], "Iterable[Item]"]


@dataclass(frozen=True)
class PartSpec:
    """A part of the home page: who sees it (``roles``, or ``applies(ctx)``), its heading, where it comes in
    the page (``order``) and ``links(ctx)`` to the role's own pages. Its items come from the builders
    registered for it with :func:`add_items` (apps fill the kernel's parts)."""

    key: str
    title: str
    order: int
    roles: tuple[str, ...] = ()
    applies: Callable[[object], bool] | None = None
    links: Callable[[object], Iterable[tuple[str, str]]] | None = None
    intro: str = ""

    def applies_to(self, ctx) -> bool:
        if self.applies is not None:
            return bool(self.applies(ctx))
        return ctx.has_role(*self.roles)


_parts: dict[str, PartSpec] = {}
_builders: dict[str, list[tuple[int, str, Builder]]] = {}


def register_part(key: str, *, title: str, order: int, roles: tuple[str, ...] = (),
                  applies: Callable[[object], bool] | None = None,
                  links: Callable[[object], Iterable[tuple[str, str]]] | None = None, intro: str = "") -> PartSpec:
    """Declare the part ``key`` for people with any of ``roles`` (or for whom ``applies(ctx)`` is true)."""
    spec = _parts[key] = PartSpec(key=key, title=title, order=order, roles=tuple(roles), applies=applies,
                                  links=links, intro=intro)
    return spec


def add_items(part: str, *, order: int = 50):
    """Decorate ``build(ctx, today) -> [Item, ...]``: items for the part ``part`` (declared by the kernel or
    by the app), placed among the part's other items by ``order``. Registering the same function twice
    (a module imported again) keeps one."""

    def decorator(build: Builder) -> Builder:
        name = f"{build.__module__}.{build.__qualname__}"
        entries = [e for e in _builders.get(part, []) if e[1] != name]
        entries.append((order, name, build))
        _builders[part] = sorted(entries, key=lambda e: (e[0], e[1]))
        return build
    return decorator


def registered() -> list[PartSpec]:
    return sorted(_parts.values(), key=lambda p: (p.order, p.key))


def parts_for(ctx, today: date) -> list[Part]:
    """Every part that applies to ``ctx``, built, in order (a part no app gave items to is left out)."""
    out = []
    for spec in registered():
        builders = _builders.get(spec.key, [])
        if not builders or not spec.applies_to(ctx):
            continue
        items = tuple(item for _order, _name, build in builders for item in build(ctx, today))
        links = tuple(spec.links(ctx)) if spec.links else ()
        out.append(Part(key=spec.key, title=spec.title, items=items, links=links, intro=spec.intro))
    return out


# --- building items ---------------------------------------------------------------------------------------


def first_rows(qs: QuerySet, limit: int = ROWS) -> tuple[list, int]:
    """The first ``limit`` rows of ``qs`` (in its order) and how many there are in all, in ONE statement (a
    window count over the whole set)."""
    rows = list(qs.annotate(home_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].home_total if rows else 0)


def item_of(qs: QuerySet, *, title: str, url: str, row: Callable[[object], Row], link_text: str = "",
            urgent: bool = False, empty: str = "Nothing at the moment.", limit: int = ROWS) -> Item:
    """An item from a queryset the policy has scoped and a selector shaped: one statement."""
    rows, total = first_rows(qs, limit)
    return Item(title=title, count=total, url=url, link_text=link_text, rows=tuple(row(r) for r in rows),
                urgent=urgent, empty=empty)


def item_from_list(objs: list, *, title: str, url: str, row: Callable[[object], Row], link_text: str = "",
                   urgent: bool = False, empty: str = "Nothing at the moment.", limit: int = ROWS) -> Item:
    """An item from rows already fetched (a caseload read once for several items): no statement."""
    return Item(title=title, count=len(objs), url=url, link_text=link_text,
                rows=tuple(row(r) for r in objs[:limit]), urgent=urgent, empty=empty)


@dataclass
class Figures:
    """Counts only (the service manager's and the administrator's figures): each a number and a link."""

    items: list[Item] = field(default_factory=list)

    def add(self, title: str, count: int, url: str = "", urgent: bool = False) -> None:
        self.items.append(Item(title=title, count=count, url=url, rows=None, urgent=urgent))
