"""``poseguide report --days 30 --out report.html``: the practice report to print or send
(``history.report_html``), written atomically so a failure leaves no half-written page."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from poseguide.cli.history import _positive_int
from poseguide.cli.text import shown
from poseguide.core.templates import Library, TemplateError, load_library
from poseguide.history import History, HistoryError, default_db_path
from poseguide.history.motion import measure_labels
from poseguide.history.report_html import ReportInput, history_report, report_html

HTML_SUFFIXES = (".html", ".htm")


class ReportError(Exception):
    """A report that cannot be written; the message names the path and why."""


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
    parser.add_argument("--out", required=True, metavar="FILE", help="the .html file to write")
    parser.add_argument(
        "--db", metavar="PATH", help="history database (default: $POSEGUIDE_DB, else the app's)"
    )
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Build and write the report; a problem is one line on stderr and exit code 2."""
    out = Path(args.out).expanduser()
    try:
        check_out(out)
        library = _library(args.poses_dir)
        text = build(args.db, args.days, library, datetime.now(timezone.utc))
        write_atomically(out, text)
    except (ReportError, HistoryError) as exc:
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


def check_out(path: Path) -> None:
    """Refuse before any work: a folder, an existing file that is not .html (a typo must not
    overwrite it), or a folder that is missing or read-only."""
    if path.is_dir():
        raise ReportError(f"{path}: a folder; give a file name such as report.html")
    if path.exists() and path.suffix.lower() not in HTML_SUFFIXES:
        raise ReportError(
            f"{path}: exists and is not an .html file; it was left untouched, choose a name "
            "ending in .html"
        )
    folder = path.parent
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder; create it or choose another --out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"{folder}: permission denied, cannot write here; choose another --out")


def write_atomically(path: Path, text: str) -> None:
    """Write beside ``path`` and rename over it: an interrupted write leaves the old file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
