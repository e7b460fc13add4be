"""The people API: same services and scope as the pages, masked values only, 409 on a stale
version, errors in two languages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jinguo.audit.models import AuditEntry
from jinguo.people import idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose
from jinguo.people.models import Household, Membership, Person
from jinguo.people.services import (
    ConsentInput,
    consent_record,
    household_create,
    person_register,
    person_update,
)
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 3, 8)
ID_NUMBER = idnumbers.generate("152326", BORN, "F", 12)
PHONE = "13812345678"
CONSENT = {
    "purpose": "registry",
    "scope": "登记和服务",
    "given_by": "self",
    "giver_name": "王芳",
    "given_on": "2015-01-01",
}


def register(village: Any, name: str = "王芳", **fields: Any) -> Person:
    if fields.get("id_number") or fields.get("phone"):
        fields.setdefault(
            "consent",
            ConsentInput(
                purpose=ConsentPurpose.REGISTRY,
                scope="登记",
                given_by=ConsentGiver.SELF,
                giver_name=name,
                given_on=dt.date(2015, 1, 1),
            ),
        )
    fields.setdefault("sex", "F")
    return person_register(actor=None, name=name, residence=village, **fields)


# --- reading --------------------------------------------------------------------------------------


def test_list_shows_only_people_in_scope(tree: Tree, village_director, as_user) -> None:
    mine = register(tree.village(0, 0), "王芳")
    register(tree.village(0, 1), "王丽")

    body = as_user(village_director).get("/people/").json()

    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [mine.pk]


def test_list_searches_by_initials_and_filters(tree: Tree, county_admin, as_user) -> None:
    register(tree.village(0, 0), "王芳", birth_date=BORN)
    register(tree.village(1, 0), "王方", birth_date=BORN)
    register(tree.village(0, 0), "李强", sex="M", birth_date=dt.date(2000, 1, 1))
    api = as_user(county_admin)

    def names(**params: Any) -> list[str]:
        response = api.get("/people/", **params)
        assert response.status_code == 200, response.content
        return sorted(item["name"] for item in response.json()["items"])

    assert names(search="wf") == ["王方", "王芳"]
    assert names(search="wf", unit_id=tree.townships[0].pk) == ["王芳"]
    assert names(sex="M") == ["李强"]
    assert names(age_max=20, on="2015-01-01") == ["李强"]


def test_list_with_a_unit_out_of_scope_is_404(tree: Tree, village_director, as_user) -> None:
    response = as_user(village_director).get("/people/", unit_id=tree.village(0, 1).pk)

    assert response.status_code == 404


def test_list_is_paginated(tree: Tree, village_director, as_user) -> None:
    for i in range(5):
        register(tree.village(0, 0), f"王{chr(0x4E00 + i)}")
    api = as_user(village_director)

    first = api.get("/people/", limit=2).json()
    rest = api.get("/people/", limit=10, offset=2).json()

    assert first["count"] == 5
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 3


def test_get_returns_masked_values_only(tree: Tree, village_director, as_user) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER, phone=PHONE, ethnicity="02")

    response = as_user(village_director).get(f"/people/{person.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id_number_masked"] == f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"
    assert body["phone_masked"] == "138****5678"
    assert (body["birth_date"], body["sex"], body["ethnicity"]) == ("1980-03-08", "F", "02")
    assert body["residence_name"] == "村1-1"
    assert body["version"] == 1
    assert ID_NUMBER not in response.content.decode()
    assert PHONE not in response.content.decode()
    assert "id_number" not in body
    assert "phone" not in body


def test_a_person_out_of_scope_looks_exactly_like_a_missing_one(
    tree: Tree, village_director, as_user
) -> None:
    theirs = register(tree.village(0, 1), "王丽")
    api = as_user(village_director)

    out_of_scope = api.get(f"/people/{theirs.pk}")
    missing = api.get(f"/people/{theirs.pk + 1000}")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content


def test_there_is_no_way_to_reveal_through_the_api(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert not [path for path in schema["paths"] if "reveal" in path]
    text = json.dumps(schema["components"]["schemas"]["PersonOut"])
    assert '"id_number"' not in text
    assert '"phone"' not in text


# --- creating -------------------------------------------------------------------------------------


def test_create_with_id_number_and_consent(tree: Tree, village_director, as_user) -> None:
    response = as_user(village_director).post(
        "/people/",
        {
            "name": "王芳",
            "residence_id": tree.village(0, 0).pk,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "hukou": "rural",
            "consent": CONSENT,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sex"], body["birth_date"]) == ("F", "1980-03-08")
    assert ID_NUMBER not in response.content.decode()
    person = Person.objects.get()
    assert person.id_number == ID_NUMBER
    assert person.consents.get().purpose == ConsentPurpose.REGISTRY


def test_create_with_an_id_number_but_no_consent_is_refused(
    tree: Tree, village_director, as_user
) -> None:
    response = as_user(village_director).post(
        "/people/",
        {"name": "王芳", "residence_id": tree.village(0, 0).pk, "id_number": ID_NUMBER},
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("consent_required", "consent")
    assert body["message"]
    assert "consent" in body["message_en"]
    assert Person.objects.count() == 0


def test_create_with_a_duplicate_id_number_is_refused_on_the_field(
    tree: Tree, village_director, as_user
) -> None:
    register(tree.village(0, 0), "王芳", id_number=ID_NUMBER)

    response = as_user(village_director).post(
        "/people/",
        {
            "name": "王芳",
            "residence_id": tree.village(0, 0).pk,
            "id_number": ID_NUMBER,
            "consent": CONSENT,
        },
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_id", "id_number")
    assert Person.objects.count() == 1


def test_create_with_an_unknown_choice_is_invalid(tree: Tree, village_director, as_user) -> None:
    response = as_user(village_director).post(
        "/people/",
        {"name": "王芳", "sex": "F", "residence_id": tree.village(0, 0).pk, "hukou": "城市"},
    )

    assert response.status_code == 422
    assert Person.objects.count() == 0


# --- updating with a version ----------------------------------------------------------------------


def test_patch_changes_the_fields_sent(tree: Tree, village_director, as_user) -> None:
    person = register(tree.village(0, 0), "王芳", birth_date=BORN, occupation="务农")

    response = as_user(village_director).patch(
        f"/people/{person.pk}", {"version": 1, "occupation": "刺绣", "education": "junior"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    person.refresh_from_db()
    assert (person.occupation, person.education, person.birth_date) == ("刺绣", "junior", BORN)


def test_patch_with_a_stale_version_is_409_in_two_languages(
    tree: Tree, village_director, as_user
) -> None:
    person = register(tree.village(0, 0), "王芳")
    person_update(actor=None, person=person, version=1, occupation="刺绣")

    response = as_user(village_director).patch(
        f"/people/{person.pk}", {"version": 1, "occupation": "养羊"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert "version 2" in body["message_en"]
    assert body["message"]
    person.refresh_from_db()
    assert person.occupation == "刺绣"


def test_patch_replaces_the_id_number_and_returns_it_masked(
    tree: Tree, village_director, as_user
) -> None:
    person = register(tree.village(0, 0), "王芳", phone=PHONE)

    response = as_user(village_director).patch(
        f"/people/{person.pk}", {"version": 1, "id_number": ID_NUMBER}
    )

    assert response.status_code == 200, response.content
    assert response.json()["id_number_masked"].startswith("152326********")
    assert ID_NUMBER not in response.content.decode()
    person.refresh_from_db()
    assert person.birth_date == BORN


def test_patch_null_leaves_required_fields_and_clears_optional_ones(
    tree: Tree, village_director, as_user
) -> None:
    person = register(tree.village(0, 0), "王芳", phone=PHONE, occupation="务农")

    response = as_user(village_director).patch(
        f"/people/{person.pk}", {"version": 1, "name": None, "occupation": None, "phone": None}
    )

    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.name, person.occupation, person.phone) == ("王芳", "", None)


def test_patch_moves_to_a_village_in_scope_only(tree: Tree, township_chair, as_user) -> None:
    person = register(tree.village(0, 0), "王芳")
    api = as_user(township_chair)

    moved = api.patch(f"/people/{person.pk}", {"version": 1, "residence_id": tree.village(0, 1).pk})
    away = api.patch(f"/people/{person.pk}", {"version": 2, "residence_id": tree.village(1, 0).pk})

    assert moved.status_code == 200
    assert moved.json()["residence_id"] == tree.village(0, 1).pk
    assert away.status_code == 404


def test_auditor_cannot_patch(tree: Tree, auditor, as_user) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = as_user(auditor).patch(f"/people/{person.pk}", {"version": 1, "name": "王方"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- categories -----------------------------------------------------------------------------------


def test_add_list_and_end_categories(tree: Tree, village_director, as_user) -> None:
    child = register(tree.village(0, 0), "张小红", birth_date=dt.date(2008, 1, 1))
    consent_record(
        actor=None,
        person=child,
        consent=ConsentInput(
            purpose=ConsentPurpose.CHILD_CARE,
            scope="关爱",
            given_by=ConsentGiver.GUARDIAN,
            giver_name="张大山",
            given_on=dt.date(2015, 1, 1),
        ),
    )
    api = as_user(village_director)

    added = api.post(
        f"/people/{child.pk}/categories",
        {
            "category": "left_behind_child",
            "start": "2015-01-01",
            "left_behind": {
                "parents": "both_away",
                "schooling": "primary",
                "father_phone": "13912345678",
                "guardianship": "grandparents",
            },
        },
    )
    low_income = api.post(
        f"/people/{child.pk}/categories", {"category": "low_income", "start": "2015-01-01"}
    )
    ended = api.post(
        f"/people/{child.pk}/categories/{low_income.json()['id']}/end", {"end": "2016-01-01"}
    )
    listed = api.get(f"/people/{child.pk}/categories")

    assert added.status_code == 201, added.content
    body = added.json()
    assert body["end"] == "2024-01-01"  # her 16th birthday
    assert body["left_behind"]["father_phone_masked"] == "139****5678"
    assert "13912345678" not in added.content.decode()
    assert ended.status_code == 200
    assert ended.json()["end"] == "2016-01-01"
    assert {c["category"] for c in listed.json()} == {"left_behind_child", "low_income"}


def test_left_behind_child_without_details_is_refused(
    tree: Tree, village_director, as_user
) -> None:
    child = register(tree.village(0, 0), "张小红", birth_date=dt.date(2008, 1, 1))
    consent_record(
        actor=None,
        person=child,
        consent=ConsentInput(
            purpose=ConsentPurpose.CHILD_CARE,
            scope="关爱",
            given_by=ConsentGiver.GUARDIAN,
            giver_name="张大山",
            given_on=dt.date(2015, 1, 1),
        ),
    )

    response = as_user(village_director).post(
        f"/people/{child.pk}/categories", {"category": "left_behind_child", "start": "2015-01-01"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "parents"


# --- households -----------------------------------------------------------------------------------


def test_create_household_add_and_end_members(tree: Tree, village_director, as_user) -> None:
    village = tree.village(0, 0)
    head, husband = register(village, "王芳"), register(village, "李强", sex="M")
    api = as_user(village_director)

    created = api.post("/households/", {"head_id": head.pk, "address": "一组", "on": "2015-01-01"})
    household_id = created.json()["id"]
    joined = api.post(
        f"/households/{household_id}/members",
        {"person_id": husband.pk, "relation": "spouse", "on": "2015-02-01"},
    )
    ended = api.post(
        f"/households/{household_id}/members/{joined.json()['id']}/end", {"on": "2016-01-01"}
    )
    read = api.get(f"/households/{household_id}")

    assert created.status_code == 201, created.content
    assert created.json()["members"][0]["relation"] == "head"
    assert joined.status_code == 201, joined.content
    assert ended.json()["end"] == "2016-01-01"
    members = read.json()["members"]
    assert [(m["person_name"], m["end"]) for m in members] == [
        ("王芳", None),
        ("李强", "2016-01-01"),
    ]


def test_moving_to_another_household_ends_the_old_membership(
    tree: Tree, village_director, as_user
) -> None:
    village = tree.village(0, 0)
    old = household_create(actor=None, head=register(village, "王芳"), on=dt.date(2010, 1, 1))
    new = household_create(actor=None, head=register(village, "李强", sex="M"))

    response = as_user(village_director).post(
        f"/households/{new.pk}/members",
        {"person_id": old.memberships.get().person_id, "relation": "spouse", "on": "2015-05-01"},
    )

    assert response.status_code == 201
    assert old.memberships.get().end == dt.date(2015, 5, 1)


def test_a_second_head_is_refused(tree: Tree, village_director, as_user) -> None:
    village = tree.village(0, 0)
    household = household_create(actor=None, head=register(village, "王芳"))

    response = as_user(village_director).post(
        f"/households/{household.pk}/members",
        {"person_id": register(village, "李娜").pk, "relation": "head"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "head_exists"
    assert Membership.objects.count() == 1


def test_a_household_out_of_scope_is_404(tree: Tree, village_director, as_user) -> None:
    household = household_create(actor=None, head=register(tree.village(0, 1), "王丽"))

    assert as_user(village_director).get(f"/households/{household.pk}").status_code == 404
    assert Household.objects.count() == 1


def test_every_write_is_audited(tree: Tree, village_director, as_user) -> None:
    before = AuditEntry.objects.count()

    as_user(village_director).post(
        "/people/", {"name": "王芳", "sex": "F", "residence_id": tree.village(0, 0).pk}
    )

    assert AuditEntry.objects.filter(action="person.register").count() == 1
    assert AuditEntry.objects.count() > before
