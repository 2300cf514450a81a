"""A webcam the browser refused, said in the app's words: what happened, how to allow the
camera, and the way without one (a recorded video). The camera widget shows only the
browser's exception and never tells the server, so a script in the page (assets/
camera_denied.js) marks the page while the widget shows it, and CSS swaps the panel's
"Press START" for these words."""

from __future__ import annotations

import html
from importlib import resources

from poseguide.ui.controls import js_literal

WATCH_JS = (resources.files("poseguide.ui") / "assets" / "camera_denied.js").read_text(
    encoding="utf-8"
)

DENIED_WORDS = (
    "The browser did not let this page use your webcam, so the exercise cannot start.",
    "To allow it: click the camera or padlock icon at the left of the address bar, set "
    "Camera to Allow, then press START again (some browsers need the page reloaded first).",
    "No webcam, or you would rather not use it? Analyse a recorded video of yourself "
    "instead: open “No webcam? Analyse a recorded video” at the bottom of this page.",
)

CSS = """<style>
.pg-camera-denied-note {display: none;}
body.pg-camera-denied .pg-camera-denied-note {display: block;}
body.pg-camera-denied .pg-press-start {display: none;}
</style>"""


def watch_html() -> str:
    """A frame whose script adds WATCH_JS to the page once."""
    return (
        "<script>(() => { const w = window.parent; if (w.__poseguideCameraWatch) return; "
        "w.__poseguideCameraWatch = true; const s = w.document.createElement('script'); "
        f"s.textContent = {js_literal(WATCH_JS)}; w.document.head.appendChild(s); }})();</script>"
    )


def idle_html(press_start: str) -> str:
    """The panel before the start: ``press_start``, or, once the browser refused the
    webcam, the app's words about it (the page's script chooses which one shows)."""
    words = "".join(f"<p>{html.escape(line)}</p>" for line in DENIED_WORDS)
    return (
        f'<div class="pg-press-start pg-box pg-info">{html.escape(press_start)}</div>'
        f'<div class="pg-camera-denied-note pg-box pg-warn-box" role="alert">{words}</div>'
    )
