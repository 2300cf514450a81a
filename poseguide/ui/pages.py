"""poseguide in the browser: ``poseguide app``, or ``streamlit run app.py`` in the repository.

Three pages: the exercise page (webcam or a recorded video), the pose library and the
practice history. Templates are read again whenever a file changed, so an edited pose file
shows at the next run.
"""

from __future__ import annotations

import streamlit as st

from poseguide.core.templates import Library, TemplateError
from poseguide.ui import compat
from poseguide.ui import exercise as page_exercise
from poseguide.ui import history as page_history
from poseguide.ui import library as page_library
from poseguide.ui.library_cache import current_library
from poseguide.vision.native_logs import hide_native_logs_for_process


def _library() -> Library | None:
    try:
        return current_library()
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
    page_history.render(library=_library())


def main() -> None:
    hide_native_logs_for_process()  # MediaPipe's and TFLite's lines stay out of the server log
    compat.send_uncompressed_starts()
    compat.quiet_closed_tabs()
    st.set_page_config(page_title="poseguide", page_icon="🧘", layout="wide")
    pages = [
        st.Page(exercise, title="Stretch", url_path="stretch", default=True),
        st.Page(poses, title="Pose library", url_path="poses"),
        st.Page(history, title="History", url_path="history"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":  # Streamlit runs the page script as __main__
    main()
