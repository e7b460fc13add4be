"""Reads of programmes, always through the access module.

A programme is seen wherever it reaches: by users of its owner unit and above, and by users
of every unit below it (a county programme is applied to from the villages). Its enrolments
and benefits are seen only inside the viewer's scope, and its figures are computed over them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from jinguo.accounts.roles import Perm
from jinguo.orgunits import access
from jinguo.people.models import Household, Person
from jinguo.programmes.choices import BenefitKind, CycleStatus, EnrolmentStatus, ProgrammeStatus
from jinguo.programmes.finance import fund_balance, loan_position
from jinguo.programmes.models import (
    ZERO,
    Benefit,
    Enrolment,
    Fund,
    FundEntry,
    Loan,
    Programme,
    Project,
)

S = EnrolmentStatus
# Enrolled: admitted and not dropped out (completed counts: she was enrolled).
ENROLLED = (S.APPROVED, S.ACTIVE, S.COMPLETED)
PENDING = (S.APPLIED, S.VERIFIED)


# --- programmes -----------------------------------------------------------------------------------


def programme_list(user: Any) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(access.reaching_q(user, path_field="owner__path"))
        .select_related("owner")
        .order_by("-start", "name")
    )


def programme_get(user: Any, programme_id: Any) -> Programme:
    return access.get_in(programme_list(user).prefetch_related("partners", "funders"), programme_id)


def can_set_up(user: Any, programme: Programme) -> bool:
    return access.can(user, Perm.APPROVE, programme.owner)


# --- enrolments -----------------------------------------------------------------------------------


# Who may see who is enrolled in a health programme: health workers, and those who verify and
# approve its applications.
HEALTH_READERS = (Perm.VIEW_HEALTH, Perm.VERIFY, Perm.APPROVE)


def records_q(user: Any, *, path_field: str, programme_field: str = "programme") -> Q:
    """Enrolment-like rows the user may see: by their village, and for health programmes only
    with one of `HEALTH_READERS` there."""
    health = Q(pk__in=[])
    for perm in HEALTH_READERS:
        health |= access.scope_q(user, perm, path_field=path_field)
    return (
        Q(**{f"{programme_field}__health": False}) & access.scope_q(user, path_field=path_field)
    ) | (Q(**{f"{programme_field}__health": True}) & health)


def enrolment_list(
    user: Any,
    *,
    programme: Programme | None = None,
    status: str = "",
    person: Person | None = None,
) -> QuerySet[Enrolment]:
    queryset = Enrolment.objects.filter(records_q(user, path_field="unit__path"))
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if status:
        queryset = queryset.filter(status=status)
    if person is not None:
        queryset = queryset.filter(person=person)
    return queryset.select_related("programme", "cycle", "person", "household", "unit")


def enrolment_get(user: Any, enrolment_id: Any) -> Enrolment:
    return access.get_in(enrolment_list(user).prefetch_related("steps__actor"), enrolment_id)


# The step waiting at each status, and the permission that takes it.
WAITING_FOR = {S.APPLIED: Perm.VERIFY, S.VERIFIED: Perm.APPROVE, S.APPROVED: Perm.EDIT}
# Decisions wait only while the round is open; starting an approved one, while it takes deliveries.
OPEN_FOR = {
    S.APPLIED: [CycleStatus.OPEN],
    S.VERIFIED: [CycleStatus.OPEN],
    S.APPROVED: [CycleStatus.OPEN, CycleStatus.APPROVED],
}


def enrolment_queue(user: Any, *, programme: Programme | None = None) -> QuerySet[Enrolment]:
    """What waits for this user: applications to verify, verified ones to approve, approved
    ones to start — in her scope, for her role, and not those whose last step she took."""
    waiting = Q(pk__in=[])
    for status, perm in WAITING_FOR.items():
        waiting |= Q(status=status, cycle__status__in=OPEN_FOR[status]) & access.scope_q(
            user, perm, path_field="unit__path"
        )
    queryset = (
        Enrolment.objects.filter(waiting)
        .filter(records_q(user, path_field="unit__path"))
        .exclude(last_actor=user)
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset.select_related("programme", "cycle", "person", "household", "unit").order_by(
        "applied_on", "pk"
    )


# --- benefits -------------------------------------------------------------------------------------


def benefit_list(
    user: Any, *, programme: Programme | None = None, person: Person | None = None
) -> QuerySet[Benefit]:
    queryset = Benefit.objects.filter(records_q(user, path_field="unit__path"))
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if person is not None:
        queryset = queryset.filter(person=person)
    return queryset.select_related("programme", "cycle", "person", "household", "unit", "fund")


def benefit_get(user: Any, benefit_id: Any) -> Benefit:
    return access.get_in(benefit_list(user), benefit_id)


@dataclass(frozen=True)
class GoodsLine:
    item: str
    measure: str
    quantity: Decimal
    value: Decimal
    deliveries: int


@dataclass(frozen=True)
class Figures:
    """A programme's figures over the viewer's scope, optionally within a period."""

    applied: int  # applications waiting for a decision
    enrolled: int  # beneficiaries admitted (approved, active or completed)
    served: int  # beneficiaries who received at least one benefit
    households: int  # distinct households among those served (household programmes)
    deliveries: int
    cash: Decimal
    goods_value: Decimal
    goods: list[GoodsLine]
    services: int
    budget: Decimal | None  # whole programme; None unless the viewer sees all of it
    spent: Decimal | None  # cash and goods delivered, and project spending, whole programme
    target: int | None

    @property
    def budget_share(self) -> float | None:
        if not self.budget or self.spent is None:
            return None
        return float(self.spent / self.budget)

    @property
    def attainment(self) -> float | None:
        return self.enrolled / self.target if self.target else None


def programme_figures(
    user: Any,
    programme: Programme,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Figures:
    enrolments = enrolment_list(user, programme=programme)
    benefits = benefit_list(user, programme=programme)
    if start is not None:
        benefits = benefits.filter(on__gte=start)
        enrolments = enrolments.filter(applied_on__gte=start)
    if end is not None:
        benefits = benefits.filter(on__lte=end)
        enrolments = enrolments.filter(applied_on__lte=end)
    counts = enrolments.aggregate(
        applied=Count("beneficiary_key", filter=Q(status__in=PENDING), distinct=True),
        enrolled=Count("beneficiary_key", filter=Q(status__in=ENROLLED), distinct=True),
    )
    totals = benefits.aggregate(
        served=Count("beneficiary_key", distinct=True),
        households=Count("household", distinct=True),
        deliveries=Count("pk"),
        cash=Sum("amount", filter=Q(kind=BenefitKind.CASH)),
        goods_value=Sum("amount", filter=Q(kind=BenefitKind.GOODS)),
        services=Count("pk", filter=Q(kind=BenefitKind.SERVICE)),
    )
    goods = [
        GoodsLine(row["item"], row["measure"], row["quantity"], row["value"], row["n"])
        for row in benefits.filter(kind=BenefitKind.GOODS)
        .values("item", "measure")
        .annotate(quantity=Sum("quantity"), value=Sum("amount"), n=Count("pk"))
        .order_by("item", "measure")
    ]
    whole = access.can(user, Perm.VIEW, programme.owner)
    spent = None
    if whole:
        delivered = programme.benefits.exclude(kind=BenefitKind.SERVICE)
        if start is not None:
            delivered = delivered.filter(on__gte=start)
        if end is not None:
            delivered = delivered.filter(on__lte=end)
        works = FundEntry.objects.filter(project__programme=programme)
        if start is not None:
            works = works.filter(on__gte=start)
        if end is not None:
            works = works.filter(on__lte=end)
        spent = (delivered.aggregate(s=Sum("amount"))["s"] or ZERO) - (
            works.aggregate(s=Sum("amount"))["s"] or ZERO
        )
    return Figures(
        applied=counts["applied"],
        enrolled=counts["enrolled"],
        served=totals["served"],
        households=totals["households"],
        deliveries=totals["deliveries"],
        cash=totals["cash"] or ZERO,
        goods_value=totals["goods_value"] or ZERO,
        goods=goods,
        services=totals["services"],
        budget=programme.budget if whole else None,
        spent=spent,
        target=programme.target,
    )


# --- funds, loans, projects -----------------------------------------------------------------------


def fund_list(user: Any) -> QuerySet[Fund]:
    return access.scoped(user, Fund.objects.all(), path_field="owner__path").select_related(
        "owner", "source_organisation", "programme"
    )


def fund_get(user: Any, fund_id: Any) -> Fund:
    return access.get_in(fund_list(user), fund_id)


@dataclass(frozen=True)
class LedgerLine:
    entry: FundEntry
    balance: Decimal


def fund_ledger(fund: Fund, *, start: dt.date | None = None) -> tuple[Decimal, list[LedgerLine]]:
    """The balance brought forward to `start` and each entry from then with the running balance."""
    entries = fund.entries.select_related("counterpart", "project").order_by("on", "pk")
    opening = ZERO
    if start is not None:
        opening = fund_balance(fund, start - dt.timedelta(days=1))
        entries = entries.filter(on__gte=start)
    lines = []
    balance = opening
    for entry in entries:
        balance += entry.amount
        lines.append(LedgerLine(entry, balance))
    return opening, lines


def loan_list(user: Any, *, programme: Programme | None = None) -> QuerySet[Loan]:
    queryset = Loan.objects.filter(
        records_q(user, path_field="enrolment__unit__path", programme_field="enrolment__programme")
    )
    if programme is not None:
        queryset = queryset.filter(enrolment__programme=programme)
    return queryset.select_related("enrolment__person", "enrolment__unit", "bank")


def loans_with_positions(
    user: Any, *, programme: Programme | None = None, on: dt.date | None = None
) -> list[tuple[Loan, Any]]:
    loans = loan_list(user, programme=programme).prefetch_related("instalments", "repayments")
    return [(loan, loan_position(loan, on)) for loan in loans]


def project_list(user: Any, *, programme: Programme | None = None) -> QuerySet[Project]:
    queryset = Project.objects.filter(
        access.scope_q(user, path_field="site__path")
        | Q(programme__in=programme_list(user).values("pk"))
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset.select_related("programme", "site")


def project_get(user: Any, project_id: Any) -> Project:
    return access.get_in(
        project_list(user).prefetch_related("funding__funder", "milestones", "photos"), project_id
    )


def project_spent(project: Project) -> Decimal:
    return -(project.spending.aggregate(s=Sum("amount"))["s"] or ZERO)


# --- organisations, and funds to pay from (added for the API, issue 4) ---------------------------

from jinguo.programmes.models import Organisation  # noqa: E402 - appended after the others


def organisation_list(user: Any, *, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    """Partners, funders, banks and donors. They belong to no unit: whoever holds a grant sees
    them all (she picks from them on set-up and loan forms); a user without one sees none."""
    if not access.scope_paths(user):
        return Organisation.objects.none()
    queryset = Organisation.objects.all()
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name")


def organisation_get(user: Any, organisation_id: Any) -> Organisation:
    return access.get_in(organisation_list(user), organisation_id)


def fund_to_pay_from(user: Any, fund_id: Any) -> Fund:
    """A fund the user may name when she delivers cash: one held in her scope or above it.

    A county fund pays out in its villages, whose directors do not see its ledger
    (`fund_get`); they only name it. Who may deliver is checked by `benefit_deliver`.
    """
    return access.get_in(
        Fund.objects.filter(access.reaching_q(user, path_field="owner__path")).select_related(
            "owner"
        ),
        fund_id,
    )


# --- reads the web pages need (choices, counts over many programmes; issue 4, item 8) ------------


def funds_to_pay_from(user: Any) -> QuerySet[Fund]:
    """The funds `fund_to_pay_from` accepts, to offer on the delivery forms."""
    return (
        Fund.objects.filter(access.reaching_q(user, path_field="owner__path"))
        .select_related("owner")
        .order_by("owner__path", "name")
    )


def programme_counts(user: Any, programmes: Iterable[Programme]) -> dict[int, tuple[int, int]]:
    """Enrolled and served beneficiaries of each programme, over the user's scope, in two
    queries (the figures of `programme_figures`, for a list)."""
    ids = [programme.pk for programme in programmes]
    enrolled = dict(
        enrolment_list(user)
        .filter(programme_id__in=ids, status__in=ENROLLED)
        .order_by()
        .values("programme_id")
        .annotate(n=Count("beneficiary_key", distinct=True))
        .values_list("programme_id", "n")
    )
    served = dict(
        benefit_list(user)
        .filter(programme_id__in=ids)
        .order_by()
        .values("programme_id")
        .annotate(n=Count("beneficiary_key", distinct=True))
        .values_list("programme_id", "n")
    )
    return {pk: (enrolled.get(pk, 0), served.get(pk, 0)) for pk in ids}


def programmes_open_to(user: Any, person: Person) -> QuerySet[Programme]:
    """Running programmes the user sees that reach the person's village (run by it or above)."""
    residence = person.residence
    return programme_list(user).filter(
        status=ProgrammeStatus.OPEN, owner_id__in=[*residence.ancestor_ids(), residence.pk]
    )


def programme_funds(user: Any, programme: Programme) -> QuerySet[Fund]:
    """Funds in the user's scope earmarked for the programme or that paid its benefits."""
    paid_from = Benefit.objects.filter(programme=programme, fund__isnull=False).values("fund_id")
    return fund_list(user).filter(Q(programme=programme) | Q(pk__in=paid_from))


def subsidy_paid(loan: Loan) -> Decimal:
    """The interest subsidy paid on a loan so far: the cash benefits recorded against it."""
    return loan.subsidies.aggregate(s=Sum("amount"))["s"] or ZERO


def current_households(person: Person) -> QuerySet[Household]:
    """The household a person (already fetched through scope) belongs to now, to enrol it."""
    return Household.objects.filter(memberships__person=person, memberships__end__isnull=True)
