"""Getting lists out: the people list's filter exported as Excel or CSV.

Small exports are sent at once (CSV streamed as it is read); large ones, and any export with a
password, are written in the background with a progress bar and fetched by the user who asked.
Full ID numbers and phones are offered only to users who may reveal them on every exported
unit; the export services check again and record such an export in the audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.core.models import Progress
from jinguo.exports import services
from jinguo.exports.streaming import MIN_PASSWORD_LENGTH
from jinguo.orgunits import access
from jinguo.people.selectors import PersonFilter, person_list
from jinguo.web.forms import ServiceForm
from jinguo.web.people_forms import PersonFilterForm
from jinguo.web.views.people import _areas_for_filter

BACKGROUND_ROWS = 5000
FILTER_KEYS = ("q", "unit", "category", "on", "age_min", "age_max", "sex")


class ExportForm(ServiceForm):
    fmt = forms.ChoiceField(
        label=_("File format"),
        choices=[("xlsx", _("Excel (xlsx)")), ("csv", _("CSV"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    reveal = forms.BooleanField(
        label=_("Include full ID numbers and phones"),
        required=False,
        help_text=_("Recorded in the audit log. Otherwise they are masked."),
    )
    password = forms.CharField(
        label=_("Password for a zip file (optional)"),
        required=False,
        min_length=MIN_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The file is then put in an encrypted zip; give the password separately."),
    )

    def __init__(self, *args: Any, may_reveal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_reveal:
            del self.fields["reveal"]


def _filters(request: HttpRequest, params: QueryDict) -> tuple[PersonFilter, QueryDict]:
    """The people list's filter from the parameters, as the list itself reads it."""
    areas = _areas_for_filter(request.user)
    by_code = {unit.code: unit for unit in areas}
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = params.get(key, "").strip()
        if value:
            kept[key] = value
    form = PersonFilterForm(kept or None, units=[(u.code, u.name) for u in areas])
    filters = PersonFilter(
        search=form.value("q") or "",
        within=by_code.get(form.value("unit") or ""),
        category=form.value("category") or "",
        on=form.value("on"),
        age_min=form.value("age_min"),
        age_max=form.value("age_max"),
        sex=form.value("sex") or "",
    )
    return filters, kept


def _may_reveal(user: Any, filters: PersonFilter) -> bool:
    units = [filters.within] if filters.within is not None else access.home_units(user)
    return bool(units) and all(access.can(user, Perm.REVEAL, unit) for unit in units)


@login_required
@require_http_methods(["GET", "POST"])
def person_export(request: HttpRequest) -> HttpResponseBase:
    """Export the people list as filtered: a small form, then the file or a progress page."""
    params = request.POST if request.method == "POST" else request.GET
    filters, kept = _filters(request, params)
    may_reveal = _may_reveal(request.user, filters)
    rows = person_list(request.user, filters).count()
    form = ExportForm(request.POST or None, may_reveal=may_reveal)
    if request.method == "POST" and form.is_valid():
        fmt = services.check_format(form.cleaned_data["fmt"])
        reveal = bool(form.cleaned_data.get("reveal"))
        password = form.cleaned_data["password"] or None
        try:
            if password or rows > BACKGROUND_ROWS:
                progress = services.export_people_start(
                    actor=request.user, filters=filters, fmt=fmt, reveal=reveal, password=password
                )
                return redirect("export_progress", progress_id=progress.pk)
            return services.export_people_response(
                actor=request.user, filters=filters, fmt=fmt, reveal=reveal
            )
        except ApplicationError as error:
            form.add_service_error(error)
    return render(
        request,
        "web/exports/form.html",
        {
            "form": form,
            "rows": rows,
            "hidden": [(key, kept[key]) for key in kept],
            "query": kept.urlencode(),
            "background_rows": BACKGROUND_ROWS,
        },
    )


def _own_export(request: HttpRequest, progress_id: str) -> Progress:
    return get_object_or_404(
        Progress, pk=progress_id, owner=request.user, label=services.EXPORT_LABEL
    )


@login_required
def export_progress(request: HttpRequest, progress_id: str) -> HttpResponse:
    """A background export's progress, then its download link; for the user who asked only."""
    progress = _own_export(request, progress_id)
    rows = None
    if progress.state == Progress.State.DONE and progress.message.startswith("ok:"):
        rows = int(progress.message.split(":")[1] or 0)
    template = (
        "web/exports/_bar.html"
        if request.headers.get("HX-Request")
        else "web/exports/progress.html"
    )
    return render(
        request,
        template,
        {"progress": progress, "rows": rows, "expired": progress.message == "expired"},
    )


@login_required
def export_download(request: HttpRequest, progress_id: str) -> HttpResponseBase:
    return services.export_file_response(actor=request.user, progress_id=progress_id)
