"""Text from outside (file names, messages quoting them) made safe to print on a terminal."""

from __future__ import annotations

import argparse
import unicodedata


def shown(text: object) -> str:
    """``text`` safe for a terminal: bytes that are not UTF-8 as \\xff, control characters
    (escape codes, newlines) escaped, so a hostile file name cannot rewrite the screen."""
    clean = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch)[0] == "C" else ch for ch in clean)


def given(text: str) -> str:
    """An argparse type for a name or path: an empty one is refused, where it would
    otherwise fall back to a default (or to the current folder) without a word."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a name, got an empty one")
    return text
