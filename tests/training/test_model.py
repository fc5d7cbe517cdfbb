import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import spearmanr

from tests.training.toy_bench import HELD_MODELS, TEST_DATASETS, fake_embed, toy_benchmark, trained_toy
from training.data import Benchmark
from training.features import hash_token, name_tokens, size_bucket
from training.queries import Query
from training.trainer import TrainConfig, train_ranker


def test_learns_planted_structure_on_unseen_datasets():
    bench, ranker = trained_toy()
    test = bench.evals[bench.evals["dataset_id"].isin(TEST_DATASETS)]
    rhos = []
    for list_id, rows in test.groupby("list_id"):
        dataset = bench.datasets.loc[rows["dataset_id"].iloc[0]]
        query = Query(list_id, "renamed-" + rows["dataset_id"].iloc[0], description=dataset["description"],
                      task=dataset["task"], metric=rows["metric_id"].iloc[0])
        scores = ranker.score_pairs(rows["model_id"].tolist(), None, query)  # unseen list, from metadata only
        rhos.append(spearmanr(scores, rows["signed_value"]).statistic)
    assert min(rhos) > 0.5, rhos  # random scoring would be ~0


def test_scores_unseen_models_from_their_names():
    bench, ranker = trained_toy()
    assert not set(HELD_MODELS) & set(ranker.catalogue.models.loc[ranker.catalogue.models["id_idx"] > 0, "model_id"])
    alpha, beta = HELD_MODELS
    won = []
    for list_id in ["class-set-0|accuracy", "retri-set-1|accuracy", "class-set-2|accuracy", "retri-set-3|error"]:
        a, b = ranker.score_pairs([alpha, beta], list_id, None)
        won.append(a > b if list_id.startswith("class") else b > a)
    assert all(won)


def test_module_predict_agrees_with_full_sort_predict():
    _, ranker = trained_toy()
    module = ranker.module.eval()
    lists = torch.tensor([0, 3])
    with torch.no_grad():
        full = module.full_sort_predict(lists)
        pairs = module.predict(torch.tensor([5, 5, 17]), torch.tensor([0, 3, 3]))
    assert full.shape == (2, len(ranker.model_ids))
    np.testing.assert_allclose(pairs.numpy(), [full[0, 5], full[1, 5], full[1, 17]], rtol=1e-5, atol=1e-5)


def test_internal_validation_split_and_time_budget():
    bench = toy_benchmark(n_datasets=4)
    ranker = train_ranker(bench, TrainConfig(epochs=3, dim=16), embed_fn=fake_embed)
    stats = ranker.meta["stats"]
    # one benchmark held out whole (cold) + a few entries of the other three lists (warm)
    assert stats["train_lists"] == 3 and 2 <= stats["valid_lists"] <= 4 and stats["epochs"] <= 3
    assert set(ranker.meta["blend"]) == {"cold", "warm", "catalogue"}
    assert all("all" in fitted for fitted in ranker.meta["blend"].values())  # families with too few lists back off
    assert len(ranker.meta["history"]) == stats["epochs"]


@pytest.mark.parametrize("model_id, expected", [
    ("timm/resnet50.a1_in1k", ["timm", "resnet50", "a1", "in1k", "resnet", "50", "a", "1", "in", "k"]),
    ("meta-llama/Llama-2-7b", ["meta", "llama", "2", "7b", "7", "b"]),
])
def test_name_tokens(model_id, expected):
    assert name_tokens(model_id) == expected
    assert hash_token("resnet") == hash_token("resnet") < 10_000


def test_size_bucket_from_params_or_name():
    assert size_bucket(None, "org/unknown") == 0
    assert size_bucket(7e9) == size_bucket(None, "meta-llama/llama-2-7b") > size_bucket(125e6)
    assert size_bucket(float("nan"), "eleutherai/pythia-160m") == size_bucket(1.6e8)


def test_train_frame_with_nan_signed_values_is_ignored():
    bench = toy_benchmark(n_datasets=4)
    train = bench.evals.copy()
    train.loc[train.index[:5], "signed_value"] = np.nan
    ranker = train_ranker(bench, TrainConfig(epochs=1, dim=16), train=train, valid=pd.DataFrame(columns=train.columns),
                          embed_fn=fake_embed)
    assert np.isfinite(ranker.score_catalogue("class-set-0|accuracy")).all()


def test_suites_out_views_lack_their_suite_only():
    from training.trainer import _suites_out, build_evidence

    bench, ranker = trained_toy()
    bench = Benchmark.from_frames(bench.evals, bench.models.reset_index(),
                                  bench.datasets.reset_index().assign(suite=lambda d: d["task"]), bench.metrics)
    train = bench.evals[bench.evals["list_id"].isin(ranker._list_row)]
    rows, views = _suites_out(ranker, bench, train, np.random.default_rng(0))
    assert set(rows["list_id"]) == set(views) == set(train["list_id"])  # one family ("other"), both of its suites
    base = build_evidence(ranker.catalogue, train).has_rows
    for list_id, view in views.items():
        same_suite = [ranker._list_row[x] for x in views if x.startswith(list_id[:5])]
        other_suite = [ranker._list_row[x] for x in views if not x.startswith(list_id[:5])]
        assert base[same_suite].any() and not view.evidence.has_rows[same_suite].any()
        assert (view.evidence.has_rows[other_suite] == base[other_suite]).all()
