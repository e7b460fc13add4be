"""`jinguo demo`: load the Naiman Banner demo; `jinguo demo --logins`: print its logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.core.errors import ApplicationError
from jinguo.demo import loader
from jinguo.demo.places import COUNTY


class Command(BaseCommand):
    help = (
        "Load the Naiman Banner demo (org tree of 2014, one user per role, the people and the "
        "programmes of the 2014 work summary) through the services, in one transaction; "
        "skipped when it is already there. --logins prints the demo logins only."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--logins", action="store_true", help="only print the demo logins and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write(loader.logins_table())
            return
        try:
            result = loader.load_demo()
        except ApplicationError as error:
            raise CommandError(f"demo data not loaded, nothing was written: {error}") from error
        if result.into_existing_tree:
            self.stdout.write(
                f"{COUNTY.name} ({COUNTY.code}) was loaded before its demo people or programmes "
                f"existed; added {result.people} people in {result.households} households and "
                f"{result.programmes} programmes with {result.enrolments} enrolments and "
                f"{result.benefits} benefits in {result.seconds:.1f} s."
            )
            return
        if not result.loaded:
            self.stdout.write(
                f"{COUNTY.name} ({COUNTY.code}) is already loaded; nothing to do. "
                "Log in with `jinguo demo --logins`."
            )
            return
        self.stdout.write(
            f"Loaded {COUNTY.name} ({COUNTY.code}) in {result.seconds:.1f} s: "
            f"{result.units} units, {result.users} users, {result.people} people in "
            f"{result.households} households, {result.programmes} programmes with "
            f"{result.enrolments} enrolments and {result.benefits} benefits, "
            f"{result.audit_entries} audit entries."
        )
        self.stdout.write(loader.summary_table(result))
        kinds = result.open_by_kind
        villages = kinds.get("gacha", 0) + kinds.get("village", 0)
        self.stdout.write(
            f"  village level: {villages} 嘎查/村 + {kinds.get('community', 0)} 社区; "
            f"Women's Homes 妇女之家: {kinds.get('womens_home', 0)}"
        )
        if result.closed:
            self.stdout.write(
                f"  closed (history): {', '.join(result.closed)}, merged into "
                f"{loader.MERGE_TARGET} on {loader.MERGED_ON}"
            )
        self.stdout.write("")
        self.stdout.write(loader.logins_table())
