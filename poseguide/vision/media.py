"""Reading photos and videos from disk, with clear errors for files that cannot be used.

Photos are EXIF-rotated (phone pictures), converted from grey, RGBA, palette and 16-bit modes
to 8-bit RGB, and refused past a size limit. Videos are opened with OpenCV; frame times come
from the container's timestamps, so a variable-frame-rate clip still gives true times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40 MP photo is far beyond what the pose model needs
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mjpeg"}
MAX_SIDE = 1280  # frames are downscaled to this before the model; it resizes to 256 anyway


class MediaError(Exception):
    """A photo or video that cannot be used; the message names the file and the problem."""


def load_photo(path: str | Path) -> np.ndarray:
    """An upright 8-bit RGB array of the photo at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty")
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise MediaError(
                    f"{path}: {im.width}x{im.height} is too large (limit {MAX_PIXELS} pixels)"
                )
            upright = ImageOps.exif_transpose(im)
            rgb = _to_rgb8(upright)
    except UnidentifiedImageError:
        raise MediaError(f"{path}: not an image this program can read") from None
    except OSError as exc:  # truncated or corrupt data
        raise MediaError(f"{path}: cannot decode the image ({exc})") from None
    return fit(rgb)


def _to_rgb8(im: Image.Image) -> np.ndarray:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1.0
        grey = (arr / top * 255.0).astype(np.uint8)
        return np.stack([grey] * 3, axis=-1)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, im)
    return np.ascontiguousarray(np.asarray(im.convert("RGB")))


def fit(rgb: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """Downscale so the longer side is at most ``max_side`` (the model works at 256 px)."""
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return rgb
    size = (round(w * scale), round(h * scale))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def letterbox(image: np.ndarray, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """``image`` scaled to fit a black frame of ``size`` (width, height), centred: a photo as
    a webcam would deliver it."""
    width, height = size
    scale = min(width / image.shape[1], height / image.shape[0])
    inner = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    frame = np.zeros((height, width, *image.shape[2:]), image.dtype)
    y, x = (height - inner[1]) // 2, (width - inner[0]) // 2
    frame[y : y + inner[1], x : x + inner[0]] = cv2.resize(image, inner,
                                                           interpolation=cv2.INTER_AREA)
    return frame


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float
    frames: int
    width: int
    height: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


def probe_video(path: str | Path) -> VideoInfo:
    """The video's facts (its first frame decoded), or a MediaError that says why not."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise MediaError(f"{path}: not a video this program can read")
    try:
        ok, first = cap.read()
        if not ok or first is None:
            raise MediaError(
                f"{path}: the video has no readable frames (truncated or wrong format)")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        return VideoInfo(
            path=path,
            fps=fps if 0.5 < fps < 1000 else 0.0,
            frames=max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0),
            width=first.shape[1],
            height=first.shape[0],
        )
    finally:
        cap.release()


def iter_video(
    path: str | Path, every: float = 0.0
) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds, BGR frame) pairs; frames closer than ``every`` seconds to the last one kept
    are skipped without decoding (``grab`` only), which is how ``analyze`` runs faster than
    real time."""
    info = probe_video(path)
    cap = cv2.VideoCapture(str(path))  # a fresh capture: not every container seeks back
    fallback_dt = 1.0 / info.fps if info.fps else 1.0 / 30.0
    last_kept = -np.inf
    index = 0
    previous_t = -np.inf
    try:
        while cap.grab():
            t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not 0.0 <= t < 1e6 or (t == 0.0 and index > 0):  # no usable container time
                t = index * fallback_dt
            if t <= previous_t:  # broken container timestamps: fall back to the frame rate
                t = previous_t + fallback_dt
            previous_t = t
            index += 1
            if t - last_kept + 1e-6 < every:
                continue
            ok, frame = cap.retrieve()
            if not ok or frame is None:
                break
            last_kept = t
            yield t, fit(frame)
    finally:
        cap.release()
