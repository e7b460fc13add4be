"""A filled statistical table as an .xlsx in the government layout.

Sheet 1, top to bottom: the title across the table; 表号 and 制定机关 at the right; the reporting
unit (填报单位) and the period (报告期); the header rows (two levels where columns are grouped)
and the code row (栏次: 甲, 乙 for the text columns, 1, 2 … for the figures, which the rules
name); the rows with number formats (#,##0, #,##0.00), the total in bold; the rules' verdict;
the note; the signature line (单位负责人 审核人 填表人 报出日期), with blank lines to sign where
no name is given. Sheet 2 lists each cross-cell rule, its result and every cell that breaks it;
those cells are shaded on sheet 1 and carry the message as a comment.

Printing: A4 landscape, fitted to the page width, the header rows repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter.worksheet import Worksheet

from jinguo.reports.tables import Grid, RowKind

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK = "__________"  # a line to sign on
TEXT_CODES = "甲乙丙丁"
SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class Signatures:
    """The footer's names (blank lines when empty) and the report date (today when none)."""

    head: str = ""
    checker: str = ""
    filler: str = ""
    on: dt.date | None = None


def report_date(day: dt.date) -> str:
    return pgettext("report date", "%(year)s-%(month)s-%(day)s") % {
        "year": day.year,
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
    }


def signature_line(signatures: Signatures) -> str:
    gap = "\u3000\u3000"
    return gap.join(
        (
            _("Head of unit: %(name)s") % {"name": signatures.head or BLANK},
            _("Checked by: %(name)s") % {"name": signatures.checker or BLANK},
            _("Filled in by: %(name)s") % {"name": signatures.filler or BLANK},
            _("Date of report: %(date)s")
            % {"date": report_date(signatures.on or timezone.localdate())},
        )
    )


def number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def text_columns(grid: Grid) -> list[str]:
    """The headers of the text columns before the figures."""
    if grid.by_items:
        return [grid.label_header, _("Measure")]
    return [grid.label_header]


def column_header(grid: Grid, index: int) -> str:
    column = grid.columns[index]
    if grid.by_items or not column.measure:
        return column.label
    return _("%(label)s (%(measure)s)") % {"label": column.label, "measure": column.measure}


def _width(text: str) -> float:
    """Excel column width of a text: a CJK character takes two places."""
    return sum(2.1 if ord(char) > 0x2E7F else 1.1 for char in text)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        font = {"font_name": "宋体", "font_size": 11}
        cell = {**font, "border": 1, "valign": "vcenter"}
        self.title = book.add_format(
            {**font, "font_name": "黑体", "font_size": 16, "bold": True, "align": "center"}
        )
        self.plain = book.add_format({**font, "valign": "vcenter"})
        self.right = book.add_format({**font, "align": "right", "valign": "vcenter"})
        self.center = book.add_format({**font, "align": "center", "valign": "vcenter"})
        self.header = book.add_format(
            {**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"}
        )
        self.code = book.add_format({**cell, "align": "center", "font_size": 9})
        self.label = book.add_format({**cell, "text_wrap": True})
        self.indented = book.add_format({**cell, "text_wrap": True, "indent": 2})
        self.label_total = book.add_format({**cell, "bold": True, "align": "center"})
        self.measure = book.add_format({**cell, "align": "center"})
        self.empty = book.add_format({**cell, "align": "center"})
        self.wrap = book.add_format({**font, "text_wrap": True, "valign": "top"})
        self.ok = book.add_format({**font, "font_color": "#1D6B3C"})
        self.bad = book.add_format({**font, "font_color": "#B3261E", "bold": True})
        self._book = book
        self._cell = cell
        self._numbers: dict[tuple[int, bool, bool], Any] = {}

    def number(self, decimals: int, *, total: bool = False, failed: bool = False) -> Any:
        key = (decimals, total, failed)
        if key not in self._numbers:
            spec: dict[str, Any] = {**self._cell, "num_format": number_format(decimals)}
            if total:
                spec["bold"] = True
            if failed:
                spec["bg_color"] = "#F8D7DA"
                spec["font_color"] = "#B3261E"
            self._numbers[key] = self._book.add_format(spec)
        return self._numbers[key]


def _sheet_name(text: str) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:SHEET_NAME_LIMIT] or "Sheet1"


def _write_head(sheet: Worksheet, grid: Grid, f: _Formats, last: int) -> int:
    """Title, 表号, 制定机关, 填报单位 and 报告期; returns the next free row."""
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last, str(grid.table.title), f.title)
    right = max(1, last - max(1, (last + 1) // 3) + 1)
    lines = (
        _("Table number: %(code)s") % {"code": grid.table.code},
        _("Set by: %(authority)s") % {"authority": grid.authority},
    )
    for row, line in enumerate(lines, start=1):
        if right < last:
            sheet.merge_range(row, right, row, last, line, f.plain)
        else:
            sheet.write_string(row, last, line, f.plain)
    unit = _("Reporting unit: %(unit)s") % {"unit": grid.unit_name}
    period = _("Period: %(period)s") % {"period": grid.period_label}
    if right > 1:
        sheet.merge_range(3, 0, 3, right - 1, unit, f.plain)
    else:
        sheet.write_string(3, 0, unit, f.plain)
    if right < last:
        sheet.merge_range(3, right, 3, last, period, f.plain)
    else:
        sheet.write_string(3, last, period, f.plain)
    return 4


def _write_header(sheet: Worksheet, grid: Grid, f: _Formats, top: int) -> int:
    """The header rows and the code row (栏次); returns the next free row."""
    texts = text_columns(grid)
    offset = len(texts)
    levels = 2 if grid.grouped else 1
    for i, text in enumerate(texts):
        if levels == 2:
            sheet.merge_range(top, i, top + 1, i, text, f.header)
        else:
            sheet.write_string(top, i, text, f.header)
    index = 0
    for group, columns in grid.header_groups():
        first = offset + index
        if group:
            if len(columns) > 1:
                sheet.merge_range(top, first, top, first + len(columns) - 1, group, f.header)
            else:
                sheet.write_string(top, first, group, f.header)
            for j in range(len(columns)):
                sheet.write_string(top + 1, first + j, column_header(grid, index + j), f.header)
        elif levels == 2:
            sheet.merge_range(top, first, top + 1, first, column_header(grid, index), f.header)
        else:
            sheet.write_string(top, first, column_header(grid, index), f.header)
        index += len(columns)
    for level in range(levels):
        sheet.set_row(top + level, 32)
    code_row = top + levels
    for i in range(offset):
        sheet.write_string(code_row, i, TEXT_CODES[i], f.code)
    for i, column in enumerate(grid.columns):
        sheet.write_number(code_row, offset + i, column.number, f.code)
    return code_row + 1


def _write_rows(sheet: Worksheet, grid: Grid, f: _Formats, top: int) -> int:
    offset = len(text_columns(grid))
    failing = {(fail.row, fail.column): fail.message for r in grid.results for fail in r.failures}
    row_index = top
    for row in grid.rows:
        total = row.kind == RowKind.TOTAL
        label_format = f.label_total if total else (f.indented if row.indent else f.label)
        sheet.write_string(row_index, 0, row.label, label_format)
        if grid.by_items:
            sheet.write_string(row_index, 1, row.measure, f.measure)
        for i, column in enumerate(grid.columns):
            cell = row.cells[column.key]
            message = failing.get((row.key, column.key))
            decimals = row.decimals if column.by_period else column.decimals
            if cell.value is None:
                sheet.write_string(row_index, offset + i, "—", f.empty)
            else:
                sheet.write_number(
                    row_index,
                    offset + i,
                    float(cell.value),
                    f.number(decimals, total=total, failed=message is not None),
                )
            if message:
                sheet.write_comment(row_index, offset + i, message, {"x_scale": 2, "y_scale": 1.5})
        row_index += 1
    return row_index


def _write_foot(
    sheet: Worksheet, grid: Grid, f: _Formats, top: int, last: int, signatures: Signatures
) -> int:
    row = top + 1
    failures = sum(len(result.failures) for result in grid.results)
    if grid.results:
        if failures:
            verdict = _(
                "Cross-cell checks: %(count)d cell(s) do not agree; see the sheet “%(sheet)s”."
            ) % {"count": failures, "sheet": _("Checks")}
        else:
            verdict = _("Cross-cell checks: all %(count)d rule(s) hold.") % {
                "count": len(grid.results)
            }
        sheet.merge_range(row, 0, row, last, verdict, f.bad if failures else f.ok)
        row += 1
    if grid.table.note:
        sheet.merge_range(
            row, 0, row, last, _("Note: %(note)s") % {"note": grid.table.note}, f.wrap
        )
        sheet.set_row(row, 15 * max(2, len(str(grid.table.note)) // 60 + 1))
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, last, signature_line(signatures), f.plain)
    sheet.set_row(row, 24)
    return row + 1


def _write_checks(book: xlsxwriter.Workbook, grid: Grid, f: _Formats) -> None:
    sheet = book.add_worksheet(_sheet_name(_("Checks")))
    sheet.merge_range(
        0, 0, 0, 3, _("Cross-cell checks of %(table)s") % {"table": grid.table.code}, f.title
    )
    for i, text in enumerate((_("No."), _("Rule"), _("Result"), _("Cells that differ"))):
        sheet.write_string(2, i, text, f.header)
    row = 3
    for n, result in enumerate(grid.results, start=1):
        detail = [failure.message for failure in result.failures] + list(result.notes)
        outcome = (
            _("holds (%(count)d checked)") % {"count": result.checked}
            if result.ok
            else _("%(count)d differ") % {"count": len(result.failures)}
        )
        sheet.write_number(row, 0, n, f.code)
        sheet.write_string(row, 1, result.text, f.label)
        sheet.write_string(row, 2, outcome, f.label if result.ok else f.label_total)
        sheet.write_string(row, 3, "\n".join(detail), f.label)
        sheet.set_row(row, 16 * max(1, len(detail), len(result.text) // 40 + 1))
        row += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 3, 70)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def table_xlsx(grid: Grid, signatures: Signatures | None = None) -> bytes:
    """The workbook's bytes."""
    signatures = signatures or Signatures()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": str(grid.table.title), "subject": grid.table.code})
    f = _Formats(book)
    sheet = book.add_worksheet(_sheet_name(grid.table.code))
    last = len(text_columns(grid)) + len(grid.columns) - 1
    header_top = _write_head(sheet, grid, f, last)
    body_top = _write_header(sheet, grid, f, header_top)
    body_end = _write_rows(sheet, grid, f, body_top)
    end = _write_foot(sheet, grid, f, body_end, last, signatures)

    label_width = max([_width(row.label) + (4 if row.indent else 0) for row in grid.rows] + [10])
    sheet.set_column(0, 0, min(max(label_width, _width(grid.label_header)) + 2, 40))
    offset = len(text_columns(grid))
    if grid.by_items:
        sheet.set_column(1, 1, 10)
    for i in range(len(grid.columns)):
        sheet.set_column(offset + i, offset + i, 13)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_top, body_top - 1)
    sheet.print_area(0, 0, end - 1, last)
    sheet.set_footer("&C" + _("Page &P of &N"))
    sheet.freeze_panes(body_top, offset)
    _write_checks(book, grid, f)
    book.close()
    return buffer.getvalue()
