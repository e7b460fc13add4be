"""Volunteers and their hours, laid out for 全国志愿服务信息系统 (chinavolunteer.mca.gov.cn).

One row per membership of a team: who the volunteer is (name, document type and number, sex,
mobile), her team, the days her service in the period ran from and to, and her hours in it.
The columns and why they were chosen are in docs/decisions.md ("The volunteer export …"): no
public template of the national system was found, so they follow what the system is
documented to require. The headers are Chinese on purpose, whatever the user's language: they
are the file format the national system reads, not text of this application.

The national system identifies volunteers by their document number and needs it in full, and
the phone with it. A row shows them in full only to a user who holds REVEAL on the team's
unit (county administrators); every other row, and every row of an export that does not ask
for full values, is masked. An export that shows any full value is recorded in the audit log
as ``volunteer.export`` (team, period, format and number of rows revealed, never a value)
before the file is written.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, cast

from django.db.models import Max, Min, Q
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from jinguo.accounts.roles import Perm
from jinguo.activities import selectors
from jinguo.activities.models import Volunteer, VolunteerTeam
from jinguo.audit.services import audit_record
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.exports.registry import ExportColumn, ExportType
from jinguo.exports.services import ExportResult, Format, check_format
from jinguo.exports.streaming import (
    CONTENT_TYPES,
    Table,
    csv_chunks,
    file_response,
    stream_csv_response,
    write_csv,
    write_xlsx,
)
from jinguo.imports.columns import Column, Kind
from jinguo.orgunits import access

TITLE = "志愿者服务时长"
# The registry holds citizen ID numbers only (GB 11643), so the one document type it can name.
RESIDENT_ID_CARD = "居民身份证"
SEX = {"F": "女", "M": "男"}
ALL_TEAMS = "全部队伍"


@dataclass(frozen=True)
class VolunteerExportRow:
    volunteer: Volunteer
    hours: Decimal
    records: int
    first: dt.date | None  # the first day she served in the period; None: she did not serve
    last: dt.date | None


def _id_number(row: VolunteerExportRow) -> str:
    return row.volunteer.person.id_number or ""


def _phone(row: VolunteerExportRow) -> str:
    return row.volunteer.person.phone or ""


# Not registered with `exports.registry.register`: that registry lists the exports of the
# people page, and this one has its own entry point (a team and a period, not a filter).
VOLUNTEER_EXPORT: ExportType[VolunteerExportRow] = ExportType(
    key="volunteers",
    title=TITLE,
    columns=(
        ExportColumn(Column("name", "姓名", width=12), lambda r: r.volunteer.person.name),
        ExportColumn(
            Column("id_type", "证件类型", width=12),
            lambda r: RESIDENT_ID_CARD if _id_number(r) else "",
        ),
        ExportColumn(
            Column("id_number", "证件号码", Kind.ID_NUMBER, width=22, mask=mask_id_number),
            _id_number,
        ),
        ExportColumn(
            Column("sex", "性别", Kind.CHOICE, width=6),
            lambda r: SEX.get(r.volunteer.person.sex or "", ""),
        ),
        ExportColumn(Column("phone", "手机号码", Kind.PHONE, width=16, mask=mask_phone), _phone),
        ExportColumn(Column("team", "志愿队伍", width=28), lambda r: r.volunteer.team.unit.name),
        ExportColumn(Column("start", "服务开始日期", Kind.DATE, width=14), lambda r: r.first),
        ExportColumn(Column("end", "服务结束日期", Kind.DATE, width=14), lambda r: r.last),
        ExportColumn(
            Column("hours", "服务时长（小时）", Kind.DECIMAL, width=16), lambda r: r.hours
        ),
    ),
)


def volunteer_export_rows(
    actor: Any,
    *,
    team: VolunteerTeam | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    only_with_hours: bool = False,
) -> list[VolunteerExportRow]:
    """Each volunteer of `team` (or of every team in scope) who was a member during the
    period, with her hours in it and the first and last day she served in it, by team and
    pinyin. `only_with_hours` leaves out those who served no hours in the period."""
    served = selectors.service_list(actor)
    if start is not None:
        served = served.filter(on__gte=start)
    if end is not None:
        served = served.filter(on__lte=end)
    if team is not None:
        served = served.filter(volunteer__team=team)
    days = {
        item["volunteer"]: (item["first"], item["last"])
        for item in served.order_by().values("volunteer").annotate(first=Min("on"), last=Max("on"))
    }
    member_then = Q()
    if end is not None:
        member_then &= Q(start__lte=end)
    if start is not None:
        member_then &= Q(end__isnull=True) | Q(end__gte=start)
    members = set(
        selectors.volunteer_list(actor, team=team).filter(member_then).values_list("pk", flat=True)
    )
    rows = []
    for line in selectors.volunteer_hours(actor, team=team, start=start, end=end):
        volunteer = line.volunteer
        if volunteer.pk not in members and not line.records:
            continue
        if only_with_hours and not line.hours:
            continue
        first, last = days.get(volunteer.pk, (None, None))
        rows.append(VolunteerExportRow(volunteer, line.hours, line.records, first, last))
    return rows


def _common_path(paths: list[str]) -> str:
    """The deepest path above every one of `paths` ("/1/" for "/1/7/" and "/1/9/")."""
    parts = [path.strip("/").split("/") for path in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/" + "".join(f"{part}/" for part in common) if common else ""


def _may_reveal(actor: Any, rows: list[VolunteerExportRow]) -> dict[int, bool]:
    """Per team unit: whether the actor may see full ID numbers and phones there."""
    allowed: dict[int, bool] = {}
    for row in rows:
        unit = row.volunteer.team.unit
        if unit.pk not in allowed:
            allowed[unit.pk] = access.can(actor, Perm.REVEAL, unit)
    return allowed


def _filename(team: VolunteerTeam | None, ext: str) -> str:
    name = team.unit.name if team is not None else ALL_TEAMS
    return f"{TITLE}-{name}-{timezone.localdate():%Y%m%d}.{ext}"


def _table(
    actor: Any,
    *,
    team: VolunteerTeam | None,
    start: dt.date | None,
    end: dt.date | None,
    fmt: Format,
    reveal: bool,
    only_with_hours: bool,
) -> tuple[Table, int]:
    """The export's table and its number of rows, audited when it reveals anything."""
    rows = volunteer_export_rows(
        actor, team=team, start=start, end=end, only_with_hours=only_with_hours
    )
    allowed = _may_reveal(actor, rows) if reveal else {}
    revealed = [row for row in rows if allowed.get(row.volunteer.team.unit_id, False)]
    if revealed:
        paths = sorted({row.volunteer.team.unit.path for row in revealed})
        # Recorded before any value leaves: an interrupted download is still on the record.
        audit_record(
            actor=actor,
            action="volunteer.export",
            obj=team,
            object_type=None if team is not None else "activities.volunteerteam",
            object_repr=f"{VOLUNTEER_EXPORT.key} export ({fmt})",
            unit_path=team.unit.path if team is not None else _common_path(paths),
            changes={
                "team": [None, team.unit.code if team is not None else ""],
                "start": [None, start],
                "end": [None, end],
                "rows": [None, len(rows)],
                "revealed": [None, len(revealed)],
                "format": [None, fmt],
            },
        )

    def values() -> Iterator[list[object]]:
        for row in rows:
            yield VOLUNTEER_EXPORT.row(row, reveal=allowed.get(row.volunteer.team.unit_id, False))

    table = Table(
        title=TITLE,
        columns=[c.column for c in VOLUNTEER_EXPORT.columns],
        header=VOLUNTEER_EXPORT.header(),
        rows=values(),
    )
    return table, len(rows)


def volunteer_export(
    *,
    actor: Any,
    team: VolunteerTeam | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fmt: str = "xlsx",
    reveal: bool = True,
    only_with_hours: bool = False,
    out: BinaryIO | None = None,
) -> ExportResult:
    """Write the volunteers of `team` (fetched through the actor's scope; None: every team
    she sees) and their hours from `start` to `end` (inclusive) to `out`, or to a temporary
    file removed when the returned file is closed.

    `reveal` asks for full ID numbers and phones, which the national system needs; they are
    given only in teams where the actor holds REVEAL, masked elsewhere, and audited.
    Raises `ApplicationError` (unknown_format) for a format other than xlsx or csv.
    """
    checked = check_format(fmt)
    table, count = _table(
        actor,
        team=team,
        start=start,
        end=end,
        fmt=checked,
        reveal=reveal,
        only_with_hours=only_with_hours,
    )
    # The temporary file is handed to the caller open (a response closes it after sending).
    temporary = tempfile.TemporaryFile() if out is None else None  # noqa: SIM115
    target = out if out is not None else cast(BinaryIO, temporary)
    try:
        if checked == "csv":
            write_csv(table, target)
        else:
            write_xlsx(table, target)
    except BaseException:
        if out is None:
            target.close()
        raise
    if out is None:
        target.seek(0)
    return ExportResult(
        file=target,
        rows=count,
        fmt=checked,
        filename=_filename(team, checked),
        content_type=CONTENT_TYPES[checked],
    )


def volunteer_export_response(
    *,
    actor: Any,
    team: VolunteerTeam | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fmt: str = "xlsx",
    reveal: bool = True,
    only_with_hours: bool = False,
) -> StreamingHttpResponse | FileResponse:
    """A download: CSV streamed as it is written, XLSX from a temporary file. The checks and
    the audit entry happen before the response is returned."""
    checked = check_format(fmt)
    if checked == "xlsx":
        result = volunteer_export(
            actor=actor,
            team=team,
            start=start,
            end=end,
            fmt=checked,
            reveal=reveal,
            only_with_hours=only_with_hours,
        )
        return file_response(result.file, result.filename, result.content_type)
    table, _count = _table(
        actor,
        team=team,
        start=start,
        end=end,
        fmt=checked,
        reveal=reveal,
        only_with_hours=only_with_hours,
    )
    return stream_csv_response(csv_chunks(table), _filename(team, checked))
