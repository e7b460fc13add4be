"""`person_prepare` and `person_register_many`, the bulk door beside `person_register`, and
the chained bulk audit write under it (`audit_record_many`)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.audit.services import (
    AuditSpec,
    audit_record,
    audit_record_many,
    audit_verify,
    canonical_content,
    entry_hash,
)
from jinguo.core import context
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.orgunits.services import orgunit_close
from jinguo.people.choices import ConsentGiver
from jinguo.people.models import Consent, Person
from jinguo.people.services import (
    Registration,
    person_prepare,
    person_register,
    person_register_many,
)
from jinguo.people.tests.conftest import consent, id_number
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 3, 8)
CHILD = dt.date(2018, 5, 1)


def registrations() -> list[dict[str, Any]]:
    """Keyword arguments of several registrations of different shapes."""
    return [
        {"name": " 王芳 ", "id_number": id_number(BORN), "phone": "138 1234 5678",
         "consent": consent(), "ethnicity": "01", "occupation": " 牧民 "},
        {"name": "巴特尔", "id_number": id_number(BORN, "M", 1), "consent": consent(),
         "hukou": "rural"},
        {"name": "小花", "id_number": id_number(CHILD, seq=2),
         "consent": consent(given_by=ConsentGiver.GUARDIAN, giver_name="母亲")},
        {"name": "其其格", "sex": "F", "birth_date": dt.date(1975, 11, 23), "notes": "无证"},
        {"name": "Ａｌｉｎａ", "sex": "F", "phone": "+86 139 0000 0001", "consent": consent()},
    ]  # fmt: skip


class _Rollback(Exception):
    pass


def written(write: Any) -> dict[str, Any]:
    """What `write` leaves in the people, consent and audit tables; then rolled back."""
    first = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    out: dict[str, Any] = {}
    try:
        with transaction.atomic():
            write()
            keys = {p.pk: p.name for p in Person.objects.all()}
            out["people"] = sorted(
                (
                    p.name, p.name_pinyin, p.name_initials, p.sex, p.ethnicity, p.birth_date,
                    p.id_number, p.id_number_index, p.phone, p.phone_index, p.phone_tail,
                    p.residence_id, p.county_code, p.hukou, p.occupation, p.notes, p.version,
                    p.created_by_id,
                )
                for p in Person.objects.all()
            )  # fmt: skip
            out["consents"] = sorted(
                (keys[c.person_id], c.purpose, c.scope, c.given_by, c.giver_name, c.given_on)
                for c in Consent.objects.all()
            )
            consent_person = {str(c.pk): keys[c.person_id] for c in Consent.objects.all()}
            out["audit"] = [
                (
                    e.action,
                    e.object_type,
                    e.object_repr,
                    keys.get(int(e.object_id)) if e.object_type == "people.person" else
                    consent_person.get(e.object_id),
                    e.unit_path,
                    e.changes,
                    e.actor_name,
                )
                for e in AuditEntry.objects.filter(id__gt=first).order_by("id")
            ]  # fmt: skip
            out["chain"] = audit_verify().ok
            raise _Rollback
    except _Rollback:
        pass
    return out


def test_many_registrations_write_exactly_what_one_by_one_writes(
    tree: Tree, county_admin: User
) -> None:
    village = tree.village(0, 0)
    kwargs = registrations()

    def one_by_one() -> None:
        for arguments in kwargs:
            person_register(actor=county_admin, residence=village, **arguments)

    def all_at_once() -> None:
        prepared = [
            person_prepare(actor=county_admin, residence=village, **arguments)
            for arguments in kwargs
        ]
        people = person_register_many(actor=county_admin, registrations=prepared)
        assert [p.pk is not None for p in people] == [True] * len(kwargs)

    single, bulk = written(one_by_one), written(all_at_once)

    assert bulk == single
    assert len(bulk["people"]) == len(kwargs)
    assert len(bulk["consents"]) == 4
    assert [entry[0] for entry in bulk["audit"]] == [
        "person.register", "consent.record", "person.register", "consent.record",
        "person.register", "consent.record", "person.register", "person.register",
        "consent.record",
    ]  # fmt: skip
    assert bulk["chain"]


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"name": " "}, "name_required"),
        ({"name": "无性别"}, "sex_required"),
        ({"name": "未来", "sex": "F", "birth_date": dt.date(2999, 1, 1)}, "birth_in_future"),
        ({"name": "无同意", "id_number": id_number(BORN)}, "consent_required"),
        ({"name": "电话", "sex": "F", "phone": "138", "consent": consent()}, "invalid_phone"),
        ({"name": "民族", "sex": "F", "ethnicity": "99"}, "unknown_ethnicity"),
        (
            {"name": "小孩", "id_number": id_number(CHILD), "consent": consent()},
            "guardian_consent_required",
        ),
        (
            {"name": "男女", "id_number": id_number(BORN), "sex": "M", "consent": consent()},
            "id_sex_conflict",
        ),
    ],
)
def test_prepare_refuses_what_register_refuses_and_writes_nothing(
    tree: Tree, county_admin: User, arguments: dict[str, Any], code: str
) -> None:
    village = tree.village(0, 0)
    before = (Person.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ApplicationError) as prepared:
        person_prepare(actor=county_admin, residence=village, **arguments)
    with pytest.raises(ApplicationError) as registered:
        person_register(actor=county_admin, residence=village, **arguments)

    assert prepared.value.as_dict() == registered.value.as_dict()
    assert prepared.value.code == code
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_prepare_checks_the_residence_and_the_id_number_like_register(
    tree: Tree, county_admin: User, village_director: User
) -> None:
    village = tree.village(0, 0)
    taken = person_register(
        actor=county_admin, name="王芳", residence=village, id_number=id_number(BORN),
        consent=consent(),
    )  # fmt: skip
    again: dict[str, Any] = {"name": "又是她", "id_number": id_number(BORN), "consent": consent()}

    with pytest.raises(ApplicationError) as by_query:
        person_prepare(actor=county_admin, residence=village, **again)
    assert by_query.value.code == "duplicate_id"
    # A bulk caller answers "who holds this index" from its own lookup.
    with pytest.raises(ApplicationError) as by_lookup:
        person_prepare(
            actor=county_admin,
            residence=village,
            id_holder=lambda index: taken if index == taken.id_number_index else None,
            **again,
        )
    assert by_lookup.value.as_dict() == by_query.value.as_dict()
    free = person_prepare(
        actor=county_admin, residence=village, id_holder=lambda index: None, **again
    )
    assert free.person.pk is None

    with pytest.raises(ApplicationError) as township:
        person_prepare(actor=county_admin, residence=tree.townships[0], name="某", sex="F")
    assert township.value.code == "not_a_village"
    with pytest.raises(Http404):
        person_prepare(actor=village_director, residence=tree.village(1, 0), name="某", sex="F")
    orgunit_close(actor=None, unit=tree.village(0, 1), on=timezone.localdate())
    with pytest.raises(ApplicationError) as closed:
        person_prepare(
            actor=county_admin,
            residence=OrgUnit.objects.get(pk=tree.village(0, 1).pk),
            name="某",
            sex="F",
        )
    assert closed.value.code == "residence_closed"


def test_a_clash_in_a_bulk_write_writes_nothing(tree: Tree, county_admin: User) -> None:
    village = tree.village(0, 0)
    first = person_prepare(
        actor=county_admin, residence=village, name="甲", id_number=id_number(BORN),
        consent=consent(),
    )  # fmt: skip
    second = person_prepare(
        actor=county_admin, residence=village, name="乙", id_number=id_number(BORN),
        consent=consent(),
    )  # fmt: skip
    before = (Person.objects.count(), Consent.objects.count(), AuditEntry.objects.count())

    with pytest.raises(IntegrityError):
        person_register_many(actor=county_admin, registrations=[first, second])

    assert (Person.objects.count(), Consent.objects.count(), AuditEntry.objects.count()) == before
    assert person_register_many(actor=county_admin, registrations=[]) == []
    assert isinstance(first, Registration)


# --- audit_record_many -------------------------------------------------------------------------


def test_entries_written_in_bulk_chain_like_entries_written_one_by_one(
    tree: Tree, county_admin: User
) -> None:
    village = tree.village(0, 0)
    specs = [
        AuditSpec(
            action="bench.test",
            obj=village,
            unit_path=village.path,
            changes={"n": [None, n], "when": [None, BORN], "ids": [None, {n, n + 1}]},
        )
        for n in range(7)
    ]
    last_before = AuditEntry.objects.order_by("-id").first()
    assert last_before is not None

    count = audit_record_many(actor=county_admin, entries=specs, batch_size=3)
    after = audit_record(actor=county_admin, action="bench.after", obj=village)

    entries = list(AuditEntry.objects.filter(id__gt=last_before.pk).order_by("id"))
    assert count == 7
    assert [e.action for e in entries] == ["bench.test"] * 7 + ["bench.after"]
    assert entries[0].prev_hash == last_before.hash
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[-1].pk == after.pk
    assert entries[3].changes == {
        "n": [None, 3],
        "when": [None, "1980-03-08"],
        "ids": [None, [3, 4]],
    }
    assert {e.actor_name for e in entries} == {county_admin.username}
    assert {e.object_repr for e in entries[:7]} == {village.name}
    assert audit_verify().ok


def test_bulk_entries_hash_the_canonical_content(tree: Tree, county_admin: User) -> None:
    """audit_record_many writes the canonical JSON out by hand: the same text, to the byte,
    for any content (a request's id and address, quotes and non-ASCII, no object)."""
    village = tree.village(0, 0)
    specs = [
        AuditSpec(
            action="bench.test", obj=village, unit_path=village.path, changes={"备注": '"引号"'}
        ),
        AuditSpec(action="bench.none", object_type="x.y", object_id="7", object_repr="王\\芳"),
    ]
    with context.bound(request_id="r-1", client_ip="10.0.0.9"):
        audit_record_many(actor=county_admin, entries=specs)
    entries = list(AuditEntry.objects.filter(action__startswith="bench.").order_by("id"))

    assert [(e.request_id, e.client_ip) for e in entries] == [("r-1", "10.0.0.9")] * 2
    assert entries[0].changes == {"备注": '"引号"'}
    for entry in entries:
        assert entry.hash == entry_hash(entry.prev_hash, entry), canonical_content(entry)


def test_a_forged_bulk_entry_is_found(tree: Tree, county_admin: User) -> None:
    village = tree.village(0, 0)
    audit_record_many(
        actor=None,
        entries=[AuditSpec(action="bench.test", obj=village, changes={"n": n}) for n in range(5)],
    )
    forged = AuditEntry.objects.filter(action="bench.test").order_by("id")[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        cursor.execute(
            "UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["伪造", forged.pk]
        )

    result = audit_verify()

    assert not result.ok
    assert result.broken is not None
    assert result.broken.entry_id == forged.pk
