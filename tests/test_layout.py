"""The package layout's rules: imports only run downwards, and the heavy or UI libraries stay
in the one room that owns them (so the core can be tested, and reused, without either)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "poseguide"

# Which of poseguide's subpackages each subpackage may import (besides itself and paths).
ALLOWED = {
    "core": set(),
    "vision": {"core"},
    "history": {"core"},
    "offline": {"core", "vision"},
    "live": {"core", "vision", "history"},
    "cli": {"core", "vision", "history", "offline", "live"},
    "ui": {"core", "vision", "history", "offline", "live"},
}


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module an import names, a relative one (``from ..core import x``) resolved from
    the file's own package, so it cannot slip past the layering rules."""
    if node.level == 0:
        return node.module or ""
    package = ["poseguide", *path.relative_to(PACKAGE).parent.parts]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path) -> set[str]:
    """Every module name an import statement in the file names (at any depth)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_relative_imports_are_resolved_and_checked() -> None:
    """A relative upward import (core reaching into ui) is caught like an absolute one."""
    node = ast.parse("from ..ui import pages").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(PACKAGE / "core" / "checker.py", node) == "poseguide.ui"
    node = ast.parse("from . import angles").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(PACKAGE / "core" / "checker.py", node) == "poseguide.core"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_lives_in_a_known_room() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py", "paths.py"}
    assert not loose, f"modules outside a subpackage: {sorted(loose)}"
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert rooms == set(ALLOWED)


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_imports_only_run_downwards(room: str) -> None:
    wrong = []
    for path in sorted((PACKAGE / room).rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "poseguide" or len(parts) < 2 or parts[1] in (room, "paths"):
                continue
            if parts[1] not in ALLOWED[room]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("library", "owner"),
    [
        ("streamlit", ("ui/",)),
        ("streamlit_webrtc", ("ui/",)),
        # The detector runs the model; the bundle's build writes its metadata with MediaPipe's
        # own writer.
        ("mediapipe", ("vision/detector.py", "vision/pose_model_build.py")),
    ],
)
def test_only_one_room_imports_the_library(library: str, owner: tuple[str, ...]) -> None:
    users = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if any(n == library or n.startswith(library + ".") for n in _imports(p))
    ]
    assert users, f"nothing imports {library}: the rule would pass vacuously"
    assert all(u.startswith(owner) for u in users), users


def test_the_core_needs_nothing_but_numpy() -> None:
    third_party = set()
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top not in {"poseguide", "__future__", "numpy"} and top not in _stdlib():
                third_party.add(f"{path.name}: {top}")
    assert not third_party, sorted(third_party)


def _stdlib() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names) | {"tomli"}
