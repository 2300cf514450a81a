"""The measure kinds (poseguide/core/measures.py): one record each, read by every module."""

import inspect
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from posefixtures import make_frame

from poseguide.core import angles
from poseguide.core.checker import measure_checks
from poseguide.core.measures import ALL, MEASURES
from poseguide.core.templates import load_library

ROOT = Path(__file__).resolve().parents[1]


def test_each_kind_is_listed_once_and_documented_in_the_angle_convention():
    kinds = [m.kind for m in ALL]
    assert len(kinds) == len(set(kinds)) == len(MEASURES)
    convention = (ROOT / "docs" / "angle-convention.md").read_text()
    documented = set(re.findall(r"\*\*([a-z0-9]+)\*\*", convention))
    assert set(kinds) <= documented, set(kinds) - documented


@pytest.mark.parametrize("measure", ALL, ids=lambda m: m.kind)
def test_record_is_consistent(measure):
    low, high = measure.limits
    assert low < high
    assert all(0 <= a < measure.points and 0 <= b < measure.points for a, b in measure.distinct)
    # 3D kinds are not drawn (the figure is flat); every 2D kind has where it may be drawn
    assert (measure.plausible is None) == measure.world
    if measure.plausible is not None:
        assert low <= measure.plausible[0] < measure.plausible[1] <= high


def test_point_counts_match_the_angle_functions():
    """A kind's point count is the arity of the function that measures it."""
    arity = {
        "joint": angles.joint_angle,
        "elevation": angles.elevation,
        "tilt": angles.tilt,
        "ratio": angles.ratio,
        "joint3d": angles.joint_angle3d,
        "elevation3d": angles.elevation3d,
        "rotation3d": angles.rotation3d,
        "facing3d": angles.facing3d,
        "front3d": angles.front3d,
    }
    for kind, fn in arity.items():
        wanted = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty]
        assert MEASURES[kind].points == len(wanted), kind


def test_world_and_silhouette_kinds_are_nan_without_their_input():
    library = load_library()
    template = library["cat"]  # head dropped (joint3d) and back rounded (curve)
    full = make_frame("cat")
    frame = replace(full, world=np.zeros_like(full.world), mask=None)  # neither world nor mask
    values = measure_checks(frame, template, "left")
    for c, v in zip(template.checks, values, strict=True):
        spec = MEASURES[c.measure]
        if spec.world or spec.on_points is None:
            assert np.isnan(v), c.id
        else:
            assert np.isfinite(v), c.id


def test_an_unknown_kind_is_an_error_not_a_curve():
    library = load_library()
    template = library["sphinx"]
    bad = replace(template, checks=(replace(template.checks[0], measure="wobble"),))
    with pytest.raises(ValueError, match="unknown measure 'wobble'"):
        measure_checks(make_frame("sphinx"), bad, "left")
