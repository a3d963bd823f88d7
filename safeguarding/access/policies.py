"""The policy pattern: one policy per protected entity, three answers.

- ``visible(ctx, action)``: the queryset of records ``ctx`` may reach for ``action``;
- ``can(ctx, action, obj)``: a yes/no for one record;
- ``get_for(ctx, public_id, action)``: the record, or ``Http404`` whether it is missing or forbidden.

A policy answers only for the actions it names in ``actions``; any other action is a programming error.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from .context import AccessContext


class Policy:
    model: type[Model]
    actions: tuple[str, ...] = ("view",)

    def _check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} has no action {action!r}; it knows {self.actions}")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        raise NotImplementedError

    def can(self, ctx: AccessContext, action: str, obj: Model) -> bool:
        self._check_action(action)
        if not ctx.is_authenticated or obj is None or obj.pk is None:
            return False
        return self.visible(ctx, action).filter(pk=obj.pk).exists()

    def get_for(self, ctx: AccessContext, public_id, action: str = "view", queryset: QuerySet | None = None):
        """Fetch by public id. Missing and forbidden both raise the same Http404."""
        self._check_action(action)
        try:
            public_id = uuid.UUID(str(public_id))
        except (ValueError, TypeError, AttributeError):
            raise Http404("No such record") from None
        qs = self.visible(ctx, action) if queryset is None else queryset & self.visible(ctx, action)
        try:
            return qs.get(public_id=public_id)
        except (self.model.DoesNotExist, ValidationError):
            raise Http404("No such record") from None
