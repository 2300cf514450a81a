"""Where poseguide keeps per-user files (the XDG data directory convention)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """``$XDG_DATA_HOME/poseguide``, else ``~/.local/share/poseguide``. The XDG spec says
    a relative XDG_DATA_HOME must be ignored."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "poseguide"
