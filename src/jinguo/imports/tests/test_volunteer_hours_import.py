"""The volunteer service hours import type end to end: template, dry run, commit, re-import,
errors, all-or-nothing, undo refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client
from django.utils import translation

import jinguo.imports.volunteers  # noqa: F401 - registers the service hours import type
from jinguo.accounts.models import User
from jinguo.activities import services
from jinguo.activities.models import ServiceRecord, VolunteerTeam
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_undo
from jinguo.imports.tests import helpers
from jinguo.imports.tests.helpers import TEAM, commit, make_team, number
from jinguo.imports.volunteers import COLUMNS
from jinguo.people.models import Person
from jinguo.people.tests.conftest import MakePerson, make_person, village  # noqa: F401
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

HEADER = ["服务队", "身份证号", "服务日期", "服务时长（小时）", "服务内容"]
csv_bytes = partial(helpers.csv_bytes, header=HEADER)
upload = helpers.uploader("service_hours", "志愿服务时长.csv")

D = dt.date


@pytest.fixture
def far_team(tree: Tree, make_person: MakePerson) -> VolunteerTeam:  # noqa: F811
    """远方志愿队, a team of the other township (out of the first chair's sight)."""
    far = make_team(tree.townships[1], "远方志愿队")
    person = make_person("远人", id_number=number(7), residence=tree.village(1, 0))
    services.volunteer_add(actor=None, team=far, person=person, start=D(2014, 1, 1))
    return far


@pytest.fixture
def people(make_person: MakePerson, team: VolunteerTeam) -> list[Person]:  # noqa: F811
    """人1 and 人2 members of the team since 2014-03-01; 人3 registered but not a member."""
    members = [
        make_person("人1", id_number=number(1)),
        make_person("人2", id_number=number(2)),
    ]
    for person in members:
        services.volunteer_add(actor=None, team=team, person=person, start=D(2014, 3, 1))
    return [*members, make_person("人3", id_number=number(3))]


def good_rows() -> list[list[str]]:
    return [
        [TEAM, number(1), "2014-03-08", "3.5", "法律咨询"],
        [TEAM, number(1), "2014/6/26", "4", "禁毒日宣传"],
        [TEAM, number(2), "2014年3月8日", "2", "发放资料"],
    ]


def test_the_type_is_registered_and_the_template_has_the_headers(
    client: Client, township_chair: User
) -> None:
    assert registry.get("service_hours") is not None
    client.force_login(township_chair)

    header = helpers.template_header(client, "service_hours")
    with translation.override("zh-hans"):
        expected = [str(column.header) for column in COLUMNS]
    assert [str(cell).rstrip("*").strip() for cell in header] == expected
    assert expected == ["服务队", "身份证号", "日期", "时长（小时）", "服务内容"]
    # Every header of the brief is known to the header matcher.
    known = {name for column in COLUMNS for name in (str(column.header), *column.synonyms)}
    assert set(HEADER) <= known


@pytest.mark.usefixtures("people")
def test_good_rows_commit_and_the_hours_appear(
    township_chair: User, tree: Tree, team: VolunteerTeam
) -> None:
    batch = upload(township_chair, tree.townships[0], csv_bytes(good_rows()))
    assert batch.check_counts == {"rows": 3, "new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert not ServiceRecord.objects.exists()  # the dry run wrote nothing

    batch = commit(township_chair, batch)

    assert batch.commit_counts["new"] == 3
    recorded = {
        (r.volunteer.person.name, r.on, r.hours, r.description)
        for r in ServiceRecord.objects.filter(volunteer__team=team)
    }
    assert recorded == {
        ("人1", D(2014, 3, 8), Decimal("3.5"), "法律咨询"),
        ("人1", D(2014, 6, 26), Decimal(4), "禁毒日宣传"),
        ("人2", D(2014, 3, 8), Decimal(2), "发放资料"),
    }
    assert set(ServiceRecord.objects.values_list("recorded_by", flat=True)) == {township_chair.pk}


@pytest.mark.usefixtures("people", "team")
def test_importing_the_same_rows_again_changes_nothing(township_chair: User, tree: Tree) -> None:
    unit = tree.townships[0]
    commit(township_chair, upload(township_chair, unit, csv_bytes(good_rows())))
    before = list(ServiceRecord.objects.order_by("pk").values_list("pk", "on", "hours"))

    # The same file is refused outright; the same rows in another file are all unchanged.
    with pytest.raises(ApplicationError) as refused:
        upload(township_chair, unit, csv_bytes(good_rows()))
    assert refused.value.code == "already_imported"
    again = csv_bytes(good_rows(), header=["志愿服务队", *HEADER[1:]])
    batch = commit(township_chair, upload(township_chair, unit, again, "again.csv"))

    assert batch.commit_counts == {"rows": 3, "new": 0, "updated": 0, "unchanged": 3, "errors": 0}
    assert not batch.items.exists()
    assert list(ServiceRecord.objects.order_by("pk").values_list("pk", "on", "hours")) == before


@pytest.mark.usefixtures("people", "team", "far_team")
def test_bad_rows_name_their_cell_and_nothing_is_half_written(
    township_chair: User, tree: Tree
) -> None:
    rows = [
        *good_rows()[:1],
        ["不存在的服务队", number(1), "2014-03-09", "2", "x"],  # unknown team
        [TEAM, number(3), "2014-03-09", "2", "x"],  # registered, not a member
        [TEAM, number(2), "2014-03-09", "25", "x"],  # more than 24 hours a day
        [TEAM, number(2), "2014-13-45", "2", "x"],  # not a date
        ["远方志愿队", number(7), "2014-03-09", "2", "x"],  # team out of the uploader's sight
        [TEAM, number(7), "2014-03-09", "2", "x"],  # person out of the uploader's sight
        [TEAM, number(2), "2014-02-01", "2", "x"],  # before she joined
        [TEAM, number(1), "2014-03-08", "21", "more"],  # 3.5 + 21 > 24 on the same day
    ]
    batch = upload(township_chair, tree.townships[0], csv_bytes(rows))

    assert batch.check_counts["new"] == 1
    assert batch.check_counts["errors"] == 8
    errors = {e["row"]: e for e in batch.first_errors}
    with translation.override("zh-hans"):
        team_header, id_header, date_header, hours_header = (str(c.header) for c in COLUMNS[:4])
    assert errors[3]["column"] == team_header
    assert "不存在的服务队" in errors[3]["message"]
    assert errors[4]["column"] == id_header
    assert "人3" in errors[4]["message"]
    assert errors[5]["column"] == hours_header
    assert errors[6]["column"] == date_header
    assert errors[7]["column"] == team_header
    assert errors[8]["column"] == id_header
    assert errors[9]["column"] == date_header
    assert errors[10]["column"] == hours_header

    with pytest.raises(ApplicationError) as refused:
        commit(township_chair, batch)

    assert refused.value.code == "has_errors"
    assert not ServiceRecord.objects.exists()


@pytest.mark.usefixtures("people", "team")
def test_valid_only_takes_the_good_rows(township_chair: User, tree: Tree) -> None:
    rows = [*good_rows()[:2], [TEAM, number(3), "2014-03-09", "2", "x"]]
    batch = upload(township_chair, tree.townships[0], csv_bytes(rows))

    batch = commit(township_chair, batch, ImportBatch.Mode.VALID_ONLY)

    assert batch.commit_counts["new"] == 2
    assert batch.commit_counts["errors"] == 1
    assert ServiceRecord.objects.count() == 2


@pytest.mark.usefixtures("people", "team")
def test_undo_is_refused_as_service_records_cannot_be_removed(
    township_chair: User, tree: Tree
) -> None:
    batch = commit(
        township_chair, upload(township_chair, tree.townships[0], csv_bytes(good_rows()))
    )

    with pytest.raises(ApplicationError) as refused:
        import_undo(actor=township_chair, batch=batch)
    assert refused.value.code == "not_undoable"
    assert ServiceRecord.objects.count() == 3
