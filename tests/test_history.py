"""History store: round trips, validation, summaries, streaks, export, schema safety, CLI."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from poseguide.cli.history import add_history_parser, run_history
from poseguide.history import SCHEMA_VERSION, History, HistoryError, default_db_path
from poseguide.history import schema as history_mod

UTC = timezone.utc


def t(*args: int, tz: timezone = UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def h(db: Path) -> Iterator[History]:
    with History(db) as store:
        yield store


def practice(
    h: History,
    start: datetime,
    exercise: str = "cat_cow",
    holds: tuple[float, ...] = (30.0,),
    *,
    target_s: float | None = 30,
    stop_reason: str = "completed",
    sharp_pain: bool = False,
) -> tuple[int, int]:
    """One session with one set of back-to-back holds (1 s gaps); returns (session, set)."""
    session = h.start_session(start)
    set_id = h.start_set(session, exercise, None, target_s, None, start)
    at = start
    for seconds in holds:
        h.add_hold(set_id, at, at + timedelta(seconds=seconds))
        at += timedelta(seconds=seconds + 1)
    h.end_set(set_id, at, stop_reason, sharp_pain)
    h.end_session(session, at)
    return session, set_id


# --------------------------------------------------------------------------- paths


def test_default_path_prefers_env_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("POSEGUIDE_DB", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("POSEGUIDE_HOME", raising=False)
    home_default = tmp_path / "home/.local/share/poseguide/history.sqlite3"
    assert default_db_path() == home_default
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_db_path() == home_default
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg/poseguide/history.sqlite3"
    monkeypatch.setenv("POSEGUIDE_HOME", str(tmp_path / "mine"))  # every per-user file
    assert default_db_path() == tmp_path / "mine/history.sqlite3"
    monkeypatch.setenv("POSEGUIDE_DB", str(tmp_path / "custom.db"))
    assert default_db_path() == tmp_path / "custom.db"
    with History() as store:
        assert store.path == tmp_path / "custom.db"
    assert (tmp_path / "custom.db").exists()


def test_new_database_is_wal_with_current_schema(h, db):
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {
        "sessions",
        "sets",
        "holds",
        "reps",
        "corrections",
        "settings",
        "exercise_targets",
        "routine_steps",
    }
    raw.close()


# --------------------------------------------------------------------------- round trip


def test_round_trip_survives_reopen(db):
    berlin = timezone(timedelta(hours=2))
    start = datetime(2024, 5, 1, 9, 0, 0, 123456, tzinfo=berlin)
    with History(db) as h:
        sid = h.start_session(start, pain_before=4, note="stiff morning")
        left = h.start_set(sid, "knee_to_chest", "left", 30, None, start)
        hold1 = h.add_hold(left, start, start + timedelta(seconds=12.5))
        h.add_hold(left, start + timedelta(seconds=14), start + timedelta(seconds=34))
        h.add_correction(left, "keep head down", start + timedelta(seconds=5))
        h.add_correction(left, "keep head down", start + timedelta(seconds=2))
        h.add_correction(left, "relax shoulders", start + timedelta(seconds=20))
        h.end_set(left, start + timedelta(seconds=35), "completed")
        reps = h.start_set(sid, "cat_cow", None, None, 10, start + timedelta(minutes=1))
        for i in range(3):
            h.add_rep(reps, start + timedelta(minutes=1, seconds=4 * (i + 1)), 3.5 + i)
        h.end_set(reps, start + timedelta(minutes=2), "sharp_pain")
        h.end_session(sid, start + timedelta(minutes=3), pain_after=6, note="sharp twinge")

    with History(db) as h:
        (s,) = h.sessions()
        assert s.id == sid
        assert s.started_at == start  # same instant, microseconds kept
        assert s.started_at.utcoffset() == timedelta(0)  # stored and returned as UTC
        assert s.ended_at == start + timedelta(minutes=3)
        assert (s.pain_before, s.pain_after, s.note) == (4, 6, "sharp twinge")
        first, second = s.sets
        assert (first.exercise, first.side, first.target_s, first.target_reps) == (
            "knee_to_chest",
            "left",
            30.0,
            None,
        )
        assert [hd.seconds for hd in first.holds] == [12.5, 20.0]
        assert first.holds[0].id == hold1
        assert first.holds[0].end == start + timedelta(seconds=12.5)
        assert first.held_s == 32.5 and first.best_hold_s == 20.0 and first.target_met
        assert [(c.cue, c.count, c.first_at) for c in first.corrections] == [
            ("keep head down", 2, start + timedelta(seconds=2)),
            ("relax shoulders", 1, start + timedelta(seconds=20)),
        ]
        assert (first.stop_reason, first.sharp_pain) == ("completed", False)
        assert [r.duration_s for r in second.reps] == [3.5, 4.5, 5.5]
        assert second.target_met is False  # 3 of 10 reps
        # A sharp-pain stop always carries the flag, even if the caller forgot it.
        assert (second.stop_reason, second.sharp_pain) == ("sharp_pain", True)
        assert h.session(sid) == s


def test_sessions_filter_by_days_newest_first(h):
    now = t(2024, 6, 30, 12)
    old, _ = practice(h, now - timedelta(days=40))
    mid, _ = practice(h, now - timedelta(days=10))
    new, _ = practice(h, now - timedelta(hours=1))
    assert [s.id for s in h.sessions(now=now)] == [new, mid, old]
    assert [s.id for s in h.sessions(30, now=now)] == [new, mid]
    assert [s.id for s in h.sessions(1, now=now)] == [new]


def test_delete_session_removes_everything_it_owns(h, db):
    keep, _ = practice(h, t(2024, 1, 1, 8), holds=(5, 6))
    gone, gone_set = practice(h, t(2024, 1, 2, 8), holds=(7, 8, 9))
    h.add_rep(gone_set, t(2024, 1, 2, 8, 5), 2.0)
    h.add_correction(gone_set, "slow down", t(2024, 1, 2, 8, 5))
    h.delete_session(gone)
    assert [s.id for s in h.sessions()] == [keep]
    raw = sqlite3.connect(db)
    counts = [raw.execute(f"SELECT count(*) FROM {tb}").fetchone()[0] for tb in
              ("sessions", "sets", "holds", "reps", "corrections")]  # fmt: skip
    raw.close()
    assert counts == [1, 1, 2, 0, 0]
    with pytest.raises(ValueError, match="no session with id"):
        h.delete_session(gone)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda h, s, k: h.start_session(t(2024, 1, 1), pain_before=11), "pain_before"),
        (lambda h, s, k: h.start_session(t(2024, 1, 1), pain_before=-1), "pain_before"),
        (lambda h, s, k: h.start_session(t(2024, 1, 1), pain_before=3.5), "pain_before"),
        (lambda h, s, k: h.start_session(t(2024, 1, 1), pain_before=True), "pain_before"),
        (lambda h, s, k: h.start_session(datetime(2024, 1, 1)), "timezone-aware"),
        (lambda h, s, k: h.start_session("2024-01-01"), "must be a datetime"),
        (lambda h, s, k: h.end_session(s, t(2024, 1, 1, 9), pain_after="5"), "pain_after"),
        (lambda h, s, k: h.end_session(s, t(2024, 1, 1, 7)), "session end .* before"),
        (lambda h, s, k: h.end_session(999, t(2024, 1, 1, 9)), "no session with id 999"),
        (lambda h, s, k: h.start_set(s, "", None, 30, None, t(2024, 1, 1)), "exercise"),
        (lambda h, s, k: h.start_set(s, "x", "middle", 30, None, t(2024, 1, 1)), "side"),
        (lambda h, s, k: h.start_set(s, "x", None, 0, None, t(2024, 1, 1)), "target_s"),
        (lambda h, s, k: h.start_set(s, "x", None, None, 0, t(2024, 1, 1)), "target_reps"),
        (lambda h, s, k: h.start_set(404, "x", None, 30, None, t(2024, 1, 1)), "no session"),
        (lambda h, s, k: h.add_hold(k, t(2024, 1, 1, 8, 1), t(2024, 1, 1, 8)), "hold end"),
        (lambda h, s, k: h.add_hold(k, datetime(2024, 1, 1), t(2024, 1, 1)), "timezone"),
        (lambda h, s, k: h.add_hold(404, t(2024, 1, 1), t(2024, 1, 1, 1)), "no set with id"),
        (lambda h, s, k: h.add_rep(k, t(2024, 1, 1), -1), "duration_s"),
        (lambda h, s, k: h.add_rep(k, t(2024, 1, 1), float("nan")), "duration_s"),
        (lambda h, s, k: h.add_correction(k, " ", t(2024, 1, 1)), "cue"),
        (lambda h, s, k: h.end_set(k, t(2024, 1, 1, 9), "bored"), "stop_reason"),
        (lambda h, s, k: h.end_set(k, t(2024, 1, 1, 7), "completed"), "set end .* before"),
        (lambda h, s, k: h.end_set(k, t(2024, 1, 1, 9), "completed", sharp_pain=1), "sharp"),
    ],
)
def test_invalid_input_raises_value_error_and_writes_nothing(h, db, call, message):
    session = h.start_session(t(2024, 1, 1, 8))
    set_id = h.start_set(session, "cat_cow", None, 30, None, t(2024, 1, 1, 8))
    before = h.sessions()
    with pytest.raises(ValueError, match=message):
        call(h, session, set_id)
    assert h.sessions() == before


# --------------------------------------------------------------------------- summaries


def test_session_summary_known_answers(h):
    start = t(2024, 3, 10, 7)
    sid = h.start_session(start, pain_before=5)
    a = h.start_set(sid, "child_pose", "left", 25, None, start)
    h.add_hold(a, start, start + timedelta(seconds=10))
    h.add_hold(a, start + timedelta(seconds=12), start + timedelta(seconds=32))
    h.end_set(a, start + timedelta(seconds=33), "completed")
    b = h.start_set(sid, "child_pose", "right", 25, None, start + timedelta(minutes=1))
    h.add_hold(b, start + timedelta(minutes=1), start + timedelta(minutes=1, seconds=15))
    h.end_set(b, start + timedelta(minutes=2), "user_stop")
    c = h.start_set(sid, "cat_cow", None, None, 5, start + timedelta(minutes=3))
    for i in range(4):
        h.add_rep(c, start + timedelta(minutes=3, seconds=5 * i), 4.0)
    h.end_set(c, start + timedelta(minutes=4), "camera_lost")
    d = h.start_set(sid, "pelvic_tilt", None, None, None, start + timedelta(minutes=5))
    h.end_set(d, start + timedelta(minutes=5), "skipped")
    h.end_session(sid, start + timedelta(minutes=10), pain_after=3)

    summary = h.session_summary(sid)
    assert summary.duration_s == 600
    assert summary.held_s == 45  # 10 + 20 + 15
    assert summary.reps == 4
    # child_pose left met (30 s >= 25), right not (15 s), cat_cow 4/5 reps, pelvic_tilt no target
    assert (summary.targets_met, summary.targets_total) == (1, 3)
    assert summary.stop_reasons == {
        "completed": 1,
        "user_stop": 1,
        "camera_lost": 1,
        "skipped": 1,
    }
    child = summary.exercises["child_pose"]
    assert (child.sets, child.held_s, child.best_hold_s, child.targets_met) == (2, 45, 20, 1)
    assert summary.exercises["cat_cow"].reps == 4
    assert list(summary.exercises) == ["cat_cow", "child_pose", "pelvic_tilt"]


def test_target_met_allows_frame_timing_tolerance(h):
    _, ok = practice(h, t(2024, 1, 1, 8), holds=(29.6,), target_s=30)
    _, short = practice(h, t(2024, 1, 2, 8), holds=(29.4,), target_s=30)
    sets = {st.id: st for s in h.sessions() for st in s.sets}
    assert sets[ok].target_met is True
    assert sets[short].target_met is False


def test_daily_and_weekly_in_local_time(h):
    plus2 = timezone(timedelta(hours=2))
    practice(h, t(2024, 4, 28, 23, 30), "cat_cow", (20,))  # Mon 29 Apr 01:30 at UTC+2
    practice(h, t(2024, 4, 29, 10), "cat_cow", (10, 5))
    practice(h, t(2024, 5, 5, 21, 59), "child_pose", (40,))  # Sun 5 May 23:59 at UTC+2
    practice(h, t(2024, 5, 5, 22, 30), "child_pose", (30,))  # Mon 6 May 00:30 at UTC+2

    daily_utc = h.daily(tz=UTC)
    assert [(d.start, d.sessions, d.held_s) for d in daily_utc] == [
        (date(2024, 4, 28), 1, 20),
        (date(2024, 4, 29), 1, 15),
        (date(2024, 5, 5), 2, 70),
    ]
    daily = h.daily(tz=plus2)
    assert [(d.start, d.sessions, d.held_s) for d in daily] == [
        (date(2024, 4, 29), 2, 35),
        (date(2024, 5, 5), 1, 40),
        (date(2024, 5, 6), 1, 30),
    ]
    assert daily[0].exercises["cat_cow"].best_hold_s == 20
    assert daily[0].exercises["cat_cow"].sets == 2

    weekly = h.weekly(tz=plus2)
    assert [(w.start, w.days_practised, w.sessions, w.held_s) for w in weekly] == [
        (date(2024, 4, 29), 2, 3, 75),
        (date(2024, 5, 6), 1, 1, 30),
    ]
    weekly_utc = h.weekly(tz=UTC)
    assert [(w.start, w.days_practised, w.held_s) for w in weekly_utc] == [
        (date(2024, 4, 22), 1, 20),
        (date(2024, 4, 29), 2, 85),
    ]


# --------------------------------------------------------------------------- streaks


def test_streak_across_month_and_year_boundaries(h):
    for day in (t(2023, 12, 30, 18), t(2023, 12, 31, 18), t(2024, 1, 1, 18)):
        practice(h, day)
    for day in (t(2024, 2, 28, 8), t(2024, 2, 29, 8), t(2024, 3, 1, 8)):  # leap year
        practice(h, day)
    assert h.streak(tz=UTC, today=date(2024, 1, 1)) == 3
    assert h.streak(tz=UTC, today=date(2024, 1, 2)) == 3  # not practised yet today
    assert h.streak(tz=UTC, today=date(2024, 1, 3)) == 0
    assert h.streak(tz=UTC, today=date(2024, 3, 1)) == 3
    assert h.streak(tz=UTC, today=date(2024, 2, 29)) == 2
    assert h.streak(tz=UTC, today=date(2024, 3, 2)) == 3


def test_streak_depends_on_time_zone(h):
    # 23:30 UTC on 30 April is already 1 May at UTC+2, which joins it to 2 May.
    practice(h, t(2024, 4, 29, 12))
    practice(h, t(2024, 4, 30, 23, 30))
    practice(h, t(2024, 5, 2, 6))
    plus2 = timezone(timedelta(hours=2))
    assert h.practice_days(UTC) == {date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 2)}
    assert h.practice_days(plus2) == {date(2024, 4, 29), date(2024, 5, 1), date(2024, 5, 2)}
    assert h.streak(tz=UTC, today=date(2024, 5, 2)) == 1
    assert h.streak(tz=plus2, today=date(2024, 5, 2)) == 2
    # West of UTC the 06:00 UTC session on 2 May is still 1 May.
    minus7 = timezone(timedelta(hours=-7))
    assert h.practice_days(minus7) == {date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)}
    assert h.streak(tz=minus7, today=date(2024, 5, 1)) == 3


def test_streak_with_dst_zone_and_default_today(h):
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks go forward in the night of 30/31 March 2024; practise late each evening.
    for day in (29, 30, 31):
        practice(h, datetime(2024, 3, day, 23, 45, tzinfo=berlin))
    assert h.streak(tz=berlin, today=date(2024, 3, 31)) == 3
    assert h.streak(tz=UTC, today=date(2024, 3, 31)) == 3  # 22:45, 22:45, 21:45 UTC
    now = datetime.now(UTC)
    practice(h, now - timedelta(days=1))
    practice(h, now - timedelta(minutes=1))
    assert h.streak(tz=UTC) == 2


def test_session_without_holds_or_reps_does_not_count_for_streak(h):
    practice(h, t(2024, 6, 1, 8))
    empty = h.start_session(t(2024, 6, 2, 8))
    h.start_set(empty, "cat_cow", None, 30, None, t(2024, 6, 2, 8))
    assert h.streak(tz=UTC, today=date(2024, 6, 2)) == 1
    assert h.streak(tz=UTC, today=date(2024, 6, 3)) == 0


# --------------------------------------------------------------------------- bests, safety


def test_personal_bests(h):
    practice(h, t(2024, 1, 1, 8), "child_pose", (20, 35))
    practice(h, t(2024, 1, 5, 8), "child_pose", (35, 10))  # ties keep the first
    practice(h, t(2024, 1, 3, 8), "knee_to_chest", (12,))
    sid = h.start_session(t(2024, 1, 4, 8))
    for n, day in ((6, 4), (9, 6)):
        set_id = h.start_set(sid, "cat_cow", None, None, 10, t(2024, 1, day, 8))
        for i in range(n):
            h.add_rep(set_id, t(2024, 1, day, 8, 0, i), 3.0)
    bests = h.personal_bests()
    assert list(bests) == ["cat_cow", "child_pose", "knee_to_chest"]
    child = bests["child_pose"]
    assert child.best_hold_s == 35
    assert child.best_hold_at == t(2024, 1, 1, 8, 0, 21)
    assert (child.most_reps, child.most_reps_at) == (0, None)
    assert (bests["cat_cow"].most_reps, bests["cat_cow"].most_reps_at) == (9, t(2024, 1, 6, 8))
    assert bests["cat_cow"].best_hold_s == 0
    assert bests["knee_to_chest"].best_hold_s == 12


def test_sharp_pain_stops_since(h):
    now = t(2024, 7, 10, 12)
    practice(h, now - timedelta(days=9), stop_reason="sharp_pain")  # too old
    practice(h, now - timedelta(days=5), stop_reason="sharp_pain")
    practice(h, now - timedelta(days=2), stop_reason="user_stop", sharp_pain=True)
    practice(h, now - timedelta(days=1), stop_reason="completed")
    assert h.sharp_pain_stops(now - timedelta(days=7)) == 2
    assert h.sharp_pain_stops(now - timedelta(days=30)) == 3
    assert h.sharp_pain_stops(now) == 0
    with pytest.raises(ValueError, match="timezone-aware"):
        h.sharp_pain_stops(datetime(2024, 7, 1))


# --------------------------------------------------------------------------- adaptive targets


def test_suggest_target_after_three_recent_holds_past_target(h):
    now = t(2024, 8, 20, 12)
    assert h.suggest_target("child_pose", 30, 90, now=now) is None  # no data
    for days_ago in (3, 2):
        practice(h, now - timedelta(days=days_ago), "child_pose", (12, 31))
    assert h.suggest_target("child_pose", 30, 90, now=now) is None  # only two
    practice(h, now - timedelta(days=1), "child_pose", (29.7,))  # within tolerance
    assert h.suggest_target("child_pose", 30, 90, now=now) == 40  # 37.5 -> 40
    assert h.suggest_target("child_pose", 20, 90, now=now) == 25
    assert h.suggest_target("child_pose", 10, 90, now=now) == 15  # 12.5 -> 15
    assert h.suggest_target("child_pose", 5, 90, now=now) == 10  # at least +5 s
    assert h.suggest_target("child_pose", 30, 35, now=now) == 35  # capped by the guide
    assert h.suggest_target("child_pose", 30, 30, now=now) is None  # already at the max
    assert h.suggest_target("cat_cow", 30, 90, now=now) is None  # other exercise
    assert h.suggest_target("child_pose", 31, 90, now=now) is None  # 29.7 s is short of 31


def test_suggest_target_needs_the_latest_sets_and_no_sharp_pain(h):
    now = t(2024, 8, 20, 12)
    for days_ago in (30, 29, 28):  # outside the 14-day window
        practice(h, now - timedelta(days=days_ago), "child_pose", (45,))
    assert h.suggest_target("child_pose", 30, 90, now=now) is None
    for days_ago in (5, 4, 3):
        practice(h, now - timedelta(days=days_ago), "child_pose", (45,))
    assert h.suggest_target("child_pose", 30, 90, now=now) == 40
    practice(h, now - timedelta(days=2), "child_pose", (20,))  # latest set fell short
    assert h.suggest_target("child_pose", 30, 90, now=now) is None
    for days_ago in (1.5, 1.2, 1):
        practice(h, now - timedelta(days=days_ago), "child_pose", (45,))
    assert h.suggest_target("child_pose", 30, 90, now=now) == 40
    practice(h, now - timedelta(hours=1), "child_pose", (45,), stop_reason="sharp_pain")
    assert h.suggest_target("child_pose", 30, 90, now=now) is None


def test_suggest_target_validates(h):
    with pytest.raises(ValueError, match="current_target_s"):
        h.suggest_target("child_pose", 0, 90)
    with pytest.raises(ValueError, match="guide_max_s"):
        h.suggest_target("child_pose", 30, -1)


# --------------------------------------------------------------------------- export


def _sample(h: History) -> tuple[int, int]:
    start = t(2024, 2, 1, 7, 30)
    sid = h.start_session(start, pain_before=6, note='tight, "sore"')
    hold_set = h.start_set(sid, "child_pose", "left", 30, None, start)
    h.add_hold(hold_set, start, start + timedelta(seconds=31))
    h.add_correction(hold_set, "hips back", start + timedelta(seconds=3))
    h.add_correction(hold_set, "hips back", start + timedelta(seconds=9))
    h.end_set(hold_set, start + timedelta(seconds=40), "completed")
    rep_set = h.start_set(sid, "cat_cow", None, None, 8, start + timedelta(minutes=1))
    h.add_rep(rep_set, start + timedelta(minutes=1, seconds=5), 4.25)
    h.end_set(rep_set, start + timedelta(minutes=2), "sharp_pain")
    h.end_session(sid, start + timedelta(minutes=5), pain_after=7)
    empty = h.start_session(start + timedelta(days=1))  # no sets, never ended
    return sid, empty


def test_csv_parses_back(h):
    sid, empty = _sample(h)
    rows = list(csv.DictReader(io.StringIO(h.to_csv())))
    assert [(r["session_id"], r["set_id"]) for r in rows] == [
        (str(sid), "1"),
        (str(sid), "2"),
        (str(empty), ""),
    ]
    hold_row, rep_row, empty_row = rows
    assert hold_row["note"] == 'tight, "sore"'
    assert (hold_row["pain_before"], hold_row["pain_after"]) == ("6", "7")
    assert hold_row["session_started_at"] == "2024-02-01T07:30:00+00:00"
    assert (hold_row["exercise"], hold_row["side"], hold_row["target_s"]) == (
        "child_pose",
        "left",
        "30.0",
    )
    assert (hold_row["holds"], hold_row["held_s"], hold_row["best_hold_s"]) == ("1", "31.0", "31.0")
    assert (hold_row["target_met"], hold_row["stop_reason"]) == ("1", "completed")
    assert hold_row["corrections"] == "hips back:2"
    assert (rep_row["reps"], rep_row["target_reps"], rep_row["target_met"]) == ("1", "8", "0")
    assert (rep_row["stop_reason"], rep_row["sharp_pain"]) == ("sharp_pain", "1")
    assert (empty_row["session_ended_at"], empty_row["pain_before"]) == ("", "")
    assert list(rows[0]) == list(History.CSV_FIELDS)


def test_json_contains_pain_and_stop_reasons(h):
    sid, empty = _sample(h)
    doc = json.loads(h.to_json())
    assert doc["format"] == "poseguide-history"
    assert doc["schema_version"] == SCHEMA_VERSION
    first, second = doc["sessions"]
    assert (first["id"], second["id"]) == (sid, empty)
    assert (first["pain_before"], first["pain_after"]) == (6, 7)
    assert first["held_s"] == 31.0
    hold_set, rep_set = first["sets"]
    assert hold_set["stop_reason"] == "completed" and hold_set["sharp_pain"] is False
    assert hold_set["holds"] == [
        {
            "start": "2024-02-01T07:30:00+00:00",
            "end": "2024-02-01T07:30:31+00:00",
            "seconds": 31.0,
            "measure_median": None,  # no key measure recorded: null, never a guess
            "measure_best": None,
        }
    ]
    assert hold_set["corrections"] == [
        {"cue": "hips back", "count": 2, "first_at": "2024-02-01T07:30:03+00:00"}
    ]
    assert hold_set["target_met"] is True
    assert rep_set["stop_reason"] == "sharp_pain" and rep_set["sharp_pain"] is True
    assert rep_set["reps"] == [
        {"at": "2024-02-01T07:31:05+00:00", "duration_s": 4.25, "measure_range": None}
    ]
    assert second["ended_at"] is None and second["sets"] == []
    recent = json.loads(h.to_json(days=1, now=t(2024, 2, 2, 12)))
    assert [s["id"] for s in recent["sessions"]] == [empty]


# --------------------------------------------------------------------------- schema safety


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_newer_schema_is_refused_and_untouched(db):
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE future (x)")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    before = _snapshot(db.parent)
    with pytest.raises(HistoryError, match="newer poseguide") as err:
        History(db)
    assert str(db) in str(err.value)
    assert _snapshot(db.parent) == before


def test_newer_schema_only_in_wal_is_refused_and_untouched(tmp_path, db):
    """A newer version that crashed before checkpointing: the file header still says 1."""
    History(db).close()
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{db}{suffix}", crashed / f"{db.name}{suffix}")
    raw.close()
    main_before = (crashed / db.name).read_bytes()
    assert int.from_bytes(main_before[60:64], "big") == SCHEMA_VERSION
    with pytest.raises(HistoryError, match="newer poseguide"):
        History(crashed / db.name)
    assert (crashed / db.name).read_bytes() == main_before


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, not a database\n" * 50, b"SQLite format 3\x00" + b"\xff" * 40],
    ids=["empty-is-fine", "text", "truncated-header"],
)
def test_non_sqlite_file_is_refused_and_untouched(db, content):
    db.write_bytes(content)
    if not content:
        History(db).close()  # SQLite treats an empty file as a new database
        return
    with pytest.raises(HistoryError, match="not a SQLite database") as err:
        History(db)
    assert str(db) in str(err.value)
    assert db.read_bytes() == content
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_corrupt_pages_are_refused_and_untouched(db):
    with History(db) as h:
        practice(h, t(2024, 1, 1, 8), holds=(10,) * 3)
    data = bytearray(db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size * 2 : page_size * 4] = b"\xa5" * (page_size * 2)  # smash pages 3-4
    db.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="corrupt") as err:
        History(db)
    assert str(db) in str(err.value)
    assert db.read_bytes() == bytes(data)


def test_other_programs_database_is_refused_and_untouched(db):
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    with pytest.raises(HistoryError, match="some other program"):
        History(db)
    assert db.read_bytes() == before


def test_migration_path_upgrades_and_keeps_data(db, monkeypatch):
    with History(db) as h:
        sid, _ = practice(h, t(2024, 1, 1, 8), holds=(12,))

    def add_mood(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
        conn.execute("UPDATE sessions SET mood = 'unknown'")

    monkeypatch.setattr(history_mod, "MIGRATIONS", [*history_mod.MIGRATIONS, add_mood])
    monkeypatch.setattr(history_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with History(db) as h:
        assert h.session(sid).held_s == 12
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert raw.execute("SELECT mood FROM sessions").fetchall() == [("unknown",)]
    raw.close()


def test_failed_migration_rolls_back_completely(db, monkeypatch):
    with History(db) as h:
        sid, _ = practice(h, t(2024, 1, 1, 8), holds=(12,))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
        conn.execute("UPDATE no_such_table SET x = 1")

    with monkeypatch.context() as m:
        m.setattr(history_mod, "MIGRATIONS", [*history_mod.MIGRATIONS, broken])
        m.setattr(history_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        with pytest.raises(HistoryError, match=str(db)):
            History(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [r[1] for r in raw.execute("PRAGMA table_info(sessions)")]
    raw.close()
    assert "mood" not in columns
    with History(db) as h:
        assert h.session(sid).held_s == 12


def test_version_zero_empty_database_is_migrated(db):
    sqlite3.connect(db).close()
    db.write_bytes(b"")
    with History(db) as h:
        practice(h, t(2024, 1, 1, 8))
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


# --------------------------------------------------------------------------- unwritable storage


def test_full_disk_raises_history_error_and_keeps_committed_data(h):
    _, set_id = practice(h, t(2024, 1, 1, 8), holds=(10,))
    pages = h._conn.execute("PRAGMA page_count").fetchone()[0]
    h._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    start = t(2024, 1, 1, 9)
    with pytest.raises(HistoryError, match="disk is full") as err:
        for i in range(10_000):
            h.add_hold(set_id, start + timedelta(seconds=i), start + timedelta(seconds=i + 1))
    assert str(h.path) in str(err.value)
    (s,) = h.sessions()
    assert s.sets[0].holds[0].seconds == 10  # earlier commits intact, still readable
    assert len(s.sets[0].holds) == 1 + i  # every hold before the failing one was kept


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    """Root ignores file permissions, so drop to 'nobody' (effective ids only) meanwhile."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_read_only_location_raises_history_error():
    folder = Path(tempfile.mkdtemp(prefix="poseguide-ro-"))
    try:
        existing = folder / "existing.sqlite3"
        with History(existing) as h:
            practice(h, t(2024, 1, 1, 8))
        folder.chmod(0o555)
        existing.chmod(0o444)
        before = _snapshot(folder)
        with _unprivileged():
            with pytest.raises(HistoryError, match="read-only") as err:
                History(folder / "new.sqlite3")
            assert str(folder / "new.sqlite3") in str(err.value)
            with pytest.raises(HistoryError, match=str(existing)):
                History(existing)
        assert _snapshot(folder) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_folder_that_cannot_be_created_raises_history_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(HistoryError, match="cannot create the folder"):
        History(tmp_path / "file" / "sub" / "history.sqlite3")


# --------------------------------------------------------------------------- CLI


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="poseguide")
    add_history_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["history", *argv])


def _recent(h: History) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    sid = h.start_session(now - timedelta(hours=2), pain_before=5)
    set_id = h.start_set(sid, "child_pose", "left", 30, None, now - timedelta(hours=2))
    h.add_hold(set_id, now - timedelta(hours=2), now - timedelta(hours=2) + timedelta(seconds=75))
    h.end_set(set_id, now - timedelta(hours=1), "sharp_pain")
    h.end_session(sid, now - timedelta(hours=1), pain_after=2)
    practice(h, now - timedelta(days=60), "knee_to_chest", (99,))


def test_cli_table(db, capsys):
    with History(db) as h:
        _recent(h)
    args = _cli(["--db", str(db)])
    assert args.func is run_history
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "Sessions in the last 30 days: 1" in out
    assert "5->2" in out and "1:00:00" in out and "1:15" in out and "sharp_pain" in out
    assert "Per exercise:" in out and "knee_to_chest" in out.split("Personal bests:")[1]
    assert "Streak: 1 day in a row" in out
    assert "Sets stopped for sharp pain in the last 7 days: 1" in out
    assert run_history(_cli(["--db", str(db), "--days", "90"])) == 0
    assert "Sessions in the last 90 days: 2" in capsys.readouterr().out


def test_cli_says_dash_for_what_an_exercise_does_not_record(db, capsys):
    """A flow's best hold and a hold's repetitions are '-', not 0:00 and 0."""
    with History(db) as h:
        now = datetime.now(UTC).replace(microsecond=0)
        sid = h.start_session(now - timedelta(hours=1))
        flow = h.start_set(sid, "cat_cow", None, None, 5, now - timedelta(hours=1))
        h.add_rep(flow, now - timedelta(minutes=59), 4.0)
        h.end_set(flow, now - timedelta(minutes=58), "user_stop")
        hold = h.start_set(sid, "sphinx", None, 30, None, now - timedelta(minutes=50))
        h.add_hold(hold, now - timedelta(minutes=50), now - timedelta(minutes=49))
        h.end_set(hold, now - timedelta(minutes=49), "completed")
    assert run_history(_cli(["--db", str(db)])) == 0
    out = capsys.readouterr().out
    totals = out.split("Per exercise:")[1].split("Streak")[0]
    assert [line.split() for line in totals.strip().splitlines()][1:] == [
        ["cat_cow", "1", "0:00", "-", "1", "0/1"],
        ["sphinx", "1", "1:00", "1:00", "-", "1/1"],
    ]
    bests = out.split("Personal bests:")[1]

    def day(ago: timedelta) -> str:
        return (now - ago).astimezone().strftime("%Y-%m-%d")

    assert [line.split() for line in bests.strip().splitlines()][1:] == [
        ["cat_cow", "-", "-", "1", day(timedelta(hours=1))],
        ["sphinx", "1:00", day(timedelta(minutes=50)), "-", "-"],
    ]


def test_cli_json_and_csv(db, capsys, monkeypatch):
    with History(db) as h:
        _recent(h)
    monkeypatch.setenv("POSEGUIDE_DB", str(db))  # the default when --db is absent
    assert run_history(_cli(["--json"])) == 0
    doc = json.loads(capsys.readouterr().out)
    (session,) = doc["sessions"]
    assert (session["pain_before"], session["pain_after"]) == (5, 2)
    assert session["sets"][0]["stop_reason"] == "sharp_pain"
    assert run_history(_cli(["--csv", "--days", "365"])) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["exercise"] for r in rows] == ["knee_to_chest", "child_pose"]


def test_cli_empty_database(db, capsys):
    History(db).close()  # as the app leaves it before the first session
    assert run_history(argparse.Namespace(db=str(db), days=30, json=False, csv=False)) == 0
    out = capsys.readouterr().out
    assert "No sessions yet." in out and "Streak: 0 days" in out


def test_cli_mistyped_database_path_is_an_error_and_creates_nothing(db, capsys):
    assert run_history(argparse.Namespace(db=str(db), days=30, json=False, csv=False)) == 2
    err = capsys.readouterr().err
    assert f"{db}: no such history database" in err and err.count("\n") == 1
    assert not db.exists() and not db.with_name(db.name + "-wal").exists()


def test_cli_bad_database_is_one_line_exit_2(db, capsys):
    db.write_bytes(b"definitely not sqlite" * 10)
    assert run_history(_cli(["--db", str(db)])) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("poseguide history: error: ")
    assert str(db) in captured.err and "Traceback" not in captured.err


def test_cli_rejects_bad_options(capsys):
    for argv in (["--days", "0"], ["--days", "week"], ["--json", "--csv"]):
        with pytest.raises(SystemExit) as exc:
            _cli(argv)
        assert exc.value.code == 2
    assert "expected 1 to 36500 days, got 0" in capsys.readouterr().err


# --------------------------------------------------------------------------- Streamlit page


def _page(db_path: str) -> None:
    from poseguide.ui.history import render

    render(db_path)


def test_page_on_empty_database(db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, kwargs={"db_path": str(db)}).run(timeout=10)
    assert not at.exception
    assert any("No sessions yet" in info.value for info in at.info)
    with History(db) as h:
        practice(h, datetime.now(UTC) - timedelta(days=45))
    at.run(timeout=10)
    assert any("No sessions in the last 30 days" in info.value for info in at.info)


def test_page_shows_history_and_deletes_with_confirmation(db):
    from streamlit.testing.v1 import AppTest

    with History(db) as h:
        _recent(h)
        sid, _ = practice(h, datetime.now(UTC) - timedelta(days=3), "child_pose", (20, 25))
        reps = h.start_set(sid, "cat_cow", None, None, 5, datetime.now(UTC) - timedelta(days=3))
        h.add_rep(reps, datetime.now(UTC) - timedelta(days=3), 4.0)
    at = AppTest.from_function(_page, kwargs={"db_path": str(db)}).run(timeout=10)
    assert not at.exception
    assert at.metric[0].value == "1 day"  # streak: today only (3 days ago is not adjacent)
    assert len(at.dataframe) == 2  # sessions, personal bests
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert [c["encoding"]["y"]["title"] for c in charts] == [
        "Seconds in form",  # per exercise per day
        "Best hold (s)",
        "Repetitions",
        "Pain (0-10)",  # beside ...
        "Seconds in form",  # ... held time per session
    ]
    assert len(at.get("download_button")) == 2  # CSV and the report
    # A flow has no best hold and a single hold no repetitions: "–", not 0; and each column
    # holds one type, which Arrow needs to send the table to the browser.
    import pyarrow as pa

    bests = at.dataframe[1].value.set_index("Exercise")
    assert bests.loc["Cat-cow flow", "Best hold (s)"] == "–"
    assert bests.loc["Child pose", "Most reps in a set"] == "–"
    assert bests.loc["Cat-cow flow", "Most reps in a set"] == "1"
    for frame in (at.dataframe[0].value, bests):
        pa.Table.from_pandas(frame)  # raises ArrowTypeError on a column of "–" and numbers

    delete = at.button(key="history_delete")
    assert delete.disabled
    at.checkbox(key="history_delete_confirm").check().run(timeout=10)
    at.button(key="history_delete").click().run(timeout=10)
    assert not at.exception
    assert any("Deleted session" in s.value for s in at.success)
    assert at.checkbox(key="history_delete_confirm").value is False
    with History(db) as h:
        assert len(h.sessions(30)) == 1


def test_page_shows_pose_names_dashes_and_one_label_per_day(db):
    from streamlit.testing.v1 import AppTest

    with History(db) as h:
        now = datetime.now(UTC).replace(microsecond=0)
        practice(h, now - timedelta(days=2), "cat_cow", (20,))
        practice(h, now - timedelta(days=1), "childs_pose", (25,))
        practice(h, now - timedelta(hours=1), "retired_pose", (25,))  # no template any more
    at = AppTest.from_function(_page, kwargs={"db_path": str(db)}).run(timeout=10)
    assert not at.exception
    sessions = at.dataframe[0].value
    assert set(sessions["Exercises"]) == {"Cat-cow flow", "Child's pose", "Retired pose"}
    assert (sessions["Pain before"] == "–").all() and (sessions["Note"] == "–").all()
    assert "None" not in sessions.astype(str).to_string()
    bests = at.dataframe[1].value
    assert "childs_pose" not in set(bests["Exercise"]) and "Child's pose" in set(bests["Exercise"])
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    x = chart["encoding"]["x"]
    assert (x["field"], x["type"]) == ("day", "ordinal")  # one band per day, never a repeat


def test_page_reports_bad_database(db):
    from streamlit.testing.v1 import AppTest

    db.write_bytes(b"nope" * 100)
    at = AppTest.from_function(_page, kwargs={"db_path": str(db)}).run(timeout=10)
    assert not at.exception
    assert "cannot be opened" in at.error[0].value
