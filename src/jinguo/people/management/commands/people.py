"""`jinguo people scan-duplicates [--county 150525]`: look for probable duplicates now."""

from __future__ import annotations

import dataclasses
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.people.dedup import duplicates_scan


class Command(BaseCommand):
    help = "Tasks on the people registry: scan-duplicates finds probable duplicate records."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser(
            "scan-duplicates",
            help="score the active people block by block and record the probable duplicates",
        )
        scan.add_argument("--county", default="", help="only this county (6-digit code)")

    def handle(self, *args: Any, **options: Any) -> None:
        county = options["county"].strip()
        if county and not (len(county) == 6 and county.isdigit()):
            raise CommandError("--county takes a 6-digit county code such as 150525")
        result = duplicates_scan(county_code=county or None)
        self.stdout.write(f"duplicates scan of {county or 'every county'}:")
        for field in dataclasses.fields(result):
            self.stdout.write(f"  {field.name:20} {getattr(result, field.name)}")
