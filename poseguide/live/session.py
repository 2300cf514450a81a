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
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np

from poseguide.core import checker
from poseguide.core.gesture import HandsUpGesture
from poseguide.core.landmarks import PoseFrame
from poseguide.core.session import FrameResult
from poseguide.core.templates import Library, Template
from poseguide.core.timer import EventKind, Segment
from poseguide.history.records import StopReason
from poseguide.live.clock import FrameClock
from poseguide.live.coach import BreathPace, Countdown
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import ACTIVE, REST_S, Phase, Routine, RoutineRunner
from poseguide.live.state import (
    SAY,
    SAY_CUE,
    TARGET_WORDS,
    TONE_BREATH_IN,
    TONE_BREATH_OUT,
    TONE_START,
    TONE_TARGET,
    LiveState,
    Snapshot,
)
from poseguide.vision.crowd import CrowdWatch
from poseguide.vision.detector import PoseDetector
from poseguide.vision.processor import FrameProcessor, needs_mask

log = logging.getLogger(__name__)

SETUP_OK_S = 1.0  # the body must be judged (in or out of form) this long to pass the camera check
SETUP_SAY_EVERY_S = 6.0  # repeat a camera set-up instruction at most this often
FPS_WINDOW = 30  # processed frames over which the frame rate is measured

PHASE_LABELS = {
    Phase.IDLE: "Waiting to begin",
    Phase.DONE: "Routine complete",
    Phase.STOPPED: "Stopped",
}  # drawn on the video when no set runs


def video_label(runner: RoutineRunner) -> str:
    """What the video says when no set runs: "Routine complete" only if every set was done."""
    if runner.phase == Phase.DONE and not runner.all_done:
        return "Routine over"
    return PHASE_LABELS.get(runner.phase, "Paused")


BREATHS_SPOKEN = 2  # the breathing pace says its words this often, then keeps to tones
CAMERA_LOST_S = 5.0  # no frame for this long while the camera is on: the set ends
ALERT_SHOW_S = 4.0  # how long "too fast" or "do not bounce" stays on screen
LOOKS_EVERY_S = 1.0  # how often a person out of form is compared with the other templates
LOOKS_SAY_EVERY_S = 8.0  # and how often what they look like doing is said


def looks_like(frame: PoseFrame, asked: Template, library: Library) -> Template | None:
    """Another (hold) template this frame fits, when the asked one does not: the person is
    doing something else, and a visibility cue would mislead."""
    skip = {asked.id, *asked.phases}
    for template in library.templates.values():
        if template.id in skip or template.kind == "flow":
            continue
        judged = template
        if frame.mask is None:  # no silhouette in this stream: judge by the joints alone
            judged = replace(
                template, checks=tuple(c for c in template.checks if c.measure != "curve")
            )
        if judged.checks and checker.check(frame, judged).in_range:
            return template
    return None


def looks_like_words(doing: Template, asked: Template) -> str:
    """'You look like you are doing cat pose. For single knee to chest: lie on your back...'"""
    first = asked.how_to.split(". ")[0].rstrip(".")
    return (
        f"You look like you are doing {doing.name.lower()}. For {asked.name.lower()}: "
        f"{first[:1].lower()}{first[1:]}."
    )


def camera_lost(snap: Snapshot, now: float) -> bool:
    """Frames stopped arriving (camera unplugged, browser tab asleep) while not paused."""
    return (
        not snap.paused
        and snap.last_frame_at is not None
        and now - snap.last_frame_at > CAMERA_LOST_S
    )


class LiveSession:
    """Runs a routine on webcam frames: ``process(bgr, t)`` is the (av-free) video callback.

    The page calls pause/resume/skip/repeat/stop from its own thread; a lock keeps them from
    interleaving with a frame. Each set has its own FrameProcessor, but one pose detector is
    built (and run once) before the stream starts and lent to every set: a new pose graph
    stalled the stream after every set change or resume, and switching between two graphs
    (with and without the silhouette) cost a fresh detection, 0.3-0.5 s, at each change.
    """

    def __init__(
        self,
        routine: Routine,
        library: Library,
        recorder: HistoryRecorder | None = None,
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
        self.setup_ok_s = setup_ok_s
        self.armed = armed
        self.countdown = Countdown(enabled=countdown)
        self.breathing = breathing
        self._breath: BreathPace | None = None
        self._breaths_said = 0
        self.gesture = HandsUpGesture() if gesture else None
        self._lock = threading.RLock()
        self._clock = FrameClock()
        self._processor: FrameProcessor | None = None
        self._detector: PoseDetector | None = None
        self._crowd = CrowdWatch(every_s=2.0)
        self._processor_serial = 0
        self._committed = 0
        self._set_start = 0.0
        self._last_rep = 0.0
        self._seen_since: float | None = None
        self._looks: str | None = None  # what the person seems to be doing instead
        self._looks_at = -np.inf  # frame time it was last judged
        self._looks_said = -np.inf
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
            if self._detector is None:
                self._shared_detector().detect_plain(np.zeros((480, 640, 3), np.uint8), 0.0)
                self._shared_detector().restart()

    def close(self) -> None:
        """Free the pose graphs (the page drops this session)."""
        with self._lock:
            self._close_processor()
            if self._detector is not None:
                self._detector.close()
                self._detector = None
            self._crowd.close()
            self._crowd = CrowdWatch(every_s=2.0)

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
            self._end_current(StopReason.SKIPPED)
            self._act(self.runner.skip)

    def repeat(self) -> None:
        """Do the set again: the abandoned attempt is replaced (no row, no time kept)."""
        with self._lock:
            if self.runner.phase == Phase.EXERCISE and self._processor is not None:
                self._close_processor()
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
                self._times.append(now)
                self._latency.append(time.perf_counter() - started)
                if self._first_frame_at is None:
                    self._first_frame_at = now
            self._publish(t, result, now if self._analysed else None)
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
            _label(bgr, video_label(runner))
            return None
        if runner.phase == Phase.REST:
            self._say(runner.tick(t))
            self._sync(t)
            if runner.phase == Phase.REST:
                # Resting on the mat: the gesture pauses the rest as it pauses a set.
                self._watch_gesture(bgr, t)
                upcoming = runner.current.label if runner.current else ""
                _label(bgr, f"Rest {runner.rest_left(t):.0f} s - next: {upcoming}")
                return None
        if self._processor is None:
            return None
        _, result = self._processor.process(bgr, t)
        self._analysed = True
        if self.gesture is not None and self.gesture.update(result.frame, t):
            self._toggle_pause(t)
            return result
        self._judge_elsewhere(result, t)
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
        if self.gesture.update(self._shared_detector().detect_bgr(bgr, t), t):
            self._toggle_pause(t)

    def _toggle_pause(self, t: float) -> None:
        """The hands-up gesture: pause, or resume when paused."""
        runner = self.runner
        self._say(runner.resume(t) if runner.paused else runner.pause(t))

    def _coach(self, result: FrameResult, t: float) -> None:
        """The countdown at the end of a time target, and the breathing pace of a flow."""
        planned = self.runner.current
        if planned is None:
            return
        target = planned.template.target
        if planned.flow:
            if self.breathing and self._breath is not None:
                words = self._breath.update(t)
                if words:
                    half = "in" if words.startswith("Breathe in") else "out"
                    self.state.push(TONE_BREATH_IN if half == "in" else TONE_BREATH_OUT)
                    if self._breaths_said < BREATHS_SPOKEN:  # words at first, then tones only
                        self._breaths_said += 1
                        self.state.push(SAY_CUE, words)
        elif target.reps <= 1 and not result.target_met:
            left = target.hold_s - result.held if result.holding else None
            self._say(self.countdown.update(left, target.hold_s))

    def _judge_elsewhere(self, result: FrameResult, t: float) -> None:
        """Now and then, while a found person is out of the asked form, see whether they fit
        another template, and say so (once in a while) instead of a misleading cue."""
        planned = self.runner.current
        if planned is None or planned.flow or result.frame is None or result.verdict.in_range:
            self._looks = None
            return
        if t - self._looks_at < LOOKS_EVERY_S:
            return
        self._looks_at = t
        doing = looks_like(result.frame, planned.template, self.library)
        self._looks = None if doing is None else looks_like_words(doing, planned.template)
        if self._looks and t - self._looks_said >= LOOKS_SAY_EVERY_S:
            self._looks_said = t
            self.state.push(SAY_CUE, self._looks)

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
        flow = self._processor.set.flow
        for e in result.events:
            if e.kind == EventKind.HOLD_START and not flow:  # a flow has no hold to start
                self.state.push(TONE_START)
            elif e.kind == EventKind.TARGET:
                self.state.push(TONE_TARGET)
                self.state.push(SAY, TARGET_WORDS)
            elif e.kind == EventKind.CUE:
                self.state.push(SAY_CUE, e.text)
                self.recorder.correction(e.text, wall(e.t))
            elif e.kind in (EventKind.TOO_FAST, EventKind.BOUNCING, EventKind.PACE_UNKNOWN):
                # Said in full (queued, not dropped behind a count) and shown for a while.
                self.state.push(SAY, e.text)
                self.state.update(alert=e.text, alert_until=t + ALERT_SHOW_S)
                if (
                    e.kind != EventKind.PACE_UNKNOWN
                ):  # too few frames is not the user's form to correct
                    self.recorder.correction(e.text, wall(e.t))
            elif e.kind == EventKind.REP:
                duration = e.t - self._last_rep if flow else result.current_hold
                self._last_rep = e.t
                self.recorder.rep(wall(e.t), duration)
                self.state.push(SAY, e.text)
        self._commit(self._processor.set.segments)
        self._coach(result, t)
        if result.target_met:
            done = self._end_current(StopReason.COMPLETED)
            if done is not None:
                self.state.update(
                    notice=f"Target reached: {done.planned.label}, {_achieved(done)}."
                )
            self._say(self.runner.set_done(t))
            self._sync(t)

    # -- sets

    def _sync(self, t: float) -> None:
        """Open the processor the runner's phase needs (camera check or a new set)."""
        runner = self.runner
        planned = runner.current
        if runner.phase in (Phase.DONE, Phase.STOPPED):
            self._close_processor()
            self._end_session()
            return
        if planned is None:
            return
        if runner.phase == Phase.SETUP and self._processor is None:
            self._seen_since = None
            self._processor = self._new_processor(planned.template)
        elif runner.phase == Phase.EXERCISE and self._processor_serial != runner.serial:
            self._close_processor()
            self._processor = self._new_processor(planned.template, planned.side)
            self._processor_serial = runner.serial
            self._times.clear()  # the frame rate of this set, not one spanning the rest
            self._committed = 0
            self._set_start = self._last_rep = t
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
            self.recorder.set_started(planned, self._clock.wall(t))
            self.countdown.reset()
            self._breath = None
            if planned.flow and self.breathing:
                cow, cat = (self.library[p].name.lower() for p in planned.template.phases[::-1])
                self._breath = BreathPace(into=cow, out_to=cat)
                self._breaths_said = 0
            if self.speak_cautions:
                self._say(list(planned.template.cautions))

    def _end_current(self, reason: StopReason) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        if self.runner.phase != Phase.EXERCISE or self._processor is None:
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

    def _commit(self, segments: Sequence[Segment]) -> None:
        """Store each hold once it has ended."""
        for s in segments[self._committed :]:
            self.recorder.hold(self._clock.wall(s.start), self._clock.wall(s.end))
        self._committed = max(self._committed, len(segments))

    def _shared_detector(self) -> PoseDetector:
        """The session's one detector; it makes the silhouette if any set needs it."""
        if self._detector is None:
            mask = any(needs_mask(p.template, self.library) for p in self.runner.plan)
            self._detector = PoseDetector("video", segmentation=mask)
        return self._detector

    def _new_processor(self, template: Template, side: str | None = None) -> FrameProcessor:
        """A processor for the set, on the session's own detector (no graph is built)."""
        return FrameProcessor(
            template, self.library, detector=self._shared_detector(), crowd=self._crowd, side=side
        )

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
            "upcoming": planned.label if planned and runner.phase == Phase.REST else "",
            "breath": "",
        }
        if self._breath is not None and runner.phase == Phase.EXERCISE and not runner.paused:
            half, done = self._breath.phase(t)
            fields["breath"] = f"{half} {done:.2f}"
        if result is not None:
            verdict = result.verdict
            if runner.phase == Phase.SETUP:
                fields["setup_message"] = self._looks or (
                    None if verdict.seen else verdict.correction
                )
            else:
                fields.update(
                    held=result.held,
                    current_hold=result.current_hold,
                    reps=result.reps,
                    holding=result.holding,
                    target_met=result.target_met,
                    status=verdict.status,
                    correction=None if verdict.in_range else self._looks or verdict.correction,
                    refinement=verdict.refinement if verdict.in_range else None,
                )
        if now is not None:  # a frame the pose model looked at
            fields["frames"] = self.state.read().frames + 1
            if len(self._times) > 1:
                fields["fps"] = (len(self._times) - 1) / max(self._times[-1] - self._times[0], 1e-6)
            fields["latency_ms_p95"] = 1000 * float(np.percentile(self._latency, 95))
        if runner.phase in (Phase.DONE, Phase.STOPPED):
            if runner.phase == Phase.STOPPED:
                fields["outcome"] = f"Stopped: {runner.tally()}."
            elif runner.all_done:
                fields["outcome"] = f"Routine complete: {runner.tally()}. Well done."
            else:
                fields["outcome"] = f"Routine over: {runner.tally()}."
        if runner.paused:  # one state on screen: nothing is timed or judged while paused
            fields.update(holding=False, status="", correction=None)
        if self.state.read().alert is not None and t > self.state.read().alert_until:
            fields["alert"] = None
        connect, first = self._connect_at, self._first_frame_at
        if connect is not None and first is not None and first >= connect:
            fields["first_frame_s"] = first - connect
        self.state.update(**fields)


def _achieved(done: FinishedSet) -> str:
    """What a finished set achieved, in words: '12 repetitions' or '30.1 s held'."""
    summary = done.summary
    if done.planned.flow or summary.target_reps > 1:
        return f"{summary.reps} repetitions"
    return f"{summary.held:.1f} s held"


def _label(frame: np.ndarray, text: str) -> None:
    """A plain banner at the top of a frame the pose model does not look at."""
    h, w = frame.shape[:2]
    scale = max(h, w) / 640.0
    cv2.rectangle(frame, (0, 0), (w, int(40 * scale)), (30, 30, 30), -1)
    cv2.putText(
        frame,
        text,
        (int(10 * scale), int(27 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.7 * scale,
        (255, 255, 255),
        2,
        cv2.LINE_AA,
    )
