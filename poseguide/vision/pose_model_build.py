"""Rebuild the shipped pose model bundle from MediaPipe's own files (``python -m
poseguide.vision.pose_model_build``).

The templates were tuned on MediaPipe's full BlazePose model as ``mediapipe==0.10.21`` ships
it for its ``solutions.pose``. The maintained Tasks API loads the same two TFLite files from a
``.task`` bundle, once each carries the image-input metadata (how to normalise pixels) that
the old graph hard-coded. This script takes the files out of that wheel (fetched from the
package index with pip, never installed), checks their sha256, adds the metadata with
MediaPipe's own writer, zips them byte-for-byte reproducibly and checks the result against
the bundle the package ships (:data:`poseguide.vision.pose_model.BUNDLE_SHA256`).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

from poseguide.vision.pose_model import BUNDLE_PATH, BUNDLE_SHA256, DETECTOR, LANDMARKER

WHEEL = "mediapipe==0.10.21"
WHEEL_FILE = "mediapipe-0.10.21-cp312-cp312-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "956eb1ebc275c629e61b085b2cab89c3a5b9e93bad1bb107348d98dafb5a4bb5"
# name in the wheel -> (name in the bundle, sha256, input normalisation mean, std)
SOURCES = {
    "mediapipe/modules/pose_detection/pose_detection.tflite": (
        DETECTOR,
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        127.5,  # the detector takes pixels in [-1, 1]
        127.5,
    ),
    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite": (
        LANDMARKER,
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        0.0,  # the landmark model takes pixels in [0, 1]
        255.0,
    ),
}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(folder: Path) -> Path:
    """The 0.10.21 wheel as a file, from the package index (pip's own configuration)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--platform",
            "manylinux_2_28_x86_64",
            "-d",
            str(folder),
            WHEEL,
        ],
        check=True,
    )
    return folder / WHEEL_FILE


def with_metadata(model: bytes, name: str, mean: float, std: float) -> bytes:
    """``model`` with TFLite metadata for an RGB image input normalised as (x - mean) / std."""
    # metadata.py imports a compiled helper the pure-Python wheel lacks; it is used only to
    # compute the minimum metadata parser version, which for these fields is 1.0.0.
    parent = None
    for name in (
        "cc",
        "cc.metadata",
        "cc.metadata.python",
        "cc.metadata.python._pywrap_metadata_version",
    ):
        module = sys.modules.setdefault(f"mediapipe.tasks.{name}", types.ModuleType(name))
        if parent is not None:
            setattr(parent, name.rsplit(".", 1)[-1], module)
        parent = module
    parent.GetMinimumMetadataParserVersion = lambda _buf: "1.0.0"  # type: ignore[union-attr]
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, "MediaPipe BlazePose (full), from mediapipe 0.10.21")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    populated, _json = writer.populate()
    del writer  # its __del__ removes a temporary folder: now, not at interpreter exit
    return bytes(populated)


def build(wheel: Path) -> bytes:
    """The ``.task`` bundle's bytes, built from the wheel's two model files."""
    if sha256(wheel.read_bytes()) != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 is not the one recorded for {WHEEL}")
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as zf:
        for inner, (name, digest, mean, std) in SOURCES.items():
            model = zf.read(inner)
            if sha256(model) != digest:
                raise SystemExit(f"{wheel}!{inner}: sha256 {sha256(model)}, expected {digest}")
            members[name] = with_metadata(model, name, mean, std)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundle.task"
        # Stored, not compressed, each member 4-byte aligned: what MediaPipe maps in place.
        from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import (
            AlignZipFile,
        )

        with AlignZipFile(out, mode="w", alignment=4) as zf:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_STORED
                zf.writestr(info, data)
        return out.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"{WHEEL_FILE} already downloaded")
    parser.add_argument("--out", type=Path, default=BUNDLE_PATH, help="where to write it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        data = build(wheel)
    digest = sha256(data)
    args.out.write_bytes(data)
    same = "the same as" if digest == BUNDLE_SHA256 else "DIFFERENT from"
    print(f"{args.out}: {len(data)} bytes, sha256 {digest}, {same} the bundle the package ships")
    return 0 if digest == BUNDLE_SHA256 else 1


if __name__ == "__main__":
    raise SystemExit(main())
