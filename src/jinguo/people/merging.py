"""Reviewing probable duplicates: merge a pair, undo a merge, or mark a pair as two people.

Merge (合并)
    The reviewer picks the record to keep (the survivor). Every row of every model that points
    at the other record with a foreign key or a one-to-one is re-pointed to the survivor. The
    relations are found by walking `Person._meta` (`person_references`), so a registry added
    later (enrolments, benefits, attendance …) is merged without changing this module; only the
    pairs themselves, the merge log and `Person.merged_into` are left out. A relation that can
    hold one row per person and holds one on both sides cannot be merged blindly: the merge
    stops with ``merge_conflict`` unless a rule below resolves it.

    - Household membership: one current membership per person. When both records have one, the
      merged record's membership ends on the day of the merge (as leaving the household does),
      then moves to the survivor as history.
    - Consent: one active consent per purpose. When both have one for a purpose, the survivor's
      stays and the merged record's is ended (withdrawn on the merge day) and moved as history.
    - Category periods: both records' periods are kept as they are, overlapping or not. Who
      holds a category is asked as "does any period cover the day", so an overlap never counts
      a person twice; keeping the rows makes the undo exact, and the overlapping categories are
      listed in the audit entry for a clerk to tidy with `category_end`.

    The survivor's empty fields (birth date, ethnicity, household registration, education,
    marital status, occupation, phone, ID number) are filled from the merged record. An ID
    number moves rather than copies, because its blind index is unique: it is cleared on the
    merged record first. An ID number whose birth date or sex disagrees with the survivor's is
    refused (``id_conflict``): keep the record holding the ID number instead. The merged
    record stays, inactive, with ``merged_into`` set; both records' versions go up, so a form
    opened before the merge cannot overwrite it.

    `PersonMerge.moved` records every field the merge wrote, as ``{"app_label.model.field":
    [ids of the rows written]}``: the foreign keys re-pointed (``people.consent.person``), the
    memberships and consents ended (``people.membership.end``, ``people.consent.withdrawn_on``)
    and the survivor's fields filled (``people.person.phone: [survivor id]``). A merge only
    re-points a foreign key or fills an empty field, which is what makes it reversible.

Undo
    Every row still attached to the survivor goes back to the merged record; the memberships
    and consents ended are opened again (unless that would now break a rule, e.g. the
    household has a new head: then it stays ended and the audit entry says so); the fields
    filled are emptied again where they still hold the value taken (an ID number goes back
    to the merged record); the merged record is active again and the pair open for review. A
    merge is undone once; a survivor merged again since must have that later merge undone
    first. Rows created after the merge stay with the survivor.

Scope
    Every action needs the edit permission on both people's villages: a user who cannot see
    one of them gets 404, one who sees both but may not edit one gets PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError, refuse
from jinguo.orgunits import access
from jinguo.people import idnumbers
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    DuplicatePair,
    Membership,
    Person,
    PersonMerge,
)
from jinguo.people.services import id_index

NOT_IN_PAIR = _("The record to keep must be one of the two records of this pair.")
ALREADY_REVIEWED = _("This pair has already been reviewed: %(status)s.")
PERSON_MERGED = _(
    "%(name)s has already been merged into another record; review that record instead."
)
ID_CONFLICT = _(
    "The ID number of the record to merge gives a different birth date or sex than the record "
    "to keep. Keep the record with the ID number instead, or correct one of them first."
)
MERGE_CONFLICT = _(
    "Both records have a “%(relation)s” that a person can have only once; resolve it by hand "
    "before merging."
)
ALREADY_UNDONE = _("This merge was already undone on %(date)s.")
SURVIVOR_MERGED = _(
    "The record kept by this merge has since been merged into another record: undo that merge "
    "first."
)
ALREADY_OPEN = _("This pair is already waiting for review.")
UNDO_TO_REOPEN = _("This pair was merged: undo the merge to review it again.")

# Fields of the survivor that the merged record fills when they are empty, besides the phone
# and the ID number (which carry a blind index and are handled on their own).
FILLED_FIELDS = ("birth_date", "ethnicity", "hukou", "education", "marital_status", "occupation")
PHONE_FIELDS = ("phone", "phone_index", "phone_tail")
ID_FIELDS = ("id_number", "id_number_index")
_NOT_MOVED = (DuplicatePair, PersonMerge)


def _key(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label_lower}.{field_name}"


def person_references() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key and one-to-one that points at a person.

    Hidden relations (``related_name="+"``) and the through tables of many-to-many fields are
    included; the duplicate pairs, the merge log and `Person.merged_into` are not.
    """
    found: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        model = relation.related_model
        if not isinstance(model, type) or issubclass(model, _NOT_MOVED):
            continue
        if model is Person and relation.field.name == "merged_into":
            continue
        found.append((model, relation.field.name))
    return sorted(found, key=lambda item: _key(*item))


def _jsonable_pk(pk: Any) -> int | str:
    return pk if isinstance(pk, int) else str(pk)


def _lock_people(*pks: int) -> dict[int, Person]:
    people = (
        Person.objects.select_for_update(of=("self",))
        .select_related("residence")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    return {person.pk: person for person in people}


def _lock_pair(pair: DuplicatePair) -> tuple[DuplicatePair, Person, Person]:
    try:
        current = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    except DuplicatePair.DoesNotExist:
        raise Http404 from None  # removed by a rescan meanwhile
    people = _lock_people(current.person_a_id, current.person_b_id)
    return current, people[current.person_a_id], people[current.person_b_id]


def _require_edit(actor: Any, *people: Person) -> None:
    """404 unless the actor sees both villages; PermissionDenied unless she may edit both."""
    if actor is None:
        return
    for perm in (Perm.VIEW, Perm.EDIT):
        for person in people:
            access.require(actor, perm, person.residence)


def _common_path(*people: Person) -> str:
    """The path of the lowest unit above both people's villages: who sees both sees it."""
    paths = [person.residence.path for person in people]
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    return common


def _empty(field_name: str) -> Any:
    return None if getattr(Person._meta.get_field(field_name), "null", False) else ""


def _reviewer(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


# --- merge ----------------------------------------------------------------------------------


def _end_second_membership(keep: Person, gone: Person, today: dt.date) -> list[int]:
    current = Membership.objects.filter(end__isnull=True)
    if not current.filter(person=keep).exists():
        return []
    ended = list(current.filter(person=gone))
    for membership in ended:
        membership.end = max(today, membership.start + dt.timedelta(days=1))
        membership.save(update_fields=["end"])
    return [membership.pk for membership in ended]


def _end_second_consents(keep: Person, gone: Person, today: dt.date) -> list[int]:
    active = Consent.objects.filter(withdrawn_on__isnull=True)
    purposes = set(active.filter(person=keep).values_list("purpose", flat=True))
    ended = list(
        active.filter(person=gone, purpose__in=purposes).order_by("pk").values_list("pk", flat=True)
    )
    Consent.objects.filter(pk__in=ended).update(withdrawn_on=today)
    return ended


def _fill_fields(keep: Person, gone: Person) -> tuple[list[str], list[str]]:
    """Fill the survivor's empty fields from the merged record (not saved yet).

    Returns the fields filled, as recorded in `PersonMerge.moved`, and the columns to save.
    """
    filled: list[str] = []
    columns: list[str] = []
    for name in FILLED_FIELDS:
        value = getattr(gone, name)
        if value not in (None, "") and getattr(keep, name) in (None, ""):
            setattr(keep, name, value)
            filled.append(name)
            columns.append(name)
    if not keep.phone and gone.phone:
        for name in PHONE_FIELDS:
            setattr(keep, name, getattr(gone, name))
        filled.append("phone")
        columns += PHONE_FIELDS
    if not keep.id_number and gone.id_number:
        parsed = idnumbers.parse(gone.id_number)
        try:
            idnumbers.check_consistency(parsed, birth_date=keep.birth_date, sex=keep.sex)
        except ApplicationError as error:
            raise refuse(ID_CONFLICT, "id_conflict") from error
        # The blind index is unique: free it on the merged record before the survivor takes it.
        Person.objects.filter(pk=gone.pk).update(id_number=None, id_number_index=None)
        keep.id_number, keep.id_number_index = parsed.number, id_index(parsed.number)
        if keep.birth_date is None:
            keep.birth_date = parsed.birth_date
            filled.insert(0, "birth_date")
            columns.append("birth_date")
        filled.append("id_number")
        columns += ID_FIELDS
    return filled, columns


def _overlapping_categories(person: Person) -> list[str]:
    periods = sorted(
        CategoryPeriod.objects.filter(person=person).values_list("category", "start", "end"),
        key=lambda period: (period[0], period[1]),
    )
    overlapping: set[str] = set()
    for (category, _start, end), (next_category, next_start, _end) in itertools.pairwise(periods):
        if category == next_category and (end is None or end > next_start):
            overlapping.add(category)
    return sorted(overlapping)


@transaction.atomic
def duplicate_merge(*, actor: Any, pair: DuplicatePair, survivor: Person) -> PersonMerge:
    """Merge the other record of `pair` into `survivor`; see the module docstring.

    Raises ApplicationError not_in_pair, already_reviewed, person_merged, id_conflict,
    merge_conflict.
    """
    current, person_a, person_b = _lock_pair(pair)
    _require_edit(actor, person_a, person_b)
    if survivor.pk not in (person_a.pk, person_b.pk):
        raise refuse(NOT_IN_PAIR, "not_in_pair")
    if current.status != DuplicatePair.Status.OPEN:
        raise refuse(ALREADY_REVIEWED, "already_reviewed", status=current.get_status_display())
    keep, gone = (person_a, person_b) if survivor.pk == person_a.pk else (person_b, person_a)
    for person in (keep, gone):
        if person.merged_into_id is not None:
            raise refuse(PERSON_MERGED, "person_merged", name=person.name)
    today = timezone.localdate()
    moved: dict[str, list[int | str]] = {}

    filled, columns = _fill_fields(keep, gone)
    for name in filled:
        moved[_key(Person, name)] = [keep.pk]
    if ended_memberships := _end_second_membership(keep, gone, today):
        moved[_key(Membership, "end")] = list(ended_memberships)
    if ended_consents := _end_second_consents(keep, gone, today):
        moved[_key(Consent, "withdrawn_on")] = list(ended_consents)

    for model, field_name in person_references():
        rows = model._base_manager.filter(**{field_name: gone})
        ids = [_jsonable_pk(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)]
        if not ids:
            continue
        try:
            with transaction.atomic():
                model._base_manager.filter(pk__in=ids).update(**{field_name: keep})
        except IntegrityError as error:
            raise refuse(
                MERGE_CONFLICT, "merge_conflict", relation=model._meta.verbose_name
            ) from error
        moved[_key(model, field_name)] = ids

    keep.version = F("version") + 1
    keep.save(update_fields=[*columns, "version", "updated_at"])
    keep.refresh_from_db()
    now = timezone.now()
    Person.objects.filter(pk=gone.pk).update(
        merged_into=keep, version=F("version") + 1, updated_at=now
    )
    current.status = DuplicatePair.Status.MERGED
    current.reviewed_by = _reviewer(actor)
    current.reviewed_at = now
    current.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    merge = PersonMerge.objects.create(
        survivor=keep, merged=gone, moved=moved, merged_by=_reviewer(actor)
    )

    counts = {key: len(ids) for key, ids in sorted(moved.items())}
    audit_record(
        actor=actor,
        action="person.merge",
        obj=keep,
        unit_path=keep.residence.path,
        changes={
            "merge": [None, merge.pk],
            "pair": [None, current.pk],
            "merged": [None, gone.pk],
            "moved": [None, counts],
            "filled": [None, filled],
            "overlapping_categories": [None, _overlapping_categories(keep)],
        },
    )
    audit_record(
        actor=actor,
        action="person.merge",
        obj=gone,
        unit_path=gone.residence.path,
        changes={"merge": [None, merge.pk], "merged_into": [None, keep.pk]},
    )
    return merge


# --- undo -----------------------------------------------------------------------------------


def _is_reference(model: type[models.Model], field_name: str) -> bool:
    field = model._meta.get_field(field_name)
    return bool(field.is_relation) and field.related_model is Person


def _undo_rows(
    moved: dict[str, list[Any]], keep: Person, gone: Person
) -> tuple[dict[str, int], list[str]]:
    """Re-point the rows moved and reopen the rows ended; (rows per key, keys left ended)."""
    restored: dict[str, int] = {}
    reopen: list[tuple[type[models.Model], str, list[Any]]] = []
    for key, ids in sorted(moved.items()):
        app_label, model_name, field_name = key.split(".")
        model = apps.get_model(app_label, model_name)
        if _is_reference(model, field_name):
            restored[key] = model._base_manager.filter(pk__in=ids, **{field_name: keep}).update(
                **{field_name: gone}
            )
        elif model is not Person:
            reopen.append((model, field_name, ids))
    # After the moves back: "one current membership" and "one active consent" are per person.
    kept_ended: list[str] = []
    for model, field_name, ids in reopen:
        try:
            with transaction.atomic():
                restored[_key(model, field_name)] = model._base_manager.filter(pk__in=ids).update(
                    **{field_name: None}
                )
        except IntegrityError:
            kept_ended.append(_key(model, field_name))
    return restored, kept_ended


def _undo_fields(moved: dict[str, list[Any]], keep: Person, gone: Person) -> list[str]:
    """Empty the survivor's fields the merge filled, where they still hold the value taken."""
    emptied: list[str] = []
    columns: list[str] = []
    id_number: str | None = None
    for key in sorted(moved):
        app_label, model_name, name = key.split(".")
        model = apps.get_model(app_label, model_name)
        if model is not Person or _is_reference(model, name):
            continue
        if name == "id_number":
            # It moved: whatever ID number the survivor holds now goes back with it.
            id_number = keep.id_number
            if id_number:
                keep.id_number, keep.id_number_index = None, None
                columns += ID_FIELDS
        elif name == "phone":
            if keep.phone_index and keep.phone_index == gone.phone_index:
                keep.phone, keep.phone_index, keep.phone_tail = None, "", ""
                columns += PHONE_FIELDS
        elif getattr(keep, name) == getattr(gone, name):
            setattr(keep, name, _empty(name))
            columns.append(name)
        else:
            continue
        emptied.append(name)
    keep.version = F("version") + 1
    keep.save(update_fields=[*columns, "version", "updated_at"])
    keep.refresh_from_db()
    restore: dict[str, Any] = {}
    if id_number:
        restore = {"id_number": id_number, "id_number_index": id_index(id_number)}
    Person.objects.filter(pk=gone.pk).update(
        merged_into=None, version=F("version") + 1, updated_at=timezone.now(), **restore
    )
    return emptied


@transaction.atomic
def merge_undo(*, actor: Any, merge: PersonMerge) -> None:
    """Undo `merge` exactly; see the module docstring.

    Raises ApplicationError already_undone, survivor_merged.
    """
    current = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    people = _lock_people(current.survivor_id, current.merged_id)
    keep, gone = people[current.survivor_id], people[current.merged_id]
    _require_edit(actor, keep, gone)
    if current.undone_at is not None:
        raise refuse(ALREADY_UNDONE, "already_undone", date=timezone.localdate(current.undone_at))
    if keep.merged_into_id is not None:
        raise refuse(SURVIVOR_MERGED, "survivor_merged")
    moved: dict[str, list[Any]] = current.moved
    restored, kept_ended = _undo_rows(moved, keep, gone)
    emptied = _undo_fields(moved, keep, gone)

    low, high = sorted((keep.pk, gone.pk))
    pair = DuplicatePair.objects.select_for_update().filter(person_a=low, person_b=high).first()
    if pair is not None:
        pair.status = DuplicatePair.Status.OPEN
        pair.reviewed_by = None
        pair.reviewed_at = None
        pair.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    current.undone_at = timezone.now()
    current.undone_by = _reviewer(actor)
    current.save(update_fields=["undone_at", "undone_by"])

    audit_record(
        actor=actor,
        action="person.merge_undo",
        obj=keep,
        unit_path=keep.residence.path,
        changes={
            "merge": [None, current.pk],
            "merged": [None, gone.pk],
            "restored": [None, restored],
            "emptied": [None, emptied],
            "kept_ended": [None, kept_ended],
        },
    )
    audit_record(
        actor=actor,
        action="person.merge_undo",
        obj=gone,
        unit_path=gone.residence.path,
        changes={"merge": [None, current.pk], "merged_into": [keep.pk, None]},
    )


# --- review without merging -----------------------------------------------------------------


def _set_status(actor: Any, pair: DuplicatePair, status: str, action: str) -> DuplicatePair:
    before = pair.status
    pair.status = status
    reviewed = status != DuplicatePair.Status.OPEN
    pair.reviewed_by = _reviewer(actor) if reviewed else None
    pair.reviewed_at = timezone.now() if reviewed else None
    pair.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=pair,
        unit_path=_common_path(pair.person_a, pair.person_b),
        changes={"status": [before, status]},
    )
    return pair


@transaction.atomic
def duplicate_mark_distinct(*, actor: Any, pair: DuplicatePair) -> DuplicatePair:
    """Record that the two records are different people; a rescan never reopens the pair.

    Raises ApplicationError already_reviewed.
    """
    current, person_a, person_b = _lock_pair(pair)
    _require_edit(actor, person_a, person_b)
    if current.status != DuplicatePair.Status.OPEN:
        raise refuse(ALREADY_REVIEWED, "already_reviewed", status=current.get_status_display())
    current.person_a, current.person_b = person_a, person_b
    return _set_status(actor, current, DuplicatePair.Status.DISTINCT, "duplicate.mark_distinct")


@transaction.atomic
def duplicate_reopen(*, actor: Any, pair: DuplicatePair) -> DuplicatePair:
    """Put a pair marked as different people back for review.

    Raises ApplicationError already_open, or merged_pair (undo the merge instead).
    """
    current, person_a, person_b = _lock_pair(pair)
    _require_edit(actor, person_a, person_b)
    if current.status == DuplicatePair.Status.OPEN:
        raise refuse(ALREADY_OPEN, "already_open")
    if current.status == DuplicatePair.Status.MERGED:
        raise refuse(UNDO_TO_REOPEN, "merged_pair")
    current.person_a, current.person_b = person_a, person_b
    return _set_status(actor, current, DuplicatePair.Status.OPEN, "duplicate.reopen")


def pair_merge(pair: DuplicatePair) -> PersonMerge | None:
    """The merge, not undone, that closed `pair` (for its undo button), or None.

    `pair` must already have been fetched through the reader's scope
    (`selectors.duplicate_list`); the merge is found through it.
    """
    a, b = pair.person_a_id, pair.person_b_id
    return (
        PersonMerge.objects.filter(undone_at__isnull=True)
        .filter(Q(survivor_id=a, merged_id=b) | Q(survivor_id=b, merged_id=a))
        .order_by("-merged_at", "-pk")
        .first()
    )
