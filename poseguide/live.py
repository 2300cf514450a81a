"""The live page's engine: webcam frames in, annotated frames and a shared state out.

No Streamlit here. streamlit-webrtc calls the video callback on its own worker thread, where
``st.*`` calls are not allowed, so everything the page shows goes through :class:`LiveState`
(a lock-guarded snapshot plus a bounded queue of sound and voice events). The routine runner
is pure and driven by frame times, so tests can step it with fake timestamps. Only the latest
frame is ever processed: streamlit-webrtc's ``async_processing`` drops frames that arrive while
one is being processed, and frames that are not newer than the last one are passed through.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import cv2
import numpy as np

from poseguide.history import History, HistoryError
from poseguide.processor import FrameProcessor
from poseguide.session import FrameResult, SetSummary
from poseguide.templates import Library, Template
from poseguide.timer import BOUNCING, CUE, HOLD_START, REP, TARGET, TOO_FAST

log = logging.getLogger(__name__)

REST_S = 10.0  # rest between sets
SETUP_OK_S = 1.0  # the body must be judged (in or out of form) this long to pass the camera check
SETUP_SAY_EVERY_S = 6.0  # repeat a camera set-up instruction at most this often
RESTART_GAP_S = 1.0  # time inserted when a stream restarts, so a hold cannot span the restart
RESTART_TOLERANCE_S = 2.0  # stream time vs real time disagreement that means a new stream
MAX_EVENTS = 16  # sound/voice events kept for the page; older ones are dropped
FPS_WINDOW = 30  # processed frames over which the frame rate is measured

# Routine phases.
IDLE = "idle"
SETUP = "setup"
EXERCISE = "exercise"
REST = "rest"
DONE = "done"
STOPPED = "stopped"
ACTIVE = (SETUP, EXERCISE, REST)

# Sound and voice event kinds for the page.
TONE_START = "tone_start"
TONE_TARGET = "tone_target"
SAY = "say"  # an announcement: always spoken, queued after what is being said
SAY_CUE = "cue"  # a correction: dropped if something is being said already

TARGET_WORDS = "Target reached, release slowly"


# --------------------------------------------------------------------------- routines


@dataclass(frozen=True)
class Step:
    """One exercise of a routine; ``None`` keeps the template's own target."""

    template_id: str
    hold_s: float | None = None
    reps: int | None = None
    per_side: bool | None = None
    sets_per_side: int | None = None


@dataclass(frozen=True)
class Routine:
    name: str
    steps: tuple[Step, ...]


# The basic daily routine of the guides.
BASIC_ROUTINE = Routine(
    "Basic daily routine",
    (
        Step("childs_pose", hold_s=60),
        Step("cat_cow", reps=15),
        Step("knee_to_chest", per_side=True, sets_per_side=2),
        Step("seated_twist", per_side=True, sets_per_side=2),
        Step("pelvic_tilt", reps=10),
    ),
)


def single(template_id: str) -> Routine:
    """A routine of one exercise with the template's own target."""
    return Routine(template_id, (Step(template_id),))


def custom(template_ids: Sequence[str], name: str = "Custom routine") -> Routine:
    """A routine of library exercises in the given order, each with its own target."""
    return Routine(name, tuple(Step(t) for t in template_ids))


@dataclass(frozen=True)
class PlannedSet:
    """One set of the plan: an exercise (target already adjusted), on one side or none."""

    template: Template
    side: str | None
    number: int
    total: int

    @property
    def label(self) -> str:
        return f"{self.template.name}, {self.side} side" if self.side else self.template.name

    @property
    def flow(self) -> bool:
        return self.template.kind == "flow"

    @property
    def target_text(self) -> str:
        return target_text(self.template)


def target_text(template: Template) -> str:
    """The target in words: 'hold 30 s', '15 repetitions', '2 holds of 20 s'."""
    target = template.target
    if template.kind == "flow":
        return f"{target.reps} repetitions"
    if target.reps > 1:
        return f"{target.reps} holds of {target.hold_s:g} s"
    return f"hold {target.hold_s:g} s"


def _with_target(template: Template, step: Step) -> Template:
    target = template.target
    if step.hold_s is not None:
        target = replace(target, hold_s=step.hold_s,
                         hold_max_s=max(target.hold_max_s, step.hold_s))
    if step.reps is not None:
        target = replace(target, reps=step.reps, reps_max=max(target.reps_max, step.reps))
    if step.per_side is not None:
        target = replace(target, per_side=step.per_side)
    if step.sets_per_side is not None:
        target = replace(target, sets_per_side=step.sets_per_side)
    return replace(template, target=target)


def plan_routine(routine: Routine, library: Library) -> tuple[list[PlannedSet], list[str]]:
    """The sets to do in order, and a note for every exercise left out (no template yet)."""
    rows: list[tuple[Template, str | None]] = []
    notes: list[str] = []
    for step in routine.steps:
        template = library.templates.get(step.template_id)
        if template is None:
            notes.append(f"{step.template_id.replace('_', ' ').capitalize()} is skipped: "
                          "there is no pose template for it yet.")
            continue
        template = _with_target(template, step)
        sides: tuple[str | None, ...] = ("left", "right") if template.target.per_side else (None,)
        for _ in range(template.target.sets_per_side):
            rows += [(template, side) for side in sides]
    plan = [PlannedSet(t, side, n + 1, len(rows)) for n, (t, side) in enumerate(rows)]
    return plan, notes


class RoutineRunner:
    """Where the routine stands: camera set-up, a set, a rest, or finished.

    Pure: every method takes the caller's time in seconds and returns what to announce. The
    ``serial`` grows each time a set (re)starts, so the caller knows when to start a new one.
    """

    def __init__(self, routine: Routine, library: Library, rest_s: float = REST_S,
                 setup: bool = True) -> None:
        self.plan, self.notes = plan_routine(routine, library)
        self.rest_s = rest_s
        self.setup = setup
        self.phase = IDLE if self.plan else DONE
        self.index = 0
        self.serial = 0
        self.paused = False
        self._rest_until = 0.0
        self._paused_at = 0.0

    @property
    def current(self) -> PlannedSet | None:
        """The set being done, or during a rest the one coming next."""
        return self.plan[self.index] if self.index < len(self.plan) else None

    def rest_left(self, t: float) -> float:
        if self.phase != REST:
            return 0.0
        now = self._paused_at if self.paused else t
        return max(0.0, self._rest_until - now)

    def begin(self, t: float) -> list[str]:
        if self.phase != IDLE:
            return []
        if self.setup:
            self.phase = SETUP
            return ["Camera check: get into position so the camera sees your whole body"]
        return self._start_set()

    def setup_ok(self, t: float) -> list[str]:
        if self.phase != SETUP:
            return []
        return ["The camera can see you", *self._start_set()]

    def set_done(self, t: float) -> list[str]:
        """The current set reached its target: rest before the next one, or finish."""
        if self.phase != EXERCISE:
            return []
        self.index += 1
        return self._next(t, "Well done.")

    def tick(self, t: float) -> list[str]:
        """Start the next set once the rest is over."""
        if self.phase == REST and not self.paused and t >= self._rest_until:
            return self._start_set()
        return []

    def skip(self, t: float) -> list[str]:
        """Skip what is in front of the user: the camera check, this set, or the next set."""
        if self.phase == SETUP:
            return self._start_set()
        if self.phase == EXERCISE:
            self.index += 1
            return self._next(t, "Skipped.", rest=False)
        if self.phase == REST and self.current is not None:
            skipped = self.current.label
            self.index += 1
            if self.current is None:
                return self._finish(f"Skipped {skipped}.")
            return [f"Skipped {skipped}. Next: {self.current.label}"]
        return []

    def repeat(self, t: float) -> list[str]:
        """Do the current set again from the start; during a rest or at the end, the last one."""
        if self.phase in (REST, DONE) and self.index > 0:
            self.index -= 1
        elif self.phase != EXERCISE:
            return []
        self.paused = False
        return ["Again.", *self._start_set()]

    def pause(self, t: float) -> list[str]:
        if self.phase not in ACTIVE or self.paused:
            return []
        self.paused, self._paused_at = True, t
        return ["Paused"]

    def resume(self, t: float) -> list[str]:
        if not self.paused:
            return []
        self.paused = False
        if self.phase == REST:
            self._rest_until += t - self._paused_at
        return ["Continue"]

    def stop(self, t: float) -> list[str]:
        if self.phase in (DONE, STOPPED):
            return []
        self.phase, self.paused = STOPPED, False
        return ["Stopped"]

    def _start_set(self) -> list[str]:
        planned = self.current
        if planned is None:
            return self._finish("")
        self.phase = EXERCISE
        self.serial += 1
        return [f"Now: {planned.label}. Target: {planned.target_text}"]

    def _next(self, t: float, praise: str, rest: bool = True) -> list[str]:
        upcoming = self.current
        if upcoming is None:
            return self._finish(praise)
        if not rest or self.rest_s <= 0:
            return [praise, *self._start_set()]
        self.phase, self._rest_until = REST, t + self.rest_s
        return [f"{praise} Rest for {self.rest_s:g} seconds. Next: {upcoming.label}"]

    def _finish(self, praise: str) -> list[str]:
        self.phase = DONE
        return [f"{praise} The routine is complete.".strip()]


# --------------------------------------------------------------------------- shared state


@dataclass(frozen=True)
class SoundEvent:
    """A tone or words for the page to play once; ``seq`` grows, so replays are detectable."""

    seq: int
    kind: str
    text: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the page shows beside the video, as of the last processed frame."""

    phase: str = IDLE
    paused: bool = False
    pose: str = ""
    side: str | None = None
    position: str = ""
    target: str = ""
    flow: bool = False
    held: float = 0.0
    current_hold: float = 0.0
    reps: int = 0
    target_reps: int = 1
    holding: bool = False
    target_met: bool = False
    status: str = ""
    correction: str | None = None
    setup_message: str | None = None
    rest_left: float = 0.0
    upcoming: str = ""
    frames: int = 0  # frames the pose model looked at, and their rate
    fps: float = 0.0
    first_frame_s: float | None = None
    latency_ms_p95: float = 0.0  # from a frame reaching the callback to its annotated return
    last_frame_at: float | None = None  # monotonic time of the last frame received
    error: str | None = None

    @property
    def timer(self) -> str:
        """'running' while a hold is timed, 'paused' once a hold has stopped, else 'waiting'."""
        if self.holding:
            return "running"
        return "paused" if self.held > 0 else "waiting"


class LiveState:
    """The hand-over between the video thread and the page: a snapshot and pending events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        self._events: deque[SoundEvent] = deque(maxlen=MAX_EVENTS)
        self._seq = 0
        self.token = secrets.token_hex(4)  # tells this session's events from an older one's

    def read(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def update(self, **fields: object) -> None:
        with self._lock:
            self._snapshot = replace(self._snapshot, **fields)

    def push(self, kind: str, text: str = "") -> None:
        with self._lock:
            self._seq += 1
            self._events.append(SoundEvent(self._seq, kind, text))

    def drain(self) -> list[SoundEvent]:
        """Events not handed out yet, oldest first; each is handed out once."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
            return events


class FrameClock:
    """Stream timestamps made monotonic, and mapped to wall-clock time for the history.

    A new stream (Stop, then Start) starts its timestamps somewhere else: when the stream's
    time and the real time between two frames disagree by more than ``RESTART_TOLERANCE_S``,
    the frames are shifted to continue after the last one plus at least ``RESTART_GAP_S``, so
    the hold timer ends any hold there, and the wall-clock anchor is taken again.
    """

    def __init__(self) -> None:
        self.last: float | None = None
        self._raw = 0.0
        self._mono = 0.0
        self._offset = 0.0
        self._anchor: tuple[float, datetime] | None = None

    def normalize(self, raw: float, mono: float, wall_now: datetime | None = None
                  ) -> float | None:
        """Frame time in seconds, or None for a frame that is not newer than the last one.

        ``mono`` is the monotonic time the frame arrived; ``wall_now`` its wall-clock time."""
        if self.last is not None:
            elapsed = mono - self._mono
            jump = raw - self._raw
            if abs(jump - elapsed) > RESTART_TOLERANCE_S:
                self._offset = self.last + max(elapsed, RESTART_GAP_S) - raw
                self._anchor = None
            elif jump <= 0:
                return None
        self._raw, self._mono = raw, mono
        t = raw + self._offset
        if self._anchor is None:
            self._anchor = (t, wall_now or datetime.now(timezone.utc))
        self.last = t
        return t

    def wall(self, t: float) -> datetime:
        """The wall-clock time of frame time ``t``."""
        if self._anchor is None:
            return datetime.now(timezone.utc)
        t0, wall0 = self._anchor
        return wall0 + timedelta(seconds=t - t0)


# --------------------------------------------------------------------------- history


T = TypeVar("T")


class HistoryRecorder:
    """Writes a routine to the history as it happens: a finished hold is committed when it
    ends, so closing the tab loses at most the hold in progress. A history that cannot be
    written never stops the exercise: the error is kept for the page to show."""

    def __init__(self, history: History | None, pain_before: int | None = None) -> None:
        self.history = history
        self.pain_before = pain_before
        self.session_id: int | None = None
        self.set_id: int | None = None
        self.error: str | None = None
        self._session_end: datetime | None = None

    def _do(self, action: Callable[[History], T]) -> T | None:
        if self.history is None:
            return None
        try:
            return action(self.history)
        except (HistoryError, ValueError) as exc:
            log.warning("history not written: %s", exc)
            self.error = str(exc)
            return None

    def set_started(self, planned: PlannedSet, at: datetime) -> None:
        self._session_end = None  # a set after the end (repeat) reopens the session
        if self.session_id is None:
            self.session_id = self._do(lambda h: h.start_session(at, self.pain_before))
        if self.session_id is None:
            return
        target = planned.template.target
        session = self.session_id
        self.set_id = self._do(lambda h: h.start_set(
            session, planned.template.id, planned.side, target.hold_s or None, target.reps, at))

    def hold(self, start: datetime, end: datetime) -> None:
        if self.set_id is not None:
            set_id = self.set_id
            self._do(lambda h: h.add_hold(set_id, start, end))

    def rep(self, at: datetime, duration_s: float) -> None:
        if self.set_id is not None:
            set_id = self.set_id
            self._do(lambda h: h.add_rep(set_id, at, max(0.0, duration_s)))

    def correction(self, cue: str, at: datetime) -> None:
        if self.set_id is not None:
            set_id = self.set_id
            self._do(lambda h: h.add_correction(set_id, cue, at))

    def set_ended(self, at: datetime, reason: str) -> int | None:
        set_id, self.set_id = self.set_id, None
        if set_id is not None:
            self._do(lambda h: h.end_set(set_id, at, reason))
        return set_id

    def mark_sharp_pain(self, set_id: int, at: datetime) -> None:
        """The user answered that a stop was for sharp pain: re-close the set with that."""
        self._do(lambda h: h.end_set(set_id, at, "sharp_pain", sharp_pain=True))

    def end_session(self, at: datetime | None = None, pain_after: int | None = None) -> None:
        """Close the session; called again with the pain rating, it keeps the first end."""
        if self.session_id is None or (self._session_end is not None and pain_after is None):
            return
        self._session_end = self._session_end or at or datetime.now(timezone.utc)
        session, end = self.session_id, self._session_end
        self._do(lambda h: h.end_session(session, end, pain_after))


@dataclass
class FinishedSet:
    """A set that ended, how, and its id in the history (None when not stored)."""

    planned: PlannedSet
    summary: SetSummary
    reason: str
    set_id: int | None
    ended_at: datetime


CAMERA_LOST_S = 5.0  # no frame for this long while the camera is on: the set ends


def camera_lost(snap: Snapshot, now: float) -> bool:
    """Frames stopped arriving (camera unplugged, browser tab asleep) while not paused."""
    return (not snap.paused and snap.last_frame_at is not None
            and now - snap.last_frame_at > CAMERA_LOST_S)


def target_suggestions(history: History | None, finished: Sequence[FinishedSet]) -> list[str]:
    """Longer hold targets the history supports for the held stretches just done, never
    beyond the guide's upper value (a template's ``hold_max_s``)."""
    if history is None:
        return []
    tips = []
    for template in {f.planned.template.id: f.planned.template for f in finished}.values():
        target = template.target
        if template.kind == "flow" or target.reps > 1 or target.hold_max_s <= target.hold_s:
            continue
        try:
            longer = history.suggest_target(template.id, target.hold_s, target.hold_max_s)
        except (HistoryError, ValueError):
            continue
        if longer is not None:
            tips.append(f"{template.name}: your last holds all passed {target.hold_s:g} s. "
                        f"Try {longer} s next time (the guides go up to "
                        f"{target.hold_max_s:g} s).")
    return tips


def record_summary(recorder: HistoryRecorder, planned: PlannedSet, summary: SetSummary,
                   wall: Callable[[float], datetime], reason: str) -> FinishedSet:
    """Store a set known only after the fact (an analysed video file) the way a live one is."""
    recorder.set_started(planned, wall(summary.started))
    for s in summary.segments:
        recorder.hold(wall(s.start), wall(s.end))
    previous = summary.started
    for at in summary.rep_times:
        recorder.rep(wall(at), at - previous)
        previous = at
    for e in summary.events:
        if e.kind == CUE:
            recorder.correction(e.text, wall(e.t))
    ended = wall(max(summary.ended, summary.started))
    set_id = recorder.set_ended(ended, reason)
    recorder.end_session(ended)
    return FinishedSet(planned, summary, reason, set_id, ended)


# --------------------------------------------------------------------------- the live session


class LiveSession:
    """Runs a routine on webcam frames: ``process(bgr, t)`` is the (av-free) video callback.

    The page calls pause/resume/skip/repeat/stop from its own thread; a lock keeps them from
    interleaving with a frame. Each set has its own FrameProcessor (about 20 ms to build).
    """

    def __init__(self, routine: Routine, library: Library,
                 recorder: HistoryRecorder | None = None, rest_s: float = REST_S,
                 setup: bool = True, speak_cautions: bool = False,
                 setup_ok_s: float = SETUP_OK_S, armed: bool = True) -> None:
        self.library = library
        self.runner = RoutineRunner(routine, library, rest_s, setup)
        self.recorder = recorder or HistoryRecorder(None)
        self.state = LiveState()
        self.finished: list[FinishedSet] = []
        self.interrupted: FinishedSet | None = None
        self.speak_cautions = speak_cautions
        self.setup_ok_s = setup_ok_s
        self.armed = armed
        self._lock = threading.RLock()
        self._clock = FrameClock()
        self._processor: FrameProcessor | None = None
        self._spare: FrameProcessor | None = None
        self._processor_serial = 0
        self._committed = 0
        self._set_start = 0.0
        self._last_rep = 0.0
        self._seen_since: float | None = None
        self._setup_said: tuple[str, float] | None = None
        self._connect_at: float | None = None
        self._first_frame_at: float | None = None
        self._analysed = False  # whether the pose model looked at the current frame
        self._times: deque[float] = deque(maxlen=FPS_WINDOW)
        self._latency: deque[float] = deque(maxlen=FPS_WINDOW)  # seconds inside process()
        self.state.update(phase=self.runner.phase)

    # -- page side

    @property
    def started(self) -> bool:
        return self.runner.phase != IDLE

    @property
    def active(self) -> bool:
        return self.runner.phase in ACTIVE

    def arm(self) -> None:
        """Let the next frame begin the routine (a new session waits while a camera is on)."""
        self.armed = True

    def prepare(self) -> None:
        """Build the first processor now, on the page's thread: the first pose graph of a
        process takes about 0.5 s to build, which the first webcam frame should not wait for."""
        with self._lock:
            planned = self.runner.current
            if self.runner.phase == IDLE and self._spare is None and planned is not None:
                self._spare = FrameProcessor(planned.template, self.library)

    def mark_connecting(self, at: float) -> None:
        """When the page saw the stream start (monotonic seconds), to time the first frame."""
        if self._connect_at is None:
            self._connect_at = at

    def pause(self) -> None:
        self._act(self.runner.pause)

    def resume(self) -> None:
        self._act(self.runner.resume)

    def skip(self) -> None:
        with self._lock:
            self._end_current("skipped")
            self._act(self.runner.skip)

    def repeat(self) -> None:
        with self._lock:
            self._end_current("user_stop")
            self._act(self.runner.repeat)

    def stop(self, reason: str = "user_stop") -> FinishedSet | None:
        """End at once: the set in progress (returned) is stored with ``reason``."""
        with self._lock:
            interrupted = self._end_current(reason)
            self._act(self.runner.stop)
            self.interrupted = interrupted
            return interrupted

    def mark_sharp_pain(self) -> None:
        """The stopped set was stopped for sharp pain."""
        with self._lock:
            done = self.interrupted
            if done is None or done.reason == "sharp_pain":
                return
            if done.set_id is not None:
                self.recorder.mark_sharp_pain(done.set_id, done.ended_at)
            done.reason = "sharp_pain"

    def _act(self, action: Callable[[float], list[str]]) -> None:
        with self._lock:
            t = self._clock.last if self._clock.last is not None else 0.0
            self._say(action(t))
            self._sync(t)
            self._publish(t, None)

    # -- video side

    def process(self, bgr: np.ndarray, t_raw: float, now: float | None = None) -> np.ndarray:
        """One webcam frame at stream time ``t_raw`` (seconds): annotate it in place and
        update the state; never raises. ``now`` (monotonic seconds) is for tests."""
        started = time.perf_counter()
        now = time.monotonic() if now is None else now
        with self._lock:
            t = self._clock.normalize(t_raw, now)
            if t is None:
                return bgr  # not newer than the last frame: nothing to add
            self._analysed = False
            self.state.update(last_frame_at=now)
            try:
                result = self._step(bgr, t)
            except Exception as exc:  # a bad frame must not end the stream
                log.exception("frame processing failed")
                self.state.update(error=f"Frame processing failed: {exc}")
                return bgr
            if self._analysed:
                self._times.append(now)
                self._latency.append(time.perf_counter() - started)
                if self._first_frame_at is None:
                    self._first_frame_at = now
            self._publish(t, result, now if self._analysed else None)
            return bgr

    def _step(self, bgr: np.ndarray, t: float) -> FrameResult | None:
        runner = self.runner
        if runner.phase == IDLE and self.armed:
            self._say(runner.begin(t))
            self._sync(t)
        if runner.paused or runner.phase in (IDLE, DONE, STOPPED):
            _label(bgr, {IDLE: "Waiting to begin", DONE: "Routine complete",
                         STOPPED: "Stopped"}.get(runner.phase, "Paused"))
            return None
        if runner.phase == REST:
            self._say(runner.tick(t))
            self._sync(t)
            if runner.phase == REST:
                upcoming = runner.current.label if runner.current else ""
                _label(bgr, f"Rest {runner.rest_left(t):.0f} s - next: {upcoming}")
                return None
        if self._processor is None:
            return None
        _, result = self._processor.process(bgr, t)
        self._analysed = True
        if runner.phase == SETUP:
            return result if self._check_setup(result, t) else None
        self._handle(result, t)
        return result

    def _check_setup(self, result: FrameResult, t: float) -> bool:
        """Whether the camera check goes on: it passes once the body has been judged (in or
        out of form) for ``setup_ok_s``; until then, say what to change now and then."""
        verdict = result.verdict
        if not verdict.seen:
            self._seen_since = None
            said = self._setup_said
            if said is None or t - said[1] >= SETUP_SAY_EVERY_S:
                message = verdict.correction or "Get into position"
                self._setup_said = (message, t)
                self.state.push(SAY_CUE, message)
            return True
        if self._seen_since is None:
            self._seen_since = t
        if t - self._seen_since < self.setup_ok_s:
            return True
        self._close_processor()
        self._say(self.runner.setup_ok(t))
        self._sync(t)
        return False

    def _handle(self, result: FrameResult, t: float) -> None:
        assert self._processor is not None
        wall = self._clock.wall
        for e in result.events:
            if e.kind == HOLD_START:
                self.state.push(TONE_START)
            elif e.kind == TARGET:
                self.state.push(TONE_TARGET)
                self.state.push(SAY, TARGET_WORDS)
            elif e.kind == CUE:
                self.state.push(SAY_CUE, e.text)
                self.recorder.correction(e.text, wall(e.t))
            elif e.kind in (TOO_FAST, BOUNCING):
                self.state.push(SAY_CUE, e.text)
            elif e.kind == REP:
                flow = self._processor.set.flow
                duration = e.t - self._last_rep if flow else result.current_hold
                self._last_rep = e.t
                self.recorder.rep(wall(e.t), duration)
                self.state.push(SAY, e.text)
        self._commit(self._processor.set.segments)
        if result.target_met:
            self._end_current("completed")
            self._say(self.runner.set_done(t))
            self._sync(t)

    # -- sets

    def _sync(self, t: float) -> None:
        """Open the processor the runner's phase needs (camera check or a new set)."""
        runner = self.runner
        planned = runner.current
        if runner.phase in (DONE, STOPPED):
            self._close_processor()
            self._end_session()
            return
        if planned is None:
            return
        if runner.phase == SETUP and self._processor is None:
            self._seen_since = None
            self._processor = self._new_processor(planned.template)
        elif runner.phase == EXERCISE and self._processor_serial != runner.serial:
            self._close_processor()
            self._processor = self._new_processor(planned.template)
            self._processor_serial = runner.serial
            self._committed = 0
            self._set_start = self._last_rep = t
            self.state.update(held=0.0, current_hold=0.0, reps=0, holding=False,
                              target_met=False, status="", correction=None)
            self.recorder.set_started(planned, self._clock.wall(t))
            if self.speak_cautions:
                self._say(list(planned.template.cautions))

    def _end_current(self, reason: str) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        if self.runner.phase != EXERCISE or self._processor is None:
            return None
        planned = self.runner.current
        summary = self._processor.finish()
        self._close_processor()
        if planned is None:
            return None
        self._commit(summary.segments)
        ended = self._clock.wall(max(summary.ended, self._set_start))
        set_id = self.recorder.set_ended(ended, reason)
        done = FinishedSet(planned, summary, reason, set_id, ended)
        self.finished.append(done)
        return done

    def _commit(self, segments: Sequence) -> None:
        """Store each hold once it has ended."""
        for s in segments[self._committed:]:
            self.recorder.hold(self._clock.wall(s.start), self._clock.wall(s.end))
        self._committed = max(self._committed, len(segments))

    def _new_processor(self, template: Template) -> FrameProcessor:
        spare, self._spare = self._spare, None
        if spare is not None and spare.template is template:
            return spare
        if spare is not None:
            spare.close()
        return FrameProcessor(template, self.library)

    def _close_processor(self) -> None:
        if self._processor is not None:
            self._processor.close()
            self._processor = None
            self._processor_serial = 0

    def _end_session(self) -> None:
        if self._clock.last is not None:
            self.recorder.end_session(self._clock.wall(self._clock.last))

    def _say(self, texts: Sequence[str]) -> None:
        for text in texts:
            if text:
                self.state.push(SAY, text)

    def _publish(self, t: float, result: FrameResult | None, now: float | None = None) -> None:
        runner = self.runner
        planned = runner.current
        fields: dict[str, object] = {
            "phase": runner.phase,
            "paused": runner.paused,
            "pose": planned.template.name if planned else "",
            "side": planned.side if planned else None,
            "position": f"{planned.number} of {planned.total}" if planned else "",
            "target": planned.target_text if planned else "",
            "flow": planned.flow if planned else False,
            "target_reps": planned.template.target.reps if planned else 1,
            "rest_left": runner.rest_left(t),
            "upcoming": planned.label if planned and runner.phase == REST else "",
        }
        if result is not None:
            verdict = result.verdict
            if runner.phase == SETUP:
                fields["setup_message"] = None if verdict.seen else verdict.correction
            else:
                fields.update(held=result.held, current_hold=result.current_hold,
                              reps=result.reps, holding=result.holding,
                              target_met=result.target_met, status=verdict.status,
                              correction=None if verdict.in_range else verdict.correction)
        if now is not None:  # a frame the pose model looked at
            fields["frames"] = self.state.read().frames + 1
            if len(self._times) > 1:
                fields["fps"] = (len(self._times) - 1) / max(self._times[-1] - self._times[0],
                                                             1e-6)
            fields["latency_ms_p95"] = 1000 * float(np.percentile(self._latency, 95))
        connect, first = self._connect_at, self._first_frame_at
        if connect is not None and first is not None and first >= connect:
            fields["first_frame_s"] = first - connect
        self.state.update(**fields)


def _label(frame: np.ndarray, text: str) -> None:
    """A plain banner at the top of a frame the pose model does not look at."""
    h, w = frame.shape[:2]
    scale = max(h, w) / 640.0
    cv2.rectangle(frame, (0, 0), (w, int(40 * scale)), (30, 30, 30), -1)
    cv2.putText(frame, text, (int(10 * scale), int(27 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                0.7 * scale, (255, 255, 255), 2, cv2.LINE_AA)
