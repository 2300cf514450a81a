"""The user's own plan on the exercise page: targets per exercise, rest length, voice,
countdown and breathing pace, and the custom routine, kept in the history database.

Every widget saves on change (a callback, so a click that interrupts a run is not lost) and
the page reads the plan back on the next run: settings survive a restart of the app.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from poseguide.core.templates import Library, Template
from poseguide.history import History, HistoryError
from poseguide.history.settings import (
    REST_RANGE_S,
    ExerciseTarget,
    Plan,
    PlanStore,
    target_limits,
)
from poseguide.live.routine import Routine, Step


def load(history: History | None) -> Plan:
    """The stored plan, or the defaults when there is no history to keep it in."""
    if history is None:
        return Plan()
    try:
        return PlanStore(history).load()
    except HistoryError as exc:
        st.caption(f"Your settings cannot be read, so the defaults are used: {exc}")
        return Plan()


def save_preferences(history: History | None, **changes: object) -> None:
    """Store changed preferences; a failure is shown, the page goes on with them unsaved."""
    if history is None:
        return
    store = PlanStore(history)
    try:
        store.save_preferences(replace(store.load().preferences, **changes))  # type: ignore[arg-type]
    except (HistoryError, ValueError) as exc:
        st.session_state["plan_error"] = f"Your settings could not be saved: {exc}"


def with_targets(routine: Routine, plan: Plan) -> Routine:
    """The routine with the user's own targets in force where they set one."""
    steps = []
    for step in routine.steps:
        mine = plan.targets.get(step.template_id)
        if mine is not None:
            step = replace(
                step,
                hold_s=mine.hold_s if mine.hold_s is not None else step.hold_s,
                reps=mine.reps if mine.reps is not None else step.reps,
            )
        steps.append(step)
    return replace(routine, steps=tuple(steps))


def saved_routine(plan: Plan, library: Library) -> Routine | None:
    """The custom routine as saved, in its order with its targets (missing poses left out)."""
    steps = tuple(
        Step(s.exercise, hold_s=s.hold_s, reps=s.reps)
        for s in plan.routine
        if s.exercise in library.templates
    )
    return Routine("Your routine", steps) if steps else None


def render(library: Library, history: History | None, plan: Plan, locked: bool) -> None:
    """The 'Your plan' settings: preferences, and a target per exercise within the guides'
    ranges."""
    if "plan_error" in st.session_state:
        st.error(st.session_state.pop("plan_error"))
    if history is None:
        st.caption("Without a history database your settings last only for this visit.")
    prefs = plan.preferences
    a, b, c = st.columns(3)
    a.slider(
        "Rest between sets (s)",
        int(REST_RANGE_S[0]),
        int(REST_RANGE_S[1]),
        int(prefs.rest_s),
        step=5,
        key="plan_rest",
        disabled=locked,
        on_change=lambda: save_preferences(history, rest_s=float(st.session_state.plan_rest)),
    )
    b.toggle(
        "Countdown at the end of a hold",
        value=prefs.countdown,
        key="plan_countdown",
        disabled=locked,
        help='Says "10 seconds left" and "3, 2, 1".',
        on_change=lambda: save_preferences(history, countdown=st.session_state.plan_countdown),
    )
    c.toggle(
        "Breathing pace in cat-cow",
        value=prefs.breathing_pace,
        key="plan_breathing",
        disabled=locked,
        help="A soft tone: breathe in to cow, out to cat, 4 seconds each.",
        on_change=lambda: save_preferences(history, breathing_pace=st.session_state.plan_breathing),
    )
    st.markdown("**Your target for an exercise** (within the range the guides give)")
    templates = sorted(library.templates.values(), key=lambda t: t.name)
    tid = st.selectbox(
        "Exercise",
        [t.id for t in templates],
        format_func=lambda i: library[i].name,
        key="plan_exercise",
    )
    template = library[tid]
    _target_editor(template, plan, history, locked)


def _target_editor(template: Template, plan: Plan, history: History | None, locked: bool) -> None:
    limits = target_limits(template)
    mine = plan.targets.get(template.id) or ExerciseTarget(template.id)
    in_force = plan.target_for(template).target
    cols = st.columns(3)
    hold = None
    if limits.hold is not None and limits.hold[1] > limits.hold[0]:
        hold = cols[0].number_input(
            f"Hold (s), {limits.hold[0]:g}-{limits.hold[1]:g}",
            min_value=float(limits.hold[0]),
            max_value=float(limits.hold[1]),
            value=float(in_force.hold_s),
            step=5.0,
            key=f"plan_hold_{template.id}",
            disabled=locked,
        )
    reps = None
    if limits.reps[1] > limits.reps[0]:
        reps = cols[1].number_input(
            f"Repetitions, {limits.reps[0]}-{limits.reps[1]}",
            min_value=limits.reps[0],
            max_value=limits.reps[1],
            value=int(in_force.reps),
            step=1,
            key=f"plan_reps_{template.id}",
            disabled=locked,
        )
    if hold is None and reps is None:
        cols[0].caption("The guides give this exercise one fixed target.")
        return
    wanted = ExerciseTarget(
        template.id,
        None if hold is None or hold == template.target.hold_s else float(hold),
        None if reps is None or reps == template.target.reps else int(reps),
    )
    if cols[2].button(
        "Save target", key=f"plan_save_{template.id}", disabled=locked or wanted == mine
    ):
        try:
            if history is None:
                raise HistoryError("there is no history database to keep it in")
            PlanStore(history).save_target(wanted, template)
        except (HistoryError, ValueError) as exc:
            st.error(f"The target could not be saved: {exc}")
        else:
            st.session_state["plan_saved"] = f"Saved: {template.name}, {_words(wanted)}"
            st.rerun()
    if "plan_saved" in st.session_state:
        st.success(st.session_state.pop("plan_saved"))


def _words(target: ExerciseTarget) -> str:
    if target.hold_s is None and target.reps is None:
        return "back to the guides' target"
    parts = []
    if target.hold_s is not None:
        parts.append(f"hold {target.hold_s:g} s")
    if target.reps is not None:
        parts.append(f"{target.reps} repetitions")
    return ", ".join(parts)


def save_routine(history: History | None, picked: list[str], plan: Plan, library: Library) -> str:
    """Store the custom routine in the picked order, each step with the target in force."""
    if history is None:
        return "There is no history database to keep the routine in."
    steps = [plan.targets.get(t) or ExerciseTarget(t) for t in picked]
    try:
        PlanStore(history).save_routine(steps, library.templates)
    except (HistoryError, ValueError) as exc:
        return f"The routine could not be saved: {exc}"
    return ""
