"""The set in progress, from its first frame to its row in History.

:class:`LiveSession` decides when a set opens and ends (the routine's phases, the page's
buttons); this does the set itself: it lends the set a pose reader, sends each judged frame's
events to the page's sounds and to History, lets the coach speak, and finishes the set with a
reason. Each collaborator comes in as a keyword argument, so a test can drive a set alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import partial

from poseguide.core.session import FrameResult
from poseguide.core.timer import Event, EventKind
from poseguide.history.records import StopReason
from poseguide.live.event_sounds import ALERTS, sounds
from poseguide.live.frame_stats import FrameStats
from poseguide.live.other_pose import OtherPoseWatch
from poseguide.live.pose_readers import PoseReaders
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.live.routine import PlannedSet
from poseguide.live.set_coach import SetCoach
from poseguide.live.set_history import SetHistory
from poseguide.live.snapshot import fresh_set
from poseguide.live.state import LiveState

ALERT_SHOW_S = 4.0  # how long "too fast" or "do not bounce" stays on screen


class CurrentSet:
    def __init__(
        self,
        *,
        readers: PoseReaders,
        recorder: HistoryRecorder,
        history: SetHistory,
        coach: SetCoach,
        other_pose: OtherPoseWatch,
        stats: FrameStats,
        state: LiveState,
        speak_cautions: bool = False,
    ) -> None:
        self.readers = readers
        self.recorder = recorder
        self.history = history
        self.coach = coach
        self.other_pose = other_pose
        self.stats = stats
        self.state = state
        self.speak_cautions = speak_cautions
        self.finished: list[FinishedSet] = []

    @property
    def open(self) -> bool:
        return self.readers.processor is not None

    def start(self, planned: PlannedSet, serial: int, t: float) -> None:
        """A new set (or a repeat of one, ``serial`` tells them apart) from frame time ``t``."""
        self.readers.open(planned.template, planned.side, serial)
        self.stats.new_set()
        self.state.update(fresh_set)
        self.history.started(planned, t)
        self.coach.new_set(planned)
        if self.speak_cautions:
            self.state.say(planned.template.cautions)

    def judge(self, result: FrameResult, t: float) -> bool:
        """One judged frame of the set: its events to the page and History, the coach's
        words; whether the set's target is met."""
        processor = self.readers.processor
        assert processor is not None
        flow = processor.set.flow
        self.history.frame(result)
        for e in result.events:
            if e.kind == EventKind.CUE:
                continue  # the set's own choice of cue: the coach's cue channel speaks instead
            self.history.event(e, flow, result.current_hold)
            for kind, text in sounds(e, flow):
                self.state.push(kind, text)
            if e.kind in ALERTS:
                self.state.update(partial(replace, alert=e.text, alert_until=t + ALERT_SHOW_S))
        self.history.holds(processor.set.segments)
        for kind, text in self.coach.update(result, t, looks=self.other_pose.words):
            self.state.push(kind, text)
        if self.coach.cue_said:  # kept in History as the correction the user heard
            self.history.event(Event(EventKind.CUE, t, self.coach.cue_said), flow, 0.0)
        return result.target_met

    def end(self, planned: PlannedSet | None, reason: StopReason) -> FinishedSet | None:
        """Finish the set in progress (if any) and store it with ``reason``."""
        processor = self.readers.processor
        if processor is None:
            return None
        # The corrections kept are the ones said (the set's own count chose differently).
        summary = replace(processor.finish(), corrections=Counter(self.coach.cues.said))
        self.readers.close_set()
        if planned is None:
            return None
        done = self.history.ended(planned, summary, reason)
        self.finished.append(done)
        return done

    def mark_sharp_pain(self, done: FinishedSet) -> None:
        """``done`` was stopped for sharp pain (the page's answer after Stop)."""
        if done.reason == StopReason.SHARP_PAIN:
            return
        if done.set_id is not None:
            self.recorder.mark_sharp_pain(done.set_id, done.ended_at)
        done.reason = StopReason.SHARP_PAIN

    def discard(self) -> None:
        """Drop the attempt in progress: no row, no time kept (Repeat)."""
        if self.readers.processor is not None:
            self.readers.close_set()
            self.recorder.discard_set()
