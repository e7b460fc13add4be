"""The organisation tree: administrative areas and the organisations that hang under them.

Every record in Jinguo belongs to an org unit, and every scope is a subtree. "This unit and
everything below it" is ``path__within=unit.path`` on an indexed materialised path
(``/1/7/42/``). History lives in `OrgUnitVersion`: each placement and name a unit had, with the
dates it held, so that a figure for a past year can use the tree as it stood then.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # Administrative areas (行政区划), top to bottom.
    PROVINCE = "province", _("Province / region")
    CITY = "city", _("City / league")
    BANNER = "banner", _("Banner")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township")
    SUMU = "sumu", _("Sumu")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    FARM = "farm", _("State farm")
    GACHA = "gacha", _("Gacha")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    # Organisations attached to an area.
    FEDERATION = "federation", _("Women's federation")
    WOMENS_HOME = "womens_home", _("Women's Home")
    TWO_NEW_ORG = "two_new_org", _("Two-new organisation")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    CLINIC = "clinic", _("Clinic")
    MEMBER_UNIT = "member_unit", _("Member unit of the Women and Children Working Committee")
    SERVICE_STATION = "service_station", _("Service station")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    CIVILISED_POST = "civilised_post", _("Civilised post")


class Level(models.IntegerChoices):
    """The administrative level of an area; organisations take the level of their area."""

    PROVINCE = 1, _("Province level")
    CITY = 2, _("City level")
    COUNTY = 3, _("County level")
    TOWNSHIP = 4, _("Township level")
    VILLAGE = 5, _("Village level")


AREA_LEVEL: dict[str, Level] = {
    Kind.PROVINCE: Level.PROVINCE,
    Kind.CITY: Level.CITY,
    Kind.BANNER: Level.COUNTY,
    Kind.COUNTY: Level.COUNTY,
    Kind.TOWN: Level.TOWNSHIP,
    Kind.TOWNSHIP: Level.TOWNSHIP,
    Kind.SUMU: Level.TOWNSHIP,
    Kind.SUBDISTRICT: Level.TOWNSHIP,
    Kind.FARM: Level.TOWNSHIP,
    Kind.GACHA: Level.VILLAGE,
    Kind.VILLAGE: Level.VILLAGE,
    Kind.COMMUNITY: Level.VILLAGE,
}
# Significant digits of the statistical division code at each level (GB/T 2260 is the first 6).
CODE_DIGITS: dict[Level, int] = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
AREA_KINDS: frozenset[str] = frozenset(str(kind) for kind in AREA_LEVEL)
ORGANISATION_KINDS: frozenset[str] = frozenset(str(kind) for kind in Kind) - AREA_KINDS


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree(self, root: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything below it, open or closed."""
        return self.filter(path__within=root.path)

    def open_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.filter(opened_on__lte=day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def areas(self) -> OrgUnitQuerySet:
        return self.filter(kind__in=AREA_KINDS)

    def organisations(self) -> OrgUnitQuerySet:
        return self.filter(kind__in=ORGANISATION_KINDS)


class OrgUnit(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Unique, hence indexed: SQLite range-scans it, and on PostgreSQL Django adds a
    # varchar_pattern_ops twin so that LIKE 'prefix%' is served in any locale.
    path = models.CharField(_("path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("depth"))
    # The county (GB/T 2260) the unit lies in: the distribution key for large tables.
    county_code = models.CharField(_("county code"), max_length=6, db_index=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "name"], name="orgunit_parent_name_idx"),
            models.Index(fields=["kind", "county_code"], name="orgunit_kind_county_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="orgunit_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_area(self) -> bool:
        return self.kind in AREA_KINDS

    @property
    def level(self) -> Level | None:
        return AREA_LEVEL.get(self.kind)

    @property
    def division_code(self) -> str:
        """The 12-digit statistical division code of an area (blank for organisations)."""
        return self.code.ljust(12, "0") if self.is_area else ""

    def is_open(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]

    def covers(self, other: OrgUnit) -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)


class OrgUnitVersion(models.Model):
    """Where a unit sat in the tree, and what it was called, from one date to another."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="versions", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=255)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("org unit version")
        verbose_name_plural = _("org unit versions")
        ordering = ["unit", "valid_from"]
        indexes = [
            models.Index(
                fields=["path"], name="orgunitversion_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["unit", "valid_from"], name="orgunitversion_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(valid_to__isnull=True),
                name="orgunitversion_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from}–{self.valid_to or ''}"


class Succession(models.Model):
    """A unit that took over from another: merges (many → one) and splits (one → many)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")

    predecessor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="successions", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="predecessions", verbose_name=_("successor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.on})"
