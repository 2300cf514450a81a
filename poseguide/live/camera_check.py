"""The camera check before the first set: it passes once the body has been judged (in or out
of form) for ``ok_s`` without a break; until then it says, now and then, what to change."""

from __future__ import annotations

from poseguide.core.checker import Verdict

SETUP_OK_S = 1.0  # the body must be judged (in or out of form) this long to pass the camera check
SETUP_SAY_EVERY_S = 6.0  # repeat a camera set-up instruction at most this often


class CameraCheck:
    def __init__(self, ok_s: float = SETUP_OK_S) -> None:
        self.ok_s = ok_s
        self._seen_since: float | None = None
        self._said: tuple[str, float] | None = None

    def reset(self) -> None:
        self._seen_since = None

    def update(self, verdict: Verdict, t: float) -> tuple[bool, str | None]:
        """(whether the check passed, words to say now)."""
        if not verdict.seen:
            self._seen_since = None
            if self._said is None or t - self._said[1] >= SETUP_SAY_EVERY_S:
                message = verdict.correction or "Get into position"
                self._said = (message, t)
                return False, message
            return False, None
        if self._seen_since is None:
            self._seen_since = t
        return t - self._seen_since >= self.ok_s, None
