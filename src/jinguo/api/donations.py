"""Donations over HTTP: donors, campaigns, gifts received, charity places with their stock and
stock-takes, aid given out, and notarised hand-overs.

The same selectors and services as the pages, so the same rules, scope and audit entries.
People appear by id and name only, never with an ID number or a phone; a donor's phone comes
out masked. Cash goes through the funds of the programmes (see /funds/), goods through a
place's stock, which never goes below zero on any day. The scanned document of a hand-over is
not taken here: the API carries JSON only, and the document is attached on the web page.

Receiving a gift, giving aid, opening a place, counting its stock and recording a hand-over
need edit on the unit that does it; the auditor reads everything in her scope and changes
nothing (403).
"""

# No `from __future__ import annotations` here: django-ninja's @paginate wraps the view, and the
# wrapper could not resolve a query schema named in a string annotation.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jinguo.accounts.roles import Perm
from jinguo.core.masking import mask_phone
from jinguo.donations import selectors, services
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import (
    Campaign,
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    HandOver,
    StockTake,
    StockTakeLine,
)
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people import selectors as people
from jinguo.programmes import selectors as programmes

donors_router = Router(tags=["donors"])
campaigns_router = Router(tags=["campaigns"])
donations_router = Router(tags=["donations"])
places_router = Router(tags=["charity places"])
disbursements_router = Router(tags=["disbursements"])
handovers_router = Router(tags=["hand-overs"])

Blank = Literal[""]
# Yuan with fen, as in the registry; sent and returned as decimal strings ("1000.00").
Money = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
NOT_BLANK = r"\S"
FEWER_THAN_5 = "null: between 1 and 4, not shown, so that no one can be picked out."


def _user(request: HttpRequest) -> Any:
    return request.user


def _unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    return access.unit_get(_user(request), unit_id)


# --- shared shapes --------------------------------------------------------------------------------


class GoodsTotalOut(Schema):
    category: GoodsCategory
    measure: str
    quantity: Decimal


class FiguresOut(Schema):
    """The totals in and out, the same that staff and the public page see: they name no one."""

    cash_in: Decimal = Field(description="Yuan given in cash.")
    goods_in_value: Decimal = Field(description="Estimated value of the goods given, yuan.")
    goods_in: list[GoodsTotalOut] = Field(description="Goods given, by category and measure.")
    cash_out: Decimal = Field(description="Yuan given out in cash.")
    goods_out_value: Decimal
    goods_out: list[GoodsTotalOut]
    cash_balance: Decimal = Field(description="cash_in - cash_out.")
    person_times: int | None = Field(
        description="人次: aid given to a person or a household, each time. " + FEWER_THAN_5
    )
    people: int | None = Field(description="Distinct people helped. " + FEWER_THAN_5)
    households: int | None = Field(description="Distinct households helped. " + FEWER_THAN_5)


class NotFoundRow(Http404):
    """An id in a row that names nothing the user sees; `field` says which."""

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field


def _found(field: str, fetch: Any, *args: Any) -> Any:
    try:
        return fetch(*args)
    except Http404:
        raise NotFoundRow(field) from None


def _goods(item: str, category: str, quantity: Decimal | None, measure: str) -> services.Goods:
    return services.Goods(item, category, quantity or Decimal(0), measure)


# --- donors ---------------------------------------------------------------------------------------


class DonorOut(Schema):
    id: int
    kind: DonorKind
    name: str = Field(description="“匿名” for an anonymous donor.")
    organisation_id: int | None
    organisation_name: str = ""
    contact: str
    phone_masked: str = Field("", description="Masked; no endpoint reveals it.")
    owner_id: int = Field(description="The unit that keeps the record: scope follows it.")
    owner_name: str = ""
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(donor: Donor) -> str:
        return donor.organisation.name if donor.organisation else ""

    @staticmethod
    def resolve_phone_masked(donor: Donor) -> str:
        return mask_phone(donor.phone)

    @staticmethod
    def resolve_owner_name(donor: Donor) -> str:
        return donor.owner.name


class DonorFilterIn(Schema):
    kind: DonorKind | Blank = ""
    search: str = Field("", description="Part of the name.")


class DonorIn(Schema):
    owner_id: int = Field(description="The unit that keeps the record: needs edit there.")
    kind: DonorKind
    name: str = Field(
        "",
        max_length=100,
        description="Not needed for an anonymous donor, nor for an "
        "organisation named by organisation_id.",
    )
    organisation_id: int | None = Field(None, description="An organisation (/organisations/).")
    contact: str = Field("", max_length=200)
    phone: str = Field("", max_length=30, description="Stored encrypted, shown masked.")
    note: str = Field("", max_length=300)


@donors_router.get("/", response=list[DonorOut])
@paginate(LimitOffsetPagination)
def list_donors(request: HttpRequest, filters: Query[DonorFilterIn]) -> Any:
    """Donors recorded by your units, by name."""
    donors = selectors.donor_list(_user(request))
    if filters.kind:
        donors = donors.filter(kind=filters.kind)
    if filters.search.strip():
        donors = donors.filter(name__contains=filters.search.strip())
    return donors


@donors_router.get("/{donor_id}", response=DonorOut)
def get_donor(request: HttpRequest, donor_id: int) -> Donor:
    return selectors.donor_get(_user(request), donor_id)


@donors_router.post("/", response={201: DonorOut})
def create_donor(request: HttpRequest, payload: DonorIn) -> Status[Donor]:
    """Record a person, an organisation or an anonymous donor."""
    user = _user(request)
    donor = services.donor_create(
        actor=user,
        owner=_unit(request, payload.owner_id),
        kind=payload.kind,
        name=payload.name,
        organisation=programmes.organisation_get(user, payload.organisation_id)
        if payload.organisation_id
        else None,
        contact=payload.contact,
        phone=payload.phone,
        note=payload.note,
    )
    return Status(201, selectors.donor_get(user, donor.pk))


# --- campaigns ------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    owner_id: int = Field(description="The unit that runs it.")
    owner_name: str = ""
    organisers: str = Field(description="Who it was organised with.")
    start: dt.date
    end: dt.date | None
    target: Decimal | None = Field(description="Yuan.")
    description: str
    fund_id: int | None = Field(description="Where its cash goes.")
    place_id: int | None = Field(description="The charity place that keeps its goods.")
    programme_id: int | None = Field(description="The programme its aid to people counts under.")
    public: bool = Field(description="Shown on the public page (totals only).")

    @staticmethod
    def resolve_owner_name(campaign: Campaign) -> str:
        return campaign.owner.name


class CampaignDetailOut(CampaignOut):
    figures: FiguresOut

    @staticmethod
    def resolve_figures(campaign: Campaign) -> selectors.PublicFigures:
        return selectors.campaign_figures(campaign)


class CampaignIn(Schema):
    owner_id: int = Field(description="The unit that runs it: needs edit there.")
    name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    start: dt.date
    end: dt.date | None = None
    target: Money | None = None
    organisers: str = Field("", max_length=200)
    description: str = ""
    fund_id: int | None = Field(None, description="A fund held by your units (/funds/).")
    place_id: int | None = Field(None, description="A charity place of your units.")
    programme_id: int | None = Field(None, description="A programme reaching your units.")
    public: bool = True


@campaigns_router.get("/", response=list[CampaignOut])
@paginate(LimitOffsetPagination)
def list_campaigns(request: HttpRequest) -> Any:
    """Campaigns run in your units or above them (a county drive reaches its villages),
    latest first."""
    return selectors.campaign_list(_user(request))


@campaigns_router.get("/{campaign_id}", response=CampaignDetailOut)
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """The campaign and its figures: raised and given, in cash and goods, and how many were
    helped."""
    return selectors.campaign_get(_user(request), campaign_id)


@campaigns_router.post("/", response={201: CampaignDetailOut})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    user = _user(request)
    campaign = services.campaign_create(
        actor=user,
        owner=_unit(request, payload.owner_id),
        name=payload.name,
        start=payload.start,
        end=payload.end,
        target=payload.target,
        organisers=payload.organisers,
        description=payload.description,
        fund=programmes.fund_get(user, payload.fund_id) if payload.fund_id else None,
        place=selectors.place_get(user, payload.place_id) if payload.place_id else None,
        programme=programmes.programme_get(user, payload.programme_id)
        if payload.programme_id
        else None,
        public=payload.public,
    )
    return Status(201, selectors.campaign_get(user, campaign.pk))


# --- donations ------------------------------------------------------------------------------------


class DonationOut(Schema):
    id: int
    receipt_number: str = Field(description="Year and sequence of the receiving unit: 2014-00001.")
    kind: GiftKind
    owner_id: int = Field(description="The unit that received it: scope follows it.")
    owner_name: str = ""
    received_on: dt.date
    donor_id: int | None
    donor_name: str = ""
    campaign_id: int | None
    amount: Decimal = Field(description="Cash: the sum; goods: their estimated value; yuan.")
    channel: Channel | Blank
    fund_id: int | None = Field(None, description="Cash: the fund it went into.")
    place_id: int | None = Field(description="Goods: the place that holds them.")
    item: str
    category: GoodsCategory | Blank
    quantity: Decimal | None
    measure: str
    condition: Condition | Blank
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_owner_name(donation: Donation) -> str:
        return donation.owner.name

    @staticmethod
    def resolve_donor_name(donation: Donation) -> str:
        return donation.donor.name if donation.donor else ""

    @staticmethod
    def resolve_fund_id(donation: Donation) -> int | None:
        return donation.fund_entry.fund_id if donation.fund_entry else None


class DonationFilterIn(Schema):
    campaign_id: int | None = None
    donor_id: int | None = None
    kind: GiftKind | Blank = ""


class DonationIn(Schema):
    """Cash (amount, and the fund unless the campaign has one) or goods (item, category,
    quantity, measure, and the place unless the campaign has one; amount is their value)."""

    owner_id: int = Field(description="The unit that receives it: needs edit there.")
    received_on: dt.date | None = Field(None, description="Default today.")
    kind: GiftKind
    donor_id: int | None = Field(None, description="None: not recorded (an on-site gift).")
    campaign_id: int | None = None
    amount: Money = Decimal(0)
    channel: Channel | Blank = ""
    fund_id: int | None = Field(None, description="Cash: a fund of your units or above them.")
    place_id: int | None = Field(None, description="Goods: a charity place of your units.")
    item: str = Field("", max_length=60)
    category: GoodsCategory | Blank = ""
    quantity: Quantity | None = None
    measure: str = Field("", max_length=8, description="件, 台, 斤, 袋 …")
    condition: Condition | Blank = ""
    note: str = Field("", max_length=300)


@donations_router.get("/", response=list[DonationOut])
@paginate(LimitOffsetPagination)
def list_donations(request: HttpRequest, filters: Query[DonationFilterIn]) -> Any:
    """Gifts received by your units, latest first."""
    user = _user(request)
    donations = selectors.donation_list(
        user,
        campaign=selectors.campaign_get(user, filters.campaign_id) if filters.campaign_id else None,
        donor=selectors.donor_get(user, filters.donor_id) if filters.donor_id else None,
    ).select_related("fund_entry")
    if filters.kind:
        donations = donations.filter(kind=filters.kind)
    return donations


@donations_router.get("/{donation_id}", response=DonationOut)
def get_donation(request: HttpRequest, donation_id: int) -> Donation:
    return selectors.donation_get(_user(request), donation_id)


@donations_router.post("/", response={201: DonationOut})
def receive_donation(request: HttpRequest, payload: DonationIn) -> Status[Donation]:
    """Record a gift: it gets its receipt number (returned), cash goes into the fund and goods
    into the place's stock."""
    user = _user(request)
    goods = None
    if payload.kind == GiftKind.GOODS:
        goods = _goods(payload.item, payload.category, payload.quantity, payload.measure)
    donation = services.donation_receive(
        actor=user,
        owner=_unit(request, payload.owner_id),
        received_on=payload.received_on or timezone.localdate(),
        kind=payload.kind,
        donor=selectors.donor_get(user, payload.donor_id) if payload.donor_id else None,
        campaign=selectors.campaign_get(user, payload.campaign_id) if payload.campaign_id else None,
        amount=payload.amount,
        channel=payload.channel,
        fund=programmes.fund_to_pay_from(user, payload.fund_id) if payload.fund_id else None,
        place=selectors.place_get(user, payload.place_id) if payload.place_id else None,
        goods=goods,
        condition=payload.condition,
        note=payload.note,
    )
    return Status(201, selectors.donation_get(user, donation.pk))


# --- charity places, their stock and stock-takes --------------------------------------------------


class PlaceOut(Schema):
    id: int
    unit_id: int
    unit_name: str = ""
    opened_on: dt.date
    public: bool

    @staticmethod
    def resolve_unit_name(place: CharityPlace) -> str:
        return place.unit.name


class StockLineOut(Schema):
    item: str
    category: GoodsCategory
    measure: str
    quantity_in: Decimal = Field(description="Received.")
    quantity_out: Decimal = Field(description="Given out.")
    adjusted: Decimal = Field(description="Stock-take corrections, signed.")
    balance: Decimal = Field(description="On the shelves: never below zero.")
    value_in: Decimal = Field(description="Estimated value received, yuan.")


class PlaceDetailOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    opened_on: dt.date
    public: bool
    on: dt.date | None = Field(description="The day the stock and figures are taken on.")
    stock: list[StockLineOut]
    figures: FiguresOut = Field(description="Everything it took in and gave out to `on`.")


class PlaceIn(Schema):
    unit_id: int = Field(description="The unit that holds the goods: needs edit there.")
    opened_on: dt.date
    public: bool = True


class CountOut(Schema):
    item: str
    measure: str
    expected: Decimal = Field(description="On the books that day.")
    counted: Decimal
    difference: Decimal
    explanation: str


class StockTakeOut(Schema):
    id: int
    place_id: int
    on: dt.date
    note: str
    lines: list[CountOut]
    recorded_at: dt.datetime

    @staticmethod
    def resolve_lines(stocktake: StockTake) -> list[StockTakeLine]:
        return sorted(stocktake.lines.all(), key=lambda line: line.pk)


class CountIn(Schema):
    item: str = Field(..., min_length=1, max_length=60, pattern=NOT_BLANK)
    measure: str = Field(..., min_length=1, max_length=8, pattern=NOT_BLANK)
    counted: Quantity
    explanation: str = Field(
        "", max_length=300, description="Required when the count differs from the books."
    )


class StockTakeIn(Schema):
    on: dt.date
    counts: list[CountIn] = Field(..., min_length=1, max_length=500)
    note: str = Field("", max_length=300)


def _place_detail(place: CharityPlace, on: dt.date | None = None) -> dict[str, Any]:
    return {
        "id": place.pk,
        "unit_id": place.unit_id,
        "unit_name": place.unit.name,
        "opened_on": place.opened_on,
        "public": place.public,
        "on": on,
        "stock": selectors.stock(place, on=on),
        "figures": selectors.place_figures(place, on=on),
    }


@places_router.get("/", response=list[PlaceOut])
@paginate(LimitOffsetPagination)
def list_places(request: HttpRequest) -> Any:
    """Charity places (爱心小屋 …) of your units."""
    return selectors.place_list(_user(request)).order_by("unit__name", "pk")


@places_router.post("/", response={201: PlaceDetailOut})
def open_place(request: HttpRequest, payload: PlaceIn) -> Status[dict[str, Any]]:
    """Let a unit hold donated goods (sent again, it changes the opening day and whether the
    place is public)."""
    user = _user(request)
    place = services.place_open(
        actor=user,
        unit=_unit(request, payload.unit_id),
        opened_on=payload.opened_on,
        public=payload.public,
    )
    return Status(201, _place_detail(selectors.place_get(user, place.pk)))


@places_router.get("/{place_id}", response=PlaceDetailOut)
def get_place(request: HttpRequest, place_id: int, on: dt.date | None = None) -> dict[str, Any]:
    """The place, its stock item by item and its figures on `on` (default: everything
    recorded)."""
    return _place_detail(selectors.place_get(_user(request), place_id), on)


@places_router.get("/{place_id}/stocktakes", response=list[StockTakeOut])
def list_stocktakes(request: HttpRequest, place_id: int) -> list[StockTake]:
    """Its stock-takes, latest first, each line with what the books said and why it differed."""
    return list(selectors.stocktake_list(selectors.place_get(_user(request), place_id)))


@places_router.post("/{place_id}/stocktakes", response={201: StockTakeOut})
def record_stocktake(
    request: HttpRequest, place_id: int, payload: StockTakeIn
) -> Status[StockTake]:
    """Count the shelves on a day: each difference from the books needs an explanation and is
    booked as a correction that day. A count that would leave a later gift without stock is
    refused (stock_short)."""
    place = selectors.place_get(_user(request), place_id)
    stocktake = services.stocktake_record(
        actor=_user(request),
        place=place,
        on=payload.on,
        counts=[
            services.Count(count.item, count.measure, count.counted, count.explanation)
            for count in payload.counts
        ],
        note=payload.note,
    )
    return Status(201, stocktake)


# --- disbursements --------------------------------------------------------------------------------


class DisbursementOut(Schema):
    id: int
    owner_id: int = Field(description="The unit that gave it.")
    owner_name: str = ""
    unit_id: int = Field(description="Her village (a household's), else the receiving unit.")
    campaign_id: int | None
    on: dt.date
    kind: GiftKind
    person_id: int | None
    person_name: str = ""
    household_id: int | None
    household_code: str = ""
    recipient_unit_id: int | None
    recipient_unit_name: str = ""
    organisation_id: int | None
    organisation_name: str = ""
    amount: Decimal = Field(description="Cash: the sum; goods: their value; yuan.")
    fund_id: int | None = Field(None, description="Cash: the fund it came from.")
    place_id: int | None = Field(description="Goods: the place they came from.")
    item: str
    category: GoodsCategory | Blank
    quantity: Decimal | None
    measure: str
    benefit_id: int | None = Field(description="The programme benefit it also is, if any.")
    handover_id: int | None
    note: str

    @staticmethod
    def resolve_owner_name(disbursement: Disbursement) -> str:
        return disbursement.owner.name

    @staticmethod
    def resolve_person_name(disbursement: Disbursement) -> str:
        return disbursement.person.name if disbursement.person else ""

    @staticmethod
    def resolve_household_code(disbursement: Disbursement) -> str:
        return disbursement.household.code if disbursement.household else ""

    @staticmethod
    def resolve_recipient_unit_name(disbursement: Disbursement) -> str:
        return disbursement.recipient_unit.name if disbursement.recipient_unit else ""

    @staticmethod
    def resolve_organisation_name(disbursement: Disbursement) -> str:
        return disbursement.organisation.name if disbursement.organisation else ""

    @staticmethod
    def resolve_fund_id(disbursement: Disbursement) -> int | None:
        return disbursement.fund_entry.fund_id if disbursement.fund_entry else None


class DisbursementFilterIn(Schema):
    campaign_id: int | None = None
    place_id: int | None = None
    person_id: int | None = None


class GiftIn(Schema):
    """One gift to exactly one recipient: a person, a household, a unit (a school, a home) or
    an organisation. Cash needs an amount and a fund (the campaign's unless named); goods the
    item, category, quantity and measure, taken from a place (the campaign's unless named)."""

    on: dt.date | None = Field(None, description="Default today.")
    kind: GiftKind
    person_id: int | None = None
    household_id: int | None = None
    recipient_unit_id: int | None = None
    organisation_id: int | None = None
    amount: Money = Field(Decimal(0), description="Cash: the sum; goods: their value; yuan.")
    fund_id: int | None = Field(None, description="Cash: a fund of your units or above them.")
    place_id: int | None = Field(None, description="Goods: a charity place of your units.")
    item: str = Field("", max_length=60)
    category: GoodsCategory | Blank = ""
    quantity: Quantity | None = None
    measure: str = Field("", max_length=8)
    campaign_id: int | None = None
    programme_id: int | None = Field(
        None,
        description="Aid to a person under a programme is also its benefit: she must be "
        "enrolled, and its rules apply.",
    )
    handover_id: int | None = Field(None, description="The hand-over it was part of.")
    note: str = Field("", max_length=300)
    override_reason: str = Field(
        "",
        max_length=300,
        description="Under a programme: sets a failed rule aside (county administrators only).",
    )


class DisbursementIn(GiftIn):
    owner_id: int = Field(description="The unit that gives it: needs edit there.")


class DisbursementsIn(Schema):
    owner_id: int = Field(description="The unit that gives them: needs edit there.")
    gifts: list[GiftIn] = Field(..., min_length=1, max_length=2000)
    valid_only: bool = Field(
        False,
        description="false: all or nothing — one refused row and nothing is recorded. "
        "true: record the rows that pass and report the others.",
    )


class RowErrorOut(Schema):
    row: int = Field(description="1 for the first gift sent.")
    person_id: int | None
    household_id: int | None
    code: str
    field: str | None
    message: str
    message_en: str


class DisbursementsOut(Schema):
    created: list[int] = Field(description="Ids of the disbursements recorded, in row order.")
    errors: list[RowErrorOut] = Field(description="Rows refused (valid_only), with the reasons.")


class DisbursementsRefusedOut(Schema):
    code: str
    field: str | None
    message: str
    message_en: str
    errors: list[RowErrorOut]


def _gift(user: Any, row: GiftIn) -> services.Gift:
    """The service's Gift, every id fetched through the user's scope."""
    return services.Gift(
        on=row.on or timezone.localdate(),
        kind=row.kind,
        person=_found("person_id", people.person_get, user, row.person_id)
        if row.person_id
        else None,
        household=_found("household_id", people.household_get, user, row.household_id)
        if row.household_id
        else None,
        recipient_unit=_found("recipient_unit_id", access.unit_get, user, row.recipient_unit_id)
        if row.recipient_unit_id
        else None,
        organisation=_found(
            "organisation_id", programmes.organisation_get, user, row.organisation_id
        )
        if row.organisation_id
        else None,
        amount=row.amount,
        fund=_found("fund_id", programmes.fund_to_pay_from, user, row.fund_id)
        if row.fund_id
        else None,
        place=_found("place_id", selectors.place_get, user, row.place_id) if row.place_id else None,
        goods=_goods(row.item, row.category, row.quantity, row.measure)
        if row.kind == GiftKind.GOODS
        else None,
        campaign=_found("campaign_id", selectors.campaign_get, user, row.campaign_id)
        if row.campaign_id
        else None,
        programme=_found("programme_id", programmes.programme_get, user, row.programme_id)
        if row.programme_id
        else None,
        handover=_found("handover_id", selectors.handover_get, user, row.handover_id)
        if row.handover_id
        else None,
        note=row.note,
        override_reason=row.override_reason,
    )


# The same body as the API's 404, on the row and the field it concerns.
_NOT_FOUND = {"code": "not_found", "message": "未找到。", "message_en": "Not found."}


def _refused(count: int, total: int) -> dict[str, Any]:
    return {
        "code": "disbursements_refused",
        "field": "gifts",
        "message": f"{total} 行中有 {count} 行被拒绝，未记录任何发放。请更正后重新提交，"
        "或只记录通过的行(valid_only)。",
        "message_en": f"{count} of the {total} rows were refused, so nothing was recorded. "
        "Correct them and send the list again, or record only the rows that pass (valid_only).",
    }


def _row_error(row: int, gift: GiftIn, error: dict[str, Any]) -> dict[str, Any]:
    return {"row": row, "person_id": gift.person_id, "household_id": gift.household_id, **error}


@disbursements_router.get("/", response=list[DisbursementOut])
@paginate(LimitOffsetPagination)
def list_disbursements(request: HttpRequest, filters: Query[DisbursementFilterIn]) -> Any:
    """Aid given to people and households of your villages, and to your units, latest first."""
    user = _user(request)
    return selectors.disbursement_list(
        user,
        campaign=selectors.campaign_get(user, filters.campaign_id) if filters.campaign_id else None,
        place=selectors.place_get(user, filters.place_id) if filters.place_id else None,
        person=people.person_get(user, filters.person_id) if filters.person_id else None,
    ).select_related("owner", "fund_entry")


@disbursements_router.post("/", response={201: DisbursementOut})
def disburse(request: HttpRequest, payload: DisbursementIn) -> Status[Disbursement]:
    """Give cash from a fund or goods from a place's stock. Goods are refused (stock_short)
    when the place would hold less than nothing of the item on that day or any later one."""
    user = _user(request)
    gift = _gift(user, payload)
    disbursement = services.disburse(actor=user, owner=_unit(request, payload.owner_id), gift=gift)
    return Status(201, selectors.disbursement_get(user, disbursement.pk))


@disbursements_router.post("/many", response={201: DisbursementsOut, 400: DisbursementsRefusedOut})
def disburse_many(request: HttpRequest, payload: DisbursementsIn) -> Status[dict[str, Any]]:
    """Give to a whole list in one request. Every row is checked and every refusal reported
    with its row. All or nothing (400 and nothing recorded if any row is refused) unless
    `valid_only`, which records the rows that pass (201, with the others in `errors`)."""
    user = _user(request)
    owner = _unit(request, payload.owner_id)
    # The giving unit first: a user who may not give from it is refused before any row.
    access.require(user, Perm.EDIT, owner)
    rows: list[tuple[int, GiftIn]] = []
    gifts: list[services.Gift] = []
    errors: list[dict[str, Any]] = []
    for row, item in enumerate(payload.gifts, start=1):
        try:
            gifts.append(_gift(user, item))
            rows.append((row, item))
        except NotFoundRow as missing:
            errors.append(_row_error(row, item, {**_NOT_FOUND, "field": missing.field}))
    with transaction.atomic():
        result = services.disburse_many(
            actor=user, owner=owner, gifts=gifts, valid_only=payload.valid_only
        )
        errors += [
            _row_error(*rows[index - 1], error.as_dict()) for index, _gift_, error in result.errors
        ]
        if errors and not payload.valid_only:
            # Rows this endpoint could not resolve refuse the list as the service's own do.
            transaction.set_rollback(True)
    errors.sort(key=lambda error: error["row"])
    if errors and not payload.valid_only:
        return Status(400, {**_refused(len(errors), len(payload.gifts)), "errors": errors})
    return Status(201, {"created": [d.pk for d in result.disbursements], "errors": errors})


# Declared after /many, which it would otherwise take for an id.
@disbursements_router.get("/{disbursement_id}", response=DisbursementOut)
def get_disbursement(request: HttpRequest, disbursement_id: int) -> Disbursement:
    return selectors.disbursement_get(_user(request), disbursement_id)


# --- hand-overs -----------------------------------------------------------------------------------


class HandOverOut(Schema):
    id: int
    owner_id: int = Field(description="The unit that recorded it.")
    owner_name: str = ""
    campaign_id: int | None
    on: dt.date
    description: str
    amount: Decimal = Field(description="Yuan.")
    handed_by: str
    received_by: str
    witnesses: str
    notary: str
    certificate_number: str = Field(description="Of the notarial certificate.")
    has_document: bool = Field(
        False, description="A scanned document was attached (on the web page, not here)."
    )
    recorded_at: dt.datetime

    @staticmethod
    def resolve_owner_name(handover: HandOver) -> str:
        return handover.owner.name

    @staticmethod
    def resolve_has_document(handover: HandOver) -> bool:
        return bool(handover.document)


class HandOverIn(Schema):
    """The API takes no file: the scanned document is attached on the web page."""

    owner_id: int = Field(description="The unit that records it: needs edit there.")
    on: dt.date
    description: str = Field(..., min_length=1, max_length=200, pattern=NOT_BLANK)
    handed_by: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    received_by: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    amount: Money = Decimal(0)
    witnesses: str = Field("", max_length=200)
    notary: str = Field("", max_length=100)
    certificate_number: str = Field("", max_length=60)
    campaign_id: int | None = None


@handovers_router.get("/", response=list[HandOverOut])
@paginate(LimitOffsetPagination)
def list_handovers(request: HttpRequest, campaign_id: int | None = None) -> Any:
    """Hand-overs recorded by your units, latest first."""
    user = _user(request)
    campaign = selectors.campaign_get(user, campaign_id) if campaign_id else None
    return selectors.handover_list(user, campaign=campaign)


@handovers_router.post("/", response={201: HandOverOut})
def record_handover(request: HttpRequest, payload: HandOverIn) -> Status[HandOver]:
    """Record a hand-over before witnesses or a notary (the on-site collection passed to the
    cabin's staff). The scanned document is not uploaded here — the API takes JSON only — but
    attached on the web page."""
    user = _user(request)
    handover = services.handover_record(
        actor=user,
        owner=_unit(request, payload.owner_id),
        on=payload.on,
        description=payload.description,
        handed_by=payload.handed_by,
        received_by=payload.received_by,
        amount=payload.amount,
        witnesses=payload.witnesses,
        notary=payload.notary,
        certificate_number=payload.certificate_number,
        campaign=selectors.campaign_get(user, payload.campaign_id) if payload.campaign_id else None,
    )
    return Status(201, handover)
