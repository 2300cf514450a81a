"""The pose library kept between page runs (pure tier): read once, read again only when a
template file changed, was added or was removed."""

import os
import shutil
from pathlib import Path

import pytest

from poseguide.core.templates import DEFAULT_DIR, TemplateError
from poseguide.ui.library_cache import current_library


def test_the_library_is_read_again_only_when_a_template_file_changed(tmp_path: Path) -> None:
    sphinx = tmp_path / "sphinx.toml"
    shutil.copy(DEFAULT_DIR / "sphinx.toml", sphinx)
    first = current_library(tmp_path)
    assert list(first.templates) == ["sphinx"]
    assert current_library(tmp_path) is first  # nothing changed: not parsed again
    sphinx.write_text(sphinx.read_text().replace('name = "Sphinx"', 'name = "Sphinx pose"', 1))
    stat = sphinx.stat()
    os.utime(sphinx, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = current_library(tmp_path)
    assert edited is not first and edited["sphinx"].name == "Sphinx pose"
    (tmp_path / "broken.toml").write_text("id = ")  # a new file, and a broken one
    added = current_library(tmp_path)
    assert added is not edited and len(added.errors) == 1 and "broken.toml" in added.errors[0]
    (tmp_path / "broken.toml").unlink()
    assert current_library(tmp_path).errors == ()


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no such template folder"):
        current_library(tmp_path / "gone")
