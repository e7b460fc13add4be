"""Writes to programmes: set-up, the enrolment chain and benefit delivery.

Who may do what (grants on the beneficiary's village unless said otherwise):

- set up a programme, its rules and cycles: APPROVE on the owner unit (the county admin);
- apply: EDIT (the village director and everyone above her);
- verify or reject an application: VERIFY (the township);
- approve, or reject a verified one: APPROVE (the county);
- activate, complete, exit, record compliance, deliver: EDIT;
- admit or deliver despite a failed rule: APPROVE on the owner unit, with a written reason.

Verifying and approving are each done by someone other than who took the step before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError, refuse, stale
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Household, Membership, Person
from jinguo.programmes import eligibility, finance
from jinguo.programmes.choices import (
    Beneficiary,
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    ProgrammeKind,
    ProgrammeStatus,
    RuleKind,
)
from jinguo.programmes.eligibility import Candidate, beneficiary_key
from jinguo.programmes.models import (
    ZERO,
    Benefit,
    Cycle,
    Enrolment,
    EnrolmentStep,
    Fund,
    Loan,
    Organisation,
    Programme,
    Rule,
)

S = EnrolmentStatus

NAME_TAKEN = _("%(owner)s already runs a programme called “%(name)s”.")
DATES = _("The end date is before the start date.")
CYCLE_NAME_TAKEN = _("“%(programme)s” already has a round called “%(name)s”.")
WRONG_FUND = _("%(fund)s is earmarked for “%(programme)s”.")
WRONG_LOAN = _("That loan is not %(name)s's loan in this programme.")
RULE_FIELDS = _("This kind of rule needs: %(fields)s.")
PROGRAMME_NOT_OPEN = _("“%(programme)s” is not taking applications or deliveries (%(status)s).")
OUTSIDE = _("%(name)s lives outside %(owner)s, which runs “%(programme)s”.")
HOUSEHOLD_NEEDED = _("“%(programme)s” serves households: choose %(name)s's household.")
NOT_MEMBER = _("%(name)s is not a member of household %(household)s.")
NO_CYCLE = _("No round of “%(programme)s” covers %(date)s.")
CLOSED_TO_APPLICATIONS = _("%(cycle)s is %(status)s and takes no more applications.")
CLOSED_TO_DELIVERIES = _("%(cycle)s is %(status)s and takes no more deliveries.")
CLOSED_TO_DECISIONS = _(
    "%(cycle)s is %(status)s: its applications can no longer be verified or approved."
)
ALREADY = _("%(name)s is already enrolled in %(cycle)s (%(status)s).")
JUST_ENROLLED = _("Someone has just enrolled %(name)s in %(cycle)s.")
INELIGIBLE = _("%(name)s does not meet the rules of “%(programme)s”: %(failures)s")
REASON_NEEDED = _("Give the reason.")
BAD_STEP = _("An enrolment that is %(current)s cannot become %(target)s.")
FOUR_EYES = _(
    "You took the previous step (%(earlier)s) on this application: the next one (%(action)s) "
    "must be taken by someone else."
)
NOT_ENROLLED = _("%(name)s is not enrolled in “%(programme)s” (%(status)s).")
NEVER_ENROLLED = _("%(name)s has not been enrolled in “%(programme)s”.")
OVER_CASH = _(
    "%(name)s would receive %(total)s yuan in %(cycle)s; the round allows %(cap)s yuan each."
)
OVER_GOODS = _("%(name)s would receive %(total)s in %(cycle)s; the round allows %(cap)s each.")
CASH_FIELDS = _("A cash benefit needs an amount above zero and the fund it is paid from.")
GOODS_FIELDS = _("Goods need the item, a quantity above zero and its measure (件, 台, 斤, 袋 …).")
SERVICE_FIELDS = _("Say which service was given.")
OVERRIDE_DENIED = _("Only a county administrator may set a rule aside, with a written reason.")
SEVERAL = _("%(first)s Also: %(more)s")


# --- set-up --------------------------------------------------------------------------------------


def _require_setup(actor: Any, owner: OrgUnit) -> None:
    """Set-up needs APPROVE on the owner; those who merely see the programme get 403."""
    if actor is not None:
        access.require_reaching(actor, Perm.APPROVE, owner)


@transaction.atomic
def organisation_get_or_create(
    *, actor: Any, name: str, kind: str, contact: str = ""
) -> Organisation:
    """The organisation of that name, created if new, by anyone who enters records."""
    if actor is not None and not access.scope_paths(actor, Perm.EDIT):
        raise PermissionDenied
    organisation, created = Organisation.objects.get_or_create(
        name=name.strip(), defaults={"kind": kind, "contact": contact.strip()}
    )
    if created:
        audit_record(
            actor=actor,
            action="organisation.create",
            obj=organisation,
            changes={"name": [None, organisation.name], "kind": [None, kind]},
        )
    return organisation


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    owner: OrgUnit,
    name: str,
    work_area: str,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    beneficiary: str = Beneficiary.PERSON,
    budget: Decimal | None = None,
    target: int | None = None,
    description: str = "",
    partners: Iterable[Organisation] = (),
    funders: Iterable[Organisation] = (),
    status: str = ProgrammeStatus.OPEN,
    health: bool | None = None,
) -> Programme:
    """Set up a programme with its first cycle, which spans the whole programme.

    Screening programmes reveal health unless said otherwise (`Programme.health`)."""
    _require_setup(actor, owner)
    name = name.strip()
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    if Programme.objects.filter(owner=owner, name=name).exists():
        raise refuse(NAME_TAKEN, "name_taken", "name", owner=owner.name, name=name)
    programme = Programme.objects.create(
        owner=owner,
        name=name,
        work_area=work_area,
        kind=kind,
        start=start,
        end=end,
        beneficiary=beneficiary,
        budget=budget,
        target=target,
        description=description.strip(),
        status=status,
        health=kind == ProgrammeKind.SCREENING if health is None else health,
        created_by=actor,
    )
    programme.partners.set(partners)
    programme.funders.set(funders)
    Cycle.objects.create(programme=programme, name=str(start.year), start=start, end=end)
    audit_record(
        actor=actor,
        action="programme.create",
        obj=programme,
        unit_path=owner.path,
        changes={"name": [None, name], "kind": [None, kind], "budget": [None, budget]},
    )
    return programme


PROGRAMME_FIELDS = frozenset(
    {
        "name",
        "work_area",
        "kind",
        "start",
        "end",
        "budget",
        "target",
        "description",
        "status",
        "health",
    }
)


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, version: int, **fields: Any) -> Programme:
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    _require_setup(actor, current.owner)
    if current.version != version:
        raise stale(current.version, version)
    partners, funders = fields.pop("partners", None), fields.pop("funders", None)
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise TypeError(f"programme_update() got unexpected fields {sorted(unknown)}")
    start, end = fields.get("start", current.start), fields.get("end", current.end)
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    name = fields.get("name", current.name).strip()
    if Programme.objects.filter(owner=current.owner, name=name).exclude(pk=current.pk).exists():
        raise refuse(NAME_TAKEN, "name_taken", "name", owner=current.owner.name, name=name)
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(current, key) != value:
            changes[key] = [getattr(current, key), value]
            setattr(current, key, value)
    for key, chosen in (("partners", partners), ("funders", funders)):
        if chosen is None:
            continue
        related = getattr(current, key)
        before = sorted(o.name for o in related.all())
        after = sorted(o.name for o in chosen)
        if before != after:
            related.set(chosen)
            changes[key] = [before, after]
    if changes:
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="programme.update",
            obj=current,
            unit_path=current.owner.path,
            changes=changes,
        )
    return current


# The fields each kind of rule needs; the others are cleared.
RULE_NEEDS: dict[str, tuple[str, ...]] = {
    RuleKind.CATEGORY: ("category",),
    RuleKind.AGE: (),  # min_age and/or max_age, checked below
    RuleKind.BIRTH_WINDOW: (),  # born_from and/or born_to
    RuleKind.HUKOU: ("hukou",),
    RuleKind.RESIDENCE: ("unit",),
    RuleKind.SEX: ("sex",),
    RuleKind.ONCE: (),
    RuleKind.GAP_YEARS: ("years",),
}
RULE_OPTIONAL: dict[str, tuple[str, ...]] = {
    RuleKind.CATEGORY: ("on",),
    RuleKind.AGE: ("min_age", "max_age", "on"),
    RuleKind.BIRTH_WINDOW: ("born_from", "born_to"),
}
RULE_ONE_OF: dict[str, tuple[str, ...]] = {
    RuleKind.AGE: ("min_age", "max_age"),
    RuleKind.BIRTH_WINDOW: ("born_from", "born_to"),
}


@transaction.atomic
def rule_add(*, actor: Any, programme: Programme, kind: str, **params: Any) -> Rule:
    """Add an eligibility rule. Fields other kinds use are ignored."""
    _require_setup(actor, programme.owner)
    needs = RULE_NEEDS[RuleKind(kind)]
    keep = needs + RULE_OPTIONAL.get(kind, ())
    values = {key: params.get(key) for key in keep if params.get(key) not in (None, "")}
    one_of = RULE_ONE_OF.get(kind, ())
    if any(key not in values for key in needs) or (one_of and not set(one_of) & set(values)):
        labels = [
            str(getattr(Rule._meta.get_field(key), "verbose_name", key)) for key in needs or one_of
        ]
        raise refuse(RULE_FIELDS, "rule_incomplete", (needs or one_of)[0], fields="、".join(labels))
    low, high = values.get("min_age"), values.get("max_age")
    born_from, born_to = values.get("born_from"), values.get("born_to")
    if (low is not None and high is not None and high < low) or (
        born_from is not None and born_to is not None and born_to < born_from
    ):
        raise refuse(DATES, "invalid_range", "max_age" if kind == RuleKind.AGE else "born_to")
    rule = Rule.objects.create(programme=programme, kind=kind, **values)
    audit_record(
        actor=actor,
        action="programme.rule_add",
        obj=programme,
        unit_path=programme.owner.path,
        changes={"rule": [None, {"kind": kind, **values}]},
    )
    return rule


@transaction.atomic
def rule_remove(*, actor: Any, rule: Rule) -> None:
    programme = rule.programme
    _require_setup(actor, programme.owner)
    audit_record(
        actor=actor,
        action="programme.rule_remove",
        obj=programme,
        unit_path=programme.owner.path,
        changes={"rule": [rule.get_kind_display(), None]},
    )
    rule.delete()


@transaction.atomic
def cycle_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    start: dt.date,
    end: dt.date | None = None,
    cash_cap: Decimal | None = None,
    goods_cap: Decimal | None = None,
) -> Cycle:
    _require_setup(actor, programme.owner)
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    if programme.cycles.filter(name=name.strip()).exists():
        raise refuse(
            CYCLE_NAME_TAKEN, "name_taken", "name", programme=programme.name, name=name.strip()
        )
    cycle = Cycle.objects.create(
        programme=programme,
        name=name.strip(),
        start=start,
        end=end,
        cash_cap=cash_cap,
        goods_cap=goods_cap,
    )
    audit_record(
        actor=actor,
        action="cycle.create",
        obj=cycle,
        unit_path=programme.owner.path,
        changes={"name": [None, cycle.name], "start": [None, start], "end": [None, end]},
    )
    return cycle


@transaction.atomic
def cycle_set_status(*, actor: Any, cycle: Cycle, status: str) -> Cycle:
    """Approve a cycle's list (no more applications) or freeze it (nothing changes any more)."""
    cycle = Cycle.objects.select_for_update().select_related("programme__owner").get(pk=cycle.pk)
    _require_setup(actor, cycle.programme.owner)
    order = [CycleStatus.OPEN, CycleStatus.APPROVED, CycleStatus.FROZEN]
    if order.index(CycleStatus(status)) <= order.index(CycleStatus(cycle.status)):
        raise refuse(
            BAD_STEP,
            "invalid_transition",
            "status",
            current=CycleStatus(cycle.status).label,
            target=CycleStatus(status).label,
        )
    before = cycle.status
    cycle.status = status
    if status == CycleStatus.APPROVED:
        cycle.approved_by = actor
        cycle.approved_at = timezone.now()
    cycle.save()
    audit_record(
        actor=actor,
        action="cycle.status",
        obj=cycle,
        unit_path=cycle.programme.owner.path,
        changes={"status": [before, status]},
    )
    return cycle


# --- enrolment ------------------------------------------------------------------------------------


def _require_health(actor: Any, programme: Programme, unit: OrgUnit) -> None:
    """Who is in a health programme is for health workers and its decision chain only."""
    if actor is None or not programme.health:
        return
    if not any(
        access.can(actor, perm, unit) for perm in (Perm.VIEW_HEALTH, Perm.VERIFY, Perm.APPROVE)
    ):
        raise PermissionDenied


def _check_override(actor: Any, programme: Programme, reason: str) -> None:
    if not reason.strip() or (
        actor is not None and not access.can(actor, Perm.APPROVE, programme.owner)
    ):
        raise refuse(OVERRIDE_DENIED, "override_denied", "override_reason")


def _cycle_for(programme: Programme, on: dt.date, cycle: Cycle | None) -> Cycle:
    if cycle is not None:
        if cycle.programme_id != programme.pk:
            raise refuse(NO_CYCLE, "no_cycle", "cycle", programme=programme.name, date=on)
        return cycle
    covering = [c for c in programme.cycles.order_by("-start") if c.covers(on)]
    if not covering:
        raise refuse(NO_CYCLE, "no_cycle", "on", programme=programme.name, date=on)
    return covering[0]


def _check_cycle(cycle: Cycle, allowed: Sequence[str], message: Any) -> None:
    if cycle.status not in allowed:
        raise refuse(
            message,
            "cycle_closed",
            "cycle",
            cycle=cycle.name,
            status=CycleStatus(cycle.status).label,
        )


def _check_reach(programme: Programme, person: Person) -> None:
    if programme.status != ProgrammeStatus.OPEN:
        raise refuse(
            PROGRAMME_NOT_OPEN,
            "programme_not_open",
            "programme",
            programme=programme.name,
            status=ProgrammeStatus(programme.status).label,
        )
    if not person.residence.path.startswith(programme.owner.path):
        raise refuse(
            OUTSIDE,
            "outside_programme",
            "person",
            name=person.name,
            owner=programme.owner.name,
            programme=programme.name,
        )


def _check_household(programme: Programme, person: Person, household: Household | None) -> None:
    if not programme.serves_households:
        return
    if household is None:
        raise refuse(
            HOUSEHOLD_NEEDED,
            "household_required",
            "household",
            programme=programme.name,
            name=person.name,
        )
    if not Membership.objects.filter(person=person, household=household, end__isnull=True).exists():
        raise refuse(
            NOT_MEMBER, "not_member", "household", name=person.name, household=household.code
        )


def _step(enrolment: Enrolment, actor: Any, before: str, on: dt.date, reason: str = "") -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(last_actor=actor)
    enrolment.last_actor = actor
    EnrolmentStep.objects.create(
        enrolment=enrolment,
        from_status=before,
        to_status=enrolment.status,
        on=on,
        reason=reason.strip(),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="enrolment.status",
        obj=enrolment,
        unit_path=enrolment.unit.path,
        changes={"status": [before or None, enrolment.status], "reason": [None, reason.strip()]},
    )


def _refuse_ineligible(
    person: Person, programme: Programme, result: eligibility.Eligibility
) -> ApplicationError:
    return refuse(
        INELIGIBLE,
        "ineligible",
        "person",
        name=person.name,
        programme=programme.name,
        failures=result,
    )


@transaction.atomic
def enrolment_apply(
    *,
    actor: Any,
    programme: Programme,
    person: Person,
    household: Household | None = None,
    cycle: Cycle | None = None,
    on: dt.date | None = None,
    note: str = "",
    override_reason: str = "",
) -> Enrolment:
    """Enter an application; its rules are checked now and again at each decision."""
    on = on or timezone.localdate()
    if actor is not None:
        access.require(actor, Perm.EDIT, person.residence)
    _require_health(actor, programme, person.residence)
    _check_reach(programme, person)
    household = household if programme.serves_households else None
    _check_household(programme, person, household)
    cycle = _cycle_for(programme, on, cycle)
    _check_cycle(cycle, [CycleStatus.OPEN], CLOSED_TO_APPLICATIONS)
    key = beneficiary_key(person, household)
    clash = (
        Enrolment.objects.filter(cycle=cycle, beneficiary_key=key)
        .exclude(status=S.REJECTED)
        .first()
    )
    if clash is not None:
        raise refuse(
            ALREADY,
            "already_enrolled",
            "person",
            name=person.name,
            cycle=cycle.name,
            status=S(clash.status).label,
        )
    result = eligibility.evaluate(programme, Candidate(person, household, cycle.pk), on)
    if not result.ok:
        if not override_reason.strip():
            raise _refuse_ineligible(person, programme, result)
        _check_override(actor, programme, override_reason)
    enrolment = Enrolment(
        programme=programme,
        cycle=cycle,
        person=person,
        household=household,
        beneficiary_key=key,
        unit=person.residence,
        applied_on=on,
        eligible=result.ok,
        failed_rules=result.as_json(),
        eligibility_override=override_reason.strip() if not result.ok else "",
        note=note.strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:  # another clerk enrolled her in between
        raise refuse(
            JUST_ENROLLED, "already_enrolled", "person", name=person.name, cycle=cycle.name
        ) from None
    _step(enrolment, actor, "", on, override_reason if not result.ok else "")
    return enrolment


# (from, to) → the permission the step needs.
TRANSITIONS: dict[tuple[str, str], Perm] = {
    (S.APPLIED, S.VERIFIED): Perm.VERIFY,
    (S.VERIFIED, S.APPROVED): Perm.APPROVE,
    (S.APPROVED, S.ACTIVE): Perm.EDIT,
    (S.ACTIVE, S.COMPLETED): Perm.EDIT,
    (S.APPLIED, S.REJECTED): Perm.VERIFY,
    (S.VERIFIED, S.REJECTED): Perm.APPROVE,
    **{(before, S.EXITED): Perm.EDIT for before in (S.APPLIED, S.VERIFIED, S.APPROVED, S.ACTIVE)},
}
NEEDS_REASON = frozenset({S.REJECTED, S.EXITED})
DECISIONS = frozenset({S.VERIFIED, S.APPROVED})


def allowed_steps(actor: Any, enrolment: Enrolment) -> list[str]:
    """The statuses `actor` may move `enrolment` to (for the buttons on its page)."""
    held = access.perms_at(actor, enrolment.unit)
    return [
        to
        for (before, to), perm in TRANSITIONS.items()
        if before == enrolment.status and perm in held
    ]


@transaction.atomic
def enrolment_advance(
    *,
    actor: Any,
    enrolment: Enrolment,
    to: str,
    reason: str = "",
    on: dt.date | None = None,
    version: int | None = None,
    override_reason: str = "",
) -> Enrolment:
    """Move an enrolment one step along its chain."""
    on = on or timezone.localdate()
    current = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme__owner", "cycle", "person__residence", "household", "unit")
        .get(pk=enrolment.pk)
    )
    if version is not None and current.version != version:
        raise stale(current.version, version)
    perm = TRANSITIONS.get((current.status, to))
    if perm is None:
        raise refuse(
            BAD_STEP,
            "invalid_transition",
            "status",
            current=S(current.status).label,
            target=S(to).label,
        )
    if actor is not None:
        access.require(actor, perm, current.unit)
    _require_health(actor, current.programme, current.unit)
    if to in NEEDS_REASON and not reason.strip():
        raise refuse(REASON_NEEDED, "reason_required", "reason")
    if to in DECISIONS:
        _check_cycle(current.cycle, [CycleStatus.OPEN], CLOSED_TO_DECISIONS)
        if actor is not None and current.last_actor_id == actor.pk:
            previous = current.steps.order_by("-at", "-pk").values_list("to_status", flat=True)[0]
            raise refuse(
                FOUR_EYES, "same_person", "status", action=S(to).label, earlier=S(previous).label
            )
        result = eligibility.evaluate(
            current.programme,
            Candidate(current.person, current.household, current.cycle_id),
            current.applied_on,
        )
        if not result.ok and not current.eligibility_override:
            if not override_reason.strip():
                raise _refuse_ineligible(current.person, current.programme, result)
            _check_override(actor, current.programme, override_reason)
            current.eligibility_override = override_reason.strip()
        current.eligible = result.ok
        current.failed_rules = result.as_json()
    before = current.status
    current.status = to
    current.version += 1
    current.save()
    _step(current, actor, before, on, reason or override_reason)
    return current


@transaction.atomic
def enrolment_set_compliance(
    *, actor: Any, enrolment: Enrolment, compliant: bool, note: str, version: int | None = None
) -> Enrolment:
    """Record whether she keeps the programme's conditions; a lapse needs a note."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=enrolment.pk)
    )
    if actor is not None:
        access.require(actor, Perm.EDIT, enrolment.unit)
    _require_health(actor, enrolment.programme, enrolment.unit)
    if version is not None and enrolment.version != version:
        raise stale(enrolment.version, version)
    if not compliant and not note.strip():
        raise refuse(REASON_NEEDED, "reason_required", "compliance_note")
    before = [enrolment.compliant, enrolment.compliance_note]
    enrolment.compliant = compliant
    enrolment.compliance_note = note.strip()
    enrolment.version += 1
    enrolment.save(update_fields=["compliant", "compliance_note", "version"])
    audit_record(
        actor=actor,
        action="enrolment.compliance",
        obj=enrolment,
        unit_path=enrolment.unit.path,
        changes={
            "compliant": [before[0], compliant],
            "note": [before[1], enrolment.compliance_note],
        },
    )
    return enrolment


class _Joined:
    """Several refusals as one parameter, rendered in whatever language is active."""

    def __init__(self, errors: Sequence[ApplicationError]) -> None:
        self.errors = errors

    def __str__(self) -> str:
        return "；".join(str(error) for error in self.errors)


# --- delivery -------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """One benefit to deliver: to whom, what, when, with what evidence."""

    person: Person
    on: dt.date
    kind: str
    household: Household | None = None
    amount: Decimal = ZERO
    item: str = ""
    quantity: Decimal | None = None
    measure: str = ""
    fund: Fund | None = None
    loan: Loan | None = None
    cycle: Cycle | None = None
    delivered_by: str = ""
    evidence: File[Any] | None = None
    note: str = ""
    override_reason: str = ""
    refusals: list[ApplicationError] = field(default_factory=list)


def _check_fields(d: Delivery) -> None:
    if d.kind == BenefitKind.CASH and (d.amount <= 0 or d.fund is None):
        raise refuse(CASH_FIELDS, "cash_incomplete", "amount")
    if d.kind == BenefitKind.GOODS and (
        not d.item.strip() or not d.quantity or d.quantity <= 0 or not d.measure.strip()
    ):
        raise refuse(GOODS_FIELDS, "goods_incomplete", "item")
    if d.kind == BenefitKind.SERVICE and not d.item.strip():
        raise refuse(SERVICE_FIELDS, "service_incomplete", "item")
    if d.amount < 0:
        raise refuse(CASH_FIELDS, "cash_incomplete", "amount")


def _rule_refusals(
    programme: Programme, d: Delivery, enrolment: Enrolment | None, cycle: Cycle
) -> list[ApplicationError]:
    """What the delivery breaks that an administrator may set aside with a reason."""
    name = d.person.name
    if enrolment is None:
        return [
            refuse(NEVER_ENROLLED, "not_enrolled", "person", name=name, programme=programme.name)
        ]
    refusals = []
    if enrolment.status not in (S.APPROVED, S.ACTIVE):
        refusals.append(
            refuse(
                NOT_ENROLLED,
                "not_enrolled",
                "person",
                name=name,
                programme=programme.name,
                status=S(enrolment.status).label,
            )
        )
    received = Benefit.objects.filter(cycle=cycle, beneficiary_key=enrolment.beneficiary_key)
    if d.kind == BenefitKind.CASH and cycle.cash_cap is not None:
        total = (
            received.filter(kind=BenefitKind.CASH).aggregate(s=Sum("amount"))["s"] or ZERO
        ) + d.amount
        if total > cycle.cash_cap:
            refusals.append(
                refuse(
                    OVER_CASH,
                    "over_entitlement",
                    "amount",
                    name=name,
                    total=total,
                    cycle=cycle.name,
                    cap=cycle.cash_cap,
                )
            )
    if d.kind == BenefitKind.GOODS and cycle.goods_cap is not None and d.quantity is not None:
        total = (
            received.filter(kind=BenefitKind.GOODS).aggregate(s=Sum("quantity"))["s"] or ZERO
        ) + d.quantity
        if total > cycle.goods_cap:
            refusals.append(
                refuse(
                    OVER_GOODS,
                    "over_entitlement",
                    "quantity",
                    name=name,
                    total=total,
                    cycle=cycle.name,
                    cap=cycle.goods_cap,
                )
            )
    history = eligibility.evaluate(
        programme,
        Candidate(d.person, enrolment.household, cycle.pk),
        d.on,
        kinds=eligibility.HISTORY_RULES,
    )
    if not history.ok:
        refusals.append(_refuse_ineligible(d.person, programme, history))
    return refusals


def _deliver(actor: Any, programme: Programme, d: Delivery) -> Benefit:
    person = d.person
    _check_fields(d)
    _check_reach(programme, person)
    household = d.household if programme.serves_households else None
    cycle = _cycle_for(programme, d.on, d.cycle)
    _check_cycle(cycle, [CycleStatus.OPEN, CycleStatus.APPROVED], CLOSED_TO_DELIVERIES)
    key = beneficiary_key(person, household)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, beneficiary_key=key)
        .exclude(status=S.REJECTED)
        .first()
    )
    # Delivered by the village she was enrolled in, even if she has moved since.
    if actor is not None:
        access.require(actor, Perm.EDIT, enrolment.unit if enrolment else person.residence)
    _require_health(actor, programme, enrolment.unit if enrolment else person.residence)
    if (
        d.kind == BenefitKind.CASH
        and d.fund is not None
        and d.fund.programme_id
        not in (
            None,
            programme.pk,
        )
    ):
        raise refuse(WRONG_FUND, "wrong_fund", "fund", fund=d.fund.name, programme=d.fund.programme)
    if d.loan is not None and (enrolment is None or d.loan.enrolment_id != enrolment.pk):
        raise refuse(WRONG_LOAN, "wrong_loan", "loan", name=person.name)
    refusals = _rule_refusals(programme, d, enrolment, cycle)
    if refusals:
        if not d.override_reason.strip():
            first, *more = refusals
            if not more:
                raise first
            raise refuse(SEVERAL, first.code, first.field, first=first, more=_Joined(more))
        _check_override(actor, programme, d.override_reason)
    if enrolment is None:  # admitted by the override itself
        _check_household(programme, person, household)
        enrolment = Enrolment.objects.create(
            programme=programme,
            cycle=cycle,
            person=person,
            household=household,
            beneficiary_key=key,
            unit=person.residence,
            applied_on=d.on,
            status=S.ACTIVE,
            eligible=False,
            eligibility_override=d.override_reason.strip(),
            created_by=actor,
        )
        _step(enrolment, actor, "", d.on, d.override_reason)
    elif enrolment.status == S.APPROVED:
        enrolment.status = S.ACTIVE
        enrolment.version += 1
        enrolment.save(update_fields=["status", "version"])
        _step(enrolment, actor, S.APPROVED, d.on)
    benefit = Benefit(
        enrolment=enrolment,
        programme=programme,
        cycle=cycle,
        person=person,
        household=enrolment.household,
        beneficiary_key=key,
        unit=enrolment.unit,
        on=d.on,
        kind=d.kind,
        amount=d.amount,
        item=d.item.strip(),
        quantity=d.quantity,
        measure=d.measure.strip(),
        fund=d.fund if d.kind == BenefitKind.CASH else None,
        loan=d.loan,
        delivered_by=d.delivered_by.strip(),
        override_reason=d.override_reason.strip() if refusals else "",
        note=d.note.strip(),
        recorded_by=actor,
    )
    if d.kind == BenefitKind.CASH:
        assert d.fund is not None  # noqa: S101 - _check_fields
        benefit.fund_entry = finance.fund_draw(
            actor=actor,
            fund=d.fund,
            on=d.on,
            amount=d.amount,
            description=f"{programme.name} · {person.name}",
        )
    if d.evidence is not None:
        benefit.evidence.save(d.evidence.name or "evidence", d.evidence, save=False)
    benefit.save()
    audit_record(
        actor=actor,
        action="benefit.deliver",
        obj=benefit,
        unit_path=benefit.unit.path,
        changes={
            "programme": [None, programme.pk],
            "kind": [None, d.kind],
            "amount": [None, d.amount],
            "item": [None, benefit.item],
            "quantity": [None, d.quantity],
            "override_reason": [None, benefit.override_reason or None],
        },
    )
    return benefit


@transaction.atomic
def benefit_deliver(*, actor: Any, programme: Programme, delivery: Delivery) -> Benefit:
    """Record one benefit, refused with the reason when it breaks a rule (see module doc)."""
    return _deliver(actor, programme, delivery)


@dataclass(frozen=True)
class BatchResult:
    benefits: list[Benefit]
    errors: list[tuple[int, Delivery, ApplicationError]]


def benefit_deliver_many(
    *, actor: Any, programme: Programme, deliveries: Sequence[Delivery], valid_only: bool = False
) -> BatchResult:
    """Deliver to a whole list: all or nothing, or (valid_only) those that pass.

    Every row is checked; the errors name the row and the person, so one pass shows them all.
    """
    benefits: list[Benefit] = []
    errors: list[tuple[int, Delivery, ApplicationError]] = []
    with transaction.atomic():
        for row, delivery in enumerate(deliveries, start=1):
            try:
                with transaction.atomic():
                    benefits.append(_deliver(actor, programme, delivery))
            except ApplicationError as error:
                errors.append((row, delivery, error))
        if errors and not valid_only:
            transaction.set_rollback(True)
            return BatchResult([], errors)
    return BatchResult(benefits, errors)
