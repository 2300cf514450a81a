"""Angles from landmarks, with one convention used everywhere.

Convention (degrees, measured in the image plane with the pixel aspect corrected, y up):

* **joint** angle at B of A-B-C: the interior angle between B->A and B->C, 0..180;
  180 is a straight limb, 90 a right angle.
* **elevation** of segment P->Q: the angle of P->Q above the horizontal, -90..90; positive
  when Q is higher in the picture than P, 0 when level, 90 when Q is straight above P.
  It does not depend on which way the person faces, so a mirrored picture gives the same value.
* **tilt** of P->Q from the vertical, -90..90; positive when it leans the way R->S points
  horizontally (e.g. heel->toes: positive is leaning forward, negative leaning back).
* **curve**: back curvature from the silhouette (see ``silhouette``), in back lengths;
  positive rounded (cat), negative sagging (cow).
* **ratio** of two distances |P-Q| / |R-S|: unitless, for relations such as "hips on heels".
* **slope** of P->Q above the floor line through R and S: as ``elevation``, but measured from
  that line instead of the picture's horizontal, -90..90, positive on the side of the line the
  picture's up points to. With R, S two points resting on the floor (knee and wrist on all
  fours) a tilted camera turns the floor with the body and the value stays. The floor's tilt
  is taken only up to 15 degrees either way: a steeper line is a misread limb.
* **relative** elevation of P->Q above the line R-S: as ``slope`` with no limit on the line's
  tilt, for a line the pose itself lays on the floor (the legs lying in sphinx and cobra):
  turning the camera turns both segments together, so the value does not move with it.

Measures in 3D, from MediaPipe's world landmarks (``pose_world_landmarks``: metres, origin
between the hips, axes along the camera's: x right, y down, z away from the camera). They do
not change when the camera moves round the person, which image-plane angles do:

* **joint3d** at B of A-B-C: as ``joint`` but between the 3D bones, 0..180.
* **elevation3d** of P->Q: the angle above the horizontal plane (the camera's x-z plane),
  -90..90, positive when Q is above P. It does not depend on where round the person the
  camera stands, only on the camera being roughly level (a tilted camera tilts it).
* **rotation3d** of the line P->Q against the line R->S: the angle between them seen along the
  axis from the middle of R-S to the middle of P-Q, 0..180. With shoulders P, Q and hips R, S it
  is how far the chest is turned against the pelvis around the spine: the twist itself.
* **ratio3d** |P-Q| / |R-S| between world points: as ``ratio``, but lengths along the line of
  sight count too (an ear close to the shoulder stays close seen from any side).
* **facing3d** of the plane P, Q, R: where the front of the body points, as the elevation of
  the plane's normal, -90..90: +90 facing the ceiling, -90 facing the floor. With P, Q the
  left and right shoulder and R the middle of the hips the normal is the chest's forward
  direction (MediaPipe's left/right tell front from back), so lying face-down gives about -80
  and lying on the back about +80, seen from any side.
* **front3d** of the point S against the front of the body: the angle between where the front
  points (the normal of the plane P, Q, R, with P, Q the left and right hip and R the middle
  of the shoulders: the pelvis and spine, so a twisted chest does not turn it) and the line
  from the middle of P-Q to S, 0..180. With S the ankles: about 0-80 sitting (the legs lie
  ahead), 90 standing or lying flat, above 90 lying on the front with the chest lifted (the
  legs lie behind). It tells sitting up from a lifted cobra, which 2D angles cannot.
* **turn3d** of the line P->Q against the line R->S, with F a point in front of both (the
  nose): as ``rotation3d``, seen along the axis from the middle of R-S to the middle of P-Q,
  but signed, -180..180: positive when P-Q has turned towards its P end (that end moved back,
  away from F), negative towards Q; P and R are given on the same side of the body. F only
  tells front from back, which the lines alone cannot: a left/right pair read the other way
  round is the same line. With the ears against the shoulders it is the head's turn on the
  neck (``ear`` first: positive is towards the working side); with the shoulders against
  the hips it is the chest's turn, signed.
* **along3d** of P->Q along R->S: how far P->Q reaches in the direction of R->S, as a fraction
  of |R-S|, signed (negative against it). With the hips to the ankles along the spine (hips to
  shoulders) it says where the feet are against the body's own up: about level sitting on the
  floor, a leg's length below standing, whatever the camera's place or roll.
* **pitch3d** of P->Q against the body's axis R->S: the angle of P->Q above the plane square
  to R->S, -90..90. With the middle of the ears to the nose against the spine (hips to
  shoulders) it is how far the head nods: about 0 to -15 looking ahead, below that the chin
  drops towards the chest, positive the chin lifts. Against the spine, not the camera's
  horizontal, so a leaning body or a tilted camera does not move it.

The image plane is the default because the templates describe what a camera sees and the
world depth estimate is the noisiest axis; the 3D kinds are used where the image cannot see
the thing measured (a rotation about the line of sight, which way the face points). Which
of 2D, 3D or the silhouette is more reliable was measured per check on the real photos, and
each template's ``why`` says which was kept.
"""

from __future__ import annotations

import numpy as np

from poseguide.core.landmarks import INDEX, Floats, PoseFrame

SIDES = ("left", "right")
# Landmarks whose visibility and nearness decide which side faces the camera.
SIDE_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
_LEFT = np.array([INDEX[f"left_{p}"] for p in SIDE_PARTS])
_RIGHT = np.array([INDEX[f"right_{p}"] for p in SIDE_PARTS])
# The lines across the body whose turn out of the picture plane says where the camera stands.
_ACROSS_LEFT = np.array([INDEX["left_hip"], INDEX["left_shoulder"]])
_ACROSS_RIGHT = np.array([INDEX["right_hip"], INDEX["right_shoulder"]])


def joint_angle(a: Floats, b: Floats, c: Floats) -> Floats:
    """Interior angle at ``b`` in degrees; works on (..., 2) arrays."""
    u = a - b
    v = c - b
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    angle: Floats = np.degrees(np.abs(np.arctan2(cross, dot)))
    return angle


def elevation(p: Floats, q: Floats) -> Floats:
    """Angle of p->q above the horizontal in degrees, -90..90 (image y points down)."""
    d = q - p
    angle: Floats = np.degrees(np.arctan2(-d[..., 1], np.abs(d[..., 0])))
    return angle


def tilt(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Angle of p->q from straight up, signed by the horizontal direction of r->s."""
    d = q - p
    ahead = np.sign(s[..., 0] - r[..., 0])
    ahead = np.where(ahead == 0, 1.0, ahead)
    angle: Floats = np.degrees(np.arctan2(d[..., 0] * ahead, -d[..., 1]))
    return angle


FLOOR_TILT_MAX = 15.0  # degrees: a steeper "floor" line is a misread limb, not a tilted camera


def slope(p: Floats, q: Floats, r: Floats, s: Floats, max_tilt: float = FLOOR_TILT_MAX) -> Floats:
    """Angle of p->q above the floor line r-s, -90..90 (image y points down).

    The floor's tilt from the picture's horizontal is taken up to ``max_tilt`` either way:
    FLOOR_TILT_MAX is enough for a tilted laptop, while a misdetected ankle or wrist cannot
    turn the floor; the ``relative`` kind passes 90, where the pose defines the line."""
    f = s - r
    tilt_deg = np.degrees(np.arctan2(-f[..., 1], np.abs(f[..., 0])))
    tilt_deg = np.where(f[..., 0] < 0, -tilt_deg, tilt_deg)  # the line taken pointing right
    a = np.radians(np.clip(tilt_deg, -max_tilt, max_tilt))
    d = q - p
    along = d[..., 0] * np.cos(a) - d[..., 1] * np.sin(a)
    up = -d[..., 1] * np.cos(a) - d[..., 0] * np.sin(a)
    angle: Floats = np.degrees(np.arctan2(up, np.abs(along)))
    return angle


def ratio(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """|p-q| / |r-s|, guarded against a zero denominator."""
    num = np.linalg.norm(p - q, axis=-1)
    den = np.linalg.norm(r - s, axis=-1)
    quotient: Floats = num / np.maximum(den, 1e-9)
    return quotient


def joint_angle3d(a: Floats, b: Floats, c: Floats) -> Floats:
    """Interior angle at ``b`` in degrees between 3D bones; works on (..., 3) arrays."""
    u, v = a - b, c - b
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    angle: Floats = np.degrees(np.arctan2(cross, (u * v).sum(axis=-1)))
    return angle


def elevation3d(p: Floats, q: Floats) -> Floats:
    """Angle of p->q above the world's horizontal plane in degrees (world y points down)."""
    d = q - p
    angle: Floats = np.degrees(np.arctan2(-d[..., 1], np.hypot(d[..., 0], d[..., 2])))
    return angle


def rotation3d(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Angle between p->q and r->s seen along the axis from mid(r, s) to mid(p, q), 0..180."""
    axis = (p + q - r - s) / 2.0
    axis = axis / np.maximum(np.linalg.norm(axis, axis=-1, keepdims=True), 1e-9)
    u, v = q - p, s - r
    u = u - (u * axis).sum(axis=-1, keepdims=True) * axis
    v = v - (v * axis).sum(axis=-1, keepdims=True) * axis
    return joint_angle3d(u, np.zeros_like(u), v)


def _flat(v: Floats, axis: Floats) -> Floats:
    """``v`` with its component along the unit ``axis`` removed."""
    flat: Floats = v - (v * axis).sum(axis=-1, keepdims=True) * axis
    return flat


def _unit(v: Floats) -> Floats:
    unit: Floats = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)
    return unit


def turn3d(f: Floats, p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Signed angle of p->q against r->s seen along the axis mid(r, s) -> mid(p, q), -180..180:
    positive when the front of the line p-q has turned towards p's side. ``f`` lies in front
    of both lines and only says which of each line's two normals is its front."""
    axis = _unit((p + q - r - s) / 2.0)
    front_pq = np.cross(axis, _flat(q - p, axis))
    front_rs = np.cross(axis, _flat(s - r, axis))
    # Each front is the normal on f's side of its line.
    front_pq *= np.where((front_pq * (f - (p + q) / 2.0)).sum(axis=-1) < 0, -1.0, 1.0)[..., None]
    front_rs *= np.where((front_rs * (f - (r + s) / 2.0)).sum(axis=-1) < 0, -1.0, 1.0)[..., None]
    towards_r = _unit(_flat(r - s, axis))
    angle: Floats = np.degrees(
        np.arctan2((front_pq * towards_r).sum(axis=-1), (front_pq * _unit(front_rs)).sum(axis=-1))
    )
    return angle


def along3d(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """The length of p->q along r->s, in units of |r-s| (negative: against r->s)."""
    axis = s - r
    reach: Floats = ((q - p) * axis).sum(axis=-1) / np.maximum((axis * axis).sum(axis=-1), 1e-12)
    return reach


def pitch3d(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Angle of p->q above the plane square to r->s in degrees, -90..90."""
    return 90.0 - joint_angle3d(q - p, np.zeros_like(p), s - r)


def facing3d(p: Floats, q: Floats, r: Floats) -> Floats:
    """Elevation of the normal (q - p) x (r - mid(p, q)) in degrees: with p, q the left and
    right shoulder and r the middle of the hips, where the chest faces (+90 up)."""
    n = np.cross(q - p, r - (p + q) / 2.0)
    angle: Floats = np.degrees(np.arctan2(-n[..., 1], np.hypot(n[..., 0], n[..., 2])))
    return angle


def front_normal(p: Floats, q: Floats, r: Floats) -> Floats:
    """The normal (q - p) x (mid(p, q) - r), not normalised: with p, q the left and right hip
    and r the middle of the shoulders it points where the body's front faces."""
    normal: Floats = np.cross(q - p, (p + q) / 2.0 - r)
    return normal


def front3d(p: Floats, q: Floats, r: Floats, s: Floats) -> Floats:
    """Angle between ``front_normal(p, q, r)`` and mid(p, q)->s, 0..180."""
    n = front_normal(p, q, r)
    return joint_angle3d(n, np.zeros_like(n), s - (p + q) / 2.0)


def facing_side(frame: PoseFrame) -> str:
    """The body side nearer the camera: 'left' or 'right'.

    Visibility alone is unreliable (MediaPipe reports ~0.99 for guessed joints), so it is
    combined with the world depth of the same joints: the nearer side has the smaller z.
    """
    vis = frame.visibility[_LEFT].mean() - frame.visibility[_RIGHT].mean()
    depth = frame.world[_RIGHT, 2].mean() - frame.world[_LEFT, 2].mean()  # > 0: left nearer
    score = 2.0 * vis + depth / 0.1  # 10 cm of depth counts like 0.5 of visibility
    return "left" if score >= 0 else "right"


def other_side(side: str) -> str:
    """ "left" for "right" and back: the far side when ``side`` faces the camera."""
    return "right" if side == "left" else "left"


def resolve(name: str, side: str) -> str:
    """A template's landmark name on the chosen side.

    Plain names ("knee") take the side facing the camera, "far_knee" the other side;
    "mid_hip" is the midpoint of both; "left_knee", "right_knee" and "nose" are literal.
    """
    if name in INDEX:
        return name
    if name.startswith("far_"):
        return f"{other_side(side)}_{name[4:]}"
    if name.startswith("mid_"):
        return name
    return f"{side}_{name}"


def torso_length(frame: PoseFrame) -> float:
    """Mid-shoulder to mid-hip distance in aspect-correct image units: the body's scale."""
    return float(np.linalg.norm(frame.point("mid_shoulder") - frame.point("mid_hip")))


def view_turn(frame: PoseFrame) -> float:
    """How far round from straight in front (or behind) the camera sees the body, 0..90
    degrees, from the world landmarks: the larger of the hip line's and the shoulder line's
    angle out of the picture plane (90 side-on, 0 facing the camera). A torso pointing at the
    camera shortens in the picture, which fools a width-over-length ratio; this does not.
    NaN without world landmarks."""
    if not frame.world.any():
        return float("nan")
    across = frame.world[_ACROSS_RIGHT] - frame.world[_ACROSS_LEFT]  # hip and shoulder lines
    out_of_plane = np.abs(across[:, 2]) / np.maximum(np.linalg.norm(across, axis=1), 1e-9)
    return float(np.degrees(np.arcsin(np.clip(out_of_plane, 0.0, 1.0))).max())


def side_on_ratio(frame: PoseFrame) -> float:
    """Shoulder width over torso length as seen by the camera.

    About 0.0-0.4 when the camera sees the body side-on, 0.6-1.0 when it sees the chest or back.
    """
    width = float(np.linalg.norm(frame.point("left_shoulder") - frame.point("right_shoulder")))
    hips = float(np.linalg.norm(frame.point("left_hip") - frame.point("right_hip")))
    return max(width, hips) / max(torso_length(frame), 1e-9)
