"""Drawing a pose's figure (see ``core.stick_figure``) as a PNG or an SVG.

Both formats are drawn from one list of shapes so they show the same thing: the floor (and a
bed when a leg hangs off one), the far limbs pale behind the body, the back as a thick curve,
the near limbs dark in front and the head. Pictures are cached in memory per template.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from poseguide.core.stick_figure import (
    BODY_RADIUS,
    FIGURE_VERSION,
    HEAD_RADIUS,
    LIMB_RADIUS,
    Figure,
    solve,
)
from poseguide.core.templates import Library, Template

BACKGROUND = (255, 255, 255)
FLOOR = (170, 170, 170)
NEAR = (40, 90, 150)  # RGB
FAR = (160, 190, 215)
BODY = (30, 70, 120)
FORMATS = (".png", ".svg")


@dataclass(frozen=True)
class Shape:
    """A stroke through ``points`` (pixels) of ``width`` pixels, or a disc when one point."""

    points: tuple[tuple[float, float], ...]
    width: float
    colour: tuple[int, int, int]


def shapes(figure: Figure, width: int, height: int) -> list[Shape]:
    """The figure as strokes and discs in drawing order (back to front)."""
    unit, _ = figure.fit(width, height)

    def px(q) -> tuple[tuple[float, float], ...]:
        arr = figure.to_pixels(np.asarray(q, dtype=float), width, height).reshape(-1, 2)
        return tuple((float(x), float(y)) for x, y in arr)

    out = [
        Shape(px([[x0, y], [x1, y]]), max(2.0, 0.03 * unit), FLOOR)
        for y, x0, x1 in figure.surfaces()
    ]
    limb = 2 * LIMB_RADIUS * unit
    # From the front neither side is behind the other: both are drawn in the near colour.
    far_colour = NEAR if figure.view == "front" else FAR
    for layer, colour in (("far", far_colour), ("near", NEAR)):
        for a, b, side in figure.segments():
            if side == layer:
                out.append(Shape(px([figure.points[a], figure.points[b]]), limb, colour))
        if layer == "far":
            out.append(Shape(px(figure.spine), 1.4 * BODY_RADIUS * unit, BODY))
    ear = figure.points[f"{figure.near}_ear"]
    out.append(Shape(px([ear]), 2 * HEAD_RADIUS * unit, BODY))
    if figure.view == "side":  # a nose shows which way the face points
        out.append(Shape(px([ear, figure.points["nose"]]), 0.6 * limb, BODY))
    return out


def render_rgb(figures: Figure | list[Figure], width: int = 480, height: int = 360) -> np.ndarray:
    """The figure (or figures side by side, e.g. a flow's phases) as an RGB image."""
    figures = [figures] if isinstance(figures, Figure) else figures
    panels = []
    for figure in figures:
        image = np.full((height, width, 3), BACKGROUND, dtype=np.uint8)
        for s in shapes(figure, width, height):
            pts = np.rint(np.array(s.points) * 16).astype(np.int32)  # 4 bits of sub-pixel
            if len(pts) == 1:
                cv2.circle(
                    image,
                    tuple(pts[0]),
                    round(s.width / 2 * 16),
                    s.colour,
                    -1,
                    cv2.LINE_AA,
                    shift=4,
                )
            else:
                cv2.polylines(
                    image, [pts], False, s.colour, max(1, round(s.width)), cv2.LINE_AA, shift=4
                )
        panels.append(image)
    return np.hstack(panels)


def render_svg(figures: Figure | list[Figure], width: int = 480, height: int = 360) -> str:
    """The figure(s) as SVG text (round caps and joins, so strokes look like the PNG)."""
    figures = [figures] if isinstance(figures, Figure) else figures
    body = []
    for i, figure in enumerate(figures):
        body.append(f'<g transform="translate({i * width},0)">')
        for s in shapes(figure, width, height):
            colour = "#{:02x}{:02x}{:02x}".format(*s.colour)
            if len(s.points) == 1:
                ((x, y),) = s.points
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s.width / 2:.1f}" fill="{colour}"/>'
                )
            else:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.points)
                body.append(
                    f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                    f'stroke-width="{s.width:.1f}" stroke-linecap="round" '
                    f'stroke-linejoin="round"/>'
                )
        body.append("</g>")
    total = width * len(figures)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height}" '
        f'viewBox="0 0 {total} {height}">\n<rect width="100%" height="100%" '
        f'fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def drawn(template: Template, library: Library) -> tuple[Template, ...]:
    """The poses to draw for a template: itself, or for a flow its phases."""
    if template.is_flow:
        return tuple(library[p] for p in template.phases)
    return (template,)


@lru_cache(maxsize=64)
def picture_png(
    poses: tuple[Template, ...], width: int = 480, height: int = 360, cache_dir: Path | None = None
) -> bytes:
    """PNG bytes of the poses' figures side by side, cached in memory and, given
    ``cache_dir``, on disk under a hash of the templates (a solve takes up to a second)."""
    cached = None
    if cache_dir is not None:
        key = hashlib.sha256(repr((FIGURE_VERSION, poses, width, height)).encode()).hexdigest()
        cached = Path(cache_dir) / f"{key[:24]}.png"
        if cached.is_file():
            return cached.read_bytes()
    rgb = render_rgb([solve(t) for t in poses], width, height)
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 image
        raise RuntimeError("could not encode the picture as PNG")
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_bytes(data.tobytes())
            tmp.replace(cached)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return data.tobytes()


def write_picture(
    template: Template, library: Library, path: str | Path, width: int = 480, height: int = 360
) -> Path:
    """Write the template's picture to ``path``: PNG or SVG by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: expected a file name ending in .png or .svg, got {suffix or 'no suffix'!r}"
        )
    poses = drawn(template, library)
    data = (
        picture_png(poses, width, height)
        if suffix == ".png"
        else render_svg([solve(t) for t in poses], width, height).encode()
    )
    path.write_bytes(data)
    return path
