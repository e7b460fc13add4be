"""The one place that decides scope: a grant covers its unit and everything below it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.accounts.models import Grant, User
from jinguo.accounts.roles import ROLE_PERMS, WRITE_PERMS, Perm, Role
from jinguo.accounts.services import grant_add, grant_revoke
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.testing import Tree, build_tree, make_user

pytestmark = pytest.mark.django_db


def visible(user: User) -> set[int]:
    return set(access.scoped(user, OrgUnit.objects.all()).values_list("pk", flat=True))


def subtree_ids(unit: OrgUnit) -> set[int]:
    return set(OrgUnit.objects.subtree(unit).values_list("pk", flat=True))


@pytest.fixture
def other(tree: Tree) -> Tree:
    return build_tree(county_code="150526", townships=1, villages_per_township=1)


# --- scope_q / scoped -----------------------------------------------------------------------------


def test_village_director_sees_her_village_and_what_lies_below(
    tree: Tree, village_director
) -> None:
    assert visible(village_director) == subtree_ids(tree.village(0, 0))


def test_village_director_cannot_see_other_village(tree: Tree, village_director) -> None:
    sibling = tree.village(0, 1)

    assert sibling.pk not in visible(village_director)
    with pytest.raises(Http404):
        access.unit_get(village_director, sibling.pk)


def test_village_director_cannot_see_her_township_or_county(tree: Tree, village_director) -> None:
    for ancestor in [tree.townships[0], tree.county]:
        assert ancestor.pk not in visible(village_director)
        assert access.perms_at(village_director, ancestor) == frozenset()


def test_township_chair_sees_her_township_but_not_the_sibling_township(
    tree: Tree, township_chair
) -> None:
    assert visible(township_chair) == subtree_ids(tree.townships[0])
    assert not visible(township_chair) & subtree_ids(tree.townships[1])


def test_county_admin_sees_the_county_but_not_another_county(
    tree: Tree, other: Tree, county_admin
) -> None:
    assert visible(county_admin) == subtree_ids(tree.county)
    assert not visible(county_admin) & subtree_ids(other.county)


def test_scope_q_filters_any_path_field(tree: Tree, township_chair) -> None:
    make_user("director-a", Role.VILLAGE_DIRECTOR, tree.village(0, 1))
    make_user("director-b", Role.VILLAGE_DIRECTOR, tree.village(1, 0))

    grants = Grant.objects.filter(access.scope_q(township_chair, path_field="unit__path"))

    assert sorted(grants.values_list("user__username", flat=True)) == [
        "director-a",
        "township-chair",
    ]


def test_no_grant_means_an_empty_scope(tree: Tree) -> None:
    nobody = make_user("nobody")

    assert visible(nobody) == set()
    assert access.scope_paths(nobody) == []
    assert access.home_units(nobody) == []


def test_anonymous_user_has_no_scope(tree: Tree) -> None:
    assert visible(AnonymousUser()) == set()  # type: ignore[arg-type]
    assert access.perms_at(AnonymousUser(), tree.county) == frozenset()


def test_an_inactive_user_has_no_scope(tree: Tree, county_admin) -> None:
    county_admin.is_active = False
    county_admin.save(update_fields=["is_active"])
    reloaded = User.objects.get(pk=county_admin.pk)

    assert visible(reloaded) == set()
    assert access.perms_at(reloaded, tree.county) == frozenset()


def test_a_revoked_grant_gives_nothing(tree: Tree, village_director) -> None:
    grant = village_director.grants.get()

    grant_revoke(actor=None, grant=grant)

    reloaded = User.objects.get(pk=village_director.pk)
    assert visible(reloaded) == set()
    assert access.perms_at(reloaded, tree.village(0, 0)) == frozenset()


def test_grants_are_forgotten_on_the_same_user_object_after_a_change(
    tree: Tree, village_director
) -> None:
    assert tree.village(0, 1).pk not in visible(village_director)

    grant_add(
        actor=None, user=village_director, role=Role.VILLAGE_DIRECTOR, unit=tree.village(0, 1)
    )

    assert tree.village(0, 1).pk in visible(village_director)


def test_multiple_grants_give_the_union_of_scopes_and_permissions(tree: Tree) -> None:
    user = make_user("two-hats", Role.VILLAGE_DIRECTOR, tree.village(0, 0))
    grant_add(actor=None, user=user, role=Role.HEALTH_WORKER, unit=tree.townships[1])
    grant_add(actor=None, user=user, role=Role.AUDITOR, unit=tree.village(0, 0))

    assert visible(user) == subtree_ids(tree.village(0, 0)) | subtree_ids(tree.townships[1])
    assert access.perms_at(user, tree.village(0, 0)) == {
        Perm.VIEW,
        Perm.EDIT,
        Perm.VIEW_AUDIT,
        Perm.VIEW_HEALTH,
    }
    assert access.perms_at(user, tree.village(1, 0)) == ROLE_PERMS[Role.HEALTH_WORKER]
    assert access.perms_at(user, tree.village(0, 1)) == frozenset()


def test_scope_paths_drop_roots_nested_in_another_root(tree: Tree) -> None:
    user = make_user("nested", Role.COUNTY_STAFF, tree.village(0, 0))
    grant_add(actor=None, user=user, role=Role.COUNTY_STAFF, unit=tree.county)
    grant_add(actor=None, user=user, role=Role.COUNTY_STAFF, unit=tree.townships[1])

    assert access.scope_paths(user) == [tree.county.path]
    assert access.home_units(user) == [tree.county]


def test_scope_for_a_permission_only_counts_grants_holding_it(tree: Tree) -> None:
    user = make_user("mixed", Role.COUNTY_STAFF, tree.county)
    grant_add(actor=None, user=user, role=Role.TOWNSHIP_CHAIR, unit=tree.townships[1])

    assert access.scope_paths(user, Perm.VIEW) == [tree.county.path]
    assert access.scope_paths(user, Perm.MANAGE_USERS) == [tree.townships[1].path]
    assert set(
        access.scoped(user, OrgUnit.objects.all(), Perm.MANAGE_USERS).values_list("pk", flat=True)
    ) == subtree_ids(tree.townships[1])


# --- perms_at / require / unit_get ----------------------------------------------------------------


def test_perms_at_own_unit_and_descendant_but_not_ancestor_or_sibling(
    tree: Tree, township_chair
) -> None:
    chair = ROLE_PERMS[Role.TOWNSHIP_CHAIR]

    assert access.perms_at(township_chair, tree.townships[0]) == chair
    assert access.perms_at(township_chair, tree.village(0, 1)) == chair
    assert access.perms_at(township_chair, tree.county) == frozenset()
    assert access.perms_at(township_chair, tree.townships[1]) == frozenset()
    assert access.perms_at(township_chair, tree.village(1, 0)) == frozenset()


def test_auditor_sees_everything_in_her_tree_but_may_write_nothing(tree: Tree, auditor) -> None:
    assert visible(auditor) == subtree_ids(tree.county)
    for unit in OrgUnit.objects.all():
        assert not access.perms_at(auditor, unit) & WRITE_PERMS
        assert access.can(auditor, Perm.VIEW_AUDIT, unit)
    with pytest.raises(PermissionDenied):
        access.require(auditor, Perm.EDIT, tree.village(0, 0))
    with pytest.raises(PermissionDenied):
        access.unit_get(auditor, tree.county.pk, Perm.MANAGE_UNITS)


def test_require_raises_404_out_of_sight_and_403_in_sight_without_the_permission(
    tree: Tree, village_director
) -> None:
    access.require(village_director, Perm.EDIT, tree.village(0, 0))
    with pytest.raises(PermissionDenied):
        access.require(village_director, Perm.MANAGE_UNITS, tree.village(0, 0))
    with pytest.raises(Http404):
        access.require(village_director, Perm.VIEW, tree.village(0, 1))
    with pytest.raises(Http404):
        access.require(village_director, Perm.MANAGE_UNITS, tree.village(0, 1))


def test_unit_get_returns_a_unit_in_scope(tree: Tree, township_chair) -> None:
    village = tree.village(0, 1)

    assert access.unit_get(township_chair, village.pk) == village
    assert access.unit_get(township_chair, str(village.pk)) == village


def test_a_missing_and_an_out_of_scope_unit_both_raise_404(
    tree: Tree, other: Tree, county_admin
) -> None:
    missing_id = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    with pytest.raises(Http404) as missing:
        access.unit_get(county_admin, missing_id)
    with pytest.raises(Http404) as out_of_scope:
        access.unit_get(county_admin, other.county.pk)

    assert str(missing.value) == str(out_of_scope.value)


@pytest.mark.parametrize("bad_id", [None, "abc", "1.5", ""])
def test_unit_get_with_a_malformed_id_is_404(tree: Tree, county_admin, bad_id) -> None:
    with pytest.raises(Http404):
        access.unit_get(county_admin, bad_id)


def test_django_superuser_flag_gives_no_power(tree: Tree) -> None:
    boss = make_user("boss")
    boss.is_superuser = True
    boss.is_staff = True
    boss.save(update_fields=["is_superuser", "is_staff"])

    assert visible(boss) == set()
    with pytest.raises(Http404):
        access.unit_get(boss, tree.county.pk)
