"""Writes to activities, attendance and QR check-in, volunteers, pairings and village needs.

Recording needs EDIT on the unit the record belongs to (the activity's recording unit, the
team, the village of whoever is helped, the village of a need); naming a person needs VIEW on
her village, so no one attaches people she cannot see.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.activities.choices import (
    ActivityKind,
    CheckinSource,
    ContactKind,
    Headcount,
    NeedStatus,
    PairingKind,
    PendingStatus,
    VolunteerRole,
)
from jinguo.activities.models import (
    Activity,
    ActivityFile,
    AssistedVillage,
    Attendance,
    CheckinAttempt,
    CheckinCode,
    Material,
    Need,
    Pairing,
    PairingContact,
    ParticipantCount,
    PendingCheckin,
    ServiceRecord,
    Training,
    VillageVisit,
    Volunteer,
    VolunteerTeam,
)
from jinguo.audit.services import audit_record
from jinguo.core import context
from jinguo.core.crypto import blind_index
from jinguo.core.errors import ApplicationError, refuse, stale
from jinguo.orgunits import access
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.models import Person
from jinguo.people.services import normalise_phone, phone_index
from jinguo.programmes.models import Organisation, Programme

DATES = _("The end is before the start.")
NOT_ON_DAY = _("%(day)s is not a day of this activity (%(start)s to %(end)s).")
WRONG_HEADCOUNT = _("This activity records participation as %(mode)s.")
ALREADY_PRESENT = _("%(name)s is already on the attendance sheet for %(day)s.")
NEGATIVE = _("Numbers cannot be negative.")
CODE_UNKNOWN = _("This check-in code is not valid. Ask the organisers for the current one.")
CODE_EXPIRED = _("This check-in code expired at %(time)s. Ask the organisers for a new one.")
TOO_MANY = _("Too many check-ins from this phone in a short time. Wait a few minutes.")
NAME_PHONE = _("Enter your name and an 11-digit mobile number.")
NOT_A_TEAM = _("%(unit)s is not a volunteer team.")
ALREADY_MEMBER = _("%(name)s is already a member of %(team)s.")
HOURS = _(
    "Hours must be above zero, and one volunteer serves at most 24 hours a day "
    "(%(day)s: %(total)s)."
)
NOT_MEMBER_THEN = _("%(name)s was not a member of %(team)s on %(day)s.")
PAIRING_PEOPLE = _("This kind of pairing joins two people: choose the helper and whom she helps.")
PAIRING_UNITS = _("A post–village pairing joins a civilised post and a village: choose both.")
RESOLUTION_NEEDED = _("Say how it was resolved and when.")
VISIT_ELSEWHERE = _("That visit was not to %(village)s.")
ALREADY_REVIEWED = _("This check-in has already been dealt with (%(status)s).")
HELP_KIND_NEEDED = _("Say what help was given.")
NOT_IMAGE = _("Upload a photo (JPEG, PNG or WebP).")
IN_USE = _(
    "“%(title)s” cannot be removed: attendance, check-ins, files or volunteers' hours are "
    "already recorded for it."
)

# Every check-in code lasts this long unless the organiser says otherwise.
CODE_LIFETIME = dt.timedelta(hours=4)
# At most this many scans from one client on one code within the window: repeats and floods.
CLIENT_LIMIT = 10
CODE_LIMIT = 600
LIMIT_WINDOW = dt.timedelta(minutes=10)


def _require(actor: Any, perm: Perm, unit: OrgUnit) -> None:
    if actor is not None:
        access.require(actor, perm, unit)


def _require_activity(actor: Any, activity: Activity, *, sheet: bool = False) -> None:
    """The activity is changed by its recording unit; its attendance sheet may also be kept by
    the place it was held. Whoever sees it (either unit) and may not is refused with 403."""
    if actor is None:
        return
    seen = [unit for unit in (activity.owner, activity.place) if unit is not None]
    editors = seen if sheet else [activity.owner]
    if any(access.can(actor, Perm.EDIT, unit) for unit in editors):
        return
    if any(access.can(actor, Perm.VIEW, unit) for unit in seen):
        raise PermissionDenied
    raise Http404


def _require_person(actor: Any, person: Person) -> None:
    _require(actor, Perm.VIEW, person.residence)


# --- activities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingInput:
    curriculum: str = ""
    trainer: str = ""
    hours: Decimal = Decimal(0)
    assessment: str = ""
    certificates: int = 0
    certificate_issuer: str = ""
    certificate_date: dt.date | None = None
    buyers: Sequence[Organisation] = ()


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    owner: OrgUnit,
    kind: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    place: OrgUnit | None = None,
    address: str = "",
    venue_kind: str = "",
    programme: Programme | None = None,
    topics: str = "",
    audience: str = "",
    headcount: str = Headcount.ATTENDANCE,
    spending: Decimal = Decimal(0),
    in_kind_value: Decimal = Decimal(0),
    outcome: str = "",
    organisers: Iterable[OrgUnit] = (),
    partners: Iterable[Organisation] = (),
    training: TrainingInput | None = None,
    counts: Mapping[str, int] | None = None,
    materials: Iterable[tuple[str, int, str]] = (),
) -> Activity:
    """Record an activity with what came with it: training details, counts, materials."""
    _require(actor, Perm.EDIT, owner)
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    if spending < 0 or in_kind_value < 0:
        raise refuse(NEGATIVE, "negative", "spending")
    activity = Activity.objects.create(
        owner=owner,
        kind=kind,
        title=title.strip(),
        start=start,
        end=end,
        place=place,
        address=address.strip(),
        venue_kind=venue_kind,
        programme=programme,
        topics=topics.strip(),
        audience=audience.strip(),
        headcount=headcount,
        spending=spending,
        in_kind_value=in_kind_value,
        outcome=outcome.strip(),
        created_by=actor,
    )
    activity.organisers.set(organisers)
    activity.partners.set(partners)
    if kind == ActivityKind.TRAINING:
        details = training or TrainingInput()
        record = Training.objects.create(
            activity=activity,
            curriculum=details.curriculum.strip(),
            trainer=details.trainer.strip(),
            hours=details.hours,
            assessment=details.assessment.strip(),
            certificates=details.certificates,
            certificate_issuer=details.certificate_issuer.strip(),
            certificate_date=details.certificate_date,
        )
        record.buyers.set(details.buyers)
    if counts:
        _set_counts(activity, counts)
    for material_kind, number, description in materials:
        if number < 0:
            raise refuse(NEGATIVE, "negative", "materials")
        Material.objects.create(
            activity=activity, kind=material_kind, count=number, description=description.strip()
        )
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        unit_path=owner.path,
        changes={"kind": [None, kind], "title": [None, activity.title], "start": [None, start]},
    )
    return activity


ACTIVITY_FIELDS = frozenset(
    {
        "title",
        "start",
        "end",
        "place",
        "address",
        "venue_kind",
        "programme",
        "topics",
        "audience",
        "spending",
        "in_kind_value",
        "outcome",
    }
)


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, version: int, **fields: Any) -> Activity:
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_activity(actor, current)
    if current.version != version:
        raise stale(current.version, version)
    organisers, partners = fields.pop("organisers", None), fields.pop("partners", None)
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"activity_update() got unexpected fields {sorted(unknown)}")
    start, end = fields.get("start", current.start), fields.get("end", current.end)
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(current, key) != value:
            changes[key] = [getattr(current, key), value]
            setattr(current, key, value)
    for key, chosen in (("organisers", organisers), ("partners", partners)):
        if chosen is None:
            continue
        related = getattr(current, key)
        before, after = sorted(str(o) for o in related.all()), sorted(str(o) for o in chosen)
        if before != after:
            related.set(chosen)
            changes[key] = [before, after]
    if changes:
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="activity.update",
            obj=current,
            unit_path=current.owner.path,
            changes=changes,
        )
    return current


@transaction.atomic
def activity_remove(*, actor: Any, activity: Activity) -> None:
    """Remove an activity recorded by mistake (or by an import being undone), with its
    training details, counts, materials and unused check-in codes. Only its recording unit may,
    and only while nothing else was recorded for it: an activity with attendance, check-ins,
    files or volunteers' hours is refused (correct it instead)."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_activity(actor, current)
    if (
        current.attendance.exists()
        or current.pending.exists()
        or current.files.exists()
        or current.services.exists()
    ):
        raise refuse(IN_USE, "in_use", None, title=current.title)
    audit_record(
        actor=actor,
        action="activity.remove",
        obj=current,
        unit_path=current.owner.path,
        changes={
            "kind": [current.kind, None],
            "title": [current.title, None],
            "start": [current.start, None],
            "counts": [dict(current.counts.values_list("group", "count")), None],
        },
    )
    current.delete()


def _set_counts(activity: Activity, counts: Mapping[str, int]) -> None:
    if activity.headcount != Headcount.COUNTS:
        raise refuse(
            WRONG_HEADCOUNT, "wrong_headcount", "counts", mode=Headcount(activity.headcount).label
        )
    if any(number < 0 for number in counts.values()):
        raise refuse(NEGATIVE, "negative", "counts")
    activity.counts.all().delete()
    ParticipantCount.objects.bulk_create(
        ParticipantCount(activity=activity, group=group, count=number)
        for group, number in counts.items()
        if number
    )


@transaction.atomic
def counts_set(*, actor: Any, activity: Activity, counts: Mapping[str, int]) -> None:
    """Replace the counts by group of an activity that takes no names. Like any other
    correction of the activity, a change of its counts bumps its version (and the object
    passed in is given the new one), so that what read the activity before can tell."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    _require_activity(actor, current, sheet=True)
    before = dict(current.counts.values_list("group", "count"))
    _set_counts(current, counts)
    if before != {group: number for group, number in counts.items() if number}:
        current.version += 1
        current.save(update_fields=["version"])
        activity.version = current.version
    audit_record(
        actor=actor,
        action="activity.counts",
        obj=current,
        unit_path=current.owner.path,
        changes={"counts": [before, dict(counts)]},
    )


def activity_days(activity: Activity) -> tuple[dt.date, dt.date]:
    start = timezone.localtime(activity.start).date()
    end = timezone.localtime(activity.end).date() if activity.end else start
    return start, end


def _check_day(activity: Activity, day: dt.date) -> None:
    first, last = activity_days(activity)
    if not first <= day <= last:
        raise refuse(NOT_ON_DAY, "not_on_day", "day", day=day, start=first, end=last)


def _attend(
    actor: Any, activity: Activity, person: Person, day: dt.date, source: str
) -> Attendance:
    if activity.headcount != Headcount.ATTENDANCE:
        raise refuse(
            WRONG_HEADCOUNT, "wrong_headcount", "person", mode=Headcount(activity.headcount).label
        )
    _check_day(activity, day)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity, person=person, day=day, source=source, recorded_by=actor
            )
    except IntegrityError:
        raise refuse(
            ALREADY_PRESENT, "already_present", "person", name=person.name, day=day
        ) from None
    audit_record(
        actor=actor,
        action="attendance.add",
        obj=activity,
        unit_path=activity.owner.path,
        changes={"person": [None, person.pk], "day": [None, day], "source": [None, source]},
    )
    return attendance


@transaction.atomic
def attendance_add(
    *, actor: Any, activity: Activity, person: Person, day: dt.date | None = None
) -> Attendance:
    """Put a person on the attendance sheet for a day (the first day unless given)."""
    _require_activity(actor, activity, sheet=True)
    _require_person(actor, person)
    return _attend(actor, activity, person, day or activity_days(activity)[0], CheckinSource.STAFF)


@transaction.atomic
def attendance_remove(*, actor: Any, attendance: Attendance) -> None:
    activity = attendance.activity
    _require_activity(actor, activity, sheet=True)
    audit_record(
        actor=actor,
        action="attendance.remove",
        obj=activity,
        unit_path=activity.owner.path,
        changes={"person": [attendance.person_id, None], "day": [attendance.day, None]},
    )
    attendance.delete()


@transaction.atomic
def activity_file_add(
    *, actor: Any, activity: Activity, upload: File[Any], caption: str, is_photo: bool
) -> ActivityFile:
    """Attach a photo or document; a photo must really be an image (Pillow opens it)."""
    from PIL import Image, UnidentifiedImageError

    _require_activity(actor, activity, sheet=True)
    name = PurePath(upload.name or "file").name
    if is_photo:
        try:
            with Image.open(upload) as opened:
                opened.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise refuse(NOT_IMAGE, "not_an_image", "file") from None
        upload.seek(0)
    record = ActivityFile(
        activity=activity, caption=caption.strip(), is_photo=is_photo, uploaded_by=actor
    )
    record.file.save(name, upload, save=False)
    record.save()
    audit_record(
        actor=actor,
        action="activity.file_add",
        obj=activity,
        unit_path=activity.owner.path,
        changes={"file": [None, record.file.name], "photo": [None, is_photo]},
    )
    return record


# --- QR check-in ----------------------------------------------------------------------------------


@transaction.atomic
def checkin_code_issue(
    *,
    actor: Any,
    activity: Activity,
    day: dt.date | None = None,
    lifetime: dt.timedelta = CODE_LIFETIME,
) -> CheckinCode:
    """A new code for one day of the activity; earlier codes for that day stop working."""
    _require_activity(actor, activity, sheet=True)
    if activity.headcount != Headcount.ATTENDANCE:
        raise refuse(
            WRONG_HEADCOUNT, "wrong_headcount", "day", mode=Headcount(activity.headcount).label
        )
    day = day or timezone.localdate()
    _check_day(activity, day)
    activity.codes.filter(day=day, revoked=False).update(revoked=True)
    code = CheckinCode.objects.create(
        activity=activity,
        token=secrets.token_urlsafe(16),
        day=day,
        expires_at=timezone.now() + lifetime,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="checkin.code_issue",
        obj=activity,
        unit_path=activity.owner.path,
        changes={"day": [None, day], "expires_at": [None, code.expires_at]},
    )
    return code


def checkin_code_get(token: str) -> CheckinCode:
    """The live code behind a scanned token, or a refusal a participant understands."""
    code = (
        CheckinCode.objects.select_related("activity__owner")
        .filter(token=token, revoked=False)
        .first()
    )
    if code is None:
        raise refuse(CODE_UNKNOWN, "code_unknown", None)
    if code.expires_at <= timezone.now():
        raise refuse(
            CODE_EXPIRED,
            "code_expired",
            None,
            time=timezone.localtime(code.expires_at).strftime("%H:%M"),
        )
    return code


@dataclass(frozen=True)
class CheckinResult:
    outcome: str  # "present": on the sheet; "pending": staff will confirm; "repeat": already in
    activity: Activity
    name: str


def _client_key() -> str:
    return blind_index(context.current().client_ip or "-", context="checkin-client")


def _limit(code: CheckinCode, client: str) -> None:
    since = timezone.now() - LIMIT_WINDOW
    recent = code.attempts.filter(at__gte=since)
    if recent.filter(client=client).count() >= CLIENT_LIMIT or recent.count() >= CODE_LIMIT:
        raise refuse(TOO_MANY, "too_many", None)


def _match(name: str, phone: str) -> Person | None:
    """The one person in the registry with this name and phone, if exactly one."""
    found = list(
        Person.objects.active()
        .filter(phone_index=phone_index(phone), name=name)
        .select_related("residence")[:2]
    )
    return found[0] if len(found) == 1 else None


def checkin(*, token: str, name: str, phone: str) -> CheckinResult:
    """A participant checks herself in by scanning the activity's code.

    She is matched to the registry by name and phone; if nobody matches, the check-in waits
    for staff to confirm. A second scan the same day changes nothing. Every scan, refused or
    not, counts against the limits on repeats and floods.
    """
    code = checkin_code_get(token)
    client = _client_key()
    _limit(code, client)
    outcome = "invalid"
    try:
        with transaction.atomic():
            result = _checkin(code, name.strip(), phone)
        outcome = result.outcome
        return result
    finally:
        CheckinAttempt.objects.create(code=code, client=client, outcome=outcome)


def _checkin(code: CheckinCode, name: str, raw_phone: str) -> CheckinResult:
    activity = code.activity
    try:
        phone = normalise_phone(raw_phone or "")
    except ApplicationError:
        phone = ""
    if not name or len(phone) != 11 or not phone.startswith("1"):
        raise refuse(NAME_PHONE, "name_phone", "phone")
    person = _match(name, phone)
    if person is not None:
        if Attendance.objects.filter(activity=activity, person=person, day=code.day).exists():
            return CheckinResult("repeat", activity, name)
        _attend(None, activity, person, code.day, CheckinSource.QR)
        return CheckinResult("present", activity, name)
    _pending, created = PendingCheckin.objects.get_or_create(
        activity=activity,
        day=code.day,
        phone_index=PendingCheckin.phone_blind_index.compute(phone),
        defaults={"code": code, "name": name, "phone": phone},
    )
    return CheckinResult("pending" if created else "repeat", activity, name)


@transaction.atomic
def pending_confirm(*, actor: Any, pending: PendingCheckin, person: Person) -> Attendance:
    """Staff say who an unmatched check-in was: she goes on the attendance sheet."""
    activity = pending.activity
    _require_activity(actor, activity, sheet=True)
    _require_person(actor, person)
    _check_pending(pending)
    attendance = Attendance.objects.filter(
        activity=activity, person=person, day=pending.day
    ).first()
    if attendance is None:
        attendance = _attend(actor, activity, person, pending.day, CheckinSource.QR)
    pending.status = PendingStatus.CONFIRMED
    pending.person = person
    pending.reviewed_by = actor
    pending.save(update_fields=["status", "person", "reviewed_by"])
    audit_record(
        actor=actor,
        action="checkin.confirm",
        obj=activity,
        unit_path=activity.owner.path,
        changes={"pending": [pending.pk, None], "person": [None, person.pk]},
    )
    return attendance


def _check_pending(pending: PendingCheckin) -> None:
    if pending.status != PendingStatus.PENDING:
        raise refuse(
            ALREADY_REVIEWED, "already_reviewed", None, status=PendingStatus(pending.status).label
        )


@transaction.atomic
def pending_reject(*, actor: Any, pending: PendingCheckin) -> None:
    _require_activity(actor, pending.activity, sheet=True)
    _check_pending(pending)
    pending.status = PendingStatus.REJECTED
    pending.reviewed_by = actor
    pending.save(update_fields=["status", "reviewed_by"])
    audit_record(
        actor=actor,
        action="checkin.reject",
        obj=pending.activity,
        unit_path=pending.activity.owner.path,
        changes={"pending": [pending.pk, None]},
    )


# --- volunteers -----------------------------------------------------------------------------------


@transaction.atomic
def team_profile_set(
    *, actor: Any, unit: OrgUnit, focus: str, founded_on: dt.date | None = None
) -> VolunteerTeam:
    _require(actor, Perm.EDIT, unit)
    if unit.kind != Kind.VOLUNTEER_TEAM:
        raise refuse(NOT_A_TEAM, "not_a_team", "unit", unit=unit.name)
    existing = VolunteerTeam.objects.filter(unit=unit).first()
    team, _created = VolunteerTeam.objects.update_or_create(
        unit=unit, defaults={"focus": focus, "founded_on": founded_on}
    )
    audit_record(
        actor=actor,
        action="team.profile",
        obj=team,
        unit_path=unit.path,
        changes={
            "focus": [existing.focus if existing else None, focus],
            "founded_on": [existing.founded_on if existing else None, founded_on],
        },
    )
    return team


@transaction.atomic
def volunteer_add(
    *,
    actor: Any,
    team: VolunteerTeam,
    person: Person,
    start: dt.date,
    role: str = VolunteerRole.MEMBER,
) -> Volunteer:
    _require(actor, Perm.EDIT, team.unit)
    _require_person(actor, person)
    if team.volunteers.filter(person=person, end__isnull=True).exists():
        raise refuse(
            ALREADY_MEMBER, "already_member", "person", name=person.name, team=team.unit.name
        )
    volunteer = Volunteer.objects.create(team=team, person=person, role=role, start=start)
    audit_record(
        actor=actor,
        action="volunteer.add",
        obj=volunteer,
        unit_path=team.unit.path,
        changes={"person": [None, person.pk], "role": [None, role], "start": [None, start]},
    )
    return volunteer


@transaction.atomic
def volunteer_end(*, actor: Any, volunteer: Volunteer, on: dt.date) -> Volunteer:
    _require(actor, Perm.EDIT, volunteer.team.unit)
    if on < volunteer.start:
        raise refuse(DATES, "invalid_dates", "end")
    volunteer.end = on
    volunteer.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="volunteer.end",
        obj=volunteer,
        unit_path=volunteer.team.unit.path,
        changes={"end": [None, on]},
    )
    return volunteer


@transaction.atomic
def service_record(
    *,
    actor: Any,
    volunteer: Volunteer,
    on: dt.date,
    hours: Decimal,
    description: str,
    activity: Activity | None = None,
) -> ServiceRecord:
    """Hours a volunteer served; a day holds at most 24 of them."""
    team = volunteer.team
    _require(actor, Perm.EDIT, team.unit)
    name = volunteer.person.name
    if on < volunteer.start or (volunteer.end is not None and on > volunteer.end):
        raise refuse(
            NOT_MEMBER_THEN, "not_a_member_then", "on", name=name, team=team.unit.name, day=on
        )
    served = ServiceRecord.objects.filter(volunteer__person=volunteer.person, on=on).aggregate(
        s=Sum("hours")
    )["s"] or Decimal(0)
    if hours <= 0 or served + hours > 24:
        raise refuse(HOURS, "invalid_hours", "hours", day=on, total=served + hours)
    record = ServiceRecord.objects.create(
        volunteer=volunteer,
        activity=activity,
        on=on,
        hours=hours,
        description=description.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="volunteer.service",
        obj=volunteer,
        unit_path=team.unit.path,
        changes={"on": [None, on], "hours": [None, hours]},
    )
    return record


# --- pairings -------------------------------------------------------------------------------------

# The usual cadence of each kind: a call a month and a visit a quarter for people; a visit a
# quarter between a civilised post and its village.
CADENCE: dict[str, tuple[int | None, int | None]] = {
    PairingKind.CARING_MOTHER: (31, 92),
    PairingKind.EMPTY_NEST: (31, 92),
    PairingKind.POST_VILLAGE: (None, 92),
}


@transaction.atomic
def pairing_create(
    *,
    actor: Any,
    kind: str,
    start: dt.date,
    helper_person: Person | None = None,
    helper_unit: OrgUnit | None = None,
    helped_person: Person | None = None,
    helped_unit: OrgUnit | None = None,
    call_every_days: int | None = None,
    visit_every_days: int | None = None,
    note: str = "",
) -> Pairing:
    between_units = kind == PairingKind.POST_VILLAGE
    helper_ok = (
        helper_unit is not None and helper_unit.kind == Kind.CIVILISED_POST
        if between_units
        else helper_person is not None
    )
    helped_ok = helped_unit is not None if between_units else helped_person is not None
    if not helper_ok or not helped_ok:
        raise refuse(PAIRING_UNITS if between_units else PAIRING_PEOPLE, "pairing_sides", "helper")
    if between_units:
        helper_person = helped_person = None
        assert helped_unit is not None  # noqa: S101 - checked above
        unit = helped_unit
    else:
        helper_unit = helped_unit = None
        assert helped_person is not None  # noqa: S101 - checked above
        assert helper_person is not None  # noqa: S101
        _require_person(actor, helper_person)
        unit = helped_person.residence
    _require(actor, Perm.EDIT, unit)
    calls, visits = CADENCE[PairingKind(kind)]
    pairing = Pairing.objects.create(
        kind=kind,
        helper_person=helper_person,
        helper_unit=helper_unit,
        helped_person=helped_person,
        helped_unit=helped_unit,
        unit=unit,
        start=start,
        call_every_days=call_every_days if call_every_days is not None else calls,
        visit_every_days=visit_every_days if visit_every_days is not None else visits,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="pairing.create",
        obj=pairing,
        unit_path=unit.path,
        changes={"kind": [None, kind], "start": [None, start]},
    )
    return pairing


@transaction.atomic
def pairing_end(*, actor: Any, pairing: Pairing, on: dt.date, note: str = "") -> Pairing:
    _require(actor, Perm.EDIT, pairing.unit)
    if on < pairing.start:
        raise refuse(DATES, "invalid_dates", "end")
    pairing.end = on
    if note.strip():
        pairing.note = note.strip()
    pairing.save(update_fields=["end", "note"])
    audit_record(
        actor=actor,
        action="pairing.end",
        obj=pairing,
        unit_path=pairing.unit.path,
        changes={"end": [None, on]},
    )
    return pairing


@transaction.atomic
def contact_record(
    *,
    actor: Any,
    pairing: Pairing,
    on: dt.date,
    kind: str,
    help_kind: str = "",
    value: Decimal = Decimal(0),
    note: str = "",
) -> PairingContact:
    _require(actor, Perm.EDIT, pairing.unit)
    if on < pairing.start or (pairing.end is not None and on > pairing.end):
        raise refuse(DATES, "invalid_dates", "on")
    if kind == ContactKind.HELP and not help_kind:
        raise refuse(HELP_KIND_NEEDED, "help_kind_required", "help_kind")
    if value < 0:
        raise refuse(NEGATIVE, "negative", "value")
    contact = PairingContact.objects.create(
        pairing=pairing,
        on=on,
        kind=kind,
        help_kind=help_kind if kind == ContactKind.HELP else "",
        value=value,
        note=note.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="pairing.contact",
        obj=pairing,
        unit_path=pairing.unit.path,
        changes={"on": [None, on], "kind": [None, kind], "help_kind": [None, help_kind]},
    )
    return contact


# --- village assistance ---------------------------------------------------------------------------


@transaction.atomic
def assisted_village_add(
    *,
    actor: Any,
    village: OrgUnit,
    assisting_unit: OrgUnit,
    start: dt.date,
    end: dt.date | None = None,
    lead: str = "",
) -> AssistedVillage:
    """包联村: the assisting unit takes the village on for a period."""
    _require(actor, Perm.EDIT, assisting_unit)
    _require(actor, Perm.VIEW, village)
    if end is not None and end < start:
        raise refuse(DATES, "invalid_dates", "end")
    assisted = AssistedVillage.objects.create(
        village=village, assisting_unit=assisting_unit, start=start, end=end, lead=lead.strip()
    )
    audit_record(
        actor=actor,
        action="village.assist",
        obj=assisted,
        unit_path=village.path,
        changes={"assisting_unit": [None, assisting_unit.pk], "start": [None, start]},
    )
    return assisted


@transaction.atomic
def village_visit_record(
    *,
    actor: Any,
    village: OrgUnit,
    on: dt.date,
    visitors: str,
    purpose: str = "",
    notes: str = "",
) -> VillageVisit:
    _require(actor, Perm.EDIT, village)
    visit = VillageVisit.objects.create(
        village=village,
        on=on,
        visitors=visitors.strip(),
        purpose=purpose.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="village.visit",
        obj=visit,
        unit_path=village.path,
        changes={"on": [None, on], "visitors": [None, visit.visitors]},
    )
    return visit


@transaction.atomic
def need_record(
    *,
    actor: Any,
    village: OrgUnit,
    title: str,
    category: str,
    raised_on: dt.date,
    visit: VillageVisit | None = None,
    decision: str = "",
    responsible: str = "",
    due_on: dt.date | None = None,
) -> Need:
    _require(actor, Perm.EDIT, village)
    if due_on is not None and due_on < raised_on:
        raise refuse(DATES, "invalid_dates", "due_on")
    if visit is not None and visit.village_id != village.pk:
        raise refuse(VISIT_ELSEWHERE, "visit_elsewhere", "visit", village=village.name)
    need = Need.objects.create(
        village=village,
        visit=visit,
        title=title.strip(),
        category=category,
        raised_on=raised_on,
        decision=decision.strip(),
        responsible=responsible.strip(),
        due_on=due_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="need.record",
        obj=need,
        unit_path=village.path,
        changes={"title": [None, need.title], "due_on": [None, due_on]},
    )
    return need


NEED_FIELDS = frozenset(
    {"decision", "responsible", "due_on", "status", "resolution", "resolved_on"}
)


@transaction.atomic
def need_update(*, actor: Any, need: Need, version: int, **fields: Any) -> Need:
    current = Need.objects.select_for_update().select_related("village").get(pk=need.pk)
    _require(actor, Perm.EDIT, current.village)
    if current.version != version:
        raise stale(current.version, version)
    unknown = set(fields) - NEED_FIELDS
    if unknown:
        raise TypeError(f"need_update() got unexpected fields {sorted(unknown)}")
    changes = {}
    for key, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(current, key) != value:
            changes[key] = [getattr(current, key), value]
            setattr(current, key, value)
    if current.status == NeedStatus.RESOLVED and (
        not current.resolution or current.resolved_on is None
    ):
        raise refuse(RESOLUTION_NEEDED, "resolution_required", "resolution")
    if changes:
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="need.update",
            obj=current,
            unit_path=current.village.path,
            changes=changes,
        )
    return current
