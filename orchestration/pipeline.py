"""`modellens pipeline`: materialize the asset graph in-process, stage by stage, with progress."""

from __future__ import annotations

import os
import sys
import time

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from orchestration.settings import ensure_home

STAGES = {"ingest": "ingest_job", "transform": "transform_job", "train": "train_job", "serve": "serve_job",
          "route": "route_eval_job"}
DEFAULT_STAGES = ("ingest", "transform", "train", "serve")  # `route` (a retraining evaluation) runs when asked


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


PID_TAG = "modellens/pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_orphaned_runs(instance: DagsterInstance) -> list[str]:
    """Runs of an earlier `modellens pipeline` process that was killed stay STARTED and keep their concurrency
    slot (the DuckDB writer pool) forever: mark them failed and free the slots."""
    orphans = []
    for run in instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])):
        pid = run.tags.get(PID_TAG)
        if pid and not _alive(int(pid)):
            instance.report_run_failed(run)
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            orphans.append(run.run_id)
    return orphans


def run_pipeline(stages: list[str] | None = None, run_config: dict | None = None) -> bool:
    """Run the chosen stages (default: DEFAULT_STAGES) in order; stop at the first failed stage.

    ``run_config`` maps a stage to the Dagster run config of its job (e.g. training hyper-parameters).
    """
    ensure_home()
    from orchestration.definitions import defs

    instance = DagsterInstance.get()
    for run_id in release_orphaned_runs(instance):
        _say(f"[modellens] run {run_id} was killed earlier: marked failed, its concurrency slots released")
    started = time.monotonic()
    for stage in stages or DEFAULT_STAGES:
        _say(f"[modellens] {stage}: running {STAGES[stage]} ...")
        stage_start = time.monotonic()
        result = defs.resolve_job_def(STAGES[stage]).execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=(run_config or {}).get(stage, {}),
            tags={PID_TAG: str(os.getpid())},
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
