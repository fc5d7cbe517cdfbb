"""Top-K pools from the champion, for every benchmark dataset and every dataset request; the atlas; the requests
sensor."""

import pandas as pd

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Config,
    DataVersion,
    Definitions,
    MaterializeResult,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    define_asset_job,
    sensor,
)

from orchestration.defs.serve.atlas import atlas
from orchestration.defs.train.assets import champion_model
from orchestration.defs.transform.assets import WAREHOUSE_POOL
from orchestration.lib.build_state import read_state, write_state
from orchestration.resources import MlflowRegistry, ModelLensHome
from serving import pools
from serving.requests import read_requests, requests_fingerprint


class PoolsConfig(Config):
    k: int = 10


@asset(
    deps=[champion_model],
    group_name="serve",
    kinds={"duckdb"},
    owners=["team:ml"],
    pool=WAREHOUSE_POOL,
    description="Top-K models per benchmark dataset and per dataset request, from models:/modellens@champion.",
)
def topk_pools(context: AssetExecutionContext, config: PoolsConfig, home: ModelLensHome,
               mlflow_registry: MlflowRegistry) -> MaterializeResult:
    from training import registry  # MLflow, when the asset runs (see the train assets)

    mlflow_registry.open(home.ensure())
    version = registry.alias_version(registry.CHAMPION)
    built = read_state(home.state, "dbt_build")
    fingerprint = f"{version}|{config.k}|{built}|{requests_fingerprint(home.requests)}"
    if read_state(home.state, "topk_pools") == fingerprint:
        context.log.info(f"champion v{version}, benchmark and requests unchanged: pools are current")
        return MaterializeResult(metadata={"model_version": version, "skipped_unchanged": True},
                                 data_version=DataVersion(fingerprint))
    ranker = registry.load_ranker(registry.model_uri())
    request_queries, errors = read_requests(home.requests)
    for error in errors:
        context.log.warning(f"dataset request rejected: {error}")
    frames = [
        pools.compute_pools(ranker, pools.benchmark_queries(home.warehouse), config.k, version, "benchmark"),
        pools.compute_pools(ranker, request_queries, config.k, version, "request"),
    ]
    table = pd.concat(frames, ignore_index=True)
    pools.write_pools(home.warehouse, table)
    write_state(home.state, "topk_pools", fingerprint)
    return MaterializeResult(
        metadata={
            "model_version": version,
            "benchmark_pools": int(frames[0]["query_id"].nunique()),
            "request_pools": int(frames[1]["query_id"].nunique()),
            "rejected_requests": len(errors),
            "rows": len(table),
            "skipped_unchanged": False,
        },
        data_version=DataVersion(fingerprint),
    )


serve_job = define_asset_job("serve_job", selection=AssetSelection.assets(topk_pools, atlas))


@sensor(job=serve_job, minimum_interval_seconds=30,
        description="Recompute pools and redraw the atlas when dataset requests change.")
def dataset_requests_sensor(context: SensorEvaluationContext, home: ModelLensHome):
    fingerprint = requests_fingerprint(home.ensure().requests)
    if fingerprint == context.cursor:
        return SkipReason("no new or changed dataset requests")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=f"requests-{fingerprint}")


defs = Definitions(assets=[topk_pools, atlas], jobs=[serve_job], sensors=[dataset_requests_sensor])
