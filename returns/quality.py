"""The data quality page's rows: each issue the validators found, with the child and the record to correct
(ADR 27). The validators name a table and a row; the return's rows remember the record they came from."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from . import cin_census, ssda903, validation

# the table a validator names -> the key of the record behind its rows, and the page that corrects it
LINKS = {
    "_child": ("cases:child_detail", "The child's record"),
    "_plan": ("conferences:plan", "The child protection plan"),
    "_conference": ("conferences:detail", "The conference"),
    "_period": ("reviews:episode", "The period of care"),
}
CIN_TABLE_KEYS = {"ChildProtectionPlans": "_plan", "Reviews": "_plan", "Section47": "_conference"}
SSDA903_TABLE_KEYS = {"header": "_child", "episodes": "_period", "reviews": "_period"}
SSDA903_TABLES = {"Header": "header", "Episodes": "episodes", "Reviews": "reviews"}


@dataclass(frozen=True)
class Row:
    issue: validation.Issue
    child_url: str
    record_url: str
    record_label: str


@dataclass(frozen=True)
class Report:
    return_name: str
    result: validation.Result
    rows: tuple[Row, ...]

    @property
    def errors(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.issue.kind == "error")

    @property
    def queries(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.issue.kind != "error")


def _url(key: str, public_id: str) -> tuple[str, str]:
    name, label = LINKS[key]
    return reverse(name, args=[public_id]), label


def _rows(result: validation.Result, tables: dict[str, list[dict]], table_keys: dict[str, str],
          table_names: dict[str, str] | None = None) -> tuple[Row, ...]:
    children = {}
    for rows in tables.values():
        for row in rows:
            if "_child" in row:
                children[row.get("LAchildID") or row.get("CHILD")] = row["_child"]
    out = []
    for issue in result.issues:
        child = children.get(issue.child)
        child_url = reverse("cases:child_detail", args=[child]) if child else ""
        record_url, record_label = child_url, "The child's record" if child else ""
        table = (table_names or {}).get(issue.table, issue.table)
        key = table_keys.get(table)
        rows = tables.get(table, [])
        if key and issue.row is not None and 0 <= issue.row < len(rows) and rows[issue.row].get(key):
            record_url, record_label = _url(key, rows[issue.row][key])
        out.append(Row(issue=issue, child_url=child_url, record_url=record_url, record_label=record_label))
    return tuple(out)


def cin_census_report(*, local_authority_id: int, year: int) -> Report:
    census = cin_census.build(local_authority_id=local_authority_id, year=year)
    result = validation.validate_cin_census(census)
    return Report("CIN census", result, _rows(result, cin_census.tables(census), CIN_TABLE_KEYS))


def ssda903_report(*, local_authority_id: int, year: int) -> Report:
    ret = ssda903.build(local_authority_id=local_authority_id, year=year)
    result = validation.validate_ssda903(ret)
    return Report("SSDA903", result, _rows(result, ssda903.tables(ret), SSDA903_TABLE_KEYS, SSDA903_TABLES))
