"""The exercise page: choose a routine, exercise in front of the webcam, see and keep the result.

The webcam runs through streamlit-webrtc; its callback hands each frame to the session's
:class:`~poseguide.live.LiveSession` and never calls Streamlit. The panel beside the video is a
fragment that redraws the session's snapshot twice a second and plays new sound and voice
events in the browser. Without a webcam, a recorded video can be analysed instead.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import av
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile
from streamlit_webrtc import webrtc_streamer
from streamlit_webrtc.config import Translations

from poseguide.core.gesture import GESTURE
from poseguide.core.templates import Library
from poseguide.history import History, HistoryError
from poseguide.history.records import StopReason
from poseguide.history.settings import Plan
from poseguide.live import coach, safety
from poseguide.live import recorder as lv_recorder
from poseguide.live import routine as lv_routine
from poseguide.live import session as lv_session
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import Phase, PlannedSet, Routine
from poseguide.live.session import LiveSession
from poseguide.live.state import Snapshot
from poseguide.offline.analysis import analyze_video
from poseguide.ui import library as page_library
from poseguide.ui import plan as page_plan
from poseguide.ui import safety as page_safety
from poseguide.ui import sound
from poseguide.ui.history_db import open_history
from poseguide.vision.media import VIDEO_SUFFIXES, MediaError

# Camera and server run on the same machine: no outside STUN/TURN server is asked.
RTC_CONFIGURATION: dict[str, list[str]] = {"iceServers": []}
CAMERA_KEY = "camera"
MODES = ("One exercise", "Basic daily routine", "Custom routine")
REASONS = {
    StopReason.COMPLETED: "target reached",
    StopReason.USER_STOP: "stopped",
    StopReason.SHARP_PAIN: "stopped: sharp pain",
    StopReason.CAMERA_LOST: "camera lost",
    StopReason.SKIPPED: "skipped",
}
TRANSLATIONS: Translations = {
    "stop": "Camera off",  # not "Stop": the red Stop button ends the set
    "device_not_available": "No webcam was found. You can analyse a recorded video instead "
    "(below the video).",
    "device_access_denied": "The browser was not allowed to use the webcam. Allow it in the "
    "address bar, or analyse a recorded video instead (below).",
    "media_api_not_available": "This browser cannot use a webcam here. You can analyse a "
    "recorded video instead (below).",
}
# Timer and cue sized for a 1280x720 page read from 3 m (a third of the size still reads).
BIG_CSS = """<style>
.pg-timer {font-size: 88px; font-weight: 700; line-height: 1.05;}
.pg-rest {font-size: 56px; font-weight: 700; line-height: 1.1;}
.pg-cue {font-size: 44px; font-weight: 600; line-height: 1.15; padding: 6px 12px;
         border-radius: 8px; margin: 6px 0;}
.pg-ok {background: #e6f4ea; color: #1e4620;}
.pg-warn {background: #fff4e5; color: #663c00;}
.pg-refine {background: #e8f0fe; color: #174ea6;}
.pg-note {font-size: 20px; color: #555;}
</style>"""
STOP_CSS = """<style>
.st-key-stop_button button {background-color: #d32f2f; border-color: #d32f2f; color: white;}
.st-key-stop_button button:hover {background-color: #b71c1c; border-color: #b71c1c;}
</style>"""


def render(library: Library) -> None:
    st.header("Stretch")
    if not page_safety.gate():
        return
    # Everything above the video sits in fixed containers: an element appearing above it would
    # move the webrtc component, and a moved component is rebuilt and drops the stream.
    alerts, choice, notes = st.container(), st.container(), st.container()
    with alerts:
        history = _history()
        if "safety_not_saved" in st.session_state:
            st.caption(
                "Your confirmation could not be saved, so it will be asked again next "
                f"time: {st.session_state['safety_not_saved']}"
            )
        page_safety.repeated_pain_notice(history)
        if st.session_state.get("sharp_pain_advice"):
            st.error(safety.SHARP_PAIN_ADVICE)

    live = st.session_state.get("live")
    locked = live is not None and live.started and not _finished(live)
    plan = page_plan.load(history)
    # During a session the choices fold away, so the timer and cue stand at the top of a
    # 1280x720 screen, readable from the mat; the widgets stay rendered (and keep their state).
    with (
        choice,
        (
            st.expander("Exercise, settings and pain rating (fixed until the session ends)")
            if locked
            else st.container()
        ),
    ):
        routine = _choose_routine(library, locked, plan, history)
        col_a, col_b, col_c = st.columns(3)
        with col_a:
            pain_before = page_safety.pain_rating(
                "Pain now, before you start", "pain_before", disabled=locked
            )
        with col_b:
            st.toggle(
                "Sound and voice",
                value=plan.preferences.voice,
                key="sound_on",
                help="Tones when a hold starts and when the target is reached; spoken "
                "corrections. The first click on START turns sound on.",
                on_change=lambda: page_plan.save_preferences(
                    history, voice=st.session_state.sound_on
                ),
            )
        with col_c:
            speak_cautions = st.toggle("Read cautions aloud at each set", key="speak_cautions")
        with st.expander("Your plan: targets, rest, countdown, breathing pace"):
            page_plan.render(library, history, plan, locked)
    if routine is None:
        st.info("Pick at least one exercise.")
        _upload(library, history, None)
        return

    live = _live_session(routine, library, history, pain_before, speak_cautions, plan)
    with notes:
        for note in live.runner.notes:
            st.warning(note)
        current = live.runner.current
        if current is not None and current.template.cautions:
            st.info(f"**{current.template.name}:** " + " ".join(current.template.cautions))

    st.html(BIG_CSS)
    video, panel = st.columns([3, 2])
    with video:
        ctx = webrtc_streamer(
            key=CAMERA_KEY,
            video_frame_callback=_callback(live),
            async_processing=True,
            media_stream_constraints={"video": True, "audio": False},
            rtc_configuration=RTC_CONFIGURATION,
            translations=TRANSLATIONS,
        )
        st.caption(
            "No webcam, or the browser may not use it? Analyse a recorded video instead "
            "(at the bottom of this page)."
        )
        _camera_state(live, ctx.state.playing, ctx.state.signalling)
        _controls(live)
        st.iframe(keys_html(), height=1)
        with st.expander("Hands-free: keys and the pause gesture"):
            hands_free_help(library)
    with panel:
        st.session_state["shown_phase"] = live.state.read().phase
        _status(live)

    _sharp_pain_question(live)
    if live.finished and _finished(live):
        _end_of_session(live)
    with st.expander("Warning signs: when not to exercise"):
        page_safety.warning_signs()
    _upload(library, history, routine.steps[0].template_id if len(routine.steps) == 1 else None)


# --------------------------------------------------------------------------- choosing


def _choose_routine(
    library: Library, locked: bool, plan: Plan, history: History | None
) -> Routine | None:
    templates = sorted(library.templates.values(), key=lambda t: t.name)
    ids = [t.id for t in templates]
    if not ids:
        st.error("No pose templates were found, so there is nothing to practise.")
        return None
    # The page link's ?pose= wins; otherwise the exercise chosen last time (kept in the plan).
    wanted = st.query_params.get("pose") or plan.preferences.last_exercise
    mode = st.radio(
        "What would you like to do?", MODES, horizontal=True, key="mode", disabled=locked
    )

    def names(tid: str) -> str:
        return library[tid].name

    if mode == MODES[0]:
        tid = st.selectbox(
            "Exercise",
            ids,
            index=ids.index(wanted) if wanted in ids else 0,
            format_func=names,
            key="pose",
            disabled=locked,
            on_change=lambda: page_plan.save_preferences(
                history, last_exercise=st.session_state.pose
            ),
        )
        return page_plan.with_targets(lv_routine.single(tid), plan)
    if mode == MODES[1]:
        st.caption(
            "Child's pose 60 s · cat-cow 15 times · knee to chest 2 per side · seated "
            "twist 2 per side · pelvic tilts 10 times, with a short rest between."
        )
        return page_plan.with_targets(lv_routine.BASIC_ROUTINE, plan)
    saved = page_plan.saved_routine(plan, library)
    saved_ids = [s.template_id for s in saved.steps] if saved else []
    picked = st.multiselect(
        "Exercises, in the order you want them",
        ids,
        format_func=names,
        key="custom",
        disabled=locked,
        default=saved_ids,
    )
    if not picked:
        return None
    if saved is not None and picked == saved_ids:
        st.caption("Your saved routine, in its order with its targets.")
        return saved
    if st.button("Save as my routine", key="save_routine", disabled=locked):
        problem = page_plan.save_routine(history, picked, plan, library)
        if problem:
            st.error(problem)
        else:
            st.rerun()
    return page_plan.with_targets(lv_routine.custom(picked), plan)


def _live_session(
    routine: Routine,
    library: Library,
    history: History | None,
    pain_before: int | None,
    speak_cautions: bool,
    plan: Plan,
) -> LiveSession:
    """This browser session's live session; a new one when the choice (or a setting) changes
    before start."""
    live: LiveSession | None = st.session_state.get("live")
    prefs = plan.preferences
    chosen = (routine, prefs.rest_s, prefs.countdown, prefs.breathing_pace)
    if live is None or (not live.started and st.session_state.get("live_routine") != chosen):
        if live is not None:
            live.close()
        # Not armed yet: if a camera is already on, the user says when to begin.
        live = LiveSession(
            routine,
            library,
            HistoryRecorder(history),
            rest_s=prefs.rest_s,
            armed=False,
            countdown=prefs.countdown,
            breathing=prefs.breathing_pace,
        )
        live.prepare()
        st.session_state["live"] = live
        st.session_state["live_routine"] = chosen
    if not live.started:
        live.recorder.pain_before = pain_before
    live.speak_cautions = speak_cautions
    return live


def _finished(live: LiveSession) -> bool:
    return live.runner.phase in (Phase.DONE, Phase.STOPPED)


def _history() -> History | None:
    try:
        return open_history()
    except HistoryError as exc:
        st.error(
            f"Your practice history cannot be opened, so this session will not be saved: {exc}"
        )
        return None


# --------------------------------------------------------------------------- the video


def _callback(live: LiveSession) -> Callable[[av.VideoFrame], av.VideoFrame]:
    """The webrtc callback: av frame in, annotated av frame out (runs on the video thread)."""

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        bgr = frame.to_ndarray(format="bgr24")
        t = frame.time if frame.time is not None else time.monotonic()
        return av.VideoFrame.from_ndarray(live.process(bgr, t), format="bgr24")

    return callback


def _camera_state(live: LiveSession, playing: bool, signalling: bool) -> None:
    """Arm the session, time the first frame, and end the set if the camera was turned off."""
    if signalling and not playing:  # START was just pressed: time the first frame from here
        live.mark_connecting(time.monotonic())
    elif not (playing or signalling) and not live.armed:
        live.arm()  # camera off: the next START begins the routine
    if not live.armed and not live.started:
        st.button(
            "Begin",
            type="primary",
            on_click=live.arm,
            key="begin",
            help="The camera is already on: begin the routine now.",
        )
    if live.active and not (playing or signalling) and live.state.read().frames:
        _stop(live, StopReason.USER_STOP)


def _controls(live: LiveSession) -> None:
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
        on_click=_stop,
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
        f"s.textContent = {_js(KEYS_JS)}; w.document.head.appendChild(s); }})();</script>"
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


def _stop(live: LiveSession, reason: StopReason) -> None:
    """End at once; if a set was cut short by the user, ask whether it was sharp pain."""
    interrupted = live.stop(reason)
    st.session_state["ask_pain"] = interrupted is not None and reason == StopReason.USER_STOP


def _sharp_pain_question(live: LiveSession) -> None:
    """Asked after a stop. The answers are callbacks: they run before the next script run,
    so a click that interrupts a run cannot lose them."""
    if not st.session_state.get("ask_pain") or live.interrupted is None:
        return
    st.warning("You stopped during a set. Was it because of sharp pain?")
    yes, no = st.columns(2)
    yes.button(
        "Yes, sharp pain", key="pain_yes", width="stretch", on_click=_answer_pain, args=(live, True)
    )
    no.button("No", key="pain_no", width="stretch", on_click=_answer_pain, args=(live, False))


def _answer_pain(live: LiveSession, sharp: bool) -> None:
    st.session_state["ask_pain"] = False
    if sharp:
        live.mark_sharp_pain()
        st.session_state["sharp_pain_advice"] = True


@st.fragment(run_every=0.5)
def _status(live: LiveSession) -> None:
    """The panel beside the video, redrawn from the session's snapshot twice a second."""
    snap = live.state.read()
    camera = sound.play(live.state, st.session_state.get("sound_on", True))
    if camera in sound.NO_CAMERA and snap.phase == Phase.IDLE:
        st.warning(
            f"{sound.NO_CAMERA[camera]} You can analyse a recorded video of yourself "
            "instead: open **No webcam? Analyse a recorded video** at the bottom of "
            "this page."
        )
    else:
        _draw_status(snap, live.runner.current, live.library)
    st.caption(f"{live.state.sent} sound events")
    if live.active and lv_session.camera_lost(snap, time.monotonic()):
        _stop(live, StopReason.CAMERA_LOST)
        st.rerun()
    if snap.phase != st.session_state.get("shown_phase"):
        st.rerun()  # a new phase changes the rest of the page (buttons, summary)


def _draw_status(snap: Snapshot, current: PlannedSet | None, library: Library) -> None:
    phase = snap.phase
    if phase == Phase.IDLE:
        st.info(
            "Press START under the video to begin (or Begin, if the camera is already on). "
            "The camera checks first that it can see you."
        )
    elif snap.paused:  # one state: nothing is timed or judged while paused
        st.subheader(snap.pose + (f" ({snap.side} side)" if snap.side else ""))
        _big(
            "Paused. Press Resume to go on.",
            "pg-cue pg-warn",
            "Or press Space, or hold both hands above your head for 2 s",
        )
    elif phase == Phase.SETUP:
        st.subheader("Camera check")
        if snap.setup_message:
            _big(snap.setup_message, "pg-cue pg-warn")
        else:
            st.success("I can see you. Hold still a moment...")
    elif phase == Phase.EXERCISE:
        st.subheader(snap.pose + (f" ({snap.side} side)" if snap.side else ""))
        st.caption(f"Set {snap.position} · target: {snap.target}")
        words = {"running": "running", "paused": "paused", "waiting": "waiting for the pose"}
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
            _big(snap.alert, "pg-cue pg-warn")
        if snap.target_met:
            _big("Target reached. Release slowly.", "pg-cue pg-ok")
        elif snap.correction:
            _big(snap.correction, "pg-cue pg-warn")
        elif snap.refinement:  # the hold is counting: a refinement, not a stop (blue, not amber)
            _big(f"Timer running. To refine: {snap.refinement}", "pg-cue pg-refine")
        elif snap.status == "in_range" and not snap.alert:
            _big("Good form", "pg-cue pg-ok")
        if snap.breath:
            half, done = snap.breath.split()
            st.progress(
                float(done) if half == "in" else 1 - float(done),
                text="Breathe in (cow)" if half == "in" else "Breathe out (cat)",
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


def _big(text: str, css: str, note: str = "") -> None:
    """Large type, readable from the mat 3 m away (see BIG_CSS)."""
    small = f'<div class="pg-note">{html.escape(note)}</div>' if note else ""
    st.html(f'<div class="{css}">{html.escape(text)}</div>{small}')


def _js(value: object) -> str:
    """JSON safe to put inside a <script> element."""
    return json.dumps(value).replace("</", "<\\/")


# --------------------------------------------------------------------------- results


def _end_of_session(live: LiveSession) -> None:
    st.markdown(f"**{live.runner.tally().capitalize()}.**")
    summary_view(live.finished)
    for tip in lv_recorder.target_suggestions(live.recorder.history, live.finished):
        st.info(tip)
    if live.recorder.error or live.recorder.session_id is None:
        # Not (all) saved: the sets are still in memory, so the user can keep them.
        st.download_button(
            "Download this session (JSON)",
            data=session_json(live.finished),
            file_name="poseguide-session.json",
            mime="application/json",
        )
    if live.recorder.session_id is None:
        return
    pain = page_safety.pain_rating("Pain now, after the session", "pain_after")
    st.button(
        "Save pain rating",
        key="save_pain",
        disabled=pain is None,
        on_click=_save_pain,
        args=(live, pain),
    )
    saved = st.session_state.get("pain_saved")
    if saved is not None and not live.recorder.error:
        st.success(f"Pain rating saved: {saved} out of 10.")
    if live.recorder.error:
        st.error(f"Part of this session could not be saved: {live.recorder.error}")
    st.button("Start a new session", key="new_session", on_click=_new_session)


def _save_pain(live: LiveSession, pain: int | None) -> None:
    live.recorder.end_session(pain_after=pain)
    st.session_state["pain_saved"] = pain


def _new_session() -> None:
    live = st.session_state.get("live")
    if live is not None:
        live.close()
    for key in ("live", "ask_pain", "pain_after", "pain_saved"):
        st.session_state.pop(key, None)


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


# --------------------------------------------------------------------------- no webcam


def _upload(library: Library, history: History | None, template_id: str | None) -> None:
    with st.expander("No webcam? Analyse a recorded video"):
        st.markdown(
            "Film yourself doing one exercise (side-on, whole body in view), then "
            "upload the video. It is analysed on this computer and deleted right "
            "after; the result is kept in your history."
        )
        ids = sorted(library.templates, key=lambda tid: library[tid].name)
        if not ids:
            return
        tid = st.selectbox(
            "Exercise in the video",
            ids,
            index=ids.index(template_id) if template_id in ids else 0,
            format_func=lambda i: library[i].name,
            key="upload_pose",
        )
        upload = st.file_uploader(
            "Video file", key="upload_file", type=sorted(s.lstrip(".") for s in VIDEO_SUFFIXES)
        )
        if upload is not None and st.button("Analyse the video", key="analyse"):
            st.session_state["upload_result"] = _analyse(upload, tid, library, history)
        result = st.session_state.get("upload_result")
        if result is not None:
            summary_view([result], analysed=True)


def _analyse(
    upload: UploadedFile, template_id: str, library: Library, history: History | None
) -> FinishedSet | None:
    """Analyse the upload from a temporary file that is deleted right after."""
    plan, _ = lv_routine.plan_routine(lv_routine.single(template_id), library)
    planned = replace(plan[0], side=None)
    fd, name = tempfile.mkstemp(prefix="poseguide-", suffix=Path(upload.name).suffix.lower())
    bar = st.progress(0.0, text="Analysing the video...")
    warnings: list[str] = []
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(upload.getbuffer())
        summary = analyze_video(
            name, planned.template, library, progress=_progress(bar), warn=warnings.append
        )
    except (MediaError, OSError) as exc:  # a photo, a broken file, a full temporary disk
        bar.empty()
        why = str(exc) if isinstance(exc, MediaError) else exc.strerror or str(exc)
        st.error(f"This video cannot be analysed: {why.replace(name, upload.name)}")
        return None
    finally:
        Path(name).unlink(missing_ok=True)
    bar.progress(1.0, text="Done")
    for warning in warnings:
        st.warning(warning.replace(name, upload.name))
    now = datetime.now(timezone.utc)
    recorder = HistoryRecorder(history)
    result = lv_recorder.record_summary(
        recorder,
        planned,
        summary,
        lambda t: now + timedelta(seconds=t - summary.ended),
        StopReason.COMPLETED if summary.target_met else StopReason.USER_STOP,
    )
    if recorder.error:
        st.error(f"The result could not be saved: {recorder.error}")
    return result


def _progress(bar: DeltaGenerator) -> Callable[[Iterable, int], Iterator]:
    """Wraps analyze_video's frames to move the bar, at most once per percent."""

    def wrap(frames: Iterable, total: int) -> Iterator:
        shown = -1
        for i, item in enumerate(frames, 1):
            percent = min(99, i * 100 // total) if total else 0
            if percent != shown:
                shown = percent
                bar.progress(percent / 100, text=f"Analysing the video... {percent} %")
            yield item

    return wrap
