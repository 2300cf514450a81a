"""Every file the command line writes goes through here: checked before any work, written to a
temporary file beside its target, and moved into place only when complete.

So an interrupted or failed write (Ctrl-C, a full disk) never leaves a half-written file that
looks complete, and never replaces a good one; an output that would overwrite an input, block
for ever (a pipe) or be a file no one can use (the wrong suffix) is refused up front.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


class OutputError(Exception):
    """An output that cannot or must not be written; the message names the file and why."""


class OutputInterrupted(KeyboardInterrupt):
    """Ctrl-C while an output was being written; the message says what was kept."""


def checked_output(
    target: str | Path, suffixes: Iterable[str], inputs: Iterable[str | Path] = ()
) -> Path:
    """``target`` as the path to write, after refusing what must not be written: an empty
    name, a suffix not in ``suffixes``, one of ``inputs`` (the same file, by any name), a
    folder, a pipe or device, a missing or read-only folder. Links are followed, so the file
    they point to is the one replaced."""
    if str(target) == "":
        raise OutputError("--out: expected a file name, got an empty one")
    path = Path(target).expanduser()
    allowed = sorted(s.lower() for s in suffixes)
    if path.suffix.lower() not in allowed:
        got = repr(path.suffix) if path.suffix else "no suffix"
        raise OutputError(
            f"{path}: expected a file name ending in {' or '.join(allowed)}, got {got}"
        )
    real = Path(os.path.realpath(path))
    for source in inputs:
        if _same_file(real, Path(source)):
            raise OutputError(
                f"{path}: that is the input file {source}; writing there would destroy it, "
                "so choose another --out"
            )
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot use it as an output ({exc.strerror})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{path}: a folder; give a file name inside it")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(
                f"{path}: not a regular file (a pipe or device), which cannot be written as "
                "a file; choose another --out"
            )
    folder = real.parent
    if not folder.exists():
        raise OutputError(f"{folder}: no such folder; create it or choose another --out")
    if not folder.is_dir():
        raise OutputError(f"{folder}: not a folder; choose another --out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: permission denied, cannot write here; choose another --out")
    return real


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(os.path.realpath(a)) == Path(os.path.realpath(b))


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` (same suffix, so writers pick the same format) that
    is moved over ``target`` when the block completes; on any failure or Ctrl-C it is removed
    and ``target`` is left as it was."""
    fd, name = tempfile.mkstemp(prefix=".poseguide-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, _mode(target))  # mkstemp's 0600 would make every output private
    kept = f"{target} is left as it was" if target.exists() else f"nothing was written to {target}"
    try:
        yield tmp
        os.replace(tmp, target)
    except KeyboardInterrupt:
        tmp.unlink(missing_ok=True)
        raise OutputInterrupted(f"interrupted; {kept}") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        why = (
            "the disk is full; free some space"
            if exc.errno in (errno.ENOSPC, errno.EDQUOT)
            else exc.strerror or str(exc)
        )
        raise OutputError(f"{target}: cannot write it ({why}); {kept}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _mode(target: Path) -> int:
    """The permissions ``target`` has, or those a new file gets under the user's umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes(target: Path, data: bytes) -> None:
    """``data`` into ``target``, complete (flushed to disk) or not at all."""
    with replacing(target) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
