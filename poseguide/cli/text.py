"""Text from outside (file names, messages quoting them) made safe to print on a terminal."""

from __future__ import annotations

import unicodedata


def shown(text: object) -> str:
    """``text`` safe for a terminal: bytes that are not UTF-8 as \\xff, control characters
    (escape codes, newlines) escaped, so a hostile file name cannot rewrite the screen."""
    clean = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch)[0] == "C" else ch for ch in clean)
