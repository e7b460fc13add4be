"""The programme pages do what they say: set-up, applications refused with every failed rule,
the chain of checks, delivery one by one and to a list, funds, loans, projects and the private
files behind them.

Who may reach which page is tested in test_access_matrix; this file tests what they do there,
and that scope holds for the objects a village director of another village asks for by number.
"""

# The fixtures shared with the people and programmes tests are imported, then named as arguments.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.people.models import Person
from jinguo.people.services import category_add, household_create
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.programmes import finance, services
from jinguo.programmes.choices import (
    Beneficiary,
    CycleStatus,
    EnrolmentStatus,
    ProgrammeKind,
    RuleKind,
)
from jinguo.programmes.models import (
    Benefit,
    Enrolment,
    Fund,
    Loan,
    Organisation,
    Programme,
    Project,
    Rule,
)
from jinguo.programmes.services import Delivery
from jinguo.programmes.tests.conftest import fund, make_programme, woman  # noqa: F401 - fixtures
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2014, 3, 1)
DELIVERED = dt.date(2014, 3, 8)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def png(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (176, 42, 62)).save(buffer, format="PNG")
    return buffer.getvalue()


def enrol(
    programme: Programme,
    person: Person,
    applicant: User,
    *,
    verifier: User | None = None,
    approver: User | None = None,
) -> Enrolment:
    enrolment = services.enrolment_apply(
        actor=applicant, programme=programme, person=person, on=APPLIED
    )
    if verifier is not None:
        enrolment = services.enrolment_advance(actor=verifier, enrolment=enrolment, to="verified")
    if approver is not None:
        enrolment = services.enrolment_advance(actor=approver, enrolment=enrolment, to="approved")
    return enrolment


@pytest.fixture
def approved(
    make_programme: Any, woman: Person, village_director: User, township_chair: User, county_admin
) -> Enrolment:
    """王芳 approved in the county's cash aid of 2014."""
    return enrol(
        make_programme(), woman, village_director, verifier=township_chair, approver=county_admin
    )


def pay(enrolment: Enrolment, fund: Fund, amount: int = 1000, **fields: Any) -> Benefit:
    return services.benefit_deliver(
        actor=None,
        programme=enrolment.programme,
        delivery=Delivery(
            person=enrolment.person,
            on=DELIVERED,
            kind="cash",
            amount=Decimal(amount),
            fund=fund,
            **fields,
        ),
    )


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


# --- every page, for someone allowed --------------------------------------------------------------


def test_every_programme_page_renders_for_the_county_admin(
    tree: Tree,
    client: Client,
    county_admin: User,
    make_programme: Any,
    approved: Enrolment,
    fund: Fund,
    woman: Person,
    village_director: User,
    township_chair: User,
) -> None:
    programme = approved.programme
    rule = services.rule_add(actor=None, programme=programme, kind="sex", sex="F")
    cycle = programme.cycles.get()
    benefit = pay(approved, fund, evidence=SimpleUploadedFile("收据.png", png()))
    loans = make_programme("妇女创业贴息贷款", kind=ProgrammeKind.LOAN)
    loan_enrolment = enrol(
        loans, woman, village_director, verifier=township_chair, approver=county_admin
    )
    bank = services.organisation_get_or_create(actor=None, name="农商银行", kind="bank")
    finance.loan_record(
        actor=None,
        enrolment=loan_enrolment,
        bank=bank,
        principal=Decimal(50000),
        interest_rate=Decimal("6.15"),
        subsidy_rate=Decimal(100),
        term_months=24,
        disbursed_on=dt.date(2014, 4, 1),
    )
    works = make_programme("儿童之家建设", kind=ProgrammeKind.CONSTRUCTION, budget=Decimal(300000))
    project = finance.project_create(
        actor=None,
        programme=works,
        name="村1-1儿童之家",
        site=tree.village(0, 0),
        budget=Decimal(200000),
        funding={bank: Decimal(50000)},
    )
    finance.milestone_add(actor=None, project=project, name="开工", planned_on=dt.date(2014, 5, 1))
    photo = finance.project_photo_add(
        actor=None, project=project, image=SimpleUploadedFile("工地.png", png())
    )
    client = signed_in(client, county_admin)

    pages = [
        url("programme_index"),
        url("programme_create"),
        url("enrolment_queue"),
        url("programme_detail", programme_id=programme.pk),
        url("programme_detail", programme_id=loans.pk),
        url("programme_detail", programme_id=works.pk),
        url("programme_edit", programme_id=programme.pk),
        url("programme_rules", programme_id=programme.pk),
        url("programme_cycles", programme_id=programme.pk),
        url("enrolment_apply", programme_id=programme.pk),
        url("enrolment_apply", programme_id=programme.pk) + f"?person={woman.pk}",
        url("person_apply", person_id=woman.pk),
        url("benefit_deliver", programme_id=programme.pk),
        url("benefit_deliver_list", programme_id=programme.pk),
        url("benefit_deliver_list", programme_id=programme.pk) + f"?cycle={cycle.pk}",
        url("enrolment_detail", enrolment_id=approved.pk),
        url("enrolment_detail", enrolment_id=loan_enrolment.pk),
        url("benefit_detail", benefit_id=benefit.pk),
        url("benefit_evidence", benefit_id=benefit.pk),
        url("fund_index"),
        url("fund_create"),
        url("fund_detail", fund_id=fund.pk),
        url("fund_receive", fund_id=fund.pk),
        url("fund_spend", fund_id=fund.pk),
        url("project_create", programme_id=works.pk),
        url("project_detail", project_id=project.pk),
        url("project_photo", project_id=project.pk, photo_id=photo.pk),
        url("person_detail", person_id=woman.pk),
        url("work_area", key="livelihood"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert rule.pk


# --- the list and the programme page --------------------------------------------------------------


def test_the_list_counts_enrolled_and_served_in_the_viewers_area_only(
    client: Client,
    approved: Enrolment,
    fund: Fund,
    make_person: Any,
    neighbour_village,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    pay(approved, fund)
    neighbour = make_person("李丽", residence=neighbour_village)
    other_director = make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)
    enrol(approved.programme, neighbour, other_director)

    mine = signed_in(client, village_director).get(url("programme_index"))
    row = mine.context["rows"][0]
    assert (row["programme"], row["enrolled"], row["served"]) == (approved.programme, 1, 1)

    chair = signed_in(client, township_chair).get(
        url("programme_detail", programme_id=approved.programme.pk)
    )
    figures = chair.context["figures"]
    assert (figures.applied, figures.enrolled, figures.served, figures.cash) == (
        1,
        1,
        1,
        Decimal(1000),
    )
    assert figures.budget is None  # the township does not see the whole county's programme
    names = [e.person.name for e in chair.context["page"]]
    assert sorted(names) == ["李丽", "王芳"]

    director = signed_in(client, village_director).get(
        url("programme_detail", programme_id=approved.programme.pk)
    )
    assert [e.person.name for e in director.context["page"]] == ["王芳"]
    assert "李丽" not in director.content.decode()


def test_the_programme_page_filters_by_status_and_period(
    client: Client, approved: Enrolment, fund: Fund, county_admin: User
) -> None:
    pay(approved, fund)
    page = url("programme_detail", programme_id=approved.programme.pk)
    client = signed_in(client, county_admin)

    applied = client.get(page, {"status": "applied"})
    later = client.get(page, {"start": "2014-06-01"})

    assert list(applied.context["page"]) == []
    assert later.context["figures"].served == 0
    assert later.context["figures"].cash == 0
    assert client.get(page).context["figures"].cash == Decimal(1000)
    assert client.get(page).context["budget_percent"] is None  # no budget set


def test_a_programme_of_another_county_is_not_found(client: Client, village_director: User) -> None:
    from jinguo.testing import build_tree

    other = build_tree(county_code="150524")
    theirs = services.programme_create(
        actor=None,
        owner=other.county,
        name="他旗项目",
        work_area="livelihood",
        kind="cash_aid",
        start=dt.date(2014, 1, 1),
    )

    response = signed_in(client, village_director).get(
        url("programme_detail", programme_id=theirs.pk)
    )

    assert response.status_code == 404


# --- scope: a director of another village ---------------------------------------------------------


def test_a_director_of_another_village_cannot_open_this_villages_records(
    client: Client, approved: Enrolment, fund: Fund, neighbour_village
) -> None:
    benefit = pay(approved, fund, evidence=SimpleUploadedFile("收据.png", png()))
    steps = approved.steps.count()
    stranger = make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)
    client = signed_in(client, stranger)

    # She sees the county's programme, which reaches her village too …
    assert (
        client.get(url("programme_detail", programme_id=approved.programme.pk)).status_code == 200
    )
    # … but not the enrolment, the benefit or the receipt of a woman of another village.
    for page in (
        url("enrolment_detail", enrolment_id=approved.pk),
        url("benefit_detail", benefit_id=benefit.pk),
        url("benefit_evidence", benefit_id=benefit.pk),
        url("loan_record", enrolment_id=approved.pk),
        url("enrolment_apply", programme_id=approved.programme.pk)
        + f"?person={approved.person.pk}",
    ):
        assert client.get(page).status_code == 404, page
    for action in ("enrolment_step", "enrolment_compliance"):
        response = client.post(url(action, enrolment_id=approved.pk), {"to": "active"})
        assert response.status_code == 404, action
    assert approved.steps.count() == steps
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE  # as the delivery left it


# --- applying -------------------------------------------------------------------------------------


def test_a_refused_application_names_every_failed_rule_in_chinese(
    client: Client, make_programme: Any, woman: Person, village_director: User
) -> None:
    programme = make_programme()
    services.rule_add(actor=None, programme=programme, kind="category", category="low_income")
    services.rule_add(actor=None, programme=programme, kind="age", min_age=18, max_age=30)

    response = signed_in(client, village_director).post(
        url("enrolment_apply", programme_id=programme.pk),
        {"person": woman.pk, "on": "2014-03-01", "note": ""},
    )

    assert response.status_code == 200
    assert not Enrolment.objects.exists()
    title = response.context["form"].non_field_errors()
    assert "王芳" in title[0]
    failures = response.context["failures"]
    assert len(failures) == 2
    assert "低保对象" in failures[0]  # the category, in Chinese
    assert "33" in failures[1]  # her age on the day
    html = response.content.decode()
    assert 'id="failed-rules"' in html
    # The director may not set a rule aside: the page does not offer it.
    assert "override_reason" not in response.context["form"].fields


def test_a_county_admin_may_admit_despite_a_rule_with_a_reason(
    client: Client, make_programme: Any, woman: Person, county_admin: User
) -> None:
    programme = make_programme()
    services.rule_add(actor=None, programme=programme, kind="category", category="low_income")
    page = url("enrolment_apply", programme_id=programme.pk)
    client = signed_in(client, county_admin)

    form = client.get(page, {"person": woman.pk}).context["form"]
    response = client.post(
        page,
        {
            "person": woman.pk,
            "on": "2014-03-01",
            "override_reason": "低保审批中，先行救助",
        },
    )

    assert "override_reason" in form.fields
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("enrolment_detail", enrolment_id=enrolment.pk)
    assert not enrolment.eligible
    assert enrolment.eligibility_override == "低保审批中，先行救助"


def test_applying_for_someone_already_enrolled_is_refused_on_the_form(
    client: Client, approved: Enrolment, village_director: User
) -> None:
    response = signed_in(client, village_director).post(
        url("enrolment_apply", programme_id=approved.programme.pk),
        {"person": approved.person.pk, "on": "2014-04-01"},
    )

    assert response.status_code == 200
    assert "王芳" in response.context["form"].non_field_errors()[0]
    assert Enrolment.objects.count() == 1


def test_the_apply_search_finds_only_people_the_user_may_enter(
    client: Client,
    make_programme: Any,
    make_person: Any,
    neighbour_village,
    township_chair: User,
    village_director: User,
) -> None:
    programme = make_programme()
    make_person("王芳")
    make_person("王丽", residence=neighbour_village)
    page = url("enrolment_apply", programme_id=programme.pk)

    mine = signed_in(client, village_director).get(page, {"q": "wang"})
    chair = signed_in(client, township_chair).get(page, {"q": "wang"})
    # A search for a name is redirected to an address; for a number it is answered in place.
    by_post = client.post(page, {"q": "wang"})
    by_number = client.post(page, {"q": "15252619800501123X"})

    assert [row["person"].name for row in mine.context["found"]] == ["王芳"]
    assert sorted(row["person"].name for row in chair.context["found"]) == ["王丽", "王芳"]
    assert by_post.status_code == 302
    assert by_post["Location"] == f"{page}?q=wang"
    assert by_number.status_code == 200


def test_a_household_programme_asks_for_her_household(
    client: Client, make_programme: Any, woman: Person, village_director: User
) -> None:
    programme = make_programme("困难家庭救助", beneficiary=Beneficiary.HOUSEHOLD)
    household = household_create(actor=None, head=woman, on=dt.date(2010, 1, 1))
    page = url("enrolment_apply", programme_id=programme.pk)
    client = signed_in(client, village_director)

    form = client.get(page, {"person": woman.pk}).context["form"]
    client.post(page, {"person": woman.pk, "on": "2014-03-01", "household": household.pk})

    assert list(form.fields["household"].queryset) == [household]
    assert Enrolment.objects.get().household == household


def test_the_person_page_lists_her_programmes_and_offers_to_apply(
    client: Client, approved: Enrolment, fund: Fund, make_programme: Any, village_director: User
) -> None:
    pay(approved, fund)
    other = make_programme("春蕾助学")
    make_programme("已结束项目", status="closed")
    client = signed_in(client, village_director)

    person_page = client.get(url("person_detail", person_id=approved.person.pk))
    choose = client.get(url("person_apply", person_id=approved.person.pk))

    assert list(person_page.context["enrolments"]) == [approved]
    assert [b.amount for b in person_page.context["benefits"]] == [Decimal(1000)]
    assert url("person_apply", person_id=approved.person.pk) in person_page.content.decode()
    assert set(choose.context["programmes"]) == {approved.programme, other}


# --- the chain of checks --------------------------------------------------------------------------


def test_verify_then_approve_from_the_enrolment_page(
    client: Client,
    make_programme: Any,
    woman: Person,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    enrolment = enrol(make_programme(), woman, village_director)
    page = url("enrolment_detail", enrolment_id=enrolment.pk)
    step = url("enrolment_step", enrolment_id=enrolment.pk)

    director_buttons = signed_in(client, village_director).get(page).context["step_buttons"]
    chair_buttons = signed_in(client, township_chair).get(page).context["step_buttons"]
    verified = client.post(step, {"to": "verified", "reason": "入户核实", "version": 1})
    admin_buttons = signed_in(client, county_admin).get(page).context["step_buttons"]
    approved = client.post(step, {"to": "approved", "version": 2})

    assert [to for to, _label in director_buttons] == ["exited"]
    assert [to for to, _label in chair_buttons] == ["verified", "rejected", "exited"]
    assert [to for to, _label in admin_buttons] == ["approved", "rejected", "exited"]
    assert verified.status_code == approved.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.APPROVED
    steps = list(enrolment.steps.values_list("to_status", "reason", "actor__username"))
    assert steps == [
        ("applied", "", "village-director"),
        ("verified", "入户核实", "township-chair"),
        ("approved", "", "county-admin"),
    ]


def test_rejecting_without_a_reason_is_refused_on_the_reason_field(
    client: Client, make_programme: Any, woman: Person, village_director: User, township_chair
) -> None:
    enrolment = enrol(make_programme(), woman, village_director)

    response = signed_in(client, township_chair).post(
        url("enrolment_step", enrolment_id=enrolment.pk), {"to": "rejected", "version": 1}
    )

    assert response.status_code == 200
    assert response.context["step_form"].errors["reason"]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.APPLIED


def test_a_step_the_role_may_not_take_is_forbidden(
    client: Client, make_programme: Any, woman: Person, village_director: User
) -> None:
    enrolment = enrol(make_programme(), woman, village_director)

    response = signed_in(client, village_director).post(
        url("enrolment_step", enrolment_id=enrolment.pk), {"to": "verified", "version": 1}
    )

    assert response.status_code == 403


def test_the_queue_shows_what_waits_and_takes_the_step_in_one_click(
    client: Client,
    make_programme: Any,
    woman: Person,
    make_person: Any,
    village_director: User,
    township_chair: User,
) -> None:
    programme = make_programme()
    second = make_programme("春蕾助学")
    enrol(programme, woman, village_director)
    other = enrol(second, make_person("李娜"), village_director)
    client = signed_in(client, township_chair)

    queue = client.get(url("enrolment_queue"))
    response = client.post(
        url("enrolment_step", enrolment_id=other.pk),
        {"to": "verified", "reason": "", "version": 1, "next": "queue"},
    )

    groups = queue.context["groups"]
    assert [group["programme"].name for group in groups] == ["单亲母亲救助", "春蕾助学"]
    assert [row["to"] for group in groups for row in group["rows"]] == ["verified", "verified"]
    assert response.status_code == 302
    assert response["Location"] == url("enrolment_queue")
    other.refresh_from_db()
    assert other.status == EnrolmentStatus.VERIFIED
    # Her own step is not waiting for her any more.
    assert len(client.get(url("enrolment_queue")).context["page"]) == 1
    # The director has nothing to decide.
    director = signed_in(client, village_director).get(url("enrolment_queue"))
    assert director.context["groups"] == []


def test_a_refusal_from_the_queue_comes_back_as_a_message(
    client: Client, make_programme: Any, woman: Person, village_director: User, township_chair
) -> None:
    enrolment = enrol(make_programme(), woman, village_director)
    cycle = enrolment.cycle
    services.cycle_set_status(actor=None, cycle=cycle, status=CycleStatus.APPROVED)

    response = signed_in(client, township_chair).post(
        url("enrolment_step", enrolment_id=enrolment.pk),
        {"to": "verified", "version": 1, "next": "queue"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith("王芳")


def test_compliance_lapse_needs_a_note(
    client: Client, approved: Enrolment, village_director: User
) -> None:
    page = url("enrolment_compliance", enrolment_id=approved.pk)
    client = signed_in(client, village_director)

    refused = client.post(page, {"compliant": "no", "compliance_note": ""})
    saved = client.post(page, {"compliant": "no", "compliance_note": "未按约参加培训"})

    assert refused.status_code == 200
    assert refused.context["compliance_form"].errors["compliance_note"]
    assert saved.status_code == 302
    approved.refresh_from_db()
    assert (approved.compliant, approved.compliance_note) == (False, "未按约参加培训")


# --- delivery -------------------------------------------------------------------------------------


def test_one_delivery_with_its_receipt_served_only_in_scope(
    client: Client,
    approved: Enrolment,
    fund: Fund,
    county_admin: User,
    village_director: User,
    neighbour_village,
) -> None:
    page = url("benefit_deliver", programme_id=approved.programme.pk)
    client = signed_in(client, county_admin)

    response = client.post(
        page,
        {
            "enrolment": approved.pk,
            "on": "2014-03-08",
            "kind": "cash",
            "amount": "800",
            "fund": fund.pk,
            "delivered_by": "张主任",
            "evidence": SimpleUploadedFile("收据.png", png(), content_type="image/png"),
        },
    )

    benefit = Benefit.objects.get()
    assert response.status_code == 302
    assert (benefit.amount, benefit.fund, benefit.delivered_by) == (Decimal(800), fund, "张主任")
    approved.refresh_from_db()
    assert approved.status == EnrolmentStatus.ACTIVE
    evidence = signed_in(client, village_director).get(
        url("benefit_evidence", benefit_id=benefit.pk)
    )
    assert evidence.status_code == 200
    assert evidence["Content-Type"] == "image/png"
    assert evidence["X-Content-Type-Options"] == "nosniff"
    assert evidence["Content-Disposition"].startswith("inline")
    assert "no-store" in evidence["Cache-Control"]
    assert b"".join(evidence.streaming_content) == png()  # type: ignore[attr-defined]
    stranger = make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)
    hidden = signed_in(client, stranger).get(url("benefit_evidence", benefit_id=benefit.pk))
    assert hidden.status_code == 404


def test_a_pdf_receipt_is_downloaded_not_shown(
    client: Client, approved: Enrolment, fund: Fund, county_admin: User
) -> None:
    benefit = pay(approved, fund, evidence=SimpleUploadedFile("收据.pdf", b"%PDF-1.4\n%%EOF\n"))

    response = signed_in(client, county_admin).get(url("benefit_evidence", benefit_id=benefit.pk))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("收据.exe", b"MZ\x90\x00", "type"),
        ("收据.jpg", b"this is not a photo", "type"),
        ("收据.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "size"),
    ],
)
def test_evidence_of_another_type_or_too_large_is_refused(
    client: Client,
    approved: Enrolment,
    fund: Fund,
    county_admin: User,
    name: str,
    content: bytes,
    problem: str,
) -> None:
    response = signed_in(client, county_admin).post(
        url("benefit_deliver", programme_id=approved.programme.pk),
        {
            "enrolment": approved.pk,
            "on": "2014-03-08",
            "kind": "cash",
            "amount": "800",
            "fund": fund.pk,
            "evidence": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not Benefit.objects.exists()


def test_a_delivery_over_the_rounds_cap_is_refused_on_the_amount(
    client: Client, approved: Enrolment, fund: Fund, county_admin: User
) -> None:
    cycle = approved.cycle
    cycle.cash_cap = Decimal(500)
    cycle.save()

    response = signed_in(client, county_admin).post(
        url("benefit_deliver", programme_id=approved.programme.pk),
        {
            "enrolment": approved.pk,
            "on": "2014-03-08",
            "kind": "cash",
            "amount": "800",
            "fund": fund.pk,
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["amount"]
    assert "500" in errors[0]
    assert not Benefit.objects.exists()


def test_goods_are_delivered_with_their_measure(
    client: Client, approved: Enrolment, village_director: User
) -> None:
    client = signed_in(client, village_director)
    page = url("benefit_deliver", programme_id=approved.programme.pk)

    form_page = client.get(page)
    client.post(
        page,
        {
            "enrolment": approved.pk,
            "on": "2014-03-08",
            "kind": "goods",
            "amount": "120",
            "item": "米",
            "quantity": "2",
            "measure": "袋",
        },
    )

    assert 'list="measures"' in form_page.content.decode()
    benefit = Benefit.objects.get()
    assert (benefit.item, benefit.quantity, benefit.measure) == ("米", Decimal(2), "袋")
    figures = client.get(url("programme_detail", programme_id=approved.programme.pk)).context[
        "figures"
    ]
    assert [(g.item, g.quantity, g.measure) for g in figures.goods] == [("米", Decimal(2), "袋")]


def _two_approved(
    approved: Enrolment, make_person: Any, village_director, township_chair, county_admin
) -> Enrolment:
    return enrol(
        approved.programme,
        make_person("李娜"),
        village_director,
        verifier=township_chair,
        approver=county_admin,
    )


def test_bulk_delivery_all_or_nothing_writes_nothing_when_one_row_is_refused(
    client: Client,
    approved: Enrolment,
    fund: Fund,
    make_person: Any,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    second = _two_approved(approved, make_person, village_director, township_chair, county_admin)
    cycle = approved.cycle
    cycle.cash_cap = Decimal(500)
    cycle.save()
    pay(second, fund, amount=400)  # 李娜 (listed first, by pinyin) has had 400 of her 500
    page = url("benefit_deliver_list", programme_id=approved.programme.pk)
    data = {
        "cycle": cycle.pk,
        "enrolments": [approved.pk, second.pk],
        "on": "2014-04-01",
        "kind": "cash",
        "amount": "300",
        "fund": fund.pk,
        "mode": "all",
    }
    client = signed_in(client, county_admin)
    before = finance.fund_balance(fund)

    response = client.post(page, data)

    assert response.status_code == 200
    assert [(e["row"], e["name"]) for e in response.context["errors"]] == [(1, "李娜")]
    assert "500" in response.context["errors"][0]["message"]
    assert response.context["written"] == 0
    assert Benefit.objects.count() == 1  # only the earlier 400
    assert finance.fund_balance(fund) == before
    assert 'id="bulk-errors"' in response.content.decode()

    valid_only = client.post(page, {**data, "mode": "valid"})

    assert valid_only.status_code == 200
    assert valid_only.context["written"] == 1
    assert [e["row"] for e in valid_only.context["errors"]] == [1]
    assert Benefit.objects.filter(person=approved.person).get().amount == Decimal(300)


def test_bulk_delivery_to_everyone_listed(
    client: Client,
    approved: Enrolment,
    make_person: Any,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    _two_approved(approved, make_person, village_director, township_chair, county_admin)
    page = url("benefit_deliver_list", programme_id=approved.programme.pk)
    client = signed_in(client, village_director)

    listed = client.get(page).context["listed"]
    response = client.post(
        page,
        {
            "cycle": approved.cycle.pk,
            "everyone": "on",
            "on": "2014-04-01",
            "kind": "service",
            "item": "法律咨询",
            "mode": "all",
        },
    )

    assert len(listed) == 2
    assert response.status_code == 302
    assert response["Location"] == url("programme_detail", programme_id=approved.programme.pk)
    assert Benefit.objects.filter(item="法律咨询").count() == 2


def test_bulk_delivery_needs_someone_ticked(
    client: Client, approved: Enrolment, county_admin: User
) -> None:
    response = signed_in(client, county_admin).post(
        url("benefit_deliver_list", programme_id=approved.programme.pk),
        {"cycle": approved.cycle.pk, "on": "2014-04-01", "kind": "service", "item": "x"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["enrolments"]


# --- POST-only actions ----------------------------------------------------------------------------

POST_ONLY = [
    ("rule_add", {"programme_id": 1}),
    ("rule_remove", {"programme_id": 1, "rule_id": 1}),
    ("cycle_add", {"programme_id": 1}),
    ("cycle_status", {"programme_id": 1, "cycle_id": 1}),
    ("enrolment_step", {"enrolment_id": 1}),
    ("enrolment_compliance", {"enrolment_id": 1}),
    ("loan_repay", {"enrolment_id": 1}),
    ("loan_subsidy", {"enrolment_id": 1}),
    ("project_status", {"project_id": 1}),
    ("milestone_add", {"project_id": 1}),
    ("milestone_reach", {"project_id": 1, "milestone_id": 1}),
    ("project_photo_add", {"project_id": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY)
def test_post_only_actions_refuse_get(
    client: Client, county_admin: User, name: str, kwargs: dict[str, int]
) -> None:
    response = signed_in(client, county_admin).get(url(name, **kwargs))

    assert response.status_code == 405


# --- set-up ---------------------------------------------------------------------------------------


def test_setting_up_a_programme_with_new_partners(
    tree: Tree, client: Client, county_admin: User
) -> None:
    services.organisation_get_or_create(actor=None, name="自治区妇联", kind="federation")
    existing = Organisation.objects.get()
    response = signed_in(client, county_admin).post(
        url("programme_create"),
        {
            "name": "两癌筛查",
            "owner": tree.county.pk,
            "work_area": "livelihood",
            "kind": "screening",
            "beneficiary": "person",
            "funders": [existing.pk],
            "new_partners": "旗卫健委、旗人民医院",
            "new_kind": "government",
            "start": "2015-01-01",
            "end": "2015-12-31",
            "budget": "80000",
            "target": "500",
            "status": "open",
        },
    )

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("programme_detail", programme_id=programme.pk)
    assert sorted(o.name for o in programme.partners.all()) == ["旗人民医院", "旗卫健委"]
    assert [o.name for o in programme.funders.all()] == ["自治区妇联"]
    assert programme.partners.first().kind == "government"  # type: ignore[union-attr]
    assert programme.cycles.get().name == "2015"


def test_only_who_approves_at_the_owner_may_set_up_programmes(
    tree: Tree, client: Client, township_chair: User, make_programme: Any
) -> None:
    programme = make_programme()
    staff = make_user("county-staff", Role.COUNTY_STAFF, tree.county)
    chair = signed_in(client, township_chair)

    assert chair.get(url("programme_create")).status_code == 404
    # The county's unit is out of her sight: its set-up pages are not found …
    assert chair.get(url("programme_edit", programme_id=programme.pk)).status_code == 404
    assert chair.get(url("programme_index")).context["can_create"] is False
    # … while county staff see the county and are refused.
    staff_client = signed_in(Client(), staff)
    assert staff_client.get(url("programme_edit", programme_id=programme.pk)).status_code == 403
    rules = staff_client.get(url("programme_rules", programme_id=programme.pk))
    assert rules.context["form"] is None


def test_editing_a_programme_with_a_stale_version_is_refused(
    client: Client, county_admin: User, make_programme: Any
) -> None:
    programme = make_programme()
    services.programme_update(actor=None, programme=programme, version=1, target=10)
    data = {
        "name": "单亲母亲救助",
        "work_area": "livelihood",
        "kind": "cash_aid",
        "start": "2014-01-01",
        "end": "2014-12-31",
        "status": "open",
        "target": "20",
        "version": "1",
    }

    response = signed_in(client, county_admin).post(
        url("programme_edit", programme_id=programme.pk), data
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    programme.refresh_from_db()
    assert programme.target == 10


def test_rules_form_shows_the_fields_of_its_kind(
    client: Client, county_admin: User, make_programme: Any
) -> None:
    programme = make_programme()
    page = url("programme_rules", programme_id=programme.pk)
    client = signed_in(client, county_admin)

    age = client.get(page, {"kind": "age"})
    partial = client.get(page, {"kind": "residence"}, headers={"HX-Request": "true"})
    once = client.get(page, {"kind": "once"})

    assert set(age.context["form"].fields) == {"min_age", "max_age", "on"}
    assert set(partial.context["form"].fields) == {"unit"}
    assert partial.templates[0].name == "web/programmes/_rule_form.html"
    assert set(once.context["form"].fields) == set()


def test_adding_and_removing_rules(
    tree: Tree, client: Client, county_admin: User, make_programme: Any
) -> None:
    programme = make_programme()
    client = signed_in(client, county_admin)

    incomplete = client.post(url("rule_add", programme_id=programme.pk), {"kind": "age"})
    added = client.post(
        url("rule_add", programme_id=programme.pk),
        {"kind": "residence", "unit": tree.townships[0].pk},
    )
    rule = Rule.objects.get()
    listing = client.get(url("programme_rules", programme_id=programme.pk))
    removed = client.post(url("rule_remove", programme_id=programme.pk, rule_id=rule.pk))

    assert incomplete.status_code == 200
    assert incomplete.context["form"].errors["min_age"]
    assert added.status_code == 302
    assert (rule.kind, rule.unit) == (RuleKind.RESIDENCE, tree.townships[0])
    assert listing.context["rules"][0][1] == tree.townships[0].name
    assert removed.status_code == 302
    assert not Rule.objects.exists()


def test_rounds_are_added_approved_and_frozen(
    client: Client, county_admin: User, make_programme: Any
) -> None:
    programme = make_programme()
    client = signed_in(client, county_admin)

    client.post(
        url("cycle_add", programme_id=programme.pk),
        {"name": "2014年秋季", "start": "2014-09-01", "end": "2014-12-31", "cash_cap": "500"},
    )
    cycle = programme.cycles.get(name="2014年秋季")
    client.post(
        url("cycle_status", programme_id=programme.pk, cycle_id=cycle.pk), {"status": "approved"}
    )
    client.post(
        url("cycle_status", programme_id=programme.pk, cycle_id=cycle.pk), {"status": "frozen"}
    )
    again = client.post(
        url("cycle_status", programme_id=programme.pk, cycle_id=cycle.pk),
        {"status": "approved"},
        follow=True,
    )

    cycle.refresh_from_db()
    assert (cycle.cash_cap, cycle.status, cycle.approved_by) == (
        Decimal(500),
        CycleStatus.FROZEN,
        county_admin,
    )
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"


# --- loans ----------------------------------------------------------------------------------------


def test_a_loan_is_recorded_repaid_and_its_subsidy_paid(
    client: Client,
    make_programme: Any,
    woman: Person,
    fund: Fund,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    programme = make_programme("妇女创业贴息贷款", kind=ProgrammeKind.LOAN)
    enrolment = enrol(
        programme, woman, village_director, verifier=township_chair, approver=county_admin
    )
    client = signed_in(client, county_admin)

    recorded = client.post(
        url("loan_record", enrolment_id=enrolment.pk),
        {
            "new_bank": "农商银行",
            "principal": "50000",
            "interest_rate": "6.15",
            "subsidy_rate": "100",
            "term_months": "24",
            "method": "quarterly_interest",
            "disbursed_on": "2014-04-01",
        },
    )
    repaid = client.post(
        url("loan_repay", enrolment_id=enrolment.pk), {"on": "2014-07-01", "amount": "768.75"}
    )
    overpaid = client.post(
        url("loan_repay", enrolment_id=enrolment.pk), {"on": "2014-07-02", "amount": "999999"}
    )
    page = client.get(url("enrolment_detail", enrolment_id=enrolment.pk))
    subsidy = client.post(
        url("loan_subsidy", enrolment_id=enrolment.pk),
        {"fund": fund.pk, "on": "2014-07-10", "amount": "768.75"},
    )

    loan = Loan.objects.get()
    assert recorded.status_code == repaid.status_code == subsidy.status_code == 302
    assert loan.bank.kind == "bank"
    assert overpaid.status_code == 200
    assert overpaid.context["repayment_form"].errors["amount"]
    assert page.context["position"].paid == Decimal("768.75")
    assert page.context["subsidy_due"] == finance.subsidy_due(loan)
    benefit = Benefit.objects.get()
    assert (benefit.loan, benefit.amount, benefit.kind) == (loan, Decimal("768.75"), "cash")
    programme_page = client.get(url("programme_detail", programme_id=programme.pk))
    assert [row[0] for row in programme_page.context["loans"]] == [loan]


def test_loan_pages_belong_to_loan_programmes_only(
    client: Client, approved: Enrolment, county_admin: User
) -> None:
    response = signed_in(client, county_admin).get(url("loan_record", enrolment_id=approved.pk))

    assert response.status_code == 404


# --- funds ----------------------------------------------------------------------------------------


def test_the_ledger_runs_its_balance_and_money_out_cannot_overdraw(
    client: Client, county_admin: User, approved: Enrolment, fund: Fund
) -> None:
    pay(approved, fund, amount=1500)
    client = signed_in(client, county_admin)

    received = client.post(
        url("fund_receive", fund_id=fund.pk),
        {
            "on": "2014-05-01",
            "amount": "5000",
            "description": "爱心捐款",
            "new_counterpart": "爱心企业",
            "new_kind": "enterprise",
        },
    )
    overdrawn = client.post(
        url("fund_spend", fund_id=fund.pk),
        {"on": "2014-05-02", "amount": "1000000", "description": "转拨"},
    )
    ledger = client.get(url("fund_detail", fund_id=fund.pk))
    listing = client.get(url("fund_index"))

    assert received.status_code == 302
    assert overdrawn.status_code == 200
    assert overdrawn.context["form"].errors["amount"]
    lines = list(ledger.context["page"])
    assert [(line["incoming"], line["outgoing"], line["balance"]) for line in lines] == [
        (Decimal(20000), None, Decimal(20000)),
        (None, Decimal(1500), Decimal(18500)),
        (Decimal(5000), None, Decimal(23500)),
    ]
    assert listing.context["rows"] == [(fund, Decimal(23500))]


def test_a_village_director_sees_no_county_fund_ledger(
    client: Client, fund: Fund, village_director: User
) -> None:
    client = signed_in(client, village_director)

    assert client.get(url("fund_detail", fund_id=fund.pk)).status_code == 404
    assert client.get(url("fund_index")).context["rows"] == []
    # She may still name it when she records cash aid from it.
    deliver = client.get(
        url(
            "benefit_deliver",
            programme_id=Programme.objects.create(
                name="x",
                owner=fund.owner,
                work_area="livelihood",
                kind="cash_aid",
                start=dt.date(2014, 1, 1),
            ).pk,
        )
    )
    assert list(deliver.context["form"].fields["fund"].queryset) == [fund]


def test_opening_a_fund(tree: Tree, client: Client, county_admin: User) -> None:
    response = signed_in(client, county_admin).post(
        url("fund_create"),
        {
            "name": "春蕾计划专项",
            "owner": tree.county.pk,
            "source": "donations",
            "new_source_organisation": "中国儿童少年基金会",
            "new_kind": "social",
            "opened_on": "2015-01-01",
        },
    )

    fund = Fund.objects.get()
    assert response.status_code == 302
    assert fund.source_organisation is not None
    assert fund.source_organisation.name == "中国儿童少年基金会"


# --- projects -------------------------------------------------------------------------------------


def test_a_project_is_created_with_funders_built_and_photographed(
    tree: Tree,
    client: Client,
    county_admin: User,
    village_director: User,
    make_programme: Any,
    fund: Fund,
) -> None:
    works = make_programme("儿童之家建设", kind=ProgrammeKind.CONSTRUCTION, budget=Decimal(300000))
    client = signed_in(client, county_admin)

    created = client.post(
        url("project_create", programme_id=works.pk),
        {
            "name": "村1-1儿童之家",
            "site": tree.village(0, 0).pk,
            "budget": "200000",
            "floor_area": "120.5",
            "rooms": "4",
            "status": "planned",
            "funder_1": "自治区妇联",
            "amount_1": "150000",
            "funder_2": "爱心企业",
            "amount_2": "50000",
            "funder_kind": "enterprise",
        },
    )
    project = Project.objects.get()
    client.post(
        url("milestone_add", project_id=project.pk), {"name": "开工", "planned_on": "2014-05-01"}
    )
    milestone = project.milestones.get()
    spent = client.post(
        url("fund_spend", fund_id=fund.pk),
        {"on": "2014-05-10", "amount": "10000", "description": "地基", "project": project.pk},
    )
    director = signed_in(Client(), village_director)
    reached = director.post(
        url("milestone_reach", project_id=project.pk, milestone_id=milestone.pk),
        {f"m{milestone.pk}-on": "2014-05-03"},
    )
    uploaded = director.post(
        url("project_photo_add", project_id=project.pk),
        {
            "image": SimpleUploadedFile("工地.png", png()),
            "caption": "开工仪式",
            "milestone": milestone.pk,
        },
    )
    refused = director.post(
        url("project_photo_add", project_id=project.pk),
        {"image": SimpleUploadedFile("工地.pdf", b"%PDF-1.4")},
    )
    page = director.get(url("project_detail", project_id=project.pk))

    assert created.status_code == 302
    assert sorted((f.funder.name, f.amount) for f in project.funding.all()) == [
        ("爱心企业", Decimal(50000)),
        ("自治区妇联", Decimal(150000)),
    ]
    assert reached.status_code == uploaded.status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached_on == dt.date(2014, 5, 3)
    assert refused.status_code == 200
    assert refused.context["photo_form"].errors["image"]
    assert spent.status_code == 302
    assert page.context["spent"] == Decimal(10000)
    assert page.context["spent_percent"] == 5
    photo = project.photos.get()
    image = director.get(url("project_photo", project_id=project.pk, photo_id=photo.pk))
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    # The director may not change the project's status: that is the county's, whose unit is
    # out of her sight (the access module answers "not found").
    forbidden = director.post(
        url("project_status", project_id=project.pk), {"status": "building", "version": 1}
    )
    assert forbidden.status_code == 404


def test_projects_belong_to_construction_programmes(
    client: Client, county_admin: User, make_programme: Any
) -> None:
    programme = make_programme()

    response = signed_in(client, county_admin).get(url("project_create", programme_id=programme.pk))

    assert response.status_code == 404


# --- navigation -----------------------------------------------------------------------------------


def test_navigation_and_work_areas_list_programmes(
    client: Client, village_director: User, auditor: User, make_programme: Any
) -> None:
    make_programme()
    make_programme("巾帼创业培训", work_area="prosperity", kind="training")
    client = signed_in(client, village_director)

    home = client.get(url("home")).content.decode()
    area = client.get(url("work_area", key="livelihood"))
    listing = client.get(url("programme_index"), {"work_area": "prosperity"})

    assert f'href="{url("programme_index")}"' in home
    assert f'href="{url("enrolment_queue")}"' in home
    assert [p.name for p in area.context["programmes"]] == ["单亲母亲救助"]
    assert [row["programme"].name for row in listing.context["rows"]] == ["巾帼创业培训"]
    page = client.get(url("programme_detail", programme_id=Programme.objects.first().pk))  # type: ignore[union-attr]
    assert 'aria-current="page"><span class="nav-num" aria-hidden="true">项</span>' in (
        page.content.decode()
    )
    # The auditor enters nothing: no queue in her menu.
    auditor_home = signed_in(Client(), auditor).get(url("home")).content.decode()
    assert f'href="{url("enrolment_queue")}"' not in auditor_home


def test_the_farthest_village_sees_the_county_programme_but_not_its_people(
    client: Client, approved: Enrolment, far_village
) -> None:
    director = make_user("far-director", Role.VILLAGE_DIRECTOR, far_village)
    category_add(actor=None, person=approved.person, category="low_income", start=APPLIED)

    response = signed_in(client, director).get(
        url("programme_detail", programme_id=approved.programme.pk)
    )

    assert response.status_code == 200
    assert response.context["figures"].enrolled == 0
    assert list(response.context["page"]) == []
