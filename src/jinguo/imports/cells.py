"""Parsing one spreadsheet cell for a declared column.

A cell arrives as whatever the reader produced: a str (CSV, text cells), a float (every number
in an xlsx file, 12 arrives as 12.0), an int, a bool, a date or datetime (cells formatted as
dates), a time or timedelta (cells formatted as times or durations), or None (empty). `parse_cell`
turns it into the Python value the registry's functions receive, or raises `CellError`, which
the import engine collects per cell. Any other exception is a bug.

Empty cells (None, "", white space) give None for every kind: whether a value is required is
the engine's decision. For every kind but text, the placeholders clerks type for "nothing"
("-", "/", "无", "N/A" …) are empty too.

Messages are lazy English msgids with %-style parameters, rendered like `ApplicationError`
messages. They show the value as the user sees it (`CellError.value_shown`), except ID numbers
and phone numbers, which are masked: messages end up in logs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.imports.columns import Column, Kind
from jinguo.people import idnumbers
from jinguo.people.services import normalise_phone

INVALID_NUMBER = _("“%(value)s” is not a number.")
NOT_WHOLE_NUMBER = _("“%(value)s” is not a whole number.")
INVALID_DATE = _(
    "“%(value)s” is not a date: write dates as year-month-day, such as 2014-03-08 or 2014年3月8日."
)
IMPOSSIBLE_DATE = _("There is no such date as “%(value)s”: check the month and the day.")
TWO_DIGIT_YEAR = _(
    "“%(value)s” has a two-digit year, which could mean 19xx or 20xx: write the year with "
    "four digits, such as 1980-03-08."
)
YEAR_LAST = _(
    "“%(value)s” puts the year last, so the day and the month could be either way round: "
    "write year-month-day, such as 2014-03-08."
)
INCOMPLETE_DATE = _(
    "“%(value)s” is not a whole date: write year, month and day, such as 2014-03-08."
)
INVALID_CHOICE = _("“%(value)s” is not one of the allowed values: %(allowed)s.")
INVALID_BOOL = _("“%(value)s” is neither yes nor no: write Yes or No.")
INVALID_PHONE = _("“%(value)s” is not a phone number.")


class CellError(Exception):
    """A cell that cannot be read as its column's kind.

    `code` is stable (invalid_number, invalid_int, invalid_date, date_impossible,
    date_two_digit_year, date_ambiguous, date_incomplete, invalid_choice, invalid_bool,
    invalid_phone, and the id_* codes of `people.idnumbers`); `message` is a lazy msgid
    interpolated with `params`; `value_shown` is the cell as the user sees it (masked for ID
    numbers and phones), for the error list and the error workbook.
    """

    def __init__(
        self,
        code: str,
        message: Promise | str,
        value_shown: str = "",
        *,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.value_shown = value_shown
        self.params = params if params is not None else {"value": value_shown}
        super().__init__(code)

    def render(self, language: str) -> str:
        with translation.override(language):
            text = str(self.message)
            return text % self.params if self.params else text

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "value": self.value_shown,
            "message": self.render("zh-hans"),
            "message_en": self.render("en"),
        }

    def __str__(self) -> str:
        return self.render(translation.get_language() or "zh-hans")

    def __repr__(self) -> str:
        return f"CellError({self.code!r}, value_shown={self.value_shown!r})"


# --- shared helpers ---------------------------------------------------------------------------

# Invisible characters that copying from web pages, Word or WeChat brings along, and the C0/C1
# control characters (other than white space) that break XML when written back to a workbook.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")
# What clerks type for "nothing". Compared after NFKC, removing white space and casefolding.
_PLACEHOLDERS = frozenset({"-", "--", "---", "—", "——", "/", "无", "n/a", "na", "null", "none"})
# Excel shows 15 significant digits; integral numbers below this print without exponent.
_EXACT_INTEGER_LIMIT = 10**15


def is_blank(raw: object) -> bool:
    """True for None and for strings of white space (and invisible characters) only."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not _INVISIBLE.sub("", raw).strip()
    return False


def show(raw: object) -> str:
    """The value as a spreadsheet shows it: 12.0 → "12", 1.50525198003081e+17 →
    "1.50525198003081E+17", dates in ISO form, TRUE/FALSE for booleans, "" for None."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        # Past 15 digits as Excel would show it (and never str() of a 5,000-digit int).
        return str(raw) if abs(raw) < _EXACT_INTEGER_LIMIT else f"{Decimal(raw):.15G}"
    if isinstance(raw, float):
        if math.isnan(raw):
            return "NaN"
        if math.isinf(raw):
            return "Infinity" if raw > 0 else "-Infinity"
        if raw.is_integer() and abs(raw) < _EXACT_INTEGER_LIMIT:
            return str(int(raw))
        return f"{raw:.15G}"
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0, 0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="seconds")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, dt.time):
        return raw.isoformat(timespec="seconds")
    return str(raw)


def normalise_text(value: str) -> str:
    """NFKC (full-width letters, digits and punctuation become ASCII), invisible and control
    characters dropped, runs of white space (newlines included) collapsed to one space, stripped."""
    text = unicodedata.normalize("NFKC", value)
    text = _INVISIBLE.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def _compact(value: str) -> str:
    """NFKC, no white space or invisible characters at all, casefolded: for comparisons."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return _WHITESPACE.sub("", text).casefold()


def _is_placeholder(raw: object) -> bool:
    return isinstance(raw, str) and _compact(raw) in _PLACEHOLDERS


def _number_error(raw: object) -> CellError:
    return CellError("invalid_number", INVALID_NUMBER, show(raw))


# --- kinds ------------------------------------------------------------------------------------


def _parse_text(_column: Column, raw: object) -> str | None:
    text = normalise_text(raw) if isinstance(raw, str) else normalise_text(show(raw))
    return text or None


# Optional sign, digits with or without thousands separators, optional fraction.
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise _number_error(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _number_error(raw)
        # Fifteen significant digits, as Excel shows it: 0.1 + 0.2 reads 0.3.
        return Decimal(f"{raw:.15G}")
    if isinstance(raw, str):
        text = _compact(raw).replace("\u2212", "-")  # U+2212 MINUS SIGN
        if text.startswith("'"):  # Excel's text marker
            text = text[1:]
        if _NUMBER.fullmatch(text):
            try:
                return Decimal(text.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                pass
    raise _number_error(raw)


def _parse_int(_column: Column, raw: object) -> int:
    number = _decimal(raw)
    if number != number.to_integral_value():
        raise CellError("invalid_int", NOT_WHOLE_NUMBER, show(raw))
    return int(number)


def _parse_decimal(_column: Column, raw: object) -> Decimal:
    return _decimal(raw)


# Dates -----------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 for serials after the phantom 1900-02-29
_LAST_SERIAL = 2958465  # 9999-12-31
_TIME_SUFFIX = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DATE_SEPARATED = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})\.?" + _TIME_SUFFIX)
_DATE_CHINESE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?")
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_TWO_DIGIT_YEAR = re.compile(
    r"[0-9]{2}([-/.])[0-9]{1,2}\1[0-9]{1,2}|[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}[日号]?|[0-9]{6}"
)
_YEAR_LAST = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{4}" + _TIME_SUFFIX)
_YEAR_MONTH = re.compile(r"(?:18|19|20|21)[0-9]{2}(?:0[1-9]|1[0-2])")  # 198003
_INCOMPLETE = re.compile(
    r"[0-9]{4}(?:[-/.][0-9]{1,2})?|[0-9]{4}年(?:[0-9]{1,2}月?)?|" + _YEAR_MONTH.pattern
)


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("date_impossible", IMPOSSIBLE_DATE, shown) from None


def _date_from_serial(raw: int | float) -> dt.date:
    shown = show(raw)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise CellError("invalid_date", INVALID_DATE, shown)
    serial = math.floor(raw)  # the fraction is the time of day
    if serial == raw and 10_000_000 <= serial <= 99_999_999:
        # 20140308 typed into a cell formatted as a number.
        text = str(serial)
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
    if serial == raw and (
        1000 <= serial <= 2999
        or (100_000 <= serial <= 999_999 and _YEAR_MONTH.fullmatch(str(serial)))
    ):
        # 1980 or 198003 typed into a cell: a year (and month), not a day count. (Serials
        # 1000–2999 are days of 1902–1908 and 6-digit ones are centuries away: no one means them.)
        raise CellError("date_incomplete", INCOMPLETE_DATE, shown)
    if serial < 1 or serial > _LAST_SERIAL or serial == 60:
        # 60 is 1900-02-29, which Lotus 1-2-3 and so Excel believe in.
        raise CellError("invalid_date", INVALID_DATE, shown)
    if serial < 60:
        return _EXCEL_EPOCH + dt.timedelta(days=serial + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


def _date_from_text(raw: str) -> dt.date:
    shown = normalise_text(raw)
    text = shown.replace("\u2212", "-")
    if "年" in text:
        text = _WHITESPACE.sub("", text)
    if match := _DATE_SEPARATED.fullmatch(text):
        year, month, day = match.group(1, 3, 4)
    elif (match := _DATE_CHINESE.fullmatch(text)) or (match := _DATE_COMPACT.fullmatch(text)):
        year, month, day = match.groups()
    elif _INCOMPLETE.fullmatch(text):
        raise CellError("date_incomplete", INCOMPLETE_DATE, shown)
    elif _TWO_DIGIT_YEAR.fullmatch(text):
        raise CellError("date_two_digit_year", TWO_DIGIT_YEAR, shown)
    elif _YEAR_LAST.fullmatch(text):
        raise CellError("date_ambiguous", YEAR_LAST, shown)
    else:
        raise CellError("invalid_date", INVALID_DATE, shown)
    return _make_date(int(year), int(month), int(day), shown)


def _parse_date(_column: Column, raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellError("invalid_date", INVALID_DATE, show(raw))
    if isinstance(raw, int | float):
        return _date_from_serial(raw)
    if isinstance(raw, str):
        return _date_from_text(raw)
    raise CellError("invalid_date", INVALID_DATE, show(raw))


# Choices ---------------------------------------------------------------------------------------

_CHOICE_CACHE: dict[int, tuple[Column, dict[str, str]]] = {}
_CHOICE_CACHE_SIZE = 256


def _choice_lookup(column: Column) -> dict[str, str]:
    """Every way a choice may be written (value, Chinese label, English label) → value."""
    cached = _CHOICE_CACHE.get(id(column))
    if cached is not None and cached[0] is column:
        return cached[1]
    lookup: dict[str, str] = {}
    for value, _label in column.choices:
        lookup.setdefault(_compact(str(value)), value)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in column.choices:
                lookup.setdefault(_compact(str(label)), value)
    if len(_CHOICE_CACHE) >= _CHOICE_CACHE_SIZE:
        _CHOICE_CACHE.clear()
    _CHOICE_CACHE[id(column)] = (column, lookup)
    return lookup


def _parse_choice(column: Column, raw: object) -> str | None:
    shown = normalise_text(show(raw))
    value = _choice_lookup(column).get(_compact(shown))
    if value is not None:
        return value
    if _is_placeholder(raw):
        return None
    labels = [label for _value, label in column.choices]
    allowed = format_lazy(" / ".join(["{}"] * len(labels)), *labels)
    raise CellError(
        "invalid_choice", INVALID_CHOICE, shown, params={"value": shown, "allowed": allowed}
    )


# Yes / no --------------------------------------------------------------------------------------

_TRUE = frozenset({"是", "y", "yes", "1", "true", "√", "✓", "✔"})
_FALSE = frozenset({"否", "n", "no", "0", "false", "×", "✗", "✘"})


def _parse_bool(_column: Column, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = _compact(raw)
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellError("invalid_bool", INVALID_BOOL, show(raw))


# ID numbers, phones, unit codes ---------------------------------------------------------------


def _from_application_error(error: ApplicationError, shown: str) -> CellError:
    return CellError(error.code, error.message, shown, params=dict(error.params))


def _parse_id_number(_column: Column, raw: object) -> str:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= 10**15:
        # A number cell holding 16 digits or more: Excel kept 15 significant digits and the
        # rest are lost (1.50525198003081E+17). Never guess them.
        # Shown as a General cell shows it (1.50525E+17): the area code and no more.
        finite = isinstance(raw, int) or math.isfinite(raw)
        shown = f"{Decimal(raw):.6G}" if finite else show(raw)
        raise CellError("id_mangled_by_excel", idnumbers.MANGLED_BY_EXCEL, shown, params={})
    # Anything else is checked as text: a 15-digit number cell (an old ID number) survives
    # exactly, and parse() says what is wrong with shorter numbers, dates or TRUE.
    number = idnumbers.normalise(raw if isinstance(raw, str) else show(raw))
    try:
        idnumbers.parse(number)
    except ApplicationError as error:
        raise _from_application_error(error, mask_id_number(number)) from None
    return number


def _parse_phone(_column: Column, raw: object) -> str | None:
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer() and raw >= 0:
        text = str(int(raw))  # 13812345678.0
    elif isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        text = show(raw)
    elif isinstance(raw, str):
        text = raw
    else:
        raise CellError("invalid_phone", INVALID_PHONE, mask_phone(show(raw)))
    try:
        digits = normalise_phone(text)
    except ApplicationError as error:
        raise _from_application_error(error, mask_phone(_compact(text))) from None
    if not digits.isascii():
        # str.isdigit() admits other scripts' digits (٣, ໓): not a Chinese phone number.
        raise CellError("invalid_phone", INVALID_PHONE, mask_phone(_compact(text)))
    return digits or None


def _parse_unit_code(column: Column, raw: object) -> str | None:
    return _parse_text(column, raw)


_PARSERS: dict[Kind, Callable[[Column, object], object]] = {
    Kind.TEXT: _parse_text,
    Kind.INT: _parse_int,
    Kind.DECIMAL: _parse_decimal,
    Kind.DATE: _parse_date,
    Kind.CHOICE: _parse_choice,
    Kind.ID_NUMBER: _parse_id_number,
    Kind.PHONE: _parse_phone,
    Kind.UNIT_CODE: _parse_unit_code,
    Kind.BOOL: _parse_bool,
}


def parse_cell(column: Column, raw: object) -> object:
    """The Python value of one cell for `column`, or None for an empty cell.

    Returns str (text, choice value, normalised ID number, phone digits, unit code or name),
    int, Decimal, datetime.date or bool according to `column.kind`. Raises CellError.
    """
    if is_blank(raw):
        return None
    if column.kind is not Kind.TEXT and column.kind is not Kind.CHOICE and _is_placeholder(raw):
        return None
    return _PARSERS[column.kind](column, raw)
