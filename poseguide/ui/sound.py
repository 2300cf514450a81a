"""The page's sound and voice: a small component that plays the session's events and answers
with the id of the last one it played, so the session keeps each event until then.

Without the answer, events handed to the page were lost whenever the page reran (on every
phase change) before the browser had played them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components import v1 as components

from poseguide.live.state import LiveState, SoundEvent

PLAYER_DIR = Path(__file__).resolve().parent / "player"
KEY = "sound_player"


def _player() -> Any:
    """Declared on each run: it registers only inside a script run."""
    return components.declare_component("sound_player", path=PLAYER_DIR)


def payload(events: Sequence[SoundEvent]) -> list[dict]:
    return [{"seq": e.seq, "kind": e.kind, "text": e.text} for e in events]


# What the browser said about the webcam: "ok", "none", "denied", "unavailable", "unknown".
NO_CAMERA = {
    "none": "No webcam was found on this computer.",
    "denied": "The browser is not allowed to use the webcam. Allow it in the address bar.",
    "unavailable": "This browser cannot use a webcam on this page.",
}


def play(state: LiveState, enabled: bool) -> str:
    """Hand the events not yet acknowledged to the browser and take its answer: what it
    played (or, with sound off, passed over) up to which id. Returns what the browser found
    about the webcam."""
    answer = st.session_state.get(KEY)
    if isinstance(answer, dict):
        _ack(state, answer)
    answer = _player()(
        token=state.token, events=payload(state.pending()), enabled=enabled, key=KEY, default=None
    )
    if not isinstance(answer, dict):
        return "unknown"
    _ack(state, answer)
    camera = answer.get("camera")
    return camera if isinstance(camera, str) else "unknown"


def _ack(state: LiveState, answer: dict) -> None:
    token, seq = answer.get("token"), answer.get("seq")
    if isinstance(token, str) and isinstance(seq, int):
        state.ack(token, seq)
