"""The programmes API: the same services, scope and rules as the pages; refusals in two
languages; the enrolment chain walked by three users' tokens; lists delivered all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.tests.conftest import MakePerson, id_number
from jinguo.programmes import finance, services
from jinguo.programmes.choices import (
    EnrolmentStatus,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    WorkArea,
)
from jinguo.programmes.models import (
    Benefit,
    Enrolment,
    Fund,
    FundEntry,
    Loan,
    Organisation,
    Programme,
    Project,
)
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
MakeProgramme = Callable[..., Programme]
MARCH_1 = dt.date(2014, 3, 1)
FORBIDDEN = {
    "code": "forbidden",
    "field": None,
    "message": "您没有执行此操作的权限。",
    "message_en": "You are not allowed to do this.",
}


@pytest.fixture
def programme(make_programme: MakeProgramme) -> Programme:
    return make_programme(budget=Decimal(10000), target=10)


@pytest.fixture
def other_director(neighbour_village: OrgUnit) -> User:
    """Director of 村1-2: same township, another village."""
    return make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)


def enrol(programme: Programme, person: Person, to: str = S.APPROVED) -> Enrolment:
    """An enrolment taken to `to` through the services (no actor: set-up, not the test)."""
    enrolment = services.enrolment_apply(actor=None, programme=programme, person=person, on=MARCH_1)
    for step in (S.VERIFIED, S.APPROVED, S.ACTIVE):
        if enrolment.status == to:
            break
        enrolment = services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
    return enrolment


def cash_row(person: Person, fund: Fund, amount: str = "500", **extra: Any) -> dict[str, Any]:
    return {
        "person_id": person.pk,
        "on": "2014-03-08",
        "kind": "cash",
        "amount": amount,
        "fund_id": fund.pk,
        **extra,
    }


def assert_refused(response: Any, status: int, code: str, field: str | None) -> dict[str, Any]:
    """A refusal: its code, the field it concerns and the message in Chinese and in English."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert body["message_en"]
    return body


# --- organisations --------------------------------------------------------------------------------


def test_an_organisation_is_created_once_and_listed(tree: Tree, county_admin, as_user) -> None:
    api = as_user(county_admin)

    first = api.post("/organisations/", {"name": " 农商银行 ", "kind": "bank"})
    again = api.post("/organisations/", {"name": "农商银行", "kind": "other"})
    api.post("/organisations/", {"name": "自治区妇联", "kind": "federation"})

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["name"] == "农商银行"
    assert Organisation.objects.count() == 2
    assert api.get("/organisations/").json()["count"] == 2
    banks = api.get("/organisations/", kind="bank").json()["items"]
    assert [b["name"] for b in banks] == ["农商银行"]
    assert api.get("/organisations/", search="妇联").json()["count"] == 1


def test_an_auditor_may_not_create_organisations(tree: Tree, auditor, as_user) -> None:
    response = as_user(auditor).post("/organisations/", {"name": "农商银行", "kind": "bank"})

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert Organisation.objects.count() == 0


# --- programmes -----------------------------------------------------------------------------------


def test_county_admin_creates_a_programme_with_its_partners_and_first_cycle(
    tree: Tree, county_admin, as_user
) -> None:
    api = as_user(county_admin)
    bank = api.post("/organisations/", {"name": "农商银行", "kind": "bank"}).json()

    response = api.post(
        "/programmes/",
        {
            "owner_id": tree.county.pk,
            "name": "巾帼创业贷款",
            "work_area": "prosperity",
            "kind": "loan",
            "start": "2014-01-01",
            "end": "2014-12-31",
            "budget": "500000",
            "target": 100,
            "partner_ids": [bank["id"]],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner_id"], body["owner_name"], body["version"]) == (
        tree.county.pk,
        "旗150525",
        1,
    )
    assert Decimal(body["budget"]) == 500000
    assert [p["name"] for p in body["partners"]] == ["农商银行"]
    assert body["funders"] == []
    assert [(c["name"], c["start"], c["status"]) for c in body["cycles"]] == [
        ("2014", "2014-01-01", "open")
    ]
    assert body["can_set_up"] is True


def test_a_village_director_cannot_create_programmes(
    tree: Tree, village: OrgUnit, village_director, as_user
) -> None:
    api = as_user(village_director)
    fields = {"name": "之家活动", "work_area": "organisation", "kind": "service"}

    own_village = api.post(
        "/programmes/", {**fields, "owner_id": village.pk, "start": "2014-01-01"}
    )
    county = api.post("/programmes/", {**fields, "owner_id": tree.county.pk, "start": "2014-01-01"})

    assert own_village.status_code == 403
    assert own_village.json() == FORBIDDEN
    assert county.status_code == 404
    assert Programme.objects.count() == 0


def test_programmes_are_listed_where_they_reach_and_filtered(
    tree: Tree, make_programme: MakeProgramme, village_director, as_user
) -> None:
    make_programme("单亲母亲救助")
    make_programme(
        "巾帼创业贷款",
        kind=ProgrammeKind.LOAN,
        work_area=WorkArea.PROSPERITY,
        status=ProgrammeStatus.CLOSED,
    )
    make_programme("镇2妇女之家", owner=tree.townships[1])
    api = as_user(village_director)

    def names(**params: Any) -> list[str]:
        response = api.get("/programmes/", **params)
        assert response.status_code == 200, response.content
        return sorted(item["name"] for item in response.json()["items"])

    assert names() == ["单亲母亲救助", "巾帼创业贷款"]
    assert names(kind="loan") == ["巾帼创业贷款"]
    assert names(work_area="livelihood") == ["单亲母亲救助"]
    assert names(status="closed") == ["巾帼创业贷款"]
    assert api.get("/programmes/", kind="palace").status_code == 422


def test_get_shows_rules_and_cycles_and_whether_you_may_change_it(
    programme: Programme, village_director, county_admin, as_user
) -> None:
    services.rule_add(actor=None, programme=programme, kind="sex", sex="F")

    seen_from_below = as_user(village_director).get(f"/programmes/{programme.pk}")
    seen_by_admin = as_user(county_admin).get(f"/programmes/{programme.pk}")

    assert seen_from_below.status_code == 200
    body = seen_from_below.json()
    assert [(r["kind"], r["sex"]) for r in body["rules"]] == [("sex", "F")]
    assert [c["name"] for c in body["cycles"]] == ["2014"]
    assert body["can_set_up"] is False
    assert seen_by_admin.json()["can_set_up"] is True


def test_a_programme_of_another_township_is_404(
    tree: Tree, make_programme: MakeProgramme, village_director, as_user
) -> None:
    theirs = make_programme("镇2妇女之家", owner=tree.townships[1])

    assert as_user(village_director).get(f"/programmes/{theirs.pk}").status_code == 404


def test_update_with_the_version_read(programme: Programme, county_admin, as_user) -> None:
    response = as_user(county_admin).patch(
        f"/programmes/{programme.pk}",
        {"version": 1, "budget": "12000", "description": "每户一次", "end": None, "name": None},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], Decimal(body["budget"]), body["end"]) == (2, Decimal(12000), None)
    assert (body["name"], body["description"]) == ("单亲母亲救助", "每户一次")


def test_update_with_a_stale_version_is_409(programme: Programme, county_admin, as_user) -> None:
    services.programme_update(actor=None, programme=programme, version=1, description="改过")

    response = as_user(county_admin).patch(
        f"/programmes/{programme.pk}", {"version": 1, "description": "我的"}
    )

    body = assert_refused(response, 409, "edit_conflict", None)
    assert "version 2" in body["message_en"]
    programme.refresh_from_db()
    assert programme.description == "改过"


def test_a_village_director_may_not_change_a_programme_she_sees(
    programme: Programme, village_director, as_user
) -> None:
    response = as_user(village_director).patch(
        f"/programmes/{programme.pk}", {"version": 1, "description": "我的"}
    )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


def test_figures_over_the_viewers_scope(
    programme: Programme, woman: Person, fund: Fund, county_admin, village_director, as_user
) -> None:
    enrol(programme, woman)
    as_user(village_director).post(
        "/benefits/", {"programme_id": programme.pk, **cash_row(woman, fund, "1000")}
    )

    admin = as_user(county_admin).get(f"/programmes/{programme.pk}/figures")
    director = as_user(village_director).get(
        f"/programmes/{programme.pk}/figures", start="2014-01-01", end="2014-12-31"
    )
    before = as_user(county_admin).get(f"/programmes/{programme.pk}/figures", end="2014-02-28")

    assert admin.status_code == director.status_code == 200
    figures = admin.json()
    assert (figures["enrolled"], figures["served"], figures["deliveries"]) == (1, 1, 1)
    assert Decimal(figures["cash"]) == Decimal(figures["spent"]) == 1000
    assert (figures["budget_share"], figures["attainment"], figures["target"]) == (0.1, 0.1, 10)
    assert director.json()["served"] == 1
    assert (director.json()["budget"], director.json()["spent"]) == (None, None)
    assert before.json()["deliveries"] == 0


# --- rules and cycles -----------------------------------------------------------------------------


def test_rules_are_added_listed_and_removed(
    tree: Tree, programme: Programme, county_admin, as_user
) -> None:
    api = as_user(county_admin)
    base = f"/programmes/{programme.pk}/rules"

    age = api.post(base, {"kind": "age", "min_age": 18, "max_age": 60, "on": "2014-01-01"})
    lives = api.post(base, {"kind": "residence", "unit_id": tree.townships[0].pk})

    assert age.status_code == lives.status_code == 201, age.content
    assert (age.json()["min_age"], age.json()["max_age"], age.json()["sex"]) == (18, 60, "")
    assert lives.json()["unit_id"] == tree.townships[0].pk
    assert [r["kind"] for r in api.get(base).json()] == ["age", "residence"]

    removed = api.client.delete(f"/api/v1{base}/{age.json()['id']}", headers=api.headers)

    assert removed.status_code == 204
    assert [r["kind"] for r in api.get(base).json()] == ["residence"]


def test_an_incomplete_rule_is_refused_on_its_field(
    programme: Programme, county_admin, as_user
) -> None:
    response = as_user(county_admin).post(f"/programmes/{programme.pk}/rules", {"kind": "category"})

    assert_refused(response, 400, "rule_incomplete", "category")
    assert programme.rules.count() == 0


def test_a_village_director_may_not_add_rules(
    programme: Programme, village_director, as_user
) -> None:
    response = as_user(village_director).post(
        f"/programmes/{programme.pk}/rules", {"kind": "sex", "sex": "F"}
    )

    assert response.status_code == 403
    assert programme.rules.count() == 0


def test_cycles_are_added_and_move_forward_only(
    programme: Programme, county_admin, as_user
) -> None:
    api = as_user(county_admin)
    base = f"/programmes/{programme.pk}/cycles"

    added = api.post(
        base, {"name": "下半年", "start": "2014-07-01", "end": "2014-12-31", "cash_cap": "500"}
    )
    cycle_id = added.json()["id"]
    approved = api.post(f"{base}/{cycle_id}/status", {"status": "approved"})
    back = api.post(f"{base}/{cycle_id}/status", {"status": "open"})

    assert added.status_code == 201, added.content
    assert Decimal(added.json()["cash_cap"]) == 500
    assert [c["name"] for c in api.get(base).json()] == ["2014", "下半年"]
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_at"]
    assert_refused(back, 400, "invalid_transition", "status")


def test_a_cycle_of_another_programme_is_404(
    programme: Programme, make_programme: MakeProgramme, county_admin, as_user
) -> None:
    other = make_programme("另一个项目")
    cycle = other.cycles.get()

    response = as_user(county_admin).post(
        f"/programmes/{programme.pk}/cycles/{cycle.pk}/status", {"status": "approved"}
    )

    assert response.status_code == 404


# --- the enrolment chain --------------------------------------------------------------------------


def test_apply_verify_approve_deliver_by_three_users(
    programme: Programme,
    make_person: MakePerson,
    fund: Fund,
    village_director,
    township_chair,
    county_admin,
    as_user,
) -> None:
    number = id_number(dt.date(1980, 5, 1), seq=3)
    person = make_person("王芳", id_number=number, birth_date=None)
    director, chair, admin = (
        as_user(village_director),
        as_user(township_chair),
        as_user(county_admin),
    )

    applied = director.post(
        "/enrolments/",
        {"programme_id": programme.pk, "person_id": person.pk, "on": "2014-03-01", "note": "申请"},
    )
    assert applied.status_code == 201, applied.content
    enrolment = applied.json()
    assert (enrolment["status"], enrolment["version"], enrolment["eligible"]) == (
        "applied",
        1,
        True,
    )
    assert (enrolment["person_id"], enrolment["person_name"]) == (person.pk, "王芳")
    assert enrolment["next_steps"] == ["exited"]
    url = f"/enrolments/{enrolment['id']}"
    assert chair.get(url).json()["next_steps"] == ["verified", "rejected", "exited"]

    verified = chair.post(f"{url}/steps", {"to": "verified", "version": 1, "on": "2014-03-03"})
    assert verified.status_code == 200, verified.content
    assert (verified.json()["status"], verified.json()["version"]) == ("verified", 2)

    approved = admin.post(f"{url}/steps", {"to": "approved", "version": 2, "on": "2014-03-05"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"

    delivered = director.post(
        "/benefits/",
        {"programme_id": programme.pk, **cash_row(person, fund, "1000", delivered_by="李主任")},
    )
    assert delivered.status_code == 201, delivered.content
    benefit = delivered.json()
    assert (benefit["kind"], Decimal(benefit["amount"]), benefit["fund_id"]) == (
        "cash",
        Decimal(1000),
        fund.pk,
    )
    assert benefit["enrolment_id"] == enrolment["id"]
    assert finance.fund_balance(fund) == 19000

    final = director.get(url).json()
    assert final["status"] == "active"
    assert [(s["from_status"], s["to_status"]) for s in final["steps"]] == [
        ("", "applied"),
        ("applied", "verified"),
        ("verified", "approved"),
        ("approved", "active"),
    ]
    assert [s["actor_name"] for s in final["steps"][:3]] == [
        "village-director",
        "township-chair",
        "county-admin",
    ]
    for response in (applied, verified, approved, delivered):
        assert number not in response.content.decode()


def test_a_village_director_cannot_verify(
    programme: Programme, woman: Person, village_director, as_user
) -> None:
    enrolment = enrol(programme, woman, to=S.APPLIED)

    response = as_user(village_director).post(
        f"/enrolments/{enrolment.pk}/steps", {"to": "verified", "version": 1}
    )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    enrolment.refresh_from_db()
    assert enrolment.status == S.APPLIED


def test_the_one_who_verified_may_not_approve(
    programme: Programme, woman: Person, county_admin, as_user
) -> None:
    enrolment = enrol(programme, woman, to=S.APPLIED)
    api = as_user(county_admin)
    api.post(f"/enrolments/{enrolment.pk}/steps", {"to": "verified", "version": 1})

    response = api.post(f"/enrolments/{enrolment.pk}/steps", {"to": "approved", "version": 2})

    assert_refused(response, 400, "same_person", "status")


def test_a_step_with_a_stale_version_is_409(
    programme: Programme, woman: Person, township_chair, as_user
) -> None:
    enrolment = enrol(programme, woman, to=S.APPLIED)
    services.enrolment_set_compliance(actor=None, enrolment=enrolment, compliant=True, note="")

    response = as_user(township_chair).post(
        f"/enrolments/{enrolment.pk}/steps", {"to": "verified", "version": 1}
    )

    assert_refused(response, 409, "edit_conflict", None)
    enrolment.refresh_from_db()
    assert enrolment.status == S.APPLIED


def test_rejecting_needs_a_reason(
    programme: Programme, woman: Person, township_chair, as_user
) -> None:
    enrolment = enrol(programme, woman, to=S.APPLIED)
    api = as_user(township_chair)

    without = api.post(f"/enrolments/{enrolment.pk}/steps", {"to": "rejected", "version": 1})
    with_reason = api.post(
        f"/enrolments/{enrolment.pk}/steps",
        {"to": "rejected", "version": 1, "reason": "不符合条件"},
    )

    assert_refused(without, 400, "reason_required", "reason")
    assert with_reason.status_code == 200
    assert with_reason.json()["steps"][-1]["reason"] == "不符合条件"


def test_an_ineligible_application_names_the_failed_rule_in_two_languages(
    programme: Programme, woman: Person, village_director, county_admin, as_user
) -> None:
    services.rule_add(actor=None, programme=programme, kind="sex", sex="M")
    body = {"programme_id": programme.pk, "person_id": woman.pk, "on": "2014-03-01"}

    refused = as_user(village_director).post("/enrolments/", body)
    not_hers = as_user(village_director).post(
        "/enrolments/", {**body, "override_reason": "特殊困难"}
    )
    admitted = as_user(county_admin).post("/enrolments/", {**body, "override_reason": "特殊困难"})

    error = assert_refused(refused, 400, "ineligible", "person")
    assert "王芳" in error["message"]
    assert "does not meet the rules" in error["message_en"]
    assert_refused(not_hers, 400, "override_denied", "override_reason")
    assert admitted.status_code == 201, admitted.content
    enrolment = admitted.json()
    assert (enrolment["eligible"], enrolment["eligibility_override"]) == (False, "特殊困难")
    [failed] = enrolment["failed_rules"]
    assert failed["kind"] == "sex"
    assert failed["message"]
    assert failed["message_en"]
    assert Enrolment.objects.count() == 1


def test_applying_twice_in_a_round_is_refused(
    programme: Programme, woman: Person, village_director, as_user
) -> None:
    enrol(programme, woman, to=S.APPLIED)

    response = as_user(village_director).post(
        "/enrolments/", {"programme_id": programme.pk, "person_id": woman.pk, "on": "2014-04-01"}
    )

    assert_refused(response, 400, "already_enrolled", "person")


def test_applying_for_someone_out_of_scope_is_404(
    programme: Programme, make_person: MakePerson, neighbour_village, village_director, as_user
) -> None:
    theirs = make_person("王丽", residence=neighbour_village)

    response = as_user(village_director).post(
        "/enrolments/", {"programme_id": programme.pk, "person_id": theirs.pk, "on": "2014-03-01"}
    )

    assert response.status_code == 404
    assert Enrolment.objects.count() == 0


def test_another_village_director_does_not_see_this_villages_enrolments(
    programme: Programme, woman: Person, other_director, as_user
) -> None:
    enrolment = enrol(programme, woman)
    api = as_user(other_director)

    out_of_scope = api.get(f"/enrolments/{enrolment.pk}")
    missing = api.get(f"/enrolments/{enrolment.pk + 1000}")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    assert api.get("/enrolments/").json()["count"] == 0
    assert (
        api.post(f"/enrolments/{enrolment.pk}/compliance", {"compliant": True}).status_code == 404
    )


def test_enrolments_are_filtered(
    programme: Programme,
    make_programme: MakeProgramme,
    make_person: MakePerson,
    woman: Person,
    village_director,
    as_user,
) -> None:
    other = make_programme("另一个项目")
    neighbour = make_person("王丽")
    enrol(programme, woman, to=S.APPLIED)
    enrol(programme, neighbour, to=S.APPROVED)
    enrol(other, woman, to=S.VERIFIED)
    api = as_user(village_director)

    def found(**params: Any) -> list[tuple[str, str]]:
        response = api.get("/enrolments/", **params)
        assert response.status_code == 200, response.content
        return sorted((e["person_name"], e["status"]) for e in response.json()["items"])

    assert len(found()) == 3
    assert found(programme_id=programme.pk) == [("王丽", "approved"), ("王芳", "applied")]
    assert found(person_id=woman.pk) == [("王芳", "applied"), ("王芳", "verified")]
    assert found(status="verified") == [("王芳", "verified")]


def test_the_queue_holds_what_waits_for_each_user(
    programme: Programme,
    woman: Person,
    village_director,
    township_chair,
    county_admin,
    as_user,
) -> None:
    applied = as_user(village_director).post(
        "/enrolments/", {"programme_id": programme.pk, "person_id": woman.pk, "on": "2014-03-01"}
    )
    enrolment_id = applied.json()["id"]

    def queue(user: User) -> list[int]:
        response = as_user(user).get("/enrolments/queue", programme_id=programme.pk)
        assert response.status_code == 200, response.content
        return [e["id"] for e in response.json()["items"]]

    assert queue(village_director) == []
    assert queue(township_chair) == [enrolment_id]
    as_user(township_chair).post(
        f"/enrolments/{enrolment_id}/steps", {"to": "verified", "version": 1}
    )
    assert queue(township_chair) == []
    assert queue(county_admin) == [enrolment_id]


def test_compliance_is_recorded_and_a_lapse_needs_a_note(
    programme: Programme, woman: Person, village_director, as_user
) -> None:
    enrolment = enrol(programme, woman, to=S.ACTIVE)
    api = as_user(village_director)
    url = f"/enrolments/{enrolment.pk}/compliance"

    without_note = api.post(url, {"compliant": False})
    with_note = api.post(url, {"compliant": False, "note": "未参加培训"})

    assert_refused(without_note, 400, "reason_required", "compliance_note")
    assert with_note.status_code == 200, with_note.content
    assert (with_note.json()["compliant"], with_note.json()["compliance_note"]) == (
        False,
        "未参加培训",
    )


# --- benefits -------------------------------------------------------------------------------------


def test_goods_are_delivered_read_and_listed(
    programme: Programme, woman: Person, village_director, as_user
) -> None:
    enrol(programme, woman)
    api = as_user(village_director)

    delivered = api.post(
        "/benefits/",
        {
            "programme_id": programme.pk,
            "person_id": woman.pk,
            "on": "2014-03-08",
            "kind": "goods",
            "item": "大米",
            "quantity": "2",
            "measure": "袋",
            "amount": "120",
        },
    )

    assert delivered.status_code == 201, delivered.content
    benefit = delivered.json()
    assert (benefit["item"], Decimal(benefit["quantity"]), benefit["measure"]) == (
        "大米",
        Decimal(2),
        "袋",
    )
    assert benefit["has_evidence"] is False
    assert api.get(f"/benefits/{benefit['id']}").json() == benefit
    assert api.get("/benefits/", programme_id=programme.pk).json()["count"] == 1
    assert api.get("/benefits/", person_id=woman.pk).json()["items"] == [benefit]


def test_cash_without_a_fund_is_refused_on_its_field(
    programme: Programme, woman: Person, village_director, as_user
) -> None:
    enrol(programme, woman)

    response = as_user(village_director).post(
        "/benefits/",
        {"programme_id": programme.pk, "person_id": woman.pk, "kind": "cash", "amount": "100"},
    )

    assert_refused(response, 400, "cash_incomplete", "amount")
    assert Benefit.objects.count() == 0


def test_delivering_to_someone_not_enrolled_needs_an_administrators_override(
    programme: Programme, woman: Person, fund: Fund, village_director, county_admin, as_user
) -> None:
    body = {"programme_id": programme.pk, **cash_row(woman, fund, override_reason="急难救助")}

    refused = as_user(village_director).post("/benefits/", {**body, "override_reason": ""})
    not_hers = as_user(village_director).post("/benefits/", body)
    admitted = as_user(county_admin).post("/benefits/", body)

    assert_refused(refused, 400, "not_enrolled", "person")
    assert_refused(not_hers, 400, "override_denied", "override_reason")
    assert admitted.status_code == 201, admitted.content
    assert admitted.json()["override_reason"] == "急难救助"


def test_another_village_director_does_not_see_this_villages_benefits(
    programme: Programme, woman: Person, fund: Fund, village_director, other_director, as_user
) -> None:
    enrol(programme, woman)
    benefit = as_user(village_director).post(
        "/benefits/", {"programme_id": programme.pk, **cash_row(woman, fund)}
    )
    api = as_user(other_director)

    out_of_scope = api.get(f"/benefits/{benefit.json()['id']}")
    missing = api.get(f"/benefits/{benefit.json()['id'] + 1000}")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    assert api.get("/benefits/").json()["count"] == 0
    assert api.get("/benefits/", programme_id=programme.pk).json()["count"] == 0


def written() -> tuple[int, int, int, int]:
    return (
        Benefit.objects.count(),
        FundEntry.objects.count(),
        Enrolment.objects.filter(status=S.ACTIVE).count(),
        AuditEntry.objects.count(),
    )


def test_a_list_is_delivered_all_or_nothing(
    programme: Programme,
    make_person: MakePerson,
    woman: Person,
    fund: Fund,
    village_director,
    as_user,
) -> None:
    enrol(programme, woman)
    second = make_person("李梅")
    enrol(programme, second)
    never = make_person("王丽")
    api = as_user(village_director)
    before = written()

    response = api.post(
        "/benefits/deliveries",
        {
            "programme_id": programme.pk,
            "deliveries": [cash_row(woman, fund), cash_row(never, fund), cash_row(second, fund)],
        },
    )

    body = assert_refused(response, 400, "deliveries_refused", "deliveries")
    assert "1 of the 3 rows" in body["message_en"]
    [error] = body["errors"]
    assert (error["row"], error["person_id"], error["code"], error["field"]) == (
        2,
        never.pk,
        "not_enrolled",
        "person",
    )
    assert error["message"]
    assert "王丽" in error["message_en"]
    assert written() == before
    assert finance.fund_balance(fund) == 20000


def test_a_list_with_valid_only_records_the_rows_that_pass(
    programme: Programme,
    make_person: MakePerson,
    woman: Person,
    fund: Fund,
    village_director,
    as_user,
) -> None:
    enrol(programme, woman)
    never = make_person("王丽")

    response = as_user(village_director).post(
        "/benefits/deliveries",
        {
            "programme_id": programme.pk,
            "valid_only": True,
            "deliveries": [cash_row(never, fund), cash_row(woman, fund, "800")],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    [benefit] = Benefit.objects.all()
    assert body["created"] == [benefit.pk]
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(1, "not_enrolled")]
    assert (benefit.person, benefit.amount) == (woman, 800)
    assert finance.fund_balance(fund) == 19200


def test_a_row_naming_someone_out_of_scope_refuses_the_list(
    programme: Programme,
    make_person: MakePerson,
    neighbour_village,
    woman: Person,
    fund: Fund,
    village_director,
    as_user,
) -> None:
    enrol(programme, woman)
    theirs = make_person("王丽", residence=neighbour_village)
    enrol(programme, theirs)
    api = as_user(village_director)
    before = written()

    response = api.post(
        "/benefits/deliveries",
        {
            "programme_id": programme.pk,
            "deliveries": [cash_row(woman, fund), cash_row(theirs, fund)],
        },
    )

    body = assert_refused(response, 400, "deliveries_refused", "deliveries")
    assert [(e["row"], e["code"], e["field"]) for e in body["errors"]] == [
        (2, "not_found", "person_id")
    ]
    assert written() == before


def test_a_malformed_list_is_422(programme: Programme, village_director, as_user) -> None:
    response = as_user(village_director).post(
        "/benefits/deliveries", {"programme_id": programme.pk, "deliveries": []}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


# --- funds ----------------------------------------------------------------------------------------


def test_a_fund_is_read_with_its_balance_and_ledger(fund: Fund, county_admin, as_user) -> None:
    api = as_user(county_admin)
    donor = services.organisation_get_or_create(actor=None, name="爱心企业", kind="enterprise")

    received = api.post(
        f"/funds/{fund.pk}/receive",
        {"on": "2014-02-01", "amount": "5000", "description": "捐款", "counterpart_id": donor.pk},
    )
    spent = api.post(
        f"/funds/{fund.pk}/spend", {"on": "2014-02-10", "amount": "1000", "description": "转拨"}
    )

    assert received.status_code == spent.status_code == 201, received.content
    assert (Decimal(received.json()["amount"]), received.json()["counterpart_id"]) == (
        Decimal(5000),
        donor.pk,
    )
    assert Decimal(spent.json()["amount"]) == -1000
    assert [f["name"] for f in api.get("/funds/").json()["items"]] == ["救助金"]
    assert Decimal(api.get(f"/funds/{fund.pk}").json()["balance"]) == 24000
    assert Decimal(api.get(f"/funds/{fund.pk}", on="2014-01-31").json()["balance"]) == 20000
    ledger = api.get(f"/funds/{fund.pk}/ledger").json()
    assert [Decimal(line["balance"]) for line in ledger["lines"]] == [20000, 25000, 24000]
    assert (Decimal(ledger["opening"]), Decimal(ledger["closing"])) == (Decimal(0), Decimal(24000))
    later = api.get(f"/funds/{fund.pk}/ledger", start="2014-02-05").json()
    assert (Decimal(later["opening"]), len(later["lines"])) == (Decimal(25000), 1)


def test_spending_more_than_the_fund_holds_is_refused(fund: Fund, county_admin, as_user) -> None:
    response = as_user(county_admin).post(
        f"/funds/{fund.pk}/spend", {"on": "2014-02-10", "amount": "30000", "description": "转拨"}
    )

    assert_refused(response, 400, "fund_short", "amount")
    assert finance.fund_balance(fund) == 20000


def test_a_fund_is_opened_by_the_county_administrator(
    tree: Tree, village: OrgUnit, county_admin, village_director, as_user
) -> None:
    opened = as_user(county_admin).post(
        "/funds/",
        {
            "owner_id": tree.county.pk,
            "name": "培训经费",
            "source": "government",
            "opened_on": "2014-01-01",
        },
    )
    refused = as_user(village_director).post(
        "/funds/",
        {"owner_id": village.pk, "name": "村经费", "source": "other", "opened_on": "2014-01-01"},
    )

    assert opened.status_code == 201, opened.content
    assert (opened.json()["name"], Decimal(opened.json()["balance"])) == ("培训经费", Decimal(0))
    assert refused.status_code == 403
    assert Fund.objects.count() == 1


def test_only_those_who_approve_move_money_and_villages_do_not_see_county_funds(
    fund: Fund, county_staff, village_director, as_user
) -> None:
    body = {"on": "2014-02-01", "amount": "100", "description": "捐款"}

    assert as_user(county_staff).post(f"/funds/{fund.pk}/receive", body).status_code == 403
    assert as_user(village_director).post(f"/funds/{fund.pk}/receive", body).status_code == 404
    assert as_user(village_director).get(f"/funds/{fund.pk}").status_code == 404
    assert as_user(village_director).get("/funds/").json()["count"] == 0
    assert FundEntry.objects.count() == 1


# --- loans ----------------------------------------------------------------------------------------


@pytest.fixture
def loan_programme(make_programme: MakeProgramme) -> Programme:
    return make_programme("巾帼创业贷款", kind=ProgrammeKind.LOAN, work_area=WorkArea.PROSPERITY)


@pytest.fixture
def bank() -> Organisation:
    return services.organisation_get_or_create(
        actor=None, name="农商银行", kind=OrganisationKind.BANK
    )


def loan_body(enrolment: Enrolment, bank: Organisation) -> dict[str, Any]:
    return {
        "enrolment_id": enrolment.pk,
        "bank_id": bank.pk,
        "principal": "50000",
        "interest_rate": "6.15",
        "subsidy_rate": "100",
        "term_months": 24,
        "disbursed_on": "2014-04-01",
        "contract_number": "NS-2014-001",
    }


def test_a_loan_is_recorded_with_its_schedule_and_repaid(
    loan_programme: Programme, woman: Person, bank: Organisation, village_director, as_user
) -> None:
    enrolment = enrol(loan_programme, woman)
    api = as_user(village_director)

    recorded = api.post("/loans/", loan_body(enrolment, bank))

    assert recorded.status_code == 201, recorded.content
    loan = recorded.json()
    assert (loan["person_name"], loan["bank_name"], loan["method"]) == (
        "王芳",
        "农商银行",
        "quarterly_interest",
    )
    assert len(loan["schedule"]) == 8
    assert Decimal(loan["schedule"][-1]["principal"]) == 50000
    assert Decimal(loan["subsidy_due"]) == sum(Decimal(i["interest"]) for i in loan["schedule"])

    repaid = api.post(f"/loans/{loan['id']}/repayments", {"on": "2014-07-01", "amount": "768.75"})
    overpaid = api.post(f"/loans/{loan['id']}/repayments", {"on": "2014-07-02", "amount": "99999"})

    assert repaid.status_code == 201, repaid.content
    assert_refused(overpaid, 400, "overpaid", "amount")
    after = api.get(f"/loans/{loan['id']}").json()
    assert [Decimal(r["amount"]) for r in after["repayments"]] == [Decimal("768.75")]
    assert Decimal(after["position"]["paid"]) == Decimal("768.75")
    assert Decimal(after["subsidy_paid"]) == 0


def test_loans_are_listed_with_where_they_stand(
    loan_programme: Programme,
    make_programme: MakeProgramme,
    woman: Person,
    bank: Organisation,
    village_director,
    other_director,
    as_user,
) -> None:
    enrolment = enrol(loan_programme, woman)
    finance.loan_record(actor=None, **_loan_terms(enrolment, bank))
    other = make_programme("另一个贷款", kind=ProgrammeKind.LOAN)

    listed = as_user(village_director).get("/loans/", programme_id=loan_programme.pk).json()

    [loan] = listed["items"]
    position = loan["position"]
    # Disbursed in 2014 and never repaid: today every instalment is overdue.
    assert (position["status"], Decimal(position["paid"])) == ("overdue", Decimal(0))
    assert position["days_overdue"] > 0
    assert Decimal(position["outstanding"]) == Decimal(position["total_due"]) > 50000
    assert as_user(village_director).get("/loans/", programme_id=other.pk).json()["count"] == 0
    assert as_user(other_director).get("/loans/").json()["count"] == 0
    assert as_user(other_director).get(f"/loans/{loan['id']}").status_code == 404


def test_an_interest_subsidy_is_delivered_against_the_loan(
    loan_programme: Programme,
    woman: Person,
    bank: Organisation,
    fund: Fund,
    village_director,
    as_user,
) -> None:
    loan = finance.loan_record(actor=None, **_loan_terms(enrol(loan_programme, woman), bank))
    api = as_user(village_director)

    delivered = api.post(
        "/benefits/",
        {"programme_id": loan_programme.pk, **cash_row(woman, fund, "768.75", loan_id=loan.pk)},
    )

    assert delivered.status_code == 201, delivered.content
    assert delivered.json()["loan_id"] == loan.pk
    assert Decimal(api.get(f"/loans/{loan.pk}").json()["subsidy_paid"]) == Decimal("768.75")


def _loan_terms(enrolment: Enrolment, bank: Organisation) -> dict[str, Any]:
    return {
        "enrolment": enrolment,
        "bank": bank,
        "principal": Decimal(50000),
        "interest_rate": Decimal("6.15"),
        "subsidy_rate": Decimal(100),
        "term_months": 24,
        "disbursed_on": dt.date(2014, 4, 1),
    }


def test_a_loan_in_a_programme_that_is_not_for_loans_is_refused(
    programme: Programme, woman: Person, bank: Organisation, village_director, as_user
) -> None:
    enrolment = enrol(programme, woman)

    response = as_user(village_director).post("/loans/", loan_body(enrolment, bank))

    assert_refused(response, 400, "not_a_loan_programme", "programme")
    assert Loan.objects.count() == 0


# --- projects -------------------------------------------------------------------------------------


@pytest.fixture
def building(make_programme: MakeProgramme) -> Programme:
    return make_programme(
        "妇女儿童之家建设", kind=ProgrammeKind.CONSTRUCTION, work_area=WorkArea.ORGANISATION
    )


def create_project(api: Any, building: Programme, village: OrgUnit, funder: Organisation) -> Any:
    return api.post(
        "/projects/",
        {
            "programme_id": building.pk,
            "name": "舍力虎村妇女儿童之家",
            "site_id": village.pk,
            "budget": "300000",
            "floor_area": "240.5",
            "rooms": 6,
            "funding": [{"funder_id": funder.pk, "amount": "200000"}],
        },
    )


def test_a_project_is_created_funded_built_and_its_milestones_reached(
    building: Programme,
    village: OrgUnit,
    fund: Fund,
    county_admin,
    village_director,
    as_user,
) -> None:
    admin = as_user(county_admin)
    funder = services.organisation_get_or_create(actor=None, name="爱心企业", kind="enterprise")

    created = create_project(admin, building, village, funder)

    assert created.status_code == 201, created.content
    project = created.json()
    assert (project["site_name"], project["status"], project["version"]) == ("村1-1", "planned", 1)
    assert [(f["funder_name"], Decimal(f["amount"])) for f in project["funding"]] == [
        ("爱心企业", Decimal(200000))
    ]
    url = f"/projects/{project['id']}"

    spent = admin.post(
        f"/funds/{fund.pk}/spend",
        {"on": "2014-05-01", "amount": "8000", "description": "地基", "project_id": project["id"]},
    )
    building_now = admin.post(f"{url}/status", {"status": "building", "version": 1})
    stale = admin.post(f"{url}/status", {"status": "completed", "version": 1})
    milestone = admin.post(f"{url}/milestones", {"name": "封顶", "planned_on": "2014-08-01"})
    reached = as_user(village_director).post(
        f"{url}/milestones/{milestone.json()['id']}/reach", {"on": "2014-08-05", "note": "按期"}
    )

    assert spent.status_code == 201, spent.content
    assert building_now.status_code == 200
    assert (building_now.json()["status"], building_now.json()["version"]) == ("building", 2)
    assert_refused(stale, 409, "edit_conflict", None)
    assert milestone.status_code == 201
    assert reached.status_code == 200, reached.content
    assert (reached.json()["reached_on"], reached.json()["note"]) == ("2014-08-05", "按期")
    final = as_user(village_director).get(url).json()
    assert Decimal(final["spent"]) == 8000
    assert [m["reached_on"] for m in final["milestones"]] == ["2014-08-05"]
    assert final["photos"] == []
    assert [p["id"] for p in admin.get("/projects/", programme_id=building.pk).json()["items"]] == [
        project["id"]
    ]


def test_projects_are_set_up_by_the_county_and_reached_at_their_site_only(
    building: Programme,
    village: OrgUnit,
    county_admin,
    village_director,
    other_director,
    as_user,
) -> None:
    funder = services.organisation_get_or_create(actor=None, name="爱心企业", kind="enterprise")
    project = create_project(as_user(county_admin), building, village, funder).json()
    url = f"/projects/{project['id']}"
    milestone = as_user(county_admin).post(
        f"{url}/milestones", {"name": "封顶", "planned_on": "2014-08-01"}
    )

    by_director = create_project(as_user(village_director), building, village, funder)
    milestone_by_director = as_user(village_director).post(
        f"{url}/milestones", {"name": "验收", "planned_on": "2014-10-01"}
    )
    reached_elsewhere = as_user(other_director).post(
        f"{url}/milestones/{milestone.json()['id']}/reach", {"on": "2014-08-05"}
    )

    assert by_director.status_code == milestone_by_director.status_code == 403
    assert reached_elsewhere.status_code == 403
    assert reached_elsewhere.json() == FORBIDDEN
    assert Project.objects.count() == 1
    assert Project.objects.get().milestones.get().reached_on is None


def test_a_project_outside_a_construction_programme_is_refused(
    programme: Programme, village: OrgUnit, county_admin, as_user
) -> None:
    funder = services.organisation_get_or_create(actor=None, name="爱心企业", kind="enterprise")

    response = create_project(as_user(county_admin), programme, village, funder)

    assert_refused(response, 400, "not_a_construction_programme", "programme")


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_lists_the_programme_endpoints_and_says_where_files_go(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/programmes/",
        "/api/v1/programmes/{programme_id}/figures",
        "/api/v1/enrolments/queue",
        "/api/v1/enrolments/{enrolment_id}/steps",
        "/api/v1/benefits/deliveries",
        "/api/v1/funds/{fund_id}/ledger",
        "/api/v1/loans/{loan_id}/repayments",
        "/api/v1/projects/{project_id}/milestones/{milestone_id}/reach",
    } <= set(schema["paths"])
    deliver = schema["paths"]["/api/v1/benefits/"]["post"]["description"]
    assert "web page" in deliver
    for name in ("EnrolmentOut", "BenefitOut", "LoanOut"):
        text = str(schema["components"]["schemas"][name])
        assert "id_number" not in text
        assert "phone" not in text
