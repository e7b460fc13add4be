"""Declarations of what can be exported: a registry's columns and how each reads a row.

An export reuses the import's `Column` (header, kind, width, mask), so a column is declared
the same way whether it goes into the system or out of it. A column with a `mask` holds
sensitive personal information: the export shows the mask unless the user may and asks to
see the full value (`services.export_people`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise

from jinguo.imports.columns import Column

R = TypeVar("R")


@dataclass(frozen=True)
class ExportColumn(Generic[R]):
    column: Column
    value: Callable[[R], object]

    @property
    def sensitive(self) -> bool:
        return self.column.mask is not None


@dataclass(frozen=True)
class ExportType(Generic[R]):
    key: str
    title: Promise | str
    columns: Sequence[ExportColumn[R]]

    def header(self) -> list[str]:
        """The headers in the active language."""
        return [str(c.column.header) for c in self.columns]

    def row(self, item: R, *, reveal: bool) -> list[object]:
        """One row's values; sensitive ones masked unless `reveal`."""
        values: list[object] = []
        for export_column in self.columns:
            value = export_column.value(item)
            mask = export_column.column.mask
            if mask is not None and not reveal:
                value = mask(value)
            values.append(value)
        return values


_EXPORT_TYPES: dict[str, ExportType[Any]] = {}


def register(export_type: ExportType[R]) -> ExportType[R]:
    if export_type.key in _EXPORT_TYPES:
        raise ValueError(f"export type {export_type.key!r} is already registered")
    _EXPORT_TYPES[export_type.key] = export_type
    return export_type


def export_types() -> dict[str, ExportType[Any]]:
    return dict(_EXPORT_TYPES)
