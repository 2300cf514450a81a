"""What the page plays for each event of the set engine: tones for a hold's start and its
target, words for alerts and repetitions; and which events also stay on screen. (A cue is
the coach's: ``coach.CueChannel`` says the one it shows.)"""

from __future__ import annotations

from poseguide.core.timer import Event, EventKind
from poseguide.live.state import SAY, TARGET_WORDS, TONE_START, TONE_TARGET

# Said in full (queued, not dropped behind a count) and shown for a while.
ALERTS = frozenset({EventKind.TOO_FAST, EventKind.BOUNCING, EventKind.PACE_UNKNOWN})


def sounds(e: Event, flow: bool) -> list[tuple[str, str]]:
    """(sound event kind, words) to push for ``e``; a flow has no hold to start."""
    if e.kind == EventKind.HOLD_START:
        return [] if flow else [(TONE_START, "")]
    if e.kind == EventKind.TARGET:
        return [(TONE_TARGET, ""), (SAY, TARGET_WORDS)]
    if e.kind in ALERTS or e.kind == EventKind.REP:
        return [(SAY, e.text)]
    return []
