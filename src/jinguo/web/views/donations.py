"""Donations (捐赠): donors, campaigns, gifts in with their printable receipts, the stock of the
charity places and its stock-takes, aid out one by one or to a list, notarised hand-overs — and
the public transparency page (公示), which needs no sign-in.

Views stay thin: forms check the shape of the input, `jinguo.donations.services` decide and
write, reads go through `jinguo.donations.selectors` (scoped by `jinguo.orgunits.access`).
The public pages read only the public selectors: totals in which counts of 1 to 4 are already
withheld, and names of units that never go below the township. Their templates show no person,
no village, no receipt number and no date finer than the month; staff pages show the very same
figures (`_figures.html`) beside the records.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_phone
from jinguo.donations import selectors, services
from jinguo.donations.choices import DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import Campaign, Disbursement
from jinguo.donations.selectors import PublicFigures
from jinguo.donations.services import Gift
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, Kind, OrgUnit
from jinguo.people import selectors as people_selectors
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter
from jinguo.programmes import selectors as programme_selectors
from jinguo.programmes import services as programme_services
from jinguo.programmes.choices import MEASURES, EnrolmentStatus, OrganisationKind
from jinguo.web.donations_forms import (
    BulkDisbursementForm,
    CampaignForm,
    CountFormSet,
    DisbursementForm,
    DonationForm,
    DonorForm,
    HandOverForm,
    PlaceForm,
    SearchForm,
    StockDateForm,
    StocktakeForm,
)
from jinguo.web.views.people import _search_params
from jinguo.web.views.programmes import _private_file

M = TypeVar("M", bound=Model)
PAGE_SIZE = 30
RECENT = 20
SEARCH_RESULTS = 20
STOCKTAKES_PER_PAGE = 10
PUBLIC_MAX_AGE = 300  # seconds a browser or a shared cache may keep a public page
DELIVERABLE = (EnrolmentStatus.APPROVED, EnrolmentStatus.ACTIVE)
ZERO = Decimal(0)
CATEGORY_LABELS = dict(GoodsCategory.choices)

# --- amounts in capital numerals (大写金额) -------------------------------------------------

CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_PLACES = ("", "拾", "佰", "仟")
CAPITAL_GROUPS = ("", "万", "亿", "万亿")


def _capital_group(number: int) -> str:
    """1 to 9999 in capitals, one 零 for any run of zeros between digits: 1005 → 壹仟零伍."""
    text, gap = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            gap = gap or bool(text)
            continue
        if gap:
            text += "零"
            gap = False
        text += CAPITAL_DIGITS[digit] + CAPITAL_PLACES[place]
    return text


def _capital_integer(number: int) -> str:
    """Whole yuan in capitals, by groups of four digits: 100200 → 壹拾万零贰佰. Receipts write
    壹拾 (not 拾) so that nothing can be put in front."""
    groups: list[int] = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _capital_group(group) + CAPITAL_GROUPS[index]
        gap = False
    return text


def yuan_in_capitals(amount: Decimal) -> str:
    """An amount as receipts and cheques write it in words (大写):
    13450 → 壹万叁仟肆佰伍拾元整, 239450.5 → 贰拾叁万玖仟肆佰伍拾元伍角整, 0.05 → 伍分.

    Rounded to the fen. 整 closes an amount that ends with 元 or 角 (the rules of the People's
    Bank allow it after 角 and it leaves no room to add a fen); 零 stands for a missing 角
    before a fen (壹拾元零伍分).
    """
    fen = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if fen == 0:
        return "零元整"
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    text = f"{_capital_integer(yuan)}元" if yuan else ""
    if jiao:
        text += CAPITAL_DIGITS[jiao] + "角"
    elif cents and yuan:
        text += "零"
    text += f"{CAPITAL_DIGITS[cents]}分" if cents else "整"
    return ("负" if amount < 0 else "") + text


# --- helpers --------------------------------------------------------------------------------------


def _entry_units(user: Any) -> QuerySet[OrgUnit]:
    """Units where the user enters records and that receive gifts or give aid — areas,
    federations and charity places — in tree order."""
    units = unit_selectors.unit_list(user).filter(
        Q(kind__in=AREA_KINDS) | Q(kind=Kind.FEDERATION) | Q(charity_place__isnull=False)
    )
    return access.scoped(user, units, Perm.EDIT).order_by("path")


def _entry_units_or_404(user: Any) -> QuerySet[OrgUnit]:
    units = _entry_units(user)
    if not units.exists():
        raise Http404
    return units


def _initial_unit(units: QuerySet[OrgUnit], *preferred: OrgUnit | None) -> int | None:
    """The first of `preferred` the user may choose, else the first unit offered."""
    for unit in preferred:
        if unit is not None and units.filter(pk=unit.pk).exists():
            return unit.pk
    first = units.first()
    return first.pk if first is not None else None


def _picked(queryset: QuerySet[M], value: Any) -> M | None:
    """The object named in the address (?campaign=3), if the user sees it; else none."""
    if value and str(value).isdigit():
        return queryset.filter(pk=value).first()
    return None


def _visible(queryset: QuerySet[M], obj: M | None) -> bool:
    """Whether the user's own list holds the object: a link to its page is then offered."""
    return obj is not None and queryset.filter(pk=obj.pk).exists()


def _query(params: Any, *drop: str) -> str:
    """The filters of a list, for its page links."""
    query = params.copy()
    for key in ("page", "csrfmiddlewaretoken", *drop):
        query.pop(key, None)
    return str(query.urlencode())


def _can_enter(user: Any) -> bool:
    return bool(access.scope_paths(user, Perm.EDIT))


def _stock_items(user: Any) -> list[str]:
    """Names of the items the places in the user's scope hold or have held, for the datalist."""
    places = selectors.place_list(user)
    return sorted({line.item for place in places[:20] for line in selectors.stock(place)})


def _stock_category(data: dict[str, Any]) -> str:
    """The category the chosen item has in the stock it is taken from, when none was chosen."""
    campaign = data.get("campaign")
    place = data.get("place") or (campaign.place if campaign is not None else None)
    if place is None or data.get("category"):
        return ""
    item, measure = (data.get("item") or "").strip(), (data.get("measure") or "").strip()
    for line in selectors.stock(place):
        if (line.item, line.measure) == (item, measure):
            return line.category
    return ""


def _percent(part: Decimal, whole: Decimal | None) -> int | None:
    return round(part / whole * 100) if whole else None


def _goods_rows(figures: PublicFigures) -> list[dict[str, Any]]:
    """Goods in and out by category and measure, side by side, with what remains."""
    totals: dict[tuple[str, str], list[Decimal]] = {}
    for line in figures.goods_in:
        totals.setdefault((line.category, line.measure), [ZERO, ZERO])[0] += line.quantity
    for line in figures.goods_out:
        totals.setdefault((line.category, line.measure), [ZERO, ZERO])[1] += line.quantity
    return [
        {
            "category": CATEGORY_LABELS.get(category, category),
            "measure": measure,
            "quantity_in": quantity_in,
            "quantity_out": quantity_out,
            "balance": quantity_in - quantity_out,
        }
        for (category, measure), (quantity_in, quantity_out) in sorted(totals.items())
    ]


def _figures_context(figures: PublicFigures, target: Decimal | None = None) -> dict[str, Any]:
    """What `_figures.html` shows, on the staff pages and on the public page alike."""
    raised = _percent(figures.cash_in, target)
    return {
        "figures": figures,
        "goods_rows": _goods_rows(figures),
        "target": target,
        "raised_percent": raised,
    }


# --- gifts in -------------------------------------------------------------------------------------


@login_required
def donation_index(request: HttpRequest) -> HttpResponse:
    """Gifts received in the user's area, the latest first; found by receipt number, donor or
    item."""
    user = request.user
    form = SearchForm(request.GET or None)
    donations = selectors.donation_list(user)
    search = form.value("q") or ""
    if search:
        donations = donations.filter(
            Q(receipt_number__startswith=search)
            | Q(donor__name__contains=search)
            | Q(item__contains=search)
        )
    campaign = _picked(selectors.campaign_list(user), request.GET.get("campaign"))
    if campaign is not None:
        donations = donations.filter(campaign=campaign)
    page = Paginator(donations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/index.html",
        {
            "tab": "donations",
            "form": form,
            "search": search,
            "campaign": campaign,
            "page": page,
            "query": _query(request.GET),
            "can_enter": _can_enter(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def donation_receive(request: HttpRequest) -> HttpResponse:
    """Record a gift of cash or goods, then show its receipt to print."""
    user = request.user
    units = _entry_units_or_404(user)
    campaigns = selectors.campaign_list(user)
    donors = selectors.donor_list(user)
    places = selectors.place_list(user)
    campaign = _picked(campaigns, request.GET.get("campaign"))
    donor = _picked(donors, request.GET.get("donor"))
    place = _picked(places, request.GET.get("place"))
    initial: dict[str, Any] = {
        "owner": _initial_unit(
            units, place.unit if place else None, campaign.owner if campaign else None
        )
    }
    if campaign is not None:
        initial["campaign"] = campaign.pk
    if donor is not None:
        initial["donor"] = donor.pk
    if place is not None:
        initial.update(place=place.pk, kind=GiftKind.GOODS)
    form = DonationForm(
        request.POST if request.method == "POST" else None,
        units=units,
        donors=donors.order_by("name", "pk"),
        campaigns=campaigns,
        funds=programme_selectors.funds_to_pay_from(user),
        places=places.order_by("unit__path"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.donation_receive(actor=user, **form.arguments())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The gift has been recorded with receipt number %(number)s.")
                % {"number": donation.receipt_number},
            )
            return redirect("donation_receipt", donation_id=donation.pk)
    return render(
        request,
        "web/donations/receive.html",
        {
            "tab": "donations",
            "form": form,
            "measures": MEASURES,
            "stock_items": _stock_items(user),
        },
    )


@login_required
def donation_receipt(request: HttpRequest, donation_id: int) -> HttpResponse:
    """The receipt (收据) of a gift, laid out to print on A5 or A4."""
    donation = selectors.donation_get(request.user, donation_id)
    return render(
        request,
        "web/donations/receipt.html",
        {
            "tab": "donations",
            "donation": donation,
            "capitals": yuan_in_capitals(donation.amount),
            "donor_name": donation.donor.name if donation.donor else services.ANONYMOUS,
        },
    )


# --- donors ---------------------------------------------------------------------------------------


@login_required
def donor_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SearchForm(request.GET or None)
    donors = selectors.donor_list(user)
    search = form.value("q") or ""
    if search:
        donors = donors.filter(Q(name__contains=search) | Q(organisation__name__contains=search))
    page = Paginator(donors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/donors.html",
        {
            "tab": "donors",
            "form": form,
            "search": search,
            "page": page,
            "rows": [(donor, mask_phone(donor.phone)) for donor in page],
            "query": _query(request.GET),
            "can_enter": _can_enter(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def donor_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = _entry_units_or_404(user)
    form = DonorForm(
        request.POST or None,
        units=units,
        organisations=programme_selectors.organisation_list(user),
        initial={"owner": _initial_unit(units)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        try:
            # The new organisation and the donor are written together, or neither is.
            with transaction.atomic():
                organisation = data["organisation"]
                if kind == DonorKind.ORGANISATION and organisation is None:
                    organisation = programme_services.organisation_get_or_create(
                        actor=user,
                        name=data["new_organisation"],
                        kind=data["new_kind"] or OrganisationKind.OTHER,
                    )
                donor = services.donor_create(
                    actor=user,
                    owner=data["owner"],
                    kind=kind,
                    name=data["name"],
                    organisation=organisation if kind == DonorKind.ORGANISATION else None,
                    contact=data["contact"],
                    phone=data["phone"],
                    note=data["note"],
                )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The donor %(name)s has been added.") % {"name": donor})
            return redirect("donor_detail", donor_id=donor.pk)
    return render(request, "web/donations/donor_form.html", {"tab": "donors", "form": form})


@login_required
def donor_detail(request: HttpRequest, donor_id: int) -> HttpResponse:
    """A donor, and every gift of hers received in the user's area."""
    user = request.user
    donor = selectors.donor_get(user, donor_id)
    donations = selectors.donation_list(user, donor=donor)
    totals = donations.aggregate(
        cash=Sum("amount", filter=Q(kind=GiftKind.CASH)),
        goods=Sum("amount", filter=Q(kind=GiftKind.GOODS)),
        count=Count("pk"),
    )
    page = Paginator(donations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/donor.html",
        {
            "tab": "donors",
            "donor": donor,
            "phone": mask_phone(donor.phone),
            "cash": totals["cash"] or ZERO,
            "goods": totals["goods"] or ZERO,
            "count": totals["count"],
            "page": page,
            "query": "",
            "can_enter": _can_enter(user),
        },
    )


# --- campaigns ------------------------------------------------------------------------------------


@login_required
def campaign_index(request: HttpRequest) -> HttpResponse:
    """Campaigns run in the user's area or above it, with the cash each has raised."""
    user = request.user
    campaigns = (
        selectors.campaign_list(user)
        .annotate(raised=Sum("donations__amount", filter=Q(donations__kind=GiftKind.CASH)))
        .order_by("-start", "name", "pk")
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/campaigns.html",
        {
            "tab": "campaigns",
            "page": page,
            "rows": [
                (
                    campaign,
                    campaign.raised or ZERO,
                    _percent(campaign.raised or ZERO, campaign.target),
                )
                for campaign in page
            ],
            "query": "",
            "can_enter": _can_enter(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = _entry_units_or_404(user)
    form = CampaignForm(
        request.POST or None,
        units=units,
        funds=programme_selectors.funds_to_pay_from(user),
        places=selectors.place_list(user).order_by("unit__path"),
        programmes=programme_selectors.programme_list(user),
        initial={"owner": _initial_unit(units)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, **form.arguments())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The campaign “%(name)s” has been set up.") % {"name": campaign.name}
            )
            return redirect("campaign_detail", campaign_id=campaign.pk)
    return render(request, "web/donations/campaign_form.html", {"tab": "campaigns", "form": form})


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Target against what was raised, the public figures, and the records behind them that
    lie in the user's area: gifts, aid given and hand-overs."""
    user = request.user
    campaign = selectors.campaign_get(user, campaign_id)
    donations = selectors.donation_list(user, campaign=campaign)
    aid = selectors.disbursement_list(user, campaign=campaign)
    return render(
        request,
        "web/donations/campaign.html",
        {
            "tab": "campaigns",
            "campaign": campaign,
            **_figures_context(selectors.campaign_figures(campaign), campaign.target),
            "donations": donations[:RECENT],
            "donation_count": donations.count(),
            "aid": aid[:RECENT],
            "aid_count": aid.count(),
            "handovers": selectors.handover_list(user, campaign=campaign),
            "fund_visible": _visible(programme_selectors.fund_list(user), campaign.fund),
            "place_visible": _visible(selectors.place_list(user), campaign.place),
            "programme_visible": _visible(
                programme_selectors.programme_list(user), campaign.programme
            ),
            "can_enter": _can_enter(user),
        },
    )


# --- charity places and their stock ---------------------------------------------------------------


@login_required
def place_index(request: HttpRequest) -> HttpResponse:
    """Charity places in the user's area, with how many items each holds today."""
    user = request.user
    places = selectors.place_list(user).order_by("unit__path")
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for place in page:
        held = [line for line in selectors.stock(place) if line.balance > 0]
        rows.append({"place": place, "items": len(held)})
    return render(
        request,
        "web/donations/places.html",
        {"tab": "places", "page": page, "rows": rows, "query": "", "can_enter": _can_enter(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_open(request: HttpRequest) -> HttpResponse:
    """Let a unit hold donated goods (a charity cabin): from then on its stock is kept."""
    user = request.user
    units = access.scoped(
        user, unit_selectors.unit_list(user).filter(charity_place__isnull=True), Perm.EDIT
    ).order_by("path")
    first = units.first()
    if first is None:
        raise Http404
    form = PlaceForm(request.POST or None, units=units, initial={"unit": first.pk})
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_open(actor=user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s now keeps donated goods.") % {"name": place.unit.name},
            )
            return redirect("place_stock", place_id=place.pk)
    return render(request, "web/donations/place_form.html", {"tab": "places", "form": form})


@login_required
def place_stock(request: HttpRequest, place_id: int) -> HttpResponse:
    """What the place holds on a day, item by item: in, out, corrected by stock-takes, and the
    balance, all counted from its opening."""
    user = request.user
    place = selectors.place_get(user, place_id)
    form = StockDateForm(request.GET or None)
    on = form.value("on") or timezone.localdate()
    lines = selectors.stock(place, on=on)
    return render(
        request,
        "web/donations/stock.html",
        {
            "tab": "places",
            "place": place,
            "form": form,
            "on": on,
            "lines": [
                {"line": line, "category": CATEGORY_LABELS.get(line.category, line.category)}
                for line in lines
            ],
            "value_in": sum((line.value_in for line in lines), ZERO),
            "last_stocktake": place.stocktakes.first(),
            "can_edit": access.can(user, Perm.EDIT, place.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stocktake_record(request: HttpRequest, place_id: int) -> HttpResponse:
    """Count the shelves: each item on the books is listed with what the books say; a count
    that differs needs a reason, and is booked as a correction."""
    user = request.user
    place = selectors.place_get(user, place_id)
    access.require(user, Perm.EDIT, place.unit)
    initial = [
        {"item": line.item, "measure": line.measure, "expected": line.balance}
        for line in selectors.stock(place)
        if line.balance != 0
    ]
    posted = request.POST if request.method == "POST" else None
    form = StocktakeForm(posted)
    lines = CountFormSet(posted, initial=initial, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        counts = [count for line in lines.forms if (count := line.count()) is not None]
        if not counts:
            form.add_error(None, _("Enter what was counted of at least one item."))
        else:
            try:
                services.stocktake_record(
                    actor=user,
                    place=place,
                    on=form.cleaned_data["on"],
                    counts=counts,
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                _stocktake_refusal(form, lines, error)
            else:
                messages.success(request, _("The stock-take has been recorded."))
                return redirect("stocktake_history", place_id=place.pk)
    return render(
        request,
        "web/donations/stocktake.html",
        {
            "tab": "places",
            "place": place,
            "form": form,
            "lines": lines,
            "measures": MEASURES,
            "stock_items": sorted({row["item"] for row in initial}),
        },
    )


def _stocktake_refusal(form: StocktakeForm, lines: Any, error: ApplicationError) -> None:
    """A refusal about one item goes on its line, any other on the form."""
    item = error.params.get("item")
    field = {"explanation_required": "explanation", "stock_short": "counted"}.get(error.code)
    if item and field:
        for line in lines.forms:
            if (line.cleaned_data.get("item") or "").strip() == item:
                line.add_error(field, str(error))
                form.add_error(None, _("Please correct the lines marked below."))
                return
    form.add_service_error(error)


@login_required
def stocktake_history(request: HttpRequest, place_id: int) -> HttpResponse:
    place = selectors.place_get(request.user, place_id)
    stocktakes = place.stocktakes.select_related("recorded_by").prefetch_related("lines")
    page = Paginator(stocktakes, STOCKTAKES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/stocktakes.html",
        {
            "tab": "places",
            "place": place,
            "page": page,
            "query": "",
            "can_edit": access.can(request.user, Perm.EDIT, place.unit),
        },
    )


# --- aid out --------------------------------------------------------------------------------------


@login_required
def disbursement_index(request: HttpRequest) -> HttpResponse:
    """Aid given to people, households, units and organisations in the user's area."""
    user = request.user
    aid = selectors.disbursement_list(user)
    campaign = _picked(selectors.campaign_list(user), request.GET.get("campaign"))
    if campaign is not None:
        aid = aid.filter(campaign=campaign)
    page = Paginator(aid, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/donations/aid.html",
        {
            "tab": "aid",
            "page": page,
            "campaign": campaign,
            "query": _query(request.GET),
            "can_enter": _can_enter(user),
        },
    )


def _gift_choices(user: Any) -> dict[str, Any]:
    """The choices the aid forms offer: campaigns, funds, places and programmes in sight."""
    return {
        "campaigns": selectors.campaign_list(user),
        "funds": programme_selectors.funds_to_pay_from(user),
        "places": selectors.place_list(user).order_by("unit__path"),
        "programmes": programme_selectors.programme_list(user),
        "can_override": bool(access.scope_paths(user, Perm.APPROVE)),
    }


def _gift_initial(request: HttpRequest, units: QuerySet[OrgUnit]) -> dict[str, Any]:
    """Initial values from the address: ?campaign=… and ?place=… (from their pages)."""
    user = request.user
    campaign = _picked(selectors.campaign_list(user), request.GET.get("campaign"))
    place = _picked(selectors.place_list(user), request.GET.get("place"))
    initial: dict[str, Any] = {
        "owner": _initial_unit(
            units,
            place.unit if place else None,
            campaign.place.unit if campaign and campaign.place else None,
            campaign.owner if campaign else None,
        )
    }
    if campaign is not None:
        initial["campaign"] = campaign.pk
        if campaign.place is None and campaign.fund is not None:
            initial["kind"] = GiftKind.CASH
    if place is not None:
        initial["place"] = place.pk
    return initial


def _carried(request: HttpRequest) -> str:
    """The campaign and place the page was opened for, kept on the links it offers."""
    pairs = [(key, request.GET[key]) for key in ("campaign", "place") if request.GET.get(key)]
    return urlencode(pairs)


@login_required
@require_http_methods(["GET", "POST"])
def disburse(request: HttpRequest) -> HttpResponse:
    """Give aid once: find the person (or choose a unit or an organisation), then what she
    receives. The search is the people list's; a number is searched by POST, never put in an
    address."""
    user = request.user
    units = _entry_units_or_404(user)
    person_id = request.POST.get("person") or request.GET.get("person")
    to_other = (request.POST.get("to") or request.GET.get("to")) == "other"
    if not person_id and not to_other:
        return _disburse_search(request)
    person = people_selectors.person_get(user, person_id) if person_id else None
    form = DisbursementForm(
        request.POST if request.method == "POST" else None,
        person=person,
        households=programme_selectors.current_households(person) if person else None,
        units=units,
        recipient_units=None if person else unit_selectors.unit_list(user).order_by("path"),
        organisations=None if person else programme_selectors.organisation_list(user),
        initial=_gift_initial(request, units),
        **_gift_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                disbursement = services.disburse(
                    actor=user,
                    owner=data["owner"],
                    gift=Gift(
                        **_recipient(user, person, data), **form.common(_stock_category(data))
                    ),
                )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Recorded: %(recipient)s, %(kind)s, %(date)s.")
                % {
                    "recipient": disbursement.recipient,
                    "kind": disbursement.get_kind_display(),
                    "date": disbursement.on.isoformat(),
                },
            )
            query = [("done", str(disbursement.pk))]
            if disbursement.campaign_id:
                query.append(("campaign", str(disbursement.campaign_id)))
            return redirect(f"{reverse('disburse')}?{urlencode(query)}")
    return render(
        request,
        "web/donations/disburse.html",
        {
            "tab": "aid",
            "form": form,
            "person": person,
            "age": person.age_on(timezone.localdate()) if person else None,
            "carried": _carried(request),
            "measures": MEASURES,
            "stock_items": _stock_items(user),
        },
    )


def _recipient(user: Any, person: Person | None, data: dict[str, Any]) -> dict[str, Any]:
    if person is not None:
        household = data.get("household")
        return {"household": household} if household is not None else {"person": person}
    if data.get("recipient_unit") is not None:
        return {"recipient_unit": data["recipient_unit"]}
    organisation = data.get("organisation") or programme_services.organisation_get_or_create(
        actor=user,
        name=data["new_organisation"],
        kind=data.get("new_kind") or OrganisationKind.OTHER,
    )
    return {"organisation": organisation}


def _disburse_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = _search_params(request, reverse("disburse"))
    if isinstance(params, HttpResponse):
        return params
    search = params.get("q", "").strip()
    found: list[Person] = []
    if search:
        found = list(
            people_selectors.person_list(user, PersonFilter(search=search))[:SEARCH_RESULTS]
        )
    done: Disbursement | None = None
    done_id = str(params.get("done") or "")
    if done_id.isdigit():
        done = selectors.disbursement_list(user).filter(pk=int(done_id)).first()
    carried = {key: str(params.get(key) or "") for key in ("campaign", "place")}
    today = timezone.localdate()
    return render(
        request,
        "web/donations/disburse_search.html",
        {
            "tab": "aid",
            "search": search,
            "found": [{"person": p, "age": p.age_on(today)} for p in found],
            "done": done,
            "campaign": carried["campaign"],
            "place": carried["place"],
            "carried": urlencode({key: value for key, value in carried.items() if value}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disburse_list(request: HttpRequest) -> HttpResponse:
    """Give to a whole list: the people enrolled in the campaign's programme, and whoever is
    found and added; tick them, say what each receives. All or nothing writes nothing when any
    row is refused; "valid rows only" writes the others. Every refused row is listed."""
    user = request.user
    units = _entry_units_or_404(user)
    searching = request.method == "POST" and "search" in request.POST
    params: QueryDict = request.GET
    if searching:
        found_params = _search_params(request, reverse("disburse_list"))
        if isinstance(found_params, HttpResponse):
            return found_params
        params = found_params
    elif request.method == "POST":
        params = request.POST
    campaign = _picked(selectors.campaign_list(user), params.get("campaign"))
    added = [value for value in params.getlist("add") if value.isdigit()]
    listed = _listed(user, campaign, added)
    search = params.get("q", "").strip() if request.method == "GET" or searching else ""
    found: list[Person] = []
    if search:
        found = list(
            people_selectors.person_list(user, PersonFilter(search=search)).exclude(
                pk__in=[person.pk for person in listed]
            )[:SEARCH_RESULTS]
        )
    initial = _gift_initial(request, units)
    if campaign is not None:
        initial["campaign"] = campaign.pk
    form = BulkDisbursementForm(
        request.POST if request.method == "POST" and not searching else None,
        listed=listed,
        units=units,
        initial=initial,
        **_gift_choices(user),
    )
    errors: list[dict[str, Any]] = []
    written = 0
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        common = form.common(_stock_category(data))
        result = services.disburse_many(
            actor=user,
            owner=data["owner"],
            gifts=[Gift(person=person, **common) for person in form.chosen()],
            valid_only=data["mode"] == "valid",
        )
        written = len(result.disbursements)
        errors = [
            {"row": row, "name": gift.person.name if gift.person else "", "message": str(error)}
            for row, gift, error in result.errors
        ]
        if not errors:
            messages.success(
                request, _("%(count)d disbursements have been recorded.") % {"count": written}
            )
            if campaign is not None:
                return redirect("campaign_detail", campaign_id=campaign.pk)
            return redirect("disbursement_index")
    checked: set[str] = set()
    if form.is_bound:
        checked = {str(value) for value in request.POST.getlist("people")}
    keep = [("add", value) for value in added]
    if campaign is not None:
        keep.insert(0, ("campaign", str(campaign.pk)))
    return render(
        request,
        "web/donations/disburse_list.html",
        {
            "tab": "aid",
            "campaign": campaign,
            "form": form,
            "listed": listed,
            "checked": checked,
            "added": added,
            "keep": urlencode(keep),
            "search": search,
            "found": found,
            "errors": errors,
            "written": written,
            "measures": MEASURES,
            "stock_items": _stock_items(user),
        },
    )


def _listed(user: Any, campaign: Campaign | None, added: list[str]) -> list[Person]:
    """The people of the list: those approved or active in the campaign's programme (in the
    user's area), then those added by hand, each once."""
    people: list[Person] = []
    if campaign is not None and campaign.programme is not None:
        enrolments = (
            programme_selectors.enrolment_list(user, programme=campaign.programme)
            .filter(status__in=DELIVERABLE)
            .order_by("unit__path", "person__name_pinyin", "pk")
        )
        people = [enrolment.person for enrolment in enrolments]
    if added:
        extra = people_selectors.person_list(user).filter(pk__in=added)
        by_pk = {person.pk: person for person in extra}
        people += [by_pk[int(pk)] for pk in dict.fromkeys(added) if int(pk) in by_pk]
    return list({person.pk: person for person in people}.values())


# --- hand-overs -----------------------------------------------------------------------------------


@login_required
def handover_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.handover_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/donations/handovers.html",
        {"tab": "handovers", "page": page, "query": "", "can_enter": _can_enter(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover_record(request: HttpRequest) -> HttpResponse:
    """A hand-over before witnesses or a notary (公证), with the scanned certificate."""
    user = request.user
    units = _entry_units_or_404(user)
    campaigns = selectors.campaign_list(user)
    campaign = _picked(campaigns, request.GET.get("campaign"))
    initial: dict[str, Any] = {"owner": _initial_unit(units, campaign.owner if campaign else None)}
    if campaign is not None:
        initial["campaign"] = campaign.pk
    posted = request.method == "POST"
    form = HandOverForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        units=units,
        campaigns=campaigns,
        initial=initial,
    )
    if posted and form.is_valid():
        try:
            handover = services.handover_record(actor=user, **form.arguments())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The hand-over has been recorded."))
            if handover.campaign_id:
                return redirect("campaign_detail", campaign_id=handover.campaign_id)
            return redirect("handover_index")
    return render(request, "web/donations/handover_form.html", {"tab": "handovers", "form": form})


@login_required
def handover_document(request: HttpRequest, handover_id: int) -> FileResponse:
    """The scanned hand-over document, to whoever sees the hand-over; never a public address."""
    return _private_file(selectors.handover_get(request.user, handover_id).document)


# --- the public page (公示) ---------------------------------------------------------------------


def _public_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A public page: the same for every visitor, so any cache may keep it for five minutes.
    A signed-in visitor's copy carries her session cookie: that one stays private."""
    response = render(request, template, context)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """The campaigns and charity places shown to the public, each with its totals."""
    page = Paginator(selectors.public_campaigns(), PAGE_SIZE).get_page(request.GET.get("page"))
    campaigns = [
        {
            "campaign": campaign,
            "by": selectors.public_unit_name(campaign.owner),
            "figures": selectors.campaign_figures(campaign),
        }
        for campaign in page
    ]
    places = [
        {
            "place": place,
            "name": selectors.public_unit_name(place.unit),
            "figures": selectors.place_figures(place),
        }
        for place in selectors.public_places().order_by("unit__path")
    ]
    return _public_response(
        request,
        "web/donations/public_index.html",
        {"page": page, "campaigns": campaigns, "places": places, "query": ""},
    )


@require_GET
def public_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.public_campaign_get(campaign_id)
    return _public_response(
        request,
        "web/donations/public_campaign.html",
        {
            "campaign": campaign,
            "by": selectors.public_unit_name(campaign.owner),
            **_figures_context(selectors.campaign_figures(campaign), campaign.target),
        },
    )


@require_GET
def public_place(request: HttpRequest, place_id: int) -> HttpResponse:
    place = selectors.public_place_get(place_id)
    return _public_response(
        request,
        "web/donations/public_place.html",
        {
            "place": place,
            "name": selectors.public_unit_name(place.unit),
            **_figures_context(selectors.place_figures(place)),
        },
    )
