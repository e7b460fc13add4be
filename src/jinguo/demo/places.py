"""Demo places of Naiman Banner (奈曼旗, GB/T 2260 150525) as they stood about 2014.

Plain data with no Django import, so that seeding commands, factories and tests can all read it.
The totals match the 2014 work summary of the banner's women's federation: 355 gacha and
villages, 11 communities and 61 "two-new" organisations (56 non-public enterprises and 5
intermediary organisations) that each have a Women's Home (妇女之家).

How real it is:

* The township-level units and their numbering follow the statistical division code
  convention (街道 001–099, 镇 100–199, 乡 and 苏木 200–399, farms 400–499). The 镇 codes
  100–107 match a published list; the numbers of the 苏木, 乡, 街道 and the farm are assumed.
* Village names come from public lists where they were found (all of 大沁他拉镇, most of
  黄花塔拉苏木 and 青龙山镇, part of 八仙筒镇, 治安镇 and 新镇, a few elsewhere) and are
  invented, in the local style, for the rest. Village codes are assigned in list order
  (communities from 001, gacha and villages from 201) and are not the published ones.
* 白音昌乡 is kept because the demo asks for it, but public sources say it was merged into
  新镇 in April 2006. The 14 domestic-service workstations of 2014 therefore go to the other
  14 towns, township and sumu.
* Organisation names other than those the summary mentions are invented.

Do not rely on any of this as reference data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

COUNTY_CODE: Final = "150525"

# Area kinds, with the Chinese word each stands for.
AREA_KINDS: Final[dict[str, str]] = {
    "banner": "旗",
    "town": "镇",
    "township": "乡",
    "sumu": "苏木",
    "subdistrict": "街道",
    "farm": "农场",
    "gacha": "嘎查",
    "village": "村",
    "community": "社区",
}
TOWNSHIP_LEVEL_KINDS: Final = frozenset({"town", "township", "sumu", "subdistrict", "farm"})
VILLAGE_LEVEL_KINDS: Final = frozenset({"gacha", "village", "community"})

ORG_KINDS: Final = (
    "two_new_org",
    "school",
    "kindergarten",
    "clinic",
    "member_unit",
    "service_station",
    "volunteer_team",
    "civilised_post",
)
TWO_NEW_ORG_SUBKINDS: Final = ("enterprise", "intermediary")
VOLUNTEER_TEAM_SUBKINDS: Final = ("legal_rights", "aid", "family_education", "science_technology")
CIVILISED_POST_LEVELS: Final = ("national", "region", "city", "banner")

# The first code of each kind of village-level unit inside a township.
FIRST_COMMUNITY_NUMBER: Final = 1
FIRST_VILLAGE_NUMBER: Final = 201


@dataclass(frozen=True, slots=True)
class Area:
    """An administrative area.

    ``code`` is the significant part of the 12-digit statistical division code: 6 digits for
    the banner, 9 for a township-level unit, 12 for a village-level unit.
    """

    code: str
    name: str
    kind: str

    @property
    def division_code(self) -> str:
        """The full 12-digit statistical division code."""
        return self.code.ljust(12, "0")


@dataclass(frozen=True, slots=True)
class Township:
    """A township-level unit (苏木, 镇, 乡, 街道, 农场) and its village-level units."""

    area: Area
    villages: tuple[Area, ...]

    @property
    def code(self) -> str:
        return self.area.code

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def kind(self) -> str:
        return self.area.kind


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation hanging under the area whose code is ``area_code``.

    ``level`` is the level at which a civilised post (巾帼文明岗) was named (one of
    `CIVILISED_POST_LEVELS`), None for every other kind. ``subkind`` tells the enterprises
    from the intermediary organisations among the two-new organisations, and gives the type
    of a volunteer team; None otherwise. ``aliases`` are the short names the work summary
    uses (大镇四小, 蒙幼 …), for matching documents written outside the system.
    """

    name: str
    kind: str
    area_code: str
    level: str | None = None
    subkind: str | None = None
    aliases: tuple[str, ...] = ()


COUNTY: Final = Area(code=COUNTY_CODE, name="奈曼旗", kind="banner")


def _village_kind(name: str) -> str:
    if name.endswith("社区"):
        return "community"
    if name.endswith("嘎查"):
        return "gacha"
    # Villages proper (村) and the branch farms (分场) of a state farm.
    return "village"


def _township(
    number: str, name: str, kind: str, villages: str = "", communities: str = ""
) -> Township:
    """A township whose units are given as whitespace-separated names, in code order."""
    code = COUNTY_CODE + number
    units = [
        Area(code=f"{code}{n:03d}", name=unit, kind="community")
        for n, unit in enumerate(communities.split(), start=FIRST_COMMUNITY_NUMBER)
    ]
    units += [
        Area(code=f"{code}{n:03d}", name=unit, kind=_village_kind(unit))
        for n, unit in enumerate(villages.split(), start=FIRST_VILLAGE_NUMBER)
    ]
    return Township(area=Area(code=code, name=name, kind=kind), villages=tuple(units))


TOWNSHIPS: Final[tuple[Township, ...]] = (
    _township(
        "001",
        "大沁他拉街道",
        "subdistrict",
        communities="""
            振兴社区 团结社区 民族社区 新华社区 王府社区 育新社区 朝阳社区 和谐社区 兴隆社区
        """,
    ),
    _township(
        "100",
        "大沁他拉镇",
        "town",
        villages="""
            包日呼吉尔嘎查 敖包代嘎查 花木代嘎查 吉格斯台嘎查 常胜村 西湖村 北老柜村
            鄂布根包冷村 沙日塘村 哈沙图村 古柳村 昂乃村 奈林塔拉嘎查 尧勒甸子村
            淖尔图浩来嘎查 双合村 光明村 先锋村 沙日勒吉台村 孟和嘎查 舍力虎村 护桥村
            道劳代村 红星村 西甸子村 桥东村 东毛盖图嘎查 西毛盖图村 福兴地村 兴隆庄村
            兴隆地村 太平村 刘家堡村 德隆地村 胜利村 嘎海花嘎查 朝阳古鲁村 瑙棍塔拉嘎查
            海拉苏嘎查 哈沙图嘎查 富康村 章古台嘎查 英特嘎查 和平村
        """,
    ),
    _township(
        "101",
        "八仙筒镇",
        "town",
        communities="龙化社区",
        villages="""
            八仙筒村 黎明村 红升村 温都日哈日村 西塔日牙图村 迈吉乾筒村 代林筒村
            马力图仁筒村 垦务局嘎查 扎哈塔拉村 布日格图村 北白兴图村 永兴甸子村 永兴农场村
            东方红嘎查 乌兰章古村 道贝尔筒村 赛钦塔拉嘎查 乌兰额日格嘎查 友谊村 前进村
            新立村 复兴村 三合村 东升村 永安村 富裕村 平安村 建设村 团结村 敖包营子村
            巴嘎塔拉嘎查 查干诺尔嘎查 呼和格日嘎查 希勃图嘎查 东塔日牙图村
        """,
    ),
    _township(
        "102",
        "青龙山镇",
        "town",
        communities="青龙山社区",
        villages="""
            青龙山村 步步登高村 古庙子村 下洼村 西地村 莫家湾子村 沙子梁村 鹦哥山村
            草帽山村 棍都沟村 敖包后村 得力营子村 斯布格图村 向阳所村 四一村 清水塘村
            寒山皋村 三一村 平房村 套力波村 化吉营子村 互利村 乔家杖子村 平顶山村 铁匠沟村
            小城子村 二道村 哈沙图村 卧龙村 杏树园子村 南湾子村 东山村 梁家杖子村
            五十家子村
        """,
    ),
    _township(
        "103",
        "新镇",
        "town",
        villages="""
            新镇村 小大歹村 联合村 北大营子村 博等沟村 沙力干图嘎查 朝古台村 沙日达冷村
            大歹村 楚鲁图嘎查 布尔敦嘎查 杜贵村 伊和嘎查 哈日花嘎查 前包特嘎查 马家洼子村
            双山子村 南大营子村 西营子村 太平沟村 后新镇村 中心村
        """,
    ),
    _township(
        "104",
        "治安镇",
        "town",
        villages="""
            百家村 二号村 三号村 六号村 七号村 保乐屯村 新立户村 北小白兴图村 胜利庙嘎查
            永乐屯嘎查 白图营子嘎查 治安村 四号村 五号村 八号村 南小白兴图村 查干敖包嘎查
            巴彦塔拉嘎查 新华村 永红村 合发村 富民村 西湖屯村 哈日干图嘎查
        """,
    ),
    _township(
        "105",
        "东明镇",
        "town",
        villages="""
            东明村 代筒村 北代筒村 东达木嘎筒村 西达木嘎筒村 刘家茶馆村 协代村 三合村
            前进村 胜利村 团结村 东兴村 义和村 永合村 乌兰敖都嘎查 巴嘎塔拉嘎查
            伊和塔拉嘎查 敖包营子嘎查 新艾里嘎查 哈日朝鲁嘎查 希勃图嘎查 查干套海嘎查
            朝鲁吐嘎查 公河来村
        """,
    ),
    _township(
        "106",
        "沙日浩来镇",
        "town",
        villages="""
            沙日浩来村 宝贝河村 达日尔沁村 北台子村 白庙子村 北梁村 东梁村 南沟村 六家子村
            太和村 兴安村 双山村 长胜村 敖包山村 牛家窝堡村 西沟村 东沙日浩来村 红光村
            后老虎沟村 巴彦诺尔嘎查 呼和陶勒盖嘎查 阿日班格日嘎查
        """,
    ),
    _township(
        "107",
        "义隆永镇",
        "town",
        villages="""
            义隆永村 东义隆永村 四家子村 永兴村 福寿村 五间房村 大庙村 二龙村 兴隆沟村
            东沙窝村 西沙窝村 老西店村 刘家营子村 王家营子村 海力板村 塔拉营子村 新安村
            长发村 伊和乌素嘎查 呼和格日嘎查 查干花嘎查 巴彦他拉嘎查
        """,
    ),
    _township(
        "200",
        "固日班花苏木",
        "sumu",
        villages="""
            固日班花嘎查 巴日嘎斯台嘎查 奈林嘎查 巴彦塔拉嘎查 查干套布嘎查 额勒顺嘎查
            哈日朝鲁嘎查 布敦花嘎查 塔拉艾勒嘎查 胡日查嘎查 那日斯台嘎查 阿拉坦艾勒嘎查
            宝日胡舒嘎查 乌兰图嘎嘎查 孟和乌苏嘎查 套力包嘎查 西营子村 东营子村
        """,
    ),
    _township(
        "201",
        "白音他拉苏木",
        "sumu",
        villages="""
            白音他拉嘎查 包屯艾勒嘎查 乌兰胡硕嘎查 查干浩特嘎查 宝力格嘎查 哈拉乌苏嘎查
            额很塔拉嘎查 巴彦乌苏嘎查 布日敦嘎查 孟和艾勒嘎查 塔本敖都嘎查 敖力布嘎查
            海力锦嘎查 新胜屯村 前进村 双井子村
        """,
    ),
    _township(
        "202",
        "明仁苏木",
        "sumu",
        villages="""
            敖包营子嘎查 巴日嘎斯台嘎查 东包德日干图嘎查 西包德日干图嘎查 巴彦查干嘎查
            查干花嘎查 莫力庙嘎查 哈日干图嘎查 乌兰昭嘎查 博和乌兰嘎查 伊和诺尔嘎查 明仁村
            西河村 新立屯村 大兴村 三家子村
        """,
    ),
    _township(
        "203",
        "黄花塔拉苏木",
        "sumu",
        villages="""
            伊拉麻图嘎查 东介哈日麻台嘎查 西介哈日麻台嘎查 奈林塔拉嘎查 乌干沙日嘎查
            前乌兰额日格嘎查 后乌兰额日格嘎查 上黄花塔拉嘎查 下黄花塔拉嘎查 巴彦花嘎查
            合热营子嘎查 哈日特斯格嘎查 查干道布格嘎查 毛敦艾勒嘎查 东太山木头嘎查
            西太山木头嘎查 新发村 泊和乌素嘎查 巴彦敖包嘎查 腰营子村 查干吉日莫嘎查
            塔布代嘎查 太平庄嘎查 黄花筒嘎查
        """,
    ),
    _township(
        "204",
        "土城子乡",
        "township",
        villages="""
            土城子村 西土城子村 成山村 八王扣村 初家杖子村 二道河子村 石匠沟村 东山湾村
            马架子村 沙坨子村 平安村 碾房村 南梁村 北山村 黄家店村 双井村 杨树沟村
            大青沟村
        """,
    ),
    _township(
        "205",
        "苇莲苏乡",
        "township",
        villages="""
            苇莲苏村 大林子村 老哈河村 河东村 河西村 西湾子村 三合兴村 双河村 永红村
            新胜村 衙门营子村 东沙坨村 乌力雅苏嘎查 套海嘎查 哈日干吐嘎查 宝力高嘎查
        """,
    ),
    _township(
        "206",
        "白音昌乡",
        "township",
        villages="""
            白音昌村 车家杖子村 北沟村 大营子村 中营子村 三家子村 朝阳沟村 五家户村
            松树山村 新井村 马鞍山村 红旗村 东升村 巴彦宝力格嘎查 乌兰敖都嘎查
        """,
    ),
    _township("400", "六号农场", "farm", villages="一分场 二分场 三分场 四分场"),
)


def all_areas() -> list[Area]:
    """The banner, then each township followed by its village-level units, in code order."""
    areas = [COUNTY]
    for township in TOWNSHIPS:
        areas.append(township.area)
        areas.extend(township.villages)
    return areas


def area_by_code() -> dict[str, Area]:
    return {area.code: area for area in all_areas()}


def all_villages() -> list[tuple[Township, Area]]:
    """Every village-level unit (gacha, village and community) with its township."""
    return [(township, village) for township in TOWNSHIPS for village in township.villages]


def village_level_counts() -> Counter[str]:
    """How many village-level units there are of each kind (gacha, village, community)."""
    return Counter(village.kind for _, village in all_villages())


def gacha_and_village_count() -> int:
    """Village committees and gacha: 355 in 2014."""
    counts = village_level_counts()
    return counts["gacha"] + counts["village"]


def community_count() -> int:
    """Residents' committees (社区居委会): 11 in 2014."""
    return village_level_counts()["community"]


def township_named(name: str) -> Township:
    for township in TOWNSHIPS:
        if township.name == name:
            return township
    raise KeyError(name)


def village_named(township_name: str, village_name: str) -> Area:
    for village in township_named(township_name).villages:
        if village.name == village_name:
            return village
    raise KeyError(f"{township_name}{village_name}")


def _in(township_name: str, village_name: str | None = None) -> str:
    """The code of a township, or of a village inside it; fails at import on a typo."""
    if village_name is None:
        return township_named(township_name).code
    return village_named(township_name, village_name).code


_DAQIN_TOWN = "大沁他拉镇"
_DAQIN_STREET = "大沁他拉街道"

# The 56 non-public enterprises with a Women's Home, by township.
_ENTERPRISES: Final[dict[str, str]] = {
    _DAQIN_TOWN: """
        奈曼旗蒙源牧业有限公司 奈曼旗鑫磊建材有限公司 奈曼旗家洁美家政服务有限公司
        奈曼旗宏发甘薯淀粉有限公司 奈曼旗乃蛮酒业有限公司 奈曼旗沙城商贸有限责任公司
        奈曼旗瑞丰粮贸有限公司 奈曼旗恒通物流有限公司 奈曼旗金沙湾宾馆有限公司
        奈曼旗宏源混凝土有限公司 奈曼旗鑫达汽车销售服务有限公司 奈曼旗蒙兴肉业有限公司
        奈曼旗绿洲荞麦食品有限公司 奈曼旗天缘乳业有限公司 奈曼旗蒙医药开发有限公司
        奈曼旗兴奈房地产开发有限公司 奈曼旗宏伟印刷有限公司 奈曼旗福源彩钢有限公司
        奈曼旗顺达驾驶员培训有限公司 奈曼旗诺恩吉雅民族服饰有限公司
    """,
    _DAQIN_STREET: """
        奈曼旗百佳乐超市有限公司 奈曼旗鑫源宾馆有限责任公司 奈曼旗金鼎餐饮有限公司
        奈曼旗盛世广告传媒有限公司 奈曼旗康乐大药房有限公司 奈曼旗博远电脑科技有限公司
        奈曼旗如意婚庆服务有限公司 奈曼旗新世纪商厦有限公司 奈曼旗馨雅美容美发有限公司
        奈曼旗安居物业服务有限公司 奈曼旗宏达通讯器材有限公司 奈曼旗金秋服装有限公司
        奈曼旗华联家电商贸有限公司 奈曼旗兴业小额贷款有限公司
    """,
    "八仙筒镇": """
        奈曼旗龙化粮油贸易有限公司 奈曼旗宏盛米业有限公司 奈曼旗丰泽农牧业开发有限公司
        奈曼旗西辽河饲料有限公司 奈曼旗金穗种业有限公司
    """,
    "青龙山镇": """
        奈曼旗青龙山粉条加工有限公司 奈曼旗牦牛河小米有限公司 奈曼旗鹏飞石材有限公司
        奈曼旗杏园果业有限公司
    """,
    "新镇": "奈曼旗麦饭石开发有限责任公司 奈曼旗马家洼子杂粮购销有限公司 奈曼旗南山矿业有限公司",
    "治安镇": "奈曼旗治安稻米加工有限公司 奈曼旗百家肉牛养殖有限公司 奈曼旗金禾农资有限公司",
    "东明镇": "奈曼旗东明荞麦加工有限公司 奈曼旗利民风电服务有限公司",
    "沙日浩来镇": "奈曼旗宝贝河牧业有限公司 奈曼旗沙日浩来石料有限公司",
    "义隆永镇": "奈曼旗义隆烧锅酒业有限公司 奈曼旗永丰葵花籽加工有限公司",
    "白音他拉苏木": "奈曼旗白音他拉草业有限公司",
}

# The 5 intermediary organisations (中介组织) with a Women's Home.
_INTERMEDIARIES: Final[tuple[tuple[str, str], ...]] = (
    ("奈曼旗正义律师事务所", _DAQIN_STREET),
    ("奈曼旗华信会计师事务所", _DAQIN_STREET),
    ("奈曼旗诚达资产评估事务所", _DAQIN_STREET),
    ("奈曼旗个体劳动者协会", _DAQIN_TOWN),
    ("奈曼旗私营企业协会", _DAQIN_TOWN),
)

_TWO_NEW_ORGS: Final = tuple(
    Org(name=name, kind="two_new_org", area_code=_in(township), subkind="enterprise")
    for township, names in _ENTERPRISES.items()
    for name in names.split()
) + tuple(
    Org(name=name, kind="two_new_org", area_code=_in(township), subkind="intermediary")
    for name, township in _INTERMEDIARIES
)

_SCHOOLS: Final = (
    # The children's home for left-behind and migrant children (留守流动儿童家园).
    Org("大沁他拉镇第四小学", "school", _in(_DAQIN_TOWN), aliases=("大镇四小", "第四小学")),
    Org("奈曼旗蒙古族实验小学", "school", _in(_DAQIN_TOWN)),
    Org("奈曼旗实验小学", "school", _in(_DAQIN_TOWN)),
    Org("奈曼旗第一中学", "school", _in(_DAQIN_TOWN)),
    Org("奈曼旗蒙古族中学", "school", _in(_DAQIN_TOWN)),
    Org("奈曼旗职业中等专业学校", "school", _in(_DAQIN_TOWN), aliases=("职业中专",)),
    Org("八仙筒镇中心小学", "school", _in("八仙筒镇")),
    Org("青龙山镇中心小学", "school", _in("青龙山镇")),
)

_KINDERGARTENS: Final = (
    Org("奈曼旗蒙古族幼儿园", "kindergarten", _in(_DAQIN_TOWN), aliases=("蒙幼",)),
    Org("奈曼旗大沁他拉镇幼儿园", "kindergarten", _in(_DAQIN_TOWN), aliases=("大幼",)),
)

_CLINICS: Final = (
    Org("奈曼旗妇幼保健所", "clinic", COUNTY_CODE, aliases=("旗妇幼保健所",)),
    Org("奈曼旗疾病预防控制中心", "clinic", COUNTY_CODE, aliases=("旗疾控中心", "疾控中心")),
    Org("奈曼旗医院", "clinic", COUNTY_CODE, aliases=("旗医院",)),
)

# Member units of the banner's Women and Children Working Committee (妇儿工委); each names an
# information officer who reports the Development Programme indicators.
_MEMBER_UNITS: Final = tuple(
    Org(name, "member_unit", COUNTY_CODE)
    for name in (
        "旗委宣传部",
        "旗妇联",
        "旗发展和改革局",
        "旗教育局",
        "旗科学技术局",
        "旗公安局",
        "旗民政局",
        "旗司法局",
        "旗财政局",
        "旗人力资源和社会保障局",
        "旗住房和城乡建设局",
        "旗环境保护局",
        "旗农牧业局",
        "旗水务局",
        "旗卫生和计划生育局",
        "旗文体广电局",
        "旗统计局",
        "旗工商行政管理局",
        "旗食品药品监督管理局",
        "旗扶贫开发办公室",
        "旗法院",
        "旗检察院",
        "旗总工会",
        "团旗委",
        "旗残联",
    )
)

# The domestic-service centre (set up with 家洁美家政服务有限公司) and its 14 workstations,
# one per town, township and sumu, each headed by the township federation chair.
_WORKSTATION_TOWNSHIPS: Final = tuple(
    t.name for t in TOWNSHIPS if t.kind in {"town", "township", "sumu"} and t.name != "白音昌乡"
)
_SERVICE_STATIONS: Final = (
    Org("奈曼旗巾帼家政服务中心", "service_station", COUNTY_CODE, aliases=("巾帼家政服务中心",)),
    *(
        Org(f"{name}巾帼家政服务工作站", "service_station", _in(name))
        for name in _WORKSTATION_TOWNSHIPS
    ),
)

_GUIDE = "“3到6岁儿童成长发展指南”宣传志愿者队"
_VOLUNTEER_TEAMS: Final = (
    Org("奈曼旗巾帼法律维权志愿服务队", "volunteer_team", COUNTY_CODE, subkind="legal_rights"),
    Org("旗司法局巾帼普法志愿服务队", "volunteer_team", COUNTY_CODE, subkind="legal_rights"),
    Org(
        "大沁他拉街道巾帼维权志愿服务队",
        "volunteer_team",
        _in(_DAQIN_STREET),
        subkind="legal_rights",
    ),
    Org(
        "振兴社区巾帼志愿者服务队", "volunteer_team", _in(_DAQIN_STREET, "振兴社区"), subkind="aid"
    ),
    Org("旗妇幼保健所巾帼服务队", "volunteer_team", COUNTY_CODE, subkind="aid"),
    Org("旗疾控中心巾帼志愿者服务队", "volunteer_team", COUNTY_CODE, subkind="aid"),
    Org("旗地税局房产征收管理所巾帼服务队", "volunteer_team", COUNTY_CODE, subkind="aid"),
    Org("“春之声”女子艺术团", "volunteer_team", COUNTY_CODE, subkind="aid"),
    Org(
        "大沁他拉镇“爱心小屋”义工队",
        "volunteer_team",
        _in(_DAQIN_TOWN),
        subkind="aid",
        aliases=("大镇爱心小屋",),
    ),
    Org("奈曼旗“爱心妈妈”志愿者队", "volunteer_team", COUNTY_CODE, subkind="aid"),
    Org("奈曼旗家庭教育宣讲志愿服务队", "volunteer_team", COUNTY_CODE, subkind="family_education"),
    Org(
        f"奈曼旗蒙古族幼儿园{_GUIDE}",
        "volunteer_team",
        _in(_DAQIN_TOWN),
        subkind="family_education",
    ),
    Org(
        f"奈曼旗大沁他拉镇幼儿园{_GUIDE}",
        "volunteer_team",
        _in(_DAQIN_TOWN),
        subkind="family_education",
    ),
    Org(
        "奈曼旗巾帼科技致富志愿服务队", "volunteer_team", COUNTY_CODE, subkind="science_technology"
    ),
    Org(
        "白音他拉苏木巾帼手工编织志愿服务队",
        "volunteer_team",
        _in("白音他拉苏木"),
        subkind="science_technology",
    ),
)


def _posts(level: str, names: str, area_code: str = COUNTY_CODE) -> tuple[Org, ...]:
    return tuple(Org(name, "civilised_post", area_code, level=level) for name in names.split())


# Civilised posts (巾帼文明岗) by the level that named them; each is paired with a village
# (岗村对子), 25 pairs in 2014.
_CIVILISED_POSTS: Final = (
    _posts("national", "旗国税局服务大厅")
    + _posts("region", "旗医院妇产科 旗妇幼保健所妇女保健科")
    + _posts(
        "city",
        """
        旗农电局营业厅 旗疾控中心免疫规划科 旗地税局办税服务厅 旗法院立案大厅
        旗公安局户政服务大厅 中国农业银行奈曼旗支行营业部
        """,
    )
    + _posts(
        "banner",
        """
        旗地税局房产征收管理所 旗政务服务中心 旗检察院控告申诉科 旗民政局婚姻登记处
        旗社会保险事业管理局服务大厅 旗工商局注册登记窗口 旗农村信用合作联社营业部
        中国邮政储蓄银行奈曼旗支行营业部 旗新华书店门市部 旗图书馆借阅部
        旗自来水公司营业厅 旗移动公司营业厅 旗就业服务局服务窗口 旗妇幼保健所儿童保健科
        """,
    )
    + _posts("banner", "奈曼旗蒙古族幼儿园保教部 大沁他拉镇第四小学教导处", _in(_DAQIN_TOWN))
)

ORGANISATIONS: Final[tuple[Org, ...]] = (
    _TWO_NEW_ORGS
    + _SCHOOLS
    + _KINDERGARTENS
    + _CLINICS
    + _MEMBER_UNITS
    + _SERVICE_STATIONS
    + _VOLUNTEER_TEAMS
    + _CIVILISED_POSTS
)


def orgs_of_kind(kind: str, subkind: str | None = None) -> tuple[Org, ...]:
    """The organisations of one kind, optionally of one subkind."""
    return tuple(
        org
        for org in ORGANISATIONS
        if org.kind == kind and (subkind is None or org.subkind == subkind)
    )


def org_counts() -> Counter[str]:
    """How many organisations there are of each kind."""
    return Counter(org.kind for org in ORGANISATIONS)
