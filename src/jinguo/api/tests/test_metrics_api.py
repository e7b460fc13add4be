"""The metrics API: the catalogue, and figures of a unit in scope for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.activities import services as activity_services
from jinguo.activities.choices import ActivityKind
from jinguo.metrics import registry
from jinguo.orgunits.models import OrgUnit
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

KEY = "activities.count"
RATE = "units.home_coverage"


def activity(place: OrgUnit, day: dt.date) -> None:
    activity_services.activity_record(
        actor=None,
        owner=place,
        kind=ActivityKind.TALK,
        title="宣讲",
        start=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        place=place,
    )


@pytest.fixture
def talks(tree: Tree) -> None:
    activity(tree.village(0, 0), dt.date(2014, 5, 6))
    activity(tree.village(0, 1), dt.date(2014, 3, 8))
    activity(tree.village(1, 0), dt.date(2014, 5, 6))
    activity(tree.village(0, 0), dt.date(2013, 5, 6))


def test_the_catalogue_lists_every_metric_in_two_languages(
    county_admin: User, as_user: Any
) -> None:
    response = as_user(county_admin).get("/metrics")

    assert response.status_code == 200
    body = response.json()
    assert [item["key"] for item in body] == list(registry.METRICS)
    count = next(item for item in body if item["key"] == KEY)
    assert count["kind"] == "count"
    assert count["area"] == "development"
    assert count["headline"] is True
    assert count["label_en"] == "Activities held"
    assert count["label"]
    assert count["definition_en"].startswith("Activities of every kind.")
    rate = next(item for item in body if item["key"] == RATE)
    assert rate["kind"] == "rate"
    assert rate["numerator"] in registry.METRICS
    assert rate["denominator"] in registry.METRICS


def test_figures_of_a_unit_for_a_period(
    tree: Tree, township_chair: User, as_user: Any, talks: None
) -> None:
    township = tree.townships[0]

    response = as_user(township_chair).get(
        "/metrics/figures", keys=f"{KEY},{RATE}", unit=township.pk, period="2014"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"id": township.pk, "code": township.code, "name": township.name}
    assert body["period"] == {
        "key": "2014",
        "label": body["period"]["label"],
        "first_day": "2014-01-01",
        "last_day": "2014-12-31",
    }
    figures = {item["key"]: item for item in body["figures"]}
    assert list(figures) == [KEY, RATE]
    assert figures[KEY]["value"] == "2"
    assert figures[KEY]["text"] == "2"
    assert figures[KEY]["label_en"] == "Activities held"
    link = urlsplit(figures[KEY]["url"])
    assert link.path == reverse("figure", args=[KEY])
    assert parse_qs(link.query) == {"unit": [str(township.pk)], "period": ["2014"]}


def test_the_unit_defaults_to_her_own_and_the_period_to_this_year(
    tree: Tree, township_chair: User, as_user: Any
) -> None:
    body = as_user(township_chair).get("/metrics/figures", keys=KEY).json()

    assert body["unit"]["id"] == tree.townships[0].pk
    assert body["period"]["key"] == str(timezone.localdate().year)


def test_a_unit_out_of_scope_is_not_found(
    tree: Tree, township_chair: User, as_user: Any, talks: None
) -> None:
    api = as_user(township_chair)

    for unit in (tree.townships[1], tree.county):
        response = api.get("/metrics/figures", keys=KEY, unit=unit.pk, period="2014")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"keys": "no.such"}, "metric_unknown", "metric"),
        ({"keys": " , "}, "keys_missing", "keys"),
        ({"keys": KEY, "period": "2014Q5"}, "period_invalid", "period"),
        ({"keys": KEY, "about": "programme"}, "about_invalid", "about"),
        ({"keys": KEY, "about": "donor:3"}, "about_unknown", "about"),
    ],
)
def test_a_bad_request_is_refused_in_both_languages(
    county_admin: User, as_user: Any, params: dict[str, str], code: str, field: str
) -> None:
    response = as_user(county_admin).get("/metrics/figures", **params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["message"]
    assert body["message_en"]


def test_anonymous_scripts_are_turned_away(as_user: Any) -> None:
    assert as_user(None).get("/metrics").status_code == 401
    assert as_user(None).get("/metrics/figures", keys=KEY).status_code == 401
