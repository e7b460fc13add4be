"""What the import types of other registries share: the ID-number column of a sheet and the
person a row names by it, found among the people the uploader may see (never beyond: a number
of someone outside her scope reads as unknown, so a sheet cannot probe the registry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import refuse
from jinguo.core.masking import mask_id_number
from jinguo.imports.columns import Column, Kind
from jinguo.imports.registry import ImportContext
from jinguo.orgunits import access
from jinguo.people import idnumbers
from jinguo.people.models import Person
from jinguo.people.services import id_index
from jinguo.programmes.models import Programme
from jinguo.programmes.selectors import programme_list

Named = TypeVar("Named")

UNKNOWN_PROGRAMME = _("You have no programme called “%(value)s”.")
AMBIGUOUS_PROGRAMME = _(
    "Several programmes you can see are called “%(value)s” (run by %(owners)s): ask the "
    "county to rename one of them."
)
UNKNOWN_PERSON = _("No registered person you may see has the ID number %(number)s.")
OUTSIDE_UNIT = _("%(name)s lives outside %(unit)s, the unit chosen for this import.")
ID_SYNONYMS = ("身份证号", "身份证号码", "公民身份号码", "身份证")


def id_number_column(key: str, note: Any, *, required: bool = True) -> Column:
    return Column(
        key,
        _("Citizen ID number"),
        Kind.ID_NUMBER,
        required=required,
        synonyms=ID_SYNONYMS,
        note=note,
        example="15232619800308124X",
        width=22,
        mask=mask_id_number,
    )


def people_seen(ctx: ImportContext) -> QuerySet[Person]:
    return access.scoped(ctx.actor, Person.objects.active(), path_field="residence__path")


def person_by_id_number(
    ctx: ImportContext, number: str, field: str, *, in_unit: bool = False
) -> Person:
    """The person with this ID number among those the uploader sees; with `in_unit`, she must
    live inside the unit the import was uploaded for."""
    # The cell parser checked and normalised the number; an old 15-digit one is upgraded.
    full = number if len(number) == 18 else idnumbers.parse(number).number
    person = (
        people_seen(ctx).select_related("residence").filter(id_number_index=id_index(full)).first()
    )
    if person is None:
        raise refuse(UNKNOWN_PERSON, "unknown_person", field, number=mask_id_number(full))
    if in_unit and not person.residence.path.startswith(ctx.unit.path):
        raise refuse(OUTSIDE_UNIT, "outside_unit", field, name=person.name, unit=ctx.unit.name)
    return person


def programme_by_name(ctx: ImportContext, value: str) -> Programme:
    """The programme of this name among those the uploader sees (read once an import); an
    error on the programme column when none or several are."""
    named: dict[str, list[Programme]] | None = ctx.cache.get("programmes")
    if named is None:
        named = ctx.cache["programmes"] = {}
        for programme in programme_list(ctx.actor).order_by("pk"):
            named.setdefault(programme.name, []).append(programme)
    return only_one(
        named.get(value.strip(), []), "programme", value, UNKNOWN_PROGRAMME, AMBIGUOUS_PROGRAMME
    )


def only_one(found: Sequence[Named], field: str, value: str, unknown: Any, ambiguous: Any) -> Named:
    """The one record a cell names (`found`: those of that name the uploader may use); an
    error on `field` when there is none, or several (naming their owners' units)."""
    if not found:
        raise refuse(unknown, f"unknown_{field}", field, value=value)
    if len(found) > 1:
        owners = "、".join(sorted({str(getattr(item, "owner", "")) for item in found}))
        raise refuse(ambiguous, f"ambiguous_{field}", field, value=value, owners=owners)
    return found[0]
