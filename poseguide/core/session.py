"""One set of one exercise: pose frames in, verdicts, timer state and events out.

This is the "player engine": no camera, no UI, no storage. The live page, ``analyze`` and
the tests feed it PoseFrames with their timestamps and read back a FrameResult per frame
and a SetSummary at the end.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from poseguide.core import checker
from poseguide.core.checker import Verdict
from poseguide.core.landmarks import PoseFrame
from poseguide.core.smoothing import OneEuro
from poseguide.core.templates import Library, Template
from poseguide.core.timer import BounceDetector, Event, EventKind, HoldTimer, RepCounter, Segment

CUE_AFTER_S = 1.0  # a correction must persist this long before it is spoken
CUE_COOLDOWN_S = 6.0  # at most one spoken cue per this many seconds
SAME_CUE_REPEAT_S = 12.0  # the same cue is not repeated sooner than this


@dataclass(frozen=True)
class FrameResult:
    t: float
    verdict: Verdict
    events: tuple[Event, ...]
    held: float
    current_hold: float
    holding: bool
    reps: int
    target_met: bool
    phase: str | None = None
    frame: PoseFrame | None = None


@dataclass
class SetSummary:
    """What a finished set amounts to: handed to the UI and the history."""

    template_id: str
    side: str | None
    target_s: float
    target_reps: int
    started: float
    ended: float
    segments: list[Segment] = field(default_factory=list)
    reps: int = 0
    rep_times: list[float] = field(default_factory=list)
    target_met: bool = False
    corrections: Counter[str] = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)

    @property
    def held(self) -> float:
        return sum(s.seconds for s in self.segments)

    @property
    def best_hold(self) -> float:
        return max((s.seconds for s in self.segments), default=0.0)

    def as_dict(self) -> dict[str, object]:
        return {
            "pose": self.template_id,
            "side": self.side,
            "target_s": self.target_s,
            "target_reps": self.target_reps,
            "started": round(self.started, 3),
            "ended": round(self.ended, 3),
            "held_s": round(self.held, 2),
            "best_hold_s": round(self.best_hold, 2),
            "segments": [[round(s.start, 2), round(s.end, 2)] for s in self.segments],
            "reps": self.reps,
            "target_met": self.target_met,
            "corrections": dict(self.corrections.most_common()),
            "events": [{"t": round(e.t, 2), "kind": e.kind, "text": e.text} for e in self.events],
        }


# How fast the judged side follows the landmarks: the vote forgets with this time constant.
# It was 0.15 a frame, tuned at 30 frames/s; counted per frame, it followed 10x slower at 3.
SIDE_VOTE_TAU_S = 0.205


class _Smoother:
    """Smoothed check values for one template.

    For a template whose side is the one that fits best (knee to chest), MediaPipe may swap
    the left and right labels of a still, side-on body from frame to frame; the best-fitting
    side keeps measuring the same (bent) leg, so such a swap must not restart the filter:
    restarting it let the raw, noisy values through and broke a perfectly still hold. Only a
    template judged on the side facing the camera restarts it when that side changes.

    ``required`` is the side a per-side set asks for: the form counts only while the
    best-fitting side has mostly been that one (a vote over the last fraction of a second),
    otherwise the cue says to switch sides.
    """

    def __init__(self, template: Template, smooth: bool, required: str | None = None):
        self.template = template
        self.filter = OneEuro() if smooth else None
        self.side: str | None = None
        self.previous: Verdict | None = None
        self.best = template.working_side == "best"
        self.required = required if self.best else None
        self.vote: float | None = None  # share of the recent time on the required side
        self._last_t: float | None = None  # the previous frame's time

    def verdict(self, frame: PoseFrame | None, t: float) -> Verdict:
        step = 0.0 if self._last_t is None else max(t - self._last_t, 0.0)
        self._last_t = t
        if frame is None:
            v = checker.check(None, self.template)
        else:
            side = checker.working_side(frame, self.template)
            values = checker.measure_checks(frame, self.template, side)
            if self.filter is not None:
                if side != self.side and not self.best:
                    self.filter.reset()
                values = self.filter(t, values)
            self.side = side
            v = checker.check(frame, self.template, self.previous, values=values, side=side)
            if self.required and v.seen:
                v = self._on_required_side(v, step)
        self.previous = v if v.seen else None
        return v

    def _on_required_side(self, v: Verdict, step: float) -> Verdict:
        """The side seen this frame weighs as much as the ``step`` seconds since the last."""
        match = 1.0 if v.side == self.required else 0.0
        keep = 0.0 if self.vote is None else math.exp(-step / SIDE_VOTE_TAU_S)
        self.vote = keep * (self.vote or 0.0) + (1.0 - keep) * match
        if self.vote >= 0.5:
            return replace(v, side=self.required)
        return replace(
            v,
            status=checker.Status.OUT_OF_RANGE,
            side=self.required,
            correction=f"This set is for your {self.required} side: switch sides",
        )


class ExerciseSet:
    """Runs one set: a hold (with optional repetitions) or a two-phase flow."""

    def __init__(
        self,
        template: Template,
        library: Library,
        smooth: bool = True,
        settle_s: float = 0.5,
        grace_s: float = 1.0,
        side: str | None = None,
    ) -> None:
        """``side``: the side a per-side set is for (None: judged from each frame)."""
        self.template = template
        target = template.target
        self.flow = template.is_flow
        names = template.phases if self.flow else (template.id,)
        self._smoothers = [_Smoother(library[n], smooth, side) for n in names]
        # A flow's timer only measures time spent in either position; its target is the reps.
        self.timer = HoldTimer(
            float("inf") if self.flow else target.hold_s,
            1 if self.flow else target.reps,
            settle_s=settle_s,
            grace_s=grace_s,
        )
        self.counter = RepCounter(target.reps, template.min_phase_s) if self.flow else None
        key = template.key_check if not self.flow else None
        self._key_index = template.checks.index(key) if key is not None else None
        self.bounce = BounceDetector()
        self.events: list[Event] = []
        self.corrections: Counter[str] = Counter()
        self._started: float | None = None
        self._t = 0.0
        self._cue: str | None = None
        self._cue_since = 0.0
        self._spoken: dict[str, float] = {}
        self._last_spoken = -np.inf
        self.side: str | None = None

    def update(
        self, frame: PoseFrame | None, t: float, unseen_hint: str | None = None
    ) -> FrameResult:
        """Advance the set with one frame (``None``: nobody seen) at time ``t`` seconds.

        ``unseen_hint`` replaces the generic "step into view" when the caller knows better
        why nobody was seen (a dark picture)."""
        if self._started is None:
            self._started = t
        self._t = max(self._t, t)
        verdicts = [s.verdict(frame, t) for s in self._smoothers]
        if frame is None and unseen_hint:
            verdicts = [replace(v, correction=unseen_hint) for v in verdicts]
        if self.counter is not None:
            in_phase = [v for v in verdicts if v.in_range]
            verdict = in_phase[0] if in_phase else min(verdicts, key=checker.misfit)
            phase = verdict.template_id if verdict.in_range else None
            events = self.counter.update(t, phase)
            events += self.timer.update(t, phase is not None)
        else:
            verdict = verdicts[0]
            phase = None
            events = self.timer.update(t, verdict.in_range)
            if self.timer.holding and self._key_index is not None and verdict.results:
                events += self.bounce.update(t, verdict.results[self._key_index].value)
            else:
                self.bounce.reset()
        if verdict.seen and self.template.target.per_side:
            self.side = verdict.side
        events += self._cue_events(t, verdict)
        self.events += events
        return FrameResult(
            t=t,
            verdict=verdict,
            events=tuple(events),
            held=self.timer.held,
            current_hold=self.timer.current_hold,
            holding=self.timer.holding,
            reps=self.reps,
            target_met=self.target_met,
            phase=phase,
            frame=frame,
        )

    @property
    def segments(self) -> list[Segment]:
        """Finished holds so far (the one in progress is not among them)."""
        return self.timer.segments

    @property
    def reps(self) -> int:
        return self.counter.reps if self.counter is not None else self.timer.reps

    @property
    def target_met(self) -> bool:
        return self.counter.target_met if self.counter is not None else self.timer.target_met

    def _cue_events(self, t: float, verdict: Verdict) -> list[Event]:
        """At most one spoken correction at a time, only once it has persisted, with cooldowns.

        Out of range it is the gate correction (the hold is stopped); in range, the refinement
        (the hold keeps counting while it is given)."""
        cue = verdict.refinement if verdict.in_range else verdict.correction
        if self.flow and verdict.status == checker.Status.OUT_OF_RANGE:
            cue = None  # between cat and cow the form is always "out": do not nag mid-move
        if cue != self._cue:
            self._cue, self._cue_since = cue, t
            return []
        if (
            cue is None
            or t - self._cue_since < CUE_AFTER_S
            or t - self._last_spoken < CUE_COOLDOWN_S
            or t - self._spoken.get(cue, -np.inf) < SAME_CUE_REPEAT_S
        ):
            return []
        self._last_spoken = self._spoken[cue] = t
        self.corrections[cue] += 1
        return [Event(EventKind.CUE, t, cue)]

    def finish(self) -> SetSummary:
        """Close the set and sum it up (the hold in progress ends at its last in-range frame)."""
        self.events += self.timer.finish()
        target = self.template.target
        return SetSummary(
            template_id=self.template.id,
            side=self.side,
            target_s=target.hold_s,
            target_reps=target.reps,
            started=self._started if self._started is not None else 0.0,
            ended=self._t,
            segments=list(self.timer.segments),
            reps=self.reps,
            rep_times=list(self.counter.rep_times) if self.counter else [],
            target_met=self.target_met,
            corrections=Counter(self.corrections),
            events=list(self.events),
        )
