"""The angle convention, side choice and the silhouette curvature."""

import numpy as np
import pytest
from posefixtures import make_frame

from poseguide.core import angles
from poseguide.core.silhouette import back_curvature

P = np.array


def test_joint_angle_straight_right_and_folded():
    assert angles.joint_angle(P([0, 0]), P([1, 0]), P([2, 0])) == pytest.approx(180)
    assert angles.joint_angle(P([0, 1]), P([0, 0]), P([1, 0])) == pytest.approx(90)
    assert angles.joint_angle(P([1, 0.01]), P([0, 0]), P([1, 0])) == pytest.approx(0.573, abs=0.01)


def test_joint_angle_vectorised():
    a = P([[0, 1], [1, 0]])
    b = P([[0, 0], [0, 0]])
    c = P([[1, 0], [-1, 0]])
    np.testing.assert_allclose(angles.joint_angle(a, b, c), [90, 180])


def test_elevation_is_up_positive_and_mirror_free():
    # image y points down: q above p means smaller y
    assert angles.elevation(P([0, 1]), P([1, 0])) == pytest.approx(45)
    assert angles.elevation(P([0, 1]), P([-1, 0])) == pytest.approx(45)
    assert angles.elevation(P([0, 0]), P([1, 0])) == pytest.approx(0)
    assert angles.elevation(P([0, 0]), P([0, 1])) == pytest.approx(-90)


def test_tilt_sign_follows_forward_direction():
    hip, shoulder_back = P([0.5, 0.5]), P([0.4, 0.2])  # shoulder behind (to the left)
    heel, toe = P([0.5, 0.9]), P([0.6, 0.9])  # facing right
    lean = angles.tilt(hip, shoulder_back, heel, toe)
    assert lean == pytest.approx(-18.43, abs=0.01)
    mirrored = angles.tilt(P([0.5, 0.5]), P([0.6, 0.2]), P([0.5, 0.9]), P([0.4, 0.9]))
    assert mirrored == pytest.approx(lean)


def test_ratio():
    assert angles.ratio(P([0, 0]), P([3, 4]), P([0, 0]), P([0, 10])) == pytest.approx(0.5)


@pytest.mark.parametrize("near", ["left", "right"])
def test_facing_side_uses_visibility_and_depth(near):
    assert angles.facing_side(make_frame("sphinx", near=near)) == near


def test_mirroring_swaps_facing_side_and_keeps_angles():
    f = make_frame("cobra", near="left")
    m = f.flipped()
    assert angles.facing_side(m) == "right"
    for a, b, c in [("shoulder", "elbow", "wrist"), ("hip", "knee", "ankle")]:
        before = angles.joint_angle(*(f.point(f"left_{n}") for n in (a, b, c)))
        after = angles.joint_angle(*(m.point(f"right_{n}") for n in (a, b, c)))
        assert before == pytest.approx(after)
    assert angles.elevation(f.point("mid_hip"), f.point("left_shoulder")) == pytest.approx(
        angles.elevation(m.point("mid_hip"), m.point("right_shoulder"))
    )


def test_resolve_names():
    assert angles.resolve("knee", "left") == "left_knee"
    assert angles.resolve("far_knee", "left") == "right_knee"
    assert angles.resolve("mid_hip", "right") == "mid_hip"
    assert angles.resolve("nose", "right") == "nose"
    assert angles.resolve("right_wrist", "left") == "right_wrist"


def test_side_on_ratio_tells_side_from_front():
    assert angles.side_on_ratio(make_frame("sphinx")) < 0.3
    f = make_frame("standing")
    image = f.image.copy()
    from poseguide.core.landmarks import INDEX

    image[INDEX["right_shoulder"]] = image[INDEX["left_shoulder"]] + [0.2, 0]
    image[INDEX["right_hip"]] = image[INDEX["left_hip"]] + [0.15, 0]
    front = type(f)(f.timestamp, image, f.world, f.visibility, f.presence)
    assert angles.side_on_ratio(front) > 0.6


@pytest.mark.parametrize("curve,sign", [(0.25, 1), (-0.25, -1), (0.0, 0)])
def test_back_curvature_sign(curve, sign):
    f = make_frame("tabletop", back_curve=curve)
    px = f.pixels()
    from poseguide.core.landmarks import INDEX

    s = (px[INDEX["left_shoulder"]] + px[INDEX["right_shoulder"]]) / 2
    h = (px[INDEX["left_hip"]] + px[INDEX["right_hip"]]) / 2
    c = back_curvature(f.mask, s, h)
    if sign == 0:
        assert abs(c) < 0.02
    else:
        assert np.sign(c) == sign and abs(c) > 0.05


def test_back_curvature_of_tiny_back_is_nan():
    assert np.isnan(back_curvature(np.ones((10, 10)), P([5.0, 5.0]), P([6.0, 5.0])))


def test_silhouette_cut_by_the_picture_edge_is_not_taken_as_body():
    from poseguide.core.silhouette import contour_heights

    mask = np.zeros((100, 200), np.float32)
    mask[0:60, 0:80] = 1.0  # near the shoulder the body runs off the top of the picture
    mask[20:60, 80:200] = 1.0
    heights = contour_heights(mask, P([50.0, 40.0]), P([150.0, 40.0]))
    assert heights[0] == pytest.approx(0.4, abs=0.02)  # up to the edge, not beyond it
    assert heights[1:] == pytest.approx([0.2] * 4, abs=0.02)


def test_3d_joint_and_elevation():
    a, b, c = np.array([0.0, 0, 1]), np.zeros(3), np.array([1.0, 0, 0])
    assert angles.joint_angle3d(a, b, c) == pytest.approx(90.0)
    # y points down: a point straight above is +90 whatever its depth
    assert angles.elevation3d(np.zeros(3), np.array([0.0, -1, 0])) == pytest.approx(90.0)
    assert angles.elevation3d(np.zeros(3), np.array([0.0, 1, 1])) == pytest.approx(-45.0)


@pytest.mark.parametrize("turn", [0.0, 30.0, 75.0])
def test_rotation3d_is_the_turn_of_the_shoulders_around_the_spine(turn):
    r = np.radians(turn)
    hips = np.array([[0.15, 0, 0], [-0.15, 0, 0]])
    shoulders = np.array(
        [[0.2 * np.cos(r), -0.5, 0.2 * np.sin(r)], [-0.2 * np.cos(r), -0.5, -0.2 * np.sin(r)]]
    )
    value = angles.rotation3d(shoulders[0], shoulders[1], hips[0], hips[1])
    assert value == pytest.approx(turn, abs=1e-6)
    # the camera going round the person (a turn of everything about the vertical) changes nothing
    yaw = np.radians(50)
    m = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    moved = angles.rotation3d(*(p @ m.T for p in (*shoulders, *hips)))
    assert moved == pytest.approx(turn, abs=1e-6)


def test_facing3d_tells_face_down_from_face_up():
    # Lying along x with the head at +x; the left shoulder away from the camera.
    ls, rs, hip = np.array([0.5, 0, 0.2]), np.array([0.5, 0, -0.2]), np.zeros(3)
    down = angles.facing3d(ls, rs, hip)
    assert down == pytest.approx(-90.0)
    assert angles.facing3d(rs, ls, hip) == pytest.approx(90.0)  # the same body turned over


def test_slope_is_measured_from_the_floor_line_and_ignores_a_tilted_camera():
    p, q = np.array([0.5, 0.5]), np.array([0.6, 0.4])  # 45 degrees up, to the right
    floor = np.array([0.2, 0.8]), np.array([0.8, 0.8])
    assert angles.slope(p, q, *floor) == pytest.approx(45.0)
    assert angles.slope(p, q, floor[1], floor[0]) == pytest.approx(45.0)  # either direction

    def roll(x, deg):
        t = np.radians(deg)
        return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ x

    for deg in (-10, 10):
        moved = [roll(x, deg) for x in (p, q, *floor)]
        assert angles.slope(*moved) == pytest.approx(45.0)
        assert angles.elevation(moved[0], moved[1]) == pytest.approx(45.0 - deg)
    # a "floor" steeper than 15 degrees is a misread limb: its tilt counts only up to 15
    steep = floor[0], np.array([0.8, 0.8 - 0.6 * np.tan(np.radians(40))])
    assert angles.slope(p, q, *steep) == pytest.approx(45.0 - angles.FLOOR_TILT_MAX)


def test_relative_follows_the_line_however_far_the_camera_turns():
    """``relative`` is slope without the limit: for a line the pose itself lays on the floor
    (the legs in sphinx and cobra), a picture turned by any amount gives the same value."""
    p, q = np.array([0.5, 0.5]), np.array([0.6, 0.6])  # forearm 45 degrees down, to the right
    legs = np.array([0.2, 0.5]), np.array([0.9, 0.5])
    assert angles.slope(p, q, *legs, max_tilt=90.0) == pytest.approx(-45.0)
    turned = 25.0  # beyond FLOOR_TILT_MAX
    t = np.radians(turned)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    moved = [rot @ x for x in (p, q, *legs)]
    assert angles.slope(*moved, max_tilt=90.0) == pytest.approx(-45.0)
    assert angles.slope(*moved) != pytest.approx(-45.0)  # the floor's limit stops at 15


@pytest.mark.parametrize("lift", [0.0, 20.0, 45.0])
def test_front3d_puts_the_legs_behind_a_lifted_chest_and_ahead_when_sitting(lift):
    # Lying on the front, head towards +x, chest lifted by `lift`: the front faces down and
    # forward, the ankles lie behind the hips, so the angle is 90 + lift.
    a = np.radians(lift)
    lh, rh = np.array([0.0, 0, 0.15]), np.array([0.0, 0, -0.15])
    shoulders = np.array([0.5 * np.cos(a), -0.5 * np.sin(a), 0.0])
    ankles = np.array([-0.9, 0.0, 0.0])
    assert angles.front3d(lh, rh, shoulders, ankles) == pytest.approx(90.0 + lift)
    # the camera going round the person changes nothing
    yaw = np.radians(40)
    m = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    moved = angles.front3d(*(p @ m.T for p in (lh, rh, shoulders, ankles)))
    assert moved == pytest.approx(90.0 + lift)
    # Sitting up facing +x (the left hip away from the camera): the legs lie ahead (0), and
    # standing they hang below (90).
    up = np.array([0.0, -0.5, 0.0])
    assert angles.front3d(lh, rh, up, np.array([0.9, 0.0, 0.0])) == pytest.approx(0.0, abs=1e-6)
    assert angles.front3d(lh, rh, up, np.array([0.0, 0.9, 0.0])) == pytest.approx(90.0)
