"""Stick-figure fixtures for every pose template in the library, built in code.

``pose_frame(template_id, side, mirror)`` returns a frame of someone doing that pose with the
given working side. Side-view figures are drawn by ``posefixtures.make_frame`` (near side
listed, the far side copied with a small offset); poses whose two sides differ also list the
far side's parts. Front-view figures list literal ``left_``/``right_`` points and are built by
``front_frame``: the person faces the camera, so their right side is on the image's left.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from posefixtures import HEAD, POSES, make_frame, world_from_image
from real_landmarks import neck_stretch, real_frame, trunk_rotation

from poseguide.core.angles import other_side
from poseguide.core.landmarks import INDEX, N_LANDMARKS, PoseFrame

Points = dict[str, tuple[float, float]]

# Lying on the back seen side-on, head on the left: face up, so the nose is above the ear.
_SUPINE: Points = {"nose": (0.14, 0.66), "ear": (0.17, 0.70), "shoulder": (0.24, 0.74),
                   "elbow": (0.34, 0.75), "wrist": (0.44, 0.75), "hip": (0.52, 0.74)}  # fmt: skip
_HUGGED_LEG: Points = {"knee": (0.42, 0.50), "ankle": (0.58, 0.46), "heel": (0.59, 0.48),
                       "foot_index": (0.62, 0.42)}  # fmt: skip
_LONG_LEG: Points = {"knee": (0.76, 0.745), "ankle": (0.97, 0.75), "heel": (0.98, 0.77),
                     "foot_index": (0.99, 0.71)}  # fmt: skip
_FOOT_FLAT_LEG: Points = {"knee": (0.66, 0.56), "ankle": (0.74, 0.74), "heel": (0.73, 0.76),
                          "foot_index": (0.80, 0.76)}  # fmt: skip

# Side-view figures of the near side; both legs alike unless FAR_PARTS says otherwise.
SIDE_POSES: dict[str, Points] = {
    "knee_to_chest": {**_SUPINE, **_HUGGED_LEG},
    "double_knee_to_chest": {**_SUPINE, **_HUGGED_LEG},
    "pelvic_tilt": {**_SUPINE, **_FOOT_FLAT_LEG},
    # The near leg is crossed, its ankle resting on the far (supporting) knee.
    "piriformis": {**_SUPINE, "knee": (0.58, 0.50), "ankle": (0.68, 0.56),
                   "heel": (0.69, 0.58), "foot_index": (0.72, 0.53)},
    # The near leg hangs over the edge of a bed, the far knee is hugged.
    "supine_hip_flexor": {**_SUPINE, "knee": (0.72, 0.80), "ankle": (0.74, 0.98),
                          "heel": (0.72, 0.99), "foot_index": (0.78, 0.99)},
    # On all fours facing right, the near arm threaded under, that shoulder on the floor.
    "thread_the_needle": {"nose": (0.72, 0.73), "shoulder": (0.64, 0.70),
                          "elbow": (0.60, 0.74), "wrist": (0.56, 0.72), "hip": (0.38, 0.45),
                          "knee": (0.38, 0.74), "ankle": (0.15, 0.75), "heel": (0.14, 0.73),
                          "foot_index": (0.10, 0.76)},
    # Standing facing right (toes to the right), leaning back with the hands on the lower back.
    "standing_back_extension": {"nose": (0.42, 0.11), "shoulder": (0.43, 0.23),
                                "elbow": (0.38, 0.38), "wrist": (0.45, 0.47),
                                "hip": (0.50, 0.52), "knee": (0.51, 0.72),
                                "ankle": (0.50, 0.92), "heel": (0.48, 0.94),
                                "foot_index": (0.56, 0.95)},
    # Face down, head on the left, chest lifted a little, arms along the body.
    "prone_back_lift": {"nose": (0.24, 0.62), "ear": (0.28, 0.61), "shoulder": (0.33, 0.64),
                        "elbow": (0.45, 0.70), "wrist": (0.58, 0.73), "hip": (0.62, 0.72),
                        "knee": (0.80, 0.74), "ankle": (0.96, 0.76), "heel": (0.96, 0.74),
                        "foot_index": (0.98, 0.78)},
}  # fmt: skip

FAR_PARTS: dict[str, Points] = {
    # The far shoulder stays up while the near one rests on the floor: the chest turns.
    "thread_the_needle": {"shoulder": (0.66, 0.52)},
    "knee_to_chest": _LONG_LEG,
    "piriformis": _FOOT_FLAT_LEG,
    "supine_hip_flexor": _HUGGED_LEG,
}

# Front views with the left side working.
FRONT_POSES: dict[str, Points] = {
    # Sitting tall, left knee up, right elbow hooked outside it, left hand behind.
    "seated_twist": {"nose": (0.52, 0.22), "right_shoulder": (0.42, 0.32),
                     "left_shoulder": (0.60, 0.32), "right_elbow": (0.68, 0.46),
                     "right_wrist": (0.72, 0.40), "left_elbow": (0.66, 0.55),
                     "left_wrist": (0.66, 0.70), "right_hip": (0.45, 0.62),
                     "left_hip": (0.57, 0.62), "left_knee": (0.66, 0.50),
                     "left_ankle": (0.55, 0.72), "right_knee": (0.30, 0.70),
                     "right_ankle": (0.60, 0.74)},
    # Standing, left arm up and over, trunk bending towards the right.
    "side_stretch": {"nose": (0.36, 0.20), "right_shoulder": (0.30, 0.36),
                     "left_shoulder": (0.47, 0.28), "left_elbow": (0.45, 0.14),
                     "left_wrist": (0.36, 0.06), "right_elbow": (0.28, 0.50),
                     "right_wrist": (0.32, 0.62), "right_hip": (0.45, 0.62),
                     "left_hip": (0.57, 0.62), "right_knee": (0.45, 0.80),
                     "left_knee": (0.57, 0.80), "right_ankle": (0.45, 0.97),
                     "left_ankle": (0.57, 0.97)},
}  # fmt: skip


# Depth (metres, + away from the camera) of front-view points that are not level with the hips:
# in the twist the chest turns about 30 degrees towards the raised left knee, and the legs
# reach forward towards the camera.
FRONT_DEPTHS: dict[str, dict[str, float]] = {
    "seated_twist": {"left_shoulder": 0.1, "right_shoulder": -0.1, "left_elbow": 0.12,
                     "right_elbow": -0.2, "right_wrist": -0.25, "left_knee": -0.3,
                     "nose": -0.05, "left_ankle": -0.45, "right_knee": -0.5,
                     "right_ankle": -0.6},
}  # fmt: skip


# Poses made of real photos' landmarks turned in 3D (real_landmarks.py), and those photos as
# they are: the neighbours these poses must refuse.
REAL_POSES = {"neck_rotation": neck_stretch, "trunk_rotation": trunk_rotation}
REAL_AS_IS = {"seated": "SEATED", "lunge": "LUNGE"}


def front_frame(points: Points, depths: dict[str, float] | None = None) -> PoseFrame:
    """A front-view PoseFrame from literal landmark names; both sides equally near unless
    ``depths`` says otherwise."""
    image = np.zeros((N_LANDMARKS, 2))
    for name in HEAD:
        image[INDEX[name]] = points["nose"]
    for name, xy in points.items():
        image[INDEX[name]] = xy
    for hand in ("pinky", "index", "thumb"):
        for side in ("left", "right"):
            image[INDEX[f"{side}_{hand}"]] = image[INDEX[f"{side}_wrist"]]
    depth = np.zeros(N_LANDMARKS)
    for name, z in (depths or {}).items():
        depth[INDEX[name]] = z
    return PoseFrame(
        timestamp=0.0,
        image=image,
        world=world_from_image(image, depth, 640, 480, None),
        visibility=np.full(N_LANDMARKS, 0.99),
        presence=np.full(N_LANDMARKS, np.nan),
    )


def with_far_parts(frame: PoseFrame, near: str, parts: Points, front: str | None) -> PoseFrame:
    """``frame`` with the far side's listed parts moved to the given points."""
    far = other_side(near)
    image = frame.image.copy()
    for part, xy in parts.items():
        image[INDEX[f"{far}_{part}"]] = xy
    world = world_from_image(image, frame.world[:, 2], frame.width, frame.height, front)
    return replace(frame, image=image, world=world)


def pose_frame(template_id: str, side: str = "left", mirror: bool = False) -> PoseFrame:
    """A fixture of the pose with ``side`` working (and, for side views, nearer the camera)."""
    if template_id in REAL_POSES or template_id in REAL_AS_IS:
        frame = (
            REAL_POSES[template_id](side)
            if template_id in REAL_POSES
            else real_frame(REAL_AS_IS[template_id])
        )
        return frame.flipped() if mirror else frame
    if template_id in FRONT_POSES:
        frame = front_frame(FRONT_POSES[template_id], FRONT_DEPTHS.get(template_id))
        flips = (side == "right") + mirror
        return frame.flipped() if flips == 1 else frame
    if template_id in POSES:
        return make_frame(template_id, near=side, mirror=mirror)
    front = (
        "down"
        if template_id in ("thread_the_needle", "prone_back_lift")
        else ("side" if template_id == "standing_back_extension" else "up")
    )
    frame = make_frame(SIDE_POSES[template_id], near=side, front=front)
    if template_id in FAR_PARTS:
        frame = with_far_parts(frame, side, FAR_PARTS[template_id], front)
    return frame.flipped() if mirror else frame
