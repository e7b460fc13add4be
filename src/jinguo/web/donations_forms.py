"""Forms of the donation pages (捐赠): donors, campaigns, gifts in, aid out, stock-takes and
hand-overs.

The forms check shape only (a date is a date, a scan is a PDF or a photo of at most 10 MB);
the donation services decide, and their refusals land on the field they name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jinguo.core.errors import ApplicationError
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import Campaign, CharityPlace, Donor
from jinguo.donations.services import Count, Goods
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Household, Person
from jinguo.programmes.choices import OrganisationKind
from jinguo.programmes.models import Fund, Organisation, Programme
from jinguo.web.forms import DateField, ListFields, ServiceForm
from jinguo.web.programmes_forms import (
    FilterForm,
    UnitChoiceField,
    _blank,
    _set_units,
    clean_upload,
    money_field,
)

SCAN_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
ZERO = Decimal(0)


def _quantity_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=ZERO,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        **kwargs,
    )


def _measure_field() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("unit of quantity", "Measure"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"list": "measures", "autocomplete": "off"}),
        help_text=gettext_lazy("件, 台, 斤, 袋 … or your own."),
    )


def _item_field(**kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Item"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"list": "stock-items", "autocomplete": "off"}),
        **kwargs,
    )


def _set_queryset(field: forms.Field, queryset: QuerySet[Any]) -> None:
    field.queryset = queryset  # type: ignore[attr-defined]


class SearchForm(FilterForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=50)


class StockDateForm(FilterForm):
    on = DateField(label=gettext_lazy("On the day"), required=False)


# --- donors, places, campaigns --------------------------------------------------------------------


class DonorForm(ServiceForm):
    owner = UnitChoiceField(
        label=gettext_lazy("Unit that keeps the record"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=DonorKind.choices,
        initial=DonorKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=pgettext_lazy("donor", "Name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Not needed for an anonymous donor, nor for an organisation."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    new_organisation = forms.CharField(
        label=gettext_lazy("Or an organisation not in the list"), required=False, max_length=100
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.ENTERPRISE,
        required=False,
    )
    contact = forms.CharField(
        label=gettext_lazy("Contact person or address"), required=False, max_length=200
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("Shown masked on the pages."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        _set_queryset(self.fields["organisation"], organisations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == DonorKind.ORGANISATION
            and not data.get("organisation")
            and not (data.get("new_organisation") or "").strip()
        ):
            self.add_error("organisation", _("Choose the organisation or type its name."))
        return data


class PlaceForm(ServiceForm):
    unit = UnitChoiceField(
        label=gettext_lazy("Unit"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The unit that keeps the donated goods, such as a charity cabin."),
    )
    opened_on = DateField(label=pgettext_lazy("place", "Opened on"), initial=timezone.localdate)
    public = forms.BooleanField(
        label=gettext_lazy("Show its totals on the public page"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["unit"], units)


class CampaignForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Name of the campaign"), max_length=100)
    owner = UnitChoiceField(
        label=gettext_lazy("Organised by"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    organisers = forms.CharField(
        label=gettext_lazy("Organised with"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Partner organisations, as they should be named in public."),
    )
    start = DateField(label=gettext_lazy("From"), initial=timezone.localdate)
    end = DateField(label=gettext_lazy("Until"), required=False)
    target = money_field(gettext_lazy("Target (yuan)"))
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Cash goes into"),
        queryset=Fund.objects.none(),
        required=False,
        empty_label=gettext_lazy("Name the fund with each gift"),
    )
    place = forms.ModelChoiceField(
        label=gettext_lazy("Goods are kept at"),
        queryset=CharityPlace.objects.none(),
        required=False,
        empty_label=gettext_lazy("Name the place with each gift"),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Aid to people counts under the programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("No programme"),
        help_text=gettext_lazy(
            "Aid to a person is then a benefit of that programme: she must be enrolled in it."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For staff; the public page does not show it."),
    )
    public = forms.BooleanField(
        label=gettext_lazy("Show its totals on the public page"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        funds: QuerySet[Fund],
        places: QuerySet[CharityPlace],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        _set_queryset(self.fields["fund"], funds)
        _set_queryset(self.fields["place"], places)
        _set_queryset(self.fields["programme"], programmes)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**data, "description": data["description"] or ""}


# --- gifts in -------------------------------------------------------------------------------------


class DonationForm(ServiceForm):
    """A gift of cash or of goods; the page shows the fields of the kind chosen."""

    owner = UnitChoiceField(
        label=gettext_lazy("Received by"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    on = DateField(label=gettext_lazy("Received on"), initial=timezone.localdate)
    donor = forms.ModelChoiceField(
        label=gettext_lazy("Donor"),
        queryset=Donor.objects.none(),
        required=False,
        empty_label=gettext_lazy("Anonymous"),
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("No campaign"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=GiftKind.choices,
        initial=GiftKind.CASH,
        widget=forms.RadioSelect,
    )
    amount = money_field(
        gettext_lazy("Amount or value (yuan)"),
        help_text=gettext_lazy("Cash: the sum given. Goods: their estimated value."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=_blank(Channel.choices), required=False
    )
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Into the fund"),
        queryset=Fund.objects.none(),
        required=False,
        empty_label=gettext_lazy("The campaign's fund"),
    )
    item = _item_field(help_text=gettext_lazy("What was given: 大米, 衣物, 轮椅 …"))
    category = forms.ChoiceField(
        label=pgettext_lazy("goods", "Category"),
        choices=_blank(GoodsCategory.choices),
        required=False,
    )
    quantity = _quantity_field(gettext_lazy("Quantity"))
    measure = _measure_field()
    condition = forms.ChoiceField(
        label=gettext_lazy("Condition"), choices=_blank(Condition.choices), required=False
    )
    place = forms.ModelChoiceField(
        label=gettext_lazy("Kept at"),
        queryset=CharityPlace.objects.none(),
        required=False,
        empty_label=gettext_lazy("The campaign's place"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    CASH_FIELDS = ("channel", "fund")
    GOODS_FIELDS = ("item", "category", "quantity", "measure", "condition", "place")

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        donors: QuerySet[Donor],
        campaigns: QuerySet[Campaign],
        funds: QuerySet[Fund],
        places: QuerySet[CharityPlace],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        _set_queryset(self.fields["donor"], donors)
        _set_queryset(self.fields["campaign"], campaigns)
        _set_queryset(self.fields["fund"], funds)
        _set_queryset(self.fields["place"], places)

    def section(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def head_fields(self) -> list[forms.BoundField]:
        return self.section(("owner", "on", "donor", "campaign", "kind", "amount"))

    def cash_fields(self) -> list[forms.BoundField]:
        return self.section(self.CASH_FIELDS)

    def goods_fields(self) -> list[forms.BoundField]:
        return self.section(self.GOODS_FIELDS)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of `donation_receive`, beyond the actor."""
        data = self.cleaned_data
        cash = data["kind"] == GiftKind.CASH
        goods = None
        if not cash:
            goods = Goods(data["item"], data["category"], data["quantity"] or ZERO, data["measure"])
        return {
            "owner": data["owner"],
            "received_on": data["on"],
            "kind": data["kind"],
            "donor": data["donor"],
            "campaign": data["campaign"],
            "amount": data["amount"] or ZERO,
            "channel": data["channel"] if cash else "",
            "fund": data["fund"] if cash else None,
            "place": None if cash else data["place"],
            "goods": goods,
            "condition": "" if cash else data["condition"],
            "note": data["note"],
        }


# --- aid out --------------------------------------------------------------------------------------


class GiftFields(ServiceForm):
    """What is given and from where: the fields one disbursement and a list share."""

    owner = UnitChoiceField(
        label=gettext_lazy("Given by"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("No campaign"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=GiftKind.choices,
        initial=GiftKind.GOODS,
        widget=forms.RadioSelect,
    )
    amount = money_field(
        gettext_lazy("Amount or value (yuan)"),
        help_text=gettext_lazy("Cash: the sum paid. Goods: their value, if known."),
    )
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Paid from"),
        queryset=Fund.objects.none(),
        required=False,
        empty_label=gettext_lazy("The campaign's fund"),
    )
    place = forms.ModelChoiceField(
        label=gettext_lazy("From the stock of"),
        queryset=CharityPlace.objects.none(),
        required=False,
        empty_label=gettext_lazy("The campaign's place"),
    )
    item = _item_field()
    category = forms.ChoiceField(
        label=pgettext_lazy("goods", "Category"),
        choices=_blank(GoodsCategory.choices, gettext_lazy("As in stock")),
        required=False,
    )
    quantity = _quantity_field(gettext_lazy("Quantity"))
    measure = _measure_field()
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Counts under the programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("The campaign's, if any"),
        help_text=gettext_lazy("Aid to a person is then a benefit of that programme."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)
    override_reason = forms.CharField(
        label=gettext_lazy("Give despite the programme's rules, because"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Only when the programme's rules refuse it (not enrolled, over the cap) and it "
            "should be recorded all the same."
        ),
    )

    CASH_FIELDS = ("fund",)
    GOODS_FIELDS = ("place", "item", "category", "quantity", "measure")

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        campaigns: QuerySet[Campaign],
        funds: QuerySet[Fund],
        places: QuerySet[CharityPlace],
        programmes: QuerySet[Programme],
        can_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        _set_queryset(self.fields["campaign"], campaigns)
        _set_queryset(self.fields["fund"], funds)
        _set_queryset(self.fields["place"], places)
        _set_queryset(self.fields["programme"], programmes)
        if not can_override:
            del self.fields["override_reason"]

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("owner", "on", "campaign", "kind", "amount")]

    def cash_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CASH_FIELDS]

    def goods_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.GOODS_FIELDS]

    def tail_fields(self) -> list[forms.BoundField]:
        names = ("programme", "note", "override_reason")
        return [self[name] for name in names if name in self.fields]

    def common(self, category: str = "") -> dict[str, Any]:
        """The keyword arguments of a services.Gift, beyond whom it is for. `category` is the
        one the item has in stock, used when none was chosen."""
        data = self.cleaned_data
        cash = data["kind"] == GiftKind.CASH
        goods = None
        if not cash:
            goods = Goods(
                data["item"],
                data["category"] or category,
                data["quantity"] or ZERO,
                data["measure"],
            )
        return {
            "on": data["on"],
            "kind": data["kind"],
            "amount": data["amount"] or ZERO,
            "fund": data["fund"] if cash else None,
            "place": None if cash else data["place"],
            "goods": goods,
            "campaign": data["campaign"],
            "programme": data["programme"],
            "note": data["note"],
            "override_reason": data.get("override_reason", ""),
        }

    def add_service_error(self, error: ApplicationError) -> None:
        field = {"person": None}.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, str(error))


class DisbursementForm(GiftFields):
    """One disbursement: to a person (or her household), or to a unit or an organisation."""

    household = forms.ModelChoiceField(
        label=gettext_lazy("Given to"),
        queryset=Household.objects.none(),
        required=False,
        empty_label=gettext_lazy("Her alone"),
        help_text=gettext_lazy("Or to the household she belongs to, counted as one household."),
    )
    recipient_unit = UnitChoiceField(
        label=gettext_lazy("To the unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=gettext_lazy("A school, a children's home, a Women's Home …"),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Or to the organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    new_organisation = forms.CharField(
        label=gettext_lazy("Or an organisation not in the list"), required=False, max_length=100
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.SOCIAL,
        required=False,
    )

    RECIPIENT_FIELDS = ("household", "recipient_unit", "organisation", "new_organisation")

    def __init__(
        self,
        *args: Any,
        person: Person | None,
        households: QuerySet[Household] | None = None,
        units: QuerySet[OrgUnit],
        recipient_units: QuerySet[OrgUnit] | None = None,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, units=units, **kwargs)
        self.person = person
        if person is not None:
            for name in ("recipient_unit", "organisation", "new_organisation", "new_kind"):
                del self.fields[name]
            if households is not None and households.exists():
                _set_queryset(self.fields["household"], households)
            else:
                del self.fields["household"]
        else:
            del self.fields["household"]
            _set_units(self.fields["recipient_unit"], recipient_units or OrgUnit.objects.none())
            _set_queryset(self.fields["organisation"], organisations or Organisation.objects.none())

    def recipient_fields(self) -> list[forms.BoundField]:
        names = (*self.RECIPIENT_FIELDS, "new_kind")
        return [self[name] for name in names if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person is None:
            chosen = [
                bool(data.get("recipient_unit")),
                bool(data.get("organisation") or (data.get("new_organisation") or "").strip()),
            ]
            if sum(chosen) != 1:
                self.add_error(
                    "recipient_unit", _("Choose one recipient: a unit or an organisation.")
                )
        return data

    def add_service_error(self, error: ApplicationError) -> None:
        if error.field == "person" and "recipient_unit" in self.fields:
            self.add_error("recipient_unit", str(error))
            return
        super().add_service_error(error)


class BulkDisbursementForm(GiftFields, ListFields):
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Recipients"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, listed: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed = listed
        _set_queryset(self.fields["people"], Person.objects.filter(pk__in=[p.pk for p in listed]))
        # The campaign is chosen before the list is drawn; it travels as a hidden field.
        self.fields["campaign"].widget = forms.HiddenInput()

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("owner", "on", "kind", "amount")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("everyone") and not data.get("people"):
            self.add_error("people", _("Tick the people to give to."))
        return data

    def chosen(self) -> list[Person]:
        """The ticked people, in the order listed (the row numbers of the errors)."""
        if self.cleaned_data.get("everyone"):
            return list(self.listed)
        ticked = {person.pk for person in self.cleaned_data["people"]}
        return [person for person in self.listed if person.pk in ticked]


# --- stock-takes and hand-overs -------------------------------------------------------------------


class CountForm(forms.Form):
    """One line of a stock-take: an item, its measure, what was counted and why it differs."""

    item = forms.CharField(
        label=gettext_lazy("Item"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"list": "stock-items", "autocomplete": "off"}),
    )
    measure = forms.CharField(
        label=pgettext_lazy("unit of quantity", "Measure"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"list": "measures", "autocomplete": "off"}),
    )
    counted = _quantity_field(gettext_lazy("Counted"))
    explanation = forms.CharField(
        label=gettext_lazy("Why it differs"), required=False, max_length=300
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item = (data.get("item") or "").strip()
        if item and data.get("counted") is None and self.initial.get("item") != item:
            self.add_error("counted", _("Give the quantity counted."))
        if data.get("counted") is not None and not item:
            self.add_error("item", _("Name the item counted."))
        if data.get("counted") is not None and not (data.get("measure") or "").strip():
            self.add_error("measure", _("Give the measure."))
        return data

    def count(self) -> Count | None:
        data = self.cleaned_data
        if not (data.get("item") or "").strip() or data.get("counted") is None:
            return None  # not counted this time
        return Count(data["item"], data["measure"], data["counted"], data["explanation"])


CountFormSet = forms.formset_factory(CountForm, extra=3, max_num=200)


class StocktakeForm(ServiceForm):
    on = DateField(label=gettext_lazy("Counted on"), initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class HandOverForm(ServiceForm):
    owner = UnitChoiceField(
        label=gettext_lazy("Unit that keeps the record"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("No campaign"),
    )
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    description = forms.CharField(label=gettext_lazy("What was handed over"), max_length=200)
    amount = money_field(gettext_lazy("Amount (yuan)"))
    handed_by = forms.CharField(label=gettext_lazy("Handed over by"), max_length=100)
    received_by = forms.CharField(label=gettext_lazy("Received by"), max_length=100)
    witnesses = forms.CharField(
        label=gettext_lazy("Witnesses"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Names separated by 、 or commas."),
    )
    notary = forms.CharField(label=gettext_lazy("Notary"), required=False, max_length=100)
    certificate_number = forms.CharField(
        label=gettext_lazy("Notarial certificate number"), required=False, max_length=60
    )
    document = forms.FileField(
        label=gettext_lazy("Scanned document"),
        required=False,
        help_text=gettext_lazy("A PDF or a photo (JPEG, PNG), up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        campaigns: QuerySet[Campaign],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        _set_queryset(self.fields["campaign"], campaigns)

    def clean_document(self) -> UploadedFile | None:
        return clean_upload(
            self.cleaned_data.get("document"),
            SCAN_EXTENSIONS,
            _("Attach a PDF or a photo (JPEG or PNG)."),
        )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**data, "amount": data["amount"] or ZERO}
