"""Shared fixtures, and the one way a test says it needs the real photos.

Mark such a test (or module) ``@pytest.mark.realdata``: it is skipped, with the folder it looked
for, when ``../shared/posedata`` (or ``$POSEGUIDE_POSEDATA``) is absent (in CI, with ``CI=true``,
the run fails instead). The photos are never
copied into this repository.
"""

from __future__ import annotations

import pytest
from realdata import IN_CI, POSEDATA

from poseguide.core.templates import Library, load_library

MISSING = f"real photos not found at {POSEDATA} (set POSEGUIDE_POSEDATA to the posedata folder)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if POSEDATA.is_dir():
        return
    if IN_CI and any(item.get_closest_marker("realdata") for item in items):
        raise pytest.UsageError(f"{MISSING}; CI=true requires them, nothing is skipped")
    for item in items:
        if item.get_closest_marker("realdata"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped templates, loaded once."""
    return load_library()
