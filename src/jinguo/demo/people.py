"""Demo people of Naiman Banner, about mid-2014: the registry the 2014 work summary implies.

Synthetic, deterministic (one seeded `random.Random`) and written through the real services
(`person_register`, `household_create`, `household_add_member`, `consent_record`,
`category_add`, all with ``actor=None``), so that every record has its audit entries. What the
summary says, and what this module makes of it:

* "全旗初步掌握留守儿童1355人": 1,355 left-behind children, each holding the category on
  2014-06-30 (under 16 that day, period started in 2013 or the first half of 2014). About a
  third live in the banner seat (大沁他拉镇 and the communities of 大沁他拉街道, where
  grandparents rent to accompany the children to school, 陪读), the rest over the villages,
  fewer in the pastoral sumu. Most have both parents working away (北京, 天津, 通辽市,
  呼和浩特 …); the others one parent away and the other at home but unable to care (ill, or
  disabled and registered as such). Each lives in a household headed by a grandparent, with
  the absent parents as members too; guardians are mostly the grandparents, some an uncle or
  aunt, a few boarders the school. Consent (registry and child care) is given by the guardian.
* "大镇四小学区中心校在校生800名，其中留守儿童198人": 198 of them are pupils of
  大沁他拉镇第四小学, none boarding (its dormitory was still being built in 2014).
* "为20名贫困单亲母亲发放救助金": 20 single mothers, some also on the minimum living
  allowance (dibao), with their children.
* "大沁他拉街道妇联 … 与7位“空巢母亲”结对帮扶": 7 empty-nest mothers in the communities of
  大沁他拉街道.
* "深入青龙山镇下洼村、西地村、古庙子村 … 为当地的百岁老人 … 送去了面粉": four centenarians
  there, living with a son's family.
* "深入包扶村黄花筒嘎查13户贫困户家送去了1万元化肥": 13 registered poor households in
  黄花筒嘎查, every member holding the category.

Names are common Han and Mongolian names of the region (Mongolian ones transliterated, with or
without one of the Han surnames local Mongols use); nationalities mostly 蒙古族 (02) and 汉族
(01), some 满族 (11) and 回族 (03). ID numbers are valid synthetic ones
(`idnumbers.generate`): adults born before October 1999 mostly carry 152326, the banner's code
under Jirem League, younger people 150525. Adults have mobile numbers. None of it is real.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from jinguo.demo import places
from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Education,
    Guardianship,
    Hukou,
    Marital,
    ParentsSituation,
    Relation,
    Schooling,
    Sex,
)
from jinguo.people.models import Person
from jinguo.people.services import (
    ConsentInput,
    category_add,
    consent_record,
    household_add_member,
    household_create,
    person_register,
)

SEED: Final = 2014
COUNTED_ON: Final = dt.date(2014, 6, 30)  # the day the figures of the summary hold
SPRING_FESTIVAL_2014: Final = dt.date(2014, 1, 31)
WOMENS_DAY_2014: Final = dt.date(2014, 3, 8)

LEFT_BEHIND_CHILDREN: Final = 1355
FOURTH_SCHOOL: Final = "大沁他拉镇第四小学"
FOURTH_SCHOOL_LEFT_BEHIND: Final = 198
SINGLE_MOTHERS: Final = 20
SINGLE_MOTHERS_ON_DIBAO: Final = 8
EMPTY_NEST_MOTHERS: Final = 7
CENTENARIANS: Final = (
    ("青龙山镇", "下洼村", 2),
    ("青龙山镇", "西地村", 1),
    ("青龙山镇", "古庙子村", 1),
)
POOR_VILLAGE: Final = ("黄花塔拉苏木", "黄花筒嘎查")
POOR_HOUSEHOLDS: Final = 13

DAQIN_TOWN: Final = "大沁他拉镇"
DAQIN_STREET: Final = "大沁他拉街道"
# Left-behind children in the banner seat; the rest are spread over the other villages.
SEAT_CHILDREN: Final = {DAQIN_TOWN: 330, DAQIN_STREET: 100}

OLD_AREA_CODE: Final = "152326"  # Naiman Banner under Jirem League, until 1999-10-01
AREA_CODE: Final = places.COUNTY_CODE  # 150525, Tongliao City
AREA_CODE_CHANGED: Final = dt.date(1999, 10, 1)
# Where people who married in or moved in were first issued a number: 库伦旗 (old and new),
# 科尔沁左翼后旗, 阜新蒙古族自治县 and 建平县 in Liaoning.
OTHER_AREA_CODES: Final = ("152324", "150524", "152322", "210921", "211322")

REGISTRY_SCOPE: Final = "姓名、身份证号码、联系电话、家庭成员：用于妇联登记、走访和帮扶服务"
CHILD_CARE_SCOPE: Final = "留守儿童信息（就学、健康、父母务工情况、监护人）：用于关爱帮扶"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- names -----------------------------------------------------------------------------------

HAN_SURNAMES: Final = _words(
    "王 李 张 刘 陈 杨 赵 孙 周 吴 徐 马 朱 胡 郭 高 于 董 田 崔 曹 冯 姜 韩 梁 石 宋 金 "
    "曲 谢 闫 潘 邢 孟 侯 邵 付 尹 范 任 鲁 魏"
)
MONGOL_SURNAMES: Final = _words("包 白 吴 韩 宝 鲍 海 佟 敖 那 陈 王 李 赵")
MANCHU_SURNAMES: Final = _words("关 佟 那 富 金 赵 肖 傅 洪")
HUI_SURNAMES: Final = _words("马 白 杨 海 丁 穆 沙")

# Given names by generation (born before 1966, 1966–1995, from 1996) and sex.
HAN_GIVEN: Final[dict[tuple[int, str], Sequence[str]]] = {
    (0, "M"): _words(
        "振华 国庆 建国 福生 长海 德林 宝山 文明 玉林 树森 凤岐 长林 广福 永贵 志明 殿臣 "
        "连生 庆祥 万春 景山"
    ),
    (0, "F"): _words(
        "桂兰 秀英 玉珍 淑珍 凤兰 秀兰 桂芝 玉兰 凤芝 淑芬 秀珍 玉芝 桂荣 素梅 春兰 淑兰 "
        "秀云 凤英 桂英 玉凤"
    ),
    (1, "M"): _words(
        "海龙 志刚 建军 晓东 立伟 春雷 海涛 国军 宏伟 志强 红军 海军 明辉 利民 永刚 "
        "玉春 德军 建华 东升 晓明"
    ),
    (1, "F"): _words(
        "丽娜 海燕 晓梅 红艳 春霞 丽丽 雪梅 艳华 丽华 秀娟 红梅 晓丽 艳秋 翠萍 桂华 "
        "春艳 冬梅 丽敏 凤霞 淑娟"
    ),
    (2, "M"): _words(
        "浩然 子轩 宇航 俊杰 浩宇 博文 天宇 鑫磊 一鸣 子豪 嘉豪 明轩 宇轩 梓豪 思远 "
        "佳乐 晨阳 文博 家宝 志远"
    ),
    (2, "F"): _words(
        "欣怡 雨涵 梓涵 佳琪 思雨 紫涵 可馨 婷婷 梦瑶 雨欣 佳怡 诗涵 欣悦 晓雪 "
        "雅琪 子涵 思琪 文静 雨婷 佳欣"
    ),
}
MONGOL_GIVEN: Final[dict[tuple[int, str], Sequence[str]]] = {
    (0, "M"): _words(
        "巴特尔 巴图 额尔敦 特木尔 朝鲁 宝音 孟和 那日苏 苏和 阿拉坦 哈斯 吉日嘎拉 "
        "巴雅尔 布和 乌力吉 图门 达来 满都拉 桑布 毕力格"
    ),
    (0, "F"): _words(
        "其其格 乌云 斯琴 萨仁 格日勒 托娅 图雅 高娃 敖登 娜仁 塔娜 乌兰 琪琪格 "
        "额尔登其木格 萨仁高娃 斯琴高娃 乌云其其格 银花 金花 白音花"
    ),
    (1, "M"): _words(
        "巴特尔 额尔德尼 斯琴巴图 呼和 巴音 敖其尔 钢巴特尔 宝力道 阿木古楞 朝克图 "
        "那顺 乌日图 白音仓 达瓦 吉雅 胡日查 宝力高 额日和木 哈斯巴根 阿拉腾"
    ),
    (1, "F"): _words(
        "苏日娜 萨日娜 乌日娜 娜仁花 其木格 阿拉坦其其格 托雅 格根 乌兰图雅 斯日古楞 "
        "塔拉 哈斯高娃 乌仁图雅 秀梅 玉梅 海霞 春梅 阿茹娜 金莲 萨如拉"
    ),
    (2, "M"): _words(
        "阿如汉 特日格乐 额日和木 宝力德 阿古达木 苏布道 巴特 孟根 额尔敦毕力格 "
        "巴雅斯古楞 那木汗 吉日木图 图布信 布仁 朝格图 伊拉图 宝乐尔 哈日查盖 恩和 巴图孟和"
    ),
    (2, "F"): _words(
        "诺敏 希日莫 阿拉腾花 乌日汗 萨如拉 苏日娜 阿如娜 萨日朗 其其格 格根图雅 "
        "乌兰其其格 吉如和 塔娜 敖登其其格 娜荷芽 明月 海日汗 高娃 图雅 乌仁"
    ),
}

# --- places of work, jobs ----------------------------------------------------------------------

WORK_CITIES: Final = (
    ("北京市", 18),
    ("天津市", 10),
    ("通辽市", 16),
    ("呼和浩特市", 8),
    ("沈阳市", 8),
    ("大连市", 4),
    ("赤峰市", 5),
    ("包头市", 4),
    ("鄂尔多斯市", 5),
    ("唐山市", 3),
    ("廊坊市", 3),
    ("锡林浩特市", 3),
    ("长春市", 2),
)
MEN_JOBS: Final = ("建筑工地", "工厂", "货运司机", "装修", "保安", "饭店后厨", "物流")
WOMEN_JOBS: Final = ("餐饮服务", "家政服务", "工厂", "超市", "服装厂", "宾馆服务", "美容美发")
PHONE_PREFIXES: Final = _words(
    "130 131 132 134 135 136 137 138 139 147 150 151 152 155 156 157 158 159 182 183 "
    "185 186 187 188 189"
)
UNABLE_ILL: Final = ("长期患病，无力照料子女", "患慢性病，需人照顾", "身体有病，无劳动能力")
AID: Final = (
    ("“爱心妈妈”结对帮扶", 20),
    ("“爱心妈妈”助学", 10),
    ("大镇“爱心小屋”救助", 4),
    ("“扶贫日”救助", 2),
)
INCOME_SOURCES: Final = {
    "gacha": "养殖、外出务工",
    "village": "种植、外出务工",
    "community": "外出务工",
}
SINGLE_REASON: Final = {
    Marital.DIVORCED: "离异，独自抚养子女",
    Marital.WIDOWED: "丧偶，独自抚养子女",
    Marital.SINGLE: "未婚，独自抚养子女",
}


# --- the plan --------------------------------------------------------------------------------


@dataclass
class CategorySpec:
    category: str
    start: dt.date
    note: str = ""
    left_behind: dict[str, Any] | None = None
    disability_type: str = ""
    disability_grade: int | None = None


@dataclass
class PersonSpec:
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    id_number: str
    relation: str  # to the head of the household
    member_since: dt.date
    registered_on: dt.date
    phone: str = ""
    hukou: str = Hukou.RURAL
    education: str = ""
    marital_status: str = ""
    occupation: str = ""
    notes: str = ""
    # Who consents for her: herself, or her guardian (then `consent_giver` names him or her).
    consent_giver: str = ""
    child_care_consent: bool = False
    categories: list[CategorySpec] = field(default_factory=list)

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class HouseholdSpec:
    township: str
    village: str
    village_code: str
    address: str
    members: list[PersonSpec]  # the head first

    @property
    def head(self) -> PersonSpec:
        return self.members[0]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birthday(born: dt.date, years: int) -> dt.date:
    """The day one turns `years` (1 March for people born on 29 February)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


class _Maker:
    """The seeded source of every random choice, and the ID numbers and phones handed out."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._orders: set[tuple[str, dt.date, int]] = set()
        self._phones: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def born_in(self, year: int) -> dt.date:
        return self.day_between(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def weighted(self, pairs: Sequence[tuple[Any, int]]) -> Any:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def area_code(self, born: dt.date) -> str:
        if born >= AREA_CODE_CHANGED:
            return AREA_CODE
        return str(
            self.weighted(
                [(OLD_AREA_CODE, 85), (AREA_CODE, 8), (self.rng.choice(OTHER_AREA_CODES), 7)]
            )
        )

    def id_number(self, born: dt.date, sex: str, area_code: str | None = None) -> str:
        area = area_code or self.area_code(born)
        while True:
            sequence = self.rng.randint(0, 499)
            key = (area, born, 2 * sequence + (sex == Sex.MALE))
            if key not in self._orders:
                self._orders.add(key)
                return idnumbers.generate(area, born, sex, sequence)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def generation(self, born: dt.date) -> int:
        return 0 if born.year < 1966 else 1 if born.year < 1996 else 2

    def surname(self, ethnicity: str) -> str:
        if ethnicity == "02":
            # Many Mongols of Naiman carry a Han surname; many go by a Mongolian name alone.
            return self.rng.choice(MONGOL_SURNAMES) if self.chance(0.55) else ""
        if ethnicity == "11":
            return self.rng.choice(MANCHU_SURNAMES)
        if ethnicity == "03":
            return self.rng.choice(HUI_SURNAMES)
        return self.rng.choice(HAN_SURNAMES)

    def given(self, ethnicity: str, sex: str, born: dt.date, *, surname: str) -> str:
        key = (self.generation(born), sex)
        if ethnicity == "02" and (not surname or self.chance(0.5)):
            return self.rng.choice(MONGOL_GIVEN[key])
        return self.rng.choice(HAN_GIVEN[key])

    def name(self, ethnicity: str, sex: str, born: dt.date, *, surname: str | None = None) -> str:
        family = self.surname(ethnicity) if surname is None else surname
        return family + self.given(ethnicity, sex, born, surname=family)

    def village_ethnicity(self, kind: str) -> str:
        if kind == "gacha":
            return str(self.weighted([("02", 85), ("01", 13), ("11", 2)]))
        return str(self.weighted([("01", 55), ("02", 38), ("11", 5), ("03", 2)]))

    def spouse_ethnicity(self, own: str, kind: str) -> str:
        return own if self.chance(0.8) else self.village_ethnicity(kind)

    def elder_education(self) -> str:
        return str(
            self.weighted([(Education.NONE, 30), (Education.PRIMARY, 50), (Education.JUNIOR, 20)])
        )

    def adult_education(self) -> str:
        return str(
            self.weighted(
                [
                    (Education.PRIMARY, 15),
                    (Education.JUNIOR, 58),
                    (Education.SENIOR, 22),
                    (Education.COLLEGE, 5),
                ]
            )
        )

    def farm_work(self, kind: str) -> str:
        if kind == "gacha":
            return "牧民" if self.chance(0.6) else "务农"
        if kind == "community":
            return "无业"
        return "务农"


def _address(m: _Maker, village: places.Area) -> str:
    if village.kind == "community":
        estate = m.rng.choice(
            ("幸福小区", "建华小区", "农机小区", "民族小区", "兴隆小区", "平房区")
        )
        return f"{village.name}{estate}{m.rng.randint(1, 12)}号楼"
    return f"{village.name}{m.rng.randint(1, 8)}组"


def _person(
    m: _Maker,
    *,
    name: str,
    sex: str,
    born: dt.date,
    ethnicity: str,
    relation: str,
    since: dt.date,
    registered_on: dt.date,
    area_code: str | None = None,
    **fields: Any,
) -> PersonSpec:
    adult = (registered_on.year - born.year) >= 18
    phone = fields.pop("phone", m.phone() if adult else "")
    return PersonSpec(
        name=name,
        sex=sex,
        birth_date=born,
        ethnicity=ethnicity,
        id_number=m.id_number(born, sex, area_code),
        relation=relation,
        member_since=max(since, born),
        registered_on=registered_on,
        phone=phone,
        **fields,
    )


# Age on 2014-06-30 of left-behind children: few babies (mothers tend to stay with them), most
# of primary-school age.
_CHILD_AGE_WEIGHTS: Final = (1, 2, 3, 5, 6, 6, 8, 9, 9, 9, 9, 9, 8, 7, 6, 5)
_LATEST_CHILD_BIRTH: Final = dt.date(2014, 4, 30)
_FIRST_CATEGORY_START: Final = dt.date(2013, 1, 1)


def _birth_for_age(m: _Maker, age: int) -> dt.date:
    """A birth date giving `age` on 2014-06-30 (and no later than the end of April 2014)."""
    first = _years_before(COUNTED_ON, age + 1) + dt.timedelta(days=1)
    last = min(_years_before(COUNTED_ON, age), _LATEST_CHILD_BIRTH)
    return m.day_between(first, last)


def _schooling(m: _Maker, born: dt.date) -> str:
    """What a child was doing in the school year 2013–14 (age on 31 August 2013)."""
    age = 2013 - born.year - ((born.month, born.day) > (8, 31))
    if age < 3:
        return Schooling.NOT_YET
    if age < 6:
        return Schooling.KINDERGARTEN if m.chance(0.65) else Schooling.NOT_YET
    if age < 12:
        return Schooling.PRIMARY
    return Schooling.DROPPED_OUT if age >= 13 and m.chance(0.06) else Schooling.JUNIOR


def _school(township: str, schooling: str, ethnicity: str) -> str:
    seat = township in (DAQIN_TOWN, DAQIN_STREET)
    mongol = ethnicity == "02"
    if schooling == Schooling.KINDERGARTEN:
        if seat:
            return "奈曼旗蒙古族幼儿园" if mongol else "奈曼旗大沁他拉镇幼儿园"
        return f"{township}中心幼儿园"
    if schooling == Schooling.PRIMARY:
        if seat:  # decided later: 198 of them go to the Fourth Primary School
            return ""
        return f"{township}中心小学"
    if schooling == Schooling.JUNIOR:
        if seat:
            return "奈曼旗蒙古族中学" if mongol else "奈曼旗第一中学"
        return f"{township}中学"
    return ""


@dataclass
class _Family:
    """What a left-behind child's record says about her parents and guardian."""

    situation: str
    father_workplace: str
    mother_workplace: str
    father_phone: str
    mother_phone: str
    guardian: PersonSpec
    guardian_relation: str
    guardianship: str


def _left_behind_household(
    m: _Maker, township: places.Township, village: places.Area, children: int
) -> HouseholdSpec:
    kind = village.kind
    surveyed = m.day_between(_FIRST_CATEGORY_START, COUNTED_ON)
    # Children: the eldest's age from the distribution, the others 2–5 years apart.
    gaps = [m.rng.randint(2, 5) for _ in range(children - 1)]
    ages = [age for age in range(16) if age >= sum(gaps)]
    eldest = m.rng.choices(ages, [_CHILD_AGE_WEIGHTS[age] for age in ages])[0]
    child_ages = [eldest]
    for gap in gaps:
        child_ages.append(child_ages[-1] - gap)
    births = [_birth_for_age(m, age) for age in child_ages]

    paternal = m.chance(0.8)
    father_ethnicity = m.village_ethnicity(kind)
    mother_ethnicity = m.spouse_ethnicity(father_ethnicity, kind)
    father_born = m.born_in(births[0].year - m.rng.randint(22, 34))
    mother_born = m.born_in(father_born.year + m.rng.randint(-1, 4))
    surname = m.surname(father_ethnicity)
    father_name = m.name(father_ethnicity, Sex.MALE, father_born, surname=surname)
    mother_name = m.name(mother_ethnicity, Sex.FEMALE, mother_born)
    # The grandparents are the parents of the father (or of the mother, 20%).
    own_child_born = father_born if paternal else mother_born
    elder_ethnicity = father_ethnicity if paternal else mother_ethnicity
    grandfather_born = m.born_in(own_child_born.year - m.rng.randint(21, 30))
    grandmother_born = m.born_in(grandfather_born.year + m.rng.randint(0, 4))
    elder_surname = surname if paternal else m.surname(elder_ethnicity)
    since = m.day_between(dt.date(1982, 1, 1), dt.date(1998, 6, 30))  # the household's start
    address = _address(m, village)
    farm = m.farm_work(kind)

    members: list[PersonSpec] = []
    grandfather_alive = m.chance(0.8)
    if grandfather_alive:
        members.append(
            _person(
                m,
                name=m.name(elder_ethnicity, Sex.MALE, grandfather_born, surname=elder_surname),
                sex=Sex.MALE,
                born=grandfather_born,
                ethnicity=elder_ethnicity,
                relation=Relation.HEAD,
                since=since,
                registered_on=surveyed,
                phone=m.phone() if m.chance(0.8) else "",
                education=m.elder_education(),
                marital_status=Marital.MARRIED,
                occupation=farm,
            )
        )
    grandmother_ethnicity = m.spouse_ethnicity(elder_ethnicity, kind)
    members.append(
        _person(
            m,
            name=m.name(grandmother_ethnicity, Sex.FEMALE, grandmother_born),
            sex=Sex.FEMALE,
            born=grandmother_born,
            ethnicity=grandmother_ethnicity,
            relation=Relation.SPOUSE if grandfather_alive else Relation.HEAD,
            since=since,
            registered_on=surveyed,
            phone=m.phone() if m.chance(0.7) else "",
            education=m.elder_education(),
            marital_status=Marital.MARRIED if grandfather_alive else Marital.WIDOWED,
            occupation=farm,
        )
    )
    grandmother = members[-1]

    situation = (
        ParentsSituation.BOTH_AWAY if m.chance(0.8) else ParentsSituation.ONE_AWAY_OTHER_UNABLE
    )
    father_away = situation == ParentsSituation.BOTH_AWAY or m.chance(0.85)
    mother_away = situation == ParentsSituation.BOTH_AWAY or not father_away
    city = m.weighted(WORK_CITIES)
    father_city = city
    mother_city = city if m.chance(0.7) else m.weighted(WORK_CITIES)
    workplaces = {
        "father": f"{father_city}（{m.rng.choice(MEN_JOBS)}）" if father_away else "",
        "mother": f"{mother_city}（{m.rng.choice(WOMEN_JOBS)}）" if mother_away else "",
    }

    def parent(role: str, name: str, sex: str, born: dt.date, ethnicity: str) -> PersonSpec:
        away = father_away if role == "father" else mother_away
        own = (role == "father") == paternal
        spec = _person(
            m,
            name=name,
            sex=sex,
            born=born,
            ethnicity=ethnicity,
            relation=Relation.CHILD if own else Relation.CHILD_IN_LAW,
            # An in-law joined on marrying, before the first grandchild.
            since=since
            if own
            else max(since, m.day_between(_years_before(births[0], 3), births[0])),
            registered_on=surveyed,
            education=m.adult_education(),
            marital_status=Marital.MARRIED,
            occupation="外出务工" if away else "",
            notes=f"在{workplaces[role].split('（')[0]}务工" if away else "",
        )
        if not away:
            if m.chance(0.4):
                grade = m.rng.choice((1, 2, 2, 3))
                kind_of = m.rng.choice(
                    (DisabilityType.PHYSICAL, DisabilityType.PHYSICAL, DisabilityType.MENTAL)
                )
                spec.notes = "残疾，无力照料子女"
                spec.categories.append(
                    CategorySpec(
                        Category.DISABLED,
                        start=m.day_between(dt.date(2005, 1, 1), surveyed),
                        disability_type=kind_of,
                        disability_grade=grade,
                    )
                )
            else:
                spec.notes = m.rng.choice(UNABLE_ILL)
        return spec

    father = parent("father", father_name, Sex.MALE, father_born, father_ethnicity)
    mother = parent("mother", mother_name, Sex.FEMALE, mother_born, mother_ethnicity)
    members += [father, mother] if paternal else [mother, father]

    guardianship = Guardianship.GRANDPARENTS
    guardian = grandmother if (m.chance(0.7) or not grandfather_alive) else members[0]
    guardian_relation = (
        ("祖母" if guardian is grandmother else "祖父")
        if paternal
        else ("外祖母" if guardian is grandmother else "外祖父")
    )
    if m.chance(0.08):
        # An uncle or aunt at home looks after the children; the grandparents are too frail.
        sibling_sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
        own_parent = father if paternal else mother
        sibling_born = m.born_in(own_parent.birth_date.year + m.rng.choice((-6, -4, -2, 2, 4, 6)))
        older = sibling_born < own_parent.birth_date
        sibling = _person(
            m,
            name=m.name(
                elder_ethnicity,
                sibling_sex,
                sibling_born,
                surname=elder_surname if sibling_sex == Sex.MALE or elder_surname else None,
            ),
            sex=sibling_sex,
            born=sibling_born,
            ethnicity=elder_ethnicity,
            relation=Relation.CHILD,
            since=since,
            registered_on=surveyed,
            education=m.adult_education(),
            marital_status=Marital.MARRIED,
            occupation=farm,
        )
        members.append(sibling)
        guardian, guardianship = sibling, Guardianship.RELATIVES
        if paternal:
            guardian_relation = ("伯父" if older else "叔叔") if sibling_sex == Sex.MALE else "姑姑"
        else:
            guardian_relation = "舅舅" if sibling_sex == Sex.MALE else "姨母"
    family = _Family(
        situation=situation,
        father_workplace=workplaces["father"],
        mother_workplace=workplaces["mother"],
        father_phone=father.phone if father_away else "",
        mother_phone=mother.phone if mother_away else "",
        guardian=guardian,
        guardian_relation=guardian_relation,
        guardianship=guardianship,
    )

    child_ethnicity = "02" if "02" in (father_ethnicity, mother_ethnicity) else father_ethnicity
    if father_ethnicity == "01" and child_ethnicity == "02" and m.chance(0.5):
        child_ethnicity = "01"
    for born in births:
        sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
        members.append(
            _left_behind_child(
                m, township, village, family, born, sex, child_ethnicity, surname, surveyed, since
            )
        )
    return HouseholdSpec(township.name, village.name, village.code, address, members)


def _left_behind_child(
    m: _Maker,
    township: places.Township,
    village: places.Area,
    family: _Family,
    born: dt.date,
    sex: str,
    ethnicity: str,
    surname: str,
    surveyed: dt.date,
    since: dt.date,
) -> PersonSpec:
    start = min(max(surveyed, born + dt.timedelta(days=30)), COUNTED_ON)
    schooling = _schooling(m, born)
    guardianship, guardian_name, guardian_relation = (
        family.guardianship,
        family.guardian.name,
        family.guardian_relation,
    )
    school = _school(township.name, schooling, ethnicity)
    boarding = schooling == Schooling.JUNIOR and m.chance(0.6)
    if boarding and m.chance(0.08):
        guardianship, guardian_name, guardian_relation = Guardianship.INSTITUTION, school, "学校"
    detail: dict[str, Any] = {
        "parents": family.situation,
        "father_workplace": family.father_workplace,
        "father_phone": family.father_phone or None,
        "mother_workplace": family.mother_workplace,
        "mother_phone": family.mother_phone or None,
        "schooling": schooling,
        "school_name": school,
        "boarding": boarding,
        "health": "健康" if m.chance(0.96) else m.rng.choice(("体弱多病", "哮喘", "视力低下")),
        "guardian_name": guardian_name,
        "guardian_relation": guardian_relation,
        "guardianship": guardianship,
        "income_sources": INCOME_SOURCES[village.kind],
        "aid_received": m.weighted([*AID, ("", 64)]),
    }
    return _person(
        m,
        name=m.name(ethnicity, sex, born, surname=surname),
        sex=sex,
        born=born,
        ethnicity=ethnicity,
        relation=Relation.GRANDCHILD,
        since=since,
        registered_on=start,
        consent_giver=family.guardian.name,
        child_care_consent=True,
        categories=[CategorySpec(Category.LEFT_BEHIND_CHILD, start=start, left_behind=detail)],
    )


def _village_weight(township: places.Township, village: places.Area) -> float:
    if village.kind == "community":
        return 0.3
    if township.kind == "farm":
        return 0.6
    return 0.8 if village.kind == "gacha" else 1.0


def _left_behind_households(m: _Maker) -> list[HouseholdSpec]:
    rest = [
        (township, village)
        for township, village in places.all_villages()
        if township.name not in SEAT_CHILDREN
    ]
    quotas: list[tuple[list[tuple[places.Township, places.Area]], int]] = [
        ([(places.township_named(name), v) for v in places.township_named(name).villages], n)
        for name, n in SEAT_CHILDREN.items()
    ]
    quotas.append((rest, LEFT_BEHIND_CHILDREN - sum(SEAT_CHILDREN.values())))
    households = []
    for candidates, quota in quotas:
        weights = [_village_weight(t, v) for t, v in candidates]
        remaining = quota
        while remaining:
            children = min(remaining, m.weighted([(1, 68), (2, 26), (3, 6)]))
            township, village = m.rng.choices(candidates, weights)[0]
            households.append(_left_behind_household(m, township, village, children))
            remaining -= children
    _assign_seat_primary_schools(m, households)
    return households


def _assign_seat_primary_schools(m: _Maker, households: list[HouseholdSpec]) -> None:
    """198 primary pupils of the banner seat at the Fourth Primary School, the rest elsewhere."""
    pupils = [
        detail
        for household in households
        if household.township in SEAT_CHILDREN
        for person in household.members
        for period in person.categories
        if (detail := period.left_behind) and detail["schooling"] == Schooling.PRIMARY
    ]
    if len(pupils) < FOURTH_SCHOOL_LEFT_BEHIND:
        raise RuntimeError(f"only {len(pupils)} primary pupils in the banner seat")
    chosen = {id(d) for d in m.rng.sample(pupils, FOURTH_SCHOOL_LEFT_BEHIND)}
    for detail in pupils:
        if id(detail) in chosen:
            detail["school_name"], detail["boarding"] = FOURTH_SCHOOL, False
        else:
            detail["school_name"] = m.rng.choice(("奈曼旗实验小学", "奈曼旗蒙古族实验小学"))


def _villages_of(township_names: Sequence[str]) -> list[tuple[places.Township, places.Area]]:
    return [(t, v) for t, v in places.all_villages() if t.name in township_names]


def _single_mother_households(m: _Maker) -> list[HouseholdSpec]:
    candidates = places.all_villages()
    dibao = set(m.rng.sample(range(SINGLE_MOTHERS), SINGLE_MOTHERS_ON_DIBAO))
    households = []
    for index in range(SINGLE_MOTHERS):
        township, village = m.rng.choice(candidates)
        ethnicity = m.village_ethnicity(village.kind)
        born = m.born_in(m.rng.randint(1966, 1986))
        surveyed = m.day_between(dt.date(2013, 1, 1), dt.date(2014, 2, 28))
        marital = m.weighted([(Marital.DIVORCED, 55), (Marital.WIDOWED, 35), (Marital.SINGLE, 10)])
        urban = village.kind == "community"
        single_since = m.day_between(dt.date(2004, 1, 1), dt.date(2013, 12, 31))
        mother = _person(
            m,
            name=m.name(ethnicity, Sex.FEMALE, born),
            sex=Sex.FEMALE,
            born=born,
            ethnicity=ethnicity,
            relation=Relation.HEAD,
            since=single_since,
            registered_on=surveyed,
            hukou=Hukou.URBAN if urban else Hukou.RURAL,
            education=m.adult_education(),
            marital_status=marital,
            occupation=m.rng.choice(("零工", "保洁", "务农", "个体经营")) if urban else "务农",
            notes=SINGLE_REASON[marital],
            categories=[
                CategorySpec(Category.SINGLE_MOTHER, start=single_since, note="贫困单亲母亲")
            ],
        )
        if index in dibao:
            mother.categories.append(
                CategorySpec(
                    Category.LOW_INCOME, start=m.day_between(dt.date(2011, 1, 1), surveyed)
                )
            )
        members = [mother]
        # Children still at home and under age: born 1997 or later.
        first_child = min(max(born.year + m.rng.randint(20, 28), 1997), 2012)
        surname = m.surname(ethnicity)
        for offset in range(m.weighted([(1, 60), (2, 40)])):
            child_born = m.born_in(min(first_child + 3 * offset, 2013))
            sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
            members.append(
                _person(
                    m,
                    name=m.name(ethnicity, sex, child_born, surname=surname),
                    sex=sex,
                    born=child_born,
                    ethnicity=ethnicity,
                    relation=Relation.CHILD,
                    since=max(single_since, child_born),
                    registered_on=surveyed,
                    hukou=mother.hukou,
                    consent_giver=mother.name,
                )
            )
        households.append(
            HouseholdSpec(township.name, village.name, village.code, _address(m, village), members)
        )
    return households


def _empty_nest_households(m: _Maker) -> list[HouseholdSpec]:
    communities = _villages_of([DAQIN_STREET])
    households = []
    for index in range(EMPTY_NEST_MOTHERS):
        township, community = m.rng.choice(communities)
        ethnicity = m.village_ethnicity("community")
        born = m.born_in(m.rng.randint(1932, 1952))
        surveyed = m.day_between(dt.date(2013, 9, 1), dt.date(2014, 5, 31))
        widowed = index < 4
        mother = _person(
            m,
            name=m.name(ethnicity, Sex.FEMALE, born),
            sex=Sex.FEMALE,
            born=born,
            ethnicity=ethnicity,
            relation=Relation.HEAD if widowed else Relation.SPOUSE,
            since=dt.date(1985, 1, 1),
            registered_on=surveyed,
            hukou=Hukou.URBAN,
            education=m.elder_education(),
            marital_status=Marital.WIDOWED if widowed else Marital.MARRIED,
            occupation="退休" if m.chance(0.4) else "无业",
            notes=m.rng.choice(
                ("子女均在外地工作", "独子在北京工作", "子女在通辽市安家", "女儿在呼和浩特市工作")
            ),
            categories=[
                CategorySpec(
                    Category.EMPTY_NEST_ELDERLY,
                    start=m.day_between(dt.date(2012, 1, 1), surveyed),
                    note="空巢母亲，巾帼志愿者结对帮扶",
                )
            ],
        )
        members = [mother]
        if not widowed:
            husband_born = m.born_in(born.year - m.rng.randint(0, 4))
            husband_ethnicity = m.spouse_ethnicity(ethnicity, "community")
            members.insert(
                0,
                _person(
                    m,
                    name=m.name(husband_ethnicity, Sex.MALE, husband_born),
                    sex=Sex.MALE,
                    born=husband_born,
                    ethnicity=husband_ethnicity,
                    relation=Relation.HEAD,
                    since=dt.date(1985, 1, 1),
                    registered_on=surveyed,
                    hukou=Hukou.URBAN,
                    education=m.elder_education(),
                    marital_status=Marital.MARRIED,
                    occupation="退休",
                ),
            )
        households.append(
            HouseholdSpec(
                township.name, community.name, community.code, _address(m, community), members
            )
        )
    return households


def _centenarian_households(m: _Maker) -> list[HouseholdSpec]:
    households = []
    for township_name, village_name, count in CENTENARIANS:
        village = places.village_named(township_name, village_name)
        for _ in range(count):
            sex = Sex.FEMALE if m.chance(0.75) else Sex.MALE
            born = m.day_between(dt.date(1908, 1, 1), dt.date(1913, 12, 31))
            ethnicity = m.village_ethnicity(village.kind)
            surname = m.surname(ethnicity)
            son_born = m.born_in(born.year + m.rng.randint(24, 36))
            surveyed = m.day_between(dt.date(2013, 12, 1), SPRING_FESTIVAL_2014)
            son = _person(
                m,
                name=m.name(ethnicity, Sex.MALE, son_born, surname=surname),
                sex=Sex.MALE,
                born=son_born,
                ethnicity=ethnicity,
                relation=Relation.HEAD,
                since=dt.date(1980, 1, 1),
                registered_on=surveyed,
                education=m.elder_education(),
                marital_status=Marital.MARRIED,
                occupation="务农",
                area_code=OLD_AREA_CODE,
            )
            wife_born = m.born_in(son_born.year + m.rng.randint(0, 3))
            wife = _person(
                m,
                name=m.name(ethnicity, Sex.FEMALE, wife_born),
                sex=Sex.FEMALE,
                born=wife_born,
                ethnicity=ethnicity,
                relation=Relation.SPOUSE,
                since=dt.date(1980, 1, 1),
                registered_on=surveyed,
                education=Education.NONE,
                marital_status=Marital.MARRIED,
                occupation="务农",
                area_code=OLD_AREA_CODE,
            )
            hundredth = _birthday(born, 100)
            elder = _person(
                m,
                name=m.name(ethnicity, sex, born, surname=surname if sex == Sex.MALE else None),
                sex=sex,
                born=born,
                ethnicity=ethnicity,
                relation=Relation.PARENT,
                since=dt.date(1980, 1, 1),
                registered_on=surveyed,
                phone="",
                education=Education.NONE,
                marital_status=Marital.WIDOWED,
                notes="百岁老人",
                consent_giver=son.name,
                area_code=OLD_AREA_CODE,
                categories=[CategorySpec(Category.CENTENARIAN, start=hundredth)],
            )
            households.append(
                HouseholdSpec(
                    township_name,
                    village_name,
                    village.code,
                    _address(m, village),
                    [son, wife, elder],
                )
            )
    return households


def _poor_households(m: _Maker) -> list[HouseholdSpec]:
    township_name, village_name = POOR_VILLAGE
    village = places.village_named(township_name, village_name)
    registered = dt.date(2014, 4, 15)  # 建档立卡, spring 2014
    households = []
    shapes = ["couple_children"] * 6 + ["elderly_couple"] * 3 + ["widow"] * 2 + ["disabled"] * 2
    m.rng.shuffle(shapes)
    for shape in shapes:
        ethnicity = m.village_ethnicity(village.kind)
        surname = m.surname(ethnicity)
        surveyed = m.day_between(dt.date(2014, 2, 1), dt.date(2014, 4, 10))
        poor = [CategorySpec(Category.REGISTERED_POOR, start=registered, note="包扶村贫困户")]
        members: list[PersonSpec] = []
        elderly = shape in ("elderly_couple", "widow")
        head_born = m.born_in(m.rng.randint(1938, 1952) if elderly else m.rng.randint(1962, 1982))
        if shape != "widow":
            members.append(
                _person(
                    m,
                    name=m.name(ethnicity, Sex.MALE, head_born, surname=surname),
                    sex=Sex.MALE,
                    born=head_born,
                    ethnicity=ethnicity,
                    relation=Relation.HEAD,
                    since=dt.date(1995, 1, 1),
                    registered_on=surveyed,
                    education=m.elder_education() if elderly else m.adult_education(),
                    marital_status=Marital.MARRIED,
                    occupation="牧民",
                    notes="因病致贫" if shape == "disabled" else "缺劳力、缺资金",
                    categories=list(poor),
                )
            )
        wife_born = m.born_in(head_born.year + m.rng.randint(0, 3))
        wife_ethnicity = m.spouse_ethnicity(ethnicity, village.kind)
        wife = _person(
            m,
            name=m.name(wife_ethnicity, Sex.FEMALE, wife_born),
            sex=Sex.FEMALE,
            born=wife_born,
            ethnicity=wife_ethnicity,
            relation=Relation.HEAD if shape == "widow" else Relation.SPOUSE,
            since=dt.date(1995, 1, 1),
            registered_on=surveyed,
            education=m.elder_education(),
            marital_status=Marital.WIDOWED if shape == "widow" else Marital.MARRIED,
            occupation="牧民",
            categories=list(poor),
        )
        if shape == "disabled":
            wife.categories.append(
                CategorySpec(
                    Category.DISABLED,
                    start=m.day_between(dt.date(2008, 1, 1), surveyed),
                    disability_type=DisabilityType.PHYSICAL,
                    disability_grade=2,
                )
            )
        if shape in ("widow", "elderly_couple") and m.chance(0.6):
            wife.categories.append(CategorySpec(Category.LOW_INCOME, start=dt.date(2012, 1, 1)))
        members.append(wife)
        if shape in ("couple_children", "disabled", "widow"):
            first = head_born.year + m.rng.randint(22, 28)
            for offset in range(m.rng.randint(1, 3)):
                child_born = m.born_in(min(first + 2 * offset, 2012))
                sex = m.rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    _person(
                        m,
                        name=m.name(ethnicity, sex, child_born, surname=surname),
                        sex=sex,
                        born=child_born,
                        ethnicity=ethnicity,
                        relation=Relation.CHILD,
                        since=max(dt.date(1995, 1, 1), child_born),
                        registered_on=surveyed,
                        consent_giver=members[0].name if child_born.year > 1996 else "",
                        categories=list(poor),
                    )
                )
        households.append(
            HouseholdSpec(township_name, village_name, village.code, _address(m, village), members)
        )
    return households


def demo_households(seed: int = SEED) -> list[HouseholdSpec]:
    """The whole plan, without touching the database; the same for the same seed."""
    m = _Maker(seed)
    return [
        *_left_behind_households(m),
        *_single_mother_households(m),
        *_empty_nest_households(m),
        *_centenarian_households(m),
        *_poor_households(m),
    ]


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleResult:
    people: int
    households: int
    categories: int
    seconds: float


def people_loaded() -> bool:
    return Person.objects.filter(county_code=places.COUNTY_CODE).exists()


def _consent(spec: PersonSpec, purpose: str, scope: str) -> ConsentInput:
    if spec.consent_giver:
        return ConsentInput(
            purpose=purpose,
            scope=scope,
            given_by=ConsentGiver.GUARDIAN,
            giver_name=spec.consent_giver,
            given_on=spec.registered_on,
        )
    return ConsentInput(
        purpose=purpose,
        scope=scope,
        given_by=ConsentGiver.SELF,
        giver_name=spec.name,
        given_on=spec.registered_on,
    )


def _register(spec: PersonSpec, residence: OrgUnit) -> Person:
    person = person_register(
        actor=None,
        name=spec.name,
        residence=residence,
        sex=spec.sex,
        birth_date=spec.birth_date,
        id_number=spec.id_number,
        phone=spec.phone,
        ethnicity=spec.ethnicity,
        hukou=spec.hukou,
        education=spec.education,
        marital_status=spec.marital_status,
        occupation=spec.occupation,
        notes=spec.notes,
        consent=_consent(spec, ConsentPurpose.REGISTRY, REGISTRY_SCOPE),
    )
    if spec.child_care_consent:
        consent_record(
            actor=None,
            person=person,
            consent=_consent(spec, ConsentPurpose.CHILD_CARE, CHILD_CARE_SCOPE),
        )
    return person


def load_people(households: Sequence[HouseholdSpec] | None = None) -> PeopleResult:
    """Register the demo people and households through the services (call in a transaction)."""
    started = time.perf_counter()
    plan = demo_households() if households is None else households
    codes = {household.village_code for household in plan}
    units = {
        unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes, closed_on__isnull=True)
    }
    people = categories = 0
    for spec in plan:
        residence = units[spec.village_code]
        registered = [(_register(member, residence), member) for member in spec.members]
        head, head_spec = registered[0]
        household = household_create(
            actor=None, head=head, address=spec.address, on=head_spec.member_since
        )
        for person, member in registered[1:]:
            household_add_member(
                actor=None,
                household=household,
                person=person,
                relation=member.relation,
                on=member.member_since,
            )
        for person, member in registered:
            for period in member.categories:
                category_add(
                    actor=None,
                    person=person,
                    category=period.category,
                    start=period.start,
                    disability_type=period.disability_type,
                    disability_grade=period.disability_grade,
                    left_behind=period.left_behind,
                    note=period.note,
                )
                categories += 1
        people += len(registered)
    return PeopleResult(
        people=people,
        households=len(plan),
        categories=categories,
        seconds=time.perf_counter() - started,
    )


__all__ = [
    "FOURTH_SCHOOL",
    "HouseholdSpec",
    "PeopleResult",
    "PersonSpec",
    "demo_households",
    "load_people",
    "people_loaded",
]
