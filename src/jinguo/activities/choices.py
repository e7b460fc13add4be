"""Code lists of activities, volunteers, pairings and village assistance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    TRAINING = "training", pgettext_lazy("activity", "Training")
    TALK = "talk", _("Talk")
    VISIT = "visit", _("Visit of care")
    FREE_CLINIC = "free_clinic", _("Free clinic")
    PUBLICITY = "publicity", _("Publicity")
    MEETING = "meeting", _("Meeting or forum")
    CEREMONY = "ceremony", _("Ceremony")
    FIELD_STUDY = "field_study", _("Field study")
    VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")


class VenueKind(models.TextChoices):
    OFFICE = "office", _("Government office")
    SCHOOL = "school", pgettext_lazy("venue", "School")
    COMMUNITY = "community", pgettext_lazy("venue", "Community")
    VILLAGE = "village", pgettext_lazy("venue", "Village")
    OTHER = "other", pgettext_lazy("venue", "Other")


class Headcount(models.TextChoices):
    """How participation is recorded: names on an attendance sheet, or counts by group."""

    ATTENDANCE = "attendance", _("Attendance by name")
    COUNTS = "counts", _("Counts by group")


class Group(models.TextChoices):
    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children")
    ELDERLY = "elderly", _("Elderly")
    OTHER = "other", _("Others")


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("Leaflets and brochures")
    LETTER = "letter", _("Proposal letters")
    BOOK = "book", _("Books")
    MEDICINE = "medicine", _("Medicines")
    GIFT = "gift", _("Gifts")
    OTHER = "other", pgettext_lazy("material", "Other")


class CheckinSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    QR = "qr", _("Scanned the QR code")


class PendingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class TeamFocus(models.TextChoices):
    LEGAL_RIGHTS = "legal_rights", _("Legal rights")
    AID = "aid", _("Aid and care")
    FAMILY_EDUCATION = "family_education", _("Family education")
    SCIENCE_TECHNOLOGY = "science_technology", _("Science and technology")
    SPEAKERS = "speakers", _("Speakers' group")
    HEALTH = "health", _("Health")
    CULTURE = "culture", _("Culture and arts")
    OTHER = "other", pgettext_lazy("team focus", "Other")


class VolunteerRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Member")


class PairingKind(models.TextChoices):
    CARING_MOTHER = "caring_mother", _("Caring mother and child")
    EMPTY_NEST = "empty_nest", _("Volunteer and empty-nest mother")
    POST_VILLAGE = "post_village", _("Civilised post and village")


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    HELP = "help", _("Help given")


class HelpKind(models.TextChoices):
    TUTORING = "tutoring", _("Tutoring")
    SCHOOL_COSTS = "school_costs", _("School costs")
    DAILY_CARE = "daily_care", _("Daily care")
    GOODS = "goods", _("Goods")
    OTHER = "other", pgettext_lazy("help kind", "Other")


class NeedCategory(models.TextChoices):
    POWER = "power", _("Power lines")
    WATER = "water", _("Drinking water")
    ROADS = "roads", _("Roads")
    OFFICE = "office", _("Office equipment")
    CULTURE = "culture", _("Culture and recreation")
    LIVELIHOOD = "livelihood", _("Livelihood and income")
    OTHER = "other", pgettext_lazy("need", "Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DROPPED = "dropped", _("Dropped")
