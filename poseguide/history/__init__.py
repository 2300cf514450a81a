"""Practice history: a small SQLite store of sessions, sets, holds and repetitions.

The store is written while the user exercises, so every finished hold or repetition is
committed on its own: a crash (or a killed browser tab) loses at most the hold in progress.
A database this code does not understand (newer schema, corrupt, not SQLite) is never
touched; callers get a `HistoryError` and keep their data in memory instead.

Modules: ``records`` (what is stored, validated), ``schema`` (tables and migrations),
``store`` (the `History` database), ``reports`` (summaries, streaks), ``progression`` (the
training rule) and ``export`` (CSV and JSON).
"""

from poseguide.history.records import (
    STOP_REASONS,
    Correction,
    ExerciseTotals,
    HistoryError,
    Hold,
    PeriodSummary,
    PersonalBest,
    Rep,
    SessionRecord,
    SessionSummary,
    SetRecord,
)
from poseguide.history.reports import exercise_totals, summarize_session
from poseguide.history.schema import SCHEMA_VERSION
from poseguide.history.store import BUSY_TIMEOUT_S, History, default_db_path

__all__ = [
    "BUSY_TIMEOUT_S",
    "SCHEMA_VERSION",
    "STOP_REASONS",
    "Correction",
    "PeriodSummary",
    "ExerciseTotals",
    "History",
    "HistoryError",
    "Hold",
    "PersonalBest",
    "Rep",
    "SessionRecord",
    "SessionSummary",
    "SetRecord",
    "default_db_path",
    "exercise_totals",
    "summarize_session",
]
