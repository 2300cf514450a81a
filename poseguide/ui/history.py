"""Streamlit page to review practice: sessions, progress charts, streak, bests, export."""

from __future__ import annotations

from datetime import datetime, timezone

import altair as alt
import pandas as pd
import streamlit as st

from poseguide.core.templates import Library, TemplateError, load_library
from poseguide.history import (
    History,
    HistoryError,
    SessionRecord,
    SessionSummary,
    summarize_session,
)
from poseguide.history.motion import (
    CAMERA_NOTE,
    MeasureLabel,
    MotionTrend,
    change_words,
    measure_labels,
    measure_words,
    motion_trends,
)
from poseguide.history.report_html import history_report
from poseguide.live import safety_rules
from poseguide.ui.history_db import open_history

_RANGES = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90, "Everything": None}
DASH = "–"  # shown for a value that was not recorded, instead of "None"


def render(db_path: str | None = None, library: Library | None = None) -> None:
    """Draw the history page; a broken database becomes an error message, not a crash."""
    st.header("Your practice")
    try:
        history = open_history(db_path)
    except HistoryError as exc:
        st.error(f"The practice history cannot be opened: {exc}")
        return
    if library is None:
        try:
            library = load_library()
        except TemplateError:
            library = None  # ids then read as words
    names = {} if library is None else {t.id: t.name for t in library.templates.values()}
    labels = {} if library is None else measure_labels(library)
    try:
        _render(history, names, labels)
    except HistoryError as exc:
        st.error(f"The practice history cannot be read: {exc}")


def pose_name(exercise: str, names: dict[str, str]) -> str:
    """The pose's name for a stored id; an id with no template left reads as words."""
    return names.get(exercise) or exercise.replace("_", " ").capitalize()


def _shown(value: object) -> str:
    """A cell as text: each column holds one type (Arrow refuses a column of "–" and numbers)."""
    return DASH if value is None else str(value)


def _recorded(value: float) -> str:
    """A best hold or a count as text; "–" when none was recorded (a flow has no hold, a
    single hold no repetitions)."""
    return str(value) if value else DASH


def _render(history: History, names: dict[str, str], labels: dict[str, MeasureLabel]) -> None:
    deleted = st.session_state.pop("history_deleted", None)
    if deleted is not None:
        # Set before the checkbox exists in this run, so the next delete needs a new tick.
        st.session_state["history_delete_confirm"] = False
        st.success(f"Deleted session {deleted}.")
    label = st.selectbox("Period", list(_RANGES), index=1, key="history_range")
    days = _RANGES[label]
    sessions = history.sessions(days)
    if not sessions:
        if days is not None and history.sessions():
            st.info(f"No sessions in the last {days} days. Choose a longer period above.")
        else:
            st.info("No sessions yet. Finished holds and repetitions appear here.")
        return

    streak = history.streak()
    sharp = history.sharp_pain_stops(safety_rules.warn_since(datetime.now(timezone.utc)))
    summaries = [summarize_session(s) for s in sessions]
    cols = st.columns(4)
    cols[0].metric("Streak", f"{streak} day{'' if streak == 1 else 's'}")
    cols[1].metric("Sessions", len(sessions))
    cols[2].metric("Time in form", _minutes(sum(s.held_s for s in summaries)))
    cols[3].metric(f"Sharp-pain stops ({safety_rules.WARN_WINDOW.days} days)", sharp)

    st.subheader("Recent sessions")
    st.dataframe(_sessions_frame(summaries, names), hide_index=True, width="stretch")
    st.download_button(
        "Download CSV",
        data=history.to_csv(days),
        file_name="poseguide-history.csv",
        mime="text/csv",
        key="history_csv",
    )
    _report_button(history, sessions, days, names, labels)

    _charts(history, sessions, days, names)
    every = history.sessions()
    _motion(motion_trends(sessions, labels), motion_trends(every, labels), names)

    st.subheader("Personal bests")
    st.dataframe(
        _bests_frame(history, motion_trends(every, labels), names), hide_index=True, width="stretch"
    )

    _delete(history, sessions)


def _motion(
    period: dict[str, MotionTrend], every: dict[str, MotionTrend], names: dict[str, str]
) -> None:
    """Per exercise: its key measure session by session (median, and the deepest value
    reached) and the change over the last 30 days in words."""
    if not period:
        return
    st.subheader("Range of motion")
    st.caption(CAMERA_NOTE)
    now = datetime.now(timezone.utc)
    for exercise, trend in period.items():
        name = pose_name(exercise, names)
        words = change_words(every[exercise], name, now)
        st.markdown(f"**{words}**" if words else f"**{name}**: {measure_words(trend.label)}")
        data = pd.DataFrame(
            [
                {"day": p.day.isoformat(), "started": p.started.isoformat(), "value": v, "kind": k}
                for p in trend.points
                for k, v in (("median", p.median), ("best", p.best))
            ]
        )
        degrees = f"{measure_words(trend.label)} (°)"
        st.altair_chart(
            alt.Chart(data)
            .mark_line(point=True)
            .encode(
                alt.X("day:O", title="Day", axis=alt.Axis(labelAngle=-45)),
                alt.Y("mean(value):Q", title=degrees, scale=alt.Scale(zero=False)),
                alt.Color("kind:N", title="Per session", sort=["median", "best"]),
                alt.StrokeDash("kind:N", title="Per session", sort=["median", "best"]),
            )
            .properties(height=220),
            width="stretch",
        )


def _report_button(
    history: History,
    sessions: list[SessionRecord],
    days: int | None,
    names: dict[str, str],
    labels: dict[str, MeasureLabel],
) -> None:
    """The printable report of the chosen period ("Everything": since the first session),
    the same page ``poseguide report`` writes."""
    now = datetime.now(timezone.utc)
    span = days or max(1, (now - min(s.started_at for s in sessions)).days + 1)
    st.download_button(
        "Download report",
        data=history_report(history, span, now, names, labels),
        file_name=f"poseguide-report-{now.astimezone():%Y-%m-%d}.html",
        mime="text/html",
        key="history_report",
        help="One page to print or send to your physiotherapist (open it in a browser).",
    )


def _bests_frame(
    history: History, trends: dict[str, MotionTrend], names: dict[str, str]
) -> pd.DataFrame:
    """Held-time bests with the range-of-motion best beside them; each column one type
    (text), so a missing value reads "–" without mixing strings and numbers."""
    bests = history.personal_bests()
    rows = []
    for exercise in sorted(bests.keys() | trends.keys()):
        b = bests.get(exercise)
        trend = trends.get(exercise)
        top = trend.personal_best if trend else None
        rows.append(
            {
                "Exercise": pose_name(exercise, names),
                "Best hold (s)": f"{b.best_hold_s:.1f}" if b and b.best_hold_s else DASH,
                "Best hold on": _day(b.best_hold_at if b else None),
                "Most reps in a set": str(b.most_reps) if b and b.most_reps else DASH,
                "Most reps on": _day(b.most_reps_at if b else None),
                "Best range of motion": f"{top.best}° {measure_words(trend.label)}"
                if top and trend
                else DASH,
                "Range best on": _day(top.started if top else None),
            }
        )
    return pd.DataFrame(rows, dtype=str)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _day(when: datetime | None) -> str:
    return DASH if when is None else when.astimezone().strftime("%Y-%m-%d")


def _label(s: SessionRecord) -> str:
    return f"{s.started_at.astimezone():%Y-%m-%d %H:%M} (#{s.id})"


def _sessions_frame(summaries: list[SessionSummary], names: dict[str, str]) -> pd.DataFrame:
    rows = []
    for summary in summaries:
        s = summary.session
        rows.append(
            {
                "Started": s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "Minutes": _shown(
                    None if summary.duration_s is None else round(summary.duration_s / 60, 1)
                ),
                "In form (s)": round(summary.held_s, 1),
                "Reps": _recorded(summary.reps),
                "Targets met": f"{summary.targets_met}/{summary.targets_total}",
                "Pain before": _shown(s.pain_before),
                "Pain after": _shown(s.pain_after),
                "Exercises": ", ".join(pose_name(e, names) for e in summary.exercises) or DASH,
                "Stops": ", ".join(str(r).replace("_", " ") for r in summary.stop_reasons) or DASH,
                "Note": s.note or DASH,
            }
        )
    return pd.DataFrame(rows)


def _charts(
    history: History, sessions: list[SessionRecord], days: int | None, names: dict[str, str]
) -> None:
    """Progress per exercise per local day, and pain next to time in form per session."""
    per_day = pd.DataFrame(
        [
            {
                "day": d.start.isoformat(),
                "exercise": pose_name(t.exercise, names),
                "held_s": round(t.held_s, 1),
                "best_hold_s": round(t.best_hold_s, 1),
                "reps": t.reps,
            }
            for d in history.daily(days)
            for t in d.exercises.values()
        ],
        columns=["day", "exercise", "held_s", "best_hold_s", "reps"],
    )
    _day_chart("Time in form per day", per_day, "bar", "sum(held_s)", "Seconds in form", True)
    _day_chart(
        "Best hold over time",
        per_day[per_day["best_hold_s"] > 0],
        "line",
        "best_hold_s",
        "Best hold (s)",
    )
    _day_chart(
        "Repetitions per day", per_day[per_day["reps"] > 0], "bar", "sum(reps)", "Repetitions"
    )

    per_session = pd.DataFrame(
        [
            {
                "session": _label(s),
                "started": s.started_at.isoformat(),
                "held_s": round(s.held_s, 1),
                "before": s.pain_before,
                "after": s.pain_after,
            }
            for s in sessions
        ]
    )
    pain = per_session.melt(
        id_vars=["session", "started"],
        value_vars=["before", "after"],
        var_name="when",
        value_name="pain",
    ).dropna(subset=["pain"])
    session_axis = alt.X("session:N", sort=alt.SortField("started"), title="Session")
    st.subheader("Pain and time in form per session")
    left, right = st.columns(2)
    if pain.empty:
        left.caption("No pain ratings recorded in this period.")
    else:
        left.altair_chart(
            alt.Chart(pain)
            .mark_line(point=True)
            .encode(
                session_axis,
                alt.Y("pain:Q", title="Pain (0-10)", scale=alt.Scale(domain=[0, 10])),
                alt.Color("when:N", title="Rated", sort=["before", "after"]),
            ),
            width="stretch",
        )
    right.altair_chart(
        alt.Chart(per_session)
        .mark_bar()
        .encode(session_axis, alt.Y("held_s:Q", title="Seconds in form")),
        width="stretch",
    )


def _day_chart(
    title: str, data: pd.DataFrame, mark: str, field: str, label: str, always: bool = False
) -> None:
    """One per-day chart coloured by exercise; an empty one is left out unless ``always``."""
    if data.empty and not always:
        return
    # One band per local calendar day (ordinal): a time axis labels every 12 hours and
    # repeats a day when the period is short.
    day = alt.X("day:O", title="Day", axis=alt.Axis(labelAngle=-45))
    chart = alt.Chart(data)
    chart = chart.mark_line(point=True) if mark == "line" else chart.mark_bar()
    st.subheader(title)
    st.altair_chart(
        chart.encode(
            day, alt.Y(f"{field}:Q", title=label), alt.Color("exercise:N", title="Exercise")
        ),
        width="stretch",
    )


def _delete(history: History, sessions: list[SessionRecord]) -> None:
    """Deleting needs an explicit confirmation: it cannot be undone."""
    st.subheader("Delete a session")
    by_label = {_label(s): s.id for s in sessions}
    choice = st.selectbox("Session", list(by_label), key="history_delete_choice")
    confirmed = st.checkbox(
        "Yes, delete this session and everything recorded in it", key="history_delete_confirm"
    )
    if st.button("Delete session", disabled=not confirmed, key="history_delete"):
        history.delete_session(by_label[choice])
        st.session_state["history_deleted"] = choice
        st.rerun()
