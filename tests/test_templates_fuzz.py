"""Property tests: any malformed template gives a TemplateError naming the file and a field,
never another exception; loading a folder never stops at a broken file."""

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from poseguide.core.templates import (
    CHECK_KEYS,
    DEFAULT_DIR,
    FLOW_KEYS,
    TARGET_KEYS,
    TEMPLATE_KEYS,
    TemplateError,
    load_library,
    parse_template,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BASE = tomllib.loads((DEFAULT_DIR / "sphinx.toml").read_text())
PATH = Path("/templates/sphinx.toml")
# Every field the loader knows (a field added there is fuzzed here too).
FIELDS = sorted(TEMPLATE_KEYS)
CHECK_FIELDS = sorted(CHECK_KEYS)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.one_of(st.integers(-500, 500), st.text(max_size=8)), max_size=5),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
)


def _copy():
    import copy

    return copy.deepcopy(BASE)


def _expect_clean_error(data):
    try:
        parse_template(data, PATH)
    except TemplateError as exc:
        message = str(exc)
        assert message.startswith(f"{PATH}: ")
        assert ": expected " in message
        return
    # a change can leave the template valid (e.g. another string name): that is fine too


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(field=st.sampled_from(FIELDS), value=junk)
def test_top_level_field_replaced_by_junk(field, value):
    data = _copy()
    if value is None:
        data.pop(field, None)
    else:
        data[field] = value
    _expect_clean_error(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(index=st.integers(0, 4), field=st.sampled_from(CHECK_FIELDS), value=junk)
def test_check_field_replaced_by_junk(index, field, value):
    data = _copy()
    check = data["checks"][index]
    if value is None:
        check.pop(field, None)
    else:
        check[field] = value
    _expect_clean_error(data)


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from(
        ["hold_s", "hold_max_s", "reps", "reps_max", "per_side", "sets_per_side"]
    ),
    value=junk,
)
def test_target_field_replaced_by_junk(field, value):
    data = _copy()
    data["target"][field] = value
    _expect_clean_error(data)


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(text=st.text(max_size=200))
def test_arbitrary_text_in_a_folder_never_breaks_loading(tmp_path, text):
    (tmp_path / "sphinx.toml").write_text((DEFAULT_DIR / "sphinx.toml").read_text())
    (tmp_path / "junk.toml").write_text(text)
    library = load_library(tmp_path)
    assert "sphinx" in library.templates
    assert all(e.startswith(str(tmp_path / "junk.toml")) for e in library.errors)


@pytest.mark.parametrize("low,high", [(10, 10), (50, 20), (-100, 0), (0, 200)])
def test_impossible_ranges(low, high):
    data = _copy()
    data["checks"][0]["range"] = [low, high]
    with pytest.raises(TemplateError, match=r"checks\[0\]\.range: expected \[low, high\]"):
        parse_template(data, PATH)


def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "1" + "]" * depth
    return "{ a = " * depth + "1" + " }" * depth


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    depth=st.integers(1, 1200),
    kind=st.sampled_from(["array", "table"]),
    field=st.sampled_from(["required", "name", "x", "cautions"]),
)
def test_nesting_of_any_depth_is_a_clean_error(tmp_path, depth, kind, field):
    text = (DEFAULT_DIR / "sphinx.toml").read_text()
    text = text.replace('view = "side"', f'view = "side"\n{field}_nested = {_nested(depth, kind)}')
    (tmp_path / "sphinx.toml").write_text(text)
    library = load_library(tmp_path)
    (error,) = library.errors
    assert error.startswith(f"{tmp_path / 'sphinx.toml'}: ") and len(error) < 400


CONTROL = st.characters(categories=["Cc", "Cf"]).filter(lambda ch: ch != "\n")


@settings(max_examples=150, deadline=None)
@given(
    field=st.sampled_from(["name", "how_to", "id"]),
    text=st.builds(lambda a, c, b: a + c + b, st.text(max_size=5), CONTROL, st.text(max_size=5)),
)
def test_control_characters_never_reach_a_template(field, text):
    data = _copy()
    data[field] = "Sphinx" + text
    with pytest.raises(TemplateError, match=r": expected "):
        parse_template(data, PATH)


@settings(max_examples=150, deadline=None)
@given(
    table=st.sampled_from(["checks", "target", "top"]),
    key=st.text(min_size=1, max_size=12).filter(
        lambda k: k not in CHECK_KEYS | TEMPLATE_KEYS | TARGET_KEYS | FLOW_KEYS
    ),
    value=junk.filter(lambda v: v is not None),
)
def test_unknown_keys_are_refused_everywhere(table, key, value):
    data = _copy()
    where = {"checks": data["checks"][1], "target": data["target"], "top": data}[table]
    where[key] = value
    with pytest.raises(TemplateError, match="expected one of the fields"):
        parse_template(data, PATH)


@settings(max_examples=150, deadline=None)
@given(
    field=st.sampled_from(
        ["weight", "range", "hold_s", "hold_max_s", "reps", "reps_max", "sets_per_side"]
    ),
    value=st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 2.5]),
)
def test_non_finite_and_fractional_numbers_are_refused(field, value):
    assume(not (value == 2.5 and field in ("weight", "hold_s")))  # 2.5 is fine there
    data = _copy()
    if field in ("weight", "range"):
        data["checks"][0][field] = [10, value] if field == "range" else value
    else:
        data["target"][field] = value
    with pytest.raises(TemplateError, match=r": expected "):
        parse_template(data, PATH)
