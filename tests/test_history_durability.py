"""History durability: a killed writer keeps every reported hold; concurrent writers wait."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from poseguide.history import History

WRITER = Path(__file__).with_name("history_writer.py")
UTC = timezone.utc


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start writer processes that are killed at teardown, or after 60 s if the test hangs."""
    started: list[tuple[subprocess.Popen[str], threading.Timer]] = []

    def start(db: Path, *options: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        started.append((proc, watchdog))
        return proc

    yield start
    for proc, watchdog in started:
        watchdog.cancel()
        proc.kill()
        proc.communicate()


def _hold_ids(db: Path, set_id: int) -> set[int]:
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {r[0] for r in raw.execute("SELECT id FROM holds WHERE set_id = ?", (set_id,))}
    finally:
        raw.close()


@pytest.mark.parametrize("kill_after", [1, 57, 240])
def test_sigkill_mid_session_keeps_every_reported_hold(tmp_path, spawn, kill_after):
    db = tmp_path / "history.sqlite3"
    proc = spawn(db)
    header = proc.stdout.readline()
    assert header.startswith("set "), header
    set_id = int(header.split()[1])
    reported = [int(proc.stdout.readline()) for _ in range(kill_after)]
    proc.send_signal(signal.SIGKILL)  # mid-loop: likely inside a transaction
    rest = proc.stdout.read()
    assert proc.wait() == -signal.SIGKILL
    # Ids printed before the kill are complete lines; a torn last line was never reported.
    reported += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]

    stored = _hold_ids(db, set_id)
    assert set(reported) <= stored
    assert len(stored - set(reported)) <= 1  # at most the hold committed but not yet printed
    with History(db) as h:  # reopens cleanly and the session is readable, still open
        (session,) = h.sessions()
        assert session.ended_at is None and session.pain_before == 2
        assert len(session.sets[0].holds) == len(stored)


def _hammer(h: History, set_id: int, n: int, errors: list[BaseException], go: threading.Barrier):
    try:
        go.wait()
        start = datetime(2024, 1, 1, tzinfo=UTC)
        for i in range(n):
            at = start + timedelta(seconds=i)
            h.add_hold(set_id, at, at + timedelta(seconds=0.5))
    except BaseException as exc:  # surfaced by the assertion below
        errors.append(exc)


def test_two_threads_sharing_one_history(tmp_path):
    n = 150
    with History(tmp_path / "history.sqlite3") as h:
        session = h.start_session(datetime(2024, 1, 1, tzinfo=UTC))
        sets = [h.start_set(session, f"ex{i}", None, 30, None, datetime.now(UTC)) for i in (1, 2)]
        errors: list[BaseException] = []
        go = threading.Barrier(2)
        threads = [threading.Thread(target=_hammer, args=(h, s, n, errors, go)) for s in sets]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        assert [len(st.holds) for st in h.session(session).sets] == [n, n]


def test_two_threads_with_own_connections(tmp_path):
    """Separate connections really contend for SQLite's lock (and race to create the file)."""
    db = tmp_path / "history.sqlite3"
    n = 150
    errors: list[BaseException] = []
    go = threading.Barrier(2)
    set_ids: list[int] = []

    def worker(tag: str) -> None:
        try:
            with History(db) as h:
                session = h.start_session(datetime.now(UTC))
                set_id = h.start_set(session, tag, None, 30, None, datetime.now(UTC))
                set_ids.append(set_id)
                _hammer(h, set_id, n, errors, go)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(tag,)) for tag in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert [len(_hold_ids(db, s)) for s in set_ids] == [n, n]


def test_two_processes_writing_at_once_never_see_locked(tmp_path, spawn):
    db = tmp_path / "history.sqlite3"
    n = 150
    go = tmp_path / "go"
    # Both race to create the schema, then wait for the go file so their writes overlap
    # (interpreter start-up alone would stagger them by more than the writing takes).
    procs = [spawn(db, "--count", str(n), "--go", str(go)) for _ in range(2)]
    headers = [p.stdout.readline() for p in procs]
    assert all(h.startswith("set ") for h in headers), headers
    go.touch()
    reads = 0
    with History(db) as reader:  # a third connection reading all along
        while any(p.poll() is None for p in procs):
            reader.sessions()
            reads += 1
    assert reads > 0
    for proc, header in zip(procs, headers, strict=True):
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "locked" not in err
        ids = [int(x) for x in out.split()]
        assert len(ids) == n
        assert _hold_ids(db, int(header.split()[1])) == set(ids)


def test_opening_waits_for_another_process_creating_the_database(tmp_path):
    """Regression: SQLite does not apply the busy timeout to the switch to WAL, so an opener
    racing another process's first write failed at once with "database is locked"."""
    db = tmp_path / "new.sqlite3"
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another opener in the middle of its first write
    release = threading.Timer(0.5, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        with History(db) as history:
            assert history.sessions() == []
    finally:
        release.join()
        other.close()
