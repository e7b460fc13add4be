"""Demo donations of Naiman Banner, January 2013 to the end of 2014: the charity cabin, the
poverty day, the children's home equipment and the civilised posts' goods.

Everything is written through the donations services (`place_open`, `campaign_create`,
`donor_create`, `donation_receive`, `disburse`, `handover_record`), the funds of the programmes
(`fund_create`) and, for the households it adds, the people services (`person_prepare`,
`person_register_many`, `household_create`, `household_add_member`), all with ``actor=None``
(the system), so each record has its audit entries and its receipt number. It needs the tree,
the demo people and the demo programmes (the organisations they created are reused by name);
call `load` after both, inside the demo's transaction (it opens its own as well). It is skipped
when the cabin is already a charity place, and it is deterministic (one seeded random source;
existing people and households are taken in a fixed order). Nothing is recorded after
31 December 2014 (`TODAY`, the demo's today).

What the summary says (its words in quotes) and what is made of it:

* **大镇“爱心小屋”** — "大镇“爱心小屋”建于2013年1月 … 自小屋建立以来，筹集各方善款239450万元，
  衣物、鞋、轮椅、拐杖、书包等2275件；米、面、油15090斤，救助贫困户1245户，受资助人达1662人次".
  The cabin is the unit of its volunteer team, 大沁他拉镇“爱心小屋”义工队 (alias 大镇爱心小屋),
  opened as a charity place on the day the unit opened (15 January 2013). Its figures to the
  end of 2014 (`selectors.place_figures(place, on=TODAY)`):

  - cash: **239,450 yuan**. "239450万元" would be 2.39 billion yuan, impossible for a town's
    charity cabin; the 万 is a slip and the figure is read as 239,450 yuan. It includes the
    13,450 yuan of the poverty day handed over to the cabin in October 2014; the other 226,000
    came from 8 gifts of organisations (74,000; the banner's rural credit union, its two
    associations of private businesses and four companies of the banner), 45 gifts of 30
    named donors (62,000) and 90 anonymous gifts on the spot or in the donation box (90,000),
    every amount but the organisations' invented. All of it
    goes into the cabin's fund (`CABIN_FUND`) through the cabin's standing campaign
    (`CABIN_CAMPAIGN`, whose place is the cabin): a gift of cash names no place of its own, and
    only a campaign ties it to the cabin's figures.
  - goods: **2,275 件** of clothing (衣物 1,480), shoes (鞋 520), wheelchairs (轮椅 18),
    crutches (拐杖 42) and school bags (书包 215), each counted in 件 as the summary counts
    them; and **15,090 斤** of rice (大米 8,150), flour (面粉 5,260) and oil (食用油 1,680). The
    split by item, the 165 gifts they came in, their donors and their estimated values are
    invented.
  - aid: **1,245 households** and **1,662 person-times**. `place_figures` counts as
    person-times every disbursement to a person or a household, and as households the distinct
    households among them; so each of 1,245 households gets one gift (rice, flour, oil,
    clothing, shoes or cash) and 417 gifts go to people (school bags, clothes and shoes to
    children, wheelchairs and crutches to disabled and old people, school grants to poor
    pupils): 1,245 + 417 = 1,662. The households are the registry's households of the banner
    seat (大沁他拉镇 and 大沁他拉街道, whose people the cabin serves), and, since the seat holds
    fewer than 1,245, poor households of 大沁他拉镇's villages registered here (not in 舍力虎村,
    whose villagers the activities take for a training; a head and most often a spouse, with
    their ID numbers, phones and consent, synthetic like the rest). The
    people are first the children whose record says they had 爱心小屋 aid (62, wherever they
    live; the activities pair 55 of them with the cabin's caring mothers), then the
    left-behind children and other pupils of the seat, its disabled and its old people, and its
    pupils of secondary school age. What each got, when (more in winter, school bags before
    the autumn term) and how much are invented; nothing is given before it was received, so
    the stock of every item stays at zero or above on every day.

* **扶贫日** (17 October 2014) — "筹集资金6.1万元救助了孤残儿童、贫困学生、贫困残疾人等弱势群体
  41名，现场募捐13450元，在公证人员的公证下交由大镇爱心小屋工作人员": a campaign of the banner
  federation with its own fund. **61,000 yuan** raised: 47,550 from 12 organisations and
  named donors (invented), and the **13,450 yuan** collected on the spot, which is part of the
  61,000. The 47,550 went to the **41 people** (cash, that day): the 31 children whose record
  says they had 扶贫日 aid, 6 orphans and 4 disabled adults of the registry — the same 41 as the
  activity's attendance in `jinguo.demo.activities` — 1,000 yuan each to the children, 1,500 to
  the orphans, the rest shared by the disabled adults. The 13,450 went to the cabin: a
  hand-over before a notary (`HandOver`; the notary office, the names and the certificate
  number **(2014)奈证民字第1017号 are invented**), a disbursement of the campaign to the
  cabin's unit linked to it, and the same sum received by the cabin as an anonymous gift.

* **留守流动儿童家园** at 大沁他拉镇第四小学 — "自治区妇联为学校配备了12台电脑，5台电子琴，
  2个乒乓球台": given by 内蒙古自治区妇女联合会 to the banner federation, which holds goods in
  passage in its own store (a charity place not shown publicly, opened 1 January 2014), and
  handed to the school unit: **12 computers (台), 5 electronic keyboards (台), 2 table-tennis
  tables (个)**, in the summary's measures. Invented: the dates (received 30 May 2014, given
  on Children's Day) and the values.

* **巾帼文明岗** — "旗农电局、旗医院、疾控中心等文明岗为农村牧区妇女送科技书籍、免费义诊等联谊活动，
  投入物资5万多元": a campaign of the banner federation: science books from 旗农电局营业厅
  (19,600 yuan), medicines from 旗医院妇产科 (22,400) and 旗疾控中心免疫规划科 (10,300), **52,300
  yuan**, received and given on the days of their outings to their paired villages, as in
  `jinguo.demo.activities` (`POST_OUTINGS`, `POST_VILLAGES`), which holds the same values.
  Invented: the split, the quantities (册, 盒) and their unit values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, TypeVar

from django.db import transaction
from django.db.models import Q

from jinguo.demo import people, places
from jinguo.demo.activities import (
    CABIN_AID,
    CABIN_TEAM,
    POST_OUTINGS,
    POST_VILLAGES,
    POVERTY_DAY,
    POVERTY_DAY_AID,
    POVERTY_DAY_DONATIONS,
    POVERTY_DAY_FUNDS,
    POVERTY_DAY_HELPED,
    POVERTY_DAY_ORPHANS,
    SAFE_FAMILY_VILLAGE,
    TODAY,
)
from jinguo.donations import services
from jinguo.donations.choices import Channel, Condition, DonorKind, GiftKind, GoodsCategory
from jinguo.donations.models import (
    Campaign,
    CharityPlace,
    Disbursement,
    Donation,
    Donor,
    HandOver,
)
from jinguo.donations.services import Gift, Goods
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    Hukou,
    Marital,
    Relation,
    Sex,
)
from jinguo.people.models import Household, Person
from jinguo.people.services import (
    ConsentInput,
    Registration,
    household_add_member,
    household_create,
    id_index,
    person_prepare,
    person_register_many,
)
from jinguo.programmes import finance
from jinguo.programmes.choices import FundSource, OrganisationKind
from jinguo.programmes.models import ZERO, Organisation
from jinguo.programmes.services import organisation_get_or_create

SEED: Final = 2017  # people 2014, programmes 2015, activities 2016
D = dt.date
Y = Decimal
T = TypeVar("T")

COUNTY_FEDERATION: Final = "奈曼旗妇女联合会"
DAQIN_TOWN: Final = people.DAQIN_TOWN
DAQIN_STREET: Final = people.DAQIN_STREET
FOURTH_SCHOOL: Final = people.FOURTH_SCHOOL
REGIONAL_FEDERATION: Final = "内蒙古自治区妇女联合会"

# --- the cabin ------------------------------------------------------------------------------------

CABIN_FUND: Final = "大镇“爱心小屋”善款"
CABIN_CAMPAIGN: Final = "大镇“爱心小屋”爱心捐助"
# "筹集各方善款239450万元": 239,450 yuan (see the module's docstring), the hand-over included.
CABIN_CASH: Final = Y(239_450)
CABIN_HOUSEHOLDS: Final = 1245  # "救助贫困户1245户"
CABIN_PERSON_TIMES: Final = 1662  # "受资助人达1662人次"
PIECES: Final = "件"
JIN: Final = "斤"


@dataclass(frozen=True)
class Item:
    """An item the cabin took in: how much in all, in how many gifts, at what unit value."""

    name: str
    category: str
    measure: str
    total: int
    gifts: int
    unit_value: Decimal
    condition: str = ""


SCHOOL_BAG: Final = "书包"
# School bags come in summer, before the autumn term: 110 in 2013 and 105 in 2014, for 100
# pupils each year.
BAGS_BY_YEAR: Final = ((2013, 110), (2014, 105))
BAG_ROWS_2013: Final = 100
CABIN_ITEMS: Final = (
    # "衣物、鞋、轮椅、拐杖、书包等2275件"
    Item("衣物", GoodsCategory.CLOTHING, PIECES, 1480, 60, Y(30), Condition.USED),
    Item("鞋", GoodsCategory.SHOES, PIECES, 520, 25, Y(25), Condition.GOOD),
    Item("轮椅", GoodsCategory.MOBILITY, PIECES, 18, 4, Y(450), Condition.NEW),
    Item("拐杖", GoodsCategory.MOBILITY, PIECES, 42, 5, Y(60), Condition.NEW),
    Item(SCHOOL_BAG, GoodsCategory.SCHOOL, PIECES, 215, 6, Y(35), Condition.NEW),
    # "米、面、油15090斤"
    Item("大米", GoodsCategory.FOOD, JIN, 8150, 30, Y("2.60"), Condition.NEW),
    Item("面粉", GoodsCategory.FOOD, JIN, 5260, 20, Y("2.30"), Condition.NEW),
    Item("食用油", GoodsCategory.FOOD, JIN, 1680, 15, Y("6.50"), Condition.NEW),
)
CABIN_PIECES: Final = 2275
CABIN_JIN: Final = 15_090

# Organisations that gave cash to the cabin: name, kind, day, yuan (74,000 in all).
CABIN_ORGANISATION_GIFTS: Final = (
    ("奈曼旗农村信用合作联社", OrganisationKind.BANK, D(2013, 1, 15), 20_000),
    ("奈曼旗私营企业协会", OrganisationKind.SOCIAL, D(2013, 1, 15), 10_000),
    ("奈曼旗个体劳动者协会", OrganisationKind.SOCIAL, D(2013, 2, 5), 8_000),
    ("奈曼旗宏盛米业有限公司", OrganisationKind.ENTERPRISE, D(2013, 9, 10), 5_000),
    ("奈曼旗正义律师事务所", OrganisationKind.ENTERPRISE, D(2013, 12, 20), 3_000),
    ("奈曼旗私营企业协会", OrganisationKind.SOCIAL, D(2014, 1, 15), 12_000),
    ("奈曼旗龙化粮油贸易有限公司", OrganisationKind.ENTERPRISE, D(2014, 1, 20), 6_000),
    ("奈曼旗农村信用合作联社", OrganisationKind.BANK, D(2014, 6, 1), 10_000),
)
CABIN_NAMED_DONORS: Final = 30
CABIN_NAMED_CASH: Final = 62_000
CABIN_ANONYMOUS_GIFTS: Final = 90
CABIN_ANONYMOUS_CASH: Final = 90_000
# Who gave goods besides named people and anonymous ones: item → organisation, kind, gifts.
GOODS_ORGANISATIONS: Final[dict[str, tuple[str, str, int]]] = {
    "轮椅": ("奈曼旗残疾人联合会", OrganisationKind.SOCIAL, 2),
    "拐杖": ("奈曼旗残疾人联合会", OrganisationKind.SOCIAL, 3),
    SCHOOL_BAG: ("奈曼旗农村信用合作联社", OrganisationKind.BANK, 3),
    "大米": ("奈曼旗宏盛米业有限公司", OrganisationKind.ENTERPRISE, 10),
    "面粉": ("奈曼旗龙化粮油贸易有限公司", OrganisationKind.ENTERPRISE, 8),
    "食用油": ("奈曼旗龙化粮油贸易有限公司", OrganisationKind.ENTERPRISE, 6),
}

# The 1,245 household gifts, by what they were: item (or cash), rows, quantities to choose from.
HOUSEHOLD_GIFTS: Final = (
    ("大米", 300, (20, 25)),
    ("面粉", 200, (20, 25)),
    ("食用油", 250, (5,)),
    ("衣物", 200, (3, 4, 5)),
    ("鞋", 60, (2, 3)),
    ("", 235, ()),  # cash: see HOUSEHOLD_CASH
)
HOUSEHOLD_CASH: Final = ((300, 30), (500, 35), (800, 20), (1000, 12), (2000, 3))  # yuan, weight
# The 417 gifts to people: item (or cash), rows, quantities, who.
PERSON_GIFTS: Final = (
    (SCHOOL_BAG, 200, (1,), "pupil"),
    ("衣物", 100, (2, 3, 4), "child"),
    ("鞋", 60, (1, 2), "child"),
    ("轮椅", 12, (1,), "infirm"),
    ("拐杖", 35, (1,), "infirm"),
    ("", 10, (1000,), "student"),  # school grants, yuan
)

# --- the poverty day ------------------------------------------------------------------------------

POVERTY_DAY_CAMPAIGN: Final = "首个全国“扶贫日”募捐"
POVERTY_DAY_FUND: Final = "“扶贫日”募捐善款"
# 47,550 from organisations and named donors before and on the day (invented), 13,450 on the spot.
POVERTY_DAY_GIFTS: Final = (
    ("奈曼旗扶贫开发办公室", OrganisationKind.GOVERNMENT, D(2014, 10, 16), 10_000),
    ("奈曼旗农村信用合作联社", OrganisationKind.BANK, D(2014, 10, 16), 8_000),
    ("奈曼旗私营企业协会", OrganisationKind.SOCIAL, D(2014, 10, 17), 6_000),
    ("奈曼旗宏盛米业有限公司", OrganisationKind.ENTERPRISE, D(2014, 10, 17), 5_000),
    ("奈曼旗龙化粮油贸易有限公司", OrganisationKind.ENTERPRISE, D(2014, 10, 17), 3_000),
    ("奈曼旗个体劳动者协会", OrganisationKind.SOCIAL, D(2014, 10, 17), 3_000),
    ("奈曼旗总工会", OrganisationKind.SOCIAL, D(2014, 10, 17), 2_000),
    ("奈曼旗正义律师事务所", OrganisationKind.ENTERPRISE, D(2014, 10, 17), 2_000),
)
POVERTY_DAY_NAMED_DONORS: Final = 4  # with 8,550 yuan between them
POVERTY_DAY_CHILD_GRANT: Final = Y(1000)
POVERTY_DAY_ORPHAN_GRANT: Final = Y(1500)
# Invented: the notary's office and certificate, and who handed over and received.
NOTARY: Final = "奈曼旗公证处 公证员 刘振宇"
CERTIFICATE: Final = "(2014)奈证民字第1017号"
HANDED_BY: Final = "奈曼旗妇联 财务人员 孙丽华"
RECEIVED_BY: Final = "大镇“爱心小屋” 负责人 高秀云"
WITNESSES: Final = "旗扶贫开发办公室、旗妇联工作人员及现场群众"

# --- the federation's store: the children's home equipment and the civilised posts ----------------

FEDERATION_STORE_OPENED: Final = D(2014, 1, 1)
EQUIPMENT_RECEIVED: Final = D(2014, 5, 30)
EQUIPMENT_GIVEN: Final = D(2014, 6, 1)  # Children's Day
# "自治区妇联为学校配备了12台电脑，5台电子琴，2个乒乓球台": item, category, quantity, measure,
# yuan each.
EQUIPMENT: Final = (
    ("电脑", GoodsCategory.ELECTRONICS, 12, "台", Y(3500)),
    ("电子琴", GoodsCategory.SPORTS, 5, "台", Y(800)),
    ("乒乓球台", GoodsCategory.SPORTS, 2, "个", Y(1500)),
)
POSTS_CAMPAIGN: Final = "巾帼文明岗岗村联谊“送科技、送健康”"
# The goods of each post's outing (its value is POST_OUTINGS'): item, quantity, measure.
POST_GOODS: Final[dict[str, tuple[str, int, str]]] = {
    "旗农电局营业厅": ("科技书籍", 1225, "册"),
    "旗医院妇产科": ("妇科常用药品", 448, "盒"),
    "旗疾控中心免疫规划科": ("常用药品", 412, "盒"),
}
POST_KINDS: Final[dict[str, str]] = {
    "旗农电局营业厅": OrganisationKind.ENTERPRISE,
    "旗医院妇产科": OrganisationKind.OTHER,
    "旗疾控中心免疫规划科": OrganisationKind.OTHER,
}

REGISTRY_SCOPE: Final = people.REGISTRY_SCOPE
CABIN_NOTE: Final = "大镇“爱心小屋”登记的困难户"


@dataclass(frozen=True)
class DonationsResult:
    """What `load` did. ``loaded`` is False when the donations were already there."""

    loaded: bool
    donors: int = 0
    campaigns: int = 0
    donations: int = 0
    disbursements: int = 0
    handovers: int = 0
    people: int = 0
    households: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process: a measure that other loads do not disturb

    def added_to(self, result: T) -> T:
        """`result` (a dataclass with ``people`` and ``households``: the loader's `LoadResult`,
        the programmes' result) with the people and households registered here added to its
        own, so that the loader's counts stay those of the registry."""
        counts: Any = result
        added: T = dataclasses.replace(
            counts,
            people=counts.people + self.people,
            households=counts.households + self.households,
        )
        return added


def donations_loaded() -> bool:
    return CharityPlace.objects.filter(
        unit__name=CABIN_TEAM, unit__county_code=places.COUNTY_CODE
    ).exists()


def _money(value: Decimal) -> Decimal:
    return value.quantize(Y("0.01"), rounding=ROUND_HALF_UP)


class _Maker(people._Maker):
    """The people maker, steering clear of ID numbers the registry already holds."""

    def __init__(self, seed: int, taken: Iterable[str]) -> None:
        super().__init__(seed)
        self.taken = set(taken)

    def id_number(self, born: dt.date, sex: str, area_code: str | None = None) -> str:
        while True:
            number = super().id_number(born, sex, area_code)
            index = id_index(number)
            if index not in self.taken:
                self.taken.add(index)
                return number

    def split(self, total: int, parts: int, *, step: int = 1, spread: float = 0.5) -> list[int]:
        """`total` in `parts` random shares, each a positive multiple of `step`, that add up to
        `total` exactly (`spread` is the lognormal sigma: how unequal they are)."""
        units = total // step
        if units * step != total or units < parts:
            raise ValueError(f"{total} cannot be split in {parts} multiples of {step}")
        weights = [self.rng.lognormvariate(0, spread) for _ in range(parts)]
        shares = [max(1, int(units * w / sum(weights))) for w in weights]
        index = 0
        while (gap := units - sum(shares)) != 0:
            if gap > 0 or shares[index % parts] > 1:
                shares[index % parts] += 1 if gap > 0 else -1
            index += 1
        return [share * step for share in shares]

    def day(self, first: dt.date, last: dt.date, *, winter: float = 1.0) -> dt.date:
        """A day in [first, last]; with `winter` above 1, December to February weigh more."""
        while True:
            day = self.day_between(first, last)
            if day.month in (12, 1, 2) or self.rng.random() * winter < 1:
                return day


@dataclass(frozen=True)
class _GiftIn:
    """A gift to the cabin: cash (`item` None, `quantity` in yuan) or goods."""

    on: dt.date
    donor: Donor
    channel: str
    item: Item | None
    quantity: int
    note: str = ""


@dataclass(frozen=True)
class _NewMember:
    registration: Registration
    relation: str
    since: dt.date


@dataclass
class _Planned:
    """A gift to be given: to whom, what, and from when on it may be given."""

    on: dt.date
    recipient: Person | Household
    item: str  # "" for cash
    quantity: int  # pieces, jin or yuan


class _Loader:
    def __init__(self) -> None:
        self.banner = OrgUnit.objects.get(code=places.COUNTY_CODE)
        self.federation = self.banner.children.get(kind=Kind.FEDERATION, closed_on__isnull=True)
        self.town = self.banner.children.get(name=DAQIN_TOWN, closed_on__isnull=True)
        self.street = self.banner.children.get(name=DAQIN_STREET, closed_on__isnull=True)
        self.cabin_unit = self.town.children.get(
            name=CABIN_TEAM, kind=Kind.VOLUNTEER_TEAM, closed_on__isnull=True
        )
        self.school = self.town.children.get(
            name=FOURTH_SCHOOL, kind=Kind.SCHOOL, closed_on__isnull=True
        )
        taken = Person.objects.exclude(id_number_index=None).values_list(
            "id_number_index", flat=True
        )
        self.m = _Maker(SEED, [index for index in taken if index])
        self.organisations: dict[str, Organisation] = {}
        self.donors: dict[str, Donor] = {}
        self.people_added = 0
        self.households_added = 0

    # --- shared ---------------------------------------------------------------------------------

    def organisation(self, name: str, kind: str) -> Organisation:
        if name not in self.organisations:
            self.organisations[name] = organisation_get_or_create(actor=None, name=name, kind=kind)
        return self.organisations[name]

    def organisation_donor(self, owner: OrgUnit, name: str, kind: str) -> Donor:
        key = f"{owner.pk}/{name}"
        if key not in self.donors:
            self.donors[key] = services.donor_create(
                actor=None,
                owner=owner,
                kind=DonorKind.ORGANISATION,
                organisation=self.organisation(name, kind),
            )
        return self.donors[key]

    def anonymous_donor(self, owner: OrgUnit) -> Donor:
        key = f"{owner.pk}/匿名"
        if key not in self.donors:
            self.donors[key] = services.donor_create(
                actor=None,
                owner=owner,
                kind=DonorKind.ANONYMOUS,
                note="现场匿名捐赠和募捐箱",
            )
        return self.donors[key]

    def named_donors(self, owner: OrgUnit, count: int) -> list[Donor]:
        """People who gave under their name, with a phone for the receipt (invented)."""
        m = self.m
        donors = []
        for _ in range(count):
            sex = m.rng.choice((Sex.FEMALE, Sex.MALE))
            born = m.born_in(m.rng.randint(1955, 1990))
            ethnicity = m.village_ethnicity("village")
            donors.append(
                services.donor_create(
                    actor=None,
                    owner=owner,
                    kind=DonorKind.PERSON,
                    name=m.name(ethnicity, sex, born),
                    phone=m.phone(),
                    contact=m.rng.choice((DAQIN_TOWN, DAQIN_STREET, "旗直机关", "个体工商户")),
                    note="爱心人士",
                )
            )
        return donors

    def area(self, township: str, village: str) -> OrgUnit:
        return self.banner.children.get(name=township, closed_on__isnull=True).children.get(
            name=village, closed_on__isnull=True
        )

    # --- the cabin: its households --------------------------------------------------------------

    def seat_households(self) -> list[Household]:
        return list(
            Household.objects.filter(residence__parent__in=[self.town, self.street])
            .select_related("residence")
            .order_by("pk")[:CABIN_HOUSEHOLDS]
        )

    def register_households(self, count: int) -> list[Household]:
        """`count` poor households of 大沁他拉镇's villages, registered by the cabin in 2013: a
        head (an old couple's or a widow's, or a younger family's) and most often a spouse."""
        m = self.m
        township = places.township_named(DAQIN_TOWN)
        # Not 舍力虎村: the activities take the villagers registered there for its 平安家庭
        # training, whether they load before the donations or after them.
        villages = [
            village
            for village in township.villages
            if village.kind != "community" and village.name != SAFE_FAMILY_VILLAGE
        ]
        units = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(
                code__in=[village.code for village in villages], closed_on__isnull=True
            )
        }
        plans: list[tuple[str, list[_NewMember]]] = []
        for _ in range(count):
            village = m.rng.choice(villages)
            home = units[village.code]
            registered_on = m.day_between(D(2013, 1, 15), D(2013, 12, 31))
            ethnicity = m.village_ethnicity(village.kind)
            elderly = m.chance(0.4)
            sex = Sex.FEMALE if m.chance(0.3) else Sex.MALE
            born = m.born_in(m.rng.randint(1934, 1952) if elderly else m.rng.randint(1955, 1980))
            widowed = sex == Sex.FEMALE and m.chance(0.7)
            single = widowed or not m.chance(0.7)
            head = self.new_member(
                home,
                registered_on,
                sex=sex,
                born=born,
                ethnicity=ethnicity,
                surname=m.surname(ethnicity),
                relation=Relation.HEAD,
                marital=Marital.WIDOWED if single else Marital.MARRIED,
            )
            members = [head]
            if not single:
                spouse_ethnicity = m.spouse_ethnicity(ethnicity, village.kind)
                members.append(
                    self.new_member(
                        home,
                        registered_on,
                        sex=Sex.FEMALE if sex == Sex.MALE else Sex.MALE,
                        born=m.born_in(born.year + m.rng.randint(-2, 4)),
                        ethnicity=spouse_ethnicity,
                        surname=m.surname(spouse_ethnicity),
                        relation=Relation.SPOUSE,
                        marital=Marital.MARRIED,
                    )
                )
            plans.append((people._address(m, village), members))
        registered = person_register_many(
            actor=None,
            registrations=[member.registration for _, members in plans for member in members],
        )
        households = []
        people_of = iter(registered)
        for address, members in plans:
            head_person = next(people_of)
            household = household_create(
                actor=None, head=head_person, address=address, on=members[0].since
            )
            for member in members[1:]:
                household_add_member(
                    actor=None,
                    household=household,
                    person=next(people_of),
                    relation=member.relation,
                    on=member.since,
                )
            households.append(household)
        self.people_added += len(registered)
        self.households_added += len(households)
        return households

    def new_member(
        self,
        home: OrgUnit,
        registered_on: dt.date,
        *,
        sex: str,
        born: dt.date,
        ethnicity: str,
        surname: str,
        relation: str,
        marital: str,
    ) -> _NewMember:
        m = self.m
        name = m.name(ethnicity, sex, born, surname=surname)
        registration = person_prepare(
            actor=None,
            name=name,
            residence=home,
            sex=sex,
            birth_date=born,
            id_number=m.id_number(born, sex),
            phone=m.phone() if relation == Relation.HEAD or m.chance(0.5) else "",
            ethnicity=ethnicity,
            hukou=Hukou.RURAL,
            education=m.elder_education(),
            marital_status=marital,
            occupation=m.farm_work(home.kind) if born.year > 1949 else "无",
            notes=CABIN_NOTE if relation == Relation.HEAD else "",
            consent=ConsentInput(
                purpose=ConsentPurpose.REGISTRY,
                scope=REGISTRY_SCOPE,
                given_by=ConsentGiver.SELF,
                giver_name=name,
                given_on=registered_on,
            ),
            id_holder=_nobody,  # the maker steers clear of every number already taken
        )
        # A member since 1995 (as the other demo households), or since she came of age.
        since = max(D(1995, 1, 1), people._birthday(born, 22))
        return _NewMember(registration, relation, since)

    # --- the cabin: who gets what ---------------------------------------------------------------

    def cabin_people(self) -> dict[str, list[Person]]:
        """The people the cabin gives to, by the kind of gift, in the order they are chosen:
        first the children whose record says they had its aid, wherever they live."""
        seat = Q(residence__parent__in=[self.town, self.street])
        day = D(2014, 6, 30)
        found = Person.objects.select_related("residence")
        flagged = list(
            found.filter(
                county_code=places.COUNTY_CODE, categories__left_behind__aid_received=CABIN_AID
            )
            .distinct()
            .order_by("pk")
        )
        taken = [person.pk for person in flagged]
        left_behind = list(
            found.in_category(Category.LEFT_BEHIND_CHILD, day)
            .filter(seat)
            .exclude(pk__in=taken)
            .order_by("pk")
        )
        children = flagged + left_behind
        # Pupils of primary and junior school in the autumn terms of 2013 and 2014.
        school_age = (D(1999, 9, 1), D(2008, 8, 31))
        pupils = [person for person in children if _born_within(person, school_age)]
        pupils += list(
            found.filter(seat, birth_date__range=school_age)
            .exclude(pk__in=[person.pk for person in pupils])
            .order_by("pk")
        )
        disabled = list(
            found.in_category(Category.DISABLED, day)
            .filter(seat, birth_date__lte=D(1996, 1, 1))
            .order_by("pk")
        )
        old = list(
            found.filter(seat, birth_date__lte=D(1949, 12, 31))
            .exclude(pk__in=[person.pk for person in disabled])
            .order_by("birth_date", "pk")
        )
        students = list(
            found.filter(seat, birth_date__range=(D(1996, 9, 1), D(2001, 8, 31))).order_by("pk")
        )
        return {"pupil": pupils, "child": children, "infirm": disabled + old, "student": students}

    def plan_cabin_gifts(self, households: Sequence[Household]) -> list[_Planned]:
        m = self.m
        first, last = D(2013, 1, 25), TODAY
        planned: list[_Planned] = []
        shuffled = list(households)
        m.rng.shuffle(shuffled)
        rows = iter(shuffled)
        for item, count, quantities in HOUSEHOLD_GIFTS:
            for _ in range(count):
                quantity = m.rng.choice(quantities) if item else int(m.weighted(HOUSEHOLD_CASH))
                planned.append(_Planned(m.day(first, last, winter=3.0), next(rows), item, quantity))
        pools = self.cabin_people()
        for item, count, quantities, who in PERSON_GIFTS:
            pool = pools[who]
            for index in range(count):
                person = pool[index % len(pool)]
                if item == SCHOOL_BAG:  # before the autumn term: 2013's first, then 2014's
                    year = 2013 if index < BAG_ROWS_2013 else 2014
                    on = m.day_between(D(year, 8, 20), D(year, 9, 10))
                else:
                    on = m.day(first, last, winter=3.0)
                planned.append(_Planned(on, person, item, m.rng.choice(quantities)))
        return sorted(planned, key=lambda gift: gift.on)

    # --- the cabin ------------------------------------------------------------------------------

    def load_cabin(self) -> Campaign:
        opened = self.cabin_unit.opened_on  # "建于2013年1月"
        place = services.place_open(actor=None, unit=self.cabin_unit, opened_on=opened)
        fund = finance.fund_create(
            actor=None,
            owner=self.cabin_unit,
            name=CABIN_FUND,
            source=FundSource.DONATIONS,
            opened_on=opened,
            note="大镇“爱心小屋”募集的各方善款",
        )
        campaign = services.campaign_create(
            actor=None,
            owner=self.cabin_unit,
            name=CABIN_CAMPAIGN,
            start=opened,
            organisers="大沁他拉镇妇联",
            description="大镇“爱心小屋”常年接收社会各界捐赠的善款和衣物、米面油等物资，"
            "救助贫困户和困难群众。",
            fund=fund,
            place=place,
        )
        return campaign

    def cabin_gifts_in(self) -> list[_GiftIn]:
        """Every gift to the cabin but the poverty day's."""
        m = self.m
        owner = self.cabin_unit
        first, last = self.cabin_unit.opened_on, D(2014, 12, 20)
        gifts: list[_GiftIn] = []
        for name, kind, on, amount in CABIN_ORGANISATION_GIFTS:
            donor = self.organisation_donor(owner, name, kind)
            gifts.append(_GiftIn(on, donor, Channel.BANK, None, amount))
        named = self.named_donors(owner, CABIN_NAMED_DONORS)
        for index, amount in enumerate(m.split(CABIN_NAMED_CASH, 45, step=100, spread=0.8)):
            donor = named[index % len(named)]
            channel = m.rng.choice((Channel.CASH, Channel.WECHAT, Channel.BANK))
            gifts.append(_GiftIn(m.day(first, last), donor, channel, None, amount))
        anonymous = self.anonymous_donor(owner)
        for amount in m.split(CABIN_ANONYMOUS_CASH, CABIN_ANONYMOUS_GIFTS, step=10, spread=0.9):
            gifts.append(
                _GiftIn(m.day(first, last, winter=2.0), anonymous, Channel.CASH, None, amount)
            )
        for item in CABIN_ITEMS:
            step = 10 if item.measure == JIN else 1
            organisation = GOODS_ORGANISATIONS.get(item.name)
            if item.name == SCHOOL_BAG:  # given in summer, for the autumn term
                a_year = item.gifts // len(BAGS_BY_YEAR)
                arrivals = [
                    (m.day_between(D(year, 7, 1), D(year, 8, 15)), quantity)
                    for year, total in BAGS_BY_YEAR
                    for quantity in m.split(total, a_year)
                ]
            else:
                arrivals = [
                    (m.day(first, last, winter=2.0), quantity)
                    for quantity in m.split(item.total, item.gifts, step=step)
                ]
            for index, (on, quantity) in enumerate(arrivals):
                if organisation is not None and index < organisation[2]:
                    donor = self.organisation_donor(owner, organisation[0], organisation[1])
                elif m.chance(0.6):
                    donor = anonymous
                else:
                    donor = m.rng.choice(named)
                gifts.append(_GiftIn(on, donor, "", item, quantity))
        return gifts

    def receive_cabin_gifts(self, campaign: Campaign, gifts: Sequence[_GiftIn]) -> None:
        """Receive in the order of the days, so that the receipt numbers follow them."""
        for gift in sorted(gifts, key=lambda gift: gift.on):
            item = gift.item
            if item is None:
                services.donation_receive(
                    actor=None,
                    owner=self.cabin_unit,
                    received_on=gift.on,
                    kind=GiftKind.CASH,
                    donor=gift.donor,
                    campaign=campaign,
                    amount=Y(gift.quantity),
                    channel=gift.channel,
                    note=gift.note,
                )
            else:
                services.donation_receive(
                    actor=None,
                    owner=self.cabin_unit,
                    received_on=gift.on,
                    kind=GiftKind.GOODS,
                    donor=gift.donor,
                    campaign=campaign,
                    goods=Goods(item.name, item.category, Y(gift.quantity), item.measure),
                    amount=_money(item.unit_value * gift.quantity),
                    condition=item.condition,
                    note=gift.note,
                )

    def give_cabin_gifts(
        self, campaign: Campaign, planned: list[_Planned], gifts_in: Sequence[_GiftIn]
    ) -> None:
        """Give in the order planned, none before what it needs has been received: a gift
        planned too early waits for the day the cabin has received enough of its item (or
        cash) for it and every gift planned before it."""
        arrivals: dict[str, list[tuple[dt.date, int]]] = {}
        for gift_in in sorted(gifts_in, key=lambda gift: gift.on):
            key = gift_in.item.name if gift_in.item else ""
            arrivals.setdefault(key, []).append((gift_in.on, gift_in.quantity))
        items = {item.name: item for item in CABIN_ITEMS}
        given: dict[str, int] = {}
        for gift in planned:
            given[gift.item] = given.get(gift.item, 0) + gift.quantity
            gift.on = max(gift.on, _day_reaching(arrivals[gift.item], given[gift.item]))
        for gift in sorted(planned, key=lambda gift: gift.on):
            recipient: dict[str, Any] = (
                {"person": gift.recipient}
                if isinstance(gift.recipient, Person)
                else {"household": gift.recipient}
            )
            if gift.item:
                item = items[gift.item]
                services.disburse(
                    actor=None,
                    owner=self.cabin_unit,
                    gift=Gift(
                        on=gift.on,
                        kind=GiftKind.GOODS,
                        goods=Goods(item.name, item.category, Y(gift.quantity), item.measure),
                        amount=_money(item.unit_value * gift.quantity),
                        campaign=campaign,
                        **recipient,
                    ),
                )
            else:
                services.disburse(
                    actor=None,
                    owner=self.cabin_unit,
                    gift=Gift(
                        on=gift.on,
                        kind=GiftKind.CASH,
                        amount=Y(gift.quantity),
                        campaign=campaign,
                        note="助学金" if isinstance(gift.recipient, Person) else "",
                        **recipient,
                    ),
                )

    # --- the poverty day ------------------------------------------------------------------------

    def poverty_day_people(self) -> list[Person]:
        """The 41 of `jinguo.demo.activities`: the children whose record says they had 扶贫日
        aid, then orphans, then disabled adults."""
        flagged = list(
            Person.objects.filter(
                county_code=places.COUNTY_CODE,
                categories__left_behind__aid_received=POVERTY_DAY_AID,
            )
            .distinct()
            .order_by("pk")
        )
        orphans = list(
            Person.objects.in_category(Category.ORPHAN, POVERTY_DAY)
            .filter(county_code=places.COUNTY_CODE)
            .exclude(pk__in=[person.pk for person in flagged])
            .order_by("pk")[:POVERTY_DAY_ORPHANS]
        )
        disabled = list(
            Person.objects.in_category(Category.DISABLED, POVERTY_DAY)
            .filter(county_code=places.COUNTY_CODE, birth_date__lte=D(1996, 10, 17))
            .order_by("pk")[:POVERTY_DAY_HELPED]
        )
        chosen = (flagged + orphans + disabled)[:POVERTY_DAY_HELPED]
        if len(chosen) < POVERTY_DAY_HELPED:
            raise RuntimeError(f"only {len(chosen)} people for the 扶贫日")
        return chosen

    def load_poverty_day(self) -> tuple[Campaign, HandOver]:
        m = self.m
        owner = self.federation
        fund = finance.fund_create(
            actor=None,
            owner=owner,
            name=POVERTY_DAY_FUND,
            source=FundSource.DONATIONS,
            opened_on=POVERTY_DAY - dt.timedelta(days=7),
            note="首个全国“扶贫日”公益活动募集的善款",
        )
        campaign = services.campaign_create(
            actor=None,
            owner=owner,
            name=POVERTY_DAY_CAMPAIGN,
            start=POVERTY_DAY - dt.timedelta(days=7),
            end=POVERTY_DAY,
            target=POVERTY_DAY_FUNDS,
            organisers="旗扶贫开发办公室、大沁他拉镇“爱心小屋”义工队",
            description="10月17日首个全国“扶贫日”公益活动：募集善款，救助孤残儿童、贫困学生、"
            "贫困残疾人等弱势群体；现场募捐款经公证交大镇“爱心小屋”。",
            fund=fund,
        )
        for name, kind, on, amount in POVERTY_DAY_GIFTS:
            services.donation_receive(
                actor=None,
                owner=owner,
                received_on=on,
                kind=GiftKind.CASH,
                donor=self.organisation_donor(owner, name, kind),
                campaign=campaign,
                amount=Y(amount),
                channel=Channel.BANK,
            )
        organisations = sum(amount for *_rest, amount in POVERTY_DAY_GIFTS)
        on_the_spot = POVERTY_DAY_DONATIONS
        named = POVERTY_DAY_FUNDS - on_the_spot - organisations
        donors = self.named_donors(owner, POVERTY_DAY_NAMED_DONORS)
        for donor, amount in zip(
            donors, m.split(int(named), POVERTY_DAY_NAMED_DONORS, step=50), strict=True
        ):
            services.donation_receive(
                actor=None,
                owner=owner,
                received_on=POVERTY_DAY,
                kind=GiftKind.CASH,
                donor=donor,
                campaign=campaign,
                amount=Y(amount),
                channel=Channel.WECHAT,
            )
        services.donation_receive(
            actor=None,
            owner=owner,
            received_on=POVERTY_DAY,
            kind=GiftKind.CASH,
            donor=self.anonymous_donor(owner),
            campaign=campaign,
            amount=on_the_spot,
            channel=Channel.CASH,
            note="现场募捐",
        )
        self.give_poverty_day_aid(campaign, POVERTY_DAY_FUNDS - on_the_spot)
        handover = services.handover_record(
            actor=None,
            owner=owner,
            campaign=campaign,
            on=POVERTY_DAY,
            description="“扶贫日”现场募捐善款",
            amount=on_the_spot,
            handed_by=HANDED_BY,
            received_by=RECEIVED_BY,
            witnesses=WITNESSES,
            notary=NOTARY,
            certificate_number=CERTIFICATE,
        )
        services.disburse(
            actor=None,
            owner=owner,
            gift=Gift(
                on=POVERTY_DAY,
                kind=GiftKind.CASH,
                recipient_unit=self.cabin_unit,
                amount=on_the_spot,
                campaign=campaign,
                handover=handover,
                note=f"现场募捐款经公证交大镇“爱心小屋”，公证书{CERTIFICATE}",
            ),
        )
        return campaign, handover

    def give_poverty_day_aid(self, campaign: Campaign, total: Decimal) -> None:
        chosen = self.poverty_day_people()
        orphans = set(
            Person.objects.in_category(Category.ORPHAN, POVERTY_DAY).values_list("pk", flat=True)
        )
        flagged = set(
            Person.objects.filter(
                categories__left_behind__aid_received=POVERTY_DAY_AID
            ).values_list("pk", flat=True)
        )
        amounts: dict[int, Decimal] = {}
        for person in chosen:
            if person.pk in flagged:
                amounts[person.pk] = POVERTY_DAY_CHILD_GRANT
            elif person.pk in orphans:
                amounts[person.pk] = POVERTY_DAY_ORPHAN_GRANT
        adults = [person for person in chosen if person.pk not in amounts]
        rest = int(total - sum(amounts.values(), ZERO))
        for index, person in enumerate(adults):
            amounts[person.pk] = Y(rest // len(adults) + (1 if index < rest % len(adults) else 0))
        for person in chosen:
            services.disburse(
                actor=None,
                owner=self.federation,
                gift=Gift(
                    on=POVERTY_DAY,
                    kind=GiftKind.CASH,
                    person=person,
                    amount=amounts[person.pk],
                    campaign=campaign,
                    note="“扶贫日”救助",
                ),
            )

    # --- the federation's store -----------------------------------------------------------------

    def load_store(self) -> CharityPlace:
        return services.place_open(
            actor=None, unit=self.federation, opened_on=FEDERATION_STORE_OPENED, public=False
        )

    def load_equipment(self, store: CharityPlace) -> None:
        donor = self.organisation_donor(
            self.federation, REGIONAL_FEDERATION, OrganisationKind.FEDERATION
        )
        for item, category, quantity, measure, each in EQUIPMENT:
            goods = Goods(item, category, Y(quantity), measure)
            services.donation_receive(
                actor=None,
                owner=self.federation,
                received_on=EQUIPMENT_RECEIVED,
                kind=GiftKind.GOODS,
                donor=donor,
                place=store,
                goods=goods,
                amount=each * quantity,
                condition=Condition.NEW,
                note="自治区妇联为大镇四小“留守流动儿童家园”配备",
            )
            services.disburse(
                actor=None,
                owner=self.federation,
                gift=Gift(
                    on=EQUIPMENT_GIVEN,
                    kind=GiftKind.GOODS,
                    recipient_unit=self.school,
                    place=store,
                    goods=goods,
                    amount=each * quantity,
                    note="“留守流动儿童家园”器材",
                ),
            )

    def load_posts(self, store: CharityPlace) -> Campaign:
        first = min(day for _post, day, _value in POST_OUTINGS)
        last = max(day for _post, day, _value in POST_OUTINGS)
        campaign = services.campaign_create(
            actor=None,
            owner=self.federation,
            name=POSTS_CAMPAIGN,
            start=first,
            end=last,
            organisers="旗农电局、旗医院、疾控中心等巾帼文明岗",
            description="巾帼文明岗与联建村联谊，为农村牧区妇女送科技书籍、免费义诊，"
            "投入物资5万多元。",
            place=store,
        )
        villages = {post: (township, village) for post, township, village in POST_VILLAGES}
        for post, day, value in POST_OUTINGS:
            item, quantity, measure = POST_GOODS[post]
            goods = Goods(item, GoodsCategory.OTHER, Y(quantity), measure)
            services.donation_receive(
                actor=None,
                owner=self.federation,
                received_on=day,
                kind=GiftKind.GOODS,
                donor=self.organisation_donor(self.federation, post, POST_KINDS[post]),
                campaign=campaign,
                goods=goods,
                amount=value,
                condition=Condition.NEW,
            )
            services.disburse(
                actor=None,
                owner=self.federation,
                gift=Gift(
                    on=day,
                    kind=GiftKind.GOODS,
                    recipient_unit=self.area(*villages[post]),
                    goods=goods,
                    amount=value,
                    campaign=campaign,
                    note="岗村联谊",
                ),
            )
        return campaign

    # --- all of it ------------------------------------------------------------------------------

    def run(self) -> None:
        _poverty_day, handover = self.load_poverty_day()
        campaign = self.load_cabin()
        gifts_in = self.cabin_gifts_in()
        gifts_in.append(
            _GiftIn(
                handover.on,
                self.anonymous_donor(self.cabin_unit),
                Channel.CASH,
                None,
                int(handover.amount),
                note=f"“扶贫日”现场募捐款，经公证交接，公证书{handover.certificate_number}",
            )
        )
        self.receive_cabin_gifts(campaign, gifts_in)
        seat = self.seat_households()
        added = self.register_households(CABIN_HOUSEHOLDS - len(seat))
        self.give_cabin_gifts(campaign, self.plan_cabin_gifts([*seat, *added]), gifts_in)
        store = self.load_store()
        self.load_equipment(store)
        self.load_posts(store)


def _nobody(index: str) -> None:
    return None


def _born_within(person: Person, window: tuple[dt.date, dt.date]) -> bool:
    return person.birth_date is not None and window[0] <= person.birth_date <= window[1]


def _day_reaching(arrivals: Sequence[tuple[dt.date, int]], needed: int) -> dt.date:
    """The first day by which `arrivals` (in order of day) add up to `needed`."""
    total = 0
    for day, quantity in arrivals:
        total += quantity
        if total >= needed:
            return day
    raise RuntimeError(f"{needed} is more than the {total} received")


def load() -> DonationsResult:
    """Load the demo donations through the services, unless they are there already.

    Needs the tree, the demo people and the demo programmes; call it after them, inside the
    demo's transaction, and best after the activities too (it does not need them, and they do
    not need it). It registers people and households (`DonationsResult.people`, `.households`:
    add them to the loader's counts, e.g. with `added_to`). About 22 s of CPU on SQLite on a
    slow 2-core machine, where the whole demo takes three minutes.
    """
    if donations_loaded():
        return DonationsResult(loaded=False)
    started, cpu = time.perf_counter(), time.process_time()
    models = (Donor, Campaign, Donation, Disbursement, HandOver)
    before = {model: model.objects.count() for model in models}
    with transaction.atomic():
        loader = _Loader()
        loader.run()
    added = {model: model.objects.count() - before[model] for model in models}
    return DonationsResult(
        loaded=True,
        donors=added[Donor],
        campaigns=added[Campaign],
        donations=added[Donation],
        disbursements=added[Disbursement],
        handovers=added[HandOver],
        people=loader.people_added,
        households=loader.households_added,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu,
    )


__all__ = ["DonationsResult", "donations_loaded", "load"]
