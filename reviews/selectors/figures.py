"""The IRO service's figures (issue 13, section 3; ADR 29): how children took part in the reviews held in a
period (SSDA903 participation codes), and the reviews held by number (first, second, subsequent). One grouped
query each over the reviews the caller's policy shows; each row's list comes from ``reviews_behind`` with the
same filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Q, QuerySet

from safeguarding.figures import Column, Figure, FigureRow

from ..codes import ParticipationCode
from ..models import Review

FIGURES = ("participation", "number")
TOOK_PART = ("PN1", "PN2", "PN3", "PN5", "PN6")  # the child's views reached the review, in person or not


def _held(start: date, end: date) -> Q:
    return Q(status=Review.Status.HELD, held_on__gte=start, held_on__lte=end)


def _condition(figure: str, value: str, *, start: date, end: date) -> Q | None:
    if figure == "participation" and value in ParticipationCode.values:
        return _held(start, end) & Q(participation=value)
    if figure == "number" and value in Review.Number.values:
        return _held(start, end) & Q(number=value)
    return None


def reviews_behind(reviews: QuerySet, *, figure: str, value: str, start: date, end: date) -> QuerySet | None:
    q = _condition(figure, value, start=start, end=end)
    if q is None:
        return None
    return reviews.filter(q).select_related("episode__child", "iro").order_by("held_on", "id")


def review_figures(reviews: QuerySet, *, start: date, end: date, link: Callable[[str, str], str]) -> list[Figure]:
    held = reviews.filter(_held(start, end))
    by_code = dict(held.values_list("participation").annotate(n=Count("id")).order_by())
    by_number = dict(held.values_list("number").annotate(n=Count("id")).order_by())
    total = sum(by_code.values())
    aged_four = total - by_code.get("PN0", 0)
    took_part = sum(by_code.get(code, 0) for code in TOOK_PART)

    def share(n: int, of: int) -> int | None:
        return round(100 * n / of) if of else None

    participation = Figure(
        "participation", "How children took part in their reviews",
        [Column("code", "Participation", numeric=False), Column("reviews", "Reviews"), Column("share", "Share (%)")],
        [FigureRow(label, (by_code.get(code, 0), share(by_code.get(code, 0), total)),
                   link("participation", code), code) for code, label in ParticipationCode.choices],
        description=f"{total} review{'s' if total != 1 else ''} held in the period. Of the children aged 4 or over, "
                    f"{took_part} of {aged_four} ({share(took_part, aged_four) or 0}%) had their views heard "
                    "(PN1, PN2, PN3, PN5, PN6).")
    number = Figure(
        "number", "Reviews held, first, second and later",
        [Column("number", "Review", numeric=False), Column("reviews", "Reviews")],
        [FigureRow(label, (by_number.get(code, 0),), link("number", code), code)
         for code, label in Review.Number.choices])
    return [participation, number]
