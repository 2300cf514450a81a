"""The set under way written to History as it happens: each hold once it has ended, each
repetition and correction as it comes, and the set's end with why it ended; each hold with
its key measure's median and best, each flow repetition with its range (``range_of_motion``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from poseguide.core.range_of_motion import NO_READING, MotionRecorder
from poseguide.core.session import FrameResult, SetSummary
from poseguide.core.templates import Library
from poseguide.core.timer import Event, EventKind, Segment
from poseguide.history.records import StopReason
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import PlannedSet

# What is stored as a correction (PACE_UNKNOWN is said too, but too few frames is not the
# user's form to correct).
CORRECTIONS = frozenset({EventKind.CUE, EventKind.TOO_FAST, EventKind.BOUNCING})


class SetHistory:
    def __init__(
        self, recorder: HistoryRecorder, wall: Callable[[float], datetime], library: Library
    ) -> None:
        self.recorder = recorder
        self.wall = wall  # frame time to wall time
        self.library = library
        self.motion: MotionRecorder | None = None
        self._committed = 0
        self._start = 0.0
        self._last_rep = 0.0

    def started(self, planned: PlannedSet, t: float) -> None:
        self._committed = 0
        self._start = self._last_rep = t
        self.motion = MotionRecorder(planned.template, self.library)
        self.recorder.set_started(planned, self.wall(t))

    def frame(self, result: FrameResult) -> None:
        """Every judged frame of the set, before its events: the key measure's samples."""
        if self.motion is not None:
            self.motion.update(result)

    def event(self, e: Event, flow: bool, current_hold: float) -> None:
        """A correction or a repetition (a flow's lasts since the one before; a hold's is
        the hold under way)."""
        if e.kind in CORRECTIONS:
            self.recorder.correction(e.text, self.wall(e.t))
        elif e.kind == EventKind.REP:
            duration = e.t - self._last_rep if flow else current_hold
            self._last_rep = e.t
            reading = self.motion.rep(e.t) if flow and self.motion else NO_READING
            self.recorder.rep(self.wall(e.t), duration, reading)

    def holds(self, segments: Sequence[Segment]) -> None:
        """Store each hold once it has ended."""
        for s in segments[self._committed :]:
            reading = self.motion.hold(s.start, s.end) if self.motion else NO_READING
            self.recorder.hold(self.wall(s.start), self.wall(s.end), reading)
        self._committed = max(self._committed, len(segments))

    def ended(self, planned: PlannedSet, summary: SetSummary, reason: StopReason) -> FinishedSet:
        self.holds(summary.segments)
        ended = self.wall(max(summary.ended, self._start))
        set_id = self.recorder.set_ended(ended, reason)
        return FinishedSet(planned, summary, reason, set_id, ended)
