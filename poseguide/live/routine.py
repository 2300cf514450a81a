"""Routines: the guides' daily routine, single exercises, and the pure runner that steps
through sets and rests on frame times."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from poseguide.core.templates import Library, Template, target_words
from poseguide.core.textenum import TextEnum
from poseguide.live.coach import next_words

REST_S = 10.0  # rest between sets


# Routine phases.
class Phase(TextEnum):
    """Where a routine is: not started, camera check, a set, a rest, or over."""

    IDLE = "idle"
    SETUP = "setup"
    EXERCISE = "exercise"
    REST = "rest"
    DONE = "done"
    STOPPED = "stopped"


ACTIVE = (Phase.SETUP, Phase.EXERCISE, Phase.REST)


class Outcome(TextEnum):
    """How a planned set ended; a repeated set keeps the best of its attempts."""

    SKIPPED = "skipped"
    STOPPED = "stopped"
    DONE = "done"


_RANK = {Outcome.SKIPPED: 0, Outcome.STOPPED: 1, Outcome.DONE: 2}
_SET_ENDS = {Outcome.SKIPPED: "skipped", Outcome.STOPPED: "stopped", Outcome.DONE: "complete"}


@dataclass(frozen=True)
class Step:
    """One exercise of a routine; ``None`` keeps the template's own target."""

    template_id: str
    hold_s: float | None = None
    reps: int | None = None
    per_side: bool | None = None
    sets_per_side: int | None = None


@dataclass(frozen=True)
class Routine:
    name: str
    steps: tuple[Step, ...]


# The basic daily routine of the guides.
BASIC_ROUTINE = Routine(
    "Basic daily routine",
    (
        Step("childs_pose", hold_s=60),
        Step("cat_cow", reps=15),
        Step("knee_to_chest", per_side=True, sets_per_side=2),
        Step("seated_twist", per_side=True, sets_per_side=2),
        Step("pelvic_tilt", reps=10),
    ),
)

# A short break at the desk from the guides' stretches: the neck both sides, the back arched,
# the trunk turned both sides, the side stretched once each side. Sitting and standing only, no
# mat.
DESK_BREAK = Routine(
    "Desk break",
    (
        Step("neck_rotation", per_side=True, sets_per_side=1),
        Step("standing_back_extension"),
        Step("trunk_rotation", per_side=True, sets_per_side=1),
        Step("side_stretch", per_side=True, sets_per_side=1),
    ),
)


def single(template_id: str) -> Routine:
    """A routine of one exercise with the template's own target."""
    return Routine(template_id, (Step(template_id),))


def custom(template_ids: Sequence[str], name: str = "Custom routine") -> Routine:
    """A routine of library exercises in the given order, each with its own target."""
    return Routine(name, tuple(Step(t) for t in template_ids))


@dataclass(frozen=True)
class PlannedSet:
    """One set of the plan: an exercise (target already adjusted), on one side or none."""

    template: Template
    side: str | None
    number: int
    total: int

    @property
    def label(self) -> str:
        return f"{self.template.name}, {self.side} side" if self.side else self.template.name

    @property
    def flow(self) -> bool:
        return self.template.is_flow

    @property
    def target_text(self) -> str:
        return target_words(self.template)


def _with_target(template: Template, step: Step) -> Template:
    target = template.target
    if step.hold_s is not None:
        target = replace(target, hold_s=step.hold_s, hold_max_s=max(target.hold_max_s, step.hold_s))
    if step.reps is not None:
        target = replace(target, reps=step.reps, reps_max=max(target.reps_max, step.reps))
    if step.per_side is not None:
        target = replace(target, per_side=step.per_side)
    if step.sets_per_side is not None:
        target = replace(target, sets_per_side=step.sets_per_side)
    return replace(template, target=target)


def plan_routine(routine: Routine, library: Library) -> tuple[list[PlannedSet], list[str]]:
    """The sets to do in order, and a note for every exercise left out (no template yet)."""
    rows: list[tuple[Template, str | None]] = []
    notes: list[str] = []
    for step in routine.steps:
        template = library.templates.get(step.template_id)
        if template is None:
            notes.append(
                f"{step.template_id.replace('_', ' ').capitalize()} is skipped: "
                "there is no pose template for it yet."
            )
            continue
        template = _with_target(template, step)
        sides: tuple[str | None, ...] = ("left", "right") if template.target.per_side else (None,)
        for _ in range(template.target.sets_per_side):
            rows += [(template, side) for side in sides]
    plan = [PlannedSet(t, side, n + 1, len(rows)) for n, (t, side) in enumerate(rows)]
    return plan, notes


def routine_words(routine: Routine, library: Library) -> str:
    """The routine in one line with the targets in force (the user's own where they set one):
    'Child's pose, hold 20 s · Cat-cow flow, 15 repetitions · Knee to chest, hold 20 s, 2 per
    side'."""
    parts = []
    for step in routine.steps:
        template = library.templates.get(step.template_id)
        if template is not None:
            template = _with_target(template, step)
            sides = (
                f", {template.target.sets_per_side} per side" if template.target.per_side else ""
            )
            parts.append(f"{template.name}, {target_words(template)}{sides}")
    return " · ".join(parts)


class RoutineRunner:
    """Where the routine stands: camera set-up, a set, a rest, or finished.

    Pure: every method takes the caller's time in seconds and returns what to announce. The
    ``serial`` grows each time a set (re)starts, so the caller knows when to start a new one.
    """

    def __init__(
        self, routine: Routine, library: Library, rest_s: float = REST_S, setup: bool = True
    ) -> None:
        self.plan, self.notes = plan_routine(routine, library)
        self.rest_s = rest_s
        self.setup = setup
        self.phase = Phase.IDLE if self.plan else Phase.DONE
        self.index = 0
        self.serial = 0
        self.paused = False
        self._rest_until = 0.0
        self._paused_at = 0.0
        self.outcomes: dict[int, Outcome] = {}  # plan index -> how the set ended

    @property
    def current(self) -> PlannedSet | None:
        """The set being done, or during a rest the one coming next."""
        return self.plan[self.index] if self.index < len(self.plan) else None

    def rest_left(self, t: float) -> float:
        if self.phase != Phase.REST:
            return 0.0
        now = self._paused_at if self.paused else t
        return max(0.0, self._rest_until - now)

    def begin(self, t: float) -> list[str]:
        if self.phase != Phase.IDLE:
            return []
        if self.setup:
            self.phase = Phase.SETUP
            return ["Camera check: get into position so the camera sees your whole body"]
        return self._start_set()

    def setup_ok(self, t: float) -> list[str]:
        if self.phase != Phase.SETUP:
            return []
        return ["The camera can see you", *self._start_set()]

    def set_done(self, t: float) -> list[str]:
        """The current set reached its target: rest before the next one, or finish."""
        if self.phase != Phase.EXERCISE:
            return []
        self._mark(Outcome.DONE)
        self.index += 1
        return self._next(t, "Well done.")

    @property
    def one_exercise(self) -> bool:
        """Every planned set is of the same exercise (one set, or its sides and sets)."""
        return len({p.template.id for p in self.plan}) <= 1

    def ending(self) -> str:
        """How the run ended, in the words the page, the video and the voice share: a single
        exercise is a set (or an exercise of several sets), not a routine."""
        if len(self.plan) == 1:
            outcome = self.outcomes.get(0)
            return f"Set {_SET_ENDS[outcome]}" if outcome else "Stopped before the set began"
        if self.phase == Phase.STOPPED:
            return f"Stopped: {self.tally()}"
        noun = "Exercise" if self.one_exercise else "Routine"
        return f"{noun} {'complete' if self.all_done else 'over'}: {self.tally()}"

    def tally(self) -> str:
        """How many sets were done, skipped and stopped, in words."""
        counts = Counter(self.outcomes.values())
        parts = [f"{counts[Outcome.DONE]} of {len(self.plan)} sets done"]
        parts += [f"{counts[k]} {k.value}" for k in (Outcome.SKIPPED, Outcome.STOPPED) if counts[k]]
        left = len(self.plan) - len(self.outcomes)
        if left and self.phase == Phase.STOPPED:
            parts.append(f"{left} not started")
        return ", ".join(parts)

    def _mark(self, outcome: Outcome) -> None:
        old = self.outcomes.get(self.index)
        if old is None or _RANK[outcome] >= _RANK[old]:
            self.outcomes[self.index] = outcome

    def tick(self, t: float) -> list[str]:
        """Start the next set once the rest is over."""
        if self.phase == Phase.REST and not self.paused and t >= self._rest_until:
            return self._start_set()
        return []

    def skip(self, t: float) -> list[str]:
        """Skip what is in front of the user: the camera check, this set (then the rest and
        "Next:", as after a finished set), or the rest (the next set starts at once)."""
        if self.phase == Phase.SETUP:
            return self._start_set()
        if self.phase == Phase.EXERCISE:
            self._mark(Outcome.SKIPPED)
            self.index += 1
            return self._next(t, "Skipped.")
        if self.phase == Phase.REST:
            self.paused = False
            return self._start_set()
        return []

    def repeat(self, t: float) -> list[str]:
        """Do the current set again from the start; during a rest or at the end, the last one."""
        if self.phase in (Phase.REST, Phase.DONE) and self.index > 0:
            self.index -= 1
        elif self.phase != Phase.EXERCISE:
            return []
        self.paused = False
        return ["Again.", *self._start_set()]

    def pause(self, t: float) -> list[str]:
        if self.phase not in ACTIVE or self.paused:
            return []
        self.paused, self._paused_at = True, t
        return ["Paused"]

    def resume(self, t: float) -> list[str]:
        if not self.paused:
            return []
        self.paused = False
        if self.phase == Phase.REST:
            self._rest_until += t - self._paused_at
        return ["Continue"]

    def stop(self, t: float) -> list[str]:
        if self.phase in (Phase.DONE, Phase.STOPPED):
            return []
        if self.phase == Phase.EXERCISE:
            self._mark(Outcome.STOPPED)
        self.phase, self.paused = Phase.STOPPED, False
        return [f"{self.ending()}."]

    def _start_set(self) -> list[str]:
        planned = self.current
        if planned is None:
            return self._finish("")
        self.phase = Phase.EXERCISE
        self.serial += 1
        return [f"Now: {planned.label}. Target: {planned.target_text}"]

    def _next(self, t: float, praise: str) -> list[str]:
        upcoming = self.current
        if upcoming is None:
            return self._finish(praise)
        if self.rest_s <= 0:
            return [praise, *self._start_set()]
        self.phase, self._rest_until = Phase.REST, t + self.rest_s
        return [
            f"{praise} Rest for {self.rest_s:g} seconds.",
            next_words(upcoming.template, upcoming.side),
        ]

    @property
    def all_done(self) -> bool:
        """Every planned set reached its target."""
        return all(self.outcomes.get(i) == Outcome.DONE for i in range(len(self.plan)))

    def _finish(self, praise: str) -> list[str]:
        self.phase = Phase.DONE
        if not self.one_exercise:  # the routine's spoken wording
            if self.all_done:
                return [f"{praise} The routine is complete: {self.tally()}.".strip()]
            return [f"The routine is over: {self.tally()}."]
        return [f"{praise if self.all_done else ''} {self.ending()}.".strip()]
