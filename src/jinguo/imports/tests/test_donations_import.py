"""The donations import type: template, commit through `donation_receive` (receipts, fund
entries, stock), idempotence, identical rows as two gifts, the refusals of the receiving form
as errors naming the cell, and the refused undo."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client
from django.utils import translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.donations import services
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import Campaign, CharityPlace, Donation, Donor, StockMove
from jinguo.imports import registry
from jinguo.imports.donations import COLUMNS, DONATIONS, NOT_UNDOABLE
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import commit, errors_by_row
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.orgunits.models import OrgUnit
from jinguo.people.tests.conftest import far_village, village  # noqa: F401 - fixtures
from jinguo.programmes import finance
from jinguo.programmes.choices import FundSource
from jinguo.programmes.models import Fund, FundEntry
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

YUAN = Decimal
OPENED = dt.date(2013, 1, 1)
HEADER = ["接收日期", "捐赠人", "捐赠方类型", "募捐活动", "金额或价值（元）", "捐赠方式"]
HEADER += ["资金账户", "物品", "类别", "数量", "计量单位", "新旧程度", "存放地点", "备注"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("donations", "捐赠.csv")


def row(
    on: str = "2014-10-17",
    donor: str = "",
    kind: str = "",
    campaign: str = "",
    amount: str = "",
    channel: str = "",
    fund: str = "",
    item: str = "",
    category: str = "",
    quantity: str = "",
    measure: str = "",
    condition: str = "",
    place: str = "",
    note: str = "",
) -> list[str]:
    goods = [item, category, quantity, measure, condition, place]
    return [on, donor, kind, campaign, amount, channel, fund, *goods, note]


GOOD = [
    row(donor="李先生", campaign="扶贫日", amount="500", channel="银行转账", note="扶贫日捐款"),
    row("2014年10月17日", "蒙东建材有限公司", "单位", amount="2000", fund="爱心善款"),
    row("20141018", "", "", "", "300", "", "", "棉衣", "衣物", "20", "件", "全新", "村1-1"),
]


@dataclass(frozen=True)
class Setting:
    cabin: CharityPlace
    township_cabin: CharityPlace
    far_fund: Fund
    drive: Campaign
    clothes: Campaign
    far: Campaign
    donor: Donor


@pytest.fixture
def charity_fund(tree: Tree) -> Fund:
    """The county's fund for donations, reached from every village."""
    return finance.fund_create(
        actor=None,
        owner=tree.county,
        name="爱心善款",
        source=FundSource.DONATIONS,
        opened_on=OPENED,
    )


@pytest.fixture
def setting(
    tree: Tree,
    village: OrgUnit,  # noqa: F811
    far_village: OrgUnit,  # noqa: F811
    charity_fund: Fund,
) -> Setting:
    """The village's charity cabin, the township's (above the village director), a fund and
    a campaign of the other township (out of her sight), the county's drives, and a donor
    李先生 recorded by the village and another 李先生 recorded by a village she cannot see."""
    cabin = services.place_open(actor=None, unit=village, opened_on=OPENED)
    township_cabin = services.place_open(actor=None, unit=tree.townships[0], opened_on=OPENED)
    far_fund = finance.fund_create(
        actor=None,
        owner=tree.townships[1],
        name="镇2善款",
        source=FundSource.DONATIONS,
        opened_on=OPENED,
    )
    start = dt.date(2014, 10, 1)
    drive = services.campaign_create(
        actor=None, owner=tree.county, name="扶贫日", start=start, fund=charity_fund
    )
    clothes = services.campaign_create(
        actor=None, owner=tree.county, name="爱心衣物", start=start, place=township_cabin
    )
    far = services.campaign_create(actor=None, owner=tree.townships[1], name="镇2募捐", start=start)
    donor = services.donor_create(
        actor=None, owner=village, kind=DonorKind.PERSON, name="李先生", phone="13904751234"
    )
    services.donor_create(actor=None, owner=far_village, kind=DonorKind.PERSON, name="李先生")
    return Setting(cabin, township_cabin, far_fund, drive, clothes, far, donor)


def header(key: str) -> str:
    """A column's header as the (Chinese) error list names it."""
    with translation.override("zh-hans"):
        return next(str(column.header) for column in COLUMNS if column.key == key)


def test_the_type_is_registered_with_a_chinese_template_and_dropdowns() -> None:
    assert registry.get("donations") is DONATIONS
    data = template_xlsx(str(DONATIONS.label), DONATIONS.columns, language="zh-hans")
    top, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    headers = [strip_required_mark(str(h)) for h in top]
    with translation.override("zh-hans"):
        assert headers == [str(column.header) for column in COLUMNS]
    assert headers[:2] + headers[3:] == [
        "接收日期",
        "捐赠人",
        "募捐活动",
        "金额或价值（元）",
        "捐赠方式",
        "存入账户",
        "物品",
        "类别",
        "数量",
        "计量单位",
        "新旧程度",
        "存放地点",
        "备注",
    ]
    assert [str(h).endswith("*") for h in top] == [True] + [False] * (len(COLUMNS) - 1)
    # The coded columns list their values: the donor kind, the channel, the goods' category
    # and condition.
    assert "个人" in str(notes[2])
    assert "单位" in str(notes[2])
    assert "匿名" in str(notes[2])
    assert example[2] == "个人"
    assert "微信支付" in str(notes[5])
    assert "米、面、油" in str(notes[8])
    assert "全新" in str(notes[11])
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
    dropdowns = [d for d in xml.split("<dataValidation ")[1:] if 'type="list"' in d]
    for letter in "CFIL":  # donor kind, channel, category, condition
        assert [d for d in dropdowns if f'sqref="{letter}' in d], letter


def test_the_import_page_offers_donations(client: Client, village_director: User) -> None:
    client.force_login(village_director)
    response = client.get("/imports/")
    assert response.status_code == 200
    assert 'value="donations"' in response.content.decode()


def test_cash_and_goods_are_received_with_receipts(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    batch = upload(village_director, village, csv_bytes(GOOD))
    assert batch.check_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert not Donation.objects.exists()  # the dry run wrote nothing
    assert Donor.objects.count() == 2  # nor the new donor

    batch = commit(village_director, batch)

    assert batch.commit_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    cash, company, goods = Donation.objects.order_by("pk")
    assert [d.receipt_number for d in (cash, company, goods)] == [
        "2014-00001",
        "2014-00002",
        "2014-00003",
    ]
    assert {d.owner for d in (cash, company, goods)} == {village}
    assert {d.recorded_by for d in (cash, company, goods)} == {village_director}
    # Cash: the known donor (the one the village recorded), the campaign's fund.
    assert (cash.donor, cash.campaign, cash.kind, cash.amount) == (
        setting.donor,
        setting.drive,
        GiftKind.CASH,
        YUAN(500),
    )
    assert (cash.channel, cash.note, cash.received_on) == (
        Channel.BANK,
        "扶贫日捐款",
        dt.date(2014, 10, 17),
    )
    assert cash.fund_entry is not None
    assert cash.fund_entry.fund == charity_fund
    # A donor not yet known is recorded, kept by the village.
    assert company.donor is not None
    assert (company.donor.name, company.donor.kind, company.donor.owner) == (
        "蒙东建材有限公司",
        DonorKind.ORGANISATION,
        village,
    )
    assert company.fund_entry is not None
    assert company.fund_entry.fund == charity_fund
    assert finance.fund_balance(charity_fund) == YUAN(2500)
    # Goods: anonymous, into the village's cabin, valued at 300 yuan.
    assert (goods.donor, goods.kind, goods.amount, goods.place) == (
        None,
        GiftKind.GOODS,
        YUAN(300),
        setting.cabin,
    )
    assert (goods.item, goods.category, goods.quantity, goods.measure, goods.condition) == (
        "棉衣",
        GoodsCategory.CLOTHING,
        YUAN(20),
        "件",
        Condition.NEW,
    )
    move = StockMove.objects.get()
    assert (move.place, move.item, move.quantity, move.value, move.donation) == (
        setting.cabin,
        "棉衣",
        YUAN(20),
        YUAN(300),
        goods,
    )
    assert services.stock_on(setting.cabin, "棉衣", "件") == YUAN(20)


def test_importing_the_same_donations_again_changes_nothing(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    data = csv_bytes(GOOD)
    commit(village_director, upload(village_director, village, data))
    counts = (Donor.objects.count(), FundEntry.objects.count(), StockMove.objects.count())

    with pytest.raises(ApplicationError) as refused:  # the very same file
        upload(village_director, village, data)
    assert refused.value.code == "already_imported"

    # The same rows in another file (reordered): nothing is written.
    again = commit(
        village_director,
        upload(village_director, village, csv_bytes(list(reversed(GOOD))), "again.csv"),
    )
    assert again.commit_counts == {"rows": 3, "new": 0, "updated": 0, "unchanged": 3, "errors": 0}
    assert Donation.objects.count() == 3
    assert (Donor.objects.count(), FundEntry.objects.count(), StockMove.objects.count()) == counts
    assert finance.fund_balance(charity_fund) == YUAN(2500)

    # One more row: only it is written, with the next receipt number.
    extra = row("2014-10-19", "李先生", amount="200", fund="爱心善款")
    third = commit(
        village_director,
        upload(village_director, village, csv_bytes([*GOOD, extra]), "third.csv"),
    )
    assert third.commit_counts == {"rows": 4, "new": 1, "updated": 0, "unchanged": 3, "errors": 0}
    latest = Donation.objects.order_by("-pk").first()
    assert latest is not None
    assert latest.receipt_number == "2014-00004"


def test_identical_rows_in_one_file_are_two_gifts_and_found_again(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    gift = row(campaign="扶贫日", amount="100", channel="现金")  # two anonymous 100 yuan gifts
    batch = commit(village_director, upload(village_director, village, csv_bytes([gift, gift])))

    assert batch.commit_counts["new"] == 2
    assert Donation.objects.count() == 2
    assert finance.fund_balance(charity_fund) == YUAN(200)

    # The same two rows and a third like them: the two are found, the third is a new gift.
    again = commit(
        village_director,
        upload(village_director, village, csv_bytes([gift, gift, gift]), "again.csv"),
    )
    assert again.commit_counts == {"rows": 3, "new": 1, "updated": 0, "unchanged": 2, "errors": 0}
    assert Donation.objects.count() == 3
    assert finance.fund_balance(charity_fund) == YUAN(300)


BAD = [
    row(donor="王女士", kind="个人", campaign="不存在的活动", amount="100"),  # 5
    row(donor="王女士", kind="个人", amount="100", fund="没有的资金"),  # 6
    row(donor="王女士", kind="个人", campaign="扶贫日"),  # 7: neither cash nor goods
    row(donor="王女士", kind="个人", campaign="扶贫日", amount="-5"),  # 8: negative
    row("2014-13-45", "王女士", "个人", "扶贫日", "100"),  # 9: no such date
    row(item="大米", category="米、面、油", quantity="50", measure="斤", place="镇1"),  # 10
    row(donor="王女士", kind="个人", amount="100", fund="镇2善款"),  # 11: another township's
    row(donor="王女士", kind="个人", campaign="镇2募捐", amount="100"),  # 12: likewise
    row(donor="赵老板", campaign="扶贫日", amount="100"),  # 13: a new donor of no kind
    row(item="大米", quantity="50", measure="斤", place="村1-1"),  # 14: no category
    row(donor="王女士", kind="个人", amount="100"),  # 15: into which fund?
    row("2012-12-01", "", "", "", "", "", "", "大米", "米、面、油", "5", "斤", "", "村1-1"),  # 16
    row(item="棉衣", category="衣物", quantity="5", measure="件", campaign="爱心衣物"),  # 17
    row(item="棉衣", category="衣物", quantity="5", measure="件", place="村1-1", fund="爱心善款"),
]


def test_bad_rows_name_their_cell_and_nothing_is_written(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    before = (Donor.objects.count(), FundEntry.objects.count(), StockMove.objects.count())

    batch = upload(village_director, village, csv_bytes([*GOOD, *BAD]))

    assert batch.check_counts == {"rows": 17, "new": 3, "updated": 0, "unchanged": 0, "errors": 14}
    errors = errors_by_row(batch)
    assert {number: column for number, (column, _m) in errors.items()} == {
        5: "募捐活动",
        6: "存入账户",
        7: "金额或价值（元）",
        8: "金额或价值（元）",
        9: "接收日期",
        10: "存放地点",  # the township's cabin is above the village director
        11: "存入账户",
        12: "募捐活动",
        13: header("donor_kind"),
        14: "类别",
        15: "存入账户",
        16: "接收日期",  # before the cabin opened
        17: "募捐活动",  # its goods go to the township's cabin, which she does not keep
        18: "存入账户",  # a fund for goods
    }
    assert "不存在的活动" in errors[5][1]
    assert "没有的资金" in errors[6][1]
    assert "2014-13-45" in errors[9][1]
    assert "镇1" in errors[10][1]
    assert "赵老板" in errors[13][1]
    assert "镇1" in errors[17][1]

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    assert not Donation.objects.exists()
    after = (Donor.objects.count(), FundEntry.objects.count(), StockMove.objects.count())
    assert after == before
    assert finance.fund_balance(charity_fund) == YUAN(0)


def test_valid_only_receives_the_good_rows(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    batch = upload(village_director, village, csv_bytes([*GOOD, BAD[0], BAD[8]]))

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (3, 2)
    assert Donation.objects.count() == 3
    assert not Donor.objects.filter(name__in=["王女士", "赵老板"]).exists()
    assert finance.fund_balance(charity_fund) == YUAN(2500)


def test_a_township_chair_takes_goods_into_the_township_cabin(
    township_chair: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
) -> None:
    gifts = [
        row(item="棉衣", category="衣物", quantity="5", measure="件", campaign="爱心衣物"),
        row(item="大米", category="米、面、油", quantity="50", measure="斤", place="镇1"),
    ]

    batch = commit(township_chair, upload(township_chair, village, csv_bytes(gifts)))

    assert batch.commit_counts["new"] == 2
    assert {d.place for d in Donation.objects.all()} == {setting.township_cabin}


def test_undo_is_refused_as_receipts_cannot_be_voided(
    village_director: User,
    village: OrgUnit,  # noqa: F811
    setting: Setting,
    charity_fund: Fund,
) -> None:
    batch = commit(village_director, upload(village_director, village, csv_bytes(GOOD)))

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)

    assert refused.value.code == "not_undoable"
    assert str(refused.value) == str(NOT_UNDOABLE)
    assert Donation.objects.count() == 3
    assert finance.fund_balance(charity_fund) == YUAN(2500)
