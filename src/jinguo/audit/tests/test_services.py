"""The audit log: one entry per write, who and from where, sensitive values hidden, chained."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.test import Client
from django.urls import reverse

from jinguo.accounts.roles import Role
from jinguo.accounts.services import (
    api_token_create,
    grant_add,
    grant_revoke,
    user_reset_password,
)
from jinguo.audit.models import AuditEntry
from jinguo.audit.services import (
    GENESIS,
    REDACTED,
    audit_record,
    audit_verify,
    canonical_content,
    changes_between,
    entry_hash,
)
from jinguo.core import context
from jinguo.orgunits.models import Kind
from jinguo.orgunits.services import (
    orgunit_close,
    orgunit_create,
    orgunit_move,
    orgunit_rename,
)
from jinguo.testing import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db

ON = dt.date(2015, 1, 1)


def entries_after(last_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last_id).order_by("id"))


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- one entry per write --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "write"),
    [
        (
            "orgunit.create",
            lambda tree, admin: orgunit_create(
                actor=admin, parent=tree.village(0, 0), name="之家", kind=Kind.WOMENS_HOME
            ),
        ),
        (
            "orgunit.rename",
            lambda tree, admin: orgunit_rename(
                actor=admin, unit=tree.village(0, 0), name="新名", on=ON
            ),
        ),
        (
            "orgunit.move",
            lambda tree, admin: orgunit_move(
                actor=admin, unit=tree.village(0, 0), new_parent=tree.townships[1], on=ON
            ),
        ),
        (
            "orgunit.close",
            lambda tree, admin: orgunit_close(actor=admin, unit=tree.village(0, 0), on=ON),
        ),
        (
            "grant.add",
            lambda tree, admin: grant_add(
                actor=admin, user=make_user("x-user"), role=Role.COUNTY_STAFF, unit=tree.county
            ),
        ),
        (
            "grant.revoke",
            lambda tree, admin: grant_revoke(
                actor=admin,
                grant=make_user("x-user", Role.COUNTY_STAFF, tree.county).grants.get(),
            ),
        ),
        (
            "user.password_reset",
            lambda tree, admin: user_reset_password(
                actor=admin,
                user=make_user("x-user", Role.COUNTY_STAFF, tree.county),
                password="Xin-mima-2025",
            ),
        ),
        ("api_token.create", lambda tree, admin: api_token_create(user=admin, name="script")),
    ],
)
def test_each_service_write_records_exactly_one_entry_naming_the_actor(
    tree: Tree, county_admin, action: str, write
) -> None:
    setup_ids = last_id()
    write(tree, county_admin)

    mine = [e for e in entries_after(setup_ids) if e.actor_id == county_admin.pk]

    assert [e.action for e in mine] == [action]
    assert mine[0].actor_name == "county-admin"
    assert mine[0].changes
    assert mine[0].object_id


def test_system_writes_are_recorded_as_the_system(tree: Tree) -> None:
    entry = AuditEntry.objects.filter(action="orgunit.create").first()

    assert entry is not None
    assert (entry.actor_id, entry.actor_name) == (None, "system")


def test_outside_a_request_there_is_no_request_id_or_address(tree: Tree) -> None:
    entry = AuditEntry.objects.order_by("id").first()

    assert entry is not None
    assert (entry.request_id, entry.client_ip) == ("-", None)


def test_inside_a_bound_context_the_request_id_and_address_are_kept(db: None) -> None:
    with context.bound(request_id="abc-12345", client_ip="10.0.0.7"):
        entry = audit_record(actor=None, action="test.bound", object_type="x", object_id="1")

    assert (entry.request_id, entry.client_ip) == ("abc-12345", "10.0.0.7")


def test_a_write_through_the_api_records_request_id_and_client_ip(
    tree: Tree, county_admin, client: Client
) -> None:
    _token, key = api_token_create(user=county_admin, name="script")

    response = client.post(
        "/api/v1/orgunits/",
        data=json.dumps(
            {"parent_id": tree.village(0, 0).pk, "name": "妇女之家", "kind": "womens_home"}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_X_REQUEST_ID="req-0001-abcdef",
        REMOTE_ADDR="10.15.5.25",
    )

    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(action="orgunit.create", actor=county_admin)
    assert entry.request_id == "req-0001-abcdef"
    assert entry.client_ip == "10.15.5.25"
    assert response["X-Request-ID"] == "req-0001-abcdef"


def test_a_password_change_on_the_page_is_recorded_redacted_with_its_request(
    tree: Tree, client: Client
) -> None:
    user = make_user("meili", must_change_password=True)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2025",
            "new_password2": "Xin-mima-2025",
        },
        REMOTE_ADDR="10.15.5.26",
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor == user
    assert entry.changes == {"password": [REDACTED, REDACTED]}
    assert "Xin-mima-2025" not in json.dumps(entry.changes)
    assert entry.client_ip == "10.15.5.26"
    assert len(entry.request_id) == 32
    assert entry.request_id == response["X-Request-ID"]


def test_changes_between_lists_only_what_changed_and_hides_sensitive_values() -> None:
    before = {"name": "村", "phone": "13800000000", "id_number": None, "same": 1}
    after = {"name": "新村", "phone": "13900000000", "id_number": "150525", "same": 1}

    changes = changes_between(before, after, sensitive=["phone", "id_number"])

    assert changes == {
        "name": ["村", "新村"],
        "phone": [REDACTED, REDACTED],
        "id_number": [None, REDACTED],
    }


def test_changes_are_stored_as_json_values() -> None:
    when = dt.datetime(2015, 1, 2, 3, tzinfo=dt.UTC)
    changes = changes_between({"on": None, "when": None}, {"on": dt.date(2015, 1, 2), "when": when})

    assert changes == {"on": [None, "2015-01-02"], "when": [None, "2015-01-02T03:00:00+00:00"]}


def test_changes_of_a_created_record_are_those_from_nothing() -> None:
    after = {
        "name": "村", "phone": "13900000000", "unset": None, "on": dt.date(2015, 1, 2),
        "tags": ["a"], "count": 0,
    }  # fmt: skip

    created = changes_between({}, after, sensitive=["phone"])

    assert created == {
        "count": [None, 0],
        "name": [None, "村"],
        "on": [None, "2015-01-02"],
        "phone": [None, REDACTED],
        "tags": [None, ["a"]],
    }
    assert list(created) == sorted(created)  # the order the audit chain hashes
    # The same as from a record whose fields were all empty.
    assert created == changes_between(dict.fromkeys(after), after, sensitive=["phone"])


# --- the chain ------------------------------------------------------------------------------------


def test_entries_form_a_chain_from_genesis(tree: Tree, county_admin) -> None:
    entries = list(AuditEntry.objects.order_by("id"))

    assert entries[0].prev_hash == GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.hash == entry_hash(entry.prev_hash, entry)


def test_the_hash_covers_every_field_of_the_content(tree: Tree) -> None:
    entry = AuditEntry.objects.order_by("id").first()
    assert entry is not None
    content = json.loads(canonical_content(entry))

    assert set(content) == {
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "unit_path",
        "changes",
        "request_id",
        "client_ip",
    }
    entry.object_repr = "forged"
    assert entry_hash(entry.prev_hash, entry) != entry.hash


def test_an_untouched_chain_verifies(tree: Tree, county_admin) -> None:
    result = audit_verify()

    assert result.ok
    assert result.broken is None
    assert result.checked == AuditEntry.objects.count() > 0


def test_verify_reports_the_total_then_progress_in_chunks(tree: Tree) -> None:
    seen: list[tuple[int, int]] = []
    total = AuditEntry.objects.count()

    audit_verify(on_progress=lambda done, of: seen.append((done, of)), chunk_size=3)

    chunks = [(n, total) for n in range(3, total + 1, 3)]
    assert seen == [(0, total), *chunks, (total, total)]


def test_an_empty_log_verifies(db: None) -> None:
    assert audit_verify().checked == 0
    assert audit_verify().ok


# --- append-only in the application ---------------------------------------------------------------


def test_an_existing_entry_cannot_be_saved_again(tree: Tree) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.action = "forged"

    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()


def test_an_entry_cannot_be_deleted_through_the_model(tree: Tree) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None

    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
