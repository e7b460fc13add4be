"""End to end, in Chinese: the chain of a programme. A village director applies for a woman of her
village on her phone, the township chair verifies from her queue, the county administrator
approves and pays the aid, and the programme page counts her: 1 enrolled, 1 served, the amount.

Debian's Chromium, driven by Playwright, against the live server; the set-up is the one of
test_e2e and test_people_e2e. Screenshots of the programme page and the queue are taken at
1280 and 390 pixels wide. Assertions use element ids and the data, not the wording.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from jinguo.accounts.roles import Role
from jinguo.people.services import person_register
from jinguo.programmes import finance, services
from jinguo.programmes.choices import EnrolmentStatus
from jinguo.programmes.models import Benefit, Enrolment, Programme
from jinguo.testing import build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    open_page,
    screenshot,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

THOUSAND = re.compile(r"1,?000\.00")


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """One browser profile per user: the director on a phone, the others at a desk."""
    opened = {
        "director": open_page(browser, PHONE),
        "chair": open_page(browser, DESKTOP),
        "admin": open_page(browser, DESKTOP),
        "admin_phone": open_page(browser, PHONE),
        "chair_phone": open_page(browser, PHONE),
    }
    yield {name: page for name, (page, _problems) in opened.items()}
    for page, problems in opened.values():
        page.context.close()
        assert problems == []


def test_apply_verify_approve_deliver_and_count(site: str, pages: dict[str, Page]) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("village-director", Role.VILLAGE_DIRECTOR, village)
    make_user("township-chair", Role.TOWNSHIP_CHAIR, tree.townships[0])
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    wang = person_register(
        actor=None, name="王芳", sex="F", birth_date=dt.date(1980, 5, 1), residence=village
    )
    person_register(actor=None, name="李娜", sex="F", residence=tree.village(0, 1))
    start = timezone.localdate().replace(month=1, day=1)
    programme = services.programme_create(
        actor=None,
        owner=tree.county,
        name="单亲母亲救助",
        work_area="livelihood",
        kind="cash_aid",
        start=start,
        budget=Decimal(50000),
        target=40,
        description="为单亲母亲提供生活救助。",
    )
    services.rule_add(actor=None, programme=programme, kind="sex", sex="F")
    fund = finance.fund_create(
        actor=None,
        owner=tree.county,
        name="救助金",
        source="allocation",
        opened_on=start,
        programme=programme,
    )
    finance.fund_receive(
        actor=None, fund=fund, on=start, amount=Decimal(20000), description="自治区妇联下拨"
    )
    programme_url = f"{site}/programmes/{programme.pk}/"

    # The village director, on her phone, finds the programme and applies for 王芳.
    phone = pages["director"]
    shell.sign_in(phone, site, "village-director")
    expect(phone).to_have_url(f"{site}/")
    phone.locator(".nav-toggle-label").click()
    phone.locator('nav.site-nav a[href="/programmes/"]').click()
    phone.locator(f'#programme-list a[href="/programmes/{programme.pk}/"]').click()
    expect(phone).to_have_url(programme_url)
    no_horizontal_scroll(phone)
    phone.locator("#apply-link").click()
    phone.fill("#apply-q", "wf")
    phone.locator("#apply-q").press("Enter")
    expect(phone).to_have_url(re.compile(r"/apply/\?q=wf$"))
    # Only her village's people are found: 李娜 of the next village is not.
    expect(phone.locator("#found li")).to_have_count(1)
    phone.locator("#found li a.btn").click()
    expect(phone.locator("#apply-submit")).to_be_visible()
    no_horizontal_scroll(phone)
    phone.locator("#apply-submit").click()
    expect(phone).to_have_url(re.compile(r"/enrolments/\d+/$"))
    expect(phone.locator("h1 [data-status]")).to_have_attribute("data-status", "applied")
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.status) == (wang, EnrolmentStatus.APPLIED)
    # She may not verify her own application: no decision is offered to her.
    expect(phone.locator("#step-verified")).to_have_count(0)

    # The township chair finds it waiting for her, and verifies it in one click.
    chair = pages["chair"]
    shell.sign_in(chair, site, "township-chair")
    chair.goto(f"{site}/programmes/queue/")
    row = chair.locator(f"#queue-{enrolment.pk}")
    expect(row).to_contain_text("王芳")
    screenshot(chair, "programmes-desktop-queue.png")
    chair_phone = pages["chair_phone"]
    shell.sign_in(chair_phone, site, "township-chair")
    chair_phone.goto(f"{site}/programmes/queue/")
    expect(chair_phone.locator(f"#queue-{enrolment.pk}")).to_be_visible()
    no_horizontal_scroll(chair_phone)
    screenshot(chair_phone, "programmes-phone-queue.png")
    row.locator("input[name=reason]").fill("已入户核实")
    chair.locator(f"#queue-step-{enrolment.pk}").click()
    expect(chair).to_have_url(f"{site}/programmes/queue/")
    expect(chair.locator("#queue-empty")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.VERIFIED

    # The county administrator approves it, then records the cash paid from the fund.
    admin = pages["admin"]
    shell.sign_in(admin, site, "county-admin")
    admin.goto(f"{site}/programmes/queue/")
    admin.locator(f"#queue-step-{enrolment.pk}").click()
    expect(admin.locator("#queue-empty")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.APPROVED
    admin.goto(f"{site}/enrolments/{enrolment.pk}/")
    expect(admin.locator("#history li")).to_have_count(3)
    admin.goto(programme_url)
    admin.locator("#deliver-link").click()
    admin.locator("#id_enrolment").select_option(str(enrolment.pk))
    admin.locator('label[for="id_kind_0"]').click()
    admin.fill("#id_amount", "1000")
    admin.locator("#id_fund").select_option(str(fund.pk))
    admin.fill("#id_delivered_by", "张主任")
    admin.locator("#deliver-submit").click()
    expect(admin.locator("#done")).to_contain_text("王芳")
    benefit = Benefit.objects.get()
    assert (benefit.amount, benefit.fund) == (Decimal(1000), fund)
    assert finance.fund_balance(fund) == Decimal(19000)

    # The programme page counts her: 1 enrolled, 1 served, 1,000 yuan.
    admin.goto(programme_url)
    expect(admin.locator("#figure-enrolled")).to_have_text("1")
    expect(admin.locator("#figure-served")).to_have_text("1")
    # Chinese number formats group no thousands; English ones write 1,000.00.
    expect(admin.locator("#figure-cash")).to_have_text(THOUSAND)
    expect(admin.locator("#enrolment-list")).to_contain_text("王芳")
    expect(admin.locator("#benefits")).to_contain_text(THOUSAND)
    expect(admin.locator("#budget-bar progress")).to_have_attribute("value", "2")
    screenshot(admin, "programmes-desktop-programme.png")
    admin_phone = pages["admin_phone"]
    shell.sign_in(admin_phone, site, "county-admin")
    admin_phone.goto(programme_url)
    expect(admin_phone.locator("#figure-served")).to_have_text("1")
    no_horizontal_scroll(admin_phone)
    screenshot(admin_phone, "programmes-phone-programme.png")

    # The director sees the aid on 王芳's page.
    phone.goto(f"{site}/people/{wang.pk}/")
    expect(phone.locator("#programmes")).to_contain_text("单亲母亲救助")
    expect(phone.locator("#programmes")).to_contain_text(THOUSAND)
    no_horizontal_scroll(phone)
    screenshot(phone, "programmes-phone-person.png")


def test_county_admin_sets_up_a_programme_and_delivers_goods_to_a_list(
    site: str, pages: dict[str, Page]
) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    women = [
        person_register(actor=None, name=name, sex="F", residence=village)
        for name in ("王芳", "李娜", "张秀英")
    ]
    admin = pages["admin"]
    shell.sign_in(admin, site, "county-admin")

    # Set the programme up on the form, with a partner typed in.
    admin.goto(f"{site}/programmes/")
    admin.locator("#programme-create").click()
    admin.fill("#id_name", "春蕾助学")
    admin.locator("#id_kind").select_option("in_kind_aid")
    admin.fill("#id_new_partners", "旗教育局")
    admin.fill("#id_target", "100")
    admin.locator("#programme-form button[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/programmes/\d+/$"))
    programme = Programme.objects.get()
    assert [o.name for o in programme.partners.all()] == ["旗教育局"]

    # Its rules: the form follows the kind chosen, swapped in place by htmx.
    admin.goto(f"{site}/programmes/{programme.pk}/rules/")
    expect(admin.locator("#id_category")).to_be_visible()
    admin.locator('#add-rule a[href="?kind=age#add-rule"]').click()
    expect(admin.locator("#id_min_age")).to_be_visible()
    expect(admin.locator("#id_category")).to_have_count(0)
    assert admin.url.endswith(f"/programmes/{programme.pk}/rules/")  # no reload: htmx swapped it
    admin.locator('#add-rule a[href="?kind=sex#add-rule"]').click()
    admin.locator('label[for="id_sex_0"]').click()
    admin.locator("#rule-form button[type=submit]").click()
    expect(admin.locator("#rules .record-list li")).to_have_count(1)
    screenshot(admin, "programmes-desktop-rules.png")

    for woman in women[:2]:
        enrolment = services.enrolment_apply(actor=None, programme=programme, person=woman)
        for to in ("verified", "approved"):
            services.enrolment_advance(actor=None, enrolment=enrolment, to=to)

    # Deliver a schoolbag to everyone listed: the box in the header ticks them all.
    admin.goto(f"{site}/programmes/{programme.pk}/deliver/list/")
    boxes = admin.locator('#bulk-list input[name="enrolments"]')
    expect(boxes).to_have_count(2)
    admin.locator("#id_everyone").check()
    for index in range(2):
        expect(boxes.nth(index)).to_be_checked()
    admin.locator('label[for="id_kind_1"]').click()
    admin.fill("#id_amount", "80")
    admin.fill("#id_item", "书包")
    admin.fill("#id_quantity", "1")
    admin.fill("#id_measure", "个")
    screenshot(admin, "programmes-desktop-deliver-list.png")
    phone = pages["admin_phone"]
    shell.sign_in(phone, site, "county-admin")
    phone.goto(f"{site}/programmes/{programme.pk}/deliver/list/")
    no_horizontal_scroll(phone)
    screenshot(phone, "programmes-phone-deliver-list.png")
    admin.locator("#bulk-submit").click()
    expect(admin).to_have_url(f"{site}/programmes/{programme.pk}/")
    expect(admin.locator("#figure-served")).to_have_text("2")
    expect(admin.locator("#goods")).to_contain_text("书包")
    assert Benefit.objects.filter(item="书包").count() == 2

    # The enrolment page of one of them, on a phone.
    enrolment = Enrolment.objects.get(person=women[0])
    phone.goto(f"{site}/enrolments/{enrolment.pk}/")
    expect(phone.locator("#enrolment-benefits")).to_contain_text("书包")
    no_horizontal_scroll(phone)
    screenshot(phone, "programmes-phone-enrolment.png")
