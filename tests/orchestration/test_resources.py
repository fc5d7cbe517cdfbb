"""Assets get their paths from the `home` resource: a test hands them another home without touching the
environment, and the whole Definitions bind one by default."""

import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from orchestration.resources import MlflowRegistry, ModelLensHome, Sources


def test_an_asset_lands_where_its_resource_says(tmp_path, snapshot_dir, monkeypatch):
    from orchestration.defs.ingest.assets import build_inputs_check, build_raw_check, build_snapshot_asset

    monkeypatch.setenv("MODELLENS_HOME", str(tmp_path / "the-environment's-home"))
    home = ModelLensHome(root=str(tmp_path / "given"), snapshot=str(snapshot_dir))
    source = "robustbench"
    with DagsterInstance.ephemeral() as instance:
        result = materialize([build_snapshot_asset(source), build_raw_check(source), build_inputs_check(source)],
                             resources={"home": home, "sources": Sources(snapshot="robustbench")}, instance=instance)
    assert result.success
    landed = pd.read_parquet(tmp_path / "given" / "landing" / "robustbench" / "records.parquet")
    assert len(landed) > 500 and not (tmp_path / "the-environment's-home" / "landing").exists()
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {"gx_raw_records", "inputs_readable"}
    assert all(e.passed for e in evaluations)


def test_a_source_left_out_of_the_run_lands_nothing(tmp_path, snapshot_dir):
    from orchestration.defs.ingest.assets import build_snapshot_asset

    home = ModelLensHome(root=str(tmp_path), snapshot=str(snapshot_dir))
    with DagsterInstance.ephemeral() as instance:
        result = materialize([build_snapshot_asset("robustbench")], instance=instance,
                             resources={"home": home, "sources": Sources(snapshot="alpaca_eval")})
    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_robustbench")
    assert materialization.metadata["selected"].value is False
    assert materialization.metadata["records_read"].value == 0


def test_sources_name_only_known_ones(monkeypatch):
    monkeypatch.setenv("MODELLENS_SOURCES", "robustbench, alpaca_eval")
    assert Sources().snapshot_sources() == ["robustbench", "alpaca_eval"]
    assert len(Sources(snapshot="").snapshot_sources()) >= 20  # given, even empty, it wins over the environment
    with pytest.raises(ValueError, match="unknown snapshot sources \\['robustbenchh'\\]"):
        Sources(snapshot="robustbenchh").snapshot_sources()
    monkeypatch.setenv("MODELLENS_LIVE_SOURCES", "pwc_live")
    assert Sources().live_enabled("pwc_live") and not Sources(live="hf_hub_live").live_enabled("pwc_live")


def test_definitions_bind_the_home_sources_and_registry():
    from orchestration.definitions import defs

    assert isinstance(defs.resources["home"], ModelLensHome) and isinstance(defs.resources["mlflow_registry"],
                                                                            MlflowRegistry)
    assert isinstance(defs.resources["sources"], Sources)
