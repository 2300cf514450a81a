"""``poseguide app``: start the Streamlit page from the installed package.

The page's privacy settings (bind to 127.0.0.1, no usage statistics, headless) ship inside the
package as ``ui/streamlit.toml`` and are passed as Streamlit flags, so they hold from any
folder, not only inside the repository where ``.streamlit/config.toml`` is read.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

from poseguide.core import toml_text


def page_script() -> Path:
    return Path(str(resources.files("poseguide.ui") / "pages.py"))


def streamlit_flags() -> list[str]:
    """``--section.option=value`` for every setting in the shipped Streamlit config."""
    config = toml_text.loads((resources.files("poseguide.ui") / "streamlit.toml").read_text())
    flags = []
    for section, options in config.items():
        for name, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{name}={text}")
    return flags


def command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(page_script()),
        *streamlit_flags(),
        f"--server.port={port}",
    ]


def cmd_app(args: argparse.Namespace) -> int:
    argv = command(args.port)
    os.execv(argv[0], argv)  # replaces this process: Ctrl+C and exit status are Streamlit's


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def add_app_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="start the page in the browser (http://127.0.0.1:8501)")
    p.add_argument("--port", type=_port, default=8501, help="port on 127.0.0.1 (default 8501)")
    p.set_defaults(func=cmd_app)
