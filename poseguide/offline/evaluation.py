"""Accuracy of the templates on a folder of labelled photos (``poseguide eval``).

The folder has one sub-folder per label: a template id, or ``negative`` for photos that no
template should accept. Each photo is assigned to the ``dev`` or ``test`` part by a hash of
its file name, so template ranges can be tuned on ``dev`` and reported on unseen ``test``
photos; the split is stable across machines and runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from poseguide.core.checker import Verdict, check, visibility_problem, working_side
from poseguide.core.landmarks import PoseFrame
from poseguide.core.templates import Library
from poseguide.vision.media import PHOTO_SUFFIXES, MediaError, letterbox, load_photo

NEGATIVE = "negative"
PARTS = ("dev", "test")


def part_of(filename: str) -> str:
    """'test' for about a third of the files (held out while tuning), else 'dev'."""
    return "test" if hashlib.md5(filename.encode()).digest()[0] % 3 == 0 else "dev"


@dataclass(frozen=True)
class PhotoResult:
    label: str
    path: Path
    part: str
    found: bool  # MediaPipe found a person
    seen: bool  # ... and the joints the label's template needs were visible
    accepted: tuple[str, ...]
    why: str = ""  # the label's own verdict in words, for the photos it did not accept

    @property
    def right(self) -> bool:
        """Accepted by its own template (a negative: by none)."""
        return not self.accepted if self.label == NEGATIVE else self.label in self.accepted

    @property
    def wrong(self) -> bool:
        """Accepted by a template of another pose."""
        return any(a != self.label for a in self.accepted)

    @property
    def missed(self) -> bool:
        return not self.right or self.wrong


@dataclass
class LabelStats:
    photos: int = 0
    found: int = 0
    seen: int = 0
    right: int = 0
    wrong: int = 0
    confusion: dict[str, int] = field(default_factory=dict)

    def as_fractions(self) -> dict[str, float | int]:
        n = max(self.photos, 1)
        return {"photos": self.photos, "found": self.found / n, "seen": self.seen / n,
                "right": self.right / n, "wrong": self.wrong / n}


def labelled_photos(root: Path) -> list[tuple[str, Path]]:
    """(label, path) for every photo in the label folders, sorted for a stable order."""
    if not root.is_dir():
        raise MediaError(f"{root}: no such folder" if not root.exists()
                         else f"{root}: not a folder; give the folder of label folders")
    try:
        return [
            (folder.name, path)
            for folder in sorted(p for p in root.iterdir() if p.is_dir())
            for path in sorted(folder.iterdir())
            if path.suffix.lower() in PHOTO_SUFFIXES
        ]
    except PermissionError as exc:
        raise MediaError(f"{exc.filename}: permission denied, cannot list the folder") from None


def judge_photo(label: str, path: Path, frame: PoseFrame | None, library: Library) -> PhotoResult:
    """Which templates accept this photo, and whether its label's needs were visible."""
    accepted = tuple(t.id for t in library.poses() if check(frame, t).in_range)
    why = ""
    if frame is None:
        seen = False
        why = "no person found"
    elif label in library.templates:
        t = library[label]
        seen = visibility_problem(frame, t, working_side(frame, t)) is None
        if label not in accepted:
            why = explain(check(frame, t))
    else:
        seen = True
    return PhotoResult(label, path, part_of(path.name), frame is not None, seen, accepted, why)


def explain(verdict: Verdict) -> str:
    """A refusal in one line: the status, each failing measure against its range, the cue."""
    failing = [f"{r.check.id}={r.value:.3g} (range {r.check.low:g}..{r.check.high:g})"
               for r in verdict.results if not r.ok]
    words = " ".join([verdict.status.replace("_", " ") + ":", *failing]) if failing \
        else verdict.status.replace("_", " ") + ":"
    return f'{words} "{verdict.correction}"' if verdict.correction else words


def misses(results: Iterable[PhotoResult], library: Library, part: str | None = None
           ) -> list[dict]:
    """The photos scored as misses, each with what was accepted and why its own template
    refused it: what someone tuning a template needs to look at next."""
    return [
        {"photo": f"{r.label}/{r.path.name}", "part": r.part, "accepted": list(r.accepted),
         "why": r.why}
        for r in _scored(results, library, part)
        if r.missed
    ]


def _scored(results: Iterable[PhotoResult], library: Library, part: str | None
            ) -> Iterable[PhotoResult]:
    """The results of ``part`` (all when None) whose label can be scored: a template id or
    negative (not, say, ambiguous stills with nothing to score them against)."""
    return (r for r in results
            if (part is None or r.part == part)
            and (r.label == NEGATIVE or r.label in library.templates))


def tally(results: Iterable[PhotoResult], library: Library, part: str | None = None) -> dict:
    """The ``eval --json`` object for one part (or all photos when ``part`` is None)."""
    stats: dict[str, LabelStats] = {}
    for r in _scored(results, library, part):
        s = stats.setdefault(r.label, LabelStats())
        s.photos += 1
        s.found += r.found
        s.seen += r.seen
        s.right += r.right
        s.wrong += r.wrong
        for a in r.accepted or ("(none)",):
            s.confusion[a] = s.confusion.get(a, 0) + 1
    return {
        "labels": {k: v.as_fractions() for k, v in sorted(stats.items())},
        "confusion": {k: dict(sorted(v.confusion.items())) for k, v in sorted(stats.items())},
    }


def evaluate(
    root: Path,
    library: Library,
    detect: Callable[[Path], PoseFrame | None],
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    on_unreadable: Callable[[Path, str], None] | None = None,
) -> list[PhotoResult]:
    """Run ``detect`` on every labelled photo and judge it against every template. A file
    that cannot be read goes to ``on_unreadable`` with why, and the run carries on; without
    it, the first such file stops the run."""
    results = []
    for label, path in progress(labelled_photos(root)):
        try:
            frame = detect(path)
        except MediaError as exc:
            if on_unreadable is None:
                raise
            on_unreadable(path, str(exc))
            continue
        results.append(judge_photo(label, path, frame, library))
    return results


def photo_detector(segmentation: bool = True) -> Callable[[Path], PoseFrame | None]:
    """A detect function for photos: static mode, one model reused across photos."""
    from poseguide.vision.detector import PoseDetector

    detector = PoseDetector("photo", segmentation=segmentation)

    def detect(path: Path) -> PoseFrame | None:
        return detector.detect_photo(load_photo(path))

    return detect


WEBCAM = (640, 480)
FRAME_S = 1 / 30


def video_detector(segmentation: bool = True) -> Callable[[Path], PoseFrame | None]:
    """A detect function that shows each photo to the live path (video mode, tracking) as a
    webcam would at the start of a session: letterboxed to 640x480 and held for 6 frames
    (0.2 s at 30 fps); the last frame is judged."""
    from poseguide.vision.detector import PoseDetector

    detector = PoseDetector("video", segmentation=segmentation)

    def detect(path: Path) -> PoseFrame | None:
        rgb = letterbox(load_photo(path), WEBCAM)
        detector.restart()
        return [detector.detect_rgb(rgb, i * FRAME_S) for i in range(6)][-1]

    return detect
