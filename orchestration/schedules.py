"""The nightly refresh of the whole graph, one job per stage for manual runs, and freshness checks."""

from datetime import timedelta

from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    ScheduleDefinition,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
    define_asset_job,
)

ingest_job = define_asset_job("ingest_job", selection=AssetSelection.groups("ingest"))
transform_job = define_asset_job(
    "transform_job", selection=AssetSelection.groups("seeds", "staging", "intermediate", "marts")
)
live_ingest_job = define_asset_job(
    "live_ingest_job",
    selection=AssetSelection.assets("raw_hf_hub_live", "raw_pwc_live"),
    tags={"dagster/max_retries": "3", "dagster/retry_strategy": "FROM_FAILURE"},
    description="The opt-in live sources alone; a failed run is retried (the assets also retry with back-off).",
)
train_job = define_asset_job("train_job", selection=AssetSelection.groups("train"))
full_refresh_job = define_asset_job("full_refresh_job", selection=AssetSelection.all())

nightly_refresh = ScheduleDefinition(
    name="nightly_refresh",
    job=full_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every night: ingest every source, dbt build, checks, train, promote, Top-K pools.",
)

# A nightly product: these assets are stale when they were not refreshed within a day and a few hours.
freshness_checks = build_last_update_freshness_checks(
    assets=[AssetKey("fct_evaluations"), AssetKey("modellens_ranker"), AssetKey("topk_pools")],
    lower_bound_delta=timedelta(hours=26),
)
freshness_sensor = build_sensor_for_freshness_checks(
    freshness_checks=freshness_checks, default_status=DefaultSensorStatus.RUNNING
)

defs = Definitions(
    jobs=[ingest_job, live_ingest_job, transform_job, train_job, full_refresh_job],
    schedules=[nightly_refresh],
    asset_checks=freshness_checks,
    sensors=[freshness_sensor],
)
