"""poseguide in the browser: ``streamlit run app.py``.

Three pages: the exercise page (webcam or a recorded video), the pose library and the
practice history. Templates are read on every run, so an edited pose file shows at once.
"""

from __future__ import annotations

import streamlit as st

from poseguide import page_exercise, page_history, page_library
from poseguide.templates import Library, TemplateError, load_library


def _library() -> Library | None:
    try:
        return load_library()
    except TemplateError as exc:
        st.error(f"The pose templates cannot be read: {exc}")
        return None


def exercise() -> None:
    library = _library()
    if library is not None:
        page_exercise.render(library)


def poses() -> None:
    library = _library()
    if library is not None:
        page_library.render(library)


def history() -> None:
    page_history.render()


def main() -> None:
    st.set_page_config(page_title="poseguide", page_icon="🧘", layout="wide")
    pages = [
        st.Page(exercise, title="Stretch", url_path="stretch", default=True),
        st.Page(poses, title="Pose library", url_path="poses"),
        st.Page(history, title="History", url_path="history"),
    ]
    st.navigation(pages).run()


main()
