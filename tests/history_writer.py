"""Test helper process: commit holds to a history database, printing each id once committed.

Used by test_history_durability.py to SIGKILL a writer mid-session and to run writers in
parallel. Usage: python history_writer.py DB [--count N] (N = 0 writes until killed).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

from poseguide.history import History


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--count", type=int, default=0, help="holds to write; 0 = forever")
    args = parser.parse_args(argv)
    with History(args.db) as history:
        start = datetime.now(timezone.utc)
        session = history.start_session(start, pain_before=2)
        set_id = history.start_set(session, "child_pose", None, 30, None, start)
        print(f"set {set_id}", flush=True)
        written = 0
        while args.count == 0 or written < args.count:
            at = start + timedelta(seconds=written)
            print(history.add_hold(set_id, at, at + timedelta(seconds=0.5)), flush=True)
            written += 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
