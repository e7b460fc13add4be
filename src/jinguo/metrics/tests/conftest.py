"""Metric fixtures: the test banner, people in its villages, and records written straight
to the tables (the engine must count whatever reaches them, however it got there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jinguo.activities.choices import ActivityKind, Group
from jinguo.activities.models import Activity, Attendance, ParticipantCount
from jinguo.orgunits.models import OrgUnit
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures shared with the people tests
    MakePerson,
    far_village,
    make_person,
    neighbour_village,
    village,
)

MakeActivity = Callable[..., Activity]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))  # noqa: DTZ001


@pytest.fixture
def make_activity() -> MakeActivity:
    def make(
        unit: OrgUnit,
        day: dt.date,
        *,
        kind: str = ActivityKind.TRAINING,
        counted: int = 0,
        people: tuple[Any, ...] = (),
        place: OrgUnit | None = None,
    ) -> Activity:
        activity = Activity.objects.create(
            kind=kind,
            title=f"{kind} {day}",
            start=at(day),
            owner=unit,
            place=place,
            headcount="counts" if counted else "attendance",
        )
        if counted:
            ParticipantCount.objects.create(activity=activity, group=Group.WOMEN, count=counted)
        for person in people:
            Attendance.objects.create(activity=activity, person=person, day=day, source="staff")
        return activity

    return make
