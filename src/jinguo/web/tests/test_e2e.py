"""End to end: Debian's Chromium, driven by Playwright, against the live test server.

Playwright's sync API runs an event loop in this thread, so Django's guard against ORM calls
from async code must be lifted for the data the tests create here.

The live server needs a transactional database, which is emptied after each test; the audit
log's append-only triggers refuse that, so they are lifted after each test and put back when
the module is done.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from jinguo.accounts.roles import Role
from jinguo.testing import PASSWORD, build_tree, make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STRONG_PASSWORD = "Naiman-Banner-2014!"

_triggers = importlib.import_module("jinguo.audit.migrations.0002_append_only_triggers")
_lifted = False


def _set_audit_triggers(*, on: bool) -> None:
    global _lifted
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_triggers.POSTGRES_UP if on else _triggers.POSTGRES_DOWN)
        elif connection.vendor == "sqlite":
            for statement in _triggers.SQLITE_UP if on else _triggers.SQLITE_DOWN:
                cursor.execute(statement)
    _lifted = not on


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile asking for Chinese, as the users' phones and PCs do."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The Content-Security-Policy allows no inline script or style: a page breaking it
        # shows up here.
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == []


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")


def test_county_admin_walks_the_tree_and_switches_to_english(site: str, page: Page) -> None:
    tree = build_tree()
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    township, village = tree.townships[0], tree.village(0, 0)
    base = site

    sign_in(page, base, "county-admin")

    expect(page).to_have_url(f"{base}/")
    expect(page.locator("h1")).to_contain_text("您好")
    nav = page.locator("nav.site-nav")
    for label in ("致富创新建功", "妇女儿童民生", "女性素质提升", "组织建设", "用户", "API 令牌"):
        expect(nav).to_contain_text(label)
    expect(nav).not_to_contain_text("审计日志")

    nav.get_by_role("link", name="组织机构").click()
    # One unit at the top of her scope: the browser opens straight on it.
    expect(page).to_have_url(f"{base}/units/{tree.county.pk}/")
    expect(page.locator("h1")).to_have_text(tree.county.name)

    # Expand a township in place: its villages appear below it, the page stays.
    township_row = page.locator(f'tr[data-unit-id="{township.pk}"]')
    village_row = page.locator(f'tr[data-unit-id="{village.pk}"]')
    expect(village_row).to_have_count(0)
    township_row.locator(".tree-toggle").click()
    expect(village_row).to_be_visible()
    expect(village_row).to_have_attribute("data-parent-id", str(township.pk))
    expect(township_row.locator(".tree-toggle")).to_have_attribute("aria-expanded", "true")
    assert page.url == f"{base}/units/{tree.county.pk}/"
    # A second click folds the branch away, a third brings it back without a new request.
    township_row.locator(".tree-toggle").click()
    expect(village_row).to_be_hidden()
    township_row.locator(".tree-toggle").click()
    expect(village_row).to_be_visible()
    expect(village_row).to_have_count(1)

    village_row.get_by_role("link", name=village.name).click()
    expect(page).to_have_url(f"{base}/units/{village.pk}/")
    expect(page.locator("h1")).to_have_text(village.name)
    expect(page.locator(".breadcrumbs")).to_contain_text(township.name)
    expect(page.locator(".facts")).to_contain_text(village.division_code)
    expect(page.locator(".facts")).to_contain_text("统计用区划代码")

    page.locator(".lang-form").get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{base}/units/{village.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".facts")).to_contain_text("Division code (12 digits)")
    expect(page.locator("nav.site-nav")).to_contain_text("Prosperity and achievement")

    screenshot = settings.VAR_DIR / "screenshots" / "e2e-village-page-en.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.is_file()
    assert screenshot.stat().st_size > 0


def test_village_director_sees_only_her_village(site: str, page: Page) -> None:
    tree = build_tree()
    mine, sibling = tree.village(0, 0), tree.village(0, 1)
    make_user("village-director", Role.VILLAGE_DIRECTOR, mine)
    base = site

    sign_in(page, base, "village-director")

    expect(page.locator("main")).to_contain_text(mine.name)
    expect(page.locator("body")).not_to_contain_text(sibling.name)
    nav = page.locator("nav.site-nav")
    expect(nav).not_to_contain_text("用户")
    expect(nav).not_to_contain_text("审计日志")

    nav.get_by_role("link", name="组织机构").click()
    expect(page).to_have_url(f"{base}/units/{mine.pk}/")
    expect(page.locator("h1")).to_have_text(mine.name)
    expect(page.locator("body")).not_to_contain_text(sibling.name)
    expect(page.locator("body")).not_to_contain_text(tree.county.name)
    # She may look but not reshape the tree.
    expect(page.get_by_role("link", name="更名")).to_have_count(0)

    for path in (f"/units/{sibling.pk}/", f"/units/{sibling.pk}/children/"):
        response = page.goto(f"{base}{path}")
        assert response is not None
        assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")

    # Searching for it finds nothing either.
    page.goto(f"{base}/units/?q={sibling.name}")
    expect(page.locator("main")).to_contain_text("没有符合条件的现存单位")
    expect(page.locator("main")).not_to_contain_text(sibling.name)


def test_initial_password_must_be_replaced_by_a_strong_one(site: str, page: Page) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("new-director", Role.VILLAGE_DIRECTOR, village, must_change_password=True)
    base = site

    sign_in(page, base, "new-director")
    expect(page).to_have_url(re.compile(r"/accounts/password/"))
    expect(page.locator(".alert-warning")).to_contain_text("请先设置您自己的密码")

    # Nothing else opens until she has chosen her own password.
    page.goto(f"{base}/units/")
    expect(page).to_have_url(re.compile(r"/accounts/password/\?next=%2Funits%2F"))

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "abcdefgh1")
    page.fill("#id_new_password2", "abcdefgh1")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-error")).to_be_visible()
    expect(page.locator(".field-error").first).to_contain_text("三类")

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", STRONG_PASSWORD)
    page.fill("#id_new_password2", STRONG_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("密码已修改")
    expect(page).to_have_url(f"{base}/units/{village.pk}/")
    expect(page.locator("h1")).to_have_text(village.name)


def test_auditor_checks_the_audit_chain(site: str, page: Page) -> None:
    tree = build_tree()
    make_user("auditor", Role.AUDITOR, tree.county)
    base = site

    sign_in(page, base, "auditor")
    page.locator("nav.site-nav").get_by_role("link", name="审计日志").click()
    expect(page.locator("h1")).to_have_text("审计日志")
    expect(page.locator("tbody tr").first).to_be_visible()

    page.get_by_role("button", name="校验日志链").click()
    expect(page).to_have_url(re.compile(r"/progress/[0-9a-f-]+/$"))
    # The test settings run tasks at once, so the check has finished: no more polling.
    expect(page.locator("#progress .alert-success")).to_contain_text("审计日志完整")
    expect(page.locator("#progress")).not_to_have_attribute("hx-trigger", re.compile("."))
    expect(page.locator("#progress progress")).to_have_attribute("value", "100")
