"""The database refuses to change the log, and a change made anyway is found by `audit verify`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jinguo.audit.models import AuditEntry
from jinguo.audit.services import entry_hash
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

TABLE = "audit_auditentry"


def raw(sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def disable_triggers() -> None:
    """What someone with rights over the schema could do; undone when the test rolls back."""
    if connection.vendor == "postgresql":
        raw(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only")
    else:
        raw("DROP TRIGGER audit_entry_no_update")
        raw("DROP TRIGGER audit_entry_no_delete")


def middle_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) >= 3
    return entries[len(entries) // 2]


def test_the_database_refuses_an_update_of_an_entry(tree: Tree) -> None:
    entry = middle_entry()

    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["forged", entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


def test_the_database_refuses_to_delete_an_entry(tree: Tree) -> None:
    entry = middle_entry()

    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused_too(tree: Tree) -> None:
    count = AuditEntry.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.count() == count
    assert not AuditEntry.objects.filter(action="forged").exists()


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="TRUNCATE exists only on PostgreSQL"
)
def test_postgresql_refuses_to_truncate_the_log(tree: Tree) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(f"TRUNCATE {TABLE}")

    assert AuditEntry.objects.exists()


def test_verify_command_reports_an_intact_chain(tree: Tree, capsys) -> None:
    call_command("audit", "verify")

    assert f"audit chain intact: {AuditEntry.objects.count()} entries" in capsys.readouterr().out


def test_verify_command_names_an_entry_altered_with_raw_sql(tree: Tree) -> None:
    entry = middle_entry()
    disable_triggers()
    raw(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["改过的", entry.pk])

    with pytest.raises(CommandError) as broken:
        call_command("audit", "verify")

    assert f"audit chain broken at entry {entry.pk}:" in str(broken.value)
    assert "content does not match its hash" in str(broken.value)


def test_verify_command_finds_an_entry_removed_from_the_middle(tree: Tree) -> None:
    entry = middle_entry()
    following = AuditEntry.objects.filter(id__gt=entry.pk).order_by("id").first()
    assert following is not None
    disable_triggers()
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])

    with pytest.raises(CommandError) as broken:
        call_command("audit", "verify")

    assert f"audit chain broken at entry {following.pk}:" in str(broken.value)
    assert "previous hash does not match" in str(broken.value)


def test_recomputing_the_hash_of_an_altered_entry_breaks_the_next_link(tree: Tree) -> None:
    """A forger who rehashes the entry she changed is caught at the entry after it."""
    entry = middle_entry()
    following = AuditEntry.objects.filter(id__gt=entry.pk).order_by("id").first()
    assert following is not None
    entry.object_repr = "改过的"
    disable_triggers()
    raw(
        f"UPDATE {TABLE} SET object_repr = %s, hash = %s WHERE id = %s",
        [entry.object_repr, entry_hash(entry.prev_hash, entry), entry.pk],
    )

    with pytest.raises(CommandError, match=f"entry {following.pk}: previous hash"):
        call_command("audit", "verify")


def test_export_writes_each_entry_with_its_hashes(tree: Tree, tmp_path, capsys) -> None:
    target = tmp_path / "audit.jsonl"

    call_command("audit", "export", "--until", "2999-12-31", str(target))

    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == list(
        AuditEntry.objects.order_by("id").values_list("id", flat=True)
    )
    assert lines[0]["content"]["action"] == "orgunit.create"
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    assert f"exported {len(lines)} entries" in capsys.readouterr().out


def test_export_refuses_a_malformed_date(tree: Tree, tmp_path) -> None:
    with pytest.raises(CommandError, match="--until"):
        call_command("audit", "export", "--until", "last year", str(tmp_path / "x.jsonl"))
