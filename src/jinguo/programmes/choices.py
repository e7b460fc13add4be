"""Code lists of the programmes registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WorkArea(models.TextChoices):
    """The four lines of a federation's year (the seed's four 工程), keyed as in navigation."""

    PROSPERITY = "prosperity", _("Prosperity and achievement")
    LIVELIHOOD = "livelihood", _("Livelihood of women and children")
    DEVELOPMENT = "development", _("Women's development")
    ORGANISATION = "organisation", _("Organisation building")
    OTHER = "other", pgettext_lazy("work area", "Other")


class ProgrammeKind(models.TextChoices):
    TRAINING = "training", _("Training")
    LOAN = "loan", _("Loan")
    CASH_AID = "cash_aid", _("Cash aid")
    IN_KIND_AID = "in_kind_aid", _("In-kind aid")
    SERVICE = "service", pgettext_lazy("programme kind", "Service")
    SPONSORSHIP = "sponsorship", _("Sponsorship")
    SCREENING = "screening", _("Screening")
    CONSTRUCTION = "construction", _("Construction project")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Being set up")
    OPEN = "open", _("Running")
    CLOSED = "closed", _("Closed")


class Beneficiary(models.TextChoices):
    """Whom a programme serves: one person, or a household through one of its members."""

    PERSON = "person", pgettext_lazy("beneficiary", "Person")
    HOUSEHOLD = "household", pgettext_lazy("beneficiary", "Household")


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("round", "Open")
    APPROVED = "approved", _("List approved")
    FROZEN = "frozen", _("Frozen")


class OrganisationKind(models.TextChoices):
    FEDERATION = "federation", _("Women's federation")
    GOVERNMENT = "government", _("Government department")
    BANK = "bank", _("Bank")
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organisation")
    PRIVATE = "private", _("Private donor")
    OTHER = "other", pgettext_lazy("organisation kind", "Other")


class RuleKind(models.TextChoices):
    CATEGORY = "category", _("Holds a category on a date")
    AGE = "age", _("Age range on a date")
    BIRTH_WINDOW = "birth_window", _("Born within a window")
    HUKOU = "hukou", _("Household registration")
    RESIDENCE = "residence", _("Lives within a unit")
    SEX = "sex", pgettext_lazy("rule", "Sex")
    ONCE = "once", _("At most once per lifetime")
    GAP_YEARS = "gap_years", _("Not within N years of the last benefit")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VERIFIED = "verified", _("Verified by the township")
    APPROVED = "approved", _("Approved by the county")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    EXITED = "exited", _("Exited")
    REJECTED = "rejected", _("Rejected")


class BenefitKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")
    SERVICE = "service", pgettext_lazy("benefit kind", "Service")


# Measures goods are counted in; free text is allowed too, these are offered first.
MEASURES = ("件", "台", "个", "套", "斤", "公斤", "袋", "箱", "桶", "份", "盒", "次", "张")


class FundSource(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation from a higher level")
    GOVERNMENT = "government", _("Local government budget")
    DONATIONS = "donations", _("Donations")
    SPONSOR = "sponsor", _("Sponsor")
    OTHER = "other", pgettext_lazy("fund source", "Other")


class RepaymentMethod(models.TextChoices):
    # The usual form of the women's micro-guaranteed loans: interest each quarter, the
    # principal at maturity.
    QUARTERLY_INTEREST = "quarterly_interest", _("Interest quarterly, principal at maturity")
    EQUAL_PRINCIPAL = "equal_principal", _("Equal monthly principal with interest")


class LoanStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    OVERDUE = "overdue", _("Overdue")
    REPAID = "repaid", _("Repaid")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    COMPLETED = "completed", _("Completed")
    IN_USE = "in_use", _("In use")
    SUSPENDED = "suspended", _("Suspended")
