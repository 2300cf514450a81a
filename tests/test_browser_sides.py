"""Browser scenarios beside tests/test_browser.py (whose helpers they use): a refused webcam
said in the app's words, the cue above the fold at 1280x720, the per-side set and the
hands-up pause gesture, and the frame rate after each set change."""

from __future__ import annotations

import re
import time
from pathlib import Path

import fakecam
import pytest
from realdata import skip_or_fail
from test_browser import (
    _PROBE,
    _VOICE,
    ARTIFACTS,
    PageWait,
    Watch,
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
def knee_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Lying on the back hugging the left knee (the shared photos have no right side in form)."""
    return _clip(tmp_path_factory, "knee", [(fakecam.KNEE_LEFT, 4.0)])


@pytest.fixture(scope="module")
def gesture_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sphinx, then standing with both hands above the head for 5 s (looped): the gesture's
    2 s, with room for a loaded machine's late frames."""
    return _clip(tmp_path_factory, "gesture", [(fakecam.IN_FORM, 6.0), (fakecam.SALUTE, 5.0)])


@pytest.fixture(scope="module")
def sphinx_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clip(tmp_path_factory, "sphinx", [(fakecam.IN_FORM, 4.0)])


def test_a_refused_webcam_is_said_in_the_apps_words(sphinx_clip: Path, tmp_path: Path) -> None:
    """The issue: 'NotAllowedError: Permission denied' beside 'Press START'."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, sphinx_clip, camera_allowed=False) as page:
            _through_safety(page, url, "/?pose=sphinx")
            _start_button(page).click()
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
            _through_safety(page, url, "/?pose=sphinx")
            _start_button(page).click()
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


def _started(page, url: str, pose: str | None) -> Watch:
    """The page through its first-start screen with START pressed (the basic routine when
    ``pose`` is None); returns a Watch of it."""
    _through_safety(page, url, f"/?pose={pose}" if pose else "/")
    if pose is None:
        page.get_by_text("Basic daily routine", exact=True).click()
    start = _start_button(page)
    watch = Watch(page)
    page.locator('iframe[title*="streamlit_webrtc"]').element_handle().content_frame().evaluate(
        _PROBE
    )
    start.click()
    return watch


def _frame_rates(watch: Watch, marks: list[tuple[str, float]]) -> list[str]:
    """Per mark (a set change, Skip, Repeat, Resume): the frame rate in the 6 s after it
    against the median while exercising: the lowest, and for how long it stayed below 80% of
    the median. Counted from the frames-processed counter in a set (not a rest or the end,
    where fewer frames are looked at), between the readings where it changed (the panel
    redraws it twice a second) 1 to 6 s apart: a dip longer than 0.5 s still shows where
    the page is read often enough (a loaded machine reads it less often).
    The same figures from every other reading in the sets (6 s or more from a mark) are the
    yardstick: on a loaded machine the rate swings as much there (three runs under a CPU
    hog: lowest 51% of the median and below 80% for 1.9 s on average, against 52% and 2.6 s
    after the marks), so only what a mark adds to them is the change's own.
    Figures only: on a shared machine timing is reported, not asserted."""
    changes: list[tuple[float, int]] = []
    for t, phase, _, n in watch.samples:
        if n is None or not phase.startswith("set"):
            continue
        if not changes or n != changes[-1][1]:
            changes.append((t, n))
    windows = []  # (start, end, frames/s)
    for i, (t0, n0) in enumerate(changes):
        later = next(((t, n) for t, n in changes[i + 1 :] if t - t0 >= 1.0), None)
        if later and later[0] - t0 < 6.0:  # a longer gap is a rest or a pause between
            windows.append((t0, later[0], (later[1] - n0) / (later[0] - t0)))
    rates = sorted(r for _, _, r in windows)
    if not rates:
        return ["no frame rate read"]
    median = rates[len(rates) // 2]
    lines = [f"median {median:.1f} frames/s in the sets"]
    for name, at in marks:
        dip = _dip(windows, median, at)
        if dip is None:
            lines.append(f"{name}: no reading in the 6 s after it")
            continue
        low, below = dip
        lines.append(
            f"{name}: lowest {low:.1f} frames/s ({low / median:.0%} of the median), "
            f"below 80% for {below:.1f} s"
        )
    elsewhere = [
        dip
        for t0, _, _ in windows
        if all(abs(t0 - at) >= 6 for _, at in marks)
        and any(b >= t0 + 5 for _, b, _ in windows)  # 6 s of the set still to come
        and (dip := _dip(windows, median, t0)) is not None
    ]
    if elsewhere:
        lows = sorted(low / median for low, _ in elsewhere)
        belows = sorted(below for _, below in elsewhere)
        lines.append(
            f"elsewhere in the sets ({len(elsewhere)} moments): lowest "
            f"{lows[len(lows) // 2]:.0%} of the median, below 80% for "
            f"{belows[len(belows) // 2]:.1f} s (medians; over 0.5 s at "
            f"{sum(b > 0.5 for b in belows) / len(belows):.0%} of them)"
        )
    return lines


def _dip(
    windows: list[tuple[float, float, float]], median: float, at: float
) -> tuple[float, float] | None:
    """(lowest frames/s, seconds below 80% of ``median``) in the 6 s after ``at``."""
    mine = [(a, b, r) for a, b, r in windows if b > at and a < at + 6]
    if not mine:
        return None
    below, run_start = 0.0, None
    for a, b, r in mine:
        if r < 0.8 * median:
            run_start = a if run_start is None else run_start
            below = max(below, b - run_start)
        else:
            run_start = None
    return min(r for _, _, r in mine), below


def test_a_per_side_set_asks_for_the_left_then_the_right(knee_clip: Path, tmp_path: Path) -> None:
    """Single knee to chest, one set per side: the left is held; the right, shown the same
    (left) knee, says "switch sides" on screen and aloud and does not count; Repeat and Skip
    end it. The frame rate after the set change, Repeat and Skip is printed."""
    from poseguide.history import History

    def scenario(run: Path) -> None:
        with (
            _app(run, POSEGUIDE_TEST_ROUTINE="sides") as url,
            _browser(run, knee_clip) as page,
        ):
            page.add_init_script(_VOICE)
            watch = _started(page, url, None)
            marks = []
            watch.wait(r"Single knee to chest \(left side\)", 90)
            _shot(page, "browser_sides_left")
            text = watch.wait(r"Rest: \d+ s\s+Next: Single knee to chest, right side", 40)
            assert "Target reached: Single knee to chest, left side" in text
            watch.wait(r"Single knee to chest \(right side\)", 30)
            marks.append(("set change (left -> right)", time.monotonic()))
            text = watch.wait(r"This set is for your right side: switch sides", 20)
            held = re.search(r"([\d.]+) s\s+held this set", text)
            assert held and float(held.group(1)) == 0.0, "the left knee counts for the right"
            _shot(page, "browser_sides_switch")
            _read_for(watch, 3.0)
            _button(page, "Repeat").click()
            marks.append(("Repeat", time.monotonic()))
            watch.wait(r"Set 2 of 2", 10)
            _read_for(watch, 6.0)
            _button(page, "Skip").click()
            marks.append(("Skip", time.monotonic()))
            watch.wait(r"Exercise over: 1 of 2 sets done, 1 skipped", 30)
            watch.wait(r"Set summary[\s\S]*Best continuous hold", 15)
            page.wait_for_timeout(1000)  # the page settled after its last rerun
            _shot(page, "browser_sides_done")
            said = page.evaluate("() => window.__said")
            assert "This set is for your right side: switch sides" in said, said
            assert any("Next: single knee to chest, right side" in x for x in said), said
            with History(run / "history.sqlite3") as history:
                sets = history.sessions()[0].sets
            assert [(s.side, s.stop_reason) for s in sets] == [
                ("left", "completed"),
                ("right", "skipped"),
            ]
            print("\nper-side set, frame rates: " + "; ".join(_frame_rates(watch, marks)))

    _retry_once("sides", scenario, tmp_path)


def test_the_hands_up_gesture_pauses_and_resumes(gesture_clip: Path, tmp_path: Path) -> None:
    """Standing with both hands up for 2 s pauses the set (the timer stops); doing it again
    goes on; the Resume button after a Pause too. The frame rate after each resume is
    printed."""

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, gesture_clip) as page:
            page.add_init_script(_VOICE)
            watch = _started(page, url, "sphinx")
            marks = []
            watch.wait(r"Set 1 of 1", 90)
            before = _held_until_paused(watch, 60)  # the hands went up
            paused_at = time.monotonic()
            # The gesture's pause is the button's too: it offers Resume, not Pause.
            _button(page, "Resume").wait_for(timeout=10_000)
            _shot(page, "browser_gesture_paused")
            watch.wait(r"held this set", 60)  # the hands went up again: going on
            marks.append(("resume by the gesture", time.monotonic()))
            after = float(_wait_for(page, r"([\d.]+) s\s+held this set", 10).group(1))
            pause_s = time.monotonic() - paused_at
            print(
                f"\ngesture: held {before:.1f} s before, {after:.1f} s after {pause_s:.1f} s paused"
            )
            # Read late on a loaded machine, the figure may include a second or two after
            # the resume; a timer that ran on would show the whole pause.
            assert after - before < max(2.5, pause_s / 2), "the timer ran while paused"
            _shot(page, "browser_gesture_resumed")
            _read_for(watch, 6.0)
            _button(page, "Pause").click()
            watch.wait(r"Paused\. Press Resume", 10)
            _button(page, "Resume").click()
            marks.append(("Resume button", time.monotonic()))
            watch.wait(r"held this set", 10)
            _read_for(watch, 6.0)
            said = page.evaluate("() => window.__said")
            assert said.count("Paused") >= 2 and said.count("Continue") >= 2, said
            print("\nhands-up gesture, frame rates: " + "; ".join(_frame_rates(watch, marks)))

    _retry_once("gesture", scenario, tmp_path)


def _read_for(watch: Watch, seconds: float) -> None:
    """Read the page for ``seconds`` (each reading is a frame-rate sample)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        watch.text()
        watch.page.wait_for_timeout(150)


def _held_until_paused(watch: Watch, timeout: float) -> float:
    """The last 'held this set' figure shown before the page said it is paused."""
    deadline, held = time.monotonic() + timeout, 0.0
    while time.monotonic() < deadline:
        text = watch.text()
        if re.search(r"Paused\. Press Resume", text):
            return held
        found = re.search(r"([\d.]+) s\s+held this set", text)
        held = float(found.group(1)) if found else held
        watch.page.wait_for_timeout(150)
    raise PageWait("the page never said it is paused")


def test_history_opened_directly_keeps_the_server_log_clean(tmp_path: Path) -> None:
    """/history opened by its address, with a flow and a hold stored: the tables show "–"
    for what an exercise does not record and the server logs nothing (it logged an
    ArrowTypeError for 'Best hold (s)' on every load). The browser's own 404s for
    /history/_stcore/health and /history/_stcore/host-config are Streamlit's frontend trying
    the page's path as the app's base before the root (streamlit/streamlit#7074, open): they
    are counted and printed, and must be only those."""
    from datetime import datetime, timedelta, timezone

    from poseguide.history import History

    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)

    def scenario(run: Path) -> None:
        now = datetime.now(timezone.utc).replace(microsecond=0)
        with History(run / "history.sqlite3") as h:
            sid = h.start_session(now - timedelta(hours=1))
            flow = h.start_set(sid, "cat_cow", None, None, 5, now - timedelta(hours=1))
            h.add_rep(flow, now - timedelta(minutes=59), 4.0)
            h.end_set(flow, now - timedelta(minutes=58), "user_stop")
            hold = h.start_set(sid, "sphinx", None, 30, None, now - timedelta(minutes=50))
            h.add_hold(hold, now - timedelta(minutes=50), now - timedelta(minutes=49))
            h.end_set(hold, now - timedelta(minutes=49), "completed")
            h.end_session(sid, now - timedelta(minutes=48))
        with _app(run) as url, _browser(run, None) as page:
            missing: list[str] = []
            page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
            page.goto(f"{url}/history")
            _wait_for(page, r"Personal bests", 40)
            page.wait_for_timeout(3000)  # every table drawn and sent
            _shot(page, "browser_history_direct")
            log = (run / "server.log").read_text(errors="replace")
            after_start = log.split(url, 1)[-1]
            assert "ArrowTypeError" not in log and "Traceback" not in log, log[-3000:]
            assert not [line for line in after_start.splitlines() if line.strip()], log
            probes = sorted({m.removeprefix(url) for m in missing})
            print(f"\n/history opened directly: the browser's 404s {probes}")
            assert set(probes) <= {"/history/_stcore/health", "/history/_stcore/host-config"}

    _retry_once("history", scenario, tmp_path)
