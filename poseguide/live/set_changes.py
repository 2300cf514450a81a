"""What follows a move of the routine: its words said, then the pose reader the new phase needs
(the camera check's, or the next set's), or at the routine's end none, with History's session
ended; and the set in progress finished with a reason.

The page's buttons and the video's frames both move the routine, so both sides of
:class:`~poseguide.live.session.LiveSession` come here once the runner has moved. Each
collaborator comes in as a keyword argument, so a test can move a routine without a camera.
"""

from __future__ import annotations

from collections.abc import Sequence

from poseguide.history.records import StopReason
from poseguide.live.camera_check import CameraCheck
from poseguide.live.clock import FrameClock
from poseguide.live.current_set import CurrentSet
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import Phase, RoutineRunner
from poseguide.live.state import LiveState


class SetChanges:
    def __init__(
        self,
        *,
        runner: RoutineRunner,
        readers: PoseReaders,
        current: CurrentSet,
        camera_check: CameraCheck,
        recorder: HistoryRecorder,
        clock: FrameClock,
        state: LiveState,
    ) -> None:
        self.runner = runner
        self.readers = readers
        self.current = current
        self.camera_check = camera_check
        self.recorder = recorder
        self.clock = clock
        self.state = state

    def follow(self, said: Sequence[str], t: float) -> None:
        """The runner has just moved at frame time ``t``, saying ``said``: say it, and open
        the processor its phase needs (camera check or a new set)."""
        self.state.say(said)
        runner = self.runner
        planned = runner.current
        if runner.phase in (Phase.DONE, Phase.STOPPED):
            self.readers.close_set()
            if self.clock.last is not None:
                self.recorder.end_session(self.clock.wall(self.clock.last))
            return
        if planned is None:
            return
        if runner.phase == Phase.SETUP and self.readers.processor is None:
            self.camera_check.reset()
            self.readers.open(planned.template)
        elif runner.phase == Phase.EXERCISE and self.readers.serial != runner.serial:
            self.current.start(planned, runner.serial, t)

    def end_set(self, reason: StopReason) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        if self.runner.phase != Phase.EXERCISE:
            return None
        return self.current.end(self.runner.current, reason)
