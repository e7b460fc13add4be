"""The org-unit browser: a tree to walk, a page per unit, and the forms that change the tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access, selectors, services
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.web.forms import (
    ServiceForm,
    UnitCloseForm,
    UnitCreateForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
)

PAGE_SIZE = 50


def labelled_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts by kind as (label, number), largest first, for a page to show."""
    return sorted(((str(Kind(kind).label), n) for kind, n in counts.items()), key=lambda c: -c[1])


@login_required
def unit_index(request: HttpRequest) -> HttpResponse:
    """Search the units in scope; with no search, start at the top of the user's scope."""
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if not search and not kind:
        roots = access.home_units(request.user)
        if len(roots) == 1:
            return redirect("unit_detail", unit_id=roots[0].pk)
        return render(request, "web/units/index.html", {"roots": roots, "kinds": Kind.choices})
    units = selectors.unit_list(request.user, search=search, kind=kind)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/units/index.html",
        {"page": page, "search": search, "kind": kind, "kinds": Kind.choices},
    )


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.unit_get(request.user, unit_id)
    children = selectors.unit_children(
        request.user, unit, include_closed=request.GET.get("closed") == "1"
    )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.unit_kind_counts(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(request.user, unit),
        "page": page,
        "counts": labelled_counts(counts),
        "history": selectors.unit_history(request.user, unit),
        "can_manage": access.can(request.user, Perm.MANAGE_UNITS, unit),
    }
    return render(request, "web/units/detail.html", context)


@login_required
def unit_children(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The children of a unit as tree rows, for expanding the tree in place (htmx)."""
    unit = access.unit_get(request.user, unit_id)
    children = selectors.unit_children(request.user, unit)[:500]
    return render(request, "web/units/_tree_rows.html", {"children": children})


def _unit_by_code(user: Any, code: str) -> OrgUnit:
    unit = selectors.unit_by_code(user, code)
    if unit is None:
        raise Http404
    return unit


def _unit_form_view(
    request: HttpRequest,
    unit_id: int,
    form_class: type[ServiceForm],
    title: str,
    apply: Callable[[OrgUnit, dict[str, Any]], OrgUnit],
    done_message: str,
) -> HttpResponse:
    unit = access.unit_get(request.user, unit_id, Perm.MANAGE_UNITS)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = apply(unit, form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        except Http404:
            form.add_error(None, _("No unit with that code is within your scope."))
        else:
            messages.success(request, done_message % {"name": result.name})
            return redirect("unit_detail", unit_id=result.pk)
    return render(request, "web/units/form.html", {"unit": unit, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    def apply(parent: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        return services.orgunit_create(
            actor=request.user,
            parent=parent,
            name=data["name"],
            kind=data["kind"],
            code=data["code"] or None,
            opened_on=data["opened_on"],
        )

    return _unit_form_view(
        request, unit_id, UnitCreateForm, _("Add a unit"), apply, _("“%(name)s” has been added.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_rename(request: HttpRequest, unit_id: int) -> HttpResponse:
    def apply(unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        return services.orgunit_rename(
            actor=request.user, unit=unit, name=data["name"], on=data["on"]
        )

    return _unit_form_view(
        request,
        unit_id,
        UnitRenameForm,
        _("Rename"),
        apply,
        _("The unit is now called “%(name)s”."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    def apply(unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        new_parent = _unit_by_code(request.user, data["parent_code"])
        return services.orgunit_move(
            actor=request.user, unit=unit, new_parent=new_parent, on=data["on"]
        )

    return _unit_form_view(
        request, unit_id, UnitMoveForm, _("Move"), apply, _("“%(name)s” has been moved.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request: HttpRequest, unit_id: int) -> HttpResponse:
    def apply(unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        return services.orgunit_close(actor=request.user, unit=unit, on=data["on"])

    return _unit_form_view(
        request, unit_id, UnitCloseForm, _("Close"), apply, _("“%(name)s” has been closed.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, unit_id: int) -> HttpResponse:
    def apply(unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        target = _unit_by_code(request.user, data["target_code"])
        return services.orgunit_merge(
            actor=request.user, sources=[unit], target=target, on=data["on"]
        )

    return _unit_form_view(
        request,
        unit_id,
        UnitMergeForm,
        _("Merge into another unit"),
        apply,
        _("The unit has been merged into “%(name)s”."),
    )
