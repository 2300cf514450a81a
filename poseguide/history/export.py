"""The history as CSV (one row per set) and JSON (everything, nested)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from poseguide.history import schema
from poseguide.history.records import SessionRecord

CSV_FIELDS = (
    "session_id",
    "session_started_at",
    "session_ended_at",
    "pain_before",
    "pain_after",
    "note",
    "set_id",
    "exercise",
    "side",
    "target_s",
    "target_reps",
    "set_started_at",
    "set_ended_at",
    "stop_reason",
    "sharp_pain",
    "holds",
    "held_s",
    "best_hold_s",
    "reps",
    "target_met",
    "corrections",
)


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection);
# OWASP's advice is to prefix it with a single quote, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a stored name or note such as '=1+2' (a
    template id may begin with '=') gets a leading single quote; numbers stay numbers. A
    carriage return becomes a newline: the csv module quotes only the line ending it writes
    ("\n"), so a bare CR would end the row for a reader."""
    if not isinstance(value, str):
        return value
    quoted = "'" + value if value.startswith(FORMULA_STARTS) else value
    return quoted.replace("\r\n", "\n").replace("\r", "\n")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def to_csv(sessions: list[SessionRecord]) -> str:
    """One row per set (a session without sets gets one row), oldest first; ``sessions``
    newest first, as ``History.sessions`` gives them."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for s in reversed(sessions):
        base = {
            "session_id": s.id,
            "session_started_at": _iso(s.started_at),
            "session_ended_at": _iso(s.ended_at),
            "pain_before": s.pain_before,
            "pain_after": s.pain_after,
            "note": s.note,
        }
        if not s.sets:
            writer.writerow({k: _cell(v) for k, v in base.items()})
        for st in s.sets:
            row = base | {
                "set_id": st.id,
                "exercise": st.exercise,
                "side": st.side,
                "target_s": st.target_s,
                "target_reps": st.target_reps,
                "set_started_at": _iso(st.started_at),
                "set_ended_at": _iso(st.ended_at),
                "stop_reason": st.stop_reason,
                "sharp_pain": int(st.sharp_pain),
                "holds": len(st.holds),
                "held_s": round(st.held_s, 3),
                "best_hold_s": round(st.best_hold_s, 3),
                "reps": len(st.reps),
                "target_met": "" if st.target_met is None else int(st.target_met),
                "corrections": ";".join(f"{c.cue}:{c.count}" for c in st.corrections),
            }
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def to_json(sessions: list[SessionRecord]) -> str:
    """Everything recorded, nested session > set > holds/reps/corrections, oldest first."""
    document = {
        "format": "poseguide-history",
        "schema_version": schema.SCHEMA_VERSION,
        "sessions": [_session_json(s) for s in reversed(sessions)],
    }
    return json.dumps(document, indent=2)


def _session_json(s: SessionRecord) -> dict[str, object]:
    return {
        "id": s.id,
        "started_at": _iso(s.started_at),
        "ended_at": _iso(s.ended_at),
        "pain_before": s.pain_before,
        "pain_after": s.pain_after,
        "note": s.note,
        "held_s": round(s.held_s, 3),
        "sets": [
            {
                "id": st.id,
                "exercise": st.exercise,
                "side": st.side,
                "target_s": st.target_s,
                "target_reps": st.target_reps,
                "started_at": _iso(st.started_at),
                "ended_at": _iso(st.ended_at),
                "stop_reason": st.stop_reason,
                "sharp_pain": st.sharp_pain,
                "held_s": round(st.held_s, 3),
                "best_hold_s": round(st.best_hold_s, 3),
                "target_met": st.target_met,
                "key_measure": st.key_measure,
                "holds": [
                    {
                        "start": _iso(h.start),
                        "end": _iso(h.end),
                        "seconds": h.seconds,
                        "measure_median": h.measure_median,
                        "measure_best": h.measure_best,
                    }
                    for h in st.holds
                ],
                "reps": [
                    {"at": _iso(r.at), "duration_s": r.duration_s, "measure_range": r.measure_range}
                    for r in st.reps
                ],
                "corrections": [
                    {"cue": c.cue, "count": c.count, "first_at": _iso(c.first_at)}
                    for c in st.corrections
                ],
            }
            for st in s.sets
        ],
    }
