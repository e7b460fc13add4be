"""Things that happened: activities and trainings with who came, volunteers and their hours,
pairings and their contacts, and the needs found on village visits.

Participation is recorded one of two ways: by name (an `Attendance` row per person per day, so
person-times (人次) and distinct people are both counted from it) or, where names are not
taken, as counts by group. Scope follows the unit that recorded the activity (`owner`), the
volunteer's team, the pairing's unit and the village of a need.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.activities.choices import (
    ActivityKind,
    CheckinSource,
    ContactKind,
    Group,
    Headcount,
    HelpKind,
    MaterialKind,
    NeedCategory,
    NeedStatus,
    PairingKind,
    PendingStatus,
    TeamFocus,
    VenueKind,
    VolunteerRole,
)
from jinguo.core.crypto import BlindIndex
from jinguo.core.fields import EncryptedTextField
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.programmes.models import ZERO, Organisation, Programme, money


def _user() -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    # The unit that records the activity; scope follows it.
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="activities", verbose_name=_("recorded by")
    )
    organisers = models.ManyToManyField(
        OrgUnit, blank=True, related_name="organised_activities", verbose_name=_("organised with")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="activities", verbose_name=_("partners")
    )
    place = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_activities",
        verbose_name=_("held in"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    venue_kind = models.CharField(
        _("kind of venue"), max_length=10, choices=VenueKind.choices, blank=True
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("programme"),
    )
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    headcount = models.CharField(
        _("participation recorded as"),
        max_length=10,
        choices=Headcount.choices,
        default=Headcount.ATTENDANCE,
    )
    spending = money(_("spending (yuan)"), default=ZERO)
    in_kind_value = money(_("value of goods given (yuan)"), default=ZERO)
    outcome = models.TextField(_("outcome"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = _user()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["owner", "start"], name="activity_owner_start"),
            models.Index(fields=["kind", "start"], name="activity_kind_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="activity_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    """What a training adds to its activity."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="training", verbose_name=_("activity")
    )
    curriculum = models.TextField(_("curriculum"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    assessment = models.CharField(_("assessment"), max_length=200, blank=True)
    certificates = models.PositiveIntegerField(_("certificates issued"), default=0)
    certificate_issuer = models.CharField(_("certificates issued by"), max_length=100, blank=True)
    certificate_date = models.DateField(_("certificates issued on"), null=True, blank=True)
    buyers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="trainings_supplied",
        verbose_name=_("companies buying the products"),
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.activity.title


class ParticipantCount(models.Model):
    """Where names are not taken: how many came, by group (person-times)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="counts", verbose_name=_("activity")
    )
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(fields=["activity", "group"], name="count_activity_group"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.count}"


class Attendance(models.Model):
    """One person present on one day of an activity: one person-time."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("activity")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("person")
    )
    day = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=6, choices=CheckinSource.choices)
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = _user()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["activity", "day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person", "day"], name="attendance_once_a_day"
            ),
        ]
        indexes = [models.Index(fields=["person", "day"], name="attendance_person_day")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.day}"


class Material(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="materials", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    description = models.CharField(_("description"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("material handed out")
        verbose_name_plural = _("materials handed out")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}"


def _activity_file_path(instance: ActivityFile, filename: str) -> str:
    return f"activities/{instance.activity_id}/{filename}"


class ActivityFile(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="files", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to=_activity_file_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    is_photo = models.BooleanField(_("photo"), default=False)
    uploaded_by = _user()
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")

    def __str__(self) -> str:
        return self.caption or self.file.name


class CheckinCode(models.Model):
    """A QR code shown at an activity: whoever scans it before it expires may check in."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="codes", verbose_name=_("activity")
    )
    token = models.CharField(max_length=32, unique=True)
    day = models.DateField(_("day"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked = models.BooleanField(_("revoked"), default=False)
    created_by = _user()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.day}"


class PendingCheckin(models.Model):
    """A QR check-in that matched nobody in the registry: staff confirm or reject it."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="pending", verbose_name=_("activity")
    )
    code = models.ForeignKey(CheckinCode, on_delete=models.CASCADE, related_name="pending")
    day = models.DateField(_("day"))
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"))
    phone_index = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=PendingStatus.choices, default=PendingStatus.PENDING
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    reviewed_by = _user()

    phone_blind_index: ClassVar[BlindIndex]  # set in ActivitiesConfig.ready()

    class Meta:
        verbose_name = _("unconfirmed check-in")
        verbose_name_plural = _("unconfirmed check-ins")
        ordering = ["activity", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "day", "phone_index"], name="pending_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.day}"


class CheckinAttempt(models.Model):
    """Every scan, kept briefly, for the limits on repeats and floods."""

    code = models.ForeignKey(CheckinCode, on_delete=models.CASCADE, related_name="attempts")
    client = models.CharField(max_length=64)  # keyed hash of the client's address
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["code", "client", "at"], name="attempt_code_client_at")]

    def __str__(self) -> str:
        return f"{self.code_id} · {self.outcome}"


# --- volunteers -----------------------------------------------------------------------------------


class VolunteerTeam(models.Model):
    """What a volunteer team (an org unit of kind volunteer team) adds: its focus."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="team", verbose_name=_("team")
    )
    focus = models.CharField(_("focus"), max_length=20, choices=TeamFocus.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self) -> str:
        return self.unit.name


class Volunteer(models.Model):
    team = models.ForeignKey(
        VolunteerTeam, on_delete=models.CASCADE, related_name="volunteers", verbose_name=_("team")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="volunteering", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"), max_length=8, choices=VolunteerRole.choices, default=VolunteerRole.MEMBER
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team", "-role", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(end__isnull=True),
                name="volunteer_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.team}"


class ServiceRecord(models.Model):
    """Hours one volunteer served on a day, at an activity or otherwise."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="services", verbose_name=_("volunteer")
    )
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("activity"),
    )
    on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(ZERO)]
    )
    description = models.CharField(_("service given"), max_length=200)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.volunteer.person.name} · {self.on} · {self.hours}"


# --- pairings -------------------------------------------------------------------------------------


class Pairing(models.Model):
    """结对: a helper (a person or a unit) and whom she helps (a person or a village)."""

    kind = models.CharField(_("kind"), max_length=14, choices=PairingKind.choices)
    helper_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings_helping"
    )
    helper_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings_helping"
    )
    helped_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings_helped"
    )
    helped_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings_helped"
    )
    # Scope: the village of whoever is helped.
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    # The cadence: at least one call every N days and one visit every M days (empty: none).
    call_every_days = models.PositiveSmallIntegerField(
        _("a call at least every (days)"), null=True, blank=True
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("a visit at least every (days)"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = _user()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(helper_person__isnull=False) | Q(helper_unit__isnull=False),
                name="pairing_has_helper",
            ),
            models.CheckConstraint(
                condition=Q(helped_person__isnull=False) | Q(helped_unit__isnull=False),
                name="pairing_has_helped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper_name} ↔ {self.helped_name}"

    @property
    def helper_name(self) -> str:
        return self.helper_person.name if self.helper_person else str(self.helper_unit)

    @property
    def helped_name(self) -> str:
        return self.helped_person.name if self.helped_person else str(self.helped_unit)


class PairingContact(models.Model):
    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("pairing")
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=6, choices=ContactKind.choices)
    help_kind = models.CharField(
        _("help given"), max_length=14, choices=HelpKind.choices, blank=True
    )
    value = money(_("value (yuan)"), default=ZERO)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pairing contact")
        verbose_name_plural = _("pairing contacts")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["pairing", "kind", "on"], name="contact_pairing_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on}"


# --- village assistance ---------------------------------------------------------------------------


class AssistedVillage(models.Model):
    """包联村: a village a federation takes on to help, for a period."""

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assisted_by", verbose_name=_("village")
    )
    assisting_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assisting", verbose_name=_("assisted by")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    lead = models.CharField(_("person in charge"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("assisted village")
        verbose_name_plural = _("assisted villages")
        ordering = ["village__name"]

    def __str__(self) -> str:
        return str(self.village)


class VillageVisit(models.Model):
    """下基层访妇情: a visit to a village, with what was heard there."""

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="visits", verbose_name=_("village")
    )
    on = models.DateField(_("date"))
    visitors = models.CharField(_("visitors"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("village visit")
        verbose_name_plural = _("village visits")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.village} · {self.on}"


class Need(models.Model):
    """A need or problem found in a village, the decision on it and what became of it."""

    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="needs", verbose_name=_("village")
    )
    visit = models.ForeignKey(
        VillageVisit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("found on the visit"),
    )
    title = models.CharField(_("need or problem"), max_length=120)
    category = models.CharField(
        pgettext_lazy("need", "category"), max_length=12, choices=NeedCategory.choices
    )
    raised_on = models.DateField(_("raised on"))
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    responsible = models.CharField(
        _("department or person responsible"), max_length=100, blank=True
    )
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="need_status_due")]

    def __str__(self) -> str:
        return self.title
