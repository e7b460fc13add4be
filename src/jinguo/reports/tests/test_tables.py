"""Statistical tables: the cross-cell rules on plain numbers, the declarations, the .xlsx in the
government layout, and tables filled by the engine for a unit the user sees (and 404 for one
she does not).
"""

# The fixtures shared with the people and programmes tests are imported, then named as arguments.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.activities.choices import ActivityKind
from jinguo.activities.models import Activity, Attendance
from jinguo.metrics import periods
from jinguo.metrics.registry import METRICS
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people.tests.conftest import make_person, village  # noqa: F401 - fixtures
from jinguo.programmes import services as programme_services
from jinguo.programmes.tests.conftest import MakeProgramme, make_programme  # noqa: F401
from jinguo.reports import tables
from jinguo.reports.tables import (
    Cell,
    ChangeColumn,
    Column,
    ColumnAtMost,
    ColumnSum,
    Grid,
    Item,
    ItemAtMost,
    ItemRows,
    MetricColumn,
    Mode,
    PeriodColumn,
    Row,
    RowKind,
    TableDef,
    TotalIsSum,
    UnitRows,
    compare,
)
from jinguo.reports.xlsx import Signatures, table_xlsx
from jinguo.testing import OPENED, Tree, make_user

D = Decimal
Y2014 = periods.year(2014)


# --- grids of plain numbers -----------------------------------------------------------------------


def unit_grid(
    columns: list[tuple[str, Mode]],
    parts: dict[str, list[Any]],
    total: list[Any],
    rules: tuple[Any, ...],
    *,
    bound: frozenset[tuple[str, str]] = frozenset(),
) -> Grid:
    """A unit table: named columns with their mode, rows of numbers (None = no figure)."""
    declared = tuple(MetricColumn(key, key=key) for key, _mode in columns)
    table = TableDef("test", "测试1表", "测试", UnitRows(), declared, rules)  # type: ignore[arg-type]
    cols = [Column(key, key.upper(), n, mode=mode) for n, (key, mode) in enumerate(columns, 1)]

    def cells(row: str, values: list[Any]) -> dict[str, Cell]:
        return {
            key: Cell(
                None if v is None else D(v),
                tables.number(None if v is None else D(v)),
                bound=(row, key) in bound,
            )
            for (key, _mode), v in zip(columns, values, strict=True)
        }

    rows = [Row(key, key, RowKind.PART, cells(key, values)) for key, values in parts.items()]
    rows.append(Row("total", "合计", RowKind.TOTAL, cells("total", total)))
    return tables.check_all(
        Grid(table, "奈曼旗", 1, "2014", "2014年", "奈曼旗妇联", "单位", cols, rows)
    )


def item_grid(items: dict[str, tuple[Mode, list[Any]]], rules: tuple[Any, ...]) -> Grid:
    """An item table over the columns whole, q1 … q4."""
    keys = ["whole", "q1", "q2", "q3", "q4"]
    declared = tuple(PeriodColumn(key, key, tables.whole) for key in keys)  # type: ignore[arg-type]
    table = TableDef(
        "test-items",
        "测试2表",
        "测试",  # type: ignore[arg-type]
        ItemRows(tuple(Item(key) for key in items)),
        declared,
        rules,
    )
    cols = [Column(key, key, n, by_period=True) for n, key in enumerate(keys, 1)]
    rows = [
        Row(
            key,
            key,
            RowKind.ITEM,
            {k: Cell(D(v), str(v)) for k, v in zip(keys, values, strict=True)},
            mode=mode,
        )
        for key, (mode, values) in items.items()
    ]
    return tables.check_all(
        Grid(table, "奈曼旗", 1, "2014", "2014年", "奈曼旗妇联", "指标名称", cols, rows)
    )


def test_compare_equal_bounded_and_last() -> None:
    assert compare(D(10), [D(4), D(6)], Mode.EQUAL) is None
    assert compare(D(11), [D(4), D(6)], Mode.EQUAL) == ("sum", D(1))
    assert compare(D(8), [D(4), D(6)], Mode.BOUNDED) is None
    assert compare(D(11), [D(4), D(6)], Mode.BOUNDED) == ("above_sum", D(1))
    assert compare(D(5), [D(4), D(6)], Mode.BOUNDED) == ("below_part", D(-1))
    assert compare(D(6), [D(9), D(6)], Mode.LAST) is None
    assert compare(D(9), [D(9), D(6)], Mode.LAST) == ("last", D(3))
    assert compare(D(99), [D(1)], Mode.NONE) is None


def test_a_total_equal_to_the_sum_of_its_rows_holds() -> None:
    grid = unit_grid(
        [("trainings", Mode.EQUAL), ("cash", Mode.EQUAL)],
        {"镇1": [3, "1000.50"], "镇2": [4, "2000"]},
        [7, "3000.50"],
        (TotalIsSum(),),
    )

    (result,) = grid.results
    assert result.ok
    assert result.checked == 2
    assert grid.failing == set()


def test_a_total_other_than_the_sum_names_the_cell_and_the_difference() -> None:
    grid = unit_grid(
        [("trainings", Mode.EQUAL), ("cash", Mode.EQUAL)],
        {"镇1": [3, 1000], "镇2": [4, 2000]},
        [9, 3000],
        (TotalIsSum(),),
    )

    (result,) = grid.results
    assert not result.ok
    (failure,) = result.failures
    assert (failure.row, failure.column, failure.difference) == ("total", "trainings", D(2))
    assert grid.failing == {("total", "trainings")}
    with translation.override("en"):
        grid = tables.check_all(grid)
    message = grid.results[0].failures[0].message
    assert "column 1" in message
    assert "9" in message
    assert "7" in message
    assert "+2" in message


def test_distinct_people_are_not_summed_but_bounded() -> None:
    columns = [("trainees", Mode.BOUNDED)]
    parts = {"镇1": [30], "镇2": [50]}

    # A woman trained in both townships is one woman in the county.
    assert unit_grid(columns, parts, [70], (TotalIsSum(),)).ok
    assert unit_grid(columns, parts, [80], (TotalIsSum(),)).ok
    more = unit_grid(columns, parts, [81], (TotalIsSum(),))
    less = unit_grid(columns, parts, [49], (TotalIsSum(),))

    assert more.results[0].failures[0].difference == D(1)
    assert less.results[0].failures[0].difference == D(-1)
    with translation.override("en"):
        text = tables.check_all(more).results[0].text
    assert "largest row ≤ total row ≤ sum" in text


def test_a_bound_counts_in_the_sum_but_not_as_the_largest_row() -> None:
    # 本级 with several organisations: their distinct counts added up are only an upper bound.
    grid = unit_grid(
        [("volunteers", Mode.BOUNDED)],
        {"镇1": [10], "own": [40]},
        [35],
        (TotalIsSum(),),
        bound=frozenset({("own", "volunteers")}),
    )

    assert grid.ok
    assert len(grid.results[0].notes) == 1


def test_rates_are_not_summed_and_the_rule_says_so() -> None:
    grid = unit_grid(
        [("homes", Mode.EQUAL), ("coverage", Mode.NONE)],
        {"镇1": [2, "50.0"], "镇2": [2, "100.0"]},
        [4, "75.0"],
        (TotalIsSum(),),
    )

    (result,) = grid.results
    assert result.ok
    assert result.checked == 1
    assert result.notes


def test_no_figure_is_skipped_not_counted_as_zero() -> None:
    grid = unit_grid(
        [("coverage", Mode.EQUAL)], {"镇1": [None], "镇2": [5]}, [None], (TotalIsSum(),)
    )

    assert grid.ok
    assert grid.results[0].checked == 0


def test_column_equals_the_sum_of_columns_in_every_row() -> None:
    columns = [("all", Mode.EQUAL), ("villages", Mode.EQUAL), ("communities", Mode.EQUAL)]
    rule = ColumnSum("all", ("villages", "communities"))

    good = unit_grid(columns, {"镇1": [12, 10, 2]}, [12, 10, 2], (rule,))
    bad = unit_grid(columns, {"镇1": [13, 10, 2]}, [13, 10, 2], (rule,))

    assert good.ok
    assert good.results[0].checked == 2
    assert bad.failing == {("镇1", "all"), ("total", "all")}


def test_column_at_most_another() -> None:
    columns = [("with_home", Mode.EQUAL), ("villages", Mode.EQUAL)]
    rule = ColumnAtMost("with_home", "villages")

    grid = unit_grid(columns, {"镇1": [10, 10], "镇2": [12, 11]}, [22, 21], (rule,))

    assert grid.failing == {("镇2", "with_home"), ("total", "with_home")}
    assert grid.results[0].failures[0].difference == D(1)


def test_period_columns_follow_each_line() -> None:
    rule = ColumnSum("whole", ("q1", "q2", "q3", "q4"))
    good = item_grid(
        {
            "trainings": (Mode.EQUAL, [10, 1, 2, 3, 4]),
            "trainees": (Mode.BOUNDED, [6, 1, 2, 3, 4]),  # someone trained twice
            "children": (Mode.LAST, [1355, 1300, 1320, 1340, 1355]),  # held on the last day
            "coverage": (Mode.NONE, [80, 70, 90, 10, 0]),
        },
        (rule,),
    )
    bad = item_grid(
        {
            "trainings": (Mode.EQUAL, [11, 1, 2, 3, 4]),
            "trainees": (Mode.BOUNDED, [11, 1, 2, 3, 4]),
            "children": (Mode.LAST, [1340, 1300, 1320, 1340, 1355]),
        },
        (rule,),
    )

    assert good.ok
    assert good.results[0].checked == 3
    assert bad.failing == {("trainings", "whole"), ("trainees", "whole"), ("children", "whole")}


def test_an_item_at_most_another_in_every_column() -> None:
    grid = item_grid(
        {
            "trainees": (Mode.BOUNDED, [6, 1, 2, 5, 4]),
            "attendance": (Mode.EQUAL, [10, 1, 2, 3, 4]),
        },
        (ItemAtMost("trainees", "attendance"),),
    )

    assert grid.failing == {("trainees", "q3")}


# --- declarations ---------------------------------------------------------------------------------


def test_every_table_names_declared_metrics_and_checks_something() -> None:
    assert {"organisation", "volunteers", "activities", "aid"} <= set(tables.TABLES)
    for table in tables.all_tables():
        assert set(table.metric_keys) <= set(METRICS), table.key
        assert table.rules, table.key
        assert table.code.startswith("妇联统"), table.key


def test_declarations_that_cannot_be_checked_are_refused() -> None:
    column = MetricColumn("units.villages")
    with pytest.raises(ValueError, match="unknown columns"):
        tables.declare(TableDef("x1", "x", "x", UnitRows(), (column,), (ColumnSum("a", ("b",)),)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no total row"):
        tables.declare(
            TableDef(
                "x2",
                "x",
                "x",  # type: ignore[arg-type]
                ItemRows((Item("units.villages"),)),
                (PeriodColumn("whole", "x", tables.whole),),  # type: ignore[arg-type]
                (TotalIsSum(),),
            )
        )
    with pytest.raises(ValueError, match="period columns"):
        tables.declare(TableDef("x3", "x", "x", ItemRows(()), (column,)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="declared twice"):
        tables.declare(tables.TABLES["aid"])
    change = ChangeColumn("c", "x", "whole", "whole")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="computed column"):
        tables.declare(
            TableDef(
                "x4",
                "x",
                "x",  # type: ignore[arg-type]
                ItemRows(()),
                (PeriodColumn("whole", "x", tables.whole), change),  # type: ignore[arg-type]
                (ColumnAtMost("c", "whole"),),
            )
        )
    assert not {"x1", "x2", "x3", "x4"} & set(tables.TABLES)


def test_parts_of_a_period() -> None:
    quarters = [tables.part(i, 4)(Y2014) for i in range(1, 5)]
    halves = [tables.part(i, 2)(periods.april_year(2014)) for i in (1, 2)]

    assert [q.key for q in quarters if q] == ["2014Q1", "2014Q2", "2014Q3", "2014Q4"]
    assert [h.key for h in halves if h] == ["2014-04-01~2014-09-30", "2014-10-01~2015-03-31"]
    assert tables.part(1, 4)(periods.month(2014, 3)) is None
    assert tables.part(2, 4)(periods.parse("2014-03-08~2014-05-31")) is None
    assert tables.year_before(Y2014) == periods.year(2013)


def test_change_in_per_cent() -> None:
    assert tables.change(D(120), D(100)) == Cell(D("20.0"), "+20.0")
    assert tables.change(D(1), D(0)).value is None


# --- the .xlsx ------------------------------------------------------------------------------------


def read(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def texts(rows: list[list[Any]]) -> list[str]:
    return [str(value) for row in rows for value in row if value not in ("", None)]


def test_the_xlsx_holds_the_government_layout_figures_and_signatures() -> None:
    with translation.override("en"):  # the rules describe themselves in the active language
        grid = unit_grid(
            [("trainings", Mode.EQUAL), ("trainees", Mode.BOUNDED)],
            {"八仙筒镇": [1355, 20], "青龙山镇": [84, 30]},
            [1440, 45],
            (TotalIsSum(),),
        )
        sheets = read(
            table_xlsx(
                grid,
                Signatures(head="张主席", checker="李审核", on=dt.date(2015, 1, 20)),
            )
        )

    sheet, checks = sheets["测试1表"], sheets["Checks"]
    words = texts(sheet)
    assert sheet[0][0] == "测试"
    assert "Table number: 测试1表" in words
    assert "Set by: 奈曼旗妇联" in words
    assert "Reporting unit: 奈曼旗" in words
    assert "Period: 2014年" in words
    header = sheet[4]
    assert header[:3] == ["单位", "TRAININGS", "TRAINEES"]
    assert sheet[5][:3] == ["甲", 1.0, 2.0]
    assert sheet[6][:3] == ["八仙筒镇", 1355.0, 20.0]
    assert sheet[8][:3] == ["合计", 1440.0, 45.0]
    (signature,) = [w for w in words if w.startswith("Head of unit")]
    assert "Head of unit: 张主席" in signature
    assert "Checked by: 李审核" in signature
    assert "Filled in by: __________" in signature
    assert "Date of report: 2015-01-20" in signature
    assert any("1 cell(s) do not agree" in w for w in words)
    check_words = texts(checks)
    assert any(
        w.startswith("total row = sum of the rows above it (columns 1)") for w in check_words
    )
    assert any("differ" in w for w in check_words)
    assert any("1,440, but the rows above add up to 1,439" in w for w in check_words)


def test_the_xlsx_of_an_item_table_has_a_measure_column_and_grouped_headers() -> None:
    grid = item_grid({"trainings": (Mode.EQUAL, [10, 1, 2, 3, 4])}, ())
    grid.columns = [
        Column(c.key, c.label, c.number, group="季度" if c.key != "whole" else "", by_period=True)
        for c in grid.columns
    ]
    grid.rows[0] = Row("trainings", "培训", RowKind.ITEM, grid.rows[0].cells, measure="次")

    with translation.override("en"):
        sheet = next(iter(read(table_xlsx(grid)).values()))

    assert sheet[4][:4] == ["指标名称", "Measure", "whole", "季度"]
    assert sheet[5][3:7] == ["q1", "q2", "q3", "q4"]
    assert sheet[6][:3] == ["甲", "乙", 1.0]
    assert sheet[7][:3] == ["培训", "次", 10.0]
    today = timezone.localdate()
    assert any(str(today.year) in w for w in texts(sheet) if "__________" in w)


# --- filled by the engine -------------------------------------------------------------------------


@pytest.fixture
def homes(tree: Tree) -> list[OrgUnit]:
    """A Women's Home in each village of the first township, and a community in the second."""
    made = [
        orgunit_create(
            actor=None, parent=village, name="妇女之家", kind=Kind.WOMENS_HOME, opened_on=OPENED
        )
        for village in tree.villages[tree.townships[0].code]
    ]
    orgunit_create(
        actor=None,
        parent=tree.townships[1],
        name="社区",
        kind=Kind.COMMUNITY,
        code=f"{tree.townships[1].code}001",
        opened_on=OPENED,
    )
    return made


def test_the_organisation_table_of_a_county(tree: Tree, county_admin: User, homes: Any) -> None:
    grid = tables.table_evaluate(county_admin, tables.get("organisation"), tree.county, Y2014)

    first, second, total = grid.rows
    assert (first.label, second.label) == ("镇1", "镇2")
    assert first.cells["units.villages"].value == 2
    assert first.cells["units.womens_homes"].value == 2
    assert first.cells["units.home_coverage"].value == D("100.0")
    assert second.cells["units.communities"].value == 1
    assert second.cells["units.areas_village_level"].value == 3
    assert second.cells["units.home_coverage"].value == D("0.0")
    assert total.kind == RowKind.TOTAL
    assert total.cells["units.areas_village_level"].value == 5
    assert total.cells["units.with_home"].value == 2
    assert grid.ok, [f.message for r in grid.results for f in r.failures]
    drill = first.cells["units.villages"].drill
    assert drill == tables.Drill("units.villages", tree.townships[0].pk, "2014")
    assert first.unit == tree.townships[0].pk


def test_records_of_the_unit_itself_show_as_a_difference(tree: Tree, county_admin: User) -> None:
    def activity(owner: OrgUnit, day: dt.date) -> None:
        Activity.objects.create(
            kind=ActivityKind.MEETING,
            title="会议",
            start=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9)),  # noqa: DTZ001
            owner=owner,
        )

    federation = orgunit_create(
        actor=None, parent=tree.county, name="旗妇联", kind=Kind.FEDERATION, opened_on=OPENED
    )
    activity(tree.village(0, 0), dt.date(2014, 3, 8))
    activity(tree.village(1, 0), dt.date(2014, 5, 1))
    activity(federation, dt.date(2014, 6, 1))
    table = TableDef(
        "meetings",
        "测试3表",
        "会议",  # type: ignore[arg-type]
        UnitRows(),
        (MetricColumn("activities.count"),),
        (TotalIsSum(),),
    )

    grid = tables.table_evaluate(county_admin, table, tree.county, Y2014)

    assert [(row.key, row.kind, row.cells["activities.count"].value) for row in grid.rows] == [
        (str(tree.townships[0].pk), RowKind.PART, D(1)),
        (str(tree.townships[1].pk), RowKind.PART, D(1)),
        (str(federation.pk), RowKind.OWN, D(1)),
        ("total", RowKind.TOTAL, D(3)),
    ]
    assert grid.ok

    # A meeting recorded on the banner itself, not on its federation: in no row but in the total.
    activity(tree.county, dt.date(2014, 7, 1))
    grid = tables.table_evaluate(county_admin, table, tree.county, Y2014)

    assert grid.failing == {("total", "activities.count")}
    assert grid.results[0].failures[0].difference == 1


def test_several_organisations_under_the_unit_make_one_row(
    tree: Tree, county_admin: User, make_person: Any
) -> None:
    woman = make_person("王芳")
    day = dt.date(2014, 3, 8)
    for owner in (
        tree.village(0, 0),
        orgunit_create(
            actor=None, parent=tree.county, name="旗妇联", kind=Kind.FEDERATION, opened_on=OPENED
        ),
        orgunit_create(
            actor=None,
            parent=tree.county,
            name="志愿队",
            kind=Kind.VOLUNTEER_TEAM,
            opened_on=OPENED,
        ),
    ):
        activity = Activity.objects.create(
            kind=ActivityKind.MEETING,
            title="三八座谈会",
            start=timezone.make_aware(dt.datetime(2014, 3, 8, 9)),  # noqa: DTZ001
            owner=owner,
        )
        Attendance.objects.create(activity=activity, person=woman, day=day, source="staff")
    table = TableDef(
        "meetings",
        "测试3表",
        "会议",  # type: ignore[arg-type]
        UnitRows(),
        (MetricColumn("activities.count"), MetricColumn("activities.participants")),
        (TotalIsSum(),),
    )

    grid = tables.table_evaluate(county_admin, table, tree.county, Y2014)

    own = grid.row("own")
    assert own.kind == RowKind.OWN
    assert own.cells["activities.count"] == Cell(D(2), "2")
    # She went to both organisations' meetings: counted once by each, twice in their sum.
    assert own.cells["activities.participants"] == Cell(D(2), "≤ 2", bound=True)
    assert grid.row("total").cells["activities.participants"].value == 1
    assert grid.ok


def test_the_activities_table_by_quarter(tree: Tree, county_admin: User) -> None:
    for day in (dt.date(2014, 2, 1), dt.date(2014, 5, 1), dt.date(2014, 5, 2), dt.date(2013, 5, 1)):
        Activity.objects.create(
            kind=ActivityKind.TRAINING,
            title="培训",
            start=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9)),  # noqa: DTZ001
            owner=tree.village(0, 0),
        )

    grid = tables.table_evaluate(county_admin, tables.get("activities"), tree.county, Y2014)

    row = grid.row("trainings.count")
    values = {key: cell.value for key, cell in row.cells.items()}
    assert values == {
        "whole": 3,
        "q1": 1,
        "q2": 2,
        "q3": 0,
        "q4": 0,
        "before": 1,
        "change": D("200.0"),
    }
    assert row.cells["q2"].drill == tables.Drill("trainings.count", tree.county.pk, "2014Q2")
    assert grid.column("q2").span
    assert grid.ok


def test_the_aid_table_by_programme(
    tree: Tree, county_admin: User, make_programme: MakeProgramme, make_person: Any
) -> None:
    def serve(name: str, people: int, value: int) -> None:
        programme = make_programme(name, kind="in_kind_aid")
        for i in range(people):
            person = make_person(f"受助人{i}", residence=tree.village(0, i % 2))
            enrolment = programme_services.enrolment_apply(
                actor=None, programme=programme, person=person, on=dt.date(2014, 2, 1)
            )
            for step in ("verified", "approved"):
                programme_services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
            programme_services.benefit_deliver(
                actor=None,
                programme=programme,
                delivery=programme_services.Delivery(
                    person=person,
                    on=dt.date(2014, 3, 1),
                    kind="goods",
                    item="米",
                    quantity=D(10),
                    measure="斤",
                    amount=D(value),
                ),
            )

    serve("春蕾助学", 2, 100)
    serve("母亲邮包", 3, 200)
    make_programme("无人受助")

    grid = tables.table_evaluate(county_admin, tables.get("aid"), tree.county, Y2014)

    assert [row.label for row in grid.rows[:-1]] == ["春蕾助学", "母亲邮包"]
    total = grid.rows[-1]
    assert total.cells["benefits.people"].value == 5
    assert total.cells["benefits.goods_value"].value == 800
    assert total.cells["benefits.amount"].value == 800
    about = grid.rows[0].cells["benefits.count"].drill
    assert about is not None
    assert about.about_param.startswith("programme:")
    assert grid.ok, [f.message for r in grid.results for f in r.failures]


def test_a_table_of_a_unit_out_of_scope_is_not_found(tree: Tree) -> None:
    chair = make_user("chair", Role.TOWNSHIP_CHAIR, tree.townships[0])
    table = tables.get("organisation")

    tables.table_evaluate(chair, table, tree.townships[0], Y2014)
    with pytest.raises(Http404):
        tables.table_evaluate(chair, table, tree.county, Y2014)
    with pytest.raises(Http404):
        tables.table_evaluate(chair, table, tree.townships[1], Y2014)
    with pytest.raises(Http404):
        tables.table_evaluate(make_user("nobody"), table, tree.townships[0], Y2014)
