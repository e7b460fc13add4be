"""Activity fixtures: the banner of `jinguo.testing`, people in its villages, one activity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.activities import services
from jinguo.activities.choices import ActivityKind
from jinguo.activities.models import Activity
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures shared with the people tests
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.testing import Tree

MakeActivity = Callable[..., Activity]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def make_activity(tree: Tree) -> MakeActivity:
    def make(title: str = "十字绣培训", **fields: Any) -> Activity:
        values: dict[str, Any] = {
            "owner": tree.county,
            "kind": ActivityKind.TRAINING,
            "start": at(dt.date(2014, 5, 6)),
            "end": at(dt.date(2014, 5, 8), 17),
            "place": tree.village(0, 0),
        }
        values.update(fields)
        actor: User | None = values.pop("actor", None)
        return services.activity_record(actor=actor, title=title, **values)

    return make
