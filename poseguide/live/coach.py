"""What the coach says besides corrections: the next exercise during a rest, the last seconds
of a hold, and a breathing pace for flows.

The user is on the mat 2-3 m away and often face down, so the words carry what the screen
would: what comes next and how long is left. Everything here is pure and driven by frame
time, like the routine runner, so tests step it with fake timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from poseguide.core.templates import Template

COUNTDOWN_MARKS = (10, 3, 2, 1)  # seconds left at which the countdown speaks
LATE_S = 1.0  # a mark crossed longer ago than this (a hold resumed below it) is not said
BREATH_IN_S = 4.0  # the slow tempo the guides ask for: about 4 s in, 4 s out
BREATH_OUT_S = 4.0


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
