"""Writes to the organisation tree. Each service checks everything first, then writes in one
transaction with its audit entry, so a refused or failed call leaves the tree as it was.

`actor=None` is the system itself (set-up commands, demo data); every other actor needs the
``manage_units`` permission on the units involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record, changes_between
from jinguo.core.errors import refuse
from jinguo.orgunits import access
from jinguo.orgunits.codes import org_code_prefix, validate_area_code, validate_org_code
from jinguo.orgunits.models import (
    AREA_KINDS,
    AREA_LEVEL,
    Kind,
    Level,
    OrgUnit,
    OrgUnitVersion,
    Succession,
)

DUPLICATE_CODE = _("Code “%(code)s” is already used by “%(name)s”.")
DUPLICATE_NAME = _("“%(parent)s” already has an open unit named “%(name)s”.")
PARENT_CLOSED = _("“%(parent)s” was closed on %(closed)s; nothing can be placed under it.")
CYCLE = _("“%(unit)s” cannot be moved under “%(parent)s”: that unit lies inside it.")
WRONG_PARENT = _("A %(kind)s cannot be placed under a %(parent_kind)s.")
NEEDS_PARENT = _("A %(kind)s must be placed under another unit.")
UNIT_CLOSED = _("“%(unit)s” is already closed (%(closed)s).")
OPEN_CHILDREN = _("“%(unit)s” still has %(count)d open units under it: move or close them first.")
DATE_BEFORE_HISTORY = _(
    "The date %(on)s is before the last recorded change of “%(unit)s” (%(last)s); "
    "history can only be added to."
)
DATE_BEFORE_OPENED = _("The date %(on)s is before “%(unit)s” opened (%(opened)s).")
NAME_REQUIRED = _("A name is required.")
SAME_NAME = _("“%(unit)s” already has that name.")
SAME_PARENT = _("“%(unit)s” is already under “%(parent)s”.")
MERGE_INTO_ITSELF = _("“%(unit)s” cannot be merged into itself or into a unit inside it.")
MERGE_NEEDS_SOURCES = _("Choose at least one unit to merge.")
SPLIT_NEEDS_PARTS = _("A split needs at least two new units.")
SPLIT_CHILD_UNASSIGNED = _("“%(child)s” under “%(unit)s” must be assigned to one of the new units.")


def _today() -> dt.date:
    return timezone.localdate()


def _allowed_parent(kind: str, parent: OrgUnit | None) -> None:
    """Areas nest by level (county → township → village); organisations hang under anything."""
    kind_label = Kind(kind).label
    if kind not in AREA_KINDS:
        if parent is None:
            raise refuse(NEEDS_PARENT, "wrong_parent", "parent", kind=kind_label)
        return
    level = AREA_LEVEL[kind]
    if parent is None:
        if level >= Level.TOWNSHIP:
            raise refuse(NEEDS_PARENT, "wrong_parent", "parent", kind=kind_label)
        return
    parent_level = parent.level
    if (
        parent_level is None
        or parent_level >= level
        or (level >= Level.TOWNSHIP and parent_level != level - 1)
    ):
        raise refuse(
            WRONG_PARENT,
            "wrong_parent",
            "parent",
            kind=kind_label,
            parent_kind=Kind(parent.kind).label,
        )


def _check_parent_open(parent: OrgUnit | None, on: dt.date) -> None:
    if parent is not None and parent.closed_on is not None and parent.closed_on <= on:
        raise refuse(
            PARENT_CLOSED, "parent_closed", "parent", parent=parent.name, closed=parent.closed_on
        )


def _check_name_free(parent: OrgUnit | None, name: str, *, exclude: OrgUnit | None = None) -> None:
    siblings = OrgUnit.objects.filter(parent=parent, name=name, closed_on__isnull=True)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise refuse(
            DUPLICATE_NAME,
            "duplicate_name",
            "name",
            parent=parent.name if parent else "—",
            name=name,
        )


def _check_code_free(code: str) -> None:
    holder = OrgUnit.objects.filter(code=code).first()
    if holder is not None:
        raise refuse(DUPLICATE_CODE, "duplicate_code", "code", code=code, name=holder.name)


def _nearest_area(unit: OrgUnit) -> OrgUnit:
    while not unit.is_area:
        assert unit.parent is not None  # noqa: S101 - organisations always have a parent
        unit = unit.parent
    return unit


def _county_code(parent: OrgUnit | None, kind: str, code: str) -> str:
    if kind in AREA_KINDS and AREA_LEVEL[kind] == Level.COUNTY:
        return code[:6]
    return parent.county_code if parent is not None else ""


def _next_org_code(parent: OrgUnit, kind: str) -> str:
    prefix = org_code_prefix(_nearest_area(parent).code, kind)
    taken = OrgUnit.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in taken if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _check_date(unit: OrgUnit, on: dt.date, *, subtree: bool = False) -> None:
    """`on` must not precede the unit's opening or its last recorded change.

    With `subtree`, the last change of any unit below counts too: a move starts a new version
    for every descendant, and one dated before a descendant's newest version would leave that
    version ending before it began and two placements valid at once.
    """
    if on < unit.opened_on:
        raise refuse(
            DATE_BEFORE_OPENED, "invalid_date", "on", on=on, unit=unit.name, opened=unit.opened_on
        )
    current = OrgUnitVersion.objects.filter(valid_to__isnull=True)
    current = current.filter(unit__path__within=unit.path) if subtree else current.filter(unit=unit)
    last = current.aggregate(last=Max("valid_from"))["last"]
    if last is not None and on < last:
        raise refuse(DATE_BEFORE_HISTORY, "invalid_date", "on", on=on, unit=unit.name, last=last)


def _snapshot(unit: OrgUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "opened_on": unit.opened_on,
        "closed_on": unit.closed_on,
    }


def _start_versions(unit_ids: Iterable[int], on: dt.date) -> None:
    """Close each unit's current version at `on` and open one with its present name and path."""
    units = list(OrgUnit.objects.filter(pk__in=list(unit_ids)))
    ids = [unit.pk for unit in units]
    # A second change on the same day replaces that day's version instead of adding an empty one.
    OrgUnitVersion.objects.filter(unit_id__in=ids, valid_to__isnull=True, valid_from=on).delete()
    OrgUnitVersion.objects.filter(unit_id__in=ids, valid_to__isnull=True).update(valid_to=on)
    OrgUnitVersion.objects.bulk_create(
        OrgUnitVersion(
            unit=unit, name=unit.name, parent_id=unit.parent_id, path=unit.path, valid_from=on
        )
        for unit in units
    )


@transaction.atomic
def orgunit_create(
    *,
    actor: Any,
    parent: OrgUnit | None,
    name: str,
    kind: str,
    code: str | None = None,
    opened_on: dt.date | None = None,
    address: str = "",
    note: str = "",
) -> OrgUnit:
    """Create a unit. Areas need their division code; organisations get one generated."""
    name = name.strip()
    opened_on = opened_on or _today()
    if actor is not None:
        # Top-level units are made by the system at set-up; people add units inside their scope.
        if parent is None:
            raise refuse(NEEDS_PARENT, "wrong_parent", "parent", kind=Kind(kind).label)
        access.require(actor, Perm.MANAGE_UNITS, parent)
    if not name:
        raise refuse(NAME_REQUIRED, "name_required", "name")
    _allowed_parent(kind, parent)
    _check_parent_open(parent, opened_on)
    if parent is not None and opened_on < parent.opened_on:
        raise refuse(
            DATE_BEFORE_OPENED,
            "invalid_date",
            "opened_on",
            on=opened_on,
            unit=parent.name,
            opened=parent.opened_on,
        )
    if kind in AREA_KINDS:
        code = (code or "").strip()
        validate_area_code(code, kind, parent.code if parent is not None else None)
    elif code:
        code = code.strip()
        validate_org_code(code)
    else:
        assert parent is not None  # noqa: S101 - checked by _allowed_parent
        code = _next_org_code(parent, kind)
    _check_code_free(code)
    _check_name_free(parent, name)

    unit = OrgUnit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        opened_on=opened_on,
        depth=(parent.depth + 1) if parent else 0,
        county_code=_county_code(parent, kind, code),
        address=address,
        note=note,
        path=f"/new-{code}/",
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        # Another writer took the code between the check and the insert.
        raise refuse(DUPLICATE_CODE, "duplicate_code", "code", code=code, name=name) from None
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    OrgUnitVersion.objects.create(
        unit=unit, name=unit.name, parent=parent, path=unit.path, valid_from=opened_on
    )
    audit_record(
        actor=actor,
        action="orgunit.create",
        obj=unit,
        unit_path=unit.path,
        changes=changes_between({}, _snapshot(unit)),
    )
    return unit


@transaction.atomic
def orgunit_rename(*, actor: Any, unit: OrgUnit, name: str, on: dt.date | None = None) -> OrgUnit:
    on = on or _today()
    if actor is not None:
        access.require(actor, Perm.MANAGE_UNITS, unit)
    name = name.strip()
    if not name:
        raise refuse(NAME_REQUIRED, "name_required", "name")
    if name == unit.name:
        raise refuse(SAME_NAME, "same_name", "name", unit=unit.name)
    _check_date(unit, on)
    _check_name_free(unit.parent, name, exclude=unit)
    before = _snapshot(unit)
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    _start_versions([unit.pk], on)
    audit_record(
        actor=actor,
        action="orgunit.rename",
        obj=unit,
        unit_path=unit.path,
        changes=changes_between(before, _snapshot(unit)),
    )
    return unit


def _move(unit: OrgUnit, new_parent: OrgUnit, on: dt.date) -> None:
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.pk}/"
    depth_change = new_parent.depth + 1 - unit.depth
    subtree = OrgUnit.objects.filter(path__within=old_prefix)
    subtree_ids = list(subtree.values_list("pk", flat=True))
    subtree.update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + depth_change,
    )
    if unit.county_code != new_parent.county_code and unit.level != Level.COUNTY:
        OrgUnit.objects.filter(pk__in=subtree_ids).update(county_code=new_parent.county_code)
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    _start_versions(subtree_ids, on)
    unit.refresh_from_db()


@transaction.atomic
def orgunit_move(
    *, actor: Any, unit: OrgUnit, new_parent: OrgUnit, on: dt.date | None = None
) -> OrgUnit:
    on = on or _today()
    if actor is not None:
        access.require(actor, Perm.MANAGE_UNITS, unit)
        access.require(actor, Perm.MANAGE_UNITS, new_parent)
    if new_parent.pk == unit.parent_id:
        raise refuse(SAME_PARENT, "same_parent", "parent", unit=unit.name, parent=new_parent.name)
    if unit.covers(new_parent):
        raise refuse(CYCLE, "cycle", "parent", unit=unit.name, parent=new_parent.name)
    _allowed_parent(unit.kind, new_parent)
    _check_parent_open(new_parent, on)
    _check_date(unit, on, subtree=True)
    _check_name_free(new_parent, unit.name, exclude=unit)
    before = _snapshot(unit)
    _move(unit, new_parent, on)
    audit_record(
        actor=actor,
        action="orgunit.move",
        obj=unit,
        unit_path=unit.path,
        changes=changes_between(before, _snapshot(unit)),
    )
    return unit


def _close(
    actor: Any, unit: OrgUnit, on: dt.date, action: str, extra: Mapping[str, Any] | None = None
) -> None:
    if unit.closed_on is not None:
        raise refuse(UNIT_CLOSED, "already_closed", None, unit=unit.name, closed=unit.closed_on)
    if on < unit.opened_on:
        raise refuse(
            DATE_BEFORE_OPENED, "invalid_date", "on", on=on, unit=unit.name, opened=unit.opened_on
        )
    open_children = unit.children.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on)).count()
    if open_children:
        raise refuse(OPEN_CHILDREN, "open_children", None, unit=unit.name, count=open_children)
    before = _snapshot(unit)
    unit.closed_on = on
    unit.save(update_fields=["closed_on", "updated_at"])
    changes = changes_between(before, _snapshot(unit))
    if extra:
        changes.update({key: [None, value] for key, value in extra.items()})
    audit_record(actor=actor, action=action, obj=unit, unit_path=unit.path, changes=changes)


@transaction.atomic
def orgunit_close(*, actor: Any, unit: OrgUnit, on: dt.date | None = None) -> OrgUnit:
    """Close a unit. Its records stay and still count for the time it was open."""
    if actor is not None:
        access.require(actor, Perm.MANAGE_UNITS, unit)
    _close(actor, unit, on or _today(), "orgunit.close")
    return unit


@transaction.atomic
def orgunit_merge(
    *, actor: Any, sources: Sequence[OrgUnit], target: OrgUnit, on: dt.date | None = None
) -> OrgUnit:
    """Merge `sources` into `target`: their open children move to the target, they close."""
    on = on or _today()
    if not sources:
        raise refuse(MERGE_NEEDS_SOURCES, "merge_needs_sources", "sources")
    if actor is not None:
        access.require(actor, Perm.MANAGE_UNITS, target)
        for source in sources:
            access.require(actor, Perm.MANAGE_UNITS, source)
    _check_parent_open(target, on)
    for source in sources:
        if source.covers(target):
            raise refuse(MERGE_INTO_ITSELF, "cycle", "target", unit=source.name)
        if source.closed_on is not None:
            raise refuse(
                UNIT_CLOSED, "already_closed", "sources", unit=source.name, closed=source.closed_on
            )
        _check_date(source, on, subtree=True)
        for child in source.children.filter(closed_on__isnull=True):
            _allowed_parent(child.kind, target)
            _check_name_free(target, child.name)
            _move(child, target, on)
        _close(actor, source, on, "orgunit.merge", {"successor": target.pk})
        Succession.objects.create(
            predecessor=source, successor=target, kind=Succession.Kind.MERGE, on=on
        )
    return target


@dataclass(frozen=True)
class NewPart:
    name: str
    code: str | None = None
    kind: str | None = None


@transaction.atomic
def orgunit_split(
    *,
    actor: Any,
    unit: OrgUnit,
    parts: Sequence[NewPart],
    assign: Mapping[int, int] | None = None,
    on: dt.date | None = None,
) -> list[OrgUnit]:
    """Split `unit` into new sibling units; `assign` maps each open child id to a part index."""
    on = on or _today()
    assign = assign or {}
    if actor is not None:
        access.require(actor, Perm.MANAGE_UNITS, unit)
    if len(parts) < 2:
        raise refuse(SPLIT_NEEDS_PARTS, "split_needs_parts", "parts")
    children = list(unit.children.filter(closed_on__isnull=True))
    for child in children:
        if assign.get(child.pk) not in range(len(parts)):
            raise refuse(
                SPLIT_CHILD_UNASSIGNED,
                "split_child_unassigned",
                "assign",
                child=child.name,
                unit=unit.name,
            )
    _check_date(unit, on, subtree=True)
    parent = unit.parent
    new_units = [
        orgunit_create(
            actor=actor,
            parent=parent,
            name=part.name,
            kind=part.kind or unit.kind,
            code=part.code,
            opened_on=on,
        )
        for part in parts
    ]
    for child in children:
        _move(child, new_units[assign[child.pk]], on)
    _close(actor, unit, on, "orgunit.split", {"successors": [u.pk for u in new_units]})
    Succession.objects.bulk_create(
        Succession(predecessor=unit, successor=new, kind=Succession.Kind.SPLIT, on=on)
        for new in new_units
    )
    return new_units
