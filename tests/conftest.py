import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = Path(os.environ.get("MODELLENS_SNAPSHOT_DIR", REPO.parent / "shared" / "leaderboards")).resolve()


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    """The real leaderboard snapshot (read-only)."""
    assert SNAPSHOT_DIR.is_dir(), f"snapshot not found at {SNAPSHOT_DIR}; set MODELLENS_SNAPSHOT_DIR"
    return SNAPSHOT_DIR
