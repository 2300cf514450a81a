"""A stream of real frames through model, checker, timer and overlay (no browser)."""

import numpy as np
import pytest
from realdata import MISREAD_COBRA, POSEDATA, SPHINX, letterbox

from poseguide.core.templates import load_library
from poseguide.vision.processor import (
    BACKLIT,
    TOO_DARK,
    FrameProcessor,
    lighting_hint,
    needs_mask,
)

LIB = load_library()


def test_lighting_hint():
    assert lighting_hint(np.full((480, 640, 3), 12, np.uint8)) == TOO_DARK
    assert lighting_hint(np.full((480, 640, 3), 120, np.uint8)) is None
    window = np.full((480, 640, 3), 245, np.uint8)  # a bright window...
    window[200:420, 250:400] = 20  # ...behind a dark figure
    assert lighting_hint(window) == BACKLIT
    assert lighting_hint(np.full((480, 640, 3), 245, np.uint8)) is None  # just a bright room


def test_dark_room_says_why_nobody_is_seen():
    processor = FrameProcessor(LIB["sphinx"], LIB)
    dark = np.full((480, 640, 3), 8, np.uint8)
    for i in range(10):
        _, result = processor.process(dark.copy(), i / 10)
    assert result.verdict.correction == TOO_DARK and not result.holding
    processor.close()


@pytest.mark.realdata
def test_time_jumps_never_add_time():
    """A stalled camera (a 10 s gap) and a clock going backwards add nothing."""
    processor = FrameProcessor(LIB["sphinx"], LIB)
    frame = letterbox(POSEDATA / SPHINX)
    times = [i / 15 for i in range(30)]  # 2 s in form
    times += [12.0 + i / 15 for i in range(15)]  # resumes after a 10 s stall
    times += [5.0 + i / 15 for i in range(15)]  # the clock jumps backwards
    for t in times:
        annotated, result = processor.process(frame.copy(), t)
    summary = processor.finish()
    processor.close()
    assert summary.held == pytest.approx(2.0 + 1.0, abs=0.25)
    assert all(s.seconds < 2.1 for s in summary.segments)
    assert not np.array_equal(annotated, frame)  # the overlay was drawn


def test_floor_poses_get_the_silhouette_standing_ones_go_without():
    assert needs_mask(LIB["cat"], LIB) and needs_mask(LIB["cat_cow"], LIB)  # the back's curve
    assert needs_mask(LIB["cobra"], LIB) and needs_mask(LIB["seated_twist"], LIB)  # first look
    assert not needs_mask(LIB["standing_back_extension"], LIB)


@pytest.mark.realdata
def test_a_deep_cobra_is_read_on_its_body_on_the_live_path():
    """Read plainly, the deep cobra's feet land on its hands, more confidently than the
    bordered reading; without the silhouette the live page tracked that misread and told a
    cobra in full view "Move back so your feet are in view"."""
    processor = FrameProcessor(LIB["cobra"], LIB)
    frame = letterbox(POSEDATA / MISREAD_COBRA)
    for i in range(6):
        _, result = processor.process(frame.copy(), i / 30)
    processor.close()
    assert result.verdict.in_range, result.verdict.correction
