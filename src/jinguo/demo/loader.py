"""Load the Naiman Banner demo: the organisation tree of about 2014 and one user per role.

Everything goes through the real services (`orgunit_create`, `orgunit_merge`, `user_create`,
all with ``actor=None``, the system), so the demo has the audit entries and version history
that real set-up would leave. The whole load is one transaction: a failure or Ctrl-C leaves
nothing behind. Loading is skipped when the banner (150525) already exists.

What is loaded (see `jinguo.demo.places`, which says how much of it is invented):

* the banner 奈曼旗 (150525), its 17 township-level units (9-digit codes) and their 366
  village-level units (355 嘎查/村 and 11 社区, 12-digit codes), all opened 1999-10-01, when
  Jirem League became Tongliao City and the banner's code changed from 152326 to 150525;
* the federation at each level: 奈曼旗妇女联合会 under the banner and 「<township>妇联」 under
  each township;
* every organisation of `places.ORGANISATIONS` under its area, its level, subkind and aliases
  in ``note``;
* a Women's Home (妇女之家) under each village and community (366) and under each of the 61
  two-new organisations: 427, opened between 2012 and mid-2014 on a date derived from the code
  of the unit it serves (or the name of the organisation), so that every run gives the same
  dates;
* the people of `jinguo.demo.people`: the 1,355 left-behind children of the summary in their
  grandparents' households, the single mothers, empty-nest mothers, centenarians and poor
  households it names, through the people services;
* the programmes of the summary with their funds, beneficiaries, loans, benefits and works
  (`jinguo.demo.programmes`, which says what it invents), through the programmes services.

A database that has the tree from before the people or the programmes existed gets only what
it lacks.

白音昌乡: public sources say it was merged into 新镇 in April 2006, and `places` keeps it for the
demo's sake. It is created with its villages and federation in 1999 and merged on 2006-04-01
with `orgunit_merge`: its federation into 新镇妇联, then the township into 新镇, whose open
children (its 15 villages) move to 新镇. The villages stay open, so the counts of 2014 hold (355
gacha and villages, 11 communities, 16 open township-level units), and the demo shows a merge
in the history (two `Succession` rows, closed units, moved versions). The merge is done
before the Women's Homes are created, so that no version of a home predates its opening.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from django.db import transaction
from django.utils import translation

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.accounts.services import user_create
from jinguo.audit.models import AuditEntry
from jinguo.demo import activities, donations, people, places, programmes
from jinguo.demo.places import Org, Township
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create, orgunit_merge
from jinguo.reports.defaults import county_copy_load

DEMO_PASSWORD: Final = "Naiman-2014"  # noqa: S105 - published demo password, demo data only

AREAS_OPENED: Final = dt.date(1999, 10, 1)
MERGED_TOWNSHIP: Final = "白音昌乡"
MERGE_TARGET: Final = "新镇"
MERGED_ON: Final = dt.date(2006, 4, 1)

COUNTY_FEDERATION: Final = "奈曼旗妇女联合会"
FEDERATION_SUFFIX: Final = "妇联"
WOMENS_HOME_SUFFIX: Final = "妇女之家"
# Women's Homes open on a day in [first, last], derived from a stable checksum.
WOMENS_HOMES_FROM: Final = dt.date(2012, 1, 1)
WOMENS_HOMES_TO: Final = dt.date(2014, 6, 30)

_TWO_NEW_ORGS_FROM: Final = dt.date(2002, 1, 1)
_TWO_NEW_ORGS_TO: Final = dt.date(2011, 12, 31)
_ORG_OPENED: Final[dict[str, dt.date]] = {
    Kind.SCHOOL: AREAS_OPENED,
    Kind.KINDERGARTEN: AREAS_OPENED,
    Kind.CLINIC: AREAS_OPENED,
    Kind.MEMBER_UNIT: AREAS_OPENED,
    Kind.VOLUNTEER_TEAM: dt.date(2012, 3, 5),  # 学雷锋纪念日
    Kind.SERVICE_STATION: dt.date(2014, 3, 8),
}
_DOMESTIC_SERVICE_CENTRE_OPENED: Final = dt.date(2013, 3, 8)
_LOVE_CABIN_OPENED: Final = dt.date(2013, 1, 15)  # 爱心小屋, "since January 2013"
_POST_OPENED: Final[dict[str, dt.date]] = {
    "national": dt.date(2008, 3, 8),
    "region": dt.date(2010, 3, 8),
    "city": dt.date(2011, 3, 8),
    "banner": dt.date(2012, 3, 8),
}
_POST_LEVEL_NOTE: Final[dict[str, str]] = {
    "national": "全国巾帼文明岗",
    "region": "自治区级巾帼文明岗",
    "city": "市级巾帼文明岗",
    "banner": "旗级巾帼文明岗",
}
_SUBKIND_NOTE: Final[dict[str, str]] = {
    "enterprise": "非公有制企业",
    "intermediary": "中介组织",
    "legal_rights": "法律维权",
    "aid": "帮扶救助",
    "family_education": "家庭教育",
    "science_technology": "科技致富",
}


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo user: her role, and the unit it is granted on, as names below the banner."""

    username: str
    role: Role
    role_zh: str
    display_name: str
    # Names of the units from the banner down, each an open child of the one before; empty
    # for the banner itself.
    unit_names: tuple[str, ...]

    @property
    def home(self) -> str:
        """The home unit as people write it: 大沁他拉镇舍力虎村, 奈曼旗妇幼保健所 …"""
        return "".join(self.unit_names) or places.COUNTY.name

    @property
    def role_en(self) -> str:
        with translation.override("en"):
            return str(self.role.label)


DEMO_LOGINS: Final[tuple[DemoLogin, ...]] = (
    DemoLogin("admin", Role.COUNTY_ADMIN, "旗妇联系统管理员", "乌云其其格", ()),
    DemoLogin("staff", Role.COUNTY_STAFF, "旗妇联工作人员", "李淑芬", ()),
    DemoLogin("chair", Role.TOWNSHIP_CHAIR, "乡镇妇联主席", "萨仁高娃", ("大沁他拉镇",)),
    DemoLogin(
        "director", Role.VILLAGE_DIRECTOR, "嘎查村妇联主席", "王桂兰", ("大沁他拉镇", "舍力虎村")
    ),
    DemoLogin(
        "reporter", Role.MEMBER_REPORTER, "成员单位信息员", "刘海燕", ("旗卫生和计划生育局",)
    ),
    DemoLogin("health", Role.HEALTH_WORKER, "妇幼保健人员", "张丽华", ("奈曼旗妇幼保健所",)),
    DemoLogin("auditor", Role.AUDITOR, "审计/纪检人员", "赵建国", ()),
)


@dataclass(frozen=True)
class LoadResult:
    """What `load_demo` did. ``loaded`` is False when the demo was already there."""

    loaded: bool
    seconds: float = 0.0
    units: int = 0
    users: int = 0
    audit_entries: int = 0
    closed: tuple[str, ...] = ()
    open_by_kind: dict[str, int] = field(default_factory=dict)
    people: int = 0
    households: int = 0
    programmes: int = 0
    enrolments: int = 0
    benefits: int = 0
    # True when the tree was already there and only what it lacked (people, programmes) was
    # loaded.
    into_existing_tree: bool = False


def _day_between(key: str, first: dt.date, last: dt.date) -> dt.date:
    """A day in [first, last] that depends only on `key` (crc32 is stable across runs)."""
    span = (last - first).days + 1
    return first + dt.timedelta(days=zlib.crc32(key.encode()) % span)


def womens_home_opened(key: str) -> dt.date:
    """The opening day of the Women's Home of the unit with code (or name) `key`."""
    return _day_between(key, WOMENS_HOMES_FROM, WOMENS_HOMES_TO)


def org_opened(org: Org) -> dt.date:
    """A plausible, fixed opening day for an organisation of `places.ORGANISATIONS`."""
    if org.kind == Kind.TWO_NEW_ORG:
        return _day_between(org.name, _TWO_NEW_ORGS_FROM, _TWO_NEW_ORGS_TO)
    if org.kind == Kind.CIVILISED_POST:
        return _POST_OPENED[org.level or "banner"]
    if org.kind == Kind.SERVICE_STATION and org.area_code == places.COUNTY_CODE:
        return _DOMESTIC_SERVICE_CENTRE_OPENED
    if "爱心小屋" in org.name:
        return _LOVE_CABIN_OPENED
    return _ORG_OPENED[org.kind]


def org_note(org: Org) -> str:
    """Level, subkind and aliases of an organisation, short, for `OrgUnit.note`."""
    parts: list[str] = []
    if org.level:
        parts.append(_POST_LEVEL_NOTE[org.level])
    if org.subkind:
        parts.append(_SUBKIND_NOTE[org.subkind])
    if org.aliases:
        parts.append("简称：" + "、".join(org.aliases))
    return "；".join(parts)


def demo_loaded() -> bool:
    return OrgUnit.objects.filter(code=places.COUNTY_CODE).exists()


def demo_unit(names: Sequence[str]) -> OrgUnit:
    """The open unit reached from the banner through the open children named `names`."""
    unit = OrgUnit.objects.get(code=places.COUNTY_CODE)
    for name in names:
        unit = OrgUnit.objects.get(parent=unit, name=name, closed_on__isnull=True)
    return unit


def _create_township(banner: OrgUnit, township: Township) -> dict[str, OrgUnit]:
    """The township, its federation and its villages; returns the areas by code."""
    unit = orgunit_create(
        actor=None,
        parent=banner,
        name=township.name,
        kind=township.kind,
        code=township.code,
        opened_on=AREAS_OPENED,
    )
    orgunit_create(
        actor=None,
        parent=unit,
        name=f"{township.name}{FEDERATION_SUFFIX}",
        kind=Kind.FEDERATION,
        opened_on=AREAS_OPENED,
    )
    areas = {unit.code: unit}
    for village in township.villages:
        areas[village.code] = orgunit_create(
            actor=None,
            parent=unit,
            name=village.name,
            kind=village.kind,
            code=village.code,
            opened_on=AREAS_OPENED,
        )
    return areas


def _merge_township(areas: dict[str, OrgUnit]) -> None:
    """白音昌乡 into 新镇 on 2006-04-01: first the federations, then the townships."""
    source = areas[places.township_named(MERGED_TOWNSHIP).code]
    target = areas[places.township_named(MERGE_TARGET).code]
    orgunit_merge(
        actor=None,
        sources=[OrgUnit.objects.get(parent=source, kind=Kind.FEDERATION)],
        target=OrgUnit.objects.get(parent=target, kind=Kind.FEDERATION),
        on=MERGED_ON,
    )
    orgunit_merge(actor=None, sources=[source], target=target, on=MERGED_ON)


def _create_womens_home(parent: OrgUnit, key: str) -> OrgUnit:
    return orgunit_create(
        actor=None,
        parent=parent,
        name=f"{parent.name}{WOMENS_HOME_SUFFIX}",
        kind=Kind.WOMENS_HOME,
        opened_on=womens_home_opened(key),
    )


def _load_tree() -> OrgUnit:
    banner = orgunit_create(
        actor=None,
        parent=None,
        name=places.COUNTY.name,
        kind=places.COUNTY.kind,
        code=places.COUNTY.code,
        opened_on=AREAS_OPENED,
    )
    orgunit_create(
        actor=None,
        parent=banner,
        name=COUNTY_FEDERATION,
        kind=Kind.FEDERATION,
        opened_on=AREAS_OPENED,
    )
    areas: dict[str, OrgUnit] = {banner.code: banner}
    for township in places.TOWNSHIPS:
        areas.update(_create_township(banner, township))

    two_new_orgs: list[OrgUnit] = []
    for org in places.ORGANISATIONS:
        unit = orgunit_create(
            actor=None,
            parent=areas[org.area_code],
            name=org.name,
            kind=org.kind,
            opened_on=org_opened(org),
            note=org_note(org),
        )
        if org.kind == Kind.TWO_NEW_ORG:
            two_new_orgs.append(unit)

    # Before the Women's Homes: a merge moves whole subtrees and dates their new versions.
    _merge_township(areas)

    for _, village in places.all_villages():
        # Re-read: the merge has moved some villages (their paths changed).
        _create_womens_home(OrgUnit.objects.get(pk=areas[village.code].pk), village.code)
    for unit in two_new_orgs:
        _create_womens_home(unit, unit.name)
    return banner


def _load_users() -> list[User]:
    users = []
    for login in DEMO_LOGINS:
        users.append(
            user_create(
                actor=None,
                username=login.username,
                password=DEMO_PASSWORD,
                display_name=login.display_name,
                grants=[(login.role, demo_unit(login.unit_names))],
                must_change_password=False,
            )
        )
    return users


def open_units_by_kind(banner: OrgUnit) -> dict[str, int]:
    """Open units under (and including) the banner, by kind, in the order of `Kind`."""
    counts = Counter(
        OrgUnit.objects.subtree(banner)
        .filter(closed_on__isnull=True)
        .values_list("kind", flat=True)
    )
    return {str(kind): counts[kind] for kind in Kind if counts[kind]}


def _load_people_and_programmes(
    result: LoadResult, *, with_people: bool = True, with_programmes: bool = True
) -> LoadResult:
    """The people and the programmes (unless there already), then the activities and the
    donations, counted in `result`."""
    added = people.load_people() if with_people else None
    given = programmes.load_programmes() if with_programmes else None
    happened = activities.load()
    aid = donations.load()
    _load_paragraphs()
    return aid.added_to(
        replace(
            result,
            people=(added.people if added else 0)
            + (given.people if given else 0)
            + happened.people,
            households=(added.households if added else 0) + (given.households if given else 0),
            programmes=given.programmes if given else 0,
            enrolments=given.enrolments if given else 0,
            benefits=given.benefits if given else 0,
        )
    )


def _load_paragraphs() -> None:
    """The banner's own words for its annual summary: the 2014 summary's sentences with its
    figures as placeholders (`jinguo.reports.defaults.NAIMAN_2014`)."""
    banner = OrgUnit.objects.get(code=places.COUNTY_CODE)
    county_copy_load(banner)


def load_demo() -> LoadResult:
    """Load the demo in one transaction, unless it is already there; a database that has the
    tree but not the people, the programmes, the activities or the donations gets what it
    lacks."""
    started = time.perf_counter()
    audit_before = AuditEntry.objects.count()
    if demo_loaded():
        has_people = people.people_loaded()
        has_programmes = has_people and programmes.programmes_loaded()
        if has_programmes and activities.activities_loaded() and donations.donations_loaded():
            with transaction.atomic():
                _load_paragraphs()  # a database loaded before the summary had its paragraphs
            return LoadResult(loaded=False)
        with transaction.atomic():
            result = _load_people_and_programmes(
                LoadResult(loaded=True, into_existing_tree=True),
                with_people=not has_people,
                with_programmes=not has_programmes,
            )
        return replace(
            result,
            seconds=time.perf_counter() - started,
            audit_entries=AuditEntry.objects.count() - audit_before,
        )
    with transaction.atomic():
        banner = _load_tree()
        users = _load_users()
        result = _load_people_and_programmes(LoadResult(loaded=True, users=len(users)))
    subtree = OrgUnit.objects.subtree(banner)
    return replace(
        result,
        seconds=time.perf_counter() - started,
        units=subtree.count(),
        audit_entries=AuditEntry.objects.count() - audit_before,
        closed=tuple(subtree.filter(closed_on__isnull=False).values_list("name", flat=True)),
        open_by_kind=open_units_by_kind(banner),
    )


_KIND_ZH: Final[dict[str, str]] = {
    **places.AREA_KINDS,
    Kind.FEDERATION: "妇联",
    Kind.WOMENS_HOME: "妇女之家",
    Kind.TWO_NEW_ORG: "两新组织",
    Kind.SCHOOL: "学校",
    Kind.KINDERGARTEN: "幼儿园",
    Kind.CLINIC: "医疗卫生机构",
    Kind.MEMBER_UNIT: "妇儿工委成员单位",
    Kind.SERVICE_STATION: "巾帼家政服务中心、站",
    Kind.VOLUNTEER_TEAM: "巾帼志愿服务队",
    Kind.CIVILISED_POST: "巾帼文明岗",
}


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    indent: str = "  ",
) -> str:
    """A plain-text table whose columns line up in a terminal, CJK included.

    Columns whose index is in `right` are right-aligned (numbers).
    """
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["─" * w for w in widths], *rows]
    return "\n".join(
        indent
        + "  ".join(
            _pad(cell, w, right=i in right)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def logins_table() -> str:
    """The demo logins, for the console: role (Chinese and English), username, password, unit."""
    rows = [
        [login.role_zh, login.role_en, login.username, DEMO_PASSWORD, login.home]
        for login in DEMO_LOGINS
    ]
    header = ["角色", "Role", "Username", "Password", "Home unit 单位"]
    return f"  Demo logins 演示账号\n{format_table(header, rows)}\n"


def summary_table(result: LoadResult) -> str:
    """Open units by kind, for the end of a load."""
    rows = [
        [kind, _KIND_ZH.get(kind, ""), str(count)] for kind, count in result.open_by_kind.items()
    ]
    rows.append(["total", "合计", str(sum(result.open_by_kind.values()))])
    return format_table(["Open units by kind", "类别", "Count"], rows, right={2})
