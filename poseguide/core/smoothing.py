"""One-Euro filter for angle vectors in video mode, so a verdict does not flicker.

Casiez et al. 2012: a low-pass whose cut-off rises with speed, so slow drifts are smoothed
hard while real movements pass with little lag. Driven by frame timestamps, not frame counts:
the paper's smoothing factor ``dt / (dt + tau)`` holds only for small steps (at 3 frames/s a
value settled 40 % slower, per second, than at 30), so a step here keeps of the old value what
that factor keeps in one ``TUNED_DT`` step, raised to the number of such steps it spans. The
filter, tuned on 30 frames/s video, then smooths a second of video alike at any rate.
"""

from __future__ import annotations

import math

import numpy as np

from poseguide.core.landmarks import Floats

TUNED_DT = 1.0 / 30.0  # the frame step the parameters were tuned at


def _alpha(cutoff: Floats | float, dt: float) -> Floats:
    """The weight of a new value after a step of ``dt`` seconds, for a cut-off in Hz."""
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
    return np.asarray(1.0 - (tau / (tau + TUNED_DT)) ** (dt / TUNED_DT), dtype=np.float64)


class OneEuro:
    """Filters a fixed-length vector; NaNs (unseen values) pass through and reset that entry."""

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.02, d_cutoff: float = 1.0):
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._t: float | None = None
        self._x: Floats | None = None
        self._dx: Floats | None = None

    def reset(self) -> None:
        self._t = self._x = self._dx = None

    def __call__(self, t: float, x: Floats) -> Floats:
        x = np.asarray(x, dtype=np.float64)
        if (
            self._x is None
            or self._dx is None
            or self._t is None
            or t <= self._t
            or self._x.shape != x.shape
        ):
            self._t, self._x, self._dx = t, x.copy(), np.zeros_like(x)
            return np.array(x, dtype=np.float64)
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff, dt)
        dx_hat = a_d * dx + (1.0 - a_d) * self._dx
        a = _alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
        out = a * x + (1.0 - a) * self._x
        fresh = np.isnan(self._x) | np.isnan(out)  # an entry that just came back into view
        out = np.where(fresh, x, out)
        dx_hat = np.where(fresh, 0.0, dx_hat)
        self._t, self._x, self._dx = t, out, dx_hat
        return np.array(out, dtype=np.float64)
