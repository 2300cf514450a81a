"""The fixes ``ui/compat.py`` applies to the web server Streamlit runs on."""

import asyncio

import pytest
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from poseguide.ui import compat


def _socket_gone_during_a_send() -> WebSocket:
    async def receive() -> dict:
        raise AssertionError("a socket known to be gone must not be read")

    async def send(message: dict) -> None:
        raise OSError("the tab went away")

    ws = WebSocket({"type": "websocket", "path": "/_stcore/stream", "headers": []}, receive, send)
    ws.client_state = ws.application_state = WebSocketState.CONNECTED
    with pytest.raises(WebSocketDisconnect):  # Starlette marks the socket gone here
        asyncio.run(ws.send_bytes(b"forward message"))
    assert ws.application_state == WebSocketState.DISCONNECTED
    return ws


def test_a_receive_after_the_tab_went_away_is_a_disconnect_not_a_runtime_error():
    """Streamlit's endpoint ends the session on WebSocketDisconnect; on the RuntimeError
    Starlette raised instead it closed the closed socket and logged a traceback."""
    assert compat.quiet_closed_tabs() and compat.quiet_closed_tabs()  # once, then a no-op
    ws = _socket_gone_during_a_send()
    with pytest.raises(WebSocketDisconnect) as gone:
        asyncio.run(ws.receive_bytes())
    assert gone.value.code == 1006 and not isinstance(gone.value, RuntimeError)
