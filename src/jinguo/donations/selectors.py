"""Reads of donations, stock and aid, through the access module — and the public figures.

Staff see donors, gifts and aid by the unit that recorded them (aid to people by their
village). The public page sees only totals: never a name, and a count of people or households
below `SMALL` is shown as "fewer than 5", so that nobody in a small village can be picked out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from jinguo.donations.choices import GiftKind
from jinguo.donations.models import (
    Campaign,
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    StockMove,
)
from jinguo.orgunits import access
from jinguo.programmes.models import ZERO

SMALL = 5  # counts of people or households below this are not shown publicly


def donor_list(user: Any) -> QuerySet[Donor]:
    return access.scoped(user, Donor.objects.all(), path_field="owner__path").select_related(
        "owner", "organisation"
    )


def donor_get(user: Any, donor_id: Any) -> Donor:
    return access.get_in(donor_list(user), donor_id)


def campaign_list(user: Any) -> QuerySet[Campaign]:
    """Campaigns run in the user's scope or above it (a county drive reaches the villages)."""
    return Campaign.objects.filter(
        access.reaching_q(user, path_field="owner__path")
    ).select_related("owner", "place__unit", "fund", "programme")


def campaign_get(user: Any, campaign_id: Any) -> Campaign:
    return access.get_in(campaign_list(user), campaign_id)


def donation_list(
    user: Any, *, campaign: Campaign | None = None, donor: Donor | None = None
) -> QuerySet[Donation]:
    queryset = access.scoped(user, Donation.objects.all(), path_field="owner__path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if donor is not None:
        queryset = queryset.filter(donor=donor)
    return queryset.select_related("donor", "campaign", "place__unit", "owner")


def donation_get(user: Any, donation_id: Any) -> Donation:
    return access.get_in(donation_list(user), donation_id)


def place_list(user: Any) -> QuerySet[CharityPlace]:
    return access.scoped(user, CharityPlace.objects.all(), path_field="unit__path").select_related(
        "unit"
    )


def place_get(user: Any, place_id: Any) -> CharityPlace:
    return access.get_in(place_list(user), place_id)


def disbursement_list(
    user: Any,
    *,
    campaign: Campaign | None = None,
    place: CharityPlace | None = None,
    person: Any = None,
) -> QuerySet[Disbursement]:
    queryset = access.scoped(user, Disbursement.objects.all(), path_field="unit__path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if place is not None:
        queryset = queryset.filter(place=place)
    if person is not None:
        queryset = queryset.filter(person=person)
    return queryset.select_related(
        "person", "household", "recipient_unit", "organisation", "campaign", "place__unit"
    )


@dataclass(frozen=True)
class StockLine:
    item: str
    category: str
    measure: str
    quantity_in: Decimal
    quantity_out: Decimal  # given out, positive
    adjusted: Decimal  # stock-take corrections, signed
    value_in: Decimal

    @property
    def balance(self) -> Decimal:
        return self.quantity_in - self.quantity_out + self.adjusted


def stock(
    place: CharityPlace, *, on: dt.date | None = None, start: dt.date | None = None
) -> list[StockLine]:
    """Each item's in, out, corrections and balance from `start` (or the opening) to `on`."""
    moves = StockMove.objects.filter(place=place)
    if on is not None:
        moves = moves.filter(on__lte=on)
    if start is not None:
        moves = moves.filter(on__gte=start)
    rows = (
        moves.values("item", "measure")
        .annotate(
            quantity_in=Sum("quantity", filter=Q(donation__isnull=False)),
            quantity_out=Sum("quantity", filter=Q(disbursement__isnull=False)),
            adjusted=Sum("quantity", filter=Q(stocktake__isnull=False)),
            value_in=Sum("value", filter=Q(donation__isnull=False)),
        )
        .order_by("item", "measure")
    )
    categories = {
        (item, measure): category
        for item, measure, category in moves.values_list("item", "measure", "category")
    }
    return [
        StockLine(
            row["item"],
            categories[(row["item"], row["measure"])],
            row["measure"],
            row["quantity_in"] or ZERO,
            -(row["quantity_out"] or ZERO),
            row["adjusted"] or ZERO,
            row["value_in"] or ZERO,
        )
        for row in rows
    ]


# --- public figures -------------------------------------------------------------------------------


def suppress(count: int) -> int | None:
    """A public count of people or households: None (shown as "fewer than 5") when 1 to 4."""
    return None if 0 < count < SMALL else count


@dataclass(frozen=True)
class GoodsTotal:
    category: str
    measure: str
    quantity: Decimal


@dataclass(frozen=True)
class PublicFigures:
    cash_in: Decimal
    goods_in_value: Decimal
    goods_in: list[GoodsTotal]
    cash_out: Decimal
    goods_out_value: Decimal
    goods_out: list[GoodsTotal]
    person_times: int | None
    people: int | None
    households: int | None

    @property
    def cash_balance(self) -> Decimal:
        return self.cash_in - self.cash_out


def _goods(moves: QuerySet[StockMove], sign: int) -> list[GoodsTotal]:
    return [
        GoodsTotal(row["category"], row["measure"], sign * row["q"])
        for row in moves.values("category", "measure")
        .annotate(q=Sum("quantity"))
        .order_by("category", "measure")
    ]


def _public(
    donations: QuerySet[Donation],
    aid: QuerySet[Disbursement],
    moves_in: QuerySet[StockMove],
    moves_out: QuerySet[StockMove],
) -> PublicFigures:
    given = donations.aggregate(
        cash=Sum("amount", filter=Q(kind=GiftKind.CASH)),
        goods=Sum("amount", filter=Q(kind=GiftKind.GOODS)),
    )
    out = aid.aggregate(
        cash=Sum("amount", filter=Q(kind=GiftKind.CASH)),
        goods=Sum("amount", filter=Q(kind=GiftKind.GOODS)),
        times=Count("pk", filter=Q(person__isnull=False) | Q(household__isnull=False)),
        people=Count("person", distinct=True),
        households=Count("household", distinct=True),
    )
    return PublicFigures(
        cash_in=given["cash"] or ZERO,
        goods_in_value=given["goods"] or ZERO,
        goods_in=_goods(moves_in, 1),
        cash_out=out["cash"] or ZERO,
        goods_out_value=out["goods"] or ZERO,
        goods_out=_goods(moves_out, -1),
        person_times=suppress(out["times"]),
        people=suppress(out["people"]),
        households=suppress(out["households"]),
    )


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(public=True).select_related("owner").order_by("-start")


def public_places() -> QuerySet[CharityPlace]:
    return CharityPlace.objects.filter(public=True).select_related("unit")


def campaign_figures(campaign: Campaign) -> PublicFigures:
    """A campaign's totals in and out; the same figures staff and the public see."""
    return _public(
        Donation.objects.filter(campaign=campaign),
        Disbursement.objects.filter(campaign=campaign),
        StockMove.objects.filter(donation__campaign=campaign),
        StockMove.objects.filter(disbursement__campaign=campaign),
    )


def place_figures(place: CharityPlace, *, on: dt.date | None = None) -> PublicFigures:
    """A place's totals since it opened (to `on`): every gift it took in, all it gave out."""
    donations = Donation.objects.filter(Q(place=place) | Q(campaign__place=place)).distinct()
    aid = Disbursement.objects.filter(Q(place=place) | Q(campaign__place=place)).distinct()
    moves = StockMove.objects.filter(place=place)
    if on is not None:
        donations, aid, moves = (
            donations.filter(received_on__lte=on),
            aid.filter(on__lte=on),
            moves.filter(on__lte=on),
        )
    return _public(
        donations,
        aid,
        moves.filter(donation__isnull=False),
        moves.filter(disbursement__isnull=False),
    )


# --- reads the web pages need (issue 6, items 3-7) ------------------------------------------------

from jinguo.donations.models import HandOver  # noqa: E402 - appended after the others
from jinguo.orgunits.models import Level, OrgUnit  # noqa: E402


def handover_list(user: Any, *, campaign: Campaign | None = None) -> QuerySet[HandOver]:
    """Hand-overs recorded in the user's scope (by the unit that recorded them)."""
    queryset = access.scoped(user, HandOver.objects.all(), path_field="owner__path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.select_related("owner", "campaign")


def handover_get(user: Any, handover_id: Any) -> HandOver:
    return access.get_in(handover_list(user), handover_id)


def public_campaign_get(campaign_id: Any) -> Campaign:
    """A campaign shown on the public page; a hidden or missing one is 404 alike."""
    return access.get_in(public_campaigns(), campaign_id)


def public_place_get(place_id: Any) -> CharityPlace:
    return access.get_in(public_places(), place_id)


def public_unit_name(unit: OrgUnit) -> str:
    """A unit as the public page names it: itself at township level or above; below, the
    township it lies in (with the kind of an organisation), so that no village is named."""
    if unit.level is not None and unit.level < Level.VILLAGE:
        return unit.name
    above = list(OrgUnit.objects.filter(pk__in=unit.ancestor_ids()).order_by("-depth"))
    area = unit if unit.is_area else next((u for u in above if u.is_area), None)
    if area is None or area.level is None or area.level < Level.VILLAGE:
        return unit.name  # an organisation of a township or above: its name names no village
    township = next((u for u in above if u.level is not None and u.level < Level.VILLAGE), None)
    where = township.name if township is not None else ""
    if unit.is_area:
        return where
    kind = str(unit.get_kind_display())
    return f"{where} · {kind}" if where else kind


# --- reads the API needs (issue 6, the API) -------------------------------------------------------

from jinguo.donations.models import StockTake  # noqa: E402 - appended after the others


def disbursement_get(user: Any, disbursement_id: Any) -> Disbursement:
    """One disbursement in the user's scope (the recipient's village, else the unit)."""
    return access.get_in(disbursement_list(user), disbursement_id)


def stocktake_list(place: CharityPlace) -> QuerySet[StockTake]:
    """The stock-takes of a place the caller has already fetched through scope, latest first,
    with their lines."""
    return place.stocktakes.prefetch_related("lines").order_by("-on", "-pk")
