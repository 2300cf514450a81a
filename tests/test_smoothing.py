"""The One-Euro filter smooths in seconds, not in frames."""

import math

import numpy as np
import pytest

from poseguide.core.smoothing import OneEuro


def settle(fps: float, seconds: float = 1.0) -> float:
    """A still value, then a step to 10 held for ``seconds``, filtered at ``fps``."""
    f = OneEuro(beta=0.0)  # a plain low-pass: the speed term aside
    f(0.0, np.array([0.0]))
    steps = round(seconds * fps)
    out = np.array([0.0])
    for k in range(1, steps + 1):
        out = f(k / fps, np.array([10.0]))
    return float(out[0])


def test_the_same_second_is_smoothed_alike_however_many_frames_it_has():
    """The paper's factor dt / (dt + tau) holds for small steps only: over the same 0.4 s it
    let a step of 10 settle to 7.2 at 2.5 frames/s, 8.0 at 5 and 9.0 at 30."""
    at_30 = settle(30, 0.4)
    for fps in (2.5, 5, 10, 60):
        assert settle(fps, 0.4) == pytest.approx(at_30, rel=1e-9), fps


def test_a_30_frames_per_second_step_is_as_tuned():
    """At the rate the filter was tuned at, one step is the paper's: dt / (dt + tau)."""
    dt, tau = 1 / 30, 1 / (2 * math.pi)
    assert settle(30, dt) == pytest.approx(10 * dt / (dt + tau), rel=1e-12)
