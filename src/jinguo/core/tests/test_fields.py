"""EncryptedTextField without a table: binding, conversion, refusals, checks, migrations.

Round trips through the database are in test_keys_command.py.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.lookups import IsNull

from jinguo.core import crypto
from jinguo.core.fields import EncryptedTextField

ID_NUMBER = "150525198003081234"


class FieldSample(models.Model):
    secret = EncryptedTextField(null=True, blank=True)
    pinned = EncryptedTextField(blank=True, context="people.person.id_number")
    plain = models.TextField(blank=True)
    bad = EncryptedTextField(unique=True)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"sample {self.pk}"


def field(name: str) -> EncryptedTextField:
    result = FieldSample._meta.get_field(name)
    assert isinstance(result, EncryptedTextField)
    return result


def test_the_context_is_the_model_label_and_field_name_unless_pinned() -> None:
    assert field("secret").encryption_context == "core.fieldsample.secret"
    assert field("pinned").encryption_context == "people.person.id_number"


def test_a_value_is_encrypted_on_the_way_in_and_decrypted_on_the_way_out() -> None:
    stored = field("secret").get_prep_value(ID_NUMBER)

    assert stored.startswith("v1:")
    assert ID_NUMBER not in stored
    assert crypto.decrypt(stored, context="core.fieldsample.secret") == ID_NUMBER
    assert field("secret").from_db_value(stored, None, connection) == ID_NUMBER


def test_a_value_of_one_field_does_not_read_as_another() -> None:
    stored = field("secret").get_prep_value(ID_NUMBER)

    with pytest.raises(crypto.DecryptionError):
        field("pinned").from_db_value(stored, None, connection)


@pytest.mark.parametrize("empty", [None, ""])
def test_none_and_empty_are_stored_as_they_are(empty) -> None:
    assert field("secret").get_prep_value(empty) == empty
    assert field("secret").from_db_value(empty, None, connection) == empty


def test_form_input_is_never_decrypted() -> None:
    # A token pasted into a form must not come back as plaintext (a decryption oracle).
    token = field("secret").get_prep_value(ID_NUMBER)

    assert field("secret").to_python(token) == token
    with pytest.raises(ValueError, match="already encrypted"):
        field("secret").get_prep_value(token)


def test_only_the_fields_own_expressions_may_be_written() -> None:
    own = field("secret")

    with pytest.raises(FieldError, match="not an SQL expression"):
        own.get_db_prep_save(Value(ID_NUMBER), connection)
    with pytest.raises(FieldError, match="not an SQL expression"):
        own.get_db_prep_save(Upper(Value(ID_NUMBER), output_field=own), connection)
    with pytest.raises(FieldError, match="not an SQL expression"):
        own.get_db_prep_save(field("pinned").get_col("t"), connection)
    # What bulk_update() writes: Values carrying the field, encrypted when compiled.
    assert isinstance(own.get_db_prep_save(Value(ID_NUMBER, output_field=own), connection), Value)


@pytest.mark.parametrize(
    "lookup", ["secret", "secret__exact", "secret__iexact", "secret__contains", "secret__in"]
)
def test_encrypted_values_cannot_be_compared_in_the_database(lookup) -> None:
    with pytest.raises(FieldError, match=r"core\.fieldsample\.secret is encrypted"):
        FieldSample._default_manager.filter(**{lookup: ID_NUMBER})


def test_transforms_are_refused_too() -> None:
    with pytest.raises(FieldError):
        FieldSample._default_manager.filter(secret__lower__exact="x")


def test_isnull_is_the_one_lookup_allowed() -> None:
    query = FieldSample._default_manager.filter(secret__isnull=True).query

    (condition,) = query.where.children
    assert isinstance(condition, IsNull)


def test_serialised_output_holds_a_token_not_the_plaintext() -> None:
    sample = FieldSample(secret=ID_NUMBER)

    text = field("secret").value_to_string(sample)

    assert ID_NUMBER not in text
    assert crypto.decrypt(text, context="core.fieldsample.secret") == ID_NUMBER


def test_migrations_serialise_the_field_with_its_pinned_context() -> None:
    source, imports = MigrationWriter.serialize(field("pinned"))

    assert source == (
        "jinguo.core.fields.EncryptedTextField(blank=True, context='people.person.id_number')"
    )
    assert imports == {"import jinguo.core.fields"}
    _name, _path, args, kwargs = field("secret").deconstruct()
    assert (args, kwargs) == ([], {"blank": True, "null": True})


def test_an_unregistered_encrypted_field_fails_the_system_check(monkeypatch) -> None:
    monkeypatch.setattr(crypto, "_encrypted_fields", [])
    assert [error.id for error in field("secret").check()] == ["core.E001"]

    crypto.register_encrypted_field(FieldSample, "secret")

    assert field("secret").check() == []


def test_an_encrypted_field_cannot_be_unique(monkeypatch) -> None:
    monkeypatch.setattr(crypto, "_encrypted_fields", [(FieldSample, "bad")])

    assert [error.id for error in field("bad").check()] == ["core.E002"]


def test_only_encrypted_fields_can_be_registered() -> None:
    with pytest.raises(TypeError, match="not an EncryptedTextField"):
        crypto.register_encrypted_field(FieldSample, "plain")
