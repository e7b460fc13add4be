"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import math
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    benchmark: str
    contender: str
    baseline: str
    seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True)
class GoalRow:
    """An absolute figure against its goal: the p95 of repeated calls, or one timed run.

    `seconds` is None when the benchmark could not run; `note` then says why.
    """

    benchmark: str
    measure: str  # "p95 of 200 queries", "one run" …
    median_seconds: float | None
    seconds: float | None
    goal_seconds: float
    note: str = ""

    @property
    def of_goal(self) -> float | None:
        return None if self.seconds is None else self.seconds / self.goal_seconds


@dataclass(frozen=True)
class RateRow:
    """Rows per second of one contender, with its peak memory and its speed relative to others
    (`relative`: name → this contender's rows/s ÷ that one's)."""

    benchmark: str
    contender: str
    rows: int
    seconds: float
    peak_mb: float | None
    relative: dict[str, float]

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


def compare(
    benchmark: str, contenders: dict[str, Callable[[], object]], *, baseline: str, rounds: int = 7
) -> list[Row]:
    """Time each contender `rounds` times, interleaved, and compare medians to the baseline."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, object] = {}
    for _ in range(rounds):
        for name, fn in contenders.items():
            start = time.perf_counter()
            results[name] = fn()
            samples[name].append(time.perf_counter() - start)
    if len({repr(value) for value in results.values()}) > 1:
        raise AssertionError(f"{benchmark}: contenders disagree: {results}")
    medians = {name: statistics.median(times) for name, times in samples.items()}
    return [
        Row(benchmark, name, baseline, medians[name], medians[baseline])
        for name in contenders
        if name != baseline
    ]


def p95(times: Sequence[float]) -> float:
    """The 95th percentile (nearest rank) of `times`."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def against_goal(
    benchmark: str,
    fn: Callable[[Any], object],
    inputs: Iterable[Any],
    *,
    goal_seconds: float,
    note: str = "",
    budget_seconds: float = 60.0,
    min_calls: int = 20,
) -> GoalRow:
    """Call `fn` on each input once, after one untimed warm-up call; median and p95 vs goal.

    Stops early, after at least `min_calls`, once `budget_seconds` are spent: a slow query
    must not hold up the whole run (the measure then says how many calls were timed).
    """
    items = list(inputs)
    fn(items[0])
    times: list[float] = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
        if len(times) >= min_calls and sum(times) > budget_seconds:
            break
    return GoalRow(
        benchmark,
        f"p95 of {len(times)}",
        statistics.median(times),
        p95(times),
        goal_seconds,
        note,
    )


def _pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns; CJK characters take two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def print_table(rows: Sequence[Row | GoalRow | RateRow], *, database: str) -> None:
    ratios = [row for row in rows if isinstance(row, Row)]
    goals = [row for row in rows if isinstance(row, GoalRow)]
    rates = [row for row in rows if isinstance(row, RateRow)]
    if ratios:
        print(f"\nJinguo benchmarks on {database}: medians of interleaved rounds")
        print("speed-up = baseline median / contender median (above 1: the contender is faster)")
        header = f"{'benchmark':38} {'contender':28} {'median ms':>10} {'baseline':24} "
        header += f"{'base ms':>9} {'speed-up':>9}"
        print(header)
        print("-" * len(header))
        for row in ratios:
            print(
                f"{row.benchmark:38} {row.contender:28} {row.seconds * 1000:10.2f} "
                f"{row.baseline:24} {row.baseline_seconds * 1000:9.2f} {row.ratio:9.1f}"
            )
    if goals:
        print(f"\nJinguo absolute goals on {database}: p95 (or one run) against the goal")
        print("vs goal = p95 / goal (at most 1.0×: the goal is met)")
        header = f"{'benchmark':52} {'measure':12} {'median ms':>10} {'p95 ms':>10} "
        header += f"{'goal ms':>9} {'vs goal':>8}"
        print(header)
        print("-" * len(header))
        for goal in goals:
            if goal.seconds is None or goal.median_seconds is None:
                print(f"{_pad(goal.benchmark, 52)} {'skipped':12} {goal.note}")
                continue
            line = (
                f"{_pad(goal.benchmark, 52)} {goal.measure:12} {goal.median_seconds * 1000:10.2f} "
                f"{goal.seconds * 1000:10.2f} {goal.goal_seconds * 1000:9.0f} "
                f"{goal.of_goal:7.2f}×"
            )
            print(f"{line}  {goal.note}" if goal.note else line)
    if rates:
        print(f"\nJinguo throughput on {database}: rows per second, one run each")
        print(
            "relative = this contender's rows/s ÷ the named one's; peak = peak memory (PSS of "
            "the process and its children where Linux tells it, else peak resident memory)"
        )
        header = f"{'benchmark':28} {'contender':52} {'rows':>9} {'s':>8} {'rows/s':>9} "
        header += f"{'peak MB':>8}  relative"
        print(header)
        print("-" * (len(header) + 40))
        for rate in rates:
            relative = ", ".join(f"{value:.2f}× {name}" for name, value in rate.relative.items())
            peak = f"{rate.peak_mb:8.0f}" if rate.peak_mb is not None else f"{'':8}"
            print(
                f"{_pad(rate.benchmark, 28)} {_pad(rate.contender, 52)} {rate.rows:9,} "
                f"{rate.seconds:8.1f} {rate.rate:9,.0f} {peak}  {relative}"
            )
