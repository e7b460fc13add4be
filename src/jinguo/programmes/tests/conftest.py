"""Programme fixtures: a banner with people in its villages, and the users of each level.

Everything is written through the services, as real writes are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.orgunits.models import OrgUnit
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures shared with the people tests
    MakePerson,
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes import finance, services
from jinguo.programmes.choices import FundSource, ProgrammeKind, WorkArea
from jinguo.programmes.models import Fund, Programme
from jinguo.testing import Tree, make_user

START = dt.date(2014, 1, 1)
MakeProgramme = Callable[..., Programme]


@pytest.fixture
def county_staff(tree: Tree) -> User:
    return make_user("county-staff", Role.COUNTY_STAFF, tree.county)


@pytest.fixture
def make_programme(tree: Tree, county_admin: User) -> MakeProgramme:
    def make(name: str = "单亲母亲救助", **fields: Any) -> Programme:
        values: dict[str, Any] = {
            "owner": tree.county,
            "work_area": WorkArea.LIVELIHOOD,
            "kind": ProgrammeKind.CASH_AID,
            "start": START,
            "end": dt.date(2014, 12, 31),
        }
        values.update(fields)
        return services.programme_create(actor=county_admin, name=name, **values)

    return make


@pytest.fixture
def fund(tree: Tree, county_admin: User) -> Fund:
    """20,000 yuan from the regional federation, received on 1 January 2014."""
    organisation = services.organisation_get_or_create(
        actor=county_admin, name="自治区妇联", kind="federation"
    )
    fund = finance.fund_create(
        actor=county_admin,
        owner=tree.county,
        name="救助金",
        source=FundSource.ALLOCATION,
        opened_on=START,
        source_organisation=organisation,
    )
    finance.fund_receive(
        actor=county_admin, fund=fund, on=START, amount=Decimal(20000), description="下拨"
    )
    return fund


@pytest.fixture
def woman(make_person: MakePerson, village: OrgUnit) -> Any:  # noqa: F811
    return make_person("王芳", residence=village, birth_date=dt.date(1980, 5, 1), sex="F")
