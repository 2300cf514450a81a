"""``poseguide report --days 30 --out report.html``: the practice report to print or send
(``history.report_html``), written through ``output_files`` as every output is: checked first,
complete or not at all."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from poseguide.cli.history import _positive_int
from poseguide.cli.output_files import OutputError, checked_output, write_bytes
from poseguide.cli.text import given, shown
from poseguide.core.templates import Library, TemplateError, load_library
from poseguide.history import History, HistoryError, default_db_path
from poseguide.history.motion import measure_labels
from poseguide.history.report_html import ReportInput, history_report, report_html

HTML_SUFFIXES = (".html", ".htm")


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    """Register the `report` subcommand on the main CLI's subparsers."""
    parser = sub.add_parser(
        "report",
        help="write a printable practice report (HTML) for a physiotherapist",
        description="Write one self-contained HTML page: sessions and held time per stretch, "
        "targets met, range-of-motion trends, pain before and after, sharp-pain stops and the "
        "routine. Open it in a browser to print or save as PDF.",
    )
    parser.add_argument(
        "--days", type=_positive_int, default=30, metavar="N", help="the last N days (default 30)"
    )
    parser.add_argument(
        "--out", required=True, type=given, metavar="FILE", help="the .html file to write"
    )
    parser.add_argument(
        "--db",
        type=given,
        metavar="PATH",
        help="history database (default: $POSEGUIDE_DB, else the app's)",
    )
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Build and write the report; a problem is one line on stderr and exit code 2."""
    try:
        out = checked_output(args.out, HTML_SUFFIXES)
        library = _library(args.poses_dir)
        text = build(args.db, args.days, library, datetime.now(timezone.utc))
        write_bytes(out, text.encode("utf-8"))
    except (OutputError, HistoryError) as exc:
        print(f"poseguide report: error: {shown(exc)}", file=sys.stderr)
        return 2
    print(f"wrote {shown(out)} (the last {args.days} days)")
    return 0


def _library(folder: str) -> Library | None:
    """The templates name the exercises and their measures; without them ids read as words."""
    try:
        return load_library(folder)
    except TemplateError:
        return None


def build(db: str | None, days: int, library: Library | None, now: datetime) -> str:
    """The report's HTML from the history at ``db`` (default location: no file yet is an
    empty report; a --db naming no file is an error, never a new database)."""
    path = Path(db).expanduser() if db else default_db_path()
    names = {} if library is None else {t.id: t.name for t in library.templates.values()}
    labels = {} if library is None else measure_labels(library)
    if not db and not os.path.lexists(path):
        return report_html(ReportInput([], days, now, names, labels))
    with History(path, readonly=True) as history:
        return history_report(history, days, now, names, labels)
