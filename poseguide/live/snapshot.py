"""What the page shows, worked out from the routine and the last frame: the snapshot's fields,
the outcome of a routine in words, and the banner on a video frame no set judges."""

from __future__ import annotations

from dataclasses import replace

from poseguide.core.session import FrameResult
from poseguide.live.coach import Cue, CueKind
from poseguide.live.recorder import FinishedSet
from poseguide.live.routine import Phase, RoutineRunner
from poseguide.live.state import Breath, Snapshot

PHASE_LABELS = {
    Phase.IDLE: "Waiting to begin",
    Phase.STOPPED: "Stopped",
}  # drawn on the video when no set runs
# A paused routine in the same words on the video and in the status panel: paused, and how
# to go on (the hint stands where a set's cue stands on the video, so no old cue is left).
PAUSED_TITLE = "Paused. Press Resume to go on."
PAUSED_HINT = "Or press Space, or hold both hands above your head for 2 s"


def video_label(runner: RoutineRunner) -> str:
    """What the video says across its top when no set runs (paused, waiting, stopped, done):
    "... complete" only if every set was done."""
    if runner.paused:
        return PAUSED_TITLE
    if runner.phase == Phase.DONE:
        return runner.ending().split(":")[0]
    return PHASE_LABELS[runner.phase]


def achieved(done: FinishedSet) -> str:
    """What a finished set achieved, in words: '12 repetitions' or '30.1 s held'."""
    summary = done.summary
    if done.planned.flow or summary.target_reps > 1:
        return f"{summary.reps} repetitions"
    return f"{summary.held:.1f} s held"


def fresh_set(shown: Snapshot) -> Snapshot:
    """A new set begins with nothing held, counted or said."""
    return replace(
        shown,
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


def routine_shown(
    shown: Snapshot,
    runner: RoutineRunner,
    t: float,
    result: FrameResult | None,
    *,
    breath: Breath | None,
    cue: Cue | None = None,
) -> Snapshot:
    """``shown`` brought to the routine at frame time ``t`` and this frame's result (None
    when no set judged it); ``cue`` is the cue channel's (what the voice said), the one shown:
    the set's, or in the camera check its own (how to get into view)."""
    planned = runner.current
    s = replace(
        shown,
        phase=runner.phase,
        paused=runner.paused,
        pose=planned.template.name if planned else "",
        side=planned.side if planned else None,
        position=f"{planned.number} of {planned.total}" if planned else "",
        target=planned.target_text if planned else "",
        flow=planned.flow if planned else False,
        target_reps=planned.template.target.reps if planned else 1,
        rest_left=runner.rest_left(t),
        upcoming=planned.label if planned and runner.phase == Phase.REST else "",
        breath=breath,
    )
    if s.alert is not None and t > s.alert_until:
        s = replace(s, alert=None)
    if result is not None:
        verdict = result.verdict
        if runner.phase == Phase.SETUP:
            s = replace(s, setup_message=cue.text if cue else None)
        else:
            s = replace(
                s,
                held=result.held,
                current_hold=result.current_hold,
                reps=result.reps,
                holding=result.holding,
                target_met=result.target_met,
                status=verdict.status,
                correction=cue.text if cue and cue.kind == CueKind.CORRECTION else None,
                refinement=cue.text if cue and cue.kind == CueKind.REFINEMENT else None,
            )
    if runner.phase in (Phase.STOPPED, Phase.DONE):
        well = " Well done." if runner.phase == Phase.DONE and runner.all_done else ""
        s = replace(s, outcome=f"{runner.ending()}.{well}")
    if runner.paused:  # one state on screen: nothing is timed or judged while paused
        s = replace(s, holding=False, status="", correction=None)
    return s
