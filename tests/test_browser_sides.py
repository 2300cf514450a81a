"""Browser scenarios beside tests/test_browser.py (whose helpers they use): a refused webcam
said in the app's words, the cue above the fold at 1280x720, the per-side set and the
hands-up pause gesture, and the frame rate after each set change."""

from __future__ import annotations

import time
from pathlib import Path

import fakecam
import pytest
from realdata import skip_or_fail
from test_browser import (
    ARTIFACTS,
    PageWait,
    _app,
    _browser,
    _camera,
    _retry_once,
    _shot,
    _skip_reason,
    _wait_for,
)

pytestmark = pytest.mark.browser


def _clip(tmp_path_factory: pytest.TempPathFactory, name: str, parts: list[tuple[str, float]]):
    """A fake webcam clip of shared photos, each shown for its seconds (Chromium loops it)."""
    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)
    frames = [(fakecam.webcam_frame(photo), seconds) for photo, seconds in parts]
    return fakecam.write_mjpeg(tmp_path_factory.mktemp("cam") / f"{name}.mjpeg", frames)


@pytest.fixture(scope="module")
def in_and_out_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sphinx, then a plank the sphinx judges out of form (a long correction)."""
    return _clip(tmp_path_factory, "in_out", [(fakecam.IN_FORM, 5.0), (fakecam.OUT_OF_FORM, 5.0)])


@pytest.fixture(scope="module")
def sphinx_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clip(tmp_path_factory, "sphinx", [(fakecam.IN_FORM, 4.0)])


def test_a_refused_webcam_is_said_in_the_apps_words(sphinx_clip: Path, tmp_path: Path) -> None:
    """The issue: 'NotAllowedError: Permission denied' beside 'Press START'."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, sphinx_clip, camera_allowed=False) as page:
            page.goto(f"{url}/?pose=sphinx")
            page.get_by_text("None of these applies to me").click()
            page.get_by_role("button", name="Continue").click()
            start = _camera(page, "start")
            start.wait_for(timeout=30_000)
            _wait_for(page, r"Press START", 15)
            start.click()
            text = _wait_for(page, r"did not let this page use your webcam", 20).string
            assert "address bar" in text and "Analyse a recorded video" in text
            assert "Press START" not in text, "the panel still says Press START"
            component = page.frame_locator('iframe[title*="streamlit_webrtc"]')
            assert not component.get_by_text("NotAllowedError").is_visible()
            _shot(page, "browser_camera_refused")

    _retry_once("camera refused", scenario, tmp_path)


def test_the_cue_is_above_the_fold_at_1280x720_with_the_cautions_shown(
    in_and_out_clip: Path, tmp_path: Path
) -> None:
    """The issue: at 1280x720 the timer stood at y≈500 and the 44 px cue from y≈640, cut off.
    Both a correction (amber, long) and "Good form" must end above 720 px, with the page at
    its top and the sphinx's cautions shown above the video."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, in_and_out_clip, viewport=(1280, 720)) as page:
            page.goto(f"{url}/?pose=sphinx")
            page.get_by_text("None of these applies to me").click()
            page.get_by_role("button", name="Continue").click()
            start = _camera(page, "start")
            start.wait_for(timeout=30_000)
            _wait_for(page, r"Press START", 15)
            start.click()
            seen: dict[str, dict] = {}
            deadline = time.monotonic() + 60
            while len(seen) < 2 and time.monotonic() < deadline:
                page.evaluate("() => window.scrollTo(0, 0)")
                for name, css in (
                    ("correction", ".pg-cue.pg-warn"),
                    ("good form", ".pg-cue.pg-ok"),
                ):
                    box = _box(page, css)
                    if box and name not in seen:
                        seen[name] = {**box, "text": page.locator(css).first.inner_text()}
                        seen[name]["timer"] = _box(page, ".pg-timer")
                        _shot_viewport(page, f"browser_fold_{name.replace(' ', '_')}")
                page.wait_for_timeout(200)
            assert page.get_by_text("lower your chest or slide your elbows").is_visible()
            for name, box in seen.items():
                print(
                    f"\n1280x720, {name} {box['text']!r}: timer from y={box['timer']['y']:.0f}, "
                    f"cue y={box['y']:.0f}-{box['y'] + box['height']:.0f}"
                )
            if len(seen) < 2:
                raise PageWait(f"the page showed only {list(seen)} in 60 s")
            for name, box in seen.items():
                assert box["y"] + box["height"] <= 720, f"{name} below the fold: {box}"

    _retry_once("fold", scenario, tmp_path)


CUES = (("correction", ".pg-cue.pg-warn"), ("good form", ".pg-cue.pg-ok"))


def _box(page, css: str) -> dict | None:
    """The element's box, or None (absent, or replaced by the panel's redraw meanwhile)."""
    try:
        return page.locator(css).first.bounding_box(timeout=200)
    except Exception:
        return None


def _shot_viewport(page, name: str) -> None:
    """What a 1280x720 screen shows (not the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
