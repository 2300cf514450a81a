"""A template written out by ``template from-photo`` (``custom.to_toml``) reads back as the
same checks: what defines the pose stays a gate, a refinement stays a refinement, and gates
that are alternatives stay alternatives."""

from pathlib import Path

import pytest

from poseguide.core.custom import to_toml
from poseguide.core.templates import load_library, template_from_text

LIB = load_library()


@pytest.mark.parametrize("tid", sorted(t.id for t in LIB.poses() if not t.is_flow))
def test_written_template_keeps_each_checks_tier_and_alternatives(tid):
    base = LIB[tid]
    back = template_from_text(to_toml(base), Path(f"{tid}.toml"))
    assert [(c.id, c.tier, c.either, c.low, c.high) for c in back.checks] == [
        (c.id, c.tier, c.either, c.low, c.high) for c in base.checks
    ]
