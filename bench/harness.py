"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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


def print_table(rows: list[Row], *, database: str) -> None:
    print(f"\nJinguo benchmarks on {database}: medians of interleaved rounds")
    print("speed-up = baseline median / contender median (above 1: the contender is faster)")
    header = f"{'benchmark':38} {'contender':28} {'median ms':>10} {'baseline':24} "
    header += f"{'base ms':>9} {'speed-up':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.benchmark:38} {row.contender:28} {row.seconds * 1000:10.2f} "
            f"{row.baseline:24} {row.baseline_seconds * 1000:9.2f} {row.ratio:9.1f}"
        )
