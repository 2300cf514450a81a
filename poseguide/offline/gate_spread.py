"""Where each gate's range sits against real people (``poseguide eval --gates``).

A range whose edge lies just past the photos it was tuned on passes many of them "only just":
the next person a little outside refuses. So for every gate of every pose with photos this
reports the measure's 5th and 95th percentile over that pose's own photos, per collection (the
ones the ranges were set on, and the held-out one), how many photos fall outside the range, and
the template's reason for where the edge is (a guide's words or a body fact).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from poseguide.core.templates import Check, Library, Template, Tier, alternatives
from poseguide.offline.evaluation import UNKNOWN_SOURCE, PhotoResult

TUNED = "tuned"
HELD_OUT = "held_out"


@dataclass(frozen=True)
class Spread:
    """One gate's values over one group of photos."""

    values: tuple[float, ...]
    low: float
    high: float

    @property
    def photos(self) -> int:
        return len(self.values)

    @property
    def p5(self) -> float:
        return float(np.percentile(self.values, 5))

    @property
    def p95(self) -> float:
        return float(np.percentile(self.values, 95))

    @property
    def outside(self) -> int:
        """Photos whose value lies outside the range (refused by this gate)."""
        return sum(not self.low <= v <= self.high for v in self.values)


@dataclass(frozen=True)
class GateSpread:
    pose: str
    check_id: str
    name: str
    measure: str
    low: float
    high: float
    why: str
    groups: dict[str, Spread]  # TUNED / HELD_OUT -> spread (absent: no photos there)


def gate_spreads(
    results: Iterable[PhotoResult],
    library: Library,
    sources: dict[str, str],
    test_source: str | None = None,
) -> list[GateSpread]:
    """Each gate of each pose that has photos, with its values over the photos whose joints
    were seen, split into the collections tuned on and ``test_source`` (all "tuned" without
    one). A negative photo or a label with no template has no gates of its own."""
    values: dict[tuple[str, str, str], list[float]] = {}
    for r in results:
        if not r.seen or r.label not in library.templates:
            continue
        source = sources.get(f"{r.label}/{r.path.name}", UNKNOWN_SOURCE)
        group = HELD_OUT if test_source is not None and source == test_source else TUNED
        for check_id, value in r.gates:
            values.setdefault((r.label, check_id, group), []).append(value)
    return [
        spread
        for pose in sorted({label for label, _, _ in values})
        for spread in _pose_spreads(library[pose], values)
    ]


def _pose_spreads(
    template: Template, values: dict[tuple[str, str, str], list[float]]
) -> list[GateSpread]:
    return [
        GateSpread(
            template.id,
            c.id,
            c.name,
            c.measure,
            c.low,
            c.high,
            c.why,
            {
                group: Spread(tuple(values[(template.id, c.id, group)]), c.low, c.high)
                for group in (TUNED, HELD_OUT)
                if values.get((template.id, c.id, group))
            },
        )
        for c in template.checks
        if c.tier == Tier.GATE
    ]


def _cell(spread: Spread | None) -> str:
    if spread is None:
        return "–"
    return f"{spread.p5:.3g} to {spread.p95:.3g} ({spread.outside} of {spread.photos} out)"


def _shown_name(check_id: str, checks: Sequence[Check]) -> str:
    """A gate's name, with its alternatives: photos out of its range are in range if one of
    those is."""
    check = next(c for c in checks if c.id == check_id)
    others = alternatives(check, checks)
    return f"{check.name} (or: {', '.join(c.name for c in others)})" if others else check.name


def markdown(spreads: Sequence[GateSpread], library: Library) -> str:
    """One table per pose: gate, range, the 5th-95th percentile per collection with the count
    outside the range, and why the range's edges are where they are."""
    lines: list[str] = []
    for pose in dict.fromkeys(s.pose for s in spreads):
        lines += [
            f"### {library[pose].name}",
            "",
            "| gate | measure | range | tuned on: 5th to 95th | held out: 5th to 95th "
            "| why the edges are there |",
            "|---|---|---|---|---|---|",
        ]
        checks = library[pose].checks
        for s in (s for s in spreads if s.pose == pose):
            why = " ".join(s.why.split()).replace("|", "/") or "–"
            lines.append(
                f"| {_shown_name(s.check_id, checks)} | {s.measure} | {s.low:g} to {s.high:g} "
                f"| {_cell(s.groups.get(TUNED))} | {_cell(s.groups.get(HELD_OUT))} | {why} |"
            )
        lines.append("")
    return "\n".join(lines)


def as_json(spreads: Sequence[GateSpread]) -> list[dict]:
    return [
        {
            "pose": s.pose,
            "gate": s.check_id,
            "range": [s.low, s.high],
            **{
                group: {
                    "photos": sp.photos,
                    "p5": round(sp.p5, 3),
                    "p95": round(sp.p95, 3),
                    "outside": sp.outside,
                }
                for group, sp in s.groups.items()
            },
        }
        for s in spreads
    ]
