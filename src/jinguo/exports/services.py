"""Exports of the people registry: scoped, masked unless revealed, streamed, audited.

Every export reads through `people.selectors.person_list`, so it holds exactly what the user
may see on the people page with the same filter. ID numbers and phones are masked unless the
user asks for full values and holds `Perm.REVEAL` on the exported unit (the filter's unit, or
every unit at the top of her scope when the filter names none); such an export is recorded in
the audit log as ``export.reveal`` with the filter and the number of rows, never the values.

Rows are read with `QuerySet.iterator(chunk_size=2000)`, their categories and households
prefetched per chunk, and written one by one: memory stays bounded by a chunk whatever the
size of the export. Large exports run in the background (`tasks.export_people_task`) and
leave their file in the default storage under ``exports/<progress id>.<ext>``, which only the
user who asked can fetch (`export_file_get`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import REDACTED, audit_record
from jinguo.core import crypto
from jinguo.core.errors import ApplicationError
from jinguo.core.models import Progress
from jinguo.core.progress import progress_start
from jinguo.exports.people import CHUNK_SIZE, PEOPLE_EXPORT, person_rows
from jinguo.exports.streaming import (
    CONTENT_TYPES,
    MIN_PASSWORD_LENGTH,
    Table,
    csv_chunks,
    file_response,
    protect_zip,
    stream_csv_response,
    write_csv,
    write_xlsx,
)
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people.selectors import PersonFilter, person_list

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
EXPORT_LABEL = "export:people"
STORAGE_DIR = "exports"
SEARCH_CONTEXT = "exports.filter.search"
PASSWORD_CONTEXT = "exports.password"  # noqa: S105 - an encryption context, not a secret

UNKNOWN_FORMAT = _("Choose the file format: Excel (xlsx) or CSV.")
PASSWORD_TOO_SHORT = _("The password needs at least %(length)d characters.")


@dataclass(frozen=True)
class ExportResult:
    """A finished export: `file` is the caller's `out`, or a temporary file at its start."""

    file: BinaryIO
    rows: int
    fmt: Format
    filename: str
    content_type: str


@dataclass
class _Count:
    rows: int = 0


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise ApplicationError(UNKNOWN_FORMAT, code="unknown_format", field="fmt")
    return cast(Format, fmt)


def _check_password(password: str | None) -> None:
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ApplicationError(
            PASSWORD_TOO_SHORT,
            code="password_too_short",
            field="password",
            params={"length": MIN_PASSWORD_LENGTH},
        )


def _exported_units(actor: Any, filters: PersonFilter) -> list[OrgUnit]:
    return [filters.within] if filters.within is not None else access.home_units(actor)


def _check_reveal(actor: Any, filters: PersonFilter) -> list[OrgUnit]:
    """The exported units, each of which the actor may reveal on; 404 or 403 otherwise."""
    units = _exported_units(actor, filters)
    if not units:
        raise Http404
    for unit in units:
        access.require(actor, Perm.REVEAL, unit)
    return units


def _common_path(units: list[OrgUnit]) -> str:
    """The deepest path above every unit ("/1/" for "/1/7/" and "/1/9/")."""
    parts = [unit.path.strip("/").split("/") for unit in units]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/" + "".join(f"{part}/" for part in common) if common else ""


def filter_description(filters: PersonFilter) -> dict[str, Any]:
    """The filter as the audit log records it. A search with digits in it (an ID number or
    a phone) is redacted: the log names what was exported, never a personal value."""
    search = filters.search.strip()
    return {
        "within": filters.within.code if filters.within is not None else "",
        "search": REDACTED if any(ch.isdigit() for ch in search) else search,
        "category": filters.category,
        "on": filters.on.isoformat() if filters.on else "",
        "age_min": filters.age_min,
        "age_max": filters.age_max,
        "sex": filters.sex,
    }


def _people_table(
    actor: Any,
    filters: PersonFilter,
    *,
    fmt: Format,
    reveal: bool,
    language: str,
    on_progress: Callable[[int, int], None] | None,
    count: _Count,
) -> Table:
    """Check, audit and describe the export; its rows are read only when iterated."""
    people = person_list(actor, filters)
    total: int | None = None
    if reveal:
        units = _check_reveal(actor, filters)
        total = people.count()
        # Recorded before any value leaves: an interrupted download is still on the record.
        audit_record(
            actor=actor,
            action="export.reveal",
            object_type="people.person",
            object_repr=f"{PEOPLE_EXPORT.key} export ({fmt})",
            unit_path=_common_path(units),
            changes={
                "filter": [None, filter_description(filters)],
                "rows": [None, total],
                "format": [None, fmt],
            },
        )
    elif on_progress is not None:
        total = people.count()
    day = filters.on or timezone.localdate()
    with translation.override(language):
        title = str(PEOPLE_EXPORT.title)
        header = PEOPLE_EXPORT.header()

    def rows() -> Iterator[list[object]]:
        for row in person_rows(actor, people, on=day):
            with translation.override(language):
                values = PEOPLE_EXPORT.row(row, reveal=reveal)
            count.rows += 1
            if on_progress is not None and count.rows % CHUNK_SIZE == 0:
                on_progress(count.rows, max(total or 0, count.rows))
            yield values
        if on_progress is not None:
            on_progress(count.rows, count.rows)

    return Table(
        title=title,
        columns=[c.column for c in PEOPLE_EXPORT.columns],
        header=header,
        rows=rows(),
    )


def _filename(title: str, day: dt.date, ext: str) -> str:
    return f"{title}-{day:%Y%m%d}.{ext}"


def export_people(
    *,
    actor: Any,
    filters: PersonFilter,
    fmt: Format,
    reveal: bool,
    out: BinaryIO | None = None,
    language: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the people the actor sees with `filters` to `out`, or to a temporary file.

    Raises `ApplicationError` for an unknown format, 404 for a filter unit out of scope, and
    (when `reveal`) 404/PermissionDenied unless the actor holds REVEAL on the exported unit.
    Headers and labels are in `language` (the active language by default). `on_progress` is
    called with (rows done, rows in all) after each chunk. A temporary file is removed when
    the returned file is closed.
    """
    fmt = check_format(fmt)
    language = language or translation.get_language() or "zh-hans"
    count = _Count()
    table = _people_table(
        actor,
        filters,
        fmt=fmt,
        reveal=reveal,
        language=language,
        on_progress=on_progress,
        count=count,
    )
    # The temporary file is handed to the caller open (a response closes it after sending).
    temporary = tempfile.TemporaryFile() if out is None else None  # noqa: SIM115
    target = out if out is not None else cast(BinaryIO, temporary)
    try:
        if fmt == "csv":
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
        rows=count.rows,
        fmt=fmt,
        filename=_filename(table.title, timezone.localdate(), fmt),
        content_type=CONTENT_TYPES[fmt],
    )


def export_people_response(
    *,
    actor: Any,
    filters: PersonFilter,
    fmt: Format,
    reveal: bool,
    language: str | None = None,
) -> StreamingHttpResponse | FileResponse:
    """A download for a view: CSV streamed as it is read, XLSX from a temporary file.

    The checks and the audit entry happen here, before the response is returned, so a
    refused export raises in the view rather than half-way through a download.
    """
    fmt = check_format(fmt)
    language = language or translation.get_language() or "zh-hans"
    if fmt == "xlsx":
        result = export_people(
            actor=actor, filters=filters, fmt=fmt, reveal=reveal, language=language
        )
        return file_response(result.file, result.filename, result.content_type)
    table = _people_table(
        actor,
        filters,
        fmt=fmt,
        reveal=reveal,
        language=language,
        on_progress=None,
        count=_Count(),
    )
    return stream_csv_response(csv_chunks(table), _filename(table.title, timezone.localdate(), fmt))


# --- in the background ------------------------------------------------------------------------


def filter_to_dict(filters: PersonFilter) -> dict[str, Any]:
    """The filter as task arguments (JSON). The search text is encrypted: it may be an ID
    number or a phone, and task arguments are stored in the database in clear."""
    return {
        "search": crypto.encrypt(filters.search, context=SEARCH_CONTEXT) if filters.search else "",
        "within": filters.within.pk if filters.within is not None else None,
        "category": filters.category,
        "on": filters.on.isoformat() if filters.on else None,
        "age_min": filters.age_min,
        "age_max": filters.age_max,
        "sex": filters.sex,
    }


def filter_from_dict(actor: Any, data: dict[str, Any]) -> PersonFilter:
    """The filter back from `filter_to_dict`, its unit fetched through the actor's scope."""
    search = str(data.get("search") or "")
    within = data.get("within")
    on = data.get("on")
    return PersonFilter(
        search=crypto.decrypt(search, context=SEARCH_CONTEXT) if search else "",
        within=access.unit_get(actor, within) if within is not None else None,
        category=str(data.get("category") or ""),
        on=dt.date.fromisoformat(on) if on else None,
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        sex=str(data.get("sex") or ""),
    )


def password_seal(password: str) -> str:
    """The zip password as the task receives it: encrypted, never stored in clear."""
    return crypto.encrypt(password, context=PASSWORD_CONTEXT)


def export_people_start(
    *,
    actor: Any,
    filters: PersonFilter,
    fmt: Format,
    reveal: bool,
    password: str | None = None,
    language: str | None = None,
) -> Progress:
    """Queue an export in the background; poll the returned progress, then `export_file_get`.

    The checks a refusal depends on (format, password length, REVEAL) run now, so the user
    hears of them at once; the task checks again with her grants at the time it runs.
    """
    from jinguo.exports.tasks import export_people_task

    fmt = check_format(fmt)
    _check_password(password)
    if filters.within is not None:
        access.require(actor, Perm.VIEW, filters.within)
    if reveal:
        _check_reveal(actor, filters)
    progress = progress_start(owner_id=int(actor.pk), label=EXPORT_LABEL)
    export_people_task.enqueue(
        str(progress.pk),
        int(actor.pk),
        filter_to_dict(filters),
        fmt,
        reveal,
        password_seal(password) if password else None,
        language or translation.get_language() or "zh-hans",
    )
    return progress


def export_people_store(
    *,
    progress_id: str,
    actor: Any,
    filters: PersonFilter,
    fmt: Format,
    reveal: bool,
    password: str | None,
    language: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[str, int]:
    """Export to the default storage as ``exports/<progress_id>.<ext>`` (a zip with a
    password); returns the stored name and the number of rows."""
    _check_password(password)
    with tempfile.TemporaryDirectory(prefix="jinguo-export-") as directory:
        path = Path(directory) / f"export.{fmt}"
        with path.open("wb") as out:
            result = export_people(
                actor=actor,
                filters=filters,
                fmt=fmt,
                reveal=reveal,
                out=out,
                language=language,
                on_progress=on_progress,
            )
        ext: str = fmt
        if password:
            path = protect_zip(path, password, arcname=result.filename)
            ext = "zip"
        with path.open("rb") as stored:
            name = default_storage.save(f"{STORAGE_DIR}/{progress_id}.{ext}", File(stored))
    return name, result.rows


@dataclass(frozen=True)
class ExportDownload:
    file: File[Any]
    filename: str
    content_type: str
    rows: int


def _finished_export(actor: Any, progress_id: Any) -> tuple[Progress, str, int]:
    try:
        progress = Progress.objects.get(
            pk=uuid.UUID(str(progress_id)),
            owner_id=getattr(actor, "pk", None),
            label=EXPORT_LABEL,
            state=Progress.State.DONE,
        )
    except (Progress.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    status, _sep, rest = progress.message.partition(":")
    rows, _sep, name = rest.partition(":")
    # Only a name this module wrote for this very progress record is ever opened.
    if status != "ok" or not name.startswith(f"{STORAGE_DIR}/{progress.pk}."):
        raise Http404
    return progress, name, int(rows or 0)


def export_file_get(*, actor: Any, progress_id: Any) -> ExportDownload:
    """The finished file of a background export, for the user who asked for it only.

    Anyone else, an unfinished or failed export, and a purged file all give 404.
    """
    progress, name, rows = _finished_export(actor, progress_id)
    if not default_storage.exists(name):
        raise Http404
    ext = name.rsplit(".", 1)[-1]
    title = str(PEOPLE_EXPORT.title)
    day = timezone.localdate(progress.created_at)
    return ExportDownload(
        file=default_storage.open(name, "rb"),
        filename=_filename(title, day, ext),
        content_type=CONTENT_TYPES[ext],
        rows=rows,
    )


def export_file_response(*, actor: Any, progress_id: Any) -> FileResponse:
    download = export_file_get(actor=actor, progress_id=progress_id)
    return file_response(cast(BinaryIO, download.file), download.filename, download.content_type)


def export_files_purge(*, older_than: dt.timedelta) -> int:
    """Delete the files of background exports finished more than `older_than` ago.

    Exported personal information should not outlive its use (PIPL art. 19); run this
    daily. The progress records stay, marked expired, so a late download gives 404.
    """
    cutoff = timezone.now() - older_than
    purged = 0
    finished = Progress.objects.filter(
        label=EXPORT_LABEL, state=Progress.State.DONE, created_at__lt=cutoff
    ).exclude(message="expired")
    for progress in finished:
        _status, _sep, rest = progress.message.partition(":")
        name = rest.partition(":")[2]
        if name.startswith(f"{STORAGE_DIR}/{progress.pk}.") and default_storage.exists(name):
            default_storage.delete(name)
            purged += 1
        Progress.objects.filter(pk=progress.pk).update(message="expired")
    return purged
