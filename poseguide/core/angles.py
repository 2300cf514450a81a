"""Angles from landmarks, with one convention used everywhere.

Convention (degrees, measured in the image plane with the pixel aspect corrected, y up):

* **joint** angle at B of A-B-C: the interior angle between B->A and B->C, 0..180;
  180 is a straight limb, 90 a right angle.
* **elevation** of segment P->Q: the angle of P->Q above the horizontal, -90..90; positive
  when Q is higher in the picture than P, 0 when level, 90 when Q is straight above P.
  It does not depend on which way the person faces, so a mirrored picture gives the same value.
* **tilt** of P->Q from the vertical, -90..90; positive when it leans the way R->S points
  horizontally (e.g. heel->toes: positive is leaning forward, negative leaning back).
* **curve**: back curvature from the silhouette (see ``silhouette``), in back lengths;
  positive rounded (cat), negative sagging (cow).
* **ratio** of two distances |P-Q| / |R-S|: unitless, for relations such as "hips on heels".

The image plane is used rather than MediaPipe's world coordinates because the templates
describe what a camera sees from the side, and the world depth estimate is the noisiest axis.
"""

from __future__ import annotations

import numpy as np

from poseguide.core.landmarks import INDEX, Floats, PoseFrame

SIDES = ("left", "right")
# Landmarks whose visibility and nearness decide which side faces the camera.
SIDE_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
_LEFT = np.array([INDEX[f"left_{p}"] for p in SIDE_PARTS])
_RIGHT = np.array([INDEX[f"right_{p}"] for p in SIDE_PARTS])


def joint_angle(a: Floats, b: Floats, c: Floats) -> Floats:
    """Interior angle at ``b`` in degrees; works on (..., 2) arrays."""
    u = a - b
    v = c - b
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    angle: Floats = np.degrees(np.abs(np.arctan2(cross, dot)))
    return angle


def elevation(p: Floats, q: Floats) -> Floats:
    """Angle of p->q above the horizontal in degrees, -90..90 (image y points down)."""
    d = q - p
    angle: Floats = np.degrees(np.arctan2(-d[..., 1], np.abs(d[..., 0])))
    return angle


def tilt(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Angle of p->q from straight up, signed by the horizontal direction of r->s."""
    d = q - p
    ahead = np.sign(s[..., 0] - r[..., 0])
    ahead = np.where(ahead == 0, 1.0, ahead)
    angle: Floats = np.degrees(np.arctan2(d[..., 0] * ahead, -d[..., 1]))
    return angle


def ratio(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """|p-q| / |r-s|, guarded against a zero denominator."""
    num = np.linalg.norm(p - q, axis=-1)
    den = np.linalg.norm(r - s, axis=-1)
    quotient: Floats = num / np.maximum(den, 1e-9)
    return quotient


def facing_side(frame: PoseFrame) -> str:
    """The body side nearer the camera: 'left' or 'right'.

    Visibility alone is unreliable (MediaPipe reports ~0.99 for guessed joints), so it is
    combined with the world depth of the same joints: the nearer side has the smaller z.
    """
    vis = frame.visibility[_LEFT].mean() - frame.visibility[_RIGHT].mean()
    depth = frame.world[_RIGHT, 2].mean() - frame.world[_LEFT, 2].mean()  # > 0: left nearer
    score = 2.0 * vis + depth / 0.1  # 10 cm of depth counts like 0.5 of visibility
    return "left" if score >= 0 else "right"


def resolve(name: str, side: str) -> str:
    """A template's landmark name on the chosen side.

    Plain names ("knee") take the side facing the camera, "far_knee" the other side;
    "mid_hip" is the midpoint of both; "left_knee", "right_knee" and "nose" are literal.
    """
    if name in INDEX:
        return name
    if name.startswith("far_"):
        other = "right" if side == "left" else "left"
        return f"{other}_{name[4:]}"
    if name.startswith("mid_"):
        return name
    return f"{side}_{name}"


def torso_length(frame: PoseFrame) -> float:
    """Mid-shoulder to mid-hip distance in aspect-correct image units: the body's scale."""
    return float(np.linalg.norm(frame.point("mid_shoulder") - frame.point("mid_hip")))


def side_on_ratio(frame: PoseFrame) -> float:
    """Shoulder width over torso length as seen by the camera.

    About 0.0-0.4 when the camera sees the body side-on, 0.6-1.0 when it sees the chest or back.
    """
    width = float(np.linalg.norm(frame.point("left_shoulder") - frame.point("right_shoulder")))
    hips = float(np.linalg.norm(frame.point("left_hip") - frame.point("right_hip")))
    return max(width, hips) / max(torso_length(frame), 1e-9)
