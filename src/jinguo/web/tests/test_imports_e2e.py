"""End to end, on a desktop: a village director imports a spreadsheet, corrects the rows the
check refused, imports them too, and finds the people in the list.

The set-up (audit triggers lifted between tests, Chromium, signing in) is the one of test_e2e.
Files are written with XlsxWriter and read with python-calamine, as a user's Excel would.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from playwright.sync_api import Page, expect

from jinguo.accounts.roles import Role
from jinguo.imports.people import COLUMNS
from jinguo.people import idnumbers
from jinguo.people.models import Person
from jinguo.testing import OPENED, build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import (  # noqa: F401 - fixtures
    DESKTOP,
    desktop,
    open_page,
    screenshot,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

ID_A = idnumbers.generate("150525", OPENED.replace(year=1980), "F", 31)
ID_B = idnumbers.generate("150525", OPENED.replace(year=1984), "F", 32)
ID_C = idnumbers.generate("150525", OPENED.replace(year=1990), "F", 33)


def read_rows(path: str | Path) -> list[list[str]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return [[str(cell) for cell in row] for row in book.get_sheet_by_index(0).to_python()]


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, text)
    book.close()


def header_row(rows: list[list[str]]) -> list[str]:
    for row in rows:
        if any("姓名" in cell for cell in row):
            return row
    raise AssertionError(f"no header in {rows[:5]}")


def upload(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/imports/")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("#upload-button").click()
    expect(page).to_have_url(re.compile(r"/imports/[0-9a-f-]{36}/$"))
    expect(page.locator("#batch-status")).to_have_attribute("data-status", "checked")


def test_village_director_imports_corrects_and_finds_the_people(
    site: str,
    desktop: Page,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("village-director", Role.VILLAGE_DIRECTOR, village)
    page = desktop

    shell.sign_in(page, site, "village-director")
    page.locator('nav.site-nav a[href="/imports/"]').click()
    expect(page).to_have_url(f"{site}/imports/")
    expect(page.locator("#id_unit")).to_have_value(str(village.pk))

    # The template, and a file of three rows written from its headers; one ID number was
    # mangled by Excel into scientific notation.
    with page.expect_download() as template_download:
        page.locator("#template-people").click()
    template = tmp_path / template_download.value.suggested_filename
    template_download.value.save_as(template)
    assert template.suffix == ".xlsx"
    header = header_row(read_rows(template))
    # The template's columns are the declared ones, in order.
    keys = [c.key for c in COLUMNS]
    assert len(header) == len(keys)
    name, id_col, village_col, consent = (
        keys.index("name"),
        keys.index("id_number"),
        keys.index("residence"),
        keys.index("consent_given_by"),
    )

    def row(person: str, number: str) -> list[str]:
        values = [""] * len(header)
        values[name], values[id_col], values[village_col] = person, number, village.code
        values[consent] = "本人"
        return values

    first = tmp_path / "人员.xlsx"
    write_xlsx(first, header, [row("王芳", ID_A), row("李娜", ID_B), row("赵敏", "1.50525E+17")])
    upload(page, site, first)

    expect(page.locator('[data-count="rows"]')).to_have_text("3")
    expect(page.locator('[data-count="new"]')).to_have_text("2")
    expect(page.locator('[data-count="errors"]')).to_have_text("1")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#mode-all")).to_be_disabled()
    screenshot(page, "import-desktop-check.png")

    # The rows with errors, corrected and uploaded again after the valid ones are imported.
    with page.expect_download() as errors_download:
        page.locator("#error-workbook").click()
    errors = tmp_path / "errors.xlsx"
    errors_download.value.save_as(errors)
    error_rows = read_rows(errors)
    error_header = error_rows[0]
    bad = [r for r in error_rows[1:] if any(c.strip() for c in r)]
    assert [r[name] for r in bad] == ["赵敏"]

    page.locator("#mode-valid").check()
    page.locator("#commit-button").click()
    expect(page.locator("#batch-status")).to_have_attribute("data-status", "committed")
    expect(page.locator('[data-count="new"]')).to_have_text("2")
    assert Person.objects.count() == 2

    kept = len(error_header) - 1  # everything but the error column
    fixed = [r[:kept] for r in bad]
    fixed[0][id_col] = ID_C
    corrected = tmp_path / "人员-改.xlsx"
    write_xlsx(corrected, error_header[:kept], fixed)
    upload(page, site, corrected)
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    expect(page.locator("#mode-all")).to_be_enabled()
    page.locator("#mode-all").check()
    page.locator("#commit-button").click()
    expect(page.locator("#batch-status")).to_have_attribute("data-status", "committed")
    expect(page.locator('[data-count="new"]')).to_have_text("1")
    expect(page.locator("#undo-link")).to_be_visible()
    screenshot(page, "import-desktop-done.png")

    # The three are in the people list, and the list of imports shows both files.
    page.goto(f"{site}/people/")
    expect(page.locator(".people-table a.person-link")).to_have_count(3)
    expect(page.locator(".people-table")).to_contain_text("赵敏")
    page.goto(f"{site}/imports/")
    expect(page.locator("#import-list tbody tr")).to_have_count(2)
    screenshot(page, "import-desktop-list.png")
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(["王芳", "李娜", "赵敏"])
