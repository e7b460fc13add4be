"""The activities import type end to end: template, activities recorded through
`activity_record`, re-import, corrections, errors naming their cell, all-or-nothing, valid rows
only, and undo (through `activity_remove`, refused once attendance is recorded)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.activities.choices import ActivityKind, Group, Headcount
from jinguo.activities.models import Activity, Training
from jinguo.activities.services import attendance_add, counts_set
from jinguo.activities.tests.conftest import MakeActivity, at, make_activity  # noqa: F401
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.activities import ACTIVITIES, CHANGED_SINCE_IMPORT, COLUMNS
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    MakePerson,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes.models import Programme
from jinguo.programmes.tests.conftest import MakeProgramme, make_programme  # noqa: F401
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

HEADER = ["活动名称", "活动类型", "开始日期", "结束日期", "举办地", "地址", "项目名称", "参加对象"]
HEADER += ["参加妇女人数", "参加儿童人数", "参加老人人数", "其他参加人数", "参加总人数"]
HEADER += ["支出（元）", "发放物资价值（元）", "活动成效"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("activities", "活动台账.csv")

PROGRAMME = "单亲母亲救助"


def row(
    title: str,
    kind: str,
    start: str,
    end: str = "",
    place: str = "",
    address: str = "",
    programme: str = "",
    audience: str = "",
    women: str = "",
    children: str = "",
    elderly: str = "",
    others: str = "",
    total: str = "",
) -> list[str]:
    counts = [women, children, elderly, others, total]
    return [title, kind, start, end, place, address, programme, audience, *counts]


def full(*cells: str, spending: str = "", in_kind: str = "", outcome: str = "") -> list[str]:
    return [*cells, spending, in_kind, outcome]


GOOD = [
    full(
        *row(
            "十字绣培训",
            "培训",
            "2014-05-06",
            "2014-05-08",
            "村1-1",
            "村委会会议室",
            PROGRAMME,
            "留守妇女",
            women="30",
            others="2",
            total="32",
        ),
        spending="800",
        in_kind="200.5",
        outcome="学会十字绣20人取得证书",
    ),
    full(
        *row(
            "三八节宣讲",
            "宣讲",
            "2014年3月8日",
            place="150525100202",  # 村1-2, by its code
            women="120",
            children="10",
            elderly="15",
        )
    ),
    full(*row("走访慰问贫困母亲", "走访慰问", "2014/1/20"), spending="300"),  # by the township
    # The same title on the same day in another village: another activity.
    full(*row("三八节宣讲", "宣讲", "2014-03-08", place="村1-1", women="80")),
]


def header(key: str) -> str:
    """A column's header as the (Chinese) error list names it."""
    with translation.override("zh-hans"):
        return next(str(column.header) for column in COLUMNS if column.key == key)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


@pytest.fixture
def township(tree: Tree) -> OrgUnit:
    """镇1, the township chair's: 村1-1 and 村1-2 lie inside it."""
    return tree.townships[0]


@pytest.fixture
def programme(make_programme: MakeProgramme) -> Programme:  # noqa: F811
    return make_programme(PROGRAMME)


def test_the_type_is_registered_with_a_chinese_template_and_a_dropdown_of_kinds() -> None:
    assert registry.get("activities") is ACTIVITIES
    data = template_xlsx(str(ACTIVITIES.label), ACTIVITIES.columns, language="zh-hans")
    top, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    headers = [strip_required_mark(str(h)) for h in top]
    with translation.override("zh-hans"):
        assert headers == [str(column.header) for column in COLUMNS]
    assert headers[0] == "活动名称"
    assert headers[2:5] == ["开始日期", "结束日期", "举办地"]
    assert "支出（元）" in headers
    assert "活动成效" in headers
    assert [str(h).endswith("*") for h in top] == [True] * 3 + [False] * (len(COLUMNS) - 3)
    # The kind is one of the activities' kinds, listed and offered in a drop-down.
    for label in ("培训", "宣讲", "走访慰问", "义诊", "宣传", "座谈会"):
        assert label in str(notes[1])
    assert example[1] == "培训"
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
    dropdowns = [d for d in xml.split("<dataValidation ")[1:] if 'type="list"' in d]
    assert [d for d in dropdowns if 'sqref="B' in d]


def test_the_import_page_offers_activities(client: Client, township_chair: User) -> None:
    client.force_login(township_chair)
    response = client.get("/imports/")
    assert response.status_code == 200
    assert 'value="activities"' in response.content.decode()


def test_good_rows_are_recorded_with_their_counts_and_amounts(
    township_chair: User,
    township: OrgUnit,
    village: OrgUnit,  # noqa: F811
    neighbour_village: OrgUnit,  # noqa: F811
    programme: Programme,
) -> None:
    batch = upload(township_chair, township, csv_bytes(GOOD))
    assert batch.check_counts == {"rows": 4, "new": 4, "updated": 0, "unchanged": 0, "errors": 0}
    assert not Activity.objects.exists()  # the dry run wrote nothing

    batch = commit(township_chair, batch)

    assert batch.commit_counts["new"] == 4
    assert batch.items.count() == 4
    assert set(Activity.objects.values_list("owner", flat=True)) == {township.pk}
    training = Activity.objects.get(title="十字绣培训")
    assert training.kind == ActivityKind.TRAINING
    assert (local_day(training.start), local_day(training.end)) == (
        dt.date(2014, 5, 6),
        dt.date(2014, 5, 8),
    )
    assert training.place == village
    assert training.address == "村委会会议室"
    assert training.programme == programme
    assert training.audience == "留守妇女"
    assert training.headcount == Headcount.COUNTS
    assert dict(training.counts.values_list("group", "count")) == {
        Group.WOMEN: 30,
        Group.OTHER: 2,
    }
    assert training.spending == Decimal(800)
    assert training.in_kind_value == Decimal("200.50")
    assert training.outcome == "学会十字绣20人取得证书"
    assert Training.objects.filter(activity=training).exists()  # details to fill in

    talks = {a.place: a for a in Activity.objects.filter(title="三八节宣讲")}
    assert set(talks) == {village, neighbour_village}
    assert local_day(talks[neighbour_village].start) == dt.date(2014, 3, 8)
    assert dict(talks[neighbour_village].counts.values_list("group", "count")) == {
        Group.WOMEN: 120,
        Group.CHILDREN: 10,
        Group.ELDERLY: 15,
    }
    visit = Activity.objects.get(title="走访慰问贫困母亲")
    assert visit.place == township  # an empty cell: the upload unit
    assert visit.kind == ActivityKind.VISIT
    assert visit.headcount == Headcount.ATTENDANCE  # no numbers: names on a sheet
    assert not visit.counts.exists()
    assert visit.end is None
    assert visit.spending == Decimal(300)


@pytest.mark.usefixtures("programme")
def test_importing_the_same_rows_again_changes_nothing(
    township_chair: User,
    township: OrgUnit,
) -> None:
    commit(township_chair, upload(township_chair, township, csv_bytes(GOOD)))
    fields = ("pk", "version", "title", "start", "end", "place", "spending", "in_kind_value")
    before = list(Activity.objects.order_by("pk").values_list(*fields))
    counts = sorted(Activity.objects.values_list("counts__group", "counts__count"), key=str)

    with pytest.raises(ApplicationError) as refused:
        upload(township_chair, township, csv_bytes(GOOD))
    assert refused.value.code == "already_imported"
    again = csv_bytes(GOOD, header=["活动主题", *HEADER[1:]])
    batch = commit(township_chair, upload(township_chair, township, again, "again.csv"))

    assert batch.commit_counts == {"rows": 4, "new": 0, "updated": 0, "unchanged": 4, "errors": 0}
    assert not batch.items.exists()
    assert list(Activity.objects.order_by("pk").values_list(*fields)) == before
    after = sorted(Activity.objects.values_list("counts__group", "counts__count"), key=str)
    assert after == counts


@pytest.mark.usefixtures("programme")
def test_a_corrected_row_updates_the_activity_and_undo_restores_it(
    township_chair: User,
    township: OrgUnit,
) -> None:
    commit(township_chair, upload(township_chair, township, csv_bytes(GOOD)))
    corrected = [list(GOOD[0]), *GOOD[1:]]
    corrected[0][8], corrected[0][12], corrected[0][13] = "35", "37", "900"  # women, total, spent

    batch = commit(township_chair, upload(township_chair, township, csv_bytes(corrected), "b.csv"))

    assert batch.commit_counts == {"rows": 4, "new": 0, "updated": 1, "unchanged": 3, "errors": 0}
    training = Activity.objects.get(title="十字绣培训")
    assert training.spending == Decimal(900)
    assert dict(training.counts.values_list("group", "count")) == {
        Group.WOMEN: 35,
        Group.OTHER: 2,
    }

    import_undo(actor=township_chair, batch=batch)

    training.refresh_from_db()
    assert training.spending == Decimal(800)
    assert dict(training.counts.values_list("group", "count")) == {
        Group.WOMEN: 30,
        Group.OTHER: 2,
    }
    assert Activity.objects.count() == 4


@pytest.mark.usefixtures("programme")
def test_bad_rows_name_their_cell_and_nothing_is_written(
    township_chair: User,
    township: OrgUnit,
    village: OrgUnit,  # noqa: F811
    make_activity: MakeActivity,  # noqa: F811
) -> None:
    recorded = make_activity(
        "编织培训", owner=township, place=village, start=at(dt.date(2014, 6, 1)), end=None
    )
    bad = [
        full(*row("联欢会", "联欢", "2014-02-01")),  # no such kind
        full(*row("远方宣讲", "宣讲", "2014-02-01", place="村2-1")),  # outside the township
        full(*row("义诊", "义诊", "2014-05-06", "2014-05-01")),  # ends before it starts
        full(*row("宣传", "宣传", "2014-04-01", programme="不存在的项目")),  # unknown programme
        full(*row("座谈会", "座谈会", "2014-13-45")),  # no such date
        full(*row("宣讲", "宣讲", "2014-04-02", women="10", total="12")),  # does not add up
        full(*row("宣讲", "宣讲", "2014-04-03", total="50")),  # a total alone
        full(*row("编织培训", "宣讲", "2014-06-01", place="村1-1")),  # recorded as a training
        full(*row("编织培训", "培训", "2014-06-01", place="村1-1", women="5")),  # takes names
        full(*row("宣传", "宣传", "2014-04-04"), spending="-5"),  # a negative amount
        full(*row("长" * 121, "宣传", "2014-04-05")),  # a title too long to keep
    ]

    batch = upload(township_chair, township, csv_bytes([*GOOD, *bad]))

    assert batch.check_counts == {"rows": 15, "new": 4, "updated": 0, "unchanged": 0, "errors": 11}
    errors = errors_by_row(batch)
    assert {number: column for number, (column, _m) in errors.items()} == {
        6: header("kind"),
        7: header("place"),
        8: header("end"),
        9: header("programme"),
        10: header("start"),
        11: header("total"),
        12: header("total"),
        13: header("kind"),
        14: header("women"),
        15: header("spending"),
        16: header("title"),
    }
    assert "联欢" in errors[6][1]
    assert "村2-1" in errors[7][1]
    assert "不存在的项目" in errors[9][1]
    assert "2014-13-45" in errors[10][1]
    assert "编织培训" in errors[13][1]

    with pytest.raises(ApplicationError) as refused:
        commit(township_chair, batch)

    assert refused.value.code == "has_errors"
    assert list(Activity.objects.all()) == [recorded]


@pytest.mark.usefixtures("programme")
def test_valid_only_records_the_good_rows(township_chair: User, township: OrgUnit) -> None:
    bad = [full(*row("联欢会", "联欢", "2014-02-01")), full(*row("座谈会", "座谈会", "2014-13-45"))]
    batch = upload(township_chair, township, csv_bytes([*GOOD, *bad]))

    batch = commit(township_chair, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (4, 2)
    assert Activity.objects.count() == 4
    assert not Activity.objects.filter(title__in=["联欢会", "座谈会"]).exists()


@pytest.mark.usefixtures("programme")
def test_a_row_repeated_in_the_file_is_an_error(township_chair: User, township: OrgUnit) -> None:
    batch = upload(township_chair, township, csv_bytes([GOOD[2], GOOD[0], GOOD[2]]))

    assert batch.check_counts["new"] == 2
    assert [e["row"] for e in batch.first_errors] == [4]
    assert "2" in batch.first_errors[0]["message"]  # the row that already describes it


def test_a_village_director_imports_for_her_own_village_only(
    village_director: User,
    village: OrgUnit,  # noqa: F811
) -> None:
    rows = [
        full(*row("妇女之家读书会", "座谈会", "2014-04-10")),
        full(*row("邻村宣讲", "宣讲", "2014-04-11", place="村1-2")),
    ]

    batch = commit(
        village_director,
        upload(village_director, village, csv_bytes(rows)),
        ImportBatch.Mode.VALID_ONLY,
    )

    assert batch.commit_counts["new"] == 1
    assert errors_by_row(batch)[3][0] == header("place")
    assert Activity.objects.get().place == village


@pytest.mark.usefixtures("programme")
def test_undo_removes_the_activities_it_recorded(township_chair: User, township: OrgUnit) -> None:
    batch = commit(township_chair, upload(township_chair, township, csv_bytes(GOOD)))
    assert Activity.objects.count() == 4

    import_undo(actor=township_chair, batch=batch)

    assert not Activity.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


@pytest.mark.usefixtures("programme")
def test_undo_is_refused_once_attendance_is_recorded(
    township_chair: User,
    township: OrgUnit,
    make_person: MakePerson,  # noqa: F811
) -> None:
    batch = commit(township_chair, upload(township_chair, township, csv_bytes(GOOD)))
    visit = Activity.objects.get(title="走访慰问贫困母亲")
    attendance_add(actor=township_chair, activity=visit, person=make_person("王芳"))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=township_chair, batch=batch)

    assert refused.value.code == "changed_since"
    assert "走访慰问贫困母亲" in str(refused.value)
    assert Activity.objects.count() == 4  # nothing of the undo is left
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


@pytest.mark.usefixtures("programme")
def test_undo_is_refused_once_only_the_counts_were_changed(
    township_chair: User, township: OrgUnit
) -> None:
    batch = commit(township_chair, upload(township_chair, township, csv_bytes(GOOD)))
    talk = Activity.objects.get(title="三八节宣讲", place__name="村1-2")
    counts_set(actor=township_chair, activity=talk, counts={Group.WOMEN: 125})

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=township_chair, batch=batch)

    assert refused.value.code == "changed_since"
    assert str(CHANGED_SINCE_IMPORT % {"title": "三八节宣讲"}) in str(refused.value)
    assert Activity.objects.filter(pk=talk.pk).exists()
    assert Activity.objects.count() == 4
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
