"""The live page in a real browser, with a clip of real photos as the webcam.

Headless Chromium loops an MJPEG clip (about 6 s of an in-form sphinx, then 4 s of a plank
the sphinx template rejects) as its camera; WebRTC carries it over loopback to the app started
by ``tests/serve_app.py``, whose callback runs the real pose model. The test reads what the
page shows, stops, and checks what reached the history database. Screenshots go to
``artifacts/``. Each scenario gets one retry when the page is late: about one run in twenty
hits a transient WebRTC hiccup on loopback (see the shared browser-e2e notes).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import fakecam
import pytest
from realdata import skip_or_fail

from poseguide.live import safety_rules

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("POSEGUIDE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",
]
IN_FORM_S, OUT_OF_FORM_S = 6.0, 4.0


def _skip_reason() -> str | None:
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set POSEGUIDE_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python client is not installed"
    return fakecam.missing_photos()


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)
    parts = [
        (fakecam.webcam_frame(fakecam.IN_FORM), IN_FORM_S),
        (fakecam.webcam_frame(fakecam.OUT_OF_FORM), OUT_OF_FORM_S),
    ]
    return fakecam.write_mjpeg(tmp_path_factory.mktemp("cam") / "webcam.mjpeg", parts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _app(tmp: Path, **extra_env: str) -> Iterator[str]:
    """The app on a free port with its history and settings in ``tmp``; yields its URL."""
    port = _free_port()
    env = {
        **os.environ,
        "POSEGUIDE_DB": str(tmp / "history.sqlite3"),
        "POSEGUIDE_HOME": str(tmp / "home"),
        **extra_env,
    }
    with open(tmp / "server.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "serve_app.py"), str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert proc.poll() is None, "the app exited: see server.log"
                assert time.monotonic() < deadline, "the app did not answer within 30 s"
                time.sleep(0.2)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # our own child's process group only
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@contextmanager
def _browser(
    tmp: Path,
    clip: Path | None,
    *,
    camera_allowed: bool = True,
    viewport: tuple[int, int] = (1280, 1700),
) -> Iterator:
    """Chromium with ``clip`` as its webcam; with no clip, a browser without any webcam;
    ``camera_allowed=False``: the user refuses the page the webcam."""
    from playwright.sync_api import sync_playwright

    args = (
        [*FLAGS, f"--use-file-for-fake-video-capture={clip}"]
        if clip
        else [f for f in FLAGS if "fake-device" not in f]
    )
    if not camera_allowed:  # no automatic yes to the permission prompt: it is refused
        args = [f for f in args if "fake-ui" not in f] + ["--deny-permission-prompts"]
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=args,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


# What MediaPipe's native code prints unless silenced (absl's "W0000 ..." lines, TFLite's
# "INFO: Created TensorFlow Lite XNNPACK delegate", glog's "Logging before InitGoogle()").
NATIVE_LOG = re.compile(r"^[IWEF]\d{4} .*$|^.*(?:TensorFlow Lite|InitGoogle).*$", re.M)


def _retry_once(name: str, scenario: Callable[[Path], None], tmp: Path) -> None:
    """Run the scenario; when the page did not show something in time, show the log and run
    it once more from scratch. Any other failure (what the page said, what History holds, a
    traceback in the log) fails at once: a retry must not hide it."""
    for attempt in (1, 2):
        run = tmp / f"run{attempt}"
        run.mkdir()
        try:
            scenario(run)
            log = (run / "server.log").read_text(errors="replace")
            assert "Traceback" not in log, f"the server logged a traceback:\n{log[-3000:]}"
            native = NATIVE_LOG.findall(log)
            assert not native, f"MediaPipe/TFLite/absl lines in the server log: {native[:3]}"
            return
        except Exception as exc:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            if not isinstance(exc, (PageWait, PlaywrightTimeout)):
                raise
            log = (
                (run / "server.log").read_text(errors="replace")
                if (run / "server.log").exists()
                else ""
            )
            print(f"\n{name}: attempt {attempt} failed: {str(exc)[:1500]}")
            print(f"server log tail:\n{log[-3000:]}")
            if attempt == 2:
                raise


def _text(page) -> str:
    return page.inner_text("body")


class PageWait(AssertionError):
    """The page did not show something in time: the one failure a transient WebRTC hiccup
    on loopback can cause, so the only one (with Playwright's own timeouts) retried."""


def _wait_for(page, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(pattern, _text(page))
        if match:
            return match
        if time.monotonic() >= deadline:
            raise PageWait(f"page never showed {pattern!r}:\n{_text(page)}")
        page.wait_for_timeout(150)


def _held(page) -> float:
    return float(_wait_for(page, r"([\d.]+) s\s+held this set", 5).group(1))


def _camera(page, button: str):
    """A button of the webrtc component (it lives in an iframe; CSS shows it upper-case)."""
    return page.frame_locator('iframe[title*="streamlit_webrtc"]').get_by_role(
        "button", name=re.compile(f"^{button}$", re.I)
    )


# Records, in the component's own clock, the START click and the first frame the video element
# shows: the stream shown is the one sent back by the server, so that frame was processed.
_PROBE = """() => {
  addEventListener("pointerdown", () => { window.__clicked ??= performance.now(); }, true);
  const timer = setInterval(() => {
    const v = document.querySelector("video");
    if (window.__clicked && v && v.readyState >= 2 && v.videoWidth > 0) {
      window.__shown = performance.now();
      clearInterval(timer);
    }
  }, 5);
}"""


def _details(page) -> None:
    """Open the panel's Details expander (the per-frame timing line lives there)."""
    if "frames processed" not in _text(page):
        page.get_by_text("Details", exact=True).click()


def _fps(page) -> float:
    """The callback's own frame rate over its last 30 frames, as the page shows it."""
    _details(page)
    return float(_wait_for(page, r"frames processed · ([\d.]+) frames/s", 2).group(1))


def _latency_ms(page) -> float:
    """95th percentile of the time a frame spends in the callback, as the page shows it."""
    _details(page)
    return float(_wait_for(page, r"([\d.]+) ms per frame \(p95\)", 2).group(1))


def _through_safety(page, url: str, path: str = "/") -> None:
    """Open ``path`` and get through the first-start safety screen (no warning sign applies)."""
    page.goto(f"{url}{path}")
    page.get_by_text("None of these applies to me").click()
    page.get_by_role("button", name="Continue").click()


def _start_button(page):
    """The camera's START button, once the panel says to press it."""
    start = _camera(page, "start")
    start.wait_for(timeout=30_000)
    _wait_for(page, r"Press START", 15)
    return start


def _start_sphinx(page, url: str):
    """Open the page on the sphinx, get through the first-start screen, press START; returns
    the component's frame (for :func:`_first_frame_s`)."""
    _through_safety(page, url, "/?pose=sphinx")
    start = _start_button(page)
    component = page.locator('iframe[title*="streamlit_webrtc"]').element_handle().content_frame()
    component.evaluate(_PROBE)
    start.click()
    return component


def _first_frame_s(component) -> float:
    """Seconds from the START click to the first processed frame on screen."""
    component.wait_for_function("() => window.__shown !== undefined", timeout=20_000)
    return component.evaluate("() => (window.__shown - window.__clicked) / 1000")


def _sets(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT s.exercise, s.stop_reason, s.sharp_pain, "
            "(SELECT count(*) FROM holds h WHERE h.set_id = s.id) FROM sets s"
        ).fetchall()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _readme_shot(page, full) -> None:
    """The README's picture of the live page (``docs/live-page.png`` is a copy of it): the page
    as it is, with the camera picture blurred past recognition, because the test's webcam is
    made of shared photos whose copyright does not allow copying them into the repository."""
    import cv2

    video = page.frame_locator('iframe[title*="streamlit_webrtc"]').locator("video")
    box = video.bounding_box()
    assert box is not None, "the camera picture is not on the page"
    x, y = max(int(box["x"]), 0), max(int(box["y"]), 0)
    w, h = int(box["width"]), min(int(box["height"]), full.shape[0] - y)
    shot = full.copy()
    shot[y : y + h, x : x + w] = cv2.GaussianBlur(shot[y : y + h, x : x + w], (0, 0), 14)
    cv2.imwrite(str(ARTIFACTS / "live_page.png"), shot)


def test_timer_runs_in_form_pauses_out_of_form_and_summary_follows_stop(
    clip: Path, tmp_path: Path
) -> None:
    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, clip) as page:
            first_frame = _first_frame_s(_start_sphinx(page, url))

            _wait_for(page, r"Timer: running", 20)
            rates = [_fps(page)]
            held0 = _held(page)
            page.wait_for_timeout(1000)
            rates.append(_fps(page))
            # Read by waiting, never at one instant: mid-rerun the page is briefly only its
            # skeleton, which is not what it says.
            deadline = time.monotonic() + 5  # a loaded server may process no frame for 1 s
            while _held(page) <= held0 and time.monotonic() < deadline:
                page.wait_for_timeout(250)
            _wait_for(page, r"Timer: running", 5)
            assert _held(page) > held0, "the timer runs while the pose is held"
            _shot(page, "browser_timer_running")
            # The hold-start tone and the spoken announcements reached the page's player.
            page.wait_for_function("() => window.__poseguideAudio !== undefined", timeout=3000)
            played = page.evaluate("() => window.__poseguidePlayed.map(e => e.kind)")
            assert "tone_start" in played and "say" in played

            _wait_for(page, r"Timer: paused", IN_FORM_S + OUT_OF_FORM_S + 5)
            paused_at = _held(page)
            page.wait_for_timeout(1000)
            rates.append(_fps(page))
            latency = _latency_ms(page)
            _wait_for(page, r"Timer: paused", 5)
            assert _held(page) == pytest.approx(paused_at, abs=0.05), "paused means paused"
            _wait_for(page, r"Rest your forearms flat on the floor", 5)
            _shot(page, "browser_timer_paused")

            page.get_by_role("button", name="Stop", exact=True).click()
            _wait_for(page, r"Was it because of sharp pain\?", 10)
            page.get_by_role("button", name="No", exact=True).click()
            page.get_by_text("Was it because of sharp pain?").wait_for(state="detached")
            text = _wait_for(page, r"Set summary[\s\S]*Best continuous hold", 10).string
            assert "Time in form" in text
            assert "Stop for today" not in text
            _shot(page, "browser_set_summary")
            rows = _sets(run / "history.sqlite3")
            assert len(rows) == 1 and rows[0][:3] == ("sphinx", "user_stop", 0)
            assert rows[0][3] >= 1, "the finished hold was stored"
            print(f"\nSTART click -> first processed frame on screen: {first_frame:.2f} s")
            print(
                "Frames/s through the pose model in the callback (server, last 30 frames): "
                + ", ".join(f"{r:.1f}" for r in rates)
            )
            print(f"Callback time per frame, p95 of the last 30: {latency:.0f} ms")

    _retry_once("timer", scenario, tmp_path)


def test_stop_for_sharp_pain_is_recorded_and_advised(clip: Path, tmp_path: Path) -> None:
    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, clip) as page:
            _start_sphinx(page, url)
            _wait_for(page, r"Timer: running", 25)
            page.get_by_role("button", name="Stop", exact=True).click()
            _wait_for(page, r"Was it because of sharp pain\?", 10)
            page.get_by_role("button", name="Yes, sharp pain").click()
            _wait_for(page, re.escape(safety_rules.SHARP_PAIN_ADVICE), 10)
            page.get_by_text("Was it because of sharp pain?").wait_for(state="detached")
            _wait_for(page, r"stopped: sharp pain", 10)  # the summary table, under load
            # The page changed above the video, yet the stream was kept (not rebuilt).
            _camera(page, "Camera off").wait_for(timeout=5_000)
            _shot(page, "browser_sharp_pain")
            rows = _sets(run / "history.sqlite3")
            assert len(rows) == 1 and rows[0][:3] == ("sphinx", "sharp_pain", 1)
            assert safety_rules.is_confirmed(run / "home"), "the first-start confirmation is kept"

    _retry_once("sharp pain", scenario, tmp_path)


# Records what the page's player says instead of speaking it (headless Chromium has no voice):
# one voice on this machine, so the player speaks (test_browser_voice.py checks the outcomes).
_VOICE = """
window.__said = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false, pending: false, speak: (u) => window.__said.push(u.text),
  getVoices: () => [{name: "Stub", lang: "en-US", localService: true, default: true}]}});
"""


@pytest.fixture(scope="module")
def still_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An in-form sphinx only (Chromium loops it): a hold that is never broken."""
    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)
    parts = [(fakecam.webcam_frame(fakecam.IN_FORM), 4.0)]
    return fakecam.write_mjpeg(tmp_path_factory.mktemp("cam") / "still.mjpeg", parts)


def test_coach_from_the_mat_pictures_countdown_next(still_clip: Path, tmp_path: Path) -> None:
    import cv2

    from poseguide.core.templates import load_library
    from poseguide.history import History
    from poseguide.history.settings import ExerciseTarget, PlanStore, Preferences

    library = load_library()

    def scenario(run: Path) -> None:
        with History(run / "history.sqlite3") as h:  # a plan saved on an earlier visit
            store = PlanStore(h)
            store.save_preferences(Preferences(rest_s=15))
            store.save_routine(
                [ExerciseTarget("sphinx", hold_s=15), ExerciseTarget("cobra")], library.templates
            )
        with _app(run) as url, _browser(run, still_clip) as page:
            page.add_init_script(_VOICE)
            page.goto(f"{url}/poses")
            page.get_by_text(re.compile(r"^Sphinx - ")).first.click()  # each pose's picture
            _wait_for(page, r"Sphinx: aim for this", 30)
            assert page.locator('[data-testid="stImage"] img').count() >= 1
            _shot(page, "browser_library_picture")

            _through_safety(page, url)
            page.get_by_text("Custom routine").click()
            _wait_for(page, r"Your saved routine, in its order with its targets", 20)
            start = _camera(page, "start")
            start.wait_for(timeout=30_000)
            start.click()
            _wait_for(page, r"Timer: running", 30)
            _wait_for(page, r"Aim for this", 5)
            assert page.locator('img[alt="Aim for this"]').count() == 1
            page.set_viewport_size({"width": 1280, "height": 720})
            page.wait_for_timeout(1200)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "browser_set_1280x720.png"))
            full = cv2.imread(str(ARTIFACTS / "browser_set_1280x720.png"))
            third = cv2.resize(
                full, (full.shape[1] // 3, full.shape[0] // 3), interpolation=cv2.INTER_AREA
            )
            cv2.imwrite(str(ARTIFACTS / "browser_set_third.png"), third)
            _readme_shot(page, full)
            page.set_viewport_size({"width": 1280, "height": 1700})

            text = _wait_for(page, r"Rest: \d+ s\s+Next: Cobra[\s\S]*Target: hold 20 s", 30).string
            assert "Lie on your front with your hands under your shoulders" in text  # how-to
            assert page.locator('img[alt="Cobra"]').count() == 1  # its picture
            _shot(page, "browser_rest_next")
            # Focus is still in the camera component (START was clicked there): Space must
            # pause the routine, not press the component's focused button.
            page.keyboard.press("Space")
            _wait_for(page, r"Paused", 10)
            page.keyboard.press("Space")  # and again resumes
            page.wait_for_function(
                "() => !document.body.innerText.includes('Paused')", timeout=10_000
            )
            _camera(page, "Camera off").wait_for(timeout=5_000)  # the stream kept running
            page.wait_for_timeout(1500)
            said = page.evaluate("() => window.__said")
            countdown = [w for w in said if w in ("10 seconds left", "3", "2", "1")]
            assert countdown == ["10 seconds left", "3", "2", "1"], said
            assert said.index("1") < said.index("Next: cobra, hold 20 seconds"), said
            assert said.count("Next: cobra, hold 20 seconds") == 1, said
            rows = _sets(run / "history.sqlite3")
            assert rows[0][:2] == ("sphinx", "completed")
            with sqlite3.connect(run / "history.sqlite3") as conn:
                assert conn.execute("SELECT target_s FROM sets").fetchone() == (15.0,)
            print(f"\nspoken: {said}")

    _retry_once("coach", scenario, tmp_path)


# --------------------------------------------------------------------------- a whole routine

SPHINX_S, FLOW_S = 8.0, 1.0  # the routine clip: a sphinx, then cat and cow a second each


@pytest.fixture(scope="module")
def routine_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real photos as a looping webcam: an in-form sphinx, then cat-cow at triple speed
    (a second in each position where the guides ask for three)."""
    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)
    cat, cow = fakecam.webcam_frame(fakecam.CAT), fakecam.webcam_frame(fakecam.COW)
    parts = [(fakecam.webcam_frame(fakecam.IN_FORM), SPHINX_S)] + [(cat, FLOW_S), (cow, FLOW_S)] * 4
    return fakecam.write_mjpeg(tmp_path_factory.mktemp("cam") / "routine.mjpeg", parts)


class Watch:
    """Reads the page while waiting, keeping (time, set shown, frames/s, frames) samples."""

    def __init__(self, page) -> None:
        self.page = page
        self.samples: list[tuple[float, str, float | None, int | None]] = []

    def text(self) -> str:
        text = _text(self.page)
        where = re.search(r"Set (\d+) of \d+", text)
        phase = f"set {where.group(1)}" if where else ("rest" if "Rest:" in text else "other")
        # The frame rate sits in the folded "Details" expander: hidden text, so read it raw.
        raw = self.page.evaluate("() => document.body.textContent")
        found = re.search(r"(\d+) frames processed · ([\d.]+) frames/s", raw)
        fps, frames = (float(found.group(2)), int(found.group(1))) if found else (None, None)
        self.samples.append((time.monotonic(), phase, fps, frames))
        return text

    def wait(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if re.search(pattern, text):
                return text
            if time.monotonic() >= deadline:
                raise PageWait(f"page never showed {pattern!r}:\n{text}")
            self.page.wait_for_timeout(150)

    def rates_after_set_changes(self) -> list[tuple[str, float, float, float, float, bool]]:
        """For each set: the page's frames/s (its last 30 frames) at its best 1 to 2.5 s after
        the set began and the median of its later readings (its steady rate); and the same
        two counted from the frames-processed counter between readings (which the 30-frame
        average smooths: at 12 frames/s it still holds the set's first second 2.5 s later);
        and whether its frames-processed counter grew (the video did not stall).

        Each set is compared with its own steady rate: exercises cost differently per frame
        (a lying pose gets the border, a paused flow only the detector), so a routine-wide
        median would blame a set for its pose. On this shared 2-core machine the rate also
        swings with other work, so single readings are not compared."""
        starts: dict[str, float] = {}
        for t, phase, _, _ in self.samples:
            if phase.startswith("set"):
                starts.setdefault(phase, t)
        found = []
        nan = float("nan")
        for phase, t0 in starts.items():
            mine = [(t, f, n) for t, p, f, n in self.samples if p == phase and f and n is not None]
            early = [(t, f, n) for t, f, n in mine if t0 + 1 <= t <= t0 + 2.5]
            later = [(t, f, n) for t, f, n in mine if t > t0 + 2.5]
            # A loaded machine may read the page too rarely to catch the 1-2.5 s window:
            # the figure is then missing (nan), not the set.
            steady = sorted(f for _, f, _ in later)[len(later) // 2] if later else nan
            back = max((f for _, f, _ in early), default=nan)
            while len(later) > 1 and later[-1][2] == later[-2][2]:
                later.pop()  # the set is over: no more frames
            counted = [_rate([(t, n) for t, _, n in xs]) if xs else nan for xs in (early, later)]
            frames = [n for t, p, _, n in self.samples if p == phase and n is not None]
            grew = len(frames) > 1 and frames[-1] > frames[0]
            found.append((phase, back, steady, *counted, grew))
        return found


def _rate(readings: list[tuple[float, int]]) -> float:
    """Frames processed per second between the first and last reading (nan: too short)."""
    (t0, n0), (t1, n1) = readings[0], readings[-1]
    return (n1 - n0) / (t1 - t0) if t1 - t0 >= 0.5 else float("nan")


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_a_whole_routine_keeps_its_word(routine_clip: Path, tmp_path: Path) -> None:
    """Start to end of the (short) basic routine: Skip in a rest, a too-fast cat-cow, Pause,
    Repeat, Skip; then what was shown, said and stored must agree."""
    from poseguide.history import History

    def scenario(run: Path) -> None:
        with _app(run, POSEGUIDE_TEST_ROUTINE="short") as url, _browser(run, routine_clip) as page:
            watch = Watch(page)
            _through_safety(page, url)
            page.get_by_text("Basic daily routine", exact=True).click()
            start = _start_button(page)
            component = (
                page.locator('iframe[title*="streamlit_webrtc"]').element_handle().content_frame()
            )
            component.evaluate(_PROBE)
            start.click()
            first_frame = _first_frame_s(component)

            # Set 1, a sphinx hold: its target reached is shown in the rest, which Skip ends.
            watch.wait(r"Set 1 of 3", 30)
            watch.wait(r"Target reached: Sphinx, [\d.]+ s held[\s\S]*Rest: \d+ s", 40)
            watch.wait(r"Rest: \d+ s\s+Next: Cat-cow flow", 5)
            _button(page, "Skip").click()
            text = watch.wait(r"Set 2 of 3", 10)
            assert "Cat-cow flow" in text, "Skip in the rest skips the rest, not the next set"

            # Set 2, cat-cow at triple speed: said and shown too fast within two repetitions (the
            # issue's words), so at most the first can count: its cow may be recognised late
            # on a busy machine, which makes the first position look held long enough.
            text = watch.wait(r"Too fast: slow down", 40)
            reps = re.search(r"(\d+) / 2\s+repetitions", text)
            assert reps and int(reps.group(1)) <= 1, f"rushed repetitions count: {text[-600:]}"
            assert "Timer:" not in text
            _button(page, "Pause").click()
            watch.wait(r"Paused\. Press Resume", 10)
            page.wait_for_timeout(1000)  # the panel redraws twice a second: read it settled
            text = watch.text()
            assert "Timer: running" not in text and "Good form" not in text
            assert "Too fast" not in text, "paused: one state only"
            _shot(page, "browser_routine_paused")
            _button(page, "Resume").click()
            watch.wait(r"[01] / 2\s+repetitions", 10)
            _button(page, "Repeat").click()
            watch.wait(r"Set 2 of 3", 10)
            _button(page, "Skip").click()
            # A skipped set goes through the rest and "Next:", as a finished one does.
            watch.wait(r"Rest: \d+ s\s+Next: Sphinx", 10)

            # Set 3, a sphinx again, then the end.
            watch.wait(r"Set 3 of 3", 25)
            text = watch.wait(r"Routine over: 2 of 3 sets done, 1 skipped", 60)
            text = watch.wait(r"Set summary[\s\S]*Best continuous hold", 15)
            _shot(page, "browser_routine_done")

            # Every sound event the session made was played, once, in order.
            sent = int(
                re.search(r"(\d+) sound events", watch.wait(r"\d+ sound events", 5)).group(1)
            )
            page.wait_for_function(
                f"() => (window.__poseguidePlayed || []).filter(e => e.seq >= {sent}).length",
                timeout=10_000,
            )
            played = page.evaluate("() => window.__poseguidePlayed")
            seqs = [e["seq"] for e in played]
            assert seqs == list(range(1, sent + 1)), f"played {seqs} of {sent}"
            hows = {e["how"] for e in played}
            assert not any(h.startswith("failed") for h in hows), hows
            texts = [e["text"] for e in played]
            assert any("Too fast" in x for x in texts) and any("Now: Sphinx" in x for x in texts)
            assert sum(e["kind"] == "tone_target" for e in played) == 2

            # The history says what the page said.
            with History(run / "history.sqlite3") as history:
                sets = history.sessions()[0].sets
            assert [(s.exercise, s.stop_reason, s.target_met) for s in sets] == [
                ("sphinx", "completed", True),
                ("cat_cow", "skipped", False),
                ("sphinx", "completed", True),
            ], "one row for cat-cow despite Repeat"
            assert sets[1].holds == () and sets[1].reps == ()
            table = watch.wait(r"target reached[\s\S]*skipped[\s\S]*target reached", 10)
            assert table.count("target reached") == 2

            # Frames keep coming after every set change (no stall); the rates are printed, not
            # asserted: speed is reported as figures here (see the README), and on this shared
            # 2-core machine the first 1-2.5 s of a set ran at 48-128% of its steady rate
            # across runs (the browser and the server share the cores).
            rates = watch.rates_after_set_changes()
            assert len(rates) == 3, f"each set was seen on the page: {rates}"
            assert all(r[5] for r in rates), f"a set change stalled the video: {rates}"
            fps = sorted(f for _, p, f, _ in watch.samples if p.startswith("set") and f)
            print(f"\nSTART click -> first processed frame on screen: {first_frame:.2f} s")
            print(
                f"frames/s while exercising: median {fps[len(fps) // 2]:.1f}, "
                f"minimum {fps[0]:.1f}; per set, the page's frames/s best 1-2.5 s after it "
                "began / steady: "
                + ", ".join(f"{r[1]:.1f}/{r[2]:.1f}" for r in rates)
                + "; counted from frames processed: "
                + ", ".join(f"{r[3]:.1f}/{r[4]:.1f}" for r in rates)
            )
            print(f"sound events: {sent} sent, {len(played)} played ({', '.join(sorted(hows))})")

    _retry_once("routine", scenario, tmp_path)


def test_no_webcam_says_so_and_offers_the_upload(tmp_path: Path) -> None:
    reason = _skip_reason()
    if reason:
        skip_or_fail(reason)

    def scenario(run: Path) -> None:
        with _app(run) as url, _browser(run, None) as page:
            _through_safety(page, url, "/?pose=sphinx")
            text = _wait_for(page, r"No webcam was found on this computer", 30).string
            assert "Analyse a recorded video" in text and "Press START" not in text
            _shot(page, "browser_no_webcam")

    _retry_once("no webcam", scenario, tmp_path)
