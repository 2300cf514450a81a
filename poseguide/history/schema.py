"""The history database's schema and its migrations, one per version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from poseguide.history.records import STOP_REASONS


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


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """The user's own plan (see ``settings``): preferences as JSON values by key, a target
    per exercise, and the custom routine's steps in order."""
    statements = [
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value))
        )""",
        """CREATE TABLE exercise_targets (
            exercise TEXT PRIMARY KEY,
            hold_s REAL CHECK (hold_s > 0),
            reps INTEGER CHECK (reps >= 1)
        )""",
        """CREATE TABLE routine_steps (
            position INTEGER PRIMARY KEY CHECK (position >= 0),
            exercise TEXT NOT NULL,
            hold_s REAL CHECK (hold_s > 0),
            reps INTEGER CHECK (reps >= 1)
        )""",
    ]
    for statement in statements:
        conn.execute(statement)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Range of motion: the set's key measure (a check id of its template), each hold's
    median and best of it, and each flow repetition's range, in whole degrees. Rows written
    before have NULL there, shown as "–"."""
    statements = [
        "ALTER TABLE sets ADD COLUMN key_measure TEXT",
        "ALTER TABLE holds ADD COLUMN measure_median INTEGER",
        "ALTER TABLE holds ADD COLUMN measure_best INTEGER",
        "ALTER TABLE reps ADD COLUMN measure_range INTEGER",
    ]
    for statement in statements:
        conn.execute(statement)


# MIGRATIONS[i] upgrades a database from user_version i to i + 1, inside one transaction.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_0_to_1,
    _migrate_1_to_2,
    _migrate_2_to_3,
]
SCHEMA_VERSION = len(MIGRATIONS)
