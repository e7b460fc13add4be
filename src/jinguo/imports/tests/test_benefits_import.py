"""The benefits import type: template, commit through `benefit_deliver`, idempotence, and the
refusals of the delivery form as errors naming the cell."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.benefits import BENEFITS
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    MakePerson,
    id_number,
    make_person,
    village,
)
from jinguo.programmes import finance, services
from jinguo.programmes.choices import EnrolmentStatus
from jinguo.programmes.models import Benefit, Fund, FundEntry, Programme
from jinguo.programmes.tests.conftest import (  # noqa: F401 - fixtures
    MakeProgramme,
    fund,
    make_programme,
)

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
YUAN = Decimal
HEADER = ["项目名称", "身份证号", "发放日期", "类型", "金额或价值（元）", "物品或服务", "数量"]
HEADER += ["计量单位", "经办人", "备注"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("benefits", "发放.csv")

NAME = "单亲母亲救助"
A = id_number(dt.date(1980, 5, 1), "F", 1)
B = id_number(dt.date(1982, 6, 2), "F", 2)
C = id_number(dt.date(1984, 7, 3), "F", 3)


@pytest.fixture
def programme(make_programme: MakeProgramme) -> Programme:  # noqa: F811
    return make_programme(NAME)


@pytest.fixture
def people(make_person: MakePerson, programme: Programme) -> dict[str, Person]:  # noqa: F811
    """王芳 and 李娟 enrolled (approved) in the programme, 赵敏 registered but not enrolled."""
    found = {
        name: make_person(name, id_number=number)
        for name, number in (("王芳", A), ("李娟", B), ("赵敏", C))
    }
    for name in ("王芳", "李娟"):
        enrolment = services.enrolment_apply(
            actor=None, programme=programme, person=found[name], on=dt.date(2014, 3, 1)
        )
        for step in (S.VERIFIED, S.APPROVED):
            enrolment = services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
    return found


GOOD = [
    [NAME, A, "2014-03-08", "现金", "1000", "", "", "", "王主席", "三八节"],
    [NAME, B, "2014年3月9日", "物资", "770", "化肥", "10", "袋", "王主席", ""],
    [NAME, A, "20140310", "服务", "", "法律咨询", "", "", "", ""],
]


def test_the_type_is_registered_with_a_chinese_template() -> None:
    assert registry.get("benefits") is BENEFITS
    data = template_xlsx(str(BENEFITS.label), BENEFITS.columns, language="zh-hans")
    header, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    assert [strip_required_mark(str(h)) for h in header] == [
        "项目名称",
        "身份证号",
        "日期",
        "类型",
        "金额或价值（元）",
        "物品或服务",
        "数量",
        "计量单位",
        "资金账户",
        "经办人",
        "备注",
    ]
    assert [str(h).endswith("*") for h in header[:5]] == [True, True, True, True, False]
    assert "现金" in str(notes[3])  # the kind's drop-down values
    assert "物资" in str(notes[3])
    assert example[3] == "现金"


def test_a_good_file_delivers_every_row(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    assert batch.commit_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    cash, goods, service = Benefit.objects.order_by("on")
    assert (cash.person, cash.kind, cash.amount, cash.fund) == (people["王芳"], "cash", 1000, fund)
    assert (cash.delivered_by, cash.note, cash.recorded_by) == (
        "王主席",
        "三八节",
        village_director,
    )
    assert (goods.person, goods.kind, goods.amount) == (people["李娟"], "goods", YUAN(770))
    assert (goods.item, goods.quantity, goods.measure, goods.fund) == ("化肥", YUAN(10), "袋", None)
    assert (service.kind, service.item, service.on) == ("service", "法律咨询", dt.date(2014, 3, 10))
    assert finance.fund_balance(fund) == YUAN(19000)


def test_importing_the_same_deliveries_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    data = csv_bytes(GOOD)
    commit(village_director, upload(village_director, village, data))
    entries = FundEntry.objects.count()

    with pytest.raises(ApplicationError) as refused:  # the very same file
        upload(village_director, village, data)
    assert refused.value.code == "already_imported"

    # The same rows in another file (reordered, one more): only the new row is written.
    extra = [NAME, B, "2014-03-11", "现金", "200", "", "", "", "", ""]
    again = commit(
        village_director,
        upload(village_director, village, csv_bytes([extra, *reversed(GOOD)]), "again.csv"),
    )
    assert again.commit_counts == {"rows": 4, "new": 1, "updated": 0, "unchanged": 3, "errors": 0}
    assert Benefit.objects.count() == 4
    assert FundEntry.objects.count() == entries + 1
    assert finance.fund_balance(fund) == YUAN(18800)


def test_a_repeated_row_in_one_file_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    batch = upload(village_director, village, csv_bytes([GOOD[0], GOOD[0]]))
    assert batch.check_counts["errors"] == 1
    assert list(errors_by_row(batch)) == [3]


def test_bad_rows_name_their_cell_and_nothing_is_half_written(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    cycle = Programme.objects.get(name=NAME).cycles.get()
    cycle.cash_cap = YUAN(1000)
    cycle.save()
    rows = [
        *GOOD,  # rows 2 to 4: good
        ["不存在的项目", A, "2014-03-08", "现金", "100", "", "", "", "", ""],  # 5
        [NAME, C, "2014-03-08", "现金", "100", "", "", "", "", ""],  # 6: not enrolled
        [NAME, B, "2014-03-08", "现金", "1500", "", "", "", "", ""],  # 7: over the cap
        [NAME, B, "2014-03-08", "红包", "100", "", "", "", "", ""],  # 8: no such kind
        [NAME, B, "2014-03-08", "现金", "-5", "", "", "", "", ""],  # 9: negative
    ]
    before = (Benefit.objects.count(), FundEntry.objects.count(), finance.fund_balance(fund))

    batch = upload(village_director, village, csv_bytes(rows))

    assert batch.check_counts == {"rows": 8, "new": 3, "updated": 0, "unchanged": 0, "errors": 5}
    errors = errors_by_row(batch)
    assert {row: column for row, (column, _m) in errors.items()} == {
        5: "项目名称",
        6: "身份证号",
        7: "金额或价值（元）",
        8: "类型",
        9: "金额或价值（元）",
    }
    assert "不存在的项目" in errors[5][1]
    assert "赵敏" in errors[6][1]
    assert "1000" in errors[7][1]
    assert "1500" in errors[7][1]
    assert "红包" in errors[8][1]

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    after = (Benefit.objects.count(), FundEntry.objects.count(), finance.fund_balance(fund))
    assert after == before


def test_valid_only_delivers_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    bad = [NAME, C, "2014-03-08", "现金", "100", "", "", "", "", ""]
    batch = upload(village_director, village, csv_bytes([*GOOD, bad]))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (3, 1)
    assert Benefit.objects.count() == 3


def test_a_fund_must_be_named_when_the_programme_has_several(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
    county_admin: User,
) -> None:
    other = finance.fund_create(
        actor=county_admin,
        owner=fund.owner,
        name="专项资金",
        source=fund.source,
        opened_on=fund.opened_on,
    )
    finance.fund_receive(
        actor=county_admin, fund=other, on=fund.opened_on, amount=YUAN(500), description="下拨"
    )
    header = [*HEADER, "资金"]
    rows = [
        [*GOOD[0], ""],  # which fund?
        [NAME, B, "2014-03-08", "现金", "300", "", "", "", "", "", "专项资金"],
        [NAME, B, "2014-03-09", "现金", "300", "", "", "", "", "", "没有的资金"],
    ]

    batch = upload(village_director, village, csv_bytes(rows, header=header))

    assert batch.check_counts["new"] == 1
    assert {row: column for row, (column, _m) in errors_by_row(batch).items()} == {
        2: "资金账户",
        4: "资金账户",
    }


def test_undo_is_refused_as_deliveries_cannot_be_voided(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)
    assert refused.value.code == "not_undoable"
    assert Benefit.objects.count() == 3
    assert finance.fund_balance(fund) == YUAN(19000)


def test_the_import_page_offers_benefits(client: Any, village_director: User) -> None:
    client.force_login(village_director)
    response = client.get("/imports/")
    assert response.status_code == 200
    assert 'value="benefits"' in response.content.decode()


def test_an_ambiguous_programme_or_an_unknown_person_is_an_error(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    people: dict[str, Person],
    fund: Fund,  # noqa: F811
    make_programme: MakeProgramme,  # noqa: F811
    tree: Any,
) -> None:
    make_programme("妇女技能培训")
    make_programme("妇女技能培训", owner=tree.townships[0])
    unknown = id_number(dt.date(1990, 1, 1), "F", 9)
    rows = [
        ["妇女技能培训", A, "2014-03-08", "服务", "", "培训", "", "", "", ""],
        [NAME, unknown, "2014-03-08", "服务", "", "培训", "", "", "", ""],
    ]

    batch = upload(village_director, village, csv_bytes(rows))

    errors = errors_by_row(batch)
    assert {row: column for row, (column, _m) in errors.items()} == {2: "项目名称", 3: "身份证号"}
    assert unknown not in errors[3][1]  # ID numbers are masked in messages
