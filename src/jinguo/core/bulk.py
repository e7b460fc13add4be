"""Inserting many new rows of a model at once (`insert_new`), and clearing away what a large
rolled-back write left (`rows_written`, `vacuum_rolled_back`).

What `bulk_create` does for new instances (ids set, times of `auto_now`/`auto_now_add`
fields set, encrypted fields encrypted), but on PostgreSQL with COPY after drawing the ids
from the table's sequence: for a thousand rows of a table with a dozen indexes it costs a
fraction of a multi-row INSERT. Elsewhere (SQLite) it is `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Columns psycopg writes as the attribute holds them: no conversion through the field.
_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.DateField,
    models.DateTimeField,
    models.DecimalField,
    models.UUIDField,
)


def _is_auto_time(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, models.DateField) and bool(field.auto_now or field.auto_now_add)


def _writer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How one column's value is taken from an instance."""
    attname = field.attname
    if type(field) in _AS_IS or isinstance(field, models.ForeignKey):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def insert_new(model: type[models.Model], objects: Sequence[Any]) -> None:
    """Insert new instances of `model` and set their ids (see the module doc)."""
    if not objects:
        return
    if connection.vendor != "postgresql" or not isinstance(model._meta.pk, AutoFieldMixin):
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    # One time for the whole insert, as one statement would take (bulk_create takes one an
    # instance, microseconds apart).
    now = timezone.now()
    today = timezone.localdate(now)
    auto_times = [field for field in fields if _is_auto_time(field)]
    for obj in objects:
        for field in auto_times:
            setattr(obj, field.attname, now if isinstance(field, models.DateTimeField) else today)
    writers = [_writer(field) for field in fields]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objects, ids, strict=True):
                obj.pk = pk
                copy.write_row([write(obj) for write in writers])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def rows_written() -> dict[str, int]:
    """Rows the current transaction has inserted, updated or deleted so far, by table.

    PostgreSQL only (its per-transaction table statistics); empty elsewhere."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE schemaname = current_schema() AND n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: int(count) for table, count in cursor.fetchall()}


# A rolled-back write is vacuumed away at once when it left at least this many dead rows in a
# table, and at least this share of the table's live rows.
VACUUM_AT_LEAST = 10_000
VACUUM_SHARE = 0.1


def worth_vacuuming(written: dict[str, int], *, live: dict[str, int]) -> list[str]:
    """The tables where `written` rows rolled back are many, and many for the table's size."""
    return sorted(
        table
        for table, dead in written.items()
        if dead >= VACUUM_AT_LEAST and dead >= VACUUM_SHARE * live.get(table, 0)
    )


def vacuum_rolled_back(written: dict[str, int]) -> list[str]:
    """VACUUM the tables where a rolled-back transaction (`written`, from `rows_written`) left
    many dead rows; returns their names.

    A large dry run inserts and rolls back as many rows as it checks. Until they are vacuumed,
    every index entry they left is still visited: the commit that follows meets each of its
    own keys again in the unique indexes (a heap read to learn the entry is dead), its new rows
    go to the end of tables twice their size, and autovacuum only starts on a table once a
    fifth of it is dead. Vacuuming costs a pass over the table's indexes, so small rollbacks
    into large tables are left to autovacuum. Outside a transaction only (VACUUM cannot run
    inside one): elsewhere it does nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or not written:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)",
            [list(written)],
        )
        tables = worth_vacuuming(written, live=dict(cursor.fetchall()))
        for table in tables:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
    return tables
