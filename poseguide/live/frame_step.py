"""What one webcam frame does, by the routine's phase: a banner where no set runs (waiting,
paused, resting, over), the rest's end, the hands-up gesture, the camera check and its handoff
to the first set, and the set's judging of the frame up to its target.

:class:`~poseguide.live.session.LiveSession` keeps the frame's clock, lock and errors and
publishes the result; this holds the step itself, so the order of those checks is read in one
place. Each collaborator comes in as a keyword argument, so a test can step frames alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from poseguide.core.session import FrameResult
from poseguide.history.records import StopReason
from poseguide.live.camera_check import CameraCheck
from poseguide.live.current_set import CurrentSet
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pause_gesture import PauseGesture
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.routine import ACTIVE, Phase, RoutineRunner
from poseguide.live.set_changes import SetChanges
from poseguide.live.snapshot import PAUSED_HINT, achieved, video_label
from poseguide.live.state import SAY_CORRECTION, LiveState
from poseguide.vision.overlay import bottom_banner, top_banner


class FrameStep:
    def __init__(
        self,
        *,
        runner: RoutineRunner,
        readers: PoseReaders,
        changes: SetChanges,
        current: CurrentSet,
        camera_check: CameraCheck,
        gesture: PauseGesture,
        other_pose: OtherPoseWatch,
        state: LiveState,
    ) -> None:
        self.runner = runner
        self.readers = readers
        self.changes = changes
        self.current = current
        self.camera_check = camera_check
        self.gesture = gesture
        self.other_pose = other_pose
        self.state = state
        self.analysed = False  # whether the pose model looked at the last frame

    def run(self, bgr: np.ndarray, t: float) -> FrameResult | None:
        """Step the routine on the frame ``bgr`` at frame time ``t``, drawing on it in place;
        the frame's result when it is shown as judged (camera check or set), else None."""
        self.analysed = False
        runner = self.runner
        if runner.paused and runner.phase in ACTIVE:
            # Paused: only the detector looks, for the hands-up gesture that resumes.
            self._watch_gesture(bgr, t)
        if runner.paused or runner.phase in (Phase.IDLE, Phase.DONE, Phase.STOPPED):
            self._banners(bgr)
            return None
        if runner.phase == Phase.REST:
            self.changes.follow(runner.tick(t), t)
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
        self.analysed = True
        said = self.gesture.seen(result.frame, t)
        if said is not None:
            self.state.say(said)
            if runner.paused:  # paused on this frame: its cue, drawn already, is not true now
                self._banners(bgr)
            return result
        planned = runner.current
        self.other_pose.update(result, planned.template if planned else None, t)
        if runner.phase == Phase.SETUP:
            return result if self._check_setup(result, t) else None
        self._judge(result, t)
        return result

    def _banners(self, bgr: np.ndarray) -> None:
        """What the video says where no set runs; paused, also how to go on (over any cue)."""
        top_banner(bgr, video_label(self.runner))
        if self.runner.paused:
            bottom_banner(bgr, PAUSED_HINT)

    def _watch_gesture(self, bgr: np.ndarray, t: float) -> None:
        """Where no set is judged (paused, resting), the detector alone looks for the gesture."""
        if self.gesture.gesture is not None:
            self.analysed = True
            self.state.say(self.gesture.look(self.readers.detector, bgr, t) or [])

    def _check_setup(self, result: FrameResult, t: float) -> bool:
        """Whether the camera check goes on; once it passes, the first set begins."""
        passed, say = self.camera_check.update(result.verdict, t)
        if say:  # the instruction on screen, queued like a set's cue
            self.state.push(SAY_CORRECTION, say)
        if not passed:
            return True
        self.readers.close_set()
        self.changes.follow(self.runner.setup_ok(t), t)
        return False

    def _judge(self, result: FrameResult, t: float) -> None:
        """The set judges the frame; at its target it is stored and the routine moves on."""
        if not self.current.judge(result, t):
            return
        done = self.changes.end_set(StopReason.COMPLETED)
        if done is not None:
            notice = f"Target reached: {done.planned.label}, {achieved(done)}."
            self.state.update(lambda s: replace(s, notice=notice))
        self.changes.follow(self.runner.set_done(t), t)
