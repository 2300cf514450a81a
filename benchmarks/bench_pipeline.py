"""Benchmark of the real-time budget; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_pipeline.py [--minutes 30]

1. ``poseguide bench`` for a hold (sphinx) and a flow with the silhouette (cat-cow) on a clip
   assembled from the real photos: per-stage ms, frames/s, peak memory.
2. A soak of everything but the model: ``--minutes`` of 30 fps frames (the landmarks of real
   photos of a cat, a tabletop, a cow and another pose, each read once by the model: in and
   out of form, a cat-cow flow) through the set engine and the overlay, with Python's heap
   measured at each simulated minute, to show memory stays flat over a session.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

import numpy as np

from poseguide.cli.main import main as cli
from poseguide.core.landmarks import PoseFrame
from poseguide.core.session import ExerciseSet
from poseguide.core.templates import load_library
from poseguide.vision import overlay
from poseguide.vision.detector import PoseDetector
from poseguide.vision.media import PHOTO_SUFFIXES, load_photo

POSEDATA = Path(__file__).resolve().parents[2] / "shared" / "posedata"
SOAK_LABELS = ("cat", "tabletop", "cow", "negative")


def first_pose(folder: Path, detector: PoseDetector) -> PoseFrame:
    """The landmarks of the first photo (by name) in ``folder`` in which a person is found."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in PHOTO_SUFFIXES:
            pose = detector.detect_photo(load_photo(path))
            if pose is not None:
                return pose
    raise SystemExit(f"{folder}: no photo with a person in it")


def soak(minutes: float, posedata: Path) -> dict:
    library = load_library()
    template = library["cat_cow"]
    engine = ExerciseSet(template, library)
    with PoseDetector(mode="photo", segmentation=True) as detector:
        poses = [first_pose(posedata / label, detector) for label in SOAK_LABELS]
    canvas = np.zeros((480, 640, 3), np.uint8)
    tracemalloc.start()
    heap_mb = []
    logic_s = 0.0  # a running sum: a per-frame list would itself grow the heap
    frames = int(minutes * 60 * 30)
    for i in range(frames):
        t = i / 30
        pose = poses[int(t / 2.5) % len(poses)]
        t0 = time.perf_counter()
        result = engine.update(pose, t)
        t1 = time.perf_counter()
        if i % 30 == 0:  # draw once a simulated second to keep the soak short
            overlay.draw(canvas, result, template.target.hold_s, template.target.reps, True)
        logic_s += t1 - t0
        if i % (60 * 30) == 0:
            heap_mb.append(tracemalloc.get_traced_memory()[0] / 2**20)
    tracemalloc.stop()
    summary = engine.finish()
    return {
        "simulated_minutes": minutes,
        "frames": frames,
        "logic_ms_mean_under_tracemalloc": round(1000 * logic_s / frames, 3),
        "heap_mb_first_minute": round(heap_mb[1] if len(heap_mb) > 1 else heap_mb[0], 2),
        "heap_mb_last_minute": round(heap_mb[-1], 2),
        "reps": summary.reps,
        "events_kept": len(summary.events),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--posedata", type=Path, default=POSEDATA, help="the real photos")
    args = parser.parse_args()
    for pose in ("sphinx", "cat_cow"):
        print(f"== poseguide bench --pose {pose}")
        cli(["bench", "--pose", pose, "--posedata", str(args.posedata)])
    print("== soak (set engine + overlay, no model)")
    print(json.dumps(soak(args.minutes, args.posedata), indent=2))


if __name__ == "__main__":
    main()
