"""Practice history: a small SQLite store of sessions, sets, holds and repetitions.

The store is written while the user exercises, so every finished hold or repetition is
committed on its own: a crash (or a killed browser tab) loses at most the hold in progress.
A database this code does not understand (newer schema, corrupt, not SQLite) is never
touched; callers get a `HistoryError` and keep their data in memory instead.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from poseguide.paths import data_dir

__all__ = [
    "BUSY_TIMEOUT_S",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STOP_REASONS",
    "Correction",
    "DaySummary",
    "ExerciseTotals",
    "History",
    "HistoryError",
    "Hold",
    "PersonalBest",
    "Rep",
    "SessionRecord",
    "SessionSummary",
    "SetRecord",
    "WeekSummary",
    "default_db_path",
    "exercise_totals",
    "summarize_session",
]

STOP_REASONS = ("completed", "user_stop", "sharp_pain", "camera_lost", "skipped")
SIDES = ("left", "right")
# Concurrent writers (the camera thread, the page, a second tab) wait this long for the lock.
# Generous because SQLite's busy wait is not fair: a writer committing back to back can keep
# another waiting until it is done. Real writes are one short transaction per finished hold.
BUSY_TIMEOUT_S = 30.0
# Frame timing means a 30 s hold that completed may be recorded as 29.9 s.
TARGET_TOLERANCE_S = 0.5
# Adaptive targets: this many consecutive recent sets with a hold past the target...
PROGRESS_AFTER_SETS = 3
# ...within this many days, lead to a target this much longer (rounded to PROGRESS_STEP_S).
PROGRESS_WINDOW_DAYS = 14
PROGRESS_FACTOR = 1.25
PROGRESS_STEP_S = 5

_SQLITE_MAGIC = b"SQLite format 3\x00"


class HistoryError(Exception):
    """The history database cannot be used; the message names the file and the reason."""


# --------------------------------------------------------------------------- schema


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """Create the initial schema."""
    stop_reasons = ", ".join(f"'{r}'" for r in STOP_REASONS)
    statements = [
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            note TEXT
        )""",
        f"""CREATE TABLE sets (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT NOT NULL,
            side TEXT CHECK (side IN ('left', 'right')),
            target_s REAL,
            target_reps INTEGER,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            stop_reason TEXT CHECK (stop_reason IN ({stop_reasons})),
            sharp_pain INTEGER NOT NULL DEFAULT 0 CHECK (sharp_pain IN (0, 1))
        )""",
        """CREATE TABLE holds (
            id INTEGER PRIMARY KEY,
            set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
            start_at TEXT NOT NULL,
            end_at TEXT NOT NULL,
            seconds REAL NOT NULL CHECK (seconds >= 0)
        )""",
        """CREATE TABLE reps (
            id INTEGER PRIMARY KEY,
            set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            duration_s REAL NOT NULL CHECK (duration_s >= 0)
        )""",
        """CREATE TABLE corrections (
            set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
            cue TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 1),
            first_at TEXT NOT NULL,
            PRIMARY KEY (set_id, cue)
        )""",
        "CREATE INDEX sessions_started ON sessions(started_at)",
        "CREATE INDEX sets_session ON sets(session_id)",
        "CREATE INDEX sets_exercise ON sets(exercise, started_at)",
        "CREATE INDEX holds_set ON holds(set_id)",
        "CREATE INDEX reps_set ON reps(set_id)",
    ]
    for statement in statements:
        conn.execute(statement)


# MIGRATIONS[i] upgrades a database from user_version i to i + 1, inside one transaction.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1]
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """Where the history lives: $POSEGUIDE_DB, else the XDG data directory."""
    override = os.environ.get("POSEGUIDE_DB")
    if override:
        return Path(override).expanduser()
    return data_dir() / "history.sqlite3"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Hold:
    """One continuous stretch of time in correct form."""

    id: int
    set_id: int
    start: datetime
    end: datetime
    seconds: float


@dataclass(frozen=True)
class Rep:
    """One finished repetition."""

    id: int
    set_id: int
    at: datetime
    duration_s: float


@dataclass(frozen=True)
class Correction:
    """How often a form cue was given during a set."""

    set_id: int
    cue: str
    count: int
    first_at: datetime


@dataclass(frozen=True)
class SetRecord:
    """One set of one exercise (one side), with everything recorded during it."""

    id: int
    session_id: int
    exercise: str
    side: str | None
    target_s: float | None
    target_reps: int | None
    started_at: datetime
    ended_at: datetime | None
    stop_reason: str | None
    sharp_pain: bool
    holds: tuple[Hold, ...] = ()
    reps: tuple[Rep, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def held_s(self) -> float:
        """Total time in correct form."""
        return sum(h.seconds for h in self.holds)

    @property
    def best_hold_s(self) -> float:
        """Longest continuous hold."""
        return max((h.seconds for h in self.holds), default=0.0)

    @property
    def target_met(self) -> bool | None:
        """Whether the rep or hold target was reached; None when the set had no target."""
        if self.target_reps is not None:
            return len(self.reps) >= self.target_reps
        if self.target_s is not None:
            return self.held_s >= self.target_s - TARGET_TOLERANCE_S
        return None


@dataclass(frozen=True)
class SessionRecord:
    """One practice session and its sets."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    pain_before: int | None
    pain_after: int | None
    note: str | None
    sets: tuple[SetRecord, ...] = ()

    @property
    def held_s(self) -> float:
        """Total time in correct form across all sets."""
        return sum(s.held_s for s in self.sets)

    @property
    def rep_count(self) -> int:
        return sum(len(s.reps) for s in self.sets)

    @property
    def active(self) -> bool:
        """Whether anything was actually practised (a hold or a repetition)."""
        return any(s.holds or s.reps for s in self.sets)


@dataclass(frozen=True)
class ExerciseTotals:
    """Totals for one exercise over some sets."""

    exercise: str
    sets: int = 0
    held_s: float = 0.0
    best_hold_s: float = 0.0
    reps: int = 0
    targets_met: int = 0
    targets_total: int = 0


@dataclass(frozen=True)
class SessionSummary:
    """What a session achieved, for the end-of-session screen and the history table."""

    session: SessionRecord
    duration_s: float | None
    held_s: float
    reps: int
    targets_met: int
    targets_total: int
    stop_reasons: dict[str, int]
    exercises: dict[str, ExerciseTotals]


@dataclass(frozen=True)
class DaySummary:
    """Practice on one local calendar day (sessions count on the day they started)."""

    day: date
    sessions: int
    held_s: float
    reps: int
    exercises: dict[str, ExerciseTotals] = field(default_factory=dict)


@dataclass(frozen=True)
class WeekSummary:
    """Practice in one ISO week (Monday to Sunday, local time)."""

    week_start: date
    days_practised: int
    sessions: int
    held_s: float
    reps: int
    exercises: dict[str, ExerciseTotals] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonalBest:
    """Best continuous hold and most repetitions in one set, per exercise."""

    exercise: str
    best_hold_s: float
    best_hold_at: datetime | None
    most_reps: int
    most_reps_at: datetime | None


# --------------------------------------------------------------------------- validation


def _ts(value: datetime, name: str) -> str:
    """Aware datetime -> fixed-width ISO-8601 UTC text, which also sorts correctly."""
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive datetime {value})")
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _maybe_dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _pain(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be an integer from 0 to 10 or None, got {value!r}")
    return value


def _seconds(value: float, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _text(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _note(value: str | None) -> None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"note must be a string or None, got {value!r}")


def _not_before(end: datetime, start: datetime, what: str) -> None:
    if end < start:
        raise ValueError(f"{what} end {end.isoformat()} is before its start {start.isoformat()}")


# --------------------------------------------------------------------------- store


class History:
    """The history database; thread-safe, one connection guarded by a lock."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self._lock = threading.RLock()
        self._inspect()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"cannot create the folder for history database {self.path}: {exc.strerror}"
            ) from exc
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from exc
        try:
            self._open()
        except BaseException:
            self._conn.close()
            raise

    # -- opening

    def _inspect(self) -> None:
        """Reject a file we must not touch, reading it only: not SQLite, corrupt, a newer
        schema, or another program's database. A read-write connection could otherwise
        switch its journal mode or checkpoint a WAL file into it on close."""
        try:
            with open(self.path, "rb") as f:
                header = f.read(100)
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing to protect; creating it reports any problem with the folder
        except OSError as exc:
            raise HistoryError(f"cannot read history database {self.path}: {exc.strerror}") from exc
        if not header:
            return  # SQLite treats an empty file as an empty database.
        if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
            raise HistoryError(
                f"{self.path} is not a SQLite database (corrupt or some other file); "
                "it was left untouched"
            )
        self._check_version(int.from_bytes(header[60:64], "big"))
        # The header may be stale when a WAL file holds newer commits, so ask SQLite too.
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                   isolation_level=None)
            try:
                # One read transaction, so the version and the tables come from one snapshot
                # even while another process is creating the schema.
                conn.execute("BEGIN")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                self._check_version(version)
                problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise HistoryError(
                        f"{self.path} is corrupt ({problems[0]}); it was left untouched"
                    )
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if version == 0 and tables:
                    raise HistoryError(
                        f"{self.path} is a SQLite database of some other program; "
                        "it was left untouched"
                    )
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from exc

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path} was written by a newer poseguide (schema {version}, this version "
                f"understands up to {SCHEMA_VERSION}); it was left untouched - please upgrade"
            )

    def _open(self) -> None:
        conn = self._conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = self._switch_to_wal()
            if mode.lower() != "wal":
                raise HistoryError(f"cannot switch {self.path} to WAL mode (got {mode!r})")
            # FULL: a committed hold survives power loss too, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._migrate()
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from exc

    def _switch_to_wal(self) -> str:
        """``PRAGMA journal_mode = WAL``, retried: SQLite does not apply the busy timeout to
        the switch, so two processes opening a new database at once would otherwise see
        "database is locked" at once."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                return self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Apply pending migrations atomically; a concurrent opener may have done it first."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            self._check_version(version)
            for migration in MIGRATIONS[version:]:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _error(self, action: str, exc: sqlite3.Error) -> HistoryError:
        """Translate SQLite failures into a message a user can act on."""
        # sqlite_errorname exists from Python 3.11; the message text covers 3.10.
        text = f"{getattr(exc, 'sqlite_errorname', '')} {exc}".lower()
        if "full" in text:
            reason = "the disk is full"
        elif any(k in text for k in ("readonly", "read-only", "cantopen", "unable to open")):
            reason = "the location is read-only or not accessible"
        elif "busy" in text or "locked" in text:
            reason = f"another program kept it locked for over {BUSY_TIMEOUT_S:g} s"
        elif "corrupt" in text or "notadb" in text or "not a database" in text:
            reason = "the file is corrupt; it was left untouched"
        else:
            reason = "a database error occurred"
        return HistoryError(f"{action} history database {self.path}: {reason} ({exc})")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short IMMEDIATE transaction: takes the write lock up front so a busy
        database makes us wait (busy_timeout) instead of failing on lock upgrade."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error("cannot write to", exc) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._error("cannot write to", exc) from exc
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot across the several queries that build records."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error("cannot read", exc) from exc

    def _require(self, conn: sqlite3.Connection, table: str, row_id: int) -> tuple[str]:
        """The row's started_at; ValueError naming the id when it does not exist."""
        row = conn.execute(f"SELECT started_at FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            kind = "session" if table == "sessions" else "set"
            raise ValueError(f"no {kind} with id {row_id!r}")
        return row

    # -- recording

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
            return int(cur.lastrowid)

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
    ) -> int:
        """Record the start of a set and return its id."""
        _text(exercise, "exercise")
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
                "INSERT INTO sets (session_id, exercise, side, target_s, target_reps, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, exercise, side, target, target_reps, started),
            )
            return int(cur.lastrowid)

    def add_hold(self, set_id: int, start: datetime, end: datetime) -> int:
        """Commit one finished hold at once, so a crash cannot lose it; returns its id."""
        start_text, end_text = _ts(start, "start"), _ts(end, "end")
        _not_before(end, start, "hold")
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            cur = conn.execute(
                "INSERT INTO holds (set_id, start_at, end_at, seconds) VALUES (?, ?, ?, ?)",
                (set_id, start_text, end_text, (end - start).total_seconds()),
            )
            return int(cur.lastrowid)

    def add_rep(self, set_id: int, at: datetime, duration_s: float) -> int:
        """Commit one finished repetition at once; returns its id."""
        at_text = _ts(at, "at")
        duration = _seconds(duration_s, "duration_s")
        with self._write() as conn:
            self._require(conn, "sets", set_id)
            cur = conn.execute(
                "INSERT INTO reps (set_id, at, duration_s) VALUES (?, ?, ?)",
                (set_id, at_text, duration),
            )
            return int(cur.lastrowid)

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
        flag = sharp_pain or stop_reason == "sharp_pain"
        with self._write() as conn:
            (started,) = self._require(conn, "sets", set_id)
            _not_before(ended_at, datetime.fromisoformat(started), "set")
            conn.execute(
                "UPDATE sets SET ended_at = ?, stop_reason = ?, sharp_pain = ? WHERE id = ?",
                (ended, stop_reason, int(flag), set_id),
            )

    def delete_session(self, session_id: int) -> None:
        """Delete a session with all its sets, holds, repetitions and corrections."""
        with self._write() as conn:
            self._require(conn, "sessions", session_id)
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- reading

    def sessions(
        self, days: float | None = None, *, now: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions started in the last `days` days (all when None), newest first."""
        where, params = "", ()
        if days is not None:
            since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
            where, params = "WHERE started_at >= ?", (_ts(since, "now"),)
        with self._read() as conn:
            return self._load(conn, where, params)

    def session(self, session_id: int) -> SessionRecord:
        """One session; ValueError when it does not exist."""
        with self._read() as conn:
            found = self._load(conn, "WHERE id = ?", (session_id,))
        if not found:
            raise ValueError(f"no session with id {session_id!r}")
        return found[0]

    def _load(
        self, conn: sqlite3.Connection, where: str, params: tuple[object, ...]
    ) -> list[SessionRecord]:
        """Build records with one query per table rather than one per set."""
        picked = f"SELECT id FROM sessions {where}"
        in_sets = f"SELECT id FROM sets WHERE session_id IN ({picked})"
        holds: dict[int, list[Hold]] = {}
        for hid, set_id, start, end, seconds in conn.execute(
            f"SELECT id, set_id, start_at, end_at, seconds FROM holds "
            f"WHERE set_id IN ({in_sets}) ORDER BY start_at, id",
            params,
        ):
            holds.setdefault(set_id, []).append(Hold(hid, set_id, _dt(start), _dt(end), seconds))
        reps: dict[int, list[Rep]] = {}
        for rid, set_id, at, duration in conn.execute(
            f"SELECT id, set_id, at, duration_s FROM reps "
            f"WHERE set_id IN ({in_sets}) ORDER BY at, id",
            params,
        ):
            reps.setdefault(set_id, []).append(Rep(rid, set_id, _dt(at), duration))
        corrections: dict[int, list[Correction]] = {}
        for set_id, cue, count, first_at in conn.execute(
            f"SELECT set_id, cue, count, first_at FROM corrections "
            f"WHERE set_id IN ({in_sets}) ORDER BY first_at, cue",
            params,
        ):
            corrections.setdefault(set_id, []).append(Correction(set_id, cue, count, _dt(first_at)))
        sets: dict[int, list[SetRecord]] = {}
        for row in conn.execute(
            f"SELECT id, session_id, exercise, side, target_s, target_reps, started_at, "
            f"ended_at, stop_reason, sharp_pain FROM sets "
            f"WHERE session_id IN ({picked}) ORDER BY started_at, id",
            params,
        ):
            sid = row[0]
            sets.setdefault(row[1], []).append(
                SetRecord(
                    id=sid,
                    session_id=row[1],
                    exercise=row[2],
                    side=row[3],
                    target_s=row[4],
                    target_reps=row[5],
                    started_at=_dt(row[6]),
                    ended_at=_maybe_dt(row[7]),
                    stop_reason=row[8],
                    sharp_pain=bool(row[9]),
                    holds=tuple(holds.get(sid, ())),
                    reps=tuple(reps.get(sid, ())),
                    corrections=tuple(corrections.get(sid, ())),
                )
            )
        return [
            SessionRecord(
                id=row[0],
                started_at=_dt(row[1]),
                ended_at=_maybe_dt(row[2]),
                pain_before=row[3],
                pain_after=row[4],
                note=row[5],
                sets=tuple(sets.get(row[0], ())),
            )
            for row in conn.execute(
                f"SELECT id, started_at, ended_at, pain_before, pain_after, note FROM sessions "
                f"{where} ORDER BY started_at DESC, id DESC",
                params,
            )
        ]

    # -- summaries

    def session_summary(self, session_id: int) -> SessionSummary:
        return summarize_session(self.session(session_id))

    def daily(
        self,
        days: float | None = None,
        *,
        tz: tzinfo | None = None,
        now: datetime | None = None,
    ) -> list[DaySummary]:
        """Per local day (tz None = this computer's zone), oldest first, practised days only."""
        by_day: dict[date, list[SessionRecord]] = {}
        for s in self.sessions(days, now=now):
            by_day.setdefault(s.started_at.astimezone(tz).date(), []).append(s)
        return [
            DaySummary(
                day=day,
                sessions=len(group),
                held_s=sum(s.held_s for s in group),
                reps=sum(s.rep_count for s in group),
                exercises=exercise_totals(st for s in group for st in s.sets),
            )
            for day, group in sorted(by_day.items())
        ]

    def weekly(
        self,
        days: float | None = None,
        *,
        tz: tzinfo | None = None,
        now: datetime | None = None,
    ) -> list[WeekSummary]:
        """Per ISO week (Monday start, local time), oldest first."""
        by_week: dict[date, list[SessionRecord]] = {}
        for s in self.sessions(days, now=now):
            local = s.started_at.astimezone(tz).date()
            by_week.setdefault(local - timedelta(days=local.weekday()), []).append(s)
        return [
            WeekSummary(
                week_start=week,
                days_practised=len({s.started_at.astimezone(tz).date() for s in group if s.active}),
                sessions=len(group),
                held_s=sum(s.held_s for s in group),
                reps=sum(s.rep_count for s in group),
                exercises=exercise_totals(st for s in group for st in s.sets),
            )
            for week, group in sorted(by_week.items())
        ]

    def practice_days(self, tz: tzinfo | None = None) -> set[date]:
        """Local days with at least one hold or repetition."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.started_at FROM sessions s WHERE EXISTS ("
                " SELECT 1 FROM sets t WHERE t.session_id = s.id AND ("
                "  EXISTS (SELECT 1 FROM holds h WHERE h.set_id = t.id)"
                "  OR EXISTS (SELECT 1 FROM reps r WHERE r.set_id = t.id)))"
            ).fetchall()
        return {datetime.fromisoformat(r[0]).astimezone(tz).date() for r in rows}

    def streak(self, tz: tzinfo | None = None, today: date | None = None) -> int:
        """Consecutive practised local days up to today; a streak stays alive until the end
        of the day after the last practice, so it does not read 0 every morning."""
        days = self.practice_days(tz)
        day = today or datetime.now(timezone.utc).astimezone(tz).date()
        if day not in days:
            day -= timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count

    def personal_bests(self) -> dict[str, PersonalBest]:
        """Per exercise: longest continuous hold and most repetitions in one set."""
        with self._read() as conn:
            holds = conn.execute(
                "SELECT exercise, seconds, start_at FROM ("
                " SELECT t.exercise, h.seconds, h.start_at, row_number() OVER ("
                "  PARTITION BY t.exercise ORDER BY h.seconds DESC, h.start_at) AS n"
                " FROM holds h JOIN sets t ON t.id = h.set_id) WHERE n = 1"
            ).fetchall()
            reps = conn.execute(
                "SELECT exercise, reps, started_at FROM ("
                " SELECT t.exercise, t.started_at, count(*) AS reps, row_number() OVER ("
                "  PARTITION BY t.exercise ORDER BY count(*) DESC, t.started_at) AS n"
                " FROM reps r JOIN sets t ON t.id = r.set_id GROUP BY t.id) WHERE n = 1"
            ).fetchall()
        best_hold = {ex: (sec, _dt(at)) for ex, sec, at in holds}
        most_reps = {ex: (n, _dt(at)) for ex, n, at in reps}
        return {
            ex: PersonalBest(
                exercise=ex,
                best_hold_s=best_hold.get(ex, (0.0, None))[0],
                best_hold_at=best_hold.get(ex, (0.0, None))[1],
                most_reps=most_reps.get(ex, (0, None))[0],
                most_reps_at=most_reps.get(ex, (0, None))[1],
            )
            for ex in sorted(best_hold.keys() | most_reps.keys())
        }

    def sharp_pain_stops(self, since: datetime) -> int:
        """Sets flagged with sharp pain that ended (or started, if unfinished) since then."""
        since_text = _ts(since, "since")
        with self._read() as conn:
            return conn.execute(
                "SELECT count(*) FROM sets WHERE sharp_pain = 1 "
                "AND coalesce(ended_at, started_at) >= ?",
                (since_text,),
            ).fetchone()[0]

    def suggest_target(
        self,
        exercise: str,
        current_target_s: float,
        guide_max_s: float,
        *,
        now: datetime | None = None,
    ) -> int | None:
        """A longer hold target once the last few sets all held past the current one.

        Needs PROGRESS_AFTER_SETS recent sets (within PROGRESS_WINDOW_DAYS) of the exercise,
        each with a continuous hold of at least the target; any sharp-pain stop in that
        window blocks progression. The suggestion is +25 % rounded to 5 s, at least 5 s
        more, and never beyond the guide's maximum. None means keep the current target.
        """
        _text(exercise, "exercise")
        current = _seconds(current_target_s, "current_target_s", positive=True)
        cap = _seconds(guide_max_s, "guide_max_s", positive=True)
        since = (now or datetime.now(timezone.utc)) - timedelta(days=PROGRESS_WINDOW_DAYS)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT t.sharp_pain, coalesce(max(h.seconds), 0) FROM sets t "
                "LEFT JOIN holds h ON h.set_id = t.id "
                "WHERE t.exercise = ? AND t.started_at >= ? "
                "GROUP BY t.id ORDER BY t.started_at DESC, t.id DESC",
                (exercise, _ts(since, "now")),
            ).fetchall()
        if any(pain for pain, _ in rows):
            return None
        recent = [best for _, best in rows if best > 0][:PROGRESS_AFTER_SETS]
        if len(recent) < PROGRESS_AFTER_SETS or min(recent) < current - TARGET_TOLERANCE_S:
            return None
        step = PROGRESS_STEP_S
        longer = max(math.floor(current * PROGRESS_FACTOR / step + 0.5) * step, current + step)
        suggestion = int(min(longer, cap))
        return suggestion if suggestion > current else None

    # -- export

    CSV_FIELDS = (
        "session_id",
        "session_started_at",
        "session_ended_at",
        "pain_before",
        "pain_after",
        "note",
        "set_id",
        "exercise",
        "side",
        "target_s",
        "target_reps",
        "set_started_at",
        "set_ended_at",
        "stop_reason",
        "sharp_pain",
        "holds",
        "held_s",
        "best_hold_s",
        "reps",
        "target_met",
        "corrections",
    )

    def to_csv(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """One row per set (a session without sets gets one row), oldest first."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for s in reversed(self.sessions(days, now=now)):
            base = {
                "session_id": s.id,
                "session_started_at": _iso(s.started_at),
                "session_ended_at": _iso(s.ended_at),
                "pain_before": s.pain_before,
                "pain_after": s.pain_after,
                "note": s.note,
            }
            if not s.sets:
                writer.writerow(base)
            for st in s.sets:
                writer.writerow(
                    base
                    | {
                        "set_id": st.id,
                        "exercise": st.exercise,
                        "side": st.side,
                        "target_s": st.target_s,
                        "target_reps": st.target_reps,
                        "set_started_at": _iso(st.started_at),
                        "set_ended_at": _iso(st.ended_at),
                        "stop_reason": st.stop_reason,
                        "sharp_pain": int(st.sharp_pain),
                        "holds": len(st.holds),
                        "held_s": round(st.held_s, 3),
                        "best_hold_s": round(st.best_hold_s, 3),
                        "reps": len(st.reps),
                        "target_met": "" if st.target_met is None else int(st.target_met),
                        "corrections": ";".join(f"{c.cue}:{c.count}" for c in st.corrections),
                    }
                )
        return out.getvalue()

    def to_json(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """Everything recorded, nested session > set > holds/reps/corrections, oldest first."""
        sessions = [_session_json(s) for s in reversed(self.sessions(days, now=now))]
        document = {
            "format": "poseguide-history",
            "schema_version": SCHEMA_VERSION,
            "sessions": sessions,
        }
        return json.dumps(document, indent=2)


# --------------------------------------------------------------------------- helpers


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def exercise_totals(sets: Iterable[SetRecord]) -> dict[str, ExerciseTotals]:
    """Totals per exercise (sorted by name) over any sets, e.g. a day or a whole report."""
    totals: dict[str, ExerciseTotals] = {}
    for st in sets:
        t = totals.get(st.exercise, ExerciseTotals(st.exercise))
        met = st.target_met
        totals[st.exercise] = ExerciseTotals(
            exercise=st.exercise,
            sets=t.sets + 1,
            held_s=t.held_s + st.held_s,
            best_hold_s=max(t.best_hold_s, st.best_hold_s),
            reps=t.reps + len(st.reps),
            targets_met=t.targets_met + bool(met),
            targets_total=t.targets_total + (met is not None),
        )
    return dict(sorted(totals.items()))


def summarize_session(session: SessionRecord) -> SessionSummary:
    """Totals for one session: time in form, per-exercise best hold and total, targets."""
    exercises = exercise_totals(session.sets)
    stops: dict[str, int] = {}
    for st in session.sets:
        if st.stop_reason is not None:
            stops[st.stop_reason] = stops.get(st.stop_reason, 0) + 1
    duration = None
    if session.ended_at is not None:
        duration = (session.ended_at - session.started_at).total_seconds()
    return SessionSummary(
        session=session,
        duration_s=duration,
        held_s=session.held_s,
        reps=session.rep_count,
        targets_met=sum(t.targets_met for t in exercises.values()),
        targets_total=sum(t.targets_total for t in exercises.values()),
        stop_reasons=stops,
        exercises=exercises,
    )


def _session_json(s: SessionRecord) -> dict[str, object]:
    return {
        "id": s.id,
        "started_at": _iso(s.started_at),
        "ended_at": _iso(s.ended_at),
        "pain_before": s.pain_before,
        "pain_after": s.pain_after,
        "note": s.note,
        "held_s": round(s.held_s, 3),
        "sets": [
            {
                "id": st.id,
                "exercise": st.exercise,
                "side": st.side,
                "target_s": st.target_s,
                "target_reps": st.target_reps,
                "started_at": _iso(st.started_at),
                "ended_at": _iso(st.ended_at),
                "stop_reason": st.stop_reason,
                "sharp_pain": st.sharp_pain,
                "held_s": round(st.held_s, 3),
                "best_hold_s": round(st.best_hold_s, 3),
                "target_met": st.target_met,
                "holds": [
                    {"start": _iso(h.start), "end": _iso(h.end), "seconds": h.seconds}
                    for h in st.holds
                ],
                "reps": [{"at": _iso(r.at), "duration_s": r.duration_s} for r in st.reps],
                "corrections": [
                    {"cue": c.cue, "count": c.count, "first_at": _iso(c.first_at)}
                    for c in st.corrections
                ],
            }
            for st in s.sets
        ],
    }
