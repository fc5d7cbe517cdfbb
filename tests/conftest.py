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


SLICE = "alpaca_eval,robustbench,livebench,lmarena"  # LLM boards and vision, about 1,000 models
# Three epochs; the time cap (embeddings included) only bites on a busy machine, and must not cut training short.
FAST_TRAINING = {"train": {"ops": {"modellens_ranker": {"config": {"epochs": 3, "max_minutes": 5}}}}}


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory) -> Path:
    """One text-embedding cache for every pipeline the suite runs (the slice's texts are embedded once)."""
    return tmp_path_factory.mktemp("embedding_cache")


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory, snapshot_dir, embedding_cache):
    """A MODELLENS_HOME where `modellens pipeline` ran once on a slice of the snapshot (fast training)."""
    root = tmp_path_factory.mktemp("modellens_home")
    patch = pytest.MonkeyPatch()
    patch.setenv("MODELLENS_CACHE_DIR", str(embedding_cache))
    patch.setenv("MODELLENS_HOME", str(root))
    patch.setenv("DAGSTER_HOME", str(root / "dagster"))
    patch.setenv("MODELLENS_SNAPSHOT_DIR", str(snapshot_dir))
    patch.setenv("MODELLENS_SOURCES", SLICE)
    from orchestration.pipeline import run_pipeline

    assert run_pipeline(run_config=FAST_TRAINING)
    yield root
    patch.undo()
