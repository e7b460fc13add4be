"""Benefit deliveries (发放记录) as an import type: one row, one delivery of cash, goods or a
service to a person enrolled in a programme, through `programmes.services.benefit_deliver`
(the same door and the same refusals as the delivery form).

- The programme is named by its name, among those the uploader may see
  (`programmes.selectors.programme_list`).
- The beneficiary is named by her ID number, found by its blind index as the people import
  finds her; she must live (or have been enrolled) inside the unit chosen at upload.
- Cash is paid from the fund named in the fund column, among the funds the uploader may pay
  from that are earmarked for the programme or for none. Without a fund cell, the programme's
  own fund is used when there is exactly one: the fund earmarked for it, or, when none is, the
  one unearmarked fund held by the programme's owner unit.
- A delivery is "the same" as a recorded one when programme, beneficiary, date, kind, amount
  and item or service all agree: such a row is UNCHANGED and writes nothing, so importing the
  same deliveries again changes nothing.
- The programmes services offer no way to remove or void a delivery (a cash benefit is a
  draw on the fund's ledger), so an import of deliveries cannot be undone: the type declares
  why (`no_undo`) and the import's undo refuses with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.errors import refuse
from jinguo.imports.columns import GOODS_MEASURE, GOODS_QUANTITY, Column, Kind
from jinguo.imports.lookups import id_number_column, person_by_id_number, programme_by_name
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.programmes import selectors
from jinguo.programmes.choices import BenefitKind
from jinguo.programmes.models import ZERO, Benefit, Fund, Programme
from jinguo.programmes.services import Delivery, benefit_deliver

NO_PERMISSION = _("You may not record deliveries to %(name)s.")
UNKNOWN_FUND = _("“%(value)s” is not a fund that can pay for “%(programme)s”.")
AMBIGUOUS_FUND = _("Several funds that can pay for “%(programme)s” are called “%(value)s”.")
FUND_NEEDED = _(
    "“%(programme)s” can be paid from several funds, or none is set up for it: name the fund."
)
NEGATIVE_AMOUNT = _("The amount or value cannot be negative.")
NOT_UNDOABLE = _(
    "Deliveries cannot be undone: a cash delivery is a draw on the fund's ledger. Record a "
    "correction instead."
)

# Where a refusal of the programmes services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"cycle": "on", "household": "person", "loan": None, "override_reason": None}

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
    id_number_column(
        "person", _("The beneficiary's ID number; 18 characters; format the column as text.")
    ),
    Column(
        "on",
        _("Date"),
        Kind.DATE,
        required=True,
        synonyms=("发放日期", "发放时间", "日期"),
        note=_("The day of the delivery, e.g. 2014-03-08"),
        example="2014-03-08",
    ),
    Column(
        "kind",
        _("Kind"),
        Kind.CHOICE,
        required=True,
        choices=BenefitKind.choices,
        synonyms=("类型", "发放类型", "类别"),
        example="现金",
        width=8,
    ),
    Column(
        "amount",
        _("Amount or value (yuan)"),
        Kind.DECIMAL,
        synonyms=("金额或价值（元）", "金额（元）", "金额", "价值", "金额或价值"),
        note=_("Cash: the sum paid (above zero). Goods or a service: their value, if known."),
        example="1000",
    ),
    Column(
        "item",
        _("Item or service"),
        synonyms=("物品或服务", "物品", "物资名称", "服务内容", "服务"),
        note=_("Needed for goods and services."),
        width=16,
    ),
    GOODS_QUANTITY,
    GOODS_MEASURE,
    Column(
        "fund",
        _("Fund"),
        synonyms=("资金", "资金账户", "资金来源", "资金名称"),
        note=_("Cash only: the fund paid from; may stay empty when the programme has one fund."),
        width=14,
    ),
    Column(
        "delivered_by",
        _("Handled by"),
        synonyms=("经办人", "发放人", "经手人"),
        width=12,
    ),
    Column("note", _("Notes"), synonyms=("备注",), width=20),
)


@dataclass
class _Cache:
    """What the rows of one import share: the programmes and funds by name."""

    funds: dict[int, list[Fund]] = field(default_factory=dict)


def _cache(ctx: ImportContext) -> _Cache:
    cached = ctx.cache.get("benefits")
    if not isinstance(cached, _Cache):
        cached = ctx.cache["benefits"] = _Cache()
    return cached


def _funds(ctx: ImportContext, programme: Programme) -> list[Fund]:
    """The funds the uploader may name to pay for `programme`."""
    cache = _cache(ctx)
    if programme.pk not in cache.funds:
        cache.funds[programme.pk] = list(
            selectors.funds_to_pay_from(ctx.actor).filter(
                Q(programme=programme) | Q(programme__isnull=True)
            )
        )
    return cache.funds[programme.pk]


def _fund(ctx: ImportContext, programme: Programme, value: str | None) -> Fund:
    funds = _funds(ctx, programme)
    if value:
        named = [fund for fund in funds if fund.name == value.strip()]
        if not named:
            raise refuse(
                UNKNOWN_FUND, "unknown_fund", "fund", value=value, programme=programme.name
            )
        if len(named) > 1:
            raise refuse(
                AMBIGUOUS_FUND, "ambiguous_fund", "fund", value=value, programme=programme.name
            )
        return named[0]
    own = [fund for fund in funds if fund.programme_id == programme.pk] or [
        fund for fund in funds if fund.programme_id is None and fund.owner_id == programme.owner_id
    ]
    if len(own) != 1:
        raise refuse(FUND_NEEDED, "fund_needed", "fund", programme=programme.name)
    return own[0]


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _delivery(ctx: ImportContext, programme: Programme, values: dict[str, Any]) -> Delivery:
    person = person_by_id_number(ctx, str(values["person"]), "person", in_unit=True)
    amount: Decimal = values.get("amount") or ZERO
    if amount < 0:
        raise refuse(NEGATIVE_AMOUNT, "negative_amount", "amount")
    kind = str(values["kind"])
    return Delivery(
        person=person,
        on=values["on"],
        kind=kind,
        amount=amount,
        item=_text(values, "item"),
        quantity=values.get("quantity"),
        measure=_text(values, "measure"),
        fund=_fund(ctx, programme, values.get("fund")) if kind == BenefitKind.CASH else None,
        delivered_by=_text(values, "delivered_by"),
        note=_text(values, "note"),
    )


def _recorded(programme: Programme, d: Delivery) -> Benefit | None:
    """The delivery already recorded that the row describes (module doc: "the same")."""
    return (
        Benefit.objects.filter(
            programme=programme,
            person=d.person,
            on=d.on,
            kind=d.kind,
            amount=d.amount,
            item=d.item,
        )
        .order_by("pk")
        .first()
    )


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    programme = programme_by_name(ctx, str(values["programme"]))
    delivery = _delivery(ctx, programme, values)
    recorded = _recorded(programme, delivery)
    if recorded is not None:
        return Applied(Outcome.UNCHANGED, recorded)
    try:
        benefit = benefit_deliver(actor=ctx.actor, programme=programme, delivery=delivery)
    except PermissionDenied:
        raise refuse(
            NO_PERMISSION, "permission_denied", "person", name=delivery.person.name
        ) from None
    return Applied(Outcome.NEW, benefit)


BENEFITS = register(
    ImportType(
        key="benefits",
        label=_("Benefit deliveries"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=Benefit,
        service_fields=FIELD_TO_COLUMN,
    )
)
