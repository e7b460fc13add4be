"""Statistical tables (统计报表): the list, one table on screen, and its .xlsx.

A table is filled for a unit (``?unit=``, default the top of the user's scope; 404 outside it)
and a period (``?period=``, any key `metrics.periods.parse` reads; default the current year).
Each figure links to its drill-down (``figure``), each child area to the same table one level
down. The .xlsx takes the names of the footer as ``head``, ``checker``, ``filler`` and the
report date as ``on`` (YYYY-MM-DD); left out, they are blank lines to sign and today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.metrics import periods
from jinguo.metrics.periods import Period
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.reports import tables
from jinguo.reports.tables import Cell, Grid
from jinguo.reports.xlsx import (
    CONTENT_TYPE,
    Signatures,
    column_header,
    signature_line,
    table_xlsx,
    text_columns,
)

NAME_LIMIT = 40  # characters of a name in the footer


def _unit(request: HttpRequest) -> OrgUnit | None:
    """The unit asked for (404 when out of scope), else the first unit of the user's scope."""
    unit_id = request.GET.get("unit")
    if unit_id:
        return access.unit_get(request.user, unit_id)
    home = access.home_units(request.user)
    return home[0] if home else None


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, else the current year; and the refusal of a bad key."""
    key = request.GET.get("period", "").strip()
    this_year = periods.year(timezone.localdate().year)
    if not key:
        return this_year, ""
    try:
        return periods.parse(key), ""
    except ApplicationError as error:
        return this_year, str(error)


def _suggestions() -> list[Period]:
    """Periods offered beside the period field."""
    today = timezone.localdate()
    year = today.year
    keys = [
        f"{year}",
        f"{year - 1}",
        f"{year}H1",
        f"{year - 1}A",
        f"{year}Q{(today.month + 2) // 3}",
        f"{year}-{today.month:02d}",
    ]
    return [periods.parse(key) for key in keys]


def _signatures(request: HttpRequest) -> Signatures:
    on: dt.date | None = None
    raw = request.GET.get("on", "").strip()
    if raw:
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            on = None
    return Signatures(
        head=request.GET.get("head", "").strip()[:NAME_LIMIT],
        checker=request.GET.get("checker", "").strip()[:NAME_LIMIT],
        filler=request.GET.get("filler", "").strip()[:NAME_LIMIT],
        on=on,
    )


def table_url(name: str, key: str, unit_id: int, period: str, **extra: str) -> str:
    query = {"unit": unit_id, "period": period, **{k: v for k, v in extra.items() if v}}
    return f"{reverse(name, args=[key])}?{urlencode(query)}"


def drill_url(cell: Cell) -> str:
    """The drill-down of a cell's figure (the dashboard's ``figure`` page), "" for none."""
    if cell.drill is None:
        return ""
    query: dict[str, Any] = {"unit": cell.drill.unit, "period": cell.drill.period}
    if cell.drill.about:
        query["about"] = cell.drill.about_param
    return f"{reverse('figure', args=[cell.drill.metric])}?{urlencode(query)}"


def _header(grid: Grid) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The header rows: the upper one (text columns and groups spanning their columns, or
    ungrouped columns spanning both rows) and, for a grouped table, the lower one."""
    levels = 2 if grid.grouped else 1
    upper: list[dict[str, Any]] = [
        {"text": text, "colspan": 1, "rowspan": levels, "span": ""} for text in text_columns(grid)
    ]
    lower: list[dict[str, Any]] = []
    index = 0
    for group, columns in grid.header_groups():
        if group:
            upper.append({"text": group, "colspan": len(columns), "rowspan": 1, "span": ""})
            for j, column in enumerate(columns):
                lower.append(
                    {
                        "text": column_header(grid, index + j),
                        "colspan": 1,
                        "rowspan": 1,
                        "span": column.span,
                    }
                )
        else:
            column = columns[0]
            upper.append(
                {
                    "text": column_header(grid, index),
                    "colspan": 1,
                    "rowspan": levels,
                    "span": column.span,
                }
            )
        index += len(columns)
    return upper, lower


def _lines(grid: Grid) -> list[dict[str, Any]]:
    """The rows as the template draws them: each cell with its link and whether it failed."""
    failing = grid.failing
    lines = []
    for row in grid.rows:
        cells = []
        for column in grid.columns:
            cell = row.cells[column.key]
            cells.append(
                {
                    "cell": cell,
                    "url": drill_url(cell),
                    "failed": (row.key, column.key) in failing,
                    "title": row.definition or column.definition,
                }
            )
        link = ""
        if row.unit is not None and row.kind == tables.RowKind.PART:
            link = table_url("table", grid.table.key, row.unit, grid.period_key)
        lines.append({"row": row, "cells": cells, "link": link})
    return lines


@login_required
@require_GET
def table_index(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    period, error = _period(request)
    entries = [
        {
            "table": table,
            "url": table_url("table", table.key, unit.pk, period.key) if unit else "",
            "xlsx": table_url("table_xlsx", table.key, unit.pk, period.key) if unit else "",
        }
        for table in tables.all_tables()
    ]
    return render(
        request,
        "web/tables/index.html",
        {
            "unit": unit,
            "units": access.home_units(request.user),
            "period": period,
            "period_error": error,
            # What she typed stays in the field when it is refused.
            "period_input": request.GET.get("period", "") if error else period.key,
            "suggestions": _suggestions(),
            "entries": entries,
        },
    )


def _grid(request: HttpRequest, key: str) -> tuple[Grid, OrgUnit, Period, str]:
    table = tables.get(key)
    unit = _unit(request)
    if unit is None:
        raise Http404
    period, error = _period(request)
    return tables.table_evaluate(request.user, table, unit, period), unit, period, error


@login_required
@require_GET
def table_detail(request: HttpRequest, key: str) -> HttpResponse:
    grid, unit, period, error = _grid(request, key)
    parent = (
        unit.parent if unit.parent and access.can(request.user, Perm.VIEW, unit.parent) else None
    )
    signatures = _signatures(request)
    return render(
        request,
        "web/tables/detail.html",
        {
            "grid": grid,
            "unit": unit,
            "period": period,
            "period_error": error,
            # What she typed stays in the field when it is refused.
            "period_input": request.GET.get("period", "") if error else period.key,
            "suggestions": _suggestions(),
            "lines": _lines(grid),
            "header": _header(grid),
            "text_codes": list("甲乙"[: len(text_columns(grid))]),
            "up": table_url("table", key, parent.pk, period.key) if parent else "",
            "up_name": parent.name if parent else "",
            "signatures": signatures,
            "signature_line": signature_line(signatures),
            "xlsx_url": reverse("table_xlsx", args=[key]),
        },
    )


@login_required
@require_GET
def table_xlsx_download(request: HttpRequest, key: str) -> HttpResponse:
    grid, unit, period, error = _grid(request, key)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    data = table_xlsx(grid, _signatures(request))
    name = f"{grid.table.code}_{unit.name}_{period.key}.xlsx"
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
