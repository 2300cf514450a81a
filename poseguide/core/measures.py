"""The measure kinds a template check can name, each in one record: how many points it takes,
which must differ, what a range may span, whether it reads the world landmarks, its unit,
where a drawn figure may put it, and how it is computed. Templates, the checker, custom
templates, the figures and the pose library all read it here, so a kind is added in one place
and a kind not listed is an error everywhere (docs/angle-convention.md gives each one's sign).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from poseguide.core import angles
from poseguide.core.landmarks import Floats, PoseFrame
from poseguide.core.silhouette import back_curvature

# points: (checks, points, 2 or 3) -> one value per check
PointsFn = Callable[[Floats], Floats]


@dataclass(frozen=True)
class Measure:
    """One measure kind."""

    kind: str
    points: int
    distinct: tuple[tuple[int, int], ...]  # point pairs that must differ, or it is degenerate
    limits: tuple[float, float]  # what a check's range may span
    on_points: PointsFn | None  # None: measured on the silhouette (curve)
    world: bool = False  # reads the world landmarks (3D), not the picture
    unitless: bool = False  # a ratio or a curvature; every other kind is in degrees
    # What a drawn body can show (2D kinds): a figure is drawn at the middle of a check's range
    # clipped to this, so "[-0.5, -0.02]" of back sag does not ask for a back folded in two.
    plausible: tuple[float, float] | None = None

    def measure(self, frame: PoseFrame, idx: NDArray[np.intp]) -> Floats:
        """The values of the checks whose point indices are ``idx`` (checks, points); NaN
        where this frame cannot give them (no world landmarks, no silhouette)."""
        if self.world and not frame.world.any():
            return np.full(len(idx), np.nan)  # the detector gave no world landmarks
        if self.on_points is None:
            return _curve(frame, idx)
        return self.on_points(frame.world_points[idx] if self.world else frame.points[idx])


def _curve(frame: PoseFrame, idx: NDArray[np.intp]) -> Floats:
    """The back's silhouette curvature between each pair of points, in the mask's pixels."""
    if frame.mask is None:
        return np.full(len(idx), np.nan)
    side = frame.mask.shape[0]
    pts = frame.points
    return np.array([back_curvature(frame.mask, pts[a] * side, pts[b] * side) for a, b in idx])


def _cols(fn: Callable[..., Floats]) -> PointsFn:
    """A function of the points as separate arguments, applied to (checks, points, d)."""
    return lambda p: fn(*(p[:, i] for i in range(p.shape[1])))


_PAIR = ((0, 1),)
_TWO_PAIRS = ((0, 1), (2, 3))
_TRIANGLE = ((0, 1), (1, 2), (0, 2))
_DEGREES_180 = (0.0, 180.0)
_DEGREES_90 = (-90.0, 90.0)

ALL = (
    Measure("joint", 3, _TRIANGLE, _DEGREES_180, _cols(angles.joint_angle), plausible=(10, 180)),
    Measure("elevation", 2, _PAIR, _DEGREES_90, _cols(angles.elevation), plausible=(-90, 90)),
    Measure(
        "ratio", 4, _TWO_PAIRS, (0, 20), _cols(angles.ratio), unitless=True, plausible=(0, 1.5)
    ),
    Measure("tilt", 4, _TWO_PAIRS, _DEGREES_90, _cols(angles.tilt), plausible=(-60, 60)),
    Measure("curve", 2, _PAIR, (-1, 1), None, unitless=True, plausible=(-0.08, 0.08)),
    Measure("slope", 4, _TWO_PAIRS, _DEGREES_90, _cols(angles.slope), plausible=(-90, 90)),
    Measure(
        "relative",
        4,
        _TWO_PAIRS,
        _DEGREES_90,
        _cols(lambda p, q, r, s: angles.slope(p, q, r, s, max_tilt=90.0)),
        plausible=(-90, 90),
    ),
    Measure("joint3d", 3, _TRIANGLE, _DEGREES_180, _cols(angles.joint_angle3d), world=True),
    Measure("elevation3d", 2, _PAIR, _DEGREES_90, _cols(angles.elevation3d), world=True),
    Measure("rotation3d", 4, _TWO_PAIRS, _DEGREES_180, _cols(angles.rotation3d), world=True),
    Measure(
        "facing3d", 3, ((0, 1), (0, 2), (1, 2)), _DEGREES_90, _cols(angles.facing3d), world=True
    ),
    Measure(
        "front3d", 4, ((0, 1), (0, 2), (1, 2)), _DEGREES_180, _cols(angles.front3d), world=True
    ),
    Measure("ratio3d", 4, _TWO_PAIRS, (0, 20), _cols(angles.ratio), world=True, unitless=True),
    Measure(
        "turn3d",
        5,
        ((1, 2), (3, 4), (0, 1), (0, 2)),
        (-180.0, 180.0),
        _cols(angles.turn3d),
        world=True,
    ),
    Measure("along3d", 4, ((2, 3),), (-5.0, 5.0), _cols(angles.along3d), world=True, unitless=True),
    Measure("pitch3d", 4, _TWO_PAIRS, _DEGREES_90, _cols(angles.pitch3d), world=True),
)
MEASURES: dict[str, Measure] = {m.kind: m for m in ALL}
