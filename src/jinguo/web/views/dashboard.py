"""The dashboard (统计看板) and the drill-down behind every figure.

The dashboard shows, for one unit the user may view and one period, the key figures of each
work area beside the same figures a year earlier and the unit's targets, the months of the
period, the units directly below compared, and the villages that recorded nothing this month.
Every figure links to its drill-down (`figure`): the definition, then the records behind it
within the viewer's scope, paginated and exportable.

Figures come from `jinguo.metrics.engine` (aggregates of the unit's subtree, fresh on every
read); this module checks access, picks the unit and period from the query string and shapes
what the templates and the charts (static/jinguo/dashboard.js, fed through json_script)
show. Targets are written by `jinguo.metrics.services.target_set`.

URL contract of the drill-down, linked from other pages:
``reverse("figure", args=[key]) + "?unit=<id>&period=<key>[&about=<name>:<id>]"``.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jinguo.accounts.roles import Perm
from jinguo.activities import selectors as activity_selectors
from jinguo.core.errors import ApplicationError
from jinguo.donations import selectors as donation_selectors
from jinguo.exports.streaming import (
    CONTENT_TYPES,
    Table,
    csv_chunks,
    file_response,
    stream_csv_response,
    write_xlsx,
)
from jinguo.imports.columns import Column as ExportColumn
from jinguo.metrics import engine, periods, registry, selectors, services
from jinguo.metrics.engine import Figure
from jinguo.metrics.periods import Period
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, OrgUnit
from jinguo.programmes import selectors as programme_selectors
from jinguo.web.forms import ServiceForm

PAGE_SIZE = 50
FIRST_YEAR = 2000
# Months a trend chart shows at most; a longer period (a "since" range) shows its last ones.
TREND_MONTHS = 24
# Silent villages listed by name; the rest are counted.
SILENT_LISTED = 300
VILLAGE_KINDS = ("village", "gacha", "community")
EXPORT_FORMATS = ("xlsx", "csv")


def _month_label(month: int) -> str:
    return _("Month %(month)s") % {"month": month}


_month_name = lazy(_month_label, str)

# The parts of a year offered beside the year: the suffix each adds to the period key.
PARTS: tuple[tuple[str, Any], ...] = (
    ("", gettext_lazy("Whole year")),
    ("A", gettext_lazy("April to next March")),
    ("H1", gettext_lazy("First half")),
    ("H2", gettext_lazy("Second half")),
    ("Q1", gettext_lazy("First quarter")),
    ("Q2", gettext_lazy("Second quarter")),
    ("Q3", gettext_lazy("Third quarter")),
    ("Q4", gettext_lazy("Fourth quarter")),
    *((f"-{month:02d}", _month_name(month)) for month in range(1, 13)),
)
# The quick choices shown as buttons for the year on screen (months are in the select).
QUICK_PARTS = ("", "A", "H1", "H2", "Q1", "Q2", "Q3", "Q4")
_KEY = re.compile(r"^(\d{4})(A|H[12]|Q[1-4]|-\d{2})?$")


# --- the unit and the period --------------------------------------------------------------------


def _unit(request: HttpRequest, perm: Perm = Perm.VIEW) -> OrgUnit | None:
    """The unit asked for (404 when out of scope), else the first unit of the user's scope."""
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    if unit_id:
        return access.unit_get(request.user, unit_id, perm)
    home = access.home_units(request.user)
    if not home:
        return None
    if perm is not Perm.VIEW:
        access.require(request.user, perm, home[0])
    return home[0]


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, else the current calendar year; and the refusal of a bad key."""
    key = request.GET.get("period", "").strip()
    if key:
        try:
            return periods.parse(key), ""
        except ApplicationError as error:
            return periods.year(timezone.localdate().year), str(error)
    return periods.year(timezone.localdate().year), ""


def _about(raw: str) -> dict[str, int]:
    """``programme:12`` → ``{"programme": 12}``; several joined by commas. 404 when malformed."""
    about: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        name, _sep, pk = part.partition(":")
        if not name.isidentifier() or not pk.isdigit():
            raise Http404
        about[name] = int(pk)
    return about


def _about_text(about: Mapping[str, int]) -> str:
    return ",".join(f"{name}:{pk}" for name, pk in about.items())


# What a figure may be narrowed to (the names the catalogue's sources declare), fetched
# through the user's scope (404 when unseen) so that the page can name it. A team is named by
# its org unit, as the sources narrow by it.
ABOUT_GETTERS: dict[str, Callable[[Any, Any], Any]] = {
    "programme": programme_selectors.programme_get,
    "project": programme_selectors.project_get,
    "activity": activity_selectors.activity_get,
    "team": access.unit_get,
    "campaign": donation_selectors.campaign_get,
    "place": donation_selectors.place_get,
}
ABOUT_LABELS: dict[str, Any] = {
    "programme": gettext_lazy("Programme"),
    "project": gettext_lazy("Project"),
    "activity": gettext_lazy("Activity"),
    "team": gettext_lazy("Volunteer team"),
    "campaign": gettext_lazy("Campaign"),
    "place": gettext_lazy("Charity place"),
}


def _about_names(user: Any, about: Mapping[str, int]) -> list[tuple[str, str]]:
    named = []
    for name, pk in about.items():
        getter = ABOUT_GETTERS.get(name)
        shown = str(getter(user, pk)) if getter else f"#{pk}"
        named.append((str(ABOUT_LABELS.get(name, name)), shown))
    return named


def figure_url(
    key: str, unit: OrgUnit, period: Period, about: Mapping[str, int] | None = None
) -> str:
    """The drill-down of one figure (the URL contract other pages link with)."""
    query: dict[str, Any] = {"unit": unit.pk, "period": period.key}
    if about:
        query["about"] = _about_text(about)
    return f"{reverse('figure', args=[key])}?{urlencode(query)}"


def dashboard_url(unit: OrgUnit, period: Period) -> str:
    query: dict[str, Any] = {"unit": unit.pk, "period": period.key}
    return f"{reverse('dashboard')}?{urlencode(query)}"


def _year_and_part(period: Period) -> tuple[int, str | None]:
    """The year and the part of it a key names; part None for any other range."""
    match = _KEY.match(period.key)
    if match is None:
        return period.start.year, None
    return int(match[1]), match[2] or ""


def _period_choices(unit: OrgUnit, period: Period) -> dict[str, Any]:
    today = timezone.localdate()
    year, part = _year_and_part(period)
    last = max(today.year, year)
    quick = []
    for suffix in QUICK_PARTS:
        key = f"{year}{suffix}"
        quick.append(
            {
                "key": key,
                "label": periods.parse(key).label,
                "url": dashboard_url(unit, periods.parse(key)),
                "current": key == period.key,
            }
        )
    this_month = periods.month(today.year, today.month)
    return {
        "years": list(range(last, FIRST_YEAR - 1, -1)),
        "year": year,
        "parts": PARTS,
        "part": part,
        "quick": quick,
        "this_year_url": dashboard_url(unit, periods.year(today.year)),
        "this_month_url": dashboard_url(unit, this_month),
    }


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One key figure on the dashboard: now, a year earlier, and the unit's target."""

    figure: Figure
    previous: Figure
    target: Decimal | None
    url: str
    definition: str

    @property
    def decimals(self) -> int:
        return self.figure.metric.decimals

    @property
    def change(self) -> Decimal | None:
        if self.figure.value is None or self.previous.value is None:
            return None
        return self.figure.value - self.previous.value

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None or change == 0:
            return ""
        sign = "+" if change > 0 else "−"
        return sign + engine.number_text(abs(change), self.decimals)

    @property
    def target_text(self) -> str:
        return "" if self.target is None else engine.number_text(self.target, self.decimals)

    @property
    def attainment(self) -> Decimal | None:
        """Value ÷ target, in per cent (one decimal); None without a target or a value."""
        if self.target is None or self.target == 0 or self.figure.value is None:
            return None
        return (self.figure.value * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def attainment_bar(self) -> Decimal | None:
        attainment = self.attainment
        return None if attainment is None else min(attainment, Decimal(100))


def headline_metrics() -> list[registry.Metric | registry.Rate]:
    """The key figures, in the order the catalogue declares them."""
    return [metric for metric in registry.METRICS.values() if metric.headline]


def _areas(
    user: Any, unit: OrgUnit, period: Period, metrics: Sequence[registry.Metric | registry.Rate]
) -> list[tuple[registry.Area, list[Card]]]:
    keys = [metric.key for metric in metrics]
    now = engine.figures(keys, unit, period)
    before = engine.figures(keys, unit, period.previous())
    targets = selectors.targets_of(user, unit, period.start.year, keys)
    grouped: dict[str, list[Card]] = {}
    for metric in metrics:
        grouped.setdefault(metric.area, []).append(
            Card(
                figure=now[metric.key],
                previous=before[metric.key],
                target=targets.get(metric.key),
                url=figure_url(metric.key, unit, period),
                definition=engine.describe(metric.key),
            )
        )
    return [(area, grouped[area]) for area in registry.Area if area in grouped]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _series_name(metric: registry.Metric | registry.Rate) -> str:
    return f"{metric.label}({metric.measure})"


def _trend(
    unit: OrgUnit, period: Period, metrics: Sequence[registry.Metric | registry.Rate]
) -> dict[str, Any]:
    """Each month of the period (its last `TREND_MONTHS`): the chart's data and its table."""
    months = list(period.months())
    shown = period
    if len(months) > TREND_MONTHS:
        first = months[-TREND_MONTHS]
        shown = Period(first, period.end, f"{first.isoformat()}~{period.last_day.isoformat()}")
    keys = [metric.key for metric in metrics]
    rows = engine.by_month(keys, unit, shown)
    chart = {
        "categories": [month.key for month, _figures in rows],
        "series": [
            {
                "key": metric.key,
                "name": _series_name(metric),
                "values": [_float(figures[metric.key].value) for _month, figures in rows],
                "urls": [figure_url(metric.key, unit, month) for month, _figures in rows],
            }
            for metric in metrics
        ],
    }
    table = [
        (
            month,
            [(figures[metric.key].text, figure_url(metric.key, unit, month)) for metric in metrics],
        )
        for month, figures in rows
    ]
    return {
        "chart": chart,
        "metrics": metrics,
        "table": table,
        "cut": len(months) > TREND_MONTHS,
        "months": TREND_MONTHS,
    }


def _months(period: Period) -> int:
    return sum(1 for _month in period.months())


def _children(user: Any, unit: OrgUnit, period: Period) -> list[OrgUnit]:
    """The areas directly below `unit` that were open at some time in the period."""
    below = unit_selectors.unit_children(user, unit, include_closed=True)
    return [
        child
        for child in below.filter(kind__in=AREA_KINDS)
        if child.opened_on < period.end
        and (child.closed_on is None or child.closed_on > period.start)
    ]


def _comparison(
    unit: OrgUnit,
    children: Sequence[OrgUnit],
    period: Period,
    metrics: Sequence[registry.Metric | registry.Rate],
) -> dict[str, Any]:
    """The same figures for each unit below: the bar chart's data and its table."""
    keys = [metric.key for metric in metrics]
    values = engine.by_unit(keys, list(children), period)
    chart = {
        "categories": [child.name for child in children],
        "series": [
            {
                "key": metric.key,
                "name": _series_name(metric),
                "values": [_float(values[child.pk][metric.key].value) for child in children],
                "urls": [figure_url(metric.key, child, period) for child in children],
            }
            for metric in metrics
        ],
    }
    table = [
        (
            child,
            dashboard_url(child, period),
            [
                (values[child.pk][metric.key].text, figure_url(metric.key, child, period))
                for metric in metrics
            ],
        )
        for child in children
    ]
    return {"chart": chart, "metrics": metrics, "table": table}


def _silent_month(period: Period) -> Period:
    """The month reporting completeness is shown for: this month if the period holds today,
    else the last month of the period (its first, for a period yet to come)."""
    today = timezone.localdate()
    day = period.start if today < period.start else min(today, period.last_day)
    return periods.month(day.year, day.month)


def _silence(user: Any, unit: OrgUnit, period: Period) -> dict[str, Any]:
    month = _silent_month(period)
    silent = engine.silent_units(unit, month)
    counts = unit_selectors.unit_kind_counts(user, unit, on=month.last_day)
    places = sum(counts.get(kind, 0) for kind in VILLAGE_KINDS)
    if unit.kind in VILLAGE_KINDS and unit.is_open(month.last_day):
        places += 1
    parents: dict[int, str] = {}
    parent_ids = {place.parent_id for place in silent if place.parent_id is not None}
    if parent_ids:
        parents = dict(
            unit_selectors.unit_list(user, include_closed=True)
            .filter(pk__in=parent_ids)
            .values_list("pk", "name")
        )
    return {
        "month": month,
        "count": len(silent),
        "places": places,
        "listed": [
            (place, parents.get(place.parent_id or 0, "")) for place in silent[:SILENT_LISTED]
        ],
        "more": max(0, len(silent) - SILENT_LISTED),
    }


def _crumbs(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    return unit_selectors.unit_ancestors(user, unit)


# --- pages ----------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """统计看板: ``?unit=<id>&period=<key>``; ``year`` and ``part`` (the form) redirect to it."""
    user = request.user
    if "year" in request.GET and "period" not in request.GET:
        return _redirect_to_period(request)
    unit = _unit(request)
    if unit is None:
        return render(request, "web/dashboard/dashboard.html", {"unit": None})
    period, period_error = _period(request)
    metrics = headline_metrics()
    counted = [metric for metric in metrics if isinstance(metric, registry.Metric)]
    children = _children(user, unit, period)
    context = {
        "unit": unit,
        "period": period,
        "previous": period.previous(),
        "period_error": period_error,
        "choices": _period_choices(unit, period),
        "crumbs": _crumbs(user, unit),
        "areas": _areas(user, unit, period, metrics),
        "target_year": period.start.year,
        # A trend needs two months at least; a month's figures are the cards themselves.
        "trend": _trend(unit, period, counted) if counted and _months(period) > 1 else None,
        "children": children,
        "comparison": _comparison(unit, children, period, metrics) if children else None,
        "silence": _silence(user, unit, period),
        "can_set_targets": access.can(user, Perm.APPROVE, unit),
        "targets_url": f"{reverse('dashboard_targets')}?"
        + urlencode({"unit": unit.pk, "year": period.start.year}),
    }
    return render(request, "web/dashboard/dashboard.html", context)


def _redirect_to_period(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    part = request.GET.get("part", "")
    query = {key: request.GET[key] for key in ("unit",) if request.GET.get(key)}
    if year.isdigit() and part in dict(PARTS):
        query["period"] = f"{year}{part}"
    return redirect(f"{reverse('dashboard')}?{urlencode(query)}")


def _metric_or_404(key: str) -> registry.Metric | registry.Rate:
    try:
        return registry.get(key)
    except ApplicationError:
        raise Http404 from None


@dataclass(frozen=True)
class DrillDown:
    metric: registry.Metric | registry.Rate
    unit: OrgUnit
    period: Period
    about: dict[str, int]


def _drill_down(request: HttpRequest, key: str) -> DrillDown:
    metric = _metric_or_404(key)
    unit = _unit(request)
    if unit is None:
        raise Http404
    period, error = _period(request)
    if error:
        raise Http404
    return DrillDown(metric, unit, period, _about(request.GET.get("about", "")))


@login_required
@require_GET
def figure(request: HttpRequest, key: str) -> HttpResponse:
    """One figure and the records behind it: ``?unit=<id>&period=<key>[&about=<name>:<id>]``.

    A narrowing the figure's records cannot take (a donor for activities) is explained on the
    page with status 400."""
    user = request.user
    asked = _drill_down(request, key)
    metric, unit, period, about = asked.metric, asked.unit, asked.period, asked.about
    about_names = _about_names(user, about)
    try:
        context = _figure_context(request, asked)
    except ApplicationError as error:
        return render(
            request,
            "web/dashboard/figure.html",
            {
                "metric": metric,
                "unit": unit,
                "period": period,
                "about": about_names,
                "problem": str(error),
                "dashboard_url": dashboard_url(unit, period),
            },
            status=400,
        )
    return render(request, "web/dashboard/figure.html", {**context, "about": about_names})


def _figure_context(request: HttpRequest, asked: DrillDown) -> dict[str, Any]:
    user = request.user
    metric, unit, period, about = asked.metric, asked.unit, asked.period, asked.about
    key = metric.key
    narrowed = about or None
    value = engine.figure(key, unit, period, about=narrowed)
    previous = engine.figure(key, unit, period.previous(), about=narrowed)
    records = engine.records(user, key, unit, period, about=narrowed)
    rate_parts = None
    if isinstance(metric, registry.Rate):
        parts = engine.figures([metric.numerator, metric.denominator], unit, period, about=narrowed)
        rate_parts = [
            (parts[part], figure_url(part, unit, period, about))
            for part in (metric.numerator, metric.denominator)
        ]
    columns = engine.columns(key)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        [(column.label, _cell(cell)) for column, cell in zip(columns, row, strict=True)]
        for row in engine.rows(cast(QuerySet[Any], page.object_list), key)
    ]
    query: dict[str, Any] = {"unit": unit.pk, "period": period.key}
    if about:
        query["about"] = _about_text(about)
    return {
        "metric": metric,
        "figure": value,
        "previous": previous,
        "previous_url": figure_url(key, unit, period.previous(), about),
        "unit": unit,
        "period": period,
        "definition": engine.describe(key),
        "rate_parts": rate_parts,
        "columns": columns,
        "rows": rows,
        "page": page,
        "query": urlencode(query),
        "export_query": urlencode(query),
        "dashboard_url": dashboard_url(unit, period),
    }


def _cell(value: Any) -> Any:
    """A value of the records table as the page shows it: days as 2014-03-08."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


@login_required
@require_GET
def figure_export(request: HttpRequest, key: str) -> HttpResponseBase:
    """The records behind a figure as .xlsx or .csv (``fmt``), the same rows as the page."""
    user = request.user
    asked = _drill_down(request, key)
    fmt = request.GET.get("fmt", "xlsx")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    try:
        records = engine.records(user, key, asked.unit, asked.period, about=asked.about or None)
    except ApplicationError:
        raise Http404 from None
    declared = engine.columns(key)
    title = f"{asked.metric.label}-{asked.unit.name}-{asked.period.key}"
    table = Table(
        title=title,
        columns=[
            ExportColumn(key=f"c{index}", header=column.label, width=18)
            for index, column in enumerate(declared)
        ],
        header=[str(column.label) for column in declared],
        rows=engine.rows(records, key),
    )
    filename = f"{title}.{fmt}"
    if fmt == "csv":
        return stream_csv_response(csv_chunks(table), filename)
    # The temporary file is closed (and removed) by the response once sent.
    target = cast(BinaryIO, tempfile.TemporaryFile())  # noqa: SIM115
    try:
        write_xlsx(table, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return file_response(target, filename, CONTENT_TYPES[fmt])


# --- targets --------------------------------------------------------------------------------------


class TargetsForm(ServiceForm):
    """One optional figure per counted key metric; an empty box removes the target."""

    def __init__(
        self,
        *args: Any,
        metrics: Sequence[registry.Metric],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        for metric in metrics:
            self.fields[metric.key] = forms.DecimalField(
                label=f"{metric.label}({metric.measure})",
                required=False,
                min_value=0,
                decimal_places=min(metric.decimals, 2),
                max_digits=20,
                widget=forms.NumberInput(
                    attrs={"inputmode": "decimal", "step": "any" if metric.decimals else "1"}
                ),
            )


def _target_year(request: HttpRequest) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not services.FIRST_YEAR <= int(raw) <= services.LAST_YEAR:
        raise Http404
    return int(raw)


@login_required
@require_http_methods(["GET", "POST"])
def dashboard_targets(request: HttpRequest) -> HttpResponse:
    """目标任务: the targets of a unit's counted key figures for a year (``?unit=&year=``)."""
    user = request.user
    unit = _unit(request, Perm.APPROVE)
    if unit is None:
        raise Http404
    year = _target_year(request)
    metrics = [m for m in headline_metrics() if isinstance(m, registry.Metric)]
    current = selectors.targets_of(user, unit, year, [m.key for m in metrics])
    form = TargetsForm(
        request.POST or None,
        metrics=metrics,
        initial=dict(current),
    )
    if request.method == "POST" and form.is_valid():
        changed = 0
        for metric in metrics:
            value = form.cleaned_data.get(metric.key)
            if value == current.get(metric.key):
                continue
            try:
                services.target_set(
                    actor=user, metric_key=metric.key, unit=unit, year=year, value=value
                )
            except ApplicationError as error:
                form.add_error(metric.key, str(error))
            else:
                changed += 1
        if not form.errors:
            messages.success(request, _("The targets of %(year)s are saved.") % {"year": year})
            return redirect(dashboard_url(unit, periods.year(year)))
    period = periods.year(year)
    figures = engine.figures([m.key for m in metrics], unit, period) if metrics else {}
    rows = [(form[metric.key], figures.get(metric.key)) for metric in metrics]
    return render(
        request,
        "web/dashboard/targets.html",
        {
            "unit": unit,
            "year": year,
            "years": list(range(max(timezone.localdate().year + 1, year), FIRST_YEAR - 1, -1)),
            "form": form,
            "rows": rows,
            "dashboard_url": dashboard_url(unit, period),
        },
    )


__all__ = ["dashboard", "dashboard_targets", "figure", "figure_export", "figure_url"]
