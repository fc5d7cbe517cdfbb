"""The routing evaluation after promotion: do ModelLens pools make query-level routers better?

It retrains ModelLens without the routing data's records (several minutes on the full benchmark), so it runs in
its own weekly job, not in the nightly refresh."""

from typing import Optional

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Config,
    DefaultScheduleStatus,
    Definitions,
    MaterializeResult,
    MetadataValue,
    ScheduleDefinition,
    asset,
    define_asset_job,
)

from orchestration.defs.train.assets import champion_model
from orchestration.resources import ModelLensHome

GROUP = "evaluate"


class RouteEvalConfig(Config):
    seeds: list[int] = [0, 1, 2]
    epochs: Optional[int] = None  # default: TrainConfig's, as `modellens route-eval`
    max_minutes: float = 3.0  # wall-clock budget of the masked ModelLens fit
    max_queries: Optional[int] = None  # only the first N queries of each set (a quick run)


@asset(
    deps=[champion_model],
    group_name=GROUP,
    kinds={"pytorch"},
    owners=["team:ml"],
    description="Routers (kNN, MLP, matrix factorisation) over Top-K pools from ModelLens (retrained without the "
    "routing data) and from random, popularity, global strength and oracle pools, on real per-query outcomes "
    "(AlpacaEval, LLMRouter). Writes MODELLENS_HOME/reports/route_eval.json.",
)
def route_eval(context: AssetExecutionContext, config: RouteEvalConfig, home: ModelLensHome) -> MaterializeResult:
    from serving import route_eval as protocol

    home.ensure()
    report = protocol.run_on_warehouse(home.warehouse, home.routing_dir, home.snapshot_dir, config.seeds,
                                       config.max_queries, config.epochs, config.max_minutes, home.cache_dir)
    path = home.reports / "route_eval.json"
    protocol.write_report(report, path)
    headline = {f"{r['dataset']}_knn_k{r['k']}_gain_vs_random": r["gain_vs_random"] for r in report["rows"]
                if r["pool"] == "modellens" and r["router"] == "knn"}
    context.log.info(f"route-eval: {headline}")
    return MaterializeResult(metadata={"table": MetadataValue.md(protocol.format_table(report["rows"])),
                                       "report": MetadataValue.path(str(path)), **headline})


route_eval_job = define_asset_job("route_eval_job", selection=AssetSelection.groups(GROUP))

weekly_route_eval = ScheduleDefinition(
    name="weekly_route_eval",
    job=route_eval_job,
    cron_schedule="0 5 * * 0",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Sundays after the nightly refresh: the routing evaluation of the current benchmark.",
)

defs = Definitions(assets=[route_eval], jobs=[route_eval_job], schedules=[weekly_route_eval])
