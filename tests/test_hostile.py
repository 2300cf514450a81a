"""Every subcommand against a folder of bad files, as separate processes: each answer is one
line naming the file with exit status 2 (or a correct result), never a traceback, a signal
(segfault), a hang, or a change to an existing history database."""

from __future__ import annotations

import hashlib
import os
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
            "argument --fps: expected a number from 0 to 240, got 'nan'",
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
        ("history reads", ["history"], 0, "Sessions in the last 30 days: 1"),
    ]


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
        elif any(k in err for k in ("W0000", "XNNPACK", "absl::InitializeLog")):
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
