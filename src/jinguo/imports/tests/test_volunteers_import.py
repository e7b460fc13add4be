"""The volunteers (roster) import type end to end: template, dry run, commit through
`volunteer_add`, re-import, errors naming their cell, all-or-nothing, valid rows only, undo
refused."""

from __future__ import annotations

import datetime as dt
import io
from functools import partial

import pytest
from django.test import Client
from django.utils import translation
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.activities import services
from jinguo.activities.choices import VolunteerRole
from jinguo.activities.models import Volunteer, VolunteerTeam
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.models import ImportBatch
from jinguo.imports.registry import SAME_RECORD
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import TEAM, commit, errors_by_row, make_team, number
from jinguo.imports.volunteers import ROSTER_COLUMNS, ROSTER_NOT_UNDOABLE, VOLUNTEERS
from jinguo.imports.workbooks import strip_required_mark, template_xlsx
from jinguo.people.models import Person
from jinguo.people.tests.conftest import MakePerson, make_person, village  # noqa: F401
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

HEADER = ["服务队", "身份证号", "加入日期", "角色"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("volunteers", "志愿者名册.csv")

D = dt.date
M, L = VolunteerRole.MEMBER, VolunteerRole.LEADER
UNREGISTERED = number(9)


def memberships(team: VolunteerTeam) -> set[tuple[str, dt.date, str, dt.date | None]]:
    return {
        (v.person.name, v.start, v.role, v.end)
        for v in Volunteer.objects.filter(team=team).select_related("person")
    }


@pytest.fixture
def far_team(tree: Tree) -> VolunteerTeam:
    """远方志愿队, a team of the other township (out of the first chair's sight)."""
    return make_team(tree.townships[1], "远方志愿队")


@pytest.fixture
def people(make_person: MakePerson, tree: Tree, team: VolunteerTeam) -> dict[str, Person]:  # noqa: F811
    """人1 (村1-1) and 人2 (村1-2), not yet members; 人3 in the other township (out of the
    first chair's sight); 人4 a member since 2013-05-01; 人5 a member in 2012 and 2013 who
    has left."""
    found = {
        "人1": make_person("人1", id_number=number(1)),
        "人2": make_person("人2", id_number=number(2), residence=tree.village(0, 1)),
        "人3": make_person("人3", id_number=number(3), residence=tree.village(1, 0)),
        "人4": make_person("人4", id_number=number(4)),
        "人5": make_person("人5", id_number=number(5)),
    }
    services.volunteer_add(actor=None, team=team, person=found["人4"], start=D(2013, 5, 1))
    left = services.volunteer_add(actor=None, team=team, person=found["人5"], start=D(2012, 1, 1))
    services.volunteer_end(actor=None, volunteer=left, on=D(2013, 12, 31))
    return found


BEFORE = {("人4", D(2013, 5, 1), M, None), ("人5", D(2012, 1, 1), M, D(2013, 12, 31))}


def good_rows() -> list[list[str]]:
    return [
        [TEAM, number(1), "2014-03-08", ""],
        [TEAM, number(2), "2014/6/26", "队长"],
        [TEAM, number(4), "2013年5月1日", "队员"],  # already a member: unchanged
    ]


def test_the_type_is_registered_with_its_template(client: Client, township_chair: User) -> None:
    assert registry.get("volunteers") is VOLUNTEERS
    assert VOLUNTEERS.model is Volunteer
    client.force_login(township_chair)

    header = helpers.template_header(client, "volunteers")
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in ROSTER_COLUMNS]
    assert [strip_required_mark(str(cell)) for cell in header] == expected
    assert [str(cell).rstrip().endswith("*") for cell in header] == [True, True, True, False]
    assert (expected[0], expected[1], expected[3]) == ("服务队", "身份证号", "角色")
    # Every header of a Chinese roster is known to the header matcher.
    known = {name for column in ROSTER_COLUMNS for name in (str(column.header), *column.synonyms)}
    assert set(HEADER) <= known
    # The role column offers the roles' labels.
    workbook = template_xlsx(str(VOLUNTEERS.label), VOLUNTEERS.columns, language="zh-hans")
    _header, notes, example, *_rest = (
        CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0).to_python()
    )
    assert example[3] == "队员"
    assert "队长" in str(notes[3])


@pytest.mark.usefixtures("people")
def test_good_rows_commit_through_volunteer_add(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    batch = upload(township_chair, tree.townships[0], csv_bytes(good_rows()))
    assert batch.check_counts == {"rows": 3, "new": 2, "updated": 0, "unchanged": 1, "errors": 0}
    assert memberships(team) == BEFORE  # the dry run wrote nothing

    batch = commit(township_chair, batch)

    assert batch.commit_counts == {"rows": 3, "new": 2, "updated": 0, "unchanged": 1, "errors": 0}
    assert memberships(team) == BEFORE | {
        ("人1", D(2014, 3, 8), M, None),  # an empty role: a member
        ("人2", D(2014, 6, 26), L, None),  # lives in another village of the township
    }
    added = AuditEntry.objects.filter(action="volunteer.add", actor=township_chair)
    assert added.count() == 2
    assert batch.items.count() == 2


@pytest.mark.usefixtures("people")
def test_importing_the_same_rows_again_changes_nothing(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    unit = tree.townships[0]
    commit(township_chair, upload(township_chair, unit, csv_bytes(good_rows())))
    before = list(Volunteer.objects.order_by("pk").values_list("pk", "person", "start", "role"))

    # The same file is refused outright; the same rows in another file, under other headers
    # and with the leader's role left empty, are all unchanged.
    with pytest.raises(ApplicationError) as refused:
        upload(township_chair, unit, csv_bytes(good_rows()))
    assert refused.value.code == "already_imported"
    rows = [[*row[:3], ""] for row in good_rows()]
    again = csv_bytes(rows, header=["志愿服务队", "身份证号码", "入队日期", "职务"])
    batch = commit(township_chair, upload(township_chair, unit, again, "again.csv"))

    assert batch.commit_counts == {"rows": 3, "new": 0, "updated": 0, "unchanged": 3, "errors": 0}
    assert not batch.items.exists()
    assert list(Volunteer.objects.order_by("pk").values_list("pk", "person", "start", "role")) == (
        before
    )


@pytest.mark.usefixtures("people")
def test_a_membership_she_has_left_is_found_and_she_may_join_again(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    rows = [
        [TEAM, number(5), "2012-01-01", ""],  # the membership she left: unchanged
        [TEAM, number(5), "2014-01-01", "队长"],  # after she left: a new membership
    ]
    batch = commit(township_chair, upload(township_chair, tree.townships[0], csv_bytes(rows)))

    assert batch.commit_counts == {"rows": 2, "new": 1, "updated": 0, "unchanged": 1, "errors": 0}
    assert {m for m in memberships(team) if m[0] == "人5"} == {
        ("人5", D(2012, 1, 1), M, D(2013, 12, 31)),
        ("人5", D(2014, 1, 1), L, None),
    }


@pytest.mark.usefixtures("people")
def test_a_county_team_takes_members_from_the_whole_county(county_admin: User, tree: Tree) -> None:
    county_team = make_team(tree.county, "旗巾帼志愿服务队")
    rows = [
        ["旗巾帼志愿服务队", number(1), "2014-03-08", ""],  # lives in the first township
        ["旗巾帼志愿服务队", number(3), "2014-03-08", ""],  # lives in the other one
    ]
    batch = commit(county_admin, upload(county_admin, tree.county, csv_bytes(rows)))

    assert batch.commit_counts["new"] == 2
    assert memberships(county_team) == {
        ("人1", D(2014, 3, 8), M, None),
        ("人3", D(2014, 3, 8), M, None),
    }


@pytest.mark.usefixtures("people", "far_team")
def test_bad_rows_name_their_cell_and_nothing_is_written(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    rows = [
        good_rows()[0],  # 2: good
        ["不存在的服务队", number(2), "2014-03-08", ""],  # 3: unknown team
        ["远方志愿队", number(2), "2014-03-08", ""],  # 4: team out of the uploader's sight
        [TEAM, UNREGISTERED, "2014-03-08", ""],  # 5: nobody has this number
        [TEAM, number(3), "2014-03-08", ""],  # 6: a person out of the uploader's sight
        [TEAM, number(4), "2014-03-08", ""],  # 7: a member since 2013-05-01
        [TEAM, number(4), "2013-05-01", "队长"],  # 8: recorded as a member
        [TEAM, number(5), "2013-06-01", ""],  # 9: inside the membership she left
        [TEAM, number(2), "2014-13-45", ""],  # 10: not a date
        [TEAM, number(2), "2014-03-08", "会长"],  # 11: not a role
        good_rows()[0],  # 12: the same membership as row 2
    ]
    batch = upload(township_chair, tree.townships[0], csv_bytes(rows))

    assert batch.check_counts == {"rows": 11, "new": 1, "updated": 0, "unchanged": 0, "errors": 10}
    errors = errors_by_row(batch)
    with translation.override("zh-hans"):
        team_header, id_header, date_header, role_header = (str(c.header) for c in ROSTER_COLUMNS)
    assert {row: column for row, (column, _message) in errors.items()} == {
        3: team_header,
        4: team_header,
        5: id_header,
        6: id_header,
        7: date_header,
        8: role_header,
        9: date_header,
        10: date_header,
        11: role_header,
        12: "",
    }
    assert "不存在的服务队" in errors[3][1]
    assert "人3" not in errors[6][1]  # not even her name leaks out of scope
    assert "2013-05-01" in errors[7][1]
    assert "人4" in errors[8][1]
    assert "2013-12-31" in errors[9][1]
    assert "会长" in errors[11][1]
    same = ApplicationError(SAME_RECORD, code="same_record", params={"row": 2})
    assert errors[12][1] in {same.render("zh-hans"), same.render("en")}

    with pytest.raises(ApplicationError) as refused:
        commit(township_chair, batch)

    assert refused.value.code == "has_errors"
    assert memberships(team) == BEFORE


@pytest.mark.usefixtures("people")
def test_a_team_outside_the_upload_unit_is_unknown(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    batch = upload(township_chair, tree.village(0, 0), csv_bytes(good_rows()[:1]))

    assert batch.check_counts["errors"] == 1
    ((column, message),) = errors_by_row(batch).values()
    with translation.override("zh-hans"):
        assert column == str(ROSTER_COLUMNS[0].header)
    assert TEAM in message
    assert memberships(team) == BEFORE


@pytest.mark.usefixtures("people")
def test_valid_only_takes_the_good_rows(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    rows = [*good_rows()[:2], [TEAM, UNREGISTERED, "2014-03-09", ""]]
    batch = upload(township_chair, tree.townships[0], csv_bytes(rows))

    batch = commit(township_chair, batch, ImportBatch.Mode.VALID_ONLY)

    assert (batch.commit_counts["new"], batch.commit_counts["errors"]) == (2, 1)
    assert len(memberships(team)) == len(BEFORE) + 2


@pytest.mark.usefixtures("people")
def test_undo_is_refused_and_keeps_the_memberships(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    batch = commit(
        township_chair, upload(township_chair, tree.townships[0], csv_bytes(good_rows()))
    )

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=township_chair, batch=batch)

    assert refused.value.code == "not_undoable"
    assert str(refused.value) == str(ROSTER_NOT_UNDOABLE)
    assert len(memberships(team)) == len(BEFORE) + 2


@pytest.mark.usefixtures("people")
def test_two_teams_of_the_same_name_are_an_error_on_the_team(
    township_chair: User, tree: Tree
) -> None:
    for village_index in (0, 1):
        make_team(tree.village(0, village_index), "同名志愿队")
    batch = upload(
        township_chair, tree.townships[0], csv_bytes([["同名志愿队", number(1), "2014-03-08", ""]])
    )

    assert batch.check_counts["errors"] == 1
    ((column, message),) = errors_by_row(batch).values()
    with translation.override("zh-hans"):
        assert column == str(ROSTER_COLUMNS[0].header)
    assert "同名志愿队" in message
    assert not Volunteer.objects.filter(team__unit__name="同名志愿队").exists()
