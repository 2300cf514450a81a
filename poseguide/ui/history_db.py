"""The history database as the pages share it: opened once per server and path (``History``
is thread-safe), so a rerun does not reopen it or check it again."""

from __future__ import annotations

import streamlit as st

from poseguide.history import History, default_db_path


@st.cache_resource(show_spinner=False)
def _open(path: str) -> History:
    return History(path)


def open_history(path: str | None = None) -> History:
    """The shared connection to ``path`` (default: ``$POSEGUIDE_DB`` or the data folder).

    A database that cannot be opened raises ``HistoryError`` each time, never a cached one."""
    return _open(str(path or default_db_path()))
