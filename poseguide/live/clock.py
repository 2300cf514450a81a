"""Stream timestamps made monotonic and mapped to wall-clock time for the history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

RESTART_GAP_S = 1.0  # time inserted when a stream restarts, so a hold cannot span the restart
RESTART_TOLERANCE_S = 2.0  # stream time vs real time disagreement that means a new stream


class FrameClock:
    """Stream timestamps made monotonic, and mapped to wall-clock time for the history.

    A new stream (Stop, then Start) starts its timestamps somewhere else: when the stream's
    time and the real time between two frames disagree by more than ``RESTART_TOLERANCE_S``,
    the frames are shifted to continue after the last one plus at least ``RESTART_GAP_S``, so
    the hold timer ends any hold there, and the wall-clock anchor is taken again.
    """

    def __init__(self) -> None:
        self.last: float | None = None
        self._raw = 0.0
        self._mono = 0.0
        self._offset = 0.0
        self._anchor: tuple[float, datetime] | None = None

    def normalize(self, raw: float, mono: float, wall_now: datetime | None = None) -> float | None:
        """Frame time in seconds, or None for a frame that is not newer than the last one.

        ``mono`` is the monotonic time the frame arrived; ``wall_now`` its wall-clock time."""
        if self.last is not None:
            elapsed = mono - self._mono
            jump = raw - self._raw
            if abs(jump - elapsed) > RESTART_TOLERANCE_S:
                self._offset = self.last + max(elapsed, RESTART_GAP_S) - raw
                self._anchor = None
            elif jump <= 0:
                return None
        self._raw, self._mono = raw, mono
        t = raw + self._offset
        if self._anchor is None:
            self._anchor = (t, wall_now or datetime.now(timezone.utc))
        self.last = t
        return t

    def wall(self, t: float) -> datetime:
        """The wall-clock time of frame time ``t``."""
        if self._anchor is None:
            return datetime.now(timezone.utc)
        t0, wall0 = self._anchor
        return wall0 + timedelta(seconds=t - t0)
