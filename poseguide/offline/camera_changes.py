"""Simulated camera changes for ``eval --augment``: the changed picture, and where the change
moves the landmarks already read on the original.

Each change is one geometry (a 3x3 pixel homography, the new picture size and the turn of
the camera's axes) used twice: to make the changed picture, which the detector reads again,
and to move the original reading (:func:`moved`), which is what a detector that read the
changed picture exactly as well would give. Judging both splits a loss in two: what the
template's own measures lose because they move with the camera, and what the detector loses
by reading the changed picture worse.

``SLIGHT_CHANGES`` are too small to see (a 1 degree roll, a 1% shift, JPEG at quality 90):
what they cost read again is the detector's own noise, the floor under every figure above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from poseguide.core.landmarks import Floats, PoseFrame
from poseguide.vision.media import MediaError

JPEG_QUALITY = 10
SLIGHT_JPEG_QUALITY = 90
SLIGHT_ROLL_DEG = 1.0
SLIGHT_SHIFT = 0.01  # of the picture's width and height
TURN_DEG = 25.0  # the three-quarter warp: the camera turned this far round the person
LOWER_DEG = 15.0  # the lower camera: looking up this far
SMALL_WIDTH = 320


@dataclass(frozen=True)
class Warp:
    """Where a change moves the picture's points: ``matrix`` maps pixels of the original to
    pixels of the changed picture of ``size`` (width, height); ``axes`` turns the camera's
    axes, in which MediaPipe gives the world landmarks (a rolled or panned camera turns them);
    ``mirrored`` flips left and right."""

    matrix: Floats
    size: tuple[int, int]
    axes: Floats
    mirrored: bool = False


@dataclass(frozen=True)
class CameraChange:
    """A simulated camera change: call it on an RGB picture for the changed picture."""

    picture: Callable[[np.ndarray], np.ndarray]
    warp: Callable[[int, int], Warp]

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        return self.picture(rgb)


def _same(w: int, h: int) -> Warp:
    """Changes that keep every point where it was (JPEG)."""
    return Warp(np.eye(3), (w, h), np.eye(3))


def _rotation(w: int, h: int, degrees: float) -> Warp:
    """Turned in the picture plane about its centre, on a canvas grown to keep every pixel."""
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    axes = np.eye(3)
    axes[:2, :2] = m[:, :2]  # image and world axes both point right and down
    return Warp(np.vstack([m, [0.0, 0.0, 1.0]]), (nw, nh), axes)


def _turn(w: int, h: int, yaw: float = 0.0, pitch: float = 0.0) -> Warp:
    """A camera turned by ``yaw`` (about the vertical) or tilted by ``pitch`` (about the
    horizontal) looking at the same flat scene, fitted back into the frame size. The focal
    length is the picture width (a webcam's ~55 degree field of view)."""
    k = np.array([[w, 0, w / 2], [0, w, h / 2], [0, 0, 1]], dtype=np.float64)
    a, b = np.radians(yaw), np.radians(pitch)
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    hom = k @ ry @ rx @ np.linalg.inv(k)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64).reshape(-1, 1, 2)
    moved_corners = cv2.perspectiveTransform(corners, hom).reshape(-1, 2)
    lo, span = moved_corners.min(axis=0), np.ptp(moved_corners, axis=0)
    scale = min(w / span[0], h / span[1])
    fit = np.array(
        [
            [scale, 0, (w - span[0] * scale) / 2 - lo[0] * scale],
            [0, scale, (h - span[1] * scale) / 2 - lo[1] * scale],
            [0, 0, 1],
        ]
    )
    return Warp(fit @ hom, (w, h), ry @ rx)


def _half_box(w: int, h: int) -> tuple[int, int, int, int]:
    """Where the half-size picture sits in a frame its size: x, y, width, height."""
    sw, sh = w // 2, h // 2
    return (w - sw) // 2, (h - sh) // 2, sw, sh


def _halved(w: int, h: int) -> Warp:
    """The picture shrunk to half into the middle of a frame its size."""
    x, y, sw, sh = _half_box(w, h)
    return Warp(np.array([[sw / w, 0, x], [0, sh / h, y], [0, 0, 1]]), (w, h), np.eye(3))


def _half_size(rgb: np.ndarray) -> np.ndarray:
    """The person at half the size."""
    x, y, sw, sh = _half_box(rgb.shape[1], rgb.shape[0])
    canvas = np.zeros_like(rgb)
    canvas[y : y + sh, x : x + sw] = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    return canvas


def _narrowed(w: int, h: int, width: int = SMALL_WIDTH) -> Warp:
    nh = max(1, round(h * width / w))
    return Warp(np.array([[width / w, 0, 0], [0, nh / h, 0], [0, 0, 1]]), (width, nh), np.eye(3))


def _narrow(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    return cv2.resize(rgb, _narrowed(w, h).size, interpolation=cv2.INTER_AREA)


def _geometric(warp_of: Callable[[int, int], Warp]) -> CameraChange:
    """A change that is its geometry alone: the picture is the original warped by it (an
    affine one by ``warpAffine``, the perspective ones by ``warpPerspective``)."""

    def picture(rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        warp = warp_of(w, h)
        if np.array_equal(warp.matrix[2], [0.0, 0.0, 1.0]):
            return cv2.warpAffine(rgb, warp.matrix[:2], warp.size)
        return cv2.warpPerspective(rgb, warp.matrix, warp.size)

    return CameraChange(picture, warp_of)


def _mirror(w: int, h: int) -> Warp:
    return Warp(np.array([[-1.0, 0, w], [0, 1, 0], [0, 0, 1]]), (w, h), np.eye(3), True)


def _shifted(w: int, h: int) -> Warp:
    """Moved right and down by SLIGHT_SHIFT of the picture, the uncovered edge black."""
    dx, dy = round(SLIGHT_SHIFT * w), round(SLIGHT_SHIFT * h)
    return Warp(np.array([[1.0, 0, dx], [0, 1, dy], [0, 0, 1]]), (w, h), np.eye(3))


def _jpeg(quality: int) -> Callable[[np.ndarray], np.ndarray]:
    def picture(rgb: np.ndarray) -> np.ndarray:
        ok, data = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise MediaError("could not JPEG-encode a picture")
        return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)

    return picture


CHANGES: dict[str, CameraChange] = {
    "rotated +10": _geometric(lambda w, h: _rotation(w, h, 10.0)),
    "rotated -10": _geometric(lambda w, h: _rotation(w, h, -10.0)),
    "mirrored": CameraChange(lambda rgb: np.ascontiguousarray(rgb[:, ::-1]), _mirror),
    "three-quarter": _geometric(lambda w, h: _turn(w, h, yaw=TURN_DEG)),
    "camera lower": _geometric(lambda w, h: _turn(w, h, pitch=LOWER_DEG)),
    "half size": CameraChange(_half_size, _halved),
    f"{SMALL_WIDTH} wide": CameraChange(_narrow, _narrowed),
    f"jpeg q{JPEG_QUALITY}": CameraChange(_jpeg(JPEG_QUALITY), _same),
}

SLIGHT_CHANGES: dict[str, CameraChange] = {
    f"rotated +{SLIGHT_ROLL_DEG:g}": _geometric(lambda w, h: _rotation(w, h, SLIGHT_ROLL_DEG)),
    f"rotated -{SLIGHT_ROLL_DEG:g}": _geometric(lambda w, h: _rotation(w, h, -SLIGHT_ROLL_DEG)),
    f"shifted {SLIGHT_SHIFT:.0%}": _geometric(_shifted),
    f"jpeg q{SLIGHT_JPEG_QUALITY}": CameraChange(_jpeg(SLIGHT_JPEG_QUALITY), _same),
}
ALL_CHANGES = {**CHANGES, **SLIGHT_CHANGES}


def moved(frame: PoseFrame, change: CameraChange) -> PoseFrame:
    """``frame`` (read on the original picture) with its landmarks, world landmarks and mask
    moved as ``change`` moves the picture: the reading of the changed picture by a detector
    that reads it exactly as well as the original."""
    warp = change.warp(frame.width, frame.height)
    if warp.mirrored:
        return frame.flipped()
    width, height = warp.size
    pixels = cv2.perspectiveTransform(frame.pixels().reshape(-1, 1, 2), warp.matrix)
    mask = None
    if frame.mask is not None:
        mh, mw = frame.mask.shape[:2]
        to_mask = np.diag([mw / frame.width, mh / frame.height, 1.0])
        size = (max(1, round(width * mw / frame.width)), max(1, round(height * mh / frame.height)))
        mask = cv2.warpPerspective(
            frame.mask.astype(np.float32),
            to_mask @ warp.matrix @ np.linalg.inv(to_mask),
            size,
        )
    return replace(
        frame,
        image=pixels.reshape(-1, 2) / np.array([width, height]),
        world=frame.world @ warp.axes.T,
        width=width,
        height=height,
        mask=mask,
    )
