"""The bulk path (`apply_many`) against the row-by-row path (`apply`): the same outcomes.

Each scenario runs twice on the same database state, once with the people import type as
registered (bulk) and once with its `apply_many` removed (row by row), each inside a
transaction that is rolled back afterwards, and compares everything the import left: counts,
first errors, the error workbook, the people (encrypted fields decrypted, blind indexes,
pinyin), their consents, the import items and the audit entries, whose chain must verify.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

import jinguo.imports.people as people_import
from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.audit.services import audit_verify
from jinguo.core.errors import ApplicationError
from jinguo.imports import registry
from jinguo.imports import services as engine
from jinguo.imports.models import ImportBatch, ImportItem
from jinguo.imports.registry import SAME_RECORD, Ledger
from jinguo.imports.services import import_check, import_commit, import_undo, import_upload
from jinguo.imports.tests import corpus
from jinguo.imports.tests.test_services import csv_bytes, error_rows, xlsx_bytes
from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import ConsentGiver, ConsentPurpose, Hukou
from jinguo.people.models import Consent, Person
from jinguo.people.services import ConsentInput, person_register
from jinguo.testing import OPENED, Tree

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名", "性别", "出生日期", "身份证号", "电话", "民族", "所在村", "户籍", "文化程度",
    "婚姻状况", "职业", "备注", "同意人", "同意人姓名", "同意日期",
]  # fmt: skip
SELF = ConsentInput(ConsentPurpose.REGISTRY, "登记", ConsentGiver.SELF, "", OPENED)


def number(seq: int, born: dt.date = dt.date(1980, 3, 8), sex: str = "F") -> str:
    return idnumbers.generate("150525", born, sex, seq)


def row(
    name: str,
    village: str,
    *,
    id_number: str = "",
    sex: str = "",
    born: str = "",
    phone: str = "",
    occupation: str = "",
    consent: str = "本人",
    giver: str = "",
    notes: str = "",
) -> list[str]:
    return [
        name, sex, born, id_number, phone, "蒙古族", village, "农村", "", "", occupation, notes,
        consent, giver, "2014-03-08" if consent else "",
    ]  # fmt: skip


@dataclasses.dataclass
class Registered:
    same: Person  # will appear unchanged
    changed: Person  # will be updated (occupation)
    no_id: Person  # no ID number: found by name, birth date and village
    no_consent: Person  # no consent: adding a phone is refused


@pytest.fixture
def registered(tree: Tree, county_admin: User) -> Registered:
    village = tree.village(0, 0)

    def add(name: str, **fields: Any) -> Person:
        return person_register(actor=county_admin, name=name, residence=village, **fields)

    common = {"ethnicity": "02", "hukou": Hukou.RURAL}
    return Registered(
        same=add("巴特尔", id_number=number(1, sex="M"), occupation="牧民", consent=SELF, **common),
        changed=add("王芳", id_number=number(2), occupation="牧民", consent=SELF, **common),
        no_id=add("其其格", sex="F", birth_date=dt.date(1975, 11, 23), **common),
        no_consent=add("李秀英", sex="F", birth_date=dt.date(1968, 1, 31), **common),
    )


def tricky_rows(tree: Tree) -> list[list[str]]:
    """Rows of every kind the people import meets, several of them about the same record."""
    v1, v2, far = tree.village(0, 0).code, tree.village(0, 1).code, tree.village(1, 0).code
    minor = dt.date(2015, 6, 1)
    return [
        row("新人甲", v1, id_number=number(10), phone="13812345601"),  # new
        row("新人乙", v1, id_number=number(11)),  # new
        row("无同意", v1, id_number=number(12), consent=""),  # consent required
        row("小孩", v1, id_number=number(0, minor), consent="本人"),  # guardian required
        row("小孩二", v1, id_number=number(1, minor), consent="监护人", giver="母亲"),  # new
        row("巴特尔", v1, id_number=number(1, sex="M"), occupation="牧民"),  # unchanged
        row("王芳", v1, id_number=number(2), occupation="教师"),  # updated
        row("又一个甲", v1, id_number=number(10)),  # the same record as row 2
        row("无证", v1, sex="女", born="1990-05-06"),  # new, found later by name
        row("无证", v1, sex="女", born="1990-05-06", notes="重复"),  # the same as row 10
        row("某人", "150525999999", id_number=number(13)),  # unknown village
        row("按名", "村1-2", id_number=number(14)),  # village by name: new
        row("其其格", v1, sex="女", born="1975-11-23"),  # unchanged, found by name
        row("坏电话", v1, id_number=number(15), phone="12345"),  # a cell error
        row("王芳", v1, id_number=number(2), occupation="医生"),  # the same as row 8
        row("男女", v1, id_number=number(16), sex="男"),  # sex contradicts the ID number
        row("无证", v2, sex="女", born="1990-05-06"),  # another village: new
        row("无生日", v1, sex="女", consent=""),  # new, nothing to find her by
        row("无性别", v1, consent=""),  # sex required
        row("未来", v1, sex="女", born="2999-01-01", consent=""),  # a birth date in the future
        row("李秀英", v1, sex="女", born="1968-01-31", phone="13900000000"),  # needs consent
        row("其其格", v1, sex="女", born="1975-11-23"),  # the same as row 14
        row("远村", far, id_number=number(17), phone="+86 139 0000 0001"),  # new
        row("新人丙", v2, id_number=number(18), notes="  空格  "),  # new
        row("巴特尔", v1, id_number=number(1, sex="M"), occupation="牧民"),  # as row 7
    ]


# --- running an import both ways -------------------------------------------------------------


@pytest.fixture
def row_by_row(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def switch() -> None:
        plain = dataclasses.replace(people_import.PEOPLE, apply_many=None)
        monkeypatch.setitem(registry._types, "people", plain)

    return switch


class _Rollback(Exception):
    pass


def same_record_message(first: int) -> str:
    return str(ApplicationError(SAME_RECORD, code="same_record", params={"row": first}))


def person_key(person: Person) -> tuple[Any, ...]:
    return (person.name, person.birth_date, person.id_number_index or "", person.residence_id)


def capture(batch: ImportBatch, first_entry: int) -> dict[str, Any]:
    """Everything an import left behind, without ids that differ between runs."""
    keys = {str(p.pk): person_key(p) for p in Person.objects.all()}
    consents = {str(c.pk): ("consent", keys[str(c.person_id)]) for c in Consent.objects.all()}
    people = sorted(
        (
            *person_key(p),
            p.name_pinyin,
            p.name_initials,
            p.sex,
            p.ethnicity,
            p.id_number,
            p.phone,
            p.phone_index,
            p.phone_tail,
            p.county_code,
            p.hukou,
            p.education,
            p.marital_status,
            p.occupation,
            p.notes,
            p.version,
            p.created_by_id,
        )
        for p in Person.objects.all()
    )
    consent_rows = sorted(
        (keys[str(c.person_id)], c.purpose, c.scope, c.given_by, c.giver_name, c.given_on)
        for c in Consent.objects.all()
    )
    entries = [
        (
            e.action,
            e.object_type,
            keys.get(e.object_id) if e.object_type == "people.person" else
            consents.get(e.object_id) if e.object_type == "people.consent" else e.object_type,
            e.object_repr,
            e.unit_path,
            e.changes,
            e.actor_name,
        )
        for e in AuditEntry.objects.filter(id__gt=first_entry).order_by("id")
    ]  # fmt: skip
    items = [
        (i.row, i.action, keys[i.object_id], dict(i.before))
        for i in ImportItem.objects.filter(batch=batch).order_by("row")
    ]
    batch.refresh_from_db()
    return {
        "status": batch.status,
        "check": batch.check_counts,
        "commit": batch.commit_counts,
        "first_errors": batch.first_errors,
        "error_rows": error_rows(batch) if batch.error_file_path else None,
        "people": people,
        "consents": consent_rows,
        "audit": entries,
        "items": items,
        "chain_ok": audit_verify().ok,
    }


def run_import(
    actor: User, unit: OrgUnit, data: bytes, name: str, mode: str | None
) -> dict[str, Any]:
    """Upload, check and (unless `mode` is None) commit; capture; roll everything back."""
    first_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    captured: dict[str, Any] = {}
    try:
        with transaction.atomic():
            batch = import_upload(actor=actor, kind="people", unit=unit, file_name=name, data=data)
            batch = import_check(actor=actor, batch=batch)
            if mode is not None:
                try:
                    import_commit(actor=actor, batch=batch, mode=mode)
                except ApplicationError as error:
                    captured["refused"] = error.code
            captured.update(capture(batch, first_entry))
            raise _Rollback
    except _Rollback:
        pass
    return captured


def both_ways(
    row_by_row: Callable[[], None],
    actor: User,
    unit: OrgUnit,
    data: bytes,
    name: str,
    mode: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    assert registry.get("people") is people_import.PEOPLE
    assert people_import.PEOPLE.apply_many is not None
    bulk = run_import(actor, unit, data, name, mode)
    row_by_row()
    assert registry.get("people").apply_many is None  # type: ignore[union-attr]
    plain = run_import(actor, unit, data, name, mode)
    return bulk, plain


# --- the same outcomes ------------------------------------------------------------------------


@pytest.fixture(params=[1000, 4, 1], ids=["chunk1000", "chunk4", "chunk1"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(engine, "CHUNK", request.param)
    return int(request.param)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "mode", [None, ImportBatch.Mode.VALID_ONLY, ImportBatch.Mode.ALL_OR_NOTHING]
)
def test_the_bulk_path_leaves_exactly_what_row_by_row_leaves(
    tree: Tree,
    county_admin: User,
    registered: Registered,
    row_by_row: Callable[[], None],
    chunk: int,
    fmt: str,
    mode: str | None,
) -> None:
    rows = tricky_rows(tree)
    data = csv_bytes(rows, HEADER) if fmt == "csv" else xlsx_bytes(rows, HEADER)

    bulk, plain = both_ways(row_by_row, county_admin, tree.county, data, f"人员.{fmt}", mode)

    assert bulk == plain
    # And the scenario is what it says: every kind of outcome happened.
    assert bulk["check"] == {"rows": 25, "new": 9, "updated": 1, "unchanged": 2, "errors": 13}
    assert [e["row"] for e in bulk["first_errors"]] == [
        4, 5, 9, 11, 12, 15, 16, 17, 20, 21, 22, 23, 26,
    ]  # fmt: skip
    same_record = {e["row"]: e["message"] for e in bulk["first_errors"]}
    for later, first in ((9, 2), (11, 10), (16, 8), (23, 14), (26, 7)):
        assert same_record[later] == same_record_message(first)
    assert bulk["chain_ok"]
    if mode == ImportBatch.Mode.VALID_ONLY:
        assert bulk["status"] == ImportBatch.Status.COMMITTED
        assert len(bulk["people"]) == 4 + 9
        assert len(bulk["items"]) == 10
    elif mode == ImportBatch.Mode.ALL_OR_NOTHING:
        assert bulk["refused"] == "has_errors"
        assert len(bulk["people"]) == 4


@pytest.mark.parametrize("generator", corpus.PEOPLE_FILES, ids=lambda g: g.__name__)
def test_the_corpus_files_give_the_same_outcomes(
    tmp_path: Path,
    tree: Tree,
    county_admin: User,
    row_by_row: Callable[[], None],
    generator: corpus.Generator,
) -> None:
    path = generator(tmp_path)

    bulk, plain = both_ways(
        row_by_row,
        county_admin,
        tree.county,
        path.read_bytes(),
        path.name,
        ImportBatch.Mode.VALID_ONLY,
    )

    assert bulk == plain
    assert bulk["commit"]["rows"] >= len(corpus.PEOPLE)
    assert bulk["chain_ok"]


# --- duplicates across chunks, valid rows only, undo --------------------------------------------


def test_a_record_named_again_in_a_later_chunk_is_an_error_with_the_first_row(
    tree: Tree, county_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", 3)
    village = tree.village(0, 0).code
    rows = [row(f"人{i}", village, id_number=number(i)) for i in range(20, 27)]
    rows.append(row("同号", village, id_number=number(21)))  # chunk 3; row 3 in chunk 1
    rows.append(row("无证", village, sex="女", born="1990-01-01", consent=""))
    rows.append(row("同号二", village, id_number=number(26)))  # chunk 4 vs row 8 in chunk 3
    rows.append(row("无证", village, sex="女", born="1990-01-01", consent=""))  # vs row 10

    batch = import_upload(
        actor=county_admin, kind="people", unit=tree.county, file_name="p.csv",
        data=csv_bytes(rows, HEADER),
    )  # fmt: skip
    batch = import_check(actor=county_admin, batch=batch)

    assert batch.check_counts == {"rows": 11, "new": 8, "updated": 0, "unchanged": 0, "errors": 3}
    assert [(e["row"], e["message"]) for e in batch.first_errors] == [
        (9, same_record_message(3)),
        (11, same_record_message(8)),
        (12, same_record_message(10)),
    ]
    assert not Person.objects.filter(name__startswith="人").exists()  # a dry run


def test_valid_only_writes_the_good_rows_in_bulk_and_undo_removes_them(
    tree: Tree, county_admin: User, registered: Registered
) -> None:
    first_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = tricky_rows(tree)
    batch = import_upload(
        actor=county_admin, kind="people", unit=tree.county, file_name="p.csv",
        data=csv_bytes(rows, HEADER),
    )  # fmt: skip
    batch = import_check(actor=county_admin, batch=batch)
    before = Person.objects.count()

    batch = import_commit(actor=county_admin, batch=batch, mode=ImportBatch.Mode.VALID_ONLY)

    assert batch.commit_counts == batch.check_counts
    assert Person.objects.count() == before + 9
    assert batch.items.filter(action=ImportItem.Action.CREATED).count() == 9
    assert batch.items.filter(action=ImportItem.Action.UPDATED).count() == 1
    assert len([r for r in error_rows(batch)[1:] if any(str(c).strip() for c in r)]) == 13
    new = Person.objects.get(name="新人甲")
    assert new.id_number == number(10)
    assert new.phone == "13812345601"
    assert new.consents.get().given_by == ConsentGiver.SELF
    # Each new person's registration and consent are audited, in row order, chained.
    actions = list(
        AuditEntry.objects.filter(id__gt=first_entry, object_type="people.person")
        .order_by("id")
        .values_list("action", "object_repr")
    )
    assert actions[:3] == [
        ("person.register", "新人甲"),
        ("person.register", "新人乙"),
        ("person.register", "小孩二"),
    ]
    assert audit_verify().ok

    import_undo(actor=county_admin, batch=batch)

    assert Person.objects.count() == before
    registered.changed.refresh_from_db()
    assert registered.changed.occupation == "牧民"
    assert audit_verify().ok


def test_a_clash_with_someone_registered_meanwhile_falls_back_to_row_by_row(
    tree: Tree,
    county_admin: User,
    registered: Registered,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A registration committed by another clerk after the chunk's lookup: the bulk insert
    meets the unique index, the chunk is rolled back and goes row by row."""
    village = tree.village(0, 0).code
    rows = [
        row("新人", village, id_number=number(30)),
        row("巴特尔", village, id_number=number(1, sex="M"), occupation="牧民"),
    ]
    blind = people_import._Registered.find
    monkeypatch.setattr(
        people_import._Registered, "find", classmethod(lambda cls, keys: cls({}, {}))
    )
    calls: list[int] = []
    original = registry.apply_row

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(engine, "apply_row", counting)
    batch = import_upload(
        actor=county_admin, kind="people", unit=tree.county, file_name="p.csv",
        data=csv_bytes(rows, HEADER),
    )  # fmt: skip

    batch = import_check(actor=county_admin, batch=batch)

    assert batch.check_counts == {"rows": 2, "new": 1, "updated": 0, "unchanged": 1, "errors": 0}
    assert len(calls) == 2  # both rows again, one by one
    assert blind is not people_import._Registered.find


# --- the ledger ----------------------------------------------------------------------------


def test_the_ledger_finds_claims_in_any_order_and_forgets_rolled_back_ones() -> None:
    ledger = Ledger()
    for key, row_number in ((5, 2), (9, 3), (7, 4), ("a", 5), (11, 6)):
        ledger.claim(key, row_number)
    assert [ledger.row_of(k) for k in (5, 9, 7, "a", 11, 6)] == [2, 3, 4, 5, 6, None]
    with pytest.raises(ApplicationError) as refused:
        ledger.claim(7, 10)
    assert refused.value.code == "same_record"
    assert refused.value.params == {"row": 4}

    def fail_after_claims() -> None:
        with ledger.tentative():
            ledger.claim(20, 11)
            ledger.claim(3, 12)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_after_claims()
    assert ledger.row_of(20) is None
    assert ledger.row_of(3) is None
    assert len(ledger) == 5
    with ledger.tentative():
        ledger.claim(20, 11)
    assert ledger.row_of(20) == 11


def test_new_rows_take_a_few_queries_a_chunk_not_a_few_a_row(
    tree: Tree,
    county_admin: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    village = tree.village(0, 0).code
    rows = [
        row(f"人{i}", village, id_number=number(i % 500, dt.date(1960, 1, 1 + i // 500)))
        for i in range(600)
    ]
    rows += [row(f"无证{i}", village, sex="女", born="1990-01-01", consent="") for i in range(100)]
    batch = import_upload(
        actor=county_admin, kind="people", unit=tree.county, file_name="p.csv",
        data=csv_bytes(rows, HEADER),
    )  # fmt: skip
    one_by_one: list[int] = []

    def counting(*args: Any) -> Any:
        one_by_one.append(1)
        return registry.apply_row(*args)

    monkeypatch.setattr(engine, "apply_row", counting)
    monkeypatch.setattr(people_import, "apply_row", counting)

    # Per row it would be several queries each (lookups, insert, consent, two audit entries).
    with django_assert_max_num_queries(120):
        batch = import_check(actor=county_admin, batch=batch)

    assert batch.check_counts == {
        "rows": 700,
        "new": 700,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
    }
    assert one_by_one == []


def test_a_record_merged_away_is_not_found_by_name(tree: Tree, county_admin: User) -> None:
    village = tree.village(0, 0)
    born = dt.date(1975, 11, 23)

    def add() -> Person:
        return person_register(
            actor=county_admin, name="其其格", residence=village, sex="F", birth_date=born
        )

    gone, kept = add(), add()  # the same woman twice; the first merged into the second
    Person.objects.filter(pk=gone.pk).update(merged_into=kept)
    key = ("其其格", born, village.pk)

    found = people_import._Registered.find([(None, key), (None, ("其其格", born, 0))])

    assert found.get(None, key) == kept
    assert found.get(None, ("其其格", born, 0)) is None
