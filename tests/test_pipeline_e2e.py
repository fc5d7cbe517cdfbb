"""The whole pipeline, end to end, on a slice of the real snapshot in a temporary MODELLENS_HOME."""

import json

import duckdb
from dagster import AssetKey, DagsterInstance

from tests.conftest import FAST_TRAINING, SLICE


def stats(capsys):
    from serving.cli import main

    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_pipeline_builds_benchmark_champion_and_pools(pipeline_home, capsys):
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        n, keys = con.execute(
            "select count(*), count(distinct (model_id, dataset_id, metric_id)) from fct_evaluations"
        ).fetchone()
        pools = con.execute("select count(distinct query_id), count(*) from topk_pools").fetchone()
        n_datasets = con.execute("select count(*) from dim_datasets").fetchone()[0]
    assert n > 15_000 and n == keys
    built = DagsterInstance.get().get_latest_materialization_event(AssetKey("fct_evaluations")).asset_materialization
    assert built.metadata["dagster/row_count"].value == n
    assert pools[0] >= 0.9 * n_datasets and pools[1] >= pools[0]
    from training import registry

    assert registry.alias_version(registry.CHAMPION) == "1"
    summary = stats(capsys)
    assert summary["records"] == n
    for source in SLICE.split(","):
        counts = summary["source_counts"][source]
        assert counts["read"] == counts["loaded"] + counts["quarantined"] and counts["loaded"] > 0


def test_rank_echoes_every_candidate_known_or_not(pipeline_home, tmp_path, capsys):
    from serving.cli import main

    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        known = [
            row[0] for row in con.sql("select model_id from dim_models order by n_evaluations desc limit 3").fetchall()
        ]
    candidates = [known[0].upper(), "never-seen/model-7b-instruct", known[1], "x", known[2]]
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"query_id": "q1", "dataset": "MMLU", "metric": "exact_match", "candidates": candidates})
        + "\n"
        + json.dumps(
            {
                "query_id": "q2",
                "dataset": "a brand new benchmark",
                "description": "Grade-school math word problems",
                "task": "question answering",
            }
        )
        + "\n"
    )
    out = tmp_path / "r.jsonl"
    assert main(["rank", "--queries", str(queries), "--output", str(out), "--k", "5"]) == 0
    first, second = [json.loads(line) for line in out.read_text().splitlines()]
    assert first["query_id"] == "q1"
    assert sorted(r["model"] for r in first["ranking"]) == sorted(candidates)
    scores = [r["score"] for r in first["ranking"]]
    assert scores == sorted(scores, reverse=True)
    assert second["query_id"] == "q2" and len(second["ranking"]) == 5


def test_malformed_query_line_is_named_and_writes_nothing(pipeline_home, tmp_path, capsys):
    from serving.cli import main

    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"query_id": "q1", "dataset": "MMLU"}) + "\n{oops\n")
    out = tmp_path / "r.jsonl"
    assert main(["rank", "--queries", str(queries), "--output", str(out)]) == 2
    assert f"{queries}:2: not valid JSON" in capsys.readouterr().err
    assert not out.exists()


def test_rerun_with_unchanged_inputs_changes_nothing(pipeline_home, capsys):
    from orchestration.pipeline import run_pipeline
    from training import registry

    before, version = stats(capsys), registry.latest_version()
    assert run_pipeline(run_config=FAST_TRAINING)
    assert stats(capsys) == before
    assert registry.latest_version() == version
    latest = DagsterInstance.get().get_latest_materialization_event(AssetKey("fct_evaluations"))
    assert latest.asset_materialization.metadata["skipped_unchanged"].value is True  # current, not stale
