import shutil
from pathlib import Path

import pytest


@pytest.fixture
def alpaca_home(snapshot_dir, tmp_path, monkeypatch) -> tuple[Path, Path]:
    """(snapshot, home): a writable copy of the AlpacaEval snapshot as the only selected source, an empty home."""
    snap, home = tmp_path / "snapshot", tmp_path / "home"
    shutil.copytree(snapshot_dir / "alpaca_eval", snap / "alpaca_eval")
    monkeypatch.setenv("MODELLENS_HOME", str(home))
    monkeypatch.setenv("MODELLENS_SNAPSHOT_DIR", str(snap))
    monkeypatch.setenv("MODELLENS_SOURCES", "alpaca_eval")
    from orchestration.settings import ensure_home

    ensure_home()
    return snap, home
