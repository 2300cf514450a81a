"""What the history holds: sessions, sets, holds, repetitions and corrections, the
summaries made of them, and the checks every value passes before it is stored."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from poseguide.core.textenum import TextEnum


class StopReason(TextEnum):
    """Why a set ended; stored as its value."""

    COMPLETED = "completed"
    USER_STOP = "user_stop"
    SHARP_PAIN = "sharp_pain"
    CAMERA_LOST = "camera_lost"
    SKIPPED = "skipped"


STOP_REASONS = tuple(r.value for r in StopReason)
SIDES = ("left", "right")
# Frame timing means a 30 s hold that completed may be recorded as 29.9 s.
TARGET_TOLERANCE_S = 0.5


class HistoryError(Exception):
    """The history database cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class Hold:
    """One continuous stretch of time in correct form."""

    id: int
    set_id: int
    start: datetime
    end: datetime
    seconds: float
    measure_median: int | None = None  # the set's key measure over the hold, whole degrees
    measure_best: int | None = None


@dataclass(frozen=True)
class Rep:
    """One finished repetition."""

    id: int
    set_id: int
    at: datetime
    duration_s: float
    measure_range: int | None = None  # a flow's range between its positions, whole degrees


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
    stop_reason: StopReason | None
    sharp_pain: bool
    holds: tuple[Hold, ...] = ()
    reps: tuple[Rep, ...] = ()
    corrections: tuple[Correction, ...] = ()
    key_measure: str | None = None  # the template's key measure when recorded (a check id)

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
        """Whether the set's target was reached; None when it had none.

        A hold time with at most one repetition is a time target (older rows store such
        holds with ``target_reps = 1`` and no repetitions); a repetition count above one, or
        one without a hold time (a flow), is met by the repetitions recorded."""
        if self.target_s is not None and (self.target_reps is None or self.target_reps <= 1):
            return self.held_s >= self.target_s - TARGET_TOLERANCE_S
        if self.target_reps is not None:
            return len(self.reps) >= self.target_reps
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
class PeriodSummary:
    """Practice in a period of local calendar days starting at ``start``: one day, or an ISO
    week (Monday to Sunday). Sessions count in the period they started."""

    start: date
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
    """A stored time; one that is not an ISO date (a row edited by hand or another program)
    is a HistoryError quoting it, not a traceback."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise HistoryError(
            f"a stored date is not a date: {text!r} (the database was changed outside "
            "poseguide; fix or delete that row)"
        ) from None


def _maybe_dt(text: str | None) -> datetime | None:
    return None if text is None else _dt(text)


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


def _degrees(value: int | None, name: str) -> int | None:
    """A measure in whole degrees (the widest kind spans -180..180), or None: not seen."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -360 <= value <= 360:
        raise ValueError(f"{name} must be whole degrees from -360 to 360 or None, got {value!r}")
    return value


def _not_before(end: datetime, start: datetime, what: str) -> None:
    if end < start:
        raise ValueError(f"{what} end {end.isoformat()} is before its start {start.isoformat()}")
