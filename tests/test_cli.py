"""The command line: listing, checking, analysing, and one-line errors for bad input."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from realdata import POSEDATA, SPHINX

from poseguide.cli.main import build_parser, main
from poseguide.core.templates import DEFAULT_DIR


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_poses_lists_targets_and_measured_state(capsys):
    code, out, _ = run(capsys, "poses")
    assert code == 0
    sphinx = next(line for line in out.splitlines() if line.startswith("sphinx "))
    assert "hold 30-60 s" in sphinx and sphinx.rstrip().endswith("yes")
    flow = next(line for line in out.splitlines() if line.startswith("cat_cow "))
    assert "10-20 repetitions" in flow
    code, out, _ = run(capsys, "poses", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["childs_pose"]["target"] == "hold 30-120 s"


def test_broken_template_folder_still_lists_the_good_ones(capsys, tmp_path):
    (tmp_path / "sphinx.toml").write_text((DEFAULT_DIR / "sphinx.toml").read_text())
    (tmp_path / "bad.toml").write_text("id = 'bad'\nview = 'sideways'\n")
    code, out, err = run(capsys, "--poses-dir", str(tmp_path), "poses")
    assert code == 0 and "sphinx" in out
    assert "bad.toml: view: expected one of ['side', 'front', 'any'], got 'sideways'" in err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["check", "/nonexistent/photo.jpg"], "/nonexistent/photo.jpg: no such file"),
        (["analyze", "/nonexistent/clip.mp4", "--pose", "sphinx"], "clip.mp4: no such file"),
        (["check", "{not_image}"], "not an image this program can read"),
        (["analyze", "{truncated}", "--pose", "sphinx"], "clip.mp4: not a video this program can"),
        (["analyze", "{empty}", "--pose", "sphinx"], "the file is empty"),
        (["check", "{empty}", "--pose", "sphinx"], "the file is empty"),
        (["analyze", "{truncated}", "--pose", "warrior"], "no pose template 'warrior'"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_2(capsys, tmp_path, argv, message):
    files = {
        "{not_image}": tmp_path / "notes.jpg",
        "{truncated}": tmp_path / "clip.mp4",
        "{empty}": tmp_path / "empty.mp4",
    }
    files["{not_image}"].write_text("these are not pixels")
    _truncated_clip(files["{truncated}"])
    files["{empty}"].write_bytes(b"")
    argv = [str(files.get(a, a)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _truncated_clip(path):
    """A real mp4 cut to its first third, as an interrupted copy leaves it."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    for i in range(60):
        writer.write(np.full((48, 64, 3), i * 4, np.uint8))
    writer.release()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def test_malformed_template_file_is_an_error_for_the_command(capsys, tmp_path):
    (tmp_path / "sphinx.toml").write_text(
        (DEFAULT_DIR / "sphinx.toml").read_text().replace("[12, 90]", "[60]")
    )
    code, _, err = run(capsys, "--poses-dir", str(tmp_path), "check", "x.jpg", "--pose", "sphinx")
    assert code == 2
    assert "sphinx.toml: checks[2].range: expected [low, high]" in err
    assert "no pose template 'sphinx'" in err


def test_console_script_runs_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "poseguide", "check", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("x.png: no such file")


@pytest.mark.realdata
def test_check_photo_prints_values_and_verdict(capsys):
    code, out, _ = run(capsys, "check", str(POSEDATA / SPHINX), "--pose", "sphinx")
    assert code == 0
    assert "verdict: in range" in out
    assert "chest lifted" in out
    code, out, _ = run(capsys, "check", str(POSEDATA / SPHINX))
    assert out.strip() == "matches: sphinx"
    code, out, _ = run(capsys, "check", str(POSEDATA / SPHINX), "--pose", "cobra", "--json")
    data = json.loads(out)
    assert data["verdicts"][0]["status"] == "out_of_range"
    expected = "Place your hands under your shoulders and press down"
    assert data["verdicts"][0]["correction"] == expected


@pytest.mark.realdata
def test_template_from_photo_centres_ranges_and_loads(capsys, tmp_path):
    from poseguide.core.templates import load_library, load_template

    out = tmp_path / "my_sphinx.toml"
    argv = [
        "template",
        "from-photo",
        str(POSEDATA / SPHINX),
        "--id",
        "my_sphinx",
        "--tolerance",
        "10",
        "--out",
        str(out),
    ]
    code, stdout, _ = run(capsys, *argv)
    assert code == 0 and "based on sphinx" in stdout
    mine, base = load_template(out), load_library()["sphinx"]
    assert [c.id for c in mine.checks] == [c.id for c in base.checks]
    assert [c.too_low for c in mine.checks] == [c.too_low for c in base.checks]
    chest = next(c for c in mine.checks if c.id == "chest_lift")
    assert chest.high - chest.low == pytest.approx(20.0)
    assert not mine.measured
    code, _, err = run(capsys, *argv)
    assert code == 2 and "already exists" in err


@pytest.mark.realdata
def test_eval_lists_misses_with_the_reason(capsys, tmp_path):
    plank = POSEDATA / "negative" / "lucapomer__plank_File61.jpg"
    (tmp_path / "sphinx").mkdir()
    (tmp_path / "sphinx" / "good.png").symlink_to(POSEDATA / SPHINX)
    (tmp_path / "sphinx" / "plank.jpg").symlink_to(plank)  # mislabelled on purpose
    code, out, _ = run(capsys, "eval", str(tmp_path), "--misses")
    assert code == 0
    listed = out.split("misses (1)")[1].strip().splitlines()
    assert len(listed) == 1 and listed[0].startswith("sphinx/plank.jpg [")
    assert "out of range:" in listed[0] and "(range 100..172)" in listed[0]
    code, out, _ = run(capsys, "eval", str(tmp_path), "--misses", "--json")
    (miss,) = json.loads(out)["misses"]
    assert miss["photo"] == "sphinx/plank.jpg" and miss["accepted"] == []
    # A high plank: arms straight and body straight; the larger fault gives the cue.
    assert "bent_at_hips=" in miss["why"]
    assert '"Rest your forearms flat on the floor"' in miss["why"]


NUMERIC = {  # option: (command line before it, low, high, whole)
    "--fps": (["analyze", "v.mp4", "--pose", "sphinx"], 0, 240, False),
    "--tolerance": (["template", "from-photo", "p.jpg", "--id", "x"], 0.5, 45, False),
    "--frames": (["bench"], 1, 1_000_000, True),
    "--loops": (["bench"], 1, 1000, True),
    "--days": (["history"], 1, 36_500, True),
    "--port": (["app"], 1, 65535, True),
}
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "1e9",
            "1e-9",
            "0",
            "-0",
            "",
            " ",
            "1_000",
            "0x10",
            "٣",
            "1.5",
            "nan(0)",
            "∞",
        ]
    ),
    st.text(max_size=8),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # capsys: read each time
@given(option=st.sampled_from(sorted(NUMERIC)), text=numbers)
def test_numeric_arguments_are_in_range_or_one_line_exit_2(capsys, option, text):
    before, low, high, whole = NUMERIC[option]
    try:
        args = build_parser().parse_args([*before, option, text])
    except SystemExit as exc:
        err = capsys.readouterr().err
        assert exc.code == 2
        assert len(err.strip().splitlines()) == 1 and f"argument {option}: expected" in err
        return
    value = getattr(args, option.lstrip("-"))
    assert math.isfinite(value) and low <= value <= high
    assert not whole or value == int(value)


def test_from_photo_validates_first_and_leaves_no_file(capsys, tmp_path):
    poses = tmp_path / "poses"
    poses.mkdir()
    for tid in ("cat", "cow", "cat_cow"):
        (poses / f"{tid}.toml").write_text((DEFAULT_DIR / f"{tid}.toml").read_text())
    before = sorted(p.name for p in poses.iterdir())
    code, _, err = run(
        capsys,
        "--poses-dir",
        str(poses),
        "template",
        "from-photo",
        "p.jpg",
        "--id",
        "mine",
        "--base",
        "cat_cow",
    )
    assert code == 2 and "--base cat_cow: a flow has no ranges of its own" in err
    code, _, err = run(
        capsys,
        "template",
        "from-photo",
        "p.jpg",
        "--id",
        "mine",
        "--out",
        str(tmp_path / "nowhere" / "mine.toml"),
    )
    assert code == 2 and "nowhere: no such folder; create it or choose another --out" in err
    assert sorted(p.name for p in poses.iterdir()) == before


def test_a_failed_write_leaves_neither_template_nor_temporary_file(tmp_path, monkeypatch):
    import os

    from poseguide.cli.output_files import OutputError, write_bytes

    def full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match=r"mine.toml: cannot write it \(the disk is full"):
        write_bytes(tmp_path / "mine.toml", b"id = 'mine'\n")
    assert list(tmp_path.iterdir()) == []


def test_native_log_lines_are_dropped_and_the_rest_kept():
    from poseguide.vision.native_logs import without_native_logs

    dropped = [
        b"W0000 00:00:1795978838.435677   11017 inference_feedback_manager.cc:114] Feedback\n",
        b"I0000 00:00:1795978838.5 1 gl_context.cc:357] GL version: 3.2\n",
        b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
        b"WARNING: All log messages before absl::InitializeLog() is called are written\n",
        b"[ WARN:0@0.071] global cap_ffmpeg_impl.hpp:453 _opencv_ffmpeg_interrupt_callback\n",
        b"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x561fc8b1c300] stream 0, offset 0xb0d: partial file\n",
    ]
    for line in dropped:
        assert without_native_logs(line) is None
    kept = [
        b"poseguide: error: x.jpg: no such file\n",
        b"F0000 00:00:17.1 1 calculator_graph.cc:9] Check failed: fatal, kept\n",
        b"[11:02] a line of ours\n",
    ]
    for line in kept:
        assert without_native_logs(line) == line
    bar = b"\r 31%|###  | 14/45 [mpeg4 @ 0x561fc8b40e00] illegal dc vlc\n"
    assert without_native_logs(bar) == b"\r 31%|###  | 14/45 "


@pytest.mark.realdata
def test_verbose_shows_the_native_logs_and_the_default_hides_them(tmp_path):
    def stderr(*flags):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "poseguide",
                *flags,
                "check",
                str(POSEDATA / SPHINX),
                "--pose",
                "sphinx",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0
        return proc.stderr

    assert stderr() == ""
    assert "XNNPACK" in stderr("--verbose")


def test_from_photo_into_a_folder_it_may_not_write_is_refused_first(capsys, tmp_path, monkeypatch):
    import os

    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: Path(p) != tmp_path and real_access(p, mode)
    )  # root writes anywhere: pretend it may not
    code, _, err = run(
        capsys, "--poses-dir", str(tmp_path), "template", "from-photo", "p.jpg", "--id", "mine"
    )
    assert code == 2
    assert err.strip() == (
        f"poseguide: error: {tmp_path}: permission denied, cannot write here; choose another --out"
    )


def test_analyze_prints_a_flow_as_repetitions_not_holds(capsys, monkeypatch, tmp_path):
    """A cat-cow clip is repetitions: no 'hold 1 ...' line and no best hold."""
    from poseguide.core.session import SetSummary
    from poseguide.core.timer import Segment
    from poseguide.offline import analysis

    def analysed(video, template, *args, **kwargs):
        return SetSummary(
            template.id,
            None,
            0.0,
            template.target.reps,
            0.0,
            20.0,
            segments=[Segment(1.0, 9.5)],  # the time in one position a flow still keeps
            reps=2,
            rep_times=[4.25, 12.5],
        )

    monkeypatch.setattr(analysis, "analyze_video", analysed)
    clip = tmp_path / "catcow.mp4"
    clip.write_bytes(b"not read: analyze_video is replaced")
    code, out, _ = run(capsys, "analyze", str(clip), "--pose", "cat_cow")
    assert code == 0
    assert "hold" not in out, out
    assert "repetition 1: at    4.25 s" in out and "repetition 2: at   12.50 s" in out
    assert "repetitions: 2 (target 10)" in out
