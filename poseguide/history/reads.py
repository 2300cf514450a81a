"""Reading practice back: session records, summaries, streaks, bests, targets and export."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone, tzinfo

from poseguide.history import export, reports
from poseguide.history.database import HistoryFile
from poseguide.history.export import CSV_FIELDS
from poseguide.history.progression import PROGRESS_WINDOW_DAYS, longer_target
from poseguide.history.records import (
    Correction,
    Hold,
    PeriodSummary,
    PersonalBest,
    Rep,
    SessionRecord,
    SessionSummary,
    SetRecord,
    StopReason,
    _dt,
    _maybe_dt,
    _seconds,
    _text,
    _ts,
)

_DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"


class HistoryReads(HistoryFile):
    """What History, the CLI and the report read (the rules live in reports, progression
    and export)."""

    def sessions(
        self, days: float | None = None, *, now: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions started in the last `days` days (all when None), newest first."""
        where: str = ""
        params: tuple[object, ...] = ()
        if days is not None:
            since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
            # A row whose date is not a date is picked too, so reading it says so (_dt)
            # rather than the row silently sorting outside every span.
            where = f"WHERE (started_at >= ? OR started_at NOT GLOB '{_DATE_GLOB}')"
            params = (_ts(since, "now"),)
        with self._read() as conn:
            return self._load(conn, where, params)

    def session(self, session_id: int) -> SessionRecord:
        """One session; ValueError when it does not exist."""
        with self._read() as conn:
            found = self._load(conn, "WHERE id = ?", (session_id,))
        if not found:
            raise ValueError(f"no session with id {session_id!r}")
        return found[0]

    def _load(
        self, conn: sqlite3.Connection, where: str, params: tuple[object, ...]
    ) -> list[SessionRecord]:
        """Build records with one query per table rather than one per set."""
        picked = f"SELECT id FROM sessions {where}"
        in_sets = f"SELECT id FROM sets WHERE session_id IN ({picked})"
        holds: dict[int, list[Hold]] = {}
        for hid, set_id, start, end, seconds, median, best in conn.execute(
            f"SELECT id, set_id, start_at, end_at, seconds, measure_median, measure_best "
            f"FROM holds WHERE set_id IN ({in_sets}) ORDER BY start_at, id",
            params,
        ):
            holds.setdefault(set_id, []).append(
                Hold(hid, set_id, _dt(start), _dt(end), seconds, median, best)
            )
        reps: dict[int, list[Rep]] = {}
        for rid, set_id, at, duration, span in conn.execute(
            f"SELECT id, set_id, at, duration_s, measure_range FROM reps "
            f"WHERE set_id IN ({in_sets}) ORDER BY at, id",
            params,
        ):
            reps.setdefault(set_id, []).append(Rep(rid, set_id, _dt(at), duration, span))
        corrections: dict[int, list[Correction]] = {}
        for set_id, cue, count, first_at in conn.execute(
            f"SELECT set_id, cue, count, first_at FROM corrections "
            f"WHERE set_id IN ({in_sets}) ORDER BY first_at, cue",
            params,
        ):
            corrections.setdefault(set_id, []).append(Correction(set_id, cue, count, _dt(first_at)))
        sets: dict[int, list[SetRecord]] = {}
        for row in conn.execute(
            f"SELECT id, session_id, exercise, side, target_s, target_reps, started_at, "
            f"ended_at, stop_reason, sharp_pain, key_measure FROM sets "
            f"WHERE session_id IN ({picked}) ORDER BY started_at, id",
            params,
        ):
            sid = row[0]
            sets.setdefault(row[1], []).append(
                SetRecord(
                    id=sid,
                    session_id=row[1],
                    exercise=row[2],
                    side=row[3],
                    target_s=row[4],
                    target_reps=row[5],
                    started_at=_dt(row[6]),
                    ended_at=_maybe_dt(row[7]),
                    stop_reason=None if row[8] is None else StopReason(row[8]),
                    sharp_pain=bool(row[9]),
                    holds=tuple(holds.get(sid, ())),
                    reps=tuple(reps.get(sid, ())),
                    corrections=tuple(corrections.get(sid, ())),
                    key_measure=row[10],
                )
            )
        return [
            SessionRecord(
                id=row[0],
                started_at=_dt(row[1]),
                ended_at=_maybe_dt(row[2]),
                pain_before=row[3],
                pain_after=row[4],
                note=row[5],
                sets=tuple(sets.get(row[0], ())),
            )
            for row in conn.execute(
                f"SELECT id, started_at, ended_at, pain_before, pain_after, note FROM sessions "
                f"{where} ORDER BY started_at DESC, id DESC",
                params,
            )
        ]

    # -- summaries (the rules live in reports, progression and export)

    def session_summary(self, session_id: int) -> SessionSummary:
        return reports.summarize_session(self.session(session_id))

    def daily(
        self, days: float | None = None, *, tz: tzinfo | None = None, now: datetime | None = None
    ) -> list[PeriodSummary]:
        """Per local day (tz None = this computer's zone), oldest first, practised days only."""
        return reports.daily(self.sessions(days, now=now), tz)

    def weekly(
        self, days: float | None = None, *, tz: tzinfo | None = None, now: datetime | None = None
    ) -> list[PeriodSummary]:
        """Per ISO week (Monday start, local time), oldest first."""
        return reports.weekly(self.sessions(days, now=now), tz)

    def practice_days(self, tz: tzinfo | None = None) -> set[date]:
        """Local days with at least one hold or repetition."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.started_at FROM sessions s WHERE EXISTS ("
                " SELECT 1 FROM sets t WHERE t.session_id = s.id AND ("
                "  EXISTS (SELECT 1 FROM holds h WHERE h.set_id = t.id)"
                "  OR EXISTS (SELECT 1 FROM reps r WHERE r.set_id = t.id)))"
            ).fetchall()
        return {_dt(r[0]).astimezone(tz).date() for r in rows}

    def streak(self, tz: tzinfo | None = None, today: date | None = None) -> int:
        """Consecutive practised local days up to today (see ``reports.streak``)."""
        day = today or datetime.now(timezone.utc).astimezone(tz).date()
        return reports.streak(self.practice_days(tz), day)

    def personal_bests(self) -> dict[str, PersonalBest]:
        """Per exercise: longest continuous hold and most repetitions in one set."""
        with self._read() as conn:
            holds = conn.execute(
                "SELECT exercise, seconds, start_at FROM ("
                " SELECT t.exercise, h.seconds, h.start_at, row_number() OVER ("
                "  PARTITION BY t.exercise ORDER BY h.seconds DESC, h.start_at) AS n"
                " FROM holds h JOIN sets t ON t.id = h.set_id) WHERE n = 1"
            ).fetchall()
            reps = conn.execute(
                "SELECT exercise, reps, started_at FROM ("
                " SELECT t.exercise, t.started_at, count(*) AS reps, row_number() OVER ("
                "  PARTITION BY t.exercise ORDER BY count(*) DESC, t.started_at) AS n"
                " FROM reps r JOIN sets t ON t.id = r.set_id GROUP BY t.id) WHERE n = 1"
            ).fetchall()
        best_hold = {ex: (sec, _dt(at)) for ex, sec, at in holds}
        most_reps = {ex: (n, _dt(at)) for ex, n, at in reps}
        return {
            ex: PersonalBest(
                exercise=ex,
                best_hold_s=best_hold.get(ex, (0.0, None))[0],
                best_hold_at=best_hold.get(ex, (0.0, None))[1],
                most_reps=most_reps.get(ex, (0, None))[0],
                most_reps_at=most_reps.get(ex, (0, None))[1],
            )
            for ex in sorted(best_hold.keys() | most_reps.keys())
        }

    def sharp_pain_stops(self, since: datetime) -> int:
        """Sets flagged with sharp pain that ended (or started, if unfinished) since then."""
        since_text = _ts(since, "since")
        with self._read() as conn:
            return int(
                conn.execute(
                    "SELECT count(*) FROM sets WHERE sharp_pain = 1 "
                    "AND coalesce(ended_at, started_at) >= ?",
                    (since_text,),
                ).fetchone()[0]
            )

    def suggest_target(
        self,
        exercise: str,
        current_target_s: float,
        guide_max_s: float,
        *,
        now: datetime | None = None,
    ) -> int | None:
        """A longer hold target once the last few sets all held past the current one (the
        rule is ``progression.longer_target``); None means keep the current target."""
        _text(exercise, "exercise")
        current = _seconds(current_target_s, "current_target_s", positive=True)
        cap = _seconds(guide_max_s, "guide_max_s", positive=True)
        since = (now or datetime.now(timezone.utc)) - timedelta(days=PROGRESS_WINDOW_DAYS)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT t.sharp_pain, coalesce(max(h.seconds), 0) FROM sets t "
                "LEFT JOIN holds h ON h.set_id = t.id "
                "WHERE t.exercise = ? AND t.started_at >= ? "
                "GROUP BY t.id ORDER BY t.started_at DESC, t.id DESC",
                (exercise, _ts(since, "now")),
            ).fetchall()
        pain = any(p for p, _ in rows)
        return longer_target([best for _, best in rows if best > 0], pain, current, cap)

    # -- export

    CSV_FIELDS = CSV_FIELDS

    def to_csv(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """One row per set (a session without sets gets one row), oldest first."""
        return export.to_csv(self.sessions(days, now=now))

    def to_json(self, days: float | None = None, *, now: datetime | None = None) -> str:
        """Everything recorded, nested session > set > holds/reps/corrections, oldest first."""
        return export.to_json(self.sessions(days, now=now))
