"""The people registry at scale: search, the person page and the probable-duplicate scan.

`BENCH_PEOPLE` people (default 100,000; 1,000,000 for the PostgreSQL figures) over a tree of
`COUNTIES` counties × `TOWNSHIPS` townships × `VILLAGES` villages, in households of one to six,
with a registry consent for everyone who has an ID number or a phone and a category for about
one in twenty. About 0.3 % are second records of someone already registered (no ID number, a
homophone or the same name, a near or equal birth date, the same village), which is what the
duplicate scan is for.

Rows are generated in chunks of `CHUNK` people by `GENERATORS` worker processes, each chunk
with its own seeded random source, and written with COPY (PostgreSQL) or executemany (SQLite),
not through the services or the ORM: the ID number and phone are encrypted here with
`core.crypto.encrypt` and their blind indexes, the pinyin and the initials computed with the
functions the services use, so the stored rows are exactly what `person_register` writes.

Then, side by side, through the real read path (`people.selectors` as a county administrator
of one of the counties, first page of 50): ID-number search, pinyin-prefix search (five
letters of the full pinyin, two initials), name-prefix search (surname and one character;
the surname alone), the person page (`person_get`, `person_timeline`, the household's
members), and one run of `jinguo.people.dedup.duplicates_scan` over everyone. Each is
reported as p95 against an absolute goal. `BENCH_EXPLAIN=1` also prints the query plans of
the searches (EXPLAIN ANALYZE on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import importlib
import multiprocessing
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from bench.harness import GoalRow, against_goal
from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.core.crypto import encrypt
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people import idnumbers
from jinguo.people.models import Household, Membership, Person
from jinguo.people.selectors import (
    PersonFilter,
    household_members,
    person_get,
    person_list,
    person_timeline,
)
from jinguo.people.services import id_index, name_pinyin, phone_index
from jinguo.testing import make_user

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
COUNTIES, TOWNSHIPS, VILLAGES = 4, 12, 20
# People per generated chunk: at most 10,000, and at least four chunks per county.
CHUNK = min(10_000, max(500, PEOPLE // (COUNTIES * 4)))
GENERATORS = 2
PAGE = 50
OPENED = dt.date(2000, 1, 1)
PROVINCE_CODE = "65"  # away from bench_subtree's units, which share the database

GOAL_ID = 0.020
GOAL_SEARCH = 0.100
GOAL_PAGE = 0.100  # not set in the brief: taken as the search goal
GOAL_SCAN = 60.0

# Surnames with roughly their share of the population (percent), then Mongolian names worn
# without a surname, as in Inner Mongolia.
SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.5), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("赵", 2.3),
    ("黄", 2.2), ("周", 2.1), ("吴", 2.0), ("徐", 1.7), ("孙", 1.6), ("胡", 1.3), ("朱", 1.3),
    ("高", 1.2), ("林", 1.2), ("何", 1.2), ("郭", 1.1), ("马", 1.1), ("罗", 0.9), ("梁", 0.8),
    ("宋", 0.8), ("郑", 0.8), ("谢", 0.7), ("韩", 0.7), ("唐", 0.7), ("冯", 0.7), ("于", 0.6),
    ("董", 0.6), ("程", 0.6), ("曹", 0.6), ("袁", 0.5), ("邓", 0.5), ("许", 0.5), ("傅", 0.5),
    ("沈", 0.5), ("曾", 0.5), ("彭", 0.5), ("吕", 0.5), ("包", 0.8), ("白", 0.8), ("宝", 0.3),
    ("鲍", 0.3), ("佟", 0.3), ("海", 0.2), ("那", 0.2), ("敖", 0.2), ("", 8.0),
)  # fmt: skip
FEMALE_CHARS = (
    "芳丽娟敏静秀英华玉兰红霞梅艳燕凤云莉琴洁桂珍萍雪琳慧婷欣怡佳雨涵晶颖丹淑春香翠荣美娜倩薇月"
)
MALE_CHARS = "伟强军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆磊峰东海林龙志国建文永春立成德福庆利江"
MONGOL_FEMALE = (
    "其其格 乌云 斯琴 萨仁 格日勒 托娅 图雅 高娃 敖登 娜仁 塔娜 乌兰 苏日娜 萨日娜 乌日娜 "
    "诺敏 希日莫 阿拉腾花 萨如拉 格根图雅"
)
MONGOL_MALE = (
    "巴特尔 巴图 额尔敦 特木尔 朝鲁 宝音 孟和 那日苏 苏和 阿拉坦 哈斯 吉日嘎拉 巴雅尔 布和 "
    "乌力吉 图门 阿如汉 特日格乐 额日和木 宝力德"
)
# Characters a clerk may type for one another (同音字): the duplicates use them.
HOMOPHONES = dict(
    zip("芳丽红英华玉兰云伟军明刚峰海林", "方莉宏瑛桦钰岚芸玮君铭钢锋凯琳", strict=True)
)
PHONE_PREFIXES = (
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
)  # fmt: skip
CATEGORIES = ("low_income", "disabled", "registered_poor", "single_mother", "empty_nest_elderly")

PERSON_COLUMNS = (
    "id", "name", "name_pinyin", "name_initials", "sex", "ethnicity", "birth_date", "id_number",
    "id_number_index", "phone", "phone_index", "phone_tail", "residence_id", "county_code",
    "hukou", "education", "marital_status", "occupation", "notes", "version", "created_at",
    "updated_at",
)  # fmt: skip
HOUSEHOLD_COLUMNS = (
    "id",
    "code",
    "residence_id",
    "county_code",
    "address",
    "version",
    "created_at",
)
MEMBERSHIP_COLUMNS = ("household_id", "person_id", "relation", "start")
CONSENT_COLUMNS = (
    "person_id", "purpose", "scope", "given_by", "giver_name", "given_on", "recorded_at",
)  # fmt: skip
CATEGORY_COLUMNS = (
    "person_id", "category", "start", "disability_type", "disability_grade", "note",
    "recorded_at",
)  # fmt: skip


TABLES = (
    "people_person",
    "people_household",
    "people_membership",
    "people_consent",
    "people_categoryperiod",
    "orgunits_orgunit",
)


@dataclass(frozen=True)
class Plan:
    """What the workers need to know: ids to start from, villages per county."""

    people: int
    person_base: int
    household_base: int
    villages: dict[str, list[int]]  # county code → village unit ids
    chunks_per_county: int


@dataclass
class Chunk:
    people: list[tuple[Any, ...]] = field(default_factory=list)
    households: list[tuple[Any, ...]] = field(default_factory=list)
    memberships: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    categories: list[tuple[Any, ...]] = field(default_factory=list)
    # (pk, name, pinyin, initials, id_number) of about one person in 200, for the queries.
    samples: list[tuple[int, str, str, str, str | None]] = field(default_factory=list)
    county: str = ""


# --- the tree ----------------------------------------------------------------------------------


def _build_tree() -> dict[str, list[int]]:
    """Province → counties → townships → villages, bulk-inserted with computed paths."""
    with transaction.atomic():
        province = OrgUnit.objects.create(
            code=PROVINCE_CODE, name="区", kind=Kind.PROVINCE, path="/p65/", depth=0,
            opened_on=OPENED,
        )  # fmt: skip
        province.path = f"/{province.pk}/"
        province.save(update_fields=["path"])
        level = [province]
        plan = [(Kind.BANNER, COUNTIES), (Kind.TOWN, TOWNSHIPS), (Kind.VILLAGE, VILLAGES)]
        for kind, per_parent in plan:
            new = []
            for parent in level:
                for i in range(1, per_parent + 1):
                    if kind == Kind.BANNER:
                        code = f"{PROVINCE_CODE}{i:02d}{i:02d}"
                    else:
                        code = f"{parent.code}{100 + i if kind == Kind.TOWN else 200 + i:03d}"
                    new.append(
                        OrgUnit(
                            code=code,
                            name=f"{kind}{code[-3:]}",
                            kind=kind,
                            parent=parent,
                            path=f"/new/{code}/",
                            depth=parent.depth + 1,
                            county_code=code[:6] if kind != Kind.PROVINCE else "",
                            opened_on=OPENED,
                        )
                    )
            OrgUnit.objects.bulk_create(new, batch_size=2000)
            created = list(
                OrgUnit.objects.filter(code__in=[u.code for u in new]).select_related("parent")
            )
            for unit in created:
                assert unit.parent is not None
                unit.path = f"{unit.parent.path}{unit.pk}/"
            OrgUnit.objects.bulk_update(created, ["path"], batch_size=2000)
            level = created
    villages: dict[str, list[int]] = {}
    for unit in sorted(level, key=lambda u: u.code):
        villages.setdefault(unit.county_code, []).append(unit.pk)
    return villages


# --- generation (in worker processes) ---------------------------------------------------------


@lru_cache(maxsize=400_000)
def _pinyin(name: str) -> tuple[str, str]:
    return name_pinyin(name)


# Birth years of a rural county's registry (children, working adults, the elderly), by share.
BIRTH_YEARS = (((1925, 1944), 8), ((1945, 1964), 27), ((1965, 1994), 42), ((1995, 2013), 23))


def _birth(rng: random.Random) -> dt.date:
    first, last = rng.choices([b for b, _ in BIRTH_YEARS], [w for _, w in BIRTH_YEARS])[0]
    return dt.date(rng.randint(first, last), 1, 1) + dt.timedelta(days=rng.randint(0, 364))


_SURNAMES = tuple(s for s, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in SURNAMES)
_MONGOL = {"F": MONGOL_FEMALE.split(), "M": MONGOL_MALE.split()}
_CHARS = {"F": FEMALE_CHARS, "M": MALE_CHARS}


def _name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    family = surname if surname is not None else rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
    if not family:
        return rng.choice(_MONGOL[sex])
    chars = _CHARS[sex]
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return family + given


def _misspelt(rng: random.Random, name: str) -> str:
    """The same name as another clerk may type it: a homophone, or the very same."""
    swaps = [i for i, ch in enumerate(name) if ch in HOMOPHONES and i > 0]
    if not swaps or rng.random() < 0.4:
        return name
    i = rng.choice(swaps)
    return name[:i] + HOMOPHONES[name[i]] + name[i + 1 :]


def _near(rng: random.Random, born: dt.date) -> dt.date:
    """The same birth date, or the day and month swapped, or another day of the month."""
    roll = rng.random()
    if roll < 0.6:
        return born
    if roll < 0.8 and born.day <= 12 and born.day != born.month:
        return born.replace(month=born.day, day=born.month)
    return born.replace(day=rng.randint(1, 28))


def _encrypted(value: str | None, context: str) -> str | None:
    return encrypt(value, context=context) if value else None


def generate_chunk(args: tuple[Plan, int]) -> Chunk:
    """Chunk `number`: people, households, memberships, consents and categories as rows."""
    plan, number = args
    rng = random.Random(f"jinguo-bench-people-{number}")
    counties = sorted(plan.villages)
    county = counties[number % len(counties)]
    villages = plan.villages[county]
    # ID numbers stay unique across chunks: each chunk of a county has its own order codes.
    per_chunk = 500 // plan.chunks_per_county
    first_sequence = (number // len(counties)) * per_chunk
    used: set[tuple[dt.date, str, int]] = set()
    first = number * CHUNK
    size = min(CHUNK, plan.people - first)
    now = timezone.now()
    id_context = Person._meta.get_field("id_number").encryption_context
    phone_context = Person._meta.get_field("phone").encryption_context
    out = Chunk(county=county)
    household_pk = plan.household_base + number * CHUNK
    index = 0
    while index < size:
        household_pk += 1
        village = rng.choice(villages)
        members = min(size - index, rng.choices((1, 2, 3, 4, 5, 6), (12, 25, 25, 20, 12, 6))[0])
        surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
        since = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 8000))
        head_name = ""
        out.households.append((household_pk, f"B{household_pk:011d}", village, county, "", 1, now))
        previous: tuple[str, str, dt.date] | None = None
        for position in range(members):
            pk = plan.person_base + first + index + 1
            index += 1
            if previous is not None and rng.random() < 0.003 * members:
                # A second record of the person before: no ID number, typed again.
                name, sex, born = previous
                name, born, has_id = _misspelt(rng, name), _near(rng, born), False
            else:
                sex = rng.choice("FM")
                name = _name(rng, sex, surname if position and rng.random() < 0.6 else None)
                born = _birth(rng)
                has_id = rng.random() < 0.88
            previous = (name, sex, born)
            number_id = None
            if has_id:
                for sequence in range(first_sequence, first_sequence + per_chunk):
                    if (born, sex, sequence) not in used:
                        used.add((born, sex, sequence))
                        number_id = idnumbers.generate(county, born, sex, sequence)
                        break
            adult = born.year <= 1996
            phone = ""
            if adult and rng.random() < 0.75:
                phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
            full, initials = _pinyin(name)
            out.people.append(
                (
                    pk, name, full, initials, sex, rng.choice(("01", "02", "01", "02", "11")),
                    born, _encrypted(number_id, id_context),
                    id_index(number_id) if number_id else None,
                    _encrypted(phone, phone_context), phone_index(phone), phone[-4:],
                    village, county, "rural", "", "", "", "", 1, now, now,
                )
            )  # fmt: skip
            head_name = head_name or name
            relation = "head" if position == 0 else rng.choice(("spouse", "child", "grandchild"))
            out.memberships.append((household_pk, pk, relation, max(since, born)))
            if number_id or phone:
                minor = born.year > 2000
                out.consents.append(
                    (
                        pk, "registry", "登记与服务", "guardian" if minor else "self",
                        head_name if minor else name, dt.date(2014, 1, 1) + dt.timedelta(
                            days=rng.randint(0, 900)), now,
                    )
                )  # fmt: skip
            if rng.random() < 0.05:
                category = rng.choice(CATEGORIES)
                disabled = category == "disabled"
                out.categories.append(
                    (
                        pk, category, dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 1000)),
                        "physical" if disabled else "", 2 if disabled else None, "", now,
                    )
                )  # fmt: skip
            if rng.random() < 0.005:
                out.samples.append((pk, name, full, initials, number_id))
    return out


# --- writing -----------------------------------------------------------------------------------


def _write(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608


def _drop_indexes() -> list[str]:
    """Drop the secondary indexes of the people tables; returns their definitions.

    Loading a million rows into tables with some twenty indexes each maintained row by row
    is several times slower than building them afterwards. Primary keys and unique
    constraints stay; partial unique indexes (one current household, one head) are rebuilt,
    which checks them.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(TABLES[:-1])],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _chunks(plan: Plan) -> Iterator[Chunk]:
    numbers = [(plan, n) for n in range((plan.people + CHUNK - 1) // CHUNK)]
    if GENERATORS <= 1 or len(numbers) <= 1:
        yield from map(generate_chunk, numbers)
        return
    connections.close_all()  # the workers are forked: they must not share the connection
    with multiprocessing.get_context("fork").Pool(GENERATORS) as pool:
        yield from pool.imap(generate_chunk, numbers)


@dataclass
class Loaded:
    seconds: float
    samples: dict[str, list[tuple[int, str, str, str, str | None]]]
    counts: dict[str, int]


def _load(villages: dict[str, list[int]]) -> Loaded:
    started = time.perf_counter()
    chunks = (PEOPLE + CHUNK - 1) // CHUNK
    plan = Plan(
        people=PEOPLE,
        person_base=(Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0),
        household_base=(
            Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ),
        villages=villages,
        chunks_per_county=(chunks + len(villages) - 1) // len(villages),
    )
    samples: dict[str, list[tuple[int, str, str, str, str | None]]] = {}
    counts = dict.fromkeys(("people", "households", "memberships", "consents", "categories"), 0)
    indexes = _drop_indexes() if connection.vendor == "postgresql" else []
    for chunk in _chunks(plan):
        with transaction.atomic():
            _write("people_person", PERSON_COLUMNS, chunk.people)
            _write("people_household", HOUSEHOLD_COLUMNS, chunk.households)
            _write("people_membership", MEMBERSHIP_COLUMNS, chunk.memberships)
            _write("people_consent", CONSENT_COLUMNS, chunk.consents)
            _write("people_categoryperiod", CATEGORY_COLUMNS, chunk.categories)
        samples.setdefault(chunk.county, []).extend(chunk.samples)
        for name in counts:
            counts[name] += len(getattr(chunk, name))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for definition in indexes:
                cursor.execute(definition)
            for table in ("people_person", "people_household"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    return Loaded(time.perf_counter() - started, samples, counts)


# --- the queries ---------------------------------------------------------------------------------


def _search(actor: User) -> Callable[[str], int]:
    def run(text: str) -> int:
        return len(list(person_list(actor, PersonFilter(search=text))[:PAGE]))

    return run


def _person_page(actor: User) -> Callable[[int], int]:
    def run(pk: int) -> int:
        person = person_get(actor, pk)
        entries = person_timeline(actor, person)
        current = (
            Membership.objects.filter(person=person, end__isnull=True)
            .select_related("household")
            .first()
        )
        members = list(household_members(current.household)) if current else []
        return len(entries) + len(members)

    return run


def _explain(actor: User, label: str, text: str) -> None:
    queryset = person_list(actor, PersonFilter(search=text))[:PAGE]
    options: dict[str, Any] = {"analyze": True, "buffers": True}
    plan = queryset.explain(**options) if connection.vendor == "postgresql" else queryset.explain()
    print(f"\n--- EXPLAIN {label}: search={text!r}\n{plan}")


def _dedup_scan() -> GoalRow:
    label = f"duplicate scan, all {PEOPLE:,} people"
    try:
        dedup = importlib.import_module("jinguo.people.dedup")
        scan = dedup.duplicates_scan
    except (ImportError, AttributeError):
        return GoalRow(
            label, "one run", None, None, GOAL_SCAN,
            "jinguo.people.dedup.duplicates_scan does not exist yet",
        )  # fmt: skip
    started = time.perf_counter()
    try:
        result = scan()
    except Exception as error:  # work in progress elsewhere must not stop the whole run
        return GoalRow(label, "one run", None, None, GOAL_SCAN, f"failed: {error!r}")
    seconds = time.perf_counter() - started
    note = (
        f"{result.people_scanned:,} scanned, {result.candidate_pairs:,} candidate pairs, "
        f"{result.pairs_recorded:,} recorded"
    )
    return GoalRow(label, "one run", seconds, seconds, GOAL_SCAN, note)


def run() -> list[GoalRow]:
    villages = _build_tree()
    loaded = _load(villages)
    counties = sorted(villages)
    county_code = counties[len(counties) // 2]
    county = OrgUnit.objects.get(code=county_code)
    admin = make_user("bench-county-admin", Role.COUNTY_ADMIN, county)
    samples = loaded.samples[county_code]
    rng = random.Random(2014)
    picked = [rng.choice(samples) for _ in range(QUERIES)]
    ids = [s[4] for s in samples if s[4]]
    id_queries = [rng.choice(ids) for _ in range(QUERIES)]
    pinyin5 = [s[2][:5] for s in picked]
    initials2 = [s[3][:2] for s in picked if len(s[3]) >= 2]
    name2 = [s[1][:2] for s in picked]
    name1 = [s[1][:1] for s in picked]
    pages = [s[0] for s in picked]
    per_person = (loaded.seconds / PEOPLE) * 1e6
    print(
        f"\nbench_people: {loaded.counts['people']:,} people, {loaded.counts['households']:,} "
        f"households, {loaded.counts['consents']:,} consents, {loaded.counts['categories']:,} "
        f"categories generated and written in {loaded.seconds:.1f} s ({per_person:.0f} µs a "
        f"person, {GENERATORS} generator processes); queries as the administrator of "
        f"{county_code} ({len(villages[county_code]):,} villages)"
    )
    if EXPLAIN:
        for label, text in (
            ("ID number", id_queries[0]),
            ("full pinyin prefix", "wangf"),
            ("initials", "wf"),
            ("name prefix", "王秀"),
            ("surname alone", "王"),
        ):
            _explain(admin, label, text)
    search = _search(admin)
    found: list[int] = []
    by_id = against_goal(
        "ID-number search (exact, blind index)",
        lambda number: found.append(search(number)),
        id_queries,
        goal_seconds=GOAL_ID,
    )
    return [
        replace(by_id, note=f"{sum(found)} found in {len(found)} searches"),
        against_goal("pinyin prefix search, 5 letters (e.g. wangf)", search, pinyin5,
                     goal_seconds=GOAL_SEARCH),
        against_goal("pinyin initials search, 2 letters (e.g. wf)", search, initials2,
                     goal_seconds=GOAL_SEARCH),
        against_goal("name prefix search, 2 characters (e.g. 王秀)", search, name2,
                     goal_seconds=GOAL_SEARCH),
        against_goal("name prefix search, surname alone (e.g. 王)", search, name1,
                     goal_seconds=GOAL_SEARCH),
        against_goal("person list, first page, no search", lambda _: search(""), range(50),
                     goal_seconds=GOAL_PAGE, note="goal assumed"),
        against_goal("person page (get, timeline, household)", _person_page(admin), pages,
                     goal_seconds=GOAL_PAGE, note="goal assumed"),
        _dedup_scan(),
    ]  # fmt: skip
