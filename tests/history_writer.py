"""Test helper process: commit holds to a history database, printing each id once committed.

Used by test_history_durability.py to SIGKILL a writer mid-session and to run writers in
parallel. Usage: python history_writer.py DB [--count N] [--go FILE]
(N = 0 writes until killed; with --go, start writing only once FILE exists, so that
several writers really overlap instead of being staggered by interpreter start-up).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from poseguide.history import History


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--count", type=int, default=0, help="holds to write; 0 = forever")
    parser.add_argument("--go", type=Path, help="wait for this file before writing")
    args = parser.parse_args(argv)
    with History(args.db) as history:
        start = datetime.now(timezone.utc)
        session = history.start_session(start, pain_before=2)
        set_id = history.start_set(session, "child_pose", None, 30, None, start)
        print(f"set {set_id}", flush=True)
        deadline = time.monotonic() + 60  # never linger if the test died before saying go
        while args.go is not None and not args.go.exists():
            if time.monotonic() > deadline:
                return 3
            time.sleep(0.001)
        written = 0
        while args.count == 0 or written < args.count:
            at = start + timedelta(seconds=written)
            print(history.add_hold(set_id, at, at + timedelta(seconds=0.5)), flush=True)
            written += 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
