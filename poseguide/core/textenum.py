"""The base of every state enum: a ``str`` that prints as its value.

States are stored (history), sent as JSON and shown in text, so they must read ``"idle"``, not
``"Phase.IDLE"``; ``enum.StrEnum`` does this from Python 3.11, and 3.10 is supported.
"""

from __future__ import annotations

from enum import Enum


class TextEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)
