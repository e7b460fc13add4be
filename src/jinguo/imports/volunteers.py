"""The volunteer registries as import types: the roster of a team (志愿者名册) and the hours
its volunteers served (志愿服务时长).

Volunteers (志愿者): one row, one registered person joining one volunteer team, through
`activities.services.volunteer_add` (the same door and the same refusals as the team's "add a
volunteer" page).

- The team is named by the name of its org unit, among the teams the uploader sees that lie
  inside the unit chosen at upload, as the hours find it (below).
- The person is named by her citizen ID number, among the people the uploader sees. She need
  not live inside the upload unit: `volunteer_add` lets a team take members from anywhere its
  editor can see (a county team from the whole county), and so does this import.
- The date joined is the membership's first day; the role (team leader or member) may stay
  empty: a new member is then a member, and a recorded membership keeps its role.
- A person's phone and address are not columns: they are on her record, not her membership.
- A row is "the same" as a recorded membership of that person in that team when it is her
  current one, or one she has since left that began on the same day: such a row is UNCHANGED
  and writes nothing, so importing the same roster again changes nothing. A current membership
  that began on another day, or a recorded role the row contradicts, is an error on the date
  or role cell: no service changes a membership's first day or role, and the sheet must not
  silently disagree with the register. So is a date joined inside a membership she has left:
  the two would overlap.
- The activities services offer no way to remove a membership, only to end it (from the day
  she left), which for a membership entered by mistake would leave a false history: an import
  of volunteers cannot be undone, and the type declares why (`no_undo`).

Service hours (志愿服务时长): one row, one volunteer's service on one day, through
`activities.services.service_record` (the same door and the same refusals as the service
form).

- The team is named by the name of its org unit, among the teams the uploader sees
  (`activities.selectors.team_list`) that lie inside the unit chosen at upload.
- The volunteer is named by her citizen ID number (its blind index, as the attendance import
  finds her), among the people the uploader sees; she must be a member of that team
  (`activities.selectors.volunteer_list`). Whether she was a member on that day and whether
  the day's hours stay within 24 are the service's own rules: its refusals are put on the
  date or hours cell.
- A row is "the same" as a recorded service when team, volunteer, day, hours and description
  all agree: such a row is UNCHANGED and writes nothing, so importing the same hours again
  changes nothing.
- The activities services offer no way to remove a service record, so an import of service
  hours cannot be undone: the type declares why (`no_undo`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.activities.choices import VolunteerRole
from jinguo.activities.models import ServiceRecord, Volunteer, VolunteerTeam
from jinguo.activities.selectors import team_list, volunteer_list
from jinguo.activities.services import service_record, volunteer_add
from jinguo.core.errors import refuse
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import id_number_column, person_by_id_number
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.people.models import Person

UNKNOWN_TEAM = _("You have no volunteer team called “%(value)s” inside %(unit)s.")
AMBIGUOUS_TEAM = _(
    "Several volunteer teams inside %(unit)s are called “%(value)s”: the sheet cannot say "
    "which one; record these hours on the team's own page."
)
NOT_A_MEMBER = _("%(name)s is not a member of %(team)s: add her to the team first.")
NO_PERMISSION = _("You may not record the service hours of %(team)s.")
NOT_UNDOABLE = _(
    "Service hours cannot be undone: the volunteer services offer no way to remove a service "
    "record. Correct them on the team's page instead."
)
AMBIGUOUS_ROSTER_TEAM = _(
    "Several volunteer teams inside %(unit)s are called “%(value)s”: the sheet cannot say "
    "which one; add these volunteers on the team's own page."
)
MEMBER_SINCE = _(
    "%(name)s has been a member of %(team)s since %(start)s, not from this date: an import "
    "cannot change the day she joined."
)
WAS_MEMBER = _(
    "%(name)s was a member of %(team)s from %(start)s to %(end)s: a new membership must "
    "start after the day she left."
)
OTHER_ROLE = _("%(name)s is recorded in %(team)s as %(role)s: an import cannot change her role.")
NO_ROSTER_PERMISSION = _("You may not add volunteers to %(team)s.")
ROSTER_NOT_UNDOABLE = _(
    "An import of volunteers cannot be undone: the volunteer services never remove a "
    "membership, they only end it from the day she left, on the team's page."
)

# Where a refusal of the activities services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"person": "id_number", "volunteer": "id_number"}

# The team and the volunteer, as both import types name them.
TEAM_COLUMN = Column(
    "team",
    _("Team"),
    required=True,
    synonyms=("服务队名称", "志愿服务队", "志愿队", "队伍名称"),
    note=_("The team's name exactly as in the system."),
    example="巾帼志愿服务队",
    width=20,
)
VOLUNTEER_COLUMN = id_number_column(
    "id_number", _("The volunteer's ID number; 18 characters; format the column as text.")
)

ROSTER_COLUMNS: tuple[Column, ...] = (
    TEAM_COLUMN,
    VOLUNTEER_COLUMN,
    Column(
        "start",
        _("Date joined"),
        Kind.DATE,
        required=True,
        synonyms=("加入日期", "入队日期", "入队时间", "加入时间", "注册日期", "起始日期"),
        note=_("The day she joined the team, e.g. 2014-03-08."),
        example="2014-03-08",
    ),
    Column(
        "role",
        _("Role"),
        Kind.CHOICE,
        choices=VolunteerRole.choices,
        synonyms=("角色", "职务", "队内职务"),
        note=_("Team leader or member; empty means member."),
        example="队员",
        width=10,
    ),
)

COLUMNS: tuple[Column, ...] = (
    TEAM_COLUMN,
    VOLUNTEER_COLUMN,
    Column(
        "on",
        _("Date"),
        Kind.DATE,
        required=True,
        synonyms=("服务日期", "服务时间"),
        note=_("The day of the service, e.g. 2014-03-08."),
        example="2014-03-08",
    ),
    Column(
        "hours",
        _("Hours"),
        Kind.DECIMAL,
        required=True,
        synonyms=("服务时长（小时）", "服务时长", "时长", "小时数", "服务小时"),
        note=_("Above zero; at most 24 hours a day for one volunteer."),
        example="3.5",
        width=10,
    ),
    Column(
        "description",
        _("Service given"),
        required=True,
        synonyms=("服务内容", "服务项目", "内容"),
        note=_("What she did, e.g. legal advice."),
        example="法律咨询",
        width=20,
    ),
)


def _teams(ctx: ImportContext) -> dict[str, list[VolunteerTeam]]:
    """The teams the uploader sees inside the upload unit, by name (looked up once)."""
    cached = ctx.cache.get("teams")
    if cached is None:
        cached = ctx.cache["teams"] = {}
        visible = team_list(ctx.actor).filter(unit__path__within=ctx.unit.path)
        for team in visible.order_by("pk"):
            cached.setdefault(team.unit.name, []).append(team)
    teams: dict[str, list[VolunteerTeam]] = cached
    return teams


def _team(ctx: ImportContext, value: str, ambiguous: Any = AMBIGUOUS_TEAM) -> VolunteerTeam:
    found = _teams(ctx).get(value.strip(), [])
    if not found:
        raise refuse(UNKNOWN_TEAM, "unknown_team", "team", value=value, unit=ctx.unit.name)
    if len(found) > 1:
        raise refuse(ambiguous, "ambiguous_team", "team", value=value, unit=ctx.unit.name)
    return found[0]


def _volunteer(ctx: ImportContext, team: VolunteerTeam, person: Person, on: dt.date) -> Volunteer:
    """Her membership of `team` on `on`, else her latest one (the service then says she was
    not a member that day)."""
    memberships = list(
        volunteer_list(ctx.actor, team=team).filter(person=person).order_by("-start", "-pk")
    )
    if not memberships:
        raise refuse(
            NOT_A_MEMBER, "not_a_member", "id_number", name=person.name, team=team.unit.name
        )
    for volunteer in memberships:
        if volunteer.start <= on and (volunteer.end is None or on <= volunteer.end):
            return volunteer
    return memberships[0]


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    team = _team(ctx, str(values["team"]))
    person = person_by_id_number(ctx, str(values["id_number"]), "id_number")
    on: dt.date = values["on"]
    hours: Decimal = values["hours"]
    description = str(values["description"]).strip()
    volunteer = _volunteer(ctx, team, person, on)
    recorded = (
        ServiceRecord.objects.filter(
            volunteer__team=team,
            volunteer__person=person,
            on=on,
            hours=hours,
            description=description,
        )
        .order_by("pk")
        .first()
    )
    if recorded is not None:
        return Applied(Outcome.UNCHANGED, recorded)
    try:
        record = service_record(
            actor=ctx.actor, volunteer=volunteer, on=on, hours=hours, description=description
        )
    except (PermissionDenied, Http404):
        raise refuse(NO_PERMISSION, "permission_denied", "team", team=team.unit.name) from None
    return Applied(Outcome.NEW, record)


SERVICE_HOURS = register(
    ImportType(
        key="service_hours",
        label=_("Volunteer service hours"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=ServiceRecord,
        service_fields=FIELD_TO_COLUMN,
    )
)


# --- volunteers (the roster) ---------------------------------------------------------------------


def _found(volunteer: Volunteer, role: str) -> Applied:
    """A recorded membership the row describes: unchanged, unless the row states another role."""
    if role and role != volunteer.role:
        raise refuse(
            OTHER_ROLE,
            "other_role",
            "role",
            name=volunteer.person.name,
            team=volunteer.team.unit.name,
            role=VolunteerRole(volunteer.role).label,
        )
    return Applied(Outcome.UNCHANGED, volunteer)


def _recorded(
    memberships: list[Volunteer], person: Person, team: VolunteerTeam, start: dt.date
) -> Volunteer | None:
    """The recorded membership a row joining on `start` describes (module doc: "the same"),
    None when the row makes a new one; an error on the date when the row contradicts them."""
    current = next((volunteer for volunteer in memberships if volunteer.end is None), None)
    if current is not None:  # at most one (a constraint): the row must be that one
        if current.start != start:
            raise refuse(
                MEMBER_SINCE,
                "member_since",
                "start",
                name=person.name,
                team=team.unit.name,
                start=current.start.isoformat(),
            )
        return current
    same = next((volunteer for volunteer in memberships if volunteer.start == start), None)
    if same is not None:  # she has left since
        return same
    for volunteer in memberships:
        if volunteer.end is not None and start <= volunteer.end:  # a new one would overlap
            raise refuse(
                WAS_MEMBER,
                "was_member_then",
                "start",
                name=person.name,
                team=team.unit.name,
                start=volunteer.start.isoformat(),
                end=volunteer.end.isoformat(),
            )
    return None


def apply_volunteer(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    team = _team(ctx, str(values["team"]), AMBIGUOUS_ROSTER_TEAM)
    person = person_by_id_number(ctx, str(values["id_number"]), "id_number")
    start: dt.date = values["start"]
    role = str(values.get("role") or "")
    memberships = list(
        volunteer_list(ctx.actor, team=team).filter(person=person).order_by("-start", "-pk")
    )
    recorded = _recorded(memberships, person, team, start)
    if recorded is not None:
        return _found(recorded, role)
    try:
        volunteer = volunteer_add(
            actor=ctx.actor,
            team=team,
            person=person,
            start=start,
            role=role or VolunteerRole.MEMBER,
        )
    except (PermissionDenied, Http404):
        raise refuse(
            NO_ROSTER_PERMISSION, "permission_denied", "team", team=team.unit.name
        ) from None
    return Applied(Outcome.NEW, volunteer)


VOLUNTEERS = register(
    ImportType(
        key="volunteers",
        label=_("Volunteers"),
        columns=ROSTER_COLUMNS,
        apply=apply_volunteer,
        no_undo=ROSTER_NOT_UNDOABLE,
        model=Volunteer,
        service_fields=FIELD_TO_COLUMN,
    )
)
