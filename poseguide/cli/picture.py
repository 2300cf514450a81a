"""``poseguide picture ID --out FILE``: the pose's figure as a PNG or SVG.

The figure is posed from the middle of every check's range and measured back with the checker
(see ``core.stick_figure``), so the picture shows a pose the camera would accept.
"""

from __future__ import annotations

import argparse
import sys

from poseguide.cli.output_files import checked_output, replacing
from poseguide.cli.text import shown
from poseguide.core.templates import TemplateError, load_library

# Pixels per figure: below this a figure is a smudge; above, a flow's phases side by side
# already take 100 MB to draw (a 100000 px side asked for 28 GiB).
SIDE_RANGE = (64, 4096)


def cmd_picture(args: argparse.Namespace) -> int:
    from poseguide.vision.figure_drawing import FORMATS, write_picture

    out = checked_output(args.out, FORMATS)
    library = load_library(args.poses_dir)
    template = library[args.id]
    with replacing(out) as tmp:
        try:
            write_picture(template, library, tmp, args.width, args.height)
        except ValueError as exc:
            raise TemplateError(str(exc)) from None
    print(f"wrote {shown(out)}", file=sys.stderr)
    return 0


def _side(text: str) -> int:
    low, high = SIDE_RANGE
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of pixels from {low} to {high}, got {text!r}"
        ) from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of pixels from {low} to {high}, got {value}"
        )
    return value


def add_picture_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("picture", help="draw a pose's target as a PNG or SVG stick figure")
    p.add_argument("id", help="template id (a flow draws its phases side by side)")
    p.add_argument("--out", required=True, help="file to write, .png or .svg")
    low, high = SIDE_RANGE
    p.add_argument(
        "--width", type=_side, default=480, help=f"pixels per figure, {low}-{high} (default 480)"
    )
    p.add_argument("--height", type=_side, default=360, help=f"pixels, {low}-{high} (default 360)")
    p.set_defaults(func=cmd_picture)
