"""End to end, on a phone: a village director registers a woman, finds her again, and is stopped
from registering her twice. Debian's Chromium, driven by Playwright, against the live server.

The set-up (audit triggers lifted between tests, Chromium's flags, signing in) is the one of
test_e2e; the browser here has the size of a phone (390 × 844) and asks for Chinese. Assertions
use element ids and the data, not the wording, so they hold in either language.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    ViewportSize,
    expect,
)

from jinguo.accounts.roles import Role
from jinguo.people import idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import DuplicatePair, Person
from jinguo.people.services import ConsentInput, category_add, household_create, person_register
from jinguo.testing import build_tree, make_user
from jinguo.web.tests import test_e2e as shell

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
BORN = dt.date(1980, 3, 8)
ID_NUMBER = idnumbers.generate("152326", BORN, "F", 12)
MASKED_ID = f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"


def open_page(browser: Browser, viewport: ViewportSize) -> tuple[Page, list[str]]:
    context = browser.new_context(
        locale="zh-CN",
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
        device_scale_factor=2 if viewport is PHONE else 1,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The Content-Security-Policy allows no inline script or style.
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page, problems = open_page(browser, PHONE)
    yield page
    page.context.close()
    assert problems == []


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    page, problems = open_page(browser, DESKTOP)
    yield page
    page.context.close()
    assert problems == []


def screenshot(page: Page, name: str) -> None:
    path = settings.VAR_DIR / "screenshots" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def no_horizontal_scroll(page: Page) -> None:
    """Nothing on the page is wider than the phone's screen.

    The address changes as soon as the next page starts to arrive, before it has a document
    to measure: wait for the document first.
    """
    page.wait_for_load_state("domcontentloaded")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"


def test_village_director_registers_finds_and_is_warned_of_a_duplicate(
    site: str, phone: Page
) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("village-director", Role.VILLAGE_DIRECTOR, village)
    page = phone

    shell.sign_in(page, site, "village-director")
    expect(page).to_have_url(f"{site}/")

    # The menu folds away on a phone; "People" is in it.
    page.locator(".nav-toggle-label").click()
    page.locator('nav.site-nav a[href="/people/"]').click()
    expect(page).to_have_url(f"{site}/people/")
    no_horizontal_scroll(page)

    # Register her, with her ID number and her consent.
    page.locator('main a[href="/people/new/"]').first.click()
    expect(page).to_have_url(f"{site}/people/new/")
    # Her village is the only one she may enter people in: it is chosen already.
    expect(page.locator("#id_residence")).to_have_value(str(village.pk))
    no_horizontal_scroll(page)
    page.fill("#id_name", "王芳")
    page.fill("#id_id_number", ID_NUMBER)
    page.locator('label[for="id_consent_given_by_0"]').click()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.locator("h1")).to_have_text("王芳")
    expect(page.locator("#fact-id-number")).to_contain_text(MASKED_ID)
    expect(page.locator("main")).not_to_contain_text(ID_NUMBER)
    # Her birth date came from the ID number.
    expect(page.locator("#identity")).to_contain_text("1980-03-08")
    first = Person.objects.get()
    assert first.id_number == ID_NUMBER
    no_horizontal_scroll(page)
    screenshot(page, "people-phone-person.png")

    # She finds her again by the initials of her name.
    page.goto(f"{site}/people/")
    page.fill("#id_q", "wf")
    page.locator("#id_q").press("Enter")
    expect(page).to_have_url(re.compile(r"/people/\?q=wf"))
    expect(page.locator(".people-table a.person-link")).to_have_text(["王芳"])
    expect(page.locator(".people-table")).to_contain_text(MASKED_ID)
    no_horizontal_scroll(page)
    screenshot(page, "people-phone-search.png")

    # By her ID number too; the number stays out of the address.
    page.fill("#id_q", ID_NUMBER)
    page.locator("#id_q").press("Enter")
    expect(page.locator(".people-table a.person-link")).to_have_text(["王芳"])
    assert ID_NUMBER not in page.url

    # Registering her again, without the ID number: the page warns before saving anything.
    page.goto(f"{site}/people/new/")
    page.fill("#id_name", "王芳")
    page.locator('label[for="id_sex_0"]').click()
    page.fill("#id_birth_date", "1980-03-08")
    page.locator("main form button[type=submit]").click()

    warning = page.locator("#duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning.locator(f'a[href="/people/{first.pk}/"]')).to_have_text("王芳")
    expect(page.locator("#id_confirm_different")).not_to_be_checked()
    assert Person.objects.count() == 1
    no_horizontal_scroll(page)
    screenshot(page, "people-phone-duplicate-warning.png")

    # With the same ID number, the record holding it is named on the ID number field.
    page.fill("#id_id_number", ID_NUMBER)
    page.locator("main form button[type=submit]").click()
    error = page.locator("#id_id_number_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("王芳")
    expect(error).to_contain_text(village.name)
    expect(page.locator("#id-holder-link")).to_have_attribute("href", f"/people/{first.pk}/")
    assert Person.objects.count() == 1
    screenshot(page, "people-phone-duplicate-id.png")


def test_person_household_and_duplicates_pages_on_a_desktop(site: str, desktop: Page) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    consent = ConsentInput(
        purpose=ConsentPurpose.REGISTRY,
        scope="登记",
        given_by=ConsentGiver.SELF,
        giver_name="王芳",
        given_on=dt.date(2015, 1, 1),
    )
    wang = person_register(
        actor=None,
        name="王芳",
        residence=village,
        id_number=ID_NUMBER,
        phone="13812345678",
        ethnicity="02",
        hukou="rural",
        consent=consent,
    )
    category_add(actor=None, person=wang, category="low_income", start=dt.date(2015, 1, 1))
    household = household_create(actor=None, head=wang, on=dt.date(2015, 1, 1))
    twin = person_register(actor=None, name="王芳", sex="F", birth_date=BORN, residence=village)
    DuplicatePair.objects.create(
        person_a=wang,
        person_b=twin,
        score="0.850",
        reasons=["same_name", "same_birth_date", "same_village"],
    )
    page = desktop

    shell.sign_in(page, site, "county-admin")
    page.goto(f"{site}/people/{wang.pk}/")
    expect(page.locator("#categories")).to_contain_text("2015-01-01")
    expect(page.locator(f'#household a[href="/households/{household.pk}/"]')).to_be_visible()
    screenshot(page, "people-desktop-person.png")

    # The county administrator may see the full number, once, giving a reason.
    page.locator(f'#fact-id-number a[href="/people/{wang.pk}/reveal/?field=id_number"]').click()
    page.fill("#id_reason", "核对低保申请")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#revealed code")).to_have_text(ID_NUMBER)
    page.goto(f"{site}/people/{wang.pk}/")
    expect(page.locator("main")).not_to_contain_text(ID_NUMBER)

    page.goto(f"{site}/households/{household.pk}/?q=wf")
    expect(page.locator("#members")).to_contain_text("王芳")
    expect(page.locator(".pick-list li")).to_have_count(2)
    screenshot(page, "people-desktop-household.png")

    page.goto(f"{site}/people/duplicates/")
    expect(page.locator(".pair")).to_have_count(1)
    expect(page.locator(".pair")).to_contain_text(MASKED_ID)
    expect(page.locator(".pair")).not_to_contain_text(ID_NUMBER)
    screenshot(page, "people-desktop-duplicates.png")

    page.goto(f"{site}/people/?q=wang")
    screenshot(page, "people-desktop-list.png")
    expect(page.locator(".people-table a.person-link")).to_have_count(2)
