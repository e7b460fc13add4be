"""The annual work summary (工作总结): choose a unit and a year, read the summary with every
figure linked to its records, download it as Word (or PDF where LibreOffice is installed),
store it as a snapshot and see what changed since; and, for who approves at a unit, edit the
paragraphs it is written from.

Views stay thin: `jinguo.reports.summary` builds and renders, `jinguo.reports.services` writes
the paragraphs; scope comes from `jinguo.orgunits.access` (a unit out of sight is 404, a unit
seen without the permission 403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.metrics import periods, registry
from jinguo.metrics.periods import Period
from jinguo.orgunits import access
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.reports import services
from jinguo.reports import summary as reports
from jinguo.reports.models import Paragraph, Section, Snapshot
from jinguo.web.forms import ServiceForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SNAPSHOTS_LISTED = 30
# The units one may choose on the index: the top of one's scope and the areas below it down to
# townships (a village's summary is reached from its own page or by choosing it at the top).
TOWNSHIP_LEVEL = (Kind.TOWN, Kind.TOWNSHIP, Kind.SUMU, Kind.SUBDISTRICT, Kind.FARM)


# --- forms ----------------------------------------------------------------------------------------


class SummaryForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            (unit.pk, f"{'　' * max(0, unit.depth - units[0].depth)}{unit.name}") for unit in units
        ]


class ParagraphForm(ServiceForm):
    heading = forms.CharField(label=gettext_lazy("Heading"), max_length=200, required=False)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "summary-text"}),
        help_text=gettext_lazy(
            "Figures in braces: {loans.count}, {benefits.cash|项目=programme name}, "
            "{left_behind.children|期间=2014-06}, {donations.cash|场所=place|万}. "
            "The list of metrics is below."
        ),
    )
    order = forms.IntegerField(
        label=gettext_lazy("Order"),
        min_value=0,
        max_value=9999,
        help_text=gettext_lazy("Items are numbered 1, 2, 3 … in this order within their section."),
    )
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False)
    base_id = forms.IntegerField(widget=forms.HiddenInput)
    base_version = forms.IntegerField(widget=forms.HiddenInput)


class NewParagraphForm(ServiceForm):
    section = forms.ChoiceField(label=gettext_lazy("Section"), choices=Section.choices)
    heading = ParagraphForm.base_fields["heading"]
    text = ParagraphForm.base_fields["text"]
    order = ParagraphForm.base_fields["order"]


# --- helpers --------------------------------------------------------------------------------------


def _units(user: Any) -> list[OrgUnit]:
    units: list[OrgUnit] = []
    for home in access.home_units(user):
        units.append(home)
        below = OrgUnit.objects.filter(path__startswith=home.path, kind__in=TOWNSHIP_LEVEL)
        units += list(below.exclude(pk=home.pk).order_by("path"))
    return units


def _period(key: str) -> Period:
    try:
        return periods.parse(key)
    except ApplicationError:
        raise Http404 from None


def _snapshots(user: Any) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(access.scope_q(user, path_field="unit__path")).select_related(
        "unit", "created_by"
    )


def _snapshot_get(user: Any, snapshot_id: int) -> Snapshot:
    return access.get_in(_snapshots(user), snapshot_id)


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _view_url(unit: OrgUnit, period: str) -> str:
    return reverse("summary_view", args=[unit.pk, period])


def _year_of(request: HttpRequest) -> str | None:
    """The summary a paragraph page was reached from (?year=2014): names are checked for it."""
    year = request.GET.get("year") or request.POST.get("year") or ""
    try:
        return periods.parse(year).key if year else None
    except ApplicationError:
        return None


# --- the summary ----------------------------------------------------------------------------------


@login_required
@require_GET
def summary_index(request: HttpRequest) -> HttpResponse:
    """Choose a unit and a year; the latest snapshots of one's area."""
    user = request.user
    units = _units(user)
    initial = {"year": timezone.localdate().year - 1, "unit": units[0].pk if units else None}
    form = SummaryForm(request.GET or None, units=units, initial=initial)
    if request.GET and units and form.is_valid():
        unit = access.unit_get(user, form.cleaned_data["unit"])
        return redirect("summary_view", unit_id=unit.pk, period=str(form.cleaned_data["year"]))
    return render(
        request,
        "web/summary/index.html",
        {
            "form": form if units else None,
            "snapshots": _snapshots(user)[:SNAPSHOTS_LISTED],
        },
    )


@login_required
@require_GET
def summary_view(request: HttpRequest, unit_id: int, period: str) -> HttpResponse:
    """The summary as it reads now, each figure a link to its records."""
    user = request.user
    unit = access.unit_get(user, unit_id)
    built = reports.summary_build(unit, _period(period).key, user=user, strict=False)
    return render(
        request,
        "web/summary/view.html",
        {
            "unit": unit,
            "summary": built,
            "body": mark_safe(reports.summary_html(built)),  # noqa: S308 - escaped by the builder
            "figures": built.figure_list(),
            "problems": [str(problem) for problem in built.problems],
            "snapshots": Snapshot.objects.filter(unit=unit, period=built.period).select_related(
                "created_by"
            )[:SNAPSHOTS_LISTED],
            "can_snapshot": access.can(user, Perm.EDIT, unit),
            "can_edit": access.can(user, Perm.APPROVE, unit),
            "pdf": reports.pdf_available(),
        },
    )


@login_required
@require_GET
def summary_download(request: HttpRequest, unit_id: int, period: str) -> HttpResponse:
    """The summary as .docx (or ?format=pdf, where LibreOffice is installed)."""
    user = request.user
    unit = access.unit_get(user, unit_id)
    built = reports.summary_build(unit, _period(period).key, user=user, strict=False)
    if built.problems:
        messages.error(
            request, _("Some paragraphs cannot be read; correct them before downloading.")
        )
        return redirect(_view_url(unit, built.period))
    if request.GET.get("format") == "pdf":
        try:
            data = reports.summary_pdf(built)
        except ApplicationError as error:
            messages.error(request, str(error))
            return redirect(_view_url(unit, built.period))
        return _attachment(data, f"{built.title}.pdf", "application/pdf")
    return _attachment(reports.summary_docx(built), f"{built.title}.docx", DOCX)


@login_required
@require_POST
def snapshot_create(request: HttpRequest, unit_id: int, period: str) -> HttpResponse:
    """Store the summary as it reads now, figures frozen (for who enters records there)."""
    user = request.user
    unit = access.unit_get(user, unit_id, Perm.EDIT)
    key = _period(period).key
    try:
        snapshot = reports.snapshot_create(
            actor=user, unit=unit, year=key, note=request.POST.get("note", "")[:200]
        )
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(_view_url(unit, key))
    messages.success(request, _("The summary has been stored with its figures."))
    return redirect("snapshot_detail", snapshot_id=snapshot.pk)


# --- snapshots ---------------------------------------------------------------------------------


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = _snapshot_get(request.user, snapshot_id)
    stored = reports.snapshot_summary(snapshot)
    others = (
        Snapshot.objects.filter(unit=snapshot.unit, period=snapshot.period)
        .exclude(pk=snapshot.pk)
        .select_related("created_by")[:SNAPSHOTS_LISTED]
    )
    return render(
        request,
        "web/summary/snapshot.html",
        {
            "snapshot": snapshot,
            "body": mark_safe(snapshot.html),  # noqa: S308 - the builder's escaped HTML
            "figures": stored.figure_list(),
            "others": others,
        },
    )


@login_required
@require_GET
def snapshot_download(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = _snapshot_get(request.user, snapshot_id)
    stored = reports.snapshot_summary(snapshot)
    filename = f"{stored.title}（{snapshot.created_at:%Y-%m-%d}）.docx"
    return _attachment(reports.summary_docx(stored), filename, DOCX)


@login_required
@require_GET
def snapshot_changes(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """What changed since the snapshot: against the summary as it reads now, or (?to=) against
    a later snapshot of the same unit and period."""
    user = request.user
    snapshot = _snapshot_get(user, snapshot_id)
    later: Snapshot | None = None
    problems: list[str] = []
    if request.GET.get("to"):
        later = _snapshot_get(user, request.GET["to"])  # type: ignore[arg-type]
        if (later.unit_id, later.period) != (snapshot.unit_id, snapshot.period):
            raise Http404
        diff = reports.snapshot_diff(snapshot, later)
    else:
        fresh = reports.summary_build(snapshot.unit, snapshot.period, user=user, strict=False)
        problems = [str(problem) for problem in fresh.problems]
        diff = reports.snapshot_diff(snapshot, fresh)
    return render(
        request,
        "web/summary/changes.html",
        {
            "snapshot": snapshot,
            "later": later,
            "diff": diff,
            "changed": [
                (change, reports.figure_url(change.new), change.new.decimal, change.old.decimal)
                for change in diff.changed
            ],
            "added": [(figure, reports.figure_url(figure)) for figure in diff.added],
            "problems": problems,
        },
    )


# --- paragraphs -----------------------------------------------------------------------------------


def _origin(row: Paragraph, unit: OrgUnit) -> str:
    if row.owner_id is None:
        return _("the shipped ones")
    if row.owner_id == unit.pk:
        return _("this unit's own")
    assert row.owner is not None  # noqa: S101 - owner_id is set
    return _("from %(unit)s") % {"unit": row.owner.name}


def _help_context(unit: OrgUnit) -> dict[str, Any]:
    """What a paragraph may name: the metrics, and the programmes, campaigns and places near."""
    from jinguo.donations.models import Campaign, CharityPlace
    from jinguo.programmes.models import Programme

    near = {"owner__path__startswith": unit.path}
    above = {"owner_id__in": unit.ancestor_ids()}
    metrics = sorted(
        registry.METRICS.values(), key=lambda m: (list(registry.Area).index(m.area), m.key)
    )
    return {
        "metrics": [(m.key, m.label, m.measure, m.area.label) for m in metrics],
        "programmes": sorted(
            {p.name for p in Programme.objects.filter(**near)}
            | {p.name for p in Programme.objects.filter(**above)}
        ),
        "campaigns": sorted(
            {c.name for c in Campaign.objects.filter(**near)}
            | {c.name for c in Campaign.objects.filter(**above)}
        ),
        "places": sorted(
            CharityPlace.objects.filter(unit__path__startswith=unit.path).values_list(
                "unit__name", flat=True
            )
        ),
    }


def _back(unit: OrgUnit, year: str | None) -> str:
    query = f"?{urlencode({'year': year})}" if year else ""
    return reverse("paragraph_index", args=[unit.pk]) + query


@login_required
@require_GET
def paragraph_index(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The paragraphs the unit's summary is written from, with where each one's words come from."""
    unit = access.unit_get(request.user, unit_id, Perm.APPROVE)
    year = _year_of(request)
    rows = reports.paragraphs_for(unit, with_inactive=True)
    sections = []
    for value, label in Section.choices:
        of_section = [(row, _origin(row, unit)) for row in rows if row.section == value]
        sections.append((label, of_section))
    return render(
        request,
        "web/summary/paragraphs.html",
        {
            "unit": unit,
            "year": year,
            "sections": sections,
            "summary_url": _view_url(unit, year) if year else "",
            "query": f"?{urlencode({'year': year})}" if year else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def paragraph_edit(request: HttpRequest, unit_id: int, key: str) -> HttpResponse:
    """Change a paragraph's words for the unit (and the units below it without their own)."""
    user = request.user
    unit = access.unit_get(user, unit_id, Perm.APPROVE)
    year = _year_of(request)
    current = next(
        (row for row in reports.paragraphs_for(unit, with_inactive=True) if row.key == key), None
    )
    if current is None:
        raise Http404
    form = ParagraphForm(
        request.POST or None,
        initial={
            "heading": current.heading,
            "text": current.text,
            "order": current.order,
            "active": current.active,
            "base_id": current.pk,
            "base_version": current.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.paragraph_save(
                actor=user,
                unit=unit,
                key=key,
                heading=data["heading"],
                text=data["text"],
                active=data["active"],
                order=data["order"],
                base_id=data["base_id"],
                base_version=data["base_version"],
                year=year,
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The paragraph has been saved for %(unit)s.") % {"unit": unit.name}
            )
            return redirect(_back(unit, year))
    return render(
        request,
        "web/summary/paragraph_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "paragraph": current,
            "origin": _origin(current, unit),
            "own": current.owner_id == unit.pk,
            "back": _back(unit, year),
            **_help_context(unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def paragraph_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = access.unit_get(user, unit_id, Perm.APPROVE)
    year = _year_of(request)
    form = NewParagraphForm(
        request.POST or None, initial={"section": Section.CLOSING, "order": 100}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.paragraph_create(
                actor=user,
                unit=unit,
                section=data["section"],
                heading=data["heading"],
                text=data["text"],
                order=data["order"],
                year=year,
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The paragraph has been added for %(unit)s.") % {"unit": unit.name}
            )
            return redirect(_back(unit, year))
    return render(
        request,
        "web/summary/paragraph_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "back": _back(unit, year),
            **_help_context(unit),
        },
    )


@login_required
@require_POST
def paragraph_reset(request: HttpRequest, unit_id: int, key: str) -> HttpResponse:
    """Drop the unit's own words: the inherited paragraph applies again."""
    user = request.user
    unit = access.unit_get(user, unit_id, Perm.APPROVE)
    year = _year_of(request)
    try:
        services.paragraph_reset(actor=user, unit=unit, key=key)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The paragraph reads as inherited again."))
    return redirect(_back(unit, year))
