"""The statistical-table pages: the list, a table in the government layout whose figures open
their records and whose child areas open their own table, the checks under it with the failed
cells marked, and the .xlsx with the names to sign.

Who may reach the pages is tested in test_access_matrix; scope by the ``unit`` parameter here.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.activities.choices import ActivityKind
from jinguo.activities.models import Activity
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.reports import tables
from jinguo.reports.tables import MetricColumn, TableDef, TotalIsSum, UnitRows
from jinguo.testing import OPENED, Tree, make_user

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def url(name: str, key: str | None = None, **query: Any) -> str:
    path = reverse(name, args=[key] if key else [])
    return f"{path}?{urlencode(query)}" if query else path


def meeting(owner: OrgUnit, day: dt.date) -> Activity:
    return Activity.objects.create(
        kind=ActivityKind.MEETING,
        title="妇女议事会",
        start=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9)),  # noqa: DTZ001
        owner=owner,
    )


def test_the_list_offers_every_table_for_her_unit(
    tree: Tree, county_admin: User, client: Client
) -> None:
    response = signed_in(client, county_admin).get(url("tables", period="2014"))

    page = response.content.decode()
    assert response.status_code == 200
    for code in ("妇联统1表", "妇联统2表", "妇联统3表", "妇联统4表"):
        assert code in page
    assert (
        url("table", "organisation", unit=tree.county.pk, period="2014").replace("&", "&amp;")
        in page
    )
    assert reverse("tables") in page  # the navigation entry


def test_without_a_grant_the_list_says_so(client: Client) -> None:
    response = signed_in(client, make_user("nobody")).get(url("tables"))

    assert response.status_code == 200
    assert response.context["unit"] is None
    assert response.context["entries"][0]["url"] == ""


def test_a_table_links_each_figure_to_its_records_and_each_township_to_its_table(
    tree: Tree, county_admin: User, client: Client
) -> None:
    response = signed_in(client, county_admin).get(
        url("table", "organisation", unit=tree.county.pk, period="2014")
    )

    page = response.content.decode()
    township = tree.townships[0]
    assert response.status_code == 200
    assert "妇联统1表" in page
    figure = url("figure", "units.villages", unit=township.pk, period="2014")
    assert f'href="{figure.replace("&", "&amp;")}">2</a>' in page
    assert (
        url("table", "organisation", unit=township.pk, period="2014").replace("&", "&amp;") in page
    )
    assert 'id="rules"' in page
    assert "gov-failed" not in page
    assert response.context["grid"].ok


def test_a_township_table_lists_its_villages_and_leads_back_up(
    tree: Tree, county_admin: User, client: Client
) -> None:
    township = tree.townships[0]

    response = signed_in(client, county_admin).get(
        url("table", "volunteers", unit=township.pk, period="2014Q2")
    )

    grid = response.context["grid"]
    assert [row.label for row in grid.rows[:-1]] == ["村1-1", "村1-2"]
    assert response.context["up"] == url(
        "table", "volunteers", unit=tree.county.pk, period="2014Q2"
    )


def test_a_failed_check_marks_the_cell_and_says_by_how_much(
    tree: Tree, county_admin: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = TableDef(
        "meetings",
        "测试1表",
        "会议",  # type: ignore[arg-type]
        UnitRows(),
        (MetricColumn("activities.count"),),
        (TotalIsSum(),),
    )
    monkeypatch.setitem(tables.TABLES, "meetings", table)
    meeting(tree.village(0, 0), dt.date(2014, 3, 8))
    meeting(tree.county, dt.date(2014, 3, 8))  # on the banner itself: in no row below it

    response = signed_in(client, county_admin).get(
        url("table", "meetings", unit=tree.county.pk, period="2014")
    )

    page = response.content.decode()
    assert page.count("gov-failed") == 1
    assert response.context["grid"].failing == {("total", "activities.count")}
    assert "+1" in page
    assert 'class="badge badge-error" id="rules-verdict"' in page


def test_a_period_that_is_not_one_is_explained(
    tree: Tree, county_admin: User, client: Client
) -> None:
    client = signed_in(client, county_admin)

    page = client.get(url("table", "aid", unit=tree.county.pk, period="2014Q5"))
    download = client.get(url("table_xlsx", "aid", unit=tree.county.pk, period="2014Q5"))

    assert page.status_code == 200
    assert page.context["period_error"]
    assert 'aria-invalid="true"' in page.content.decode()
    assert download.status_code == 400


def test_the_xlsx_download_carries_the_names_to_sign(
    tree: Tree, county_admin: User, client: Client
) -> None:
    orgunit_create(
        actor=None,
        parent=tree.village(0, 0),
        name="妇女之家",
        kind=Kind.WOMENS_HOME,
        opened_on=OPENED,
    )

    response = signed_in(client, county_admin).get(
        url(
            "table_xlsx",
            "organisation",
            unit=tree.county.pk,
            period="2014",
            head="张主席",
            filler="王芳",
            on="2015-01-20",
        )
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    words = [str(value) for row in rows for value in row if value not in ("", None)]
    assert rows[0][0] == str(tables.get("organisation").title)
    assert any("妇联统1表" in word for word in words)
    assert any("张主席" in word and "王芳" in word and "2015" in word for word in words)
    assert rows[7][:7] == ["镇1", 2.0, 2.0, 0.0, 1.0, 1.0, 50.0]
    assert len(book.sheet_names) == 2


def test_units_out_of_scope_and_unknown_tables_are_not_found(
    tree: Tree, township_chair: User, client: Client
) -> None:
    client = signed_in(client, township_chair)

    assert client.get(url("table", "aid", unit=tree.townships[0].pk)).status_code == 200
    assert client.get(url("table", "aid", unit=tree.county.pk)).status_code == 404
    assert client.get(url("table", "aid", unit=tree.townships[1].pk)).status_code == 404
    assert client.get(url("table_xlsx", "aid", unit=tree.townships[1].pk)).status_code == 404
    assert client.get(url("table", "nothing", unit=tree.townships[0].pk)).status_code == 404
    assert client.get(url("table", "aid", unit="x")).status_code == 404


def test_without_a_unit_the_table_is_of_her_own(
    tree: Tree, township_chair: User, client: Client
) -> None:
    response = signed_in(client, township_chair).get(url("table", "activities"))

    assert response.status_code == 200
    assert response.context["unit"] == tree.townships[0]
    assert response.context["period"].key == str(timezone.localdate().year)
    assert response.context["up"] == ""  # the county is out of her sight
