"""Safety rules: warning signs, disclaimer, the sharp-pain rule and the first-start confirmation."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from poseguide import paths
from poseguide.live import safety_rules


@pytest.mark.parametrize(("stops", "warn"), [(0, False), (1, False), (2, True), (5, True)])
def test_two_sharp_pain_stops_in_a_week_lead_to_advice(stops: int, warn: bool) -> None:
    assert safety_rules.should_warn(stops) is warn


def test_the_window_is_seven_days() -> None:
    now = datetime(2026, 3, 8, tzinfo=timezone.utc)
    assert safety_rules.warn_since(now) == datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "words",
    [
        "does not get better",
        "spreads down",
        "numbness, tingling or weakness",
        "bladder or bowel",
        "fall",
        "weight loss",
        "worse at night",
        "fever",
        "few weeks",
    ],
)
def test_every_warning_sign_of_the_guides_is_listed(words: str) -> None:
    assert any(words in sign.lower() for sign in safety_rules.WARNING_SIGNS)


def test_disclaimer_and_advice_say_what_to_do() -> None:
    assert "not medical advice" in safety_rules.DISCLAIMER
    assert "Stop for today" in safety_rules.SHARP_PAIN_ADVICE
    assert "physiotherapist" in safety_rules.SHARP_PAIN_ADVICE
    assert "2 times in the last 7 days" in safety_rules.repeated_pain_advice(2)
    assert "emergency" in safety_rules.URGENT


def test_confirmation_is_remembered(tmp_path: Path) -> None:
    assert not safety_rules.is_confirmed(tmp_path)
    path = safety_rules.confirm(datetime.now(timezone.utc), tmp_path)
    assert path.parent == tmp_path and safety_rules.is_confirmed(tmp_path)


def test_home_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSEGUIDE_HOME", str(tmp_path / "home"))
    assert paths.home_dir() == tmp_path / "home"
    safety_rules.confirm(datetime.now(timezone.utc))
    assert (
        safety_rules.is_confirmed()
        and (tmp_path / "home" / safety_rules.CONFIRMATION_FILE).is_file()
    )


@pytest.mark.parametrize("content", ["not json", "[]", json.dumps({"fingerprint": "old"})])
def test_a_broken_or_outdated_confirmation_asks_again(tmp_path: Path, content: str) -> None:
    (tmp_path / safety_rules.CONFIRMATION_FILE).write_text(content, encoding="utf-8")
    assert not safety_rules.is_confirmed(tmp_path)


def test_an_unreadable_history_is_said_not_swallowed(monkeypatch):
    """The repeated-pain advice needs the count: when the history cannot be read, the page
    says so instead of showing nothing."""
    from poseguide.history import HistoryError
    from poseguide.ui import safety_screen

    class Unreadable:
        def sharp_pain_stops(self, since):
            raise HistoryError("history database x.sqlite3: the file is corrupt")

    said: list[str] = []
    monkeypatch.setattr(safety_screen.st, "warning", said.append)
    monkeypatch.setattr(safety_screen.st, "error", said.append)
    safety_screen.repeated_pain_notice(Unreadable())
    assert len(said) == 1 and "could not be counted" in said[0] and "corrupt" in said[0]
