"""Households (户): one head at a time, one current household per person, history kept.

A person who joins another household leaves her old one on that day; the old membership stays
as history. The database holds the two rules too (partial unique constraints), so that no path
around the services can break them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Relation
from jinguo.people.models import Household, Membership, Person
from jinguo.people.selectors import household_get, household_members
from jinguo.people.services import household_add_member, household_create, membership_end
from jinguo.people.tests.conftest import MakePerson, row_counts
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

FOUNDED = dt.date(2020, 1, 1)
MOVED = dt.date(2024, 5, 1)


@pytest.fixture
def wang_family(make_person: MakePerson) -> Household:
    """王大山's household in 村1-1: he is its head since 2020."""
    return household_create(
        actor=None, head=make_person("王大山", sex="M"), address=" 一组12号 ", on=FOUNDED
    )


def current(person: Person) -> Membership | None:
    return Membership.objects.filter(person=person, end__isnull=True).first()


def test_a_household_is_created_with_its_head(wang_family: Household, village: OrgUnit) -> None:
    head = wang_family.memberships.get()

    assert wang_family.code == f"{village.code}0001"
    assert (wang_family.residence, wang_family.county_code) == (village, "150525")
    assert wang_family.address == "一组12号"
    assert (head.person.name, head.relation, head.start, head.end) == (
        "王大山",
        Relation.HEAD,
        FOUNDED,
        None,
    )
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "household.create",
        "household.join",
    }


def test_households_of_a_village_are_numbered_in_turn(
    wang_family: Household, make_person: MakePerson, village: OrgUnit
) -> None:
    second = household_create(actor=None, head=make_person("李四", sex="M"), on=FOUNDED)

    assert second.code == f"{village.code}0002"


def test_a_member_is_added_with_her_relation(
    wang_family: Household, make_person: MakePerson
) -> None:
    wife = make_person("李秀英")

    membership = household_add_member(
        actor=None, household=wang_family, person=wife, relation=Relation.SPOUSE, on=FOUNDED
    )

    assert (membership.relation, membership.start, membership.end) == (
        Relation.SPOUSE,
        FOUNDED,
        None,
    )
    assert [m.person.name for m in household_members(wang_family)] == ["王大山", "李秀英"]


def test_joining_another_household_ends_the_old_membership_and_keeps_it(
    wang_family: Household, make_person: MakePerson
) -> None:
    daughter = make_person("王小红", birth_date=dt.date(1998, 4, 1))
    old = household_add_member(
        actor=None, household=wang_family, person=daughter, relation=Relation.CHILD, on=FOUNDED
    )
    husband = make_person("张伟", sex="M")
    new_home = household_create(actor=None, head=husband, on=FOUNDED)

    joined = household_add_member(
        actor=None, household=new_home, person=daughter, relation=Relation.SPOUSE, on=MOVED
    )

    old.refresh_from_db()
    assert old.end == MOVED
    assert current(daughter) == joined
    assert joined.start == MOVED
    assert [m.person.name for m in household_members(wang_family)] == ["王大山"]
    history = household_members(wang_family, include_past=True)
    assert [(m.person.name, m.end) for m in history] == [("王大山", None), ("王小红", MOVED)]
    assert AuditEntry.objects.filter(action="household.leave").count() == 1


def test_a_household_has_one_head(wang_family: Household, make_person: MakePerson) -> None:
    with pytest.raises(ApplicationError) as refused:
        household_add_member(
            actor=None,
            household=wang_family,
            person=make_person("王二山", sex="M"),
            relation=Relation.HEAD,
            on=MOVED,
        )

    assert (refused.value.code, refused.value.field) == ("head_exists", "relation")
    assert "王大山" in refused.value.render("zh-hans")


def test_a_refused_head_stays_in_her_old_household(
    wang_family: Household, make_person: MakePerson
) -> None:
    other_head = make_person("李四", sex="M")
    other = household_create(actor=None, head=other_head, on=FOUNDED)
    before = row_counts()

    with pytest.raises(ApplicationError):
        household_add_member(
            actor=None, household=wang_family, person=other_head, relation=Relation.HEAD, on=MOVED
        )

    assert row_counts() == before
    still = current(other_head)
    assert still is not None
    assert still.household == other


def test_a_new_head_once_the_old_one_left(wang_family: Household, make_person: MakePerson) -> None:
    membership_end(actor=None, membership=wang_family.memberships.get(), on=MOVED)
    son = make_person("王二山", sex="M")

    head = household_add_member(
        actor=None, household=wang_family, person=son, relation=Relation.HEAD, on=MOVED
    )

    assert head.relation == Relation.HEAD
    assert wang_family.memberships.filter(relation=Relation.HEAD).count() == 2


def test_adding_a_current_member_again_is_refused(wang_family: Household) -> None:
    head = wang_family.memberships.get().person

    with pytest.raises(ApplicationError) as refused:
        household_add_member(
            actor=None, household=wang_family, person=head, relation=Relation.OTHER, on=MOVED
        )

    assert refused.value.code == "already_member"


def test_a_membership_ends_once(wang_family: Household, make_person: MakePerson) -> None:
    member = household_add_member(
        actor=None,
        household=wang_family,
        person=make_person("王奶奶"),
        relation=Relation.PARENT,
        on=FOUNDED,
    )

    membership_end(actor=None, membership=member, on=MOVED)
    member.refresh_from_db()
    assert member.end == MOVED

    with pytest.raises(ApplicationError) as refused:
        membership_end(actor=None, membership=member, on=dt.date(2025, 1, 1))
    assert refused.value.code == "already_ended"
    member.refresh_from_db()
    assert member.end == MOVED


# --- who may change a household -------------------------------------------------------------------


def test_village_director_keeps_the_households_of_her_village(
    make_person: MakePerson, village_director: User
) -> None:
    home = household_create(actor=village_director, head=make_person("王大山", sex="M"))

    assert household_get(village_director, home.pk) == home


def test_village_director_cannot_create_a_household_in_another_village(
    make_person: MakePerson, neighbour_village: OrgUnit, village_director: User
) -> None:
    stranger = make_person("赵四", sex="M", residence=neighbour_village)

    with pytest.raises(Http404):
        household_create(actor=village_director, head=stranger)

    assert not Household.objects.exists()


def test_village_director_cannot_take_in_a_person_of_another_village(
    wang_family: Household,
    make_person: MakePerson,
    neighbour_village: OrgUnit,
    village_director: User,
) -> None:
    stranger = make_person("赵兰", residence=neighbour_village)

    with pytest.raises(Http404):
        household_add_member(
            actor=village_director,
            household=wang_family,
            person=stranger,
            relation=Relation.SPOUSE,
        )


def test_an_auditor_cannot_change_a_household(wang_family: Household, auditor: User) -> None:
    with pytest.raises(PermissionDenied):
        membership_end(actor=auditor, membership=wang_family.memberships.get())


def test_a_household_outside_the_scope_is_not_found(
    make_person: MakePerson, far_village: OrgUnit, village_director: User, tree: Tree
) -> None:
    far = household_create(
        actor=None, head=make_person("赵四", sex="M", residence=far_village), on=FOUNDED
    )

    with pytest.raises(Http404):
        household_get(village_director, far.pk)
    with pytest.raises(Http404):
        household_get(village_director, far.pk + 1000)


# --- the database's own rules ---------------------------------------------------------------------


def test_the_database_refuses_a_second_current_household(
    wang_family: Household, make_person: MakePerson
) -> None:
    other = household_create(actor=None, head=make_person("李四", sex="M"), on=FOUNDED)
    head = wang_family.memberships.get().person

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=other, person=head, relation=Relation.OTHER, start=MOVED
        )


def test_the_database_refuses_a_second_current_head(
    wang_family: Household, make_person: MakePerson
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=wang_family,
            person=make_person("王二山", sex="M"),
            relation=Relation.HEAD,
            start=MOVED,
        )


def test_past_memberships_do_not_count_against_the_constraints(
    wang_family: Household, make_person: MakePerson
) -> None:
    person = make_person("王二山", sex="M")
    for year in (2001, 2005):
        Membership.objects.create(
            household=wang_family,
            person=person,
            relation=Relation.HEAD,
            start=dt.date(year, 1, 1),
            end=dt.date(year + 1, 1, 1),
        )

    assert Membership.objects.filter(person=person).count() == 2


def test_a_membership_cannot_end_before_it_began(
    wang_family: Household, make_person: MakePerson
) -> None:
    daughter = make_person("王小红", birth_date=dt.date(1998, 4, 1))
    membership = household_add_member(
        actor=None, household=wang_family, person=daughter, relation=Relation.CHILD, on=MOVED
    )

    with pytest.raises(ApplicationError) as refused:
        membership_end(actor=None, membership=membership, on=MOVED - dt.timedelta(days=1))

    assert refused.value.code == "invalid_dates"
    membership.refresh_from_db()
    assert membership.end is None
