from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from jinguo.audit.models import AuditEntry
from jinguo.audit.services import audit_verify, canonical_content


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or export entries for archiving."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the chain; name the first broken link")
        export = sub.add_parser("export", help="write entries up to a date as JSON lines")
        export.add_argument("--until", required=True, help="last day to include (YYYY-MM-DD)")
        export.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit_verify()
            if result.broken is not None:
                raise CommandError(
                    f"audit chain broken at entry {result.broken.entry_id}: "
                    f"{result.broken.reason} (after {result.checked} good entries)"
                )
            self.stdout.write(f"audit chain intact: {result.checked} entries")
            return
        until = parse_date(options["until"])
        if until is None:
            raise CommandError("--until must be a date such as 2025-06-30")
        count = 0
        with open(options["file"], "w", encoding="utf-8") as out:
            for entry in (
                AuditEntry.objects.filter(at__date__lte=until)
                .order_by("id")
                .iterator(chunk_size=5000)
            ):
                record = {
                    "id": entry.id,
                    "prev_hash": entry.prev_hash,
                    "hash": entry.hash,
                    "content": json.loads(canonical_content(entry)),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        self.stdout.write(f"exported {count} entries to {options['file']}")
