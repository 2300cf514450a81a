"""Keep MediaPipe's, TensorFlow Lite's, OpenCV's and FFmpeg's log lines off the console.

They are written by C++ threads straight to file descriptor 2, so Python's logging settings
cannot reach them, and with absl's logging they ignore ``GLOG_minloglevel``. While a command
runs, descriptor 2 is a pipe read by a thread that drops those lines and passes every other
line on; Python's own messages go to the real stderr directly. The command line keeps the
filter up to its exit (MediaPipe's threads log a while after a graph is built; ``--verbose``
skips all this), and so does the Streamlit server, whose log is the page's console.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator

# Lines by the native libraries: absl/glog (W0000 00:00:17.. 123 file.cc:45] ...),
# TensorFlow Lite's delegate notice, OpenCV ([ WARN:0@0.1] ...), FFmpeg ([mov,mp4 @ 0x..]).
# A line may start after a progress bar's text (both share the descriptor), so the match is
# found anywhere and cut from there to the end of the line.
NATIVE_LOG = re.compile(
    rb"(?:[IWE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\]"
    rb"|INFO: Created TensorFlow Lite"
    rb"|WARNING: All log messages before absl::InitializeLog"
    rb"|WARNING: Logging before InitGoogle\(\)"
    rb"|\[ ?(?:WARN|INFO|DEBUG|ERROR):\d+@"
    rb"|\[[\w ,.-]+ @ 0x[0-9a-f]+\]).*"
)
_PIPE_BYTES = 1 << 20  # room for any burst of log lines while the main thread is busy


def without_native_logs(line: bytes) -> bytes | None:
    """``line`` (with its newline) less any native log message in it; None when nothing
    else was on the line. A fatal F line is kept: it explains a crash."""
    kept = NATIVE_LOG.sub(b"", line.rstrip(b"\n"))
    if kept == line.rstrip(b"\n"):
        return line
    return kept or None


def _forward(read_fd: int, out_fd: int) -> None:
    """Copy what arrives on the pipe to ``out_fd``, line by line, less native log lines."""
    buffered = b""
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            buffered += chunk
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                kept = without_native_logs(line + b"\n")
                if kept is not None:
                    os.write(out_fd, kept)
    if buffered and (kept := without_native_logs(buffered)) is not None:
        os.write(out_fd, kept)


def _on_descriptor_2(stream: object) -> bool:
    try:
        return stream.fileno() == 2  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # pytest's capture, a StringIO
        return False


def hide_native_logs(until_exit: bool = False) -> Callable[[], None]:
    """Start filtering what native code writes to descriptor 2; returns the function that
    stops it (after passing on everything already written). ``until_exit``: the function
    runs as the process exits, when MediaPipe's threads may still be logging their start or
    shutdown; from then on descriptor 2 leads nowhere, while Python's own ``sys.stderr``
    keeps writing to the real stderr."""
    sys.stderr.flush()
    real = os.dup(2)
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(ImportError, OSError, AttributeError):  # Linux only; the
        import fcntl  # default size also works

        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    thread = threading.Thread(target=_forward, args=(read_fd, real), daemon=True)
    thread.start()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    python_stderr = sys.stderr
    if _on_descriptor_2(python_stderr):  # Python's own lines (a progress bar) go round the
        sys.stderr = os.fdopen(  # pipe, or they would split a native line in two
            os.dup(real),
            "w",
            buffering=1,
            encoding=python_stderr.encoding,
            errors=python_stderr.errors,
        )

    def restore() -> None:
        gc.collect()  # a pose graph left for the garbage collector logs as it shuts down
        if until_exit:
            sys.stderr.flush()
            nowhere = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nowhere, 2)  # the pipe's last writer is gone: the thread sees the end
            os.close(nowhere)
        else:
            if sys.stderr is not python_stderr:
                sys.stderr.close()
                sys.stderr = python_stderr
            os.dup2(real, 2)
        thread.join(timeout=5.0)
        if not until_exit:
            os.close(real)

    return restore


_process_filter: Callable[[], None] | None = None


def hide_native_logs_for_process() -> None:
    """Filter descriptor 2 from now until the process exits, once however often it is called
    (Streamlit runs the page script again on every interaction)."""
    global _process_filter
    if _process_filter is None:
        _process_filter = hide_native_logs(until_exit=True)
        atexit.register(_process_filter)


@contextlib.contextmanager
def native_logs_hidden() -> Iterator[None]:
    """Filter what native code writes to descriptor 2 for the duration of the block."""
    restore = hide_native_logs()
    try:
        yield
    finally:
        restore()
