"""Writes a routine to the history as it happens, and what a finished set leaves behind."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from poseguide.core.range_of_motion import NO_READING, MotionRecorder, Reading
from poseguide.core.session import SetSummary
from poseguide.core.templates import Library
from poseguide.core.timer import EventKind
from poseguide.history import History, HistoryError
from poseguide.history.records import StopReason
from poseguide.live.routine import PlannedSet, plan_routine, single

log = logging.getLogger(__name__)

T = TypeVar("T")


class HistoryRecorder:
    """Writes a routine to the history as it happens: a finished hold is committed when it
    ends, so closing the tab loses at most the hold in progress. A history that cannot be
    written never stops the exercise: the error is kept for the page to show."""

    def __init__(self, history: History | None, pain_before: int | None = None) -> None:
        self.history = history
        self.pain_before = pain_before
        self.session_id: int | None = None
        self.set_id: int | None = None
        self.error: str | None = None
        self._session_end: datetime | None = None
        self._flow = False  # a flow's time in either position is no hold: not stored

    def _do(self, action: Callable[[History], T]) -> T | None:
        if self.history is None:
            return None
        try:
            return action(self.history)
        except (HistoryError, ValueError) as exc:
            log.warning("history not written: %s", exc)
            self.error = str(exc)
            return None

    def set_started(self, planned: PlannedSet, at: datetime) -> None:
        self._session_end = None  # a set after the end (repeat) reopens the session
        if self.session_id is None:
            self.session_id = self._do(lambda h: h.start_session(at, self.pain_before))
        if self.session_id is None:
            return
        self._flow = planned.flow
        target_s, target_reps = stored_target(planned)
        session = self.session_id
        key = planned.template.key_measure
        self.set_id = self._do(
            lambda h: h.start_set(
                session,
                planned.template.id,
                planned.side,
                target_s,
                target_reps,
                at,
                key.check if key is not None else None,
            )
        )

    def hold(self, start: datetime, end: datetime, reading: Reading = NO_READING) -> None:
        if self.set_id is not None and not self._flow:
            set_id = self.set_id
            self._do(lambda h: h.add_hold(set_id, start, end, reading.median, reading.best))

    def rep(self, at: datetime, duration_s: float, reading: Reading = NO_READING) -> None:
        if self.set_id is not None:
            set_id = self.set_id
            self._do(lambda h: h.add_rep(set_id, at, max(0.0, duration_s), reading.range))

    def correction(self, cue: str, at: datetime) -> None:
        if self.set_id is not None:
            set_id = self.set_id
            self._do(lambda h: h.add_correction(set_id, cue, at))

    def set_ended(self, at: datetime, reason: StopReason) -> int | None:
        set_id, self.set_id = self.set_id, None
        if set_id is not None:
            self._do(lambda h: h.end_set(set_id, at, reason))
        return set_id

    def discard_set(self) -> None:
        """Forget the set in progress: the user does it again (Repeat), so the abandoned
        attempt leaves no row and adds no time."""
        set_id, self.set_id = self.set_id, None
        if set_id is not None:
            self._do(lambda h: h.delete_set(set_id))

    def mark_sharp_pain(self, set_id: int, at: datetime) -> None:
        """The user answered that a stop was for sharp pain: re-close the set with that."""
        self._do(lambda h: h.end_set(set_id, at, StopReason.SHARP_PAIN, sharp_pain=True))

    def end_session(self, at: datetime | None = None, pain_after: int | None = None) -> None:
        """Close the session; called again with the pain rating, it keeps the first end."""
        if self.session_id is None or (self._session_end is not None and pain_after is None):
            return
        self._session_end = self._session_end or at or datetime.now(timezone.utc)
        session, end = self.session_id, self._session_end
        self._do(lambda h: h.end_session(session, end, pain_after))


def stored_target(planned: PlannedSet) -> tuple[float | None, int | None]:
    """The target as the history keeps it: a flow counts repetitions only, a single hold is
    time only, and "2 holds of 20 s" is both (each repetition is a hold of that time)."""
    target = planned.template.target
    if planned.flow:
        return None, target.reps
    return target.hold_s or None, target.reps if target.reps > 1 else None


@dataclass
class FinishedSet:
    """A set that ended, how, and its id in the history (None when not stored)."""

    planned: PlannedSet
    summary: SetSummary
    reason: StopReason
    set_id: int | None
    ended_at: datetime


def target_suggestions(history: History | None, finished: Sequence[FinishedSet]) -> list[str]:
    """Longer hold targets the history supports for the held stretches just done, never
    beyond the guide's upper value (a template's ``hold_max_s``)."""
    if history is None:
        return []
    tips = []
    for template in {f.planned.template.id: f.planned.template for f in finished}.values():
        target = template.target
        if template.is_flow or target.reps > 1 or target.hold_max_s <= target.hold_s:
            continue
        try:
            longer = history.suggest_target(template.id, target.hold_s, target.hold_max_s)
        except (HistoryError, ValueError):
            continue
        if longer is not None:
            tips.append(
                f"{template.name}: your last holds all passed {target.hold_s:g} s. "
                f"Try {longer} s next time (the guides go up to "
                f"{target.hold_max_s:g} s)."
            )
    return tips


def record_summary(
    recorder: HistoryRecorder,
    planned: PlannedSet,
    summary: SetSummary,
    wall: Callable[[float], datetime],
    reason: StopReason,
    motion: MotionRecorder | None = None,
) -> FinishedSet:
    """Store a set known only after the fact (an analysed video file) the way a live one is;
    ``motion``, fed the clip's frames, gives each hold's or repetition's key measure."""
    recorder.set_started(planned, wall(summary.started))
    for s in summary.segments:
        recorder.hold(
            wall(s.start), wall(s.end), motion.hold(s.start, s.end) if motion else NO_READING
        )
    previous = summary.started
    for at in summary.rep_times:
        recorder.rep(wall(at), at - previous, motion.rep(at) if motion else NO_READING)
        previous = at
    for e in summary.events:
        if e.kind == EventKind.CUE:
            recorder.correction(e.text, wall(e.t))
    ended = wall(max(summary.ended, summary.started))
    set_id = recorder.set_ended(ended, reason)
    recorder.end_session(ended)
    return FinishedSet(planned, summary, reason, set_id, ended)


def analysed_set(template_id: str, library: Library) -> PlannedSet:
    """The set a recorded clip of one exercise stands for (the template's own target; the
    side is not known)."""
    plan, _ = plan_routine(single(template_id), library)
    return replace(plan[0], side=None)


def record_analysed(
    recorder: HistoryRecorder,
    planned: PlannedSet,
    summary: SetSummary,
    now: datetime,
    motion: MotionRecorder | None = None,
) -> FinishedSet:
    """An analysed clip stored in History as a set that ended ``now``: the page's upload and
    ``poseguide analyze --save`` write it this one way."""
    return record_summary(
        recorder,
        planned,
        summary,
        lambda t: now + timedelta(seconds=t - summary.ended),
        StopReason.COMPLETED if summary.target_met else StopReason.USER_STOP,
        motion,
    )
