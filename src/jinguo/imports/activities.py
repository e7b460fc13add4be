"""Activities (活动台账) as an import type: one row, one activity (a training, a talk, a visit
of care, a free clinic, publicity, a meeting …) that the unit chosen at upload, or a unit
inside it, held; through `activities.services.activity_record` (the same door and the same
refusals as the activity form). The upload unit records it (its `owner`: scope follows it).

- Where it was held is a unit inside the upload unit, by its code or its exact name (open
  units only by name); an empty cell means the upload unit itself. The address is free text.
- The kind is one of the activities' kinds (a drop-down in the template). A training gets
  empty training details, to be filled in on its page.
- The programme, when given, is named by its name among those the uploader may see.
- Participation: an activity that counts its participants by group records the numbers in the
  four group columns (women, children, elderly, others), as the activity form asks for them.
  An activity with all four empty takes names instead: its attendance sheet is kept on its page
  or imported with the attendance import. The total column is only a check: the numbers by
  group must add up to it (a total alone cannot honestly be split into groups, so it is
  refused, on its cell). The model keeps no notes, so a notes column is not read; what came of
  the activity goes into the outcome column.
- A row is "the same" as a recorded activity when the title, the start date and where it was
  held agree (an activity with no place counts as held by the unit that recorded it), among
  the activities the uploader sees that were recorded or held inside the upload unit (as the
  attendance import finds them). Such a row changes nothing when it agrees with the record, so
  importing the same sheet again changes nothing. When it gives other values (end date,
  address, programme, audience, counts, spending, value of goods, outcome) it corrects the
  activity through `activity_update` and `counts_set` and is counted as updated, with what it
  replaced kept for undo: a clerk who corrects her year-end list and imports it again expects
  the corrections to be taken, and the dry run lists them before anything is written. Empty
  cells change nothing. The kind, and names versus counts, cannot be changed by a sheet: such
  a row is an error on the kind or count cell. Two rows of one file about the same activity
  are an error on the second (the import's ledger).
- Undo removes the activities the import recorded, through `activity_remove`, which refuses
  an activity that has attendance, check-ins, files or volunteers' hours, or that was edited
  since; and restores what an updated row replaced, unless the activity changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.activities.choices import ActivityKind, Group, Headcount
from jinguo.activities.models import Activity
from jinguo.activities.selectors import activity_list
from jinguo.activities.services import (
    activity_record,
    activity_remove,
    activity_update,
    counts_set,
)
from jinguo.core.errors import refuse
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import programme_by_name
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.programmes.models import Programme
from jinguo.programmes.selectors import programme_list

UNKNOWN_UNIT = _("No unit “%(value)s” lies inside %(unit)s.")
AMBIGUOUS_UNIT = _("“%(value)s” names several units inside %(unit)s: use the code instead.")
KIND_RECORDED = _(
    "“%(title)s” is recorded as %(kind)s: the kind of a recorded activity cannot be changed."
)
NAMES_RECORDED = _(
    "“%(title)s” keeps an attendance sheet by name: leave the numbers by group empty."
)
TOTAL_ALONE = _(
    "Give the numbers by group (women, children, elderly, others): a total alone cannot be "
    "split into groups."
)
TOTAL_MISMATCH = _("The numbers by group add up to %(sum)d, not %(total)d.")
NEGATIVE = _("Numbers cannot be negative.")
TOO_LARGE = _("%(value)s is too large: check the cell.")
TOO_LONG = _("At most %(limit)d characters; this cell has %(length)d.")
NO_EDIT = _("You may not change “%(title)s”: it was recorded by %(owner)s.")
CHANGED_SINCE_IMPORT = _("“%(title)s” has been changed since the import.")

CENT = Decimal("0.01")
# What the database keeps: money to a thousand billion yuan, counts as 32-bit integers.
MAX_AMOUNT = Decimal("9999999999999.99")
MAX_COUNT = 2**31 - 1
VERSION_AFTER = "_version_after"
COUNTS_AFTER = "_counts_after"

# The count columns and the group each one counts.
COUNT_COLUMNS: dict[str, str] = {
    "women": Group.WOMEN,
    "children": Group.CHILDREN,
    "elderly": Group.ELDERLY,
    "others": Group.OTHER,
}
# Fields of the activity a row may correct, as `activity_update` takes them.
TEXTS = ("address", "audience", "outcome")
AMOUNTS = ("spending", "in_kind_value")

# Where a refusal of the activities services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"counts": "women"}

COLUMNS: tuple[Column, ...] = (
    Column(
        "title",
        _("Activity title"),
        required=True,
        synonyms=("活动名称", "活动主题", "活动", "培训名称", "名称"),
        note=_("As it should appear in the records; with the start date it names the activity."),
        example="十字绣培训",
        width=20,
    ),
    Column(
        "kind",
        _("Activity kind"),
        Kind.CHOICE,
        required=True,
        choices=ActivityKind.choices,
        synonyms=("活动类型", "活动类别", "活动形式", "类型", "类别"),
        example="培训",
        width=12,
    ),
    Column(
        "start",
        _("Starts"),
        Kind.DATE,
        required=True,
        synonyms=("开始日期", "开始时间", "活动日期", "活动时间", "举办日期", "日期"),
        note=_("The activity's first day, e.g. 2014-05-06."),
        example="2014-05-06",
    ),
    Column(
        "end",
        _("Ends"),
        Kind.DATE,
        synonyms=("结束日期", "结束时间", "截止日期"),
        note=_("Only for an activity of several days; not before the start."),
        example="2014-05-08",
    ),
    Column(
        "place",
        _("Held in"),
        Kind.UNIT_CODE,
        synonyms=("举办地", "举办单位", "举办村", "承办单位", "村（社区）", "单位代码"),
        note=_(
            "The code or exact name of a unit inside the unit you import for; empty: that unit."
        ),
        example="150525100201",
        width=16,
    ),
    Column(
        "address",
        _("Address"),
        synonyms=("地址", "活动地点", "具体地点", "地点", "场地"),
        note=_("Where exactly, e.g. the village committee's meeting room."),
        example="村委会会议室",
        width=18,
    ),
    Column(
        "programme",
        pgettext_lazy("table header", "Programme"),
        synonyms=("项目名称", "所属项目", "项目"),
        note=_("May stay empty; otherwise the programme's name, exactly as in the system."),
        width=18,
    ),
    Column(
        "audience",
        _("Audience"),
        synonyms=("参加对象", "活动对象", "服务对象", "对象"),
        example="留守妇女",
        width=14,
    ),
    Column(
        "women",
        _("Women taking part"),
        Kind.INT,
        synonyms=("参加妇女人数", "妇女人数", "其中妇女", "妇女"),
        note=_("Counts by group; leave all four empty if names are taken on an attendance sheet."),
        example="35",
        width=10,
    ),
    Column(
        "children",
        _("Children taking part"),
        Kind.INT,
        synonyms=("参加儿童人数", "儿童人数", "其中儿童", "儿童"),
        width=10,
    ),
    Column(
        "elderly",
        _("Elderly taking part"),
        Kind.INT,
        synonyms=("参加老人人数", "老人人数", "老年人数", "其中老人", "老人"),
        width=10,
    ),
    Column(
        "others",
        _("Others taking part"),
        Kind.INT,
        synonyms=("其他参加人数", "其他人员人数", "其他人数", "其他人员"),
        width=10,
    ),
    Column(
        "total",
        _("Participants in all"),
        Kind.INT,
        synonyms=("参加总人数", "参加人数", "总人数", "参与人数", "人数合计", "合计"),
        note=_("Only a check: the numbers by group must add up to it."),
        example="35",
        width=10,
    ),
    Column(
        "spending",
        _("Spending (yuan)"),
        Kind.DECIMAL,
        synonyms=("支出（元）", "经费（元）", "活动经费", "经费", "支出", "投入资金（元）"),
        example="800",
        width=12,
    ),
    Column(
        "in_kind_value",
        _("Value of goods given (yuan)"),
        Kind.DECIMAL,
        synonyms=("发放物资价值（元）", "物资价值（元）", "发放物资价值", "物资价值", "物资折价"),
        width=14,
    ),
    Column(
        "outcome",
        _("Outcome"),
        synonyms=("活动成效", "成效", "活动效果", "效果"),
        width=24,
    ),
)


@dataclass
class _Units:
    """The units of the upload unit's subtree, read once per import."""

    by_code: dict[str, OrgUnit] = field(default_factory=dict)
    by_name: dict[str, list[OrgUnit]] = field(default_factory=dict)  # open ones only


def _units(ctx: ImportContext) -> _Units:
    cached = ctx.cache.get("activity_units")
    if isinstance(cached, _Units):
        return cached
    units = _Units()
    inside = OrgUnit.objects.filter(path__within=ctx.unit.path)
    for unit in access.scoped(ctx.actor, inside).order_by("path"):
        units.by_code.setdefault(unit.code, unit)
        if unit.closed_on is None:
            units.by_name.setdefault(unit.name, []).append(unit)
    ctx.cache["activity_units"] = units
    return units


def _place(ctx: ImportContext, value: str) -> OrgUnit:
    """The unit the row says the activity was held in: the upload unit when it does not say."""
    if not value:
        return ctx.unit
    units = _units(ctx)
    code = units.by_code.get(value)
    found = [code] if code is not None else units.by_name.get(value, [])[:2]
    if not found:
        raise refuse(UNKNOWN_UNIT, "unknown_unit", "place", value=value, unit=ctx.unit.name)
    if len(found) > 1:
        raise refuse(AMBIGUOUS_UNIT, "ambiguous_unit", "place", value=value, unit=ctx.unit.name)
    return found[0]


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _cents(value: Decimal | None) -> Decimal | None:
    """Money is kept to the cent: the same rounding for comparing and writing."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _moment(day: dt.date) -> dt.datetime:
    """A day of the sheet as the start of that day, in the local time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def _counts(values: dict[str, Any]) -> dict[str, int] | None:
    """The numbers by group the row gives (None when it gives none), checked against the
    total and for signs."""
    given = {key: values.get(key) for key in COUNT_COLUMNS}
    total = values.get("total")
    for key, number in (*given.items(), ("total", total)):
        if number is not None and number < 0:
            raise refuse(NEGATIVE, "negative", key)
        if number is not None and number > MAX_COUNT:
            raise refuse(TOO_LARGE, "too_large", key, value=number)
    if all(number is None for number in given.values()):
        if total:
            raise refuse(TOTAL_ALONE, "total_alone", "total")
        return None
    counts = {group: given[key] or 0 for key, group in COUNT_COLUMNS.items()}
    if total is not None and sum(counts.values()) != total:
        raise refuse(
            TOTAL_MISMATCH, "total_mismatch", "total", sum=sum(counts.values()), total=total
        )
    return counts


@dataclass(frozen=True)
class _Given:
    """A row, checked and resolved: what the activity should be."""

    kind: str
    title: str
    start: dt.date
    end: dt.date | None
    place: OrgUnit
    programme: Programme | None
    counts: dict[str, int] | None
    texts: dict[str, str]  # the non-empty text cells among TEXTS
    amounts: dict[str, Decimal]  # the non-empty amount cells among AMOUNTS


def _given(ctx: ImportContext, values: dict[str, Any]) -> _Given:
    amounts: dict[str, Decimal] = {}
    for key in AMOUNTS:
        amount = _cents(values.get(key))
        if amount is not None:
            if amount < 0:
                raise refuse(NEGATIVE, "negative", key)
            if amount > MAX_AMOUNT:
                raise refuse(TOO_LARGE, "too_large", key, value=amount)
            amounts[key] = amount
    for key in ("title", *TEXTS):
        limit: int | None = getattr(Activity._meta.get_field(key), "max_length", None)
        length = len(_text(values, key))
        if limit is not None and length > limit:
            raise refuse(TOO_LONG, "too_long", key, limit=limit, length=length)
    programme_name = _text(values, "programme")
    return _Given(
        kind=str(values["kind"]),
        title=_text(values, "title"),
        start=values["start"],
        end=values.get("end"),
        place=_place(ctx, _text(values, "place")),
        programme=programme_by_name(ctx, programme_name) if programme_name else None,
        counts=_counts(values),
        texts={key: _text(values, key) for key in TEXTS if _text(values, key)},
        amounts=amounts,
    )


def _recorded(ctx: ImportContext, given: _Given) -> Activity | None:
    """The recorded activity the row describes (module doc: "the same"), the first recorded
    when there are several."""
    inside = Q(owner__path__within=ctx.unit.path) | Q(place__path__within=ctx.unit.path)
    held = Q(place=given.place) | Q(place__isnull=True, owner=given.place)
    found = activity_list(ctx.actor, start=given.start, end=given.start).filter(
        inside, held, title=given.title
    )
    return found.order_by("pk").first()


def _counts_of(activity: Activity) -> dict[str, int]:
    return dict(activity.counts.values_list("group", "count"))


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {group: number for group, number in counts.items() if number}


def _changes(activity: Activity, given: _Given) -> dict[str, Any]:
    """The fields the row gives that differ from the recorded activity."""
    changed: dict[str, Any] = {}
    if given.end is not None:
        recorded_end = timezone.localtime(activity.end).date() if activity.end else None
        if recorded_end != given.end:
            changed["end"] = _moment(given.end)
    if given.programme is not None and activity.programme_id != given.programme.pk:
        changed["programme"] = given.programme
    for key, text in given.texts.items():
        if getattr(activity, key) != text:
            changed[key] = text
    for key, amount in given.amounts.items():
        if getattr(activity, key) != amount:
            changed[key] = amount
    return changed


def _snapshot(activity: Activity, keys: list[str]) -> dict[str, Any]:
    """The fields `keys` of the activity as they are, in a form the import's items keep."""
    before: dict[str, Any] = {}
    for key in keys:
        if key == "end":
            before[key] = activity.end.isoformat() if activity.end else None
        elif key == "programme":
            before[key] = activity.programme_id
        elif key in AMOUNTS:
            before[key] = str(getattr(activity, key))
        else:
            before[key] = getattr(activity, key)
    return before


def _update(ctx: ImportContext, activity: Activity, given: _Given) -> Applied:
    """The recorded activity, unchanged or corrected to what the row gives."""
    if activity.kind != given.kind:
        raise refuse(
            KIND_RECORDED,
            "kind_recorded",
            "kind",
            title=activity.title,
            kind=ActivityKind(activity.kind).label,
        )
    counts_before = _counts_of(activity)
    new_counts = None
    if given.counts is not None:
        if activity.headcount != Headcount.COUNTS:
            raise refuse(NAMES_RECORDED, "wrong_headcount", "women", title=activity.title)
        if _nonzero(given.counts) != counts_before:
            new_counts = given.counts
    changed = _changes(activity, given)
    if not changed and new_counts is None:
        return Applied(Outcome.UNCHANGED, activity)
    before = _snapshot(activity, sorted(changed))
    if changed:
        activity = activity_update(
            actor=ctx.actor, activity=activity, version=activity.version, **changed
        )
    if new_counts is not None:
        counts_set(actor=ctx.actor, activity=activity, counts=new_counts)
        before["counts"] = counts_before
        before[COUNTS_AFTER] = _nonzero(new_counts)
    before[VERSION_AFTER] = activity.version
    return Applied(Outcome.UPDATED, activity, before)


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    given = _given(ctx, values)
    recorded = _recorded(ctx, given)
    try:
        if recorded is not None:
            return _update(ctx, recorded, given)
        activity = activity_record(
            actor=ctx.actor,
            owner=ctx.unit,
            kind=given.kind,
            title=given.title,
            start=_moment(given.start),
            end=_moment(given.end) if given.end is not None else None,
            place=given.place,
            address=given.texts.get("address", ""),
            programme=given.programme,
            audience=given.texts.get("audience", ""),
            headcount=Headcount.COUNTS if given.counts is not None else Headcount.ATTENDANCE,
            spending=given.amounts.get("spending", Decimal(0)),
            in_kind_value=given.amounts.get("in_kind_value", Decimal(0)),
            outcome=given.texts.get("outcome", ""),
            counts=given.counts,
        )
    except (PermissionDenied, Http404):
        owner = recorded.owner.name if recorded is not None else ctx.unit.name
        raise refuse(NO_EDIT, "no_edit", "title", title=given.title, owner=owner) from None
    return Applied(Outcome.NEW, activity)


def _refuse_if_changed(activity: Activity, version: int, counts: dict[str, int] | None) -> None:
    if activity.version != version or (counts is not None and _counts_of(activity) != counts):
        raise refuse(CHANGED_SINCE_IMPORT, "changed_since", None, title=activity.title)


def undo_created(actor: Any, obj: Model) -> None:
    assert isinstance(obj, Activity)  # noqa: S101
    _refuse_if_changed(obj, 1, None)
    activity_remove(actor=actor, activity=obj)


def undo_updated(actor: Any, obj: Model, before: dict[str, Any]) -> None:
    assert isinstance(obj, Activity)  # noqa: S101
    restored = dict(before)
    version = restored.pop(VERSION_AFTER)
    counts_after = restored.pop(COUNTS_AFTER, None)
    counts = restored.pop("counts", None)
    _refuse_if_changed(obj, version, counts_after)
    if "end" in restored:
        end = restored["end"]
        restored["end"] = dt.datetime.fromisoformat(end) if end else None
    if "programme" in restored:
        programme = restored["programme"]
        restored["programme"] = programme_list(actor).filter(pk=programme).first()
    for key in AMOUNTS:
        if key in restored:
            restored[key] = Decimal(restored[key])
    activity = obj
    if restored:
        activity = activity_update(actor=actor, activity=obj, version=obj.version, **restored)
    if counts is not None:
        counts_set(actor=actor, activity=activity, counts=counts)


ACTIVITIES = register(
    ImportType(
        key="activities",
        label=_("Activities"),
        columns=COLUMNS,
        apply=apply,
        undo_created=undo_created,
        undo_updated=undo_updated,
        model=Activity,
        service_fields=FIELD_TO_COLUMN,
    )
)
