"""The probable-duplicate scan (疑似重复): pairs of records that may be the same person.

The scan is a system job. It never changes a person; it only writes `DuplicatePair` rows for a
reviewer (`people.merging`), who merges a pair or marks it as two different people.

Blocking, so that the scan is not N²
    Every record is compared only with records that share a blocking key with it. The people
    are read three times, each time sorted *in the database* by one column (the run key),
    streaming only the eight values the score needs (`.values_list().iterator()`, never model
    instances). Consecutive rows with the same run key form a run; Python splits each run into
    blocks by a second key and compares all pairs within each block:

    ==============  ==========================  ==================================================
    pass            run key (ORDER BY)          blocks within the run
    ==============  ==========================  ==================================================
    name            name_pinyin (同音 included) birth year; village of residence
    birth date      birth_date                  village of residence
    phone           phone_index (blind index)   the whole run (a household shares a phone)
    ==============  ==========================  ==================================================

    A key is worth a pass only if pairs it alone brings together can reach the threshold under
    the weights below. Same pinyin with any birth-date evidence (exact, swapped day and month,
    a one-digit typo within the year, the same month) means the same birth year; same pinyin
    without it can only reach the threshold in the same village or with the same phone. A
    different name (not a homophone) can only reach it with the same birth date *and* the same
    village, or with the same phone. Hence the three passes; keys such as "pinyin initials and
    birth year" or "village and surname" give blocks of thousands of pairs per county that can
    almost never score high enough, so they are not used.

    A pair met in two blocks of the same run (same pinyin, same year *and* same village) is
    compared once. Pairs met again in a later pass are compared again: it costs little, and
    keeps the passes independent. `ScanResult.comparisons` counts every comparison made.

Caps
    A block of up to `BLOCK_CAP` (50) people is compared exhaustively (at most 1,225 pairs). A
    larger block — only in odd data: 50 women of the same name born in the same year, or in the
    same village — is compared by a sliding window instead (sorted-neighbourhood method): each
    person against the next `WINDOW` (20) in birth-date order, which still finds equal and near
    birth dates but may miss a swapped day and month far apart in the year. Capped blocks are
    counted in `ScanResult.capped_blocks`. Either way a person is compared with at most about
    25 others per block key, whatever the data.

Cost
    On PostgreSQL 15, 1,000,000 people (bench/bench_people.py) take about 12 s on a shared
    two-core machine: three sorted reads of about 2 s each (text keys sorted bytewise, COLLATE
    "C", in memory) and 2.4 million comparisons. A county scan (`county_code`) reads only that
    county's people and so finds only pairs within it; a scan without it also finds a woman
    registered in two counties.

Score (0 to 1) and threshold
    ===========  ======  ===========================================================
    evidence     weight  similarity
    ===========  ======  ===========================================================
    name         0.35    same characters 1; same pinyin (王芳/王方) 0.9; otherwise
                         1 − edit distance / length (王芳/王芬 0.5)
    birth date   0.30    same 1; day and month swapped 0.8; one digit differs 0.6;
                         same year and month 0.5; unknown on either side 0.4
    village      0.15    same village of residence
    phone        0.20    same phone (blind index; both recorded)
    ===========  ======  ===========================================================

    Different sex subtracts 0.35: only a pair near-identical on everything else survives it.
    Two *different* ID numbers mean two people: the pair is not scored at all (one record
    without an ID number is no evidence either way). Pairs scoring at least `THRESHOLD` (0.6)
    are recorded, with short reason codes (`REASONS`).

Recording
    Pairs are upserted: a new pair is created open; an open pair gets its new score and reasons;
    a pair already reviewed (different people, merged) is left exactly as it is, so that a
    rescan never reopens it. An open pair that the scan no longer finds (someone corrected a
    birth date) is removed, provided both people are still active and in the scan's scope;
    pairs involving a merged-away record are left alone, for an undo.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Collate, Left

from jinguo.audit.services import audit_record
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import DuplicatePair, Person

THRESHOLD = 0.6
W_NAME = 0.35
W_BIRTH = 0.30
W_VILLAGE = 0.15
W_PHONE = 0.20
SEX_PENALTY = 0.35
SAME_PINYIN = 0.9
BIRTH_SWAPPED = 0.8
BIRTH_ONE_DIGIT = 0.6
BIRTH_SAME_MONTH = 0.5
BIRTH_UNKNOWN = 0.4
SIMILAR_NAME = 0.5  # the least character similarity that earns the "similar_name" reason

BLOCK_CAP = 50
WINDOW = 20
CHUNK_SIZE = 20_000
BATCH_SIZE = 1_000
PROGRESS_EVERY = 50_000

# The reason codes a pair may carry (pages put them in words).
REASONS = (
    "same_name",
    "same_pinyin",  # 同音: 王芳 / 王方
    "similar_name",  # one character or so differs
    "same_birth_date",
    "swapped_birth_date",  # day and month swapped
    "similar_birth_date",  # one digit differs
    "same_birth_month",
    "same_village",
    "same_phone",
    "different_sex",
)

# What is read of each person, in this order; a row is a plain tuple. The phone's blind index
# is cut to 16 hex digits (64 bits: a chance collision is negligible) and of the ID number's
# only its presence is read, since two records holding one are two people whatever they are.
PHONE_KEY_CHARS = 16


def _columns() -> list[Any]:
    return [
        "pk",
        "name",
        "name_pinyin",
        "sex",
        "birth_date",
        "residence_id",
        Left("phone_index", PHONE_KEY_CHARS),
        ExpressionWrapper(Q(id_number_index__isnull=False), output_field=BooleanField()),
    ]


PK: Final = 0
NAME: Final = 1
PINYIN: Final = 2
SEX: Final = 3
BIRTH: Final = 4
RESIDENCE: Final = 5
PHONE: Final = 6
HAS_ID: Final = 7
Row = tuple[int, str, str, str, dt.date | None, int, str, bool]
# PostgreSQL sorts text by the database's collation (e.g. en_US), several times slower than
# bytewise; grouping equal keys needs no linguistic order. Sorting 1,000,000 rows in memory
# takes about 250 MB: the scan raises work_mem for its own session (it is a cap, not an
# allocation) instead of letting each pass spill to disk.
SORT_MEMORY = "512MB"


@dataclass(frozen=True)
class ScanResult:
    people_scanned: int
    comparisons: int  # pairs scored, a pair met in two passes counted twice
    candidate_pairs: int  # distinct pairs scoring at least THRESHOLD
    pairs_recorded: int  # candidate pairs open for review after the scan (new, rescored, same)
    pairs_created: int
    pairs_updated: int
    pairs_kept_reviewed: int  # candidate pairs already marked distinct or merged, left alone
    pairs_removed: int  # open pairs no longer found
    capped_blocks: int  # blocks above BLOCK_CAP, compared by a window
    largest_block: int
    seconds: float


@dataclass(frozen=True)
class Match:
    score: float
    reasons: list[str]


# --- scoring --------------------------------------------------------------------------------


def _digits_differing(x: int, y: int) -> int:
    differing = 0
    while x or y:
        x, dx = divmod(x, 10)
        y, dy = divmod(y, 10)
        differing += dx != dy
    return differing


def birth_similarity(a: dt.date, b: dt.date) -> tuple[float, str]:
    """How alike two birth dates are, and the reason code ('' for none)."""
    if a == b:
        return 1.0, "same_birth_date"
    if a.year == b.year:
        if a.month == b.day and a.day == b.month:
            return BIRTH_SWAPPED, "swapped_birth_date"
        if (a.month == b.month and _digits_differing(a.day, b.day) == 1) or (
            a.day == b.day and _digits_differing(a.month, b.month) == 1
        ):
            return BIRTH_ONE_DIGIT, "similar_birth_date"
        if a.month == b.month:
            return BIRTH_SAME_MONTH, "same_birth_month"
        return 0.0, ""
    if a.month == b.month and a.day == b.day and _digits_differing(a.year, b.year) == 1:
        return BIRTH_ONE_DIGIT, "similar_birth_date"
    return 0.0, ""


def name_similarity(a: str, b: str) -> float:
    """1 − Levenshtein distance / the longer length, on characters (names are 2 to 4 of them)."""
    if a == b:
        return 1.0
    longer = max(len(a), len(b))
    if not longer:
        return 1.0
    if len(a) == len(b):  # the common case, a mistyped character: Hamming distance suffices
        distance = sum(x != y for x, y in zip(a, b, strict=True))
        if distance <= 1:
            return 1.0 - distance / longer
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return 1.0 - previous[-1] / longer


def score_pair(a: Row, b: Row, threshold: float = THRESHOLD) -> Match | None:
    """The score of two records with its reasons, or None below `threshold` or when they
    cannot be the same person (two different ID numbers).

    The cheap evidence is weighed first; the name similarity is computed only when it could
    still lift the pair over the threshold.
    """
    if a[HAS_ID] and b[HAS_ID]:
        return None  # the blind index is unique: two ID numbers are two people
    birth_a, birth_b = a[BIRTH], b[BIRTH]
    birth_code = ""
    if birth_a is None or birth_b is None:
        birth = BIRTH_UNKNOWN
    else:
        birth, birth_code = birth_similarity(birth_a, birth_b)
    same_village = a[RESIDENCE] == b[RESIDENCE]
    same_phone = bool(a[PHONE]) and a[PHONE] == b[PHONE]
    other_sex = a[SEX] != b[SEX]
    rest = W_BIRTH * birth + W_VILLAGE * same_village + W_PHONE * same_phone
    rest -= SEX_PENALTY * other_sex
    if rest + W_NAME < threshold:
        return None
    name_a, name_b = a[NAME], b[NAME]
    if name_a == name_b:
        name, name_code = 1.0, "same_name"
    elif a[PINYIN] and a[PINYIN] == b[PINYIN]:
        name, name_code = SAME_PINYIN, "same_pinyin"
    else:
        longest = max(len(name_a), len(name_b), 1)
        if rest + W_NAME * (1 - 1 / longest) < threshold:
            return None
        name = name_similarity(name_a, name_b)
        name_code = "similar_name" if name >= SIMILAR_NAME else ""
    score = rest + W_NAME * name
    if score < threshold - 1e-9:
        return None
    codes = [name_code, birth_code]
    codes += ["same_village" if same_village else "", "same_phone" if same_phone else ""]
    codes.append("different_sex" if other_sex else "")
    return Match(round(min(score, 1.0), 3), [code for code in codes if code])


# --- blocking -------------------------------------------------------------------------------


def _birth_year(row: Row) -> Hashable:
    born = row[BIRTH]
    return None if born is None else born.year


def _residence(row: Row) -> Hashable:
    return row[RESIDENCE]


def _whole_run(row: Row) -> Hashable:
    return 0


@dataclass(frozen=True)
class _Pass:
    name: str
    order_by: str
    has_key: Q
    run_key: int  # index into the row
    block_keys: tuple[Callable[[Row], Hashable], ...]


PASSES = (
    _Pass("name", "name_pinyin", ~Q(name_pinyin=""), PINYIN, (_birth_year, _residence)),
    _Pass("birth_date", "birth_date", Q(birth_date__isnull=False), BIRTH, (_residence,)),
    _Pass("phone", "phone_index", ~Q(phone_index=""), PHONE, (_whole_run,)),
)


def _window_order(row: Row) -> tuple[int, int]:
    born = row[BIRTH]
    return (born.toordinal() if born is not None else 0, row[PK])


class _Scanner:
    """Compares the rows of one run block by block and keeps the pairs over the threshold."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.comparisons = 0
        self.capped_blocks = 0
        self.largest_block = 0
        self.found: dict[tuple[int, int], Match] = {}

    def _compare(self, a: Row, b: Row) -> None:
        self.comparisons += 1
        match = score_pair(a, b, self.threshold)
        if match is not None:
            key = (a[PK], b[PK]) if a[PK] < b[PK] else (b[PK], a[PK])
            self.found[key] = match

    def _pairs(self, block: list[Row]) -> Iterator[tuple[Row, Row]]:
        size = len(block)
        self.largest_block = max(self.largest_block, size)
        if size <= BLOCK_CAP:
            yield from itertools.combinations(block, 2)
            return
        self.capped_blocks += 1
        block = sorted(block, key=_window_order)
        for i, a in enumerate(block):
            for b in block[i + 1 : i + 1 + WINDOW]:
                yield a, b

    def run(self, rows: list[Row], block_keys: tuple[Callable[[Row], Hashable], ...]) -> None:
        if len(rows) < 2:
            return
        # (block key index, key value) of blocks compared exhaustively: a later block key
        # skips a pair that an earlier one has already compared.
        complete: list[set[Hashable]] = []
        for index, block_key in enumerate(block_keys):
            earlier = block_keys[:index]
            blocks: dict[Hashable, list[Row]] = {}
            for row in rows:
                key = block_key(row)
                if key is not None:
                    blocks.setdefault(key, []).append(row)
            done: set[Hashable] = set()
            for key, block in blocks.items():
                if len(block) < 2:
                    continue
                if len(block) <= BLOCK_CAP:
                    done.add(key)
                for a, b in self._pairs(block):
                    if earlier and _compared_before(a, b, earlier, complete):
                        continue
                    self._compare(a, b)
            complete.append(done)


def _bytewise(column: str) -> Any:
    if connection.vendor == "postgresql" and column != "birth_date":
        return Collate(F(column), "C")
    return F(column)


@contextmanager
def _sort_memory() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, false)", [SORT_MEMORY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")


def _compared_before(
    a: Row, b: Row, keys: tuple[Callable[[Row], Hashable], ...], complete: list[set[Hashable]]
) -> bool:
    for key, done in zip(keys, complete, strict=True):
        value = key(a)
        if value is not None and value == key(b) and value in done:
            return True
    return False


def _people(county_code: str | None) -> QuerySet[Person]:
    people = Person.objects.active()
    if county_code:
        people = people.filter(county_code=county_code)
    return people


def _stream(
    queryset: QuerySet[Person, tuple[Any, ...]], on_row: Callable[[int], None]
) -> Iterator[tuple[Any, ...]]:
    for count, row in enumerate(queryset.iterator(chunk_size=CHUNK_SIZE), 1):
        if count % PROGRESS_EVERY == 0:
            on_row(count)
        yield row


def find_duplicates(
    *,
    county_code: str | None = None,
    threshold: float = THRESHOLD,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[int, _Scanner]:
    """Read the people and score them block by block; writes nothing."""
    people = _people(county_code)
    total_people = people.count()
    total = total_people * len(PASSES)
    scanner = _Scanner(threshold)
    if on_progress is not None:
        on_progress(0, total)
    for number, scan_pass in enumerate(PASSES):
        base = number * total_people

        def report(count: int, base: int = base) -> None:
            if on_progress is not None:
                on_progress(min(base + count, total), total)

        rows = (
            people.filter(scan_pass.has_key)
            .order_by(_bytewise(scan_pass.order_by))
            .values_list(*_columns())
        )
        with _sort_memory():
            for _key, run in itertools.groupby(
                _stream(rows, report), key=operator.itemgetter(scan_pass.run_key)
            ):
                scanner.run(list(run), scan_pass.block_keys)
        report(total_people)
    return total_people, scanner


# --- recording ------------------------------------------------------------------------------


def _batches(items: list[Any], size: int = BATCH_SIZE) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def duplicates_scan(
    *,
    county_code: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    threshold: float = THRESHOLD,
) -> ScanResult:
    """Scan the active people (of one county, or all) and record the probable duplicates.

    A system job: no actor, no scope; reviewers read the pairs through
    `people.selectors.duplicate_list`. `on_progress(done, total)` is called as rows stream by
    (total is the people × the number of passes). Safe to run again at any time.
    """
    started = time.perf_counter()
    total_people, scanner = find_duplicates(
        county_code=county_code, threshold=threshold, on_progress=on_progress
    )
    found = scanner.found

    existing = DuplicatePair.objects.all()
    if county_code:
        existing = existing.filter(
            person_a__county_code=county_code, person_b__county_code=county_code
        )
    to_update: list[DuplicatePair] = []
    stale: list[int] = []
    known: set[tuple[int, int]] = set()
    kept_reviewed = 0
    for pk, a, b, status, score, reasons, a_merged, b_merged in existing.values_list(
        "pk",
        "person_a_id",
        "person_b_id",
        "status",
        "score",
        "reasons",
        "person_a__merged_into_id",
        "person_b__merged_into_id",
    ):
        key = (a, b)
        match = found.get(key)
        if match is None:
            if status == DuplicatePair.Status.OPEN and a_merged is None and b_merged is None:
                stale.append(pk)
            continue
        known.add(key)
        if status != DuplicatePair.Status.OPEN:
            kept_reviewed += 1
            continue
        new_score = Decimal(f"{match.score:.3f}")
        if new_score != score or match.reasons != reasons:
            to_update.append(DuplicatePair(pk=pk, score=new_score, reasons=match.reasons))
    to_create = [
        DuplicatePair(
            person_a_id=a,
            person_b_id=b,
            score=Decimal(f"{match.score:.3f}"),
            reasons=match.reasons,
        )
        for (a, b), match in sorted(found.items())
        if (a, b) not in known
    ]
    unchanged = len(known) - kept_reviewed - len(to_update)

    with transaction.atomic():
        for batch in _batches(to_create):
            # Ignore conflicts: a scan running at the same time may have created the pair.
            DuplicatePair.objects.bulk_create(batch, ignore_conflicts=True)
        for batch in _batches(to_update):
            # Only score and reasons: a reviewer's decision taken meanwhile stays.
            DuplicatePair.objects.filter(
                pk__in=[pair.pk for pair in batch], status=DuplicatePair.Status.OPEN
            ).bulk_update(batch, ["score", "reasons"])
        removed = 0
        for batch in _batches(stale):
            removed += DuplicatePair.objects.filter(
                pk__in=batch, status=DuplicatePair.Status.OPEN
            ).delete()[0]
        result = ScanResult(
            people_scanned=total_people,
            comparisons=scanner.comparisons,
            candidate_pairs=len(found),
            pairs_recorded=len(to_create) + len(to_update) + unchanged,
            pairs_created=len(to_create),
            pairs_updated=len(to_update),
            pairs_kept_reviewed=kept_reviewed,
            pairs_removed=removed,
            capped_blocks=scanner.capped_blocks,
            largest_block=scanner.largest_block,
            seconds=round(time.perf_counter() - started, 3),
        )
        county_path = ""
        if county_code:
            county_path = (
                OrgUnit.objects.filter(code=county_code).values_list("path", flat=True).first()
                or ""
            )
        audit_record(
            actor=None,
            action="duplicates.scan",
            object_type=DuplicatePair._meta.label_lower,
            object_repr=f"scan {county_code or 'all'}",
            unit_path=county_path,
            changes={
                "county": [None, county_code or ""],
                "people": [None, result.people_scanned],
                "comparisons": [None, result.comparisons],
                "found": [None, result.candidate_pairs],
                "created": [None, result.pairs_created],
                "updated": [None, result.pairs_updated],
                "removed": [None, result.pairs_removed],
            },
        )
    return result
