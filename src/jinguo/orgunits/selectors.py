"""Reads of the organisation tree, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from jinguo.accounts.roles import Perm
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit, OrgUnitVersion


def unit_list(
    user: Any,
    *,
    search: str = "",
    kind: str = "",
    within: OrgUnit | None = None,
    include_closed: bool = False,
) -> QuerySet[OrgUnit]:
    units = access.scoped(user, OrgUnit.objects.all()).select_related("parent")
    if within is not None:
        units = units.filter(path__within=within.path)
    if kind:
        units = units.filter(kind=kind)
    if search:
        units = units.filter(Q(name__contains=search) | Q(code__startswith=search))
    if not include_closed:
        units = units.filter(closed_on__isnull=True)
    return units.order_by("code")


def unit_by_code(user: Any, code: str) -> OrgUnit | None:
    """The unit with this code if the user may see it; None when missing or out of scope."""
    unit = OrgUnit.objects.filter(code=code.strip()).first()
    if unit is None or not access.can(user, Perm.VIEW, unit):
        return None
    return unit


def unit_children(user: Any, unit: OrgUnit, *, include_closed: bool = False) -> QuerySet[OrgUnit]:
    """The units directly below `unit`, each with how many open units lie directly below it.

    Ordered by code: areas (all digits) come before organisations (code with a letter).
    """
    access.require(user, Perm.VIEW, unit)
    children = unit.children.all()
    if not include_closed:
        children = children.filter(closed_on__isnull=True)
    return children.annotate(
        child_count=Count("children", filter=Q(children__closed_on__isnull=True))
    ).order_by("code")


def unit_ancestors(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The path from the top of the user's scope down to (not including) `unit`."""
    ancestors = OrgUnit.objects.filter(pk__in=unit.ancestor_ids())
    return list(access.scoped(user, ancestors).order_by("depth"))


def unit_kind_counts(user: Any, unit: OrgUnit, *, on: dt.date | None = None) -> dict[str, int]:
    """How many open units of each kind lie below `unit` (itself excluded)."""
    access.require(user, Perm.VIEW, unit)
    below = OrgUnit.objects.subtree(unit).exclude(pk=unit.pk)
    below = below.open_on(on) if on else below.filter(closed_on__isnull=True)
    return dict(below.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))


def unit_history(user: Any, unit: OrgUnit) -> QuerySet[OrgUnitVersion]:
    access.require(user, Perm.VIEW, unit)
    return unit.versions.select_related("parent").order_by("valid_from")


def subtree_ids_on(root: OrgUnit, day: dt.date) -> QuerySet[OrgUnitVersion, int]:
    """Ids of the units that stood under `root` on `day`: the tree as it was then.

    Use as ``Record.objects.filter(unit_id__in=subtree_ids_on(root, day))`` for past figures.
    The caller must already have checked that the user may see `root`.
    """
    on_day = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    root_path = (
        OrgUnitVersion.objects.filter(on_day, unit=root).values_list("path", flat=True).first()
    )
    if root_path is None:
        return OrgUnitVersion.objects.none().values_list("unit_id", flat=True)
    return OrgUnitVersion.objects.filter(on_day, path__within=root_path).values_list(
        "unit_id", flat=True
    )
