"""The import engine end to end on generated files: upload, dry run, commit, undo."""

from __future__ import annotations

import csv
import io
import os
import socket
from collections.abc import Sequence
from typing import Any

import pytest
import python_calamine
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

import jinguo.imports.people  # noqa: F401 - registers the people import type
from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_check, import_commit, import_undo, import_upload
from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.models import Person
from jinguo.people.services import person_update
from jinguo.testing import OPENED, Tree, make_user

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "所在村", "职业", "同意人"]
VALID = Mode = ImportBatch.Mode


def number(seq: int, year: int = 1980) -> str:
    return idnumbers.generate("150525", OPENED.replace(year=year), "F", seq)


def csv_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("人员")
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value), text) if isinstance(value, str) else sheet.write(
                r, c, value
            )
    book.close()
    return out.getvalue()


def snapshot() -> dict[str, int]:
    return {"people": Person.objects.count(), "audit": AuditEntry.objects.count()}


@pytest.fixture
def village(tree: Tree) -> OrgUnit:
    return tree.village(0, 0)


def rows_for(village: OrgUnit, *seqs: int, occupation: str = "牧民") -> list[list[str]]:
    return [[f"人{seq}", number(seq), village.code, occupation, "本人"] for seq in seqs]


def upload(
    user: User, unit: OrgUnit, data: bytes, name: str = "人员.csv", *, check: bool = True
) -> ImportBatch:
    batch = import_upload(actor=user, kind="people", unit=unit, file_name=name, data=data)
    return import_check(actor=user, batch=batch) if check else batch


def commit(
    user: User, batch: ImportBatch, mode: str = ImportBatch.Mode.ALL_OR_NOTHING
) -> ImportBatch:
    return import_commit(actor=user, batch=batch, mode=mode)


def error_rows(batch: ImportBatch) -> list[list[Any]]:
    with default_storage.open(batch.error_file_path, "rb") as stored:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(stored.read()))
    return book.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_dry_run_writes_nothing_and_counts_exactly(
    village_director: User, village: OrgUnit, fmt: str
) -> None:
    existing = upload(village_director, village, csv_bytes(rows_for(village, 1, 2)))
    commit(village_director, existing)
    rows = [
        *rows_for(village, 1),  # unchanged
        *rows_for(village, 2, occupation="教师"),  # updated
        *rows_for(village, 3, 4),  # new
        ["", number(5), village.code, "", "本人"],  # no name
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    before = snapshot()

    batch = upload(village_director, village, data, f"人员.{fmt}")

    after = snapshot()
    assert after["people"] == before["people"]
    assert after["audit"] == before["audit"] + 1  # the upload itself, nothing of the rows
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.check_counts == {"rows": 5, "new": 2, "updated": 1, "unchanged": 1, "errors": 1}
    assert [e["row"] for e in batch.first_errors] == [6]


def test_all_or_nothing_refuses_a_file_with_errors(
    village_director: User, village: OrgUnit
) -> None:
    batch = upload(
        village_director,
        village,
        csv_bytes([*rows_for(village, 1, 2), ["", number(3), village.code, "", "本人"]]),
    )
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    assert Person.objects.count() == before["people"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED


def test_an_unchecked_file_is_committed_in_one_pass_and_a_refusal_keeps_its_errors(
    village_director: User, village: OrgUnit
) -> None:
    bad = ["", number(3), village.code, "", "本人"]
    batch = upload(village_director, village, csv_bytes([*rows_for(village, 1), bad]), check=False)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        commit(village_director, batch)

    assert refused.value.code == "has_errors"
    assert snapshot()["people"] == before["people"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    # What the commit found is kept, as a dry run would have kept it.
    assert batch.check_counts == {"rows": 2, "new": 1, "updated": 0, "unchanged": 0, "errors": 1}
    assert [e["row"] for e in batch.first_errors] == [3]
    assert [row[1] for row in error_rows(batch)[1:]] == [number(3)]

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.commit_counts["new"] == 1


def test_valid_only_imports_the_good_rows_and_the_workbook_holds_the_bad(
    village_director: User, village: OrgUnit
) -> None:
    bad = [
        ["", number(3), village.code, "", "本人"],
        ["赵敏", "1.50525E+17", village.code, "", "本人"],
    ]
    batch = upload(village_director, village, csv_bytes([*rows_for(village, 1, 2), *bad]))
    before = Person.objects.count()

    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert Person.objects.count() == before + 2
    assert batch.commit_counts["new"] == 2
    assert batch.commit_counts["errors"] == 2
    sheet = error_rows(batch)
    data = [row for row in sheet[1:] if any(str(c).strip() for c in row)]
    assert len(data) == 2
    assert {str(row[0]) for row in data} == {"", "赵敏"}
    assert all(str(row[-1]).strip() for row in data)  # the error column says what is wrong
    assert len(sheet[0]) == len(HEADER) + 1


def test_the_same_file_is_not_imported_twice(village_director: User, village: OrgUnit) -> None:
    data = csv_bytes(rows_for(village, 1))
    commit(village_director, upload(village_director, village, data))

    with pytest.raises(ApplicationError) as refused:
        upload(village_director, village, data)

    assert refused.value.code == "already_imported"


def test_rows_already_present_are_unchanged_and_write_nothing(
    village_director: User, village: OrgUnit
) -> None:
    commit(village_director, upload(village_director, village, csv_bytes(rows_for(village, 1, 2))))
    before = snapshot()

    batch = upload(village_director, village, xlsx_bytes(rows_for(village, 1, 2)), "again.xlsx")
    batch = commit(village_director, batch)

    assert batch.commit_counts == {"rows": 2, "new": 0, "updated": 0, "unchanged": 2, "errors": 0}
    assert Person.objects.count() == before["people"]
    assert not batch.items.exists()


def test_an_update_is_counted_and_undone(village_director: User, village: OrgUnit) -> None:
    commit(village_director, upload(village_director, village, csv_bytes(rows_for(village, 1))))
    person = Person.objects.get(name="人1")

    batch = upload(village_director, village, csv_bytes(rows_for(village, 1, occupation="教师")))
    batch = commit(village_director, batch)
    assert batch.commit_counts["updated"] == 1
    person.refresh_from_db()
    assert person.occupation == "教师"

    import_undo(actor=village_director, batch=batch)

    person.refresh_from_db()
    assert person.occupation == "牧民"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_undo_removes_the_people_created(village_director: User, village: OrgUnit) -> None:
    active = Person.objects.active().count()
    batch = commit(
        village_director, upload(village_director, village, csv_bytes(rows_for(village, 1, 2)))
    )
    assert Person.objects.active().count() == active + 2

    import_undo(actor=village_director, batch=batch)

    assert Person.objects.active().count() == active


def test_undo_is_refused_when_a_record_was_edited_since(
    village_director: User, village: OrgUnit
) -> None:
    batch = commit(
        village_director, upload(village_director, village, csv_bytes(rows_for(village, 1, 2)))
    )
    person = Person.objects.get(name="人2")
    person_update(actor=village_director, person=person, version=person.version, notes="已核实")

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=village_director, batch=batch)

    assert refused.value.code == "changed_since"
    assert Person.objects.active().filter(name__in=["人1", "人2"]).count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


def test_rows_outside_the_unit_or_the_scope_are_errors(
    village_director: User, tree: Tree, village: OrgUnit
) -> None:
    neighbour = tree.village(0, 1)
    far = tree.village(1, 0)
    rows = [*rows_for(village, 1), *rows_for(neighbour, 2), *rows_for(far, 3)]
    before = snapshot()

    batch = upload(village_director, village, csv_bytes(rows))
    batch = commit(village_director, batch, ImportBatch.Mode.VALID_ONLY)

    assert batch.commit_counts["new"] == 1
    assert batch.commit_counts["errors"] == 2
    assert Person.objects.count() == before["people"] + 1
    assert not Person.objects.filter(residence__in=[neighbour, far]).exists()


def test_a_user_cannot_upload_into_a_unit_out_of_her_scope(
    village_director: User, tree: Tree
) -> None:
    auditor = make_user("auditor-x", Role.AUDITOR, tree.county)
    with pytest.raises(PermissionDenied):
        upload(auditor, tree.village(0, 0), csv_bytes(rows_for(tree.village(0, 0), 1)))
    from django.http import Http404

    with pytest.raises(Http404):
        upload(village_director, tree.village(0, 1), csv_bytes(rows_for(tree.village(0, 1), 1)))


def test_a_second_row_with_the_same_id_number_is_an_error(
    village_director: User, village: OrgUnit
) -> None:
    rows = [*rows_for(village, 1), ["另一人", number(1), village.code, "", "本人"]]

    batch = upload(village_director, village, csv_bytes(rows))

    assert batch.check_counts["new"] == 1
    assert batch.check_counts["errors"] == 1
    assert [e["row"] for e in batch.first_errors] == [3]


def test_the_corrected_error_workbook_completes_the_import(
    village_director: User, village: OrgUnit
) -> None:
    rows = [*rows_for(village, 1, 2), ["", number(3), village.code, "", "本人"]]
    batch = commit(
        village_director,
        upload(village_director, village, csv_bytes(rows)),
        ImportBatch.Mode.VALID_ONLY,
    )
    sheet = error_rows(batch)
    header = [str(c) for c in sheet[0]]
    fixed = []
    for row in sheet[1:]:
        values = [str(c) for c in row]
        if not any(v.strip() for v in values):
            continue
        values[header.index("姓名")] = "人3"
        fixed.append(values)

    again = upload(village_director, village, xlsx_bytes(fixed, header), "errors.xlsx")
    assert again.check_counts["errors"] == 0, again.first_errors
    again = commit(village_director, again)

    assert again.commit_counts["new"] == 1
    assert Person.objects.filter(name__in=["人1", "人2", "人3"]).count() == 3


def test_a_commit_in_progress_cannot_be_started_twice_but_a_dead_ones_can(
    county_admin: User, village: OrgUnit
) -> None:
    batch = import_upload(
        actor=county_admin,
        kind="people",
        unit=village,
        file_name="people.csv",
        data=csv_bytes(rows_for(village, 1, 2)),
    )
    batch = import_check(actor=county_admin, batch=batch)
    alive = f"{socket.gethostname()}:{os.getpid()}"
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, committer=alive
    )
    batch.refresh_from_db()

    with pytest.raises(ApplicationError) as refused:
        import_commit(actor=county_admin, batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING)
    assert refused.value.code == "not_committable"

    # A process id far beyond pid_max never runs: that committer has died.
    ImportBatch.objects.filter(pk=batch.pk).update(committer=f"{socket.gethostname()}:99999999")
    batch.refresh_from_db()
    batch = import_commit(actor=county_admin, batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.commit_counts["new"] == 2
