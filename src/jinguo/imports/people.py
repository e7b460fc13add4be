"""The people registry as an import type: one row, one person, through the people services.

`apply` takes one row; `apply_many` a chunk of rows with the same validators
(`people.services.person_prepare`, which `person_register` also runs) and the same outcomes,
but one query for the registered people the chunk names (by the blind index of their ID
numbers, `id_number_index IN (…)`), one for those named without an ID number, and bulk inserts
of the new people, their consents and their audit entries (`person_register_many`). Rows about
a registered person whose record the row changes, and rows about a record an earlier row of
the chunk describes, go through `apply` one by one, after the rows before them are written, so
that every row meets the database exactly as it would row by row.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.imports.columns import Column, Kind
from jinguo.imports.registry import (
    Applied,
    ImportContext,
    ImportType,
    Outcome,
    Row,
    RowOutcome,
    apply_row,
    register,
)
from jinguo.orgunits import access
from jinguo.orgunits.models import AREA_LEVEL, Level, OrgUnit
from jinguo.people import ethnicity, idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose, Education, Hukou, Marital, Sex
from jinguo.people.models import Person
from jinguo.people.services import (
    ConsentInput,
    Registration,
    id_index,
    person_delete,
    person_prepare,
    person_register,
    person_register_many,
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
        example="15232619800308124X",
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
        synonyms=(
            "居住地",
            "所在村",
            "村居",
            "嘎查村",
            "村（社区）",
            "村社区",
            "村居代码",
            "村代码",
        ),
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


VILLAGE_KINDS = tuple(kind for kind, level in AREA_LEVEL.items() if level == Level.VILLAGE)


@dataclass
class _Villages:
    """The villages and communities of the upload unit's subtree, read once per import."""

    by_code: dict[str, OrgUnit]
    by_name: dict[str, list[OrgUnit]]  # open ones only
    allowed: set[int]  # ids the actor was found to hold EDIT on


def _villages(ctx: ImportContext) -> _Villages:
    cached = ctx.cache.get("villages")
    if isinstance(cached, _Villages):
        return cached
    villages = _Villages({}, {}, set())
    units = OrgUnit.objects.filter(path__within=ctx.unit.path, kind__in=VILLAGE_KINDS)
    for unit in units.order_by("pk"):
        villages.by_code.setdefault(unit.code, unit)
        if unit.closed_on is None:
            villages.by_name.setdefault(unit.name, []).append(unit)
    ctx.cache["villages"] = villages
    return villages


def _resolve_unit(ctx: ImportContext, value: str) -> OrgUnit:
    villages = _villages(ctx)
    code = villages.by_code.get(value)
    found = [code] if code is not None else villages.by_name.get(value, [])[:2]
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
    if found[0].pk not in villages.allowed:
        access.require(ctx.actor, Perm.EDIT, found[0])
        villages.allowed.add(found[0].pk)
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


def _given(values: dict[str, Any], residence: OrgUnit) -> dict[str, Any]:
    """The person's fields the row sets."""
    given = {key: values[key] for key in PERSON_FIELDS if values.get(key) not in (None, "")}
    given["residence"] = residence
    return given


def _changes(person: Person, given: dict[str, Any]) -> dict[str, Any]:
    """The fields of `given` that differ from the registered person (never her ID number)."""
    changed = {
        key: value
        for key, value in given.items()
        if key not in ("id_number",) and getattr(person, key) != value
    }
    if "phone" in changed and changed["phone"] == (person.phone or ""):
        changed.pop("phone")
    return changed


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    residence = _resolve_unit(ctx, str(values["residence"]))
    person = _existing(values, residence)
    given = _given(values, residence)
    if person is None:
        registered = person_register(actor=ctx.actor, consent=_consent(values), **given)
        return Applied(Outcome.NEW, registered)
    access.require(ctx.actor, Perm.EDIT, person.residence)
    changed = _changes(person, given)
    if not changed:
        return Applied(Outcome.UNCHANGED, person)
    before = _snapshot(person)
    updated = person_update(actor=ctx.actor, person=person, version=person.version, **changed)
    return Applied(Outcome.UPDATED, updated, {**before, VERSION_AFTER: updated.version})


# --- a chunk at a time ---------------------------------------------------------------------------

NameKey = tuple[str, dt.date, int]  # (name, birth date, residence id)


def _id_key(values: dict[str, Any]) -> str | None:
    """The blind index `_existing` looks the row's ID number up by."""
    number = values.get("id_number")
    if not number:
        return None
    # The cell parser checked and normalised it: an 18-character number is parsed as itself;
    # an old 15-digit one is upgraded.
    return id_index(number if len(number) == 18 else idnumbers.parse(number).number)


def _name_key(values: dict[str, Any], residence: OrgUnit) -> NameKey | None:
    if values.get("id_number") or not values.get("birth_date"):
        return None
    return (values["name"], values["birth_date"], residence.pk)


@dataclass
class _Registered:
    """The registered people that rows of a chunk name, found with two queries."""

    by_id: dict[str, Person]
    by_name: dict[NameKey, Person]

    @classmethod
    def find(cls, keys: Sequence[tuple[str | None, NameKey | None]]) -> _Registered:
        indexes = {id_key for id_key, _name in keys if id_key is not None}
        names = [name_key for _id, name_key in keys if name_key is not None]
        by_id: dict[str, Person] = {}
        if indexes:
            found = Person.objects.select_related("residence").filter(id_number_index__in=indexes)
            by_id = {person.id_number_index or "": person for person in found}
        by_name: dict[NameKey, Person] = {}
        if names:
            wanted = set(names)
            # One exact condition a key: each is a probe of the (village, name) index. Lists of
            # names, dates and villages, or "not merged" in SQL, let the planner read every
            # active person of the table for each chunk when the table's statistics predate a
            # large import (the merged-into index holds every unmerged person).
            exact = functools.reduce(
                operator.or_, (Q(residence_id=r, name=n, birth_date=b) for n, b, r in wanted)
            )
            found = Person.objects.select_related("residence").filter(exact).order_by("pk")
            for person in found:
                if person.merged_into_id is not None:
                    continue  # merged into another record: not who a row names (`active()`)
                assert person.birth_date is not None  # noqa: S101 - filtered on it
                key = (person.name, person.birth_date, person.residence_id)
                by_name.setdefault(key, person)  # the first by id, as `.first()` takes
        return cls(by_id, by_name)

    def get(self, id_key: str | None, name_key: NameKey | None) -> Person | None:
        if id_key is not None:
            return self.by_id.get(id_key)
        if name_key is not None:
            return self.by_name.get(name_key)
        return None


def apply_many(ctx: ImportContext, rows: Sequence[Row]) -> list[RowOutcome]:
    """`apply` for a chunk of rows: the same outcomes and errors, row for row (module doc)."""
    outcomes: list[RowOutcome | None] = [None] * len(rows)
    residences: list[OrgUnit | None] = []
    keys: list[tuple[str | None, NameKey | None]] = []
    for position, row in enumerate(rows):
        try:
            residence = _resolve_unit(ctx, str(row.values["residence"]))
            keys.append((_id_key(row.values), _name_key(row.values, residence)))
        except ApplicationError as error:
            outcomes[position] = error
            residences.append(None)
            keys.append((None, None))
        else:
            residences.append(residence)
    registered = _Registered.find(keys)
    # New people checked and waiting to be written, with the keys later rows may name them by.
    pending: list[tuple[int, Registration]] = []
    pending_ids: set[str] = set()
    pending_names: set[NameKey] = set()

    def flush() -> None:
        written = person_register_many(
            actor=ctx.actor, registrations=[registration for _p, registration in pending]
        )
        for (position, _registration), person in zip(pending, written, strict=True):
            ctx.ledger.claim(person.pk, rows[position].number)
            outcomes[position] = Applied(Outcome.NEW, person)
        pending.clear()
        pending_ids.clear()
        pending_names.clear()

    for position, (row, home) in enumerate(zip(rows, residences, strict=True)):
        if home is None:
            continue
        residence = home
        id_key, name_key = keys[position]
        person = registered.get(id_key, name_key)
        named_before = (id_key is not None and id_key in pending_ids) or (
            name_key is not None and name_key in pending_names
        )
        given = _given(row.values, residence)
        if person is None and not named_before:
            try:
                registration = person_prepare(
                    actor=ctx.actor,
                    consent=_consent(row.values),
                    id_holder=registered.by_id.get,
                    **given,
                )
            except ApplicationError as error:
                outcomes[position] = error
                continue
            pending.append((position, registration))
            new = registration.person
            if new.id_number_index:
                pending_ids.add(new.id_number_index)
            if new.birth_date is not None:
                pending_names.add((new.name, new.birth_date, residence.pk))
            continue
        if person is not None and not named_before:
            access.require(ctx.actor, Perm.EDIT, person.residence)
            if ctx.ledger.row_of(person.pk) is None and not _changes(person, given):
                ctx.ledger.claim(person.pk, row.number)
                outcomes[position] = Applied(Outcome.UNCHANGED, person)
                continue
        # A change to a registered record, or a record an earlier row describes: row by row,
        # with every earlier row written first; then look again for the rows after it.
        if pending:
            flush()
        try:
            outcomes[position] = apply_row(PEOPLE, ctx, row)
        except ApplicationError as error:
            outcomes[position] = error
        registered = _Registered.find(keys[position + 1 :])
    if pending:
        flush()
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(rows)  # noqa: S101 - every row has its outcome
    return done


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
        apply_many=apply_many,
    )
)
