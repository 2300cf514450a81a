"""The coach during a set: the cue on screen and in the voice, the countdown at the end of a
time target and the breathing pace of a flow (``coach`` holds the pieces; this puts them on
the set under way)."""

from __future__ import annotations

from poseguide.core.session import FrameResult
from poseguide.core.templates import Library
from poseguide.live.coach import BreathPace, Countdown, Cue, CueChannel, CueKind
from poseguide.live.routine import PlannedSet
from poseguide.live.state import (
    SAY,
    SAY_CORRECTION,
    SAY_CUE,
    TONE_BREATH_IN,
    TONE_BREATH_OUT,
    Breath,
)

BREATHS_SPOKEN = 2  # the breathing pace says its words this often, then keeps to tones


def wanted_cue(result: FrameResult, looks: str | None) -> Cue | None:
    """The cue this frame asks for: out of form the correction (or, when the person seems to
    be doing another pose, what they look like doing), in form the refinement, if any."""
    verdict = result.verdict
    if verdict.in_range:
        return Cue(verdict.refinement, CueKind.REFINEMENT) if verdict.refinement else None
    text = looks or verdict.correction
    return Cue(text, CueKind.CORRECTION) if text else None


class SetCoach:
    """The cue, the countdown at the end of a time target and the breathing pace of a flow,
    for the set under way: ``update`` gives the sound events to play; ``cues.shown`` and
    ``breath`` what the page shows."""

    def __init__(self, library: Library, *, countdown: bool, breathing: bool) -> None:
        self.library = library
        self.countdown = Countdown(enabled=countdown)
        self.breathing = breathing
        self._planned: PlannedSet | None = None
        self._breath: BreathPace | None = None
        self._breaths_said = 0
        self.cues = CueChannel()
        self.cue_said: str | None = None  # the cue said at the last update (a correction to keep)

    def new_set(self, planned: PlannedSet) -> None:
        self._planned = planned
        self.cues = CueChannel(flow=planned.flow)
        self.countdown.reset()
        self._breath = None
        if planned.flow and self.breathing:
            cow, cat = (self.library[p].name.lower() for p in planned.template.phases[::-1])
            self._breath = BreathPace(into=cow, out_to=cat)
            self._breaths_said = 0

    def update(
        self, result: FrameResult, t: float, looks: str | None = None
    ) -> list[tuple[str, str]]:
        """(event kind, words) to push for this frame of the set: the cue first (queued, so
        the voice says what the screen shows), then the countdown or the breathing pace."""
        planned = self._planned
        if planned is None:
            return []
        said = self.cue_said = self.cues.update(wanted_cue(result, looks), t)
        return ([(SAY_CORRECTION, said)] if said else []) + self._pace(result, t)

    def _pace(self, result: FrameResult, t: float) -> list[tuple[str, str]]:
        planned = self._planned
        assert planned is not None
        target = planned.template.target
        if planned.flow:
            if self._breath is None:
                return []
            words = self._breath.update(t)
            if not words:
                return []
            out = [(TONE_BREATH_IN if words.startswith("Breathe in") else TONE_BREATH_OUT, "")]
            if self._breaths_said < BREATHS_SPOKEN:  # words at first, then tones only
                self._breaths_said += 1
                out.append((SAY_CUE, words))
            return out
        if target.reps <= 1 and not result.target_met:
            left = target.hold_s - result.held if result.holding else None
            return [(SAY, text) for text in self.countdown.update(left, target.hold_s) if text]
        return []

    def breath(self, t: float) -> Breath | None:
        """The breathing pace now, while a flow's pace plays."""
        if self._breath is None:
            return None
        half, done = self._breath.phase(t)
        return Breath(inhaling=half == "in", done=done)
