"""Is someone else in the picture? MediaPipe Pose follows one person, so a second one would
otherwise go unnoticed (its landmarks are never mixed in, but the timer would run).

The person already found is covered with the picture's mean colour and the detector is run
again in photo mode; a second, confidently seen body means two people. On the real photos
(283 single-person pictures) no second person scored above the threshold, while two standing
people side by side scored 0.96; people lying down are rarely found this way. In video it
runs every ``every_s`` seconds, so its ~40 ms is spread thin.
"""

from __future__ import annotations

import cv2
import numpy as np

from poseguide.core.landmarks import PoseFrame
from poseguide.vision.detector import BODY, PoseDetector

SECOND_PERSON_VISIBILITY = 0.8  # mean body visibility of the second detection to believe it
MARGIN = 0.15  # of the first person's box, added on each side before covering it


def cover(rgb: np.ndarray, frame: PoseFrame) -> np.ndarray:
    """A copy of ``rgb`` with the found person's box filled with the picture's mean colour."""
    h, w = rgb.shape[:2]
    px = frame.image * np.array([w, h])
    (x0, y0), (x1, y1) = px.min(axis=0), px.max(axis=0)
    mx, my = MARGIN * (x1 - x0) + 0.05 * w, MARGIN * (y1 - y0) + 0.05 * h
    a0, b0 = int(max(0, x0 - mx)), int(max(0, y0 - my))
    a1, b1 = int(min(w, x1 + mx)), int(min(h, y1 + my))
    out: np.ndarray = rgb.copy()
    out[b0:b1, a0:a1] = rgb[::8, ::8].reshape(-1, 3).mean(axis=0).astype(np.uint8)
    return out


class CrowdWatch:
    """Remembers, between checks, whether a second person was seen."""

    def __init__(self, every_s: float = 2.0) -> None:
        self.every_s = every_s
        self._detector: PoseDetector | None = None
        self._last_t = -np.inf
        self.people = 1

    def people_in(self, image: np.ndarray, frame: PoseFrame, t: float, bgr: bool = True) -> int:
        """1 or 2 in this frame; re-checked at most every ``every_s`` s of frame time."""
        if t - self._last_t < self.every_s and t >= self._last_t:
            return self.people
        self._last_t = t
        if self._detector is None:
            self._detector = PoseDetector("photo")
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if bgr else image
        other = self._detector.detect_rgb(cover(rgb, frame), t)
        seen = other is not None and (
            float(other.visibility[BODY].mean()) >= SECOND_PERSON_VISIBILITY
        )
        self.people = 2 if seen else 1
        return self.people

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
