"""The hold timer, rep counter and bounce detector: pure state machines driven by frame times.

Nothing here reads a clock or counts frames: every update carries the frame's timestamp
in seconds, so the same code times a live webcam, a video file and a unit test identically.
Time is only ever added between two observed in-range frames, so a stalled camera, a jump
backwards or a dip out of form never adds time that was not held.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from poseguide.core.textenum import TextEnum

# Event kinds.
HOLD_START = "hold_start"
PAUSED = "paused"
TARGET = "target_reached"
REP = "rep"
TOO_FAST = "too_fast"
BOUNCING = "bouncing"
CUE = "cue"


TOO_FAST_WORDS = "Too fast: slow down, a rushed repetition does not count"


@dataclass(frozen=True)
class Event:
    kind: str
    t: float
    text: str = ""


@dataclass(frozen=True)
class Segment:
    """One continuous hold (brief dips within the grace time included)."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


class HoldState(TextEnum):
    """Waiting for the pose, settling into it, holding, or in the grace of a short dip."""

    WAITING = "waiting"
    SETTLING = "settling"
    HOLDING = "holding"
    GRACE = "grace"


class HoldTimer:
    """Counts held time only while the form is in range.

    * settle: the form must stay in range ``settle_s`` before a hold starts; the hold is then
      dated from when the form entered the range (it was held), so totals stay exact.
    * grace: a dip out of range shorter than ``grace_s`` does not break the hold; a longer one
      ends it at the last in-range frame, so the dip itself is never counted.
    * gap: frames further apart than ``max_gap_s`` (stalled camera, dropped frames, a jump in
      time) end the hold at the last frame before the gap.
    * target: with ``reps == 1`` the target is total held time this set; with ``reps > 1``
      each hold of at least ``target_s`` is one repetition and the target is ``reps`` of them.
    """

    def __init__(
        self,
        target_s: float,
        reps: int = 1,
        settle_s: float = 0.5,
        grace_s: float = 1.0,
        max_gap_s: float = 0.75,
    ) -> None:
        self.target_s = target_s
        self.target_reps = reps
        self.settle_s = settle_s
        self.grace_s = grace_s
        self.max_gap_s = max_gap_s
        self.state = HoldState.WAITING
        self.segments: list[Segment] = []
        self.reps = 0
        self.target_met = False
        self._last_t: float | None = None
        self._enter_t = 0.0
        self._last_ok_t = 0.0
        self._rep_counted = False

    @property
    def holding(self) -> bool:
        return self.state in (HoldState.HOLDING, HoldState.GRACE)

    @property
    def current_hold(self) -> float:
        """Seconds of the hold in progress, up to its last in-range frame."""
        return self._last_ok_t - self._enter_t if self.holding else 0.0

    @property
    def held(self) -> float:
        """Seconds held this set, the hold in progress included."""
        return sum(s.seconds for s in self.segments) + self.current_hold

    @property
    def best_hold(self) -> float:
        return max([s.seconds for s in self.segments] + [self.current_hold])

    def update(self, t: float, in_range: bool) -> list[Event]:
        """Advance to frame time ``t``; ``in_range`` is False also when nobody is seen."""
        if self._last_t is not None and t <= self._last_t:
            return []  # time went backwards or repeated: this frame adds nothing
        events: list[Event] = []
        if self._last_t is not None and t - self._last_t > self.max_gap_s:
            if self.holding:
                events += self._close(self._last_ok_t)
            self.state = HoldState.WAITING
        self._last_t = t
        if self.state == HoldState.WAITING:
            if in_range:
                self.state, self._enter_t, self._last_ok_t = HoldState.SETTLING, t, t
        elif self.state == HoldState.SETTLING:
            if not in_range:
                self.state = HoldState.WAITING
            else:
                self._last_ok_t = t
                if t - self._enter_t >= self.settle_s:
                    self.state = HoldState.HOLDING
                    self._rep_counted = False
                    events.append(Event(HOLD_START, t))
        elif in_range:  # holding or grace
            self.state, self._last_ok_t = HoldState.HOLDING, t
        elif self.state == HoldState.HOLDING:
            self.state = HoldState.GRACE
        elif t - self._last_ok_t > self.grace_s:
            events += self._close(self._last_ok_t)
        if self.holding:
            events += self._progress(t)
        return events

    def finish(self) -> list[Event]:
        """End the set: close the hold in progress at its last in-range frame."""
        events = self._close(self._last_ok_t) if self.holding else []
        self.state = HoldState.WAITING
        return events

    def _close(self, end: float) -> list[Event]:
        self.segments.append(Segment(self._enter_t, end))
        self.state = HoldState.WAITING
        return [Event(PAUSED, end)]

    def _progress(self, t: float) -> list[Event]:
        events: list[Event] = []
        if self.target_reps > 1:
            if not self._rep_counted and self.current_hold >= self.target_s:
                self._rep_counted = True
                self.reps += 1
                events.append(Event(REP, t, f"{self.reps}"))
            done = self.reps >= self.target_reps
        else:
            done = self.held >= self.target_s
        if done and not self.target_met:
            self.target_met = True
            events.append(Event(TARGET, t))
        return events


class RepCounter:
    """Counts repetitions of a two-phase flow such as cat-cow.

    A phase counts as entered after it has been seen for ``confirm_s``. Every second phase
    entry completes a repetition (cat then cow, or cow then cat). Leaving a phase sooner than
    ``min_phase_s`` after entering it is flagged: the guides ask for slow movement, so a
    repetition with a rushed position is not counted (``rushed`` counts those), and a
    rushed set cannot show more repetitions than a slow one. At a low frame rate the other
    position may be missed altogether (cat, unseen cow, cat): a phase seen again after more
    than ``gap_s`` away, having been held shorter than ``min_phase_s``, was left too soon.
    More than ``break_s`` in neither position (lying down, walking away) ends the repetition
    under way: a quick cow, a rest, then a cat is not one slow repetition.
    """

    def __init__(
        self,
        target: int,
        min_phase_s: float,
        confirm_s: float = 0.3,
        gap_s: float = 1.0,
        break_s: float = 5.0,
    ) -> None:
        self.target = target
        self.min_phase_s = min_phase_s
        self.confirm_s = confirm_s
        self.gap_s = gap_s
        self.break_s = break_s
        self.reps = 0
        self.entries = 0
        self.phase: str | None = None
        self.rep_times: list[float] = []
        self.target_met = False
        self.rushed = 0
        self._rushing = False  # a position of the repetition under way was rushed
        self._open = False  # a repetition is under way: its first position was entered
        self._phase_t = 0.0
        self._seen_t = 0.0  # when the current phase was last seen
        self._candidate: str | None = None
        self._candidate_t = 0.0
        self._last_t: float | None = None

    def update(self, t: float, phase: str | None) -> list[Event]:
        if self._last_t is not None and t <= self._last_t:
            return []
        self._last_t = t
        if phase is not None and phase == self.phase:
            self._candidate = None
            away, held = t - self._seen_t, self._seen_t - self._phase_t
            self._seen_t = t
            if away > self.gap_s and held < self.min_phase_s:
                self._phase_t, self._rushing = t, True  # back again: count this visit anew
                return [Event(TOO_FAST, t, TOO_FAST_WORDS)]
            return []
        if phase is None:
            self._candidate = None
            return []
        if phase != self._candidate:
            self._candidate, self._candidate_t = phase, t
        if t - self._candidate_t < self.confirm_s:
            return []
        events: list[Event] = []
        entered = self._candidate_t
        if self.phase is not None and entered - self._seen_t > self.break_s:
            self._open = self._rushing = False  # a break: this position starts afresh
        elif self.phase is not None and entered - self._phase_t < self.min_phase_s:
            events.append(Event(TOO_FAST, t, TOO_FAST_WORDS))
            self._rushing = True
        self.phase, self._phase_t, self._candidate = phase, entered, None
        self._seen_t = t
        self.entries += 1
        if not self._open:
            self._open = True
            return events
        self._open = False
        rushed, self._rushing = self._rushing, False
        if rushed:
            self.rushed += 1
            return events
        self.reps += 1
        self.rep_times.append(entered)
        events.append(Event(REP, t, f"{self.reps}"))
        if self.reps >= self.target and not self.target_met:
            self.target_met = True
            events.append(Event(TARGET, t))
        return events


class BounceDetector:
    """Flags rapid oscillation of the key angle during a hold (the guides say never bounce).

    Counts direction reversals larger than ``amplitude`` degrees within ``window_s``; more than
    ``reversals`` of them means bouncing. Memory is bounded by the window.
    """

    def __init__(
        self,
        amplitude: float = 4.0,
        window_s: float = 3.0,
        reversals: int = 4,
        cooldown_s: float = 8.0,
    ) -> None:
        self.amplitude = amplitude
        self.window_s = window_s
        self.reversals = reversals
        self.cooldown_s = cooldown_s
        self._samples: deque[tuple[float, float]] = deque()
        self._last_flag = -np.inf

    def reset(self) -> None:
        self._samples.clear()

    def update(self, t: float, value: float) -> list[Event]:
        if np.isnan(value) or (self._samples and t <= self._samples[-1][0]):
            return []
        self._samples.append((t, value))
        while self._samples and t - self._samples[0][0] > self.window_s:
            self._samples.popleft()
        if t - self._last_flag < self.cooldown_s or self._count() < self.reversals:
            return []
        self._last_flag = t
        return [Event(BOUNCING, t, "Hold still and breathe: do not bounce")]

    def _count(self) -> int:
        """Reversals of direction whose swing exceeds the amplitude (a zig-zag count)."""
        values = [v for _, v in self._samples]
        hi = lo = values[0]
        direction, count = 0, 0
        for v in values[1:]:
            if direction == 0:
                hi, lo = max(hi, v), min(lo, v)
                if hi - v >= self.amplitude:
                    direction, lo = -1, v
                elif v - lo >= self.amplitude:
                    direction, hi = 1, v
            elif direction == 1:
                if v > hi:
                    hi = v
                elif hi - v >= self.amplitude:
                    direction, lo, count = -1, v, count + 1
            elif v < lo:
                lo = v
            elif v - lo >= self.amplitude:
                direction, hi, count = 1, v, count + 1
        return count
