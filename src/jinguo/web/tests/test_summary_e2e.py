"""End to end, in Chinese: the county administrator opens 工作总结 from the navigation, generates
the banner's 2014 summary, follows a figure to the records behind it, downloads the .docx (which
python-docx opens, with the figures in the text and the appendix) and stores a snapshot.

Debian's Chromium, driven by Playwright, against the live server; the set-up is the one of
test_e2e. Screenshots go to /tmp/shots/summary-*.png. Assertions use element ids and the data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from jinguo.accounts.roles import Role
from jinguo.metrics import registry
from jinguo.reports.models import Snapshot
from jinguo.testing import build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import DESKTOP, open_page

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots to look at, not secrets


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    page, problems = open_page(browser, DESKTOP)
    yield page
    page.context.close()
    assert problems == []


def test_generate_follow_a_figure_download_and_store(
    site: str, desktop: Page, tmp_path: Path
) -> None:
    tree = build_tree()
    make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
    page = desktop
    SHOTS.mkdir(exist_ok=True)

    shell.sign_in(page, site, "county-admin")
    page.locator("#nav-summary").click()
    expect(page).to_have_url(f"{site}/reports/summary/")
    page.select_option("#id_unit", str(tree.county.pk))
    page.fill("#id_year", "2014")
    page.locator("#summary-generate").click()

    expect(page).to_have_url(f"{site}/reports/summary/{tree.county.pk}/2014/")
    title = f"2014年{tree.county.name}妇联工作总结"
    expect(page.locator("#summary h1")).to_have_text(title)
    expect(page.locator("#summary h2")).to_have_count(4)
    page.screenshot(path=str(SHOTS / "summary-view.png"), full_page=True)

    # A figure is a link to the records behind it.
    villages = page.locator('#summary a.summary-figure[data-figure="units.villages"]').first
    expect(villages).to_have_text("4")
    href = villages.get_attribute("href")
    assert href is not None
    assert href.startswith(f"/figures/units.villages/?unit={tree.county.pk}&period=2014")
    villages.click()
    expect(page).to_have_url(f"{site}{href}")
    page.go_back()

    with page.expect_download() as download:
        page.locator("#summary-docx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"{title}.docx"
    document = docx.Document(str(saved))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[0] == title
    assert any(text.startswith("一、") for text in texts)
    assert any("4个嘎查村" in text for text in texts)
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["序号", "指标", "数值", "计量单位", "口径说明"]
    with translation.override("zh-hans"):
        label = str(registry.get("units.villages").label)
    assert [row[2] for row in rows if row[1] == label] == ["4"]

    page.fill("#snapshot-note", "初稿")
    page.locator("#snapshot-store").click()
    snapshot = Snapshot.objects.get()
    expect(page).to_have_url(f"{site}/reports/snapshots/{snapshot.pk}/")
    page.locator("#snapshot-changes").click()
    expect(page.locator("#no-changes")).to_be_visible()
    page.screenshot(path=str(SHOTS / "summary-changes.png"), full_page=True)
