"""Donations in, stock, aid out: the arithmetic never goes below zero, receipts are numbered,
aid under a programme is its benefit, and the public figures name no one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.donations import selectors, services
from jinguo.donations.choices import Channel, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import CharityPlace, StockMove
from jinguo.donations.services import Count, Gift, Goods
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes import finance
from jinguo.programmes import services as programmes
from jinguo.programmes.choices import FundSource
from jinguo.programmes.models import Fund
from jinguo.programmes.tests.conftest import MakeProgramme
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db
D = dt.date
Y = Decimal
RICE = Goods("大米", GoodsCategory.FOOD, Y(100), "斤")


@pytest.fixture
def cabin(tree: Tree) -> CharityPlace:
    return services.place_open(actor=None, unit=tree.townships[0], opened_on=D(2013, 1, 1))


@pytest.fixture
def charity_fund(tree: Tree) -> Fund:
    return finance.fund_create(
        actor=None,
        owner=tree.county,
        name="爱心善款",
        source=FundSource.DONATIONS,
        opened_on=D(2013, 1, 1),
    )


def give_rice(cabin: CharityPlace, on: dt.date | None = None, quantity: int = 100) -> Any:
    return services.donation_receive(
        actor=None,
        owner=cabin.unit,
        received_on=on or D(2013, 2, 1),
        kind=GiftKind.GOODS,
        goods=Goods("大米", GoodsCategory.FOOD, Y(quantity), "斤"),
        place=cabin,
        amount=Y(quantity * 2),
    )


def test_receipts_are_numbered_per_unit_and_year(
    tree: Tree, charity_fund: Fund, county_admin: User
) -> None:
    donor = services.donor_create(
        actor=county_admin,
        owner=tree.county,
        kind=DonorKind.PERSON,
        name="李先生",
        phone="13904751234",
    )
    numbers = [
        services.donation_receive(
            actor=county_admin,
            owner=tree.county,
            received_on=on,
            kind=GiftKind.CASH,
            donor=donor,
            amount=Y(500),
            fund=charity_fund,
            channel=Channel.WECHAT,
        ).receipt_number
        for on in (D(2014, 10, 17), D(2014, 10, 18), D(2015, 1, 2))
    ]
    assert numbers == ["2014-00001", "2014-00002", "2015-00001"]
    assert finance.fund_balance(charity_fund) == Y(1500)
    assert donor.phone == "13904751234"
    assert AuditEntry.objects.filter(action="donation.receive").count() == 3


def test_cash_needs_a_fund_and_goods_their_details(tree: Tree, cabin: CharityPlace) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.donation_receive(
            actor=None,
            owner=tree.county,
            received_on=D(2014, 1, 1),
            kind=GiftKind.CASH,
            amount=Y(5),
        )
    assert caught.value.code == "cash_incomplete"
    with pytest.raises(ApplicationError) as caught:
        services.donation_receive(
            actor=None,
            owner=cabin.unit,
            received_on=D(2014, 1, 1),
            kind=GiftKind.GOODS,
            goods=Goods("衣物", "", Y(3), "件"),
            place=cabin,
        )
    assert caught.value.code == "goods_incomplete"
    with pytest.raises(ApplicationError) as caught:
        give_rice(cabin, on=D(2012, 12, 31))
    assert caught.value.code == "before_opening"


def test_stock_is_in_minus_out_and_never_negative_on_any_day(
    cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, D(2013, 2, 1), 100)
    woman = make_person("王芳")
    services.disburse(
        actor=None,
        owner=cabin.unit,
        gift=Gift(
            on=D(2013, 3, 1),
            kind=GiftKind.GOODS,
            person=woman,
            goods=Goods("大米", GoodsCategory.FOOD, Y(60), "斤"),
            place=cabin,
        ),
    )
    # 40 left after 1 March; taking 50 on 15 February would leave -10 on 1 March.
    with pytest.raises(ApplicationError) as caught:
        services.disburse(
            actor=None,
            owner=cabin.unit,
            gift=Gift(
                on=D(2013, 2, 15),
                kind=GiftKind.GOODS,
                person=woman,
                goods=Goods("大米", GoodsCategory.FOOD, Y(50), "斤"),
                place=cabin,
            ),
        )
    assert caught.value.code == "stock_short"
    assert "2013-03-01" in caught.value.render("en")
    for day, expected in ((D(2013, 1, 31), Y(0)), (D(2013, 2, 1), Y(100)), (D(2013, 3, 1), Y(40))):
        assert services.stock_on(cabin, "大米", "斤", day) == expected
    [line] = selectors.stock(cabin)
    assert (line.quantity_in, line.quantity_out, line.balance, line.value_in) == (
        Y(100),
        Y(60),
        Y(40),
        Y(200),
    )


def test_a_stock_take_explains_and_books_each_difference(
    cabin: CharityPlace, county_admin: User
) -> None:
    give_rice(cabin, D(2013, 2, 1), 100)
    with pytest.raises(ApplicationError) as caught:
        services.stocktake_record(
            actor=None, place=cabin, on=D(2013, 6, 30), counts=[Count("大米", "斤", Y(95))]
        )
    assert caught.value.code == "explanation_required"
    assert not cabin.stocktakes.exists()
    take = services.stocktake_record(
        actor=None, place=cabin, on=D(2013, 6, 30), counts=[Count("大米", "斤", Y(95), "受潮损耗")]
    )
    assert take.lines.get().difference == Y(-5)
    assert services.stock_on(cabin, "大米", "斤") == Y(95)
    [line] = selectors.stock(cabin)
    assert (line.adjusted, line.balance) == (Y(-5), Y(95))


def test_aid_under_a_programme_is_its_benefit(
    tree: Tree,
    cabin: CharityPlace,
    charity_fund: Fund,
    make_programme: MakeProgramme,
    make_person: Any,
    county_admin: User,
) -> None:
    programme = make_programme("扶贫日救助", start=D(2014, 10, 1))
    campaign = services.campaign_create(
        actor=county_admin,
        owner=tree.county,
        name="扶贫日",
        start=D(2014, 10, 17),
        fund=charity_fund,
        place=cabin,
        programme=programme,
    )
    services.donation_receive(
        actor=None,
        owner=tree.county,
        received_on=D(2014, 10, 17),
        kind=GiftKind.CASH,
        amount=Y(13450),
        campaign=campaign,
    )
    child = make_person("张小明", birth_date=D(2006, 5, 1), sex="M")
    enrolment = programmes.enrolment_apply(
        actor=None, programme=programme, person=child, on=D(2014, 10, 17)
    )
    programmes.enrolment_advance(actor=None, enrolment=enrolment, to="verified")
    programmes.enrolment_advance(actor=None, enrolment=enrolment, to="approved")
    aid = services.disburse(
        actor=county_admin,
        owner=tree.county,
        gift=Gift(
            on=D(2014, 10, 20), kind=GiftKind.CASH, person=child, amount=Y(1500), campaign=campaign
        ),
    )
    assert aid.benefit is not None
    assert aid.benefit.programme == programme
    assert aid.fund_entry == aid.benefit.fund_entry
    assert finance.fund_balance(charity_fund) == Y(11950)
    # Not enrolled: the programme's rules refuse it, and nothing is written.
    stranger = make_person("李娟")
    with pytest.raises(ApplicationError) as caught:
        services.disburse(
            actor=county_admin,
            owner=tree.county,
            gift=Gift(
                on=D(2014, 10, 20),
                kind=GiftKind.CASH,
                person=stranger,
                amount=Y(100),
                campaign=campaign,
            ),
        )
    assert caught.value.code == "not_enrolled"
    assert finance.fund_balance(charity_fund) == Y(11950)


def test_equipment_to_a_unit_and_exactly_one_recipient(
    tree: Tree, cabin: CharityPlace, make_person: Any
) -> None:
    services.donation_receive(
        actor=None,
        owner=cabin.unit,
        received_on=D(2014, 5, 1),
        kind=GiftKind.GOODS,
        goods=Goods("电脑", GoodsCategory.ELECTRONICS, Y(12), "台"),
        place=cabin,
        amount=Y(36000),
    )
    school = tree.village(0, 0)
    aid = services.disburse(
        actor=None,
        owner=cabin.unit,
        gift=Gift(
            on=D(2014, 5, 2),
            kind=GiftKind.GOODS,
            recipient_unit=school,
            goods=Goods("电脑", GoodsCategory.ELECTRONICS, Y(12), "台"),
            place=cabin,
            amount=Y(36000),
        ),
    )
    assert (aid.unit, aid.recipient) == (school, str(school))
    with pytest.raises(ApplicationError) as caught:
        services.disburse(
            actor=None,
            owner=cabin.unit,
            gift=Gift(
                on=D(2014, 5, 2),
                kind=GiftKind.CASH,
                recipient_unit=school,
                person=make_person(),
                amount=Y(1),
            ),
        )
    assert caught.value.code == "one_recipient"


def test_a_list_is_all_or_nothing(cabin: CharityPlace, make_person: Any) -> None:
    give_rice(cabin, D(2013, 2, 1), 100)
    people = [make_person(name) for name in ("王芳", "李娟", "张丽")]
    gifts = [
        Gift(
            on=D(2013, 3, 1),
            kind=GiftKind.GOODS,
            person=p,
            goods=Goods("大米", GoodsCategory.FOOD, Y(40), "斤"),
            place=cabin,
        )
        for p in people
    ]
    result = services.disburse_many(actor=None, owner=cabin.unit, gifts=gifts)
    assert [(row, error.code) for row, _gift, error in result.errors] == [(3, "stock_short")]
    assert not StockMove.objects.filter(disbursement__isnull=False).exists()
    partial = services.disburse_many(actor=None, owner=cabin.unit, gifts=gifts, valid_only=True)
    assert len(partial.disbursements) == 2
    assert services.stock_on(cabin, "大米", "斤") == Y(20)


def test_public_figures_suppress_small_counts_and_match_the_staff_view(
    cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, D(2013, 2, 1), 500)
    people = [make_person(f"受助人{i}") for i in range(6)]
    for person in people[:4]:
        services.disburse(
            actor=None,
            owner=cabin.unit,
            gift=Gift(
                on=D(2013, 3, 1),
                kind=GiftKind.GOODS,
                person=person,
                goods=Goods("大米", GoodsCategory.FOOD, Y(10), "斤"),
                place=cabin,
                amount=Y(20),
            ),
        )
    few = selectors.place_figures(cabin)
    assert (few.people, few.person_times) == (None, None)  # 4: fewer than 5, not shown
    assert few.goods_out == [selectors.GoodsTotal(GoodsCategory.FOOD, "斤", Y(40))]
    for person in people[4:]:
        services.disburse(
            actor=None,
            owner=cabin.unit,
            gift=Gift(
                on=D(2013, 3, 2),
                kind=GiftKind.GOODS,
                person=person,
                goods=Goods("大米", GoodsCategory.FOOD, Y(10), "斤"),
                place=cabin,
                amount=Y(20),
            ),
        )
    figures = selectors.place_figures(cabin)
    assert (figures.people, figures.person_times, figures.households) == (6, 6, 0)
    assert (figures.goods_in_value, figures.goods_out_value) == (Y(1000), Y(120))
    [line] = selectors.stock(cabin)
    assert line.balance == Y(500) - Y(60)
    assert selectors.suppress(0) == 0


def test_donors_and_aid_are_scoped(
    tree: Tree,
    cabin: CharityPlace,
    make_person: Any,
    village_director: User,
    other_chair: User,
    far_village: OrgUnit,
) -> None:
    donor = services.donor_create(actor=None, owner=tree.townships[0], kind=DonorKind.ANONYMOUS)
    assert donor.name == "匿名"
    with pytest.raises(Http404):
        selectors.donor_get(other_chair, donor.pk)
    give_rice(cabin)
    far = make_person("李娟", residence=far_village)
    services.disburse(
        actor=None,
        owner=cabin.unit,
        gift=Gift(
            on=D(2013, 3, 1),
            kind=GiftKind.GOODS,
            person=far,
            goods=Goods("大米", GoodsCategory.FOOD, Y(10), "斤"),
            place=cabin,
        ),
    )
    assert not selectors.disbursement_list(village_director).exists()
    assert selectors.disbursement_list(other_chair).count() == 1
    with pytest.raises(Http404):
        services.disburse(
            actor=village_director,
            owner=cabin.unit,
            gift=Gift(on=D(2013, 3, 1), kind=GiftKind.GOODS, person=far, goods=RICE, place=cabin),
        )
