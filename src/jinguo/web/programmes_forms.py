"""Forms of the programme pages (项目): set-up, applications, decisions, delivery, money, works.

The forms check shape only (a date is a date, an upload is a receipt photo or a PDF of at most
10 MB); every rule of the programmes is the services' to enforce, and their refusals land on
the field they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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

from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, Hukou, Sex
from jinguo.people.models import Household
from jinguo.programmes.choices import (
    Beneficiary,
    BenefitKind,
    FundSource,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    ProjectStatus,
    RepaymentMethod,
    RuleKind,
    WorkArea,
)
from jinguo.programmes.models import (
    Cycle,
    Enrolment,
    Fund,
    Milestone,
    Organisation,
    Programme,
    Project,
)
from jinguo.programmes.services import RULE_NEEDS, RULE_OPTIONAL, Delivery
from jinguo.web.forms import DateField, ListFields, ServiceForm

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# What a receipt or evidence may be, by extension, and how each kind of file begins: a file
# renamed to .jpg is refused as well as a .exe.
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".pdf": (b"%PDF-",),
    ".webp": (b"RIFF",),
}
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
NAMES_SEPARATOR = re.compile(r"[,，、;；\n]+")


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def money_field(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=15,
        decimal_places=2,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        **kwargs,
    )


def split_names(text: str) -> list[str]:
    """'妇联、人社局，农商银行' → the three names, stripped, without repeats."""
    names: list[str] = []
    for name in NAMES_SEPARATOR.split(text or ""):
        name = name.strip()
        if name and name not in names:
            names.append(name[:100])
    return names


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """A unit in tree order, indented by depth, so that townships and villages read as a tree."""

    def __init__(self, *args: Any, top: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.top = top

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u3000" * max(obj.depth - self.top, 0) + obj.name


def _set_units(field: forms.Field, units: QuerySet[OrgUnit]) -> None:
    assert isinstance(field, UnitChoiceField)  # noqa: S101
    field.queryset = units
    field.top = min((unit.depth for unit in units), default=0)


class EnrolmentChoiceField(forms.ModelChoiceField[Enrolment]):
    def label_from_instance(self, obj: Enrolment) -> str:
        parts = [obj.person.name, obj.unit.name, obj.cycle.name]
        if obj.household is not None:
            parts.insert(1, obj.household.code)
        return " · ".join(parts)


class FilterForm(forms.Form):
    """A form of filters: anything not understood is ignored."""

    def value(self, name: str) -> Any:
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None


class ProgrammeFilterForm(FilterForm):
    work_area = forms.ChoiceField(
        label=gettext_lazy("Work area"),
        required=False,
        choices=_blank(WorkArea.choices, gettext_lazy("All work areas")),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=_blank(ProgrammeStatus.choices, gettext_lazy("Any status")),
    )


class PeriodForm(FilterForm):
    start = DateField(label=gettext_lazy("From"), required=False)
    end = DateField(label=gettext_lazy("To"), required=False)


# --- set-up ---------------------------------------------------------------------------------------


class ProgrammeForm(ServiceForm):
    """The set-up of a programme. Editing keeps the owner, whom it serves and its partners,
    which the programme services fix at creation."""

    name = forms.CharField(label=gettext_lazy("Name of the programme"), max_length=100)
    owner = UnitChoiceField(
        label=gettext_lazy("Run by"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Units where you approve programmes. It reaches everyone below."),
    )
    work_area = forms.ChoiceField(label=gettext_lazy("Work area"), choices=WorkArea.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ProgrammeKind.choices)
    beneficiary = forms.ChoiceField(
        label=gettext_lazy("Serves"),
        choices=Beneficiary.choices,
        initial=Beneficiary.PERSON,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A household programme enrols a household through one member."),
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
    funders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Funders"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_funders = forms.CharField(
        label=gettext_lazy("Other funders"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Names not in the list, separated by commas or 、."),
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new organisations"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.OTHER,
        required=False,
    )
    start = DateField(label=gettext_lazy("From"), initial=timezone.localdate)
    end = DateField(label=gettext_lazy("Until"), required=False)
    budget = money_field(gettext_lazy("Budget (yuan)"))
    target = forms.IntegerField(
        label=gettext_lazy("Target number of beneficiaries"), required=False, min_value=0
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=ProgrammeStatus.choices, initial=ProgrammeStatus.OPEN
    )
    health = forms.BooleanField(
        label=gettext_lazy("Being enrolled reveals health (two-cancers aid, screening)"),
        required=False,
        help_text=gettext_lazy(
            "Then only health workers and those who verify and approve see who is enrolled."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CREATE_ONLY = (
        "owner",
        "beneficiary",
        "partners",
        "new_partners",
        "funders",
        "new_funders",
        "new_kind",
    )
    UPDATE_FIELDS = (
        "name",
        "work_area",
        "kind",
        "start",
        "end",
        "budget",
        "target",
        "description",
        "status",
        "health",
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit] | None = None,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.creating = units is not None
        if units is None or organisations is None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
            return
        del self.fields["version"]
        _set_units(self.fields["owner"], units)
        for name in ("partners", "funders"):
            if organisations.exists():
                self.fields[name].queryset = organisations  # type: ignore[attr-defined]
            else:
                del self.fields[name]  # nothing to tick yet: the names are typed below
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def updates(self) -> dict[str, Any]:
        """The fields `programme_update` takes, as cleaned."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.UPDATE_FIELDS}
        values["description"] = values["description"] or ""
        return values


class RuleForm(ServiceForm):
    """One eligibility rule; only the fields its kind reads are shown (services.RULE_NEEDS)."""

    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=_blank(Category.choices), required=False
    )
    on = DateField(
        label=gettext_lazy("Checked on"),
        required=False,
        help_text=gettext_lazy("Leave empty to check on the day she applies."),
    )
    min_age = forms.IntegerField(
        label=gettext_lazy("Minimum age"), required=False, min_value=0, max_value=150
    )
    max_age = forms.IntegerField(
        label=gettext_lazy("Maximum age"), required=False, min_value=0, max_value=150
    )
    born_from = DateField(label=gettext_lazy("Born from"), required=False)
    born_to = DateField(label=gettext_lazy("Born until"), required=False)
    hukou = forms.ChoiceField(
        label=gettext_lazy("Household registration"), choices=_blank(Hukou.choices), required=False
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Lives within"), queryset=OrgUnit.objects.none(), required=False
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    years = forms.IntegerField(
        label=gettext_lazy("Years between two benefits"),
        required=False,
        min_value=1,
        max_value=100,
    )

    HELP: dict[str, Any] = {
        RuleKind.CATEGORY: gettext_lazy("She must hold this category on the day checked."),
        RuleKind.AGE: gettext_lazy("Give the lowest age, the highest, or both."),
        RuleKind.BIRTH_WINDOW: gettext_lazy("Give the first birth date, the last, or both."),
        RuleKind.HUKOU: gettext_lazy("Her household registration must be this one."),
        RuleKind.RESIDENCE: gettext_lazy("She must live in this unit or below it."),
        RuleKind.SEX: gettext_lazy("Only people of this sex may be enrolled."),
        RuleKind.ONCE: gettext_lazy(
            "Refuses anyone enrolled or served in another round of this programme."
        ),
        RuleKind.GAP_YEARS: gettext_lazy(
            "Refuses anyone served by this programme fewer than this many years ago."
        ),
    }

    def __init__(self, *args: Any, kind: str, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(RULE_NEEDS[RuleKind(kind)]) | set(RULE_OPTIONAL.get(kind, ()))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "unit" in self.fields:
            _set_units(self.fields["unit"], units)

    @property
    def help(self) -> Any:
        return self.HELP[self.kind]

    def arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class CycleForm(ServiceForm):
    name = forms.CharField(
        label=gettext_lazy("Name of the round"),
        max_length=60,
        help_text=gettext_lazy("For example 2015, 2015年春季 or 第二批."),
    )
    start = DateField(label=gettext_lazy("From"))
    end = DateField(label=gettext_lazy("Until"), required=False)
    cash_cap = money_field(
        gettext_lazy("Cash per beneficiary (yuan)"),
        help_text=gettext_lazy(
            "The most one beneficiary may receive in this round; empty: no cap."
        ),
    )
    goods_cap = forms.DecimalField(
        label=gettext_lazy("Goods per beneficiary (quantity)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=gettext_lazy("Empty: no cap."),
    )


# --- applications and decisions -------------------------------------------------------------------


class ApplyForm(ServiceForm):
    household = forms.ModelChoiceField(
        label=gettext_lazy("Household"),
        queryset=Household.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The programme serves households: hers is enrolled through her."),
    )
    cycle = forms.ModelChoiceField(
        label=gettext_lazy("Round"),
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=gettext_lazy("The round covering the date"),
    )
    on = DateField(label=gettext_lazy("Applied on"), initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)
    override_reason = forms.CharField(
        label=gettext_lazy("Admit despite the rules, because"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Only when she fails a rule and should be admitted all the same. Kept with the "
            "application and in the audit log."
        ),
    )

    def __init__(
        self,
        *args: Any,
        households: QuerySet[Household] | None,
        cycles: QuerySet[Cycle],
        can_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].queryset = households  # type: ignore[attr-defined]
        if cycles.count() > 1:
            self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]
        else:
            del self.fields["cycle"]
        if not can_override:
            del self.fields["override_reason"]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "household": data.get("household"),
            "cycle": data.get("cycle"),
            "on": data["on"],
            "note": data["note"],
            "override_reason": data.get("override_reason", ""),
        }


class StepForm(forms.Form):
    """A decision on an application: which step, and why."""

    to = forms.CharField(max_length=10)
    reason = forms.CharField(
        label=gettext_lazy("Reason or remark"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required to reject an application or end an enrolment."),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Admit despite the rules, because"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Only when she no longer meets a rule and should go on all the same."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]

    def add_service_error(self, error: ApplicationError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error))


class ComplianceForm(ServiceForm):
    compliant = forms.TypedChoiceField(
        label=gettext_lazy("Keeps the programme's conditions"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    compliance_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Say what she has not kept to; required when she has not."),
    )


# --- delivery -------------------------------------------------------------------------------------


def clean_upload(
    upload: UploadedFile | None, extensions: Iterable[str], message: str
) -> UploadedFile | None:
    """Refuse a file over 10 MB, or whose name or first bytes are not of an allowed type."""
    if not upload:
        return None
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)s; files of up to %(limit)s can be attached.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            }
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in extensions:
        raise forms.ValidationError(message)
    head = upload.read(16)
    upload.seek(0)
    starts = EVIDENCE_SIGNATURES[suffix]
    if not any(head.startswith(start) for start in starts) or (
        suffix == ".webp" and head[8:12] != b"WEBP"
    ):
        raise forms.ValidationError(message)
    return upload


class DeliveryFields(ServiceForm):
    """What is delivered: the fields one delivery and a list share."""

    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=BenefitKind.choices,
        initial=BenefitKind.CASH,
        widget=forms.RadioSelect,
    )
    amount = money_field(
        gettext_lazy("Amount or value (yuan)"),
        help_text=gettext_lazy(
            "Cash: the sum paid. Goods: their value. Service: its cost, if known."
        ),
    )
    item = forms.CharField(
        label=gettext_lazy("Item or service"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For goods and services: what was given (米, 面, 法律咨询 …)."),
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    measure = forms.CharField(
        label=pgettext_lazy("unit of quantity", "Measure"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"list": "measures", "autocomplete": "off"}),
        help_text=gettext_lazy("件, 台, 斤, 袋 … or your own."),
    )
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Paid from"),
        queryset=Fund.objects.none(),
        required=False,
        help_text=gettext_lazy("Cash only: the fund it is paid from."),
    )
    delivered_by = forms.CharField(
        label=gettext_lazy("Delivered by"), required=False, max_length=60
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, funds: QuerySet[Fund], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        if not funds.exists():
            self.fields["fund"].help_text = _(
                "No fund is open to you: cash is recorded by whoever holds the fund."
            )

    def common(self) -> dict[str, Any]:
        """The keyword arguments of a services.Delivery, beyond whom it is for."""
        data = self.cleaned_data
        return {
            "on": data["on"],
            "kind": data["kind"],
            "amount": data["amount"] or Decimal(0),
            "item": data["item"],
            "quantity": data["quantity"],
            "measure": data["measure"],
            "fund": data["fund"],
            "delivered_by": data["delivered_by"],
            "note": data["note"],
        }


class DeliveryForm(DeliveryFields):
    enrolment = EnrolmentChoiceField(
        label=gettext_lazy("Beneficiary"),
        queryset=Enrolment.objects.none(),
        help_text=gettext_lazy("Approved or active enrolments in your area."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Receipt or evidence"),
        required=False,
        help_text=gettext_lazy("A photo (JPEG, PNG, WebP) or a PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,"
                "application/pdf"
            }
        ),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Deliver despite the rules, because"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Only when the delivery breaks a rule (not enrolled, over the round's cap) and "
            "should be recorded all the same."
        ),
    )

    field_order = ["enrolment"]

    def __init__(
        self,
        *args: Any,
        enrolments: QuerySet[Enrolment],
        can_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments  # type: ignore[attr-defined]
        if not can_override:
            del self.fields["override_reason"]

    def clean_evidence(self) -> UploadedFile | None:
        return clean_upload(
            self.cleaned_data.get("evidence"),
            EVIDENCE_SIGNATURES,
            _("Attach a photo (JPEG, PNG or WebP) or a PDF."),
        )

    def delivery(self) -> Delivery:
        enrolment: Enrolment = self.cleaned_data["enrolment"]
        return Delivery(
            person=enrolment.person,
            household=enrolment.household,
            evidence=self.cleaned_data.get("evidence"),
            override_reason=self.cleaned_data.get("override_reason", ""),
            **self.common(),
        )

    def add_service_error(self, error: ApplicationError) -> None:
        field = "enrolment" if error.field == "person" else error.field
        self.add_error(field if field in self.fields else None, str(error))


class BulkDeliveryForm(DeliveryFields, ListFields):
    enrolments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Beneficiaries"),
        queryset=Enrolment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, enrolments: QuerySet[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = enrolments  # type: ignore[attr-defined]
        self.listed = enrolments

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("everyone") and not data.get("enrolments"):
            self.add_error("enrolments", _("Tick the beneficiaries to deliver to."))
        return data

    def chosen(self) -> list[Enrolment]:
        """The ticked enrolments, in the order listed (the row numbers of the errors)."""
        if self.cleaned_data.get("everyone"):
            return list(self.listed)
        ticked = {enrolment.pk for enrolment in self.cleaned_data["enrolments"]}
        return [enrolment for enrolment in self.listed if enrolment.pk in ticked]

    def common_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                *("on", "kind", "amount", "item", "quantity", "measure"),
                *("fund", "delivered_by", "note"),
            )
        ]


# --- loans ----------------------------------------------------------------------------------------


class LoanForm(ServiceForm):
    bank = forms.ModelChoiceField(
        label=gettext_lazy("Bank"), queryset=Organisation.objects.none(), required=False
    )
    new_bank = forms.CharField(
        label=gettext_lazy("Or a bank not in the list"), required=False, max_length=100
    )
    contract_number = forms.CharField(
        label=gettext_lazy("Contract number"), required=False, max_length=40
    )
    principal = money_field(gettext_lazy("Principal (yuan)"), required=True)
    interest_rate = forms.DecimalField(
        label=gettext_lazy("Interest rate (% a year)"),
        max_digits=5,
        decimal_places=3,
        min_value=Decimal(0),
    )
    subsidy_rate = forms.DecimalField(
        label=gettext_lazy("Share of the interest subsidised (percent)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(100),
    )
    term_months = forms.IntegerField(
        label=gettext_lazy("Term (months)"), min_value=1, max_value=360, initial=24
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Repayment"),
        choices=RepaymentMethod.choices,
        initial=RepaymentMethod.QUARTERLY_INTEREST,
        widget=forms.RadioSelect,
    )
    disbursed_on = DateField(label=gettext_lazy("Disbursed on"), initial=timezone.localdate)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), required=False, max_length=200)

    def __init__(self, *args: Any, banks: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("bank") and not (data.get("new_bank") or "").strip():
            self.add_error("bank", _("Choose the bank or type its name."))
        return data

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "contract_number",
                "principal",
                "interest_rate",
                "subsidy_rate",
                "term_months",
                "method",
                "disbursed_on",
                "purpose",
            )
        }


class RepaymentForm(ServiceForm):
    on = DateField(label=gettext_lazy("Repaid on"), initial=timezone.localdate)
    amount = money_field(gettext_lazy("Amount (yuan)"), required=True)


class SubsidyForm(ServiceForm):
    fund = forms.ModelChoiceField(label=gettext_lazy("Paid from"), queryset=Fund.objects.none())
    on = DateField(label=gettext_lazy("Paid on"), initial=timezone.localdate)
    amount = money_field(gettext_lazy("Amount (yuan)"), required=True)

    def __init__(self, *args: Any, funds: QuerySet[Fund], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(error.field if error.field in self.fields else None, str(error))


# --- funds ----------------------------------------------------------------------------------------


class FundForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Name of the fund"), max_length=100)
    owner = UnitChoiceField(
        label=gettext_lazy("Held by"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=FundSource.choices)
    source_organisation = forms.ModelChoiceField(
        label=gettext_lazy("From organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    new_source_organisation = forms.CharField(
        label=gettext_lazy("Or an organisation not in the list"), required=False, max_length=100
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.FEDERATION,
        required=False,
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Earmarked for"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("No programme in particular"),
    )
    opened_on = DateField(label=gettext_lazy("Opened on"), initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        organisations: QuerySet[Organisation],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["owner"], units)
        self.fields["source_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class FundEntryForm(ServiceForm):
    on = DateField(label=gettext_lazy("Date"), initial=timezone.localdate)
    amount = money_field(gettext_lazy("Amount (yuan)"), required=True)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200)
    counterpart = forms.ModelChoiceField(
        label=gettext_lazy("From or to organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    new_counterpart = forms.CharField(
        label=gettext_lazy("Or an organisation not in the list"), required=False, max_length=100
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the new organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.OTHER,
        required=False,
    )
    project = forms.ModelChoiceField(
        label=gettext_lazy("For the project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=gettext_lazy("Building works count against the project's budget."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        projects: QuerySet[Project] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = organisations  # type: ignore[attr-defined]
        if projects is None:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects  # type: ignore[attr-defined]


# --- projects -------------------------------------------------------------------------------------


class ProjectForm(ServiceForm):
    FUNDING_ROWS = 4

    name = forms.CharField(label=gettext_lazy("Name of the project"), max_length=100)
    site = UnitChoiceField(label=gettext_lazy("Site"), queryset=OrgUnit.objects.none())
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=200)
    budget = money_field(gettext_lazy("Budget (yuan)"), required=True)
    floor_area = forms.DecimalField(
        label=gettext_lazy("Floor area (m²)"),
        required=False,
        max_digits=10,
        decimal_places=1,
        min_value=Decimal(0),
    )
    rooms = forms.IntegerField(label=gettext_lazy("Rooms"), required=False, min_value=0)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.PLANNED
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    funder_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of new funders"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.OTHER,
        required=False,
    )

    def __init__(self, *args: Any, sites: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["site"], sites)
        for row in range(1, self.FUNDING_ROWS + 1):
            self.fields[f"funder_{row}"] = forms.CharField(
                label=_("Funder %(row)d") % {"row": row},
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"list": "organisations", "autocomplete": "off"}),
            )
            self.fields[f"amount_{row}"] = money_field(_("Amount %(row)d (yuan)") % {"row": row})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, self.FUNDING_ROWS + 1):
            name = (data.get(f"funder_{row}") or "").strip()
            if name and data.get(f"amount_{row}") is None:
                self.add_error(f"amount_{row}", _("Give the amount this funder gives."))
            if not name and data.get(f"amount_{row}") is not None:
                self.add_error(f"funder_{row}", _("Name the funder of this amount."))
        return data

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "name",
                "site",
                "address",
                "budget",
                "floor_area",
                "rooms",
                "status",
                "description",
            )
        ]

    def funding_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"funder_{row}"], self[f"amount_{row}"])
            for row in range(1, self.FUNDING_ROWS + 1)
        ]

    def funding(self) -> list[tuple[str, Decimal]]:
        data = self.cleaned_data
        rows = []
        for row in range(1, self.FUNDING_ROWS + 1):
            name = (data.get(f"funder_{row}") or "").strip()
            if name:
                rows.append((name, data[f"amount_{row}"]))
        return rows


class ProjectStatusForm(ServiceForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ProjectStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MilestoneForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Milestone"), max_length=100)
    planned_on = DateField(label=gettext_lazy("Planned for"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class ReachForm(ServiceForm):
    on = DateField(label=gettext_lazy("Reached on"), initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class PhotoForm(ServiceForm):
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        help_text=gettext_lazy("JPEG, PNG or WebP, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), required=False, max_length=200)
    taken_on = DateField(label=gettext_lazy("Taken on"), required=False)
    milestone = forms.ModelChoiceField(
        label=gettext_lazy("Milestone"),
        queryset=Milestone.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args: Any, milestones: QuerySet[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones  # type: ignore[attr-defined]

    def clean_image(self) -> UploadedFile | None:
        return clean_upload(
            self.cleaned_data.get("image"),
            PHOTO_EXTENSIONS,
            _("Upload a photo (JPEG, PNG or WebP)."),
        )
