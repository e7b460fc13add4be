"""Clearing away what a large rolled-back write left (`core.bulk`)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from jinguo.core.bulk import insert_new, rows_written, vacuum_rolled_back, worth_vacuuming

pytestmark = pytest.mark.django_db


def test_many_dead_rows_that_are_a_large_share_of_the_table_are_worth_vacuuming() -> None:
    written = {"people_person": 50_000, "audit_auditentry": 9_999, "people_consent": 20_000}
    live = {"people_person": 100_000, "audit_auditentry": 0, "people_consent": 5_000_000}

    # Too few dead rows for the audit log, too few for its size for the consents.
    assert worth_vacuuming(written, live=live) == ["people_person"]
    assert worth_vacuuming({"new_table": 10_000}, live={}) == ["new_table"]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's statistics")
def test_the_rows_a_transaction_wrote_are_counted_by_table() -> None:
    table = ContentType._meta.db_table
    types = [ContentType(app_label="bulk_test", model=f"model{n}") for n in range(30)]

    with transaction.atomic():
        before = rows_written().get(table, 0)
        insert_new(ContentType, types)
        after = rows_written()

    assert after[table] - before == 30


def test_nothing_is_vacuumed_inside_a_transaction() -> None:
    assert connection.in_atomic_block  # the test's own
    assert vacuum_rolled_back({"audit_auditentry": 1_000_000}) == []
