"""Where state lives: every path under MODELLENS_HOME, for every layer (plain Python: no dagster, no MLflow). Each
takes the home as ``root`` (the pipeline's `ModelLensHome` resource passes its own), else reads MODELLENS_HOME."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def home() -> Path:
    return Path(os.environ.get("MODELLENS_HOME", REPO_ROOT / ".modellens")).resolve()


def snapshot_dir() -> Path:
    return Path(os.environ.get("MODELLENS_SNAPSHOT_DIR", REPO_ROOT.parent / "shared" / "leaderboards")).resolve()


def routing_dir() -> Path:
    """Real per-query outcomes for the routing evaluation (``../shared/routing``, or MODELLENS_ROUTING_DIR)."""
    return Path(os.environ.get("MODELLENS_ROUTING_DIR", snapshot_dir().parent / "routing")).resolve()


def warehouse_path(root: Path | None = None) -> Path:
    return (root or home()) / "warehouse.duckdb"


def landing_dir(root: Path | None = None) -> Path:
    return (root or home()) / "landing"


def mlflow_uri(root: Path | None = None) -> str:
    return f"sqlite:///{(root or home()) / 'mlflow' / 'mlflow.db'}"


def mlflow_artifacts(root: Path | None = None) -> Path:
    return (root or home()) / "mlflow" / "artifacts"


def cache_dir(root: Path | None = None) -> Path:
    """Text embeddings by text hash: ``root``/cache for a home given explicitly; for the environment's home,
    MODELLENS_CACHE_DIR (to share one cache among homes) or MODELLENS_HOME/cache."""
    if root is not None:
        return root / "cache"
    return Path(os.environ.get("MODELLENS_CACHE_DIR", home() / "cache")).resolve()


def requests_dir(root: Path | None = None) -> Path:
    return (root or home()) / "requests"


def atlas_dir(root: Path | None = None) -> Path:
    """The atlas page and its PNG preview (written by the `atlas` asset)."""
    return (root or home()) / "atlas"


def state_dir(root: Path | None = None) -> Path:
    """Fingerprints of what each stage was built from, and the live sources' cursors."""
    return (root or home()) / "state"


def reports_dir(root: Path | None = None) -> Path:
    return (root or home()) / "reports"
