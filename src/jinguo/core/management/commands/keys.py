"""`jinguo keys`: generate keys, show the key ring, re-encrypt and reindex (docs/operations.md)."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.core import crypto


def next_key_id(existing: tuple[str, ...]) -> str:
    """``k<n>`` one above the highest ``k<n>`` already in the ring."""
    numbers = [int(m.group(1)) for kid in existing if (m := re.fullmatch(r"k(\d+)", kid))]
    return f"k{max(numbers, default=0) + 1}"


class Command(BaseCommand):
    help = "Manage the field-encryption keys: generate, status, rotate, reindex."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="print a new key line kid:base64")
        generate.add_argument("--kid", help="key id (default: the next k<n> after the ring's)")
        generate.add_argument(
            "--bare", action="store_true", help="print only the base64 key (JINGUO_INDEX_KEY)"
        )
        sub.add_parser("status", help="key ids, fingerprints and values per key id")
        for name, text in [
            ("rotate", "re-encrypt every value not under the current key"),
            ("reindex", "recompute every blind index with the current index key"),
        ]:
            action = sub.add_parser(name, help=text)
            action.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.generate(options["kid"], bare=options["bare"])
        elif action == "status":
            self.status()
        elif action == "rotate":
            self.rotate(options["batch_size"])
        else:
            self.reindex(options["batch_size"])

    def generate(self, kid: str | None, *, bare: bool) -> None:
        key = crypto.generate_key()
        if bare:
            self.stdout.write(key)
            return
        if kid is None:
            try:
                kid = next_key_id(crypto.key_ring().key_ids)
            except crypto.KeyConfigurationError:
                kid = crypto.DEFAULT_KEY_ID
        if not crypto.KEY_ID_RE.fullmatch(kid):
            raise CommandError("a key id is 1-32 letters, digits, '-' or '_'")
        self.stdout.write(f"{kid}:{key}")
        self.stderr.write(
            "Put this entry FIRST in JINGUO_DATA_KEY, keep the old entries after it, restart "
            "every server, then run `jinguo keys rotate` (docs/operations.md, Keys)."
        )

    def status(self) -> None:
        ring = crypto.key_ring()
        self.stdout.write(f"key ring ({crypto.DATA_ENV}):")
        for kid in ring.key_ids:
            role = "current" if kid == ring.current else "decrypt only"
            self.stdout.write(f"  {kid:<12} {role:<13} fingerprint {ring.fingerprints[kid]}")
        self.stdout.write(
            f"blind-index key: from {ring.index_source}, fingerprint {ring.index_fingerprint}"
        )
        fields = crypto.encrypted_fields()
        if not fields:
            self.stdout.write("no encrypted fields registered")
        for model, field_name in fields:
            counts = crypto.key_counts(model, field_name)
            per_key = " ".join(f"{kid}={n}" for kid, n in counts.by_key.items())
            self.stdout.write(
                f"{model._meta.label_lower}.{field_name}: {per_key} empty={counts.empty} "
                f"other={counts.other} needing rotation={counts.needing_rotation(ring.current)}"
            )
        for index in crypto.blind_indexes():
            self.stdout.write(f"{index.label}: blind index of {index.source_field}")

    def rotate(self, batch_size: int) -> None:
        current = crypto.current_key_id()
        reports = [
            crypto.rotate_field(model, field_name, batch_size=batch_size)
            for model, field_name in crypto.encrypted_fields()
        ]
        self.report(reports, f"re-encrypted under {current}", "no encrypted fields registered")

    def reindex(self, batch_size: int) -> None:
        reports = [
            crypto.reindex_blind_index(index, batch_size=batch_size)
            for index in crypto.blind_indexes()
        ]
        self.report(reports, "blind indexes rewritten", "no blind indexes registered")

    def report(self, reports: list[crypto.BatchReport], done: str, nothing: str) -> None:
        if not reports:
            self.stdout.write(nothing)
        for report in reports:
            self.stdout.write(f"{report.label}: {report.changed} {done}")
        unreadable = [report for report in reports if report.unreadable_count]
        if unreadable:
            details = "; ".join(
                f"{r.label}: {r.unreadable_count} (pk {', '.join(r.unreadable)})"
                for r in unreadable
            )
            raise CommandError(
                "some values could not be decrypted and were left as they are: "
                f"{details}. Is a key missing from {crypto.DATA_ENV}?"
            )
