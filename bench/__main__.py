"""Run every benchmark side by side and print a table of ratios: `make bench`.

Each benchmark runs its contenders in the same process on the same data, alternating them,
and reports the median of several rounds. Absolute times on shared machines are noise;
the ratio between contenders is the figure to read. Benchmarks with an absolute goal (the
people registry's searches and duplicate scan) print a second table: p95 against the goal.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinguo_bench make bench
runs them on PostgreSQL instead of a fresh SQLite file.

    BENCH_PEOPLE=1000000      people in bench_people (default 100,000)
    BENCH_IMPORT_ROWS=1000000 people in the file bench_import imports (default 20,000)
    BENCH_IMPORT_FILES=DIR    keep bench_import's generated files in DIR and reuse them
    BENCH_ONLY=people         run only the named benchmarks (subtree, audit, people, import,
                              metrics)
    BENCH_METRICS_PEOPLE=1000000 BENCH_METRICS_FACTS=10000000
                              the metrics benchmark's scale (default 100,000 / 1,000,000;
                              PostgreSQL only, in a database of its own, kept for the next run;
                              BENCH_METRICS_REBUILD=1 builds it again)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="jinguo-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinguo.config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import bench_audit, bench_import, bench_metrics, bench_people, bench_subtree
    from bench.harness import GoalRow, RateRow, Row, print_table

    benchmarks = {
        "subtree": bench_subtree,
        "audit": bench_audit,
        "people": bench_people,
        "import": bench_import,
        "metrics": bench_metrics,
    }
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    unknown = set(only) - set(benchmarks)
    if unknown:
        sys.exit(f"BENCH_ONLY: unknown benchmark(s) {sorted(unknown)}; use {sorted(benchmarks)}")
    rows: list[Row | GoalRow | RateRow] = []
    for name, module in benchmarks.items():
        if not only or name in only:
            rows += module.run()
    print_table(rows, database=os.environ["DATABASE_URL"].split(":", 1)[0])
    sys.exit(0)


if __name__ == "__main__":
    main()
