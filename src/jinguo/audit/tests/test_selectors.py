"""Reading the log: only with view_audit, only within one's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.accounts.roles import Role
from jinguo.accounts.services import api_token_create, grant_add
from jinguo.audit.models import AuditEntry
from jinguo.audit.selectors import audit_actions, audit_list
from jinguo.orgunits.services import orgunit_rename
from jinguo.testing import Tree, build_tree, make_user

pytestmark = pytest.mark.django_db


def test_township_auditor_sees_only_entries_of_her_township(tree: Tree) -> None:
    township = tree.townships[0]
    auditor = make_user("township-auditor", Role.AUDITOR, township)
    orgunit_rename(actor=None, unit=tree.village(1, 0), name="别处", on=dt.date(2015, 1, 1))

    paths = set(audit_list(auditor).values_list("unit_path", flat=True))

    assert paths
    assert all(path.startswith(township.path) for path in paths)
    expected = AuditEntry.objects.filter(unit_path__startswith=township.path).count()
    assert audit_list(auditor).count() == expected


def test_entries_about_a_user_sit_at_her_first_grant(tree: Tree, county_admin, auditor) -> None:
    township_auditor = make_user("township-auditor", Role.AUDITOR, tree.townships[0])
    token, _key = api_token_create(user=county_admin, name="script")

    token_entry = AuditEntry.objects.get(action="api_token.create", object_id=str(token.pk))
    assert token_entry.unit_path == tree.county.path
    assert token_entry in audit_list(auditor)
    assert token_entry not in audit_list(township_auditor)


def test_entries_without_a_unit_are_for_auditors_of_every_top_unit(tree: Tree, auditor) -> None:
    grantless = make_user("grantless")
    entry = AuditEntry.objects.get(action="user.create", object_id=str(grantless.pk))
    assert entry.unit_path == ""
    assert entry in audit_list(auditor)

    other = build_tree(county_code="150526")
    assert entry not in audit_list(auditor)
    both = make_user("both-auditor", Role.AUDITOR, tree.county)
    grant_add(actor=None, user=both, role=Role.AUDITOR, unit=other.county)
    assert entry in audit_list(both)


def test_roles_without_view_audit_see_no_entries(
    tree: Tree, county_admin, township_chair, village_director
) -> None:
    for user in [county_admin, township_chair, village_director, make_user("nobody")]:
        assert not audit_list(user).exists()


def test_county_auditor_sees_every_entry_of_her_county(tree: Tree, auditor) -> None:
    assert audit_list(auditor).count() == AuditEntry.objects.count()


def test_newest_entries_come_first(tree: Tree, auditor) -> None:
    ids = list(audit_list(auditor).values_list("id", flat=True))

    assert ids == sorted(ids, reverse=True)


def test_filters_narrow_the_list(tree: Tree, auditor, county_admin) -> None:
    village = tree.village(0, 0)
    orgunit_rename(actor=county_admin, unit=village, name="新村", on=dt.date(2015, 1, 1))
    today = timezone.localdate()

    assert [e.action for e in audit_list(auditor, action="orgunit.ren")] == ["orgunit.rename"]
    assert [e.action for e in audit_list(auditor, actor_name="county-admin")] == ["orgunit.rename"]
    by_object = audit_list(auditor, object_type="orgunits.orgunit", object_id=str(village.pk))
    assert [e.action for e in by_object] == ["orgunit.rename", "orgunit.create"]
    assert audit_list(auditor, since=today - dt.timedelta(days=1)).count() > 0
    assert audit_list(auditor, until=today - dt.timedelta(days=2)).count() == 0


def test_audit_actions_lists_each_action_once(tree: Tree, county_admin, auditor) -> None:
    assert audit_actions(auditor) == ["grant.add", "orgunit.create", "user.create"]


def test_audit_actions_lists_only_actions_in_scope(tree: Tree) -> None:
    township_auditor = make_user("township-auditor", Role.AUDITOR, tree.townships[0])
    orgunit_rename(actor=None, unit=tree.village(1, 0), name="别处", on=dt.date(2015, 1, 1))

    assert "orgunit.rename" not in audit_actions(township_auditor)
