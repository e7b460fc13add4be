"""The tables a large import writes carry no index that another index already provides."""

from __future__ import annotations

import pytest
from django.db import connection

from jinguo.audit.models import AuditEntry
from jinguo.imports.models import ImportItem
from jinguo.people.models import Consent, Person

pytestmark = pytest.mark.django_db

# An index is redundant when it is plain (not unique, not partial, no expression) and its
# columns, with the same operator classes, begin another plain index of the same table: that
# one answers every lookup it could. Every row written pays for each index.
REDUNDANT = """
WITH idx AS (
    SELECT i.indexrelid, i.indrelid, c.relname AS name, i.indkey::text AS cols,
           i.indclass::text AS classes, i.indisunique AS is_unique,
           i.indpred IS NOT NULL OR i.indexprs IS NOT NULL AS special
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = ANY(%s::regclass[])
)
SELECT a.name, b.name FROM idx a JOIN idx b
    ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
WHERE NOT a.is_unique AND NOT a.special AND NOT b.special
    AND (b.cols LIKE a.cols || ' %%' OR (b.cols = a.cols AND a.name > b.name))
    AND (b.classes LIKE a.classes || ' %%' OR b.classes = a.classes)
ORDER BY 1
"""


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's catalogue")
def test_the_tables_an_import_writes_have_no_index_another_one_covers() -> None:
    tables = [model._meta.db_table for model in (Person, Consent, AuditEntry, ImportItem)]
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT, [tables])
        covered = cursor.fetchall()

    assert covered == []
