"""Bringing spreadsheets in: the template, the upload, the dry run, the import and its undo.

Views stay thin: the import services decide and write (`jinguo.imports.services`), the checks
and imports of whole files run in the background with a progress bar, and batches are read
through the user's scope (`jinguo.imports.selectors`). A user who may enter records nowhere
finds nothing here.
"""

from __future__ import annotations

import io
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

import jinguo.imports.people  # noqa: F401 - registers the people import type
from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.core.progress import progress_start
from jinguo.imports import registry, selectors, services
from jinguo.imports.models import ImportBatch
from jinguo.imports.tasks import import_check_task, import_commit_task
from jinguo.imports.workbooks import template_xlsx
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, OrgUnit
from jinguo.web.forms import ServiceForm

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHECK_LABEL = "import check"
COMMIT_LABEL = "import commit"
PAGE_SIZE = 30
ERRORS_SHOWN = 20


# --- forms -------------------------------------------------------------------------------------


class UploadForm(ServiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Record type"))
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit the rows belong to"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Every row must lie inside this unit."),
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("Excel (xlsx or xls), OpenDocument (ods) or CSV, up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (t.key, t.label) for t in registry.all_types()
        ]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _("Upload an Excel (xlsx, xls), OpenDocument (ods) or CSV file.")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; files of up to %(limit)s can be imported.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("What to import"),
        choices=ImportBatch.Mode.choices,
        widget=forms.RadioSelect,
    )


# --- helpers -----------------------------------------------------------------------------------


def _entry_units(user: Any) -> QuerySet[OrgUnit]:
    """The open areas (county, townships, villages) where the user may enter records."""
    units = unit_selectors.unit_list(user).filter(kind__in=AREA_KINDS)
    return access.scoped(user, units, Perm.EDIT)


def _require_edit_scope(user: Any) -> None:
    if not access.scope_paths(user, Perm.EDIT):
        raise Http404


def _default_unit(user: Any) -> OrgUnit | None:
    for unit in access.home_units(user):
        if access.can(user, Perm.EDIT, unit):
            return unit
    return None


def _running(batch: ImportBatch) -> bool:
    return batch.progress is not None and not batch.progress.finished


# --- pages -------------------------------------------------------------------------------------


def _no_undo(batch: ImportBatch) -> Any:
    """Why the batch's type cannot be undone, or None."""
    import_type = registry.get(batch.kind)
    return import_type.no_undo if import_type is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    """Choose a record type and a unit, download the template, upload; the imports so far."""
    _require_edit_scope(request.user)
    units = _entry_units(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_upload(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    unit=form.cleaned_data["unit"],
                    file_name=PurePath(upload.name).name,
                    data=upload.read(),
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                progress = progress_start(owner_id=int(request.user.pk or 0), label=CHECK_LABEL)
                batch.progress = progress
                batch.save(update_fields=["progress"])
                import_check_task.enqueue(
                    str(progress.pk), str(batch.pk), int(request.user.pk or 0)
                )
                return redirect("import_batch", batch_id=batch.pk)
    else:
        default = _default_unit(request.user)
        form = UploadForm(
            initial={"unit": default.pk if default else None, "kind": "people"}, units=units
        )
    page = Paginator(selectors.batch_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/imports/index.html",
        {"form": form, "page": page, "types": registry.all_types()},
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The blank workbook for a record type, headers in the current language."""
    _require_edit_scope(request.user)
    import_type = registry.get(kind)
    if import_type is None:
        raise Http404
    language = translation.get_language() or "zh-hans"
    title = str(import_type.label)
    data = template_xlsx(title, import_type.columns, language=language)
    filename = _("%(type)s import template") % {"type": title}
    if language.startswith("zh"):
        filename = filename.replace(" ", "")
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_batch(request: HttpRequest, batch_id: str) -> HttpResponse:
    """A batch: its progress while checked or imported, then its counts, errors and actions."""
    batch = selectors.batch_get(request.user, batch_id)
    if request.headers.get("HX-Request"):
        if not _running(batch):
            # Finished: the whole page is drawn again with the counts and the actions.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(
            request, "web/imports/_bar.html", {"progress": batch.progress, "batch": batch}
        )
    counts = (
        batch.commit_counts if batch.status == ImportBatch.Status.COMMITTED else batch.check_counts
    )
    errors = int(counts.get("errors", 0)) if counts else 0
    form = CommitForm(
        initial={"mode": ImportBatch.Mode.VALID_ONLY if errors else ImportBatch.Mode.ALL_OR_NOTHING}
    )
    return render(
        request,
        "web/imports/batch.html",
        {
            "batch": batch,
            "import_type": registry.get(batch.kind),
            "running": _running(batch),
            "progress": batch.progress,
            "counts": counts,
            "error_count": errors,
            "first_errors": batch.first_errors[:ERRORS_SHOWN],
            "more_errors": max(len(batch.first_errors) - ERRORS_SHOWN, 0),
            "form": form,
            "can_commit": batch.status in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED)
            and bool(batch.check_counts)
            and not _running(batch),
            "can_undo": batch.status == ImportBatch.Status.COMMITTED and _no_undo(batch) is None,
            "no_undo": _no_undo(batch),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = selectors.batch_get(request.user, batch_id)
    access.require(request.user, Perm.EDIT, batch.unit)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to import."))
        return redirect("import_batch", batch_id=batch.pk)
    if _running(batch):
        messages.error(request, _("This file is still being processed."))
        return redirect("import_batch", batch_id=batch.pk)
    progress = progress_start(owner_id=int(request.user.pk or 0), label=COMMIT_LABEL)
    batch.progress = progress
    batch.save(update_fields=["progress"])
    import_commit_task.enqueue(
        str(progress.pk), str(batch.pk), int(request.user.pk or 0), form.cleaned_data["mode"]
    )
    return redirect("import_batch", batch_id=batch.pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Undo a whole import, after a confirmation page."""
    batch = selectors.batch_get(request.user, batch_id)
    access.require(request.user, Perm.EDIT, batch.unit)
    if request.method == "POST":
        try:
            services.import_undo(actor=request.user, batch=batch)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The import has been undone."))
        return redirect("import_batch", batch_id=batch.pk)
    return render(
        request,
        "web/imports/undo.html",
        {"batch": batch, "items": batch.items.count(), "import_type": registry.get(batch.kind)},
    )


@login_required
def import_errors(request: HttpRequest, batch_id: str) -> HttpResponseBase:
    """The rows that were not imported, with what is wrong with each, as a workbook."""
    batch = selectors.batch_get(request.user, batch_id)
    name = batch.error_file_path
    if not name or not name.startswith(f"imports/{batch.pk}/") or not default_storage.exists(name):
        raise Http404
    stem = PurePath(batch.file_name).stem
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=_("%(file)s - errors") % {"file": stem} + ".xlsx",
        content_type=XLSX,
    )
    response["Cache-Control"] = "no-store"
    return response
