"""Killing the live page's process mid-session loses at most the hold in progress."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from realdata import POSEDATA

WRITER = Path(__file__).with_name("live_writer.py")


def _holds(db: Path) -> list[tuple[float, float]]:
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        try:
            return con.execute("SELECT start_at, seconds FROM holds ORDER BY start_at").fetchall()
        except sqlite3.OperationalError:
            return []


@pytest.mark.realdata
def test_sigkill_mid_session_keeps_every_finished_hold(tmp_path):
    db = tmp_path / "history.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(POSEDATA)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 120
        seen: list = []
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
            seen = _holds(db)
        assert len(seen) >= 3, "the live session committed holds as they ended"
        os.kill(proc.pid, signal.SIGKILL)  # mid-session, possibly mid-hold
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = _holds(db)
    assert after[: len(seen)] == seen  # nothing that was committed was lost
    # each in-form stretch is 1.5 s of frames, sampled at 15 fps: holds of ~1.4 s
    assert all(1.2 < seconds < 1.6 for _, seconds in after)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sets = con.execute("SELECT stop_reason FROM sets").fetchall()
    assert sets == [(None,)]  # the set in progress was open when killed, and is kept
