"""The page's sound on the Python side (pure tier): the player's answer read as typed
outcomes, which events get which fallback tone pattern, the counts under the panel, the sound
check and the voice settings (kept with the plan) on the exercise page without a browser."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from poseguide.history import History
from poseguide.history.settings import PlanStore, Preferences
from poseguide.live.coach import BreathPace, Countdown
from poseguide.live.state import (
    SAY,
    SAY_CORRECTION,
    SAY_CUE,
    TONE_BREATH_IN,
    TONE_START,
    TONE_TARGET,
    SoundEvent,
)
from poseguide.ui import sound
from poseguide.ui.sound import Answer, Outcome, Pattern, Played, ProbeResult, Speech, Voice


def test_answer_is_read_as_typed_records() -> None:
    raw = {
        "token": "ab12",
        "seq": 7,
        "camera": "ok",
        "speech": "ready",
        "voice": "Local Voice",
        "voices": [
            {"name": "Online Voice", "lang": "en-US", "local": False},
            {"name": "Local Voice", "lang": "en-GB", "local": True},
        ],
        "results": [[5, "spoken", ""], [6, "failed", "synthesis-failed"], [7, "no voice", "x"]],
        "probe": {"id": 2, "outcome": "spoken", "reason": ""},
    }
    assert sound.parse_answer(raw) == Answer(
        token="ab12",
        seq=7,
        camera="ok",
        results=(
            Played(5, Outcome.SPOKEN),
            Played(6, Outcome.FAILED, "synthesis-failed"),
            Played(7, Outcome.NO_VOICE, "x"),
        ),
        speech=Speech.READY,
        voices=(Voice("Online Voice", "en-US", False), Voice("Local Voice", "en-GB", True)),
        voice="Local Voice",
        probe=ProbeResult(2, Outcome.SPOKEN),
    )


def test_a_malformed_answer_loses_only_its_bad_entries() -> None:
    assert sound.parse_answer(None) is None and sound.parse_answer("spoken") is None
    got = sound.parse_answer(
        {
            "token": 3,  # not a string
            "seq": True,  # a bool is not an id
            "speech": "loud",
            "results": [
                [1, "spoken", ""],
                [2, "played", ""],  # the old, unchecked word: not an outcome
                [True, "spoken", ""],
                ["3", "failed", "x"],
                [4, "failed"],
                "5 spoken",
            ],
            "voices": [{"name": ""}, {"lang": "en"}, {"name": "V", "local": "yes"}],
            "probe": {"id": "1", "outcome": "spoken"},
        }
    )
    assert got == Answer(
        results=(Played(1, Outcome.SPOKEN),),
        voices=(Voice("V", "", False),),  # only ``true`` says local
    )


def test_fallback_patterns_follow_the_coach_words() -> None:
    def pattern(kind: str, text: str = "") -> Pattern | None:
        return sound.pattern(SoundEvent(1, kind, text))

    ten, three = Countdown().update(9.9, 30.0), Countdown().update(2.9, 30.0)
    assert ten == ["10 seconds left"] and three == ["3"]
    assert pattern(SAY, ten[0]) == Pattern.TEN_LEFT
    assert pattern(SAY, three[0]) is None  # the large type carries the last seconds
    assert pattern(TONE_START) == Pattern.HOLD_START
    assert pattern(TONE_TARGET) == Pattern.TARGET
    assert pattern(SAY_CORRECTION, "Lift your chest") == Pattern.CORRECTION
    assert pattern(SAY_CORRECTION, "Turn side-on to the camera") == Pattern.CORRECTION
    breath = BreathPace(into="cow", out_to="cat")
    words = breath.update(0.0)
    assert words and pattern(SAY_CUE, words) is None  # its own soft tones carry the pace
    assert pattern(TONE_BREATH_IN) is None
    assert pattern(SAY, "Now: Sphinx. Target: hold 30 s") is None
    assert sound.payload([SoundEvent(4, TONE_START)]) == [
        {"seq": 4, "kind": TONE_START, "text": "", "pattern": "hold_start"}
    ]


def test_tally_counts_each_outcome_and_names_the_failures() -> None:
    played = [
        Played(1, Outcome.SPOKEN),
        Played(2, Outcome.FAILED, "synthesis-failed"),
        Played(3, Outcome.FAILED, "not-allowed"),
        Played(4, Outcome.FAILED, "synthesis-failed"),
        Played(5, Outcome.TONE),
        Played(6, Outcome.MUTED),
    ]
    assert sound.tally(played) == (
        "1 spoken · 3 failed (not-allowed, synthesis-failed) · 0 no voice · 1 muted · 1 tones"
    )
    assert sound.tally([Played(1, Outcome.SKIPPED)]).endswith(" · 1 skipped while speaking")


def test_voice_settings_round_trip_and_refusals(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite3") as h:
        store = PlanStore(h)
        assert store.load().preferences.speech_voice == ""  # automatic: a local voice
        mine = Preferences(speech_voice="Local Voice", speech_rate=1.2, speech_volume=0.5)
        store.save_preferences(mine)
        assert store.load().preferences == mine
        with pytest.raises(ValueError, match=r"speech_rate: expected 0.5 to 1.5, got 3"):
            store.save_preferences(Preferences(speech_rate=3))
        with pytest.raises(ValueError, match=r"speech_volume: expected 0.1 to 1, got 0"):
            store.save_preferences(Preferences(speech_volume=0))
        with pytest.raises(ValueError, match=r"speech_voice: expected a voice's name"):
            store.save_preferences(Preferences(speech_voice=None))  # type: ignore[arg-type]
        with h._write() as conn:  # a value this version cannot read falls back alone
            conn.execute("UPDATE settings SET value = '\"fast\"' WHERE key = 'speech_rate'")
        prefs = store.load().preferences
        assert (prefs.speech_voice, prefs.speech_rate, prefs.speech_volume) == (
            "Local Voice",
            0.95,
            0.5,
        )


# --------------------------------------------------------------------------- the page


def _page() -> None:
    from poseguide.core.templates import load_library
    from poseguide.ui.exercise import render

    render(load_library())


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POSEGUIDE_DB", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("POSEGUIDE_HOME", str(tmp_path))
    off = SimpleNamespace(state=SimpleNamespace(playing=False, signalling=False))
    monkeypatch.setattr("poseguide.ui.exercise.webrtc_streamer", lambda **_: off)
    at = AppTest.from_function(_page)
    at.session_state["safety_confirmed"] = True
    return at


def _warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


def test_no_voice_notice_and_what_reaches_the_counts(app) -> None:
    at = app.run(timeout=60)
    assert not at.exception
    assert "Sound check" in at.markdown[0].value or any(
        "Sound check" in m.value for m in at.markdown
    )
    at.button(key="sound_check_play").click().run(timeout=60)
    assert at.session_state[sound.PROBE_KEY] == {
        "id": 1,
        "kind": "check",
        "text": "Can you hear me?",
    }
    live = at.session_state["live"]
    for kind, text in ((TONE_START, ""), (SAY, "10 seconds left"), (SAY, "Target reached")):
        live.state.push(kind, text)
    at.session_state[sound.KEY] = {
        "token": live.state.token,
        "seq": 3,
        "speech": "none",
        "results": [[1, "tone", ""], [2, "no voice", "no voice installed"], [3, "no voice", ""]],
        "probe": {"id": 1, "outcome": "no voice", "reason": "no voice installed"},
    }
    at.run(timeout=60)
    assert not at.exception
    assert "No voice is available in this browser" in _warnings(at)
    assert "speech-dispatcher espeak-ng" in _warnings(at)
    assert "tones and large text" in _warnings(at)
    captions = [c.value for c in at.caption]
    assert "The browser reported: the tone played; there is no voice to speak with." in captions
    assert "3 sound events: 0 spoken · 0 failed · 2 no voice · 0 muted · 1 tones" in captions
    assert live.state.pending() == [], "the acknowledged events are not handed out again"
    assert not [b for b in at.button if b.label in ("I heard it", "No sound")]
    # The tone patterns asked for next: their result does not hide the check's.
    at.button(key="sound_tones").click().run(timeout=60)
    assert at.session_state[sound.PROBE_KEY] == {"id": 2, "kind": "tones", "text": ""}
    at.session_state[sound.KEY] = {
        "token": live.state.token,
        "seq": 3,
        "speech": "none",
        "probe": {"id": 2, "outcome": "tone", "reason": ""},
    }
    at.run(timeout=60)
    assert "The browser reported: the tone played; there is no voice to speak with." in [
        c.value for c in at.caption
    ]


def test_no_sound_switches_to_the_fallback_and_says_what_to_do(app) -> None:
    at = app.run(timeout=60)
    at.button(key="sound_check_play").click().run(timeout=60)
    answer = {
        "token": at.session_state["live"].state.token,
        "seq": 0,
        "speech": "ready",
        "voice": "Local Voice",
        "voices": [{"name": "Local Voice", "lang": "en-US", "local": True}],
        "probe": {"id": 1, "outcome": "failed", "reason": "synthesis-failed"},
    }

    def run(button: str = "") -> None:
        """The player's answer stays in a browser; AppTest forgets it at every run."""
        at.session_state[sound.KEY] = answer
        if button:
            at.button(key=button).click()
        at.run(timeout=60)
        assert not at.exception

    run()
    assert "The browser reported: the voice failed (synthesis-failed)." in [
        c.value for c in at.caption
    ]
    assert at.session_state[sound.FALLBACK_KEY] is False
    run("sound_heard_no")
    assert at.session_state[sound.FALLBACK_KEY] is True
    assert "Turn the volume up" in _warnings(at) and "tones and large text" in _warnings(at)
    run("sound_heard_yes")
    assert at.session_state[sound.FALLBACK_KEY] is False
    assert any("the coach speaks with Local Voice" in s.value for s in at.success)


def test_an_online_voice_is_used_only_when_picked_and_says_so(app, tmp_path: Path) -> None:
    at = app.run(timeout=60)
    answer = {
        "token": at.session_state["live"].state.token,
        "speech": "ready",
        "voice": "Local Voice",
        "voices": [
            {"name": "Online Voice", "lang": "en-US", "local": False},
            {"name": "Local Voice", "lang": "en-US", "local": True},
        ],
    }

    def run(change=None) -> None:  # type: ignore[no-untyped-def]
        """The player's answer stays in a browser; AppTest forgets it at every run."""
        at.session_state[sound.KEY] = answer
        if change is not None:
            change()
        at.run(timeout=60)
        assert not at.exception

    run()
    box = at.selectbox(key="voice_name")
    assert box.options[0].startswith("Automatic") and box.value == ""
    assert "online service" in box.options[1] and "on this computer" in box.options[2]
    assert "online voice" not in _warnings(at)
    run(lambda: at.selectbox(key="voice_name").set_value("Online Voice"))
    run(lambda: at.slider(key="voice_rate").set_value(1.2))
    assert "This is an online voice" in _warnings(at)
    assert at.session_state[sound.VOICE_KEY] == sound.VoiceSettings("Online Voice", 1.2, 1.0)
    with History(tmp_path / "history.sqlite3") as h:
        prefs = PlanStore(h).load().preferences
    assert (prefs.speech_voice, prefs.speech_rate) == ("Online Voice", 1.2)
    run(lambda: at.button(key="voice_test").click())
    assert at.session_state[sound.PROBE_KEY]["kind"] == "test"
