"""Builders for tests and benchmarks: a small banner with townships and villages, and users.

Everything goes through the services, so what tests see is what real writes produce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.accounts.services import user_create
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create

PASSWORD = "Jinguo-test-2014"  # noqa: S105 - test accounts only
OPENED = dt.date(2000, 1, 1)


@dataclass
class Tree:
    county: OrgUnit
    townships: list[OrgUnit] = field(default_factory=list)
    villages: dict[str, list[OrgUnit]] = field(default_factory=dict)

    def village(self, township: int = 0, index: int = 0) -> OrgUnit:
        return self.villages[self.townships[township].code][index]


def build_tree(
    *, county_code: str = "150525", townships: int = 2, villages_per_township: int = 2
) -> Tree:
    county = orgunit_create(
        actor=None,
        parent=None,
        name=f"旗{county_code}",
        kind=Kind.BANNER,
        code=county_code,
        opened_on=OPENED,
    )
    tree = Tree(county=county)
    for t in range(townships):
        township = orgunit_create(
            actor=None,
            parent=county,
            name=f"镇{t + 1}",
            kind=Kind.TOWN,
            code=f"{county_code}{100 + t}",
            opened_on=OPENED,
        )
        tree.townships.append(township)
        tree.villages[township.code] = [
            orgunit_create(
                actor=None,
                parent=township,
                name=f"村{t + 1}-{v + 1}",
                kind=Kind.VILLAGE,
                code=f"{township.code}{201 + v}",
                opened_on=OPENED,
            )
            for v in range(villages_per_township)
        ]
    return tree


def make_user(
    username: str,
    role: str | None = None,
    unit: OrgUnit | None = None,
    *,
    must_change_password: bool = False,
) -> User:
    grants = [(role, unit)] if role is not None and unit is not None else []
    return user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        display_name=username,
        grants=grants,
        must_change_password=must_change_password,
    )


__all__ = ["OPENED", "PASSWORD", "Role", "Tree", "build_tree", "make_user"]
