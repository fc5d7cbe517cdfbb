"""`modellens pipeline`: materialize the asset graph in-process, stage by stage, with progress."""

from __future__ import annotations

import sys
import time

from dagster import DagsterInstance

from orchestration.settings import ensure_home

STAGES = {"ingest": "ingest_job", "transform": "transform_job", "train": "train_job", "serve": "topk_pools_job"}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_pipeline(stages: list[str] | None = None, run_config: dict | None = None) -> bool:
    """Run the chosen stages (default: all) in order; stop at the first failed stage.

    ``run_config`` maps a stage to the Dagster run config of its job (e.g. training hyper-parameters).
    """
    ensure_home()
    from orchestration.definitions import defs

    instance = DagsterInstance.get()
    started = time.monotonic()
    for stage in stages or list(STAGES):
        _say(f"[modellens] {stage}: running {STAGES[stage]} ...")
        stage_start = time.monotonic()
        result = defs.resolve_job_def(STAGES[stage]).execute_in_process(
            instance=instance, raise_on_error=False, run_config=(run_config or {}).get(stage, {})
        )
        materialized = [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
        failed_checks = [
            e.event_specific_data
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
        ]
        _say(f"[modellens] {stage}: {len(materialized)} assets materialized in {time.monotonic() - stage_start:.0f}s")
        for check in failed_checks:
            _say(
                f"[modellens]   check failed ({check.severity.value}): {check.asset_key.to_user_string()}:{check.check_name}"
            )
        if not result.success or any(c.severity.value == "ERROR" for c in failed_checks):
            _say(f"[modellens] {stage} FAILED (run {result.run_id}); see the Dagster UI for details")
            return False
    _say(f"[modellens] pipeline done in {time.monotonic() - started:.0f}s")
    return True
