"""Streamlit pieces for safety: the first-start screen, the repeated-pain advice, pain ratings.

The rules and texts live in :mod:`poseguide.live.safety_rules`; this module only draws them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import streamlit as st

from poseguide.history import History, HistoryError
from poseguide.live import safety_rules

PAIN_CHOICES: list[int | None] = [None, *range(11)]


def gate(home: Path | None = None) -> bool:
    """True once the user has confirmed that no warning sign applies; else draw the screen."""
    if st.session_state.get("safety_confirmed") or safety_rules.is_confirmed(home):
        return True
    st.subheader("Before you start")
    st.markdown(
        "Do **not** use these exercises, and see a doctor first, if any of these applies to you:"
    )
    warning_signs()
    st.info(safety_rules.DISCLAIMER)
    agreed = st.checkbox(
        "None of these applies to me, and I have read the note above", key="safety_agree"
    )
    if st.button("Continue", type="primary", disabled=not agreed, key="safety_continue"):
        st.session_state["safety_confirmed"] = True
        try:
            safety_rules.confirm(datetime.now(timezone.utc), home)
        except OSError as exc:  # still fine for this visit; it will ask again next time
            st.session_state["safety_not_saved"] = str(exc)
        st.rerun()
    return False


def warning_signs() -> None:
    st.markdown("\n".join(f"- {sign}" for sign in safety_rules.WARNING_SIGNS))
    st.error(safety_rules.URGENT)


def repeated_pain_notice(history: History | None) -> None:
    """After two or more sharp-pain stops in a week, advise stopping before anything else."""
    if history is None:
        return
    try:
        count = history.sharp_pain_stops(safety_rules.warn_since(datetime.now(timezone.utc)))
    except HistoryError as exc:
        # Said, not swallowed: the advice cannot be given without the count.
        st.warning(
            f"Sharp-pain stops could not be counted ({exc}). If you stopped for sharp pain "
            f"{safety_rules.WARN_AFTER_STOPS} times or more in the last "
            f"{safety_rules.WARN_WINDOW.days} days, "
            "see a professional before stretching again."
        )
        return
    if safety_rules.should_warn(count):
        st.error(safety_rules.repeated_pain_advice(count))


def pain_rating(label: str, key: str, disabled: bool = False) -> int | None:
    """An optional 0-10 pain rating; 'Skip' (the default) gives None."""
    return st.selectbox(
        label,
        PAIN_CHOICES,
        format_func=lambda v: "Skip" if v is None else f"{v}",
        key=key,
        disabled=disabled,
        help="0 = no pain, 10 = the worst pain you can imagine. Optional.",
    )
