"""Custom templates measured from a photo of good form (``poseguide template from-photo``).

Flexibility differs between people: a physiotherapist, or the user on a good day, is
photographed in the pose and each check's range is centred on the measured value, keeping
the base template's checks, cues, cautions and target. The result is plain TOML that loads
and validates like any shipped template.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np

from poseguide.core import checker
from poseguide.core.landmarks import PoseFrame
from poseguide.core.measures import MEASURES
from poseguide.core.templates import Library, Template, TemplateError

# Tolerance is given in degrees; other measures use the checker's equivalent units.
_UNIT = {"ratio": 0.2 / 10.0, "curve": 0.05 / 10.0}


def best_base(frame: PoseFrame, library: Library) -> Template:
    """The pose template the photo fits best (fewest, smallest deviations)."""

    def misfit(t: Template) -> float:
        return checker.misfit(checker.check(frame, t))

    if not library.poses():
        raise TemplateError("no pose templates to base the new one on")
    best = min(library.poses(), key=misfit)
    if not np.isfinite(misfit(best)):
        raise TemplateError(
            "the photo does not show the joints any template needs; "
            "give --base ID and a photo with the whole body in view"
        )
    return best


def centred(frame: PoseFrame, base: Template, new_id: str, tolerance: float) -> Template:
    """``base`` with every range re-centred on the photo's values, +- ``tolerance``."""
    if base.is_flow:
        raise TemplateError(
            f"--base {base.id}: a flow has no ranges of its own; give one of "
            f"its poses ({', '.join(base.phases)}) as --base"
        )
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise TemplateError(
            f"--tolerance: expected a positive number of degrees, got {tolerance!r}"
        )
    verdict = checker.check(frame, base)
    if not verdict.seen:
        raise TemplateError(f"cannot measure {base.id} in this photo: {verdict.correction}")
    checks = []
    for r in verdict.results:
        c = r.check
        half = tolerance * _UNIT.get(c.measure, 1.0)
        low, high = MEASURES[c.measure].limits
        checks.append(
            replace(
                c, low=round(max(low, r.value - half), 3), high=round(min(high, r.value + half), 3)
            )
        )
    return replace(
        base,
        id=new_id,
        name=f"{base.name} ({new_id})",
        checks=tuple(checks),
        measured=False,
        path=None,
    )


def to_toml(t: Template) -> str:
    """TOML text of a hold template (strings JSON-quoted, which TOML accepts)."""
    q = json.dumps
    lines = [
        f"id = {q(t.id)}",
        f"name = {q(t.name)}",
        f"view = {q(t.view)}",
        f"kind = {q(t.kind)}",
        f"working_side = {q(t.working_side)}",
        f"posture = {q(t.posture)}",
        "measured = false",
        f"how_to = {q(t.how_to)}",
        f"cautions = [{', '.join(q(c) for c in t.cautions)}]",
        f"required = [{', '.join(q(r) for r in t.required)}]",
        "",
        "[target]",
        f"hold_s = {t.target.hold_s:g}",
        f"hold_max_s = {t.target.hold_max_s:g}",
        f"reps = {t.target.reps}",
        f"reps_max = {t.target.reps_max}",
        f"per_side = {str(t.target.per_side).lower()}",
        f"sets_per_side = {t.target.sets_per_side}",
    ]
    for c in t.checks:
        lines += [
            "",
            "[[checks]]",
            f"id = {q(c.id)}",
            f"name = {q(c.name)}",
            f"measure = {q(c.measure)}",
            f"points = [{', '.join(q(p) for p in c.points)}]",
            f"range = [{c.low:g}, {c.high:g}]",
            f"too_low = {q(c.too_low)}",
            f"too_high = {q(c.too_high)}",
            f"why = {q('Centred on a photo of good form. ' + c.why)}",
            f"weight = {c.weight:g}",
            f"key = {str(c.key).lower()}",
            f"tier = {q(c.tier.value)}",
        ]
        if c.either:
            lines.append(f"either = {q(c.either)}")
    return "\n".join(lines) + "\n"
