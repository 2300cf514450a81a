"""Browser scenarios beside tests/test_browser.py (whose helpers they use): a refused webcam
said in the app's words, the cue above the fold at 1280x720, the per-side set and the
hands-up pause gesture, and the frame rate after each set change."""

from __future__ import annotations

from pathlib import Path

import fakecam
import pytest
from realdata import skip_or_fail
from test_browser import (
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
