"""Forms of the people registry pages: what the user types, cleaned for the people services.

The forms check shape only (a date is a date, a grade is 1 to 4); every rule of the registry
is the services' to enforce, and their refusals land on the field they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people import ethnicity
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Education,
    Guardianship,
    Hukou,
    Marital,
    ParentsSituation,
    Relation,
    Schooling,
    Sex,
)
from jinguo.people.services import ConsentInput, normalise_phone
from jinguo.web.forms import DateField, ServiceForm

# What a consent for the registry covers, prefilled in the consent section.
DEFAULT_SCOPES: dict[str, Any] = {
    ConsentPurpose.REGISTRY: _(
        "Name, ID number, phone, household and circumstances, kept by the women's federation "
        "for registration and its services."
    ),
    ConsentPurpose.CHILD_CARE: _(
        "The child's circumstances, schooling, health and family, for care and help by the "
        "women's federation and the civil affairs office."
    ),
    ConsentPurpose.HEALTH: _("Screening results and health details, for screening and aid."),
    ConsentPurpose.PUBLICITY: _("Name, photo and story, for publicity of awards and examples."),
}


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class VillageChoiceField(forms.ModelChoiceField[OrgUnit]):
    """A village or community, labelled with its township so that same names can be told apart."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{obj.name} · {parent}" if parent else obj.name


class PersonFilterForm(forms.Form):
    """The search box and filters of the people list; anything not understood is ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        help_text=_("Name, pinyin (wangfang or wf), ID number or the last 4 digits of a phone."),
    )
    unit = forms.ChoiceField(label=_("Where"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_blank(Category.choices, _("Any category"))
    )
    on = DateField(label=_("On"), required=False)
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=_blank(Sex.choices, pgettext_lazy("sex", "Any"))
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _blank(units, _("Everywhere I may see"))  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        """The cleaned value of a filter, or None when it was empty or not understood."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None


class PersonFieldsForm(ServiceForm):
    """The fields of a person's record that the edit form and the register form share."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    birth_date = DateField(label=_("Birth date"), required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False)
    residence = VillageChoiceField(
        label=_("Village or community of residence"),
        queryset=OrgUnit.objects.none(),
        empty_label="—",
    )
    hukou = forms.ChoiceField(
        label=_("Household registration"), required=False, choices=_blank(Hukou.choices)
    )
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=_blank(Education.choices)
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), required=False, choices=_blank(Marital.choices)
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=60, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    # The fields passed to person_update, in this order.
    RECORD_FIELDS = (
        "name",
        "sex",
        "birth_date",
        "ethnicity",
        "residence",
        "hukou",
        "education",
        "marital_status",
        "occupation",
        "notes",
    )

    def __init__(self, *args: Any, villages: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        residence = self.fields["residence"]
        assert isinstance(residence, VillageChoiceField)  # noqa: S101
        residence.queryset = villages
        self.fields["ethnicity"].choices = _blank(ethnicity.choices())  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})
        self.fields["occupation"].widget.attrs.update({"autocomplete": "off"})

    def record(self) -> dict[str, Any]:
        """The cleaned record fields, as keyword arguments of the people services."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "sex": data["sex"] or None,
            "birth_date": data["birth_date"],
            "ethnicity": data["ethnicity"],
            "residence": data["residence"],
            "hukou": data["hukou"],
            "education": data["education"],
            "marital_status": data["marital_status"],
            "occupation": data["occupation"],
            "notes": data["notes"],
        }


class PersonRegisterForm(PersonFieldsForm):
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        required=False,
        max_length=40,
        help_text=_("18 characters. Birth date and sex are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=ConsentGiver.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Under 14, her guardian consents."),
    )
    consent_giver_name = forms.CharField(
        label=_("Name of whoever consented"),
        required=False,
        max_length=50,
        help_text=_("Leave empty when she consented herself: her name is used."),
    )
    consent_given_on = DateField(
        label=_("Consent given on"), required=False, initial=timezone.localdate
    )
    consent_scope = forms.CharField(
        label=_("What she agreed to"),
        required=False,
        max_length=200,
        initial=DEFAULT_SCOPES[ConsentPurpose.REGISTRY],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_different = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )

    CONSENT_FIELDS = ("consent_given_by", "consent_giver_name", "consent_given_on", "consent_scope")

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("id_number", "phone")]

    def record_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.RECORD_FIELDS]

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONSENT_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("consent_given_by") == ConsentGiver.GUARDIAN
            and not data.get("consent_giver_name", "").strip()
        ):
            self.add_error("consent_giver_name", _("Give the guardian's name."))
        return data

    def consent(self) -> ConsentInput | None:
        """The registry consent given with the record, or None when none was recorded."""
        data = self.cleaned_data
        given_by = data.get("consent_given_by")
        if not given_by:
            return None
        return ConsentInput(
            purpose=ConsentPurpose.REGISTRY,
            scope=data.get("consent_scope") or str(DEFAULT_SCOPES[ConsentPurpose.REGISTRY]),
            given_by=given_by,
            giver_name=data.get("consent_giver_name", "").strip() or data["name"],
            given_on=data.get("consent_given_on") or timezone.localdate(),
        )

    def add_service_error(self, error: ApplicationError) -> None:
        # The services name the consent as a whole; the page asks first who gave it.
        if error.field == "consent":
            self.add_error("consent_given_by", str(error))
        else:
            super().add_service_error(error)


class PersonEditForm(PersonFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, has_id_number: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_id_number:
            # The ID number decides both; they change when the number is replaced.
            for name in ("sex", "birth_date"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Read from the ID number.")


class IdNumberReplaceForm(ServiceForm):
    id_number = forms.CharField(
        label=_("New citizen ID number"),
        max_length=40,
        help_text=_("Birth date and sex are taken from the new number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhoneReplaceForm(ServiceForm):
    phone = forms.CharField(
        label=_("New phone"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to remove the phone."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RevealForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why do you need the full value?"),
        max_length=200,
        help_text=_("Kept in the audit log with your name and the time."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ConsentForm(ServiceForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    scope = forms.CharField(
        label=_("What she agreed to"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for the usual wording of the purpose."),
    )
    given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentGiver.choices, widget=forms.RadioSelect
    )
    giver_name = forms.CharField(
        label=_("Name of whoever consented"),
        max_length=50,
        required=False,
        help_text=_("Leave empty when she consented herself: her name is used."),
    )
    given_on = DateField(label=_("Given on"), initial=timezone.localdate)

    def consent(self, person_name: str) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            purpose=data["purpose"],
            scope=data["scope"].strip() or str(DEFAULT_SCOPES[data["purpose"]]),
            given_by=data["given_by"],
            giver_name=data["giver_name"].strip() or person_name,
            given_on=data["given_on"],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("given_by") == ConsentGiver.GUARDIAN and not data.get("giver_name", "").strip():
            self.add_error("giver_name", _("Give the guardian's name."))
        return data

    def add_service_error(self, error: ApplicationError) -> None:
        if error.field == "consent":
            self.add_error("given_by", str(error))
        else:
            super().add_service_error(error)


class DateOnlyForm(ServiceForm):
    """One date, for the forms that end something (a period, a membership, a consent)."""

    on = DateField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["on"].label = label

    def add_service_error(self, error: ApplicationError) -> None:
        # The services call the date "end"; here it is the only field.
        self.add_error("on" if error.field in {"end", "start", None} else None, str(error))


GRADES = [("1", _("Grade 1")), ("2", _("Grade 2")), ("3", _("Grade 3")), ("4", _("Grade 4"))]
DISABILITY_FIELDS = ("disability_type", "disability_grade")
LEFT_BEHIND_FIELDS = (
    "parents",
    "schooling",
    "school_name",
    "boarding",
    "health",
    "father_workplace",
    "father_phone",
    "mother_workplace",
    "mother_phone",
    "guardian_name",
    "guardian_relation",
    "guardianship",
    "income_sources",
    "aid_received",
)


class CategoryForm(ServiceForm):
    """A period of one category, with the fields that category needs and no others."""

    start = DateField(label=_("From"), initial=timezone.localdate)
    end = DateField(
        label=_("Until"),
        required=False,
        help_text=_("Leave empty while it lasts. The day itself no longer counts."),
    )
    disability_type = forms.ChoiceField(
        label=_("Disability type"), choices=_blank(DisabilityType.choices)
    )
    disability_grade = forms.TypedChoiceField(
        label=_("Disability grade"), choices=_blank(GRADES), coerce=int, empty_value=None
    )
    parents = forms.ChoiceField(
        label=_("Parents' situation"), choices=ParentsSituation.choices, widget=forms.RadioSelect
    )
    schooling = forms.ChoiceField(
        label=_("Schooling"), choices=_blank(Schooling.choices), required=False
    )
    school_name = forms.CharField(label=_("School"), max_length=100, required=False)
    boarding = forms.BooleanField(label=_("Boards at school"), required=False)
    health = forms.CharField(label=_("Health or disability"), max_length=100, required=False)
    father_workplace = forms.CharField(
        label=_("Father's place of work"), max_length=100, required=False
    )
    father_phone = forms.CharField(
        label=_("Father's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    mother_workplace = forms.CharField(
        label=_("Mother's place of work"), max_length=100, required=False
    )
    mother_phone = forms.CharField(
        label=_("Mother's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    guardian_name = forms.CharField(label=_("Entrusted guardian"), max_length=50, required=False)
    guardian_relation = forms.CharField(
        label=_("Guardian's relation to the child"), max_length=30, required=False
    )
    guardianship = forms.ChoiceField(
        label=_("Guardianship type"), choices=_blank(Guardianship.choices), required=False
    )
    income_sources = forms.CharField(
        label=_("Family income sources"), max_length=200, required=False
    )
    aid_received = forms.CharField(label=_("Aid received"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        keep = {"start", "end", "note"}
        if category == Category.DISABLED:
            keep |= set(DISABILITY_FIELDS)
        if category == Category.LEFT_BEHIND_CHILD:
            keep |= set(LEFT_BEHIND_FIELDS)
            self.fields["end"].help_text = _(
                "Leave empty while it lasts; it ends by itself on the 16th birthday."
            )
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def _clean_phone(self, name: str) -> str | None:
        try:
            return normalise_phone(self.cleaned_data.get(name, "")) or None
        except ApplicationError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_father_phone(self) -> str | None:
        return self._clean_phone("father_phone")

    def clean_mother_phone(self) -> str | None:
        return self._clean_phone("mother_phone")

    def section_fields(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def general_fields(self) -> list[forms.BoundField]:
        return self.section_fields(("start", "end"))

    def disability_fields(self) -> list[forms.BoundField]:
        return self.section_fields(DISABILITY_FIELDS)

    def left_behind_fields(self) -> list[forms.BoundField]:
        return self.section_fields(LEFT_BEHIND_FIELDS)

    def note_fields(self) -> list[forms.BoundField]:
        return self.section_fields(("note",))

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of services.category_add, beyond actor, person and category."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "start": data["start"],
            "end": data.get("end"),
            "note": data.get("note", ""),
        }
        if self.category == Category.DISABLED:
            arguments["disability_type"] = data["disability_type"]
            arguments["disability_grade"] = data["disability_grade"]
        if self.category == Category.LEFT_BEHIND_CHILD:
            arguments["left_behind"] = {name: data.get(name) for name in LEFT_BEHIND_FIELDS}
            for name in ("schooling", "guardianship"):
                arguments["left_behind"][name] = arguments["left_behind"][name] or ""
        return arguments

    def add_service_error(self, error: ApplicationError) -> None:
        if error.field == "consent":
            self.add_error(None, str(error))
        else:
            super().add_service_error(error)


class HouseholdCreateForm(ServiceForm):
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    on = DateField(label=_("Head of the household from"), initial=timezone.localdate)


class MemberAddForm(ServiceForm):
    relation = forms.ChoiceField(
        label=_("Relation to the head"), choices=Relation.choices, widget=forms.RadioSelect
    )
    on = DateField(label=_("Member from"), initial=timezone.localdate)

    def add_service_error(self, error: ApplicationError) -> None:
        # "person" (already a member) concerns the whole form here.
        self.add_error(error.field if error.field in self.fields else None, str(error))


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(choices=[("a", "a"), ("b", "b")], widget=forms.HiddenInput)
