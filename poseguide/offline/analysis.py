"""``poseguide analyze``: run a set over a video file, optionally writing an annotated copy.

By default the clip is sampled at ``ANALYZE_FPS`` frames per second: the timer's settle,
grace and gap times are all >= 0.5 s, so 15 samples a second keep hold boundaries within one
sample (67 ms) while halving the model's work on a 30 fps clip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2

from poseguide.core.range_of_motion import MotionRecorder
from poseguide.core.session import ExerciseSet, SetSummary
from poseguide.core.templates import Library, Template
from poseguide.vision.detector import PoseDetector
from poseguide.vision.media import MediaError, iter_video, opencv_name, probe_video
from poseguide.vision.processor import FrameProcessor, needs_mask

ANALYZE_FPS = 15.0
# Containers that take the MPEG-4 frames the annotated video is written in; any other suffix
# would make OpenCV pick another writer (an image sequence) or fail after the work is done.
OUT_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv")


def analyze_video(
    path: str | Path,
    template: Template,
    library: Library,
    out: str | Path | None = None,
    fps: float = ANALYZE_FPS,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    warn: Callable[[str], None] | None = None,
    motion: MotionRecorder | None = None,
) -> SetSummary:
    """The set summary of a whole clip (holds, reps, corrections with their times);
    ``warn`` hears when the clip ends early (a truncated file), so no one takes the result
    for the whole recording; ``motion`` is fed every judged frame (the key measure)."""
    if not (math.isfinite(fps) and fps >= 0):
        raise ValueError(f"fps must be a finite number >= 0, got {fps!r}")
    info = probe_video(path)
    if out is not None:
        opencv_name(Path(out))
    every = 1.0 / fps if fps > 0 else 0.0
    processor = FrameProcessor(template, library, mode="video", draw=out is not None)
    writer = None
    written = 0
    frames: Iterable = iter_video(path, every=every, warn=warn)
    if progress is not None:
        expected = int(info.duration * min(fps or info.fps, info.fps))
        frames = progress(frames, expected)
    try:
        for t, bgr in frames:
            annotated, result = processor.process(bgr, t)
            if motion is not None:
                motion.update(result)
            if out is not None:
                if writer is None:
                    writer = _writer(
                        Path(out),
                        annotated.shape[1],
                        annotated.shape[0],
                        min(fps or info.fps, info.fps),
                    )
                writer.write(annotated)
                written += 1
    finally:
        if writer is not None:
            writer.release()
        processor.close()
    if out is not None:
        _check_written(Path(out), written)
    return processor.finish()


def _check_written(path: Path, frames: int) -> None:
    """OpenCV's writer reports no failure (a full disk leaves a file without its index), so
    the finished video is opened again and its frames counted."""
    cap = cv2.VideoCapture(opencv_name(path))
    try:
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if cap.isOpened() else 0
    finally:
        cap.release()
    if count != frames:
        raise MediaError(
            f"{path}: the annotated video came out incomplete ({count} of {frames} frames "
            "readable); is the disk full?"
        )


def _writer(path: Path, width: int, height: int, fps: float) -> cv2.VideoWriter:
    writer = cv2.VideoWriter(
        opencv_name(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height)
    )
    if not writer.isOpened():
        raise MediaError(f"{path}: cannot write a video here")
    return writer


def analyze_many(
    path: str | Path, templates: list[Template], library: Library, fps: float = ANALYZE_FPS
) -> dict[str, SetSummary]:
    """Summaries of one clip against several templates, running the pose model only once."""
    sets = {t.id: ExerciseSet(t, library) for t in templates}
    segmentation = any(needs_mask(t, library) for t in templates)
    with PoseDetector("video", segmentation=segmentation) as detector:
        for t, bgr in iter_video(path, every=1.0 / fps if fps > 0 else 0.0):
            pose = detector.detect_bgr(bgr, t)
            for s in sets.values():
                s.update(pose, t)
    return {tid: s.finish() for tid, s in sets.items()}
