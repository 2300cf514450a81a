"""Safety rules: the warning signs to rule out before stretching, the disclaimer, and when to
advise stopping.

A camera cannot see pain, so these rules are what keeps someone with a serious back problem
from exercising on it: the warning signs are confirmed once before any exercise is offered,
and repeated sharp-pain stops lead to advice to stop and see a professional. The one piece of
state, the first-start confirmation, is a small JSON file under ``POSEGUIDE_HOME`` (tests point
it at a temporary folder); it records a fingerprint of the texts, so changing the list asks
again.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from poseguide.paths import home_dir

WARNING_SIGNS: tuple[str, ...] = (
    "Severe back pain that does not get better with rest",
    "Pain that spreads down one or both legs, especially below the knee",
    "Numbness, tingling or weakness in one or both legs",
    "Loss of bladder or bowel control, or numbness around the genitals or buttocks",
    "Back pain that started after a fall, an accident or another injury",
    "Unexplained weight loss",
    "Back pain that is worse at night, or comes with a fever",
    "Back pain that has lasted more than a few weeks without getting better",
)

URGENT = (
    "Loss of bladder or bowel control, or numbness around the genitals or buttocks, needs "
    "urgent medical help: call your emergency number or go to an emergency department."
)

DISCLAIMER = (
    "poseguide is a practice aid, not medical advice. It cannot diagnose or treat back pain, "
    "and its camera checks can be wrong. Stretch gently, within a comfortable range, and stop "
    "at once if anything causes sharp pain, numbness or tingling. If you are unsure whether "
    "these exercises suit you, ask a doctor or physiotherapist first."
)

SHARP_PAIN_ADVICE = (
    "Stop for today. If the sharp pain comes back, see a doctor or physiotherapist before "
    "you continue these exercises."
)

REPEATED_PAIN_ADVICE = (
    "You stopped with sharp pain {count} times in the last {days} days. Please rest today and see "
    "a doctor or physiotherapist before you continue these exercises."
)

WARN_AFTER_STOPS = 2
WARN_WINDOW = timedelta(days=7)
CONFIRMATION_FILE = "safety.json"


def should_warn(sharp_pain_stops_in_last_7_days: int) -> bool:
    """Two or more sharp-pain stops within a week: advise stopping at the next start."""
    return sharp_pain_stops_in_last_7_days >= WARN_AFTER_STOPS


def repeated_pain_advice(count: int) -> str:
    return REPEATED_PAIN_ADVICE.format(count=count, days=WARN_WINDOW.days)


def warn_since(now: datetime) -> datetime:
    """The start of the window in which sharp-pain stops are counted."""
    return now - WARN_WINDOW


def fingerprint() -> str:
    """Changes whenever the warning signs or the disclaimer change, so users confirm again."""
    text = "\n".join((*WARNING_SIGNS, URGENT, DISCLAIMER))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def is_confirmed(home: Path | None = None) -> bool:
    """Whether the user confirmed that none of the current warning signs applies."""
    path = (home or home_dir()) / CONFIRMATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # missing or unreadable: ask (again) rather than assume
    return isinstance(data, dict) and data.get("fingerprint") == fingerprint()


def confirm(at: datetime, home: Path | None = None) -> Path:
    """Remember the confirmation (atomically: a half-written file must not count)."""
    folder = home or home_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIRMATION_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"confirmed_at": at.isoformat(), "fingerprint": fingerprint()}),
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path
