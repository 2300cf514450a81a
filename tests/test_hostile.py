"""Every subcommand against a folder of bad files, as separate processes: each answer is one
line naming the file with exit status 2 (or a correct result), never a traceback, a signal
(segfault), a hang, or a change to an existing history database."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hostile_files import bad_files

from poseguide.core.templates import DEFAULT_DIR
from poseguide.history import History

TIMEOUT_S = 60  # a hang, not a slow machine: every case finishes in a few seconds


def _history(path: Path) -> str:
    """A database with one finished session; returns its fingerprint."""
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    with History(path) as h:
        sid = h.start_session(start, pain_before=3)
        set_id = h.start_set(sid, "sphinx", None, 30.0, None, start)
        h.add_hold(set_id, start, start + timedelta(seconds=35))
        h.end_set(set_id, start + timedelta(seconds=40), "completed")
        h.end_session(sid, start + timedelta(seconds=60), pain_after=2)
    return _fingerprint(path)


def _fingerprint(db: Path) -> str:
    """The database's bytes and any not yet checkpointed in its WAL file (a reader may leave
    SQLite's empty WAL and its index beside the file: they hold no data)."""
    wal = db.with_name(db.name + "-wal")
    pending = wal.read_bytes() if wal.exists() else b""
    return hashlib.sha256(db.read_bytes()).hexdigest() + hashlib.sha256(pending).hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = bad_files(root / "bad")
    poses = root / "poses"
    poses.mkdir()
    for tid in ("sphinx", "cat", "cow", "cat_cow"):
        (poses / f"{tid}.toml").write_text((DEFAULT_DIR / f"{tid}.toml").read_text())
    (poses / "deep.toml").write_text("x = " + "[" * 500 + "]" * 500 + "\n")
    (poses / "typo.toml").write_text(
        (DEFAULT_DIR / "cow.toml")
        .read_text()
        .replace('id = "cow"', 'id = "typo"')
        .replace("range =", "rnage =", 1)
    )
    (poses / "escape.toml").write_text(
        (DEFAULT_DIR / "cow.toml")
        .read_text()
        .replace('id = "cow"', 'id = "escape"')
        .replace('name = "Cow"', 'name = "\\u001b[2JCow"')
    )
    os.mkfifo(poses / "fifo.toml")
    (poses / "folder.toml").mkdir()
    labels = root / "labels"
    for label in ("sphinx", "negative"):
        (labels / label).mkdir(parents=True)
    for name in (
        "text.jpg",
        "empty.jpg",
        "dir.jpg",
        "dangling.jpg",
        "cut.jpg",
        "bomb.png",
        "fifo.jpg",
    ):
        target = labels / "sphinx" / name
        if name == "dir.jpg":
            target.mkdir()
        elif name == "fifo.jpg":
            os.mkfifo(target)
        else:
            target.symlink_to(files[name])
    (labels / "negative" / "grey.jpg").symlink_to(root / "bad" / "grey.jpg")
    (root / "empty").mkdir()
    (root / "unreadable" / "sphinx").mkdir(parents=True)
    (root / "unreadable" / "sphinx" / "text.jpg").symlink_to(files["text.jpg"])
    (root / "home").mkdir()
    db = root / "db" / "history.sqlite3"
    db.parent.mkdir()
    return {
        "root": root,
        "files": files,
        "poses": poses,
        "labels": labels,
        "db": db,
        "fingerprint": _history(db),
    }


def _argv(world) -> list[tuple[str, list, int, str]]:
    """(case, argv, exit status, text the answer must contain)."""
    f, root, poses = world["files"], world["root"], str(world["poses"])
    missing = str(root / "no_such_folder" / "mine.toml")
    return [
        (
            "1 non-UTF-8 video",
            ["analyze", f["non_utf8.mp4"], "--pose", "sphinx"],
            2,
            "vid\\xffname.mp4: the file name is not valid UTF-8",
        ),
        (
            "1 non-UTF-8 --out folder",
            [
                "analyze",
                f["clip.mp4"],
                "--pose",
                "sphinx",
                "--out",
                f["non_utf8_dir"] / "out.mp4",
            ],
            2,
            "dir\\xff: the file name is not valid UTF-8",
        ),
        ("1 non-UTF-8 bench", ["bench", f["non_utf8.mp4"], "--frames", "5"], 2, "not valid UTF-8"),
        ("1 non-UTF-8 photo", ["check", f["non_utf8.jpg"]], 1, "vid\\xffname.jpg: no person"),
        (
            "5 analyze --out missing folder",
            ["analyze", f["clip.mp4"], "--pose", "sphinx", "--out", str(root / "no" / "a.mp4")],
            2,
            "no: no such folder",
        ),
        (
            "2 nested template",
            ["--poses-dir", poses, "poses"],
            0,
            "deep.toml: not valid TOML (arrays or tables nested too deeply)",
        ),
        ("3 decompression bomb", ["check", f["bomb.png"]], 2, "bomb.png: too large"),
        (
            "3 100 MP",
            ["check", f["100mp.png"], "--pose", "sphinx"],
            2,
            "100mp.png: 10000x10000 is too large",
        ),
        (
            "4 fps nan",
            ["analyze", f["clip.mp4"], "--pose", "sphinx", "--fps", "nan"],
            2,
            "frames per second from 1 to 240, got 'nan'",
        ),
        ("4 days overflow", ["history", "--days", "1000000"], 2, "expected 1 to 36500 days"),
        (
            "5 --out missing folder",
            ["template", "from-photo", f["clip.mp4"], "--id", "mine", "--out", missing],
            2,
            "no_such_folder: no such folder",
        ),
        (
            "6 database is a pipe",
            ["history", "--db", f["fifo.mp4"]],
            2,
            "fifo.mp4 is not a regular file",
        ),
        (
            "7 truncated mp4",
            ["analyze", f["short.mp4"], "--pose", "sphinx"],
            0,
            "short.mp4: the video ends early",
        ),
        (
            "8 photo as video",
            ["analyze", f["photo.mp4"], "--pose", "sphinx"],
            2,
            "photo.mp4: a photo, not a video",
        ),
        ("9 eval empty folder", ["eval", root / "empty"], 2, "empty: no photos to score"),
        (
            "9 eval unreadable only",
            ["eval", root / "unreadable"],
            2,
            "unreadable: no photos to score (all 1 files are unreadable, e.g. sphinx/text.jpg",
        ),
        (
            "10 bench 0 frames",
            ["bench", f["clip.mp4"], "--frames", "0"],
            2,
            "argument --frames: expected a whole number from 1",
        ),
        (
            "10 bench -1 loops",
            ["bench", f["clip.mp4"], "--frames", "-1", "--loops", "-1"],
            2,
            "argument --frames",
        ),
        (
            "11 mistyped --db",
            ["history", "--db", str(world["db"]) + "x"],
            2,
            "no such history database",
        ),
        (
            "12 tolerance nan",
            ["template", "from-photo", f["clip.mp4"], "--id", "t", "--tolerance", "nan"],
            2,
            "argument --tolerance",
        ),
        (
            "12 tolerance 1e9",
            ["template", "from-photo", f["clip.mp4"], "--id", "t", "--tolerance", "1e9"],
            2,
            "argument --tolerance",
        ),
        (
            "12 tolerance 0",
            ["template", "from-photo", f["clip.mp4"], "--id", "t", "--tolerance", "0"],
            2,
            "argument --tolerance",
        ),
        (
            "12 base flow",
            [
                "--poses-dir",
                poses,
                "template",
                "from-photo",
                f["clip.mp4"],
                "--id",
                "t",
                "--base",
                "cat_cow",
            ],
            2,
            "--base cat_cow: a flow has no ranges of its own",
        ),
        (
            "13 template typo",
            ["--poses-dir", poses, "poses"],
            0,
            "typo.toml: checks[0].rnage: expected one of the fields",
        ),
        ("14 eval bad files", ["eval", world["labels"]], 0, "sphinx/text.jpg"),
        ("15 folder as photo", ["check", f["dir.jpg"]], 2, "dir.jpg: a folder, not a photo"),
        ("15 broken link", ["check", f["dangling.jpg"]], 2, "dangling.jpg: a broken link"),
        ("15 pipe as photo", ["check", f["fifo.jpg"]], 2, "fifo.jpg: not a regular file"),
        (
            "15 pipe as video",
            ["analyze", f["fifo.mp4"], "--pose", "sphinx"],
            2,
            "fifo.mp4: not a regular file",
        ),
        ("15 escape codes", ["check", f["escape.jpg"]], 2, "\\x1b[31mred\\x1b[0m.jpg"),
        ("text as photo", ["check", f["text.jpg"]], 2, "text.jpg: not an image"),
        ("empty photo", ["check", f["empty.jpg"]], 2, "empty.jpg: the file is empty"),
        (
            "cut photo",
            ["check", f["cut.jpg"], "--pose", "sphinx"],
            2,
            "cut.jpg: cannot decode the image",
        ),
        ("app bad port", ["app", "--port", "0"], 2, "expected a port number"),
        (
            "absurd time scale",
            ["analyze", f["rate_4e9.mp4"], "--pose", "sphinx"],
            2,
            "rate_4e9.mp4: only 2 frames of the 60 it announces could be read",
        ),
        (
            "1e6 fps",
            ["analyze", f["rate_1e6.mp4"], "--pose", "sphinx"],
            2,
            "rate_1e6.mp4: its frame times give 1e+06 frames per second, outside 1 to 240",
        ),
        (
            "two frames",
            ["analyze", f["two_frames.mp4"], "--pose", "sphinx"],
            2,
            "two_frames.mp4: only 2 frames could be read; a clip needs at least 3 frames",
        ),
        ("variable rate", ["analyze", f["vfr.mkv"], "--pose", "sphinx"], 0, "time in form"),
        (
            "variable rate cut",
            ["analyze", f["vfr_cut.mkv"], "--pose", "sphinx"],
            0,
            "vfr_cut.mkv: the video ends early",
        ),
        (
            "video as an image sequence",
            ["analyze", f["clip.mp4"], "--pose", "sphinx", "--out", root / "frame%03d.png"],
            2,
            "frame%03d.png: expected a file name ending in .avi",
        ),
        (
            "template over its photo",
            ["template", "from-photo", f["cut.jpg"], "--id", "cut", "--out", f["cut.jpg"]],
            2,
            "cut.jpg: expected a file name ending in .toml, got '.jpg'",
        ),
        (
            "a flow on a photo",
            ["--poses-dir", poses, "check", f["text.jpg"], "--pose", "cat_cow"],
            2,
            "cat_cow is a flow of positions",
        ),
        ("history reads", ["history"], 0, "Sessions in the last 30 days: 1"),
    ]


# What the native libraries print on their own: absl, TFLite, FFmpeg ([mov,mp4 @ 0x..]
# "invalid timebase", "Invalid mdhd time scale"), OpenCV (its writers' assertions).
NATIVE_NOISE = (
    "W0000",
    "XNNPACK",
    "absl::InitializeLog",
    " @ 0x",
    "timebase",
    "time scale",
    "CvVideoWriter",
    "[ WARN",
    "[ERROR",
    "OpenCV(",
)

_ANSWERS: dict[tuple, tuple[int, str, str]] = {}


def _run(world, argv):
    """(exit status, stdout, stderr) of ``poseguide *argv``; each command runs once."""
    key = tuple(str(a) for a in argv)
    if key not in _ANSWERS:
        _ANSWERS[key] = _process(world, argv)
    return _ANSWERS[key]


def _process(world, argv):
    env = {**os.environ, "HOME": str(world["root"] / "home"), "POSEGUIDE_DB": str(world["db"])}
    env.pop("XDG_DATA_HOME", None)
    args = [sys.executable, "-m", "poseguide", *(os.fsencode(a) for a in argv)]
    proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, env=env, cwd=world["root"])
    return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode()


def _said(err: str) -> list[str]:
    """stderr's lines less the warnings about broken templates and the progress bar."""
    return [
        line
        for line in err.split("\n")
        if line.strip() and not line.startswith("warning: ") and "\r" not in line
    ]


def test_every_subcommand_answers_bad_files_in_one_line(world):
    cases = _argv(world)
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda c: _run(world, c[1]), cases))
    problems = []
    for (case, _, code, text), (got, out, err) in zip(cases, answers, strict=True):
        said = out + err
        if got < 0 or got != code or text not in said or "Traceback" in said:
            problems.append(f"{case}: exit {got} (want {code}); {err.strip()[-300:]!r}")
        elif "\x1b" in said:
            problems.append(f"{case}: an escape code reached the terminal: {said!r}")
        elif code == 2 and len(_said(err)) != 1:
            problems.append(f"{case}: not one line: {err!r}")
        elif any(k in err for k in NATIVE_NOISE):
            problems.append(f"{case}: native log lines reached stderr: {err!r}")
    assert not problems, "\n".join(problems)
    assert _fingerprint(world["db"]) == world["fingerprint"]
    assert not (world["root"] / "home" / ".local").exists()  # no database was created
    assert sorted(p.name for p in world["poses"].iterdir()) == [
        "cat.toml",
        "cat_cow.toml",
        "cow.toml",
        "deep.toml",
        "escape.toml",
        "fifo.toml",
        "folder.toml",
        "sphinx.toml",
        "typo.toml",
    ]  # from-photo left no broken file


def test_a_broken_template_folder_lists_every_broken_file_and_keeps_the_rest(world):
    code, out, err = _run(world, ["--poses-dir", str(world["poses"]), "poses"])
    assert code == 0 and out.split()[5:6] and "sphinx" in out and "cat_cow" in out
    broken = [line for line in err.splitlines() if line.startswith("warning: skipped")]
    assert len(broken) == 5
    for name, why in [
        ("deep.toml", "nested too deeply"),
        ("typo.toml", "did you mean 'range'"),
        ("escape.toml", "name: expected text without control characters"),
        ("fifo.toml", "not a regular file"),
        ("folder.toml", "not a regular"),
    ]:
        assert any(name in line and why in line for line in broken), (name, err)


def test_eval_carries_on_past_unreadable_files_and_says_why(world):
    code, out, err = _run(world, ["eval", str(world["labels"])])
    assert code == 0 and "Traceback" not in err
    assert "negative" in out.split("confusion")[0]  # the readable photo is still scored
    listed = out.split("unreadable files, left out of the figures (7)")[1]
    for name, why in [
        ("text.jpg", "not an image"),
        ("empty.jpg", "the file is empty"),
        ("dir.jpg", "a folder, not a photo"),
        ("dangling.jpg", "a broken link"),
        ("cut.jpg", "cannot decode the image"),
        ("bomb.png", "too large"),
        ("fifo.jpg", "not a regular file"),
    ]:
        assert f"sphinx/{name}: {why}" in listed


# --------------------------------------------------------------------- in-process details


def test_eval_with_unreadable_files_collects_them_or_stops_when_asked(tmp_path, library):
    from poseguide.offline.evaluation import evaluate
    from poseguide.vision.media import MediaError, load_photo

    (tmp_path / "sphinx").mkdir()
    (tmp_path / "sphinx" / "a.jpg").write_text("not pixels")
    (tmp_path / "sphinx" / "b.jpg").mkdir()

    def detect(path):
        load_photo(path)

    skipped: list[tuple[str, str]] = []
    results = evaluate(
        tmp_path, library, detect, on_unreadable=lambda p, why: skipped.append((p.name, why))
    )
    assert results == [] and [name for name, _ in skipped] == ["a.jpg", "b.jpg"]
    assert "not an image" in skipped[0][1] and "a folder, not a photo" in skipped[1][1]
    with pytest.raises(MediaError, match="a.jpg: not an image"):
        evaluate(tmp_path, library, detect)


def test_reading_opens_read_only_and_writes_nothing(tmp_path):
    from poseguide.history import HistoryError

    db = tmp_path / "h.sqlite3"
    fingerprint = _history(db)
    with History(db, readonly=True) as h:
        assert len(h.sessions()) == 1
        with pytest.raises(HistoryError, match="read-only"):
            h.start_session(datetime.now(timezone.utc))
    assert _fingerprint(db) == fingerprint
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(HistoryError, match="holds no history yet"):
        History(empty, readonly=True)
    assert empty.read_bytes() == b""


_VIEW = """
import sys
sys.path.insert(0, sys.argv[1])
from poseguide.history.store import History, HistoryError
with History(sys.argv[2], readonly=True) as h:
    print(len(h.sessions()))
try:
    History(sys.argv[2])
except HistoryError as exc:
    print(exc)
"""


def test_a_database_in_a_read_only_folder_can_be_viewed():
    """Run as a user who may not write in the folder: root writes anywhere, so as root the
    reader is started as 'nobody' (setpriv) on a copy of the package it can read."""
    import shutil
    import tempfile

    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv, so no user to whom a folder is read-only")
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        if subprocess.run([*as_user, sys.executable, "-c", ""], capture_output=True).returncode:
            pytest.skip(
                f"user nobody cannot run {sys.executable}, so no user to whom a folder is read-only"
            )
    root = Path(tempfile.mkdtemp(prefix="poseguide-ro-"))
    try:
        shutil.copytree(
            Path(__file__).parents[1] / "poseguide",
            root / "pkg" / "poseguide",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        db = root / "ro" / "h.sqlite3"
        db.parent.mkdir()
        fingerprint = _history(db)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        db.parent.chmod(0o555)
        proc = subprocess.run(
            [*as_user, sys.executable, "-c", _VIEW, str(root / "pkg"), str(db)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        db.parent.chmod(0o755)
        assert proc.returncode == 0, proc.stderr
        viewed, refused = proc.stdout.splitlines()
        assert viewed == "1"  # read without write access
        assert "the location is read-only" in refused  # writing is refused in words
        assert _fingerprint(db) == fingerprint
        assert sorted(p.name for p in db.parent.iterdir()) == ["h.sqlite3"]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_full_disk_is_named_as_such(tmp_path, monkeypatch):
    import shutil
    import sqlite3
    from collections import namedtuple

    db = tmp_path / "h.sqlite3"
    _history(db)
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"
    usage = namedtuple("usage", "total used free")
    with History(db) as h:
        monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10**9, 10**9, 4096))
        assert "the disk is full; free some space" in str(h._error("cannot open", error))
        monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10**9, 0, 10**9))
        assert "the disk reported a read or write failure" in str(h._error("cannot open", error))


class _Upload:
    """What Streamlit's file uploader hands the page."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getbuffer(self) -> memoryview:
        return memoryview(self._data)


def _page_messages(monkeypatch) -> dict[str, list[str]]:
    from poseguide.ui import upload

    said: dict[str, list[str]] = {"error": [], "warning": []}
    monkeypatch.setattr(upload.st, "error", lambda text: said["error"].append(text))
    monkeypatch.setattr(upload.st, "warning", lambda text: said["warning"].append(text))
    return said


def test_a_photo_uploaded_as_a_video_is_refused_by_its_own_name(tmp_path, monkeypatch, library):
    from PIL import Image

    from poseguide.ui.upload import analyse

    said = _page_messages(monkeypatch)
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (64, 48), (90, 90, 90)).save(photo)
    db = tmp_path / "h.sqlite3"
    fingerprint = _history(db)
    with History(db) as history:
        assert (
            analyse(_Upload("my stretch.mp4", photo.read_bytes()), "sphinx", library, history)
            is None
        )
    (error,) = said["error"]
    assert error.startswith("This video cannot be analysed: my stretch.mp4: a photo, not a")
    assert "poseguide-" not in error  # not the temporary file's name
    assert _fingerprint(db) == fingerprint  # nothing stored


def test_an_upload_cut_short_is_analysed_with_a_warning_naming_it(tmp_path, monkeypatch, library):
    from hostile_files import cut, faststart_clip

    from poseguide.ui.upload import analyse

    said = _page_messages(monkeypatch)
    clip = cut(faststart_clip(tmp_path / "c.mp4"), 0.5)
    with History(tmp_path / "h.sqlite3") as history:
        assert (
            analyse(_Upload("monday.mp4", clip.read_bytes()), "sphinx", library, history)
            is not None
        )
    (warning,) = said["warning"]
    assert warning.startswith("monday.mp4: the video ends early") and not said["error"]


def test_before_the_first_session_history_says_none_and_creates_nothing(
    tmp_path, monkeypatch, capsys
):
    import json

    from poseguide.cli.main import main

    db = tmp_path / "later" / "history.sqlite3"
    monkeypatch.setenv("POSEGUIDE_DB", str(db))
    assert main(["history"]) == 0
    assert "No sessions yet (nothing recorded in" in capsys.readouterr().out
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []
    assert not db.parent.exists()


# ------------------------------------------------------------ by class (issue 27), in process


@pytest.fixture
def no_work(monkeypatch):
    """Any pose-model or drawing work fails the test: a refusal must come before it."""
    from poseguide.offline import analysis
    from poseguide.vision import detector, figure_drawing

    def started(*_, **__):
        raise AssertionError("work started before the output was refused")

    monkeypatch.setattr(analysis, "analyze_video", started)
    monkeypatch.setattr(detector, "PoseDetector", started)
    monkeypatch.setattr(figure_drawing, "write_picture", started)


def _said_by(capsys, argv) -> tuple[int, str]:
    from poseguide.cli.main import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse refused an argument
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _outputs(tmp_path: Path) -> dict[str, Path]:
    from hostile_files import mp4v_clip
    from PIL import Image

    clip = mp4v_clip(tmp_path / "clip.mp4")
    photo = tmp_path / "me.jpg"
    Image.new("RGB", (160, 120), (90, 90, 90)).save(photo)
    as_toml = tmp_path / "mine.toml"  # a photo that happens to be named like the template
    as_toml.write_bytes(photo.read_bytes())
    (tmp_path / "link.mp4").symlink_to(clip)
    os.link(clip, tmp_path / "hard.mp4")
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "fifo.mp4")
    os.mkfifo(tmp_path / "fifo.png")
    os.mkfifo(tmp_path / "fifo.toml")
    (tmp_path / "folder.mp4").mkdir()
    (tmp_path / "folder.png").mkdir()
    for name in ("null.mp4", "null.svg", "null.toml"):
        (tmp_path / name).symlink_to("/dev/null")
    return {"clip": clip, "photo": photo, "as_toml": as_toml}


_ANALYZE = ["analyze", "{clip}", "--pose", "sphinx", "--out"]
_FROM_PHOTO = ["template", "from-photo", "{photo}", "--id", "mine", "--force", "--out"]
_PICTURE = ["picture", "sphinx", "--out"]
OUTPUT_CASES = [
    ("video over its input", [*_ANALYZE, "clip.mp4"], "that is the input file"),
    ("video over its input by a link", [*_ANALYZE, "link.mp4"], "that is the input file"),
    ("video over its input by a hard link", [*_ANALYZE, "hard.mp4"], "that is the input file"),
    ("video over its input by ..", [*_ANALYZE, "sub/../clip.mp4"], "that is the input file"),
    ("video into a pipe", [*_ANALYZE, "fifo.mp4"], "not a regular file (a pipe or device)"),
    ("video into a device", [*_ANALYZE, "null.mp4"], "not a regular file (a pipe or device)"),
    ("video onto a folder", [*_ANALYZE, "folder.mp4"], "a folder; give a file name inside it"),
    ("video as .png", [*_ANALYZE, "a.png"], "ending in .avi or .m4v or .mkv or .mov or .mp4"),
    ("video as .webm", [*_ANALYZE, "a.webm"], "got '.webm'"),
    ("video without suffix", [*_ANALYZE, "annotated"], "got no suffix"),
    ("video into no folder", [*_ANALYZE, "nowhere/a.mp4"], "nowhere: no such folder"),
    ("template over its photo", [*_FROM_PHOTO, "me.jpg"], "ending in .toml, got '.jpg'"),
    ("template as .txt", [*_FROM_PHOTO, "mine.txt"], "ending in .toml, got '.txt'"),
    ("template into a pipe", [*_FROM_PHOTO, "fifo.toml"], "not a regular file"),
    ("template into a device", [*_FROM_PHOTO, "null.toml"], "not a regular file"),
    ("picture as .jpg", [*_PICTURE, "s.jpg"], "ending in .png or .svg, got '.jpg'"),
    ("picture into a pipe", [*_PICTURE, "fifo.png"], "not a regular file (a pipe or device)"),
    ("picture into a device", [*_PICTURE, "null.svg"], "not a regular file (a pipe or device)"),
    ("picture onto a folder", [*_PICTURE, "folder.png"], "a folder"),
    ("picture named empty", [*_PICTURE, ""], "--out: expected a file name, got an empty one"),
]


@pytest.mark.parametrize(
    "argv, message", [c[1:] for c in OUTPUT_CASES], ids=[c[0] for c in OUTPUT_CASES]
)
def test_outputs_that_would_destroy_block_or_mislead_are_refused_before_work(
    tmp_path, capsys, monkeypatch, no_work, argv, message
):
    files = _outputs(tmp_path)
    before = {
        p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.stat().st_size
    }
    monkeypatch.chdir(tmp_path)
    argv = [a.format(clip=files["clip"], photo=files["photo"]) for a in argv]
    code, said = _said_by(capsys, argv)
    assert code == 2 and message in said, said
    assert len([line for line in said.splitlines() if line.strip()]) == 1, said
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.stat().st_size}
    assert after == before  # nothing written, nothing replaced
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".poseguide-")]


def test_a_template_over_its_own_photo_is_refused(tmp_path, capsys, monkeypatch, no_work):
    files = _outputs(tmp_path)
    photo = files["as_toml"].read_bytes()
    code, said = _said_by(
        capsys,
        ["template", "from-photo", files["as_toml"], "--id", "mine", "--force"]
        + ["--out", files["as_toml"]],
    )
    assert code == 2 and "that is the input file" in said
    assert files["as_toml"].read_bytes() == photo


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "replacing a file"])
def test_an_annotated_video_is_moved_into_place_complete(tmp_path, capsys, existing):
    import cv2
    from hostile_files import mp4v_clip

    clip = mp4v_clip(tmp_path / "clip.mp4", frames=45)
    out = tmp_path / "out.mp4"
    if existing:
        out.write_bytes(b"the old video")
        out.chmod(0o640)
    code, said = _said_by(capsys, ["analyze", clip, "--pose", "sphinx", "--out", out])
    assert code == 0, said
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 23  # 45 frames at 30 fps, sampled at 15
    cap.release()
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == (0o640 if existing else 0o666 & ~mask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "out.mp4"]


# Limits: what is read and drawn is refused past a named limit, before it costs memory.
PHOTO_LIMITS = [
    ((65000, 2), "65000x2 has a side too long (limit 20000 pixels a side)"),
    ((2, 65000), "2x65000 has a side too long (limit 20000"),
    ((20001, 1999), "20001x1999 has a side too long"),
    ((5000, 400), "5000x400 is too narrow a strip for a person (limit: the long side at most 10"),
    ((300, 3001), "too narrow a strip"),
]


@pytest.mark.parametrize(
    "size, message", PHOTO_LIMITS, ids=[f"{w}x{h}" for (w, h), _ in PHOTO_LIMITS]
)
def test_photos_past_a_side_or_shape_limit_are_refused_naming_it(tmp_path, size, message):
    from hostile_files import png_header

    from poseguide.vision.media import MediaError, load_photo

    with pytest.raises(MediaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_photo(png_header(tmp_path / "p.png", *size))


def test_photos_inside_the_limits_load_at_the_reading_size(tmp_path):
    from PIL import Image

    from poseguide.vision.media import READ_MAX_SIDE, load_photo

    for size in [(8000, 800), (800, 8000), (12000, 1200), (3, 3)]:
        Image.new("L", size, 128).save(tmp_path / "p.png")
        rgb = load_photo(tmp_path / "p.png")
        assert max(rgb.shape[:2]) == min(READ_MAX_SIDE, max(size)) and min(rgb.shape[:2]) >= 1


def _dotted(n: int) -> str:
    return "\n".join(f"a.b{i}.c = 1" for i in range(n)) + "\n"


TEMPLATE_LIMITS = [
    ("400 KB of dotted keys", lambda: _dotted(30_000), "bytes is too large for a template"),
    ("70 KB of comments", lambda: "#" * 70_000 + "\n", "(limit 65536 bytes)"),
    ("3000 lines", lambda: "\n" * 3000, "3001 lines is too many for a template (limit 2000 lines)"),
    ("2500 dotted keys", lambda: _dotted(2500), "2501 lines is too many"),
    (
        "2500 keys on one line",
        lambda: "x = {" + ",".join(f"k{i}=1" for i in range(2500)) + "}",
        "2501 '=' signs (keys) is too many for a template (limit 2000 keys)",
    ),
]


@pytest.mark.parametrize(
    "text, message", [c[1:] for c in TEMPLATE_LIMITS], ids=[c[0] for c in TEMPLATE_LIMITS]
)
def test_templates_past_a_size_limit_are_refused_before_parsing(tmp_path, text, message):
    import time

    from poseguide.core.templates import load_library

    (tmp_path / "big.toml").write_text(text())
    (tmp_path / "sphinx.toml").write_text((DEFAULT_DIR / "sphinx.toml").read_text())
    start = time.perf_counter()
    library = load_library(tmp_path)
    assert time.perf_counter() - start < 1.0  # 20 000 dotted keys used to take 9 s
    (error,) = library.errors
    assert error.startswith(f"{tmp_path / 'big.toml'}: ") and message in error
    assert list(library.templates) == ["sphinx"]


@pytest.mark.parametrize("option", ["--width", "--height"])
@pytest.mark.parametrize("value", ["0", "-5", "63", "4097", "100000", "12.5", "wide"])
def test_picture_sizes_out_of_range_are_refused_naming_it(capsys, tmp_path, option, value):
    code, said = _said_by(capsys, ["picture", "sphinx", "--out", tmp_path / "s.png", option, value])
    assert (
        code == 2
        and f"argument {option}: expected a whole number of pixels from 64 to 4096" in said
    )
    assert not list(tmp_path.iterdir())


# Numbers: every number from a file or the command line checked for sense.
RATES = [
    ("1e6 fps", 1_000_000, 1, "give 1e+06 frames per second, outside 1 to 240"),
    ("1000 fps", 1000, 1, "give 1000 frames per second, outside 1 to 240"),
    ("250 fps", 250, 1, "give 250 frames per second"),
    ("0.9 fps", 9, 10, "give 0.9 frames per second"),
    ("0.5 fps", 1, 2, "give 0.5 frames per second"),
    ("0.001 fps", 1, 1000, "give 0.001 frames per second"),
]


@pytest.mark.parametrize(
    "timescale, delta, message", [c[1:] for c in RATES], ids=[c[0] for c in RATES]
)
def test_absurd_frame_rates_in_a_file_are_refused_with_value_and_range(
    tmp_path, timescale, delta, message
):
    from hostile_files import mp4v_clip, retimed

    from poseguide.vision.media import MediaError, probe_video

    clip = retimed(mp4v_clip(tmp_path / "c.mp4", frames=40), timescale, delta)
    with pytest.raises(MediaError, match=re.escape(message)):
        probe_video(clip)


@pytest.mark.parametrize("timescale, seconds", [(240, 40 / 240), (60, 40 / 60), (30, 40 / 30)])
def test_sensible_frame_rates_give_true_times(tmp_path, timescale, seconds):
    """(Slower rates than the clip's own 30 fps are not tried: its edit list, left as it
    was, would still end it at 1.3 s.)"""
    from hostile_files import mp4v_clip, retimed

    from poseguide.vision.media import iter_video

    clip = retimed(mp4v_clip(tmp_path / "c.mp4", frames=40), timescale, 1)
    times = [t for t, _ in iter_video(clip)]
    assert len(times) == 40 and times[-1] == pytest.approx(seconds - 1 / timescale, abs=1e-3)


@pytest.mark.parametrize("frames", [1, 2])
def test_a_clip_of_one_or_two_frames_is_refused_not_stored_as_0_s(tmp_path, frames):
    from hostile_files import mp4v_clip

    from poseguide.vision.media import MediaError, probe_video

    with pytest.raises(
        MediaError, match=f"only {frames} frames? could be read; a clip needs at least 3"
    ):
        probe_video(mp4v_clip(tmp_path / "c.mp4", frames=frames))
    assert probe_video(mp4v_clip(tmp_path / "c3.mp4", frames=3)).fps == 30


VFR = {
    "30 then 5 fps": [round(i * 1000 / 30) for i in range(90)]
    + [3000 + i * 200 for i in range(30)],
    "10 then 30 fps": [i * 100 for i in range(30)]
    + [3000 + round(i * 1000 / 30) for i in range(90)],
    "30, 2 s pause, 30": [round(i * 1000 / 30) for i in range(60)]
    + [4000 + round(i * 1000 / 30) for i in range(60)],
}


@pytest.mark.parametrize("times_ms", list(VFR.values()), ids=list(VFR))
def test_a_complete_variable_rate_clip_is_not_said_to_end_early(tmp_path, times_ms):
    from hostile_files import cut, vfr_clip

    from poseguide.vision.media import iter_video

    warned: list[str] = []
    times = [t for t, _ in iter_video(vfr_clip(tmp_path / "v.mkv", times_ms), warn=warned.append)]
    assert len(times) == len(times_ms) and times[-1] == pytest.approx(times_ms[-1] / 1000, abs=0.01)
    assert warned == []
    cut(vfr_clip(tmp_path / "cut.mkv", times_ms), 0.5)
    list(iter_video(tmp_path / "cut.mkv", warn=warned.append))
    assert len(warned) == 1 and "cut.mkv: the video ends early" in warned[0]


@pytest.mark.parametrize("value", ["0.0001", "0.5", "241", "1e9", "-1", "nan", "inf", "fast"])
def test_analyze_fps_is_every_frame_or_a_sensible_rate(capsys, value):
    code, said = _said_by(capsys, ["analyze", "c.mp4", "--pose", "sphinx", "--fps", value])
    assert code == 2
    assert "argument --fps: expected 0 (every frame) or frames per second from 1 to 240" in said


def test_analyze_fps_accepts_every_frame_and_the_ends_of_the_range():
    from poseguide.cli.main import build_parser

    for value in ("0", "1", "15", "240"):
        assert build_parser().parse_args(
            ["analyze", "c.mp4", "--pose", "p", "--fps", value]
        ).fps == float(value)


EMPTY = [
    ["--poses-dir", "", "poses"],
    ["--poses-dir", " ", "poses"],
    ["history", "--db", ""],
    ["check", "p.jpg", "--pose", ""],
    ["check", ""],
    ["analyze", "c.mp4", "--pose", ""],
    ["analyze", "", "--pose", "sphinx"],
    ["bench", "--pose", ""],
    ["bench", ""],
    ["eval", ""],
    ["template", "from-photo", "p.jpg", "--id", "x", "--base", ""],
]


@pytest.mark.parametrize("argv", EMPTY, ids=[" ".join(a) for a in EMPTY])
def test_an_empty_name_is_refused_instead_of_a_default(capsys, argv):
    code, said = _said_by(capsys, argv)
    assert code == 2 and "expected a name, got an empty one" in said


@pytest.mark.parametrize(
    "column", ["sessions.started_at", "sessions.ended_at", "sets.started_at", "holds.start_at"]
)
@pytest.mark.parametrize("value", ["yesterday", "", "2026-13-45T00:00:00", "1e9"])
@pytest.mark.parametrize("form", ["table", "--json", "--csv"])
def test_a_stored_date_that_is_not_a_date_is_one_line_naming_it(
    tmp_path, capsys, column, value, form
):
    import sqlite3

    db = tmp_path / "h.sqlite3"
    _history(db)
    table, field = column.split(".")
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE {table} SET {field} = ?", (value,))
    conn.close()
    code, said = _said_by(capsys, ["history", "--db", db, *([form] if form != "table" else [])])
    assert code == 2 and f"{db}: a stored date is not a date: {value!r}" in said
    assert len(said.strip().splitlines()) == 1


# Signals: Ctrl-C while a video is being written.


def _long_clip(path: Path, frames: int = 900) -> Path:
    """A clip long enough (30 s at 30 fps, 320x240) to be interrupted part way."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30, (320, 240))
    for i in range(frames):
        image = np.full((240, 320, 3), 40, np.uint8)
        cv2.circle(image, (40 + (i % 240), 120), 20, (200, 200, 200), -1)
        writer.write(image)
    writer.release()
    return path


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "replacing a file"])
def test_ctrl_c_while_writing_a_video_keeps_nothing_half_written(tmp_path, existing):
    import signal
    import time

    clip = _long_clip(tmp_path / "long.mp4")
    out = tmp_path / "out" / "annotated.mp4"
    out.parent.mkdir()
    if existing:
        out.write_bytes(b"yesterday's annotated video")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    argv = [sys.executable, "-m", "poseguide", "analyze", str(clip), "--pose", "sphinx"]
    proc = subprocess.Popen(
        [*argv, "--fps", "0", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not list(out.parent.glob(".poseguide-*")) and proc.poll() is None:
            assert time.monotonic() < deadline, "the video was never started"
            time.sleep(0.05)
        time.sleep(0.5)  # some frames written
        assert proc.poll() is None, "finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        proc.kill()
    said = [line for line in _said(err.decode()) if line.startswith("poseguide")]
    kept = f"{out} is left as it was" if existing else f"nothing was written to {out}"
    assert proc.returncode == 130 and said == [f"poseguide: interrupted; {kept}"], err
    assert [p.name for p in out.parent.iterdir()] == (["annotated.mp4"] if existing else [])
    if existing:
        assert out.read_bytes() == b"yesterday's annotated video"


def test_ctrl_c_in_any_write_removes_the_temporary_file(tmp_path):
    from poseguide.cli.output_files import OutputInterrupted, replacing

    target = tmp_path / "t.png"
    for before in (None, b"old"):
        if before:
            target.write_bytes(before)
        with pytest.raises(OutputInterrupted, match="interrupted; "), replacing(target) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt
        assert [p.name for p in tmp_path.iterdir()] == (["t.png"] if before else [])
        assert not before or target.read_bytes() == before


# Disk: a full disk (or quota) part way through a write leaves no file and says so.

DISK_ERRORS = [(28, "No space left on device"), (122, "Disk quota exceeded")]


@pytest.mark.parametrize("errno_, strerror", DISK_ERRORS, ids=["ENOSPC", "EDQUOT"])
@pytest.mark.parametrize("existing", [False, True], ids=["new file", "replacing a file"])
def test_a_full_disk_while_drawing_a_picture_leaves_no_file(
    tmp_path, capsys, monkeypatch, errno_, strerror, existing
):
    out = tmp_path / "s.png"
    if existing:
        out.write_bytes(b"old picture")
    real = Path.write_bytes

    def full(self, data):
        real(self, data[: len(data) // 2])
        raise OSError(errno_, strerror)

    monkeypatch.setattr(Path, "write_bytes", full)
    code, said = _said_by(capsys, ["picture", "sphinx", "--out", out])
    assert code == 2 and f"{out}: cannot write it (the disk is full; free some space)" in said
    assert [p.name for p in tmp_path.iterdir()] == (["s.png"] if existing else [])
    assert not existing or out.read_bytes() == b"old picture"


@pytest.mark.parametrize("stage", ["write", "fsync", "replace"])
def test_a_full_disk_at_any_stage_of_a_template_write_leaves_no_file(tmp_path, monkeypatch, stage):
    import io

    from poseguide.cli import output_files
    from poseguide.cli.output_files import OutputError, write_bytes

    def full(*_):
        raise OSError(28, "No space left on device")

    class HalfWritten(io.FileIO):
        def write(self, data):
            super().write(bytes(data)[:3])
            full()

    if stage == "write":
        monkeypatch.setattr(
            output_files, "open", lambda path, _: HalfWritten(path, "w"), raising=False
        )
    else:
        monkeypatch.setattr(os, stage, full)
    with pytest.raises(OutputError, match=r"mine.toml: cannot write it \(the disk is full"):
        write_bytes(tmp_path / "mine.toml", b"id = 'mine'\n")
    assert list(tmp_path.iterdir()) == []


def test_a_video_the_disk_could_not_hold_is_not_moved_into_place(tmp_path, capsys, monkeypatch):
    """OpenCV's writer reports nothing when the disk fills: frames past the point are lost."""
    from hostile_files import mp4v_clip

    from poseguide.offline import analysis

    opened = analysis._writer

    class FullDisk:
        def __init__(self, *args):
            self.writer, self.frames = opened(*args), 0

        def write(self, image):
            self.frames += 1
            if self.frames <= 5:
                self.writer.write(image)

        def release(self):
            self.writer.release()

    monkeypatch.setattr(analysis, "_writer", FullDisk)
    clip = mp4v_clip(tmp_path / "clip.mp4", frames=30)
    out = tmp_path / "out.mp4"
    code, said = _said_by(capsys, ["analyze", clip, "--pose", "sphinx", "--out", out])
    assert code == 2 and "came out incomplete (5 of 15 frames readable); is the disk full?" in said
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


# Encodings: names and files that are not UTF-8, control characters, spreadsheet formulas.

NON_UTF8_NAMES = [b"a\xffb.jpg", b"\xe9t\xe9.jpg", b"\x80\x81.png", b"ok\xc3.jpg"]


def test_eval_scores_photos_whose_names_are_not_utf8(tmp_path, capsys):
    import json

    from PIL import Image

    for label in ("sphinx", "negative"):
        (tmp_path / label).mkdir()
    for raw in NON_UTF8_NAMES:
        Image.new("RGB", (160, 120), (90, 90, 90)).save(
            os.fsencode(tmp_path / "sphinx") + b"/" + raw
        )
    code, said = _said_by(capsys, ["eval", tmp_path, "--misses"])
    assert code == 0 and "Traceback" not in said, said
    for name in ("sphinx/a\\xffb.jpg", "sphinx/\\xe9t\\xe9.jpg", "sphinx/\\x80\\x81.png"):
        assert name in said
    code, said = _said_by(capsys, ["eval", tmp_path, "--json"])
    assert code == 0 and json.loads(said[said.index("{") :])["labels"]["sphinx"]["photos"] == 4


MANIFESTS = [
    (
        "latin-1",
        "file,source_repo\nsphinx/a.jpg,caf\xe9\n".encode("latin-1"),
        "not UTF-8 text (byte 33 is 0xe9)",
    ),
    ("UTF-16", "file,source_repo\n".encode("utf-16"), "not UTF-8 text (byte 0 is 0xff)"),
    ("binary", bytes(range(128, 256)), "not UTF-8 text (byte 0 is 0x80)"),
    (
        "huge field",
        b"file,source_repo\nsphinx/a.jpg," + b"x" * 200_000 + b"\n",
        "not a CSV file this program can read (field larger than field limit",
    ),
    ("no columns", b"name,where\nsphinx/a.jpg,x\n", "expected the columns file and source_repo"),
]


@pytest.mark.parametrize("data, message", [m[1:] for m in MANIFESTS], ids=[m[0] for m in MANIFESTS])
def test_a_manifest_that_cannot_be_read_is_refused_naming_it_before_work(
    tmp_path, capsys, monkeypatch, data, message
):
    from PIL import Image

    from poseguide.offline import evaluation

    def started(*_):
        raise AssertionError("photos were scored before the manifest was read")

    monkeypatch.setattr(evaluation, "photo_detector", started)
    (tmp_path / "sphinx").mkdir()
    Image.new("RGB", (160, 120)).save(tmp_path / "sphinx" / "a.jpg")
    (tmp_path / "manifest.csv").write_bytes(data)
    code, said = _said_by(capsys, ["eval", tmp_path])
    assert code == 2 and f"{tmp_path / 'manifest.csv'}: {message}" in said, said


CONTROL = ["\x1b[2J", "\x07", "\r", "\x9b31m", "\x08\x08", "\u202e"]


@pytest.mark.parametrize("control", CONTROL, ids=[repr(c) for c in CONTROL])
def test_stored_names_reach_the_terminal_without_control_characters(tmp_path, capsys, control):
    import sqlite3
    import unicodedata

    db = tmp_path / "h.sqlite3"
    _history(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sets SET exercise = ?", (f"sphinx{control}x",))
    conn.close()
    code, said = _said_by(capsys, ["history", "--db", db])
    assert code == 0 and "sphinx" in said
    assert not [c for c in said if c != "\n" and unicodedata.category(c)[0] == "C"]


FORMULAS = ["=1+2", "+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("x")']


@pytest.mark.parametrize("value", FORMULAS, ids=[repr(v) for v in FORMULAS])
def test_csv_cells_a_spreadsheet_would_run_are_quoted(tmp_path, value):
    import csv
    import io
    import sqlite3

    db = tmp_path / "h.sqlite3"
    _history(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sets SET exercise = ?, side = ?", (value, "left"))
        conn.execute("UPDATE sessions SET note = ?", (value,))
    conn.close()
    with History(db, readonly=True) as h:
        (row,) = list(csv.DictReader(io.StringIO(h.to_csv(), newline="")))
    assert row["exercise"] == row["note"] == ("'" + value).replace("\r", "\n")
    assert row["side"] == "left" and row["pain_before"] == "3" and row["held_s"] == "35.0"


# Template meaning: validated for what it says, not just its types.


@pytest.mark.parametrize("tid", ["sphinx", "cobra", "cat", "seated_twist"])
def test_a_template_without_a_gate_is_refused_naming_the_file(tmp_path, tid):
    import re

    from poseguide.core.templates import TemplateError, load_template

    text = re.sub(r'(?m)^tier = "\w+"\n', "", (DEFAULT_DIR / f"{tid}.toml").read_text())
    path = tmp_path / f"{tid}.toml"
    path.write_text(text.replace("[[checks]]\n", '[[checks]]\ntier = "refine"\n'))
    with pytest.raises(
        TemplateError,
        match=rf"{tid}.toml: checks: expected at least one gate check .*with refinements only",
    ):
        load_template(path)
    path.write_text(text.replace("[[checks]]\n", '[[checks]]\ntier = "refine"\n', 1))
    assert load_template(path).id == tid  # one gate left: a pose again


@pytest.mark.parametrize("flow", ["cat_cow"])
def test_checking_a_photo_against_a_flow_names_its_positions(capsys, no_work, flow):
    from poseguide.core.templates import load_library

    phases = load_library()[flow].phases
    code, said = _said_by(capsys, ["check", "any.jpg", "--pose", flow])
    assert (
        code == 2
        and (
            f"{flow} is a flow of positions; a single photo has no verdict for it; "
            f"check {' or '.join(phases)}"
        )
        in said
    )


UNTIMEABLE = {
    "two frames": ((2, None), "only 2 frames could be"),
    "1e6 fps": ((40, 1_000_000), "give 1e+06 frames per second, outside 1 to 240"),
    "0.5 fps": ((40, 0.5), "give 0.5 frames per second"),
}


@pytest.mark.parametrize("clip_kind, message", list(UNTIMEABLE.values()), ids=list(UNTIMEABLE))
def test_an_upload_that_cannot_be_timed_stores_no_session(
    tmp_path, monkeypatch, library, clip_kind, message
):
    from hostile_files import mp4v_clip, retimed

    from poseguide.ui.upload import analyse

    said = _page_messages(monkeypatch)
    frames, rate = clip_kind
    clip = mp4v_clip(tmp_path / "c.mp4", frames=frames)
    if rate is not None:
        retimed(clip, *((rate, 1) if rate >= 1 else (1, round(1 / rate))))
    db = tmp_path / "h.sqlite3"
    fingerprint = _history(db)
    with History(db) as history:
        assert analyse(_Upload("mine.mp4", clip.read_bytes()), "sphinx", library, history) is None
    (error,) = said["error"]
    assert "mine.mp4: " in error and message in error
    assert _fingerprint(db) == fingerprint


def test_eval_prints_folder_and_manifest_names_without_control_characters(tmp_path, capsys):
    import unicodedata

    from PIL import Image

    for label in ("sphinx", "neg\x1b[2Jative"):
        (tmp_path / label).mkdir()
        Image.new("RGB", (160, 120), (90, 90, 90)).save(tmp_path / label / "a.jpg")
    (tmp_path / "manifest.csv").write_text("file,source_repo\nsphinx/a.jpg,evil\x1b]0;x\x07\n")
    code, said = _said_by(capsys, ["eval", tmp_path])
    assert code == 0 and "evil\\x1b]0;x\\x07" in said, said
    assert not [c for c in said if c not in "\n\r" and unicodedata.category(c)[0] == "C"]
