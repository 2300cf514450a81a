"""Form verdicts: a pose frame and a template in, in range or not and the one correction out.

The checker is pure. Hysteresis needs the previous verdict, which the caller passes back in:
a check that was in range stays in range until its value leaves the range by more than the
hysteresis margin, so a value sitting on the edge does not toggle the timer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from poseguide.core import angles
from poseguide.core.landmarks import BONES, INDEX, POINT_INDEX, Floats, PoseFrame
from poseguide.core.measures import MEASURES
from poseguide.core.templates import Check, Template, Tier
from poseguide.core.textenum import TextEnum


class Status(TextEnum):
    """What the checker concluded about one frame."""

    IN_RANGE = "in_range"
    OUT_OF_RANGE = "out_of_range"
    CANNOT_SEE = "cannot_see"
    WRONG_VIEW = "wrong_view"
    NO_PERSON = "no_person"


HYSTERESIS = {
    "joint": 3.0,
    "elevation": 3.0,
    "slope": 3.0,
    "relative": 3.0,
    "tilt": 3.0,
    "ratio": 0.05,
    "curve": 0.01,
    "joint3d": 3.0,
    "elevation3d": 3.0,
    "rotation3d": 3.0,
    "facing3d": 3.0,
    "front3d": 3.0,
    "ratio3d": 0.05,
    "along3d": 0.05,
    "turn3d": 3.0,
    "pitch3d": 3.0,
}
MIN_VISIBILITY = 0.4  # with the geometric checks below; lying legs often score 0.4-0.5
EDGE = 0.01  # landmarks this far outside the picture are guesses
# Where a side view ends and a front view begins, in degrees round from facing the camera: a
# side view is trusted down to 45, where 2D and 3D joint angles of the photos differ by 15
# degrees (median); below it they differ by 28-43 (README).
VIEW_SPLIT_TURN = 45.0
SIDE_ON_MAX = 0.65  # without world landmarks: side_on_ratio above this sees chest or back
FRONT_MIN = 0.35  # without world landmarks: side_on_ratio below this sees the side
MIN_TORSO = 0.06  # torso shorter than this fraction of the picture height: too far away

# Looked up in order: "foot" before "index", or the toes (foot_index) would be called hands.
_REGION = {
    "nose": "head", "eye": "head", "ear": "head", "mouth": "head",
    "shoulder": "shoulders", "elbow": "elbows", "foot": "feet", "heel": "feet",
    "ankle": "feet", "wrist": "hands", "pinky": "hands", "index": "hands", "thumb": "hands",
    "hip": "hips", "knee": "knees",
}  # fmt: skip


@dataclass(frozen=True)
class CheckResult:
    check: Check
    value: float
    ok: bool

    @property
    def deviation(self) -> float:
        return self.check.deviation(self.value)

    @property
    def cue(self) -> str | None:
        if self.ok:
            return None
        return self.check.too_low if self.deviation < 0 else self.check.too_high


@dataclass(frozen=True)
class Verdict:
    """``status`` and ``correction`` come from the gate checks only (the pose is held or not,
    and what to change to get into it); ``refinement`` is the cue of the worst refine check,
    given while the gates are in range and the hold keeps counting."""

    status: Status
    template_id: str
    side: str | None = None
    results: tuple[CheckResult, ...] = ()
    correction: str | None = None
    refinement: str | None = None

    @property
    def in_range(self) -> bool:
        return self.status == Status.IN_RANGE

    @property
    def seen(self) -> bool:
        """The person and the needed joints were seen (in or out of range)."""
        return self.status in (Status.IN_RANGE, Status.OUT_OF_RANGE)

    def values(self) -> dict[str, float]:
        return {r.check.id: r.value for r in self.results}


def region(name: str) -> str:
    """The plain-words body region of a landmark name, for messages."""
    for key, word in _REGION.items():
        if key in name:
            return word
    return name


def _join(words: list[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def needed_landmarks(
    template: Template, side: str, names: tuple[str, ...] | None = None
) -> list[str]:
    """Resolved landmark names the template needs to see (or of ``names``)."""
    resolved: list[str] = []
    for n in template.required if names is None else names:
        name = angles.resolve(n, side)
        if name.startswith("mid_"):
            resolved += [f"left_{name[4:]}", f"right_{name[4:]}"]
        else:
            resolved.append(name)
    return list(dict.fromkeys(resolved))


def visibility_problem(frame: PoseFrame, template: Template, side: str) -> str | None:
    """What stops us from judging this frame, in words the user can act on; None if nothing.

    Visibility alone is not trusted (MediaPipe reports ~0.99 for guessed joints): joints must
    also lie inside the picture, the body must not be tiny, and the bones between needed joints
    must have plausible lengths compared with the torso.
    """
    torso = angles.torso_length(frame)
    if torso < MIN_TORSO:
        return "Move closer to the camera so your body fills more of the picture"
    needed = needed_landmarks(template, side)
    # Joints a check uses but the template does not require (say, ankles hidden under the
    # hips in child's pose) may be occluded, but must still lie inside the picture.
    used = needed_landmarks(template, side, tuple(p for c in template.checks for p in c.points))
    outside: list[str] = []
    unsure: list[str] = []
    for name in dict.fromkeys(needed + used):
        x, y = frame.image[INDEX[name]]
        if not (-EDGE <= x <= 1 + EDGE and -EDGE <= y <= 1 + EDGE):
            outside.append(name)
        elif name in needed and frame.visibility[INDEX[name]] < MIN_VISIBILITY:
            unsure.append(name)
    if outside:
        parts = _join([region(n) for n in outside])
        verb = "is" if len({region(n) for n in outside}) == 1 and parts == "head" else "are"
        return f"Move back so your {parts} {verb} in view"
    if unsure:
        return f"Turn or move so the camera can see your {_join([region(n) for n in unsure])}"
    needed_set = set(needed)
    bones = [(a, b) for a, b in _LIMB_BONES if a in needed_set and b in needed_set]
    if bones:
        idx = np.array([[INDEX[a], INDEX[b]] for a, b in bones])
        pts = frame.points
        lengths = np.linalg.norm(pts[idx[:, 0]] - pts[idx[:, 1]], axis=1)
        bad = np.flatnonzero((lengths < 0.1 * torso) | (lengths > 2.5 * torso))
        if bad.size:
            a, b = bones[bad[0]]
            return f"Move so the camera can see your {_join([region(a), region(b)])} clearly"
    return None


# Bones whose lengths are sanity-checked: limbs and the torso sides. Feet are too short and
# too often foreshortened; shoulder-to-shoulder and hip-to-hip are legitimately ~0 side-on.
_LIMB_BONES = tuple(
    (a, b)
    for a, b in BONES
    if "heel" not in a + b and "foot" not in a + b and a.split("_")[0] == b.split("_")[0]
)


def view_problem(frame: PoseFrame, template: Template) -> str | None:
    """Whether the camera sees the body from the direction the template needs, judged by how
    far round the camera sees the body in 3D (``angles.view_turn``). The picture's shoulder
    width over torso length, which a torso pointing at the camera inflates, is used only
    when there are no world landmarks."""
    turn = angles.view_turn(frame)
    if np.isfinite(turn):
        facing = turn < VIEW_SPLIT_TURN
    else:
        ratio = angles.side_on_ratio(frame)
        facing = ratio > SIDE_ON_MAX if template.view == "side" else ratio >= FRONT_MIN
    if template.view == "side" and facing:
        return "Turn side-on to the camera"
    if template.view == "front" and not facing:
        return "Face the camera"
    return None


@dataclass(frozen=True)
class _Compiled:
    """A template's checks for one side as index arrays into PoseFrame.points, grouped by
    measure, so a frame's values come from a few vectorised numpy operations."""

    # (measure, check rows, point indices) per measure kind
    groups: tuple[tuple[str, NDArray[np.intp], NDArray[np.intp]], ...]
    n: int


@lru_cache(maxsize=256)
def _compile(template: Template, side: str) -> _Compiled:
    groups = []
    for kind in dict.fromkeys(c.measure for c in template.checks):
        if kind not in MEASURES:
            raise ValueError(f"{template.id}: unknown measure {kind!r}; known: {list(MEASURES)}")
        rows = [i for i, c in enumerate(template.checks) if c.measure == kind]
        idx = np.array(
            [
                [POINT_INDEX[angles.resolve(p, side)] for p in template.checks[i].points]
                for i in rows
            ]
        )
        groups.append((kind, np.array(rows), idx))
    return _Compiled(tuple(groups), len(template.checks))


def measure_checks(frame: PoseFrame, template: Template, side: str) -> Floats:
    """Every check's raw measured value, in template order (NaN when it cannot be measured)."""
    compiled = _compile(template, side)
    values = np.empty(compiled.n)
    for kind, rows, idx in compiled.groups:
        values[rows] = MEASURES[kind].measure(frame, idx)
    return values


def working_side(frame: PoseFrame, template: Template) -> str:
    """The side plain landmark names refer to: the one facing the camera, or, for sided
    stretches that can be done either way round, the side whose form fits best of those whose
    joints the camera sees (a hidden elbow's guessed place must not pick the side)."""
    facing = angles.facing_side(frame)
    if template.working_side == "facing":
        return facing

    def rank(side: str) -> tuple[bool, float]:
        hidden = visibility_problem(frame, template, side) is not None
        return hidden, total_deviation(template.checks, measure_checks(frame, template, side))

    other = angles.other_side(facing)
    return other if rank(other) < rank(facing) else facing


def judge(
    template: Template,
    side: str,
    values: Floats,
    previous: Verdict | None = None,
) -> Verdict:
    """Compare measured values with the ranges, with hysteresis from ``previous``.

    The pose is in range when every gate check is; the worst failing gate gives the correction.
    While the gates hold, the worst failing refine check gives the refinement."""
    was_ok = {}
    if previous is not None and previous.template_id == template.id:
        was_ok = {r.check.id: r.ok for r in previous.results}
    in_range = []
    for c, v in zip(template.checks, values, strict=True):
        margin = HYSTERESIS[c.measure] if was_ok.get(c.id, False) else 0.0
        in_range.append(bool(c.low - margin <= v <= c.high + margin))
    met = {c.either for c, ok in zip(template.checks, in_range, strict=True) if c.either and ok}
    results = [
        # A gate whose alternative holds is met; a refinement not measured (NaN) has nothing
        # to say.
        CheckResult(
            check=c,
            value=float(v),
            ok=ok or c.either in met or (c.tier == Tier.REFINE and bool(np.isnan(v))),
        )
        for c, v, ok in zip(template.checks, values, in_range, strict=True)
    ]
    gates = [r for r in results if not r.ok and r.check.tier == Tier.GATE]
    if gates:
        return Verdict(Status.OUT_OF_RANGE, template.id, side, tuple(results), _worst(gates).cue)
    refine = [r for r in results if not r.ok]
    return Verdict(
        Status.IN_RANGE,
        template.id,
        side,
        tuple(results),
        refinement=_worst(refine).cue if refine else None,
    )


def _unseen_refinements(frame: PoseFrame, template: Template, side: str, values: Floats) -> Floats:
    """``values`` with NaN for the refine checks that use a joint only refinements use and the
    camera does not see clearly: such a refinement cannot be trusted, and it must not stop the
    verdict either (only the gates' joints are required). Joints the gates measure too (a
    hidden ankle in child's pose) are trusted as far as the gates trust them."""
    gate_points = {p for c in template.checks if c.tier == Tier.GATE for p in c.points}
    gate_joints = set(needed_landmarks(template, side, tuple(gate_points)))
    unseen = [
        i
        for i, c in enumerate(template.checks)
        if c.tier == Tier.REFINE
        and any(
            n not in gate_joints and frame.visibility[INDEX[n]] < MIN_VISIBILITY
            for n in needed_landmarks(template, side, c.points)
        )
    ]
    if not unseen:
        return values
    values = np.array(values, dtype=float)
    values[unseen] = np.nan
    return values


def _worst(failing: list[CheckResult]) -> CheckResult:
    """The failing check furthest out of its range, in comparable units and weighted."""
    return max(failing, key=lambda r: weighted_deviation(r.check, r.value))


def scale(c: Check) -> float:
    """Deviation units comparable across measures: 10 degrees ~ 0.2 of a ratio ~ 0.05 of a
    back length of curve."""
    return {"ratio": 0.2, "ratio3d": 0.2, "along3d": 0.2, "curve": 0.05}.get(c.measure, 10.0)


def weighted_deviation(c: Check, value: float) -> float:
    """How far ``value`` is outside the check's range, in comparable units, times its weight."""
    return abs(c.deviation(value)) / scale(c) * c.weight


def total_deviation(checks: Iterable[Check], values: Iterable[float]) -> float:
    """Every check's weighted deviation added up; an ``either`` group counts once, by its
    nearest member, as the pose needs only that one."""
    total = 0.0
    nearest: dict[str, float] = {}
    for c, v in zip(checks, values, strict=True):
        d = weighted_deviation(c, float(v))
        if c.either:
            nearest[c.either] = min(nearest.get(c.either, d), d)
        else:
            total += d
    return total + sum(nearest.values())


def misfit(verdict: Verdict) -> float:
    """How far a verdict is from in range, every check in comparable units (so a back curve
    counts as much as an angle); unseen verdicts rank last. The one score used to pick the
    likelier of several templates."""
    if not verdict.seen:
        return float("inf")
    return total_deviation((r.check for r in verdict.results), (r.value for r in verdict.results))


def check(
    frame: PoseFrame | None,
    template: Template,
    previous: Verdict | None = None,
    values: Floats | None = None,
    side: str | None = None,
) -> Verdict:
    """The verdict for one frame.

    ``values`` (and the ``side`` they were measured on) let the video pipeline pass smoothed
    measurements instead of the raw ones. A template needing something we cannot see gets
    "cannot see", never "in range".
    """
    if frame is None:
        return Verdict(Status.NO_PERSON, template.id, correction="Step into the camera's view")
    if frame.people > 1:
        return Verdict(
            Status.NO_PERSON, template.id, correction="Only one person should be in the picture"
        )
    side = side or working_side(frame, template)
    problem = view_problem(frame, template)
    if problem:
        return Verdict(Status.WRONG_VIEW, template.id, side, correction=problem)
    problem = visibility_problem(frame, template, side)
    if problem:
        return Verdict(Status.CANNOT_SEE, template.id, side, correction=problem)
    if values is None:
        values = measure_checks(frame, template, side)
    values = _unseen_refinements(frame, template, side, values)
    unmeasured = {
        c.measure
        for c, v in zip(template.checks, values, strict=True)
        if np.isnan(v) and c.tier == Tier.GATE
    }
    if unmeasured:
        words = (
            "Turn side-on so the camera can see the outline of your back"
            if "curve" in unmeasured
            else "Move so the camera can see your whole body"
        )
        return Verdict(Status.CANNOT_SEE, template.id, side, correction=words)
    return judge(template, side, values, previous)
