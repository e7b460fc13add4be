"""The summary's shipped paragraphs, and the copy of the demo banner.

`DEFAULTS` are the words every unit starts from, written after the structure of a county
federation's annual summary (the 2014 summary of Naiman Banner, ../shared/seed/): a title, an
opening, the four work areas with their numbered items, each with placeholders for the
figures of the unit's whole subtree. Between them they use every metric of the catalogue, so
that whatever the registries count appears somewhere (a test checks it). They name no
programme or activity: those differ from county to county, and a county that wants its own
("{benefits.people|项目=…}") keeps its own copy of a paragraph.

Why the defaults live here and not in a data migration: they change with the code — a metric
added to the catalogue gets its words in the same commit — and a migration would freeze words
that name metrics of one release. `defaults_sync` (called by `summary.paragraphs_for`, before
any read of paragraphs) brings the rows with no owner in step with this module: new ones
added, changed ones rewritten, removed ones taken out of use (units' copies are never
touched). It writes only when something differs, so a running site pays one small query.

`NAIMAN_2014` is the copy the demo banner (奈曼旗, 150525) keeps: the seed summary's own
sentences with its figures replaced by placeholders narrowed to its programmes, activities,
campaigns, places and units; `county_copy_load` writes it through the same service staff use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from jinguo.audit.services import audit_record
from jinguo.reports.models import Paragraph, ParagraphKind, Section

HEADING, ITEM = ParagraphKind.HEADING, ParagraphKind.ITEM


@dataclass(frozen=True)
class Default:
    key: str
    section: str
    kind: str
    order: int
    heading: str
    text: str = ""


DEFAULTS: tuple[Default, ...] = (
    # --- the title and the opening ------------------------------------------------------------
    Default("title", Section.OPENING, HEADING, 0, "{年}年{单位}妇联工作总结"),
    Default(
        "opening",
        Section.OPENING,
        ITEM,
        10,
        "",
        "一年来，{单位}各级妇联组织在党委、政府的坚强领导和上级妇联的精心指导下，深入贯彻落实"
        "党的群众路线教育实践活动精神，团结带领广大妇女开拓进取、扎实工作，全年共组织开展各类"
        "活动{activities.count}次，为推动经济社会发展、全面建成小康社会做出了积极贡献。",
    ),
    # --- 一、致富创新建功工程 -------------------------------------------------------------------
    Default(
        "prosperity",
        Section.PROSPERITY,
        HEADING,
        0,
        "实施“致富创新建功工程”，助力经济跨越发展",
    ),
    Default(
        "trainings",
        Section.PROSPERITY,
        ITEM,
        10,
        "强化服务，推进妇女创业就业",
        "各级妇联积极为广大妇女提供小额贷款、开展技能培训、帮助企业与农牧户对接等一条龙服务。"
        "全年共举办各类技能培训{trainings.count}期，按名册参训妇女{trainings.trainees}人、"
        "累计{trainings.attendance}人次，另有现场计数参训{trainings.counted}人次。培训采取理论"
        "与实践相结合的方式，宣传妇女创业就业政策、传授实用技能，并帮助妇女销售手工成品，增加"
        "农村妇女收入。",
    ),
    Default(
        "loans",
        Section.PROSPERITY,
        ITEM,
        20,
        "发挥“联”字优势，大力争取微贷款项目",
        "积极争取妇女小额担保贴息贷款{loans.count}笔，共计{loans.principal|万}万元，"
        "用于扶持农村妇女发家致富。",
    ),
    Default(
        "domestic_service",
        Section.PROSPERITY,
        ITEM,
        30,
        "家政服务工作有新突破",
        "依托巾帼家政服务中心成立家政服务工作站{units.service_workstations}个（服务中心和工作站"
        "共{units.service_stations}个），建立目标管理、用户回访、跟踪服务等制度，加强家政服务"
        "技能培训，推动家政服务人员持证上岗。",
    ),
    Default(
        "volunteer_teams",
        Section.PROSPERITY,
        ITEM,
        40,
        "“巾帼建功”活动内容有效推进",
        "组建法律维权、帮扶济困、家庭教育、巾帼科技等志愿者服务队{units.volunteer_teams}支，"
        "登记志愿者{volunteers.people}人。各级“巾帼文明岗”与嘎查村结成岗村对子"
        "{post_village.pairs}对，有效推进了“送理念、送服务、送科技、送教育、送健康”活动的开展。",
    ),
    # --- 二、妇女儿童民生工程 -------------------------------------------------------------------
    Default(
        "livelihood",
        Section.LIVELIHOOD,
        HEADING,
        0,
        "实施“妇女儿童民生工程”，增进妇女儿童福祉",
    ),
    Default(
        "left_behind",
        Section.LIVELIHOOD,
        ITEM,
        10,
        "关爱留守儿童、孤残儿童、贫困儿童",
        "目前，{单位}登记留守儿童{left_behind.children}人。针对这一特殊群体，我们组建了"
        "“爱心妈妈”志愿者队伍，{caring_mothers.count}名“爱心妈妈”与{caring_mothers.children}名"
        "儿童结对，开展助教、助学、助养活动{caring_mothers.help}件；各类结对帮扶全年共联系、"
        "帮扶{pairings.contacts}次。",
    ),
    Default(
        "charity",
        Section.LIVELIHOOD,
        ITEM,
        20,
        "汇聚社会爱心，帮扶困难群体",
        "全年筹集各方善款{donations.cash}元，衣物、鞋、书包等物品{donations.pieces}件，"
        "米、面、油{donations.jin}斤，捐赠物资折价{donations.goods_value}元；"
        "在公证下移交善款{handovers.amount}元；向困难群众发放现金{aid.cash}元，救助贫困户"
        "{aid.households}户、困难群众{aid.people}人，受资助达{aid.person_times}人次。",
    ),
    Default(
        "aid",
        Section.LIVELIHOOD,
        ITEM,
        30,
        "关爱空巢老人、留守妇女、贫困妇女、患病妇女",
        "全年各类救助和帮扶项目共纳入{enrolments.people}人、{enrolments.households}户，发放"
        "救助和帮扶{benefits.count}次，惠及{benefits.people}人、{benefits.households}户，其中"
        "发放救助金{benefits.cash}元、物资折合{benefits.goods_value}元，合计{benefits.amount}元。"
        "目前登记在册的单亲母亲{single_mothers.count}人。",
    ),
    Default(
        "projects",
        Section.LIVELIHOOD,
        ITEM,
        35,
        "争取援建项目，改善妇女儿童学习生活条件",
        "积极争取各方资金，全年实施援建项目{projects.count}个，总投资{projects.budget|万}万元，"
        "建筑面积{projects.floor_area}平方米、{projects.rooms}间。",
    ),
    Default(
        "rights",
        Section.LIVELIHOOD,
        ITEM,
        40,
        "有效开展维权工作",
        "将妇女普法工作融入普法总体规划，利用“三八”维权周、科技三下乡、“6.26”禁毒日等节点开展"
        "妇女权益法律法规宣传，共发放宣传资料{materials.leaflets}份。",
    ),
    # --- 三、女性素质提升工程 -------------------------------------------------------------------
    Default(
        "development",
        Section.DEVELOPMENT,
        HEADING,
        0,
        "实施“女性素质提升工程”，促进妇女成才发展",
    ),
    Default(
        "families",
        Section.DEVELOPMENT,
        ITEM,
        10,
        "选树典型，表彰先进",
        "扎实推进寻找“最美家庭”活动，依托“妇女之家”发动广大妇女和家庭参与，共发放“最美家庭”"
        "倡议书{materials.letters}份，引导广大妇女和家庭倡扬传统美德、树立优良家风。",
    ),
    Default(
        "volunteer_service",
        Section.DEVELOPMENT,
        ITEM,
        20,
        "开展巾帼志愿服务活动",
        "全年组织开展各类活动{activities.count}次，按名册参加{activities.participants}人、"
        "累计{activities.attendance}人次，另有现场计数参加{activities.counted}人次，投入活动经费"
        "{activities.spending}元，送去慰问品和物资折合{activities.in_kind}元。巾帼志愿者与"
        "{empty_nest.mothers}位“空巢母亲”结对帮扶。",
    ),
    # --- 四、组织建设 ---------------------------------------------------------------------------
    Default(
        "organisation",
        Section.ORGANISATION,
        HEADING,
        0,
        "夯实妇联组织基础，在自身建设中提高新本领",
    ),
    Default(
        "womens_homes",
        Section.ORGANISATION,
        ITEM,
        10,
        "深入推进“妇女之家”建设",
        "截止目前，{单位}{units.villages}个嘎查村、{units.communities}个社区居委会、"
        "{units.two_new}个“两新”组织共建立“妇女之家”{units.womens_homes}个；"
        "{units.areas_village_level}个嘎查村（社区）中已有{units.with_home}个建立“妇女之家”，"
        "覆盖率{units.home_coverage}%。",
    ),
    Default(
        "assisted_villages",
        Section.ORGANISATION,
        ITEM,
        20,
        "深入开展包联帮扶活动",
        "妇联工作队全年深入包联村{village_visits.count}次，召开村两委班子会议和座谈会，了解"
        "存在的问题，协调有关部门帮助解决群众反映的实际困难。",
    ),
)


def _fields(default: Default) -> dict[str, Any]:
    return {
        "section": default.section,
        "kind": default.kind,
        "order": default.order,
        "heading": default.heading,
        "text": default.text,
        "active": True,
    }


def defaults_sync() -> int:
    """Bring the shipped paragraphs (no owner) in step with `DEFAULTS`; how many rows changed.

    Units' copies are never touched. Two processes syncing at once: the second's inserts
    conflict with the first's and are dropped.
    """
    current = {row.key: row for row in Paragraph.objects.filter(owner__isnull=True)}
    wanted = {default.key: default for default in DEFAULTS}
    created: list[Paragraph] = []
    updated: list[Paragraph] = []
    for key, default in wanted.items():
        row = current.get(key)
        fields = _fields(default)
        if row is None:
            created.append(Paragraph(key=key, owner=None, **fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.version += 1
            updated.append(row)
    for key, row in current.items():
        if key not in wanted and row.active:
            row.active = False
            row.version += 1
            updated.append(row)
    if not created and not updated:
        return 0
    try:
        with transaction.atomic():
            Paragraph.objects.bulk_create(created)
            for row in updated:
                row.save()
            audit_record(
                actor=None,
                action="summary.defaults",
                object_type="reports.paragraph",
                object_repr="工作总结默认段落",
                changes={
                    "added": [None, sorted(row.key for row in created)],
                    "changed": [None, sorted(row.key for row in updated)],
                },
            )
    except IntegrityError:
        return 0  # another process has just written them
    return len(created) + len(updated)


# --- the demo banner's own words --------------------------------------------------------------

NAIMAN_CODE = "150525"


@dataclass(frozen=True)
class Copy:
    """A unit's paragraph: replacing the default of the same key, or one of its own."""

    key: str
    section: str
    order: int
    heading: str
    text: str = ""
    kind: str = ITEM


# Names of the demo's records the paragraphs narrow to (as `jinguo.demo` loads them).
_LOAN = "项目=自治区妇联贴息贷款"
_SPONSOR = "项目=何崇本先生助学项目"
_MOTHERS_AID = "项目=“三八”节贫困单亲母亲救助"
_FERTILISER = "项目=包扶村化肥救助"
_TWO_CANCERS = "项目=“两癌”贫困妇女救助"
_ANAEMIA = "项目=消除婴幼儿贫血行动"
_DORMITORY = "工程=大沁他拉镇第四小学学生宿舍楼"
_HALL = "工程=黄花筒嘎查便民服务大厅"
_POVERTY_DAY = "募捐=首个全国“扶贫日”募捐"
_POSTS = "募捐=巾帼文明岗岗村联谊“送科技、送健康”"
_CABIN_TEAM = "大沁他拉镇“爱心小屋”义工队"
# "自小屋建立以来": from the day the cabin opened to the end of the summary's year.
_CABIN = f"场所={_CABIN_TEAM}|期间=2013-01-15~"
_MOTHERS = "队伍=奈曼旗“爱心妈妈”志愿者队"
# The national civilised post's ten caring mothers and the ten children of its paired village,
# 德隆地村, paired in April; the rest of the team paired there only after the National Day.
_TAX_POST = "单位=德隆地村|期间=2014-06"

NAIMAN_2014: tuple[Copy, ...] = (
    Copy(
        "opening",
        Section.OPENING,
        10,
        "",
        "一年来，旗各级妇联组织按照“创新奈曼，实现突破”的总体要求，深入贯彻落实党的群众路线"
        "教育实践活动精神，开拓进取，扎实工作，为实现全面建成小康社会做出了突出贡献。",
    ),
    # 一、致富创新建功工程
    Copy(
        "prosperity",
        Section.PROSPERITY,
        0,
        "实施“致富创新建功工程”，助力奈曼跨越发展",
        kind=HEADING,
    ),
    Copy(
        "trainings",
        Section.PROSPERITY,
        10,
        "强化服务，推进养殖产业化进程",
        "旗妇联积极为广大妇女提供小额贷款、开展技能培训、帮助企业与农牧户对接等一条龙服务。"
        "邀请通辽市“十字绣”专家在六号农场举办了女子手工编织培训，{trainings.counted|活动=十字绣}"
        "名农村妇女接受了培训。培训采取理论与实践相结合的方式，宣传妇女创业就业政策、传授十字绣"
        "手工技能，同时寻找企业帮助妇女销售十字绣成品，以增加农村妇女的收入。11月份，还邀请通辽市"
        "跃达飞手工艺坊经理在白音他拉苏木举办女子手工编织（鸽子窝编织）培训班。培训妇女"
        "{trainings.counted|活动=鸽子窝}人，反响热烈，激发了妇女们的创业热情。",
    ),
    Copy(
        "loans",
        Section.PROSPERITY,
        20,
        "发挥“联”字优势，大力争取微贷款项目",
        f"积极争取到自治区妇联贴息贷款{{loans.principal|{_LOAN}|万}}万元，用于扶持"
        f"{{loans.count|{_LOAN}}}户农村妇女发家致富。",
    ),
    Copy(
        "domestic_service",
        Section.PROSPERITY,
        30,
        "家政服务工作有新突破",
        "依托家洁美家政服务有限公司成立巾帼家政服务中心及家政服务工作站"
        "{units.service_workstations}个，聘请乡镇妇联主席担任站长。服务中心注重家政服务管理工作，"
        "建立目标管理、用户回访、跟踪服务等制度，学员建立个人档案，逐步推进家政服务市场的服务意识"
        "优等化。同时，还和就业局和职业中专联合，加强家政服务技能培训，争取所有的家政服务人员都能"
        "持证上岗。积极开展劳务输出宣传活动。目前，外输内置务工人员3000余人。",
    ),
    Copy(
        "volunteer_teams",
        Section.PROSPERITY,
        40,
        "“巾帼建功”活动内容有效推进",
        "组建{units.volunteer_teams}支法律维权、帮扶济困、家庭教育、巾帼科技等志愿者服务队。"
        "“春之声”女子艺术团、地税局房产征收管理所、妇幼保健所等巾帼服务队走进敬老院开展慰问关爱"
        "及免费送医送药义诊活动。国家级“巾帼文明岗”——国税局服务大厅以“岗位奉献，文明服务”作为"
        "工作目标和口号统领整个服务大厅开展工作，并为联建村办好事，"
        f"{{caring_mothers.count|{_TAX_POST}}}名爱心妈妈结对资助"
        f"{{caring_mothers.children|{_TAX_POST}}}名留守儿童。旗农电局、旗医院、疾控中心等文明岗"
        "为农村牧区妇女送科技书籍、免费义诊等联谊活动，投入物资"
        f"{{donations.goods_value|{_POSTS}|万}}万元。目前，我旗已组建"
        "{post_village.pairs}对岗村对子，有效地推进了“送理念、送服务、送科技、送教育、送健康”"
        "活动的开展。",
    ),
    # 二、妇女儿童民生工程
    Copy(
        "livelihood",
        Section.LIVELIHOOD,
        0,
        "实施“妇女儿童民生工程”，增进妇女儿童福祉",
        kind=HEADING,
    ),
    Copy(
        "family_education",
        Section.LIVELIHOOD,
        10,
        "家庭教育工作成效显著",
        "依托“妇女之家”巩固完善了297所家长学校。在蒙幼、大幼组建了“3到6岁儿童成长发展指南”"
        "宣传志愿者队伍。为了促进未成年人健康成长，提高家长科学教子水平，为家庭教育工作提供有效"
        "指导，3月份成立了全旗家庭教育研讨会。研讨会由旗妇联牵头组织，通过各职能部门调研、推荐、"
        "征求意见等方式，共吸纳{volunteers.people|队伍=奈曼旗家庭教育宣讲志愿服务队}名热心家庭"
        "教育工作的专家、教师和社会爱心人士担任首批研讨会成员。定期或不定期地组织他们面向社会开展"
        "家庭教育宣传，普及家庭教育知识，推广家庭教育的成功经验，帮助和引导家长树立正确的家庭教育"
        "观念，掌握科学的家庭教育方法，提高科学教育子女的能力。目前，已组织研讨会成员进学校、乡镇、"
        "嘎查村（社区）宣讲10余次，取得了很好的社会反响。同时，各基层妇联组织也积极开展了家庭教育"
        "工作，大沁他拉街道振兴社区、黄花塔拉苏木伊拉麻图嘎查被市妇联确立为市级“百灵鸟”家庭教育"
        "指导站，并分别给予5000元的资金支持。",
    ),
    Copy(
        "left_behind",
        Section.LIVELIHOOD,
        20,
        "关爱留守儿童、孤残儿童、贫困儿童",
        f"10月17日首个全国“扶贫日”公益活动中，筹集资金{{donations.cash|{_POVERTY_DAY}|万}}万元"
        f"救助了孤残儿童、贫困学生、贫困残疾人等弱势群体{{aid.people|{_POVERTY_DAY}}}名，现场募捐"
        f"{{handovers.amount|{_POVERTY_DAY}}}元，在公证人员的公证下交由大镇爱心小屋工作人员，帮助更多的需要关怀，需要关注，需要"
        "救助的群体，使得我旗首个“扶贫日”活动影响更加广泛。大镇“爱心小屋”建于2013年1月，有"
        f"{{volunteers.people|队伍={_CABIN_TEAM}}}名义工志愿者，其中"
        f"{{caring_mothers.count|队伍={_CABIN_TEAM}}}名“爱心妈妈”与贫困孩子结对帮扶。自小屋建立"
        f"以来，筹集各方善款{{donations.cash|{_CABIN}}}元，衣物、鞋、轮椅、拐杖、书包等"
        f"{{donations.pieces|{_CABIN}}}件；米、面、油{{donations.jin|{_CABIN}}}斤，救助贫困户"
        f"{{aid.households|{_CABIN}}}户，受资助人达{{aid.person_times|{_CABIN}}}人次。同时，还开展了"
        "关于农村留守流动儿童心理、教育、生活等问题的调研活动，并形成了调研报告。目前，全旗初步"
        "掌握留守儿童{left_behind.children|期间=2014-06}人，针对这一特殊群体，我们组建了一支由"
        f"{{caring_mothers.count|{_MOTHERS}}}名“爱心妈妈”组成的志愿者队伍，并对其开展助教、助学、"
        f"助养活动{{caring_mothers.help|{_MOTHERS}}}件，使{{caring_mothers.children|{_MOTHERS}}}名"
        "留守流动儿童受益。“留守流动儿童家园”——大镇四小学区中心校在校生800名，其中留守儿童198人。"
        "学校建立了留守儿童档案和联系卡制度，配备了图书阅览室、心理咨询室、音乐绘画室，哈哈镜、"
        "电脑桌、图书、玩具等器材，并建成一面攀岩墙。自治区妇联为学校配备了12台电脑，5台电子琴，"
        "2个乒乓球台。因该家园发挥作用突出受到了自治区妇联的表彰。2010年，旗妇联积极争取到自治区"
        "妇联香港爱心人士何崇本先生助学项目。项目用于救助我旗"
        f"{{benefits.people|{_SPONSOR}|期间=2010}}名贫困孤残儿童，每年度"
        f"{{benefits.cash|{_SPONSOR}|期间=2010|万}}万元，三年共计"
        f"{{benefits.cash|{_SPONSOR}|期间=2010-01-01~2012-12-31|万}}万元。今年，何先生再次为这"
        f"{{benefits.people|{_SPONSOR}}}名贫困孤残儿童拨付了{{benefits.cash|{_SPONSOR}|万}}万元"
        f"助学金和投资{{projects.budget|{_DORMITORY}|万}}万元在我旗第四小学建一栋"
        f"{{projects.floor_area|{_DORMITORY}}}平方米的学生宿舍楼。目前，助学金已发放到这些贫困"
        "孩子手中，宿舍楼项目正在施工建设中，预计2015年3月1日能够投入使用。投入使用后，不但使学生"
        "的学习、生活条件得到很大改善，同时，学生安全也会得到更好保障。",
    ),
    Copy(
        "aid",
        Section.LIVELIHOOD,
        30,
        "关爱空巢老人、留守妇女、贫困妇女、患病妇女",
        f"“三八”节期间，旗妇联、旗总工会联合为{{benefits.people|{_MOTHERS_AID}}}名贫困单亲母亲"
        f"发放救助金{{benefits.cash|{_MOTHERS_AID}|万}}万元并到部分老村妇代会主任家慰问，为她们每人"
        "送去500元慰问金。春节前夕，深入青龙山镇下洼村、西地村、古庙子村开展送温暖走访慰问活动，"
        "为当地的百岁老人和老妇干们送去了面粉等生活用品。深入包扶村黄花筒嘎查"
        f"{{benefits.households|{_FERTILISER}}}户贫困户家送去了"
        f"{{benefits.goods_value|{_FERTILISER}|万}}万元化肥，解决了他们的燃眉之急。同时，通过协调"
        f"各有关部门，协调资金{{projects.budget|{_HALL}|万}}万元，为黄花筒村新建“便民服务大厅”"
        f"{{projects.rooms|{_HALL}}}间{{projects.floor_area|{_HALL}}}平米。在旗妇儿工委办的牵头下，"
        "继续做好妇女病普查普治工作。在全旗范围内对适龄妇女开展妇女常见病及“两癌”筛查工作。截止"
        "目前，累计检查已婚育龄妇女12007人，其中宫颈HPV检测4007人，检出患各类妇科疾病7452人，"
        "疾病检出率62.1%。目前，患病者都得到了及时救治。由于工作实绩突出，旗妇幼保健所获得全国农村"
        "妇女“两癌”免费检查先进集体殊荣。针对我旗“两癌”贫困妇女因病致贫、返贫现象，旗妇联积极"
        f"争取上级“两癌”救助资金{{benefits.cash|{_TWO_CANCERS}|万}}万元救助患病贫困妇女"
        f"{{benefits.people|{_TWO_CANCERS}}}人。",
    ),
    Copy(
        "anaemia",
        Section.LIVELIHOOD,
        40,
        "落实“消除婴幼儿贫血行动”项目",
        "消贫行动项目得到旗委、政府的高度重视，专门召开项目培训会对实施项目的乡镇和职责部门提出了"
        "具体要求。目前，已落实了旗、镇两级培训，共统计2013年8月1日至2014年2月28日期间适合发放"
        f"营养包婴幼儿{{enrolments.people|{_ANAEMIA}}}名。目前，项目的其他准备工作也在有条不紊地"
        "进行中。",
    ),
    Copy(
        "development_programmes",
        Section.LIVELIHOOD,
        50,
        "推进“新两规划”工作",
        "6月份，对旗妇儿工委各成员单位成员、信息员进行了重新调整，并对各成员单位信息员进行了重点"
        "培训，落实了“新两规划”数据的采集和上报工作任务，并对具体工作进行了全面的安排部署。",
    ),
    Copy(
        "rights",
        Section.LIVELIHOOD,
        60,
        "有效开展维权工作",
        "将妇女普法工作融入“六五”普法总体规划之中，并开展了层层培训。利用3月维权周、科技三下乡、"
        "“6.26”禁毒日等节点，开展妇女权益法律法规宣传，共发放宣传资料{materials.leaflets}份，"
        "接待来询群众50余人次。投入{activities.spending|活动=争创“平安家庭”签名仪式|万}万元，在大镇"
        "舍力虎村建立了创建平安家庭“双百佳”示范村。开展了争创平安家庭签名仪式，举办了"
        "{trainings.count|活动=法律知识及道德建设、家庭教育知识培训班}期法律知识及道德建设、家庭"
        "教育知识培训班。",
    ),
    # 三、女性素质提升工程
    Copy(
        "development",
        Section.DEVELOPMENT,
        0,
        "实施“女性素质提升工程”，促进妇女成才发展",
        kind=HEADING,
    ),
    Copy(
        "families",
        Section.DEVELOPMENT,
        10,
        "选树典型，表彰先进",
        "为进一步深化群众性精神文明创建活动，旗妇联采取多种措施，扎实推进寻找“最美家庭”活动，扩大"
        "“最美家庭”典型的示范作用和影响力。加大寻找力度。要求全旗各级妇联组织依托“妇女之家”这个"
        "离妇女和家庭最近的阵地，发动广大妇女和家庭参与，深入挖掘、选树和宣传群众身边的“最美家庭”"
        "及感人故事，引导广大妇女和家庭倡扬传统美德、树立优良家风，以家庭文明促进社会文明。加大宣传"
        "力度。共发放“最美家庭”共享幸福生活倡议书{materials.letters}份，并积极与本级相关新闻媒体"
        "联系，加大“最美家庭”的宣传力度等。同时，把寻找“最美家庭”活动同开展“五好文明家庭”创建活动"
        "结合起来，广泛吸收群众参与，领导干部、党（团）员家庭要带头参加评选，确保家庭参评率达90%以上。"
        "今年3月份，为弘扬先进，团结、引领、激励各类女性人才，经积极协调，以旗委、政府的名义在全旗"
        "范围内开展评选表彰活动，表彰为全旗经济社会发展作出突出贡献的妇女工作先进集体49个，先进个人"
        "61名。",
    ),
    Copy(
        "speakers",
        Section.DEVELOPMENT,
        20,
        "成立“巾帼宣讲团”",
        "宣讲团由旗妇联牵头，组织"
        "{activities.participants|活动=“巾帼宣讲团”成立暨首批成员聘任仪式}名首批“巾帼宣讲团”成员"
        "定期或不定期地进机关、进学校、进社区、进村屯，面向全旗妇女儿童，开展以法律知识、家庭教育、"
        "文明礼仪、心理健康、农牧林科技、创业就业等方面的主题宣讲，弘扬“四自”精神、践行核心价值观，"
        "传播正能量。",
    ),
    Copy(
        "volunteer_service",
        Section.DEVELOPMENT,
        30,
        "开展巾帼志愿服务活动",
        "“三八”节期间，旗妇联、旗妇幼保健所巾帼服务队联合开展了送医送药免费义诊活动，使"
        "{activities.counted|活动=“三八”节送医送药免费义诊}名妇女受益。同时，面对广大妇女群众开展了"
        "女性健康知识讲座，通过讲座不仅增强了她们预防常见疾病的意识，而且还赢得了群众对妇联工作的"
        "了解和支持。大沁他拉街道妇联开展了关爱“空巢母亲”志愿服务活动，组织巾帼志愿者与"
        "{empty_nest.mothers}位“空巢母亲”结对帮扶，为她们送去了总价值"
        "{activities.in_kind|活动=关爱“空巢母亲”志愿服务活动}元的慰问品。旗疾控中心巾帼志愿者们到"
        "大镇敬老院开展慰问义诊活动，为他们送医送药送健康。旗街道振兴社区“巾帼志愿者服务队”到居民"
        "家中，为行动不便的老人们上门理发。结合“下基层、访妇情、办实事”活动，旗妇联组织部分执委入村"
        "入户了解妇女需求、解决妇女困难，针对留守妇女相对较多的嘎查村，提出发展“不离家不离土”的"
        "手工业、庭院经济、有机绿色食品精加工等建议，得到了广大妇女的好评。",
    ),
    Copy(
        "cadres",
        Section.DEVELOPMENT,
        40,
        "加大对女干部的培训及关注力度",
        "7月，举办了全旗女干部培训班，共有{trainings.trainees|活动=全旗女干部培训班}名女干部参训。"
        "培训以理论与实践相结合为原则，在学习新时期理论知识的基础上，组织参训人员到白音他拉苏木实地"
        "考察当地妇女工作开展情况。通过实地参观，不但展示了当地妇女工作的亮点和成果，而且对其他乡镇"
        "参训人员来说也是一种学习和鞭策。通过尝试，这种培训方式很受参训人员的欢迎，在今后的培训中"
        "我们会延续边走边看边学习的方式，让每个乡镇妇联都有展示各自工作的机会，加强各兄弟乡镇之间的"
        "沟通交流，促进全旗妇女工作进一步的发展。另外，对全旗女干部数据库进行了重新统计，截止2014年"
        "6月，全旗副处级女干部5名，正科级女干部26名，副科级女干部55名，科级后备女干部72名。",
    ),
    # 四、组织建设
    Copy(
        "organisation",
        Section.ORGANISATION,
        0,
        "夯实妇联组织基础，在自身建设中提高新本领",
        kind=HEADING,
    ),
    Copy(
        "womens_homes",
        Section.ORGANISATION,
        10,
        "深入推进“妇女之家”建设",
        "旗妇联“妇女之家”建设作为参与基层社会管理与创新的重要载体，积极协调各方资源，按照《奈曼旗"
        "嘎查村（社区）妇女之家管理办法》的要求，大力推动“妇女之家”的全面覆盖、功能完善和作用发挥。"
        "截止目前，全旗{units.villages}个嘎查村、{units.communities}个社区居委会、{units.two_new}个"
        "“两新”组织已建立“妇女之家”并悬挂牌匾，村级“妇女之家”覆盖率{units.home_coverage}%，实现"
        "全覆盖，并创建1个区级、8个市级、13个旗级“妇女之家”示范点。“妇女之家”按照“先挂牌建立、"
        "后健全完善、再丰富提高”的工作思路，依托嘎查村现有活动场所，按照“一室多用、资源共享”的原则，"
        "统一挂牌，统筹使用。以“四有”标准进行规范建设，配有电脑、图书、桌椅、音响等设施。以“妇女之家”"
        "建设为中心，将嘎查村、社区的妇女儿童维权站、妇女文体活动室、图书室、培训室等整合建立，统一"
        "制作图版，统一规章制度，统一订阅杂志，建立健全档案等，使“妇女之家”服务范围更为广泛、服务"
        "功能更为齐全、服务方式更为简便、服务效果更为明显。进一步完善了全旗56家非公有制企业和5家中介"
        "组织中妇女组织的规范与管理。",
    ),
    Copy(
        "assisted_villages",
        Section.ORGANISATION,
        20,
        "深入开展“三推进一促进”活动",
        "按照旗委、政府的工作安排与部署，旗妇联工作队先后{village_visits.count|单位=小大歹村}次深入"
        "包联村（新镇小大歹村、联合村、北大营子村）开展工作。召集了三个村两委班子会议，了解这三个村"
        "自然情况、存在的问题和下一步工作打算，并召开了座谈会。通过座谈，对这三个村总体情况有了整体"
        "把握，对三个村老百姓普遍反映的低压线路改造等问题和下一步工作重点进行了深入探讨，决定帮助"
        "小大歹村解决低压线路改造、人畜饮水工程两大难题，现在，正努力协调电力、水务等相关部门深入"
        "该村开展前期工作。决定帮助北大营子村协调解决办公桌椅、秧歌队锣、鼓、镲等实际困难，现在，"
        "该村办公及活动用品已到位。",
    ),
)


def county_copy_load(unit: Any, copies: tuple[Copy, ...] = NAIMAN_2014, *, year: int = 2014) -> int:
    """Write `copies` as the unit's own paragraphs (as the system), and take the shipped ones
    it does not rewrite out of its summary (an inactive copy); skipped when the unit already has
    words of its own. How many paragraphs were written."""
    from jinguo.reports import services

    if Paragraph.objects.filter(owner=unit).exists():
        return 0
    defaults_sync()
    written = 0
    for copy in copies:
        services.paragraph_write(
            actor=None,
            unit=unit,
            key=copy.key,
            section=copy.section,
            kind=copy.kind,
            order=copy.order,
            heading=copy.heading,
            text=copy.text,
            active=True,
            year=year,
        )
        written += 1
    rewritten = {copy.key for copy in copies} | {"title"}
    for default in DEFAULTS:
        if default.key in rewritten:
            continue
        services.paragraph_write(
            actor=None,
            unit=unit,
            key=default.key,
            section=default.section,
            kind=default.kind,
            order=default.order,
            heading=default.heading,
            text=default.text,
            active=False,
            year=year,
        )
        written += 1
    return written
