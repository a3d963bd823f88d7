"""The registry of figures pages: each app registers its own (from its ``apps.py`` ``ready()``) with the
policy question that decides who sees it, and ``/figures/`` lists those the person may open. The kernel knows
no app; the apps know the kernel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from safeguarding.access.context import AccessContext


@dataclass(frozen=True)
class FiguresPage:
    title: str
    description: str
    url_name: str
    shown_to: Callable[[AccessContext], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_PAGES: list[FiguresPage] = []


def register(title: str, description: str, url_name: str, shown_to: Callable[[AccessContext], bool]) -> None:
    if not any(p.url_name == url_name for p in _PAGES):
        _PAGES.append(FiguresPage(title, description, url_name, shown_to))


def pages_for(ctx: AccessContext) -> list[FiguresPage]:
    return [p for p in _PAGES if p.shown_to(ctx)]


def _managers(ctx: AccessContext) -> bool:
    from safeguarding.clock.policies import deadline_policy

    return deadline_policy.is_manager(ctx)


register("Timeliness", "Deadlines met on time, month by month, team by team and deadline by deadline, for each "
         "service.", "figures:timeliness", _managers)
