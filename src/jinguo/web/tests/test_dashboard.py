"""The dashboard (统计看板), the drill-down behind each figure, its exports, and targets.

A small banner (two townships of two villages) with a few activities: the figures are the
engine's, so these tests check what the pages make of them — the right unit and period, the
scope, the links, the records listed and exported, targets and attainment.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.activities import services as activity_services
from jinguo.activities.choices import ActivityKind
from jinguo.activities.models import Activity
from jinguo.audit.models import AuditEntry
from jinguo.metrics.models import Target
from jinguo.metrics.services import target_set
from jinguo.orgunits.models import OrgUnit
from jinguo.testing import Tree
from jinguo.web.views.dashboard import figure_url

pytestmark = pytest.mark.django_db

KEY = "activities.count"
RATE = "units.home_coverage"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def activity(place: OrgUnit, day: dt.date, title: str) -> Activity:
    return activity_services.activity_record(
        actor=None,
        owner=place,
        kind=ActivityKind.TALK,
        title=title,
        start=at(day),
        place=place,
    )


@pytest.fixture
def activities(tree: Tree) -> dict[str, Activity]:
    """2014: three in township 1 (two in 村1-1, one in 村1-2), one in township 2, and one in
    村1-1 in December; 2013: one in 村1-1."""
    return {
        "may": activity(tree.village(0, 0), dt.date(2014, 5, 6), "五月宣讲"),
        "may_again": activity(tree.village(0, 0), dt.date(2014, 5, 20), "五月再讲"),
        "march": activity(tree.village(0, 1), dt.date(2014, 3, 8), "三八座谈"),
        "other": activity(tree.village(1, 0), dt.date(2014, 5, 6), "邻镇宣讲"),
        "december": activity(tree.village(0, 0), dt.date(2014, 12, 1), "年终总结"),
        "last_year": activity(tree.village(0, 0), dt.date(2013, 6, 1), "去年宣讲"),
    }


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def dashboard(client: Client, **params: Any) -> Any:
    return client.get(reverse("dashboard"), params)


def page_text(response: Any) -> str:
    return str(response.content.decode())


def chart_data(response: Any, element_id: str) -> Any:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', page_text(response)
    )
    assert match, f"no {element_id} on the page"
    return json.loads(match.group(1))


# --- the dashboard --------------------------------------------------------------------------------


def test_the_county_sees_its_key_figures_for_a_year_beside_the_year_before(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period="2014")

    assert response.status_code == 200
    cards = {card.figure.key: card for _area, cards in response.context["areas"] for card in cards}
    assert cards[KEY].figure.value == 5
    assert cards[KEY].previous.value == 1
    assert cards[KEY].change_text == "+4"
    assert cards[KEY].target is None
    # Every key figure is on the page, each a link to its drill-down.
    html = page_text(response)
    for key, card in cards.items():
        assert f'id="kpi-{key}"' in html
        assert card.url == figure_url(key, tree.county, response.context["period"])
    assert (
        f'href="{figure_url(KEY, tree.county, response.context["period"])}"'.replace("&", "&amp;")
        in html
    )


def test_key_figures_are_grouped_by_work_area_in_the_catalogue_order(
    client: Client, tree: Tree, county_admin: User
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period="2014")

    areas = [str(area) for area, _cards in response.context["areas"]]
    assert areas == ["prosperity", "livelihood", "development", "organisation"]
    for _area, cards in response.context["areas"]:
        assert all(card.figure.metric.headline for card in cards)


def test_the_months_and_the_units_below_are_charted_with_links_to_their_records(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period="2014")

    trend = chart_data(response, "trend-data")
    assert trend["categories"][0] == "2014-01"
    assert len(trend["categories"]) == 12
    series = next(s for s in trend["series"] if s["key"] == KEY)
    assert series["values"][2] == 1  # March
    assert series["values"][4] == 3  # May
    assert sum(series["values"]) == 5
    assert parse_qs(urlsplit(series["urls"][4]).query) == {
        "unit": [str(tree.county.pk)],
        "period": ["2014-05"],
    }

    compare = chart_data(response, "compare-data")
    assert compare["categories"] == [township.name for township in tree.townships]
    series = next(s for s in compare["series"] if s["key"] == KEY)
    assert series["values"] == [4, 1]
    assert f"unit={tree.townships[1].pk}" in series["urls"][1]
    # The table under the chart says the same without JavaScript.
    assert 'id="compare-table"' in page_text(response)


def test_a_township_compares_its_villages(
    client: Client, tree: Tree, township_chair: User, activities: dict[str, Activity]
) -> None:
    response = dashboard(signed_in(client, township_chair), period="2014")

    assert response.context["unit"] == tree.townships[0]
    compare = chart_data(response, "compare-data")
    assert compare["categories"] == ["村1-1", "村1-2"]
    assert next(s for s in compare["series"] if s["key"] == KEY)["values"] == [3, 1]


def test_reporting_lists_the_villages_that_recorded_nothing_in_the_last_month_of_a_past_year(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period="2014")

    silence = response.context["silence"]
    assert silence["month"].key == "2014-12"
    assert silence["places"] == 4
    assert silence["count"] == 3
    assert [place.name for place, _parent in silence["listed"]] == ["村1-2", "村2-1", "村2-2"]
    assert 'id="silent-count">3<' in page_text(response)


def test_without_parameters_the_dashboard_opens_on_her_unit_and_this_year(
    client: Client, tree: Tree, village_director: User
) -> None:
    response = dashboard(signed_in(client, village_director))

    assert response.status_code == 200
    assert response.context["unit"] == tree.village(0, 0)
    assert response.context["period"].key == str(timezone.localdate().year)
    # A village has no areas below it to compare.
    assert response.context["comparison"] is None


def test_the_period_form_leads_to_the_period_key(
    client: Client, tree: Tree, county_admin: User
) -> None:
    response = dashboard(
        signed_in(client, county_admin), unit=tree.county.pk, year="2014", part="Q2"
    )

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "unit": [str(tree.county.pk)],
        "period": ["2014Q2"],
    }


@pytest.mark.parametrize("key", ["2014A", "2014H2", "2014Q3", "2014-03", "2014-03-08~2014-05-31"])
def test_every_kind_of_period_can_be_shown(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity], key: str
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period=key)

    assert response.status_code == 200
    assert response.context["period"].key == key
    assert (response.context["trend"] is None) == (key == "2014-03")


def test_a_period_that_is_not_one_is_explained_and_this_year_shown(
    client: Client, tree: Tree, county_admin: User
) -> None:
    response = dashboard(signed_in(client, county_admin), unit=tree.county.pk, period="2014Q5")

    assert response.status_code == 200
    assert "2014Q5" in response.context["period_error"]
    assert response.context["period"].key == str(timezone.localdate().year)


def test_a_sibling_unit_is_not_found(client: Client, tree: Tree, township_chair: User) -> None:
    client = signed_in(client, township_chair)

    assert dashboard(client, unit=tree.townships[1].pk).status_code == 404
    assert dashboard(client, unit=tree.county.pk).status_code == 404
    assert dashboard(client, unit="x").status_code == 404


def test_someone_with_no_role_is_told_so(client: Client, tree: Tree) -> None:
    from jinguo.testing import make_user

    response = dashboard(signed_in(client, make_user("nobody")))

    assert response.status_code == 200
    assert response.context["unit"] is None


def test_the_navigation_leads_to_the_dashboard(client: Client, county_admin: User) -> None:
    response = signed_in(client, county_admin).get(reverse("home"))

    assert f'href="{reverse("dashboard")}"' in page_text(response)


# --- the drill-down -------------------------------------------------------------------------------


def figure_page(client: Client, key: str, **params: Any) -> Any:
    return client.get(reverse("figure", args=[key]), params)


def test_a_figure_states_its_definition_and_lists_its_records(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    response = figure_page(signed_in(client, county_admin), KEY, unit=tree.county.pk, period="2014")

    assert response.status_code == 200
    assert response.context["figure"].value == 5
    assert response.context["definition"]
    assert response.context["page"].paginator.count == 5
    titles = {row[1][1] for row in response.context["rows"]}
    assert titles == {"五月宣讲", "五月再讲", "三八座谈", "邻镇宣讲", "年终总结"}
    html = page_text(response)
    assert 'id="figure-definition"' in html
    assert re.search(r'<td data-label="[^"]+">年终总结</td>', html)
    # Days are written as the statistics forms write them.
    assert re.search(r'<td data-label="[^"]+">2014-12-01 09:00</td>', html)


def test_the_drill_down_lists_only_records_in_the_readers_scope(
    client: Client, tree: Tree, township_chair: User, activities: dict[str, Activity]
) -> None:
    client = signed_in(client, township_chair)

    response = figure_page(client, KEY, unit=tree.townships[0].pk, period="2014")

    titles = {row[1][1] for row in response.context["rows"]}
    assert titles == {"五月宣讲", "五月再讲", "三八座谈", "年终总结"}
    assert "邻镇宣讲" not in page_text(response)
    # The other township, and the county above her, are out of sight.
    assert figure_page(client, KEY, unit=tree.townships[1].pk, period="2014").status_code == 404
    assert figure_page(client, KEY, unit=tree.county.pk, period="2014").status_code == 404


def test_a_month_of_the_chart_drills_down_to_that_month(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    response = figure_page(
        signed_in(client, county_admin), KEY, unit=tree.county.pk, period="2014-05"
    )

    assert {row[1][1] for row in response.context["rows"]} == {"五月宣讲", "五月再讲", "邻镇宣讲"}


def test_the_records_are_paginated(
    client: Client, tree: Tree, county_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jinguo.web.views.dashboard.PAGE_SIZE", 2)
    for day in range(1, 6):
        activity(tree.village(0, 0), dt.date(2014, 7, day), f"七月{day}日")
    client = signed_in(client, county_admin)

    first = figure_page(client, KEY, unit=tree.county.pk, period="2014")
    last = figure_page(client, KEY, unit=tree.county.pk, period="2014", page=3)

    assert first.context["page"].paginator.num_pages == 3
    assert [row[1][1] for row in first.context["rows"]] == ["七月5日", "七月4日"]
    assert [row[1][1] for row in last.context["rows"]] == ["七月1日"]
    assert f"unit={tree.county.pk}&amp;period=2014&amp;page=2" in page_text(first)


def test_a_rate_shows_its_two_parts(client: Client, tree: Tree, county_admin: User) -> None:
    response = figure_page(
        signed_in(client, county_admin), RATE, unit=tree.county.pk, period="2014"
    )

    assert response.status_code == 200
    assert len(response.context["rate_parts"]) == 2


def test_an_unknown_metric_is_not_found(client: Client, tree: Tree, county_admin: User) -> None:
    response = figure_page(signed_in(client, county_admin), "no.such", unit=tree.county.pk)

    assert response.status_code == 404


def test_a_narrowing_is_checked(client: Client, tree: Tree, county_admin: User) -> None:
    client = signed_in(client, county_admin)

    malformed = figure_page(client, KEY, unit=tree.county.pk, period="2014", about="programme")
    unknown = figure_page(client, KEY, unit=tree.county.pk, period="2014", about="donor:1")
    missing = figure_page(client, KEY, unit=tree.county.pk, period="2014", about="programme:999")

    assert malformed.status_code == 404
    assert unknown.status_code == 400
    assert "figure-problem" in page_text(unknown)
    assert missing.status_code == 404


def test_a_figure_narrowed_to_a_programme_counts_its_activities_only(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    from jinguo.programmes.services import programme_create

    programme = programme_create(
        actor=None,
        owner=tree.county,
        name="巾帼宣讲",
        work_area="development",
        kind="service",
        start=dt.date(2014, 1, 1),
    )
    activity_services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.TALK,
        title="项目宣讲",
        start=at(dt.date(2014, 9, 1)),
        place=tree.village(1, 1),
        programme=programme,
    )

    client = signed_in(client, county_admin)
    about = f"programme:{programme.pk}"

    response = figure_page(client, KEY, unit=tree.county.pk, period="2014", about=about)

    assert response.status_code == 200
    assert response.context["figure"].value == 1
    assert [row[1][1] for row in response.context["rows"]] == ["项目宣讲"]
    assert "巾帼宣讲" in page_text(response)
    # The exports carry the narrowing; a figure of records no programme runs is refused.
    csv_file = export(client, "csv", tree.county, about=about)
    assert b"".join(csv_file.streaming_content).decode("utf-8").count("\r\n") == 2
    refused = figure_page(client, RATE, unit=tree.county.pk, period="2014", about=about)
    assert refused.status_code == 400


# --- exports --------------------------------------------------------------------------------------


def export(client: Client, fmt: str, unit: OrgUnit, period: str = "2014", about: str = "") -> Any:
    params: dict[str, Any] = {"unit": unit.pk, "period": period, "fmt": fmt}
    if about:
        params["about"] = about
    return client.get(reverse("figure_export", args=[KEY]), params)


def test_the_records_export_to_xlsx(
    client: Client, tree: Tree, township_chair: User, activities: dict[str, Activity]
) -> None:
    response = export(signed_in(client, township_chair), "xlsx", tree.townships[0])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + 4
    assert {row[1] for row in rows[1:]} == {"五月宣讲", "五月再讲", "三八座谈", "年终总结"}


def test_the_records_export_to_csv(
    client: Client, tree: Tree, township_chair: User, activities: dict[str, Activity]
) -> None:
    response = export(signed_in(client, township_chair), "csv", tree.townships[0])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 1 + 4
    assert "邻镇宣讲" not in text


def test_an_export_out_of_scope_or_of_an_unknown_format_is_not_found(
    client: Client, tree: Tree, township_chair: User
) -> None:
    client = signed_in(client, township_chair)

    assert export(client, "csv", tree.townships[1]).status_code == 404
    assert export(client, "pdf", tree.townships[0]).status_code == 404


# --- targets --------------------------------------------------------------------------------------


def test_the_county_sets_targets_and_the_dashboard_shows_attainment(
    client: Client, tree: Tree, county_admin: User, activities: dict[str, Activity]
) -> None:
    client = signed_in(client, county_admin)
    url = reverse("dashboard_targets")

    form = client.get(url, {"unit": tree.county.pk, "year": 2014})
    assert form.status_code == 200
    response = client.post(url, {"unit": tree.county.pk, "year": 2014, KEY: "8"})

    assert response.status_code == 302
    assert Target.objects.get().value == 8
    assert AuditEntry.objects.filter(action="target.set").count() == 1
    dashboard_page = dashboard(client, unit=tree.county.pk, period="2014")
    card = next(
        card
        for _area, cards in dashboard_page.context["areas"]
        for card in cards
        if card.figure.key == KEY
    )
    assert card.target == 8
    assert card.attainment == Decimal("62.5")
    assert "62.5" in page_text(dashboard_page)


def test_a_refused_target_is_shown_on_its_field(
    client: Client, tree: Tree, county_admin: User
) -> None:
    client = signed_in(client, county_admin)

    response = client.post(
        reverse("dashboard_targets"), {"unit": tree.county.pk, "year": 2014, KEY: "2.5"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[KEY]
    assert not Target.objects.exists()


def test_an_empty_box_removes_a_target(client: Client, tree: Tree, county_admin: User) -> None:
    target_set(actor=county_admin, metric_key=KEY, unit=tree.county, year=2014, value=8)
    client = signed_in(client, county_admin)

    response = client.post(reverse("dashboard_targets"), {"unit": tree.county.pk, "year": 2014})

    assert response.status_code == 302
    assert not Target.objects.exists()


def test_a_township_chair_sees_targets_but_may_not_set_them(
    client: Client, tree: Tree, county_admin: User, township_chair: User
) -> None:
    township = tree.townships[0]
    target_set(actor=county_admin, metric_key=KEY, unit=township, year=2014, value=8)
    client = signed_in(client, township_chair)

    page = dashboard(client, unit=township.pk, period="2014")
    assert page.context["can_set_targets"] is False
    assert 'id="targets-link"' not in page_text(page)
    assert 'class="kpi-attainment"' in page_text(page)
    url = reverse("dashboard_targets")
    assert client.get(url, {"unit": township.pk}).status_code == 403
    assert client.post(url, {"unit": township.pk, "year": 2014, KEY: "1"}).status_code == 403
    assert client.get(url, {"unit": tree.townships[1].pk}).status_code == 404
    assert Target.objects.get().value == 8
