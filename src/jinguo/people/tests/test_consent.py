"""Consent (PIPL arts. 14, 15, 31): recorded per purpose, replaced, withdrawn once.

Withdrawing the registry consent erases what it covered: the ID number, the phone, their blind
indexes and the phone's last four digits. The person's record stays, without them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import Consent, Person
from jinguo.people.selectors import PersonFilter, person_list
from jinguo.people.services import consent_record, consent_withdraw, person_update
from jinguo.people.tests.conftest import MakePerson, consent, id_number

pytestmark = pytest.mark.django_db

WANG_FANG_ID = "15052519800308008X"
PHONE = "13912345678"
GIVEN = dt.date(2024, 3, 1)
RENEWED = dt.date(2025, 3, 1)


@pytest.fixture
def wang_fang(make_person: MakePerson) -> Person:
    return make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE, consent=consent(given_on=GIVEN))


def registry_consent(person: Person) -> Consent:
    return person.consents.get(purpose=ConsentPurpose.REGISTRY, withdrawn_on__isnull=True)


# --- recording ------------------------------------------------------------------------------------


def test_consent_is_recorded_and_audited(make_person: MakePerson, county_admin: User) -> None:
    person = make_person("王芳")

    record = consent_record(
        actor=county_admin,
        person=person,
        consent=consent(purpose=ConsentPurpose.HEALTH, given_on=GIVEN, scope=" 两癌筛查结果 "),
    )

    assert (record.purpose, record.scope, record.given_on, record.recorded_by) == (
        ConsentPurpose.HEALTH,
        "两癌筛查结果",
        GIVEN,
        county_admin,
    )
    entry = AuditEntry.objects.get(action="consent.record")
    assert entry.changes == {
        "purpose": [None, "health"],
        "given_by": [None, "self"],
        "given_on": [None, "2024-03-01"],
    }


def test_a_new_consent_replaces_the_active_one_of_the_same_purpose(wang_fang: Person) -> None:
    old = registry_consent(wang_fang)
    publicity = consent_record(
        actor=None, person=wang_fang, consent=consent(purpose=ConsentPurpose.PUBLICITY)
    )

    new = consent_record(actor=None, person=wang_fang, consent=consent(given_on=RENEWED))

    old.refresh_from_db()
    publicity.refresh_from_db()
    assert old.withdrawn_on == RENEWED
    assert registry_consent(wang_fang) == new
    assert publicity.withdrawn_on is None
    # A replaced consent is not a withdrawn one: what it covered stays.
    wang_fang.refresh_from_db()
    assert (wang_fang.id_number, wang_fang.phone) == (WANG_FANG_ID, PHONE)


def test_a_child_under_14_cannot_give_consent_herself(make_person: MakePerson) -> None:
    child = make_person("王小花", birth_date=dt.date(2015, 9, 1))

    with pytest.raises(ApplicationError) as refused:
        consent_record(actor=None, person=child, consent=consent(given_on=dt.date(2025, 1, 1)))

    assert refused.value.code == "guardian_consent_required"
    assert not Consent.objects.exists()


def test_her_guardian_consents_for_her(make_person: MakePerson) -> None:
    child = make_person("王小花", birth_date=dt.date(2015, 9, 1))

    record = consent_record(
        actor=None,
        person=child,
        consent=consent(given_by=ConsentGiver.GUARDIAN, giver_name="王大山"),
    )

    assert (record.given_by, record.giver_name) == (ConsentGiver.GUARDIAN, "王大山")


def test_the_database_holds_one_active_consent_per_purpose(wang_fang: Person) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=wang_fang,
            purpose=ConsentPurpose.REGISTRY,
            scope="重复",
            given_by=ConsentGiver.SELF,
            giver_name="王芳",
            given_on=RENEWED,
        )


def test_recording_consent_needs_edit_rights(
    make_person: MakePerson, neighbour_village: OrgUnit, village_director: User, auditor: User
) -> None:
    stranger = make_person("赵兰", residence=neighbour_village)

    with pytest.raises(Http404):
        consent_record(actor=village_director, person=stranger, consent=consent())
    with pytest.raises(PermissionDenied):
        consent_record(actor=auditor, person=stranger, consent=consent())


# --- withdrawing ----------------------------------------------------------------------------------


def test_withdrawing_the_registry_consent_erases_id_number_and_phone(
    wang_fang: Person, county_admin: User
) -> None:
    consent_withdraw(
        actor=county_admin, consent=registry_consent(wang_fang), on=dt.date(2025, 6, 1)
    )

    wang_fang.refresh_from_db()
    assert (wang_fang.id_number, wang_fang.id_number_index) == (None, None)
    assert (wang_fang.phone, wang_fang.phone_index, wang_fang.phone_tail) == (None, "", "")
    assert wang_fang.version == 2
    # The rest of her record stays.
    assert (wang_fang.name, wang_fang.birth_date, wang_fang.sex) == (
        "王芳",
        dt.date(1980, 3, 8),
        "F",
    )


def test_after_withdrawal_she_is_no_longer_found_by_id_number_or_phone(
    wang_fang: Person, county_admin: User
) -> None:
    consent_withdraw(actor=None, consent=registry_consent(wang_fang))

    for text in (WANG_FANG_ID, PHONE, PHONE[-4:]):
        assert not person_list(county_admin, PersonFilter(search=text)).exists()
    assert person_list(county_admin, PersonFilter(search="wangfang")).get() == wang_fang


def test_withdrawal_is_audited_without_the_values(wang_fang: Person, county_admin: User) -> None:
    record = consent_withdraw(
        actor=county_admin, consent=registry_consent(wang_fang), on=dt.date(2025, 6, 1)
    )

    entry = AuditEntry.objects.get(action="consent.withdraw")
    assert (entry.object_id, entry.actor_id) == (str(record.pk), county_admin.pk)
    assert entry.changes == {
        "withdrawn_on": [None, "2025-06-01"],
        "erased": [None, ["id_number", "phone"]],
    }
    assert WANG_FANG_ID not in str(entry.changes)
    assert PHONE not in str(entry.changes)


def test_withdrawal_is_dated_today_unless_told(wang_fang: Person) -> None:
    record = consent_withdraw(actor=None, consent=registry_consent(wang_fang))

    assert record.withdrawn_on == timezone.localdate()


def test_a_consent_is_withdrawn_once(wang_fang: Person) -> None:
    record = registry_consent(wang_fang)
    consent_withdraw(actor=None, consent=record, on=dt.date(2025, 6, 1))

    for again in (record, Consent.objects.get(pk=record.pk)):
        with pytest.raises(ApplicationError) as refused:
            consent_withdraw(actor=None, consent=again, on=dt.date(2025, 7, 1))
        assert refused.value.code == "already_withdrawn"

    record.refresh_from_db()
    assert record.withdrawn_on == dt.date(2025, 6, 1)
    assert AuditEntry.objects.filter(action="consent.withdraw").count() == 1


def test_withdrawing_another_purpose_keeps_id_number_and_phone(wang_fang: Person) -> None:
    health = consent_record(
        actor=None, person=wang_fang, consent=consent(purpose=ConsentPurpose.HEALTH)
    )

    consent_withdraw(actor=None, consent=health)

    wang_fang.refresh_from_db()
    assert (wang_fang.id_number, wang_fang.phone, wang_fang.phone_tail) == (
        WANG_FANG_ID,
        PHONE,
        "5678",
    )
    assert "erased" not in AuditEntry.objects.get(action="consent.withdraw").changes


def test_a_new_registry_consent_after_withdrawal_lets_her_number_back_in(
    wang_fang: Person, make_person: MakePerson
) -> None:
    consent_withdraw(actor=None, consent=registry_consent(wang_fang), on=dt.date(2025, 6, 1))
    consent_record(actor=None, person=wang_fang, consent=consent(given_on=dt.date(2025, 7, 1)))
    wang_fang.refresh_from_db()

    updated = person_update(
        actor=None, person=wang_fang, version=wang_fang.version, id_number=WANG_FANG_ID
    )

    assert updated.id_number == WANG_FANG_ID
    assert Consent.objects.filter(person=wang_fang).count() == 2
    # Her number is free again for the registry, and taken once more now.
    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", id_number=id_number(dt.date(1980, 3, 8), "F", 4))
    assert refused.value.code == "duplicate_id"


def test_withdrawing_needs_edit_rights(
    wang_fang: Person,
    auditor: User,
    village_director: User,
    make_person: MakePerson,
    neighbour_village: OrgUnit,
) -> None:
    stranger = make_person("赵兰", phone="13600001111", residence=neighbour_village)

    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=auditor, consent=registry_consent(wang_fang))
    with pytest.raises(Http404):
        consent_withdraw(actor=village_director, consent=registry_consent(stranger))

    for person in (wang_fang, stranger):
        person.refresh_from_db()
        assert person.phone is not None
        assert registry_consent(person).withdrawn_on is None


def test_replacing_a_consent_is_audited_and_never_ends_it_before_it_began(
    wang_fang: Person,
) -> None:
    old = registry_consent(wang_fang)
    earlier = old.given_on - dt.timedelta(days=30)

    consent_record(actor=None, person=wang_fang, consent=consent(given_on=earlier))

    old.refresh_from_db()
    assert old.withdrawn_on == old.given_on
    entry = AuditEntry.objects.get(action="consent.replace", object_id=str(old.pk))
    assert entry.changes == {"withdrawn_on": [None, old.given_on.isoformat()]}
