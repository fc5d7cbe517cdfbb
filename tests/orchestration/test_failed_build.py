"""A dbt build that fails leaves the live warehouse as it was and reports no materialization of its copy."""

import duckdb
from dagster import DagsterInstance

RUN_CONFIG = {"ops": {"benchmark_dbt_assets": {"config": {"force": True}}}}


def test_failed_dbt_build_changes_nothing(alpaca_home):
    _, home = alpaca_home
    from orchestration.definitions import defs

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
