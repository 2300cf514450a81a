"""Pose templates: one TOML file per pose in ``reference_poses/``, validated on load.

Every problem is reported as ``<file>: <field>: expected <what>, got <what>`` so a person
editing a template can fix it without reading code. Loading a folder keeps the good
templates and lists the broken ones instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import reprlib
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from poseguide.core import toml_text
from poseguide.core.landmarks import INDEX
from poseguide.core.measures import MEASURES
from poseguide.core.textenum import TextEnum

# The shipped templates: the repository's reference_poses/, installed as package data.
DEFAULT_DIR = Path(str(resources.files("poseguide.reference_poses")))
WORKING_SIDES = ("facing", "best")
VIEWS = ("side", "front", "any")


class Kind(TextEnum):
    """A hold is timed; a flow (cat-cow) is counted in repetitions between its phases."""

    HOLD = "hold"
    FLOW = "flow"


KINDS = tuple(k.value for k in Kind)
# The fields each table may hold: anything else is a typo and is refused, never ignored.
# Keep every allowed name here, so new fields are added in one place.
TEMPLATE_KEYS = frozenset(
    {
        "id",
        "name",
        "view",
        "kind",
        "how_to",
        "required",
        "checks",
        "target",
        "cautions",
        "flow",
        "measured",
        "working_side",
        "posture",
        "key_measure",
    }
)
CHECK_KEYS = frozenset(
    {
        "id",
        "name",
        "measure",
        "points",
        "range",
        "too_low",
        "too_high",
        "why",
        "weight",
        "key",
        "tier",
        "draw",
        "either",
    }
)
TARGET_KEYS = frozenset({"hold_s", "hold_max_s", "reps", "reps_max", "per_side", "sets_per_side"})
FLOW_KEYS = frozenset({"phases", "min_phase_s"})
KEY_MEASURE_KEYS = frozenset({"check", "deeper", "why"})
DEEPER = ("higher", "lower")
_SHOWN = reprlib.Repr()  # values in messages: short, one line, control characters escaped
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlevel = 60, 60, 2
# How the body rests, for drawing the pose (see ``stick_figure``); "" lets the drawing choose.
POSTURES = (
    "standing",
    "sitting",
    "cross_legged",
    "kneeling",
    "all_fours",
    "lying_front",
    "lying_forearms",
    "lying_hands",
    "lying_back",
    "lying_back_knees_up",
    "lying_back_knees_bent",
    "lying_back_bed_edge",
)
# Names a template may use besides MediaPipe's literal ones (see angles.resolve).
_PARTS = {n.split("_", 1)[1] for n in INDEX if n.startswith("left_")}


class Tier(TextEnum):
    """What a check does. A ``gate`` defines the pose: the hold counts only while every gate is
    in range. A ``refine`` check improves a pose that is already being held: its correction is
    spoken while the hold keeps counting."""

    GATE = "gate"
    REFINE = "refine"


# A template is a page of text (the largest shipped one: about 9 KB, 170 lines, 130 keys).
# TOML parsing time grows with the square of the dotted keys (20 000 take 9 s), so anything
# much larger is refused by these counts before it is parsed (at these limits: under 0.1 s).
MAX_BYTES = 64 * 1024
MAX_LINES = 2000
MAX_KEYS = 2000


class TemplateError(ValueError):
    """A template file that cannot be used; the message names file, field and expectation."""


@dataclass(frozen=True)
class Check:
    id: str
    name: str
    measure: str
    points: tuple[str, ...]
    low: float
    high: float
    too_low: str
    too_high: str
    why: str = ""
    weight: float = 1.0
    key: bool = False
    tier: Tier = Tier.GATE
    draw: float | None = None  # the value the pose's picture shows; None: the range's middle
    # Gates that share a name here are alternatives: the pose needs one of them in range (a
    # twist shows by a raised knee or, with the legs folded, by a turn too large to be noise).
    either: str = ""

    def deviation(self, value: float) -> float:
        """Signed distance outside the range: <0 below, >0 above, 0 inside."""
        if value < self.low:
            return value - self.low
        if value > self.high:
            return value - self.high
        return 0.0


@dataclass(frozen=True)
class KeyMeasure:
    """The measure that shows how deep the stretch goes, recorded over each hold (a flow's:
    its range over each repetition) for the progress charts. ``check`` is one of the
    template's check ids; a flow's is ``phase.check``, a check of one of its two positions.
    ``deeper`` says which way is the deeper stretch, so the best value can be picked."""

    check: str
    deeper: str
    why: str

    @property
    def phase_check(self) -> tuple[str | None, str]:
        """(phase template id or None, check id)."""
        phase, _, check = self.check.rpartition(".")
        return (phase or None), check


@dataclass(frozen=True)
class Target:
    hold_s: float = 0.0
    hold_max_s: float = 0.0
    reps: int = 1
    reps_max: int = 1
    per_side: bool = False
    sets_per_side: int = 1


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    view: str
    kind: Kind
    how_to: str
    required: tuple[str, ...]
    checks: tuple[Check, ...]
    target: Target
    cautions: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    min_phase_s: float = 0.0
    measured: bool = True
    working_side: str = "facing"
    posture: str = ""
    key_measure: KeyMeasure | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def is_flow(self) -> bool:
        return self.kind is Kind.FLOW

    @property
    def key_check(self) -> Check | None:
        """The check whose angle is watched for bouncing."""
        return next((c for c in self.checks if c.key), self.checks[0] if self.checks else None)


def target_words(template: Template, ranges: bool = False) -> str:
    """The target in words, one wording for every screen: 'hold 30 s', '15 repetitions',
    '2 holds of 20 s'; with ``ranges``, the guide's span and the sides: 'hold 30-60 s',
    '10-20 repetitions', '5-10 holds of 10 s', 'hold 20-30 s, 2 per side'."""
    t = template.target

    def span(low: float, high: float) -> str:
        return f"{low:g}-{high:g}" if ranges and high > low else f"{low:g}"

    if template.is_flow:
        text = f"{span(t.reps, t.reps_max)} repetitions"
    elif t.reps > 1:
        text = f"{span(t.reps, t.reps_max)} holds of {t.hold_s:g} s"
    else:
        text = f"hold {span(t.hold_s, t.hold_max_s)} s"
    if ranges and t.per_side:
        text += f", {t.sets_per_side} per side"
    return text


def valid_name(name: str) -> bool:
    """A landmark name a template may use (see ``angles.resolve``)."""
    if name in INDEX:
        return True
    for prefix in ("far_", "mid_", ""):
        if name.startswith(prefix) and name[len(prefix) :] in _PARTS:
            return True
    return False


class _Reader:
    """Typed field access that raises TemplateError naming the file and field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, expected: str, got: Any) -> TemplateError:
        shown = _SHOWN.repr(got) if not isinstance(got, _Missing) else "nothing"
        return TemplateError(f"{self.path}: {where}: expected {expected}, got {shown}")

    def only(self, table: dict[str, Any], known: frozenset[str], where: str) -> None:
        """Refuse a field this table does not have (a typo would otherwise pass unseen)."""
        for key in table:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise TemplateError(
                    f"{self.path}: {where}{key}: expected one of the fields "
                    f"{sorted(known)}, got unknown field {_SHOWN.repr(key)}{hint}"
                )

    def get(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        kind: type | tuple[type, ...],
        expected: str,
        default: Any = None,
    ) -> Any:
        if key not in table:
            if default is not None:
                return default
            raise self.fail(where, expected, _MISSING)
        value = table[key]
        if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
            raise self.fail(where, expected, value)
        if not isinstance(value, kind):
            raise self.fail(where, expected, value)
        return value

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        default: str | None = None,
        lines: bool = False,
    ) -> str:
        value: str = self.get(table, key, where, str, "a non-empty string", default)
        if not value.strip() and default is None:
            raise self.fail(where, "a non-empty string", value)
        self.printable(value, where, lines)
        return value.strip()

    def printable(self, value: str, where: str, lines: bool = False) -> None:
        """Refuse control characters: escape codes in a name would reach the terminal."""
        allowed = "\n" if lines else ""
        if any(unicodedata.category(ch)[0] == "C" and ch not in allowed for ch in value):
            raise self.fail(where, "text without control characters", value)

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        low: float,
        high: float,
        default: float | None = None,
        whole: bool = False,
    ) -> float:
        expected = f"a {'whole number' if whole else 'number'} from {low:g} to {high:g}"
        value = self.get(table, key, where, (int, float), expected, default)
        if not low <= value <= high or (whole and value != int(value)):
            raise self.fail(where, expected, value)
        return float(value)


class _Missing:
    pass


_MISSING = _Missing()


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def parse_template(data: dict[str, Any], path: Path) -> Template:
    """Validate a parsed TOML table into a Template."""
    r = _Reader(path)
    r.only(data, TEMPLATE_KEYS, "")
    tid = r.text(data, "id", "id")
    if tid != path.stem:
        raise r.fail("id", f"the file name {path.stem!r}", tid)
    view = r.text(data, "view", "view")
    if view not in VIEWS:
        raise r.fail("view", f"one of {list(VIEWS)}", view)
    working_side = r.text(data, "working_side", "working_side", default="facing")
    if working_side not in WORKING_SIDES:
        raise r.fail("working_side", f"one of {list(WORKING_SIDES)}", working_side)
    kind_text = r.text(data, "kind", "kind", default="hold")
    if kind_text not in KINDS:
        raise r.fail("kind", f"one of {list(KINDS)}", kind_text)
    kind = Kind(kind_text)
    posture = r.text(data, "posture", "posture", default="")
    if posture and posture not in POSTURES:
        raise r.fail("posture", f"one of {list(POSTURES)}", posture)
    required = r.get(data, "required", "required", list, "a list of landmark names", [])
    for i, name in enumerate(required):
        if not isinstance(name, str) or not valid_name(name):
            raise r.fail(f"required[{i}]", "a landmark name such as 'knee' or 'left_wrist'", name)
    cautions = r.get(data, "cautions", "cautions", list, "a list of strings", [])
    for i, c in enumerate(cautions):
        if not isinstance(c, str) or not c.strip():
            raise r.fail(f"cautions[{i}]", "a non-empty string", c)
        r.printable(c, f"cautions[{i}]", lines=True)
    phases: tuple[str, ...] = ()
    min_phase_s = 0.0
    checks: tuple[Check, ...] = ()
    if kind is Kind.FLOW:
        flow = r.get(data, "flow", "flow", dict, "a table with phases and min_phase_s")
        r.only(flow, FLOW_KEYS, "flow.")
        raw_phases = r.get(flow, "phases", "flow.phases", list, "a list of two template ids")
        if len(raw_phases) != 2 or not all(isinstance(p, str) and p for p in raw_phases):
            raise r.fail("flow.phases", "a list of two template ids", raw_phases)
        phases = tuple(raw_phases)
        min_phase_s = r.number(flow, "min_phase_s", "flow.min_phase_s", 0.1, 30.0)
    else:
        raw_checks = r.get(data, "checks", "checks", list, "a list of [[checks]] tables")
        if not raw_checks:
            raise r.fail("checks", "at least one [[checks]] table", raw_checks)
        checks = tuple(_parse_check(r, c, i) for i, c in enumerate(raw_checks))
        ids = [c.id for c in checks]
        if len(set(ids)) != len(ids):
            raise r.fail("checks", "unique check ids", ids)
        if not any(c.tier is Tier.GATE for c in checks):
            raise r.fail(
                "checks",
                'at least one gate check (tier = "gate", the default): with refinements '
                "only, every pose would count as held",
                [f"{c.id} (refine)" for c in checks],
            )
        _check_either_groups(r, checks)
    target = _parse_target(r, r.get(data, "target", "target", dict, "a [target] table"), kind)
    raw_key = data.get("key_measure")
    key_measure = None if raw_key is None else _parse_key_measure(r, raw_key, checks, phases)
    return Template(
        id=tid,
        name=r.text(data, "name", "name"),
        view=view,
        kind=kind,
        how_to=r.text(data, "how_to", "how_to", lines=True),
        required=tuple(required),
        checks=checks,
        target=target,
        cautions=tuple(c.strip() for c in cautions),
        phases=phases,
        min_phase_s=min_phase_s,
        measured=r.get(data, "measured", "measured", bool, "true or false", True),
        working_side=working_side,
        posture=posture,
        key_measure=key_measure,
        path=path,
    )


def _parse_check(r: _Reader, raw: Any, i: int) -> Check:
    w = f"checks[{i}]"
    if not isinstance(raw, dict):
        raise r.fail(w, "a table", raw)
    r.only(raw, CHECK_KEYS, f"{w}.")
    measure = r.text(raw, "measure", f"{w}.measure")
    if measure not in MEASURES:
        raise r.fail(f"{w}.measure", f"one of {list(MEASURES)}", measure)
    spec = MEASURES[measure]
    n = spec.points
    points = r.get(raw, "points", f"{w}.points", list, f"a list of {n} landmark names")
    if len(points) != n:
        raise r.fail(f"{w}.points", f"exactly {n} landmark names for a {measure}", points)
    for j, p in enumerate(points):
        if not isinstance(p, str) or not valid_name(p):
            raise r.fail(f"{w}.points[{j}]", "a landmark name such as 'knee' or 'mid_hip'", p)
    for a, b in spec.distinct:
        if points[a] == points[b]:
            raise r.fail(
                f"{w}.points",
                f"points {a + 1} and {b + 1} of a {measure} to differ "
                "(a point against itself measures nothing, so the check could never "
                "pass)",
                points,
            )
    limits = spec.limits
    rng = r.get(raw, "range", f"{w}.range", list, "[low, high]")
    expected = f"[low, high] with {limits[0]:g} <= low < high <= {limits[1]:g} for a {measure}"
    if (
        len(rng) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in rng)
        or not limits[0] <= rng[0] < rng[1] <= limits[1]
    ):
        raise r.fail(f"{w}.range", expected, rng)
    draw = r.number(raw, "draw", f"{w}.draw", rng[0], rng[1]) if "draw" in raw else None
    return Check(
        id=r.text(raw, "id", f"{w}.id"),
        name=r.text(raw, "name", f"{w}.name"),
        measure=measure,
        points=tuple(points),
        low=float(rng[0]),
        high=float(rng[1]),
        too_low=r.text(raw, "too_low", f"{w}.too_low"),
        too_high=r.text(raw, "too_high", f"{w}.too_high"),
        why=r.text(raw, "why", f"{w}.why", default=""),
        weight=r.number(raw, "weight", f"{w}.weight", 0.01, 100.0, default=1.0),
        key=r.get(raw, "key", f"{w}.key", bool, "true or false", False),
        tier=_tier(r, raw, w),
        draw=draw,
        either=_either(r, raw, w),
    )


def _either(r: _Reader, raw: dict[str, Any], where: str) -> str:
    name = r.text(raw, "either", f"{where}.either", default="")
    if name and not name.isidentifier():
        raise r.fail(f"{where}.either", "a group name such as 'knee_or_turn'", name)
    return name


def alternatives(check: Check, checks: Iterable[Check]) -> list[Check]:
    """The other gates of ``check``'s either group: the pose needs only one of them in range
    (none for an ordinary check)."""
    return [c for c in checks if check.either and c.either == check.either and c != check]


def _check_either_groups(r: _Reader, checks: tuple[Check, ...]) -> None:
    """Only gates are alternatives to each other, and a group of one check is a typo: it
    would be an ordinary gate."""
    for i, c in enumerate(checks):
        if c.either and c.tier is not Tier.GATE:
            raise r.fail(f"checks[{i}].either", "no group on a refinement", c.either)
    sizes = Counter(c.either for c in checks if c.either)
    lone = sorted(name for name, n in sizes.items() if n < 2)
    if lone:
        raise r.fail("checks", "each 'either' group named by two gates or more", lone)


def _parse_key_measure(
    r: _Reader, raw: Any, checks: tuple[Check, ...], phases: tuple[str, ...]
) -> KeyMeasure:
    """The ``[key_measure]`` table: a check in degrees of this template (a flow: ``phase.check``
    naming one of its phases; the check itself is looked up once the folder is loaded)."""
    if not isinstance(raw, dict):
        raise r.fail("key_measure", "a [key_measure] table with check, deeper and why", raw)
    r.only(raw, KEY_MEASURE_KEYS, "key_measure.")
    check = r.text(raw, "check", "key_measure.check")
    if phases:
        phase, _, check_id = check.rpartition(".")
        if phase not in phases or not check_id:
            raise r.fail(
                "key_measure.check", f"'phase.check' with the phase one of {list(phases)}", check
            )
    else:
        found = next((c for c in checks if c.id == check), None)
        if found is None:
            ids = [c.id for c in checks]
            raise r.fail("key_measure.check", f"one of this template's check ids {ids}", check)
        _in_degrees(r, found)
    deeper = r.text(raw, "deeper", "key_measure.deeper")
    if deeper not in DEEPER:
        raise r.fail("key_measure.deeper", f"one of {list(DEEPER)}", deeper)
    return KeyMeasure(check=check, deeper=deeper, why=r.text(raw, "why", "key_measure.why"))


def _in_degrees(r: _Reader, check: Check) -> None:
    """Progress is shown in degrees: a ratio or a curvature cannot be a key measure."""
    if MEASURES[check.measure].unitless:
        raise r.fail(
            "key_measure.check",
            f"a check measured in degrees ({check.id!r} is a unitless {check.measure})",
            check.id,
        )


def _tier(r: _Reader, raw: dict[str, Any], where: str) -> Tier:
    value = r.text(raw, "tier", f"{where}.tier", default=Tier.GATE.value)
    if value not in {t.value for t in Tier}:
        raise r.fail(f"{where}.tier", f"one of {[t.value for t in Tier]}", value)
    return Tier(value)


def _parse_target(r: _Reader, raw: dict[str, Any], kind: Kind) -> Target:
    r.only(raw, TARGET_KEYS, "target.")
    reps = int(r.number(raw, "reps", "target.reps", 1, 100, default=1, whole=True))
    reps_max = int(
        r.number(raw, "reps_max", "target.reps_max", reps, 100, default=reps, whole=True)
    )
    hold = r.number(
        raw,
        "hold_s",
        "target.hold_s",
        0 if kind is Kind.FLOW else 1,
        600,
        default=0.0 if kind is Kind.FLOW else None,
    )
    hold_max = r.number(raw, "hold_max_s", "target.hold_max_s", hold, 600, default=hold or 0.0)
    return Target(
        hold_s=hold,
        hold_max_s=hold_max,
        reps=reps,
        reps_max=reps_max,
        per_side=r.get(raw, "per_side", "target.per_side", bool, "true or false", False),
        sets_per_side=int(
            r.number(raw, "sets_per_side", "target.sets_per_side", 1, 10, default=1, whole=True)
        ),
    )


def load_template(path: str | Path) -> Template:
    """One template file, validated."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TemplateError(f"{path}: no such template file") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the file ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):  # a folder, or a pipe that would block reading forever
        raise TemplateError(f"{path}: not a regular file; a template is a .toml text file")
    if st.st_size > MAX_BYTES:
        raise TemplateError(
            f"{path}: {st.st_size} bytes is too large for a template (limit {MAX_BYTES} bytes)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save the template as UTF-8") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the file ({exc.strerror})") from None
    return template_from_text(text, path)


def template_from_text(text: str, path: Path) -> Template:
    """A template from TOML text, validated as if read from ``path``."""
    lines, keys = text.count("\n") + 1, text.count("=")
    if lines > MAX_LINES:
        raise TemplateError(
            f"{path}: {lines} lines is too many for a template (limit {MAX_LINES} lines)"
        )
    if keys > MAX_KEYS:
        raise TemplateError(
            f"{path}: {keys} '=' signs (keys) is too many for a template (limit {MAX_KEYS} keys)"
        )
    try:
        data = toml_text.loads(text)
    except toml_text.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise TemplateError(
            f"{path}: not valid TOML (arrays or tables nested too deeply)"
        ) from None
    return parse_template(data, path)


@dataclass(frozen=True)
class Library:
    """The templates of a folder, and the files that failed validation (with why)."""

    templates: dict[str, Template]
    errors: tuple[str, ...] = ()

    def __getitem__(self, tid: str) -> Template:
        try:
            return self.templates[tid]
        except KeyError:
            known = ", ".join(sorted(self.templates)) or "none"
            raise TemplateError(f"no pose template {tid!r}; known: {known}") from None

    def poses(self) -> list[Template]:
        """Templates that check a single pose (flows are built from them)."""
        return [t for t in self.templates.values() if not t.is_flow]


def load_library(folder: str | Path = DEFAULT_DIR) -> Library:
    """Every ``*.toml`` in ``folder``; broken files are listed in ``errors``, not fatal."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TemplateError(f"{folder}: no such template folder")
    templates: dict[str, Template] = {}
    errors: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            t = load_template(path)
        except TemplateError as exc:
            errors.append(str(exc))
            continue
        templates[t.id] = t
    for t in list(templates.values()):
        missing = [p for p in t.phases if p not in templates or templates[p].is_flow]
        if missing:
            errors.append(
                f"{t.path}: flow.phases: expected ids of pose templates in this "
                f"folder, got unknown {missing}"
            )
            del templates[t.id]
    for t in list(templates.values()):
        problem = _flow_key_problem(t, templates)
        if problem:
            errors.append(problem)
            del templates[t.id]
    return Library(templates=templates, errors=tuple(errors))


def _flow_key_problem(t: Template, templates: dict[str, Template]) -> str | None:
    """A flow's key measure must name a check in degrees of one of its phase templates."""
    if not t.is_flow or t.key_measure is None:
        return None
    phase, check_id = t.key_measure.phase_check
    found = next((c for c in templates[phase or ""].checks if c.id == check_id), None)
    if found is None or MEASURES[found.measure].unitless:
        return (
            f"{t.path}: key_measure.check: expected a check in degrees of {phase!r}, "
            f"got {t.key_measure.check!r}"
        )
    return None
