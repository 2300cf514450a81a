"""Photos and videos in odd formats are handled or refused with a message naming the file."""

import cv2
import numpy as np
import pytest
from PIL import Image

from poseguide.vision.media import READ_MAX_SIDE, MediaError, iter_video, load_photo, probe_video


def _photo(tmp_path, name, image, **save):
    path = tmp_path / name
    image.save(path, **save)
    return path


def test_exif_rotated_phone_photo_is_turned_upright(tmp_path):
    # a landscape sensor image tagged "rotate 90 CW to display" (EXIF orientation 6)
    raw = Image.new("RGB", (300, 200), (0, 0, 0))
    raw.paste((255, 0, 0), (0, 0, 30, 200))  # red stripe on the sensor's left
    exif = Image.Exif()
    exif[0x0112] = 6
    path = _photo(tmp_path, "phone.jpg", raw, exif=exif)
    rgb = load_photo(path)
    assert rgb.shape == (300, 200, 3)  # portrait after rotation
    assert rgb[5, 100, 0] > 200 and rgb[290, 100, 0] < 50  # stripe now along the top


@pytest.mark.parametrize(
    "mode,value",
    [("L", 128), ("LA", (128, 255)), ("RGBA", (10, 20, 30, 255)), ("P", 3), ("I;16", 40000)],
)
def test_odd_modes_become_8_bit_rgb(tmp_path, mode, value):
    image = Image.new(mode, (40, 30), value)
    path = _photo(tmp_path, f"odd_{mode.replace(';', '')}.png", image)
    rgb = load_photo(path)
    assert rgb.dtype == np.uint8 and rgb.shape == (30, 40, 3)


def test_transparent_background_becomes_white(tmp_path):
    path = _photo(tmp_path, "cutout.png", Image.new("RGBA", (10, 10), (0, 0, 0, 0)))
    assert load_photo(path).min() == 255


def test_large_photo_is_downscaled_and_huge_is_refused(tmp_path):
    big = _photo(tmp_path, "big.png", Image.new("RGB", (4000, 3000)))
    assert max(load_photo(big).shape[:2]) == READ_MAX_SIDE
    huge = _photo(tmp_path, "huge.png", Image.new("L", (9000, 5000)))
    with pytest.raises(MediaError, match=r"huge.png: 9000x5000 is too large"):
        load_photo(huge)


def test_truncated_and_wrong_photos(tmp_path):
    good = _photo(tmp_path, "good.jpg", Image.new("RGB", (400, 300), (90, 90, 90)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(MediaError, match="cut.jpg: cannot decode the image"):
        load_photo(cut)
    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(MediaError, match="notes.png: not an image"):
        load_photo(text)


def _video(path, frames, fps=30.0, size=(64, 48)):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), i % 255, np.uint8))
    writer.release()
    return path


def test_video_times_come_from_the_container(tmp_path):
    path = _video(tmp_path / "c.mp4", 60, fps=25.0)
    times = [t for t, _ in iter_video(path)]
    assert len(times) == 60
    assert times[1] - times[0] == pytest.approx(0.04, abs=1e-3)
    assert times[-1] == pytest.approx(59 / 25, abs=1e-3)


def test_sampling_keeps_every_nth_frame_by_time(tmp_path):
    path = _video(tmp_path / "c.mp4", 90, fps=30.0)
    times = [t for t, _ in iter_video(path, every=1 / 15)]
    assert len(times) == 45
    assert np.diff(times) == pytest.approx(np.full(44, 1 / 15), abs=1e-3)


def test_mjpeg_without_frame_rate_still_gets_increasing_times(tmp_path):
    # raw concatenated JPEGs (as Chromium's fake camera takes) carry no timestamps
    path = tmp_path / "cam.mjpeg"
    with path.open("wb") as f:
        for i in range(10):
            f.write(cv2.imencode(".jpg", np.full((48, 64, 3), i * 20, np.uint8))[1].tobytes())
    times = [t for t, _ in iter_video(path)]
    assert len(times) == 10
    assert times[0] == 0.0 and (np.diff(times) > 0).all()


def test_empty_and_missing_videos(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(MediaError, match="empty.mp4: the file is empty"):
        probe_video(tmp_path / "empty.mp4")
    with pytest.raises(MediaError, match="gone.mp4: no such file"):
        probe_video(tmp_path / "gone.mp4")


def test_decompression_bomb_is_refused_in_our_words(tmp_path):
    import warnings

    from hostile_files import png_header

    with pytest.raises(MediaError, match=r"bomb.png: too large \(limit 40000000 pixels\)"):
        load_photo(png_header(tmp_path / "bomb.png", 20_000, 20_000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's own warning must not show first
        with pytest.raises(MediaError, match=r"big.png: 10000x10000 is too large"):
            load_photo(png_header(tmp_path / "big.png", 10_000, 10_000))


def test_a_photo_is_not_a_video_whatever_its_name(tmp_path):
    path = tmp_path / "holiday.mp4"
    Image.new("RGB", (64, 48), (90, 90, 90)).save(path, format="JPEG")
    with pytest.raises(MediaError, match="holiday.mp4: a photo, not a video"):
        probe_video(path)


def test_a_video_cut_short_says_so_and_a_whole_one_does_not(tmp_path):
    from hostile_files import cut, faststart_clip

    whole = faststart_clip(tmp_path / "whole.mp4")
    heard: list[str] = []
    assert len(list(iter_video(whole, warn=heard.append))) == 90 and heard == []
    short = cut(faststart_clip(tmp_path / "short.mp4"), 0.5)
    times = [t for t, _ in iter_video(short, warn=heard.append)]
    (said,) = heard
    assert 0 < len(times) < 60
    assert said.startswith(f"{short}: the video ends early, at ")
    assert f"of 3.0 s ({len(times)} of 90 frames)" in said


def test_a_file_name_opencv_would_crash_on_is_refused(tmp_path):
    import os

    raw = os.fsencode(tmp_path) + b"/clip\xff.mp4"
    with open(raw, "wb") as f:
        f.write(_video(tmp_path / "ok.mp4", 5).read_bytes())
    with pytest.raises(MediaError, match=r"the file name is not valid UTF-8.*rename the file"):
        probe_video(os.fsdecode(raw))


def test_each_unreadable_file_says_why(tmp_path, monkeypatch):
    import os

    (tmp_path / "folder.jpg").mkdir()
    (tmp_path / "link.jpg").symlink_to(tmp_path / "gone.jpg")
    os.mkfifo(tmp_path / "pipe.mp4")
    with pytest.raises(MediaError, match="folder.jpg: a folder, not a photo"):
        load_photo(tmp_path / "folder.jpg")
    with pytest.raises(MediaError, match="link.jpg: a broken link"):
        load_photo(tmp_path / "link.jpg")
    with pytest.raises(MediaError, match="pipe.mp4: not a regular file"):
        probe_video(tmp_path / "pipe.mp4")  # and no hang reading it
    locked = _video(tmp_path / "locked.mp4", 5)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if p == locked else real_access(p, mode)
    )  # root reads anything: pretend
    with pytest.raises(MediaError, match="locked.mp4: permission denied"):
        probe_video(locked)
