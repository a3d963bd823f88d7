"""A child's status, shown next to the name (ADR 26): child in need, on a child protection plan since (with
the category), looked after since (with the legal status). The apps that hold each status say how to read it
from their ``ready()``: ``register_status(name, annotations, tags)``, where ``annotations()`` gives the
subquery expressions over a child row (``OuterRef("pk")``) and ``tags(values)`` turns their values into tags
(words and a GOV.UK tag colour). Lists and pages add the annotations to the query they already make, so the
status costs no statement of its own, whatever the number of children."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Child

Tag = tuple[str, str]


@dataclass(frozen=True)
class StatusProvider:
    name: str
    annotations: Callable[[], dict]
    tags: Callable[[dict], list[Tag]]


_providers: dict[str, StatusProvider] = {}


def register_status(name: str, annotations: Callable[[], dict], tags: Callable[[dict], list[Tag]]) -> None:
    _providers[name] = StatusProvider(name, annotations, tags)


def status_annotations() -> dict:
    """Every provider's expressions, by their names (prefixed ``status_``: pick them out of a row)."""
    out = {}
    for p in _providers.values():
        out.update({f"status_{k}": v for k, v in p.annotations().items()})
    return out


def with_status(qs: QuerySet) -> QuerySet:
    """Children with their status columns (subqueries in the same statement)."""
    return qs.annotate(**status_annotations())


def tags_of(values: dict, *, child_status: str = Child.Status.OPEN) -> list[Tag]:
    """The tags of one child from its status values (``{"cp_since": ..., ...}``, names without the prefix):
    each provider's, or "Child in need" for an open child with none of them."""
    tags = [t for p in _providers.values() for t in p.tags(values)]
    if not tags and child_status == Child.Status.OPEN:
        tags.append(("Child in need", "blue"))
    return tags


def tags_of_child(child: Child) -> list[Tag]:
    """Tags of a child loaded by :func:`with_status`."""
    values = {k[len("status_"):]: v for k, v in vars(child).items() if k.startswith("status_")}
    return tags_of(values, child_status=child.status)
