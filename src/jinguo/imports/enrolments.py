"""Enrolments (项目对象) as an import type: one row, one person applying to (or enrolled in)
one programme, through `programmes.services.enrolment_apply` and, for a status beyond the
application, `enrolment_advance` (the same doors and the same refusals as the enrolment
pages).

- The programme is named by its name, among those the uploader may see
  (`programmes.selectors.programme_list`), as the benefits import finds it.
- The person is named by her ID number, found by its blind index among the people the
  uploader sees; she must live inside the unit chosen at upload.
- The round is the one named in the cycle column or, without one, the round covering the date
  applied (as the application form chooses it).
- A programme serving households enrols the household named by its number or, without one,
  the household the person belongs to now when she belongs to exactly one.
- The status column (optional; "applied" when empty) takes the enrolment along its chain, one
  step at a time, each step only if the uploader's role may take it (`allowed_steps`): the
  township verifies, the county approves, the village starts and completes. Whoever took the
  previous step may not take the next decision, so an application entered by this import
  cannot be verified or approved by the same import: the services refuse, on the status cell.
- A row is "the same" as a recorded enrolment when the person is already in the programme's
  round (an application still open or decided, or one rejected on the same date): such a row
  is UNCHANGED when the enrolment is at or beyond the row's status, or has left the chain
  (rejected, exited), and UPDATED when the row takes it further. Importing the same sheet
  again therefore changes nothing.
- The programmes services offer no way to remove an enrolment: an application can only leave
  its chain as rejected (by the township or the county) or exited (with a reason), and stays
  on the round's list as such. So an import of enrolments cannot be undone: the type declares
  why (`no_undo`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.errors import ApplicationError, refuse
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import id_number_column, person_by_id_number, programme_by_name
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.orgunits import access
from jinguo.people.models import Household, Person
from jinguo.programmes import selectors
from jinguo.programmes.choices import EnrolmentStatus
from jinguo.programmes.eligibility import beneficiary_key
from jinguo.programmes.models import Cycle, Enrolment, Programme
from jinguo.programmes.services import allowed_steps, enrolment_advance, enrolment_apply

S = EnrolmentStatus

UNKNOWN_CYCLE = _("“%(programme)s” has no round called “%(value)s”.")
UNKNOWN_HOUSEHOLD = _("No household you may see has the number %(value)s.")
HEALTH_ONLY = _(
    "Being enrolled in “%(programme)s” reveals health: only health workers and those who "
    "verify or approve its applications may enter its enrolments."
)
NO_PERMISSION = _("You may not enter enrolments of %(name)s.")
STEP_NOT_YOURS = _(
    "%(name)s's enrolment is %(current)s: the next step (%(target)s) is not one your role "
    "may take. Leave the status at %(current)s, or have it taken by those whose step it is."
)
NOT_UNDOABLE = _(
    "An import of enrolments cannot be undone: enrolments are never removed, an application "
    "can only be rejected or marked as exited, with a reason, on its own page."
)

# The chain a row's status may take an enrolment along, in order. Rejecting and exiting need
# a reason and a decision of their own: they are taken on the enrolment's page.
CHAIN: tuple[S, ...] = (S.APPLIED, S.VERIFIED, S.APPROVED, S.ACTIVE, S.COMPLETED)
# Enrolments that left the chain: a row about one of them finds it, and changes nothing.
LEFT = frozenset({S.EXITED, S.REJECTED})

# Where a refusal of the programmes services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"on": "applied_on", "reason": "status"}

COLUMNS: tuple[Column, ...] = (
    Column(
        "programme",
        pgettext_lazy("table header", "Programme"),
        required=True,
        synonyms=("项目名称", "项目", "项目名", "救助项目"),
        note=_("The programme's name, exactly as in the system."),
        example="单亲母亲救助",
        width=20,
    ),
    id_number_column("person", _("The applicant's ID number; 18 characters; format as text.")),
    Column(
        "applied_on",
        _("Applied on"),
        Kind.DATE,
        required=True,
        synonyms=("申请日期", "申请时间", "报名日期", "日期"),
        note=_("The day she applied, e.g. 2014-03-08"),
        example="2014-03-08",
    ),
    Column(
        "status",
        _("Status"),
        Kind.CHOICE,
        choices=[(status.value, status.label) for status in CHAIN],
        synonyms=("状态", "审核状态", "办理状态"),
        note=_("Empty means applied; each further step only if your role may take it."),
        example=str(S.APPLIED.label),
        width=16,
    ),
    Column(
        "cycle",
        _("Round"),
        synonyms=("轮次", "批次", "年度"),
        note=_("May stay empty: the round covering the date applied."),
        width=10,
    ),
    Column(
        "household",
        _("Household number"),
        synonyms=("户编号", "户号", "家庭户号"),
        note=_("Household programmes only; may stay empty when she belongs to one household."),
        width=16,
    ),
    Column(
        "override_reason",
        _("Reason for admitting despite the rules"),
        synonyms=("特批纳入理由", "破格纳入理由", "破格理由", "特批理由"),
        note=_("County administrators only, for someone who does not meet the rules."),
        width=20,
    ),
    Column("note", _("Notes"), synonyms=("备注",), width=20),
)


@dataclass
class _Cache:
    """What the rows of one import share: the programmes by name and their rounds."""

    cycles: dict[int, list[Cycle]] = field(default_factory=dict)


def _cache(ctx: ImportContext) -> _Cache:
    cached = ctx.cache.get("enrolments")
    if not isinstance(cached, _Cache):
        cached = ctx.cache["enrolments"] = _Cache()
    return cached


def _cycle(ctx: ImportContext, programme: Programme, name: str, on: dt.date) -> Cycle | None:
    """The round named, or the one covering `on` as `enrolment_apply` chooses it (None when
    none does: the services refuse the date)."""
    cache = _cache(ctx)
    if programme.pk not in cache.cycles:
        cache.cycles[programme.pk] = list(programme.cycles.order_by("-start", "-pk"))
    cycles = cache.cycles[programme.pk]
    if name:
        named = [cycle for cycle in cycles if cycle.name == name]
        if not named:
            raise refuse(
                UNKNOWN_CYCLE, "unknown_cycle", "cycle", value=name, programme=programme.name
            )
        return named[0]
    return next((cycle for cycle in cycles if cycle.covers(on)), None)


def _household(
    ctx: ImportContext, programme: Programme, person: Person, code: str
) -> Household | None:
    """The household a household programme enrols; None for a programme serving people, or
    when the row does not say and she belongs to no household or several (the services then
    ask for it)."""
    if not programme.serves_households:
        return None
    if code:
        seen = access.scoped(ctx.actor, Household.objects.all(), path_field="residence__path")
        household = seen.filter(code=code).first()
        if household is None:
            raise refuse(UNKNOWN_HOUSEHOLD, "unknown_household", "household", value=code)
        return household
    current = list(selectors.current_households(person)[:2])
    return current[0] if len(current) == 1 else None


def _recorded(
    ctx: ImportContext,
    programme: Programme,
    cycle: Cycle,
    person: Person,
    household: Household | None,
    on: dt.date,
) -> Enrolment | None:
    """The enrolment the row describes, among those the uploader may see (module doc: "the
    same"); a health programme's enrolments stay unseen by those who may not see them."""
    found = selectors.enrolment_list(ctx.actor, programme=programme, person=person).filter(
        cycle=cycle, beneficiary_key=beneficiary_key(person, household)
    )
    current = found.exclude(status=S.REJECTED).order_by("pk").first()
    if current is not None:
        return current
    return found.filter(applied_on=on).order_by("-pk").first()


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _in_sheet(error: ApplicationError, values: dict[str, Any]) -> ApplicationError:
    """A refusal about the round, when the sheet names none, is about the date applied (the
    round was the one covering it); other fields go to their columns by `service_fields`."""
    if error.field == "cycle" and not _text(values, "cycle"):
        error.field = "applied_on"
    return error


def _denied(ctx: ImportContext, programme: Programme, person: Person) -> ApplicationError:
    """Why the services turned the uploader away, on the cell it is about."""
    if programme.health and not any(
        access.can(ctx.actor, perm, person.residence) for perm in selectors.HEALTH_READERS
    ):
        return refuse(HEALTH_ONLY, "health_only", "programme", programme=programme.name)
    return refuse(NO_PERMISSION, "permission_denied", "person", name=person.name)


def _advance(ctx: ImportContext, enrolment: Enrolment, target: S) -> Enrolment:
    """Take `enrolment` along the chain up to `target`, a step at a time, each one only if the
    uploader's role may take it."""
    while CHAIN.index(S(enrolment.status)) < CHAIN.index(target):
        step = CHAIN[CHAIN.index(S(enrolment.status)) + 1]
        if step not in allowed_steps(ctx.actor, enrolment):
            raise refuse(
                STEP_NOT_YOURS,
                "step_not_allowed",
                "status",
                name=enrolment.person.name,
                current=S(enrolment.status).label,
                target=step.label,
            )
        try:
            enrolment = enrolment_advance(actor=ctx.actor, enrolment=enrolment, to=step)
        except ApplicationError as error:
            if error.field == "cycle":  # a closed round takes no more decisions: not the date
                error.field = "status"
            raise
    return enrolment


def _apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    programme = programme_by_name(ctx, str(values["programme"]))
    person = person_by_id_number(ctx, str(values["person"]), "person", in_unit=True)
    on: dt.date = values["applied_on"]
    target = S(values.get("status") or S.APPLIED)
    cycle = _cycle(ctx, programme, _text(values, "cycle"), on)
    household = _household(ctx, programme, person, _text(values, "household"))
    recorded = _recorded(ctx, programme, cycle, person, household, on) if cycle else None
    if recorded is not None:
        status = S(recorded.status)
        if status in LEFT or CHAIN.index(status) >= CHAIN.index(target):
            return Applied(Outcome.UNCHANGED, recorded)
        advanced = _advance(ctx, recorded, target)
        return Applied(Outcome.UPDATED, advanced, before={"status": status.value})
    enrolment = enrolment_apply(
        actor=ctx.actor,
        programme=programme,
        person=person,
        household=household,
        cycle=cycle if _text(values, "cycle") else None,
        on=on,
        note=_text(values, "note"),
        override_reason=_text(values, "override_reason"),
    )
    return Applied(Outcome.NEW, _advance(ctx, enrolment, target))


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    try:
        return _apply(ctx, values)
    except ApplicationError as error:
        raise _in_sheet(error, values) from None
    except PermissionDenied:
        programme = programme_by_name(ctx, str(values["programme"]))
        person = person_by_id_number(ctx, str(values["person"]), "person", in_unit=True)
        raise _denied(ctx, programme, person) from None


ENROLMENTS = register(
    ImportType(
        key="enrolments",
        label=_("Enrolments"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=Enrolment,
        service_fields=FIELD_TO_COLUMN,
    )
)
