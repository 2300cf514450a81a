"""Issue 26: real clips fed at 3 to 30 frames a second time the same holds and count the same
repetitions, and a rushed cat-cow counts at none of them.

Each clip is read with the project's video reader and the real detector once, at its full
rate (module fixtures); the set engine is then fed subsets of those PoseFrames with their own
timestamps: evenly spaced, as ``analyze`` samples a clip, and as a slow laptop delivers a
webcam (the newest frame whenever the last one is done, each taking 1/rate s give or take
40 %, and every 5 s one frame 0.8 s late, as on the laptop of the issue; seeded).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pytest
from realdata import POSEDATA, skip_or_fail

from poseguide.core.landmarks import PoseFrame
from poseguide.core.session import ExerciseSet, SetSummary
from poseguide.core.templates import Library, Template
from poseguide.core.timer import EventKind
from poseguide.vision.detector import PoseDetector
from poseguide.vision.media import iter_video
from poseguide.vision.processor import needs_mask

pytestmark = pytest.mark.realdata

Frames = list[tuple[float, PoseFrame | None]]

CHILDS_POSE = "childs_pose/trajnovdworkout__childs_pose.mp4"  # held about 27 s
CAT_COW = "cat_or_cow/trajnovdworkout__cat_cow.mp4"  # a slow cow, then a slow cat (60 fps)
RATES = (3, 5, 10, 30)
SEEDS = (0, 1, 2)
LOOPS = 4  # the cat-cow clip played this often: one slow repetition each time
RUSHED_LOOPS = 10  # and this often for the rushed flow: 20 positions in 12 s
RUSHED_S = 0.6  # each position of the rushed flow, with the move out of it


def detected(name: str, template: Template, library: Library) -> Frames:
    """Every frame of a clip, read and detected once at its full rate."""
    path = POSEDATA / name
    if not path.is_file():
        skip_or_fail(f"clip not found: {path}")
    with PoseDetector("video", segmentation=needs_mask(template, library)) as detector:
        return [(t, detector.detect_bgr(bgr, t)) for t, bgr in iter_video(path)]


@pytest.fixture(scope="module")
def childs_pose(library: Library) -> Frames:
    return detected(CHILDS_POSE, library["childs_pose"], library)


@pytest.fixture(scope="module")
def cat_cow(library: Library) -> Frames:
    return detected(CAT_COW, library["cat_cow"], library)


def looped(once: Frames, times: int) -> Frames:
    """The clip played ``times`` times in a row, each time one frame after the last."""
    step = once[1][0] - once[0][0]
    frames: Frames = []
    for _ in range(times):
        start = frames[-1][0] + step if frames else 0.0
        frames += [(start + t - once[0][0], pose) for t, pose in once]
    return frames


def even(frames: Frames, fps: float) -> Frames:
    """At most ``fps`` frames a second, kept as ``iter_video(every=1 / fps)`` keeps them."""
    kept: Frames = []
    for t, pose in frames:
        if not kept or t - kept[-1][0] + 1e-6 >= 1 / fps:
            kept.append((t, pose))
    return kept


def laptop(frames: Frames, fps: float, seed: int) -> Frames:
    """The frames a slow laptop gets to (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    times = np.array([t for t, _ in frames])
    kept: Frames = []
    now = late = times[0]
    while now <= times[-1]:
        newest = frames[int(np.searchsorted(times, now + 1e-9, side="right")) - 1]
        if not kept or newest[0] > kept[-1][0]:
            kept.append(newest)
        if now - late >= 5.0:
            now = late = now + 0.8
        else:
            now += rng.uniform(0.6, 1.4) / fps
    return kept


def schedules(frames: Frames) -> Iterable[tuple[str, Frames]]:
    for fps in RATES:
        yield f"{fps} fps even", even(frames, fps)
        for seed in SEEDS:
            yield f"{fps} fps laptop {seed}", laptop(frames, fps, seed)


def run(template: Template, library: Library, frames: Frames) -> SetSummary:
    s = ExerciseSet(template, library)
    for t, pose in frames:
        s.update(pose, t)
    return s.finish()


def rushed(frames: Frames, template: Template, library: Library) -> Frames:
    """The flow with each position, and the move out of it, squeezed into ``RUSHED_S``: the
    positions as the set engine sees them at the clip's full rate."""
    s = ExerciseSet(template, library)
    phases = [s.update(pose, t).phase for t, pose in frames]
    starts, last = [0], None
    for i, phase in enumerate(phases):
        if phase is not None and phase != last:
            if last is not None:
                starts.append(i)
            last = phase
    starts.append(len(frames))
    squeezed: Frames = []
    for n, (a, b) in enumerate(zip(starts, starts[1:], strict=False)):
        t0 = frames[a][0]
        t1 = frames[b][0] if b < len(frames) else frames[-1][0] + (frames[1][0] - frames[0][0])
        squeezed += [((n + (t - t0) / (t1 - t0)) * RUSHED_S, pose) for t, pose in frames[a:b]]
    return squeezed


def test_a_held_childs_pose_is_one_hold_of_the_same_length_at_every_frame_rate(
    childs_pose: Frames, library: Library
) -> None:
    """A 0.8 s wait for a frame split this hold (the timer ended a hold at gaps over 0.75 s);
    an unseen stretch shorter than the 1 s grace could only hide a dip the grace bridges."""
    template = library["childs_pose"]
    held = {}
    for label, frames in schedules(childs_pose):
        summary = run(template, library, frames)
        print(f"{label}: {[round(s.seconds, 2) for s in summary.segments]}")
        assert len(summary.segments) == 1, (label, summary.segments)
        held[label] = summary.held
    assert max(held.values()) - min(held.values()) <= 1.0, held
    assert min(held.values()) > 20.0, held


def test_a_slow_cat_cow_counts_the_same_at_every_frame_rate(
    cat_cow: Frames, library: Library
) -> None:
    template = library["cat_cow"]
    for label, frames in schedules(looped(cat_cow, LOOPS)):
        summary = run(template, library, frames)
        said = [
            e.kind for e in summary.events if e.kind in (EventKind.TOO_FAST, EventKind.PACE_UNKNOWN)
        ]
        print(f"{label}: {summary.reps} reps, {said}")
        assert summary.reps == LOOPS and not said, label


def test_a_rushed_cat_cow_counts_nothing_at_any_frame_rate(
    cat_cow: Frames, library: Library
) -> None:
    """0.6 s a position: the issue's page said "Too fast" yet counted 1, 2, 3. Never counted
    here, and always told too fast or that the frames are too few to judge the pace."""
    template = library["cat_cow"]
    flow = rushed(looped(cat_cow, RUSHED_LOOPS), template, library)
    assert flow[-1][0] == pytest.approx(2 * RUSHED_LOOPS * RUSHED_S, abs=RUSHED_S)
    for label, frames in schedules(flow):
        summary = run(template, library, frames)
        said = [
            e.kind for e in summary.events if e.kind in (EventKind.TOO_FAST, EventKind.PACE_UNKNOWN)
        ]
        print(f"{label}: {summary.reps} reps, {said}")
        assert summary.reps == 0 and said, label
