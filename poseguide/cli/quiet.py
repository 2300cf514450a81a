"""Keep MediaPipe's, TensorFlow Lite's, OpenCV's and FFmpeg's log lines off the console.

They are written by C++ threads straight to file descriptor 2, so Python's logging settings
cannot reach them, and with absl's logging they ignore ``GLOG_minloglevel``. While a command
runs, descriptor 2 is a pipe read by a thread that drops those lines and passes every other
line on (the program's own messages included). ``--verbose`` skips all this.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sys
import threading
from collections.abc import Iterator

# Lines by the native libraries: absl/glog (W0000 00:00:17.. 123 file.cc:45] ...),
# TensorFlow Lite's delegate notice, OpenCV ([ WARN:0@0.1] ...), FFmpeg ([mov,mp4 @ 0x..]).
NATIVE_LOG = re.compile(
    rb"^(?:[IWE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\]"
    rb"|INFO: Created TensorFlow Lite"
    rb"|WARNING: All log messages before absl::InitializeLog"
    rb"|\[ ?(?:WARN|INFO|DEBUG|ERROR):\d+@"
    rb"|\[[\w ,.-]+ @ 0x[0-9a-f]+\])"
)
_PIPE_BYTES = 1 << 20  # room for any burst of log lines while the main thread is busy


def _forward(read_fd: int, out_fd: int) -> None:
    """Copy lines from the pipe to ``out_fd``, except native log lines (a fatal F line is
    kept: it explains a crash)."""
    buffered = b""
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            buffered += chunk
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                if not NATIVE_LOG.match(line):
                    os.write(out_fd, line + b"\n")
    if buffered and not NATIVE_LOG.match(buffered):
        os.write(out_fd, buffered)


@contextlib.contextmanager
def native_logs_hidden() -> Iterator[None]:
    """Filter what native code writes to descriptor 2 for the duration of the block."""
    sys.stderr.flush()
    real = os.dup(2)
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # Linux only; the default also works
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    thread = threading.Thread(target=_forward, args=(read_fd, real), daemon=True)
    thread.start()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(real, 2)  # the pipe's last writer is gone: the thread sees the end and stops
        thread.join(timeout=5.0)
        os.close(real)
