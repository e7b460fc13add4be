"""Reads of the metric layer's own records, through the access module (figures are read with
`jinguo.metrics.engine`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from jinguo.accounts.roles import Perm
from jinguo.metrics.models import Target
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit


def targets_of(
    user: Any, unit: OrgUnit, year: int, keys: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """The targets of `unit` for `year` by metric key (only `keys`, when given), for a user who
    may view the unit (404 otherwise)."""
    access.require(user, Perm.VIEW, unit)
    targets = Target.objects.filter(unit=unit, year=year)
    if keys is not None:
        targets = targets.filter(metric__in=list(keys))
    return dict(targets.values_list("metric", "value"))
