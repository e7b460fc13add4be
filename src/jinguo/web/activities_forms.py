"""Forms of the activity pages: activities and their sheets, check-in, volunteers, pairings and
village assistance.

The forms check shape only (a date is a date, a number is not negative, an upload is a photo or
a document of at most 10 MB); the rules are the activities services' to enforce, and their
refusals land on the field they name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jinguo.activities.choices import (
    ActivityKind,
    ContactKind,
    Group,
    Headcount,
    HelpKind,
    MaterialKind,
    NeedCategory,
    NeedStatus,
    PairingKind,
    TeamFocus,
    VenueKind,
    VolunteerRole,
)
from jinguo.activities.models import Activity, Volunteer, VolunteerTeam
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes.models import Organisation, Programme
from jinguo.web.forms import DateField, ServiceForm
from jinguo.web.programmes_forms import (
    MAX_EVIDENCE_BYTES,
    FilterForm,
    UnitChoiceField,
    _blank,
    _set_units,
    money_field,
)

MATERIAL_ROWS = 3
NEED_ROWS = 3
# What an activity's file may be, by extension, and how each kind of file begins: a file
# renamed to .pdf is refused as well as a .exe. Word and Excel files are zip archives.
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
GROUPS = tuple(Group)


class DateTimeField(forms.DateTimeField):
    """A date and time picker, written as YYYY-MM-DDTHH:MM whatever the language (the only form
    the browser's datetime-local input reads); read in the application's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MonthField(forms.CharField):
    """A month (YYYY-MM), as the first day of it."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2014-05"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{obj.name} · {parent}" if parent else obj.name


def _organisation_choices(field: forms.Field, organisations: QuerySet[Organisation]) -> bool:
    """Offer the organisations to tick; False when there are none yet (names are typed)."""
    if not organisations.exists():
        return False
    field.queryset = organisations  # type: ignore[attr-defined]
    return True


def _count(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


# --- activities -----------------------------------------------------------------------------------


class ActivityFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=_blank(ActivityKind.choices, gettext_lazy("All kinds")),
    )
    month = MonthField(label=gettext_lazy("Month"), required=False)
    unit = UnitChoiceField(
        label=gettext_lazy("Recorded by or held in"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everywhere you see"),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["unit"], units)


class ActivityForm(ServiceForm):
    """Record an activity, or correct one. Correcting keeps what `activity_update` does not
    change: the recording unit, the kind, how participation is recorded, counts, materials and
    the training details."""

    owner = UnitChoiceField(
        label=gettext_lazy("Recorded by"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Units where you enter records. It changes the activity."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    start = DateTimeField(label=gettext_lazy("Starts"))
    end = DateTimeField(
        label=gettext_lazy("Ends"),
        required=False,
        help_text=gettext_lazy("Leave empty for an activity of a few hours."),
    )
    place = UnitChoiceField(
        label=gettext_lazy("Held in"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("The village, township or organisation; it may keep the sheet."),
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=200)
    venue_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of venue"),
        required=False,
        choices=_blank(VenueKind.choices),
        help_text=gettext_lazy("For talks: where it was given."),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )
    organisers = UnitMultipleChoiceField(
        label=gettext_lazy("Organised with"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_partners = forms.CharField(
        label=gettext_lazy("Other partners"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Names not in the list, separated by commas or 、."),
    )
    topics = forms.CharField(label=gettext_lazy("Topics"), required=False, max_length=200)
    audience = forms.CharField(label=gettext_lazy("Audience"), required=False, max_length=200)
    headcount = forms.ChoiceField(
        label=gettext_lazy("Participation recorded as"),
        choices=Headcount.choices,
        initial=Headcount.ATTENDANCE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Names: an attendance sheet (and QR check-in), counting person-times and people. "
            "Counts: how many came, by group."
        ),
    )
    count_women = _count(Group.WOMEN.label)
    count_children = _count(Group.CHILDREN.label)
    count_elderly = _count(Group.ELDERLY.label)
    count_other = _count(Group.OTHER.label)
    spending = money_field(gettext_lazy("Spending (yuan)"), initial=Decimal(0))
    in_kind_value = money_field(gettext_lazy("Value of goods given (yuan)"), initial=Decimal(0))
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A training's details.
    curriculum = forms.CharField(
        label=gettext_lazy("Curriculum"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trainer = forms.CharField(label=gettext_lazy("Trainer"), required=False, max_length=100)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    assessment = forms.CharField(label=gettext_lazy("Assessment"), required=False, max_length=200)
    certificates = _count(gettext_lazy("Certificates issued"))
    certificate_issuer = forms.CharField(
        label=gettext_lazy("Certificates issued by"), required=False, max_length=100
    )
    certificate_date = DateField(label=gettext_lazy("Certificates issued on"), required=False)
    buyers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Companies buying the products"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_buyers = forms.CharField(
        label=gettext_lazy("Other buying companies"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Names not in the list, separated by commas or 、."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    COUNT_FIELDS = {f"count_{group.value}": group.value for group in GROUPS}
    TRAINING_FIELDS = (
        "curriculum",
        "trainer",
        "hours",
        "assessment",
        "certificates",
        "certificate_issuer",
        "certificate_date",
        "buyers",
        "new_buyers",
    )
    CREATE_ONLY = ("owner", "kind", "headcount", *COUNT_FIELDS, *TRAINING_FIELDS)
    UPDATE_FIELDS = (
        "title",
        "start",
        "end",
        "place",
        "address",
        "venue_kind",
        "programme",
        "topics",
        "audience",
        "spending",
        "in_kind_value",
        "outcome",
    )

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[OrgUnit] | None,
        places: QuerySet[OrgUnit],
        organisers: QuerySet[OrgUnit],
        programmes: QuerySet[Programme],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.creating = owners is not None
        if owners is None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        else:
            del self.fields["version"]
            _set_units(self.fields["owner"], owners)
            for row in range(1, MATERIAL_ROWS + 1):
                self.fields[f"material_kind_{row}"] = forms.ChoiceField(
                    label=_("Material %(row)d") % {"row": row},
                    required=False,
                    choices=_blank(MaterialKind.choices),
                )
                self.fields[f"material_count_{row}"] = _count(_("Number"))
                self.fields[f"material_description_{row}"] = forms.CharField(
                    label=_("Description"), required=False, max_length=100
                )
            if not _organisation_choices(self.fields["buyers"], organisations):
                del self.fields["buyers"]
        _set_units(self.fields["place"], places)
        if organisers.exists():
            self.fields["organisers"].queryset = organisers  # type: ignore[attr-defined]
        else:
            del self.fields["organisers"]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        if not _organisation_choices(self.fields["partners"], organisations):
            del self.fields["partners"]
        self.fields["title"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.creating:
            return data
        for row in range(1, MATERIAL_ROWS + 1):
            kind, number = data.get(f"material_kind_{row}"), data.get(f"material_count_{row}")
            if kind and number is None:
                self.add_error(f"material_count_{row}", _("Give the number handed out."))
            if not kind and number is not None:
                self.add_error(f"material_kind_{row}", _("Say what was handed out."))
        return data

    def _fields(self, *names: str) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def basics(self) -> list[forms.BoundField]:
        return self._fields("owner", "kind", "title", "programme", "topics", "audience")

    def when_where(self) -> list[forms.BoundField]:
        return self._fields("start", "end", "place", "address", "venue_kind")

    def with_whom(self) -> list[forms.BoundField]:
        return self._fields("organisers", "partners", "new_partners")

    def counts(self) -> list[forms.BoundField]:
        return self._fields(*self.COUNT_FIELDS)

    def material_rows(self) -> list[list[forms.BoundField]]:
        return [
            self._fields(
                f"material_kind_{row}", f"material_count_{row}", f"material_description_{row}"
            )
            for row in range(1, MATERIAL_ROWS + 1)
            if f"material_kind_{row}" in self.fields
        ]

    def money(self) -> list[forms.BoundField]:
        return self._fields("spending", "in_kind_value", "outcome")

    def training(self) -> list[forms.BoundField]:
        return self._fields(*self.TRAINING_FIELDS)

    def updates(self) -> dict[str, Any]:
        """The fields `activity_record` and `activity_update` share, as cleaned."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.UPDATE_FIELDS}
        for name in ("address", "venue_kind", "topics", "audience", "outcome"):
            values[name] = values[name] or ""
        for name in ("spending", "in_kind_value"):
            values[name] = values[name] or Decimal(0)
        return values

    def count_values(self) -> dict[str, int] | None:
        data = self.cleaned_data
        if data.get("headcount") != Headcount.COUNTS:
            return None
        return {group: data.get(name) or 0 for name, group in self.COUNT_FIELDS.items()}

    def materials(self) -> list[tuple[str, int, str]]:
        data = self.cleaned_data
        return [
            (
                data[f"material_kind_{row}"],
                data[f"material_count_{row}"],
                data[f"material_description_{row}"],
            )
            for row in range(1, MATERIAL_ROWS + 1)
            if data.get(f"material_kind_{row}")
        ]

    def add_service_error(self, error: ApplicationError) -> None:
        field = {"counts": "count_women", "materials": "material_count_1"}.get(
            error.field or "", error.field
        )
        self.add_error(field if field in self.fields else None, str(error))


class CountsForm(ServiceForm):
    """The numbers by group of an activity that takes no names; they replace those recorded."""

    women = _count(Group.WOMEN.label)
    children = _count(Group.CHILDREN.label)
    elderly = _count(Group.ELDERLY.label)
    other = _count(Group.OTHER.label)

    def counts(self) -> dict[str, int]:
        return {group.value: self.cleaned_data.get(group.value) or 0 for group in GROUPS}

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(None, str(error))


class DayForm(ServiceForm):
    """The day of the activity something is for, when it runs over several days."""

    day = forms.ChoiceField(label=gettext_lazy("Day"), required=False)

    def __init__(self, *args: Any, days: list[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d.isoformat(), d.isoformat()) for d in days]  # type: ignore[attr-defined]

    def chosen(self) -> dt.date | None:
        value = self.cleaned_data.get("day") if self.is_valid() else None
        return dt.date.fromisoformat(value) if value else None

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error("day" if error.field == "day" else None, str(error))


class FileForm(ServiceForm):
    file = forms.FileField(
        label=gettext_lazy("Photo or document"),
        help_text=gettext_lazy(
            "A photo (JPEG, PNG, WebP), or a PDF, Word or Excel file (the sign-in sheet), up "
            "to 10 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx,image/jpeg,image/png,"
                "image/webp,application/pdf"
            }
        ),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), required=False, max_length=200)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; files of up to %(limit)s can be attached.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_EVIDENCE_BYTES),
                }
            )
        suffix = PurePath(upload.name or "").suffix.lower()
        message = _(
            "Attach a photo (JPEG, PNG or WebP), or a PDF, Word (docx) or Excel (xlsx) file."
        )
        if suffix not in FILE_SIGNATURES:
            raise forms.ValidationError(message)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(start) for start in FILE_SIGNATURES[suffix]) or (
            suffix == ".webp" and head[8:12] != b"WEBP"
        ):
            raise forms.ValidationError(message)
        return upload

    def is_photo(self) -> bool:
        return PurePath(self.cleaned_data["file"].name or "").suffix.lower() in PHOTO_EXTENSIONS


# --- the public check-in page ---------------------------------------------------------------------


class CheckinForm(ServiceForm):
    """Her name and mobile number; whether they are enough is `services.checkin`'s to say."""

    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name", "enterkeyhint": "next"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "tel",
                "enterkeyhint": "done",
            }
        ),
    )

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error("phone" if error.field == "phone" else None, str(error))


# --- volunteers -----------------------------------------------------------------------------------


class TeamFilterForm(FilterForm):
    focus = forms.ChoiceField(
        label=gettext_lazy("Focus"),
        required=False,
        choices=_blank(TeamFocus.choices, gettext_lazy("Any focus")),
    )


class VolunteerAddForm(ServiceForm):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=VolunteerRole.choices,
        initial=VolunteerRole.MEMBER,
        widget=forms.RadioSelect,
    )
    start = DateField(label=gettext_lazy("Member from"), initial=timezone.localdate)

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(None if error.field == "person" else error.field, str(error))


class EndForm(ServiceForm):
    on = DateField(label=gettext_lazy("Last day"), initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, with_note: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_note:
            del self.fields["note"]

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error("on", str(error))


class ServiceRecordForm(ServiceForm):
    volunteer = forms.ModelChoiceField(
        label=gettext_lazy("Volunteer"), queryset=Volunteer.objects.none()
    )
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    description = forms.CharField(label=gettext_lazy("Service given"), max_length=200)
    activity = forms.ModelChoiceField(
        label=gettext_lazy("At the activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )

    def __init__(
        self,
        *args: Any,
        volunteers: QuerySet[Volunteer],
        activities: QuerySet[Activity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["volunteer"].label_from_instance = lambda v: v.person.name  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        self.fields["activity"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{timezone.localtime(a.start):%Y-%m-%d} {a.title}"
        )


class VolunteerExportForm(ServiceForm):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=VolunteerTeam.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every team you see"),
    )
    start = DateField(label=gettext_lazy("From"), required=False)
    end = DateField(label=gettext_lazy("To"), required=False)
    fmt = forms.ChoiceField(
        label=gettext_lazy("File format"),
        choices=[("xlsx", gettext_lazy("Excel (xlsx)")), ("csv", gettext_lazy("CSV"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    only_with_hours = forms.BooleanField(
        label=gettext_lazy("Only volunteers who served in the period"), required=False
    )
    reveal = forms.BooleanField(
        label=gettext_lazy("Include full ID numbers and phones"),
        required=False,
        help_text=gettext_lazy(
            "The national system needs them. Recorded in the audit log; masked otherwise."
        ),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[VolunteerTeam], may_reveal: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda team: team.unit.name  # type: ignore[attr-defined]
        if not may_reveal:
            del self.fields["reveal"]


# --- pairings -------------------------------------------------------------------------------------


class PairingFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=_blank(PairingKind.choices, gettext_lazy("All kinds")),
    )


class PairingForm(ServiceForm):
    """The terms of a pairing; who is paired is chosen before (people) or here (a post and a
    village)."""

    helper_unit = forms.ModelChoiceField(
        label=gettext_lazy("Civilised post"), queryset=OrgUnit.objects.none()
    )
    helped_unit = UnitChoiceField(label=gettext_lazy("Village"), queryset=OrgUnit.objects.none())
    start = DateField(label=gettext_lazy("Paired from"), initial=timezone.localdate)
    call_every_days = forms.IntegerField(
        label=gettext_lazy("A call at least every (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=gettext_lazy("Empty: the usual cadence of the kind."),
    )
    visit_every_days = forms.IntegerField(
        label=gettext_lazy("A visit at least every (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=gettext_lazy("Empty: the usual cadence of the kind."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        posts: QuerySet[OrgUnit] | None = None,
        villages: QuerySet[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if posts is None or villages is None:
            del self.fields["helper_unit"]
            del self.fields["helped_unit"]
        else:
            self.fields["helper_unit"].queryset = posts  # type: ignore[attr-defined]
            _set_units(self.fields["helped_unit"], villages)

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(error.field if error.field in self.fields else None, str(error))


class ContactForm(ServiceForm):
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    kind = forms.ChoiceField(
        label=gettext_lazy("Contact"),
        choices=ContactKind.choices,
        initial=ContactKind.CALL,
        widget=forms.RadioSelect,
    )
    help_kind = forms.ChoiceField(
        label=gettext_lazy("Help given"),
        required=False,
        choices=_blank(HelpKind.choices),
        help_text=gettext_lazy("For help given: what it was."),
    )
    value = money_field(gettext_lazy("Value (yuan)"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


# --- village assistance ---------------------------------------------------------------------------


class NeedFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=_blank(NeedStatus.choices, gettext_lazy("Any status")),
    )


class VisitForm(ServiceForm):
    """A visit to a village (下基层访妇情) with the needs heard there, in one go."""

    village = UnitChoiceField(label=gettext_lazy("Village"), queryset=OrgUnit.objects.none())
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    visitors = forms.CharField(
        label=gettext_lazy("Visitors"),
        max_length=200,
        help_text=gettext_lazy("Who went, separated by commas or 、."),
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), required=False, max_length=200)
    notes = forms.CharField(
        label=gettext_lazy("What was heard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, villages: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["village"], villages)
        for row in range(1, NEED_ROWS + 1):
            self.fields[f"need_title_{row}"] = forms.CharField(
                label=_("What is needed or wrong"), required=False, max_length=120
            )
            self.fields[f"need_category_{row}"] = forms.ChoiceField(
                label=_("Kind of need"), required=False, choices=_blank(NeedCategory.choices)
            )
            self.fields[f"need_decision_{row}"] = forms.CharField(
                label=_("Decision"), required=False, max_length=300
            )
            self.fields[f"need_responsible_{row}"] = forms.CharField(
                label=_("Department or person responsible"), required=False, max_length=100
            )
            self.fields[f"need_due_on_{row}"] = DateField(label=_("Due by"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, NEED_ROWS + 1):
            title = (data.get(f"need_title_{row}") or "").strip()
            others = [
                data.get(f"need_{name}_{row}")
                for name in ("category", "decision", "responsible", "due_on")
            ]
            if title and not data.get(f"need_category_{row}"):
                self.add_error(f"need_category_{row}", _("Choose the category of the need."))
            if not title and any(others):
                self.add_error(f"need_title_{row}", _("Say what the need or problem is."))
        return data

    def visit_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("village", "on", "visitors", "purpose", "notes")]

    def need_rows(self) -> list[list[forms.BoundField]]:
        return [
            [
                self[f"need_{name}_{row}"]
                for name in ("title", "category", "decision", "responsible", "due_on")
            ]
            for row in range(1, NEED_ROWS + 1)
        ]

    def needs(self) -> list[tuple[int, dict[str, Any]]]:
        """(row, the keyword arguments of `need_record` beyond the village and visit)."""
        data = self.cleaned_data
        rows = []
        for row in range(1, NEED_ROWS + 1):
            title = (data.get(f"need_title_{row}") or "").strip()
            if title:
                rows.append(
                    (
                        row,
                        {
                            "title": title,
                            "category": data[f"need_category_{row}"],
                            "decision": data[f"need_decision_{row}"],
                            "responsible": data[f"need_responsible_{row}"],
                            "due_on": data[f"need_due_on_{row}"],
                        },
                    )
                )
        return rows


class NeedUpdateForm(ServiceForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=NeedStatus.choices)
    decision = forms.CharField(label=gettext_lazy("Decision"), required=False, max_length=300)
    responsible = forms.CharField(
        label=gettext_lazy("Department or person responsible"), required=False, max_length=100
    )
    due_on = DateField(label=gettext_lazy("Due by"), required=False)
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required to mark it resolved (办结)."),
    )
    resolved_on = DateField(label=gettext_lazy("Resolved on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    FIELDS = ("status", "decision", "responsible", "due_on", "resolution", "resolved_on")

    def updates(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.FIELDS}
        for name in ("decision", "responsible", "resolution"):
            values[name] = values[name] or ""
        return values
