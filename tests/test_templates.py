"""Templates load, and malformed ones fail naming file, field and expectation."""

from pathlib import Path

import pytest

from poseguide.core.templates import DEFAULT_DIR, TemplateError, load_library, load_template

GOOD = (DEFAULT_DIR / "sphinx.toml").read_text()


def write(tmp_path: Path, text: str, name: str = "sphinx") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def test_shipped_templates_all_load():
    lib = load_library()
    assert lib.errors == ()
    for tid in ("tabletop", "cat", "cow", "cat_cow", "childs_pose", "sphinx", "cobra"):
        assert tid in lib.templates
    sphinx = lib["sphinx"]
    assert sphinx.target.hold_s == 30 and sphinx.target.hold_max_s == 60
    assert sphinx.view == "side" and sphinx.key_check.id == "chest_lift"
    flow = lib["cat_cow"]
    assert flow.is_flow and flow.phases == ("cat", "cow") and flow.target.reps == 10


@pytest.mark.parametrize(
    "old,new,field,expected",
    [
        ("range = [12, 90]", "range = [90, 12]", "checks[2].range", "low < high"),
        ("range = [12, 90]", 'range = "12-90"', "checks[2].range", "[low, high]"),
        ("range = [12, 90]", "range = [12, 200]", "checks[2].range", "-90 <= low < high <= 90"),
        ("range = [12, 90]", "range = [12, 90]\ndraw = 95", "checks[2].draw", "from 12 to 90"),
        ('view = "side"', 'view = "top"', "view", "one of ['side', 'front', 'any']"),
        ('posture = "lying_forearms"', 'posture = "prone"', "posture", "one of ['standing',"),
        ('measure = "joint"', 'measure = "angle"', "checks[0].measure", "one of"),
        ("hold_s = 30", 'hold_s = "thirty"', "target.hold_s", "a number from 1 to 600"),
        ("hold_s = 30", "hold_s = -5", "target.hold_s", "a number from 1 to 600"),
        (
            'points = ["hip", "knee", "ankle"]',
            'points = ["hip", "knee"]',
            "checks[0].points",
            "exactly 3 landmark names",
        ),
        (
            'points = ["hip", "knee", "ankle"]',
            'points = ["hip", "kneee", "ankle"]',
            "checks[0].points[1]",
            "a landmark name",
        ),
        ('id = "sphinx"', 'id = "sfinx"', "id", "the file name 'sphinx'"),
        ('id = "legs_long"', 'id = "hips_down"', "checks", "unique check ids"),
        (
            'too_low = "Stretch your legs long on the floor"',
            'too_low = ""',
            "checks[0].too_low",
            "a non-empty string",
        ),
    ],
)
def test_malformed_template_names_file_field_and_expectation(tmp_path, old, new, field, expected):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(TemplateError) as err:
        load_template(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {field}: expected ")
    assert expected in message


def test_missing_field_says_got_nothing(tmp_path):
    path = write(tmp_path, GOOD.replace('name = "Sphinx"\n', ""))
    expected = r"sphinx.toml: name: expected a non-empty string, got nothing"
    with pytest.raises(TemplateError, match=expected):
        load_template(path)


def test_unknown_field_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace('view = "side"', 'view = "side"\ncolour = "red"'))
    with pytest.raises(TemplateError, match="colour: expected one of the fields"):
        load_template(path)


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(TemplateError, match="not valid TOML"):
        load_template(write(tmp_path, "id = [unclosed"))
    with pytest.raises(TemplateError, match="no such template file"):
        load_template(tmp_path / "nope.toml")


def test_library_keeps_good_templates_and_lists_broken(tmp_path):
    write(tmp_path, GOOD)
    write(
        tmp_path,
        GOOD.replace('id = "sphinx"', 'id = "broken"').replace("[12, 90]", "[1]"),
        name="broken",
    )
    write(tmp_path, (DEFAULT_DIR / "cat_cow.toml").read_text(), name="cat_cow")
    lib = load_library(tmp_path)
    assert list(lib.templates) == ["sphinx"]
    assert len(lib.errors) == 2
    assert any("broken.toml: checks[2].range" in e for e in lib.errors)
    assert any("cat_cow.toml: flow.phases" in e and "'cat'" in e for e in lib.errors)
    with pytest.raises(TemplateError, match="no pose template 'cow'; known: sphinx"):
        lib["cow"]


@pytest.mark.parametrize(
    "old,new,field,expected",
    [
        (
            "range = [12, 90]",
            "rnage = [12, 90]",
            "checks[2].rnage",
            "got unknown field 'rnage' (did you mean 'range'?)",
        ),
        (
            "hold_s = 30",
            "hold_s = 30\nhold_sec = 40",
            "target.hold_sec",
            "(did you mean 'hold_s'?)",
        ),
        ('tier = "gate"', 'tier = "maybe"', "checks[0].tier", "one of ['gate', 'refine']"),
        (
            'points = ["hip", "knee", "ankle"]',
            'points = ["hip", "hip", "hip"]',
            "checks[0].points",
            "points 1 and 2 of a joint to differ",
        ),
        (
            'points = ["hip", "knee"]',
            'points = ["knee", "knee"]',
            "checks[1].points",
            "points 1 and 2 of a elevation to differ",
        ),
        ("hold_s = 30", "hold_s = 30\nreps = 2.7", "target.reps", "a whole number from 1"),
        (
            'name = "Sphinx"',
            'name = "\\u001b[2JSphinx"',
            "name",
            "text without control characters, got '\\x1b[2JSphinx'",
        ),
        ('name = "Sphinx"', 'name = "Sphinx\\nhidden"', "name", "without control characters"),
        (
            'too_low = "Stretch your legs long on the floor"',
            'too_low = "Stretch\\u0007"',
            "checks[0].too_low",
            "without control characters",
        ),
        ("hold_s = 30", "hold_s = nan", "target.hold_s", "a number from 1 to 600, got nan"),
        ("hold_s = 30", "hold_s = inf", "target.hold_s", "a number from 1 to 600, got inf"),
        ("range = [12, 90]", "range = [12, nan]", "checks[2].range", "[low, high]"),
    ],
)
def test_typos_and_checks_that_could_never_pass_are_refused(tmp_path, old, new, field, expected):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(err.value).startswith(f"{path}: {field}: expected ")
    assert expected in str(err.value)


def test_a_ratio_whose_divisor_is_one_point_is_refused(tmp_path):
    text = (DEFAULT_DIR / "childs_pose.toml").read_text()
    ratio = next(
        line for line in text.splitlines() if line.startswith("points") and line.count(",") == 3
    )
    broken = text.replace(ratio, 'points = ["hip", "heel", "knee", "knee"]', 1)
    with pytest.raises(TemplateError, match=r"points 3 and 4 of a ratio to differ"):
        load_template(write(tmp_path, broken, name="childs_pose"))


def test_tier_is_accepted_and_whole_numbers_written_as_floats_too(tmp_path):
    # The shipped templates mark every check; without the mark a check is a gate.
    text = GOOD.replace('tier = "gate"', 'tier = "refine"', 1)
    text = text.replace("hold_s = 30", "hold_s = 30\nreps = 2.0\nreps_max = 3")
    t = load_template(write(tmp_path, text))
    assert t.target.reps == 2 and t.target.reps_max == 3
    unmarked = load_template(write(tmp_path, GOOD.replace('tier = "gate"\n', "", 1)))
    assert unmarked.checks[0].tier == "gate"


def test_a_long_how_to_may_keep_its_line_breaks(tmp_path):
    text = GOOD.replace('how_to = """Lie', 'how_to = """\nLie', 1)
    assert load_template(write(tmp_path, text.replace("legs long. ", "legs long.\n", 1)))


def test_deep_nesting_pipes_and_folders_are_listed_not_fatal(tmp_path):
    import os

    write(tmp_path, GOOD)
    write(tmp_path, "x = " + "[" * 600 + "]" * 600, name="deep")
    required = 'required = ["shoulder", "elbow", "wrist", "hip", "knee"]'
    assert required in GOOD
    write(
        tmp_path,
        GOOD.replace(required, "required = " + "[" * 60 + "1" + "]" * 60).replace(
            'id = "sphinx"', 'id = "nested"'
        ),
        name="nested",
    )
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "folder.toml").mkdir()
    lib = load_library(tmp_path)
    assert list(lib.templates) == ["sphinx"]
    why = dict(e.split(": ", 1) for e in lib.errors)
    assert why[str(tmp_path / "deep.toml")].startswith(
        "not valid TOML (arrays or tables nested too deeply)"
    )
    assert why[str(tmp_path / "pipe.toml")].startswith("not a regular file")
    assert why[str(tmp_path / "folder.toml")].startswith("not a regular file")
    nested = why[str(tmp_path / "nested.toml")]
    assert nested.startswith("required[0]: expected a landmark name")
    assert len(nested) < 150 and "\n" not in nested  # the value is shown short
