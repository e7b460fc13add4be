"""`jinguo metrics show --unit 150525 --period 2014 [KEY ...]` and `jinguo metrics rebuild`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from jinguo.core.errors import ApplicationError
from jinguo.metrics import engine, periods, registry
from jinguo.orgunits.models import OrgUnit


class Command(BaseCommand):
    help = "Show declared metrics for a unit and a period, or count every metric again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="figures of a unit's subtree for a period")
        show.add_argument("--unit", required=True, help="org unit code, e.g. 150525")
        show.add_argument("--period", required=True, help="2014, 2014A, 2014H1, 2014Q3, 2014-03…")
        show.add_argument("keys", nargs="*", help="metric keys (all when none)")
        sub.add_parser("rebuild", help="count every metric again from the records")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        if options["action"] == "rebuild":
            started = time.perf_counter()
            engine.rebuild()
            self.stdout.write(f"重新统计完毕 / rebuilt in {time.perf_counter() - started:.1f} s")
            return
        try:
            unit = OrgUnit.objects.get(code=options["unit"])
        except OrgUnit.DoesNotExist:
            raise CommandError(
                f"没有代码为 {options['unit']} 的单位 / no unit {options['unit']}"
            ) from None
        try:
            period = periods.parse(options["period"])
            keys = options["keys"] or list(registry.METRICS)
            found = engine.figures(keys, unit, period)
        except ApplicationError as error:
            raise CommandError(f"{error.render('zh-hans')} / {error.render('en')}") from None
        self.stdout.write(f"{unit.name}（{unit.code}） {period.label}")
        for key, figure in found.items():
            self.stdout.write(f"{key:34} {figure.text:>14} {figure.measure:6} {figure.label}")
