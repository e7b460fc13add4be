"""Import types: what a registry declares to be importable.

A registry plugs in with one declaration: its columns (`columns.Column`) and `apply`, which
writes one parsed row through the registry's own services (the same door as its forms and
API) and says whether the row made a new record, changed one or found it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

from jinguo.imports.columns import Column
from jinguo.orgunits.models import OrgUnit


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


@dataclass(frozen=True)
class ImportContext:
    actor: Any
    unit: OrgUnit  # the unit chosen at upload: every row must lie inside it


@dataclass(frozen=True)
class ImportType:
    key: str
    label: Promise | str
    columns: Sequence[Column]
    apply: Callable[[ImportContext, dict[str, Any]], Applied]
    undo_created: Callable[[Any, Model], None]
    undo_updated: Callable[[Any, Model, dict[str, Any]], None]
    model: type[Model]


_types: dict[str, ImportType] = {}


def register(import_type: ImportType) -> ImportType:
    _types[import_type.key] = import_type
    return import_type


def get(key: str) -> ImportType | None:
    return _types.get(key)


def all_types() -> list[ImportType]:
    return list(_types.values())
