"""The donation pages do what they say: gifts with printable receipts (the amount in capitals),
donors with masked phones, campaigns with the public figures, stock by day and stock-takes,
aid one by one and to a list, hand-overs with their scans served through scope — and a public
page that names nobody, no village, no receipt and no day, and withholds counts below five.

Who may reach which page is tested in test_access_matrix; this file tests what they do there,
and that scope holds for the objects a chair of another township asks for by number.
"""

# The fixtures shared with the people and programmes tests are imported, then named as arguments.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinguo.accounts.models import User
from jinguo.donations import selectors, services
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
from jinguo.donations.services import Gift, Goods
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people.models import Person
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes import finance
from jinguo.programmes import services as programme_services
from jinguo.programmes.choices import FundSource
from jinguo.programmes.models import Benefit, Fund
from jinguo.programmes.tests.conftest import make_programme  # noqa: F401 - fixture
from jinguo.testing import OPENED, Tree
from jinguo.web.views.donations import yuan_in_capitals

pytestmark = pytest.mark.django_db

D = dt.date
Y = Decimal
DAY = D(2014, 10, 17)  # the first national Poverty Relief Day (扶贫日)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Names no page of the public may ever carry.
RECIPIENTS = ("乌云其其格", "萨仁高娃", "包金花", "阿拉坦其木格", "娜仁花", "斯琴塔娜")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def cabin(tree: Tree) -> CharityPlace:
    """The charity cabin (爱心小屋) of 镇1, opened in January 2013."""
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


@pytest.fixture
def campaign(tree: Tree, charity_fund: Fund, cabin: CharityPlace) -> Campaign:
    return services.campaign_create(
        actor=None,
        owner=tree.county,
        name="扶贫日",
        start=DAY,
        target=Y(60000),
        fund=charity_fund,
        place=cabin,
    )


def give_cash(campaign: Campaign, amount: int = 13450, donor: Donor | None = None) -> Donation:
    return services.donation_receive(
        actor=None,
        owner=campaign.owner,
        received_on=DAY,
        kind=GiftKind.CASH,
        amount=Y(amount),
        campaign=campaign,
        donor=donor,
        channel="cash",
    )


def give_rice(cabin: CharityPlace, quantity: int = 100, campaign: Campaign | None = None) -> Any:
    return services.donation_receive(
        actor=None,
        owner=cabin.unit,
        received_on=DAY,
        kind=GiftKind.GOODS,
        goods=Goods("大米", GoodsCategory.FOOD, Y(quantity), "斤"),
        place=cabin,
        campaign=campaign,
        amount=Y(quantity * 2),
    )


def rice_to(person: Person, cabin: CharityPlace, campaign: Campaign | None = None) -> Any:
    return services.disburse(
        actor=None,
        owner=cabin.unit,
        gift=Gift(
            on=D(2014, 10, 20),
            kind=GiftKind.GOODS,
            person=person,
            goods=Goods("大米", GoodsCategory.FOOD, Y(10), "斤"),
            place=cabin,
            campaign=campaign,
            amount=Y(20),
        ),
    )


# --- amounts in capitals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.05", "伍分"),
        ("10.00", "壹拾元整"),
        ("13450", "壹万叁仟肆佰伍拾元整"),
        ("239450.5", "贰拾叁万玖仟肆佰伍拾元伍角整"),
        ("1000000", "壹佰万元整"),
        ("0", "零元整"),
        ("0.5", "伍角整"),
        ("1005", "壹仟零伍元整"),
        ("10.05", "壹拾元零伍分"),
        ("100200", "壹拾万零贰佰元整"),
        ("61000", "陆万壹仟元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("100000000.01", "壹亿元零壹分"),
        ("100010000", "壹亿零壹万元整"),
    ],
)
def test_amounts_are_written_in_capitals_as_on_a_receipt(amount: str, words: str) -> None:
    assert yuan_in_capitals(Decimal(amount)) == words


# --- every page, for someone allowed --------------------------------------------------------------


def test_every_donation_page_renders_for_the_county_admin(
    tree: Tree,
    client: Client,
    county_admin: User,
    campaign: Campaign,
    cabin: CharityPlace,
    make_person: Any,
) -> None:
    donor = services.donor_create(
        actor=None, owner=tree.county, kind=DonorKind.PERSON, name="李先生", phone="13904751234"
    )
    donation = give_cash(campaign, donor=donor)
    give_rice(cabin, campaign=campaign)
    woman = make_person("王芳")
    rice_to(woman, cabin, campaign)
    services.stocktake_record(
        actor=None, place=cabin, on=D(2014, 12, 31), counts=[services.Count("大米", "斤", Y(90))]
    )
    handover = services.handover_record(
        actor=None,
        owner=tree.county,
        on=DAY,
        description="现场募捐款",
        handed_by="旗妇联",
        received_by="大镇爱心小屋",
        amount=Y(13450),
        notary="奈曼旗公证处",
        certificate_number="(2014)奈证字第123号",
        document=SimpleUploadedFile("公证书.pdf", PDF),
        campaign=campaign,
    )
    client = signed_in(client, county_admin)

    pages = [
        url("donation_index"),
        url("donation_index") + f"?campaign={campaign.pk}&q=2014",
        url("donation_receive"),
        url("donation_receive") + f"?campaign={campaign.pk}&donor={donor.pk}",
        url("donation_receive") + f"?place={cabin.pk}",
        url("donation_receipt", donation_id=donation.pk),
        url("donor_index"),
        url("donor_index") + "?q=李",
        url("donor_create"),
        url("donor_detail", donor_id=donor.pk),
        url("campaign_index"),
        url("campaign_create"),
        url("campaign_detail", campaign_id=campaign.pk),
        url("place_index"),
        url("place_open"),
        url("place_stock", place_id=cabin.pk),
        url("place_stock", place_id=cabin.pk) + "?on=2014-10-18",
        url("stocktake_record", place_id=cabin.pk),
        url("stocktake_history", place_id=cabin.pk),
        url("disbursement_index"),
        url("disbursement_index") + f"?campaign={campaign.pk}",
        url("disburse"),
        url("disburse") + "?q=wf",
        url("disburse") + f"?person={woman.pk}&campaign={campaign.pk}",
        url("disburse") + "?to=other",
        url("disburse_list"),
        url("disburse_list") + f"?campaign={campaign.pk}&add={woman.pk}&q=wang",
        url("handover_index"),
        url("handover_record"),
        url("handover_record") + f"?campaign={campaign.pk}",
        url("handover_document", handover_id=handover.pk),
        url("person_detail", person_id=woman.pk),
        url("work_area", key="livelihood"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    public = Client()
    for page in (
        url("public_index"),
        url("public_campaign", campaign_id=campaign.pk),
        url("public_place", place_id=cabin.pk),
    ):
        assert public.get(page).status_code == 200, page


def test_the_navigation_and_the_footer_lead_to_the_donations_and_the_public_page(
    client: Client, village_director: User
) -> None:
    html = signed_in(client, village_director).get(url("donation_index")).content.decode()

    assert f'href="{url("donation_index")}" aria-current="page"' in html
    assert f'href="{url("public_index")}"' in html


# --- scope ----------------------------------------------------------------------------------------


def test_a_chair_of_another_township_finds_none_of_these_records(
    tree: Tree,
    client: Client,
    other_chair: User,
    cabin: CharityPlace,
    make_person: Any,
) -> None:
    township = tree.townships[0]
    donor = services.donor_create(actor=None, owner=township, kind=DonorKind.ANONYMOUS)
    drive = services.campaign_create(actor=None, owner=township, name="镇募捐", start=DAY)
    gift = give_rice(cabin, campaign=drive)
    woman = make_person("王芳")
    handover = services.handover_record(
        actor=None,
        owner=township,
        on=DAY,
        description="衣物",
        handed_by="甲",
        received_by="乙",
        document=SimpleUploadedFile("交接.pdf", PDF),
    )
    client = signed_in(client, other_chair)

    for page in (
        url("donor_detail", donor_id=donor.pk),
        url("donation_receipt", donation_id=gift.pk),
        url("campaign_detail", campaign_id=drive.pk),
        url("place_stock", place_id=cabin.pk),
        url("stocktake_record", place_id=cabin.pk),
        url("stocktake_history", place_id=cabin.pk),
        url("handover_document", handover_id=handover.pk),
        url("disburse") + f"?person={woman.pk}",
    ):
        assert client.get(page).status_code == 404, page
    # The lists hold nothing of the other township, and the forms offer none of it.
    assert not client.get(url("donation_index")).context["page"].object_list
    assert not client.get(url("donor_index")).context["rows"]
    form = client.get(url("donation_receive")).context["form"]
    assert not form.fields["place"].queryset.exists()
    assert drive not in form.fields["campaign"].queryset


def test_a_county_campaign_reaches_the_villages_but_not_their_neighbours_records(
    client: Client,
    village_director: User,
    campaign: Campaign,
    cabin: CharityPlace,
    make_person: Any,
    neighbour_village: OrgUnit,
) -> None:
    give_rice(cabin, campaign=campaign)
    rice_to(make_person("王芳"), cabin, campaign)
    rice_to(make_person("李丽", residence=neighbour_village), cabin, campaign)

    response = signed_in(client, village_director).get(
        url("campaign_detail", campaign_id=campaign.pk)
    )

    assert response.status_code == 200
    assert [gift.person.name for gift in response.context["aid"]] == ["王芳"]
    assert "李丽" not in response.content.decode()
    # The figures are the whole campaign's, as the public sees them.
    assert response.context["figures"] == selectors.campaign_figures(campaign)


# --- gifts in and their receipts ------------------------------------------------------------------


def test_a_cash_gift_is_recorded_and_its_receipt_has_the_amount_in_capitals(
    tree: Tree, client: Client, county_admin: User, campaign: Campaign
) -> None:
    donor = services.donor_create(
        actor=None, owner=tree.county, kind=DonorKind.ORGANISATION, name="奈曼旗农商银行"
    )
    response = signed_in(client, county_admin).post(
        url("donation_receive"),
        {
            "owner": tree.county.pk,
            "on": "2014-10-17",
            "donor": donor.pk,
            "campaign": campaign.pk,
            "kind": "cash",
            "amount": "13450",
            "channel": "cash",
        },
    )

    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("donation_receipt", donation_id=donation.pk)
    assert donation.fund_entry is not None
    assert donation.fund_entry.fund == campaign.fund  # the campaign's fund, when none is named
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert 'id="receipt-capitals">人民币 壹万叁仟肆佰伍拾元整<' in html
    assert "2014-00001" in html
    assert "奈曼旗农商银行" in html
    assert "county-admin" in html  # 经手人: who recorded it


def test_an_anonymous_gift_of_goods_goes_into_the_stock(
    tree: Tree, client: Client, township_chair: User, cabin: CharityPlace
) -> None:
    response = signed_in(client, township_chair).post(
        url("donation_receive"),
        {
            "owner": cabin.unit.pk,
            "on": "2014-10-17",
            "kind": "goods",
            "amount": "300",
            "item": "轮椅",
            "category": "mobility",
            "quantity": "3",
            "measure": "台",
            "condition": "new",
            "place": cabin.pk,
        },
    )

    donation = Donation.objects.get()
    assert response.status_code == 302
    assert (donation.donor, donation.item, donation.quantity) == (None, "轮椅", Y(3))
    assert services.stock_on(cabin, "轮椅", "台") == Y(3)
    receipt = client.get(response["Location"]).content.decode()
    assert "匿名" in receipt
    assert "叁佰元整" in receipt


def test_cash_without_a_fund_is_refused_in_chinese_on_the_form(
    tree: Tree, client: Client, county_admin: User
) -> None:
    response = signed_in(client, county_admin).post(
        url("donation_receive"),
        {"owner": tree.county.pk, "on": "2014-10-17", "kind": "cash", "amount": "500"},
    )

    assert response.status_code == 200
    assert not Donation.objects.exists()
    errors = response.context["form"].errors["amount"]
    assert "资金账户" in errors[0]  # "现金须填写大于零的金额，并选择收入或支出的资金账户。"
    assert 'id="id_amount_error"' in response.content.decode()


def test_goods_given_before_the_place_opened_are_refused_on_the_date(
    client: Client, county_admin: User, cabin: CharityPlace
) -> None:
    response = signed_in(client, county_admin).post(
        url("donation_receive"),
        {
            "owner": cabin.unit.pk,
            "on": "2012-12-31",
            "kind": "goods",
            "item": "大米",
            "category": "food",
            "quantity": "10",
            "measure": "斤",
            "place": cabin.pk,
        },
    )

    assert response.status_code == 200
    assert "2013-01-01" in response.context["form"].errors["on"][0]
    assert not Donation.objects.exists()


# --- donors ---------------------------------------------------------------------------------------


def test_a_donor_is_added_with_an_organisation_typed_in_and_her_phone_shown_masked(
    tree: Tree, client: Client, county_admin: User
) -> None:
    client = signed_in(client, county_admin)
    response = client.post(
        url("donor_create"),
        {
            "owner": tree.county.pk,
            "kind": "organisation",
            "new_organisation": "奈曼旗农商银行",
            "new_kind": "bank",
            "contact": "张经理",
            "phone": "13904751234",
        },
    )

    donor = Donor.objects.get()
    assert response.status_code == 302
    assert (donor.name, donor.organisation.name if donor.organisation else None) == (
        "奈曼旗农商银行",
        "奈曼旗农商银行",
    )
    for page in (url("donor_detail", donor_id=donor.pk), url("donor_index")):
        html = client.get(page).content.decode()
        assert "139****1234" in html
        assert "13904751234" not in html


def test_a_refused_donor_leaves_no_organisation_behind(
    tree: Tree, client: Client, county_admin: User
) -> None:
    from jinguo.programmes.models import Organisation

    response = signed_in(client, county_admin).post(
        url("donor_create"),
        {
            "owner": tree.county.pk,
            "kind": "organisation",
            "new_organisation": "某公司",
            "new_kind": "enterprise",
            "phone": "12345",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Organisation.objects.exists()
    assert not Donor.objects.exists()


# --- campaigns ------------------------------------------------------------------------------------


def test_a_campaign_is_set_up_with_its_fund_place_and_programme(
    tree: Tree,
    client: Client,
    county_admin: User,
    charity_fund: Fund,
    cabin: CharityPlace,
    make_programme: Any,
) -> None:
    programme = make_programme("扶贫日救助")
    response = signed_in(client, county_admin).post(
        url("campaign_create"),
        {
            "name": "扶贫日",
            "owner": tree.county.pk,
            "start": "2014-10-17",
            "target": "60000",
            "fund": charity_fund.pk,
            "place": cabin.pk,
            "programme": programme.pk,
            "public": "on",
        },
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("campaign_detail", campaign_id=campaign.pk)
    assert (campaign.fund, campaign.place, campaign.programme, campaign.public) == (
        charity_fund,
        cabin,
        programme,
        True,
    )
    again = client.post(
        url("campaign_create"), {"name": "扶贫日", "owner": tree.county.pk, "start": "2015-10-17"}
    )
    assert again.status_code == 200
    assert again.context["form"].errors["name"]


def test_the_campaign_page_shows_target_and_raised(
    client: Client, county_admin: User, campaign: Campaign
) -> None:
    give_cash(campaign, 13450)

    response = signed_in(client, county_admin).get(url("campaign_detail", campaign_id=campaign.pk))

    assert response.context["raised_percent"] == 22  # 13,450 of 60,000
    html = response.content.decode()
    assert 'id="target-bar"' in html
    assert 'id="figure-cash-in">13450.00<' in html or 'id="figure-cash-in">13,450.00<' in html


# --- stock and stock-takes ------------------------------------------------------------------------


def test_the_stock_page_counts_from_the_opening_to_the_day_chosen(
    client: Client, county_admin: User, cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, 100)
    rice_to(make_person("王芳"), cabin)  # 10 斤 on 20 October
    page = url("place_stock", place_id=cabin.pk)
    client = signed_in(client, county_admin)

    before = client.get(page, {"on": "2014-10-18"}).context["lines"]
    after = client.get(page).context["lines"]

    assert [(r["line"].quantity_out, r["line"].balance) for r in before] == [(Y(0), Y(100))]
    assert [(r["line"].quantity_out, r["line"].balance) for r in after] == [(Y(10), Y(90))]
    assert after[0]["category"] == GoodsCategory.FOOD.label


def test_a_stock_take_lists_the_items_and_asks_why_a_count_differs(
    client: Client, county_admin: User, cabin: CharityPlace
) -> None:
    give_rice(cabin, 100)
    page = url("stocktake_record", place_id=cabin.pk)
    client = signed_in(client, county_admin)
    lines = client.get(page).context["lines"]
    assert [(f.initial["item"], f.initial["expected"]) for f in lines.forms[:1]] == [
        ("大米", Y(100))
    ]
    data = {
        "on": "2014-12-31",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-item": "大米",
        "lines-0-measure": "斤",
        "lines-0-counted": "95",
        "lines-0-explanation": "",
    }

    refused = client.post(page, data)
    done = client.post(page, {**data, "lines-0-explanation": "受潮损耗"})

    assert refused.status_code == 200
    line = refused.context["lines"].forms[0]
    assert "95" in line.errors["explanation"][0]
    assert done.status_code == 302
    assert done["Location"] == url("stocktake_history", place_id=cabin.pk)
    assert services.stock_on(cabin, "大米", "斤") == Y(95)
    history = client.get(done["Location"]).content.decode()
    assert "受潮损耗" in history


# --- aid out --------------------------------------------------------------------------------------


def test_goods_beyond_the_stock_are_refused_in_chinese_on_the_form(
    client: Client, township_chair: User, cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, 100)
    woman = make_person("王芳")

    response = signed_in(client, township_chair).post(
        url("disburse"),
        {
            "person": woman.pk,
            "owner": cabin.unit.pk,
            "on": "2014-10-20",
            "kind": "goods",
            "place": cabin.pk,
            "item": "大米",
            "quantity": "500",
            "measure": "斤",
        },
    )

    assert response.status_code == 200
    assert not Disbursement.objects.exists()
    message = response.context["form"].errors["quantity"][0]
    assert "库存" in message  # "…的大米库存为 100 斤，不足 500"
    assert "500" in message


def test_aid_to_a_person_takes_the_category_from_the_stock_and_starts_a_fresh_form(
    client: Client, township_chair: User, cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, 100)
    woman = make_person("王芳")

    response = signed_in(client, township_chair).post(
        url("disburse"),
        {
            "person": woman.pk,
            "owner": cabin.unit.pk,
            "on": "2014-10-20",
            "kind": "goods",
            "place": cabin.pk,
            "item": "大米",
            "quantity": "20",
            "measure": "斤",
            "amount": "40",
        },
    )

    aid = Disbursement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('disburse')}?done={aid.pk}"
    assert (aid.person, aid.category, aid.quantity) == (woman, GoodsCategory.FOOD, Y(20))
    assert "王芳" in client.get(response["Location"]).context["done"].recipient
    assert "王芳" in client.get(url("person_detail", person_id=woman.pk)).content.decode()


def test_cash_to_a_school_and_to_an_organisation_typed_in(
    tree: Tree, client: Client, county_admin: User, campaign: Campaign
) -> None:
    give_cash(campaign, 5000)
    school = orgunit_create(
        actor=None,
        parent=tree.village(0, 0),
        name="四小",
        kind=Kind.SCHOOL,
        opened_on=OPENED,
    )
    client = signed_in(client, county_admin)
    common = {"to": "other", "owner": tree.county.pk, "on": "2014-10-20", "kind": "cash"}

    to_school = client.post(
        url("disburse"),
        {**common, "recipient_unit": school.pk, "amount": "1200", "campaign": campaign.pk},
    )
    to_home = client.post(
        url("disburse"),
        {**common, "new_organisation": "旗儿童福利院", "amount": "800", "campaign": campaign.pk},
    )
    both = client.post(
        url("disburse"),
        {**common, "recipient_unit": school.pk, "new_organisation": "某", "amount": "1"},
    )

    assert (to_school.status_code, to_home.status_code, both.status_code) == (302, 302, 200)
    assert [str(aid.recipient) for aid in Disbursement.objects.order_by("pk")] == [
        "四小",
        "旗儿童福利院",
    ]
    assert finance.fund_balance(campaign.fund) == Y(3000)  # type: ignore[arg-type]


def test_aid_under_the_campaigns_programme_is_its_benefit(
    tree: Tree,
    client: Client,
    county_admin: User,
    charity_fund: Fund,
    make_programme: Any,
    make_person: Any,
) -> None:
    programme = make_programme("扶贫日救助", end=None)
    drive = services.campaign_create(
        actor=None,
        owner=tree.county,
        name="扶贫日",
        start=DAY,
        fund=charity_fund,
        programme=programme,
    )
    give_cash(drive, 5000)
    child = make_person("张小明", sex="M", birth_date=D(2006, 5, 1))
    enrolment = programme_services.enrolment_apply(
        actor=None, programme=programme, person=child, on=DAY
    )
    for to in ("verified", "approved"):
        programme_services.enrolment_advance(actor=None, enrolment=enrolment, to=to)
    stranger = make_person("李娟")
    client = signed_in(client, county_admin)
    data = {"owner": tree.county.pk, "on": "2014-10-20", "kind": "cash", "amount": "1500"}

    given = client.post(url("disburse"), {**data, "person": child.pk, "campaign": drive.pk})
    refused = client.post(url("disburse"), {**data, "person": stranger.pk, "campaign": drive.pk})

    assert given.status_code == 302
    benefit = Benefit.objects.get()
    assert (benefit.person, benefit.programme, benefit.amount) == (child, programme, Y(1500))
    assert refused.status_code == 200
    assert "李娟" in str(refused.context["form"].non_field_errors())


def test_a_list_is_all_or_nothing_or_valid_rows_only_with_each_refusal_listed(
    client: Client, township_chair: User, cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, 100)
    people = [make_person(name) for name in ("王芳", "李娟", "张丽")]
    client = signed_in(client, township_chair)
    page = url("disburse_list")
    listed = client.get(page, {"add": [p.pk for p in people]}).context["listed"]
    assert [p.name for p in listed] == ["王芳", "李娟", "张丽"]
    data = {
        "add": [p.pk for p in people],
        "people": [p.pk for p in people],
        "owner": cabin.unit.pk,
        "on": "2014-10-20",
        "kind": "goods",
        "place": cabin.pk,
        "item": "大米",
        "quantity": "40",
        "measure": "斤",
        "mode": "all",
    }

    nothing = client.post(page, data)
    partly = client.post(page, {**data, "mode": "valid"})

    assert nothing.status_code == 200
    assert [(e["row"], e["name"]) for e in nothing.context["errors"]] == [(3, "张丽")]
    assert nothing.context["written"] == 0
    assert partly.status_code == 200
    assert partly.context["written"] == 2
    assert Disbursement.objects.count() == 2
    assert services.stock_on(cabin, "大米", "斤") == Y(20)


def test_the_list_starts_with_the_people_approved_in_the_campaigns_programme(
    tree: Tree,
    client: Client,
    county_admin: User,
    charity_fund: Fund,
    make_programme: Any,
    make_person: Any,
) -> None:
    programme = make_programme("扶贫日救助", end=None)
    drive = services.campaign_create(
        actor=None, owner=tree.county, name="扶贫日", start=DAY, programme=programme
    )
    approved, applied = make_person("王芳"), make_person("李娟")
    for person, steps in ((approved, ("verified", "approved")), (applied, ())):
        enrolment = programme_services.enrolment_apply(
            actor=None, programme=programme, person=person, on=DAY
        )
        for to in steps:
            programme_services.enrolment_advance(actor=None, enrolment=enrolment, to=to)

    response = signed_in(client, county_admin).get(url("disburse_list"), {"campaign": drive.pk})

    assert [person.name for person in response.context["listed"]] == ["王芳"]


def test_a_number_search_for_the_list_is_answered_without_an_address(
    client: Client, township_chair: User
) -> None:
    client = signed_in(client, township_chair)

    by_name = client.post(url("disburse_list"), {"search": "1", "q": "wang"})
    by_number = client.post(url("disburse_list"), {"search": "1", "q": "15252619800501123X"})

    assert by_name.status_code == 302
    assert "q=wang" in by_name["Location"]
    assert by_number.status_code == 200


# --- hand-overs -----------------------------------------------------------------------------------


def test_a_hand_over_keeps_its_scan_behind_scope(
    tree: Tree, client: Client, county_admin: User, campaign: Campaign
) -> None:
    client = signed_in(client, county_admin)
    data = {
        "owner": tree.county.pk,
        "campaign": campaign.pk,
        "on": "2014-10-17",
        "description": "现场募捐款",
        "amount": "13450",
        "handed_by": "旗妇联",
        "received_by": "大镇爱心小屋",
        "witnesses": "王主任、李书记",
        "notary": "奈曼旗公证处",
        "certificate_number": "(2014)奈证字第123号",
    }

    fake = client.post(
        url("handover_record"),
        {**data, "document": SimpleUploadedFile("公证书.pdf", b"MZ\x90\x00 not a pdf")},
    )
    response = client.post(
        url("handover_record"), {**data, "document": SimpleUploadedFile("公证书.pdf", PDF)}
    )

    assert fake.status_code == 200
    assert fake.context["form"].errors["document"]
    assert response.status_code == 302
    assert response["Location"] == url("campaign_detail", campaign_id=campaign.pk)
    handover = HandOver.objects.get()
    scan = client.get(url("handover_document", handover_id=handover.pk))
    assert scan.status_code == 200
    assert scan["Cache-Control"] == "private, no-store"
    assert b"".join(scan.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "奈证字第123号" in client.get(response["Location"]).content.decode()


# --- the public page ------------------------------------------------------------------------------


def _public_html(*pages: str) -> str:
    public = Client()
    html = ""
    for page in pages:
        response = public.get(page)
        assert response.status_code == 200, page
        html += response.content.decode()
    return html


def test_the_public_pages_name_nobody_no_village_no_receipt_and_no_day(
    tree: Tree, campaign: Campaign, cabin: CharityPlace, make_person: Any, neighbour_village
) -> None:
    donor = services.donor_create(
        actor=None, owner=tree.county, kind=DonorKind.PERSON, name="何崇本", phone="13904751234"
    )
    gifts = [give_cash(campaign, 13450, donor), give_rice(cabin, 500, campaign)]
    people = [
        make_person(name, residence=neighbour_village if i % 2 else None)
        for i, name in enumerate(RECIPIENTS)
    ]
    for person in people:
        rice_to(person, cabin, campaign)

    html = _public_html(
        url("public_index"),
        url("public_campaign", campaign_id=campaign.pk),
        url("public_place", place_id=cabin.pk),
    )

    for name in (*RECIPIENTS, "何崇本", "王芳"):
        assert name not in html
    for unit in tree.villages[tree.townships[0].code]:
        assert unit.name not in html
    for gift in gifts:
        assert gift.receipt_number not in html
    assert "13904751234" not in html
    assert "139****1234" not in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日|\d{4}/\d{1,2}/\d{1,2}", html)
    assert "2014年10月" in html  # the month is shown, no finer
    assert "扶贫日" in html
    assert "镇1" in html  # the cabin: a township's own place is named
    # The totals are there: 6 people, 6 person-times, 60 斤 of 500 given out.
    assert 'id="figure-people">6<' in html
    assert 'id="figure-person-times">6<' in html
    assert "13450.00" in html or "13,450.00" in html


def test_the_public_pages_withhold_counts_below_five(
    campaign: Campaign, cabin: CharityPlace, make_person: Any
) -> None:
    give_rice(cabin, 100, campaign)
    for name in RECIPIENTS[:3]:
        rice_to(make_person(name), cabin, campaign)

    response = Client().get(url("public_campaign", campaign_id=campaign.pk))

    figures = response.context["figures"]
    assert (figures.people, figures.person_times, figures.households) == (None, None, 0)
    html = response.content.decode()
    assert 'id="figure-people"><span class="suppressed" data-suppressed="true">' in html
    assert 'id="figure-person-times"><span class="suppressed" data-suppressed="true">' in html
    assert 'id="figure-households">0<' in html  # zero identifies no one


def test_the_public_pages_may_be_cached_and_set_no_cookie(
    client: Client, campaign: Campaign, county_admin: User
) -> None:
    page = url("public_campaign", campaign_id=campaign.pk)

    anonymous = Client().get(page)
    staff = signed_in(client, county_admin).get(page)

    assert anonymous["Cache-Control"] == "public, max-age=300"
    assert not anonymous.cookies
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    assert "private" in staff["Cache-Control"]  # her copy carries her session cookie


def test_a_hidden_campaign_or_place_is_not_public(
    tree: Tree, campaign: Campaign, cabin: CharityPlace
) -> None:
    hidden = services.campaign_create(
        actor=None, owner=tree.county, name="内部募捐", start=DAY, public=False
    )
    services.place_open(actor=None, unit=cabin.unit, opened_on=cabin.opened_on, public=False)
    public = Client()

    assert public.get(url("public_campaign", campaign_id=hidden.pk)).status_code == 404
    assert public.get(url("public_place", place_id=cabin.pk)).status_code == 404
    html = public.get(url("public_index")).content.decode()
    assert "内部募捐" not in html
    assert "扶贫日" in html


def test_public_names_of_units_stop_at_the_township(tree: Tree, village: OrgUnit) -> None:
    home = orgunit_create(
        actor=None, parent=village, name="村1-1妇女之家", kind=Kind.WOMENS_HOME, opened_on=OPENED
    )
    federation = orgunit_create(
        actor=None,
        parent=tree.townships[0],
        name="镇1妇联",
        kind=Kind.FEDERATION,
        opened_on=OPENED,
    )

    assert selectors.public_unit_name(tree.county) == tree.county.name
    assert selectors.public_unit_name(tree.townships[0]) == "镇1"
    assert selectors.public_unit_name(federation) == "镇1妇联"
    assert selectors.public_unit_name(village) == "镇1"
    assert selectors.public_unit_name(home).startswith("镇1 · ")
    assert "村1-1" not in selectors.public_unit_name(home)


def test_a_village_campaign_is_shown_under_its_township(
    tree: Tree, village: OrgUnit, cabin: CharityPlace
) -> None:
    drive = services.campaign_create(actor=None, owner=village, name="爱心捐助", start=DAY)

    html = _public_html(url("public_index"), url("public_campaign", campaign_id=drive.pk))

    assert village.name not in html
    assert "镇1" in html


def test_stock_take_corrections_do_not_reach_the_public_figures(
    cabin: CharityPlace, campaign: Campaign
) -> None:
    give_rice(cabin, 100, campaign)
    services.stocktake_record(
        actor=None,
        place=cabin,
        on=D(2014, 12, 31),
        counts=[services.Count("大米", "斤", Y(95), "受潮")],
    )

    response = Client().get(url("public_place", place_id=cabin.pk))

    [row] = response.context["goods_rows"]
    assert (row["quantity_in"], row["quantity_out"], row["balance"]) == (Y(100), Y(0), Y(100))
    assert StockMove.objects.filter(stocktake__isnull=False).exists()
