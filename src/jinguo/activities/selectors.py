"""Reads of activities, volunteers, pairings and needs, always through the access module.

An activity is seen by users whose scope holds the unit that recorded it or the place it was
held; its attendance sheet lists only the people the viewer may see (the others are counted).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from jinguo.activities.choices import ContactKind, Group, Headcount, NeedStatus, PendingStatus
from jinguo.activities.models import (
    Activity,
    Attendance,
    Need,
    Pairing,
    PendingCheckin,
    ServiceRecord,
    VillageVisit,
    Volunteer,
    VolunteerTeam,
)
from jinguo.orgunits import access
from jinguo.people.models import Person

ELDERLY_FROM = 60
ADULT_FROM = 18


# --- activities -----------------------------------------------------------------------------------


def activity_list(
    user: Any,
    *,
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Activity]:
    seen = access.scope_q(user, path_field="owner__path") | access.scope_q(
        user, path_field="place__path"
    )
    queryset = Activity.objects.filter(seen)
    if kind:
        queryset = queryset.filter(kind=kind)
    if start is not None:
        queryset = queryset.filter(start__date__gte=start)
    if end is not None:
        queryset = queryset.filter(start__date__lte=end)
    return queryset.select_related("owner", "place", "programme").order_by("-start", "-pk")


def activity_get(user: Any, activity_id: Any) -> Activity:
    return access.get_in(
        activity_list(user).prefetch_related(
            "organisers", "partners", "materials", "counts", "files"
        ),
        activity_id,
    )


def attendance_list(user: Any, activity: Activity) -> QuerySet[Attendance]:
    """The attendance sheet as far as the viewer may see its people."""
    return access.scoped(
        user,
        activity.attendance.select_related("person__residence"),
        path_field="person__residence__path",
    ).order_by("day", "person__name_pinyin")


def pending_list(activity: Activity) -> QuerySet[PendingCheckin]:
    return activity.pending.filter(status=PendingStatus.PENDING).order_by("at")


@dataclass(frozen=True)
class Participation:
    """Who came: person-times (each person each day) apart from distinct people."""

    person_times: int
    people: int | None  # None where names were not taken
    by_group: dict[str, int] = field(default_factory=dict)  # person-times by Group

    @property
    def days(self) -> float | None:
        return self.person_times / self.people if self.people else None


def _group(person: Person, day: dt.date) -> str:
    age = person.age_on(day)
    if age is not None and age < ADULT_FROM:
        return Group.CHILDREN
    if age is not None and age >= ELDERLY_FROM:
        return Group.ELDERLY
    return Group.WOMEN if person.sex == "F" else Group.OTHER


def participation(activity: Activity) -> Participation:
    """Counted over the whole activity, names or not (figures reveal no one)."""
    if activity.headcount == Headcount.COUNTS:
        counts = dict(activity.counts.values_list("group", "count"))
        return Participation(sum(counts.values()), None, counts)
    rows = activity.attendance.select_related("person").only(
        "day", "person__sex", "person__birth_date"
    )
    groups: Counter[str] = Counter()
    people = set()
    for row in rows:
        groups[_group(row.person, row.day)] += 1
        people.add(row.person_id)
    return Participation(sum(groups.values()), len(people), dict(groups))


def person_activities(user: Any, person: Person) -> QuerySet[Attendance]:
    """The activities she attended, for her page (she is in scope: her page was opened)."""
    return (
        Attendance.objects.filter(person=person, activity__in=activity_list(user).values("pk"))
        .select_related("activity")
        .order_by("-day")
    )


# --- volunteers -----------------------------------------------------------------------------------


def team_list(user: Any, *, focus: str = "") -> QuerySet[VolunteerTeam]:
    queryset = access.scoped(user, VolunteerTeam.objects.all(), path_field="unit__path")
    if focus:
        queryset = queryset.filter(focus=focus)
    return (
        queryset.select_related("unit")
        .annotate(
            members=Count("volunteers", filter=Q(volunteers__end__isnull=True), distinct=True)
        )
        .order_by("unit__name")
    )


def team_get(user: Any, team_id: Any) -> VolunteerTeam:
    return access.get_in(team_list(user), team_id)


def volunteer_list(user: Any, *, team: VolunteerTeam | None = None) -> QuerySet[Volunteer]:
    queryset = access.scoped(user, Volunteer.objects.all(), path_field="team__unit__path")
    if team is not None:
        queryset = queryset.filter(team=team)
    return queryset.select_related("person", "team__unit")


@dataclass(frozen=True)
class VolunteerHours:
    volunteer: Volunteer
    hours: Decimal
    records: int


def volunteer_hours(
    user: Any,
    *,
    team: VolunteerTeam | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[VolunteerHours]:
    """Each volunteer with her service hours and number of records within the period."""
    window = Q()
    if start is not None:
        window &= Q(services__on__gte=start)
    if end is not None:
        window &= Q(services__on__lte=end)
    rows = volunteer_list(user, team=team).annotate(
        total=Sum("services__hours", filter=window), n=Count("services", filter=window)
    )
    return [
        VolunteerHours(row, row.total or Decimal(0), row.n)
        for row in rows.order_by("team__unit__name", "person__name_pinyin")
    ]


def service_list(user: Any, *, volunteer: Volunteer | None = None) -> QuerySet[ServiceRecord]:
    queryset = access.scoped(
        user, ServiceRecord.objects.all(), path_field="volunteer__team__unit__path"
    )
    if volunteer is not None:
        queryset = queryset.filter(volunteer=volunteer)
    return queryset.select_related("volunteer__person", "activity")


# --- pairings -------------------------------------------------------------------------------------


def pairing_list(
    user: Any, *, kind: str = "", active_on: dt.date | None = None
) -> QuerySet[Pairing]:
    queryset = access.scoped(user, Pairing.objects.all(), path_field="unit__path")
    if kind:
        queryset = queryset.filter(kind=kind)
    if active_on is not None:
        queryset = queryset.filter(start__lte=active_on).filter(
            Q(end__isnull=True) | Q(end__gte=active_on)
        )
    return queryset.select_related(
        "helper_person", "helper_unit", "helped_person", "helped_unit", "unit"
    ).annotate(
        last_call=Max("contacts__on", filter=Q(contacts__kind=ContactKind.CALL)),
        last_visit=Max("contacts__on", filter=Q(contacts__kind=ContactKind.VISIT)),
    )


def pairing_get(user: Any, pairing_id: Any) -> Pairing:
    return access.get_in(pairing_list(user), pairing_id)


@dataclass(frozen=True)
class Overdue:
    pairing: Pairing
    call_due: dt.date | None  # the day a call was due, if it is late
    visit_due: dt.date | None


def _due(last: dt.date | None, start: dt.date, every: int | None, on: dt.date) -> dt.date | None:
    if every is None:
        return None
    due = (last or start) + dt.timedelta(days=every)
    return due if due < on else None


def overdue_pairings(user: Any, *, on: dt.date, kind: str = "") -> list[Overdue]:
    """Active pairings whose last call or visit is older than their cadence allows."""
    late = []
    for pairing in pairing_list(user, kind=kind, active_on=on).order_by("start", "pk"):
        call = _due(pairing.last_call, pairing.start, pairing.call_every_days, on)  # type: ignore[attr-defined]
        visit = _due(pairing.last_visit, pairing.start, pairing.visit_every_days, on)  # type: ignore[attr-defined]
        if call or visit:
            late.append(Overdue(pairing, call, visit))
    return late


def person_pairings(user: Any, person: Person) -> QuerySet[Pairing]:
    return pairing_list(user).filter(Q(helper_person=person) | Q(helped_person=person))


# --- village assistance ---------------------------------------------------------------------------


OPEN_NEEDS = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


def need_list(user: Any, *, status: str = "", village: Any = None) -> QuerySet[Need]:
    queryset = access.scoped(user, Need.objects.all(), path_field="village__path")
    if status:
        queryset = queryset.filter(status=status)
    if village is not None:
        queryset = queryset.filter(village=village)
    return queryset.select_related("village", "visit")


def need_get(user: Any, need_id: Any) -> Need:
    return access.get_in(need_list(user), need_id)


def overdue_needs(user: Any, *, on: dt.date) -> QuerySet[Need]:
    """Needs past their due date and not yet resolved or dropped."""
    return need_list(user).filter(status__in=OPEN_NEEDS, due_on__lt=on).order_by("due_on")


def village_visit_list(user: Any, *, village: Any = None) -> QuerySet[VillageVisit]:
    """Visits to villages in scope, latest first."""
    queryset = access.scoped(user, VillageVisit.objects.all(), path_field="village__path")
    if village is not None:
        queryset = queryset.filter(village=village)
    return queryset.select_related("village").order_by("-on", "-pk")


def village_visit_get(user: Any, visit_id: Any) -> VillageVisit:
    return access.get_in(village_visit_list(user), visit_id)


# --- reads the web pages need (the check-in code shown, assisted villages, her volunteering,
# a team's talks; issue 5, items 3 and 7) ----------------------------------------------------------

from collections.abc import Iterable  # noqa: E402 - appended after the others

from django.utils import timezone  # noqa: E402

from jinguo.activities.choices import ActivityKind  # noqa: E402
from jinguo.activities.models import (  # noqa: E402
    AssistedVillage,
    CheckinCode,
    ParticipantCount,
)


def live_code(activity: Activity) -> CheckinCode | None:
    """The check-in code of the activity that works now (the latest issued), if any. The
    activity was fetched through the viewer's scope."""
    return (
        activity.codes.filter(revoked=False, expires_at__gt=timezone.now())
        .order_by("-created_at", "-pk")
        .first()
    )


def assisted_village_list(
    user: Any, *, active_on: dt.date | None = None
) -> QuerySet[AssistedVillage]:
    """包联村 in scope (the village is), by name; `active_on`: only those assisted that day."""
    queryset = access.scoped(user, AssistedVillage.objects.all(), path_field="village__path")
    if active_on is not None:
        queryset = queryset.filter(start__lte=active_on).filter(
            Q(end__isnull=True) | Q(end__gte=active_on)
        )
    return queryset.select_related("village", "assisting_unit").order_by("village__name", "pk")


def person_volunteering(user: Any, person: Person) -> QuerySet[Volunteer]:
    """Her memberships of teams in scope, latest first, for her page."""
    return volunteer_list(user).filter(person=person).order_by("-start", "-pk")


def team_talks(user: Any, team: VolunteerTeam) -> QuerySet[Activity]:
    """Talks (宣讲) in scope that the team organised, latest first."""
    return activity_list(user, kind=ActivityKind.TALK).filter(organisers=team.unit)


def person_times(activities: Iterable[Activity]) -> dict[int, int]:
    """Person-times (人次) of each of `activities` (fetched through scope), names or counts,
    in two queries: the figure of `participation`, for a list."""
    ids = [activity.pk for activity in activities]
    totals = dict.fromkeys(ids, 0)
    named = (
        Attendance.objects.filter(activity_id__in=ids)
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
    )
    counted = (
        ParticipantCount.objects.filter(activity_id__in=ids)
        .order_by()
        .values("activity_id")
        .annotate(n=Sum("count"))
    )
    for row in (*named, *counted):
        totals[row["activity_id"]] += row["n"] or 0
    return totals
