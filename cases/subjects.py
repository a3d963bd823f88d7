"""Naming the records that belong to a child for the browser (ADR 26; the kernel's registry is
``safeguarding.records.subjects``): the child's name, linked to the child's page, with the local child ID as
the hint. A restricted child is named only to someone who may open the child (``child_policy.shown_q``);
anyone else reads "Restricted record" and the local child ID, as the caseload pages show it."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse

from safeguarding.records.subjects import Named, register_subject

from .policies import child_policy

RESTRICTED = "Restricted record"


def _name(first: str, surname: str) -> str:
    return " ".join(p for p in (first, surname) if p) or "Unnamed child"


def _child_shown_q(ctx) -> Q:
    """``shown_q`` for the child itself: unrestricted, or one of the restricted children ``ctx`` may open."""
    opened = child_policy.restricted_opened_ids(ctx)
    return Q(restricted=False) | Q(pk__in=opened) if opened is not None else Q(restricted=False)


def child_namer(model_label: str, child: str = "child", *, what: Callable[[dict], str] | None = None,
                fields: tuple[str, ...] = ()):
    """A namer for ``model_label``'s records whose child is reached through ``child`` (a relation path,
    "child" or "review__episode__child"; "" for the child itself): one query for any number of ids.
    ``what(row)``, given the row's ``fields``, adds to the hint what the record is (e.g. "Rapid review")."""
    prefix = f"{child}__" if child else ""
    pk_path = f"{child}__pk" if child else "pk"

    def namer(ctx, ids: list[int]) -> dict[int, Named]:
        model = apps.get_model(model_label)
        shown = child_policy.shown_q(ctx, child) if child else _child_shown_q(ctx)
        rows = (model._default_manager.filter(pk__in=ids).order_by()
                .annotate(home_shown=ExpressionWrapper(shown, output_field=BooleanField()))
                .values("pk", "home_shown", pk_path, f"{prefix}public_id", f"{prefix}legal_first_names",
                        f"{prefix}legal_surname", f"{prefix}local_child_id", *fields))
        out = {}
        for r in rows:
            if r[pk_path] is None:
                continue
            text = _name(r[f"{prefix}legal_first_names"], r[f"{prefix}legal_surname"]) if r["home_shown"] \
                else RESTRICTED
            hint = r[f"{prefix}local_child_id"]
            if what is not None:
                hint = f"{what(r)}, {hint}"
            out[r["pk"]] = Named(text, reverse("cases:child_detail", args=[r[f"{prefix}public_id"]]), hint)
        return out
    return namer


def register_child_subjects(models: dict[str, str], **kwargs) -> None:
    """``{model_label: child path}``: each named by its child (what every app does from ``ready()``)."""
    for label, path in models.items():
        register_subject(label, child_namer(label, path, **kwargs))
