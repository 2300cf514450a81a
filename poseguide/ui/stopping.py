"""Stopping a routine from the page, and the question that follows a user's stop: was it sharp
pain? The answer goes into History with the set."""

from __future__ import annotations

import streamlit as st

from poseguide.history.records import StopReason
from poseguide.live.session import LiveSession


def stop(live: LiveSession, reason: StopReason) -> None:
    """End at once; if a set was cut short by the user, ask whether it was sharp pain."""
    interrupted = live.stop(reason)
    st.session_state["ask_pain"] = interrupted is not None and reason == StopReason.USER_STOP


def ask_if_sharp_pain(live: LiveSession) -> None:
    """Asked after a stop. The answers are callbacks: they run before the next script run,
    so a click that interrupts a run cannot lose them."""
    if not st.session_state.get("ask_pain") or live.interrupted is None:
        return
    st.warning("You stopped during a set. Was it because of sharp pain?")
    yes, no = st.columns(2)
    yes.button(
        "Yes, sharp pain", key="pain_yes", width="stretch", on_click=answer_pain, args=(live, True)
    )
    no.button("No", key="pain_no", width="stretch", on_click=answer_pain, args=(live, False))


def answer_pain(live: LiveSession, sharp: bool) -> None:
    st.session_state["ask_pain"] = False
    if sharp:
        live.mark_sharp_pain()
        st.session_state["sharp_pain_advice"] = True
