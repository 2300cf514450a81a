"""The player engine: a set driven by fixture frames and their timestamps."""

import math

import pytest
from posefixtures import POSES, make_frame

from poseguide.core.session import ExerciseSet
from poseguide.core.templates import load_library
from poseguide.core.timer import EventKind

LIB = load_library()
DT = 1 / 30


def feed(s, spans, t0=0.0):
    t, results = t0, []
    for pose, seconds in spans:
        for _ in range(round(seconds / DT)):
            t += DT
            frame = (
                make_frame(pose, t=t)
                if isinstance(pose, str)
                else (pose(t) if pose is not None else None)
            )
            results.append(s.update(frame, t))
    return results


def test_hold_counts_only_in_form_and_summary_is_true():
    s = ExerciseSet(LIB["sphinx"], LIB)
    feed(s, [("sphinx", 4.0), ("standing", 2.0), ("sphinx", 3.0)])
    summary = s.finish()
    assert len(summary.segments) == 2
    first, second = summary.segments
    assert first.start == pytest.approx(DT, abs=0.05)
    assert first.end == pytest.approx(4.0, abs=0.1)
    assert second.start == pytest.approx(6.0, abs=0.1)
    assert summary.held == pytest.approx(7.0, abs=0.2)
    assert summary.best_hold == pytest.approx(4.0, abs=0.1)
    assert not summary.target_met


def test_nobody_in_view_pauses_and_asks_to_step_in():
    s = ExerciseSet(LIB["sphinx"], LIB)
    results = feed(s, [("sphinx", 3.0), (None, 4.0)])
    assert not results[-1].holding
    assert results[-1].verdict.correction == "Step into the camera's view"
    cues = [e for r in results for e in r.events if e.kind == EventKind.CUE]
    assert [c.text for c in cues] == ["Step into the camera's view"]
    assert cues[0].t == pytest.approx(4.0, abs=0.1)  # after persisting 1 s


def test_cues_are_rate_limited_and_counted():
    s = ExerciseSet(LIB["sphinx"], LIB)
    low = make_frame(
        "sphinx",
        overrides={
            "shoulder": (0.36, 0.70),
            "elbow": (0.36, 0.80),
            "wrist": (0.2, 0.8),
            "nose": (0.3, 0.66),
        },
    )
    results = feed(s, [(lambda t: low, 30.0)])
    cues = [e for r in results for e in r.events if e.kind == EventKind.CUE]
    # first after 1 s, then the same cue at most every 12 s
    assert [round(c.t) for c in cues] == [1, 13, 25]
    assert s.finish().corrections == {cues[0].text: 3}


def test_target_reached_event():
    s = ExerciseSet(LIB["sphinx"], LIB)
    results = feed(s, [("sphinx", 31.0)])
    targets = [e for r in results for e in r.events if e.kind == EventKind.TARGET]
    assert len(targets) == 1 and targets[0].t == pytest.approx(30.0 + DT, abs=0.1)
    assert results[-1].target_met


def test_bouncing_during_a_hold_is_flagged():
    s = ExerciseSet(LIB["sphinx"], LIB, smooth=False)
    base = POSES["sphinx"]

    def bouncing(t):  # shoulders bob 1.5 Hz: the chest lift angle swings ~+-7 deg
        dy = 0.04 * math.sin(2 * math.pi * 1.5 * t)
        return make_frame(
            "sphinx",
            t=t,
            overrides={
                "shoulder": (base["shoulder"][0], base["shoulder"][1] + dy),
                "nose": (base["nose"][0], base["nose"][1] + dy),
            },
        )

    results = feed(s, [("sphinx", 2.0), (bouncing, 4.0)])
    assert any(e.kind == EventKind.BOUNCING for r in results for e in r.events)
    calm = ExerciseSet(LIB["sphinx"], LIB, smooth=False)
    assert not any(
        e.kind == EventKind.BOUNCING for r in feed(calm, [("sphinx", 6.0)]) for e in r.events
    )


def test_cat_cow_flow_counts_reps_and_flags_hurry():
    s = ExerciseSet(LIB["cat_cow"], LIB)
    spans = [("cat", 2.5), ("tabletop", 0.5), ("cow", 2.5), ("tabletop", 0.5)] * 3
    spans += [("cat", 0.8), ("cow", 0.8), ("cat", 2.5)]
    results = feed(s, spans)
    reps = [e for r in results for e in r.events if e.kind == EventKind.REP]
    assert len(reps) == 3, "the rushed cat-cow does not count"
    assert sum(e.kind == EventKind.TOO_FAST for r in results for e in r.events) == 2
    assert results[-1].phase == "cat"
    summary = s.finish()
    assert summary.reps == 3 and len(summary.rep_times) == 3 and not summary.target_met
    # flows do not nag while moving between positions
    assert not any(e.kind == EventKind.CUE for r in results for e in r.events)


def test_smoothing_keeps_the_verdict_from_flickering_on_noise():
    import numpy as np

    rng = np.random.default_rng(0)
    base = POSES["sphinx"]

    def noisy(t):
        jitter = {
            k: (x + rng.normal(0, 0.004), y + rng.normal(0, 0.004)) for k, (x, y) in base.items()
        }
        return make_frame(jitter, t=t)

    s = ExerciseSet(LIB["sphinx"], LIB)
    results = feed(s, [(noisy, 10.0)])
    assert len(s.finish().segments) == 1
    assert sum(r.holding for r in results) > 0.9 * len(results)


def test_flow_picks_the_phase_with_the_smaller_misfit_in_comparable_units() -> None:
    """Neither phase in range: the flow shows the likelier one's correction. A back curve off
    by 0.04 back lengths (0.8 units) must count for more than an angle off by 5 degrees (0.5
    units); summing raw numbers made 0.04 count as nothing against 5."""
    from poseguide.core.checker import CheckResult, Status, Verdict, misfit
    from poseguide.core.templates import Check

    def verdict(tid: str, check: Check, value: float) -> Verdict:
        return Verdict(Status.OUT_OF_RANGE, tid, "left", (CheckResult(check, value, False),))

    curve = Check("back", "back", "curve", ("shoulder", "hip"), 0.02, 0.2, "Round", "Less")
    angle = Check("neck", "neck", "joint", ("nose", "shoulder", "hip"), 60, 120, "Up", "Down")
    cat = verdict("cat", curve, -0.02)  # 0.04 short of the range
    cow = verdict("cow", angle, 125.0)  # 5 degrees over
    assert misfit(cow) < misfit(cat)
    assert min([cat, cow], key=misfit).template_id == "cow"
    unseen = Verdict(Status.CANNOT_SEE, "cat")
    assert misfit(unseen) == float("inf")


def test_the_side_vote_follows_seconds_not_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """A per-side set turns to "switch sides" the same fraction of a second after the body
    does, at any frame rate. The vote took 0.15 a frame: 0.13 s at 30 frames/s, 1.3 s at 3."""
    from poseguide.core import checker
    from poseguide.core.checker import Status, Verdict
    from poseguide.core.session import _Smoother

    # The "frame" is the side MediaPipe's best-fitting leg is on, always in form.
    monkeypatch.setattr(checker, "working_side", lambda frame, template: frame)
    monkeypatch.setattr(checker, "measure_checks", lambda frame, template, side: None)
    monkeypatch.setattr(
        checker,
        "check",
        lambda frame, template, *_, side=None, **__: Verdict(Status.IN_RANGE, template.id, side),
    )
    template = LIB["knee_to_chest"]
    for fps in (3, 10, 30, 60):
        smoother = _Smoother(template, smooth=False, required="left")
        noticed = None
        for k in range(3 * fps):
            t = k / fps
            judged = smoother.verdict("left" if t < 1.0 else "right", t)
            if noticed is None and judged.status == Status.OUT_OF_RANGE:
                noticed = t
        assert noticed is not None and 1.0 <= noticed <= 1.0 + 0.2 + 1 / fps, fps
