"""Bad input files as a hostile but fair tester makes them, built in a few milliseconds each."""

from __future__ import annotations

import os
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image


def png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that claims ``width`` x ``height`` pixels: enough for a reader to judge its size
    without anyone allocating the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def faststart_clip(path: Path, frames: int = 90, fps: int = 30) -> Path:
    """An MP4 with its index at the front (as phones and browsers often write them), so a
    copy cut short still opens and reads up to the cut."""
    with av.open(str(path), "w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(frames):
            image = np.full((48, 64, 3), (i * 3) % 255, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def cut(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def mp4v_clip(path: Path, frames: int = 30) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    for i in range(frames):
        writer.write(np.full((48, 64, 3), i * 4, np.uint8))
    writer.release()
    return path


def bad_files(folder: Path) -> dict[str, Path]:
    """Every kind of bad file the issue lists, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["text.jpg"] = folder / "text.jpg"
    files["text.jpg"].write_text("these are not pixels")
    files["empty.jpg"] = folder / "empty.jpg"
    files["empty.jpg"].write_bytes(b"")
    files["dir.jpg"] = folder / "dir.jpg"
    files["dir.jpg"].mkdir()
    files["dangling.jpg"] = folder / "dangling.jpg"
    files["dangling.jpg"].symlink_to(folder / "gone.jpg")
    good = folder / "grey.jpg"
    Image.new("RGB", (160, 120), (90, 90, 90)).save(good)
    files["cut.jpg"] = folder / "cut.jpg"
    files["cut.jpg"].write_bytes(good.read_bytes()[:300])
    files["bomb.png"] = png_header(folder / "bomb.png", 20_000, 20_000)
    files["100mp.png"] = png_header(folder / "100mp.png", 10_000, 10_000)
    files["photo.mp4"] = folder / "photo.mp4"
    files["photo.mp4"].write_bytes(good.read_bytes())
    files["short.mp4"] = cut(faststart_clip(folder / "short.mp4"), 0.5)
    files["clip.mp4"] = mp4v_clip(folder / "clip.mp4")
    files["fifo.mp4"] = folder / "fifo.mp4"
    os.mkfifo(files["fifo.mp4"])
    files["fifo.jpg"] = folder / "fifo.jpg"
    os.mkfifo(files["fifo.jpg"])
    raw = os.fsencode(folder) + b"/vid\xffname.mp4"
    with open(raw, "wb") as f:
        f.write(files["clip.mp4"].read_bytes())
    files["non_utf8.mp4"] = Path(os.fsdecode(raw))
    raw = os.fsencode(folder) + b"/vid\xffname.jpg"
    with open(raw, "wb") as f:
        f.write(good.read_bytes())
    files["non_utf8.jpg"] = Path(os.fsdecode(raw))
    raw = os.fsencode(folder) + b"/dir\xff"
    os.mkdir(raw)
    files["non_utf8_dir"] = Path(os.fsdecode(raw))
    files["rate_4e9.mp4"] = retimed(mp4v_clip(folder / "rate_4e9.mp4", 60), 4_000_000_000, 1)
    files["rate_1e6.mp4"] = retimed(mp4v_clip(folder / "rate_1e6.mp4", 60), 1_000_000, 1)
    files["two_frames.mp4"] = mp4v_clip(folder / "two_frames.mp4", 2)
    ms = [round(i * 1000 / 30) for i in range(90)] + [3000 + i * 200 for i in range(30)]
    files["vfr.mkv"] = vfr_clip(folder / "vfr.mkv", ms)
    files["vfr_cut.mkv"] = cut(vfr_clip(folder / "vfr_cut.mkv", ms), 0.5)
    files["escape.jpg"] = folder / "\x1b[31mred\x1b[0m.jpg"
    files["escape.jpg"].write_text("not a photo")
    return files


def retimed(path: Path, timescale: int, delta: int) -> Path:
    """The MP4 at ``path`` with its frame times rewritten in place: every frame ``delta``
    ticks of ``timescale`` per second after the last (its metadata then states
    timescale / delta frames per second), as a broken muxer or a hostile tester leaves it."""
    data = bytearray(path.read_bytes())
    mdhd = data.index(b"mdhd")
    stts = data.index(b"stts")
    frames = 0
    for k in range(struct.unpack(">I", data[stts + 8 : stts + 12])[0]):
        at = stts + 12 + 8 * k
        frames += struct.unpack(">I", data[at : at + 4])[0]
        data[at + 4 : at + 8] = struct.pack(">I", delta)
    data[mdhd + 16 : mdhd + 20] = struct.pack(">I", timescale)
    data[mdhd + 20 : mdhd + 24] = struct.pack(">I", min(frames * delta, 2**32 - 1))
    path.write_bytes(bytes(data))
    return path


def vfr_clip(path: Path, times_ms: list[int]) -> Path:
    """A clip (Matroska, which states no frame count) whose frames are at ``times_ms``: a
    phone or browser recording that slowed down part way."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, ms in enumerate(times_ms):
            image = np.full((48, 64, 3), (i * 3) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = ms, Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
