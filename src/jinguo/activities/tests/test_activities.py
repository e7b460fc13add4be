"""Activities: counts by group versus names on a sheet, person-times versus people, scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.activities import selectors, services
from jinguo.activities.choices import ActivityKind, Group, Headcount, MaterialKind
from jinguo.activities.models import Attendance
from jinguo.activities.services import TrainingInput
from jinguo.activities.tests.conftest import MakeActivity, at
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes.services import organisation_get_or_create
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db
MAY_6, MAY_7, MAY_8 = dt.date(2014, 5, 6), dt.date(2014, 5, 7), dt.date(2014, 5, 8)


def test_a_training_with_its_details_materials_and_partners(
    make_activity: MakeActivity, county_admin: User
) -> None:
    buyer = organisation_get_or_create(actor=None, name="跃达飞手工艺坊", kind="enterprise")
    activity = make_activity(
        actor=county_admin,
        training=TrainingInput(
            trainer="通辽市十字绣专家", hours=Decimal(16), certificates=180, buyers=[buyer]
        ),
        materials=[(MaterialKind.LEAFLET, 300, "创业就业政策")],
        spending=Decimal(3000),
    )
    assert activity.training.trainer == "通辽市十字绣专家"
    assert list(activity.training.buyers.all()) == [buyer]
    assert activity.materials.get().count == 300
    assert AuditEntry.objects.filter(action="activity.record", object_id=str(activity.pk)).exists()


def test_person_times_and_distinct_people_from_the_sheet(
    make_activity: MakeActivity, make_person: Any
) -> None:
    activity = make_activity()
    woman = make_person("王芳", birth_date=dt.date(1980, 1, 1), sex="F")
    girl = make_person("王小花", birth_date=dt.date(2005, 1, 1), sex="F")
    grandma = make_person("李奶奶", birth_date=dt.date(1940, 1, 1), sex="F")
    for day in (MAY_6, MAY_7, MAY_8):
        services.attendance_add(actor=None, activity=activity, person=woman, day=day)
    services.attendance_add(actor=None, activity=activity, person=girl, day=MAY_6)
    services.attendance_add(actor=None, activity=activity, person=grandma, day=MAY_7)
    counted = selectors.participation(activity)
    assert (counted.person_times, counted.people) == (5, 3)
    assert counted.by_group == {Group.WOMEN: 3, Group.CHILDREN: 1, Group.ELDERLY: 1}


def test_the_same_person_twice_on_one_day_is_refused(
    make_activity: MakeActivity, make_person: Any
) -> None:
    activity = make_activity()
    woman = make_person("王芳")
    services.attendance_add(actor=None, activity=activity, person=woman, day=MAY_6)
    with pytest.raises(ApplicationError) as caught:
        services.attendance_add(actor=None, activity=activity, person=woman, day=MAY_6)
    assert caught.value.code == "already_present"
    assert Attendance.objects.count() == 1


def test_attendance_only_on_the_days_of_the_activity(
    make_activity: MakeActivity, make_person: Any
) -> None:
    activity = make_activity()
    with pytest.raises(ApplicationError) as caught:
        services.attendance_add(
            actor=None, activity=activity, person=make_person(), day=dt.date(2014, 5, 9)
        )
    assert caught.value.code == "not_on_day"


def test_counts_by_group_where_names_are_not_taken(
    make_activity: MakeActivity, make_person: Any
) -> None:
    clinic = make_activity(
        "三八节义诊",
        kind=ActivityKind.FREE_CLINIC,
        headcount=Headcount.COUNTS,
        counts={Group.WOMEN: 150, Group.ELDERLY: 12},
        start=at(dt.date(2014, 3, 8)),
        end=None,
    )
    counted = selectors.participation(clinic)
    assert (counted.person_times, counted.people) == (162, None)
    with pytest.raises(ApplicationError) as caught:
        services.attendance_add(actor=None, activity=clinic, person=make_person())
    assert caught.value.code == "wrong_headcount"
    services.counts_set(actor=None, activity=clinic, counts={Group.WOMEN: 153})
    assert selectors.participation(clinic).by_group == {Group.WOMEN: 153}
    named = make_activity()
    with pytest.raises(ApplicationError):
        services.counts_set(actor=None, activity=named, counts={Group.WOMEN: 3})
    with pytest.raises(ApplicationError):
        services.counts_set(actor=None, activity=clinic, counts={Group.WOMEN: -1})


def test_dates_and_amounts_are_checked(make_activity: MakeActivity) -> None:
    with pytest.raises(ApplicationError):
        make_activity(end=at(dt.date(2014, 5, 1)))
    with pytest.raises(ApplicationError):
        make_activity(spending=Decimal(-1))


def test_scope_of_activities_and_of_the_names_on_their_sheets(
    make_activity: MakeActivity,
    make_person: Any,
    tree: Tree,
    village_director: User,
    township_chair: User,
    far_village: OrgUnit,
    county_admin: User,
) -> None:
    county_training = make_activity()  # held in the director's village
    elsewhere = make_activity("别处的活动", place=far_village)
    mine = make_person("王芳")
    theirs = make_person("李娟", residence=far_village)
    for person in (mine, theirs):
        services.attendance_add(actor=None, activity=county_training, person=person, day=MAY_6)
    assert list(selectors.activity_list(village_director)) == [county_training]
    with pytest.raises(Http404):
        selectors.activity_get(village_director, elsewhere.pk)
    sheet = selectors.attendance_list(village_director, county_training)
    assert [a.person.name for a in sheet] == ["王芳"]
    assert selectors.participation(county_training).people == 2
    # The village keeps the sheet of what was held there, but the activity is the county's.
    services.attendance_add(
        actor=village_director, activity=county_training, person=mine, day=MAY_7
    )
    with pytest.raises(PermissionDenied):
        services.activity_update(
            actor=village_director, activity=county_training, version=1, title="x"
        )
    # … and naming someone needs sight of her.
    with pytest.raises(Http404):
        services.attendance_add(
            actor=township_chair,
            activity=make_activity(owner=tree.townships[0]),
            person=theirs,
            day=MAY_6,
        )


def test_a_stale_edit_is_refused(make_activity: MakeActivity, county_admin: User) -> None:
    activity = make_activity()
    services.activity_update(
        actor=county_admin, activity=activity, version=1, outcome="激发了创业热情"
    )
    with pytest.raises(ApplicationError) as caught:
        services.activity_update(actor=county_admin, activity=activity, version=1, title="改名")
    assert caught.value.code == "edit_conflict"
