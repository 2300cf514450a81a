"""The hand-over between the video thread and the page: a lock-guarded snapshot and a
bounded queue of sound and voice events (streamlit-webrtc's callback may not call ``st.*``)."""

from __future__ import annotations

import secrets
import threading
from collections import deque
from dataclasses import dataclass, replace

from poseguide.live.routine import Phase

MAX_EVENTS = 16  # sound/voice events kept for the page; older ones are dropped

# Sound and voice event kinds for the page.
TONE_START = "tone_start"
TONE_TARGET = "tone_target"
TONE_BREATH_IN = "tone_breath_in"  # the breathing pace of a flow: soft rising / falling tones
TONE_BREATH_OUT = "tone_breath_out"
SAY = "say"  # an announcement: always spoken, queued after what is being said
SAY_CUE = "cue"  # a correction: dropped if something is being said already

TARGET_WORDS = "Target reached, release slowly"


@dataclass(frozen=True)
class SoundEvent:
    """A tone or words for the page to play once; ``seq`` grows, so replays are detectable."""

    seq: int
    kind: str
    text: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the page shows beside the video, as of the last processed frame."""

    phase: Phase = Phase.IDLE
    paused: bool = False
    pose: str = ""
    side: str | None = None
    position: str = ""
    target: str = ""
    flow: bool = False
    held: float = 0.0
    current_hold: float = 0.0
    reps: int = 0
    target_reps: int = 1
    holding: bool = False
    target_met: bool = False
    status: str = ""
    correction: str | None = None
    setup_message: str | None = None
    rest_left: float = 0.0
    upcoming: str = ""
    breath: str = ""  # a flow's breathing pace: "in 0.25" (half, fraction done) or ""
    frames: int = 0  # frames the pose model looked at, and their rate
    fps: float = 0.0
    first_frame_s: float | None = None
    latency_ms_p95: float = 0.0  # from a frame reaching the callback to its annotated return
    last_frame_at: float | None = None  # monotonic time of the last frame received
    error: str | None = None

    @property
    def timer(self) -> str:
        """'running' while a hold is timed, 'paused' once a hold has stopped, else 'waiting'."""
        if self.holding:
            return "running"
        return "paused" if self.held > 0 else "waiting"


class LiveState:
    """The hand-over between the video thread and the page: a snapshot and pending events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        self._events: deque[SoundEvent] = deque(maxlen=MAX_EVENTS)
        self._seq = 0
        self.token = secrets.token_hex(4)  # tells this session's events from an older one's

    def read(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def update(self, **fields: object) -> None:
        with self._lock:
            self._snapshot = replace(self._snapshot, **fields)

    def push(self, kind: str, text: str = "") -> None:
        with self._lock:
            self._seq += 1
            self._events.append(SoundEvent(self._seq, kind, text))

    def drain(self) -> list[SoundEvent]:
        """Events not handed out yet, oldest first; each is handed out once."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
            return events
