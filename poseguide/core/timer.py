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


class EventKind(TextEnum):
    """What an event reports; the values are what ``analyze --json`` and History show."""

    HOLD_START = "hold_start"
    PAUSED = "paused"
    TARGET = "target_reached"
    REP = "rep"
    TOO_FAST = "too_fast"
    PACE_UNKNOWN = "pace_unknown"  # too few frames to judge a repetition's pace
    BOUNCING = "bouncing"
    CUE = "cue"


TOO_FAST_WORDS = "Too fast: slow down, a rushed repetition does not count"
PACE_UNKNOWN_WORDS = (
    "Too few camera frames to judge your pace: a repetition that cannot be timed does not count"
)


@dataclass(frozen=True)
class Event:
    kind: EventKind
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
    * gap: frames further apart than ``max_gap_s`` (stalled camera, a jump in time) end the
      hold at the last frame before the gap. By default that is the grace: an unseen stretch
      shorter than it could only hide a dip the grace would bridge, and a slow laptop's
      frames are often 0.8 s apart (0.75 s split a held child's pose at 3.6 frames/s).
    * target: with ``reps == 1`` the target is total held time this set; with ``reps > 1``
      each hold of at least ``target_s`` is one repetition and the target is ``reps`` of them.
    """

    def __init__(
        self,
        target_s: float,
        reps: int = 1,
        settle_s: float = 0.5,
        grace_s: float = 1.0,
        max_gap_s: float | None = None,
    ) -> None:
        self.target_s = target_s
        self.target_reps = reps
        self.settle_s = settle_s
        self.grace_s = grace_s
        self.max_gap_s = grace_s if max_gap_s is None else max_gap_s
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
                    events.append(Event(EventKind.HOLD_START, t))
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
        return [Event(EventKind.PAUSED, end)]

    def _progress(self, t: float) -> list[Event]:
        events: list[Event] = []
        if self.target_reps > 1:
            if not self._rep_counted and self.current_hold >= self.target_s:
                self._rep_counted = True
                self.reps += 1
                events.append(Event(EventKind.REP, t, f"{self.reps}"))
            done = self.reps >= self.target_reps
        else:
            done = self.held >= self.target_s
        if done and not self.target_met:
            self.target_met = True
            events.append(Event(EventKind.TARGET, t))
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

    Frames tell when a position began only to within a frame, so a repetition counts only if
    it was slow enough by the shortest time the frames allow; "too fast" is said only when it
    was too fast by the longest, and in between a ``PACE_UNKNOWN`` event says the pace could
    not be judged (``unjudged`` counts those). So too when, while a position may still be rushed,
    the other one shows too briefly to be entered but perhaps long enough (at 3.6 frames/s a
    rushed 0.6 s cow shows on two frames 0.28 s apart; taking it for a flicker merged quick
    cats into slow ones, which were counted).
    """

    def __init__(
        self,
        target: int,
        min_phase_s: float,
        confirm_s: float = 0.3,
        gap_s: float = 1.0,
        break_s: float = 5.0,
        notice_s: float = 8.0,
    ) -> None:
        self.target = target
        self.min_phase_s = min_phase_s
        self.confirm_s = confirm_s
        self.gap_s = gap_s
        self.break_s = break_s
        self.notice_s = notice_s  # EventKind.PACE_UNKNOWN is said at most this often
        self.reps = 0
        self.entries = 0
        self.phase: str | None = None
        self.rep_times: list[float] = []
        self.target_met = False
        self.rushed = 0
        self.unjudged = 0
        self._rushing = False  # a position of the repetition under way was rushed
        self._unsure = False  # the repetition under way cannot be shown slow enough
        self._open = False  # a repetition is under way: its first position was entered
        self._phase_t = 0.0
        self._phase_from = 0.0  # the frame before the phase's entry: it began after this
        self._seen_t = 0.0  # when the current phase was last seen
        self._away_from: float | None = None  # the first frame since then not showing it
        self._left_from: float | None = None  # the frame before the other phase first showed
        self._glimpsed = False  # since then, the other phase showed perhaps long enough
        self._candidate: str | None = None
        self._candidate_t = 0.0
        self._candidate_from = 0.0  # the frame before the candidate's first frame
        self._last_t: float | None = None
        self._noticed = -np.inf

    def update(self, t: float, phase: str | None) -> list[Event]:
        if self._last_t is not None and t <= self._last_t:
            return []
        previous = t if self._last_t is None else self._last_t
        self._last_t = t
        events: list[Event] = []
        if phase is not None and phase == self.phase:
            events += self._glimpse_over(t, previous)
            if self._glimpsed:  # the other position may have come and gone
                events += self._doubt(t)
            events += self._back(t, previous)
            self._glimpsed, self._left_from, self._away_from = False, None, None
            self._seen_t = t
            return events
        if self._away_from is None:
            self._away_from = t
        if phase != self._candidate:
            events += self._glimpse_over(t, previous)
        if phase is None:
            return events
        if phase != self._candidate:
            self._candidate, self._candidate_t, self._candidate_from = phase, t, previous
            if self._left_from is None:
                self._left_from = previous
        if t - self._candidate_t < self.confirm_s:
            return events
        return events + self._enter(t)

    def _back(self, t: float, previous: float) -> list[Event]:
        """The phase shows again at ``t`` after more than ``gap_s`` unseen, having been held
        under ``min_phase_s``: the other position may have been missed. It surely was left too
        soon if frames showed it away that long and held that briefly; if the frames were
        too few to tell, the pace is unknown."""
        if not self._short or t - self._seen_t <= self.gap_s:
            return []
        away_from = t if self._away_from is None else self._away_from
        if previous - away_from > self.gap_s and away_from - self._phase_from < self.min_phase_s:
            self._phase_t, self._phase_from, self._rushing = t, previous, True  # a new visit
            return [Event(EventKind.TOO_FAST, t, TOO_FAST_WORDS)]
        return self._doubt(t)

    def _glimpse_over(self, t: float, previous: float) -> list[Event]:
        """The other phase, shown from ``_candidate_t`` to ``previous``, is gone at ``t``
        without being entered, having lasted under ``t - _candidate_from``. If that could
        reach ``confirm_s`` it may have been a visit: a doubt while the position under way may
        still be rushed, else a notice if it is the frames (``confirm_s`` unseen around it)
        that cannot tell. If it could not, the position was not left then."""
        if self._candidate is None:
            return []
        events: list[Event] = []
        longest = t - self._candidate_from
        if longest >= self.confirm_s:
            if self._short:
                self._glimpsed = True
            elif longest - (previous - self._candidate_t) >= self.confirm_s:
                events = self._notice(t)
        elif not self._glimpsed:
            self._left_from = None
        self._candidate = None
        return events

    @property
    def _short(self) -> bool:
        """Whether the current phase may have been held shorter than ``min_phase_s`` so far.
        Only then can a visit to the other position, unseen, change what is counted: after
        a long enough hold, that visit would end a slow repetition and rush the next one."""
        return self.phase is not None and self._seen_t - self._phase_t < self.min_phase_s

    def _doubt(self, t: float) -> list[Event]:
        """The repetition under way cannot be shown slow enough, so it will not count."""
        self._unsure = True
        return self._notice(t)

    def _notice(self, t: float) -> list[Event]:
        """Say the pace cannot be judged (at most every ``notice_s``)."""
        if t - self._noticed < self.notice_s:
            return []
        self._noticed = t
        return [Event(EventKind.PACE_UNKNOWN, t, PACE_UNKNOWN_WORDS)]

    def _enter(self, t: float) -> list[Event]:
        """The candidate has been seen for ``confirm_s``: it is entered, dated from its first
        frame; the phase it ends lasted under ``entered - _phase_from`` and over
        ``_left_from - _phase_t``."""
        events: list[Event] = []
        entered = self._candidate_t
        if self.phase is not None and entered - self._seen_t > self.break_s:
            self._open = self._rushing = self._unsure = False  # a break: start afresh
        elif self.phase is not None:
            left = entered if self._left_from is None else self._left_from
            if entered - self._phase_from < self.min_phase_s:
                events.append(Event(EventKind.TOO_FAST, t, TOO_FAST_WORDS))
                self._rushing = True
            elif left - self._phase_t < self.min_phase_s:
                events += self._doubt(t)
        self.phase, self._phase_t, self._phase_from = self._candidate, entered, self._candidate_from
        self._candidate, self._seen_t = None, t
        self._left_from, self._glimpsed, self._away_from = None, False, None
        self.entries += 1
        if not self._open:
            self._open = True
            return events
        self._open = False
        rushed, unsure = self._rushing, self._unsure
        self._rushing = self._unsure = False
        if rushed:
            self.rushed += 1
            return events
        if unsure:
            self.unjudged += 1
            return events
        self.reps += 1
        self.rep_times.append(entered)
        events.append(Event(EventKind.REP, t, f"{self.reps}"))
        if self.reps >= self.target and not self.target_met:
            self.target_met = True
            events.append(Event(EventKind.TARGET, t))
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
        return [Event(EventKind.BOUNCING, t, "Hold still and breathe: do not bounce")]

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
