"""The nightly refresh of the whole graph, and one job per stage for manual runs."""

from dagster import AssetSelection, DefaultScheduleStatus, Definitions, ScheduleDefinition, define_asset_job

ingest_job = define_asset_job("ingest_job", selection=AssetSelection.groups("ingest"))
transform_job = define_asset_job(
    "transform_job", selection=AssetSelection.groups("seeds", "staging", "intermediate", "marts")
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

defs = Definitions(jobs=[ingest_job, transform_job, train_job, full_refresh_job], schedules=[nightly_refresh])
