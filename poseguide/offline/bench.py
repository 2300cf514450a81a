"""``poseguide bench``: per-stage cost of the real-time pipeline on this machine.

Stages per frame: decode (reading the video), pose (MediaPipe), logic (angles, checker,
timer), draw (overlay). ``overhead_ms`` is everything but decoding and the model: the part
this project controls, with a 2 ms budget. Peak memory is the process's max resident size.
The bare model's rate on the same frames, measured in the same run, is printed beside the
pipeline's with their ratio.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from poseguide.core.templates import Library, Template
from poseguide.vision.detector import PoseDetector
from poseguide.vision.media import iter_video, probe_video
from poseguide.vision.processor import FrameProcessor, needs_mask


def timed_frames(path: Path, limit: int) -> Iterator[tuple[float, np.ndarray, float]]:
    """(t, frame, seconds spent decoding it) for up to ``limit`` frames."""
    frames = iter_video(path)
    for _ in range(limit):
        t0 = time.perf_counter()
        try:
            t, bgr = next(frames)
        except StopIteration:
            return
        yield t, bgr, time.perf_counter() - t0


def run_bench(
    path: Path, template: Template, library: Library, limit: int = 300, loops: int = 1
) -> dict:
    """Process up to ``limit`` frames of ``path`` ``loops`` times; figures in ms per frame.

    Each frame also goes through the bare model alone (one pass over the frame as decoded,
    same settings), interleaved with the pipeline so both see the same machine load: their
    rates and ratio say what the pipeline costs beyond the model."""
    if limit < 1 or loops < 1:
        raise ValueError(f"limit and loops must be at least 1, got {limit} and {loops}")
    probe_video(path)  # a file that cannot be used is said before the model is built
    processor = FrameProcessor(template, library, mode="video", draw=True, keep_samples=True)
    bare = PoseDetector("video", segmentation=needs_mask(template, library))
    decode: list[float] = []
    model: list[float] = []
    wall0 = time.perf_counter()
    offset = 0.0
    try:
        for _ in range(loops):
            last = 0.0
            for t, bgr, dt in timed_frames(path, limit):
                decode.append(dt)
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                t0 = time.perf_counter()
                bare.detect_plain(rgb, offset + t)
                model.append(time.perf_counter() - t0)
                processor.process(bgr, offset + t)
                last = t
            offset += last + 1.0
        wall = time.perf_counter() - wall0
    finally:
        processor.close()
        bare.close()
    samples = processor.times.samples
    frames = processor.times.frames
    ms = {"decode": 1000 * float(np.mean(decode))} if decode else {"decode": 0.0}
    for stage in ("pose", "logic", "draw"):
        ms[stage] = 1000 * float(np.mean(samples[stage])) if samples[stage] else 0.0
    p95 = {k: 1000 * float(np.percentile(v, 95)) for k, v in samples.items() if v}
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pipeline_s = sum(sum(v) for v in samples.values())
    model_fps = len(model) / sum(model) if model and sum(model) > 0 else 0.0
    pipeline_fps = frames / pipeline_s if pipeline_s > 0 else 0.0
    return {
        "video": str(path),
        "pose_template": template.id,
        "frames": frames,
        "fps": frames / wall if wall > 0 else 0.0,
        "model_fps": round(model_fps, 1),
        "pipeline_fps": round(pipeline_fps, 1),
        "pipeline_to_model": round(pipeline_fps / model_fps, 3) if model_fps else 0.0,
        "ms": {k: round(v, 3) for k, v in ms.items()},
        "p95_ms": {k: round(v, 3) for k, v in p95.items()},
        "overhead_ms": round(ms["logic"] + ms["draw"], 3),
        "peak_mb": round(peak_kb / 1024 if sys.platform != "darwin" else peak_kb / 2**20, 1),
    }


def table(report: dict) -> str:
    ms = report["ms"]
    rows = [
        ("stage", "mean ms", "p95 ms"),
        *[
            (k, f"{ms[k]:.2f}", f"{report['p95_ms'].get(k, 0):.2f}" if k != "decode" else "-")
            for k in ("decode", "pose", "logic", "draw")
        ],
        ("overhead (logic+draw)", f"{report['overhead_ms']:.2f}", ""),
    ]
    lines = [f"{a:24s} {b:>8s} {c:>8s}" for a, b, c in rows]
    lines.append(
        f"frames: {report['frames']}   fps: {report['fps']:.1f}   "
        f"peak memory: {report['peak_mb']:.0f} MB"
    )
    lines.append(
        f"bare model: {report['model_fps']:.1f} frames/s   pipeline (model, logic, "
        f"draw): {report['pipeline_fps']:.1f} frames/s   ratio: "
        f"{report['pipeline_to_model']:.2f} (goal >= 0.90)"
    )
    return "\n".join(lines)


# The default clip: a sphinx held side-on, then a person standing (the hold ends), both real
# photos from the shared posedata folder; tests assemble their clips from the same two.
CLIP_PHOTOS = (
    ("sphinx/aaiproject__File13.png", 6.0),
    ("negative/getyourasanamat__mountain_file1.jpeg", 4.0),
)


def assembled_clip(
    folder: Path, posedata: Path, size: tuple[int, int] = (640, 480), fps: int = 30
) -> Path:
    """A clip of ``CLIP_PHOTOS`` letterboxed as webcam frames, each frame shifted by a few
    pixels so the model sees a person who is alive, written to ``folder/bench.mp4``."""
    import cv2

    from poseguide.vision.media import MediaError, letterbox, load_photo

    missing = [str(posedata / p) for p, _ in CLIP_PHOTOS if not (posedata / p).is_file()]
    if missing:
        raise MediaError(f"{missing[0]}: not found; give a VIDEO or --posedata")
    path = folder / "bench.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    rng = np.random.default_rng(0)
    for photo, seconds in CLIP_PHOTOS:
        base = letterbox(load_photo(posedata / photo)[:, :, ::-1], size)
        for _ in range(round(fps * seconds)):
            m = np.array([[1, 0, rng.normal(0, 2)], [0, 1, rng.normal(0, 2)]], np.float32)
            writer.write(cv2.warpAffine(base, m, size))
    writer.release()
    return path
