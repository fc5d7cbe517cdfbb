"""A run killed during ingestion, dbt build or training leaves warehouse, registry and pools as they were."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from tests.conftest import FAST_TRAINING

SOURCES = ["alpaca_eval", "robustbench", "livebench"]
BIN = Path(sys.executable).parent


def pipeline(env, kill_after: str | None = None, delay: float = 0.5, stages: tuple[str, ...] = ()) -> int:
    """Run `modellens pipeline` (only ``stages`` if given) in its own process group; SIGKILL it once an output line
    (run log or dbt's own log) contains `kill_after`."""
    proc = subprocess.Popen(
        [str(BIN / "modellens"), "pipeline", "--config", env["RUN_CONFIG"], *(a for s in stages for a in ("--stage", s))],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if kill_after and kill_after in line:
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return -9
    code = proc.wait()
    assert not kill_after, f"never saw {kill_after!r}:\n{''.join(seen[-30:])}"
    return code


def benchmark(home: Path) -> dict:
    """The marts' sizes and the sum of every value."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("fct_evaluations", "dim_models", "dim_datasets")}
        tables["value_sum"] = con.execute("select round(sum(value), 6) from fct_evaluations").fetchone()[0]
    return tables


def state(home: Path) -> dict:
    """What a killed run must not change: the marts and pools, and the registry's versions and aliases."""
    tables = benchmark(home)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables["topk_pools"], tables["pooled_queries"] = con.execute(
            "select count(*), count(distinct query_id) from topk_pools").fetchone()
    from mlflow import MlflowClient

    uri = f"sqlite:///{home / 'mlflow' / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)  # not the process-wide MLflow settings
    model = client.get_registered_model("modellens")
    versions = sorted(v.version for v in client.search_model_versions("name='modellens'"))
    return {"tables": tables, "aliases": dict(model.aliases), "versions": versions}


def landing_is_whole(home: Path) -> None:
    """Every source folder is a complete landing (old or new), never half of one."""
    for manifest in (home / "landing").glob("*/manifest.json"):
        counts = json.loads(manifest.read_text())["counts"]
        assert len(pd.read_parquet(manifest.parent / "records.parquet")) == counts["loaded"]


@pytest.fixture(scope="module")
def env(tmp_path_factory, snapshot_dir, embedding_cache):
    root = tmp_path_factory.mktemp("kill")
    snap = root / "snapshot"
    for source in SOURCES:
        shutil.copytree(snapshot_dir / source, snap / source)
    config = root / "run_config.yaml"
    config.write_text(yaml.safe_dump(FAST_TRAINING))
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MODELLENS_", "DAGSTER_"))}
    environ = dict(
        inherited,
        MODELLENS_HOME=str(root / "home"),
        DAGSTER_HOME=str(root / "home" / "dagster"),
        MODELLENS_SNAPSHOT_DIR=str(snap),
        MODELLENS_CACHE_DIR=str(embedding_cache),
        MODELLENS_SOURCES=",".join(SOURCES),
        RUN_CONFIG=str(config),
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
    )
    assert pipeline(environ) == 0
    return environ


def change_inputs(snap: Path, tag: str) -> None:
    """New upstream data: one more AlpacaEval leaderboard row and one more RobustBench model file."""
    board = next((snap / "alpaca_eval").rglob("*.csv"))
    lines = board.read_text().splitlines()
    board.write_text("\n".join(lines + [lines[1].replace(lines[1].split(",")[0], f"new-model-{tag}", 1)]) + "\n")
    entry = next((snap / "robustbench").rglob("*.json"))
    entry.with_name(f"NewModel{tag.title()}.json").write_text(entry.read_text())


def landed(home: Path) -> int:
    return sum(json.loads(m.read_text())["counts"]["loaded"] for m in (home / "landing").glob("*/manifest.json"))


def test_runs_killed_in_each_stage_change_nothing_and_the_next_run_recovers(env):
    """New upstream data, then one run killed in each stage in turn (ingestion, the dbt build, training): each
    kill leaves what its stage writes as it was, the next run redoes that stage, and a last run completes."""
    home, snap = Path(env["MODELLENS_HOME"]), Path(env["MODELLENS_SNAPSHOT_DIR"])
    before, records_before = state(home), landed(home)
    change_inputs(snap, "new")

    assert pipeline(env, kill_after="livebench: reading") == -9
    assert state(home) == before  # a source may have landed already, but never half of one
    landing_is_whole(home)

    assert pipeline(env, kill_after="OK created sql") == -9  # dbt has built its first model into the copy
    assert state(home) == before
    assert landed(home) > records_before  # ingestion, killed last time, completed
    landing_is_whole(home)

    assert pipeline(env, kill_after="modellens_ranker - training on") == -9
    killed = state(home)
    assert killed["tables"]["fct_evaluations"] > before["tables"]["fct_evaluations"]  # the dbt build completed
    for t in ("topk_pools", "pooled_queries"):
        assert killed["tables"][t] == before["tables"][t]
    assert (killed["aliases"], killed["versions"]) == (before["aliases"], before["versions"])

    assert pipeline(env) == 0
    after = state(home)
    assert after["tables"]["fct_evaluations"] == killed["tables"]["fct_evaluations"]
    assert len(after["versions"]) == len(before["versions"]) + 1
    assert after["tables"]["pooled_queries"] >= 0.9 * after["tables"]["dim_datasets"]  # pools of the new benchmark


def test_recovered_home_matches_a_clean_run(env, tmp_path):
    """The benchmark of the home that lived through the kills equals one built from scratch on the same inputs
    (models and pools differ anyway: training is not deterministic across homes)."""
    clean = dict(env, MODELLENS_HOME=str(tmp_path / "home"), DAGSTER_HOME=str(tmp_path / "home" / "dagster"))
    assert pipeline(clean, stages=("ingest", "transform")) == 0
    assert benchmark(Path(env["MODELLENS_HOME"])) == benchmark(tmp_path / "home")
