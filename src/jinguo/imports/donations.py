"""Donations (捐赠登记) as an import type: one row, one gift of cash or goods received by the
unit chosen at upload, through `donations.services.donation_receive` (the same door and the
same refusals as the receiving form), which issues its receipt number.

- The donor is named by name, among the donors the uploader sees
  (`donations.selectors.donor_list`); when several bear the name, the donor kind and then the
  donor recorded by the upload unit decide. A donor not yet recorded is created through
  `donor_create`, kept by the upload unit, of the kind in the donor kind column (needed then).
  An empty donor cell, 匿名 or the kind "anonymous" records an anonymous gift.
- A row is goods when any goods cell (item, category, quantity, measure, condition, place) is
  filled, and its amount is then their value; otherwise it is cash, and the amount is the sum.
  A row with neither is an error, and so is a fund named on a row of goods.
- The campaign, the fund and the charity place (爱心超市/爱心小屋, by its unit's name or code)
  are named by name among those the uploader may see: campaigns run in her scope or above it,
  funds she may pay into, places in her scope. A name outside them reads as unknown. Without a
  fund or place cell, the campaign's is used, as on the form.
- A row is "the same" as a recorded donation when the upload unit, date, donor, campaign,
  kind, amount or value, and item, quantity and measure all agree: such a row is UNCHANGED
  and writes nothing, so importing the same sheet again changes nothing. Two identical rows in
  one file are two gifts, not a mistake: a drive's collection sheet lists many anonymous gifts
  of 100 yuan on one day. Each row is matched to a different recorded donation (the ledger of
  the import says which are taken already), so a sheet with the same row twice records two
  donations the first time and finds both the second.
- A receipt number column is not read: receipts are numbered by the receiving unit as gifts
  are recorded, and a number from another system would not be ours.
- The donations services offer no way to void a donation (a receipt cannot be voided; cash is
  an entry in a fund's ledger, goods are in a place's stock), so an import of donations cannot
  be undone: the type declares why (`no_undo`) and the import's undo refuses with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.errors import refuse
from jinguo.donations import selectors
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import Campaign, CharityPlace, Donation, Donor
from jinguo.donations.services import (
    ANONYMOUS,
    GOODS_NEEDS,
    Goods,
    donation_receive,
    donor_create,
)
from jinguo.imports.columns import GOODS_MEASURE, GOODS_QUANTITY, Column, Kind
from jinguo.imports.lookups import only_one
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.programmes.models import ZERO, Fund
from jinguo.programmes.selectors import funds_to_pay_from

UNKNOWN_CAMPAIGN = _("You have no campaign called “%(value)s”.")
AMBIGUOUS_CAMPAIGN = _(
    "Several campaigns you can see are called “%(value)s” (run by %(owners)s): ask for one of "
    "them to be renamed."
)
UNKNOWN_FUND = _("You have no fund called “%(value)s” that donations can go into.")
AMBIGUOUS_FUND = _("Several funds you can see are called “%(value)s” (held by %(owners)s).")
UNKNOWN_PLACE = _("You have no charity place called “%(value)s”.")
AMBIGUOUS_PLACE = _(
    "Several charity places you can see are called “%(value)s”: give the code of its unit."
)
AMBIGUOUS_DONOR = _(
    "Several donors you can see are called “%(value)s” (recorded by %(owners)s): give the "
    "donor kind, or record the gift on the donation page."
)
DONOR_KIND_NEEDED = _("“%(name)s” is not a recorded donor yet: give the donor kind.")
ANONYMOUS_NAMED = _(
    "An anonymous gift has no donor's name: leave the name empty or choose another kind."
)
NOTHING_GIVEN = _("Give the cash amount, or the goods: item, category, quantity and measure.")
NEGATIVE_AMOUNT = _("The amount or value cannot be negative.")
FUND_FOR_GOODS = _(
    "Goods go to a charity place, not a fund: leave the fund empty, or put the cash on a row "
    "of its own."
)
FUND_NEEDED = _("Name the fund this cash goes into: no campaign with a fund is named.")
NO_FUND_PERMISSION = _("You may not record money into the fund %(fund)s.")
NO_PLACE_PERMISSION = _("You may not take goods into %(place)s.")
NOT_UNDOABLE = _(
    "An import of donations cannot be undone: each donation has its receipt number, cash is in "
    "a fund's ledger and goods are in a charity place's stock, and receipts cannot be voided."
)

CENT = Decimal("0.01")

# Where a refusal of the donations services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"on": "received_on", "name": "donor"}

COLUMNS: tuple[Column, ...] = (
    Column(
        "received_on",
        _("Received on"),
        Kind.DATE,
        required=True,
        synonyms=("捐赠日期", "捐款日期", "收到日期", "接收时间", "日期"),
        note=_("The day the gift was received, e.g. 2014-10-17"),
        example="2014-10-17",
    ),
    Column(
        "donor",
        _("Donor"),
        synonyms=("捐赠方", "捐赠人姓名", "捐赠单位", "捐款人", "捐赠者", "姓名或名称"),
        note=_(
            "The donor's name, as recorded; a donor not yet recorded is added. Empty or "
            "匿名: an anonymous gift."
        ),
        example="李先生",
        width=18,
    ),
    Column(
        "donor_kind",
        _("Donor kind"),
        Kind.CHOICE,
        choices=DonorKind.choices,
        synonyms=("捐赠方类型", "捐赠人类型", "捐赠者类型"),
        note=_("Needed for a donor not yet recorded; a company is an organisation."),
        example="个人",
        width=10,
    ),
    Column(
        "campaign",
        _("Campaign"),
        synonyms=("募捐活动", "活动名称", "活动"),
        note=_("May stay empty; otherwise the campaign's name, exactly as in the system."),
        width=18,
    ),
    Column(
        "amount",
        _("Amount or value (yuan)"),
        Kind.DECIMAL,
        synonyms=("金额或价值", "捐赠金额", "捐款金额", "金额（元）", "金额", "价值（元）", "价值"),
        note=_("Cash: the sum given (above zero). Goods: their estimated value, if known."),
        example="500",
    ),
    Column(
        "channel",
        _("Channel"),
        Kind.CHOICE,
        choices=Channel.choices,
        synonyms=("捐款方式", "支付方式"),
        note=_("Cash only; may stay empty."),
        example="银行转账",
        width=10,
    ),
    Column(
        "fund",
        _("Into the fund"),
        synonyms=("资金账户", "资金", "存入资金", "资金名称"),
        note=_("Cash only: the fund it goes into; may stay empty when the campaign has one."),
        width=14,
    ),
    Column(
        "item",
        _("Item"),
        synonyms=("物品", "物品名称", "物资名称", "物资"),
        note=_("Goods only: what was given (大米, 衣物, 轮椅 …)."),
        width=14,
    ),
    Column(
        "category",
        pgettext_lazy("goods", "Category"),
        Kind.CHOICE,
        choices=GoodsCategory.choices,
        synonyms=("物品类别", "物资类别", "类别"),
        note=_("Needed for goods."),
        width=14,
    ),
    GOODS_QUANTITY,
    GOODS_MEASURE,
    Column(
        "condition",
        _("Condition"),
        Kind.CHOICE,
        choices=Condition.choices,
        synonyms=("新旧程度", "成色"),
        note=_("Goods only; may stay empty."),
        width=8,
    ),
    Column(
        "place",
        _("Kept at"),
        synonyms=("存放地点", "爱心超市", "爱心小屋", "爱心场所", "存放点"),
        note=_(
            "Goods only: the charity place that keeps them, by its unit's name; may stay empty "
            "when the campaign has one."
        ),
        width=14,
    ),
    Column("note", _("Notes"), synonyms=("备注", "说明"), width=20),
)

GOODS_KEYS = ("item", "category", "quantity", "measure", "condition", "place")


@dataclass
class _Cache:
    """What the rows of one import share: campaigns, funds and places by name."""

    campaigns: dict[str, list[Campaign]]
    funds: dict[str, list[Fund]]
    places: dict[str, list[CharityPlace]]


def _cache(ctx: ImportContext) -> _Cache:
    cached = ctx.cache.get("donations")
    if isinstance(cached, _Cache):
        return cached
    campaigns: dict[str, list[Campaign]] = {}
    for campaign in selectors.campaign_list(ctx.actor).order_by("pk"):
        campaigns.setdefault(campaign.name, []).append(campaign)
    funds: dict[str, list[Fund]] = {}
    for fund in funds_to_pay_from(ctx.actor).order_by("pk"):
        funds.setdefault(fund.name, []).append(fund)
    places: dict[str, list[CharityPlace]] = {}
    for place in selectors.place_list(ctx.actor).order_by("pk"):
        places.setdefault(place.unit.name, []).append(place)
        if place.unit.code != place.unit.name:
            places.setdefault(place.unit.code, []).append(place)
    cached = ctx.cache["donations"] = _Cache(campaigns, funds, places)
    return cached


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _cents(value: Decimal | None) -> Decimal | None:
    """Money and quantities are kept to the cent: the same rounding for lookup and write."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _owners(found: list[Any]) -> str:
    return "、".join(sorted({item.owner.name for item in found}))


def _campaign(ctx: ImportContext, value: str) -> Campaign | None:
    if not value:
        return None
    found = _cache(ctx).campaigns.get(value, [])
    return only_one(found, "campaign", value, UNKNOWN_CAMPAIGN, AMBIGUOUS_CAMPAIGN)


def _fund(ctx: ImportContext, value: str) -> Fund | None:
    if not value:
        return None
    return only_one(_cache(ctx).funds.get(value, []), "fund", value, UNKNOWN_FUND, AMBIGUOUS_FUND)


def _place(ctx: ImportContext, value: str) -> CharityPlace | None:
    if not value:
        return None
    # Unit names may repeat across townships; codes do not.
    found = _cache(ctx).places.get(value, [])
    return only_one(found, "place", value, UNKNOWN_PLACE, AMBIGUOUS_PLACE)


def _donor(ctx: ImportContext, values: dict[str, Any]) -> Donor | None:
    """The donor the row names, found or created; None for an anonymous gift."""
    name = _text(values, "donor")
    kind = _text(values, "donor_kind")
    if kind == DonorKind.ANONYMOUS:
        if name and name != ANONYMOUS:
            raise refuse(ANONYMOUS_NAMED, "anonymous_named", "donor_kind")
        return None
    if not name or name == ANONYMOUS:
        return None
    found = list(selectors.donor_list(ctx.actor).filter(name=name).order_by("pk"))
    if len(found) > 1 and kind:
        found = [donor for donor in found if donor.kind == kind] or found
    if len(found) > 1:
        found = [donor for donor in found if donor.owner_id == ctx.unit.pk] or found
    if len(found) > 1:
        raise refuse(AMBIGUOUS_DONOR, "ambiguous_donor", "donor", value=name, owners=_owners(found))
    if found:
        return found[0]
    if not kind:
        raise refuse(DONOR_KIND_NEEDED, "donor_kind_required", "donor_kind", name=name)
    return donor_create(actor=ctx.actor, owner=ctx.unit, kind=kind, name=name)


@dataclass(frozen=True)
class _Gift:
    """A row, checked and resolved: the arguments of `donation_receive`."""

    kind: str
    amount: Decimal
    campaign: Campaign | None
    fund: Fund | None
    place: CharityPlace | None
    goods: Goods | None


def _gift(ctx: ImportContext, values: dict[str, Any]) -> _Gift:
    """What the row gives, before any write (the donor comes after: it may be created)."""
    amount = _cents(values.get("amount")) or ZERO
    if amount < 0:
        raise refuse(NEGATIVE_AMOUNT, "negative_amount", "amount")
    campaign = _campaign(ctx, _text(values, "campaign"))
    if not any(values.get(key) not in (None, "") for key in GOODS_KEYS):
        if amount <= 0:
            raise refuse(NOTHING_GIVEN, "nothing_given", "amount")
        fund = _fund(ctx, _text(values, "fund"))
        if fund is None and (campaign is None or campaign.fund is None):
            raise refuse(FUND_NEEDED, "fund_needed", "fund")
        return _Gift(GiftKind.CASH, amount, campaign, fund, None, None)
    if _text(values, "fund"):
        raise refuse(FUND_FOR_GOODS, "fund_for_goods", "fund")
    place = _place(ctx, _text(values, "place"))
    quantity = _cents(values.get("quantity"))
    # The service's own rule, pointed at the first cell that breaks it.
    for key, missing in (
        ("item", not _text(values, "item")),
        ("category", not values.get("category")),
        ("quantity", quantity is None or quantity <= 0),
        ("measure", not _text(values, "measure")),
        ("place", place is None and (campaign is None or campaign.place is None)),
    ):
        if missing:
            raise refuse(GOODS_NEEDS, "goods_incomplete", key)
    goods = Goods(
        item=_text(values, "item"),
        category=str(values["category"]),
        quantity=quantity or ZERO,
        measure=_text(values, "measure"),
    )
    return _Gift(GiftKind.GOODS, amount, campaign, None, place, goods)


def _recorded(ctx: ImportContext, gift: _Gift, on: Any, donor: Donor | None) -> Donation | None:
    """The recorded donation the row describes (module doc: "the same") that no earlier row of
    this import has matched already."""
    goods = gift.goods
    candidates = (
        selectors.donation_list(ctx.actor)
        .filter(
            owner=ctx.unit,
            received_on=on,
            kind=gift.kind,
            amount=gift.amount,
            donor=donor,
            campaign=gift.campaign,
            item=goods.item if goods else "",
            quantity=goods.quantity if goods else None,
            measure=goods.measure if goods else "",
        )
        .order_by("pk")
    )
    for donation in candidates:
        if ctx.ledger.row_of(donation.pk) is None:
            return donation
    return None


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    gift = _gift(ctx, values)
    on = values["received_on"]
    try:
        donor = _donor(ctx, values)
        recorded = _recorded(ctx, gift, on, donor)
        if recorded is not None:
            return Applied(Outcome.UNCHANGED, recorded)
        donation = donation_receive(
            actor=ctx.actor,
            owner=ctx.unit,
            received_on=on,
            kind=gift.kind,
            donor=donor,
            campaign=gift.campaign,
            amount=gift.amount,
            channel=str(values.get("channel") or "") if gift.kind == GiftKind.CASH else "",
            fund=gift.fund,
            place=gift.place,
            goods=gift.goods,
            condition=str(values.get("condition") or ""),
            note=_text(values, "note"),
        )
    except (PermissionDenied, Http404):
        if gift.kind == GiftKind.GOODS:
            place = gift.place or (gift.campaign.place if gift.campaign else None)
            raise refuse(
                NO_PLACE_PERMISSION,
                "permission_denied",
                "place" if gift.place else "campaign",
                place=str(place or ""),
            ) from None
        fund = gift.fund or (gift.campaign.fund if gift.campaign else None)
        raise refuse(
            NO_FUND_PERMISSION,
            "permission_denied",
            "fund" if gift.fund else "campaign",
            fund=str(fund or ""),
        ) from None
    return Applied(Outcome.NEW, donation)


DONATIONS = register(
    ImportType(
        key="donations",
        label=_("Donations received"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=Donation,
        service_fields=FIELD_TO_COLUMN,
    )
)
