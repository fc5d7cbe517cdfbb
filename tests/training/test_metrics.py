"""Ranking metrics on hand-computed tiny lists."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from training.metrics import (
    evaluate_lists,
    hit_at_k,
    list_metrics,
    mrr_of_best,
    ndcg_at_k,
    recall_at_k,
    spearman,
    top1_regret,
    weighted_tau,
)

Y = np.array([3.0, 2.0, 1.0, 0.0])


def test_perfect_ranking_scores_one():
    m = list_metrics(Y, Y * 10 + 1)  # any increasing transform of the truth
    assert m["wtau"] == pytest.approx(1) and m["spearman"] == pytest.approx(1)
    assert all(m[f"ndcg@{k}"] == pytest.approx(1) for k in (1, 10, 30))
    assert m["hit@1"] == 1 and m["rec@5"] == 1 and m["mrr"] == 1 and m["regret@1"] == 0


def test_reversed_ranking():
    m = list_metrics(Y, -Y)
    assert m["wtau"] == pytest.approx(-1) and m["spearman"] == pytest.approx(-1)
    assert m["ndcg@1"] == 0  # the worst model has gain 2^0 - 1 = 0
    assert m["hit@1"] == 0 and m["hit@3"] == 0 and m["hit@5"] == 1
    assert m["mrr"] == pytest.approx(1 / 4) and m["regret@1"] == pytest.approx(3)


def test_ndcg_hand_computed():
    y = np.array([0.0, 1.0, 2.0])  # rel 0, .5, 1 -> gains 0, sqrt2 - 1, 1
    pred = np.array([0.0, 2.0, 1.0])  # predicted order: item 1, item 2, item 0
    g = math.sqrt(2) - 1
    expected = (g + 1 / math.log2(3)) / (1 + g / math.log2(3))
    assert ndcg_at_k(y, pred, 2) == pytest.approx(expected)
    assert ndcg_at_k(y, pred, 1) == pytest.approx(g)
    # min-max scaling: shifting or scaling the truth changes nothing
    assert ndcg_at_k(5 * y - 7, pred, 2) == pytest.approx(expected)


def test_hit_counts_any_tied_best():
    y = np.array([1.0, 1.0, 0.0])
    assert hit_at_k(y, np.array([0.0, 1.0, 0.5]), 1) == 1  # item 1 is tied best
    assert hit_at_k(y, np.array([0.0, 0.5, 1.0]), 1) == 0
    assert hit_at_k(y, np.array([0.0, 0.5, 1.0]), 2) == 1
    assert mrr_of_best(y, np.array([0.0, 0.5, 1.0])) == pytest.approx(1 / 2)


def test_recall_at_k():
    y = np.array([4.0, 3.0, 2.0, 1.0, 0.0])
    assert recall_at_k(y, np.array([5.0, 1.0, 2.0, 3.0, 4.0]), 2) == pytest.approx(1 / 2)  # top-2 = {0, 4}
    assert recall_at_k(y, y, 3) == 1
    # ties at the k-th value: any of the tied models counts
    assert recall_at_k(np.array([2.0, 1.0, 1.0, 0.0]), np.array([3.0, 0.0, 2.0, 1.0]), 2) == 1


def test_regret_is_true_gap_of_predicted_top1():
    assert top1_regret(np.array([2.0, 1.0, 0.0]), np.array([0.0, 1.0, 0.5])) == pytest.approx(1.0)


def test_weighted_tau_weights_follow_the_true_ranking():
    """Brute-force tau_h: discordant pairs weigh 1/(r_i+1) + 1/(r_j+1), r = rank in the TRUE order."""
    rng = np.random.default_rng(0)
    y = rng.normal(size=8)
    for _ in range(5):
        p = rng.normal(size=8)
        r = np.argsort(np.argsort(-y))
        num = den = 0.0
        for i, j in itertools.combinations(range(8), 2):
            w = 1 / (r[i] + 1) + 1 / (r[j] + 1)
            num += w * np.sign(y[i] - y[j]) * np.sign(p[i] - p[j])
            den += w
        assert weighted_tau(y, p) == pytest.approx(num / den)
    # top-weighted: swapping the two best costs more than swapping the two worst
    y = np.arange(5.0)[::-1]
    assert weighted_tau(y, np.array([3.0, 4, 2, 1, 0])) < weighted_tau(y, np.array([4.0, 3, 2, 0, 1]))


def test_spearman_constant_prediction_is_zero():
    assert spearman(Y, np.zeros(4)) == 0 and weighted_tau(Y, np.zeros(4)) == 0


def test_evaluate_lists_drops_unscorable_and_breaks_ties_at_random():
    rows = pd.DataFrame({
        "list_id": ["a", "a", "a", "b", "c", "c"],
        "z_score": [1.0, 0.0, -1.0, 0.5, 0.0, 0.0],  # b: one model; c: constant truth
    })
    out = evaluate_lists(rows, np.array([3.0, 2.0, 1.0, 0.0, 1.0, 2.0]))
    assert out["n_lists"] == 1 and out["ndcg@10"] == pytest.approx(1)
    with pytest.raises(ValueError):
        evaluate_lists(rows, np.zeros(3))
    # 200 lists whose rows are stored best first: a constant predictor must not get the row order for free
    n = 200
    many = pd.DataFrame({"list_id": np.repeat(np.arange(n).astype(str), 5), "z_score": np.tile([2.0, 1, 0, -1, -2], n)})
    hit1 = evaluate_lists(many, np.zeros(len(many)), seed=0)["hit@1"]
    assert 0.1 < hit1 < 0.3  # about 1/5
