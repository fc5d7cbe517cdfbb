"""Assets get their paths from the `home` resource: a test hands them another home without touching the
environment, and the whole Definitions bind one by default."""

import pandas as pd
from dagster import DagsterInstance, materialize

from orchestration.resources import MlflowRegistry, ModelLensHome


def test_an_asset_lands_where_its_resource_says(tmp_path, snapshot_dir, monkeypatch):
    from orchestration.defs.ingest.assets import build_inputs_check, build_raw_check, build_snapshot_asset

    monkeypatch.setenv("MODELLENS_HOME", str(tmp_path / "the-environment's-home"))
    home = ModelLensHome(root=str(tmp_path / "given"), snapshot=str(snapshot_dir))
    source = "robustbench"
    with DagsterInstance.ephemeral() as instance:
        result = materialize([build_snapshot_asset(source), build_raw_check(source), build_inputs_check(source)],
                             resources={"home": home}, instance=instance)
    assert result.success
    landed = pd.read_parquet(tmp_path / "given" / "landing" / "robustbench" / "records.parquet")
    assert len(landed) > 500 and not (tmp_path / "the-environment's-home" / "landing").exists()
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {"gx_raw_records", "inputs_readable"}
    assert all(e.passed for e in evaluations)


def test_definitions_bind_the_home_and_registry():
    from orchestration.definitions import defs

    assert isinstance(defs.resources["home"], ModelLensHome) and isinstance(defs.resources["mlflow_registry"],
                                                                            MlflowRegistry)
