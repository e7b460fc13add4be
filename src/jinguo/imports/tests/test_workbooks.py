from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from jinguo.imports.columns import Column, Kind
from jinguo.imports.workbooks import (
    ERRORS_HEADERS,
    EXAMPLE_MARKERS,
    NOTES_MARKERS,
    error_workbook_xlsx,
    problem_text,
    strip_required_mark,
    template_xlsx,
)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
ID = "15052519800308123X"
LONG_CHOICES = [(f"c{n}", f"第{n}种很长很长的选项名称") for n in range(40)]

COLUMNS = [
    Column("name", "姓名", required=True, note="与身份证一致", example="王芳", width=10),
    Column("sex", "性别", Kind.CHOICE, choices=[("F", "女"), ("M", "男")], example="女"),
    Column("id_number", "身份证号", Kind.ID_NUMBER, note="18位", example=ID, width=22),
    Column("phone", "联系电话", Kind.PHONE, example="13812345678"),
    Column("residence", "居住村（社区）", Kind.UNIT_CODE, required=True, example="150525100201"),
    Column("birth_date", "出生日期", Kind.DATE, example="1980-03-08"),
    Column("kind", "类别", Kind.CHOICE, choices=LONG_CHOICES),
    Column("dibao", "低保", Kind.BOOL),
    Column("children", "子女数", Kind.INT, example="2"),
]


def read(data: bytes, sheet: int = 0) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()


def part(data: bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own output


def child(element: ElementTree.Element, path: str) -> ElementTree.Element:
    found = element.find(path, NS)
    assert found is not None, path
    return found


def raw(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_xlsx("人员导入", COLUMNS, language="zh-hans")


def test_template_has_headers_notes_and_example_rows(template):
    header, notes, example, *rest = read(template)
    assert header == [
        "姓名 *",
        "性别",
        "身份证号",
        "联系电话",
        "居住村（社区） *",
        "出生日期",
        "类别",
        "低保",
        "子女数",
    ]
    assert [strip_required_mark(str(h)) for h in header[:5:4]] == ["姓名", "居住村（社区）"]
    assert str(notes[0]).startswith(NOTES_MARKERS[0])
    assert notes[0] == "说明：与身份证一致"
    assert notes[1] == "可选：女、男"
    assert notes[2] == "18位"
    assert notes[7] == "可选：是、否"
    assert str(example[0]).startswith(EXAMPLE_MARKERS[0])
    assert example[:3] == ["示例：王芳", "女", ID]
    assert rest == []


def test_english_template_uses_english_markers():
    _header, notes, example = read(template_xlsx("People", COLUMNS, language="en"))
    assert str(notes[0]).startswith("Note: ")
    assert str(example[0]).startswith("Example")
    assert notes[7] == "Allowed: Y, N"


def test_template_has_an_instructions_sheet(template):
    book = CalamineWorkbook.from_filelike(io.BytesIO(template))
    assert book.sheet_names[:2] == ["人员导入", "填写说明"]
    rows = read(template, 1)
    described = {row[0]: row for row in rows[3:]}
    assert described["姓名"][1] == "是"
    assert described["性别"][4] == "女、男"
    assert described["出生日期"][2].startswith("日期")


def test_template_has_drop_downs_and_date_validation(template):
    sheet1 = raw(template, "xl/worksheets/sheet1.xml")
    assert "<dataValidation " in sheet1
    validations = part(template, "xl/worksheets/sheet1.xml").findall(".//m:dataValidation", NS)
    by_range = {v.get("sqref"): v for v in validations}
    assert by_range["B4:B10000"].get("type") == "list"
    assert child(by_range["B4:B10000"], "m:formula1").text == '"女,男"'
    assert child(by_range["H4:H10000"], "m:formula1").text == '"是,否"'
    assert by_range["F4:F10000"].get("type") == "date"
    assert "A4:A10000" not in by_range  # free text has none


def test_long_choice_lists_go_to_a_hidden_sheet(template):
    validations = part(template, "xl/worksheets/sheet1.xml").findall(".//m:dataValidation", NS)
    formula = {v.get("sqref"): child(v, "m:formula1").text for v in validations}["G4:G10000"]
    assert formula == "lists!$A$1:$A$40"
    sheets = part(template, "xl/workbook.xml").findall(".//m:sheet", NS)
    assert [(s.get("name"), s.get("state")) for s in sheets][-1] == ("lists", "hidden")
    lists = read(template, 2)
    assert lists == [[label] for _value, label in LONG_CHOICES]


def _column_styles(data: bytes) -> dict[int, str]:
    """Number format code of each column's default style, by 0-based column index."""
    styles = part(data, "xl/styles.xml")
    codes = {"0": "General", "49": "@"}
    for fmt in styles.findall(".//m:numFmts/m:numFmt", NS):
        codes[fmt.get("numFmtId", "")] = fmt.get("formatCode", "")
    xfs = styles.findall("./m:cellXfs/m:xf", NS)
    found: dict[int, str] = {}
    for col in part(data, "xl/worksheets/sheet1.xml").findall(".//m:cols/m:col", NS):
        xf = xfs[int(col.get("style", "0"))]
        code = codes.get(xf.get("numFmtId", "0"), "General")
        for index in range(int(col.get("min", "1")) - 1, int(col.get("max", "1"))):
            found[index] = code
    return found


def test_id_phone_and_unit_code_columns_are_text(template):
    styles = _column_styles(template)
    assert styles[2] == "@"  # 身份证号
    assert styles[3] == "@"  # 联系电话
    assert styles[4] == "@"  # 居住村（社区）
    assert styles[0] == "General"
    assert styles[5] == "yyyy-mm-dd"


def test_template_freezes_the_header_and_sizes_columns(template):
    sheet = part(template, "xl/worksheets/sheet1.xml")
    pane = child(sheet, ".//m:pane")
    assert (pane.get("ySplit"), pane.get("state")) == ("1", "frozen")
    widths = {
        int(col.get("min", "0")): float(col.get("width", "0"))
        for col in sheet.findall(".//m:cols/m:col", NS)
    }
    assert widths[3] > 22  # the ID number column as declared
    assert widths[5] >= 16  # "居住村（社区） *" fits


# --- error workbook ---------------------------------------------------------------------------

UPLOADED = ["姓名", "身份证号", "出生日期", "子女数", "备注"]


def test_error_workbook_round_trip_keeps_values_and_adds_errors():
    rows = [
        (
            ["王芳", ID, "1980-13-08", 2, None],
            [problem_text("出生日期", "日期无效"), problem_text("身份证号", "校验位错误")],
        ),
        (["李娜", "1.50525E+17", dt.date(1990, 1, 2), 1.5, "=1+1"], ["身份证号: 科学计数法"]),
    ]
    data = error_workbook_xlsx(UPLOADED, rows, language="zh-hans")
    header, first, second = read(data)
    assert header == [*UPLOADED, "错误说明"]
    assert first == ["王芳", ID, "1980-13-08", 2.0, "", "出生日期: 日期无效；身份证号: 校验位错误"]
    assert second[:4] == ["李娜", "1.50525E+17", dt.date(1990, 1, 2), 1.5]
    assert second[4] == "=1+1"  # written as text, never as a formula
    assert second[5] == "身份证号: 科学计数法"


def test_error_workbook_keeps_long_numbers_and_ids_as_text():
    data = error_workbook_xlsx(
        ["身份证号", "电话"], [(["150525198003081234", 150525198003081234], ["x"])], language="en"
    )
    header, row = read(data)
    assert header == ["身份证号", "电话", "Errors"]
    assert row[:2] == ["150525198003081234", "150525198003081234"]


def test_error_workbook_text_cells_are_text_formatted():
    data = error_workbook_xlsx(["身份证号"], [([ID], ["x"])], language="zh-hans")
    sheet = raw(data, "xl/worksheets/sheet1.xml")
    # Constant-memory mode writes strings inline, row by row.
    assert 't="inlineStr"' in sheet
    styles = part(data, "xl/styles.xml")
    xfs = styles.findall("./m:cellXfs/m:xf", NS)
    cell = child(part(data, "xl/worksheets/sheet1.xml"), ".//m:c[@r='A2']")
    assert xfs[int(cell.get("s", "0"))].get("numFmtId") == "49"


def test_error_column_is_red():
    data = error_workbook_xlsx(["姓名"], [(["王芳"], ["姓名: 太长"])], language="zh-hans")
    styles = raw(data, "xl/styles.xml")
    assert re.search(r'<color rgb="FFC00000"', styles)


def test_error_column_of_an_earlier_round_is_not_repeated():
    first_round = error_workbook_xlsx(
        ["姓名", "子女数"], [(["王芳", "二"], ["子女数: 不是数字"])], language="zh-hans"
    )
    header, row = read(first_round)
    second_round = error_workbook_xlsx(
        [str(h) for h in header], [([*row], ["子女数: 仍不是数字"])], language="zh-hans"
    )
    header, row = read(second_round)
    assert header == ["姓名", "子女数", "错误说明"]
    assert row == ["王芳", "二", "子女数: 仍不是数字"]
    assert ERRORS_HEADERS[0] == "错误说明"


def test_error_workbook_streams_many_rows():
    many = ((["王芳", f"1505251980030{n:05d}"], ["身份证号: 校验位错误"]) for n in range(20_000))
    data = error_workbook_xlsx(["姓名", "身份证号"], many, language="zh-hans")
    rows = read(data)
    assert len(rows) == 20_001
    assert rows[-1][1] == "150525198003019999"


# --- what the reader makes of them ------------------------------------------------------------


def test_reader_matches_the_template_and_skips_its_notes_and_example(template):
    from jinguo.imports.reader import open_table, read_table

    with open_table(template, "人员导入.xlsx") as table:
        match, rows = read_table(table, COLUMNS)
        assert sorted(c.key for c in match.mapping.values()) == sorted(c.key for c in COLUMNS)
        assert match.missing_required == []
        assert list(rows) == []


def test_reader_reads_a_fixed_error_workbook_and_ignores_the_error_column():
    from jinguo.imports.reader import open_table, read_table

    header = ["姓名", "身份证号", "出生日期"]
    data = error_workbook_xlsx(
        header, [(["王芳", ID, "1980-03-08"], ["出生日期: 日期无效"])], language="zh-hans"
    )
    with open_table(data, "错误行.xlsx") as table:
        match, rows = read_table(table, COLUMNS)
        assert match.unknown_headers == ["错误说明"]
        (row,) = list(rows)
    assert row.cells["name"] == "王芳"
    assert row.cells["id_number"] == ID
