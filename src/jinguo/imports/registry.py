"""Import types: what a registry declares to be importable.

A registry plugs in with one declaration: its columns (`columns.Column`) and `apply`, which
writes one parsed row through the registry's own services (the same door as its forms and
API) and says whether the row made a new record, changed one or found it unchanged.

A registry with many rows to take may also declare `apply_many`, which takes a chunk of
parsed rows at once (about a thousand) and returns, for each row in order, what `apply` would
have returned or the error it would have raised, with the same validators: it checks the chunk
with a few queries instead of several per row and writes it with bulk inserts. The engine
uses it when declared, for the dry run and for the commit alike.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError
from jinguo.imports.columns import Column
from jinguo.orgunits.models import OrgUnit

SAME_RECORD = _(
    "Row %(row)d of this file already describes this record: keep one row for each record."
)


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    obj: Model | None = None
    # The record's state before an update, for undo (services' own snapshot format).
    before: dict[str, Any] | None = None


class Ledger:
    """The records that earlier rows of this import wrote or found, by primary key, with the
    row that did: a later row about the same record is an error (otherwise it would silently
    overwrite the first).

    Kept small for a million rows: keys that arrive in increasing order (the ids of records
    created one after another, or found in the order they were created) go into two arrays of
    64-bit integers, searched by bisection; any other key into a dict.
    """

    def __init__(self) -> None:
        self._keys = array("q")
        self._rows = array("q")
        self._other: dict[object, int] = {}
        self._journal: list[object] | None = None

    def row_of(self, key: object) -> int | None:
        """The row that claimed `key`, or None."""
        if type(key) is int and self._keys:
            at = bisect_left(self._keys, key)
            if at < len(self._keys) and self._keys[at] == key:
                return self._rows[at]
        return self._other.get(key)

    def refuse_if_claimed(self, key: object) -> None:
        row = self.row_of(key)
        if row is not None:
            raise ApplicationError(SAME_RECORD, code="same_record", field=None, params={"row": row})

    def claim(self, key: object, row: int) -> None:
        """Record that `row` wrote or found `key`; an error if an earlier row did."""
        self.refuse_if_claimed(key)
        if type(key) is int and (not self._keys or key > self._keys[-1]) and key < 2**63:
            self._keys.append(key)
            self._rows.append(row)
        else:
            self._other[key] = row
            if self._journal is not None:
                self._journal.append(key)

    def __len__(self) -> int:
        return len(self._keys) + len(self._other)

    @contextmanager
    def tentative(self) -> Iterator[None]:
        """Claims made inside are forgotten if it ends with an exception (when the writes of
        the rows that made them are rolled back)."""
        size, self._journal = len(self._keys), []
        try:
            yield
        except BaseException:
            del self._keys[size:]
            del self._rows[size:]
            for key in self._journal:
                self._other.pop(key, None)
            raise
        finally:
            self._journal = None


@dataclass(frozen=True)
class ImportContext:
    actor: Any
    unit: OrgUnit  # the unit chosen at upload: every row must lie inside it
    ledger: Ledger = field(default_factory=Ledger)
    # For the import type's own use during one import (e.g. the units of `unit`'s subtree,
    # looked up once rather than once a row).
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """A parsed row for `apply_many`: its number in the sheet and its values."""

    number: int
    values: dict[str, Any]


RowOutcome = Applied | ApplicationError


@dataclass(frozen=True)
class ImportType:
    key: str
    label: Promise | str
    columns: Sequence[Column]
    apply: Callable[[ImportContext, dict[str, Any]], Applied]
    model: type[Model]
    undo_created: Callable[[Any, Model], None] | None = None
    undo_updated: Callable[[Any, Model, dict[str, Any]], None] | None = None
    # Why an import of this type cannot be undone, when its registry has no service that
    # removes what a row wrote (a delivery is a draw on a fund's ledger).
    no_undo: Promise | None = None
    # Optional: a chunk of rows at once; one outcome per row, in order (see the module doc).
    apply_many: Callable[[ImportContext, Sequence[Row]], list[RowOutcome]] | None = None
    # The column a refusal is about, by the name the registry's services give the field where
    # it is not the column's key (None: the row as a whole).
    service_fields: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.undo_created is None or self.undo_updated is None) and self.no_undo is None:
            raise ValueError(f"import type {self.key}: give undo functions or say why not")

    def column_of(self, field_name: str | None) -> str | None:
        """The key of the column a refusal naming `field_name` is about."""
        if field_name is None:
            return None
        return self.service_fields.get(field_name, field_name)


def apply_row(import_type: ImportType, ctx: ImportContext, row: Row) -> Applied:
    """One row through `apply` in a savepoint, claimed in the ledger: a refused row (by the
    registry's services, or because an earlier row already described its record) leaves
    nothing behind. Raises ApplicationError."""
    with transaction.atomic():
        applied = import_type.apply(ctx, row.values)
        if applied.obj is not None and applied.obj.pk is not None:
            ctx.ledger.claim(applied.obj.pk, row.number)
    return applied


_types: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    _types[import_type.key] = import_type
    return import_type


def get(key: str) -> ImportType | None:
    return _types.get(key)


def all_types() -> list[ImportType]:
    return list(_types.values())
