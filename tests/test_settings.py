"""The user's own plan in the history database: migration from schema 1, round trips that
survive a restart, the guides' limits, the routine's order and the target in force recorded."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from poseguide.core.templates import load_library
from poseguide.history import History
from poseguide.history import schema as history_schema
from poseguide.history.settings import (
    ExerciseTarget,
    PlanStore,
    Preferences,
    target_limits,
)

LIBRARY = load_library()
T0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)


def test_schema_1_database_is_migrated_and_keeps_its_sets(tmp_path):
    db = tmp_path / "h.sqlite3"
    raw = sqlite3.connect(db)
    history_schema.MIGRATIONS[0](raw)  # a database written before settings existed
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO sessions (id, started_at) VALUES (1, '2026-01-01T08:00:00+00:00')")
    raw.execute(
        "INSERT INTO sets (session_id, exercise, side, target_s, started_at) "
        "VALUES (1, 'sphinx', NULL, 30, '2026-01-01T08:00:00+00:00')"
    )
    raw.commit()
    raw.close()
    with History(db) as h:
        assert h.session(1).sets[0].target_s == 30
        plan = PlanStore(h).load()
        assert plan.preferences == Preferences() and plan.targets == {} and plan.routine == ()
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == history_schema.SCHEMA_VERSION >= 2
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"settings", "exercise_targets", "routine_steps"} <= tables
    raw.close()


def test_plan_survives_a_restart(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History(db) as h:
        store = PlanStore(h)
        store.save_preferences(
            Preferences(
                rest_s=25, voice=False, countdown=False, breathing_pace=True, last_exercise="cobra"
            )
        )
        store.save_target(ExerciseTarget("sphinx", hold_s=45), LIBRARY["sphinx"])
        store.save_target(ExerciseTarget("cat_cow", reps=12), LIBRARY["cat_cow"])
        store.save_routine(
            [
                ExerciseTarget("pelvic_tilt", reps=12),
                ExerciseTarget("childs_pose", hold_s=50),
                ExerciseTarget("cat_cow"),
            ],
            LIBRARY.templates,
        )
    with History(db) as h:
        plan = PlanStore(h).load()
    assert plan.preferences == Preferences(25, False, False, True, "cobra")
    assert plan.targets["sphinx"] == ExerciseTarget("sphinx", 45.0, None)
    assert plan.targets["cat_cow"].reps == 12
    assert [s.exercise for s in plan.routine] == ["pelvic_tilt", "childs_pose", "cat_cow"]
    assert plan.routine[0].reps == 12 and plan.routine[1].hold_s == 50
    assert plan.target_for(LIBRARY["sphinx"]).target.hold_s == 45
    assert plan.target_for(LIBRARY["cobra"]) == LIBRARY["cobra"]  # no target set: the template's


def test_clearing_a_target_and_replacing_the_routine(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        store = PlanStore(h)
        store.save_target(ExerciseTarget("sphinx", hold_s=45), LIBRARY["sphinx"])
        store.save_target(ExerciseTarget("sphinx"), LIBRARY["sphinx"])
        store.save_routine([ExerciseTarget("cobra"), ExerciseTarget("sphinx")], LIBRARY.templates)
        store.save_routine([ExerciseTarget("sphinx")], LIBRARY.templates)
        plan = store.load()
    assert plan.targets == {}
    assert [s.exercise for s in plan.routine] == ["sphinx"]


@pytest.mark.parametrize(
    "target,message",
    [
        (ExerciseTarget("sphinx", hold_s=10), "Sphinx: hold_s: expected 15 to 60 seconds, got 10"),
        (ExerciseTarget("sphinx", hold_s=61), "expected 15 to 60 seconds, got 61"),
        (ExerciseTarget("childs_pose", hold_s=150), "expected 15 to 120 seconds, got 150"),
        (
            ExerciseTarget("cat_cow", reps=9),
            "Cat-cow flow: reps: expected a whole number from 10 to 20, got 9",
        ),
        (ExerciseTarget("cat_cow", reps=21), "from 10 to 20, got 21"),
        (ExerciseTarget("cat_cow", hold_s=20), "a flow has no hold"),
        (ExerciseTarget("pelvic_tilt", reps=2.5), "whole number"),
    ],
)
def test_targets_outside_the_guides_ranges_are_refused(tmp_path, target, message):
    with History(tmp_path / "h.sqlite3") as h:
        store = PlanStore(h)
        with pytest.raises(ValueError, match=message):
            store.save_target(target, LIBRARY[target.exercise])
        assert store.load().targets == {}  # nothing half-written


def test_limits_follow_the_guides():
    assert target_limits(LIBRARY["sphinx"]).hold == (15, 60)
    assert target_limits(LIBRARY["cat_cow"]).hold is None
    assert target_limits(LIBRARY["cat_cow"]).reps == (10, 20)
    assert target_limits(LIBRARY["pelvic_tilt"]).hold == (5, 5)  # a short hold inside reps


def test_bad_preferences_and_routine_steps_are_refused(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        store = PlanStore(h)
        with pytest.raises(ValueError, match="rest_s: expected 5 to 120 seconds, got 2"):
            store.save_preferences(Preferences(rest_s=2))
        with pytest.raises(ValueError, match="voice: expected true or false"):
            store.save_preferences(Preferences(voice="yes"))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="routine step 2: no pose template 'sfinx'"):
            store.save_routine(
                [ExerciseTarget("cobra"), ExerciseTarget("sfinx")], LIBRARY.templates
            )
        assert store.load().routine == ()


def test_unreadable_stored_value_falls_back_to_the_default_for_that_field_only(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History(db) as h:
        PlanStore(h).save_preferences(Preferences(rest_s=30, voice=False))
    raw = sqlite3.connect(db)
    raw.execute("UPDATE settings SET value = '\"loud\"' WHERE key = 'voice'")
    raw.commit()
    raw.close()
    with History(db) as h:
        prefs = PlanStore(h).load().preferences
    assert prefs.rest_s == 30 and prefs.voice is True


def test_history_records_the_target_in_force(tmp_path):
    with History(tmp_path / "h.sqlite3") as h:
        store = PlanStore(h)
        store.save_target(ExerciseTarget("sphinx", hold_s=40), LIBRARY["sphinx"])
        template = store.load().target_for(LIBRARY["sphinx"])
        sid = h.start_session(T0)
        h.start_set(sid, template.id, None, template.target.hold_s, None, T0)
        assert h.session(sid).sets[0].target_s == 40
