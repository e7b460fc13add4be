"""Reading uploaded spreadsheets: workbooks and delimited text, header rows, data rows.

    with open_table(data, "妇女信息.xlsx") as table:
        header, rows = read_table(table, COLUMNS)
        for row in rows:  # SourceRow(number=5, cells={"name": "王芳", …}, raw=[…])
            ...

Rows come as lists of raw cell values indexed from column A, one list per row from row 1, with
None for empty cells: str, float (every number of a workbook, 12 reads 12.0), int, bool,
date, datetime, time or timedelta. Formulas give their cached values, and cells showing an
error value (#N/A, #DIV/0!) read as empty. CSV cells are str.

Workbooks (xlsx, xlsm, xlsb, xls, ods, and WPS's et) are read by python-calamine, which parses
every worksheet into its own compact (Rust) memory when the file is opened, and the workbook's
bytes are then released. Python sees one row at a time: a full sheet of 1,048,576 rows × 2
columns costs about 100 MB of resident memory (190 MB at the peak of parsing, 1 s) and a flat
Python heap while 1,048,575 rows are iterated (3 s). That grows with the columns: a million
rows of fifteen columns take 1.4 GB. So an xlsx or xlsm workbook with a worksheet of more than
`STREAM_XLSX_ABOVE` bytes of XML (some 100,000 rows) is read by `_StreamedXlsxTable` instead:
the standard library's zip and XML parsers, one row at a time, with the values calamine gives
(dates and times by the cells' number formats, cached formula values, errors as empty), in
memory that does not grow with the sheet (only the shared strings are held). Text files are
decoded and parsed as they are iterated.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self
from xml.etree import ElementTree

import python_calamine
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError
from jinguo.imports.cells import is_blank, normalise_text, show
from jinguo.imports.columns import Column, header_names

UNSUPPORTED_FILE = _(
    "“%(filename)s” is not a file type that can be imported: upload an Excel or WPS workbook "
    "(.xlsx, .xls, .et), an OpenDocument spreadsheet (.ods) or a CSV file."
)
SAVED_AS_WEB_PAGE = _(
    "“%(filename)s” is a web page or XML file with a spreadsheet's name, not a workbook. Open "
    "it in Excel or WPS, save it as an Excel workbook (.xlsx) and upload that file."
)
UNREADABLE_FILE = _(
    "“%(filename)s” cannot be read: it is damaged or it is not a spreadsheet. Open it in Excel "
    "or WPS, save it as an Excel workbook (.xlsx) and upload that file."
)
EMPTY_FILE = _("“%(filename)s” is empty.")
PASSWORD_PROTECTED = _(
    "“%(filename)s” is protected by a password. Remove the password in Excel or WPS, save the "
    "file and upload it again."
)
UNDECODABLE_TEXT = _(
    "“%(filename)s” is not readable text (row %(row)d). Save it as “CSV UTF-8” or as an Excel "
    "workbook (.xlsx) and upload that file."
)
NO_VISIBLE_SHEET = _("“%(filename)s” has no visible worksheet.")
SHEET_NOT_FOUND = _("“%(filename)s” has no worksheet named “%(sheet)s”.")

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAMPLE_SIZE = 64 * 1024
_DELIMITERS = (",", "\t", ";")


def _error(message: Promise | str, code: str, filename: str, **params: object) -> ApplicationError:
    return ApplicationError(message, code=code, params={"filename": filename, **params})


# --- tables ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetInfo:
    name: str
    hidden: bool  # hidden or "very hidden" in the workbook
    rows_hint: int  # the last used row number (workbooks); the number of lines (text files)


class Table:
    """An opened upload: its sheets and their rows. Use as a context manager, or `close()`."""

    filename: str
    format: str  # the file's suffix without the dot, lower case: "xlsx", "csv" …
    sheets: list[SheetInfo]

    def __init__(self, filename: str, format: str, sheets: list[SheetInfo]) -> None:
        self.filename = filename
        self.format = format
        self.sheets = sheets

    def sheet(self, name: str | None = None) -> SheetInfo:
        """The sheet called `name` (hidden or not), or the first visible sheet for None.

        Raises ApplicationError sheet_not_found / no_visible_sheet.
        """
        if name is None:
            for info in self.sheets:
                if not info.hidden:
                    return info
            raise _error(NO_VISIBLE_SHEET, "no_visible_sheet", self.filename)
        for info in self.sheets:
            if info.name == name:
                return info
        raise _error(SHEET_NOT_FOUND, "sheet_not_found", self.filename, sheet=name)

    def rows(self, sheet: str | None = None) -> Iterator[list[object]]:
        """Every row of the sheet from row 1 (empty rows too, as lists of None or []), column A
        first. Text files may raise ApplicationError unreadable_file while being iterated."""
        return self._rows(self.sheet(sheet).name)

    def _rows(self, name: str) -> Iterator[list[object]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Release the sheets' memory."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _is_calamine_failure(exc: BaseException) -> bool:
    # A Rust panic inside python-calamine surfaces as pyo3's PanicException, which derives from
    # BaseException; a damaged file must not take the worker down with it.
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


class _WorkbookTable(Table):
    def __init__(self, filename: str, format: str, source: IO[bytes]) -> None:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(source)
        except python_calamine.PasswordError:
            raise _error(PASSWORD_PROTECTED, "unreadable_file", filename) from None
        except BaseException as exc:
            if not _is_calamine_failure(exc):
                raise
            raise _error(UNREADABLE_FILE, "unreadable_file", filename) from None
        self._sheets: dict[str, python_calamine.CalamineSheet] = {}
        sheets: list[SheetInfo] = []
        try:
            for meta in workbook.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue  # chart sheets, dialog sheets, macros: no cells
                sheet = workbook.get_sheet_by_name(meta.name)
                end = sheet.end
                self._sheets[meta.name] = sheet
                sheets.append(
                    SheetInfo(
                        name=meta.name,
                        hidden=meta.visible != python_calamine.SheetVisibleEnum.Visible,
                        rows_hint=end[0] + 1 if end is not None else 0,
                    )
                )
        except BaseException as exc:
            if not _is_calamine_failure(exc):
                raise
            raise _error(UNREADABLE_FILE, "unreadable_file", filename) from None
        finally:
            workbook.close()  # the sheets keep their cells; the file's bytes can go
        super().__init__(filename, format, sheets)

    def _rows(self, name: str) -> Iterator[list[object]]:
        sheet = self._sheets[name]
        start = sheet.start
        if start is None:  # an empty sheet
            return
        padding: list[object] = [None] * start[1]
        # iter_rows() yields the leading empty rows (as blank rows) but starts at the first used
        # column: pad back to column A so that indexes are Excel's columns.
        for row in sheet.iter_rows():
            yield [*padding, *(None if isinstance(v, str) and not v else v for v in row)]

    def close(self) -> None:
        self._sheets.clear()


class _TextTable(Table):
    def __init__(self, filename: str, data: bytes | Path, sample: bytes) -> None:
        self._data = data
        self._encoding = _detect_encoding(sample, filename, complete=_is_complete(data, sample))
        self._cr_only = b"\r" in sample and b"\n" not in sample
        head = _decode_head(sample, self._encoding)
        self._skip_sep_line = False
        first_line = head.split("\n", 1)[0].strip("\r")
        if re.fullmatch(r"sep=.", first_line):  # Excel's delimiter hint, hidden when Excel opens it
            self._delimiter = first_line[-1]
            self._skip_sep_line = True
        else:
            self._delimiter = _sniff_delimiter(head)
        name = Path(filename).stem or "Sheet1"
        super().__init__(
            filename,
            Path(filename).suffix.lower().lstrip("."),
            [SheetInfo(name=name, hidden=False, rows_hint=_count_lines(data))],
        )

    def _lines(self) -> Iterator[str]:
        """The text, line by line. ASCII-compatible encodings are decoded one line at a time, so
        that a decoding error is reported at its own row; UTF-16 and files with old Mac line
        ends (CR only) go through a text stream."""
        binary: IO[bytes] = (
            self._data.open("rb") if isinstance(self._data, Path) else io.BytesIO(self._data)
        )
        with binary:
            if self._encoding == "utf-16" or self._cr_only:
                yield from io.TextIOWrapper(binary, encoding=self._encoding, newline="")
                return
            decoder = codecs.getincrementaldecoder(self._encoding)("strict")
            for line in binary:
                yield decoder.decode(line)
            if tail := decoder.decode(b"", final=True):
                yield tail  # pragma: no cover - strict decoders raise instead

    def _rows(self, name: str) -> Iterator[list[object]]:
        number = 0
        try:
            lines = self._lines()
            if self._skip_sep_line:
                next(lines, None)
            for row in csv.reader(lines, delimiter=self._delimiter):
                number += 1
                yield [value or None for value in row]
        except (UnicodeDecodeError, csv.Error):
            raise _error(
                UNDECODABLE_TEXT, "unreadable_file", self.filename, row=number + 1
            ) from None


# --- large xlsx sheets, streamed -----------------------------------------------------------------

# A worksheet whose XML exceeds this many bytes (about 100,000 rows of a dozen columns) is read
# by `_StreamedXlsxTable` a row at a time, not by calamine, which holds the whole sheet in
# memory (some 1.4 GB for a million rows of fifteen columns).
STREAM_XLSX_ABOVE = 48 * 1024 * 1024

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_DIGITS = "0123456789"
_V_TAG = f"{_MAIN_NS}v"
_IS_TAG = f"{_MAIN_NS}is"
# Built-in number formats that show dates or times (ECMA-376 18.8.30, and the East Asian ones).
_DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_DURATION_FORMAT_IDS = frozenset({46})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_date_format(code: str) -> bool:
    bare = _QUOTED.sub("", code).lower()
    return "general" not in bare and any(ch in bare for ch in "ymdhs")


def _is_duration_format(code: str) -> bool:
    return bool(re.search(r"\[(h+|m+|s+)\]", code.lower()))


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


class _StreamedXlsxTable(Table):
    """An xlsx or xlsm workbook read with the standard library, one row at a time: the shared
    strings and the styles are read when the file is opened, the sheets as they are iterated.
    Values are the ones calamine gives (see the module doc)."""

    def __init__(self, filename: str, format: str, archive: zipfile.ZipFile) -> None:
        self._zip = archive
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        properties = workbook.find(f"{_MAIN_NS}workbookPr")
        self._epoch = (
            dt.datetime(1904, 1, 1)  # noqa: DTZ001 - spreadsheet times carry no zone
            if properties is not None and properties.get("date1904") in ("1", "true")
            else dt.datetime(1899, 12, 30)  # noqa: DTZ001
        )
        targets = _relationships(archive, "xl/_rels/workbook.xml.rels")
        self._parts: dict[str, str] = {}
        sheets: list[SheetInfo] = []
        for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
            target = targets.get(sheet.get(f"{_REL_NS}id", ""), "")
            if "worksheets/" not in target:
                continue  # chart sheets and the like: no cells
            name = sheet.get("name", "")
            self._parts[name] = target
            sheets.append(
                SheetInfo(
                    name=name,
                    hidden=sheet.get("state", "visible") != "visible",
                    rows_hint=_dimension_rows(archive, target),
                )
            )
        self._strings = _shared_strings(archive)
        self._styles = _cell_styles(archive)
        super().__init__(filename, format, sheets)

    def _value(self, cell: ElementTree.Element) -> object:
        kind = cell.get("t", "n")
        value: str | None = None
        for child in cell:
            if child.tag == _V_TAG:
                value = child.text
            elif child.tag == _IS_TAG:
                return _text_of(child)
        if value is None or value == "":
            return None
        if kind == "n":
            number = float(value)
            style = self._styles[int(cell.get("s", "0"))] if self._styles else None
            return number if style is None else self._moment(number, style)
        if kind == "s":
            return self._strings[int(value)]
        if kind == "str":
            return value
        if kind == "b":
            return value == "1"
        if kind == "d":
            return dt.datetime.fromisoformat(value)
        return None  # "e": an error value (#N/A, #DIV/0!) reads as empty

    def _moment(self, number: float, style: str) -> object:
        if style == "duration":
            return dt.timedelta(milliseconds=round(number * 86_400_000))
        moment = self._epoch + dt.timedelta(milliseconds=round(number * 86_400_000))
        if number < 1:
            return moment.time()
        return moment.date() if moment.time() == dt.time(0) else moment

    def _rows(self, name: str) -> Iterator[list[object]]:
        try:
            yield from self._parse(name)
        except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError, IndexError):
            raise _error(UNREADABLE_FILE, "unreadable_file", self.filename) from None

    def _parse(self, name: str) -> Iterator[list[object]]:
        cell_tag, row_tag = f"{_MAIN_NS}c", f"{_MAIN_NS}row"
        data_tag = f"{_MAIN_NS}sheetData"
        columns: dict[str, int] = {}  # "AB" → 27
        expected = 1
        with self._zip.open(_part(self._parts[name])) as stream:
            parent: ElementTree.Element | None = None
            # Uploads are untrusted XML: the standard library's parser resolves no external
            # entities, and expat (2.4 and later) limits entity expansion.
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314
                if event == "start":
                    if element.tag == data_tag:
                        parent = element
                    continue
                if element.tag != row_tag:
                    continue
                number = int(element.get("r") or expected)
                while expected < number:  # rows the file leaves out are empty
                    yield []
                    expected += 1
                row: list[object] = []
                for cell in element:
                    if cell.tag != cell_tag:
                        continue
                    reference = cell.get("r")
                    column = columns.get(reference.rstrip(_DIGITS)) if reference else None
                    if column is None:
                        match = _CELL_REF.fullmatch(reference) if reference else None
                        column = _column_index(match.group(1)) if match else len(row)
                        if match:
                            columns[match.group(1)] = column
                    if column < len(row):  # out of order: keep the later value
                        del row[column:]
                    elif column > len(row):
                        row.extend([None] * (column - len(row)))
                    value = self._value(cell)
                    row.append(None if value == "" else value)
                while row and row[-1] is None:
                    row.pop()
                yield row
                expected = number + 1
                element.clear()
                if parent is not None:
                    parent.clear()

    def close(self) -> None:
        self._zip.close()


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _relationships(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(archive.read(name))  # noqa: S314
    except KeyError:
        return {}
    return {
        rel.get("Id", ""): rel.get("Target", "") for rel in root.iter(f"{_PKG_REL_NS}Relationship")
    }


def _text_of(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s (phonetic runs out)."""
    direct = element.find(f"{_MAIN_NS}t")
    if direct is not None:
        return direct.text or ""
    return "".join(run.findtext(f"{_MAIN_NS}t") or "" for run in element.iterfind(f"{_MAIN_NS}r"))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    item_tag = f"{_MAIN_NS}si"
    with stream:
        for _event, element in ElementTree.iterparse(stream):  # noqa: S314
            if element.tag == item_tag:
                strings.append(_text_of(element))
                element.clear()
    return strings


def _cell_styles(archive: zipfile.ZipFile) -> list[str | None]:
    """For each cell style (xf) index: "date", "duration" or None (a plain number)."""
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))  # noqa: S314
    except KeyError:
        return []
    codes = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{_MAIN_NS}numFmt")
    }
    styles: list[str | None] = []
    cell_xfs = root.find(f"{_MAIN_NS}cellXfs")
    for xf in cell_xfs.iterfind(f"{_MAIN_NS}xf") if cell_xfs is not None else ():
        number_format = int(xf.get("numFmtId", "0"))
        code = codes.get(number_format)
        if code is not None:
            kind = (
                "duration"
                if _is_duration_format(code)
                else "date"
                if _is_date_format(code)
                else None
            )
        elif number_format in _DURATION_FORMAT_IDS:
            kind = "duration"
        else:
            kind = "date" if number_format in _DATE_FORMAT_IDS else None
        styles.append(kind)
    return styles


def _dimension_rows(archive: zipfile.ZipFile, target: str) -> int:
    """The last row of the sheet's <dimension ref="A1:O1000001"> (0 when it has none)."""
    with archive.open(_part(target)) as stream:
        head = stream.read(4096).decode("utf-8", "replace")
    found = re.search(r'<(?:\w+:)?dimension ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"', head)
    return int(found.group(1)) if found else 0


def _large_xlsx_sheet(archive: zipfile.ZipFile) -> bool:
    return any(
        info.filename.startswith("xl/worksheets/") and info.file_size > STREAM_XLSX_ABOVE
        for info in archive.infolist()
    )


def _is_complete(data: bytes | Path, sample: bytes) -> bool:
    size = len(data) if isinstance(data, bytes) else data.stat().st_size
    return len(sample) >= size


def _detect_encoding(sample: bytes, filename: str, *, complete: bool) -> str:
    """BOM → its encoding; strict UTF-8 on the first 64 KiB; else GB18030 (a superset of GBK
    and GB2312, what Chinese Windows writes)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" (.txt, tab-separated)
    if b"\x00" in sample:
        raise _error(UNREADABLE_FILE, "unreadable_file", filename)
    for encoding in ("utf-8", "gb18030"):
        try:
            # A character cut at the end of the sample is fine unless the file ends there.
            codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _error(UNDECODABLE_TEXT, "unreadable_file", filename, row=1)


def _decode_head(sample: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=False)


def _sniff_delimiter(head: str) -> str:
    """The delimiter (comma, tab, semicolon) that splits the first lines most consistently."""
    lines = head.splitlines()
    if len(head) >= _SAMPLE_SIZE // 2 and len(lines) > 1:
        lines = lines[:-1]  # probably cut short
    sample = "\n".join(lines[:100])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [
                len(row)
                for row in csv.reader(io.StringIO(sample), delimiter=delimiter)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            continue
        if not widths:
            continue
        width, _count = Counter(widths).most_common(1)[0]
        score = (sum(1 for w in widths if w == width) if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_lines(data: bytes | Path) -> int:
    if isinstance(data, bytes):
        count, last = data.count(b"\n"), data[-1:]
    else:
        count, last = 0, b""
        with data.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                count += chunk.count(b"\n")
                last = chunk[-1:]
    return count + (1 if last not in (b"", b"\n") else 0)


def open_table(data: bytes | Path, filename: str) -> Table:
    """Open an upload (its bytes, or the path where it was saved) named `filename`.

    The suffix of `filename` says whether it is a workbook or a text file; the content decides
    among workbook formats, and a ".xls" that is really tab-separated text (as some web systems
    export) is read as text. Raises ApplicationError unsupported_file for other suffixes and for
    web pages saved as ".xls", unreadable_file for damaged, empty, password-protected or
    undecodable files.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _error(UNSUPPORTED_FILE, "unsupported_file", filename)
    try:
        if isinstance(data, Path):
            with data.open("rb") as stream:
                sample = stream.read(_SAMPLE_SIZE)
        else:
            sample = data[:_SAMPLE_SIZE]
    except OSError:
        raise _error(UNREADABLE_FILE, "unreadable_file", filename) from None
    if not sample:
        raise _error(EMPTY_FILE, "unreadable_file", filename)
    is_workbook = sample.startswith((_ZIP_MAGIC, _OLE2_MAGIC))
    if not is_workbook and suffix in WORKBOOK_SUFFIXES:
        if suffix not in (".xls", ".et"):
            raise _error(UNREADABLE_FILE, "unreadable_file", filename)
        if sample.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
            raise _error(SAVED_AS_WEB_PAGE, "unsupported_file", filename)
        # Text with a workbook's name: read it as what it is.
    if not is_workbook:
        return _TextTable(filename, data, sample)
    if sample.startswith(_ZIP_MAGIC) and suffix in (".xlsx", ".xlsm"):
        streamed = _open_streamed(data, filename, suffix)
        if streamed is not None:
            return streamed
    if isinstance(data, Path):
        with data.open("rb") as stream:
            return _WorkbookTable(filename, suffix.lstrip("."), stream)
    return _WorkbookTable(filename, suffix.lstrip("."), io.BytesIO(data))


def _open_streamed(data: bytes | Path, filename: str, suffix: str) -> Table | None:
    """A `_StreamedXlsxTable` when the workbook has a sheet too large for calamine's memory."""
    try:
        archive = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        return None  # calamine says what is wrong with it
    try:
        if not _large_xlsx_sheet(archive) or "xl/workbook.xml" not in archive.namelist():
            archive.close()
            return None
        return _StreamedXlsxTable(filename, suffix.lstrip("."), archive)
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError):
        archive.close()
        raise _error(UNREADABLE_FILE, "unreadable_file", filename) from None


# --- headers -----------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[*※★☆]")
_BRACKET_CHARACTERS = re.compile(r"[()\[\]{}<>【】〔〕〈〉《》「」『』]")
_BRACKETED = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|<[^<>]*>|【[^【】]*】|〔[^〔〕]*〕|〈[^〈〉]*〉|《[^《》]*》"
)
_NOTES_OR_EXAMPLE = re.compile(r"(?:填表)?说明|示例|(?:note|notes|example)(?![a-z])", re.IGNORECASE)
# Totals, and signatures followed by a colon (a bare 负责人 may be someone's position).
_FOOTER = re.compile(
    r"(?:合计|总计|小计)(?:[:\s]|$)|(?:填表人|填报人|制表人|审核人|负责人|填表日期|填报日期)\s*:"
)


def normalise_header(text: str) -> str:
    """A header as compared: NFKC, casefolded, without white space, asterisks, a trailing colon
    or bracket characters (the bracketed words stay: see `_header_keys`)."""
    return _header_keys(text)[0]


def _header_keys(text: str) -> tuple[str, str]:
    """The exact key and the key without bracketed notes: "出生日期（年月日）" → ("出生日期年月日",
    "出生日期"); "*身份证号码(必填)" → ("身份证号码必填", "身份证号码")."""
    full = _HEADER_NOISE.sub("", normalise_text(text)).casefold()
    full = re.sub(r"\s+", "", full).rstrip(":")
    base = _BRACKETED.sub("", full)
    return _BRACKET_CHARACTERS.sub("", full), _BRACKET_CHARACTERS.sub("", base)


def _cell_text(value: object) -> str:
    return "" if is_blank(value) else normalise_text(show(value))


def _first_text(row: Sequence[object]) -> str:
    for value in row:
        if not is_blank(value):
            return _cell_text(value)
    return ""


def is_notes_or_example(row: Sequence[object]) -> bool:
    """A template's notes row (first filled cell starts with 说明/填表说明/Note) or example
    row (示例/Example): skipped below the header."""
    return bool(_NOTES_OR_EXAMPLE.match(_first_text(row)))


def is_footer(row: Sequence[object]) -> bool:
    """A total or signature row at the end of a form: 合计 / 总计 / 小计, 填表人：…, 审核人：…
    (judged by the first filled cell)."""
    return bool(_FOOTER.match(_first_text(row)))


def is_blank_row(row: Iterable[object]) -> bool:
    return all(is_blank(value) for value in row)


@dataclass
class HeaderMatch:
    header_row_index: int | None  # 0-based index of the last header row; None if not found
    mapping: dict[int, Column]  # sheet column index (0 = A) → declared column
    missing_required: list[Column]
    unknown_headers: list[str]  # headers in the file that match no column, as written
    duplicates: dict[str, list[int]]  # column key → every sheet column index headed by it
    header_rows: int = 1  # 1, or 2 for a two-row (group title + sub-header) header
    headers: list[str] = field(default_factory=list)  # header text per sheet column, as read

    @property
    def found(self) -> bool:
        return self.header_row_index is not None


class _Names:
    """Every name of every column, as keys: the header in Chinese and in English, the synonyms
    and the column's key. Exact keys win over keys with bracketed notes removed."""

    def __init__(self, columns: Sequence[Column]) -> None:
        names: list[tuple[str, Column]] = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.extend((name, column) for column in columns for name in header_names(column))
        names.extend((column.key, column) for column in columns)
        self._index: dict[str, Column] = {}
        keys = [(_header_keys(name), column) for name, column in names]
        for (exact, _base), column in keys:
            if exact:
                self._index.setdefault(exact, column)
        for (_exact, base), column in keys:
            if base:
                self._index.setdefault(base, column)

    def match(self, text: str) -> Column | None:
        if not text:
            return None
        exact, base = _header_keys(text)
        return self._index.get(exact) or (self._index.get(base) if base else None)


@dataclass
class _Candidate:
    last_row: int
    rows: int
    mapping: dict[int, Column]
    duplicates: dict[str, list[int]]
    headers: list[str]
    unknown: list[str]
    subheader: bool = False

    def score(self) -> tuple[int, int]:
        return len(self.mapping), sum(1 for column in self.mapping.values() if column.required)


def _assign(candidate: _Candidate, index: int, column: Column | None, text: str) -> None:
    candidate.headers.append(text)
    if column is None:
        if text:
            candidate.unknown.append(text)
        return
    indexes = candidate.duplicates.setdefault(column.key, [])
    indexes.append(index)
    if len(indexes) == 1:
        candidate.mapping[index] = column


def _single(names: _Names, row: Sequence[object], index: int) -> _Candidate:
    candidate = _Candidate(index, 1, {}, {}, [], [])
    for position, value in enumerate(row):
        text = _cell_text(value)
        _assign(candidate, position, names.match(text), text)
    return candidate


def _pair(names: _Names, top: Sequence[object], bottom: Sequence[object], index: int) -> _Candidate:
    """Rows index-1 and index as one header: a group title over merged cells (read as the
    title then blanks, so filled rightwards over the sub-headers below it) above sub-headers."""
    width = max(len(top), len(bottom))
    tops = [_cell_text(top[i]) if i < len(top) else "" for i in range(width)]
    bottoms = [_cell_text(bottom[i]) if i < len(bottom) else "" for i in range(width)]
    filled = [False] * width
    group = ""
    for i in range(width):
        if tops[i]:
            group = tops[i]
        elif bottoms[i] and group:
            tops[i], filled[i] = group, True
        else:
            group = ""  # a gap ends the merged title
    candidate = _Candidate(index, 2, {}, {}, [], [])
    for i in range(width):
        top_text, bottom_text = tops[i], bottoms[i]
        column = None
        if top_text and bottom_text:
            column = names.match(top_text + bottom_text)
        if column is None and bottom_text:
            column = names.match(bottom_text)
        if column is None and top_text and not filled[i]:
            column = names.match(top_text)
        shown = " / ".join(text for text in (top_text, bottom_text) if text)
        _assign(candidate, i, column, shown)
    # The lower row holds only sub-headers: every filled cell of it lies under a merged title.
    in_group = [filled[i] or (i + 1 < width and filled[i + 1]) for i in range(width)]
    candidate.subheader = any(filled) and all(in_group[i] for i in range(width) if bottoms[i])
    return candidate


def match_header(
    rows_head: list[list[object]], columns: Sequence[Column], *, max_scan: int = 10
) -> HeaderMatch:
    """Find the header among the first `max_scan` rows and map the sheet's columns.

    The header is the row, or the two consecutive rows (a group title over merged cells above
    sub-headers: each column tried as "title + sub-header", then the sub-header, then the title
    of its own cell), that names the most declared columns (then the most required ones). On a
    tie one row wins over two, unless the lower row holds only sub-headers under merged group
    titles; then the earlier rows win. Names are compared after `normalise_header`, and also
    without bracketed notes ("联系电话（手机）" matches 联系电话). Notes and example rows are
    never a header. When no row names any column, `header_row_index` is None (`found` False),
    `mapping` is empty and every required column is missing.
    """
    names = _Names(columns)
    head = rows_head[:max_scan]
    best: _Candidate | None = None
    for index, row in enumerate(head):
        if is_blank_row(row) or is_notes_or_example(row):
            continue
        candidates = [_single(names, row, index)]
        if index > 0 and not is_blank_row(head[index - 1]):
            candidates.append(_pair(names, head[index - 1], row, index))
        for candidate in candidates:
            if not candidate.mapping:
                continue
            if best is None or _better(candidate, best):
                best = candidate
    if best is None:
        return HeaderMatch(
            header_row_index=None,
            mapping={},
            missing_required=[column for column in columns if column.required],
            unknown_headers=[],
            duplicates={},
        )
    mapped = {column.key for column in best.mapping.values()}
    return HeaderMatch(
        header_row_index=best.last_row,
        mapping=best.mapping,
        missing_required=[c for c in columns if c.required and c.key not in mapped],
        unknown_headers=best.unknown,
        duplicates={key: indexes for key, indexes in best.duplicates.items() if len(indexes) > 1},
        header_rows=best.rows,
        headers=best.headers,
    )


def _better(candidate: _Candidate, best: _Candidate) -> bool:
    if candidate.score() != best.score():
        return candidate.score() > best.score()
    # A tie. Two rows beat the one row above them only when the lower row holds sub-headers.
    if candidate.rows == 2 and best.rows == 1 and best.last_row == candidate.last_row - 1:
        return candidate.subheader
    return False


# --- data rows ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRow:
    number: int  # the row number Excel shows (1-based); for text files the record number
    cells: dict[str, object]  # column key → raw value (None where the row is short)
    raw: list[object]  # the row as uploaded, from column A, for the error workbook


def data_rows(rows: Iterable[list[object]], header_match: HeaderMatch) -> Iterator[SourceRow]:
    """The data rows below the header. `rows` are the sheet's rows from row 1 (`Table.rows()`).

    Skipped, silently: empty rows; rows with nothing in any recognised column (pre-numbered
    序号 columns, stray notes far right); notes and example rows between the header and the
    first data row; total and signature rows (合计, 填表人：…). Nothing is yielded when no
    header was found.
    """
    last_header_row = header_match.header_row_index
    if last_header_row is None or not header_match.mapping:
        return
    mapping = list(header_match.mapping.items())
    started = False
    for index, row in enumerate(rows):
        if index <= last_header_row:
            continue
        width = len(row)
        cells = {column.key: row[i] if i < width else None for i, column in mapping}
        if all(is_blank(value) for value in cells.values()):
            continue
        if not started and is_notes_or_example(row):
            continue
        if is_footer(row):
            continue
        started = True
        yield SourceRow(number=index + 1, cells=cells, raw=list(row))


def read_table(
    table: Table, columns: Sequence[Column], *, sheet: str | None = None, max_scan: int = 10
) -> tuple[HeaderMatch, Iterator[SourceRow]]:
    """Match the header of `sheet` (the first visible one by default) and stream its data rows,
    reading the sheet once."""
    rows = table.rows(sheet)
    head = list(itertools.islice(rows, max_scan))
    header_match = match_header(head, columns, max_scan=max_scan)
    return header_match, data_rows(itertools.chain(head, rows), header_match)


__all__ = [
    "SUPPORTED_SUFFIXES",
    "HeaderMatch",
    "SheetInfo",
    "SourceRow",
    "Table",
    "data_rows",
    "is_blank_row",
    "is_footer",
    "is_notes_or_example",
    "match_header",
    "normalise_header",
    "open_table",
    "read_table",
]
