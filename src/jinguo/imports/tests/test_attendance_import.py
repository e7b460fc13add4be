"""The attendance import type end to end: template, dry run, commit, re-import, errors, undo."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.test import Client
from django.utils import translation

import jinguo.imports.attendance  # noqa: F401 - registers the attendance import type
from jinguo.accounts.models import User
from jinguo.activities.choices import Headcount
from jinguo.activities.models import Activity, Attendance
from jinguo.activities.tests.conftest import MakeActivity, at, make_activity  # noqa: F401
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.attendance import COLUMNS
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, number
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.tests.conftest import MakePerson, make_person, village  # noqa: F401
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

HEADER = ["活动名称", "活动日期", "身份证号", "姓名", "手机号", "签到日期"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("attendance", "签到表.csv")

START = "2014-05-06"


@pytest.fixture
def activity(make_activity: MakeActivity) -> Activity:  # noqa: F811
    """十字绣培训, 2014-05-06 to 05-08, recorded by the county, held in 村1-1."""
    return make_activity()


@pytest.fixture
def people(make_person: MakePerson, village: OrgUnit) -> list[Person]:  # noqa: F811
    return [
        make_person("人1", id_number=number(1)),
        make_person("人2", id_number=number(2)),
        make_person("人3", phone="13812345678"),
    ]


def good_rows() -> list[list[str]]:
    return [
        ["十字绣培训", START, number(1), "", "", ""],  # the first day by default
        ["十字绣培训", START, number(1), "", "", "2014-05-07"],
        ["十字绣培训", "2014年5月6日", number(2), "人2", "", "2014/5/8"],
        ["十字绣培训", START, "", "人3", "13812345678", "2014-05-07"],  # by name and phone
    ]


def test_the_type_is_registered_and_the_template_has_the_headers(
    client: Client, village_director: User
) -> None:
    assert registry.get("attendance") is not None
    client.force_login(village_director)

    header = helpers.template_header(client, "attendance")
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
    assert [str(cell).rstrip("*").strip() for cell in header] == expected
    assert "身份证号" in expected


@pytest.mark.usefixtures("people")
def test_good_rows_commit_and_the_attendance_appears(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    activity: Activity,
) -> None:
    batch = upload(village_director, village, csv_bytes(good_rows()))
    assert batch.check_counts == {"rows": 4, "new": 4, "updated": 0, "unchanged": 0, "errors": 0}
    assert not Attendance.objects.exists()  # the dry run wrote nothing

    batch = commit(village_director, batch)

    assert batch.commit_counts["new"] == 4
    sheet = {(a.person.name, a.day) for a in Attendance.objects.filter(activity=activity)}
    assert sheet == {
        ("人1", dt.date(2014, 5, 6)),
        ("人1", dt.date(2014, 5, 7)),
        ("人2", dt.date(2014, 5, 8)),
        ("人3", dt.date(2014, 5, 7)),
    }
    assert set(Attendance.objects.values_list("source", flat=True)) == {"staff"}


@pytest.mark.usefixtures("people", "activity")
def test_importing_the_same_rows_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
) -> None:
    commit(village_director, upload(village_director, village, csv_bytes(good_rows())))
    before = list(Attendance.objects.order_by("pk").values_list("pk", "person", "day"))

    # The same file is refused outright; the same rows in another file are all unchanged.
    with pytest.raises(ApplicationError) as refused:
        upload(village_director, village, csv_bytes(good_rows()))
    assert refused.value.code == "already_imported"
    again = csv_bytes(good_rows(), header=[*HEADER[:5], "出席日期"])
    batch = commit(village_director, upload(village_director, village, again, "again.csv"))

    assert batch.commit_counts == {"rows": 4, "new": 0, "updated": 0, "unchanged": 4, "errors": 0}
    assert not batch.items.exists()
    assert list(Attendance.objects.order_by("pk").values_list("pk", "person", "day")) == before


@pytest.mark.usefixtures("people", "activity")
def test_bad_rows_name_their_cell_and_nothing_is_half_written(
    village_director: User,
    tree: Tree,
    village: OrgUnit,  # noqa: F811
    make_activity: MakeActivity,  # noqa: F811
) -> None:
    far = tree.village(1, 0)
    make_activity("远方培训", owner=tree.townships[1], place=far)
    make_activity("宣讲会", headcount=Headcount.COUNTS)
    rows = [
        *good_rows()[:1],
        ["不存在的活动", START, number(1), "", "", ""],  # unknown activity
        ["十字绣培训", START, number(9), "", "", ""],  # unknown ID number
        ["十字绣培训", START, number(2), "", "", "2014-05-09"],  # after the activity
        ["远方培训", START, number(2), "", "", ""],  # out of the uploader's sight
        ["十字绣培训", START, "", "人3", "13900000000", ""],  # no such name and phone
        ["十字绣培训", START, "", "", "", ""],  # no person at all
        ["宣讲会", START, number(2), "", "", ""],  # counted, not a sheet
    ]
    batch = upload(village_director, village, csv_bytes(rows))

    assert batch.check_counts["new"] == 1
    assert batch.check_counts["errors"] == 7
    errors = {e["row"]: e for e in batch.first_errors}
    with translation.override("zh-hans"):
        activity_header = str(COLUMNS[0].header)
        id_header = str(COLUMNS[2].header)
        name_header = str(COLUMNS[3].header)
        day_header = str(COLUMNS[5].header)
    assert errors[3]["column"] == activity_header
    assert "不存在的活动" in errors[3]["message"]
    assert errors[4]["column"] == id_header
    assert errors[5]["column"] == day_header
    assert errors[6]["column"] == activity_header
    assert errors[7]["column"] == name_header
    assert errors[8]["column"] == id_header
    assert errors[9]["column"] == activity_header

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    assert not Attendance.objects.exists()


@pytest.mark.usefixtures("people", "activity")
def test_valid_only_takes_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
) -> None:
    rows = [*good_rows()[:2], ["十字绣培训", START, number(9), "", "", ""]]
    batch = upload(village_director, village, csv_bytes(rows))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert batch.commit_counts["new"] == 2
    assert batch.commit_counts["errors"] == 1
    assert Attendance.objects.count() == 2


@pytest.mark.usefixtures("people", "activity")
def test_a_row_repeated_in_the_file_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
) -> None:
    rows = [good_rows()[0], good_rows()[0]]

    batch = upload(village_director, village, csv_bytes(rows))

    assert batch.check_counts["new"] == 1
    assert [e["row"] for e in batch.first_errors] == [3]


@pytest.mark.usefixtures("people")
def test_undo_removes_the_batch(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    activity: Activity,
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(good_rows())))
    assert activity.attendance.count() == 4

    import_undo(actor=village_director, batch=batch)

    assert activity.attendance.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
