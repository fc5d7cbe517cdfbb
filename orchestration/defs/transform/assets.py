"""Every dbt model is an asset and every dbt test an asset check, run by dagster-dbt in the DuckDB warehouse."""

import shutil
import sys
from pathlib import Path

from dagster import AssetExecutionContext, Config, Definitions
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.transform.project import dbt_project
from orchestration.lib.dbt_args import dbt_build_args
from orchestration.lib.translator import ModelLensDbtTranslator
from orchestration.settings import ensure_home

WAREHOUSE_POOL = "duckdb_writer"


def dbt_executable() -> str:
    """dbt from PATH, else the one installed beside this interpreter (a venv that was never activated)."""
    return shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")

class DbtBuildConfig(Config):
    full_refresh: bool = False

@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ModelLensDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def benchmark_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Clean, normalise and deduplicate the landed records into the benchmark marts."""
    ensure_home()
    yield from dbt.cli(dbt_build_args(full_refresh=config.full_refresh), context=context).stream()

defs = Definitions(
    assets=[benchmark_dbt_assets],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
