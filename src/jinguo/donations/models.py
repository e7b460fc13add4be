"""Donations in, stock held, aid out: donors, campaigns, gifts of cash and goods, the charity
cabin's stock, disbursements and notarised hand-overs.

Cash goes through the funds of `programmes` (a donation is a fund entry in, a cash
disbursement a fund entry out), so the money has one ledger. Goods are stock movements of a
`CharityPlace`: in from donations, out to recipients, corrected by stock-takes; the balance of
an item on a day is the sum of its movements up to that day and is never negative.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.fields import EncryptedTextField
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Household, Person
from jinguo.programmes.models import (
    ZERO,
    Benefit,
    Fund,
    FundEntry,
    Organisation,
    Programme,
    money,
)


def _user() -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Donor(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=DonorKind.choices)
    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donors",
        verbose_name=_("organisation"),
    )
    contact = models.CharField(_("contact person or address"), max_length=200, blank=True)
    phone = EncryptedTextField(_("phone"), null=True, blank=True)
    # The unit that keeps the donor's record; scope follows it.
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="donors", verbose_name=_("recorded by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = _user()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CharityPlace(models.Model):
    """A unit that holds donated goods (the charity cabin, 爱心小屋) and shows them publicly."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="charity_place", verbose_name=_("unit")
    )
    opened_on = models.DateField(pgettext_lazy("place", "opened on"))
    public = models.BooleanField(_("shown on the public page"), default=True)

    class Meta:
        verbose_name = _("charity place")
        verbose_name_plural = _("charity places")

    def __str__(self) -> str:
        return self.unit.name


class Campaign(models.Model):
    """A drive (e.g. 扶贫日 on 17 October): what it raised and to whom it went."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("organised by")
    )
    organisers = models.CharField(_("organised with"), max_length=200, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    target = money(_("target (yuan)"), null=True)
    description = models.TextField(_("description"), blank=True)
    # Where its cash goes, where its goods are kept, and the programme its aid counts under.
    fund = models.ForeignKey(
        Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    place = models.ForeignKey(
        CharityPlace, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    public = models.BooleanField(_("shown on the public page"), default=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="campaign_owner_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    donor = models.ForeignKey(
        Donor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("donor"),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("campaign"),
    )
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=6, choices=GiftKind.choices)
    # Cash: the sum. Goods: their estimated value.
    amount = money(_("amount or value (yuan)"), default=ZERO)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=20)
    fund_entry = models.OneToOneField(
        FundEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="donation"
    )
    place = models.ForeignKey(
        CharityPlace, null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    item = models.CharField(_("item"), max_length=60, blank=True)
    category = models.CharField(
        pgettext_lazy("goods", "category"), max_length=12, choices=GoodsCategory.choices, blank=True
    )
    quantity = money(_("quantity"), null=True)
    measure = models.CharField(_("measure"), max_length=8, blank=True)
    condition = models.CharField(
        _("condition"), max_length=6, choices=Condition.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "receipt_number"], name="donation_receipt"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class HandOver(models.Model):
    """A hand-over before witnesses or a notary: the on-site collection passed to the cabin."""

    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="handovers"
    )
    on = models.DateField(_("date"))
    description = models.CharField(_("what was handed over"), max_length=200)
    amount = money(_("amount (yuan)"), default=ZERO)
    handed_by = models.CharField(_("handed over by"), max_length=100)
    received_by = models.CharField(_("received by"), max_length=100)
    witnesses = models.CharField(_("witnesses"), max_length=200, blank=True)
    notary = models.CharField(_("notary"), max_length=100, blank=True)
    certificate_number = models.CharField(
        _("notarial certificate number"), max_length=60, blank=True
    )
    document = models.FileField(_("scanned document"), upload_to="handovers/", blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on} · {self.description}"


class Disbursement(models.Model):
    """Cash or goods out, to a person, a household, a unit or an organisation."""

    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("giving unit")
    )
    # Scope: the village of the person or household, else the receiving or giving unit.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements"
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=6, choices=GiftKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="aid_received"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="aid_received"
    )
    recipient_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="aid_received"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="aid_received"
    )
    amount = money(_("amount or value (yuan)"), default=ZERO)
    fund_entry = models.OneToOneField(
        FundEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursement"
    )
    place = models.ForeignKey(
        CharityPlace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    item = models.CharField(_("item"), max_length=60, blank=True)
    category = models.CharField(
        pgettext_lazy("goods", "category"), max_length=12, choices=GoodsCategory.choices, blank=True
    )
    quantity = money(_("quantity"), null=True)
    measure = models.CharField(_("measure"), max_length=8, blank=True)
    # The programme benefit it also is, so one person's aid is seen together.
    benefit = models.OneToOneField(
        Benefit, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursement"
    )
    handover = models.ForeignKey(
        HandOver, null=True, blank=True, on_delete=models.SET_NULL, related_name="disbursements"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | Q(household__isnull=False)
                | Q(recipient_unit__isnull=False)
                | Q(organisation__isnull=False),
                name="disbursement_has_recipient",
            ),
        ]
        indexes = [models.Index(fields=["unit", "on"], name="disbursement_unit_on")]

    def __str__(self) -> str:
        return f"{self.on} · {self.recipient}"

    @property
    def recipient(self) -> str:
        for value in (self.person, self.household, self.recipient_unit, self.organisation):
            if value is not None:
                return str(value)
        return ""


class StockTake(models.Model):
    place = models.ForeignKey(
        CharityPlace, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("place")
    )
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.place} · {self.on}"


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(_("item"), max_length=60)
    measure = models.CharField(_("measure"), max_length=8)
    expected = models.DecimalField(_("on the books"), max_digits=15, decimal_places=2)
    counted = models.DecimalField(_("counted"), max_digits=15, decimal_places=2)
    explanation = models.CharField(_("why they differ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")

    def __str__(self) -> str:
        return f"{self.item} {self.counted}/{self.expected}"

    @property
    def difference(self) -> Any:
        return self.counted - self.expected


class StockMove(models.Model):
    """Goods in (quantity above zero) or out (below zero) of a place on a day."""

    place = models.ForeignKey(
        CharityPlace, on_delete=models.PROTECT, related_name="moves", verbose_name=_("place")
    )
    on = models.DateField(_("date"))
    item = models.CharField(_("item"), max_length=60)
    category = models.CharField(
        pgettext_lazy("goods", "category"), max_length=12, choices=GoodsCategory.choices
    )
    measure = models.CharField(_("measure"), max_length=8)
    quantity = models.DecimalField(_("quantity"), max_digits=15, decimal_places=2)
    value = models.DecimalField(_("value (yuan)"), max_digits=15, decimal_places=2, default=ZERO)
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    disbursement = models.ForeignKey(
        Disbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    stocktake = models.ForeignKey(
        StockTake, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["place", "on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
        ]
        indexes = [
            models.Index(fields=["place", "item", "measure", "on"], name="stock_place_item_on"),
        ]

    def __str__(self) -> str:
        return f"{self.on} · {self.item} {self.quantity}{self.measure}"
