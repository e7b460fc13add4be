"""The donations API: donors, campaigns, gifts in, charity places and their stock, aid out and
hand-overs — the same services, scope and rules as the pages; refusals in two languages; stock
that never goes below zero; lists given all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.donations import selectors, services
from jinguo.donations.choices import DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import (
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    HandOver,
    StockMove,
    StockTake,
)
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.services import household_create
from jinguo.people.tests.conftest import MakePerson
from jinguo.programmes import finance
from jinguo.programmes.models import Fund, FundEntry
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db
D = dt.date
Y = Decimal
OPENED = D(2013, 1, 15)
FORBIDDEN = {
    "code": "forbidden",
    "field": None,
    "message": "您没有执行此操作的权限。",
    "message_en": "You are not allowed to do this.",
}


@pytest.fixture
def cabin(tree: Tree) -> CharityPlace:
    """The charity cabin of 镇1 (the township chair's), opened in January 2013."""
    return services.place_open(actor=None, unit=tree.townships[0], opened_on=OPENED)


@pytest.fixture
def rice(cabin: CharityPlace) -> Donation:
    """100 jin of rice given to the cabin on 1 February 2013, worth 200 yuan."""
    return services.donation_receive(
        actor=None,
        owner=cabin.unit,
        received_on=D(2013, 2, 1),
        kind=GiftKind.GOODS,
        goods=services.Goods("大米", GoodsCategory.FOOD, Y(100), "斤"),
        place=cabin,
        amount=Y(200),
    )


def assert_refused(response: Any, status: int, code: str, field: str | None) -> dict[str, Any]:
    """A refusal: its code, the field it concerns and the message in Chinese and in English."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert body["message_en"]
    return body


def rice_row(recipient: dict[str, Any], quantity: str = "40", **extra: Any) -> dict[str, Any]:
    return {
        "on": "2013-03-01",
        "kind": "goods",
        "item": "大米",
        "category": "food",
        "quantity": quantity,
        "measure": "斤",
        **recipient,
        **extra,
    }


def written() -> tuple[int, int, int, int]:
    return (
        Disbursement.objects.count(),
        StockMove.objects.count(),
        FundEntry.objects.count(),
        AuditEntry.objects.count(),
    )


# --- donors ---------------------------------------------------------------------------------------


def test_a_donor_is_recorded_with_the_phone_masked(
    tree: Tree, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)

    response = api.post(
        "/donors/",
        {
            "owner_id": tree.townships[0].pk,
            "kind": "person",
            "name": " 李先生 ",
            "phone": "13904751234",
            "contact": "大沁他拉镇",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["owner_id"]) == (
        "李先生",
        "person",
        tree.townships[0].pk,
    )
    assert body["phone_masked"] == "139****1234"
    assert "13904751234" not in response.content.decode()
    assert "phone" not in body
    assert Donor.objects.get().phone == "13904751234"
    assert api.get(f"/donors/{body['id']}").json() == body


def test_donors_are_listed_filtered_and_anonymous_ones_need_no_name(
    tree: Tree, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)
    township = tree.townships[0].pk
    anonymous = api.post("/donors/", {"owner_id": township, "kind": "anonymous"})
    organisation = api.post("/organisations/", {"name": "旗农电局", "kind": "government"}).json()
    api.post(
        "/donors/",
        {"owner_id": township, "kind": "organisation", "organisation_id": organisation["id"]},
    )

    assert anonymous.status_code == 201, anonymous.content
    assert anonymous.json()["name"] == "匿名"
    assert api.get("/donors/").json()["count"] == 2
    [named] = api.get("/donors/", kind="organisation").json()["items"]
    assert (named["name"], named["organisation_name"]) == ("旗农电局", "旗农电局")
    assert api.get("/donors/", search="匿").json()["count"] == 1


def test_a_donor_without_a_name_is_refused_in_two_languages(
    tree: Tree, township_chair: User, as_user: Any
) -> None:
    response = as_user(township_chair).post(
        "/donors/", {"owner_id": tree.townships[0].pk, "kind": "person", "name": "  "}
    )

    body = assert_refused(response, 400, "name_required", "name")
    assert body["message_en"] == "Give the donor's name."
    assert not Donor.objects.exists()


def test_donors_of_another_township_are_404_and_the_auditor_may_not_add_one(
    tree: Tree, other_chair: User, auditor: User, as_user: Any
) -> None:
    donor = services.donor_create(actor=None, owner=tree.townships[0], kind=DonorKind.ANONYMOUS)
    api = as_user(other_chair)

    out_of_scope = api.get(f"/donors/{donor.pk}")
    missing = api.get(f"/donors/{donor.pk + 1000}")
    refused = as_user(auditor).post(
        "/donors/", {"owner_id": tree.townships[0].pk, "kind": "anonymous"}
    )
    elsewhere = api.post("/donors/", {"owner_id": tree.townships[0].pk, "kind": "anonymous"})

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    assert api.get("/donors/").json()["count"] == 0
    assert refused.status_code == 403
    assert refused.json() == FORBIDDEN
    assert elsewhere.status_code == 404
    assert Donor.objects.count() == 1
    assert as_user(auditor).get(f"/donors/{donor.pk}").status_code == 200


# --- campaigns ------------------------------------------------------------------------------------


def test_a_campaign_is_created_and_read_with_its_figures(
    tree: Tree, cabin: CharityPlace, fund: Fund, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)

    response = api.post(
        "/campaigns/",
        {
            "owner_id": tree.county.pk,
            "name": "扶贫日",
            "start": "2014-10-17",
            "end": "2014-10-17",
            "target": "60000",
            "organisers": "旗扶贫办",
            "fund_id": fund.pk,
            "place_id": cabin.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["fund_id"], body["place_id"]) == ("扶贫日", fund.pk, cabin.pk)
    assert Decimal(body["target"]) == 60000
    assert Decimal(body["figures"]["cash_in"]) == 0
    donation = api.post(
        "/donations/",
        {
            "owner_id": tree.county.pk,
            "received_on": "2014-10-17",
            "kind": "cash",
            "amount": "13450",
            "campaign_id": body["id"],
            "channel": "cash",
        },
    )
    assert donation.status_code == 201, donation.content
    assert donation.json()["fund_id"] == fund.pk
    figures = api.get(f"/campaigns/{body['id']}").json()["figures"]
    assert Decimal(figures["cash_in"]) == Decimal(figures["cash_balance"]) == 13450
    assert (figures["people"], figures["person_times"], figures["households"]) == (0, 0, 0)


def test_a_county_campaign_is_seen_from_its_villages_but_not_from_the_next_county(
    tree: Tree, county_admin: User, village_director: User, other_chair: User, as_user: Any
) -> None:
    county = services.campaign_create(
        actor=None, owner=tree.county, name="扶贫日", start=D(2014, 10, 17)
    )
    township = services.campaign_create(
        actor=None, owner=tree.townships[0], name="爱心募捐", start=D(2014, 1, 1)
    )

    seen = as_user(village_director).get("/campaigns/").json()
    assert sorted(item["name"] for item in seen["items"]) == ["扶贫日", "爱心募捐"]
    assert as_user(other_chair).get(f"/campaigns/{township.pk}").status_code == 404
    assert as_user(other_chair).get(f"/campaigns/{county.pk}").status_code == 200


def test_a_campaign_ending_before_it_starts_or_named_twice_is_refused(
    tree: Tree, county_admin: User, auditor: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    fields = {"owner_id": tree.county.pk, "name": "扶贫日"}

    backwards = api.post("/campaigns/", {**fields, "start": "2014-10-17", "end": "2014-10-01"})
    first = api.post("/campaigns/", {**fields, "start": "2014-10-17"})
    again = api.post("/campaigns/", {**fields, "start": "2015-10-17"})
    audited = as_user(auditor).post(
        "/campaigns/", {**fields, "name": "另一个", "start": "2014-10-17"}
    )

    assert_refused(backwards, 400, "invalid_dates", "end")
    assert first.status_code == 201
    body = assert_refused(again, 400, "name_taken", "name")
    assert "扶贫日" in body["message"]
    assert "扶贫日" in body["message_en"]
    assert audited.status_code == 403
    assert audited.json() == FORBIDDEN


# --- donations ------------------------------------------------------------------------------------


def test_cash_comes_back_with_its_receipt_number_and_lands_in_the_fund(
    tree: Tree, fund: Fund, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    donor = api.post(
        "/donors/", {"owner_id": tree.county.pk, "kind": "person", "name": "李先生"}
    ).json()

    responses = [
        api.post(
            "/donations/",
            {
                "owner_id": tree.county.pk,
                "received_on": on,
                "kind": "cash",
                "amount": "500",
                "fund_id": fund.pk,
                "donor_id": donor["id"],
                "channel": "wechat",
            },
        )
        for on in ("2014-10-17", "2014-10-18", "2015-01-02")
    ]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert [r.json()["receipt_number"] for r in responses] == [
        "2014-00001",
        "2014-00002",
        "2015-00001",
    ]
    first = responses[0].json()
    assert (first["donor_name"], first["channel"], first["fund_id"]) == (
        "李先生",
        "wechat",
        fund.pk,
    )
    assert finance.fund_balance(fund) == 20000 + 1500
    assert api.get(f"/donations/{first['id']}").json() == first
    assert api.get("/donations/", donor_id=donor["id"]).json()["count"] == 3
    assert api.get("/donations/", kind="goods").json()["count"] == 0


def test_goods_go_into_the_places_stock(
    tree: Tree, cabin: CharityPlace, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)

    response = api.post(
        "/donations/",
        {
            "owner_id": cabin.unit.pk,
            "received_on": "2013-02-01",
            "kind": "goods",
            "item": "棉衣",
            "category": "clothing",
            "quantity": "30",
            "measure": "件",
            "amount": "1500",
            "place_id": cabin.pk,
            "condition": "new",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["receipt_number"], body["item"], body["place_id"]) == (
        "2013-00001",
        "棉衣",
        cabin.pk,
    )
    assert Decimal(body["quantity"]) == 30
    [line] = api.get(f"/charity-places/{cabin.pk}").json()["stock"]
    assert (line["item"], Decimal(line["balance"]), Decimal(line["value_in"])) == (
        "棉衣",
        Y(30),
        Y(1500),
    )


def test_incomplete_gifts_are_refused_on_their_field(
    tree: Tree, cabin: CharityPlace, fund: Fund, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    cash = {"owner_id": tree.county.pk, "received_on": "2014-01-02", "kind": "cash"}

    without_fund = api.post("/donations/", {**cash, "amount": "100"})
    nothing = api.post("/donations/", {**cash, "fund_id": fund.pk})
    goods = api.post(
        "/donations/",
        {**cash, "kind": "goods", "item": "衣物", "quantity": "3", "place_id": cabin.pk},
    )
    early = api.post(
        "/donations/",
        {
            **cash,
            "received_on": "2012-12-31",
            "kind": "goods",
            "item": "衣物",
            "category": "clothing",
            "quantity": "3",
            "measure": "件",
            "place_id": cabin.pk,
        },
    )
    negative = api.post("/donations/", {**cash, "amount": "-5", "fund_id": fund.pk})

    assert_refused(without_fund, 400, "cash_incomplete", "amount")
    assert_refused(nothing, 400, "cash_incomplete", "amount")
    assert_refused(goods, 400, "goods_incomplete", "item")
    assert_refused(early, 400, "before_opening", "on")
    assert negative.status_code == 422
    assert not Donation.objects.exists()
    assert finance.fund_balance(fund) == 20000


def test_donations_are_scoped_and_the_auditor_may_not_receive(
    tree: Tree,
    cabin: CharityPlace,
    rice: Donation,
    other_chair: User,
    auditor: User,
    as_user: Any,
) -> None:
    api = as_user(other_chair)
    goods = {
        "owner_id": cabin.unit.pk,
        "received_on": "2013-02-02",
        "kind": "goods",
        "item": "大米",
        "category": "food",
        "quantity": "5",
        "measure": "斤",
        "place_id": cabin.pk,
    }

    assert api.get(f"/donations/{rice.pk}").status_code == 404
    assert api.get("/donations/").json()["count"] == 0
    assert api.post("/donations/", goods).status_code == 404
    audited = as_user(auditor).post("/donations/", goods)
    assert audited.status_code == 403
    assert audited.json() == FORBIDDEN
    assert as_user(auditor).get(f"/donations/{rice.pk}").status_code == 200
    assert Donation.objects.count() == 1


# --- charity places, stock and stock-takes --------------------------------------------------------


def test_a_place_is_opened_and_read_with_its_stock_on_a_day(
    tree: Tree, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)

    opened = api.post(
        "/charity-places/", {"unit_id": tree.townships[0].pk, "opened_on": "2013-01-15"}
    )

    assert opened.status_code == 201, opened.content
    place = opened.json()
    assert (place["unit_name"], place["opened_on"], place["stock"]) == ("镇1", "2013-01-15", [])
    cabin = CharityPlace.objects.get()
    for on, quantity in ((D(2013, 2, 1), 100), (D(2013, 5, 1), 50)):
        services.donation_receive(
            actor=None,
            owner=cabin.unit,
            received_on=on,
            kind=GiftKind.GOODS,
            goods=services.Goods("面粉", GoodsCategory.FOOD, Y(quantity), "斤"),
            place=cabin,
            amount=Y(quantity * 2),
        )
    [early] = api.get(f"/charity-places/{cabin.pk}", on="2013-03-01").json()["stock"]
    later = api.get(f"/charity-places/{cabin.pk}").json()
    assert Decimal(early["balance"]) == 100
    assert Decimal(later["stock"][0]["balance"]) == 150
    [goods_in] = later["figures"]["goods_in"]
    assert (goods_in["category"], goods_in["measure"], Decimal(goods_in["quantity"])) == (
        "food",
        "斤",
        Y(150),
    )
    assert [p["id"] for p in api.get("/charity-places/").json()["items"]] == [cabin.pk]


def test_opening_a_place_needs_edit_on_its_unit(
    tree: Tree, auditor: User, village_director: User, as_user: Any
) -> None:
    body = {"unit_id": tree.townships[0].pk, "opened_on": "2013-01-15"}

    audited = as_user(auditor).post("/charity-places/", body)
    above = as_user(village_director).post("/charity-places/", body)

    assert audited.status_code == 403
    assert audited.json() == FORBIDDEN
    assert above.status_code == 404
    assert not CharityPlace.objects.exists()


def test_a_stock_take_explains_each_difference_and_never_leaves_stock_below_zero(
    cabin: CharityPlace,
    rice: Donation,
    make_person: MakePerson,
    township_chair: User,
    auditor: User,
    as_user: Any,
) -> None:
    api = as_user(township_chair)
    woman = make_person("王芳")
    services.disburse(
        actor=None,
        owner=cabin.unit,
        gift=services.Gift(
            on=D(2013, 3, 1),
            kind=GiftKind.GOODS,
            person=woman,
            goods=services.Goods("大米", GoodsCategory.FOOD, Y(60), "斤"),
            place=cabin,
        ),
    )
    path = f"/charity-places/{cabin.pk}/stocktakes"
    audit = as_user(auditor)
    before = written()

    unexplained = api.post(
        path, {"on": "2013-02-15", "counts": [{"item": "大米", "measure": "斤", "counted": "95"}]}
    )
    # 95 on 15 February leaves 35 after the 60 given on 1 March; 50 would leave -10.
    too_low = api.post(
        path,
        {
            "on": "2013-02-15",
            "counts": [{"item": "大米", "measure": "斤", "counted": "50", "explanation": "鼠害"}],
        },
    )
    audited = audit.post(
        path,
        {
            "on": "2013-02-15",
            "counts": [{"item": "大米", "measure": "斤", "counted": "95", "explanation": "受潮"}],
        },
    )

    body = assert_refused(unexplained, 400, "explanation_required", "explanation")
    assert "95" in body["message_en"]
    body = assert_refused(too_low, 400, "stock_short", "quantity")
    assert "2013-03-01" in body["message_en"]
    assert audited.status_code == 403
    assert written() == before
    assert not StockTake.objects.exists()

    recorded = api.post(
        path,
        {
            "on": "2013-02-15",
            "counts": [
                {"item": "大米", "measure": "斤", "counted": "95", "explanation": "受潮损耗"}
            ],
            "note": "春节后盘点",
        },
    )

    assert recorded.status_code == 201, recorded.content
    [line] = recorded.json()["lines"]
    assert (Decimal(line["expected"]), Decimal(line["difference"])) == (Y(100), Y(-5))
    assert services.stock_on(cabin, "大米", "斤") == 35
    [listed] = api.get(path).json()
    assert listed["id"] == recorded.json()["id"]
    place = api.get(f"/charity-places/{cabin.pk}").json()
    assert Decimal(place["stock"][0]["adjusted"]) == -5


# --- disbursements --------------------------------------------------------------------------------


def test_goods_are_given_to_a_person_and_read_back(
    cabin: CharityPlace, rice: Donation, woman: Person, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)

    response = api.post(
        "/disbursements/",
        {"owner_id": cabin.unit.pk, **rice_row({"person_id": woman.pk}), "place_id": cabin.pk},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_id"], body["person_name"], body["unit_id"]) == (
        woman.pk,
        "王芳",
        woman.residence_id,
    )
    assert (body["item"], Decimal(body["quantity"]), body["place_id"]) == ("大米", Y(40), cabin.pk)
    assert "id_number" not in body
    assert "phone" not in str(body)
    assert api.get(f"/disbursements/{body['id']}").json() == body
    assert api.get("/disbursements/", person_id=woman.pk).json()["count"] == 1
    assert api.get("/disbursements/", place_id=cabin.pk).json()["count"] == 1
    assert services.stock_on(cabin, "大米", "斤") == 60


def test_giving_more_than_the_place_holds_is_refused_and_writes_nothing(
    cabin: CharityPlace, rice: Donation, woman: Person, township_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)
    before = written()

    response = api.post(
        "/disbursements/",
        {
            "owner_id": cabin.unit.pk,
            **rice_row({"person_id": woman.pk}, "101"),
            "place_id": cabin.pk,
        },
    )

    body = assert_refused(response, 400, "stock_short", "quantity")
    assert "100" in body["message_en"]
    assert "大米" in body["message"]
    assert written() == before
    assert services.stock_on(cabin, "大米", "斤") == 100


def test_cash_is_given_to_a_household_from_a_fund(
    tree: Tree, fund: Fund, woman: Person, county_admin: User, as_user: Any
) -> None:
    household = household_create(actor=None, head=woman, on=D(2010, 1, 1))
    api = as_user(county_admin)

    response = api.post(
        "/disbursements/",
        {
            "owner_id": tree.county.pk,
            "on": "2014-03-08",
            "kind": "cash",
            "household_id": household.pk,
            "amount": "800",
            "fund_id": fund.pk,
        },
    )
    too_much = api.post(
        "/disbursements/",
        {
            "owner_id": tree.county.pk,
            "on": "2014-03-08",
            "kind": "cash",
            "household_id": household.pk,
            "amount": "20000",
            "fund_id": fund.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["household_id"], body["household_code"], body["fund_id"]) == (
        household.pk,
        household.code,
        fund.pk,
    )
    assert finance.fund_balance(fund) == 19200
    assert_refused(too_much, 400, "fund_short", "amount")
    assert finance.fund_balance(fund) == 19200


def test_equipment_goes_to_a_unit_and_a_gift_names_exactly_one_recipient(
    tree: Tree,
    cabin: CharityPlace,
    woman: Person,
    village: OrgUnit,
    county_admin: User,
    as_user: Any,
) -> None:
    services.donation_receive(
        actor=None,
        owner=cabin.unit,
        received_on=D(2014, 5, 1),
        kind=GiftKind.GOODS,
        goods=services.Goods("电脑", GoodsCategory.ELECTRONICS, Y(12), "台"),
        place=cabin,
        amount=Y(36000),
    )
    api = as_user(county_admin)
    computers = {
        "owner_id": cabin.unit.pk,
        "on": "2014-06-01",
        "kind": "goods",
        "item": "电脑",
        "category": "electronics",
        "quantity": "12",
        "measure": "台",
        "place_id": cabin.pk,
        "amount": "36000",
    }

    both = api.post(
        "/disbursements/", {**computers, "recipient_unit_id": village.pk, "person_id": woman.pk}
    )
    nobody = api.post("/disbursements/", computers)
    given = api.post("/disbursements/", {**computers, "recipient_unit_id": village.pk})

    assert_refused(both, 400, "one_recipient", "person")
    assert_refused(nobody, 400, "one_recipient", "person")
    assert given.status_code == 201, given.content
    assert (given.json()["recipient_unit_id"], given.json()["recipient_unit_name"]) == (
        village.pk,
        village.name,
    )


def test_aid_is_seen_in_the_recipients_village_only(
    cabin: CharityPlace,
    rice: Donation,
    make_person: MakePerson,
    far_village: OrgUnit,
    village_director: User,
    township_chair: User,
    other_chair: User,
    as_user: Any,
) -> None:
    here = make_person("王芳")
    far = make_person("李娟", residence=far_village)
    mine = as_user(township_chair).post(
        "/disbursements/",
        {"owner_id": cabin.unit.pk, **rice_row({"person_id": here.pk}), "place_id": cabin.pk},
    )
    # The cabin's chair does not see 村2-1: naming its people is "not found".
    theirs = as_user(township_chair).post(
        "/disbursements/",
        {"owner_id": cabin.unit.pk, **rice_row({"person_id": far.pk}), "place_id": cabin.pk},
    )

    assert mine.status_code == 201
    assert theirs.status_code == 404
    assert as_user(village_director).get("/disbursements/").json()["count"] == 1
    assert as_user(other_chair).get("/disbursements/").json()["count"] == 0
    assert as_user(other_chair).get(f"/disbursements/{mine.json()['id']}").status_code == 404


def test_a_list_is_given_all_or_nothing(
    cabin: CharityPlace,
    rice: Donation,
    make_person: MakePerson,
    far_village: OrgUnit,
    township_chair: User,
    as_user: Any,
) -> None:
    first, second, third = (make_person(name) for name in ("王芳", "李娟", "张丽"))
    far = make_person("赵敏", residence=far_village)
    api = as_user(township_chair)
    before = written()

    response = api.post(
        "/disbursements/many",
        {
            "owner_id": cabin.unit.pk,
            "gifts": [
                rice_row({"person_id": first.pk}, place_id=cabin.pk),
                rice_row({"person_id": far.pk}, place_id=cabin.pk),
                rice_row({"person_id": second.pk}, place_id=cabin.pk),
                # 80 of the 100 jin are given above: 40 more would leave -20.
                rice_row({"person_id": third.pk}, place_id=cabin.pk),
            ],
        },
    )

    body = assert_refused(response, 400, "disbursements_refused", "gifts")
    assert "2 of the 4 rows" in body["message_en"]
    assert [(e["row"], e["person_id"], e["code"], e["field"]) for e in body["errors"]] == [
        (2, far.pk, "not_found", "person_id"),
        (4, third.pk, "stock_short", "quantity"),
    ]
    assert all(e["message"] and e["message_en"] for e in body["errors"])
    assert written() == before
    assert services.stock_on(cabin, "大米", "斤") == 100


def test_a_list_with_valid_only_records_the_rows_that_pass(
    cabin: CharityPlace, rice: Donation, make_person: MakePerson, township_chair: User, as_user: Any
) -> None:
    people = [make_person(name) for name in ("王芳", "李娟", "张丽")]

    response = as_user(township_chair).post(
        "/disbursements/many",
        {
            "owner_id": cabin.unit.pk,
            "valid_only": True,
            "gifts": [rice_row({"person_id": p.pk}, place_id=cabin.pk) for p in people],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == list(Disbursement.objects.order_by("pk").values_list("pk", flat=True))
    assert len(body["created"]) == 2
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(3, "stock_short")]
    assert services.stock_on(cabin, "大米", "斤") == 20


def test_the_auditor_may_not_give_even_an_empty_handed_list(
    cabin: CharityPlace, rice: Donation, woman: Person, auditor: User, as_user: Any
) -> None:
    api = as_user(auditor)
    before = written()

    one = api.post(
        "/disbursements/",
        {"owner_id": cabin.unit.pk, **rice_row({"person_id": woman.pk}), "place_id": cabin.pk},
    )
    many = api.post(
        "/disbursements/many",
        {"owner_id": cabin.unit.pk, "gifts": [rice_row({"person_id": woman.pk + 1000})]},
    )

    assert one.status_code == many.status_code == 403
    assert one.json() == many.json() == FORBIDDEN
    assert written() == before
    assert api.get("/disbursements/").json()["count"] == 0


def test_a_malformed_list_is_422(cabin: CharityPlace, township_chair: User, as_user: Any) -> None:
    response = as_user(township_chair).post(
        "/disbursements/many", {"owner_id": cabin.unit.pk, "gifts": []}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


# --- hand-overs -----------------------------------------------------------------------------------


def test_a_notarised_hand_over_is_recorded_and_listed(
    tree: Tree, county_admin: User, auditor: User, other_chair: User, as_user: Any
) -> None:
    campaign = services.campaign_create(
        actor=None, owner=tree.county, name="扶贫日", start=D(2014, 10, 17)
    )
    api = as_user(county_admin)
    body = {
        "owner_id": tree.county.pk,
        "on": "2014-10-17",
        "description": "现场募捐善款",
        "amount": "13450",
        "handed_by": "旗妇联",
        "received_by": "大镇爱心小屋工作人员",
        "notary": "奈曼旗公证处",
        "certificate_number": "(2014)奈证字第0001号",
        "campaign_id": campaign.pk,
    }

    response = api.post("/handovers/", body)
    audited = as_user(auditor).post("/handovers/", body)
    unnamed = api.post("/handovers/", {**body, "received_by": " "})

    assert response.status_code == 201, response.content
    recorded = response.json()
    assert (recorded["certificate_number"], recorded["has_document"]) == (
        "(2014)奈证字第0001号",
        False,
    )
    assert Decimal(recorded["amount"]) == 13450
    assert audited.status_code == 403
    assert unnamed.status_code == 422
    assert HandOver.objects.count() == 1
    assert [h["id"] for h in api.get("/handovers/", campaign_id=campaign.pk).json()["items"]] == [
        recorded["id"]
    ]
    assert as_user(other_chair).get("/handovers/").json()["count"] == 0


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_lists_the_donation_endpoints_and_masks_what_it_must(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/donors/",
        "/api/v1/campaigns/{campaign_id}",
        "/api/v1/donations/",
        "/api/v1/charity-places/{place_id}",
        "/api/v1/charity-places/{place_id}/stocktakes",
        "/api/v1/disbursements/many",
        "/api/v1/handovers/",
    } <= set(schema["paths"])
    assert "web page" in schema["paths"]["/api/v1/handovers/"]["post"]["description"]
    donor = schema["components"]["schemas"]["DonorOut"]["properties"]
    assert "phone_masked" in donor
    assert "phone" not in donor
    for name in ("DisbursementOut", "DonationOut", "HandOverOut"):
        text = str(schema["components"]["schemas"][name])
        assert "id_number" not in text
        assert "phone" not in text
    assert selectors.SMALL == 5
