"""`jinguo import FILE --type people --unit 150525 --user admin [--dry-run] [--valid-only]`.

Without `--dry-run` the file is imported in one pass: the commit checks every row."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports.management.progress import progress_bar
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_check, import_commit, import_upload
from jinguo.orgunits.models import OrgUnit


class Command(BaseCommand):
    help = "Check and import a spreadsheet (xlsx, xls, ods, csv) into a registry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--type", required=True, choices=[t.key for t in registry.all_types()])
        parser.add_argument("--unit", required=True, help="code of the unit the rows belong to")
        parser.add_argument("--user", required=True, help="username the import is done as")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="import the valid rows; the others go to the error workbook",
        )
        parser.add_argument("--errors", type=Path, help="where to write the error workbook")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if user is None or unit is None:
            raise CommandError("没有这个用户或单位 / unknown --user or --unit")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path} / no file {path}")
        try:
            batch = import_upload(
                actor=user,
                kind=options["type"],
                unit=unit,
                file_name=path.name,
                data=path.read_bytes(),
            )
            if options["dry_run"]:
                batch = import_check(actor=user, batch=batch, on_progress=progress_bar("check "))
                self._report("checked", batch.check_counts, batch)
            else:
                # One pass: the commit checks every row as the dry run would, and keeps what
                # it found when it refuses the file.
                mode = (
                    ImportBatch.Mode.VALID_ONLY
                    if options["valid_only"]
                    else ImportBatch.Mode.ALL_OR_NOTHING
                )
                try:
                    batch = import_commit(
                        actor=user, batch=batch, mode=mode, on_progress=progress_bar("import")
                    )
                except ApplicationError:
                    if batch.check_counts:  # refused for its errors: what the commit found
                        self._report("refused", batch.check_counts, batch)
                        self._write_errors(batch, options["errors"])
                    raise
                self._report("imported", batch.commit_counts, batch)
        except ApplicationError as error:
            raise CommandError(f"{error.render('zh-hans')} / {error.render('en')}") from None
        self._write_errors(batch, options["errors"])

    def _write_errors(self, batch: ImportBatch, target: Path | None) -> None:
        if target is None or not batch.error_file_path:
            return
        from django.core.files.storage import default_storage

        with default_storage.open(batch.error_file_path, "rb") as source:
            target.write_bytes(source.read())
        self.stdout.write(f"error workbook written to {target}")

    def _report(self, what: str, counts: dict[str, int], batch: ImportBatch) -> None:
        self.stdout.write(
            f"{what}: {counts.get('rows', 0)} rows — {counts.get('new', 0)} new, "
            f"{counts.get('updated', 0)} updated, {counts.get('unchanged', 0)} unchanged, "
            f"{counts.get('errors', 0)} with errors (batch {batch.pk})"
        )
        for error in batch.first_errors[:10]:
            self.stdout.write(f"  row {error['row']} {error['column']}: {error['message']}")
