"""The LADO app's own limits that are not statutory timescales (those are in safeguarding/clock/rules.py)."""

REGISTRATION_LINK_HOURS = 24  # how long the link to verify a portal registration works
REGISTRATIONS_PER_ADDRESS = 5  # registrations asked for from one network address in an hour (then 429)


# --- retention of the LADO's records (the person index and the cases about each person) -----------------------
# Not deadlines on anyone's list (nothing reminds anyone; the LADO manager's review list reads them), so not
# clock rules: the periods are here, each with its source, and a deployment changes them per outcome with the
# LADO_RETENTION setting (JSON), e.g. {"malicious": {"years": 6, "until_pension_age": false, "note": "..."}}.
from dataclasses import dataclass, replace  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

KCSIE_RECORDS = ("Keeping Children Safe in Education, Part four (record keeping): a clear and comprehensive summary "
                 "of the allegation kept until the person's normal pension age or for 10 years from the date of the "
                 "allegation, whichever is longer (statutory-timescales.md 3.5, [U]); details of false and malicious "
                 "allegations removed from the personnel record. Applied to the LADO's own record as local policy [L]")
LOCAL_SAME = "Local policy [L]: kept as the outcomes are (no national rule for the LADO's own record of it)"
PENSION_AGE_SOURCE = ("State Pension age, rising from 66 to 67 between 2026 and 2028 (Pensions Act 2014): the later "
                      "age, so that no record is disposed of early")


@dataclass(frozen=True)
class Retention:
    """How long the LADO keeps the record of a case closed in one way (``key``): ``years`` from the allegation (the
    referral's date) or, with ``until_pension_age``, until the person reaches ``pension_age()`` if that is later.
    ``employer_removes``: the employer removes the details from the personnel record (the LADO records telling
    them, ``PersonnelRecordAdvice``)."""

    key: str
    label: str
    years: int
    until_pension_age: bool
    source: str
    employer_removes: bool = False
    note: str = ""


# the keys: the five outcome categories (lado.codes.OutcomeCategory), "nfa" (closed at the evaluation: no further
# action) and "transferred" (handed to another authority's LADO)
RETENTION_DEFAULTS = {
    "substantiated": Retention("substantiated", "Substantiated", 10, True, KCSIE_RECORDS),
    "unsubstantiated": Retention("unsubstantiated", "Unsubstantiated", 10, True, KCSIE_RECORDS),
    "unfounded": Retention("unfounded", "Unfounded", 10, True, KCSIE_RECORDS),
    "false": Retention("false", "False", 10, True, KCSIE_RECORDS, employer_removes=True),
    "malicious": Retention("malicious", "Malicious", 10, True, KCSIE_RECORDS, employer_removes=True),
    "nfa": Retention("nfa", "No further action at the evaluation", 10, True, LOCAL_SAME),
    "transferred": Retention("transferred", "Transferred to another authority's LADO", 10, True, LOCAL_SAME),
}
PENSION_AGE = 67  # see PENSION_AGE_SOURCE; LADO_RETENTION_PENSION_AGE changes it


def retention_rules() -> dict[str, Retention]:
    """The defaults with the deployment's LADO_RETENTION applied (``years``: 1 or more; ``until_pension_age``: a
    boolean; ``note``: shown with the rule). Anything else raises ImproperlyConfigured."""
    overrides = getattr(settings, "LADO_RETENTION", {}) or {}
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("LADO_RETENTION must be a JSON object keyed by outcome")
    out = dict(RETENTION_DEFAULTS)
    for key, change in overrides.items():
        if key not in out or not isinstance(change, dict):
            raise ImproperlyConfigured(f"LADO_RETENTION: {key!r} is not one of {sorted(out)} with an object")
        unknown = set(change) - {"years", "until_pension_age", "note"}
        if unknown:
            raise ImproperlyConfigured(f"LADO_RETENTION[{key!r}]: unknown fields {sorted(unknown)}")
        years = change.get("years", out[key].years)
        until = change.get("until_pension_age", out[key].until_pension_age)
        if not isinstance(years, int) or isinstance(years, bool) or years < 1 or not isinstance(until, bool):
            raise ImproperlyConfigured(f"LADO_RETENTION[{key!r}]: years must be a whole number of 1 or more and "
                                       "until_pension_age true or false")
        out[key] = replace(out[key], years=years, until_pension_age=until, note=str(change.get("note", "")))
    return out


def pension_age() -> int:
    age = getattr(settings, "LADO_RETENTION_PENSION_AGE", None) or PENSION_AGE
    if not isinstance(age, int) or not 55 <= age <= 75:
        raise ImproperlyConfigured("LADO_RETENTION_PENSION_AGE must be a whole number of years from 55 to 75")
    return age
