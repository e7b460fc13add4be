"""The activities API: activities and their sheets, QR check-in codes, volunteers and their
hours, pairings and their cadence, village visits and needs — the same services, scope and
rules as the pages, refusals in two languages, people by id and name only."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.activities import services
from jinguo.activities.choices import (
    ActivityKind,
    Group,
    Headcount,
    NeedCategory,
    PairingKind,
    TeamFocus,
)
from jinguo.activities.models import Activity, Attendance, Need, Pairing, VolunteerTeam
from jinguo.activities.tests.conftest import MakeActivity, at
from jinguo.audit.models import AuditEntry
from jinguo.core import context
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people.tests.conftest import MakePerson, id_number
from jinguo.programmes.services import organisation_get_or_create
from jinguo.testing import OPENED, Tree, make_user

pytestmark = pytest.mark.django_db
D = dt.date
MAY_6, MAY_7 = D(2014, 5, 6), D(2014, 5, 7)
PHONE = "13904751234"
FORBIDDEN = {
    "code": "forbidden",
    "field": None,
    "message": "您没有执行此操作的权限。",
    "message_en": "You are not allowed to do this.",
}
NOT_FOUND = {"code": "not_found", "field": None, "message": "未找到。", "message_en": "Not found."}


def assert_refused(response: Any, status: int, code: str, field: str | None) -> dict[str, Any]:
    """A refusal: its code, the field it concerns and the message in Chinese and in English."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert body["message_en"]
    return body


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    found: list[dict[str, Any]] = response.json()["items"]
    return found


@pytest.fixture
def other_director(neighbour_village: OrgUnit) -> User:
    """Director of 村1-2: same township, another village."""
    return make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)


@pytest.fixture
def activity(make_activity: MakeActivity) -> Activity:
    """A county training of three days (6-8 May 2014) held in 村1-1."""
    return make_activity()


@pytest.fixture
def today(make_activity: MakeActivity) -> Activity:
    day = timezone.localdate()
    return make_activity("今日讲座", kind=ActivityKind.TALK, start=at(day), end=at(day, 17))


@pytest.fixture
def team(tree: Tree) -> VolunteerTeam:
    unit = orgunit_create(
        actor=None,
        parent=tree.county,
        name="巾帼法律维权志愿服务队",
        kind=Kind.VOLUNTEER_TEAM,
        opened_on=OPENED,
    )
    return services.team_profile_set(actor=None, unit=unit, focus=TeamFocus.LEGAL_RIGHTS)


# --- activities -----------------------------------------------------------------------------------


def test_county_admin_records_a_training_with_its_details(
    tree: Tree, village: OrgUnit, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    buyer = organisation_get_or_create(actor=None, name="跃达飞手工艺坊", kind="enterprise")

    response = api.post(
        "/activities/",
        {
            "owner_id": tree.county.pk,
            "kind": "training",
            "title": "十字绣培训",
            "start": "2014-05-06T09:00:00",
            "end": "2014-05-08T17:00:00+08:00",
            "place_id": village.pk,
            "venue_kind": "village",
            "organiser_ids": [tree.townships[0].pk],
            "partner_ids": [buyer.pk],
            "spending": "3000",
            "training": {"trainer": "通辽市十字绣专家", "hours": "16", "certificates": 180},
            "materials": [{"kind": "leaflet", "count": 300, "description": "创业就业政策"}],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert dt.datetime.fromisoformat(body["start"]) == at(MAY_6)  # no zone: Beijing time
    assert (body["owner_name"], body["place_name"], body["version"]) == ("旗150525", "村1-1", 1)
    assert [o["name"] for o in body["organisers"]] == ["镇1"]
    assert [p["name"] for p in body["partners"]] == ["跃达飞手工艺坊"]
    assert body["training"]["trainer"] == "通辽市十字绣专家"
    assert Decimal(body["training"]["hours"]) == 16
    assert body["materials"] == [{"kind": "leaflet", "description": "创业就业政策", "count": 300}]
    assert body["participation"] == {"person_times": 0, "people": 0, "by_group": {}}
    assert (body["files"], body["counts"], body["can_edit"]) == ([], [], True)
    assert AuditEntry.objects.filter(action="activity.record", object_id=str(body["id"])).exists()


def test_an_activity_with_counts_by_group(tree: Tree, county_admin: User, as_user: Any) -> None:
    response = as_user(county_admin).post(
        "/activities/",
        {
            "owner_id": tree.county.pk,
            "kind": "free_clinic",
            "title": "三八节义诊",
            "start": "2014-03-08T09:00:00",
            "headcount": "counts",
            "counts": {"women": 150, "elderly": 12},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["training"] is None
    assert body["participation"] == {
        "person_times": 162,
        "people": None,
        "by_group": {"women": 150, "elderly": 12},
    }
    assert body["counts"] == [{"group": "elderly", "count": 12}, {"group": "women", "count": 150}]


def test_a_refused_recording_says_why_in_both_languages(
    tree: Tree, county_admin: User, as_user: Any
) -> None:
    response = as_user(county_admin).post(
        "/activities/",
        {
            "owner_id": tree.county.pk,
            "kind": "talk",
            "title": "讲座",
            "start": "2014-05-06T09:00:00",
            "end": "2014-05-01T09:00:00",
        },
    )

    assert_refused(response, 400, "invalid_dates", "end")
    assert not Activity.objects.exists()


def test_activities_are_listed_in_scope_and_filtered(
    make_activity: MakeActivity,
    far_village: OrgUnit,
    county_admin: User,
    village_director: User,
    as_user: Any,
) -> None:
    make_activity("十字绣培训")  # held in 村1-1
    make_activity(
        "禁毒宣传",
        kind=ActivityKind.PUBLICITY,
        place=far_village,
        start=at(D(2014, 6, 26)),
        end=None,
    )

    def titles(user: User, **params: Any) -> list[str]:
        return [a["title"] for a in items(as_user(user).get("/activities/", **params))]

    assert titles(county_admin) == ["禁毒宣传", "十字绣培训"]
    assert titles(village_director) == ["十字绣培训"]
    assert titles(county_admin, kind="publicity") == ["禁毒宣传"]
    assert titles(county_admin, start="2014-06-01") == ["禁毒宣传"]
    assert titles(county_admin, end="2014-05-31") == ["十字绣培训"]
    assert as_user(county_admin).get("/activities/", kind="party").status_code == 422


def test_another_villages_director_gets_404_and_empty_lists(
    make_activity: MakeActivity,
    village: OrgUnit,
    team: VolunteerTeam,
    make_person: MakePerson,
    other_director: User,
    as_user: Any,
) -> None:
    mine = make_activity("之家活动", owner=village, kind=ActivityKind.MEETING)
    woman = make_person("王芳")
    services.attendance_add(actor=None, activity=mine, person=woman, day=MAY_6)
    services.pairing_create(
        actor=None,
        kind=PairingKind.CARING_MOTHER,
        start=D(2014, 1, 1),
        helper_person=make_person("李娟"),
        helped_person=make_person("张小明", sex="M"),
    )
    need = services.need_record(
        actor=None, village=village, title="低压线路改造", category="power", raised_on=MAY_6
    )
    services.village_visit_record(actor=None, village=village, on=MAY_6, visitors="旗妇联")
    api = as_user(other_director)

    for path in (
        f"/activities/{mine.pk}",
        f"/activities/{mine.pk}/attendance",
        f"/activities/{mine.pk}/pending-checkins",
        f"/volunteer-teams/{team.pk}",
        f"/needs/{need.pk}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json() == NOT_FOUND
    for path in ("/activities/", "/volunteer-teams/", "/volunteers/", "/pairings/", "/needs/"):
        assert items(api.get(path)) == [], path
    assert items(api.get("/village-visits/")) == []
    assert items(api.get("/pairings/overdue", on="2015-01-01")) == []
    assert items(api.get("/needs/overdue", on="2015-01-01")) == []
    assert api.post(f"/activities/{mine.pk}/attendance", {"person_id": woman.pk}).status_code == 404


def test_the_place_keeps_the_sheet_but_only_the_recorder_changes_the_activity(
    activity: Activity, make_person: MakePerson, village_director: User, as_user: Any
) -> None:
    api = as_user(village_director)
    woman = make_person("王芳")

    changed = api.patch(f"/activities/{activity.pk}", {"version": 1, "title": "改名"})
    added = api.post(f"/activities/{activity.pk}/attendance", {"person_id": woman.pk})

    assert changed.status_code == 403
    assert changed.json() == FORBIDDEN
    assert added.status_code == 201, added.content
    assert (added.json()["person_name"], added.json()["day"]) == ("王芳", "2014-05-06")
    assert api.get(f"/activities/{activity.pk}").json()["can_edit"] is False


def test_update_with_the_version_read_and_a_stale_one_is_409(
    activity: Activity, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)

    first = api.patch(
        f"/activities/{activity.pk}",
        {"version": 1, "outcome": "激发了创业热情", "place_id": None, "end": "2014-05-07T17:00"},
    )
    stale = api.patch(f"/activities/{activity.pk}", {"version": 1, "title": "改名"})

    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["version"], body["outcome"], body["place_id"]) == (2, "激发了创业热情", None)
    assert dt.datetime.fromisoformat(body["end"]) == at(MAY_7, 17)
    refused = assert_refused(stale, 409, "edit_conflict", None)
    assert "version 2" in refused["message_en"]
    activity.refresh_from_db()
    assert activity.title == "十字绣培训"


def test_the_auditor_reads_everything_and_writes_nothing(
    tree: Tree,
    activity: Activity,
    team: VolunteerTeam,
    make_person: MakePerson,
    auditor: User,
    as_user: Any,
) -> None:
    api = as_user(auditor)
    woman = make_person("王芳")
    pairing = services.pairing_create(
        actor=None,
        kind=PairingKind.EMPTY_NEST,
        start=D(2014, 1, 1),
        helper_person=make_person("李娟"),
        helped_person=make_person("李奶奶", birth_date=D(1940, 1, 1)),
    )
    need = services.need_record(
        actor=None, village=tree.village(), title="路灯", category="roads", raised_on=MAY_6
    )
    volunteer = services.volunteer_add(actor=None, team=team, person=woman, start=D(2014, 1, 1))
    base = f"/activities/{activity.pk}"

    assert api.get(base).status_code == 200
    assert api.get(f"{base}/attendance").status_code == 200
    writes = [
        api.post("/activities/", {"owner_id": tree.county.pk, "kind": "talk", "title": "x",
                                  "start": "2014-05-06T09:00:00"}),
        api.patch(base, {"version": 1, "title": "x"}),
        api.put(f"{base}/counts", {"counts": {"women": 1}}),
        api.post(f"{base}/attendance", {"person_id": woman.pk}),
        api.post(f"{base}/checkin-codes", {"day": "2014-05-06"}),
        api.post("/volunteer-teams/", {"unit_id": team.unit_id, "focus": "aid"}),
        api.post("/volunteers/", {"team_id": team.pk, "person_id": woman.pk,
                                  "start": "2014-01-01"}),
        api.post(f"/volunteers/{volunteer.pk}/services",
                 {"on": "2014-03-08", "hours": "2", "description": "x"}),
        api.post(f"/volunteers/{volunteer.pk}/end", {"on": "2014-12-31"}),
        api.post("/pairings/", {"kind": "empty_nest", "start": "2014-01-01",
                                "helper_person_id": woman.pk, "helped_person_id": woman.pk}),
        api.post(f"/pairings/{pairing.pk}/contacts", {"on": "2014-02-01", "kind": "call"}),
        api.post(f"/pairings/{pairing.pk}/end", {"on": "2014-12-31"}),
        api.post("/village-visits/", {"village_id": tree.village().pk, "on": "2014-05-06",
                                      "visitors": "x"}),
        api.post("/needs/", {"village_id": tree.village().pk, "title": "x",
                             "category": "other", "raised_on": "2014-05-06"}),
        api.patch(f"/needs/{need.pk}", {"version": 1, "decision": "x"}),
    ]  # fmt: skip

    for response in writes:
        assert response.status_code == 403, response.content
        assert response.json() == FORBIDDEN
    assert not Attendance.objects.exists()
    assert Activity.objects.count() == 1
    assert Need.objects.get().decision == ""


def test_the_sheet_names_only_the_people_you_see_and_counts_everyone(
    activity: Activity,
    make_person: MakePerson,
    far_village: OrgUnit,
    village_director: User,
    as_user: Any,
) -> None:
    mine = make_person("王芳", birth_date=D(1980, 1, 1))
    theirs = make_person("李娟", residence=far_village)
    girl = make_person("王小花", birth_date=D(2005, 1, 1))
    for person in (mine, theirs, girl):
        services.attendance_add(actor=None, activity=activity, person=person, day=MAY_6)
    api = as_user(village_director)

    again = api.post(
        f"/activities/{activity.pk}/attendance", {"person_id": mine.pk, "day": "2014-05-06"}
    )
    second_day = api.post(
        f"/activities/{activity.pk}/attendance", {"person_id": mine.pk, "day": "2014-05-07"}
    )
    wrong_day = api.post(
        f"/activities/{activity.pk}/attendance", {"person_id": mine.pk, "day": "2014-05-09"}
    )
    sheet = api.get(f"/activities/{activity.pk}/attendance").json()

    assert_refused(again, 400, "already_present", "person")
    assert_refused(wrong_day, 400, "not_on_day", "day")
    assert second_day.status_code == 201
    assert [(a["person_name"], a["day"]) for a in sheet["items"]] == [
        ("王芳", "2014-05-06"),
        ("王小花", "2014-05-06"),
        ("王芳", "2014-05-07"),
    ]
    assert (sheet["person_times"], sheet["people"], sheet["not_shown"]) == (4, 3, 1)
    assert sheet["by_group"] == {"women": 3, "children": 1}
    assert "李娟" not in str(sheet)
    detail = api.get(f"/activities/{activity.pk}").json()
    assert detail["participation"]["person_times"] == 4

    removed = api.delete(f"/activities/{activity.pk}/attendance/{second_day.json()['id']}")
    hidden = Attendance.objects.get(person=theirs)
    out_of_sight = api.delete(f"/activities/{activity.pk}/attendance/{hidden.pk}")

    assert removed.status_code == 204
    assert out_of_sight.status_code == 404
    assert api.get(f"/activities/{activity.pk}/attendance").json()["person_times"] == 3


def test_counts_are_replaced_where_names_are_not_taken(
    make_activity: MakeActivity, activity: Activity, county_admin: User, as_user: Any
) -> None:
    clinic = make_activity(
        "三八节义诊",
        kind=ActivityKind.FREE_CLINIC,
        headcount=Headcount.COUNTS,
        counts={Group.WOMEN: 150},
        start=at(D(2014, 3, 8)),
        end=None,
    )
    api = as_user(county_admin)

    replaced = api.put(
        f"/activities/{clinic.pk}/counts", {"counts": {"women": 153, "children": 20}}
    )
    negative = api.put(f"/activities/{clinic.pk}/counts", {"counts": {"women": -1}})
    named = api.put(f"/activities/{activity.pk}/counts", {"counts": {"women": 3}})

    assert replaced.status_code == 200, replaced.content
    assert replaced.json() == {
        "person_times": 173,
        "people": None,
        "by_group": {"women": 153, "children": 20},
    }
    assert_refused(negative, 400, "negative", "counts")
    assert_refused(named, 400, "wrong_headcount", "counts")
    assert AuditEntry.objects.filter(action="activity.counts").count() == 1


# --- check-in -------------------------------------------------------------------------------------


def scan(token: str, name: str, phone: str, ip: str = "10.0.0.1") -> str:
    """What the public check-in page does with what she typed."""
    with context.bound(client_ip=ip):
        return services.checkin(token=token, name=name, phone=phone).outcome


def test_a_check_in_code_puts_her_on_the_sheet(
    today: Activity, make_person: MakePerson, county_admin: User, as_user: Any
) -> None:
    woman = make_person("王芳", phone=PHONE)
    api = as_user(county_admin)

    issued = api.post(f"/activities/{today.pk}/checkin-codes", {"minutes": 60})

    assert issued.status_code == 201, issued.content
    code = issued.json()
    assert code["day"] == timezone.localdate().isoformat()
    assert code["path"] == f"/checkin/{code['token']}/"
    expires = dt.datetime.fromisoformat(code["expires_at"])
    assert dt.timedelta(minutes=59) < expires - timezone.now() <= dt.timedelta(minutes=60)
    before = api.get(f"/activities/{today.pk}/attendance").json()["person_times"]

    assert scan(code["token"], "王芳", PHONE) == "present"

    sheet = api.get(f"/activities/{today.pk}/attendance").json()
    assert (before, sheet["person_times"]) == (0, 1)
    assert [(a["person_id"], a["person_name"], a["source"]) for a in sheet["items"]] == [
        (woman.pk, "王芳", "qr")
    ]
    assert PHONE not in str(sheet)


def test_unmatched_check_ins_are_confirmed_or_rejected_by_staff(
    today: Activity, make_person: MakePerson, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    token = api.post(f"/activities/{today.pk}/checkin-codes", {}).json()["token"]
    assert scan(token, "赵敏", "13800000000") == "pending"
    assert scan(token, "钱红", "13900000000", ip="10.0.0.2") == "pending"
    registered = make_person("赵敏")

    waiting = api.get(f"/activities/{today.pk}/pending-checkins")

    assert waiting.status_code == 200
    listed = {p["name"]: p for p in waiting.json()}
    assert listed["赵敏"]["phone_masked"] == "138****0000"
    assert "13800000000" not in waiting.content.decode()
    base = f"/activities/{today.pk}/pending-checkins"

    confirmed = api.post(f"{base}/{listed['赵敏']['id']}/confirm", {"person_id": registered.pk})
    rejected = api.post(f"{base}/{listed['钱红']['id']}/reject")
    again = api.post(f"{base}/{listed['钱红']['id']}/reject")

    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["person_name"], confirmed.json()["source"]) == ("赵敏", "qr")
    assert rejected.status_code == 204
    assert again.status_code == 404
    assert api.get(base).json() == []
    assert api.get(f"/activities/{today.pk}/attendance").json()["person_times"] == 1


def test_a_code_only_for_a_day_of_the_activity(
    activity: Activity, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)

    today = api.post(f"/activities/{activity.pk}/checkin-codes", {})
    too_short = api.post(f"/activities/{activity.pk}/checkin-codes", {"minutes": 1})
    on_the_day = api.post(f"/activities/{activity.pk}/checkin-codes", {"day": "2014-05-07"})

    assert_refused(today, 400, "not_on_day", "day")
    assert too_short.status_code == 422
    assert on_the_day.status_code == 201
    assert on_the_day.json()["day"] == "2014-05-07"


# --- volunteers -----------------------------------------------------------------------------------


def test_team_profiles_are_set_on_volunteer_team_units_only(
    tree: Tree, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    unit = orgunit_create(
        actor=None,
        parent=tree.county,
        name="巾帼家庭教育志愿服务队",
        kind=Kind.VOLUNTEER_TEAM,
        opened_on=OPENED,
    )

    first = api.post(
        "/volunteer-teams/",
        {"unit_id": unit.pk, "focus": "family_education", "founded_on": "2013-03-05"},
    )
    again = api.post("/volunteer-teams/", {"unit_id": unit.pk, "focus": "aid"})
    village = api.post("/volunteer-teams/", {"unit_id": tree.village().pk, "focus": "aid"})

    assert first.status_code == again.status_code == 200, first.content
    assert first.json()["id"] == again.json()["id"]
    assert (again.json()["name"], again.json()["focus"], again.json()["founded_on"]) == (
        "巾帼家庭教育志愿服务队",
        "aid",
        None,
    )
    assert_refused(village, 400, "not_a_team", "unit")
    assert [t["focus"] for t in items(api.get("/volunteer-teams/", focus="aid"))] == ["aid"]
    assert items(api.get("/volunteer-teams/", focus="health")) == []
    assert api.get(f"/volunteer-teams/{first.json()['id']}").json()["members"] == 0


def test_volunteers_join_serve_and_leave(
    tree: Tree, team: VolunteerTeam, make_person: MakePerson, county_admin: User, as_user: Any
) -> None:
    api = as_user(county_admin)
    lawyer = make_person("王律师")
    member = make_person("李娟")
    training = services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title="三八维权周",
        start=at(D(2014, 3, 8)),
    )

    joined = api.post(
        "/volunteers/",
        {"team_id": team.pk, "person_id": lawyer.pk, "start": "2014-01-01", "role": "leader"},
    )
    api.post("/volunteers/", {"team_id": team.pk, "person_id": member.pk, "start": "2014-03-01"})
    twice = api.post(
        "/volunteers/", {"team_id": team.pk, "person_id": lawyer.pk, "start": "2014-02-01"}
    )

    assert joined.status_code == 201, joined.content
    volunteer = joined.json()
    assert (volunteer["person_name"], volunteer["team_name"], volunteer["role"]) == (
        "王律师",
        "巾帼法律维权志愿服务队",
        "leader",
    )
    assert_refused(twice, 400, "already_member", "person")
    base = f"/volunteers/{volunteer['id']}"

    served = api.post(
        f"{base}/services",
        {"on": "2014-03-08", "hours": "3.5", "description": "法律咨询", "activity_id": training.pk},
    )
    api.post(f"{base}/services", {"on": "2014-06-26", "hours": "4", "description": "禁毒日宣传"})
    too_many = api.post(f"{base}/services", {"on": "2014-03-08", "hours": "21", "description": "x"})

    assert served.status_code == 201, served.content
    assert (served.json()["activity_title"], Decimal(served.json()["hours"])) == (
        "三八维权周",
        Decimal("3.5"),
    )
    assert_refused(too_many, 400, "invalid_hours", "hours")
    records = items(api.get("/volunteers/services", volunteer_id=volunteer["id"]))
    assert [(r["on"], r["person_name"]) for r in records] == [
        ("2014-06-26", "王律师"),
        ("2014-03-08", "王律师"),
    ]
    hours = {
        h["person_name"]: (Decimal(h["hours"]), h["records"])
        for h in items(api.get("/volunteers/hours", team_id=team.pk))
    }
    assert hours == {"王律师": (Decimal("7.5"), 2), "李娟": (Decimal(0), 0)}
    march = items(api.get("/volunteers/hours", start="2014-03-01", end="2014-03-31"))
    assert {h["person_name"]: Decimal(h["hours"]) for h in march} == {
        "王律师": Decimal("3.5"),
        "李娟": Decimal(0),
    }
    assert api.get(f"/volunteer-teams/{team.pk}").json()["members"] == 2

    ended = api.post(f"{base}/end", {"on": "2014-12-31"})
    too_early = api.post(f"{base}/end", {"on": "2013-01-01"})

    assert ended.json()["end"] == "2014-12-31"
    assert_refused(too_early, 400, "invalid_dates", "end")
    assert api.get(f"/volunteer-teams/{team.pk}").json()["members"] == 1
    assert [v["person_name"] for v in items(api.get("/volunteers/", team_id=team.pk))] == [
        "李娟",
        "王律师",
    ]
    assert api.get(f"{base}").json()["end"] == "2014-12-31"


def export_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.content
    data = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows: list[list[Any]] = sheet.to_python()
    return rows


def test_the_volunteer_export_downloads_in_the_national_layout(
    team: VolunteerTeam,
    make_person: MakePerson,
    county_admin: User,
    county_staff: User,
    as_user: Any,
) -> None:
    born = D(1980, 3, 8)
    person = make_person("王律师", id_number=id_number(born), phone=PHONE)
    volunteer = services.volunteer_add(actor=None, team=team, person=person, start=D(2014, 1, 1))
    services.service_record(
        actor=None, volunteer=volunteer, on=D(2014, 3, 8), hours=Decimal("3.5"), description="咨询"
    )

    full = export_rows(as_user(county_admin).get("/volunteers/export", team_id=team.pk))
    masked = export_rows(as_user(county_staff).get("/volunteers/export", team_id=team.pk))
    csv = as_user(county_admin).get("/volunteers/export", fmt="csv", reveal="false")

    assert full[0][:3] == ["姓名", "证件类型", "证件号码"]
    assert full[1][:5] == ["王律师", "居民身份证", id_number(born), "女", PHONE]
    assert full[1][-1] == 3.5
    assert masked[1][2:5] == ["150525********" + id_number(born)[-4:], "女", "139****1234"]
    assert AuditEntry.objects.filter(action="volunteer.export").count() == 1
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(csv.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff姓名,证件类型,证件号码")
    assert PHONE not in text
    assert as_user(county_admin).get("/volunteers/export", fmt="pdf").status_code == 422


# --- pairings -------------------------------------------------------------------------------------


def test_a_pairing_its_contacts_and_when_it_is_overdue(
    make_person: MakePerson, township_chair: User, other_chair: User, as_user: Any
) -> None:
    api = as_user(township_chair)
    mother = make_person("王芳")
    child = make_person("张小明", birth_date=D(2006, 5, 1), sex="M")

    created = api.post(
        "/pairings/",
        {
            "kind": "caring_mother",
            "start": "2014-01-01",
            "helper_person_id": mother.pk,
            "helped_person_id": child.pk,
        },
    )
    one_sided = api.post(
        "/pairings/",
        {"kind": "caring_mother", "start": "2014-01-01", "helper_person_id": mother.pk},
    )

    assert created.status_code == 201, created.content
    pairing = created.json()
    assert (pairing["helper_person_name"], pairing["helped_person_name"]) == ("王芳", "张小明")
    assert (pairing["call_every_days"], pairing["visit_every_days"], pairing["contacts"]) == (
        31,
        92,
        [],
    )
    assert_refused(one_sided, 400, "pairing_sides", "helper")
    base = f"/pairings/{pairing['id']}"

    overdue = items(api.get("/pairings/overdue", on="2014-02-02"))
    assert items(api.get("/pairings/overdue", on="2014-02-01")) == []
    assert [(o["pairing"]["id"], o["call_due"], o["visit_due"]) for o in overdue] == [
        (pairing["id"], "2014-02-01", None)
    ]

    call = api.post(f"{base}/contacts", {"on": "2014-02-05", "kind": "call"})
    help_without_kind = api.post(f"{base}/contacts", {"on": "2014-02-06", "kind": "help"})
    help_given = api.post(
        f"{base}/contacts",
        {"on": "2014-02-06", "kind": "help", "help_kind": "school_costs", "value": "500"},
    )

    assert call.status_code == help_given.status_code == 201, call.content
    assert_refused(help_without_kind, 400, "help_kind_required", "help_kind")
    assert items(api.get("/pairings/overdue", on="2014-03-01")) == []
    detail = api.get(base).json()
    assert [(c["kind"], c["help_kind"]) for c in detail["contacts"]] == [
        ("help", "school_costs"),
        ("call", ""),
    ]
    assert (detail["last_call"], detail["last_visit"]) == ("2014-02-05", None)
    assert [p["id"] for p in items(api.get("/pairings/", kind="caring_mother"))] == [pairing["id"]]
    assert items(api.get("/pairings/", kind="empty_nest")) == []

    ended = api.post(f"{base}/end", {"on": "2014-06-30", "note": "孩子随父母外出"})

    assert (ended.json()["end"], ended.json()["note"]) == ("2014-06-30", "孩子随父母外出")
    assert items(api.get("/pairings/", active_on="2014-07-01")) == []
    assert items(api.get("/pairings/overdue", on="2014-12-01")) == []
    assert as_user(other_chair).get(base).status_code == 404
    assert items(as_user(other_chair).get("/pairings/")) == []
    assert Pairing.objects.count() == 1


def test_a_post_village_pairing_names_units(tree: Tree, county_admin: User, as_user: Any) -> None:
    post = orgunit_create(
        actor=None,
        parent=tree.county,
        name="国税局服务大厅",
        kind=Kind.CIVILISED_POST,
        opened_on=OPENED,
    )

    response = as_user(county_admin).post(
        "/pairings/",
        {
            "kind": "post_village",
            "start": "2014-01-01",
            "helper_unit_id": post.pk,
            "helped_unit_id": tree.village().pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["helper_unit_name"], body["helped_unit_name"], body["unit_id"]) == (
        "国税局服务大厅",
        "村1-1",
        tree.village().pk,
    )
    assert (body["helper_person_id"], body["call_every_days"]) == (None, None)


# --- village visits and needs ---------------------------------------------------------------------


def test_visits_and_needs_from_raising_to_resolving(
    village: OrgUnit,
    county_admin: User,
    village_director: User,
    other_chair: User,
    as_user: Any,
) -> None:
    api = as_user(county_admin)

    visit = api.post(
        "/village-visits/",
        {"village_id": village.pk, "on": "2014-04-10", "visitors": "旗妇联工作队", "notes": "座谈"},
    )
    assert visit.status_code == 201, visit.content
    power = api.post(
        "/needs/",
        {
            "village_id": village.pk,
            "visit_id": visit.json()["id"],
            "title": "低压线路改造",
            "category": "power",
            "raised_on": "2014-04-10",
            "responsible": "旗电业局",
            "due_on": "2014-10-31",
        },
    )
    drums = api.post(
        "/needs/",
        {
            "village_id": village.pk,
            "title": "秧歌队锣鼓镲",
            "category": "culture",
            "raised_on": "2014-04-10",
            "due_on": "2014-06-30",
        },
    )
    backwards = api.post(
        "/needs/",
        {
            "village_id": village.pk,
            "title": "x",
            "category": "other",
            "raised_on": "2014-04-10",
            "due_on": "2014-04-01",
        },
    )

    assert power.status_code == drums.status_code == 201, power.content
    assert (power.json()["visit_id"], power.json()["village_name"]) == (visit.json()["id"], "村1-1")
    assert_refused(backwards, 400, "invalid_dates", "due_on")
    assert [v["visitors"] for v in items(api.get("/village-visits/", village_id=village.pk))] == [
        "旗妇联工作队"
    ]
    overdue = items(api.get("/needs/overdue", on="2014-07-01"))
    assert [n["title"] for n in overdue] == ["秧歌队锣鼓镲"]
    drums_url = f"/needs/{drums.json()['id']}"

    unresolved = as_user(village_director).patch(drums_url, {"version": 1, "status": "resolved"})
    resolved = as_user(village_director).patch(
        drums_url,
        {
            "version": 1,
            "status": "resolved",
            "resolution": "用品已到位",
            "resolved_on": "2014-06-20",
        },
    )
    stale = api.patch(drums_url, {"version": 1, "decision": "旗妇联购置"})

    assert_refused(unresolved, 400, "resolution_required", "resolution")
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["status"], resolved.json()["version"]) == ("resolved", 2)
    assert_refused(stale, 409, "edit_conflict", None)
    assert [n["title"] for n in items(api.get("/needs/overdue", on="2014-11-01"))] == [
        "低压线路改造"
    ]
    assert [n["title"] for n in items(api.get("/needs/", status="resolved"))] == ["秧歌队锣鼓镲"]
    assert api.get(f"/needs/{power.json()['id']}").json()["category"] == NeedCategory.POWER
    assert as_user(other_chair).get(f"/needs/{power.json()['id']}").status_code == 404
    assert items(as_user(other_chair).get("/village-visits/")) == []
    assert Need.objects.count() == 2


def test_a_need_cannot_name_a_visit_out_of_sight(
    tree: Tree, far_village: OrgUnit, township_chair: User, as_user: Any
) -> None:
    theirs = services.village_visit_record(
        actor=None, village=far_village, on=MAY_6, visitors="旗妇联"
    )

    response = as_user(township_chair).post(
        "/needs/",
        {
            "village_id": tree.village().pk,
            "visit_id": theirs.pk,
            "title": "x",
            "category": "other",
            "raised_on": "2014-05-06",
        },
    )

    assert response.status_code == 404
    assert not Need.objects.exists()
