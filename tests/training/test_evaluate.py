"""The protocol end to end on a tiny inline benchmark: ModelLens (fast config) and every baseline, then the CLI."""

from __future__ import annotations

import duckdb
import pytest

import training.trainer as trainer
from tests.training.test_baselines import hash_embed, toy_benchmark
from training.evaluate import METHODS, format_table, main, run_once, run_protocol
from training.splits import SPLITS, unseen_models_split

FAST = trainer.TrainConfig(epochs=12, dim=16, lists_per_batch=8, patience=12, max_minutes=0.5, threads=1)


@pytest.fixture(scope="module")
def bench():
    return toy_benchmark()


@pytest.fixture(scope="module")
def result(bench):
    return run_protocol(bench, seeds=(0, 1), config=FAST, test_frac=0.3, embed_fn=hash_embed)


def _mean(result, split, method, metric="spearman"):
    rows = result[(result["split"] == split) & (result["method"] == method) & (result["metric"] == metric)
                  & (result["family"] == "all")]
    return float(rows["mean"].iloc[0])


def test_every_split_method_and_metric_is_reported(result):
    assert set(result["split"]) == set(SPLITS) and set(result["method"]) == set(METHODS)
    overall = result[result["family"] == "all"]
    for metric in ("wtau", "ndcg@1", "ndcg@10", "ndcg@30", "hit@1", "rec@5", "spearman", "mrr", "regret@1",
                   "relevant@10", "recall@100", "best@10"):
        assert (overall["metric"] == metric).sum() == len(SPLITS) * len(METHODS)
    assert set(result["family"]) - {"all"}  # and per source family of the test lists
    assert (result["n_seeds"] == 2).all() and (result["std"] >= 0).all()
    per_seed = result.attrs["per_seed"]
    assert set(per_seed["seed"]) == {0, 1} and not result.attrs["skipped"]


@pytest.mark.parametrize("split", ["completion", "unseen_datasets", "unseen_models"])
def test_modellens_learns_the_planted_structure(result, split):
    assert _mean(result, split, "modellens") > _mean(result, split, "random") + 0.3


def test_markdown_table(result):
    table = format_table(result)
    lines = table.splitlines()
    assert lines[0].startswith("| split | method | wtau |") and len(lines) == 2 + len(SPLITS) * len(METHODS)
    assert any("| completion | modellens |" in line and " ± " in line for line in lines)
    assert "**" in table  # the best mean per split and metric is bold
    assert "| relevant@10 | recall@100 | best@10 |" in lines[0]


def test_unseen_models_are_unknown_to_the_trained_ranker(bench, monkeypatch):
    seen = {}

    def spy(bench_, config, train=None, **kwargs):
        seen["train"] = train
        seen["ranker"] = ranker = real(bench_, config, train=train, **kwargs)
        return ranker

    real = trainer.train_ranker
    monkeypatch.setattr(trainer, "train_ranker", spy)
    run_once(bench, "unseen_models", 0, methods=("modellens",), config=FAST, test_frac=0.3, embed_fn=hash_embed)
    train, test = unseen_models_split(bench, 0, 0.3)
    assert seen["train"].index.equals(train.index)
    learned = set(seen["ranker"].catalogue.vocabs["model_id"])
    assert learned and not learned & set(test["model_id"])


def test_max_lists_and_time_budget(bench):
    small = run_protocol(bench, seeds=(0,), splits=["completion"], methods=("random",), max_lists=5)
    assert small[small["metric"] == "n_lists"]["mean"].iloc[0] == 5
    none = run_protocol(bench, seeds=(0, 1), splits=["completion"], methods=("random",), time_budget_minutes=0)
    assert none.attrs["skipped"] == [("completion", 0), ("completion", 1)] and none.empty


def test_cli_writes_a_results_table(bench, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for name, frame in (("fct_evaluations", bench.evals), ("dim_models", bench.models.reset_index()),
                            ("dim_datasets", bench.datasets.reset_index()), ("dim_metrics", bench.metrics.reset_index())):
            con.register("frame", frame)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
    monkeypatch.setenv("MODELLENS_HOME", str(tmp_path))
    out = tmp_path / "results.md"
    assert main(["--seeds", "0", "1", "--splits", "completion", "unseen_datasets", "--methods", "random",
                 "global_strength", "--max-lists", "6", "--output", str(out)]) == 0
    text = out.read_text()
    assert "| unseen_datasets | global_strength |" in text and "mean ± std over seeds" in text
    plots = [tmp_path / f"results.{split}.png" for split in ("completion", "unseen_datasets")]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in plots)
    from mlflow import MlflowClient

    from training import registry

    registry.open_home()
    (run,) = MlflowClient().search_runs([MlflowClient().get_experiment_by_name("modellens-evaluation").experiment_id])
    assert {a.path for a in MlflowClient().list_artifacts(run.info.run_id)} == {"results.md", *(p.name for p in plots)}
    assert run.info.artifact_uri.startswith((tmp_path / "mlflow" / "artifacts").as_uri())  # in the home, not ./mlruns
    with pytest.raises(SystemExit):
        main(["--warehouse", str(tmp_path / "missing.duckdb")])
