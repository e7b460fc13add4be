"""Parsing single cells: every kind with good and bad values, and random values for all kinds."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinguo.imports.cells import CellError, is_blank, normalise_text, parse_cell, show
from jinguo.imports.columns import Column, Kind
from jinguo.people.choices import Sex
from jinguo.people.idnumbers import generate

TEXT = Column("remark", "备注")
INT = Column("children", "子女数", Kind.INT)
DECIMAL = Column("income", "年收入", Kind.DECIMAL)
DATE = Column("birth_date", "出生日期", Kind.DATE)
CHOICE = Column("sex", "性别", Kind.CHOICE, choices=Sex.choices)
ID_NUMBER = Column("id_number", "身份证号码", Kind.ID_NUMBER)
PHONE = Column("phone", "电话", Kind.PHONE)
UNIT_CODE = Column("village", "所在村", Kind.UNIT_CODE)
BOOL = Column("dibao", "是否低保", Kind.BOOL)
ALL = {column.kind: column for column in (TEXT, INT, DECIMAL, DATE, CHOICE)} | {
    column.kind: column for column in (ID_NUMBER, PHONE, UNIT_CODE, BOOL)
}


def naive(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A datetime without a time zone, as spreadsheets hold them."""
    return dt.datetime(year, month, day, hour, minute)  # noqa: DTZ001


# 18 characters, valid, ending in a digit (so that it can be typed as a number).
VALID_ID = next(
    n
    for i in range(500)
    if not (n := generate("150525", dt.date(1980, 3, 8), "F", i)).endswith("X")
)


def error_of(column: Column, raw: object) -> CellError:
    with pytest.raises(CellError) as caught:
        parse_cell(column, raw)
    return caught.value


def test_every_kind_has_a_test_column():
    assert set(ALL) == set(Kind)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\n\t", "\u200b"])
def test_empty_cells_are_none_for_every_kind(kind, raw):
    assert parse_cell(ALL[kind], raw) is None


@pytest.mark.parametrize("kind", [k for k in Kind if k is not Kind.TEXT])
@pytest.mark.parametrize("raw", ["-", "/", "—", "无", "N/A", " -- "])
def test_placeholders_are_empty_except_for_text(kind, raw):
    assert parse_cell(ALL[kind], raw) is None


def test_placeholders_are_kept_as_text():
    assert parse_cell(TEXT, "无") == "无"
    assert parse_cell(TEXT, "-") == "-"


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  王芳 ", "王芳"),
        ("王\n\n芳", "王 芳"),
        ("a \t\u3000 b", "a b"),
        ("ＡＢＣ１２３", "ABC123"),
        ("（备注）", "(备注)"),
        ("王\u200b芳\ufeff", "王芳"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("bell\x07", "bell"),
        (12.0, "12"),
        (12, "12"),
        (1.5, "1.5"),
        (150525100201.0, "150525100201"),
        (1.50525198003081e17, "1.50525198003081E+17"),
        (True, "TRUE"),
        (dt.date(2014, 3, 8), "2014-03-08"),
        (naive(2014, 3, 8), "2014-03-08"),
        (naive(2014, 3, 8, 14, 30), "2014-03-08 14:30:00"),
        (dt.time(14, 30), "14:30:00"),
    ],
)
def test_text(raw, expected):
    assert parse_cell(TEXT, raw) == expected


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        (" 3 ", 3),
        ("１２", 12),
        ("1,234", 1234),
        ("１，２３４", 1234),
        ("12.0", 12),
        ("-3", -3),
        ("\u22123", -3),
        ("+4", 4),
        ("'42", 42),
        (-0.0, 0),
    ],
)
def test_int(raw, expected):
    value = parse_cell(INT, raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12人", "invalid_number"),
        ("abc", "invalid_number"),
        ("1,23", "invalid_number"),
        ("1.2.3", "invalid_number"),
        ("1e5", "invalid_number"),
        (True, "invalid_number"),
        (dt.date(2014, 3, 8), "invalid_number"),
        (math.nan, "invalid_number"),
        (math.inf, "invalid_number"),
        (1.5, "invalid_int"),
        ("2.5", "invalid_int"),
    ],
)
def test_int_rejects(raw, code):
    error = error_of(INT, raw)
    assert error.code == code
    assert error.value_shown == show(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２．５", Decimal("12.5")),
        (0.1 + 0.2, Decimal("0.3")),
        (12, Decimal(12)),
        (1250.0, Decimal(1250)),
        (".5", Decimal("0.5")),
        ("-0.25", Decimal("-0.25")),
    ],
)
def test_decimal(raw, expected):
    assert parse_cell(DECIMAL, raw) == expected


@pytest.mark.parametrize("raw", ["12%", "12元", "1.2.3", "", "NaN", math.nan, -math.inf, False])
def test_decimal_rejects(raw):
    if raw == "":
        assert parse_cell(DECIMAL, raw) is None
        return
    assert error_of(DECIMAL, raw).code == "invalid_number"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2014, 3, 8), dt.date(2014, 3, 8)),
        (naive(2014, 3, 8, 14, 30), dt.date(2014, 3, 8)),
        ("2014-03-08", dt.date(2014, 3, 8)),
        ("2014/3/8", dt.date(2014, 3, 8)),
        ("2014.3.8", dt.date(2014, 3, 8)),
        ("2014-3-8", dt.date(2014, 3, 8)),
        ("2014年3月8日", dt.date(2014, 3, 8)),
        ("2014 年 3 月 8 日", dt.date(2014, 3, 8)),
        ("2014年3月8号", dt.date(2014, 3, 8)),
        ("2014年03月08", dt.date(2014, 3, 8)),
        ("20140308", dt.date(2014, 3, 8)),
        ("２０１４－０３－０８", dt.date(2014, 3, 8)),
        ("２０１４年３月８日", dt.date(2014, 3, 8)),
        ("２０１４／３／８", dt.date(2014, 3, 8)),
        ("2014-03-08 00:00:00", dt.date(2014, 3, 8)),
        ("2014-03-08T14:30", dt.date(2014, 3, 8)),
        ("2000-02-29", dt.date(2000, 2, 29)),
        # Excel serial numbers (1900 date system, with its phantom 1900-02-29 as day 60).
        (41706, dt.date(2014, 3, 8)),
        (41706.0, dt.date(2014, 3, 8)),
        (41706.75, dt.date(2014, 3, 8)),
        (29288, dt.date(1980, 3, 8)),
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (2958465, dt.date(9999, 12, 31)),
        # 20140308 typed into a number cell.
        (20140308, dt.date(2014, 3, 8)),
        (20140308.0, dt.date(2014, 3, 8)),
    ],
)
def test_date(raw, expected):
    assert parse_cell(DATE, raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2014-02-30", "date_impossible"),
        ("2014-13-01", "date_impossible"),
        ("2014年2月29日", "date_impossible"),
        ("20140230", "date_impossible"),
        (20141301, "date_impossible"),
        ("14-3-8", "date_two_digit_year"),
        ("80.3.8", "date_two_digit_year"),
        ("80年3月8日", "date_two_digit_year"),
        ("800308", "date_two_digit_year"),
        ("3/8/2014", "date_ambiguous"),
        ("08.03.2014", "date_ambiguous"),
        ("2014-03", "date_incomplete"),
        ("2014年3月", "date_incomplete"),
        ("2014年", "date_incomplete"),
        ("2014", "date_incomplete"),
        ("201403", "date_incomplete"),
        (1980, "date_incomplete"),
        (198003, "date_incomplete"),
        ("abc", "invalid_date"),
        ("41706", "invalid_date"),
        ("2014-03/08", "invalid_date"),
        (60, "invalid_date"),
        (0, "invalid_date"),
        (-5, "invalid_date"),
        (3_000_000, "invalid_date"),
        (math.nan, "invalid_date"),
        (math.inf, "invalid_date"),
        (True, "invalid_date"),
        (dt.time(14, 30), "invalid_date"),
        (dt.timedelta(days=3), "invalid_date"),
    ],
)
def test_date_rejects(raw, code):
    assert error_of(DATE, raw).code == code


def test_date_messages_say_what_to_do():
    error = error_of(DATE, "80-3-8")
    assert "four digits" in error.render("en")
    assert "80-3-8" in error.render("en")
    assert "2014-02-30" in error_of(DATE, "2014-02-30").render("en")


# --- choices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["女", " 女 ", "F", "f", "Female", "FEMALE", "Ｆｅｍａｌｅ", "fe male"]
)
def test_choice_by_value_or_label_in_either_language(raw):
    assert parse_cell(CHOICE, raw) == "F"


def test_choice_of_numbers_matches_codes():
    column = Column("grade", "等级", Kind.CHOICE, choices=[("1", "一级"), ("2", "二级")])
    assert parse_cell(column, 2.0) == "2"
    assert parse_cell(column, "二级") == "2"


def test_choice_match_wins_over_placeholder():
    column = Column("disability", "残疾", Kind.CHOICE, choices=[("none", "无"), ("some", "有")])
    assert parse_cell(column, "无") == "none"
    assert parse_cell(column, "-") is None


def test_choice_rejects_with_the_allowed_labels_in_the_message_language():
    error = error_of(CHOICE, "妇女")
    assert error.code == "invalid_choice"
    assert error.value_shown == "妇女"
    assert "Female / Male" in error.render("en")
    assert "女 / 男" in error.render("zh-hans")


# --- ID numbers ------------------------------------------------------------------------------


def test_id_number_text_is_normalised():
    assert parse_cell(ID_NUMBER, VALID_ID) == VALID_ID
    assert parse_cell(ID_NUMBER, f" '{VALID_ID} ") == VALID_ID
    full_width = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d for d in VALID_ID)
    assert parse_cell(ID_NUMBER, full_width) == VALID_ID


def test_id_number_lower_case_x():
    number = next(
        n
        for i in range(500)
        if (n := generate("110105", dt.date(1990, 1, 1), "F", i)).endswith("X")
    )
    assert parse_cell(ID_NUMBER, number.lower()) == number


@pytest.mark.parametrize(
    "raw",
    [
        float(f"{int(VALID_ID):.15g}"),  # what Excel keeps: 1.50525198003081E+17
        float(VALID_ID),
        int(VALID_ID),
        "1.50525E+17",
        "1.50525198003081E+17",
        f"{int(float(f'{int(VALID_ID):.15g}'))}",  # 150525198003081000: 000 and a bad check
        "152326800308124.0",
    ],
)
def test_id_number_mangled_by_excel(raw):
    error = error_of(ID_NUMBER, raw)
    assert error.code == "id_mangled_by_excel"
    assert "text" in error.render("en")
    assert VALID_ID not in error.value_shown
    assert VALID_ID not in error.render("en")


def test_fifteen_digit_number_survives_a_number_cell():
    assert parse_cell(ID_NUMBER, 152326800308124.0) == "152326800308124"
    assert parse_cell(ID_NUMBER, 152326800308124) == "152326800308124"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"), "id_invalid_checksum"),
        ("12345", "id_invalid_format"),
        (12345.0, "id_invalid_format"),
        ("990525198003081234", "id_invalid_area"),
        ("150525198002301234", "id_invalid_birth_date"),
        (True, "id_invalid_format"),
        (dt.date(2014, 3, 8), "id_invalid_format"),
    ],
)
def test_id_number_errors_keep_the_codes_of_idnumbers(raw, code):
    error = error_of(ID_NUMBER, raw)
    assert error.code == code
    if isinstance(raw, str) and len(raw) == 18:
        assert error.value_shown == raw[:6] + "********" + raw[14:]  # masked


# --- phones, unit codes, yes/no --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0475-1234567", "04751234567"),
    ],
)
def test_phone(raw, expected):
    assert parse_cell(PHONE, raw) == expected


@pytest.mark.parametrize("raw", ["123", 123.0, 1.5, -13812345678.0, True, "١٣٨١٢٣٤٥٦٧٨", math.inf])
def test_phone_rejects(raw):
    error = error_of(PHONE, raw)
    assert error.code == "invalid_phone"
    assert "12345678" not in error.value_shown


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(150525100201.0, "150525100201"), (12, "12"), (" 东风村 ", "东风村"), ("东风\n村", "东风 村")],
)
def test_unit_code(raw, expected):
    assert parse_cell(UNIT_CODE, raw) == expected


@pytest.mark.parametrize(
    "raw", ["是", "Y", "y", "yes", "YES", "1", "TRUE", "true", "√", "✓", "Ｙ", True, 1, 1.0]
)
def test_bool_true(raw):
    assert parse_cell(BOOL, raw) is True


@pytest.mark.parametrize("raw", ["否", "N", "no", "0", "FALSE", "×", "✗", False, 0, 0.0])
def test_bool_false(raw):
    assert parse_cell(BOOL, raw) is False


@pytest.mark.parametrize("raw", ["maybe", "是的", 2, 0.5, dt.date(2014, 3, 8)])
def test_bool_rejects(raw):
    assert error_of(BOOL, raw).code == "invalid_bool"


# --- CellError and helpers -------------------------------------------------------------------


def test_cell_error_renders_in_both_languages():
    error = error_of(INT, "12人")
    assert error.as_dict() == {
        "code": "invalid_number",
        "value": "12人",
        "message": error.render("zh-hans"),
        "message_en": "“12人” is not a number.",
    }
    assert "12人" in str(error)
    assert repr(error) == "CellError('invalid_number', value_shown='12人')"


def test_cell_error_is_not_an_application_error():
    from jinguo.core.errors import ApplicationError

    assert not issubclass(CellError, ApplicationError)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (None, ""),
        (12.0, "12"),
        (0.1 + 0.2, "0.3"),
        (1.50525198003081e17, "1.50525198003081E+17"),
        (math.nan, "NaN"),
        (-math.inf, "-Infinity"),
        (False, "FALSE"),
        (dt.timedelta(days=1), "1 day, 0:00:00"),
    ],
)
def test_show(raw, shown):
    assert show(raw) == shown


def test_helpers():
    assert is_blank(" \u200b ")
    assert not is_blank(0)
    assert normalise_text(" ａ\u3000\u3000ｂ ") == "a b"


# --- random cells ----------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=10**300, max_value=10**6000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=3e6),
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９-/.年月日号 ,Ee+X'", max_size=24),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(deadline=None, max_examples=400)
@given(raw=cells, kind=st.sampled_from(list(Kind)))
def test_random_cells_give_a_value_or_a_cell_error(raw, kind):
    error: CellError | None = None
    try:
        value = parse_cell(ALL[kind], raw)
    except CellError as caught:
        error = caught
    if error is not None:
        assert error.code
        assert error.render("en")
        assert error.render("zh-hans")
        return
    expected_types = {
        Kind.TEXT: str,
        Kind.INT: int,
        Kind.DECIMAL: Decimal,
        Kind.DATE: dt.date,
        Kind.CHOICE: str,
        Kind.ID_NUMBER: str,
        Kind.PHONE: str,
        Kind.UNIT_CODE: str,
        Kind.BOOL: bool,
    }
    assert value is None or isinstance(value, expected_types[kind])
    if kind is Kind.DATE:
        assert not isinstance(value, dt.datetime)
