"""The nightly refresh of the whole graph, one job per stage for manual runs, and the freshness policy."""

from datetime import timedelta

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    FreshnessPolicy,
    ScheduleDefinition,
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
full_refresh_job = define_asset_job(
    "full_refresh_job", selection=AssetSelection.all() - AssetSelection.groups("evaluate")
)  # the weekly route_eval_job (orchestration/defs/evaluate) retrains on its own

nightly_refresh = ScheduleDefinition(
    name="nightly_refresh",
    job=full_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every night: ingest every source, dbt build, checks, train, promote, Top-K pools.",
)

# A nightly product: an asset is stale (shown in the UI) when no run refreshed it within a day and two hours,
# i.e. one nightly refresh was missed or failed. Unchanged assets are refreshed too (marked skipped_unchanged).
NIGHTLY_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(hours=26), warn_window=timedelta(hours=25))
WEEKLY_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(days=8), warn_window=timedelta(days=7, hours=2))

defs = Definitions(
    jobs=[ingest_job, live_ingest_job, transform_job, train_job, full_refresh_job],
    schedules=[nightly_refresh],
)
