"""'This unit and everything below it': materialised-path prefix vs recursive CTE.

The tree is province-sized: 60 counties × 15 townships × 25 villages, each village with a
Women's Home (about 46,000 units), and a fact table of 300,000 records spread over the
Women's Homes. The alternative to a stored path is walking parent links with WITH RECURSIVE,
which an adjacency list needs. Both contenders run as raw SQL (the path one is the SQL the
ORM compiles for ``subtree()``), so neither pays ORM overhead the other does not.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from bench.harness import Row, compare
from jinguo.orgunits.models import Kind, OrgUnit

COUNTIES, TOWNSHIPS, VILLAGES = 60, 15, 25
OPENED = dt.date(2000, 1, 1)

RECURSIVE = """
WITH RECURSIVE sub(id) AS (
    SELECT id FROM orgunits_orgunit WHERE id = %s
    UNION ALL
    SELECT u.id FROM orgunits_orgunit u JOIN sub ON u.parent_id = sub.id
)
SELECT COUNT(*) FROM sub
"""


def _build() -> tuple[OrgUnit, OrgUnit]:
    """Insert the tree level by level with computed paths (bulk, outside the services)."""
    with transaction.atomic():
        province = OrgUnit.objects.create(
            code="15", name="省", kind=Kind.PROVINCE, path="/p/", depth=0, opened_on=OPENED
        )
        province.path = f"/{province.pk}/"
        province.save(update_fields=["path"])
        level = [province]
        plan = [(Kind.BANNER, COUNTIES, 4), (Kind.TOWN, TOWNSHIPS, 3), (Kind.VILLAGE, VILLAGES, 3)]
        for kind, per_parent, digits in plan:
            new = [
                OrgUnit(
                    code=f"{parent.code}{i:0{digits}d}" if kind != Kind.BANNER else f"15{i:04d}",
                    name=f"{kind}{i}",
                    kind=kind,
                    parent=parent,
                    path=f"/new/{parent.pk}/{i}/",
                    depth=parent.depth + 1,
                    opened_on=OPENED,
                )
                for parent in level
                for i in range(1, per_parent + 1)
            ]
            OrgUnit.objects.bulk_create(new, batch_size=2000)
            created = list(OrgUnit.objects.filter(kind=kind).select_related("parent"))
            for unit in created:
                assert unit.parent is not None
                unit.path = f"{unit.parent.path}{unit.pk}/"
            OrgUnit.objects.bulk_update(created, ["path"], batch_size=2000)
            level = created
        homes = [
            OrgUnit(
                code=f"{village.code}H001",
                name="妇女之家",
                kind=Kind.WOMENS_HOME,
                parent=village,
                path=f"/new/h/{village.pk}/",
                depth=village.depth + 1,
                opened_on=OPENED,
            )
            for village in level
        ]
        OrgUnit.objects.bulk_create(homes, batch_size=2000)
        created = list(OrgUnit.objects.filter(kind=Kind.WOMENS_HOME).select_related("parent"))
        for unit in created:
            assert unit.parent is not None
            unit.path = f"{unit.parent.path}{unit.pk}/"
        OrgUnit.objects.bulk_update(created, ["path"], batch_size=2000)
    county = OrgUnit.objects.filter(kind=Kind.BANNER).order_by("pk")[COUNTIES // 2]
    township = OrgUnit.objects.filter(parent=county).order_by("pk")[TOWNSHIPS // 2]
    return county, township


RECORDS = 300_000
RECURSIVE_RECORDS = """
WITH RECURSIVE sub(id) AS (
    SELECT id FROM orgunits_orgunit WHERE id = %s
    UNION ALL
    SELECT u.id FROM orgunits_orgunit u JOIN sub ON u.parent_id = sub.id
)
SELECT COUNT(*) FROM bench_record WHERE unit_id IN (SELECT id FROM sub)
"""


def _build_records() -> None:
    homes = list(OrgUnit.objects.filter(kind=Kind.WOMENS_HOME).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_record (id integer PRIMARY KEY, unit_id integer)")
        cursor.executemany(
            "INSERT INTO bench_record (id, unit_id) VALUES (%s, %s)",
            [(i, homes[(i * 7919) % len(homes)]) for i in range(1, RECORDS + 1)],
        )
        cursor.execute("CREATE INDEX bench_record_unit ON bench_record (unit_id)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _scalar(sql: str, params: list[object] | tuple[object, ...]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0])


def _path_sql(unit: OrgUnit) -> tuple[str, tuple[object, ...]]:
    sql, params = OrgUnit.objects.subtree(unit).order_by().values("id").query.sql_with_params()
    return sql, params


def run() -> list[Row]:
    county, township = _build()
    _build_records()
    rows: list[Row] = []
    for name, unit in (("township", township), ("county", county)):
        sql, params = _path_sql(unit)
        rows += compare(
            f"units in a {name}'s subtree",
            {
                "path prefix (indexed)": lambda s=sql, p=params: _scalar(
                    f"SELECT COUNT(*) FROM ({s}) t",  # noqa: S608 - SQL the ORM compiled
                    p,
                ),
                "recursive CTE": lambda u=unit: _scalar(RECURSIVE, [u.pk]),
            },
            baseline="recursive CTE",
        )
        rows += compare(
            f"records in a {name}'s subtree",
            {
                "path prefix (indexed)": lambda s=sql, p=params: _scalar(
                    f"SELECT COUNT(*) FROM bench_record WHERE unit_id IN ({s})",  # noqa: S608
                    p,
                ),
                "recursive CTE": lambda u=unit: _scalar(RECURSIVE_RECORDS, [u.pk]),
            },
            baseline="recursive CTE",
        )
    return rows
