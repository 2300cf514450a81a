"""The controls of a running routine: buttons, keyboard shortcuts, the hands-free help, and the
Stop that asks whether it was sharp pain."""

from __future__ import annotations

import json
from importlib import resources

import streamlit as st

from poseguide.core.gesture import GESTURE
from poseguide.core.templates import Library
from poseguide.history.records import StopReason
from poseguide.live.session import LiveSession
from poseguide.ui import library as page_library
from poseguide.ui.stopping import stop


def control_buttons(live: LiveSession) -> None:
    if not live.active:
        return
    st.html(STOP_CSS)
    paused = live.runner.paused
    cols = st.columns(4)
    cols[0].button(
        "Resume" if paused else "Pause",
        key="pause_button",
        on_click=live.resume if paused else live.pause,
        width="stretch",
    )
    cols[1].button(
        "Skip",
        key="skip_button",
        on_click=live.skip,
        width="stretch",
        help="Skip the camera check, this set, or the rest.",
    )
    cols[2].button(
        "Repeat",
        key="repeat_button",
        on_click=live.repeat,
        width="stretch",
        help="Start this set again (while resting: the one just done).",
    )
    cols[3].button(
        "Stop",
        key="stop_button",
        type="primary",
        on_click=stop,
        args=(live, StopReason.USER_STOP),
        width="stretch",
    )


# Keyboard shortcuts, in assets/keys.js (why it runs in the page itself is said there).
KEYS_JS = (resources.files("poseguide.ui") / "assets" / "keys.js").read_text(encoding="utf-8")


def keys_html() -> str:
    """A frame whose script adds KEYS_JS to the page once."""
    return (
        "<script>(() => { const w = window.parent; if (w.__poseguideKeys) return; "
        "w.__poseguideKeys = true; const s = w.document.createElement('script'); "
        f"s.textContent = {js_literal(KEYS_JS)}; w.document.head.appendChild(s); }})();</script>"
    )


SHORTCUTS = {"Space": "pause / resume", "N": "skip", "Esc": "stop"}


def hands_free_help(library: Library) -> None:
    """The keys, and the gesture with its picture: how to pause from the mat."""
    st.markdown(" · ".join(f"**{k}**: {v}" for k, v in SHORTCUTS.items()))
    left, right = st.columns([1, 2])
    left.image(page_library.picture(GESTURE, library), width=200)
    right.markdown(
        "**From the mat:** stand up and hold **both hands above your head for 2 seconds** to "
        "pause; do it again to go on. No stretch in the library looks like this (checked on "
        "every shared photo and clip), so it does not fire while you exercise. It works "
        "during a set, the camera check and a rest, and while paused."
    )


STOP_CSS = """<style>
.st-key-stop_button button {background-color: #d32f2f; border-color: #d32f2f; color: white;}
.st-key-stop_button button:hover {background-color: #b71c1c; border-color: #b71c1c;}
</style>"""


def js_literal(value: object) -> str:
    """JSON safe to put inside a <script> element."""
    return json.dumps(value).replace("</", "<\\/")
