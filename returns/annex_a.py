"""Ofsted's Annex A lists (ILACS, the inspection of local authority children's services): list 7 (children
subject to a child protection plan) and list 8 (children looked after), for the window before a date
(ADR 27). Columns follow the Annex A template's as far as the product holds them (no names: the child
unique id); CSV, and one XLSX workbook with a sheet per list.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from cases.selectors import children_for_return
from conferences.selectors.returns import plans_for_return
from reviews.selectors.returns import periods_for_return

from .codes import sex
from .years import age_on

LIST_7 = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Disability",
          "Allocated Team", "Allocated Worker", "Child Protection Plan Start Date", "Initial Category of Abuse",
          "Latest Category of Abuse", "Date of Last Review Conference", "Child Protection Plan End Date",
          "Number of Previous Child Protection Plans")
LIST_8 = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Disability",
          "Date Started to be Looked After", "Category of Need", "Legal Status", "Placement Type",
          "Placement Provider", "Placement Start Date", "Number of Placements in the Last 12 Months",
          "Date of Last Review", "Permanence Plan", "Date Ceased to be Looked After", "Reason Ceased",
          "Allocated Team", "Allocated Worker", "Independent Reviewing Officer")
COLUMNS = {"list_7_child_protection": LIST_7, "list_8_looked_after": LIST_8}


@dataclass
class AnnexA:
    on: date
    since: date
    lists: dict[str, list[dict]]

    def filename(self, name: str, ext: str = "csv") -> str:
        return f"annex_a_{name}_{self.on:%Y%m%d}.{ext}" if name else f"annex_a_{self.on:%Y%m%d}.{ext}"


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def build(*, local_authority_id: int, on: date, since: date | None = None) -> AnnexA:
    """The lists of ``on`` (usually the day before the inspection), covering ``since`` (default: a year
    before) to ``on``."""
    since = since or _years_before(on, 1)
    plans = plans_for_return(local_authority_id=local_authority_id, start=since, end=on)
    periods = [p for p in periods_for_return(local_authority_id=local_authority_id, start=since, end=on)]
    children = children_for_return(local_authority_id=local_authority_id,
                                   ids={p.child_id for p in plans} | {p.child_id for p in periods})

    def who(child):
        born = child.date_of_birth
        return {"Child Unique ID": child.local_child_id, "Gender": sex(child.gender, born is None),
                "Ethnicity": child.ethnicity, "Date of Birth": _d(born or child.expected_date_of_birth),
                "Age of Child (Years)": "" if born is None else str(age_on(born, on)),
                "Disability": "Yes" if set(child.disabilities) - {"NONE"} else ("No" if child.disabilities else ""),
                "Allocated Team": child.team, "Allocated Worker": child.social_worker}

    list_7 = []
    for p in sorted(plans, key=lambda p: (children[p.child_id].local_child_id, p.started_on)):
        reviews = [d for d in p.reviews if d <= on]
        list_7.append({**who(children[p.child_id]), "Child Protection Plan Start Date": _d(p.started_on),
                       "Initial Category of Abuse": p.initial_category, "Latest Category of Abuse": p.latest_category,
                       "Date of Last Review Conference": _d(reviews[-1] if reviews else None),
                       "Child Protection Plan End Date": _d(p.ended_on if p.ended_on and p.ended_on <= on else None),
                       "Number of Previous Child Protection Plans": str(p.previous_plans)})
    list_8 = []
    year_ago = _years_before(on, 1)
    for period in sorted(periods, key=lambda p: (children[p.child_id].local_child_id, p.start_date)):
        episodes = [e for e in period.episodes if e.DECOM <= on]
        if not episodes:
            continue
        latest = episodes[-1]
        placement_starts = [e for e in episodes if e.RNE in ("S", "P", "B", "T", "U")]
        placement_start = placement_starts[-1].DECOM if placement_starts else latest.DECOM
        moves = sum(1 for e in placement_starts if e.DECOM >= year_ago)
        reviews = [r.REVIEW for r in period.reviews if r.REVIEW <= on]
        ended = period.end_date if period.end_date and period.end_date <= on else None
        list_8.append({**who(children[period.child_id]), "Date Started to be Looked After": _d(period.start_date),
                       "Category of Need": latest.CIN, "Legal Status": latest.LS, "Placement Type": latest.PLACE,
                       "Placement Provider": latest.PLACE_PROVIDER, "Placement Start Date": _d(placement_start),
                       "Number of Placements in the Last 12 Months": str(moves),
                       "Date of Last Review": _d(reviews[-1] if reviews else None),
                       "Permanence Plan": period.permanence_plan, "Date Ceased to be Looked After": _d(ended),
                       "Reason Ceased": period.end_reason if ended else "",
                       "Independent Reviewing Officer": period.iro_name})
    return AnnexA(on=on, since=since, lists={"list_7_child_protection": list_7, "list_8_looked_after": list_8})


def to_csv(rows: list[dict], name: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS[name], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(annex: AnnexA) -> bytes:
    """One workbook, a sheet per list (openpyxl, write-only)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in annex.lists.items():
        sheet = book.create_sheet(title=name.replace("_", " ")[:31])
        sheet.append(list(COLUMNS[name]))
        for row in rows:
            sheet.append([row.get(column, "") for column in COLUMNS[name]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def files(annex: AnnexA) -> dict[str, bytes]:
    out = {annex.filename(name): to_csv(rows, name) for name, rows in annex.lists.items()}
    out[annex.filename("", "xlsx")] = to_xlsx(annex)
    return out
