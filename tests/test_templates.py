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
        ('range = [12, 60]', 'range = [60, 12]', "checks[2].range", "low < high"),
        ('range = [12, 60]', 'range = "12-60"', "checks[2].range", "[low, high]"),
        ('range = [12, 60]', 'range = [12, 200]', "checks[2].range", "-90 <= low < high <= 90"),
        ('view = "side"', 'view = "top"', "view", "one of ['side', 'front', 'any']"),
        ('measure = "joint"', 'measure = "angle"', "checks[0].measure", "one of"),
        ('hold_s = 30', 'hold_s = "thirty"', "target.hold_s", "a number from 1 to 600"),
        ('hold_s = 30', 'hold_s = -5', "target.hold_s", "a number from 1 to 600"),
        ('points = ["hip", "knee", "ankle"]', 'points = ["hip", "knee"]', "checks[0].points",
         "exactly 3 landmark names"),
        ('points = ["hip", "knee", "ankle"]', 'points = ["hip", "kneee", "ankle"]',
         "checks[0].points[1]", "a landmark name"),
        ('id = "sphinx"', 'id = "sfinx"', "id", "the file name 'sphinx'"),
        ('id = "legs_long"', 'id = "hips_down"', "checks", "unique check ids"),
        ('too_low = "Stretch your legs long on the floor"', 'too_low = ""',
         "checks[0].too_low", "a non-empty string"),
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
    write(tmp_path, GOOD.replace('id = "sphinx"', 'id = "broken"').replace("[12, 60]", "[1]"),
          name="broken")
    write(tmp_path, (DEFAULT_DIR / "cat_cow.toml").read_text(), name="cat_cow")
    lib = load_library(tmp_path)
    assert list(lib.templates) == ["sphinx"]
    assert len(lib.errors) == 2
    assert any("broken.toml: checks[2].range" in e for e in lib.errors)
    assert any("cat_cow.toml: flow.phases" in e and "'cat'" in e for e in lib.errors)
    with pytest.raises(TemplateError, match="no pose template 'cow'; known: sphinx"):
        lib["cow"]
