"""The exercise page: choose a routine, exercise in front of the webcam, see and keep the result.

The webcam runs through streamlit-webrtc; its callback hands each frame to the session's
:class:`~poseguide.live.LiveSession` and never calls Streamlit. The panel beside the video is a
fragment that redraws the session's snapshot twice a second and plays new sound and voice
events in the browser. Without a webcam, a recorded video can be analysed instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import av
import streamlit as st
from streamlit_webrtc import webrtc_streamer
from streamlit_webrtc.config import Translations

from poseguide.core.templates import Library
from poseguide.history import History, HistoryError
from poseguide.history.records import StopReason
from poseguide.history.settings import Plan
from poseguide.live import recorder as lv_recorder
from poseguide.live import routine as lv_routine
from poseguide.live import safety_rules
from poseguide.live.recorder import HistoryRecorder
from poseguide.live.routine import Phase, Routine
from poseguide.live.session import LiveSession
from poseguide.ui import camera_denied, safety_screen, sound_check
from poseguide.ui import plan as page_plan
from poseguide.ui.controls import control_buttons, hands_free_help, keys_html
from poseguide.ui.history_db import open_history
from poseguide.ui.set_summary import session_json, summary_view
from poseguide.ui.status_panel import BIG_CSS, LOCKED_CSS, status
from poseguide.ui.stopping import ask_if_sharp_pain, stop
from poseguide.ui.upload import upload_section

# Camera and server run on the same machine: no outside STUN/TURN server is asked.
RTC_CONFIGURATION: dict[str, list[str]] = {"iceServers": []}
CAMERA_KEY = "camera"
MODES = ("One exercise", "Basic daily routine", "Desk break", "Custom routine")
TRANSLATIONS: Translations = {
    "stop": "Camera off",  # not "Stop": the red Stop button ends the set
    "device_not_available": "No webcam was found. You can analyse a recorded video instead "
    "(below the video).",
    "device_access_denied": "The browser was not allowed to use the webcam. Allow it in the "
    "address bar, or analyse a recorded video instead (below).",
    "media_api_not_available": "This browser cannot use a webcam here. You can analyse a "
    "recorded video instead (below).",
}


def render(library: Library) -> None:
    st.header("Stretch")
    if not safety_screen.gate():
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
        safety_screen.repeated_pain_notice(history)
        if st.session_state.get("sharp_pain_advice"):
            st.error(safety_rules.SHARP_PAIN_ADVICE)

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
            pain_before = safety_screen.pain_rating(
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
        upload_section(library, history, None)
        return

    live = _live_session(routine, library, history, pain_before, speak_cautions, plan)
    with notes:
        for note in live.runner.notes:
            st.warning(note)
        current = live.runner.current
        if current is not None and current.template.cautions:
            st.info(f"**{current.template.name}:** " + " ".join(current.template.cautions))

    st.html(BIG_CSS + (LOCKED_CSS if locked else ""))
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
        control_buttons(live)
        st.iframe(keys_html() + camera_denied.watch_html(), height=1)
        with st.expander("Hands-free: keys and the pause gesture"):
            hands_free_help(library)
    with panel:
        shown = live.state.read()
        st.session_state["shown_page"] = (shown.phase, shown.paused)
        sound_check.render(live, history, plan)
        status(live)

    ask_if_sharp_pain(live)
    if live.finished and _finished(live):
        _end_of_session(live)
    with st.expander("Warning signs: when not to exercise"):
        safety_screen.warning_signs()
    upload_section(
        library, history, routine.steps[0].template_id if len(routine.steps) == 1 else None
    )


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
        basic = page_plan.with_targets(lv_routine.BASIC_ROUTINE, plan)
        st.caption(f"{lv_routine.routine_words(basic, library)}, with a short rest between.")
        return basic
    if mode == MODES[2]:
        desk = page_plan.with_targets(lv_routine.DESK_BREAK, plan)
        st.caption(
            f"{lv_routine.routine_words(desk, library)}, with a short rest between. "
            "Sitting and standing, no mat."
        )
        return desk
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
            recorder=HistoryRecorder(history),
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
    live.current.speak_cautions = speak_cautions
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
        stop(live, StopReason.USER_STOP)


# --------------------------------------------------------------------------- results


def _end_of_session(live: LiveSession) -> None:
    st.markdown(f"**{live.runner.ending()}.**")
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
    pain = safety_screen.pain_rating("Pain now, after the session", "pain_after")
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


# --------------------------------------------------------------------------- no webcam
