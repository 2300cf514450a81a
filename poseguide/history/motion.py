"""Range of motion over days: per exercise, each session's key measure (the median of its
holds' medians, with the deepest value reached; a flow's repetition ranges), the change over
a recent window in words, and the personal best in degrees. Pure: sessions in, records out,
for the History page and the report alike."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from poseguide.core.range_of_motion import key_check
from poseguide.core.templates import Library
from poseguide.history.records import SessionRecord, SetRecord

# What the camera's place does to the figures, said wherever they are shown.
CAMERA_NOTE = (
    "Range-of-motion figures are measured from the camera picture, in whole degrees: moving "
    "the camera, or turning to it at another angle, changes them by several degrees. Compare "
    "sessions filmed from the same place."
)


@dataclass(frozen=True)
class MeasureLabel:
    """How an exercise's key measure is named, and which way is deeper."""

    words: str  # "chest lifted"
    deeper: str = "higher"  # or "lower"
    flow: bool = False  # a flow records its range per repetition (always larger is more)


def measure_labels(library: Library) -> dict[str, MeasureLabel]:
    """Per template id with a key measure: its check's name and which way is deeper."""
    labels = {}
    for t in library.templates.values():
        check = key_check(t, library)
        if t.key_measure is not None and check is not None:
            labels[t.id] = MeasureLabel(check.name, t.key_measure.deeper, t.is_flow)
    return labels


@dataclass(frozen=True)
class MotionPoint:
    """One session's key measure for one exercise, whole degrees."""

    started: datetime
    day: date
    median: int
    best: int


@dataclass(frozen=True)
class MotionTrend:
    """An exercise's key measure session by session, oldest first."""

    exercise: str
    measure: str  # the stored check id
    label: MeasureLabel
    points: tuple[MotionPoint, ...]

    @property
    def personal_best(self) -> MotionPoint | None:
        """The session with the deepest value reached."""
        if not self.points:
            return None
        pick = min if self.label.deeper == "lower" and not self.label.flow else max
        return pick(self.points, key=lambda p: (p.best, -p.started.timestamp()))


def motion_trends(
    sessions: Iterable[SessionRecord],
    labels: Mapping[str, MeasureLabel],
    tz: tzinfo | None = None,
) -> dict[str, MotionTrend]:
    """Per exercise (sorted by id) with any measured hold or repetition. An exercise whose
    key measure changed keeps only the sets of its latest one (degrees of two different
    angles cannot be compared)."""
    by_exercise: dict[str, list[SetRecord]] = {}
    for s in sorted(sessions, key=lambda s: s.started_at):
        for st in s.sets:
            if st.key_measure is not None:
                by_exercise.setdefault(st.exercise, []).append(st)
    trends = {}
    for exercise, sets in sorted(by_exercise.items()):
        measure = sets[-1].key_measure or ""
        # No template names it any more: the stored figures say whether it was a flow.
        ranges = any(r.measure_range is not None for st in sets for r in st.reps)
        label = labels.get(exercise) or MeasureLabel(measure.replace("_", " "), flow=ranges)
        points = _points([st for st in sets if st.key_measure == measure], label, tz)
        if points:
            trends[exercise] = MotionTrend(exercise, measure, label, tuple(points))
    return trends


def _points(sets: list[SetRecord], label: MeasureLabel, tz: tzinfo | None) -> list[MotionPoint]:
    by_session: dict[int, list[SetRecord]] = {}
    for st in sets:
        by_session.setdefault(st.session_id, []).append(st)
    points = []
    for group in by_session.values():
        if label.flow:
            medians = [r.measure_range for st in group for r in st.reps]
            bests = medians
        else:
            medians = [h.measure_median for st in group for h in st.holds]
            bests = [h.measure_best for st in group for h in st.holds]
        mids = [m for m in medians if m is not None]
        tops = [b for b in bests if b is not None]
        if not mids or not tops:
            continue
        deepest = min(tops) if label.deeper == "lower" and not label.flow else max(tops)
        started = group[0].started_at
        points.append(
            MotionPoint(
                started, started.astimezone(tz).date(), round(statistics.median(mids)), deepest
            )
        )
    return sorted(points, key=lambda p: p.started)


def change_words(trend: MotionTrend, name: str, now: datetime, days: int = 30) -> str | None:
    """'Cobra: chest lifted 18° → 24° over 5 weeks': the first and the last session's median
    in the last ``days`` days; None with fewer than two sessions there."""
    change = change_span(trend, now, days)
    return None if change is None else f"{name}: {measure_words(trend.label)} {change}"


def change_span(trend: MotionTrend, now: datetime, days: int = 30) -> str | None:
    """'18° → 24° over 5 weeks' (see ``change_words``)."""
    recent = [p for p in trend.points if p.started >= now - timedelta(days=days)]
    if len(recent) < 2:
        return None
    first, last = recent[0], recent[-1]
    span = span_words((last.started - first.started).days)
    return f"{first.median}° → {last.median}° over {span}"


def measure_words(label: MeasureLabel) -> str:
    """The measure as a column or axis title: 'chest lifted', 'range (head dropped)'."""
    return f"range ({label.words})" if label.flow else label.words


def span_words(days: int) -> str:
    """'3 days', '1 week', '5 weeks': weeks from two weeks on, rounded."""
    if days < 14:
        return f"{days} day{'' if days == 1 else 's'}"
    weeks = round(days / 7)
    return f"{weeks} weeks"
