"""The pose templates for a page run: read again only when a template file changed.

Every run of the exercise page read and checked every template file, which was over half of
a run's CPU (profiled under load: 7.0 of 11.6 s over 21 runs). A run shares the server's
Python lock with the video thread, so on a busy laptop the frames during a run (after a set
change, Repeat or Resume) took two to three times longer. A file's name, size and time of
change tell whether it changed, so an edited pose file still shows at the next run.
"""

from __future__ import annotations

import threading
from pathlib import Path

from poseguide.core.templates import DEFAULT_DIR, Library, load_library

Stamp = tuple[tuple[str, int, int], ...]  # (file name, mtime in ns, size) of each template

_lock = threading.Lock()  # page runs of several browser tabs run on their own threads
_read: dict[Path, tuple[Stamp, Library]] = {}


def _stamp(folder: Path) -> Stamp:
    out = []
    for path in sorted(folder.glob("*.toml")):
        try:
            stat = path.stat()
        except OSError:  # gone meanwhile: the next read says so
            out.append((path.name, -1, -1))
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def current_library(folder: Path = DEFAULT_DIR) -> Library:
    """``load_library(folder)``, kept while no template file in it changed."""
    if not folder.is_dir():
        return load_library(folder)  # its error names the folder
    stamp = _stamp(folder)
    with _lock:
        known = _read.get(folder)
    if known is not None and known[0] == stamp:
        return known[1]
    library = load_library(folder)
    with _lock:
        _read[folder] = (stamp, library)
    return library
