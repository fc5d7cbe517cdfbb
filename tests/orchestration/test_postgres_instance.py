"""Past one machine: the same Definitions on a Dagster instance whose runs, events and concurrency slots live in a
real PostgreSQL server (dagster-postgres): the ingest stage by `modellens pipeline`, the transform stage by the
`dagster` CLI with the multiprocess executor (the ingest job's 78 steps would each start a process of their own,
minutes of imports on two cores)."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus

from orchestration.settings import INSTANCE_CONFIG
from tests.postgres import postgres_server

pytestmark = pytest.mark.e2e
SOURCES = "robustbench,alpaca_eval"
BIN = Path(sys.executable).parent
MULTIPROCESS = {"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}}


@pytest.fixture
def postgres_instance(tmp_path):
    """A DAGSTER_HOME whose dagster.yaml is the pipeline's own (concurrency pools, retries) plus PostgreSQL storage."""
    with postgres_server() as url:
        dagster_home = tmp_path / "dagster"
        dagster_home.mkdir()
        config = yaml.safe_load(INSTANCE_CONFIG) | {"storage": {"postgres": {"postgres_url": url}}}
        (dagster_home / "dagster.yaml").write_text(yaml.safe_dump(config))
        yield dagster_home


def _run(command: list, dagster_home: Path, home: Path, snapshot_dir: Path) -> None:
    env = {"DAGSTER_HOME": str(dagster_home), "MODELLENS_HOME": str(home), "MODELLENS_SNAPSHOT_DIR": str(snapshot_dir),
           "MODELLENS_SOURCES": SOURCES, "PATH": f"{BIN}:/usr/bin:/bin"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]


def test_the_definitions_run_multiprocess_on_postgres(postgres_instance, snapshot_dir, tmp_path):
    home, run_config = tmp_path / "home", tmp_path / "multiprocess.yaml"
    run_config.write_text(yaml.safe_dump(MULTIPROCESS))
    _run([BIN / "modellens", "pipeline", "--stage", "ingest"], postgres_instance, home, snapshot_dir)
    _run([BIN / "dagster", "job", "execute", "-m", "orchestration.definitions", "-j", "transform_job",
          "-c", run_config], postgres_instance, home, snapshot_dir)

    with DagsterInstance.from_config(str(postgres_instance)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        runs = instance.get_runs()
        assert sorted(run.job_name for run in runs) == ["ingest_job", "transform_job"]
        assert all(run.status == DagsterRunStatus.SUCCESS for run in runs)
        (transform,) = [run for run in runs if run.job_name == "transform_job"]
        logs = instance.all_logs(transform.run_id)
        starts = [e.dagster_event.pid for e in logs if e.dagster_event_type == DagsterEventType.STEP_START]
        assert len(set(starts)) == len(starts) == 2  # dbt and the GX check, each in a process of its own
        for key in ("raw_robustbench", "raw_alpaca_eval", "fct_evaluations", "dim_models"):
            assert instance.get_latest_materialization_event(AssetKey(key)) is not None, key
        checks = [e.dagster_event.event_specific_data for e in logs
                  if e.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION]
        assert len(checks) > 20 and all(c.passed for c in checks)  # the dbt tests, recorded in PostgreSQL too

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        query = "select count(*), count(distinct dataset_id) from fct_evaluations"
        evaluations, datasets = con.execute(query).fetchone()
    assert evaluations > 1000 and datasets > 2
