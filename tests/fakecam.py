"""Webcam frames made from real photos: for the callback tests and the browser's fake camera.

The photos stay in the shared posedata folder (they may not be copied into the repository);
tests that need them skip with a reason when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from realdata import POSEDATA

from poseguide.vision.media import letterbox, load_photo

# Checked by hand: a side-on sphinx the sphinx template judges in range on every frame, and a
# side-on plank (same framing) it judges out of range ("Rest your forearms flat...").
IN_FORM = "sphinx/aaiproject__File14.png"
OUT_OF_FORM = "negative/lucapomer__plank_File61.jpg"
# A cat and a cow the cat-cow flow recognises as webcam frames (checked by a probe of every
# cat and cow photo through the live path).
CAT = "cat/aaiproject__File14.png"
COW = "cow/getyourasanamat__file263.jpeg"
# The one shared photo that shows the pause gesture itself (standing, both arms straight
# overhead): a positive for the gesture, not a false fire.
SALUTE = "negative/virtualyogatrainer__10_tadasana_201506-yjmag-upward-salute-modify.jpg"
# Lying on the back, the left knee hugged in (the landmarks' left; the picture unmirrored).
KNEE_LEFT = "knee_to_chest/freeexercisedb__One_Knee_To_Chest_1.jpg"
WIDTH, HEIGHT = 640, 480


def missing_photos() -> str | None:
    """Why the photo-based tests cannot run, or None when they can."""
    for name in (IN_FORM, OUT_OF_FORM, CAT, COW, KNEE_LEFT):
        if not (POSEDATA / name).is_file():
            return f"real photo {POSEDATA / name} is absent (set POSEGUIDE_POSEDATA)"
    return None


def webcam_frame(name: str, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """The photo letterboxed into a BGR webcam-sized frame."""
    bgr = cv2.cvtColor(load_photo(POSEDATA / name), cv2.COLOR_RGB2BGR)
    return letterbox(bgr, (width, height))


def write_mjpeg(path: Path, parts: list[tuple[np.ndarray, float]], fps: int = 30) -> Path:
    """A clip Chromium can loop as its camera: concatenated JPEG frames (``.mjpeg``).

    ``parts`` are (frame, seconds) pairs shown one after the other.
    """
    with open(path, "wb") as out:
        for frame, seconds in parts:
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
            assert ok, "OpenCV could not encode a JPEG"
            data = jpeg.tobytes()
            for _ in range(round(seconds * fps)):
                out.write(data)
    return path
