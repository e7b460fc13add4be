"""The demo programmes: the figures of the 2014 work summary, as the programme pages show them.

Every figure is read through `programmes.selectors` as the county administrator sees it (the
demo is loaded once for the package, by the `demo` fixture of conftest.py). Where the
summary's own number cannot be right, the test asserts the plausible value and says why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Max, Min, Sum

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.demo import people as demo_people
from jinguo.demo import programmes as demo_programmes
from jinguo.demo.loader import LoadResult, demo_unit
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, ConsentGiver, ConsentPurpose
from jinguo.people.models import CategoryPeriod, Consent, Person
from jinguo.people.selectors import in_category_on
from jinguo.programmes import selectors
from jinguo.programmes.choices import (
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    FundSource,
    LoanStatus,
    ProgrammeKind,
    ProjectStatus,
    RepaymentMethod,
)
from jinguo.programmes.finance import fund_balance
from jinguo.programmes.models import (
    Benefit,
    Enrolment,
    EnrolmentStep,
    FundEntry,
    Milestone,
    Programme,
    Repayment,
)
from jinguo.programmes.selectors import Figures

END_OF_2014 = dt.date(2014, 12, 31)


@pytest.fixture
def programmes(admin: User) -> dict[str, Programme]:
    return {programme.name: programme for programme in selectors.programme_list(admin)}


def _figures(
    admin: User,
    programme: Programme,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Figures:
    return selectors.programme_figures(admin, programme, start=start, end=end)


def test_the_load_reports_the_programmes(demo: LoadResult, banner: OrgUnit) -> None:
    assert demo.programmes == Programme.objects.count() == len(demo_programmes.PROGRAMMES) == 8
    assert demo.enrolments == Enrolment.objects.count()
    assert demo.benefits == Benefit.objects.count()
    assert AuditEntry.objects.filter(action="programme.create").count() == 8
    assert AuditEntry.objects.filter(action="benefit.deliver").count() == demo.benefits


def test_every_programme_is_run_by_the_banner(
    programmes: dict[str, Programme], banner: OrgUnit
) -> None:
    assert set(programmes) == set(demo_programmes.PROGRAMMES)
    assert {programme.owner for programme in programmes.values()} == {banner}


def test_84_households_with_subsidised_loans_of_5_million_yuan(
    admin: User, programmes: dict[str, Programme]
) -> None:
    loan = programmes[demo_programmes.LOAN]
    figures = _figures(admin, loan)
    assert (figures.enrolled, figures.served, figures.households) == (84, 84, 84)
    assert figures.target == 84
    loans = list(selectors.loan_list(admin, programme=loan))
    assert len(loans) == 84
    # The summary says "贴息贷款500元，用于扶持84户": 500 yuan cannot be lent to 84 households
    # (six yuan each). Read as 500万元, a 万 dropped: about 59,500 yuan a household, the size of
    # a women's micro-guaranteed loan of those years (tens of thousands of yuan); 50万 would
    # leave under 6,000 each, too little for the livestock the loans were for.
    assert sum(item.principal for item in loans) == Decimal(5_000_000)
    assert {item.principal for item in loans} <= {Decimal(50_000), Decimal(60_000), Decimal(80_000)}
    for item in loans:
        assert item.bank.name == demo_programmes.BANK
        assert (item.interest_rate, item.subsidy_rate) == (Decimal("6.15"), Decimal(100))
        assert (item.term_months, item.method) == (24, RepaymentMethod.QUARTERLY_INTEREST)
        assert dt.date(2014, 4, 1) <= item.disbursed_on <= dt.date(2014, 6, 30)
        assert item.enrolment.status == EnrolmentStatus.ACTIVE
        assert item.enrolment.person.sex == "F"
    # The budget is the interest subsidy of the 24 months: 6.15 % of 5,000,000, twice.
    assert figures.budget == Decimal(615_000)


def test_loans_are_repaid_and_a_few_are_overdue_at_the_end_of_2014(
    admin: User, programmes: dict[str, Programme]
) -> None:
    loan = programmes[demo_programmes.LOAN]
    positions = selectors.loans_with_positions(admin, programme=loan, on=END_OF_2014)
    statuses = Counter(position.status for _loan, position in positions)
    assert statuses == {LoanStatus.CURRENT: 80, LoanStatus.OVERDUE: 4}
    assert Repayment.objects.filter(loan__enrolment__programme=loan).count() == 84 * 2 - 4
    # Each subsidy repays, in full, interest she paid; it is cash from the subsidy fund.
    subsidies = Benefit.objects.filter(programme=loan)
    assert subsidies.count() == 84 * 2 - 4
    assert set(subsidies.values_list("kind", flat=True)) == {BenefitKind.CASH}
    for subsidy in subsidies.select_related("loan", "fund"):
        assert subsidy.loan is not None
        assert subsidy.fund is not None
        assert subsidy.fund.source_organisation is not None
        assert subsidy.fund.source_organisation.name == demo_programmes.REGION_FEDERATION
        assert subsidy.loan.instalments.filter(interest=subsidy.amount).exists()
    paid = Repayment.objects.filter(loan__enrolment__programme=loan).aggregate(s=Sum("amount"))
    assert _figures(admin, loan).cash == paid["s"]


def test_56_sponsored_children_and_100000_yuan_a_year(
    admin: User, programmes: dict[str, Programme]
) -> None:
    sponsorship = programmes[demo_programmes.SPONSORSHIP]
    figures = _figures(admin, sponsorship)
    assert (figures.enrolled, figures.served) == (56, 56)
    assert sponsorship.funders.get().name == demo_programmes.DONOR
    # "每年度10万元，三年共计30万元" from 2010, and "今年…再次…拨付了10万元" in 2014.
    for year in (2010, 2011, 2012, 2014):
        of_year = _figures(admin, sponsorship, dt.date(year, 1, 1), dt.date(year, 12, 31))
        assert (of_year.served, of_year.deliveries) == (56, 56), year
        assert of_year.cash == Decimal(100_000), year
    assert _figures(admin, sponsorship, dt.date(2013, 1, 1), dt.date(2013, 12, 31)).cash == 0
    three_years = _figures(admin, sponsorship, dt.date(2010, 1, 1), dt.date(2012, 12, 31))
    assert three_years.cash == Decimal(300_000)
    assert figures.cash == figures.budget == Decimal(400_000)
    # 100,000 / 56 is not a whole number of fen: 24 children get 1,785.72 and 32 get 1,785.71.
    amounts = Counter(
        Benefit.objects.filter(programme=sponsorship).values_list("amount", flat=True)
    )
    assert amounts == {Decimal("1785.72"): 24 * 4, Decimal("1785.71"): 32 * 4}
    cycles = {cycle.name: cycle.status for cycle in sponsorship.cycles.all()}
    assert cycles == {
        "2010": CycleStatus.FROZEN,
        "2011": CycleStatus.FROZEN,
        "2012": CycleStatus.FROZEN,
        "2014": CycleStatus.APPROVED,
    }


def test_sponsored_children_are_poor_orphans_or_disabled_with_their_guardians_consent(
    programmes: dict[str, Programme],
) -> None:
    children = Person.objects.filter(
        enrolments__programme=programmes[demo_programmes.SPONSORSHIP]
    ).distinct()
    assert children.count() == 56
    on = dt.date(2010, 9, 5)
    held = Counter(
        CategoryPeriod.objects.filter(person__in=children, start__lte=on)
        .filter(category__in=(Category.ORPHAN, Category.DISABLED))
        .values_list("category", flat=True)
    )
    assert held == {Category.ORPHAN: 32, Category.DISABLED: 24}
    for child in children:
        age = child.age_on(on)
        assert age is not None
        assert 6 <= age <= 12
        consent = child.consents.get(purpose=ConsentPurpose.REGISTRY)
        assert consent.given_by == ConsentGiver.GUARDIAN


def test_20_single_mothers_and_20000_yuan_on_womens_day(
    admin: User, banner: OrgUnit, programmes: dict[str, Programme]
) -> None:
    aid = programmes[demo_programmes.SINGLE_MOTHERS_AID]
    figures = _figures(admin, aid)
    assert (figures.enrolled, figures.served, figures.cash) == (20, 20, Decimal(20_000))
    assert set(Benefit.objects.filter(programme=aid).values_list("amount", "on")) == {
        (Decimal(1000), dt.date(2014, 3, 7))
    }
    mothers = set(in_category_on(admin, Category.SINGLE_MOTHER, dt.date(2014, 3, 8), banner))
    assert {enrolment.person for enrolment in selectors.enrolment_list(admin, programme=aid)} == (
        mothers
    )
    assert aid.partners.get().name == demo_programmes.TRADE_UNION
    [fund] = aid.funds.all()
    assert fund_balance(fund) == 0
    assert fund.entries.filter(
        counterpart__name=demo_programmes.TRADE_UNION, amount=10_000
    ).exists()


def test_13_households_of_huanghuatong_and_10000_yuan_of_fertiliser(
    admin: User, programmes: dict[str, Programme]
) -> None:
    fertiliser = programmes[demo_programmes.FERTILISER]
    figures = _figures(admin, fertiliser)
    assert (figures.enrolled, figures.served, figures.households) == (13, 13, 13)
    assert figures.cash == 0
    assert figures.goods_value == Decimal(10_000)
    [line] = figures.goods
    assert (line.item, line.measure, line.deliveries) == ("化肥", "袋", 13)
    assert line.quantity == Decimal(65)  # 5 bags a household
    village = demo_unit(demo_people.POOR_VILLAGE)
    assert set(Benefit.objects.filter(programme=fertiliser).values_list("unit", flat=True)) == {
        village.pk
    }


def test_12_poor_women_and_120000_yuan_of_two_cancers_aid(
    admin: User, programmes: dict[str, Programme]
) -> None:
    aid = programmes[demo_programmes.TWO_CANCERS]
    figures = _figures(admin, aid)
    assert (figures.enrolled, figures.served, figures.cash) == (12, 12, Decimal(120_000))
    assert set(Benefit.objects.filter(programme=aid).values_list("amount", flat=True)) == {
        Decimal(10_000)
    }
    [fund] = aid.funds.all()
    assert fund.source_organisation is not None
    assert fund.source_organisation.name == demo_programmes.REGION_FEDERATION
    assert fund_balance(fund) == 0


def test_no_diagnosis_is_written_about_the_two_cancers_women(
    programmes: dict[str, Programme],
) -> None:
    aid = programmes[demo_programmes.TWO_CANCERS]
    women = Person.objects.filter(enrolments__programme=aid)
    assert women.count() == 12
    words = ("癌", "宫颈", "乳腺", "肿瘤", "HPV")
    texts = [
        *women.values_list("notes", flat=True),
        *CategoryPeriod.objects.filter(person__in=women).values_list("note", flat=True),
        *Enrolment.objects.filter(person__in=women).values_list("note", flat=True),
        *Benefit.objects.filter(person__in=women).values_list("note", flat=True),
    ]
    assert not [text for text in texts if any(word in text for word in words)]


def test_2302_infants_enrolled_and_no_nutrition_pack_delivered_yet(
    admin: User, programmes: dict[str, Programme]
) -> None:
    anaemia = programmes[demo_programmes.ANAEMIA]
    assert anaemia.kind == ProgrammeKind.IN_KIND_AID
    figures = _figures(admin, anaemia)
    # "共统计…适合发放营养包婴幼儿2302名。目前，项目的其他准备工作也在有条不紊地进行中":
    # counted and enrolled, but the distribution had not started.
    assert (figures.applied, figures.enrolled, figures.target) == (0, 2302, 2302)
    assert (figures.served, figures.deliveries) == (0, 0)
    infants = Person.objects.filter(enrolments__programme=anaemia)
    assert infants.aggregate(first=Min("birth_date"), last=Max("birth_date")) == {
        "first": dt.date(2013, 8, 1),
        "last": dt.date(2014, 2, 28),
    }
    assert not Enrolment.objects.filter(programme=anaemia).exclude(status=EnrolmentStatus.APPROVED)
    consents = Consent.objects.filter(person__in=infants, purpose=ConsentPurpose.REGISTRY)
    assert consents.count() == 2302
    assert set(consents.values_list("given_by", flat=True)) == {ConsentGiver.GUARDIAN}


def test_the_dormitory_of_the_fourth_primary_school(
    admin: User, programmes: dict[str, Programme]
) -> None:
    dormitory = programmes[demo_programmes.DORMITORY]
    [project] = selectors.project_list(admin, programme=dormitory)
    assert project.site.name == demo_people.FOURTH_SCHOOL
    assert (project.floor_area, project.budget) == (Decimal(2000), Decimal(2_040_000))
    assert project.status == ProjectStatus.BUILDING
    assert [(f.funder.name, f.amount) for f in project.funding.all()] == [
        (demo_programmes.DONOR, Decimal(2_040_000))
    ]
    in_use = project.milestones.get(name="投入使用")
    assert (in_use.planned_on, in_use.reached_on) == (dt.date(2015, 3, 1), None)
    figures = _figures(admin, dormitory)
    assert figures.budget == Decimal(2_040_000)
    assert figures.spent == selectors.project_spent(project) == Decimal(1_428_000)


def test_the_service_hall_of_huanghuatong(admin: User, programmes: dict[str, Programme]) -> None:
    hall = programmes[demo_programmes.SERVICE_HALL]
    [project] = selectors.project_list(admin, programme=hall)
    assert project.site == demo_unit(demo_people.POOR_VILLAGE)
    assert project.rooms == 8
    assert project.floor_area is not None
    assert project.floor_area > 200  # "8间200多平米"
    assert (project.budget, project.status) == (Decimal(260_000), ProjectStatus.COMPLETED)
    assert sum(f.amount for f in project.funding.all()) == Decimal(260_000)
    figures = _figures(admin, hall)
    assert figures.budget == figures.spent == Decimal(260_000)


def test_every_fund_holds_enough_on_every_day(admin: User, banner: OrgUnit) -> None:
    funds = list(selectors.fund_list(admin))
    # Every programme but the fertiliser and the infants has one; the charity cabin and the
    # 扶贫日 campaign (demo/donations.py) hold the two donation funds.
    donated = [fund for fund in funds if fund.source == FundSource.DONATIONS]
    assert (len(funds) - len(donated), len(donated)) == (6, 2)
    for fund in funds:
        _opening, lines = selectors.fund_ledger(fund)
        assert lines, fund.name
        assert min(line.balance for line in lines) >= 0, fund.name
    assert not Benefit.objects.filter(kind=BenefitKind.CASH, fund__isnull=True).exists()


def test_nothing_is_recorded_after_2014(banner: OrgUnit) -> None:
    for model, field in (
        (Benefit, "on"),
        (FundEntry, "on"),
        (Repayment, "on"),
        (EnrolmentStep, "on"),
        (Milestone, "reached_on"),
    ):
        last = model.objects.aggregate(last=Max(field))["last"]
        assert last <= END_OF_2014, model


def test_the_chain_is_taken_by_the_demo_users(programmes: dict[str, Programme]) -> None:
    steps = EnrolmentStep.objects.select_related("actor", "enrolment__unit__parent")
    approvals = steps.filter(to_status=EnrolmentStatus.APPROVED)
    assert set(approvals.values_list("actor__username", flat=True)) == {"admin"}
    shelihu = demo_unit(["大沁他拉镇", "舍力虎村"])
    for step in steps.filter(to_status=EnrolmentStatus.APPLIED).exclude(actor=None):
        assert (step.actor.username, step.enrolment.unit) == ("director", shelihu)  # type: ignore[union-attr]
    verifiers = Counter(
        (step.actor.username if step.actor else None, step.enrolment.unit.parent.name)  # type: ignore[union-attr]
        for step in steps.filter(to_status=EnrolmentStatus.VERIFIED)
    )
    assert {who for who, township in verifiers if township == "大沁他拉镇"} == {"chair"}
    assert {who for who, township in verifiers if township != "大沁他拉镇"} == {None}


def test_the_village_director_sees_only_her_village(programmes: dict[str, Programme]) -> None:
    director = User.objects.get(username="director")  # 大沁他拉镇舍力虎村
    village = demo_unit(["大沁他拉镇", "舍力虎村"])
    seen = selectors.enrolment_list(director)
    assert seen.exists()
    assert set(seen.values_list("unit", flat=True)) == {village.pk}
    assert seen.count() == Enrolment.objects.filter(unit=village).count()
    assert set(selectors.benefit_list(director).values_list("unit", flat=True)) <= {village.pk}
    # She sees every programme (they reach her village), its figures for her village only,
    # and no budget or fund.
    assert set(selectors.programme_list(director)) == set(programmes.values())
    loan = selectors.programme_figures(director, programmes[demo_programmes.LOAN])
    assert (loan.enrolled, loan.served, loan.budget) == (demo_programmes.LOANS_IN_SHELIHU, 2, None)
    assert not selectors.fund_list(director).exists()
    chair = User.objects.get(username="chair")  # 大沁他拉镇
    township = selectors.enrolment_list(chair)
    assert set(township.values_list("unit__parent__name", flat=True)) == {"大沁他拉镇"}


def test_a_demo_loaded_before_the_programmes_gets_only_the_programmes(banner: OrgUnit) -> None:
    given = demo_programmes.ProgrammesResult(
        programmes=8, enrolments=5, benefits=2, people=4, households=1, seconds=0.1
    )
    out = StringIO()
    with (
        mock.patch.object(demo_programmes, "programmes_loaded", return_value=False),
        mock.patch.object(demo_programmes, "load_programmes", return_value=given) as programmes,
        mock.patch.object(demo_people, "load_people") as people,
    ):
        call_command("demo", stdout=out)
    programmes.assert_called_once_with()
    people.assert_not_called()
    assert (
        "added 4 people in 1 households and 8 programmes with 5 enrolments and 2 benefits"
        in out.getvalue()
    )


def test_split_adds_up_to_the_fen() -> None:
    shares = demo_programmes.split(Decimal(100_000), 56)
    assert sum(shares) == Decimal(100_000)
    assert Counter(shares) == {Decimal("1785.72"): 24, Decimal("1785.71"): 32}
    assert demo_programmes.split(Decimal(10_000), 13)[0] == Decimal("769.24")
    assert sum(demo_programmes.split(Decimal(10_000), 13)) == Decimal(10_000)


def test_the_plan_is_deterministic() -> None:
    first, second = demo_programmes.demo_plan(), demo_programmes.demo_plan()
    assert [i.id_number for i in first.infants] == [i.id_number for i in second.infants]
    assert [h.head.name for h in first.households] == [h.head.name for h in second.households]
    assert len(first.loan_households) == len(first.loans) == 84
    assert len(first.sponsored) == 56
    assert len(first.two_cancers) == 12
    assert len(first.infants) == 2302
    assert sum(loan.principal for loan in first.loans) == demo_programmes.LOAN_TOTAL
    assert sum(loan.overdue for loan in first.loans) == demo_programmes.LOANS_OVERDUE
