"""Reporting periods: half-open date ranges [start, end) with a key that names them in URLs.

A federation reports by calendar year, by the April–March year some programmes keep, by half
year, quarter and month, and "since" a day (a campaign's running total). Keys:

========================  ==========================================
``2014``                   calendar year 2014
``2014A``                  1 April 2014 to 31 March 2015
``2014H1`` / ``2014H2``    first / second half of 2014
``2014Q3``                 third quarter of 2014
``2014-03``                March 2014
``2014-03-08~``            since 8 March 2014 (to today, inclusive)
``2014-03-08~2014-05-31``  from one day to another, both inclusive
========================  ==========================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.core.errors import refuse

_YEAR = re.compile(r"^(\d{4})$")
_APRIL = re.compile(r"^(\d{4})A$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})?$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Days from `start` up to, not including, `end`."""

    start: dt.date
    end: dt.date
    key: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        year = self.start.year
        if _YEAR.match(self.key):
            return _("%(year)s") % {"year": year}
        if _APRIL.match(self.key):
            return _("April %(year)s – March %(next)s") % {"year": year, "next": year + 1}
        if match := _HALF.match(self.key):
            return (
                _("first half of %(year)s") if match[2] == "1" else _("second half of %(year)s")
            ) % {"year": year}
        if match := _QUARTER.match(self.key):
            return _("Q%(quarter)s %(year)s") % {"quarter": match[2], "year": year}
        if _MONTH.match(self.key):
            return _("%(year)s, month %(month)s") % {"year": year, "month": self.start.month}
        return _("%(start)s to %(end)s") % {"start": self.start, "end": self.last_day}

    def months(self) -> Iterator[dt.date]:
        """The first day of each month the period touches."""
        month = month_start(self.start)
        while month < self.end:
            yield month
            month = next_month(month)

    def whole_months(self) -> tuple[dt.date, dt.date]:
        """[first, last) whole months inside the period (first == last when there is none)."""
        first = self.start if self.start.day == 1 else next_month(self.start)
        last = month_start(self.end)
        return (first, max(first, last))

    def previous(self) -> Period:
        """The same stretch of time one year earlier."""
        match = re.match(r"^(\d{4})(.*)$", self.key)
        if match and not _RANGE.match(self.key):
            return parse(f"{int(match[1]) - 1}{match[2]}")
        return between(_year_back(self.start), _year_back(self.last_day))


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number + 1, 1, 1), f"{number}")


def april_year(number: int) -> Period:
    return Period(dt.date(number, 4, 1), dt.date(number + 1, 4, 1), f"{number}A")


def half(number: int, which: int) -> Period:
    start = dt.date(number, 1 if which == 1 else 7, 1)
    end = dt.date(number, 7, 1) if which == 1 else dt.date(number + 1, 1, 1)
    return Period(start, end, f"{number}H{which}")


def quarter(number: int, which: int) -> Period:
    start = dt.date(number, 3 * which - 2, 1)
    return Period(start, next_month(next_month(next_month(start))), f"{number}Q{which}")


def month(number: int, which: int) -> Period:
    start = dt.date(number, which, 1)
    return Period(start, next_month(start), f"{number}-{which:02d}")


def between(first: dt.date, last: dt.date) -> Period:
    """From `first` to `last`, both days included."""
    if last < first:
        raise refuse(gettext_lazy("The period ends before it starts."), "period_reversed", "period")
    return Period(first, last + dt.timedelta(days=1), f"{first.isoformat()}~{last.isoformat()}")


def since(first: dt.date, *, today: dt.date | None = None) -> Period:
    last = today or timezone.localdate()
    period = between(first, max(first, last))
    return Period(period.start, period.end, f"{first.isoformat()}~")


def parse(key: str, *, today: dt.date | None = None) -> Period:
    """The period a key names; a clear error naming the accepted forms otherwise."""
    key = (key or "").strip()
    try:
        if match := _YEAR.match(key):
            return year(int(match[1]))
        if match := _APRIL.match(key):
            return april_year(int(match[1]))
        if match := _HALF.match(key):
            return half(int(match[1]), int(match[2]))
        if match := _QUARTER.match(key):
            return quarter(int(match[1]), int(match[2]))
        if match := _MONTH.match(key):
            return month(int(match[1]), int(match[2]))
        if match := _RANGE.match(key):
            first = dt.date.fromisoformat(match[1])
            if match[2] is None:
                return since(first, today=today)
            return between(first, dt.date.fromisoformat(match[2]))
    except ValueError:
        pass
    raise refuse(
        gettext_lazy(
            "“%(key)s” is not a period. Write 2014 (a year), 2014A (April 2014 to March 2015), "
            "2014H1, 2014Q3, 2014-03, 2014-03-08~ (since a day) or 2014-03-08~2014-05-31."
        ),
        "period_invalid",
        "period",
        key=key,
    )
