"""MediaPipe Pose behind a small interface: a frame and its time in, a PoseFrame (or None) out.

Only this module imports MediaPipe. It runs the full BlazePose model, the one every template
was tuned on, through the Tasks API's ``PoseLandmarker`` from the bundle the package ships
(:mod:`poseguide.vision.pose_model`, checked before it is loaded), so nothing is downloaded
at run time.
"""

from __future__ import annotations

import atexit
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Literal

import cv2
import numpy as np

from poseguide.core.landmarks import N_LANDMARKS, PoseFrame
from poseguide.vision.media import fit
from poseguide.vision.pose_model import verified_bundle

Mode = Literal["video", "photo"]
BORDER = 0.25  # of width/height added on each side: photo mode's second look, lying bodies
# Shoulders, elbows, wrists, hips, knees, ankles: the joints the templates measure.
BODY = np.array([11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])


class _Landmarker:
    """One Tasks ``PoseLandmarker``: IMAGE mode (every picture on its own) or VIDEO mode
    (tracking between frames, which needs strictly increasing millisecond timestamps).

    The Tasks API cannot forget a stream, so :meth:`reset` takes a fresh landmarker when it
    has seen a frame since it was built: the spare built aside after the last reset (10-25 ms;
    building one on the frame's own thread took 150-250 ms)."""

    def __init__(self, model: bytes, video: bool, segmentation: bool, **confidence: float):
        self._model, self._video, self._segmentation = model, video, segmentation
        self._confidence = confidence
        self._task: Any = None
        self._closer: weakref.finalize[[list[Any]], _Landmarker] | None = None
        # VIDEO mode: the next reset's landmarker, built aside on another thread after each
        # reset, so a border switch or a new stream does not stall a frame for the build
        # (about 0.15 s, twice that on a busy laptop).
        self._spare: Future[Any] | None = None
        self._last_ms = -1
        self._build(self._create())

    def _create(self) -> Any:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=self._model),
            running_mode=vision.RunningMode.VIDEO if self._video else vision.RunningMode.IMAGE,
            num_poses=1,
            output_segmentation_masks=self._segmentation,
            **self._confidence,
        )
        return vision.PoseLandmarker.create_from_options(options)

    def _build(self, task: Any) -> None:
        close_abandoned()
        self._task = task
        # A landmarker left to the garbage collector closes itself from __del__ and can wait
        # for ever on its own worker thread, collected in the same cycle. Closing it from a
        # finaliser instead deadlocked too: the collector runs finalisers inside whatever call
        # allocated, here inside another landmarker's detect, which holds concurrent.futures'
        # global lock that a close takes again. So one dropped unclosed is only kept aside,
        # and closed by the next landmarker call of any thread (or at interpreter exit).
        owned = [task] if self._spare is None else [task, self._spare]
        self._closer = weakref.finalize(self, _abandon, owned)
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, timestamp: float) -> Any:
        import mediapipe as mp

        close_abandoned()

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with _stopped_at_exit():
            if not self._video:
                return self._task.detect(image)
            # A second look at the same frame (a border, a restart) still needs a later stamp.
            ms = max(round(timestamp * 1000), self._last_ms + 1)
            self._last_ms = ms
            return self._task.detect_for_video(image, ms)

    def reset(self) -> None:
        """Forget the stream (IMAGE mode keeps none)."""
        if self._video and self._last_ms >= 0:
            spare = self._spare.result() if self._spare is not None else self._create()
            if self._closer is not None and self._closer.detach() is not None:
                _close_task(self._task)  # the old task only: the spare taken is the new one
            with _stopped_at_exit():
                self._spare = _SPARE_BUILDER.submit(self._create)
            self._build(spare)

    def close(self) -> None:
        # detach() hands the tasks over once, however often close is called.
        if self._closer is not None and (detached := self._closer.detach()) is not None:
            _, _, (owned,), _ = detached  # the finaliser's object, function, args, kwargs
            for task in _tasks(owned):
                _close_task(task)
        self._task, self._spare = None, None


class ModelStopped(RuntimeError):
    """The process is exiting: the pose model takes no more frames. Python refuses new work to
    its thread pools then, which MediaPipe's calls go through, so a frame caught in the
    server's shutdown fails; it is the end of the stream, not an error in the frame."""


@contextmanager
def _stopped_at_exit() -> Iterator[None]:
    """Inside: a thread pool's refusal at interpreter exit comes out as ModelStopped."""
    try:
        yield
    except RuntimeError as exc:  # concurrent.futures' words once the interpreter exits
        if "after shutdown" in str(exc):
            raise ModelStopped(str(exc)) from None
        raise


# Landmarkers dropped without close(): their finaliser only appends here (list.append takes
# no lock that a landmarker call may hold), and close_abandoned closes them at a safe point.
_ABANDONED: list[Any] = []
_exiting = False
# Builds each VIDEO landmarker's spare (see _Landmarker.reset), one at a time.
_SPARE_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spare-landmarker")


def _tasks(owned: list[Any]) -> list[Any]:
    """A landmarker's tasks: its own and its spare (waited for: it may still be building)."""
    return [item.result() if isinstance(item, Future) else item for item in owned]


def _abandon(owned: list[Any]) -> None:
    for item in owned:
        if isinstance(item, Future) and not item.done():  # kept aside once it is built
            item.add_done_callback(lambda built: _abandon([built.result()]))
        elif _exiting:  # interpreter exit: no landmarker call is running any more
            _close_task(*_tasks([item]))
        else:
            _ABANDONED.extend(_tasks([item]))


def close_abandoned() -> None:
    """Close the landmarkers dropped unclosed; called outside any landmarker call (every
    frame), so when there are none it costs one test of the list, not a raised IndexError."""
    while _ABANDONED:
        try:
            task = _ABANDONED.pop()
        except IndexError:  # another thread took the last one meanwhile
            return
        _close_task(task)


@atexit.register
def _at_exit() -> None:
    global _exiting
    _exiting = True  # weakref's own exit hook may run the finalisers before or after this
    close_abandoned()


def _close_task(task: Any) -> None:
    """Close a landmarker; at interpreter exit its worker thread has already stopped, and the
    process is ending anyway: then it is marked closed so its own __del__ does not try again."""
    try:
        task.close()
    except RuntimeError:  # "cannot schedule new futures after shutdown"
        task._handle = None


class PoseDetector:
    """Wraps MediaPipe's ``PoseLandmarker`` with the full BlazePose model.

    ``video`` mode tracks between frames (fast, temporally stable); ``photo`` mode runs the
    detector on every image. One instance is created per stream and reused for every frame:
    building the landmarker costs ~10x a frame.
    """

    def __init__(
        self,
        mode: Mode = "video",
        segmentation: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        self.mode = mode
        self._model = verified_bundle()
        self._segmentation = segmentation
        self._confidence = {
            "min_pose_detection_confidence": min_detection_confidence,
            "min_tracking_confidence": min_tracking_confidence,
        }
        self._pose = _Landmarker(self._model, mode == "video", segmentation, **self._confidence)
        self._still: _Landmarker | None = None  # video mode's untracked looks, built on need
        self.bordered = False  # video mode: frames currently get a border (see detect_rgb)
        self._misses = 1  # frames in a row without a person; nobody seen yet
        self._retry_at = -np.inf
        self._size: tuple[int, ...] | None = None  # the last video frame's shape

    def detect_rgb(self, rgb: np.ndarray, timestamp: float) -> PoseFrame | None:
        """Landmarks of the most prominent person in an RGB uint8 image, or None.

        In video mode a body lying along a frame it largely fills is shrunk into a 25 % border,
        as in photo mode: without room MediaPipe misreads such bodies. When a body wider than
        tall first appears, both readings are taken and the more confident one kept; later a
        lying body is switched to the border and an upright or small one back (the border would
        shrink it out of the detector's reach). Each switch restarts tracking so no landmarks
        carry over in the wrong coordinates. On the real photos fed as webcam frames
        (``eval --as-video``): cobra 62 % -> 72 % accepted, sphinx 88 % -> 94 %, cat 94 % ->
        97 %, seated twist 88 % -> 91 %, no label worse. Keeping the first reading whose
        landmarks lie on the person's silhouette (with ``segmentation``) as well as being
        confident added cobra 78 % -> 81 % and seated twist 82 % -> 85 %. A frame larger than
        ``MODEL_LONG_SIDE`` is scaled down first; the landmarks are relative, so they keep
        the frame's own coordinates.
        """
        if self.mode == "photo":
            return self._process(rgb, timestamp)
        height, width = rgb.shape[:2]
        rgb = scaled_for_model(rgb)
        if rgb.shape != self._size:
            if self._size is not None:
                # WebRTC lowers the resolution under load; MediaPipe's mask smoothing fails
                # on a frame of another size, so tracking starts afresh.
                self._pose.reset()
            self._size = rgb.shape
        frame = self._video(rgb, timestamp)
        if frame is None or (frame.width, frame.height) == (width, height):
            return frame
        return replace(frame, width=width, height=height)  # the mask keeps the model's size

    def _video(self, rgb: np.ndarray, timestamp: float) -> PoseFrame | None:
        frame = self._pass(rgb, timestamp)
        if (
            frame is not None
            and self._misses > 0
            and not self.bordered
            and _aspect(frame) > 1.0
            and timestamp >= self._retry_at
        ):
            frame = self._first_look(rgb, timestamp, frame)
        self._misses = 0 if frame is not None else self._misses + 1
        want = wants_border(frame, self.bordered, self._misses)
        if want and not self.bordered and timestamp < self._retry_at:
            want = False  # it was just turned off: do not flap (each switch costs ~0.1 s)
        if want != self.bordered:
            self.bordered = want
            self._misses = 0
            if not want:
                self._retry_at = timestamp + BORDER_RETRY_S
            self._pose.reset()
            frame = self._pass(rgb, timestamp)
        return frame

    def _first_look(self, rgb: np.ndarray, timestamp: float, plain: PoseFrame) -> PoseFrame:
        """A body wider than tall has just appeared: look afresh with the border and without,
        keep the reading that is more confident and lies more on the person's own silhouette
        (tracking keeps a first misread, such as a deep cobra read with its feet on the
        hands), and go on tracking in that frame. The looks are untracked, as a photo's are."""
        if self._still is None:
            self._still = _Landmarker(self._model, False, self._segmentation, **self._confidence)
        bordered = self._detect_padded(rgb, timestamp, BORDER, same_size=True, by=self._still)
        fresh = self._process(rgb, timestamp, by=self._still) or plain
        if bordered is not None and _trust(bordered) > _trust(fresh):
            self.bordered = True
            self._pose.reset()  # tracking goes on in the bordered frame's coordinates
            return bordered
        return fresh

    def detect_plain(self, rgb: np.ndarray, timestamp: float) -> PoseFrame | None:
        """One pass of the model over the frame as it is: the bench's reference."""
        return self._process(rgb, timestamp)

    def restart(self) -> None:
        """Forget the stream: tracking, and the border state, start afresh (a new session)."""
        self._pose.reset()
        self.bordered, self._misses, self._retry_at = False, 1, -np.inf

    def _pass(self, rgb: np.ndarray, timestamp: float) -> PoseFrame | None:
        if self.bordered:
            return self._detect_padded(rgb, timestamp, BORDER, same_size=True)
        return self._process(rgb, timestamp)

    def _process(
        self, rgb: np.ndarray, timestamp: float, by: _Landmarker | None = None
    ) -> PoseFrame | None:
        """One pass of the model (``by``, else the mode's own landmarker) over ``rgb``."""
        result = (by or self._pose).detect(rgb, timestamp)
        if not result.pose_landmarks:
            return None
        height, width = rgb.shape[:2]
        lms = result.pose_landmarks[0]
        image = np.array([[p.x, p.y] for p in lms], dtype=np.float64)
        visibility = np.array([_or_nan(p.visibility) for p in lms], dtype=np.float64)
        presence = np.array([_or_nan(p.presence) for p in lms], dtype=np.float64)
        if result.pose_world_landmarks:
            world = np.array(
                [[p.x, p.y, p.z] for p in result.pose_world_landmarks[0]], dtype=np.float64
            )
        else:
            world = np.zeros((N_LANDMARKS, 3))
        masks = result.segmentation_masks
        mask = masks[0].numpy_view()[:, :, 0].copy() if masks else None
        return PoseFrame(
            timestamp=timestamp,
            image=image,
            world=world,
            visibility=visibility,
            presence=presence,
            width=width,
            height=height,
            mask=mask,
        )

    def detect_photo(self, rgb: np.ndarray, timestamp: float = 0.0) -> PoseFrame | None:
        """Photo mode with extra looks: the image as it is, with a border, and turned.

        MediaPipe's person detector crops badly when the body fills the picture edge to edge,
        as in many photos of lying poses; a 25 % border gives it room. Of the two results the
        one with the more confident body landmarks is kept (on the real photos this raised
        sphinx from 82 % to 94 % accepted and cow from 87 % to 95 %, at twice the cost).

        A body lying along the picture whose hips, knees or hands land outside its own
        silhouette has been misread (typically a deep backbend with the head thrown back). Then
        the picture is also looked at turned a quarter either way, where the body stands upright
        as the detector expects, and the result lying most inside the silhouette is kept.
        Needs the segmentation mask; costs two more looks for the ~7 % of photos it triggers on.
        """
        first = self._process(rgb, timestamp)
        padded = self._detect_padded(rgb, timestamp, BORDER)
        candidates = [f for f in (first, padded) if f is not None]
        if not candidates:
            return None
        best = max(candidates, key=_confidence)
        if best.mask is None or not _lying(best.mask) or _inside_silhouette(best) == 1.0:
            return best
        candidates += [f for f in (self._detect_turned(rgb, timestamp, k) for k in (1, 3)) if f]
        return max(candidates, key=_trust)

    def _detect_padded(
        self,
        rgb: np.ndarray,
        timestamp: float,
        frac: float,
        same_size: bool = False,
        by: _Landmarker | None = None,
    ) -> PoseFrame | None:
        """The look with a border of ``frac`` on each side, mapped back to ``rgb``.

        ``same_size`` shrinks the picture into a canvas of its own size instead of growing the
        canvas: the detector sees the same geometry at the cost of a plain frame (video mode).
        """
        h, w = rgb.shape[:2]
        if same_size:
            inner = (round(w / (1 + 2 * frac)), round(h / (1 + 2 * frac)))
            px, py = (w - inner[0]) // 2, (h - inner[1]) // 2
            canvas = np.zeros_like(rgb)
            canvas[py : py + inner[1], px : px + inner[0]] = cv2.resize(
                rgb, inner, interpolation=cv2.INTER_AREA
            )
        else:
            inner = (w, h)
            py, px = int(h * frac), int(w * frac)
            canvas = cv2.copyMakeBorder(rgb, py, py, px, px, cv2.BORDER_CONSTANT, value=(0, 0, 0))
        found = self._process(canvas, timestamp, by)
        if found is None:
            return None
        image = found.image * np.array([canvas.shape[1], canvas.shape[0]])
        image = (image - np.array([px, py])) / np.array(inner)
        mask = None
        if found.mask is not None:
            mask = found.mask[py : py + inner[1], px : px + inner[0]]
            if same_size:
                mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
        return PoseFrame(
            timestamp=timestamp,
            image=image,
            world=found.world,
            visibility=found.visibility,
            presence=found.presence,
            width=w,
            height=h,
            mask=mask,
        )

    def _detect_turned(self, rgb: np.ndarray, timestamp: float, quarter: int) -> PoseFrame | None:
        """The padded look at the picture turned ``quarter`` x 90 degrees anticlockwise,
        mapped back to the picture's own coordinates."""
        found = self._detect_padded(np.ascontiguousarray(np.rot90(rgb, quarter)), timestamp, BORDER)
        if found is None:
            return None
        x, y = found.image[:, 0], found.image[:, 1]
        image = np.stack([1 - y, x], axis=1) if quarter == 1 else np.stack([y, 1 - x], axis=1)
        # The world landmarks follow the camera's axes: turn them back with the picture.
        wx, wy, wz = found.world.T
        world = np.stack([-wy, wx, wz] if quarter == 1 else [wy, -wx, wz], axis=1)
        mask = None if found.mask is None else np.ascontiguousarray(np.rot90(found.mask, -quarter))
        h, w = rgb.shape[:2]
        return PoseFrame(
            timestamp=timestamp,
            image=image,
            world=world,
            visibility=found.visibility,
            presence=found.presence,
            width=w,
            height=h,
            mask=mask,
        )

    def detect_bgr(self, bgr: np.ndarray, timestamp: float) -> PoseFrame | None:
        """As :meth:`detect_rgb` for OpenCV's BGR frames."""
        return self.detect_rgb(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), timestamp)

    def close(self) -> None:
        """Free the landmarkers (MediaPipe's own finaliser raises at interpreter exit)."""
        self._pose.close()
        if self._still is not None:
            self._still.close()

    def __enter__(self) -> PoseDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Video frames are scaled to this long side before the model: it looks at 256 px crops, so
# a 720x1280 frame costs 22 ms where 640 px costs 18 ms, with the same landmarks.
MODEL_LONG_SIDE = 640


def scaled_for_model(rgb: np.ndarray) -> np.ndarray:
    """The frame shrunk to ``MODEL_LONG_SIDE`` on its long side (smaller frames as they are)."""
    return fit(rgb, MODEL_LONG_SIDE)


LYING_ASPECT = 1.2  # silhouette width / height above which the body lies along the picture
# Video mode's border: on for a body lying along the frame (landmark box 2x wider than tall
# in pixels) that spans over half its width; off again when the body is upright or spans under
# 0.4 of the frame, or after 4 frames without anyone (a small person the border hides).
BORDER_ON_ASPECT, BORDER_ON_SPAN = 2.0, 0.5
BORDER_OFF_ASPECT, BORDER_OFF_SPAN, BORDER_OFF_MISSES = 1.0, 0.4, 4
BORDER_RETRY_S = 5.0  # after the border went off, seconds of frame time before it may come back


def _or_nan(value: float | None) -> float:
    """A landmark's visibility or presence; NaN ("unknown") where the model left it unset."""
    return np.nan if value is None else float(value)


def _aspect(frame: PoseFrame) -> float:
    """Width over height of the body landmarks' box, in pixels."""
    span = np.ptp(frame.image[BODY], axis=0)
    return float(span[0] * frame.width / max(span[1] * frame.height, 1.0))


def _confidence(frame: PoseFrame) -> float:
    return float(frame.visibility[BODY].mean())


def _trust(frame: PoseFrame) -> float:
    """Confidence counted only for body landmarks on the silhouette: a misread is often
    confident."""
    return _confidence(frame) * _inside_silhouette(frame)


def wants_border(frame: PoseFrame | None, bordered: bool, misses: int) -> bool:
    """Whether the next video frame should get a border, given this frame's result."""
    if frame is None:
        return bordered and misses < BORDER_OFF_MISSES
    span, aspect = np.ptp(frame.image[BODY], axis=0), _aspect(frame)
    if not bordered:
        return aspect > BORDER_ON_ASPECT and span[0] > BORDER_ON_SPAN
    return aspect >= BORDER_OFF_ASPECT and span.max() >= BORDER_OFF_SPAN


def _lying(mask: np.ndarray) -> bool:
    """Whether the person's silhouette is clearly wider than tall."""
    ys, xs = np.nonzero(mask > 0.5)
    if len(xs) == 0:
        return False
    return bool((xs.max() - xs.min() + 1) > LYING_ASPECT * (ys.max() - ys.min() + 1))


def _inside_silhouette(frame: PoseFrame) -> float:
    """Fraction of the body landmarks that fall on the frame's own person mask."""
    if frame.mask is None:
        return 1.0
    h, w = frame.mask.shape[:2]
    xy = frame.image[BODY]
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < 1) & (xy[:, 1] >= 0) & (xy[:, 1] < 1)
    cols = np.clip((xy[:, 0] * w).astype(int), 0, w - 1)
    rows = np.clip((xy[:, 1] * h).astype(int), 0, h - 1)
    return float(np.mean(inside & (frame.mask[rows, cols] > 0.5)))
