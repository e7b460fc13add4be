"""Evaluating declared metrics for an org-unit subtree and a period.

Additive metrics (records, person-times and sums over dated records) are read from the
`Tally`: a unit's total for a month is kept up to date, so a county's year is a sum over
twelve rows. The other metrics (distinct people or households, and anything held on a day)
are computed from the records on first read and kept in `Cached` until a record below their
unit changes. Either way every read starts with `refresh`, which brings up to date what the
triggers marked as changed: a record written is counted on the next read, with no nightly
batch.

The figures of a unit are aggregates of its whole subtree; callers check that the user may
view the unit. `records` lists the records behind a figure and applies the row scope itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count as CountOf,
)
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.core.errors import refuse
from jinguo.metrics import periods
from jinguo.metrics.models import ALL_MONTHS, Cached, Counted, Stale, Tally
from jinguo.metrics.periods import Period, next_month
from jinguo.metrics.registry import (
    METRICS,
    SOURCES,
    Column,
    Count,
    Metric,
    Rate,
    Source,
    additive,
    get,
)
from jinguo.orgunits.models import Kind as UnitKind
from jinguo.orgunits.models import OrgUnit

ZERO = Decimal(0)
CENT = Decimal("0.01")
WHOLE = 0  # a stale mark for every unit of a source
VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.GACHA, UnitKind.COMMUNITY)


@dataclass(frozen=True)
class Figure:
    metric: Metric | Rate
    unit: OrgUnit
    period: Period
    value: Decimal | None
    about: tuple[tuple[str, int], ...] = ()

    @property
    def key(self) -> str:
        return self.metric.key

    @property
    def label(self) -> str:
        return str(self.metric.label)

    @property
    def measure(self) -> str:
        return str(self.metric.measure)

    @property
    def text(self) -> str:
        return "—" if self.value is None else number_text(self.value, self.metric.decimals)


def number_text(value: Decimal, decimals: int) -> str:
    """A figure as Chinese text writes it: 1,355 / 62.1."""
    return f"{value:,.{decimals}f}"


# --- the parts of a figure --------------------------------------------------------------------


def _metric(key: str) -> Metric:
    found = get(key)
    if not isinstance(found, Metric):
        raise refuse(
            gettext_lazy("“%(key)s” is a rate, not a count."), "metric_rate", "metric", key=key
        )
    return found


def _bases(keys: Iterable[str]) -> list[Metric]:
    """The counted metrics the keys need (a rate needs its numerator and denominator)."""
    out: dict[str, Metric] = {}
    for key in keys:
        declared = get(key)
        if isinstance(declared, Rate):
            for part in (declared.numerator, declared.denominator):
                out[part] = _metric(part)
        else:
            out[key] = declared
    return list(out.values())


def _unit_expr(source: Source) -> Any:
    if source.unit == ("self",):
        return F("pk")
    fields = [F(path) for path in source.unit]
    return fields[0] if len(fields) == 1 else Coalesce(*fields)


def _field(model: Any, path: str) -> Any:
    """The model field at the end of an ORM path."""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def _on_or_after(source: Source, path: str, day: dt.date) -> Q:
    return Q(**{f"{_day_path(source, path)}__gte": day})


def _before(source: Source, path: str, day: dt.date) -> Q:
    return Q(**{f"{_day_path(source, path)}__lt": day})


def _day_path(source: Source, path: str) -> str:
    return f"{path}__date" if isinstance(_field(source.model, path), DateTimeField) else path


def _in_period(source: Source, period: Period) -> Q:
    if source.is_stock:
        day = min(period.last_day, timezone.localdate())
        held = Q(**{f"{_day_path(source, source.start)}__lte": day})
        if not source.end:
            return held
        return held & (
            Q(**{f"{source.end}__isnull": True})
            | Q(**{f"{_day_path(source, source.end)}__gt": day})
        )
    return _on_or_after(source, source.date, period.start) & _before(
        source, source.date, period.end
    )


def _about_q(source: Source, about: Mapping[str, int]) -> Q:
    q = Q()
    for name, pk in about.items():
        paths = source.about.get(name)
        if paths is None:
            raise refuse(
                gettext_lazy("“%(source)s” cannot be narrowed to a %(name)s."),
                "about_unknown",
                "about",
                source=source.label,
                name=name,
            )
        either = Q(pk__in=[])
        for path in (paths,) if isinstance(paths, str) else paths:
            either |= Q(**{path: pk})
        q &= either
    return q


def _aggregate(metric: Metric) -> Any:
    where = metric.filter
    if metric.count == Count.RECORDS and SOURCES[metric.source].is_stock:
        return CountOf("pk", filter=where, distinct=True)  # a filter may join many rows
    if metric.count == Count.SUM or (metric.count == Count.PERSON_TIMES and metric.field):
        return Coalesce(Sum(metric.field, filter=where), ZERO, output_field=_decimal())
    if metric.distinct:
        return CountOf(metric.field, filter=where, distinct=True)
    return CountOf("pk", filter=where)


def _decimal() -> Any:
    from django.db.models import DecimalField

    return DecimalField(max_digits=20, decimal_places=2)


def _facts(source: Source, path: str, period: Period, about: Mapping[str, int]) -> QuerySet[Any]:
    return source.model._default_manager.filter(
        source.within(path) & _in_period(source, period) & _about_q(source, about)
    )


def compute(
    key: str, unit: OrgUnit, period: Period, *, about: Mapping[str, int] | None = None
) -> Decimal:
    """The figure straight from the records, no tally or cache: the reference the tally is
    checked against in the tests and measured against in the benchmark."""
    return _direct([_metric(key)], unit, period, about or {})[key]


# --- keeping the tally up to date ---------------------------------------------------------------


def _ancestry(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's id with its ancestors' ids."""
    return {
        pk: [int(part) for part in path.strip("/").split("/")]
        for pk, path in OrgUnit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path")
    }


def _metrics_of(source: Source) -> list[Metric]:
    return [m for m in METRICS.values() if isinstance(m, Metric) and m.source == source.key]


def _retally(source: Source, units: set[int] | None, month: dt.date | None = None) -> None:
    """Count again the own figures of `units` (all when None), in `month` (all when None), and
    carry the differences up the tree."""
    metrics = [m for m in _metrics_of(source) if additive(m)]
    if not metrics:
        return
    facts = source.model._default_manager.annotate(
        _unit=_unit_expr(source), _month=TruncMonth(source.date, output_field=DateField())
    )
    if units is not None:
        facts = facts.filter(_unit__in=units)
    if month is not None:
        facts = facts.filter(
            _on_or_after(source, source.date, month)
            & _before(source, source.date, next_month(month))
        )
    aggregates = {f"m{i}": _aggregate(m) for i, m in enumerate(metrics)}
    new: dict[tuple[str, int, dt.date], Decimal] = {}
    for row in facts.values("_unit", "_month").annotate(**aggregates).order_by():
        if row["_unit"] is None:
            continue
        first = row["_month"]
        if isinstance(first, dt.datetime):
            first = first.date()
        for i, metric in enumerate(metrics):
            value = Decimal(row[f"m{i}"] or 0)
            if value:
                new[(metric.key, row["_unit"], first)] = value
    if units is None:
        _replace(metrics, new)
        return
    kept = Tally.objects.filter(metric__in=[m.key for m in metrics], unit_id__in=units).exclude(
        own=0
    )
    if month is not None:
        kept = kept.filter(month=month)
    old = {(t.metric, t.unit_id, t.month): t.own for t in kept}
    changes = {
        cell: new.get(cell, ZERO) - old.get(cell, ZERO)
        for cell in new.keys() | old.keys()
        if new.get(cell, ZERO) != old.get(cell, ZERO)
    }
    if changes:
        _apply(changes, new)


def _replace(metrics: list[Metric], own: dict[tuple[str, int, dt.date], Decimal]) -> None:
    """Make the tally of `metrics` anew from their own figures, the totals summed up the tree
    as it stands (after a unit moved, the old totals are wrong everywhere above it)."""
    ancestry = _ancestry(unit for _, unit, _ in own)
    totals: dict[tuple[str, int, dt.date], Decimal] = defaultdict(Decimal)
    for (key, unit, month), value in own.items():
        for above in ancestry.get(unit, [unit]):
            totals[(key, above, month)] += value
    Tally.objects.filter(metric__in=[m.key for m in metrics]).delete()
    Tally.objects.bulk_create(
        (
            Tally(metric=key, unit_id=unit, month=month, own=own.get(cell, ZERO), total=total)
            for cell, total in totals.items()
            for key, unit, month in [cell]
        ),
        batch_size=2000,
    )


def _apply(changes: dict[tuple[str, int, dt.date], Decimal], new: dict[Any, Decimal]) -> None:
    ancestry = _ancestry(unit for _, unit, _ in changes)
    totals: dict[tuple[str, int, dt.date], Decimal] = defaultdict(Decimal)
    for (key, unit, month), delta in changes.items():
        for above in ancestry.get(unit, [unit]):
            totals[(key, above, month)] += delta
    cells = {
        (t.metric, t.unit_id, t.month): t
        for t in Tally.objects.filter(
            metric__in={k for k, _, _ in totals},
            unit_id__in={u for _, u, _ in totals},
            month__in={m for _, _, m in totals},
        )
    }
    created, updated = [], []
    for cell, delta in totals.items():
        row = cells.get(cell)
        if row is None:
            row = Tally(metric=cell[0], unit_id=cell[1], month=cell[2])
            created.append(row)
        else:
            updated.append(row)
        row.total += delta
        if cell in changes:
            row.own = new.get(cell, ZERO)
    Tally.objects.bulk_update(updated, ["own", "total"], batch_size=500)
    Tally.objects.bulk_create(created, batch_size=500)


def _forget(source: Source, units: set[int] | None, month: dt.date | None = None) -> None:
    """Drop the cached figures that records of `units` (all when None) in `month` (any when
    None) may change: those of the units and the units above them, over a period that holds
    the month."""
    keys = [m.key for m in _metrics_of(source) if not additive(m)]
    if not keys:
        return
    cached = Cached.objects.filter(metric__in=keys)
    if units is not None:
        above = {a for chain in _ancestry(units).values() for a in chain}
        cached = cached.filter(unit_id__in=above)
    if month is not None:
        cached = cached.filter(start__lt=next_month(month), end__gt=month)
    cached.delete()


def signature(metric: Metric) -> str:
    source = SOURCES[metric.source]
    text = repr((metric.source, metric.count, metric.field, str(metric.filter), source.unit))
    return hashlib.sha256(text.encode()).hexdigest()


_declarations_checked = False


def _check_declarations() -> None:
    """Once a process: a metric declared since the tally was made, or declared differently,
    is counted again from its records."""
    global _declarations_checked
    if _declarations_checked:
        return
    declared = {m.key: signature(m) for m in METRICS.values() if isinstance(m, Metric)}
    known = dict(Counted.objects.values_list("metric", "signature"))
    changed = [key for key, sign in declared.items() if known.get(key) != sign]
    if changed:
        with transaction.atomic():
            for key in changed:
                Counted.objects.update_or_create(metric=key, defaults={"signature": declared[key]})
            Cached.objects.filter(metric__in=changed).delete()
            sources = {_metric(key).source for key in changed}
            Stale.objects.filter(source__in=sources, unit_id=WHOLE).delete()
            Stale.objects.bulk_create([Stale(source=s, unit_id=WHOLE) for s in sorted(sources)])
    _declarations_checked = True


def refresh(keys: Iterable[str] | None = None) -> None:
    """Bring up to date what changed since the last read, for the sources of `keys` (all
    sources when None)."""
    _check_declarations()
    wanted = (
        list(SOURCES) if keys is None else sorted({SOURCES[m.source].key for m in _bases(keys)})
    )
    if not Stale.objects.filter(source__in=wanted).exists():
        return
    with transaction.atomic():
        marks = list(
            Stale.objects.select_for_update()
            .filter(source__in=wanted)
            .order_by("source", "unit_id")
            if connection.features.has_select_for_update
            else Stale.objects.filter(source__in=wanted)
        )
        changed: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
        for mark in marks:
            changed[(mark.source, mark.month)].add(mark.unit_id)
        for (key, month), units in sorted(changed.items()):
            source = SOURCES.get(key)
            if source is None:
                continue
            if WHOLE in units:
                _retally(source, None)
                _forget(source, None)
            else:
                _retally(source, units, None if month == ALL_MONTHS else month)
                _forget(source, units, None if month == ALL_MONTHS else month)
        for chunk in _chunks(marks, 200):
            seen = Q(pk__in=[])
            for mark in chunk:
                seen |= Q(pk=mark.pk, version=mark.version)
            Stale.objects.filter(seen).delete()


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rebuild() -> None:
    """Count every source again from its records (after a restore or a change of the tree)."""
    with transaction.atomic():
        Tally.objects.all().delete()
        Cached.objects.all().delete()
        Stale.objects.all().delete()
        for source in SOURCES.values():
            _retally(source, None)


# --- reading ------------------------------------------------------------------------------------


def _about_key(about: Mapping[str, int]) -> str:
    return ",".join(f"{name}:{pk}" for name, pk in sorted(about.items()))


def _from_tally(
    metrics: list[Metric], units: Sequence[OrgUnit], period: Period
) -> dict[tuple[str, int], Decimal]:
    first, last = period.whole_months()
    out: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    if first < last:
        rows = (
            Tally.objects.filter(
                metric__in=[m.key for m in metrics],
                unit__in=[u.pk for u in units],
                month__gte=first,
                month__lt=last,
            )
            .values("metric", "unit")
            .annotate(value=Sum("total"))
            .order_by()
        )
        for row in rows:
            out[(row["metric"], row["unit"])] = row["value"]
    bounds = (
        [(period.start, first), (last, period.end)]
        if first < last
        else [(period.start, period.end)]
    )
    for edge in (
        periods.Period(start, end, "") for start, end in bounds if start < end
    ):  # days of a month not wholly inside the period: from the records
        for unit in units:
            for key, value in _direct(metrics, unit, edge, {}).items():
                out[(key, unit.pk)] += value
    return out


def _direct(
    metrics: Sequence[Metric], unit: OrgUnit, period: Period, about: Mapping[str, int]
) -> dict[str, Decimal]:
    """Figures straight from the records, one query for the metrics of each source."""
    by_source: dict[str, list[Metric]] = defaultdict(list)
    for metric in metrics:
        by_source[metric.source].append(metric)
    out = {}
    for key, wanted in by_source.items():
        aggregates = {f"m{i}": _aggregate(m) for i, m in enumerate(wanted)}
        row = _facts(SOURCES[key], unit.path, period, about).aggregate(**aggregates)
        for i, metric in enumerate(wanted):
            out[metric.key] = Decimal(row[f"m{i}"] or 0)
    return out


def _from_cache(
    metrics: list[Metric], units: Sequence[OrgUnit], period: Period, about: Mapping[str, int]
) -> dict[tuple[str, int], Decimal]:
    """Cached figures in one query; the missing ones computed (one query for the metrics of a
    source and a unit) and kept."""
    if not metrics:
        return {}
    about_key = _about_key(about)
    found: dict[tuple[str, int], Decimal] = {
        (metric, unit): value
        for metric, unit, value in Cached.objects.filter(
            metric__in=[m.key for m in metrics],
            unit__in=[u.pk for u in units],
            start=period.start,
            end=period.end,
            about=about_key,
        ).values_list("metric", "unit", "value")
    }
    kept = []
    for unit in units:
        missing = [m for m in metrics if (m.key, unit.pk) not in found]
        for key, value in _direct(missing, unit, period, about).items():
            found[(key, unit.pk)] = value
            kept.append(
                Cached(
                    metric=key,
                    unit=unit,
                    start=period.start,
                    end=period.end,
                    about=about_key,
                    value=value,
                )
            )
    Cached.objects.bulk_create(kept, ignore_conflicts=True)
    return found


def _values(
    keys: Sequence[str],
    units: Sequence[OrgUnit],
    period: Period,
    about: Mapping[str, int],
    *,
    refreshed: bool = False,
) -> dict[tuple[str, int], Decimal | None]:
    bases = _bases(keys)
    for metric in bases:
        _about_q(SOURCES[metric.source], about)  # refuse an unknown narrowing before any work
    if not refreshed:
        refresh(m.key for m in bases)
    tallied = [m for m in bases if additive(m) and not about]
    values: dict[tuple[str, int], Decimal | None] = dict(_from_tally(tallied, units, period))
    values.update(_from_cache([m for m in bases if m not in tallied], units, period, about))
    for metric in tallied:
        for unit in units:
            values.setdefault((metric.key, unit.pk), ZERO)
    values = {cell: _exact(value) for cell, value in values.items()}
    for key in keys:
        declared = METRICS[key]
        if isinstance(declared, Rate):
            for unit in units:
                top = values[(declared.numerator, unit.pk)] or ZERO
                bottom = values[(declared.denominator, unit.pk)] or ZERO
                values[(key, unit.pk)] = (
                    (top * declared.per / bottom).quantize(Decimal(10) ** -declared.decimals)
                    if bottom
                    else None
                )
    return values


def _exact(value: Decimal | None) -> Decimal | None:
    """A figure the same on every database: a whole number without decimals (2, not 2.00),
    otherwise to the fen (922.50)."""
    if value is None:
        return None
    return value.quantize(Decimal(1) if value == value.to_integral_value() else CENT)


def figures(
    keys: Sequence[str], unit: OrgUnit, period: Period, *, about: Mapping[str, int] | None = None
) -> dict[str, Figure]:
    about = dict(about or {})
    values = _values(keys, [unit], period, about)
    narrowed = tuple(sorted(about.items()))
    return {
        key: Figure(METRICS[key], unit, period, values[(key, unit.pk)], narrowed) for key in keys
    }


def figure(
    key: str, unit: OrgUnit, period: Period, *, about: Mapping[str, int] | None = None
) -> Figure:
    return figures([key], unit, period, about=about)[key]


def by_unit(
    keys: Sequence[str], units: Sequence[OrgUnit], period: Period
) -> dict[int, dict[str, Figure]]:
    values = _values(keys, units, period, {})
    return {
        unit.pk: {key: Figure(METRICS[key], unit, period, values[(key, unit.pk)]) for key in keys}
        for unit in units
    }


def by_month(
    keys: Sequence[str], unit: OrgUnit, period: Period
) -> list[tuple[Period, dict[str, Figure]]]:
    refresh(keys)  # once, not once a month
    out = []
    for start in period.months():
        month = periods.month(start.year, start.month)
        part = periods.Period(max(month.start, period.start), min(month.end, period.end), month.key)
        values = _values(keys, [unit], part, {}, refreshed=True)
        out.append(
            (month, {key: Figure(METRICS[key], unit, part, values[(key, unit.pk)]) for key in keys})
        )
    return out


def silent_units(unit: OrgUnit, period: Period) -> list[OrgUnit]:
    """Villages and communities below `unit`, open in the period, that recorded nothing in it
    (no dated record of any source)."""
    refresh()
    places = OrgUnit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS)
    places = places.filter(opened_on__lt=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )
    active = set(
        Tally.objects.filter(
            unit__in=places, month__gte=periods.month_start(period.start), month__lt=period.end
        )
        .exclude(total=0)
        .values_list("unit_id", flat=True)
    )
    return [p for p in places.order_by("path") if p.pk not in active]


# --- what is behind a figure ----------------------------------------------------------------


def records(
    user: Any,
    key: str,
    unit: OrgUnit,
    period: Period,
    *,
    about: Mapping[str, int] | None = None,
) -> QuerySet[Any]:
    declared = get(key)
    metric = _metric(declared.numerator if isinstance(declared, Rate) else key)
    source = SOURCES[metric.source]
    return (
        _facts(source, unit.path, period, about or {})
        .filter(metric.filter)
        .filter(source.seen_by(user))
        .order_by(*source.order)
    )


def columns(key: str) -> tuple[Column, ...]:
    declared = get(key)
    metric = _metric(declared.numerator if isinstance(declared, Rate) else key)
    return SOURCES[metric.source].columns


def rows(queryset: QuerySet[Any], key: str) -> Iterator[list[Any]]:
    """The values of the drill-down columns, read in chunks; coded values as their labels."""
    paths = [column.path for column in columns(key)]
    choices = [_choices(queryset.model, path) for path in paths]
    for values in queryset.values_list(*paths).iterator(chunk_size=2000):
        yield [_display(value, labels) for value, labels in zip(values, choices, strict=True)]


def _choices(model: Any, path: str) -> dict[Any, str]:
    return {value: str(label) for value, label in getattr(_field(model, path), "flatchoices", ())}


def _display(value: Any, labels: dict[Any, str]) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return labels.get(value, value) if labels else value


def describe(key: str) -> str:
    declared = get(key)
    if isinstance(declared, Rate):
        return _("%(definition)s Computed as %(numerator)s ÷ %(denominator)s × %(per)s.") % {
            "definition": declared.definition,
            "numerator": METRICS[declared.numerator].label,
            "denominator": METRICS[declared.denominator].label,
            "per": declared.per,
        }
    source = SOURCES[declared.source]
    when = (
        _("held on the last day of the period") if source.is_stock else _("dated within the period")
    )
    text = _("%(definition)s Counts %(count)s of %(source)s %(when)s, in the unit and below it.")
    return text % {
        "definition": declared.definition,
        "count": Count(declared.count).label,
        "source": source.label,
        "when": when,
    }
