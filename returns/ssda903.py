"""The SSDA903 return (DfE, "Children looked after return"): the CSV tables of one local authority's
collection year (ADR 27): ``header``, ``episodes`` and ``reviews``, written from the periods of care
(``reviews.ssda903`` writes each period's episodes and reviews; this module cuts them to the year).

``MOTHER`` (girls only) is 1 when the product holds a child of hers (she is the looked-after parent on her
child's period of care), else 0, with ``MC_DOB`` her first child's date of birth.

The product holds no missing episodes, adoption, health (OC2), care leaver (OC3), UASC or social worker
episode records yet: those tables are not produced, and the validators skip the rules that need them.

- An episode is on the return when it was open at some time in the year; one that ended after the reference
  date (31 March) is open on the return (no ``DEC``, ``REC`` or ``REASON_PLACE_CHANGE``).
- A review is on the return when it was held in the year.
- Dates are DD/MM/YYYY, as the DfE's CSV specification has them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from cases.selectors import ReturnChild, children_for_return
from reviews.selectors.returns import ReturnPeriod, children_of_parents_for_return, periods_for_return

from .codes import sex, upn_or_reason
from .years import CollectionYear

COLUMNS = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
}


@dataclass
class Ssda903:
    year: CollectionYear
    la_code: str
    children: dict[int, ReturnChild]
    periods: list[ReturnPeriod]
    # the children known to be parents, with their first child's date of birth (MOTHER, MC_DOB)
    parents: dict = field(default_factory=dict)

    def filename(self, table: str) -> str:
        return f"ssda903_{self.la_code}_{self.year.year}_{table}.csv"


def build(*, local_authority_id: int, year: int) -> Ssda903:
    y = CollectionYear(year)
    periods = periods_for_return(local_authority_id=local_authority_id, start=y.start, end=y.end)
    children = children_for_return(local_authority_id=local_authority_id, ids={p.child_id for p in periods})
    return Ssda903(year=y, la_code=settings.RETURNS_LA_CODE, children=children, periods=periods,
                   parents=children_of_parents_for_return(parent_ids=children))


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def tables(ret: Ssda903) -> dict[str, list[dict]]:
    y = ret.year
    out: dict[str, list[dict]] = {"header": [], "episodes": [], "reviews": []}
    seen = set()
    for period in sorted(ret.periods, key=lambda p: (ret.children[p.child_id].local_child_id, p.start_date)):
        c = ret.children[period.child_id]
        if c.id not in seen:
            seen.add(c.id)
            upn, reason = upn_or_reason(c.upn, c.date_of_birth, y.end)
            code = sex(c.gender, c.date_of_birth is None)
            # MOTHER is asked of girls only: 1 when the product holds a child of hers (the looked-after parent of
            # a child's period of care), else 0; MC_DOB is then her (first) child's date of birth
            mother = "" if code != "F" else ("1" if c.id in ret.parents else "0")
            out["header"].append({"_child": c.public_id, "CHILD": c.local_child_id,
                                  "SEX": code, "DOB": _d(c.date_of_birth),
                                  "ETHNIC": c.ethnicity, "UPN": upn or reason,
                                  "MOTHER": mother, "MC_DOB": _d(ret.parents.get(c.id)) if mother == "1" else ""})
        for e in period.episodes:
            if e.DECOM > y.end or (e.DEC is not None and e.DEC < y.start):
                continue
            ends_in_year = e.DEC is not None and e.DEC <= y.end
            out["episodes"].append({
                "_child": c.public_id, "_period": period.public_id, "CHILD": c.local_child_id,
                "DECOM": _d(e.DECOM), "RNE": e.RNE, "LS": e.LS, "CIN": e.CIN,
                "PLACE": e.PLACE, "PLACE_PROVIDER": e.PLACE_PROVIDER,
                "DEC": _d(e.DEC) if ends_in_year else "", "REC": e.REC if ends_in_year else "",
                "REASON_PLACE_CHANGE": e.REASON_PLACE_CHANGE if ends_in_year else "",
                "HOME_POST": e.HOME_POST, "PL_POST": e.PL_POST, "URN": e.URN or "XXXXXXX"})
        for r in period.reviews:
            if y.start <= r.REVIEW <= y.end:
                out["reviews"].append({"_child": c.public_id, "_period": period.public_id,
                                       "CHILD": c.local_child_id, "DOB": _d(c.date_of_birth),
                                       "REVIEW": _d(r.REVIEW), "REVIEW_CODE": r.REVIEW_CODE})
    return out


def to_csv(rows: list[dict], table: str) -> bytes:
    buffer = io.StringIO()
    # the rows also carry "_child" and "_period" (the records behind them, for the data quality page's links)
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS[table], lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def files(ret: Ssda903) -> dict[str, bytes]:
    """The return's files by name."""
    return {ret.filename(table): to_csv(rows, table) for table, rows in tables(ret).items()}
