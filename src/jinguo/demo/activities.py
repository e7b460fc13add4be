"""Demo activities of Naiman Banner in 2014: what the work summary says was done, with whom.

Everything is written through the activities services (`activity_record`, `attendance_add`,
`team_profile_set`, `volunteer_add`, `service_record`, `pairing_create`, `contact_record`,
`village_visit_record`, `need_record`, `need_update`) and, for the people it adds, the people
services (`person_prepare`, `person_register_many`), all with ``actor=None`` (the system), so
each record has its audit entries. It needs the tree, the people of `jinguo.demo.people` and,
for a few links and names, the programmes of `jinguo.demo.programmes`; call `load` after both,
inside the demo's transaction (it opens its own as well). It is skipped when the teams already
have their profiles, and it is deterministic (one seeded random source; existing people are
chosen in a fixed order).

**The demo's "today" is 31 December 2014** (`TODAY`, the same day as
`jinguo.demo.programmes.AS_OF`): nothing is recorded after it, and "overdue" is meant as of
that day (`overdue_pairings(user, on=TODAY)`, `overdue_needs(user, on=TODAY)`). Asked about the
real today, every open pairing and need of the demo is overdue, since nothing happens after 2014.

Figures are the summary's where it gives one (its words in quotes); where it gives none, no
participant count is invented (the activity is recorded with no counts), and the dates, places,
co-organisers and people needed to make the record whole are invented and listed here.

**Activities** (about fifty), each with date, place, organisers, topics and what the summary
gives:

* trainings: the cross-stitch training at 六号农场 ("近200名农村妇女": 196 women, counts; trainer
  "通辽市“十字绣”专家"), the pigeon-nest weaving class in 白音他拉苏木 in November ("近百人": 97
  women, counts; trainer the manager of 通辽市跃达飞手工艺坊, a partner), the women cadres'
  class in July ("90余名女干部": 93 women cadres registered by name, 93 on the first day and 91
  on the second, the field visit to 白音他拉苏木, so 93 people and 184 person-times), the
  domestic-service skills training with the employment bureau (旗人力资源和社会保障局) and the
  vocational school, the project training of the anaemia programme, the training of the
  information officers of the Development Programmes (June), the legal-education training;
* talks: the family-education seminar (家庭教育研讨会, founded in March with "26名" members, all
  present by name) gave "10余次" talks: 12, in schools, townships and villages (communities),
  each with its speaker's hours; the women's speakers' group (巾帼宣讲团, "15名首批成员", all
  present by name at its founding) gave four talks, one each in an office, a school, a community
  and a village (its number of talks is not given; four is invented); the women's-health
  lecture of 8 March;
* the free clinic of 8 March by the county federation and the maternal and child health
  station's team: "150多名妇女受益", 156 women (counts); the nursing-home visits and free clinics
  of the art troupe, the land-tax office and the health station's teams (重阳节) and of the
  disease-control centre's team; the home haircuts of 振兴社区's team;
* legal publicity on the three days the summary names (3月维权周, 科技三下乡, "6.26"禁毒日):
  "发放宣传资料3万多份" — 12,000 + 10,500 + 8,200 = 30,700 leaflets — and "接待来询群众50余人次"
  — 21 + 17 + 15 = 53 consultations, as counts of women and others; the split over the three
  days and between women and others is invented;
* 平安家庭 in 舍力虎村: the signing ceremony ("投入1万元": spending 10,000 yuan, the cost of
  setting up the "双百佳" demonstration village) and its one training, attended by the
  villagers of the registry who were at home (not the parents working away);
* visits: Spring Festival visits to 青龙山镇下洼村、西地村、古庙子村 with flour (the four
  centenarians of the registry and two former women cadres ("老妇干") a village, registered
  here, by name; one parcel of "面粉等生活用品" each); the 三八 visits with the trade union
  (旗总工会) to former village women's representatives ("每人500元", their number not given); the
  三八 handing-out of aid to the 20 single mothers (by name, linked to the programme
  "“三八”节贫困单亲母亲救助", whose benefits hold the money); the fertiliser visit to the 13 poor
  households of 黄花筒嘎查 (their heads by name, linked to the programme "包扶村化肥救助"; the
  10,000 yuan is in the programme, not repeated here); the empty-nest mothers of 大沁他拉街道
  on Mother's Day, recorded by the street federation: the 7 mothers by name and gifts "总价值
  1800多元": 1,860 yuan;
* the 扶贫日 of 17 October: "筹集资金6.1万元救助了…41名" — 41 people by name (the 31 left-behind
  children whose record says they had 扶贫日 aid, then orphans and disabled adults of the
  registry), spending 61,000 yuan, and the 13,450 yuan collected on the spot, handed to the
  爱心小屋 (in the outcome; donations are a later registry);
* the civilised posts' outings with science books and free clinics: "投入物资5万多元" as the
  in-kind value of three outings (旗农电局营业厅 19,600, 旗医院妇产科 22,400, 旗疾控中心免疫规划科
  10,300: 52,300 yuan; the split is invented), each in its post's paired village;
* the rest without figures: the survey of left-behind children (April–June), the labour-export
  publicity, the 最美家庭 proposal letters ("倡议书3000份", 3,000 letters) and the awards of
  March ("先进集体49个，先进个人61名", in the outcome).

**Volunteer teams**: the 15 teams of `places` get their focus (`team_profile_set`): legal
rights (3), aid (4), health (the two medical teams), culture (the art troupe), family
education (3), science and technology (2); founded the day their unit opened. Their members:

* "奈曼旗“爱心妈妈”志愿者队", the "300多名“爱心妈妈”": 318 women, paired with the left-behind
  children of the registry (`PairingKind.CARING_MOTHER`). Ten of them are the national
  civilised post's "10名爱心妈妈" (旗国税局服务大厅), each paired with one of ten left-behind
  children of its paired village 德隆地村 since April; the other 308 are women of the
  children's own villages (or, for a few, townships), paired once the team was formed, after
  the National Day holiday (8 October – 7 November), with one to three children each
  (brothers and sisters together). "助教、助学、助养活动500余件，
  使549名留守流动儿童受益": 586 help contacts (tutoring, school costs, daily care, each also a
  service record of its mother) for 549 distinct children. Children marked in the registry as
  having had "爱心妈妈" aid are chosen first; none turns 16 before the end of 2014.
* "大沁他拉镇“爱心小屋”义工队": "88名义工志愿者，其中55名“爱心妈妈”与贫困孩子结对帮扶" — 88
  volunteers, 55 of them paired one to one for the school year, from the autumn term (1–12
  September), with 55 of the 60 children whose record says they had 爱心小屋 aid (those of
  the banner seat first).
* "奈曼旗家庭教育宣讲志愿服务队": the 26 members of the family-education seminar.
* The other twelve teams: 5 to 10 members each (invented), with hours at the activities above
  and, for the kindergarten teams and the cabin, service without an activity. Five of the
  seminar's members and ten members of the legal, health, science and art teams are the 15
  speakers.
* 振兴社区's team pairs 7 of its members with the 7 empty-nest mothers
  (`PairingKind.EMPTY_NEST`) from Mother's Day.

What is distinct among "10名爱心妈妈", "55名“爱心妈妈”" and "300多名“爱心妈妈”": the 10 are part
of the 300-odd (they help left-behind children, the team's purpose, in the year the team was
formed), and their 10 children are among the 549; the 55 are a different organisation's (the
cabin, since 2013), they help poor children, and neither they nor their children are counted
in the 300-odd or the 549. So there are 318 + 55 = 373 caring mothers and 549 + 55 = 604
children in caring-mother pairings.

**Post–village pairs**: the 25 civilised posts of `places` ("25对岗村对子"), each paired since
early 2014 with a village (`POST_VILLAGES`, invented but for 旗国税局服务大厅's 联建村, which must
hold ten left-behind children: 德隆地村), with a visit about each quarter.

**Contacts and what is overdue on `TODAY`**: every pairing is visited on its first day and
then every 70–88 days, and (people) called every 24–30 days, until `TODAY`, so that it is not
late; some stopped earlier (invented): 25 of the 308 village caring mothers three or four
weeks after their first visit, 3 of the cabin's mothers in October or November, 1 empty-nest
volunteer in September or October, and 4 posts after a summer visit. Those pairings, and only
those, are overdue on `TODAY`.

**Assisted villages** (包联村, "新镇小大歹村、联合村、北大营子村"): three visits to each (April,
June, September: "先后三次深入"), with the needs heard there: 小大歹村's low-voltage line
(responsible 旗农电局, due 30 November 2014, in progress: overdue on `TODAY`) and drinking water
for people and livestock (旗水务局, due 30 June 2015, in progress); 北大营子村's office desks and
chairs and the yangko troupe's gongs, drums and cymbals (resolved in September: "已到位"); the
low-voltage line of 联合村 and 北大营子村, raised ("普遍反映") and open, with no decision. The
assisted-village relation itself (`AssistedVillage`, 旗妇联 from 2014-01-01) is recorded for
each. The executive members' visits "下基层、访妇情、办实事" are
four more village visits (villages and dates invented) with the need they heard
(work near home for left-behind women) and the summary's suggestions as decision; the one of
白音他拉苏木 was met by the weaving class of November.

**People added** (synthetic, like `jinguo.demo.people`, registered with their consent): the
318 + 88 caring mothers and cabin volunteers, 26 seminar members, 79 members of the other
teams, 93 women cadres and 6 former women cadres: 610. Their names, ID numbers and phones are
made by the maker of `jinguo.demo.people` (another seed, no ID number taken twice); none of it
is real. They have no household: the registry holds them as volunteers and cadres.

Left out: cumulative figures that are not 2014 activities (the cabin's donations since 2013 —
"239450万元" cannot be right and must be 239,450 yuan —, its clothes and grain, the 12,007 women
screened, the children's home of the Fourth Primary School and its equipment), the 2015 home of
伊拉麻图嘎查, and the loans, grants and works, which are programmes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jinguo.activities import services
from jinguo.activities.choices import (
    ActivityKind,
    ContactKind,
    Group,
    Headcount,
    HelpKind,
    MaterialKind,
    NeedCategory,
    NeedStatus,
    PairingKind,
    TeamFocus,
    VenueKind,
    VolunteerRole,
)
from jinguo.activities.models import (
    Activity,
    Attendance,
    Need,
    Pairing,
    PairingContact,
    ServiceRecord,
    VillageVisit,
    Volunteer,
    VolunteerTeam,
)
from jinguo.demo import people, places
from jinguo.demo import programmes as demo_programmes
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    Education,
    Hukou,
    Marital,
    Relation,
    Sex,
)
from jinguo.people.models import LeftBehindDetail, Membership, Person
from jinguo.people.services import (
    ConsentInput,
    Registration,
    id_index,
    person_prepare,
    person_register_many,
)
from jinguo.programmes.choices import OrganisationKind
from jinguo.programmes.models import Programme
from jinguo.programmes.services import organisation_get_or_create

SEED: Final = 2016  # `people` uses 2014 and `programmes` 2015
TODAY: Final = dt.date(2014, 12, 31)  # the demo's today; the same as `programmes.AS_OF`
D = dt.date

DAQIN_TOWN: Final = people.DAQIN_TOWN
DAQIN_STREET: Final = people.DAQIN_STREET

# --- the teams of `places` and their focus ----------------------------------------------------

LEGAL_TEAM: Final = "奈曼旗巾帼法律维权志愿服务队"
JUSTICE_TEAM: Final = "旗司法局巾帼普法志愿服务队"
STREET_TEAM: Final = "大沁他拉街道巾帼维权志愿服务队"
ZHENXING_TEAM: Final = "振兴社区巾帼志愿者服务队"
MCH_TEAM: Final = "旗妇幼保健所巾帼服务队"
CDC_TEAM: Final = "旗疾控中心巾帼志愿者服务队"
LAND_TAX_TEAM: Final = "旗地税局房产征收管理所巾帼服务队"
ART_TEAM: Final = "“春之声”女子艺术团"
CABIN_TEAM: Final = "大沁他拉镇“爱心小屋”义工队"
MOTHERS_TEAM: Final = "奈曼旗“爱心妈妈”志愿者队"
SEMINAR_TEAM: Final = "奈曼旗家庭教育宣讲志愿服务队"
GUIDE_MONGOL_TEAM: Final = "奈曼旗蒙古族幼儿园“3到6岁儿童成长发展指南”宣传志愿者队"
GUIDE_TOWN_TEAM: Final = "奈曼旗大沁他拉镇幼儿园“3到6岁儿童成长发展指南”宣传志愿者队"
SCIENCE_TEAM: Final = "奈曼旗巾帼科技致富志愿服务队"
WEAVING_TEAM: Final = "白音他拉苏木巾帼手工编织志愿服务队"

TEAM_FOCUS: Final[dict[str, str]] = {
    LEGAL_TEAM: TeamFocus.LEGAL_RIGHTS,
    JUSTICE_TEAM: TeamFocus.LEGAL_RIGHTS,
    STREET_TEAM: TeamFocus.LEGAL_RIGHTS,
    ZHENXING_TEAM: TeamFocus.AID,
    MCH_TEAM: TeamFocus.HEALTH,
    CDC_TEAM: TeamFocus.HEALTH,
    LAND_TAX_TEAM: TeamFocus.AID,
    ART_TEAM: TeamFocus.CULTURE,
    CABIN_TEAM: TeamFocus.AID,
    MOTHERS_TEAM: TeamFocus.AID,
    SEMINAR_TEAM: TeamFocus.FAMILY_EDUCATION,
    GUIDE_MONGOL_TEAM: TeamFocus.FAMILY_EDUCATION,
    GUIDE_TOWN_TEAM: TeamFocus.FAMILY_EDUCATION,
    SCIENCE_TEAM: TeamFocus.SCIENCE_TECHNOLOGY,
    WEAVING_TEAM: TeamFocus.SCIENCE_TECHNOLOGY,
}


@dataclass(frozen=True)
class TeamPlan:
    """The invented members of a small team: how many, where they live, what they do."""

    size: int
    township: str
    occupation: str
    speakers: int = 0  # members of the 巾帼宣讲团
    community: str = ""  # all in this community, if given


SMALL_TEAMS: Final[dict[str, TeamPlan]] = {
    LEGAL_TEAM: TeamPlan(6, DAQIN_STREET, "律师、法律工作者", speakers=2),
    JUSTICE_TEAM: TeamPlan(5, DAQIN_STREET, "旗司法局干部", speakers=3),
    STREET_TEAM: TeamPlan(5, DAQIN_STREET, "街道、社区干部"),
    ZHENXING_TEAM: TeamPlan(9, DAQIN_STREET, "社区居民", community="振兴社区"),
    MCH_TEAM: TeamPlan(8, DAQIN_STREET, "旗妇幼保健所医务人员", speakers=2),
    CDC_TEAM: TeamPlan(6, DAQIN_STREET, "旗疾控中心医务人员"),
    LAND_TAX_TEAM: TeamPlan(5, DAQIN_STREET, "旗地税局房产征收管理所干部"),
    ART_TEAM: TeamPlan(10, DAQIN_STREET, "文艺爱好者", speakers=1),
    GUIDE_MONGOL_TEAM: TeamPlan(6, DAQIN_STREET, "奈曼旗蒙古族幼儿园教师"),
    GUIDE_TOWN_TEAM: TeamPlan(6, DAQIN_STREET, "奈曼旗大沁他拉镇幼儿园教师"),
    SCIENCE_TEAM: TeamPlan(5, DAQIN_STREET, "旗农牧业局技术人员", speakers=2),
    WEAVING_TEAM: TeamPlan(8, "白音他拉苏木", "手工编织能手"),
}
TEAMS_JOINED: Final = (D(2012, 3, 5), D(2013, 12, 31))  # members of the teams opened in 2012

# --- figures of the summary ------------------------------------------------------------------

CROSS_STITCH_WOMEN: Final = 196  # "近200名农村妇女"
PIGEON_NEST_WOMEN: Final = 97  # "培训妇女近百人"
CADRES: Final = 93  # "共有90余名女干部参训"
CADRES_SECOND_DAY: Final = 91
CLINIC_WOMEN: Final = 156  # "使150多名妇女受益"
SEMINAR_MEMBERS: Final = 26  # "共吸纳26名…担任首批研讨会成员"
SEMINAR_TALKS: Final = 12  # "宣讲10余次"
SPEAKERS: Final = 15  # "15名首批“巾帼宣讲团”成员"
SEMINAR_SPEAKERS: Final = 5  # of them, members of the seminar
# "共发放宣传资料3万多份，接待来询群众50余人次": leaflets, consultations of women and others.
LEGAL_DAYS: Final = (
    ("3月维权周", 12_000, 17, 4),
    ("科技三下乡", 10_500, 12, 5),
    ("6.26禁毒日", 8_200, 9, 6),
)
PROPOSAL_LETTERS: Final = 3000  # "倡议书3000份"
AWARDED_COLLECTIVES: Final = 49
AWARDED_WOMEN: Final = 61
SAFE_FAMILY_SPENDING: Final = Decimal(10_000)  # "投入1万元"
EMPTY_NEST_GIFTS: Final = Decimal(1860)  # "总价值1800多元的慰问品"
POVERTY_DAY: Final = D(2014, 10, 17)
POVERTY_DAY_HELPED: Final = 41
POVERTY_DAY_FUNDS: Final = Decimal(61_000)  # "筹集资金6.1万元"
POVERTY_DAY_DONATIONS: Final = Decimal(13_450)  # "现场募捐13450元"
# "投入物资5万多元": the posts' outings, by post.
POST_OUTINGS: Final = (
    ("旗农电局营业厅", D(2014, 7, 22), Decimal(19_600)),
    ("旗医院妇产科", D(2014, 8, 14), Decimal(22_400)),
    ("旗疾控中心免疫规划科", D(2014, 9, 10), Decimal(10_300)),
)

MOTHERS: Final = 318  # "300多名“爱心妈妈”"
TAX_MOTHERS: Final = 10  # "10名爱心妈妈结对资助10名留守儿童"
CHILDREN_HELPED: Final = 549  # "使549名留守流动儿童受益"
HELPS: Final = 586  # "助教、助学、助养活动500余件"
CABIN_VOLUNTEERS: Final = 88  # "有88名义工志愿者"
CABIN_MOTHERS: Final = 55  # "其中55名“爱心妈妈”与贫困孩子结对帮扶"
EMPTY_NEST_MOTHERS: Final = people.EMPTY_NEST_MOTHERS  # 7

# Pairings that stopped before `TODAY` (invented), and so are overdue on it.
MOTHERS_LAPSED: Final = 25
CABIN_LAPSED: Final = 3
EMPTY_NEST_LAPSED: Final = 1
POSTS_LAPSED: Final = 4

CABIN_AID: Final = "大镇“爱心小屋”救助"
MOTHER_AIDS: Final = ("“爱心妈妈”结对帮扶", "“爱心妈妈”助学")
POVERTY_DAY_AID: Final = "“扶贫日”救助"
TAX_POST: Final = "旗国税局服务大厅"
TAX_VILLAGE: Final = (DAQIN_TOWN, "德隆地村")
TAX_PAIRED_ON: Final = D(2014, 4, 16)
# The team, formed in the autumn after the survey, paired after the National Day holiday; the
# cabin pairs its mothers and children for a school year, from the autumn term.
TEAM_PAIRED: Final = (D(2014, 10, 8), D(2014, 11, 7))
CABIN_PAIRED: Final = (D(2014, 9, 1), D(2014, 9, 12))
MOTHERS_DAY: Final = D(2014, 5, 11)

# "目前，我旗已组建25对岗村对子": each civilised post of `places` and its village.
POST_VILLAGES: Final[tuple[tuple[str, str, str], ...]] = (
    (TAX_POST, *TAX_VILLAGE),
    ("旗医院妇产科", "八仙筒镇", "黎明村"),
    ("旗妇幼保健所妇女保健科", "青龙山镇", "步步登高村"),
    ("旗农电局营业厅", "治安镇", "永红村"),
    ("旗疾控中心免疫规划科", "东明镇", "代筒村"),
    ("旗地税局办税服务厅", DAQIN_TOWN, "双合村"),
    ("旗法院立案大厅", "义隆永镇", "四家子村"),
    ("旗公安局户政服务大厅", "沙日浩来镇", "宝贝河村"),
    ("中国农业银行奈曼旗支行营业部", "固日班花苏木", "固日班花嘎查"),
    ("旗地税局房产征收管理所", DAQIN_TOWN, "先锋村"),
    ("旗政务服务中心", "明仁苏木", "明仁村"),
    ("旗检察院控告申诉科", "土城子乡", "成山村"),
    ("旗民政局婚姻登记处", "苇莲苏乡", "大林子村"),
    ("旗社会保险事业管理局服务大厅", "黄花塔拉苏木", "巴彦花嘎查"),
    ("旗工商局注册登记窗口", "白音他拉苏木", "包屯艾勒嘎查"),
    ("旗农村信用合作联社营业部", "八仙筒镇", "红升村"),
    ("中国邮政储蓄银行奈曼旗支行营业部", "新镇", "博等沟村"),
    ("旗新华书店门市部", "治安镇", "百家村"),
    ("旗图书馆借阅部", "东明镇", "协代村"),
    ("旗自来水公司营业厅", "沙日浩来镇", "北台子村"),
    ("旗移动公司营业厅", "义隆永镇", "福寿村"),
    ("旗就业服务局服务窗口", "六号农场", "一分场"),
    ("旗妇幼保健所儿童保健科", DAQIN_TOWN, "胜利村"),
    ("奈曼旗蒙古族幼儿园保教部", DAQIN_TOWN, "章古台嘎查"),
    ("大沁他拉镇第四小学教导处", DAQIN_TOWN, "兴隆地村"),
)
POSTS_PAIRED: Final = (D(2014, 1, 6), D(2014, 3, 7))

# 包联村: "先后三次深入包联村（新镇小大歹村、联合村、北大营子村）".
ASSISTED_TOWNSHIP: Final = "新镇"
ASSISTED_VILLAGES: Final = ("小大歹村", "联合村", "北大营子村")
ASSISTED_TRIPS: Final = (D(2014, 4, 16), D(2014, 6, 18), D(2014, 9, 24))
WORK_TEAM: Final = "旗妇联“三推进一促进”工作队"
# "下基层、访妇情、办实事": villages with many left-behind women, and the day of the visit.
OUTREACH: Final = (
    ("白音他拉苏木", "乌兰胡硕嘎查", D(2014, 5, 13), "发展“不离家、不离土”的手工编织"),
    ("青龙山镇", "莫家湾子村", D(2014, 6, 5), "发展庭院经济"),
    ("八仙筒镇", "代林筒村", D(2014, 7, 8), "发展有机绿色食品精加工"),
    ("沙日浩来镇", "南沟村", D(2014, 8, 19), "发展“不离家、不离土”的手工业"),
)

VOLUNTEER_SCOPE: Final = "姓名、身份证号码、联系电话：用于志愿者登记、志愿服务记录和结对帮扶联系"
REGISTRY_SCOPE: Final = people.REGISTRY_SCOPE

HELP_NOTES: Final[dict[str, tuple[tuple[str, int, int], ...]]] = {
    # help kind: (note, least value, most value) in yuan, steps of 10
    HelpKind.TUTORING: (("辅导作业", 0, 0), ("周末陪读、辅导功课", 0, 0), ("辅导语文、数学", 0, 0)),
    HelpKind.SCHOOL_COSTS: (
        ("资助学习用品", 100, 300),
        ("资助学杂费、资料费", 200, 600),
        ("购买书包、文具", 100, 200),
    ),
    HelpKind.DAILY_CARE: (
        ("送冬衣、棉鞋", 150, 400),
        ("带孩子理发、洗澡，缝补衣物", 0, 0),
        ("送米、面、油等生活用品", 100, 300),
    ),
}
HELP_HOURS: Final[dict[str, Decimal]] = {
    HelpKind.TUTORING: Decimal(3),
    HelpKind.SCHOOL_COSTS: Decimal(2),
    HelpKind.DAILY_CARE: Decimal("2.5"),
}


ZERO: Final = Decimal(0)

# --- invented dates, places and details -------------------------------------------------------

LOVE_CABIN_OPENED: Final = D(2013, 1, 15)  # as in the loader: "大镇“爱心小屋”建于2013年1月"
SEMINAR_FOUNDED: Final = D(2014, 3, 20)  # "3月份成立了全旗家庭教育研讨会"
SEMINAR_OCCUPATIONS: Final = (
    ("教师",) * 8
    + ("幼儿园教师",) * 4
    + ("心理咨询师",) * 3
    + ("退休教师",) * 2
    + ("机关干部",) * 3
    + ("社会爱心人士",) * 6
)
# The seminar's talks: day, where (kind of unit and names: a school, a township, a village or
# community), topic: six in schools, three in townships, three in villages and communities.
SEMINAR_TALK_PLAN: Final[tuple[tuple[dt.date, tuple[str, ...], str], ...]] = (
    (D(2014, 4, 11), (Kind.SCHOOL, "奈曼旗实验小学"), "如何与孩子有效沟通"),
    (D(2014, 4, 25), ("", "八仙筒镇"), "隔代教育的误区与对策"),
    (D(2014, 5, 16), ("", DAQIN_STREET, "振兴社区"), "好家风、好家教"),
    (D(2014, 5, 30), (Kind.SCHOOL, "奈曼旗蒙古族实验小学"), "关注留守儿童的心理健康"),
    (D(2014, 6, 13), ("", DAQIN_TOWN, "舍力虎村"), "培养孩子的好习惯"),
    (D(2014, 9, 12), (Kind.SCHOOL, "奈曼旗第一中学"), "青春期教育"),
    (D(2014, 9, 26), ("", "治安镇"), "科学育儿与早期教育"),
    (D(2014, 10, 24), (Kind.SCHOOL, "八仙筒镇中心小学"), "留守儿童的亲情陪伴"),
    (D(2014, 11, 7), ("", "黄花塔拉苏木", "伊拉麻图嘎查"), "隔代抚养与家庭教育"),
    (D(2014, 11, 21), (Kind.SCHOOL, "奈曼旗蒙古族中学"), "帮助孩子应对考试压力"),
    (D(2014, 12, 5), ("", "东明镇"), "家庭教育中的父母角色"),
    (D(2014, 12, 19), (Kind.SCHOOL, "青龙山镇中心小学"), "安全教育与自我保护"),
)
SPEAKERS_FOUNDED: Final = D(2014, 4, 23)
# The speakers' group: into an office, a school, a community, a village; the speakers' teams.
SPEAKER_TALK_PLAN: Final[tuple[tuple[dt.date, tuple[str, ...], str, tuple[str, ...]], ...]] = (
    (
        D(2014, 5, 22),
        (Kind.MEMBER_UNIT, "旗委宣传部"),
        "法律知识：妇女权益保障法",
        (JUSTICE_TEAM, LEGAL_TEAM),
    ),
    (D(2014, 6, 17), (Kind.SCHOOL, "奈曼旗职业中等专业学校"), "心理健康", (MCH_TEAM,)),
    (
        D(2014, 9, 18),
        ("", DAQIN_STREET, "团结社区"),
        "文明礼仪和家庭教育",
        (ART_TEAM, SEMINAR_TEAM),
    ),
    (D(2014, 10, 28), ("", "义隆永镇", "东义隆永村"), "农牧林科技和创业就业", (SCIENCE_TEAM,)),
)
WEAVING_WORKSHOP: Final = "通辽市跃达飞手工艺坊"
WEAVING_CLASS: Final = D(2014, 11, 12)  # "11月份"
POST_OUTING_DETAILS: Final = (
    (ActivityKind.PUBLICITY, "送科技书籍", "农牧业实用技术；安全用电知识"),
    (ActivityKind.FREE_CLINIC, "妇科免费义诊", "妇科常见病检查；健康咨询"),
    (ActivityKind.FREE_CLINIC, "送医送药、健康知识宣传", "传染病防治；预防接种知识"),
)
DOUBLE_NINTH: Final = D(2014, 10, 2)  # 重阳节
POVERTY_DAY_ORPHANS: Final = 6
SPRING_TOWNSHIP: Final = "青龙山镇"
SPRING_VISITS: Final = (
    ("下洼村", D(2014, 1, 22)),
    ("西地村", D(2014, 1, 22)),
    ("古庙子村", D(2014, 1, 23)),
)
OLD_CADRES_PER_VILLAGE: Final = 2
SAFE_FAMILY_VILLAGE: Final = "舍力虎村"
SAFE_FAMILY_DAY: Final = D(2014, 5, 28)
GUIDE_DAYS: Final = (D(2014, 4, 18), D(2014, 9, 19), D(2014, 11, 14))
CADRES_CLASS: Final = D(2014, 7, 15)  # "7月"
CADRES_PER_TOWNSHIP: Final = 5  # one township chair and four village chairs; the rest banner
CADRES_REGISTERED: Final = D(2014, 7, 10)
AUTUMN_TERM: Final = (D(2014, 8, 28), D(2014, 9, 10))
WINTER: Final = (D(2014, 12, 1), D(2014, 12, 24))
COMMUNITY_MOTHER_JOBS: Final = (("社区干部", 2), ("教师", 3), ("个体经营", 3), ("退休职工", 2))
VILLAGE_MOTHER_JOBS: Final = (("务农", 6), ("嘎查村妇联主席", 2), ("教师", 1), ("个体经营", 1))
HELP_WEIGHTS: Final = (
    (HelpKind.TUTORING, 40),
    (HelpKind.SCHOOL_COSTS, 35),
    (HelpKind.DAILY_CARE, 25),
)

TRIP_PURPOSES: Final = (
    "召集村两委班子会议，了解村情、存在的问题和下一步工作打算",
    "召开座谈会，深入探讨群众反映的问题和下一步工作重点",
    "跟踪落实帮扶事项",
)
TRIP_NOTES: Final = (
    "三个村老百姓普遍反映低压线路改造等问题。",
    "决定帮助小大歹村解决低压线路改造、人畜饮水工程两大难题，帮助北大营子村协调解决办公"
    "桌椅、秧歌队锣、鼓、镲等实际困难。",
    "北大营子村办公及活动用品已到位；正努力协调电力、水务等相关部门深入小大歹村开展前期工作。",
)
# village, need, category, decision, responsible, due, resolution (on the third trip)
ASSISTED_NEEDS: Final[tuple[tuple[str, str, str, str, str, dt.date | None, str], ...]] = (
    (
        "小大歹村",
        "低压线路改造",
        NeedCategory.POWER,
        "帮助小大歹村协调解决低压线路改造",
        "旗农电局（电力部门）",
        D(2014, 11, 30),
        "",
    ),
    (
        "小大歹村",
        "人畜饮水工程",
        NeedCategory.WATER,
        "帮助小大歹村协调解决人畜饮水工程",
        "旗水务局",
        D(2015, 6, 30),
        "",
    ),
    (
        "北大营子村",
        "村委会办公桌椅",
        NeedCategory.OFFICE,
        "帮助北大营子村协调解决办公桌椅",
        "旗妇联",
        D(2014, 10, 31),
        "办公桌椅已到位",
    ),
    (
        "北大营子村",
        "秧歌队锣、鼓、镲",
        NeedCategory.CULTURE,
        "帮助北大营子村协调解决秧歌队锣、鼓、镲",
        "旗妇联",
        D(2014, 10, 31),
        "锣、鼓、镲已到位",
    ),
    ("联合村", "低压线路改造", NeedCategory.POWER, "", "", None, ""),
    ("北大营子村", "低压线路改造", NeedCategory.POWER, "", "", None, ""),
)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of `day`, Beijing time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def activities_loaded() -> bool:
    return VolunteerTeam.objects.filter(unit__name=MOTHERS_TEAM).exists()


@dataclass(frozen=True)
class ActivitiesResult:
    """What `load` did. ``loaded`` is False when the activities were already there."""

    loaded: bool
    activities: int = 0
    attendance: int = 0
    people: int = 0
    volunteers: int = 0
    service_records: int = 0
    pairings: int = 0
    contacts: int = 0
    village_visits: int = 0
    needs: int = 0
    seconds: float = 0.0


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

    def days(self, least: int, most: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(least, most))


@dataclass(frozen=True)
class _Child:
    person: Person
    aid: str  # what her record says she had (`LeftBehindDetail.aid_received`)
    household: int


Help = tuple[dt.date, str, str, Decimal]  # day, help kind, note, value


@dataclass
class _Helper:
    """A volunteer to be paired with people: a caring mother and her children, or an
    empty-nest mother's volunteer."""

    key: str
    home: OrgUnit
    helped: list[Person]
    start: dt.date
    joined: dt.date
    stop: dt.date = TODAY  # the last day she did anything for them
    note: str = ""
    volunteer: Volunteer | None = None


class _Loader:
    def __init__(self) -> None:
        self.banner = OrgUnit.objects.get(code=places.COUNTY_CODE)
        self.federation = self.banner.children.get(kind=Kind.FEDERATION, closed_on__isnull=True)
        taken = Person.objects.exclude(id_number_index=None).values_list(
            "id_number_index", flat=True
        )
        self.m = _Maker(SEED, [index for index in taken if index])
        codes = [area.code for area in places.all_areas()]
        self.areas = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(code__in=codes, closed_on__isnull=True)
        }
        self.units = {
            (unit.kind, unit.name): unit
            for unit in OrgUnit.objects.subtree(self.banner)
            .filter(closed_on__isnull=True)
            .exclude(kind__in=[*places.AREA_KINDS, Kind.WOMENS_HOME])
        }
        self.teams: dict[str, VolunteerTeam] = {}
        self.members: dict[str, list[Volunteer]] = defaultdict(list)
        self.speakers: dict[str, list[Volunteer]] = defaultdict(list)
        self.plans: list[tuple[str, Registration]] = []
        self.new: dict[str, Person] = {}
        self.joining: list[tuple[str, str, dt.date, bool]] = []  # team, key, joined, speaker
        self.outings: dict[str, tuple[dt.date, str]] = {}  # post: day and what it did

    # --- looking things up ----------------------------------------------------------------

    def area(self, township: str, village: str | None = None) -> OrgUnit:
        if village is None:
            return self.areas[places.township_named(township).code]
        return self.areas[places.village_named(township, village).code]

    def villages_of(self, township: str) -> list[OrgUnit]:
        return [self.areas[area.code] for area in places.township_named(township).villages]

    def org(self, kind: str, name: str) -> OrgUnit:
        return self.units[(kind, name)]

    def member_unit(self, name: str) -> OrgUnit:
        return self.org(Kind.MEMBER_UNIT, name)

    def team_unit(self, name: str) -> OrgUnit:
        return self.org(Kind.VOLUNTEER_TEAM, name)

    def township_federation(self, township: str) -> OrgUnit:
        return self.org(Kind.FEDERATION, f"{township}妇联")

    def programme(self, name: str) -> Programme | None:
        return Programme.objects.filter(owner=self.banner, name=name).first()

    def seat_community(self) -> OrgUnit:
        return self.m.rng.choice(self.villages_of(DAQIN_STREET))

    def seat_home(self) -> OrgUnit:
        """A village of 大沁他拉镇 or a community of 大沁他拉街道."""
        return self.m.rng.choice(self.villages_of(DAQIN_TOWN) + self.villages_of(DAQIN_STREET))

    # --- new people -----------------------------------------------------------------------

    def plan_person(
        self,
        key: str,
        home: OrgUnit,
        registered_on: dt.date,
        occupation: str,
        *,
        sex: str = Sex.FEMALE,
        born: tuple[int, int] = (1962, 1988),
        educated: bool = False,
        notes: str = "",
        scope: str = VOLUNTEER_SCOPE,
    ) -> None:
        """A person to register, known afterwards as ``self.new[key]``."""
        m = self.m
        birth = m.born_in(m.rng.randint(*born))
        ethnicity = m.village_ethnicity(home.kind)
        name = m.name(ethnicity, sex, birth)
        if educated:
            education = str(
                m.weighted(
                    [(Education.COLLEGE, 45), (Education.BACHELOR, 45), (Education.SENIOR, 10)]
                )
            )
        else:
            education = m.adult_education() if birth.year > 1955 else m.elder_education()
        registration = person_prepare(
            actor=None,
            name=name,
            residence=home,
            sex=sex,
            birth_date=birth,
            id_number=m.id_number(birth, sex),
            phone=m.phone(),
            ethnicity=ethnicity,
            hukou=Hukou.URBAN if home.kind == Kind.COMMUNITY else Hukou.RURAL,
            education=education,
            marital_status=Marital.MARRIED if m.chance(0.9) else Marital.WIDOWED,
            occupation=occupation,
            notes=notes,
            consent=ConsentInput(
                purpose=ConsentPurpose.REGISTRY,
                scope=scope,
                given_by=ConsentGiver.SELF,
                giver_name=name,
                given_on=registered_on,
            ),
            id_holder=_nobody,  # the maker steers clear of every number already taken
        )
        self.plans.append((key, registration))

    def register_planned(self) -> int:
        chunk = 500
        for first in range(0, len(self.plans), chunk):
            part = self.plans[first : first + chunk]
            registered = person_register_many(
                actor=None, registrations=[registration for _, registration in part]
            )
            for (key, _), person in zip(part, registered, strict=True):
                self.new[key] = person
        count, self.plans = len(self.plans), []
        return count

    def plan_members(self) -> None:
        """Members of the twelve small teams and of the seminar."""
        m = self.m
        for team, plan in SMALL_TEAMS.items():
            for index in range(plan.size):
                key = f"{team}/{index}"
                joined = m.day_between(*TEAMS_JOINED)
                home = (
                    self.area(plan.township, plan.community)
                    if plan.community
                    else m.rng.choice(self.villages_of(plan.township))
                )
                self.plan_person(
                    key,
                    home,
                    joined,
                    plan.occupation,
                    born=(1958, 1990),
                    educated=team not in (ZHENXING_TEAM, ART_TEAM, WEAVING_TEAM),
                )
                self.joining.append((team, key, joined, index < plan.speakers))
        for index, occupation in enumerate(SEMINAR_OCCUPATIONS):
            key = f"{SEMINAR_TEAM}/{index}"
            self.plan_person(
                key,
                self.seat_home(),
                SEMINAR_FOUNDED - m.days(0, 20),
                occupation,
                sex=Sex.MALE if index % 7 == 3 else Sex.FEMALE,
                born=(1952, 1984),
                educated=occupation != "社会爱心人士",
                notes="全旗家庭教育研讨会首批成员",
            )
            self.joining.append((SEMINAR_TEAM, key, SEMINAR_FOUNDED, index < SEMINAR_SPEAKERS))

    def plan_cadres(self) -> None:
        """The women cadres of the July class, and the former women cadres of 青龙山镇."""
        m = self.m
        index = 0
        for township in places.TOWNSHIPS:
            if township.code not in self.areas:
                continue  # merged away
            for rank in range(CADRES_PER_TOWNSHIP):
                self.plan_person(
                    f"cadre/{index}",
                    m.rng.choice(self.villages_of(township.name)),
                    CADRES_REGISTERED,
                    f"{township.name}妇联主席" if rank == 0 else "嘎查村妇联主席",
                    born=(1965, 1988),
                    educated=rank == 0,
                    scope=REGISTRY_SCOPE,
                )
                index += 1
        while index < CADRES:
            self.plan_person(
                f"cadre/{index}",
                self.seat_community(),
                CADRES_REGISTERED,
                "旗直机关女干部",
                born=(1965, 1988),
                educated=True,
                scope=REGISTRY_SCOPE,
            )
            index += 1
        for village, _day in SPRING_VISITS:
            for number in range(OLD_CADRES_PER_VILLAGE):
                self.plan_person(
                    f"old-cadre/{village}/{number}",
                    self.area(SPRING_TOWNSHIP, village),
                    D(2014, 1, 15),
                    "务农",
                    born=(1936, 1950),
                    notes="老妇干（原村妇代会主任）",
                    scope=REGISTRY_SCOPE,
                )

    # --- volunteers -------------------------------------------------------------------------

    def load_teams(self) -> None:
        for name, focus in TEAM_FOCUS.items():
            unit = self.team_unit(name)
            self.teams[name] = services.team_profile_set(
                actor=None, unit=unit, focus=focus, founded_on=unit.opened_on
            )

    def join(self, team: str, key: str, joined: dt.date) -> Volunteer:
        volunteer = services.volunteer_add(
            actor=None,
            team=self.teams[team],
            person=self.new[key],
            start=joined,
            role=VolunteerRole.MEMBER if self.members[team] else VolunteerRole.LEADER,
        )
        self.members[team].append(volunteer)
        return volunteer

    def serve(
        self,
        volunteers: Iterable[Volunteer],
        on: dt.date,
        hours: Decimal | int | str,
        description: str,
        activity: Activity | None = None,
    ) -> None:
        for volunteer in volunteers:
            services.service_record(
                actor=None,
                volunteer=volunteer,
                on=on,
                hours=Decimal(hours),
                description=description,
                activity=activity,
            )

    # --- activities -------------------------------------------------------------------------

    def record(
        self,
        kind: str,
        title: str,
        day: dt.date,
        *,
        last_day: dt.date | None = None,
        hours: tuple[int, int] = (9, 16),
        owner: OrgUnit | None = None,
        headcount: str = Headcount.COUNTS,
        **fields: Any,
    ) -> Activity:
        """An activity; by default recorded by the county federation, names not taken."""
        return services.activity_record(
            actor=None,
            owner=owner or self.federation,
            kind=kind,
            title=title,
            start=at(day, hours[0]),
            end=at(last_day or day, hours[1]),
            headcount=headcount,
            **fields,
        )

    def attend(
        self, activity: Activity, attendees: Iterable[Person], day: dt.date | None = None
    ) -> None:
        for person in attendees:
            services.attendance_add(actor=None, activity=activity, person=person, day=day)

    def load_activities(self) -> None:
        self.load_economy()
        self.load_family_education()
        self.load_care()
        self.load_rights()
        self.load_volunteering()

    def load_economy(self) -> None:
        """致富创新建功: handicraft and domestic-service training, labour export, the posts."""
        self.record(
            ActivityKind.TRAINING,
            "女子手工编织（十字绣）培训班",
            D(2014, 5, 20),
            hours=(8, 17),
            place=self.area("六号农场"),
            address="六号农场场部会议室",
            venue_kind=VenueKind.OFFICE,
            topics="妇女创业就业政策；十字绣手工技能",
            audience="农村妇女",
            counts={Group.WOMEN: CROSS_STITCH_WOMEN},
            training=services.TrainingInput(
                curriculum="理论与实践相结合：宣传妇女创业就业政策，传授十字绣针法、配色和装裱",
                trainer="通辽市“十字绣”专家",
                hours=Decimal(7),
            ),
            outcome="近200名农村妇女接受了培训；同时寻找企业帮助妇女销售十字绣成品，"
            "以增加农村妇女的收入。",
        )
        workshop = organisation_get_or_create(
            actor=None, name=WEAVING_WORKSHOP, kind=OrganisationKind.ENTERPRISE
        )
        weaving = self.record(
            ActivityKind.TRAINING,
            "女子手工编织（鸽子窝编织）培训班",
            WEAVING_CLASS,
            hours=(8, 16),
            place=self.area("白音他拉苏木"),
            address="白音他拉苏木政府会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[
                self.township_federation("白音他拉苏木"),
                self.team_unit(WEAVING_TEAM),
            ],
            partners=[workshop],
            topics="鸽子窝编织技法；手工艺品销售",
            audience="农村牧区妇女",
            counts={Group.WOMEN: PIGEON_NEST_WOMEN},
            training=services.TrainingInput(
                curriculum="鸽子窝（草编）编织的选料、起底、编织和收口；成品的销售渠道",
                trainer=f"{WEAVING_WORKSHOP}经理",
                hours=Decimal(6),
            ),
            outcome="培训妇女近百人，反响热烈，激发了妇女们的创业热情。",
        )
        self.serve(
            self.members[WEAVING_TEAM], WEAVING_CLASS, 6, "协助鸽子窝编织培训，指导学员", weaving
        )
        school = self.org(Kind.SCHOOL, "奈曼旗职业中等专业学校")
        self.record(
            ActivityKind.TRAINING,
            "家政服务技能培训班",
            D(2014, 6, 10),
            last_day=D(2014, 6, 14),
            hours=(8, 17),
            place=school,
            venue_kind=VenueKind.SCHOOL,
            organisers=[
                self.member_unit("旗人力资源和社会保障局"),
                school,
                self.org(Kind.SERVICE_STATION, "奈曼旗巾帼家政服务中心"),
                self.org(Kind.TWO_NEW_ORG, "奈曼旗家洁美家政服务有限公司"),
            ],
            topics="家政服务技能；服务规范和职业道德",
            audience="巾帼家政服务中心及工作站的家政服务人员",
            training=services.TrainingInput(
                curriculum="家庭保洁、母婴护理、老人照护、家常烹饪；服务规范和职业道德",
                trainer="奈曼旗职业中等专业学校教师",
                hours=Decimal(36),
                assessment="技能考核",
            ),
            outcome="和就业局、职业中专联合加强家政服务技能培训，争取所有的家政服务人员都能"
            "持证上岗。",
        )
        self.record(
            ActivityKind.PUBLICITY,
            "劳务输出宣传活动",
            D(2014, 2, 10),
            place=self.area(DAQIN_TOWN),
            address="旗人力资源市场",
            venue_kind=VenueKind.OTHER,
            organisers=[self.member_unit("旗人力资源和社会保障局")],
            topics="外出务工政策、用工信息和维权常识",
            audience="农村牧区富余劳动力",
            outcome="积极开展劳务输出宣传活动；目前，外输内置务工人员3000余人。",
        )
        villages = {post: (township, village) for post, township, village in POST_VILLAGES}
        for (post, day, value), (kind, title, topics) in zip(
            POST_OUTINGS, POST_OUTING_DETAILS, strict=True
        ):
            village = self.area(*villages[post])
            self.record(
                kind,
                f"巾帼文明岗岗村联谊：{title}",
                day,
                owner=self.org(Kind.CIVILISED_POST, post),
                place=village,
                address=f"{village.name}妇女之家",
                venue_kind=VenueKind.VILLAGE,
                topics=topics,
                audience="农村牧区妇女",
                in_kind_value=value,
                outcome="岗村联谊，为农村牧区妇女送科技书籍、免费义诊；旗农电局、旗医院、"
                "疾控中心等文明岗共投入物资5万多元。",
            )
            self.outings[post] = (day, title)
        clinic = self.record(
            ActivityKind.VOLUNTEER_SERVICE,
            "巾帼服务队走进敬老院：慰问关爱及免费送医送药义诊",
            DOUBLE_NINTH,
            hours=(9, 12),
            place=self.area(DAQIN_TOWN),
            address="奈曼旗中心敬老院",
            venue_kind=VenueKind.OTHER,
            organisers=[self.team_unit(name) for name in (ART_TEAM, LAND_TAX_TEAM, MCH_TEAM)],
            topics="文艺演出；慰问关爱；免费体检，送医送药",
            audience="敬老院老人",
            outcome="“春之声”女子艺术团、地税局房产征收管理所、妇幼保健所等巾帼服务队走进"
            "敬老院开展慰问关爱及免费送医送药义诊活动。",
        )
        self.serve(self.members[ART_TEAM], DOUBLE_NINTH, 3, "为敬老院老人文艺演出", clinic)
        self.serve(self.members[LAND_TAX_TEAM], DOUBLE_NINTH, 3, "慰问敬老院老人", clinic)
        self.serve(self.members[MCH_TEAM][:4], DOUBLE_NINTH, 3, "为敬老院老人义诊、送药", clinic)

    def load_family_education(self) -> None:
        """The seminar, its talks, and the survey of left-behind children."""
        seminar = self.members[SEMINAR_TEAM]
        founding = self.record(
            ActivityKind.MEETING,
            "全旗家庭教育研讨会成立大会",
            SEMINAR_FOUNDED,
            hours=(9, 11),
            address="旗妇联会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[self.team_unit(SEMINAR_TEAM)],
            topics="聘任首批研讨会成员；研究全旗家庭教育宣传工作",
            audience="首批研讨会成员",
            headcount=Headcount.ATTENDANCE,
            outcome="通过各职能部门调研、推荐、征求意见等方式，共吸纳26名热心家庭教育工作的"
            "专家、教师和社会爱心人士担任首批研讨会成员。",
        )
        self.attend(founding, [volunteer.person for volunteer in seminar])
        for index, (day, where, topic) in enumerate(SEMINAR_TALK_PLAN):
            place, venue = self.venue(where)
            talk = self.record(
                ActivityKind.TALK,
                f"家庭教育宣讲：{topic}",
                day,
                hours=(14, 16),
                place=place,
                address=self.address(place, venue),
                venue_kind=venue,
                organisers=[self.team_unit(SEMINAR_TEAM)],
                topics=topic,
                audience="家长" if venue != VenueKind.OFFICE else "乡镇干部和家长",
                outcome="普及家庭教育知识，推广家庭教育的成功经验。",
            )
            speakers = [seminar[(2 * index) % SEMINAR_MEMBERS]]
            if index % 3 == 0:
                speakers.append(seminar[(2 * index + 1) % SEMINAR_MEMBERS])
            self.serve(speakers, day, 3, f"家庭教育宣讲：{topic}", talk)
        self.record(
            ActivityKind.FIELD_STUDY,
            "农村留守流动儿童心理、教育、生活问题调研",
            D(2014, 4, 1),
            last_day=people.COUNTED_ON,
            hours=(9, 17),
            address="全旗各苏木乡镇（街道）、嘎查村（社区）",
            venue_kind=VenueKind.VILLAGE,
            organisers=[self.member_unit("旗民政局"), self.member_unit("旗教育局")],
            topics="农村留守流动儿童的心理、教育、生活问题",
            audience="留守流动儿童及其监护人",
            outcome="形成了调研报告；全旗初步掌握留守儿童1355人。",
        )

    def venue(self, where: tuple[str, ...]) -> tuple[OrgUnit, str]:
        kind, *names = where
        if kind == Kind.SCHOOL:
            return self.org(Kind.SCHOOL, names[0]), VenueKind.SCHOOL
        if kind == Kind.MEMBER_UNIT:
            return self.member_unit(names[0]), VenueKind.OFFICE
        if len(names) == 1:
            return self.area(names[0]), VenueKind.OFFICE
        unit = self.area(names[0], names[1])
        return unit, VenueKind.COMMUNITY if unit.kind == Kind.COMMUNITY else VenueKind.VILLAGE

    def address(self, place: OrgUnit, venue: str) -> str:
        if venue in (VenueKind.VILLAGE, VenueKind.COMMUNITY):
            return f"{place.name}妇女之家"
        if place.kind in places.TOWNSHIP_LEVEL_KINDS:
            return f"{place.name}政府会议室"
        return f"{place.name}会议室"

    def load_care(self) -> None:
        """妇女儿童民生: the poverty day, the visits of 三八 and the Spring Festival, the
        fertiliser, and the trainings of the anaemia programme and the Development Programmes."""
        union = self.member_unit("旗总工会")
        poverty_day = self.record(
            ActivityKind.CEREMONY,
            "首个全国“扶贫日”公益活动",
            POVERTY_DAY,
            hours=(9, 11),
            place=self.area(DAQIN_TOWN),
            address="旗人民广场",
            venue_kind=VenueKind.OTHER,
            organisers=[self.member_unit("旗扶贫开发办公室"), self.team_unit(CABIN_TEAM)],
            topics="募集善款；救助孤残儿童、贫困学生、贫困残疾人等弱势群体",
            audience="受救助的弱势群体和社会各界",
            headcount=Headcount.ATTENDANCE,
            spending=POVERTY_DAY_FUNDS,
            outcome="筹集资金6.1万元救助了孤残儿童、贫困学生、贫困残疾人等弱势群体41名；"
            "现场募捐13450元，在公证人员的公证下交由大镇爱心小屋工作人员。",
        )
        self.attend(poverty_day, self.poverty_day_people())
        self.serve(
            self.members[CABIN_TEAM][CABIN_MOTHERS : CABIN_MOTHERS + 10],
            POVERTY_DAY,
            4,
            "“扶贫日”现场募捐和善款交接",
            poverty_day,
        )
        self.record(
            ActivityKind.VISIT,
            "“三八”节走访慰问老村妇代会主任",
            D(2014, 3, 6),
            organisers=[union],
            topics="走访慰问老村妇代会主任",
            audience="老村妇代会主任",
            outcome="旗妇联、旗总工会联合到部分老村妇代会主任家慰问，为她们每人送去500元慰问金。",
        )
        single_mothers = self.record(
            ActivityKind.CEREMONY,
            "“三八”节贫困单亲母亲救助金发放",
            demo_programmes.WOMENS_DAY - dt.timedelta(days=1),
            hours=(14, 16),
            address="旗妇联会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[union],
            programme=self.programme(demo_programmes.SINGLE_MOTHERS_AID),
            topics="为贫困单亲母亲发放救助金",
            audience="贫困单亲母亲",
            headcount=Headcount.ATTENDANCE,
            outcome="旗妇联、旗总工会联合为20名贫困单亲母亲发放救助金2万元（发放记录见项目"
            "“三八”节贫困单亲母亲救助）。",
        )
        self.attend(
            single_mothers,
            Person.objects.in_category(Category.SINGLE_MOTHER, demo_programmes.WOMENS_DAY)
            .filter(county_code=places.COUNTY_CODE)
            .order_by("pk"),
        )
        for village_name, day in SPRING_VISITS:
            village = self.area(SPRING_TOWNSHIP, village_name)
            elders = list(
                Person.objects.in_category(Category.CENTENARIAN, day)
                .filter(residence=village)
                .order_by("pk")
            ) + [
                self.new[f"old-cadre/{village_name}/{number}"]
                for number in range(OLD_CADRES_PER_VILLAGE)
            ]
            visit = self.record(
                ActivityKind.VISIT,
                f"春节送温暖走访慰问：{SPRING_TOWNSHIP}{village_name}",
                day,
                hours=(9, 12) if village_name != "西地村" else (14, 17),
                place=village,
                address=f"{SPRING_TOWNSHIP}{village_name}",
                venue_kind=VenueKind.VILLAGE,
                organisers=[self.township_federation(SPRING_TOWNSHIP)],
                topics="走访慰问百岁老人和老妇干",
                audience="百岁老人、老妇干",
                headcount=Headcount.ATTENDANCE,
                materials=[(MaterialKind.GIFT, len(elders), "面粉等生活用品（份）")],
                outcome="春节前夕开展送温暖走访慰问活动，为当地的百岁老人和老妇干们送去了"
                "面粉等生活用品。",
            )
            self.attend(visit, elders)
        poor_village = self.area(*people.POOR_VILLAGE)
        fertiliser = self.record(
            ActivityKind.VISIT,
            "深入包扶村黄花筒嘎查走访贫困户",
            demo_programmes.FERTILISER_ON,
            place=poor_village,
            address=f"{poor_village.name}各贫困户家",
            venue_kind=VenueKind.VILLAGE,
            organisers=[self.township_federation(people.POOR_VILLAGE[0])],
            programme=self.programme(demo_programmes.FERTILISER),
            topics="走访贫困户，送化肥",
            audience="贫困户",
            headcount=Headcount.ATTENDANCE,
            outcome="深入包扶村黄花筒嘎查13户贫困户家送去了1万元化肥（发放记录见项目"
            "包扶村化肥救助），解决了他们的燃眉之急。",
        )
        self.attend(
            fertiliser,
            Person.objects.in_category(Category.REGISTERED_POOR, demo_programmes.FERTILISER_ON)
            .filter(
                residence=poor_village,
                memberships__end__isnull=True,
                memberships__relation=Relation.HEAD,
            )
            .order_by("pk"),
        )
        self.record(
            ActivityKind.TRAINING,
            "“消除婴幼儿贫血行动”项目培训会",
            D(2014, 3, 18),
            hours=(9, 12),
            address="旗卫生和计划生育局会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[self.member_unit("旗卫生和计划生育局")],
            programme=self.programme(demo_programmes.ANAEMIA),
            topics="项目实施方案；营养包发放和随访；职责分工",
            audience="实施项目的乡镇和职责部门",
            training=services.TrainingInput(
                curriculum="项目实施方案、营养包发放和随访、数据统计和上报",
                trainer="旗卫生和计划生育局",
                hours=Decimal(3),
            ),
            outcome="对实施项目的乡镇和职责部门提出了具体要求；已落实旗、镇两级培训。",
        )
        self.record(
            ActivityKind.TRAINING,
            "旗妇儿工委成员单位信息员培训",
            D(2014, 6, 20),
            hours=(9, 12),
            address="旗妇联会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[self.member_unit("旗统计局")],
            topics="“新两规划”监测数据的采集和上报",
            audience="旗妇儿工委各成员单位信息员",
            training=services.TrainingInput(
                curriculum="“新两规划”监测指标、数据采集和上报",
                trainer="旗统计局",
                hours=Decimal(3),
            ),
            outcome="对旗妇儿工委各成员单位成员、信息员进行了重新调整和重点培训，落实了"
            "“新两规划”数据的采集和上报工作任务。",
        )

    def poverty_day_people(self) -> list[Person]:
        """41 people: the children whose record says they had 扶贫日 aid, then orphans, then
        disabled adults."""
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

    def load_rights(self) -> None:
        """维权: the legal training, the three publicity days, 平安家庭 in 舍力虎村."""
        justice = self.member_unit("旗司法局")
        training = self.record(
            ActivityKind.TRAINING,
            "妇女普法骨干培训班",
            D(2014, 4, 10),
            hours=(9, 16),
            address="旗妇联会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[justice],
            topics="“六五”普法；妇女权益保障法、婚姻法、反家庭暴力",
            audience="苏木乡镇（街道）妇联主席",
            training=services.TrainingInput(
                curriculum="妇女权益保障法、婚姻法、反家庭暴力；基层妇女维权工作方法",
                trainer="旗司法局",
                hours=Decimal(5),
            ),
            outcome="将妇女普法工作融入“六五”普法总体规划之中，开展了层层培训。",
        )
        self.serve(self.members[JUSTICE_TEAM][:2], D(2014, 4, 10), 5, "普法培训授课", training)
        details = {
            "3月维权周": (
                D(2014, 3, 3),
                D(2014, 3, 8),
                self.area(DAQIN_STREET),
                "旗人民广场",
                [justice, self.member_unit("旗法院")],
                "妇女权益保障法、婚姻法、反家庭暴力",
                [*self.members[LEGAL_TEAM], *self.members[STREET_TEAM]],
            ),
            "科技三下乡": (
                D(2014, 2, 18),
                D(2014, 2, 18),
                self.area("八仙筒镇"),
                "八仙筒镇集市",
                [self.member_unit("旗科学技术局"), justice],
                "妇女权益法律法规；农牧业实用技术",
                [*self.members[SCIENCE_TEAM], *self.members[JUSTICE_TEAM][:2]],
            ),
            "6.26禁毒日": (
                D(2014, 6, 26),
                D(2014, 6, 26),
                self.area(DAQIN_STREET),
                "旗人民广场",
                [self.member_unit("旗公安局"), justice],
                "禁毒法；远离毒品，保护家庭",
                self.members[JUSTICE_TEAM],
            ),
        }
        for name, leaflets, women, others in LEGAL_DAYS:
            first, last, place, address, organisers, topics, volunteers = details[name]
            day = self.record(
                ActivityKind.PUBLICITY,
                f"妇女权益法律法规宣传：{name}",
                first,
                last_day=last,
                place=place,
                address=address,
                venue_kind=VenueKind.OTHER,
                organisers=organisers,
                topics=topics,
                audience="城乡妇女和群众",
                counts={Group.WOMEN: women, Group.OTHER: others},
                materials=[(MaterialKind.LEAFLET, leaflets, "妇女权益法律法规宣传资料")],
                outcome=f"发放宣传资料{leaflets}份，接待来询群众{women + others}人次。",
            )
            self.serve(volunteers, last, 5, f"法律宣传咨询：{name}", day)

        village = self.area(DAQIN_TOWN, SAFE_FAMILY_VILLAGE)
        villagers = list(
            Person.objects.filter(
                residence=village,
                merged_into__isnull=True,
                birth_date__lte=D(1996, 5, 28),
            )
            .exclude(occupation="外出务工")
            .exclude(pk__in=[person.pk for person in self.new.values()])
            .order_by("pk")
        )
        organisers = [self.township_federation(DAQIN_TOWN), justice]
        ceremony = self.record(
            ActivityKind.CEREMONY,
            "争创“平安家庭”签名仪式",
            SAFE_FAMILY_DAY,
            hours=(9, 11),
            place=village,
            address=f"{village.name}妇女之家",
            venue_kind=VenueKind.VILLAGE,
            organisers=organisers,
            topics="创建平安家庭“双百佳”示范村；争创平安家庭签名",
            audience=f"{village.name}村民",
            headcount=Headcount.ATTENDANCE,
            spending=SAFE_FAMILY_SPENDING,
            outcome="投入1万元，在大镇舍力虎村建立了创建平安家庭“双百佳”示范村，开展了"
            "争创平安家庭签名仪式。",
        )
        self.attend(ceremony, villagers)
        course = self.record(
            ActivityKind.TRAINING,
            "法律知识及道德建设、家庭教育知识培训班",
            SAFE_FAMILY_DAY,
            hours=(14, 17),
            place=village,
            address=f"{village.name}妇女之家",
            venue_kind=VenueKind.VILLAGE,
            organisers=organisers,
            topics="法律知识；道德建设；家庭教育知识",
            audience=f"{village.name}村民",
            headcount=Headcount.ATTENDANCE,
            training=services.TrainingInput(
                curriculum="法律知识、道德建设、家庭教育知识",
                trainer="旗司法局、全旗家庭教育研讨会",
                hours=Decimal(3),
            ),
            outcome="举办了1期法律知识及道德建设、家庭教育知识培训班。",
        )
        self.attend(course, [person for index, person in enumerate(villagers) if index % 4 != 3])
        self.serve(self.members[JUSTICE_TEAM][2:4], SAFE_FAMILY_DAY, 3, "平安家庭培训授课", course)

    def load_volunteering(self) -> None:
        """女性素质提升: awards, 最美家庭, the speakers, the free clinic and volunteer service,
        the empty-nest mothers, the women cadres' class."""
        self.record(
            ActivityKind.CEREMONY,
            "全旗妇女工作先进集体和先进个人表彰大会",
            D(2014, 3, 7),
            hours=(9, 11),
            address="旗政府礼堂",
            venue_kind=VenueKind.OFFICE,
            topics="表彰为全旗经济社会发展作出突出贡献的妇女工作先进集体和先进个人",
            audience="受表彰的先进集体和先进个人",
            outcome=f"以旗委、政府的名义表彰妇女工作先进集体{AWARDED_COLLECTIVES}个，"
            f"先进个人{AWARDED_WOMEN}名。",
        )
        self.record(
            ActivityKind.PUBLICITY,
            "寻找“最美家庭”活动宣传",
            D(2014, 5, 15),
            place=self.area(DAQIN_STREET),
            address="旗人民广场",
            venue_kind=VenueKind.OTHER,
            organisers=[self.member_unit("旗委宣传部")],
            topics="寻找“最美家庭”；“五好文明家庭”创建",
            audience="全旗家庭",
            materials=[(MaterialKind.LETTER, PROPOSAL_LETTERS, "“最美家庭”共享幸福生活倡议书")],
            outcome="共发放“最美家庭”共享幸福生活倡议书3000份。",
        )
        founding = self.record(
            ActivityKind.CEREMONY,
            "“巾帼宣讲团”成立暨首批成员聘任仪式",
            SPEAKERS_FOUNDED,
            hours=(9, 11),
            address="旗妇联会议室",
            venue_kind=VenueKind.OFFICE,
            topics="聘任首批“巾帼宣讲团”成员；部署主题宣讲",
            audience="首批“巾帼宣讲团”成员",
            headcount=Headcount.ATTENDANCE,
            outcome="组织15名首批“巾帼宣讲团”成员定期或不定期地进机关、进学校、进社区、"
            "进村屯，开展法律知识、家庭教育、文明礼仪、心理健康、农牧林科技、创业就业等"
            "主题宣讲。",
        )
        speakers = [volunteer for team in self.speakers.values() for volunteer in team]
        self.attend(founding, [volunteer.person for volunteer in speakers])
        for day, where, topic, teams in SPEAKER_TALK_PLAN:
            place, venue = self.venue(where)
            talk = self.record(
                ActivityKind.TALK,
                f"巾帼宣讲：{topic}",
                day,
                hours=(14, 16),
                place=place,
                address=self.address(place, venue),
                venue_kind=venue,
                topics=topic,
                audience="机关干部" if venue == VenueKind.OFFICE else "妇女群众",
                outcome="弘扬“四自”精神、践行核心价值观，传播正能量。",
            )
            self.serve(
                [self.speakers[team][0] for team in teams], day, 3, f"巾帼宣讲：{topic}", talk
            )

        mch = self.members[MCH_TEAM]
        clinic = self.record(
            ActivityKind.FREE_CLINIC,
            "“三八”节送医送药免费义诊",
            demo_programmes.WOMENS_DAY,
            hours=(8, 12),
            place=self.area(DAQIN_STREET),
            address="奈曼旗妇幼保健所门前广场",
            venue_kind=VenueKind.OTHER,
            organisers=[self.team_unit(MCH_TEAM), self.org(Kind.CLINIC, "奈曼旗妇幼保健所")],
            topics="妇女常见病检查；送医送药",
            audience="城乡妇女",
            counts={Group.WOMEN: CLINIC_WOMEN},
            outcome="旗妇联、旗妇幼保健所巾帼服务队联合开展送医送药免费义诊活动，使150多名"
            "妇女受益。",
        )
        self.serve(mch, demo_programmes.WOMENS_DAY, 4, "“三八”节义诊、送药", clinic)
        lecture = self.record(
            ActivityKind.TALK,
            "女性健康知识讲座",
            demo_programmes.WOMENS_DAY,
            hours=(14, 16),
            place=self.area(DAQIN_STREET),
            address="奈曼旗妇幼保健所会议室",
            venue_kind=VenueKind.OFFICE,
            organisers=[self.team_unit(MCH_TEAM)],
            topics="预防妇女常见疾病；“两癌”筛查",
            audience="城乡妇女",
            outcome="增强了妇女预防常见疾病的意识，赢得了群众对妇联工作的了解和支持。",
        )
        self.serve(self.speakers[MCH_TEAM][:1], demo_programmes.WOMENS_DAY, 2, "健康讲座", lecture)

        zhenxing = self.members[ZHENXING_TEAM]
        mothers = self.empty_nest_mothers()
        empty_nest = self.record(
            ActivityKind.VISIT,
            "关爱“空巢母亲”志愿服务活动",
            MOTHERS_DAY,
            hours=(9, 12),
            owner=self.township_federation(DAQIN_STREET),
            place=self.area(DAQIN_STREET),
            address="大沁他拉街道各社区空巢母亲家",
            venue_kind=VenueKind.COMMUNITY,
            organisers=[self.team_unit(ZHENXING_TEAM)],
            topics="巾帼志愿者与“空巢母亲”结对帮扶；送慰问品",
            audience="空巢母亲",
            headcount=Headcount.ATTENDANCE,
            in_kind_value=EMPTY_NEST_GIFTS,
            materials=[(MaterialKind.GIFT, len(mothers), "慰问品（份）")],
            outcome="组织巾帼志愿者与7位“空巢母亲”结对帮扶，为她们送去了总价值1800多元的慰问品。",
        )
        self.attend(empty_nest, mothers)
        self.serve(zhenxing[:EMPTY_NEST_MOTHERS], MOTHERS_DAY, 3, "走访慰问“空巢母亲”", empty_nest)
        cdc = self.record(
            ActivityKind.FREE_CLINIC,
            "巾帼志愿者到大镇敬老院慰问义诊",
            D(2014, 6, 12),
            hours=(9, 12),
            owner=self.team_unit(CDC_TEAM),
            place=self.area(DAQIN_TOWN),
            address="大沁他拉镇敬老院",
            venue_kind=VenueKind.OTHER,
            organisers=[self.org(Kind.CLINIC, "奈曼旗疾病预防控制中心")],
            topics="健康检查；送医送药送健康",
            audience="敬老院老人",
            outcome="旗疾控中心巾帼志愿者们到大镇敬老院开展慰问义诊活动，为老人们送医送药送健康。",
        )
        self.serve(self.members[CDC_TEAM], D(2014, 6, 12), 4, "敬老院慰问义诊", cdc)
        barbers = zhenxing[EMPTY_NEST_MOTHERS:]
        haircut = self.record(
            ActivityKind.VOLUNTEER_SERVICE,
            "巾帼志愿者上门为行动不便的老人理发",
            D(2014, 3, 5),
            hours=(9, 12),
            owner=self.team_unit(ZHENXING_TEAM),
            place=self.area(DAQIN_STREET, "振兴社区"),
            address="振兴社区居民家中",
            venue_kind=VenueKind.COMMUNITY,
            topics="上门理发",
            audience="行动不便的老人",
            outcome="振兴社区“巾帼志愿者服务队”到居民家中为行动不便的老人们上门理发。",
        )
        self.serve(barbers, D(2014, 3, 5), 3, "上门为行动不便的老人理发", haircut)
        for month in range(4, 13):
            self.serve(barbers, D(2014, month, 5), 3, "上门为行动不便的老人理发")
        for team in (GUIDE_MONGOL_TEAM, GUIDE_TOWN_TEAM):
            for day in GUIDE_DAYS:
                self.serve(self.members[team], day, 2, "向家长宣传《3—6岁儿童学习与发展指南》")
        m = self.m
        for volunteer in self.members[CABIN_TEAM][CABIN_MOTHERS:]:
            self.serve(
                [volunteer],
                m.day_between(max(volunteer.start, D(2014, 1, 6)), D(2014, 6, 30)),
                3,
                "整理、登记和发放捐赠衣物",
            )
            self.serve(
                [volunteer],
                m.day_between(D(2014, 7, 1), D(2014, 12, 20)),
                3,
                "入户走访救助对象",
            )

        cadres = [self.new[f"cadre/{index}"] for index in range(CADRES)]
        class_ = self.record(
            ActivityKind.TRAINING,
            "全旗女干部培训班",
            CADRES_CLASS,
            last_day=CADRES_CLASS + dt.timedelta(days=1),
            hours=(8, 17),
            place=self.area(DAQIN_TOWN),
            address="旗委党校；第二天到白音他拉苏木实地考察",
            venue_kind=VenueKind.OFFICE,
            topics="新时期理论知识；实地考察白音他拉苏木妇女工作",
            audience="全旗女干部",
            headcount=Headcount.ATTENDANCE,
            training=services.TrainingInput(
                curriculum="第一天学习新时期理论知识；第二天到白音他拉苏木实地考察当地妇女"
                "工作开展情况",
                trainer="旗委党校教师",
                hours=Decimal(14),
            ),
            outcome="共有90余名女干部参训；边走边看边学习的培训方式很受参训人员的欢迎。",
        )
        self.attend(class_, cadres, CADRES_CLASS)
        self.attend(class_, cadres[:CADRES_SECOND_DAY], CADRES_CLASS + dt.timedelta(days=1))

    def empty_nest_mothers(self) -> list[Person]:
        return list(
            Person.objects.filter(
                county_code=places.COUNTY_CODE,
                residence__parent=self.area(DAQIN_STREET),
                categories__category=Category.EMPTY_NEST_ELDERLY,
            )
            .distinct()
            .order_by("pk")
        )

    # --- pairings ---------------------------------------------------------------------------

    def left_behind_children(self) -> list[_Child]:
        """Left-behind children who still are at the end of 2014, in a fixed order."""
        details = (
            LeftBehindDetail.objects.filter(
                period__category=Category.LEFT_BEHIND_CHILD,
                period__start__lte=TEAM_PAIRED[0],
                period__person__county_code=places.COUNTY_CODE,
                period__person__merged_into__isnull=True,
            )
            .filter(Q(period__end__isnull=True) | Q(period__end__gt=TODAY))
            .select_related("period__person__residence")
            .order_by(
                "period__person__residence__code",
                "period__person__birth_date",
                "period__person__pk",
            )
        )
        found = [(detail.period.person, detail.aid_received) for detail in details]
        households = dict(
            Membership.objects.filter(
                person_id__in=[person.pk for person, _ in found], end__isnull=True
            ).values_list("person_id", "household_id")
        )
        children: dict[int, _Child] = {}
        for person, aid in found:
            household = households.get(person.pk, -person.pk)
            children.setdefault(person.pk, _Child(person, aid, household))
        return list(children.values())

    def choose_children(
        self, children: list[_Child]
    ) -> tuple[list[_Child], list[_Child], list[list[_Child]]]:
        """The cabin's 55, the tax post's 10, and the team's other 539 by household."""
        seat = {self.area(DAQIN_TOWN).pk, self.area(DAQIN_STREET).pk}
        cabin = sorted(
            (child for child in children if child.aid == CABIN_AID),
            key=lambda child: child.person.residence.parent_id not in seat,
        )[:CABIN_MOTHERS]
        if len(cabin) < CABIN_MOTHERS:
            raise RuntimeError(f"only {len(cabin)} children with 爱心小屋 aid")
        taken = {child.person.pk for child in cabin}
        tax_village = self.area(*TAX_VILLAGE)
        tax = [
            child
            for child in children
            if child.person.residence_id == tax_village.pk and child.person.pk not in taken
        ][:TAX_MOTHERS]
        if len(tax) < TAX_MOTHERS:
            raise RuntimeError(f"only {len(tax)} left-behind children in {TAX_VILLAGE[1]}")
        taken |= {child.person.pk for child in tax}

        households: dict[int, list[_Child]] = {}
        for child in children:
            if child.person.pk not in taken:
                households.setdefault(child.household, []).append(child)
        flagged = [
            group for group in households.values() if any(c.aid in MOTHER_AIDS for c in group)
        ]
        others = [
            group for group in households.values() if not any(c.aid in MOTHER_AIDS for c in group)
        ]
        self.m.rng.shuffle(flagged)
        self.m.rng.shuffle(others)
        wanted = CHILDREN_HELPED - TAX_MOTHERS
        chosen: list[list[_Child]] = []
        total = 0
        for group in flagged + others:
            if total + len(group) <= wanted:
                chosen.append(group)
                total += len(group)
            if total == wanted:
                break
        if total != wanted:
            raise RuntimeError(f"only {total} left-behind children for the caring mothers")
        return cabin, tax, chosen

    def share_out(self, groups: list[list[_Child]]) -> list[list[_Child]]:
        """Brothers and sisters go to one mother; children on their own go two to a mother
        (of one village if it can be, else of one township) until there are as many groups
        as mothers. A mother lives in the village of the first of her children."""
        shared = sorted(
            (list(group) for group in groups),
            key=lambda g: (g[0].person.residence.code, g[0].person.pk),
        )
        excess = len(shared) - (MOTHERS - TAX_MOTHERS)
        if excess < 0:
            raise RuntimeError("more caring mothers than groups of children")
        for same in (_village_of, _township_of):
            waiting: dict[int, list[_Child]] = {}
            for group in list(shared):
                if not excess:
                    break
                if len(group) != 1:
                    continue
                key = same(group[0])
                if key in waiting:
                    waiting.pop(key).extend(group)
                    shared.remove(group)
                    excess -= 1
                else:
                    waiting[key] = group
        if excess:
            raise RuntimeError("cannot share the children out among the caring mothers")
        return shared

    def plan_mothers(
        self, cabin: list[_Child], tax: list[_Child], groups: list[list[_Child]]
    ) -> tuple[list[_Helper], list[_Helper], list[_Helper]]:
        """The caring mothers of the tax post, of the team and of the cabin, and the cabin's
        other volunteers."""
        m = self.m
        tax_mothers = []
        for index, child in enumerate(tax):
            mother = _Helper(
                f"tax/{index}",
                self.seat_community(),
                [child.person],
                TAX_PAIRED_ON,
                TAX_PAIRED_ON - m.days(3, 10),
                note=f"{TAX_POST}“爱心妈妈”结对资助联建村留守儿童",
            )
            tax_mothers.append(mother)
        team_mothers = []
        for index, group in enumerate(groups):
            home = group[0].person.residence
            start = m.day_between(*TEAM_PAIRED)
            team_mothers.append(
                _Helper(
                    f"team/{index}",
                    home,
                    [child.person for child in group],
                    start,
                    start - m.days(0, 10),
                    note="“爱心妈妈”结对帮扶留守儿童：助教、助学、助养",
                )
            )
        early = [mother for mother in team_mothers if mother.start <= D(2014, 10, 25)]
        for mother in m.rng.sample(early, MOTHERS_LAPSED):
            mother.stop = mother.start + m.days(20, 28)  # a visit, a call, and nothing since
        cabin_mothers = []
        for index, child in enumerate(cabin):
            start = m.day_between(*CABIN_PAIRED)
            cabin_mothers.append(
                _Helper(
                    f"cabin/{index}",
                    self.seat_home(),
                    [child.person],
                    start,
                    m.day_between(LOVE_CABIN_OPENED, start - dt.timedelta(days=7)),
                    note="大镇“爱心小屋”“爱心妈妈”与贫困孩子结对帮扶",
                )
            )
        for mother in m.rng.sample(cabin_mothers, CABIN_LAPSED):
            mother.stop = m.day_between(D(2014, 10, 10), D(2014, 11, 20))

        for mother in tax_mothers:
            self.plan_person(mother.key, mother.home, mother.joined, "旗国税局干部", educated=True)
        for mother in team_mothers:
            community = mother.home.kind == Kind.COMMUNITY
            jobs = COMMUNITY_MOTHER_JOBS if community else VILLAGE_MOTHER_JOBS
            self.plan_person(mother.key, mother.home, mother.joined, str(m.weighted(jobs)))
        for mother in cabin_mothers:
            self.plan_person(mother.key, mother.home, mother.joined, "爱心小屋义工")
        for index in range(CABIN_VOLUNTEERS - CABIN_MOTHERS):
            key = f"cabin-other/{index}"
            joined = m.day_between(LOVE_CABIN_OPENED, D(2014, 6, 30))
            self.plan_person(
                key,
                self.seat_home(),
                joined,
                "爱心小屋义工",
                sex=Sex.MALE if index % 4 == 1 else Sex.FEMALE,
                born=(1956, 1994),
            )
            self.joining.append((CABIN_TEAM, key, joined, False))
        return tax_mothers, team_mothers, cabin_mothers

    def contact_days(
        self, start: dt.date, stop: dt.date, *, calls: bool = True
    ) -> list[tuple[dt.date, str]]:
        """A visit on the first day and then about each quarter, a call about each month,
        until `stop`: on time for the usual cadence (a call a month, a visit a quarter)."""
        m = self.m
        days = [(start, str(ContactKind.VISIT))]
        day = start + m.days(70, 88)
        while day <= stop:
            days.append((day, ContactKind.VISIT))
            day += m.days(70, 88)
        if calls:
            day = start + m.days(6, 24)
            while day <= stop:
                days.append((day, ContactKind.CALL))
                day += m.days(24, 30)
        return days

    def help(self, on: dt.date, kind: str | None = None) -> Help:
        m = self.m
        if kind is None:
            kind = str(m.weighted(HELP_WEIGHTS))
        note, least, most = m.rng.choice(HELP_NOTES[kind])
        return on, kind, note, Decimal(m.rng.randint(least // 10, most // 10) * 10)

    def pair(
        self, helper: _Helper, helps: dict[int, list[Help]], *, kind: str, notes: dict[dt.date, str]
    ) -> None:
        """Her pairings, their calls and visits (one schedule for all she helps) and the help
        she gave, each help also an entry of her service hours."""
        volunteer = helper.volunteer
        assert volunteer is not None  # noqa: S101 - joined before pairing
        days = self.contact_days(helper.start, helper.stop)
        for person in helper.helped:
            pairing = services.pairing_create(
                actor=None,
                kind=kind,
                start=helper.start,
                helper_person=volunteer.person,
                helped_person=person,
                note=helper.note,
            )
            events: list[tuple[dt.date, str, str, str, Decimal]] = [
                (on, contact, "", notes.get(on, "") if contact == ContactKind.VISIT else "", ZERO)
                for on, contact in days
            ]
            events += [
                (on, ContactKind.HELP, help_kind, note, value)
                for on, help_kind, note, value in helps.get(person.pk, [])
            ]
            for on, contact, help_kind, note, value in sorted(events, key=lambda e: e[0]):
                services.contact_record(
                    actor=None,
                    pairing=pairing,
                    on=on,
                    kind=contact,
                    help_kind=help_kind,
                    value=value,
                    note=note,
                )
                if contact == ContactKind.HELP:
                    label = HelpKind(help_kind).label
                    self.serve(
                        [volunteer], on, HELP_HOURS[help_kind], f"{label}：{note}（{person.name}）"
                    )

    def load_caring_mothers(
        self, tax: list[_Helper], team: list[_Helper], cabin: list[_Helper]
    ) -> None:
        m = self.m
        # Help given: one to each of the team's 549 children, a second to some (500-odd).
        helps: dict[int, list[Help]] = defaultdict(list)
        for mother in tax:
            child = mother.helped[0].pk
            helps[child].append(self.help(m.day_between(*AUTUMN_TERM), HelpKind.SCHOOL_COSTS))
            helps[child].append(self.help(m.day_between(*WINTER), HelpKind.DAILY_CARE))
        for mother in team:
            for person in mother.helped:
                helps[person.pk].append(self.help(min(mother.start + m.days(0, 30), mother.stop)))
        steady = [person for mother in team if mother.stop == TODAY for person in mother.helped]
        for person in m.rng.sample(steady, HELPS - CHILDREN_HELPED - TAX_MOTHERS):
            helps[person.pk].append(self.help(m.day_between(*WINTER), HelpKind.DAILY_CARE))
        for mother in cabin:
            child = mother.helped[0].pk
            helps[child].append(self.help(mother.start + m.days(0, 15), HelpKind.SCHOOL_COSTS))
            if mother.stop == TODAY and m.chance(0.6):
                helps[child].append(self.help(m.day_between(*WINTER), HelpKind.DAILY_CARE))
        for mother in tax + team + cabin:
            self.pair(mother, helps, kind=PairingKind.CARING_MOTHER, notes={})

    def load_empty_nest(self) -> None:
        """振兴社区's volunteers and the empty-nest mothers, from Mother's Day."""
        m = self.m
        volunteers = self.members[ZHENXING_TEAM][:EMPTY_NEST_MOTHERS]
        helpers = [
            _Helper(
                f"empty-nest/{index}",
                volunteer.person.residence,
                [mother],
                MOTHERS_DAY,
                volunteer.start,
                note="大沁他拉街道妇联关爱“空巢母亲”：巾帼志愿者结对帮扶",
                volunteer=volunteer,
            )
            for index, (volunteer, mother) in enumerate(
                zip(volunteers, self.empty_nest_mothers(), strict=True)
            )
        ]
        for helper in m.rng.sample(helpers, EMPTY_NEST_LAPSED):
            helper.stop = m.day_between(D(2014, 9, 15), D(2014, 10, 20))
        for helper in helpers:
            mother = helper.helped[0].pk
            helps = {
                mother: [
                    self.help(day, HelpKind.DAILY_CARE)
                    for day in (
                        m.day_between(D(2014, 7, 1), D(2014, 8, 31)),
                        m.day_between(*WINTER),
                    )
                    if day <= helper.stop
                ]
            }
            self.pair(
                helper,
                helps,
                kind=PairingKind.EMPTY_NEST,
                notes={MOTHERS_DAY: "母亲节走访慰问，送慰问品"},
            )

    def load_posts(self) -> None:
        """The 25 civilised posts and their villages, a visit about each quarter."""
        m = self.m
        busy = {TAX_POST, *self.outings}
        lapsed = set(
            m.rng.sample([post for post, *_ in POST_VILLAGES if post not in busy], POSTS_LAPSED)
        )
        for post, township, village in POST_VILLAGES:
            start = m.day_between(*POSTS_PAIRED)
            stop = m.day_between(D(2014, 6, 10), D(2014, 9, 20)) if post in lapsed else TODAY
            pairing = services.pairing_create(
                actor=None,
                kind=PairingKind.POST_VILLAGE,
                start=start,
                helper_unit=self.org(Kind.CIVILISED_POST, post),
                helped_unit=self.area(township, village),
                note="岗村共建：送理念、送服务、送科技、送教育、送健康",
            )
            notes = {start: "岗村结对，座谈了解村情和妇女需求"}
            if post in self.outings:
                day, title = self.outings[post]
                notes[day] = f"岗村联谊：{title}"
            if post == TAX_POST:
                notes[TAX_PAIRED_ON] = "为联建村办好事：10名爱心妈妈结对资助10名留守儿童"
            days = {day for day, _ in self.contact_days(start, stop, calls=False)} | set(notes)
            for day in sorted(days):
                services.contact_record(
                    actor=None,
                    pairing=pairing,
                    on=day,
                    kind=ContactKind.VISIT,
                    note=notes.get(day, "走访联建村"),
                )

    # --- villages ---------------------------------------------------------------------------

    def load_villages(self) -> None:
        """The three assisted villages, their visits and needs; the executive members' visits."""
        for name in ASSISTED_VILLAGES:
            services.assisted_village_add(
                actor=None,
                village=self.area(ASSISTED_TOWNSHIP, name),
                assisting_unit=self.federation,
                start=dt.date(2014, 1, 1),
                lead=WORK_TEAM,
            )
        visits: dict[tuple[str, int], VillageVisit] = {}
        for trip, (day, purpose) in enumerate(zip(ASSISTED_TRIPS, TRIP_PURPOSES, strict=True)):
            for name in ASSISTED_VILLAGES:
                visits[(name, trip)] = services.village_visit_record(
                    actor=None,
                    village=self.area(ASSISTED_TOWNSHIP, name),
                    on=day,
                    visitors=WORK_TEAM,
                    purpose=purpose,
                    notes=TRIP_NOTES[trip],
                )
        for name, title, category, decision, responsible, due_on, resolution in ASSISTED_NEEDS:
            need = services.need_record(
                actor=None,
                village=self.area(ASSISTED_TOWNSHIP, name),
                title=title,
                category=category,
                raised_on=ASSISTED_TRIPS[0],
                visit=visits[(name, 0)],
            )
            if decision:
                need = services.need_update(
                    actor=None,
                    need=need,
                    version=need.version,
                    decision=decision,
                    responsible=responsible,
                    due_on=due_on,
                    status=NeedStatus.IN_PROGRESS,
                )
            if resolution:
                services.need_update(
                    actor=None,
                    need=need,
                    version=need.version,
                    status=NeedStatus.RESOLVED,
                    resolution=resolution,
                    resolved_on=ASSISTED_TRIPS[2],
                )
        for township, village_name, day, suggestion in OUTREACH:
            village = self.area(township, village_name)
            visit = services.village_visit_record(
                actor=None,
                village=village,
                on=day,
                visitors="旗妇联部分执委",
                purpose="“下基层、访妇情、办实事”：入村入户了解妇女需求、解决妇女困难",
                notes=f"留守妇女相对较多；提出{suggestion}等建议，得到了广大妇女的好评。",
            )
            need = services.need_record(
                actor=None,
                village=village,
                title="留守妇女就近就业增收",
                category=NeedCategory.LIVELIHOOD,
                raised_on=day,
                visit=visit,
                decision=f"建议{suggestion}",
                responsible=f"{township}妇联",
            )
            if township == "白音他拉苏木":
                services.need_update(
                    actor=None,
                    need=need,
                    version=need.version,
                    status=NeedStatus.RESOLVED,
                    resolution="11月在白音他拉苏木举办女子手工编织（鸽子窝编织）培训班，"
                    "培训妇女近百人",
                    resolved_on=WEAVING_CLASS,
                )

    # --- all of it --------------------------------------------------------------------------

    def run(self) -> int:
        """Load everything; returns how many people were registered."""
        self.load_teams()
        self.plan_members()
        cabin, tax, groups = self.choose_children(self.left_behind_children())
        tax_mothers, team_mothers, cabin_mothers = self.plan_mothers(
            cabin, tax, self.share_out(groups)
        )
        self.plan_cadres()
        added = self.register_planned()
        for team, key, joined, speaker in self.joining:
            if team == CABIN_TEAM:
                continue  # after the cabin's mothers, who come first
            volunteer = self.join(team, key, joined)
            if speaker:
                self.speakers[team].append(volunteer)
        for mother in tax_mothers + team_mothers:
            mother.volunteer = self.join(MOTHERS_TEAM, mother.key, mother.joined)
        for mother in cabin_mothers:
            mother.volunteer = self.join(CABIN_TEAM, mother.key, mother.joined)
        for team, key, joined, _ in self.joining:
            if team == CABIN_TEAM:
                self.join(team, key, joined)
        self.load_activities()
        self.load_caring_mothers(tax_mothers, team_mothers, cabin_mothers)
        self.load_empty_nest()
        self.load_posts()
        self.load_villages()
        return added


def _village_of(child: _Child) -> int:
    return child.person.residence_id


def _township_of(child: _Child) -> int:
    return child.person.residence.parent_id or 0


def _nobody(_index: str) -> Person | None:
    return None


def load() -> ActivitiesResult:
    """Load the demo activities through the services, unless they are there already.

    Needs the tree, the demo people and (for three links and two dates) the demo programmes.
    """
    if activities_loaded():
        return ActivitiesResult(loaded=False)
    started = time.perf_counter()
    models = (
        Activity,
        Attendance,
        Volunteer,
        ServiceRecord,
        Pairing,
        PairingContact,
        VillageVisit,
        Need,
    )
    before = {model: model.objects.count() for model in models}
    with transaction.atomic():
        added = _Loader().run()
    added_of = {model: model.objects.count() - before[model] for model in models}
    return ActivitiesResult(
        loaded=True,
        activities=added_of[Activity],
        attendance=added_of[Attendance],
        people=added,
        volunteers=added_of[Volunteer],
        service_records=added_of[ServiceRecord],
        pairings=added_of[Pairing],
        contacts=added_of[PairingContact],
        village_visits=added_of[VillageVisit],
        needs=added_of[Need],
        seconds=time.perf_counter() - started,
    )
