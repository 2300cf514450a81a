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
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from poseguide.core.session import FrameResult
from poseguide.core.templates import Library
from poseguide.history.records import StopReason
from poseguide.live.camera_check import SETUP_OK_S, CameraCheck
from poseguide.live.clock import FrameClock
from poseguide.live.current_set import CurrentSet
from poseguide.live.frame_stats import FrameStats
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pause_gesture import PauseGesture
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import ACTIVE, REST_S, Phase, Routine, RoutineRunner
from poseguide.live.set_coach import SetCoach
from poseguide.live.set_history import SetHistory
from poseguide.live.snapshot import achieved, routine_shown, video_label
from poseguide.live.state import SAY_CUE, LiveState
from poseguide.vision.overlay import top_banner
from poseguide.vision.processor import needs_mask

log = logging.getLogger(__name__)


class LiveSession:
    """Runs a routine on webcam frames: ``process(bgr, t)`` is the (av-free) video callback.
    Its collaborators come in as keyword arguments: the history ``recorder`` and the pose
    ``readers`` (a test can lend its own detector), then the options.

    The page calls pause/resume/skip/repeat/stop from its own thread; a lock keeps them from
    interleaving with a frame. A coordinator: the routine runner says what phase it is, the
    camera check and the current set (its pose reader, coach, history and sounds) do their
    part, each in a module of its own.
    """

    def __init__(
        self,
        routine: Routine,
        library: Library,
        *,
        recorder: HistoryRecorder | None = None,
        readers: PoseReaders | None = None,
        rest_s: float = REST_S,
        setup: bool = True,
        speak_cautions: bool = False,
        setup_ok_s: float = SETUP_OK_S,
        armed: bool = True,
        countdown: bool = True,
        breathing: bool = False,
        gesture: bool = True,
    ) -> None:
        self.library = library
        self.runner = RoutineRunner(routine, library, rest_s, setup)
        self.recorder = recorder or HistoryRecorder(None)
        self.state = LiveState()
        self.interrupted: FinishedSet | None = None
        self.armed = armed
        self.coach = SetCoach(library, countdown=countdown, breathing=breathing)
        self.camera_check = CameraCheck(setup_ok_s)
        self.other_pose = OtherPoseWatch(library)
        self.stats = FrameStats()
        self.gesture = PauseGesture(self.runner, enabled=gesture)
        self._lock = threading.RLock()
        self._clock = FrameClock()
        silhouette = any(needs_mask(p.template, library) for p in self.runner.plan)
        self.readers = readers or PoseReaders(library, silhouette=silhouette)
        self.set_history = SetHistory(self.recorder, self._clock.wall, library)
        self.current = CurrentSet(
            readers=self.readers,
            recorder=self.recorder,
            history=self.set_history,
            coach=self.coach,
            other_pose=self.other_pose,
            stats=self.stats,
            state=self.state,
            speak_cautions=speak_cautions,
        )
        self._analysed = False  # whether the pose model looked at the current frame
        self.state.update(lambda s: replace(s, phase=self.runner.phase))

    @property
    def finished(self) -> list[FinishedSet]:
        """The sets finished so far (done, skipped or stopped), oldest first."""
        return self.current.finished

    # -- page side

    @property
    def started(self) -> bool:
        return self.runner.phase != Phase.IDLE

    @property
    def active(self) -> bool:
        return self.runner.phase in ACTIVE

    def arm(self) -> None:
        """Let the next frame begin the routine (a new session waits while a camera is on)."""
        self.armed = True

    def prepare(self) -> None:
        """Build the detector and run it once now, on the page's thread: the first pose graph
        of a process takes about 0.5 s to build and its first frame as long again, which the
        first webcam frame should not wait for."""
        with self._lock:
            self.readers.warm()

    def close(self) -> None:
        """Free the pose graphs (the page drops this session)."""
        with self._lock:
            self.readers.close()

    def mark_connecting(self, at: float) -> None:
        """When the page saw the stream start (monotonic seconds), to time the first frame."""
        self.stats.connecting(at)

    def pause(self) -> None:
        self._act(self.runner.pause)

    def resume(self) -> None:
        self._act(self.runner.resume)

    def skip(self) -> None:
        with self._lock:
            self._end_current(StopReason.SKIPPED)
            self._act(self.runner.skip)

    def repeat(self) -> None:
        """Do the set again: the abandoned attempt is replaced (no row, no time kept)."""
        with self._lock:
            if self.runner.phase == Phase.EXERCISE:
                self.current.discard()
            self._act(self.runner.repeat)

    def stop(self, reason: StopReason = StopReason.USER_STOP) -> FinishedSet | None:
        """End at once: the set in progress (returned) is stored with ``reason``."""
        with self._lock:
            interrupted = self._end_current(reason)
            self._act(self.runner.stop)
            self.interrupted = interrupted
            return interrupted

    def mark_sharp_pain(self) -> None:
        """The stopped set was stopped for sharp pain."""
        with self._lock:
            if self.interrupted is not None:
                self.current.mark_sharp_pain(self.interrupted)

    def _act(self, action: Callable[[float], list[str]]) -> None:
        with self._lock:
            t = self._clock.last if self._clock.last is not None else 0.0
            self.state.say(action(t))
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
            self.state.update(lambda s: replace(s, last_frame_at=now))
            try:
                result = self._step(bgr, t)
            except Exception as exc:  # a bad frame must not end the stream
                log.exception("frame processing failed")
                error = f"Frame processing failed: {exc}"
                self.state.update(lambda s: replace(s, error=error))
                return bgr
            if self._analysed:
                self.stats.analysed(now, time.perf_counter() - started)
            self._publish(t, result, analysed=self._analysed)
            return bgr

    def _step(self, bgr: np.ndarray, t: float) -> FrameResult | None:
        runner = self.runner
        if runner.phase == Phase.IDLE and self.armed:
            self.state.say(runner.begin(t))
            self._sync(t)
        if runner.paused and runner.phase in ACTIVE:
            # Paused: only the detector looks, for the hands-up gesture that resumes.
            self._watch_gesture(bgr, t)
        if runner.paused or runner.phase in (Phase.IDLE, Phase.DONE, Phase.STOPPED):
            top_banner(bgr, video_label(runner))
            return None
        if runner.phase == Phase.REST:
            self.state.say(runner.tick(t))
            self._sync(t)
            if runner.phase == Phase.REST:
                # Resting on the mat: the gesture pauses the rest as it pauses a set.
                self._watch_gesture(bgr, t)
                upcoming = runner.current.label if runner.current else ""
                top_banner(bgr, f"Rest {runner.rest_left(t):.0f} s - next: {upcoming}")
                return None
        processor = self.readers.processor
        if processor is None:
            return None
        _, result = processor.process(bgr, t)
        self._analysed = True
        said = self.gesture.seen(result.frame, t)
        if said is not None:
            self.state.say(said)
            return result
        planned = runner.current
        self.other_pose.update(result, planned.template if planned else None, t)
        if runner.phase == Phase.SETUP:
            return result if self._check_setup(result, t) else None
        self._handle(result, t)
        return result

    def _watch_gesture(self, bgr: np.ndarray, t: float) -> None:
        """Where no set is judged (paused, resting), the detector alone looks for the gesture."""
        if self.gesture.gesture is not None:
            self._analysed = True
            self.state.say(self.gesture.look(self.readers.detector, bgr, t) or [])

    def _check_setup(self, result: FrameResult, t: float) -> bool:
        """Whether the camera check goes on; once it passes, the first set begins."""
        passed, say = self.camera_check.update(result.verdict, t)
        if say:
            self.state.push(SAY_CUE, say)
        if not passed:
            return True
        self.readers.close_set()
        self.state.say(self.runner.setup_ok(t))
        self._sync(t)
        return False

    def _handle(self, result: FrameResult, t: float) -> None:
        if not self.current.judge(result, t):
            return
        done = self._end_current(StopReason.COMPLETED)
        if done is not None:
            notice = f"Target reached: {done.planned.label}, {achieved(done)}."
            self.state.update(lambda s: replace(s, notice=notice))
        self.state.say(self.runner.set_done(t))
        self._sync(t)

    # -- sets

    def _sync(self, t: float) -> None:
        """Open the processor the runner's phase needs (camera check or a new set)."""
        runner = self.runner
        planned = runner.current
        if runner.phase in (Phase.DONE, Phase.STOPPED):
            self.readers.close_set()
            if self._clock.last is not None:
                self.recorder.end_session(self._clock.wall(self._clock.last))
            return
        if planned is None:
            return
        if runner.phase == Phase.SETUP and self.readers.processor is None:
            self.camera_check.reset()
            self.readers.open(planned.template)
        elif runner.phase == Phase.EXERCISE and self.readers.serial != runner.serial:
            self.current.start(planned, runner.serial, t)

    def _end_current(self, reason: StopReason) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        if self.runner.phase != Phase.EXERCISE:
            return None
        return self.current.end(self.runner.current, reason)

    def _publish(self, t: float, result: FrameResult | None, analysed: bool = False) -> None:
        """The page's snapshot after frame time ``t`` (and, when a set judged it, its result)."""
        runner = self.runner
        playing = runner.phase == Phase.EXERCISE and not runner.paused
        breath = self.coach.breath(t) if playing else None  # the pace starts when the set does
        cue = self.coach.cues.shown
        self.state.update(
            lambda s: self.stats.shown(
                routine_shown(s, runner, t, result, cue=cue, breath=breath), analysed
            )
        )
