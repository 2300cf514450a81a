"""The hand-over between the video thread and the page: a lock-guarded snapshot and a
bounded queue of sound and voice events (streamlit-webrtc's callback may not call ``st.*``)."""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from poseguide.core.textenum import TextEnum
from poseguide.live.routine import Phase

# Sound/voice events kept until the page says it played them; a page that never answers (a
# closed tab) cannot make the queue grow without bound: beyond this the oldest go.
MAX_EVENTS = 256

# Sound and voice event kinds for the page.
TONE_START = "tone_start"
TONE_TARGET = "tone_target"
TONE_BREATH_IN = "tone_breath_in"  # the breathing pace of a flow: soft rising / falling tones
TONE_BREATH_OUT = "tone_breath_out"
SAY = "say"  # an announcement: always spoken, queued after what is being said
SAY_CUE = "cue"  # a passing word (breathing): left out if something is being said
SAY_CORRECTION = "correction"  # the cue on screen: queued like an announcement, so it is heard

TARGET_WORDS = "Target reached, release slowly"


@dataclass(frozen=True)
class SoundEvent:
    """A tone or words for the page to play once; ``seq`` is its id and grows, so the page
    can say up to where it played and a replay is detectable."""

    seq: int
    kind: str
    text: str = ""


@dataclass(frozen=True)
class Breath:
    """A flow's breathing pace on screen: which half, and how much of it is done (0..1)."""

    inhaling: bool
    done: float


class TimerShown(TextEnum):
    """What the page says of the timer: running while a hold is timed, paused once a hold
    has stopped or the user paused, else waiting for the pose."""

    RUNNING = "running"
    PAUSED = "paused"
    WAITING = "waiting"


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
    refinement: str | None = None  # a refine check's cue: shown while the hold keeps counting
    setup_message: str | None = None
    alert: str | None = None  # "too fast", "do not bounce": shown until ``alert_until``
    alert_until: float = 0.0  # frame time
    notice: str = ""  # how the last set ended ("Target reached: ..."), shown in the rest
    outcome: str = ""  # at the end: how many sets were done, skipped and stopped
    rest_left: float = 0.0
    upcoming: str = ""
    breath: Breath | None = None  # a flow's breathing pace, while it plays
    frames: int = 0  # frames the pose model looked at, and their rate
    fps: float = 0.0
    first_frame_s: float | None = None
    latency_ms_p95: float = 0.0  # from a frame reaching the callback to its annotated return
    last_frame_at: float | None = None  # monotonic time of the last frame received
    error: str | None = None

    @property
    def timer(self) -> TimerShown:
        if self.paused:
            return TimerShown.PAUSED
        if self.holding:
            return TimerShown.RUNNING
        return TimerShown.PAUSED if self.held > 0 else TimerShown.WAITING


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

    def update(self, change: Callable[[Snapshot], Snapshot]) -> None:
        """Replace the snapshot by ``change`` of it, under the lock (``dataclasses.replace``
        with named fields, which mypy checks against :class:`Snapshot`)."""
        with self._lock:
            self._snapshot = change(self._snapshot)

    def push(self, kind: str, text: str = "") -> None:
        with self._lock:
            self._seq += 1
            self._events.append(SoundEvent(self._seq, kind, text))

    def say(self, texts: Sequence[str]) -> None:
        """Announcements, in order (an empty one is left out)."""
        for text in texts:
            if text:
                self.push(SAY, text)

    @property
    def sent(self) -> int:
        """How many events this session has made (the id of the last one)."""
        with self._lock:
            return self._seq

    def pending(self) -> list[SoundEvent]:
        """Events the page has not acknowledged yet, oldest first. They stay until
        :meth:`ack`: a page rerun between handing them out and playing them loses none."""
        with self._lock:
            return list(self._events)

    def ack(self, token: str, seq: int) -> None:
        """The page played (or, muted, passed over) every event up to ``seq`` of this
        session (``token``); an answer meant for an older session is ignored."""
        with self._lock:
            if token != self.token:
                return
            while self._events and self._events[0].seq <= seq:
                self._events.popleft()
