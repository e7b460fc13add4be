"""Declarations of spreadsheet columns, shared by templates, reading, validation and export.

A registry declares its columns once; the template writer, the header matcher, the cell
parsers and the exporter all read the same declaration, so a new registry plugs in by
declaring its columns and two functions (see `registry.ImportType`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    CHOICE = "choice"  # one of `choices` (value, label); cells may hold either
    ID_NUMBER = "id_number"  # kept as text; scientific notation is reported, never guessed
    PHONE = "phone"  # kept as text
    UNIT_CODE = "unit_code"  # code (or name) of an org unit inside the uploader's scope
    BOOL = "bool"  # 是/否, Y/N, 1/0, TRUE/FALSE


@dataclass(frozen=True)
class Column:
    key: str  # field name the registry's functions receive
    header: Promise | str  # the template's header (Chinese in the zh-hans template)
    kind: Kind = Kind.TEXT
    required: bool = False
    # Other headers the same column is known by in the wild ("身份证号码", "公民身份号码" …).
    synonyms: tuple[str, ...] = ()
    choices: Sequence[tuple[str, Promise | str]] = ()
    note: Promise | str = ""  # the template's notes row
    example: str = ""  # the template's example row
    width: int = 14  # column width in the template
    # Masking for export: a function from the stored value to what a user without REVEAL sees.
    mask: Callable[[Any], str] | None = field(default=None, compare=False)


def header_names(column: Column) -> tuple[str, ...]:
    """Every header a column may appear under, as plain strings."""
    return (str(column.header), *column.synonyms)


# The columns of goods given (benefits, donations): how many, counted in what.
GOODS_QUANTITY = Column(
    "quantity",
    _("Quantity"),
    Kind.DECIMAL,
    synonyms=("数量",),
    note=_("Needed for goods."),
    width=8,
)
GOODS_MEASURE = Column(
    "measure",
    _("Measure"),
    synonyms=("计量单位", "单位"),
    note=_("Needed for goods: 件, 台, 斤, 袋 …"),
    width=8,
)
