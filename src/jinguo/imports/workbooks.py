"""Workbooks the import offers and hands back: the blank template and the rejected rows.

Both are read again by the import reader, so their layout is a contract with it:

* the data is on the first sheet, with the column headers in row 1;
* a required column's header ends with `REQUIRED_MARK` (" *"): `strip_required_mark` undoes it;
* the template's row 2 holds the notes and its first cell starts with one of `NOTES_MARKERS`
  ("说明：", "Note: "); row 3 holds an example and its first cell starts with one of
  `EXAMPLE_MARKERS` ("示例", "Example"). The reader skips such rows;
* the error workbook repeats the uploaded header and adds one column, `ERRORS_HEADERS`
  ("错误说明", "Errors"), which the reader ignores as an unknown header; fixing the rows and
  uploading the file again works.

The fixed words of these workbooks (markers, sheet names, instructions) live in `_WORDS` here
rather than in the translation catalogue: the markers are part of the file format and must not
change with a catalogue, and the words around them stay in the same language as the markers.
Column headers, notes and choice labels are the registry's own translated strings.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import translation
from xlsxwriter.utility import xl_rowcol_to_cell

from jinguo.imports.columns import Column, Kind

REQUIRED_MARK = " *"
NOTES_MARKERS = ("说明：", "Note: ")
EXAMPLE_MARKERS = ("示例", "Example")
ERRORS_HEADERS = ("错误说明", "Errors")
# How the error column names each problem: "<header>: <message>", problems joined by "；".
PROBLEM_SEPARATOR = "；"

FIRST_DATA_ROW = 3  # 0-based: header, notes and example rows come first
LAST_VALIDATED_ROW = 9999  # 0-based, i.e. Excel row 10000
LISTS_SHEET = "lists"
EXCEL_LIST_LIMIT = 255  # characters of an inline validation list, commas included
EXCEL_CELL_LIMIT = 32767
EXCEL_SHEET_NAME_LIMIT = 31
EXCEL_EXACT_INTEGER = 10**15
MAX_WIDTH = 60
TEXT_KINDS = frozenset({Kind.ID_NUMBER, Kind.PHONE, Kind.UNIT_CODE})
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = 49  # Excel's built-in "@" (Text): cells keep what is typed, digits included
# Dates Excel accepts in a validated date cell (the 1900 epoch is Excel's own lower bound).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class _Words:
    notes: str
    example: str
    errors: str
    instructions: str
    data_sheet: str
    errors_sheet: str
    yes: str
    no: str
    column: str
    required: str
    kind: str
    note: str
    allowed: str
    example_header: str
    allowed_prefix: str
    list_separator: str
    choose_title: str
    choose_error: str
    date_error: str
    intro: str
    kinds: dict[Kind, str]


_ZH = _Words(
    notes=NOTES_MARKERS[0],
    example=EXAMPLE_MARKERS[0] + "：",
    errors=ERRORS_HEADERS[0],
    instructions="填写说明",
    data_sheet="数据",
    errors_sheet="错误行",
    yes="是",
    no="否",
    column="列名",
    required="必填",
    kind="类型",
    note="说明",
    allowed="可选值",
    example_header="示例",
    allowed_prefix="可选：",
    list_separator="、",
    choose_title="请从列表中选择",
    choose_error="不在可选值中，请从下拉列表选择。",
    date_error="请填写日期，如 1980-03-08。",
    intro=(
        "第1行是列名，带 * 的列必须填写；第2行（说明）和第3行（示例）导入时会跳过，"
        "请从第4行起填写，可以删除示例行。身份证号、电话、单位代码列已设为文本格式。"
    ),
    kinds={
        Kind.TEXT: "文字",
        Kind.INT: "整数",
        Kind.DECIMAL: "数字",
        Kind.DATE: "日期（年-月-日）",
        Kind.CHOICE: "从列表中选择",
        Kind.ID_NUMBER: "身份证号（文本，18位）",
        Kind.PHONE: "电话（文本）",
        Kind.UNIT_CODE: "单位代码或名称（文本）",
        Kind.BOOL: "是/否",
    },
)
_EN = _Words(
    notes=NOTES_MARKERS[1],
    example=EXAMPLE_MARKERS[1] + ": ",
    errors=ERRORS_HEADERS[1],
    instructions="Instructions",
    data_sheet="Data",
    errors_sheet="Rejected rows",
    yes="Y",
    no="N",
    column="Column",
    required="Required",
    kind="Type",
    note="Note",
    allowed="Allowed values",
    example_header="Example",
    allowed_prefix="Allowed: ",
    list_separator=", ",
    choose_title="Choose from the list",
    choose_error="Not one of the allowed values: choose from the drop-down list.",
    date_error="Enter a date, such as 1980-03-08.",
    intro=(
        "Row 1 holds the column headers; columns marked * are required. Row 2 (notes) and "
        "row 3 (example) are skipped on import: fill in from row 4; the example row may be "
        "deleted. ID number, phone and unit code columns are formatted as text."
    ),
    kinds={
        Kind.TEXT: "Text",
        Kind.INT: "Whole number",
        Kind.DECIMAL: "Number",
        Kind.DATE: "Date (year-month-day)",
        Kind.CHOICE: "One of a list",
        Kind.ID_NUMBER: "Citizen ID number (text, 18 characters)",
        Kind.PHONE: "Phone (text)",
        Kind.UNIT_CODE: "Unit code or name (text)",
        Kind.BOOL: "Y/N",
    },
)


def _words(language: str) -> _Words:
    return _ZH if language.lower().startswith("zh") else _EN


def strip_required_mark(header: str) -> str:
    """A template header without its required mark: "姓名 *" → "姓名" (full-width ＊ too)."""
    return header.strip().rstrip("*＊").rstrip()


def problem_text(header: str, message: str) -> str:
    """One problem as the error column names it: ``"<header>: <message>"``."""
    return f"{header}: {message}"


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(title: str, fallback: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip().strip("'")
    return cleaned[:EXCEL_SHEET_NAME_LIMIT] or fallback


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units, as Excel counts them."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    clipped = text[: limit - 1]
    while len(clipped.encode("utf-16-le")) // 2 > limit - 1:
        clipped = clipped[:-1]
    return clipped + "…"


def _choice_labels(column: Column, words: _Words) -> list[str]:
    if column.kind == Kind.BOOL:
        return [words.yes, words.no]
    return [str(label) for _value, label in column.choices]


def _note_text(column: Column, words: _Words) -> str:
    note = str(column.note)
    labels = _choice_labels(column, words)
    if column.kind in (Kind.CHOICE, Kind.BOOL) and labels:
        allowed = words.allowed_prefix + words.list_separator.join(labels)
        note = f"{note}\n{allowed}" if note else allowed
    return note


def _needs_sheet_list(labels: Sequence[str]) -> bool:
    """Excel's inline lists hold 255 characters and cannot contain commas or quotes."""
    joined = ",".join(labels)
    return len(joined.encode("utf-16-le")) // 2 > EXCEL_LIST_LIMIT or any(
        "," in label or '"' in label for label in labels
    )


def template_xlsx(title: str, columns: Sequence[Column], *, language: str = "zh-hans") -> bytes:
    """A blank template for `columns`: headers, notes, an example, drop-downs and formats.

    Headers, notes and choice labels are rendered in `language`. Rows 4 to 10000 carry the
    validations (lists for choice and yes/no columns, dates for date columns); ID number,
    phone and unit code columns are text for the whole column so that Excel keeps their
    digits. A second sheet describes each column.
    """
    words = _words(language)
    buffer = io.BytesIO()
    with translation.override(language):
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        workbook.set_properties({"title": title})
        sheet = workbook.add_worksheet(_sheet_name(title, words.data_sheet))
        instructions = workbook.add_worksheet(words.instructions)
        lists = None
        lists_used = 0  # columns of the lists sheet taken so far

        header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"}
        )
        required = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#FCE4D6",
                "font_color": "#C00000",
                "border": 1,
                "valign": "vcenter",
            }
        )
        note = workbook.add_format(
            {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}
        )
        example = workbook.add_format({"font_color": "#808080", "num_format": TEXT_FORMAT})
        text = workbook.add_format({"num_format": TEXT_FORMAT})
        date = workbook.add_format({"num_format": DATE_FORMAT})

        note_lines = 1
        for index, column in enumerate(columns):
            heading = str(column.header) + (REQUIRED_MARK if column.required else "")
            width = min(MAX_WIDTH, max(column.width, display_width(heading) + 2))
            column_format = (
                text if column.kind in TEXT_KINDS else date if column.kind == Kind.DATE else None
            )
            sheet.set_column(index, index, width, column_format)
            sheet.write_string(0, index, heading, required if column.required else header)

            note_text = _note_text(column, words)
            if index == 0:
                note_text = words.notes + note_text
            sheet.write_string(1, index, note_text, note)
            note_lines = max(
                note_lines,
                sum(math.ceil(display_width(line) / width) or 1 for line in note_text.split("\n")),
            )

            example_text = column.example
            if index == 0:
                example_text = words.example + example_text
            if example_text:
                sheet.write_string(2, index, example_text, example)

            labels = _choice_labels(column, words)
            if column.kind in (Kind.CHOICE, Kind.BOOL) and labels:
                source: list[str] | str = labels
                if _needs_sheet_list(labels):
                    if lists is None:
                        lists = workbook.add_worksheet(LISTS_SHEET)
                        lists.hide()
                    for row, label in enumerate(labels):
                        lists.write_string(row, lists_used, label)
                    first = xl_rowcol_to_cell(0, lists_used, row_abs=True, col_abs=True)
                    last = xl_rowcol_to_cell(
                        len(labels) - 1, lists_used, row_abs=True, col_abs=True
                    )
                    lists_used += 1
                    source = f"={LISTS_SHEET}!{first}:{last}"
                sheet.data_validation(
                    FIRST_DATA_ROW,
                    index,
                    LAST_VALIDATED_ROW,
                    index,
                    {
                        "validate": "list",
                        "source": source,
                        # A warning, not a stop: the reader also takes codes and synonyms and
                        # reports whatever it cannot understand.
                        "error_type": "warning",
                        "error_title": _clip(str(column.header), 32),
                        "error_message": _clip(words.choose_error, 255),
                        "input_title": _clip(words.choose_title, 32),
                        "input_message": _clip(str(column.note), 255),
                    },
                )
            elif column.kind == Kind.DATE:
                sheet.data_validation(
                    FIRST_DATA_ROW,
                    index,
                    LAST_VALIDATED_ROW,
                    index,
                    {
                        "validate": "date",
                        "criteria": "between",
                        "minimum": EARLIEST_DATE,
                        "maximum": LATEST_DATE,
                        "error_type": "warning",
                        "error_title": _clip(str(column.header), 32),
                        "error_message": _clip(words.date_error, 255),
                    },
                )
        sheet.set_row(0, 20)
        sheet.set_row(1, min(409, 15 * note_lines))
        sheet.freeze_panes(1, 0)

        _write_instructions(instructions, workbook, columns, words)
        workbook.close()
    return buffer.getvalue()


def _write_instructions(
    sheet: Any, workbook: Any, columns: Sequence[Column], words: _Words
) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.merge_range(0, 0, 0, 5, words.intro, wrap)
    sheet.set_row(0, 48)
    headings = [
        words.column,
        words.required,
        words.kind,
        words.note,
        words.allowed,
        words.example_header,
    ]
    for col, heading in enumerate(headings):
        sheet.write_string(2, col, heading, bold)
    for row, column in enumerate(columns, start=3):
        labels = _choice_labels(column, words)
        allowed = (
            words.list_separator.join(labels) if column.kind in (Kind.CHOICE, Kind.BOOL) else ""
        )
        cells = [
            str(column.header),
            words.yes if column.required else "",
            words.kinds[column.kind],
            str(column.note),
            _clip(allowed, EXCEL_CELL_LIMIT),
            column.example,
        ]
        for col, value in enumerate(cells):
            sheet.write_string(row, col, value, wrap)
    for col, width in enumerate((18, 8, 22, 50, 40, 20)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(3, 0)


def _carried_error_column(header: Sequence[str]) -> int | None:
    """The index of an error column carried over from an earlier error workbook, if any."""
    for index, name in enumerate(header):
        if str(name).strip() in ERRORS_HEADERS:
            return index
    return None


def error_workbook_xlsx(
    header: Sequence[str],
    rows: Iterable[tuple[Sequence[object], Sequence[str]]],
    *,
    language: str,
) -> bytes:
    """The rejected rows as uploaded, each with the problems found in it, ready to fix.

    `rows` gives each row's values aligned with `header` and its problems, already worded as
    `problem_text(header, message)`. Text stays text (an ID number keeps all 18 characters and
    its cell is text-formatted, so Excel does not turn it into a number again); numbers, dates
    and booleans keep their types. The last column, "错误说明" / "Errors", joins the problems
    with "；" in red. An error column left from an earlier round is dropped, not repeated.

    Rows are written one at a time with XlsxWriter's constant-memory mode, so a large error set
    costs the size of the finished file, not the size of all its cells.
    """
    words = _words(language)
    header = [str(name) for name in header]
    carried = _carried_error_column(header)
    if carried is not None:
        del header[carried]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "in_memory": False, "remove_timezone": True}
    )
    sheet = workbook.add_worksheet(words.errors_sheet)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error_header = workbook.add_format(
        {"bold": True, "font_color": "#C00000", "bg_color": "#FCE4D6", "border": 1}
    )
    error = workbook.add_format({"font_color": "#C00000", "text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": TEXT_FORMAT})
    date = workbook.add_format({"num_format": DATE_FORMAT})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    width = len(header)
    for index, name in enumerate(header):
        sheet.set_column(index, index, min(MAX_WIDTH, max(10, display_width(str(name)) + 2)))
    sheet.set_column(width, width, MAX_WIDTH)
    for index, name in enumerate(header):
        sheet.write_string(0, index, str(name), bold)
    sheet.write_string(0, width, words.errors, error_header)
    sheet.freeze_panes(1, 0)

    for row_index, (values, problems) in enumerate(rows, start=1):
        if carried is not None and len(values) > carried:
            values = [*values[:carried], *values[carried + 1 :]]
        for col, value in enumerate(values[:width]):
            _write_value(sheet, row_index, col, value, text=text, date=date, when=when)
        if problems:
            joined = _clip(PROBLEM_SEPARATOR.join(problems), EXCEL_CELL_LIMIT)
            sheet.write_string(row_index, width, joined, error)
    workbook.close()
    return buffer.getvalue()


def _write_value(
    sheet: Any, row: int, col: int, value: object, *, text: Any, date: Any, when: Any
) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        # Excel keeps 15 significant digits: a longer integer (an ID number read as a number)
        # goes back as text rather than be rounded.
        exact = not isinstance(value, int) or abs(value) < EXCEL_EXACT_INTEGER
        if math.isfinite(number) and exact:
            sheet.write_number(row, col, number)
        else:
            sheet.write_string(row, col, str(value), text)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, when)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, date)
    else:
        sheet.write_string(row, col, _clip(str(value), EXCEL_CELL_LIMIT), text)
