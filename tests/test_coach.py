"""The coach's words besides corrections: what comes next, the countdown at the end of a hold
and the breathing pace of a flow, stepped with fake timestamps."""

from __future__ import annotations

from dataclasses import replace

import pytest

from poseguide.core.templates import Library
from poseguide.live import routine as lv_routine
from poseguide.live.coach import BreathPace, Countdown, how_to_line, next_words


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
