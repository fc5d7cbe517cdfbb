"""The home as the pipeline process needs it before any run: state folders and the Dagster instance's
configuration (the paths themselves are `training.paths`, shared by every layer; assets get them from the
`ModelLensHome` resource)."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.resources import ModelLensHome
from training.paths import REPO_ROOT

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
    - serving
"""


def ensure_home() -> Path:
    """The environment's home with its folders (as a run's `ModelLensHome.ensure`, which exports it to dbt), and
    the Dagster instance's home and configuration."""
    root = ModelLensHome().ensure().path
    os.environ.setdefault("DAGSTER_HOME", str(root / "dagster"))
    instance_config = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not instance_config.exists():
        instance_config.parent.mkdir(parents=True, exist_ok=True)
        instance_config.write_text(INSTANCE_CONFIG)
    return root
