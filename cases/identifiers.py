"""NHS number and Unique Pupil Number (UPN) validation, with messages that say what is wrong.

NHS number: 10 digits; the 10th is a modulus 11 check digit over the first nine, weighted 10..2
(NHS Data Dictionary). A remainder giving 10 means the number is not valid.

UPN: 13 characters; a check letter, the 3-digit LA code, the 4-digit DfE establishment number, the
2-digit year of allocation and a 3-digit serial. A temporary UPN ends in a letter. The check letter
is the sum of characters 2-13 times their positions (2..13), modulo 23, mapped onto
A-Z without I, O and S (DfE, "Unique pupil numbers").
"""

import re

from django.core.exceptions import ValidationError

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: I, O and S are never used


def _ascii_digits(value: str) -> bool:
    """0-9 only: str.isdigit() also accepts other scripts' digits and superscripts, which would slip past
    the uniqueness check (or crash int())."""
    return value.isascii() and value.isdigit()


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> str:
    """Return the NHS number as 10 digits, or raise ValidationError saying what is wrong."""
    number = normalise_nhs_number(value)
    if not number:
        raise ValidationError("Enter an NHS number", code="required")
    if not _ascii_digits(number):
        raise ValidationError("NHS number must contain only numbers (spaces are allowed)", code="not_digits")
    if len(number) != 10:
        raise ValidationError(
            "NHS number must be 10 digits long; you entered %(n)d", code="length", params={"n": len(number)}
        )
    expected = nhs_check_digit(number[:9])
    if expected is None:
        raise ValidationError(
            "This is not a valid NHS number: no number starting with these 9 digits exists", code="check"
        )
    if int(number[9]) != expected:
        raise ValidationError(
            "This is not a valid NHS number: the last digit does not match, check it for a typing mistake",
            code="check",
        )
    return number


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_check_letter(chars_2_to_13: str) -> str:
    total = 0
    for position, char in enumerate(chars_2_to_13, start=2):
        value = int(char) if char.isdigit() else _UPN_LETTERS.index(char)
        total += value * position
    return _UPN_LETTERS[total % 23]


def validate_upn(value: str) -> str:
    """Return the UPN in capitals, or raise ValidationError saying what is wrong."""
    upn = normalise_upn(value)
    if not upn:
        raise ValidationError("Enter a unique pupil number", code="required")
    if len(upn) != 13:
        raise ValidationError(
            "Unique pupil number must be 13 characters long; you entered %(n)d", code="length",
            params={"n": len(upn)},
        )
    if not upn[0].isalpha() or upn[0] not in _UPN_LETTERS:
        raise ValidationError(
            "Unique pupil number must start with a check letter (A to Z, but not I, O or S)", code="first"
        )
    if not _ascii_digits(upn[1:12]):
        raise ValidationError(
            "Characters 2 to 12 of a unique pupil number must be numbers", code="digits"
        )
    last = upn[12]
    if not (_ascii_digits(last) or last in _UPN_LETTERS):
        raise ValidationError(
            "The last character of a unique pupil number must be a number, or a letter (not I, O or S) "
            "for a temporary number", code="last",
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            "This is not a valid unique pupil number: the check letter does not match, check it for a "
            "typing mistake", code="check",
        )
    return upn


def make_upn(body12: str) -> str:
    """Add the check letter to 12 characters (for tests and demo data)."""
    return upn_check_letter(body12) + body12


def make_nhs_number(first_nine: str) -> str | None:
    check = nhs_check_digit(first_nine)
    return None if check is None else f"{first_nine}{check}"


NO_DISABILITY = "NONE"  # the CIN census code for "No disability" (cases.models.Disability.NONE)
NO_DISABILITY_WITH_OTHERS = ("Select \u201cNo disability\u201d on its own, or the child's disabilities: not both")


def validate_disabilities(codes) -> list[str]:
    """The child's CIN census disability codes: "No disability" excludes every other code."""
    codes = list(codes or [])
    if NO_DISABILITY in codes and len(set(codes)) > 1:
        raise ValidationError(NO_DISABILITY_WITH_OTHERS, code="no_disability_with_others")
    return codes
