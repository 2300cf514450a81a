"""The pose model bundle the package ships, and its check before MediaPipe loads it.

Every template was tuned on MediaPipe's full BlazePose model. It ships inside the package
(``models/pose_landmarker_full.task``, Apache-2.0, provenance in ``models/README.md``) so the
app works offline after the install and nothing is fetched at run time; ``python -m
poseguide.vision.pose_model_build`` rebuilds it from the upstream wheel and checks it is the
same file.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

BUNDLE_PATH = Path(__file__).with_name("models") / "pose_landmarker_full.task"
BUNDLE_SHA256 = "7d8b22ec8484b260b8038d0a2579bf3258c9ab621f2e17c13b565f45f01a3488"
DETECTOR = "pose_detector.tflite"
LANDMARKER = "pose_landmarks_detector.tflite"
REBUILD = "python -m poseguide.vision.pose_model_build"


class ModelError(RuntimeError):
    """The pose model bundle is missing or is not the one the templates were tuned on."""


def verified_bundle(path: Path = BUNDLE_PATH, expected: str = BUNDLE_SHA256) -> bytes:
    """The bundle's bytes once they are known to be the shipped model; otherwise a
    :class:`ModelError` that says what is wrong and how to put it right."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(
            f"{path}: the pose model is missing; reinstall poseguide, or rebuild it with "
            f"'{REBUILD}'"
        ) from None
    except OSError as exc:
        raise ModelError(f"{path}: the pose model cannot be read ({exc.strerror})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest == expected:
        return data
    try:
        with zipfile.ZipFile(path) as zf:
            names = sorted(zf.namelist())
    except zipfile.BadZipFile:
        why = "it is not a .task bundle (not a zip file)"
    else:
        wanted = sorted((DETECTOR, LANDMARKER))
        why = (
            f"it holds {names}, expected {wanted}"
            if names != wanted
            else "its models are not the full BlazePose model the templates were tuned on"
        )
    raise ModelError(
        f"{path}: damaged or replaced: {why} (sha256 {digest[:12]}..., expected "
        f"{expected[:12]}...); reinstall poseguide, or rebuild it with '{REBUILD}'"
    )
