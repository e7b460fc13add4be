"""Reading ahead in a child process (`imports/ahead.py`): the same chunks in the same order as
reading inline, errors raised here as they were raised there, the child gone when the reader
stops early; and an import read ahead leaves exactly what an import read inline leaves."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from jinguo.accounts.models import User
from jinguo.core.errors import ApplicationError, refuse
from jinguo.imports import services as engine
from jinguo.imports.ahead import parsed_ahead
from jinguo.imports.models import ImportBatch
from jinguo.imports.tests.test_bulk import (  # noqa: F401 - registered: a fixture
    HEADER,
    Registered,
    registered,
    run_import,
    tricky_rows,
)
from jinguo.imports.tests.test_kill import running
from jinguo.imports.tests.test_services import csv_bytes, xlsx_bytes
from jinguo.testing import Tree


def numbers(count: int) -> Iterator[list[int]]:
    return iter([[n, n + 1] for n in range(0, 2 * count, 2)])


def in_child(chunk: list[int]) -> tuple[int, list[int]]:
    """What the child computed, and where: its pid differs from the test's."""
    return os.getpid(), [n * n for n in chunk]


@pytest.mark.parametrize("ahead", [True, False])
def test_chunks_come_back_parsed_and_in_order(ahead: bool) -> None:
    with parsed_ahead(numbers(50), in_child, ahead=ahead) as chunks:
        got = list(chunks)

    assert [squares for _pid, squares in got] == [[n * n, (n + 1) ** 2] for n in range(0, 100, 2)]
    pids = {pid for pid, _squares in got}
    assert (pids != {os.getpid()}) is ahead
    assert not multiprocessing.active_children()


def refuse_the_third(chunk: list[int]) -> list[int]:
    if chunk[0] == 4:
        raise refuse("bad cell %(cell)s", "broken_sheet", "file", cell="C5")
    return chunk


@pytest.mark.parametrize("ahead", [True, False])
def test_an_error_met_while_reading_is_raised_here_whole(ahead: bool) -> None:
    received: list[list[int]] = []
    with (
        pytest.raises(ApplicationError) as raised,
        parsed_ahead(numbers(10), refuse_the_third, ahead=ahead) as chunks,
    ):
        received.extend(chunks)

    assert received == [[0, 1], [2, 3]]
    assert (raised.value.code, raised.value.field, raised.value.params) == (
        "broken_sheet",
        "file",
        {"cell": "C5"},
    )
    assert not multiprocessing.active_children()


def test_stopping_early_stops_the_child() -> None:
    with parsed_ahead(numbers(100_000), in_child, ahead=True) as chunks:
        next(chunks)
        (child,) = multiprocessing.active_children()
        assert child.is_alive()

    assert not child.is_alive()
    assert not multiprocessing.active_children()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("mode", [None, ImportBatch.Mode.VALID_ONLY])
def test_an_import_read_ahead_leaves_what_one_read_inline_leaves(
    tree: Tree,
    county_admin: User,
    registered: Registered,  # noqa: F811
    fmt: str,
    mode: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = tricky_rows(tree)
    data = csv_bytes(rows, HEADER) if fmt == "csv" else xlsx_bytes(rows, HEADER)

    forked: list[bool] = []

    def spy(*args: Any, ahead: bool) -> Any:
        forked.append(ahead)
        return parsed_ahead(*args, ahead=ahead)

    monkeypatch.setattr(engine, "parsed_ahead", spy)
    with override_settings(IMPORT_READ_AHEAD_ROWS=0):
        ahead = run_import(county_admin, tree.county, data, f"人员.{fmt}", mode)
    with override_settings(IMPORT_READ_AHEAD_ROWS=10**9):
        inline = run_import(county_admin, tree.county, data, f"人员.{fmt}", mode)

    runs = 1 if mode is None else 2  # the dry run, and the commit
    assert forked == [True] * runs + [False] * runs
    assert ahead == inline
    assert ahead["check"]["errors"] > 0
    assert ahead["check"]["new"] > 0
    assert ahead["chain_ok"]


KILLED_READER = """
import os, sys, time
from jinguo.imports.ahead import parsed_ahead
chunks = (["x" * 1_000_000] for _ in range(100))  # each far larger than a pipe holds
with parsed_ahead(chunks, lambda chunk: chunk, ahead=True) as received:
    next(received)
    import multiprocessing
    (child,) = multiprocessing.active_children()
    print(child.pid, flush=True)
    time.sleep(60)  # the child is now blocked sending the next chunk
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL, /proc")
def test_the_child_ends_when_the_importing_process_is_killed() -> None:
    parent = subprocess.Popen(  # noqa: S603 - our own code
        [sys.executable, "-c", KILLED_READER], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert running(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
