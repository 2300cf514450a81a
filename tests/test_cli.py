"""The command line: listing, checking, analysing, and one-line errors for bad input."""

import json
import subprocess
import sys

import pytest
from realdata import POSEDATA, SPHINX

from poseguide.cli.main import main
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
        (DEFAULT_DIR / "sphinx.toml").read_text().replace("[12, 60]", "[60]"))
    code, _, err = run(capsys, "--poses-dir", str(tmp_path), "check", "x.jpg", "--pose", "sphinx")
    assert code == 2
    assert "sphinx.toml: checks[2].range: expected [low, high]" in err
    assert "no pose template 'sphinx'" in err


def test_console_script_runs_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "poseguide", "check", str(tmp_path / "x.png")],
                          capture_output=True, text=True)
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
    argv = ["template", "from-photo", str(POSEDATA / SPHINX), "--id", "my_sphinx",
            "--tolerance", "10", "--out", str(out)]
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
