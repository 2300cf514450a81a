"""Summaries of recorded sessions: per exercise, per session, per day or week, streaks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta, tzinfo

from poseguide.history.records import (
    ExerciseTotals,
    PeriodSummary,
    SessionRecord,
    SessionSummary,
    SetRecord,
)


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


def _group(
    sessions: Iterable[SessionRecord], key: Callable[[date], date], tz: tzinfo | None
) -> list[tuple[date, list[SessionRecord]]]:
    groups: dict[date, list[SessionRecord]] = {}
    for s in sessions:
        groups.setdefault(key(s.started_at.astimezone(tz).date()), []).append(s)
    return sorted(groups.items())


def daily(sessions: Iterable[SessionRecord], tz: tzinfo | None = None) -> list[PeriodSummary]:
    """Per local day (tz None = this computer's zone), oldest first, practised days only."""
    return _summaries(sessions, lambda d: d, tz)


def weekly(sessions: Iterable[SessionRecord], tz: tzinfo | None = None) -> list[PeriodSummary]:
    """Per ISO week (Monday start, local time), oldest first."""
    return _summaries(sessions, lambda d: d - timedelta(days=d.weekday()), tz)


def _summaries(
    sessions: Iterable[SessionRecord], period_of: Callable[[date], date], tz: tzinfo | None
) -> list[PeriodSummary]:
    return [
        PeriodSummary(
            start=start,
            days_practised=len({s.started_at.astimezone(tz).date() for s in group if s.active}),
            sessions=len(group),
            held_s=sum(s.held_s for s in group),
            reps=sum(s.rep_count for s in group),
            exercises=exercise_totals(st for s in group for st in s.sets),
        )
        for start, group in _group(sessions, period_of, tz)
    ]


def streak(days: set[date], today: date) -> int:
    """Consecutive practised days up to today; a streak stays alive until the end of the day
    after the last practice, so it does not read 0 every morning."""
    day = today
    if day not in days:
        day -= timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count
