"""Importing people: `jinguo import` (csv and xlsx) against a raw COPY of the same rows and
against django-import-export.

`BENCH_IMPORT_ROWS` people (default 20,000; 1,000,000 for the PostgreSQL figures) are written
to a CSV file (UTF-8 with a BOM, as Excel saves "CSV UTF-8") and to an xlsx workbook (XlsxWriter,
constant-memory mode; dates as date cells, numbers as text cells), with the people import's
template headers: realistic names (surnames at their national shares, Mongolian and Hui
names), valid GB 11643 ID numbers (88 %), mobile phones for three adults in four, a village
or community of the county, ethnicity, household registration, education, marital status,
occupation, and the consent an ID number or phone needs (a guardian's for a child under 14).
The file has no errors and no person twice, so the all-or-nothing commit takes every row.

Contenders, one after the other on the same database, each starting from no people of the
benchmark's county:

* **Jinguo, csv** and **Jinguo, xlsx**: what the web page's flow does (`import_upload`, the
  full dry run `import_check`, then `import_commit` all-or-nothing; `jinguo import` skips the
  dry run), timed phase by phase, in a child process, so that its peak memory is its own (the
  sum of the PSS of that process and its reading child, sampled; `MemoryWatch`). Uploads are
  stored on disk (FileSystemStorage), as in production.
* **raw COPY**: the rows the csv import wrote (people, consents, audit entries, import items:
  already validated, encrypted and hashed) copied back with PostgreSQL's COPY into tables of
  the same definition, indexes and foreign keys (`CREATE TABLE … (LIKE … INCLUDING ALL)` in a
  schema of its own). On SQLite, which has no COPY, `executemany` of the same rows into copies
  of the tables and their indexes stands in for it.
* **django-import-export** on the first `BENCH_IMPORT_SAMPLE` rows (default 20,000) of the
  same CSV file, in its fastest documented configuration: a `ModelResource` with
  `use_bulk = True`, `batch_size = 1000`, `skip_diff = True` (which makes `skip_html_diff`
  moot), `force_init_instance = True` (no lookup of existing rows: every row is new, which
  holds here), `report_skipped = False`, and the default `clean_model_instances = False`. The
  village column goes through a ForeignKeyWidget whose villages are read once (the plain
  widget queries once a row); pinyin, blind indexes and county are set in
  `before_save_instance`, so that its rows match ours. It writes people only: no consents, no
  audit entries, no duplicate check.
* **django-import-export with the same checks**: the same resource, also looking a registered
  person up as the import does (blind index of the ID number, else name, birth date and
  village: a query a row, `force_init_instance = False`) and validating each instance
  (`clean_model_instances = True`: `full_clean`, with the unique blind index and the village).

On PostgreSQL at 200,000 or a million people (docs/performance.md, Import):
`BENCH_DATABASE_URL=… BENCH_IMPORT_ROWS=1000000 BENCH_ONLY=import python -m bench`.
`BENCH_IMPORT_FILES=DIR` keeps the generated files in DIR and reuses them on the next run.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pickle
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from bench.harness import RateRow

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "20000"))
SAMPLE = min(int(os.environ.get("BENCH_IMPORT_SAMPLE", "20000")), ROWS)
FILES = os.environ.get("BENCH_IMPORT_FILES", "")
COUNTY = "640521"  # away from the other benchmarks' units, which share the database
AREAS = ("640521", "640521", "640521", "640522", "152326")  # where the numbers were issued
TOWNSHIPS, VILLAGES = 10, 20
USERNAME = "bench-importer"
FORMAT_VERSION = 3  # bump when the generated files change, so that kept files are remade

HEADER = [
    "姓名", "性别", "出生日期", "身份证号", "电话", "民族", "所在村", "户籍", "文化程度",
    "婚姻状况", "职业", "备注", "同意人", "同意人姓名", "同意日期",
]  # fmt: skip
ETHNICITIES = (("汉族", 80), ("回族", 14), ("蒙古族", 4), ("满族", 2))
HUKOU = (("农村", 80), ("城镇", 20))
EDUCATION = (("小学", 25), ("初中", 35), ("高中/中专", 15), ("大专", 8), ("本科", 5), ("", 12))
MARITAL = (("已婚", 60), ("未婚", 20), ("丧偶", 8), ("离婚", 4), ("", 8))
OCCUPATIONS = (
    ("农民", 40), ("牧民", 5), ("务工", 15), ("个体户", 8), ("教师", 2), ("学生", 12),
    ("退休", 6), ("", 12),
)  # fmt: skip
HUI_FEMALE = (
    "马海燕",
    "马秀兰",
    "杨晓梅",
    "丁玉花",
    "马桂兰",
    "纳静",
    "哈丽",
    "沙燕",
    "马丽",
    "丁凤",
)
PEOPLE_TABLES = (
    "people_person",
    "people_consent",
    "audit_auditentry",
    "imports_importbatch",
    "imports_importitem",
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


# --- the file -----------------------------------------------------------------------------------


def _people(rows: int, villages: list[str]) -> Iterator[list[Any]]:
    """The rows of the file, as values: str, or date for the two date columns."""
    from bench.bench_people import PHONE_PREFIXES, _birth, _name
    from jinguo.people import idnumbers

    rng = random.Random(f"jinguo-bench-import-{rows}")
    sequences: dict[tuple[str, dt.date, str], int] = {}
    # (name, birth date, village) of every row so far: a row without an ID number is known by
    # them, so none may repeat an earlier row's, with or without an ID number.
    seen: set[tuple[str, dt.date, str]] = set()
    for _ in range(rows):
        sex = "F" if rng.random() < 0.7 else "M"
        born = _birth(rng)
        village = rng.choice(villages)
        name = rng.choice(HUI_FEMALE) if sex == "F" and rng.random() < 0.05 else _name(rng, sex)
        number = ""
        if rng.random() < 0.88:
            area = rng.choice(AREAS)
            sequence = sequences.get((area, born, sex), 0)
            if sequence < 500:
                sequences[(area, born, sex)] = sequence + 1
                number = idnumbers.generate(area, born, sex, sequence)
        if not number:
            # Known by name, birth date and village: one row for each such person.
            while (name, born, village) in seen:
                name = _name(rng, sex)
        seen.add((name, born, village))
        phone = ""
        if born.year <= 2006 and rng.random() < 0.75:
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
        consent_by = giver = ""
        given_on: dt.date | str = ""
        if number or phone:
            given_on = max(born, dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 3600)))
            age = (
                given_on.year
                - born.year
                - ((given_on.month, given_on.day) < (born.month, born.day))
            )
            consent_by = "监护人" if age < 14 else "本人"
            giver = _name(rng, "F") if age < 14 else ""
        adult = born.year <= 2004
        yield [
            name,
            "女" if sex == "F" else "男",
            born,
            number,
            phone,
            _pick(rng, ETHNICITIES),
            village,
            _pick(rng, HUKOU),
            _pick(rng, EDUCATION) if adult else "",
            _pick(rng, MARITAL) if adult else "未婚",
            _pick(rng, OCCUPATIONS) if adult else "学生",
            "低保户" if rng.random() < 0.03 else "",
            consent_by,
            giver,
            given_on,
        ]


def write_files(directory: Path, rows: int, villages: list[str]) -> tuple[Path, Path, Path]:
    from bench.bench_people import _name  # noqa: F401 - needs Django set up, as here

    """people.csv, people.xlsx and sample.csv (the first SAMPLE rows) in `directory`."""
    import xlsxwriter

    csv_path = directory / "people.csv"
    xlsx_path = directory / "people.xlsx"
    sample_path = directory / "sample.csv"
    stamp = directory / "done.json"
    wanted = {"rows": rows, "sample": SAMPLE, "version": FORMAT_VERSION, "villages": villages}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return csv_path, xlsx_path, sample_path
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("人员")
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    with (
        csv_path.open("w", newline="", encoding="utf-8-sig") as out,
        sample_path.open("w", newline="", encoding="utf-8-sig") as sample_out,
    ):
        writer, sample = csv.writer(out), csv.writer(sample_out)
        writer.writerow(HEADER)
        sample.writerow(HEADER)
        for index, values in enumerate(_people(rows, villages), start=1):
            cells = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
            writer.writerow(cells)
            if index <= SAMPLE:
                sample.writerow(cells)
            for column, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write_datetime(index, column, value, date)
                elif value:
                    sheet.write_string(index, column, value, text if column in (3, 4, 6) else None)
    book.close()
    stamp.write_text(json.dumps(wanted))
    print(
        f"bench_import: {rows:,} people written to csv ({csv_path.stat().st_size / 1e6:.0f} MB) "
        f"and xlsx ({xlsx_path.stat().st_size / 1e6:.0f} MB) in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return csv_path, xlsx_path, sample_path


# --- the county, the importer, the child processes -------------------------------------------


def _setup() -> list[str]:
    from jinguo.accounts.models import User
    from jinguo.accounts.roles import Role
    from jinguo.orgunits.models import OrgUnit
    from jinguo.testing import build_tree, make_user

    county = OrgUnit.objects.filter(code=COUNTY).first()
    if county is None:
        tree = build_tree(county_code=COUNTY, townships=TOWNSHIPS, villages_per_township=VILLAGES)
        county = tree.county
    if not User.objects.filter(username=USERNAME).exists():
        make_user(USERNAME, Role.COUNTY_ADMIN, county)
    return sorted(
        OrgUnit.objects.filter(path__startswith=county.path, code__regex=r"^\d{12}$").values_list(
            "code", flat=True
        )
    )


def _child(kind: str, **arguments: Any) -> dict[str, Any]:
    """Run `python -m bench.bench_import KIND JSON` and return the JSON it prints last."""
    from django.db import connections

    connections.close_all()  # SQLite: no lock held while the child writes
    command = [sys.executable, "-m", "bench.bench_import", kind, json.dumps(arguments)]
    done = subprocess.run(  # noqa: S603 - our own module
        command,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_import {kind} failed:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _peak_mb() -> float:
    """This process's peak resident memory, plus the largest of its children's: an upper bound
    of what it held at once, which counts twice every page a fork shares."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _descendants(int(child))
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0  # ended meanwhile
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


class MemoryWatch:
    """The peak of the memory this process and its descendants (the reading child) hold
    together, sampled every 0.2 s as the sum of their proportional set sizes (PSS: a page two
    processes share counts half in each), which is what the machine gives them. Linux only;
    elsewhere `peak_mb` is None."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.available = Path("/proc/self/smaps_rollup").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while True:
            total = sum(_pss_kb(pid) for pid in _descendants(os.getpid()))
            self.peak_kb = max(self.peak_kb, total)
            if self._stop.wait(0.2):
                return

    def __enter__(self) -> MemoryWatch:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kb / 1024 if self.available else None


def _cpu_seconds() -> tuple[float, float | None]:
    """CPU seconds used so far by this process and by its database server process (PostgreSQL
    on this machine), to tell the importer's work from the server's."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    own = usage.ru_utime + usage.ru_stime
    if connection.vendor != "postgresql":
        return own, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return own, None  # the server runs elsewhere
    return own, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_jinguo(arguments: dict[str, Any]) -> dict[str, Any]:
    """Upload, dry run and commit of a people file, timed phase by phase."""
    from django.core.files.storage import storages
    from django.test.utils import override_settings

    from jinguo.accounts.models import User
    from jinguo.imports.models import ImportBatch
    from jinguo.imports.services import import_check, import_commit, import_upload
    from jinguo.orgunits.models import OrgUnit

    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": arguments["media"]},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        assert type(storages["default"]).__name__ == "FileSystemStorage"
        user = User.objects.get(username=USERNAME)
        unit = OrgUnit.objects.get(code=COUNTY)
        path = Path(arguments["path"])
        phases: dict[str, dict[str, float | None]] = {}

        def timed(phase: str, step: Callable[[], Any]) -> Any:
            started, (own, server) = time.perf_counter(), _cpu_seconds()
            out = step()
            own_after, server_after = _cpu_seconds()
            phases[phase] = {
                "seconds": time.perf_counter() - started,
                "cpu": own_after - own,
                "server_cpu": (
                    None if server is None or server_after is None else server_after - server
                ),
            }
            return out

        with MemoryWatch() as memory:
            batch = timed(
                "upload",
                lambda: import_upload(
                    actor=user, kind="people", unit=unit, file_name=path.name,
                    data=path.read_bytes(),
                ),
            )  # fmt: skip
            batch = timed("check", lambda: import_check(actor=user, batch=batch))
            if batch.check_counts.get("errors"):
                raise RuntimeError(f"the generated file has errors: {batch.first_errors[:5]}")
            batch = timed(
                "commit",
                lambda: import_commit(
                    actor=user, batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING
                ),
            )
    return {
        "batch": str(batch.pk),
        "counts": batch.commit_counts,
        "phases": phases,
        "pss_mb": memory.peak_mb,
        "peak_mb": _peak_mb(),
    }


def child_import_export(arguments: dict[str, Any]) -> dict[str, Any]:
    """django-import-export in its fastest documented configuration (see the module doc)."""
    import tablib
    from django.utils import translation
    from import_export import fields, resources, widgets

    from jinguo.orgunits.models import OrgUnit
    from jinguo.people import idnumbers
    from jinguo.people.models import Person
    from jinguo.people.services import id_index, name_pinyin, normalise_phone, phone_index

    sexes = {"女": "F", "男": "M"}
    ethnicity_codes = {"汉族": "01", "蒙古族": "02", "回族": "03", "满族": "11"}
    hukou_values = {"农村": "rural", "城镇": "urban"}
    from jinguo.people.choices import Education, Marital

    with translation.override("zh-hans"):
        education_values = {str(label): value for value, label in Education.choices}
        marital_values = {str(label): value for value, label in Marital.choices}

    class Choice(widgets.CharWidget):
        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return self.values.get(value, "") if value else ""

    class Villages(widgets.ForeignKeyWidget):
        """The villages read once, not once a row."""

        def __init__(self) -> None:
            super().__init__(OrgUnit, "code")
            self.units = {u.code: u for u in OrgUnit.objects.filter(code__startswith=COUNTY)}

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return self.units[value]

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        sex = fields.Field(attribute="sex", column_name="性别", widget=Choice(sexes))
        birth_date = fields.Field(
            attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d")
        )
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        phone = fields.Field(attribute="phone", column_name="电话")
        ethnicity = fields.Field(
            attribute="ethnicity", column_name="民族", widget=Choice(ethnicity_codes)
        )
        residence = fields.Field(attribute="residence", column_name="所在村", widget=Villages())
        hukou = fields.Field(attribute="hukou", column_name="户籍", widget=Choice(hukou_values))
        education = fields.Field(
            attribute="education", column_name="文化程度", widget=Choice(education_values)
        )
        marital_status = fields.Field(
            attribute="marital_status", column_name="婚姻状况", widget=Choice(marital_values)
        )
        occupation = fields.Field(attribute="occupation", column_name="职业")
        notes = fields.Field(attribute="notes", column_name="备注")

        class Meta:
            model = Person
            fields = (
                "name", "sex", "birth_date", "id_number", "phone", "ethnicity", "residence",
                "hukou", "education", "marital_status", "occupation", "notes",
            )  # fmt: skip
            import_id_fields: tuple[str, ...] = ()
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True
            report_skipped = False

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            derive(instance)

    def derive(instance: Any) -> None:
        """What the file does not carry and the registry's rows hold."""
        instance.name_pinyin, instance.name_initials = name_pinyin(instance.name)
        instance.county_code = instance.residence.county_code
        if instance.id_number:
            instance.id_number = idnumbers.parse(instance.id_number).number
            instance.id_number_index = id_index(instance.id_number)
        else:
            instance.id_number = instance.id_number_index = None
        phone = normalise_phone(instance.phone or "")
        instance.phone = phone or None
        instance.phone_index, instance.phone_tail = phone_index(phone), phone[-4:]

    class BlindIndex(widgets.CharWidget):
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return id_index(idnumbers.parse(value).number) if value else None

    class CheckedPersonResource(PersonResource):
        """The same, with the checks the import makes: a registered person looked up by her ID
        number's blind index, or without one by name, birth date and village (a query a row),
        and the model's validation (`full_clean`: field values, the unique blind index, the
        village's existence)."""

        id_number_index = fields.Field(
            attribute="id_number_index", column_name="身份证号", widget=BlindIndex()
        )

        class Meta(PersonResource.Meta):
            fields = (*PersonResource.Meta.fields, "id_number_index")
            import_id_fields = ("id_number_index",)
            force_init_instance = False
            clean_model_instances = True

        def get_instance(self, instance_loader: Any, row: Any) -> Any:
            if row["身份证号"]:
                return super().get_instance(instance_loader, row)
            if not row["出生日期"]:
                return None
            # Without an ID number, by name, birth date and village, as the import looks.
            return (
                Person.objects.active()
                .filter(name=row["姓名"], birth_date=row["出生日期"], residence__code=row["所在村"])
                .first()
            )

        def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            super().import_instance(instance, row, **kwargs)
            derive(instance)  # before the validation, which needs these fields

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            pass  # derived when imported

    resource = CheckedPersonResource() if arguments.get("checked") else PersonResource()
    path = Path(arguments["path"])
    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
    result = resource.import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("django-import-export reported errors")
    return {
        "rows": len(dataset),
        "written": Person.objects.filter(county_code=COUNTY).count(),
        "seconds": seconds,
        "peak_mb": _peak_mb(),
    }


# --- resetting and copying ------------------------------------------------------------------------


def _reset() -> None:
    """No people of the county, no import batches."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE people_person, imports_importbatch CASCADE")
        else:
            person_ids = f"SELECT id FROM people_person WHERE county_code = '{COUNTY}'"  # noqa: S608
            cursor.execute("DELETE FROM imports_importitem")
            cursor.execute("DELETE FROM imports_importbatch")
            cursor.execute(f"DELETE FROM people_consent WHERE person_id IN ({person_ids})")  # noqa: S608
            cursor.execute(f"DELETE FROM people_person WHERE county_code = '{COUNTY}'")  # noqa: S608
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("people_person", "people_consent", "audit_auditentry"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def _selections(batch: str, first_entry: int) -> dict[str, tuple[str, list[Any]]]:
    """What the import wrote, table by table."""
    # A UUID is stored as 32 hex digits on SQLite, as uuid on PostgreSQL.
    batch_id = batch if connection.vendor == "postgresql" else batch.replace("-", "")
    return {
        "people_person": ("county_code = %s", [COUNTY]),
        "people_consent": (
            "person_id IN (SELECT id FROM people_person WHERE county_code = %s)",
            [COUNTY],
        ),
        "audit_auditentry": ("id > %s", [first_entry]),
        "imports_importbatch": ("id = %s", [batch_id]),
        "imports_importitem": ("batch_id = %s", [batch_id]),
    }


def _dump(directory: Path, batch: str, first_entry: int) -> dict[str, int]:
    """The rows the import wrote, table by table, to files (COPY text, or pickled chunks)."""
    counts: dict[str, int] = {}
    for table, (where, params) in _selections(batch, first_entry).items():
        target = directory / f"{table}.dump"
        with connection.cursor() as cursor, target.open("wb") as out:
            if connection.vendor == "postgresql":
                sql = f"COPY (SELECT * FROM {table} WHERE {where} ORDER BY id) TO STDOUT"  # noqa: S608
                with cursor.cursor.copy(sql, params) as copy:
                    for data in copy:
                        out.write(data)
                cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
            else:
                cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)  # noqa: S608
                counts[table] = 0
                while chunk := cursor.fetchmany(5000):
                    pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                    counts[table] += len(chunk)
    return counts


_SHADOW = "bench_copy"


def _shadow_tables() -> None:
    """Empty tables with the definitions, indexes and foreign keys of PEOPLE_TABLES."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {_SHADOW} CASCADE")
            cursor.execute(f"CREATE SCHEMA {_SHADOW}")
            for table in PEOPLE_TABLES:
                cursor.execute(
                    f"CREATE TABLE {_SHADOW}.{table} (LIKE public.{table} INCLUDING ALL)"
                )
            for table in PEOPLE_TABLES:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [f"public.{table}"],
                )
                for name, definition in cursor.fetchall():
                    for shadowed in PEOPLE_TABLES:
                        definition = re.sub(
                            rf"REFERENCES {shadowed}\(",
                            f"REFERENCES {_SHADOW}.{shadowed}(",
                            definition,
                        )
                    cursor.execute(
                        f"ALTER TABLE {_SHADOW}.{table} ADD CONSTRAINT {name} {definition}"
                    )
            return
        for table in PEOPLE_TABLES:
            cursor.execute(f'DROP TABLE IF EXISTS "{_SHADOW}_{table}"')
        for table in PEOPLE_TABLES:
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                "AND type IN ('table', 'index') ORDER BY type = 'index'",
                [table],
            )
            for kind, name, sql in cursor.fetchall():
                for shadowed in PEOPLE_TABLES:
                    sql = sql.replace(f'"{shadowed}"', f'"{_SHADOW}_{shadowed}"')
                if kind == "index":
                    sql = sql.replace(f'"{name}"', f'"{_SHADOW}_{name}"', 1)
                cursor.execute(sql)


def _drop_shadow_tables() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {_SHADOW} CASCADE")
        else:
            for table in reversed(PEOPLE_TABLES):
                cursor.execute(f'DROP TABLE IF EXISTS "{_SHADOW}_{table}"')


def _copy(directory: Path) -> float:
    """Seconds to write the dumped rows into the shadow tables, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in PEOPLE_TABLES:
            source = directory / f"{table}.dump"
            with source.open("rb") as data:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {_SHADOW}.{table} FROM STDIN") as copy:
                        while block := data.read(1 << 20):
                            copy.write(block)
                    continue
                while True:
                    try:
                        chunk = pickle.load(data)  # noqa: S301 - our own file
                    except EOFError:
                        break
                    marks = ", ".join(["%s"] * len(chunk[0]))
                    cursor.executemany(
                        f'INSERT INTO "{_SHADOW}_{table}" VALUES ({marks})',  # noqa: S608
                        chunk,
                    )
    return time.perf_counter() - started


# --- the benchmark -------------------------------------------------------------------------------


@dataclass
class JinguoRun:
    label: str
    upload: float
    check: float
    commit: float
    peak_mb: float

    @property
    def whole(self) -> float:
        return self.upload + self.check + self.commit


def _jinguo(label: str, path: Path, media: Path, dump: Path | None) -> JinguoRun:
    from jinguo.audit.models import AuditEntry

    _reset()
    first_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    out = _child("jinguo", path=str(path), media=str(media))
    if out["counts"].get("new") != ROWS:
        raise RuntimeError(f"{label}: expected {ROWS} new people, got {out['counts']}")
    if dump is not None:
        counts = _dump(dump, out["batch"], first_entry)
        print(f"bench_import: rows written by the csv import, for the COPY: {counts}", flush=True)
    phases = out["phases"]
    for phase, figures in phases.items():
        server = figures["server_cpu"]
        print(
            f"bench_import: {label}: {phase} {figures['seconds']:.1f} s "
            f"(importer CPU {figures['cpu']:.1f} s"
            + ("" if server is None else f", database server CPU {server:.1f} s")
            + ")",
            flush=True,
        )
    # The sum of PSS where /proc tells it, else the summed peaks (an upper bound).
    peak = out["pss_mb"] if out["pss_mb"] is not None else out["peak_mb"]
    print(
        f"bench_import: {label}: peak memory {peak:.0f} MB (PSS of the importer and its reading "
        f"child, summed); peak RSS of the two summed {out['peak_mb']:.0f} MB",
        flush=True,
    )
    seconds = {phase: figures["seconds"] for phase, figures in phases.items()}
    return JinguoRun(label, seconds["upload"], seconds["check"], seconds["commit"], peak)


def run() -> list[RateRow]:
    villages = _setup()
    keep = Path(FILES) if FILES else None
    work = Path(tempfile.mkdtemp(prefix="jinguo-bench-import-"))
    files = keep or work
    files.mkdir(parents=True, exist_ok=True)
    dump = work / "dump"
    media = work / "media"
    dump.mkdir()
    media.mkdir()
    try:
        csv_path, xlsx_path, sample_path = write_files(files, ROWS, villages)
        runs = [
            _jinguo("Jinguo import, csv", csv_path, media, dump),
            _jinguo("Jinguo import, xlsx", xlsx_path, media, None),
        ]
        others = {}
        for label, checked in (("fastest documented", False), ("with the same checks", True)):
            _reset()
            others[label] = _child("import_export", path=str(sample_path), checked=checked)
            if others[label]["written"] != SAMPLE:
                raise RuntimeError(f"django-import-export ({label}) wrote too few rows")
        _reset()
        _shadow_tables()
        try:
            copy_seconds = _copy(dump)
        finally:
            _drop_shadow_tables()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    copy_rate = ROWS / copy_seconds
    other_rates = {label: other["rows"] / other["seconds"] for label, other in others.items()}
    copy_label = "raw COPY" if connection.vendor == "postgresql" else "raw executemany (no COPY)"
    benchmark = f"import {ROWS:,} people"
    rows: list[RateRow] = []
    for jinguo in runs:
        for phase, seconds in (
            ("commit", jinguo.commit),
            ("check (dry run)", jinguo.check),
            ("upload + check + commit", jinguo.whole),
        ):
            rate = ROWS / seconds
            rows.append(
                RateRow(
                    benchmark,
                    f"{jinguo.label}: {phase}",
                    ROWS,
                    seconds,
                    jinguo.peak_mb,
                    {
                        copy_label: rate / copy_rate,
                        **{
                            f"django-import-export {label}": rate / other_rate
                            for label, other_rate in other_rates.items()
                        },
                    },
                )
            )
    rows.append(RateRow(benchmark, copy_label, ROWS, copy_seconds, None, {}))
    for label, other in others.items():
        rows.append(
            RateRow(
                f"import {other['rows']:,} people (sample)",
                f"django-import-export, {label}",
                other["rows"],
                other["seconds"],
                other["peak_mb"],
                {copy_label: other_rates[label] / copy_rate},
            )
        )
    return rows


def _main() -> None:
    """The child processes: `python -m bench.bench_import jinguo|import_export JSON`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinguo.config.settings.test")
    import django

    django.setup()
    kind, arguments = sys.argv[1], json.loads(sys.argv[2])
    out = child_jinguo(arguments) if kind == "jinguo" else child_import_export(arguments)
    print(json.dumps(out))


if __name__ == "__main__":
    _main()
