"""The CIN census (DfE, "Children in need census"): the XML file of one local authority's collection year
(ADR 27).

The product holds a child's episodes of need (``cases.ChildInNeedEpisode``: the referral's date and source,
the primary need, the closure's date and reason) and their child protection part: the section 47 enquiries
that led to an initial (or pre-birth) conference, the conferences, the plans with their categories and the
review conferences. Each episode open in the year is one ``CINdetails`` block (``ReferralNFA`` 0: the
referral led to further action; the initial conference's date is on its ``Section47``), holding the
enquiries and plans that started within it. A child with an enquiry or a plan but no episode recorded has
one block without a referral, which the validators report (rules 8600, 8610: the data quality page links to
the child). The product holds no assessment or child in need plan record.

``build()`` gathers the rows through the other apps' selectors (never their models); ``tables()`` gives
them as the validators' tables (what the tests compare with hand-worked rows); ``to_xml()`` writes the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from cases.selectors import ReturnChild, ReturnCinEpisode, children_for_return, cin_episodes_for_return
from conferences.selectors.returns import ReturnEnquiry, ReturnPlan, enquiries_for_return, plans_for_return

from .codes import sex, upn_or_reason
from .years import CollectionYear

SOFTWARE = "Safeguarding Hub"


@dataclass
class CensusChild:
    child: ReturnChild
    enquiries: list[ReturnEnquiry] = field(default_factory=list)
    plans: list[ReturnPlan] = field(default_factory=list)
    episodes: list[ReturnCinEpisode] = field(default_factory=list)


@dataclass
class CinCensus:
    year: CollectionYear
    la_code: str
    children: list[CensusChild]
    produced_at: datetime

    @property
    def filename(self) -> str:
        return f"cin_census_{self.la_code}_{self.year.year}.xml"


def _in(day: date | None, year: CollectionYear) -> bool:
    return day is not None and year.start <= day <= year.end


def build(*, local_authority_id: int, year: int) -> CinCensus:
    y = CollectionYear(year)
    plans = plans_for_return(local_authority_id=local_authority_id, start=y.start, end=y.end)
    enquiries = enquiries_for_return(local_authority_id=local_authority_id, start=y.start, end=y.end)
    episodes = cin_episodes_for_return(local_authority_id=local_authority_id, start=y.start, end=y.end)
    by_child: dict[int, CensusChild] = {}
    ids = {p.child_id for p in plans} | {e.child_id for e in enquiries} | {e.child_id for e in episodes}
    children = children_for_return(local_authority_id=local_authority_id, ids=ids)
    grouped_plans, grouped_enquiries, grouped_episodes = defaultdict(list), defaultdict(list), defaultdict(list)
    for p in plans:
        grouped_plans[p.child_id].append(p)
    for e in enquiries:
        grouped_enquiries[e.child_id].append(e)
    for e in episodes:
        grouped_episodes[e.child_id].append(e)
    for child_id in sorted(children, key=lambda i: children[i].local_child_id):
        by_child[child_id] = CensusChild(children[child_id], grouped_enquiries[child_id], grouped_plans[child_id],
                                         grouped_episodes[child_id])
    return CinCensus(year=y, la_code=settings.RETURNS_LA_CODE, children=list(by_child.values()),
                     produced_at=timezone.localtime().replace(microsecond=0))


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def tables(census: CinCensus) -> dict[str, list[dict]]:
    """The census as the validators read it (``cin_validator``'s tables), without empty values. Rows also carry
    the public id of the record behind them (``_child``, ``_conference``, ``_plan``: the data quality page's
    links), which the file leaves out."""
    y = census.year
    out: dict[str, list[dict]] = defaultdict(list)
    for entry in census.children:
        c = entry.child
        upn, upn_unknown = upn_or_reason(c.upn, c.date_of_birth, y.end)
        out["ChildIdentifiers"].append(_clean({
            "_child": c.public_id, "LAchildID": c.local_child_id, "UPN": upn, "UPNunknown": upn_unknown,
            "PersonBirthDate": _d(c.date_of_birth),
            "ExpectedPersonBirthDate": "" if c.date_of_birth else _d(c.expected_date_of_birth),
            "Sex": sex(c.gender, c.date_of_birth is None)}))
        out["ChildCharacteristics"].append({"LAchildID": c.local_child_id, "Ethnicity": c.ethnicity})
        for code in c.disabilities:
            out["Disabilities"].append({"LAchildID": c.local_child_id, "Disability": code})
        # the initial conference's date is on its section 47 enquiry, never also on CINdetails (rule 2884):
        # every initial conference the product holds followed an enquiry
        for n, ep in enumerate(entry.episodes, start=1):
            closed = ep.closure_date if _in(ep.closure_date, y) else None
            out["CINdetails"].append(_clean({
                "LAchildID": c.local_child_id, "CINdetailsID": str(n), "CINreferralDate": _d(ep.referral_date),
                "ReferralSource": ep.referral_source, "PrimaryNeedCode": ep.primary_need,
                "CINclosureDate": _d(closed), "ReasonForClosure": ep.closure_reason if closed else "",
                "ReferralNFA": "0"}))
        if not entry.episodes:  # child protection records without an episode of need: no referral to give
            out["CINdetails"].append({"LAchildID": c.local_child_id, "CINdetailsID": "1", "ReferralNFA": "0"})

        def within(day: date | None, episodes=entry.episodes) -> str:
            """The block (CINdetailsID) of the episode a record started in: the latest referred on or before it."""
            n = 1
            for i, ep in enumerate(episodes, start=1):
                if day is not None and ep.referral_date <= day:
                    n = i
            return str(n)

        for e in entry.enquiries:
            out["Section47"].append(_clean({
                "_conference": e.conference_public_id, "LAchildID": c.local_child_id,
                "CINdetailsID": within(e.started_on),
                "S47ActualStartDate": _d(e.started_on),
                "InitialCPCtarget": _d(e.conference_due), "DateOfInitialCPC": _d(e.conference_held_on),
                "ICPCnotRequired": "false"}))
        for n, p in enumerate(entry.plans, start=1):
            out["ChildProtectionPlans"].append(_clean({
                "_plan": p.public_id, "LAchildID": c.local_child_id, "CINdetailsID": within(p.started_on),
                "CPPID": str(n),
                "CPPstartDate": _d(p.started_on), "CPPendDate": _d(p.ended_on if _in(p.ended_on, y) else None),
                "InitialCategoryOfAbuse": p.initial_category, "LatestCategoryOfAbuse": p.latest_category,
                "NumberOfPreviousCPP": str(p.previous_plans)}))
            for held in p.reviews:
                if _in(held, y):
                    out["Reviews"].append({"_plan": p.public_id, "LAchildID": c.local_child_id,
                                           "CINdetailsID": within(p.started_on), "CPPID": str(n),
                                           "CPPreviewDate": _d(held)})
    return dict(out)


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if v != ""}


def _add(parent: ET.Element, tag: str, value: str = "") -> ET.Element:
    element = ET.SubElement(parent, tag)
    if value:
        element.text = value
    return element


def _fill(parent: ET.Element, row: dict, order: tuple[str, ...]) -> None:
    for tag in order:
        if row.get(tag):
            _add(parent, tag, row[tag])


def to_xml(census: CinCensus) -> bytes:
    """The census file, its elements in the order of the DfE's schema."""
    t = tables(census)
    message = ET.Element("Message")
    header = _add(message, "Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(census.year.year))
    _add(details, "ReferenceDate", census.year.end.isoformat())
    source = _add(header, "Source")
    for tag, value in (("SourceLevel", "L"), ("LEA", census.la_code), ("SoftwareCode", SOFTWARE),
                       ("Release", "1"), ("SerialNo", "001"),
                       ("DateTime", census.produced_at.strftime("%Y-%m-%dT%H:%M:%S"))):
        _add(source, tag, value)
    children = _add(message, "Children")

    def of(table, child_id):
        return [r for r in t.get(table, []) if r["LAchildID"] == child_id]

    for ids in t.get("ChildIdentifiers", []):
        child_id = ids["LAchildID"]
        child = _add(children, "Child")
        _fill(_add(child, "ChildIdentifiers"), ids, ("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                                                     "ExpectedPersonBirthDate", "Sex", "PersonDeathDate"))
        characteristics = _add(child, "ChildCharacteristics")
        _fill(characteristics, of("ChildCharacteristics", child_id)[0], ("Ethnicity",))
        disabilities = of("Disabilities", child_id)
        if disabilities:
            block = _add(characteristics, "Disabilities")
            for row in disabilities:
                _add(block, "Disability", row["Disability"])
        for cin in of("CINdetails", child_id):
            block = _add(child, "CINdetails")
            _fill(block, cin, ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                               "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA"))
            same = cin["CINdetailsID"]
            for s47 in (r for r in of("Section47", child_id) if r["CINdetailsID"] == same):
                _fill(_add(block, "Section47"), s47,
                      ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"))
            for plan in (r for r in of("ChildProtectionPlans", child_id) if r["CINdetailsID"] == same):
                element = _add(block, "ChildProtectionPlans")
                _fill(element, plan, ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                                      "NumberOfPreviousCPP"))
                reviews = [r for r in of("Reviews", child_id) if r["CPPID"] == plan["CPPID"]]
                if reviews:
                    block_reviews = _add(element, "Reviews")
                    for r in reviews:
                        _add(block_reviews, "CPPreviewDate", r["CPPreviewDate"])
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)
