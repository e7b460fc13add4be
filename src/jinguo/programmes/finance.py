"""Money and works: funds and their entries, loans with their schedules, construction projects.

A fund's balance on a day is the sum of its entries up to that day; an outflow is refused when
it would take the balance below zero on that day or any later one already recorded. Cash
benefits draw on a fund through `fund_draw`, so budget against actual and the fund ledger are
the same records.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import refuse, stale
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes.choices import LoanStatus, ProjectStatus, RepaymentMethod
from jinguo.programmes.models import (
    ZERO,
    Enrolment,
    Fund,
    FundEntry,
    Instalment,
    Loan,
    Milestone,
    Organisation,
    Programme,
    Project,
    ProjectFunding,
    ProjectPhoto,
    Repayment,
)

FEN = Decimal("0.01")

FUND_SHORT = _("%(fund)s holds %(balance)s yuan on %(date)s, not enough for %(amount)s yuan.")
AMOUNT_POSITIVE = _("The amount must be above zero.")
BEFORE_OPENING = _("%(fund)s was opened on %(opened)s; the date cannot be earlier.")
LOAN_TERMS = _("Give the principal, a rate between 0 and 100%% and a term of 1 to 360 months.")
LOAN_EXISTS = _("%(name)s's enrolment already has a loan.")
LOAN_PROGRAMME = _("Loans are recorded only in loan programmes.")
OVERPAID = _("%(amount)s yuan is more than the %(owed)s yuan still owed.")
BEFORE_LOAN = _("The loan was disbursed on %(date)s; a repayment cannot be earlier.")
PROJECT_PROGRAMME = _("Projects belong to construction programmes.")
FUND_NAME_TAKEN = _("%(owner)s already holds a fund called “%(name)s”.")
SITE_OUTSIDE = _("%(site)s lies outside %(owner)s, which runs “%(programme)s”.")
WRONG_PROJECT = _("%(fund)s is earmarked for “%(programme)s”, not for this project.")
NOT_IMAGE = _("Upload a photo (JPEG, PNG or WebP).")


def _require(actor: Any, perm: Perm, unit: OrgUnit) -> None:
    if actor is not None:
        access.require(actor, perm, unit)


def _require_reaching(actor: Any, perm: Perm, unit: OrgUnit) -> None:
    if actor is not None:
        access.require_reaching(actor, perm, unit)


def _money(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


# --- funds ----------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(
    *,
    actor: Any,
    owner: OrgUnit,
    name: str,
    source: str,
    opened_on: dt.date,
    source_organisation: Organisation | None = None,
    programme: Programme | None = None,
    note: str = "",
) -> Fund:
    _require(actor, Perm.APPROVE, owner)
    if Fund.objects.filter(owner=owner, name=name.strip()).exists():
        raise refuse(FUND_NAME_TAKEN, "name_taken", "name", owner=owner.name, name=name.strip())
    fund = Fund.objects.create(
        owner=owner,
        name=name.strip(),
        source=source,
        source_organisation=source_organisation,
        programme=programme,
        opened_on=opened_on,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action="fund.create",
        obj=fund,
        unit_path=owner.path,
        changes={"name": [None, fund.name], "source": [None, source]},
    )
    return fund


def fund_balance(fund: Fund, on: dt.date | None = None) -> Decimal:
    entries = fund.entries.all()
    if on is not None:
        entries = entries.filter(on__lte=on)
    return entries.aggregate(total=Sum("amount"))["total"] or ZERO


def _lowest_balance_from(fund: Fund, on: dt.date) -> tuple[Decimal, dt.date]:
    """The lowest balance on `on` or any later day with entries, and that day."""
    balance = fund_balance(fund, on)
    lowest, day = balance, on
    later = fund.entries.filter(on__gt=on).values("on").annotate(net=Sum("amount")).order_by("on")
    for row in later:
        balance += row["net"]
        if balance < lowest:
            lowest, day = balance, row["on"]
    return lowest, day


def _record(
    actor: Any,
    fund: Fund,
    on: dt.date,
    amount: Decimal,
    description: str,
    counterpart: Organisation | None = None,
    project: Project | None = None,
) -> FundEntry:
    fund = Fund.objects.select_for_update().select_related("owner").get(pk=fund.pk)
    if on < fund.opened_on:
        raise refuse(BEFORE_OPENING, "before_opening", "on", fund=fund.name, opened=fund.opened_on)
    if amount < 0:
        lowest, day = _lowest_balance_from(fund, on)
        if lowest + amount < 0:
            raise refuse(
                FUND_SHORT,
                "fund_short",
                "amount",
                fund=fund.name,
                balance=lowest,
                date=day,
                amount=-amount,
            )
    entry = FundEntry.objects.create(
        fund=fund,
        on=on,
        amount=amount,
        description=description.strip()[:200],
        counterpart=counterpart,
        project=project,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="fund.entry",
        obj=fund,
        unit_path=fund.owner.path,
        changes={
            "amount": [None, amount],
            "on": [None, on],
            "description": [None, entry.description],
        },
    )
    return entry


@transaction.atomic
def fund_receive(
    *,
    actor: Any,
    fund: Fund,
    on: dt.date,
    amount: Decimal,
    description: str,
    counterpart: Organisation | None = None,
) -> FundEntry:
    """Money in: an allocation, a donation, a sponsor's payment."""
    _require(actor, Perm.APPROVE, fund.owner)
    if amount <= 0:
        raise refuse(AMOUNT_POSITIVE, "amount_not_positive", "amount")
    return _record(actor, fund, on, amount, description, counterpart)


@transaction.atomic
def fund_spend(
    *,
    actor: Any,
    fund: Fund,
    on: dt.date,
    amount: Decimal,
    description: str,
    counterpart: Organisation | None = None,
    project: Project | None = None,
) -> FundEntry:
    """Money out that is not a benefit to a person: building works, a transfer."""
    _require(actor, Perm.APPROVE, fund.owner)
    if amount <= 0:
        raise refuse(AMOUNT_POSITIVE, "amount_not_positive", "amount")
    if project is not None and fund.programme_id not in (None, project.programme_id):
        raise refuse(
            WRONG_PROJECT, "wrong_fund", "project", fund=fund.name, programme=fund.programme
        )
    return _record(actor, fund, on, -amount, description, counterpart, project)


def fund_draw(
    *, actor: Any, fund: Fund, on: dt.date, amount: Decimal, description: str
) -> FundEntry:
    """The outflow of a cash benefit; the benefit's own service checks who may deliver."""
    return _record(actor, fund, on, -amount, description)


def fund_credit(
    *,
    actor: Any,
    fund: Fund,
    on: dt.date,
    amount: Decimal,
    description: str,
    counterpart: Organisation | None = None,
) -> FundEntry:
    """The inflow of a donation; the donation's own service checks who may receive it."""
    if amount <= 0:
        raise refuse(AMOUNT_POSITIVE, "amount_not_positive", "amount")
    return _record(actor, fund, on, amount, description, counterpart)


# --- loans ----------------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(loan: Loan) -> list[Instalment]:
    """The due dates of a loan. Interest is simple interest on the outstanding principal."""
    monthly = loan.interest_rate / Decimal(1200)
    rows: list[Instalment] = []
    if loan.method == RepaymentMethod.EQUAL_PRINCIPAL:
        part = _money(loan.principal / loan.term_months)
        outstanding = loan.principal
        for month in range(1, loan.term_months + 1):
            principal = outstanding if month == loan.term_months else part
            rows.append(
                Instalment(
                    loan=loan,
                    due_on=_add_months(loan.disbursed_on, month),
                    principal=principal,
                    interest=_money(outstanding * monthly),
                )
            )
            outstanding -= principal
        return rows
    month = 0
    while month < loan.term_months:
        months = min(3, loan.term_months - month)
        month += months
        last = month == loan.term_months
        rows.append(
            Instalment(
                loan=loan,
                due_on=_add_months(loan.disbursed_on, month),
                principal=loan.principal if last else ZERO,
                interest=_money(loan.principal * monthly * months),
            )
        )
    return rows


@transaction.atomic
def loan_record(
    *,
    actor: Any,
    enrolment: Enrolment,
    bank: Organisation,
    principal: Decimal,
    interest_rate: Decimal,
    subsidy_rate: Decimal,
    term_months: int,
    disbursed_on: dt.date,
    method: str = RepaymentMethod.QUARTERLY_INTEREST,
    contract_number: str = "",
    purpose: str = "",
) -> Loan:
    _require(actor, Perm.EDIT, enrolment.unit)
    if enrolment.programme.kind != "loan":
        raise refuse(LOAN_PROGRAMME, "not_a_loan_programme", "programme")
    if Loan.objects.filter(enrolment=enrolment).exists():
        raise refuse(LOAN_EXISTS, "loan_exists", "enrolment", name=enrolment.person.name)
    if (
        principal <= 0
        or not 0 <= interest_rate < 100
        or not 0 <= subsidy_rate <= 100
        or not 1 <= term_months <= 360
    ):
        raise refuse(LOAN_TERMS, "invalid_terms", "principal")
    loan = Loan.objects.create(
        enrolment=enrolment,
        bank=bank,
        principal=principal,
        interest_rate=interest_rate,
        subsidy_rate=subsidy_rate,
        term_months=term_months,
        method=method,
        disbursed_on=disbursed_on,
        contract_number=contract_number.strip(),
        purpose=purpose.strip(),
        recorded_by=actor,
    )
    Instalment.objects.bulk_create(schedule(loan))
    audit_record(
        actor=actor,
        action="loan.record",
        obj=loan,
        unit_path=enrolment.unit.path,
        changes={
            "principal": [None, principal],
            "interest_rate": [None, interest_rate],
            "subsidy_rate": [None, subsidy_rate],
            "term_months": [None, term_months],
        },
    )
    return loan


@dataclass(frozen=True)
class LoanPosition:
    """Where a loan stands on a day: paid against due, and how late."""

    on: dt.date
    total_due: Decimal  # principal and interest of the whole schedule
    due_so_far: Decimal
    paid: Decimal
    overdue: Decimal
    overdue_since: dt.date | None
    status: LoanStatus

    @property
    def outstanding(self) -> Decimal:
        return self.total_due - self.paid

    @property
    def days_overdue(self) -> int:
        return (self.on - self.overdue_since).days if self.overdue_since else 0


def loan_position(loan: Loan, on: dt.date | None = None) -> LoanPosition:
    """Payments count against the earliest instalments first."""
    on = on or timezone.localdate()
    paid = loan.repayments.filter(on__lte=on).aggregate(s=Sum("amount"))["s"] or ZERO
    total = ZERO
    due = ZERO
    overdue_since = None
    for instalment in loan.instalments.order_by("due_on"):
        amount = instalment.principal + instalment.interest
        total += amount
        if instalment.due_on < on:
            due += amount
            if overdue_since is None and due > paid:
                overdue_since = instalment.due_on
    overdue = max(due - paid, ZERO)
    if paid >= total:
        status = LoanStatus.REPAID
    elif overdue > 0:
        status = LoanStatus.OVERDUE
    else:
        status = LoanStatus.CURRENT
    return LoanPosition(on, total, due, paid, overdue, overdue_since if overdue else None, status)


def subsidy_due(loan: Loan) -> Decimal:
    """The interest subsidy for the whole term: the scheduled interest times the subsidy rate."""
    interest = loan.instalments.aggregate(s=Sum("interest"))["s"] or ZERO
    return _money(interest * loan.subsidy_rate / 100)


@transaction.atomic
def loan_repay(*, actor: Any, loan: Loan, on: dt.date, amount: Decimal) -> Repayment:
    loan = Loan.objects.select_for_update().select_related("enrolment__unit").get(pk=loan.pk)
    _require(actor, Perm.EDIT, loan.enrolment.unit)
    if amount <= 0:
        raise refuse(AMOUNT_POSITIVE, "amount_not_positive", "amount")
    if on < loan.disbursed_on:
        raise refuse(BEFORE_LOAN, "before_disbursement", "on", date=loan.disbursed_on)
    owed = loan_position(loan, dt.date.max).outstanding
    if amount > owed:
        raise refuse(OVERPAID, "overpaid", "amount", amount=amount, owed=owed)
    repayment = Repayment.objects.create(loan=loan, on=on, amount=amount, recorded_by=actor)
    audit_record(
        actor=actor,
        action="loan.repay",
        obj=loan,
        unit_path=loan.enrolment.unit.path,
        changes={"amount": [None, amount], "on": [None, on]},
    )
    return repayment


# --- projects -------------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    site: OrgUnit,
    budget: Decimal,
    floor_area: Decimal | None = None,
    rooms: int | None = None,
    address: str = "",
    description: str = "",
    funding: dict[Organisation, Decimal] | None = None,
    status: str = ProjectStatus.PLANNED,
) -> Project:
    _require_reaching(actor, Perm.APPROVE, programme.owner)
    if programme.kind != "construction":
        raise refuse(PROJECT_PROGRAMME, "not_a_construction_programme", "programme")
    if not site.path.startswith(programme.owner.path):
        raise refuse(
            SITE_OUTSIDE,
            "outside_programme",
            "site",
            site=site.name,
            owner=programme.owner.name,
            programme=programme.name,
        )
    project = Project.objects.create(
        programme=programme,
        name=name.strip(),
        site=site,
        budget=budget,
        floor_area=floor_area,
        rooms=rooms,
        address=address.strip(),
        description=description.strip(),
        status=status,
    )
    ProjectFunding.objects.bulk_create(
        ProjectFunding(project=project, funder=funder, amount=amount)
        for funder, amount in (funding or {}).items()
    )
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        unit_path=programme.owner.path,
        changes={"name": [None, project.name], "budget": [None, budget]},
    )
    return project


@transaction.atomic
def project_set_status(*, actor: Any, project: Project, status: str, version: int) -> Project:
    current = (
        Project.objects.select_for_update().select_related("programme__owner").get(pk=project.pk)
    )
    _require_reaching(actor, Perm.APPROVE, current.programme.owner)
    if current.version != version:
        raise stale(current.version, version)
    before = current.status
    current.status = ProjectStatus(status)
    current.version += 1
    current.save(update_fields=["status", "version"])
    audit_record(
        actor=actor,
        action="project.status",
        obj=current,
        unit_path=current.programme.owner.path,
        changes={"status": [before, status]},
    )
    return current


@transaction.atomic
def milestone_add(
    *, actor: Any, project: Project, name: str, planned_on: dt.date, note: str = ""
) -> Milestone:
    _require_reaching(actor, Perm.APPROVE, project.programme.owner)
    milestone = Milestone.objects.create(
        project=project, name=name.strip(), planned_on=planned_on, note=note.strip()
    )
    audit_record(
        actor=actor,
        action="project.milestone_add",
        obj=project,
        unit_path=project.programme.owner.path,
        changes={"milestone": [None, milestone.name], "planned_on": [None, planned_on]},
    )
    return milestone


@transaction.atomic
def milestone_reach(*, actor: Any, milestone: Milestone, on: dt.date, note: str = "") -> Milestone:
    project = milestone.project
    _require_reaching(actor, Perm.EDIT, project.site)
    before = milestone.reached_on
    milestone.reached_on = on
    if note.strip():
        milestone.note = note.strip()
    milestone.save(update_fields=["reached_on", "note"])
    audit_record(
        actor=actor,
        action="project.milestone_reach",
        obj=project,
        unit_path=project.programme.owner.path,
        changes={"milestone": [None, milestone.name], "reached_on": [before, on]},
    )
    return milestone


IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp"}


@transaction.atomic
def project_photo_add(
    *,
    actor: Any,
    project: Project,
    image: File[Any],
    caption: str = "",
    taken_on: dt.date | None = None,
    milestone: Milestone | None = None,
) -> ProjectPhoto:
    """Attach a photo; it must really be an image (Pillow opens it), not a renamed file."""
    from PIL import Image, UnidentifiedImageError

    _require_reaching(actor, Perm.EDIT, project.site)
    name = image.name or "photo.jpg"
    if not any(name.lower().endswith(ext) for ext in IMAGE_TYPES):
        raise refuse(NOT_IMAGE, "not_an_image", "image")
    try:
        with Image.open(image) as opened:
            opened.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise refuse(NOT_IMAGE, "not_an_image", "image") from None
    image.seek(0)
    photo = ProjectPhoto(
        project=project, milestone=milestone, caption=caption.strip(), taken_on=taken_on
    )
    photo.image.save(name.rsplit("/", 1)[-1], image, save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="project.photo_add",
        obj=project,
        unit_path=project.programme.owner.path,
        changes={"photo": [None, photo.image.name]},
    )
    return photo
