"""The live set's status beside the video: the big timer, the cue in the colour of its kind,
what comes next in a rest, the pictures, and the breathing pace."""

from __future__ import annotations

import base64
import html
import time

import streamlit as st

from poseguide.core.templates import Library
from poseguide.history.records import StopReason
from poseguide.live import coach
from poseguide.live.frame_stats import camera_lost
from poseguide.live.routine import Phase, PlannedSet
from poseguide.live.session import LiveSession
from poseguide.live.snapshot import PAUSED_HINT, PAUSED_TITLE
from poseguide.live.state import Snapshot, TimerShown
from poseguide.ui import camera_denied, sound
from poseguide.ui import library as page_library
from poseguide.ui.stopping import stop

# Timer and cue sized for a 1280x720 page read from 3 m (a third of the size still reads).
BIG_CSS = (
    """<style>
.pg-timer {font-size: 88px; font-weight: 700; line-height: 1.05;}
.pg-rest {font-size: 56px; font-weight: 700; line-height: 1.1;}
.pg-cue {font-size: 44px; font-weight: 600; line-height: 1.15; padding: 6px 12px;
         border-radius: 8px; margin: 6px 0;}
.pg-cue.pg-long {font-size: 34px;}
.pg-cue.pg-longer {font-size: 28px;}
.pg-title {font-size: 28px; font-weight: 700; line-height: 1.2;}
.pg-ok {background: #e6f4ea; color: #1e4620;}
.pg-warn {background: #fff4e5; color: #663c00;}
.pg-refine {background: #e8f0fe; color: #174ea6;}
.pg-note {font-size: 20px; color: #555;}
.pg-box {padding: 12px 16px; border-radius: 8px; margin: 4px 0;}
.pg-info {background: #e8f0fe; color: #174ea6;}
.pg-warn-box {background: #fff4e5; color: #663c00; font-size: 18px;}
.pg-warn-box p {margin: 0 0 8px 0;}
</style>"""
    + camera_denied.CSS
)
# Characters: a longer cue is set smaller (34 px, then 28 px), so that the longest (a refinement
# of 72 characters after "Timer running. To refine: ") ends above 720 px beside the video.
LONG_CUE, LONGER_CUE = 24, 64

# During a session the page gives the fold to the panel: less space above the content and no
# page title (hidden, not removed: an element taken away above the video would move the
# camera widget, and a moved widget is rebuilt and drops the stream).
LOCKED_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 1.5rem;}
[data-testid="stHeading"]:has(#stretch) {display: none;}
</style>"""


@st.fragment(run_every=0.5)
def status(live: LiveSession) -> None:
    """The panel beside the video, redrawn from the session's snapshot twice a second."""
    snap = live.state.read()
    camera = sound.play(live.state, st.session_state.get("sound_on", True))
    if (snap.phase, snap.paused) != st.session_state.get("shown_page"):
        # A new phase changes the rest of the page (choices folded, sound check gone, buttons,
        # summary): drawn first in the old page, the timer and cue would stand below the fold
        # until the page caught up, which on a busy laptop takes a second or more. A pause or
        # resume by the hands-up gesture turns the Pause button into Resume and back.
        st.rerun()
    if camera in sound.NO_CAMERA and snap.phase == Phase.IDLE:
        st.warning(
            f"{sound.NO_CAMERA[camera]} You can analyse a recorded video of yourself "
            "instead: open **No webcam? Analyse a recorded video** at the bottom of "
            "this page."
        )
    else:
        _draw_status(snap, live.runner.current, live.library)
    st.caption(sound.summary(live.state))
    if live.active and camera_lost(snap, time.monotonic()):
        stop(live, StopReason.CAMERA_LOST)
        st.rerun()


def _draw_status(snap: Snapshot, current: PlannedSet | None, library: Library) -> None:
    phase = snap.phase
    if phase == Phase.IDLE:
        st.html(
            camera_denied.idle_html(
                "Press START under the video to begin (or Begin, if the camera is already "
                "on). The camera checks first that it can see you."
            )
        )
    elif snap.paused:  # one state: nothing is timed or judged while paused
        _title(snap)
        _big(
            PAUSED_TITLE,
            "pg-cue pg-warn",
            PAUSED_HINT,
        )
    elif phase == Phase.SETUP:
        st.subheader("Camera check")
        if snap.setup_message:
            _cue(snap.setup_message, "pg-warn")
        else:
            st.success("I can see you. Hold still a moment...")
    elif phase == Phase.EXERCISE:
        _title(snap, f"Set {snap.position} · target: {snap.target}")
        words = {
            TimerShown.RUNNING: "running",
            TimerShown.PAUSED: "paused",
            TimerShown.WAITING: "waiting for the pose",
        }
        if snap.flow:  # a flow counts repetitions: no hold, no hold timer
            _big(f"{snap.reps} / {snap.target_reps}", "pg-timer", "repetitions")
        elif snap.target_reps > 1:
            _big(
                f"{snap.reps} / {snap.target_reps}",
                "pg-timer",
                f"repetitions · held this set {snap.held:.1f} s · Timer: {words[snap.timer]}",
            )
        else:
            _big(
                f"{snap.held:.1f} s",
                "pg-timer",
                f"held this set · this hold {snap.current_hold:.1f} s · target: {snap.target}"
                f" · Timer: {words[snap.timer]}",
            )
        if snap.alert:
            _cue(snap.alert, "pg-warn")
        if snap.target_met:
            _cue("Target reached. Release slowly.", "pg-ok")
        elif snap.correction:
            _cue(snap.correction, "pg-warn")
        elif snap.refinement:  # the hold is counting: a refinement, not a stop (blue, not amber)
            _cue(f"Timer running. To refine: {snap.refinement}", "pg-refine")
        elif snap.status == "in_range" and not snap.alert:
            _cue("Good form", "pg-ok")
        if snap.breath is not None:
            st.progress(
                snap.breath.done if snap.breath.inhaling else 1 - snap.breath.done,
                text="Breathe in (cow)" if snap.breath.inhaling else "Breathe out (cat)",
            )
        if current is not None:
            _picture(
                page_library.picture(current.template, library), 240, "Aim for this", "Aim for this"
            )
    elif phase == Phase.REST:
        if snap.notice:
            st.success(snap.notice)
        _big(f"Rest: {snap.rest_left:.0f} s", "pg-rest")
        if current is not None:
            st.markdown(f"### Next: {current.label}")
            _picture(page_library.picture(current.template, library), 420, current.template.name)
            st.markdown(f"**{coach.how_to_line(current.template.how_to)}**")
            st.markdown(f"Target: **{current.target_text}**")
    elif phase == Phase.DONE:
        if snap.notice:
            st.success(snap.notice)
        st.success(snap.outcome or "Routine complete. Well done.")
    else:
        st.info(snap.outcome or "Stopped.")
    with st.expander("Details"):
        stats = (
            f"{snap.frames} frames processed · {snap.fps:.1f} frames/s · "
            f"{snap.latency_ms_p95:.0f} ms per frame (p95)"
        )
        if snap.first_frame_s is not None:
            stats += f" · first frame {snap.first_frame_s:.2f} s after start"
        st.caption(stats)
    if snap.error:
        st.error(snap.error)


def _picture(png: bytes, width: int, alt: str, caption: str = "") -> None:
    """A pose picture inline in the panel: the panel redraws twice a second, and an inline
    image does not flicker or break while a media file is replaced."""
    data = base64.b64encode(png).decode()
    under = f'<figcaption class="pg-note">{html.escape(caption)}</figcaption>' if caption else ""
    st.html(
        f'<figure style="margin:0"><img alt="{html.escape(alt)}" '
        f'style="width:{width}px;max-width:100%" src="data:image/png;base64,{data}"/>'
        f"{under}</figure>"
    )


def _title(snap: Snapshot, note: str = "") -> None:
    """The pose (and side) in one line, the set and target under it in small type."""
    title = snap.pose + (f" ({snap.side} side)" if snap.side else "")
    small = f'<div class="pg-note">{html.escape(note)}</div>' if note else ""
    st.html(f'<div class="pg-title">{html.escape(title)}</div>{small}')


def _cue(text: str, colour: str) -> None:
    """A cue in the colour of its kind; a long one in smaller type (see LONG_CUE)."""
    size = " pg-longer" if len(text) > LONGER_CUE else " pg-long" if len(text) > LONG_CUE else ""
    _big(text, f"pg-cue {colour}{size}")


def _big(text: str, css: str, note: str = "") -> None:
    """Large type, readable from the mat 3 m away (see BIG_CSS)."""
    small = f'<div class="pg-note">{html.escape(note)}</div>' if note else ""
    st.html(f'<div class="{css}">{html.escape(text)}</div>{small}')
