"""Programmes over HTTP: set-up, the enrolment chain, delivery, funds, loans and projects.

The same selectors and services as the pages, so the same rules, scope and audit entries.
People appear by id and name only, never with an ID number. Files — receipts for benefits,
photos of projects — are uploaded on the web pages: the API carries JSON only.

Objects seen from below (a county programme, its projects) answer 403, not 404, to a user who
sees them but may not change them.
"""

# No `from __future__ import annotations` here: django-ninja's @paginate wraps the view, and the
# wrapper could not resolve a query schema named in a string annotation.
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access
from jinguo.people import selectors as people
from jinguo.people.choices import Category, Hukou, Sex
from jinguo.programmes import finance, selectors, services
from jinguo.programmes.choices import (
    Beneficiary,
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    FundSource,
    LoanStatus,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    ProjectStatus,
    RepaymentMethod,
    RuleKind,
    WorkArea,
)
from jinguo.programmes.models import (
    Benefit,
    Cycle,
    Enrolment,
    EnrolmentStep,
    Fund,
    FundEntry,
    Loan,
    Milestone,
    Organisation,
    Programme,
    Project,
    Repayment,
    Rule,
)

organisations_router = Router(tags=["organisations"])
programmes_router = Router(tags=["programmes"])
enrolments_router = Router(tags=["enrolments"])
benefits_router = Router(tags=["benefits"])
funds_router = Router(tags=["funds"])
loans_router = Router(tags=["loans"])
projects_router = Router(tags=["projects"])

Blank = Literal[""]
# Yuan with fen, as in the registry; sent and returned as decimal strings ("1000.00").
Money = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=3)]
# A name must hold more than blanks: the services strip what they store.
NOT_BLANK = r"\S"
OVERRIDE = (
    "Sets a failed rule aside, with the reason: county administrators (approve on the "
    "programme's owner unit) only."
)


def _user(request: HttpRequest) -> Any:
    return request.user


@contextmanager
def _in_sight() -> Iterator[None]:
    """Around a service called on an object the user already sees through its programme: the
    service's unit check answers 404 for a unit out of her sight, which here means "seen, but
    not yours to change" — 403, as elsewhere for what she sees but may not do."""
    try:
        yield
    except Http404:
        raise PermissionDenied from None


# --- organisations --------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    contact: str


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    kind: OrganisationKind
    contact: str = Field("", max_length=200)


@organisations_router.get("/", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def list_organisations(
    request: HttpRequest, search: str = "", kind: OrganisationKind | Blank = ""
) -> Any:
    """Partners, funders, banks and donors, by name. They belong to no unit: every user with a
    grant sees them all."""
    return selectors.organisation_list(_user(request), search=search, kind=kind)


@organisations_router.post("/", response=OrganisationOut)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Organisation:
    """The organisation of this name, created if there is none yet (an existing one comes back
    as it is, whatever kind was sent). Needs a role that enters records somewhere."""
    if not access.scope_paths(_user(request), Perm.EDIT):
        raise PermissionDenied
    return services.organisation_get_or_create(
        actor=_user(request), name=payload.name, kind=payload.kind, contact=payload.contact
    )


# --- programmes -----------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    name: str
    work_area: WorkArea
    kind: ProgrammeKind
    beneficiary: Beneficiary = Field(description="Whom it serves: a person, or a household.")
    owner_id: int = Field(description="The unit that runs it.")
    owner_name: str = ""
    start: dt.date
    end: dt.date | None
    budget: Decimal | None = Field(description="Yuan.")
    target: int | None = Field(description="Target number of beneficiaries.")
    status: ProgrammeStatus
    description: str
    version: int = Field(description="Send it back with a PATCH: a stale version gives 409.")

    @staticmethod
    def resolve_owner_name(programme: Programme) -> str:
        return programme.owner.name


class RuleOut(Schema):
    id: int
    kind: RuleKind
    label: str = Field("", description="The kind of rule, in the active language.")
    category: Category | Blank
    on: dt.date | None = Field(description="Day a category or an age is checked on.")
    min_age: int | None
    max_age: int | None
    born_from: dt.date | None
    born_to: dt.date | None
    hukou: Hukou | Blank
    unit_id: int | None = Field(description="Residence rules: she lives within this unit.")
    sex: Sex | Blank
    years: int | None = Field(description="Gap rules: years since her last benefit.")

    @staticmethod
    def resolve_label(rule: Rule) -> str:
        return str(rule.get_kind_display())


class CycleOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date | None
    cash_cap: Decimal | None = Field(description="Cash per beneficiary in the round, yuan.")
    goods_cap: Decimal | None = Field(description="Goods per beneficiary in the round.")
    status: CycleStatus = Field(
        description="open: applications and deliveries; approved: the list is fixed, "
        "deliveries go on; frozen: nothing changes."
    )
    approved_at: dt.datetime | None


class ProgrammeDetailOut(ProgrammeOut):
    partners: list[OrganisationOut]
    funders: list[OrganisationOut]
    rules: list[RuleOut]
    cycles: list[CycleOut]
    can_set_up: bool = Field(
        False, description="Whether you may change it, its rules, cycles and projects."
    )

    @staticmethod
    def resolve_can_set_up(programme: Programme, context: Any) -> bool:
        return selectors.can_set_up(context["request"].user, programme)


class ProgrammeFilterIn(Schema):
    work_area: WorkArea | Blank = ""
    kind: ProgrammeKind | Blank = ""
    status: ProgrammeStatus | Blank = ""


class ProgrammeCreate(Schema):
    owner_id: int = Field(description="The unit that runs it, usually the county.")
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    work_area: WorkArea
    kind: ProgrammeKind
    beneficiary: Beneficiary = Beneficiary.PERSON
    start: dt.date
    end: dt.date | None = None
    budget: Money | None = None
    target: int | None = Field(None, ge=0)
    description: str = ""
    partner_ids: list[int] = Field([], description="Organisations (see /organisations/).")
    funder_ids: list[int] = []
    status: ProgrammeStatus = ProgrammeStatus.OPEN


class ProgrammeUpdate(Schema):
    """The fields to change, and the version they were read at; absent fields stay as they are."""

    version: int
    name: str | None = Field(None, min_length=1, max_length=100, pattern=NOT_BLANK)
    work_area: WorkArea | None = None
    kind: ProgrammeKind | None = None
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="null removes it.")
    budget: Money | None = Field(None, description="null removes it.")
    target: int | None = Field(None, ge=0, description="null removes it.")
    description: str | None = None
    status: ProgrammeStatus | None = None


# Fields that cannot be emptied: null means "leave as it is".
_REQUIRED_ON_UPDATE = ("name", "work_area", "kind", "start", "status")


class GoodsLineOut(Schema):
    item: str
    measure: str
    quantity: Decimal
    value: Decimal = Field(description="Yuan.")
    deliveries: int


class FiguresOut(Schema):
    applied: int = Field(description="Applications waiting for a decision.")
    enrolled: int = Field(description="Beneficiaries approved, active or completed.")
    served: int = Field(description="Beneficiaries who received at least one benefit.")
    households: int = Field(description="Distinct households among those served.")
    deliveries: int
    cash: Decimal
    goods_value: Decimal
    goods: list[GoodsLineOut]
    services: int
    budget: Decimal | None = Field(description="The whole programme's; null unless you see all.")
    spent: Decimal | None = Field(description="Cash, goods and works, whole programme.")
    target: int | None
    budget_share: float | None = Field(description="spent / budget.")
    attainment: float | None = Field(description="enrolled / target.")


def _programme_to_set_up(request: HttpRequest, programme_id: int) -> Programme:
    """A programme the user sees and may set up: county users reach it, village ones see it
    from below and are refused with 403."""
    programme = selectors.programme_get(_user(request), programme_id)
    if not selectors.can_set_up(_user(request), programme):
        raise PermissionDenied
    return programme


@programmes_router.get("/", response=list[ProgrammeOut])
@paginate(LimitOffsetPagination)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilterIn]) -> Any:
    """Programmes run in your units or above them (a county programme is seen, and applied to,
    from every village), latest first."""
    programmes = selectors.programme_list(_user(request))
    if filters.work_area:
        programmes = programmes.filter(work_area=filters.work_area)
    if filters.kind:
        programmes = programmes.filter(kind=filters.kind)
    if filters.status:
        programmes = programmes.filter(status=filters.status)
    return programmes


@programmes_router.get("/{programme_id}", response=ProgrammeDetailOut)
def get_programme(request: HttpRequest, programme_id: int) -> Programme:
    """The programme with its partners, funders, eligibility rules and cycles (rounds)."""
    return selectors.programme_get(_user(request), programme_id)


@programmes_router.post("/", response={201: ProgrammeDetailOut})
def create_programme(request: HttpRequest, payload: ProgrammeCreate) -> Status[Programme]:
    """Set up a programme with its first cycle, which spans the whole programme. Needs approve
    on the owner unit (the county administrator)."""
    user = _user(request)
    owner = access.unit_get(user, payload.owner_id)
    programme = services.programme_create(
        actor=user,
        owner=owner,
        name=payload.name,
        work_area=payload.work_area,
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
        beneficiary=payload.beneficiary,
        budget=payload.budget,
        target=payload.target,
        description=payload.description,
        partners=[selectors.organisation_get(user, pk) for pk in payload.partner_ids],
        funders=[selectors.organisation_get(user, pk) for pk in payload.funder_ids],
        status=payload.status,
    )
    return Status(201, selectors.programme_get(user, programme.pk))


@programmes_router.patch("/{programme_id}", response=ProgrammeDetailOut)
def update_programme(
    request: HttpRequest, programme_id: int, payload: ProgrammeUpdate
) -> Programme:
    """Change the fields sent. A `version` other than the current one is refused with 409
    (edit_conflict): read the programme again and apply the change to what is there now."""
    programme = _programme_to_set_up(request, programme_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    for name in _REQUIRED_ON_UPDATE:
        if name in changes and changes[name] is None:
            del changes[name]
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    services.programme_update(actor=_user(request), programme=programme, version=version, **changes)
    return selectors.programme_get(_user(request), programme_id)


@programmes_router.get("/{programme_id}/figures", response=FiguresOut)
def get_programme_figures(
    request: HttpRequest,
    programme_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> selectors.Figures:
    """Its figures over your scope: enrolments applied for from `start` to `end` (inclusive)
    and benefits delivered then. The budget and spending are those of the whole programme,
    shown only to users who see its owner unit."""
    programme = selectors.programme_get(_user(request), programme_id)
    return selectors.programme_figures(_user(request), programme, start=start, end=end)


# --- rules and cycles -----------------------------------------------------------------------------


class RuleIn(Schema):
    """One condition. Each kind reads its own fields: category (category, on), age (min_age
    and/or max_age, on), birth_window (born_from and/or born_to), hukou, residence (unit_id),
    sex, once, gap_years (years). Others are ignored."""

    kind: RuleKind
    category: Category | Blank = ""
    on: dt.date | None = Field(None, description="Default: the day of the application.")
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    born_from: dt.date | None = None
    born_to: dt.date | None = None
    hukou: Hukou | Blank = ""
    unit_id: int | None = None
    sex: Sex | Blank = ""
    years: int | None = Field(None, ge=1, le=100)


class CycleIn(Schema):
    name: str = Field(..., min_length=1, max_length=60, pattern=NOT_BLANK)
    start: dt.date
    end: dt.date | None = None
    cash_cap: Money | None = Field(None, description="Cash per beneficiary, yuan; null: no cap.")
    goods_cap: Quantity | None = Field(None, description="Goods per beneficiary; null: no cap.")


class CycleStatusIn(Schema):
    status: CycleStatus = Field(description="Forward only: open → approved → frozen.")


def _cycle(programme: Programme, cycle_id: int) -> Cycle:
    """A cycle of this programme (a child is fetched through its parent, never by bare id)."""
    cycle = programme.cycles.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


@programmes_router.get("/{programme_id}/rules", response=list[RuleOut])
def list_rules(request: HttpRequest, programme_id: int) -> list[Rule]:
    programme = selectors.programme_get(_user(request), programme_id)
    return list(programme.rules.order_by("pk"))


@programmes_router.post("/{programme_id}/rules", response={201: RuleOut})
def add_rule(request: HttpRequest, programme_id: int, payload: RuleIn) -> Status[Rule]:
    """Add an eligibility rule; applications are checked against it from now on."""
    programme = _programme_to_set_up(request, programme_id)
    params = payload.dict(exclude={"kind", "unit_id"})
    params["unit"] = access.unit_get(_user(request), payload.unit_id) if payload.unit_id else None
    rule = services.rule_add(actor=_user(request), programme=programme, kind=payload.kind, **params)
    return Status(201, rule)


@programmes_router.delete("/{programme_id}/rules/{rule_id}", response={204: None})
def remove_rule(request: HttpRequest, programme_id: int, rule_id: int) -> Status[None]:
    programme = _programme_to_set_up(request, programme_id)
    rule = programme.rules.select_related("programme__owner").filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    services.rule_remove(actor=_user(request), rule=rule)
    return Status(204, None)


@programmes_router.get("/{programme_id}/cycles", response=list[CycleOut])
def list_cycles(request: HttpRequest, programme_id: int) -> list[Cycle]:
    programme = selectors.programme_get(_user(request), programme_id)
    return list(programme.cycles.order_by("start", "pk"))


@programmes_router.post("/{programme_id}/cycles", response={201: CycleOut})
def add_cycle(request: HttpRequest, programme_id: int, payload: CycleIn) -> Status[Cycle]:
    """Add a round (a yearly aid round, a monthly distribution) with its caps per beneficiary."""
    programme = _programme_to_set_up(request, programme_id)
    cycle = services.cycle_create(
        actor=_user(request),
        programme=programme,
        name=payload.name,
        start=payload.start,
        end=payload.end,
        cash_cap=payload.cash_cap,
        goods_cap=payload.goods_cap,
    )
    return Status(201, cycle)


@programmes_router.post("/{programme_id}/cycles/{cycle_id}/status", response=CycleOut)
def set_cycle_status(
    request: HttpRequest, programme_id: int, cycle_id: int, payload: CycleStatusIn
) -> Cycle:
    """Approve a round's list (no more applications or decisions) or freeze it."""
    programme = _programme_to_set_up(request, programme_id)
    cycle = _cycle(programme, cycle_id)
    return services.cycle_set_status(actor=_user(request), cycle=cycle, status=payload.status)


# --- enrolments -----------------------------------------------------------------------------------


class FailedRuleOut(Schema):
    rule: int
    kind: RuleKind
    message: str
    message_en: str


class EnrolmentOut(Schema):
    id: int
    programme_id: int
    programme_name: str = ""
    cycle_id: int
    cycle_name: str = ""
    person_id: int = Field(description="The person enrolled, or who applied for her household.")
    person_name: str = ""
    household_id: int | None
    unit_id: int = Field(description="Her village when she applied: scope follows it.")
    unit_name: str = ""
    status: EnrolmentStatus
    applied_on: dt.date
    eligible: bool = Field(description="Met the programme's rules when last checked.")
    failed_rules: list[FailedRuleOut] = Field(description="The rules she did not meet, and why.")
    eligibility_override: str = Field(description="Why she was admitted despite them.")
    compliant: bool = Field(description="Keeps the programme's conditions.")
    compliance_note: str
    note: str
    version: int = Field(description="Send it back with the next step: a stale one gives 409.")

    @staticmethod
    def resolve_programme_name(enrolment: Enrolment) -> str:
        return enrolment.programme.name

    @staticmethod
    def resolve_cycle_name(enrolment: Enrolment) -> str:
        return enrolment.cycle.name

    @staticmethod
    def resolve_person_name(enrolment: Enrolment) -> str:
        return enrolment.person.name

    @staticmethod
    def resolve_unit_name(enrolment: Enrolment) -> str:
        return enrolment.unit.name


class StepOut(Schema):
    from_status: EnrolmentStatus | Blank = Field(description="'' for the application itself.")
    to_status: EnrolmentStatus
    on: dt.date
    reason: str
    actor_id: int | None
    actor_name: str = ""
    at: dt.datetime

    @staticmethod
    def resolve_actor_name(step: EnrolmentStep) -> str:
        actor = step.actor
        return (actor.display_name or actor.username) if actor is not None else ""


class EnrolmentDetailOut(EnrolmentOut):
    steps: list[StepOut]
    next_steps: list[EnrolmentStatus] = Field(
        [], description="The statuses you may move it to now."
    )

    @staticmethod
    def resolve_steps(enrolment: Enrolment) -> list[EnrolmentStep]:
        return sorted(enrolment.steps.all(), key=lambda step: (step.at, step.pk))

    @staticmethod
    def resolve_next_steps(enrolment: Enrolment, context: Any) -> list[str]:
        return services.allowed_steps(context["request"].user, enrolment)


class EnrolmentFilterIn(Schema):
    programme_id: int | None = None
    status: EnrolmentStatus | Blank = ""
    person_id: int | None = None


class ApplyIn(Schema):
    programme_id: int
    person_id: int = Field(description="The person, or the woman who applies for her household.")
    household_id: int | None = Field(None, description="Required by household programmes.")
    cycle_id: int | None = Field(None, description="Default: the round that covers `on`.")
    on: dt.date | None = Field(None, description="Day of the application; default today.")
    note: str = Field("", max_length=300)
    override_reason: str = Field("", max_length=300, description=OVERRIDE)


class StepIn(Schema):
    to: EnrolmentStatus = Field(
        description="verified (township), approved (county), active, completed; rejected and "
        "exited need a reason. Who took the previous step may not take a decision."
    )
    version: int = Field(description="The version you read: a stale one gives 409.")
    reason: str = Field("", max_length=300)
    on: dt.date | None = Field(None, description="Default today.")
    override_reason: str = Field("", max_length=300, description=OVERRIDE)


class ComplianceIn(Schema):
    compliant: bool
    note: str = Field("", max_length=300, description="Required when she does not comply.")


def _enrolment_detail(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get(_user(request), enrolment_id)


@enrolments_router.get("/", response=list[EnrolmentOut])
@paginate(LimitOffsetPagination)
def list_enrolments(request: HttpRequest, filters: Query[EnrolmentFilterIn]) -> Any:
    """Enrolments of people in your scope, latest application first."""
    user = _user(request)
    return selectors.enrolment_list(
        user,
        programme=(
            selectors.programme_get(user, filters.programme_id) if filters.programme_id else None
        ),
        status=filters.status,
        person=people.person_get(user, filters.person_id) if filters.person_id else None,
    )


# Declared before /{enrolment_id}, which would otherwise take "queue" for an id.
@enrolments_router.get("/queue", response=list[EnrolmentOut])
@paginate(LimitOffsetPagination)
def list_enrolment_queue(request: HttpRequest, programme_id: int | None = None) -> Any:
    """What waits for you: applications to verify, verified ones to approve, approved ones to
    start — in your scope, for your role, and not those whose last step you took."""
    user = _user(request)
    programme = selectors.programme_get(user, programme_id) if programme_id else None
    return selectors.enrolment_queue(user, programme=programme)


@enrolments_router.get("/{enrolment_id}", response=EnrolmentDetailOut)
def get_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    """The enrolment with each step taken (who, when, why) and the steps you may take next."""
    return _enrolment_detail(request, enrolment_id)


@enrolments_router.post("/", response={201: EnrolmentDetailOut})
def apply_enrolment(request: HttpRequest, payload: ApplyIn) -> Status[Enrolment]:
    """Enter an application. The programme's rules are checked now: one she fails is refused
    (`ineligible`, naming every failed rule) unless a county administrator gives an override
    reason. Checked again at each decision."""
    user = _user(request)
    programme = selectors.programme_get(user, payload.programme_id)
    enrolment = services.enrolment_apply(
        actor=user,
        programme=programme,
        person=people.person_get(user, payload.person_id),
        household=people.household_get(user, payload.household_id)
        if payload.household_id
        else None,
        cycle=_cycle(programme, payload.cycle_id) if payload.cycle_id else None,
        on=payload.on,
        note=payload.note,
        override_reason=payload.override_reason,
    )
    return Status(201, _enrolment_detail(request, enrolment.pk))


@enrolments_router.post("/{enrolment_id}/steps", response=EnrolmentDetailOut)
def advance_enrolment(request: HttpRequest, enrolment_id: int, payload: StepIn) -> Enrolment:
    """Move it one step along applied → verified → approved → active → completed (or rejected,
    exited). Verifying needs verify (the township), approving approve (the county)."""
    enrolment = _enrolment_detail(request, enrolment_id)
    services.enrolment_advance(
        actor=_user(request),
        enrolment=enrolment,
        to=payload.to,
        reason=payload.reason,
        on=payload.on,
        version=payload.version,
        override_reason=payload.override_reason,
    )
    return _enrolment_detail(request, enrolment_id)


@enrolments_router.post("/{enrolment_id}/compliance", response=EnrolmentDetailOut)
def record_compliance(request: HttpRequest, enrolment_id: int, payload: ComplianceIn) -> Enrolment:
    """Record whether she keeps the programme's conditions (attends, repays, uses the aid as
    agreed); judged apart from eligibility."""
    enrolment = _enrolment_detail(request, enrolment_id)
    services.enrolment_set_compliance(
        actor=_user(request), enrolment=enrolment, compliant=payload.compliant, note=payload.note
    )
    return _enrolment_detail(request, enrolment_id)


# --- benefits -------------------------------------------------------------------------------------


class BenefitOut(Schema):
    id: int
    programme_id: int
    programme_name: str = ""
    cycle_id: int
    enrolment_id: int
    person_id: int
    person_name: str = ""
    household_id: int | None
    unit_id: int = Field(description="Her village when it was delivered.")
    unit_name: str = ""
    on: dt.date
    kind: BenefitKind
    amount: Decimal = Field(description="Cash: the sum paid; goods: their value; yuan.")
    item: str
    quantity: Decimal | None
    measure: str
    fund_id: int | None
    loan_id: int | None = Field(description="The loan whose interest this subsidises.")
    delivered_by: str
    has_evidence: bool = Field(False, description="A receipt was uploaded (on the web page).")
    override_reason: str = Field(description="Why it was delivered despite a rule.")
    note: str

    @staticmethod
    def resolve_programme_name(benefit: Benefit) -> str:
        return benefit.programme.name

    @staticmethod
    def resolve_person_name(benefit: Benefit) -> str:
        return benefit.person.name

    @staticmethod
    def resolve_unit_name(benefit: Benefit) -> str:
        return benefit.unit.name

    @staticmethod
    def resolve_has_evidence(benefit: Benefit) -> bool:
        return bool(benefit.evidence)


class BenefitFilterIn(Schema):
    programme_id: int | None = None
    person_id: int | None = None


class DeliveryIn(Schema):
    person_id: int = Field(description="The person, or the member applying for her household.")
    household_id: int | None = Field(None, description="For household programmes.")
    cycle_id: int | None = Field(None, description="Default: the round that covers `on`.")
    on: dt.date | None = Field(None, description="Day of delivery; default today.")
    kind: BenefitKind
    amount: Money = Field(Decimal(0), description="Cash: the sum; goods: their value; yuan.")
    item: str = Field("", max_length=100, description="Goods or service: what was given.")
    quantity: Quantity | None = Field(None, description="Goods: how many.")
    measure: str = Field("", max_length=8, description="Goods: 件, 台, 斤, 袋 …")
    fund_id: int | None = Field(None, description="Cash: the fund it is paid from.")
    loan_id: int | None = Field(None, description="An interest subsidy: the loan it is for.")
    delivered_by: str = Field("", max_length=60)
    note: str = Field("", max_length=300)
    override_reason: str = Field("", max_length=300, description=OVERRIDE)


class BenefitCreate(DeliveryIn):
    programme_id: int


class DeliveriesIn(Schema):
    programme_id: int
    deliveries: list[DeliveryIn] = Field(..., min_length=1, max_length=2000)
    valid_only: bool = Field(
        False,
        description="false: all or nothing — one refused row and nothing is recorded. "
        "true: record the rows that pass and report the others.",
    )


class RowErrorOut(Schema):
    row: int = Field(description="1 for the first delivery sent.")
    person_id: int
    code: str
    field: str | None
    message: str
    message_en: str


class DeliveriesOut(Schema):
    created: list[int] = Field(description="Ids of the benefits recorded, in row order.")
    errors: list[RowErrorOut] = Field(description="Rows refused (valid_only), with the reasons.")


class DeliveriesRefusedOut(Schema):
    code: str
    field: str | None
    message: str
    message_en: str
    errors: list[RowErrorOut]


class _NotFound(Http404):
    """An id in a request that names nothing the user sees; `field` says which."""

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field


def _found(field: str, fetch: Any, *args: Any) -> Any:
    try:
        return fetch(*args)
    except Http404:
        raise _NotFound(field) from None


def _loan_get(user: Any, loan_id: Any) -> Loan:
    loan = selectors.loan_list(user).filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return loan


def _delivery(user: Any, programme: Programme, row: DeliveryIn) -> services.Delivery:
    """The service's Delivery, every id fetched through the user's scope."""
    return services.Delivery(
        person=_found("person_id", people.person_get, user, row.person_id),
        household=_found("household_id", people.household_get, user, row.household_id)
        if row.household_id
        else None,
        cycle=_found("cycle_id", _cycle, programme, row.cycle_id) if row.cycle_id else None,
        fund=_found("fund_id", selectors.fund_to_pay_from, user, row.fund_id)
        if row.fund_id
        else None,
        loan=_found("loan_id", _loan_get, user, row.loan_id) if row.loan_id else None,
        on=row.on or timezone.localdate(),
        kind=row.kind,
        amount=row.amount,
        item=row.item,
        quantity=row.quantity,
        measure=row.measure,
        delivered_by=row.delivered_by,
        note=row.note,
        override_reason=row.override_reason,
    )


# The same body as the API's 404, on the row and the field it concerns.
_NOT_FOUND = {"code": "not_found", "message": "未找到。", "message_en": "Not found."}


def _refused(count: int, total: int) -> dict[str, Any]:
    return {
        "code": "deliveries_refused",
        "field": "deliveries",
        "message": f"{total} 行中有 {count} 行被拒绝，未记录任何发放。请更正后重新提交，"
        "或只记录通过的行(valid_only)。",
        "message_en": f"{count} of the {total} rows were refused, so nothing was recorded. "
        "Correct them and send the list again, or record only the rows that pass (valid_only).",
    }


@benefits_router.get("/", response=list[BenefitOut])
@paginate(LimitOffsetPagination)
def list_benefits(request: HttpRequest, filters: Query[BenefitFilterIn]) -> Any:
    """Benefits delivered to people in your scope, latest first."""
    user = _user(request)
    return selectors.benefit_list(
        user,
        programme=(
            selectors.programme_get(user, filters.programme_id) if filters.programme_id else None
        ),
        person=people.person_get(user, filters.person_id) if filters.person_id else None,
    )


@benefits_router.post("/", response={201: BenefitOut})
def deliver_benefit(request: HttpRequest, payload: BenefitCreate) -> Status[Benefit]:
    """Record one benefit: cash (an amount and the fund it is paid from), goods (item,
    quantity, measure) or a service (item). She must be enrolled (approved or active) in the
    round; the round's caps and once-only rules apply. A receipt or other evidence is uploaded
    on the benefit's web page: this API takes JSON only."""
    user = _user(request)
    programme = selectors.programme_get(user, payload.programme_id)
    benefit = services.benefit_deliver(
        actor=user, programme=programme, delivery=_delivery(user, programme, payload)
    )
    return Status(201, selectors.benefit_get(user, benefit.pk))


@benefits_router.post("/deliveries", response={201: DeliveriesOut, 400: DeliveriesRefusedOut})
def deliver_benefits(request: HttpRequest, payload: DeliveriesIn) -> Status[dict[str, Any]]:
    """Deliver to a whole list in one request. Every row is checked and every refusal reported
    with its row. All or nothing (400 and nothing recorded if any row is refused) unless
    `valid_only`, which records the rows that pass (201, with the others in `errors`).
    Evidence files are uploaded on the web page."""
    user = _user(request)
    programme = selectors.programme_get(user, payload.programme_id)
    rows: list[int] = []
    deliveries: list[services.Delivery] = []
    errors: list[dict[str, Any]] = []
    for row, item in enumerate(payload.deliveries, start=1):
        try:
            deliveries.append(_delivery(user, programme, item))
            rows.append(row)
        except _NotFound as missing:
            errors.append(
                {"row": row, "person_id": item.person_id, **_NOT_FOUND, "field": missing.field}
            )
    with transaction.atomic():
        result = services.benefit_deliver_many(
            actor=user, programme=programme, deliveries=deliveries, valid_only=payload.valid_only
        )
        errors += [_row_error(rows[index - 1], d, error) for index, d, error in result.errors]
        if errors and not payload.valid_only:
            # Rows this endpoint could not resolve refuse the batch as the service's own do.
            transaction.set_rollback(True)
    errors.sort(key=lambda error: error["row"])
    if errors and not payload.valid_only:
        return Status(400, {**_refused(len(errors), len(payload.deliveries)), "errors": errors})
    return Status(201, {"created": [b.pk for b in result.benefits], "errors": errors})


def _row_error(row: int, delivery: services.Delivery, error: ApplicationError) -> dict[str, Any]:
    return {"row": row, "person_id": delivery.person.pk, **error.as_dict()}


# Declared after /deliveries, which it would otherwise take for an id.
@benefits_router.get("/{benefit_id}", response=BenefitOut)
def get_benefit(request: HttpRequest, benefit_id: int) -> Benefit:
    return selectors.benefit_get(_user(request), benefit_id)


# --- funds ----------------------------------------------------------------------------------------


class FundOut(Schema):
    id: int
    name: str
    owner_id: int = Field(description="The unit that holds it.")
    owner_name: str = ""
    source: FundSource
    source_organisation_id: int | None
    programme_id: int | None = Field(description="The programme it is earmarked for.")
    opened_on: dt.date
    note: str

    @staticmethod
    def resolve_owner_name(fund: Fund) -> str:
        return fund.owner.name


class FundDetailOut(FundOut):
    balance: Decimal = Field(description="Yuan, on `on` (default: everything recorded).")
    on: dt.date | None


class FundCreate(Schema):
    owner_id: int
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    source: FundSource
    opened_on: dt.date
    source_organisation_id: int | None = None
    programme_id: int | None = None
    note: str = Field("", max_length=300)


class FundEntryOut(Schema):
    id: int
    fund_id: int
    on: dt.date
    amount: Decimal = Field(description="Yuan: positive in, negative out.")
    description: str
    counterpart_id: int | None = Field(description="The organisation it came from or went to.")
    project_id: int | None


class LedgerLineOut(FundEntryOut):
    balance: Decimal = Field(description="The balance after this entry.")


class LedgerOut(Schema):
    fund_id: int
    start: dt.date | None
    opening: Decimal = Field(description="The balance brought forward to `start`.")
    lines: list[LedgerLineOut]
    closing: Decimal


class MoneyIn(Schema):
    on: dt.date
    amount: Money = Field(description="Yuan, above zero.")
    description: str = Field(..., min_length=1, max_length=200, pattern=NOT_BLANK)
    counterpart_id: int | None = Field(None, description="The organisation, if any.")


class SpendIn(MoneyIn):
    project_id: int | None = Field(None, description="Building works: the project it pays for.")


def _fund_detail(fund: Fund, on: dt.date | None = None) -> dict[str, Any]:
    return {**FundOut.from_orm(fund).dict(), "balance": finance.fund_balance(fund, on), "on": on}


def _counterpart(user: Any, organisation_id: int | None) -> Organisation | None:
    return selectors.organisation_get(user, organisation_id) if organisation_id else None


@funds_router.get("/", response=list[FundOut])
@paginate(LimitOffsetPagination)
def list_funds(request: HttpRequest) -> Any:
    """Funds held by your units."""
    return selectors.fund_list(_user(request))


@funds_router.get("/{fund_id}", response=FundDetailOut)
def get_fund(request: HttpRequest, fund_id: int, on: dt.date | None = None) -> dict[str, Any]:
    """The fund and its balance on `on` (default: with everything recorded)."""
    return _fund_detail(selectors.fund_get(_user(request), fund_id), on)


@funds_router.post("/", response={201: FundDetailOut})
def create_fund(request: HttpRequest, payload: FundCreate) -> Status[dict[str, Any]]:
    """Open a fund: needs approve on the unit that holds it."""
    user = _user(request)
    fund = finance.fund_create(
        actor=user,
        owner=access.unit_get(user, payload.owner_id),
        name=payload.name,
        source=payload.source,
        opened_on=payload.opened_on,
        source_organisation=_counterpart(user, payload.source_organisation_id),
        programme=selectors.programme_get(user, payload.programme_id)
        if payload.programme_id
        else None,
        note=payload.note,
    )
    return Status(201, _fund_detail(selectors.fund_get(user, fund.pk)))


@funds_router.get("/{fund_id}/ledger", response=LedgerOut)
def get_fund_ledger(
    request: HttpRequest, fund_id: int, start: dt.date | None = None
) -> dict[str, Any]:
    """Every entry from `start` (default: the first) with the running balance."""
    fund = selectors.fund_get(_user(request), fund_id)
    opening, lines = selectors.fund_ledger(fund, start=start)
    return {
        "fund_id": fund.pk,
        "start": start,
        "opening": opening,
        "lines": [
            {**FundEntryOut.from_orm(line.entry).dict(), "balance": line.balance} for line in lines
        ],
        "closing": lines[-1].balance if lines else opening,
    }


@funds_router.post("/{fund_id}/receive", response={201: FundEntryOut})
def receive_into_fund(request: HttpRequest, fund_id: int, payload: MoneyIn) -> Status[FundEntry]:
    """Money in: an allocation, a donation, a sponsor's payment. Needs approve on its unit."""
    user = _user(request)
    entry = finance.fund_receive(
        actor=user,
        fund=selectors.fund_get(user, fund_id),
        on=payload.on,
        amount=payload.amount,
        description=payload.description,
        counterpart=_counterpart(user, payload.counterpart_id),
    )
    return Status(201, entry)


@funds_router.post("/{fund_id}/spend", response={201: FundEntryOut})
def spend_from_fund(request: HttpRequest, fund_id: int, payload: SpendIn) -> Status[FundEntry]:
    """Money out that is not a benefit to a person (building works, a transfer); refused when
    the balance would fall below zero on that day or later. Cash benefits draw on funds by
    themselves."""
    user = _user(request)
    project = None
    if payload.project_id:
        project = selectors.project_get(user, payload.project_id)
    entry = finance.fund_spend(
        actor=user,
        fund=selectors.fund_get(user, fund_id),
        on=payload.on,
        amount=payload.amount,
        description=payload.description,
        counterpart=_counterpart(user, payload.counterpart_id),
        project=project,
    )
    return Status(201, entry)


# --- loans ----------------------------------------------------------------------------------------


class PositionOut(Schema):
    on: dt.date
    status: LoanStatus
    total_due: Decimal = Field(description="Principal and interest of the whole schedule.")
    due_so_far: Decimal
    paid: Decimal
    overdue: Decimal
    overdue_since: dt.date | None
    days_overdue: int
    outstanding: Decimal = Field(description="Still to pay of the whole schedule.")


class LoanOut(Schema):
    id: int
    enrolment_id: int
    programme_id: int = 0
    person_id: int = 0
    person_name: str = ""
    unit_id: int = 0
    bank_id: int
    bank_name: str = ""
    contract_number: str
    principal: Decimal
    interest_rate: Decimal = Field(description="Percent a year.")
    subsidy_rate: Decimal = Field(description="Percent of the interest the subsidy covers.")
    term_months: int
    method: RepaymentMethod
    disbursed_on: dt.date
    purpose: str
    position: PositionOut = Field(description="Where it stands today.")

    @staticmethod
    def resolve_programme_id(loan: Loan) -> int:
        return loan.enrolment.programme_id

    @staticmethod
    def resolve_person_id(loan: Loan) -> int:
        return loan.enrolment.person_id

    @staticmethod
    def resolve_person_name(loan: Loan) -> str:
        return loan.enrolment.person.name

    @staticmethod
    def resolve_unit_id(loan: Loan) -> int:
        return loan.enrolment.unit_id

    @staticmethod
    def resolve_bank_name(loan: Loan) -> str:
        return loan.bank.name

    @staticmethod
    def resolve_position(loan: Loan) -> finance.LoanPosition:
        return finance.loan_position(loan)


class InstalmentOut(Schema):
    due_on: dt.date
    principal: Decimal
    interest: Decimal


class RepaymentOut(Schema):
    id: int
    loan_id: int
    on: dt.date
    amount: Decimal


class LoanDetailOut(LoanOut):
    schedule: list[InstalmentOut]
    repayments: list[RepaymentOut]
    subsidy_due: Decimal = Field(description="The interest subsidy for the whole term, yuan.")
    subsidy_paid: Decimal = Field(description="Subsidy paid so far: benefits against the loan.")

    @staticmethod
    def resolve_schedule(loan: Loan) -> list[Any]:
        return list(loan.instalments.order_by("due_on"))

    @staticmethod
    def resolve_repayments(loan: Loan) -> list[Repayment]:
        return list(loan.repayments.order_by("on", "pk"))

    @staticmethod
    def resolve_subsidy_due(loan: Loan) -> Decimal:
        return finance.subsidy_due(loan)

    @staticmethod
    def resolve_subsidy_paid(loan: Loan) -> Decimal:
        return selectors.subsidy_paid(loan)


class LoanIn(Schema):
    enrolment_id: int = Field(description="Her enrolment in a loan programme.")
    bank_id: int = Field(description="The bank (an organisation).")
    principal: Money
    interest_rate: Percent = Field(description="Percent a year, e.g. 6.15.")
    subsidy_rate: Percent = Field(description="Percent of the interest subsidised; 100 = all.")
    term_months: int = Field(ge=1, le=360)
    disbursed_on: dt.date
    method: RepaymentMethod = RepaymentMethod.QUARTERLY_INTEREST
    contract_number: str = Field("", max_length=40)
    purpose: str = Field("", max_length=200)


class RepayIn(Schema):
    on: dt.date
    amount: Money = Field(description="Yuan, above zero and no more than is owed.")


@loans_router.get("/", response=list[LoanOut])
@paginate(LimitOffsetPagination)
def list_loans(request: HttpRequest, programme_id: int | None = None) -> Any:
    """Loans of women in your scope, each with where it stands today (current, overdue and
    for how many days, repaid)."""
    user = _user(request)
    programme = selectors.programme_get(user, programme_id) if programme_id else None
    return selectors.loan_list(user, programme=programme)


@loans_router.get("/{loan_id}", response=LoanDetailOut)
def get_loan(request: HttpRequest, loan_id: int) -> Loan:
    """The loan with its schedule, repayments, position and interest subsidy."""
    return _loan_get(_user(request), loan_id)


@loans_router.post("/", response={201: LoanDetailOut})
def record_loan(request: HttpRequest, payload: LoanIn) -> Status[Loan]:
    """Record a loan disbursed to an enrolled woman; its schedule is generated."""
    user = _user(request)
    loan = finance.loan_record(
        actor=user,
        enrolment=selectors.enrolment_get(user, payload.enrolment_id),
        bank=selectors.organisation_get(user, payload.bank_id),
        principal=payload.principal,
        interest_rate=payload.interest_rate,
        subsidy_rate=payload.subsidy_rate,
        term_months=payload.term_months,
        disbursed_on=payload.disbursed_on,
        method=payload.method,
        contract_number=payload.contract_number,
        purpose=payload.purpose,
    )
    return Status(201, _loan_get(user, loan.pk))


@loans_router.post("/{loan_id}/repayments", response={201: RepaymentOut})
def repay_loan(request: HttpRequest, loan_id: int, payload: RepayIn) -> Status[Repayment]:
    """Record a repayment; payments count against the earliest instalments first."""
    user = _user(request)
    repayment = finance.loan_repay(
        actor=user, loan=_loan_get(user, loan_id), on=payload.on, amount=payload.amount
    )
    return Status(201, repayment)


# --- projects -------------------------------------------------------------------------------------


class FundingOut(Schema):
    funder_id: int
    funder_name: str = ""
    amount: Decimal

    @staticmethod
    def resolve_funder_name(funding: Any) -> str:
        return str(funding.funder.name)


class MilestoneOut(Schema):
    id: int
    name: str
    planned_on: dt.date
    reached_on: dt.date | None
    note: str


class PhotoOut(Schema):
    id: int
    caption: str
    taken_on: dt.date | None
    milestone_id: int | None


class ProjectOut(Schema):
    id: int
    programme_id: int
    programme_name: str = ""
    name: str
    site_id: int = Field(description="The unit where it is built.")
    site_name: str = ""
    address: str
    budget: Decimal
    floor_area: Decimal | None = Field(description="m².")
    rooms: int | None
    status: ProjectStatus
    description: str
    version: int = Field(description="Send it back with a status change: stale gives 409.")

    @staticmethod
    def resolve_programme_name(project: Project) -> str:
        return project.programme.name

    @staticmethod
    def resolve_site_name(project: Project) -> str:
        return project.site.name


class ProjectDetailOut(ProjectOut):
    funding: list[FundingOut]
    milestones: list[MilestoneOut]
    photos: list[PhotoOut] = Field(description="Uploaded on the project's web page.")
    spent: Decimal = Field(description="Paid from funds for its works, yuan.")

    @staticmethod
    def resolve_spent(project: Project) -> Decimal:
        return selectors.project_spent(project)


class FundingIn(Schema):
    funder_id: int
    amount: Money


class ProjectIn(Schema):
    programme_id: int = Field(description="A construction programme.")
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    site_id: int
    budget: Money
    floor_area: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=1)] | None = None
    rooms: int | None = Field(None, ge=0)
    address: str = Field("", max_length=200)
    description: str = ""
    funding: list[FundingIn] = Field([], description="Who pays how much of it.")
    status: ProjectStatus = ProjectStatus.PLANNED


class ProjectStatusIn(Schema):
    status: ProjectStatus
    version: int


class MilestoneIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    planned_on: dt.date
    note: str = Field("", max_length=300)


class ReachIn(Schema):
    on: dt.date
    note: str = Field("", max_length=300)


def _project_to_set_up(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_get(_user(request), project_id)
    if not selectors.can_set_up(_user(request), project.programme):
        raise PermissionDenied
    return project


def _project_detail(request: HttpRequest, project_id: int) -> Project:
    return selectors.project_get(_user(request), project_id)


@projects_router.get("/", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, programme_id: int | None = None) -> Any:
    """Construction projects of the programmes you see, and those built in your units."""
    user = _user(request)
    programme = selectors.programme_get(user, programme_id) if programme_id else None
    return selectors.project_list(user, programme=programme)


@projects_router.get("/{project_id}", response=ProjectDetailOut)
def get_project(request: HttpRequest, project_id: int) -> Project:
    """The project with its funding, milestones, photos (listed; uploaded on the web page) and
    what has been spent on it."""
    return _project_detail(request, project_id)


@projects_router.post("/", response={201: ProjectDetailOut})
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[Project]:
    """A project of a construction programme: needs approve on the programme's owner unit."""
    user = _user(request)
    programme = _programme_to_set_up(request, payload.programme_id)
    project = finance.project_create(
        actor=user,
        programme=programme,
        name=payload.name,
        site=access.unit_get(user, payload.site_id),
        budget=payload.budget,
        floor_area=payload.floor_area,
        rooms=payload.rooms,
        address=payload.address,
        description=payload.description,
        funding={
            selectors.organisation_get(user, line.funder_id): line.amount
            for line in payload.funding
        },
        status=payload.status,
    )
    return Status(201, _project_detail(request, project.pk))


@projects_router.post("/{project_id}/status", response=ProjectDetailOut)
def set_project_status(request: HttpRequest, project_id: int, payload: ProjectStatusIn) -> Project:
    """Planned, under construction, completed, in use, suspended. A stale `version` gives 409."""
    project = _project_to_set_up(request, project_id)
    finance.project_set_status(
        actor=_user(request), project=project, status=payload.status, version=payload.version
    )
    return _project_detail(request, project_id)


@projects_router.post("/{project_id}/milestones", response={201: MilestoneOut})
def add_milestone(request: HttpRequest, project_id: int, payload: MilestoneIn) -> Status[Milestone]:
    project = _project_to_set_up(request, project_id)
    milestone = finance.milestone_add(
        actor=_user(request),
        project=project,
        name=payload.name,
        planned_on=payload.planned_on,
        note=payload.note,
    )
    return Status(201, milestone)


@projects_router.post("/{project_id}/milestones/{milestone_id}/reach", response=MilestoneOut)
def reach_milestone(
    request: HttpRequest, project_id: int, milestone_id: int, payload: ReachIn
) -> Milestone:
    """Record the day a milestone was reached: whoever enters records at the site may."""
    project = _project_detail(request, project_id)
    milestone = project.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    milestone.project = project
    with _in_sight():
        return finance.milestone_reach(
            actor=_user(request), milestone=milestone, on=payload.on, note=payload.note
        )
