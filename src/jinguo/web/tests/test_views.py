"""The pages do what they say: forms reach the services, refusals land on the right field.

Who may reach which page is tested in test_access_matrix; this file tests what they do there.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jinguo.accounts.models import ApiToken, Grant, User
from jinguo.accounts.roles import Role
from jinguo.accounts.services import api_token_create, grant_add
from jinguo.audit.models import AuditEntry
from jinguo.core.models import Progress
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.testing import PASSWORD, Tree, build_tree, make_user

pytestmark = pytest.mark.django_db

ON = "2015-01-01"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- home and work areas --------------------------------------------------------------------------


def test_home_shows_a_card_for_each_unit_at_the_top_of_the_scope(
    tree: Tree, township_chair, client: Client
) -> None:
    response = signed_in(client, township_chair).get(reverse("home"))

    assert response.status_code == 200
    cards = response.context["cards"]
    assert [unit for unit, _counts in cards] == [tree.townships[0]]
    assert cards[0][1] == {Kind.VILLAGE: 2}
    assert "镇1" in response.content.decode()


def test_work_area_lists_the_organisations_in_scope(
    tree: Tree, village_director, client: Client
) -> None:
    orgunit_create(actor=None, parent=tree.village(0, 0), name="本村之家", kind=Kind.WOMENS_HOME)
    orgunit_create(actor=None, parent=tree.village(1, 0), name="别村之家", kind=Kind.WOMENS_HOME)

    response = signed_in(client, village_director).get(
        reverse("work_area", kwargs={"key": "organisation"})
    )

    homes = next(s for s in response.context["sections"] if s["kind"] == Kind.WOMENS_HOME)
    assert homes["count"] == 1
    assert [u.name for u in homes["units"]] == ["本村之家"]


def test_an_unknown_work_area_is_404(tree: Tree, village_director, client: Client) -> None:
    response = signed_in(client, village_director).get(
        reverse("work_area", kwargs={"key": "nonsense"})
    )

    assert response.status_code == 404


# --- browsing units -------------------------------------------------------------------------------


def test_unit_index_goes_straight_to_a_single_home_unit(
    tree: Tree, township_chair, client: Client
) -> None:
    response = signed_in(client, township_chair).get(reverse("unit_index"))

    assert response["Location"] == reverse("unit_detail", kwargs={"unit_id": tree.townships[0].pk})


def test_unit_index_with_several_home_units_lists_them(tree: Tree, client: Client) -> None:
    user = make_user("two-villages", Role.VILLAGE_DIRECTOR, tree.village(0, 0))
    grant_add(actor=None, user=user, role=Role.VILLAGE_DIRECTOR, unit=tree.village(1, 1))

    response = signed_in(client, user).get(reverse("unit_index"))

    assert response.status_code == 200
    assert response.context["roots"] == [tree.village(0, 0), tree.village(1, 1)]


def test_unit_search_finds_only_units_in_scope(tree: Tree, township_chair, client: Client) -> None:
    response = signed_in(client, township_chair).get(reverse("unit_index"), {"q": "村"})

    names = [unit.name for unit in response.context["page"]]
    assert names == ["村1-1", "村1-2"]


def test_unit_detail_shows_children_history_and_whether_one_may_manage(
    tree: Tree, county_admin, township_chair, client: Client
) -> None:
    url = reverse("unit_detail", kwargs={"unit_id": tree.townships[0].pk})

    as_admin = signed_in(client, county_admin).get(url)
    as_chair = signed_in(client, township_chair).get(url)

    assert [c.name for c in as_admin.context["page"]] == ["村1-1", "村1-2"]
    assert [v.name for v in as_admin.context["history"]] == ["镇1"]
    assert as_admin.context["ancestors"] == [tree.county]
    assert as_admin.context["can_manage"] is True
    assert as_chair.context["can_manage"] is False
    assert as_chair.context["ancestors"] == []


def test_unit_children_renders_tree_rows(tree: Tree, county_admin, client: Client) -> None:
    response = signed_in(client, county_admin).get(
        reverse("unit_children", kwargs={"unit_id": tree.county.pk})
    )

    assert [c.name for c in response.context["children"]] == ["镇1", "镇2"]
    assert "<html" not in response.content.decode()


# --- changing units -------------------------------------------------------------------------------


def test_adding_a_village_through_the_form(tree: Tree, county_admin, client: Client) -> None:
    township = tree.townships[1]

    response = signed_in(client, county_admin).post(
        reverse("unit_create", kwargs={"unit_id": township.pk}),
        {"name": "新村", "kind": Kind.VILLAGE, "code": "150525101203", "opened_on": ON},
    )

    village = OrgUnit.objects.get(code="150525101203")
    assert response["Location"] == reverse("unit_detail", kwargs={"unit_id": village.pk})
    assert village.parent == township
    assert AuditEntry.objects.filter(action="orgunit.create", actor=county_admin).count() == 1


def test_a_bad_code_on_the_form_is_shown_on_the_code_field(
    tree: Tree, county_admin, client: Client
) -> None:
    before = OrgUnit.objects.count()

    response = signed_in(client, county_admin).post(
        reverse("unit_create", kwargs={"unit_id": tree.townships[1].pk}),
        {"name": "新村", "kind": Kind.VILLAGE, "code": "1505", "opened_on": ON},
    )

    assert response.status_code == 200
    assert len(field_errors(response, "code")) == 1
    assert "1505" in field_errors(response, "code")[0]
    assert OrgUnit.objects.count() == before


def test_moving_by_the_code_of_the_new_parent(tree: Tree, county_admin, client: Client) -> None:
    village = tree.village(0, 0)

    response = signed_in(client, county_admin).post(
        reverse("unit_move", kwargs={"unit_id": village.pk}),
        {"parent_code": tree.townships[1].code, "on": ON},
    )

    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=village.pk).parent == tree.townships[1]


@pytest.mark.parametrize("code", ["150526100", "999999999"], ids=["other-county", "unknown"])
def test_moving_under_a_unit_out_of_scope_reads_like_an_unknown_code(
    tree: Tree, county_admin, client: Client, code: str
) -> None:
    build_tree(county_code="150526", townships=1, villages_per_township=0)
    village = tree.village(0, 0)

    response = signed_in(client, county_admin).post(
        reverse("unit_move", kwargs={"unit_id": village.pk}), {"parent_code": code, "on": ON}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert OrgUnit.objects.get(pk=village.pk).parent == tree.townships[0]


def test_renaming_and_closing_through_the_forms(tree: Tree, county_admin, client: Client) -> None:
    village = tree.village(1, 1)
    signed_in(client, county_admin)

    renamed = client.post(
        reverse("unit_rename", kwargs={"unit_id": village.pk}), {"name": "改名村", "on": ON}
    )
    closed = client.post(
        reverse("unit_close", kwargs={"unit_id": village.pk}), {"on": "2016-01-01"}
    )

    assert renamed.status_code == closed.status_code == 302
    village.refresh_from_db()
    assert (village.name, str(village.closed_on)) == ("改名村", "2016-01-01")


def test_closing_a_unit_with_open_children_is_refused_on_the_form(
    tree: Tree, county_admin, client: Client
) -> None:
    response = signed_in(client, county_admin).post(
        reverse("unit_close", kwargs={"unit_id": tree.townships[0].pk}), {"on": ON}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert OrgUnit.objects.get(pk=tree.townships[0].pk).closed_on is None


# --- users ----------------------------------------------------------------------------------------


def test_township_chair_creates_a_village_director(
    tree: Tree, township_chair, client: Client
) -> None:
    response = signed_in(client, township_chair).post(
        reverse("user_create"),
        {
            "username": "new-director",
            "display_name": "新主任",
            "password": "Xin-mima-2025",
            "role": Role.VILLAGE_DIRECTOR,
            "unit_code": tree.village(0, 1).code,
        },
    )

    user = User.objects.get(username="new-director")
    assert response["Location"] == reverse("user_detail", kwargs={"user_id": user.pk})
    assert user.must_change_password
    assert user.grants.get().unit == tree.village(0, 1)


@pytest.mark.parametrize(
    ("role", "unit_code", "field"),
    [
        (Role.VILLAGE_DIRECTOR, "150525101201", "unit_code"),
        (Role.VILLAGE_DIRECTOR, "000000", "unit_code"),
        (Role.COUNTY_ADMIN, "150525100201", "role"),
    ],
    ids=["other-township", "unknown-unit", "role-she-lacks"],
)
def test_township_chair_cannot_create_users_beyond_her_powers(
    tree: Tree, township_chair, client: Client, role: str, unit_code: str, field: str
) -> None:
    response = signed_in(client, township_chair).post(
        reverse("user_create"),
        {"username": "new-user", "password": "Xin-mima-2025", "role": role, "unit_code": unit_code},
    )

    assert response.status_code == 200
    assert field_errors(response, field)
    assert not User.objects.filter(username="new-user").exists()


def test_a_weak_initial_password_is_shown_on_the_password_field(
    tree: Tree, township_chair, client: Client
) -> None:
    response = signed_in(client, township_chair).post(
        reverse("user_create"),
        {
            "username": "new-user",
            "password": "short",
            "role": Role.VILLAGE_DIRECTOR,
            "unit_code": tree.village(0, 0).code,
        },
    )

    assert field_errors(response, "password")
    assert not User.objects.filter(username="new-user").exists()


def test_granting_a_role_on_the_user_page(
    tree: Tree, township_chair, village_director, client: Client
) -> None:
    response = signed_in(client, township_chair).post(
        reverse("user_detail", kwargs={"user_id": village_director.pk}),
        {"grant-role": Role.MEMBER_REPORTER, "grant-unit_code": tree.village(0, 1).code},
    )

    assert response.status_code == 302
    assert village_director.grants.filter(role=Role.MEMBER_REPORTER).exists()


def test_resetting_a_password_on_the_user_page(
    tree: Tree, township_chair, village_director, client: Client
) -> None:
    response = signed_in(client, township_chair).post(
        reverse("user_detail", kwargs={"user_id": village_director.pk}),
        {"reset-password": "Xin-mima-2025"},
    )

    assert response.status_code == 302
    village_director.refresh_from_db()
    assert village_director.must_change_password
    assert village_director.check_password("Xin-mima-2025")


def test_an_auditor_may_read_the_user_page_but_not_reset_passwords(
    tree: Tree, auditor, village_director, client: Client
) -> None:
    url = reverse("user_detail", kwargs={"user_id": village_director.pk})
    signed_in(client, auditor)

    assert client.get(url).status_code == 200
    assert client.post(url, {"reset-password": "Xin-mima-2025"}).status_code == 403
    village_director.refresh_from_db()
    assert village_director.check_password(PASSWORD)


def test_the_user_page_marks_which_roles_the_reader_may_revoke(
    tree: Tree, township_chair, client: Client
) -> None:
    both = make_user("both", Role.VILLAGE_DIRECTOR, tree.village(0, 0))
    grant_add(actor=None, user=both, role=Role.COUNTY_STAFF, unit=tree.county)

    response = signed_in(client, township_chair).get(
        reverse("user_detail", kwargs={"user_id": both.pk})
    )

    revocable = {grant.role: may for grant, may in response.context["grants"]}
    assert revocable == {Role.VILLAGE_DIRECTOR: True, Role.COUNTY_STAFF: False}


def test_revoking_a_role_out_of_the_readers_reach_is_404(
    tree: Tree, township_chair, client: Client
) -> None:
    both = make_user("both", Role.VILLAGE_DIRECTOR, tree.village(0, 0))
    county_grant = grant_add(actor=None, user=both, role=Role.COUNTY_STAFF, unit=tree.county)

    response = signed_in(client, township_chair).post(
        reverse("grant_revoke", kwargs={"user_id": both.pk, "grant_id": county_grant.pk})
    )

    assert response.status_code == 404
    assert Grant.objects.get(pk=county_grant.pk).revoked_at is None


def test_revoking_a_role_the_reader_cannot_grant_is_refused_with_a_message(
    tree: Tree, township_chair, client: Client
) -> None:
    nurse = make_user("nurse", Role.HEALTH_WORKER, tree.village(0, 0))
    grant = nurse.grants.get()

    response = signed_in(client, township_chair).post(
        reverse("grant_revoke", kwargs={"user_id": nurse.pk, "grant_id": grant.pk}), follow=True
    )

    assert response.redirect_chain[0][0] == reverse("user_detail", kwargs={"user_id": nurse.pk})
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Grant.objects.get(pk=grant.pk).revoked_at is None


# --- API tokens -----------------------------------------------------------------------------------


def test_a_new_token_key_is_shown_once(tree: Tree, village_director, client: Client) -> None:
    signed_in(client, village_director)

    created = client.post(reverse("token_index"), {"name": "报表脚本", "days": "30"})
    later = client.get(reverse("token_index"))

    key = created.context["new_key"]
    token = ApiToken.objects.get(user=village_director)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key in created.content.decode()
    assert later.context["new_key"] is None
    assert key not in later.content.decode()
    assert list(later.context["tokens"]) == [token]


def test_revoking_ones_own_token(tree: Tree, village_director, client: Client) -> None:
    token, _key = api_token_create(user=village_director, name="script")

    response = signed_in(client, village_director).post(
        reverse("token_revoke", kwargs={"token_id": token.pk})
    )

    assert response["Location"] == reverse("token_index")
    token.refresh_from_db()
    assert token.revoked_at is not None
    again = client.post(reverse("token_revoke", kwargs={"token_id": token.pk}))
    assert again.status_code == 404


# --- the audit log --------------------------------------------------------------------------------


def test_audit_page_lists_entries_newest_first_and_filters(
    tree: Tree, auditor, county_admin, client: Client
) -> None:
    signed_in(client, auditor)

    everything = client.get(reverse("audit_index"))
    grants_only = client.get(reverse("audit_index"), {"action": "grant."})

    ids = [entry.id for entry in everything.context["page"]]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == AuditEntry.objects.count()
    assert {e.action for e in grants_only.context["page"]} == {"grant.add"}
    assert grants_only.context["query"] == "action=grant."


def test_a_township_auditor_sees_only_her_townships_entries_on_the_page(
    tree: Tree, client: Client
) -> None:
    township = tree.townships[1]
    auditor = make_user("township-auditor", Role.AUDITOR, township)

    response = signed_in(client, auditor).get(reverse("audit_index"))

    paths = {entry.unit_path for entry in response.context["page"]}
    assert paths
    assert all(path.startswith(township.path) for path in paths)


def test_verifying_the_chain_from_the_page_reports_the_result(
    tree: Tree, auditor, client: Client
) -> None:
    signed_in(client, auditor)
    count = AuditEntry.objects.count()

    response = client.post(reverse("audit_verify"))

    progress = Progress.objects.get(owner=auditor)
    assert response["Location"] == reverse("progress_detail", kwargs={"progress_id": progress.pk})
    assert (progress.state, progress.message) == (Progress.State.DONE, f"ok:{count}")
    page = client.get(response["Location"])
    assert page.context["outcome"] == {"kind": "ok", "checked": count}


def test_progress_polling_gets_only_the_bar(tree: Tree, auditor, client: Client) -> None:
    signed_in(client, auditor)
    client.post(reverse("audit_verify"))
    progress = Progress.objects.get(owner=auditor)

    response = client.get(
        reverse("progress_detail", kwargs={"progress_id": progress.pk}),
        headers={"HX-Request": "true"},
    )

    assert next(t.name for t in response.templates) == "web/progress/_bar.html"
    assert "<html" not in response.content.decode()
