"""`jinguo import FILE --type people --unit CODE --user NAME [--dry-run] [--valid-only]`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinguo.accounts.models import User
from jinguo.imports.management.progress import progress_bar
from jinguo.imports.models import ImportBatch
from jinguo.imports.tests.test_services import csv_bytes, number, rows_for
from jinguo.people.models import Person
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db


def run(path: Path, tree: Tree, user: User, **options: object) -> str:
    out = io.StringIO()
    call_command(
        "import",
        str(path),
        type="people",
        unit=tree.village(0, 0).code,
        user=user.username,
        stdout=out,
        stderr=io.StringIO(),
        **options,
    )
    return out.getvalue()


def test_a_dry_run_reports_and_writes_nothing(
    tmp_path: Path, tree: Tree, village_director: User
) -> None:
    village = tree.village(0, 0)
    path = tmp_path / "人员.csv"
    path.write_bytes(csv_bytes([*rows_for(village, 1, 2), ["", number(3), village.code, "", ""]]))
    before = Person.objects.count()

    output = run(path, tree, village_director, dry_run=True)

    assert "checked: 3 rows — 2 new, 0 updated, 0 unchanged, 1 with errors" in output
    assert "row 4" in output
    assert "imported" not in output
    assert Person.objects.count() == before
    assert ImportBatch.objects.get().status == ImportBatch.Status.CHECKED


def test_an_import_writes_the_rows(tmp_path: Path, tree: Tree, village_director: User) -> None:
    path = tmp_path / "人员.csv"
    path.write_bytes(csv_bytes(rows_for(tree.village(0, 0), 1, 2)))
    before = Person.objects.count()

    output = run(path, tree, village_director)

    assert "imported: 2 rows — 2 new" in output
    assert "checked" not in output  # one pass: the commit checks every row itself
    assert Person.objects.count() == before + 2


def test_a_file_with_errors_is_refused_unless_valid_only(
    tmp_path: Path, tree: Tree, village_director: User
) -> None:
    village = tree.village(0, 0)
    path = tmp_path / "人员.csv"
    path.write_bytes(csv_bytes([*rows_for(village, 1), ["", number(3), village.code, "", ""]]))
    before = Person.objects.count()

    errors = tmp_path / "errors.xlsx"
    out = io.StringIO()
    with pytest.raises(CommandError, match="rows have errors"):
        call_command(
            "import", str(path), type="people", unit=village.code,
            user=village_director.username, errors=errors, stdout=out,
        )  # fmt: skip
    assert Person.objects.count() == before
    # The refusal says what it found, row by row, and writes the error workbook.
    assert "refused: 2 rows — 1 new, 0 updated, 0 unchanged, 1 with errors" in out.getvalue()
    assert "row 3" in out.getvalue()
    assert errors.read_bytes()[:2] == b"PK"
    errors.unlink()

    output = run(path, tree, village_director, valid_only=True, errors=errors)

    assert "imported: 2 rows — 1 new" in output
    assert f"error workbook written to {errors}" in output
    assert errors.read_bytes()[:2] == b"PK"
    assert Person.objects.count() == before + 1


def test_an_unknown_user_or_unit_is_refused(tmp_path: Path, tree: Tree) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x\n")

    with pytest.raises(CommandError):
        call_command("import", str(path), type="people", unit="000", user="nobody")


def test_export_command_writes_the_people_the_user_sees_masked(tmp_path, tree, county_admin):
    from jinguo.people.idnumbers import generate
    from jinguo.people.services import ConsentInput, person_register

    number = generate("152326", dt.date(1980, 3, 8), "F", 7)
    person_register(
        actor=None,
        name="王芳",
        residence=tree.village(0, 0),
        id_number=number,
        consent=ConsentInput("registry", "登记", "self", "王芳", dt.date(2014, 3, 8)),
    )
    target = tmp_path / "people.csv"

    call_command(
        "export",
        str(target),
        type="people",
        unit=tree.county.code,
        user=county_admin.username,
        stdout=io.StringIO(),
    )

    text = target.read_text(encoding="utf-8-sig")
    assert "王芳" in text
    assert number not in text
    assert f"{number[:6]}********{number[14:]}" in text


def test_a_missing_file_is_named_in_both_languages(
    tmp_path: Path, tree: Tree, village_director: User
) -> None:
    with pytest.raises(CommandError, match=r"找不到文件 .* / no file"):
        run(tmp_path / "nowhere.csv", tree, village_director)


def test_the_progress_bar_ends_once(capsys: pytest.CaptureFixture[str]) -> None:
    draw = progress_bar("import")

    draw(1, 2)
    draw(2, 2)
    draw(2, 2)  # the engine reports the end after the last chunk

    drawn = capsys.readouterr().err
    assert drawn.count("\n") == 1
    assert drawn.count("2/2") == 1
    assert drawn.endswith("import [" + "#" * 30 + "] 2/2\n")
