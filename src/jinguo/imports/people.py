"""The people registry as an import type: one row, one person, through the people services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.imports.columns import Column, Kind
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.orgunits import access
from jinguo.orgunits.models import AREA_LEVEL, Level, OrgUnit
from jinguo.people import ethnicity, idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose, Education, Hukou, Marital, Sex
from jinguo.people.models import Person
from jinguo.people.services import (
    ConsentInput,
    id_index,
    person_delete,
    person_register,
    person_update,
)

UNKNOWN_UNIT = _("No village or community “%(value)s” lies inside %(unit)s.")
AMBIGUOUS_UNIT = _("“%(value)s” names several villages inside %(unit)s: use the code instead.")
CHANGED_SINCE_IMPORT = _("%(name)s's record has been edited since the import.")
VERSION_AFTER = "_version_after"
DEFAULT_SCOPE = "姓名、身份证号、电话及家庭情况，由妇联登记并用于服务"

COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("person", "Name"),
        required=True,
        synonyms=("姓名", "名字"),
        example="王芳",
        width=10,
    ),
    Column(
        "sex",
        _("Sex"),
        Kind.CHOICE,
        choices=Sex.choices,
        synonyms=("性别",),
        note=_("Read from the ID number when there is one."),
        example="女",
        width=6,
    ),
    Column(
        "birth_date",
        _("Birth date"),
        Kind.DATE,
        synonyms=("出生日期", "出生年月日"),
        note=_("e.g. 1980-03-08"),
        example="1980-03-08",
    ),
    Column(
        "id_number",
        _("Citizen ID number"),
        Kind.ID_NUMBER,
        synonyms=("身份证号", "身份证号码", "公民身份号码", "身份证"),
        note=_("18 characters; format the column as text."),
        example="152326198003081247",
        width=22,
        mask=mask_id_number,
    ),
    Column(
        "phone",
        _("Phone"),
        Kind.PHONE,
        synonyms=("电话", "手机", "手机号", "联系电话"),
        example="13812345678",
        width=14,
        mask=mask_phone,
    ),
    Column(
        "ethnicity",
        _("Ethnicity"),
        Kind.CHOICE,
        synonyms=("民族",),
        choices=[(e.code, e.name_zh) for e in ethnicity.ETHNICITIES],
        example="蒙古族",
        width=10,
    ),
    Column(
        "residence",
        _("Village or community"),
        Kind.UNIT_CODE,
        required=True,
        synonyms=("居住地", "所在村", "嘎查村", "村（社区）", "村社区", "村居代码", "村代码"),
        note=_("The 12-digit code or the exact name of the village or community."),
        example="150525100221",
        width=16,
    ),
    Column(
        "hukou",
        _("Household registration"),
        Kind.CHOICE,
        choices=Hukou.choices,
        synonyms=("户籍", "户口性质", "户籍类型"),
        example="农村",
        width=10,
    ),
    Column(
        "education",
        _("Education"),
        Kind.CHOICE,
        choices=Education.choices,
        synonyms=("文化程度", "学历"),
        width=12,
    ),
    Column(
        "marital_status",
        _("Marital status"),
        Kind.CHOICE,
        choices=Marital.choices,
        synonyms=("婚姻状况",),
        width=10,
    ),
    Column("occupation", _("Occupation"), synonyms=("职业",), width=12),
    Column("notes", _("Notes"), synonyms=("备注",), width=20),
    Column(
        "consent_given_by",
        _("Consent given by"),
        Kind.CHOICE,
        choices=ConsentGiver.choices,
        synonyms=("同意人", "知情同意人"),
        note=_("Needed with an ID number or phone: the person herself or, under 14, her guardian."),
        example="本人",
        width=12,
    ),
    Column(
        "consent_giver_name",
        _("Name of whoever consented"),
        synonyms=("同意人姓名", "监护人姓名"),
        width=12,
    ),
    Column(
        "consent_date",
        _("Consent given on"),
        Kind.DATE,
        synonyms=("同意日期",),
        example="2014-03-08",
    ),
)

# Fields of a person a row may set, and how they are compared with the stored record.
PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "ethnicity",
    "residence",
    "hukou",
    "education",
    "marital_status",
    "occupation",
    "notes",
)


def _resolve_unit(ctx: ImportContext, value: str) -> OrgUnit:
    within = OrgUnit.objects.filter(path__within=ctx.unit.path)
    villages = [k for k, level in AREA_LEVEL.items() if level == Level.VILLAGE]
    found = list(within.filter(code=value, kind__in=villages)[:1]) or list(
        within.filter(name=value, kind__in=villages, closed_on__isnull=True)[:2]
    )
    if not found:
        raise ApplicationError(
            UNKNOWN_UNIT,
            code="unknown_unit",
            field="residence",
            params={"value": value, "unit": ctx.unit.name},
        )
    if len(found) > 1:
        raise ApplicationError(
            AMBIGUOUS_UNIT,
            code="ambiguous_unit",
            field="residence",
            params={"value": value, "unit": ctx.unit.name},
        )
    access.require(ctx.actor, Perm.EDIT, found[0])
    return found[0]


def _existing(values: dict[str, Any], residence: OrgUnit) -> Person | None:
    """The person a row describes, if she is registered: by ID number, else by name, birth
    date and village (all three must be known)."""
    if values.get("id_number"):
        number = idnumbers.parse(values["id_number"]).number
        return (
            Person.objects.select_related("residence")
            .filter(id_number_index=id_index(number))
            .first()
        )
    if values.get("birth_date"):
        return (
            Person.objects.active()
            .select_related("residence")
            .filter(name=values["name"], birth_date=values["birth_date"], residence=residence)
            .first()
        )
    return None


def _consent(values: dict[str, Any]) -> ConsentInput | None:
    if not (values.get("id_number") or values.get("phone")) or not values.get("consent_given_by"):
        return None
    return ConsentInput(
        purpose=ConsentPurpose.REGISTRY,
        scope=DEFAULT_SCOPE,
        given_by=values["consent_given_by"],
        giver_name=values.get("consent_giver_name") or values["name"],
        given_on=values.get("consent_date") or timezone.localdate(),
    )


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "ethnicity": person.ethnicity,
        "residence": person.residence_id,
        "hukou": person.hukou,
        "education": person.education,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "notes": person.notes,
    }


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    residence = _resolve_unit(ctx, str(values["residence"]))
    person = _existing(values, residence)
    given = {key: values[key] for key in PERSON_FIELDS if values.get(key) not in (None, "")}
    given["residence"] = residence
    if person is None:
        registered = person_register(actor=ctx.actor, consent=_consent(values), **given)
        return Applied(Outcome.NEW, registered)
    access.require(ctx.actor, Perm.EDIT, person.residence)
    changed = {
        key: value
        for key, value in given.items()
        if key not in ("id_number",) and getattr(person, key) != value
    }
    if "phone" in changed and changed["phone"] == (person.phone or ""):
        changed.pop("phone")
    if not changed:
        return Applied(Outcome.UNCHANGED, person)
    before = _snapshot(person)
    updated = person_update(actor=ctx.actor, person=person, version=person.version, **changed)
    return Applied(Outcome.UPDATED, updated, {**before, VERSION_AFTER: updated.version})


def _refuse_if_changed(person: Person, version: int) -> None:
    if person.version != version:
        raise ApplicationError(
            CHANGED_SINCE_IMPORT, code="changed_since", field=None, params={"name": person.name}
        )


def undo_created(actor: Any, obj: Model) -> None:
    assert isinstance(obj, Person)  # noqa: S101
    _refuse_if_changed(obj, 1)
    person_delete(actor=actor, person=obj, reason="import undone")


def undo_updated(actor: Any, obj: Model, before: dict[str, Any]) -> None:
    assert isinstance(obj, Person)  # noqa: S101
    restored = dict(before)
    _refuse_if_changed(obj, restored.pop(VERSION_AFTER))
    restored["residence"] = OrgUnit.objects.get(pk=restored["residence"])
    if restored.get("birth_date"):
        restored["birth_date"] = dt.date.fromisoformat(restored["birth_date"])
    person_update(actor=actor, person=obj, version=obj.version, **restored)


PEOPLE = register(
    ImportType(
        key="people",
        label=_("People"),
        columns=COLUMNS,
        apply=apply,
        undo_created=undo_created,
        undo_updated=undo_updated,
        model=Person,
    )
)
