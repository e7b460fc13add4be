from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import Role
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import Kind


class ServiceForm(forms.Form):
    """A form whose data goes to a service; the service's refusal lands on the right field."""

    def add_service_error(self, error: ApplicationError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error))


class ListFields(forms.Form):
    """What every "a whole list at once" form asks besides its rows: tick everyone, and what to
    do when some rows are refused."""

    everyone = forms.BooleanField(label=_("Everyone listed"), required=False)
    mode = forms.ChoiceField(
        label=_("When some rows are refused"),
        choices=[
            ("all", _("Record nothing (all or nothing)")),
            ("valid", _("Record the valid rows only")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )


class DateField(forms.DateField):
    """A date picker. Its value is written as YYYY-MM-DD whatever the language: the browser's
    date input accepts nothing else, and the Chinese input format (2015/01/01) left it empty."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitCreateForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=24,
        required=False,
        help_text=_(
            "Division code for an area; leave empty for an organisation to get one generated."
        ),
    )
    opened_on = DateField(label=_("Opened on"), initial=timezone.localdate)


class UnitRenameForm(ServiceForm):
    name = forms.CharField(label=_("New name"), max_length=100)
    on = DateField(label=_("Effective from"), initial=timezone.localdate)


class UnitMoveForm(ServiceForm):
    parent_code = forms.CharField(label=_("Code of the new parent unit"), max_length=24)
    on = DateField(label=_("Effective from"), initial=timezone.localdate)


class UnitMergeForm(ServiceForm):
    target_code = forms.CharField(
        label=_("Code of the unit it merges into"),
        max_length=24,
        help_text=_("Its open units move there; this unit is closed and keeps its history."),
    )
    on = DateField(label=_("Merged on"), initial=timezone.localdate)


class UnitCloseForm(ServiceForm):
    on = DateField(label=_("Closed on"), initial=timezone.localdate)


class UserCreateForm(ServiceForm):
    username = forms.CharField(label=_("Username"), max_length=40)
    display_name = forms.CharField(
        label=pgettext_lazy("person", "Name"), max_length=60, required=False
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("The user must change it at first login."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit_code = forms.CharField(label=_("Org unit code"), max_length=24)


class GrantForm(ServiceForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit_code = forms.CharField(label=_("Org unit code"), max_length=24)


class PasswordResetForm(ServiceForm):
    password = forms.CharField(label=_("New initial password"), widget=forms.PasswordInput)


class TokenCreateForm(ServiceForm):
    name = forms.CharField(label=_("Token name"), max_length=60)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=365)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False)
    actor_name = forms.CharField(label=_("User"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    since = DateField(label=_("From"), required=False)
    until = DateField(label=_("To"), required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
