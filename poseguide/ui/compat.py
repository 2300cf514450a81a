"""Fixes for the web server Streamlit runs on, applied when the app starts.

Streamlit 1.60's gzip middleware, on Starlette 1.x, records the start of a response whose
type is never compressed (images, audio, video) but never sends it, so every such response
outside ``/static/`` fails with a traceback and status 500: the page icon ``/favicon.png``
on every page load, and pictures served from ``/media/``. The fix sends that start.

And a tab closed while the server was sending to it: Starlette marks the socket gone and
raises ``WebSocketDisconnect`` from the send, but the next ``receive_bytes`` raises a
``RuntimeError`` instead, which Streamlit's endpoint takes for a text frame and answers by
closing the closed socket: a traceback in the server log (about one browser run in three
here). The fix makes a receive on a socket the server has seen go say so as Starlette's own
``WebSocketDisconnect``, which Streamlit's endpoint handles by ending the session quietly.
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


def quiet_closed_tabs() -> bool:
    """Patch ``WebSocket.receive_bytes`` once; False when Starlette is not there."""
    try:
        from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
    except ImportError:
        return False
    if getattr(WebSocket, "_poseguide_quiet_close", False):
        return True
    original = WebSocket.receive_bytes

    async def receive_bytes(self: Any) -> bytes:
        if self.application_state == WebSocketState.DISCONNECTED:
            raise WebSocketDisconnect(code=1006)  # the tab went away during a send
        return await original(self)

    setattr(WebSocket, "receive_bytes", receive_bytes)  # noqa: B010
    setattr(WebSocket, "_poseguide_quiet_close", True)  # noqa: B010
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
