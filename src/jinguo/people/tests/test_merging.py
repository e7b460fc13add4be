"""Reviewing a probable duplicate: merge, undo, mark as different people, reopen.

A merge re-points every row of the merged record to the survivor (found by walking the
relations to Person), ends what a person may hold only once, fills the survivor's empty
fields, and leaves the merged record inactive. An undo puts everything back exactly. Every
action needs the edit permission on both villages and is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, ConsentPurpose, Relation
from jinguo.people.merging import (
    duplicate_mark_distinct,
    duplicate_merge,
    duplicate_reopen,
    merge_undo,
    pair_merge,
    person_references,
)
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    DuplicatePair,
    Household,
    LeftBehindDetail,
    Membership,
    Person,
    PersonMerge,
)
from jinguo.people.services import (
    category_add,
    consent_record,
    household_add_member,
    household_create,
    id_index,
    person_update,
)
from jinguo.people.tests.conftest import MakePerson, consent, id_number
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 7)
PHONE = "13912345678"
SINCE = dt.date(2020, 1, 1)


def make_pair(x: Person, y: Person) -> DuplicatePair:
    low, high = sorted((x, y), key=lambda person: person.pk)
    return DuplicatePair.objects.create(
        person_a=low, person_b=high, score="0.765", reasons=["same_pinyin"]
    )


def reload(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def snapshot() -> dict[str, Any]:
    """Every row of the people tables, as plain values (versions and timestamps left out)."""
    skip = {"version", "updated_at"}
    people = [
        {key: value for key, value in row.items() if key not in skip}
        for row in Person.objects.order_by("pk").values()
    ]
    tables: dict[str, Any] = {"people": people}
    for model in (
        Household,
        Membership,
        CategoryPeriod,
        LeftBehindDetail,
        Consent,
        DuplicatePair,
    ):
        tables[model.__name__] = list(model._default_manager.order_by("pk").values())
    return tables


@pytest.fixture
def records(make_person: MakePerson, tree: Tree) -> dict[str, Any]:
    """王芳 (phone, a household, a low-income period) and 王方, the same woman entered again in
    the same village (her ID number, another household, a disability and an overlapping
    low-income period), each with her own registry consent."""
    survivor = make_person("王芳", birth_date=BORN, phone=PHONE)
    merged = make_person("王方", id_number=id_number(BORN, seq=3), ethnicity="01")
    household_a = household_create(actor=None, head=survivor, on=SINCE)
    household_b = household_create(actor=None, head=merged, on=SINCE)
    category_add(actor=None, person=survivor, category=Category.LOW_INCOME, start=SINCE)
    category_add(
        actor=None,
        person=merged,
        category=Category.LOW_INCOME,
        start=dt.date(2021, 6, 1),
        end=dt.date(2023, 6, 1),
    )
    category_add(
        actor=None,
        person=merged,
        category=Category.DISABLED,
        start=SINCE,
        disability_type="physical",
        disability_grade=3,
    )
    consent_record(actor=None, person=merged, consent=consent(purpose=ConsentPurpose.HEALTH))
    return {
        "survivor": survivor,
        "merged": merged,
        "pair": make_pair(survivor, merged),
        "households": (household_a, household_b),
    }


# --- the generic walk ---------------------------------------------------------------------------


def test_person_references_cover_every_relation_but_the_pairs_and_the_merge_log() -> None:
    references = {f"{model._meta.label_lower}.{field}" for model, field in person_references()}

    assert {
        "people.membership.person",
        "people.categoryperiod.person",
        "people.consent.person",
    } <= references
    assert not any(
        ref.startswith(("people.duplicatepair", "people.personmerge")) for ref in references
    )
    assert "people.person.merged_into" not in references


# --- merge --------------------------------------------------------------------------------------


def test_merge_moves_categories_households_and_consents_to_the_survivor(
    records: dict[str, Any],
) -> None:
    survivor, merged = records["survivor"], records["merged"]
    merged_periods = set(merged.categories.values_list("pk", flat=True))
    merged_consents = set(merged.consents.values_list("pk", flat=True))
    merged_membership = merged.memberships.get()

    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    assert not Membership.objects.filter(person=merged).exists()
    assert not CategoryPeriod.objects.filter(person=merged).exists()
    assert not Consent.objects.filter(person=merged).exists()
    assert merged_periods <= set(survivor.categories.values_list("pk", flat=True))
    assert merged_consents <= set(survivor.consents.values_list("pk", flat=True))
    assert merge.moved["people.categoryperiod.person"] == sorted(merged_periods)
    assert merge.moved["people.consent.person"] == sorted(merged_consents)
    assert merge.moved["people.membership.person"] == [merged_membership.pk]


def test_merge_ends_the_second_current_household_membership(records: dict[str, Any]) -> None:
    survivor, merged = records["survivor"], records["merged"]
    own = survivor.memberships.get()
    other = merged.memberships.get()

    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    other.refresh_from_db()
    assert other.person_id == survivor.pk
    assert other.end == timezone.localdate()
    assert survivor.memberships.get(end__isnull=True) == own
    assert merge.moved["people.membership.end"] == [other.pk]


def test_merge_keeps_the_survivors_consent_and_ends_the_second_one(
    records: dict[str, Any],
) -> None:
    survivor, merged = records["survivor"], records["merged"]
    own = survivor.consents.get(purpose=ConsentPurpose.REGISTRY)
    second = merged.consents.get(purpose=ConsentPurpose.REGISTRY)
    health = merged.consents.get(purpose=ConsentPurpose.HEALTH)

    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    active = survivor.consents.filter(withdrawn_on__isnull=True)
    assert set(active.values_list("pk", flat=True)) == {own.pk, health.pk}
    second.refresh_from_db()
    assert second.withdrawn_on == timezone.localdate()
    assert merge.moved["people.consent.withdrawn_on"] == [second.pk]


def test_merge_keeps_overlapping_category_periods_and_says_so(records: dict[str, Any]) -> None:
    duplicate_merge(actor=None, pair=records["pair"], survivor=records["survivor"])

    survivor = records["survivor"]
    assert survivor.categories.filter(category=Category.LOW_INCOME).count() == 2
    entry = AuditEntry.objects.get(action="person.merge", object_id=str(survivor.pk))
    assert entry.changes["overlapping_categories"] == [None, [Category.LOW_INCOME]]


def test_merge_fills_the_survivors_empty_fields_and_moves_the_id_number(
    records: dict[str, Any],
) -> None:
    survivor, merged = records["survivor"], records["merged"]
    number = merged.id_number

    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    kept, gone = reload(survivor), reload(merged)
    assert kept.id_number == number
    assert kept.id_number_index == id_index(number)
    assert kept.ethnicity == "01"
    assert kept.phone == PHONE  # her own, untouched
    assert (gone.id_number, gone.id_number_index) == (None, None)
    assert merge.moved["people.person.id_number"] == [survivor.pk]
    assert merge.moved["people.person.ethnicity"] == [survivor.pk]
    assert "people.person.phone" not in merge.moved


def test_merge_marks_the_merged_record_and_the_pair_and_bumps_both_versions(
    records: dict[str, Any],
) -> None:
    survivor, merged, pair = records["survivor"], records["merged"], records["pair"]
    reviewer = make_user("reviewer", Role.COUNTY_STAFF, survivor.residence.parent.parent)

    merge = duplicate_merge(actor=reviewer, pair=pair, survivor=survivor)

    kept, gone = reload(survivor), reload(merged)
    assert gone.merged_into_id == survivor.pk
    assert kept.merged_into_id is None
    assert (kept.version, gone.version) == (survivor.version + 1, merged.version + 1)
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    assert pair.reviewed_by == reviewer
    assert (merge.survivor_id, merge.merged_id, merge.merged_by) == (
        survivor.pk,
        merged.pk,
        reviewer,
    )
    assert pair_merge(pair) == merge


def test_a_form_opened_before_the_merge_cannot_overwrite_it(records: dict[str, Any]) -> None:
    survivor = records["survivor"]
    duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    with pytest.raises(ApplicationError) as error:
        person_update(actor=None, person=survivor, version=survivor.version, occupation="刺绣")
    assert error.value.code == "edit_conflict"


def test_the_survivor_must_be_one_of_the_pair(
    records: dict[str, Any], make_person: MakePerson
) -> None:
    stranger = make_person("李娜")

    with pytest.raises(ApplicationError) as error:
        duplicate_merge(actor=None, pair=records["pair"], survivor=stranger)
    assert error.value.code == "not_in_pair"


def test_a_reviewed_pair_cannot_be_merged(records: dict[str, Any]) -> None:
    duplicate_mark_distinct(actor=None, pair=records["pair"])

    with pytest.raises(ApplicationError) as error:
        duplicate_merge(actor=None, pair=records["pair"], survivor=records["survivor"])
    assert error.value.code == "already_reviewed"


def test_a_record_merged_away_cannot_be_merged_again(
    records: dict[str, Any], make_person: MakePerson
) -> None:
    third = make_person("汪芳", birth_date=BORN)
    other_pair = make_pair(records["merged"], third)
    duplicate_merge(actor=None, pair=records["pair"], survivor=records["survivor"])

    with pytest.raises(ApplicationError) as error:
        duplicate_merge(actor=None, pair=other_pair, survivor=third)
    assert error.value.code == "person_merged"


def test_an_id_number_disagreeing_with_the_survivor_is_refused(make_person: MakePerson) -> None:
    survivor = make_person("王芳", birth_date=dt.date(1985, 7, 3))
    holder = make_person("王芳", id_number=id_number(BORN, seq=3))
    before = snapshot()

    with pytest.raises(ApplicationError) as error:
        duplicate_merge(actor=None, pair=make_pair(survivor, holder), survivor=survivor)

    assert error.value.code == "id_conflict"
    after = snapshot()
    after["DuplicatePair"] = before["DuplicatePair"]  # the pair was created in between
    assert after == before


def test_keeping_the_id_holder_takes_the_other_records_phone(make_person: MakePerson) -> None:
    holder = make_person("王芳", id_number=id_number(BORN, seq=3))
    other = make_person("王芳", birth_date=dt.date(1985, 7, 3), phone=PHONE)

    merge = duplicate_merge(actor=None, pair=make_pair(holder, other), survivor=holder)

    kept = reload(holder)
    assert kept.phone == PHONE
    assert kept.birth_date == BORN  # from her ID number, not the mistyped one
    assert merge.moved["people.person.phone"] == [holder.pk]


def test_merge_writes_an_audit_entry_for_each_record(records: dict[str, Any]) -> None:
    survivor, merged = records["survivor"], records["merged"]

    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)

    entries = AuditEntry.objects.filter(action="person.merge").order_by("id")
    assert [e.object_id for e in entries] == [str(survivor.pk), str(merged.pk)]
    assert entries[0].changes["merged"] == [None, merged.pk]
    assert entries[0].changes["moved"][1]["people.categoryperiod.person"] == 2
    assert entries[1].changes["merged_into"] == [None, survivor.pk]
    assert all(e.changes["merge"] == [None, merge.pk] for e in entries)
    # The ID number taken is named, never shown.
    assert "id_number" in entries[0].changes["filled"][1]
    assert merged.id_number not in str(entries[0].changes)


# --- undo ---------------------------------------------------------------------------------------


def test_undo_restores_every_row_exactly(records: dict[str, Any]) -> None:
    survivor, merged = records["survivor"], records["merged"]
    before = snapshot()
    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)
    assert snapshot() != before

    merge_undo(actor=None, merge=merge)

    assert snapshot() == before
    kept, back = reload(survivor), reload(merged)
    assert back.id_number == merged.id_number
    assert (kept.version, back.version) == (survivor.version + 2, merged.version + 2)
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert pair_merge(records["pair"]) is None


def test_undo_keeps_rows_added_to_the_survivor_after_the_merge(
    records: dict[str, Any],
) -> None:
    survivor = records["survivor"]
    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)
    later = category_add(
        actor=None, person=survivor, category=Category.SINGLE_MOTHER, start=dt.date(2024, 1, 1)
    )

    merge_undo(actor=None, merge=merge)

    later.refresh_from_db()
    assert later.person_id == survivor.pk


def test_undo_twice_is_refused(records: dict[str, Any]) -> None:
    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=records["survivor"])
    merge_undo(actor=None, merge=merge)

    with pytest.raises(ApplicationError) as error:
        merge_undo(actor=None, merge=merge)
    assert error.value.code == "already_undone"


def test_undo_waits_for_a_later_merge_of_the_survivor(
    records: dict[str, Any], make_person: MakePerson
) -> None:
    survivor = records["survivor"]
    third = make_person("王芳", birth_date=BORN)
    first = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)
    duplicate_merge(actor=None, pair=make_pair(survivor, third), survivor=third)

    with pytest.raises(ApplicationError) as error:
        merge_undo(actor=None, merge=first)
    assert error.value.code == "survivor_merged"


def test_undo_leaves_a_membership_ended_when_the_household_has_a_new_head(
    records: dict[str, Any], make_person: MakePerson
) -> None:
    survivor, merged = records["survivor"], records["merged"]
    household_b = records["households"][1]
    ended = merged.memberships.get()
    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=survivor)
    newcomer = make_person("赵丽")
    household_add_member(actor=None, household=household_b, person=newcomer, relation=Relation.HEAD)

    merge_undo(actor=None, merge=merge)

    ended.refresh_from_db()
    assert ended.person_id == merged.pk
    assert ended.end is not None
    entry = AuditEntry.objects.filter(action="person.merge_undo").order_by("id").first()
    assert entry is not None
    assert entry.changes["kept_ended"] == [None, ["people.membership.end"]]


def test_merge_undo_then_mark_distinct(records: dict[str, Any]) -> None:
    pair = records["pair"]
    merge = duplicate_merge(actor=None, pair=pair, survivor=records["survivor"])
    merge_undo(actor=None, merge=merge)

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
    duplicate_mark_distinct(actor=None, pair=pair)

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISTINCT


def test_merge_undo_then_merge_again_the_other_way(records: dict[str, Any]) -> None:
    survivor, merged, pair = records["survivor"], records["merged"], records["pair"]
    merge_undo(actor=None, merge=duplicate_merge(actor=None, pair=pair, survivor=survivor))

    again = duplicate_merge(actor=None, pair=pair, survivor=merged)

    assert reload(survivor).merged_into_id == merged.pk
    assert again.survivor_id == merged.pk
    assert PersonMerge.objects.count() == 2
    assert pair_merge(pair) == again


def test_undo_writes_an_audit_entry_for_each_record(records: dict[str, Any]) -> None:
    merge = duplicate_merge(actor=None, pair=records["pair"], survivor=records["survivor"])

    merge_undo(actor=None, merge=merge)

    entries = AuditEntry.objects.filter(action="person.merge_undo").order_by("id")
    assert [e.object_id for e in entries] == [
        str(records["survivor"].pk),
        str(records["merged"].pk),
    ]
    assert entries[0].changes["restored"][1]["people.categoryperiod.person"] == 2


# --- distinct and reopen ------------------------------------------------------------------------


def test_mark_distinct_and_reopen(records: dict[str, Any]) -> None:
    pair = records["pair"]

    distinct = duplicate_mark_distinct(actor=None, pair=pair)
    assert distinct.status == DuplicatePair.Status.DISTINCT
    assert distinct.reviewed_at is not None

    reopened = duplicate_reopen(actor=None, pair=pair)
    assert reopened.status == DuplicatePair.Status.OPEN
    assert reopened.reviewed_at is None

    actions = list(
        AuditEntry.objects.filter(action__startswith="duplicate.")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert actions == [
        ("duplicate.mark_distinct", {"status": ["open", "distinct"]}),
        ("duplicate.reopen", {"status": ["distinct", "open"]}),
    ]


def test_marking_distinct_twice_is_refused(records: dict[str, Any]) -> None:
    duplicate_mark_distinct(actor=None, pair=records["pair"])

    with pytest.raises(ApplicationError) as error:
        duplicate_mark_distinct(actor=None, pair=records["pair"])
    assert error.value.code == "already_reviewed"


def test_reopen_refuses_an_open_pair_and_a_merged_one(records: dict[str, Any]) -> None:
    pair = records["pair"]
    with pytest.raises(ApplicationError) as error:
        duplicate_reopen(actor=None, pair=pair)
    assert error.value.code == "already_open"

    duplicate_merge(actor=None, pair=pair, survivor=records["survivor"])
    with pytest.raises(ApplicationError) as error:
        duplicate_reopen(actor=None, pair=pair)
    assert error.value.code == "merged_pair"


def test_a_pair_removed_meanwhile_is_not_found(records: dict[str, Any]) -> None:
    pair = records["pair"]
    DuplicatePair.objects.filter(pk=pair.pk).delete()

    with pytest.raises(Http404):
        duplicate_mark_distinct(actor=None, pair=pair)


# --- scope --------------------------------------------------------------------------------------


@pytest.fixture
def across(make_person: MakePerson, village: OrgUnit, far_village: OrgUnit) -> DuplicatePair:
    """王芳 in the director's village and 王方 in the other township."""
    here = make_person("王芳", birth_date=BORN, residence=village)
    there = make_person("王方", birth_date=BORN, residence=far_village)
    return make_pair(here, there)


def _actions(pair: DuplicatePair) -> list[Any]:
    return [
        lambda actor: duplicate_merge(actor=actor, pair=pair, survivor=pair.person_a),
        lambda actor: duplicate_mark_distinct(actor=actor, pair=pair),
        lambda actor: duplicate_reopen(actor=actor, pair=pair),
    ]


@pytest.mark.parametrize("action", range(3), ids=["merge", "mark_distinct", "reopen"])
def test_a_director_cannot_review_a_pair_reaching_outside_her_village(
    across: DuplicatePair, village_director, action: int
) -> None:
    with pytest.raises(Http404):
        _actions(across)[action](village_director)


@pytest.mark.parametrize("action", range(3), ids=["merge", "mark_distinct", "reopen"])
def test_an_auditor_sees_the_pair_but_may_not_review_it(
    across: DuplicatePair, auditor, action: int
) -> None:
    with pytest.raises(PermissionDenied):
        _actions(across)[action](auditor)


def test_the_county_administrator_may_merge_across_townships(
    across: DuplicatePair, county_admin
) -> None:
    merge = duplicate_merge(actor=county_admin, pair=across, survivor=across.person_a)

    assert merge.merged_by == county_admin
    entries = AuditEntry.objects.filter(action="person.merge")
    assert {e.actor_id for e in entries} == {county_admin.pk}


def test_undo_needs_edit_on_both_villages(
    across: DuplicatePair, county_admin, village_director
) -> None:
    merge = duplicate_merge(actor=county_admin, pair=across, survivor=across.person_a)

    with pytest.raises(Http404):
        merge_undo(actor=village_director, merge=merge)
    merge_undo(actor=county_admin, merge=merge)
    assert reload(across.person_b).merged_into_id is None
