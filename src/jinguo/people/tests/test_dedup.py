"""The probable-duplicate scan: which records it pairs, which it leaves alone, and what it costs.

Records are compared only within blocks (same pinyin and birth year or village; same birth date
and village; same phone), scored by name, birth date, village and phone, and recorded as open
pairs at a score of 0.6 or more. Two different ID numbers are two people. A rescan never
reopens a pair a reviewer closed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from jinguo.audit.models import AuditEntry
from jinguo.core.models import Progress
from jinguo.core.progress import progress_start
from jinguo.people import dedup
from jinguo.people.dedup import (
    THRESHOLD,
    birth_similarity,
    duplicates_scan,
    name_similarity,
    score_pair,
)
from jinguo.people.merging import duplicate_mark_distinct, duplicate_merge
from jinguo.people.models import DuplicatePair, Person
from jinguo.people.services import person_update
from jinguo.people.tasks import duplicates_scan_task
from jinguo.people.tests.conftest import MakePerson, id_number
from jinguo.testing import Tree, build_tree, make_user

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 7)
PHONE = "13912345678"


def pair_of(x: Person, y: Person) -> DuplicatePair | None:
    low, high = sorted((x.pk, y.pk))
    return DuplicatePair.objects.filter(person_a_id=low, person_b_id=high).first()


def row(
    pk: int = 1,
    name: str = "王芳",
    pinyin: str = "wangfang",
    sex: str = "F",
    born: dt.date | None = BORN,
    residence: int = 1,
    phone: str = "",
    has_id: bool = False,
) -> dedup.Row:
    return (pk, name, pinyin, sex, born, residence, phone, has_id)


# --- scoring ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        pytest.param(BORN, (1.0, "same_birth_date"), id="same"),
        pytest.param(dt.date(1985, 7, 3), (0.8, "swapped_birth_date"), id="day and month swapped"),
        pytest.param(dt.date(1985, 3, 8), (0.6, "similar_birth_date"), id="one digit of the day"),
        pytest.param(dt.date(1986, 3, 7), (0.6, "similar_birth_date"), id="one digit of the year"),
        pytest.param(dt.date(1985, 3, 29), (0.5, "same_birth_month"), id="same month"),
        pytest.param(dt.date(1985, 11, 20), (0.0, ""), id="same year only"),
        pytest.param(dt.date(1991, 3, 7), (0.0, ""), id="another year"),
    ],
)
def test_birth_similarity_grades_typing_mistakes(
    other: dt.date, expected: tuple[float, str]
) -> None:
    assert birth_similarity(BORN, other) == expected
    assert birth_similarity(other, BORN) == expected


def test_name_similarity_is_one_minus_the_edit_distance_over_the_length() -> None:
    assert name_similarity("王芳", "王芳") == 1.0
    assert name_similarity("王芳", "王芬") == 0.5
    assert name_similarity("王秀英", "王秀兰") == pytest.approx(2 / 3)
    assert name_similarity("王芳", "王小芳") == pytest.approx(2 / 3)
    assert name_similarity("王芳", "李娜") == 0.0


def test_score_weighs_name_birth_date_village_and_phone() -> None:
    match = score_pair(row(1), row(2, name="王方", phone=""))

    assert match is not None
    assert match.score == pytest.approx(0.35 * 0.9 + 0.30 + 0.15)
    assert match.reasons == ["same_pinyin", "same_birth_date", "same_village"]


def test_two_different_id_numbers_are_two_people_whatever_else_agrees() -> None:
    assert score_pair(row(1, has_id=True), row(2, has_id=True)) is None
    assert score_pair(row(1, has_id=True), row(2)) is not None


def test_different_sex_strongly_lowers_the_score() -> None:
    assert score_pair(row(1), row(2, sex="M")) is None
    everything = score_pair(row(1, phone="p"), row(2, sex="M", phone="p"), threshold=0)
    assert everything is not None
    assert everything.score == pytest.approx(1.0 - 0.35)
    assert "different_sex" in everything.reasons


def test_same_name_alone_is_not_enough() -> None:
    assert score_pair(row(1), row(2, born=dt.date(1962, 10, 1), residence=2)) is None


# --- what the scan pairs ----------------------------------------------------------------------


def test_scan_pairs_homophones_born_the_same_day_in_the_same_village(
    make_person: MakePerson,
) -> None:
    wang_fang = make_person("王芳", birth_date=BORN)
    wang_fang_2 = make_person("王方", birth_date=BORN)
    make_person("李娜", birth_date=BORN)

    result = duplicates_scan()

    pair = pair_of(wang_fang, wang_fang_2)
    assert pair is not None
    assert pair.status == DuplicatePair.Status.OPEN
    assert pair.score == Decimal("0.765")
    assert pair.reasons == ["same_pinyin", "same_birth_date", "same_village"]
    assert (result.candidate_pairs, result.pairs_created) == (1, 1)
    assert DuplicatePair.objects.count() == 1


def test_scan_pairs_a_birth_date_with_day_and_month_swapped(make_person: MakePerson) -> None:
    first = make_person("王芳", birth_date=dt.date(1985, 3, 7))
    second = make_person("王芳", birth_date=dt.date(1985, 7, 3))

    duplicates_scan()

    pair = pair_of(first, second)
    assert pair is not None
    assert pair.reasons == ["same_name", "swapped_birth_date", "same_village"]


def test_scan_pairs_the_same_phone_across_villages(make_person: MakePerson, far_village) -> None:
    dated = make_person("王芳", birth_date=BORN, phone=PHONE)
    undated = make_person("王芳", residence=far_village, phone=PHONE)

    duplicates_scan()

    pair = pair_of(dated, undated)
    assert pair is not None
    assert pair.reasons == ["same_name", "same_phone"]


def test_scan_pairs_a_mistyped_name_born_the_same_day_in_the_same_village(
    make_person: MakePerson,
) -> None:
    wang = make_person("王秀英", birth_date=BORN)
    huang = make_person("黄秀英", birth_date=BORN)

    duplicates_scan()

    pair = pair_of(wang, huang)
    assert pair is not None
    assert pair.reasons == ["similar_name", "same_birth_date", "same_village"]


def test_scan_does_not_pair_different_id_numbers(make_person: MakePerson) -> None:
    make_person("王芳", id_number=id_number(BORN, seq=1))
    make_person("王芳", id_number=id_number(BORN, seq=2))

    result = duplicates_scan()

    assert result.comparisons >= 1
    assert result.candidate_pairs == 0
    assert not DuplicatePair.objects.exists()


def test_scan_pairs_a_record_with_an_id_number_and_one_without(make_person: MakePerson) -> None:
    with_id = make_person("王芳", id_number=id_number(BORN, seq=1))
    without = make_person("王芳", birth_date=BORN)

    duplicates_scan()

    assert pair_of(with_id, without) is not None


def test_scan_does_not_pair_different_sex_very_different_people(
    make_person: MakePerson, neighbour_village
) -> None:
    make_person("张伟", sex="F", birth_date=BORN)
    make_person("张伟", sex="M", birth_date=BORN)
    make_person("王刚", sex="M", birth_date=BORN, phone=PHONE)
    make_person("王芳", sex="F", birth_date=dt.date(1990, 1, 1), phone=PHONE)
    make_person("李娜", birth_date=BORN, residence=neighbour_village)

    result = duplicates_scan()

    assert result.comparisons > 0
    assert not DuplicatePair.objects.exists()


def test_scan_reads_only_active_people_of_the_county(make_person: MakePerson) -> None:
    other = build_tree(county_code="150526", townships=1, villages_per_township=1)
    here = make_person("王芳", birth_date=BORN)
    elsewhere = make_person("王芳", birth_date=BORN, residence=other.village(0, 0))
    twin = make_person("王方", birth_date=BORN)
    merged = make_person("王芳", birth_date=BORN)
    Person.objects.filter(pk=merged.pk).update(merged_into=here)

    result = duplicates_scan(county_code="150525")

    assert result.people_scanned == 2
    assert pair_of(here, twin) is not None
    assert pair_of(here, elsewhere) is None
    assert pair_of(here, merged) is None


def test_blocking_compares_far_fewer_pairs_than_everyone_with_everyone(
    tree: Tree, make_person: MakePerson
) -> None:
    rng = random.Random(2014)  # noqa: S311 - test data, not secrets
    villages = [v for township in tree.villages.values() for v in township]
    surnames, given = "王李张刘陈杨黄赵吴周", "芳丽娜敏静英华兰红霞燕艳玲梅"
    people = 300
    for _ in range(people):
        make_person(
            rng.choice(surnames) + rng.choice(given),
            birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365)),
            residence=rng.choice(villages),
        )

    result = duplicates_scan()

    assert result.people_scanned == people
    everyone = people * (people - 1) // 2
    assert 0 < result.comparisons < everyone / 20
    assert result.capped_blocks == 0


def test_an_oversized_block_is_compared_by_a_window(
    make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedup, "BLOCK_CAP", 3)
    monkeypatch.setattr(dedup, "WINDOW", 1)
    for day in range(1, 7):
        make_person("王芳", birth_date=dt.date(1985, 3, day), phone=f"1391234567{day}")

    result = duplicates_scan()

    # Six namesakes born in one month, in one village: each block of six is capped and each
    # person compared with her next neighbour in birth-date order only. No two share a birth
    # date or a phone, so the other passes compare nothing.
    assert result.capped_blocks == 2
    assert result.largest_block == 6
    assert result.comparisons == 5 + 5  # the year block and the village block
    assert result.candidate_pairs == 5


# --- rescans ----------------------------------------------------------------------------------


def test_rescan_keeps_a_pair_marked_distinct_distinct(make_person: MakePerson) -> None:
    first = make_person("王芳", birth_date=BORN)
    second = make_person("王方", birth_date=BORN)
    duplicates_scan()
    pair = pair_of(first, second)
    assert pair is not None
    duplicate_mark_distinct(actor=None, pair=pair)

    result = duplicates_scan()

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISTINCT
    assert (result.candidate_pairs, result.pairs_kept_reviewed) == (1, 1)
    assert (result.pairs_created, result.pairs_updated, result.pairs_recorded) == (0, 0, 0)
    assert DuplicatePair.objects.count() == 1


def test_rescan_keeps_a_merged_pair_merged(make_person: MakePerson) -> None:
    first = make_person("王芳", birth_date=BORN)
    second = make_person("王方", birth_date=BORN)
    duplicates_scan()
    pair = pair_of(first, second)
    assert pair is not None
    duplicate_merge(actor=None, pair=pair, survivor=first)

    result = duplicates_scan()

    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    assert result.people_scanned == 1
    assert result.pairs_removed == 0


def test_rescan_updates_the_score_of_an_open_pair(make_person: MakePerson) -> None:
    first = make_person("王芳", birth_date=BORN)
    second = make_person("王芳", birth_date=dt.date(1985, 7, 3))
    duplicates_scan()
    pair = pair_of(first, second)
    assert pair is not None
    assert pair.score == Decimal("0.740")
    person_update(actor=None, person=second, version=second.version, birth_date=BORN)

    result = duplicates_scan()

    pair.refresh_from_db()
    assert pair.score == Decimal("0.800")
    assert pair.reasons == ["same_name", "same_birth_date", "same_village"]
    assert (result.pairs_created, result.pairs_updated, result.pairs_recorded) == (0, 1, 1)


def test_rescan_removes_an_open_pair_no_longer_alike(make_person: MakePerson) -> None:
    first = make_person("王芳", birth_date=BORN)
    second = make_person("王方", birth_date=BORN)
    duplicates_scan()
    person_update(actor=None, person=second, version=second.version, birth_date=dt.date(1960, 1, 1))

    result = duplicates_scan()

    assert pair_of(first, second) is None
    assert result.pairs_removed == 1


def test_scan_writes_one_audit_entry(make_person: MakePerson) -> None:
    make_person("王芳", birth_date=BORN)
    make_person("王方", birth_date=BORN)

    duplicates_scan(county_code="150525")

    entry = AuditEntry.objects.get(action="duplicates.scan")
    assert entry.actor_name == "system"
    assert entry.changes["found"] == [None, 1]
    assert entry.unit_path.startswith("/")


def test_scan_reports_progress_up_to_the_total(make_person: MakePerson) -> None:
    make_person("王芳", birth_date=BORN)
    make_person("王方", birth_date=BORN)
    calls: list[tuple[int, int]] = []

    duplicates_scan(on_progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, 2 * len(dedup.PASSES))
    assert calls[-1] == (2 * len(dedup.PASSES), 2 * len(dedup.PASSES))
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_threshold_is_the_documented_one() -> None:
    assert THRESHOLD == 0.6
    weights = dedup.W_NAME + dedup.W_BIRTH + dedup.W_VILLAGE + dedup.W_PHONE
    assert weights == pytest.approx(1.0)


# --- the background task and the command ------------------------------------------------------


def test_scan_task_reports_its_progress_and_result(make_person: MakePerson) -> None:
    make_person("王芳", birth_date=BORN)
    make_person("王方", birth_date=BORN)
    owner = make_user("county-staff")
    progress = progress_start(owner_id=owner.pk, label="duplicates scan")

    duplicates_scan_task.enqueue(str(progress.pk), "150525")

    progress.refresh_from_db()
    assert progress.state == Progress.State.DONE
    assert progress.message == "ok:2:1"
    assert progress.percent == 100


def test_scan_task_marks_progress_failed_on_error(
    make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_user("county-staff")
    progress = progress_start(owner_id=owner.pk, label="duplicates scan")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("jinguo.people.tasks.duplicates_scan", broken)
    with pytest.raises(RuntimeError, match="went away"):
        duplicates_scan_task.call(str(progress.pk), "150525")

    progress.refresh_from_db()
    assert progress.state == Progress.State.FAILED
    assert progress.message == "database went away"


def test_command_prints_the_scan_result(make_person: MakePerson) -> None:
    make_person("王芳", birth_date=BORN)
    make_person("王方", birth_date=BORN)
    out = StringIO()

    call_command("people", "scan-duplicates", "--county", "150525", stdout=out)

    text = out.getvalue()
    assert "duplicates scan of 150525" in text
    assert "people_scanned       2" in text
    assert "candidate_pairs      1" in text


def test_command_refuses_a_malformed_county_code(tree: Tree) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="6-digit"):
        call_command("people", "scan-duplicates", "--county", "1505")
