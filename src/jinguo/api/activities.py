"""Activities over HTTP: activities and their attendance, QR check-in codes, volunteer teams,
volunteers and their hours, pairings and their contacts, village visits and needs.

The same selectors and services as the pages, so the same rules, scope and audit entries.
People appear by id and name only, never with an ID number or a phone; the one exception is
the volunteer export, a file in the national volunteer-service system's layout, which holds
them in full only for users who may reveal them (and is audited). Files of an activity
(photos, sign-in sheets) are listed here and uploaded on its web page.

The check-in itself is not part of the API: participants scan the code and check in on the
public page at ``/checkin/<token>/``, whose path the code's endpoint returns.
"""

# No `from __future__ import annotations` here: django-ninja's @paginate wraps the view, and the
# wrapper could not resolve a query schema named in a string annotation.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jinguo.accounts.roles import Perm
from jinguo.activities import selectors, services
from jinguo.activities.choices import (
    ActivityKind,
    CheckinSource,
    ContactKind,
    Group,
    Headcount,
    HelpKind,
    MaterialKind,
    NeedCategory,
    NeedStatus,
    PairingKind,
    PendingStatus,
    TeamFocus,
    VenueKind,
    VolunteerRole,
)
from jinguo.activities.models import (
    Activity,
    ActivityFile,
    Attendance,
    CheckinCode,
    Material,
    Need,
    Pairing,
    PairingContact,
    PendingCheckin,
    ServiceRecord,
    VillageVisit,
    Volunteer,
    VolunteerTeam,
)
from jinguo.activities.volunteer_export import volunteer_export_response
from jinguo.core.masking import mask_phone
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people import selectors as people
from jinguo.programmes import selectors as programmes

activities_router = Router(tags=["activities"])
teams_router = Router(tags=["volunteer teams"])
volunteers_router = Router(tags=["volunteers"])
pairings_router = Router(tags=["pairings"])
visits_router = Router(tags=["village visits"])
needs_router = Router(tags=["needs"])

Blank = Literal[""]
# Yuan with fen, sent and returned as decimal strings ("1000.00").
Money = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
NOT_BLANK = r"\S"
# The public page where participants check in; the web app serves it.
CHECKIN_PATH = "/checkin/{token}/"


def _user(request: HttpRequest) -> Any:
    return request.user


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is read in the application's zone (Beijing time)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _unit(request: HttpRequest, unit_id: int | None) -> OrgUnit | None:
    return access.unit_get(_user(request), unit_id) if unit_id is not None else None


class UnitRef(Schema):
    id: int
    name: str


class OrganisationRef(Schema):
    id: int
    name: str


# --- activities -----------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    title: str
    start: dt.datetime
    end: dt.datetime | None
    owner_id: int = Field(description="The unit that recorded it: it changes the activity.")
    owner_name: str = ""
    place_id: int | None = Field(description="The unit it was held in; it may keep the sheet.")
    place_name: str = ""
    address: str
    venue_kind: VenueKind | Blank
    programme_id: int | None
    topics: str
    audience: str
    headcount: Headcount = Field(
        description="attendance: names on a sheet, one row per person per day; counts: "
        "numbers by group."
    )
    spending: Decimal = Field(description="Yuan.")
    in_kind_value: Decimal = Field(description="Value of goods given, yuan.")
    outcome: str
    version: int = Field(description="Send it back with a PATCH: a stale version gives 409.")

    @staticmethod
    def resolve_owner_name(activity: Activity) -> str:
        return activity.owner.name

    @staticmethod
    def resolve_place_name(activity: Activity) -> str:
        return activity.place.name if activity.place is not None else ""


class MaterialOut(Schema):
    kind: MaterialKind
    description: str
    count: int


class CountOut(Schema):
    group: Group
    count: int


class FileOut(Schema):
    id: int
    name: str = ""
    caption: str
    is_photo: bool
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_name(file: ActivityFile) -> str:
        return str(file.file.name).rsplit("/", 1)[-1]


class TrainingOut(Schema):
    curriculum: str
    trainer: str
    hours: Decimal
    assessment: str
    certificates: int = Field(description="Certificates issued.")
    certificate_issuer: str
    certificate_date: dt.date | None
    buyers: list[OrganisationRef] = Field(description="Companies buying what trainees make.")

    @staticmethod
    def resolve_buyers(training: Any) -> list[Any]:
        return list(training.buyers.order_by("name"))


class ParticipationOut(Schema):
    person_times: int = Field(description="人次: each person counted once for each day.")
    people: int | None = Field(description="Distinct people; null where names are not taken.")
    by_group: dict[str, int] = Field(
        description="Person-times by group (women, children, elderly, other)."
    )


class ActivityDetailOut(ActivityOut):
    organisers: list[UnitRef] = Field(description="Units it was organised with.")
    partners: list[OrganisationRef]
    materials: list[MaterialOut] = Field(description="Materials handed out.")
    counts: list[CountOut] = Field(description="Counts by group, where names are not taken.")
    files: list[FileOut] = Field(description="Photos and documents, uploaded on the web page.")
    training: TrainingOut | None = Field(None, description="The details of a training.")
    participation: ParticipationOut | None = Field(
        None, description="Who came, over the whole activity (figures reveal no one)."
    )
    can_edit: bool = Field(False, description="Whether you may change the activity itself.")

    @staticmethod
    def resolve_organisers(activity: Activity) -> list[OrgUnit]:
        return sorted(activity.organisers.all(), key=lambda unit: unit.name)

    @staticmethod
    def resolve_partners(activity: Activity) -> list[Any]:
        return sorted(activity.partners.all(), key=lambda organisation: organisation.name)

    @staticmethod
    def resolve_materials(activity: Activity) -> list[Material]:
        return list(activity.materials.all())

    @staticmethod
    def resolve_counts(activity: Activity) -> list[Any]:
        return sorted(activity.counts.all(), key=lambda count: count.group)

    @staticmethod
    def resolve_files(activity: Activity) -> list[ActivityFile]:
        return list(activity.files.all())

    @staticmethod
    def resolve_training(activity: Activity) -> Any:
        return getattr(activity, "training", None)

    @staticmethod
    def resolve_participation(activity: Activity) -> selectors.Participation:
        return selectors.participation(activity)

    @staticmethod
    def resolve_can_edit(activity: Activity, context: Any) -> bool:
        return access.can(context["request"].user, Perm.EDIT, activity.owner)


class ActivityFilterIn(Schema):
    kind: ActivityKind | Blank = ""
    start: dt.date | None = Field(None, description="Starting on or after this day.")
    end: dt.date | None = Field(None, description="Starting on or before this day.")


class TrainingIn(Schema):
    curriculum: str = ""
    trainer: str = Field("", max_length=100)
    hours: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=1)] = Decimal(0)
    assessment: str = Field("", max_length=200)
    certificates: int = Field(0, ge=0)
    certificate_issuer: str = Field("", max_length=100)
    certificate_date: dt.date | None = None
    buyer_ids: list[int] = Field([], description="Organisations (see /organisations/).")


class MaterialIn(Schema):
    kind: MaterialKind
    count: int
    description: str = Field("", max_length=100)


class ActivityCreate(Schema):
    owner_id: int = Field(description="The unit that records it: needs edit there.")
    kind: ActivityKind
    title: str = Field(..., min_length=1, max_length=120, pattern=NOT_BLANK)
    start: dt.datetime = Field(description="Without a zone: Beijing time.")
    end: dt.datetime | None = None
    place_id: int | None = Field(None, description="The unit it was held in.")
    address: str = Field("", max_length=200)
    venue_kind: VenueKind | Blank = ""
    programme_id: int | None = None
    topics: str = Field("", max_length=200)
    audience: str = Field("", max_length=200)
    headcount: Headcount = Headcount.ATTENDANCE
    spending: Money = Decimal(0)
    in_kind_value: Money = Decimal(0)
    outcome: str = ""
    organiser_ids: list[int] = Field([], description="Units it was organised with.")
    partner_ids: list[int] = Field([], description="Organisations (see /organisations/).")
    training: TrainingIn | None = Field(None, description="For a training: its details.")
    counts: dict[Group, int] | None = Field(
        None, description="Where names are not taken (headcount counts): numbers by group."
    )
    materials: list[MaterialIn] = []


class ActivityUpdate(Schema):
    """The fields to change, and the version they were read at; absent fields stay as they are.
    Organisers, partners, training details and materials are set when the activity is
    recorded."""

    version: int
    title: str | None = Field(None, min_length=1, max_length=120, pattern=NOT_BLANK)
    start: dt.datetime | None = None
    end: dt.datetime | None = Field(None, description="null removes it.")
    place_id: int | None = Field(None, description="null removes it.")
    address: str | None = Field(None, max_length=200)
    venue_kind: VenueKind | Blank | None = None
    programme_id: int | None = Field(None, description="null removes it.")
    topics: str | None = Field(None, max_length=200)
    audience: str | None = Field(None, max_length=200)
    spending: Money | None = None
    in_kind_value: Money | None = None
    outcome: str | None = None


# Fields that cannot be emptied (null: leave as it is) and text fields where null means "".
_REQUIRED_ON_UPDATE = ("title", "start", "spending", "in_kind_value")
_TEXT_ON_UPDATE = ("address", "venue_kind", "topics", "audience", "outcome")


class CountsIn(Schema):
    counts: dict[Group, int] = Field(description="Numbers by group; replaces those recorded.")


class AttendanceOut(Schema):
    id: int
    person_id: int
    person_name: str = ""
    day: dt.date
    source: CheckinSource = Field(description="staff: entered; qr: she scanned the code.")
    at: dt.datetime

    @staticmethod
    def resolve_person_name(attendance: Attendance) -> str:
        return attendance.person.name


class AttendanceSheetOut(ParticipationOut):
    activity_id: int
    items: list[AttendanceOut] = Field(
        description="The names you may see; the figures count everyone."
    )
    not_shown: int = Field(description="Person-times of people outside your scope.")


class AttendanceIn(Schema):
    person_id: int
    day: dt.date | None = Field(None, description="Default: the first day of the activity.")


class CodeIn(Schema):
    day: dt.date | None = Field(None, description="The day it checks people in for; today.")
    minutes: int | None = Field(
        None, ge=5, le=24 * 60, description="How long it works; default 4 hours."
    )


class CodeOut(Schema):
    token: str
    day: dt.date
    expires_at: dt.datetime
    path: str = Field(
        "", description="The public check-in page to show as a QR code (prefix the site's address)."
    )

    @staticmethod
    def resolve_path(code: CheckinCode) -> str:
        return CHECKIN_PATH.format(token=code.token)


class PendingOut(Schema):
    id: int
    day: dt.date
    name: str = Field(description="As she typed it.")
    phone_masked: str = ""
    status: PendingStatus
    at: dt.datetime

    @staticmethod
    def resolve_phone_masked(pending: PendingCheckin) -> str:
        return mask_phone(pending.phone)


class ConfirmIn(Schema):
    person_id: int = Field(description="The registered person she was.")


def _activity(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.activity_get(_user(request), activity_id)


def _pending(activity: Activity, pending_id: int) -> PendingCheckin:
    """An unconfirmed check-in of this activity (a child is fetched through its parent)."""
    pending = selectors.pending_list(activity).filter(pk=pending_id).first()
    if pending is None:
        raise Http404
    pending.activity = activity
    return pending


@activities_router.get("/", response=list[ActivityOut])
@paginate(LimitOffsetPagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilterIn]) -> Any:
    """Activities recorded by your units or held in them, latest first."""
    return selectors.activity_list(
        _user(request), kind=filters.kind, start=filters.start, end=filters.end
    )


@activities_router.get("/{activity_id}", response=ActivityDetailOut)
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    """The activity with its organisers, partners, materials, counts, files (listed; uploaded
    on the web page), training details and who came (person-times, people, by group)."""
    return _activity(request, activity_id)


@activities_router.post("/", response={201: ActivityDetailOut})
def record_activity(request: HttpRequest, payload: ActivityCreate) -> Status[Activity]:
    """Record an activity with what came with it. Needs edit on the recording unit."""
    user = _user(request)
    training = None
    if payload.training is not None:
        details = payload.training
        training = services.TrainingInput(
            curriculum=details.curriculum,
            trainer=details.trainer,
            hours=details.hours,
            assessment=details.assessment,
            certificates=details.certificates,
            certificate_issuer=details.certificate_issuer,
            certificate_date=details.certificate_date,
            buyers=[programmes.organisation_get(user, pk) for pk in details.buyer_ids],
        )
    activity = services.activity_record(
        actor=user,
        owner=access.unit_get(user, payload.owner_id),
        kind=payload.kind,
        title=payload.title,
        start=_aware(payload.start),
        end=_aware(payload.end) if payload.end is not None else None,
        place=_unit(request, payload.place_id),
        address=payload.address,
        venue_kind=payload.venue_kind,
        programme=programmes.programme_get(user, payload.programme_id)
        if payload.programme_id
        else None,
        topics=payload.topics,
        audience=payload.audience,
        headcount=payload.headcount,
        spending=payload.spending,
        in_kind_value=payload.in_kind_value,
        outcome=payload.outcome,
        organisers=[access.unit_get(user, pk) for pk in payload.organiser_ids],
        partners=[programmes.organisation_get(user, pk) for pk in payload.partner_ids],
        training=training,
        counts={str(group): n for group, n in payload.counts.items()} if payload.counts else None,
        materials=[(m.kind, m.count, m.description) for m in payload.materials],
    )
    return Status(201, _activity(request, activity.pk))


@activities_router.patch("/{activity_id}", response=ActivityDetailOut)
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityUpdate) -> Activity:
    """Change the fields sent; only the recording unit may. A `version` other than the current
    one is refused with 409 (edit_conflict): read it again and apply the change to what is
    there now."""
    activity = _activity(request, activity_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    for name in _REQUIRED_ON_UPDATE:
        if name in changes and changes[name] is None:
            del changes[name]
    for name in _TEXT_ON_UPDATE:
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("start", "end"):
        if changes.get(name) is not None:
            changes[name] = _aware(changes[name])
    if "place_id" in changes:
        changes["place"] = _unit(request, changes.pop("place_id"))
    if "programme_id" in changes:
        programme_id = changes.pop("programme_id")
        changes["programme"] = (
            programmes.programme_get(_user(request), programme_id) if programme_id else None
        )
    services.activity_update(actor=_user(request), activity=activity, version=version, **changes)
    return _activity(request, activity_id)


@activities_router.put("/{activity_id}/counts", response=ParticipationOut)
def set_counts(
    request: HttpRequest, activity_id: int, payload: CountsIn
) -> selectors.Participation:
    """Replace the numbers by group of an activity that takes no names; the recording unit or
    the place it was held may."""
    activity = _activity(request, activity_id)
    services.counts_set(
        actor=_user(request),
        activity=activity,
        counts={str(group): n for group, n in payload.counts.items()},
    )
    return selectors.participation(activity)


@activities_router.get("/{activity_id}/attendance", response=AttendanceSheetOut)
def get_attendance(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """The attendance sheet: the names of the people you may see, by day, and the figures of
    everyone who came."""
    activity = _activity(request, activity_id)
    items = list(selectors.attendance_list(_user(request), activity))
    figures = selectors.participation(activity)
    return {
        "activity_id": activity.pk,
        "person_times": figures.person_times,
        "people": figures.people,
        "by_group": figures.by_group,
        "items": items,
        "not_shown": max(figures.person_times - len(items), 0)
        if activity.headcount == Headcount.ATTENDANCE
        else 0,
    }


@activities_router.post("/{activity_id}/attendance", response={201: AttendanceOut})
def add_attendance(
    request: HttpRequest, activity_id: int, payload: AttendanceIn
) -> Status[Attendance]:
    """Put a person on the sheet for a day of the activity; once a day each."""
    user = _user(request)
    attendance = services.attendance_add(
        actor=user,
        activity=_activity(request, activity_id),
        person=people.person_get(user, payload.person_id),
        day=payload.day,
    )
    return Status(201, attendance)


@activities_router.delete("/{activity_id}/attendance/{attendance_id}", response={204: None})
def remove_attendance(request: HttpRequest, activity_id: int, attendance_id: int) -> Status[None]:
    activity = _activity(request, activity_id)
    attendance = (
        selectors.attendance_list(_user(request), activity).filter(pk=attendance_id).first()
    )
    if attendance is None:
        raise Http404
    attendance.activity = activity
    services.attendance_remove(actor=_user(request), attendance=attendance)
    return Status(204, None)


@activities_router.post("/{activity_id}/checkin-codes", response={201: CodeOut})
def issue_checkin_code(
    request: HttpRequest, activity_id: int, payload: CodeIn
) -> Status[CheckinCode]:
    """A new QR check-in code for one day of the activity (today unless `day` is sent);
    earlier codes for that day stop working. Show `path` as a QR code: participants check
    themselves in there with their name and mobile number."""
    code = services.checkin_code_issue(
        actor=_user(request),
        activity=_activity(request, activity_id),
        day=payload.day,
        lifetime=dt.timedelta(minutes=payload.minutes)
        if payload.minutes
        else services.CODE_LIFETIME,
    )
    return Status(201, code)


@activities_router.get("/{activity_id}/pending-checkins", response=list[PendingOut])
def list_pending_checkins(request: HttpRequest, activity_id: int) -> list[PendingCheckin]:
    """Check-ins that matched nobody in the registry, waiting for staff to say who they were."""
    return list(selectors.pending_list(_activity(request, activity_id)))


@activities_router.post(
    "/{activity_id}/pending-checkins/{pending_id}/confirm", response=AttendanceOut
)
def confirm_pending_checkin(
    request: HttpRequest, activity_id: int, pending_id: int, payload: ConfirmIn
) -> Attendance:
    """Say who an unmatched check-in was: she goes on the sheet for that day."""
    user = _user(request)
    pending = _pending(_activity(request, activity_id), pending_id)
    return services.pending_confirm(
        actor=user, pending=pending, person=people.person_get(user, payload.person_id)
    )


@activities_router.post("/{activity_id}/pending-checkins/{pending_id}/reject", response={204: None})
def reject_pending_checkin(request: HttpRequest, activity_id: int, pending_id: int) -> Status[None]:
    pending = _pending(_activity(request, activity_id), pending_id)
    services.pending_reject(actor=_user(request), pending=pending)
    return Status(204, None)


# --- volunteer teams ------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    unit_id: int = Field(description="The team is an org unit of kind volunteer team.")
    name: str = ""
    focus: TeamFocus
    founded_on: dt.date | None
    members: int = Field(0, description="Current members.")

    @staticmethod
    def resolve_name(team: VolunteerTeam) -> str:
        return team.unit.name

    @staticmethod
    def resolve_members(team: VolunteerTeam) -> int:
        return int(getattr(team, "members", 0) or 0)


class TeamIn(Schema):
    unit_id: int = Field(description="An org unit of kind volunteer team.")
    focus: TeamFocus
    founded_on: dt.date | None = None


@teams_router.get("/", response=list[TeamOut])
@paginate(LimitOffsetPagination)
def list_teams(request: HttpRequest, focus: TeamFocus | Blank = "") -> Any:
    """Volunteer teams in your scope with their current number of members, by name."""
    return selectors.team_list(_user(request), focus=focus)


@teams_router.get("/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, team_id: int) -> VolunteerTeam:
    return selectors.team_get(_user(request), team_id)


@teams_router.post("/", response=TeamOut)
def set_team_profile(request: HttpRequest, payload: TeamIn) -> VolunteerTeam:
    """Set the focus and founding day of a volunteer team unit (created on first use,
    replaced after). Needs edit on the unit."""
    user = _user(request)
    team = services.team_profile_set(
        actor=user,
        unit=access.unit_get(user, payload.unit_id),
        focus=payload.focus,
        founded_on=payload.founded_on,
    )
    return selectors.team_get(user, team.pk)


# --- volunteers -----------------------------------------------------------------------------------


class VolunteerOut(Schema):
    id: int
    team_id: int
    team_name: str = ""
    person_id: int
    person_name: str = ""
    role: VolunteerRole
    start: dt.date
    end: dt.date | None = Field(description="The last day she was a member.")

    @staticmethod
    def resolve_team_name(volunteer: Volunteer) -> str:
        return volunteer.team.unit.name

    @staticmethod
    def resolve_person_name(volunteer: Volunteer) -> str:
        return volunteer.person.name


class VolunteerIn(Schema):
    team_id: int
    person_id: int
    start: dt.date
    role: VolunteerRole = VolunteerRole.MEMBER


class VolunteerEndIn(Schema):
    on: dt.date = Field(description="Her last day as a member.")


class ServiceOut(Schema):
    id: int
    volunteer_id: int
    person_id: int = 0
    person_name: str = ""
    activity_id: int | None
    activity_title: str = ""
    on: dt.date
    hours: Decimal
    description: str

    @staticmethod
    def resolve_person_id(record: ServiceRecord) -> int:
        return record.volunteer.person_id

    @staticmethod
    def resolve_person_name(record: ServiceRecord) -> str:
        return record.volunteer.person.name

    @staticmethod
    def resolve_activity_title(record: ServiceRecord) -> str:
        return record.activity.title if record.activity is not None else ""


class ServiceIn(Schema):
    on: dt.date
    hours: Annotated[Decimal, Field(max_digits=5, decimal_places=1)] = Field(
        description="Above zero; at most 24 a day for one volunteer."
    )
    description: str = Field(..., min_length=1, max_length=200, pattern=NOT_BLANK)
    activity_id: int | None = Field(None, description="The activity she served at, if any.")


class HoursOut(Schema):
    volunteer_id: int
    person_id: int
    person_name: str
    team_id: int
    team_name: str
    hours: Decimal = Field(description="Hours served in the period.")
    records: int = Field(description="Service records in the period.")


class HoursFilterIn(Schema):
    team_id: int | None = None
    start: dt.date | None = Field(None, description="From this day (inclusive).")
    end: dt.date | None = Field(None, description="To this day (inclusive).")


class ExportIn(HoursFilterIn):
    fmt: Literal["xlsx", "csv"] = "xlsx"
    reveal: bool = Field(
        True,
        description="Full ID numbers and phones, as the national system needs them: given "
        "only in teams where you may reveal (and recorded in the audit log), masked elsewhere.",
    )
    only_with_hours: bool = Field(False, description="Leave out volunteers with no hours.")


def _volunteer(request: HttpRequest, volunteer_id: Any) -> Volunteer:
    volunteer = selectors.volunteer_list(_user(request)).filter(pk=volunteer_id).first()
    if volunteer is None:
        raise Http404
    return volunteer


def _team(request: HttpRequest, team_id: int | None) -> VolunteerTeam | None:
    return selectors.team_get(_user(request), team_id) if team_id is not None else None


@volunteers_router.get("/", response=list[VolunteerOut])
@paginate(LimitOffsetPagination)
def list_volunteers(request: HttpRequest, team_id: int | None = None) -> Any:
    """Members of the teams in your scope, past and present."""
    return selectors.volunteer_list(_user(request), team=_team(request, team_id)).order_by(
        "team__unit__name", "person__name_pinyin", "pk"
    )


# Declared before /{volunteer_id}, which would otherwise take these for an id.
@volunteers_router.get("/hours", response=list[HoursOut])
@paginate(LimitOffsetPagination)
def list_hours(request: HttpRequest, filters: Query[HoursFilterIn]) -> Any:
    """Each volunteer with her hours and number of service records from `start` to `end`."""
    lines = selectors.volunteer_hours(
        _user(request), team=_team(request, filters.team_id), start=filters.start, end=filters.end
    )
    return [
        {
            "volunteer_id": line.volunteer.pk,
            "person_id": line.volunteer.person_id,
            "person_name": line.volunteer.person.name,
            "team_id": line.volunteer.team_id,
            "team_name": line.volunteer.team.unit.name,
            "hours": line.hours,
            "records": line.records,
        }
        for line in lines
    ]


_EXPORT_RESPONSE = {
    "description": "An xlsx workbook, or a UTF-8 CSV with a byte-order mark.",
    "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        "text/csv": {},
    },
}


@volunteers_router.get("/export", openapi_extra={"responses": {200: _EXPORT_RESPONSE}})
def export_volunteers(
    request: HttpRequest, filters: Query[ExportIn]
) -> FileResponse | StreamingHttpResponse:
    """Volunteers and their hours in the layout for bulk upload to the national
    volunteer-service system (全国志愿服务信息系统): 姓名, 证件类型, 证件号码, 性别, 手机号码,
    志愿队伍, 服务开始日期, 服务结束日期, 服务时长（小时）."""
    return volunteer_export_response(
        actor=_user(request),
        team=_team(request, filters.team_id),
        start=filters.start,
        end=filters.end,
        fmt=filters.fmt,
        reveal=filters.reveal,
        only_with_hours=filters.only_with_hours,
    )


@volunteers_router.get("/services", response=list[ServiceOut])
@paginate(LimitOffsetPagination)
def list_services(request: HttpRequest, volunteer_id: int | None = None) -> Any:
    """Service records of the teams in your scope, latest first."""
    volunteer = _volunteer(request, volunteer_id) if volunteer_id is not None else None
    return selectors.service_list(_user(request), volunteer=volunteer)


@volunteers_router.get("/{volunteer_id}", response=VolunteerOut)
def get_volunteer(request: HttpRequest, volunteer_id: int) -> Volunteer:
    return _volunteer(request, volunteer_id)


@volunteers_router.post("/", response={201: VolunteerOut})
def add_volunteer(request: HttpRequest, payload: VolunteerIn) -> Status[Volunteer]:
    """A person joins a team (once at a time). Needs edit on the team."""
    user = _user(request)
    volunteer = services.volunteer_add(
        actor=user,
        team=selectors.team_get(user, payload.team_id),
        person=people.person_get(user, payload.person_id),
        start=payload.start,
        role=payload.role,
    )
    return Status(201, _volunteer(request, volunteer.pk))


@volunteers_router.post("/{volunteer_id}/end", response=VolunteerOut)
def end_volunteer(request: HttpRequest, volunteer_id: int, payload: VolunteerEndIn) -> Volunteer:
    volunteer = _volunteer(request, volunteer_id)
    return services.volunteer_end(actor=_user(request), volunteer=volunteer, on=payload.on)


@volunteers_router.post("/{volunteer_id}/services", response={201: ServiceOut})
def add_service(
    request: HttpRequest, volunteer_id: int, payload: ServiceIn
) -> Status[ServiceRecord]:
    """Hours she served on a day while a member, at an activity or otherwise."""
    user = _user(request)
    record = services.service_record(
        actor=user,
        volunteer=_volunteer(request, volunteer_id),
        on=payload.on,
        hours=payload.hours,
        description=payload.description,
        activity=selectors.activity_get(user, payload.activity_id) if payload.activity_id else None,
    )
    return Status(201, record)


# --- pairings -------------------------------------------------------------------------------------


class PairingOut(Schema):
    id: int
    kind: PairingKind
    helper_person_id: int | None
    helper_person_name: str = ""
    helper_unit_id: int | None = Field(description="A civilised post, for post-village pairs.")
    helper_unit_name: str = ""
    helped_person_id: int | None
    helped_person_name: str = ""
    helped_unit_id: int | None = Field(description="A village, for post-village pairs.")
    helped_unit_name: str = ""
    unit_id: int = Field(description="The village of whoever is helped: scope follows it.")
    start: dt.date
    end: dt.date | None
    call_every_days: int | None = Field(description="A call at least this often; null: none.")
    visit_every_days: int | None = Field(description="A visit at least this often.")
    note: str
    last_call: dt.date | None = None
    last_visit: dt.date | None = None

    @staticmethod
    def resolve_helper_person_name(pairing: Pairing) -> str:
        return pairing.helper_person.name if pairing.helper_person else ""

    @staticmethod
    def resolve_helper_unit_name(pairing: Pairing) -> str:
        return pairing.helper_unit.name if pairing.helper_unit else ""

    @staticmethod
    def resolve_helped_person_name(pairing: Pairing) -> str:
        return pairing.helped_person.name if pairing.helped_person else ""

    @staticmethod
    def resolve_helped_unit_name(pairing: Pairing) -> str:
        return pairing.helped_unit.name if pairing.helped_unit else ""

    @staticmethod
    def resolve_last_call(pairing: Pairing) -> dt.date | None:
        return getattr(pairing, "last_call", None)

    @staticmethod
    def resolve_last_visit(pairing: Pairing) -> dt.date | None:
        return getattr(pairing, "last_visit", None)


class ContactOut(Schema):
    id: int
    on: dt.date
    kind: ContactKind
    help_kind: HelpKind | Blank
    value: Decimal = Field(description="Yuan.")
    note: str


class PairingDetailOut(PairingOut):
    contacts: list[ContactOut] = Field(description="Calls, visits and help, latest first.")

    @staticmethod
    def resolve_contacts(pairing: Pairing) -> list[PairingContact]:
        return list(pairing.contacts.all())


class PairingFilterIn(Schema):
    kind: PairingKind | Blank = ""
    active_on: dt.date | None = Field(None, description="Only pairings running on this day.")


class PairingIn(Schema):
    """A caring mother or empty-nest pair joins two people (helper_person_id and
    helped_person_id); a post-village pair joins a civilised post (helper_unit_id) and a
    village (helped_unit_id)."""

    kind: PairingKind
    start: dt.date
    helper_person_id: int | None = None
    helper_unit_id: int | None = None
    helped_person_id: int | None = None
    helped_unit_id: int | None = None
    call_every_days: int | None = Field(
        None, ge=1, le=366, description="Default: monthly for people, none for a post."
    )
    visit_every_days: int | None = Field(None, ge=1, le=366, description="Default: quarterly.")
    note: str = Field("", max_length=300)


class PairingEndIn(Schema):
    on: dt.date
    note: str = Field("", max_length=300)


class ContactIn(Schema):
    on: dt.date
    kind: ContactKind
    help_kind: HelpKind | Blank = Field("", description="Required when kind is help.")
    value: Money = Field(Decimal(0), description="Of the help given, yuan.")
    note: str = Field("", max_length=300)


class OverdueOut(Schema):
    pairing: PairingOut
    call_due: dt.date | None = Field(description="The day a call was due, if one is late.")
    visit_due: dt.date | None = Field(description="The day a visit was due, if one is late.")


def _pairing(request: HttpRequest, pairing_id: int) -> Pairing:
    return selectors.pairing_get(_user(request), pairing_id)


@pairings_router.get("/", response=list[PairingOut])
@paginate(LimitOffsetPagination)
def list_pairings(request: HttpRequest, filters: Query[PairingFilterIn]) -> Any:
    """Pairings of the villages in your scope, with their last call and visit."""
    return selectors.pairing_list(
        _user(request), kind=filters.kind, active_on=filters.active_on
    ).order_by("-start", "pk")


# Declared before /{pairing_id}, which would otherwise take "overdue" for an id.
@pairings_router.get("/overdue", response=list[OverdueOut])
@paginate(LimitOffsetPagination)
def list_overdue_pairings(
    request: HttpRequest, on: dt.date | None = None, kind: PairingKind | Blank = ""
) -> Any:
    """Pairings running on `on` (default today) whose last call or visit is older than their
    cadence allows, with the day each was due."""
    return selectors.overdue_pairings(_user(request), on=on or timezone.localdate(), kind=kind)


@pairings_router.get("/{pairing_id}", response=PairingDetailOut)
def get_pairing(request: HttpRequest, pairing_id: int) -> Pairing:
    return _pairing(request, pairing_id)


@pairings_router.post("/", response={201: PairingDetailOut})
def create_pairing(request: HttpRequest, payload: PairingIn) -> Status[Pairing]:
    """Pair a helper with whom she helps. Needs edit on the village of whoever is helped."""
    user = _user(request)
    pairing = services.pairing_create(
        actor=user,
        kind=payload.kind,
        start=payload.start,
        helper_person=people.person_get(user, payload.helper_person_id)
        if payload.helper_person_id
        else None,
        helper_unit=_unit(request, payload.helper_unit_id),
        helped_person=people.person_get(user, payload.helped_person_id)
        if payload.helped_person_id
        else None,
        helped_unit=_unit(request, payload.helped_unit_id),
        call_every_days=payload.call_every_days,
        visit_every_days=payload.visit_every_days,
        note=payload.note,
    )
    return Status(201, _pairing(request, pairing.pk))


@pairings_router.post("/{pairing_id}/end", response=PairingDetailOut)
def end_pairing(request: HttpRequest, pairing_id: int, payload: PairingEndIn) -> Pairing:
    services.pairing_end(
        actor=_user(request),
        pairing=_pairing(request, pairing_id),
        on=payload.on,
        note=payload.note,
    )
    return _pairing(request, pairing_id)


@pairings_router.post("/{pairing_id}/contacts", response={201: ContactOut})
def add_contact(
    request: HttpRequest, pairing_id: int, payload: ContactIn
) -> Status[PairingContact]:
    """Record a call, a visit or help given (with its kind and value) while the pair runs."""
    contact = services.contact_record(
        actor=_user(request),
        pairing=_pairing(request, pairing_id),
        on=payload.on,
        kind=payload.kind,
        help_kind=payload.help_kind,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, contact)


# --- village visits and needs ---------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    village_id: int
    village_name: str = ""
    on: dt.date
    visitors: str
    purpose: str
    notes: str

    @staticmethod
    def resolve_village_name(visit: VillageVisit) -> str:
        return visit.village.name


class VisitIn(Schema):
    village_id: int
    on: dt.date
    visitors: str = Field(..., min_length=1, max_length=200, pattern=NOT_BLANK)
    purpose: str = Field("", max_length=200)
    notes: str = ""


class NeedOut(Schema):
    id: int
    village_id: int
    village_name: str = ""
    visit_id: int | None = Field(description="The visit it was found on.")
    title: str
    category: NeedCategory
    raised_on: dt.date
    decision: str
    responsible: str = Field(description="The department or person responsible.")
    due_on: dt.date | None
    status: NeedStatus
    resolution: str
    resolved_on: dt.date | None
    version: int = Field(description="Send it back with a PATCH: a stale version gives 409.")

    @staticmethod
    def resolve_village_name(need: Need) -> str:
        return need.village.name


class NeedFilterIn(Schema):
    status: NeedStatus | Blank = ""
    village_id: int | None = None


class NeedIn(Schema):
    village_id: int
    title: str = Field(..., min_length=1, max_length=120, pattern=NOT_BLANK)
    category: NeedCategory
    raised_on: dt.date
    visit_id: int | None = None
    decision: str = Field("", max_length=300)
    responsible: str = Field("", max_length=100)
    due_on: dt.date | None = None


class NeedUpdate(Schema):
    """The fields to change, and the version they were read at; absent fields stay as they are.
    Resolving needs a resolution and the day it was resolved."""

    version: int
    decision: str | None = Field(None, max_length=300)
    responsible: str | None = Field(None, max_length=100)
    due_on: dt.date | None = Field(None, description="null removes it.")
    status: NeedStatus | None = None
    resolution: str | None = Field(None, max_length=300)
    resolved_on: dt.date | None = Field(None, description="null removes it.")


@visits_router.get("/", response=list[VisitOut])
@paginate(LimitOffsetPagination)
def list_visits(request: HttpRequest, village_id: int | None = None) -> Any:
    """Visits to villages in your scope, latest first."""
    return selectors.village_visit_list(_user(request), village=_unit(request, village_id))


@visits_router.post("/", response={201: VisitOut})
def record_visit(request: HttpRequest, payload: VisitIn) -> Status[VillageVisit]:
    """Record a visit to a village (下基层访妇情). Needs edit on the village."""
    user = _user(request)
    visit = services.village_visit_record(
        actor=user,
        village=access.unit_get(user, payload.village_id),
        on=payload.on,
        visitors=payload.visitors,
        purpose=payload.purpose,
        notes=payload.notes,
    )
    return Status(201, visit)


@needs_router.get("/", response=list[NeedOut])
@paginate(LimitOffsetPagination)
def list_needs(request: HttpRequest, filters: Query[NeedFilterIn]) -> Any:
    """Needs of the villages in your scope, by due date."""
    return selectors.need_list(
        _user(request), status=filters.status, village=_unit(request, filters.village_id)
    )


# Declared before /{need_id}, which would otherwise take "overdue" for an id.
@needs_router.get("/overdue", response=list[NeedOut])
@paginate(LimitOffsetPagination)
def list_overdue_needs(request: HttpRequest, on: dt.date | None = None) -> Any:
    """Needs past their due date on `on` (default today) and not resolved or dropped."""
    return selectors.overdue_needs(_user(request), on=on or timezone.localdate())


@needs_router.get("/{need_id}", response=NeedOut)
def get_need(request: HttpRequest, need_id: int) -> Need:
    return selectors.need_get(_user(request), need_id)


@needs_router.post("/", response={201: NeedOut})
def record_need(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    """Record a need or problem of a village, with the decision on it. Needs edit there."""
    user = _user(request)
    need = services.need_record(
        actor=user,
        village=access.unit_get(user, payload.village_id),
        title=payload.title,
        category=payload.category,
        raised_on=payload.raised_on,
        visit=selectors.village_visit_get(user, payload.visit_id) if payload.visit_id else None,
        decision=payload.decision,
        responsible=payload.responsible,
        due_on=payload.due_on,
    )
    return Status(201, need)


@needs_router.patch("/{need_id}", response=NeedOut)
def update_need(request: HttpRequest, need_id: int, payload: NeedUpdate) -> Need:
    """Change the fields sent. A `version` other than the current one is refused with 409
    (edit_conflict): read it again and apply the change to what is there now."""
    need = selectors.need_get(_user(request), need_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "status" in changes and changes["status"] is None:
        del changes["status"]
    for name in ("decision", "responsible", "resolution"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return services.need_update(actor=_user(request), need=need, version=version, **changes)
