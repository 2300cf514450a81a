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
from poseguide.live.frame_step import FrameStep
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pause_gesture import PauseGesture
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import ACTIVE, REST_S, Phase, Routine, RoutineRunner
from poseguide.live.set_changes import SetChanges
from poseguide.live.set_coach import SetCoach
from poseguide.live.set_history import SetHistory
from poseguide.live.snapshot import routine_shown
from poseguide.live.state import LiveState
from poseguide.vision.detector import ModelStopped
from poseguide.vision.processor import needs_mask

log = logging.getLogger(__name__)


class LiveSession:
    """Runs a routine on webcam frames: ``process(bgr, t)`` is the (av-free) video callback.
    Its collaborators come in as keyword arguments: the history ``recorder`` and the pose
    ``readers`` (a test can lend its own detector), then the options.

    The page calls pause/resume/skip/repeat/stop from its own thread; a lock keeps them from
    interleaving with a frame. A coordinator: the routine runner says what phase it is; the
    frame step does what a frame does in that phase, the set changes follow each move of the
    runner (from a frame or a button), and the camera check and the current set (its pose
    reader, coach, history and sounds) do their part, each in a module of its own.
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
        self.changes = SetChanges(
            runner=self.runner,
            readers=self.readers,
            current=self.current,
            camera_check=self.camera_check,
            recorder=self.recorder,
            clock=self._clock,
            state=self.state,
        )
        self.frame_step = FrameStep(
            runner=self.runner,
            readers=self.readers,
            changes=self.changes,
            current=self.current,
            camera_check=self.camera_check,
            gesture=self.gesture,
            other_pose=self.other_pose,
            state=self.state,
        )
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
            self.changes.end_set(StopReason.SKIPPED)
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
            interrupted = self.changes.end_set(reason)
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
            self.changes.follow(action(t), t)
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
            self.state.update(lambda s: replace(s, last_frame_at=now))
            try:
                if self.runner.phase == Phase.IDLE and self.armed:
                    self.changes.follow(self.runner.begin(t), t)
                result = self.frame_step.run(bgr, t)
            except ModelStopped:  # the server is stopping: the frame goes out as it came
                return bgr
            except Exception as exc:  # a bad frame must not end the stream
                log.exception("frame processing failed")
                error = f"Frame processing failed: {exc}"
                self.state.update(lambda s: replace(s, error=error))
                return bgr
            analysed = self.frame_step.analysed
            if analysed:
                self.stats.analysed(now, time.perf_counter() - started)
            self._publish(t, result, analysed=analysed)
            return bgr

    def _publish(self, t: float, result: FrameResult | None, analysed: bool = False) -> None:
        """The page's snapshot after frame time ``t`` (and, when a set judged it, its result)."""
        runner = self.runner
        playing = runner.phase == Phase.EXERCISE and not runner.paused
        breath = self.coach.breath(t) if playing else None  # the pace starts when the set does
        cues = self.camera_check.cues if runner.phase == Phase.SETUP else self.coach.cues
        cue = cues.shown
        self.state.update(
            lambda s: self.stats.shown(
                routine_shown(s, runner, t, result, cue=cue, breath=breath), analysed
            )
        )
