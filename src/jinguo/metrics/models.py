"""What the engine keeps so that figures are read, not computed, and are never out of date.

`Tally`: for each additive metric, org unit and month, the figure of the records recorded at
the unit itself (``own``) and at the unit and everything below it (``total``). A county's
year is twelve rows.

`Stale`: the units whose records changed since their tally was made, written by database
triggers on the record tables in the same transaction as the change (so nothing can change a
record without marking it). The next read first brings those units' tallies up to date; a
``unit_id`` of 0 means every unit of the source (a filter's table changed).

`Cached`: figures that do not add up over months or units (distinct people, people holding a
category on a day), computed from the records on first read and dropped when a record below
their unit changes.

`Counted`: the declaration of each metric the tally and cache hold.

`Target`: the figure a unit means to reach in a year, set by its staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.orgunits.models import OrgUnit


def _figure(verbose_name: Any = None, **options: Any) -> Any:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=2, **options)


class Tally(models.Model):
    metric = models.CharField(max_length=60)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    own = _figure(default=0)
    total = _figure(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "month"], name="tally_cell_unique")
        ]
        # Which villages recorded something in a month (reporting completeness).
        indexes = [
            models.Index(fields=["month", "unit"], include=["total"], name="tally_month_unit")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit_id} {self.month:%Y-%m}: {self.total}"


ALL_MONTHS = dt.date(1, 1, 1)


class Stale(models.Model):
    source = models.CharField(max_length=40)
    unit_id = models.BigIntegerField()
    month = models.DateField(default=ALL_MONTHS)  # ALL_MONTHS: every month of the unit
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "unit_id", "month"], name="stale_mark_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.unit_id} {self.month} v{self.version}"


class Cached(models.Model):
    metric = models.CharField(max_length=60)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    about = models.CharField(max_length=100, blank=True)
    value = _figure()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "unit", "start", "end", "about"], name="cached_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit_id} {self.start}–{self.end}: {self.value}"


class Counted(models.Model):
    """The declaration each metric's tally and cache were made from: a metric that is new or
    declared differently since is counted again from its records."""

    metric = models.CharField(max_length=60, unique=True)
    signature = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.metric} {self.signature[:8]}"


class Target(models.Model):
    metric = models.CharField(_("metric"), max_length=60)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = _figure(_("target"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "year"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit_id} {self.year}: {self.value}"
