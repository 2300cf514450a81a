"""The rotational neck stretch and the standing trunk rotation in the live page, in a real
browser, with real photos as the webcam.

No photo of either stretch exists in the shared data (docs/accuracy.md), so the fake cameras
show real photos of the positions they start from, and what the page must do with them is
known: judge the person, run the per-side sets left then right, keep the timer waiting (the
stretch itself is not shown) and say what to change, including the camera view a template
needs and the side a set is for. The holds themselves are checked on real landmarks turned in
3D (tests/test_measures.py), which a camera picture cannot be.

* a lotus facing the camera, looking ahead: the neck stretch sees the person seated upright
  with the head neither turned nor nodded, and says the worse of the two (as webcam frames
  the chin: "Let your chin drop towards your chest"). A head looking ahead fits neither side
  better (it reads a few degrees either way), so a set may instead say to switch sides;
  the trunk rotation, a side-view template, asks "Turn side-on to the camera";
* a crescent lunge side-on, left leg back, chest square: the trunk rotation's left set sees the
  lunge with the chest not turned ("Turn your chest further towards your back leg"), its right
  set the left leg back ("This set is for your right side: switch sides"); skipped both, the
  exercise is over ("Exercise over: 0 of 2 sets done, 2 skipped").
"""

from __future__ import annotations

import re
from pathlib import Path

import fakecam
import pytest
from real_landmarks import PHOTOS
from realdata import POSEDATA, skip_or_fail
from test_browser import (
    _app,
    _browser,
    _button,
    _retry_once,
    _shot,
    _skip_reason,
    _start_button,
    _through_safety,
    _wait_for,
)

pytestmark = pytest.mark.browser

SEATED, LUNGE = PHOTOS["SEATED"][0], PHOTOS["LUNGE"][0]


def _clip(tmp_path_factory: pytest.TempPathFactory, photo: str, name: str) -> Path:
    reason = _skip_reason() or (
        None if (POSEDATA / photo).is_file() else f"real photo {POSEDATA / photo} is absent"
    )
    if reason:
        skip_or_fail(reason)
    parts = [(fakecam.webcam_frame(photo), 4.0)]
    return fakecam.write_mjpeg(tmp_path_factory.mktemp("cam") / name, parts)


@pytest.fixture(scope="module")
def seated_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clip(tmp_path_factory, SEATED, "seated.mjpeg")


@pytest.fixture(scope="module")
def lunge_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clip(tmp_path_factory, LUNGE, "lunge.mjpeg")


def _waiting(page, title: str, cue: str) -> str:
    """The set titled ``title`` is shown with a correction matching ``cue`` (a pattern) and
    its timer waiting: read settled twice, so the timer is seen not to run."""
    pattern = rf"{re.escape(title)}[\s\S]*Timer: waiting for the pose[\s\S]*(?:{cue})"
    _wait_for(page, pattern, 30)
    page.wait_for_timeout(1500)
    text = _wait_for(page, pattern, 10).string
    assert re.search(r"\b0\.0 s\s+held this set", text), text[-800:]
    return text


def _either(*cues: str) -> str:
    return "|".join(re.escape(c) for c in cues)


HEAD = ("Slowly turn your head further to the side", "Let your chin drop towards your chest")


def test_desk_break_runs_the_neck_stretch_each_side_and_asks_for_the_trunk_rotations_view(
    seated_clip: Path, tmp_path: Path
) -> None:
    """The desk break with a lotus facing the camera: the neck stretch, left side then right,
    waits for the head to turn; the back extension is skipped; the trunk rotation's left set
    asks to turn side-on."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, seated_clip) as page:
            _through_safety(page, url)
            page.get_by_text("Desk break", exact=True).click()
            _wait_for(page, r"Rotational neck stretch, hold 10 s, 1 per side · Standing back", 15)
            _start_button(page).click()
            text = _waiting(
                page,
                "Rotational neck stretch (left side)",
                _either(*HEAD, "This set is for your left side: switch sides"),
            )
            assert "Set 1 of 7" in text and "target: hold 10 s" in text
            _shot(page, "browser_neck_stretch_left")
            _button(page, "Skip").click()
            text = _waiting(
                page,
                "Rotational neck stretch (right side)",
                _either(*HEAD, "This set is for your right side: switch sides"),
            )
            assert "Set 2 of 7" in text
            _button(page, "Skip").click()
            _wait_for(page, r"Set 3 of 7", 15)
            assert (
                "Standing back extension" in _wait_for(page, r"Standing back extension", 5).string
            )
            _button(page, "Skip").click()
            text = _waiting(
                page, "Standing trunk rotation (left side)", _either("Turn side-on to the camera")
            )
            assert "Set 4 of 7" in text and "target: hold 5 s" in text
            _shot(page, "browser_trunk_rotation_view")
            _button(page, "Stop").click()
            _wait_for(page, r"Was it because of sharp pain\?", 10)
            _button(page, "No").click()

    _retry_once("desk break", scenario, tmp_path)


def test_trunk_rotation_runs_left_then_right_on_a_square_lunge(
    lunge_clip: Path, tmp_path: Path
) -> None:
    """A crescent lunge side-on, left leg back, chest square: the left set waits for the chest
    to turn, the right set for the other leg back."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, lunge_clip) as page:
            _through_safety(page, url, "/?pose=trunk_rotation")
            _start_button(page).click()
            cue = _either("Turn your chest further towards your back leg")
            text = _waiting(page, "Standing trunk rotation (left side)", cue)
            assert "Set 1 of 2" in text
            _shot(page, "browser_trunk_rotation_left")
            _button(page, "Skip").click()
            switch = _either("This set is for your right side: switch sides")
            text = _waiting(page, "Standing trunk rotation (right side)", switch)
            assert "Set 2 of 2" in text
            _button(page, "Skip").click()
            _wait_for(page, r"Exercise over: 0 of 2 sets done, 2 skipped", 20)

    _retry_once("trunk rotation", scenario, tmp_path)
