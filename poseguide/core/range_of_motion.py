"""How far the body moves: a template's key measure (``[key_measure]``) read over each hold,
and over each repetition of a flow, in whole degrees for the progress charts.

A hold gives the measure's median and its best (deepest) value over the frames in form; a flow
gives the range between its two positions per repetition (the difference of the measure's
median in each). Fed the set's FrameResults as they come (live page, ``analyze``), asked once
a hold or repetition has ended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from poseguide.core import checker
from poseguide.core.session import FrameResult
from poseguide.core.templates import Check, KeyMeasure, Library, Template


@dataclass(frozen=True)
class Reading:
    """The key measure over one hold (median, best) or one flow repetition (range), whole
    degrees; None where it was not seen."""

    median: int | None = None
    best: int | None = None
    range: int | None = None


NO_READING = Reading()


class MotionRecorder:
    """Samples of one set's key measure, with their frame times."""

    def __init__(self, template: Template, library: Library) -> None:
        self.key: KeyMeasure | None = template.key_measure
        self.flow = template.is_flow
        self._times: list[float] = []
        self._values: list[float] = []
        self._phases: list[str] = []
        self._since = -math.inf  # a flow's repetition counts the frames after the last one
        self._phase_template: Template | None = None
        self._index = -1
        if self.key is None:
            return
        phase, check_id = self.key.phase_check
        owner = library[phase] if phase else template
        self._index = next(i for i, c in enumerate(owner.checks) if c.id == check_id)
        self._phase_template = owner if self.flow else None

    @property
    def check_id(self) -> str | None:
        """The key measure as stored with the set (``chest_lift``, ``cat.head_down``)."""
        return self.key.check if self.key is not None else None

    def update(self, result: FrameResult) -> None:
        """Keep the key measure of a frame in form (a flow's: in either position)."""
        v = result.verdict
        if self.key is None or not v.in_range:
            return
        if self._phase_template is None:
            if not v.results:
                return
            value = v.results[self._index].value
        else:
            if result.frame is None:
                return
            owner = self._phase_template
            side = checker.working_side(result.frame, owner)
            value = float(checker.measure_checks(result.frame, owner, side)[self._index])
        if math.isfinite(value):
            self._times.append(result.t)
            self._values.append(value)
            self._phases.append(v.template_id)

    def hold(self, start: float, end: float) -> Reading:
        """Median and best over the frames in form between ``start`` and ``end``."""
        if self.key is None:
            return NO_READING
        values = [v for t, v in zip(self._times, self._values, strict=True) if start <= t <= end]
        if not values:
            return NO_READING
        best = max(values) if self.key.deeper == "higher" else min(values)
        return Reading(median=_whole(float(np.median(values))), best=_whole(best))

    def rep(self, t: float) -> Reading:
        """The range between the two positions over the repetition that ended at ``t``:
        the distance between the measure's median in each position."""
        since, self._since = self._since, t
        if self.key is None:
            return NO_READING
        by_phase: dict[str, list[float]] = {}
        for at, value, phase in zip(self._times, self._values, self._phases, strict=True):
            if since < at <= t:
                by_phase.setdefault(phase, []).append(value)
        if len(by_phase) < 2:
            return NO_READING
        a, b = (float(np.median(v)) for v in by_phase.values())
        return Reading(range=_whole(abs(a - b)))


def key_check(template: Template, library: Library) -> Check | None:
    """The check a template's key measure reads (a flow's: in its phase template)."""
    if template.key_measure is None:
        return None
    phase, check_id = template.key_measure.phase_check
    owner = library[phase] if phase else template
    return next((c for c in owner.checks if c.id == check_id), None)


def _whole(value: float) -> int:
    return int(round(value))
