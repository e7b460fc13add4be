"""The stale marks are a small table that every write of records upserts and every read
empties: on PostgreSQL its dead rows must be vacuumed away after a few hundred, not after a
fifth of the table as by default, or the "anything stale?" check of every read scans pages of
dead marks (measured in bench/bench_metrics.py: 4 ms instead of 0.05 ms after a bulk insert)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200, "
    "autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 200"
)


def _apply(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE metrics_stale SET ({SETTINGS})")


def _revert(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE metrics_stale RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, "
            "autovacuum_analyze_threshold)"
        )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0003_stale_month")]

    operations = [migrations.RunPython(_apply, _revert)]
