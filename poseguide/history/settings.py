"""The user's own plan, kept in the history database: targets per exercise, rest length,
voice and countdown switches, the breathing pace, the last exercise chosen and a custom
routine (order and targets).

Targets are limited to the guides' ranges (``target_limits``): a hold of 15-60 s (longer where
the template allows it, shorter holds inside repetitions keep the template's own range), and
the template's repetition range (cat-cow 10-20). A value outside them is refused with a message
naming the exercise, the field and the range, never clipped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace

from poseguide.core.templates import Template
from poseguide.history.store import History

STRETCH_HOLD_S = (15.0, 60.0)  # the guides' range for a held stretch
REST_RANGE_S = (5.0, 120.0)
DEFAULT_REST_S = 10.0
SPEECH_RATE_RANGE = (0.5, 1.5)  # the Web Speech rate: 1 is the voice's normal pace
SPEECH_VOLUME_RANGE = (0.1, 1.0)  # 0 would be silence: the sound toggle turns sound off


@dataclass(frozen=True)
class Limits:
    hold: tuple[float, float] | None  # None: the exercise has no hold (a flow)
    reps: tuple[int, int]


def target_limits(template: Template) -> Limits:
    """What a user may set for this exercise, from the guides and the template."""
    t = template.target
    reps = (t.reps, max(t.reps, t.reps_max))
    if template.is_flow:
        return Limits(None, reps)
    if t.hold_s >= STRETCH_HOLD_S[0]:
        return Limits((STRETCH_HOLD_S[0], max(STRETCH_HOLD_S[1], t.hold_max_s)), reps)
    return Limits((t.hold_s, max(t.hold_s, t.hold_max_s)), reps)


@dataclass(frozen=True)
class ExerciseTarget:
    """The user's target for one exercise; ``None`` keeps the template's own."""

    exercise: str
    hold_s: float | None = None
    reps: int | None = None

    def validated(self, template: Template) -> ExerciseTarget:
        limits = target_limits(template)
        name = template.name
        if self.hold_s is not None:
            if limits.hold is None:
                raise ValueError(f"{name}: hold_s: a flow has no hold, got {self.hold_s!r}")
            lo, hi = limits.hold
            if isinstance(self.hold_s, bool) or not lo <= self.hold_s <= hi:
                raise ValueError(
                    f"{name}: hold_s: expected {lo:g} to {hi:g} seconds, got {self.hold_s!r}"
                )
        if self.reps is not None:
            lo, hi = limits.reps
            if (
                isinstance(self.reps, bool)
                or not isinstance(self.reps, int)
                or not (lo <= self.reps <= hi)
            ):
                raise ValueError(
                    f"{name}: reps: expected a whole number from {lo} to {hi}, got {self.reps!r}"
                )
        return self

    def apply(self, template: Template) -> Template:
        """The template with this target in force (what the session times and records)."""
        target = template.target
        if self.hold_s is not None:
            target = replace(
                target,
                hold_s=float(self.hold_s),
                hold_max_s=max(target.hold_max_s, float(self.hold_s)),
            )
        if self.reps is not None:
            target = replace(target, reps=self.reps, reps_max=max(target.reps_max, self.reps))
        return replace(template, target=target)


@dataclass(frozen=True)
class Preferences:
    """Switches for the coach; stored as one JSON value per field."""

    rest_s: float = DEFAULT_REST_S
    voice: bool = True
    countdown: bool = True
    breathing_pace: bool = False
    last_exercise: str = ""
    speech_voice: str = ""  # a voice's name; empty: the first voice running on this machine
    speech_rate: float = 0.95
    speech_volume: float = 1.0

    def validated(self) -> Preferences:
        lo, hi = REST_RANGE_S
        if (
            isinstance(self.rest_s, bool)
            or not isinstance(self.rest_s, (int, float))
            or not (lo <= self.rest_s <= hi)
        ):
            raise ValueError(f"rest_s: expected {lo:g} to {hi:g} seconds, got {self.rest_s!r}")
        for name in ("voice", "countdown", "breathing_pace"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: expected true or false, got {getattr(self, name)!r}")
        if not isinstance(self.last_exercise, str):
            raise ValueError(f"last_exercise: expected a template id, got {self.last_exercise!r}")
        if not isinstance(self.speech_voice, str):
            raise ValueError(f"speech_voice: expected a voice's name, got {self.speech_voice!r}")
        for name, (lo, hi) in (
            ("speech_rate", SPEECH_RATE_RANGE),
            ("speech_volume", SPEECH_VOLUME_RANGE),
        ):
            value = getattr(self, name)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or not lo <= value <= hi:
                raise ValueError(f"{name}: expected {lo:g} to {hi:g}, got {value!r}")
        return self


@dataclass(frozen=True)
class Plan:
    """Everything the user set: preferences, targets by exercise, and a custom routine."""

    preferences: Preferences = field(default_factory=Preferences)
    targets: dict[str, ExerciseTarget] = field(default_factory=dict)
    routine: tuple[ExerciseTarget, ...] = ()

    def target_for(self, template: Template) -> Template:
        """The template with the user's target for it in force, if they set one."""
        mine = self.targets.get(template.id)
        return mine.apply(template) if mine else template


class PlanStore:
    """Reads and writes the plan in the history database (schema version 2 and later)."""

    def __init__(self, history: History) -> None:
        self.history = history

    def load(self) -> Plan:
        """The stored plan; values a later version wrote that this one cannot read fall back to
        the defaults field by field rather than losing the rest."""
        with self.history._read() as conn:
            prefs_rows = dict(conn.execute("SELECT key, value FROM settings").fetchall())
            target_rows = conn.execute(
                "SELECT exercise, hold_s, reps FROM exercise_targets"
            ).fetchall()
            routine_rows = conn.execute(
                "SELECT exercise, hold_s, reps FROM routine_steps ORDER BY position"
            ).fetchall()
        defaults = Preferences()
        values = {}
        for f in fields(Preferences):
            if f.name in prefs_rows:
                try:
                    value = json.loads(prefs_rows[f.name])
                    replace(defaults, **{f.name: value}).validated()
                    values[f.name] = value
                except (ValueError, TypeError):
                    continue
        return Plan(
            preferences=replace(defaults, **values),
            targets={e: ExerciseTarget(e, h, r) for e, h, r in target_rows},
            routine=tuple(ExerciseTarget(e, h, r) for e, h, r in routine_rows),
        )

    def save_preferences(self, preferences: Preferences) -> None:
        preferences.validated()
        with self.history._write() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(f.name, json.dumps(getattr(preferences, f.name))) for f in fields(Preferences)],
            )

    def save_target(self, target: ExerciseTarget, template: Template) -> None:
        """Set (or with both fields None, clear) the user's target for one exercise."""
        if target.exercise != template.id:
            raise ValueError(f"target for {target.exercise!r} given the template {template.id!r}")
        target.validated(template)
        with self.history._write() as conn:
            if target.hold_s is None and target.reps is None:
                conn.execute("DELETE FROM exercise_targets WHERE exercise = ?", (template.id,))
                return
            conn.execute(
                "INSERT INTO exercise_targets (exercise, hold_s, reps) VALUES (?, ?, ?) "
                "ON CONFLICT(exercise) DO UPDATE SET hold_s = excluded.hold_s, "
                "reps = excluded.reps",
                (template.id, target.hold_s, target.reps),
            )

    def save_routine(self, steps: list[ExerciseTarget], templates: dict[str, Template]) -> None:
        """Replace the custom routine by ``steps``, in this order (validated first)."""
        for i, step in enumerate(steps):
            if step.exercise not in templates:
                raise ValueError(f"routine step {i + 1}: no pose template {step.exercise!r}")
            step.validated(templates[step.exercise])
        with self.history._write() as conn:
            conn.execute("DELETE FROM routine_steps")
            conn.executemany(
                "INSERT INTO routine_steps (position, exercise, hold_s, reps) VALUES (?, ?, ?, ?)",
                [(i, s.exercise, s.hold_s, s.reps) for i, s in enumerate(steps)],
            )
