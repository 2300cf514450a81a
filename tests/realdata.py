"""Where the real photos and clips live, and clips assembled from them for tests.

The data stay in ../shared/posedata (copyright varies: never copied into this repo); tests
that need them are marked ``realdata`` and skip when the folder is absent (conftest.py),
except in CI, where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import cv2
import numpy as np
import pytest

from poseguide.offline.bench import CLIP_PHOTOS
from poseguide.vision import media

POSEDATA = Path(
    os.environ.get(
        "POSEGUIDE_POSEDATA", Path(__file__).resolve().parents[2] / "shared" / "posedata"
    )
)
# Photos used to assemble clips (side-on, whole body, in clear form): the bench clip's two.
SPHINX, STANDING = (photo for photo, _ in CLIP_PHOTOS)
# A deep cobra with the head thrown back: read plainly, its hips and knees land off the body.
MISREAD_COBRA = "cobra/virtualyogatrainer__1-0.png"


IN_CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason``; in CI (``CI=true``) a missing photo folder or browser is a
    failure instead, so a run without them cannot go green."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required there, not skipped)", pytrace=False)
    pytest.skip(reason)


def letterbox(path: Path, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """The photo scaled into a black BGR frame of ``size``, as a webcam would deliver it."""
    image = cv2.imread(str(path))
    if image is None:
        raise FileNotFoundError(path)
    return media.letterbox(image, size)


def clip_frames(
    spans: list[tuple[str, float]], fps: float = 30.0, jitter: float = 2.0, seed: int = 0
) -> list[np.ndarray]:
    """Frames of a clip made of (photo, seconds) spans, each frame shifted by a few pixels
    so the model sees a person who is alive, not a frozen picture."""
    rng = np.random.default_rng(seed)
    frames = []
    for photo, seconds in spans:
        base = letterbox(POSEDATA / photo)
        for _ in range(round(seconds * fps)):
            dx, dy = rng.normal(0, jitter, 2)
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            frames.append(cv2.warpAffine(base, m, (base.shape[1], base.shape[0])))
    return frames


def write_clip(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for f in frames:
        writer.write(f)
    writer.release()
    return path
