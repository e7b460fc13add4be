from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import tracemalloc
from pathlib import Path

import pytest
import pyzipper
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from python_calamine import CalamineWorkbook

from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.core.models import Progress
from jinguo.exports.services import (
    export_file_get,
    export_file_response,
    export_files_purge,
    export_people,
    export_people_start,
    filter_from_dict,
    filter_to_dict,
    password_seal,
)
from jinguo.exports.streaming import protect_zip
from jinguo.exports.tests.conftest import id_number, register
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter
from jinguo.people.services import name_pinyin
from jinguo.testing import make_user

PASSWORD = "Jinguo-zip-2024"
MB = 1024 * 1024


def bulk_people(residence, count: int) -> None:
    """Plain rows straight into the table: volume without the services' per-row work."""
    surnames = "王李张刘陈杨赵黄周吴"
    given = "芳娜丽敏静秀英华慧琳"
    batch: list[Person] = []
    for n in range(count):
        name = surnames[n % 10] + given[(n // 10) % 10] + given[(n // 100) % 10]
        full, initials = name_pinyin(name)
        batch.append(
            Person(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                sex="F",
                birth_date=dt.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                ethnicity="01",
                residence=residence,
                county_code=residence.county_code,
                occupation="务农",
            )
        )
    Person.objects.bulk_create(batch, batch_size=2000)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_20000_people_keeps_memory_bounded(county_admin, village, fmt):
    bulk_people(village, 20_000)
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            result = export_people(
                actor=county_admin,
                filters=PersonFilter(),
                fmt=fmt,
                reveal=False,
                out=out,
                language="zh-hans",
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        size = out.tell()
    assert result.rows == 20_000
    # Measured: about 12 MB. Merely loading the 20,000 people at once takes about 50 MB, so
    # the bound catches an export that stops streaming.
    assert peak < 40 * MB, f"peak {peak / MB:.1f} MB"
    assert size > 100_000


def test_large_xlsx_has_every_row_in_order(county_admin, village):
    bulk_people(village, 3000)
    out = io.BytesIO()
    export_people(actor=county_admin, filters=PersonFilter(), fmt="xlsx", reveal=False, out=out)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0)
    data = sheet.to_python()
    assert len(data) == 3001
    pinyin = [name_pinyin(str(row[0]))[0] for row in data[1:]]
    assert pinyin == sorted(pinyin)


# --- password-protected zips ------------------------------------------------------------------


def test_password_zip_opens_with_the_right_password_only(tmp_path: Path):
    data = tmp_path / "人员.csv"
    data.write_bytes("姓名\r\n王芳\r\n".encode("utf-8-sig"))
    zipped = protect_zip(data, PASSWORD)
    with pyzipper.AESZipFile(zipped) as archive:
        assert archive.namelist() == ["人员.csv"]
        with pytest.raises(RuntimeError):
            archive.read("人员.csv", pwd=b"wrong-password")
        assert archive.read("人员.csv", pwd=PASSWORD.encode()) == data.read_bytes()
        info = archive.getinfo("人员.csv")
        assert info.compress_type == pyzipper.ZIP_DEFLATED


def test_password_zip_is_not_readable_by_plain_zipfile(tmp_path: Path):
    import zipfile

    data = tmp_path / "people.csv"
    data.write_bytes(b"name\r\n")
    with (
        zipfile.ZipFile(protect_zip(data, PASSWORD)) as archive,
        pytest.raises((NotImplementedError, RuntimeError)),
    ):
        archive.read("people.csv", pwd=PASSWORD.encode())


def test_short_zip_password_is_refused(tmp_path: Path):
    data = tmp_path / "people.csv"
    data.write_bytes(b"name\r\n")
    with pytest.raises(ValueError, match="at least"):
        protect_zip(data, "short")


# --- in the background ------------------------------------------------------------------------


def test_filter_travels_as_json_without_the_search_in_clear(county_admin, tree):
    filters = PersonFilter(
        search="150525198003081234", within=tree.county, on=dt.date(2024, 1, 1), sex="F"
    )
    data = filter_to_dict(filters)
    assert "150525198003081234" not in str(data)
    assert filter_from_dict(county_admin, data) == filters
    assert PASSWORD not in password_seal(PASSWORD)


def test_background_export_is_fetched_by_its_owner_only(county_admin, village, tree):
    register("王芳", village)
    progress = export_people_start(
        actor=county_admin, filters=PersonFilter(), fmt="xlsx", reveal=False, language="zh-hans"
    )
    progress.refresh_from_db()
    assert progress.state == Progress.State.DONE
    assert progress.message == f"ok:1:exports/{progress.pk}.xlsx"
    download = export_file_get(actor=county_admin, progress_id=progress.pk)
    with download.file:
        data = download.file.read()
    assert download.filename.endswith(".xlsx")
    assert download.rows == 1
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert sheet.to_python()[1][0] == "王芳"

    other = make_user("other-admin", Role.COUNTY_ADMIN, tree.county)
    with pytest.raises(Http404):
        export_file_get(actor=other, progress_id=progress.pk)
    with pytest.raises(Http404):
        export_file_get(actor=county_admin, progress_id="not-a-uuid")


def test_background_export_with_password_is_a_zip(county_admin, village):
    register("王芳", village, id_number=id_number(dt.date(1980, 3, 8)))
    progress = export_people_start(
        actor=county_admin, filters=PersonFilter(), fmt="csv", reveal=True, password=PASSWORD
    )
    response = export_file_response(actor=county_admin, progress_id=progress.pk)
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    # Close the file only: HttpResponse.close() would send request_finished, which closes
    # the database connection in the middle of the test's transaction on PostgreSQL.
    response.file_to_stream.close()  # type: ignore[union-attr]
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        (name,) = archive.namelist()
        assert name.endswith(".csv")
        text = archive.read(name, pwd=PASSWORD.encode()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][0] == "王芳"
    entry = AuditEntry.objects.get(action="export.reveal")
    assert entry.changes["rows"] == [None, 1]


def test_background_export_refuses_at_once_what_it_would_refuse_later(village_director):
    with pytest.raises(PermissionDenied):
        export_people_start(actor=village_director, filters=PersonFilter(), fmt="csv", reveal=True)
    with pytest.raises(ApplicationError):
        export_people_start(
            actor=village_director, filters=PersonFilter(), fmt="csv", reveal=False, password="x"
        )
    assert not Progress.objects.exists()


def test_background_export_reports_progress(county_admin, village):
    bulk_people(village, 4500)
    progress = export_people_start(
        actor=county_admin, filters=PersonFilter(), fmt="csv", reveal=False
    )
    progress.refresh_from_db()
    assert (progress.state, progress.done, progress.total) == (Progress.State.DONE, 4500, 4500)


def test_purged_exports_are_gone(county_admin, village):
    register("王芳", village)
    progress = export_people_start(
        actor=county_admin, filters=PersonFilter(), fmt="csv", reveal=False
    )
    name = f"exports/{progress.pk}.csv"
    assert default_storage.exists(name)
    assert export_files_purge(older_than=dt.timedelta(days=1)) == 0
    assert export_files_purge(older_than=dt.timedelta(seconds=-1)) == 1
    assert not default_storage.exists(name)
    with pytest.raises(Http404):
        export_file_get(actor=county_admin, progress_id=progress.pk)
