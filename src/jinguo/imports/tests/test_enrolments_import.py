"""The enrolments import type: template, applications through `enrolment_apply`, statuses
through `enrolment_advance` only where the uploader's role may take the step, idempotence,
the refusals of the enrolment pages as errors naming the cell, and the refused undo."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import partial

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.enrolments import COLUMNS, ENROLMENTS, NOT_UNDOABLE
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.services import household_create
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    MakePerson,
    id_number,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes import services
from jinguo.programmes.choices import (
    Beneficiary,
    CycleStatus,
    EnrolmentStatus,
    ProgrammeKind,
    RuleKind,
)
from jinguo.programmes.models import Enrolment, EnrolmentStep, Programme
from jinguo.programmes.tests.conftest import (  # noqa: F401 - fixtures
    MakeProgramme,
    make_programme,
)
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
HEADER = ["项目名称", "身份证号", "申请日期", "状态", "批次", "户编号", "破格纳入理由", "备注"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("enrolments", "报名.csv")

NAME = "单亲母亲救助"
A = id_number(dt.date(1980, 5, 1), "F", 1)
B = id_number(dt.date(1982, 6, 2), "F", 2)
C = id_number(dt.date(1984, 7, 3), "F", 3)  # lives in the neighbouring village
D = id_number(dt.date(1940, 8, 4), "F", 4)  # too old for the programme's age rule
E = id_number(dt.date(1986, 9, 5), "F", 5)
UNREGISTERED = id_number(dt.date(1990, 1, 1), "F", 9)


def header(key: str) -> str:
    """The header errors name for a column (in the active language)."""
    return next(str(column.header) for column in COLUMNS if column.key == key)


@pytest.fixture
def programme(make_programme: MakeProgramme, county_admin: User) -> Programme:  # noqa: F811
    """The county's single-mother aid, for women up to 70 (in 2014)."""
    programme = make_programme(NAME)
    services.rule_add(actor=county_admin, programme=programme, kind=RuleKind.AGE, max_age=70)
    return programme


@pytest.fixture
def people(
    make_person: MakePerson,  # noqa: F811
    neighbour_village: OrgUnit,  # noqa: F811
) -> dict[str, Person]:
    return {
        "王芳": make_person("王芳", id_number=A),
        "李娟": make_person("李娟", id_number=B),
        "赵敏": make_person("赵敏", id_number=C, residence=neighbour_village),
        "孙丽": make_person("孙丽", id_number=D),
        "周华": make_person("周华", id_number=E),
    }


GOOD = [
    [NAME, A, "2014-03-08", "", "", "", "", "三八节集中申请"],
    [NAME, B, "2014年3月9日", "已申请", "2014", "", "", ""],
]


def statuses() -> dict[str, str]:
    return {e.person.name: e.status for e in Enrolment.objects.select_related("person")}


def test_the_type_is_registered_with_a_chinese_template_and_a_dropdown() -> None:
    assert registry.get("enrolments") is ENROLMENTS
    data = template_xlsx(str(ENROLMENTS.label), ENROLMENTS.columns, language="zh-hans")
    head, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
    assert [strip_required_mark(str(h)) for h in head] == expected
    assert expected[:2] == ["项目名称", "身份证号"]
    assert [str(h).endswith("*") for h in head[:4]] == [True, True, True, False]
    assert "已申请" in str(notes[3])  # the status's drop-down values
    assert "旗县已审批" in str(notes[3])
    assert "已拒绝" not in str(notes[3])  # rejecting and exiting are taken on the page
    assert example[3] == "已申请"
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
    dropdowns = xml.split("<dataValidation ")[1:]
    assert len([d for d in dropdowns if 'sqref="D' in d]) == 1


def test_the_import_page_offers_enrolments(client: Client, village_director: User) -> None:
    client.force_login(village_director)
    index = client.get(reverse("import_index"))
    assert index.status_code == 200
    assert 'value="enrolments"' in index.content.decode()
    assert reverse("import_template", args=["enrolments"]) in index.content.decode()


def test_good_rows_enrol(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    batch = upload(village_director, village, csv_bytes(GOOD))
    assert batch.check_counts == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "errors": 0}
    assert not Enrolment.objects.exists()  # the dry run wrote nothing

    batch = commit(village_director, batch)

    assert batch.commit_counts == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "errors": 0}
    first, second = Enrolment.objects.order_by("applied_on")
    assert (first.person, first.status, first.applied_on) == (
        people["王芳"],
        S.APPLIED,
        dt.date(2014, 3, 8),
    )
    assert (first.note, first.created_by, first.unit) == (
        "三八节集中申请",
        village_director,
        village,
    )
    assert (second.person, second.cycle.name, second.eligible) == (people["李娟"], "2014", True)
    assert EnrolmentStep.objects.filter(to_status=S.APPLIED).count() == 2


def test_importing_the_same_sheet_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    data = csv_bytes(GOOD)
    commit(village_director, upload(village_director, village, data))
    steps = EnrolmentStep.objects.count()

    with pytest.raises(ApplicationError) as refused:  # the very same file
        upload(village_director, village, data)
    assert refused.value.code == "already_imported"

    # The same rows in another file (reordered, one more): only the new row is written.
    extra = [NAME, E, "2014-03-10", "", "", "", "", ""]
    again = commit(
        village_director,
        upload(village_director, village, csv_bytes([extra, *reversed(GOOD)]), "again.csv"),
    )
    assert again.commit_counts == {"rows": 3, "new": 1, "updated": 0, "unchanged": 2, "errors": 0}
    assert Enrolment.objects.count() == 3
    assert EnrolmentStep.objects.count() == steps + 1


def test_a_repeated_row_in_one_file_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    batch = upload(village_director, village, csv_bytes([GOOD[0], GOOD[0]]))
    assert batch.check_counts["errors"] == 1
    assert list(errors_by_row(batch)) == [3]


def test_bad_rows_name_their_cell_and_nothing_is_written(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
    make_programme: MakeProgramme,  # noqa: F811
) -> None:
    make_programme("两癌筛查", kind=ProgrammeKind.SCREENING)  # enrolment reveals health
    rows = [
        *GOOD,  # rows 2 and 3: good
        ["不存在的项目", A, "2014-03-08", "", "", "", "", ""],  # 4
        [NAME, UNREGISTERED, "2014-03-08", "", "", "", "", ""],  # 5: nobody she sees
        [NAME, C, "2014-03-08", "", "", "", "", ""],  # 6: in a village she does not see
        [NAME, D, "2014-03-08", "", "", "", "", ""],  # 7: over the age limit
        ["两癌筛查", E, "2014-03-08", "", "", "", "", ""],  # 8: not for a village director
        [NAME, E, "2015-03-08", "", "", "", "", ""],  # 9: no round covers the date
        [NAME, E, "2014-03-08", "", "2013", "", "", ""],  # 10: no such round
        [NAME, E, "2014-03-08", "已批准", "", "", "", ""],  # 11: no such status
    ]

    batch = upload(village_director, village, csv_bytes(rows))

    assert batch.check_counts == {"rows": 10, "new": 2, "updated": 0, "unchanged": 0, "errors": 8}
    errors = errors_by_row(batch)
    assert {row: column for row, (column, _m) in errors.items()} == {
        4: header("programme"),
        5: header("person"),
        6: header("person"),
        7: header("person"),
        8: header("programme"),
        9: header("applied_on"),
        10: header("cycle"),
        11: header("status"),
    }
    assert "不存在的项目" in errors[4][1]
    assert UNREGISTERED not in errors[5][1]  # ID numbers are masked in messages
    assert "赵敏" not in errors[6][1]  # unknown to her, as if unregistered
    assert "孙丽" in errors[7][1]
    assert "两癌筛查" in errors[8][1]
    assert "2013" in errors[10][1]

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    assert not Enrolment.objects.exists()
    assert not EnrolmentStep.objects.exists()


def test_a_person_outside_the_unit_chosen_is_an_error(
    township_chair: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    rows = [[NAME, C, "2014-03-08", "", "", "", "", ""]]  # 赵敏 lives in the next village

    batch = upload(township_chair, village, csv_bytes(rows))

    assert errors_by_row(batch)[2][0] == header("person")
    assert "赵敏" in errors_by_row(batch)[2][1]


def test_valid_only_enrols_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    bad = [NAME, D, "2014-03-08", "", "", "", "", ""]
    batch = upload(village_director, village, csv_bytes([*GOOD, bad]))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (2, 1)
    assert statuses() == {"王芳": S.APPLIED, "李娟": S.APPLIED}


def test_a_county_administrator_may_admit_despite_the_rules_with_a_reason(
    county_admin: User,
    tree: Tree,
    programme: Programme,
    people: dict[str, Person],
) -> None:
    rows = [[NAME, D, "2014-03-08", "", "", "", "经旗妇联研究同意", ""]]

    batch = commit(county_admin, upload(county_admin, tree.county, csv_bytes(rows)))

    assert batch.commit_counts["new"] == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.eligible, enrolment.eligibility_override) == (
        False,
        "经旗妇联研究同意",
    )


def test_statuses_advance_only_by_the_roles_whose_step_it_is(
    village_director: User,
    township_chair: User,
    county_admin: User,
    tree: Tree,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    commit(village_director, upload(village_director, village, csv_bytes(GOOD)))
    verified = [
        [NAME, A, "2014-03-08", "苏木乡镇已审核", "", "", "", ""],
        [NAME, B, "2014-03-09", "苏木乡镇已审核", "", "", "", ""],
    ]

    # The village director may not verify: the status cell says why; nothing moves.
    refused = upload(village_director, village, csv_bytes(verified), "verified-by-village.csv")
    assert refused.check_counts["errors"] == 2
    assert {column for column, _m in errors_by_row(refused).values()} == {header("status")}
    assert "王芳" in errors_by_row(refused)[2][1]

    # The township verifies; importing its sheet again changes nothing.
    township = tree.townships[0]
    batch = commit(township_chair, upload(township_chair, township, csv_bytes(verified)))
    assert batch.commit_counts == {"rows": 2, "new": 0, "updated": 2, "unchanged": 0, "errors": 0}
    assert statuses() == {"王芳": S.VERIFIED, "李娟": S.VERIFIED}
    again = upload(township_chair, township, csv_bytes(list(reversed(verified))), "again.csv")
    assert again.check_counts["unchanged"] == 2

    # The county approves what the township verified (and a sheet behind the records is
    # unchanged: 李娟's row still says applied).
    approved = [
        [NAME, A, "2014-03-08", "旗县已审批", "", "", "", ""],
        [NAME, B, "2014-03-09", "已申请", "", "", "", ""],
    ]
    batch = commit(county_admin, upload(county_admin, tree.county, csv_bytes(approved)))
    assert (batch.commit_counts["updated"], batch.commit_counts["unchanged"]) == (1, 1)
    assert statuses() == {"王芳": S.APPROVED, "李娟": S.VERIFIED}
    steps = Enrolment.objects.get(person=people["王芳"]).steps.order_by("pk")
    assert [(s.to_status, s.actor) for s in steps] == [
        (S.APPLIED, village_director),
        (S.VERIFIED, township_chair),
        (S.APPROVED, county_admin),
    ]


def test_who_applies_may_not_also_verify_in_the_same_row(
    county_admin: User,
    tree: Tree,
    programme: Programme,
    people: dict[str, Person],
) -> None:
    rows = [
        [NAME, A, "2014-03-08", "旗县已审批", "", "", "", ""],
        [NAME, B, "2014-03-09", "", "", "", "", ""],
    ]

    batch = upload(county_admin, tree.county, csv_bytes(rows))
    batch = commit(county_admin, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (1, 1)
    column, _message = errors_by_row(batch)[2]
    assert column == header("status")
    assert statuses() == {"李娟": S.APPLIED}  # 王芳's application went with the refused step


def test_a_household_programme_enrols_her_household(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    make_programme: MakeProgramme,  # noqa: F811
) -> None:
    make_programme("贫困家庭帮扶", beneficiary=Beneficiary.HOUSEHOLD)
    household = household_create(actor=None, head=people["王芳"], on=dt.date(2010, 1, 1))
    rows = [
        ["贫困家庭帮扶", A, "2014-03-08", "", "", "", "", ""],  # her one household
        ["贫困家庭帮扶", B, "2014-03-08", "", "", "", "", ""],  # has none
        ["贫困家庭帮扶", E, "2014-03-08", "", "", "H-不存在", "", ""],  # no such household
    ]

    batch = commit(
        village_director,
        upload(village_director, village, csv_bytes(rows)),
        ImportBatch.Mode.VALID_ONLY,
    )

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (1, 2)
    assert {row: column for row, (column, _m) in errors_by_row(batch).items()} == {
        3: header("household"),
        4: header("household"),
    }
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.household) == (people["王芳"], household)


def test_undo_is_refused_and_keeps_the_enrolments(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)

    assert refused.value.code == "not_undoable"
    assert str(refused.value) == str(NOT_UNDOABLE)
    assert Enrolment.objects.count() == 2


def test_a_closed_round_takes_no_more_applications(
    village_director: User,
    county_admin: User,
    village: OrgUnit,  # noqa: F811
    programme: Programme,
    people: dict[str, Person],
) -> None:
    services.cycle_set_status(
        actor=county_admin, cycle=programme.cycles.get(), status=CycleStatus.APPROVED
    )
    rows = [
        [NAME, A, "2014-03-08", "", "", "", "", ""],  # the round covering the date
        [NAME, B, "2014-03-09", "", "2014", "", "", ""],  # the round named
    ]

    batch = upload(village_director, village, csv_bytes(rows))

    assert {row: column for row, (column, _m) in errors_by_row(batch).items()} == {
        2: header("applied_on"),
        3: header("cycle"),
    }
