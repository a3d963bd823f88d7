"""The census codes the product's own codes become on a return (ADR 27)."""

from __future__ import annotations

from datetime import date

from .years import age_on

# cases.models.Gender (the CIN census's former GenderCurrent codes) -> Sex, which the CIN census (from 2024 to
# 2025) and the SSDA903 return (likewise) ask for: M, F or U (not known, not stated, unborn)
SEX = {"1": "M", "2": "F"}


def sex(gender: str, unborn: bool) -> str:
    return "U" if unborn else SEX.get(gender, "U")


def upn_or_reason(upn: str, born: date | None, reference_date: date) -> tuple[str, str]:
    """(UPN, UPNunknown). A child with a UPN has it; a child under 6 on the reference date without one is
    UN1 ("aged under 6 and not yet assigned a UPN"); the product knows no other reason, so an older child
    without a UPN has neither, and the validators ask for one (the data quality page links to the child)."""
    if upn:
        return upn, ""
    if born is None:  # unborn: no UPN and no reason (the census's rule for an unborn child)
        return "", ""
    age = age_on(born, reference_date)
    return ("", "UN1") if age is not None and age < 6 else ("", "")
