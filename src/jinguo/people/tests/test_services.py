"""Registering, correcting and revealing a person: one record, checked before anything is written.

Registration reads birth date and sex out of the ID number, places the person in a village
the clerk may edit, needs consent for her ID number and phone, and never registers one ID
number twice. Corrections carry the version they started from. Revealing a full ID number or
phone is for the county administrator only, with a reason, and is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.orgunits.services import orgunit_close
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import Consent, Person
from jinguo.people.services import (
    consent_record,
    consent_withdraw,
    id_index,
    person_register,
    person_reveal,
    person_update,
)
from jinguo.people.tests.conftest import MakePerson, consent, id_number, row_counts
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 3, 8)
# generate("150525", 1980-03-08, "F", 4): a woman's number whose check character is X.
WANG_FANG_ID = "15052519800308008X"
# A number issued before 1999 (area code of Naiman Banner under Jirem League) and its upgrade.
LEGACY_ID = "152326750601006"
LEGACY_UPGRADED = "15232619750601006X"
PHONE = "13912345678"


def audit_text(action: str | None = None) -> str:
    """Every audit entry (or those of one action), as the JSON the log keeps."""
    entries = AuditEntry.objects.order_by("id")
    if action is not None:
        entries = entries.filter(action=action)
    return json.dumps(
        [[e.action, e.object_repr, e.changes] for e in entries], ensure_ascii=False, default=str
    )


# --- person_register: the ID number ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("15052519800308008x", id="lower-case x"),
        pytest.param("１５０５２５１９８００３０８００８Ｘ", id="full-width"),
        pytest.param("150525 19800308 008X", id="spaces"),
        pytest.param(
            "\u3000１５０５２５１９８００３０８００８ｘ ", id="full-width, ideographic space"
        ),
    ],
)
def test_register_normalises_the_id_number_however_it_was_typed(
    make_person: MakePerson, typed: str
) -> None:
    person = make_person("王芳", id_number=typed)

    person.refresh_from_db()
    assert person.id_number == WANG_FANG_ID
    assert person.id_number_index == id_index(WANG_FANG_ID)


def test_register_reads_birth_date_and_sex_from_the_id_number(make_person: MakePerson) -> None:
    woman = make_person("王芳", id_number=WANG_FANG_ID)
    man = make_person("李强", id_number=id_number(dt.date(1978, 11, 2), "M"))

    assert (woman.birth_date, woman.sex) == (BORN, "F")
    assert (man.birth_date, man.sex) == (dt.date(1978, 11, 2), "M")


def test_register_upgrades_a_15_digit_number(make_person: MakePerson) -> None:
    person = make_person("张桂兰", id_number=LEGACY_ID)

    person.refresh_from_db()
    assert person.id_number == LEGACY_UPGRADED
    assert person.id_number_index == id_index(LEGACY_UPGRADED)
    assert (person.birth_date, person.sex) == (dt.date(1975, 6, 1), "F")


def test_register_accepts_a_typed_birth_date_and_sex_that_agree_with_the_id_number(
    make_person: MakePerson,
) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID, birth_date=BORN, sex="F")

    assert (person.birth_date, person.sex) == (BORN, "F")


@pytest.mark.parametrize(
    ("typed", "code", "field"),
    [
        pytest.param({"birth_date": dt.date(1980, 8, 3)}, "id_birth_date_conflict", "birth_date"),
        pytest.param({"sex": "M"}, "id_sex_conflict", "sex"),
    ],
)
def test_register_refuses_a_birth_date_or_sex_that_disagrees_with_the_id_number(
    make_person: MakePerson, typed: dict[str, object], code: str, field: str
) -> None:
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", id_number=WANG_FANG_ID, **typed)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert row_counts() == before


def test_register_refuses_an_invalid_id_number_on_its_field(make_person: MakePerson) -> None:
    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", id_number="150525198003080081")

    assert (refused.value.code, refused.value.field) == ("id_invalid_checksum", "id_number")
    assert Person.objects.count() == 0


def test_an_infant_without_an_id_number_is_registered_with_her_sex(
    make_person: MakePerson,
) -> None:
    baby = make_person("王小雨", sex="F", birth_date=dt.date(2024, 5, 1))

    baby.refresh_from_db()
    assert baby.id_number is None
    assert baby.id_number_index is None
    assert (baby.sex, baby.birth_date) == ("F", dt.date(2024, 5, 1))
    assert not baby.consents.exists()


@pytest.mark.parametrize("sex", [None, ""])
def test_without_an_id_number_the_sex_is_required(village: OrgUnit, sex: str | None) -> None:
    with pytest.raises(ApplicationError) as refused:
        person_register(actor=None, name="王小雨", residence=village, sex=sex)

    assert (refused.value.code, refused.value.field) == ("sex_required", "sex")
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "code", "field"),
    [
        pytest.param({"name": "  "}, "name_required", "name", id="no name"),
        pytest.param({"name": "王" * 51}, "name_too_long", "name", id="long name"),
        pytest.param({"ethnicity": "99"}, "unknown_ethnicity", "ethnicity", id="ethnicity"),
        pytest.param(
            {"birth_date": dt.date(2999, 1, 1)}, "birth_in_future", "birth_date", id="future"
        ),
        pytest.param({"phone": "139123456789012"}, "invalid_phone", "phone", id="phone"),
    ],
)
def test_register_refuses_bad_input_on_its_field(
    village: OrgUnit, typed: dict[str, object], code: str, field: str
) -> None:
    entered: dict[str, Any] = {"name": "王芳", "sex": "F", **typed}

    with pytest.raises(ApplicationError) as refused:
        person_register(actor=None, residence=village, consent=consent(), **entered)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert Person.objects.count() == 0


def test_an_invalid_phone_is_refused_without_repeating_it(village: OrgUnit) -> None:
    with pytest.raises(ApplicationError) as refused:
        person_register(
            actor=None,
            name="王芳",
            residence=village,
            sex="F",
            phone="139 1234 5678 012",
            consent=consent(),
        )

    assert refused.value.params == {"phone": "**********8012"}
    assert "13912345678" not in refused.value.render("zh-hans")


def test_register_computes_pinyin_and_county(make_person: MakePerson, village: OrgUnit) -> None:
    person = make_person("王芳")

    assert (person.name_pinyin, person.name_initials) == ("wangfang", "wf")
    assert person.county_code == village.county_code == "150525"
    assert person.version == 1


# --- person_register: where she lives and who registers her ---------------------------------------


def test_register_refuses_a_township_as_residence(
    make_person: MakePerson, tree: Tree, county_admin: User
) -> None:
    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", residence=tree.townships[0], actor=county_admin)

    assert (refused.value.code, refused.value.field) == ("not_a_village", "residence")
    assert Person.objects.count() == 0


def test_register_refuses_a_closed_village(make_person: MakePerson, village: OrgUnit) -> None:
    orgunit_close(actor=None, unit=village, on=dt.date(2020, 1, 1))

    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", residence=village)

    assert refused.value.code == "residence_closed"


def test_village_director_registers_in_her_village(
    make_person: MakePerson, village: OrgUnit, village_director: User
) -> None:
    person = make_person("王芳", residence=village, actor=village_director)

    assert person.residence == village
    assert person.created_by == village_director


def test_village_director_cannot_register_in_another_village(
    make_person: MakePerson, neighbour_village: OrgUnit, village_director: User
) -> None:
    before = row_counts()

    with pytest.raises(Http404):
        make_person("王芳", residence=neighbour_village, actor=village_director)

    assert row_counts() == before


def test_township_chair_registers_in_each_of_her_villages(
    make_person: MakePerson, tree: Tree, township_chair: User
) -> None:
    for index, unit in enumerate(tree.villages[tree.townships[0].code]):
        person = make_person(f"王芳{index}", residence=unit, actor=township_chair)
        assert person.residence == unit


def test_township_chair_cannot_register_in_another_township(
    make_person: MakePerson, far_village: OrgUnit, township_chair: User
) -> None:
    with pytest.raises(Http404):
        make_person("王芳", residence=far_village, actor=township_chair)


def test_auditor_cannot_register(make_person: MakePerson, village: OrgUnit, auditor: User) -> None:
    with pytest.raises(PermissionDenied):
        make_person("王芳", residence=village, actor=auditor)

    assert Person.objects.count() == 0


# --- person_register: consent ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sensitive",
    [{"id_number": WANG_FANG_ID}, {"phone": PHONE}],
    ids=["id number", "phone"],
)
def test_register_needs_consent_for_an_id_number_or_phone(
    make_person: MakePerson, sensitive: dict[str, str]
) -> None:
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", consent=None, **sensitive)

    assert (refused.value.code, refused.value.field) == ("consent_required", "consent")
    assert row_counts() == before


def test_register_records_the_consent_given_with_the_id_number(make_person: MakePerson) -> None:
    given = consent(given_on=dt.date(2025, 3, 1), giver_name=" 王芳 ")

    person = make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE, consent=given)

    record = Consent.objects.get(person=person)
    assert (record.purpose, record.given_by, record.giver_name, record.given_on) == (
        ConsentPurpose.REGISTRY,
        ConsentGiver.SELF,
        "王芳",
        dt.date(2025, 3, 1),
    )
    assert record.withdrawn_on is None


def test_register_refuses_a_consent_for_another_purpose_as_consent_to_the_registry(
    make_person: MakePerson,
) -> None:
    # Consent to publicity is not consent to keep her ID number; withdrawing the registry
    # consent is what erases it, so it must be the registry consent that lets it in.
    with pytest.raises(ApplicationError) as refused:
        make_person(
            "王芳", id_number=WANG_FANG_ID, consent=consent(purpose=ConsentPurpose.PUBLICITY)
        )

    assert refused.value.code == "consent_required"
    assert Person.objects.count() == 0


def test_a_child_under_14_cannot_consent_for_herself(make_person: MakePerson) -> None:
    child_id = id_number(dt.date(2015, 9, 1), "F", 7)
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        make_person("王小花", id_number=child_id, consent=consent(given_on=dt.date(2025, 9, 1)))

    assert (refused.value.code, refused.value.field) == ("guardian_consent_required", "consent")
    assert "王小花" in refused.value.render("zh-hans")
    assert row_counts() == before


def test_a_guardian_consents_for_a_child_under_14(make_person: MakePerson) -> None:
    child = make_person(
        "王小花",
        id_number=id_number(dt.date(2015, 9, 1), "F", 7),
        consent=consent(
            given_on=dt.date(2025, 9, 1), given_by=ConsentGiver.GUARDIAN, giver_name="王大山"
        ),
    )

    assert child.consents.get().given_by == ConsentGiver.GUARDIAN


def test_a_child_who_is_14_on_the_day_consents_herself(make_person: MakePerson) -> None:
    person = make_person(
        "王小花",
        id_number=id_number(dt.date(2011, 9, 1), "F", 7),
        consent=consent(given_on=dt.date(2025, 9, 1)),
    )

    assert person.consents.get().given_by == ConsentGiver.SELF


# --- person_register: one ID number, one person ---------------------------------------------------


def test_register_refuses_an_id_number_already_registered_and_names_her(
    make_person: MakePerson, village: OrgUnit, village_director: User
) -> None:
    make_person("王芳", id_number=WANG_FANG_ID)
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        make_person("王 芳", id_number="15052519800308008x", actor=village_director)

    assert (refused.value.code, refused.value.field) == ("duplicate_id", "id_number")
    message = refused.value.render("zh-hans")
    assert "王芳" in message
    assert village.name in message
    assert row_counts() == before


def test_duplicate_of_someone_outside_the_scope_does_not_say_who_she_is(
    make_person: MakePerson, far_village: OrgUnit, village_director: User
) -> None:
    make_person("赵秘密", id_number=WANG_FANG_ID, residence=far_village)
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        make_person("王芳", id_number=WANG_FANG_ID, actor=village_director)

    assert (refused.value.code, refused.value.field) == ("duplicate_id", "id_number")
    shown = json.dumps(refused.value.as_dict(), ensure_ascii=False) + str(refused.value)
    assert "赵秘密" not in shown
    assert far_village.name not in shown
    assert refused.value.params == {}
    assert row_counts() == before


def test_a_15_digit_number_is_a_duplicate_of_its_18_character_form(
    make_person: MakePerson,
) -> None:
    make_person("张桂兰", id_number=LEGACY_UPGRADED)

    with pytest.raises(ApplicationError) as refused:
        make_person("张桂兰", id_number=LEGACY_ID)

    assert refused.value.code == "duplicate_id"


# --- person_register: the audit log ---------------------------------------------------------------


def test_register_audits_with_id_number_and_phone_redacted(
    make_person: MakePerson, county_admin: User
) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE, actor=county_admin)

    entry = AuditEntry.objects.get(action="person.register")
    assert (entry.object_id, entry.actor_id) == (str(person.pk), county_admin.pk)
    assert entry.changes["id_number"] == [None, "***"]
    assert entry.changes["phone"] == [None, "***"]
    assert entry.changes["name"] == [None, "王芳"]
    assert AuditEntry.objects.filter(action="consent.record").count() == 1
    logged = audit_text()
    assert person.id_number_index is not None
    for secret in (WANG_FANG_ID, WANG_FANG_ID[:17], PHONE, person.id_number_index):
        assert secret not in logged


# --- person_update --------------------------------------------------------------------------------


def test_update_increments_the_version(make_person: MakePerson) -> None:
    person = make_person("王芳")

    once = person_update(actor=None, person=person, version=1, occupation="种植户")
    twice = person_update(actor=None, person=once, version=2, notes="  养殖合作社  ")

    assert (once.version, twice.version) == (2, 3)
    twice.refresh_from_db()
    assert (twice.occupation, twice.notes, twice.version) == ("种植户", "养殖合作社", 3)


def test_update_from_a_stale_version_is_refused_and_changes_nothing(
    make_person: MakePerson,
) -> None:
    person = make_person("王芳")
    person_update(actor=None, person=person, version=1, occupation="种植户")
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=None, person=person, version=1, name="李娜", occupation="教师")

    assert refused.value.code == "edit_conflict"
    assert refused.value.params == {"current": 2, "yours": 1}
    person.refresh_from_db()
    assert (person.name, person.occupation, person.version) == ("王芳", "种植户", 2)
    assert row_counts() == before


def test_rename_recomputes_the_pinyin(make_person: MakePerson) -> None:
    person = make_person("王芳")

    renamed = person_update(actor=None, person=person, version=1, name="吕娜")

    assert (renamed.name, renamed.name_pinyin, renamed.name_initials) == ("吕娜", "lvna", "ln")


def test_update_audits_what_changed(make_person: MakePerson) -> None:
    person = make_person("王芳")

    person_update(actor=None, person=person, version=1, name="李娜")

    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes["name"] == ["王芳", "李娜"]
    assert "occupation" not in entry.changes


def test_township_chair_moves_a_person_between_her_villages(
    make_person: MakePerson, neighbour_village: OrgUnit, township_chair: User
) -> None:
    person = make_person("王芳")

    moved = person_update(
        actor=township_chair, person=person, version=1, residence=neighbour_village
    )

    assert moved.residence == neighbour_village


def test_moving_needs_edit_on_the_new_village(
    make_person: MakePerson,
    village: OrgUnit,
    neighbour_village: OrgUnit,
    far_village: OrgUnit,
    village_director: User,
    township_chair: User,
) -> None:
    person = make_person("王芳")

    with pytest.raises(Http404):
        person_update(actor=village_director, person=person, version=1, residence=neighbour_village)
    with pytest.raises(Http404):
        person_update(actor=township_chair, person=person, version=1, residence=far_village)

    person.refresh_from_db()
    assert (person.residence, person.version) == (village, 1)
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_moving_needs_edit_on_the_old_village(
    make_person: MakePerson, village: OrgUnit, neighbour_village: OrgUnit, village_director: User
) -> None:
    stranger = make_person("赵兰", residence=neighbour_village)

    with pytest.raises(Http404):
        person_update(actor=village_director, person=stranger, version=1, residence=village)

    stranger.refresh_from_db()
    assert stranger.residence == neighbour_village


def test_an_auditor_cannot_update(make_person: MakePerson, auditor: User) -> None:
    person = make_person("王芳")

    with pytest.raises(PermissionDenied):
        person_update(actor=auditor, person=person, version=1, name="李娜")


def test_moving_to_a_township_is_refused(
    make_person: MakePerson, tree: Tree, county_admin: User
) -> None:
    person = make_person("王芳")

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=county_admin, person=person, version=1, residence=tree.townships[1])

    assert refused.value.code == "not_a_village"


def test_a_new_id_number_sets_birth_date_and_sex_from_it(make_person: MakePerson) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID)
    corrected = id_number(dt.date(1981, 3, 8), "F", 2)

    updated = person_update(actor=None, person=person, version=1, id_number=corrected)

    updated.refresh_from_db()
    assert updated.id_number == corrected
    assert updated.id_number_index == id_index(corrected)
    assert updated.birth_date == dt.date(1981, 3, 8)
    assert AuditEntry.objects.get(action="person.update").changes["id_number"] == ["***", "***"]


def test_changing_the_id_number_to_one_already_registered_is_refused(
    make_person: MakePerson,
) -> None:
    make_person("王芳", id_number=WANG_FANG_ID)
    other = make_person("李娜", id_number=id_number(dt.date(1985, 1, 1)))

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=None, person=other, version=1, id_number=WANG_FANG_ID.lower())

    assert refused.value.code == "duplicate_id"
    other.refresh_from_db()
    assert other.birth_date == dt.date(1985, 1, 1)


def test_keeping_her_own_id_number_is_not_a_duplicate(make_person: MakePerson) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID)

    updated = person_update(
        actor=None, person=person, version=1, name="王芳芳", id_number=WANG_FANG_ID
    )

    assert updated.id_number == WANG_FANG_ID


def test_removing_the_id_number_keeps_sex_and_birth_date(make_person: MakePerson) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID)

    updated = person_update(actor=None, person=person, version=1, id_number="")

    updated.refresh_from_db()
    assert (updated.id_number, updated.id_number_index) == (None, None)
    assert (updated.sex, updated.birth_date) == ("F", BORN)


def test_a_new_phone_needs_the_registry_consent(make_person: MakePerson) -> None:
    person = make_person("王芳")

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=None, person=person, version=1, phone=PHONE)

    assert (refused.value.code, refused.value.field) == ("consent_required", "consent")
    person.refresh_from_db()
    assert (person.phone, person.phone_tail, person.version) == (None, "", 1)


def test_a_new_phone_with_the_registry_consent_is_stored(make_person: MakePerson) -> None:
    person = make_person("王芳")
    consent_record(actor=None, person=person, consent=consent())

    updated = person_update(actor=None, person=person, version=1, phone="139 1234 5678")

    updated.refresh_from_db()
    assert (updated.phone, updated.phone_tail) == (PHONE, "5678")


def test_a_new_phone_after_the_consent_was_withdrawn_is_refused(make_person: MakePerson) -> None:
    person = make_person("王芳", phone="13800000000")
    consent_withdraw(actor=None, consent=person.consents.get(), on=dt.date(2025, 1, 1))
    person.refresh_from_db()

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=None, person=person, version=person.version, phone=PHONE)

    assert refused.value.code == "consent_required"


def test_a_new_id_number_needs_registry_consent_not_another_purpose(
    make_person: MakePerson,
) -> None:
    person = make_person("王芳")
    consent_record(actor=None, person=person, consent=consent(purpose=ConsentPurpose.PUBLICITY))

    with pytest.raises(ApplicationError) as refused:
        person_update(actor=None, person=person, version=1, id_number=WANG_FANG_ID)

    assert refused.value.code == "consent_required"


def test_update_refuses_an_unknown_field(make_person: MakePerson) -> None:
    person = make_person("王芳")

    with pytest.raises(TypeError):
        person_update(actor=None, person=person, version=1, nickname="芳芳")

    person.refresh_from_db()
    assert person.version == 1


# --- person_reveal --------------------------------------------------------------------------------


@pytest.fixture
def wang_fang(make_person: MakePerson) -> Person:
    return make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE)


@pytest.mark.parametrize(("field", "plaintext"), [("id_number", WANG_FANG_ID), ("phone", PHONE)])
def test_county_admin_reveals_with_a_reason_and_it_is_audited(
    wang_fang: Person, county_admin: User, field: str, plaintext: str
) -> None:
    revealed = person_reveal(
        actor=county_admin, person=wang_fang, field=field, reason=" 核对低保申请 "
    )

    assert revealed == plaintext
    entry = AuditEntry.objects.get(action="person.reveal")
    assert (entry.actor_id, entry.object_id) == (county_admin.pk, str(wang_fang.pk))
    assert entry.changes == {"field": [None, field], "reason": [None, "核对低保申请"]}
    assert plaintext not in audit_text()


@pytest.mark.parametrize("role", ["township_chair", "village_director", "auditor"])
def test_only_the_county_admin_may_reveal(
    wang_fang: Person, request: pytest.FixtureRequest, role: str
) -> None:
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        person_reveal(actor=user, person=wang_fang, field="id_number", reason="核对")

    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_reveal_outside_the_scope_is_not_found(
    make_person: MakePerson, far_village: OrgUnit, village_director: User
) -> None:
    stranger = make_person("赵兰", id_number=WANG_FANG_ID, residence=far_village)

    with pytest.raises(Http404):
        person_reveal(actor=village_director, person=stranger, field="id_number", reason="核对")


@pytest.mark.parametrize("reason", ["", "   ", "查"])
def test_reveal_needs_a_reason(wang_fang: Person, county_admin: User, reason: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        person_reveal(actor=county_admin, person=wang_fang, field="id_number", reason=reason)

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_reveal_of_a_missing_value_says_so(make_person: MakePerson, county_admin: User) -> None:
    person = make_person("王芳", id_number=WANG_FANG_ID)

    with pytest.raises(ApplicationError) as refused:
        person_reveal(actor=county_admin, person=person, field="phone", reason="回访")

    assert refused.value.code == "nothing_to_reveal"


def test_reveal_refuses_other_fields(wang_fang: Person, county_admin: User) -> None:
    with pytest.raises(ValueError, match="name"):
        person_reveal(actor=county_admin, person=wang_fang, field="name", reason="核对")


def test_without_an_actor_nothing_is_revealed(wang_fang: Person) -> None:
    with pytest.raises(Http404):
        person_reveal(actor=None, person=wang_fang, field="id_number", reason="核对")
