"""Programmes and what they give: rules, enrolments, benefits, funds, loans and projects.

A programme (项目) is run by an owner unit, usually the county federation, in one or more
cycles (a yearly aid round, a monthly distribution). People — or households, through the woman
who applies for them — are enrolled in a cycle after a chain of checks, and receive benefits:
cash drawn on a fund, goods, or a service. Enrolments and benefits carry the unit the
beneficiary lived in when they were recorded, so that scope and the statistics of a village
stay what they were even when she moves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, Hukou, Sex
from jinguo.people.models import Household, Person
from jinguo.programmes.choices import (
    Beneficiary,
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    FundSource,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    ProjectStatus,
    RepaymentMethod,
    RuleKind,
    WorkArea,
)

ZERO = Decimal("0")


def money(verbose_name: Any, *, null: bool = False, default: Decimal | None = None) -> Any:
    """Yuan with fen: up to a thousand billion, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        null=null,
        blank=null,
        default=default,
    )


class Organisation(models.Model):
    """A partner, funder, bank or donor organisation outside the federation's own tree."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=100)
    work_area = models.CharField(_("work area"), max_length=12, choices=WorkArea.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=ProgrammeKind.choices)
    beneficiary = models.CharField(
        _("serves"), max_length=10, choices=Beneficiary.choices, default=Beneficiary.PERSON
    )
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("run by")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_in", verbose_name=_("partners")
    )
    funders = models.ManyToManyField(
        Organisation, blank=True, related_name="funder_of", verbose_name=_("funders")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    budget = money(_("budget (yuan)"), null=True)
    target = models.PositiveIntegerField(_("target number of beneficiaries"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    description = models.TextField(_("description"), blank=True)
    # Being enrolled reveals a diagnosis (two-cancers aid, screening): who is in it is seen only
    # by health workers and the programme's decision chain (see `selectors.HEALTH_READERS`).
    health = models.BooleanField(_("enrolment reveals health"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="programme_owner_name_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="programme_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def serves_households(self) -> bool:
        return self.beneficiary == Beneficiary.HOUSEHOLD


class Cycle(models.Model):
    """A round of a programme. Every programme has at least one; most have exactly one.

    Open: applications and deliveries. Approved: the list is fixed, deliveries go on.
    Frozen: nothing changes any more.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    # What one beneficiary may receive in this cycle; empty means no limit.
    cash_cap = money(_("cash per beneficiary (yuan)"), null=True)
    goods_cap = models.DecimalField(
        _("goods per beneficiary (quantity)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["programme", "start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cycle_programme_name"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} · {self.name}"

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


class Rule(models.Model):
    """One eligibility condition, as data. Which fields matter depends on `kind`.

    `on` fixes the date a category or an age is checked on; empty means the date of the
    application.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, blank=True)
    on = models.DateField(_("checked on"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    born_from = models.DateField(_("born from"), null=True, blank=True)
    born_to = models.DateField(_("born until"), null=True, blank=True)
    hukou = models.CharField(
        _("household registration"), max_length=10, choices=Hukou.choices, blank=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lives within"),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Enrolment(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("programme")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cycle")
    )
    # The woman enrolled, or who applied for her household.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("household"),
    )
    # "p:<person id>" or "h:<household id>": one beneficiary once per cycle (unique below).
    beneficiary_key = models.CharField(max_length=24, editable=False)
    # The beneficiary's village when she applied: scope and statistics follow it.
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    # Eligible: met the programme's rules when last checked. Compliant: keeps its conditions
    # (attends, repays, uses the aid as agreed). The two are judged separately.
    eligible = models.BooleanField(_("eligible"), default=True)
    failed_rules = models.JSONField(_("failed rules"), default=list, blank=True)
    eligibility_override = models.CharField(
        _("why admitted despite the rules"), max_length=300, blank=True
    )
    compliant = models.BooleanField(_("compliant"), default=True)
    compliance_note = models.CharField(_("compliance note"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Who took the latest step: she may not take the next decision herself.
    last_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "beneficiary_key"],
                condition=~Q(status=EnrolmentStatus.REJECTED),
                name="enrolment_once_per_cycle",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="enrolment_programme_status"),
            models.Index(fields=["status", "unit"], name="enrolment_status_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.programme.name}"


class EnrolmentStep(models.Model):
    """One move of an enrolment along its chain: who, when, why."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="steps", verbose_name=_("enrolment")
    )
    from_status = models.CharField(
        _("status before"), max_length=10, choices=EnrolmentStatus.choices, blank=True
    )
    to_status = models.CharField(_("status after"), max_length=10, choices=EnrolmentStatus.choices)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment step")
        verbose_name_plural = _("enrolment steps")
        ordering = ["enrolment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status or '—'} → {self.to_status}"


class Fund(models.Model):
    """An account money comes into and cash benefits are paid from."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="funds", verbose_name=_("held by")
    )
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices)
    source_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds",
        verbose_name=_("from organisation"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds",
        verbose_name=_("earmarked for"),
    )
    opened_on = models.DateField(pgettext_lazy("fund", "opened on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="fund_owner_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FundEntry(models.Model):
    """Money in (positive) or out (negative) of a fund on a date. Cash benefits write theirs."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=15, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    counterpart = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from or to organisation"),
    )
    # Spending on a construction project, for its budget against actual.
    project = models.ForeignKey(
        "Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spending",
        verbose_name=_("project"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["fund", "on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="fund_entry_not_zero"),
        ]
        indexes = [models.Index(fields=["fund", "on"], name="fund_entry_fund_on")]

    def __str__(self) -> str:
        return f"{self.fund.name} · {self.on} · {self.amount}"


class Loan(models.Model):
    """A subsidised loan to an enrolled woman; the subsidy payments are her benefits."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="loan", verbose_name=_("enrolment")
    )
    bank = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="loans", verbose_name=_("bank")
    )
    contract_number = models.CharField(_("contract number"), max_length=40, blank=True)
    principal = money(_("principal (yuan)"))
    # Percent a year, e.g. 6.15.
    interest_rate = models.DecimalField(
        _("interest rate (% a year)"), max_digits=5, decimal_places=3
    )
    # The share of the interest the subsidy covers, in percent (100 = fully subsidised).
    subsidy_rate = models.DecimalField(
        _("share of the interest subsidised (percent)"), max_digits=5, decimal_places=2
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(
        _("repayment"),
        max_length=20,
        choices=RepaymentMethod.choices,
        default=RepaymentMethod.QUARTERLY_INTEREST,
    )
    disbursed_on = models.DateField(_("disbursed on"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-disbursed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment.person.name} · {self.principal}"


class Instalment(models.Model):
    """One due date of a loan's schedule, generated when the loan is recorded."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("loan")
    )
    due_on = models.DateField(_("due on"))
    principal = money(_("principal due"))
    interest = money(_("interest due"))

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "due_on"]

    def __str__(self) -> str:
        return f"{self.due_on} · {self.principal + self.interest}"


class Repayment(models.Model):
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan")
    )
    on = models.DateField(_("date"))
    amount = money(_("amount (yuan)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["loan", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} · {self.amount}"


def evidence_path(instance: Benefit, filename: str) -> str:
    return f"evidence/{instance.programme_id}/{filename}"


class Benefit(models.Model):
    """Something a beneficiary received: cash, goods or a service, on a date."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("enrolment")
    )
    # Copied from the enrolment, for the statistics that count benefits by programme and unit.
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("programme")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("cycle")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("person")
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits",
        verbose_name=_("household"),
    )
    beneficiary_key = models.CharField(max_length=24, editable=False)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=BenefitKind.choices)
    # Cash: the sum paid. Goods: their value. Service: its cost, if known.
    amount = money(_("amount or value (yuan)"), default=ZERO)
    item = models.CharField(_("item or service"), max_length=100, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    measure = models.CharField(_("measure"), max_length=8, blank=True)
    fund = models.ForeignKey(
        Fund,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits",
        verbose_name=_("paid from"),
    )
    fund_entry = models.OneToOneField(
        FundEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="benefit"
    )
    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidies",
        verbose_name=_("interest subsidy of"),
    )
    delivered_by = models.CharField(_("delivered by"), max_length=60, blank=True)
    evidence = models.FileField(
        _("receipt or evidence"), upload_to=evidence_path, max_length=200, blank=True
    )
    override_reason = models.CharField(
        _("why delivered despite the rules"), max_length=300, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.CASH) | Q(fund__isnull=False),
                name="benefit_cash_has_fund",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BenefitKind.GOODS) | Q(quantity__gt=0),
                name="benefit_goods_have_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "on"], name="benefit_programme_on"),
            models.Index(fields=["beneficiary_key", "programme"], name="benefit_beneficiary"),
            # Covering the people and households served, which the figures count distinct.
            models.Index(
                fields=["unit", "on"], include=["person", "household"], name="benefit_unit_on"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()} · {self.on}"


class Project(models.Model):
    """A construction project of a programme: a dormitory, a service hall, a children's home."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=100)
    site = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    budget = money(_("budget (yuan)"))
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "name"]

    def __str__(self) -> str:
        return self.name


class ProjectFunding(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funding", verbose_name=_("project")
    )
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("funder")
    )
    amount = money(_("amount (yuan)"))

    class Meta:
        verbose_name = _("project funding")
        verbose_name_plural = _("project funding")
        constraints = [
            models.UniqueConstraint(fields=["project", "funder"], name="project_funder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.funder.name} · {self.amount}"


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    planned_on = models.DateField(_("planned for"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_on", "pk"]

    def __str__(self) -> str:
        return self.name


def photo_path(instance: ProjectPhoto, filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class ProjectPhoto(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="photos", verbose_name=_("project")
    )
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
        verbose_name=_("milestone"),
    )
    image = models.ImageField(_("photo"), upload_to=photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["project", "taken_on", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name
