"""Landmark fixtures built in code: stick figures in named poses, for unit tests.

Coordinates are normalised image coordinates (x right, y down) of the body side facing the
camera; the far side is copied with a small offset, lower visibility and a larger depth, as
MediaPipe reports a side view. ``back_curve`` draws a torso silhouette whose upper edge
bulges (positive, cat) or sags (negative, cow) by that fraction of the back length.
"""

from __future__ import annotations

import cv2
import numpy as np

from poseguide.core.angles import other_side
from poseguide.core.landmarks import INDEX, N_LANDMARKS, PoseFrame

HEAD = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
)

# Side-view stick figures facing right (head towards +x), near side listed.
POSES: dict[str, dict[str, tuple[float, float]]] = {
    "tabletop": {"nose": (0.78, 0.50), "shoulder": (0.68, 0.45), "elbow": (0.68, 0.60),
                 "wrist": (0.68, 0.74), "hip": (0.38, 0.45), "knee": (0.38, 0.74),
                 "ankle": (0.15, 0.75), "heel": (0.14, 0.73), "foot_index": (0.10, 0.76)},
    "cat": {"nose": (0.69, 0.67), "shoulder": (0.68, 0.45), "elbow": (0.68, 0.60),
            "wrist": (0.68, 0.74), "hip": (0.38, 0.45), "knee": (0.38, 0.74),
            "ankle": (0.15, 0.75), "heel": (0.14, 0.73), "foot_index": (0.10, 0.76)},
    "cow": {"nose": (0.80, 0.33), "shoulder": (0.68, 0.43), "elbow": (0.68, 0.59),
            "wrist": (0.68, 0.74), "hip": (0.38, 0.45), "knee": (0.38, 0.74),
            "ankle": (0.15, 0.75), "heel": (0.14, 0.73), "foot_index": (0.10, 0.76)},
    "childs_pose": {"nose": (0.80, 0.76), "shoulder": (0.62, 0.66), "elbow": (0.75, 0.74),
                    "wrist": (0.88, 0.76), "hip": (0.35, 0.58), "knee": (0.55, 0.76),
                    "ankle": (0.30, 0.77), "heel": (0.30, 0.75), "foot_index": (0.24, 0.78)},
    "sphinx": {"nose": (0.30, 0.45), "shoulder": (0.36, 0.55), "elbow": (0.36, 0.74),
               "wrist": (0.20, 0.75), "hip": (0.62, 0.72), "knee": (0.80, 0.74),
               "ankle": (0.96, 0.76), "heel": (0.96, 0.74), "foot_index": (0.98, 0.78)},
    "cobra": {"nose": (0.32, 0.30), "shoulder": (0.38, 0.42), "elbow": (0.39, 0.58),
              "wrist": (0.38, 0.75), "hip": (0.62, 0.72), "knee": (0.80, 0.74),
              "ankle": (0.96, 0.76), "heel": (0.96, 0.74), "foot_index": (0.98, 0.78)},
    "standing": {"nose": (0.50, 0.10), "shoulder": (0.50, 0.22), "elbow": (0.50, 0.38),
                 "wrist": (0.50, 0.52), "hip": (0.50, 0.52), "knee": (0.50, 0.72),
                 "ankle": (0.50, 0.92), "heel": (0.48, 0.94), "foot_index": (0.56, 0.95)},
    "lying_flat": {"nose": (0.12, 0.72), "shoulder": (0.20, 0.75), "elbow": (0.35, 0.76),
                   "wrist": (0.48, 0.76), "hip": (0.50, 0.75), "knee": (0.70, 0.75),
                   "ankle": (0.90, 0.75), "heel": (0.91, 0.77), "foot_index": (0.92, 0.72)},
    "plank": {"nose": (0.80, 0.42), "shoulder": (0.72, 0.45), "elbow": (0.72, 0.60),
              "wrist": (0.72, 0.74), "hip": (0.45, 0.52), "knee": (0.30, 0.60),
              "ankle": (0.12, 0.68), "heel": (0.10, 0.66), "foot_index": (0.13, 0.72)},
    # Body straight from shoulders to ankles about 15 deg up from the floor (hips off it).
    "forearm_plank": {"nose": (0.80, 0.54), "shoulder": (0.70, 0.58), "elbow": (0.70, 0.74),
                      "wrist": (0.86, 0.75), "hip": (0.45, 0.666), "knee": (0.30, 0.718),
                      "ankle": (0.12, 0.78), "heel": (0.10, 0.76), "foot_index": (0.13, 0.81)},
    "high_plank": {"nose": (0.80, 0.36), "shoulder": (0.72, 0.40), "elbow": (0.72, 0.57),
                   "wrist": (0.72, 0.74), "hip": (0.45, 0.54), "knee": (0.30, 0.62),
                   "ankle": (0.12, 0.71), "heel": (0.10, 0.69), "foot_index": (0.13, 0.74)},
    # Sitting on the floor, legs long ahead, back upright, hands on the floor by the hips.
    "sitting": {"nose": (0.42, 0.22), "shoulder": (0.38, 0.35), "elbow": (0.36, 0.50),
                "wrist": (0.34, 0.64), "hip": (0.38, 0.66), "knee": (0.56, 0.66),
                "ankle": (0.74, 0.67), "heel": (0.75, 0.68), "foot_index": (0.78, 0.62)},
}  # fmt: skip

CURVES = {"cat": 0.25, "cow": -0.25, "tabletop": 0.01}
# Which way the chest faces in the figures (the world landmarks are built to match).
FRONTS = {"tabletop": "down", "cat": "down", "cow": "down", "childs_pose": "down",
          "sphinx": "down", "cobra": "down", "plank": "down", "forearm_plank": "down",
          "high_plank": "down", "lying_flat": "up", "standing": "side"}  # fmt: skip
METRES = 2.0  # metres per picture height in the world landmarks of the figures


def world_from_image(
    image: np.ndarray, depth: np.ndarray, width: int, height: int, front: str | None
) -> np.ndarray:
    """World landmarks as MediaPipe reports them for the figure: metres, centred between the
    hips, x and y from the picture, z from ``depth``. A side view only shows which side is
    near, not whether the body is the right way round; ``front`` ("up"/"down") picks the one
    in which the chest faces that way (a stick figure drawn mirror-wise gets its world mirrored)."""
    xy = image * np.array([width / height, 1.0])
    hips = (xy[INDEX["left_hip"]] + xy[INDEX["right_hip"]]) / 2
    world = np.column_stack([(xy - hips) * METRES, depth])
    if front in ("up", "down"):
        ls, rs = world[INDEX["left_shoulder"]], world[INDEX["right_shoulder"]]
        hip = (world[INDEX["left_hip"]] + world[INDEX["right_hip"]]) / 2
        faces_up = np.cross(rs - ls, hip - (ls + rs) / 2)[1] < 0
        if faces_up != (front == "up"):
            world[:, 0] = -world[:, 0]
    return world


def make_frame(
    pose: str | dict[str, tuple[float, float]],
    t: float = 0.0,
    near: str = "left",
    mirror: bool = False,
    back_curve: float | None = None,
    visibility: float = 0.99,
    width: int = 640,
    height: int = 480,
    overrides: dict[str, tuple[float, float]] | None = None,
    front: str | None = None,
) -> PoseFrame:
    """A side-view PoseFrame of a named (or given) stick figure; ``front`` says which way its
    chest faces (named figures know their own)."""
    points = dict(POSES[pose] if isinstance(pose, str) else pose)
    points.update(overrides or {})
    far = other_side(near)
    image = np.zeros((N_LANDMARKS, 2))
    depth = np.zeros(N_LANDMARKS)
    vis = np.full(N_LANDMARKS, visibility)
    nose = np.array(points["nose"])
    for name in HEAD:
        image[INDEX[name]] = nose
    for part, xy in points.items():
        if part == "nose":
            continue
        image[INDEX[f"{near}_{part}"]] = xy
        image[INDEX[f"{far}_{part}"]] = (xy[0] + 0.01, xy[1] - 0.01)
        depth[INDEX[f"{near}_{part}"]] = -0.15
        depth[INDEX[f"{far}_{part}"]] = 0.15
        vis[INDEX[f"{far}_{part}"]] = visibility * 0.6
    for hand in ("pinky", "index", "thumb"):
        for side in ("left", "right"):
            image[INDEX[f"{side}_{hand}"]] = image[INDEX[f"{side}_wrist"]]
    if back_curve is None and isinstance(pose, str):
        back_curve = CURVES.get(pose)
    mask = _torso_mask(image, back_curve, width, height) if back_curve is not None else None
    if front is None and isinstance(pose, str):
        front = FRONTS.get(pose)
    world = world_from_image(image, depth, width, height, front)
    frame = PoseFrame(
        timestamp=t,
        image=image,
        world=world,
        visibility=vis,
        presence=np.full(N_LANDMARKS, np.nan),
        width=width,
        height=height,
        mask=mask,
    )
    return frame.flipped() if mirror else frame


def _torso_mask(image: np.ndarray, curve: float, width: int, height: int) -> np.ndarray:
    """A silhouette: a band 0.15 back-lengths above and below the shoulder-hip line, its top
    edge raised by ``curve`` back-lengths at the middle (parabolic)."""
    px = image * np.array([width, height])
    s = (px[INDEX["left_shoulder"]] + px[INDEX["right_shoulder"]]) / 2
    h = (px[INDEX["left_hip"]] + px[INDEX["right_hip"]]) / 2
    axis = h - s
    length = float(np.hypot(*axis))
    normal = np.array([axis[1], -axis[0]]) / length
    if normal[1] > 0:
        normal = -normal
    u = np.linspace(-0.1, 1.1, 61)
    bulge = 4 * u * (1 - u) * curve
    top = s + u[:, None] * axis + ((0.15 + bulge)[:, None] * length) * normal
    bottom = s + u[:, None] * axis - (0.15 * length) * normal
    poly = np.concatenate([top, bottom[::-1]]).astype(np.int32)
    mask = np.zeros((height, width), np.float32)
    cv2.fillPoly(mask, [poly], 1.0)
    return mask
