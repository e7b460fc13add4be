"""`jinguo report summary --unit 150525 --year 2014 --format docx|html|pdf [--output FILE]
[--snapshot]`: the annual work summary of a unit, written to a file.

It runs as the system: no user's scope applies, the figures are those of the unit's whole
subtree (and say so on the terminal). ``--snapshot`` also stores the summary with its figures
frozen, to compare a later run with. The year may be any period key (``2014A`` for April 2014
to March 2015).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.html import format_html

from jinguo.core.errors import ApplicationError, refuse
from jinguo.orgunits.models import OrgUnit
from jinguo.reports import summary as reports

FORMATS = ("docx", "html", "pdf")


def _both(error: ApplicationError) -> str:
    return f"{error.render('zh-hans')}\n{error.render('en')}"


class Command(BaseCommand):
    help = "Reports: `summary` writes the annual work summary of a unit (docx, html or pdf)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        summary = sub.add_parser("summary", help="the annual work summary (工作总结) of a unit")
        summary.add_argument("--unit", required=True, help="code of the unit, e.g. 150525")
        summary.add_argument("--year", required=True, help="the year (2014) or a period key")
        summary.add_argument("--format", choices=FORMATS, default="docx")
        summary.add_argument(
            "--output", type=Path, default=None, help="default: summary-<unit>-<year>.<format>"
        )
        summary.add_argument(
            "--snapshot", action="store_true", help="also store it, figures frozen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"no unit has the code {options['unit']}")
        fmt: str = options["format"]
        if fmt == "pdf" and not reports.pdf_available():
            raise CommandError(_both(refuse(reports.NO_PDF, "pdf_unavailable")))
        path: Path = options["output"] or Path(f"summary-{unit.code}-{options['year']}.{fmt}")
        self.stderr.write(
            f"Running as the system: no user scope applies; the figures are those of "
            f"{unit.name} ({unit.code}) and every unit below it."
        )
        try:
            built = reports.summary_build(unit, options["year"])
            if fmt == "docx":
                data = reports.summary_docx(built)
            elif fmt == "pdf":
                data = reports.summary_pdf(built)
            else:
                data = _page(built).encode()
            snapshot = (
                reports.snapshot_create(actor=None, unit=unit, year=built.period, summary=built)
                if options["snapshot"]
                else None
            )
        except ApplicationError as error:
            raise CommandError(_both(error)) from None
        path.write_bytes(data)
        self.stdout.write(f"{built.title}: {len(built.figures)} figures, written to {path}")
        if snapshot is not None:
            self.stdout.write(f"snapshot {snapshot.pk} stored")


def _page(built: reports.Summary) -> str:
    """A whole HTML page around the summary, readable offline (links are site-relative)."""
    head = format_html(
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{}</title>'
        "</head><body>",
        built.title,
    )
    return f"{head}\n{reports.summary_html(built)}\n</body></html>\n"
