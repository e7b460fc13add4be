"""Attendance sheets (签到表) as an import type: one row, one person present on one day of one
activity, through the activities services (`attendance_add`, the door the web form uses).

The activity is named by its title and start date and looked for among the activities the
uploader sees (`activities.selectors.activity_list`) that were recorded or held inside the
upload unit; the person by her citizen ID number (its blind index) or, without one, by name
and phone (the phone's blind index), among the people the uploader sees. A row already on the
sheet is unchanged, so importing the same sheet again writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import Perm
from jinguo.activities.choices import Headcount
from jinguo.activities.models import Activity, Attendance
from jinguo.activities.selectors import activity_list
from jinguo.activities.services import activity_days, attendance_add, attendance_remove
from jinguo.core.errors import ApplicationError, refuse
from jinguo.core.masking import mask_phone
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import id_number_column, people_seen, person_by_id_number
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.orgunits import access
from jinguo.people.models import Person
from jinguo.people.services import normalise_phone, phone_index

UNKNOWN_ACTIVITY = _(
    "No activity “%(title)s” starting on %(date)s was recorded or held inside %(unit)s among "
    "the activities you may see: check the title and the start date."
)
AMBIGUOUS_ACTIVITY = _(
    "Several activities “%(title)s” start on %(date)s inside %(unit)s: the sheet cannot say "
    "which one; record their attendance on the activity's own page."
)
NOT_A_SHEET = _("“%(title)s” counts its participants as %(mode)s, not with an attendance sheet.")
NO_EDIT = _("You may not keep the attendance sheet of “%(title)s”.")
UNKNOWN_NAME = _("No registered person you may see is called %(name)s with the phone %(phone)s.")
AMBIGUOUS_NAME = _(
    "Several registered people are called %(name)s with the phone %(phone)s: give the ID number."
)
NO_PERSON = _("Give the person's ID number, or her name and phone.")
NOT_ON_DAY = _("“%(title)s” ran from %(start)s to %(end)s: %(day)s is not one of its days.")

COLUMNS: tuple[Column, ...] = (
    Column(
        "activity",
        _("Activity title"),
        required=True,
        synonyms=("活动名称", "活动", "活动主题", "培训名称"),
        note=_("The activity's title exactly as recorded."),
        example="十字绣培训",
        width=20,
    ),
    Column(
        "activity_date",
        _("Activity start date"),
        Kind.DATE,
        required=True,
        synonyms=("活动日期", "活动开始日期", "开始日期", "举办日期"),
        note=_("The activity's first day, e.g. 2014-05-06."),
        example="2014-05-06",
    ),
    id_number_column(
        "id_number",
        _("18 characters; format the column as text. Without it, give name and phone."),
        required=False,
    ),
    Column(
        "name",
        pgettext_lazy("person", "Name"),
        synonyms=("姓名", "名字"),
        note=_("Needed only without an ID number."),
        example="王芳",
        width=10,
    ),
    Column(
        "phone",
        _("Phone"),
        Kind.PHONE,
        synonyms=("手机号", "手机", "电话", "联系电话"),
        note=_("Needed only without an ID number."),
        example="13812345678",
        width=14,
        mask=mask_phone,
    ),
    Column(
        "day",
        _("Day attended"),
        Kind.DATE,
        synonyms=("签到日期", "出席日期", "参加日期"),
        note=_("One of the activity's days; the first day when empty."),
        example="2014-05-06",
    ),
)


def _activity(ctx: ImportContext, title: str, start: dt.date) -> Activity:
    """The one activity with this title starting on this day that the uploader sees, recorded
    or held inside the upload unit (looked up once per import)."""
    cache: dict[tuple[str, dt.date], list[Activity]] = ctx.cache.setdefault("activities", {})
    key = (title, start)
    if key not in cache:
        inside = Q(owner__path__within=ctx.unit.path) | Q(place__path__within=ctx.unit.path)
        visible = activity_list(ctx.actor, start=start, end=start).filter(inside, title=title)
        cache[key] = list(visible[:2])
    found = cache[key]
    params = {"title": title, "date": start.isoformat(), "unit": ctx.unit.name}
    if not found:
        raise refuse(UNKNOWN_ACTIVITY, "unknown_activity", "activity", **params)
    if len(found) > 1:
        raise refuse(AMBIGUOUS_ACTIVITY, "ambiguous_activity", "activity", **params)
    activity = found[0]
    if activity.headcount != Headcount.ATTENDANCE:
        raise refuse(
            NOT_A_SHEET,
            "wrong_headcount",
            "activity",
            title=title,
            mode=Headcount(activity.headcount).label,
        )
    editors = [unit for unit in (activity.owner, activity.place) if unit is not None]
    if not any(access.can(ctx.actor, Perm.EDIT, unit) for unit in editors):
        raise refuse(NO_EDIT, "no_edit", "activity", title=title)
    return activity


def _person(ctx: ImportContext, values: dict[str, Any]) -> Person:
    """The person the row names, among those the uploader sees: by ID number, else by name
    and phone."""
    number = values.get("id_number")
    if number:
        return person_by_id_number(ctx, str(number), "id_number")
    name, phone = values.get("name"), values.get("phone")
    if not name or not phone:
        raise refuse(NO_PERSON, "no_person", "id_number")
    digits = normalise_phone(str(phone))
    params = {"name": name, "phone": mask_phone(digits)}
    named = people_seen(ctx).filter(name=name, phone_index=phone_index(digits))
    matches = list(named.select_related("residence")[:2])
    if not matches:
        raise refuse(UNKNOWN_NAME, "unknown_person", "name", **params)
    if len(matches) > 1:
        raise refuse(AMBIGUOUS_NAME, "ambiguous_person", "name", **params)
    return matches[0]


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    activity = _activity(ctx, str(values["activity"]), values["activity_date"])
    person = _person(ctx, values)
    first, last = activity_days(activity)
    day: dt.date = values.get("day") or first
    if not first <= day <= last:
        raise refuse(
            NOT_ON_DAY,
            "not_on_day",
            "day",
            title=activity.title,
            start=first.isoformat(),
            end=last.isoformat(),
            day=day.isoformat(),
        )
    present = Attendance.objects.filter(activity=activity, person=person, day=day).first()
    if present is not None:
        return Applied(Outcome.UNCHANGED, present)
    try:
        attendance = attendance_add(actor=ctx.actor, activity=activity, person=person, day=day)
    except (PermissionDenied, Http404):
        raise refuse(NO_EDIT, "no_edit", "activity", title=activity.title) from None
    except ApplicationError as error:
        # The services name their own fields ("person", "day"): point at this sheet's cells.
        field = error.field if error.field in ("day",) else "activity"
        raise ApplicationError(
            error.message, code=error.code, field=field, params=error.params
        ) from None
    return Applied(Outcome.NEW, attendance)


def undo_created(actor: Any, obj: Model) -> None:
    assert isinstance(obj, Attendance)  # noqa: S101
    attendance_remove(actor=actor, attendance=obj)


def undo_updated(actor: Any, obj: Model, before: dict[str, Any]) -> None:
    """Never called: a row either adds an attendance or finds it already there."""


ATTENDANCE = register(
    ImportType(
        key="attendance",
        label=_("Attendance"),
        columns=COLUMNS,
        apply=apply,
        undo_created=undo_created,
        undo_updated=undo_updated,
        model=Attendance,
    )
)
