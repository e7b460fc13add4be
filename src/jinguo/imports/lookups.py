"""What the import types of other registries share: the ID-number column of a sheet and the
person a row names by it, found among the people the uploader may see (never beyond: a number
of someone outside her scope reads as unknown, so a sheet cannot probe the registry)."""

from __future__ import annotations

from typing import Any

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
        example="152326198003081247",
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
