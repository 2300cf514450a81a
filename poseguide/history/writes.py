"""Recording practice: sessions, sets, holds, repetitions and corrections, each committed on
its own while the user exercises, so a crash loses at most the hold in progress."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from poseguide.history.database import HistoryFile
from poseguide.history.records import (
    SIDES,
    STOP_REASONS,
    HistoryError,
    StopReason,
    _degrees,
    _not_before,
    _note,
    _pain,
    _seconds,
    _text,
    _ts,
)


class HistoryWrites(HistoryFile):
    """What the live page and `analyze --save` write."""

    def start_session(
        self, started_at: datetime, pain_before: int | None = None, note: str | None = None
    ) -> int:
        """Record a new session and return its id."""
        started = _ts(started_at, "started_at")
        pain = _pain(pain_before, "pain_before")
        _note(note)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, pain_before, note) VALUES (?, ?, ?)",
                (started, pain, note),
            )
            return _inserted_id(cur)

    def end_session(
        self,
        session_id: int,
        ended_at: datetime,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> None:
        """Close a session; a given note replaces the stored one."""
        ended = _ts(ended_at, "ended_at")
        pain = _pain(pain_after, "pain_after")
        _note(note)
        with self._write() as conn:
            (started,) = self._require(conn, "sessions", session_id)
            _not_before(ended_at, datetime.fromisoformat(started), "session")
            conn.execute(
                "UPDATE sessions SET ended_at = ?, pain_after = ?, note = coalesce(?, note) "
                "WHERE id = ?",
                (ended, pain, note, session_id),
            )

    def start_set(
        self,
        session_id: int,
        exercise: str,
        side: str | None,
        target_s: float | None,
        target_reps: int | None,
        started_at: datetime,
        key_measure: str | None = None,
    ) -> int:
        """Record the start of a set and return its id; ``key_measure`` names the check
        whose degrees its holds or repetitions carry."""
        _text(exercise, "exercise")
        if key_measure is not None:
            _text(key_measure, "key_measure")
        if side not in (None, *SIDES):
            raise ValueError(f"side must be 'left', 'right' or None, got {side!r}")
        target = None if target_s is None else _seconds(target_s, "target_s", positive=True)
        if target_reps is not None and (
            isinstance(target_reps, bool) or not isinstance(target_reps, int) or target_reps < 1
        ):
            raise ValueError(f"target_reps must be a positive integer or None, got {target_reps!r}")
        started = _ts(started_at, "started_at")
        with self._write() as conn:
            self._require(conn, "sessions", session_id)
            cur = conn.execute(
                "INSERT INTO sets (session_id, exercise, side, target_s, target_reps, started_at,"
                " key_measure) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, exercise, side, target, target_reps, started, key_measure),
            )
            return _inserted_id(cur)

    def add_hold(
        self,
        set_id: int,
        start: datetime,
        end: datetime,
        measure_median: int | None = None,
        measure_best: int | None = None,
    ) -> int:
        """Commit one finished hold at once, so a crash cannot lose it; returns its id.
        The key measure's median and best over it are whole degrees (None: not seen)."""
        start_text, end_text = _ts(start, "start"), _ts(end, "end")
        _not_before(end, start, "hold")
        median = _degrees(measure_median, "measure_median")
        best = _degrees(measure_best, "measure_best")
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            cur = conn.execute(
                "INSERT INTO holds (set_id, start_at, end_at, seconds, measure_median, "
                "measure_best) VALUES (?, ?, ?, ?, ?, ?)",
                (set_id, start_text, end_text, (end - start).total_seconds(), median, best),
            )
            return _inserted_id(cur)

    def add_rep(
        self, set_id: int, at: datetime, duration_s: float, measure_range: int | None = None
    ) -> int:
        """Commit one finished repetition at once; returns its id. A flow's carries the
        range between its two positions in whole degrees (None: not seen)."""
        at_text = _ts(at, "at")
        duration = _seconds(duration_s, "duration_s")
        span = _degrees(measure_range, "measure_range")
        if span is not None and span < 0:
            raise ValueError(f"measure_range must be >= 0, got {span!r}")
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            cur = conn.execute(
                "INSERT INTO reps (set_id, at, duration_s, measure_range) VALUES (?, ?, ?, ?)",
                (set_id, at_text, duration, span),
            )
            return _inserted_id(cur)

    def add_correction(self, set_id: int, cue: str, at: datetime) -> None:
        """Count one more occurrence of a form cue in a set (keeping when it first came)."""
        _text(cue, "cue")
        at_text = _ts(at, "at")
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            conn.execute(
                "INSERT INTO corrections (set_id, cue, count, first_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (set_id, cue) DO UPDATE SET count = count + 1, "
                "first_at = min(first_at, excluded.first_at)",
                (set_id, cue, at_text),
            )

    def end_set(
        self, set_id: int, ended_at: datetime, stop_reason: str, sharp_pain: bool = False
    ) -> None:
        """Close a set; a 'sharp_pain' stop always sets the sharp_pain flag."""
        ended = _ts(ended_at, "ended_at")
        if stop_reason not in STOP_REASONS:
            raise ValueError(f"stop_reason must be one of {STOP_REASONS}, got {stop_reason!r}")
        if not isinstance(sharp_pain, bool):
            raise ValueError(f"sharp_pain must be a bool, got {sharp_pain!r}")
        flag = sharp_pain or stop_reason == StopReason.SHARP_PAIN
        with self._write() as conn:
            (started,) = self._require(conn, "sets", set_id)
            _not_before(ended_at, datetime.fromisoformat(started), "set")
            conn.execute(
                "UPDATE sets SET ended_at = ?, stop_reason = ?, sharp_pain = ? WHERE id = ?",
                (ended, stop_reason, int(flag), set_id),
            )

    def delete_set(self, set_id: int) -> None:
        """Delete a set with its holds, repetitions and corrections (an attempt the user
        chose to do again: Repeat replaces it)."""
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            conn.execute("DELETE FROM sets WHERE id = ?", (set_id,))

    def delete_session(self, session_id: int) -> None:
        """Delete a session with all its sets, holds, repetitions and corrections."""
        with self._write() as conn:
            self._require(conn, "sessions", session_id)
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The id SQLite gave the row just inserted (always set after an INSERT)."""
    if cur.lastrowid is None:
        raise HistoryError("the history database did not report the new row's id")
    return cur.lastrowid
