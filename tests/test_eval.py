"""Template accuracy on the real photos: the `eval` figures, per collection, with floors that
only go up.

The ranges were set on the first collections of each label; the second collection (files
``kateryna__`` / ``katyoga__``, web photos of many different people) arrived later and was never
tuned on, so it is held out (``eval --test-source``) and held to floors of its own: what a
template does on new people. The floors are counts of photos, so one photo more or less is
plain to see.
"""

import hashlib

import pytest
from realdata import POSEDATA

from poseguide.core.templates import load_library
from poseguide.offline.accuracy_table import markdown as accuracy_markdown
from poseguide.offline.camera_changes import SLIGHT_CHANGES
from poseguide.offline.evaluation import (
    evaluate,
    evaluate_changes,
    photo_detector,
    read_sources,
    robustness,
    tally,
    tally_held_out,
    video_detector,
)

pytestmark = pytest.mark.realdata

HELD_OUT = "KaterynaMeleshenko/yoga_poses_classification"

# (label, "tuned" or "held_out"): (photos, found >=, seen >=, right >=, wrong <=), in photos.
# The tuned floors are the fractions the single-collection floors held before the second
# collection arrived (cat 0.97, cow 0.94/0.06, child's pose 0.91, sphinx 0.97/0.03, cobra
# seen 0.93 right 0.87 wrong 0.04, seated twist 0.97, negatives all refused), as counts.
# The held-out floors are the figures measured the day the collection was shared, before any
# template change: issue 23's target there is right >= 90% and wrong <= 3%.
FLOORS = {
    # 33 and 3 before a back rounded past tabletop's flat band counted as cat with the head
    # hanging only a little (two cats read 108-110 at the head, among tabletops at 105-109)
    ("cat", "tuned"): (34, 34, 34, 34, 0),
    ("cat", "held_out"): (5, 5, 5, 4, 1),  # one cat with its head up reads as cow
    ("cow", "tuned"): (38, 38, 38, 36, 1),  # 2 wrong before tabletop's back stopped at cow's
    ("cow", "held_out"): (6, 6, 6, 6, 0),
    ("childs_pose", "tuned"): (35, 35, 35, 32, 0),
    # 11 before the chest could rest on a bolster (the supported child's pose, up to 15
    # degrees above the hips; the held-out photo on a bolster reads 9.6 against 8 before)
    ("childs_pose", "held_out"): (15, 15, 14, 12, 0),
    ("sphinx", "tuned"): (34, 34, 34, 33, 1),
    # one photo only: its forearms read 48 degrees off the legs' line and cobra takes it
    ("sphinx", "held_out"): (1, 1, 1, 0, 1),
    # 28 under MediaPipe 0.10.21's solutions.pose; under the Tasks API's landmarker (the same
    # weights; landmarks within 0.9% of the frame at the median) one deep cobra's hips read
    # 26.4 degrees below the legs' line against the range's -25 (virtualyogatrainer__50-0)
    ("cobra", "tuned"): (32, 32, 30, 27, 1),
    ("cobra", "held_out"): (6, 6, 6, 6, 0),
    ("seated_twist", "tuned"): (34, 34, 34, 33, 0),
    # 10 right and 19 seen before issue 23's folded-leg twists: sitting shows by the angle at
    # the hips or by the feet's place along the spine (folded legs put the ankles beside the
    # hips, where that angle swings past 145), a clear turn stands in for the raised knee when
    # both legs fold to one side, and a sided template works on the side whose joints the
    # camera sees; 16 before the legs-ahead gate looked to the knees, which point forward
    # however the legs fold (to the ankles, beside the hip with both legs folded, one read 124).
    # Left: a twist on a block (feet 0.57 torso below the hips), one whose turn reads 11, two
    # whose 3D turn reads 0-3.5, a slumped spine (42 degrees) and one whose hugging elbow
    # reads behind the body (118)
    ("seated_twist", "held_out"): (23, 23, 23, 17, 0),
    ("double_knee_to_chest", "held_out"): (10, 10, 10, 7, 0),
    ("side_stretch", "tuned"): (5, 5, 5, 5, 0),
    # 1 before the other arm could rest along the outstretched leg sitting on the floor (60-75
    # degrees from the trunk); the fourth leans 10 degrees towards a bent raised arm
    ("side_stretch", "held_out"): (4, 4, 4, 3, 0),
    ("negative", "tuned"): (54, 54, 54, 54, 0),
}

# The live path: each photo letterboxed to 640x480 as the start of a video-mode session
# (eval --as-video). (label, part): (right >=, wrong <=), in photos.
VIDEO_FLOORS = {
    ("cat", "tuned"): (34, 0),  # 33 before the clearly rounded back (see FLOORS)
    ("cat", "held_out"): (4, 1),
    ("cow", "tuned"): (36, 1),
    ("cow", "held_out"): (6, 0),
    ("childs_pose", "tuned"): (32, 0),
    # 11 under solutions.pose; one photo moved (Tasks); 11 again with the bolster (FLOORS)
    ("childs_pose", "held_out"): (11, 0),
    ("sphinx", "tuned"): (31, 1),  # 32 under solutions.pose; one photo moved (Tasks API)
    ("sphinx", "held_out"): (0, 1),
    # 0.72 before the chest's upper end and the face became refinements, 0.78 before the first
    # look kept the reading on the silhouette, 0.81 (26 of 32) before the Tasks API
    ("cobra", "tuned"): (27, 1),
    ("cobra", "held_out"): (6, 0),
    # 0.91 before the twist itself was a gate: as webcam frames three twists read 4-9 degrees
    # (7.7-11 in photo mode), under the 10 degrees sitting square can reach, one has its feet
    # out of the letterboxed frame, which the sitting check now needs, and one its other elbow
    # hidden, which the arm-at-the-knee gate needs (without it real clips held false twists).
    # 0.79 before sitting was the 3D angle at the hips, 0.82 before the silhouette first look,
    # 0.85 (29 of 34) before the Tasks API; held out 11 before issue 23's two ways to sit and
    # to twist (the feet by the hips, a clear turn with the legs folded), 15 before the
    # legs-ahead gate looked to the knees (FLOORS)
    ("seated_twist", "tuned"): (31, 0),
    ("seated_twist", "held_out"): (18, 0),
    ("double_knee_to_chest", "held_out"): (7, 0),
    ("side_stretch", "tuned"): (5, 0),
    ("side_stretch", "held_out"): (3, 0),  # 1 before the arm along the leg (see FLOORS)
    ("negative", "tuned"): (54, 0),
}


def held_out_report(results, library):
    return tally_held_out(results, library, read_sources(POSEDATA), HELD_OUT)


def print_report(title, report, library):
    """The figures as docs/accuracy.md shows them (``eval --markdown``)."""
    print(f"\n{title}\n{accuracy_markdown(report, library)}")


def count(s, key):
    """A fraction of the tally back as a count of photos."""
    return round(s[key] * s["photos"])


@pytest.fixture(scope="module")
def results():
    library = load_library()
    return library, evaluate(POSEDATA, library, photo_detector())


def test_eval_floors_per_collection(results):
    library, res = results
    report = held_out_report(res, library)
    print_report("photos", report, library)
    failures = []
    for (label, part), (photos, found, seen, right, wrong) in FLOORS.items():
        s = report[label][part]
        got = (s["photos"], *(count(s, k) for k in ("found", "seen", "right", "wrong")))
        if got[0] != photos or got[1] < found or got[2] < seen or got[3] < right or got[4] > wrong:
            failures.append(
                f"{label} {part}: photos found seen right wrong {got} (floors {photos} "
                f">={found} >={seen} >={right} <={wrong})"
            )
    assert not failures, "\n".join(failures)


def test_sphinx_and_cobra_refuse_each_other(results):
    library, res = results
    report = tally(res, library)["confusion"]
    assert report["sphinx"].get("cobra", 0) <= 2  # 1 before the held-out sphinx (see FLOORS)
    assert report["cobra"].get("sphinx", 0) <= 1


def test_eval_json_shape(results):
    library, res = results
    report = tally(res, library)
    assert set(report) == {"labels", "confusion"}
    assert set(report["labels"]["sphinx"]) == {"photos", "found", "seen", "right", "wrong"}
    assert report["labels"]["sphinx"]["photos"] == 35


def test_live_path_floors_per_collection():
    library = load_library()
    report = held_out_report(evaluate(POSEDATA, library, video_detector()), library)
    print_report("as video", report, library)
    failures = [
        f"{label} {part}: {report[label][part]} (floors right>={right} wrong<={wrong} photos)"
        for (label, part), (right, wrong) in VIDEO_FLOORS.items()
        if count(report[label][part], "right") < right
        or count(report[label][part], "wrong") > wrong
    ]
    assert not failures, "\n".join(failures)


# Camera changes (eval --augment) on a fixed half of the measured labels' photos (those whose
# file-name hash is even: 122 photos x 13 looks, about 2.5 minutes; the README gives the figures
# for all photos). The target is that no label loses more than 5 points right or gains
# more than 2 points wrong under any change; not met (README), and read again not reachable
# with this detector: changes too small to see (SLIGHT_CHANGES, also under these limits) cost up
# to 12 points on this half. These are the limits reached:
# label: (most points lost right, most points gained wrong) under any one change.
AUGMENT_LABELS = ("cat", "cow", "childs_pose", "sphinx", "cobra", "seated_twist", "negative")
AUGMENT_LIMITS = {
    "cat": (12, 6),
    "cow": (12, 6),
    "childs_pose": (11, 0),
    # 25 lost before the chest was measured from the floor line, 19 after; 25 again since the
    # view is judged in 3D, which accepts a three-quarter sphinx as it is (94% -> 100% on this
    # half) that some changes lose. 7 wrong before the forearms were measured from the legs.
    "sphinx": (25, 0),
    "cobra": (13, 0),  # 19 before the chest's upper end became a refinement
    "seated_twist": (23, 0),  # 8 wrong (as cobra) before cobra's legs-behind gate
    "negative": (5, 5),
}
# The templates' own share: each photo's landmarks moved as the change moves the picture, no
# new reading. What the detected figures lose beyond these, the detector lost by misreading.
MOVED_LIMITS = {
    "cat": (0, 0),
    "cow": (6, 0),
    # The view is judged in 3D (world landmarks), which the moved readings turn with the
    # camera: a 25 degree pan turns a 60 degree view to 35, and "Turn side-on" is the answer.
    "childs_pose": (6, 0),  # 6 before the chest was measured from the shins, 0 after
    "sphinx": (13, 0),  # 7 before the view was judged in 3D
    "cobra": (7, 0),
    "seated_twist": (0, 0),  # 8 while sitting tall (the picture's vertical) was a gate
    # 5/5 while the side stretch measured its arms from the picture's horizontal: a sitting
    # negative rolled 10 degrees passed as one
    "negative": (0, 0),
}


def in_augment_sample(label, path):
    """The half these limits were measured on: the second collection arrived after them."""
    return (
        label in AUGMENT_LABELS
        and not path.name.startswith(("kateryna__", "katyoga__"))
        and hashlib.md5(path.name.encode()).digest()[1] % 2 == 0
    )


def _over_limits(report, limits, what):
    print(f"\n{what}: right/wrong as is, then points lost right / gained wrong per change")
    for label in AUGMENT_LABELS:
        row = report[label]
        changes = " ".join(
            f"{name}: {c['right_change']:+.0f}/{c['wrong_change']:+.0f}"
            for name, c in row.items()
            if name != "as is"
        )
        print(f"  {label:13s} {row['as is']['right']:4.0%}/{row['as is']['wrong']:3.0%} {changes}")
    return [
        f"{what}, {label} {name}: right {c['right_change']:+.1f} (limit -{lost}), "
        f"wrong {c['wrong_change']:+.1f} (limit +{gained})"
        for label, (lost, gained) in limits.items()
        for name, c in report[label].items()
        if -c["right_change"] > lost + 0.1 or c["wrong_change"] > gained + 0.1
    ]


@pytest.fixture(scope="module")
def changed():
    library = load_library()
    return library, evaluate_changes(POSEDATA, library, keep=in_augment_sample)


def test_camera_changes_cost_at_most_the_limits(changed):
    library, results = changed
    failures = _over_limits(
        robustness(results.detected, library), AUGMENT_LIMITS, "read again"
    ) + _over_limits(robustness(results.moved, library), MOVED_LIMITS, "landmarks moved")
    assert not failures, "\n".join(failures)


def test_no_photo_passes_only_just(changed):
    """Changes too small to see (SLIGHT_CHANGES: 1 degree, a 1% shift) move the landmarks
    too little to change a verdict, unless a template's range passes its photos only just.
    Read again, the same changes cost up to 9 points: the detector's own noise, the floor
    under the read-again limits above (README)."""
    library, results = changed
    report = robustness(results.moved, library)
    edges = [
        f"{label} {name}: right {c['right_change']:+.1f}, wrong {c['wrong_change']:+.1f}"
        for label in AUGMENT_LABELS
        for name, c in report[label].items()
        if name in SLIGHT_CHANGES and (c["right_change"] or c["wrong_change"])
    ]
    assert not edges, "\n".join(edges)
