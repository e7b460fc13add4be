"""What the hash-chained audit log costs a write: a rename with and without its audit entry."""

from __future__ import annotations

from django.db import transaction

from bench.harness import Row, compare
from jinguo.audit.services import audit_record
from jinguo.orgunits.models import Kind, OrgUnit

WRITES = 200


def _renames(units: list[OrgUnit], *, audited: bool) -> int:
    for unit in units:
        with transaction.atomic():
            unit.name = f"{unit.name[:80]}·"
            unit.save(update_fields=["name"])
            if audited:
                audit_record(
                    actor=None,
                    action="bench.rename",
                    obj=unit,
                    unit_path=unit.path,
                    changes={"name": ["a", "b"]},
                )
    return len(units)


def run() -> list[Row]:
    units = list(OrgUnit.objects.filter(kind=Kind.VILLAGE)[:WRITES])
    rows = compare(
        f"{WRITES} single-row writes",
        {
            "write + chained audit entry": lambda: _renames(units, audited=True),
            "write alone": lambda: _renames(units, audited=False),
        },
        baseline="write + chained audit entry",
        rounds=5,
    )
    return rows
