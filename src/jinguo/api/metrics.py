"""Metrics over HTTP: the catalogue of declared figures, and their values for a unit and period.

The same engine as the dashboard: a figure of a unit is an aggregate of the unit's subtree,
given to whoever may view the unit (404 otherwise, as for a missing unit). The records behind
a figure are listed on its web page (``url`` in each figure), within the reader's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from jinguo.core.errors import refuse
from jinguo.metrics import engine, periods, registry
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit

router = Router(tags=["metrics"])

KEYS_MISSING = _("Name at least one metric in “keys” (keys separated by commas).")
TOO_MANY_KEYS = _("Ask for at most %(most)s metrics at a time.")
ABOUT_INVALID = _("“%(about)s” is not a narrowing: write it as name:id, e.g. programme:12.")
MOST_KEYS = 100


def _both(text: Any) -> tuple[str, str]:
    """A lazy text in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return zh, en


def _described(key: str) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = engine.describe(key)
    with translation.override("en"):
        en = engine.describe(key)
    return zh, en


class MetricOut(Schema):
    key: str
    kind: Literal["count", "rate"] = Field(
        description="count: counted over records; rate: numerator ÷ denominator × per."
    )
    label: str = Field(description="In Chinese.")
    label_en: str
    area: registry.Area
    area_label: str
    area_label_en: str
    measure: str
    measure_en: str
    definition: str = Field(description="What is counted, over which records (Chinese).")
    definition_en: str
    decimals: int
    headline: bool = Field(description="A key figure of the dashboard.")
    numerator: str | None = None
    denominator: str | None = None


def _metric_out(metric: registry.Metric | registry.Rate) -> dict[str, Any]:
    label, label_en = _both(metric.label)
    area_label, area_label_en = _both(registry.Area(metric.area).label)
    measure, measure_en = _both(metric.measure)
    definition, definition_en = _described(metric.key)
    rate = isinstance(metric, registry.Rate)
    return {
        "key": metric.key,
        "kind": "rate" if rate else "count",
        "label": label,
        "label_en": label_en,
        "area": metric.area,
        "area_label": area_label,
        "area_label_en": area_label_en,
        "measure": measure,
        "measure_en": measure_en,
        "definition": definition,
        "definition_en": definition_en,
        "decimals": metric.decimals,
        "headline": metric.headline,
        "numerator": metric.numerator if isinstance(metric, registry.Rate) else None,
        "denominator": metric.denominator if isinstance(metric, registry.Rate) else None,
    }


@router.get("", response=list[MetricOut])
def list_metrics(request: HttpRequest) -> list[dict[str, Any]]:
    """Every declared metric, in the catalogue's order."""
    return [_metric_out(metric) for metric in registry.METRICS.values()]


class UnitRef(Schema):
    id: int
    code: str
    name: str


class PeriodOut(Schema):
    key: str
    label: str
    first_day: dt.date
    last_day: dt.date


class FigureOut(Schema):
    key: str
    label: str
    label_en: str
    value: Decimal | None = Field(
        description="A decimal string; null for a rate whose denominator is 0."
    )
    text: str = Field(description="As Chinese text writes it: 1,355 / 62.1.")
    measure: str
    measure_en: str
    url: str = Field(description="The web page listing the records behind the figure.")


class FiguresOut(Schema):
    unit: UnitRef
    period: PeriodOut
    about: dict[str, int]
    figures: list[FigureOut]


def _unit(request: HttpRequest, unit_id: int | None) -> OrgUnit:
    if unit_id is not None:
        return access.unit_get(request.user, unit_id)
    home = access.home_units(request.user)
    if not home:
        raise Http404
    return home[0]


def _keys(raw: str) -> list[str]:
    keys = list(dict.fromkeys(key.strip() for key in raw.split(",") if key.strip()))
    if not keys:
        raise refuse(KEYS_MISSING, "keys_missing", "keys")
    if len(keys) > MOST_KEYS:
        raise refuse(TOO_MANY_KEYS, "keys_too_many", "keys", most=MOST_KEYS)
    for key in keys:
        registry.get(key)  # refuses an unknown key (metric_unknown)
    return keys


def _about(raw: str) -> dict[str, int]:
    about: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        name, _sep, pk = part.partition(":")
        if not name.isidentifier() or not pk.isdigit():
            raise refuse(ABOUT_INVALID, "about_invalid", "about", about=part)
        about[name] = int(pk)
    return about


class FiguresIn(Schema):
    keys: str = Field(..., description="Metric keys, separated by commas.")
    period: str = Field(
        "",
        description="Default: this calendar year. 2014, 2014A (April–March), 2014H1, 2014Q3, "
        "2014-03, 2014-03-08~ (since a day), 2014-03-08~2014-05-31.",
    )
    unit: int | None = Field(None, description="Default: the first unit of your scope.")
    about: str = Field("", description="Narrow the figures, e.g. programme:12.")


@router.get("/figures", response=FiguresOut)
def get_metric_figures(request: HttpRequest, params: Query[FiguresIn]) -> dict[str, Any]:
    """The figures ``keys`` of ``unit`` for ``period``, narrowed by ``about`` when given.
    Figures cover the unit and everything below it."""
    unit, period, about = params.unit, params.period, params.about
    place = _unit(request, unit)
    asked = _keys(params.keys)
    chosen = periods.parse(period) if period else periods.year(timezone.localdate().year)
    narrowed = _about(about)
    values = engine.figures(asked, place, chosen, about=narrowed or None)
    query: dict[str, Any] = {"unit": place.pk, "period": chosen.key}
    if narrowed:
        query["about"] = ",".join(f"{name}:{pk}" for name, pk in narrowed.items())
    figures = []
    for key in asked:
        figure = values[key]
        label, label_en = _both(figure.metric.label)
        measure, measure_en = _both(figure.metric.measure)
        figures.append(
            {
                "key": key,
                "label": label,
                "label_en": label_en,
                "value": figure.value,
                "text": figure.text,
                "measure": measure,
                "measure_en": measure_en,
                "url": f"{reverse('figure', args=[key])}?{urlencode(query)}",
            }
        )
    with translation.override("zh-hans"):
        period_label = chosen.label
    return {
        "unit": place,
        "period": {
            "key": chosen.key,
            "label": period_label,
            "first_day": chosen.start,
            "last_day": chosen.last_day,
        },
        "about": narrowed,
        "figures": figures,
    }
