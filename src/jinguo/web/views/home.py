from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jinguo.activities import selectors as activity_selectors
from jinguo.orgunits import access, selectors
from jinguo.orgunits.models import Kind
from jinguo.programmes import selectors as programme_selectors
from jinguo.web.navigation import WORK_AREAS_BY_KEY
from jinguo.web.views.units import labelled_counts

SECTION_SIZE = 100


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = access.home_units(request.user)
    cards = [(unit, selectors.unit_kind_counts(request.user, unit)) for unit in units]
    summaries = [(unit, labelled_counts(counts)) for unit, counts in cards]
    today = timezone.localdate()
    overdue: dict[str, int] = {}
    if units:
        # What is late in her area: pairings whose call or visit lapsed, needs past their date.
        overdue = {
            "pairings": len(activity_selectors.overdue_pairings(request.user, on=today)),
            "needs": activity_selectors.overdue_needs(request.user, on=today).count(),
        }
    return render(
        request, "web/home.html", {"cards": cards, "summaries": summaries, "overdue": overdue}
    )


@login_required
def work_area(request: HttpRequest, key: str) -> HttpResponse:
    area = WORK_AREAS_BY_KEY.get(key)
    if area is None:
        raise Http404
    sections = []
    for kind in area.unit_kinds:
        units = selectors.unit_list(request.user, kind=kind)
        sections.append(
            {
                "label": Kind(kind).label,
                "kind": kind,
                "count": units.count(),
                "units": units[:SECTION_SIZE],
            }
        )
    programmes = programme_selectors.programme_list(request.user).filter(work_area=area.key)
    return render(
        request,
        "web/work_area.html",
        {
            "area": area,
            "sections": sections,
            "programmes": programmes[:SECTION_SIZE],
            "programme_count": programmes.count(),
        },
    )
