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


# The test files that drive Chromium: run one after another, in one worker (see below).
BROWSER_FILES = frozenset(
    {
        "test_browser.py",
        "test_browser_new_poses.py",
        "test_browser_sides.py",
        "test_browser_voice.py",
        "test_report.py",
    }
)


LONGEST_FIRST = {name: 0 for name in BROWSER_FILES} | {"test_eval.py": 1, "test_video.py": 2}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unlisted = {
        item.path.name
        for item in items
        if item.get_closest_marker("browser") and item.path.name not in BROWSER_FILES
    }
    if unlisted:
        raise pytest.UsageError(f"browser tests in {sorted(unlisted)}: add to BROWSER_FILES")
    # The longest first, so that neither worker is left with a long file at the end: the
    # browser files (about 8 minutes), the accuracy floors (6), the real clips (3.5).
    items.sort(key=lambda item: LONGEST_FIRST.get(item.path.name, len(LONGEST_FIRST)))
    if POSEDATA.is_dir():
        return
    if IN_CI and any(item.get_closest_marker("realdata") for item in items):
        raise pytest.UsageError(f"{MISSING}; CI=true requires them, nothing is skipped")
    for item in items:
        if item.get_closest_marker("realdata"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.hookimpl(optionalhook=True)  # xdist's hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Two workers (pyproject's addopts): a test file's tests stay in one worker, so its module
    fixtures (the eval over every photo, a clip read at full rate) are built once, and the
    browser files run one after another: two pages at once would each run a pose model beside
    a browser on a 2-core machine. (xdist's own ``loadgroup`` does nothing under pytest 9.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByFileBrowsersInLine(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "browser" if path.rsplit("/", 1)[-1] in BROWSER_FILES else path

    return ByFileBrowsersInLine(config, log)


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped templates, loaded once."""
    return load_library()
