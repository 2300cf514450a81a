"""The camera check before the first set: it passes once the body has been judged (in or out
of form) for ``ok_s`` without a break; until then it says, now and then, what to change.

What to change goes through the coach's one cue channel (``coach.CueChannel``), so the
instruction on screen is the one spoken, under the same cooldown as a set's cues."""

from __future__ import annotations

from poseguide.core.checker import Verdict
from poseguide.live.coach import Cue, CueChannel, CueKind

SETUP_OK_S = 1.0  # the body must be judged (in or out of form) this long to pass the camera check
SETUP_SAY_EVERY_S = 6.0  # the same set-up instruction, still wanted, is said again this often


class CameraCheck:
    def __init__(self, ok_s: float = SETUP_OK_S) -> None:
        self.ok_s = ok_s
        self._seen_since: float | None = None
        # Said as soon as it is wanted: the user is still walking into view.
        self.cues = CueChannel(after_s=0.0, repeat_s=SETUP_SAY_EVERY_S)

    def reset(self) -> None:
        self._seen_since = None

    def update(self, verdict: Verdict, t: float) -> tuple[bool, str | None]:
        """(whether the check passed, words to say now)."""
        if not verdict.seen:
            self._seen_since = None
            wanted = Cue(verdict.correction or "Get into position", CueKind.CORRECTION)
            return False, self.cues.update(wanted, t)
        self.cues.update(None, t)  # seen: nothing to change
        if self._seen_since is None:
            self._seen_since = t
        return t - self._seen_since >= self.ok_s, None
