"""The one place that decides what a user may see and do.

A user holds grants (a role on an org unit); a grant covers the unit and everything below it.
Every selector, view, API endpoint, export and drill-down asks this module, never the models.
An object outside the user's scope is reported exactly like a missing one (404), so that
scope cannot be probed.

Django's ``is_superuser`` is deliberately ignored: power comes only from grants.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from jinguo.accounts.models import Grant
from jinguo.accounts.roles import ROLE_PERMS, Perm
from jinguo.orgunits.models import OrgUnit

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_jinguo_grant_paths"


def _grant_paths(user: Any) -> list[tuple[str, frozenset[Perm]]]:
    """(unit path, permissions) for each active grant, loaded once per user object."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    cached: list[tuple[str, frozenset[Perm]]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            (path, ROLE_PERMS[role])
            for role, path in Grant.objects.active()
            .filter(user=user)
            .values_list("role", "unit__path")
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached grants, after the user's grants have changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user: Any, perm: Perm = Perm.VIEW) -> list[str]:
    """The roots of the subtrees where the user holds `perm`, none inside another."""
    roots: list[str] = []
    for path in sorted({path for path, perms in _grant_paths(user) if perm in perms}):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def scope_q(user: Any, perm: Perm = Perm.VIEW, *, path_field: str = "path") -> Q:
    """A filter matching rows whose org-unit path lies in the user's scope for `perm`."""
    roots = scope_paths(user, perm)
    if not roots:
        return Q(pk__in=[])
    q = Q()
    for root in roots:
        q |= Q(**{f"{path_field}__within": root})
    return q


def scoped(
    user: Any, queryset: QuerySet[M], perm: Perm = Perm.VIEW, *, path_field: str = "path"
) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may reach with `perm`."""
    return queryset.filter(scope_q(user, perm, path_field=path_field))


def _ancestor_paths(path: str) -> list[str]:
    """'/1/7/42/' → ['/1/', '/1/7/']."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def reaching_q(user: Any, *, path_field: str = "path") -> Q:
    """Rows owned by a unit in the user's scope or above it.

    For what higher levels run for the units below them — a county programme is seen, and
    applied to, from every village — while its records stay scoped by `scope_q`.
    """
    roots = scope_paths(user)
    if not roots:
        return Q(pk__in=[])
    above = sorted({ancestor for root in roots for ancestor in _ancestor_paths(root)})
    return scope_q(user, path_field=path_field) | Q(**{f"{path_field}__in": above})


def reaches(user: Any, unit: OrgUnit) -> bool:
    """Whether `unit` lies in the user's scope or above it (see `reaching_q`)."""
    return any(
        unit.path.startswith(root) or root.startswith(unit.path) for root in scope_paths(user)
    )


def require_reaching(user: Any, perm: Perm, unit: OrgUnit) -> None:
    """`require` for what a unit owns and users below it see: 403, not 404, from below."""
    if can(user, perm, unit):
        return
    if reaches(user, unit):
        raise PermissionDenied
    raise Http404


def perms_at(user: Any, unit: OrgUnit) -> frozenset[Perm]:
    """Everything the user may do on `unit` through grants on it or its ancestors."""
    held: set[Perm] = set()
    for path, perms in _grant_paths(user):
        if unit.path.startswith(path):
            held |= perms
    return frozenset(held)


def can(user: Any, perm: Perm, unit: OrgUnit) -> bool:
    return perm in perms_at(user, unit)


def require(user: Any, perm: Perm, unit: OrgUnit) -> None:
    """Raise 404 when the unit is out of sight, PermissionDenied when seen but not allowed."""
    held = perms_at(user, unit)
    if Perm.VIEW not in held:
        raise Http404
    if perm not in held:
        raise PermissionDenied


def unit_get(user: Any, unit_id: Any, perm: Perm = Perm.VIEW) -> OrgUnit:
    """Fetch a unit through the user's scope: missing and out of scope both give 404."""
    try:
        unit = OrgUnit.objects.select_related("parent").get(pk=int(unit_id))
    except (OrgUnit.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    require(user, perm, unit)
    return unit


def get_in(queryset: QuerySet[M], pk: Any) -> M:
    """One row of an already scoped queryset: missing, out of scope or a bad id are all 404."""
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404 from None


def home_units(user: Any) -> list[OrgUnit]:
    """The units at the top of the user's scope, where her pages start."""
    roots = scope_paths(user)
    return list(OrgUnit.objects.filter(path__in=roots).order_by("code"))
