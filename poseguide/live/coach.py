"""What the coach says: the one cue channel (the correction on screen is the one spoken), the
next exercise during a rest, the last seconds of a hold, and a breathing pace for flows.

The user is on the mat 2-3 m away and often face down, so the words carry what the screen
would: what comes next and how long is left. Everything here is pure and driven by frame
time, like the routine runner, so tests step it with fake timestamps.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from poseguide.core.templates import Template
from poseguide.core.textenum import TextEnum

COUNTDOWN_MARKS = (10, 3, 2, 1)  # seconds left at which the countdown speaks
LATE_S = 1.0  # a mark crossed longer ago than this (a hold resumed below it) is not said
BREATH_IN_S = 4.0  # the slow tempo the guides ask for: about 4 s in, 4 s out
BREATH_OUT_S = 4.0
CUE_AFTER_S = 1.0  # a hold's correction is shown and said once it has lasted this long
# A flow passes through "out of form" between cat and cow at every move: only a correction
# that lasts longer than a move is about the form.
FLOW_CUE_AFTER_S = 2.0
CUE_COOLDOWN_S = 6.0  # at most one new spoken cue per this many seconds
SAME_CUE_REPEAT_S = 12.0  # a cue still wanted is said again after this long


def _seconds(value: float) -> str:
    n = f"{value:g}"
    return f"{n} second" if n == "1" else f"{n} seconds"


def target_words(template: Template) -> str:
    """The set's target as it is spoken: 'hold 20 seconds', '10 holds of 5 seconds'."""
    target = template.target
    if template.is_flow:
        return f"{target.reps} repetitions"
    if target.reps > 1:
        return f"{target.reps} holds of {_seconds(target.hold_s)}"
    return f"hold {_seconds(target.hold_s)}"


def next_words(template: Template, side: str | None) -> str:
    """'Next: knee to chest, left side, hold 20 seconds' (said once, as the rest begins)."""
    name = template.name[:1].lower() + template.name[1:]
    on_side = f", {side} side" if side else ""
    return f"Next: {name}{on_side}, {target_words(template)}"


def how_to_line(how_to: str) -> str:
    """The first sentence of a template's how-to: the one line shown during a rest."""
    text = " ".join(how_to.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


@dataclass
class Countdown:
    """'10 seconds left' and '3', '2', '1' as the end of a hold nears, each said once.

    Only for time targets (a single hold): in repetition sets the count of repetitions is
    spoken instead, and numbers from both would be confusing. A hold that breaks and restarts
    further from the end re-arms the marks above the time now left.
    """

    enabled: bool = True
    marks: tuple[int, ...] = COUNTDOWN_MARKS
    said: set[int] = field(default_factory=set)

    def reset(self) -> None:
        self.said.clear()

    def update(self, left: float | None, target_s: float) -> list[str]:
        """Words to say for ``left`` seconds to go (None while not holding)."""
        if not self.enabled or left is None:
            return []
        self.said -= {m for m in self.said if left > m + LATE_S}  # the hold went back
        out = []
        for mark in self.marks:
            if mark in self.said or mark >= target_s or left > mark:
                continue
            self.said.add(mark)
            if mark - left <= LATE_S:
                out.append(f"{mark} seconds left" if mark >= 5 else str(mark))
        return out


@dataclass
class BreathPace:
    """A slow breathing pace for a flow: breathe in to the second phase (cow), out to the
    first (cat). ``update`` gives the words at each change; ``phase`` feeds the visual."""

    into: str  # the position breathed into (cow)
    out_to: str  # the position breathed out to (cat)
    in_s: float = BREATH_IN_S
    out_s: float = BREATH_OUT_S
    start: float | None = None
    _last: str | None = None

    def phase(self, t: float) -> tuple[str, float]:
        """('in' | 'out', fraction of that half done) at time ``t``."""
        if self.start is None:
            self.start = t
        into_cycle = (t - self.start) % (self.in_s + self.out_s)
        if into_cycle < self.in_s:
            return "in", into_cycle / self.in_s
        return "out", (into_cycle - self.in_s) / self.out_s

    def update(self, t: float) -> str | None:
        """'Breathe in, cow' or 'Breathe out, cat' when the half changes, else None."""
        half, _ = self.phase(t)
        if half == self._last:
            return None
        self._last = half
        return f"Breathe in, {self.into}" if half == "in" else f"Breathe out, {self.out_to}"

    def reset(self) -> None:
        self.start = None
        self._last = None


class CueKind(TextEnum):
    """A correction stops the timer (amber); a refinement is said while the hold counts."""

    CORRECTION = "correction"
    REFINEMENT = "refinement"


@dataclass(frozen=True)
class Cue:
    text: str
    kind: CueKind


@dataclass
class CueChannel:
    """The one record of the cue: what the screen shows is what was said, in holds and
    flows alike. A wanted cue is shown and said together once it has lasted ``CUE_AFTER_S``
    (a flow: ``FLOW_CUE_AFTER_S``) and no other cue was said in the last ``CUE_COOLDOWN_S``.
    Until then the screen keeps the cue said last while the form is still out (a
    correction stays a correction) and shows none once the form is right; a cue heard in
    the last ``repeat_s`` comes back on screen without being said again. ``after_s`` and
    ``repeat_s`` are for the camera check, whose words are said at once and repeated sooner
    (a set's defaults by ``flow``)."""

    flow: bool = False
    after_s: float | None = None  # None: CUE_AFTER_S (a flow: FLOW_CUE_AFTER_S)
    repeat_s: float = SAME_CUE_REPEAT_S
    shown: Cue | None = None
    said: Counter[str] = field(default_factory=Counter)  # what was said, how often
    _wanted: Cue | None = None
    _since: float = 0.0
    _last_said: float = -math.inf
    _said_at: dict[str, float] = field(default_factory=dict)

    def update(self, wanted: Cue | None, t: float) -> str | None:
        """The words to say now (or None); afterwards :attr:`shown` is the cue on screen."""
        if wanted != self._wanted:
            self._wanted, self._since = wanted, t
        if wanted is None:
            self.shown = None
            return None
        heard = t - self._said_at.get(wanted.text, -math.inf)
        if wanted == self.shown:
            if heard >= self.repeat_s and t - self._last_said >= CUE_COOLDOWN_S:
                return self._say(wanted, t)
            return None
        if heard < self.repeat_s:
            self.shown = wanted  # just heard: back on screen, not said twice
            return None
        after = self.after_s
        if after is None:
            after = FLOW_CUE_AFTER_S if self.flow else CUE_AFTER_S
        lasted = t - self._since >= after
        if lasted and t - self._last_said >= CUE_COOLDOWN_S:
            return self._say(wanted, t)
        if self.shown is not None and self.shown.kind != wanted.kind:
            self.shown = None  # the form changed side (in / out): the old cue is not true
        return None

    def _say(self, cue: Cue, t: float) -> str:
        self.shown = cue
        self._last_said = self._said_at[cue.text] = t
        self.said[cue.text] += 1
        return cue.text
