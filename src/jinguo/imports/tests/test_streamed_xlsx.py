"""Large xlsx sheets are streamed with the standard library instead of calamine: the same
sheets, the same rows, the same values, and memory that does not grow with the sheet."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from jinguo.core.errors import ApplicationError
from jinguo.imports import reader
from jinguo.imports.reader import open_table
from jinguo.imports.tests import corpus

XLSX_FILES = [g for g in corpus.GOOD_FILES if g.__name__.endswith("_xlsx")]


def rows_of(path: Path, *, streamed: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setattr(reader, "STREAM_XLSX_ABOVE", 0 if streamed else 1 << 62)
    with open_table(path, path.name) as table:
        kind = type(table).__name__
        sheets = [(s.name, s.hidden) for s in table.sheets]
        contents = {}
        for name, _hidden in sheets:
            rows = [list(row) for row in table.rows(name)]
            for row in rows:
                while row and row[-1] is None:
                    row.pop()
            while rows and not rows[-1]:
                rows.pop()
            contents[name] = rows
    return {"kind": kind, "sheets": sheets, "rows": contents}


def values_file(directory: Path) -> Path:
    """Every kind of cell value: dates, datetimes, times, durations, numbers in number formats,
    booleans, formulas with cached text and errors, inline and rich strings, gaps."""
    path = directory / "values.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("值")
    formats = {
        code: book.add_format({"num_format": code})
        for code in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "hh:mm:ss", "[h]:mm:ss", "0.00")
    }
    chinese_date = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    builtin_date = book.add_format({"num_format": 27})
    sheet.write_row(0, 0, ["文本", "日期", "时刻", "时间", "时长", "数", "中文日期", "布尔"])
    sheet.write_string(1, 0, "王芳")
    sheet.write_datetime(1, 1, dt.date(1980, 3, 8), formats["yyyy-mm-dd"])
    sheet.write_datetime(1, 2, dt.datetime(2020, 1, 2, 3, 4, 5), formats["yyyy-mm-dd hh:mm:ss"])  # noqa: DTZ001
    sheet.write_datetime(1, 3, dt.time(3, 4, 5), formats["hh:mm:ss"])
    sheet.write_number(1, 4, 1.5, formats["[h]:mm:ss"])
    sheet.write_number(1, 5, 45000, formats["0.00"])
    sheet.write_number(1, 6, 45000, chinese_date)
    sheet.write_boolean(1, 7, True)
    sheet.write_formula(2, 0, '="a"&"b"', None, "ab")
    sheet.write_formula(2, 1, "=1/0", None, "#DIV/0!")
    sheet.write_number(2, 5, 12)
    sheet.write_number(2, 6, 45001, builtin_date)
    sheet.write_rich_string(4, 0, "红", book.add_format({"bold": True}), "色", "字")
    sheet.write_string(4, 9, "远列")
    sheet.write_number(6, 2, 0.25, formats["hh:mm:ss"])
    hidden = book.add_worksheet("隐藏")
    hidden.write_row(0, 0, ["女", "男"])
    hidden.hide()
    book.close()
    return path


def inline_strings_file(directory: Path) -> Path:
    """XlsxWriter's constant-memory mode writes inline strings instead of shared ones."""
    path = directory / "inline.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("人员")
    sheet.write_row(0, 0, ["姓名", "身份证号", "出生日期"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for row in range(1, 50):
        sheet.write_string(row, 0, f"人{row}")
        sheet.write_string(row, 1, f"15052519800308{row:04d}")
        sheet.write_datetime(row, 2, dt.date(1980, 1, 1) + dt.timedelta(days=row), date)
    book.close()
    return path


@pytest.mark.parametrize(
    "generator", [*XLSX_FILES, values_file, inline_strings_file], ids=lambda g: g.__name__
)
def test_a_streamed_sheet_reads_as_calamine_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generator: corpus.Generator
) -> None:
    path = generator(tmp_path)

    streamed = rows_of(path, streamed=True, monkeypatch=monkeypatch)
    calamine = rows_of(path, streamed=False, monkeypatch=monkeypatch)

    assert streamed["kind"] == "_StreamedXlsxTable"
    assert calamine["kind"] == "_WorkbookTable"
    assert streamed["sheets"] == calamine["sheets"]
    assert streamed["rows"] == calamine["rows"]


def test_bytes_and_paths_both_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = values_file(tmp_path)
    monkeypatch.setattr(reader, "STREAM_XLSX_ABOVE", 0)

    from_bytes = open_table(path.read_bytes(), path.name)
    from_path = open_table(path, path.name)

    assert type(from_bytes).__name__ == type(from_path).__name__ == "_StreamedXlsxTable"
    assert list(from_bytes.rows()) == list(from_path.rows())
    assert from_path.sheet().rows_hint == 7


def test_a_damaged_large_workbook_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "STREAM_XLSX_ABOVE", 0)
    good = io.BytesIO()
    book = xlsxwriter.Workbook(good, {"in_memory": True})
    book.add_worksheet("S").write_row(0, 0, ["姓名"] * 3)
    book.close()
    damaged = tmp_path / "damaged.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(good.getvalue())) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"<row><c r='A2'><v>1</sheetData>")
            target.writestr(info, content)

    with pytest.raises(ApplicationError) as refused:
        list(open_table(damaged, damaged.name).rows())

    assert refused.value.code == "unreadable_file"


def test_memory_does_not_grow_with_the_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "STREAM_XLSX_ABOVE", 0)
    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("S")
    for row in range(60_000):
        sheet.write_row(row, 0, [f"人{row}", f"15052519800308{row % 10000:04d}", "150525100201"])
    book.close()

    tracemalloc.start()
    try:
        count = sum(1 for _ in open_table(path, path.name).rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 60_000
    # 60,000 rows of three strings held at once would take well over 10 MB.
    assert peak < 5 * 1024 * 1024
