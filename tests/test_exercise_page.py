"""The exercise page without a browser (AppTest): the user's plan is kept and applied, the
exercise chosen last time comes back, and the hands-free help shows the gesture."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from poseguide.core.templates import load_library
from poseguide.history import History
from poseguide.history.settings import ExerciseTarget, PlanStore, Preferences


def _page() -> None:
    from poseguide.core.templates import load_library
    from poseguide.ui.exercise import render

    render(load_library())


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POSEGUIDE_DB", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("POSEGUIDE_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    # No browser, so no WebRTC: the camera component reports a camera that is off.
    off = SimpleNamespace(state=SimpleNamespace(playing=False, signalling=False))
    monkeypatch.setattr("poseguide.ui.exercise.webrtc_streamer", lambda **_: off)

    def make() -> AppTest:
        at = AppTest.from_function(_page)
        at.session_state["safety_confirmed"] = True
        return at

    return make


def test_settings_are_stored_and_survive_a_restart(app, tmp_path: Path) -> None:
    at = app().run(timeout=60)
    assert not at.exception
    at.slider(key="plan_rest").set_value(30).run(timeout=60)
    at.toggle(key="plan_countdown").set_value(False).run(timeout=60)
    at.toggle(key="sound_on").set_value(False).run(timeout=60)
    at.selectbox(key="pose").set_value("sphinx").run(timeout=60)
    assert not at.exception
    with History(tmp_path / "history.sqlite3") as h:
        prefs = PlanStore(h).load().preferences
    assert (prefs.rest_s, prefs.countdown, prefs.voice, prefs.last_exercise) == (
        30.0,
        False,
        False,
        "sphinx",
    )
    # A new visit (a restart of the app): the choices come back and the session uses them.
    at = app().run(timeout=60)
    assert not at.exception
    assert at.selectbox(key="pose").value == "sphinx"
    assert at.toggle(key="sound_on").value is False
    live = at.session_state["live"]
    assert live.runner.rest_s == 30.0 and live.coach.countdown.enabled is False


def test_a_saved_target_is_the_target_in_force(app, tmp_path: Path) -> None:
    library = load_library()
    with History(tmp_path / "history.sqlite3") as h:
        store = PlanStore(h)
        store.save_preferences(Preferences(last_exercise="sphinx"))
        store.save_target(ExerciseTarget("sphinx", hold_s=45), library["sphinx"])
    at = app().run(timeout=60)
    assert not at.exception
    live = at.session_state["live"]
    assert live.runner.current.template.target.hold_s == 45
    assert live.runner.current.target_text == "hold 45 s"


def test_custom_routine_keeps_its_order_and_targets(app, tmp_path: Path) -> None:
    library = load_library()
    with History(tmp_path / "history.sqlite3") as h:
        PlanStore(h).save_routine(
            [ExerciseTarget("pelvic_tilt", reps=12), ExerciseTarget("childs_pose", hold_s=40)],
            library.templates,
        )
    at = app().run(timeout=60)
    at.radio(key="mode").set_value("Custom routine").run(timeout=60)
    assert not at.exception
    assert at.multiselect(key="custom").value == ["pelvic_tilt", "childs_pose"]
    plan = at.session_state["live"].runner.plan
    assert [p.template.id for p in plan] == ["pelvic_tilt", "childs_pose"]
    assert plan[0].template.target.reps == 12 and plan[1].template.target.hold_s == 40


def test_hands_free_help_shows_keys_and_gesture(app) -> None:
    at = app().run(timeout=60)
    assert not at.exception
    help_text = " ".join(m.value for m in at.markdown)
    assert "**Space**: pause / resume" in help_text and "**Esc**: stop" in help_text
    assert "both hands above your head for 2 seconds" in help_text


def _summary(analysed: bool) -> None:
    from datetime import datetime, timezone

    from poseguide.core.session import SetSummary
    from poseguide.core.templates import load_library
    from poseguide.history.records import StopReason
    from poseguide.live import routine as lv_routine
    from poseguide.live.recorder import FinishedSet
    from poseguide.ui.set_summary import summary_view

    planned = lv_routine.plan_routine(lv_routine.single("sphinx"), load_library())[0][0]
    summary = SetSummary("sphinx", None, 30, 1, 0.0, 12.0)
    done = FinishedSet(planned, summary, StopReason.USER_STOP, None, datetime.now(timezone.utc))
    summary_view([done], analysed=analysed)


@pytest.mark.parametrize("analysed,ended", [(True, "analysed"), (False, "stopped")])
def test_an_uploaded_video_is_analysed_not_stopped(analysed: bool, ended: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_summary, kwargs={"analysed": analysed}).run(timeout=30)
    assert not at.exception
    assert at.table[0].value["Ended"].tolist() == [ended]


def test_target_editor_saves_within_the_guides_range(app, tmp_path: Path) -> None:
    at = app().run(timeout=60)
    at.selectbox(key="plan_exercise").set_value("sphinx").run(timeout=60)
    hold = at.number_input(key="plan_hold_sphinx")
    assert (hold.min, hold.max) == (15.0, 60.0)  # the guides' range is the widget's range
    hold.set_value(50.0).run(timeout=60)
    at.button(key="plan_save_sphinx").click().run(timeout=60)
    assert not at.exception
    assert any("Saved: Sphinx, hold 50 s" in s.value for s in at.success)
    with History(tmp_path / "history.sqlite3") as h:
        assert PlanStore(h).load().targets["sphinx"].hold_s == 50.0


def test_saving_a_custom_routine_keeps_the_picked_order(app, tmp_path: Path) -> None:
    at = app().run(timeout=60)
    at.radio(key="mode").set_value("Custom routine").run(timeout=60)
    at.multiselect(key="custom").select("cobra").select("sphinx").run(timeout=60)
    at.button(key="save_routine").click().run(timeout=60)
    assert not at.exception
    with History(tmp_path / "history.sqlite3") as h:
        assert [s.exercise for s in PlanStore(h).load().routine] == ["cobra", "sphinx"]


def _finished_page(db: str) -> None:
    from datetime import datetime, timedelta, timezone

    import streamlit as st

    from poseguide.core.session import SetSummary
    from poseguide.core.templates import load_library
    from poseguide.history import History
    from poseguide.history.records import StopReason
    from poseguide.live import recorder as lv_recorder
    from poseguide.live import routine as lv_routine
    from poseguide.live.recorder import HistoryRecorder
    from poseguide.live.session import LiveSession
    from poseguide.ui.exercise import _end_of_session

    if "live" not in st.session_state:
        library = load_library()
        live = LiveSession(
            lv_routine.single("sphinx"), library, recorder=HistoryRecorder(History(db))
        )
        planned = live.runner.current
        now = datetime.now(timezone.utc)
        done = lv_recorder.record_summary(
            live.recorder,
            planned,
            SetSummary("sphinx", None, 30, 1, 0.0, 31.0),
            lambda t: now + timedelta(seconds=t),
            StopReason.COMPLETED,
        )
        live.finished.append(done)
        st.session_state["live"] = live
    _end_of_session(st.session_state["live"])


def test_save_pain_rating_confirms(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    db = str(tmp_path / "history.sqlite3")
    at = AppTest.from_function(_finished_page, kwargs={"db": db}).run(timeout=60)
    assert not at.exception
    assert not at.success
    at.selectbox(key="pain_after").set_value(3).run(timeout=60)
    at.button(key="save_pain").click().run(timeout=60)
    assert not at.exception
    assert [s.value for s in at.success] == ["Pain rating saved: 3 out of 10."]
    with History(db) as h:
        assert h.sessions()[0].pain_after == 3


def _library_page() -> None:
    from poseguide.core.templates import load_library
    from poseguide.ui.library import render

    render(load_library())


def test_library_says_which_checks_stop_the_timer() -> None:
    """Each check's row says whether it defines the pose (the hold stops) or only corrects
    it (the hold keeps counting), and 3D angles are shown in degrees."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_library_page).run(timeout=60)
    assert not at.exception
    assert "every check that defines the pose" in at.caption[0].value
    cat = next(t for t in at.table if "head dropped" in t.value["Check"].tolist())
    rows = cat.value.set_index("Check")
    assert rows.loc["head dropped", "Stops the timer"].startswith("Yes")
    assert rows.loc["head dropped", "Range"] == "0° to 100°"
    cobra = next(t for t in at.table if "chest and face forward" in t.value["Check"].tolist())
    assert cobra.value.set_index("Check").loc["chest and face forward", "Stops the timer"] == (
        "No: a correction said while the hold keeps counting"
    )
    twist = next(t for t in at.table if "one knee raised" in t.value["Check"].tolist())
    assert twist.value.set_index("Check").loc["one knee raised", "Stops the timer"] == (
        "Yes, unless chest turned clearly is in range instead"
    )
