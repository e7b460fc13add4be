"""People fixtures: a factory that registers people through `person_register`, as real writes do.

ID numbers are synthetic (`idnumbers.generate`) and passed explicitly, so that each test shows
which numbers it relies on. Consent is recorded automatically whenever an ID number or phone
is given (by the guardian for a child under 14), unless the test passes `consent=` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import Person
from jinguo.people.services import ConsentInput, person_register
from jinguo.testing import Tree

AREA = "150525"  # Naiman Banner today
AUTO: Any = object()  # "record the consent the registration needs"


def id_number(born: dt.date, sex: str = "F", seq: int = 0, *, area: str = AREA) -> str:
    """A valid 18-character number for someone born on `born`; vary `seq` for namesakes."""
    return idnumbers.generate(area, born, sex, seq)


def consent(
    *,
    given_on: dt.date | None = None,
    purpose: str = ConsentPurpose.REGISTRY,
    given_by: str = ConsentGiver.SELF,
    giver_name: str = "本人",
    scope: str = "姓名、身份证号、电话，用于妇联服务",
) -> ConsentInput:
    return ConsentInput(
        purpose=purpose,
        scope=scope,
        given_by=given_by,
        giver_name=giver_name,
        given_on=given_on or timezone.localdate(),
    )


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _auto_consent(id_number: str | None, birth_date: dt.date | None) -> ConsentInput:
    born = idnumbers.parse(id_number).birth_date if id_number else birth_date
    today = timezone.localdate()
    if born is not None and age_on(born, today) < 14:
        return consent(given_by=ConsentGiver.GUARDIAN, giver_name="监护人")
    return consent()


MakePerson = Callable[..., Person]


@pytest.fixture
def village(tree: Tree) -> OrgUnit:
    """村1-1: the village director's village, in the township chair's township."""
    return tree.village(0, 0)


@pytest.fixture
def neighbour_village(tree: Tree) -> OrgUnit:
    """村1-2: same township as `village`, another village."""
    return tree.village(0, 1)


@pytest.fixture
def far_village(tree: Tree) -> OrgUnit:
    """村2-1: in the other township."""
    return tree.village(1, 0)


@pytest.fixture
def make_person(village: OrgUnit) -> MakePerson:
    """`make_person("王芳", id_number=..., phone=..., residence=...)` → a registered Person."""

    def make(
        name: str = "王芳",
        *,
        residence: OrgUnit | None = None,
        sex: str | None = None,
        birth_date: dt.date | None = None,
        id_number: str | None = None,
        phone: str | None = None,
        consent: ConsentInput | None = AUTO,
        actor: Any = None,
        **fields: Any,
    ) -> Person:
        if consent is AUTO:
            consent = _auto_consent(id_number, birth_date) if (id_number or phone) else None
        if sex is None and not id_number:
            sex = "F"
        return person_register(
            actor=actor,
            name=name,
            residence=residence or village,
            sex=sex,
            birth_date=birth_date,
            id_number=id_number,
            phone=phone,
            consent=consent,
            **fields,
        )

    return make


def row_counts() -> dict[str, int]:
    """How many rows each people table (and the audit log) holds: compare before and after."""
    from jinguo.audit.models import AuditEntry
    from jinguo.people.models import CategoryPeriod, Consent, Household, Membership

    return {
        model.__name__: model._default_manager.count()
        for model in (Person, Consent, AuditEntry, Household, Membership, CategoryPeriod)
    }
