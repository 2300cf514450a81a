"""The live session's parts, each alone (pure tier): the camera check, the sounds of events,
the set's history, the frame figures and the coach of the set under way."""

from datetime import datetime, timedelta, timezone

import pytest

from poseguide.core.checker import Status, Verdict
from poseguide.core.range_of_motion import NO_READING
from poseguide.core.session import FrameResult
from poseguide.core.templates import load_library
from poseguide.core.timer import Event, EventKind, Segment
from poseguide.live.camera_check import SETUP_SAY_EVERY_S, CameraCheck
from poseguide.live.event_sounds import ALERTS, sounds
from poseguide.live.frame_stats import FrameStats
from poseguide.live.routine import PlannedSet
from poseguide.live.set_coach import SetCoach
from poseguide.live.set_history import SetHistory
from poseguide.live.state import SAY, SAY_CORRECTION, TONE_START, TONE_TARGET, Snapshot

T0 = datetime(2026, 12, 6, 9, tzinfo=timezone.utc)


def verdict(status: Status, correction: str | None = None) -> Verdict:
    return Verdict(status, "sphinx", "left", (), correction)


def result(
    held: float = 0.0, holding: bool = False, met: bool = False, judged: Verdict | None = None
) -> FrameResult:
    judged = judged or verdict(Status.IN_RANGE)
    return FrameResult(0.0, judged, (), held, held, holding, 0, met)


def test_camera_check_passes_after_the_body_is_judged_long_enough_and_says_what_to_change():
    check = CameraCheck(ok_s=1.0)
    unseen = verdict(Status.CANNOT_SEE, "Move back so your feet are in view")
    assert check.update(unseen, 0.0) == (False, "Move back so your feet are in view")
    assert check.update(unseen, 1.0) == (False, None)  # not again at once
    assert check.update(unseen, SETUP_SAY_EVERY_S) == (False, "Move back so your feet are in view")
    seen = verdict(Status.OUT_OF_RANGE, "Lift your chest")  # out of form still passes
    assert check.update(seen, 10.0) == (False, None)
    assert check.update(seen, 10.5) == (False, None)
    assert check.update(seen, 11.0) == (True, None)


def test_event_sounds():
    assert sounds(Event(EventKind.HOLD_START, 1.0), flow=False) == [(TONE_START, "")]
    assert sounds(Event(EventKind.HOLD_START, 1.0), flow=True) == []  # a flow has no hold
    assert sounds(Event(EventKind.TARGET, 1.0), flow=False)[0] == (TONE_TARGET, "")
    assert sounds(Event(EventKind.CUE, 1.0, "Relax"), flow=False) == []  # the coach says cues
    assert sounds(Event(EventKind.PACE_UNKNOWN, 1.0, "few"), flow=True) == [(SAY, "few")]
    assert EventKind.PACE_UNKNOWN in ALERTS and EventKind.CUE not in ALERTS


class FakeRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args)) or 7


@pytest.fixture
def planned() -> PlannedSet:
    return PlannedSet(load_library()["cat_cow"], None, 1, 1)


def test_set_history_stores_corrections_reps_and_each_hold_once(planned):
    recorder = FakeRecorder()
    wall = lambda t: T0 + timedelta(seconds=t)  # noqa: E731
    history = SetHistory(recorder, wall, load_library())  # type: ignore[arg-type]
    history.started(planned, 10.0)
    history.event(Event(EventKind.CUE, 11.0, "Round your back"), flow=True, current_hold=0.0)
    history.event(Event(EventKind.PACE_UNKNOWN, 12.0, "few frames"), flow=True, current_hold=0)
    history.event(Event(EventKind.REP, 14.0, "1"), flow=True, current_hold=0.0)
    history.holds([Segment(10.0, 12.0)])
    history.holds([Segment(10.0, 12.0)])  # the same hold again: stored once
    names = [c[0] for c in recorder.calls]
    assert names == ["set_started", "correction", "rep", "hold"]
    # since the set began; no frames were seen, so no range of motion
    assert recorder.calls[2] == ("rep", T0 + timedelta(seconds=14), 4.0, NO_READING)


def test_frame_stats_rate_and_first_frame():
    stats = FrameStats()
    stats.connecting(100.0)
    for i in range(11):
        stats.analysed(101.0 + i * 0.1, 0.02)
    shown = stats.shown(Snapshot(frames=10), analysed=True)
    assert shown.frames == 11
    assert shown.fps == pytest.approx(10.0)
    assert shown.first_frame_s == pytest.approx(1.0)
    assert stats.shown(Snapshot(frames=11, fps=3.0), analysed=False).fps == 3.0


def test_set_coach_counts_down_the_end_of_a_hold():
    library = load_library()
    coach = SetCoach(library, countdown=True, breathing=False)
    sphinx = library["sphinx"]
    coach.new_set(PlannedSet(sphinx, None, 1, 1))
    hold = sphinx.target.hold_s
    assert coach.update(result(hold - 20, holding=True), 0.0) == []
    assert coach.update(result(hold - 10, holding=True), 1.0) == [(SAY, "10 seconds left")]
    assert coach.update(result(hold, holding=True, met=True), 2.0) == []
    assert coach.breath(2.0) is None  # a hold has no breathing pace


def test_set_coach_says_the_flows_correction_it_shows():
    """The issue: 'Bring your knees under your hips' shown 4-10 s in cat-cow, never said."""
    library = load_library()
    coach = SetCoach(library, countdown=True, breathing=False)
    coach.new_set(PlannedSet(library["cat_cow"], None, 1, 1))
    knees = result(judged=verdict(Status.OUT_OF_RANGE, "Bring your knees under your hips"))
    said = [coach.update(knees, t / 10) for t in range(0, 101)]  # 10 s at 10 frames/s
    spoken = [(t / 10, s) for t, s in enumerate(said) if s]
    assert spoken == [(2.0, [(SAY_CORRECTION, "Bring your knees under your hips")])], spoken
    assert coach.cues.shown is not None and coach.cues.shown.text.startswith("Bring your knees")
    assert coach.cue_said is None  # said once, at 2.0 s
    # Mid-move a flow is out of form for a moment: under 2 s is not said, nor shown.
    coach.new_set(PlannedSet(library["cat_cow"], None, 1, 1))
    move = result(judged=verdict(Status.OUT_OF_RANGE, "Round your back"))
    assert all(coach.update(move, t / 10) == [] for t in range(15))
    assert coach.cues.shown is None
    assert coach.update(result(), 1.5) == [] and coach.cues.shown is None


def test_set_coach_takes_other_pose_words_in_place_of_the_correction():
    library = load_library()
    coach = SetCoach(library, countdown=False, breathing=False)
    coach.new_set(PlannedSet(library["sphinx"], None, 1, 1))
    out = result(judged=verdict(Status.OUT_OF_RANGE, "Lift your chest"))
    coach.update(out, 0.0, looks="You look like you are doing cobra.")
    assert coach.update(out, 1.0, looks="You look like you are doing cobra.") == [
        (SAY_CORRECTION, "You look like you are doing cobra.")
    ]
