"""Citizen ID numbers (公民身份号码) under GB 11643-1999.

An 18-character number is a 6-digit area code, an 8-digit birth date (YYYYMMDD), a 3-digit
order code (odd for men, even for women) and a check character (ISO 7064 MOD 11-2, a digit
or X). Numbers issued before 1999 have 15 digits: area code, YYMMDD birth date of the 1900s
and order code, no check character; they are upgraded by inserting "19" and appending the
check character.

The area code is the one in force when the number was first issued, not where the person
lives now. Codes are retired and reassigned (most adults of Naiman Banner carry 152326, the
banner's code under Jirem League before 1999), so only the province prefix is checked: never
the county against the current GB/T 2260 list or against the birth year, and residence must
never be inferred from it.

Messages never repeat the whole number: ID numbers are sensitive personal information and
error messages end up in logs.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError
from jinguo.orgunits.codes import PROVINCE_PREFIXES

Sex = Literal["F", "M"]

FIELD = "id_number"
EARLIEST_BIRTH_DATE = date(1880, 1, 1)

# First two digits of the area code: the provinces, regions and municipalities of GB/T 2260,
# 71 Taiwan, 81 Hong Kong and 82 Macao (their residents' residence permits, 港澳台居民居住证,
# carry 810000 and 820000), and 83, which the residence permits of Taiwan residents carry
# (830000) instead of 71. Numbers starting with 9 are not citizen numbers: since 2023 the
# foreigners' permanent residence card (外国人永久居留身份证) uses "9" + a province digit, and
# its next digits are a nationality code, not an area code; they are refused here.
PROVINCE_CODES = PROVINCE_PREFIXES | {"83"}  # 83: residence permits of Taiwan residents

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"

# Full-width digits and Latin letters (what a Chinese input method in full-width mode types).
_FULL_WIDTH = str.maketrans(
    {
        **{0xFF10 + i: str(i) for i in range(10)},
        **{0xFF21 + i: chr(ord("A") + i) for i in range(26)},
        **{0xFF41 + i: chr(ord("a") + i) for i in range(26)},
    }
)
# Invisible characters that copying from web pages, Word or WeChat brings along.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Excel's text marker, as typed on an English keyboard or by a Chinese input method.
_APOSTROPHES = ("'", "\u2018", "\u2019", "\uff07")

_EIGHTEEN = re.compile(r"[0-9]{17}[0-9X]")
_FIFTEEN = re.compile(r"[0-9]{15}")
# What a spreadsheet makes of a long number: 1.50525E+17, 1.52326198003081E+17, 152326800308123.0
_SPREADSHEET_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?E[+-]?[0-9]+|[0-9]+\.[0-9]*")

MISSING = _("The ID number is empty.")
INVALID_LENGTH = _(
    "An ID number has 18 characters (old numbers issued before 1999 have 15); "
    "this one has %(length)d."
)
INVALID_CHARACTER = _(
    "Character %(position)d of the ID number, “%(character)s”, is not allowed: "
    "an ID number has 17 digits and then a digit or X."
)
INVALID_CHARACTER_LEGACY = _(
    "Character %(position)d of the old 15-character ID number, “%(character)s”, "
    "is not allowed: old ID numbers have digits only."
)
MANGLED_BY_EXCEL = _(
    "This ID number was turned into a number by a spreadsheet: Excel shows long numbers in "
    "scientific notation (such as 1.50525E+17) and keeps only 15 digits, so the rest of the "
    "number is lost. Format the ID number column as text and enter the numbers again."
)
TRUNCATED_BY_EXCEL = _(
    "This ID number ends in 000 and its check character does not match: a spreadsheet "
    "probably stored it as a number and kept only its first 15 digits. Format the ID number "
    "column as text and enter the numbers again."
)
INVALID_AREA = _(
    "An ID number starts with a province code (GB/T 2260), and “%(province)s” is not one: "
    "the first two digits are probably mistyped."
)
INVALID_BIRTH_DATE = _(
    "Characters %(first)d to %(last)d of the ID number hold the birth date, "
    "but “%(digits)s” is not a real date."
)
BIRTH_DATE_TOO_EARLY = _(
    "The birth date in the ID number, %(date)s, is before 1880: a digit is probably mistyped."
)
BIRTH_DATE_IN_FUTURE = _(
    "The birth date in the ID number, %(date)s, is in the future: a digit is probably mistyped."
)
INVALID_CHECKSUM = _(
    "The last character of the ID number (the 18th, its check character) does not match the "
    "first 17: a digit is probably mistyped or two digits are swapped. Compare every digit "
    "with the ID card rather than changing the last one."
)
FOREIGNER_NUMBER = _(
    "Numbers starting with 9 are foreigners' permanent residence card numbers, "
    "not citizen ID numbers."
)
BIRTH_DATE_CONFLICT = _(
    "The birth date entered, %(entered)s, differs from the one in the ID number, %(in_id)s."
)
SEX_CONFLICT = _("The sex entered, %(entered)s, differs from the one in the ID number, %(in_id)s.")
SEX_LABELS = {"F": _("female"), "M": _("male")}


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid ID number and what it says. The number is left out of repr (it is sensitive)."""

    number: str = field(repr=False)  # 18 characters, normalised
    birth_date: date
    sex: Sex
    area_code: str  # the first six digits: where the number was issued, not where one lives
    upgraded_from: str | None = field(default=None, repr=False)  # the 15-digit original

    @property
    def masked(self) -> str:
        """The number with the birth date hidden (110101********123X), for lists and logs."""
        return f"{self.number[:6]}{'*' * 8}{self.number[14:]}"

    def __str__(self) -> str:
        return self.masked


def normalise(raw: str) -> str:
    """Clean up what people type or paste; does not validate.

    Removes all white space (including the ideographic space U+3000 and the no-break space)
    and zero-width characters, one leading apostrophe (Excel's text marker), turns full-width
    digits and letters into ASCII and upper-cases (x → X).
    """
    if raw.isascii() and raw.isalnum():  # the usual case: nothing to remove or fold
        return raw.upper()
    text = "".join(ch for ch in raw if not ch.isspace() and ch not in _INVISIBLE)
    if text.startswith(_APOSTROPHES):
        text = text[1:]
    return text.translate(_FULL_WIDTH).upper()


def checksum(first17: str) -> str:
    """The check character (ISO 7064 MOD 11-2) for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("checksum() needs exactly 17 ASCII digits")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARACTERS[total % 11]


def upgrade(legacy: str) -> str:
    """The 18-character number of a 15-digit one: "19" before the birth date, a check character."""
    if not _FIFTEEN.fullmatch(legacy):
        raise ValueError("upgrade() needs exactly 15 ASCII digits")
    first17 = f"{legacy[:6]}19{legacy[6:]}"
    return first17 + checksum(first17)


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    """Normalise and validate an ID number (18 characters, or 15 digits, upgraded).

    Raises ApplicationError with field "id_number" and one of the codes id_invalid_format,
    id_mangled_by_excel, id_invalid_area, id_invalid_birth_date, id_invalid_checksum.
    `today` bounds the birth date (default: today in the site's time zone).
    """
    if today is None:
        return _parse_as_of_now(raw)
    return _parse(raw, today)


@functools.lru_cache(maxsize=4096)
def _parse_as_of_now(raw: str) -> IdNumber:
    """`parse` against today. Remembered: a number valid today stays valid (its birth date
    does not move into the future), and an import parses each number twice (the cell, then
    the registration). Refusals are not remembered (lru_cache keeps no exceptions)."""
    # The site's date without timezone.localdate()'s look-up of an activated zone (none is
    # ever activated): a fifth of the cost, for a call made once a row of an import.
    return _parse(raw, datetime.now(timezone.get_default_timezone()).date())


def _parse(raw: str, today: date) -> IdNumber:
    number = normalise(raw)
    if _SPREADSHEET_NUMBER.fullmatch(number):
        raise ApplicationError(MANGLED_BY_EXCEL, code="id_mangled_by_excel", field=FIELD)
    _check_format(number)
    legacy = len(number) == 15
    if number[:2] not in PROVINCE_CODES:
        if len(number) == 18 and number.startswith("9"):
            raise ApplicationError(FOREIGNER_NUMBER, code="id_invalid_area", field=FIELD)
        raise ApplicationError(
            INVALID_AREA, code="id_invalid_area", field=FIELD, params={"province": number[:2]}
        )
    birth_date = _birth_date(number, legacy=legacy, today=today)
    if legacy:
        upgraded_from: str | None = number
        number = upgrade(number)
    else:
        upgraded_from = None
        if checksum(number[:17]) != number[17]:
            if number.endswith("000"):
                raise ApplicationError(TRUNCATED_BY_EXCEL, code="id_mangled_by_excel", field=FIELD)
            raise ApplicationError(INVALID_CHECKSUM, code="id_invalid_checksum", field=FIELD)
    return IdNumber(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        area_code=number[:6],
        upgraded_from=upgraded_from,
    )


def is_valid(raw: str, *, today: date | None = None) -> bool:
    try:
        parse(raw, today=today)
    except ApplicationError:
        return False
    return True


def check_consistency(idn: IdNumber, *, birth_date: date | None, sex: str | None) -> None:
    """Refuse a typed birth date or sex ("F"/"M") that disagrees with the ID number.

    None or "" means "not entered" and is not checked. The birth date is checked first.
    """
    if birth_date is not None and birth_date != idn.birth_date:
        raise ApplicationError(
            BIRTH_DATE_CONFLICT,
            code="id_birth_date_conflict",
            field="birth_date",
            params={"entered": birth_date.isoformat(), "in_id": idn.birth_date.isoformat()},
        )
    if sex:
        if sex not in SEX_LABELS:
            raise ValueError(f"sex must be 'F' or 'M', not {sex!r}")
        if sex != idn.sex:
            raise ApplicationError(
                SEX_CONFLICT,
                code="id_sex_conflict",
                field="sex",
                params={"entered": SEX_LABELS[sex], "in_id": SEX_LABELS[idn.sex]},
            )


def generate(area_code: str, birth_date: date, sex: str, sequence: int) -> str:
    """A valid synthetic 18-character number, for demo data, tests and benchmarks.

    `sequence` (0–499) picks the order code: 2 × sequence for women, 2 × sequence + 1 for men.
    """
    if len(area_code) != 6 or not area_code.isascii() or not area_code.isdigit():
        raise ValueError("area_code must be 6 ASCII digits")
    if sex not in SEX_LABELS:
        raise ValueError(f"sex must be 'F' or 'M', not {sex!r}")
    if not 0 <= sequence <= 499:
        raise ValueError("sequence must be between 0 and 499")
    if not 1000 <= birth_date.year <= 9999:
        raise ValueError("the birth year must have four digits")
    order = 2 * sequence + (1 if sex == "M" else 0)
    first17 = f"{area_code}{birth_date:%Y%m%d}{order:03d}"
    return first17 + checksum(first17)


def _check_format(number: str) -> None:
    if not number:
        raise ApplicationError(MISSING, code="id_invalid_format", field=FIELD)
    if len(number) not in (15, 18):
        raise ApplicationError(
            INVALID_LENGTH, code="id_invalid_format", field=FIELD, params={"length": len(number)}
        )
    if len(number) == 18 and not _EIGHTEEN.fullmatch(number):
        position = next(
            i
            for i, ch in enumerate(number)
            if not (ch.isascii() and (ch.isdigit() or (i == 17 and ch == "X")))
        )
        raise ApplicationError(
            INVALID_CHARACTER,
            code="id_invalid_format",
            field=FIELD,
            params={"position": position + 1, "character": number[position]},
        )
    if len(number) == 15 and not _FIFTEEN.fullmatch(number):
        position = next(i for i, ch in enumerate(number) if not (ch.isascii() and ch.isdigit()))
        raise ApplicationError(
            INVALID_CHARACTER_LEGACY,
            code="id_invalid_format",
            field=FIELD,
            params={"position": position + 1, "character": number[position]},
        )


def _birth_date(number: str, *, legacy: bool, today: date) -> date:
    digits = number[6:12] if legacy else number[6:14]
    year = 1900 + int(digits[:2]) if legacy else int(digits[:4])
    try:
        birth_date = date(year, int(digits[-4:-2]), int(digits[-2:]))
    except ValueError:
        raise ApplicationError(
            INVALID_BIRTH_DATE,
            code="id_invalid_birth_date",
            field=FIELD,
            params={"first": 7, "last": 6 + len(digits), "digits": digits},
        ) from None
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ApplicationError(
            BIRTH_DATE_TOO_EARLY,
            code="id_invalid_birth_date",
            field=FIELD,
            params={"date": birth_date.isoformat()},
        )
    if birth_date > today:
        raise ApplicationError(
            BIRTH_DATE_IN_FUTURE,
            code="id_invalid_birth_date",
            field=FIELD,
            params={"date": birth_date.isoformat()},
        )
    return birth_date
