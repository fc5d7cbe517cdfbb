"""Protocol splits: disjointness of the held-out groups, reproducibility per seed, variants follow parents."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.training.test_baselines import toy_benchmark
from training.splits import (
    SPLITS,
    both_unseen_split,
    completion_split,
    family_holdout_split,
    leave_one_suite_out_split,
    model_families,
    model_groups,
    new_benchmarks_split,
    unseen_datasets_split,
    unseen_models_split,
)


@pytest.fixture(scope="module")
def bench():
    return toy_benchmark()


@pytest.mark.parametrize("name", list(SPLITS))
def test_split_is_a_reproducible_disjoint_partition(bench, name):
    split = SPLITS[name]
    train, test = split(bench, 3, 0.25)
    assert len(train) and len(test)
    assert not set(train.index) & set(test.index)
    assert set(train.index) | set(test.index) <= set(bench.evals.index)
    again_train, again_test = split(bench, 3, 0.25)
    assert again_train.index.equals(train.index) and again_test.index.equals(test.index)
    if name != "new_benchmarks":  # a time cutoff: the seed only jitters it
        assert not split(bench, 4, 0.25)[1].index.equals(test.index)


def test_completion_holds_out_random_entries(bench):
    train, test = completion_split(bench, 0, 0.3)
    assert 0.2 < len(test) / len(bench.evals) < 0.4
    assert set(test["list_id"]) <= set(train["list_id"])  # lists stay seen


def test_unseen_datasets_keep_all_metrics_of_a_dataset_together(bench):
    train, test = unseen_datasets_split(bench, 0, 0.3)
    assert not set(train["dataset_id"]) & set(test["dataset_id"])
    assert len(test) >= 0.3 * len(bench.evals)


def test_new_benchmarks_are_the_latest_of_each_source_with_their_siblings(bench):
    train, test = new_benchmarks_split(bench, 0, 0.3)
    meta = bench.datasets
    assert not set(train["dataset_id"].map(meta["benchmark"])) & set(test["dataset_id"].map(meta["benchmark"]))
    born = meta.groupby("benchmark")["introduced_date"].min()  # a benchmark dates from its first dataset
    for source in meta["main_source"].unique():
        ids = meta.index[meta["main_source"] == source]
        dates = [rows.loc[rows["dataset_id"].isin(ids), "dataset_id"].map(meta["benchmark"]).map(born)
                 for rows in (train, test)]
        assert len(dates[1]) and dates[0].max() < dates[1].min()  # only the past is trained on


def test_leave_one_suite_out_holds_out_whole_suites_in_every_modality(bench):
    train, test = leave_one_suite_out_split(bench, 0, 0.3)
    suite = bench.datasets["suite"]
    assert not set(train["dataset_id"].map(suite)) & set(test["dataset_id"].map(suite))
    modality = bench.datasets["modality"]
    assert set(test["dataset_id"].map(modality)) == set(modality)


def test_variants_share_a_base_model_group(bench):
    groups = model_groups(bench)
    assert groups["thebloke/alpha-7b-gguf"] == groups["org0/alpha-7b"] == groups["someone/alpha-7b-tuned"]
    assert groups["org0/alpha-7b"] != groups["org0/alpha-13b"]
    fam = model_families(bench)
    assert fam["someone/alpha-7b-tuned"] == fam["org0/alpha-1b"] == "alpha"


def test_group_names_strip_tags_and_packaging_but_not_versions():
    models = pd.DataFrame({"model_id": ["timm/resnet50.a1_in1k", "timm/resnet50.tv_in1k", "meta/llama-3.1-8b",
                                        "meta/llama-3-8b", "x/llama-3.1-8b-awq", "openclip/vit-b-32::laion2b",
                                        "y/tuned-on-tuned", "y/tuned"],
                           "base_model": [None, None, None, None, None, None, "y/tuned", "meta/llama-3.1-8b"]})
    from training.data import Benchmark

    evals = pd.DataFrame({"model_id": models["model_id"], "dataset_id": "d", "metric_id": "m", "list_id": "d|m",
                          "value": 1.0, "higher_is_better": True, "signed_value": 1.0, "z_score": 0.0})
    g = model_groups(Benchmark.from_frames(evals, models, pd.DataFrame({"dataset_id": ["d"]}),
                                           pd.DataFrame({"metric_id": ["m"]})))
    assert g["timm/resnet50.a1_in1k"] == g["timm/resnet50.tv_in1k"] == "resnet50"
    assert g["meta/llama-3.1-8b"] == g["x/llama-3.1-8b-awq"] == g["y/tuned-on-tuned"] == "llama-3.1-8b"
    assert g["meta/llama-3-8b"] == "llama-3-8b"
    assert g["openclip/vit-b-32::laion2b"] == "vit-b-32"


@pytest.mark.parametrize("seed", range(5))
def test_unseen_models_never_split_a_group(bench, seed):
    train, test = unseen_models_split(bench, seed, 0.3)
    groups = model_groups(bench)
    assert not set(train["model_id"].map(groups)) & set(test["model_id"].map(groups))
    assert not set(train["model_id"]) & set(test["model_id"])


@pytest.mark.parametrize("seed", range(5))
def test_both_unseen_holds_out_models_and_datasets(bench, seed):
    train, test = both_unseen_split(bench, seed, 0.4)
    groups = model_groups(bench)
    assert len(test)
    assert not set(train["model_id"].map(groups)) & set(test["model_id"].map(groups))
    assert not set(train["dataset_id"]) & set(test["dataset_id"])


@pytest.mark.parametrize("seed", range(5))
def test_family_holdout_never_splits_a_family(bench, seed):
    train, test = family_holdout_split(bench, seed, 0.3)
    fam = model_families(bench)
    assert not set(train["model_id"].map(fam)) & set(test["model_id"].map(fam))
