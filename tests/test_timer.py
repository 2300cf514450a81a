"""Every transition of the hold timer, rep counter and bounce detector, on synthetic times."""

import math

import pytest

from poseguide.core.timer import (
    BOUNCING,
    HOLD_START,
    PAUSED,
    REP,
    TARGET,
    TOO_FAST,
    BounceDetector,
    HoldTimer,
    RepCounter,
)

DT = 1 / 30


def run(timer, spans):
    """Feed (seconds, in_range) spans at 30 fps; return all events."""
    events = []
    t = getattr(timer, "_t_feed", 0.0)
    for seconds, ok in spans:
        for _ in range(round(seconds / DT)):
            t += DT
            events += timer.update(t, ok)
    timer._t_feed = t
    return events


def kinds(events):
    return [e.kind for e in events]


def test_settle_then_hold_dated_from_entry():
    timer = HoldTimer(target_s=30, settle_s=0.5)
    events = run(timer, [(1.0, False), (0.4, True)])
    assert events == [] and not timer.holding and timer.held == 0
    events = run(timer, [(0.2, True)])
    assert kinds(events) == [HOLD_START]
    assert events[0].t == pytest.approx(1.0 + 0.5 + DT, abs=DT)
    run(timer, [(2.0, True)])
    assert timer.held == pytest.approx(2.6 - DT, abs=0.05)  # counted from entering the range


def test_short_settle_interrupted_adds_nothing():
    timer = HoldTimer(target_s=30, settle_s=0.5)
    run(timer, [(0.3, True), (0.3, False), (0.3, True), (0.3, False)])
    assert timer.held == 0 and timer.segments == []


def test_grace_bridges_a_brief_dip():
    timer = HoldTimer(target_s=30, settle_s=0.5, grace_s=1.0)
    events = run(timer, [(3.0, True), (0.6, False), (3.0, True)])
    assert kinds(events) == [HOLD_START]
    assert timer.held == pytest.approx(6.6 - DT, abs=0.05)  # the dip is inside the hold


def test_long_dip_pauses_and_is_not_counted():
    timer = HoldTimer(target_s=30, settle_s=0.5, grace_s=1.0)
    events = run(timer, [(3.0, True), (2.0, False), (3.0, True)])
    assert kinds(events) == [HOLD_START, PAUSED, HOLD_START]
    (first,) = timer.segments
    assert first.seconds == pytest.approx(3.0 - DT, abs=0.01)
    assert events[1].t == pytest.approx(first.end)  # dated at the last in-range frame
    assert timer.held == pytest.approx(6.0 - 2 * DT, abs=0.05)


def test_unseen_person_pauses():
    timer = HoldTimer(target_s=30)
    run(timer, [(2.0, True), (5.0, False)])
    assert not timer.holding and len(timer.segments) == 1


def test_target_event_once_on_total_held():
    timer = HoldTimer(target_s=5, settle_s=0.5, grace_s=0.5)
    events = run(timer, [(3.0, True), (1.0, False), (3.0, True), (2.0, True)])
    assert kinds(events).count(TARGET) == 1
    target = next(e for e in events if e.kind == TARGET)
    # 3 s in the first hold, so 2 more seconds of the second hold (which starts at ~4 s)
    assert target.t == pytest.approx(4.0 + 2.0, abs=0.1)
    assert timer.target_met


def test_rep_holds_count_each_long_enough_hold():
    timer = HoldTimer(target_s=2, reps=3, settle_s=0.5, grace_s=0.5)
    events = run(
        timer,
        [
            (2.5, True),
            (1.0, False),
            (1.5, True),
            (1.0, False),
            (2.5, True),
            (1.0, False),
            (2.5, True),
        ],
    )
    assert kinds(events).count(REP) == 3  # the 1.5 s hold is too short
    assert kinds(events).count(TARGET) == 1 and timer.reps == 3


def test_time_going_backwards_or_repeating_adds_nothing():
    timer = HoldTimer(target_s=30, settle_s=0.5)
    for t in [0.0, 0.1, 0.2, 0.3, 0.6, 1.0]:
        timer.update(t, True)
    held = timer.held
    assert timer.update(0.5, True) == [] and timer.update(1.0, True) == []
    assert timer.held == held


def test_stalled_camera_gap_never_adds_time():
    timer = HoldTimer(target_s=30, settle_s=0.5, max_gap_s=0.75)
    run(timer, [(3.0, True)])
    before = timer.held
    timer._t_feed += 20.0  # the camera stalls for 20 s
    run(timer, [(0.2, True)])
    assert timer.segments[0].seconds == pytest.approx(before, abs=1e-9)
    assert timer.held < before + 0.25


def test_finish_closes_the_open_hold():
    timer = HoldTimer(target_s=30)
    run(timer, [(2.0, True)])
    assert kinds(timer.finish()) == [PAUSED]
    assert len(timer.segments) == 1 and not timer.holding


def flow(counter, spans):
    """Feed (phase, seconds) spans at 30 fps to a repetition counter; return all events."""
    return run(counter, [(seconds, phase) for phase, seconds in spans])


def test_rep_counter_counts_pairs_and_flags_speed():
    counter = RepCounter(target=2, min_phase_s=1.5, confirm_s=0.3)
    events = flow(
        counter,
        [("cat", 2), (None, 0.5), ("cow", 2), ("cat", 2), ("cow", 0.8), ("cat", 2)],
    )
    assert counter.reps == 2  # cat-cow, cat-cow
    assert kinds(events).count(REP) == 2 and kinds(events).count(TARGET) == 1
    assert kinds(events).count(TOO_FAST) == 1  # the 0.8 s cow
    assert counter.entries == 5


def test_rep_counter_does_not_count_a_rushed_repetition():
    counter = RepCounter(target=10, min_phase_s=1.5, confirm_s=0.3)
    events = flow(
        counter,
        [("cat", 2), ("cow", 2), ("cat", 0.8), ("cow", 2), ("cat", 2), ("cow", 0.8), ("cat", 2)],
    )
    # cat-cow counted; cat(0.8)-cow not; cat-cow counted; the 0.8 s cow is flagged when the
    # next cat starts, and that next repetition will not count
    assert kinds(events).count(TOO_FAST) == 2 and kinds(events).count(REP) == 2
    assert counter.reps == 2 and counter.rushed == 1 and counter.entries == 7


def test_rep_counter_flags_a_rushed_flow_whose_other_position_was_missed():
    """At a low frame rate a quick cow can go unseen: cat, nothing, cat again."""
    counter = RepCounter(target=10, min_phase_s=1.5, confirm_s=0.3)
    spans = [
        ("cat", 1.0),
        (None, 1.2),
        ("cat", 1.0),
        ("cow", 1.0),
        (None, 1.2),
        ("cow", 1.0),
        ("cat", 1.0),
    ]
    events = flow(counter, spans)
    assert kinds(events).count(TOO_FAST) >= 2 and counter.reps == 0


def test_rep_counter_does_not_count_a_quick_position_followed_by_a_pause():
    """A cow seen for 1 s, then 8 s in neither position (the browser test's clip loops this
    way through a sphinx), then cat: a break, not one slow repetition. A real pause of 1.3 s
    between positions (a real clip's) still makes one."""
    for pause, reps in ((8.0, 0), (1.3, 1)):
        counter = RepCounter(target=10, min_phase_s=1.5, confirm_s=0.3)
        events = flow(counter, [("cow", 1.0), (None, pause), ("cat", 3.0)])
        assert counter.reps == reps, pause
        assert kinds(events).count(TOO_FAST) == 0 and counter.entries == 2


def test_rep_counter_ignores_flicker_shorter_than_confirm():
    counter = RepCounter(target=10, min_phase_s=1.0, confirm_s=0.3)
    flow(counter, [("cat", 2), ("cow", 0.2), ("cat", 2)])
    assert counter.entries == 1 and counter.reps == 0


def test_bounce_detected_on_oscillation_not_on_slow_drift():
    b = BounceDetector(amplitude=4, window_s=3, reversals=4)
    events = []
    for i in range(90):  # 1.5 Hz, +-5 degrees for 3 s
        t = i * DT
        events += b.update(t, 40 + 5 * math.sin(2 * math.pi * 1.5 * t))
    assert kinds(events) == [BOUNCING]
    slow = BounceDetector(amplitude=4, window_s=3, reversals=4)
    drift = [slow.update(i * DT, 40 + 10 * i / 90) for i in range(90)]
    assert not any(drift)
    tremor = BounceDetector(amplitude=4, window_s=3, reversals=4)
    small = [
        tremor.update(i * DT, 40 + 1.5 * math.sin(2 * math.pi * 3 * i * DT)) for i in range(90)
    ]
    assert not any(small)
