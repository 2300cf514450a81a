"""A fix for the web server Streamlit runs on, applied when the app starts.

Streamlit 1.60's gzip middleware, on Starlette 1.x, records the start of a response whose
type is never compressed (images, audio, video) but never sends it, so every such response
outside ``/static/`` fails with a traceback and status 500: the page icon ``/favicon.png``
on every page load, and pictures served from ``/media/``. The fix sends that start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


def send_uncompressed_starts() -> bool:
    """Patch the two responders once; False when this Streamlit has no such middleware."""
    try:
        from streamlit.web.server.starlette import starlette_gzip_middleware as gz
    except ImportError:
        return False
    for cls in (gz._MediaAwareGZipResponder, gz._MediaAwareIdentityResponder):
        if getattr(cls, "_poseguide_sends_start", False):
            continue
        setattr(cls, "send_with_compression", _sending_start(cls.send_with_compression))  # noqa: B010
        setattr(cls, "_poseguide_sends_start", True)  # noqa: B010
    return True


def _sending_start(
    original: Callable[[Any, dict], Awaitable[None]],
) -> Callable[[Any, dict], Awaitable[None]]:
    async def send_with_compression(self: Any, message: dict) -> None:
        await original(self, message)
        passed_through = self.content_type_is_excluded or self.content_encoding_set
        if message["type"] == "http.response.start" and passed_through:
            await self.send(message)  # the body follows unchanged; its start must go first

    return send_with_compression
