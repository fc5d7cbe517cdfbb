"""The routing evaluation on real per-query outcomes (../shared/routing and AlpacaEval's preferences)."""

import json

import numpy as np
import pytest

from serving import route_eval, routing_data
from serving.routers import ROUTERS, routed_score
from serving.routing_data import RoutingDataError, RoutingSet


@pytest.fixture(scope="module")
def routing_dir(snapshot_dir):
    return snapshot_dir.parent / "routing"


@pytest.fixture(scope="module")
def sets(routing_dir, snapshot_dir):
    return {s.name: s for s in routing_data.load_all(routing_dir, snapshot_dir)}


@pytest.fixture(scope="module")
def embedder(embedding_cache):
    from training.features import TextEmbedder

    return TextEmbedder(cache_dir=embedding_cache)


def test_alpaca_eval_keeps_the_models_judged_on_every_instruction(sets):
    alpaca = sets["alpaca_eval"]
    assert len(alpaca.texts) == 805 and len(set(alpaca.texts)) == 805
    assert len(alpaca.models) == 51 and "gpt4_1106_preview" in alpaca.models
    assert alpaca.dropped["NullModel"].startswith("not a model")
    assert alpaca.dropped["phi-2"] == "judged on 803 of 805 instructions"
    assert not set(alpaca.dropped) & set(alpaca.models)
    assert 0 <= alpaca.outcomes.min() and alpaca.outcomes.max() <= 1
    reference = alpaca.outcomes[:, alpaca.models.index("gpt4_1106_preview")]
    assert abs(reference.mean() - 0.5) < 0.05  # the reference judged against itself


def test_llmrouter_merges_both_files_into_one_row_per_question(sets):
    router = sets["llmrouter"]
    assert len(router.models) == 9 and len(router.texts) == 5989 == len(set(router.texts))
    best = router.models[int(router.outcomes.mean(0).argmax())]
    assert best == "llama-3.1-nemotron-51b-instruct"
    spellings = dict(zip(router.models, router.spellings))
    assert spellings["llama-3.1-8b-instruct"] == ["llama-3.1-8b-instruct", "meta/llama-3.1-8b-instruct"]


def test_a_model_without_an_outcome_on_some_query_is_an_error():
    outcomes = np.array([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(RoutingDataError, match="without an outcome"):
        RoutingSet("tiny", ["a", "b"], ["m1", "m2"], outcomes, [["m1"], ["m2"]], {}, "x", "accuracy")


def test_missing_routing_files_are_named(tmp_path, snapshot_dir):
    with pytest.raises(RoutingDataError, match="routing data not found"):
        routing_data.llmrouter(tmp_path)


def test_every_router_beats_a_random_choice_where_one_model_is_clearly_best(sets, embedder):
    """LLMRouter's first 600 questions: nemotron-51b is best on average, two models are far below it."""
    part = sets["llmrouter"].head(600)
    emb = embedder(part.texts)
    train, test = route_eval.split(len(part.texts), seed=0)
    random_choice = part.outcomes[test].mean()
    everything = np.arange(len(part.models))
    for name, cls in ROUTERS.items():
        predicted = cls(seed=0).fit(emb[train], part.outcomes[train]).predict(emb[test])
        assert routed_score(predicted, part.outcomes[test], everything) > random_choice + 0.1, name


def test_pools_hold_only_models_with_outcomes_and_a_seed_reproduces_them(sets, embedder):
    part = sets["llmrouter"].head(200)
    emb = embedder(part.texts)
    order = np.arange(len(part.models))[::-1]
    orders = {"modellens": order, "popularity": order, "global_strength": order}
    first = route_eval.evaluate_set(part, emb, orders, seed=1)
    assert first == route_eval.evaluate_set(part, emb, orders, seed=1)
    assert first != route_eval.evaluate_set(part, emb, orders, seed=2)
    assert {(r["pool"], r["k"]) for r in first} == {(p, k) for p in route_eval.POOL_METHODS if p != "all"
                                                   for k in (3, 5)} | {("all", 9)}
    for row in first:
        assert set(row["pool_models"]) <= set(part.models)
        assert len(row["pool_models"]) == (0 if row["pool"] == "random" else row["k"])
    for row in route_eval.summarise(first):  # plain numbers: the asset's metadata and R.json take them as they are
        assert all(type(row[key]) is float for key in ("score", "score_std", "gain_vs_random", "gain_vs_all")
                   if row[key] is not None), row


def test_route_eval_command_masks_the_routing_data_and_reports_every_pool(pipeline_home, tmp_path, capsys):
    from serving.cli import main

    out = tmp_path / "R.json"
    args = ["route-eval", "--max-queries", "80", "--seeds", "0", "--epochs", "1", "--max-minutes", "1"]
    assert main(args + ["--output", str(out)]) == 0
    report = json.loads(out.read_text())
    assert "| modellens | 5 |" in capsys.readouterr().out
    alpaca = report["datasets"]["alpaca_eval"]
    assert alpaca["masked_records"] > 0  # the slice loads AlpacaEval's leaderboards: retrained without them
    assert alpaca["queries"] == 80 and sorted(alpaca["modellens_order"]) == sorted(alpaca_models(report))
    rows = report["rows"]
    for dataset, models in (("alpaca_eval", 51), ("llmrouter", 9)):
        mine = [r for r in rows if r["dataset"] == dataset]
        ks = sorted({min(k, models) for k in route_eval.KS if min(k, models) < models})
        assert {(r["pool"], r["router"], r["k"]) for r in mine} == (
            {(p, r, k) for p in route_eval.POOL_METHODS if p != "all" for r in route_eval.ROUTER_NAMES for k in ks}
            | {("all", r, models) for r in route_eval.ROUTER_NAMES})
        for row in mine:
            assert 0 <= row["score"] <= 1 and row["gain_vs_all"] is not None
    with pytest.raises(SystemExit):
        main(["route-eval", "--max-queries", "5"])


def alpaca_models(report):
    return next(r["pool_models"] for r in report["rows"] if r["dataset"] == "alpaca_eval" and r["pool"] == "all")


def test_route_eval_asset_writes_the_report_and_shows_the_table(pipeline_home):
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    config = {"seeds": [0], "epochs": 1, "max_minutes": 1.0, "max_queries": 40}
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("route_eval_job").execute_in_process(
            instance=instance, run_config={"ops": {"route_eval": {"config": config}}})
    assert result.success
    (materialization,) = result.asset_materializations_for_node("route_eval")
    metadata = materialization.metadata
    assert "| modellens | 5 |" in metadata["table"].value
    assert isinstance(metadata["alpaca_eval_knn_k5_gain_vs_random"].value, float)
    report = json.loads((pipeline_home / "reports" / "route_eval.json").read_text())
    assert report["datasets"]["alpaca_eval"]["queries"] == 40 and report["seeds"] == [0]
