"""The per-source tally and the simulated camera changes of ``eval``, without the real photos."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from posefixtures import make_frame

from poseguide.core import angles
from poseguide.core.checker import check
from poseguide.core.landmarks import INDEX
from poseguide.core.templates import load_library
from poseguide.offline.camera_changes import ALL_CHANGES, CHANGES, SLIGHT_CHANGES, moved
from poseguide.offline.evaluation import (
    UNKNOWN_SOURCE,
    PhotoResult,
    read_sources,
    robustness,
    tally_by_source,
    tally_held_out,
)
from poseguide.vision.media import MediaError

LIB = load_library()


def result(label: str, name: str, accepted: tuple[str, ...]) -> PhotoResult:
    return PhotoResult(label, Path(label) / name, "dev", True, True, accepted)


def test_tally_by_source_splits_each_label_by_collection(tmp_path):
    (tmp_path / "manifest.csv").write_text(
        "file,label,source_repo\ncobra/a.png,cobra,one/repo\ncobra/b.png,cobra,two/repo\n"
        "cobra/c.png,cobra,two/repo\n"
    )
    results = [
        result("cobra", "a.png", ("cobra",)),
        result("cobra", "b.png", ()),
        result("cobra", "c.png", ("cobra", "sphinx")),
        result("cobra", "d.png", ()),
    ]
    report = tally_by_source(results, LIB, read_sources(tmp_path))["cobra"]
    assert set(report) == {"one/repo", "two/repo", UNKNOWN_SOURCE}
    assert (report["one/repo"]["photos"], report["one/repo"]["right"]) == (1, 1.0)
    assert report["two/repo"]["right"] == 0.5 and report["two/repo"]["wrong"] == 0.5
    assert report[UNKNOWN_SOURCE]["right"] == 0.0


def test_held_out_source_is_scored_apart_from_the_collections_tuned_on(tmp_path):
    sources = {"cobra/a.png": "one/repo", "cobra/b.png": "two/repo", "cobra/c.png": "two/repo"}
    results = [
        result("cobra", "a.png", ("cobra",)),
        result("cobra", "b.png", ()),
        result("cobra", "c.png", ("cobra", "sphinx")),
    ]
    report = tally_held_out(results, LIB, sources, "two/repo")["cobra"]
    assert (report["tuned"]["photos"], report["tuned"]["right"]) == (1, 1.0)
    assert report["held_out"]["photos"] == 2
    assert (report["held_out"]["right"], report["held_out"]["wrong"]) == (0.5, 0.5)
    with pytest.raises(MediaError, match="no photo comes from the source 'three/repo'"):
        tally_held_out(results, LIB, sources, "three/repo")
    with pytest.raises(MediaError, match="manifest.csv: needed"):
        tally_held_out(results, LIB, {}, "two/repo")


def test_no_manifest_means_no_sources_and_a_bad_one_says_what_is_missing(tmp_path):
    assert read_sources(tmp_path) == {}
    (tmp_path / "manifest.csv").write_text("file,label\ncobra/a.png,cobra\n")
    with pytest.raises(
        MediaError,
        match="manifest.csv: expected the columns file and "
        "source_repo, missing \\['source_repo'\\]",
    ):
        read_sources(tmp_path)


def test_robustness_reports_points_lost_and_gained_per_change():
    base = [result("sphinx", f"{i}.png", ("sphinx",)) for i in range(4)]
    changed = base[:3] + [result("sphinx", "3.png", ("cobra",))]
    report = robustness({"as is": base, "mirrored": changed}, LIB)["sphinx"]
    assert report["as is"]["right_change"] == 0
    assert report["mirrored"]["right_change"] == pytest.approx(-25.0)
    assert report["mirrored"]["wrong_change"] == pytest.approx(25.0)


def test_camera_changes_do_what_they_say():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (240, 400, 3), dtype=np.uint8)
    rgb[60:180, 150:250] = 255  # a bright block in the middle
    assert np.array_equal(CHANGES["mirrored"](CHANGES["mirrored"](rgb)), rgb)
    assert CHANGES["320 wide"](rgb).shape == (192, 320, 3)
    rotated = CHANGES["rotated +10"](rgb)
    assert rotated.shape[0] > 240 and rotated.shape[1] > 400  # grown, nothing cut off
    half = CHANGES["half size"](rgb)
    assert half.shape == rgb.shape and (half[:, :80] == 0).all()
    assert (half[90:150, 175:225] == 255).all()  # the block, now half as big, in the middle
    for name in ("three-quarter", "camera lower"):
        warped = CHANGES[name](rgb)
        assert warped.shape == rgb.shape and not np.array_equal(warped, rgb)
    jpeg = CHANGES["jpeg q10"](rgb)
    assert jpeg.shape == rgb.shape and np.abs(jpeg.astype(int) - rgb).mean() > 5


def test_slight_changes_are_slight():
    """The noise-floor changes change the picture's size and move its corners by no more than
    2% of its width (a 1 degree roll turns a corner of a 400x240 picture 4 px round the
    centre, and the canvas grows up to 3 px a side to keep it), and JPEG at quality 90 keeps
    a smooth picture within a few grey levels."""
    w, h = 400, 240
    corners = np.array([[[0.0, 0.0]], [[w, 0.0]], [[w, h]], [[0.0, h]]])
    for name in ("rotated +1", "rotated -1", "shifted 1%"):
        warp = SLIGHT_CHANGES[name].warp(w, h)
        assert max(abs(warp.size[0] - w), abs(warp.size[1] - h)) <= 0.02 * w, name
        travel = np.linalg.norm(cv2.perspectiveTransform(corners, warp.matrix) - corners, axis=2)
        assert 1.0 < travel.max() <= 0.02 * w, name
    ramp = np.repeat(np.linspace(0, 255, w, dtype=np.uint8)[None, :, None], h, 0).repeat(3, 2)
    again = SLIGHT_CHANGES["jpeg q90"](ramp)
    assert again.shape == ramp.shape and np.abs(again.astype(int) - ramp).mean() < 2


def _bright_spots(rgb: np.ndarray) -> np.ndarray:
    """Centres (x, y) in pixels of the picture's pure-white blobs, left to right."""
    n, _, _, centres = cv2.connectedComponentsWithStats((rgb.min(axis=2) > 200).astype(np.uint8))
    return centres[1:][np.argsort(centres[1:, 0])]


@pytest.mark.parametrize("name", [n for n in ALL_CHANGES if n != "mirrored"])
def test_moved_landmarks_land_where_the_change_puts_the_picture(name):
    """Two white dots drawn where a frame's hip and knee are: after the change, the moved
    landmarks sit on the dots of the changed picture."""
    frame = make_frame("sphinx", width=400, height=240)
    rgb = np.zeros((240, 400, 3), dtype=np.uint8)
    for part in ("left_hip", "left_knee"):
        x, y = frame.pixels()[INDEX[part]]
        cv2.circle(rgb, (round(x), round(y)), 4, (255, 255, 255), -1)
    changed = ALL_CHANGES[name](rgb)
    after = moved(frame, ALL_CHANGES[name])
    assert (after.width, after.height) == (changed.shape[1], changed.shape[0])
    expected = after.pixels()[[INDEX["left_knee"], INDEX["left_hip"]]]  # knee is leftmost
    expected = expected[np.argsort(expected[:, 0])]
    assert np.abs(_bright_spots(changed) - expected).max() < 2.0


def test_moved_turns_the_measures_with_the_camera():
    frame = make_frame("sphinx")
    thigh = ["left_hip", "left_knee"]

    def thigh_elevation(f):
        return float(angles.elevation(f.point(thigh[0]), f.point(thigh[1])))

    def thigh_elevation3d(f):
        w = f.world
        return float(angles.elevation3d(w[INDEX[thigh[0]]], w[INDEX[thigh[1]]]))

    rolled = moved(frame, CHANGES["rotated +10"])
    # The knee lies right of the hip: turning the picture 10 degrees anticlockwise raises
    # the thigh by 10, in the picture and in the world landmarks alike.
    assert frame.point("left_knee")[0] > frame.point("left_hip")[0]
    assert thigh_elevation(rolled) == pytest.approx(thigh_elevation(frame) + 10, abs=0.01)
    assert thigh_elevation3d(rolled) == pytest.approx(thigh_elevation3d(frame) + 10, abs=0.01)
    for name in ("half size", "320 wide", "jpeg q10"):  # angles stay
        assert thigh_elevation(moved(frame, CHANGES[name])) == pytest.approx(
            thigh_elevation(frame), abs=0.01
        )
    assert np.array_equal(moved(frame, CHANGES["mirrored"]).image, frame.flipped().image)
    sphinx = LIB["sphinx"]
    assert (
        check(moved(frame, CHANGES["half size"]), sphinx).in_range == check(frame, sphinx).in_range
    )


def test_moved_keeps_the_silhouette_under_the_body():
    frame = make_frame("cat")
    assert frame.mask is not None
    for name in ("rotated -10", "three-quarter", "camera lower", "half size"):
        after = moved(frame, CHANGES[name])
        assert after.mask is not None and after.mask.shape == (after.height, after.width)
        x, y = np.round(
            after.pixels()[INDEX["left_shoulder"]] * 0.5 + after.pixels()[INDEX["left_hip"]] * 0.5
        ).astype(int)
        assert after.mask[y, x] > 0.5, name


@pytest.mark.realdata
def test_eval_cli_reports_sources_and_camera_changes(capsys, tmp_path):
    from realdata import POSEDATA, SPHINX

    from poseguide.cli.main import main

    (tmp_path / "sphinx").mkdir()
    (tmp_path / "sphinx" / "good.png").symlink_to(POSEDATA / SPHINX)
    (tmp_path / "manifest.csv").write_text("file,label,source_repo\nsphinx/good.png,sphinx,a/b\n")
    assert main(["eval", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "by source" in out and "a/b" in out.split("by source")[1]
    assert main(["eval", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sources"]["sphinx"]["a/b"]["right"] == 1.0
    assert main(["eval", str(tmp_path), "--augment", "--json"]) == 0
    both = json.loads(capsys.readouterr().out)
    report = both["detected"]["sphinx"]
    assert set(report) == {"as is", *ALL_CHANGES}
    assert report["as is"]["right"] == 1.0
    # Read again, the mirrored photo may or may not pass; either way the change is the
    # difference in points from the photo as it is.
    mirrored = report["mirrored"]
    assert mirrored["right_change"] == pytest.approx(100 * (mirrored["right"] - 1.0))
    # Moved, not read again: a mirrored picture changes no measure, so nothing is lost.
    assert both["moved"]["sphinx"]["mirrored"] == {
        "right": 1.0,
        "wrong": 0.0,
        "right_change": 0.0,
        "wrong_change": 0.0,
    }
