"""The user API: oneself, and the users one manages or audits."""

from __future__ import annotations

import pytest

from jinguo.accounts.roles import Role
from jinguo.accounts.services import grant_add, grant_revoke
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db


def test_me_describes_the_token_owner_and_her_roles(tree: Tree, village_director, as_user) -> None:
    response = as_user(village_director).get("/users/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": village_director.pk,
        "username": "village-director",
        "display_name": "village-director",
        "is_active": True,
        "grants": [
            {
                "role": "village_director",
                "unit_id": tree.village(0, 0).pk,
                "unit_name": "村1-1",
            }
        ],
    }


def test_me_leaves_out_revoked_roles(tree: Tree, village_director, as_user) -> None:
    api = as_user(village_director)
    grant_add(actor=None, user=village_director, role=Role.COUNTY_STAFF, unit=tree.county)
    grant_revoke(actor=None, grant=village_director.grants.get(role=Role.VILLAGE_DIRECTOR))

    grants = api.get("/users/me").json()["grants"]

    assert [g["role"] for g in grants] == ["county_staff"]


def test_township_chair_lists_the_users_of_her_township(
    tree: Tree, township_chair, village_director, county_admin, as_user
) -> None:
    make_user("elsewhere", Role.VILLAGE_DIRECTOR, tree.village(1, 0))

    response = as_user(township_chair).get("/users/")

    assert response.status_code == 200
    assert [u["username"] for u in response.json()] == ["township-chair", "village-director"]


def test_user_search(tree: Tree, county_admin, village_director, as_user) -> None:
    response = as_user(county_admin).get("/users/", search="village")

    assert [u["username"] for u in response.json()] == ["village-director"]


def test_village_director_lists_no_users(tree: Tree, village_director, as_user) -> None:
    assert as_user(village_director).get("/users/").json() == []


def test_get_user_in_scope(tree: Tree, township_chair, village_director, as_user) -> None:
    response = as_user(township_chair).get(f"/users/{village_director.pk}")

    assert response.status_code == 200
    assert response.json()["username"] == "village-director"


def test_get_user_out_of_scope_is_404(tree: Tree, township_chair, county_admin, as_user) -> None:
    api = as_user(township_chair)

    out_of_scope = api.get(f"/users/{county_admin.pk}")
    missing = api.get("/users/999999")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
