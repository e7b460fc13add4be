"""Volunteers and their hours, pairings and their cadence, village needs and their due dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.activities import selectors, services
from jinguo.activities.choices import (
    ContactKind,
    HelpKind,
    NeedCategory,
    NeedStatus,
    PairingKind,
    TeamFocus,
    VolunteerRole,
)
from jinguo.activities.models import VolunteerTeam
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.testing import OPENED, Tree

pytestmark = pytest.mark.django_db
D = dt.date


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


def test_only_a_volunteer_team_unit_gets_a_team_profile(tree: Tree) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.team_profile_set(actor=None, unit=tree.village(0, 0), focus=TeamFocus.AID)
    assert caught.value.code == "not_a_team"


def test_hours_per_volunteer_within_a_period(
    team: VolunteerTeam, make_person: Any, county_admin: User
) -> None:
    leader = services.volunteer_add(
        actor=county_admin,
        team=team,
        person=make_person("王律师"),
        start=D(2014, 1, 1),
        role=VolunteerRole.LEADER,
    )
    member = services.volunteer_add(
        actor=county_admin, team=team, person=make_person("李娟"), start=D(2014, 3, 1)
    )
    services.service_record(
        actor=None, volunteer=leader, on=D(2014, 3, 8), hours=Decimal("3.5"), description="法律咨询"
    )
    services.service_record(
        actor=None, volunteer=leader, on=D(2014, 6, 26), hours=Decimal(4), description="禁毒日宣传"
    )
    services.service_record(
        actor=None, volunteer=member, on=D(2014, 3, 8), hours=Decimal(2), description="发放资料"
    )
    hours = {
        row.volunteer.person.name: (row.hours, row.records)
        for row in selectors.volunteer_hours(county_admin, team=team)
    }
    assert hours == {"王律师": (Decimal("7.5"), 2), "李娟": (Decimal(2), 1)}
    march = selectors.volunteer_hours(county_admin, start=D(2014, 3, 1), end=D(2014, 3, 31))
    assert {row.volunteer.person.name: row.hours for row in march} == {
        "王律师": Decimal("3.5"),
        "李娟": Decimal(2),
    }
    assert selectors.team_list(county_admin).get().members == 2  # type: ignore[attr-defined]


def test_hours_are_checked(team: VolunteerTeam, make_person: Any) -> None:
    volunteer = services.volunteer_add(
        actor=None, team=team, person=make_person(), start=D(2014, 3, 1)
    )
    for on, hours in ((D(2014, 3, 8), Decimal(0)), (D(2014, 2, 1), Decimal(2))):
        with pytest.raises(ApplicationError):
            services.service_record(
                actor=None, volunteer=volunteer, on=on, hours=hours, description="x"
            )
    services.service_record(
        actor=None, volunteer=volunteer, on=D(2014, 3, 8), hours=Decimal(20), description="x"
    )
    with pytest.raises(ApplicationError) as caught:
        services.service_record(
            actor=None, volunteer=volunteer, on=D(2014, 3, 8), hours=Decimal(5), description="y"
        )
    assert caught.value.code == "invalid_hours"


def test_a_person_joins_a_team_once_at_a_time(team: VolunteerTeam, make_person: Any) -> None:
    person = make_person()
    first = services.volunteer_add(actor=None, team=team, person=person, start=D(2013, 1, 1))
    with pytest.raises(ApplicationError):
        services.volunteer_add(actor=None, team=team, person=person, start=D(2014, 1, 1))
    services.volunteer_end(actor=None, volunteer=first, on=D(2013, 12, 31))
    assert services.volunteer_add(actor=None, team=team, person=person, start=D(2014, 1, 1)).pk


def test_a_caring_mother_pairing_is_overdue_without_a_monthly_call(
    make_person: Any, township_chair: User, county_admin: User
) -> None:
    mother = make_person("王芳")
    child = make_person("张小明", birth_date=D(2006, 5, 1), sex="M")
    pairing = services.pairing_create(
        actor=township_chair,
        kind=PairingKind.CARING_MOTHER,
        start=D(2014, 1, 1),
        helper_person=mother,
        helped_person=child,
    )
    assert (pairing.call_every_days, pairing.visit_every_days) == (31, 92)
    assert selectors.overdue_pairings(county_admin, on=D(2014, 2, 1)) == []  # due on 1 February
    late = selectors.overdue_pairings(county_admin, on=D(2014, 2, 2))
    assert [(o.pairing, o.call_due, o.visit_due) for o in late] == [(pairing, D(2014, 2, 1), None)]
    services.contact_record(
        actor=township_chair, pairing=pairing, on=D(2014, 2, 5), kind=ContactKind.CALL
    )
    assert selectors.overdue_pairings(county_admin, on=D(2014, 3, 1)) == []
    # No visit since the start: a quarter later it is late, however many calls there were.
    services.contact_record(actor=None, pairing=pairing, on=D(2014, 3, 5), kind=ContactKind.CALL)
    late = selectors.overdue_pairings(county_admin, on=D(2014, 4, 4))
    assert [(o.call_due, o.visit_due) for o in late] == [(None, D(2014, 4, 3))]
    services.contact_record(actor=None, pairing=pairing, on=D(2014, 4, 4), kind=ContactKind.VISIT)
    services.pairing_end(actor=None, pairing=pairing, on=D(2014, 6, 30))
    assert selectors.overdue_pairings(county_admin, on=D(2014, 12, 1)) == []


def test_help_given_needs_its_kind(make_person: Any) -> None:
    pairing = services.pairing_create(
        actor=None,
        kind=PairingKind.CARING_MOTHER,
        start=D(2014, 1, 1),
        helper_person=make_person("王芳"),
        helped_person=make_person("张小明", sex="M"),
    )
    with pytest.raises(ApplicationError):
        services.contact_record(
            actor=None, pairing=pairing, on=D(2014, 2, 1), kind=ContactKind.HELP
        )
    contact = services.contact_record(
        actor=None,
        pairing=pairing,
        on=D(2014, 2, 1),
        kind=ContactKind.HELP,
        help_kind=HelpKind.SCHOOL_COSTS,
        value=Decimal(500),
    )
    assert contact.value == Decimal(500)
    with pytest.raises(ApplicationError):
        services.contact_record(
            actor=None, pairing=pairing, on=D(2013, 12, 1), kind=ContactKind.CALL
        )


def test_a_post_village_pairing_joins_a_civilised_post_and_a_village(
    tree: Tree, make_person: Any, county_admin: User
) -> None:
    post = orgunit_create(
        actor=None,
        parent=tree.county,
        name="国税局服务大厅",
        kind=Kind.CIVILISED_POST,
        opened_on=OPENED,
    )
    with pytest.raises(ApplicationError) as caught:
        services.pairing_create(
            actor=None,
            kind=PairingKind.POST_VILLAGE,
            start=D(2014, 1, 1),
            helper_unit=tree.townships[0],
            helped_unit=tree.village(0, 0),
        )
    assert caught.value.code == "pairing_sides"
    pairing = services.pairing_create(
        actor=county_admin,
        kind=PairingKind.POST_VILLAGE,
        start=D(2014, 1, 1),
        helper_unit=post,
        helped_unit=tree.village(0, 0),
    )
    assert (pairing.unit, pairing.call_every_days, pairing.visit_every_days) == (
        tree.village(0, 0),
        None,
        92,
    )


def test_pairings_are_scoped_by_the_village_of_whoever_is_helped(
    make_person: Any, far_village: OrgUnit, village_director: User
) -> None:
    services.pairing_create(
        actor=None,
        kind=PairingKind.EMPTY_NEST,
        start=D(2014, 1, 1),
        helper_person=make_person("志愿者"),
        helped_person=make_person("李奶奶", residence=far_village),
    )
    assert not selectors.pairing_list(village_director).exists()
    assert selectors.overdue_pairings(village_director, on=D(2015, 1, 1)) == []


def test_needs_surface_when_overdue_and_resolving_says_how(
    tree: Tree, county_admin: User, village_director: User, other_chair: User
) -> None:
    village = tree.village(0, 0)
    visit = services.village_visit_record(
        actor=county_admin,
        village=village,
        on=D(2014, 4, 10),
        visitors="旗妇联工作队",
        notes="召开村两委班子会议",
    )
    power = services.need_record(
        actor=county_admin,
        village=village,
        visit=visit,
        title="低压线路改造",
        category=NeedCategory.POWER,
        raised_on=D(2014, 4, 10),
        responsible="旗电业局",
        due_on=D(2014, 10, 31),
    )
    drums = services.need_record(
        actor=county_admin,
        village=village,
        title="秧歌队锣鼓镲",
        category=NeedCategory.CULTURE,
        raised_on=D(2014, 4, 10),
        due_on=D(2014, 6, 30),
    )
    assert list(selectors.overdue_needs(county_admin, on=D(2014, 7, 1))) == [drums]
    with pytest.raises(ApplicationError) as caught:
        services.need_update(actor=county_admin, need=drums, version=1, status=NeedStatus.RESOLVED)
    assert caught.value.code == "resolution_required"
    services.need_update(
        actor=village_director,
        need=drums,
        version=1,
        status=NeedStatus.RESOLVED,
        resolution="用品已到位",
        resolved_on=D(2014, 6, 20),
    )
    assert list(selectors.overdue_needs(county_admin, on=D(2014, 11, 1))) == [power]
    assert list(selectors.overdue_needs(village_director, on=D(2014, 11, 1))) == [power]
    assert not selectors.overdue_needs(other_chair, on=D(2014, 11, 1)).exists()
    with pytest.raises(Http404):
        selectors.need_get(other_chair, power.pk)
    with pytest.raises(ApplicationError):
        services.need_record(
            actor=None,
            village=village,
            title="x",
            category=NeedCategory.OTHER,
            raised_on=D(2014, 4, 10),
            due_on=D(2014, 4, 1),
        )
