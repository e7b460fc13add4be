"""The import engine: upload, full dry run, commit (all rows or only valid ones), undo.

Every row goes through the registry's `apply`, i.e. the same services as the forms and the
API. The dry run runs the real writes inside a transaction and rolls it back, so its counts
and errors are exactly what a commit would meet (duplicates inside the file included). A commit
is one transaction: a failure or a killed worker leaves nothing of it. In "valid rows only"
mode each row has its own savepoint and the rejected rows go to the error workbook.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.cells import CellError, parse_cell
from jinguo.imports.models import ImportBatch, ImportItem
from jinguo.imports.reader import SourceRow, open_table, read_table
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome
from jinguo.imports.workbooks import error_workbook_xlsx, problem_text
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit

FIRST_ERRORS = 50
HEADER_SCAN = 10

UNKNOWN_TYPE = _("Unknown record type “%(kind)s”.")
ALREADY_IMPORTED = _(
    "This file was already imported on %(date)s (the same content). Undo that import first if "
    "you want to import it again."
)
MISSING_COLUMNS = _("The sheet has no column for: %(columns)s. Download the template to see them.")
NO_HEADER = _("No header row was found in the first %(rows)d rows of the sheet.")
REQUIRED = _("This value is required.")
NOT_CHECKED = _("Check the file before importing it.")
NOT_COMMITTABLE = _("This import is %(status)s; it cannot be imported now.")
HAS_ERRORS = _(
    "%(errors)d rows have errors: correct them, or choose to import only the valid rows."
)
NOT_UNDOABLE = _("Only a finished import can be undone (this one is %(status)s).")
SAME_RECORD = _(
    "Row %(row)d of this file already describes this record: keep one row for each record."
)
CHANGED_SINCE = _(
    "Row %(row)d's record has been changed since the import; undo refused so that those "
    "changes are not lost: %(reason)s"
)


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RunResult:
    counts: dict[str, int] = field(
        default_factory=lambda: {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 0}
    )
    errors: list[RowError] = field(default_factory=list)
    rejected: list[tuple[list[object], list[str]]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    applied: list[tuple[int, Applied]] = field(default_factory=list)


def _import_type(kind: str) -> ImportType:
    found = registry.get(kind)
    if found is None:
        raise ApplicationError(
            UNKNOWN_TYPE, code="unknown_type", field="kind", params={"kind": kind}
        )
    return found


@transaction.atomic
def import_upload(
    *, actor: Any, kind: str, unit: OrgUnit, file_name: str, data: bytes
) -> ImportBatch:
    """Store an uploaded file as a batch. The same content imported before is refused."""
    _import_type(kind)
    access.require(actor, Perm.EDIT, unit)
    digest = hashlib.sha256(data).hexdigest()
    earlier = ImportBatch.objects.filter(
        kind=kind, unit=unit, file_hash=digest, status=ImportBatch.Status.COMMITTED
    ).first()
    if earlier is not None:
        raise ApplicationError(
            ALREADY_IMPORTED,
            code="already_imported",
            field="file",
            params={"date": timezone.localtime(earlier.committed_at or earlier.created_at).date()},
        )
    batch = ImportBatch(
        kind=kind, unit=unit, uploaded_by=actor, file_name=file_name[:200], file_hash=digest
    )
    batch.stored_path = default_storage.save(
        f"imports/{batch.id}/{file_name[-100:]}", ContentFile(data)
    )
    batch.save()
    audit_record(
        actor=actor,
        action="import.upload",
        obj=batch,
        unit_path=unit.path,
        changes={"kind": [None, kind], "file_name": [None, file_name], "file_hash": [None, digest]},
    )
    return batch


def _read(
    batch: ImportBatch, import_type: ImportType
) -> tuple[list[str], Iterator[SourceRow], int]:
    """The header as uploaded, the data rows (streamed) and how many rows the sheet has."""
    with default_storage.open(batch.stored_path, "rb") as stored:
        data = stored.read()
    table = open_table(data, batch.file_name)
    match, rows = read_table(table, import_type.columns, max_scan=HEADER_SCAN)
    if match.header_row_index is None:
        raise ApplicationError(
            NO_HEADER, code="no_header", field="file", params={"rows": HEADER_SCAN}
        )
    if match.missing_required:
        raise ApplicationError(
            MISSING_COLUMNS,
            code="missing_columns",
            field="file",
            params={"columns": "、".join(str(c.header) for c in match.missing_required)},
        )
    total = max(table.sheet().rows_hint - match.header_row_index - 1, 0)
    return list(match.headers), rows, total


def _parse(import_type: ImportType, source: SourceRow) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in import_type.columns:
        raw = source.cells.get(column.key)
        try:
            value = parse_cell(column, raw)
        except CellError as error:
            errors.append(RowError(source.number, str(column.header), str(error)))
            continue
        if value in (None, "") and column.required:
            errors.append(RowError(source.number, str(column.header), str(REQUIRED)))
        values[column.key] = value
    return values, errors


def _header_of(import_type: ImportType, key: str | None) -> str:
    for column in import_type.columns:
        if column.key == key:
            return str(column.header)
    return ""


def _run(
    batch: ImportBatch,
    actor: Any,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Apply every row inside the caller's transaction; collect outcomes and errors."""
    import_type = _import_type(batch.kind)
    header, sources, total = _read(batch, import_type)
    result = RunResult(header=header)
    context = ImportContext(actor=actor, unit=batch.unit)
    # The record each earlier row wrote or found: a later row about the same one is an error
    # (otherwise it would silently overwrite the first), and its writes are rolled back.
    rows_of: dict[object, int] = {}
    for done, source in enumerate(sources, start=1):
        result.counts["rows"] += 1
        values, errors = _parse(import_type, source)
        if not errors:
            try:
                with transaction.atomic():
                    applied = import_type.apply(context, values)
                    key = applied.obj.pk if applied.obj is not None else None
                    if key is not None and key in rows_of:
                        raise ApplicationError(
                            SAME_RECORD,
                            code="same_record",
                            field=None,
                            params={"row": rows_of[key]},
                        )
                    if key is not None:
                        rows_of[key] = source.number
            except ApplicationError as error:
                errors.append(
                    RowError(source.number, _header_of(import_type, error.field), str(error))
                )
            else:
                result.counts[applied.outcome.value] += 1
                result.applied.append((source.number, applied))
        if errors:
            result.counts["errors"] += 1
            result.errors.extend(errors[:FIRST_ERRORS])
            result.rejected.append(
                (
                    source.raw,
                    [problem_text(e.column, e.message) if e.column else e.message for e in errors],
                )
            )
        if on_progress is not None and done % 200 == 0:
            on_progress(done, max(total, done))
    if on_progress is not None:
        on_progress(result.counts["rows"], result.counts["rows"])
    return result


def _store_errors(batch: ImportBatch, result: RunResult) -> str:
    if not result.rejected:
        return ""
    language = translation.get_language() or "zh-hans"
    data = error_workbook_xlsx(result.header, result.rejected, language=language)
    return default_storage.save(f"imports/{batch.id}/errors.xlsx", ContentFile(data))


def _first_errors(result: RunResult) -> list[dict[str, Any]]:
    return [
        {"row": e.row, "column": e.column, "message": e.message}
        for e in result.errors[:FIRST_ERRORS]
    ]


def import_check(
    *, actor: Any, batch: ImportBatch, on_progress: Callable[[int, int], None] | None = None
) -> ImportBatch:
    """The full dry run: every row through the real services, then everything rolled back."""
    access.require(actor, Perm.EDIT, batch.unit)
    result = RunResult()
    try:
        with transaction.atomic():
            result = _run(batch, actor, on_progress=on_progress)
            raise _Rollback
    except _Rollback:
        pass
    batch.check_counts = result.counts
    batch.first_errors = _first_errors(result)
    batch.error_file_path = _store_errors(batch, result)
    batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["check_counts", "first_errors", "error_file_path", "status"])
    return batch


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _committer_gone(committer: str) -> bool:
    """True when the process that claimed a commit no longer runs on this machine.

    Another machine's process cannot be checked from here and counts as alive."""
    host, _, pid = committer.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def import_commit(
    *,
    actor: Any,
    batch: ImportBatch,
    mode: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportBatch:
    """Import for real, in one transaction. All-or-nothing refuses a file with any error."""
    access.require(actor, Perm.EDIT, batch.unit)
    committable = Q(status__in=(ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED))
    if batch.status == ImportBatch.Status.COMMITTING and _committer_gone(batch.committer):
        # The process that claimed it died; its transaction died with it, so nothing of that
        # attempt is in the database and the batch can be committed again.
        committable |= Q(status=ImportBatch.Status.COMMITTING, committer=batch.committer)
    elif batch.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED):
        raise ApplicationError(
            NOT_COMMITTABLE,
            code="not_committable",
            field=None,
            params={"status": batch.get_status_display()},
        )
    valid_only = mode == ImportBatch.Mode.VALID_ONLY
    import_type = _import_type(batch.kind)
    # Claimed in its own transaction, before the import's: a second commit of the same batch
    # is refused, and the status shows while the rows are written.
    claimed = ImportBatch.objects.filter(committable, pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, message="", committer=_this_process()
    )
    if not claimed:
        raise ApplicationError(
            NOT_COMMITTABLE,
            code="not_committable",
            field=None,
            params={"status": ImportBatch.Status.COMMITTING.label},
        )
    batch.status = ImportBatch.Status.COMMITTING
    try:
        with transaction.atomic():
            result = _run(batch, actor, on_progress=on_progress)
            if result.counts["errors"] and not valid_only:
                raise ApplicationError(
                    HAS_ERRORS,
                    code="has_errors",
                    field=None,
                    params={"errors": result.counts["errors"]},
                )
            ImportItem.objects.bulk_create(
                ImportItem(
                    batch=batch,
                    object_type=import_type.model._meta.label_lower,
                    object_id=str(applied.obj.pk),
                    row=row,
                    action=(
                        ImportItem.Action.CREATED
                        if applied.outcome == Outcome.NEW
                        else ImportItem.Action.UPDATED
                    ),
                    before=applied.before or {},
                )
                for row, applied in result.applied
                if applied.obj is not None and applied.outcome != Outcome.UNCHANGED
            )
            batch.status = ImportBatch.Status.COMMITTED
            batch.mode = mode
            batch.commit_counts = result.counts
            batch.first_errors = _first_errors(result)
            batch.error_file_path = _store_errors(batch, result)
            batch.committed_at = timezone.now()
            batch.save()
            audit_record(
                actor=actor,
                action="import.commit",
                obj=batch,
                unit_path=batch.unit.path,
                changes={"mode": [None, mode], "counts": [None, result.counts]},
            )
    except ApplicationError as error:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, message=str(error)
        )
        batch.refresh_from_db()
        raise
    except BaseException as error:
        # Anything else (a bug, a lost connection): named, never quoted (it may hold a value).
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, message=type(error).__name__
        )
        raise
    return batch


@transaction.atomic
def import_undo(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Undo a whole import: records it created are removed, records it changed restored."""
    access.require(actor, Perm.EDIT, batch.unit)
    if batch.status != ImportBatch.Status.COMMITTED:
        raise ApplicationError(
            NOT_UNDOABLE,
            code="not_undoable",
            field=None,
            params={"status": batch.get_status_display()},
        )
    import_type = _import_type(batch.kind)
    model = import_type.model
    for item in batch.items.order_by("-row"):
        obj = model._default_manager.filter(pk=item.object_id).first()
        if obj is None:
            continue
        try:
            if item.action == ImportItem.Action.CREATED:
                import_type.undo_created(actor, obj)
            else:
                import_type.undo_updated(actor, obj, item.before)
        except ApplicationError as error:
            raise ApplicationError(
                CHANGED_SINCE,
                code="changed_since",
                field=None,
                params={"row": item.row, "reason": str(error)},
            ) from None
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="import.undo",
        obj=batch,
        unit_path=batch.unit.path,
        changes={"items": [None, batch.items.count()]},
    )
    return batch
