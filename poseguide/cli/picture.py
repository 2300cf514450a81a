"""``poseguide picture ID --out FILE``: the pose's figure as a PNG or SVG.

The figure is posed from the middle of every check's range and measured back with the checker
(see ``core.stick_figure``), so the picture shows a pose the camera would accept.
"""

from __future__ import annotations

import argparse
import sys

from poseguide.core.templates import TemplateError, load_library


def cmd_picture(args: argparse.Namespace) -> int:
    from poseguide.vision.figure_drawing import write_picture

    library = load_library(args.poses_dir)
    template = library[args.id]
    try:
        path = write_picture(template, library, args.out, args.width, args.height)
    except ValueError as exc:
        raise TemplateError(str(exc)) from None
    except OSError as exc:
        raise TemplateError(f"{args.out}: cannot write the picture ({exc.strerror})") from None
    print(f"wrote {path}", file=sys.stderr)
    return 0


def add_picture_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("picture", help="draw a pose's target as a PNG or SVG stick figure")
    p.add_argument("id", help="template id (a flow draws its phases side by side)")
    p.add_argument("--out", required=True, help="file to write, .png or .svg")
    p.add_argument("--width", type=int, default=480, help="pixels per figure (default 480)")
    p.add_argument("--height", type=int, default=360, help="pixels (default 360)")
    p.set_defaults(func=cmd_picture)
