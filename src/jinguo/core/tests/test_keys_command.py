"""`jinguo keys` and the encrypted field against a real table, on SQLite and PostgreSQL.

The table of `KeyNote` is created for this module with the schema editor: the model exists
only here, so it has no migration.
"""

from __future__ import annotations

import base64
import re
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.db.models import F, Value

from jinguo.core import crypto
from jinguo.core.fields import EncryptedTextField

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
KEY_C = base64.b64encode(bytes(range(64, 96))).decode()
NUMBERS = [f"1505251980030812{n:02d}" for n in range(7)]


class KeyNote(models.Model):
    secret = EncryptedTextField(null=True, blank=True)
    secret_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    phone = EncryptedTextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"note {self.pk}"


notes = KeyNote._default_manager


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


@pytest.fixture(scope="module")
def key_note_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(KeyNote)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(KeyNote)


@pytest.fixture
def registered(key_note_table, db, settings, monkeypatch):
    """KeyNote's columns are the only ones registered; the ring holds key A alone."""
    settings.DATA_KEY = KEY_A
    settings.INDEX_KEY = ""
    monkeypatch.setattr(crypto, "_encrypted_fields", [])
    monkeypatch.setattr(crypto, "_blind_indexes", [])
    crypto.register_encrypted_field(KeyNote, "secret")
    crypto.register_encrypted_field(KeyNote, "phone")
    return {
        "secret": crypto.register_blind_index(
            KeyNote, source_field="secret", index_field="secret_index", normalise=str.upper
        ),
        "phone": crypto.register_blind_index(
            KeyNote, source_field="phone", index_field="phone_index", normalise=digits
        ),
    }


def note_create(indexes, secret: str | None, phone: str = "") -> KeyNote:
    return notes.create(
        secret=secret,
        secret_index=indexes["secret"].compute(secret),
        phone=phone,
        phone_index=indexes["phone"].compute(phone),
    )


def stored(column: str) -> list[Any]:
    table = connection.ops.quote_name(KeyNote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def run(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def rotate_to_b(settings) -> None:
    settings.INDEX_KEY = KEY_A
    settings.DATA_KEY = f"k2:{KEY_B},k1:{KEY_A}"


# --- the field against the database ---------------------------------------------------------------


def test_the_database_holds_tokens_and_never_the_plaintext(registered) -> None:
    note = note_create(registered, NUMBERS[0], "13812345678")
    notes.filter(pk=note.pk).update(phone="13987654321")
    notes.bulk_update([KeyNote(pk=note.pk, secret=NUMBERS[1])], ["secret"])

    secrets, phones = stored("secret"), stored("phone")

    assert secrets[0].startswith("v1:k1:")
    assert phones[0].startswith("v1:k1:")
    for value in [NUMBERS[0], NUMBERS[1], "13812345678", "13987654321", "1505251980"]:
        assert value not in secrets[0] + phones[0]
    reloaded = notes.get(pk=note.pk)
    assert (reloaded.secret, reloaded.phone) == (NUMBERS[1], "13987654321")
    assert list(notes.values_list("secret", flat=True)) == [NUMBERS[1]]


def test_empty_values_stay_null_or_empty_and_can_be_filtered(registered) -> None:
    note_create(registered, None)
    note_create(registered, NUMBERS[0], "13812345678")

    assert stored("secret")[0] is None
    assert stored("phone")[0] == ""
    assert notes.filter(secret__isnull=True).count() == 1


def test_lookups_go_through_the_blind_index(registered) -> None:
    note = note_create(registered, NUMBERS[0] + "x")

    with pytest.raises(FieldError, match="blind index"):
        notes.filter(secret=NUMBERS[0] + "x").count()
    found = notes.get(
        secret_index=crypto.blind_index(NUMBERS[0] + "X", context="core.keynote.secret")
    )
    assert found.pk == note.pk


def test_a_column_cannot_be_written_with_an_sql_expression(registered) -> None:
    note = note_create(registered, NUMBERS[0], "13812345678")

    for expression in [F("phone"), Value("13812345678")]:
        with pytest.raises(FieldError, match="not an SQL expression"), transaction.atomic():
            notes.filter(pk=note.pk).update(secret=expression)
    assert notes.get(pk=note.pk).secret == NUMBERS[0]


# --- generate ---------------------------------------------------------------------------------


def test_generate_prints_a_key_line_for_the_next_key_id(registered, settings) -> None:
    line = run("generate").strip()

    assert line.split(":")[0] == "k2"
    assert crypto.parse_key_ring(f"{line},k1:{KEY_A}", KEY_A).current == "k2"
    rotate_to_b(settings)
    assert run("generate").startswith("k3:")
    assert run("generate", "--kid", "spring2026").startswith("spring2026:")
    assert crypto.parse_key_ring(run("generate", "--bare").strip()).current == "k1"


def test_generate_refuses_a_bad_key_id(registered) -> None:
    with pytest.raises(CommandError, match="key id"):
        run("generate", "--kid", "no:colons")


# --- status -----------------------------------------------------------------------------------


def test_status_shows_the_ring_and_how_many_values_each_key_holds(registered, settings) -> None:
    for number in NUMBERS[:3]:
        note_create(registered, number)
    rotate_to_b(settings)
    note_create(registered, NUMBERS[3], "13812345678")
    note_create(registered, None)

    output = run("status")

    assert re.search(r"k2\s+current\s+fingerprint [0-9a-f]{8}", output)
    assert re.search(r"k1\s+decrypt only\s+fingerprint [0-9a-f]{8}", output)
    assert "blind-index key: from JINGUO_INDEX_KEY" in output
    assert "core.keynote.secret: k2=1 k1=3 empty=1 other=0 needing rotation=3" in output
    assert "core.keynote.phone: k2=1 k1=0 empty=4 other=0 needing rotation=0" in output
    assert "core.keynote.secret_index: blind index of secret" in output
    assert KEY_A not in output
    assert KEY_B not in output


# --- rotate -----------------------------------------------------------------------------------


def test_rotate_re_encrypts_old_values_under_the_current_key(registered, settings) -> None:
    for number in NUMBERS:
        note_create(registered, number, "13812345678")
    note_create(registered, None)
    before = stored("secret")
    rotate_to_b(settings)
    note_create(registered, "already-current")

    output = run("rotate", "--batch-size", "3")

    assert "core.keynote.secret: 7 re-encrypted under k2" in output
    assert "core.keynote.phone: 7 re-encrypted under k2" in output
    after = stored("secret")
    assert [token[:6] for token in after if token] == ["v1:k2:"] * 8
    assert after[:7] != before[:7]
    assert after[7] is None
    # Old key retired: everything still reads.
    settings.DATA_KEY = f"k2:{KEY_B}"
    assert sorted(notes.exclude(secret__isnull=True).values_list("secret", flat=True)) == sorted(
        [*NUMBERS, "already-current"]
    )


def test_rotate_twice_changes_nothing_the_second_time(registered, settings) -> None:
    note_create(registered, NUMBERS[0])
    rotate_to_b(settings)
    run("rotate")
    tokens = stored("secret")

    output = run("rotate")

    assert "core.keynote.secret: 0 re-encrypted" in output
    assert stored("secret") == tokens


def test_an_interrupted_rotation_finishes_when_run_again(registered, settings, monkeypatch) -> None:
    for number in NUMBERS:
        note_create(registered, number)
    rotate_to_b(settings)
    real_bulk_update = models.QuerySet.bulk_update
    calls = []

    def crash_on_second_batch(self, objs, fields, batch_size=None):
        calls.append(len(objs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_bulk_update(self, objs, fields, batch_size=batch_size)

    monkeypatch.setattr(models.QuerySet, "bulk_update", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        crypto.rotate_field(KeyNote, "secret", batch_size=3)
    assert [token[:6] for token in stored("secret")] == ["v1:k2:"] * 3 + ["v1:k1:"] * 4

    monkeypatch.setattr(models.QuerySet, "bulk_update", real_bulk_update)
    report = crypto.rotate_field(KeyNote, "secret", batch_size=3)

    assert report.changed == 4
    assert [token[:6] for token in stored("secret")] == ["v1:k2:"] * 7


def test_rotate_leaves_undecryptable_values_alone_and_says_so(registered, settings) -> None:
    good = note_create(registered, NUMBERS[0])
    lost = note_create(registered, NUMBERS[1])
    # k1 comes back as a different key (an operator's copying mistake): `good` is rewritten
    # under it, `lost` keeps a token that the new k1 cannot open.
    settings.DATA_KEY = KEY_C
    notes.filter(pk=good.pk).update(secret=NUMBERS[0])
    token_of_lost = stored("secret")[1]
    settings.INDEX_KEY = KEY_C
    settings.DATA_KEY = f"k2:{KEY_B},k1:{KEY_C}"

    with pytest.raises(CommandError, match=rf"core.keynote.secret: 1 \(pk {lost.pk}\)"):
        run("rotate")

    assert stored("secret")[0].startswith("v1:k2:")
    assert stored("secret")[1] == token_of_lost
    assert notes.filter(pk=good.pk).values_list("secret", flat=True).get() == NUMBERS[0]


# --- blind indexes across rotations -------------------------------------------------------------


def test_lookups_by_blind_index_still_work_after_rotation(registered, settings) -> None:
    note = note_create(registered, NUMBERS[0], "138 1234 5678")
    rotate_to_b(settings)
    run("rotate")
    settings.DATA_KEY = f"k2:{KEY_B}"

    by_id = registered["secret"].compute(NUMBERS[0])
    by_phone = registered["phone"].compute("13812345678")

    assert notes.get(secret_index=by_id, phone_index=by_phone).pk == note.pk
    assert "0 blind indexes rewritten" in run("reindex")


def test_reindex_rewrites_every_index_for_a_new_index_key(registered, settings) -> None:
    for number in NUMBERS[:4]:
        note_create(registered, number, "13812345678")
    note_create(registered, None)
    rotate_to_b(settings)
    settings.INDEX_KEY = KEY_C

    output = run("reindex", "--batch-size", "2")

    assert "core.keynote.secret_index: 4 blind indexes rewritten" in output
    assert "core.keynote.phone_index: 4 blind indexes rewritten" in output
    assert notes.get(secret_index=registered["secret"].compute(NUMBERS[2])).secret == NUMBERS[2]
    assert notes.filter(secret_index__isnull=True).count() == 1
    assert notes.filter(phone_index="").count() == 1
    assert "0 blind indexes rewritten" in run("reindex")
