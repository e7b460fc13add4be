"""`jinguo export FILE --type people --unit 150525 --user admin [--format csv] [--reveal]`."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.exports.services import check_format, export_people
from jinguo.imports.management.progress import progress_bar
from jinguo.orgunits.models import OrgUnit
from jinguo.people.selectors import PersonFilter


class Command(BaseCommand):
    help = "Export a registry list the user may see, masked unless --reveal (audited)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--type", required=True, choices=["people"])
        parser.add_argument("--unit", required=True, help="code of the unit to export")
        parser.add_argument("--user", required=True, help="username the export is done as")
        parser.add_argument(
            "--format", choices=["xlsx", "csv"], default=None, help="default: from the file name"
        )
        parser.add_argument(
            "--reveal",
            action="store_true",
            help="full ID numbers and phones (needs the reveal permission)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if user is None or unit is None:
            raise CommandError("unknown --user or --unit")
        path: Path = options["file"]
        try:
            fmt = check_format(options["format"] or path.suffix.lower().lstrip(".") or "xlsx")
            with path.open("wb") as out:
                result = export_people(
                    actor=user,
                    filters=PersonFilter(within=unit),
                    fmt=fmt,
                    reveal=options["reveal"],
                    out=out,
                    on_progress=progress_bar("export"),
                )
        except ApplicationError as error:
            path.unlink(missing_ok=True)
            raise CommandError(error.render("en")) from None
        except (Http404, PermissionDenied):
            path.unlink(missing_ok=True)
            raise CommandError("the user may not export this unit (or reveal its values)") from None
        self.stdout.write(f"exported {result.rows} rows to {path}")
