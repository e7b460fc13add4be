"""Funds (balance on any date), loans (schedule, repayments, overdue, subsidy) and projects."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError
from jinguo.people.models import Person
from jinguo.programmes import finance, selectors, services
from jinguo.programmes.choices import LoanStatus, ProgrammeKind, ProjectStatus, RepaymentMethod
from jinguo.programmes.models import Enrolment, Fund, Loan, Organisation, Programme
from jinguo.programmes.services import Delivery
from jinguo.programmes.tests.conftest import MakeProgramme
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db
YUAN = Decimal
D = dt.date


def test_balance_on_any_date_and_the_running_ledger(fund: Fund, county_admin: User) -> None:
    finance.fund_receive(
        actor=county_admin, fund=fund, on=D(2014, 3, 1), amount=YUAN("500.50"), description="捐款"
    )
    finance.fund_spend(
        actor=county_admin, fund=fund, on=D(2014, 2, 1), amount=YUAN(8000), description="支出"
    )
    assert finance.fund_balance(fund, D(2013, 12, 31)) == 0
    assert finance.fund_balance(fund, D(2014, 1, 31)) == YUAN(20000)
    assert finance.fund_balance(fund, D(2014, 2, 1)) == YUAN(12000)
    assert finance.fund_balance(fund) == YUAN("12500.50")
    opening, lines = selectors.fund_ledger(fund, start=D(2014, 2, 1))
    assert opening == YUAN(20000)
    assert [line.balance for line in lines] == [YUAN(12000), YUAN("12500.50")]


def test_money_in_and_out_must_be_positive_and_after_the_fund_opened(
    fund: Fund, county_admin: User
) -> None:
    for amount in (YUAN(0), YUAN(-5)):
        with pytest.raises(ApplicationError):
            finance.fund_receive(
                actor=county_admin, fund=fund, on=D(2014, 2, 1), amount=amount, description="x"
            )
    with pytest.raises(ApplicationError) as caught:
        finance.fund_receive(
            actor=county_admin, fund=fund, on=D(2013, 12, 1), amount=YUAN(5), description="x"
        )
    assert caught.value.code == "before_opening"
    with pytest.raises(ApplicationError) as caught:
        finance.fund_spend(
            actor=county_admin, fund=fund, on=D(2014, 2, 1), amount=YUAN(20001), description="x"
        )
    assert caught.value.code == "fund_short"


def test_only_the_fund_holders_administrator_moves_its_money(
    fund: Fund, county_staff: User, village_director: User
) -> None:
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        finance.fund_receive(
            actor=county_staff, fund=fund, on=D(2014, 2, 1), amount=YUAN(5), description="x"
        )
    with pytest.raises(Http404):
        finance.fund_spend(
            actor=village_director, fund=fund, on=D(2014, 2, 1), amount=YUAN(5), description="x"
        )
    assert not selectors.fund_list(village_director).exists()


@pytest.fixture
def loan_programme(make_programme: MakeProgramme) -> Programme:
    return make_programme("贴息贷款", kind=ProgrammeKind.LOAN, work_area="prosperity", end=None)


@pytest.fixture
def bank(county_admin: User) -> Organisation:
    return services.organisation_get_or_create(
        actor=county_admin, name="奈曼旗农村信用合作联社", kind="bank"
    )


@pytest.fixture
def borrower(loan_programme: Programme, woman: Person) -> Enrolment:
    enrolment = services.enrolment_apply(
        actor=None, programme=loan_programme, person=woman, on=D(2014, 3, 1)
    )
    for step in ("verified", "approved"):
        enrolment = services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
    return enrolment


def record(enrolment: Enrolment, bank: Organisation, **kwargs: Any) -> Loan:
    values: dict[str, Any] = {
        "principal": YUAN(50000),
        "interest_rate": YUAN("6.000"),
        "subsidy_rate": YUAN(100),
        "term_months": 24,
        "disbursed_on": D(2014, 4, 15),
    }
    values.update(kwargs)
    return finance.loan_record(actor=None, enrolment=enrolment, bank=bank, **values)


def test_quarterly_interest_with_the_principal_at_maturity(
    borrower: Enrolment, bank: Organisation
) -> None:
    loan = record(borrower, bank)
    rows = list(loan.instalments.values_list("due_on", "principal", "interest"))
    assert len(rows) == 8
    assert rows[0] == (D(2014, 7, 15), YUAN(0), YUAN(750))  # 50,000 × 6% ÷ 4
    assert rows[-1] == (D(2016, 4, 15), YUAN(50000), YUAN(750))
    assert finance.subsidy_due(loan) == YUAN(6000)


def test_equal_monthly_principal(borrower: Enrolment, bank: Organisation) -> None:
    loan = record(
        borrower,
        bank,
        principal=YUAN(10000),
        term_months=3,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        disbursed_on=D(2014, 1, 31),
        subsidy_rate=YUAN(50),
    )
    rows = list(loan.instalments.values_list("due_on", "principal", "interest"))
    # Month ends are kept: 31 January → 28 February → 31 March → 30 April.
    assert [r[0] for r in rows] == [D(2014, 2, 28), D(2014, 3, 31), D(2014, 4, 30)]
    assert [r[1] for r in rows] == [YUAN("3333.33"), YUAN("3333.33"), YUAN("3333.34")]
    assert [r[2] for r in rows] == [YUAN("50.00"), YUAN("33.33"), YUAN("16.67")]
    assert finance.subsidy_due(loan) == YUAN(50)


def test_overdue_until_paid_and_repaid_at_the_end(borrower: Enrolment, bank: Organisation) -> None:
    loan = record(borrower, bank)
    assert finance.loan_position(loan, D(2014, 7, 15)).status == LoanStatus.CURRENT  # due that day
    late = finance.loan_position(loan, D(2014, 8, 1))
    assert (late.status, late.overdue, late.overdue_since, late.days_overdue) == (
        LoanStatus.OVERDUE,
        YUAN(750),
        D(2014, 7, 15),
        17,
    )
    finance.loan_repay(actor=None, loan=loan, on=D(2014, 8, 2), amount=YUAN(750))
    assert finance.loan_position(loan, D(2014, 8, 3)).status == LoanStatus.CURRENT
    assert finance.loan_position(loan, D(2014, 8, 1)).status == LoanStatus.OVERDUE  # as it was
    with pytest.raises(ApplicationError) as caught:
        finance.loan_repay(actor=None, loan=loan, on=D(2016, 4, 15), amount=YUAN(60000))
    assert caught.value.code == "overpaid"
    finance.loan_repay(actor=None, loan=loan, on=D(2016, 4, 15), amount=YUAN(55250))
    final = finance.loan_position(loan, D(2016, 5, 1))
    assert (final.status, final.outstanding) == (LoanStatus.REPAID, YUAN(0))


def test_loan_terms_are_checked(
    borrower: Enrolment, bank: Organisation, make_programme: MakeProgramme, woman: Person
) -> None:
    for bad in (
        {"principal": YUAN(0)},
        {"interest_rate": YUAN(120)},
        {"subsidy_rate": YUAN(101)},
        {"term_months": 0},
    ):
        with pytest.raises(ApplicationError):
            record(borrower, bank, **bad)
    record(borrower, bank)
    with pytest.raises(ApplicationError) as caught:
        record(borrower, bank)
    assert caught.value.code == "loan_exists"
    aid = make_programme("救助")
    enrolment = services.enrolment_apply(actor=None, programme=aid, person=woman, on=D(2014, 3, 1))
    with pytest.raises(ApplicationError) as caught:
        record(enrolment, bank)
    assert caught.value.code == "not_a_loan_programme"


def test_subsidy_payments_are_cash_benefits_of_the_loan(
    borrower: Enrolment,
    bank: Organisation,
    fund: Fund,
    loan_programme: Programme,
    county_admin: User,
) -> None:
    loan = record(borrower, bank)
    benefit = services.benefit_deliver(
        actor=None,
        programme=loan_programme,
        delivery=Delivery(
            person=borrower.person,
            on=D(2014, 7, 20),
            kind="cash",
            amount=YUAN(750),
            fund=fund,
            loan=loan,
        ),
    )
    assert list(loan.subsidies.all()) == [benefit]
    positions = selectors.loans_with_positions(
        county_admin, programme=loan_programme, on=D(2014, 7, 20)
    )
    assert [(p[0], p[1].status) for p in positions] == [(loan, LoanStatus.OVERDUE)]


@pytest.fixture
def building(make_programme: MakeProgramme) -> Programme:
    return make_programme(
        "学生宿舍楼", kind=ProgrammeKind.CONSTRUCTION, end=None, budget=YUAN(2040000)
    )


def png() -> ContentFile[bytes]:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="工地.png")


def test_a_project_with_funders_milestones_photos_and_spending(
    building: Programme,
    tree: Tree,
    fund: Fund,
    county_admin: User,
    village_director: User,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    donor = services.organisation_get_or_create(actor=None, name="何崇本", kind="private")
    project = finance.project_create(
        actor=county_admin,
        programme=building,
        name="第四小学学生宿舍楼",
        site=tree.village(0, 0),
        budget=YUAN(2040000),
        floor_area=YUAN(2000),
        funding={donor: YUAN(2040000)},
    )
    milestone = finance.milestone_add(
        actor=county_admin, project=project, name="主体封顶", planned_on=D(2014, 10, 1)
    )
    finance.milestone_reach(
        actor=village_director, milestone=milestone, on=D(2014, 10, 20), note="晚于计划"
    )
    finance.project_photo_add(
        actor=village_director, project=project, image=png(), caption="封顶", milestone=milestone
    )
    finance.fund_spend(
        actor=county_admin,
        fund=fund,
        on=D(2014, 5, 1),
        amount=YUAN(15000),
        description="设计费",
        project=project,
    )
    project = finance.project_set_status(
        actor=county_admin, project=project, status=ProjectStatus.BUILDING, version=project.version
    )
    with pytest.raises(ApplicationError):
        finance.project_set_status(
            actor=county_admin, project=project, status=ProjectStatus.COMPLETED, version=1
        )
    shown = selectors.project_get(village_director, project.pk)
    assert shown.milestones.get().reached_on == D(2014, 10, 20)
    assert shown.photos.get().image.name.startswith(f"projects/{project.pk}/")
    assert selectors.project_spent(project) == YUAN(15000)
    assert selectors.programme_figures(county_admin, building).spent == YUAN(15000)


def test_a_photo_must_really_be_an_image(
    building: Programme, tree: Tree, county_admin: User
) -> None:
    project = finance.project_create(
        actor=county_admin, programme=building, name="楼", site=tree.county, budget=YUAN(1)
    )
    for upload in (
        ContentFile(b"MZ\x90\x00", name="virus.png"),
        ContentFile(png().read(), name="photo.exe"),
    ):
        with pytest.raises(ApplicationError) as caught:
            finance.project_photo_add(actor=county_admin, project=project, image=upload)
        assert caught.value.code == "not_an_image"
    assert not project.photos.exists()


def test_projects_belong_to_construction_programmes(
    make_programme: MakeProgramme, tree: Tree, county_admin: User
) -> None:
    with pytest.raises(ApplicationError):
        finance.project_create(
            actor=county_admin,
            programme=make_programme(),
            name="楼",
            site=tree.county,
            budget=YUAN(1),
        )


def test_names_of_funds_and_cycles_are_unique_where_they_live(
    fund: Fund, tree: Tree, county_admin: User, building: Programme
) -> None:
    from jinguo.programmes.choices import FundSource

    with pytest.raises(ApplicationError) as caught:
        finance.fund_create(
            actor=county_admin,
            owner=tree.county,
            name="救助金",
            source=FundSource.OTHER,
            opened_on=D(2014, 1, 1),
        )
    assert caught.value.code == "name_taken"
    with pytest.raises(ApplicationError) as caught:
        services.cycle_create(
            actor=county_admin, programme=building, name="2014", start=D(2014, 6, 1)
        )
    assert caught.value.code == "name_taken"


def test_earmarked_money_goes_only_where_it_is_meant(
    fund: Fund, building: Programme, make_programme: MakeProgramme, tree: Tree, county_admin: User
) -> None:
    other = make_programme("别的项目", kind=ProgrammeKind.CONSTRUCTION)
    fund.programme = other
    fund.save()
    project = finance.project_create(
        actor=county_admin, programme=building, name="楼", site=tree.county, budget=YUAN(1)
    )
    with pytest.raises(ApplicationError) as caught:
        finance.fund_spend(
            actor=county_admin,
            fund=fund,
            on=D(2014, 5, 1),
            amount=YUAN(1),
            description="x",
            project=project,
        )
    assert caught.value.code == "wrong_fund"


def test_a_projects_site_lies_within_its_programmes_owner(
    make_programme: MakeProgramme, tree: Tree, county_admin: User
) -> None:
    township_works = make_programme(
        "镇里的工程", kind=ProgrammeKind.CONSTRUCTION, owner=tree.townships[0]
    )
    with pytest.raises(ApplicationError) as caught:
        finance.project_create(
            actor=county_admin,
            programme=township_works,
            name="楼",
            site=tree.village(1, 0),
            budget=YUAN(1),
        )
    assert caught.value.code == "outside_programme"


def test_a_subsidy_names_the_borrowers_own_loan(
    borrower: Enrolment, bank: Organisation, fund: Fund, loan_programme: Programme, make_person: Any
) -> None:
    loan = record(borrower, bank)
    neighbour = make_person("李娟")
    enrolment = services.enrolment_apply(
        actor=None, programme=loan_programme, person=neighbour, on=D(2014, 3, 1)
    )
    for step in ("verified", "approved"):
        services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
    with pytest.raises(ApplicationError) as caught:
        services.benefit_deliver(
            actor=None,
            programme=loan_programme,
            delivery=Delivery(
                person=neighbour,
                on=D(2014, 7, 20),
                kind="cash",
                amount=YUAN(750),
                fund=fund,
                loan=loan,
            ),
        )
    assert caught.value.code == "wrong_loan"
