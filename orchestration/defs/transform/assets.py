"""Every dbt model is an asset and every dbt test an asset check, run by dagster-dbt in the DuckDB warehouse."""

import shutil
import sys
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    Config,
    DataVersion,
    Definitions,
    MaterializeResult,
    Output,
    asset_check,
)
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.transform.project import dbt_project
from orchestration.lib.build_state import (
    read_state,
    table_row_counts,
    transform_fingerprint,
    warehouse_copy,
    write_state,
)
from orchestration.lib.dbt_args import dbt_build_args
from orchestration.lib.gx_checks import marts_suite, validate, with_bounded_value
from orchestration.lib.translator import ModelLensDbtTranslator
from orchestration.resources import ModelLensHome

WAREHOUSE_POOL = "duckdb_writer"


def dbt_executable() -> str:
    """dbt from PATH, else the one installed beside this interpreter (a venv that was never activated)."""
    return shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")


class DbtBuildConfig(Config):
    full_refresh: bool = False
    force: bool = False  # build even when the landing zone and the dbt project are unchanged


def unchanged_materializations(context: AssetExecutionContext, fingerprint: str, counts: dict[str, int]):
    """A skipped build still marks every selected model current as of this run (what freshness looks at), with
    the build's fingerprint as its data version and the tables' row counts, in dependency order as a multi-asset
    must; the dbt tests then run on it, so every check on the latest materialization is one that ran."""
    deps = context.assets_def.asset_deps
    selected = context.selected_asset_keys
    for key in TopologicalSorter({k: deps.get(k, set()) & selected for k in selected}).static_order():
        rows = {"dagster/row_count": counts[key.path[-1]]} if key.path[-1] in counts else {}
        yield MaterializeResult(asset_key=key, metadata={"skipped_unchanged": True, **rows},
                                data_version=DataVersion(fingerprint))


def build_and_swap(context: AssetExecutionContext, dbt: DbtCliResource, home: ModelLensHome, full_refresh: bool,
                   fingerprint: str):
    """`dbt build` into a copy of the warehouse. The models are reported materialized, with their row counts and
    the build's fingerprint as data version, only once the copy has replaced the live warehouse, then the dbt test
    results; when the build fails, only the test results (they say why)."""
    built, checks = [], []
    try:
        with warehouse_copy(home.warehouse) as build:
            for event in dbt.cli(dbt_build_args(full_refresh=full_refresh), context=context).stream():
                (built if isinstance(event, Output) else checks).append(event)
            try:
                counts = table_row_counts(build)
            except duckdb.Error as err:  # metadata only: never a reason to throw a good build away
                context.log.warning(f"row counts unavailable: {err}")
                counts = {}
    except Exception:
        yield from checks
        raise
    for event in built:
        table = context.asset_key_for_output(event.output_name).path[-1]
        rows = {"dagster/row_count": counts[table]} if table in counts else {}
        yield Output(event.value, event.output_name, metadata={**event.metadata, **rows},
                     data_version=DataVersion(fingerprint), tags=event.tags)
    yield from checks


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ModelLensDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def benchmark_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig,
                         home: ModelLensHome):
    """Clean, normalise and deduplicate the landed records into the benchmark marts."""
    home.ensure()
    whole_project = set(context.selected_asset_keys) == set(context.assets_def.keys)
    fingerprint = transform_fingerprint(home.landing)
    unchanged = whole_project and home.warehouse.exists() and read_state(home.state, "dbt_build") == fingerprint
    if unchanged and not (config.force or config.full_refresh):
        context.log.info("landing zone and dbt project unchanged since the last build: nothing to rebuild, "
                         "the dbt tests run on the current warehouse")
        yield from unchanged_materializations(context, fingerprint, table_row_counts(home.warehouse))
        yield from dbt.cli(["test"], context=context).stream()
        return
    yield from build_and_swap(context, dbt, home, config.full_refresh, fingerprint)
    if whole_project:
        write_state(home.state, "dbt_build", fingerprint)


@asset_check(
    asset=AssetKey("fct_evaluations"),
    blocking=True,
    description="Great Expectations on the benchmark before training: finite z-scores, list sizes, known "
    "directions, value ranges of accuracy-like metrics, unique keys. Blocks training when it fails.",
)
def gx_benchmark_ready(home: ModelLensHome) -> AssetCheckResult:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        frame = con.sql(
            "select model_id || '|' || list_id as key, value, metric_id, z_score, higher_is_better, list_size"
            " from fct_evaluations"
        ).df()
    return validate(with_bounded_value(frame, "metric_id"), marts_suite(), "fct_evaluations")


defs = Definitions(
    assets=[benchmark_dbt_assets],
    asset_checks=[gx_benchmark_ready],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
