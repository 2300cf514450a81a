"""``eval --gates``: each gate's range against its own photos' spread, without the real photos."""

from pathlib import Path

import pytest
from posefixtures import make_frame

from poseguide.core.templates import Tier, load_library
from poseguide.offline.evaluation import PhotoResult, judge_photo
from poseguide.offline.gate_spread import HELD_OUT, TUNED, as_json, gate_spreads, markdown

LIB = load_library()
SOURCES = {"sphinx/a.png": "one/repo", "sphinx/b.png": "one/repo", "sphinx/c.png": "two/repo"}


def photo(name: str, chest: float, seen: bool = True, label: str = "sphinx") -> PhotoResult:
    return PhotoResult(
        label, Path(label) / name, "dev", True, seen, (), gates=(("chest_lift", chest),)
    )


def test_each_gate_is_split_by_collection_with_its_percentiles_and_photos_outside():
    results = [photo("a.png", 20.0), photo("b.png", 40.0), photo("c.png", 5.0)]
    (chest,) = [s for s in gate_spreads(results, LIB, SOURCES, "two/repo") if s.groups]
    assert chest.check_id == "chest_lift" and (chest.low, chest.high) == (12, 90)
    tuned, held = chest.groups[TUNED], chest.groups[HELD_OUT]
    assert tuned.values == (20.0, 40.0) and tuned.outside == 0
    assert tuned.p5 == pytest.approx(21.0) and tuned.p95 == pytest.approx(39.0)
    assert held.values == (5.0,) and held.outside == 1


def test_every_gate_of_a_pose_with_photos_is_listed_even_without_values():
    spreads = gate_spreads([photo("a.png", 20.0)], LIB, SOURCES)
    gates = [c.id for c in LIB["sphinx"].checks if c.tier == Tier.GATE]
    assert [s.check_id for s in spreads] == gates
    assert all(not s.groups for s in spreads if s.check_id != "chest_lift")


def test_unseen_photos_negatives_and_unknown_labels_add_no_values():
    results = [
        photo("a.png", 20.0, seen=False),
        photo("n.png", 20.0, label="negative"),
        photo("x.png", 20.0, label="no_such_pose"),
    ]
    assert gate_spreads(results, LIB, SOURCES) == []


def test_without_a_test_source_every_photo_counts_as_tuned():
    (chest,) = [s for s in gate_spreads([photo("c.png", 30.0)], LIB, SOURCES) if s.groups]
    assert set(chest.groups) == {TUNED}


def test_markdown_and_json_carry_the_range_percentiles_and_why():
    spreads = gate_spreads([photo("a.png", 20.0), photo("c.png", 5.0)], LIB, SOURCES, "two/repo")
    text = markdown(spreads, LIB)
    row = next(line for line in text.splitlines() if line.startswith("| chest lifted"))
    assert "| 12 to 90 | 20 to 20 (0 of 1 out) | 5 to 5 (1 of 1 out) |" in row
    assert "forearms" in row  # the template's why, on one line
    assert "| legs long | joint | 140 to 180 | – | – |" in text
    (chest,) = [j for j in as_json(spreads) if j["gate"] == "chest_lift"]
    assert chest[HELD_OUT] == {"photos": 1, "p5": 5.0, "p95": 5.0, "outside": 1}


def test_judge_photo_keeps_the_gate_values_of_the_labels_own_template():
    frame = make_frame("sphinx")
    result = judge_photo("sphinx", Path("sphinx/a.png"), frame, LIB)
    gates = {c.id for c in LIB["sphinx"].checks if c.tier == Tier.GATE}
    assert {gate for gate, _ in result.gates} == gates
    assert judge_photo("negative", Path("negative/a.png"), frame, LIB).gates == ()


def test_the_accuracy_table_has_a_row_per_label_with_both_collections():
    from poseguide.offline.accuracy_table import markdown as accuracy_markdown

    figures = {"photos": 4, "found": 1.0, "seen": 0.75, "right": 0.5, "wrong": 0.25}
    held_out = {
        "sphinx": {"tuned": figures, "held_out": figures | {"photos": 2}},
        "tabletop": {"tuned": figures},
        "negative": {"tuned": figures | {"right": 1.0, "wrong": 0.0}},
    }
    lines = accuracy_markdown(held_out, LIB).splitlines()
    assert lines[2] == "| sphinx | 4 | 100% | 75% | 50% | 25% | 2 | 75% | 50% | 25% |"
    assert lines[3].startswith("| tabletop (all fours) | 4 |") and lines[3].endswith("| – | | | |")
    assert lines[4] == (
        "| negative (other poses) | 4 | 100% | 75% | 100% (none accepted) | 0% | – | | | |"
    )


def test_a_gate_with_alternatives_names_them():
    """Photos out of an either-group gate's range are in range when an alternative is, so the
    table says which gates stand in for each other."""
    twist = PhotoResult(
        "seated_twist", Path("seated_twist/a.png"), "dev", True, True, (), gates=(("twist", 20.0),)
    )
    text = markdown(gate_spreads([twist], LIB, {}), LIB)
    assert "| one knee raised (or: chest turned clearly) | elevation |" in text
    assert "| chest turned clearly (or: one knee raised) | rotation3d |" in text
    assert "| chest turned against the hips | rotation3d |" in text
