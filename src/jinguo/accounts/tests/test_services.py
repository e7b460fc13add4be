"""Users, grants and API tokens: a user may grant only what she holds, where she holds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import ApiToken, Grant, User
from jinguo.accounts.roles import Role
from jinguo.accounts.selectors import api_token_authenticate, user_get, user_list
from jinguo.accounts.services import (
    api_token_create,
    api_token_revoke,
    grant_add,
    grant_revoke,
    user_create,
    user_reset_password,
    user_set_own_password,
)
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.testing import PASSWORD, Tree, build_tree, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin-mima-2025"


def written() -> tuple[int, int, int]:
    return User.objects.count(), Grant.objects.count(), AuditEntry.objects.count()


def roles_of(user: User) -> set[tuple[str, int]]:
    return set(Grant.objects.active().filter(user=user).values_list("role", "unit_id"))


# --- creating users -------------------------------------------------------------------------------


def test_county_admin_creates_a_user_with_a_role_and_an_initial_password(
    tree: Tree, county_admin
) -> None:
    user = user_create(
        actor=county_admin,
        username="wang.fang",
        password=NEW_PASSWORD,
        display_name=" 王芳 ",
        grants=[(Role.TOWNSHIP_CHAIR, tree.townships[1])],
    )

    assert user.display_name == "王芳"
    assert user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    assert roles_of(user) == {(Role.TOWNSHIP_CHAIR, tree.townships[1].pk)}
    grant = user.grants.get()
    assert grant.granted_by == county_admin
    actions = list(
        AuditEntry.objects.filter(actor=county_admin)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["user.create", "grant.add"]
    grant_entry = AuditEntry.objects.get(action="grant.add", object_id=str(grant.pk))
    assert grant_entry.unit_path == tree.townships[1].path
    assert grant_entry.changes == {
        "user": [None, "wang.fang"],
        "role": [None, "township_chair"],
        "unit": [None, "150525101"],
    }


@pytest.mark.parametrize("username", ["ab", "x" * 41, "wang fang", "王芳", "a/b"])
def test_malformed_usernames_are_refused(tree: Tree, username: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        user_create(actor=None, username=username, password=NEW_PASSWORD)

    assert refused.value.code == "username_invalid"


def test_usernames_are_unique_regardless_of_case(tree: Tree, village_director) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        user_create(actor=None, username="Village-Director", password=NEW_PASSWORD)

    assert refused.value.code == "username_taken"
    assert written() == before


def test_a_person_creating_a_user_must_give_her_a_role(county_admin) -> None:
    with pytest.raises(ApplicationError) as refused:
        user_create(actor=county_admin, username="nobody", password=NEW_PASSWORD)

    assert refused.value.code == "grant_required"


# --- granting only what one holds -----------------------------------------------------------------


def test_township_chair_can_grant_village_director_in_her_township(
    tree: Tree, township_chair
) -> None:
    user = user_create(
        actor=township_chair,
        username="new-director",
        password=NEW_PASSWORD,
        grants=[(Role.VILLAGE_DIRECTOR, tree.village(0, 1))],
    )

    assert roles_of(user) == {(Role.VILLAGE_DIRECTOR, tree.village(0, 1).pk)}


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.HEALTH_WORKER, Role.AUDITOR])
def test_township_chair_cannot_grant_a_role_with_permissions_she_lacks(
    tree: Tree, township_chair, village_director, role: str
) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        grant_add(actor=township_chair, user=village_director, role=role, unit=tree.village(0, 0))

    assert refused.value.code == "grant_exceeds_own"
    assert written() == before


def test_township_chair_cannot_grant_outside_her_township(tree: Tree, township_chair) -> None:
    before = written()

    with pytest.raises(Http404):
        user_create(
            actor=township_chair,
            username="new-director",
            password=NEW_PASSWORD,
            grants=[(Role.VILLAGE_DIRECTOR, tree.village(1, 0))],
        )

    assert written() == before


def test_township_chair_cannot_grant_on_her_county(tree: Tree, township_chair) -> None:
    with pytest.raises(Http404):
        grant_add(
            actor=township_chair,
            user=make_user("someone"),
            role=Role.VILLAGE_DIRECTOR,
            unit=tree.county,
        )


def test_roles_without_manage_users_cannot_grant(tree: Tree, village_director, auditor) -> None:
    target = make_user("someone")

    for actor in [village_director, auditor]:
        with pytest.raises(PermissionDenied):
            grant_add(actor=actor, user=target, role=Role.VILLAGE_DIRECTOR, unit=tree.village(0, 0))


def test_county_admin_cannot_grant_auditor_which_she_does_not_hold(
    tree: Tree, county_admin
) -> None:
    with pytest.raises(ApplicationError) as refused:
        grant_add(actor=county_admin, user=make_user("x-user"), role=Role.AUDITOR, unit=tree.county)

    assert refused.value.code == "grant_exceeds_own"


def test_an_unknown_role_is_refused(tree: Tree, county_admin) -> None:
    with pytest.raises(ApplicationError) as refused:
        grant_add(actor=county_admin, user=make_user("x-user"), role="emperor", unit=tree.county)

    assert refused.value.code == "unknown_role"


def test_the_same_role_on_the_same_unit_cannot_be_granted_twice(
    tree: Tree, county_admin, village_director
) -> None:
    before = written()

    with pytest.raises(ApplicationError) as refused:
        grant_add(
            actor=county_admin,
            user=village_director,
            role=Role.VILLAGE_DIRECTOR,
            unit=tree.village(0, 0),
        )

    assert refused.value.code == "grant_exists"
    assert written() == before


def test_a_revoked_role_can_be_granted_again(tree: Tree, county_admin, village_director) -> None:
    grant_revoke(actor=county_admin, grant=village_director.grants.get())

    grant_add(
        actor=county_admin,
        user=village_director,
        role=Role.VILLAGE_DIRECTOR,
        unit=tree.village(0, 0),
    )

    assert roles_of(village_director) == {(Role.VILLAGE_DIRECTOR, tree.village(0, 0).pk)}
    assert village_director.grants.count() == 2


# --- revoking -------------------------------------------------------------------------------------


def test_revoke_ends_the_grant_and_records_it(tree: Tree, township_chair, village_director) -> None:
    grant = village_director.grants.get()

    grant_revoke(actor=township_chair, grant=grant)

    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert roles_of(village_director) == set()
    entry = AuditEntry.objects.get(action="grant.revoke")
    assert (entry.actor, entry.unit_path) == (township_chair, tree.village(0, 0).path)


def test_township_chair_cannot_revoke_a_role_above_her(
    tree: Tree, township_chair, county_admin
) -> None:
    with pytest.raises(Http404):
        grant_revoke(actor=township_chair, grant=county_admin.grants.get())
    assert roles_of(county_admin) == {(Role.COUNTY_ADMIN, tree.county.pk)}


def test_a_revoked_grant_cannot_be_revoked_again(
    tree: Tree, county_admin, village_director
) -> None:
    grant = village_director.grants.get()
    grant_revoke(actor=county_admin, grant=grant)
    first_revoked_at = grant.revoked_at
    before = written()

    with pytest.raises(ApplicationError) as refused:
        grant_revoke(actor=county_admin, grant=grant)

    assert refused.value.code == "grant_revoked"
    assert written() == before
    grant.refresh_from_db()
    assert grant.revoked_at == first_revoked_at


# --- passwords ------------------------------------------------------------------------------------


def test_choosing_ones_own_password_clears_the_flag_and_redacts_the_audit(tree: Tree) -> None:
    user = make_user("new-user", must_change_password=True)

    user_set_own_password(user=user, password=NEW_PASSWORD)

    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.changes == {"password": ["***", "***"]}
    assert NEW_PASSWORD not in str(entry.changes)


def test_county_admin_resets_a_password_and_the_user_must_change_it(
    tree: Tree, county_admin, village_director
) -> None:
    user_reset_password(actor=county_admin, user=village_director, password=NEW_PASSWORD)

    village_director.refresh_from_db()
    assert village_director.must_change_password
    assert village_director.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == county_admin
    assert entry.changes == {"password": ["***", "***"]}


def test_township_chair_cannot_reset_the_password_of_someone_above_her(
    tree: Tree, township_chair, county_admin
) -> None:
    with pytest.raises(Http404):
        user_reset_password(actor=township_chair, user=county_admin, password=NEW_PASSWORD)
    county_admin.refresh_from_db()
    assert county_admin.check_password(PASSWORD)


def test_township_chair_cannot_take_over_a_health_worker_by_resetting_her_password(
    tree: Tree, township_chair
) -> None:
    """A reset hands over the account, so it needs the right to grant what the user holds."""
    nurse = make_user("nurse", Role.HEALTH_WORKER, tree.village(0, 0))

    with pytest.raises(ApplicationError) as refused:
        user_reset_password(actor=township_chair, user=nurse, password=NEW_PASSWORD)

    assert refused.value.code == "grant_exceeds_own"
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)


def test_nobody_can_reset_the_password_of_a_user_without_roles(tree: Tree, county_admin) -> None:
    loner = make_user("loner")

    with pytest.raises(Http404):
        user_reset_password(actor=county_admin, user=loner, password=NEW_PASSWORD)
    loner.refresh_from_db()
    assert loner.check_password(PASSWORD)


def test_a_reset_password_must_meet_the_rules(tree: Tree, county_admin, village_director) -> None:
    with pytest.raises(ApplicationError) as refused:
        user_reset_password(actor=county_admin, user=village_director, password="short")

    assert refused.value.code == "weak_password"


# --- users in scope -------------------------------------------------------------------------------


def test_township_chair_lists_only_users_holding_roles_in_her_township(
    tree: Tree, township_chair, village_director, county_admin
) -> None:
    make_user("other-director", Role.VILLAGE_DIRECTOR, tree.village(1, 0))

    names = list(user_list(township_chair).values_list("username", flat=True))

    assert names == ["township-chair", "village-director"]


def test_village_director_lists_nobody(tree: Tree, village_director) -> None:
    assert list(user_list(village_director)) == []


def test_auditor_lists_everyone_in_her_tree_but_not_another_county(tree: Tree, auditor) -> None:
    make_user("director", Role.VILLAGE_DIRECTOR, tree.village(1, 1))
    make_user("elsewhere", Role.COUNTY_ADMIN, build_tree(county_code="150526", townships=0).county)

    names = set(user_list(auditor).values_list("username", flat=True))

    assert names == {"auditor", "director"}


def test_user_list_search_matches_username_or_display_name(tree: Tree, county_admin) -> None:
    user_create(
        actor=None,
        username="li.na",
        password=NEW_PASSWORD,
        display_name="李娜",
        grants=[(Role.VILLAGE_DIRECTOR, tree.village(0, 0))],
    )

    assert [u.username for u in user_list(county_admin, search="李")] == ["li.na"]
    assert [u.username for u in user_list(county_admin, search="LI.")] == ["li.na"]


def test_user_get_out_of_scope_is_404_like_a_missing_one(
    tree: Tree, township_chair, county_admin
) -> None:
    with pytest.raises(Http404):
        user_get(township_chair, county_admin.pk)
    with pytest.raises(Http404):
        user_get(township_chair, 10**9)
    with pytest.raises(Http404):
        user_get(township_chair, "me")


# --- API tokens -----------------------------------------------------------------------------------


def test_a_token_key_is_returned_once_and_only_its_hash_is_stored(
    tree: Tree, village_director
) -> None:
    token, key = api_token_create(user=village_director, name="报表脚本")

    assert key.startswith("jg_")
    assert len(key) > 40
    token.refresh_from_db()
    assert token.key_hash == ApiToken.hash_key(key)
    assert token.prefix == key[:8]
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert key not in stored
    entry = AuditEntry.objects.get(action="api_token.create")
    assert key not in str(entry.changes)
    assert token.expires_at is not None
    assert token.expires_at - timezone.now() > dt.timedelta(days=364)


def test_a_token_authenticates_its_owner_and_records_its_use(tree: Tree, village_director) -> None:
    token, key = api_token_create(user=village_director, name="script")

    assert api_token_authenticate(key) == village_director
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_without_expiry_keeps_working(tree: Tree, village_director) -> None:
    token, key = api_token_create(user=village_director, name="script", days=None)

    assert token.expires_at is None
    assert api_token_authenticate(key) == village_director


def test_a_wrong_key_authenticates_nobody(tree: Tree, village_director) -> None:
    _token, key = api_token_create(user=village_director, name="script")

    assert api_token_authenticate(key + "x") is None
    assert api_token_authenticate("") is None


def test_an_expired_token_fails(tree: Tree, village_director) -> None:
    token, key = api_token_create(user=village_director, name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert api_token_authenticate(key) is None


def test_a_revoked_token_fails(tree: Tree, village_director) -> None:
    token, key = api_token_create(user=village_director, name="script")

    api_token_revoke(user=village_director, token=token)

    assert api_token_authenticate(key) is None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=village_director).exists()


def test_a_token_of_an_inactive_user_fails(tree: Tree, village_director) -> None:
    _token, key = api_token_create(user=village_director, name="script")
    User.objects.filter(pk=village_director.pk).update(is_active=False)

    assert api_token_authenticate(key) is None


def test_nobody_can_revoke_someone_elses_token(
    tree: Tree, village_director, township_chair
) -> None:
    token, key = api_token_create(user=village_director, name="script")

    with pytest.raises(Http404):
        api_token_revoke(user=township_chair, token=token)

    assert api_token_authenticate(key) == village_director


def test_a_token_needs_a_name(tree: Tree, village_director) -> None:
    with pytest.raises(ApplicationError) as refused:
        api_token_create(user=village_director, name="  ")

    assert refused.value.code == "name_required"
    assert not ApiToken.objects.exists()
