"""The measure kinds (poseguide/core/measures.py): one record each, read by every module."""

import inspect
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from posefixtures import make_frame
from real_landmarks import PHOTOS, real_frame, rotated, turned_chest, turned_head, world
from realdata import POSEDATA

from poseguide.core import angles, checker
from poseguide.core.checker import measure_checks
from poseguide.core.landmarks import PoseFrame
from poseguide.core.measures import ALL, MEASURES
from poseguide.core.templates import load_library

ROOT = Path(__file__).resolve().parents[1]


def test_each_kind_is_listed_once_and_documented_in_the_angle_convention():
    kinds = [m.kind for m in ALL]
    assert len(kinds) == len(set(kinds)) == len(MEASURES)
    convention = (ROOT / "docs" / "angle-convention.md").read_text()
    documented = set(re.findall(r"\*\*([a-z0-9]+)\*\*", convention))
    assert set(kinds) <= documented, set(kinds) - documented


@pytest.mark.parametrize("measure", ALL, ids=lambda m: m.kind)
def test_record_is_consistent(measure):
    low, high = measure.limits
    assert low < high
    assert all(0 <= a < measure.points and 0 <= b < measure.points for a, b in measure.distinct)
    # 3D kinds are not drawn (the figure is flat); every 2D kind has where it may be drawn
    assert (measure.plausible is None) == measure.world
    if measure.plausible is not None:
        assert low <= measure.plausible[0] < measure.plausible[1] <= high


def test_point_counts_match_the_angle_functions():
    """A kind's point count is the arity of the function that measures it."""
    arity = {
        "joint": angles.joint_angle,
        "elevation": angles.elevation,
        "tilt": angles.tilt,
        "ratio": angles.ratio,
        "joint3d": angles.joint_angle3d,
        "elevation3d": angles.elevation3d,
        "rotation3d": angles.rotation3d,
        "facing3d": angles.facing3d,
        "front3d": angles.front3d,
        "turn3d": angles.turn3d,
        "pitch3d": angles.pitch3d,
    }
    for kind, fn in arity.items():
        wanted = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty]
        assert MEASURES[kind].points == len(wanted), kind


def test_world_and_silhouette_kinds_are_nan_without_their_input():
    library = load_library()
    template = library["cat"]  # head dropped (joint3d) and back rounded (curve)
    full = make_frame("cat")
    frame = replace(full, world=np.zeros_like(full.world), mask=None)  # neither world nor mask
    values = measure_checks(frame, template, "left")
    for c, v in zip(template.checks, values, strict=True):
        spec = MEASURES[c.measure]
        if spec.world or spec.on_points is None:
            assert np.isnan(v), c.id
        else:
            assert np.isfinite(v), c.id


def test_an_unknown_kind_is_an_error_not_a_curve():
    library = load_library()
    template = library["sphinx"]
    bad = replace(template, checks=(replace(template.checks[0], measure="wobble"),))
    with pytest.raises(ValueError, match="unknown measure 'wobble'"):
        measure_checks(make_frame("sphinx"), bad, "left")


# The head's turn and nod and the chest's signed turn, on real photos' landmarks
# (tests/real_landmarks.py): a seated photo looking ahead and a square crescent lunge, turned
# in 3D by known angles and read back.


@pytest.mark.realdata
@pytest.mark.parametrize("key", sorted(PHOTOS))
def test_stored_real_landmarks_are_what_the_model_reads(key):
    """The stored numbers are the pose model's reading of the photo, not invented ones."""
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import load_photo

    path, width, height = PHOTOS[key]
    with PoseDetector("photo", segmentation=True) as detector:
        fresh = detector.detect_photo(load_photo(POSEDATA / path))
    stored = real_frame(key)
    assert (fresh.width, fresh.height) == (width, height)
    assert np.abs(fresh.image - stored.image).max() < 0.002
    assert np.abs(fresh.world - stored.world).max() < 0.002
    assert np.abs(fresh.visibility - stored.visibility).max() < 0.002


def _head_turn(frame: PoseFrame, side: str = "left") -> float:
    o = angles.other_side(side)
    names = ("nose", f"{side}_ear", f"{o}_ear", f"{side}_shoulder", f"{o}_shoulder")
    return float(angles.turn3d(*(world(frame, n) for n in names)))


def _chin(frame: PoseFrame) -> float:
    names = ("mid_ear", "nose", "mid_hip", "mid_shoulder")
    return float(angles.pitch3d(*(world(frame, n) for n in names)))


def _chest_turn(frame: PoseFrame, side: str) -> float:
    o = angles.other_side(side)
    names = ("nose", f"{side}_shoulder", f"{o}_shoulder", f"{side}_hip", f"{o}_hip")
    return float(angles.turn3d(*(world(frame, n) for n in names)))


@pytest.mark.parametrize("turn", [-70, -45, -20, 20, 45, 70])
def test_head_turn_reads_back_a_real_head_turned_by_a_known_angle(turn):
    """Turned about the spine (not the measure's own neck axis), the reading moves by the turn
    within 2 degrees, positive towards the named side, and the chin's reading stays."""
    seated = real_frame("SEATED")
    base = _head_turn(seated)
    assert abs(base) < 10  # looking ahead
    moved = turned_head(seated, turn)
    assert _head_turn(moved) - base == pytest.approx(turn, abs=2)
    assert _head_turn(moved, "right") == pytest.approx(-_head_turn(moved), abs=1e-6)
    assert _chin(moved) == pytest.approx(_chin(seated), abs=3)
    # The mirrored picture swaps the sides: the same turn, now to the right.
    assert _head_turn(moved.flipped(), "right") == pytest.approx(_head_turn(moved), abs=1e-6)


@pytest.mark.parametrize("nod", [10, 30, 45])
def test_chin_drop_reads_back_a_real_head_nodded_by_a_known_angle(nod):
    seated = real_frame("SEATED")
    base = _chin(seated)
    assert 0 < base < 21  # looking ahead: the nose a little above the ears
    moved = turned_head(seated, 40, nod)
    assert base - _chin(moved) == pytest.approx(nod, abs=2)
    assert _head_turn(moved) - _head_turn(seated) == pytest.approx(40, abs=4)


def test_neck_stretch_is_held_only_with_the_head_turned_and_the_chin_dropped():
    """The real seated photo as it is (looking ahead) is not the stretch; its head turned 50
    degrees and nodded 35 is, on the side it turned to, also mirrored; turned but not nodded,
    or nodded but not turned, the hold does not count."""
    template = load_library()["neck_rotation"]
    seated = real_frame("SEATED")
    assert not checker.check(seated, template).in_range
    for turn, side in ((50, "left"), (-50, "right")):
        verdict = checker.check(turned_head(seated, turn, 35), template)
        assert verdict.in_range and verdict.side == side, verdict.correction
        mirrored = checker.check(turned_head(seated, turn, 35).flipped(), template)
        assert mirrored.in_range and mirrored.side == angles.other_side(side)
    assert checker.check(turned_head(seated, 50, 0), template).correction == (
        "Let your chin drop towards your chest"
    )
    assert checker.check(turned_head(seated, 0, 35), template).correction == (
        "Slowly turn your head further to the side"
    )


@pytest.mark.parametrize("turn", [20, 35, 50, 65])
def test_chest_turn_reads_back_a_real_lunge_turned_by_a_known_angle(turn):
    """The crescent lunge's left leg is back; its square chest reads about -28 (turned towards
    the front leg: the back hip opens). Turned to the left by a known angle it moves by that
    angle within 3 degrees, and the unsigned rotation3d agrees with its size."""
    lunge = real_frame("LUNGE")
    base = _chest_turn(lunge, "left")
    assert -35 < base < -20
    moved = turned_chest(lunge, turn)
    assert _chest_turn(moved, "left") - base == pytest.approx(turn, abs=3)
    names = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
    size = float(angles.rotation3d(*(world(moved, n) for n in names)))
    assert size == pytest.approx(abs(_chest_turn(moved, "left")), abs=1e-6)


def test_trunk_rotation_is_held_only_turned_towards_the_back_leg():
    """The real lunge as it is, or turned 30 degrees (2 past square), is not the rotation;
    turned 50 towards the back (left) leg it is held on the left side, also mirrored; turned
    50 the other way the chest faces the front leg and it is not."""
    template = load_library()["trunk_rotation"]
    lunge = real_frame("LUNGE")
    assert checker.check(lunge, template).correction == (
        "Turn your chest further towards your back leg"
    )
    assert not checker.check(turned_chest(lunge, 30), template).in_range
    verdict = checker.check(turned_chest(lunge, 50), template)
    assert verdict.in_range and verdict.side == "left", verdict.correction
    mirrored = checker.check(turned_chest(lunge, 50).flipped(), template)
    assert mirrored.in_range and mirrored.side == "right"
    assert not checker.check(turned_chest(lunge, -50), template).in_range


def test_feet_along_the_spine_tell_sitting_on_the_floor_from_a_lunge_whatever_the_roll():
    """along3d: the ankles' place along the body's own up (hips to shoulders), in torso
    lengths. The real lotus has its feet at the hips' height, the real lunge a leg's length
    below; turning the whole body in 3D (a camera rolled or moved round) changes neither."""
    names = ("mid_hip", "mid_ankle", "mid_hip", "mid_shoulder")
    down, up = np.array([0.0, -1.0, 0.0]), np.array([0.0, 2.0, 0.0])
    assert float(angles.along3d(np.zeros(3), down, np.zeros(3), up)) == -0.5
    for key, low, high in (("SEATED", -0.3, 0.1), ("LUNGE", -1.2, -0.6)):
        frame = real_frame(key)
        base = float(angles.along3d(*(world(frame, n) for n in names)))
        assert low < base < high, (key, base)
        for axis in ([0, 0, 1], [1, 0, 0], [0, 1, 0]):
            rolled = rotated(frame, list(range(33)), np.array(axis, float), np.zeros(3), 25.0)
            assert float(angles.along3d(*(world(rolled, n) for n in names))) == pytest.approx(base)
