"""Households (家庭户) as an import type: one row, one member of a household, named with her
head, through the people services (`household_create`, `household_add_member`: the same door
and the same refusals as the household pages).

- Head and member are named by their ID numbers, found by their blind index among the people
  the uploader sees; both must live inside the unit chosen at upload.
- The head's own row leaves the member's number empty (or repeats the head's) and says 户主 or
  nothing as the relation. The first row naming a head who belongs to no household creates
  hers (`household_create`), the head joining on that row's date: put the head's own row first
  to give the day she became head.
- A row is "the same" as a recorded membership when the member belongs now to the head's
  household with that relation since that date: such a row is UNCHANGED and writes nothing,
  so importing the same sheet again changes nothing. A row that disagrees with the recorded
  membership (another relation, another date) is an error: the services cannot change them.
- A sheet never moves people between households: a head or member who belongs now to another
  household is an error (the services would end her old membership silently; a move is
  recorded on the household's page, where it shows).
- The people services offer no way to remove a membership (only to end it, which would leave
  a false history of her in the household until the undo) nor to dissolve a household, so an
  import of households cannot be undone: the type declares why (`no_undo`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import refuse
from jinguo.core.masking import mask_id_number
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import ID_SYNONYMS, person_by_id_number
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.people.choices import Relation
from jinguo.people.models import Household, Membership, Person
from jinguo.people.services import household_add_member, household_create

NO_PERMISSION = _("You may not keep the household of %(name)s.")
HEAD_ELSEWHERE = _(
    "%(name)s belongs to household %(code)s, not as its head: a sheet cannot make her the "
    "head of another one. Record the move on the household's page."
)
MEMBER_ELSEWHERE = _(
    "%(name)s belongs to household %(code)s: a sheet cannot move her to another one. Record "
    "the move on the household's page."
)
HEAD_ROW_RELATION = _("On the head's own row the relation is “%(head)s”, or empty.")
NO_RELATION = _("Give the member's relation to the head.")
SECOND_HEAD = _("Only the head's own row says “%(head)s”: %(name)s is the head of this household.")
OTHER_RELATION = _(
    "%(name)s is recorded in household %(code)s as “%(relation)s”: a sheet cannot change "
    "a recorded membership."
)
OTHER_START = _(
    "%(name)s is recorded in household %(code)s since %(start)s: a sheet cannot change a "
    "recorded membership."
)
NOT_UNDOABLE = _(
    "An import of households cannot be undone: memberships can only be ended and households "
    "cannot be dissolved, on the household's page."
)

# Where a refusal of the people services belongs in the sheet: their field names that are
# not column keys of this import type ("residence" is the head's village, where
# `household_create` puts the household).
FIELD_TO_COLUMN = {"person": "id_number", "on": "start", "residence": "head_id"}

COLUMNS: tuple[Column, ...] = (
    Column(
        "head_id",
        _("Head's ID number"),
        Kind.ID_NUMBER,
        required=True,
        synonyms=("户主身份证号", "户主身份证号码", "户主公民身份号码", "户主身份证"),
        note=_("The head of the household; 18 characters, format the column as text."),
        example="152326197503080070",
        width=22,
        mask=mask_id_number,
    ),
    Column(
        "id_number",
        _("Member's ID number"),
        Kind.ID_NUMBER,
        synonyms=("成员身份证号", "成员身份证号码", "家庭成员身份证号", *ID_SYNONYMS),
        note=_("Empty (or the head's number) on the head's own row."),
        example="152326200501120248",
        width=22,
        mask=mask_id_number,
    ),
    Column(
        "relation",
        _("Relation to the head"),
        Kind.CHOICE,
        choices=Relation.choices,
        synonyms=("与户主关系", "与户主的关系", "关系"),
        note=_("Empty on the head's own row."),
        example="子女",
        width=16,
    ),
    Column(
        "start",
        _("Member since"),
        Kind.DATE,
        required=True,
        synonyms=("入户日期", "入户时间", "迁入日期"),
        note=_(
            "The day she joined the household (the head: the day she became its head), "
            "e.g. 2014-03-08"
        ),
        example="2014-03-08",
    ),
)


def _current(person: Person) -> Membership | None:
    return (
        Membership.objects.filter(person=person, end__isnull=True)
        .select_related("household")
        .first()
    )


def _headship(head: Person) -> Membership | None:
    """The membership by which `head` heads a household now, or None when she belongs to
    none; an error when she belongs to one as anything but its head."""
    current = _current(head)
    if current is not None and current.relation != Relation.HEAD:
        code = current.household.code
        raise refuse(HEAD_ELSEWHERE, "head_elsewhere", "head_id", name=head.name, code=code)
    return current


def _create(ctx: ImportContext, head: Person, start: dt.date) -> Household:
    """A new household headed by `head` from `start`."""
    try:
        return household_create(actor=ctx.actor, head=head, on=start)
    except (PermissionDenied, Http404):
        raise refuse(NO_PERMISSION, "permission_denied", "head_id", name=head.name) from None


def _same(membership: Membership, relation: str, start: dt.date, person: Person) -> Applied:
    """UNCHANGED when the recorded membership says what the row says; else an error."""
    params = {"name": person.name, "code": membership.household.code}
    if membership.relation != relation:
        label = Relation(membership.relation).label
        raise refuse(OTHER_RELATION, "other_relation", "relation", relation=label, **params)
    if membership.start != start:
        raise refuse(OTHER_START, "other_start", "start", start=membership.start, **params)
    return Applied(Outcome.UNCHANGED, membership)


def _head_row(ctx: ImportContext, head: Person, relation: str, start: dt.date) -> Applied:
    if relation not in ("", Relation.HEAD):
        raise refuse(HEAD_ROW_RELATION, "head_relation", "relation", head=Relation.HEAD.label)
    headship = _headship(head)
    if headship is None:
        household = _create(ctx, head, start)
        return Applied(Outcome.NEW, household.memberships.get(person=head, end__isnull=True))
    return _same(headship, Relation.HEAD, start, head)


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    head = person_by_id_number(ctx, str(values["head_id"]), "head_id", in_unit=True)
    number = values.get("id_number")
    member = person_by_id_number(ctx, str(number), "id_number", in_unit=True) if number else head
    relation = str(values.get("relation") or "")
    start: dt.date = values["start"]
    if member.pk == head.pk:
        return _head_row(ctx, head, relation, start)
    if not relation:
        raise refuse(NO_RELATION, "relation_required", "relation")
    if relation == Relation.HEAD:
        raise refuse(
            SECOND_HEAD, "second_head", "relation", head=Relation.HEAD.label, name=head.name
        )
    headship, current = _headship(head), _current(member)
    if current is not None:
        if headship is None or current.household_id != headship.household_id:
            code = current.household.code
            raise refuse(
                MEMBER_ELSEWHERE, "member_elsewhere", "id_number", name=member.name, code=code
            )
        return _same(current, relation, start, member)
    household = headship.household if headship is not None else _create(ctx, head, start)
    try:
        membership = household_add_member(
            actor=ctx.actor, household=household, person=member, relation=relation, on=start
        )
    except (PermissionDenied, Http404):
        raise refuse(NO_PERMISSION, "permission_denied", "id_number", name=member.name) from None
    return Applied(Outcome.NEW, membership)


HOUSEHOLDS = register(
    ImportType(
        key="households",
        label=_("Household members"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=Membership,
        service_fields=FIELD_TO_COLUMN,
    )
)
