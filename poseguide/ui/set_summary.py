"""The end of a set or a routine on the page: what was done, skipped and stopped, and the
session as JSON to download."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import streamlit as st

from poseguide.history.records import StopReason
from poseguide.live.recorder import FinishedSet

REASONS = {
    StopReason.COMPLETED: "target reached",
    StopReason.USER_STOP: "stopped",
    StopReason.SHARP_PAIN: "stopped: sharp pain",
    StopReason.CAMERA_LOST: "camera lost",
    StopReason.SKIPPED: "skipped",
}


def session_json(finished: Sequence[FinishedSet]) -> str:
    """The session's sets as JSON, for keeping when the history cannot be written."""
    return json.dumps(
        [
            {
                **f.summary.as_dict(),
                "side": f.planned.side,
                "stop_reason": f.reason,
                "ended_at": f.ended_at.isoformat(),
            }
            for f in finished
        ],
        indent=2,
    )


def summary_view(finished: Sequence[FinishedSet], analysed: bool = False) -> None:
    """Time in form, best continuous hold, repetitions and the most needed corrections.
    A flow counts repetitions only: its time in either position is no hold. ``analysed``:
    the sets come from an uploaded video, which ends when the video does."""
    st.subheader("Set summary")
    holds = [f for f in finished if not f.planned.flow]
    counted = [f for f in finished if f.planned.flow or f.summary.target_reps > 1]
    corrections: Counter = Counter()
    for f in finished:
        corrections.update(f.summary.corrections)
    a, b, c = st.columns(3)
    if holds:
        a.metric("Time in form", f"{sum(f.summary.held for f in holds):.1f} s")
        b.metric("Best continuous hold", f"{max(f.summary.best_hold for f in holds):.1f} s")
    if counted:
        c.metric("Repetitions", sum(f.summary.reps for f in counted))
    st.table(
        [
            {
                "Exercise": f.planned.label,
                "Time in form (s)": "–" if f.planned.flow else f"{f.summary.held:.1f}",
                "Best hold (s)": "–" if f.planned.flow else f"{f.summary.best_hold:.1f}",
                "Repetitions": f"{f.summary.reps} / {f.summary.target_reps}"
                if f.planned.flow or f.summary.target_reps > 1
                else "–",
                "Target": f.planned.target_text,
                "Ended": _ended(f, analysed),
            }
            for f in finished
        ]
    )
    if corrections:
        st.markdown(
            "**Corrections most often needed:** "
            + "; ".join(f"{cue} ({n}x)" for cue, n in corrections.most_common(3))
        )


def _ended(f: FinishedSet, analysed: bool) -> str:
    if analysed:
        return "analysed: target reached" if f.reason == StopReason.COMPLETED else "analysed"
    return REASONS.get(f.reason, f.reason)
