"""Demo programmes of Naiman Banner in 2014: what the work summary says was given, and to whom.

Everything is written through the programmes services (`programme_create`, `rule_add`,
`enrolment_apply`, `enrolment_advance`, `benefit_deliver_many`, `fund_create`,
`fund_receive`, `fund_spend`, `loan_record`, `loan_repay`, `project_create`,
`milestone_add`, `milestone_reach` …) and the people services, so each record has its audit
entries. Most steps are taken by the system (``actor=None``); where the demo users fit, they
take them: the director of 舍力虎村 applies for her villagers, the chair of 大沁他拉镇 verifies
her township's applications, and the county administrator approves every application (the
chain refuses one person verifying and approving). The demo shows the banner as it stood on
31 December 2014: nothing after that day is recorded. Programmes are run by the banner
(奈曼旗), whose villages they reach; their funds are held by 奈曼旗妇女联合会.

What is loaded, from the summary (its words in quotes), and what is invented:

* **自治区妇联贴息贷款** — "积极争取到自治区妇联贴息贷款500元，用于扶持84户农村妇女发家致
  富". 500 yuan for 84 households cannot be right; read as **500万元** (a dropped 万): 84
  loans adding up to exactly 5,000,000 yuan (8 of 80,000, 56 of 60,000, 20 of 50,000, about
  59,500 on average), the size of a women's micro-guaranteed loan of those years (tens of
  thousands of yuan a borrower), while 50万 would be under 6,000 a household, too little to
  start the livestock raising the summary is about. Invented: the bank
  (奈曼旗农村信用合作联社, which served the villages and pastures), the rate (6.15 %, the
  one-to-three-year benchmark of 2014), the terms (24 months, interest each quarter, the
  principal at maturity, the interest fully subsidised), disbursement between April and June
  2014, the women (84 new rural households, two of them in 舍力虎村) and what they borrowed
  for. Each woman pays her quarterly interest and the subsidy reimburses it at the end of the
  quarter, as a cash benefit from the regional federation's subsidy fund (one year's subsidy,
  307,500 yuan, received on 1 July 2014). Four women have not paid the interest due in the
  fourth quarter: on 31 December 2014, 80 loans are current and 4 overdue.
* **何崇本先生助学项目** — "2010年…何崇本先生助学项目…救助我旗56名贫困孤残儿童，每年度10万
  元，三年共计30万元。今年，何先生再次为这56名贫困孤残儿童拨付了10万元助学金". One round a
  school year: 2010, 2011 and 2012, and 2014 again; the same 56 children each time, each year
  100,000 yuan split to the fen (24 children get 1,785.72 and 32 get 1,785.71). Invented: the
  children (32 orphans living with a grandmother, 24 disabled children living with their
  mother on the minimum allowance; consent by the guardian), the dates, and that the money came
  through the regional federation.
* **“三八”节贫困单亲母亲救助** — "旗妇联、旗总工会联合为20名贫困单亲母亲发放救助金2万元": the
  20 single mothers of `jinguo.demo.people`, 1,000 yuan each on 7 March 2014; eligible if
  registered as single mothers on 8 March. Invented: that the federation and the trade union
  paid 10,000 yuan each.
* **包扶村化肥救助** — "深入包扶村黄花筒嘎查13户贫困户家送去了1万元化肥": the 13 registered poor
  households of 黄花筒嘎查, 5 bags of compound fertiliser each (65 bags) worth 10,000 yuan in
  all, on 25 April 2014, before sowing. Invented: the bags and the date.
* **“两癌”贫困妇女救助** — "争取上级“两癌”救助资金12万元救助患病贫困妇女12人": 12 women on the
  minimum allowance (new in the registry), 10,000 yuan each from the superior federation's
  two-cancers fund. Nothing about their illness is written anywhere but the enrolment itself.
* **消除婴幼儿贫血行动** — "共统计2013年8月1日至2014年2月28日期间适合发放营养包婴幼儿2302名。
  目前，项目的其他准备工作也在有条不紊地进行中": 2,302 infants born in that window, registered
  with their guardian's consent from the health system's count and enrolled (approved). No
  nutrition pack has been delivered: the summary says the distribution was still being
  prepared, so the programme shows 2,302 enrolled and none served. Invented: the infants, their
  villages and their mothers' names. They are registered in bulk (`person_prepare` and
  `person_register_many`, the services the spreadsheet import uses) and have no household.
* **第四小学学生宿舍楼援建** — "投资204万元在我旗第四小学建一栋2000平方米的学生宿舍楼…宿舍楼项目
  正在施工建设中，预计今年3月1日能够投入使用": a project of 2,000 m² and 2,040,000 yuan,
  funded by 何崇本, under construction, in use planned for 1 March 2015. Invented: the
  milestones, the two instalments of the gift and the contractor's payments (1,428,000 yuan
  paid by the end of 2014).
* **黄花筒嘎查便民服务大厅建设** — "协调资金26万元，为黄花筒村新建“便民服务大厅”8间200多平米": 8
  rooms, 216 m², 260,000 yuan, completed. Invented: the departments the money came from (旗扶贫
  开发办公室 130,000, 旗财政局 80,000, 旗住房和城乡建设局 50,000), the area and the dates.

Left out: the 500-yuan visits to former village women's representatives (the summary does not
say how many) and the 5,000-yuan grants to two family-education guidance stations (grants to
organisations, not benefits to people, and not construction projects).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from jinguo.accounts.models import User
from jinguo.demo import people, places
from jinguo.demo.people import CategorySpec, HouseholdSpec, PersonSpec
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Hukou,
    Marital,
    Relation,
    Sex,
)
from jinguo.people.models import Household, Membership, Person
from jinguo.people.services import (
    ConsentInput,
    Registration,
    id_index,
    person_prepare,
    person_register_many,
)
from jinguo.programmes import finance, services
from jinguo.programmes.choices import (
    Beneficiary,
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    FundSource,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    ProjectStatus,
    RuleKind,
    WorkArea,
)
from jinguo.programmes.models import (
    Benefit,
    Cycle,
    Enrolment,
    Fund,
    Loan,
    Organisation,
    Programme,
    Project,
)
from jinguo.programmes.services import Delivery

FEN: Final = Decimal("0.01")

SEED: Final = 2015  # `people` uses 2014; a different seed, and no ID number already taken
AS_OF: Final = dt.date(2014, 12, 31)  # the demo records nothing after this day

# Names of the programmes, as the summary calls them.
LOAN: Final = "自治区妇联贴息贷款"
SPONSORSHIP: Final = "何崇本先生助学项目"
SINGLE_MOTHERS_AID: Final = "“三八”节贫困单亲母亲救助"
FERTILISER: Final = "包扶村化肥救助"
TWO_CANCERS: Final = "“两癌”贫困妇女救助"
ANAEMIA: Final = "消除婴幼儿贫血行动"
DORMITORY: Final = "第四小学学生宿舍楼援建"
SERVICE_HALL: Final = "黄花筒嘎查便民服务大厅建设"
PROGRAMMES: Final = (
    LOAN,
    SPONSORSHIP,
    SINGLE_MOTHERS_AID,
    FERTILISER,
    TWO_CANCERS,
    ANAEMIA,
    DORMITORY,
    SERVICE_HALL,
)

# Organisations outside the federation's tree.
REGION_FEDERATION: Final = "内蒙古自治区妇女联合会"
DONOR: Final = "何崇本先生（香港爱心人士）"
BANK: Final = "奈曼旗农村信用合作联社"
TRADE_UNION: Final = "奈曼旗总工会"
HEALTH_BUREAU: Final = "奈曼旗卫生和计划生育局"
EDUCATION_BUREAU: Final = "奈曼旗教育局"
HALL_FUNDERS: Final = (
    ("奈曼旗扶贫开发办公室", Decimal(130_000)),
    ("奈曼旗财政局", Decimal(80_000)),
    ("奈曼旗住房和城乡建设局", Decimal(50_000)),
)

# 1. Subsidised loans: 500万元 for 84 households (the summary's "500元" lost its 万).
LOAN_HOUSEHOLDS: Final = 84
LOAN_TOTAL: Final = Decimal(5_000_000)
LOAN_PRINCIPALS: Final = ((Decimal(80_000), 8), (Decimal(60_000), 56), (Decimal(50_000), 20))
LOAN_RATE: Final = Decimal("6.15")  # PBoC benchmark, 1–3 years, 6 July 2012 – 21 Nov 2014
LOAN_SUBSIDY: Final = Decimal(100)  # percent of the interest
LOAN_MONTHS: Final = 24
LOAN_SUBSIDY_2014: Final = Decimal(307_500)  # a year's interest on 5,000,000 at 6.15 %
LOANS_OVERDUE: Final = 4
LOANS_IN_SHELIHU: Final = 2
LOANS_APPROVED_ON: Final = dt.date(2014, 4, 7)
# The subsidy of the interest paid in a quarter is paid at its end.
SUBSIDY_DAYS: Final = (dt.date(2014, 9, 30), dt.date(2014, 12, 30))
LOAN_PURPOSES: Final = (
    ("养殖肉牛", 34),
    ("养殖绵羊、山羊", 24),
    ("养猪", 10),
    ("养殖蛋鸡、肉鸡", 6),
    ("设施农业（温室蔬菜）", 8),
    ("购置农机具", 6),
    ("经营农家小卖部", 6),
    ("手工编织（十字绣）", 6),
)

# 2. Sponsorship: 56 children, 100,000 yuan a school year, 2010–2012 and 2014.
SPONSORED_CHILDREN: Final = 56
SPONSORED_ORPHANS: Final = 32
SPONSORSHIP_YEARLY: Final = Decimal(100_000)
SPONSORSHIP_YEARS: Final = (2010, 2011, 2012, 2014)

# 3. Women's Day aid: 20 single mothers, 1,000 yuan each.
SINGLE_MOTHER_AID: Final = Decimal(1000)
WOMENS_DAY: Final = dt.date(2014, 3, 8)

# 4. Fertiliser for the 13 poor households of 黄花筒嘎查.
FERTILISER_VALUE: Final = Decimal(10_000)
FERTILISER_ITEM: Final = "化肥"
FERTILISER_BAGS: Final = Decimal(5)  # per household: 65 bags
FERTILISER_ON: Final = dt.date(2014, 4, 25)

# 5. Two-cancers aid: 12 women, 10,000 yuan each.
TWO_CANCERS_WOMEN: Final = 12
TWO_CANCERS_AID: Final = Decimal(10_000)

# 6. Nutrition packs for 2,302 infants born 1 August 2013 – 28 February 2014.
INFANTS: Final = 2302
BORN_FROM: Final = dt.date(2013, 8, 1)
BORN_TO: Final = dt.date(2014, 2, 28)
INFANTS_APPROVED_ON: Final = dt.date(2014, 4, 10)
_CHUNK: Final = 500

# 7. Works.
DORMITORY_BUDGET: Final = Decimal(2_040_000)
DORMITORY_AREA: Final = Decimal(2000)
DORMITORY_IN_USE: Final = dt.date(2015, 3, 1)
HALL_BUDGET: Final = Decimal(260_000)
HALL_ROOMS: Final = 8
HALL_AREA: Final = Decimal(216)  # "200多平米": 8 rooms of 27 m²

REGISTRY_SCOPE: Final = people.REGISTRY_SCOPE
INFANT_SCOPE: Final = "婴幼儿姓名、出生日期、身份证号码：用于“消除婴幼儿贫血行动”营养包发放登记"


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` shares to the fen that add up to it exactly; the first get the odd fen.

    >>> split(Decimal(100000), 56)[:2], split(Decimal(100000), 56)[-1]
    ([Decimal('1785.72'), Decimal('1785.72')], Decimal('1785.71'))
    """
    fen = int(total * 100)
    base, extra = divmod(fen, parts)
    return [Decimal(base + (index < extra)) / 100 for index in range(parts)]


# --- the plan: the new people ---------------------------------------------------------------


class _Maker(people._Maker):
    """The people maker, steering clear of ID numbers the registry already holds."""

    def __init__(self, seed: int, taken: set[str]) -> None:
        super().__init__(seed)
        self.taken = taken

    def id_number(self, born: dt.date, sex: str, area_code: str | None = None) -> str:
        while True:
            number = super().id_number(born, sex, area_code)
            index = id_index(number)
            if index not in self.taken:
                self.taken.add(index)
                return number


@dataclass(frozen=True)
class LoanSpec:
    principal: Decimal
    applied_on: dt.date
    verified_on: dt.date
    disbursed_on: dt.date
    purpose: str
    overdue: bool  # she has not paid the interest due in the fourth quarter of 2014


@dataclass(frozen=True)
class InfantSpec:
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    id_number: str
    village_code: str
    hukou: str
    mother: str
    registered_on: dt.date


@dataclass
class Plan:
    loan_households: list[HouseholdSpec]  # the husband (head), then the woman who borrows
    loans: list[LoanSpec]
    sponsored: list[HouseholdSpec]  # the guardian (head), then the child
    two_cancers: list[HouseholdSpec]  # the woman last
    infants: list[InfantSpec]

    @property
    def households(self) -> list[HouseholdSpec]:
        return [*self.loan_households, *self.sponsored, *self.two_cancers]

    @property
    def people(self) -> int:
        return sum(len(household.members) for household in self.households) + len(self.infants)


def _rural_villages() -> list[tuple[places.Township, places.Area]]:
    return [(t, v) for t, v in places.all_villages() if v.kind != "community"]


def _married_since(m: _Maker, born: dt.date) -> dt.date:
    return min(m.day_between(dt.date(born.year + 19, 1, 1), dt.date(born.year + 26, 12, 31)), AS_OF)


def _couple(
    m: _Maker,
    village: places.Area,
    *,
    wife_born: dt.date,
    registered_on: dt.date,
    widowed: bool = False,
    categories: Sequence[CategorySpec] = (),
) -> list[PersonSpec]:
    """A rural woman and (unless widowed) her husband, the head of the household."""
    ethnicity = m.village_ethnicity(village.kind)
    since = _married_since(m, wife_born)
    members = []
    if not widowed:
        husband_born = m.born_in(wife_born.year - m.rng.randint(0, 4))
        members.append(
            people._person(
                m,
                name=m.name(ethnicity, Sex.MALE, husband_born),
                sex=Sex.MALE,
                born=husband_born,
                ethnicity=ethnicity,
                relation=Relation.HEAD,
                since=since,
                registered_on=registered_on,
                education=m.adult_education(),
                marital_status=Marital.MARRIED,
                occupation=m.farm_work(village.kind),
                categories=[CategorySpec(c.category, c.start, c.note) for c in categories],
            )
        )
    wife_ethnicity = m.spouse_ethnicity(ethnicity, village.kind)
    members.append(
        people._person(
            m,
            name=m.name(wife_ethnicity, Sex.FEMALE, wife_born),
            sex=Sex.FEMALE,
            born=wife_born,
            ethnicity=wife_ethnicity,
            relation=Relation.HEAD if widowed else Relation.SPOUSE,
            since=since,
            registered_on=registered_on,
            education=m.adult_education(),
            marital_status=Marital.WIDOWED if widowed else Marital.MARRIED,
            occupation=m.farm_work(village.kind),
            categories=list(categories),
        )
    )
    return members


def _loan_households(m: _Maker) -> tuple[list[HouseholdSpec], list[LoanSpec]]:
    principals = [amount for amount, count in LOAN_PRINCIPALS for _ in range(count)]
    m.rng.shuffle(principals)
    overdue = set(m.rng.sample(range(LOAN_HOUSEHOLDS), LOANS_OVERDUE))
    rural = _rural_villages()
    shelihu = (
        places.township_named(people.DAQIN_TOWN),
        places.village_named(people.DAQIN_TOWN, "舍力虎村"),
    )
    households, loans = [], []
    for index, principal in enumerate(principals):
        township, village = shelihu if index < LOANS_IN_SHELIHU else m.rng.choice(rural)
        applied = m.day_between(dt.date(2014, 3, 3), dt.date(2014, 3, 28))
        members = _couple(
            m, village, wife_born=m.born_in(m.rng.randint(1962, 1988)), registered_on=applied
        )
        purposes = LOAN_PURPOSES if village.kind == "village" else LOAN_PURPOSES[:4]
        households.append(
            HouseholdSpec(
                township.name, village.name, village.code, people._address(m, village), members
            )
        )
        loans.append(
            LoanSpec(
                principal=principal,
                applied_on=applied,
                verified_on=applied + dt.timedelta(days=m.rng.randint(3, 9)),
                disbursed_on=m.day_between(dt.date(2014, 4, 8), dt.date(2014, 6, 20)),
                purpose=str(m.weighted(purposes)),
                overdue=index in overdue,
            )
        )
    return households, loans


def _sponsored_households(m: _Maker) -> list[HouseholdSpec]:
    villages = places.all_villages()
    households = []
    for index in range(SPONSORED_CHILDREN):
        township, village = m.rng.choice(villages)
        registered = m.day_between(dt.date(2010, 9, 1), dt.date(2010, 9, 8))
        ethnicity = m.village_ethnicity(village.kind)
        surname = m.surname(ethnicity)
        child_born = m.day_between(dt.date(1998, 9, 1), dt.date(2004, 8, 31))
        child_sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
        orphan = index < SPONSORED_ORPHANS
        if orphan:
            guardian_born = m.born_in(m.rng.randint(1942, 1956))
            guardian = people._person(
                m,
                name=m.name(ethnicity, Sex.FEMALE, guardian_born),
                sex=Sex.FEMALE,
                born=guardian_born,
                ethnicity=ethnicity,
                relation=Relation.HEAD,
                since=dt.date(1985, 1, 1),
                registered_on=registered,
                education=m.elder_education(),
                marital_status=Marital.WIDOWED,
                occupation=m.farm_work(village.kind),
                notes="孤儿的祖母、监护人",
            )
            relation = Relation.GRANDCHILD
            categories = [
                CategorySpec(
                    Category.ORPHAN,
                    start=m.day_between(
                        max(child_born + dt.timedelta(days=180), dt.date(2002, 1, 1)),
                        dt.date(2010, 6, 30),
                    ),
                    note="父母双亡，由祖母抚养",
                )
            ]
        else:
            guardian_born = m.born_in(child_born.year - m.rng.randint(22, 32))
            allowance = CategorySpec(
                Category.LOW_INCOME, start=m.day_between(dt.date(2007, 1, 1), dt.date(2010, 6, 30))
            )
            guardian = people._person(
                m,
                name=m.name(ethnicity, Sex.FEMALE, guardian_born),
                sex=Sex.FEMALE,
                born=guardian_born,
                ethnicity=ethnicity,
                relation=Relation.HEAD,
                since=_married_since(m, guardian_born),
                registered_on=registered,
                education=m.adult_education(),
                marital_status=m.weighted(
                    [(Marital.MARRIED, 60), (Marital.DIVORCED, 25), (Marital.WIDOWED, 15)]
                ),
                occupation=m.farm_work(village.kind),
                categories=[allowance],
            )
            relation = Relation.CHILD
            categories = [
                CategorySpec(
                    Category.DISABLED,
                    start=m.day_between(child_born + dt.timedelta(days=365), dt.date(2010, 6, 30)),
                    disability_type=m.weighted(
                        [
                            (DisabilityType.PHYSICAL, 40),
                            (DisabilityType.INTELLECTUAL, 25),
                            (DisabilityType.HEARING, 15),
                            (DisabilityType.VISUAL, 10),
                            (DisabilityType.MULTIPLE, 10),
                        ]
                    ),
                    disability_grade=m.rng.choice((1, 2, 2, 3, 3, 4)),
                ),
                CategorySpec(Category.LOW_INCOME, start=allowance.start),
            ]
        child = people._person(
            m,
            name=m.name(ethnicity, child_sex, child_born, surname=surname),
            sex=child_sex,
            born=child_born,
            ethnicity=ethnicity,
            relation=relation,
            since=child_born,
            registered_on=registered,
            hukou=Hukou.URBAN if village.kind == "community" else Hukou.RURAL,
            consent_giver=guardian.name,
            categories=categories,
        )
        households.append(
            HouseholdSpec(
                township.name,
                village.name,
                village.code,
                people._address(m, village),
                [guardian, child],
            )
        )
    return households


def _two_cancers_households(m: _Maker) -> list[HouseholdSpec]:
    rural = _rural_villages()
    households = []
    for index in range(TWO_CANCERS_WOMEN):
        township, village = m.rng.choice(rural)
        registered = m.day_between(dt.date(2014, 8, 4), dt.date(2014, 8, 22))
        allowance = CategorySpec(
            Category.LOW_INCOME, start=m.day_between(dt.date(2010, 1, 1), dt.date(2014, 6, 30))
        )
        members = _couple(
            m,
            village,
            wife_born=m.born_in(m.rng.randint(1952, 1976)),
            registered_on=registered,
            widowed=index % 4 == 3,
            categories=[allowance],
        )
        households.append(
            HouseholdSpec(
                township.name, village.name, village.code, people._address(m, village), members
            )
        )
    return households


def _infant_weight(township: places.Township, village: places.Area) -> float:
    if village.kind == "community":
        return 6.0  # the banner seat's communities are large
    if township.name == people.DAQIN_TOWN:
        return 1.5
    if township.kind == "farm":
        return 0.6
    return 0.9 if village.kind == "gacha" else 1.0


def _infants(m: _Maker) -> list[InfantSpec]:
    villages = places.all_villages()
    weights = [_infant_weight(t, v) for t, v in villages]
    infants = []
    for _ in range(INFANTS):
        village = m.rng.choices(villages, weights)[0][1]
        born = m.day_between(BORN_FROM, BORN_TO)
        sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
        ethnicity = m.village_ethnicity(village.kind)
        mother_born = m.born_in(born.year - m.rng.randint(20, 36))
        infants.append(
            InfantSpec(
                name=m.name(ethnicity, sex, born),
                sex=sex,
                birth_date=born,
                ethnicity=ethnicity,
                id_number=m.id_number(born, sex, people.AREA_CODE),
                village_code=village.code,
                hukou=Hukou.URBAN if village.kind == "community" else Hukou.RURAL,
                mother=m.name(ethnicity, Sex.FEMALE, mother_born),
                registered_on=m.day_between(dt.date(2014, 3, 3), dt.date(2014, 3, 21)),
            )
        )
    return infants


def demo_plan(seed: int = SEED, taken: Iterable[str] = ()) -> Plan:
    """The new people of the programmes, avoiding the blind indexes `taken`; no database."""
    m = _Maker(seed, set(taken))
    loan_households, loans = _loan_households(m)
    return Plan(
        loan_households=loan_households,
        loans=loans,
        sponsored=_sponsored_households(m),
        two_cancers=_two_cancers_households(m),
        infants=_infants(m),
    )


# --- loading: helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammesResult:
    programmes: int
    enrolments: int
    benefits: int
    people: int
    households: int
    seconds: float


def programmes_loaded() -> bool:
    return Programme.objects.filter(owner__code=places.COUNTY_CODE, name=LOAN).exists()


@dataclass(frozen=True)
class _Context:
    banner: OrgUnit
    federation: OrgUnit  # holds the funds
    admin: User | None  # approves
    chair: User | None  # verifies in her township
    chair_path: str
    director: User | None  # applies in her village
    director_path: str

    @classmethod
    def load(cls) -> _Context:
        banner = OrgUnit.objects.get(code=places.COUNTY_CODE)
        users = {
            user.username: user
            for user in User.objects.filter(
                username__in=("admin", "chair", "director"), is_active=True
            )
        }
        chair_unit = banner.children.get(name=people.DAQIN_TOWN, closed_on__isnull=True)
        director_unit = chair_unit.children.get(name="舍力虎村", closed_on__isnull=True)
        return cls(
            banner=banner,
            federation=banner.children.get(kind=Kind.FEDERATION, closed_on__isnull=True),
            admin=users.get("admin"),
            chair=users.get("chair"),
            chair_path=chair_unit.path,
            director=users.get("director"),
            director_path=director_unit.path,
        )


def _organisation(name: str, kind: str) -> Organisation:
    return services.organisation_get_or_create(actor=None, name=name, kind=kind)


def _people_of(specs: Iterable[PersonSpec]) -> dict[str, Person]:
    """The registered people of `specs`, by ID number."""
    numbers = {id_index(spec.id_number): spec.id_number for spec in specs}
    found = Person.objects.filter(id_number_index__in=numbers).select_related("residence")
    return {numbers[person.id_number_index or ""]: person for person in found}


def _household_of(person: Person) -> Household:
    return (
        Membership.objects.select_related("household")
        .get(person=person, end__isnull=True)
        .household
    )


def _enrol(
    ctx: _Context,
    programme: Programme,
    person: Person,
    *,
    applied: dt.date,
    verified: dt.date,
    approved: dt.date,
    household: Household | None = None,
    cycle: Cycle | None = None,
    note: str = "",
) -> Enrolment:
    """Apply, verify and approve: the director applies in her village, the chair verifies in
    her township, the county administrator approves; the system takes the other steps."""
    path = person.residence.path
    enrolment = services.enrolment_apply(
        actor=ctx.director if path.startswith(ctx.director_path) else None,
        programme=programme,
        person=person,
        household=household,
        cycle=cycle,
        on=applied,
        note=note,
    )
    enrolment = services.enrolment_advance(
        actor=ctx.chair if path.startswith(ctx.chair_path) else None,
        enrolment=enrolment,
        to=EnrolmentStatus.VERIFIED,
        on=verified,
    )
    return services.enrolment_advance(
        actor=ctx.admin, enrolment=enrolment, to=EnrolmentStatus.APPROVED, on=approved
    )


def _deliver(programme: Programme, deliveries: Sequence[Delivery]) -> list[Benefit]:
    """Deliver to a whole list, all or nothing: the first refusal stops the demo."""
    result = services.benefit_deliver_many(actor=None, programme=programme, deliveries=deliveries)
    if result.errors:
        raise result.errors[0][2]
    return result.benefits


def _cycle_status(cycle: Cycle, status: str) -> Cycle:
    return services.cycle_set_status(actor=None, cycle=cycle, status=status)


def _close(programme: Programme) -> Programme:
    return services.programme_update(
        actor=None, programme=programme, version=programme.version, status=ProgrammeStatus.CLOSED
    )


def _first_cycle(programme: Programme) -> Cycle:
    return programme.cycles.get()


def _fund(
    ctx: _Context,
    name: str,
    source: str,
    opened_on: dt.date,
    *,
    programme: Programme | None = None,
    organisation: Organisation | None = None,
    note: str = "",
) -> Fund:
    return finance.fund_create(
        actor=None,
        owner=ctx.federation,
        name=name,
        source=source,
        opened_on=opened_on,
        source_organisation=organisation,
        programme=programme,
        note=note,
    )


def _receive(
    fund: Fund,
    on: dt.date,
    amount: Decimal,
    description: str,
    counterpart: Organisation | None = None,
) -> None:
    finance.fund_receive(
        actor=None,
        fund=fund,
        on=on,
        amount=amount,
        description=description,
        counterpart=counterpart,
    )


# --- the programmes -----------------------------------------------------------------------------


def _load_loans(ctx: _Context, plan: Plan) -> Programme:
    region = _organisation(REGION_FEDERATION, OrganisationKind.FEDERATION)
    bank = _organisation(BANK, OrganisationKind.BANK)
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=LOAN,
        work_area=WorkArea.PROSPERITY,
        kind=ProgrammeKind.LOAN,
        beneficiary=Beneficiary.HOUSEHOLD,
        start=dt.date(2014, 3, 1),
        end=dt.date(2016, 6, 30),
        budget=LOAN_SUBSIDY_2014 * 2,  # the interest subsidy of the 24 months
        target=LOAN_HOUSEHOLDS,
        description=(
            "积极争取到自治区妇联贴息贷款500万元（总结原文作“500元”，脱“万”字），用于扶持84户"
            "农村妇女发展养殖等产业。奈曼旗农村信用合作联社放贷，期限两年，按季付息、到期还本，"
            "利息由自治区妇联全额贴息，按季兑付。"
        ),
        partners=[bank],
        funders=[region],
    )
    services.rule_add(actor=None, programme=programme, kind=RuleKind.SEX, sex=Sex.FEMALE)
    services.rule_add(actor=None, programme=programme, kind=RuleKind.HUKOU, hukou=Hukou.RURAL)
    services.rule_add(actor=None, programme=programme, kind=RuleKind.AGE, min_age=18, max_age=55)
    fund = _fund(
        ctx,
        "自治区妇联小额贷款贴息资金",
        FundSource.ALLOCATION,
        dt.date(2014, 3, 1),
        programme=programme,
        organisation=region,
    )
    _receive(fund, dt.date(2014, 7, 1), LOAN_SUBSIDY_2014, "2014年度贴息资金", region)

    found = _people_of(spec for household in plan.loan_households for spec in household.members)
    first = _first_cycle(programme)
    borrowers = []
    for household, spec in zip(plan.loan_households, plan.loans, strict=True):
        woman = found[household.members[-1].id_number]
        home = _household_of(woman)
        enrolment = _enrol(
            ctx,
            programme,
            woman,
            household=home,
            applied=spec.applied_on,
            verified=spec.verified_on,
            approved=LOANS_APPROVED_ON,
            note=spec.purpose,
            cycle=first,
        )
        borrowers.append((enrolment, spec))
    cycle = _cycle_status(first, CycleStatus.APPROVED)

    loans: list[tuple[Loan, LoanSpec]] = []
    for number, (enrolment, spec) in enumerate(
        sorted(borrowers, key=lambda pair: (pair[1].disbursed_on, pair[0].pk)), start=1
    ):
        loan = finance.loan_record(
            actor=None,
            enrolment=enrolment,
            bank=bank,
            principal=spec.principal,
            interest_rate=LOAN_RATE,
            subsidy_rate=LOAN_SUBSIDY,
            term_months=LOAN_MONTHS,
            disbursed_on=spec.disbursed_on,
            contract_number=f"奈信联妇贷（2014）第{number:03d}号",
            purpose=spec.purpose,
        )
        services.enrolment_advance(
            actor=None, enrolment=enrolment, to=EnrolmentStatus.ACTIVE, on=spec.disbursed_on
        )
        loans.append((loan, spec))

    # Each quarter: she pays the interest on its due day, the subsidy follows at the quarter's end.
    for quarter, subsidy_day in enumerate(SUBSIDY_DAYS):
        subsidies = []
        for loan, spec in loans:
            instalment = loan.instalments.order_by("due_on")[quarter]
            if instalment.due_on > AS_OF or (quarter == 1 and spec.overdue):
                continue
            finance.loan_repay(
                actor=None, loan=loan, on=instalment.due_on, amount=instalment.interest
            )
            subsidies.append(
                Delivery(
                    person=loan.enrolment.person,
                    household=loan.enrolment.household,
                    on=subsidy_day,
                    kind=BenefitKind.CASH,
                    amount=(instalment.interest * LOAN_SUBSIDY / 100).quantize(FEN),
                    fund=fund,
                    loan=loan,
                    cycle=cycle,
                    delivered_by="旗妇联",
                    note=f"贴息：{instalment.due_on}到期利息",
                )
            )
        _deliver(programme, subsidies)
    return programme


def _load_sponsorship(ctx: _Context, plan: Plan) -> Programme:
    region = _organisation(REGION_FEDERATION, OrganisationKind.FEDERATION)
    donor = _organisation(DONOR, OrganisationKind.PRIVATE)
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=SPONSORSHIP,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.SPONSORSHIP,
        start=dt.date(2010, 9, 1),
        end=dt.date(2011, 8, 31),
        budget=SPONSORSHIP_YEARLY * 3,
        target=SPONSORED_CHILDREN,
        description=(
            "2010年旗妇联争取到自治区妇联香港爱心人士何崇本先生助学项目，救助我旗56名贫困孤残"
            "儿童，每年度10万元，三年共计30万元。"
        ),
        partners=[region],
        funders=[donor],
    )
    services.rule_add(actor=None, programme=programme, kind=RuleKind.AGE, min_age=6, max_age=18)
    fund = _fund(
        ctx,
        "何崇本先生助学金",
        FundSource.SPONSOR,
        dt.date(2010, 9, 1),
        programme=programme,
        organisation=donor,
        note="经自治区妇联拨付",
    )
    households = plan.sponsored
    found = _people_of(spec for household in households for spec in household.members)
    children = [found[household.members[-1].id_number] for household in households]
    amounts = split(SPONSORSHIP_YEARLY, len(children))
    for year in SPONSORSHIP_YEARS:
        if year == SPONSORSHIP_YEARS[0]:
            cycle = _first_cycle(programme)
        else:
            # The programme runs a year longer each time; in 2014 the donor gave again.
            again = {
                "budget": SPONSORSHIP_YEARLY * len(SPONSORSHIP_YEARS),
                "description": programme.description
                + "2014年，何先生再次为这56名贫困孤残儿童拨付了10万元助学金。",
            }
            programme = services.programme_update(
                actor=None,
                programme=programme,
                version=programme.version,
                end=dt.date(year + 1, 8, 31),
                **(again if year == 2014 else {}),
            )
            cycle = services.cycle_create(
                actor=None,
                programme=programme,
                name=str(year),
                start=dt.date(year, 9, 1),
                end=dt.date(year + 1, 8, 31),
            )
        _receive(
            fund,
            dt.date(year, 9, 20),
            SPONSORSHIP_YEARLY,
            f"何崇本先生{year}年度助学金（经自治区妇联拨付）",
            region,
        )
        enrolments = [
            _enrol(
                ctx,
                programme,
                child,
                cycle=cycle,
                applied=dt.date(year, 9, 5),
                verified=dt.date(year, 9, 12),
                approved=dt.date(year, 9, 19),
            )
            for child in children
        ]
        cycle = _cycle_status(cycle, CycleStatus.APPROVED)
        _deliver(
            programme,
            [
                Delivery(
                    person=child,
                    on=dt.date(year, 10, 15),
                    kind=BenefitKind.CASH,
                    amount=amount,
                    fund=fund,
                    cycle=cycle,
                    delivered_by="旗妇联",
                    note=f"{year}—{year + 1}学年助学金",
                )
                for child, amount in zip(children, amounts, strict=True)
            ],
        )
        if year < 2014:  # the school year is over
            for enrolment in enrolments:
                services.enrolment_advance(
                    actor=None,
                    enrolment=enrolment,
                    to=EnrolmentStatus.COMPLETED,
                    on=dt.date(year + 1, 7, 10),
                )
            _cycle_status(cycle, CycleStatus.FROZEN)
    return programme


def _load_single_mothers(ctx: _Context) -> Programme:
    union = _organisation(TRADE_UNION, OrganisationKind.SOCIAL)
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=SINGLE_MOTHERS_AID,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.CASH_AID,
        start=dt.date(2014, 3, 1),
        end=dt.date(2014, 3, 31),
        budget=SINGLE_MOTHER_AID * people.SINGLE_MOTHERS,
        target=people.SINGLE_MOTHERS,
        description="“三八”节期间，旗妇联、旗总工会联合为20名贫困单亲母亲发放救助金2万元。",
        partners=[union],
        funders=[union],
    )
    services.rule_add(
        actor=None,
        programme=programme,
        kind=RuleKind.CATEGORY,
        category=Category.SINGLE_MOTHER,
        on=WOMENS_DAY,
    )
    fund = _fund(
        ctx,
        "2014年“三八”节贫困单亲母亲救助金",
        FundSource.OTHER,
        dt.date(2014, 3, 1),
        programme=programme,
        note="旗妇联、旗总工会各出资1万元",
    )
    _receive(fund, dt.date(2014, 3, 4), Decimal(10_000), "旗总工会出资", union)
    _receive(fund, dt.date(2014, 3, 4), Decimal(10_000), "旗妇联工作经费")
    mothers = list(
        Person.objects.filter(
            county_code=places.COUNTY_CODE,
            categories__category=Category.SINGLE_MOTHER,
            categories__note="贫困单亲母亲",
        )
        .select_related("residence")
        .order_by("pk")[: people.SINGLE_MOTHERS]
    )
    first = _first_cycle(programme)
    for mother in mothers:
        _enrol(
            ctx,
            programme,
            mother,
            applied=dt.date(2014, 3, 3),
            verified=dt.date(2014, 3, 5),
            approved=dt.date(2014, 3, 6),
            cycle=first,
        )
    cycle = _cycle_status(first, CycleStatus.APPROVED)
    _deliver(
        programme,
        [
            Delivery(
                person=mother,
                on=dt.date(2014, 3, 7),
                kind=BenefitKind.CASH,
                amount=SINGLE_MOTHER_AID,
                fund=fund,
                cycle=cycle,
                delivered_by="旗妇联、旗总工会",
            )
            for mother in mothers
        ],
    )
    _cycle_status(cycle, CycleStatus.FROZEN)
    return _close(programme)


def _load_fertiliser(ctx: _Context) -> Programme:
    village = OrgUnit.objects.get(
        code=places.village_named(*people.POOR_VILLAGE).code, closed_on__isnull=True
    )
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=FERTILISER,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.IN_KIND_AID,
        beneficiary=Beneficiary.HOUSEHOLD,
        start=dt.date(2014, 4, 15),
        end=dt.date(2014, 5, 31),
        budget=FERTILISER_VALUE,
        target=people.POOR_HOUSEHOLDS,
        description="深入包扶村黄花筒嘎查13户贫困户家送去了1万元化肥，解决了他们的燃眉之急。",
    )
    services.rule_add(
        actor=None, programme=programme, kind=RuleKind.CATEGORY, category=Category.REGISTERED_POOR
    )
    services.rule_add(actor=None, programme=programme, kind=RuleKind.RESIDENCE, unit=village)
    # The woman of each poor household applies for it (the wife, or the widow at its head).
    women = list(
        Person.objects.filter(
            residence=village,
            sex=Sex.FEMALE,
            categories__category=Category.REGISTERED_POOR,
            memberships__end__isnull=True,
            memberships__relation__in=(Relation.HEAD, Relation.SPOUSE),
        )
        .select_related("residence")
        .distinct()
        .order_by("pk")
    )
    if len(women) != people.POOR_HOUSEHOLDS:
        raise RuntimeError(f"{len(women)} women of poor households in {village.name}, not 13")
    homes = [_household_of(woman) for woman in women]
    first = _first_cycle(programme)
    for woman, home in zip(women, homes, strict=True):
        _enrol(
            ctx,
            programme,
            woman,
            household=home,
            applied=dt.date(2014, 4, 18),
            verified=dt.date(2014, 4, 21),
            approved=dt.date(2014, 4, 22),
            cycle=first,
        )
    cycle = _cycle_status(first, CycleStatus.APPROVED)
    _deliver(
        programme,
        [
            Delivery(
                person=woman,
                household=home,
                on=FERTILISER_ON,
                kind=BenefitKind.GOODS,
                amount=value,
                item=FERTILISER_ITEM,
                quantity=FERTILISER_BAGS,
                measure="袋",
                cycle=cycle,
                delivered_by="旗妇联工作队",
                note="复合肥，50公斤/袋",
            )
            for woman, home, value in zip(
                women, homes, split(FERTILISER_VALUE, len(women)), strict=True
            )
        ],
    )
    _cycle_status(cycle, CycleStatus.FROZEN)
    return _close(programme)


def _load_two_cancers(ctx: _Context, plan: Plan) -> Programme:
    region = _organisation(REGION_FEDERATION, OrganisationKind.FEDERATION)
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=TWO_CANCERS,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.CASH_AID,
        health=True,  # being in it reveals the diagnosis
        start=dt.date(2014, 8, 1),
        end=dt.date(2014, 12, 31),
        budget=TWO_CANCERS_AID * TWO_CANCERS_WOMEN,
        target=TWO_CANCERS_WOMEN,
        description=(
            "针对我旗“两癌”贫困妇女因病致贫、返贫现象，旗妇联积极争取上级“两癌”救助资金12万元"
            "救助患病贫困妇女12人，每人1万元。"
        ),
        funders=[region],
    )
    services.rule_add(actor=None, programme=programme, kind=RuleKind.SEX, sex=Sex.FEMALE)
    services.rule_add(
        actor=None, programme=programme, kind=RuleKind.CATEGORY, category=Category.LOW_INCOME
    )
    fund = _fund(
        ctx,
        "贫困母亲“两癌”救助资金",
        FundSource.ALLOCATION,
        dt.date(2014, 8, 1),
        programme=programme,
        organisation=region,
    )
    _receive(
        fund, dt.date(2014, 8, 20), TWO_CANCERS_AID * TWO_CANCERS_WOMEN, "上级妇联下拨", region
    )
    found = _people_of(spec for household in plan.two_cancers for spec in household.members)
    women = [found[household.members[-1].id_number] for household in plan.two_cancers]
    first = _first_cycle(programme)
    for woman, household in zip(women, plan.two_cancers, strict=True):
        registered = household.members[-1].registered_on
        _enrol(
            ctx,
            programme,
            woman,
            applied=registered,
            verified=registered + dt.timedelta(days=4),
            approved=dt.date(2014, 9, 5),
            cycle=first,
        )
    cycle = _cycle_status(first, CycleStatus.APPROVED)
    _deliver(
        programme,
        [
            Delivery(
                person=woman,
                on=dt.date(2014, 9, 12),
                kind=BenefitKind.CASH,
                amount=TWO_CANCERS_AID,
                fund=fund,
                cycle=cycle,
                delivered_by="旗妇联",
            )
            for woman in women
        ],
    )
    _cycle_status(cycle, CycleStatus.FROZEN)
    return programme


def _register_infants(infants: Sequence[InfantSpec]) -> list[Person]:
    """Through `person_prepare` and `person_register_many`, a chunk at a time."""
    units = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(
            code__in={infant.village_code for infant in infants}, closed_on__isnull=True
        )
    }
    registered: list[Person] = []
    for first in range(0, len(infants), _CHUNK):
        chunk = infants[first : first + _CHUNK]
        indexes = [id_index(infant.id_number) for infant in chunk]
        holders = {
            person.id_number_index or "": person
            for person in Person.objects.filter(id_number_index__in=indexes).select_related(
                "residence"
            )
        }
        registrations: list[Registration] = [
            person_prepare(
                actor=None,
                name=infant.name,
                residence=units[infant.village_code],
                sex=infant.sex,
                birth_date=infant.birth_date,
                id_number=infant.id_number,
                ethnicity=infant.ethnicity,
                hukou=infant.hukou,
                notes=f"母亲：{infant.mother}",
                consent=ConsentInput(
                    purpose=ConsentPurpose.REGISTRY,
                    scope=INFANT_SCOPE,
                    given_by=ConsentGiver.GUARDIAN,
                    giver_name=infant.mother,
                    given_on=infant.registered_on,
                ),
                id_holder=holders.get,
            )
            for infant in chunk
        ]
        registered += person_register_many(actor=None, registrations=registrations)
    return registered


def _load_anaemia(ctx: _Context, plan: Plan) -> Programme:
    health = _organisation(HEALTH_BUREAU, OrganisationKind.GOVERNMENT)
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=ANAEMIA,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.IN_KIND_AID,
        start=dt.date(2014, 3, 1),
        end=dt.date(2016, 2, 29),  # the youngest turn two
        target=INFANTS,
        description=(
            "为6至24月龄婴幼儿免费发放营养包。旗委、政府高度重视，专门召开项目培训会，落实了旗、"
            "镇两级培训，共统计2013年8月1日至2014年2月28日期间适合发放营养包婴幼儿2302名；"
            "其他准备工作正在有条不紊地进行中，营养包尚未发放。"
        ),
        partners=[health],
    )
    services.rule_add(
        actor=None,
        programme=programme,
        kind=RuleKind.BIRTH_WINDOW,
        born_from=BORN_FROM,
        born_to=BORN_TO,
    )
    infants = _register_infants(plan.infants)
    first = _first_cycle(programme)
    for person, spec in zip(infants, plan.infants, strict=True):
        _enrol(
            ctx,
            programme,
            person,
            applied=spec.registered_on,
            verified=spec.registered_on + dt.timedelta(days=7),
            approved=INFANTS_APPROVED_ON,
            cycle=first,
        )
    _cycle_status(first, CycleStatus.APPROVED)
    return programme


def _milestones(project: Project, steps: Sequence[tuple[str, dt.date, dt.date | None]]) -> Project:
    """Add the milestones (name, planned, reached) and reach those reached."""
    for name, planned, reached in steps:
        milestone = finance.milestone_add(
            actor=None, project=project, name=name, planned_on=planned
        )
        if reached is not None:
            finance.milestone_reach(actor=None, milestone=milestone, on=reached)
    return project


def _set_status(project: Project, status: str) -> Project:
    return finance.project_set_status(
        actor=None, project=project, status=status, version=project.version
    )


def _load_dormitory(ctx: _Context) -> Programme:
    donor = _organisation(DONOR, OrganisationKind.PRIVATE)
    education = _organisation(EDUCATION_BUREAU, OrganisationKind.GOVERNMENT)
    school = OrgUnit.objects.get(
        name=people.FOURTH_SCHOOL, kind=Kind.SCHOOL, closed_on__isnull=True
    )
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=DORMITORY,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.CONSTRUCTION,
        start=dt.date(2014, 3, 20),
        budget=DORMITORY_BUDGET,
        description=(
            "何崇本先生投资204万元在我旗第四小学建一栋2000平方米的学生宿舍楼，预计2015年3月1日"
            "投入使用，改善学生学习、生活条件，保障学生安全。"
        ),
        partners=[education],
        funders=[donor],
    )
    project = finance.project_create(
        actor=None,
        programme=programme,
        name="大沁他拉镇第四小学学生宿舍楼",
        site=school,
        budget=DORMITORY_BUDGET,
        floor_area=DORMITORY_AREA,
        address="大沁他拉镇第四小学校园内",
        description="学生宿舍楼一栋，建筑面积2000平方米。",
        funding={donor: DORMITORY_BUDGET},
    )
    fund = _fund(
        ctx,
        "何崇本先生捐建第四小学宿舍楼资金",
        FundSource.SPONSOR,
        dt.date(2014, 3, 20),
        programme=programme,
        organisation=donor,
    )
    _milestones(project, [("签订捐建协议", dt.date(2014, 3, 20), dt.date(2014, 3, 20))])
    _receive(fund, dt.date(2014, 4, 25), DORMITORY_BUDGET / 2, "第一笔捐建资金", donor)
    project = _set_status(project, ProjectStatus.BUILDING)
    _milestones(project, [("开工建设", dt.date(2014, 5, 10), dt.date(2014, 5, 12))])
    for on, amount, what in (
        (dt.date(2014, 5, 20), Decimal(408_000), "工程预付款（20%）"),
        (dt.date(2014, 8, 25), Decimal(612_000), "工程进度款（30%）"),
    ):
        finance.fund_spend(
            actor=None, fund=fund, on=on, amount=amount, description=what, project=project
        )
    _receive(fund, dt.date(2014, 9, 25), DORMITORY_BUDGET / 2, "第二笔捐建资金", donor)
    _milestones(
        project,
        [
            ("主体封顶", dt.date(2014, 9, 30), dt.date(2014, 10, 18)),
            ("竣工验收", dt.date(2015, 1, 31), None),
            ("投入使用", DORMITORY_IN_USE, None),
        ],
    )
    finance.fund_spend(
        actor=None,
        fund=fund,
        on=dt.date(2014, 10, 28),
        amount=Decimal(408_000),
        description="主体封顶进度款（20%）",
        project=project,
    )
    return programme


def _load_service_hall(ctx: _Context) -> Programme:
    funders = {
        _organisation(name, OrganisationKind.GOVERNMENT): amount for name, amount in HALL_FUNDERS
    }
    village = OrgUnit.objects.get(
        code=places.village_named(*people.POOR_VILLAGE).code, closed_on__isnull=True
    )
    programme = services.programme_create(
        actor=None,
        owner=ctx.banner,
        name=SERVICE_HALL,
        work_area=WorkArea.LIVELIHOOD,
        kind=ProgrammeKind.CONSTRUCTION,
        start=dt.date(2014, 5, 1),
        end=dt.date(2014, 11, 30),
        budget=HALL_BUDGET,
        description=(
            "通过协调各有关部门，协调资金26万元，为包扶村黄花筒嘎查新建“便民服务大厅”8间200多平米。"
        ),
        funders=list(funders),
    )
    project = finance.project_create(
        actor=None,
        programme=programme,
        name="黄花筒嘎查便民服务大厅",
        site=village,
        budget=HALL_BUDGET,
        floor_area=HALL_AREA,
        rooms=HALL_ROOMS,
        address="黄花筒嘎查村部",
        description="便民服务大厅8间，216平方米。",
        funding=funders,
    )
    fund = _fund(
        ctx,
        "黄花筒嘎查便民服务大厅协调资金",
        FundSource.GOVERNMENT,
        dt.date(2014, 5, 1),
        programme=programme,
    )
    for organisation, amount in funders.items():
        _receive(fund, dt.date(2014, 5, 20), amount, "便民服务大厅建设资金", organisation)
    project = _set_status(project, ProjectStatus.BUILDING)
    _milestones(project, [("开工建设", dt.date(2014, 6, 10), dt.date(2014, 6, 12))])
    payments = (
        (dt.date(2014, 6, 15), Decimal(78_000), "工程预付款（30%）"),
        (dt.date(2014, 8, 30), Decimal(104_000), "工程进度款（40%）"),
        (dt.date(2014, 10, 25), Decimal(78_000), "竣工结算款（30%）"),
    )
    for on, amount, what in payments:
        finance.fund_spend(
            actor=None, fund=fund, on=on, amount=amount, description=what, project=project
        )
    _milestones(
        project,
        [
            ("主体完工", dt.date(2014, 8, 31), dt.date(2014, 8, 28)),
            ("竣工验收", dt.date(2014, 10, 20), dt.date(2014, 10, 22)),
        ],
    )
    _set_status(project, ProjectStatus.COMPLETED)
    return _close(programme)


def load_programmes(plan: Plan | None = None) -> ProgrammesResult:
    """Load the programmes of the summary through the services (call in a transaction).

    Needs the tree, the demo users and the people of `jinguo.demo.people` (the single mothers
    and the poor households of 黄花筒嘎查); registers the other beneficiaries itself.
    """
    started = time.perf_counter()
    ctx = _Context.load()
    if plan is None:
        taken = Person.objects.exclude(id_number_index=None).values_list(
            "id_number_index", flat=True
        )
        plan = demo_plan(taken=[index for index in taken if index])
    added = people.load_people(plan.households)
    programmes = [
        _load_loans(ctx, plan),
        _load_sponsorship(ctx, plan),
        _load_single_mothers(ctx),
        _load_fertiliser(ctx),
        _load_two_cancers(ctx, plan),
        _load_anaemia(ctx, plan),
        _load_dormitory(ctx),
        _load_service_hall(ctx),
    ]
    return ProgrammesResult(
        programmes=len(programmes),
        enrolments=Enrolment.objects.filter(programme__in=programmes).count(),
        benefits=Benefit.objects.filter(programme__in=programmes).count(),
        people=added.people + len(plan.infants),
        households=added.households,
        seconds=time.perf_counter() - started,
    )


__all__ = [
    "PROGRAMMES",
    "InfantSpec",
    "LoanSpec",
    "Plan",
    "ProgrammesResult",
    "demo_plan",
    "load_programmes",
    "programmes_loaded",
    "split",
]
