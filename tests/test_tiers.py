"""Gate and refine checks: what stops the hold timer, and which correction is spoken."""

from pathlib import Path

import numpy as np
import pytest
from posefixtures import make_frame

from poseguide.core.checker import Status, check, judge
from poseguide.core.session import ExerciseSet
from poseguide.core.templates import TemplateError, Tier, load_library, parse_template
from poseguide.core.timer import EventKind

LIB = load_library()
DT = 1 / 30
SHRUG = "Relax your shoulders away from your ears"
# The ears pulled down onto the shoulders of the sphinx figure.
SHRUGGED = {"ear": (0.35, 0.52)}


def feed(s, frames):
    return [s.update(make_frame(pose, t=t, **kw), t) for t, (pose, kw) in frames]


def timeline(spans):
    t, out = 0.0, []
    for pose, kw, seconds in spans:
        for _ in range(round(seconds / DT)):
            t += DT
            out.append((t, (pose, kw)))
    return out


def test_failing_refine_check_keeps_the_pose_in_range_with_a_refinement():
    v = check(make_frame("sphinx", overrides=SHRUGGED), LIB["sphinx"])
    assert v.status == Status.IN_RANGE
    assert v.refinement == SHRUG
    assert v.correction is None
    failing = [r.check for r in v.results if not r.ok]
    assert [c.tier for c in failing] == [Tier.REFINE]


def test_failing_gate_stops_the_pose_and_its_cue_wins_over_a_refinement():
    # Hips lifted (a gate) and shoulders shrugged (a refinement) at once.
    v = check(make_frame("sphinx", overrides={**SHRUGGED, "hip": (0.62, 0.55)}), LIB["sphinx"])
    assert v.status == Status.OUT_OF_RANGE
    assert v.refinement is None
    assert v.correction != SHRUG
    gate_cues = {r.cue for r in v.results if not r.ok and r.check.tier == Tier.GATE}
    assert v.correction in gate_cues


def test_hold_keeps_counting_while_a_refinement_is_spoken():
    s = ExerciseSet(LIB["sphinx"], LIB)
    results = feed(s, timeline([("sphinx", {}, 2.0), ("sphinx", {"overrides": SHRUGGED}, 8.0)]))
    cues = [e for r in results for e in r.events if e.kind == EventKind.CUE]
    assert [e.text for e in cues][:1] == [SHRUG]
    assert all(r.holding for r in results if r.t > 1.0)
    assert s.finish().held == pytest.approx(10.0 - DT, abs=0.05)


def test_gate_failure_stops_the_hold_and_speaks_the_gate_cue():
    s = ExerciseSet(LIB["sphinx"], LIB)
    lifted = {"overrides": {"hip": (0.62, 0.55)}}
    results = feed(s, timeline([("sphinx", {}, 3.0), ("sphinx", lifted, 5.0)]))
    cues = [e.text for r in results for e in r.events if e.kind == EventKind.CUE]
    assert cues and cues[0] == results[-1].verdict.correction != SHRUG
    assert not results[-1].holding
    assert s.finish().held == pytest.approx(3.0 - DT, abs=0.05)


def test_no_refinement_is_spoken_while_the_form_is_good():
    s = ExerciseSet(LIB["sphinx"], LIB)
    results = feed(s, timeline([("sphinx", {}, 10.0)]))
    assert [e for r in results for e in r.events if e.kind == EventKind.CUE] == []
    assert results[-1].verdict.refinement is None


def test_every_template_marks_every_check_and_has_a_gate():
    for t in LIB.poses():
        text = Path(t.path).read_text()
        assert text.count("[[checks]]") == text.count("\ntier = "), t.id
        assert any(c.tier == Tier.GATE for c in t.checks), t.id


def test_unknown_tier_is_a_clear_error():
    data = {
        "id": "x", "name": "X", "view": "side", "how_to": "Do it.", "target": {"hold_s": 5},
        "checks": [{"id": "a", "name": "a", "measure": "joint", "points": ["hip", "knee", "ankle"],
                    "range": [0, 90], "too_low": "up", "too_high": "down", "tier": "soft"}],
    }  # fmt: skip
    with pytest.raises(TemplateError, match=r"x.toml: checks\[0\].tier: expected one of"):
        parse_template(data, Path("x.toml"))


def test_face_up_fold_is_not_childs_pose():
    """A lying-on-the-back twist can look like a fold side-on; only 3D says it faces up."""
    assert check(make_frame("childs_pose"), LIB["childs_pose"]).in_range
    v = check(make_frame("childs_pose", front="up"), LIB["childs_pose"])
    assert v.status == Status.OUT_OF_RANGE
    assert v.correction == "Turn over onto your knees and fold forward, chest towards the floor"


def test_a_refinement_on_a_hidden_joint_is_skipped_not_blocking():
    """Sphinx's ears only feed a refinement: hidden, the pose is still judged, without it."""
    from dataclasses import replace

    from poseguide.core.landmarks import INDEX

    shrugged = make_frame("sphinx", overrides=SHRUGGED)
    seen = check(shrugged, LIB["sphinx"])
    assert seen.in_range and seen.refinement == SHRUG
    vis = shrugged.visibility.copy()
    vis[[INDEX["left_ear"], INDEX["right_ear"]]] = 0.1
    hidden = check(replace(shrugged, visibility=vis), LIB["sphinx"])
    assert hidden.in_range and hidden.refinement is None


# Gates in an ``either`` group are alternatives: the seated twist shows by a raised knee or,
# with both legs folded to one side, by a turn too large to be the 3D landmarks' noise. The
# body is a real photo's reading (tests/real_landmarks.py): a lotus facing the camera, both
# knees low, with its elbows set at the opposite knees as the twist's hands hold them.
def _lotus_holding_the_knees(turn: float):
    from dataclasses import replace

    from real_landmarks import real_frame, turned_chest

    from poseguide.core.landmarks import INDEX

    frame = real_frame("SEATED")
    image = frame.image.copy()
    image[INDEX["left_elbow"]] = image[INDEX["right_knee"]] + (0.0, -0.05)
    image[INDEX["right_elbow"]] = image[INDEX["left_knee"]] + (0.0, -0.05)
    frame = replace(frame, image=image)
    return turned_chest(frame, turn) if turn else frame


@pytest.mark.parametrize("turn", [0.0, 12.0, 17.0])
def test_folded_legs_square_or_in_the_noise_band_are_not_a_twist(turn):
    """No knee raised and a turn up to what sitting square reads (0.5-13.5 as photographed, up
    to 18 under camera changes; the fixture reads the turn plus 1.4): refused, with the pose's
    own instruction, as neither alternative holds."""
    v = check(_lotus_holding_the_knees(turn), LIB["seated_twist"])
    assert v.status == Status.OUT_OF_RANGE
    assert v.correction == "Bend one knee and set that foot flat on the floor"
    failing = {r.check.id for r in v.results if not r.ok}
    assert {"knee_raised", "clear_turn"} <= failing


@pytest.mark.parametrize("turn", [25.0, 30.0, -30.0])
def test_folded_legs_with_a_clear_turn_are_a_twist_without_asking_for_a_knee(turn):
    v = check(_lotus_holding_the_knees(turn), LIB["seated_twist"])
    assert v.in_range, v.correction
    knee = next(r for r in v.results if r.check.id == "knee_raised")
    assert knee.value < knee.check.low and knee.ok  # met by its alternative
    assert v.refinement is None  # nor told to raise the knee while it holds


def _either_template(groups: list[str]):
    checks = [
        {"id": f"c{i}", "name": f"c{i}", "measure": "joint", "points": ["hip", "knee", "ankle"],
         "range": [0, 90], "too_low": "up", "too_high": "down", "either": g}
        for i, g in enumerate(groups)
    ]  # fmt: skip
    data = {"id": "x", "name": "X", "view": "side", "how_to": "Do it.", "target": {"hold_s": 5},
            "checks": checks}  # fmt: skip
    return data


def test_an_either_group_of_one_gate_is_a_clear_error():
    with pytest.raises(TemplateError, match=r"x.toml: checks: expected each 'either' group"):
        parse_template(_either_template(["g", "h", "h"]), Path("x.toml"))
    assert parse_template(_either_template(["g", "g", ""]), Path("x.toml")).checks[0].either == "g"


def test_a_refinement_cannot_be_an_alternative():
    data = _either_template(["g", "g"])
    data["checks"][1]["tier"] = "refine"
    with pytest.raises(TemplateError, match=r"checks\[1\].either: expected no group on a refine"):
        parse_template(data, Path("x.toml"))


def test_an_either_group_counts_once_in_the_misfit():
    """Picking the likelier template or side adds up deviations: a group adds only its
    nearest member's, as the pose needs only that one."""
    from poseguide.core.checker import total_deviation

    t = parse_template(_either_template(["g", "g", ""]), Path("x.toml"))
    # c0 10 degrees out, c1 30 out, c2 20 out: 1.0 (nearest of the group) + 2.0
    assert total_deviation(t.checks, [100.0, 120.0, 110.0]) == pytest.approx(3.0)


def _values(pose: str, **given: float) -> list[float]:
    """Every check of ``pose`` at the middle of its range, but for ``given``."""
    t = LIB[pose]
    return [given.get(c.id, (c.low + c.high) / 2) for c in t.checks]


@pytest.mark.parametrize(("back", "held"), [(0.05, True), (0.02, False)])
def test_a_clearly_rounded_back_is_cat_though_the_head_hangs_only_a_little(back, held):
    """Two held-out cats read 108-110 at the head among tabletops at 105-109; their backs
    (0.047, 0.064) bulge past tabletop's flat band, where the tabletops' (up to 0.020) do not."""
    values = _values("cat", head_down=108, head_below=-35, back_rounded=back, back_arched=back)
    v = judge(LIB["cat"], "left", np.array(values))
    assert v.in_range is held
    if not held:
        assert v.correction in ("Let your head drop, chin towards your chest",
                                "Round your back up towards the ceiling")  # fmt: skip


@pytest.mark.parametrize(("arm", "held"), [(40, True), (75, True), (100, False)])
def test_the_other_arm_may_rest_along_the_leg_but_not_reach_up(arm, held):
    """Sitting on the floor the lower hand slides along the outstretched leg (60-75 degrees
    from the trunk); past the shoulder's height both arms reach over."""
    v = judge(LIB["side_stretch"], "left", np.array(_values("side_stretch", other_arm_down=arm)))
    assert v.in_range is held
    if not held:
        assert (
            v.correction == "Lower your other arm and rest the hand on your hip, thigh or the floor"
        )


@pytest.mark.parametrize(("chest", "held"), [(0, True), (9.6, True), (14, True), (25, False)])
def test_a_chest_on_a_bolster_is_childs_pose_but_hovering_is_not(chest, held):
    v = judge(LIB["childs_pose"], "left", np.array(_values("childs_pose", chest_down=chest)))
    assert v.in_range is held


def test_folded_legs_with_the_feet_behind_the_hip_still_sit_with_the_legs_ahead():
    """Both legs folded to one side put the feet beside or behind the hip (a held-out twist
    read 124 degrees to the ankles); the knees still point forward, which the gate reads."""
    from dataclasses import replace

    from real_landmarks import world

    from poseguide.core.landmarks import INDEX

    frame = _lotus_holding_the_knees(30.0)
    hips = world(frame, "left_hip") - world(frame, "right_hip")
    up = world(frame, "mid_shoulder") - world(frame, "mid_hip")
    front = np.cross(hips, up)
    front /= np.linalg.norm(front)
    points = frame.world.copy()
    for name in ("left_ankle", "right_ankle", "left_heel", "right_heel"):
        ahead = (points[INDEX[name]] - world(frame, "mid_hip")) @ front
        points[INDEX[name]] -= 2 * ahead * front  # mirrored behind the hips' plane
    v = check(replace(frame, world=points), LIB["seated_twist"])
    legs = next(r for r in v.results if r.check.id == "legs_ahead")
    assert legs.ok and legs.value < 90
    assert v.in_range, v.correction
