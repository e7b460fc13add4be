"""Awkward spreadsheets, as township and village clerks send them, generated for tests.

Every generator takes a directory and returns the path of the file it wrote. The good files
hold the people of `PEOPLE` under headers that `COLUMNS` declares (in various spellings);
`GOOD_FILES` and `BAD_FILES` list the generators for tests that read everything.

Not generated: .xls and .et (BIFF8 inside an OLE2 container; XlsxWriter cannot write them and
no writer is a dependency), and password-protected workbooks (they need an encryption library).
The .ods file is written by hand (a zip of content.xml), which is all an .ods needs.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from django.utils.translation import gettext_lazy as _

from jinguo.imports.columns import Column, Kind
from jinguo.people.choices import Sex
from jinguo.people.idnumbers import generate

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", required=True, synonyms=("名字",)),
    Column("sex", _("Sex"), Kind.CHOICE, choices=Sex.choices),
    Column("birth_date", _("Birth date"), Kind.DATE, synonyms=("出生年月日",)),
    Column(
        "id_number",
        "公民身份号码",
        Kind.ID_NUMBER,
        required=True,
        synonyms=("身份证号码", "身份证号"),
    ),
    Column("phone", _("Phone"), Kind.PHONE, synonyms=("手机", "手机号码", "电话")),
    Column("village", "所在村", Kind.UNIT_CODE, required=True, synonyms=("村居", "村(社区)")),
    Column("children", "子女数", Kind.INT),
    Column("income", "年收入", Kind.DECIMAL),
    Column("dibao", "是否低保", Kind.BOOL, synonyms=("低保户",)),
)


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    phone: str
    village: str
    children: int
    income: Decimal
    dibao: bool


def _person(i: int, name: str, sex: str, birth: dt.date, village: str) -> Person:
    return Person(
        name=name,
        sex=sex,
        birth_date=birth,
        id_number=generate("150525", birth, sex, i),
        phone=f"1381234{5670 + i:04d}",
        village=village,
        children=i % 3,
        income=Decimal(12000 + 500 * i) / 10,
        dibao=i % 2 == 0,
    )


PEOPLE: tuple[Person, ...] = (
    _person(1, "王芳", "F", dt.date(1980, 3, 8), "150525100201"),
    _person(2, "乌云其其格", "F", dt.date(1975, 11, 23), "150525100201"),
    _person(3, "李秀英", "F", dt.date(1968, 1, 31), "150525100202"),
    _person(4, "张伟", "M", dt.date(2001, 12, 1), "150525100202"),
    _person(5, "阿依古丽·买买提", "F", dt.date(1990, 2, 28), "150525100203"),
)

SEX_ZH = {"F": "女", "M": "男"}
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号码",
    "手机",
    "村居",
    "子女数",
    "年收入",
    "是否低保",
]
YES_NO = {True: "是", False: "否"}

_FULL_WIDTH = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)} | {"-": "－"})


def _text_row(i: int, p: Person) -> list[str]:
    return [
        str(i),
        p.name,
        SEX_ZH[p.sex],
        p.birth_date.isoformat(),
        p.id_number,
        p.phone,
        p.village,
        str(p.children),
        str(p.income),
        YES_NO[p.dibao],
    ]


def excel_mangled(id_number: str) -> float:
    """What Excel keeps of an ID number typed into a General cell: 15 significant digits."""
    return float(f"{int(id_number):.15g}")


class _Book:
    """An XlsxWriter workbook as a context manager."""

    def __init__(self, path: Path, **options: object) -> None:
        self.book = xlsxwriter.Workbook(str(path), options or None)
        self.text = self.book.add_format({"num_format": "@"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.center = self.book.add_format({"align": "center", "valign": "vcenter", "bold": True})

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.book.close()


# --- good workbooks ----------------------------------------------------------------------------


def two_row_header_xlsx(directory: Path) -> Path:
    """A title merged over the whole width (row 1), then a two-row header (rows 2–3): most
    headers merged vertically over both rows, "联系方式" merged over 手机 and 固定电话, and
    headers with newlines and notes in brackets. Data from row 4; phones typed as numbers."""
    path = directory / "two_row_header.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("花名册")
        ws.merge_range(0, 0, 0, 11, "某某镇妇女信息登记表（2024年）", b.center)
        singles = ["序号", "*姓名", "性别", "出生日期", "身份证号码\n（18位）"]
        for col, header in enumerate(singles):
            ws.merge_range(1, col, 2, col, header, b.center)
        ws.merge_range(1, 5, 1, 6, "联系方式", b.center)
        ws.write(2, 5, "手机")
        ws.write(2, 6, "固定电话")
        for col, header in enumerate(["村居", "子女数", "年收入（元）", "是否低保", "备注"], 7):
            ws.merge_range(1, col, 2, col, header, b.center)
        for i, p in enumerate(PEOPLE, 1):
            row = i + 2
            ws.write_number(row, 0, i)
            ws.write_string(row, 1, p.name)
            ws.write_string(row, 2, SEX_ZH[p.sex])
            ws.write_datetime(row, 3, p.birth_date, b.date)
            ws.write_string(row, 4, p.id_number, b.text)
            ws.write_number(row, 5, int(p.phone))  # a phone typed as a number: 13812345671.0
            ws.write_string(row, 6, "0475-1234567" if i == 1 else "")
            ws.write_string(row, 7, p.village, b.text)
            ws.write_number(row, 8, p.children)
            ws.write_number(row, 9, float(p.income))
            ws.write_string(row, 10, YES_NO[p.dibao])
    return path


def template_xlsx(directory: Path) -> Path:
    """Like our own template: header row 1 (asterisks, notes in brackets), a notes row starting
    with 说明, an example row starting with 示例, data from row 4, then a total row and a
    signature row."""
    path = directory / "template.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("导入")
        ws.write_row(
            0,
            0,
            [
                "序号",
                "*姓名（必填）",
                "性别",
                "出生日期(年-月-日)",
                "* 身份证号码 (必填)",
                "联系电话",
                "所在村",
                "子女数",
                "年收入",
                "是否低保",
            ],
        )
        ws.write_row(1, 0, ["说明：带*为必填项", "", "男/女", "如1980-03-08", "18位，设为文本"])
        ws.write_row(2, 0, ["示例", "王芳", "女", "1980-03-08", "152326198003081247"])
        for i, p in enumerate(PEOPLE, 1):
            ws.write_row(i + 2, 0, _text_row(i, p), b.text)
        end = len(PEOPLE) + 3
        ws.write_row(end, 0, ["合计", "", "", "", "", "", "", str(sum(p.children for p in PEOPLE))])
        ws.write_row(end + 1, 0, ["填表人：李梅", "", "", "审核人：王丽"])
    return path


def hidden_first_sheet_xlsx(directory: Path) -> Path:
    """A hidden lookup sheet first ("字典", as drop-down sources are kept), the data second."""
    path = directory / "hidden_first.xlsx"
    with _Book(path) as b:
        lists = b.book.add_worksheet("字典")
        lists.write_column(0, 0, ["女", "男"])
        data = b.book.add_worksheet("数据")
        data.write_row(0, 0, HEADERS)
        for i, p in enumerate(PEOPLE, 1):
            data.write_row(i, 0, _text_row(i, p))
        data.activate()
        lists.hide()
    return path


def mixed_dates_xlsx(directory: Path) -> Path:
    """Birth dates as real dates, datetimes, Excel serials, 20140308 typed as a number, and text
    in every spelling; the expected dates are in column L (as text)."""
    path = directory / "mixed_dates.xlsx"
    cells: list[tuple[object, dt.date]] = [
        (dt.date(1980, 3, 8), dt.date(1980, 3, 8)),
        (dt.datetime(1975, 11, 23, 0, 0), dt.date(1975, 11, 23)),  # noqa: DTZ001 - as in a sheet
        (29288.0, dt.date(1980, 3, 8)),  # a serial in a General cell
        (19680131, dt.date(1968, 1, 31)),  # 19680131 typed as a number
        ("2001/12/1", dt.date(2001, 12, 1)),
        ("1990.2.28", dt.date(1990, 2, 28)),
        ("1985年6月1日", dt.date(1985, 6, 1)),
        ("１９８５－０６－０２", dt.date(1985, 6, 2)),
        ("20000229", dt.date(2000, 2, 29)),
        ("1999-01-05 00:00:00", dt.date(1999, 1, 5)),
    ]
    with _Book(path) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, ["姓名", "出生日期", "所在村", "公民身份号码"])
        ws.write(0, 11, "expected")
        for row, (value, expected) in enumerate(cells, 1):
            ws.write_string(row, 0, f"人员{row}")
            if isinstance(value, dt.date):
                ws.write_datetime(row, 1, value, b.date)
            elif isinstance(value, int | float):
                ws.write_number(row, 1, value)
            else:
                ws.write_string(row, 1, str(value))
            ws.write_string(row, 11, expected.isoformat())
    return path


def mangled_ids_xlsx(directory: Path) -> Path:
    """ID numbers typed into General cells (Excel keeps 15 digits: 1.50525198003081E+17), one
    typed as text, one 15-digit old number as a number (exact), one with Excel's 000 ending."""
    path = directory / "mangled_ids.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, ["姓名", "身份证号", "所在村"])
        for row, p in enumerate(PEOPLE[:3], 1):
            ws.write_string(row, 0, p.name)
            ws.write_number(row, 1, excel_mangled(p.id_number))
        ws.write_string(4, 0, PEOPLE[3].name)
        ws.write_string(4, 1, PEOPLE[3].id_number, b.text)
        ws.write_string(5, 0, "旧证")
        ws.write_number(5, 1, 152326800308124)  # 15 digits: a number keeps them all
        ws.write_string(6, 0, "截断")
        ws.write_string(6, 1, f"{int(excel_mangled(PEOPLE[4].id_number))}", b.text)
    return path


def empty_rows_xlsx(directory: Path) -> Path:
    """Blank rows between data, rows with only a pre-filled 序号, white space in blank cells."""
    path = directory / "empty_rows.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, HEADERS)
        row = 1
        for i, p in enumerate(PEOPLE, 1):
            ws.write_row(row, 0, _text_row(i, p))
            row += 3 if i % 2 else 1  # two empty rows after every other person
        ws.write_string(row, 1, "   ")  # spaces only
        ws.write_string(row + 1, 2, "\u3000")  # an ideographic space
        for n in range(len(PEOPLE) + 1, 40):  # 序号 pre-filled down the sheet
            ws.write_number(row + n, 0, n)
    return path


def formulas_xlsx(directory: Path) -> Path:
    """Formulas with cached values (what Excel saves): the reader sees the values."""
    path = directory / "formulas.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, ["姓名", "身份证号码", "所在村", "子女数", "年收入", "出生日期"])
        for row, p in enumerate(PEOPLE, 1):
            excel_row = row + 1
            ws.write_formula(row, 0, f'="{p.name[0]}"&"{p.name[1:]}"', None, p.name)
            ws.write_string(row, 1, p.id_number, b.text)
            ws.write_formula(row, 2, f'=TEXT({p.village},"0")', None, p.village)
            ws.write_formula(row, 3, f"=1+{p.children - 1}", None, p.children)
            ws.write_formula(row, 4, f"=H{excel_row}*12", None, float(p.income))
            ws.write_formula(
                row,
                5,
                f'=DATEVALUE(MID(B{excel_row},7,4)&"-"&MID(B{excel_row},11,2)&"-"'
                f"&MID(B{excel_row},13,2))",
                b.date,
                _serial(p.birth_date),
            )
    return path


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def full_width_xlsx(directory: Path) -> Path:
    """Full-width digits and dashes, as a Chinese input method in full-width mode types them."""
    path = directory / "full_width.xlsx"
    with _Book(path) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, ["姓名", "公民身份号码", "手机", "所在村", "子女数", "出生日期"])
        for row, p in enumerate(PEOPLE, 1):
            cells = [p.id_number, p.phone, p.village, str(p.children), p.birth_date.isoformat()]
            ws.write_row(row, 0, [p.name, *(c.translate(_FULL_WIDTH) for c in cells)])
    return path


def huge_xlsx(directory: Path, rows: int = 1_048_576) -> Path:
    """The largest sheet Excel allows: a header and 1,048,575 rows of two short columns,
    written in XlsxWriter's constant_memory mode."""
    path = directory / "huge.xlsx"
    with _Book(path, constant_memory=True) as b:
        ws = b.book.add_worksheet("Sheet1")
        ws.write_row(0, 0, ["姓名", "子女数"])
        write_string, write_number = ws.write_string, ws.write_number
        for row in range(1, rows):
            write_string(row, 0, "某")
            write_number(row, 1, row % 5)
    return path


# --- good text files ---------------------------------------------------------------------------


def _delimited(rows: Iterator[list[str]] | list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    for row in rows:
        out.write(delimiter.join(row) + "\r\n")
    return out.getvalue()


def _people_text(delimiter: str = ",") -> str:
    return _delimited([HEADERS, *(_text_row(i, p) for i, p in enumerate(PEOPLE, 1))], delimiter)


def gbk_csv(directory: Path) -> Path:
    """What Excel on Chinese Windows saves as "CSV (comma delimited)": GBK, CRLF, and an ID
    number the way a General column writes it."""
    path = directory / "gbk.csv"
    text = _people_text() + "6,刘敏,女,1982/7/1,1.50525E+17,13800000000,150525100201,0,0,否\r\n"
    path.write_bytes(text.encode("gbk"))
    return path


def utf8_bom_csv(directory: Path) -> Path:
    """Excel's "CSV UTF-8": a byte order mark first."""
    path = directory / "utf8_bom.csv"
    path.write_bytes(_people_text().encode("utf-8-sig"))
    return path


def tab_separated_txt(directory: Path) -> Path:
    """Tab-separated UTF-8 without a BOM, with a quoted field holding a tab and a newline."""
    path = directory / "tab_separated.txt"
    rows = [_text_row(i, p) for i, p in enumerate(PEOPLE, 1)]
    rows[0][1] = '"王\t芳\n"'
    path.write_bytes(_delimited([HEADERS, *rows], "\t").encode())
    return path


def semicolon_csv(directory: Path) -> Path:
    """Semicolons (European Excel), with commas inside the values."""
    path = directory / "semicolon.csv"
    rows = [_text_row(i, p) for i, p in enumerate(PEOPLE, 1)]
    for row in rows:
        row[8] = f"{Decimal(row[8]) * 1000:,}"  # 1,234,500.0
    path.write_bytes(_delimited([HEADERS, *rows], ";").encode())
    return path


def unicode_text_txt(directory: Path) -> Path:
    """Excel's "Unicode Text": UTF-16 with a BOM, tab-separated."""
    path = directory / "unicode_text.txt"
    path.write_bytes(_people_text("\t").encode("utf-16"))
    return path


def full_width_csv(directory: Path) -> Path:
    """Full-width digits in a GB18030 CSV (GB18030 itself: a character outside GBK, 𠀀)."""
    path = directory / "full_width.csv"
    rows = [[c.translate(_FULL_WIDTH) for c in _text_row(i, p)] for i, p in enumerate(PEOPLE, 1)]
    rows[0][1] = "王𠀀"
    path.write_bytes(_delimited([HEADERS, *rows], ",").encode("gb18030"))
    return path


def tsv_named_xls(directory: Path) -> Path:
    """Tab-separated text with an .xls name, as some web systems export."""
    path = directory / "export_from_system.xls"
    path.write_bytes(_people_text("\t").encode("gbk"))
    return path


# --- OpenDocument ------------------------------------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def _ods_table(name: str, rows: list[list[object]], *, hidden: bool = False) -> str:
    style = ' table:style-name="ta_hidden"' if hidden else ""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="{escape(name)}"{style}>{body}</table:table>'


def ods(directory: Path) -> Path:
    """An OpenDocument spreadsheet (LibreOffice, WPS can save one), hidden sheet first."""
    path = directory / "people.ods"
    header: list[object] = list(HEADERS)
    data = [header]
    for i, p in enumerate(PEOPLE, 1):
        row: list[object] = list(_text_row(i, p))
        row[0], row[3], row[7] = i, p.birth_date, p.children
        data.append(row)
    data.append([])  # an empty row
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:automatic-styles><style:style style:name="ta_hidden" '
        'style:family="table"><style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + _ods_table("字典", [["女"], ["男"]], hidden=True)
        + _ods_table("人员", data)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype entry comes first and uncompressed, as the format requires.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# --- bad files ---------------------------------------------------------------------------------


def corrupt_xlsx(directory: Path) -> Path:
    """A workbook cut in half (an interrupted download)."""
    good = two_row_header_xlsx(directory)
    path = directory / "corrupt.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def garbage_xlsx(directory: Path) -> Path:
    path = directory / "garbage.xlsx"
    path.write_bytes(bytes(range(256)) * 16)
    return path


def docx_named_xlsx(directory: Path) -> Path:
    """A Word document renamed to .xlsx."""
    path = directory / "renamed_docx.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>姓名</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return path


def empty_csv(directory: Path) -> Path:
    path = directory / "empty.csv"
    path.write_bytes(b"")
    return path


def binary_csv(directory: Path) -> Path:
    """A picture with a .csv name."""
    path = directory / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def web_page_xls(directory: Path) -> Path:
    """An HTML table saved with an .xls name (old report systems)."""
    path = directory / "report.xls"
    path.write_bytes("<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode())
    return path


def pdf(directory: Path) -> Path:
    path = directory / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    return path


Generator = Callable[[Path], Path]

GOOD_FILES: tuple[Generator, ...] = (
    two_row_header_xlsx,
    template_xlsx,
    hidden_first_sheet_xlsx,
    mixed_dates_xlsx,
    mangled_ids_xlsx,
    empty_rows_xlsx,
    formulas_xlsx,
    full_width_xlsx,
    gbk_csv,
    utf8_bom_csv,
    tab_separated_txt,
    semicolon_csv,
    unicode_text_txt,
    full_width_csv,
    tsv_named_xls,
    ods,
)
# Files holding PEOPLE in full under a header that COLUMNS matches.
PEOPLE_FILES: tuple[Generator, ...] = (
    two_row_header_xlsx,
    template_xlsx,
    hidden_first_sheet_xlsx,
    empty_rows_xlsx,
    gbk_csv,
    utf8_bom_csv,
    tab_separated_txt,
    semicolon_csv,
    unicode_text_txt,
    full_width_csv,
    tsv_named_xls,
    ods,
)
# Generator → the ApplicationError code that opening the file raises.
BAD_FILES: dict[Generator, str] = {
    corrupt_xlsx: "unreadable_file",
    garbage_xlsx: "unreadable_file",
    docx_named_xlsx: "unreadable_file",
    empty_csv: "unreadable_file",
    binary_csv: "unreadable_file",
    web_page_xls: "unsupported_file",
    pdf: "unsupported_file",
}
