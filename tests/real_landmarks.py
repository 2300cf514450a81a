"""Landmarks of two real photos, as the pose model reads them, and the same bodies turned in 3D.

No photos of the rotational neck stretch or the standing trunk rotation were found (see
docs/accuracy.md), so their fixtures are real photos' landmarks with the head or the upper body
turned by a known angle, never a body drawn from nothing. The numbers are the pose model's
reading of two photos in ../shared/posedata (copied here rounded, so pure tests can use them;
``test_measures.py::test_stored_real_landmarks_are_what_the_model_reads`` checks them against a
fresh reading):

* SEATED: someone sitting cross-legged facing the camera, looking ahead (a lotus in the
  negative folder; its head reads a 4-degree turn and a 10-degree lift);
* LUNGE: a crescent lunge seen side-on, left leg back, both arms up, chest square (it reads 28
  degrees turned towards the front leg against the hips: the back hip opens).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from poseguide.core.landmarks import INDEX, N_LANDMARKS, POINT_INDEX, PoseFrame

PHOTOS = {
    "SEATED": ("negative/aaiproject__Padmasana_File10.jpeg", 464, 395),
    "LUNGE": (
        "negative/aaiproject__Virabhadrasana_One_Crescent-Pose-High-Lunge-Anjaneyasana-Ekhart-Yoga.jpg",
        1000,
        562,
    ),
}
HEAD = [i for n, i in INDEX.items() if n == "nose" or any(p in n for p in ("eye", "ear", "mouth"))]
UPPER = HEAD + [
    INDEX[f"{s}_{p}"]
    for s in ("left", "right")
    for p in ("shoulder", "elbow", "wrist", "pinky", "index", "thumb")
]

# SEATED: the lotus of PHOTOS (464x395)
SEATED_IMAGE = np.array(
    [
        (0.5066, 0.2060),
        (0.5214, 0.1821),
        (0.5306, 0.1825),
        (0.5393, 0.1837),
        (0.4913, 0.1832),
        (0.4802, 0.1853),
        (0.4717, 0.1871),
        (0.5551, 0.1994),
        (0.4611, 0.2030),
        (0.5292, 0.2387),
        (0.4895, 0.2398),
        (0.6483, 0.3722),
        (0.3747, 0.3666),
        (0.7221, 0.5813),
        (0.3060, 0.5829),
        (0.8120, 0.7476),
        (0.2233, 0.7907),
        (0.8530, 0.7817),
        (0.1690, 0.8325),
        (0.8418, 0.7783),
        (0.1889, 0.8315),
        (0.8256, 0.7692),
        (0.2147, 0.8262),
        (0.5995, 0.7400),
        (0.4333, 0.7396),
        (0.7895, 0.8072),
        (0.2392, 0.7890),
        (0.4355, 0.8144),
        (0.5710, 0.8204),
        (0.4084, 0.7735),
        (0.5954, 0.7800),
        (0.2844, 0.8088),
        (0.7106, 0.8300),
    ]
)
SEATED_WORLD = np.array(
    [
        (-0.0004, -0.5511, -0.2750),
        (0.0072, -0.5893, -0.2579),
        (0.0076, -0.5899, -0.2566),
        (0.0074, -0.5902, -0.2573),
        (-0.0266, -0.5840, -0.2596),
        (-0.0264, -0.5846, -0.2607),
        (-0.0266, -0.5859, -0.2598),
        (0.0595, -0.5768, -0.1489),
        (-0.0910, -0.5657, -0.1672),
        (0.0229, -0.5267, -0.2370),
        (-0.0213, -0.5214, -0.2394),
        (0.1722, -0.3914, -0.1261),
        (-0.1795, -0.3803, -0.1453),
        (0.2513, -0.1775, -0.1630),
        (-0.2739, -0.1549, -0.1697),
        (0.3788, -0.0373, -0.2939),
        (-0.3844, 0.0289, -0.2892),
        (0.4296, 0.0103, -0.3148),
        (-0.4208, 0.0868, -0.2951),
        (0.4131, 0.0145, -0.3502),
        (-0.4033, 0.0940, -0.3239),
        (0.3798, -0.0228, -0.3071),
        (-0.3799, 0.0485, -0.3033),
        (0.1191, 0.0016, 0.0060),
        (-0.1194, -0.0019, -0.0047),
        (0.2937, 0.0651, -0.2610),
        (-0.3193, 0.0234, -0.2550),
        (-0.0747, 0.0850, -0.1162),
        (0.0859, 0.0839, -0.1216),
        (-0.1108, 0.0741, -0.0903),
        (0.1290, 0.0777, -0.0974),
        (-0.2400, 0.0994, -0.1266),
        (0.2539, 0.1085, -0.1298),
    ]
)
SEATED_VISIBILITY = np.array(
    [
        (1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000),
        (1.000, 0.999, 0.981, 0.969, 0.935, 0.870, 0.908, 0.833, 0.928, 0.861, 0.938),
        (0.889, 0.999, 0.999, 0.965, 0.950, 0.550, 0.519, 0.438, 0.450, 0.478, 0.491),
    ]
).ravel()
# LUNGE: the crescent lunge of PHOTOS (1000x562)
LUNGE_IMAGE = np.array(
    [
        (0.4554, 0.3258),
        (0.4637, 0.3106),
        (0.4655, 0.3105),
        (0.4676, 0.3106),
        (0.4629, 0.3105),
        (0.4641, 0.3103),
        (0.4656, 0.3101),
        (0.4827, 0.3217),
        (0.4805, 0.3207),
        (0.4599, 0.3411),
        (0.4586, 0.3411),
        (0.4970, 0.4071),
        (0.4927, 0.4000),
        (0.4941, 0.2740),
        (0.4907, 0.2780),
        (0.5010, 0.1403),
        (0.4960, 0.1591),
        (0.4991, 0.1055),
        (0.4960, 0.1191),
        (0.5030, 0.1021),
        (0.4974, 0.1147),
        (0.5039, 0.1102),
        (0.4974, 0.1276),
        (0.4841, 0.6828),
        (0.4693, 0.6696),
        (0.5572, 0.8179),
        (0.3575, 0.7224),
        (0.6551, 0.8788),
        (0.3510, 0.9176),
        (0.6768, 0.8714),
        (0.3609, 0.9524),
        (0.6503, 0.9472),
        (0.3005, 0.9557),
    ]
)
LUNGE_WORLD = np.array(
    [
        (-0.0912, -0.6571, -0.0795),
        (-0.0678, -0.6901, -0.0999),
        (-0.0674, -0.6906, -0.0992),
        (-0.0673, -0.6908, -0.0988),
        (-0.0682, -0.6928, -0.0663),
        (-0.0678, -0.6936, -0.0669),
        (-0.0676, -0.6949, -0.0663),
        (0.0406, -0.6503, -0.1504),
        (0.0346, -0.6716, -0.0073),
        (-0.0499, -0.6196, -0.0970),
        (-0.0519, -0.6252, -0.0547),
        (0.0994, -0.5171, -0.2210),
        (0.0396, -0.5611, 0.0598),
        (0.0680, -0.7360, -0.3240),
        (0.0407, -0.7933, 0.1265),
        (0.0980, -0.9722, -0.3218),
        (0.0538, -0.9924, 0.0202),
        (0.0934, -1.0138, -0.3481),
        (0.0582, -1.0287, -0.0062),
        (0.1086, -1.0212, -0.3419),
        (0.0734, -1.0349, -0.0142),
        (0.1052, -0.9844, -0.3182),
        (0.0659, -0.9988, 0.0071),
        (0.0694, -0.0068, -0.0810),
        (-0.0692, 0.0063, 0.0824),
        (0.2950, 0.2692, -0.0239),
        (-0.3421, 0.1256, 0.0109),
        (0.6712, 0.3729, 0.1217),
        (-0.3828, 0.5183, 0.0706),
        (0.7189, 0.3902, 0.1310),
        (-0.3911, 0.5640, 0.0660),
        (0.7293, 0.4432, 0.0444),
        (-0.5162, 0.5952, -0.0123),
    ]
)
LUNGE_VISIBILITY = np.array(
    [
        (1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 0.999, 0.999),
        (0.999, 0.999, 0.998, 0.180, 0.994, 0.505, 0.986, 0.509, 0.984, 0.500, 0.977),
        (0.550, 1.000, 1.000, 0.995, 0.994, 0.991, 0.994, 0.947, 0.991, 0.978, 0.983),
    ]
).ravel()

_STORED = {
    "SEATED": (SEATED_IMAGE, SEATED_WORLD, SEATED_VISIBILITY),
    "LUNGE": (LUNGE_IMAGE, LUNGE_WORLD, LUNGE_VISIBILITY),
}


def real_frame(key: str) -> PoseFrame:
    """The stored reading of photo ``key`` ("SEATED" or "LUNGE") as a PoseFrame."""
    image, world, visibility = _STORED[key]
    _, width, height = PHOTOS[key]
    return PoseFrame(
        timestamp=0.0,
        image=image.copy(),
        world=world.copy(),
        visibility=visibility.copy(),
        presence=np.ones(N_LANDMARKS),
        width=width,
        height=height,
    )


def rotated(
    frame: PoseFrame, rows: list[int], axis: np.ndarray, centre: np.ndarray, degrees: float
) -> PoseFrame:
    """The frame with the world landmarks ``rows`` turned ``degrees`` about ``axis`` through
    ``centre`` (right-handed: about the body's up axis a positive turn faces the person's
    left). The picture's landmarks stay: every gate of the two templates reads the world."""
    k = axis / np.linalg.norm(axis)
    a = np.radians(degrees)
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rot = np.eye(3) + np.sin(a) * cross + (1 - np.cos(a)) * cross @ cross
    world = frame.world.copy()
    world[rows] = (world[rows] - centre) @ rot.T + centre
    return replace(frame, world=world)


def world(frame: PoseFrame, name: str) -> np.ndarray:
    point: np.ndarray = frame.world_points[POINT_INDEX[name]]
    return point


def turned_head(frame: PoseFrame, turn: float, nod: float = 0.0) -> PoseFrame:
    """The head turned ``turn`` degrees to the person's left about the spine's axis through
    the middle of the shoulders, then nodded ``nod`` degrees chin down about the ear line."""
    up = world(frame, "mid_shoulder") - world(frame, "mid_hip")
    frame = rotated(frame, HEAD, up, world(frame, "mid_shoulder"), turn)
    across = world(frame, "right_ear") - world(frame, "left_ear")
    return rotated(frame, HEAD, across, world(frame, "mid_ear"), -nod)


def turned_chest(frame: PoseFrame, turn: float) -> PoseFrame:
    """The shoulders, arms and head turned ``turn`` degrees to the person's left about the
    spine's axis through the middle of the hips."""
    up = world(frame, "mid_shoulder") - world(frame, "mid_hip")
    return rotated(frame, UPPER, up, world(frame, "mid_hip"), turn)


def neck_stretch(side: str = "left") -> PoseFrame:
    """The seated photo with its head turned 50 degrees to ``side`` and nodded 35."""
    frame = turned_head(real_frame("SEATED"), 50.0, 35.0)
    return frame if side == "left" else frame.flipped()


def trunk_rotation(side: str = "left") -> PoseFrame:
    """The lunge (left leg back) with its chest turned 50 degrees towards the back leg; the
    right side is the mirrored picture (right leg back, turned right)."""
    frame = turned_chest(real_frame("LUNGE"), 50.0)
    return frame if side == "left" else frame.flipped()
