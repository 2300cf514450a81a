"""The sound check before the first set, beside the camera check, and the voice settings.

People stretch on the floor, often facing away from the screen, so the voice is how the page
coaches them. Before they lie down the page plays a tone and says "Can you hear me?"; when
there is no voice to speak with, or they heard nothing, it says what to do and switches to
distinct tone patterns with the cue in large type (the player does both, see ``sound``).
"""

from __future__ import annotations

import streamlit as st

from poseguide.core.textenum import TextEnum
from poseguide.history import History
from poseguide.history.settings import SPEECH_RATE_RANGE, SPEECH_VOLUME_RANGE, Plan
from poseguide.live.routine import Phase
from poseguide.live.session import LiveSession
from poseguide.ui import plan as page_plan
from poseguide.ui import sound
from poseguide.ui.sound import Answer, Outcome, ProbeKind, ProbeResult, Speech, VoiceSettings

CHECK_WORDS = "Can you hear me?"
TEST_WORDS = "This is how the coach will sound."
HEARD_KEY = "sound_heard"
CHECK_PROBE_KEY = "sound_check_probe"  # the id of the last sound check played
TEST_PROBE_KEY = "voice_test_probe"  # the id of the last voice test played


class Heard(TextEnum):
    """The user's answer to the sound check."""

    NOT_ASKED = "not asked"
    YES = "yes"
    NO = "no"


TO_DO = (
    "To hear the voice: on Linux, install a speech service, for example "
    "`sudo apt install speech-dispatcher espeak-ng`, then restart the browser; elsewhere, add "
    "a voice in the system's speech settings."
)
NO_VOICE = {
    Speech.NONE: "**No voice is available in this browser**, so the coach cannot speak. " + TO_DO,
    Speech.UNSUPPORTED: "**This browser cannot speak** (it has no speech synthesis), so the "
    "coach cannot speak. Another browser may: Firefox and Chromium can, with a speech service "
    "installed.",
    Speech.ONLINE_ONLY: "**No voice runs on this computer.** This browser's voices are online "
    "services, which would send each cue's text off this computer, so none is used. You may "
    "pick one under *Voice, speed and volume* if you accept that. " + TO_DO,
}
NO_SOUND = (
    "**No sound?** Turn the volume up and check that this tab and the computer are not muted, "
    "then play the sound check again."
)
FALLBACK = (
    "Until then the coach uses **tones and large text**: three low beeps for a correction, two "
    "rising notes when a hold starts, two high beeps at 10 seconds left, four rising notes at "
    "the target; what the voice would say is shown in large type above the timer."
)
ONLINE_WARNING = (
    "**This is an online voice:** each cue's text (for example *Lift your chest*) is sent over "
    "the internet to the voice's service to be spoken. The camera picture never leaves this "
    "computer; these words would."
)


def render(live: LiveSession, history: History | None, plan: Plan) -> None:
    """Hand the voice settings and the user's answer to the player; before the first set show
    the sound check and the voice settings, and during the camera check what it found."""
    if sound.VOICE_KEY not in st.session_state:
        prefs = plan.preferences
        sound.use_voice(VoiceSettings(prefs.speech_voice, prefs.speech_rate, prefs.speech_volume))
    sound.use_fallback(st.session_state.get(HEARD_KEY) == Heard.NO)
    phase = live.state.read().phase
    if phase == Phase.IDLE:
        _section(history)
    elif phase == Phase.SETUP:  # one line: the camera check's words stay at the top
        st.caption(f"Sound check: {_state_line(sound.answer())}")


def _state_line(got: Answer) -> str:
    if got.speech in NO_VOICE:
        return "no voice in this browser, so tones and large text."
    heard = st.session_state.get(HEARD_KEY, Heard.NOT_ASKED)
    if heard == Heard.NO:
        return "no sound heard, so tones and large text."
    if heard == Heard.YES:
        return f"passed, the coach speaks with {got.voice or 'your voice'}."
    return "not done."


@st.fragment(run_every=1.0)
def _section(history: History | None) -> None:
    """Redrawn each second: the player's answer (which voices, what the check did) arrives
    after the click."""
    got = sound.answer()
    heard = st.session_state.get(HEARD_KEY, Heard.NOT_ASKED)
    st.markdown("#### Sound check")
    if got.speech in NO_VOICE:
        st.warning(NO_VOICE[got.speech] + "\n\n" + FALLBACK)
    elif heard == Heard.NO:
        st.warning(NO_SOUND + " " + TO_DO + "\n\n" + FALLBACK)
    elif heard == Heard.YES:
        st.success(f"Sound check passed: the coach speaks with {got.voice or 'your voice'}.")
    else:
        st.caption(
            f"Before you lie down, check that you can hear the coach: a tone, then “{CHECK_WORDS}”."
        )
    st.button("Play the sound check", key="sound_check_play", on_click=_play_check)
    checked = st.session_state.get(CHECK_PROBE_KEY)
    if checked is not None and got.speech == Speech.READY:
        yes, no = st.columns(2)
        yes.button("I heard it", key="sound_heard_yes", on_click=_answer, args=(Heard.YES,))
        no.button("No sound", key="sound_heard_no", on_click=_answer, args=(Heard.NO,))
    if checked is not None:
        _reported(checked)
    if got.speech in NO_VOICE or heard == Heard.NO:
        st.button("Hear the tones", key="sound_tones", on_click=_hear_tones)
    _voice_settings(history, got)


def _play_check() -> None:
    st.session_state[CHECK_PROBE_KEY] = sound.request_probe(ProbeKind.CHECK, CHECK_WORDS)


def _hear_tones() -> None:
    sound.request_probe(ProbeKind.TONES)


def _answer(heard: Heard) -> None:
    st.session_state[HEARD_KEY] = heard
    sound.use_fallback(heard == Heard.NO)


def _reported(pid: int) -> None:
    st.caption(f"The browser reported: {words(sound.probe_result(pid))}")


def words(result: ProbeResult | None) -> str:
    """What the browser said of a sound check or test, in plain words."""
    if result is None:
        return "playing..."
    if result.outcome == Outcome.SPOKEN:
        return "the words were spoken."
    if result.outcome == Outcome.NO_VOICE:
        return "the tone played; there is no voice to speak with."
    if result.outcome == Outcome.FAILED and result.reason == "not-allowed":
        return "the browser would not speak before a click on the page (click, then try again)."
    if result.outcome == Outcome.FAILED:
        return f"the voice failed ({result.reason or 'no reason given'})."
    return str(result.outcome)


# --------------------------------------------------------------------------- voice settings


def _voice_settings(history: History | None, got: Answer) -> None:
    current: VoiceSettings = st.session_state[sound.VOICE_KEY]
    by_name = {v.name: v for v in got.voices}
    names = ["", *by_name]
    if current.name not in names:
        names.append(current.name)  # saved, but this browser does not list it (yet)

    def label(name: str) -> str:
        if not name:
            return "Automatic: a voice on this computer"
        v = by_name.get(name)
        if v is None:
            return f"{name} (not in this browser)"
        return f"{name} ({v.lang}, " + ("on this computer)" if v.local else "online service)")

    with st.expander("Voice, speed and volume"):
        st.caption("Only voices that run on this computer are used, unless you pick another here.")
        st.selectbox(
            "Voice",
            names,
            index=names.index(current.name),
            format_func=label,
            key="voice_name",
            on_change=_changed,
            args=(history,),
        )
        picked = by_name.get(current.name)
        if picked is not None and not picked.local:
            st.warning(ONLINE_WARNING)
        st.slider(
            "Speed",
            *SPEECH_RATE_RANGE,
            value=float(current.rate),
            step=0.05,
            key="voice_rate",
            on_change=_changed,
            args=(history,),
        )
        st.slider(
            "Volume",
            *SPEECH_VOLUME_RANGE,
            value=float(current.volume),
            step=0.1,
            key="voice_volume",
            on_change=_changed,
            args=(history,),
        )
        st.button("Test", key="voice_test", on_click=_test)
        tested = st.session_state.get(TEST_PROBE_KEY)
        if tested is not None:
            _reported(tested)


def _test() -> None:
    st.session_state[TEST_PROBE_KEY] = sound.request_probe(ProbeKind.TEST, TEST_WORDS)


def _changed(history: History | None) -> None:
    """A setting changed: the player uses it at once, and the plan keeps it."""
    ss = st.session_state
    settings = VoiceSettings(
        str(ss.get("voice_name", "")), float(ss.voice_rate), float(ss.voice_volume)
    )
    sound.use_voice(settings)
    page_plan.save_preferences(
        history,
        speech_voice=settings.name,
        speech_rate=settings.rate,
        speech_volume=settings.volume,
    )
