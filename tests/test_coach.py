"""The coach's words besides corrections: what comes next, the countdown at the end of a hold
and the breathing pace of a flow, stepped with fake timestamps."""

from __future__ import annotations

from dataclasses import replace

import pytest

from poseguide.core.templates import Library
from poseguide.live import routine as lv_routine
from poseguide.live.coach import (
    CUE_AFTER_S,
    CUE_COOLDOWN_S,
    FLOW_CUE_AFTER_S,
    SAME_CUE_REPEAT_S,
    BreathPace,
    Countdown,
    Cue,
    CueChannel,
    CueKind,
    how_to_line,
    next_words,
)


def test_next_names_the_pose_side_and_target(library: Library) -> None:
    plan, _ = lv_routine.plan_routine(lv_routine.BASIC_ROUTINE, library)
    words = [next_words(p.template, p.side) for p in plan]
    assert "Next: single knee to chest, left side, hold 20 seconds" in words
    assert "Next: single knee to chest, right side, hold 20 seconds" in words
    assert words[0] == "Next: child's pose, hold 60 seconds"
    assert "Next: cat-cow flow, 15 repetitions" in words
    assert words[-1] == "Next: pelvic tilt, 10 holds of 5 seconds"


def test_how_to_line_is_the_first_sentence(library: Library) -> None:
    line = how_to_line(library["cat"].how_to)
    assert line.startswith("From hands and knees") and line.endswith(".") and "  " not in line
    assert line.count(". ") == 0


def run(countdown: Countdown, target_s: float, lefts: list[float | None]) -> list[str]:
    return [w for left in lefts for w in countdown.update(left, target_s)]


def test_countdown_says_ten_then_three_two_one_once_each() -> None:
    lefts = [20 - 0.1 * i for i in range(201)]  # a 20 s hold at 10 frames/s
    assert run(Countdown(), 20, lefts) == ["10 seconds left", "3", "2", "1"]


def test_countdown_skips_marks_above_a_short_target_and_when_off() -> None:
    lefts = [5 - 0.1 * i for i in range(51)]
    assert run(Countdown(), 5, lefts) == ["3", "2", "1"]
    assert run(Countdown(enabled=False), 20, [20 - 0.1 * i for i in range(201)]) == []


def test_countdown_rearms_when_the_hold_goes_back_and_is_silent_while_not_holding() -> None:
    c = Countdown()
    assert run(c, 30, [12.0, 10.0, 9.5]) == ["10 seconds left"]
    assert run(c, 30, [None, None]) == []  # the hold broke
    assert run(c, 30, [14.0, 12.0, 10.0]) == ["10 seconds left"]  # said again on the new hold
    # A hold resumed below a mark does not say it late.
    c = Countdown()
    assert run(c, 30, [1.5, 1.0, 0.5]) == ["2", "1"]


@pytest.mark.parametrize("fps", [5, 15, 30])
def test_breath_pace_alternates_at_the_slow_tempo(fps: int) -> None:
    pace = BreathPace(into="cow", out_to="cat")
    said = [(i / fps, w) for i in range(int(16 * fps)) if (w := pace.update(i / fps))]
    assert [w for _, w in said] == ["Breathe in, cow", "Breathe out, cat"] * 2
    assert [t for t, _ in said] == pytest.approx([0, 4, 8, 12], abs=1 / fps)
    assert pace.phase(8 + 2) == ("in", pytest.approx(0.5))
    pace.reset()
    assert pace.update(100.0) == "Breathe in, cow"


def test_user_target_changes_what_is_announced(library: Library) -> None:
    sphinx = library["sphinx"]
    longer = replace(sphinx, target=replace(sphinx.target, hold_s=45))
    assert next_words(longer, None) == "Next: sphinx, hold 45 seconds"


# --------------------------------------------------------------------------- the cue channel

KNEES = Cue("Bring your knees under your hips", CueKind.CORRECTION)
HANDS = Cue("Place your hands right under your shoulders", CueKind.CORRECTION)
CHIN = Cue("Tuck your chin a little", CueKind.REFINEMENT)


def feed(channel: CueChannel, wanted: Cue | None, start: float, end: float, fps: float):
    """(time, said, shown) at each frame from ``start`` to before ``end``."""
    out = []
    n = round((end - start) * fps)
    for i in range(n):
        t = start + i / fps
        out.append((t, channel.update(wanted, t), channel.shown))
    return out


@pytest.mark.parametrize("fps", [3, 10, 30])
def test_a_cue_is_shown_and_said_together_once_it_has_lasted(fps: int) -> None:
    channel = CueChannel()
    frames = feed(channel, KNEES, 0.0, 5.0, fps)
    said = [(t, s) for t, s, _ in frames if s]
    assert len(said) == 1 and said[0][1] == KNEES.text
    assert CUE_AFTER_S <= said[0][0] < CUE_AFTER_S + 1 / fps + 1e-9
    # Nothing is on screen before it is said, and it stays on screen from then on.
    assert all((shown is None) == (t < said[0][0]) for t, _, shown in frames)
    assert {shown for _, _, shown in frames} == {None, KNEES}


def test_a_flow_waits_longer_than_a_move_before_its_cue() -> None:
    channel = CueChannel(flow=True)
    said = [(t, s) for t, s, _ in feed(channel, KNEES, 0.0, 5.0, 10) if s]
    assert said == [(FLOW_CUE_AFTER_S, KNEES.text)]


def test_cues_keep_a_cooldown_and_the_screen_keeps_the_cue_said_until_the_next_one() -> None:
    channel = CueChannel()
    feed(channel, KNEES, 0.0, 2.0, 10)  # said at 1.0
    frames = feed(channel, HANDS, 2.0, 10.0, 10)
    said = [(round(t, 6), s) for t, s, _ in frames if s]
    assert said == [(1.0 + CUE_COOLDOWN_S, HANDS.text)]  # not before the cooldown
    # While the new one waits, the form is still out: the cue said stays (never one unsaid).
    assert all(shown in (KNEES, HANDS) for _, _, shown in frames)
    assert all(shown == HANDS for t, _, shown in frames if t >= 1.0 + CUE_COOLDOWN_S)


def test_form_put_right_clears_the_cue_and_a_refinement_is_said_like_a_correction() -> None:
    channel = CueChannel()
    feed(channel, KNEES, 0.0, 2.0, 10)
    assert channel.update(None, 2.0) is None and channel.shown is None
    frames = feed(channel, CHIN, 2.1, 9.0, 10)
    said = [(round(t, 6), s) for t, s, _ in frames if s]
    assert said == [(1.0 + CUE_COOLDOWN_S, CHIN.text)]
    # In form (a refinement wanted) the old correction is not shown while the refinement waits.
    assert all(shown in (None, CHIN) for _, _, shown in frames)


def test_a_cue_heard_lately_comes_back_on_screen_silently_and_repeats_after_a_while() -> None:
    channel = CueChannel()
    feed(channel, KNEES, 0.0, 2.0, 10)  # said at 1.0
    channel.update(None, 2.0)
    assert channel.update(KNEES, 2.1) is None and channel.shown == KNEES  # just heard
    frames = feed(channel, KNEES, 2.2, 20.0, 10)
    said = [round(t, 6) for t, s, _ in frames if s]
    assert said == [1.0 + SAME_CUE_REPEAT_S]  # still wanted: said again, once
    assert channel.said == {KNEES.text: 2}
