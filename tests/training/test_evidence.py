"""Evidence features: shrinkage by evidence, nearest-list kNN, applicability, family priors, blend fitting."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.training.toy_bench import HELD_MODELS, trained_toy
from training.evidence import Evidence, fit_blend
from training.metrics import mean_spearman
from training.queries import Query
from training.ranker import Ranker

# 4 lists over 5 models. list 0 (3 models, task 1, modality 1): model 0 wins; lists 1-3 (6 models each, task 1 / 2,
# modality 1 / 2): model 1 is good everywhere, model 4 only ever appears in modality 2.
ROWS = [(0, 0, 1.2), (0, 2, 0.0), (0, 3, -1.2)]
for lst in (1, 2):
    ROWS += [(lst, 1, 1.0), (lst, 2, 0.5), (lst, 3, -0.5), (lst, 0, -1.0)]
ROWS += [(3, 1, 1.0), (3, 4, 0.8), (3, 2, -0.9)]


def evidence(n_tasks: int = 3, **kw) -> Evidence:
    lists, models, z = (np.array(col) for col in zip(*ROWS))
    return Evidence(lists, models, z, list_dataset=np.arange(4), list_task=np.array([1, 1, 1, 2]),
                    list_modality=np.array([1, 1, 1, 2]), model_family=np.array([1, 1, 2, 2, 2]), n_models=5,
                    n_tasks=n_tasks, n_modalities=3, **kw)


def test_a_task_without_records_backs_off_to_its_modality():
    ev = evidence(n_tasks=4)  # task 3 has no lists: a new kind of benchmark
    new, known = ev.strengths(task=3, modality=2), ev.strengths(task=2, modality=2)
    np.testing.assert_allclose(new["task"], new["modality"])
    np.testing.assert_allclose(new["popularity"], np.log1p(ev.modality_n[2]))
    assert new["popularity"][4] > 0 and known["popularity"][4] > 0  # model 4 only has modality-2 rows
    unknown = ev.strengths(task=0, modality=0)
    np.testing.assert_allclose(unknown["task"], unknown["global"])


def test_one_lucky_row_does_not_beat_consistent_evidence():
    strength = evidence().strengths(task=1, modality=1)
    assert strength["task"][1] > strength["task"][0]  # 1.0 on two 4-model lists beats 1.2 on one 3-model list
    assert strength["global"][1] == pytest.approx(max(strength["global"]))
    assert strength["popularity"][1] > strength["popularity"][4] == 0.0  # model 4 has no task-1 rows


def test_knn_follows_the_most_similar_lists():
    ev = evidence(temperature=0.01)
    lists, weights = ev.neighbours(np.array([0.9, 0.1, 0.1, 0.2]))
    assert lists[0] == 0 and weights[0] == 1.0 and weights[1] < 1e-6
    knn, support = ev.knn(lists, weights)
    assert knn.argmax() == 0  # on the query's nearest list, model 0 won
    assert support[4] < 1e-6 < support[0]


def test_applicability_by_task_and_modality():
    ev = evidence()
    assert ev.applicable(task=1, modality=1, min_models=2).tolist() == [True, True, True, True, False]
    assert ev.applicable(task=2, modality=2, min_models=2).tolist() == [False, True, True, False, True]
    assert ev.applicable(task=0, modality=0).all()  # nothing known about the query: nothing excluded


def test_a_thinly_covered_task_does_not_narrow_the_catalogue():
    lists, models, z = (np.array(col) for col in zip(*ROWS))
    ev = Evidence(lists, models, z, list_dataset=np.arange(4), list_task=np.array([2, 1, 1, 1]),
                  list_modality=np.array([1, 1, 1, 2]), model_family=np.array([1, 1, 2, 2, 2]), n_models=5,
                  n_tasks=3, n_modalities=3)  # task 2 = list 0 only: models 0, 2 and 3
    assert ev.applicable(task=2, modality=1, min_models=3).tolist() == [True, False, True, True, False]
    assert ev.applicable(task=2, modality=1).tolist() == [True, True, True, True, False]  # < 100: the modality
    fam = ev.family_strength(modality=2, families=np.array([2, 0]))
    assert fam[0] < 0.5 and fam[1] == 0.0  # family 2 on modality 2: (0.8 - 0.9) shrunk; unknown family: 0


def test_round_trip(tmp_path):
    ev = evidence(shrink=3.0, k=7)
    ev.save(tmp_path / "e.npz")
    loaded = Evidence.load(tmp_path / "e.npz")
    assert (loaded.shrink, loaded.k) == (3.0, 7)
    np.testing.assert_array_equal(loaded.strengths(1, 1)["task"], ev.strengths(1, 1)["task"])


def test_blend_fitting_finds_the_informative_feature():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(30), 8)
    target = rng.normal(size=len(groups))
    features = {"knn": target + 0.1 * rng.normal(size=len(groups)), "latent": rng.normal(size=len(groups))}
    features |= {name: np.zeros(len(groups)) for name in ("task", "modality", "global", "family", "support",
                                                          "popularity")}
    weights, score = fit_blend(features, target, groups, {"latent": 1.0})
    assert weights["knn"] > 0 and weights["latent"] == 0.0 and score > 0.9
    assert mean_spearman(target, target, groups) == pytest.approx(1.0)


def test_catalogue_rankings_keep_to_the_filters():
    _, ranker = trained_toy()
    query = Query("q", "brand-new", description="a classification benchmark")
    small = ranker.rank(replace(query, max_params=1e8), k=30)
    params = ranker.catalogue.models.set_index("model_id")["params"]
    assert small and all(params[m] <= 1e8 for m, _ in small)
    assert len(small) < len(ranker.rank(query, k=30))
    context = ranker.list_context(None, query)
    applicable = ranker.allowed(context, query)
    assert not applicable[[ranker._model_row[m] for m in HELD_MODELS]].any()  # no training records: not proposed
    assert (ranker.allowed(context, replace(query, hf_only=True)) == applicable).all()  # every toy id is a Hub id


def test_a_task_named_in_the_description_is_understood():
    _, toy = trained_toy()
    taxonomy = {"speech recognition": ["speech-recognition", "audio"], "text-classification": ["classification",
                                                                                              "text"]}
    ranker = Ranker(toy.module, toy.catalogue, dict(toy.meta, taxonomy=taxonomy), toy._embed_fn, toy.evidence)
    assert ranker.task_in_text("English call-center Speech-Recognition") == (0, 0)  # not a toy task
    assert ranker.resolve_task("text-classification") == (ranker._index["task"]["classification"],
                                                          ranker._index["modality"]["text"])
    assert ranker.resolve_task("Classification")[0] == ranker._index["task"]["classification"]


def test_mean_spearman_matches_scipy_per_list_with_ties():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(3)
    groups = rng.choice(["a", "b", "c", "d"], 200)
    scores, target = rng.integers(0, 6, 200).astype(float), rng.normal(size=200)  # many tied scores
    scores[groups == "c"] = 1.0  # list c: constant scores count 0
    expected = [0.0 if g == "c" else spearmanr(scores[groups == g], target[groups == g]).statistic
                for g in sorted(set(groups))]
    assert mean_spearman(scores, target, groups) == pytest.approx(np.mean(expected))
