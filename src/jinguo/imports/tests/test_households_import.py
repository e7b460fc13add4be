"""The households import type: template, commit through `household_create` and
`household_add_member`, idempotence, refusals as errors naming the cell, and the refused undo."""

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
from jinguo.imports.households import COLUMNS, HOUSEHOLDS, NOT_UNDOABLE
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Relation
from jinguo.people.models import Household, Membership, Person
from jinguo.people.services import household_add_member, household_create
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    MakePerson,
    far_village,
    id_number,
    make_person,
    neighbour_village,
    village,
)

pytestmark = pytest.mark.django_db

HEADER = ["户主身份证号", "成员身份证号", "与户主关系", "入户日期"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("households", "家庭户.csv")

A = id_number(dt.date(1970, 5, 1), "M", 1)  # 王大山, the head
B = id_number(dt.date(1972, 6, 2), "F", 2)  # his wife
C = id_number(dt.date(1998, 7, 3), "F", 3)  # their daughter
D = id_number(dt.date(1984, 8, 4), "F", 4)  # lives in the neighbouring village
E = id_number(dt.date(1985, 9, 5), "F", 5)  # lives in a village of another township
F = id_number(dt.date(1960, 1, 6), "M", 6)  # 张伟, head of a household already recorded
G = id_number(dt.date(1962, 2, 7), "F", 7)  # a member of 张伟's household
H = id_number(dt.date(1945, 3, 8), "F", 8)  # 王大山's mother, in no household yet
UNREGISTERED = id_number(dt.date(1990, 1, 1), "F", 9)
FOUNDED = dt.date(2020, 1, 1)


@pytest.fixture
def people(
    make_person: MakePerson,  # noqa: F811
    neighbour_village: OrgUnit,  # noqa: F811
    far_village: OrgUnit,  # noqa: F811
) -> dict[str, Person]:
    people = {
        "王大山": make_person("王大山", id_number=A),
        "李秀英": make_person("李秀英", id_number=B),
        "王小红": make_person("王小红", id_number=C),
        "赵敏": make_person("赵敏", id_number=D, residence=neighbour_village),
        "孙丽": make_person("孙丽", id_number=E, residence=far_village),
        "张伟": make_person("张伟", id_number=F),
        "刘芳": make_person("刘芳", id_number=G),
        "王母": make_person("王母", id_number=H),
    }
    zhang = household_create(actor=None, head=people["张伟"], on=dt.date(2010, 1, 1))
    household_add_member(
        actor=None,
        household=zhang,
        person=people["刘芳"],
        relation=Relation.SPOUSE,
        on=dt.date(2010, 1, 1),
    )
    return people


GOOD = [
    [A, "", "户主", "2020-01-01"],  # the head's own row: creates the household
    [A, B, "配偶", "2020年1月1日"],
    [A, C, "子女", "20210308"],
]


def header(key: str) -> str:
    """A column's header as errors name it (in the active language)."""
    return next(str(column.header) for column in COLUMNS if column.key == key)


def members(head: Person) -> set[tuple[str, str, dt.date]]:
    household = Membership.objects.get(person=head, end__isnull=True).household
    return {
        (m.person.name, m.relation, m.start)
        for m in household.memberships.filter(end__isnull=True).select_related("person")
    }


def test_the_type_is_registered_with_a_template_and_a_dropdown() -> None:
    assert registry.get("households") is HOUSEHOLDS
    data = template_xlsx(str(HOUSEHOLDS.label), HOUSEHOLDS.columns, language="zh-hans")
    head, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
        relations = [str(label) for _value, label in Relation.choices]
    assert [strip_required_mark(str(h)) for h in head] == expected
    assert expected[2:] == ["与户主关系", "入户日期"]
    assert [str(h).endswith("*") for h in head] == [True, False, False, True]
    assert example[2] == "子女"
    assert "户主" in relations
    assert "配偶" in str(notes[2])  # the relation's drop-down values
    # The relation column (C) carries a list validation: a drop-down of the labels.
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
        everything = "".join(xlsx.read(n).decode(errors="ignore") for n in xlsx.namelist())
    dropdowns = xml.split("<dataValidation ")[1:]
    assert len([d for d in dropdowns if 'sqref="C' in d]) == 1, xml
    for label in ("户主", "配偶", "孙子女/外孙子女"):
        assert label in everything


def test_the_template_is_offered_on_the_import_page(client: Client, village_director: User) -> None:
    client.force_login(village_director)
    first = helpers.template_header(client, "households")
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
    assert [strip_required_mark(str(cell)) for cell in first] == expected


def test_good_rows_create_the_household_and_its_members(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    before = Membership.objects.count()
    batch = upload(village_director, village, csv_bytes(GOOD))
    assert batch.check_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert Membership.objects.count() == before  # the dry run wrote nothing
    assert not Membership.objects.filter(person=people["王大山"]).exists()

    batch = commit(village_director, batch)

    assert batch.commit_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    household = Membership.objects.get(person=people["王大山"]).household
    assert household.residence == village
    assert household.code == f"{village.code}0002"  # 张伟's is the first of the village
    assert members(people["王大山"]) == {
        ("王大山", Relation.HEAD, FOUNDED),
        ("李秀英", Relation.SPOUSE, FOUNDED),
        ("王小红", Relation.CHILD, dt.date(2021, 3, 8)),
    }
    assert batch.items.count() == 3


def test_a_member_row_creates_the_household_of_a_head_without_one(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD[1:])))

    assert batch.commit_counts["new"] == 2
    # The head joins on the date of the first row naming her.
    assert members(people["王大山"]) == {
        ("王大山", Relation.HEAD, FOUNDED),
        ("李秀英", Relation.SPOUSE, FOUNDED),
        ("王小红", Relation.CHILD, dt.date(2021, 3, 8)),
    }


def test_importing_the_same_rows_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    data = csv_bytes(GOOD)
    commit(village_director, upload(village_director, village, data))
    recorded = list(Membership.objects.order_by("pk").values_list("pk", "person", "start", "end"))
    households = Household.objects.count()

    with pytest.raises(ApplicationError) as refused:  # the very same file
        upload(village_director, village, data)
    assert refused.value.code == "already_imported"

    # The same rows in another file (reordered, the head's number repeated on her own row):
    # all unchanged.
    rows = [[A, A, "", "2020-01-01"], *reversed(GOOD[1:])]
    again = commit(village_director, upload(village_director, village, csv_bytes(rows), "2.csv"))

    assert again.commit_counts == {"rows": 3, "new": 0, "updated": 0, "unchanged": 3, "errors": 0}
    assert not again.items.exists()
    assert Household.objects.count() == households
    assert (
        list(Membership.objects.order_by("pk").values_list("pk", "person", "start", "end"))
        == recorded
    )

    # One more member: only her row is written.
    extra = [A, H, "父母", "2022-05-01"]
    third = commit(
        village_director, upload(village_director, village, csv_bytes([*GOOD, extra]), "3.csv")
    )
    assert third.commit_counts == {"rows": 4, "new": 1, "updated": 0, "unchanged": 3, "errors": 0}
    assert ("王母", Relation.PARENT, dt.date(2022, 5, 1)) in members(people["王大山"])


def test_bad_rows_name_their_cell_and_nothing_is_written(
    township_chair: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    rows = [
        *GOOD,  # rows 2 to 4: good
        [UNREGISTERED, "", "户主", "2020-01-01"],  # 5: nobody has the head's number
        [A, UNREGISTERED, "子女", "2020-01-01"],  # 6: nobody has the member's number
        [A, D, "子女", "2020-01-01"],  # 7: lives outside the upload unit
        [A, E, "子女", "2020-01-01"],  # 8: outside the uploader's scope
        [A, G, "子女", "2020-01-01"],  # 9: a member of 张伟's household: no moves
        [A, H, "父母", "2020-13-45"],  # 10: no such date
        [A, H, "富豪", "2020-01-01"],  # 11: no such relation
        [A, H, "", "2020-01-01"],  # 12: a member's relation is needed
        [A, H, "户主", "2020-01-01"],  # 13: a second head
        [G, "", "", "2020-01-01"],  # 14: 刘芳 is a member, not the head, of another household
        [A, B, "子女", "2020-01-01"],  # 15: row 3 says she is his spouse
        [A, "", "", "2019-01-01"],  # 16: row 2 says he is the head since 2020
        [A, "", "配偶", "2020-01-01"],  # 17: the head's own row says 户主 or nothing
    ]
    households, memberships = Household.objects.count(), Membership.objects.count()
    batch = upload(township_chair, village, csv_bytes(rows))

    assert batch.check_counts == {"rows": 16, "new": 3, "updated": 0, "unchanged": 0, "errors": 13}
    errors = errors_by_row(batch)
    head_id, member_id = header("head_id"), header("id_number")
    relation, start = header("relation"), header("start")
    assert {row: column for row, (column, _m) in errors.items()} == {
        5: head_id,
        6: member_id,
        7: member_id,
        8: member_id,
        9: member_id,
        10: start,
        11: relation,
        12: relation,
        13: relation,
        14: head_id,
        15: relation,
        16: start,
        17: relation,
    }
    assert "赵敏" in errors[7][1]
    assert "孙丽" not in errors[8][1]  # not even her name leaks out of scope
    assert "刘芳" in errors[9][1]
    assert "富豪" in errors[11][1]
    assert "刘芳" in errors[14][1]

    with pytest.raises(ApplicationError) as refused:
        commit(township_chair, batch)

    assert refused.value.code == "has_errors"
    assert (Household.objects.count(), Membership.objects.count()) == (households, memberships)
    assert not Membership.objects.filter(person=people["王大山"]).exists()


def test_valid_only_takes_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    bad = [A, UNREGISTERED, "子女", "2020-01-01"]
    batch = upload(village_director, village, csv_bytes([*GOOD, bad]))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (3, 1)
    assert len(members(people["王大山"])) == 3


def test_undo_is_refused_and_keeps_the_household(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)

    assert refused.value.code == "not_undoable"
    assert str(refused.value) == str(NOT_UNDOABLE)
    assert len(members(people["王大山"])) == 3


def test_a_row_repeated_in_the_file_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    rows = [GOOD[0], GOOD[1], GOOD[1], [A, A, "户主", "2020-01-01"]]
    batch = upload(village_director, village, csv_bytes(rows))
    assert batch.check_counts["errors"] == 2
    errors = errors_by_row(batch)
    assert list(errors) == [4, 5]
    assert "3" in errors[4][1]  # row 3 already describes her membership
    assert "2" in errors[5][1]

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert len(members(people["王大山"])) == 2


def test_a_refusal_of_the_services_lands_on_its_column(
    township_chair: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
) -> None:
    # `household_create` puts the household in the head's village, which has closed since:
    # its refusal ("residence") is about the head.
    village.closed_on = dt.date(2024, 1, 1)
    village.save(update_fields=["closed_on"])
    assert village.parent is not None
    rows = [GOOD[0], [F, H, "其他", "2022-05-01"]]  # 张伟's household exists: H joins it
    batch = upload(township_chair, village.parent, csv_bytes(rows))

    assert batch.check_counts["errors"] == 1
    errors = errors_by_row(batch)
    assert list(errors) == [2]
    assert errors[2][0] == header("head_id")
    assert village.name in errors[2][1]
