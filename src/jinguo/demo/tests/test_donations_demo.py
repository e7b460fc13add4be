"""The demo donations: the figures of the 2014 work summary, as the donation selectors give them.

Every figure is read through `jinguo.donations.selectors` — `place_figures`, `campaign_figures`
and `stock` — as the public page and the staff pages read them, cumulative from the cabin's
opening in January 2013 to the demo's today (31 December 2014). The demo is loaded once for the
package (conftest.py) and the donations once for this module (`demo_donations`, below), in a
savepoint rolled back after the module's last test, so that the other modules see the demo as
the loader leaves it; once the loader loads the donations itself, `load` finds them there and
does nothing. Where the summary's own number cannot be right, the test asserts the plausible
value and says why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.demo import activities as demo_activities
from jinguo.demo import donations as demo_donations_module
from jinguo.demo.activities import TODAY
from jinguo.demo.donations import DonationsResult
from jinguo.demo.loader import LoadResult, demo_unit
from jinguo.donations import selectors
from jinguo.donations.choices import DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import (
    Campaign,
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    HandOver,
    StockMove,
)
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.choices import Category, ConsentPurpose
from jinguo.people.models import Household, Person
from jinguo.programmes.finance import fund_balance

# This module is its own plugin, for the ordering hook below: pytest reads hooks from plugins
# only, and this one must not live in a file of its own.
pytest_plugins = ["jinguo.demo.tests.test_donations_demo"]
pytestmark = pytest.mark.usefixtures("demo_donations")

D = dt.date
Y = Decimal
M = demo_donations_module
CERTIFICATE = M.CERTIFICATE
HERE = Path(__file__).parent
AFTER = "test_loader.py"
BEFORE_OPENING = D(2012, 12, 31)
PIECE_CATEGORIES: set[str] = {
    GoodsCategory.CLOTHING,
    GoodsCategory.SHOES,
    GoodsCategory.MOBILITY,
    GoodsCategory.SCHOOL,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run these tests after test_loader.py's: its first one needs the empty database, before
    anything asks for the package's `demo`, and this file sorts before it."""
    mine = [item for item in items if item.path == Path(__file__)]
    if not mine:
        return
    moved = {id(item) for item in mine}
    rest = [item for item in items if id(item) not in moved]
    after = [
        index
        for index, item in enumerate(rest)
        if item.path.parent == HERE and item.path.name == AFTER
    ]
    if after:
        items[:] = [*rest[: after[-1] + 1], *mine, *rest[after[-1] + 1 :]]


@pytest.fixture(scope="module")
def demo_donations(demo: LoadResult, django_db_blocker: Any) -> Iterator[DonationsResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = M.load()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def cabin(banner: OrgUnit) -> CharityPlace:
    return CharityPlace.objects.get(unit__name=demo_activities.CABIN_TEAM)


@pytest.fixture
def store(banner: OrgUnit) -> CharityPlace:
    return CharityPlace.objects.get(unit__name=M.COUNTY_FEDERATION)


@pytest.fixture
def campaigns(admin: User) -> dict[str, Campaign]:
    return {campaign.name: campaign for campaign in selectors.campaign_list(admin)}


def _in(figures: selectors.PublicFigures, categories: set[str]) -> dict[str, Decimal]:
    """What came in, by measure, of the given categories."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in figures.goods_in:
        if line.category in categories:
            totals[line.measure] += line.quantity
    return dict(totals)


# --- the load -------------------------------------------------------------------------------------


def test_the_load_goes_through_the_services_once(demo_donations: DonationsResult) -> None:
    assert AuditEntry.objects.filter(action="donation.receive").count() == Donation.objects.count()
    assert (
        AuditEntry.objects.filter(action="disbursement.give").count()
        == Disbursement.objects.count()
    )
    assert AuditEntry.objects.filter(action="handover.record").count() == 1
    assert AuditEntry.objects.filter(action="charity_place.open").count() == 2
    if demo_donations.loaded:  # loaded here, not by the demo loader
        assert demo_donations.donations == Donation.objects.count()
        assert demo_donations.disbursements == Disbursement.objects.count()
        assert demo_donations.campaigns == Campaign.objects.count() == 3
        heads = Person.objects.filter(notes=M.CABIN_NOTE)
        assert demo_donations.households == heads.count() > 0
        members = Person.objects.filter(memberships__household__memberships__person__in=heads)
        assert demo_donations.people == members.distinct().count()
        # Seconds, not minutes, on top of the demo: about 25 s of CPU on SQLite (a slow 2-core
        # machine, where the whole demo takes three minutes of CPU). CPU, not the clock: other
        # processes on the machine do not count.
        assert demo_donations.cpu_seconds < 90
    before = (AuditEntry.objects.count(), Person.objects.count(), Donation.objects.count())
    assert M.load() == DonationsResult(loaded=False)
    assert (AuditEntry.objects.count(), Person.objects.count(), Donation.objects.count()) == before


def test_nothing_is_recorded_after_2014_nor_before_the_cabin_opened(cabin: CharityPlace) -> None:
    assert not Donation.objects.filter(received_on__gt=TODAY).exists()
    assert not Disbursement.objects.filter(on__gt=TODAY).exists()
    assert not StockMove.objects.filter(place=cabin, on__lt=cabin.opened_on).exists()
    figures = selectors.place_figures(cabin, on=BEFORE_OPENING)
    assert figures.cash_in == 0
    assert figures.goods_in == []
    assert figures.person_times == 0


# --- 大镇“爱心小屋” -------------------------------------------------------------------------------


def test_the_cabin_of_daqintala_opened_in_january_2013(cabin: CharityPlace) -> None:
    assert cabin.opened_on == D(2013, 1, 15)  # "大镇“爱心小屋”建于2013年1月"
    assert cabin.unit == demo_unit([M.DAQIN_TOWN, demo_activities.CABIN_TEAM])
    assert cabin.unit.kind == Kind.VOLUNTEER_TEAM
    assert "大镇爱心小屋" in cabin.unit.note  # the alias the summary uses
    assert cabin.public
    assert cabin in selectors.public_places()


def test_the_cabin_raised_239450_yuan_since_it_opened(
    cabin: CharityPlace, campaigns: dict[str, Campaign]
) -> None:
    figures = selectors.place_figures(cabin, on=TODAY)
    # "筹集各方善款239450万元": 239450万 would be 2,394,500,000 yuan, more than a county's
    # budget and impossible for a town's charity cabin. The 万 is a slip: 239,450 yuan.
    assert figures.cash_in == Y(239_450)
    # It includes the poverty day's 13,450 yuan, handed over to the cabin on 17 October 2014.
    handed_over = Donation.objects.get(campaign__place=cabin, note__contains=M.CERTIFICATE)
    assert (handed_over.received_on, handed_over.amount) == (D(2014, 10, 17), Y(13_450))
    assert figures.cash_out <= figures.cash_in
    campaign = campaigns[M.CABIN_CAMPAIGN]
    assert campaign.place == cabin
    assert campaign.fund is not None
    assert campaign.fund.owner == cabin.unit


def test_the_cabin_took_in_2275_pieces_and_15090_jin(cabin: CharityPlace) -> None:
    figures = selectors.place_figures(cabin, on=TODAY)
    # "衣物、鞋、轮椅、拐杖、书包等2275件": clothing, shoes, wheelchairs and crutches, school
    # bags, every one counted in 件.
    assert _in(figures, PIECE_CATEGORIES) == {"件": Y(2275)}
    assert {line.category for line in figures.goods_in if line.measure == "件"} == (
        PIECE_CATEGORIES
    )
    # "米、面、油15090斤"
    assert _in(figures, {str(GoodsCategory.FOOD)}) == {"斤": Y(15_090)}
    items = {line.item: line for line in selectors.stock(cabin, on=TODAY)}
    assert set(items) == {"衣物", "鞋", "轮椅", "拐杖", "书包", "大米", "面粉", "食用油"}
    assert items["轮椅"].category == items["拐杖"].category == GoodsCategory.MOBILITY
    assert sum(items[name].quantity_in for name in ("大米", "面粉", "食用油")) == Y(15_090)


def test_the_cabin_helped_1245_households_and_1662_person_times(cabin: CharityPlace) -> None:
    figures = selectors.place_figures(cabin, on=TODAY)
    assert figures.households == 1245  # "救助贫困户1245户"
    # "受资助人达1662人次": every gift to a person or a household is one person-time.
    assert figures.person_times == 1662
    aid = Disbursement.objects.filter(Q(place=cabin) | Q(campaign__place=cabin))
    to_households = aid.filter(household__isnull=False)
    assert to_households.count() == to_households.values("household").distinct().count() == 1245
    assert aid.filter(person__isnull=False).count() == 1662 - 1245
    assert figures.people == aid.values("person").exclude(person=None).distinct().count()
    assert figures.people is not None
    assert figures.people > 100


def test_the_cabins_households_are_registered_in_the_banner_seat(cabin: CharityPlace) -> None:
    town = demo_unit([M.DAQIN_TOWN])
    street = demo_unit([M.DAQIN_STREET])
    helped = Household.objects.filter(aid_received__campaign__place=cabin).distinct()
    assert helped.count() == 1245
    assert set(helped.values_list("residence__parent", flat=True)) <= {town.pk, street.pk}
    # Every household of the seat the registry held, then those the cabin registered.
    seat = Household.objects.filter(residence__parent__in=[town, street])
    assert set(helped) == set(seat)
    heads = Person.objects.filter(notes=M.CABIN_NOTE)
    new = helped.filter(memberships__person__in=heads).distinct()
    assert new.count() == heads.count() > 0
    assert set(new.values_list("residence__parent", flat=True)) == {town.pk}
    assert not new.filter(residence__name=demo_activities.SAFE_FAMILY_VILLAGE).exists()
    assert not heads.filter(consents__isnull=True).exists()
    assert set(heads.values_list("consents__purpose", flat=True)) == {ConsentPurpose.REGISTRY}
    assert not heads.filter(id_number_index__isnull=True).exists()


def test_children_whose_record_says_they_had_cabin_aid_had_it(cabin: CharityPlace) -> None:
    flagged = Person.objects.filter(
        categories__left_behind__aid_received=demo_activities.CABIN_AID
    ).distinct()
    given = Disbursement.objects.filter(campaign__place=cabin, person__in=flagged)
    assert given.values("person").distinct().count() == flagged.count() > 0
    bags = Disbursement.objects.filter(place=cabin, item="书包")
    assert all(gift.on.month in (8, 9) for gift in bags)


def test_the_cabins_stock_never_goes_below_zero(cabin: CharityPlace) -> None:
    for line in selectors.stock(cabin, on=TODAY):
        assert line.balance >= 0, line
        assert line.quantity_out <= line.quantity_in
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_day: dict[tuple[dt.date, str, str], Decimal] = defaultdict(Decimal)
    for move in StockMove.objects.filter(place=cabin):
        by_day[(move.on, move.item, move.measure)] += move.quantity
    for (_day, item, measure), quantity in sorted(by_day.items()):
        running[(item, measure)] += quantity
        assert running[(item, measure)] >= 0, (_day, item)
    # Cash too: the cabin's fund never holds less than nothing.
    fund = Campaign.objects.get(name=M.CABIN_CAMPAIGN).fund
    assert fund is not None
    balance = Y(0)
    for entry in fund.entries.order_by("on", "pk"):
        balance += entry.amount
    assert balance >= 0
    days = fund.entries.values_list("on", flat=True).distinct()
    assert all(fund_balance(fund, day) >= 0 for day in days)


def test_the_cabins_donors_are_organisations_people_and_many_anonymous(
    cabin: CharityPlace,
) -> None:
    gifts = Donation.objects.filter(campaign__place=cabin)
    kinds = {kind: gifts.filter(donor__kind=kind).count() for kind in DonorKind}
    assert kinds[DonorKind.ANONYMOUS] > kinds[DonorKind.ORGANISATION] > 0
    assert kinds[DonorKind.ANONYMOUS] >= 100
    assert kinds[DonorKind.PERSON] > 0
    receipts = list(gifts.order_by("received_on", "pk").values_list("receipt_number", flat=True))
    assert receipts[0] == "2013-00001"
    assert len(set(receipts)) == len(receipts)
    donors = Donor.objects.filter(owner=cabin.unit, kind=DonorKind.PERSON)
    assert donors.exists()
    assert not donors.filter(phone__isnull=True).exists()


# --- 扶贫日 ---------------------------------------------------------------------------------------


def test_the_poverty_day_raised_61000_yuan_and_helped_41_people(
    campaigns: dict[str, Campaign],
) -> None:
    campaign = campaigns[M.POVERTY_DAY_CAMPAIGN]
    figures = selectors.campaign_figures(campaign)
    assert figures.cash_in == Y(61_000)  # "筹集资金6.1万元"
    # "救助了孤残儿童、贫困学生、贫困残疾人等弱势群体41名", one gift each.
    assert (figures.people, figures.person_times, figures.households) == (41, 41, 0)
    to_people = Disbursement.objects.filter(campaign=campaign, person__isnull=False)
    assert to_people.count() == 41
    # The 61,000 is everything raised, the 13,450 collected on the spot included: 47,550 went
    # to the 41, and the rest to the cabin.
    assert sum(gift.amount for gift in to_people) == Y(47_550)
    assert figures.cash_out == figures.cash_in
    assert {gift.on for gift in to_people} == {D(2014, 10, 17)}


def test_the_41_are_orphans_pupils_and_disabled_people_as_in_the_activities(
    campaigns: dict[str, Campaign],
) -> None:
    campaign = campaigns[M.POVERTY_DAY_CAMPAIGN]
    helped = Person.objects.filter(aid_received__campaign=campaign)
    flagged = Person.objects.filter(
        categories__left_behind__aid_received=demo_activities.POVERTY_DAY_AID
    )
    day = D(2014, 10, 17)
    orphans = Person.objects.in_category(Category.ORPHAN, day)
    disabled = Person.objects.in_category(Category.DISABLED, day)
    assert set(helped) <= set(flagged) | set(orphans) | set(disabled)
    assert helped.filter(pk__in=flagged).count() > 0
    assert helped.filter(pk__in=orphans).count() > 0
    assert helped.filter(pk__in=disabled).count() > 0


def test_13450_yuan_collected_on_the_spot_went_to_the_cabin_before_a_notary(
    cabin: CharityPlace, campaigns: dict[str, Campaign]
) -> None:
    campaign = campaigns[M.POVERTY_DAY_CAMPAIGN]
    on_the_spot = Donation.objects.get(campaign=campaign, note="现场募捐")
    assert on_the_spot.amount == Y(13_450)  # "现场募捐13450元"
    assert on_the_spot.donor is not None
    assert on_the_spot.donor.kind == DonorKind.ANONYMOUS
    [handover] = HandOver.objects.filter(campaign=campaign)
    assert (handover.on, handover.amount) == (D(2014, 10, 17), Y(13_450))
    # "在公证人员的公证下交由大镇爱心小屋工作人员": the notary and the certificate are invented.
    assert handover.notary
    assert handover.certificate_number == CERTIFICATE == "(2014)奈证民字第1017号"  # invented
    assert "爱心小屋" in handover.received_by
    [passed] = handover.disbursements.all()
    assert (passed.recipient_unit, passed.amount, passed.kind) == (
        cabin.unit,
        Y(13_450),
        GiftKind.CASH,
    )
    received = Donation.objects.get(campaign__place=cabin, note__contains=CERTIFICATE)
    assert (received.received_on, received.amount) == (handover.on, Y(13_450))
    assert received.kind == GiftKind.CASH


# --- 留守流动儿童家园 at 大沁他拉镇第四小学 -------------------------------------------------------


def test_the_regional_federation_equipped_the_fourth_schools_childrens_home(
    store: CharityPlace,
) -> None:
    school = demo_unit([M.DAQIN_TOWN, M.FOURTH_SCHOOL])
    given = Disbursement.objects.filter(recipient_unit=school)
    # "自治区妇联为学校配备了12台电脑，5台电子琴，2个乒乓球台" (electronic keyboards).
    assert {(gift.item, gift.quantity, gift.measure) for gift in given} == {
        ("电脑", Y(12), "台"),
        ("电子琴", Y(5), "台"),
        ("乒乓球台", Y(2), "个"),
    }
    assert {gift.place for gift in given} == {store}
    gifts = Donation.objects.filter(place=store, item__in=["电脑", "电子琴", "乒乓球台"])
    assert {gift.donor.name for gift in gifts if gift.donor} == {M.REGIONAL_FEDERATION}
    lines = {line.item: line for line in selectors.stock(store, on=TODAY)}
    for item in ("电脑", "电子琴", "乒乓球台"):
        assert lines[item].quantity_in == lines[item].quantity_out
        assert lines[item].balance == 0
    assert not store.public


# --- the civilised posts ------------------------------------------------------------------------


def test_the_civilised_posts_gave_books_and_medicines_worth_more_than_50000(
    campaigns: dict[str, Campaign], store: CharityPlace
) -> None:
    campaign = campaigns[M.POSTS_CAMPAIGN]
    figures = selectors.campaign_figures(campaign)
    # "旗农电局、旗医院、疾控中心等文明岗 … 投入物资5万多元": 52,300 yuan, as the activities hold.
    assert figures.goods_in_value == Y(52_300)
    assert Y(50_000) < figures.goods_in_value < Y(60_000)
    assert figures.goods_out_value == figures.goods_in_value
    outings = {post: value for post, _day, value in demo_activities.POST_OUTINGS}
    assert sum(outings.values()) == figures.goods_in_value
    gifts = Donation.objects.filter(campaign=campaign)
    assert {gift.donor.name for gift in gifts if gift.donor} == set(outings)
    villages = {post: village for post, _township, village in demo_activities.POST_VILLAGES}
    for gift in Disbursement.objects.filter(campaign=campaign).select_related("recipient_unit"):
        assert gift.recipient_unit is not None
        assert gift.recipient_unit.name in {villages[post] for post in outings}
    assert {gift.item for gift in gifts} == {"科技书籍", "妇科常用药品", "常用药品"}


# --- scope ---------------------------------------------------------------------------------------


def test_the_township_chair_sees_the_cabin_and_the_village_director_her_village(
    cabin: CharityPlace,
) -> None:
    chair = User.objects.get(username="chair")
    director = User.objects.get(username="director")
    assert selectors.place_list(chair).filter(pk=cabin.pk).exists()
    assert not selectors.place_list(director).exists()
    village = demo_unit([M.DAQIN_TOWN, "舍力虎村"])
    seen = selectors.disbursement_list(director)
    assert seen.exists()
    assert set(seen.values_list("unit", flat=True)) == {village.pk}
