"""One raw_<source> asset per leaderboard source: read (or fetch) → parse → land as parquet + quarantine."""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    AssetExecutionContext,
    AssetsDefinition,
    Backoff,
    Config,
    DataVersion,
    Definitions,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
    asset_check,
)

from orchestration.lib.gx_checks import raw_records_suite, validate, with_bounded_value
from orchestration.resources import ModelLensHome, Sources
from orchestration.sources import registry
from orchestration.sources.landing import damaged_inputs, land, land_empty_if_missing, read_manifest
from orchestration.sources.live import land_live


class LiveSourceConfig(Config):
    """Live sources need network and are off unless enabled here or by the `sources` resource."""

    enabled: bool = False
    limit: int = 1000


def _landing_metadata(result) -> dict:
    return {
        "records_read": result.counts["read"],
        "records_loaded": result.counts["loaded"],
        "records_quarantined": result.counts["quarantined"],
        "reconciles": result.reconciles,
        "input_fingerprint": result.fingerprint,
        "skipped_unchanged": result.skipped,
    }


def build_snapshot_asset(source: str) -> AssetsDefinition:
    @asset(
        name=f"raw_{source}",
        group_name="ingest",
        kinds={"python", "parquet"},
        owners=["team:data"],
        description=f"Raw {source} records from the snapshot, landed as parquet (lineage columns, quarantine).",
    )
    def raw_asset(context: AssetExecutionContext, home: ModelLensHome, sources: Sources) -> MaterializeResult:
        home.ensure()
        if source not in sources.snapshot_sources():
            context.log.info(f"{source}: not among this run's sources, landing left as it is")
            return MaterializeResult(
                metadata={**_landing_metadata(land_empty_if_missing(source, home.landing)), "selected": False}
            )
        context.log.info(f"{source}: reading {home.snapshot_dir / source}")
        result = land(registry.connector(source), home.snapshot_dir, home.landing)
        context.log.info(f"{source}: {result.counts} ({'unchanged, skipped' if result.skipped else 'parsed'})")
        return MaterializeResult(metadata={**_landing_metadata(result), "selected": True},
                                 data_version=DataVersion(result.fingerprint))

    return raw_asset


def build_live_asset(source: str) -> AssetsDefinition:
    @asset(
        name=f"raw_{source}",
        group_name="ingest",
        kinds={"python", "parquet"},
        owners=["team:data"],
        description=f"Live {source} records (opt-in, needs network); an empty landing while disabled.",
        retry_policy=RetryPolicy(max_retries=3, delay=60, backoff=Backoff.EXPONENTIAL),
    )
    def raw_asset(context: AssetExecutionContext, config: LiveSourceConfig, home: ModelLensHome,
                  sources: Sources) -> MaterializeResult:
        home.ensure()
        enabled = config.enabled or sources.live_enabled(source)
        if not enabled:
            result = land_empty_if_missing(source, home.landing)
            context.log.info(f"{source}: disabled (enable it in the run config or the sources resource)")
        else:
            result = land_live(source, home.landing, home.state, limit=config.limit)
        return MaterializeResult(metadata={**_landing_metadata(result), "enabled": enabled})

    return raw_asset


def build_raw_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=f"raw_{source}",
        name="gx_raw_records",
        description="Great Expectations on the landed records: required fields, unique ids, loaded share, ranges "
        "(a warning: raw data is what it is; the blocking checks guard the marts).",
    )
    def raw_check(home: ModelLensHome) -> AssetCheckResult:
        folder = home.landing / source
        records = pd.read_parquet(folder / "records.parquet")
        read = read_manifest(folder)["counts"]["read"]
        if read == 0:
            return AssetCheckResult(passed=True, description="nothing landed (source disabled or empty)")
        return validate(
            with_bounded_value(records, "metric_raw"),
            raw_records_suite(read, registry.BY_NAME[source].min_loaded_share),
            f"raw_{source}",
            severity=AssetCheckSeverity.WARN,
        )

    return raw_check


def build_inputs_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=f"raw_{source}",
        name="inputs_readable",
        description="Every input file was read whole. Fails (a warning: what could be read is loaded) naming each "
        "missing, truncated, corrupt or unparseable file and why; its unreadable part is in the quarantine.",
    )
    def inputs_check(home: ModelLensHome) -> AssetCheckResult:
        folder = home.landing / source
        if read_manifest(folder) is None:
            return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, description="nothing landed yet")
        damaged = damaged_inputs(folder)
        files = sorted(set(damaged["source_file"]))
        return AssetCheckResult(
            passed=damaged.empty,
            severity=AssetCheckSeverity.WARN,
            description="every input file read whole"
            if damaged.empty
            else f"{len(files)} damaged input file(s): "
            + "; ".join(f"{row.source_file} ({row.locator}): {row.reason}" for row in damaged.head(5).itertuples()),
            metadata={
                "damaged_files": len(files),
                "damaged_inputs": MetadataValue.json(damaged.head(50).to_dict(orient="records")),
            },
        )

    return inputs_check


raw_assets = [build_snapshot_asset(s) for s in registry.SNAPSHOT_CONNECTORS] + [
    build_live_asset(s) for s in registry.LIVE_CONNECTORS
]

defs = Definitions(
    assets=raw_assets,
    asset_checks=[build(s) for s in registry.ALL_SOURCES for build in (build_raw_check, build_inputs_check)],
)
