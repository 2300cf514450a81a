"""The practice report (``history.report_html``, ``poseguide report``): built from fixture
histories (empty, one session, a year, names needing escaping), self-contained, written
atomically, and printed by headless Chromium on at most two A4 pages for 30 days."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from realdata import skip_or_fail

from poseguide.core.templates import load_library
from poseguide.history import History
from poseguide.history.motion import measure_labels, motion_trends
from poseguide.history.records import StopReason
from poseguide.history.report_html import ReportInput, report_html
from poseguide.history.settings import ExerciseTarget, PlanStore

ROOT = Path(__file__).resolve().parents[1]
REPO_POSES = ROOT / "reference_poses"
NOW = datetime(2026, 12, 6, 18, tzinfo=timezone.utc)
CHROMIUM = Path(os.environ.get("POSEGUIDE_CHROMIUM", "/usr/bin/chromium"))
# (exercise, key measure, start degrees, gain over 30 days, hold s or None for a flow)
PRACTICE = [
    ("cat_cow", "cat.head_down", 34, 8, None),
    ("cobra", "chest_lift", 18, 6, 20.0),
    ("childs_pose", "hips_folded", 42, -7, 30.0),
    ("seated_twist", "twist", 31, 5, 30.0),
    ("side_stretch", "side_bend", 14, 4, 20.0),
]


@pytest.fixture(scope="module")
def library():
    return load_library(REPO_POSES)


def fill(history: History, days: int, seed: int = 1, every: int = 1) -> None:
    """A user practising the routine every ``every`` days for ``days`` days up to NOW: range
    of motion growing with noise, pain falling, one sharp-pain stop (cobra, 9 days ago)."""
    rng = random.Random(seed)
    PlanStore(history).save_routine(
        [ExerciseTarget(e) for e, *_ in PRACTICE],
        {t.id: t for t in load_library(REPO_POSES).poses()}
        | {"cat_cow": load_library(REPO_POSES)["cat_cow"]},
    )
    for ago in range(days - 1, -1, -every):
        start = NOW - timedelta(days=ago, hours=rng.uniform(0, 3))
        progress = (days - ago) / 30
        pain = max(0, 6 - round(progress * 2) + rng.randint(-1, 1))
        sid = history.start_session(start, pain_before=min(pain, 10))
        t = start
        for exercise, measure, base, gain, hold in PRACTICE:
            value = base + gain * min(progress, 1.5)
            set_id = history.start_set(sid, exercise, None, hold, None if hold else 10, t, measure)
            if hold is None:
                for _ in range(10):
                    t += timedelta(seconds=5)
                    history.add_rep(set_id, t, 5.0, round(value + rng.uniform(-3, 3)))
            else:
                held = hold + rng.uniform(-4, 2)
                deeper = 1 if gain > 0 else -1
                median = round(value + rng.uniform(-2, 2))
                history.add_hold(
                    set_id,
                    t,
                    t + timedelta(seconds=held),
                    median,
                    median + deeper * rng.randint(1, 4),
                )
                t += timedelta(seconds=held)
            sharp = exercise == "cobra" and ago == 9
            reason = StopReason.SHARP_PAIN if sharp else StopReason.COMPLETED
            history.end_set(set_id, t + timedelta(seconds=1), reason)
            t += timedelta(seconds=20)
        history.end_session(sid, t, pain_after=max(0, pain - 1 - rng.randint(0, 1)))


def _report(history: History, library, days: int = 30, names=None) -> str:
    names = names or {t.id: t.name for t in library.templates.values()}
    routine = [names.get(s.exercise, s.exercise) for s in PlanStore(history).load().routine]
    sessions = history.sessions(days, now=NOW)
    return report_html(ReportInput(sessions, days, NOW, names, measure_labels(library), routine))


def _self_contained(page: str) -> None:
    assert not re.search(r"https?:|//[a-z]|<script|<link|<img|@import|url\(", page, re.I)


def test_a_month_of_practice_reads_in_degrees_with_the_change_in_words(tmp_path, library):
    with History(tmp_path / "h.sqlite3") as history:
        fill(history, 30)
        page = _report(history, library)
        trends = motion_trends(history.sessions(30, now=NOW), measure_labels(library))
    _self_contained(page)
    assert "Period: <b>2026-11-06</b> to <b>2026-12-06</b>" in page
    assert "<b>30</b>" in page and "Sessions and held time per stretch" in page
    cobra = trends["cobra"]
    assert cobra.label.words == "chest lifted" and cobra.label.deeper == "higher"
    assert cobra.points[-1].median - cobra.points[0].median >= 2  # it grew
    assert "chest lifted" in page and "° → " in page and "over 4 weeks" in page
    assert trends["childs_pose"].personal_best.best == min(
        p.best for p in trends["childs_pose"].points
    )
    assert "Sharp-pain stops (1)" in page and "2026-11-27" in page  # with its date
    assert "Routine set in the app: Cat-cow flow → Cobra" in page
    assert "Average before" in page and page.count("<svg") == len(PRACTICE) + 1
    assert "camera" in page  # the note that the camera's place changes the figures


def test_an_empty_history_one_session_and_a_year(tmp_path, library):
    with History(tmp_path / "empty.sqlite3") as history:
        page = _report(history, library)
    _self_contained(page)
    assert "No practice was recorded in this period." in page
    assert "No pain ratings were recorded." in page and "Range of motion" not in page

    with History(tmp_path / "one.sqlite3") as history:
        fill(history, 1)
        page = _report(history, library)
    assert "one session" in page and "<b>1</b>" in page  # no change to tell from one session

    with History(tmp_path / "year.sqlite3") as history:
        fill(history, 365, every=3)  # every third day, to keep the test quick
        assert len(history.sessions()) == 122
        page = _report(history, library, days=365)
        month = _report(history, library, days=30)
    _self_contained(page)
    assert "<b>122</b>" in page and "over 52 weeks" in page  # the change over the period
    assert "over 4 weeks" in month
    assert len(page) < 200_000 and len(month) < len(page)


def test_names_needing_escaping_stay_text(tmp_path, library):
    hostile = "<script>alert(\"x\")</script> & 'quotes'"
    with History(tmp_path / "h.sqlite3") as history:
        sid = history.start_session(NOW - timedelta(days=1), pain_before=3)
        set_id = history.start_set(sid, hostile, "left", 20, None, NOW - timedelta(days=1), "m<b>")
        history.add_hold(
            set_id, NOW - timedelta(days=1), NOW - timedelta(days=1, seconds=-20), 20, 25
        )
        history.end_set(set_id, NOW - timedelta(hours=23), StopReason.SHARP_PAIN)
        history.end_session(sid, NOW - timedelta(hours=23), 2)
        sessions = history.sessions(30, now=NOW)
    page = report_html(ReportInput(sessions, 30, NOW, {}, {}, [hostile]))
    assert "<script" not in page and "<b>m" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in page
    assert "m&lt;b&gt;" in page  # the stored measure id, as words


def test_without_templates_the_stored_figures_still_read(tmp_path):
    """A history read with no template naming its measures (a retired pose): a flow's ranges
    are still recognised as ranges, and the measure id reads as words."""
    with History(tmp_path / "h.sqlite3") as history:
        fill(history, 5)
        sessions = history.sessions(30, now=NOW)
    trends = motion_trends(sessions, {})
    assert trends["cat_cow"].label.flow and trends["cat_cow"].points[0].median > 20
    assert trends["cobra"].label.words == "chest lift"


def test_the_command_writes_atomically_and_refuses_to_overwrite_other_files(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History(db) as history:
        fill(history, 10)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "poseguide", "--poses-dir", str(REPO_POSES), "report"]
    out = tmp_path / "report.html"
    done = subprocess.run(
        [*run, "--db", str(db), "--out", str(out)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Cobra" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    refused = subprocess.run(
        [*run, "--db", str(db), "--out", str(notes)], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "expected a file name ending in" in refused.stderr
    assert notes.read_text() == "mine"
    missing = subprocess.run(
        [*run, "--db", str(tmp_path / "nope.sqlite3"), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no such history database" in missing.stderr


@pytest.mark.browser
def test_thirty_days_print_on_two_a4_pages_at_most(tmp_path, library):
    """Chromium prints the report of a month of daily practice; the screenshot is kept in
    docs/report.png."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python client is not installed")
    with History(tmp_path / "h.sqlite3") as history:
        fill(history, 30)
        page_html = _report(history, library)
    path = tmp_path / "report.html"
    path.write_text(page_html, encoding="utf-8")
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            assert page.title() == "Stretching practice report"
            pdf = page.pdf(format="A4", print_background=True)
            page.screenshot(path=str(ROOT / "docs" / "report.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [path.as_uri()]  # nothing fetched beside the page itself
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"{pages} A4 pages"
