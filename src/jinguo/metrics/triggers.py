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
rebuilding a table never trip over them; a migrate that applied migrations marks every source
as changed, so the first read counts again whatever happened while they were off. A mark
carries the month of the record's date when the date is a column of the record (a benefit's
day), so that only that month is counted again; otherwise it stands for every month.
"""

# ruff: noqa: S608 - the SQL is built from model metadata and declared keys, never from input
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, DateTimeField, Model
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

from jinguo.metrics.registry import SOURCES, Source
from jinguo.orgunits.models import OrgUnit

STALE = "metrics_stale"
ALL_MONTHS = "0001-01-01"  # a mark for every month of the unit
PREFIX = "metrics_mark_"


def _unit_sql(source: Source, row: str) -> str:
    """SQL for the unit of a record, `row` being the record's alias (NEW, OLD, r)."""
    if source.unit == ("self",):
        return f"{row}.{source.model._meta.pk.column}"
    hop = _hop(source)
    if hop is not None:  # one lookup of the row the units are read from
        hop_model, columns = hop
        fk: Any = source.model._meta.get_field(source.unit[0].split("__")[0])
        return (
            f"(SELECT {_unit_on_hop(columns, 'h')} FROM {hop_model._meta.db_table} h "
            f"WHERE h.{hop_model._meta.pk.column} = {row}.{fk.column})"
        )
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


def _hop(source: Source) -> tuple[type[Model], list[str]] | None:
    """The table every unit path goes through, and the columns of the units on its rows."""
    if source.unit == ("self",):
        return None
    firsts = {path.split("__")[0] for path in source.unit}
    if len(firsts) != 1 or any("__" not in path for path in source.unit):
        return None
    field: Any = source.model._meta.get_field(firsts.pop())
    hop_model = field.related_model
    columns = [hop_model._meta.get_field(path.split("__")[1]).column for path in source.unit]
    return hop_model, columns


def _unit_on_hop(columns: list[str], row: str) -> str:
    """The first unit set on a row of the hop table."""
    names = [f"{row}.{column}" for column in columns]
    return names[0] if len(names) == 1 else f"COALESCE({', '.join(names)})"


def _upsert(select: str) -> str:
    """Insert (source, unit, month, version) rows, bumping the version of marks already there."""
    return (
        f"INSERT INTO {STALE} (source, unit_id, month, version) {select} "
        f"ON CONFLICT (source, unit_id, month) DO UPDATE SET version = {STALE}.version + 1"
    )


def _all_months(vendor: str) -> str:
    return f"'{ALL_MONTHS}'::date" if vendor == "postgresql" else f"'{ALL_MONTHS}'"


def _whole(key: str, vendor: str) -> str:
    return _upsert(f"SELECT '{key}', 0, {_all_months(vendor)}, 1 WHERE 1 = 1")


@dataclass(frozen=True)
class _Mark:
    table: str
    name: str
    unit: str  # SQL of the unit, with a {row} hole
    month: str = ""  # the date column whose month changed, on the row itself; "" for all months
    update_only: bool = False


def _marks(source: Source) -> Iterator[_Mark]:
    """Every trigger a source needs: on its table, on the table its unit is reached through, on
    each table its filters read."""
    date: Any = (
        source.model._meta.get_field(source.date)
        if source.date and "__" not in source.date
        else None
    )
    month = (
        date.column if isinstance(date, DateField) and not isinstance(date, DateTimeField) else ""
    )
    yield _Mark(
        source.model._meta.db_table, f"{PREFIX}{source.key}", _unit_sql(source, "{row}"), month
    )
    hop = _hop(source)
    if hop is not None:
        hop_model, columns = hop
        yield _Mark(
            hop_model._meta.db_table,
            f"{PREFIX}{source.key}_hop",
            _unit_on_hop(columns, "{row}"),
            update_only=True,
        )
    for model in source.depends:
        table = model._meta.db_table
        yield _Mark(table, f"{PREFIX}{source.key}_dep_{table}", "0", update_only=True)


def _month_sql(vendor: str, mark: _Mark, row: str) -> str:
    if not mark.month:
        return _all_months(vendor)
    column = f'{row}."{mark.month}"'
    if vendor == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"date({column}, 'start of month')"


def _sqlite(key: str, mark: _Mark) -> list[str]:
    statements = []
    events = ["UPDATE"] if mark.update_only else ["INSERT", "UPDATE", "DELETE"]
    for event in events:
        rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
        body = "".join(
            _upsert(
                f"SELECT '{key}', u, m, 1 FROM (SELECT {mark.unit.format(row=row)} AS u, "
                f"{_month_sql('sqlite', mark, row)} AS m) WHERE u IS NOT NULL"
            )
            + "; "
            for row in rows
        )
        trigger = f"{mark.name}_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
        statements.append(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {mark.table} FOR EACH ROW BEGIN {body}END"
        )
    return statements


def _postgresql(key: str, mark: _Mark) -> list[str]:
    statements = []
    events = ["UPDATE"] if mark.update_only else ["INSERT", "UPDATE", "DELETE"]
    for event in events:
        tables = {
            "INSERT": ["new_rows"],
            "UPDATE": ["old_rows", "new_rows"],
            "DELETE": ["old_rows"],
        }[event]
        unit, month = mark.unit.format(row="r"), _month_sql("postgresql", mark, "r")
        # One upsert per unit and month even when it is in both the old and the new rows.
        rows = " UNION ".join(f"SELECT {unit} AS u, {month} AS m FROM {t} r" for t in tables)
        body = _upsert(f"SELECT DISTINCT '{key}', u, m, 1 FROM ({rows}) s WHERE u IS NOT NULL")
        referencing = " ".join(
            f"{'OLD' if t == 'old_rows' else 'NEW'} TABLE AS {t}" for t in tables
        )
        function = f"{mark.name}_{event.lower()}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body}; RETURN NULL; END $$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {function} ON {mark.table}")
        statements.append(
            f"CREATE TRIGGER {function} AFTER {event} ON {mark.table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _tree_sql(vendor: str) -> list[str]:
    """A unit moved: every total above it is wrong, so every source is counted again."""
    name = f"{PREFIX}tree"
    table = OrgUnit._meta.db_table
    body = "".join(_whole(key, vendor) + "; " for key in SOURCES)
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
        for mark in _marks(source):
            statements += make(source.key, mark)
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


def install(conn: BaseDatabaseWrapper = connection, *, recount: bool = True) -> None:
    """Install the triggers; with `recount`, mark every source as wholly changed."""
    drop(conn)
    with conn.cursor() as cursor:
        for statement in install_sql(conn.vendor):
            cursor.execute(statement)
        if recount:
            for key in SOURCES:
                cursor.execute(_whole(key, conn.vendor))


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
            # A migrate that applied nothing changed no record: no need to count again.
            install(conn, recount=kwargs.get("plan") != [])
