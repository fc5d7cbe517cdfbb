import os
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = Path(os.environ.get("MODELLENS_SNAPSHOT_DIR", REPO.parent / "shared" / "leaderboards")).resolve()


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    """The real leaderboard snapshot (read-only)."""
    assert SNAPSHOT_DIR.is_dir(), f"snapshot not found at {SNAPSHOT_DIR}; set MODELLENS_SNAPSHOT_DIR"
    return SNAPSHOT_DIR


SHARED_HOME = "pipeline_home"
FIRST = ("tests/test_kill_safety.py", SHARED_HOME)  # the longest chains of tests start first
GROUP = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Groups for `-n N --dist loadgroup`: a test file runs on one worker, in order, so its module fixtures are
    built once; every file that uses `pipeline_home` shares one worker, so that home is built once."""
    shared = {item.path for item in items if SHARED_HOME in item.fixturenames}
    for item in items:
        group = SHARED_HOME if item.path in shared else item.path.relative_to(REPO).as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
        item.add_marker(_kind(item))
        item.stash[GROUP] = group
    items.sort(key=lambda item: FIRST.index(item.stash[GROUP]) if item.stash[GROUP] in FIRST else len(FIRST))


KILL_TESTS = REPO / "tests" / "test_kill_safety.py"


@lru_cache(maxsize=None)
def _runs_pipelines(path: Path) -> bool:
    """The test file runs Dagster jobs or the whole pipeline itself."""
    text = path.read_text()
    return "run_pipeline(" in text or "execute_in_process(" in text


def _kind(item) -> pytest.MarkDecorator:
    """`kill` (runs killed mid-stage), `e2e` (a real pipeline on the slice: the shared home, one of the test's own,
    or a file marked e2e) or `unit` (everything else: `make quick`)."""
    if item.path == KILL_TESTS:
        return pytest.mark.kill
    if item.get_closest_marker("e2e") or SHARED_HOME in item.fixturenames or _runs_pipelines(item.path):
        return pytest.mark.e2e
    return pytest.mark.unit


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
