"""Writes to the metric layer: the targets a unit means to reach in a year.

A target is the figure a unit is asked to reach for one metric in one calendar year
(目标任务); the dashboard shows attainment, value ÷ target. Targets are handed down by the
county (上级下达), so setting one takes APPROVE on the unit — the county administrator's
permission, held on the county and so on every township and village below it. A township
chair sees her targets and attainment but does not set them.

Only counts and sums take a target: a rate (a share in per cent) has no sensible "amount to
reach" apart from the two counts it divides, which take their own targets.

Targets are read with `selectors.targets_of`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import refuse
from jinguo.metrics import registry
from jinguo.metrics.models import Target
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit

# The years a target may be set for: the platform's records start in 2000.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# What fits the Target.value column (20 digits, 2 after the point).
LARGEST = Decimal("999999999999999999.99")
CENT = Decimal("0.01")

TARGET_RATE = _(
    "“%(label)s” is a rate: set targets for the two figures it divides, not for the rate."
)
TARGET_NEGATIVE = _("A target cannot be negative (%(value)s).")
TARGET_TOO_LARGE = _("%(value)s is too large for a target.")
TARGET_NOT_A_NUMBER = _("“%(value)s” is not a number.")
TARGET_DECIMALS = _(
    "“%(label)s” is counted in whole numbers: a target of %(value)s cannot be reached."
)
TARGET_DECIMALS_SOME = _("“%(label)s” takes at most %(decimals)s decimal places (%(value)s).")
TARGET_YEAR = _("Targets are set for the years %(first)s to %(last)s, not %(year)s.")


def _value(metric: registry.Metric, raw: Decimal | int | str) -> Decimal:
    """The target as a Decimal, checked against what the metric counts."""
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise refuse(TARGET_NOT_A_NUMBER, "target_invalid", "value", value=raw) from None
    if not value.is_finite():
        raise refuse(TARGET_NOT_A_NUMBER, "target_invalid", "value", value=raw)
    if value < 0:
        raise refuse(TARGET_NEGATIVE, "target_negative", "value", value=value)
    if value > LARGEST:
        raise refuse(TARGET_TOO_LARGE, "target_too_large", "value", value=value)
    places = max(0, -int(value.normalize().as_tuple().exponent))
    if places > min(metric.decimals, 2):
        if metric.decimals == 0:
            raise refuse(
                TARGET_DECIMALS, "target_decimals", "value", label=metric.label, value=value
            )
        raise refuse(
            TARGET_DECIMALS_SOME,
            "target_decimals",
            "value",
            label=metric.label,
            decimals=metric.decimals,
            value=value,
        )
    return value.quantize(CENT)


@transaction.atomic
def target_set(
    *,
    actor: Any,
    metric_key: str,
    unit: OrgUnit,
    year: int,
    value: Decimal | int | str | None,
) -> Target | None:
    """Set (or, with `value` None, remove) the target of `metric_key` for `unit` in `year`.

    Requires APPROVE on the unit (404 when the unit is out of the actor's sight, 403 when she
    sees it without the permission); `actor` None is the system (the demo loader). Refuses an
    unknown metric (metric_unknown), a rate (target_rate), a year outside 2000–2100
    (target_year), a value that is not a number, negative, too large, or finer than the metric
    counts (target_invalid, target_negative, target_too_large, target_decimals). Setting the
    value it already has writes nothing. Returns the target, or None when none is left.
    """
    if actor is not None:
        access.require(actor, Perm.APPROVE, unit)
    metric = registry.get(metric_key)
    if not isinstance(metric, registry.Metric):
        raise refuse(TARGET_RATE, "target_rate", "metric", label=metric.label)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise refuse(
            TARGET_YEAR, "target_year", "year", first=FIRST_YEAR, last=LAST_YEAR, year=year
        )
    current = (
        Target.objects.select_for_update().filter(metric=metric.key, unit=unit, year=year).first()
    )
    before = current.value if current is not None else None
    if value is None or value == "":
        if current is None:
            return None
        current.delete()
        _audit(actor, "target.remove", metric, unit, year, before, None)
        return None
    checked = _value(metric, value)
    if current is not None and current.value == checked:
        return current
    if current is None:
        current = Target(metric=metric.key, unit=unit, year=year)
    current.value = checked
    current.set_by = actor if getattr(actor, "pk", None) else None
    current.full_clean()
    current.save()
    _audit(actor, "target.set", metric, unit, year, before, checked)
    return current


def _audit(
    actor: Any,
    action: str,
    metric: registry.Metric,
    unit: OrgUnit,
    year: int,
    before: Decimal | None,
    after: Decimal | None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="metrics.target",
        object_id=f"{metric.key}:{unit.pk}:{year}",
        object_repr=f"{metric.label} · {unit.name} · {year}",
        unit_path=unit.path,
        changes={"value": [before, after]},
    )
