"""Reporting periods: each key names the days a federation means by it."""

from __future__ import annotations

import datetime as dt

import pytest

from jinguo.core.errors import ApplicationError
from jinguo.metrics import periods

D = dt.date


@pytest.mark.parametrize(
    ("key", "start", "last"),
    [
        ("2014", D(2014, 1, 1), D(2014, 12, 31)),
        ("2014A", D(2014, 4, 1), D(2015, 3, 31)),
        ("2014H1", D(2014, 1, 1), D(2014, 6, 30)),
        ("2014H2", D(2014, 7, 1), D(2014, 12, 31)),
        ("2014Q1", D(2014, 1, 1), D(2014, 3, 31)),
        ("2014Q4", D(2014, 10, 1), D(2014, 12, 31)),
        ("2014-02", D(2014, 2, 1), D(2014, 2, 28)),
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("2014-12", D(2014, 12, 1), D(2014, 12, 31)),
        ("2014-03-08~2014-05-31", D(2014, 3, 8), D(2014, 5, 31)),
    ],
)
def test_keys(key: str, start: dt.date, last: dt.date) -> None:
    period = periods.parse(key)
    assert (period.start, period.last_day, period.key) == (start, last, key)
    assert periods.parse(period.key) == period


def test_since_a_day_runs_to_today() -> None:
    period = periods.parse("2013-01-15~", today=D(2014, 12, 31))
    assert (period.start, period.last_day, period.key) == (
        D(2013, 1, 15),
        D(2014, 12, 31),
        "2013-01-15~",
    )


def test_months_and_whole_months() -> None:
    period = periods.parse("2014-03-08~2014-05-31")
    assert list(period.months()) == [D(2014, 3, 1), D(2014, 4, 1), D(2014, 5, 1)]
    assert period.whole_months() == (D(2014, 4, 1), D(2014, 6, 1))
    assert periods.parse("2014A").whole_months() == (D(2014, 4, 1), D(2015, 4, 1))


def test_previous_is_the_same_stretch_a_year_earlier() -> None:
    assert periods.parse("2014A").previous().key == "2013A"
    assert periods.parse("2014Q3").previous().key == "2013Q3"
    assert periods.parse("2016-02-29~2016-03-31").previous() == periods.between(
        D(2015, 2, 28), D(2015, 3, 31)
    )


@pytest.mark.parametrize("key", ["", "14", "2014Q5", "2014H3", "2014-13", "2014-02-30~", "x~y"])
def test_a_wrong_key_says_what_is_accepted(key: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        periods.parse(key)
    assert raised.value.code == "period_invalid"
    assert "2014A" in raised.value.render("en")


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ApplicationError) as raised:
        periods.parse("2014-05-01~2014-04-01")
    assert raised.value.code == "period_reversed"
