"""Reading photos and videos from disk, with clear errors for files that cannot be used.

Photos are EXIF-rotated (phone pictures), converted from grey, RGBA, palette and 16-bit modes
to 8-bit RGB, and refused past a size limit. Videos are opened with OpenCV; frame times come
from the container's timestamps, so a variable-frame-rate clip still gives true times.
"""

from __future__ import annotations

import math
import os
import stat
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40 MP photo is far beyond what the pose model needs
# A side longer than this, or one this many times the other, is a strip no person fits in
# (a 65000x2 image would shrink to 0 px across); a phone panorama is about 4:1.
MAX_SIDE = 20_000
MAX_ASPECT = 10
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mjpeg"}
# Photos and video frames are read at most this large (an annotated video keeps this size);
# the model works at 256 px, and a video-mode detector shrinks frames further
# (detector.MODEL_LONG_SIDE).
READ_MAX_SIDE = 1280
# Frame rates that make sense for a recording of a person; a file whose metadata and frame
# times both say otherwise (1e6 or 0.001 frames a second) cannot be timed.
FPS_RANGE = (1.0, 240.0)
# A clip of one or two frames has no length to time a hold or a repetition in.
MIN_FRAMES = 3
# Frames whose times are read when a video is opened, to judge its rate.
SAMPLE_FRAMES = 12
# A video is said to end early when it stops this far short of the frames its container
# announces: more than a second and more than a tenth (a container's count can be an estimate).
SHORT_S, SHORT_FRACTION = 1.0, 0.1


class MediaError(Exception):
    """A photo or video that cannot be used; the message names the file and the problem."""


def readable_file(path: Path, what: str) -> None:
    """A MediaError saying exactly why ``path`` is not a file this program can open: missing,
    a broken link, a folder, a pipe or device, empty, or not readable by this user."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise MediaError(f"{path}: a broken link (what it points to does not exist)") from None
        raise MediaError(f"{path}: no such file") from None
    except PermissionError:
        raise MediaError(f"{path}: permission denied (cannot look inside its folder)") from None
    except OSError as exc:  # a name too long, a loop of links...
        raise MediaError(f"{path}: cannot open ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise MediaError(f"{path}: a folder, not {what}")
    if not stat.S_ISREG(st.st_mode):
        raise MediaError(f"{path}: not a regular file (a pipe or device), not {what}")
    if st.st_size == 0:
        raise MediaError(f"{path}: the file is empty")
    if not os.access(path, os.R_OK):
        raise MediaError(
            f"{path}: permission denied; make the file readable (chmod u+r) or copy it"
        )


def load_photo(path: str | Path) -> np.ndarray:
    """An upright 8-bit RGB array of the photo at ``path``."""
    path = Path(path)
    readable_file(path, "a photo")
    too_large = f"{path}: too large (limit {MAX_PIXELS} pixels); use a smaller photo"
    try:
        with warnings.catch_warnings():  # the size is checked just below, with our message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
        with im:
            if im.width * im.height > MAX_PIXELS:
                raise MediaError(
                    f"{path}: {im.width}x{im.height} is too large (limit {MAX_PIXELS} pixels)"
                )
            _check_shape(path, im.width, im.height)
            upright = ImageOps.exif_transpose(im)
            rgb = _to_rgb8(upright)
    except Image.DecompressionBombError:
        raise MediaError(too_large) from None
    except UnidentifiedImageError:
        raise MediaError(f"{path}: not an image this program can read") from None
    except PermissionError:
        raise MediaError(f"{path}: permission denied; make the file readable") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
        raise MediaError(f"{path}: cannot decode the image ({exc})") from None
    return fit(rgb)


def _check_shape(path: Path, width: int, height: int) -> None:
    long, short = max(width, height), min(width, height)
    if long > MAX_SIDE:
        raise MediaError(
            f"{path}: {width}x{height} has a side too long (limit {MAX_SIDE} pixels a side)"
        )
    if long > MAX_ASPECT * short:
        raise MediaError(
            f"{path}: {width}x{height} is too narrow a strip for a person (limit: the long "
            f"side at most {MAX_ASPECT} times the short one)"
        )


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


def fit(rgb: np.ndarray, max_side: int = READ_MAX_SIDE) -> np.ndarray:
    """Downscale so the longer side is at most ``max_side`` (the model works at 256 px)."""
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def letterbox(image: np.ndarray, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """``image`` scaled to fit a black frame of ``size`` (width, height), centred: a photo as
    a webcam would deliver it."""
    width, height = size
    scale = min(width / image.shape[1], height / image.shape[0])
    inner = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    frame = np.zeros((height, width, *image.shape[2:]), image.dtype)
    y, x = (height - inner[1]) // 2, (width - inner[0]) // 2
    frame[y : y + inner[1], x : x + inner[0]] = cv2.resize(
        image, inner, interpolation=cv2.INTER_AREA
    )
    return frame


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float  # the frame rate used where the container gives no usable time (FPS_RANGE)
    frames: int
    width: int
    height: int
    # The container's frame times are sane (FPS_RANGE); otherwise frame i is at i / fps.
    timestamps: bool = True

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


def opencv_name(path: Path) -> str:
    """``path`` as OpenCV can take it: a name that is not valid UTF-8 crashes OpenCV
    (a segfault, not an exception), so it is refused here."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise MediaError(
            f"{path}: the file name is not valid UTF-8, which OpenCV cannot "
            "open; rename the file (or its folder)"
        ) from None
    return name


def _is_still_image(path: Path) -> bool:
    """A single-frame image format (JPEG, PNG, ...) whatever the file is called."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                return getattr(im, "n_frames", 1) == 1
    except Exception:  # anything PIL cannot open is not a photo
        return False


def probe_video(path: str | Path) -> VideoInfo:
    """The video's facts (its first frame decoded), or a MediaError that says why not."""
    path = Path(path)
    readable_file(path, "a video")
    cap = cv2.VideoCapture(opencv_name(path))
    if not cap.isOpened():
        raise MediaError(f"{path}: not a video this program can read")
    try:
        ok, first = cap.read()
        if not ok or first is None:
            raise MediaError(
                f"{path}: the video has no readable frames (truncated or wrong format)"
            )
        times = [cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0]
        while len(times) < SAMPLE_FRAMES and cap.grab():
            times.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
        if len(times) == 1 and _is_still_image(path):
            raise MediaError(
                f"{path}: a photo, not a video; check a photo with "
                "'poseguide check', or give a video file"
            )
        stated = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0
        if len(times) < MIN_FRAMES:
            n = len(times)
            if count > n and not _sensible(stated):  # OpenCV stops at absurd frame times
                _frame_rate(path, stated, times)
            announced = f" of the {int(count)} it announces" if MIN_FRAMES <= count < 1e9 else ""
            raise MediaError(
                f"{path}: only {n} frame{'s' if n > 1 else ''}{announced} could be read; a clip "
                f"needs at least {MIN_FRAMES} frames (a moment of time) to time anything"
            )
        fps, timestamps = _frame_rate(path, stated, times)
        return VideoInfo(
            path=path,
            fps=fps,
            frames=int(count) if 0 < count < 1e9 else 0,  # unknown: OpenCV gives garbage
            width=first.shape[1],
            height=first.shape[0],
            timestamps=timestamps,
        )
    finally:
        cap.release()


def _sensible(fps: float) -> bool:
    return math.isfinite(fps) and FPS_RANGE[0] <= fps <= FPS_RANGE[1]


def _frame_rate(path: Path, stated: float, times: list[float]) -> tuple[float, bool]:
    """(frames per second, whether the container's frame times can be used), judged from the
    first frames' times and the rate the file states; a MediaError when neither makes sense."""
    span = times[-1] - times[0]
    measured = (len(times) - 1) / span if span > 0 else 0.0
    if _sensible(measured):
        return (stated if _sensible(stated) else measured), True
    if _sensible(stated):
        return stated, False
    value = measured or stated
    low, high = FPS_RANGE
    raise MediaError(
        f"{path}: its frame times give {value:g} frames per second, outside {low:g} to "
        f"{high:g}; the file's timing cannot be trusted, so re-encode it at a normal rate "
        "(e.g. ffmpeg -i IN -r 30 OUT.mp4)"
    )


def ended_early(info: VideoInfo, frames_read: int, last_t: float) -> str | None:
    """Why a video that stopped after ``frames_read`` frames looks cut short, or None. Both
    the frames and the time must fall short: a variable-frame-rate clip's container may
    announce more frames than it holds (its count is duration x peak rate) yet end on time."""
    if not info.frames or not info.fps:
        return None
    missing = info.frames - frames_read
    if missing / info.fps <= SHORT_S or missing <= SHORT_FRACTION * info.frames:
        return None
    missing_s = info.duration - last_t - 1.0 / info.fps
    if missing_s <= SHORT_S or missing_s <= SHORT_FRACTION * info.duration:
        return None
    return (
        f"{info.path}: the video ends early, at {last_t:.1f} s of {info.duration:.1f} s "
        f"({frames_read} of {info.frames} frames); the file looks cut short (an "
        "interrupted copy or recording), so the result covers only that part"
    )


def iter_video(
    path: str | Path, every: float = 0.0, warn: Callable[[str], None] | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds, BGR frame) pairs; frames closer than ``every`` seconds to the last one kept
    are skipped without decoding (``grab`` only), which is how ``analyze`` runs faster than
    real time. ``warn`` hears when the video stops well short of its announced length."""
    info = probe_video(path)
    cap = cv2.VideoCapture(opencv_name(info.path))  # fresh: not every container seeks back
    fallback_dt = 1.0 / info.fps
    last_kept = -np.inf
    index = 0
    previous_t = -np.inf
    try:
        while cap.grab():
            t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 if info.timestamps else -1.0
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
        short = ended_early(info, index, max(previous_t, 0.0))
        if short and warn is not None:
            warn(short)
    finally:
        cap.release()
