"""End to end, in Chinese: the first Poverty Relief Day (扶贫日). The county administrator sets the
campaign up, records the on-site collection and prints its receipt, gives rice from the charity
cabin to one woman and cash to a list of five; then a visitor who is not signed in opens the
public page and finds the same totals as the staff campaign page, and no recipient's name.

Debian's Chromium, driven by Playwright, against the live server; the set-up is the one of
test_e2e and test_people_e2e. Screenshots of the public page (390 and 1280 pixels wide), of the
receipt as printed and of the stock page go to /tmp/shots/don-*.png. Assertions use element ids
and the data, not the wording.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from jinguo.accounts.roles import Role
from jinguo.donations import services
from jinguo.donations.choices import DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import Campaign, Disbursement, Donation
from jinguo.donations.services import Goods
from jinguo.people.services import person_register
from jinguo.programmes import finance
from jinguo.programmes.choices import FundSource
from jinguo.testing import build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import DESKTOP, PHONE, no_horizontal_scroll, open_page

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots to look at, not secrets
DAY = dt.date(2014, 10, 17)
ONE_WOMAN = "乌云其其格"
THE_LIST = ("萨仁高娃", "包金花", "阿拉坦其木格", "娜仁花", "斯琴塔娜")
FIGURES = (
    "figure-cash-in",
    "figure-cash-out",
    "figure-cash-balance",
    "figure-goods-in",
    "figure-goods-out",
    "figure-people",
    "figure-households",
    "figure-person-times",
)
AMOUNT = re.compile(r"^61,?000\.00$")


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """The administrator at her desk; the public on a phone and at a desk, never signed in."""
    opened = {
        "admin": open_page(browser, DESKTOP),
        "public_phone": open_page(browser, PHONE),
        "public_desk": open_page(browser, DESKTOP),
    }
    yield {name: page for name, (page, _problems) in opened.items()}
    for page, problems in opened.values():
        page.context.close()
        assert problems == []


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"don-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def figures(page: Page) -> dict[str, str]:
    return {name: page.locator(f"#{name}").inner_text().strip() for name in FIGURES}


def test_a_campaign_in_and_out_and_its_public_page(site: str, pages: dict[str, Page]) -> None:
    tree = build_tree()
    township, village = tree.townships[0], tree.village(0, 0)
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    cabin = services.place_open(actor=None, unit=township, opened_on=dt.date(2013, 1, 1))
    fund = finance.fund_create(
        actor=None,
        owner=tree.county,
        name="爱心善款",
        source=FundSource.DONATIONS,
        opened_on=dt.date(2013, 1, 1),
    )
    donor = services.donor_create(
        actor=None, owner=tree.county, kind=DonorKind.PERSON, name="何崇本", phone="13904751234"
    )
    women = {
        name: person_register(actor=None, name=name, sex="F", residence=village)
        for name in (ONE_WOMAN, *THE_LIST)
    }
    admin = pages["admin"]
    shell.sign_in(admin, site, "county-admin")

    # The campaign, set up on its form: its cash goes into the charity fund, its goods to the cabin.
    admin.goto(f"{site}/donations/campaigns/")
    admin.locator("#campaign-create-link").click()
    admin.fill("#id_name", "扶贫日")
    admin.locator("#id_owner").select_option(str(tree.county.pk))
    admin.fill("#id_start", DAY.isoformat())
    admin.fill("#id_target", "60000")
    admin.locator("#id_fund").select_option(str(fund.pk))
    admin.locator("#id_place").select_option(str(cabin.pk))
    admin.locator("#campaign-submit").click()
    expect(admin).to_have_url(re.compile(r"/donations/campaigns/\d+/$"))
    campaign = Campaign.objects.get()
    campaign_url = admin.url

    # The on-site collection (现场募捐), on the form from the campaign page; then its receipt.
    admin.locator("#campaign-receive-link").click()
    admin.locator("#id_donor").select_option(str(donor.pk))
    admin.fill("#id_on", DAY.isoformat())
    admin.fill("#id_amount", "13450")
    admin.locator("#id_channel").select_option("cash")
    expect(admin.locator("#goods-fields")).to_be_hidden()  # cash chosen: the goods wait
    shot(admin, "receive-desktop")
    admin.locator("#receive-submit").click()
    expect(admin).to_have_url(re.compile(r"/donations/\d+/$"))
    expect(admin.locator("#receipt-capitals")).to_contain_text("壹万叁仟肆佰伍拾元整")
    expect(admin.locator("#receipt-donor")).to_have_text("何崇本")
    receipt = Donation.objects.get()
    expect(admin.locator("#receipt-number")).to_have_text(receipt.receipt_number)
    admin.emulate_media(media="print")
    expect(admin.locator(".site-nav")).to_be_hidden()
    expect(admin.locator(".page-head")).to_be_hidden()
    shot(admin, "receipt-print")
    admin.emulate_media(media="screen")

    # More cash and rice for the cabin, entered by the services.
    services.donation_receive(
        actor=None,
        owner=tree.county,
        received_on=DAY,
        kind=GiftKind.CASH,
        amount=Decimal(47550),
        campaign=campaign,
    )
    services.donation_receive(
        actor=None,
        owner=township,
        received_on=DAY,
        kind=GiftKind.GOODS,
        goods=Goods("大米", GoodsCategory.FOOD, Decimal(500), "斤"),
        amount=Decimal(1000),
        campaign=campaign,
    )

    # Twenty jin of rice for one woman: found by name, the category taken from the stock.
    admin.goto(campaign_url)
    admin.locator("#campaign-disburse-link").click()
    admin.fill("#disburse-q", ONE_WOMAN)
    admin.locator("#disburse-q").press("Enter")
    expect(admin.locator("#found li")).to_have_count(1)
    admin.locator("#found li a.btn").click()
    expect(admin.locator("#cash-fields")).to_be_hidden()  # goods from the campaign's cabin
    admin.fill("#id_item", "大米")
    admin.fill("#id_quantity", "20")
    admin.fill("#id_measure", "斤")
    admin.fill("#id_amount", "40")
    shot(admin, "disburse-desktop")
    admin.locator("#disburse-submit").click()
    expect(admin.locator("#done")).to_contain_text(ONE_WOMAN)
    aid = Disbursement.objects.get()
    assert (aid.person, aid.category, aid.quantity) == (
        women[ONE_WOMAN],
        GoodsCategory.FOOD,
        Decimal(20),
    )

    # Five hundred yuan each to a list of five, ticked all at once.
    added = "&".join(f"add={women[name].pk}" for name in THE_LIST)
    admin.goto(f"{site}/donations/aid/list/?campaign={campaign.pk}&{added}")
    expect(admin.locator('#bulk-list input[name="people"]')).to_have_count(5)
    admin.locator("#id_everyone").check()
    admin.locator('label[for="id_kind_0"]').click()
    admin.fill("#id_amount", "500")
    shot(admin, "list-desktop")
    admin.locator("#bulk-submit").click()
    expect(admin).to_have_url(campaign_url)
    assert Disbursement.objects.count() == 6
    assert finance.fund_balance(fund) == Decimal(61000 - 2500)

    # The staff campaign page: 61,000 raised of 60,000; six people helped.
    expect(admin.locator("#figure-cash-in")).to_have_text(AMOUNT)
    expect(admin.locator("#figure-people")).to_have_text("6")
    expect(admin.locator("#campaign-aid")).to_contain_text(ONE_WOMAN)
    staff = figures(admin)
    shot(admin, "campaign-desktop")

    # The stock page of the cabin: 500 in, 20 out, 480 left.
    admin.goto(f"{site}/donations/places/{cabin.pk}/")
    expect(admin.locator("#stock-table tbody tr")).to_have_count(1)
    expect(admin.locator("#stock-table tbody tr td strong")).to_have_text("480")
    shot(admin, "stock-desktop")
    admin.locator("#stocktake-link").click()
    expect(admin.locator("#count-table tbody tr")).to_have_count(4)  # the rice, and 3 to add
    shot(admin, "stocktake-desktop")

    # The public, not signed in, on a phone: from the index to the campaign.
    phone = pages["public_phone"]
    phone.goto(f"{site}/public/")
    expect(phone.locator(".site-nav")).to_have_count(0)
    phone.locator(f'#public-campaigns a[href="/public/campaigns/{campaign.pk}/"]').click()
    expect(phone).to_have_url(f"{site}/public/campaigns/{campaign.pk}/")
    assert figures(phone) == staff
    no_horizontal_scroll(phone)
    shot(phone, "public-phone")
    desk = pages["public_desk"]
    desk.goto(f"{site}/public/campaigns/{campaign.pk}/")
    assert figures(desk) == staff
    shot(desk, "public-desktop")
    desk.goto(f"{site}/public/")
    shot(desk, "public-index-desktop")

    # Nobody is named to the public: no recipient, no donor, no village, no receipt.
    for page in (phone, desk):
        for url in (f"/public/campaigns/{campaign.pk}/", f"/public/places/{cabin.pk}/", "/public/"):
            page.goto(f"{site}{url}")
            text = page.content()
            for name in (ONE_WOMAN, *THE_LIST, "何崇本", village.name):
                assert name not in text, (url, name)
            assert receipt.receipt_number not in text
    phone.goto(f"{site}/public/places/{cabin.pk}/")
    expect(phone.locator("#goods-figures")).to_contain_text("480")
    no_horizontal_scroll(phone)
    shot(phone, "public-place-phone")
