"""The practice report for a physiotherapist: one self-contained, printable HTML page.

No external resources (no scripts, fonts, images or links to fetch): the charts are SVG drawn
here, every recorded name is escaped, and the print styles keep 30 days on two A4 pages.
Pure: sessions in, text out; ``poseguide report`` and the History page's download share it.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from poseguide.history.motion import (
    CAMERA_NOTE,
    MeasureLabel,
    MotionTrend,
    change_span,
    measure_words,
    motion_trends,
)
from poseguide.history.records import SessionRecord
from poseguide.history.reports import exercise_totals
from poseguide.history.settings import PlanStore
from poseguide.history.store import History

_STYLE = """
@page { size: A4; margin: 12mm 13mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1b1b; max-width: 190mm; margin: 0 auto; padding: 6mm 0; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; border-bottom: 1px solid #999; }
p { margin: 1mm 0; }
.muted { color: #555; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 0.6mm 1.5mm; border-bottom: 1px solid #ddd;
  vertical-align: middle; }
th { background: #f0f0f0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.facts { display: flex; gap: 3mm; flex-wrap: wrap; margin: 2mm 0; }
.facts div { border: 1px solid #ccc; border-radius: 2mm; padding: 1mm 3mm; }
.facts b { display: block; font-size: 12pt; }
svg { display: block; }
tr, .keep { break-inside: avoid; page-break-inside: avoid; }
@media print { body { padding: 0; } h2 { break-after: avoid; page-break-after: avoid; } }
"""
_BLUE, _ORANGE = "#1f5fa8", "#d9730d"


@dataclass(frozen=True)
class ReportInput:
    """What the report shows: the sessions of the period (any order), how exercises and
    their key measures are named, and the user's own routine (names), if any."""

    sessions: Sequence[SessionRecord]
    days: int
    now: datetime
    names: Mapping[str, str]
    labels: Mapping[str, MeasureLabel]
    routine: Sequence[str] = ()
    tz: tzinfo | None = None


def history_report(
    history: History,
    days: int,
    now: datetime,
    names: Mapping[str, str],
    labels: Mapping[str, MeasureLabel],
) -> str:
    """The report of the last ``days`` days in ``history``, with the routine the user set."""
    routine = [names.get(s.exercise, s.exercise) for s in PlanStore(history).load().routine]
    sessions = history.sessions(days, now=now)
    return report_html(ReportInput(sessions, days, now, names, labels, routine))


def report_html(data: ReportInput) -> str:
    """The whole page."""
    start = data.now - timedelta(days=data.days)
    sessions = sorted(
        (s for s in data.sessions if start <= s.started_at <= data.now), key=lambda s: s.started_at
    )
    day = _day_fn(data.tz)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Stretching practice report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Stretching practice report</h1>",
        f"<p>Period: <b>{day(start)}</b> to <b>{day(data.now)}</b> (the last {data.days} "
        f"days). Made by poseguide on {day(data.now)}.</p>",
        _facts(sessions, data),
        _stretches(sessions, data),
        _motion(sessions, data),
        _pain(sessions, data),
        _sharp_pain(sessions, data),
        _routine(sessions, data),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _day_fn(tz: tzinfo | None) -> Callable[[datetime], str]:
    """A time as its local calendar day."""
    return lambda when: when.astimezone(tz).strftime("%Y-%m-%d")


def _name(exercise: str, data: ReportInput) -> str:
    return html.escape(data.names.get(exercise) or exercise.replace("_", " ").capitalize())


def _minutes(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


def _facts(sessions: list[SessionRecord], data: ReportInput) -> str:
    day = _day_fn(data.tz)
    practised = {day(s.started_at) for s in sessions if s.active}
    held = sum(s.held_s for s in sessions)
    sets = [st for s in sessions for st in s.sets]
    met = sum(1 for st in sets if st.target_met)
    with_target = sum(1 for st in sets if st.target_met is not None)
    facts = [
        ("Sessions", str(len(sessions))),
        ("Days practised", f"{len(practised)} of {data.days}"),
        ("Time in correct form", _minutes(held)),
        ("Targets met", f"{met} of {with_target} sets"),
        ("Sharp-pain stops", str(sum(1 for st in sets if st.sharp_pain))),
    ]
    cells = "".join(f"<div>{label}<b>{value}</b></div>" for label, value in facts)
    if not sessions:
        return f'<div class="facts">{cells}</div><p>No practice was recorded in this period.</p>'
    return f'<div class="facts">{cells}</div>'


def _stretches(sessions: list[SessionRecord], data: ReportInput) -> str:
    totals = exercise_totals(st for s in sessions for st in s.sets)
    if not totals:
        return ""
    sessions_with: Counter[str] = Counter(
        ex for s in sessions for ex in {st.exercise for st in s.sets}
    )
    rows = "".join(
        f"<tr><td>{_name(ex, data)}</td><td class=n>{sessions_with[ex]}</td>"
        f"<td class=n>{t.sets}</td><td class=n>{_minutes(t.held_s) if t.held_s else '–'}</td>"
        f"<td class=n>{f'{t.best_hold_s:.0f} s' if t.best_hold_s else '–'}</td>"
        f"<td class=n>{t.reps or '–'}</td>"
        f"<td class=n>{f'{t.targets_met} of {t.targets_total}' if t.targets_total else '–'}</td>"
        "</tr>"
        for ex, t in totals.items()
    )
    head = (
        "<tr><th>Stretch</th><th class=n>Sessions</th><th class=n>Sets</th>"
        "<th class=n>Held in form</th><th class=n>Longest hold</th><th class=n>Repetitions</th>"
        "<th class=n>Targets met</th></tr>"
    )
    return f"<h2>Sessions and held time per stretch</h2><table>{head}{rows}</table>"


def _motion(sessions: list[SessionRecord], data: ReportInput) -> str:
    trends = motion_trends(sessions, data.labels, data.tz)
    if not trends:
        return ""
    rows = []
    for ex, trend in trends.items():
        first, last = trend.points[0], trend.points[-1]
        top = trend.personal_best
        change = change_span(trend, data.now, data.days) or "one session"
        rows.append(
            f"<tr><td>{_name(ex, data)}<br><span class=muted>"
            f"{html.escape(measure_words(trend.label))}</span></td>"
            f"<td class=n>{first.median}°</td><td class=n>{last.median}°</td>"
            f"<td class=n>{top.best if top else '–'}°</td><td>{change}</td>"
            f"<td>{_sparkline(trend, data)}</td></tr>"
        )
    head = (
        "<tr><th>Stretch (key measure)</th><th class=n>First</th><th class=n>Last</th>"
        "<th class=n>Best</th><th>Change</th><th>Per session: median "
        f'<span style="color:{_BLUE}">●</span>, best <span style="color:{_ORANGE}">◆</span>'
        "</th></tr>"
    )
    note = f'<p class="muted">{html.escape(CAMERA_NOTE)}</p>'
    return f"<h2>Range of motion</h2>{note}<table>{head}{''.join(rows)}</table>"


def _sparkline(trend: MotionTrend, data: ReportInput, width: int = 220, height: int = 44) -> str:
    """Median (line) and best (diamonds) per session against the date, as inline SVG."""
    pts = trend.points
    values = [v for p in pts for v in (p.median, p.best)]
    low, high = min(values), max(values)
    if high - low < 4:
        low, high = low - 2, high + 2
    t0 = data.now - timedelta(days=data.days)
    span = max((data.now - t0).total_seconds(), 1.0)
    pad, left = 4, 26  # the axis labels stand left of the plot

    def x(p_started: datetime) -> float:
        return left + (width - left - pad) * (p_started - t0).total_seconds() / span

    def y(v: int) -> float:
        return height - pad - (height - 2 * pad) * (v - low) / (high - low)

    line = " ".join(f"{x(p.started):.1f},{y(p.median):.1f}" for p in pts)
    dots = "".join(
        f'<circle cx="{x(p.started):.1f}" cy="{y(p.median):.1f}" r="2" fill="{_BLUE}"/>'
        for p in pts
    )
    best = "".join(
        f'<path d="M{x(p.started):.1f} {y(p.best) - 3:.1f}l3 3l-3 3l-3 -3z" fill="{_ORANGE}"/>'
        for p in pts
    )
    axis = (
        f'<text x="0" y="9" font-size="8" fill="#555">{high}°</text>'
        f'<text x="0" y="{height - 1}" font-size="8" fill="#555">{low}°</text>'
    )
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(measure_words(trend.label))} per session">'
        f'<rect x="{left}" y="0" width="{width - left}" height="{height}" fill="#fafafa"/>{axis}'
        f'<polyline points="{line}" fill="none" stroke="{_BLUE}" stroke-width="1.5"/>'
        f"{dots}{best}</svg>"
    )


def _pain(sessions: list[SessionRecord], data: ReportInput) -> str:
    rated = [s for s in sessions if s.pain_before is not None or s.pain_after is not None]
    if not rated:
        return "<h2>Pain before and after</h2><p>No pain ratings were recorded.</p>"
    before = [s.pain_before for s in rated if s.pain_before is not None]
    after = [s.pain_after for s in rated if s.pain_after is not None]
    both = [s for s in rated if s.pain_before is not None and s.pain_after is not None]
    lower = sum(1 for s in both if (s.pain_after or 0) < (s.pain_before or 0))
    higher = sum(1 for s in both if (s.pain_after or 0) > (s.pain_before or 0))
    summary = (
        f"<p>Rated 0-10 in {len(rated)} of {len(sessions)} sessions. Average before "
        f"<b>{_mean(before)}</b>, after <b>{_mean(after)}</b>; of the {len(both)} sessions "
        f"rated both times, pain was lower after {lower}, higher after {higher}, the same "
        f"after {len(both) - lower - higher}.</p>"
    )
    return f"<h2>Pain before and after</h2>{summary}{_pain_chart(rated, data)}"


def _mean(values: list[int]) -> str:
    return f"{statistics.mean(values):.1f}" if values else "–"


def _pain_chart(rated: list[SessionRecord], data: ReportInput) -> str:
    width, height, left, pad = 680, 90, 22, 6
    t0 = data.now - timedelta(days=data.days)
    span = max((data.now - t0).total_seconds(), 1.0)

    def x(when: datetime) -> float:
        return left + (width - left - pad) * (when - t0).total_seconds() / span

    def y(v: int) -> float:
        return height - pad - (height - 2 * pad) * v / 10

    grid = "".join(
        f'<line x1="{left}" x2="{width - pad}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
        f'<text x="2" y="{y(v) + 3:.1f}" font-size="8" fill="#555">{v}</text>'
        for v in (0, 5, 10)
    )
    marks = []
    for s in rated:
        if s.pain_before is not None:
            marks.append(
                f'<circle cx="{x(s.started_at):.1f}" cy="{y(s.pain_before):.1f}" r="2.5" '
                f'fill="none" stroke="{_ORANGE}"/>'
            )
        if s.pain_after is not None:
            marks.append(
                f'<circle cx="{x(s.started_at):.1f}" cy="{y(s.pain_after):.1f}" r="2.2" '
                f'fill="{_BLUE}"/>'
            )
    legend = (
        f'<p class="muted">Each session: before <span style="color:{_ORANGE}">○</span>, after '
        f'<span style="color:{_BLUE}">●</span>, from {_day_fn(data.tz)(t0)} (left) to '
        f"{_day_fn(data.tz)(data.now)} (right).</p>"
    )
    return (
        f'<svg class="keep" width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Pain before and after each session">{grid}{"".join(marks)}</svg>{legend}'
    )


def _sharp_pain(sessions: list[SessionRecord], data: ReportInput) -> str:
    stops = [st for s in sessions for st in s.sets if st.sharp_pain]
    if not stops:
        return "<h2>Sharp-pain stops</h2><p>None in this period.</p>"
    items = "".join(
        f"<li>{(st.ended_at or st.started_at).astimezone(data.tz):%Y-%m-%d %H:%M}: "
        f"{_name(st.exercise, data)}"
        f"{f', {html.escape(st.side)} side' if st.side else ''}</li>"
        for st in stops
    )
    return f"<h2>Sharp-pain stops ({len(stops)})</h2><ul>{items}</ul>"


def _routine(sessions: list[SessionRecord], data: ReportInput) -> str:
    """The routine the user set, and the order of exercises actually done most often."""
    parts = []
    if data.routine:
        steps = " → ".join(html.escape(s) for s in data.routine)
        parts.append(f"<p>Routine set in the app: {steps}.</p>")
    orders: Counter[tuple[str, ...]] = Counter()
    for s in sessions:
        order = tuple(dict.fromkeys(st.exercise for st in s.sets if st.holds or st.reps))
        if order:
            orders[order] += 1
    if orders:
        order, count = orders.most_common(1)[0]
        done = " → ".join(_name(ex, data) for ex in order)
        total = sum(orders.values())
        parts.append(f"<p>Done most often: {done} ({count} of {total} sessions).</p>")
    if not parts:
        return ""
    return "<h2>Routine followed</h2>" + "".join(parts)
