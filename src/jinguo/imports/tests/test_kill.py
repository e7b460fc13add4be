"""A kill in the middle of a commit leaves the database unchanged.

The whole scenario runs in subprocesses against a SQLite file of its own (independent of the
test database): migrate, build a county and a user, then `jinguo import` a large file, killed
with SIGKILL once its commit has begun. The commit is one transaction, so nothing of it stays,
and SQLite's journal leaves the file intact.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jinguo.people import idnumbers
from jinguo.testing import OPENED

ROWS = 3000
VILLAGE = "150525100201"
SETUP = """
from jinguo.accounts.roles import Role
from jinguo.testing import build_tree, make_user
tree = build_tree(townships=1, villages_per_township=1)
make_user("importer", Role.COUNTY_ADMIN, tree.county)
"""


def jinguo(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from jinguo.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, **kwargs)  # type: ignore[call-overload,no-any-return]  # noqa: S603


def run(args: list[str], env: dict[str, str]) -> None:
    process = jinguo(args, env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()


def people(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM people_person").fetchone()[0])


def write_file(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["姓名", "身份证号", "所在村", "同意人"])
        for seq in range(ROWS):
            # Each seq its own (year, day): 50 years × 60 days.
            born = OPENED.replace(year=1950 + seq % 50) + dt.timedelta(days=seq // 50)
            writer.writerow(
                [f"人{seq}", idnumbers.generate("150525", born, "F", seq % 500), VILLAGE, "本人"]
            )


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting for its reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(process: subprocess.Popen[bytes], text: bytes, timeout: float) -> bytes:
    """Read the process's standard error until `text` shows (the progress bar has no newline)."""
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + timeout
    fd = process.stderr.fileno()
    while text not in seen:
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"never saw {text!r}: {seen[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 4096)
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL, /proc")
def test_a_kill_in_the_middle_of_a_commit_leaves_the_database_unchanged(tmp_path: Path) -> None:
    database = tmp_path / "jinguo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinguo.config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "JINGUO_VAR_DIR": str(tmp_path),
        "JINGUO_DEBUG": "false",
        # The sheet is read ahead in a child process, which must not outlive the import.
        "JINGUO_IMPORT_READ_AHEAD_ROWS": "1000",
    }
    run(["migrate", "--verbosity", "0"], env)
    run(["shell", "-c", SETUP], env)
    source = tmp_path / "people.csv"
    write_file(source)
    before = people(database)

    process = jinguo(
        ["import", str(source), "--type", "people", "--unit", VILLAGE, "--user", "importer"],
        env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Past the dry run and some way into the commit's rows.
        wait_for(process, b"import [", timeout=120)
        time.sleep(0.5)
        assert process.poll() is None, "the import finished before it could be killed"
        readers = children(process.pid)
        assert readers, "the commit reads its sheet ahead in a child process"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        # Its next send finds the pipe closed, and it ends.
        deadline = time.monotonic() + 10
        while any(running(pid) for pid in readers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(running(pid) for pid in readers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        status = connection.execute("SELECT status FROM imports_importbatch").fetchall()
    assert people(database) == before
    # The batch was claimed for the commit (in its own transaction) and stays so.
    assert status == [("committing",)]
    # Its process is gone, so the same batch can be committed again, and this time it lands.
    run(["shell", "-c", RETRY], env)
    assert people(database) == before + ROWS
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT status FROM imports_importbatch").fetchall() == [
            ("committed",)
        ]


RETRY = """
from jinguo.accounts.models import User
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_commit
batch = ImportBatch.objects.get()
import_commit(actor=User.objects.get(username="importer"), batch=batch, mode="all")
"""
