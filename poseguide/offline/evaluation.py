"""Accuracy of the templates on a folder of labelled photos (``poseguide eval``).

The folder has one sub-folder per label: a template id, or ``negative`` for photos that no
template should accept. Each photo is assigned to the ``dev`` or ``test`` part by a hash of
its file name, so template ranges can be tuned on ``dev`` and reported on unseen ``test``
photos; the split is stable across machines and runs.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from poseguide.core.checker import Verdict, check, visibility_problem, working_side
from poseguide.core.landmarks import PoseFrame
from poseguide.core.templates import Library, Tier
from poseguide.offline.camera_changes import ALL_CHANGES, moved
from poseguide.vision.media import PHOTO_SUFFIXES, MediaError, letterbox, load_photo

T = TypeVar("T")

NEGATIVE = "negative"
PARTS = ("dev", "test")


def part_of(filename: str) -> str:
    """'test' for about a third of the files (held out while tuning), else 'dev'."""
    return (
        "test"
        if hashlib.md5(filename.encode("utf-8", "surrogateescape")).digest()[0] % 3 == 0
        else "dev"
    )


@dataclass(frozen=True)
class PhotoResult:
    label: str
    path: Path
    part: str
    found: bool  # MediaPipe found a person
    seen: bool  # ... and the joints the label's template needs were visible
    accepted: tuple[str, ...]
    why: str = ""  # the label's own verdict in words, for the photos it did not accept
    # the label's own template's gate measures on this photo (check id -> value), for
    # ``eval --gates``: where each range's edges sit against real people
    gates: tuple[tuple[str, float], ...] = ()

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
        return {
            "photos": self.photos,
            "found": self.found / n,
            "seen": self.seen / n,
            "right": self.right / n,
            "wrong": self.wrong / n,
        }


def labelled_photos(root: Path) -> list[tuple[str, Path]]:
    """(label, path) for every photo in the label folders, sorted for a stable order."""
    if not root.is_dir():
        raise MediaError(
            f"{root}: no such folder"
            if not root.exists()
            else f"{root}: not a folder; give the folder of label folders"
        )
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
    gates: tuple[tuple[str, float], ...] = ()
    if frame is None:
        seen = False
        why = "no person found"
    elif label in library.templates:
        t = library[label]
        seen = visibility_problem(frame, t, working_side(frame, t)) is None
        verdict = check(frame, t)
        gates = tuple(
            (r.check.id, r.value)
            for r in verdict.results
            if r.check.tier == Tier.GATE and math.isfinite(r.value)
        )
        if label not in accepted:
            why = explain(verdict)
    else:
        seen = True
    return PhotoResult(
        label, path, part_of(path.name), frame is not None, seen, accepted, why, gates
    )


def explain(verdict: Verdict) -> str:
    """A refusal in one line: the status, each failing measure against its range, the cue."""
    failing = [
        f"{r.check.id}={r.value:.3g} (range {r.check.low:g}..{r.check.high:g})"
        for r in verdict.results
        if not r.ok
    ]
    words = (
        " ".join([verdict.status.replace("_", " ") + ":", *failing])
        if failing
        else verdict.status.replace("_", " ") + ":"
    )
    return f'{words} "{verdict.correction}"' if verdict.correction else words


def misses(results: Iterable[PhotoResult], library: Library, part: str | None = None) -> list[dict]:
    """The photos scored as misses, each with what was accepted and why its own template
    refused it: what someone tuning a template needs to look at next."""
    return [
        {
            "photo": f"{r.label}/{r.path.name}",
            "part": r.part,
            "accepted": list(r.accepted),
            "why": r.why,
        }
        for r in _scored(results, library, part)
        if r.missed
    ]


def _scored(
    results: Iterable[PhotoResult], library: Library, part: str | None
) -> Iterable[PhotoResult]:
    """The results of ``part`` (all when None) whose label can be scored: a template id or
    negative (not, say, ambiguous stills with nothing to score them against)."""
    return (
        r
        for r in results
        if (part is None or r.part == part)
        and (r.label == NEGATIVE or r.label in library.templates)
    )


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
    photos = progress(labelled_photos(root))
    return [
        judge_photo(label, path, frame, library)
        for label, path, frame in _readable(photos, detect, on_unreadable)
    ]


def _readable(
    photos: Iterable[tuple[str, Path]],
    read: Callable[[Path], T],
    on_unreadable: Callable[[Path, str], None] | None,
) -> Iterator[tuple[str, Path, T]]:
    """Each photo with what ``read`` made of it. A file that cannot be read goes to
    ``on_unreadable`` with why and is skipped; without it, the first such file stops the run."""
    for label, path in photos:
        try:
            value = read(path)
        except MediaError as exc:
            if on_unreadable is None:
                raise
            on_unreadable(path, str(exc))
            continue
        yield label, path, value


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


# --- Per source: the same tally split by where each photo came from ------------------------

MANIFEST = "manifest.csv"
UNKNOWN_SOURCE = "(not in manifest)"


def read_sources(root: Path) -> dict[str, str]:
    """``label/file`` -> source collection from the folder's manifest.csv (``file`` and
    ``source_repo`` columns); empty when there is no manifest."""
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except UnicodeDecodeError as exc:
        raise MediaError(
            f"{path}: not UTF-8 text (byte {exc.start} is {exc.object[exc.start]:#04x}); "
            "save the manifest as UTF-8"
        ) from None
    except csv.Error as exc:
        raise MediaError(f"{path}: not a CSV file this program can read ({exc})") from None
    missing = {"file", "source_repo"} - set(rows[0] if rows else {})
    if missing:
        raise MediaError(
            f"{path}: expected the columns file and source_repo, missing {sorted(missing)}"
        )
    return {r["file"]: r["source_repo"] for r in rows}


def tally_by_source(
    results: Iterable[PhotoResult],
    library: Library,
    sources: dict[str, str],
    part: str | None = None,
) -> dict[str, dict[str, dict[str, float | int]]]:
    """label -> source -> the label's figures on that source's photos, so a template that
    only works on one collection shows up."""
    groups: dict[str, dict[str, list[PhotoResult]]] = {}
    for r in _scored(results, library, part):
        source = sources.get(f"{r.label}/{r.path.name}", UNKNOWN_SOURCE)
        groups.setdefault(r.label, {}).setdefault(source, []).append(r)
    return {
        label: {src: tally(rs, library)["labels"][label] for src, rs in sorted(by.items())}
        for label, by in sorted(groups.items())
    }


def tally_held_out(
    results: Iterable[PhotoResult],
    library: Library,
    sources: dict[str, str],
    test_source: str,
) -> dict[str, dict[str, dict[str, float | int]]]:
    """label -> {"tuned": figures on the other collections' photos, "held_out": figures on
    ``test_source``'s}: a range set on one collection judged on another, the measure of
    whether a template fits new people rather than the photos it was tuned on."""
    known = set(sources.values())
    if not known:
        raise MediaError(f"{MANIFEST}: needed to tell the photos' sources apart, not found")
    if test_source not in known:
        raise MediaError(
            f"{MANIFEST}: no photo comes from the source {test_source!r}; it names "
            + ", ".join(sorted(known))
        )
    groups: dict[str, dict[str, list[PhotoResult]]] = {}
    for r in _scored(results, library, None):
        source = sources.get(f"{r.label}/{r.path.name}", UNKNOWN_SOURCE)
        side = "held_out" if source == test_source else "tuned"
        groups.setdefault(r.label, {}).setdefault(side, []).append(r)
    return {
        label: {side: tally(rs, library)["labels"][label] for side, rs in sorted(by.items())}
        for label, by in sorted(groups.items())
    }


# --- Robustness: every photo again under simulated camera changes ---------------------------


@dataclass
class ChangeResults:
    """Each photo judged as it is (key ``"as is"``) and under each camera change, two ways:
    ``detected``, the changed picture read again by the detector (what a user gets), and
    ``moved``, the reading of the original moved by the change (:func:`camera_changes.moved`):
    what the templates' own measures lose when the camera moves, with the detector's
    misreadings of the changed picture taken out."""

    detected: dict[str, list[PhotoResult]]
    moved: dict[str, list[PhotoResult]]


def evaluate_changes(
    root: Path,
    library: Library,
    changes: Iterable[str] = tuple(ALL_CHANGES),
    keep: Callable[[str, Path], bool] = lambda label, path: True,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    on_unreadable: Callable[[Path, str], None] | None = None,
) -> ChangeResults:
    """Each photo (those ``keep`` selects) judged as it is and under each named camera
    change, in photo mode with one detector reused throughout. Unreadable files are handled
    as by :func:`evaluate`."""
    from poseguide.vision.detector import PoseDetector

    names = ["as is", *changes]
    unknown = [n for n in names[1:] if n not in ALL_CHANGES]
    if unknown:
        raise ValueError(f"unknown camera changes {unknown}; known: {list(ALL_CHANGES)}")
    photos = [(label, path) for label, path in labelled_photos(root) if keep(label, path)]
    out = ChangeResults({n: [] for n in names}, {n: [] for n in names})
    detector = PoseDetector("photo", segmentation=True)
    for label, path, rgb in _readable(progress(photos), load_photo, on_unreadable):
        original = detector.detect_photo(rgb)
        first = judge_photo(label, path, original, library)
        out.detected["as is"].append(first)
        out.moved["as is"].append(first)
        for name in names[1:]:
            change = ALL_CHANGES[name]
            out.detected[name].append(
                judge_photo(label, path, detector.detect_photo(change(rgb)), library)
            )
            shifted = None if original is None else moved(original, change)
            out.moved[name].append(judge_photo(label, path, shifted, library))
    return out


def robustness(
    by_change: dict[str, list[PhotoResult]], library: Library
) -> dict[str, dict[str, dict[str, float]]]:
    """label -> change -> right and wrong under the change, and their change in points
    (percentage points) against the photos as they are."""
    base = tally(by_change["as is"], library)["labels"]
    report: dict[str, dict[str, dict[str, float]]] = {}
    for name, results in by_change.items():
        for label, s in tally(results, library)["labels"].items():
            report.setdefault(label, {})[name] = {
                "right": float(s["right"]),
                "wrong": float(s["wrong"]),
                "right_change": 100 * (float(s["right"]) - float(base[label]["right"])),
                "wrong_change": 100 * (float(s["wrong"]) - float(base[label]["wrong"])),
            }
    return report
