"""Volunteer service hours (志愿服务时长) as an import type: one row, one volunteer's service on
one day, through `activities.services.service_record` (the same door and the same refusals as
the service form).

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

from jinguo.activities.models import ServiceRecord, Volunteer, VolunteerTeam
from jinguo.activities.selectors import team_list, volunteer_list
from jinguo.activities.services import service_record
from jinguo.core.errors import ApplicationError, refuse
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

# Where a refusal of the activities services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"person": "id_number", "volunteer": "id_number", "team": "team"}

COLUMNS: tuple[Column, ...] = (
    Column(
        "team",
        _("Team"),
        required=True,
        synonyms=("服务队名称", "志愿服务队", "志愿队", "队伍名称"),
        note=_("The team's name exactly as in the system."),
        example="巾帼志愿服务队",
        width=20,
    ),
    id_number_column(
        "id_number", _("The volunteer's ID number; 18 characters; format the column as text.")
    ),
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


def _team(ctx: ImportContext, value: str) -> VolunteerTeam:
    found = _teams(ctx).get(value.strip(), [])
    if not found:
        raise refuse(UNKNOWN_TEAM, "unknown_team", "team", value=value, unit=ctx.unit.name)
    if len(found) > 1:
        raise refuse(AMBIGUOUS_TEAM, "ambiguous_team", "team", value=value, unit=ctx.unit.name)
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


def _in_sheet(error: ApplicationError) -> ApplicationError:
    """A refusal of the activities services, pointed at the column it is about."""
    if error.field in FIELD_TO_COLUMN:
        error.field = FIELD_TO_COLUMN[error.field]
    return error


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
    except ApplicationError as error:
        raise _in_sheet(error) from None
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
    )
)
