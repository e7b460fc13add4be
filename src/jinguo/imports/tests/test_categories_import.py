"""The categories import type: template, commit through `category_add`, idempotence, the
refusals of the category form as errors naming the cell, and the refused undo."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import partial

import pytest
from django.test import Client
from django.utils import translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.categories import CATEGORIES, COLUMNS, NOT_UNDOABLE
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category
from jinguo.people.models import CategoryPeriod, Person
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    MakePerson,
    far_village,
    id_number,
    make_person,
    neighbour_village,
    village,
)

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "类别", "开始日期", "结束日期"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("categories", "类别.csv")

A = id_number(dt.date(1980, 5, 1), "F", 1)
B = id_number(dt.date(1950, 6, 2), "F", 2)
C = id_number(dt.date(1984, 7, 3), "F", 3)  # lives in the neighbouring village
D = id_number(dt.date(1985, 8, 4), "F", 4)  # lives in a village of another township
E = id_number(dt.date(2010, 9, 5), "F", 5)  # a child
UNREGISTERED = id_number(dt.date(1990, 1, 1), "F", 9)


@pytest.fixture
def people(
    make_person: MakePerson,  # noqa: F811
    neighbour_village: OrgUnit,  # noqa: F811
    far_village: OrgUnit,  # noqa: F811
) -> dict[str, Person]:
    return {
        "王芳": make_person("王芳", id_number=A),
        "李娟": make_person("李娟", id_number=B),
        "赵敏": make_person("赵敏", id_number=C, residence=neighbour_village),
        "孙丽": make_person("孙丽", id_number=D, residence=far_village),
        "小红": make_person("小红", id_number=E),
    }


GOOD = [
    [A, "单亲母亲", "2014-03-08", ""],
    [A, "低保对象", "2014年3月9日", "2015/3/9"],
    [B, "空巢老人", "20140310", ""],
]


def test_the_type_is_registered_with_a_chinese_template_and_a_dropdown() -> None:
    assert registry.get("categories") is CATEGORIES
    data = template_xlsx(str(CATEGORIES.label), CATEGORIES.columns, language="zh-hans")
    header, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    assert [strip_required_mark(str(h)) for h in header] == [
        "身份证号",
        "人员类别",
        "开始日期",
        "结束日期",
    ]
    assert [str(h).endswith("*") for h in header] == [True, True, True, False]
    assert example[1] == "单亲母亲"
    assert "留守儿童" in str(notes[1])  # the category's drop-down values
    assert "百岁老人" in str(notes[1])
    with translation.override("zh-hans"):
        labels = [str(label) for _value, label in Category.choices]
    assert "留守儿童" in labels
    assert "百岁老人" in labels
    # The category column (B) carries a list validation: a drop-down of the labels.
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
    assert 'type="list"' in xml
    dropdowns = xml.split("<dataValidation ")[1:]
    category = [d for d in dropdowns if 'sqref="B' in d]
    assert category, xml
    assert len(category) == 1
    # The labels themselves are either inline or in a (hidden) list sheet the formula names.
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        everything = "".join(xlsx.read(n).decode(errors="ignore") for n in xlsx.namelist())
    for label in ("留守儿童", "单亲母亲", "百岁老人"):
        assert label in everything


def test_the_template_is_offered_on_the_import_page(client: Client, village_director: User) -> None:
    client.force_login(village_director)
    header = helpers.template_header(client, "categories")
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
    assert [strip_required_mark(str(cell)) for cell in header] == expected


def test_good_rows_commit(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    batch = upload(village_director, village, csv_bytes(GOOD))
    assert batch.check_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert not CategoryPeriod.objects.exists()  # the dry run wrote nothing

    batch = commit(village_director, batch)

    assert batch.commit_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    periods = {
        (p.person.name, p.category, p.start, p.end)
        for p in CategoryPeriod.objects.select_related("person")
    }
    assert periods == {
        ("王芳", Category.SINGLE_MOTHER, dt.date(2014, 3, 8), None),
        ("王芳", Category.LOW_INCOME, dt.date(2014, 3, 9), dt.date(2015, 3, 9)),
        ("李娟", Category.EMPTY_NEST_ELDERLY, dt.date(2014, 3, 10), None),
    }
    assert set(CategoryPeriod.objects.values_list("recorded_by", flat=True)) == {
        village_director.pk
    }


def test_importing_the_same_rows_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    data = csv_bytes(GOOD)
    commit(village_director, upload(village_director, village, data))

    with pytest.raises(ApplicationError) as refused:  # the very same file
        upload(village_director, village, data)
    assert refused.value.code == "already_imported"

    # The same rows in another file (reordered, one more): only the new row is written.
    extra = [B, "特困人员", "2014-04-01", ""]
    again = commit(
        village_director,
        upload(village_director, village, csv_bytes([extra, *reversed(GOOD)]), "again.csv"),
    )
    assert again.commit_counts == {"rows": 4, "new": 1, "updated": 0, "unchanged": 3, "errors": 0}
    assert CategoryPeriod.objects.count() == 4


def test_bad_rows_name_their_cell_and_nothing_is_written(
    township_chair: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    people["李娟"].consents.update(withdrawn_on=dt.date(2014, 1, 1))
    rows = [
        *GOOD,  # rows 2 to 4: good
        [UNREGISTERED, "低保对象", "2014-03-08", ""],  # 5: nobody has this number
        [A, "富豪", "2014-03-08", ""],  # 6: no such category
        [A, "特困人员", "2014-03-08", "2014-03-01"],  # 7: ends before it starts
        [C, "低保对象", "2014-03-08", ""],  # 8: lives outside the upload unit
        [D, "低保对象", "2014-03-08", ""],  # 9: outside the uploader's scope
        [B, "孤儿", "2014-03-08", ""],  # 10: sensitive, and her consent was withdrawn
        [E, "留守儿童", "2014-03-08", ""],  # 11: needs details the sheet cannot give
        [A, "单亲母亲", "2014-05-01", ""],  # 12: overlaps row 2's open period
    ]
    batch = upload(township_chair, village, csv_bytes(rows))

    assert batch.check_counts == {"rows": 11, "new": 3, "updated": 0, "unchanged": 0, "errors": 8}
    errors = errors_by_row(batch)
    assert {row: column for row, (column, _m) in errors.items()} == {
        5: "身份证号",
        6: "人员类别",
        7: "结束日期",
        8: "身份证号",
        9: "身份证号",
        10: "人员类别",
        11: "人员类别",
        12: "开始日期",
    }
    assert "富豪" in errors[6][1]
    assert "赵敏" in errors[8][1]
    assert "孙丽" not in errors[9][1]  # not even her name leaks out of scope

    with pytest.raises(ApplicationError) as refused:
        commit(township_chair, batch)

    assert refused.value.code == "has_errors"
    assert not CategoryPeriod.objects.exists()


def test_valid_only_takes_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    bad = [UNREGISTERED, "低保对象", "2014-03-08", ""]
    batch = upload(village_director, village, csv_bytes([*GOOD, bad]))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (3, 1)
    assert CategoryPeriod.objects.count() == 3


def test_undo_is_refused_and_keeps_the_periods(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)

    assert refused.value.code == "not_undoable"
    assert str(refused.value) == str(NOT_UNDOABLE)
    assert CategoryPeriod.objects.count() == 3


def test_a_row_repeated_in_the_file_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    batch = upload(village_director, village, csv_bytes([GOOD[0], GOOD[0]]))
    assert batch.check_counts["errors"] == 1
    assert list(errors_by_row(batch)) == [3]

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert CategoryPeriod.objects.count() == 1
