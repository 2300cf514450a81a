"""The hands-up gesture in a session: it pauses the routine, or resumes it when paused.

Where a set is judged the gesture is read from the set's own frame; where none is (paused,
resting) the detector alone looks for it, so the person on the mat can always resume.
"""

from __future__ import annotations

import numpy as np

from poseguide.core.gesture import HandsUpGesture
from poseguide.core.landmarks import PoseFrame
from poseguide.live.routine import RoutineRunner
from poseguide.vision.detector import PoseDetector


class PauseGesture:
    def __init__(self, runner: RoutineRunner, *, enabled: bool = True) -> None:
        self.runner = runner
        self.gesture = HandsUpGesture() if enabled else None

    def seen(self, frame: PoseFrame | None, t: float) -> list[str] | None:
        """What to announce when ``frame`` completes the gesture (the pause or the resume it
        caused), else None."""
        if self.gesture is None or not self.gesture.update(frame, t):
            return None
        runner = self.runner
        return runner.resume(t) if runner.paused else runner.pause(t)

    def look(self, detector: PoseDetector, bgr: np.ndarray, t: float) -> list[str] | None:
        """As :meth:`seen`, with ``detector`` reading the frame (no set is judging it)."""
        if self.gesture is None:
            return None
        return self.seen(detector.detect_bgr(bgr, t), t)
