"""Writes to donations: donors, charity places, campaigns, gifts in, aid out, stock-takes and
hand-overs.

Receiving and giving need EDIT on the unit that receives or gives; naming a person or
household as recipient needs sight of her village. Aid to a person under a programme is also
that programme's benefit (through `programmes.services`), so its rules apply and her aid is
seen together on her page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError, refuse
from jinguo.donations.choices import DonorKind, GiftKind
from jinguo.donations.models import (
    Campaign,
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    HandOver,
    StockMove,
    StockTake,
    StockTakeLine,
)
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Household, Person
from jinguo.people.services import normalise_phone
from jinguo.programmes import finance
from jinguo.programmes import services as programmes
from jinguo.programmes.choices import BenefitKind
from jinguo.programmes.models import ZERO, Fund, Organisation, Programme

NAME_TAKEN = _("%(owner)s already has a campaign called “%(name)s”.")
DATES = _("The end date is before the start date.")
CASH_NEEDS = _("Cash needs an amount above zero and the fund it goes to or comes from.")
GOODS_NEEDS = _(
    "Goods need the item, its category, a quantity above zero, its measure and the place "
    "that holds them."
)
STOCK_SHORT = _(
    "%(place)s holds %(balance)s %(measure)s of %(item)s on %(date)s, not %(quantity)s."
)
ONE_RECIPIENT = _("Name exactly one recipient: a person, a household, a unit or an organisation.")
EXPLAIN = _("%(item)s: %(counted)s counted against %(expected)s on the books; say why.")
BEFORE_OPENING = _("%(place)s opened on %(opened)s; the date cannot be earlier.")
DONOR_NAME = _("Give the donor's name.")
STOCK_BEFORE = _("Goods were already moved on %(date)s; the opening date cannot be later.")

ANONYMOUS = "匿名"


def _require(actor: Any, perm: Perm, unit: OrgUnit) -> None:
    if actor is not None:
        access.require(actor, perm, unit)


def _require_sources(actor: Any, fund: Fund | None, place: CharityPlace | None) -> None:
    """Money moves only in a fund that reaches the user (its holder in her scope or above, as
    for programme payments); goods only in a place she keeps (EDIT on its unit)."""
    if actor is None:
        return
    if fund is not None and not access.reaches(actor, fund.owner):
        raise Http404
    if place is not None:
        access.require_reaching(actor, Perm.EDIT, place.unit)


# --- donors, places, campaigns --------------------------------------------------------------------


@transaction.atomic
def donor_create(
    *,
    actor: Any,
    owner: OrgUnit,
    kind: str,
    name: str = "",
    organisation: Organisation | None = None,
    contact: str = "",
    phone: str = "",
    note: str = "",
) -> Donor:
    _require(actor, Perm.EDIT, owner)
    name = ANONYMOUS if kind == DonorKind.ANONYMOUS else (name or str(organisation or "")).strip()
    if not name:
        raise refuse(DONOR_NAME, "name_required", "name")
    donor = Donor.objects.create(
        owner=owner,
        kind=kind,
        name=name,
        organisation=organisation if kind == DonorKind.ORGANISATION else None,
        contact=contact.strip(),
        phone=normalise_phone(phone) or None,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="donor.create",
        obj=donor,
        unit_path=owner.path,
        changes={"kind": [None, kind], "name": [None, name]},
    )
    return donor


@transaction.atomic
def place_open(
    *, actor: Any, unit: OrgUnit, opened_on: dt.date, public: bool = True
) -> CharityPlace:
    """Let a unit hold donated goods (and show them on the public page)."""
    _require(actor, Perm.EDIT, unit)
    earlier = StockMove.objects.filter(place__unit=unit, on__lt=opened_on).order_by("on").first()
    if earlier is not None:
        raise refuse(STOCK_BEFORE, "stock_before_opening", "opened_on", date=earlier.on)
    place, _created = CharityPlace.objects.update_or_create(
        unit=unit, defaults={"opened_on": opened_on, "public": public}
    )
    audit_record(
        actor=actor,
        action="charity_place.open",
        obj=place,
        unit_path=unit.path,
        changes={"opened_on": [None, opened_on], "public": [None, public]},
    )
    return place


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    owner: OrgUnit,
    name: str,
    start: dt.date,
    end: dt.date | None = None,
    target: Decimal | None = None,
    organisers: str = "",
    description: str = "",
    fund: Fund | None = None,
    place: CharityPlace | None = None,
    programme: Programme | None = None,
    public: bool = True,
) -> Campaign:
    _require(actor, Perm.EDIT, owner)
    name = name.strip()
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    if Campaign.objects.filter(owner=owner, name=name).exists():
        raise refuse(NAME_TAKEN, "name_taken", "name", owner=owner.name, name=name)
    campaign = Campaign.objects.create(
        owner=owner,
        name=name,
        start=start,
        end=end,
        target=target,
        organisers=organisers.strip(),
        description=description.strip(),
        fund=fund,
        place=place,
        programme=programme,
        public=public,
    )
    audit_record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        unit_path=owner.path,
        changes={"name": [None, name], "start": [None, start], "target": [None, target]},
    )
    return campaign


# --- stock ----------------------------------------------------------------------------------------


def stock_on(place: CharityPlace, item: str, measure: str, on: dt.date | None = None) -> Decimal:
    moves = place.moves.filter(item=item, measure=measure)
    if on is not None:
        moves = moves.filter(on__lte=on)
    return moves.aggregate(s=Sum("quantity"))["s"] or ZERO


def _check_stock(place: CharityPlace, item: str, measure: str, on: dt.date, out: Decimal) -> None:
    """Taking `out` on `on` must leave the item's balance at zero or above on every later day."""
    balance = stock_on(place, item, measure, on)
    lowest, day = balance, on
    later = (
        place.moves.filter(item=item, measure=measure, on__gt=on)
        .values("on")
        .annotate(net=Sum("quantity"))
        .order_by("on")
    )
    for row in later:
        balance += row["net"]
        if balance < lowest:
            lowest, day = balance, row["on"]
    if lowest < out:
        raise refuse(
            STOCK_SHORT,
            "stock_short",
            "quantity",
            place=place.unit.name,
            balance=lowest,
            measure=measure,
            item=item,
            date=day,
            quantity=out,
        )


def _check_opened(place: CharityPlace, on: dt.date) -> None:
    if on < place.opened_on:
        raise refuse(
            BEFORE_OPENING, "before_opening", "on", place=place.unit.name, opened=place.opened_on
        )


@dataclass(frozen=True)
class Goods:
    item: str
    category: str
    quantity: Decimal
    measure: str

    def check(self, place: CharityPlace | None) -> CharityPlace:
        if (
            place is None
            or not self.item.strip()
            or not self.category
            or self.quantity <= 0
            or not self.measure.strip()
        ):
            raise refuse(GOODS_NEEDS, "goods_incomplete", "item")
        return place


# --- donations in ---------------------------------------------------------------------------------


def _next_receipt(owner: OrgUnit, on: dt.date) -> str:
    prefix = f"{on.year}-"
    numbers = Donation.objects.filter(owner=owner, receipt_number__startswith=prefix)
    last = numbers.order_by("-receipt_number").values_list("receipt_number", flat=True).first()
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:05d}"


@transaction.atomic
def donation_receive(
    *,
    actor: Any,
    owner: OrgUnit,
    received_on: dt.date,
    kind: str,
    donor: Donor | None = None,
    campaign: Campaign | None = None,
    amount: Decimal = ZERO,
    channel: str = "",
    fund: Fund | None = None,
    place: CharityPlace | None = None,
    goods: Goods | None = None,
    condition: str = "",
    note: str = "",
) -> Donation:
    """Record a gift and issue its receipt number (year-sequence, per receiving unit).

    Cash goes into a fund (the campaign's unless named); goods into a place's stock (the
    campaign's unless named), valued at `amount`.
    """
    _require(actor, Perm.EDIT, owner)
    fund = fund or (campaign.fund if campaign else None)
    place = place or (campaign.place if campaign else None)
    _require_sources(
        actor, fund if kind == GiftKind.CASH else None, place if kind == GiftKind.GOODS else None
    )
    donation = Donation(
        owner=owner,
        donor=donor,
        campaign=campaign,
        received_on=received_on,
        kind=kind,
        amount=amount,
        note=note.strip(),
        recorded_by=actor,
    )
    if amount < 0:
        raise refuse(CASH_NEEDS, "cash_incomplete", "amount")
    if kind == GiftKind.CASH:
        if amount <= 0 or fund is None:
            raise refuse(CASH_NEEDS, "cash_incomplete", "amount")
        donation.channel = channel
        donation.fund_entry = finance.fund_credit(
            actor=actor,
            fund=fund,
            on=received_on,
            amount=amount,
            description=f"{donor or ANONYMOUS} 捐款",
            counterpart=donor.organisation if donor else None,
        )
    else:
        if goods is None:
            raise refuse(GOODS_NEEDS, "goods_incomplete", "item")
        place = goods.check(place)
        _check_opened(place, received_on)
        donation.place = place
        donation.item, donation.category = goods.item.strip(), goods.category
        donation.quantity, donation.measure = goods.quantity, goods.measure.strip()
        donation.condition = condition
    for attempt in range(3):
        donation.receipt_number = _next_receipt(owner, received_on)
        try:
            with transaction.atomic():
                donation.save()
            break
        except IntegrityError:  # another clerk took the number: take the next one
            if attempt == 2:
                raise
    if kind == GiftKind.GOODS:
        assert place is not None  # noqa: S101 - checked above
        StockMove.objects.create(
            place=place,
            on=received_on,
            item=donation.item,
            category=donation.category,
            measure=donation.measure,
            quantity=donation.quantity,
            value=amount,
            donation=donation,
        )
    audit_record(
        actor=actor,
        action="donation.receive",
        obj=donation,
        unit_path=owner.path,
        changes={
            "kind": [None, kind],
            "amount": [None, amount],
            "item": [None, donation.item],
            "quantity": [None, donation.quantity],
            "receipt_number": [None, donation.receipt_number],
        },
    )
    return donation


# --- aid out --------------------------------------------------------------------------------------


@dataclass
class Gift:
    """One disbursement: to whom (exactly one recipient), what, from where."""

    on: dt.date
    kind: str
    person: Person | None = None
    household: Household | None = None
    recipient_unit: OrgUnit | None = None
    organisation: Organisation | None = None
    amount: Decimal = ZERO
    fund: Fund | None = None
    place: CharityPlace | None = None
    goods: Goods | None = None
    campaign: Campaign | None = None
    programme: Programme | None = None
    handover: HandOver | None = None
    note: str = ""
    override_reason: str = ""
    errors: list[ApplicationError] = field(default_factory=list)


def _scope_unit(actor: Any, owner: OrgUnit, gift: Gift) -> OrgUnit:
    recipients = [gift.person, gift.household, gift.recipient_unit, gift.organisation]
    if sum(value is not None for value in recipients) != 1:
        raise refuse(ONE_RECIPIENT, "one_recipient", "person")
    if gift.person is not None:
        unit = gift.person.residence
    elif gift.household is not None:
        unit = gift.household.residence
    elif gift.recipient_unit is not None:
        unit = gift.recipient_unit
    else:
        return owner
    _require(actor, Perm.VIEW, unit)
    return unit


def _disburse(actor: Any, owner: OrgUnit, gift: Gift) -> Disbursement:
    _require(actor, Perm.EDIT, owner)
    unit = _scope_unit(actor, owner, gift)
    campaign = gift.campaign
    programme = gift.programme or (campaign.programme if campaign else None)
    fund = gift.fund or (campaign.fund if campaign else None)
    place = gift.place or (campaign.place if campaign else None)
    _require_sources(
        actor,
        fund if gift.kind == GiftKind.CASH else None,
        place if gift.kind == GiftKind.GOODS else None,
    )
    disbursement = Disbursement(
        owner=owner,
        unit=unit,
        campaign=campaign,
        on=gift.on,
        kind=gift.kind,
        person=gift.person,
        household=gift.household,
        recipient_unit=gift.recipient_unit,
        organisation=gift.organisation,
        amount=gift.amount,
        handover=gift.handover,
        note=gift.note.strip(),
        recorded_by=actor,
    )
    if gift.amount < 0:
        raise refuse(CASH_NEEDS, "cash_incomplete", "amount")
    if gift.kind == GiftKind.CASH and (gift.amount <= 0 or fund is None):
        raise refuse(CASH_NEEDS, "cash_incomplete", "amount")
    goods = gift.goods
    if gift.kind == GiftKind.GOODS:
        if goods is None:
            raise refuse(GOODS_NEEDS, "goods_incomplete", "item")
        place = goods.check(place)
        _check_opened(place, gift.on)
        _check_stock(place, goods.item.strip(), goods.measure.strip(), gift.on, goods.quantity)
        disbursement.place = place
        disbursement.item, disbursement.category = goods.item.strip(), goods.category
        disbursement.quantity, disbursement.measure = goods.quantity, goods.measure.strip()
    beneficiary = gift.person
    if programme is not None and beneficiary is not None:
        benefit = programmes.benefit_deliver(
            actor=actor,
            programme=programme,
            delivery=programmes.Delivery(
                person=beneficiary,
                household=gift.household,
                on=gift.on,
                kind=BenefitKind.CASH if gift.kind == GiftKind.CASH else BenefitKind.GOODS,
                amount=gift.amount,
                fund=fund if gift.kind == GiftKind.CASH else None,
                item=disbursement.item,
                quantity=disbursement.quantity,
                measure=disbursement.measure,
                note=gift.note,
                override_reason=gift.override_reason,
            ),
        )
        disbursement.benefit = benefit
        disbursement.fund_entry = benefit.fund_entry
    elif gift.kind == GiftKind.CASH:
        assert fund is not None  # noqa: S101 - checked above
        disbursement.fund_entry = finance.fund_draw(
            actor=actor,
            fund=fund,
            on=gift.on,
            amount=gift.amount,
            description=f"{campaign or ''} 救助 {disbursement.recipient}".strip(),
        )
    disbursement.save()
    if gift.kind == GiftKind.GOODS:
        assert place is not None  # noqa: S101 - checked above
        StockMove.objects.create(
            place=place,
            on=gift.on,
            item=disbursement.item,
            category=disbursement.category,
            measure=disbursement.measure,
            quantity=-(disbursement.quantity or ZERO),
            value=gift.amount,
            disbursement=disbursement,
        )
    audit_record(
        actor=actor,
        action="disbursement.give",
        obj=disbursement,
        unit_path=unit.path,
        changes={
            "kind": [None, gift.kind],
            "amount": [None, gift.amount],
            "item": [None, disbursement.item],
            "quantity": [None, disbursement.quantity],
            "recipient": [None, disbursement.recipient],
        },
    )
    return disbursement


@transaction.atomic
def disburse(*, actor: Any, owner: OrgUnit, gift: Gift) -> Disbursement:
    """Give cash (from a fund) or goods (from a place's stock, never below zero)."""
    return _disburse(actor, owner, gift)


@dataclass(frozen=True)
class BatchResult:
    disbursements: list[Disbursement]
    errors: list[tuple[int, Gift, ApplicationError]]


def disburse_many(
    *, actor: Any, owner: OrgUnit, gifts: Sequence[Gift], valid_only: bool = False
) -> BatchResult:
    """A whole list: all or nothing, or (valid_only) those that pass; every row is checked."""
    done: list[Disbursement] = []
    errors: list[tuple[int, Gift, ApplicationError]] = []
    with transaction.atomic():
        for row, gift in enumerate(gifts, start=1):
            try:
                with transaction.atomic():
                    done.append(_disburse(actor, owner, gift))
            except ApplicationError as error:
                errors.append((row, gift, error))
        if errors and not valid_only:
            transaction.set_rollback(True)
            return BatchResult([], errors)
    return BatchResult(done, errors)


# --- stock-takes and hand-overs -------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    item: str
    measure: str
    counted: Decimal
    explanation: str = ""


@transaction.atomic
def stocktake_record(
    *, actor: Any, place: CharityPlace, on: dt.date, counts: Sequence[Count], note: str = ""
) -> StockTake:
    """Count the shelves: each difference from the books needs a reason and is booked as an
    adjustment on that day, so the balance agrees with what is there."""
    _require(actor, Perm.EDIT, place.unit)
    _check_opened(place, on)
    stocktake = StockTake.objects.create(place=place, on=on, note=note.strip(), recorded_by=actor)
    for count in counts:
        item, measure = count.item.strip(), count.measure.strip()
        expected = stock_on(place, item, measure, on)
        if count.counted != expected and not count.explanation.strip():
            raise refuse(
                EXPLAIN,
                "explanation_required",
                "explanation",
                item=item,
                counted=count.counted,
                expected=expected,
            )
        StockTakeLine.objects.create(
            stocktake=stocktake,
            item=item,
            measure=measure,
            expected=expected,
            counted=count.counted,
            explanation=count.explanation.strip(),
        )
        if count.counted != expected:
            if count.counted < expected:
                _check_stock(place, item, measure, on, expected - count.counted)
            last = place.moves.filter(item=item, measure=measure).order_by("-on", "-pk").first()
            StockMove.objects.create(
                place=place,
                on=on,
                item=item,
                measure=measure,
                category=last.category if last else "other",
                quantity=count.counted - expected,
                stocktake=stocktake,
            )
    audit_record(
        actor=actor,
        action="stocktake.record",
        obj=stocktake,
        unit_path=place.unit.path,
        changes={"on": [None, on], "lines": [None, len(counts)]},
    )
    return stocktake


@transaction.atomic
def handover_record(
    *,
    actor: Any,
    owner: OrgUnit,
    on: dt.date,
    description: str,
    handed_by: str,
    received_by: str,
    amount: Decimal = ZERO,
    witnesses: str = "",
    notary: str = "",
    certificate_number: str = "",
    document: File[Any] | None = None,
    campaign: Campaign | None = None,
) -> HandOver:
    _require(actor, Perm.EDIT, owner)
    if amount < 0:
        raise refuse(CASH_NEEDS, "cash_incomplete", "amount")
    handover = HandOver(
        owner=owner,
        campaign=campaign,
        on=on,
        description=description.strip(),
        amount=amount,
        handed_by=handed_by.strip(),
        received_by=received_by.strip(),
        witnesses=witnesses.strip(),
        notary=notary.strip(),
        certificate_number=certificate_number.strip(),
        recorded_by=actor,
    )
    if document is not None:
        handover.document.save(document.name or "handover", document, save=False)
    handover.save()
    audit_record(
        actor=actor,
        action="handover.record",
        obj=handover,
        unit_path=owner.path,
        changes={
            "amount": [None, amount],
            "notary": [None, handover.notary],
            "certificate_number": [None, handover.certificate_number],
        },
    )
    return handover
