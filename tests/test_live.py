"""The live page's logic without a browser: routine runner, frame clock, and the callback fed
real photos with fake timestamps (the real pose model runs)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import av
import fakecam
import numpy as np
import pytest
from realdata import skip_or_fail

from poseguide.core.session import SetSummary
from poseguide.core.templates import Library
from poseguide.core.timer import TOO_FAST_WORDS, Event, EventKind, Segment
from poseguide.history import History
from poseguide.live import clock as lv_clock
from poseguide.live import frame_stats, snapshot
from poseguide.live import recorder as lv_recorder
from poseguide.live import routine as lv_routine
from poseguide.live import state as lv_state
from poseguide.live.clock import FrameClock
from poseguide.live.recorder import HistoryRecorder
from poseguide.live.routine import Phase, Routine, RoutineRunner, Step
from poseguide.live.session import LiveSession

FPS = 15.0


@pytest.fixture(scope="module")
def photos() -> tuple[np.ndarray, np.ndarray]:
    reason = fakecam.missing_photos()
    if reason:
        skip_or_fail(reason)
    return fakecam.webcam_frame(fakecam.IN_FORM), fakecam.webcam_frame(fakecam.OUT_OF_FORM)


def _without(library: Library, *ids: str) -> Library:
    return Library({k: v for k, v in library.templates.items() if k not in ids})


def _with_fake(library: Library, tid: str, per_side: bool) -> Library:
    """The library plus a stand-in template (a renamed sphinx) for one not written yet."""
    base = library["sphinx"]
    fake = replace(
        base,
        id=tid,
        name=tid.replace("_", " ").capitalize(),
        target=replace(base.target, per_side=per_side),
    )
    return Library({**library.templates, tid: fake})


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --------------------------------------------------------------------------- pure: routines


def test_basic_routine_skips_missing_templates_with_a_note(library: Library) -> None:
    lib = _without(library, "knee_to_chest", "seated_twist", "pelvic_tilt")
    plan, notes = lv_routine.plan_routine(lv_routine.BASIC_ROUTINE, lib)
    assert [p.template.id for p in plan] == ["childs_pose", "cat_cow"]
    assert plan[0].template.target.hold_s == 60
    assert plan[1].template.target.reps == 15
    assert plan[0].target_text == "hold 60 s" and plan[1].target_text == "15 repetitions"
    assert len(notes) == 3 and all("no pose template" in n for n in notes)
    assert "Knee to chest" in notes[0]


def test_desk_break_does_each_side_left_then_right(library: Library) -> None:
    plan, notes = lv_routine.plan_routine(lv_routine.DESK_BREAK, library)
    assert notes == []
    assert [(p.template.id, p.side) for p in plan] == [
        ("neck_rotation", "left"),
        ("neck_rotation", "right"),
        ("standing_back_extension", None),
        ("trunk_rotation", "left"),
        ("trunk_rotation", "right"),
        ("side_stretch", "left"),
        ("side_stretch", "right"),
    ]
    assert [p.target_text for p in plan[:4]] == [
        "hold 10 s",
        "hold 10 s",
        "5 holds of 5 s",
        "hold 5 s",
    ]
    assert plan[0].label == "Rotational neck stretch, left side"


def test_two_per_side_alternates_left_and_right(library: Library) -> None:
    lib = _with_fake(_without(library, "knee_to_chest"), "knee_to_chest", per_side=False)
    plan, _ = lv_routine.plan_routine(lv_routine.BASIC_ROUTINE, lib)
    knee = [(p.side, p.number) for p in plan if p.template.id == "knee_to_chest"]
    assert knee == [("left", 3), ("right", 4), ("left", 5), ("right", 6)]
    assert plan[2].label == "Knee to chest, left side" and plan[2].total == len(plan)
    routine = Routine("r", (Step("knee_to_chest", hold_s=20, reps=2),))
    assert lv_routine.plan_routine(routine, lib)[0][0].target_text == "2 holds of 20 s"


def test_runner_moves_through_setup_sets_and_rests(library: Library) -> None:
    routine = lv_routine.custom(["sphinx", "cobra", "cat_cow"])
    r = RoutineRunner(routine, library, rest_s=10)
    assert r.phase == Phase.IDLE and r.serial == 0
    assert "Camera check" in r.begin(0)[0] and r.phase == Phase.SETUP
    said = r.setup_ok(1)
    assert r.phase == Phase.EXERCISE and r.serial == 1 and r.current.template.id == "sphinx"
    assert any("Now: Sphinx" in s for s in said)
    said = r.set_done(20)
    assert r.phase == Phase.REST and r.current.template.id == "cobra"
    assert said[0] == "Well done. Rest for 10 seconds."
    assert said[1] == "Next: cobra, hold 20 seconds"  # spoken once, as the rest begins
    assert r.tick(25) == [] and r.rest_left(25) == pytest.approx(5)
    assert r.pause(26) == ["Paused"] and r.tick(40) == []  # no progress while paused
    r.resume(30)  # 4 s paused: the rest ends 4 s later
    assert r.rest_left(30) == pytest.approx(4)
    assert any("Now: Cobra" in s for s in r.tick(34)) and r.serial == 2
    said = r.skip(35)  # skip cobra: the rest and "Next:", as after a finished set
    assert said == ["Skipped. Rest for 10 seconds.", "Next: cat-cow flow, 10 repetitions"]
    assert r.phase == Phase.REST and r.current.template.id == "cat_cow"
    r.tick(45)
    assert r.phase == Phase.EXERCISE and r.current.template.id == "cat_cow" and r.serial == 3
    r.repeat(36)  # start cat-cow again
    assert r.current.template.id == "cat_cow" and r.serial == 4
    said = r.set_done(60)
    assert r.phase == Phase.DONE and not r.all_done
    assert said[-1] == "The routine is over: 2 of 3 sets done, 1 skipped."
    r.repeat(61)  # after the end: the last exercise once more
    assert r.phase == Phase.EXERCISE and r.current.template.id == "cat_cow" and r.serial == 5
    # The repeat was stopped, but the set was done once: it stays done.
    assert r.stop(62) == ["Stopped: 2 of 3 sets done, 1 skipped."]
    assert r.phase == Phase.STOPPED


def test_runner_skip_during_rest_skips_the_rest_not_the_next_set(library: Library) -> None:
    r = RoutineRunner(lv_routine.custom(["sphinx", "cobra", "cat"]), library, rest_s=5, setup=False)
    r.begin(0)
    r.set_done(10)
    assert r.phase == Phase.REST and r.current.template.id == "cobra"
    said = r.skip(11)
    assert r.phase == Phase.EXERCISE and r.current.template.id == "cobra"
    assert any("Now: Cobra" in s for s in said)
    r.set_done(20)
    r.skip(21)  # the rest again
    said = r.set_done(30)
    assert r.all_done and said[-1] == ("Well done. The routine is complete: 3 of 3 sets done.")


def test_routine_end_says_how_many_sets_were_done_skipped_and_stopped(library: Library) -> None:
    r = RoutineRunner(lv_routine.custom(["sphinx", "cobra", "cat", "cow"]), library, setup=False)
    r.begin(0)
    r.set_done(10)
    r.tick(30)
    r.skip(31)  # cobra skipped
    r.tick(41)
    assert r.current.template.id == "cat"
    assert r.stop(42) == ["Stopped: 1 of 4 sets done, 1 skipped, 1 stopped, 1 not started."]
    r = RoutineRunner(lv_routine.custom(["sphinx", "cobra"]), library, rest_s=0, setup=False)
    r.begin(0)
    assert r.skip(1) == ["Skipped.", "Now: Cobra. Target: hold 20 s"]  # rest off: no rest
    said = r.skip(2)
    assert r.phase == Phase.DONE and not r.all_done
    assert said[-1] == "The routine is over: 0 of 2 sets done, 2 skipped."


def test_a_single_exercise_ends_as_a_set_not_a_routine(library: Library) -> None:
    r = RoutineRunner(lv_routine.single("sphinx"), library, setup=False)
    r.begin(0)
    assert r.set_done(10) == ["Well done. Set complete."]
    assert r.ending() == "Set complete" and snapshot.video_label(r) == "Set complete"
    shown = snapshot.routine_shown(lv_state.Snapshot(), r, 11, None, breath=None)
    assert shown.outcome == "Set complete. Well done."
    r = RoutineRunner(lv_routine.single("sphinx"), library, setup=False)
    r.begin(0)
    assert r.skip(1) == ["Set skipped."]
    r = RoutineRunner(lv_routine.single("sphinx"), library, setup=False)
    r.begin(0)
    assert r.stop(1) == ["Set stopped."]
    sides = Routine("k", (Step("knee_to_chest", per_side=True, sets_per_side=1),))
    r = RoutineRunner(sides, library, rest_s=0, setup=False)
    r.begin(0)
    r.set_done(1)
    assert r.set_done(2) == ["Well done. Exercise complete: 2 of 2 sets done."]


def test_the_routine_caption_names_the_targets_in_force(library: Library) -> None:
    """The user's own target (20 s) is what the caption says, not the guides' 60 s."""
    mine = Step("childs_pose", hold_s=20)
    basic = Routine("b", (mine, *lv_routine.BASIC_ROUTINE.steps[1:]))
    words = lv_routine.routine_words(basic, library)
    assert words.startswith("Child's pose, hold 20 s · Cat-cow flow, 15 repetitions"), words
    assert "Single knee to chest, hold 20 s, 2 per side" in words


def test_runner_with_nothing_to_do_is_done(library: Library) -> None:
    r = RoutineRunner(Routine("none", (Step("pelvic_tilt"),)), _without(library, "pelvic_tilt"))
    assert r.phase == Phase.DONE and r.plan == [] and r.notes


# --------------------------------------------------------------------------- pure: clock


def test_frame_clock_drops_stale_frames_and_survives_a_restart() -> None:
    clock = FrameClock()
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert clock.normalize(100.0, 0.0, start) == 100.0
    assert clock.normalize(100.5, 0.5) == 100.5
    assert clock.normalize(100.5, 0.6) is None  # same frame time again: stale
    assert clock.wall(100.5) == start + timedelta(seconds=0.5)
    t = clock.normalize(3.0, 0.7)  # a new stream starts its timestamps again
    assert t is not None and t >= 100.5 + lv_clock.RESTART_GAP_S
    assert clock.normalize(3.1, 0.8) == pytest.approx(t + 0.1)


# --------------------------------------------------------------------------- the callback


def _feed(
    session: LiveSession, frame: np.ndarray, start: float, seconds: float
) -> tuple[float, list[lv_state.Snapshot]]:
    """Frames at FPS with fake timestamps (also used as the monotonic clock)."""
    snaps = []
    t = start
    while t < start + seconds - 1e-9:
        out = session.process(frame.copy(), t, now=t)
        assert out.shape == frame.shape
        snaps.append(session.state.read())
        t += 1 / FPS
    return t, snaps


@pytest.mark.realdata
def test_callback_times_in_form_frames_and_pauses_out_of_form(
    library: Library, photos: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    in_form, out_of_form = photos
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        session = LiveSession(
            lv_routine.single("sphinx"),
            library,
            recorder=HistoryRecorder(history, 3),
            setup_ok_s=0.5,
        )
        session.mark_connecting(-0.25)
        first = session.process(in_form.copy(), 0.0, now=0.0)
        assert not np.array_equal(first, in_form), "the frame is annotated"
        assert session.state.read().phase == Phase.SETUP
        t, snaps = _feed(session, in_form, 1 / FPS, 4.0)
        snap = snaps[-1]
        assert snap.phase == Phase.EXERCISE and snap.pose == "Sphinx" and snap.target == "hold 30 s"
        assert snap.timer == "running" and snap.holding and snap.correction is None
        assert snap.held > 2.0
        held = [s.held for s in snaps if s.phase == Phase.EXERCISE]
        assert held == sorted(held), "held time only grows while in form"
        assert snap.frames == len(snaps) + 1 and snap.fps == pytest.approx(FPS, rel=0.05)
        assert snap.first_frame_s == pytest.approx(0.25)
        held_before = snap.held

        t, snaps = _feed(session, out_of_form, t, 3.0)
        snap = snaps[-1]
        assert snap.timer == "paused" and not snap.holding
        assert snap.correction and snap.status != "in_range"
        assert snap.held == pytest.approx(held_before, abs=0.1), "no time added out of form"
        # The hold was committed when it ended, before the set is over.
        holds = _rows(db, "SELECT seconds FROM holds")
        assert len(holds) == 1 and holds[0][0] == pytest.approx(held_before, abs=0.1)

        kinds = [e.kind for e in session.state.pending()]
        assert lv_state.TONE_START in kinds and lv_state.SAY in kinds

        done = session.stop()
        assert done is not None and done.reason == "user_stop"
        assert isinstance(done.summary, SetSummary)
        assert done.summary.held == pytest.approx(held_before, abs=0.1)
        assert done.summary.best_hold == pytest.approx(held_before, abs=0.1)
        assert session.state.read().phase == Phase.STOPPED
        passed = session.process(in_form.copy(), t + 1, now=t + 1)
        assert session.state.read().held == pytest.approx(held_before, abs=0.1)
        assert not np.array_equal(passed, in_form)  # labelled "Stopped", not analysed

        session.mark_sharp_pain()
        rows = _rows(db, "SELECT exercise, stop_reason, sharp_pain, target_s FROM sets")
        assert rows == [("sphinx", "sharp_pain", 1, 30.0)]
        assert _rows(db, "SELECT pain_before, ended_at IS NOT NULL FROM sessions") == [(3, 1)]
        assert history.sharp_pain_stops(datetime.now(timezone.utc) - timedelta(days=7)) == 1


@pytest.mark.realdata
def test_target_reached_moves_to_the_next_set_after_a_rest(
    library: Library, photos: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    in_form, _ = photos
    db = tmp_path / "history.sqlite3"
    routine = Routine("two", (Step("sphinx", hold_s=2), Step("sphinx", hold_s=1)))
    with History(db) as history:
        session = LiveSession(
            routine, library, recorder=HistoryRecorder(history), rest_s=1.0, setup=False
        )
        _, snaps = _feed(session, in_form, 0.0, 7.0)
        phases = [s.phase for s in snaps]
        assert phases[0] == Phase.EXERCISE and Phase.REST in phases and phases[-1] == Phase.DONE
        assert [f.reason for f in session.finished] == ["completed", "completed"]
        assert session.finished[0].summary.held >= 2.0
        events = session.state.pending()
        assert [e.kind for e in events].count(lv_state.TONE_TARGET) == 2
        texts = [e.text for e in events]
        assert lv_state.TARGET_WORDS in texts and any("Rest for 1 seconds" in x for x in texts)
        assert [e.seq for e in events] == sorted(e.seq for e in events)
        assert _rows(db, "SELECT stop_reason FROM sets") == [("completed",), ("completed",)]
        assert _rows(db, "SELECT ended_at IS NOT NULL FROM sessions") == [(1,)]


@pytest.mark.realdata
def test_pause_stops_the_clock_and_stale_frames_are_passed_through(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    in_form, _ = photos
    session = LiveSession(lv_routine.single("sphinx"), library, setup=False)
    t, _ = _feed(session, in_form, 0.0, 2.0)
    frames = session.state.read().frames
    stale = in_form.copy()
    assert session.process(stale, t - 1 / FPS, now=t) is stale
    assert np.array_equal(stale, in_form) and session.state.read().frames == frames
    session.pause()
    held = session.state.read().held
    t, snaps = _feed(session, in_form, t, 2.0)
    assert snaps[-1].paused and snaps[-1].held == pytest.approx(held)
    session.resume()
    _, snaps = _feed(session, in_form, t, 2.0)
    assert snaps[-1].held > held + 1.0


@pytest.mark.realdata
def test_skip_ends_the_set_and_repeat_replaces_the_attempt(
    library: Library, photos: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    in_form, _ = photos
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        session = LiveSession(
            lv_routine.custom(["sphinx", "cobra"]),
            library,
            recorder=HistoryRecorder(history),
            rest_s=0,  # rest off: Skip goes straight to the next set
            setup=False,
        )
        t, _ = _feed(session, in_form, 0.0, 1.0)
        session.skip()
        assert [f.reason for f in session.finished] == ["skipped"]
        assert session.finished[0].summary.template_id == "sphinx"
        snap = session.state.read()
        assert snap.phase == Phase.EXERCISE and snap.pose == "Cobra" and snap.held == 0
        session.runner.plan[1] = replace(session.runner.plan[1], template=library["sphinx"])
        session.repeat()  # a fresh processor for the (now sphinx) set
        held = "SELECT coalesce(sum(seconds), 0) FROM holds"
        skipped_held = _rows(db, held)[0][0]
        t, _ = _feed(session, in_form, t, 3.0)
        assert session.state.read().held > 1.5
        t, _ = _feed(session, photos[1], t, 2.0)  # the hold ends and is stored
        assert _rows(db, held)[0][0] > skipped_held + 1.5
        session.repeat()
        assert [f.reason for f in session.finished] == ["skipped"], "no row for the attempt"
        assert session.runner.serial == 4 and session.state.read().held == 0
        # The skipped set and the new attempt, open: the abandoned one left no row.
        rows = _rows(db, "SELECT exercise, stop_reason FROM sets ORDER BY id")
        assert rows == [("sphinx", "skipped"), ("sphinx", None)]
        assert _rows(db, held)[0][0] == skipped_held, "its time is not kept"
        texts = [e.text for e in session.state.pending()]
        assert "Skipped." in texts and "Again." in texts


@pytest.mark.realdata
def test_webrtc_callback_converts_av_frames(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    from poseguide.ui.exercise import _callback

    in_form, _ = photos
    session = LiveSession(lv_routine.single("sphinx"), library, setup=False)
    callback = _callback(session)
    for i in range(3):
        frame = av.VideoFrame.from_ndarray(in_form.copy(), format="bgr24")
        frame.pts, frame.time_base = 3000 * i, Fraction(1, 90000)
        out = callback(frame)
        assert isinstance(out, av.VideoFrame) and (out.width, out.height) == (640, 480)
    assert session.state.read().frames == 3
    assert not np.array_equal(out.to_ndarray(format="bgr24"), in_form)


# --------------------------------------------------------------------------- hand-over to the page


def test_sound_events_stay_until_the_page_acknowledges_them() -> None:
    state = lv_state.LiveState()
    for i in range(3):
        state.push(lv_state.SAY, f"{i}")
    first = state.pending()
    assert state.pending() == first, "a rerun before playing loses nothing"
    state.ack("not this session", first[-1].seq)
    assert state.pending() == first
    state.ack(state.token, first[1].seq)
    assert [e.text for e in state.pending()] == ["2"]
    state.push(lv_state.TONE_START)
    assert [e.seq for e in state.pending()] == [3, 4]
    state.ack(state.token, 4)
    assert state.pending() == []
    for i in range(lv_state.MAX_EVENTS + 5):
        state.push(lv_state.SAY, f"{i}")
    assert len(state.pending()) == lv_state.MAX_EVENTS, "a page that never answers is bounded"


def test_record_summary_stores_an_analysed_video(library: Library, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    planned = lv_routine.plan_routine(lv_routine.single("sphinx"), library)[0][0]
    summary = SetSummary(
        "sphinx",
        None,
        30,
        1,
        0.0,
        12.0,
        segments=[Segment(1.0, 4.0), Segment(6.0, 11.0)],
        events=[Event(EventKind.CUE, 5.0, "Lift your chest a little")],
    )
    now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    with History(db) as history:
        done = lv_recorder.record_summary(
            HistoryRecorder(history),
            planned,
            summary,
            lambda t: now + timedelta(seconds=t),
            "user_stop",
        )
    assert done.set_id is not None
    assert _rows(db, "SELECT seconds FROM holds ORDER BY start_at") == [(3.0,), (5.0,)]
    assert _rows(db, "SELECT cue, count FROM corrections") == [("Lift your chest a little", 1)]
    assert _rows(db, "SELECT stop_reason FROM sets") == [("user_stop",)]


class FailingHistory:
    """A history whose every write fails as a full disk would."""

    def __init__(self, message: str) -> None:
        self.message = message

    def start_session(self, *args: object) -> int:
        from poseguide.history import HistoryError

        raise HistoryError(self.message)


def test_unwritable_history_never_stops_the_exercise(library: Library) -> None:
    recorder = HistoryRecorder(FailingHistory("disk full"))  # type: ignore[arg-type]
    planned = lv_routine.plan_routine(lv_routine.single("sphinx"), library)[0][0]
    recorder.set_started(planned, datetime.now(timezone.utc))
    assert recorder.error == "disk full" and recorder.set_id is None
    recorder.hold(datetime.now(timezone.utc), datetime.now(timezone.utc))  # no-op, no raise


def test_a_session_that_could_not_be_saved_can_be_downloaded(library: Library) -> None:
    import json

    from poseguide.core.session import SetSummary
    from poseguide.core.timer import Segment
    from poseguide.ui.set_summary import session_json

    recorder = HistoryRecorder(FailingHistory("database or disk is full"))  # type: ignore[arg-type]
    planned = lv_routine.plan_routine(lv_routine.single("sphinx"), library)[0][0]
    summary = SetSummary(
        "sphinx", None, 30, 1, 0.0, 40.0, segments=[Segment(1.0, 21.0), Segment(25.0, 37.5)]
    )
    now = datetime.now(timezone.utc)
    finished = lv_recorder.record_summary(recorder, planned, summary, lambda t: now, "completed")
    assert recorder.error == "database or disk is full" and finished.set_id is None
    kept = json.loads(session_json([finished]))
    assert kept[0]["held_s"] == 32.5 and kept[0]["best_hold_s"] == 20.0
    assert kept[0]["segments"] == [[1.0, 21.0], [25.0, 37.5]]
    assert kept[0]["stop_reason"] == "completed"


def test_longer_target_suggested_after_holds_past_it(library: Library, tmp_path: Path) -> None:
    from poseguide.core.session import SetSummary
    from poseguide.core.timer import Segment

    planned = lv_routine.plan_routine(lv_routine.single("sphinx"), library)[0][0]
    with History(tmp_path / "h.sqlite3") as history:
        recorder = HistoryRecorder(history)
        finished = []
        for day in range(3):
            now = datetime.now(timezone.utc) - timedelta(days=2 - day)
            summary = SetSummary(
                "sphinx", None, 30, 1, 0.0, 40.0, segments=[Segment(2.0, 35.0)], target_met=True
            )
            finished.append(
                lv_recorder.record_summary(
                    recorder,
                    planned,
                    summary,
                    lambda t, now=now: now + timedelta(seconds=t),
                    "completed",
                )
            )
            recorder = HistoryRecorder(history)
        tips = lv_recorder.target_suggestions(history, finished)
    assert tips == [
        "Sphinx: your last holds all passed 30 s. Try 40 s next time (the guides go up to 60 s)."
    ]
    assert lv_recorder.target_suggestions(None, finished) == []


@pytest.mark.realdata
def test_a_live_set_writes_no_frame_to_disk(
    library: Library, photos, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames stay in memory: the working folder and the temp folder end up holding only
    the history database."""
    import tempfile

    work, tmp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    in_form, out_of_form = photos
    with History(work / "history.sqlite3") as history:
        session = LiveSession(
            lv_routine.single("sphinx"), library, recorder=HistoryRecorder(history), setup=False
        )
        t = 0.0
        for frame in [in_form] * 30 + [out_of_form] * 30:
            session.process(frame.copy(), t, now=t)
            t += 1 / FPS
        session.stop()
    written = sorted(p.name for p in work.rglob("*")) + sorted(p.name for p in tmp.rglob("*"))
    assert all(name.startswith("history.sqlite3") for name in written), written


@pytest.mark.realdata
def test_camera_lost_mid_set_ends_it_and_keeps_what_was_held(
    library: Library, photos, tmp_path: Path
) -> None:
    in_form, _ = photos
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        session = LiveSession(
            lv_routine.single("sphinx"), library, recorder=HistoryRecorder(history), setup=False
        )
        t = 0.0
        for _ in range(45):  # 3 s in form, then the camera goes away
            session.process(in_form.copy(), t, now=t)
            t += 1 / FPS
        snap = session.state.read()
        assert not frame_stats.camera_lost(snap, t + 1.0)
        assert frame_stats.camera_lost(snap, t + frame_stats.CAMERA_LOST_S + 0.1)
        done = session.stop("camera_lost")
    assert done is not None and done.summary.held == pytest.approx(2.9, abs=0.2)
    assert _rows(db, "SELECT stop_reason FROM sets") == [("camera_lost",)]
    assert _rows(db, "SELECT count(*) FROM holds") == [(1,)]


@pytest.mark.realdata
def test_countdown_then_next_are_spoken_in_order(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    in_form, _ = photos
    routine = Routine("two", (Step("sphinx", hold_s=12), Step("knee_to_chest")))
    session = LiveSession(routine, library, rest_s=10.0, setup=False)
    _feed(session, in_form, 0.0, 14.0)
    said = [e.text or e.kind for e in session.state.pending()]
    end = said.index(lv_state.TONE_TARGET)
    assert [w for w in said[:end] if w[0].isdigit()] == ["10 seconds left", "3", "2", "1"]
    assert said[end + 1 :] == [
        lv_state.TARGET_WORDS,
        "Well done. Rest for 10 seconds.",
        "Next: single knee to chest, left side, hold 20 seconds",
    ]


@pytest.mark.realdata
def test_countdown_can_be_turned_off(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    in_form, _ = photos
    session = LiveSession(
        Routine("one", (Step("sphinx", hold_s=12),)), library, setup=False, countdown=False
    )
    _feed(session, in_form, 0.0, 13.0)
    said = [e.text for e in session.state.pending()]
    assert "10 seconds left" not in said and "3" not in said


@pytest.mark.realdata
def test_hands_up_gesture_pauses_and_resumes_a_set(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    in_form, _ = photos
    arms_up = fakecam.webcam_frame(fakecam.SALUTE)
    session = LiveSession(lv_routine.single("sphinx"), library, setup=False)
    t, _ = _feed(session, in_form, 0.0, 2.0)
    t, snaps = _feed(session, arms_up, t, 3.0)
    paused_at = next(i for i, s in enumerate(snaps) if s.paused) / FPS
    assert 2.0 <= paused_at <= 3.0 and snaps[-1].paused  # held on: no toggling back
    held = snaps[-1].held
    t, snaps = _feed(session, in_form, t, 1.0)  # hands down: still paused, the timer still
    assert snaps[-1].paused and snaps[-1].held == pytest.approx(held)
    t, snaps = _feed(session, arms_up, t, 3.0)
    assert not snaps[-1].paused
    _said_pause_once(session)


@pytest.mark.realdata
def test_hands_up_gesture_pauses_and_resumes_a_rest(
    library: Library, photos: tuple[np.ndarray, np.ndarray]
) -> None:
    """On the mat between sets: the gesture stops the rest's countdown and starts it again."""
    in_form, _ = photos
    arms_up = fakecam.webcam_frame(fakecam.SALUTE)
    routine = Routine("two", (Step("sphinx", hold_s=2), Step("sphinx", hold_s=2)))
    session = LiveSession(routine, library, rest_s=10.0, setup=False)
    t, snaps = _feed(session, in_form, 0.0, 2.5)
    assert snaps[-1].phase == Phase.REST
    t, snaps = _feed(session, arms_up, t, 3.0)
    assert snaps[-1].paused and snaps[-1].phase == Phase.REST
    left = session.runner.rest_left(t)
    t, snaps = _feed(session, in_form, t, 4.0)  # hands down: the rest stays paused
    assert snaps[-1].paused and session.runner.rest_left(t) == pytest.approx(left)
    t, snaps = _feed(session, arms_up, t, 3.0)
    assert not snaps[-1].paused and snaps[-1].phase == Phase.REST
    _said_pause_once(session)


def _said_pause_once(session: LiveSession) -> None:
    texts = [e.text for e in session.state.pending()]
    assert texts.count("Paused") == 1 and texts.count("Continue") == 1


def test_no_gesture_when_turned_off(library: Library) -> None:
    session = LiveSession(lv_routine.single("sphinx"), library, gesture=False)
    assert session.gesture.gesture is None


# --------------------------------------------------------------------------- what the history says


def test_a_reached_hold_target_is_met_even_in_rows_stored_with_one_repetition() -> None:
    from poseguide.history.records import Hold, SetRecord

    now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    hold = Hold(1, 1, now, now + timedelta(seconds=30.09), 30.09)
    old_row = SetRecord(
        1, 1, "childs_pose", None, 30.0, 1, now, now, "completed", False, holds=(hold,)
    )
    assert old_row.target_met is True  # stored as target_reps=1 before the fix
    assert replace(old_row, holds=()).target_met is False


@pytest.mark.realdata
def test_live_hold_and_flow_targets_reach_the_csv_as_met(
    library: Library, photos: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    import csv
    import io

    in_form, _ = photos
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        session = LiveSession(
            Routine("one", (Step("sphinx", hold_s=2),)),
            library,
            recorder=HistoryRecorder(history),
            setup=False,
        )
        _feed(session, in_form, 0.0, 4.0)
        assert [f.reason for f in session.finished] == ["completed"]
        planned = lv_routine.plan_routine(Routine("f", (Step("cat_cow", reps=2),)), library)[0][0]
        summary = SetSummary(
            "cat_cow",
            None,
            0.0,
            2,
            0.0,
            12.0,
            segments=[Segment(1.0, 11.0)],
            reps=2,
            rep_times=[4.0, 9.0],
            target_met=True,
        )
        now = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
        lv_recorder.record_summary(
            HistoryRecorder(history),
            planned,
            summary,
            lambda t: now + timedelta(seconds=t),
            "completed",
        )
        rows = list(csv.DictReader(io.StringIO(history.to_csv())))
        bests = history.personal_bests()
    by_exercise = {r["exercise"]: r for r in rows}
    hold, flow = by_exercise["sphinx"], by_exercise["cat_cow"]
    assert (hold["target_s"], hold["target_reps"], hold["target_met"]) == ("2.0", "", "1")
    assert (flow["target_s"], flow["target_reps"], flow["reps"], flow["target_met"]) == (
        "",
        "2",
        "2",
        "1",
    )
    assert flow["holds"] == "0", "a flow's time in either position is no hold"
    assert bests["cat_cow"].best_hold_s == 0.0 and bests["cat_cow"].most_reps == 2


# --------------------------------------------------------------------------- flows


@pytest.fixture(scope="module")
def cat_cow_frames() -> tuple[np.ndarray, np.ndarray]:
    reason = fakecam.missing_photos()
    if reason:
        skip_or_fail(reason)
    return fakecam.webcam_frame(fakecam.CAT), fakecam.webcam_frame(fakecam.COW)


def _flow(session: LiveSession, frames, phase_s: float, seconds: float, start: float = 0.0):
    """Cat and cow photos in turn, ``phase_s`` each, as webcam frames at FPS."""
    snaps = []
    t = start
    while t < start + seconds:
        frame = frames[int((t - start) / phase_s) % 2]
        session.process(frame.copy(), t, now=t)
        snaps.append(session.state.read())
        t += 1 / FPS
    return t, snaps


@pytest.mark.realdata
def test_a_flow_counts_repetitions_without_hold_tones(
    library: Library, cat_cow_frames, tmp_path: Path
) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        session = LiveSession(
            Routine("f", (Step("cat_cow", reps=3),)),
            library,
            recorder=HistoryRecorder(history),
            setup=False,
        )
        _, snaps = _flow(session, cat_cow_frames, 3.0, 20.0)
        bests = history.personal_bests()
    kinds = [e.kind for e in session.state.pending()]
    assert snaps[-1].phase == Phase.DONE and session.finished[0].summary.reps == 3
    assert lv_state.TONE_START not in kinds, "no hold tone at every cat and every cow"
    assert kinds.count(lv_state.TONE_TARGET) == 1
    assert all(s.alert is None for s in snaps)
    assert bests["cat_cow"].most_reps == 3 and bests["cat_cow"].best_hold_s == 0.0


@pytest.mark.realdata
def test_rushing_a_flow_is_shown_and_said_and_never_counted(
    library: Library, cat_cow_frames, tmp_path: Path
) -> None:
    """Triple speed: a second in each position instead of three."""
    with History(tmp_path / "h.sqlite3") as history:
        session = LiveSession(
            lv_routine.single("cat_cow"), library, recorder=HistoryRecorder(history), setup=False
        )
        # Two repetitions at triple speed: cat, cow, cat, cow, a second each.
        _, snaps = _flow(session, cat_cow_frames, 1.0, 4.0)
        said = [e.text for e in session.state.pending() if e.kind == lv_state.SAY]
        assert TOO_FAST_WORDS in said, "too fast is said (queued, never dropped)"
        assert any(s.alert == TOO_FAST_WORDS for s in snaps), "and shown"
        t, snaps = _flow(session, cat_cow_frames, 1.0, 20.0, start=4.0)
        assert snaps[-1].reps == 0, "rushed repetitions are not counted"
        assert snaps[-1].alert == TOO_FAST_WORDS
        session.stop()
        bests = history.personal_bests()
    assert "cat_cow" not in bests, "a rushed set makes no personal best"


@pytest.mark.realdata
def test_one_detector_serves_every_set_and_is_ready_before_the_first_frame(
    library: Library, photos, cat_cow_frames, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set changes build no pose graph: a new graph (or a switch to a second one) stalled
    the stream for 0.3-0.5 s at every set change."""
    built = []

    from poseguide.live import pose_readers

    class Counting(pose_readers.PoseDetector):
        def __init__(self, *args, **kwargs) -> None:
            built.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pose_readers, "PoseDetector", Counting)
    routine = Routine("r", (Step("sphinx", hold_s=1), Step("cat_cow", reps=1), Step("sphinx")))
    session = LiveSession(routine, library, rest_s=0.5, setup=False)
    session.prepare()
    assert built == [{"segmentation": True}], "built once, with the silhouette cat-cow needs"
    t, _ = _feed(session, photos[0], 0.0, 3.0)
    assert session.runner.serial == 2
    session.repeat()
    session.skip()
    _feed(session, photos[0], t, 1.0)
    assert session.runner.serial == 4 and len(built) == 1
    session.close()


@pytest.mark.realdata
def test_a_smaller_frame_mid_stream_does_not_break_the_silhouette(
    library: Library, cat_cow_frames
) -> None:
    """WebRTC lowers the resolution under load: the mask-making graph must go on."""
    import cv2

    session = LiveSession(lv_routine.single("cat_cow"), library, setup=False)
    session.prepare()
    cat = cat_cow_frames[0]
    t, _ = _feed(session, cat, 0.0, 1.0)
    _feed(session, cv2.resize(cat, (480, 360)), t, 1.0)
    snap = session.state.read()
    assert snap.error is None and snap.status == "in_range"
    session.close()


@pytest.mark.realdata
def test_someone_doing_another_stretch_is_told_what_they_look_like(
    library: Library, cat_cow_frames
) -> None:
    """On all fours for knee to chest: not a visibility cue but what they appear to do."""
    session = LiveSession(lv_routine.single("knee_to_chest"), library, setup=False)
    _, snaps = _feed(session, cat_cow_frames[0], 0.0, 2.0)
    correction = snaps[-1].correction or ""
    assert correction.startswith("You look like you are doing cat"), correction
    assert "For single knee to chest: lie on your back" in correction
    assert any(e.text == correction for e in session.state.pending())
    assert snaps[-1].held == 0


@pytest.mark.realdata
def test_a_per_side_set_times_only_the_side_it_asks_for(library: Library) -> None:
    """The same unmirrored picture served the left and the right set alike."""
    reason = fakecam.missing_photos()
    if reason:
        skip_or_fail(reason)
    knee = fakecam.webcam_frame(fakecam.KNEE_LEFT)
    routine = Routine("k", (Step("knee_to_chest", hold_s=3, per_side=True),))
    session = LiveSession(routine, library, rest_s=1.0, setup=False)
    t, snaps = _feed(session, knee, 0.0, 5.0)
    assert session.finished[0].planned.side == "left"
    assert session.finished[0].reason == "completed", "the left side is held for 3 s"
    t, snaps = _feed(session, knee, t, 6.0)
    snap = snaps[-1]
    assert snap.side == "right" and snap.held == 0 and not snap.holding
    assert snap.correction == "This set is for your right side: switch sides"
    session.close()


def test_the_video_says_complete_only_when_every_set_was_done(library: Library) -> None:
    skipped = RoutineRunner(lv_routine.custom(["sphinx", "cobra"]), library, setup=False)
    skipped.rest_s = 0
    skipped.begin(0)
    skipped.skip(1)
    skipped.skip(2)
    assert skipped.phase == Phase.DONE and snapshot.video_label(skipped) == "Routine over"
    done = RoutineRunner(lv_routine.custom(["sphinx", "cobra"]), library, rest_s=0, setup=False)
    done.begin(0)
    done.set_done(10)
    done.set_done(20)
    assert done.phase == Phase.DONE and snapshot.video_label(done) == "Routine complete"
