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


def contour_heights(mask: NDArray[Any], shoulder_px: Floats, hip_px: Floats) -> Floats:
    """Height of the silhouette's upper edge above the shoulder-hip line, in back lengths.

    Vectorised: all probe points of all stations are looked up in one indexing operation.
    """
    h, w = mask.shape
    axis = hip_px - shoulder_px
    length = float(np.hypot(*axis))
    if length < 4.0:
        return np.full(len(FRACTIONS), np.nan)
    normal = np.array([axis[1], -axis[0]]) / length
    if normal[1] > 0:  # point up the picture
        normal = -normal
    bases = shoulder_px + FRACTIONS[:, None] * axis  # (S, 2)
    probes = bases[:, None, :] + (_STEPS[None, :, None] * length) * normal  # (S, K, 2)
    xs = np.rint(probes[..., 0]).astype(int)
    ys = np.rint(probes[..., 1]).astype(int)
    in_picture = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)  # beyond the edge is not body
    inside = in_picture & (mask[np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)] > 0.5)
    # The highest probe still on the body is the back's upper edge at that station.
    top = len(_STEPS) - 1 - np.argmax(inside[:, ::-1], axis=1)
    return np.where(inside.any(axis=1), _STEPS[top], np.nan)


def back_curvature(mask: NDArray[Any], shoulder_px: Floats, hip_px: Floats) -> float:
    """Middle-of-back height minus the mean height near the ends (fractions of back length)."""
    heights = contour_heights(mask, shoulder_px, hip_px)
    if np.isnan(heights).any():
        return float("nan")
    middle = heights[1:4].mean()
    ends = (heights[0] + heights[4]) / 2.0
    return float(middle - ends)
