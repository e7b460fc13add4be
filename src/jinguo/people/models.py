"""One person, one file (一人一档): people, households, categories held for a period, consent.

A person is one row however many programmes serve her. Her ID number and phone are stored
encrypted (AES-GCM, `core.fields.EncryptedTextField`) with a keyed blind index beside them for
exact lookup and uniqueness; the plaintext never reaches the database. Scope follows her
residence unit: whoever may see the village sees the people who live there.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Education,
    Guardianship,
    Hukou,
    Marital,
    ParentsSituation,
    Relation,
    Schooling,
    Sex,
)


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(merged_into__isnull=True)

    def in_category(self, category: str, on: dt.date) -> PersonQuerySet:
        return self.filter(holds_category(category, on))


def holds_category(category: str, on: dt.date) -> Q:
    """People who held `category` on day `on` (start ≤ on < end), as a filter on Person."""
    held = CategoryPeriod.objects.filter(category=category, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gt=on)
    )
    return Q(pk__in=held.values("person_id"))


class Person(models.Model):
    # db_index on a CharField also gives PostgreSQL a pattern-ops index for prefix search.
    name = models.CharField(_("name"), max_length=50, db_index=True)
    # Full pinyin without spaces ("wangfang") and initials ("wf"), for search by pinyin prefix.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("citizen ID number"), null=True, blank=True)
    # HMAC of the normalised ID number: exact lookup and uniqueness without the plaintext.
    # NULL, not "", for "no ID number": the unique constraint admits any number of NULLs.
    id_number_index = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    phone = EncryptedTextField(_("phone"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_tail = models.CharField(_("last four digits of the phone"), max_length=4, blank=True)
    residence = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("village or community of residence"),
        db_index=False,  # (residence, name) below serves every lookup by residence
    )
    # Distribution key at scale, and the first column of the search indexes below.
    county_code = models.CharField(_("county code"), max_length=6)
    hukou = models.CharField(
        _("household registration"), max_length=10, choices=Hukou.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=Marital.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set when a reviewer merged this record into another; the record stays for undo.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # the partial index below: only merged records are ever looked up by it
        related_name="merged_people",
        verbose_name=_("merged into"),
    )
    # Optimistic locking: every update must name the version it was based on.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Plain Meta indexes rather than unique=/db_index=, which on PostgreSQL add a second
        # pattern-ops index nobody uses. Searches inside a county go through the
        # (county_code, prefix column) indexes; pattern ops serve LIKE 'prefix%' on PostgreSQL.
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="person_id_number_unique"),
        ]
        indexes = [
            models.Index(fields=["residence", "name"], name="person_residence_name_idx"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="person_merged_into_idx",
            ),
            models.Index(fields=["birth_date"], name="person_birth_idx"),
            models.Index(fields=["phone_index"], name="person_phone_index_idx"),
            models.Index(fields=["phone_tail"], name="person_phone_tail_idx"),
            models.Index(
                fields=["county_code", "name_pinyin"],
                opclasses=["varchar_ops", "varchar_pattern_ops"],
                name="person_county_pinyin_idx",
            ),
            models.Index(
                fields=["county_code", "name_initials"],
                opclasses=["varchar_ops", "varchar_pattern_ops"],
                name="person_county_initials_idx",
            ),
            models.Index(
                fields=["county_code", "name"],
                opclasses=["varchar_ops", "varchar_pattern_ops"],
                name="person_county_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Household(models.Model):
    """A household (户): members with their relation to the head, over time."""

    code = models.CharField(_("household number"), max_length=24, unique=True)
    residence = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("village or community"),
    )
    county_code = models.CharField(_("county code"), max_length=6, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A person's membership of a household from one date to another."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True),
                name="membership_one_current_household",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end__isnull=True, relation="head"),
                name="membership_one_current_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ∈ {self.household} ({self.get_relation_display()})"


class CategoryPeriod(models.Model):
    """A category a person held from `start` to `end` (exclusive; open when empty)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="categories", verbose_name=_("person")
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    disability_type = models.CharField(
        _("disability type"), max_length=16, choices=DisabilityType.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("category period")
        verbose_name_plural = _("category periods")
        indexes = [
            models.Index(fields=["category", "start", "end"], name="category_on_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="category_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_category_display()} {self.start}–{self.end or ''}"

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class LeftBehindDetail(models.Model):
    """The civil-affairs registration fields of a left-behind child."""

    period = models.OneToOneField(
        CategoryPeriod,
        on_delete=models.CASCADE,
        related_name="left_behind",
        verbose_name=_("category period"),
    )
    schooling = models.CharField(
        _("schooling"), max_length=16, choices=Schooling.choices, blank=True
    )
    school_name = models.CharField(_("school"), max_length=100, blank=True)
    boarding = models.BooleanField(_("boards at school"), default=False)
    health = models.CharField(_("health or disability"), max_length=100, blank=True)
    parents = models.CharField(
        _("parents' situation"), max_length=24, choices=ParentsSituation.choices
    )
    father_workplace = models.CharField(_("father's place of work"), max_length=100, blank=True)
    father_phone = EncryptedTextField(_("father's phone"), null=True, blank=True)
    mother_workplace = models.CharField(_("mother's place of work"), max_length=100, blank=True)
    mother_phone = EncryptedTextField(_("mother's phone"), null=True, blank=True)
    guardian_name = models.CharField(_("entrusted guardian"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=30, blank=True)
    guardianship = models.CharField(
        _("guardianship type"), max_length=16, choices=Guardianship.choices, blank=True
    )
    income_sources = models.CharField(_("family income sources"), max_length=200, blank=True)
    aid_received = models.CharField(_("aid received"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("left-behind child details")
        verbose_name_plural = _("left-behind child details")

    def __str__(self) -> str:
        return str(self.period)


class Consent(models.Model):
    """Consent to process a person's personal information for a purpose (PIPL arts. 14, 31)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    scope = models.CharField(
        _("scope"), max_length=200, help_text=_("Which information, for what use.")
    )
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    giver_name = models.CharField(_("name of whoever consented"), max_length=50)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_active_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_purpose_display()}"


class DuplicatePair(models.Model):
    """Two records that may be the same person, found by the scan, waiting for review."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISTINCT = "distinct", _("Different people")
        MERGED = "merged", _("Merged")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_status_idx")]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score})"


class PersonMerge(models.Model):
    """A merge of one record into another, with what moved, so that it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # {"app_label.model.field": [ids of rows moved from `merged` to `survivor`]}
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge of people")
        verbose_name_plural = _("merges of people")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
