"""Where poseguide keeps per-user files, worked out here only: the history database, the
first-start confirmation and the cache of pose pictures all live in :func:`home_dir`."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """``$XDG_DATA_HOME/poseguide``, else ``~/.local/share/poseguide``. The XDG spec says
    a relative XDG_DATA_HOME must be ignored."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "poseguide"


def home_dir() -> Path:
    """The folder of every per-user file: ``$POSEGUIDE_HOME``, else :func:`data_dir`."""
    override = os.environ.get("POSEGUIDE_HOME")
    if override:
        return Path(override).expanduser()
    return data_dir()


def history_path() -> Path:
    """The history database: ``$POSEGUIDE_DB``, else ``history.sqlite3`` in :func:`home_dir`."""
    override = os.environ.get("POSEGUIDE_DB")
    if override:
        return Path(override).expanduser()
    return home_dir() / "history.sqlite3"


def figure_cache_dir() -> Path:
    """Where drawn pose pictures are cached (drawing takes 0.1-0.9 s a pose)."""
    return home_dir() / "figures"
