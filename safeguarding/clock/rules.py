"""Every statutory timescale the product keeps, and nowhere else.

Each rule: key, description, the anchor event, an amount in working days or calendar months, the
direction (after the anchor, or before an event such as reports due before a conference), its source
(see ../shared/domain/statutory-timescales.md) and whether it is national or local. Its ``title`` is
the short plain-language name every deadline opened under it is labelled with (never a person's name,
ADR 5); where none is given, the description is the title.

A deployment overrides a rule in settings (``STATUTORY_RULE_OVERRIDES``, from the environment as
JSON) without code changes, e.g. ``{"conference_minutes": {"amount": 10, "note": "Guernsey procedure"}}``:
``amount`` (1 or more), ``unit``, ``anchor`` (one of ``anchor_options`` where a rule has them, as
``rapid_review`` does), ``direction`` and a ``note`` shown on the rules page. National rules can be
overridden only with ``"override_national": true``, and the rules page shows that they were. Anything
else (an unknown rule or field, a bad value) raises ImproperlyConfigured. A value equal to the code's
is not counted as an override.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import workdays


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_MONTHS = "calendar_months"
    # a statute's "one week" or "six weeks" (reg 28 visits): 7 or 42 days, never more (a due date that falls on
    # a day that is not a working day moves back, as a month-based one does)
    CALENDAR_DAYS = "calendar_days"

    @property
    def label(self) -> str:
        return {"working_days": "working days", "calendar_months": "calendar months",
                "calendar_days": "calendar days"}[self.value]

    def label_for(self, amount: int) -> str:
        """"1 working day", "3 calendar months"."""
        return self.label if amount != 1 else self.label.removesuffix("s")


class Direction(enum.StrEnum):
    AFTER = "after"
    BEFORE = "before"


class Scope(enum.StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class Service(enum.StrEnum):
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"
    LADO = "lado"
    PARTNERSHIP = "partnership"

    @property
    def label(self) -> str:
        return {"child_protection": "Child protection", "looked_after": "Looked-after children",
                "lado": "LADO", "partnership": "Safeguarding partnership"}[self.value]


WT2023 = "Working Together to Safeguard Children 2023, chapter 4"
CPR2010 = "Care Planning, Placement and Case Review (England) Regulations 2010, reg 33"
IRO_HANDBOOK = "IRO Handbook (DCSF 2010)"
KCSIE = "Keeping Children Safe in Education, Part four"
PANEL = "Child Safeguarding Practice Review Panel guidance for safeguarding partners (2022, revised June 2025)"


@dataclass(frozen=True)
class Rule:
    key: str
    description: str
    anchor: str
    amount: int
    unit: Unit
    source: str
    scope: Scope
    service: Service = Service.CHILD_PROTECTION
    direction: Direction = Direction.AFTER
    anchor_options: tuple[str, ...] = ()
    overridden: bool = field(default=False, compare=False)
    override_note: str = field(default="", compare=False)
    title: str = ""

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", self.description)

    @property
    def summary(self) -> str:
        if self.amount == 0:  # a date people set (a review's decision): due on it
            return f"on {self.anchor}"
        return f"{self.amount} {self.unit.label_for(self.amount)} {self.direction.value} {self.anchor}"

    def due(self, anchor_date: date, closures: Iterable[date] = ()) -> date:
        """The due date for an anchor date (for BEFORE rules, the anchor is the event's date)."""
        n = self.amount if self.direction is Direction.AFTER else -self.amount
        if self.unit is Unit.WORKING_DAYS:
            return workdays.add_working_days(anchor_date, n, closures)
        if self.unit is Unit.CALENDAR_DAYS:
            return workdays.previous_working_day(anchor_date + timedelta(days=n), closures)
        return workdays.add_months_to_working_day(anchor_date, n, closures)


_SERVICE_OF = {
    "iro_appointment": Service.LOOKED_AFTER, "lac_review_first": Service.LOOKED_AFTER,
    "lac_review_second": Service.LOOKED_AFTER, "lac_review_next": Service.LOOKED_AFTER,
    "lac_review_decisions": Service.LOOKED_AFTER, "lac_review_record": Service.LOOKED_AFTER,
    "iro_dispute_resolution": Service.LOOKED_AFTER, "lac_review_sw_contact": Service.LOOKED_AFTER,
    "lac_review_papers": Service.LOOKED_AFTER, "lac_review_ratification": Service.LOOKED_AFTER,
    "foster_carer_review": Service.LOOKED_AFTER,
    "lado_referral": Service.LADO, "lado_suspension_confirmation": Service.LADO, "lado_resolution": Service.LADO,
    "serious_incident_notification": Service.PARTNERSHIP, "rapid_review": Service.PARTNERSHIP,
    "lcspr": Service.PARTNERSHIP,
}


def _r(key, description, anchor, amount, unit, source, scope, **kw) -> Rule:
    service = _SERVICE_OF.get(key, Service.CHILD_PROTECTION)
    return Rule(key, description, anchor, amount, Unit(unit), source, Scope(scope), service=service, **kw)


WD, MONTHS = Unit.WORKING_DAYS, Unit.CALENDAR_MONTHS
NATIONAL, LOCAL = Scope.NATIONAL, Scope.LOCAL

_DEFAULTS: tuple[Rule, ...] = (
    # Child protection (timescales reference, section 1)
    _r("assessment", "Child and family assessment completed", "the referral", 45, WD, WT2023, NATIONAL),
    _r("icpc", "Initial child protection conference held", "the strategy discussion that started the s47 enquiry",
       15, WD, WT2023, NATIONAL, title="Initial child protection conference"),
    _r("transfer_in_conference", "Transfer-in conference held",
       "the written notification from the other authority", 15, WD, WT2023, NATIONAL, title="Transfer-in conference"),
    _r("core_group_first", "First core group meeting", "the initial conference", 10, WD,
       "Working Together 2023 flowchart, as in Newcastle, Sefton, Norfolk procedures", NATIONAL),
    _r("rcpc_first", "First review conference", "the initial conference", 3, MONTHS, WT2023, NATIONAL),
    _r("rcpc_next", "Next review conference", "the previous review conference", 6, MONTHS, WT2023, NATIONAL),
    _r("outline_plan", "Outline plan and decision letter sent", "the conference", 1, WD,
       "North Yorkshire SCP standards", LOCAL, title="Outline plan and decision letter"),
    _r("conference_minutes", "Conference record (minutes) sent", "the conference", 15, WD,
       "North Yorkshire SCP standards (Guernsey 10, others 20)", LOCAL, title="Conference minutes sent"),
    _r("conference_reports", "Agency reports received by the conference service", "the conference", 2, WD,
       "Devon CP procedures (ICPC 2 days, RCPC 5 days before)", LOCAL, direction=Direction.BEFORE,
       title="Agency report for a conference"),
    _r("parents_report_share", "Social work report shared with parents", "the conference", 2, WD,
       "Liverpool SCP procedures (Devon: 3 days)", LOCAL, direction=Direction.BEFORE),
    # Looked-after children and the IRO (section 2)
    _r("iro_appointment", "IRO appointed", "the child becoming looked after", 5, WD, IRO_HANDBOOK, NATIONAL),
    _r("lac_review_first", "First looked-after review", "the child becoming looked after", 20, WD,
       CPR2010 + "(1)", NATIONAL),
    _r("lac_review_second", "Second looked-after review", "the first review", 3, MONTHS, CPR2010 + "(2)", NATIONAL),
    _r("lac_review_next", "Next looked-after review", "the previous review", 6, MONTHS, CPR2010 + "(2)", NATIONAL),
    _r("lac_review_decisions", "Review decisions circulated", "the review", 5, WD, "St Helens IRO standards", LOCAL),
    _r("lac_review_record", "Full review record completed", "the review", 20, WD, "St Helens IRO standards", LOCAL),
    _r("iro_dispute_resolution", "IRO formal dispute resolution completed", "the start of the formal stage", 20, WD,
       IRO_HANDBOOK + ", para 6.2", NATIONAL),
    # Before each looked-after review (section 2.2: "[C] via summary", the IRO Handbook as summarised by
    # NIROMP). "At least 3 days before": the clock counts working days, the earlier (stricter) reading.
    _r("lac_review_sw_contact", "Social worker's contact with the IRO before the review", "the review", 15, WD,
       IRO_HANDBOOK + ", as summarised by NIROMP", NATIONAL, direction=Direction.BEFORE,
       title="Social worker to speak to the IRO before the review"),
    _r("lac_review_papers", "Care plan, PEP and health plan with the IRO before the review", "the review", 3, WD,
       IRO_HANDBOOK + ", as summarised by NIROMP (\"at least 3 days\", counted here as working days)", NATIONAL,
       direction=Direction.BEFORE, title="Care plan, PEP and health plan to the IRO"),
    # After the review (section 2.2, [L])
    _r("lac_review_ratification", "Manager's sign-off of the review record", "receiving the review record", 5, WD,
       "Southwark IRO procedures", LOCAL, title="Review record signed off by the manager"),
    # Foster carers' reviews, held by the IRO service (issue 10, section 3; not in the timescales document):
    # a review not more than a year after approval, then at intervals of not more than a year
    _r("foster_carer_review", "Foster carers' review (their approval reviewed)",
       "the approval, then the previous review", 12, MONTHS,
       "Fostering Services (England) Regulations 2011, reg 28(2)", NATIONAL, title="Foster carers' annual review"),
    # The child in need meeting a conference chair holds three months after a plan ends (Cheshire West and
    # Chester's safeguarding and quality assurance unit; sources/000)
    _r("cin_review_after_plan", "Child in need review after a child protection plan ended",
       "the conference's decision to end the plan", 3, MONTHS,
       "Cheshire West and Chester safeguarding and quality assurance unit: the chair's three-month child in need "
       "meeting after a plan is discontinued", LOCAL, title="Child in need review after the plan ended"),
    # LADO (section 3)
    _r("lado_referral", "Employer's referral to the LADO", "the employer knowing of the allegation", 1, WD, KCSIE,
       NATIONAL),
    # A suspension confirmed to the person in writing: "[U]" in the timescales document (section 3.3 step 4, KCSIE
    # wording not rechecked), so kept local (overridable without override_national)
    _r("lado_suspension_confirmation", "Suspension confirmed in writing to the person", "the suspension", 1, WD,
       KCSIE + " (statutory-timescales.md 3.3 step 4: written confirmation within one working day, wording not "
       "rechecked)", LOCAL, title="Suspension confirmed in writing"),
    # The first of KCSIE's resolution targets (80% of cases within one month; 90% within three months and all but
    # the most exceptional within twelve are figures, not deadlines): "[C]" in a 2016-2019 edition, "[U]" whether the
    # current one keeps it (section 3.4), so local. A case resolved later says why (the reason for delay).
    _r("lado_resolution", "Allegation resolved (the one-month target)", "the referral to the LADO", 1, MONTHS,
       KCSIE + ", 'Timescales' paragraph of the 2016-2019 editions (80% of cases resolved within one month; "
       "statutory-timescales.md 3.4)", LOCAL, title="Allegation resolved"),
    # Serious incidents and reviews (section 4)
    _r("serious_incident_notification", "Serious incident notified to the National Panel",
       "the local authority becoming aware", 5, WD, "Working Together 2023; Havering, Trafford, Devon procedures",
       NATIONAL),
    _r("rapid_review", "Rapid review completed", "the serious incident notification", 15, WD, PANEL, NATIONAL,
       anchor_options=("the serious incident notification", "the local authority becoming aware")),
    _r("lcspr", "Local child safeguarding practice review completed", "the decision to hold it", 6, MONTHS,
       "Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018; Panel guidance",
       NATIONAL),
)

# Looked-after children between reviews (issue 10, section 3; timescales section 2.2): the social worker's
# statutory visits (reg 28(2); the special cases of reg 28(3) to (6) are not kept yet), the IRO's mid-point
# check (no national timescale: local practice), the response to the IRO's quality assurance of the care
# plan and to an informal IRO alert (local).
REG28 = "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28(2)"
MIDPOINT = (IRO_HANDBOOK + ", ch. 3 (the IRO monitors the case between reviews, Children Act 1989 s25B) sets no "
            "timescale: a check halfway to the next review is local practice")
DAYS = Unit.CALENDAR_DAYS
_SERVICE_OF.update(dict.fromkeys(("lac_visit_first", "lac_visit_next", "lac_visit_next_long_term",
                                  "lac_midpoint_check_first", "lac_midpoint_check", "lac_qa_response",
                                  "iro_alert_response", "lac_review_decision"), Service.LOOKED_AFTER))
_DEFAULTS += (
    _r("lac_visit_first", "Social worker's first visit to the child in a placement", "the start of the placement", 7,
       DAYS, REG28 + "(a): within one week of the start of any placement", NATIONAL,
       title="Social worker's visit in the first week of a placement"),
    _r("lac_visit_next", "Social worker's next visit to the child", "the previous visit", 42, DAYS,
       REG28 + "(b) and (c)(ii): at intervals of not more than six weeks", NATIONAL,
       title="Social worker's visit (at most six weeks apart)"),
    _r("lac_visit_next_long_term", "Social worker's next visit, after the first year of a placement meant to last "
       "until the child is 18", "the previous visit", 3, MONTHS,
       REG28 + "(c)(i): at intervals of not more than three months", NATIONAL,
       title="Social worker's visit (at most three months apart, long-term placement)"),
    _r("lac_midpoint_check_first", "IRO's mid-point check between the first and second reviews", "the first review",
       42, DAYS, MIDPOINT + " (six weeks: halfway to the second review, due in three months)", LOCAL,
       title="IRO's mid-point check"),
    _r("lac_midpoint_check", "IRO's mid-point check between reviews", "the second or a later review", 3, MONTHS,
       MIDPOINT + " (three months: halfway to the next review, due in six months)", LOCAL,
       title="IRO's mid-point check"),
    _r("lac_qa_response", "Response to the IRO's quality assurance of the care plan", "the IRO's feedback", 10, WD,
       "Local standard: as an informal IRO alert (Nottinghamshire IRO dispute resolution, 10 working days)", LOCAL,
       title="Answer the IRO's feedback on the care plan"),
    _r("iro_alert_response", "Response to an IRO's informal alert", "the alert", 10, WD,
       "Nottinghamshire IRO dispute resolution procedure", LOCAL, title="Answer the IRO's alert"),
    # A review's decision is due on the date the review set for it (no timescale of its own: the review sets
    # it, reg 36 and the IRO Handbook ask the IRO to see that decisions are carried out); a date that is not
    # a working day falls back to the working day before.
    _r("lac_review_decision", "A looked-after review's decision carried out", "the date the review set for it",
       0, DAYS, IRO_HANDBOOK + ", ch. 3 (the IRO monitors that the review's decisions are carried out by the "
       "dates the review set); the date is the review's own", LOCAL, title="Review decision due"),
)

OVERRIDABLE = ("amount", "unit", "anchor", "direction")


class UnknownRule(KeyError):
    pass


def _apply_override(rule: Rule, override: dict) -> Rule:
    where = f"STATUTORY_RULE_OVERRIDES[{rule.key!r}]"
    if not isinstance(override, dict):
        raise ImproperlyConfigured(f"{where} must be an object such as {{\"amount\": 10}}")
    unknown = set(override) - set(OVERRIDABLE) - {"override_national", "note"}
    if unknown:
        raise ImproperlyConfigured(f"{where} has unknown keys {sorted(unknown)}; allowed: {list(OVERRIDABLE)}, "
                                   "\"note\" and (for a national rule) \"override_national\"")
    if rule.scope is Scope.NATIONAL and override.get("override_national") is not True:
        raise ImproperlyConfigured(
            f"{rule.key!r} is a national rule: overriding it needs \"override_national\": true"
        )
    changes = {}
    if "amount" in override:
        amount = override["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise ImproperlyConfigured(f"{where}['amount'] must be a whole number, 1 or more")
        changes["amount"] = amount
    if "unit" in override:
        try:
            changes["unit"] = Unit(override["unit"])
        except ValueError:
            raise ImproperlyConfigured(f"{where}['unit'] must be one of {[u.value for u in Unit]}") from None
    if "direction" in override:
        try:
            changes["direction"] = Direction(override["direction"])
        except ValueError:
            raise ImproperlyConfigured(f"{where}['direction'] must be one of {[d.value for d in Direction]}") from None
    if "anchor" in override:
        anchor = override["anchor"]
        if rule.anchor_options and anchor not in rule.anchor_options:
            raise ImproperlyConfigured(f"{where}['anchor'] must be one of {list(rule.anchor_options)}")
        if not isinstance(anchor, str) or not anchor.strip():
            raise ImproperlyConfigured(f"{where}['anchor'] must name the anchor event, e.g. \"the conference\"")
        changes["anchor"] = anchor.strip()
    note = override.get("note", "")
    if not isinstance(note, str):
        raise ImproperlyConfigured(f"{where}['note'] must be text")
    # Only what really differs from the default counts as overridden (a value restated is not a change).
    changes = {name: value for name, value in changes.items() if getattr(rule, name) != value}
    if not changes:
        return rule
    return replace(rule, **changes, overridden=True, override_note=note.strip())


def all_rules() -> dict[str, Rule]:
    """Every rule with this deployment's overrides applied."""
    overrides = getattr(settings, "STATUTORY_RULE_OVERRIDES", {}) or {}
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("STATUTORY_RULE_OVERRIDES must be an object of rule key to changes, e.g. "
                                   '{"conference_minutes": {"amount": 10}}')
    coded = defaults()
    unknown = set(overrides) - set(coded)
    if unknown:
        raise ImproperlyConfigured(f"STATUTORY_RULE_OVERRIDES names unknown rules: {sorted(unknown)}")
    return {key: _apply_override(rule, overrides[key]) if key in overrides else rule
            for key, rule in coded.items()}


def defaults() -> dict[str, Rule]:
    """Every rule as the code defines it, before this deployment's overrides."""
    return {r.key: r for r in _DEFAULTS}


def get(key: str) -> Rule:
    try:
        return all_rules()[key]
    except KeyError:
        raise UnknownRule(key) from None

# The rapid review day by day (issue 12, section 2): the partnership's local plan, counted in working days
# where the day the agency became aware is Working Day 1 (a day of awareness that is not a working day
# makes the next working day Working Day 1). Each rule's amount is its working day less one, counted from
# Working Day 1 (partnership.plan opens them with Working Day 1 as the anchor); a deployment changes a day
# with STATUTORY_RULE_OVERRIDES and picks the steps with PARTNERSHIP_RAPID_REVIEW_STEPS. The national rules
# above (serious_incident_notification, rapid_review) keep their own anchors; the plan shows both.
CE_SCP = ("Cheshire East Safeguarding Children Partnership arrangements, section 17 (Arrangements for Local "
          "Safeguarding Child Practice Reviews & Notifications to the National Panel)")
WORKING_DAY_1 = "Working Day 1 of the rapid review (the day the agency became aware, or the next working day)"
_SERVICE_OF.update(dict.fromkeys((
    "rapid_review_consultation", "rapid_review_chronology_requests", "rapid_review_panel_notification",
    "rapid_review_information_returned", "rapid_review_meeting", "rapid_review_report_to_panel",
    "rapid_review_report_to_partners", "rapid_review_submission"), Service.PARTNERSHIP))
_DEFAULTS += (
    _r("rapid_review_consultation", "Consultation with the statutory partners (criteria met: rapid review; not "
       "met: alternative learning review)", WORKING_DAY_1, 1, WD, CE_SCP + ": Working Day 2", LOCAL,
       title="Rapid review: consult the statutory partners"),
    _r("rapid_review_chronology_requests", "Chronology requests sent to every involved agency", WORKING_DAY_1, 2,
       WD, CE_SCP + ": Working Day 3", LOCAL, title="Rapid review: request chronologies"),
    _r("rapid_review_panel_notification", "Notification to the National Panel (local plan)", WORKING_DAY_1, 4, WD,
       CE_SCP + ": by working day 5", LOCAL, title="Rapid review: notify the National Panel"),
    _r("rapid_review_information_returned", "Information gathering and analysis forms returned", WORKING_DAY_1, 6,
       WD, CE_SCP + ": by working day 7", LOCAL, title="Rapid review: information forms returned"),
    _r("rapid_review_meeting", "Rapid review meeting held", WORKING_DAY_1, 8, WD, CE_SCP + ": by working day 9",
       LOCAL, title="Rapid review meeting"),
    _r("rapid_review_report_to_panel", "Rapid review report sent to the rapid review panel for oversight and "
       "approval", WORKING_DAY_1, 11, WD, CE_SCP + ": by working day 12", LOCAL,
       title="Rapid review: report to the rapid review panel"),
    _r("rapid_review_report_to_partners", "Rapid review report sent to the strategic safeguarding partners for "
       "approval", WORKING_DAY_1, 13, WD, CE_SCP + ": by working day 14", LOCAL,
       title="Rapid review: report to the strategic partners"),
    _r("rapid_review_submission", "Rapid review submitted to the National Panel (local plan)", WORKING_DAY_1, 14,
       WD, CE_SCP + ": by working day 15", LOCAL, title="Rapid review: submit to the National Panel"),
)


# --- bands for figures (not deadlines) ---------------------------------------------------------------------
# The lengths of child protection plans as the DfE's "Characteristics of children in need" statistics band
# them (CIN census: under 3 months, 3 to 6 months, 6 months to 1 year, 1 to 2 years, 2 years and over), in
# months from the plan's start. The last band is the inspected "plans lasting two years or more".
PLAN_LENGTH_BANDS_MONTHS = (3, 6, 12, 24)

# How long LADO cases take from the referral to the outcome, in the bands KCSIE's guidance on managing
# allegations measures (Keeping children safe in education, part four: resolved within one month, three months,
# and all but the most exceptional within twelve months), in months from the referral. The targets for each band
# are the deployment's (settings.LADO_RESOLUTION_TARGETS).
LADO_RESOLUTION_BANDS_MONTHS = (1, 3, 12)
# Practice reviews and their action plans (issue 12, section 3; ADR 24). A local child safeguarding practice review
# is ``lcspr`` above; an alternative learning review (a practice learning review, for a case below the criteria)
# has the partnership's own clock: "Timescales for Alternative Reviews to be determined by the Strategic Group
# however review must not take longer than 6 months to conclude". An action of a review's action plan is due on
# the date the plan set for it (no timescale of its own, as ``lac_review_decision``); a date that is not a
# working day falls back to the working day before.
_SERVICE_OF.update(dict.fromkeys(("learning_review", "partnership_action"), Service.PARTNERSHIP))
_DEFAULTS += (
    _r("learning_review", "Alternative learning review concluded", "the decision to hold it", 6, MONTHS,
       CE_SCP + ": an alternative review \"must not take longer than 6 months to conclude\"", LOCAL,
       title="Learning review concluded"),
    _r("partnership_action", "A review's action carried out", "the date the action plan set for it", 0, DAYS,
       "Cheshire East Safeguarding Children Partnership arrangements: the Child Safeguarding Practice Review Group "
       "ensures \"that actions are completed in a timely manner, that evidence of completed actions is submitted\"; "
       "the date is the action plan's own", LOCAL, title="Review action due"),
)

# LADO meetings' actions and the parallel processes (issue 11, section 3; ADR 21). An action is due on the date
# the meeting set for it (as lac_review_decision). The employer's investigation and disciplinary timescales are
# statutory-timescales.md 3.4: the hearing "[C]" in a 2016-2019 KCSIE edition, the investigation's "[U]"
# (recalled, not rechecked): all local, overridable without override_national.
KCSIE_EMPLOYER = KCSIE + ", 'Timescales' paragraph of the 2016-2019 editions (statutory-timescales.md 3.4)"
_SERVICE_OF.update(dict.fromkeys(("lado_meeting_action", "lado_investigation_report", "lado_investigation_decision",
                                  "lado_disciplinary_hearing"), Service.LADO))
_DEFAULTS += (
    _r("lado_meeting_action", "An action agreed at a LADO meeting carried out", "the date the meeting set for it",
       0, DAYS, "Local LADO procedures (the LADO monitors progress and chases delays: statutory-timescales.md 3.3 "
       "step 6); the date is the meeting's own", LOCAL, title="LADO meeting action due"),
    _r("lado_investigation_report", "Employer's investigator reports", "the start of the employer's investigation",
       10, WD, KCSIE_EMPLOYER + ": recalled, not rechecked", LOCAL, title="Employer's investigation report"),
    _r("lado_investigation_decision", "Employer's case manager decides on the investigation report",
       "the investigation report", 2, WD, KCSIE_EMPLOYER + ": recalled, not rechecked", LOCAL,
       title="Employer's decision on the investigation report"),
    _r("lado_disciplinary_hearing", "Disciplinary hearing held", "the decision to hold a disciplinary hearing", 15,
       WD, KCSIE_EMPLOYER + ": a hearing without further investigation within 15 working days", LOCAL,
       title="Disciplinary hearing"),
)

# Professional differences between agencies (issue 12, section 4; ADR 25): each stage of the multi-agency
# escalation protocol is a rule, counted in working days from the day the stage began (the day it was raised,
# or moved on). Cheshire East's arrangements, section 20 (sources/001), give the shape: resolution between the
# agencies first, a multi-agency meeting any statutory agency may request, and the three statutory partners
# as arbitrators of protracted or intractable disagreements; they leave the days to the partnership's
# escalation policy. The days are the typical joint protocol's (statutory-timescales.md 5.1, Lincolnshire; similar
# in Wirral, Knowsley, Surrey, HIPS, Nottinghamshire). A deployment picks and orders the stages with
# PARTNERSHIP_ESCALATION_STAGES (rule keys; the last is arbitration) and changes a day with
# STATUTORY_RULE_OVERRIDES.
CE_SCP_ESCALATION = "Cheshire East Safeguarding Children Partnership arrangements, section 20 (escalation)"
ESCALATION_PROTOCOL = "statutory-timescales.md 5.1 (Lincolnshire joint escalation protocol)"
STAGE_START = "the start of the stage (the day it was raised, or moved to this stage)"
_SERVICE_OF.update(dict.fromkeys((
    "escalation_practitioners", "escalation_managers", "escalation_senior_managers", "escalation_arbitration"),
    Service.PARTNERSHIP))
_DEFAULTS += (
    _r("escalation_practitioners", "Professional difference: practitioners agree an action plan", STAGE_START, 2,
       WD, f"{ESCALATION_PROTOCOL}, stage 1: practitioner to practitioner, an agreed plan within 2 working days "
       f"(48 hours); {CE_SCP_ESCALATION}: the general principles of resolution first", LOCAL,
       title="Professional difference: practitioners' response"),
    _r("escalation_managers", "Professional difference: line managers or safeguarding supervisors respond",
       STAGE_START, 5, WD, f"{ESCALATION_PROTOCOL}, stage 2: line manager or safeguarding supervisor to their "
       "counterpart, within 5 working days", LOCAL, title="Professional difference: managers' response"),
    _r("escalation_senior_managers", "Professional difference: senior managers agree a plan", STAGE_START, 2, WD,
       f"{ESCALATION_PROTOCOL}, stage 3: senior manager or senior liaison officer to their counterpart, a plan "
       "within 2 working days", LOCAL, title="Professional difference: senior managers' response"),
    _r("escalation_arbitration", "Professional difference: the safeguarding partners arbitrate", STAGE_START, 10,
       WD, f"{CE_SCP_ESCALATION}: the three statutory partners arbitrate protracted or intractable "
       f"disagreements; {ESCALATION_PROTOCOL}, stage 4: partnership level, timescale set locally (10 working days "
       "is this hub's default until the partnership sets its own)", LOCAL,
       title="Professional difference: the partners' arbitration"),
)
