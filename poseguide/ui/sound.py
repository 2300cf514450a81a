"""The page's sound and voice: a small component that plays the session's events and answers
with the id of the last one it took, so the session keeps each event until then, and with what
became of each one, from the utterance's own events: spoken, failed (why), no voice, muted.

Without the answer, events handed to the page were lost whenever the page reran (on every
phase change) before the browser had played them; without the outcomes, a browser with no voice
installed said nothing while the page counted every cue as played.

The sound check and the voice settings (``sound_check``) reach the player through the session
state (:func:`use_voice`, :func:`use_fallback`, :func:`request_probe`), so the status panel
that draws the player needs to know nothing of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components import v1 as components

from poseguide.core.textenum import TextEnum
from poseguide.live.state import (
    SAY,
    SAY_CORRECTION,
    TONE_START,
    TONE_TARGET,
    LiveState,
    SoundEvent,
)

PLAYER_DIR = Path(__file__).resolve().parent / "player"
KEY = "sound_player"
LOG_KEY = "sound_log"  # token -> seq -> Played: what became of each event, as the page said
VOICE_KEY = "sound_voice"  # the VoiceSettings in force
FALLBACK_KEY = "sound_fallback"  # the user heard nothing: tones and large text instead
PROBE_KEY = "sound_probe"  # the last sound check or voice test asked for
PROBE_RESULTS_KEY = "sound_probe_results"  # id -> ProbeResult, as the page reported them


class Outcome(TextEnum):
    """What became of one sound event in the browser."""

    SPOKEN = "spoken"  # the utterance's own start and end events fired
    FAILED = "failed"  # its error event fired (the reason is the error code) or it never ended
    NO_VOICE = "no voice"  # nothing to speak with: shown in large type (with a tone pattern)
    MUTED = "muted"  # sound was off
    TONE = "tone"  # a tone played through WebAudio
    SKIPPED = "skipped"  # a correction left out while something else was being said


class Speech(TextEnum):
    """What the browser offers to speak with."""

    UNKNOWN = "unknown"  # the page has not answered yet
    READY = "ready"  # a voice is chosen
    ONLINE_ONLY = "online only"  # every voice is an online service and none was picked
    NONE = "none"  # the browser lists no voice
    UNSUPPORTED = "unsupported"  # the browser has no speech synthesis


class Pattern(TextEnum):
    """The tone patterns that stand in for the voice when it cannot be heard."""

    CORRECTION = "correction"
    HOLD_START = "hold_start"
    TEN_LEFT = "ten_left"
    TARGET = "target"


class ProbeKind(TextEnum):
    CHECK = "check"  # the sound check: a tone and "Can you hear me?"
    TEST = "test"  # the voice settings' Test button
    TONES = "tones"  # each fallback pattern once, so the user learns them


@dataclass(frozen=True)
class VoiceSettings:
    name: str = ""  # empty: the first voice running on this machine
    rate: float = 0.95
    volume: float = 1.0


@dataclass(frozen=True)
class Played:
    """One event's outcome, as the browser reported it."""

    seq: int
    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True)
class Voice:
    name: str
    lang: str
    local: bool  # SpeechSynthesisVoice.localService: False sends the text to a service


@dataclass(frozen=True)
class ProbeResult:
    id: int
    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True)
class Answer:
    """The player's answer, checked field by field (it comes from the page)."""

    token: str = ""
    seq: int = 0  # every event up to this one was taken by the player
    camera: str = "unknown"
    results: tuple[Played, ...] = ()
    speech: Speech = Speech.UNKNOWN
    voices: tuple[Voice, ...] = ()
    voice: str = ""  # the voice in use
    probe: ProbeResult | None = None


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _outcome(value: object) -> Outcome | None:
    try:
        return Outcome(value)
    except ValueError:
        return None


def _played(item: object) -> Played | None:
    """``[seq, outcome, reason]``; None for anything else."""
    if not isinstance(item, list) or len(item) != 3:
        return None
    seq, outcome = item[0], _outcome(item[1])
    if isinstance(seq, bool) or not isinstance(seq, int) or outcome is None:
        return None
    return Played(seq, outcome, _text(item[2]))


def parse_answer(raw: object) -> Answer | None:
    """The player's answer as typed records; a malformed entry is left out, not guessed."""
    if not isinstance(raw, dict):
        return None
    seq = raw.get("seq")
    try:
        speech = Speech(raw.get("speech"))
    except ValueError:
        speech = Speech.UNKNOWN
    results = raw.get("results")
    voices = raw.get("voices")
    probe = raw.get("probe")
    probe_result = None
    if isinstance(probe, dict):
        pid, outcome = probe.get("id"), _outcome(probe.get("outcome"))
        if isinstance(pid, int) and not isinstance(pid, bool) and outcome is not None:
            probe_result = ProbeResult(pid, outcome, _text(probe.get("reason")))
    return Answer(
        token=_text(raw.get("token")),
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else 0,
        camera=_text(raw.get("camera"), "unknown"),
        results=tuple(
            p for p in (_played(i) for i in (results if isinstance(results, list) else [])) if p
        ),
        speech=speech,
        voices=tuple(
            Voice(v["name"], _text(v.get("lang")), v.get("local") is True)
            for v in (voices if isinstance(voices, list) else [])
            if isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"]
        ),
        voice=_text(raw.get("voice")),
        probe=probe_result,
    )


# "10 seconds left" (live.coach.Countdown); the marks under 5 s are said as bare numbers.
_TEN_LEFT = re.compile(r"^\d+ seconds left$")


def pattern(event: SoundEvent) -> Pattern | None:
    """The tone pattern that stands in for ``event`` when the voice cannot be heard; None
    where the large type alone carries it (announcements, the breathing pace's words, which
    come with their own soft tones)."""
    if event.kind == TONE_START:
        return Pattern.HOLD_START
    if event.kind == TONE_TARGET:
        return Pattern.TARGET
    if event.kind == SAY_CORRECTION:  # a set's cue or the camera check's
        return Pattern.CORRECTION
    if event.kind == SAY and _TEN_LEFT.match(event.text):
        return Pattern.TEN_LEFT
    return None


def payload(events: Sequence[SoundEvent]) -> list[dict]:
    out = []
    for e in events:
        found = pattern(e)
        out.append({"seq": e.seq, "kind": e.kind, "text": e.text, "pattern": found and str(found)})
    return out


# What the browser said about the webcam: "ok", "none", "denied", "unavailable", "unknown".
NO_CAMERA = {
    "none": "No webcam was found on this computer.",
    "denied": "The browser is not allowed to use the webcam. Allow it in the address bar.",
    "unavailable": "This browser cannot use a webcam on this page.",
}


def _player() -> Any:
    """Declared on each run: it registers only inside a script run."""
    return components.declare_component("sound_player", path=PLAYER_DIR)


def use_voice(settings: VoiceSettings) -> None:
    st.session_state[VOICE_KEY] = settings


def use_fallback(on: bool) -> None:
    st.session_state[FALLBACK_KEY] = on


def request_probe(kind: ProbeKind, text: str = "") -> int:
    """Ask the player to play a sound check, a voice test or the tone patterns once; returns
    the request's id, which its result will carry."""
    last = st.session_state.get(PROBE_KEY)
    pid = (last["id"] if isinstance(last, dict) else 0) + 1
    st.session_state[PROBE_KEY] = {"id": pid, "kind": str(kind), "text": text}
    return pid


def probe_result(pid: int) -> ProbeResult | None:
    """What the page reported for the sound check or test ``pid`` (None: still playing)."""
    return st.session_state.get(PROBE_RESULTS_KEY, {}).get(pid)


def answer() -> Answer:
    """The player's latest answer (an empty one before it first answered)."""
    got = parse_answer(st.session_state.get(KEY)) or Answer()
    _remember(got.probe)
    return got


def _remember(probe: ProbeResult | None) -> None:
    if probe is not None:
        st.session_state.setdefault(PROBE_RESULTS_KEY, {})[probe.id] = probe


def play(state: LiveState, enabled: bool) -> str:
    """Hand the events not yet acknowledged to the browser and take its answer: what it took
    (or, with sound off, passed over) up to which id, and what became of each. Returns what
    the browser found about the webcam."""
    _take(state, parse_answer(st.session_state.get(KEY)))
    voice = st.session_state.get(VOICE_KEY, VoiceSettings())
    raw = _player()(
        token=state.token,
        events=payload(state.pending()),
        enabled=enabled,
        voice={"name": voice.name, "rate": voice.rate, "volume": voice.volume},
        fallback=bool(st.session_state.get(FALLBACK_KEY, False)),
        probe=st.session_state.get(PROBE_KEY),
        key=KEY,
        default=None,
    )
    got = parse_answer(raw)
    if got is None:
        return "unknown"
    _take(state, got)
    return got.camera


def _take(state: LiveState, got: Answer | None) -> None:
    if got is None:
        return
    _remember(got.probe)
    if not got.token:
        return
    state.ack(got.token, got.seq)
    log: dict[str, dict[int, Played]] = st.session_state.setdefault(LOG_KEY, {})
    mine = log.setdefault(got.token, {})
    for p in got.results:
        mine[p.seq] = p


def outcomes(token: str) -> list[Played]:
    """What became of this session's events so far, by id."""
    log = st.session_state.get(LOG_KEY, {})
    return sorted(log.get(token, {}).values(), key=lambda p: p.seq)


def tally(played: Sequence[Played]) -> str:
    """'3 spoken · 1 failed (synthesis-failed) · 0 no voice · 0 muted · 2 tones'."""
    counts = Counter(p.outcome for p in played)
    reasons = sorted({p.reason for p in played if p.outcome == Outcome.FAILED and p.reason})
    failed = f"{counts[Outcome.FAILED]} failed" + (f" ({', '.join(reasons)})" if reasons else "")
    parts = [
        f"{counts[Outcome.SPOKEN]} spoken",
        failed,
        f"{counts[Outcome.NO_VOICE]} no voice",
        f"{counts[Outcome.MUTED]} muted",
        f"{counts[Outcome.TONE]} tones",
    ]
    if counts[Outcome.SKIPPED]:
        parts.append(f"{counts[Outcome.SKIPPED]} skipped while speaking")
    return " · ".join(parts)


def summary(state: LiveState) -> str:
    """The line under the panel: how many events the session made and what became of them."""
    return f"{state.sent} sound events: {tally(outcomes(state.token))}"
