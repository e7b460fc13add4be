"""Reading uploads: file types and encodings, sheets, header detection, data rows, the corpus."""

from __future__ import annotations

import datetime as dt
import functools
import io
import tempfile
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from jinguo.core.errors import ApplicationError
from jinguo.imports.cells import CellError, parse_cell
from jinguo.imports.columns import Column, Kind
from jinguo.imports.reader import (
    HeaderMatch,
    SheetInfo,
    SourceRow,
    Table,
    data_rows,
    is_footer,
    is_notes_or_example,
    match_header,
    normalise_header,
    open_table,
    read_table,
)
from jinguo.imports.tests import corpus
from jinguo.imports.tests.corpus import COLUMNS, PEOPLE

COLUMN = {column.key: column for column in COLUMNS}


def read(path: Path, *, sheet: str | None = None) -> tuple[HeaderMatch, list[SourceRow]]:
    with open_table(path, path.name) as table:
        header, rows = read_table(table, COLUMNS, sheet=sheet)
        return header, list(rows)


def parsed(row: SourceRow) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, raw in row.cells.items():
        try:
            values[key] = parse_cell(COLUMN[key], raw)
        except CellError as error:
            values[key] = error
    return values


def keys(header: HeaderMatch) -> dict[int, str]:
    return {index: column.key for index, column in header.mapping.items()}


# --- the corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize("generate", corpus.PEOPLE_FILES, ids=lambda g: g.__name__)
def test_people_files_give_the_people(tmp_path, generate):
    header, rows = read(generate(tmp_path))
    assert header.found
    assert header.missing_required == []
    assert set(keys(header).values()) == set(COLUMN)
    assert header.duplicates == {}
    values = [parsed(row) for row in rows[: len(PEOPLE)]]
    for person, row in zip(PEOPLE, values, strict=True):
        assert row["name"] in {person.name, "王 芳", "王𠀀"}  # tab-separated, GB18030 variants
        assert row["sex"] == person.sex
        assert row["birth_date"] == person.birth_date
        assert row["id_number"] == person.id_number
        assert row["phone"] == person.phone
        assert row["village"] == person.village
        assert row["children"] == person.children
        income = row["income"]
        assert isinstance(income, Decimal)
        assert income in {person.income, person.income * 1000}  # semicolon.csv: 1,250,000.0
        assert row["dibao"] == person.dibao


@pytest.mark.parametrize("generate", corpus.GOOD_FILES, ids=lambda g: g.__name__)
def test_good_files_read_the_same_from_bytes_and_from_a_path(tmp_path, generate):
    path = generate(tmp_path)
    with open_table(path, path.name) as from_path, open_table(path.read_bytes(), path.name) as b:
        assert from_path.sheets == b.sheets
        for info in from_path.sheets:  # hidden sheets too
            assert list(from_path.rows(info.name)) == list(b.rows(info.name))


@pytest.mark.parametrize(
    ("generate", "code"), corpus.BAD_FILES.items(), ids=lambda v: getattr(v, "__name__", v)
)
def test_bad_files_raise_application_errors_naming_the_file(tmp_path, generate, code):
    path = generate(tmp_path)
    for data in (path, path.read_bytes()):
        with pytest.raises(ApplicationError) as caught, open_table(data, path.name) as table:
            list(table.rows())
        assert caught.value.code == code
        assert path.name in caught.value.render("en")
        assert path.name in caught.value.render("zh-hans")


def test_two_row_header_with_merged_cells(tmp_path):
    header, rows = read(corpus.two_row_header_xlsx(tmp_path))
    assert header.header_row_index == 2  # rows 2 and 3 in Excel
    assert header.header_rows == 2
    assert keys(header)[5] == "phone"  # 手机 under the merged 联系方式
    assert keys(header)[4] == "id_number"  # "身份证号码\n（18位）"
    assert keys(header)[9] == "income"  # 年收入（元）
    assert "联系方式 / 固定电话" in header.unknown_headers
    assert "备注" in header.unknown_headers
    assert header.headers[5] == "联系方式 / 手机"
    assert [row.number for row in rows] == [4, 5, 6, 7, 8]
    assert rows[0].raw[6] == "0475-1234567"
    assert rows[0].cells["phone"] == 13812345671.0  # a number cell, raw


def test_template_skips_notes_example_total_and_signature_rows(tmp_path):
    header, rows = read(corpus.template_xlsx(tmp_path))
    assert header.header_row_index == 0
    assert header.header_rows == 1
    assert [row.number for row in rows] == [4, 5, 6, 7, 8]
    assert header.unknown_headers == ["序号"]


def test_hidden_first_sheet_is_skipped_unless_named(tmp_path):
    path = corpus.hidden_first_sheet_xlsx(tmp_path)
    with open_table(path, path.name) as table:
        assert [(s.name, s.hidden, s.rows_hint) for s in table.sheets] == [
            ("字典", True, 2),
            ("数据", False, 6),
        ]
        assert table.sheet().name == "数据"
        assert next(table.rows())[1] == "姓名"
        assert list(table.rows("字典")) == [["女"], ["男"]]
        with pytest.raises(ApplicationError) as caught:
            table.rows("不存在")
        assert caught.value.code == "sheet_not_found"
        assert "不存在" in caught.value.render("en")


def test_no_visible_sheet():
    table = Table("all_hidden.xlsx", "xlsx", [SheetInfo("字典", hidden=True, rows_hint=2)])
    with pytest.raises(ApplicationError) as caught:
        table.rows()
    assert caught.value.code == "no_visible_sheet"


def test_mixed_dates(tmp_path):
    path = corpus.mixed_dates_xlsx(tmp_path)
    _header, rows = read(path)
    assert len(rows) == 10
    for row in rows:
        expected = dt.date.fromisoformat(str(row.raw[11]))
        assert parse_cell(COLUMN["birth_date"], row.cells["birth_date"]) == expected


def test_ids_mangled_by_excel_are_reported_not_guessed(tmp_path):
    _header, rows = read(corpus.mangled_ids_xlsx(tmp_path))
    codes = {}
    for row in rows:
        value = parsed(row)["id_number"]
        codes[row.number] = value.code if isinstance(value, CellError) else value
    assert codes == {
        2: "id_mangled_by_excel",
        3: "id_mangled_by_excel",
        4: "id_mangled_by_excel",
        5: PEOPLE[3].id_number,
        6: "152326800308124",  # 15 digits survive a number cell
        7: "id_mangled_by_excel",  # 150525…000 typed back as text
    }
    assert rows[0].raw[1] == corpus.excel_mangled(PEOPLE[0].id_number)


def test_gbk_csv_reports_a_scientific_notation_id(tmp_path):
    _header, rows = read(corpus.gbk_csv(tmp_path))
    last = parsed(rows[-1])
    assert rows[-1].number == 7
    assert rows[-1].raw[4] == "1.50525E+17"
    assert isinstance(last["id_number"], CellError)
    assert last["id_number"].code == "id_mangled_by_excel"
    assert last["birth_date"] == dt.date(1982, 7, 1)


def test_empty_rows_and_prefilled_serial_numbers_are_skipped(tmp_path):
    _header, rows = read(corpus.empty_rows_xlsx(tmp_path))
    assert [row.number for row in rows] == [2, 5, 6, 9, 10]


def test_formulas_give_their_cached_values(tmp_path):
    _header, rows = read(corpus.formulas_xlsx(tmp_path))
    first = parsed(rows[0])
    assert first["name"] == PEOPLE[0].name
    assert first["village"] == PEOPLE[0].village
    assert first["children"] == PEOPLE[0].children
    assert first["birth_date"] == PEOPLE[0].birth_date


def test_full_width_digits(tmp_path):
    for path in (corpus.full_width_xlsx(tmp_path), corpus.full_width_csv(tmp_path)):
        _header, rows = read(path)
        first = parsed(rows[0])
        assert first["id_number"] == PEOPLE[0].id_number
        assert first["phone"] == PEOPLE[0].phone
        assert first["children"] == PEOPLE[0].children
        assert first["birth_date"] == PEOPLE[0].birth_date


def test_quoted_newlines_count_as_one_row(tmp_path):
    _header, rows = read(corpus.tab_separated_txt(tmp_path))
    assert rows[0].raw[1] == "王\t芳\n"
    assert [row.number for row in rows] == [2, 3, 4, 5, 6]


def test_ods_hidden_sheet_and_types(tmp_path):
    path = corpus.ods(tmp_path)
    with open_table(path, path.name) as table:
        assert [(s.name, s.hidden) for s in table.sheets] == [("字典", True), ("人员", False)]
        rows = list(table.rows())
    assert rows[1][3] == PEOPLE[0].birth_date
    assert rows[1][0] == 1.0


# --- text files ------------------------------------------------------------------------------


def rows_of(data: bytes, name: str = "upload.csv") -> list[list[object]]:
    with open_table(data, name) as table:
        return list(table.rows())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("姓名,电话\n王芳,1\n".encode(), [["姓名", "电话"], ["王芳", "1"]]),
        ("姓名,电话\n王芳,1\n".encode("utf-8-sig"), [["姓名", "电话"], ["王芳", "1"]]),
        ("姓名,电话\n王芳,1\n".encode("gbk"), [["姓名", "电话"], ["王芳", "1"]]),
        ("姓名\t电话\r\n王芳\t1\r\n".encode("utf-16"), [["姓名", "电话"], ["王芳", "1"]]),
        ("姓名;电话\n王芳;1\n".encode(), [["姓名", "电话"], ["王芳", "1"]]),
        ("姓名\t电话\n王芳\t1,5\n".encode(), [["姓名", "电话"], ["王芳", "1,5"]]),
        ("sep=;\n姓名;电话\n".encode(), [["姓名", "电话"]]),
        (b"a,,c\n\n,,\n", [["a", None, "c"], [], [None, None, None]]),
        ("姓名\n王芳\n".encode(), [["姓名"], ["王芳"]]),
        ("姓名,电话\r王芳,1\r".encode("gbk"), [["姓名", "电话"], ["王芳", "1"]]),
        ('"王\r\n芳",1\r\n'.encode(), [["王\r\n芳", "1"]]),
    ],
)
def test_text_encodings_and_delimiters(data, expected):
    assert rows_of(data) == expected


def test_utf8_character_cut_at_the_sample_boundary_is_still_utf8():
    data = ("姓名,备注\n王芳," + "好" * 40_000 + "\n").encode()
    rows = rows_of(data)
    assert rows[1][1] == "好" * 40_000


def test_utf8_sample_then_gbk_later_is_unreadable_not_garbage():
    data = ("姓名,备注\n" + "a,b\n" * 20_000).encode() + "王芳,乱码\n".encode("gbk")
    with pytest.raises(ApplicationError) as caught:
        rows_of(data)
    assert caught.value.code == "unreadable_file"
    assert caught.value.params["row"] == 20_002


def test_rows_hint_of_text_files():
    with open_table(b"a\nb\nc", "x.csv") as table:
        assert table.sheets == [SheetInfo("x", hidden=False, rows_hint=3)]


def test_tab_separated_text_with_an_xls_name(tmp_path):
    path = corpus.tsv_named_xls(tmp_path)
    with open_table(path, path.name) as table:
        assert table.format == "xls"
        assert next(table.rows())[1] == "姓名"


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a", "a.numbers", "a.xlsx.exe"])
def test_unsupported_suffixes(name):
    with pytest.raises(ApplicationError) as caught:
        open_table(b"whatever", name)
    assert caught.value.code == "unsupported_file"


def test_suffix_is_case_insensitive(tmp_path):
    path = corpus.template_xlsx(tmp_path)
    with open_table(path.read_bytes(), "TEMPLATE.XLSX") as table:
        assert table.format == "xlsx"


def test_missing_path():
    with pytest.raises(ApplicationError) as caught:
        open_table(Path("/nonexistent/upload.xlsx"), "upload.xlsx")
    assert caught.value.code == "unreadable_file"


# --- workbooks -------------------------------------------------------------------------------


def workbook(tmp_path: Path, fill) -> Path:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    fill(book)
    book.close()
    return path


def test_data_away_from_a1_keeps_excel_row_and_column_numbers(tmp_path):
    def fill(book):
        ws = book.add_worksheet()
        ws.write_row(2, 2, ["姓名", "身份证号", "所在村"])  # C3
        ws.write_row(3, 2, ["王芳", PEOPLE[0].id_number, "150525100201"])

    header, rows = read(workbook(tmp_path, fill))
    assert header.header_row_index == 2
    assert keys(header) == {2: "name", 3: "id_number", 4: "village"}
    assert rows[0].number == 4
    assert rows[0].raw[:3] == [None, None, "王芳"]


def test_empty_sheet_and_chart_sheet(tmp_path):
    def fill(book):
        book.add_worksheet("空")
        data = book.add_worksheet("数据")
        data.write_row(0, 0, [1, 2])
        chart = book.add_chart({"type": "column"})
        chart.add_series({"values": "=数据!$A$1:$B$1"})
        book.add_chartsheet("图").set_chart(chart)

    path = workbook(tmp_path, fill)
    with open_table(path, path.name) as table:
        assert [s.name for s in table.sheets] == ["空", "数据"]  # no chart sheet
        assert list(table.rows()) == []
        assert list(table.rows("数据")) == [[1.0, 2.0]]


def test_error_values_read_as_empty(tmp_path):
    def fill(book):
        ws = book.add_worksheet()
        ws.write_formula(0, 0, "=1/0", None, "#DIV/0!")
        ws.write_formula(0, 1, "=NA()", None, "#N/A")
        ws.write(0, 2, "x")

    path = workbook(tmp_path, fill)
    with open_table(path, path.name) as table:
        assert list(table.rows()) == [[None, None, "x"]]


EXPECTED_CODES = {None, "unreadable_file", "unsupported_file", "no_visible_sheet"}


def read_everything(data: bytes, name: str) -> str | None:
    """Open the upload and read every row of every sheet: the error's code, or None."""
    try:
        with open_table(data, name) as table:
            for info in table.sheets:
                for _row in table.rows(info.name):
                    pass
    except ApplicationError as error:
        return error.code
    return None


@functools.cache
def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        return corpus.template_xlsx(Path(directory)).read_bytes()


@settings(deadline=None, max_examples=60)
@given(data=st.data())
def test_damaged_workbooks_raise_application_errors_only(data):
    damaged = bytearray(template_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        damaged = damaged[: data.draw(st.integers(0, len(damaged)))]
    name = data.draw(st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.ods"]))
    assert read_everything(bytes(damaged), name) in EXPECTED_CODES


@settings(deadline=None, max_examples=200)
@given(
    data=st.binary(max_size=2048),
    name=st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.txt", "a.ods", "a.et"]),
)
def test_random_bytes_raise_application_errors_only(data, name):
    assert read_everything(data, name) in EXPECTED_CODES


# --- header matching -------------------------------------------------------------------------

NAME = Column("name", "姓名", required=True)
ID = Column("id_number", "公民身份号码", Kind.ID_NUMBER, required=True, synonyms=("身份证号码",))
PHONE = Column("phone", "联系电话", Kind.PHONE, synonyms=("手机",))
SEX = COLUMN["sex"]  # header _("Sex"): 性别 in Chinese
SIMPLE = (NAME, ID, PHONE, SEX)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("姓名", "姓名"),
        (" 姓 名 ", "姓名"),
        ("*姓名", "姓名"),
        ("＊姓名（必填）", "姓名必填"),
        ("姓名\n(必填)", "姓名必填"),
        ("姓名：", "姓名"),
        ("ＰＨＯＮＥ", "phone"),
        ("Phone Number", "phonenumber"),
    ],
)
def test_normalise_header(text, key):
    assert normalise_header(text) == key


@pytest.mark.parametrize(
    "header",
    [
        "公民身份号码",
        "身份证号码",
        "*身份证号码（必填）",
        "身份证号码\n（18位，设为文本）",
        "【必填】身份证号码",
        " 身份证 号码 ",
        "id_number",
    ],
)
def test_header_spellings(header):
    match = match_header([["姓名", header]], SIMPLE)
    assert keys(match) == {0: "name", 1: "id_number"}


def test_headers_in_english_and_chinese():
    assert keys(match_header([["Sex", "性别"]], SIMPLE)) == {0: "sex"}
    assert match_header([["Sex", "性别"]], SIMPLE).duplicates == {"sex": [0, 1]}
    assert keys(match_header([["SEX"]], SIMPLE)) == {0: "sex"}


def test_missing_required_unknown_and_duplicates():
    match = match_header([["姓名", "手机", "联系电话", "备注", None, ""]], SIMPLE)
    assert keys(match) == {0: "name", 1: "phone"}
    assert match.duplicates == {"phone": [1, 2]}
    assert match.missing_required == [ID]
    assert match.unknown_headers == ["备注"]
    assert match.headers == ["姓名", "手机", "联系电话", "备注", "", ""]


def test_header_below_titles_and_filling_lines():
    rows: list[list[object]] = [
        ["附件1：某某村妇女信息表"],
        [],
        ["填报单位：某某村", None, "填报日期：2024年3月8日"],
        ["序号", "姓名", "身份证号码", "手机"],
        [1, "王芳", "150525198003080020", 13812345671.0],
    ]
    match = match_header(rows, SIMPLE)
    assert match.header_row_index == 3
    assert match.header_rows == 1
    assert keys(match) == {1: "name", 2: "id_number", 3: "phone"}


def test_header_beyond_max_scan_is_not_found():
    rows: list[list[object]] = [[f"第{i}行"] for i in range(10)]
    rows.append(["姓名", "身份证号码"])
    match = match_header(rows, SIMPLE)
    assert not match.found
    assert match.header_row_index is None
    assert match.missing_required == [NAME, ID]
    assert list(data_rows(rows, match)) == []
    assert match_header(rows, SIMPLE, max_scan=11).header_row_index == 10


def test_one_header_row_above_a_notes_row_stays_one_row():
    rows: list[list[object]] = [["姓名", "身份证号码"], ["说明：必填", "18位"], ["王芳", "x"]]
    match = match_header(rows, SIMPLE)
    assert (match.header_row_index, match.header_rows) == (0, 1)
    assert [row.number for row in data_rows(rows, match)] == [3]


def test_group_title_over_unknown_subheaders_is_a_two_row_header():
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "家庭住址", None, None],
        [None, None, "省", "市", "县"],
        ["王芳", "150525198003080020", "内蒙古", "通辽", "奈曼"],
    ]
    match = match_header(rows, SIMPLE)
    assert (match.header_row_index, match.header_rows) == (1, 2)
    assert keys(match) == {0: "name", 1: "id_number"}
    assert [row.number for row in data_rows(rows, match)] == [3]


def test_title_over_the_whole_header_is_not_a_group():
    rows: list[list[object]] = [
        ["某某村妇女信息表", None, None],
        ["姓名", "身份证号码", "手机"],
        ["王芳", "150525198003080020", "13812345671"],
    ]
    match = match_header(rows, SIMPLE)
    assert (match.header_row_index, match.header_rows) == (1, 1)


def test_combined_group_and_subheader_names():
    mother = Column("mother_name", "母亲姓名")
    father = Column("father_name", "父亲姓名")
    rows: list[list[object]] = [
        ["姓名", "母亲", None, "父亲", None],
        [None, "姓名", "手机", "姓名"],
    ]
    match = match_header(rows, (NAME, mother, father, PHONE))
    assert keys(match) == {0: "name", 1: "mother_name", 2: "phone", 3: "father_name"}
    assert match.header_rows == 2


def test_a_filled_group_title_alone_names_no_column():
    group = Column("address", "家庭住址")
    rows: list[list[object]] = [["姓名", "家庭住址", None], [None, "省", "市"]]
    match = match_header(rows, (NAME, group))
    assert keys(match) == {0: "name", 1: "address"}  # once, not for 市 too
    assert match.duplicates == {}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["说明：带*为必填项"], True),
        (["填表说明"], True),
        (["Note: fields marked * are required"], True),
        (["Notes"], True),
        (["NOTE"], True),
        (["示例", "王芳"], True),
        (["Example", "Wang Fang"], True),
        ([None, "", "示例"], True),
        (["Notebook"], False),
        (["王芳", "说明"], False),
        (["错误说明"], False),
        ([], False),
    ],
)
def test_notes_and_example_rows(row, expected):
    assert is_notes_or_example(row) is expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["合计", None, 12], True),
        (["总计：", 3], True),
        (["填表人：李梅", None, "审核人：王丽"], True),
        (["填表人:"], True),
        (["合计数"], False),
        (["填表人 ：李梅"], True),
        (["负责人"], False),
        (["填表人"], False),
        (["王芳"], False),
    ],
)
def test_footer_rows(row, expected):
    assert is_footer(row) is expected


def test_data_rows_short_rows_and_raw_values():
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "手机"],
        ["王芳"],
        ["  ", None],
        ["李梅", 1.0],
    ]
    match = match_header(rows, SIMPLE)
    result = list(data_rows(rows, match))
    assert result == [
        SourceRow(2, {"name": "王芳", "id_number": None, "phone": None}, ["王芳"]),
        SourceRow(4, {"name": "李梅", "id_number": 1.0, "phone": None}, ["李梅", 1.0]),
    ]


def test_notes_rows_further_down_are_data():
    rows: list[list[object]] = [["姓名"], ["王芳"], ["示例"]]
    match = match_header(rows, SIMPLE)
    assert [row.cells["name"] for row in data_rows(rows, match)] == ["王芳", "示例"]


def test_read_table_reads_once_past_the_scanned_rows(tmp_path):
    rows = [["姓名", "身份证号码"]] + [[f"人{i}", None] for i in range(30)]
    data = "\n".join(",".join(str(c or "") for c in row) for row in rows).encode()
    with open_table(data, "people.csv") as table:
        _header, result = read_table(table, SIMPLE, max_scan=5)
        assert [row.number for row in result] == list(range(2, 32))


# --- a full-size sheet -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> Path:
    return corpus.huge_xlsx(tmp_path_factory.mktemp("huge"))


def test_a_full_sheet_streams_with_flat_python_memory(huge):
    tracemalloc.start()
    try:
        with open_table(huge, huge.name) as table:
            assert table.sheets == [SheetInfo("Sheet1", hidden=False, rows_hint=1_048_576)]
            header, rows = read_table(table, COLUMNS)
            count, last = 0, None
            for row in rows:
                count += 1
                last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert keys(header) == {0: "name", 1: "children"}
    assert count == 1_048_575
    assert last is not None
    assert last.number == 1_048_576
    assert last.cells == {"name": "某", "children": float(1_048_575 % 5)}
    # The Python heap holds the file's bytes (about 9 MB) while calamine reads them, then one
    # row at a time.
    assert peak < 200 * 1024 * 1024


def test_workbook_bytes_are_released_once_open(tmp_path):
    path = corpus.template_xlsx(tmp_path)
    with open_table(path.read_bytes(), path.name) as table:
        assert not any(isinstance(value, bytes | io.IOBase) for value in vars(table).values())


# --- the contract with the template writer ---------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_our_own_template_reads_back(language):
    from jinguo.imports.workbooks import template_xlsx

    data = template_xlsx("人员", COLUMNS, language=language)
    with open_table(data, "template.xlsx") as table:
        assert table.sheet().name == table.sheets[0].name  # data on the first sheet
        header, rows = read_table(table, COLUMNS)
        assert header.header_row_index == 0
        assert set(keys(header).values()) == set(COLUMN)
        assert header.unknown_headers == []
        assert list(rows) == []  # the notes and example rows are skipped
