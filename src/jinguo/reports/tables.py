"""Statistical tables (统计报表): declared like the metrics, filled from the engine, checked.

A `TableDef` names a form the way the government prints it — its number (表号), title and the
authority that sets it (制定机关) — and says what its rows and columns are:

- `UnitRows`: one row per child area of the reporting unit open in the period (the townships of
  a county, the villages of a township); one row (本级) for the organisations directly under the
  unit — its federation, member units, volunteer teams — when they hold anything: one of them,
  its own figures; several, their figures added up, distinct counts then being an upper bound
  (shown "≤ n": a woman at two of their meetings is counted twice); and the total (合计), the
  unit's own figure over its whole subtree — not a sum the table makes, which is what makes
  "total = sum of the rows" a real check. Columns are `MetricColumn`s.
- `ProgrammeRows`: one row per programme that reaches the unit and runs in the period (its
  figures narrowed with ``about={"programme": id}``), and the total. Columns are metrics.
- `ItemRows`: a fixed list of items, one metric each (with its measure, 计量单位); columns are
  `PeriodColumn`s (the period itself, a quarter of it, the same period a year earlier) and
  `ChangeColumn`s (the change between two of them, in per cent).

Every cell is an engine figure and keeps what its drill-down needs (`Drill`), except the change
columns and the 本级 sums of several organisations, which the table computes and which link
nowhere.

Cross-cell rules (表内审核关系) are declared with the table and checked on the filled grid:

- `TotalIsSum`: the total row against the rows above it. For a column that counts records,
  person-times or a sum, the total must equal the sum. For a column of distinct people or
  households the rows cannot be summed — a woman trained in two townships is one woman in the
  county — so the rule is *largest row ≤ total ≤ sum of the rows*. Rates are not summed at all.
- `ColumnSum`: column A = column B + column C … in every row. Between period columns (the year
  against its quarters) each line follows its metric: additive ones add up, distinct people
  are bounded as above, and what the engine counts as held on the period's last day (a
  category, a unit open) equals its last part.
- `ColumnAtMost`: column A ≤ column B in every row (people served ≤ deliveries).
- `ItemAtMost`: item A ≤ item B in every period column (trainees ≤ training attendance).

The checks (`check`) read only numbers and modes, so they are tested with plain numbers; the
engine is needed only by `table_evaluate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from jinguo.accounts.roles import Perm
from jinguo.metrics import engine, periods, registry
from jinguo.orgunits import access
from jinguo.orgunits.models import AREA_KINDS, AREA_LEVEL, Level, OrgUnit
from jinguo.programmes import selectors as programme_selectors
from jinguo.programmes.models import Programme

# --- how figures combine --------------------------------------------------------------------------


class Mode(StrEnum):
    """How a total relates to its parts."""

    EQUAL = "equal"  # records, person-times, sums: the total is the sum
    BOUNDED = "bounded"  # distinct people or households: largest part ≤ total ≤ sum
    LAST = "last"  # held on the last day (a category, a unit open): the whole = its last part
    NONE = "none"  # rates: not checked


def across_units(metric: registry.Metric | registry.Rate) -> Mode:
    """How a metric's figures for the parts of a unit (or of a programme list) make its total."""
    if isinstance(metric, registry.Rate):
        return Mode.NONE
    return Mode.BOUNDED if metric.distinct else Mode.EQUAL


def across_periods(metric: registry.Metric | registry.Rate) -> Mode:
    """How a metric's figures for the parts of a period make the figure of the whole."""
    if isinstance(metric, registry.Rate):
        return Mode.NONE
    if registry.SOURCES[metric.source].is_stock:
        return Mode.LAST  # the engine counts what is held on the period's last day
    return Mode.BOUNDED if metric.distinct else Mode.EQUAL


# --- declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricColumn:
    """A column holding one metric; `label` replaces the metric's own label in the header."""

    metric: str
    label: Promise | None = None
    # A header cell above adjacent columns of the same group (a two-level header).
    group: Promise | None = None
    key: str = ""

    @property
    def id(self) -> str:
        return self.key or self.metric


@dataclass(frozen=True)
class PeriodColumn:
    """A column of an item table: the items' figures over a period derived from the chosen one
    (`None` where it has no such part: the second quarter of a single month)."""

    key: str
    label: Promise
    period: Callable[[periods.Period], periods.Period | None]
    group: Promise | None = None

    @property
    def id(self) -> str:
        return self.key


@dataclass(frozen=True)
class ChangeColumn:
    """The change from column `base` to column `current`, in per cent (比上年增减%)."""

    key: str
    label: Promise
    current: str
    base: str
    group: Promise | None = None

    @property
    def id(self) -> str:
        return self.key


@dataclass(frozen=True)
class UnitRows:
    """The child areas of the reporting unit, the organisations directly under it that hold
    anything (本级), the total."""


@dataclass(frozen=True)
class ProgrammeRows:
    """The programmes that reach the unit and run in the period, and the total.

    `work_areas` keeps the programmes of those work areas; programmes with nothing in the period
    are left out.
    """

    work_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    metric: str
    label: Promise | None = None
    indent: int = 0  # 1 for a "其中" (of which) line under the item above it

    @property
    def id(self) -> str:
        return self.metric


@dataclass(frozen=True)
class ItemRows:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class TotalIsSum:
    """The total row against the rows above it, in the listed columns (all when none)."""

    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnSum:
    """Column `total` = the sum of columns `parts`, in every row. Between period columns each
    row follows its metric (see `across_periods`); list the parts in time order."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class ColumnAtMost:
    """Column `smaller` ≤ column `larger`, in every row."""

    smaller: str
    larger: str


@dataclass(frozen=True)
class ItemAtMost:
    """Item `smaller` ≤ item `larger`, in every period column (trainees ≤ attendance)."""

    smaller: str
    larger: str


Rule = TotalIsSum | ColumnSum | ColumnAtMost | ItemAtMost
Rows = UnitRows | ProgrammeRows | ItemRows
ColumnDef = MetricColumn | PeriodColumn | ChangeColumn


@dataclass(frozen=True)
class TableDef:
    key: str  # names the table in URLs
    code: str  # 表号, as printed: "妇联统1表"
    title: Promise
    rows: Rows
    columns: tuple[ColumnDef, ...]
    rules: tuple[Rule, ...] = ()
    # 制定机关; when none, the federation of the county the reporting unit lies in.
    authority: Promise | None = None
    note: Promise | None = None  # 填表说明, printed under the table

    def column(self, key: str) -> ColumnDef:
        for column in self.columns:
            if column.id == key:
                return column
        raise KeyError(key)

    @property
    def by_items(self) -> bool:
        return isinstance(self.rows, ItemRows)

    @property
    def metric_keys(self) -> list[str]:
        if isinstance(self.rows, ItemRows):
            return [item.metric for item in self.rows.items]
        return [column.metric for column in self.columns if isinstance(column, MetricColumn)]


TABLES: dict[str, TableDef] = {}


def _named_columns(rule: Rule) -> tuple[str, ...]:
    if isinstance(rule, TotalIsSum):
        return rule.columns
    if isinstance(rule, ColumnSum):
        return (rule.total, *rule.parts)
    if isinstance(rule, ColumnAtMost):
        return (rule.smaller, rule.larger)
    return ()


def declare(table: TableDef) -> TableDef:
    """Register a table, refusing declarations that cannot be filled or checked. (Whether its
    metric keys are declared is checked by the tests: the catalogue may load later.)"""
    if table.key in TABLES:
        raise ValueError(f"table {table.key} is declared twice")
    ids = [column.id for column in table.columns]
    if len(set(ids)) != len(ids):
        raise ValueError(f"table {table.key}: two columns share a key")
    for column in table.columns:
        if isinstance(column, MetricColumn) == table.by_items:
            raise ValueError(
                f"table {table.key}: item rows take period columns, unit and programme rows "
                f"take metric columns ({column.id})"
            )
        if isinstance(column, ChangeColumn) and not {column.current, column.base} <= set(ids):
            raise ValueError(f"table {table.key}: {column.id} compares unknown columns")
    items = {item.id for item in table.rows.items} if isinstance(table.rows, ItemRows) else set()
    for rule in table.rules:
        named = _named_columns(rule)
        if not set(named) <= set(ids):
            raise ValueError(f"table {table.key}: a rule names unknown columns {named}")
        if any(isinstance(table.column(key), ChangeColumn) for key in named):
            raise ValueError(f"table {table.key}: a rule on a computed column")
        if isinstance(rule, TotalIsSum) and table.by_items:
            raise ValueError(f"table {table.key}: item rows have no total row")
        if isinstance(rule, ItemAtMost) and not {rule.smaller, rule.larger} <= items:
            raise ValueError(f"table {table.key}: a rule names unknown items")
    TABLES[table.key] = table
    return table


def get(key: str) -> TableDef:
    """The declared table, or 404."""
    try:
        return TABLES[key]
    except KeyError:
        raise Http404 from None


def all_tables() -> list[TableDef]:
    return list(TABLES.values())


# --- periods of period columns --------------------------------------------------------------------


def whole(period: periods.Period) -> periods.Period | None:
    return period


def year_before(period: periods.Period) -> periods.Period | None:
    return period.previous()


def _months_between(first: dt.date, end: dt.date) -> int:
    return (end.year - first.year) * 12 + end.month - first.month


def part(index: int, of: int) -> Callable[[periods.Period], periods.Period | None]:
    """The `index`-th (from 1) of `of` equal runs of whole months of the period: the quarters of
    a year, the halves of an April–March year. None when the period does not split so."""

    def derive(period: periods.Period) -> periods.Period | None:
        if period.start.day != 1 or period.end.day != 1:
            return None
        months = _months_between(period.start, period.end)
        if months <= 0 or months % of:
            return None
        size = months // of
        first = period.start
        for _step in range(size * (index - 1)):
            first = periods.next_month(first)
        end = first
        for _step in range(size):
            end = periods.next_month(end)
        return _named(first, end)

    return derive


def _named(first: dt.date, end: dt.date) -> periods.Period:
    """The period [first, end) under its shortest key (2014Q2 rather than a range)."""
    months = _months_between(first, end)
    if months == 1:
        return periods.month(first.year, first.month)
    if months == 3 and first.month % 3 == 1:
        return periods.quarter(first.year, (first.month + 2) // 3)
    if months == 6 and first.month in (1, 7):
        return periods.half(first.year, 1 if first.month == 1 else 2)
    if months == 12 and first.month == 1:
        return periods.year(first.year)
    if months == 12 and first.month == 4:
        return periods.april_year(first.year)
    return periods.between(first, end - dt.timedelta(days=1))


# --- the filled table -----------------------------------------------------------------------------


class RowKind(StrEnum):
    PART = "part"  # a child area, a programme: one of the parts of the total
    OWN = "own"  # 本级: the organisations directly under the unit, a part too
    TOTAL = "total"
    ITEM = "item"


@dataclass(frozen=True)
class Drill:
    """What the drill-down of a cell needs: the figure's metric, unit, period and narrowing."""

    metric: str
    unit: int
    period: str
    about: tuple[str, int] | None = None

    @property
    def about_param(self) -> str:
        return f"{self.about[0]}:{self.about[1]}" if self.about else ""


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    text: str
    drill: Drill | None = None
    # An upper bound, not a count: distinct people of several organisations added up (a person
    # counted by two of them is counted twice). Shown as "≤ n".
    bound: bool = False


EMPTY = Cell(None, "—")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    number: int  # printed in the code row (栏次): 1, 2, 3 …; the rules name columns by it
    group: str = ""
    measure: str = ""
    decimals: int = 0
    # How the rows' figures in this column make the total (unit and programme rows).
    mode: Mode = Mode.EQUAL
    # A column of figures over a part of the period (item tables): rules between such columns
    # follow each row's mode; `span` names the part ("Q1 2014").
    by_period: bool = False
    span: str = ""
    definition: str = ""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    kind: RowKind
    cells: dict[str, Cell]
    measure: str = ""  # item rows: 计量单位
    decimals: int = 0  # item rows
    mode: Mode = Mode.EQUAL  # item rows: how its figures over parts of the period combine
    indent: int = 0
    unit: int | None = None  # a child area: its own table is one click away
    definition: str = ""


@dataclass(frozen=True)
class Failure:
    row: str
    column: str
    message: str
    difference: Decimal | None = None


@dataclass(frozen=True)
class RuleResult:
    text: str  # the rule in words, naming the columns by their numbers on the form
    checked: int  # cells (or pairs of cells) compared
    failures: tuple[Failure, ...] = ()
    notes: tuple[str, ...] = ()  # what the rule does not check, and why

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class Grid:
    """A table filled for one unit and period, with its rules checked."""

    table: TableDef
    unit_name: str
    unit_id: int | None
    period_key: str
    period_label: str
    authority: str
    label_header: str  # the header of the first column: 单位名称, 项目名称, 指标名称
    columns: list[Column]
    rows: list[Row]
    results: list[RuleResult] = field(default_factory=list)

    @property
    def by_items(self) -> bool:
        return self.table.by_items

    @property
    def grouped(self) -> bool:
        return any(column.group for column in self.columns)

    def header_groups(self) -> list[tuple[str, list[Column]]]:
        """Runs of adjacent columns of the same group, for the upper header row ("" = none)."""
        runs: list[tuple[str, list[Column]]] = []
        for column in self.columns:
            if runs and column.group and runs[-1][0] == column.group:
                runs[-1][1].append(column)
            else:
                runs.append((column.group, [column]))
        return runs

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)

    @property
    def failing(self) -> set[tuple[str, str]]:
        """(row key, column key) of every cell a rule found wrong."""
        return {(f.row, f.column) for result in self.results for f in result.failures}

    @property
    def failures(self) -> int:
        return sum(len(result.failures) for result in self.results)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)


# --- checking the rules ---------------------------------------------------------------------------


def number(value: Decimal | None, decimals: int = 0) -> str:
    """A figure as tables print it: 1,355 / 20,000.00; a dash for none."""
    return "—" if value is None else engine.number_text(value, max(decimals, 0))


def compare(
    total: Decimal, parts: Sequence[Decimal], mode: Mode, *, largest: Decimal | None = None
) -> tuple[str, Decimal] | None:
    """None when `total` agrees with `parts` under `mode`; else what is wrong ("sum",
    "above_sum", "below_part", "last") and by how much. `largest` is the lower bound of a
    BOUNDED total when some parts are themselves bounds (the largest exact part)."""
    whole = sum(parts, Decimal(0))
    if mode == Mode.EQUAL:
        return None if total == whole else ("sum", total - whole)
    if mode == Mode.BOUNDED:
        if total > whole:
            return ("above_sum", total - whole)
        floor = max(parts, default=Decimal(0)) if largest is None else largest
        return ("below_part", total - floor) if total < floor else None
    if mode == Mode.LAST and parts:
        return None if total == parts[-1] else ("last", total - parts[-1])
    return None


def _numbers(numbers: Iterable[int]) -> str:
    return _(", ").join(str(n) for n in numbers)


def _failure(
    row: Row,
    column: Column,
    value: Decimal,
    parts: Sequence[Decimal],
    found: tuple[str, Decimal],
    *,
    of: str,
    largest: Decimal | None = None,
    decimals: int = 0,
) -> Failure:
    what, difference = found
    params = {
        "row": row.label,
        "column": column.number,
        "value": number(value, decimals),
        "parts": of,
        "sum": number(sum(parts, Decimal(0)), decimals),
        "largest": number(
            largest if largest is not None else max(parts, default=Decimal(0)), decimals
        ),
        "last": number(parts[-1] if parts else None, decimals),
        "difference": f"{difference:+,.{max(decimals, 0)}f}",
    }
    messages = {
        "sum": _(
            "%(row)s, column %(column)s: %(value)s, but %(parts)s add up to %(sum)s "
            "(difference %(difference)s)."
        ),
        "above_sum": _(
            "%(row)s, column %(column)s: %(value)s is more than %(parts)s add up to "
            "(%(sum)s; difference %(difference)s)."
        ),
        "below_part": _(
            "%(row)s, column %(column)s: %(value)s is less than the largest of %(parts)s "
            "(%(largest)s; difference %(difference)s)."
        ),
        "last": _(
            "%(row)s, column %(column)s: %(value)s, but the last of %(parts)s is %(last)s "
            "(difference %(difference)s)."
        ),
    }
    return Failure(row.key, column.key, messages[what] % params, difference)


def _check_total(grid: Grid, rule: TotalIsSum) -> RuleResult:
    totals = [row for row in grid.rows if row.kind == RowKind.TOTAL]
    parts = [row for row in grid.rows if row.kind in (RowKind.PART, RowKind.OWN)]
    columns = [grid.column(key) for key in rule.columns] or grid.columns
    equal = [c.number for c in columns if c.mode == Mode.EQUAL]
    bounded = [c.number for c in columns if c.mode == Mode.BOUNDED]
    rates = [c.number for c in columns if c.mode == Mode.NONE]
    pieces = []
    if equal:
        pieces.append(
            _("total row = sum of the rows above it (columns %(columns)s)")
            % {"columns": _numbers(equal)}
        )
    if bounded:
        pieces.append(
            _(
                "largest row ≤ total row ≤ sum of the rows above it (columns %(columns)s: "
                "distinct people or households, counted once in the total however many rows "
                "they appear in)"
            )
            % {"columns": _numbers(bounded)}
        )
    notes = []
    if rates:
        notes.append(
            ngettext(
                "Column %(columns)s is a rate and is not summed.",
                "Columns %(columns)s are rates and are not summed.",
                len(rates),
            )
            % {"columns": _numbers(rates)}
        )
    if any(cell.bound for row in parts for cell in row.cells.values()):
        notes.append(
            _(
                "A figure marked ≤ adds up the distinct counts of several organisations: a "
                "person counted by two of them is counted twice, so it is an upper bound."
            )
        )
    failures: list[Failure] = []
    checked = 0
    for total in totals:
        for column in columns:
            value = total.cells[column.key].value
            if column.mode == Mode.NONE or value is None:
                continue
            cells = [
                row.cells[column.key] for row in parts if row.cells[column.key].value is not None
            ]
            values = [cell.value for cell in cells if cell.value is not None]
            exact = [cell.value for cell in cells if cell.value is not None and not cell.bound]
            largest = max(exact, default=Decimal(0))
            checked += 1
            found = compare(value, values, column.mode, largest=largest)
            if found is not None:
                failures.append(
                    _failure(
                        total,
                        column,
                        value,
                        values,
                        found,
                        of=_("the rows above"),
                        largest=largest,
                        decimals=column.decimals,
                    )
                )
    return RuleResult(_("; ").join(pieces), checked, tuple(failures), tuple(notes))


def _check_column_sum(grid: Grid, rule: ColumnSum) -> RuleResult:
    total = grid.column(rule.total)
    parts = [grid.column(key) for key in rule.parts]
    by_period = total.by_period and all(column.by_period for column in parts)
    text = _("column %(total)s = %(parts)s") % {
        "total": total.number,
        "parts": " + ".join(_("column %(n)s") % {"n": column.number} for column in parts),
    }
    notes = []
    if by_period:
        notes.append(
            _(
                "Over parts of the period, lines of distinct people or households are bounded "
                "(largest part ≤ column %(total)s ≤ sum of the parts), lines of what is held on "
                "a day (a category, a unit open) equal their last part, rates are not checked."
            )
            % {"total": total.number}
        )
    of = _("columns %(columns)s") % {"columns": _numbers(column.number for column in parts)}
    failures: list[Failure] = []
    checked = 0
    for row in grid.rows:
        mode = row.mode if by_period else Mode.EQUAL
        value = row.cells[total.key].value
        values = [row.cells[column.key].value for column in parts]
        if mode == Mode.NONE or value is None or any(v is None for v in values):
            continue
        present = [v for v in values if v is not None]
        checked += 1
        found = compare(value, present, mode)
        if found is not None:
            decimals = row.decimals if by_period else total.decimals
            failures.append(_failure(row, total, value, present, found, of=of, decimals=decimals))
    return RuleResult(text, checked, tuple(failures), tuple(notes))


def _check_at_most(grid: Grid, rule: ColumnAtMost) -> RuleResult:
    smaller, larger = grid.column(rule.smaller), grid.column(rule.larger)
    text = _("column %(a)s ≤ column %(b)s") % {"a": smaller.number, "b": larger.number}
    failures: list[Failure] = []
    checked = 0
    for row in grid.rows:
        a, b = row.cells[smaller.key], row.cells[larger.key]
        if a.value is None or b.value is None or a.bound or b.bound:
            continue
        checked += 1
        if a.value > b.value:
            message = _("%(row)s: column %(a)s (%(x)s) is more than column %(b)s (%(y)s).") % {
                "row": row.label,
                "a": smaller.number,
                "b": larger.number,
                "x": number(a.value, smaller.decimals),
                "y": number(b.value, larger.decimals),
            }
            failures.append(Failure(row.key, smaller.key, message, a.value - b.value))
    return RuleResult(text, checked, tuple(failures))


def _check_item_at_most(grid: Grid, rule: ItemAtMost) -> RuleResult:
    smaller, larger = grid.row(rule.smaller), grid.row(rule.larger)
    text = _("“%(a)s” ≤ “%(b)s”, in every column") % {"a": smaller.label, "b": larger.label}
    failures: list[Failure] = []
    checked = 0
    for column in grid.columns:
        if not column.by_period:
            continue
        a, b = smaller.cells[column.key].value, larger.cells[column.key].value
        if a is None or b is None:
            continue
        checked += 1
        if a > b:
            message = _("Column %(column)s: “%(a)s” (%(x)s) is more than “%(b)s” (%(y)s).") % {
                "column": column.number,
                "a": smaller.label,
                "b": larger.label,
                "x": number(a, smaller.decimals),
                "y": number(b, larger.decimals),
            }
            failures.append(Failure(smaller.key, column.key, message, a - b))
    return RuleResult(text, checked, tuple(failures))


def check(grid: Grid, rule: Rule) -> RuleResult:
    if isinstance(rule, TotalIsSum):
        return _check_total(grid, rule)
    if isinstance(rule, ColumnSum):
        return _check_column_sum(grid, rule)
    if isinstance(rule, ColumnAtMost):
        return _check_at_most(grid, rule)
    return _check_item_at_most(grid, rule)


def check_all(grid: Grid) -> Grid:
    grid.results = [check(grid, rule) for rule in grid.table.rules]
    return grid


# --- filling a table from the engine --------------------------------------------------------------


def authority_of(table: TableDef, unit: OrgUnit) -> str:
    """制定机关: as declared, or the federation of the county the unit lies in."""
    if table.authority is not None:
        return str(table.authority)
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    chain = OrgUnit.objects.in_bulk(ids)
    county = next(
        (chain[pk] for pk in ids if pk in chain and AREA_LEVEL.get(chain[pk].kind) == Level.COUNTY),
        unit,
    )
    return _("%(county)s Women's Federation") % {"county": county.name}


def _open_children(unit: OrgUnit, period: periods.Period) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(parent=unit, opened_on__lt=period.end)
        .exclude(closed_on__lte=period.start)
        .order_by("code")
    )


def _cell(figure: Any, drill: Drill | None) -> Cell:
    if figure.value is None:
        return EMPTY
    return Cell(figure.value, figure.text, drill)


def _metric_columns(table: TableDef) -> list[Column]:
    columns = []
    declared_columns = [d for d in table.columns if isinstance(d, MetricColumn)]
    for n, declared in enumerate(declared_columns, start=1):
        metric = registry.get(declared.metric)
        columns.append(
            Column(
                key=declared.id,
                label=str(declared.label or metric.label),
                number=n,
                group=str(declared.group or ""),
                measure=str(metric.measure),
                decimals=metric.decimals,
                mode=across_units(metric),
                definition=engine.describe(declared.metric),
            )
        )
    return columns


def _own_cell(column: Column, metric: str, orgs: list[OrgUnit], figures: Any, period: str) -> Cell:
    if column.mode == Mode.NONE:
        return EMPTY  # a rate of several organisations is not theirs added up
    holders = [org for org in orgs if figures[org.pk][metric].value]
    if len(holders) == 1:
        return _cell(figures[holders[0].pk][metric], Drill(metric, holders[0].pk, period))
    if not holders:
        return Cell(Decimal(0), number(Decimal(0), column.decimals))
    total = sum((figures[org.pk][metric].value for org in holders), Decimal(0))
    if column.mode == Mode.BOUNDED:
        return Cell(total, "≤ " + number(total, column.decimals), bound=True)
    return Cell(total, number(total, column.decimals))


def _fill_units(
    table: TableDef, unit: OrgUnit, period: periods.Period
) -> tuple[list[Column], list[Row]]:
    columns = _metric_columns(table)
    metric_of = {d.id: d.metric for d in table.columns if isinstance(d, MetricColumn)}
    keys = list(dict.fromkeys(metric_of.values()))
    children = _open_children(unit, period)
    areas = [child for child in children if child.kind in AREA_KINDS]
    orgs = [child for child in children if child.kind not in AREA_KINDS]
    figures = engine.by_unit(keys, [*areas, *orgs, unit], period)

    def cells(of: OrgUnit) -> dict[str, Cell]:
        return {
            key: _cell(figures[of.pk][metric], Drill(metric, of.pk, period.key))
            for key, metric in metric_of.items()
        }

    rows = [Row(str(area.pk), area.name, RowKind.PART, cells(area), unit=area.pk) for area in areas]
    # 本级: the organisations directly under the unit (its federation, member units, teams …),
    # one row, shown when any of them holds anything.
    holding = [org for org in orgs if any(f.value for f in figures[org.pk].values())]
    if len(holding) == 1:
        rows.append(Row(str(holding[0].pk), holding[0].name, RowKind.OWN, cells(holding[0])))
    elif holding:
        by_key = {column.key: column for column in columns}
        rows.append(
            Row(
                "own",
                _("%(unit)s itself (organisations directly under it)") % {"unit": unit.name},
                RowKind.OWN,
                {
                    key: _own_cell(by_key[key], metric, holding, figures, period.key)
                    for key, metric in metric_of.items()
                },
            )
        )
    rows.append(
        Row("total", pgettext("table row", "Total"), RowKind.TOTAL, cells(unit), unit=unit.pk)
    )
    return columns, rows


def _reaching_programmes(
    user: Any, unit: OrgUnit, period: periods.Period, areas: tuple[str, ...]
) -> list[Programme]:
    """Programmes the user sees that reach the unit (run by it, above it or below it) and run
    in the period."""
    parts = unit.path.strip("/").split("/")
    above = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    programmes = (
        programme_selectors.programme_list(user)
        .filter(Q(owner__path__in=above) | Q(owner__path__startswith=unit.path))
        .filter(start__lt=period.end)
        .exclude(end__lt=period.start)
    )
    if areas:
        programmes = programmes.filter(work_area__in=areas)
    return list(programmes.order_by("owner__path", "start", "name"))


def _fill_programmes(
    user: Any, table: TableDef, rows_of: ProgrammeRows, unit: OrgUnit, period: periods.Period
) -> tuple[list[Column], list[Row]]:
    columns = _metric_columns(table)
    metric_of = {d.id: d.metric for d in table.columns if isinstance(d, MetricColumn)}
    keys = list(dict.fromkeys(metric_of.values()))
    rows = []
    for programme in _reaching_programmes(user, unit, period, rows_of.work_areas):
        figures = engine.figures(keys, unit, period, about={"programme": programme.pk})
        if not any(figure.value for figure in figures.values()):
            continue
        about = ("programme", programme.pk)
        rows.append(
            Row(
                f"programme-{programme.pk}",
                programme.name,
                RowKind.PART,
                {
                    key: _cell(figures[metric], Drill(metric, unit.pk, period.key, about))
                    for key, metric in metric_of.items()
                },
            )
        )
    totals = engine.figures(keys, unit, period)
    rows.append(
        Row(
            "total",
            pgettext("table row", "Total"),
            RowKind.TOTAL,
            {
                key: _cell(totals[metric], Drill(metric, unit.pk, period.key))
                for key, metric in metric_of.items()
            },
        )
    )
    return columns, rows


def change(current: Decimal | None, base: Decimal | None) -> Cell:
    """The change from `base` to `current` in per cent, one decimal; a dash from nothing."""
    if current is None or base is None or base == 0:
        return EMPTY
    value = ((current - base) * 100 / base).quantize(Decimal("0.1"))
    return Cell(value, f"{value:+,.1f}")


def _fill_items(
    table: TableDef, items: ItemRows, unit: OrgUnit, period: periods.Period
) -> tuple[list[Column], list[Row]]:
    keys = [item.metric for item in items.items]
    columns: list[Column] = []
    figures: dict[str, tuple[periods.Period, dict[str, Any]] | None] = {}
    for n, declared in enumerate(table.columns, start=1):
        group = str(declared.group or "")
        if isinstance(declared, PeriodColumn):
            derived = declared.period(period)
            figures[declared.id] = (
                (derived, engine.figures(keys, unit, derived)) if derived else None
            )
            columns.append(
                Column(
                    declared.id,
                    str(declared.label),
                    n,
                    group=group,
                    by_period=True,
                    span=derived.label if derived else "",
                )
            )
        else:
            columns.append(
                Column(
                    declared.id,
                    str(declared.label),
                    n,
                    group=group,
                    measure="%",
                    decimals=1,
                    mode=Mode.NONE,
                )
            )
    rows = []
    for item in items.items:
        metric = registry.get(item.metric)
        cells: dict[str, Cell] = {}
        for declared in table.columns:
            if isinstance(declared, PeriodColumn):
                found = figures[declared.id]
                cells[declared.id] = (
                    _cell(found[1][item.metric], Drill(item.metric, unit.pk, found[0].key))
                    if found is not None
                    else EMPTY
                )
        for declared in table.columns:
            if isinstance(declared, ChangeColumn):
                cells[declared.id] = change(
                    cells[declared.current].value, cells[declared.base].value
                )
        rows.append(
            Row(
                item.id,
                str(item.label or metric.label),
                RowKind.ITEM,
                cells,
                measure=str(metric.measure),
                decimals=metric.decimals,
                mode=across_periods(metric),
                indent=item.indent,
                definition=engine.describe(item.metric),
            )
        )
    return columns, rows


def table_evaluate(user: Any, table: TableDef, unit: OrgUnit, period: periods.Period) -> Grid:
    """The table for `unit` and `period`, its rules checked. A unit out of the user's sight is
    not found (404), as everywhere; the figures are aggregates of the unit's subtree."""
    access.require(user, Perm.VIEW, unit)
    if isinstance(table.rows, ItemRows):
        columns, rows = _fill_items(table, table.rows, unit, period)
        header = pgettext("table header", "Item")
    elif isinstance(table.rows, ProgrammeRows):
        columns, rows = _fill_programmes(user, table, table.rows, unit, period)
        header = pgettext("table header", "Programme")
    else:
        columns, rows = _fill_units(table, unit, period)
        header = pgettext("table header", "Unit")
    grid = Grid(
        table=table,
        unit_name=unit.name,
        unit_id=unit.pk,
        period_key=period.key,
        period_label=period.label,
        authority=authority_of(table, unit),
        label_header=header,
        columns=columns,
        rows=rows,
    )
    return check_all(grid)


# --- the tables Jinguo ships ----------------------------------------------------------------------

VILLAGE_LEVEL = gettext_lazy("Gacha, villages and communities")
HOMES = gettext_lazy("Women's Homes")

declare(
    TableDef(
        key="organisation",
        code="妇联统1表",
        title=gettext_lazy("Grassroots organisation building"),
        rows=UnitRows(),
        columns=(
            MetricColumn("units.areas_village_level", gettext_lazy("Total"), VILLAGE_LEVEL),
            MetricColumn("units.villages", gettext_lazy("Gacha and villages"), VILLAGE_LEVEL),
            MetricColumn("units.communities", gettext_lazy("Communities"), VILLAGE_LEVEL),
            MetricColumn("units.womens_homes", gettext_lazy("Women's Homes"), HOMES),
            MetricColumn(
                "units.with_home", gettext_lazy("Villages and communities with one"), HOMES
            ),
            MetricColumn("units.home_coverage", gettext_lazy("Coverage"), HOMES),
            MetricColumn("units.two_new", gettext_lazy("Two-new organisations")),
            MetricColumn("units.volunteer_teams", gettext_lazy("Volunteer teams")),
            MetricColumn(
                "units.service_stations", gettext_lazy("Domestic-service centre and stations")
            ),
        ),
        rules=(
            TotalIsSum(),
            ColumnSum("units.areas_village_level", ("units.villages", "units.communities")),
            ColumnAtMost("units.with_home", "units.areas_village_level"),
            ColumnAtMost("units.with_home", "units.womens_homes"),
        ),
        note=gettext_lazy(
            "Units open on the last day of the period. Column 6 = column 5 ÷ column 1 × 100."
        ),
    )
)

declare(
    TableDef(
        key="volunteers",
        code="妇联统2表",
        title=gettext_lazy("Women's volunteer service and pairings"),
        rows=UnitRows(),
        columns=(
            MetricColumn(
                "units.volunteer_teams", gettext_lazy("Teams"), gettext_lazy("Volunteers")
            ),
            MetricColumn(
                "volunteers.people", gettext_lazy("Volunteers"), gettext_lazy("Volunteers")
            ),
            MetricColumn(
                "caring_mothers.count",
                gettext_lazy("Caring mothers"),
                gettext_lazy("Caring mothers"),
            ),
            MetricColumn(
                "caring_mothers.children",
                gettext_lazy("Children paired"),
                gettext_lazy("Caring mothers"),
            ),
            MetricColumn("empty_nest.mothers", gettext_lazy("Empty-nest mothers paired")),
            MetricColumn("post_village.pairs", gettext_lazy("Civilised post–village pairs")),
            MetricColumn("pairings.contacts", gettext_lazy("Calls, visits and help")),
        ),
        rules=(TotalIsSum(),),
        note=gettext_lazy(
            "Teams, volunteers and pairings held on the last day of the period; calls, visits "
            "and help recorded within it."
        ),
    )
)

TRAINING_AND_ACTIVITIES = (
    Item("trainings.count"),
    Item("trainings.attendance"),
    Item("trainings.trainees"),
    Item("trainings.counted"),
    Item("activities.count"),
    Item("activities.attendance"),
    Item("activities.participants"),
    Item("activities.counted"),
    Item("activities.in_kind"),
    Item("materials.leaflets"),
    Item("materials.letters"),
)
QUARTERS = gettext_lazy("By quarter")

declare(
    TableDef(
        key="activities",
        code="妇联统3表",
        title=gettext_lazy("Trainings and activities"),
        rows=ItemRows(TRAINING_AND_ACTIVITIES),
        columns=(
            PeriodColumn("whole", gettext_lazy("This period"), whole),
            PeriodColumn("q1", gettext_lazy("First quarter"), part(1, 4), QUARTERS),
            PeriodColumn("q2", gettext_lazy("Second quarter"), part(2, 4), QUARTERS),
            PeriodColumn("q3", gettext_lazy("Third quarter"), part(3, 4), QUARTERS),
            PeriodColumn("q4", gettext_lazy("Fourth quarter"), part(4, 4), QUARTERS),
            PeriodColumn("before", gettext_lazy("Same period last year"), year_before),
            ChangeColumn("change", gettext_lazy("Change on last year (%)"), "whole", "before"),
        ),
        rules=(
            ColumnSum("whole", ("q1", "q2", "q3", "q4")),
            ItemAtMost("trainings.count", "activities.count"),
            ItemAtMost("trainings.trainees", "trainings.attendance"),
            ItemAtMost("trainings.attendance", "activities.attendance"),
            ItemAtMost("activities.participants", "activities.attendance"),
        ),
        note=gettext_lazy(
            "Quarters are filled for a year (calendar or April–March) or any run of whole "
            "months that splits into four. Trainings are activities too: they are counted "
            "again among the activities."
        ),
    )
)

declare(
    TableDef(
        key="aid",
        code="妇联统4表",
        title=gettext_lazy("Aid and assistance by programme"),
        rows=ProgrammeRows(),
        columns=(
            MetricColumn(
                "enrolments.people", gettext_lazy("Number of people"), gettext_lazy("Enrolled")
            ),
            MetricColumn(
                "enrolments.households",
                gettext_lazy("Number of households"),
                gettext_lazy("Enrolled"),
            ),
            MetricColumn(
                "benefits.people", gettext_lazy("Number of people"), gettext_lazy("Served")
            ),
            MetricColumn(
                "benefits.households", gettext_lazy("Number of households"), gettext_lazy("Served")
            ),
            MetricColumn("benefits.count", gettext_lazy("Deliveries"), gettext_lazy("Served")),
            MetricColumn("benefits.amount", gettext_lazy("Total"), gettext_lazy("Cash and goods")),
            MetricColumn("benefits.cash", gettext_lazy("Cash"), gettext_lazy("Cash and goods")),
            MetricColumn(
                "benefits.goods_value", gettext_lazy("Goods"), gettext_lazy("Cash and goods")
            ),
        ),
        rules=(
            TotalIsSum(),
            ColumnSum("benefits.amount", ("benefits.cash", "benefits.goods_value")),
            ColumnAtMost("benefits.people", "benefits.count"),
        ),
        note=gettext_lazy(
            "One line per programme with enrolments or deliveries in the unit in the period. "
            "Enrolments are counted by the day of application; goods at their estimated value."
        ),
    )
)
