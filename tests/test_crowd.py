"""A second person in the picture is noticed and the timer does not run."""

import cv2
import numpy as np
import pytest
from realdata import POSEDATA, SPHINX, letterbox

from poseguide.core.checker import Status
from poseguide.core.templates import load_library
from poseguide.vision.crowd import CrowdWatch
from poseguide.vision.detector import PoseDetector
from poseguide.vision.processor import FrameProcessor

pytestmark = pytest.mark.realdata
STANDING_A = "negative/getyourasanamat__mountain_file1.jpeg"
STANDING_B = "negative/lucapomer__mountain_File58.jpg"


def side_by_side(a: str, b: str) -> np.ndarray:
    """Two photos next to each other in one 640x480 BGR frame."""
    halves = [cv2.resize(letterbox(POSEDATA / p, (320, 480)), (320, 480)) for p in (a, b)]
    return np.ascontiguousarray(np.hstack(halves))


@pytest.fixture(scope="module")
def detector():
    with PoseDetector("photo") as d:
        yield d


@pytest.mark.parametrize(
    "photos,people", [((STANDING_A, STANDING_B), 2), ((STANDING_A,), 1), ((SPHINX,), 1)]
)
def test_people_counted(detector, photos, people):
    bgr = side_by_side(*photos) if len(photos) == 2 else letterbox(POSEDATA / photos[0])
    frame = detector.detect_bgr(bgr, 0.0)
    watch = CrowdWatch(every_s=0.0)
    assert watch.people_in(bgr, frame, 0.0) == people
    watch.close()


def test_two_people_stop_the_timer_and_say_why():
    library = load_library()
    processor = FrameProcessor(library["sphinx"], library)
    one, two = letterbox(POSEDATA / SPHINX), side_by_side(STANDING_A, STANDING_B)
    for i in range(30):
        _, result = processor.process(one.copy(), i / 15)
    assert result.holding
    for i in range(30, 75):  # 3 s: the watch looks again within 2 s
        _, result = processor.process(two.copy(), i / 15)
    assert result.verdict.status == Status.NO_PERSON and not result.holding
    assert result.verdict.correction == "Only one person should be in the picture"
    processor.close()
