"""The pose library page: how to do each stretch, its target, cautions and what the camera checks.

Showing the checks with their reasons lets the user see why the timer stops, instead of
guessing what the program wants.
"""

from __future__ import annotations

import streamlit as st

from poseguide.core.checker import region
from poseguide.core.measures import MEASURES
from poseguide.core.templates import (
    Check,
    Library,
    Template,
    Tier,
    alternatives,
    target_words,
)
from poseguide.paths import figure_cache_dir
from poseguide.vision.figure_drawing import drawn, picture_png

_VIEW = {
    "side": "Set the camera to your side, about 2-3 m away, so it sees your whole body.",
    "front": "Face the camera, about 2-3 m away, so it sees your whole body.",
    "any": "Place the camera so it sees your whole body.",
}
_TIER = {
    Tier.GATE: "Yes: the hold counts only while it is in range",
    Tier.REFINE: "No: a correction said while the hold keeps counting",
}


def render(library: Library) -> None:
    st.header("Pose library")
    st.caption(
        "How to do each stretch, its target, what to watch out for and what the camera "
        "checks. The timer runs only while every check that defines the pose is in range; "
        "the others give a correction while it keeps counting."
    )
    for error in library.errors:
        st.warning(f"A pose file could not be used: {error}")
    for template in sorted(library.templates.values(), key=lambda t: t.name):
        with st.expander(f"{template.name} - {target_words(template)}"):
            _pose(template, library)


def picture(template: Template, library: Library, width: int = 480) -> bytes:
    """The pose's figure (a flow's phases side by side), cached on disk between runs."""
    return picture_png(drawn(template, library), width, width * 3 // 4, figure_cache_dir())


def _pose(template: Template, library: Library) -> None:
    poses = drawn(template, library)
    st.image(
        picture(template, library),
        width=min(480 * len(poses), 720),
        caption=" then ".join(t.name for t in poses) + ": aim for this",
    )
    st.markdown(template.how_to)
    st.markdown(f"**Target:** {target_words(template, ranges=True)}")
    st.markdown(f"**Camera:** {_VIEW.get(template.view, _VIEW['any'])}")
    if template.cautions:
        st.warning("**Cautions**\n\n" + "\n".join(f"- {c}" for c in template.cautions))
    if template.is_flow:
        names = [library.templates[p].name for p in template.phases if p in library.templates]
        st.markdown(
            f"**Moves between:** {' and '.join(names)} (each checked as in their own "
            f"entries). Stay at least {template.min_phase_s:g} s in each position."
        )
        return
    st.markdown("**What the camera checks**")
    st.table(
        [
            {
                "Check": c.name,
                "Range": _range(c),
                "Stops the timer": _stops(c, template.checks),
                "Seen at": _where(c),
                "Why": c.why,
            }
            for c in template.checks
        ]
    )
    if not template.measured:
        st.caption(
            "The ranges of this pose have not yet been measured on photos of real "
            "people; treat its feedback as a rough guide."
        )


def _stops(check: Check, checks: tuple[Check, ...]) -> str:
    """A gate with alternatives stops the timer only when they are out of range too."""
    others = alternatives(check, checks)
    if not others:
        return _TIER[check.tier]
    return f"Yes, unless {' or '.join(c.name for c in others)} is in range instead"


def _range(check: Check) -> str:
    unit = "" if MEASURES[check.measure].unitless else "°"
    return f"{check.low:g}{unit} to {check.high:g}{unit}"


def _where(check: Check) -> str:
    return ", ".join(dict.fromkeys(region(p) for p in check.points))
