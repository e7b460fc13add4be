"""End to end, on a phone and at a desk: the county opens the dashboard, sees the charts drawn,
clicks a key figure and lands on the records behind it, then downloads them as .xlsx.

Debian's Chromium, driven by Playwright, against the live server; the set-up is the one of
test_e2e and test_people_e2e (no inline script or style may break the Content-Security-Policy:
ECharts draws its tooltips on the canvas). Screenshots at 390 and 1280 pixels wide go to
/tmp/shots. Assertions use element ids and the data, not the wording.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from python_calamine import CalamineWorkbook

from jinguo.accounts.roles import Role
from jinguo.activities import services as activity_services
from jinguo.activities.choices import ActivityKind
from jinguo.orgunits.models import OrgUnit
from jinguo.testing import build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import DESKTOP, PHONE, no_horizontal_scroll, open_page

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108 - looked at by hand after a run
KEY = "activities.count"


def shot(page: Page, name: str) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"dash-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def talk(place: OrgUnit, day: dt.date, title: str) -> None:
    activity_services.activity_record(
        actor=None,
        owner=place,
        kind=ActivityKind.TALK,
        title=title,
        start=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        place=place,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_county_clicks_a_figure_and_lands_on_its_records(
    site: str, browser: Browser, viewport: ViewportSize
) -> None:
    tree = build_tree()
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    talk(tree.village(0, 0), dt.date(2014, 3, 8), "三八节座谈")
    talk(tree.village(0, 1), dt.date(2014, 5, 6), "家庭教育讲座")
    talk(tree.village(1, 0), dt.date(2014, 5, 20), "法律知识宣讲")
    talk(tree.village(0, 0), dt.date(2013, 5, 6), "去年的宣讲")
    page, problems = open_page(browser, viewport)
    phone = viewport is PHONE

    shell.sign_in(page, site, "county-admin")
    expect(page).to_have_url(f"{site}/")
    if phone:
        page.locator(".nav-toggle-label").click()
    page.locator('nav.site-nav a[href="/dashboard/"]').click()
    expect(page).to_have_url(f"{site}/dashboard/")

    # Choose 2014 with the period form; the page settles on the period's key.
    page.select_option("#period-year", "2014")
    page.locator("#period-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?unit=\d+&period=2014$"))
    expect(page.locator(f'[id="kpi-{KEY}"] .kpi-number')).to_have_text("3")

    # Both charts are drawn (ECharts, served locally), their tables folded away.
    for chart in ("#trend-chart", "#compare-chart"):
        expect(page.locator(chart)).to_have_attribute("data-ready", "1")
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator("#compare details.chart-table")).not_to_have_attribute("open", "")
    # The figure a chart shows can be switched.
    switch = page.locator('select[data-chart="compare-chart"]')
    expect(switch).to_be_visible()
    switch.select_option(switch.locator(f'option[data-key="{KEY}"]').get_attribute("value"))
    expect(page.locator("#compare-chart")).to_have_attribute("data-shown", KEY)
    # December 2014: none of the four villages recorded anything.
    expect(page.locator("#silent-count")).to_have_text("4")
    if phone:
        no_horizontal_scroll(page)
    shot(page, "dashboard")

    page.locator(f'[id="kpi-{KEY}"]').click()
    expect(page).to_have_url(re.compile(rf"/figures/{re.escape(KEY)}/\?unit=\d+&period=2014$"))
    expect(page.locator("#figure-value")).to_have_text("3")
    expect(page.locator("#figure-definition")).not_to_be_empty()
    rows = page.locator("#records-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#records-table")).to_contain_text("家庭教育讲座")
    expect(page.locator("#records-table")).not_to_contain_text("去年的宣讲")
    if phone:
        no_horizontal_scroll(page)
    shot(page, "figure")

    with page.expect_download() as caught:
        page.locator("#export-xlsx").click()
    download = caught.value
    assert download.suggested_filename.endswith("-2014.xlsx")
    data = Path(download.path()).read_bytes()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 1 + 3
    assert {row[1] for row in sheet[1:]} == {"三八节座谈", "家庭教育讲座", "法律知识宣讲"}

    page.context.close()
    assert problems == []
