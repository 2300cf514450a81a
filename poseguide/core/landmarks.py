"""The pose frame: what the detector hands to the rest of the package.

Everything downstream depends on :class:`PoseFrame`, never on MediaPipe, so tests can build
landmarks by hand. Image coordinates are normalised to [0, 1] with y pointing down, as
MediaPipe returns them; ``width``/``height`` let callers convert to pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

# Coordinates and angles: float arrays of any shape (a frame's points, a batch of angles).
Floats = NDArray[np.float64]

# MediaPipe Pose's 33 landmarks, in its order.
NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}
N_LANDMARKS = len(NAMES)

# Bones drawn in the overlay and used for the sanity checks.
BONES: tuple[tuple[str, str], ...] = tuple(
    (f"{s}_{a}", f"{s}_{b}")
    for s in ("left", "right")
    for a, b in (
        ("shoulder", "elbow"), ("elbow", "wrist"), ("shoulder", "hip"),
        ("hip", "knee"), ("knee", "ankle"), ("ankle", "heel"), ("heel", "foot_index"),
        ("ankle", "foot_index"),
    )
) + (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"))  # fmt: skip


def mirror_name(name: str) -> str:
    """The landmark on the other side of the body (nose stays nose)."""
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


MIRROR_ORDER = np.array([INDEX[mirror_name(n)] for n in NAMES])

# Midpoints of left/right pairs ("mid_hip"), appended after the 33 landmarks in
# PoseFrame.points so templates can use them like any other point.
PAIRS: tuple[str, ...] = tuple(n[5:] for n in NAMES if n.startswith("left_"))
POINT_INDEX: dict[str, int] = {
    **INDEX,
    **{f"mid_{p}": N_LANDMARKS + i for i, p in enumerate(PAIRS)},
}
_PAIR_LEFT = np.array([INDEX[f"left_{p}"] for p in PAIRS])
_PAIR_RIGHT = np.array([INDEX[f"right_{p}"] for p in PAIRS])


@dataclass(frozen=True)
class PoseFrame:
    """One person's landmarks at one moment.

    ``image``: (33, 2) normalised x, y (y down). ``world``: (33, 3) metres, hip-centred.
    ``visibility``/``presence``: (33,) in [0, 1]. ``mask``: optional person segmentation
    (H, W) float32 in [0, 1], used for the back-curvature measure.
    """

    timestamp: float
    image: Floats
    world: Floats
    visibility: Floats
    presence: Floats
    width: int = 640
    height: int = 480
    mask: NDArray[Any] | None = field(default=None, compare=False, repr=False)
    people: int = 1

    @cached_property
    def points(self) -> Floats:
        """(33 + midpoints, 2) aspect-correct points: x scaled by width/height, y down, in
        units of the picture height. Computed once per frame; index with POINT_INDEX."""
        pts = self.image * np.array([self.width / self.height, 1.0])
        return np.concatenate([pts, (pts[_PAIR_LEFT] + pts[_PAIR_RIGHT]) / 2.0])

    @cached_property
    def world_points(self) -> Floats:
        """(33 + midpoints, 3) MediaPipe's world landmarks in metres, hip-centred, with the
        ``mid_`` pairs appended as in :attr:`points`. Axes follow the camera: x right, y down,
        z away from the camera; index with POINT_INDEX."""
        pairs = (self.world[_PAIR_LEFT] + self.world[_PAIR_RIGHT]) / 2.0
        return np.concatenate([self.world, pairs])

    def point(self, name: str) -> Floats:
        """One aspect-correct point by name (landmark or ``mid_`` pair)."""
        point: Floats = self.points[POINT_INDEX[name]]
        return point

    def pixels(self) -> Floats:
        """(33, 2) pixel coordinates."""
        pixels: Floats = self.image * np.array([self.width, self.height])
        return pixels

    def flipped(self) -> PoseFrame:
        """The frame of the horizontally mirrored image.

        Flipping the picture swaps which side of the body MediaPipe labels left, so the
        labels are swapped too; a verdict must not change under this.
        """
        image = self.image[MIRROR_ORDER].copy()
        image[:, 0] = 1.0 - image[:, 0]
        world = self.world[MIRROR_ORDER].copy()
        world[:, 0] = -world[:, 0]
        mask = None if self.mask is None else self.mask[:, ::-1].copy()
        return PoseFrame(
            timestamp=self.timestamp,
            image=image,
            world=world,
            visibility=self.visibility[MIRROR_ORDER].copy(),
            presence=self.presence[MIRROR_ORDER].copy(),
            width=self.width,
            height=self.height,
            mask=mask,
            people=self.people,
        )
