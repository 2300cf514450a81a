"""The pose model for a live session: one detector, built (and run once) before the stream
starts and lent to each set's FrameProcessor. A new pose graph stalled the stream after every
set change or resume, and switching between two graphs (with and without the silhouette) cost
a fresh detection, 0.3-0.5 s, at each change."""

from __future__ import annotations

import numpy as np

from poseguide.core.templates import Library, Template
from poseguide.vision.crowd import CrowdWatch
from poseguide.vision.detector import PoseDetector
from poseguide.vision.processor import FrameProcessor


class PoseReaders:
    def __init__(self, library: Library, *, silhouette: bool) -> None:
        self.library = library
        self.silhouette = silhouette  # made if any set of the routine needs it
        self.processor: FrameProcessor | None = None
        self.serial = 0  # the routine's set number the processor was opened for
        self._detector: PoseDetector | None = None
        self._crowd = CrowdWatch(every_s=2.0)

    @property
    def detector(self) -> PoseDetector:
        if self._detector is None:
            self._detector = PoseDetector("video", segmentation=self.silhouette)
        return self._detector

    def warm(self) -> None:
        """Build the detector and run it once: the first pose graph of a process takes about
        0.5 s to build and its first frame as long again."""
        if self._detector is None:
            self.detector.detect_plain(np.zeros((480, 640, 3), np.uint8), 0.0)
            self.detector.restart()

    def open(self, template: Template, side: str | None = None, serial: int = 0) -> None:
        """A processor for a set (or the camera check), on the shared detector."""
        self.close_set()
        self.processor = FrameProcessor(
            template, self.library, detector=self.detector, crowd=self._crowd, side=side
        )
        self.serial = serial

    def close_set(self) -> None:
        if self.processor is not None:
            self.processor.close()
            self.processor = None
            self.serial = 0

    def close(self) -> None:
        """Free the pose graphs (the page drops the session)."""
        self.close_set()
        if self._detector is not None:
            self._detector.close()
            self._detector = None
        self._crowd.close()
        self._crowd = CrowdWatch(every_s=2.0)
