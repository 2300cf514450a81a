"""The page's voice in a real browser: the sound check, the no-voice notice and the tone
patterns that stand in for the voice, the choice of a local voice, and each utterance's own
result reaching the server.

Headless Chromium has no voice (``getVoices()`` is empty, ``speak()`` fails), which is what a
Linux without a speech service gives a user; the second scenario stubs the browser's speech with
one local and one online voice and a ``speak()`` that fires the utterance's events. Both run a
sphinx hold of 15 s on the still in-form clip of ``test_browser`` (launch helpers imported from
there), so the hold start, "10 seconds left" and the target come from the real session.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import test_browser
from test_browser import (
    ARTIFACTS,
    PageWait,
    _app,
    _browser,
    _camera,
    _retry_once,
    _shot,
    _text,
    _through_safety,
    _wait_for,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
HOLD_S = 15.0  # the shortest stretch target the plan allows: "10 seconds left" is said in it
# A 15 s hold takes about 20 s; on a loaded machine frames come late and break it.
TARGET_WAIT_S = 60.0
PATTERN_OSCILLATORS = {"correction": 3, "hold_start": 2, "ten_left": 2, "target": 4}


# test_browser's still in-form sphinx (Chromium loops it): a hold that is never broken.
still_clip = test_browser.still_clip


def _plan(run: Path) -> None:
    """A sphinx target of 15 s, saved as on an earlier visit."""
    from poseguide.core.templates import load_library
    from poseguide.history import History
    from poseguide.history.settings import ExerciseTarget, PlanStore

    with History(run / "history.sqlite3") as h:
        PlanStore(h).save_target(ExerciseTarget("sphinx", hold_s=HOLD_S), load_library()["sphinx"])


def _open(page, url: str) -> None:
    _through_safety(page, url, "/?pose=sphinx")
    _wait_for(page, r"Sound check", 30)


def _sound(page) -> list[dict]:
    return page.evaluate("() => window.__poseguideSound || []")


def _played(page) -> list[dict]:
    return page.evaluate("() => window.__poseguidePlayed || []")


def _counts(page, timeout: float = 10) -> dict[str, int | str]:
    """The outcome counts the page shows (what reached the server from the player), once
    every event the session made has its outcome there."""
    pattern = (
        r"(\d+) sound events: (\d+) spoken · (\d+) failed(?: \(([^)]*)\))? · (\d+) no voice · "
        r"(\d+) muted · (\d+) tones(?: · (\d+) skipped while speaking)?"
    )
    deadline = time.monotonic() + timeout
    while True:
        found = re.search(pattern, _text(page))
        if found:
            sent, spoken, failed, why, no_voice, muted, tones, skipped = found.groups()
            counts: dict[str, int | str] = {
                "sent": int(sent),
                "spoken": int(spoken),
                "failed": int(failed),
                "no voice": int(no_voice),
                "muted": int(muted),
                "tones": int(tones),
                "skipped": int(skipped or 0),
                "why": why or "",
            }
            told = sum(v for k, v in counts.items() if k not in ("sent", "why"))
            if told == counts["sent"]:
                return counts
        if time.monotonic() >= deadline:
            raise PageWait(f"the page never gave every event an outcome:\n{_text(page)}")
        page.wait_for_timeout(200)


def _big_text(page) -> str:
    """The large type the player shows in place of the voice."""
    for frame in page.frames:
        if frame.url.endswith("index.html") or "sound_player" in frame.url:
            found = frame.evaluate("() => document.getElementById('big')?.textContent ?? null")
            if found is not None:
                return found
    return ""


def _docs_shot(page) -> None:
    """The README's picture of the sound check (``docs/sound-check.png`` is a copy of it): the
    camera's column and the panel, from the sound check's heading to its voice settings. The
    camera has not started, so no photo is in it."""
    top = page.get_by_text("Sound check", exact=True).bounding_box()
    bottom = page.locator(
        '[data-testid="stExpander"]', has_text="Voice, speed and volume"
    ).first.bounding_box()
    left = page.locator('iframe[title*="streamlit_webrtc"]').bounding_box()
    assert top and bottom and left, "the sound check is not on the page"
    x, y = left["x"] - 16, top["y"] - 16
    clip = {
        "x": x,
        "y": y,
        "width": bottom["x"] + bottom["width"] + 16 - x,
        "height": bottom["y"] + bottom["height"] + 24 - y,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sound_check.png"), clip=clip)


def test_no_voice_says_so_and_plays_tone_patterns(still_clip: Path, tmp_path: Path) -> None:
    def scenario(run: Path) -> None:
        _plan(run)
        with _app(run) as url, _browser(run, still_clip) as page:
            _open(page, url)
            text = _wait_for(page, r"No voice is available in this browser", 15).string
            assert "speech-dispatcher espeak-ng" in text and "Turn the volume up" not in text
            assert "tones and large text" in text

            _button(page, "Play the sound check").click()
            text = _wait_for(page, r"The browser reported: the tone played; there is no voice", 10)
            assert "I heard it" not in _text(page), "nothing to hear but the tone"
            checks = [s for s in _sound(page) if s["pattern"] == "check"]
            assert [s["oscillators"] for s in checks] == [1], checks
            _shot(page, "browser_sound_check_no_voice")
            _docs_shot(page)

            _button(page, "Hear the tones").click()
            page.wait_for_function(
                "() => (window.__poseguideSound || []).filter(s => "
                "String(s.seq).startsWith('probe')).length >= 5",
                timeout=10_000,
            )
            legend = {
                s["pattern"]: s["oscillators"]
                for s in _sound(page)
                if str(s["seq"]).startswith("probe") and s["pattern"] != "check"
            }
            assert legend == PATTERN_OSCILLATORS

            # The session itself: its events become tone patterns and large type.
            _camera(page, "start").click()
            _wait_for(page, r"Timer: running", 40)
            big = set()
            deadline = time.monotonic() + TARGET_WAIT_S
            while not re.search(r"Target reached", _text(page)):  # read the large type meanwhile
                shown = _big_text(page)
                if shown == "10 seconds left" and shown not in big:
                    _shot(page, "browser_no_voice_large_type")
                big.add(shown)
                if time.monotonic() > deadline:
                    raise PageWait(f"the target was never reached:\n{_text(page)}")
                page.wait_for_timeout(150)
            page.wait_for_function(
                "() => (window.__poseguideSound || []).some(s => s.pattern === 'target' "
                "&& typeof s.seq === 'number')",
                timeout=5_000,
            )
            session = [s["pattern"] for s in _sound(page) if isinstance(s["seq"], int)]
            assert "hold_start" in session and "ten_left" in session and "target" in session
            assert session.index("hold_start") < session.index("ten_left")
            assert "10 seconds left" in big, f"large type shown: {sorted(big)}"
            played = _played(page)
            hows = {e["how"] for e in played}
            assert hows <= {"no voice", "tone", "pending"}, hows
            counts = _counts(page)
            assert counts["spoken"] == 0 and counts["failed"] == 0 and counts["no voice"] >= 2
            tones = session.count("hold_start") + session.count("target")
            assert counts["tones"] == tones, (counts, session)
            print(f"\nno voice: patterns in the session {session}; page counts {counts}")

    _retry_once("no voice", scenario, tmp_path)


# The browser's speech replaced: one online voice (the browser's default) and one local one;
# speak() fires start then end, or an error for the target's words.
_STUB = """
(() => {
  const voices = [
    {name: "Online Voice", lang: "en-US", localService: false, default: true},
    {name: "Local Voice", lang: "en-US", localService: true, default: false},
  ];
  window.__spoken = [];
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const synth = {
    speaking: false, pending: false,
    getVoices: () => voices,
    addEventListener: () => {},
    speak(u) {
      window.__spoken.push({text: u.text, voice: u.voice ? u.voice.name : null});
      setTimeout(() => {
        u.onstart({type: "start"});
        setTimeout(() => {
          if (u.text.startsWith("Target reached")) u.onerror({error: "audio-hardware"});
          else u.onend({type: "end"});
        }, 100);
      }, 20);
    },
  };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: synth});
})();
"""


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def _pick_voice(page, label: str) -> None:
    """Choose in the Voice selectbox; its list is opened again if a redraw of the panel
    (every second) caught the click."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=re.compile(f"^{re.escape(label)}"))
    for _ in range(3):
        page.get_by_label("Voice", exact=True).click()
        try:
            option.click(timeout=5_000)
            return
        except PlaywrightTimeout:  # the list did not open: try again
            page.keyboard.press("Escape")
    raise PageWait(f"the voice {label!r} could not be picked:\n{_text(page)}")


def test_local_voice_is_chosen_and_results_reach_the_server(
    still_clip: Path, tmp_path: Path
) -> None:
    def scenario(run: Path) -> None:
        _plan(run)
        with _app(run) as url, _browser(run, still_clip) as page:
            page.add_init_script(_STUB)
            _open(page, url)
            _button(page, "Play the sound check").click()
            _wait_for(page, r"The browser reported: the words were spoken", 10)
            _button(page, "I heard it").click()
            _wait_for(page, r"Sound check passed: the coach speaks with Local Voice", 10)
            spoken = page.evaluate("() => window.__spoken")
            assert spoken == [{"text": "Can you hear me?", "voice": "Local Voice"}]

            # An online voice is used only when picked, and the page says what that means.
            page.get_by_text("Voice, speed and volume").click()
            _pick_voice(page, "Online Voice")
            _wait_for(page, r"This is an online voice", 10)
            _shot(page, "browser_voice_settings_online")
            _button(page, "Test").click()
            page.wait_for_function("() => window.__spoken.length === 2", timeout=10_000)
            _pick_voice(page, "Automatic")
            page.wait_for_function(
                "() => !document.body.innerText.includes('This is an online voice')",
                timeout=10_000,
            )
            _button(page, "Test").click()
            page.wait_for_function("() => window.__spoken.length === 3", timeout=10_000)
            voices = [s["voice"] for s in page.evaluate("() => window.__spoken")]
            assert voices == ["Local Voice", "Online Voice", "Local Voice"], voices

            _camera(page, "start").click()
            _wait_for(page, r"Timer: running", 40)
            _wait_for(page, r"Target reached", TARGET_WAIT_S)
            page.wait_for_timeout(1500)  # the last utterances' events, then the page's answer
            said = page.evaluate("() => window.__spoken")[3:]
            assert {s["voice"] for s in said} == {"Local Voice"}, said
            texts = [s["text"] for s in said]
            assert "10 seconds left" in texts and any(t.startswith("Target") for t in texts)
            played = [e for e in _played(page) if e["kind"] in ("say", "cue", "correction")]
            assert all(e["how"] in ("spoken", "failed", "skipped") for e in played), played
            failed = [e for e in played if e["how"] == "failed"]
            assert [e["why"] for e in failed] == ["audio-hardware"], failed
            counts = _counts(page)
            assert counts["failed"] == 1 and counts["why"] == "audio-hardware", counts
            spoken_n = sum(e["how"] == "spoken" for e in played)
            assert counts["spoken"] == spoken_n >= 3, (counts, played)
            assert counts["no voice"] == 0 and counts["tones"] >= 2
            _shot(page, "browser_voice_counts")
            print(f"\nstubbed voices: said {texts}; page counts {counts}")

    _retry_once("voices", scenario, tmp_path)
