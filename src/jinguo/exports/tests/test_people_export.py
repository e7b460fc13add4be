from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jinguo.accounts.roles import Role
from jinguo.accounts.services import grant_add
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.exports.services import export_people, export_people_response
from jinguo.exports.streaming import BOM
from jinguo.exports.tests.conftest import id_number, register
from jinguo.people.choices import Category, Relation
from jinguo.people.selectors import PersonFilter
from jinguo.people.services import category_add, household_add_member, household_create
from jinguo.testing import make_user

BORN = dt.date(1980, 3, 8)
PHONE = "13812345678"


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def export_csv(actor, filters=None, *, reveal=False, language="zh-hans") -> list[list[str]]:
    out = io.BytesIO()
    export_people(
        actor=actor,
        filters=filters or PersonFilter(),
        fmt="csv",
        reveal=reveal,
        out=out,
        language=language,
    )
    return csv_rows(out.getvalue())


def column(rows: list[list[str]], header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def wang_fang(village):
    return register("王芳", village, id_number=id_number(BORN), phone=PHONE, occupation="教师")


def test_village_director_exports_only_her_village(
    village_director, village, neighbour_village, far_village, wang_fang
):
    register("李娜", neighbour_village)
    register("张丽", far_village)
    rows = export_csv(village_director)
    assert column(rows, "姓名") == ["王芳"]


def test_township_chair_exports_her_township(
    township_chair, village, neighbour_village, far_village, wang_fang
):
    register("李娜", neighbour_village)
    register("张丽", far_village)
    assert sorted(column(export_csv(township_chair), "姓名")) == ["李娜", "王芳"]


def test_filter_unit_outside_scope_is_not_found(village_director, far_village, wang_fang):
    with pytest.raises(Http404):
        export_csv(village_director, PersonFilter(within=far_village))


def test_id_number_and_phone_are_masked_by_default(county_admin, wang_fang):
    rows = export_csv(county_admin)
    assert column(rows, "身份证号") == [f"150525{'*' * 8}{wang_fang.id_number[-4:]}"]
    assert column(rows, "联系电话") == ["138****5678"]
    assert not AuditEntry.objects.filter(action="export.reveal").exists()


def test_reveal_needs_the_reveal_permission(village_director, wang_fang):
    with pytest.raises(PermissionDenied):
        export_csv(village_director, reveal=True)
    assert not AuditEntry.objects.filter(action="export.reveal").exists()


def test_auditor_may_not_reveal_either(auditor, wang_fang):
    with pytest.raises(PermissionDenied):
        export_csv(auditor, reveal=True)


def test_reveal_on_a_unit_covers_exports_of_that_unit_only(tree, village, wang_fang):
    # REVEAL on the township, VIEW on the whole county: only the township may be revealed.
    user = make_user("mixed", Role.COUNTY_ADMIN, tree.townships[0])
    grant_add(actor=None, user=user, role=Role.AUDITOR, unit=tree.county)
    with pytest.raises(PermissionDenied):
        export_csv(user, reveal=True)
    rows = export_csv(user, PersonFilter(within=tree.townships[0]), reveal=True)
    assert column(rows, "身份证号") == ["\t" + wang_fang.id_number]


def test_revealed_export_shows_full_values_and_is_audited_without_them(
    county_admin, tree, wang_fang
):
    rows = export_csv(county_admin, PersonFilter(within=tree.county, sex="F"), reveal=True)
    # A leading tab keeps Excel from turning 18 digits into 1.50525E+17.
    assert column(rows, "身份证号") == ["\t" + wang_fang.id_number]
    assert column(rows, "联系电话") == ["\t" + PHONE]
    entry = AuditEntry.objects.get(action="export.reveal")
    assert entry.actor_id == county_admin.pk
    assert entry.unit_path == tree.county.path
    assert entry.changes["rows"] == [None, 1]
    assert entry.changes["format"] == [None, "csv"]
    assert entry.changes["filter"][1]["within"] == tree.county.code
    assert entry.changes["filter"][1]["sex"] == "F"
    logged = json.dumps(entry.changes, ensure_ascii=False)
    assert wang_fang.id_number not in logged
    assert PHONE not in logged


def test_audit_redacts_a_number_searched_for(county_admin, wang_fang):
    rows = export_csv(county_admin, PersonFilter(search=wang_fang.id_number), reveal=True)
    assert column(rows, "姓名") == ["王芳"]
    entry = AuditEntry.objects.get(action="export.reveal")
    assert entry.changes["filter"][1]["search"] == "***"
    assert wang_fang.id_number not in json.dumps(entry.changes)


def test_csv_is_utf8_with_bom_and_chinese_headers(county_admin, wang_fang):
    out = io.BytesIO()
    result = export_people(
        actor=county_admin,
        filters=PersonFilter(),
        fmt="csv",
        reveal=False,
        out=out,
        language="zh-hans",
    )
    data = out.getvalue()
    assert data.startswith(BOM.encode("utf-8"))
    assert result.rows == 1
    header, row = csv_rows(data)
    assert header[:6] == ["姓名", "性别", "出生日期", "民族", "身份证号", "联系电话"]
    assert row[:3] == ["王芳", "女", "1980-03-08"]
    assert data.count(b"\r\n") == 2


def test_english_export_has_english_headers_and_labels(county_admin, wang_fang):
    header, row = export_csv(county_admin, language="en")
    assert header[:3] == ["Name", "Sex", "Birth date"]
    assert row[1] == "Female"


def test_csv_neutralises_formulas(county_admin, village):
    register("王芳", village, occupation="=HYPERLINK(1)")
    assert column(export_csv(county_admin), "职业") == ["'=HYPERLINK(1)"]


def test_categories_held_today_and_current_household(county_admin, village, wang_fang):
    today = timezone.localdate()
    category_add(
        actor=None, person=wang_fang, category=Category.LOW_INCOME, start=today.replace(year=2020)
    )
    category_add(
        actor=None,
        person=wang_fang,
        category=Category.SINGLE_MOTHER,
        start=dt.date(2015, 1, 1),
        end=dt.date(2018, 1, 1),
    )
    household = household_create(actor=None, head=wang_fang, on=dt.date(2020, 1, 1))
    li_na = register("李娜", village)
    household_add_member(
        actor=None, household=household, person=li_na, relation=Relation.CHILD, on=today
    )
    rows = export_csv(county_admin)
    by_name = dict(zip(column(rows, "姓名"), column(rows, "人员类别"), strict=True))
    assert by_name == {"王芳": str(Category.LOW_INCOME.label), "李娜": ""}
    households = column(rows, "户编号")
    assert households == ["\t" + household.code] * 2


def test_export_reads_a_constant_number_of_queries(
    county_admin, village, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(30):
        person = register(f"王{n}", village)
        category_add(actor=None, person=person, category=Category.LOW_INCOME, start=today)
        household_create(actor=None, head=person, on=today)
    # Grants, the people chunk, its categories and its households: no query per person.
    with django_assert_max_num_queries(6):
        rows = export_csv(county_admin)
    assert len(rows) == 31


def test_xlsx_is_readable_with_text_ids_and_real_dates(county_admin, wang_fang):
    out = io.BytesIO()
    export_people(
        actor=county_admin,
        filters=PersonFilter(),
        fmt="xlsx",
        reveal=True,
        out=out,
        language="zh-hans",
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0)
    header, row = sheet.to_python()
    assert header[0] == "姓名"
    values = dict(zip(header, row, strict=True))
    assert values["身份证号"] == wang_fang.id_number
    assert values["联系电话"] == PHONE
    assert values["出生日期"] == BORN
    assert values["民族"] == ""


def test_export_without_out_gives_a_temporary_file(county_admin, wang_fang):
    result = export_people(actor=county_admin, filters=PersonFilter(), fmt="xlsx", reveal=False)
    with result.file:
        assert result.file.read(2) == b"PK"
    assert result.filename.endswith(".xlsx")
    assert result.rows == 1


def test_unknown_format_is_refused(county_admin):
    with pytest.raises(ApplicationError) as caught:
        export_people(actor=county_admin, filters=PersonFilter(), fmt="pdf", reveal=False)  # type: ignore[arg-type]
    assert caught.value.code == "unknown_format"


def test_csv_response_streams(county_admin, wang_fang):
    response = export_people_response(
        actor=county_admin, filters=PersonFilter(), fmt="csv", reveal=False, language="zh-hans"
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(b"".join(response.streaming_content))  # type: ignore[arg-type]
    assert column(rows, "姓名") == ["王芳"]


def test_refused_reveal_raises_before_the_response(village_director, wang_fang):
    with pytest.raises(PermissionDenied):
        export_people_response(
            actor=village_director, filters=PersonFilter(), fmt="csv", reveal=True
        )


def test_xlsx_response_is_a_file(county_admin, wang_fang):
    response = export_people_response(
        actor=county_admin, filters=PersonFilter(), fmt="xlsx", reveal=False
    )
    assert isinstance(response, FileResponse)
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    # Close the file only: HttpResponse.close() would send request_finished, which closes
    # the database connection in the middle of the test's transaction on PostgreSQL.
    response.file_to_stream.close()  # type: ignore[union-attr]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert sheet.to_python()[1][0] == "王芳"
