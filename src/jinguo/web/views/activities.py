"""Activities (活动) and their attendance, QR check-in (签到), volunteers (志愿者), pairings (结对)
and village assistance (包联村, 下基层访妇情).

Views stay thin: forms check the shape of the input, `jinguo.activities.services` decides and
writes, reads go through `jinguo.activities.selectors` (scoped by `jinguo.orgunits.access`). An
activity is seen by whoever sees the unit that recorded it or the place it was held; its
attendance sheet names only the people the viewer may see, and says how many others it counts.
Photos and files of an activity are served by `activity_file`, which checks scope first.

The public page `checkin` is the one page here without sign-in: a participant who scanned the
QR code gives her name and mobile number, and is told whether she is on the sheet. It shows the
activity's title, date and place and nothing else.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.accounts.roles import Perm
from jinguo.activities import selectors, services
from jinguo.activities.choices import (
    ActivityKind,
    Group,
    Headcount,
    NeedStatus,
    PairingKind,
)
from jinguo.activities.models import (
    Activity,
    Need,
    Pairing,
    PendingCheckin,
    Volunteer,
    VolunteerTeam,
)
from jinguo.activities.volunteer_export import volunteer_export_response
from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_phone
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, ORGANISATION_KINDS, Kind, OrgUnit
from jinguo.people import selectors as people_selectors
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter
from jinguo.programmes import selectors as programme_selectors
from jinguo.programmes import services as programme_services
from jinguo.programmes.choices import OrganisationKind
from jinguo.programmes.models import Organisation
from jinguo.web.activities_forms import (
    ActivityFilterForm,
    ActivityForm,
    CheckinForm,
    ContactForm,
    CountsForm,
    DayForm,
    EndForm,
    FileForm,
    NeedFilterForm,
    NeedUpdateForm,
    PairingFilterForm,
    PairingForm,
    ServiceRecordForm,
    TeamFilterForm,
    VisitForm,
    VolunteerAddForm,
    VolunteerExportForm,
)
from jinguo.web.programmes_forms import PeriodForm, split_names
from jinguo.web.views.people import VILLAGE_KINDS, _is_sensitive_search, _search_params
from jinguo.web.views.programmes import _private_file, _query

PAGE_SIZE = 30
SHEET_PAGE_SIZE = 50
SEARCH_RESULTS = 20
RECENT = 10
CALENDAR_LIMIT = 500
VILLAGES_SHOWN = 50
DAYS_OFFERED = 62
# While a check-in code works, the figures and the unconfirmed check-ins refresh this often.
POLL_SECONDS = 5
# Organisations of a village (its federation and Women's Home) organise their own activities;
# they are not offered as co-organisers, which keeps the list of a county to its departments,
# teams, posts and schools.
LOCAL_KINDS = (Kind.FEDERATION, Kind.WOMENS_HOME)
CHECKIN_OUTCOMES = {
    "present": gettext_lazy("Checked in. Welcome!"),
    "repeat": gettext_lazy("You have already checked in; there is no need to do it again."),
    "pending": gettext_lazy("Sent. The organisers will confirm your check-in."),
}
# Who is on each side of a pairing of people, by kind.
PAIRING_SIDES = {
    PairingKind.CARING_MOTHER: (gettext_lazy("Caring mother"), gettext_lazy("Paired child")),
    PairingKind.EMPTY_NEST: (gettext_lazy("Volunteer"), gettext_lazy("Empty-nest mother")),
    PairingKind.POST_VILLAGE: (gettext_lazy("Civilised post"), gettext_lazy("Village")),
}
OPEN_NEEDS = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


# --- helpers --------------------------------------------------------------------------------------


def _require_entry(user: Any) -> None:
    """Pages that enter records: a user who may enter nothing anywhere finds nothing here."""
    if not access.scope_paths(user, Perm.EDIT):
        raise Http404


def _may_keep_sheet(user: Any, activity: Activity) -> bool:
    """The recording unit and the place it was held keep the attendance sheet and the codes."""
    units = [unit for unit in (activity.owner, activity.place) if unit is not None]
    return any(access.can(user, Perm.EDIT, unit) for unit in units)


def _require_sheet(user: Any, activity: Activity) -> None:
    if not _may_keep_sheet(user, activity):
        raise PermissionDenied


def _require_owner(user: Any, activity: Activity) -> None:
    if not access.can(user, Perm.EDIT, activity.owner):
        raise PermissionDenied


def _names(activity: Activity) -> bool:
    return activity.headcount == Headcount.ATTENDANCE


def _activity_url(activity: Activity, anchor: str = "") -> str:
    return reverse("activity_detail", kwargs={"activity_id": activity.pk}) + anchor


def _days(activity: Activity) -> list[dt.date]:
    """The days of the activity (the first two months of a long one)."""
    first, last = services.activity_days(activity)
    count = min((last - first).days + 1, DAYS_OFFERED)
    return [first + dt.timedelta(days=n) for n in range(count)]


def _default_day(days: list[dt.date]) -> dt.date:
    today = timezone.localdate()
    return today if today in days else days[0]


def _day_form(activity: Activity, data: Any = None) -> DayForm:
    days = _days(activity)
    return DayForm(data, days=days, initial={"day": _default_day(days).isoformat()})


def _organisation(user: Any, name: str, kind: str) -> Organisation:
    return programme_services.organisation_get_or_create(actor=user, name=name, kind=kind)


def _people_found(user: Any, search: str, perm: Perm = Perm.VIEW) -> list[dict[str, Any]]:
    """The people list's search (name, pinyin, initials, phone digits, ID number) over the
    people the user may see, or enter records for."""
    if not search:
        return []
    people = people_selectors.person_list(user, PersonFilter(search=search))
    if perm != Perm.VIEW:
        people = people.filter(access.scope_q(user, perm, path_field="residence__path"))
    today = timezone.localdate()
    return [{"person": p, "age": p.age_on(today)} for p in people[:SEARCH_RESULTS]]


def _owner_units(user: Any) -> QuerySet[OrgUnit]:
    """Open units where the user enters records, in tree order: who may record an activity."""
    return access.scoped(user, unit_selectors.unit_list(user), Perm.EDIT).order_by("path")


def _place_units(user: Any, keep: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Open units the user sees (and the place already chosen), in tree order."""
    open_or_kept = Q(closed_on__isnull=True) | Q(pk=keep.pk if keep else None)
    units = unit_selectors.unit_list(user, include_closed=True).filter(open_or_kept)
    return units.order_by("path")


def _organiser_units(user: Any, keep: list[int] | None = None) -> QuerySet[OrgUnit]:
    """Organisations the user sees that organise activities with others (and those chosen)."""
    usual = (
        Q(kind__in=ORGANISATION_KINDS, closed_on__isnull=True)
        & ~Q(kind__in=LOCAL_KINDS, parent__kind__in=VILLAGE_KINDS)
    ) | Q(pk__in=keep or [])
    return unit_selectors.unit_list(user, include_closed=True).filter(usual).order_by("path")


def _entry_villages(user: Any) -> QuerySet[OrgUnit]:
    """Open villages and communities where the user enters records, in tree order."""
    villages = unit_selectors.unit_list(user).filter(kind__in=VILLAGE_KINDS)
    return access.scoped(user, villages, Perm.EDIT).order_by("path")


def _filter_units(user: Any) -> QuerySet[OrgUnit]:
    return unit_selectors.unit_list(user).filter(kind__in=AREA_KINDS).order_by("path")


def _month_span(month: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month, month.replace(day=last)


def _this_hour() -> dt.datetime:
    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


# --- the list and the calendar --------------------------------------------------------------------


def _filtered_activities(
    request: HttpRequest, *, default_month: dt.date | None = None
) -> tuple[ActivityFilterForm, QuerySet[Activity], dt.date | None]:
    params = request.GET.copy()
    if default_month is not None and not params.get("month"):
        params["month"] = f"{default_month:%Y-%m}"
    form = ActivityFilterForm(params or None, units=_filter_units(request.user))
    month = form.value("month") or default_month
    start, end = _month_span(month) if month else (None, None)
    activities = selectors.activity_list(
        request.user, kind=form.value("kind") or "", start=start, end=end
    )
    unit: OrgUnit | None = form.value("unit")
    if unit is not None:
        activities = activities.filter(
            Q(owner__path__within=unit.path) | Q(place__path__within=unit.path)
        )
    return form, activities, month


@login_required
def activity_index(request: HttpRequest) -> HttpResponse:
    """Activities recorded or held in the user's area, latest first, by kind, month and unit."""
    form, activities, month = _filtered_activities(request)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = selectors.person_times(page.object_list)
    return render(
        request,
        "web/activities/index.html",
        {
            "form": form,
            "page": page,
            "rows": [(activity, totals.get(activity.pk, 0)) for activity in page],
            "query": _query(request.GET),
            "filtered": bool(form.value("kind") or month or form.value("unit")),
            "month": month,
            "can_record": bool(access.scope_paths(request.user, Perm.EDIT)),
        },
    )


@login_required
def activity_calendar(request: HttpRequest) -> HttpResponse:
    """A month of activities as a grid of weeks; on a phone, the days that have some."""
    today = timezone.localdate()
    form, _activities, month = _filtered_activities(request, default_month=today.replace(day=1))
    assert month is not None  # noqa: S101 - a default is given
    first, last = _month_span(month)
    # Those starting in the month, and those that started before it and run into it.
    activities = selectors.activity_list(
        request.user, kind=form.value("kind") or "", end=last
    ).filter(Q(start__date__gte=first) | Q(end__date__gte=first))
    unit: OrgUnit | None = form.value("unit")
    if unit is not None:
        activities = activities.filter(
            Q(owner__path__within=unit.path) | Q(place__path__within=unit.path)
        )
    by_day: dict[dt.date, list[Activity]] = defaultdict(list)
    listed = list(activities.order_by("start", "pk")[:CALENDAR_LIMIT])
    for activity in listed:
        start, end = services.activity_days(activity)
        day = max(start, first)
        while day <= min(end, last):
            by_day[day].append(activity)
            day += dt.timedelta(days=1)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == month.month,
                "today": day == today,
                "activities": by_day.get(day, []) if day.month == month.month else [],
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    keep = _query(request.GET, "month")
    return render(
        request,
        "web/activities/calendar.html",
        {
            "form": form,
            "month": month,
            "weeks": weeks,
            "weekdays": [dt.date(2014, 9, 1) + dt.timedelta(days=n) for n in range(7)],
            "count": len(listed),
            "truncated": len(listed) >= CALENDAR_LIMIT,
            "previous": f"month={previous:%Y-%m}" + (f"&{keep}" if keep else ""),
            "following": f"month={following:%Y-%m}" + (f"&{keep}" if keep else ""),
            "list_query": keep,
            "can_record": bool(access.scope_paths(request.user, Perm.EDIT)),
        },
    )


# --- recording and correcting an activity ---------------------------------------------------------


def _partners(user: Any, data: dict[str, Any], field: str, new: str, kind: str) -> list[Any]:
    return [
        *data.get(field, []),
        *(_organisation(user, name, kind) for name in split_names(data.get(new) or "")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    """Record an activity: what, when, where, with whom, who came and what it cost."""
    user = request.user
    owners = _owner_units(user)
    first = owners.first()
    if first is None:
        raise Http404
    form = ActivityForm(
        request.POST or None,
        owners=owners,
        places=_place_units(user),
        organisers=_organiser_units(user),
        programmes=programme_selectors.programme_list(user),
        organisations=programme_selectors.organisation_list(user),
        initial={"owner": first.pk, "start": _this_hour()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused activity leaves no new partner behind.
            with transaction.atomic():
                training = None
                if data["kind"] == ActivityKind.TRAINING:
                    training = services.TrainingInput(
                        curriculum=data["curriculum"],
                        trainer=data["trainer"],
                        hours=data["hours"] or Decimal(0),
                        assessment=data["assessment"],
                        certificates=data["certificates"] or 0,
                        certificate_issuer=data["certificate_issuer"],
                        certificate_date=data["certificate_date"],
                        buyers=_partners(
                            user, data, "buyers", "new_buyers", OrganisationKind.ENTERPRISE
                        ),
                    )
                activity = services.activity_record(
                    actor=user,
                    owner=data["owner"],
                    kind=data["kind"],
                    headcount=data["headcount"],
                    organisers=list(data.get("organisers", [])),
                    partners=_partners(
                        user, data, "partners", "new_partners", OrganisationKind.OTHER
                    ),
                    training=training,
                    counts=form.count_values(),
                    materials=form.materials(),
                    **form.updates(),
                )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("“%(title)s” has been recorded.") % {"title": activity.title}
            )
            return redirect("activity_detail", activity_id=activity.pk)
    return render(request, "web/activities/form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Correct an activity; only its recording unit may. The form carries the version it
    started from: a save over someone else's newer changes is refused."""
    user = request.user
    activity = selectors.activity_get(user, activity_id)
    _require_owner(user, activity)
    organisers = [unit.pk for unit in activity.organisers.all()]
    organiser_units = _organiser_units(user, keep=organisers)
    initial: dict[str, Any] = {name: getattr(activity, name) for name in ActivityForm.UPDATE_FIELDS}
    initial.update(
        place=activity.place_id,
        programme=activity.programme_id,
        organisers=organisers,
        partners=[organisation.pk for organisation in activity.partners.all()],
        version=activity.version,
    )
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        owners=None,
        places=_place_units(user, keep=activity.place),
        organisers=organiser_units,
        programmes=programme_selectors.programme_list(user),
        organisations=programme_selectors.organisation_list(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Organisers outside the editor's sight are not offered; they stay as they are.
        offered = {unit.pk for unit in organiser_units} if "organisers" in form.fields else set()
        unseen = [unit for unit in activity.organisers.all() if unit.pk not in offered]
        try:
            with transaction.atomic():
                activity = services.activity_update(
                    actor=user,
                    activity=activity,
                    version=data["version"] or 0,
                    organisers=[*data.get("organisers", []), *unseen],
                    partners=_partners(
                        user, data, "partners", "new_partners", OrganisationKind.OTHER
                    ),
                    **form.updates(),
                )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The activity has been saved."))
            return redirect("activity_detail", activity_id=activity.pk)
    return render(request, "web/activities/form.html", {"form": form, "activity": activity})


# --- one activity ---------------------------------------------------------------------------------


def _qr(request: HttpRequest, token: str) -> tuple[str, SafeString]:
    """The public check-in address of a code, and its QR code as inline SVG (made here: no
    image is fetched from anywhere, and inline SVG needs no exception in the CSP)."""
    url = request.build_absolute_uri(reverse("checkin", kwargs={"token": token}))
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff", svgclass="qr"
    )
    return url, mark_safe(svg)  # noqa: S308 - generated by segno from our own address


def _live_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    """What refreshes by itself while a code works: who came, the code, who waits."""
    user = request.user
    can_keep = _may_keep_sheet(user, activity)
    code = selectors.live_code(activity) if _names(activity) and can_keep else None
    pending: list[tuple[PendingCheckin, str]] = []
    if _names(activity) and can_keep:
        pending = [(p, mask_phone(p.phone)) for p in selectors.pending_list(activity)]
    figures = selectors.participation(activity)
    context: dict[str, Any] = {
        "activity": activity,
        "figures": figures,
        "groups": [(label, figures.by_group.get(value, 0)) for value, label in Group.choices],
        "names": _names(activity),
        "can_keep": can_keep,
        "code": code,
        "pending": pending,
        "poll_seconds": POLL_SECONDS,
        "day_form": _day_form(activity),
        "multi_day": len(_days(activity)) > 1,
    }
    if code is not None:
        context["checkin_url"], context["qr"] = _qr(request, code.token)
    return context


def _activity_page(
    request: HttpRequest,
    activity: Activity,
    *,
    counts_form: CountsForm | None = None,
    file_form: FileForm | None = None,
) -> HttpResponse:
    user = request.user
    context = _live_context(request, activity)
    sheet = selectors.attendance_list(user, activity) if _names(activity) else None
    page = Paginator(sheet, SHEET_PAGE_SIZE).get_page(request.GET.get("page")) if sheet else None
    shown = page.paginator.count if page is not None else 0
    files = list(activity.files.all())
    try:
        training = activity.training
    except ObjectDoesNotExist:
        training = None
    if counts_form is None:
        counts = dict(activity.counts.values_list("group", "count"))
        counts_form = CountsForm(initial=counts)
    context.update(
        {
            "page": page,
            "query": "",
            "not_shown": max(context["figures"].person_times - shown, 0) if sheet else 0,
            "training": training,
            "photos": [f for f in files if f.is_photo],
            "documents": [(f, PurePath(f.file.name or "").name) for f in files if not f.is_photo],
            "materials": activity.materials.all(),
            "organisers": sorted(activity.organisers.all(), key=lambda unit: unit.path),
            "partners": sorted(activity.partners.all(), key=lambda o: o.name),
            "can_edit": access.can(user, Perm.EDIT, activity.owner),
            "counts_form": counts_form,
            "file_form": file_form or FileForm(),
            "is_talk": activity.kind == ActivityKind.TALK,
        }
    )
    return render(request, "web/activities/detail.html", context)


@login_required
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _activity_page(request, selectors.activity_get(request.user, activity_id))


@login_required
@require_GET
def activity_live(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The figures and the check-in box, polled by the activity page while a code works."""
    activity = selectors.activity_get(request.user, activity_id)
    return render(request, "web/activities/_live.html", _live_context(request, activity))


@login_required
@require_POST
def counts_set(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get(user, activity_id)
    _require_sheet(user, activity)
    form = CountsForm(request.POST)
    if form.is_valid():
        try:
            services.counts_set(actor=user, activity=activity, counts=form.counts())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The numbers have been saved."))
            return redirect(_activity_url(activity, "#figures"))
    return _activity_page(request, activity, counts_form=form)


# --- the attendance sheet -------------------------------------------------------------------------


def _sheet_activity(request: HttpRequest, activity_id: int) -> Activity:
    """An activity whose sheet the user keeps and which takes names."""
    activity = selectors.activity_get(request.user, activity_id)
    _require_sheet(request.user, activity)
    if not _names(activity):
        raise Http404
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def attendance_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Find people in your area and put them on the sheet, one tap each.

    The search is the people list's (a number is searched by POST and never put into an
    address); after each one added the search stays, for the next.
    """
    user = request.user
    activity = _sheet_activity(request, activity_id)
    url = reverse("attendance_add", kwargs={"activity_id": activity.pk})
    if request.method == "POST" and request.POST.get("person"):
        person = people_selectors.person_get(user, request.POST["person"])
        day_form = _day_form(activity, request.POST)
        try:
            services.attendance_add(
                actor=user, activity=activity, person=person, day=day_form.chosen()
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s is on the sheet.") % {"name": person.name})
        search = request.POST.get("q", "").strip()
        keep = {"q": search} if search and not _is_sensitive_search(search) else {}
        if day_form.chosen():
            keep["day"] = str(day_form.chosen())
        return redirect(f"{url}?{urlencode(keep)}" if keep else url)
    params = _search_params(request, url)
    if isinstance(params, HttpResponse):
        return params
    search = params.get("q", "").strip()
    found = _people_found(user, search)
    day_form = _day_form(activity, {"day": params["day"]} if params.get("day") else None)
    day = day_form.chosen() or _default_day(_days(activity))
    present = set(
        selectors.attendance_list(user, activity)
        .filter(day=day, person__in=[row["person"] for row in found])
        .values_list("person_id", flat=True)
    )
    return render(
        request,
        "web/activities/attendance_add.html",
        {
            "activity": activity,
            "search": search,
            "found": [{**row, "present": row["person"].pk in present} for row in found],
            "day_form": day_form,
            "multi_day": len(_days(activity)) > 1,
        },
    )


@login_required
@require_POST
def attendance_remove(request: HttpRequest, activity_id: int, attendance_id: int) -> HttpResponse:
    user = request.user
    activity = _sheet_activity(request, activity_id)
    attendance = selectors.attendance_list(user, activity).filter(pk=attendance_id).first()
    if attendance is None:
        raise Http404
    attendance.activity = activity
    services.attendance_remove(actor=user, attendance=attendance)
    messages.success(
        request,
        _("%(name)s has been taken off the sheet for %(day)s.")
        % {"name": attendance.person.name, "day": attendance.day.isoformat()},
    )
    return redirect(_activity_url(activity, "#sheet"))


# --- QR check-in ----------------------------------------------------------------------------------


@login_required
@require_POST
def code_issue(request: HttpRequest, activity_id: int) -> HttpResponse:
    """发签到码: a new code for a day of the activity (today unless chosen); earlier codes of
    that day stop working."""
    user = request.user
    activity = _sheet_activity(request, activity_id)
    form = _day_form(activity, request.POST)
    try:
        code = services.checkin_code_issue(actor=user, activity=activity, day=form.chosen())
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The check-in code works until %(time)s.")
            % {"time": f"{timezone.localtime(code.expires_at):%H:%M}"},
        )
    return redirect(_activity_url(activity, "#checkin"))


def _pending(request: HttpRequest, activity_id: int, pending_id: int) -> PendingCheckin:
    """An unconfirmed check-in of an activity whose sheet the user keeps."""
    activity = _sheet_activity(request, activity_id)
    pending = selectors.pending_list(activity).filter(pk=pending_id).first()
    if pending is None:
        raise Http404
    pending.activity = activity
    return pending


@login_required
@require_http_methods(["GET", "POST"])
def pending_confirm(request: HttpRequest, activity_id: int, pending_id: int) -> HttpResponse:
    """Say who an unmatched check-in was: search your area (her name to begin with), choose."""
    user = request.user
    pending = _pending(request, activity_id, pending_id)
    activity = pending.activity
    url = reverse("pending_confirm", kwargs={"activity_id": activity.pk, "pending_id": pending.pk})
    if request.method == "POST" and request.POST.get("person"):
        person = people_selectors.person_get(user, request.POST["person"])
        try:
            services.pending_confirm(actor=user, pending=pending, person=person)
        except ApplicationError as error:
            messages.error(request, str(error))
            return redirect(url)
        messages.success(request, _("%(name)s is on the sheet.") % {"name": person.name})
        return redirect(_activity_url(activity, "#checkin"))
    params = _search_params(request, url)
    if isinstance(params, HttpResponse):
        return params
    search = params.get("q", pending.name).strip()
    return render(
        request,
        "web/activities/pending_confirm.html",
        {
            "activity": activity,
            "pending": pending,
            "phone": mask_phone(pending.phone),
            "search": search,
            "found": _people_found(user, search),
        },
    )


@login_required
@require_POST
def pending_reject(request: HttpRequest, activity_id: int, pending_id: int) -> HttpResponse:
    pending = _pending(request, activity_id, pending_id)
    try:
        services.pending_reject(actor=request.user, pending=pending)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The check-in of %(name)s has been rejected.") % {"name": pending.name}
        )
    return redirect(_activity_url(pending.activity, "#checkin"))


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind the QR code: her name and mobile number, then the answer.

    No sign-in; CSRF-protected; only a POST checks in. It shows the activity's title, date and
    place, never who else came or how many. Every POST counts against the limits on repeats and
    floods (`services.checkin`); the client's address comes from the request context.
    """
    form = CheckinForm(request.POST or None)
    outcome = ""
    activity: Activity | None = None
    refusal = ""
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            result = services.checkin(
                token=token,
                name=form.cleaned_data.get("name", ""),
                phone=form.cleaned_data.get("phone", ""),
            )
        except ApplicationError as error:
            if error.code in ("code_unknown", "code_expired"):
                refusal = str(error)
                status = 404 if error.code == "code_unknown" else 200
            else:
                form.add_service_error(error)
        else:
            outcome, activity = result.outcome, result.activity
    if activity is None and not refusal:
        try:
            activity = services.checkin_code_get(token).activity
        except ApplicationError as error:
            refusal = str(error)
            status = 404 if error.code == "code_unknown" else 200
    return render(
        request,
        "web/activities/checkin.html",
        {
            "activity": activity,
            "form": form,
            "outcome": outcome,
            "message": CHECKIN_OUTCOMES.get(outcome, ""),
            "refusal": refusal,
        },
        status=status,
    )


# --- photos and files -----------------------------------------------------------------------------


@login_required
@require_POST
def activity_file_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = request.user
    activity = selectors.activity_get(user, activity_id)
    _require_sheet(user, activity)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_file_add(
                actor=user,
                activity=activity,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                is_photo=form.is_photo(),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The file has been added."))
            return redirect(_activity_url(activity, "#files"))
    return _activity_page(request, activity, file_form=form)


@login_required
def activity_file(request: HttpRequest, activity_id: int, file_id: int) -> FileResponse:
    """A photo or document of an activity, to whoever may see the activity."""
    activity = selectors.activity_get(request.user, activity_id)
    record = activity.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    return _private_file(record.file)


# --- volunteers -----------------------------------------------------------------------------------


@login_required
def team_index(request: HttpRequest) -> HttpResponse:
    """Volunteer teams in the user's area with their focus and current members."""
    form = TeamFilterForm(request.GET or None)
    teams = selectors.team_list(request.user, focus=form.value("focus") or "")
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/activities/teams.html",
        {
            "form": form,
            "page": page,
            "query": _query(request.GET),
            "filtered": bool(form.value("focus")),
        },
    )


def _year_to_date() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def _team_page(
    request: HttpRequest, team: VolunteerTeam, *, service_form: ServiceRecordForm | None = None
) -> HttpResponse:
    user = request.user
    period = PeriodForm(request.GET or None)
    start, end = period.value("start"), period.value("end")
    if start is None and end is None:
        start, end = _year_to_date()
    lines = selectors.volunteer_hours(user, team=team, start=start, end=end)
    current = [line for line in lines if line.volunteer.end is None]
    past = [line for line in lines if line.volunteer.end is not None]
    can_edit = access.can(user, Perm.EDIT, team.unit)
    members = selectors.volunteer_list(user, team=team).filter(end__isnull=True)
    services_done = selectors.service_list(user).filter(volunteer__team=team)
    talks = selectors.team_talks(user, team)
    if service_form is None and can_edit:
        service_form = _service_form(user, team, members)
    return render(
        request,
        "web/activities/team.html",
        {
            "team": team,
            "period": period,
            "start": start,
            "end": end,
            "current": current,
            "past": past,
            "total_hours": sum((line.hours for line in lines), start=Decimal(0)),
            "records": sum(line.records for line in lines),
            "services": services_done[:RECENT],
            "service_count": services_done.count(),
            "talks": talks[:RECENT],
            "talk_count": talks.count(),
            "can_edit": can_edit,
            "service_form": service_form,
            "end_form": EndForm(),
            "today": timezone.localdate(),
        },
    )


def _service_form(
    user: Any, team: VolunteerTeam, members: QuerySet[Volunteer], data: Any = None
) -> ServiceRecordForm:
    activities = (
        selectors.activity_list(user)
        .filter(Q(organisers=team.unit) | Q(owner=team.unit))
        .distinct()
    )
    return ServiceRecordForm(
        data,
        volunteers=members.order_by("person__name_pinyin", "pk"),
        activities=activities,
    )


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team: its members with their hours in a period, service records, talks, the export."""
    return _team_page(request, selectors.team_get(request.user, team_id))


def _team_for_edit(request: HttpRequest, team_id: Any) -> VolunteerTeam:
    team = selectors.team_get(request.user, team_id)
    access.require(request.user, Perm.EDIT, team.unit)
    return team


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """A person joins the team: find her in your area, then her role and first day."""
    user = request.user
    team = _team_for_edit(request, team_id)
    url = reverse("volunteer_add", kwargs={"team_id": team.pk})
    person_id = request.POST.get("person") or request.GET.get("person")
    if not person_id:
        params = _search_params(request, url)
        if isinstance(params, HttpResponse):
            return params
        search = params.get("q", "").strip()
        return render(
            request,
            "web/activities/volunteer_add.html",
            {"team": team, "search": search, "found": _people_found(user, search), "form": None},
        )
    person = people_selectors.person_get(user, person_id)
    form = VolunteerAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_add(actor=user, team=team, person=person, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has joined %(team)s.") % {"name": person.name, "team": team.unit.name},
            )
            return redirect("team_detail", team_id=team.pk)
    return render(
        request,
        "web/activities/volunteer_add.html",
        {"team": team, "person": person, "form": form},
    )


def _volunteer(request: HttpRequest, volunteer_id: int) -> Volunteer:
    volunteer = selectors.volunteer_list(request.user).filter(pk=volunteer_id).first()
    if volunteer is None:
        raise Http404
    access.require(request.user, Perm.EDIT, volunteer.team.unit)
    return volunteer


@login_required
@require_POST
def volunteer_end(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = _volunteer(request, volunteer_id)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_end(
                actor=request.user, volunteer=volunteer, on=form.cleaned_data["on"]
            )
        except ApplicationError as error:
            messages.error(request, f"{volunteer.person.name}: {error}")
        else:
            messages.success(
                request,
                _("%(name)s has left the team on %(day)s.")
                % {"name": volunteer.person.name, "day": form.cleaned_data["on"].isoformat()},
            )
    else:
        messages.error(request, _("Give her last day as a date."))
    return redirect("team_detail", team_id=volunteer.team_id)


@login_required
@require_POST
def service_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """Hours a member served on a day, at one of the team's activities or otherwise."""
    user = request.user
    team = _team_for_edit(request, team_id)
    members = selectors.volunteer_list(user, team=team)
    form = _service_form(user, team, members, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.service_record(
                actor=user,
                volunteer=data["volunteer"],
                on=data["on"],
                hours=data["hours"],
                description=data["description"],
                activity=data["activity"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(hours)s hours of %(name)s have been recorded.")
                % {"hours": data["hours"], "name": data["volunteer"].person.name},
            )
            return redirect(reverse("team_detail", kwargs={"team_id": team.pk}) + "#services")
    return _team_page(request, team, service_form=form)


def _may_reveal_teams(user: Any, team: VolunteerTeam | None) -> bool:
    units = [team.unit] if team is not None else access.home_units(user)
    return bool(units) and all(access.can(user, Perm.REVEAL, unit) for unit in units)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_export(request: HttpRequest) -> HttpResponseBase:
    """志愿者服务时长 in the layout of the national volunteer system (全国志愿服务信息系统).

    Full ID numbers and phones, which that system needs, are offered only to users who may
    reveal them on the teams exported; the export masks them elsewhere and records any export
    that shows them in the audit log.
    """
    user = request.user
    teams = selectors.team_list(user)
    params = request.POST if request.method == "POST" else request.GET
    chosen = teams.filter(pk=params["team"]).first() if params.get("team", "").isdigit() else None
    start, end = _year_to_date()
    form = VolunteerExportForm(
        request.POST or None,
        teams=teams,
        may_reveal=_may_reveal_teams(user, chosen),
        initial={"team": chosen.pk if chosen else None, "start": start, "end": end},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            return volunteer_export_response(
                actor=user,
                team=data["team"],
                start=data["start"],
                end=data["end"],
                fmt=data["fmt"],
                reveal=bool(data.get("reveal")),
                only_with_hours=data["only_with_hours"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
    return render(request, "web/activities/volunteer_export.html", {"form": form, "team": chosen})


# --- pairings -------------------------------------------------------------------------------------


def _sides(kind: str) -> tuple[Any, Any]:
    return PAIRING_SIDES[PairingKind(kind)]


@login_required
def pairing_index(request: HttpRequest) -> HttpResponse:
    """结对: the pairings running in the user's area with their last call and visit, those whose
    cadence has lapsed first."""
    user = request.user
    today = timezone.localdate()
    form = PairingFilterForm(request.GET or None)
    kind = form.value("kind") or ""
    ended = request.GET.get("ended") == "1"
    overdue = selectors.overdue_pairings(user, on=today, kind=kind)
    pairings = selectors.pairing_list(user, kind=kind, active_on=None if ended else today)
    page = Paginator(pairings.order_by("kind", "unit__path", "-start", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/activities/pairings.html",
        {
            "form": form,
            "kind": kind,
            "kinds": PairingKind.choices,
            "ended": ended,
            "overdue": overdue,
            "page": page,
            "query": _query(request.GET),
            "kind_query": _query(request.GET, "kind"),
            "today": today,
            "can_create": bool(access.scope_paths(user, Perm.EDIT)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create(request: HttpRequest) -> HttpResponse:
    """Pair a helper with whom she helps: first the kind, then (for people) the helper and the
    one helped, each found by search; a civilised post and its village are chosen from lists."""
    user = request.user
    _require_entry(user)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in PairingKind.values:
        return render(request, "web/activities/pairing_kind.html", {"kinds": PairingKind.choices})
    url = reverse("pairing_create")
    helper: Person | None = None
    helped: Person | None = None
    if kind == PairingKind.POST_VILLAGE:
        form = PairingForm(
            request.POST or None,
            posts=unit_selectors.unit_list(user, kind=Kind.CIVILISED_POST).order_by("path"),
            villages=_entry_villages(user),
        )
    else:
        params = request.POST if request.method == "POST" else request.GET
        if params.get("helper"):
            helper = people_selectors.person_get(user, params["helper"])
        if params.get("helped"):
            helped = people_selectors.person_get(user, params["helped"])
        if helper is None or helped is None:
            search_params = _search_params(request, url)
            if isinstance(search_params, HttpResponse):
                return search_params
            search = search_params.get("q", "").strip()
            # Whoever is helped decides where the pairing belongs: there she must be entered.
            perm = Perm.VIEW if helper is None else Perm.EDIT
            return render(
                request,
                "web/activities/pairing_form.html",
                {
                    "kind": kind,
                    "kind_label": PairingKind(kind).label,
                    "sides": _sides(kind),
                    "helper": helper,
                    "search": search,
                    "found": _people_found(user, search, perm),
                    "keep": [("kind", kind), *([("helper", helper.pk)] if helper else [])],
                    "form": None,
                },
            )
        form = PairingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pairing = services.pairing_create(
                actor=user,
                kind=kind,
                start=data["start"],
                helper_person=helper,
                helped_person=helped,
                helper_unit=data.get("helper_unit"),
                helped_unit=data.get("helped_unit"),
                call_every_days=data["call_every_days"],
                visit_every_days=data["visit_every_days"],
                note=data["note"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The pairing has been recorded."))
            return redirect("pairing_detail", pairing_id=pairing.pk)
    return render(
        request,
        "web/activities/pairing_form.html",
        {
            "kind": kind,
            "kind_label": PairingKind(kind).label,
            "sides": _sides(kind),
            "helper": helper,
            "helped": helped,
            "form": form,
        },
    )


def _pairing_page(
    request: HttpRequest,
    pairing: Pairing,
    *,
    contact_form: ContactForm | None = None,
    end_form: EndForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    overdue = next(
        (
            late
            for late in selectors.overdue_pairings(request.user, on=today, kind=pairing.kind)
            if late.pairing.pk == pairing.pk
        ),
        None,
    )
    return render(
        request,
        "web/activities/pairing.html",
        {
            "pairing": pairing,
            "sides": _sides(pairing.kind),
            "contacts": pairing.contacts.all(),
            "overdue": overdue,
            "can_edit": access.can(request.user, Perm.EDIT, pairing.unit),
            "active": pairing.end is None or pairing.end >= today,
            "contact_form": contact_form or ContactForm(),
            "end_form": end_form or EndForm(with_note=True),
        },
    )


@login_required
def pairing_detail(request: HttpRequest, pairing_id: int) -> HttpResponse:
    return _pairing_page(request, selectors.pairing_get(request.user, pairing_id))


def _pairing_for_edit(request: HttpRequest, pairing_id: int) -> Pairing:
    pairing = selectors.pairing_get(request.user, pairing_id)
    access.require(request.user, Perm.EDIT, pairing.unit)
    return pairing


@login_required
@require_POST
def contact_add(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """A call, a visit or help given, on a day while the pair runs."""
    pairing = _pairing_for_edit(request, pairing_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_record(
                actor=request.user,
                pairing=pairing,
                on=data["on"],
                kind=data["kind"],
                help_kind=data["help_kind"],
                value=data["value"] or Decimal(0),
                note=data["note"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The contact has been recorded."))
            return redirect(reverse("pairing_detail", kwargs={"pairing_id": pairing.pk}))
    return _pairing_page(request, pairing, contact_form=form)


@login_required
@require_POST
def pairing_end(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = _pairing_for_edit(request, pairing_id)
    form = EndForm(request.POST, with_note=True)
    if form.is_valid():
        try:
            services.pairing_end(
                actor=request.user,
                pairing=pairing,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The pairing has ended."))
            return redirect("pairing_detail", pairing_id=pairing.pk)
    return _pairing_page(request, pairing, end_form=form)


# --- village assistance ---------------------------------------------------------------------------


@login_required
def village_board(request: HttpRequest) -> HttpResponse:
    """包联村 and 下基层访妇情: the needs of the villages in the user's area (overdue first), the
    villages assisted, and the latest visits."""
    user = request.user
    today = timezone.localdate()
    form = NeedFilterForm(request.GET or None)
    status = form.value("status") or ""
    late = Q(status__in=OPEN_NEEDS, due_on__lt=today)
    needs = (
        selectors.need_list(user, status=status)
        .annotate(
            late=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("late", F("due_on").asc(nulls_last=True), "pk")
    )
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.overdue_needs(user, on=today)
    visits = selectors.village_visit_list(user).annotate(need_count=Count("needs"))[:RECENT]
    return render(
        request,
        "web/activities/villages.html",
        {
            "form": form,
            "status": status,
            "statuses": NeedStatus.choices,
            "page": page,
            "query": _query(request.GET),
            "status_query": _query(request.GET, "status"),
            "overdue": overdue[:RECENT],
            "overdue_count": overdue.count(),
            "villages": _village_rows(user, today),
            "visits": visits,
            "today": today,
            "can_record": _entry_villages(user).exists(),
        },
    )


def _village_rows(user: Any, today: dt.date) -> list[dict[str, Any]]:
    """The villages assisted (包联村) or visited in the user's area, with their open needs and
    last visit: those with the most open needs first."""
    open_needs = dict(
        selectors.need_list(user)
        .filter(status__in=OPEN_NEEDS)
        .order_by()
        .values_list("village")
        .annotate(n=Count("pk"))
    )
    last_visits = dict(
        selectors.village_visit_list(user).order_by().values_list("village").annotate(Max("on"))
    )
    assisted = {
        row.village_id: row for row in selectors.assisted_village_list(user, active_on=today)
    }
    ids = set(open_needs) | set(last_visits) | set(assisted)
    units = unit_selectors.unit_list(user, include_closed=True).filter(pk__in=ids)
    rows = [
        {
            "village": unit,
            "assisted": assisted.get(unit.pk),
            "open_needs": open_needs.get(unit.pk, 0),
            "last_visit": last_visits.get(unit.pk),
        }
        for unit in units
    ]
    rows.sort(key=lambda row: (-row["open_needs"], row["village"].path))
    return rows[:VILLAGES_SHOWN]


class _NeedRefused(Exception):
    def __init__(self, row: int, error: ApplicationError) -> None:
        super().__init__(str(error))
        self.row, self.error = row, error


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    """Record a visit to a village and the needs heard there, all or nothing."""
    user = request.user
    villages = _entry_villages(user)
    if not villages.exists():
        raise Http404
    form = VisitForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                visit = services.village_visit_record(
                    actor=user,
                    village=data["village"],
                    on=data["on"],
                    visitors=data["visitors"],
                    purpose=data["purpose"],
                    notes=data["notes"],
                )
                for row, values in form.needs():
                    try:
                        services.need_record(
                            actor=user,
                            village=data["village"],
                            visit=visit,
                            raised_on=visit.on,
                            **values,
                        )
                    except ApplicationError as error:
                        raise _NeedRefused(row, error) from error
        except _NeedRefused as refused:
            field = f"need_{refused.error.field}_{refused.row}"
            form.add_error(field if field in form.fields else None, str(refused.error))
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            count = len(form.needs())
            messages.success(
                request,
                _("The visit to %(village)s has been recorded, with %(count)d needs.")
                % {"village": visit.village.name, "count": count},
            )
            return redirect("village_board")
    return render(request, "web/activities/visit_form.html", {"form": form})


def _need_page(
    request: HttpRequest, need: Need, form: NeedUpdateForm | None = None
) -> HttpResponse:
    can_edit = access.can(request.user, Perm.EDIT, need.village)
    if form is None and can_edit:
        form = NeedUpdateForm(
            initial={
                **{name: getattr(need, name) for name in NeedUpdateForm.FIELDS},
                "version": need.version,
            }
        )
    today = timezone.localdate()
    return render(
        request,
        "web/activities/need.html",
        {
            "need": need,
            "form": form,
            "can_edit": can_edit,
            "late": need.status in OPEN_NEEDS and need.due_on is not None and need.due_on < today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    """A need or problem of a village: what was decided, who answers for it, when, and how it
    was resolved (办结)."""
    need = selectors.need_get(request.user, need_id)
    if request.method != "POST":
        return _need_page(request, need)
    access.require(request.user, Perm.EDIT, need.village)
    form = NeedUpdateForm(request.POST)
    if form.is_valid():
        try:
            need = services.need_update(
                actor=request.user,
                need=need,
                version=form.cleaned_data["version"],
                **form.updates(),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The need has been saved."))
            return redirect("need_detail", need_id=need.pk)
    return _need_page(request, need, form)
