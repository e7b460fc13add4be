"""The volunteer export: the national system's columns, full ID numbers and phones only where
the user may reveal them (and audited), masked elsewhere, scoped and limited to the period."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.http import StreamingHttpResponse
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.accounts.services import user_create
from jinguo.activities import services
from jinguo.activities.choices import TeamFocus
from jinguo.activities.models import Volunteer, VolunteerTeam
from jinguo.activities.volunteer_export import volunteer_export, volunteer_export_response
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.exports.streaming import BOM
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people.tests.conftest import MakePerson, id_number
from jinguo.testing import OPENED, PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
D = dt.date
BORN = D(1980, 3, 8)
ID_NUMBER = id_number(BORN)
PHONE = "13904751234"
HEADER = [
    "姓名",
    "证件类型",
    "证件号码",
    "性别",
    "手机号码",
    "志愿队伍",
    "服务开始日期",
    "服务结束日期",
    "服务时长（小时）",
]


def make_team(parent: OrgUnit, name: str = "巾帼法律维权志愿服务队") -> VolunteerTeam:
    unit = orgunit_create(
        actor=None, parent=parent, name=name, kind=Kind.VOLUNTEER_TEAM, opened_on=OPENED
    )
    return services.team_profile_set(actor=None, unit=unit, focus=TeamFocus.LEGAL_RIGHTS)


def serve(volunteer: Volunteer, on: dt.date, hours: str) -> None:
    services.service_record(
        actor=None, volunteer=volunteer, on=on, hours=Decimal(hours), description="法律咨询"
    )


def workbook(actor: Any, **options: Any) -> list[list[Any]]:
    """The exported workbook's first sheet, as the national system would read it."""
    out = io.BytesIO()
    volunteer_export(actor=actor, out=out, fmt="xlsx", **options)
    rows: list[list[Any]] = (
        CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python()
    )
    return rows


@pytest.fixture
def team(tree: Tree) -> VolunteerTeam:
    return make_team(tree.county)


@pytest.fixture
def lawyer(team: VolunteerTeam, make_person: MakePerson) -> Volunteer:
    person = make_person("王律师", id_number=ID_NUMBER, phone=PHONE)
    volunteer = services.volunteer_add(actor=None, team=team, person=person, start=D(2014, 1, 1))
    serve(volunteer, D(2014, 3, 8), "3.5")
    serve(volunteer, D(2014, 6, 26), "4")
    return volunteer


def test_the_columns_of_the_national_system_and_a_row_in_full_with_reveal(
    team: VolunteerTeam, lawyer: Volunteer, county_admin: User
) -> None:
    rows = workbook(county_admin, team=team)

    assert rows[0] == HEADER
    assert rows[1] == [
        "王律师",
        "居民身份证",
        ID_NUMBER,
        "女",
        PHONE,
        "巾帼法律维权志愿服务队",
        D(2014, 3, 8),
        D(2014, 6, 26),
        7.5,
    ]
    assert len(rows) == 2


def test_an_export_that_reveals_is_audited_without_the_values(
    team: VolunteerTeam, lawyer: Volunteer, county_admin: User
) -> None:
    workbook(county_admin, team=team, start=D(2014, 1, 1), end=D(2014, 12, 31))

    entry = AuditEntry.objects.get(action="volunteer.export")
    assert (entry.actor_id, entry.unit_path, entry.object_id) == (
        county_admin.pk,
        team.unit.path,
        str(team.pk),
    )
    assert entry.changes["rows"] == [None, 1]
    assert entry.changes["revealed"] == [None, 1]
    assert entry.changes["start"] == [None, "2014-01-01"]
    assert entry.changes["format"] == [None, "xlsx"]
    recorded = str(entry.changes) + entry.object_repr
    assert ID_NUMBER not in recorded
    assert PHONE not in recorded


def test_without_reveal_the_numbers_are_masked_and_nothing_is_audited(
    tree: Tree, team: VolunteerTeam, lawyer: Volunteer, county_admin: User
) -> None:
    staff = make_user("county-staff", Role.COUNTY_STAFF, tree.county)

    for rows in (workbook(staff, team=team), workbook(county_admin, team=team, reveal=False)):
        assert rows[1][:5] == [
            "王律师",
            "居民身份证",
            "150525********" + ID_NUMBER[-4:],
            "女",
            "139****1234",
        ]
        assert rows[1][-1] == 7.5
    assert not AuditEntry.objects.filter(action="volunteer.export").exists()


def test_each_team_is_revealed_only_where_the_user_may(
    tree: Tree, team: VolunteerTeam, lawyer: Volunteer, make_person: MakePerson
) -> None:
    township_team = make_team(tree.townships[0], "镇1巾帼志愿服务队")
    member = make_person("李娟", id_number=id_number(D(1985, 1, 1), seq=1), phone="13800000001")
    services.volunteer_add(actor=None, team=township_team, person=member, start=D(2014, 1, 1))
    # Administrator of the township, and county staff (view, no reveal) above it.
    mixed = user_create(
        actor=None,
        username="mixed",
        password=PASSWORD,
        display_name="mixed",
        grants=[(Role.COUNTY_ADMIN, tree.townships[0]), (Role.COUNTY_STAFF, tree.county)],
    )

    rows = {row[0]: row for row in workbook(mixed)[1:]}

    assert rows["李娟"][2] == id_number(D(1985, 1, 1), seq=1)
    assert rows["王律师"][2] == "150525********" + ID_NUMBER[-4:]
    entry = AuditEntry.objects.get(action="volunteer.export")
    assert entry.unit_path == township_team.unit.path
    assert entry.changes["revealed"] == [None, 1]
    assert entry.changes["rows"] == [None, 2]


def test_hours_and_days_of_the_period_only(
    team: VolunteerTeam, lawyer: Volunteer, make_person: MakePerson, county_admin: User
) -> None:
    idle = services.volunteer_add(
        actor=None, team=team, person=make_person("李娟"), start=D(2014, 1, 1)
    )
    gone = services.volunteer_add(
        actor=None, team=team, person=make_person("张丽"), start=D(2013, 1, 1)
    )
    serve(gone, D(2013, 5, 1), "2")
    services.volunteer_end(actor=None, volunteer=gone, on=D(2013, 12, 31))
    march = {"start": D(2014, 3, 1), "end": D(2014, 3, 31)}

    rows = {row[0]: row for row in workbook(county_admin, team=team, **march)[1:]}
    with_hours = workbook(county_admin, team=team, only_with_hours=True, **march)

    assert set(rows) == {"王律师", "李娟"}  # 张丽 left before March 2014
    assert rows["王律师"][6:] == [D(2014, 3, 8), D(2014, 3, 8), 3.5]
    assert rows["李娟"][1:3] == ["", ""]  # no ID number: no document type either
    assert rows["李娟"][6:] == ["", "", 0.0]
    assert [row[0] for row in with_hours[1:]] == ["王律师"]
    assert idle.end is None


def test_only_teams_in_scope(
    team: VolunteerTeam, lawyer: Volunteer, village_director: User
) -> None:
    assert workbook(village_director) == [HEADER]


def test_csv_for_spreadsheets_and_formats_checked(
    team: VolunteerTeam, lawyer: Volunteer, county_admin: User
) -> None:
    response = volunteer_export_response(actor=county_admin, team=team, fmt="csv")
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(cast(Iterator[bytes], response.streaming_content)).decode("utf-8")

    assert text.startswith(BOM + ",".join(HEADER))
    assert "王律师,居民身份证" in text
    assert PHONE in text
    assert quote("志愿者服务时长-巾帼法律维权志愿服务队-") in response["Content-Disposition"]
    with pytest.raises(ApplicationError) as caught:
        volunteer_export(actor=county_admin, team=team, fmt="pdf")
    assert caught.value.code == "unknown_format"
