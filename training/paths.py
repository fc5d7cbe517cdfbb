"""Where state lives: every path under MODELLENS_HOME, for every layer (plain Python: no dagster, no MLflow)."""

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


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def landing_dir() -> Path:
    return home() / "landing"


def mlflow_uri() -> str:
    return f"sqlite:///{home() / 'mlflow' / 'mlflow.db'}"


def mlflow_artifacts() -> Path:
    return home() / "mlflow" / "artifacts"


def cache_dir() -> Path:
    """Text embeddings by text hash: MODELLENS_HOME/cache, or MODELLENS_CACHE_DIR to share one among homes."""
    return Path(os.environ.get("MODELLENS_CACHE_DIR", home() / "cache")).resolve()


def requests_dir() -> Path:
    return home() / "requests"


def atlas_dir() -> Path:
    """The atlas page and its PNG preview (written by the `atlas` asset)."""
    return home() / "atlas"
