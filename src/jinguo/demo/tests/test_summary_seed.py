"""The generated 2014 summary of Naiman Banner states the seed's figures, each equal to the seed.

The seed is the banner federation's own 2014 work summary (../shared/seed/). The demo loads its
records (`jinguo.demo`), the banner keeps its own copy of the paragraphs — the seed's sentences
with each figure the registries hold replaced by a placeholder (`jinguo.reports.defaults.
NAIMAN_2014`) — and the summary is generated from both, as `jinguo report summary --unit 150525
--year 2014` writes it. `SEED` lists every such figure: the seed's words, the placeholder that
states it, and the value it must have. Where the seed's own number cannot be right, the
expected value is the one the demo holds and the entry says why (see docs/demo-data.md).

Figures of the seed that no registry holds stay in the text as the seed wrote them (the 3,000
migrant workers, the 297 parent schools, the 12,007 women screened …); `NOT_HELD` lists them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import docx
import pytest
from django.db import transaction

from jinguo.demo import places
from jinguo.demo.loader import LoadResult
from jinguo.orgunits.models import OrgUnit
from jinguo.reports import defaults, placeholders
from jinguo.reports import summary as reports
from jinguo.reports.placeholders import Reference

# Every test asks for the database, so that the test database is the one set up (a module whose
# tests do not would have its module fixture run against the configured database).
pytestmark = pytest.mark.django_db


class Seed(NamedTuple):
    words: str  # as the seed has it
    placeholder: str  # as the banner's paragraphs write it
    expected: Decimal
    why: str = ""  # when the value differs from the seed's words


CABIN = "场所=大沁他拉镇“爱心小屋”义工队|期间=2013-01-15~"
MOTHERS = "队伍=奈曼旗“爱心妈妈”志愿者队"
SPONSOR = "项目=何崇本先生助学项目"

SEED: tuple[Seed, ...] = (
    # 一、致富创新建功工程
    Seed(
        "近200名农村妇女接受了培训",
        "{trainings.counted|活动=十字绣}",
        Decimal(196),
        "“近200名” is not an exact count; the training's sheet counted 196 women.",
    ),
    Seed(
        "培训妇女近百人",
        "{trainings.counted|活动=鸽子窝}",
        Decimal(97),
        "“近百人” is not an exact count; the class counted 97 women.",
    ),
    Seed(
        "贴息贷款500元",
        "{loans.principal|项目=自治区妇联贴息贷款}",
        Decimal(5_000_000),
        "500 yuan for 84 households is six yuan each: read as 500万元, a 万 dropped (about "
        "59,500 yuan a household, the size of a women's micro-guaranteed loan of those years).",
    ),
    Seed("扶持84户农村妇女", "{loans.count|项目=自治区妇联贴息贷款}", Decimal(84)),
    Seed("家政服务工作站14个", "{units.service_workstations}", Decimal(14)),
    Seed("组建15支…志愿者服务队", "{units.volunteer_teams}", Decimal(15)),
    Seed("10名爱心妈妈", "{caring_mothers.count|单位=德隆地村|期间=2014-06}", Decimal(10)),
    Seed(
        "结对资助10名留守儿童", "{caring_mothers.children|单位=德隆地村|期间=2014-06}", Decimal(10)
    ),
    Seed(
        "投入物资5万多元",
        "{donations.goods_value|募捐=巾帼文明岗岗村联谊“送科技、送健康”|万}",
        Decimal(52_300),
        "“5万多元”: the books and medicines the posts gave, valued at 52,300 yuan",
    ),
    Seed("已组建25对岗村对子", "{post_village.pairs}", Decimal(25)),
    # 二、妇女儿童民生工程
    Seed(
        "共吸纳26名…首批研讨会成员",
        "{volunteers.people|队伍=奈曼旗家庭教育宣讲志愿服务队}",
        Decimal(26),
    ),
    Seed("筹集资金6.1万元", "{donations.cash|募捐=首个全国“扶贫日”募捐}", Decimal(61_000)),
    Seed("弱势群体41名", "{aid.people|募捐=首个全国“扶贫日”募捐}", Decimal(41)),
    Seed("现场募捐13450元", "{handovers.amount|募捐=首个全国“扶贫日”募捐}", Decimal(13_450)),
    Seed("有88名义工志愿者", "{volunteers.people|队伍=大沁他拉镇“爱心小屋”义工队}", Decimal(88)),
    Seed(
        "其中55名“爱心妈妈”", "{caring_mothers.count|队伍=大沁他拉镇“爱心小屋”义工队}", Decimal(55)
    ),
    Seed(
        "筹集各方善款239450万元",
        f"{{donations.cash|{CABIN}}}",
        Decimal(239_450),
        "239450万元 would be 2.39 billion yuan, impossible for a town's charity cabin: the 万 "
        "is a slip, and the cabin's gifts of cash add up to 239,450 yuan.",
    ),
    Seed("衣物、鞋、轮椅、拐杖、书包等2275件", f"{{donations.pieces|{CABIN}}}", Decimal(2275)),
    Seed("米、面、油15090斤", f"{{donations.jin|{CABIN}}}", Decimal(15_090)),
    Seed("救助贫困户1245户", f"{{aid.households|{CABIN}}}", Decimal(1245)),
    Seed("受资助人达1662人次", f"{{aid.person_times|{CABIN}}}", Decimal(1662)),
    Seed("初步掌握留守儿童1355人", "{left_behind.children|期间=2014-06}", Decimal(1355)),
    Seed("由300多名“爱心妈妈”组成", f"{{caring_mothers.count|{MOTHERS}}}", Decimal(318)),
    Seed(
        "助教、助学、助养活动500余件",
        f"{{caring_mothers.help|{MOTHERS}}}",
        Decimal(586),
        "“500余件” is a round figure: the mothers recorded 586 help contacts.",
    ),
    Seed("使549名留守流动儿童受益", f"{{caring_mothers.children|{MOTHERS}}}", Decimal(549)),
    Seed("救助我旗56名贫困孤残儿童", f"{{benefits.people|{SPONSOR}|期间=2010}}", Decimal(56)),
    Seed("每年度10万元", f"{{benefits.cash|{SPONSOR}|期间=2010}}", Decimal(100_000)),
    Seed(
        "三年共计30万元",
        f"{{benefits.cash|{SPONSOR}|期间=2010-01-01~2012-12-31}}",
        Decimal(300_000),
    ),
    Seed("再次为这56名贫困孤残儿童", f"{{benefits.people|{SPONSOR}}}", Decimal(56)),
    Seed("拨付了10万元助学金", f"{{benefits.cash|{SPONSOR}}}", Decimal(100_000)),
    Seed(
        "投资204万元…学生宿舍楼",
        "{projects.budget|工程=大沁他拉镇第四小学学生宿舍楼}",
        Decimal(2_040_000),
    ),
    Seed(
        "2000平方米的学生宿舍楼",
        "{projects.floor_area|工程=大沁他拉镇第四小学学生宿舍楼}",
        Decimal(2000),
    ),
    Seed("为20名贫困单亲母亲", "{benefits.people|项目=“三八”节贫困单亲母亲救助}", Decimal(20)),
    Seed("发放救助金2万元", "{benefits.cash|项目=“三八”节贫困单亲母亲救助}", Decimal(20_000)),
    Seed("黄花筒嘎查13户贫困户", "{benefits.households|项目=包扶村化肥救助}", Decimal(13)),
    Seed("送去了1万元化肥", "{benefits.goods_value|项目=包扶村化肥救助}", Decimal(10_000)),
    Seed("协调资金26万元", "{projects.budget|工程=黄花筒嘎查便民服务大厅}", Decimal(260_000)),
    Seed("“便民服务大厅”8间", "{projects.rooms|工程=黄花筒嘎查便民服务大厅}", Decimal(8)),
    Seed(
        "200多平米",
        "{projects.floor_area|工程=黄花筒嘎查便民服务大厅}",
        Decimal(216),
        "“200多” gives no exact area: the hall's record holds 216 m², 8 rooms of 27 m².",
    ),
    Seed("“两癌”救助资金12万元", "{benefits.cash|项目=“两癌”贫困妇女救助}", Decimal(120_000)),
    Seed("救助患病贫困妇女12人", "{benefits.people|项目=“两癌”贫困妇女救助}", Decimal(12)),
    Seed(
        "适合发放营养包婴幼儿2302名",
        "{enrolments.people|项目=消除婴幼儿贫血行动}",
        Decimal(2302),
    ),
    Seed(
        "发放宣传资料3万多份",
        "{materials.leaflets}",
        Decimal(30_700),
        "“3万多份” is not an exact count; the three publicity days handed out 30,700.",
    ),
    Seed(
        "投入1万元…“双百佳”示范村",
        "{activities.spending|活动=争创“平安家庭”签名仪式}",
        Decimal(10_000),
    ),
    Seed(
        "举办了1期法律知识及道德建设、家庭教育知识培训班",
        "{trainings.count|活动=法律知识及道德建设、家庭教育知识培训班}",
        Decimal(1),
    ),
    # 三、女性素质提升工程
    Seed("倡议书3000份", "{materials.letters}", Decimal(3000)),
    Seed(
        "组织15名首批“巾帼宣讲团”成员",
        "{activities.participants|活动=“巾帼宣讲团”成立暨首批成员聘任仪式}",
        Decimal(15),
    ),
    Seed(
        "使150多名妇女受益",
        "{activities.counted|活动=“三八”节送医送药免费义诊}",
        Decimal(156),
        "“150多名” is not an exact count; the free clinic counted 156 women.",
    ),
    Seed("与7位“空巢母亲”结对帮扶", "{empty_nest.mothers}", Decimal(7)),
    Seed(
        "总价值1800多元的慰问品",
        "{activities.in_kind|活动=关爱“空巢母亲”志愿服务活动}",
        Decimal(1860),
        "“1800多元” is not an exact sum; the gifts recorded were worth 1,860 yuan.",
    ),
    Seed(
        "共有90余名女干部参训",
        "{trainings.trainees|活动=全旗女干部培训班}",
        Decimal(93),
        "“90余名” is not an exact count; 93 women cadres are on the class's sheet.",
    ),
    # 四、组织建设
    Seed("全旗355个嘎查村", "{units.villages}", Decimal(355)),
    Seed("11个社区居委会", "{units.communities}", Decimal(11)),
    Seed("61个“两新”组织", "{units.two_new}", Decimal(61)),
    Seed("实现村级“妇女之家”全覆盖", "{units.home_coverage}", Decimal("100.0")),
    Seed("先后三次深入包联村", "{village_visits.count|单位=小大歹村}", Decimal(3)),
)

# Figures of the seed no registry of wave 1 holds: they stay in the text as the seed wrote them.
NOT_HELD = (
    "外输内置务工人员3000余人",
    "297所家长学校",
    "宣讲10余次 (twelve talks of the seminar: no narrowing to an organiser or a series)",
    "分别给予5000元的资金支持 (grants to organisations, not loaded)",
    "在校生800名，其中留守儿童198人 (no narrowing of categories to a school)",
    "12台电脑，5台电子琴，2个乒乓球台 (goods in 台 and 个: no metric)",
    "投资5万元 (2015, after the demo's year)",
    "每人送去500元慰问金 (how many is not said; not loaded)",
    "累计检查已婚育龄妇女12007人 … 疾病检出率62.1% (screening is not a registry)",
    "接待来询群众50余人次 (consultations are counted by group at three activities: no metric)",
    "先进集体49个，先进个人61名; 参评率达90%以上",
    "副处级女干部5名 … 科级后备女干部72名 (no cadre registry)",
    "1个区级、8个市级、13个旗级“妇女之家”示范点; 56家非公有制企业和5家中介组织",
)


def _ref(placeholder: str) -> Reference:
    [ref] = placeholders.parse(placeholder, paragraph="seed")
    assert isinstance(ref, Reference)
    return ref


@pytest.fixture(scope="module")
def summary(demo: LoadResult, django_db_blocker: Any) -> Iterator[reports.Summary]:
    """The banner's 2014 summary, generated once for the module (the banner's paragraphs are
    written inside a transaction rolled back afterwards, unless the demo loaded them)."""
    with django_db_blocker.unblock(), transaction.atomic():
        banner = OrgUnit.objects.get(code=places.COUNTY_CODE)
        defaults.county_copy_load(banner)
        yield reports.summary_build(banner, 2014)
        transaction.set_rollback(True)


def test_every_placeholder_of_the_list_is_in_the_banners_paragraphs() -> None:
    texts = "".join(copy.heading + copy.text for copy in defaults.NAIMAN_2014)
    written = {
        ref.figure_id
        for ref in placeholders.references(placeholders.parse(texts, paragraph="naiman"))
    }

    listed = {_ref(seed.placeholder).figure_id for seed in SEED}

    assert listed - written == set()
    # And every figure the banner's paragraphs state is checked here.
    assert written - listed == set()


@pytest.mark.parametrize("seed", SEED, ids=[seed.words for seed in SEED])
def test_the_summary_states_the_seed_figure(summary: reports.Summary, seed: Seed) -> None:
    figure = summary.figures[_ref(seed.placeholder).figure_id]

    assert figure.decimal == seed.expected, seed.why or seed.words


def test_the_summary_reads_as_the_seed(summary: reports.Summary) -> None:
    assert summary.problems == []
    assert summary.title == "2014年奈曼旗妇联工作总结"
    assert [section.title for section in summary.sections if section.numeral] == [
        "一、实施“致富创新建功工程”，助力奈曼跨越发展",
        "二、实施“妇女儿童民生工程”，增进妇女儿童福祉",
        "三、实施“女性素质提升工程”，促进妇女成才发展",
        "四、夯实妇联组织基础，在自身建设中提高新本领",
    ]
    assert [len(section.items) for section in summary.sections if section.numeral] == [4, 6, 4, 2]
    text = "\n".join(block.plain for block in summary.blocks)
    for sentence in (
        "2.发挥“联”字优势，大力争取微贷款项目。积极争取到自治区妇联贴息贷款500万元，用于扶持84户"
        "农村妇女发家致富。",
        "目前，全旗初步掌握留守儿童1,355人",
        "筹集各方善款239,450元，衣物、鞋、轮椅、拐杖、书包等2,275件；米、面、油15,090斤，"
        "救助贫困户1,245户，受资助人达1,662人次。",
        "联合为20名贫困单亲母亲发放救助金2万元",
        "组建15支法律维权、帮扶济困、家庭教育、巾帼科技等志愿者服务队。",
    ):
        assert sentence in text


def test_the_docx_states_the_figures_with_their_appendix(summary: reports.Summary) -> None:
    document = docx.Document(io.BytesIO(reports.summary_docx(summary)))

    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "积极争取到自治区妇联贴息贷款500万元，用于扶持84户农村妇女发家致富。" in text
    assert "初步掌握留守儿童1,355人" in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert len(rows) == 1 + len(summary.figure_list())
    values = {row[1]: row[2] for row in rows[1:]}
    assert "1,355" in values.values()
    assert "239,450" in values.values()


def test_the_html_links_every_figure_to_its_records(summary: reports.Summary) -> None:
    html = reports.summary_html(summary)

    assert html.count('class="summary-figure"') >= len(SEED)
    assert "/figures/left_behind.children/?unit=" in html
    assert "about=place%3A" in html
