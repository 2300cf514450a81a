"""TOML parsing on every supported Python: ``tomllib`` from 3.11, its backport ``tomli`` on 3.10."""

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - exercised by the Python 3.10 run
    from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
