"""Writing tables as CSV or XLSX row by row, password-protected zips, and HTTP responses.

Nothing here knows a registry: a `Table` is a title, its columns (for kinds and widths), the
headers in the user's language, and an iterable of rows that is read once, in order.

CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese correctly. Two guards
keep Excel from misreading it: a text that Excel would evaluate (=, +, -, @ first) gets a
leading apostrophe, and an all-digit ID number, phone or unit code gets a leading tab, so
that Excel shows all its digits instead of 1.50525E+17. Scripts reading the CSV should strip
white space from those columns; the XLSX needs no such guard (cells are typed text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import pyzipper
import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from jinguo.imports.columns import Column, Kind

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE, "zip": ZIP_CONTENT_TYPE}
BOM = "\ufeff"
ROWS_PER_CHUNK = 500
TEXT_KINDS = frozenset({Kind.ID_NUMBER, Kind.PHONE, Kind.UNIT_CODE})
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767
SHEET_NAME_LIMIT = 31
MIN_PASSWORD_LENGTH = 8
TEXT_FORMAT = 49  # Excel's built-in "@" (Text)


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[Column]
    header: list[str]
    rows: Iterable[list[object]]


def _csv_text(value: object, kind: Kind) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if not text:
        return text
    if kind in TEXT_KINDS and text.isdigit():
        return "\t" + text
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_chunks(table: Table, *, rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The table as UTF-8 CSV (BOM first, CRLF lines), in chunks of `rows_per_chunk` rows."""
    kinds = [column.kind for column in table.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(table.header)
    pending = 0
    for row in table.rows:
        writer.writerow([_csv_text(value, kind) for value, kind in zip(row, kinds, strict=True)])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def write_csv(table: Table, out: BinaryIO) -> None:
    for chunk in csv_chunks(table):
        out.write(chunk)


def _sheet_name(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip().strip("'")
    return cleaned[:SHEET_NAME_LIMIT] or "Sheet1"


def write_xlsx(table: Table, out: BinaryIO | str | Path) -> None:
    """The table as one sheet, rows written in order with XlsxWriter's constant-memory mode.

    Constant memory keeps one row in memory and spools the sheet to a temporary file, so a
    large export costs the size of the finished file on disk, not memory.
    """
    target = str(out) if isinstance(out, Path) else out
    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "remove_timezone": True, "strings_to_numbers": False}
    )
    try:
        workbook.set_properties({"title": table.title})
        sheet = workbook.add_worksheet(_sheet_name(table.title))
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = workbook.add_format({"num_format": TEXT_FORMAT})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        kinds = [column.kind for column in table.columns]
        for index, column in enumerate(table.columns):
            column_format = text if column.kind in TEXT_KINDS else None
            sheet.set_column(index, index, column.width, column_format)
        for index, name in enumerate(table.header):
            sheet.write_string(0, index, name, bold)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(table.rows, start=1):
            for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                _write_cell(sheet, row_index, col, value, kind, text=text, date=date, when=when)
    finally:
        workbook.close()


def _write_cell(
    sheet: Any, row: int, col: int, value: object, kind: Kind, *, text: Any, date: Any, when: Any
) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, when)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, date)
    elif isinstance(value, int | float | Decimal) and kind not in TEXT_KINDS:
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value)[:EXCEL_CELL_LIMIT], text)


def protect_zip(data_path: Path, password: str, *, arcname: str | None = None) -> Path:
    """An AES-256 encrypted zip holding `data_path`, written beside it (``<name>.zip``).

    WinZip AES (what 7-Zip, WinRAR, Bandizip and macOS's Archive Utility open), not the
    legacy ZipCrypto, which is broken. The caller removes both files when done.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a zip password needs at least {MIN_PASSWORD_LENGTH} characters")
    zip_path = data_path.with_name(data_path.name + ".zip")
    with pyzipper.AESZipFile(
        zip_path,
        "w",
        compression=pyzipper.ZIP_DEFLATED,
        encryption=pyzipper.WZ_AES,
        encryption_kwargs={"nbits": 256},
    ) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.write(data_path, arcname or data_path.name)
    return zip_path


def stream_csv_response(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """A download streamed as it is produced; the browser saves it as `filename`."""
    response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "no-store"
    return response


def file_response(file: BinaryIO, filename: str, content_type: str) -> FileResponse:
    """A download of an open file, closed (and so, if temporary, removed) when sent."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
