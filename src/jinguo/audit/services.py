"""Writing and verifying the hash-chained audit log.

Each entry stores ``hash = sha256(prev_hash + canonical_json(content))`` where ``prev_hash`` is
the hash of the entry before it. Changing, removing or reordering any entry breaks the chain
at that point, and `audit_verify` names the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from jinguo.audit.models import AuditEntry
from jinguo.core import context

GENESIS = "0" * 64
REDACTED = "***"
# Any value stored in the advisory lock namespace works; it only has to be the same everywhere.
_CHAIN_LOCK = 704_1976


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN_TYPES:  # the usual case first, without isinstance chains
        return value
    if kind is list and all(type(item) in _PLAIN_TYPES for item in value):
        return list(value)
    if kind is dict:
        return {str(key): _jsonable(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float | dt.date | dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return str(value)


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], *, sensitive: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """Fields whose values differ, as ``{field: [before, after]}``; sensitive values redacted."""
    hidden = set(sensitive)
    if not before:  # a record created: every value set, in one pass (bulk registrations)
        return {
            field: [
                None,
                REDACTED
                if field in hidden
                else (new if type(new) in _PLAIN_TYPES else _jsonable(new)),
            ]
            for field, new in sorted(after.items())
            if new is not None
        }
    changed: dict[str, list[Any]] = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in hidden:
            changed[field] = [
                REDACTED if old is not None else None,
                REDACTED if new is not None else None,
            ]
        else:
            changed[field] = [
                old if type(old) in _PLAIN_TYPES else _jsonable(old),
                new if type(new) in _PLAIN_TYPES else _jsonable(new),
            ]
    return changed


# canonical_content's JSON, with an encoder made once.
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def canonical_content(entry: AuditEntry) -> str:
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "at": at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "unit_path": entry.unit_path,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
    }
    return _encode(content)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical_content(entry)).encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise writers so that two entries never claim the same predecessor.

    SQLite needs nothing: its write transactions are already exclusive (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def _entry(
    *,
    actor: Any,
    actor_id: Any,
    action: str,
    obj: Model | None,
    object_type: str | None,
    object_id: str | None,
    object_repr: str | None,
    unit_path: str,
    changes: Mapping[str, Any] | None,
    request: context.RequestContext,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry(
        at=timezone.now(),
        actor_id=actor_id,
        actor_name=(actor.get_username() if actor_id else "system"),
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:200],
        unit_path=unit_path,
        changes=_jsonable(dict(changes or {})),
        request_id=request.request_id,
        client_ip=request.client_ip,
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    unit_path: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the write it records."""
    with transaction.atomic():
        _lock_chain()
        entry = _entry(
            actor=actor,
            actor_id=getattr(actor, "pk", None) if actor is not None else None,
            action=action,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            unit_path=unit_path,
            changes=changes,
            request=context.current(),
        )
        entry.prev_hash = _last_hash()
        entry.hash = entry_hash(entry.prev_hash, entry)
        entry.save()
    return entry


def _last_hash() -> str:
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS


@dataclass(frozen=True)
class AuditSpec:
    """One entry for `audit_record_many`: the arguments `audit_record` takes, less the actor."""

    action: str
    obj: Model | None = None
    object_type: str | None = None
    object_id: str | None = None
    object_repr: str | None = None
    unit_path: str = ""
    changes: Mapping[str, Any] | None = None


def audit_record_many(*, actor: Any, entries: Iterable[AuditSpec], batch_size: int = 1000) -> int:
    """Append many entries by one actor, chained in the given order, in bulk.

    The same entries and the same chain as calling `audit_record` for each in turn (all at the
    time of the call): the chain lock is taken once, the last hash read once, each hash
    computed from the one before, and the rows written `batch_size` at a time without model
    instances (COPY on PostgreSQL, executemany elsewhere), in order, so that ids follow the
    chain. Each row is computed as the COPY takes it, so that the server files the rows
    already sent while the next ones are hashed. Call inside the transaction of the writes
    they record. Returns how many entries were written.
    """
    request = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_name = actor.get_username() if actor_id else "system"
    with transaction.atomic():
        _lock_chain()
        at = timezone.now()
        at_db = connection.ops.adapt_datetimefield_value(at)
        # `canonical_content` written out by hand, its keys in sorted order, the parts every
        # entry of the call shares encoded once (a test holds the two to the same text).
        at_text = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        actor_json = f'"actor_id":{_encode(actor_id)},"actor_name":{_encode(actor_name)}'
        shared = f'{actor_json},"at":{_encode(at_text)},"changes":'
        request_json = f'"request_id":{_encode(request.request_id)},"unit_path":'
        client_json = f',"client_ip":{_encode(request.client_ip)},"object_id":'
        prev = _last_hash()

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal prev
            for spec in entries:
                obj = spec.obj
                object_type, object_id = spec.object_type, spec.object_id
                object_repr = spec.object_repr
                if obj is not None:
                    object_type = object_type or obj._meta.label_lower
                    object_id = object_id or str(obj.pk)
                    object_repr = object_repr or str(obj)
                object_type, object_id = object_type or "", object_id or ""
                object_repr = (object_repr or "")[:200]
                changes = _encode(_jsonable(dict(spec.changes or {})))
                content = (
                    f'{{"action":{_encode(spec.action)},{shared}{changes}{client_json}'
                    f'{_encode(object_id)},"object_repr":{_encode(object_repr)},"object_type":'
                    f"{_encode(object_type)},{request_json}{_encode(spec.unit_path)}}}"
                )
                digest = hashlib.sha256((prev + content).encode()).hexdigest()
                yield (
                    at_db,
                    actor_id,
                    actor_name,
                    spec.action,
                    object_type,
                    object_id,
                    object_repr,
                    spec.unit_path,
                    changes,
                    request.request_id,
                    request.client_ip,
                    prev,
                    digest,
                )
                prev = digest

        written = 0
        pending = rows()
        for first in pending:
            batch = itertools.chain((first,), itertools.islice(pending, batch_size - 1))
            written += _insert_entries(batch)
    return written


# The keys of `canonical_content`, in the order of the rows `audit_record_many` builds.
_CONTENT_KEYS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "unit_path",
    "changes",
    "request_id",
    "client_ip",
)
_INSERT_COLUMNS = (*_CONTENT_KEYS, "prev_hash", "hash")


def _insert_entries(rows: Iterable[tuple[Any, ...]]) -> int:
    """Write the rows as they come; how many there were."""
    table = AuditEntry._meta.db_table
    columns = ", ".join(connection.ops.quote_name(column) for column in _INSERT_COLUMNS)
    written = 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
        batch = list(rows)
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)  # noqa: S608
        return len(batch)


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def audit_verify(
    *, on_progress: Callable[[int, int], None] | None = None, chunk_size: int = 5000
) -> VerifyResult:
    """Recompute the chain from the first entry and stop at the first broken link.

    The first entry's ``prev_hash`` is taken as given: after archiving (docs/operations.md) the
    online log starts from the archive's last hash rather than from GENESIS.
    """
    total = AuditEntry.objects.count()
    expected_prev: str | None = None
    checked = 0
    if on_progress is not None:
        on_progress(0, total)
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if expected_prev is not None and entry.prev_hash != expected_prev:
            return VerifyResult(checked, ChainBreak(entry.id, "previous hash does not match"))
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            return VerifyResult(checked, ChainBreak(entry.id, "content does not match its hash"))
        expected_prev = entry.hash
        checked += 1
        if on_progress is not None and checked % chunk_size == 0:
            on_progress(checked, total)
    if on_progress is not None:
        on_progress(checked, total)
    return VerifyResult(checked, None)
