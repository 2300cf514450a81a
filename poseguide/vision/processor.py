"""A BGR frame and its time in, an annotated frame and a FrameResult out.

Glue between the detector (I/O-bound model), the pure ExerciseSet and the overlay, shared by
the live page, ``analyze`` and ``bench``. It keeps one detector for the whole stream and
records how long each stage took, for the benchmark.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from poseguide.core.session import ExerciseSet, FrameResult, SetSummary
from poseguide.core.templates import Library, Template
from poseguide.vision import overlay
from poseguide.vision.crowd import CrowdWatch
from poseguide.vision.detector import Mode, PoseDetector

DARK = 40  # mean 8-bit brightness below which the model rarely finds a person
TOO_DARK = "It is too dark for the camera: turn on a light in front of you"
BACKLIT = (
    "The light behind you hides you from the camera: turn on a light in front of you "
    "or turn away from the window"
)


def lighting_hint(bgr: np.ndarray) -> str | None:
    """Why nobody may be seen, judged from a sparse sample of the picture's pixels: too dark
    overall, or a bright window behind a dark silhouette (a fifth of the picture glaring and
    a twelfth nearly black)."""
    sample = bgr[::16, ::16].mean(axis=2)
    if float(sample.mean()) < DARK:
        return TOO_DARK
    if (sample > 220).mean() > 0.2 and (sample < 50).mean() > 0.08:
        return BACKLIT
    return None


def needs_mask(template: Template, library: Library) -> bool:
    """Whether the detector should make the silhouette for the template (or its flow's
    phases): a check reads it (the back's curve), or the pose is done on the floor, where the
    first look at a body lying along the frame keeps the reading that lies on the silhouette
    (a deep cobra's confident first reading can put its feet on its hands, and tracking keeps
    it). The mask costs about 1.7 ms a frame (8 %); standing poses go without it."""
    parts = [library[p] for p in template.phases] if template.is_flow else [template]
    return any(
        t.posture != "standing" or any(c.measure == "curve" for c in t.checks) for t in parts
    )


@dataclass
class StageTimes:
    """Accumulated seconds per stage and the number of frames, for ``bench``."""

    pose: float = 0.0
    logic: float = 0.0
    draw: float = 0.0
    frames: int = 0
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {"pose": [], "logic": [], "draw": []}
    )


class FrameProcessor:
    """One set on one stream. ``detector`` and ``crowd`` may be lent by the caller to keep
    them across sets (a live routine): building a pose graph stalls the stream for a moment,
    so they are then not closed with the set."""

    def __init__(
        self,
        template: Template,
        library: Library,
        mode: Mode = "video",
        draw: bool = True,
        keep_samples: bool = False,
        detector: PoseDetector | None = None,
        crowd: CrowdWatch | None = None,
        side: str | None = None,
    ) -> None:
        self.template = template
        self._owned = detector is None, crowd is None
        self.detector = detector or PoseDetector(mode, segmentation=needs_mask(template, library))
        self.set = ExerciseSet(template, library, smooth=mode == "video", side=side)
        self.crowd = crowd or CrowdWatch(every_s=2.0 if mode == "video" else 0.0)
        self.draw = draw
        self.times = StageTimes()
        self._keep = keep_samples

    def process(self, bgr: np.ndarray, t: float) -> tuple[np.ndarray, FrameResult]:
        """Run one frame through model, checker/timer and overlay (in place on ``bgr``)."""
        t0 = time.perf_counter()
        pose = self.detector.detect_bgr(bgr, t)
        if pose is not None and self.crowd.people_in(bgr, pose, t) > 1:
            pose = replace(pose, people=2)
        t1 = time.perf_counter()
        hint = lighting_hint(bgr) if pose is None else None
        result = self.set.update(pose, t, unseen_hint=hint)
        t2 = time.perf_counter()
        if self.draw:
            target = self.template.target
            overlay.draw(bgr, result, target.hold_s, target.reps, self.set.flow)
        t3 = time.perf_counter()
        self._account(t1 - t0, t2 - t1, t3 - t2)
        return bgr, result

    def _account(self, pose: float, logic: float, draw: float) -> None:
        s = self.times
        s.pose += pose
        s.logic += logic
        s.draw += draw
        s.frames += 1
        if self._keep:
            s.samples["pose"].append(pose)
            s.samples["logic"].append(logic)
            s.samples["draw"].append(draw)

    def finish(self) -> SetSummary:
        return self.set.finish()

    def close(self) -> None:
        """Close what this processor built itself (lent detectors stay open)."""
        if self._owned[0]:
            self.detector.close()
        if self._owned[1]:
            self.crowd.close()
