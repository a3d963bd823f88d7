"""NHS number and UPN validation, table-driven.

Expected values come from published examples and from the algorithms written out again here,
independently of cases.identifiers (never from our own make_* helpers):

- NHS number (NHS Data Dictionary): weights 10..2 on the first nine digits, 11 - (sum mod 11);
  11 means 0 and 10 means no valid number has these nine digits. 943 476 5919 is the NHS's own
  published example.
- UPN (DfE "Unique pupil numbers"): characters 2..13 times their positions 2..13, sum mod 23,
  mapped onto A-Z without I, O and S; a letter in position 13 (temporary UPN) counts as its index
  in that same alphabet. B801200005001 is a published valid example (python-stdnum's doctest).
"""

import pytest
from django.core.exceptions import ValidationError

from cases.identifiers import normalise_nhs_number, normalise_upn, validate_nhs_number, validate_upn

# --- an independent statement of each algorithm -----------------------------------------------

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
assert len(UPN_ALPHABET) == 23 and not set("IOS") & set(UPN_ALPHABET)


def reference_nhs_check(nine: str):
    remainder = sum(int(d) * w for d, w in zip(nine, NHS_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return {11: 0, 10: None}.get(check, check)


def reference_upn(body12: str) -> str:
    total = 0
    for position, ch in zip(range(2, 14), body12, strict=True):
        total += (ord(ch) - ord("0") if "0" <= ch <= "9" else UPN_ALPHABET.index(ch)) * position
    return UPN_ALPHABET[total % 23] + body12


def first_prefix(remainder: int) -> str:
    """The first nine-digit prefix from 400000000 whose weighted sum leaves ``remainder`` mod 11."""
    for n in range(400_000_000, 400_001_000):
        nine = str(n)
        if sum(int(d) * w for d, w in zip(nine, NHS_WEIGHTS, strict=True)) % 11 == remainder:
            return nine
    raise AssertionError("no prefix found")


CHECK_10_PREFIX = first_prefix(1)  # 11 - 1 = 10: no valid NHS number starts with these digits
CHECK_0_PREFIX = first_prefix(0)  # 11 - 0 = 11 -> check digit 0


def test_reference_algorithms_agree_with_published_examples():
    assert reference_nhs_check("943476591") == 9  # 943 476 5919, the NHS's published example
    assert reference_nhs_check("401023213") == 7  # 401 023 2137
    assert reference_upn("801200005001") == "B801200005001"
    assert reference_nhs_check(CHECK_10_PREFIX) is None
    assert reference_nhs_check(CHECK_0_PREFIX) == 0


# --- NHS numbers -------------------------------------------------------------------------------

VALID_NHS = [
    ("9434765919", "9434765919"),
    ("943 476 5919", "9434765919"),
    ("943-476-5919", "9434765919"),
    (" 943 476 5919 ", "9434765919"),
    ("943\t476\t5919", "9434765919"),
    ("4010232137", "4010232137"),
    ("401 023 2137", "4010232137"),
    ("401-023-2137", "4010232137"),
    (CHECK_0_PREFIX + "0", CHECK_0_PREFIX + "0"),
]


@pytest.mark.parametrize(("raw", "expected"), VALID_NHS)
def test_valid_nhs_numbers(raw, expected):
    assert validate_nhs_number(raw) == expected
    assert normalise_nhs_number(raw) == expected


LENGTH = "NHS number must be 10 digits long; you entered {}"
NOT_DIGITS = "NHS number must contain only numbers (spaces are allowed)"
BAD_CHECK = "This is not a valid NHS number: the last digit does not match, check it for a typing mistake"
NO_SUCH = "This is not a valid NHS number: no number starting with these 9 digits exists"

# fmt: off
INVALID_NHS = [
    # raw,                      code,         message
    ("",                        "required",   "Enter an NHS number"),
    ("   ",                     "required",   "Enter an NHS number"),
    ("- -",                     "required",   "Enter an NHS number"),
    ("943476591",               "length",     LENGTH.format(9)),
    ("943 476 591",             "length",     LENGTH.format(9)),
    ("94347659190",             "length",     LENGTH.format(11)),
    ("1",                       "length",     LENGTH.format(1)),
    ("943476591A",              "not_digits", NOT_DIGITS),
    ("NHS9434765919",           "not_digits", NOT_DIGITS),
    ("943.476.5919",            "not_digits", NOT_DIGITS),
    ("+9434765919",             "not_digits", NOT_DIGITS),
    ("９４３４７６５９１９",       "not_digits", NOT_DIGITS),  # full-width digits
    ("٩٤٣٤٧٦٥٩١٩",              "not_digits", NOT_DIGITS),  # Arabic-Indic digits
    ("943476591²",              "not_digits", NOT_DIGITS),  # superscript two
    ("9434765918",              "check",      BAD_CHECK),
    ("9434765910",              "check",      BAD_CHECK),
    ("4010232138",              "check",      BAD_CHECK),
    ("3434765919",              "check",      BAD_CHECK),  # first digit mistyped
    ("9437465919",              "check",      BAD_CHECK),  # adjacent digits transposed
]
# fmt: on


@pytest.mark.parametrize(("raw", "code", "message"), INVALID_NHS)
def test_invalid_nhs_numbers_say_what_is_wrong(raw, code, message):
    with pytest.raises(ValidationError) as exc:
        validate_nhs_number(raw)
    assert exc.value.messages == [message]
    assert exc.value.code == code


@pytest.mark.parametrize("last", "0123456789")
def test_no_number_exists_when_the_check_digit_would_be_10(last):
    with pytest.raises(ValidationError) as exc:
        validate_nhs_number(CHECK_10_PREFIX + last)
    assert exc.value.messages == [NO_SUCH]


@pytest.mark.parametrize(
    "prefix", ["943476591", "401023213", "400000000", "999999999", "123456789", "000000001"]
)
def test_exactly_one_last_digit_is_accepted(prefix):
    accepted = []
    for last in "0123456789":
        try:
            validate_nhs_number(prefix + last)
            accepted.append(last)
        except ValidationError:
            pass
    expected = reference_nhs_check(prefix)
    assert accepted == ([] if expected is None else [str(expected)])


# --- Unique pupil numbers ----------------------------------------------------------------------

PERMANENT = reference_upn("801200005001")  # B801200005001
PERMANENT_2 = reference_upn("935123420123")
TEMPORARY_A = reference_upn("93512342012A")
TEMPORARY_Z = reference_upn("20120001234Z")

VALID_UPN = [
    ("B801200005001", "B801200005001"),
    ("b801200005001", "B801200005001"),
    ("B801 2000 05001", "B801200005001"),
    (" B801200005001\n", "B801200005001"),
    (PERMANENT_2, PERMANENT_2),
    (PERMANENT_2.lower(), PERMANENT_2),
    (TEMPORARY_A, TEMPORARY_A),
    (TEMPORARY_A.lower(), TEMPORARY_A),
    (TEMPORARY_Z, TEMPORARY_Z),
]


@pytest.mark.parametrize(("raw", "expected"), VALID_UPN)
def test_valid_upns(raw, expected):
    assert validate_upn(raw) == expected
    assert normalise_upn(raw) == expected


UPN_LENGTH = "Unique pupil number must be 13 characters long; you entered {}"
UPN_FIRST = "Unique pupil number must start with a check letter (A to Z, but not I, O or S)"
UPN_DIGITS = "Characters 2 to 12 of a unique pupil number must be numbers"
UPN_LAST = (
    "The last character of a unique pupil number must be a number, or a letter (not I, O or S) for a "
    "temporary number"
)
UPN_CHECK = (
    "This is not a valid unique pupil number: the check letter does not match, check it for a typing mistake"
)

# fmt: off
INVALID_UPN = [
    ("",                        "required", "Enter a unique pupil number"),
    ("  ",                      "required", "Enter a unique pupil number"),
    ("B80120000500",            "length",   UPN_LENGTH.format(12)),
    ("B8012000050011",          "length",   UPN_LENGTH.format(14)),
    ("B801-200-005001",         "length",   UPN_LENGTH.format(15)),
    ("I801200005001",           "first",    UPN_FIRST),
    ("O801200005001",           "first",    UPN_FIRST),
    ("S801200005001",           "first",    UPN_FIRST),
    ("1801200005001",           "first",    UPN_FIRST),
    ("-801200005001",           "first",    UPN_FIRST),
    ("É801200005001",           "first",    UPN_FIRST),
    ("B8012000A5001",           "digits",   UPN_DIGITS),
    ("BA01200005001",           "digits",   UPN_DIGITS),
    ("B80120000500-",           "last",     UPN_LAST),
    ("B8012000050.1",           "digits",   UPN_DIGITS),
    ("B٨01200005001",           "digits",   UPN_DIGITS),  # Arabic-Indic eight
    ("B80120000500²",           "last",     UPN_LAST),  # superscript two
    ("B80120000500I",           "last",     UPN_LAST),
    ("B80120000500O",           "last",     UPN_LAST),
    ("B80120000500S",           "last",     UPN_LAST),
    ("A801200005001",           "check",    UPN_CHECK),
    ("C801200005001",           "check",    UPN_CHECK),
    ("B801200005002",           "check",    UPN_CHECK),
    ("B810200005001",           "check",    UPN_CHECK),  # adjacent digits transposed
]
# fmt: on


@pytest.mark.parametrize(("raw", "code", "message"), INVALID_UPN)
def test_invalid_upns_say_what_is_wrong(raw, code, message):
    with pytest.raises(ValidationError) as exc:
        validate_upn(raw)
    assert exc.value.messages == [message]
    assert exc.value.code == code


@pytest.mark.parametrize(
    "body", ["801200005001", "935123420123", "93512342012A", "20120001234Z", "00000000000H"]
)
def test_exactly_one_check_letter_is_accepted(body):
    accepted = []
    for letter in UPN_ALPHABET + "IOS":
        try:
            validate_upn(letter + body)
            accepted.append(letter)
        except ValidationError:
            pass
    assert accepted == [reference_upn(body)[0]]
