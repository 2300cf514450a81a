"""Hands-free pause: both hands held above the head while standing, for 2 seconds.

The user is on the mat, out of reach of the keyboard. The gesture was chosen so that no
stretch in the library can make it: every stretch is done lying, kneeling, on all fours or
sitting, or (standing back extension, side stretch) with at most one hand above the head.
The gesture asks for all of these at once, each with a margin:

* standing: the back upright and both legs straight below the hips, feet in view;
* both elbows above the shoulders and both wrists well above the nose;
* held for ``HOLD_S`` seconds without a break: frames showing the hands down for longer than
  ``GAP_S``, or no frame at all for longer than ``FRAME_GAP_S`` (judged in seconds, so a slow
  camera at 3 frames/s, its frames 0.33 s apart, holds the gesture as a fast one does).

After it fires, it re-arms only once the hands have been down for ``REARM_S``, so keeping the
arms up does not toggle pause and resume. Pure: frames and their times in, a bool out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from poseguide.core import angles
from poseguide.core.landmarks import INDEX, PoseFrame
from poseguide.core.templates import parse_template

HOLD_S = 2.0
GAP_S = 0.3  # a missed detection or two does not restart the hold
FRAME_GAP_S = 1.0  # frames further apart than the timer's grace end the hold (core.timer)
REARM_S = 0.5
GESTURE_VISIBILITY = 0.5
UPRIGHT_MIN = 70.0  # degrees of the hip->shoulder line above the horizontal
LEG_VERTICAL_MIN = 60.0  # thigh and shin point down at least this steeply
KNEE_STRAIGHT_MIN = 150.0
WRIST_ABOVE_NOSE = 0.25  # torso lengths
ELBOW_ABOVE_SHOULDER = 0.1

_NEEDED = tuple(
    f"{s}_{p}" for s in ("left", "right")
    for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
) + ("nose",)  # fmt: skip
_NEEDED_IDX = np.array([INDEX[n] for n in _NEEDED])


def hands_up(frame: PoseFrame | None) -> bool:
    """Whether this one frame shows the gesture: standing, both hands high above the head."""
    if frame is None or frame.people > 1:
        return False
    img = frame.image[_NEEDED_IDX]
    if (frame.visibility[_NEEDED_IDX] < GESTURE_VISIBILITY).any() or (
        (img < -0.01) | (img > 1.01)
    ).any():
        return False
    torso = angles.torso_length(frame)
    if torso <= 1e-6:
        return False
    if angles.elevation(frame.point("mid_hip"), frame.point("mid_shoulder")) < UPRIGHT_MIN:
        return False
    nose_y = frame.point("nose")[1]
    for side in ("left", "right"):
        hip, knee, ankle = (frame.point(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        shoulder, elbow, wrist = (
            frame.point(f"{side}_{p}") for p in ("shoulder", "elbow", "wrist")
        )
        if -angles.elevation(hip, knee) < LEG_VERTICAL_MIN:
            return False
        if -angles.elevation(knee, ankle) < LEG_VERTICAL_MIN:
            return False
        if angles.joint_angle(hip, knee, ankle) < KNEE_STRAIGHT_MIN:
            return False
        if shoulder[1] - elbow[1] < ELBOW_ABOVE_SHOULDER * torso:  # y points down
            return False
        if nose_y - wrist[1] < WRIST_ABOVE_NOSE * torso:
            return False
    return True


@dataclass
class HandsUpGesture:
    """Turns per-frame ``hands_up`` into one event per deliberate 2-second hold."""

    hold_s: float = HOLD_S
    since: float | None = None  # when the current hold began
    last_up: float | None = None  # time of the last frame that showed the gesture
    armed: bool = True
    down_since: float | None = None

    def update(self, frame: PoseFrame | None, t: float) -> bool:
        """Feed one frame at time ``t`` (seconds); True exactly when the gesture completes."""
        if hands_up(frame):
            self.down_since = None
            if self.since is None or self.last_up is None or t - self.last_up > FRAME_GAP_S:
                self.since = t
            self.last_up = t
            if self.armed and t - self.since >= self.hold_s:
                self.armed = False
                return True
            return False
        if self.last_up is not None and t - self.last_up <= GAP_S:
            return False  # a short dropout keeps the hold going
        self.since = None
        if self.down_since is None:
            self.down_since = t
        if not self.armed and t - self.down_since >= REARM_S:
            self.armed = True
        return False


def _arm(side: str, lo: float) -> list[dict[str, object]]:
    return [
        {"id": f"{side}upper_arm_up", "name": "upper arm up", "measure": "elevation",
         "points": [f"{side}shoulder", f"{side}elbow"], "range": [lo, 90],
         "too_low": "Raise your arms", "too_high": "Raise your arms"},
        {"id": f"{side}forearm_up", "name": "forearm up", "measure": "elevation",
         "points": [f"{side}elbow", f"{side}wrist"], "range": [65, 90],
         "too_low": "Reach up", "too_high": "Reach up"},
    ]  # fmt: skip


# The gesture as a pose, so the page's help can show its picture (core.figure draws it from
# these ranges) and a test can check that the picture is itself recognised as the gesture.
GESTURE = parse_template(
    {
        "id": "hands_up",
        "name": "Hands up to pause",
        "view": "front",
        "posture": "standing",
        "how_to": "Stand up and hold both hands above your head for 2 seconds.",
        "required": ["shoulder", "elbow", "wrist", "hip", "knee", "ankle"],
        "target": {"hold_s": HOLD_S},
        "checks": [
            {"id": "standing_tall", "name": "standing tall", "measure": "elevation",
             "points": ["mid_hip", "mid_shoulder"], "range": [80, 90],
             "too_low": "Stand up", "too_high": "Stand up"},
            *_arm("", 60),
            *_arm("far_", 60),
        ],
    },
    Path("hands_up.toml"),
)  # fmt: skip
