"""Practice history: a small SQLite store of sessions, sets, holds and repetitions.

The store is written while the user exercises, so every finished hold or repetition is
committed on its own: a crash (or a killed browser tab) loses at most the hold in progress.
A database this code does not understand (newer schema, corrupt, not SQLite) is never
touched; callers get a `HistoryError` and keep their data in memory instead.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from poseguide.history import export, reports, schema
from poseguide.history.export import CSV_FIELDS
from poseguide.history.progression import PROGRESS_WINDOW_DAYS, longer_target
from poseguide.history.records import (
    SIDES,
    STOP_REASONS,
    Correction,
    HistoryError,
    Hold,
    PeriodSummary,
    PersonalBest,
    Rep,
    SessionRecord,
    SessionSummary,
    SetRecord,
    StopReason,
    _dt,
    _maybe_dt,
    _not_before,
    _note,
    _pain,
    _seconds,
    _text,
    _ts,
)
from poseguide.paths import data_dir

# Concurrent writers (the camera thread, the page, a second tab) wait this long for the lock.
# Generous because SQLite's busy wait is not fair: a writer committing back to back can keep
# another waiting until it is done. Real writes are one short transaction per finished hold.
BUSY_TIMEOUT_S = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"


def default_db_path() -> Path:
    """Where the history lives: $POSEGUIDE_DB, else the XDG data directory."""
    override = os.environ.get("POSEGUIDE_DB")
    if override:
        return Path(override).expanduser()
    return data_dir() / "history.sqlite3"


class History:
    """The history database; thread-safe, one connection guarded by a lock."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False
    ) -> None:
        """``readonly``: for commands that only read. The file must exist (a mistyped path
        is an error, never a new empty database) and nothing is written, so a database in a
        read-only folder can still be viewed."""
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self._lock = threading.RLock()
        if readonly and not self.path.exists():
            raise HistoryError(
                f"{self.path}: no such history database; check the path (reading never creates one)"
            )
        self._inspect()
        if readonly:
            self._conn = self._open_readonly()
            return
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
        """Reject a file we must not touch, reading it only: not a regular file (reading a
        pipe would block for ever), not SQLite, corrupt, a newer schema, or another
        program's database. A read-write connection could otherwise switch its journal mode
        or checkpoint a WAL file into it on close."""
        try:
            mode = self.path.stat().st_mode
        except OSError:
            mode = stat.S_IFREG  # missing or unreadable: the open below says which
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe or device)"
            raise HistoryError(
                f"{self.path} is {kind}, not a history database; point --db or "
                "POSEGUIDE_DB at a database file"
            )
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
        try:
            conn = sqlite3.connect(
                self._readonly_uri(), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
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

    def _open_readonly(self) -> sqlite3.Connection:
        """A connection that cannot write."""
        try:
            return self._connect_readonly(self._readonly_uri())
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from exc

    def _readonly_uri(self) -> str:
        """In a read-only folder SQLite cannot create the WAL index a reader needs; no one can
        write there either (a writer needs the WAL file), so the file is read as immutable."""
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        wal = self.path.with_name(self.path.name + "-wal")
        if not os.access(self.path.parent, os.W_OK) and not wal.exists():
            uri += "&immutable=1"
        return uri

    def _connect_readonly(self, uri: str) -> sqlite3.Connection:
        conn = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < schema.SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path} holds no history yet (or an older one); start the app once "
                    "to set it up"
                )
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_version(self, version: int) -> None:
        if version > schema.SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path} was written by a newer poseguide (schema {version}, this version "
                f"understands up to {schema.SCHEMA_VERSION}); it was left untouched - "
                "please upgrade"
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
            if conn.execute("PRAGMA user_version").fetchone()[0] < schema.SCHEMA_VERSION:
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
            for migration in schema.MIGRATIONS[version:]:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _error(self, action: str, exc: sqlite3.Error) -> HistoryError:
        """Translate SQLite failures into a message a user can act on."""
        # sqlite_errorname exists from Python 3.11; the message text covers 3.10.
        text = f"{getattr(exc, 'sqlite_errorname', '')} {exc}".lower()
        if "full" in text or ("ioerr" in text and self._disk_nearly_full()):
            reason = "the disk is full; free some space and try again"
        elif "ioerr" in text or "disk i/o" in text:
            reason = "the disk reported a read or write failure"
        elif any(k in text for k in ("readonly", "read-only", "cantopen", "unable to open")):
            reason = "the location is read-only or not accessible"
        elif "busy" in text or "locked" in text:
            reason = f"another program kept it locked for over {BUSY_TIMEOUT_S:g} s"
        elif "corrupt" in text or "notadb" in text or "not a database" in text:
            reason = "the file is corrupt; it was left untouched"
        else:
            reason = "a database error occurred"
        return HistoryError(f"{action} history database {self.path}: {reason} ({exc})")

    def _disk_nearly_full(self) -> bool:
        """SQLite reports a full disk as a plain I/O error when the WAL index cannot grow."""
        try:
            return shutil.disk_usage(self.path.parent).free < 1 << 20
        except OSError:
            return False

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
            return _inserted_id(cur)

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
            return _inserted_id(cur)

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

    # -- reading

    def sessions(
        self, days: float | None = None, *, now: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions started in the last `days` days (all when None), newest first."""
        where: str = ""
        params: tuple[object, ...] = ()
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
                    stop_reason=None if row[8] is None else StopReason(row[8]),
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

    # -- summaries (the rules live in reports, progression and export)

    def session_summary(self, session_id: int) -> SessionSummary:
        return reports.summarize_session(self.session(session_id))

    def daily(
        self, days: float | None = None, *, tz: tzinfo | None = None, now: datetime | None = None
    ) -> list[PeriodSummary]:
        """Per local day (tz None = this computer's zone), oldest first, practised days only."""
        return reports.daily(self.sessions(days, now=now), tz)

    def weekly(
        self, days: float | None = None, *, tz: tzinfo | None = None, now: datetime | None = None
    ) -> list[PeriodSummary]:
        """Per ISO week (Monday start, local time), oldest first."""
        return reports.weekly(self.sessions(days, now=now), tz)

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
        """Consecutive practised local days up to today (see ``reports.streak``)."""
        day = today or datetime.now(timezone.utc).astimezone(tz).date()
        return reports.streak(self.practice_days(tz), day)

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
        """A longer hold target once the last few sets all held past the current one (the
        rule is ``progression.longer_target``); None means keep the current target."""
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
        pain = any(p for p, _ in rows)
        return longer_target([best for _, best in rows if best > 0], pain, current, cap)

    # -- export

    CSV_FIELDS = CSV_FIELDS

    def to_csv(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """One row per set (a session without sets gets one row), oldest first."""
        return export.to_csv(self.sessions(days, now=now))

    def to_json(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """Everything recorded, nested session > set > holds/reps/corrections, oldest first."""
        return export.to_json(self.sessions(days, now=now))


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The id SQLite gave the row just inserted (always set after an INSERT)."""
    if cur.lastrowid is None:
        raise HistoryError("the history database did not report the new row's id")
    return cur.lastrowid
