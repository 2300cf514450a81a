"""Per-user paths (poseguide/paths.py): one folder for every per-user file."""

from poseguide import paths


def test_every_per_user_file_follows_poseguide_home(monkeypatch, tmp_path):
    monkeypatch.delenv("POSEGUIDE_DB", raising=False)
    monkeypatch.setenv("POSEGUIDE_HOME", str(tmp_path / "mine"))
    assert paths.home_dir() == tmp_path / "mine"
    assert paths.history_path() == tmp_path / "mine" / "history.sqlite3"
    assert paths.figure_cache_dir() == tmp_path / "mine" / "figures"


def test_without_poseguide_home_the_xdg_data_dir_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("POSEGUIDE_HOME", raising=False)
    monkeypatch.delenv("POSEGUIDE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.figure_cache_dir() == tmp_path / "xdg" / "poseguide" / "figures"
    monkeypatch.setenv("POSEGUIDE_DB", str(tmp_path / "elsewhere.db"))  # the database alone
    assert paths.history_path() == tmp_path / "elsewhere.db"
    assert paths.figure_cache_dir() == tmp_path / "xdg" / "poseguide" / "figures"
