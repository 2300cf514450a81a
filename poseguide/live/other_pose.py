""" "You look like you are doing cat pose": while a found person is out of the asked form, now
and then see whether they fit another template, and say so instead of a misleading cue."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from poseguide.core import checker
from poseguide.core.landmarks import PoseFrame
from poseguide.core.session import FrameResult
from poseguide.core.templates import Kind, Library, Template

LOOKS_EVERY_S = 1.0  # how often a person out of form is compared with the other templates


def looks_like(frame: PoseFrame, asked: Template, library: Library) -> Template | None:
    """Another (hold) template this frame fits, when the asked one does not: the person is
    doing something else, and a visibility cue would mislead."""
    skip = {asked.id, *asked.phases}
    for template in library.templates.values():
        if template.id in skip or template.kind is Kind.FLOW:
            continue
        judged = template
        if frame.mask is None:  # no silhouette in this stream: judge by the joints alone
            judged = replace(
                template, checks=tuple(c for c in template.checks if c.measure != "curve")
            )
        if judged.checks and checker.check(frame, judged).in_range:
            return template
    return None


def looks_like_words(doing: Template, asked: Template) -> str:
    """'You look like you are doing cat pose. For single knee to chest: lie on your back...'"""
    first = asked.how_to.split(". ")[0].rstrip(".")
    return (
        f"You look like you are doing {doing.name.lower()}. For {asked.name.lower()}: "
        f"{first[:1].lower()}{first[1:]}."
    )


class OtherPoseWatch:
    """What the person seems to be doing instead of the asked pose, judged at most every
    ``LOOKS_EVERY_S`` of frame time (it checks every template). The words take the place of
    the correction in the one cue channel (``coach.CueChannel``), which says them."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.words: str | None = None  # shown instead of the asked template's correction
        self._judged_at = -np.inf

    def update(self, result: FrameResult, asked: Template | None, t: float) -> None:
        """Update :attr:`words` for this frame."""
        if asked is None or asked.is_flow or result.frame is None or result.verdict.in_range:
            self.words = None
            return
        if t - self._judged_at < LOOKS_EVERY_S:
            return
        self._judged_at = t
        doing = looks_like(result.frame, asked, self.library)
        self.words = None if doing is None else looks_like_words(doing, asked)
