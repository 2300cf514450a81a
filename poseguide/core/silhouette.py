"""Back curvature from the person's silhouette, because MediaPipe has no spine landmarks.

On all fours the upper contour of the back between shoulder and hip is rounded upwards in cat
and sags in cow. We walk from points along the shoulder-hip line upwards (perpendicular to it)
until we leave the segmentation mask; the contour's height at the middle of the back compared
with its height near the ends, divided by the shoulder-hip length, is the curvature:
positive when rounded (cat), negative when sagging (cow), about 0 for a flat back.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from poseguide.core.landmarks import Floats

FRACTIONS = np.array([0.2, 0.35, 0.5, 0.65, 0.8])  # along shoulder->hip; ends avoid the joints
# Probes from 0.4 back lengths below the line to 0.8 above: in a deep cat the straight line
# between the joints passes under the arched torso, so the edge can lie below the line too.
_STEPS = np.linspace(-0.4, 0.8, 121)


def _sample(mask: NDArray[Any], xs: Floats, ys: Floats) -> Floats:
    """The mask at continuous pixel positions (pixel j spans [j, j + 1)), interpolated
    bilinearly so that a sub-pixel shift of the landmarks (a mirrored or rescaled picture)
    moves the edge smoothly instead of by whole probe steps; 0 outside the picture (beyond
    the edge is not body)."""
    h, w = mask.shape
    x, y = xs - 0.5, ys - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    c0 = np.clip(x0.astype(int), 0, w - 1)
    c1 = np.clip(x0.astype(int) + 1, 0, w - 1)
    r0 = np.clip(y0.astype(int), 0, h - 1)
    r1 = np.clip(y0.astype(int) + 1, 0, h - 1)
    top = mask[r0, c0] * (1 - fx) + mask[r0, c1] * fx
    bottom = mask[r1, c0] * (1 - fx) + mask[r1, c1] * fx
    value: Floats = (top * (1 - fy) + bottom * fy).astype(np.float64)
    in_picture = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    return np.where(in_picture, value, 0.0)


def contour_heights(mask: NDArray[Any], shoulder_px: Floats, hip_px: Floats) -> Floats:
    """Height of the silhouette's upper edge above the shoulder-hip line, in back lengths.

    Points are in the mask's continuous pixel coordinates. The edge is where the mask falls
    through 0.5 above the highest probe still on the body, found between that probe and the
    next. Vectorised: all probes of all stations are sampled in one operation.
    """
    axis = hip_px - shoulder_px
    length = float(np.hypot(*axis))
    if length < 4.0:
        return np.full(len(FRACTIONS), np.nan)
    normal = np.array([axis[1], -axis[0]]) / length
    if normal[1] > 0:  # point up the picture
        normal = -normal
    bases = shoulder_px + FRACTIONS[:, None] * axis  # (S, 2)
    probes = bases[:, None, :] + (_STEPS[None, :, None] * length) * normal  # (S, K, 2)
    values = _sample(mask, probes[..., 0], probes[..., 1])
    inside = values > 0.5
    # The highest probe still on the body, then the crossing towards the next one up.
    top = len(_STEPS) - 1 - np.argmax(inside[:, ::-1], axis=1)
    rows = np.arange(len(FRACTIONS))
    here = values[rows, top]
    above = values[rows, np.minimum(top + 1, len(_STEPS) - 1)]
    step = _STEPS[1] - _STEPS[0]
    frac = np.where(top < len(_STEPS) - 1, (here - 0.5) / np.maximum(here - above, 1e-9), 0.0)
    edge = _STEPS[top] + np.clip(frac, 0.0, 1.0) * step
    return np.where(inside.any(axis=1), edge, np.nan)


def back_curvature(mask: NDArray[Any], shoulder_px: Floats, hip_px: Floats) -> float:
    """Middle-of-back height minus the mean height near the ends (fractions of back length)."""
    heights = contour_heights(mask, shoulder_px, hip_px)
    if np.isnan(heights).any():
        return float("nan")
    middle = heights[1:4].mean()
    ends = (heights[0] + heights[4]) / 2.0
    return float(middle - ends)
