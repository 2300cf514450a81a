"""Every shipped template accepts a stick figure of its pose and refuses a different pose,
the same way when the picture is mirrored, and sided stretches work on either side."""

import pytest
from library_fixtures import pose_frame

from poseguide.core.checker import Status, check
from poseguide.core.templates import DEFAULT_DIR, load_library

LIB = load_library()
POSE_IDS = sorted(t.id for t in LIB.poses())
SIDED = [tid for tid in POSE_IDS if LIB[tid].target.per_side]

# A different pose each template must refuse: a neighbour it could be confused with.
REFUSE = {
    "tabletop": "cat", "cat": "cow", "cow": "cat", "childs_pose": "tabletop",
    "sphinx": "cobra", "cobra": "sphinx", "knee_to_chest": "double_knee_to_chest",
    "double_knee_to_chest": "knee_to_chest", "pelvic_tilt": "double_knee_to_chest",
    "piriformis": "knee_to_chest", "supine_hip_flexor": "knee_to_chest",
    "thread_the_needle": "tabletop", "seated_twist": "side_stretch",
    "side_stretch": "seated_twist", "standing_back_extension": "standing",
    "prone_back_lift": "sphinx", "neck_rotation": "seated", "trunk_rotation": "lunge",
}  # fmt: skip


def test_every_template_file_loads():
    assert LIB.errors == ()
    assert set(LIB.templates) == {p.stem for p in DEFAULT_DIR.glob("*.toml")}


def test_every_pose_has_a_neighbour_to_refuse():
    assert set(REFUSE) == set(POSE_IDS)


@pytest.mark.parametrize("tid", POSE_IDS)
def test_fixture_of_the_pose_is_accepted(tid):
    verdict = check(pose_frame(tid), LIB[tid])
    assert verdict.in_range, verdict.correction


@pytest.mark.parametrize("tid", POSE_IDS)
def test_fixture_of_another_pose_is_refused(tid):
    verdict = check(pose_frame(REFUSE[tid]), LIB[tid])
    assert verdict.status == Status.OUT_OF_RANGE, verdict.correction


@pytest.mark.parametrize("tid", POSE_IDS)
@pytest.mark.parametrize("fixture", ["own", "other"])
def test_mirrored_fixture_gives_the_same_verdict(tid, fixture):
    pose = tid if fixture == "own" else REFUSE[tid]
    plain = check(pose_frame(pose), LIB[tid])
    mirrored = check(pose_frame(pose, mirror=True), LIB[tid])
    assert mirrored.status == plain.status
    assert mirrored.correction == plain.correction
    assert mirrored.values() == pytest.approx(plain.values(), abs=0.01)


@pytest.mark.parametrize("tid", SIDED)
def test_sided_pose_is_accepted_on_either_side(tid):
    left = check(pose_frame(tid, side="left"), LIB[tid])
    right = check(pose_frame(tid, side="right"), LIB[tid])
    assert left.in_range and right.in_range
    assert (left.side, right.side) == ("left", "right")


def test_best_side_follows_the_hugged_knee_not_the_camera():
    # The far leg hugged and the near leg long: the working side is the far one.
    frame = pose_frame("supine_hip_flexor", side="left")
    verdict = check(frame, LIB["knee_to_chest"])
    assert verdict.in_range, verdict.correction
    assert verdict.side == "right"
