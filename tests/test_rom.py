"""Range of motion: each template's key measure, what a hold or a flow repetition records of
it, how it is stored (and an older database migrated), and a real clip's figure against the
same frames measured offline."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from realdata import POSEDATA

from poseguide.core import checker
from poseguide.core.checker import CheckResult, Status, Verdict
from poseguide.core.range_of_motion import NO_READING, MotionRecorder, Reading, key_check
from poseguide.core.session import FrameResult
from poseguide.core.templates import TemplateError, load_library, load_template
from poseguide.history import History
from poseguide.history import schema as history_schema
from poseguide.live.recorder import HistoryRecorder

REPO_POSES = Path(__file__).resolve().parents[1] / "reference_poses"
T0 = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def library():
    """This checkout's templates (an editable install may point DEFAULT_DIR elsewhere)."""
    return load_library(REPO_POSES)


# --------------------------------------------------------------------------- templates


def test_every_shipped_key_measure_is_a_check_in_degrees(library):
    assert library.errors == ()
    named = {t.id: t.key_measure for t in library.templates.values() if t.key_measure}
    # tabletop is a neutral position and pelvic tilt's movement too small to see: no depth
    assert not {"tabletop", "pelvic_tilt"} & set(named) and len(named) >= 15
    for tid, key in named.items():
        check = key_check(library[tid], library)
        assert check is not None, tid
        assert key.deeper in ("higher", "lower") and key.why.endswith("."), tid
    assert named["cobra"].check == "chest_lift" and named["seated_twist"].check == "twist"
    assert named["cat_cow"].check == "cat.head_down"


def _with_key(tmp_path: Path, name: str, table: str) -> Path:
    text = (REPO_POSES / f"{name}.toml").read_text(encoding="utf-8")
    text = text[: text.index("[key_measure]")]
    text = table + text if table.startswith("key_measure =") else text + table  # top level
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("table", "field", "expected"),
    [
        ('[key_measure]\ncheck = "chest_lfit"\ndeeper = "higher"\nwhy = "w"\n', "check", "ids"),
        ('[key_measure]\ncheck = "shoulders_down"\ndeeper = "higher"\nwhy = "w"\n', "check",
         "degrees"),
        ('[key_measure]\ncheck = "chest_lift"\ndeeper = "up"\nwhy = "w"\n', "deeper", "higher"),
        ('[key_measure]\ncheck = "chest_lift"\ndeeper = "higher"\n', "why", "non-empty"),
        ('[key_measure]\ncheck = "chest_lift"\ndeeper = "higher"\nwhy = "w"\nunit = "deg"\n',
         "unit", "fields"),
        ('key_measure = "chest_lift"\n', "key_measure", "table"),
    ],
)  # fmt: skip
def test_a_bad_key_measure_names_the_file_and_field(tmp_path, table, field, expected):
    path = _with_key(tmp_path, "cobra", table)
    with pytest.raises(TemplateError) as err:
        load_template(path)
    message = str(err.value)
    assert message.startswith(str(path)) and field in message and expected in message


def test_a_flow_key_measure_must_name_a_phase_and_a_check_in_degrees(tmp_path):
    bad_phase = '[key_measure]\ncheck = "tabletop.head_neutral"\ndeeper = "higher"\nwhy = "w"\n'
    with pytest.raises(TemplateError, match=r"cat_cow.toml: key_measure.check: .*\['cat', 'cow'\]"):
        load_template(_with_key(tmp_path, "cat_cow", bad_phase))
    for name in ("cat", "cow"):
        (tmp_path / f"{name}.toml").write_bytes((REPO_POSES / f"{name}.toml").read_bytes())
    _with_key(tmp_path, "cat_cow", bad_phase.replace("tabletop.head_neutral", "cat.back_rounded"))
    folder = load_library(tmp_path)
    assert "cat_cow" not in folder.templates
    assert any("cat_cow.toml: key_measure.check" in e and "degrees" in e for e in folder.errors)


# --------------------------------------------------------------------------- recording


def _result(t: float, template_id: str, value: float, key, in_range: bool = True) -> FrameResult:
    status = Status.IN_RANGE if in_range else Status.OUT_OF_RANGE
    results = tuple(CheckResult(c, value if c is key else 0.0, True) for c in _checks[template_id])
    verdict = Verdict(status, template_id, "left", results)
    return FrameResult(t, verdict, (), 0.0, 0.0, in_range, 0, False)


_checks: dict[str, tuple] = {}


def test_a_hold_records_the_median_and_the_deepest_value_in_whole_degrees(library):
    cobra, child = library["cobra"], library["childs_pose"]
    _checks.update(cobra=cobra.checks, childs_pose=child.checks)
    lift = key_check(cobra, library)
    motion = MotionRecorder(cobra, library)
    for i, value in enumerate([20.4, 22.6, 30.2, 24.0, 23.1]):
        motion.update(_result(1.0 + i, "cobra", value, lift))
    motion.update(_result(6.0, "cobra", 50.0, lift, in_range=False))  # out of form: not kept
    motion.update(_result(7.0, "cobra", 45.0, lift))  # after the hold
    assert motion.hold(1.0, 5.0) == Reading(median=23, best=30)
    assert motion.hold(8.0, 9.0) == NO_READING  # nothing seen in it
    fold = key_check(child, library)
    folded = MotionRecorder(child, library)  # child's pose folds deeper as the angle closes
    for i, value in enumerate([40.0, 31.4, 35.0]):
        folded.update(_result(float(i), "childs_pose", value, fold))
    assert folded.hold(0.0, 2.0) == Reading(median=35, best=31)
    assert MotionRecorder(library["tabletop"], library).hold(0.0, 9.0) == NO_READING


def test_a_flow_repetition_records_the_range_between_its_positions(library):
    """The range is the distance between the measure's median in each position, read from the
    frame by the phase's own check (so it is seen in the other position too)."""
    flow = MotionRecorder(library["cat_cow"], library)
    seen: dict[str, list[float]] = {"cat": [], "cow": []}
    cat = library["cat"]
    frames = _cat_cow_frames()
    for i, (phase, frame) in enumerate(frames):
        side = checker.working_side(frame, cat)
        idx = [c.id for c in cat.checks].index("head_down")
        seen[phase].append(float(checker.measure_checks(frame, cat, side)[idx]))
        verdict = Verdict(Status.IN_RANGE, phase, side)
        flow.update(FrameResult(i * 0.1, verdict, (), 0, 0, True, 0, False, frame=frame))
    expected = round(abs(np.median(seen["cow"]) - np.median(seen["cat"])))
    assert flow.rep(len(frames) * 0.1) == Reading(range=expected)
    assert expected > 20
    assert flow.rep(len(frames) * 0.1 + 5) == NO_READING  # nothing since


def _cat_cow_frames():
    """Synthetic landmark frames: head dropped (cat) then lifted (cow), side-on."""
    from poseguide.core.landmarks import INDEX, PoseFrame

    frames = []
    for phase, nose_x, nose_y in (("cat", 0.55, 0.30), ("cow", 0.70, -0.15)):
        for k in range(5):
            world = np.zeros((33, 3))
            for side, z in (("left", -0.1), ("right", 0.1)):
                world[INDEX[f"{side}_hip"]] = (0.0, 0.0, z)
                world[INDEX[f"{side}_shoulder"]] = (0.5, 0.0, z)
            world[INDEX["nose"]] = (nose_x, nose_y + 0.01 * k, 0.0)
            image = 0.5 + world[:, :2] * 0.5
            ones = np.ones(33)
            frames.append((phase, PoseFrame(0.1 * k, image, world, ones, ones)))
    return frames


# --------------------------------------------------------------------------- storage


def _schema_2_database(path: Path) -> None:
    """A history file as the previous version wrote it: schema 2, one session, a set, a hold
    and a repetition."""
    raw = sqlite3.connect(path)
    for migration in history_schema.MIGRATIONS[:2]:
        migration(raw)
    raw.execute("PRAGMA user_version = 2")
    raw.execute("INSERT INTO sessions (id, started_at) VALUES (1, ?)", (T0.isoformat(),))
    raw.execute(
        "INSERT INTO sets (id, session_id, exercise, target_s, started_at) "
        "VALUES (1, 1, 'cobra', 20, ?)",
        (T0.isoformat(),),
    )
    end = (T0 + timedelta(seconds=21)).isoformat()
    raw.execute(
        "INSERT INTO holds (set_id, start_at, end_at, seconds) VALUES (1, ?, ?, 21)",
        (T0.isoformat(), end),
    )
    raw.execute("INSERT INTO reps (set_id, at, duration_s) VALUES (1, ?, 4)", (end,))
    raw.commit()
    raw.close()


def test_an_old_database_is_migrated_and_its_rows_read_as_not_measured(tmp_path):
    path = tmp_path / "old.sqlite3"
    _schema_2_database(path)
    with History(path) as history:
        (old,) = history.sessions()
        (st,) = old.sets
        assert st.key_measure is None and st.holds[0].seconds == 21
        assert (st.holds[0].measure_median, st.holds[0].measure_best) == (None, None)
        assert st.reps[0].measure_range is None
        session = history.start_session(T0 + timedelta(days=1))
        new = history.start_set(
            session, "cobra", None, 20, None, T0 + timedelta(days=1), "chest_lift"
        )
        history.add_hold(new, T0 + timedelta(days=1), T0 + timedelta(days=1, seconds=20), 24, 31)
        history.add_rep(new, T0 + timedelta(days=1, seconds=20), 3.0, 40)
        with pytest.raises(ValueError, match="measure_best"):
            history.add_hold(new, T0 + timedelta(days=1), T0 + timedelta(days=1), 1, 24.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="measure_range"):
            history.add_rep(new, T0 + timedelta(days=1), 1.0, -3)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == history_schema.SCHEMA_VERSION == 3
    with History(path) as history:
        newest = history.sessions()[0].sets[0]
        assert newest.key_measure == "chest_lift"
        assert (newest.holds[0].measure_median, newest.holds[0].measure_best) == (24, 31)
        assert newest.reps[0].measure_range == 40


# --------------------------------------------------------------------------- real clip


@pytest.mark.realdata
def test_the_measure_recorded_from_a_real_clip_matches_the_same_frames_measured_offline(
    library, tmp_path, capsys
):
    """``poseguide analyze CLIP --pose childs_pose --save --json`` on a real clip: the
    stored hold's median hip fold equals, within a degree, the median of the raw
    (unsmoothed) hip angle measured offline on the same frames the hold covers; its best,
    within 3 (smoothing trims the single-frame extreme). Stdout stays JSON."""
    import json

    from poseguide.cli.main import main
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import iter_video

    clip = POSEDATA / "childs_pose" / "projectyogagym__child_pose.mp4"
    template = library["childs_pose"]
    db = tmp_path / "h.sqlite3"
    argv = ["--poses-dir", str(REPO_POSES), "analyze", str(clip), "--pose", "childs_pose"]
    assert main([*argv, "--save", "--db", str(db), "--json"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert "saved to History" in out.err and summary["segments"], "the clip holds child's pose"
    with History(db) as history:
        (stored,) = history.sessions()[0].sets
    hold = stored.holds[0]
    assert stored.key_measure == "hips_folded" and hold.measure_median is not None
    start, end = summary["segments"][0]
    check = key_check(template, library)
    idx = template.checks.index(check)
    offline = []
    with PoseDetector("video") as detector:
        for t, bgr in iter_video(clip, every=1 / 15):
            frame = detector.detect_bgr(bgr, t)
            if frame is None or not start - 0.01 <= t <= end + 0.01:
                continue
            side = checker.working_side(frame, template)
            value = float(checker.measure_checks(frame, template, side)[idx])
            if np.isfinite(value):
                offline.append(value)
    assert len(offline) > 100
    assert abs(hold.measure_median - np.median(offline)) <= 1.0
    assert hold.measure_best is not None and abs(hold.measure_best - min(offline)) <= 3.0
    assert hold.measure_best <= hold.measure_median


# --------------------------------------------------------------------------- History page


def _history_page(db_path: str, poses: str) -> None:
    from poseguide.core.templates import load_library
    from poseguide.ui.history import render

    render(db_path, load_library(poses))


def test_history_page_shows_the_range_of_motion_over_days(tmp_path):
    """Cobra practised on three days: a chart of the chest lift per session (median and
    best), the change in words, the best in degrees beside the held-time bests, the camera
    note, and the report to download."""
    import json

    from streamlit.testing.v1 import AppTest

    db = tmp_path / "h.sqlite3"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with History(db) as history:
        for ago, median, best in ((20, 18, 21), (10, 21, 25), (1, 24, 27)):
            start = now - timedelta(days=ago)
            sid = history.start_session(start)
            set_id = history.start_set(sid, "cobra", None, 20, None, start, "chest_lift")
            history.add_hold(set_id, start, start + timedelta(seconds=20), median, best)
            history.end_set(set_id, start + timedelta(seconds=21), "completed")
    at = AppTest.from_function(
        _history_page, kwargs={"db_path": str(db), "poses": str(REPO_POSES)}
    ).run(timeout=30)
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "**Cobra: chest lifted 18° → 24° over 3 weeks**" in texts
    assert any("camera" in c.value for c in at.caption)
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    rom = [c for c in charts if c["encoding"]["y"]["title"] == "chest lifted (°)"]
    assert len(rom) == 1
    assert sorted(rom[0]["encoding"]["color"]["sort"]) == ["best", "median"]
    bests = at.dataframe[1].value
    assert list(bests["Best range of motion"]) == ["27° chest lifted"]
    assert list(bests["Best hold (s)"]) == ["20.0"]  # one type per column: text
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download report"]


# --------------------------------------------------------------------------- live page


@pytest.mark.realdata
def test_the_live_page_stores_each_hold_s_chest_lift_and_each_flow_repetition_s_range(
    library, tmp_path
):
    """LiveSession fed webcam frames of real photos: a sphinx hold is stored with its chest
    lift (the same frames measured offline, raw, give the same median within a degree), and
    each cat-cow repetition with the range between cat and cow."""
    import fakecam

    from poseguide.live.routine import Routine, Step
    from poseguide.live.session import LiveSession
    from poseguide.vision.detector import PoseDetector

    if fakecam.missing_photos():
        pytest.skip(fakecam.missing_photos() or "")
    sphinx, plank = (fakecam.webcam_frame(p) for p in (fakecam.IN_FORM, fakecam.OUT_OF_FORM))
    cat, cow = (fakecam.webcam_frame(p) for p in (fakecam.CAT, fakecam.COW))
    fps = 15.0
    with History(tmp_path / "h.sqlite3") as history:
        session = LiveSession(
            Routine("r", (Step("sphinx"), Step("cat_cow", reps=2))),
            library,
            recorder=HistoryRecorder(history),
            setup=False,
            rest_s=1.0,
            countdown=False,
        )
        t = 0.0
        for frame, seconds in ((sphinx, 5.0), (plank, 2.0)):
            for _ in range(int(seconds * fps)):
                session.process(frame.copy(), t, now=t)
                t += 1 / fps
        session.skip()
        start = t
        while t < start + 16.0:
            frame = (cat, cow)[int((t - start) / 3.0) % 2]
            session.process(frame.copy(), t, now=t)
            t += 1 / fps
        sets = {s.exercise: s for s in history.sessions()[0].sets}
    hold = sets["sphinx"].holds[0]
    assert sets["sphinx"].key_measure == "chest_lift"
    template = library["sphinx"]
    idx = template.checks.index(key_check(template, library))
    offline = []
    with PoseDetector("video") as detector:
        for i in range(int(5.0 * fps)):
            frame = detector.detect_bgr(sphinx.copy(), i / fps)
            assert frame is not None
            side = checker.working_side(frame, template)
            offline.append(float(checker.measure_checks(frame, template, side)[idx]))
    assert hold.measure_median is not None
    assert abs(hold.measure_median - np.median(offline)) <= 1.0, (hold, np.median(offline))
    ranges = [r.measure_range for r in sets["cat_cow"].reps]
    assert sets["cat_cow"].key_measure == "cat.head_down" and len(ranges) >= 1
    assert all(r is not None and r > 10 for r in ranges), ranges
