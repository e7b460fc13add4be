"""Export fixtures: people registered through `person_register`, as real writes make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import Person
from jinguo.people.services import ConsentInput, person_register
from jinguo.testing import Tree

AREA = "150525"


def id_number(born: dt.date, sex: str = "F", seq: int = 0) -> str:
    return idnumbers.generate(AREA, born, sex, seq)


def registry_consent() -> ConsentInput:
    return ConsentInput(
        purpose=ConsentPurpose.REGISTRY,
        scope="姓名、身份证号、电话，用于妇联服务",
        given_by=ConsentGiver.SELF,
        giver_name="本人",
        given_on=timezone.localdate(),
    )


@pytest.fixture
def village(tree: Tree) -> OrgUnit:
    """村1-1, the village director's."""
    return tree.village(0, 0)


@pytest.fixture
def neighbour_village(tree: Tree) -> OrgUnit:
    return tree.village(0, 1)


@pytest.fixture
def far_village(tree: Tree) -> OrgUnit:
    return tree.village(1, 0)


def register(name: str, residence: OrgUnit, **fields: Any) -> Person:
    if fields.get("id_number") or fields.get("phone"):
        fields.setdefault("consent", registry_consent())
    if not fields.get("id_number"):
        fields.setdefault("sex", "F")
    return person_register(actor=None, name=name, residence=residence, **fields)
