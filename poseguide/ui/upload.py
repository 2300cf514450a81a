"""Analysing an uploaded video instead of the webcam: the same checker and timer, with a
progress bar, stored in History like a live set."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from poseguide.core.range_of_motion import MotionRecorder
from poseguide.core.templates import Library
from poseguide.history import History
from poseguide.live import recorder as lv_recorder
from poseguide.live.recorder import FinishedSet, HistoryRecorder
from poseguide.offline.analysis import analyze_video
from poseguide.ui.set_summary import summary_view
from poseguide.vision.media import VIDEO_SUFFIXES, MediaError


def upload_section(library: Library, history: History | None, template_id: str | None) -> None:
    with st.expander("No webcam? Analyse a recorded video"):
        st.markdown(
            "Film yourself doing one exercise (side-on, whole body in view), then "
            "upload the video. It is analysed on this computer and deleted right "
            "after; the result is kept in your history."
        )
        ids = sorted(library.templates, key=lambda tid: library[tid].name)
        if not ids:
            return
        tid = st.selectbox(
            "Exercise in the video",
            ids,
            index=ids.index(template_id) if template_id in ids else 0,
            format_func=lambda i: library[i].name,
            key="upload_pose",
        )
        upload = st.file_uploader(
            "Video file", key="upload_file", type=sorted(s.lstrip(".") for s in VIDEO_SUFFIXES)
        )
        if upload is not None and st.button("Analyse the video", key="analyse"):
            st.session_state["upload_result"] = analyse(upload, tid, library, history)
        result = st.session_state.get("upload_result")
        if result is not None:
            summary_view([result], analysed=True)


def analyse(
    upload: UploadedFile, template_id: str, library: Library, history: History | None
) -> FinishedSet | None:
    """Analyse the upload from a temporary file that is deleted right after."""
    planned = lv_recorder.analysed_set(template_id, library)
    fd, name = tempfile.mkstemp(prefix="poseguide-", suffix=Path(upload.name).suffix.lower())
    bar = st.progress(0.0, text="Analysing the video...")
    warnings: list[str] = []
    motion = MotionRecorder(planned.template, library)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(upload.getbuffer())
        summary = analyze_video(
            name,
            planned.template,
            library,
            progress=_progress(bar),
            warn=warnings.append,
            motion=motion,
        )
    except (MediaError, OSError) as exc:  # a photo, a broken file, a full temporary disk
        bar.empty()
        why = str(exc) if isinstance(exc, MediaError) else exc.strerror or str(exc)
        st.error(f"This video cannot be analysed: {why.replace(name, upload.name)}")
        return None
    finally:
        Path(name).unlink(missing_ok=True)
    bar.progress(1.0, text="Done")
    for warning in warnings:
        st.warning(warning.replace(name, upload.name))
    recorder = HistoryRecorder(history)
    result = lv_recorder.record_analysed(
        recorder, planned, summary, datetime.now(timezone.utc), motion
    )
    if recorder.error:
        st.error(f"The result could not be saved: {recorder.error}")
    return result


def _progress(bar: DeltaGenerator) -> Callable[[Iterable, int], Iterator]:
    """Wraps analyze_video's frames to move the bar, at most once per percent."""

    def wrap(frames: Iterable, total: int) -> Iterator:
        shown = -1
        for i, item in enumerate(frames, 1):
            percent = min(99, i * 100 // total) if total else 0
            if percent != shown:
                shown = percent
                bar.progress(percent / 100, text=f"Analysing the video... {percent} %")
            yield item

    return wrap
