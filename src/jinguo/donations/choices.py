"""Code lists of donations, stock and disbursement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DonorKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("donor", "Person")
    ORGANISATION = "organisation", pgettext_lazy("donor", "Organisation")
    ANONYMOUS = "anonymous", _("Anonymous")


class GiftKind(models.TextChoices):
    CASH = "cash", pgettext_lazy("gift", "Cash")
    GOODS = "goods", pgettext_lazy("gift", "Goods")


class Channel(models.TextChoices):
    CASH = "cash", _("Cash in hand")
    BANK = "bank", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    OTHER = "other", pgettext_lazy("channel", "Other")


class GoodsCategory(models.TextChoices):
    CLOTHING = "clothing", _("Clothing")
    SHOES = "shoes", _("Shoes")
    MOBILITY = "mobility", _("Wheelchairs and crutches")
    SCHOOL = "school", _("School bags and supplies")
    FOOD = "food", _("Rice, flour and oil")
    ELECTRONICS = "electronics", _("Computers and electronics")
    SPORTS = "sports", _("Sports and music equipment")
    FURNITURE = "furniture", _("Furniture")
    OTHER = "other", pgettext_lazy("goods", "Other")


class Condition(models.TextChoices):
    NEW = "new", pgettext_lazy("condition", "New")
    GOOD = "good", _("Good")
    USED = "used", _("Worn")


class RecipientKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("recipient", "Person")
    HOUSEHOLD = "household", pgettext_lazy("recipient", "Household")
    UNIT = "unit", _("A unit such as a school or a children's home")
    ORGANISATION = "organisation", pgettext_lazy("recipient", "Organisation")
