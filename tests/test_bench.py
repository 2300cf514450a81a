"""``bench`` reports the bare model beside the pipeline; frames are scaled before the model.
No speed is asserted here: the figures are printed by ``poseguide bench``."""

from __future__ import annotations

from pathlib import Path

import cv2
import fakecam
import numpy as np
import pytest
from realdata import skip_or_fail

from poseguide.core.templates import Library
from poseguide.offline.bench import run_bench, table
from poseguide.vision.detector import MODEL_LONG_SIDE, PoseDetector, scaled_for_model


def test_frames_are_scaled_to_the_model_size_and_small_ones_left_alone() -> None:
    big = np.zeros((1280, 720, 3), np.uint8)
    assert scaled_for_model(big).shape == (MODEL_LONG_SIDE, 360, 3)
    small = np.zeros((480, 640, 3), np.uint8)
    assert scaled_for_model(small) is small


@pytest.mark.realdata
def test_a_scaled_frame_keeps_its_own_size_and_landmarks() -> None:
    reason = fakecam.missing_photos()
    if reason:
        skip_or_fail(reason)
    frame = fakecam.webcam_frame(fakecam.IN_FORM, 1280, 960)
    with PoseDetector("video") as scaled, PoseDetector("video") as plain:
        a = scaled.detect_bgr(frame, 0.0)
        b = plain.detect_plain(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), 0.0)
    assert a is not None and b is not None
    assert (a.width, a.height) == (1280, 960)
    assert np.abs(a.image - b.image).max() < 0.03  # relative landmarks: the same places


@pytest.mark.realdata
def test_bench_prints_the_bare_model_beside_the_pipeline(library: Library, tmp_path: Path) -> None:
    reason = fakecam.missing_photos()
    if reason:
        skip_or_fail(reason)
    clip = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 30, (720, 1280))
    frame = fakecam.webcam_frame(fakecam.CAT, 720, 1280)
    for _ in range(12):
        writer.write(frame)
    writer.release()
    report = run_bench(clip, library["cat_cow"], library, limit=12)
    assert report["frames"] == 12 and report["model_fps"] > 0 and report["pipeline_fps"] > 0
    ratio = report["pipeline_fps"] / report["model_fps"]
    assert report["pipeline_to_model"] == pytest.approx(ratio, abs=0.01)
    text = table(report)
    assert "bare model:" in text and "ratio:" in text and "goal >= 0.90" in text
