"""The world landmarks the detector hands on: metres, hip-centred, along the camera's axes,
also when the picture was looked at turned a quarter (photo mode's second look)."""

import numpy as np
import pytest
from realdata import POSEDATA, SPHINX

from poseguide.core import angles
from poseguide.core.landmarks import INDEX
from poseguide.vision.detector import BODY, PoseDetector
from poseguide.vision.media import load_photo

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def looks():
    rgb = load_photo(POSEDATA / SPHINX)
    with PoseDetector("photo", segmentation=True) as d:
        return d._detect_padded(rgb, 0.0, 0.25), [d._detect_turned(rgb, 0.0, q) for q in (1, 3)]


def test_world_landmarks_are_metres_around_the_hips(looks):
    upright, _ = looks
    w = upright.world
    assert np.linalg.norm((w[INDEX["left_hip"]] + w[INDEX["right_hip"]]) / 2) < 0.05
    torso = np.linalg.norm(w[INDEX["left_shoulder"]] - w[INDEX["left_hip"]])
    assert 0.3 < torso < 0.8  # an adult's shoulder-to-hip, in metres


def test_turned_looks_turn_their_world_landmarks_back(looks):
    upright, turned = looks

    def facing(f):
        w = f.world_points
        return float(
            angles.facing3d(
                w[INDEX["left_shoulder"]],
                w[INDEX["right_shoulder"]],
                (w[INDEX["left_hip"]] + w[INDEX["right_hip"]]) / 2,
            )
        )

    assert facing(upright) < -30  # sphinx: lying face down
    for f in turned:
        assert abs(facing(f) - facing(upright)) < 20
        # body joints' world positions agree with the upright look's, axis for axis
        apart = np.linalg.norm((f.world - upright.world)[BODY], axis=1)
        assert np.median(apart) < 0.1, apart
