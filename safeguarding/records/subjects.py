"""What a record is about, named for the browser (ADR 26): a deadline's, a notification's or a history
row's subject as "Alex Smith" (the child, linked to the child's page), "LADO case L-2026-0004" or "Rapid
review RR-2026-001", never a bare rule key or an anonymous label.

The kernel imports no domain app, so each app says how to name its records from its ``apps.py``
``ready()``: ``register_subject("conferences.conference", namer)``, where ``namer(ctx, ids)`` answers
``{id: Named}`` for the records of that model with those ids in ONE query (``cases.selectors.child_namer``
builds one for any record that belongs to a child, and shows a restricted child's name only to someone who
may open the record). :func:`name_subjects` then names a page's worth of subjects with one query per kind
of record on the page, whatever the number of rows.

Only pages use these names. Emails and calendar entries carry no names (ADR 5): they keep the rule's
words and the local reference (``safeguarding.clock.ics.local_reference``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class Named:
    """A subject as a page shows it: ``text`` (a child's name, "Restricted record", a case reference),
    ``url`` (where to open it; empty when there is nowhere to go) and ``hint`` (e.g. the local child ID)."""

    text: str
    url: str = ""
    hint: str = ""


UNKNOWN = Named("A record you cannot open")

Namer = Callable[[object, list[int]], dict[int, Named]]
_namers: dict[str, Namer] = {}


def register_subject(model_label: str, namer: Namer) -> Namer:
    """``model_label``: "app_label.modelname" (lower case, as ContentType has it)."""
    _namers[model_label.lower()] = namer
    return namer


def registered() -> frozenset[str]:
    return frozenset(_namers)


def name_subjects(ctx, pairs: Iterable[tuple[int | None, int | None]]) -> dict[tuple[int, int], Named]:
    """``{(content_type_id, object_id): Named}`` for each pair: one query per kind of record (content types
    are cached). A kind no app registered, or a record its namer does not answer for, is ``UNKNOWN``."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for type_id, object_id in pairs:
        if type_id and object_id:
            wanted[type_id].add(object_id)
    out: dict[tuple[int, int], Named] = {}
    for type_id, ids in wanted.items():
        ct = ContentType.objects.get_for_id(type_id)
        namer = _namers.get(f"{ct.app_label}.{ct.model}")
        named = namer(ctx, sorted(ids)) if namer else {}
        for object_id in ids:
            out[(type_id, object_id)] = named.get(object_id, UNKNOWN)
    return out


def name_each(ctx, rows: list, *, type_attr: str = "subject_type_id", id_attr: str = "subject_id",
              to: str = "named") -> list:
    """Set ``row.<to>`` on each of ``rows`` (deadlines, notifications, ...) to its subject's ``Named`` (None
    when the row has no subject); returns ``rows``."""
    names = name_subjects(ctx, ((getattr(r, type_attr), getattr(r, id_attr)) for r in rows))
    for r in rows:
        key = (getattr(r, type_attr), getattr(r, id_attr))
        setattr(r, to, names.get(key))
    return rows


def reference_namer(model_label: str, *, text: Callable[[dict], str], url_name: str, public_id: str = "public_id",
                    fields: tuple[str, ...] = ()) -> Namer:
    """A namer for records people know by a reference (a LADO case, a rapid review, a fostering household):
    ``text(row)`` over the row's ``fields``, linked to ``url_name`` with the public id at ``public_id`` (a
    relation path: "referral__public_id"). One query for any number of ids."""
    from django.apps import apps
    from django.urls import reverse

    def namer(ctx, ids: list[int]) -> dict[int, Named]:
        model = apps.get_model(model_label)
        rows = model._default_manager.filter(pk__in=ids).order_by().values("pk", public_id, *fields)
        return {r["pk"]: Named(text(r), reverse(url_name, args=[r[public_id]])) for r in rows}
    return namer
