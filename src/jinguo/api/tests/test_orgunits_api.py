"""The org-unit API: same services and scope rules as the pages, errors in two languages."""

from __future__ import annotations

import datetime as dt

import pytest

from jinguo.audit.models import AuditEntry
from jinguo.orgunits.models import OrgUnit, OrgUnitVersion
from jinguo.orgunits.services import orgunit_create
from jinguo.testing import Tree, build_tree

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int]:
    return OrgUnit.objects.count(), OrgUnitVersion.objects.count(), AuditEntry.objects.count()


def subtree_ids(unit: OrgUnit) -> set[int]:
    return set(OrgUnit.objects.subtree(unit).values_list("pk", flat=True))


# --- reading --------------------------------------------------------------------------------------


def test_list_shows_only_units_in_scope(tree: Tree, township_chair, as_user) -> None:
    build_tree(county_code="150526", townships=1, villages_per_township=1)

    response = as_user(township_chair).get("/orgunits/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {item["id"] for item in body["items"]} == subtree_ids(tree.townships[0])


def test_list_is_paginated_with_limit_and_offset(tree: Tree, county_admin, as_user) -> None:
    api = as_user(county_admin)

    first = api.get("/orgunits/", limit=2).json()
    rest = api.get("/orgunits/", limit=10, offset=2).json()

    assert first["count"] == rest["count"] == 7
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}


def test_list_filters_by_kind_and_search(tree: Tree, county_admin, as_user) -> None:
    api = as_user(county_admin)

    towns = api.get("/orgunits/", kind="town").json()
    found = api.get("/orgunits/", search="村2-").json()

    assert {i["name"] for i in towns["items"]} == {"镇1", "镇2"}
    assert {i["name"] for i in found["items"]} == {"村2-1", "村2-2"}


def test_get_returns_the_unit(tree: Tree, village_director, as_user) -> None:
    village = tree.village(0, 0)

    response = as_user(village_director).get(f"/orgunits/{village.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": village.pk,
        "code": "150525100201",
        "division_code": "150525100201",
        "name": "村1-1",
        "kind": "village",
        "parent_id": tree.townships[0].pk,
        "depth": 2,
        "county_code": "150525",
        "opened_on": "2000-01-01",
        "closed_on": None,
    }


def test_an_out_of_scope_unit_looks_exactly_like_a_missing_one(
    tree: Tree, village_director, as_user
) -> None:
    api = as_user(village_director)
    missing_id = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    out_of_scope = api.get(f"/orgunits/{tree.village(0, 1).pk}")
    missing = api.get(f"/orgunits/{missing_id}")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    assert out_of_scope.json() == {
        "code": "not_found",
        "field": None,
        "message": "未找到。",
        "message_en": "Not found.",
    }


def test_children_lists_the_units_directly_below(tree: Tree, township_chair, as_user) -> None:
    response = as_user(township_chair).get(f"/orgunits/{tree.townships[0].pk}/children")

    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["村1-1", "村1-2"]


def test_children_of_a_unit_out_of_scope_is_404(tree: Tree, township_chair, as_user) -> None:
    assert as_user(township_chair).get(f"/orgunits/{tree.county.pk}/children").status_code == 404


# --- creating -------------------------------------------------------------------------------------


def test_county_admin_creates_a_village(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).post(
        "/orgunits/",
        {
            "parent_id": tree.townships[1].pk,
            "name": "新村",
            "kind": "village",
            "code": "150525101203",
            "opened_on": "2015-01-01",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["parent_id"], body["opened_on"]) == (
        "150525101203",
        tree.townships[1].pk,
        "2015-01-01",
    )
    assert OrgUnit.objects.get(pk=body["id"]).name == "新村"


def test_an_organisation_gets_a_generated_code(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).post(
        "/orgunits/",
        {"parent_id": tree.village(0, 0).pk, "name": "妇女之家", "kind": "womens_home"},
    )

    assert response.status_code == 201
    assert response.json()["code"] == "150525100201H001"


def test_a_bad_code_is_400_in_chinese_and_english_and_nothing_is_written(
    tree: Tree, county_admin, as_user
) -> None:
    api = as_user(county_admin)
    before = written()

    response = api.post(
        "/orgunits/",
        {"parent_id": tree.townships[0].pk, "name": "新村", "kind": "village", "code": "1505"},
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_code", "code")
    assert body["message_en"].startswith("Code “1505” is not a valid division code for a Village")
    assert body["message"]
    assert "1505" in body["message"]
    assert written() == before


def test_township_chair_may_not_create_units(tree: Tree, township_chair, as_user) -> None:
    api = as_user(township_chair)
    before = written()

    response = api.post(
        "/orgunits/", {"parent_id": tree.village(0, 0).pk, "name": "之家", "kind": "womens_home"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["message_en"] == "You are not allowed to do this."
    assert written() == before


def test_creating_under_a_unit_of_another_county_is_404(tree: Tree, county_admin, as_user) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=1)
    api = as_user(county_admin)
    before = written()

    response = api.post(
        "/orgunits/", {"parent_id": other.village(0, 0).pk, "name": "之家", "kind": "womens_home"}
    )

    assert response.status_code == 404
    assert written() == before


def test_a_malformed_request_is_422_listing_the_fields(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).post(
        "/orgunits/", {"parent_id": "not a number", "name": "", "kind": "palace"}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message_en"] == "The request is not valid; see the fields below."
    assert body["message"] == "请求内容有误,请检查以下字段。"
    where = {error["where"] for error in body["errors"]}
    assert where == {"body.payload.parent_id", "body.payload.name", "body.payload.kind"}
    assert all(error["problem"] for error in body["errors"])


def test_a_malformed_unit_id_in_the_path_is_422(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).get("/orgunits/abc")

    assert response.status_code == 422
    assert response.json()["errors"][0]["where"] == "path.unit_id"


# --- changing -------------------------------------------------------------------------------------


def test_patch_renames_a_unit(tree: Tree, county_admin, as_user) -> None:
    village = tree.village(0, 0)

    response = as_user(county_admin).patch(
        f"/orgunits/{village.pk}", {"name": "幸福村", "on": "2015-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["name"] == "幸福村"
    assert list(village.versions.values_list("name", flat=True).order_by("valid_from")) == [
        "村1-1",
        "幸福村",
    ]


def test_patch_moves_a_unit(tree: Tree, county_admin, as_user) -> None:
    village = tree.village(0, 0)

    response = as_user(county_admin).patch(
        f"/orgunits/{village.pk}", {"parent_id": tree.townships[1].pk, "on": "2015-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["parent_id"] == tree.townships[1].pk
    assert OrgUnit.objects.get(pk=village.pk).path.startswith(tree.townships[1].path)


def test_patch_moves_and_renames_together_or_not_at_all(tree: Tree, county_admin, as_user) -> None:
    village = tree.village(0, 0)
    api = as_user(county_admin)
    before = written()

    response = api.patch(
        f"/orgunits/{village.pk}",
        {"parent_id": tree.townships[1].pk, "name": "村2-1", "on": "2015-01-01"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_name"
    assert OrgUnit.objects.get(pk=village.pk).parent_id == tree.townships[0].pk
    assert written() == before


def test_patch_refuses_a_cycle(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).patch(
        f"/orgunits/{tree.townships[0].pk}", {"parent_id": tree.village(0, 0).pk}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "cycle"


def test_patch_by_a_role_without_manage_units_is_403(tree: Tree, township_chair, as_user) -> None:
    village = tree.village(0, 0)

    response = as_user(township_chair).patch(f"/orgunits/{village.pk}", {"name": "幸福村"})

    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=village.pk).name == "村1-1"


def test_close_closes_a_unit(tree: Tree, county_admin, as_user) -> None:
    village = tree.village(1, 1)

    response = as_user(county_admin).post(f"/orgunits/{village.pk}/close", {"on": "2015-01-01"})

    assert response.status_code == 200
    assert response.json()["closed_on"] == "2015-01-01"


def test_close_with_open_children_is_400(tree: Tree, county_admin, as_user) -> None:
    response = as_user(county_admin).post(f"/orgunits/{tree.townships[0].pk}/close", {})

    assert response.status_code == 400
    assert response.json()["code"] == "open_children"
    assert OrgUnit.objects.get(pk=tree.townships[0].pk).closed_on is None


def test_close_out_of_scope_is_404(tree: Tree, county_admin, as_user) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=1)
    home = orgunit_create(actor=None, parent=other.village(0, 0), name="之家", kind="womens_home")

    response = as_user(county_admin).post(f"/orgunits/{home.pk}/close", {})

    assert response.status_code == 404
    assert OrgUnit.objects.get(pk=home.pk).closed_on is None


def test_merge_moves_the_villages_and_closes_the_township(tree: Tree, county_admin, as_user):
    source, target = tree.townships
    villages = list(source.children.all())

    response = as_user(county_admin).post(
        f"/orgunits/{source.pk}/merge", {"target_id": target.pk, "on": "2016-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["id"] == target.pk
    assert OrgUnit.objects.get(pk=source.pk).closed_on == dt.date(2016, 1, 1)
    assert {v.parent_id for v in OrgUnit.objects.filter(pk__in=[v.pk for v in villages])} == {
        target.pk
    }


def test_merge_into_a_unit_inside_it_is_400_and_changes_nothing(tree: Tree, county_admin, as_user):
    township = tree.townships[0]
    before = list(OrgUnit.objects.values_list("pk", "parent_id", "path", "closed_on"))

    response = as_user(county_admin).post(
        f"/orgunits/{township.pk}/merge", {"target_id": tree.village(0, 0).pk}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "cycle"
    assert body["message"] != body["message_en"]
    assert list(OrgUnit.objects.values_list("pk", "parent_id", "path", "closed_on")) == before
