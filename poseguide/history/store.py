"""Practice history: a small SQLite store of sessions, sets, holds and repetitions.

The store is written while the user exercises, so every finished hold or repetition is
committed on its own: a crash (or a killed browser tab) loses at most the hold in progress.
A database this code does not understand (newer schema, corrupt, not SQLite) is never
touched; callers get a `HistoryError` and keep their data in memory instead. The file and its
transactions are `database.HistoryFile`; writing is `writes`, reading `reads`.
"""

from __future__ import annotations

from poseguide.history.database import BUSY_TIMEOUT_S, default_db_path
from poseguide.history.reads import HistoryReads
from poseguide.history.records import HistoryError
from poseguide.history.writes import HistoryWrites

__all__ = ["BUSY_TIMEOUT_S", "History", "HistoryError", "default_db_path"]


class History(HistoryWrites, HistoryReads):
    """The history database; thread-safe, one connection guarded by a lock."""

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
