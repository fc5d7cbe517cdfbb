"""Where state lives: everything under MODELLENS_HOME (no dagster import, used by the CLI too)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


# The Dagster instance: one op at a time per concurrency pool (DuckDB has a single writer), retries for failed
# runs of the live sources, freshness policies evaluated, no telemetry, training's progress in the run logs.
INSTANCE_CONFIG = """\
concurrency:
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 0
freshness:
  enabled: true
telemetry:
  enabled: false
python_logs:
  python_log_level: INFO
  managed_python_loggers:
    - training
"""


def home() -> Path:
    return Path(os.environ.get("MODELLENS_HOME", REPO_ROOT / ".modellens")).resolve()


def snapshot_dir() -> Path:
    return Path(os.environ.get("MODELLENS_SNAPSHOT_DIR", REPO_ROOT.parent / "shared" / "leaderboards")).resolve()


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


def ensure_home() -> Path:
    """Create the state folders and export the variables dbt and Dagster read."""
    root = home()
    for path in (root, landing_dir(), mlflow_artifacts(), cache_dir(), requests_dir(), root / "dagster"):
        path.mkdir(parents=True, exist_ok=True)
    os.environ["MODELLENS_HOME"] = str(root)
    os.environ.setdefault("DAGSTER_HOME", str(root / "dagster"))
    instance_config = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not instance_config.exists():
        instance_config.parent.mkdir(parents=True, exist_ok=True)
        instance_config.write_text(INSTANCE_CONFIG)
    return root


def open_registry() -> None:
    """Create the state folders and point MLflow at the tracking store and registry under MODELLENS_HOME."""
    from training import registry

    ensure_home()
    registry.configure(mlflow_uri(), mlflow_artifacts())
