"""Declared metrics: what is counted, over which records, with which filters.

A `Source` names a table of records and how each record sits in the tree and in time: the
org unit it belongs to (``unit``, the first of the given foreign-key paths that is set) and
either the day it happened (``date``: benefits, attendance, donations) or the days it held
(``start``/``end``: a category, a volunteer's membership). A `Metric` counts over one source:
records, person-times, distinct people or households, or a sum of money or goods, restricted
by a filter written as a Django ``Q``. A `Rate` divides one metric by another. Adding a figure
is a declaration in `jinguo.metrics.catalogue`; the engine (`jinguo.metrics.engine`) writes
every query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as attribute
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinguo.orgunits import access


class Count(models.TextChoices):
    RECORDS = "records", _("number of records")
    PERSON_TIMES = "person_times", _("person-times")
    PEOPLE = "people", _("distinct people")
    HOUSEHOLDS = "households", _("distinct households")
    SUM = "sum", _("sum")


class Area(models.TextChoices):
    """The four lines of the annual summary, and the rest."""

    PROSPERITY = "prosperity", _("Prosperity and achievement")
    LIVELIHOOD = "livelihood", _("Livelihood of women and children")
    DEVELOPMENT = "development", _("Women's development")
    ORGANISATION = "organisation", _("Organisation building")


@dataclass(frozen=True)
class Column:
    """A column of a drill-down list: its header and the ORM path of its value."""

    label: Promise
    path: str


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise
    model: type[models.Model]
    unit: tuple[str, ...]
    columns: tuple[Column, ...]
    date: str = ""
    start: str = ""
    end: str = ""
    # Tables whose rows the filters read (a programme's work area): a change there may move
    # records in or out of a metric, so the whole source is counted again.
    depends: tuple[type[models.Model], ...] = ()
    # The records a user may list, beyond the unit scope (health programmes).
    visible: Callable[[Any], Q] | None = None
    order: tuple[str, ...] = ("-pk",)
    # What a figure can be narrowed to (`engine.figures(..., about={"programme": 3})`): a name
    # and the ORM path of the primary key it is compared with.
    about: Mapping[str, str | tuple[str, ...]] = attribute(default_factory=dict)

    @property
    def is_stock(self) -> bool:
        return not self.date

    def within(self, path: str) -> Q:
        """Records of the subtree at `path`: the first unit path that is set decides."""
        if self.unit == ("self",):
            return Q(path__startswith=path)
        q = Q(pk__in=[])
        unset = Q()
        for unit in self.unit:
            q |= unset & Q(**{f"{unit}__path__startswith": path})
            unset &= Q(**{f"{unit}__isnull": True})
        return q

    def seen_by(self, user: Any) -> Q:
        if self.unit == ("self",):
            return access.scope_q(user)
        q = Q(pk__in=[])
        unset = Q()
        for unit in self.unit:
            q |= unset & access.scope_q(user, path_field=f"{unit}__path")
            unset &= Q(**{f"{unit}__isnull": True})
        return q & self.visible(user) if self.visible else q


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    area: Area
    source: str
    count: Count
    measure: Promise
    definition: Promise
    # SUM: the field summed; PEOPLE / HOUSEHOLDS: the path of the person or household;
    # PERSON_TIMES: a field holding a number of people (counts by group), or none (one a row).
    field: str = ""
    filter: Q = attribute(default_factory=Q)
    decimals: int = 0
    headline: bool = False

    @property
    def distinct(self) -> bool:
        return self.count in (Count.PEOPLE, Count.HOUSEHOLDS)


PERCENT = _("%")


@dataclass(frozen=True)
class Rate:
    key: str
    label: Promise
    area: Area
    numerator: str
    denominator: str
    definition: Promise
    measure: Promise = PERCENT
    per: int = 100
    decimals: int = 1
    headline: bool = False


SOURCES: dict[str, Source] = {}
METRICS: dict[str, Metric | Rate] = {}


def source(declared: Source) -> Source:
    if declared.key in SOURCES:
        raise ValueError(f"source {declared.key} is declared twice")
    if bool(declared.date) == bool(declared.start):
        raise ValueError(f"source {declared.key} needs a date or a start, not both")
    SOURCES[declared.key] = declared
    return declared


def metric(declared: Metric | Rate) -> Metric | Rate:
    if declared.key in METRICS:
        raise ValueError(f"metric {declared.key} is declared twice")
    if isinstance(declared, Metric):
        if declared.source not in SOURCES:
            raise ValueError(f"metric {declared.key}: no source {declared.source}")
        if declared.count == Count.SUM and not declared.field:
            raise ValueError(f"metric {declared.key}: a sum needs a field")
    else:
        for part in (declared.numerator, declared.denominator):
            if not isinstance(METRICS.get(part), Metric):
                raise ValueError(f"rate {declared.key}: {part} is not a declared metric")
    METRICS[declared.key] = declared
    return declared


def get(key: str) -> Metric | Rate:
    from jinguo.core.errors import refuse

    try:
        return METRICS[key]
    except KeyError:
        raise refuse(
            _("There is no metric “%(key)s”."), "metric_unknown", "metric", key=key
        ) from None


def additive(metric: Metric) -> bool:
    """Figures of months and units add up: kept in the tally, summed on read."""
    return not metric.distinct and not SOURCES[metric.source].is_stock
