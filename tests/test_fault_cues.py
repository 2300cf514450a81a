"""The common mistakes the guides name, each with its own cue.

Fixtures are the landmarks MediaPipe finds on real photos of good form, with joints moved the
way the mistake moves them (in the picture and in the 3D world landmarks alike). Each set
starts with two seconds of good form; the test checks the first cue spoken afterwards and
whether the hold kept counting (refinements) or stopped (gates).
"""

from dataclasses import replace

import numpy as np
import pytest
from realdata import POSEDATA

from poseguide.core.angles import front_normal
from poseguide.core.landmarks import INDEX, PoseFrame
from poseguide.core.session import ExerciseSet
from poseguide.core.templates import load_library
from poseguide.core.timer import TOO_FAST_WORDS, EventKind
from poseguide.vision.media import load_photo

pytestmark = pytest.mark.realdata

LIB = load_library()
DT = 1 / 15
GOOD = {
    "cat": "cat/aaiproject__Cat-Pose-Marjaryasana.png",
    "cow": "cow/aaiproject__File1.png",
    "childs_pose": "childs_pose/lucapomer__File1.jpg",
    "sphinx": "sphinx/aaiproject__File13.png",
    "cobra": "cobra/virtualyogatrainer__14-0.png",
    "seated_twist": "seated_twist/aaiproject__File18.png",
}
HEAD = [n for n in INDEX if n == "nose" or any(p in n for p in ("eye", "ear", "mouth"))]
BOTH = ("left", "right")


@pytest.fixture(scope="module")
def good():
    from poseguide.vision.detector import PoseDetector

    with PoseDetector("photo", segmentation=True) as detector:
        return {tid: detector.detect_photo(load_photo(POSEDATA / p)) for tid, p in GOOD.items()}


def moved(
    frame: PoseFrame, names: list[str], image: tuple[float, float], depth: float = 0.0
) -> PoseFrame:
    """``frame`` with the named landmarks moved by ``image`` (x right, y down) in torso
    lengths, and ``depth`` torso lengths towards the camera in the world landmarks."""
    pts = frame.points
    torso_img = np.linalg.norm(pts[INDEX["left_shoulder"]] - pts[INDEX["left_hip"]])
    w = frame.world
    torso_w = np.linalg.norm(w[INDEX["left_shoulder"]] - w[INDEX["left_hip"]])
    img, world = frame.image.copy(), w.copy()
    idx = [INDEX[n] for n in names]
    step = np.array(image) * torso_img
    img[idx] += step / np.array([frame.width / frame.height, 1.0])
    world[idx] += np.array([*(np.array(image) * torso_w), -depth * torso_w])
    return replace(frame, image=img, world=world)


def shrugged(frame: PoseFrame) -> PoseFrame:
    """Shoulders drawn up to the ears: each side of the head sinks three quarters of the way
    from its ear onto its shoulder (the nose with the middle of the two)."""
    image, world = frame.image.copy(), frame.world.copy()
    for name in HEAD:
        sides = [s for s in BOTH if s in name] or list(BOTH)
        ear = [INDEX[f"{s}_ear"] for s in sides]
        sh = [INDEX[f"{s}_shoulder"] for s in sides]
        i = INDEX[name]
        image[i] += SINK * (frame.image[sh].mean(axis=0) - frame.image[ear].mean(axis=0))
        world[i] += SINK * (frame.world[sh].mean(axis=0) - frame.world[ear].mean(axis=0))
    return replace(frame, image=image, world=world)


SINK = 0.75


def hips_lifted(frame: PoseFrame) -> PoseFrame:
    """The pelvis pushed up off the floor by about half a torso length (towards up dog)."""
    return moved(frame, [f"{s}_hip" for s in BOTH], (0.0, -0.6))


def hips_off_heels(frame: PoseFrame) -> PoseFrame:
    """Child's pose with the hips up and forward, far from the heels (hands walked back)."""
    toward = np.sign(frame.point("mid_shoulder")[0] - frame.point("mid_hip")[0])
    return moved(frame, [f"{s}_hip" for s in BOTH], (0.3 * toward, -0.3))


def over_lifted(frame: PoseFrame) -> PoseFrame:
    """A full cobra pushed further: the chest straight above the hips (the head and the
    shoulders lifted together, the elbows half as far)."""
    pts = frame.points
    hip, shoulder = pts[INDEX["left_hip"]], pts[INDEX["left_shoulder"]]
    torso = float(np.linalg.norm(shoulder - hip))
    toward = np.sign(shoulder[0] - hip[0])
    step = (np.array([0.02 * toward, -1.0]) * torso - (shoulder - hip)) / torso
    upper = HEAD + [f"{s}_shoulder" for s in BOTH]
    return moved(moved(frame, upper, tuple(step)), [f"{s}_elbow" for s in BOTH], tuple(step / 2))


def slumped(frame: PoseFrame) -> PoseFrame:
    """Seen from the front: the chest sinks and the shoulders and head come forward."""
    upper = HEAD + [f"{s}_{p}" for s in BOTH for p in ("shoulder", "elbow", "wrist")]
    return moved(frame, upper, (0.0, 0.1), depth=0.6)


def head_thrown_back(frame: PoseFrame) -> PoseFrame:
    """Cobra with the head thrown back over the shoulders, towards the feet: the face tilts
    back by about 36 degrees, as in a shared photo of a full cobra."""
    pts = frame.points
    toward = np.sign(pts[INDEX["left_shoulder"]][0] - pts[INDEX["left_hip"]][0])
    return moved(frame, HEAD, (-0.7 * toward, 0.0))


def leaning_aside(frame: PoseFrame) -> PoseFrame:
    """Seen from the front: the head and shoulders lean sideways, the spine about 25 degrees
    off upright in the picture: still the twist, said while the hold counts."""
    return moved(frame, HEAD + [f"{s}_shoulder" for s in BOTH], (0.6, 0.0))


def legs_behind(frame: PoseFrame) -> PoseFrame:
    """The legs behind the body instead of in front of it, as lying on the front with the
    chest up: the knees' and feet's world landmarks reflected through the plane of the hips
    and the middle of the shoulders (the body's front). Seen from the front the picture cannot
    tell. Feet alone behind the hips are a way to sit (both legs folded to one side)."""
    w = frame.world
    left, right = w[INDEX["left_hip"]], w[INDEX["right_hip"]]
    hips = (left + right) / 2
    shoulders = (w[INDEX["left_shoulder"]] + w[INDEX["right_shoulder"]]) / 2
    normal = front_normal(left, right, shoulders)
    normal /= np.linalg.norm(normal)
    world = w.copy()
    legs = [INDEX[f"{s}_{p}"] for s in BOTH for p in ("knee", "ankle", "heel", "foot_index")]
    world[legs] -= 2 * np.outer((w[legs] - hips) @ normal, normal)
    return replace(frame, world=world)


FAULTS = [
    # template, mistake, expected first cue, hold keeps counting
    ("sphinx", shrugged, "Relax your shoulders away from your ears", True),
    ("cobra", shrugged, "Relax your shoulders away from your ears", True),
    ("cow", shrugged, "Relax your shoulders away from your ears", True),
    ("seated_twist", shrugged, "Relax your shoulders away from your ears", True),
    ("sphinx", hips_lifted, "Rest your hips and thighs on the floor", False),
    ("cobra", hips_lifted, "Keep your hips on the floor", False),
    ("cobra", over_lifted, "Lift only as high as is comfortable: lower your chest a little", True),
    ("cobra", head_thrown_back, "Look forward, away from your feet, with your neck long", True),
    ("childs_pose", hips_off_heels, "Sit your hips back towards your heels", True),
    ("seated_twist", leaning_aside, "Sit up tall, lift your chest", True),
    ("seated_twist", legs_behind, "Sit down on the floor with your legs in front of you", False),
    (
        "seated_twist",
        slumped,
        "Sit up tall: lift your chest instead of slumping into the twist",
        True,
    ),
]


def run(template_id: str, frames: list[PoseFrame]) -> tuple[list, ExerciseSet]:
    s = ExerciseSet(LIB[template_id], LIB)
    results = [s.update(f, (i + 1) * DT) for i, f in enumerate(frames)]
    return results, s


@pytest.mark.parametrize(
    ("tid", "fault", "cue", "keeps_counting"),
    FAULTS,
    ids=[f"{t}-{f.__name__}" for t, f, _, _ in FAULTS],
)
def test_first_cue_names_the_mistake(good, tid, fault, cue, keeps_counting):
    frame = good[tid]
    n_good, n_bad = round(2 / DT), round(8 / DT)
    results, s = run(tid, [frame] * n_good + [fault(frame)] * n_bad)
    assert results[n_good - 1].holding, results[n_good - 1].verdict
    spoken = [e.text for r in results for e in r.events if e.kind == EventKind.CUE]
    assert spoken[:1] == [cue]
    assert results[-1].holding is keeps_counting
    if keeps_counting:
        assert s.finish().held == pytest.approx(10 - DT, abs=0.1)


def test_rushing_the_cat_cow_is_told_to_slow_down(good):
    """Switching between cat and cow every 0.6 s (the guides: slowly, with the breath)."""
    frames = [good["cat"] if (i // 9) % 2 == 0 else good["cow"] for i in range(9 * 8)]
    results, _ = run("cat_cow", frames)
    said = [e for r in results for e in r.events if e.kind in (EventKind.CUE, EventKind.TOO_FAST)]
    assert said and said[0].kind == EventKind.TOO_FAST
    assert said[0].text == TOO_FAST_WORDS
