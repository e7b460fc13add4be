"""The import engine: upload, full dry run, commit (all rows or only valid ones), undo.

Every row goes through the registry's `apply`, i.e. the same services as the forms and the
API, or, for a registry that declares `apply_many`, through that in chunks of `CHUNK` rows
(the same validators, with a few queries and bulk inserts per chunk). The dry run runs the
real writes inside a transaction and rolls it back, so its counts and errors are exactly what
a commit would meet (duplicates inside the file included). A commit is one transaction: a
failure or a killed worker leaves nothing of it. In "valid rows only" mode a rejected row
leaves nothing behind (its own savepoint, or never written by the bulk path) and goes to the
error workbook.

Memory does not grow with the file: rows are streamed from the reader a chunk at a time, the
records written are listed (`ImportItem`) chunk by chunk, the rejected rows are spooled to a
temporary file for the error workbook, and only the first `FIRST_ERRORS` errors are kept.
A sheet longer than `settings.IMPORT_READ_AHEAD_ROWS` is read and parsed in a child process
while this one applies the rows before (`ahead.parsed_ahead`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import Perm
from jinguo.audit.services import audit_record
from jinguo.core.bulk import insert_new, rows_written, vacuum_rolled_back
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.ahead import parsed_ahead
from jinguo.imports.cells import CellError, parse_cell
from jinguo.imports.columns import Kind
from jinguo.imports.models import ImportBatch, ImportItem
from jinguo.imports.reader import SourceRow, open_table, read_table
from jinguo.imports.registry import (
    Applied,
    ImportContext,
    ImportType,
    Outcome,
    Row,
    RowOutcome,
    apply_row,
)
from jinguo.imports.workbooks import error_workbook_xlsx, problem_text
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit

FIRST_ERRORS = 50
HEADER_SCAN = 10
CHUNK = 1000  # rows per apply_many call, per ImportItem insert and per progress report

UNKNOWN_TYPE = _("Unknown record type “%(kind)s”.")
ALREADY_IMPORTED = _(
    "This file was already imported on %(date)s (the same content). Undo that import first if "
    "you want to import it again."
)
MISSING_COLUMNS = _("The sheet has no column for: %(columns)s. Download the template to see them.")
NO_HEADER = _("No header row was found in the first %(rows)d rows of the sheet.")
REQUIRED = _("This value is required.")
NOT_COMMITTABLE = _("This import is %(status)s; it cannot be imported now.")
HAS_ERRORS = _(
    "%(errors)d rows have errors: correct them, or choose to import only the valid rows."
)
NOT_UNDOABLE = _("Only a finished import can be undone (this one is %(status)s).")
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


class ParsedRow(NamedTuple):
    """A data row with its cells parsed: what the reading process sends for each row."""

    number: int
    raw: list[object]  # as uploaded, for the error workbook
    values: dict[str, Any]
    errors: list[RowError]  # the cells that could not be read


class RejectedRows:
    """The rejected rows (as uploaded, with their problems), spooled to a temporary file so
    that a file full of errors costs disk, not memory. Iterate to read them back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self.count = 0

    def add(self, raw: list[object], problems: list[str]) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        pickle.dump((raw, problems), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[tuple[list[object], list[str]]]:
        if self._file is None:
            return
        self._file.flush()
        self._file.seek(0)
        for _row in range(self.count):
            # Our own file, written just above: not untrusted data.
            yield pickle.load(self._file)  # noqa: S301
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class RunResult:
    counts: dict[str, int] = field(
        default_factory=lambda: {"rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 0}
    )
    errors: list[RowError] = field(default_factory=list)  # the first FIRST_ERRORS
    rejected: RejectedRows = field(default_factory=RejectedRows)
    header: list[str] = field(default_factory=list)

    def reject(self, raw: list[object], errors: list[RowError]) -> None:
        self.counts["errors"] += 1
        room = FIRST_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])
        self.rejected.add(
            raw,
            [problem_text(e.column, e.message) if e.column else e.message for e in errors],
        )


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
    table = open_table(_stored(batch), batch.file_name)
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


def _stored(batch: ImportBatch) -> Path | bytes:
    """The stored upload: its path when the storage keeps files on this machine (a text file
    is then read as it is parsed, never whole), else its bytes."""
    try:
        local = Path(default_storage.path(batch.stored_path))
    except NotImplementedError:
        local = None
    if local is not None and local.is_file():
        return local
    with default_storage.open(batch.stored_path, "rb") as stored:
        data: bytes = stored.read()
    return data


# Kinds whose few distinct cells repeat down a sheet (女, 汉族, a village's code, a date):
# parsed once per import and remembered, up to MEMO_SIZE cells.
MEMO_KINDS = frozenset({Kind.CHOICE, Kind.UNIT_CODE, Kind.DATE, Kind.BOOL})
MEMO_SIZE = 50_000


def _parse(
    import_type: ImportType, source: SourceRow, memo: dict[tuple[object, ...], Any] | None = None
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    memo = {} if memo is None else memo
    for column in import_type.columns:
        raw = source.cells.get(column.key)
        key = (column.key, type(raw), raw) if column.kind in MEMO_KINDS else None
        if key is not None and key in memo:
            value = memo[key]
        else:
            try:
                value = parse_cell(column, raw)
            except CellError as error:
                errors.append(RowError(source.number, str(column.header), str(error)))
                continue
            if key is not None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[key] = value
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
    record: bool = False,
) -> RunResult:
    """Apply every row inside the caller's transaction; collect outcomes and errors.

    With `record`, each created or changed record is listed as an ImportItem (for undo), a
    chunk at a time.
    """
    import_type = _import_type(batch.kind)
    header, sources, total = _read(batch, import_type)
    result = RunResult(header=header)
    context = ImportContext(actor=actor, unit=batch.unit)
    memo: dict[tuple[object, ...], Any] = {}

    def parse(chunk: list[SourceRow]) -> list[ParsedRow]:
        return [ParsedRow(s.number, s.raw, *_parse(import_type, s, memo)) for s in chunk]

    ahead = total > settings.IMPORT_READ_AHEAD_ROWS
    with parsed_ahead(_chunks(sources, CHUNK), parse, ahead=ahead) as chunks:
        for chunk in chunks:
            _run_chunk(batch, import_type, context, chunk, result, record=record)
            if on_progress is not None:
                done = result.counts["rows"]
                on_progress(done, max(total, done))
    if on_progress is not None:
        on_progress(result.counts["rows"], result.counts["rows"])
    return result


def _run_chunk(
    batch: ImportBatch,
    import_type: ImportType,
    context: ImportContext,
    chunk: list[ParsedRow],
    result: RunResult,
    *,
    record: bool,
) -> None:
    """One chunk of parsed rows through the import type; outcomes and errors into `result`."""
    model_label = import_type.model._meta.label_lower
    result.counts["rows"] += len(chunk)
    rows = [Row(parsed.number, parsed.values) for parsed in chunk if not parsed.errors]
    outcome_of = {
        row.number: outcome
        for row, outcome in zip(rows, _apply_chunk(import_type, context, rows), strict=True)
    }
    items: list[ImportItem] = []
    for parsed in chunk:
        if parsed.errors:
            result.reject(parsed.raw, parsed.errors)
            continue
        outcome = outcome_of[parsed.number]
        if isinstance(outcome, ApplicationError):
            column = _header_of(import_type, import_type.column_of(outcome.field))
            result.reject(parsed.raw, [RowError(parsed.number, column, str(outcome))])
            continue
        result.counts[outcome.outcome.value] += 1
        if record and outcome.obj is not None and outcome.outcome != Outcome.UNCHANGED:
            items.append(_item(batch, model_label, parsed.number, outcome))
    if items:
        insert_new(ImportItem, items)


def _chunks(sources: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(sources)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _apply_chunk(
    import_type: ImportType, context: ImportContext, rows: Sequence[Row]
) -> list[RowOutcome]:
    """Each row's outcome, in order: through `apply_many` when the type declares it, else (or
    when a chunk's bulk insert meets a record written meanwhile by someone else) row by row."""
    if import_type.apply_many is not None and rows:
        try:
            with transaction.atomic(), context.ledger.tentative():
                outcomes = import_type.apply_many(context, rows)
        except IntegrityError:
            pass  # rolled back; row by row below says which row clashes, and with what
        else:
            if len(outcomes) != len(rows):
                raise RuntimeError(f"{import_type.key}.apply_many: one outcome per row expected")
            return outcomes
    outcomes = []
    for row in rows:
        try:
            outcomes.append(apply_row(import_type, context, row))
        except ApplicationError as error:
            outcomes.append(error)
    return outcomes


def _item(batch: ImportBatch, model_label: str, row: int, applied: Applied) -> ImportItem:
    assert applied.obj is not None  # noqa: S101 - checked by the caller
    return ImportItem(
        batch=batch,
        object_type=model_label,
        object_id=str(applied.obj.pk),
        row=row,
        action=(
            ImportItem.Action.CREATED
            if applied.outcome == Outcome.NEW
            else ImportItem.Action.UPDATED
        ),
        before=applied.before or {},
    )


def _store_errors(batch: ImportBatch, result: RunResult) -> str:
    try:
        if not result.rejected:
            return ""
        language = translation.get_language() or "zh-hans"
        data = error_workbook_xlsx(result.header, result.rejected, language=language)
        return default_storage.save(f"imports/{batch.id}/errors.xlsx", ContentFile(data))
    finally:
        result.rejected.close()


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
    written: dict[str, int] = {}
    try:
        with transaction.atomic():
            result = _run(batch, actor, on_progress=on_progress)
            written = rows_written()
            raise _Rollback
    except _Rollback:
        pass
    batch.check_counts = result.counts
    batch.first_errors = _first_errors(result)
    batch.error_file_path = _store_errors(batch, result)
    batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["check_counts", "first_errors", "error_file_path", "status"])
    # Once the outcome is saved: so that the commit does not wade through the dry run's rows.
    vacuum_rolled_back(written)
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
    """Import for real, in one transaction. All-or-nothing refuses a file with any error.

    The batch need not have been checked: the commit meets every row with the same checks,
    and an all-or-nothing commit refused for errors keeps what it found on the batch (counts,
    first errors, error workbook), as a dry run would have."""
    access.require(actor, Perm.EDIT, batch.unit)
    ready = (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED)
    committable = Q(status__in=ready)
    if batch.status == ImportBatch.Status.COMMITTING and _committer_gone(batch.committer):
        # The process that claimed it died; its transaction died with it, so nothing of that
        # attempt is in the database and the batch can be committed again.
        committable |= Q(status=ImportBatch.Status.COMMITTING, committer=batch.committer)
    elif batch.status not in ready:
        raise ApplicationError(
            NOT_COMMITTABLE,
            code="not_committable",
            field=None,
            params={"status": batch.get_status_display()},
        )
    valid_only = mode == ImportBatch.Mode.VALID_ONLY
    _import_type(batch.kind)
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
    found: dict[str, Any] = {}  # what a refused commit found, kept on the batch
    try:
        with transaction.atomic():
            result = _run(batch, actor, on_progress=on_progress, record=True)
            if result.counts["errors"] and not valid_only:
                found = {
                    "check_counts": result.counts,
                    "first_errors": _first_errors(result),
                    "error_file_path": _store_errors(batch, result),
                }
                raise ApplicationError(
                    HAS_ERRORS,
                    code="has_errors",
                    field=None,
                    params={"errors": result.counts["errors"]},
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
            status=ImportBatch.Status.FAILED, message=str(error), **found
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
    undo_created, undo_updated = import_type.undo_created, import_type.undo_updated
    if undo_created is None or undo_updated is None:  # the type says why (`no_undo`)
        raise ApplicationError(import_type.no_undo or "", code="not_undoable", field=None)
    model = import_type.model
    for item in batch.items.order_by("-row"):
        obj = model._default_manager.filter(pk=item.object_id).first()
        if obj is None:
            continue
        try:
            if item.action == ImportItem.Action.CREATED:
                undo_created(actor, obj)
            else:
                undo_updated(actor, obj, item.before)
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
