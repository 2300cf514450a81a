"""The training rule: when recent holds earn a longer target."""

from __future__ import annotations

import math

from poseguide.history.records import TARGET_TOLERANCE_S

# Adaptive targets: this many consecutive recent sets with a hold past the target...
PROGRESS_AFTER_SETS = 3
# ...within this many days, lead to a target this much longer (rounded to PROGRESS_STEP_S).
PROGRESS_WINDOW_DAYS = 14
PROGRESS_FACTOR = 1.25
PROGRESS_STEP_S = 5


def longer_target(recent_best_s: list[float], pain: bool, current: float, cap: float) -> int | None:
    """A longer hold target once the last few sets all held past the current one.

    ``recent_best_s`` is the best hold of each recent set, newest first (sets without a hold
    left out); any sharp-pain stop in the window (``pain``) blocks progression. The suggestion
    is +25 % rounded to 5 s, at least 5 s more, and never beyond the guide's maximum. None
    means keep the current target.
    """
    if pain:
        return None
    recent = recent_best_s[:PROGRESS_AFTER_SETS]
    if len(recent) < PROGRESS_AFTER_SETS or min(recent) < current - TARGET_TOLERANCE_S:
        return None
    step = PROGRESS_STEP_S
    longer = max(math.floor(current * PROGRESS_FACTOR / step + 0.5) * step, current + step)
    suggestion = int(min(longer, cap))
    return suggestion if suggestion > current else None
