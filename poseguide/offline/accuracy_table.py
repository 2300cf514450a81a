"""The per-collection accuracy table of docs/accuracy.md (``poseguide eval --markdown``), so
the figures there are printed by the tool rather than copied by hand."""

from __future__ import annotations

from poseguide.core.templates import Library
from poseguide.offline.evaluation import NEGATIVE

Figures = dict[str, float | int]

HEADER = (
    "| label | tuned on: photos | found | seen | right | wrong "
    "| held out: photos | seen | right | wrong |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def _pct(value: float | int) -> str:
    return f"{value:.0%}"


def _row(name: str, tuned: Figures | None, held: Figures | None, negative: bool) -> str:
    def right(f: Figures) -> str:
        return f"{_pct(f['right'])} (none accepted)" if negative else _pct(f["right"])

    left = (
        f"{tuned['photos']} | {_pct(tuned['found'])} | {_pct(tuned['seen'])} | {right(tuned)} "
        f"| {_pct(tuned['wrong'])}"
        if tuned
        else "– | | | |"
    )
    right_cells = (
        f"{held['photos']} | {_pct(held['seen'])} | {right(held)} | {_pct(held['wrong'])}"
        if held
        else "– | | |"
    )
    return f"| {name} | {left} | {right_cells} |"


def markdown(held_out: dict[str, dict[str, Figures]], library: Library) -> str:
    """``held_out`` as :func:`evaluation.tally_held_out` gives it: one row per label, poses
    first in the library's order, the negatives last."""
    order = [t.id for t in library.poses() if t.id in held_out]
    rows = [
        _row(library[label].name.lower(), held_out[label].get("tuned"),
             held_out[label].get("held_out"), False)
        for label in order
    ]  # fmt: skip
    if NEGATIVE in held_out:
        sides = held_out[NEGATIVE]
        rows.append(_row("negative (other poses)", sides.get("tuned"), sides.get("held_out"), True))
    return "\n".join([HEADER, *rows])
