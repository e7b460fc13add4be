"""Database triggers that mark the units whose records changed, in the writer's transaction.

For each declared source, a trigger on its table writes (source, unit) into `metrics_stale`
for the old and the new row of every insert, update and delete; a trigger on the table its
unit is reached through (an attendance row's activity) does the same when that row moves; a
trigger on each table a filter reads (a programme's work area) marks the whole source, and a
unit moving in the tree marks every source. A bulk insert, an import, a raw SQL fix — nothing
can change a record without the mark, and the mark commits or rolls back with the change.
PostgreSQL runs one statement-level trigger per statement over its transition tables; SQLite,
which has only row triggers, one per row.

Triggers are (re)installed after every `migrate` and dropped before one, so that migrations
rebuilding a table never trip over them; installing marks every source as changed, so the
first read counts again whatever happened while they were off.
"""

# ruff: noqa: S608 - the SQL is built from model metadata and declared keys, never from input
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

from jinguo.metrics.registry import SOURCES, Source
from jinguo.orgunits.models import OrgUnit

STALE = "metrics_stale"
PREFIX = "metrics_mark_"


@dataclass(frozen=True)
class _Hop:
    table: str  # the table the unit is read from
    pk: str
    fk: str  # the column of the record's table pointing at it


def _unit_sql(source: Source, row: str) -> str:
    """SQL for the unit of a record, `row` being the record's alias (NEW, OLD, r)."""
    if source.unit == ("self",):
        return f"{row}.{source.model._meta.pk.column}"
    parts = []
    for path in source.unit:
        names = path.split("__")
        model: type[Model] = source.model
        field: Any = model._meta.get_field(names[0])
        if len(names) == 1:
            parts.append(f"{row}.{field.column}")
            continue
        if len(names) != 2:
            raise ValueError(f"source {source.key}: unit path {path} is more than one hop away")
        hop_model = field.related_model
        target = hop_model._meta.get_field(names[1])
        parts.append(
            f"(SELECT h.{target.column} FROM {hop_model._meta.db_table} h "
            f"WHERE h.{hop_model._meta.pk.column} = {row}.{field.column})"
        )
    return parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"


def _hop(source: Source) -> tuple[type[Model], str] | None:
    """The table every unit path goes through, and the SQL of the unit on its row."""
    if source.unit == ("self",):
        return None
    firsts = {path.split("__")[0] for path in source.unit}
    if len(firsts) != 1 or any("__" not in path for path in source.unit):
        return None
    field: Any = source.model._meta.get_field(firsts.pop())
    hop_model = field.related_model
    columns = [hop_model._meta.get_field(path.split("__")[1]).column for path in source.unit]
    return hop_model, ", ".join(columns)


def _unit_on_hop(columns: str, row: str) -> str:
    names = [f"{row}.{c.strip()}" for c in columns.split(",")]
    return names[0] if len(names) == 1 else f"COALESCE({', '.join(names)})"


def _upsert(key: str, select: str) -> str:
    return (
        f"INSERT INTO {STALE} (source, unit_id, version) {select} "
        f"ON CONFLICT (source, unit_id) DO UPDATE SET version = {STALE}.version + 1"
    )


def _marks(source: Source) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(table, name, {event: unit SQL over a row alias}) for every trigger of a source; the unit
    SQL has a ``{row}`` hole."""
    table = source.model._meta.db_table
    yield table, f"{PREFIX}{source.key}", {"unit": _unit_sql(source, "{row}")}
    hop = _hop(source)
    if hop is not None:
        hop_model, columns = hop
        yield (
            hop_model._meta.db_table,
            f"{PREFIX}{source.key}_hop",
            {"unit": _unit_on_hop(columns, "{row}"), "update_only": "1"},
        )
    for model in source.depends:
        yield (
            model._meta.db_table,
            f"{PREFIX}{source.key}_dep_{model._meta.db_table}",
            {
                "unit": "0",
                "update_only": "1",
            },
        )


def _sqlite(key: str, table: str, name: str, spec: dict[str, str]) -> list[str]:
    statements = []
    events = ["UPDATE"] if spec.get("update_only") else ["INSERT", "UPDATE", "DELETE"]
    for event in events:
        rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
        body = "".join(
            _upsert(
                key,
                f"SELECT '{key}', u, 1 FROM (SELECT {spec['unit'].format(row=row)} AS u) "
                "WHERE u IS NOT NULL",
            )
            + "; "
            for row in rows
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
        statements.append(
            f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
            f"FOR EACH ROW BEGIN {body}END"
        )
    return statements


def _postgresql(key: str, table: str, name: str, spec: dict[str, str]) -> list[str]:
    statements = []
    events = ["UPDATE"] if spec.get("update_only") else ["INSERT", "UPDATE", "DELETE"]
    for event in events:
        tables = {
            "INSERT": ["new_rows"],
            "UPDATE": ["old_rows", "new_rows"],
            "DELETE": ["old_rows"],
        }[event]
        unit = spec["unit"].format(row="r")
        # One upsert per unit even when it is in both the old and the new rows of an update.
        rows = " UNION ".join(f"SELECT {unit} AS u FROM {t} r" for t in tables)
        body = (
            _upsert(key, f"SELECT DISTINCT '{key}', u, 1 FROM ({rows}) s WHERE u IS NOT NULL")
            + "; "
        )
        referencing = " ".join(
            f"{'OLD' if t == 'old_rows' else 'NEW'} TABLE AS {t}" for t in tables
        )
        function = f"{name}_{event.lower()}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body}RETURN NULL; END $$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        statements.append(
            f"CREATE TRIGGER {function} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _tree_sql(vendor: str) -> list[str]:
    """A unit moved: every total above it is wrong, so every source is counted again."""
    name = f"{PREFIX}tree"
    table = OrgUnit._meta.db_table
    body = "".join(_upsert(key, f"SELECT '{key}', 0, 1 WHERE 1 = 1") + "; " for key in SOURCES)
    when = "OLD.path <> NEW.path"
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body}RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER UPDATE OF path ON {table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {name}()",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER UPDATE OF path ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN {body}END",
    ]


def install_sql(vendor: str) -> list[str]:
    make = _postgresql if vendor == "postgresql" else _sqlite
    statements = _tree_sql(vendor)
    for source in SOURCES.values():
        for table, name, spec in _marks(source):
            statements += make(source.key, table, name, spec)
    return statements


def _installed(conn: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(trigger, table) of the metrics triggers in the database."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname LIKE %s AND NOT tgisinternal",
                [f"{PREFIX}%"],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{PREFIX}%"],
            )
        return list(cursor.fetchall())


def drop(conn: BaseDatabaseWrapper = connection) -> None:
    if STALE not in conn.introspection.table_names():
        return
    with conn.cursor() as cursor:
        for name, table in _installed(conn):
            on = f" ON {table}" if conn.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def install(conn: BaseDatabaseWrapper = connection) -> None:
    drop(conn)
    with conn.cursor() as cursor:
        for statement in install_sql(conn.vendor):
            cursor.execute(statement)
        for key in SOURCES:
            cursor.execute(_upsert(key, f"SELECT '{key}', 0, 1 WHERE 1 = 1"))


@receiver(pre_migrate)
def _before_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if sender.name == "jinguo.metrics":
        from django.db import connections

        drop(connections[using])


@receiver(post_migrate)
def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if sender.name == "jinguo.metrics":
        from django.db import connections

        conn = connections[using]
        if STALE in conn.introspection.table_names():
            install(conn)
