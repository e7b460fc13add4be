"""Categories held for a period: from `start` (included) until `end` (excluded, open if empty).

A left-behind child is one under 16 whose parents are both away (or one away and the other
unable to care): her period ends by itself on her 16th birthday. Categories about children
and health are sensitive and need consent. "Who was in category X on day D in unit U" is a
single query, and the boundary days count the way the periods say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Guardianship,
    ParentsSituation,
)
from jinguo.people.models import CategoryPeriod, LeftBehindDetail, Person
from jinguo.people.selectors import in_category_on
from jinguo.people.services import (
    _sixteenth_birthday,
    category_add,
    category_end,
    consent_record,
)
from jinguo.people.tests.conftest import MakePerson, consent, id_number, row_counts
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

BOTH_AWAY = {"parents": ParentsSituation.BOTH_AWAY, "guardianship": Guardianship.GRANDPARENTS}
JAN = dt.date(2024, 1, 1)
JUL = dt.date(2024, 7, 1)


def add(person: Person, category: str, start: dt.date, **kwargs: Any) -> CategoryPeriod:
    return category_add(actor=None, person=person, category=category, start=start, **kwargs)


@pytest.fixture
def child(make_person: MakePerson) -> Callable[..., Person]:
    """A child registered with her ID number (and so with her guardian's registry consent)."""

    def make(name: str, born: dt.date, seq: int = 0, **kwargs: Any) -> Person:
        return make_person(name, id_number=id_number(born, "F", seq), **kwargs)

    return make


# --- periods --------------------------------------------------------------------------------------


def test_a_period_holds_from_its_start_until_the_day_before_its_end(
    make_person: MakePerson,
) -> None:
    period = add(make_person("王芳"), Category.LOW_INCOME, JAN, end=JUL)

    assert not period.holds_on(dt.date(2023, 12, 31))
    assert period.holds_on(JAN)
    assert period.holds_on(dt.date(2024, 6, 30))
    assert not period.holds_on(JUL)


def test_an_open_period_holds_from_its_start_on(make_person: MakePerson) -> None:
    period = add(make_person("王芳"), Category.SINGLE_MOTHER, JAN)

    assert period.end is None
    assert period.holds_on(dt.date(2099, 1, 1))


@pytest.mark.parametrize("end", [JAN, dt.date(2023, 12, 31)], ids=["same day", "before"])
def test_the_end_must_come_after_the_start(make_person: MakePerson, end: dt.date) -> None:
    person = make_person("王芳")
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        add(person, Category.LOW_INCOME, JAN, end=end)

    assert (refused.value.code, refused.value.field) == ("invalid_dates", "end")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(dt.date(2024, 6, 30), None, id="starts on the last day"),
        pytest.param(dt.date(2023, 6, 1), dt.date(2024, 1, 2), id="ends on the second day"),
        pytest.param(dt.date(2023, 6, 1), None, id="open, from before"),
        pytest.param(dt.date(2024, 3, 1), dt.date(2024, 4, 1), id="inside"),
        pytest.param(dt.date(2023, 1, 1), dt.date(2025, 1, 1), id="around"),
    ],
)
def test_overlapping_periods_of_one_category_are_refused(
    make_person: MakePerson, start: dt.date, end: dt.date | None
) -> None:
    person = make_person("王芳")
    add(person, Category.LOW_INCOME, JAN, end=JUL)

    with pytest.raises(ApplicationError) as refused:
        add(person, Category.LOW_INCOME, start, end=end)

    assert (refused.value.code, refused.value.field) == ("overlap", "start")
    assert person.categories.count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(JUL, None, id="from the end day on"),
        pytest.param(dt.date(2023, 1, 1), JAN, id="until the start day"),
    ],
)
def test_adjacent_periods_of_one_category_are_accepted(
    make_person: MakePerson, start: dt.date, end: dt.date | None
) -> None:
    person = make_person("王芳")
    add(person, Category.LOW_INCOME, JAN, end=JUL)

    add(person, Category.LOW_INCOME, start, end=end)

    assert person.categories.count() == 2


def test_an_open_period_overlaps_any_later_one(make_person: MakePerson) -> None:
    person = make_person("王芳")
    add(person, Category.LOW_INCOME, JAN)

    with pytest.raises(ApplicationError) as refused:
        add(person, Category.LOW_INCOME, dt.date(2030, 1, 1), end=dt.date(2031, 1, 1))

    assert refused.value.code == "overlap"


def test_periods_of_different_categories_may_overlap(make_person: MakePerson) -> None:
    person = make_person("王芳")
    add(person, Category.LOW_INCOME, JAN, end=JUL)

    add(person, Category.SINGLE_MOTHER, JAN, end=JUL)

    assert person.categories.count() == 2


def test_adding_a_period_is_audited(make_person: MakePerson, county_admin: User) -> None:
    person = make_person("王芳")

    category_add(
        actor=county_admin, person=person, category=Category.LOW_INCOME, start=JAN, end=JUL
    )

    entry = AuditEntry.objects.get(action="category.add")
    assert entry.actor_id == county_admin.pk
    assert entry.changes["category"] == [None, Category.LOW_INCOME]
    assert entry.changes["start"] == [None, "2024-01-01"]
    assert entry.changes["end"] == [None, "2024-07-01"]


def test_an_auditor_cannot_add_a_period(make_person: MakePerson, auditor: User) -> None:
    with pytest.raises(PermissionDenied):
        category_add(
            actor=auditor, person=make_person("王芳"), category=Category.LOW_INCOME, start=JAN
        )


def test_a_village_director_cannot_add_a_period_in_another_village(
    make_person: MakePerson, neighbour_village: OrgUnit, village_director: User
) -> None:
    stranger = make_person("赵兰", residence=neighbour_village)

    with pytest.raises(Http404):
        category_add(
            actor=village_director, person=stranger, category=Category.LOW_INCOME, start=JAN
        )


# --- ending a period ------------------------------------------------------------------------------


def test_ending_an_open_period(make_person: MakePerson) -> None:
    period = add(make_person("王芳"), Category.LOW_INCOME, JAN)

    category_end(actor=None, period=period, end=JUL)

    period.refresh_from_db()
    assert period.end == JUL
    assert AuditEntry.objects.get(action="category.end").changes["end"] == [None, "2024-07-01"]


def test_a_period_cannot_end_on_or_before_its_start(make_person: MakePerson) -> None:
    period = add(make_person("王芳"), Category.LOW_INCOME, JAN)

    with pytest.raises(ApplicationError) as refused:
        category_end(actor=None, period=period, end=JAN)

    assert refused.value.code == "invalid_dates"


def test_a_period_that_already_ended_cannot_be_extended(make_person: MakePerson) -> None:
    period = add(make_person("王芳"), Category.LOW_INCOME, JAN, end=JUL)

    with pytest.raises(ApplicationError) as refused:
        category_end(actor=None, period=period, end=dt.date(2024, 9, 1))

    assert refused.value.code == "already_ended"


# --- left-behind children -------------------------------------------------------------------------


def test_a_left_behind_period_ends_on_the_16th_birthday(child: Callable[..., Person]) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    period = add(xiaohua, Category.LEFT_BEHIND_CHILD, JAN, left_behind=BOTH_AWAY)

    assert period.end == dt.date(2028, 5, 10)
    assert period.holds_on(dt.date(2028, 5, 9))
    assert not period.holds_on(dt.date(2028, 5, 10))


def test_a_left_behind_period_is_cut_at_the_16th_birthday(child: Callable[..., Person]) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    period = add(
        xiaohua, Category.LEFT_BEHIND_CHILD, JAN, end=dt.date(2030, 1, 1), left_behind=BOTH_AWAY
    )

    assert period.end == dt.date(2028, 5, 10)


def test_a_left_behind_period_may_end_before_the_16th_birthday(
    child: Callable[..., Person],
) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    period = add(xiaohua, Category.LEFT_BEHIND_CHILD, JAN, end=JUL, left_behind=BOTH_AWAY)

    assert period.end == JUL


def test_born_on_29_february_she_stops_counting_on_her_16th_birthday(
    child: Callable[..., Person], tree: Tree, county_admin: User
) -> None:
    leap = child("王闰", dt.date(2008, 2, 29))

    period = add(leap, Category.LEFT_BEHIND_CHILD, JAN, left_behind=BOTH_AWAY)

    assert period.end == dt.date(2024, 2, 29)

    def held(day: dt.date) -> bool:
        return leap in in_category_on(county_admin, Category.LEFT_BEHIND_CHILD, day, tree.county)

    assert held(dt.date(2024, 2, 28))
    assert not held(dt.date(2024, 2, 29))


@pytest.mark.parametrize(
    ("born", "sixteenth"),
    [
        (dt.date(2008, 2, 29), dt.date(2024, 2, 29)),
        (dt.date(2084, 2, 29), dt.date(2100, 3, 1)),  # 2100 is not a leap year
        (dt.date(2009, 12, 31), dt.date(2025, 12, 31)),
    ],
)
def test_the_16th_birthday(born: dt.date, sixteenth: dt.date) -> None:
    assert _sixteenth_birthday(born) == sixteenth


@pytest.mark.parametrize(
    "start",
    [dt.date(2028, 5, 10), dt.date(2029, 1, 1)],
    ids=["on the 16th birthday", "after it"],
)
def test_a_child_of_16_is_not_left_behind(child: Callable[..., Person], start: dt.date) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        add(xiaohua, Category.LEFT_BEHIND_CHILD, start, left_behind=BOTH_AWAY)

    assert (refused.value.code, refused.value.field) == ("too_old", "start")
    assert row_counts() == before


def test_the_day_before_her_16th_birthday_she_still_counts(
    child: Callable[..., Person],
) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    period = add(xiaohua, Category.LEFT_BEHIND_CHILD, dt.date(2028, 5, 9), left_behind=BOTH_AWAY)

    assert (period.start, period.end) == (dt.date(2028, 5, 9), dt.date(2028, 5, 10))


def test_a_left_behind_child_needs_a_birth_date(make_person: MakePerson) -> None:
    nobody_knows = make_person("王小花")
    add_consent = consent(purpose=ConsentPurpose.CHILD_CARE, given_by=ConsentGiver.GUARDIAN)
    consent_record(actor=None, person=nobody_knows, consent=add_consent)

    with pytest.raises(ApplicationError) as refused:
        add(nobody_knows, Category.LEFT_BEHIND_CHILD, JAN, left_behind=BOTH_AWAY)

    assert refused.value.code == "birth_date_required"


@pytest.mark.parametrize("details", [None, {}, {"parents": ""}])
def test_a_left_behind_child_needs_the_parents_situation(
    child: Callable[..., Person], details: dict[str, str] | None
) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    with pytest.raises(ApplicationError) as refused:
        add(xiaohua, Category.LEFT_BEHIND_CHILD, JAN, left_behind=details)

    assert (refused.value.code, refused.value.field) == ("details_required", "parents")
    assert not CategoryPeriod.objects.exists()


def test_the_left_behind_details_are_kept_with_the_parents_phones_encrypted(
    child: Callable[..., Person],
) -> None:
    xiaohua = child("王小花", dt.date(2012, 5, 10))

    period = add(
        xiaohua,
        Category.LEFT_BEHIND_CHILD,
        JAN,
        left_behind={
            "parents": ParentsSituation.ONE_AWAY_OTHER_UNABLE,
            "father_workplace": "广东东莞",
            "father_phone": "13700001111",
            "guardian_name": "王奶奶",
            "guardianship": Guardianship.GRANDPARENTS,
        },
    )

    details = LeftBehindDetail.objects.get(period=period)
    assert details.parents == ParentsSituation.ONE_AWAY_OTHER_UNABLE
    assert details.father_phone == "13700001111"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT father_phone FROM {LeftBehindDetail._meta.db_table} WHERE id = %s",
            [details.pk],
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:")
    assert "13700001111" not in stored


# --- consent for sensitive categories -------------------------------------------------------------


@pytest.mark.parametrize(
    "category", [Category.LEFT_BEHIND_CHILD, Category.ORPHAN, Category.DISABLED]
)
def test_a_sensitive_category_needs_consent(make_person: MakePerson, category: str) -> None:
    xiaohua = make_person("王小花", birth_date=dt.date(2012, 5, 10))

    with pytest.raises(ApplicationError) as refused:
        add(
            xiaohua,
            category,
            JAN,
            left_behind=BOTH_AWAY,
            disability_type=DisabilityType.HEARING,
            disability_grade=2,
        )

    assert (refused.value.code, refused.value.field) == ("consent_required", "consent")


@pytest.mark.parametrize(
    "purpose", [ConsentPurpose.CHILD_CARE, ConsentPurpose.REGISTRY], ids=["child care", "registry"]
)
def test_child_care_or_registry_consent_allows_a_left_behind_period(
    make_person: MakePerson, purpose: str
) -> None:
    xiaohua = make_person("王小花", birth_date=dt.date(2012, 5, 10))
    consent_record(
        actor=None,
        person=xiaohua,
        consent=consent(purpose=purpose, given_by=ConsentGiver.GUARDIAN, giver_name="王奶奶"),
    )

    period = add(xiaohua, Category.LEFT_BEHIND_CHILD, JAN, left_behind=BOTH_AWAY)

    assert period.category == Category.LEFT_BEHIND_CHILD


def test_publicity_consent_does_not_allow_a_sensitive_category(make_person: MakePerson) -> None:
    xiaohua = make_person("王小花", birth_date=dt.date(2012, 5, 10))
    consent_record(
        actor=None,
        person=xiaohua,
        consent=consent(purpose=ConsentPurpose.PUBLICITY, given_by=ConsentGiver.GUARDIAN),
    )

    with pytest.raises(ApplicationError) as refused:
        add(xiaohua, Category.ORPHAN, JAN)

    assert refused.value.code == "consent_required"


def test_an_ordinary_category_needs_no_consent(make_person: MakePerson) -> None:
    person = make_person("王芳")

    assert add(person, Category.LOW_INCOME, JAN).category == Category.LOW_INCOME


# --- disability and centenarians ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "grade"),
    [("", 2), (DisabilityType.PHYSICAL, None), (DisabilityType.PHYSICAL, 0), ("physical", 5)],
)
def test_a_disability_needs_its_type_and_a_grade_from_1_to_4(
    child: Callable[..., Person], kind: str, grade: int | None
) -> None:
    person = child("王芳", dt.date(1980, 3, 8))

    with pytest.raises(ApplicationError) as refused:
        add(person, Category.DISABLED, JAN, disability_type=kind, disability_grade=grade)

    assert (refused.value.code, refused.value.field) == ("details_required", "disability_grade")


def test_a_disability_with_type_and_grade_is_recorded(child: Callable[..., Person]) -> None:
    person = child("王芳", dt.date(1980, 3, 8))

    period = add(
        person,
        Category.DISABLED,
        JAN,
        disability_type=DisabilityType.PHYSICAL,
        disability_grade=4,
    )

    assert (period.disability_type, period.disability_grade) == (DisabilityType.PHYSICAL, 4)


def test_a_centenarian_is_100_on_the_first_day(make_person: MakePerson) -> None:
    grandma = make_person("王老太", birth_date=dt.date(1924, 6, 1))

    with pytest.raises(ApplicationError) as refused:
        add(grandma, Category.CENTENARIAN, dt.date(2024, 5, 31))
    assert (refused.value.code, refused.value.field) == ("too_young", "start")

    assert add(grandma, Category.CENTENARIAN, dt.date(2024, 6, 1)).start == dt.date(2024, 6, 1)


def test_a_centenarian_needs_a_birth_date(make_person: MakePerson) -> None:
    with pytest.raises(ApplicationError) as refused:
        add(make_person("王老太"), Category.CENTENARIAN, JAN)

    assert refused.value.code == "too_young"


# --- who was in a category on a day, in a unit ----------------------------------------------------


@pytest.fixture
def dibao(
    make_person: MakePerson, neighbour_village: OrgUnit, far_village: OrgUnit
) -> dict[str, Person]:
    """Low-income (低保) periods around 1 January and 1 July 2024, in three villages."""
    people = {
        "甲": make_person("甲"),  # 2024-01-01 → 2024-07-01
        "乙": make_person("乙"),  # 2024-07-01 → open
        "丙": make_person("丙"),  # 2023-01-01 → 2024-01-01
        "丁": make_person("丁", residence=neighbour_village),  # 2024-01-01 → open
        "戊": make_person("戊", residence=far_village),  # 2024-01-01 → open
        "己": make_person("己"),  # single mother, not low income
        "庚": make_person("庚"),  # 2024-01-01 → open, but merged into 甲
    }
    add(people["甲"], Category.LOW_INCOME, JAN, end=JUL)
    add(people["乙"], Category.LOW_INCOME, JUL)
    add(people["丙"], Category.LOW_INCOME, dt.date(2023, 1, 1), end=JAN)
    add(people["丁"], Category.LOW_INCOME, JAN)
    add(people["戊"], Category.LOW_INCOME, JAN)
    add(people["己"], Category.SINGLE_MOTHER, dt.date(2020, 1, 1))
    add(people["庚"], Category.LOW_INCOME, JAN)
    Person.objects.filter(pk=people["庚"].pk).update(merged_into=people["甲"])
    return people


@pytest.mark.parametrize(
    ("day", "in_county", "in_village"),
    [
        (dt.date(2022, 12, 31), set(), set()),
        (dt.date(2023, 1, 1), {"丙"}, {"丙"}),
        (dt.date(2023, 12, 31), {"丙"}, {"丙"}),
        (JAN, {"甲", "丁", "戊"}, {"甲"}),
        (dt.date(2024, 6, 30), {"甲", "丁", "戊"}, {"甲"}),
        (JUL, {"乙", "丁", "戊"}, {"乙"}),
        (dt.date(2030, 1, 1), {"乙", "丁", "戊"}, {"乙"}),
    ],
)
def test_who_was_low_income_on_a_day(
    dibao: dict[str, Person],
    tree: Tree,
    village: OrgUnit,
    county_admin: User,
    day: dt.date,
    in_county: set[str],
    in_village: set[str],
) -> None:
    def held(unit: OrgUnit) -> set[str]:
        return {p.name for p in in_category_on(county_admin, Category.LOW_INCOME, day, unit)}

    assert held(tree.county) == in_county
    assert held(village) == in_village
    assert held(tree.townships[0]) == in_county - {"戊"}


def test_who_was_in_a_category_is_one_query(
    dibao: dict[str, Person],
    tree: Tree,
    county_admin: User,
    django_assert_num_queries: Any,
) -> None:
    held = in_category_on(county_admin, Category.LOW_INCOME, dt.date(2024, 3, 1), tree.county)

    with django_assert_num_queries(1):
        listed = [(p.name, p.residence.name) for p in held]

    assert {name for name, _unit in listed} == {"甲", "丁", "戊"}


def test_who_was_in_a_category_stays_within_the_scope(
    dibao: dict[str, Person],
    tree: Tree,
    village: OrgUnit,
    village_director: User,
) -> None:
    held = in_category_on(village_director, Category.LOW_INCOME, JAN, village)

    assert {p.name for p in held} == {"甲"}
    with pytest.raises(Http404):
        in_category_on(village_director, Category.LOW_INCOME, JAN, tree.county)
