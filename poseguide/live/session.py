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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from poseguide.core.gesture import HandsUpGesture
from poseguide.core.session import FrameResult
from poseguide.core.templates import Library
from poseguide.core.timer import Event, EventKind
from poseguide.history.records import StopReason
from poseguide.live.camera_check import SETUP_OK_S, CameraCheck
from poseguide.live.clock import FrameClock
from poseguide.live.event_sounds import ALERTS, sounds
from poseguide.live.frame_stats import FrameStats
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import ACTIVE, REST_S, Phase, Routine, RoutineRunner
from poseguide.live.set_coach import SetCoach
from poseguide.live.set_history import SetHistory
from poseguide.live.snapshot import achieved, routine_fields, video_label
from poseguide.live.state import SAY, SAY_CUE, LiveState
from poseguide.vision.overlay import top_banner
from poseguide.vision.processor import needs_mask

log = logging.getLogger(__name__)

ALERT_SHOW_S = 4.0  # how long "too fast" or "do not bounce" stays on screen


class LiveSession:
    """Runs a routine on webcam frames: ``process(bgr, t)`` is the (av-free) video callback.
    Its collaborators come in as keyword arguments: the history ``recorder`` and the pose
    ``readers`` (a test can lend its own detector), then the options.

    The page calls pause/resume/skip/repeat/stop from its own thread; a lock keeps them from
    interleaving with a frame. A coordinator: the routine runner says what phase it is, and
    the pose readers, the coach, the camera check, the other-pose watch, the set's history and
    the frame figures each do their part (one module each).
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
        self.finished: list[FinishedSet] = []
        self.interrupted: FinishedSet | None = None
        self.speak_cautions = speak_cautions
        self.armed = armed
        self.coach = SetCoach(library, countdown=countdown, breathing=breathing)
        self.camera_check = CameraCheck(setup_ok_s)
        self.other_pose = OtherPoseWatch(library)
        self.stats = FrameStats()
        self.gesture = HandsUpGesture() if gesture else None
        self._lock = threading.RLock()
        self._clock = FrameClock()
        silhouette = any(needs_mask(p.template, library) for p in self.runner.plan)
        self.readers = readers or PoseReaders(library, silhouette=silhouette)
        self.set_history = SetHistory(self.recorder, self._clock.wall, library)
        self._analysed = False  # whether the pose model looked at the current frame
        self.state.update(phase=self.runner.phase)

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
            if self.runner.phase == Phase.EXERCISE and self.readers.processor is not None:
                self.readers.close_set()
                self.recorder.discard_set()
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
            done = self.interrupted
            if done is None or done.reason == StopReason.SHARP_PAIN:
                return
            if done.set_id is not None:
                self.recorder.mark_sharp_pain(done.set_id, done.ended_at)
            done.reason = StopReason.SHARP_PAIN

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
                self.stats.analysed(now, time.perf_counter() - started)
            self._publish(t, result, analysed=self._analysed)
            return bgr

    def _step(self, bgr: np.ndarray, t: float) -> FrameResult | None:
        runner = self.runner
        if runner.phase == Phase.IDLE and self.armed:
            self._say(runner.begin(t))
            self._sync(t)
        if runner.paused and runner.phase in ACTIVE:
            # Paused: only the detector looks, for the hands-up gesture that resumes.
            self._watch_gesture(bgr, t)
        if runner.paused or runner.phase in (Phase.IDLE, Phase.DONE, Phase.STOPPED):
            top_banner(bgr, video_label(runner))
            return None
        if runner.phase == Phase.REST:
            self._say(runner.tick(t))
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
        if self.gesture is not None and self.gesture.update(result.frame, t):
            self._toggle_pause(t)
            return result
        planned = runner.current
        self.other_pose.update(result, planned.template if planned else None, t)
        if runner.phase == Phase.SETUP:
            return result if self._check_setup(result, t) else None
        self._handle(result, t)
        return result

    def _watch_gesture(self, bgr: np.ndarray, t: float) -> None:
        """Where no set is judged (paused, resting), the detector alone looks for the
        hands-up gesture, which toggles the pause."""
        if self.gesture is None:
            return
        self._analysed = True
        if self.gesture.update(self.readers.detector.detect_bgr(bgr, t), t):
            self._toggle_pause(t)

    def _toggle_pause(self, t: float) -> None:
        """The hands-up gesture: pause, or resume when paused."""
        runner = self.runner
        self._say(runner.resume(t) if runner.paused else runner.pause(t))

    def _check_setup(self, result: FrameResult, t: float) -> bool:
        """Whether the camera check goes on; once it passes, the first set begins."""
        passed, say = self.camera_check.update(result.verdict, t)
        if say:
            self.state.push(SAY_CUE, say)
        if not passed:
            return True
        self.readers.close_set()
        self._say(self.runner.setup_ok(t))
        self._sync(t)
        return False

    def _handle(self, result: FrameResult, t: float) -> None:
        processor = self.readers.processor
        assert processor is not None
        flow = processor.set.flow
        self.set_history.frame(result)
        for e in result.events:
            if e.kind == EventKind.CUE:
                continue  # the set's own choice of cue: the coach's cue channel speaks instead
            self.set_history.event(e, flow, result.current_hold)
            for kind, text in sounds(e, flow):
                self.state.push(kind, text)
            if e.kind in ALERTS:
                self.state.update(alert=e.text, alert_until=t + ALERT_SHOW_S)
        self.set_history.holds(processor.set.segments)
        for kind, text in self.coach.update(result, t, looks=self.other_pose.words):
            self.state.push(kind, text)
        if self.coach.cue_said:  # kept in History as the correction the user heard
            self.set_history.event(Event(EventKind.CUE, t, self.coach.cue_said), flow, 0.0)
        if result.target_met:
            done = self._end_current(StopReason.COMPLETED)
            if done is not None:
                self.state.update(notice=f"Target reached: {done.planned.label}, {achieved(done)}.")
            self._say(self.runner.set_done(t))
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
            self.readers.open(planned.template, planned.side, runner.serial)
            self.stats.new_set()
            self.state.update(
                held=0.0,
                current_hold=0.0,
                reps=0,
                holding=False,
                target_met=False,
                status="",
                correction=None,
                refinement=None,
                alert=None,
                notice="",
            )
            self.set_history.started(planned, t)
            self.coach.new_set(planned)
            if self.speak_cautions:
                self._say(list(planned.template.cautions))

    def _end_current(self, reason: StopReason) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        processor, planned = self.readers.processor, self.runner.current
        if self.runner.phase != Phase.EXERCISE or processor is None:
            return None
        # The corrections kept are the ones said (the set's own count chose differently).
        summary = replace(processor.finish(), corrections=Counter(self.coach.cues.said))
        self.readers.close_set()
        if planned is None:
            return None
        done = self.set_history.ended(planned, summary, reason)
        self.finished.append(done)
        return done

    def _say(self, texts: Sequence[str]) -> None:
        for text in texts:
            if text:
                self.state.push(SAY, text)

    def _publish(self, t: float, result: FrameResult | None, analysed: bool = False) -> None:
        """The page's snapshot after frame time ``t`` (and, when a set judged it, its result)."""
        shown, runner = self.state.read(), self.runner
        playing = runner.phase == Phase.EXERCISE and not runner.paused
        breath = self.coach.breath(t) if playing else None  # the pace starts when the set does
        fields = routine_fields(
            runner,
            t,
            result,
            cue=self.coach.cues.shown,
            breath=breath,
        )
        fields.update(self.stats.fields(shown.frames, analysed))
        if shown.alert is not None and t > shown.alert_until:
            fields["alert"] = None
        self.state.update(**fields)
