"""The people pages do what they say: search, register once, edit with a version, reveal with a
reason, households, categories, consent and the review of probable duplicates.

Who may reach which page is tested in test_access_matrix; this file tests what they do there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.models import Progress
from jinguo.people import idnumbers
from jinguo.people.choices import Category, ConsentGiver, ConsentPurpose, Relation
from jinguo.people.models import CategoryPeriod, Consent, DuplicatePair, Membership, Person
from jinguo.people.services import (
    ConsentInput,
    consent_record,
    household_add_member,
    household_create,
    person_register,
    person_update,
)
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 3, 8)
ID_NUMBER = idnumbers.generate("152326", BORN, "F", 12)
OTHER_ID = idnumbers.generate("150525", dt.date(1992, 7, 1), "F", 3)
PHONE = "13812345678"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def consent(name: str = "王芳", given_by: str = ConsentGiver.SELF) -> ConsentInput:
    return ConsentInput(
        purpose=ConsentPurpose.REGISTRY,
        scope="登记",
        given_by=given_by,
        giver_name=name,
        given_on=dt.date(2015, 1, 1),
    )


def register(village: Any, name: str = "王芳", **fields: Any) -> Person:
    if fields.get("id_number") or fields.get("phone"):
        fields.setdefault("consent", consent(name))
    fields.setdefault("sex", "F")
    return person_register(actor=None, name=name, residence=village, **fields)


def field_errors(response: Any, field: str, form: str = "form") -> list[str]:
    return list(response.context[form].errors.get(field, []))


def registration(village: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "李秀英",
        "sex": "F",
        "birth_date": "1975-05-20",
        "ethnicity": "02",
        "residence": str(village.pk),
        "hukou": "rural",
        "education": "junior",
        "marital_status": "married",
        "occupation": "务农",
        "notes": "",
        "id_number": "",
        "phone": "",
        "consent_given_by": "",
        "consent_giver_name": "",
        "consent_given_on": "2015-01-01",
        "consent_scope": "登记和服务",
    }
    data.update(overrides)
    return data


# --- the list and the search box ------------------------------------------------------------------


def test_village_director_sees_only_her_villages_people(
    tree: Tree, village_director, client: Client
) -> None:
    mine = register(tree.village(0, 0), "王芳")
    theirs = register(tree.village(0, 1), "王丽")

    response = signed_in(client, village_director).get(reverse("person_index"))

    assert [row["person"] for row in response.context["rows"]] == [mine]
    assert "王丽" not in response.content.decode()
    other = client.get(reverse("person_detail", kwargs={"person_id": theirs.pk}))
    assert other.status_code == 404


def test_search_by_pinyin_initials_and_full_pinyin(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    wang = register(village, "王芳")
    register(village, "李娜")
    client = signed_in(client, village_director)

    by_initials = client.get(reverse("person_index"), {"q": "wf"})
    by_pinyin = client.get(reverse("person_index"), {"q": "wangf"})
    by_name = client.get(reverse("person_index"), {"q": "王"})

    for response in (by_initials, by_pinyin, by_name):
        assert [row["person"] for row in response.context["rows"]] == [wang]


def test_search_by_id_number_and_phone_tail(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)
    wang = register(village, "王芳", id_number=ID_NUMBER, phone=PHONE)
    register(village, "李娜")
    client = signed_in(client, village_director)

    by_id = client.get(reverse("person_index"), {"q": ID_NUMBER})
    by_tail = client.get(reverse("person_index"), {"q": "5678"})

    assert [row["person"] for row in by_id.context["rows"]] == [wang]
    assert [row["person"] for row in by_tail.context["rows"]] == [wang]


def test_a_search_for_a_number_is_answered_without_putting_it_in_an_address(
    tree: Tree, village_director, client: Client
) -> None:
    wang = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER, phone=PHONE)
    client = signed_in(client, village_director)

    by_id = client.post(reverse("person_index"), {"q": ID_NUMBER, "unit": ""})
    by_phone = client.post(reverse("person_index"), {"q": PHONE})

    for response in (by_id, by_phone):
        assert response.status_code == 200
        assert [row["person"] for row in response.context["rows"]] == [wang]
        assert ID_NUMBER not in response.context["query"]
        assert PHONE not in response.context["query"]


def test_a_search_for_a_name_is_redirected_to_an_address(
    tree: Tree, village_director, client: Client
) -> None:
    response = signed_in(client, village_director).post(
        reverse("person_index"), {"q": "wf", "unit": "", "sex": "F", "age_min": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("person_index") + "?q=wf&sex=F"


def test_list_shows_the_id_number_masked_never_in_full(
    tree: Tree, village_director, client: Client
) -> None:
    register(tree.village(0, 0), "王芳", id_number=ID_NUMBER, birth_date=BORN)

    html = signed_in(client, village_director).get(reverse("person_index")).content.decode()

    assert f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in html
    assert ID_NUMBER not in html


def test_filters_by_unit_category_age_and_sex(tree: Tree, county_admin, client: Client) -> None:
    on = dt.date(2015, 6, 1)
    girl = register(tree.village(0, 0), "张小红", birth_date=dt.date(2008, 1, 1))
    consent_record(actor=None, person=girl, consent=consent("张大山", ConsentGiver.GUARDIAN))
    from jinguo.people.services import category_add

    category_add(
        actor=None,
        person=girl,
        category=Category.LEFT_BEHIND_CHILD,
        start=dt.date(2015, 1, 1),
        left_behind={"parents": "both_away"},
    )
    register(tree.village(0, 0), "张大山", sex="M", birth_date=dt.date(1980, 1, 1))
    register(tree.village(1, 0), "张小兰", birth_date=dt.date(2008, 5, 1))
    client = signed_in(client, county_admin)

    def names(**params: Any) -> list[str]:
        response = client.get(reverse("person_index"), params)
        return sorted(row["person"].name for row in response.context["rows"])

    assert names(unit=tree.townships[0].code) == ["张大山", "张小红"]
    assert names(category=Category.LEFT_BEHIND_CHILD, on=on.isoformat()) == ["张小红"]
    assert names(category=Category.LEFT_BEHIND_CHILD, on="2014-06-01") == []
    assert names(age_max=10, on=on.isoformat()) == ["张小兰", "张小红"]
    assert names(sex="M") == ["张大山"]
    # Filters that make no sense are ignored rather than failing the page.
    assert names(age_min="abc", unit="nowhere") == ["张大山", "张小兰", "张小红"]


def test_the_list_is_paginated(tree: Tree, village_director, client: Client) -> None:
    for i in range(35):
        register(tree.village(0, 0), f"王{chr(0x4E00 + i)}")
    client = signed_in(client, village_director)

    first = client.get(reverse("person_index"))
    second = client.get(reverse("person_index"), {"page": 2})

    assert len(first.context["rows"]) == 30
    assert len(second.context["rows"]) == 5
    assert first.context["page"].paginator.count == 35


# --- registering ----------------------------------------------------------------------------------


def test_register_defaults_to_the_directors_village(
    tree: Tree, village_director, client: Client
) -> None:
    response = signed_in(client, village_director).get(reverse("person_register"))

    form = response.context["form"]
    assert form["residence"].value() == tree.village(0, 0).pk
    assert list(form.fields["residence"].queryset) == [tree.village(0, 0)]


def test_residence_choices_are_the_villages_in_scope(
    tree: Tree, township_chair, client: Client
) -> None:
    response = signed_in(client, township_chair).get(reverse("person_register"))

    assert list(response.context["form"].fields["residence"].queryset) == [
        tree.village(0, 0),
        tree.village(0, 1),
    ]


def test_register_with_id_number_and_consent(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)

    response = signed_in(client, village_director).post(
        reverse("person_register"),
        registration(
            village,
            name="王芳",
            birth_date="",
            sex="",
            id_number=ID_NUMBER,
            phone=PHONE,
            consent_given_by=ConsentGiver.SELF,
        ),
    )

    person = Person.objects.get()
    assert response["Location"] == reverse("person_detail", kwargs={"person_id": person.pk})
    assert person.id_number == ID_NUMBER
    assert (person.birth_date, person.sex) == (BORN, "F")
    assert person.ethnicity == "02"
    registry = person.consents.get()
    assert (registry.purpose, registry.giver_name, registry.given_by) == (
        ConsentPurpose.REGISTRY,
        "王芳",
        ConsentGiver.SELF,
    )
    assert registry.scope == "登记和服务"


def test_register_with_an_id_number_but_no_consent_is_refused_on_the_consent(
    tree: Tree, village_director, client: Client
) -> None:
    response = signed_in(client, village_director).post(
        reverse("person_register"),
        registration(tree.village(0, 0), birth_date="", sex="", id_number=ID_NUMBER),
    )

    assert response.status_code == 200
    assert field_errors(response, "consent_given_by")
    assert Person.objects.count() == 0


def test_a_guardian_must_be_named(tree: Tree, village_director, client: Client) -> None:
    response = signed_in(client, village_director).post(
        reverse("person_register"),
        registration(tree.village(0, 0), phone=PHONE, consent_given_by=ConsentGiver.GUARDIAN),
    )

    assert field_errors(response, "consent_giver_name")
    assert Person.objects.count() == 0


def test_an_invalid_id_number_is_refused_on_its_field_in_the_users_language(
    tree: Tree, village_director, client: Client
) -> None:
    client = signed_in(client, village_director)
    data = registration(tree.village(0, 0), id_number=ID_NUMBER[:-1] + "0", consent_given_by="self")

    english = client.post(reverse("person_register"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert "check character" in field_errors(english, "id_number")[0]
    assert Person.objects.count() == 0


def test_possible_duplicate_is_shown_before_saving_and_needs_a_tick(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    first = register(village, "李秀英", birth_date=dt.date(1975, 5, 20))
    client = signed_in(client, village_director)

    warned = client.post(reverse("person_register"), registration(village))

    assert warned.status_code == 200
    assert [row["person"] for row in warned.context["matches"]] == [first]
    assert warned.context["needs_confirmation"] is True
    html = warned.content.decode()
    assert 'id="duplicate-warning"' in html
    assert reverse("person_detail", kwargs={"person_id": first.pk}) in html
    assert Person.objects.count() == 1

    confirmed = client.post(
        reverse("person_register"), registration(village, confirm_different="on")
    )

    assert confirmed.status_code == 302
    assert Person.objects.filter(name="李秀英").count() == 2


def test_registering_an_id_number_again_names_the_record_that_holds_it(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    holder = register(village, "王芳", id_number=ID_NUMBER)

    response = signed_in(client, village_director).post(
        reverse("person_register"),
        registration(
            village,
            name="王芳",
            birth_date="",
            sex="",
            id_number=ID_NUMBER,
            consent_given_by="self",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # The holder of the number is named on the ID field, not hidden in a list of look-alikes.
    assert response.context["matches"] == []
    assert "already registered: 王芳" in field_errors(response, "id_number")[0]
    assert response.context["id_holder"] == holder
    assert reverse("person_detail", kwargs={"person_id": holder.pk}) in response.content.decode()
    assert Person.objects.count() == 1


def test_auditor_cannot_register(tree: Tree, auditor, client: Client) -> None:
    assert signed_in(client, auditor).get(reverse("person_register")).status_code == 404


# --- the person page ------------------------------------------------------------------------------


def test_person_page_shows_everything_masked(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)
    person = register(village, "王芳", id_number=ID_NUMBER, phone=PHONE, ethnicity="02")
    household = household_create(actor=None, head=person, on=dt.date(2015, 1, 1))

    response = signed_in(client, village_director).get(
        reverse("person_detail", kwargs={"person_id": person.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert ID_NUMBER not in html
    assert PHONE not in html
    assert "138****5678" in html
    assert "Mongol" in html
    assert response.context["membership"].household == household
    assert [c.purpose for c in response.context["consents"]] == [ConsentPurpose.REGISTRY]
    assert {e.kind for e in response.context["timeline"]} == {"household", "consent"}
    # Only the county administrator may reveal.
    assert response.context["can_reveal"] is False
    assert reverse("person_reveal", kwargs={"person_id": person.pk}) not in html


# --- editing --------------------------------------------------------------------------------------


def edit_data(person: Person, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "ethnicity": person.ethnicity,
        "residence": str(person.residence_id),
        "hukou": person.hukou,
        "education": person.education,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "notes": person.notes,
        "version": str(person.version),
    }
    data.update(overrides)
    return data


def test_edit_saves_and_bumps_the_version(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳", birth_date=BORN)

    response = signed_in(client, village_director).post(
        reverse("person_edit", kwargs={"person_id": person.pk}),
        edit_data(person, occupation="刺绣", education="senior"),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.occupation, person.education, person.version) == ("刺绣", "senior", 2)


def test_edit_form_never_holds_the_id_number(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER)

    response = signed_in(client, village_director).get(
        reverse("person_edit", kwargs={"person_id": person.pk})
    )

    assert "id_number" not in response.context["form"].fields
    assert ID_NUMBER not in response.content.decode()
    # Birth date and sex come from the ID number, so they are not editable here.
    assert response.context["form"].fields["birth_date"].disabled


def test_edit_conflict_shows_the_message_and_the_saved_values(
    tree: Tree, village_director, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳", birth_date=BORN)
    stale = edit_data(person, occupation="养羊")
    person_update(actor=None, person=person, version=1, occupation="刺绣")

    response = signed_in(client, village_director).post(
        reverse("person_edit", kwargs={"person_id": person.pk}), stale, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else changed this record" in form.non_field_errors()[0]
    occupation = next(r for r in response.context["conflict"] if r["label"] == "Occupation")
    assert (occupation["saved"], occupation["yours"], occupation["differs"]) == (
        "刺绣",
        "养羊",
        True,
    )
    # What she typed is kept, now based on the saved version.
    assert form["occupation"].value() == "养羊"
    assert form["version"].value() == "2"
    person.refresh_from_db()
    assert person.occupation == "刺绣"


def test_replace_id_number_and_phone(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=OTHER_ID, phone="13900000000")
    client = signed_in(client, village_director)

    form_page = client.get(reverse("person_replace_id_number", kwargs={"person_id": person.pk}))
    replaced = client.post(
        reverse("person_replace_id_number", kwargs={"person_id": person.pk}),
        {"id_number": ID_NUMBER, "version": "1"},
    )
    phone = client.post(
        reverse("person_replace_phone", kwargs={"person_id": person.pk}),
        {"phone": PHONE, "version": "2"},
    )

    assert OTHER_ID not in form_page.content.decode()
    assert replaced.status_code == phone.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.birth_date, person.phone) == (ID_NUMBER, BORN, PHONE)


def test_replacing_the_id_number_needs_the_registry_consent(
    tree: Tree, village_director, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = signed_in(client, village_director).post(
        reverse("person_replace_id_number", kwargs={"person_id": person.pk}),
        {"id_number": ID_NUMBER, "version": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["has_registry_consent"] is False
    person.refresh_from_db()
    assert person.id_number is None


# --- revealing ------------------------------------------------------------------------------------


def test_reveal_shows_the_value_once_and_audits_the_reason(
    tree: Tree, county_admin, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER)
    client = signed_in(client, county_admin)
    url = reverse("person_reveal", kwargs={"person_id": person.pk})

    asked = client.get(url, {"field": "id_number"})
    shown = client.post(url, {"field": "id_number", "reason": "核对低保申请"})

    assert ID_NUMBER not in asked.content.decode()
    assert shown.status_code == 200
    assert ID_NUMBER in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    entry = AuditEntry.objects.filter(action="person.reveal").get()
    assert entry.changes == {"field": [None, "id_number"], "reason": [None, "核对低保申请"]}
    assert entry.actor == county_admin
    # Nothing of it is kept for later requests.
    assert ID_NUMBER not in str(dict(client.session))
    assert (
        ID_NUMBER
        not in client.get(
            reverse("person_detail", kwargs={"person_id": person.pk})
        ).content.decode()
    )


def test_reveal_needs_a_reason(tree: Tree, county_admin, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳", phone=PHONE)

    response = signed_in(client, county_admin).post(
        reverse("person_reveal", kwargs={"person_id": person.pk}), {"field": "phone", "reason": ""}
    )

    assert PHONE not in response.content.decode()
    assert field_errors(response, "reason")
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.TOWNSHIP_CHAIR, Role.AUDITOR])
def test_reveal_is_refused_to_roles_without_the_permission(
    tree: Tree, client: Client, role: Role
) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER)
    user = make_user("someone", role, tree.townships[0])
    url = reverse("person_reveal", kwargs={"person_id": person.pk})

    client = signed_in(client, user)
    got = client.get(url, {"field": "id_number"})
    posted = client.post(url, {"field": "id_number", "reason": "想看看"})

    assert got.status_code == posted.status_code == 403
    assert ID_NUMBER not in posted.content.decode()
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


# --- categories -----------------------------------------------------------------------------------


def test_category_add_asks_first_which_category(
    tree: Tree, village_director, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = signed_in(client, village_director).get(
        reverse("category_add", kwargs={"person_id": person.pk})
    )

    assert response.templates[0].name == "web/people/category_choose.html"
    assert "?category=left_behind_child" in response.content.decode()


def test_left_behind_child_with_its_details(tree: Tree, village_director, client: Client) -> None:
    child = register(tree.village(0, 0), "张小红", birth_date=dt.date(2008, 1, 1))
    consent_record(actor=None, person=child, consent=consent("张大山", ConsentGiver.GUARDIAN))
    url = reverse("category_add", kwargs={"person_id": child.pk})
    client = signed_in(client, village_director)

    form = client.get(url, {"category": Category.LEFT_BEHIND_CHILD}).context["form"]
    missing = client.post(f"{url}?category={Category.LEFT_BEHIND_CHILD}", {"start": "2015-01-01"})
    saved = client.post(
        f"{url}?category={Category.LEFT_BEHIND_CHILD}",
        {
            "start": "2015-01-01",
            "parents": "both_away",
            "schooling": "primary",
            "school_name": "大镇四小",
            "boarding": "on",
            "father_workplace": "北京",
            "father_phone": "139 1234 5678",
            "guardian_name": "张奶奶",
            "guardian_relation": "祖母",
            "guardianship": "grandparents",
        },
    )

    assert "disability_grade" not in form.fields
    assert "parents" in form.fields
    assert field_errors(missing, "parents")
    assert saved.status_code == 302
    period = CategoryPeriod.objects.get()
    assert period.end == dt.date(2024, 1, 1)  # her 16th birthday
    details = period.left_behind
    assert (details.school_name, details.boarding, details.father_phone) == (
        "大镇四小",
        True,
        "13912345678",
    )


def test_disabled_needs_type_and_grade(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER)
    url = reverse("category_add", kwargs={"person_id": person.pk}) + "?category=disabled"
    client = signed_in(client, village_director)

    refused = client.post(url, {"start": "2015-01-01", "disability_type": "physical"})
    saved = client.post(
        url, {"start": "2015-01-01", "disability_type": "physical", "disability_grade": "2"}
    )

    assert field_errors(refused, "disability_grade")
    assert saved.status_code == 302
    assert CategoryPeriod.objects.get().disability_grade == 2


def test_a_sensitive_category_without_consent_is_refused(
    tree: Tree, village_director, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = signed_in(client, village_director).post(
        reverse("category_add", kwargs={"person_id": person.pk}) + "?category=orphan",
        {"start": "2015-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not CategoryPeriod.objects.exists()


def test_end_a_category_period(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳")
    from jinguo.people.services import category_add

    period = category_add(
        actor=None, person=person, category=Category.LOW_INCOME, start=dt.date(2015, 1, 1)
    )
    url = reverse("category_end", kwargs={"person_id": person.pk, "period_id": period.pk})
    client = signed_in(client, village_director)

    too_early = client.post(url, {"on": "2014-12-31"})
    ended = client.post(url, {"on": "2016-01-01"})

    assert field_errors(too_early, "on")
    assert ended.status_code == 302
    period.refresh_from_db()
    assert period.end == dt.date(2016, 1, 1)


# --- consent --------------------------------------------------------------------------------------


def test_record_a_consent(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = signed_in(client, village_director).post(
        reverse("consent_add", kwargs={"person_id": person.pk}),
        {"purpose": "health", "given_by": "self", "giver_name": "", "given_on": "2015-03-01"},
    )

    assert response.status_code == 302
    recorded = Consent.objects.get()
    assert (recorded.purpose, recorded.giver_name) == ("health", "王芳")
    assert recorded.scope  # the usual wording of the purpose


def test_withdrawing_the_registry_consent_warns_then_erases(
    tree: Tree, village_director, client: Client
) -> None:
    person = register(tree.village(0, 0), "王芳", id_number=ID_NUMBER, phone=PHONE)
    registry = person.consents.get()
    url = reverse("consent_withdraw", kwargs={"person_id": person.pk, "consent_id": registry.pk})
    client = signed_in(client, village_director)

    warning = client.get(url)
    done = client.post(url, {"on": timezone.localdate().isoformat()})

    assert warning.context["erases"] is True
    assert 'id="erase-warning"' in warning.content.decode()
    assert ID_NUMBER not in warning.content.decode()
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.id_number is None
    assert person.phone is None
    # Withdrawn once: the page for it is gone.
    assert client.get(url).status_code == 404


# --- households -----------------------------------------------------------------------------------


def test_create_a_household_with_her_as_head(tree: Tree, village_director, client: Client) -> None:
    person = register(tree.village(0, 0), "王芳")

    response = signed_in(client, village_director).post(
        reverse("household_create", kwargs={"person_id": person.pk}),
        {"address": "一组 12 号", "on": "2015-01-01"},
    )

    membership = Membership.objects.get()
    assert response["Location"] == reverse(
        "household_detail", kwargs={"household_id": membership.household_id}
    )
    assert (membership.person, membership.relation) == (person, Relation.HEAD)
    assert membership.household.address == "一组 12 号"


def test_household_page_searches_and_adds_a_member(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    head = register(village, "王芳")
    husband = register(village, "李强", sex="M")
    household = household_create(actor=None, head=head, on=dt.date(2015, 1, 1))
    client = signed_in(client, village_director)

    url = reverse("household_detail", kwargs={"household_id": household.pk})
    searched = client.post(url, {"q": "lq"})
    found = client.get(searched["Location"])
    chosen = client.get(
        reverse("household_add_member", kwargs={"household_id": household.pk}),
        {"person": husband.pk},
    )
    added = client.post(
        reverse("household_add_member", kwargs={"household_id": household.pk}),
        {"person": husband.pk, "relation": Relation.SPOUSE, "on": "2015-02-01"},
    )

    assert searched["Location"] == f"{url}?q=lq#add-member"
    assert [row["person"] for row in found.context["found"]] == [husband]
    assert chosen.status_code == 200
    assert added.status_code == 302
    assert household.memberships.get(person=husband).relation == Relation.SPOUSE


def test_a_second_head_is_refused_on_the_relation(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    household = household_create(actor=None, head=register(village, "王芳"))
    other = register(village, "李娜")

    response = signed_in(client, village_director).post(
        reverse("household_add_member", kwargs={"household_id": household.pk}),
        {"person": other.pk, "relation": Relation.HEAD, "on": "2015-02-01"},
    )

    assert field_errors(response, "relation")
    assert not household.memberships.filter(person=other).exists()


def test_moving_to_another_household_ends_the_old_membership(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    old = household_create(actor=None, head=register(village, "王芳"), on=dt.date(2010, 1, 1))
    daughter = register(village, "王小芳")
    household_add_member(
        actor=None, household=old, person=daughter, relation="child", on=dt.date(2010, 1, 1)
    )
    new = household_create(actor=None, head=register(village, "李强", sex="M"))
    client = signed_in(client, village_director)

    page = client.get(
        reverse("household_add_member", kwargs={"household_id": new.pk}),
        {"person": daughter.pk},
    )
    client.post(
        reverse("household_add_member", kwargs={"household_id": new.pk}),
        {"person": daughter.pk, "relation": Relation.SPOUSE, "on": "2015-05-01"},
    )

    assert page.context["current"].household == old
    assert old.memberships.get(person=daughter).end == dt.date(2015, 5, 1)
    old_page = client.get(reverse("household_detail", kwargs={"household_id": old.pk}))
    assert [m.person for m in old_page.context["past"]] == [daughter]


def test_end_a_membership(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)
    household = household_create(actor=None, head=register(village, "王芳"), on=dt.date(2010, 1, 1))
    membership = household_add_member(
        actor=None,
        household=household,
        person=register(village, "王小芳"),
        relation="child",
        on=dt.date(2010, 1, 1),
    )

    response = signed_in(client, village_director).post(
        reverse(
            "membership_end",
            kwargs={"household_id": household.pk, "membership_id": membership.pk},
        ),
        {"on": "2015-01-01"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end == dt.date(2015, 1, 1)


def test_a_person_from_another_village_cannot_be_picked(
    tree: Tree, village_director, client: Client
) -> None:
    household = household_create(actor=None, head=register(tree.village(0, 0), "王芳"))
    stranger = register(tree.village(0, 1), "李娜")

    response = signed_in(client, village_director).get(
        reverse("household_add_member", kwargs={"household_id": household.pk}),
        {"person": stranger.pk},
    )

    assert response.status_code == 404


# --- probable duplicates --------------------------------------------------------------------------


def pair_of(a: Person, b: Person, **fields: Any) -> DuplicatePair:
    first, second = sorted((a, b), key=lambda p: p.pk)
    fields.setdefault("score", "0.920")
    fields.setdefault("reasons", ["same_name", "same_birth_date"])
    return DuplicatePair.objects.create(person_a=first, person_b=second, **fields)


def test_duplicates_page_shows_both_records_masked(
    tree: Tree, village_director, client: Client
) -> None:
    village = tree.village(0, 0)
    a = register(village, "王芳", id_number=ID_NUMBER)
    b = register(village, "王芳", birth_date=BORN)
    pair_of(a, b)
    elsewhere = register(tree.village(0, 1), "王芳", birth_date=BORN)
    pair_of(b, elsewhere)

    response = signed_in(client, village_director).get(
        reverse("duplicate_index"), HTTP_ACCEPT_LANGUAGE="en"
    )

    cards = response.context["cards"]
    assert [card["pair"].person_b for card in cards] == [b]
    html = response.content.decode()
    assert ID_NUMBER not in html
    assert f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in html
    assert cards[0]["percent"] == 92
    assert cards[0]["reasons"] == ["the same name", "the same birth date"]


def test_merge_then_undo(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)
    a = register(village, "王芳", id_number=ID_NUMBER)
    b = register(village, "王芳", birth_date=BORN)
    pair = pair_of(a, b)
    client = signed_in(client, village_director)

    merged = client.post(reverse("duplicate_merge", kwargs={"pair_id": pair.pk}), {"survivor": "a"})

    assert merged["Location"] == reverse("person_detail", kwargs={"person_id": a.pk})
    b.refresh_from_db()
    assert b.merged_into == a
    page = client.get(reverse("duplicate_index"))
    [merge] = page.context["merges"]
    assert (merge.survivor, merge.merged) == (a, b)

    undone = client.post(reverse("merge_undo", kwargs={"merge_id": merge.pk}))

    assert undone.status_code == 302
    b.refresh_from_db()
    assert b.merged_into is None


def test_mark_distinct_then_reopen(tree: Tree, village_director, client: Client) -> None:
    village = tree.village(0, 0)
    pair = pair_of(register(village, "王芳"), register(village, "王芳"))
    client = signed_in(client, village_director)

    client.post(reverse("duplicate_distinct", kwargs={"pair_id": pair.pk}))
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISTINCT
    listed = client.get(reverse("duplicate_index"), {"status": "distinct"})
    assert [card["pair"] for card in listed.context["cards"]] == [pair]

    client.post(reverse("duplicate_reopen", kwargs={"pair_id": pair.pk}))
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN


def test_scan_runs_in_the_background_with_progress(
    tree: Tree, county_admin, client: Client
) -> None:
    village = tree.village(0, 0)
    register(village, "王芳", birth_date=BORN)
    register(village, "王芳", birth_date=BORN)
    client = signed_in(client, county_admin)

    response = client.post(reverse("duplicate_scan"))

    progress = Progress.objects.get()
    assert response["Location"] == reverse(
        "duplicate_scan_progress", kwargs={"progress_id": progress.pk}
    )
    # The test settings run tasks at once.
    assert progress.state == Progress.State.DONE
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["outcome"] == {"people": 2, "pairs": 1}
    assert DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).count() == 1


def test_village_director_may_not_start_a_scan(
    tree: Tree, village_director, client: Client
) -> None:
    response = signed_in(client, village_director).post(reverse("duplicate_scan"))

    assert response.status_code == 404
    assert not Progress.objects.exists()
