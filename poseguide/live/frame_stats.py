"""How the stream is doing, for the page: frames the pose model looked at, their rate, the
time inside the callback, the first frame's delay after START, and whether frames stopped."""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import numpy as np

from poseguide.live.state import Snapshot

FPS_WINDOW = 30  # processed frames over which the frame rate is measured
CAMERA_LOST_S = 5.0  # no frame for this long while the camera is on: the set ends


def camera_lost(snap: Snapshot, now: float) -> bool:
    """Frames stopped arriving (camera unplugged, browser tab asleep) while not paused."""
    return (
        not snap.paused
        and snap.last_frame_at is not None
        and now - snap.last_frame_at > CAMERA_LOST_S
    )


class FrameStats:
    def __init__(self) -> None:
        self._times: deque[float] = deque(maxlen=FPS_WINDOW)
        self._latency: deque[float] = deque(maxlen=FPS_WINDOW)  # seconds inside the callback
        self._connect_at: float | None = None
        self._first_frame_at: float | None = None

    def connecting(self, at: float) -> None:
        """When the page saw the stream start (monotonic seconds), to time the first frame."""
        if self._connect_at is None:
            self._connect_at = at

    def analysed(self, now: float, seconds: float) -> None:
        """A frame the pose model looked at, received at ``now``, handled in ``seconds``."""
        self._times.append(now)
        self._latency.append(seconds)
        if self._first_frame_at is None:
            self._first_frame_at = now

    def new_set(self) -> None:
        """The frame rate of this set, not one spanning the rest."""
        self._times.clear()

    def shown(self, snapshot: Snapshot, analysed: bool) -> Snapshot:
        """``snapshot`` with the frame figures after this frame (``analysed``: the pose model
        looked at it)."""
        if analysed:
            snapshot = replace(snapshot, frames=snapshot.frames + 1)
            if len(self._times) > 1:
                span = max(self._times[-1] - self._times[0], 1e-6)
                snapshot = replace(snapshot, fps=(len(self._times) - 1) / span)
            latency = 1000 * float(np.percentile(self._latency, 95))
            snapshot = replace(snapshot, latency_ms_p95=latency)
        connect, first = self._connect_at, self._first_frame_at
        if connect is not None and first is not None and first >= connect:
            snapshot = replace(snapshot, first_frame_s=first - connect)
        return snapshot
