"""`poseguide history`: review practice from the terminal, or export it as JSON/CSV."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from poseguide.cli.text import given, shown
from poseguide.history import (
    History,
    HistoryError,
    SessionRecord,
    default_db_path,
    exercise_totals,
    export,
    summarize_session,
)
from poseguide.live import safety_rules

MAX_DAYS = 36_500  # a hundred years: a longer span is a typo (and runs past the calendar)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None
    if not 1 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_DAYS} days, got {value}")
    return value


def add_history_parser(sub: argparse._SubParsersAction) -> None:
    """Register the `history` subcommand on the main CLI's subparsers."""
    parser = sub.add_parser(
        "history",
        help="show practice history (sessions, totals, streak, personal bests)",
        description="Show practice history as a table, or export it as JSON or CSV.",
    )
    parser.add_argument(
        "--days",
        type=_positive_int,
        default=30,
        metavar="N",
        help="only sessions from the last N days (default: 30)",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (pain, stop reasons, ...)")
    fmt.add_argument("--csv", action="store_true", help="print CSV, one row per set")
    parser.add_argument(
        "--db",
        type=given,
        metavar="PATH",
        default=None,
        help="history database (default: $POSEGUIDE_DB, else history.sqlite3 in $POSEGUIDE_HOME, "
        "$XDG_DATA_HOME/poseguide or ~/.local/share/poseguide)",
    )
    parser.set_defaults(func=run_history)


def run_history(args: argparse.Namespace) -> int:
    """Print the history; a bad database is one clear line on stderr and exit code 2.
    Reading never creates a database: before the first session the default location (or
    $POSEGUIDE_DB) simply has none, while a --db that names no file is a typo."""
    path = Path(args.db).expanduser() if args.db is not None else default_db_path()
    if args.db is None and not os.path.lexists(path):
        text = (
            export.to_json([])
            if args.json
            else export.to_csv([])
            if args.csv
            else (
                f"Sessions in the last {args.days} days: 0\nNo sessions yet (nothing recorded "
                f"in {shown(path)})."
            )
        )
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        with History(path, readonly=True) as history:
            if args.json:
                text = history.to_json(args.days)
            elif args.csv:
                text = history.to_csv(args.days)
            else:
                text = _report(history, args.days)
    except HistoryError as exc:
        where = "" if str(path) in str(exc) else f"{path}: "
        print(f"poseguide history: error: {shown(where)}{shown(exc)}", file=sys.stderr)
        return 2
    if args.csv and sys.stdout.isatty():  # the data as stored, but no escape codes on screen
        text = "\n".join(shown(line) for line in text.split("\n"))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _duration(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss; '-' when unknown (a session that never ended)."""
    if seconds is None:
        return "-"
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _best(seconds: float) -> str:
    """A best hold; '-' when none was recorded (a flow counts repetitions, never holds)."""
    return _duration(seconds) if seconds > 0 else "-"


def _count(reps: int) -> str:
    """Repetitions; '-' when none were recorded (a single hold counts none)."""
    return str(reps) if reps else "-"


def _day(when: datetime | None) -> str:
    return "-" if when is None else when.astimezone().strftime("%Y-%m-%d")


def _pain(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return "-"
    return f"{'-' if before is None else before}->{'-' if after is None else after}"


def _columns(rows: list[list[str]]) -> list[str]:
    """Left-aligned columns sized to their widest cell."""
    rows = [[shown(cell) for cell in row] for row in rows]  # stored names: no escape codes
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _session_row(s: SessionRecord) -> list[str]:
    summary = summarize_session(s)
    stops = ", ".join(
        f"{reason} x{n}" if n > 1 else reason for reason, n in summary.stop_reasons.items()
    )
    return [
        s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        _duration(summary.duration_s),
        _duration(summary.held_s),
        _count(summary.reps),
        f"{summary.targets_met}/{summary.targets_total}",
        _pain(s.pain_before, s.pain_after),
        ", ".join(summary.exercises) or "-",
        stops or "-",
    ]


def _report(history: History, days: int) -> str:
    """The readable report: sessions, per-exercise totals, streak, personal bests."""
    sessions = history.sessions(days)
    lines = [f"Sessions in the last {days} days: {len(sessions)}"]
    if not sessions:
        lines.append("No sessions yet.")
    else:
        header = ["Started", "Length", "In form", "Reps", "Targets", "Pain", "Exercises", "Stops"]
        lines += ["", *_columns([header, *(_session_row(s) for s in sessions)])]
        totals = exercise_totals(st for s in sessions for st in s.sets).values()
        lines += ["", "Per exercise:"]
        lines += _columns(
            [["Exercise", "Sets", "In form", "Best hold", "Reps", "Targets met"]]
            + [
                [
                    t.exercise,
                    str(t.sets),
                    _duration(t.held_s),
                    _best(t.best_hold_s),
                    _count(t.reps),
                    f"{t.targets_met}/{t.targets_total}",
                ]
                for t in totals
            ]
        )
    streak = history.streak()
    lines += ["", f"Streak: {streak} day{'' if streak == 1 else 's'} in a row"]
    bests = history.personal_bests()
    if bests:
        lines += ["", "Personal bests:"]
        lines += _columns(
            [["Exercise", "Best hold", "On", "Most reps in a set", "On"]]
            + [
                [
                    b.exercise,
                    _best(b.best_hold_s),
                    _day(b.best_hold_at),
                    _count(b.most_reps),
                    _day(b.most_reps_at),
                ]
                for b in bests.values()
            ]
        )
    sharp = history.sharp_pain_stops(safety_rules.warn_since(datetime.now(timezone.utc)))
    if sharp:
        days = safety_rules.WARN_WINDOW.days
        lines += ["", f"Sets stopped for sharp pain in the last {days} days: {sharp}"]
    return "\n".join(lines)
