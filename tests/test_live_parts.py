"""The live session's parts, each alone (pure tier): the camera check, the sounds of events,
the set's history, the frame figures, the coach of the set under way, the set changes that
follow the routine, and the step of one frame (on fake pose readers: no camera, no model)."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from poseguide.core.checker import Status, Verdict
from poseguide.core.range_of_motion import NO_READING
from poseguide.core.session import FrameResult
from poseguide.core.templates import Template, load_library
from poseguide.core.timer import Event, EventKind, Segment
from poseguide.history.records import StopReason
from poseguide.live import snapshot
from poseguide.live import state as lv_state
from poseguide.live.camera_check import SETUP_SAY_EVERY_S, CameraCheck
from poseguide.live.clock import FrameClock
from poseguide.live.event_sounds import ALERTS, sounds
from poseguide.live.frame_stats import FrameStats
from poseguide.live.frame_step import FrameStep
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pause_gesture import PauseGesture
from poseguide.live.routine import Phase, PlannedSet, Routine, RoutineRunner, Step
from poseguide.live.session import LiveSession
from poseguide.live.set_changes import SetChanges
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


class FakeProcessor:
    """A set's (or the camera check's) processor that judges every frame as it is told."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.judged = verdict(Status.IN_RANGE)
        self.frames: list[float] = []

    def process(self, bgr, t):
        self.frames.append(t)
        return bgr, FrameResult(t, self.judged, (), 0.0, 0.0, False, 0, False)


class FakeReaders:
    """Pose readers with no model: the processors they open are :class:`FakeProcessor`."""

    def __init__(self) -> None:
        self.processor: FakeProcessor | None = None
        self.serial = 0
        self.opened: list[tuple[str, str | None, int]] = []
        self.looked: list[float] = []

    @property
    def detector(self):
        readers = self

        class Detector:
            def detect_bgr(self, bgr, t):
                readers.looked.append(t)
                return None  # nobody in view: no gesture

        return Detector()

    def open(self, template: Template, side: str | None = None, serial: int = 0) -> None:
        self.processor = FakeProcessor(template)
        self.serial = serial
        self.opened.append((template.id, side, serial))

    def close_set(self) -> None:
        self.processor, self.serial = None, 0


class FakeCurrent:
    """The set in progress, reduced to what the routine's moves ask of it."""

    def __init__(self, readers: FakeReaders) -> None:
        self.readers = readers
        self.started: list[tuple[str, int, float]] = []
        self.ended: list[tuple[PlannedSet | None, StopReason]] = []
        self.met = False

    def start(self, planned: PlannedSet, serial: int, t: float) -> None:
        self.readers.open(planned.template, planned.side, serial)
        self.started.append((planned.template.id, serial, t))

    def judge(self, result: FrameResult, t: float) -> bool:
        return self.met

    def end(self, planned: PlannedSet | None, reason: StopReason) -> None:
        self.ended.append((planned, reason))
        self.readers.close_set()


def moved(routine: Routine, *, setup: bool, gesture: bool = False):
    """A routine runner with its set changes and frame step over fake readers and set."""
    library = load_library()
    runner = RoutineRunner(routine, library, rest_s=10.0, setup=setup)
    readers, state, clock, recorder = (
        FakeReaders(),
        lv_state.LiveState(),
        FrameClock(),
        FakeRecorder(),
    )
    current = FakeCurrent(readers)
    check = CameraCheck(ok_s=1.0)
    changes = SetChanges(
        runner=runner,
        readers=readers,  # type: ignore[arg-type]
        current=current,  # type: ignore[arg-type]
        camera_check=check,
        recorder=recorder,  # type: ignore[arg-type]
        clock=clock,
        state=state,
    )
    step = FrameStep(
        runner=runner,
        readers=readers,  # type: ignore[arg-type]
        changes=changes,
        current=current,  # type: ignore[arg-type]
        camera_check=check,
        gesture=PauseGesture(runner, enabled=gesture),
        other_pose=OtherPoseWatch(library),
        state=state,
    )
    return runner, readers, current, recorder, clock, state, changes, step


TWO_SPHINX = Routine("two", (Step("sphinx", hold_s=2), Step("sphinx", hold_s=2)))


def bannered(frame: np.ndarray) -> bool:
    """Whether the grey banner of a frame no set judges is drawn across the top."""
    return bool((frame[2] == 30).all())


def hint_drawn(frame: np.ndarray) -> bool:
    """Whether the grey line where a set's cue stands is drawn over the bottom of a frame."""
    return bool((frame[-2] == 30).all())


def said(state: lv_state.LiveState) -> list[str]:
    return [e.text for e in state.pending() if e.kind == SAY]


def test_set_changes_open_the_camera_check_then_the_set_and_end_the_history_session():
    runner, readers, current, recorder, clock, state, changes, _ = moved(TWO_SPHINX, setup=True)
    seen = verdict(Status.IN_RANGE)
    changes.camera_check.update(seen, 0.0)  # left over from an earlier check
    begun = runner.begin(0.5)
    changes.follow(begun, 0.5)
    assert changes.camera_check.update(seen, 1.0) == (False, None)  # the check starts over
    assert runner.phase == Phase.SETUP
    assert readers.opened == [("sphinx", None, 0)]  # the camera check's reader, no set yet
    assert begun and said(state) == begun
    assert current.started == []
    changes.follow([], 0.5)  # still in the check: its reader is not opened again
    assert len(readers.opened) == 1
    readers.close_set()
    changes.follow(runner.setup_ok(1.0), 1.0)
    assert current.started == [("sphinx", 1, 1.0)]
    assert "The camera can see you" in said(state)
    changes.follow([], 1.5)  # the set already has its reader
    assert len(current.started) == 1
    assert changes.end_set(StopReason.SKIPPED) is None and current.ended == [
        (runner.plan[0], StopReason.SKIPPED)
    ]
    clock.normalize(2.0, 2.0)
    changes.follow(runner.stop(2.0), 2.0)
    assert readers.processor is None
    assert recorder.calls == [("end_session", clock.wall(2.0))]


def test_the_camera_checks_instruction_on_screen_is_the_one_spoken_under_the_cooldown():
    """The camera check spoke by its own path: the panel showed each frame's instruction while
    the voice said the one of up to 6 s before; now it is the coach's one cue channel."""
    readers = FakeReaders()
    session = LiveSession(
        Routine("one", (Step("sphinx", hold_s=2),)), load_library(), readers=readers
    )  # type: ignore[arg-type]
    frame = np.zeros((48, 64, 3), np.uint8)
    session.process(frame, 0.0, now=0.0)  # begins: the camera check opens its reader
    check = readers.processor
    assert session.runner.phase == Phase.SETUP and check is not None
    spoken: list[tuple[float, str, str]] = []
    for i in range(1, 91):  # 9 s at 10 frames/s
        t = i / 10
        words = "Move back" if t < 3.0 else "Turn side-on to the camera"
        check.judged = verdict(Status.CANNOT_SEE, words)
        session.process(frame, t, now=t)
        new = [e for e in session.state.pending() if e.kind in (SAY_CORRECTION, lv_state.SAY_CUE)]
        spoken += [(t, e.text, e.kind) for e in new[len(spoken) :]]
        assert session.state.read().setup_message == spoken[-1][1], t  # shown = last said
    assert spoken == [  # queued as a set's cue is, so that it is heard
        (0.1, "Move back", SAY_CORRECTION),
        (6.1, "Turn side-on to the camera", SAY_CORRECTION),
    ]


def test_set_changes_end_no_set_outside_one():
    runner, _, current, *_, changes, _ = moved(TWO_SPHINX, setup=True)
    changes.follow(runner.begin(0.0), 0.0)  # the camera check: no set to end
    assert changes.end_set(StopReason.USER_STOP) is None and current.ended == []


def test_frame_step_camera_check_says_what_to_change_then_hands_over_to_the_first_set():
    runner, readers, current, _, _, state, changes, step = moved(TWO_SPHINX, setup=True)
    changes.follow(runner.begin(0.0), 0.0)
    check = readers.processor
    assert check is not None
    check.judged = verdict(Status.CANNOT_SEE, "Move back")
    frame = np.zeros((48, 64, 3), np.uint8)
    assert step.run(frame, 0.1) is not None and step.analysed  # shown as judged: the check
    assert [(e.kind, e.text) for e in state.pending() if e.kind == SAY_CORRECTION] == [
        (SAY_CORRECTION, "Move back")
    ]
    check.judged = verdict(Status.OUT_OF_RANGE)  # seen, out of form: enough for the check
    assert step.run(frame, 0.2) is not None
    assert step.run(frame, 1.2) is None  # passed: the first set begins on its own reader
    assert runner.phase == Phase.EXERCISE and current.started == [("sphinx", 1, 1.2)]
    assert readers.processor is not check and check.frames == [0.1, 0.2, 1.2]


def test_frame_step_judges_a_set_to_its_target_then_rests_under_a_banner_and_moves_on():
    runner, readers, current, _, _, state, changes, step = moved(TWO_SPHINX, setup=False)
    changes.follow(runner.begin(0.0), 0.0)
    frame = np.zeros((48, 64, 3), np.uint8)
    assert step.run(frame, 0.5) is not None and runner.phase == Phase.EXERCISE
    current.met = True
    step.run(frame, 1.0)
    assert runner.phase == Phase.REST and current.ended == [(runner.plan[0], StopReason.COMPLETED)]
    assert readers.processor is None
    rest_frame = np.zeros((480, 640, 3), np.uint8)
    assert step.run(rest_frame, 2.0) is None and not step.analysed  # the gesture is off
    assert bannered(rest_frame)
    current.met = False
    assert step.run(frame, 11.5) is not None  # the rest is over: the next set judges it
    assert runner.phase == Phase.EXERCISE and current.started[-1] == ("sphinx", 2, 11.5)


def test_frame_step_paused_or_resting_only_the_detector_looks_for_the_gesture():
    runner, readers, _, _, _, _, changes, step = moved(TWO_SPHINX, setup=False, gesture=True)
    changes.follow(runner.begin(0.0), 0.0)
    runner.pause(0.5)
    frame = np.zeros((480, 640, 3), np.uint8)
    assert step.run(frame, 1.0) is None and step.analysed
    assert readers.looked == [1.0]
    assert readers.processor is not None and readers.processor.frames == []  # no set judged
    assert bannered(frame)  # "Paused"


class FiringGesture:
    """A hands-up gesture seen completed on every frame."""

    def update(self, frame, t) -> bool:
        return True


def test_frame_step_paused_says_so_on_the_video_in_the_panels_words_not_the_last_cue():
    """The issue: paused by the gesture, the video still showed "Turn side-on to the camera"."""
    runner, readers, _, _, _, state, changes, step = moved(TWO_SPHINX, setup=False, gesture=True)
    changes.follow(runner.begin(0.0), 0.0)
    assert step.run(np.zeros((480, 640, 3), np.uint8), 0.5) is not None
    step.gesture.gesture = FiringGesture()  # type: ignore[assignment]
    cue_drawn = np.full((480, 640, 3), 255, np.uint8)  # as the set's overlay left it
    assert step.run(cue_drawn, 1.0) is not None and runner.paused
    assert said(state)[-1] == "Paused"
    assert bannered(cue_drawn) and hint_drawn(cue_drawn)  # the cue line is drawn over
    assert snapshot.video_label(runner) == "Paused. Press Resume to go on."
    assert snapshot.PAUSED_HINT.startswith("Or press Space, or hold both hands above")
    step.gesture.gesture = None  # paused frames: only the banners (the gesture is off)
    frame = np.full((480, 640, 3), 255, np.uint8)
    assert step.run(frame, 1.5) is None and bannered(frame) and hint_drawn(frame)
    runner.resume(2.0)
    frame = np.full((480, 640, 3), 255, np.uint8)
    assert step.run(frame, 2.5) is not None and not bannered(frame) and not hint_drawn(frame)


def test_a_frame_caught_in_the_servers_exit_goes_out_as_it_came_without_an_error():
    """The pose model refuses frames once the process exits (ModelStopped): the stream is
    ending, so the page is not told a frame failed and nothing is logged as one; any other
    failure still is."""
    from poseguide.vision.detector import ModelStopped

    readers = FakeReaders()
    session = LiveSession(
        Routine("one", (Step("sphinx", hold_s=2),)), load_library(), readers=readers
    )  # type: ignore[arg-type]
    frame = np.zeros((48, 64, 3), np.uint8)
    session.process(frame, 0.0, now=0.0)

    def failing(error: Exception):
        def process(bgr, t):
            raise error

        return process

    readers.processor.process = failing(ModelStopped("after shutdown"))  # type: ignore[union-attr]
    assert session.process(frame, 0.1, now=0.1) is frame
    assert session.state.read().error is None
    readers.processor.process = failing(ValueError("bad frame"))  # type: ignore[union-attr]
    session.process(frame, 0.2, now=0.2)
    assert session.state.read().error == "Frame processing failed: bad frame"
