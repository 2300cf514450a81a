"""A picture of every pose: a stick figure posed from the middle of each check's range.

The figure is a 2-D skeleton seen by the camera (side-on facing right, or from the front):
a root at the hips, a direction for every bone and a bulge of the back. From the template's
base posture (standing, on all fours, lying on the back with knees up...; a template naming
none gets whichever of its view needs the least bending), a least-squares solve moves the
bones until every check's value sits at the middle of its range, while the bones the checks
do not mention stay as the posture has them and the posture's supports stay on the floor.
The result is measured back with the same checker the camera uses, so a picture that is not
"in range" for its own template is a bug, not a drawing choice.

Units are torso lengths (mid-shoulder to mid-hip), y up, the floor at y = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from poseguide.core import angles, checker
from poseguide.core.landmarks import INDEX, N_LANDMARKS, Floats, PoseFrame
from poseguide.core.measures import MEASURES
from poseguide.core.templates import Check, Template

FIGURE_VERSION = 3  # bump when a change to the solver or the drawing alters the pictures
# Bone lengths in torso lengths (adult proportions: torso ~50 cm, thigh ~43 cm...).
UPPER_ARM, FOREARM, HAND = 0.6, 0.52, 0.2
THIGH, SHIN, FOOT = 0.86, 0.84, 0.4
NECK, FACE = 0.3, 0.16
BODY_RADIUS = 0.2  # torso half-thickness for the silhouette (back curvature is measured on it)
LIMB_RADIUS = 0.07
HEAD_RADIUS = 0.13
# The curve measure of a back drawn as a parabola with sagitta b is about 0.3 b
# (see silhouette.FRACTIONS), used while solving; the mask is measured afterwards.
CURVE_PER_BULGE = 0.3
LIMBS = ("uarm", "farm", "hand", "thigh", "shin", "foot")
CHAINS = ("near", "far")
PARAMS = ("x", "y", "torso", "bulge", "neck", "face") + tuple(
    f"{s}_{limb}" for s in CHAINS for limb in LIMBS
)
_P = {name: i for i, name in enumerate(PARAMS)}
_ANGLES = [i for i, n in enumerate(PARAMS) if n not in ("x", "y", "bulge")]


@dataclass(frozen=True)
class Posture:
    """A base body position: bone directions (degrees, 0 = facing direction, 90 = up),
    bone length factors (foreshortening in a front view) and the points resting on the floor."""

    name: str
    key: str  # one of templates.POSTURES
    view: str
    angles: dict[str, float]
    supports: tuple[str, ...] = ()
    lengths: tuple[tuple[str, float], ...] = ()
    # Height of the floor below the supports, in torso lengths: below 0 they rest on a bed
    # and the legs may hang off its edge down to the floor.
    floor: float = 0.0

    def length(self, bone: str) -> float:
        return dict(self.lengths).get(bone, 1.0)


def _both(**angles: float) -> dict[str, float]:
    return {f"{s}_{k}": v for s in CHAINS for k, v in angles.items()}


BASE_POSTURES: tuple[Posture, ...] = (
    Posture("standing", "standing", "side",
            {"torso": 90, "neck": 90, "face": 0,
             **_both(uarm=-90, farm=-90, hand=-90, thigh=-90, shin=-90, foot=0)},
            ("near_heel", "near_foot_index", "far_heel", "far_foot_index")),
    Posture("all fours", "all_fours", "side",
            {"torso": 5, "neck": 20, "face": -30,
             **_both(uarm=-90, farm=-90, hand=0, thigh=-90, shin=180, foot=180)},
            ("near_wrist", "far_wrist", "near_knee", "far_knee")),
    Posture("kneeling folded", "kneeling", "side",
            {"torso": -15, "neck": -20, "face": -70,
             **_both(uarm=0, farm=0, hand=0, thigh=-40, shin=180, foot=180)},
            ("near_knee", "far_knee", "near_wrist", "far_wrist")),
    Posture("lying on the front", "lying_front", "side",
            {"torso": 0, "neck": 0, "face": -60,
             **_both(uarm=180, farm=180, hand=180, thigh=180, shin=180, foot=-160)},
            ("near_hip", "far_hip", "near_knee", "far_knee")),
    Posture("lying on the forearms", "lying_forearms", "side",
            {"torso": 25, "neck": 30, "face": -10,
             **_both(uarm=-75, farm=0, hand=0, thigh=180, shin=180, foot=-160)},
            ("near_hip", "near_knee", "far_knee", "near_elbow", "near_wrist")),
    Posture("lying on the front, hands down", "lying_hands", "side",
            {"torso": 40, "neck": 50, "face": 10,
             **_both(uarm=-85, farm=-90, hand=0, thigh=180, shin=180, foot=-160)},
            ("near_hip", "near_knee", "far_knee", "near_wrist")),
    Posture("lying on the back", "lying_back", "side",
            {"torso": 180, "neck": 180, "face": 90,
             **_both(uarm=0, farm=0, hand=0, thigh=0, shin=0, foot=80)},
            ("near_shoulder", "far_shoulder", "near_hip", "far_hip")),
    Posture("lying on the back, knees up", "lying_back_knees_up", "side",
            {"torso": 180, "neck": 180, "face": 90,
             **_both(uarm=0, farm=0, hand=0, thigh=100, shin=10, foot=80)},
            ("near_shoulder", "far_shoulder", "near_hip", "far_hip")),
    Posture("lying on the back, knees bent", "lying_back_knees_bent", "side",
            {"torso": 180, "neck": 180, "face": 90,
             **_both(uarm=0, farm=0, hand=0, thigh=45, shin=-50, foot=0)},
            ("near_shoulder", "far_shoulder", "near_hip", "far_hip")),
    Posture("lying on the back at a bed's edge", "lying_back_bed_edge", "side",
            {"torso": 180, "neck": 180, "face": 90, **_both(uarm=0, farm=0, hand=0, foot=0),
             "near_thigh": -25, "near_shin": -70, "far_thigh": 110, "far_shin": 10},
            ("near_shoulder", "far_shoulder", "near_hip", "far_hip"), floor=-1.3),
    Posture("standing", "standing", "front",
            {"torso": 90, "neck": 90, "face": -90, "near_uarm": -80, "far_uarm": -100,
             "near_farm": -85, "far_farm": -95, "near_hand": -90, "far_hand": -90,
             "near_thigh": -88, "far_thigh": -92, **_both(shin=-90, foot=-90)},
            ("near_heel", "far_heel"), (("foot", 0.3),)),
    # A lunge side-on, facing right: the near (working) leg stepped back with its knee
    # lowered, the far leg forward with its knee over the ankle, the near arm reaching up.
    Posture("lunging", "standing", "side",
            {"torso": 90, "neck": 90, "face": 0, "near_uarm": 95, "near_farm": 95,
             "near_hand": 95, "far_uarm": -90, "far_farm": -90, "far_hand": -90,
             "near_thigh": -115, "near_shin": -160, "near_foot": 0,
             "far_thigh": -25, "far_shin": -95, "far_foot": 0},
            ("near_foot_index", "far_heel", "far_foot_index")),
    # Sitting cross-legged on the floor facing the camera, upright, the hands resting behind
    # the back: each knee out to its side, the shins crossed in front of the hips.
    Posture("sitting cross-legged", "cross_legged", "front",
            {"torso": 90, "neck": 90, "face": -90, "near_uarm": -75, "far_uarm": -105,
             "near_farm": -120, "far_farm": -60, "near_hand": -120, "far_hand": -60,
             "near_thigh": 25, "near_shin": -150, "far_thigh": 155, "far_shin": -30,
             **_both(foot=-90)},
            ("near_hip", "far_hip"), (("thigh", 0.75), ("shin", 0.75), ("foot", 0.3))),
    Posture("sitting", "sitting", "front",
            {"torso": 90, "neck": 90, "face": -90, "near_uarm": -80, "far_uarm": -100,
             "near_farm": -90, "far_farm": -90, "near_hand": -90, "far_hand": -90,
             "near_thigh": 40, "near_shin": -80, "far_thigh": -60, "far_shin": -80,
             **_both(foot=-90)},
            ("near_heel",), (("thigh", 0.5), ("shin", 0.8), ("foot", 0.3))),
)  # fmt: skip


def _dir(deg: Floats | float) -> Floats:
    r = np.radians(deg)
    return np.array([np.cos(r), np.sin(r)])


@dataclass(frozen=True)
class Figure:
    """A solved figure: named points (torso lengths, y up) and how to draw it."""

    template_id: str
    posture: str
    view: str
    near: str  # the body side ("left"/"right") the near chain stands for
    points: dict[str, tuple[float, float]]
    spine: tuple[tuple[float, float], ...]  # the back from mid-hip to mid-shoulder
    bulge: float
    supports: tuple[str, ...] = ()  # landmarks resting on the floor (or a bed)
    floor: float = 0.0  # the posture's floor below the supports: below 0 they lie on a bed

    def landmark(self, name: str) -> Floats:
        return np.array(self.points[name])

    def surfaces(self) -> list[tuple[float, float, float]]:
        """Horizontal lines to draw as (y, x from, x to): the floor under the lowest point and,
        for a posture lying on a bed, the bed under its supports."""
        xs = [p[0] for p in self.points.values()]
        lowest = min(p[1] for p in self.points.values())
        width = (min(xs) - 0.4, max(xs) + 0.4)
        if self.floor >= 0.0:
            return [(lowest - 0.02, *width)]
        sx = [self.points[s][0] for s in self.supports]
        top = min(self.points[s][1] for s in self.supports) - 0.02
        # The bed ends just past the hips, where the hanging leg leaves it.
        return [(top, min(sx) - 0.6, max(sx) + 0.1), (lowest - 0.02, *width)]

    def fit(self, width: int, height: int, margin: float = 0.08) -> tuple[float, Floats]:
        """(pixels per torso length, figure point at the picture centre) that fit the figure
        and its surfaces inside the picture with ``margin`` (a fraction of the height)."""
        xy = np.array(list(self.points.values()) + list(self.spine))
        lo = xy.min(axis=0) - HEAD_RADIUS
        hi = xy.max(axis=0) + HEAD_RADIUS
        for y, x0, x1 in self.surfaces():
            lo = np.minimum(lo, [x0, y])
            hi = np.maximum(hi, [x1, y])
        room = np.array([width - 2 * margin * height, height * (1 - 2 * margin)])
        return float(min(room / (hi - lo))), (lo + hi) / 2

    def to_pixels(self, q: Floats, width: int, height: int, margin: float = 0.08) -> Floats:
        """Figure points (..., 2) to pixel coordinates (x right, y down)."""
        scale, centre = self.fit(width, height, margin)
        q = np.asarray(q, dtype=float)
        x = (q[..., 0] - centre[0]) * scale + width / 2
        y = height / 2 - (q[..., 1] - centre[1]) * scale
        return np.stack([x, y], axis=-1)

    def segments(self) -> list[tuple[str, str, str]]:
        """Bones to draw as (from, to, 'near'|'far'), far side first so the near one covers it."""
        far = angles.other_side(self.near)
        out = []
        for side, layer in ((far, "far"), (self.near, "near")):
            for a, b in (
                ("shoulder", "elbow"),
                ("elbow", "wrist"),
                ("wrist", "index"),
                ("hip", "knee"),
                ("knee", "ankle"),
                ("ankle", "heel"),
                ("heel", "foot_index"),
                ("ankle", "foot_index"),
            ):
                out.append((f"{side}_{a}", f"{side}_{b}", layer))
        if self.view == "front":  # seen from the front, the shoulders and hips join the limbs
            out += [("left_shoulder", "right_shoulder", "near"), ("left_hip", "right_hip", "near")]
        return out


def _points(p: Floats, posture: Posture, near: str) -> tuple[dict[str, Floats], Floats]:
    """Every landmark of parameters ``p`` and the back's polyline."""
    far = angles.other_side(near)
    mid_hip = p[[_P["x"], _P["y"]]]
    torso_dir = _dir(p[_P["torso"]])
    mid_shoulder = mid_hip + torso_dir
    pts: dict[str, Floats] = {}
    if posture.view == "front":
        # Facing the camera: the person's left appears on the right of the picture.
        # The shoulders turn with the trunk; the hips stay level, so a side bend is drawn
        # bending at the waist instead of leaning from the feet.
        person_left = 1.0 if near == "left" else -1.0
        across = np.array([torso_dir[1], -torso_dir[0]]) * person_left
        shoulder_half, hip_half = 0.42 * across, 0.28 * np.array([person_left, 0.0])
    else:
        shoulder_half = hip_half = np.array([-0.03, -0.02])
    for side, sign in ((near, 1.0), (far, -1.0)):
        pts[f"{side}_shoulder"] = mid_shoulder + sign * shoulder_half
        pts[f"{side}_hip"] = mid_hip + sign * hip_half
    for chain, side in (("near", near), ("far", far)):

        def bone(name: str, length: float, ch: str = chain) -> Floats:
            return length * posture.length(name) * _dir(p[_P[f"{ch}_{name}"]])

        s = side
        pts[f"{s}_elbow"] = pts[f"{s}_shoulder"] + bone("uarm", UPPER_ARM)
        pts[f"{s}_wrist"] = pts[f"{s}_elbow"] + bone("farm", FOREARM)
        hand = bone("hand", HAND)
        pts[f"{s}_index"] = pts[f"{s}_wrist"] + hand
        pts[f"{s}_pinky"] = pts[f"{s}_wrist"] + 0.85 * hand
        pts[f"{s}_thumb"] = pts[f"{s}_wrist"] + 0.6 * hand
        pts[f"{s}_knee"] = pts[f"{s}_hip"] + bone("thigh", THIGH)
        pts[f"{s}_ankle"] = pts[f"{s}_knee"] + bone("shin", SHIN)
        foot = p[_P[f"{chain}_foot"]]
        flen = posture.length("foot")
        pts[f"{s}_heel"] = pts[f"{s}_ankle"] + 0.12 * flen * _dir(foot + 230)
        pts[f"{s}_foot_index"] = pts[f"{s}_ankle"] + FOOT * flen * _dir(foot - 15)
    head = mid_shoulder + NECK * _dir(p[_P["neck"]])
    if posture.view == "front":
        side_dir = np.array([torso_dir[1], -torso_dir[0]]) * (1 if near == "left" else -1)
        pts["nose"] = head - 0.02 * torso_dir
        for s, sign in ((near, 1.0), (far, -1.0)):
            pts[f"{s}_ear"] = head + sign * 0.1 * side_dir
            pts[f"{s}_eye"] = head + sign * 0.05 * side_dir + 0.04 * torso_dir
            pts[f"{s}_eye_inner"] = head + sign * 0.03 * side_dir + 0.04 * torso_dir
            pts[f"{s}_eye_outer"] = head + sign * 0.07 * side_dir + 0.04 * torso_dir
            pts[f"mouth_{s}"] = head + sign * 0.03 * side_dir - 0.07 * torso_dir
    else:
        face = _dir(p[_P["face"]])
        pts["nose"] = head + FACE * face
        for s in (near, far):
            pts[f"{s}_ear"] = head
            for eye in ("eye", "eye_inner", "eye_outer"):
                pts[f"{s}_{eye}"] = head + 0.75 * FACE * face + 0.05 * _dir(p[_P["face"]] + 90)
            pts[f"mouth_{s}"] = head + 0.7 * FACE * face - 0.05 * _dir(p[_P["face"]] + 90)
    spine = _spine(mid_hip, mid_shoulder, p[_P["bulge"]])
    return pts, spine


def _spine(mid_hip: Floats, mid_shoulder: Floats, bulge: float) -> Floats:
    """The back as a parabola from hip to shoulder whose middle is ``bulge`` torso lengths
    above the straight line (up in the picture)."""
    axis = mid_shoulder - mid_hip
    normal = np.array([-axis[1], axis[0]]) / max(float(np.hypot(*axis)), 1e-9)
    if normal[1] < 0:
        normal = -normal
    t = np.linspace(0.0, 1.0, 21)[:, None]
    spine: Floats = mid_hip + t * axis + (4.0 * bulge * t * (1 - t)) * normal
    return spine


def to_frame(
    figure: Figure,
    width: int = 640,
    height: int = 480,
    margin: float = 0.08,
    timestamp: float = 0.0,
) -> PoseFrame:
    """The PoseFrame a perfect detector would report for the figure, with its silhouette."""
    far = angles.other_side(figure.near)
    image = np.zeros((N_LANDMARKS, 2))
    world = np.zeros((N_LANDMARKS, 3))
    visibility = np.full(N_LANDMARKS, 0.98)
    for name, q in figure.points.items():
        if name in INDEX:
            image[INDEX[name]] = figure.to_pixels(np.array(q), width, height, margin) / [
                width,
                height,
            ]
            world[INDEX[name], :2] = np.array(q) * [0.5, -0.5]
            if far in name:
                world[INDEX[name], 2] = 0.15
                visibility[INDEX[name]] = 0.85
    mask = _mask(figure, width, height, margin)
    return PoseFrame(
        timestamp=timestamp,
        image=image,
        world=world,
        visibility=visibility,
        presence=np.ones(N_LANDMARKS),
        width=width,
        height=height,
        mask=mask,
    )


def _mask(figure: Figure, width: int, height: int, margin: float) -> Floats:
    """The figure's silhouette: thick strokes along the back and limbs, a disc for the head."""
    unit, _ = figure.fit(width, height, margin)
    inside = np.zeros((height, width), dtype=bool)

    def px(name: str) -> Floats:
        return figure.to_pixels(figure.landmark(name), width, height, margin)

    spine = figure.to_pixels(np.array(figure.spine), width, height, margin)
    for a, b in zip(spine[:-1], spine[1:], strict=True):
        _stroke(inside, a, b, BODY_RADIUS * unit)
    for a, b, _ in figure.segments():
        _stroke(inside, px(a), px(b), LIMB_RADIUS * unit)
    head = px(f"{figure.near}_ear")
    _stroke(inside, head, head, HEAD_RADIUS * unit)
    return inside.astype(np.float32)


def _stroke(mask: NDArray[np.bool_], a: Floats, b: Floats, radius: float) -> None:
    """Set the pixels within ``radius`` of segment a-b, looking only inside its bounding box."""
    h, w = mask.shape
    lo = np.floor(np.minimum(a, b) - radius).astype(int)
    hi = np.ceil(np.maximum(a, b) + radius).astype(int) + 1
    x0, y0 = max(lo[0], 0), max(lo[1], 0)
    x1, y1 = min(hi[0], w), min(hi[1], h)
    if x0 >= x1 or y0 >= y1:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1]
    pix = np.stack([xs + 0.5, ys + 0.5], axis=-1)
    ab = b - a
    t = np.clip(((pix - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    mask[y0:y1, x0:x1] |= np.linalg.norm(pix - (a + t[..., None] * ab), axis=-1) <= radius


def drawable(template: Template) -> Template:
    """The template with only the checks a flat stick figure can show: its 2D measures.

    The 3D measures (a twist of the chest against the hips, facing the floor) are read from
    MediaPipe's world landmarks, which a drawing does not have; the picture leaves them out
    (the how-to text says them)."""
    return replace(
        template, checks=tuple(c for c in template.checks if not MEASURES[c.measure].world)
    )


def aim(check: Check) -> float:
    """The value the figure is posed at: the check's ``draw`` when the template gives one
    (the middle of a wide range can be a shape nobody holds: a half-bent arm in cobra lifts
    the hand off the floor), else the middle of the range a body can show."""
    if check.draw is not None:
        return check.draw
    plausible = MEASURES[check.measure].plausible
    if plausible is None:
        raise ValueError(f"a {check.measure} check is not drawn (3D: the figure is flat)")
    low, high = plausible
    return (max(check.low, low) + min(check.high, high)) / 2.0


def _frame_of(points: dict[str, Floats]) -> PoseFrame:
    """A bare PoseFrame (no mask) of figure points, for measuring while solving."""
    image = np.zeros((N_LANDMARKS, 2))
    for name, q in points.items():
        if name in INDEX:
            image[INDEX[name]] = (q[0], -q[1])
    return PoseFrame(
        0.0,
        image,
        np.zeros((N_LANDMARKS, 3)),
        np.ones(N_LANDMARKS),
        np.ones(N_LANDMARKS),
        width=480,
        height=480,
    )


def _sided(names: tuple[str, ...], side: str) -> tuple[str, ...]:
    """ "near_knee" -> "left_knee" when the near chain is the left side."""
    far = angles.other_side(side)
    return tuple(n.replace("near", side, 1).replace("far", far, 1) for n in names)


def _solve(template: Template, posture: Posture, side: str) -> tuple[float, Floats]:
    """Least-squares pose for one posture: (cost, parameters)."""
    base = np.zeros(len(PARAMS))
    for name, value in posture.angles.items():
        base[_P[name]] = value
    base[_P["y"]] = 1.0
    checks = drawable(template).checks
    aims = np.array([aim(c) for c in checks])
    scales = np.array([checker.scale(c) for c in checks])
    curve = np.array([c.measure == "curve" for c in checks])
    plain = [c for c in checks if c.measure != "curve"]
    plain_template = replace(template, checks=tuple(plain))
    plain_rows = ~curve
    support_names = _sided(posture.supports, side)

    def residuals(p: Floats) -> Floats:
        pts, _ = _points(p, posture, side)
        values = np.empty(len(checks))
        if plain:
            values[plain_rows] = checker.measure_checks(_frame_of(pts), plain_template, side)
        values[curve] = CURVE_PER_BULGE * p[_P["bulge"]]
        fit = 2.0 * (values - aims) / scales
        prior = (p[_ANGLES] - base[_ANGLES]) / 30.0
        support = [4.0 * pts[s][1] for s in support_names]
        below = [4.0 * min(q[1] - posture.floor, 0.0) for q in pts.values()]  # nor the floor
        return np.concatenate([fit, prior, support, below, [p[_P["bulge"]] / 0.5]])

    return _least_squares(residuals, base)


def _least_squares(
    f: Callable[[Floats], Floats], x0: Floats, iterations: int = 60
) -> tuple[float, Floats]:
    """Levenberg-Marquardt with a forward-difference Jacobian: (half the squared residual
    norm, parameters). Small and numpy-only; the problems have ~30 parameters."""
    x = x0.astype(float)
    r = f(x)
    cost = float(r @ r)
    damping = 1e-3
    for _ in range(iterations):
        step = 1e-4 * np.maximum(1.0, np.abs(x))
        jac = np.empty((len(r), len(x)))
        for i in range(len(x)):
            dx = np.zeros_like(x)
            dx[i] = step[i]
            jac[:, i] = (f(x + dx) - r) / step[i]
        a = jac.T @ jac
        g = jac.T @ r
        improved = False
        while damping < 1e8:
            damped = a + damping * (np.diag(np.diag(a)) + 1e-9 * np.eye(len(x)))
            delta: Floats = np.asarray(np.linalg.solve(damped, -g), dtype=np.float64)
            r_new = f(x + delta)
            cost_new = float(r_new @ r_new)
            if cost_new < cost:
                improved = cost - cost_new > 1e-10 * cost
                x, r, cost = x + delta, r_new, cost_new
                damping = max(damping / 3.0, 1e-9)
                break
            damping *= 4.0
        if not improved:
            break
    return cost / 2.0, x


@lru_cache(maxsize=64)
def solve(template: Template, side: str = "left") -> Figure:
    """The figure of a pose template: of the base postures of its view (and of its
    ``posture``, when the template names one), the one that fits with the least cost.

    Flows have no checks of their own; draw their phases instead.
    """
    if template.is_flow or not template.checks:
        raise ValueError(
            f"{template.id}: a flow has no pose of its own; draw its phases "
            f"({', '.join(template.phases)})"
        )
    view = "front" if template.view == "front" else "side"
    best: tuple[float, Posture, Floats] | None = None
    for posture in BASE_POSTURES:
        # A named posture is drawn as named (a template that accepts any view names one), in
        # the template's view: "standing" is drawn side-on, lunging or from the front.
        seen_so = template.view == "any" or posture.view == view
        wanted = posture.key == template.posture and seen_so if template.posture else seen_so
        if not wanted:
            continue
        cost, p = _solve(template, posture, side)
        if best is None or cost < best[0]:
            best = (cost, posture, p)
    assert best is not None
    _, posture, p = best
    pts, spine = _points(p, posture, side)
    return Figure(
        template_id=template.id,
        posture=posture.name,
        view=view,
        near=side,
        points={k: (float(v[0]), float(v[1])) for k, v in pts.items()},
        spine=tuple((float(a), float(b)) for a, b in spine),
        bulge=float(p[_P["bulge"]]),
        supports=_sided(posture.supports, side),
        floor=posture.floor,
    )
