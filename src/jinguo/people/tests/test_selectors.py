"""Finding people: one search box, filters by category, age and unit, always within the scope.

A search box takes an ID number however it was typed, a phone number or its last four digits,
pinyin or its initials, or the first characters of a name. Whatever is searched, a reader sees
only the people living in her part of the tree, and a merged record is never listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter, person_get, person_list, search_q
from jinguo.people.services import category_add
from jinguo.people.tests.conftest import MakePerson, age_on, id_number
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

WANG_FANG_ID = "15052519800308008X"  # 王芳, born 1980-03-08
ZHAO_LAN_ID = id_number(dt.date(1972, 10, 1), "F", 9)  # 赵兰, far away
LEGACY_ID = "152326750601006"  # 张桂兰's number as issued before 1999
PHONE = "13912345678"


@pytest.fixture
def people(
    make_person: MakePerson,
    village: OrgUnit,
    neighbour_village: OrgUnit,
    far_village: OrgUnit,
) -> dict[str, Person]:
    """Five women: three in 村1-1, one in 村1-2, one in 村2-1; two share a phone tail."""
    return {
        "王芳": make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE),
        "王菲": make_person("王菲", birth_date=dt.date(1990, 1, 1), phone="13500005678"),
        "汪洋": make_person("汪洋", birth_date=dt.date(2001, 7, 1)),
        "张桂兰": make_person("张桂兰", id_number=LEGACY_ID, residence=neighbour_village),
        "赵兰": make_person(
            "赵兰", id_number=ZHAO_LAN_ID, phone="13600005678", residence=far_village
        ),
    }


def names(people: Iterable[Person]) -> set[str]:
    return {person.name for person in people}


def found(actor: User, text: str) -> set[str]:
    return names(person_list(actor, PersonFilter(search=text)))


# --- the search box -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "15052519800308008X",
        "15052519800308008x",
        "１５０５２５１９８００３０８００８Ｘ",
        "１５０５２５１９８００３０８００８ｘ",
        " 150525 19800308 008X ",
        "150525\u300019800308\u3000008x",
    ],
)
def test_search_finds_an_id_number_however_it_is_typed(
    people: dict[str, Person], county_admin: User, typed: str
) -> None:
    assert found(county_admin, typed) == {"王芳"}


def test_search_by_a_15_digit_number_finds_its_18_character_form(
    people: dict[str, Person], county_admin: User
) -> None:
    assert found(county_admin, LEGACY_ID) == {"张桂兰"}
    assert found(county_admin, "15232619750601006x") == {"张桂兰"}


def test_search_by_an_invalid_id_number_finds_nobody(
    people: dict[str, Person], county_admin: User
) -> None:
    assert found(county_admin, "150525198003080081") == set()


def test_search_by_the_last_four_digits_of_the_phone(
    people: dict[str, Person], county_admin: User
) -> None:
    assert found(county_admin, "5678") == {"王芳", "王菲", "赵兰"}
    assert found(county_admin, "５６７８") == {"王芳", "王菲", "赵兰"}


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "１３９１２３４５６７８"])
def test_search_by_the_full_phone(
    people: dict[str, Person], county_admin: User, typed: str
) -> None:
    assert found(county_admin, typed) == {"王芳"}


@pytest.mark.parametrize("typed", ["567", "45678", "123456"])
def test_search_by_other_short_numbers_finds_nobody(
    people: dict[str, Person], county_admin: User, typed: str
) -> None:
    assert found(county_admin, typed) == set()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("wangf", {"王芳", "王菲"}),
        ("wangfa", {"王芳"}),
        ("WangFei", {"王菲"}),
        ("wang", {"王芳", "王菲", "汪洋"}),
        ("wf", {"王芳", "王菲"}),
        ("wy", {"汪洋"}),
        ("zgl", {"张桂兰"}),
        ("fang", set()),  # a prefix, not a substring
    ],
)
def test_search_by_pinyin_prefix_or_initials(
    people: dict[str, Person], county_admin: User, typed: str, expected: set[str]
) -> None:
    assert found(county_admin, typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("王", {"王芳", "王菲"}), ("王芳", {"王芳"}), ("汪", {"汪洋"}), ("兰", set())],
)
def test_search_by_the_first_characters_of_the_name(
    people: dict[str, Person], county_admin: User, typed: str, expected: set[str]
) -> None:
    assert found(county_admin, typed) == expected


def test_an_empty_search_lists_everyone_in_scope(
    people: dict[str, Person], county_admin: User
) -> None:
    assert found(county_admin, "  ") == set(people)
    assert Person.objects.filter(search_q("")).count() == len(people)


def test_list_is_ordered_by_pinyin(people: dict[str, Person], county_admin: User) -> None:
    listed = [p.name for p in person_list(county_admin)]

    assert listed == ["王芳", "王菲", "汪洋", "张桂兰", "赵兰"]


# --- scope ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", {"王芳", "王菲", "汪洋"}),
        (ZHAO_LAN_ID, set()),
        (ZHAO_LAN_ID.lower(), set()),
        (LEGACY_ID, set()),
        ("13600005678", set()),
        ("5678", {"王芳", "王菲"}),
        ("zhao", set()),
        ("zl", set()),
        ("z", set()),
        ("赵", set()),
        ("张桂兰", set()),
    ],
)
def test_village_director_never_finds_people_of_another_village(
    people: dict[str, Person], village_director: User, typed: str, expected: set[str]
) -> None:
    assert found(village_director, typed) == expected


@pytest.mark.parametrize("typed", [ZHAO_LAN_ID, "13600005678", "zhao", "zl", "赵"])
def test_the_county_finds_her_by_the_same_searches(
    people: dict[str, Person], county_admin: User, typed: str
) -> None:
    assert found(county_admin, typed) == {"赵兰"}


def test_village_director_lists_her_village(
    people: dict[str, Person], village_director: User
) -> None:
    assert names(person_list(village_director)) == {"王芳", "王菲", "汪洋"}


def test_township_chair_lists_her_villages(people: dict[str, Person], township_chair: User) -> None:
    assert names(person_list(township_chair)) == {"王芳", "王菲", "汪洋", "张桂兰"}


def test_nobody_without_a_grant_finds_anyone(people: dict[str, Person]) -> None:
    assert names(person_list(None)) == set()


def test_person_get_finds_a_person_in_scope(
    people: dict[str, Person], village_director: User
) -> None:
    assert person_get(village_director, people["王芳"].pk) == people["王芳"]
    assert person_get(village_director, str(people["王芳"].pk)) == people["王芳"]


@pytest.mark.parametrize("which", ["out of scope", "missing", "not a number", "none"])
def test_person_get_answers_404_for_out_of_scope_and_missing_alike(
    people: dict[str, Person], village_director: User, which: str
) -> None:
    person_id = {
        "out of scope": people["赵兰"].pk,
        "missing": max(p.pk for p in people.values()) + 1000,
        "not a number": "abc",
        "none": None,
    }[which]

    with pytest.raises(Http404):
        person_get(village_director, person_id)


# --- merged records -------------------------------------------------------------------------------


def test_merged_people_are_not_listed_nor_found(
    people: dict[str, Person], county_admin: User
) -> None:
    Person.objects.filter(pk=people["王菲"].pk).update(merged_into=people["王芳"])

    assert "王菲" not in names(person_list(county_admin))
    assert found(county_admin, "wangfei") == set()
    assert found(county_admin, "5678") == {"王芳", "赵兰"}
    with pytest.raises(Http404):
        person_get(county_admin, people["王菲"].pk)


# --- filters --------------------------------------------------------------------------------------


def test_filter_by_unit_takes_the_whole_subtree(
    people: dict[str, Person], tree: Tree, county_admin: User, village: OrgUnit
) -> None:
    def within(unit: OrgUnit) -> set[str]:
        return names(person_list(county_admin, PersonFilter(within=unit)))

    assert within(tree.county) == set(people)
    assert within(tree.townships[0]) == {"王芳", "王菲", "汪洋", "张桂兰"}
    assert within(village) == {"王芳", "王菲", "汪洋"}
    assert within(tree.townships[1]) == {"赵兰"}


def test_filter_by_a_unit_outside_the_scope_is_404(
    people: dict[str, Person], village_director: User, far_village: OrgUnit, tree: Tree
) -> None:
    with pytest.raises(Http404):
        person_list(village_director, PersonFilter(within=far_village))
    with pytest.raises(Http404):
        person_list(village_director, PersonFilter(within=tree.townships[0]))


def test_filter_by_unit_and_search_together(
    people: dict[str, Person], county_admin: User, tree: Tree
) -> None:
    chosen = PersonFilter(within=tree.townships[0], search="5678")

    assert names(person_list(county_admin, chosen)) == {"王芳", "王菲"}


def test_filter_by_category_on_a_date(people: dict[str, Person], county_admin: User) -> None:
    category_add(
        actor=None,
        person=people["王菲"],
        category=Category.LOW_INCOME,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 7, 1),
    )

    def on(day: dt.date) -> set[str]:
        chosen = PersonFilter(category=Category.LOW_INCOME, on=day)
        return names(person_list(county_admin, chosen))

    assert on(dt.date(2023, 12, 31)) == set()
    assert on(dt.date(2024, 1, 1)) == {"王菲"}
    assert on(dt.date(2024, 6, 30)) == {"王菲"}
    assert on(dt.date(2024, 7, 1)) == set()


def test_filter_by_sex(make_person: MakePerson, county_admin: User) -> None:
    make_person("王芳", sex="F")
    make_person("王强", sex="M")

    assert names(person_list(county_admin, PersonFilter(sex="M"))) == {"王强"}


def test_filter_by_age_on_a_date(people: dict[str, Person], county_admin: User) -> None:
    # 王芳 was born on 1980-03-08: 39 the day before her 40th birthday, 40 on it.
    def aged(low: int | None, high: int | None, on: dt.date) -> set[str]:
        chosen = PersonFilter(age_min=low, age_max=high, on=on)
        return names(person_list(county_admin, chosen)) & {"王芳"}

    assert aged(40, None, dt.date(2020, 3, 7)) == set()
    assert aged(40, None, dt.date(2020, 3, 8)) == {"王芳"}
    assert aged(None, 39, dt.date(2020, 3, 7)) == {"王芳"}
    assert aged(None, 39, dt.date(2020, 3, 8)) == set()
    assert aged(40, 40, dt.date(2021, 3, 7)) == {"王芳"}
    assert aged(40, 40, dt.date(2021, 3, 8)) == set()


BIRTHS = [
    dt.date(2008, 2, 29),
    dt.date(2008, 2, 28),
    dt.date(2008, 3, 1),
    dt.date(2009, 2, 28),
    dt.date(2009, 3, 1),
    dt.date(2012, 2, 29),
    dt.date(2012, 12, 31),
    dt.date(2013, 1, 1),
]
DAYS = [
    dt.date(2024, 2, 28),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 1),
    dt.date(2025, 12, 31),
]


def test_age_filter_agrees_with_age_on_around_birthdays_and_29_february(
    make_person: MakePerson, county_admin: User
) -> None:
    for index, born in enumerate(BIRTHS):
        make_person(f"孩子{index}", birth_date=born)
    make_person("无生日")  # no birth date: no age, never in an age range

    for day in DAYS:
        for low, high in [(16, None), (None, 15), (11, 12), (16, 16), (0, 100)]:
            expected = {
                f"孩子{i}"
                for i, born in enumerate(BIRTHS)
                if (low is None or age_on(born, day) >= low)
                and (high is None or age_on(born, day) <= high)
            }
            chosen = PersonFilter(age_min=low, age_max=high, on=day)
            assert names(person_list(county_admin, chosen)) == expected, (day, low, high)
