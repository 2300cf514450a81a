"""Drawing the feedback onto a frame: skeleton, checked joints, cue, hold timer and ring.

Works in place on the BGR frame (no copies) with OpenCV primitives; colours: green in range,
amber slightly out, red clearly out, grey for joints that are not checked.
"""

from __future__ import annotations

import cv2
import numpy as np

from poseguide.core import angles
from poseguide.core.landmarks import BONES, INDEX, PoseFrame
from poseguide.core.session import FrameResult
from poseguide.core.silhouette import FRACTIONS, contour_heights

GREEN = (80, 200, 80)
AMBER = (0, 170, 255)
RED = (60, 60, 230)
GREY = (200, 200, 200)
WHITE = (255, 255, 255)
DARK = (30, 30, 30)
_BONE_IDX = np.array([(INDEX[a], INDEX[b]) for a, b in BONES])
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def draw(
    frame: np.ndarray, result: FrameResult, target_s: float, target_reps: int, flow: bool
) -> np.ndarray:
    """Annotate ``frame`` (BGR, modified in place) and return it."""
    h, w = frame.shape[:2]
    scale = max(h, w) / 640.0
    pose = result.frame
    if pose is not None:
        pts = (pose.image * np.array([w, h])).astype(np.int32)
        for a, b in _BONE_IDX:
            cv2.line(frame, tuple(pts[a]), tuple(pts[b]), GREY, max(1, int(2 * scale)), cv2.LINE_AA)
        v = result.verdict
        for r in v.results:
            names = [angles.resolve(p, v.side or "left") for p in r.check.points]
            if r.check.measure == "curve":
                _draw_back(frame, pose, names, r.ok, scale)
                continue
            anchor = names[1] if r.check.measure == "joint" else names[0]
            if anchor.startswith("mid_"):
                continue
            colour = GREEN if r.ok else (AMBER if abs(r.deviation) < 10 else RED)
            p = tuple(pts[INDEX[anchor]])
            cv2.circle(frame, p, int(7 * scale), colour, -1, cv2.LINE_AA)
            if not r.ok:
                _text(frame, f"{r.value:.0f}", (p[0] + int(9 * scale), p[1]), 0.5 * scale, colour)
    _draw_timer(frame, result, target_s, target_reps, flow, scale)
    message = result.verdict.correction if not result.verdict.in_range else None
    if message:
        _banner(frame, message, scale)
    return frame


def _draw_back(
    frame: np.ndarray, pose: PoseFrame, names: list[str], ok: bool, scale: float
) -> None:
    """The measured upper contour of the back, so the user sees what 'rounded' means."""
    if pose.mask is None:
        return
    mh, mw = pose.mask.shape
    s = pose.point(names[0]) * mh
    hp = pose.point(names[1]) * mh
    heights = contour_heights(pose.mask, s, hp)
    if np.isnan(heights).any():
        return
    axis = hp - s
    length = float(np.hypot(*axis))
    normal = np.array([axis[1], -axis[0]]) / max(length, 1e-9)
    if normal[1] > 0:
        normal = -normal
    contour = s + FRACTIONS[:, None] * axis + (heights[:, None] * length) * normal
    fx, fy = frame.shape[1] / mw, frame.shape[0] / mh
    poly = (contour * np.array([fx, fy])).astype(np.int32)
    cv2.polylines(frame, [poly], False, GREEN if ok else AMBER, max(2, int(3 * scale)), cv2.LINE_AA)


def _draw_timer(
    frame: np.ndarray,
    result: FrameResult,
    target_s: float,
    target_reps: int,
    flow: bool,
    scale: float,
) -> None:
    h, w = frame.shape[:2]
    radius = int(48 * scale)
    centre = (w - radius - int(12 * scale), radius + int(12 * scale))
    cv2.circle(frame, centre, radius, DARK, -1, cv2.LINE_AA)
    if flow or target_reps > 1:
        fraction = result.reps / max(target_reps, 1)
        label = f"{result.reps}/{target_reps}"
    else:
        fraction = result.held / target_s if target_s else 0.0
        label = f"{int(result.held)}s"
    colour = GREEN if result.holding or result.target_met else GREY
    if fraction > 0:  # a zero-length arc would still draw a dot
        cv2.ellipse(
            frame,
            centre,
            (radius - 4, radius - 4),
            -90,
            0,
            360 * min(fraction, 1.0),
            colour,
            max(3, int(6 * scale)),
            cv2.LINE_AA,
        )
    size = 0.9 * scale
    (tw, th), _ = cv2.getTextSize(label, _FONT, size, 2)
    _text(frame, label, (centre[0] - tw // 2, centre[1] + th // 2), size, WHITE)


def _banner(frame: np.ndarray, message: str, scale: float) -> None:
    h, w = frame.shape[:2]
    bar = int(36 * scale)
    cv2.rectangle(frame, (0, h - bar), (w, h), DARK, -1)
    _text(frame, message, (int(10 * scale), h - int(11 * scale)), 0.6 * scale, WHITE)


def _text(
    frame: np.ndarray, text: str, org: tuple[int, int], size: float, colour: tuple[int, int, int]
) -> None:
    cv2.putText(frame, text, org, _FONT, size, DARK, 4, cv2.LINE_AA)
    cv2.putText(frame, text, org, _FONT, size, colour, 1 if size < 0.7 else 2, cv2.LINE_AA)


def bottom_banner(frame: np.ndarray, text: str) -> None:
    """A line where a set's cue stands (drawn over it): what to do on a frame no set judges."""
    _banner(frame, text, max(frame.shape[:2]) / 640.0)


def top_banner(frame: np.ndarray, text: str) -> None:
    """A plain banner at the top of a frame the pose model does not look at (waiting,
    resting, paused, done)."""
    h, w = frame.shape[:2]
    scale = max(h, w) / 640.0
    cv2.rectangle(frame, (0, 0), (w, int(40 * scale)), (30, 30, 30), -1)
    cv2.putText(
        frame,
        text,
        (int(10 * scale), int(27 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.7 * scale,
        (255, 255, 255),
        2,
        cv2.LINE_AA,
    )
