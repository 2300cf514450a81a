"""Hands-free pause: both hands above the head while standing, held 2 s.

Unit tests step the detector with fake timestamps; the realdata tests are the proof the issue
asks for: no false fire on any shared photo or clip, and a fire within 3 s on a clip of
someone making the gesture (assembled from photos: no such clip exists).
"""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest
from fakecam import SALUTE
from posefixtures import make_frame
from realdata import POSEDATA, STANDING, clip_frames

from poseguide.core.gesture import HOLD_S, HandsUpGesture, hands_up
from poseguide.core.landmarks import INDEX
from poseguide.core.stick_figure import solve, to_frame
from poseguide.core.templates import load_library

ARMS_UP = {"elbow": (0.52, 0.12), "wrist": (0.53, 0.01)}


def up(t: float = 0.0):
    return make_frame("standing", t=t, overrides=ARMS_UP)


def test_one_frame_needs_standing_and_both_hands_high():
    assert hands_up(up())
    assert not hands_up(make_frame("standing"))  # arms down
    image = up().image.copy()  # one hand up: the far arm lowered to the hip
    image[INDEX["right_wrist"]] = (0.5, 0.5)
    image[INDEX["right_elbow"]] = (0.5, 0.38)
    assert not hands_up(replace(up(), image=image))
    bent_knees = make_frame("standing", overrides={**ARMS_UP, "knee": (0.62, 0.70)})
    assert not hands_up(bent_knees)
    assert not hands_up(None)
    assert not hands_up(replace(up(), people=2))


def test_no_figure_of_a_library_pose_is_the_gesture():
    for template in load_library().poses():
        assert not hands_up(to_frame(solve(template))), template.id


def test_fires_once_after_the_hold_and_rearms_after_hands_down():
    g = HandsUpGesture()
    fired = [t for i in range(40) if g.update(up(), t := i * 0.1)]
    assert fired == [pytest.approx(HOLD_S)]  # once, not again while the arms stay up
    assert not any(g.update(make_frame("standing"), 4.0 + i * 0.1) for i in range(10))
    fired = [t for i in range(30) if g.update(up(), t := 5.0 + i * 0.1)]
    assert fired == [pytest.approx(5.0 + HOLD_S)]


def test_a_short_dropout_keeps_the_hold_and_a_long_one_restarts_it():
    g = HandsUpGesture()
    frames = [(i * 0.1, up()) for i in range(10)] + [(1.0, None), (1.1, None)]
    frames += [(1.2 + i * 0.1, up()) for i in range(10)]
    fired = [t for t, f in frames if g.update(f, t)]
    assert fired == [pytest.approx(2.0)]
    g = HandsUpGesture()
    frames = [(i * 0.1, up()) for i in range(15)] + [
        (1.5 + i * 0.1, make_frame("standing")) for i in range(5)
    ]
    frames += [(2.0 + i * 0.1, up()) for i in range(25)]
    fired = [t for t, f in frames if g.update(f, t)]
    assert fired == [pytest.approx(4.0)]


@pytest.mark.parametrize("fps", [3, 5, 10, 30])
def test_the_gesture_is_timed_in_seconds_at_any_frame_rate(fps):
    """At 3 frames/s the frames are 0.33 s apart: more than a dropout, yet no break (a gap
    of 0.3 s between frames restarted the hold at every frame, so it never fired)."""
    g = HandsUpGesture()
    fired = [t for i in range(4 * fps) if g.update(up(), t := i / fps)]
    assert len(fired) == 1 and HOLD_S <= fired[0] < HOLD_S + 1 / fps + 1e-9
    g = HandsUpGesture()  # a frozen camera (no frame for 1.5 s) restarts it
    frames = [(i / fps, up()) for i in range(fps)] + [(2.5 + i / fps, up()) for i in range(fps)]
    assert not any(g.update(f, t) for t, f in frames)


def _manifest() -> list[dict[str, str]]:
    with open(POSEDATA / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.realdata
def test_no_false_fire_on_any_shared_photo():
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import load_photo

    photos = [r["file"] for r in _manifest() if r["kind"].startswith("image")]
    with PoseDetector("photo") as detector:
        showing = [p for p in photos if hands_up(detector.detect_photo(load_photo(POSEDATA / p)))]
    print(f"\nhands up in {len(showing)} of {len(photos)} photos: {showing}")
    assert len(photos) > 250
    assert showing == [SALUTE]


@pytest.mark.realdata
def test_no_false_fire_on_any_shared_clip():
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import iter_video

    clips = [r["file"] for r in _manifest() if r["kind"] == "video"]
    frames = fires = 0
    for clip in clips:
        gesture = HandsUpGesture()
        with PoseDetector("video") as detector:
            for t, bgr in iter_video(POSEDATA / clip, every=0.2):
                frames += 1
                if gesture.update(detector.detect_bgr(bgr, t), t):
                    fires += 1
                    print(f"\nfired in {clip} at {t:.1f} s")
    print(f"\n{fires} fires in {len(clips)} clips ({frames} frames at 5 per second)")
    assert len(clips) >= 12 and frames > 1500
    assert fires == 0


@pytest.mark.realdata
def test_fires_within_3_s_on_a_clip_of_the_gesture():
    from poseguide.vision.detector import PoseDetector

    fps = 15.0
    frames = clip_frames([(STANDING, 2.0), (SALUTE, 4.0), (STANDING, 2.0)], fps=fps)
    gesture = HandsUpGesture()
    fired = []
    with PoseDetector("video") as detector:
        for i, bgr in enumerate(frames):
            t = i / fps
            if gesture.update(detector.detect_bgr(bgr, t), t):
                fired.append(t)
    print(f"\nfired at {fired} s; the arms go up at 2.0 s")
    assert len(fired) == 1 and 2.0 + HOLD_S <= fired[0] <= 2.0 + 3.0


def test_the_help_picture_of_the_gesture_is_the_gesture():
    from poseguide.core.checker import check
    from poseguide.core.gesture import GESTURE

    frame = to_frame(solve(GESTURE))
    assert check(frame, GESTURE).in_range and hands_up(frame)
