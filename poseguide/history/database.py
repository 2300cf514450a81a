"""The history database file: what may be opened, how, and the transactions on it.

A database this code does not understand (newer schema, corrupt, not SQLite, another
program's) is never touched; callers get a `HistoryError` and keep their data in memory.
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
from pathlib import Path

from poseguide.history import schema
from poseguide.history.records import HistoryError
from poseguide.paths import history_path

# Concurrent writers (the camera thread, the page, a second tab) wait this long for the lock.
# Generous because SQLite's busy wait is not fair: a writer committing back to back can keep
# another waiting until it is done. Real writes are one short transaction per finished hold.
BUSY_TIMEOUT_S = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"


def default_db_path() -> Path:
    """Where the history lives (``paths.history_path``)."""
    return history_path()


class HistoryFile:
    """The history database file: inspected before it is opened (never touching one this code
    does not understand), migrated, and used through one connection guarded by a lock, in short
    transactions (`_write`, `_read`)."""

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
                return str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
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
        return (str(row[0]),)
