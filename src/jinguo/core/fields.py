"""`EncryptedTextField`: a text column stored as an AES-256-GCM token (jinguo.core.crypto).

Contract
    * In Python the attribute is plaintext; in the database it is ``v1:<kid>:<data>``. Every
      write (save, bulk_create, update, bulk_update) encrypts with the current key; reads
      (instances, ``values()``, ``values_list()``) decrypt.
    * The context (associated data) is ``"<app_label>.<model>.<field>"``, set when the field is
      bound to its model, or pinned with ``context=`` so that a later rename of the model or
      field keeps old values readable.
    * None and "" are stored as they are (NULL and empty text): they hold no personal data, and
      ``isnull`` stays useful. Use ``null=True`` for optional values.
    * Encrypted values cannot be compared in SQL: every lookup except ``isnull`` is refused with
      a FieldError. Filter on the column's blind index instead.
    * A write may not be an SQL expression other than the field's own (``F("phone")``,
      ``Upper(...)`` or ``Value("x")`` would store plaintext or another column's token).
    * A value that already looks like a token is refused on write, so a token cannot be copied
      in from elsewhere (which would make the application decrypt it for whoever pasted it).
    * ``to_python`` does not decrypt, for the same reason: form input is plaintext.
    * Serialisation (``dumpdata``) writes a fresh token, never plaintext; such output cannot be
      loaded back with ``loaddata`` (the token is refused, see above).
    * The model must register the field in its AppConfig.ready() with
      `jinguo.core.crypto.register_encrypted_field`, or ``check`` reports core.E001.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Lookup, Transform, Value
from django.db.models.expressions import Col
from django.db.models.functions import Cast

from jinguo.core import crypto


class EncryptedTextField(models.TextField[str | None, str | None]):
    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args: Any, context: str | None = None, **kwargs: Any) -> None:
        self.pinned_context = context
        super().__init__(*args, **kwargs)

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.encryption_context = self.pinned_context or f"{cls._meta.label_lower}.{name}"

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.pinned_context is not None:
            kwargs["context"] = self.pinned_context
        return name, path, args, kwargs

    # --- reading and writing ----------------------------------------------------------------

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if crypto.is_token(value):
            raise ValueError(
                f"{self.encryption_context}: refusing to store a value that is already "
                "encrypted; assign the plaintext"
            )
        return crypto.encrypt(value, context=self.encryption_context)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if hasattr(value, "as_sql") and not self._is_own_expression(value):
            raise FieldError(
                f"{self.encryption_context} is encrypted: assign a plain value, not an SQL "
                "expression, so that it is encrypted before it reaches the database"
            )
        return super().get_db_prep_save(value, connection)

    def _is_own_expression(self, expression: Any) -> bool:
        """Whether writing `expression` still encrypts: the field's own Values and column.

        bulk_update() writes ``Case(When(pk=…, then=Value(v, output_field=field)))``, cast to
        the field on PostgreSQL; those Values go through get_prep_value when compiled.
        """
        if isinstance(expression, Value) and expression.value is None:
            return True  # NULL, as in bulk_update's ELSE branch
        if isinstance(expression, Value | Col):
            output = getattr(expression, "_output_field_or_none", None)
            return (
                isinstance(output, EncryptedTextField)
                and output.encryption_context == self.encryption_context
            )
        if isinstance(expression, Cast):
            return self._is_own_expression(expression.source_expressions[0])
        if isinstance(expression, Case):
            results = [when.result for when in expression.cases]
            return all(self._is_own_expression(value) for value in [*results, expression.default])
        return False

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(self.get_prep_value(value))

    # --- lookups ----------------------------------------------------------------------------

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.encryption_context} is encrypted and cannot be compared in the database "
            f"(lookup {lookup_name!r}); filter on its blind index, or use __isnull"
        )

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        return None

    # --- checks -----------------------------------------------------------------------------

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not crypto.is_registered(self.model, self.name):
            errors.append(
                checks.Error(
                    "encrypted field is not registered, so `jinguo keys rotate` would skip it",
                    hint=(
                        "call jinguo.core.crypto.register_encrypted_field"
                        f"({self.model.__name__}, {self.name!r}) in the app's ready()"
                    ),
                    obj=self,
                    id="core.E001",
                )
            )
        if self.unique or getattr(self, "db_index", False) or self.primary_key:
            errors.append(
                checks.Error(
                    "an encrypted field cannot be unique, indexed or a primary key: every "
                    "encryption of a value differs",
                    hint="put the index or unique constraint on the field's blind index",
                    obj=self,
                    id="core.E002",
                )
            )
        return errors
