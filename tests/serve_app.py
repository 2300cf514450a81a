"""Test-only launcher: runs the app on 127.0.0.1 with WebRTC working over loopback.

aioice (the ICE library under aiortc) never offers 127.0.0.1 as a host candidate, so on a
machine with only loopback the browser and the server cannot connect. This launcher replaces
``aioice.ice.get_host_addresses`` before starting Streamlit in the same process. The patch
lives here and never in the app. Usage: ``python tests/serve_app.py PORT``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import aioice.ice

ROOT = Path(__file__).resolve().parent.parent


def _short_routine():  # type: ignore[no-untyped-def]
    from poseguide.live.routine import Routine, Step

    return Routine(
        "Basic daily routine",
        (Step("sphinx", hold_s=3), Step("cat_cow", reps=2), Step("sphinx", hold_s=4)),
    )


def _sides_routine():  # type: ignore[no-untyped-def]
    from poseguide.live.routine import Routine, Step

    return Routine(
        "Basic daily routine", (Step("knee_to_chest", hold_s=3, per_side=True, sets_per_side=1),)
    )


ROUTINES = {"short": _short_routine, "sides": _sides_routine}


def loopback_only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """The one address both ends share in a test run."""
    return ["127.0.0.1"]


def main(port: str) -> None:
    aioice.ice.get_host_addresses = loopback_only
    from streamlit.web import cli

    from poseguide.ui import compat

    # The page applies this fix on its first run; applied here before the server starts, it
    # also covers the very first page load (a plain ``streamlit run`` logs that one once).
    compat.send_uncompressed_starts()

    wanted = os.environ.get("POSEGUIDE_TEST_ROUTINE")
    if wanted:
        from poseguide.live import routine

        # A browser test's routine: short holds on the photos its fake camera shows.
        routine.BASIC_ROUTINE = ROUTINES[wanted]()
    os.chdir(ROOT)  # .streamlit/config.toml is read from the working directory
    sys.argv = [
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        port,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1])
