"""CSV downloads of figures: the same rows as the table, UTF-8 with a byte-order mark (spreadsheets open it
as UTF-8), and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.text import slugify

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """A text cell a spreadsheet would read as a formula is prefixed with an apostrophe (OWASP's advice on
    CSV injection); numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "figures"}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


def figure_csv(figure, *, period: str = "") -> HttpResponse:
    name = f"{figure.title} {period}".strip()
    return csv_response(name, [c.label for c in figure.columns], figure.csv_rows())
