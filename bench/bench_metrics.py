"""The metrics engine at provincial size (issue 8): the dashboard's figures, the cost of keeping
them fresh, and the annual summary.

PostgreSQL only (skipped on SQLite). The data live in a database of their own on the same
server, ``jinguo_bench_metrics_p<people>_f<facts>`` (or ``BENCH_METRICS_DATABASE``), built once
and reused by later runs; ``BENCH_METRICS_REBUILD=1`` builds it again.

The data: a region (15) → a city (1505) → three counties (开鲁县 150523, 库伦旗 150524,
奈曼旗 150525) → 15 townships each → 27 villages or gacha each (1,215 villages, nine in ten
with a Women's Home), a volunteer team in each township; `BENCH_METRICS_PEOPLE` people
(default 100,000; 1,000,000 for the figures in docs/performance.md) spread evenly over the
villages; `BENCH_METRICS_FACTS` fact rows (default 1,000,000; 10,000,000), half benefits and
half attendance, dated 2013–2015:

* benefits: seven programmes per county (the demo's names; six deliver benefits, one lends),
  each with a cycle a year; one enrolment for eight benefits, a person enrolled once per
  cycle; cash (with a fund), goods (a quantity) or a service, on days spread over the year;
* attendance: one activity for about 25 attendance rows (a tenth of the activities count
  participants by group instead), held in a village (four in five, recorded by the township)
  or recorded by the village itself; three in ten are trainings;
* and, so that no headline figure is empty, at the scale of the people: left-behind children
  and single mothers (categories), loans (one in 200 people), donations (one in 100),
  aid from donations (one in 50), volunteers (one in 100) and caring-mother pairings (one in
  500).

Everything is written with ``INSERT … SELECT generate_series`` in SQL, with the secondary
indexes dropped during the load and rebuilt after it, and with triggers (foreign-key checks,
metrics marks) off (``session_replication_role = replica``): the rows are consistent by
construction. Then, in order:

1. the initial tally: `engine.refresh()` after `triggers.install()` marked every source;
2. the triggers' cost: `BENCH_METRICS_INSERT_ROWS` (100,000) benefits, then as many
   attendance rows, inserted in one statement with and without the metrics triggers, in a
   transaction rolled back (dropping the triggers inside it is rolled back too, so no
   re-install and no full recount follows);
3. the dashboard's metric set (the headline metrics) for the county 奈曼旗 and for the region,
   year 2014: cold (first read), then warm, `BENCH_METRICS_RUNS` times (200), against the same
   figures from the fact tables: `engine.compute` per metric, and one hand-written aggregate
   query per source (``FILTER`` clauses, the same joins and indexes) — every value is checked
   equal to the engine's; then the first read after one new benefit or attendance row in a
   village (refresh + read, checked fresh), and the engine calls of the whole dashboard page
   (warm, after a new benefit, and with nothing cached);
4. the annual summary of the county for 2014 (`jinguo.reports.summary`), built and rendered
   to .docx.

    BENCH_METRICS_BASELINE_RUNS=10   timed runs of each baseline (capped at 90 s each)
    BENCH_METRICS_FRESH_RUNS=20      new records for the first-read-after-a-write measure
    BENCH_EXPLAIN=1                  print the plans of the baseline queries
"""

# ruff: noqa: S608 - the SQL is built from constants and model metadata, never from input
from __future__ import annotations

import datetime as dt
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from bench.bench_people import FEMALE_CHARS, MALE_CHARS, SURNAMES
from bench.harness import GoalRow, RateRow, Row, p95
from jinguo.metrics import engine, periods, registry, triggers
from jinguo.metrics.periods import Period
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.services import name_pinyin

PEOPLE = int(os.environ.get("BENCH_METRICS_PEOPLE", "100000"))
FACTS = int(os.environ.get("BENCH_METRICS_FACTS", "1000000"))
REBUILD = os.environ.get("BENCH_METRICS_REBUILD", "") not in ("", "0")
RUNS = int(os.environ.get("BENCH_METRICS_RUNS", "200"))
BASELINE_RUNS = int(os.environ.get("BENCH_METRICS_BASELINE_RUNS", "10"))
FRESH_RUNS = int(os.environ.get("BENCH_METRICS_FRESH_RUNS", "20"))
PAGE_RUNS = 3  # the dashboard page after a new benefit (seconds each at 10M facts)
INSERT_ROWS = int(os.environ.get("BENCH_METRICS_INSERT_ROWS", "100000"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
BASELINE_BUDGET = 90.0  # seconds of timing per baseline measure, at least 3 runs

GOAL_READ = 0.100
GOAL_RATIO = 20.0
GOAL_SUMMARY = 3.0

REGION = ("15", "内蒙古自治区", Kind.PROVINCE)
CITY = ("1505", "通辽市", Kind.CITY)
COUNTIES = (
    ("150523", "开鲁县", Kind.COUNTY),
    ("150524", "库伦旗", Kind.BANNER),
    ("150525", "奈曼旗", Kind.BANNER),
)
BENCH_COUNTY = "150525"
TOWNSHIPS, VILLAGES = 15, 27
VILLAGE_COUNT = len(COUNTIES) * TOWNSHIPS * VILLAGES
OPENED = dt.date(2000, 1, 1)
YEARS = (2013, 2014, 2015)
YEAR = 2014
SHANGHAI = ZoneInfo("Asia/Shanghai")
BENEFITS_PER_ENROLMENT = 8
ATTENDEES = 25
STEP = 7919  # a prime: i * STEP mod PEOPLE visits every person once

# Seven programmes per county: six that deliver benefits (the demo's names where it has them),
# then the loan programme. (slot, name, programme kind, benefit kind, item, measure)
PROGRAMMES = (
    (0, "何崇本先生助学项目", "sponsorship", "cash", "助学金", ""),
    (1, "“三八”节贫困单亲母亲救助", "cash_aid", "cash", "救助金", ""),
    (2, "“两癌”贫困妇女救助", "cash_aid", "cash", "救助金", ""),
    (3, "包扶村化肥救助", "in_kind_aid", "goods", "化肥", "袋"),
    (4, "母亲邮包", "in_kind_aid", "goods", "母亲邮包", "件"),
    (5, "巾帼家政服务", "service", "service", "上门服务", ""),
)
LOAN_SLOT, LOAN_NAME = 6, "自治区妇联贴息贷款"
ACTIVITY_KINDS = (
    ("training", "种养殖技术培训"),
    ("training", "家政服务培训"),
    ("training", "手工编织培训"),
    ("talk", "家庭教育讲座"),
    ("talk", "法律知识讲座"),
    ("visit", "走访慰问"),
    ("publicity", "普法宣传"),
    ("meeting", "妇女议事会"),
    ("free_clinic", "义诊"),
    ("ceremony", "表彰大会"),
)
T = TypeVar("T")


def _say(text: str) -> None:
    print(f"  metrics: {text}", flush=True)


@dataclass(frozen=True)
class Scale:
    people: int
    benefits: int
    attendance: int

    @property
    def enrolments(self) -> int:
        return max(18, self.benefits // BENEFITS_PER_ENROLMENT)

    @property
    def attendance_activities(self) -> int:
        return max(9, self.attendance // ATTENDEES)

    @property
    def activities(self) -> int:
        # Every tenth activity counts participants by group; the other nine take names.
        return (self.attendance_activities // 9 + 1) * 10

    @property
    def tag(self) -> str:
        return f"p{self.people}_f{self.benefits + self.attendance}"


SCALE = Scale(PEOPLE, FACTS // 2, FACTS - FACTS // 2)


# --- the database ------------------------------------------------------------------------------


def _execute(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> None:
    """Run `sql` (always with parameters, so that ``%%`` is a per cent sign everywhere)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rows(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _scalar(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    return _rows(sql, params)[0][0]


@contextmanager
def _dedicated_database() -> Iterator[tuple[str, bool]]:
    """Point the default connection at the bench database (created when missing) for the
    duration; yields its name and whether its data are already there."""
    conn = connections["default"]
    original = conn.settings_dict["NAME"]
    name = os.environ.get("BENCH_METRICS_DATABASE") or f"jinguo_bench_metrics_{SCALE.tag}"
    exists = bool(_rows("SELECT 1 FROM pg_database WHERE datname = %s", [name]))
    built = False
    if exists and not REBUILD:
        conn.close()
        conn.settings_dict["NAME"] = name
        tables = conn.introspection.table_names()
        built = "bench_meta" in tables and bool(
            _rows("SELECT 1 FROM bench_meta WHERE key = 'built'")
        )
        conn.close()
        conn.settings_dict["NAME"] = original
    if exists and not built:
        _say(f"dropping database {name} ({'rebuild asked' if REBUILD else 'incomplete'})")
        _execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        exists = False
    if not exists:
        _execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        yield name, built
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original


def _next_id(table: str) -> int:
    return int(_scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))


def _reset_sequence(table: str) -> None:
    _execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
    )


@contextmanager
def _bulk(*tables: str) -> Iterator[None]:
    """A transaction without triggers (foreign-key checks, metrics marks), with the tables'
    secondary indexes and unique constraints dropped during the load and rebuilt after it."""
    with transaction.atomic():
        _execute("SET LOCAL session_replication_role = replica")
        _execute("SET LOCAL work_mem = '256MB'")
        _execute("SET LOCAL maintenance_work_mem = '512MB'")
        indexes: list[tuple[str, str]] = []
        uniques: list[tuple[str, str, str]] = []
        for table in tables:
            indexes += _rows(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [table],
            )
            uniques += [
                (table, name, definition)
                for name, definition in _rows(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
            ]
        for name, _ in indexes:
            _execute(f'DROP INDEX "{name}"')
        for table, name, _ in uniques:
            _execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        yield
        start = time.perf_counter()
        for _, definition in indexes:
            _execute(definition)
        for table, name, definition in uniques:
            _execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if indexes or uniques:
            _say(
                f"  {len(indexes) + len(uniques)} indexes of {', '.join(tables)} rebuilt "
                f"in {time.perf_counter() - start:.0f} s"
            )


@contextmanager
def _step(what: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    _say(f"{what}: {time.perf_counter() - start:.0f} s")


# --- building the data ------------------------------------------------------------------------


def _names() -> list[tuple[int, str, str, str, str]]:
    """(index, sex, name, pinyin, initials): 1,200 women's and 1,200 men's names."""
    surnames = [s for s, _ in SURNAMES if s][:30]
    out: list[tuple[int, str, str, str, str]] = []
    for sex, chars in (("F", FEMALE_CHARS), ("M", MALE_CHARS)):
        given = [*chars[:25], *(a + b for a, b in zip(chars[:15], chars[15:30], strict=True))]
        for surname in surnames:
            for part in given[:40]:
                name = surname + part
                full, initials = name_pinyin(name)
                out.append((len(out), sex, name, full, initials))
    return out


def _build_tree() -> None:
    """Region → city → counties → townships → villages (+ Women's Homes), volunteer teams;
    and the bench's map of villages (`bench_village`: index, ids, county, first person, size)."""
    now = timezone.now()
    next_id = _next_id("orgunits_orgunit")
    rows: list[tuple[Any, ...]] = []

    def unit(code: str, name: str, kind: str, parent: tuple[int, str] | None) -> tuple[int, str]:
        nonlocal next_id
        pk, next_id = next_id, next_id + 1
        path = f"{parent[1] if parent else '/'}{pk}/"
        county = code[:6] if len(code) >= 6 else ""
        parent_id = parent[0] if parent else None
        rows.append(
            (pk, code, name, kind, parent_id, path, path.count("/") - 2, county, OPENED, now)
        )
        return pk, path

    region = unit(*REGION, None)
    city = unit(*CITY, region)
    villages: list[tuple[int, int, int, int, str]] = []  # idx, unit, township, county idx, code
    teams: list[tuple[int, int]] = []  # (team unit id, township id)
    for county_index, (code, name, kind) in enumerate(COUNTIES):
        county = unit(code, name, kind, city)
        for t in range(1, TOWNSHIPS + 1):
            town_code = f"{code}{100 + t:03d}"
            town_kind = Kind.SUMU if t % 3 == 0 else Kind.TOWN
            town_name = f"{name[:2]}{t:02d}{'苏木' if town_kind == Kind.SUMU else '镇'}"
            town = unit(town_code, town_name, town_kind, county)
            team = unit(f"{town_code}T01", f"{town_name}巾帼志愿服务队", Kind.VOLUNTEER_TEAM, town)
            teams.append((team[0], town[0]))
            for v in range(1, VILLAGES + 1):
                village_code = f"{town_code}{200 + v:03d}"
                gacha = v % 5 == 0
                village = unit(
                    village_code,
                    f"{town_name[:-1] if gacha else town_name}{v:02d}{'嘎查' if gacha else '村'}",
                    Kind.GACHA if gacha else Kind.VILLAGE,
                    town,
                )
                index = len(villages)
                villages.append((index, village[0], town[0], county_index, code))
                if index % 10 != 0:
                    unit(f"{village_code}H", "妇女之家", Kind.WOMENS_HOME, village)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO orgunits_orgunit (id, code, name, kind, parent_id, path, depth, "
            "county_code, opened_on, closed_on, address, note, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, '', '', %s, %s)",
            [(*row, row[-1]) for row in rows],
        )
        cursor.executemany(
            "INSERT INTO activities_volunteerteam (focus, founded_on, unit_id) "
            "VALUES ('aid', '2012-03-08', %s)",
            [(team,) for team, _ in teams],
        )
    _reset_sequence("orgunits_orgunit")
    _reset_sequence("activities_volunteerteam")
    person_base = _next_id("people_person")
    _execute(
        "CREATE TABLE bench_village (idx integer PRIMARY KEY, unit_id bigint, township_id bigint, "
        "county_idx integer, county_code varchar(6), lo bigint, n integer, team_id bigint)"
    )
    team_of = {
        town: pk
        for pk, town in _rows(
            "SELECT t.id, u.parent_id FROM activities_volunteerteam t "
            "JOIN orgunits_orgunit u ON u.id = t.unit_id"
        )
    }
    v_count, people = len(villages), SCALE.people
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_village VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    index,
                    pk,
                    town,
                    county_index,
                    code,
                    person_base + -(-index * people // v_count),
                    -(-(index + 1) * people // v_count) - -(-index * people // v_count),
                    team_of[town],
                )
                for index, pk, town, county_index, code in villages
            ],
        )


def _build_people() -> None:
    _execute(
        "CREATE TABLE bench_name (idx integer PRIMARY KEY, sex varchar(1), name varchar(10), "
        "pinyin varchar(40), initials varchar(10))"
    )
    names = _names()
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_name VALUES (%s, %s, %s, %s, %s)", names)
    half = len(names) // 2
    _execute(
        """
        INSERT INTO people_person (id, name, name_pinyin, name_initials, sex, ethnicity,
            birth_date, id_number, id_number_index, phone, phone_index, phone_tail, county_code,
            hukou, education, marital_status, occupation, notes, version, created_at,
            updated_at, residence_id, created_by_id, merged_into_id)
        SELECT %(base)s + g, nm.name, nm.pinyin, nm.initials, nm.sex,
            CASE WHEN g %% 3 = 0 THEN '02' ELSE '01' END,
            DATE '1935-01-01' + ((g * 7919) %% 29200)::integer,
            NULL, NULL, NULL, '', '', v.county_code, 'rural',
            (ARRAY['none', 'primary', 'junior', 'senior', 'college'])[(1 + g %% 5)::integer],
            (ARRAY['married', 'married', 'married', 'single', 'widowed', 'divorced'])
                [(1 + g %% 6)::integer],
            '', '', 1, now(), now(), v.unit_id, NULL, NULL
        FROM generate_series(0::bigint, %(people)s - 1) g
        JOIN bench_village v ON v.idx = (g::bigint * %(villages)s) / %(people)s
        JOIN bench_name nm ON nm.idx = CASE WHEN g %% 10 < 6 THEN (g * 7) %% %(half)s
                                           ELSE %(half)s + (g * 7) %% %(half)s END
        """,
        {
            "base": int(_scalar("SELECT MIN(lo) FROM bench_village")),
            "people": SCALE.people,
            "villages": VILLAGE_COUNT,
            "half": half,
        },
    )
    _reset_sequence("people_person")


def _build_categories() -> None:
    """Left-behind children (one child in twenty; a third left the category in September 2014)
    and single mothers (one woman of 25 to 45 in 150)."""
    _execute(
        """
        INSERT INTO people_categoryperiod (category, start, "end", disability_type,
            disability_grade, note, recorded_at, recorded_by_id, person_id)
        SELECT 'left_behind_child', DATE '2012-03-01' + (p.id %% 900)::integer,
            CASE WHEN p.id %% 3 = 0 THEN DATE '2014-09-01' END, '', NULL::smallint, '', now(),
            NULL::bigint, p.id
        FROM people_person p WHERE p.birth_date >= DATE '2002-01-01' AND p.id %% 20 = 0
        UNION ALL
        SELECT 'single_mother', DATE '2010-01-01' + (p.id %% 1000)::integer, NULL::date, '',
            NULL::smallint, '', now(), NULL::bigint, p.id
        FROM people_person p WHERE p.sex = 'F' AND p.birth_date BETWEEN DATE '1970-01-01'
            AND DATE '1990-12-31' AND p.id %% 150 = 1
        """
    )


def _build_programmes() -> None:
    """Per county: seven programmes with a cycle a year, a fund per cash programme, and the
    bench's map of cycles (`bench_cycle`)."""
    _execute(
        "CREATE TABLE bench_cycle (county_idx integer, slot integer, year integer, "
        "programme_id bigint, cycle_id bigint, kind varchar(8), fund_id bigint, "
        "item varchar(20), measure varchar(8), PRIMARY KEY (county_idx, slot, year))"
    )
    bank = _scalar(
        "INSERT INTO programmes_organisation (name, kind, contact) "
        "VALUES ('内蒙古农村信用社', 'bank', '') RETURNING id"
    )
    counties = {code: pk for pk, code in _rows("SELECT id, code FROM orgunits_orgunit")}
    plan = [*PROGRAMMES, (LOAN_SLOT, LOAN_NAME, "loan", "", "", "")]
    cycles = []
    for county_index, (code, _, _) in enumerate(COUNTIES):
        owner = counties[code]
        for slot, name, kind, benefit, item, measure in plan:
            programme = _scalar(
                "INSERT INTO programmes_programme (name, work_area, kind, beneficiary, owner_id, "
                'start, "end", budget, target, status, description, health, version, '
                "created_at) VALUES (%s, %s, %s, 'person', %s, '2013-01-01', NULL, NULL, NULL, "
                "'open', '', %s, 1, now()) RETURNING id",
                [
                    name,
                    "prosperity" if slot == LOAN_SLOT else "livelihood",
                    kind,
                    owner,
                    slot == 2,
                ],
            )
            fund = None
            if benefit == "cash":
                fund = _scalar(
                    "INSERT INTO programmes_fund (name, owner_id, source, opened_on, note, "
                    "programme_id) VALUES (%s, %s, 'allocation', '2013-01-01', '', %s) "
                    "RETURNING id",
                    [f"{name}专项资金", owner, programme],
                )
            for year in YEARS:
                cycle = _scalar(
                    'INSERT INTO programmes_cycle (programme_id, name, start, "end", status) '
                    "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                    [
                        programme,
                        f"{year}年",
                        dt.date(year, 1, 1),
                        dt.date(year, 12, 31),
                        "approved" if year == YEARS[-1] else "frozen",
                    ],
                )
                cycles.append(
                    (county_index, slot, year, programme, cycle, benefit, fund, item, measure)
                )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_cycle VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", cycles
        )
    _execute(f"CREATE TABLE bench_bank AS SELECT {int(bank)}::bigint AS id")


ENROLMENT_COLUMNS = (
    "id, beneficiary_key, status, applied_on, eligible, failed_rules, eligibility_override, "
    "compliant, compliance_note, note, version, created_at, created_by_id, cycle_id, "
    "household_id, last_actor_id, person_id, unit_id, programme_id"
)


def _build_enrolments() -> None:
    """Enrolment e: cycle slot (e mod 18) of the person's county, person (e div 18) × STEP +
    (e mod 18) × 104,729 mod PEOPLE — distinct within a cycle. Then the loan enrolments."""
    enrolments = SCALE.enrolments
    assert enrolments // 18 < SCALE.people
    assert math.gcd(STEP, SCALE.people) == 1
    params = {
        "base": _next_id("programmes_enrolment"),
        "enrolments": enrolments,
        "people": SCALE.people,
        "villages": VILLAGE_COUNT,
        "person_base": int(_scalar("SELECT MIN(lo) FROM bench_village")),
        "step": STEP,
    }
    _execute(
        f"""
        INSERT INTO programmes_enrolment ({ENROLMENT_COLUMNS})
        SELECT %(base)s + e, 'p:' || (%(person_base)s + x.g),
            CASE WHEN c.year = 2015 THEN 'active' ELSE 'completed' END,
            make_date(c.year, 1, 1) + (e %% 60)::integer, true, '[]'::jsonb, '', true, '', '',
            1, now(), NULL, c.cycle_id, NULL, NULL, %(person_base)s + x.g, v.unit_id,
            c.programme_id
        FROM generate_series(0::bigint, %(enrolments)s - 1) e
        CROSS JOIN LATERAL (
            SELECT ((e / 18)::bigint * %(step)s + (e %% 18) * 104729) %% %(people)s AS g
        ) x
        JOIN bench_village v ON v.idx = (x.g * %(villages)s) / %(people)s
        JOIN bench_cycle c ON c.county_idx = v.county_idx AND c.slot = (e %% 18) / 3
            AND c.year = 2013 + (e %% 18) %% 3
        """,
        params,
    )
    loans = max(3, SCALE.people // 200)
    params |= {"base": params["base"] + enrolments, "loans": loans}
    _execute(
        f"""
        INSERT INTO programmes_enrolment ({ENROLMENT_COLUMNS})
        SELECT %(base)s + l, 'p:' || (%(person_base)s + x.g), 'active',
            make_date(c.year, 2, 1) + (l %% 28)::integer, true, '[]'::jsonb, '', true, '', '',
            1, now(), NULL, c.cycle_id, NULL, NULL, %(person_base)s + x.g, v.unit_id,
            c.programme_id
        FROM generate_series(0::bigint, %(loans)s - 1) l
        CROSS JOIN LATERAL (SELECT (l::bigint * %(step)s + 5) %% %(people)s AS g) x
        JOIN bench_village v ON v.idx = (x.g * %(villages)s) / %(people)s
        JOIN bench_cycle c ON c.county_idx = v.county_idx AND c.slot = {LOAN_SLOT}
            AND c.year = 2013 + l %% 3
        """,
        params,
    )
    _execute(
        """
        INSERT INTO programmes_loan (contract_number, principal, interest_rate, subsidy_rate,
            term_months, method, disbursed_on, purpose, recorded_at, enrolment_id,
            recorded_by_id, bank_id)
        SELECT 'NX' || e.id, 30000 + (e.id %% 6) * 10000, 4.750, 100.00, 24,
            'quarterly_interest', e.applied_on + 30 + (e.id %% 240)::integer, '养殖', now(),
            e.id, NULL, (SELECT id FROM bench_bank)
        FROM programmes_enrolment e WHERE e.id >= %(base)s
        """,
        params,
    )
    _reset_sequence("programmes_enrolment")


def _build_benefits() -> None:
    """Benefit b: enrolment (b mod E), the j-th (b div E) of its eight, on a day of the
    cycle's year; cash (from the programme's fund), goods (with a quantity) or a service."""
    enrolments = SCALE.enrolments
    _execute(
        """
        INSERT INTO programmes_benefit (id, beneficiary_key, "on", kind, amount, item, quantity,
            measure, delivered_by, evidence, override_reason, note, recorded_at, household_id,
            person_id, recorded_by_id, unit_id, cycle_id, enrolment_id, fund_id, fund_entry_id,
            loan_id, programme_id)
        SELECT %(base)s + b, en.beneficiary_key,
            make_date(c.year, 1, 1)
                + (((b / %(enrolments)s) * 46 + (b %% %(enrolments)s) %% 46) %% 365)::integer,
            c.kind,
            CASE c.kind WHEN 'cash' THEN 200 + (b %% 9) * 100
                        WHEN 'goods' THEN 60 + (b %% 5) * 20 ELSE 0 END,
            c.item, CASE WHEN c.kind = 'goods' THEN 1 + b %% 3 END, c.measure, '', '', '', '',
            now(), NULL, en.person_id, NULL, en.unit_id, en.cycle_id, en.id, c.fund_id, NULL,
            NULL, en.programme_id
        FROM generate_series(0::bigint, %(benefits)s - 1) b
        JOIN programmes_enrolment en ON en.id = %(enrolment_base)s + b %% %(enrolments)s
        JOIN bench_cycle c ON c.cycle_id = en.cycle_id
        """,
        {
            "base": _next_id("programmes_benefit"),
            "benefits": SCALE.benefits,
            "enrolments": enrolments,
            "enrolment_base": int(_scalar("SELECT MIN(id) FROM programmes_enrolment")),
        },
    )
    _reset_sequence("programmes_benefit")


def _build_activities() -> None:
    """Activity a: in village (a mod V), on day (a × 389 mod 1,095) of 2013–2015 at 9:00;
    every tenth counts participants by group (a `ParticipantCount`), the others take names."""
    _execute("CREATE TABLE bench_kind (idx integer PRIMARY KEY, kind varchar(20), title text)")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_kind VALUES (%s, %s, %s)",
            [(i, kind, title) for i, (kind, title) in enumerate(ACTIVITY_KINDS)],
        )
    base = _next_id("activities_activity")
    _execute(
        """
        INSERT INTO activities_activity (id, kind, title, start, "end", address, venue_kind,
            topics, audience, headcount, spending, in_kind_value, outcome, version, created_at,
            created_by_id, owner_id, place_id, programme_id)
        SELECT %(base)s + a, k.kind, k.title,
            ((DATE '2013-01-01' + ((a * 389) %% 1095)::integer) + TIME '09:00')
                AT TIME ZONE 'Asia/Shanghai',
            NULL, '', 'village', '', '',
            CASE WHEN a %% 10 = 9 THEN 'counts' ELSE 'attendance' END,
            (a %% 4) * 100, CASE WHEN a %% 7 = 0 THEN 500 ELSE 0 END, '', 1, now(), NULL,
            CASE WHEN a %% 5 = 4 THEN v.unit_id ELSE v.township_id END,
            CASE WHEN a %% 5 = 4 THEN NULL ELSE v.unit_id END, NULL
        FROM generate_series(0::bigint, %(activities)s - 1) a
        JOIN bench_village v ON v.idx = a %% %(villages)s
        JOIN bench_kind k ON k.idx = (a / 10 + a) %% 10
        """,
        {"base": base, "activities": SCALE.activities, "villages": VILLAGE_COUNT},
    )
    _execute(
        """
        INSERT INTO activities_participantcount ("group", count, activity_id)
        SELECT 'women', 20 + (a.id %% 30)::integer, a.id
        FROM activities_activity a WHERE a.headcount = 'counts'
        """
    )
    _reset_sequence("activities_activity")


def _build_attendance() -> None:
    """Attendance r: the j-th (r div A) of the q-th (r mod A) activity taking names, a person
    of its village — distinct within an activity."""
    per_activity = math.ceil(SCALE.attendance / SCALE.attendance_activities)
    smallest = int(_scalar("SELECT MIN(n) FROM bench_village"))
    assert per_activity < smallest, "too few people per village for the attendance sheets"
    _execute(
        """
        INSERT INTO activities_attendance (id, day, source, at, activity_id, person_id,
            recorded_by_id)
        SELECT %(base)s + r, DATE '2013-01-01' + ((x.a * 389) %% 1095)::integer,
            CASE WHEN r %% 3 = 0 THEN 'qr' ELSE 'staff' END, now(),
            %(activity_base)s + x.a,
            v.lo + (x.a * 13 + r / %(sheets)s) %% v.n, NULL
        FROM generate_series(0::bigint, %(attendance)s - 1) r
        CROSS JOIN LATERAL (
            SELECT ((r %% %(sheets)s) / 9) * 10 + (r %% %(sheets)s) %% 9 AS a
        ) x
        JOIN bench_village v ON v.idx = x.a %% %(villages)s
        """,
        {
            "base": _next_id("activities_attendance"),
            "attendance": SCALE.attendance,
            "sheets": SCALE.attendance_activities,
            "villages": VILLAGE_COUNT,
            "activity_base": int(_scalar("SELECT MIN(id) FROM activities_activity")),
        },
    )
    _reset_sequence("activities_attendance")


def _build_the_rest() -> None:
    """Volunteers, caring-mother pairings, donations and aid from donations."""
    params = {
        "people": SCALE.people,
        "villages": VILLAGE_COUNT,
        "person_base": int(_scalar("SELECT MIN(lo) FROM bench_village")),
        "step": STEP,
        "volunteers": max(3, SCALE.people // 100),
        "pairings": max(3, SCALE.people // 500),
        "donations": max(3, SCALE.people // 100),
        "disbursements": max(3, SCALE.people // 50),
    }
    _execute(
        """
        INSERT INTO activities_volunteer (role, start, "end", person_id, team_id)
        SELECT CASE WHEN i %% 20 = 0 THEN 'leader' ELSE 'member' END,
            DATE '2012-03-08' + (i %% 1000)::integer, NULL, %(person_base)s + x.g, v.team_id
        FROM generate_series(0::bigint, %(volunteers)s - 1) i
        CROSS JOIN LATERAL (SELECT (i::bigint * %(step)s + 3) %% %(people)s AS g) x
        JOIN bench_village v ON v.idx = (x.g * %(villages)s) / %(people)s
        """,
        params,
    )
    _execute(
        """
        INSERT INTO activities_pairing (kind, start, "end", call_every_days, visit_every_days,
            note, created_at, created_by_id, helped_person_id, helped_unit_id, helper_person_id,
            helper_unit_id, unit_id)
        SELECT 'caring_mother', DATE '2013-01-01' + (i %% 700)::integer, NULL, 7, 30, '', now(),
            NULL, v.lo + (i * 31 + 1) %% v.n, NULL, v.lo + (i * 31) %% v.n, NULL, v.unit_id
        FROM generate_series(0::bigint, %(pairings)s - 1) i
        JOIN bench_village v ON v.idx = (i * 389) %% %(villages)s
        """,
        params,
    )
    _execute(
        """
        INSERT INTO donations_donation (received_on, kind, amount, channel, receipt_number, item,
            category, quantity, measure, condition, note, recorded_at, campaign_id,
            fund_entry_id, owner_id, place_id, recorded_by_id, donor_id)
        SELECT DATE '2013-01-01' + ((i * 389) %% 1095)::integer,
            CASE WHEN i %% 5 = 0 THEN 'goods' ELSE 'cash' END,
            CASE WHEN i %% 5 = 0 THEN 300 ELSE 100 + (i %% 50) * 100 END, 'bank', 'R' || i,
            CASE WHEN i %% 5 = 0 THEN '衣物' ELSE '' END,
            CASE WHEN i %% 5 = 0 THEN 'clothing' ELSE '' END,
            CASE WHEN i %% 5 = 0 THEN 10 END, CASE WHEN i %% 5 = 0 THEN '件' ELSE '' END,
            CASE WHEN i %% 5 = 0 THEN 'new' ELSE '' END, '', now(), NULL, NULL,
            v.township_id, NULL, NULL, NULL
        FROM generate_series(0::bigint, %(donations)s - 1) i
        JOIN bench_village v ON v.idx = (i * 11) %% %(villages)s
        """,
        params,
    )
    _execute(
        """
        INSERT INTO donations_disbursement ("on", kind, amount, item, category, quantity,
            measure, note, recorded_at, benefit_id, campaign_id, fund_entry_id, household_id,
            organisation_id, owner_id, person_id, place_id, recipient_unit_id, recorded_by_id,
            unit_id, handover_id)
        SELECT DATE '2013-01-01' + ((i * 389) %% 1095)::integer, 'cash', 200 + (i %% 10) * 50,
            '', '', NULL, '', '', now(), NULL, NULL, NULL, NULL, NULL, v.township_id,
            v.lo + (i * 17) %% v.n, NULL, NULL, NULL, v.unit_id, NULL
        FROM generate_series(0::bigint, %(disbursements)s - 1) i
        JOIN bench_village v ON v.idx = (i * 13) %% %(villages)s
        """,
        params,
    )


BIG_TABLES = (
    "people_person",
    "people_categoryperiod",
    "programmes_enrolment",
    "programmes_loan",
    "programmes_benefit",
    "activities_activity",
    "activities_participantcount",
    "activities_attendance",
    "activities_volunteer",
    "activities_pairing",
    "donations_donation",
    "donations_disbursement",
    "orgunits_orgunit",
    "metrics_tally",
)


def _build() -> float:
    start = time.perf_counter()
    _say(
        f"building {SCALE.people:,} people, {SCALE.benefits:,} benefits and "
        f"{SCALE.attendance:,} attendance rows in {connection.settings_dict['NAME']}"
    )
    with _step("tree, programmes and cycles"), _bulk():
        _build_tree()
        _build_programmes()
    with _step(f"{SCALE.people:,} people"), _bulk("people_person"):
        _build_people()
    with _step("categories"), _bulk("people_categoryperiod"):
        _build_categories()
    with (
        _step(f"{SCALE.enrolments:,} enrolments and the loans"),
        _bulk("programmes_enrolment", "programmes_loan"),
    ):
        _build_enrolments()
    with _step(f"{SCALE.benefits:,} benefits"), _bulk("programmes_benefit"):
        _build_benefits()
    with (
        _step(f"{SCALE.activities:,} activities"),
        _bulk("activities_activity", "activities_participantcount"),
    ):
        _build_activities()
    with _step(f"{SCALE.attendance:,} attendance rows"), _bulk("activities_attendance"):
        _build_attendance()
    with _step("volunteers, pairings, donations, aid"), _bulk():
        _build_the_rest()
    with _step("VACUUM ANALYZE"):
        for table in BIG_TABLES:
            _execute(f"VACUUM ANALYZE {table}")
    seconds = time.perf_counter() - start
    _execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
    _execute(
        "INSERT INTO bench_meta VALUES ('built', %s), ('build_seconds', %s)",
        [timezone.now().isoformat(), f"{seconds:.1f}"],
    )
    return seconds


def _describe_data() -> str:
    counts = {
        table: int(_scalar(f"SELECT COUNT(*) FROM {table}"))
        for table in ("people_person", "programmes_benefit", "activities_attendance")
    }
    units = int(_scalar("SELECT COUNT(*) FROM orgunits_orgunit"))
    size = _scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return (
        f"{units:,} units ({VILLAGE_COUNT:,} villages); {counts['people_person']:,} "
        f"people, {counts['programmes_benefit']:,} benefits, "
        f"{counts['activities_attendance']:,} attendance rows; database {size}"
    )


# --- timing helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return p95(self.times)

    @property
    def measure(self) -> str:
        return f"p95 of {len(self.times)}" if len(self.times) > 1 else "one run"


def _time(
    fn: Callable[[], T], runs: int, *, budget: float = 60.0, warm: bool = True
) -> tuple[Timing, T]:
    """Call `fn` `runs` times (after one untimed call when `warm`), stopping after at least
    three calls once `budget` seconds are spent."""
    result = fn() if warm else None
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if len(times) >= 3 and sum(times) > budget:
            break
    assert result is not None
    return Timing(times), result


def _goal(benchmark: str, timing: Timing, goal: float, note: str = "") -> GoalRow:
    return GoalRow(benchmark, timing.measure, timing.median, timing.p95, goal, note)


# --- 1. the initial tally -------------------------------------------------------------------


def _initial_tally() -> tuple[float, int]:
    """Seconds to count every source after `install()` marked them all, and the tally's rows."""
    _execute("TRUNCATE metrics_tally, metrics_cached, metrics_stale")
    triggers.install()
    start = time.perf_counter()
    engine.refresh()
    seconds = time.perf_counter() - start
    _execute("VACUUM ANALYZE metrics_tally")
    return seconds, int(_scalar("SELECT COUNT(*) FROM metrics_tally"))


# --- 2. what the triggers cost a bulk insert -------------------------------------------------


def _columns(table: str) -> list[str]:
    return [
        name
        for (name,) in _rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            [table],
        )
    ]


def _copy_sql(table: str, changes: dict[str, str], where: str) -> str:
    """INSERT … SELECT copies of the rows of `table` matching `where`, with `changes` (column →
    SQL expression) applied and new ids."""
    columns = _columns(table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(changes.get(c, f'"{c}"') for c in columns)
    return f"INSERT INTO {table} ({quoted}) SELECT {values} FROM {table} WHERE {where}"


def _trigger_cost() -> list[Row]:
    rows = INSERT_ROWS
    first_benefit = int(_scalar("SELECT MIN(id) FROM programmes_benefit"))
    first_attendance = int(_scalar("SELECT MIN(id) FROM activities_attendance"))
    statements = {
        "benefits": _copy_sql(
            "programmes_benefit",
            {"recorded_at": "now()"},
            f"id >= {first_benefit} AND id < {first_benefit + rows}",
        ),
        # The day after the activity's: never on a sheet yet, so the unique rule holds.
        "attendance rows": _copy_sql(
            "activities_attendance",
            {"day": '"day" + 1', "at": "now()"},
            f"id >= {first_attendance} AND id < {first_attendance + rows}",
        ),
    }
    out = []
    for what, sql in statements.items():
        samples: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(5):
            for marked in (True, False) if round_ % 2 == 0 else (False, True):
                with transaction.atomic():
                    # Foreign keys checked in the statement, as a commit would check them.
                    _execute("SET CONSTRAINTS ALL IMMEDIATE")
                    if not marked:
                        triggers.drop()  # rolled back with the rows
                    start = time.perf_counter()
                    _execute(sql)
                    samples[marked].append(time.perf_counter() - start)
                    transaction.set_rollback(True)
        with_marks = statistics.median(samples[True])
        without = statistics.median(samples[False])
        _say(
            f"insert {rows:,} {what}: {with_marks:.2f} s with the metrics triggers, "
            f"{without:.2f} s without (+{(with_marks / without - 1) * 100:.1f} %)"
        )
        out.append(
            Row(
                f"metrics: insert {rows:,} {what}",
                "with the metrics triggers",
                "without them",
                with_marks,
                without,
            )
        )
    for table in ("programmes_benefit", "activities_attendance"):
        _execute(f"VACUUM ANALYZE {table}")
    return out


# --- 3. the dashboard's figures, and the same from the fact tables ----------------------------


def _headline() -> list[str]:
    return [key for key, metric in registry.METRICS.items() if metric.headline]


def _bases(keys: Sequence[str]) -> list[str]:
    out: dict[str, None] = {}
    for key in keys:
        declared = registry.METRICS[key]
        if isinstance(declared, registry.Rate):
            out[declared.numerator] = out[declared.denominator] = None
        else:
            out[key] = None
    return list(out)


def _rates(keys: Sequence[str], values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    for key in keys:
        declared = registry.METRICS[key]
        if isinstance(declared, registry.Rate):
            top = values[declared.numerator] or Decimal(0)
            bottom = values[declared.denominator] or Decimal(0)
            values[key] = (
                (top * declared.per / bottom).quantize(Decimal(10) ** -declared.decimals)
                if bottom
                else None
            )
    return {key: values[key] for key in keys}


def _engine(keys: Sequence[str], unit: OrgUnit, period: Period) -> dict[str, Decimal | None]:
    return {key: f.value for key, f in engine.figures(keys, unit, period).items()}


def _per_key(keys: Sequence[str], unit: OrgUnit, period: Period) -> dict[str, Decimal | None]:
    """Each counted metric straight from its records (`engine.compute`: one ORM aggregate)."""
    values: dict[str, Decimal | None] = {
        key: engine.compute(key, unit, period) for key in _bases(keys)
    }
    return _rates(keys, values)


AREA_LEVEL = "('gacha', 'village', 'community')"
# One aggregate query per source over its fact table for a subtree (``under``: the path
# prefix) and a period: (SQL, the metrics its columns are, in order).
PER_SOURCE: dict[str, tuple[str, tuple[str, ...]]] = {
    "benefits": (
        """SELECT COUNT(DISTINCT b.person_id),
                  COALESCE(SUM(b.amount) FILTER (WHERE b.kind = 'cash'), 0)
           FROM programmes_benefit b JOIN orgunits_orgunit u ON u.id = b.unit_id
           WHERE u.path LIKE %(under)s AND b."on" >= %(start)s AND b."on" < %(end)s""",
        ("benefits.people", "benefits.cash"),
    ),
    "attendance": (
        """SELECT COUNT(DISTINCT t.person_id)
           FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id
           JOIN orgunits_orgunit u ON u.id = COALESCE(a.place_id, a.owner_id)
           WHERE u.path LIKE %(under)s AND t.day >= %(start)s AND t.day < %(end)s
             AND a.kind = 'training'""",
        ("trainings.trainees",),
    ),
    "activities": (
        """SELECT COUNT(*) FILTER (WHERE a.kind = 'training'), COUNT(*)
           FROM activities_activity a
           JOIN orgunits_orgunit u ON u.id = COALESCE(a.place_id, a.owner_id)
           WHERE u.path LIKE %(under)s AND a.start >= %(start_at)s AND a.start < %(end_at)s""",
        ("trainings.count", "activities.count"),
    ),
    "headcounts": (
        """SELECT COALESCE(SUM(c.count), 0)
           FROM activities_participantcount c JOIN activities_activity a ON a.id = c.activity_id
           JOIN orgunits_orgunit u ON u.id = COALESCE(a.place_id, a.owner_id)
           WHERE u.path LIKE %(under)s AND a.start >= %(start_at)s AND a.start < %(end_at)s""",
        ("activities.counted",),
    ),
    "loans": (
        """SELECT COUNT(*), COALESCE(SUM(l.principal), 0)
           FROM programmes_loan l JOIN programmes_enrolment e ON e.id = l.enrolment_id
           JOIN orgunits_orgunit u ON u.id = e.unit_id
           WHERE u.path LIKE %(under)s AND l.disbursed_on >= %(start)s
             AND l.disbursed_on < %(end)s""",
        ("loans.count", "loans.principal"),
    ),
    "donations": (
        """SELECT COALESCE(SUM(d.amount) FILTER (WHERE d.kind = 'cash'), 0)
           FROM donations_donation d JOIN orgunits_orgunit u ON u.id = d.owner_id
           WHERE u.path LIKE %(under)s AND d.received_on >= %(start)s
             AND d.received_on < %(end)s""",
        ("donations.cash",),
    ),
    "disbursements": (
        """SELECT COUNT(*) FILTER (WHERE d.person_id IS NOT NULL OR d.household_id IS NOT NULL)
           FROM donations_disbursement d JOIN orgunits_orgunit u ON u.id = d.unit_id
           WHERE u.path LIKE %(under)s AND d."on" >= %(start)s AND d."on" < %(end)s""",
        ("aid.person_times",),
    ),
    "categories": (
        """SELECT COUNT(DISTINCT c.person_id)
           FROM people_categoryperiod c JOIN people_person p ON p.id = c.person_id
           JOIN orgunits_orgunit u ON u.id = p.residence_id
           WHERE u.path LIKE %(under)s AND c.category = 'left_behind_child'
             AND c.start <= %(day)s AND (c."end" IS NULL OR c."end" > %(day)s)""",
        ("left_behind.children",),
    ),
    "pairings": (
        """SELECT COUNT(DISTINCT p.helper_person_id), COUNT(DISTINCT p.helped_person_id)
           FROM activities_pairing p JOIN orgunits_orgunit u ON u.id = p.unit_id
           WHERE u.path LIKE %(under)s AND p.kind = 'caring_mother'
             AND p.start <= %(day)s AND (p."end" IS NULL OR p."end" > %(day)s)""",
        ("caring_mothers.count", "caring_mothers.children"),
    ),
    "volunteers": (
        """SELECT COUNT(DISTINCT v.person_id)
           FROM activities_volunteer v JOIN activities_volunteerteam t ON t.id = v.team_id
           JOIN orgunits_orgunit u ON u.id = t.unit_id
           WHERE u.path LIKE %(under)s AND v.start <= %(day)s
             AND (v."end" IS NULL OR v."end" > %(day)s)""",
        ("volunteers.people",),
    ),
    "units": (
        f"""SELECT COUNT(*) FILTER (WHERE u.kind = 'womens_home'),
                   COUNT(*) FILTER (WHERE u.kind = 'volunteer_team'),
                   COUNT(*) FILTER (WHERE u.kind IN {AREA_LEVEL} AND EXISTS (
                       SELECT 1 FROM orgunits_orgunit h
                       WHERE h.parent_id = u.id AND h.kind = 'womens_home')),
                   COUNT(*) FILTER (WHERE u.kind IN {AREA_LEVEL})
            FROM orgunits_orgunit u
            WHERE u.path LIKE %(under)s AND u.opened_on <= %(day)s
              AND (u.closed_on IS NULL OR u.closed_on > %(day)s)""",
        (
            "units.womens_homes",
            "units.volunteer_teams",
            "units.with_home",
            "units.areas_village_level",
        ),
    ),
}


def _sql_params(unit: OrgUnit, period: Period) -> dict[str, Any]:
    return {
        "under": f"{unit.path}%",
        "start": period.start,
        "end": period.end,
        "start_at": dt.datetime.combine(period.start, dt.time(), SHANGHAI),
        "end_at": dt.datetime.combine(period.end, dt.time(), SHANGHAI),
        "day": min(period.last_day, timezone.localdate()),
    }


def _per_source(keys: Sequence[str], unit: OrgUnit, period: Period) -> dict[str, Decimal | None]:
    """The metrics from one hand-written aggregate query per source; metrics no query covers
    (declared after this benchmark was written) from `engine.compute`."""
    wanted = set(_bases(keys))
    params = _sql_params(unit, period)
    values: dict[str, Decimal | None] = {}
    for sql, names in PER_SOURCE.values():
        if wanted.isdisjoint(names):
            continue
        row = _rows(sql, params)[0]
        values |= {name: Decimal(value) for name, value in zip(names, row, strict=True)}
    for key in wanted - values.keys():
        values[key] = engine.compute(key, unit, period)
    return _rates(keys, values)


def _uncovered(keys: Sequence[str]) -> list[str]:
    covered = {name for _, names in PER_SOURCE.values() for name in names}
    return sorted(set(_bases(keys)) - covered)


def _explain(unit: OrgUnit, period: Period) -> None:
    params = _sql_params(unit, period)
    for source, (sql, _) in PER_SOURCE.items():
        plan = _rows(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print(f"\n--- {source}, {unit.name} {period.key}")
        print("\n".join(line for (line,) in plan))


def _agree(what: str, engine_values: dict[str, Any], other: dict[str, Any]) -> None:
    wrong = {
        key: (engine_values[key], other[key])
        for key in engine_values
        if engine_values[key] != other[key]
    }
    if wrong:
        raise AssertionError(f"{what}: engine and baseline disagree (engine, baseline): {wrong}")


@dataclass(frozen=True)
class Dashboard:
    unit: OrgUnit
    cold: float
    warm: Timing
    per_key: Timing
    per_source: Timing

    @property
    def baseline(self) -> tuple[str, Timing]:
        """The faster baseline (by median): the one the ratio is taken against."""
        if self.per_source.median <= self.per_key.median:
            return "one GROUP BY per source", self.per_source
        return "engine.compute per metric", self.per_key


def _dashboard(keys: Sequence[str], unit: OrgUnit, period: Period) -> Dashboard:
    engine.refresh()
    start = time.perf_counter()
    first = _engine(keys, unit, period)
    cold = time.perf_counter() - start
    warm, values = _time(lambda: _engine(keys, unit, period), RUNS, budget=60)
    assert values == first
    per_source, by_source = _time(
        lambda: _per_source(keys, unit, period), BASELINE_RUNS, budget=BASELINE_BUDGET
    )
    _agree(f"{unit.name} {period.key}, one query per source", values, by_source)
    per_key, by_key = _time(
        lambda: _per_key(keys, unit, period), BASELINE_RUNS, budget=BASELINE_BUDGET
    )
    _agree(f"{unit.name} {period.key}, engine.compute per metric", values, by_key)
    shown = ", ".join(f"{key} {value}" for key, value in values.items())
    _say(f"{unit.name} {period.key}: {shown}")
    return Dashboard(unit, cold, warm, per_key, per_source)


def _fresh_reads(
    keys: Sequence[str], county: OrgUnit, period: Period, page: Callable[[], int]
) -> list[Timing]:
    """The read after one new record in a village: a benefit (cash, so that the figure shows
    it), then an attendance row of a training; each read checked to count the new record.
    Then the dashboard page's engine calls after one new benefit (`PAGE_RUNS` times)."""

    def spread(ids: list[int]) -> list[int]:
        return ids[:: max(1, len(ids) // FRESH_RUNS)][:FRESH_RUNS]

    # One record a village (the first of each), villages spread over the county.
    benefits = spread(
        [
            pk
            for (pk,) in _rows(
                "SELECT DISTINCT ON (b.unit_id) b.id FROM programmes_benefit b "
                "JOIN bench_village v ON v.unit_id = b.unit_id WHERE v.county_code = %s "
                'AND b.kind = \'cash\' AND b."on" >= %s AND b."on" < %s '
                "ORDER BY b.unit_id, b.id",
                [county.code, period.start, period.end],
            )
        ]
    )
    sheets = spread(
        [
            pk
            for (pk,) in _rows(
                "SELECT DISTINCT ON (a.place_id) t.id FROM activities_attendance t "
                "JOIN activities_activity a ON a.id = t.activity_id "
                "JOIN bench_village v ON v.unit_id = a.place_id WHERE v.county_code = %s "
                "AND a.kind = 'training' AND t.day >= %s AND t.day < %s "
                "ORDER BY a.place_id, t.id",
                [county.code, period.start, period.last_day],
            )
        ]
    )
    added: dict[str, list[int]] = {"programmes_benefit": [], "activities_attendance": []}
    out = []
    try:
        engine.figures(keys, county, period)
        before = engine.figure("benefits.cash", county, period).value
        total = before or Decimal(0)
        times = []
        for pk in benefits:
            new, amount = _rows(
                _copy_sql("programmes_benefit", {"recorded_at": "now()"}, f"id = {pk}")
                + " RETURNING id, amount"
            )[0]
            added["programmes_benefit"].append(new)
            total += amount
            start = time.perf_counter()
            figures = engine.figures(keys, county, period)
            times.append(time.perf_counter() - start)
            assert figures["benefits.cash"].value == total, "a new benefit was not counted"
        out.append(Timing(times))
        attended = engine.figure("trainings.attendance", county, period).value or Decimal(0)
        times = []
        for pk in sheets:
            new = _scalar(
                _copy_sql(
                    "activities_attendance", {"day": '"day" + 1', "at": "now()"}, f"id = {pk}"
                )
                + " RETURNING id"
            )
            added["activities_attendance"].append(new)
            start = time.perf_counter()
            engine.figures(keys, county, period)
            times.append(time.perf_counter() - start)
        out.append(Timing(times))
        now = engine.figure("trainings.attendance", county, period).value
        assert now == attended + len(sheets), "a new attendance row was not counted"
        page()
        times = []
        for pk in benefits[:PAGE_RUNS]:
            new = _scalar(
                _copy_sql("programmes_benefit", {"recorded_at": "now()"}, f"id = {pk}")
                + " RETURNING id"
            )
            added["programmes_benefit"].append(new)
            start = time.perf_counter()
            page()
            times.append(time.perf_counter() - start)
        out.append(Timing(times))
    finally:
        for table, ids in added.items():
            if ids:
                _execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])
        engine.refresh()
    return out


def _page(keys: Sequence[str], unit: OrgUnit, period: Period) -> Callable[[], int]:
    """The engine calls of the dashboard page (`web.views.dashboard.dashboard`): the key figures
    now and a year before, the trend by month, the comparison across the child units and the
    villages silent in the last month."""
    counted = [k for k in keys if isinstance(registry.METRICS[k], registry.Metric)]
    children = list(OrgUnit.objects.filter(parent=unit).exclude(kind=Kind.VOLUNTEER_TEAM))
    last_month = periods.month(period.last_day.year, period.last_day.month)

    def page() -> int:
        engine.figures(keys, unit, period)
        engine.figures(keys, unit, period.previous())
        engine.by_month(counted, unit, period)
        engine.by_unit(keys, children, period)
        return len(engine.silent_units(unit, last_month))

    return page


# --- 4. the annual summary ----------------------------------------------------------------------


def _summary(county: OrgUnit) -> tuple[list[GoalRow], str]:
    what = f"metrics: summary + .docx, {county.name} {YEAR}"
    try:
        from jinguo.reports.summary import summary_build, summary_docx
    except ImportError as error:
        note = f"TODO: jinguo.reports.summary is not there yet ({error})"
        return [GoalRow(what, "", None, None, GOAL_SUMMARY, note)], note

    problems: list[str] = []

    def build() -> int:
        summary = summary_build(county, YEAR, strict=False)
        problems[:] = [str(p) for p in summary.problems]
        return len(summary_docx(summary))

    try:
        _execute("TRUNCATE metrics_cached")  # the first build reads no figure cached before
        first, size = _time(build, 1, warm=False)
        again, _ = _time(build, 5, budget=60, warm=False)
    except Exception as error:  # the summary is being written: report it, go on
        note = f"TODO: the summary could not be built: {type(error).__name__}: {error}"
        return [GoalRow(what, "", None, None, GOAL_SUMMARY, note)], note
    note = f"{size:,} bytes; {len(problems)} placeholders unresolved" if problems else ""
    if problems:
        _say(f"summary problems: {problems[:5]}")
    return [
        _goal(f"{what}, nothing cached", first, GOAL_SUMMARY, note),
        _goal(f"{what}, again", again, GOAL_SUMMARY),
    ], note


# --- the run ------------------------------------------------------------------------------------


def _p95_table(boards: Sequence[Dashboard], fresh: Sequence[Timing], keys: Sequence[str]) -> None:
    print(f"\nMetrics (issue 8): the dashboard's {len(keys)} headline figures, {YEAR}, p95 in ms")
    header = (
        f"{'unit':10} {'cold':>8} {'warm p95':>9} {'GROUP BY/source':>16} "
        f"{'compute/metric':>15} {'ratio':>7}  goal: warm < {GOAL_READ * 1000:.0f} ms, "
        f"ratio ≥ {GOAL_RATIO:.0f}×"
    )
    print(header)
    print("-" * len(header))
    for board in boards:
        name, baseline = board.baseline
        print(
            f"{board.unit.name:8} {board.cold * 1000:8.0f} {board.warm.p95 * 1000:9.1f} "
            f"{board.per_source.p95 * 1000:16.0f} {board.per_key.p95 * 1000:15.0f} "
            f"{baseline.p95 / board.warm.p95:6.0f}×  (ratio of p95s, against {name})"
        )
    if fresh:
        print(
            f"first read after one new record (refresh + read), {boards[0].unit.name}: "
            f"benefit p95 {fresh[0].p95 * 1000:.0f} ms (median {fresh[0].median * 1000:.0f}), "
            f"attendance p95 {fresh[1].p95 * 1000:.0f} ms (median {fresh[1].median * 1000:.0f})"
        )


def run() -> list[Row | GoalRow | RateRow]:
    if connection.vendor != "postgresql":
        note = "PostgreSQL only: set BENCH_DATABASE_URL"
        print(f"\nbench_metrics skipped on {connection.vendor}: {note}", file=sys.stderr)
        return [GoalRow("metrics (issue 8)", "", None, None, GOAL_READ, note)]
    out: list[Row | GoalRow | RateRow] = []
    print(f"\nbench_metrics: {SCALE.people:,} people, {FACTS:,} facts", flush=True)
    with _dedicated_database() as (name, built):
        if built:
            seconds = float(_scalar("SELECT value FROM bench_meta WHERE key = 'build_seconds'"))
            _say(f"reusing {name} (built in {seconds:.0f} s; BENCH_METRICS_REBUILD=1 to rebuild)")
        else:
            seconds = _build()
            _say(f"built {name} in {seconds:.0f} s")
            out.append(
                RateRow("metrics: bench data", "bulk SQL, indexes rebuilt after",
                        SCALE.people + FACTS, seconds, None, {})
            )  # fmt: skip
        _say(_describe_data())

        tally_seconds, cells = _initial_tally()
        _say(f"initial tally (refresh after install): {tally_seconds:.0f} s, {cells:,} cells")
        out.append(
            RateRow("metrics: initial tally", "engine.refresh() after triggers.install()",
                    FACTS, tally_seconds, None, {})
        )  # fmt: skip

        out += _trigger_cost()
        # The bulk inserts left dead stale marks; autovacuum removes them within its naptime
        # (a minute; the table's thresholds are set low by the metrics migrations). Do now what
        # it would, so that the reads below do not depend on when it last ran.
        _execute("VACUUM ANALYZE metrics_stale")

        keys = _headline()
        period = periods.year(YEAR)
        county = OrgUnit.objects.get(code=BENCH_COUNTY)
        region = OrgUnit.objects.get(code=REGION[0])
        if _uncovered(keys):
            _say(f"no hand-written query for {_uncovered(keys)}: engine.compute stands in")
        if EXPLAIN:
            _explain(county, period)
        boards = [_dashboard(keys, unit, period) for unit in (county, region)]
        for board in boards:
            label = f"metrics: {len(keys)} headline figures, {board.unit.name} {YEAR}"
            name, baseline = board.baseline
            out.append(Row(label, "engine.figures, warm", name, board.warm.median, baseline.median))
            out.append(_goal(f"{label}, warm", board.warm, GOAL_READ))
        page = _page(keys, county, period)
        fresh = _fresh_reads(keys, county, period, page)
        out.append(_goal(f"metrics: read after 1 new benefit, {county.name}", fresh[0], GOAL_READ,
                         "goal assumed: the dashboard's"))  # fmt: skip
        out.append(_goal(f"metrics: read after 1 new attendance, {county.name}", fresh[1],
                         GOAL_READ, "goal assumed: the dashboard's"))  # fmt: skip
        _execute("TRUNCATE metrics_cached")
        cold_page, _ = _time(page, 1, warm=False)
        warm_page, _ = _time(page, RUNS // 4, budget=60)
        label = f"metrics: dashboard page, {county.name} {YEAR}"
        out.append(_goal(f"{label}, cold", cold_page, GOAL_READ * 10, "goal assumed: 1 s"))
        out.append(_goal(f"{label}, warm", warm_page, GOAL_READ))
        out.append(_goal(f"{label}, after a write", fresh[2], GOAL_READ * 10,
                         "goal assumed: 1 s"))  # fmt: skip

        summary_rows, summary_note = _summary(county)
        out += summary_rows
        _p95_table(boards, fresh, keys)
        if summary_note.startswith("TODO"):
            print(f"annual summary: {summary_note}")
    return out
