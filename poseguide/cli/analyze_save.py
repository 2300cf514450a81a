"""``poseguide analyze CLIP --pose ID --save``: the analysed clip stored in History the way the
page's upload stores it (``recorder.record_analysed``), with each hold's key measure."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from poseguide.cli.text import given, shown
from poseguide.core.range_of_motion import MotionRecorder
from poseguide.core.session import SetSummary
from poseguide.core.templates import Library, Template
from poseguide.history import History, HistoryError
from poseguide.live.recorder import HistoryRecorder, analysed_set, record_analysed


def add_save_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``analyze`` that store the result."""
    parser.add_argument(
        "--save", action="store_true", help="store the result in History, as the page's upload"
    )
    parser.add_argument(
        "--db",
        type=given,
        metavar="PATH",
        help="history database for --save (default: $POSEGUIDE_DB, else the app's)",
    )


def save(
    args: argparse.Namespace,
    template: Template,
    library: Library,
    summary: SetSummary,
    motion: MotionRecorder,
) -> int:
    """Store the analysed set and say where (on stderr under --json, which keeps stdout
    JSON); a history that cannot be written is one line on stderr and exit code 2."""
    try:
        with History(Path(args.db) if args.db else None) as history:
            recorder = HistoryRecorder(history)
            done = record_analysed(
                recorder,
                analysed_set(template.id, library),
                summary,
                datetime.now(timezone.utc),
                motion,
            )
            path = history.path
    except HistoryError as exc:
        print(f"poseguide analyze: error: not saved: {shown(exc)}", file=sys.stderr)
        return 2
    if recorder.error:
        print(f"poseguide analyze: error: not saved: {shown(recorder.error)}", file=sys.stderr)
        return 2
    print(
        f"saved to History: {shown(path)} (set {done.set_id})",
        file=sys.stderr if args.json else sys.stdout,
    )
    return 0
