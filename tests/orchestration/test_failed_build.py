"""A dbt build that fails leaves the live warehouse as it was and reports no materialization of its copy."""

import shutil

import duckdb
from dagster import DagsterInstance

RUN_CONFIG = {"ops": {"benchmark_dbt_assets": {"config": {"force": True}}}}


def test_failed_dbt_build_changes_nothing(snapshot_dir, tmp_path, monkeypatch):
    snap = tmp_path / "snapshot"
    shutil.copytree(snapshot_dir / "alpaca_eval", snap / "alpaca_eval")
    home = tmp_path / "home"
    monkeypatch.setenv("MODELLENS_HOME", str(home))
    monkeypatch.setenv("MODELLENS_SNAPSHOT_DIR", str(snap))
    monkeypatch.setenv("MODELLENS_SOURCES", "alpaca_eval")
    from orchestration.definitions import defs
    from orchestration.settings import ensure_home

    ensure_home()
    with DagsterInstance.ephemeral() as instance:
        assert defs.resolve_job_def("ingest_job").execute_in_process(instance=instance).success
        transform = defs.resolve_job_def("transform_job")
        transform.execute_in_process(instance=instance, raise_on_error=False)
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            before = con.execute("select count(*), sum(value) from fct_evaluations").fetchone()
        assert before[0] > 500

        (home / "landing" / "alpaca_eval" / "records.parquet").write_bytes(b"not parquet")
        failed = transform.execute_in_process(instance=instance, raise_on_error=False, run_config=RUN_CONFIG)

        assert not failed.success  # dbt cannot read the landing: seeds were built into the copy, then it failed
        assert not [e for e in failed.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute("select count(*), sum(value) from fct_evaluations").fetchone() == before
