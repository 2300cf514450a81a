"""The live page's engine: webcam frames in, annotated frames and a shared state out.

No Streamlit here: streamlit-webrtc calls the video callback on its own worker thread, where
``st.*`` calls are not allowed, so everything the page shows goes through ``state.LiveState``.
Modules: ``routine`` (the pure runner), ``state`` (snapshot and sound queue), ``clock``
(stream time to wall time), ``recorder`` (writes the history as it happens), ``session``
(the callback's logic), ``safety_rules`` (warning signs and pain rules).
"""
