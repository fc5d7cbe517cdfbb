"""Ranking metrics of the evaluation protocol, computed per ranking list and averaged over lists.

Every per-list function takes ``y_true`` (the models' true z-scores in one list; higher is better) and ``y_pred``
(a method's scores for the same models; higher is better). Functions that need a predicted order sort by
``-y_pred`` with a stable sort, so ties in ``y_pred`` go to the earlier position; :func:`evaluate_lists` first
shuffles every list (seeded), so tied predictions are broken at random rather than by the data's row order.
The correlations (weighted tau, Spearman) treat tied predictions as ties; a constant prediction scores 0.
Training's NDCG, promotion's metrics and the blend fit's vectorised per-list Spearman (:class:`ListSpearman`)
are the ones here too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

NDCG_KS = (1, 10, 30)
HIT_KS = (1, 3, 5)
REC_KS = (5, 10)
MIN_LIST_SIZE = 2


def _order(y_pred: np.ndarray) -> np.ndarray:
    """Indices of the list, best predicted first (stable: ties keep their position)."""
    return np.argsort(-np.asarray(y_pred, dtype=float), kind="stable")


def _is_best(y_true: np.ndarray) -> np.ndarray:
    """Mask of the (possibly tied) true best models."""
    y_true = np.asarray(y_true, dtype=float)
    return np.isclose(y_true, y_true.max())


def weighted_tau(y_true, y_pred) -> float:
    """Top-weighted Kendall tau (hyperbolic additive weights), weighted by the TRUE ranking.

    tau_h = scipy.stats.weightedtau(y_true, y_pred, rank=None): a discordant pair of elements whose true ranks
    are r and s (0 = truly best) costs 1/(r+1) + 1/(s+1), so mistakes among the truly best models weigh most.
    ``rank=None`` ranks elements by the first argument (``y_true``, ties broken by ``y_pred``); scipy's default
    ``rank=True`` would instead average with the ranking by ``y_pred``, letting the prediction choose which
    pairs matter. 1 = same order, -1 = reversed.
    """
    value = stats.weightedtau(np.asarray(y_true, float), np.asarray(y_pred, float), rank=None).statistic
    return 0.0 if np.isnan(value) else float(value)


def ndcg_at_k(y_true, y_pred, k: int) -> float:
    """NDCG@k with graded gains.

    rel_i = (y_i - min y) / (max y - min y) within the list (all 0 if the list is constant), gain_i = 2^rel_i - 1,
    DCG@k = sum_{j < k} gain_{pi(j)} / log2(j + 2) over the predicted order pi, NDCG@k = DCG@k / IDCG@k
    (IDCG over the true order). k larger than the list uses the whole list.
    """
    y_true = np.asarray(y_true, dtype=float)
    span = y_true.max() - y_true.min()
    rel = (y_true - y_true.min()) / span if span > 0 else np.zeros_like(y_true)
    gains = 2.0**rel - 1.0
    k = min(k, len(y_true))
    discounts = 1.0 / np.log2(np.arange(k) + 2.0)
    ideal = float(np.sort(gains)[::-1][:k] @ discounts)
    return float(gains[_order(y_pred)[:k]] @ discounts) / ideal if ideal > 0 else 0.0


def hit_at_k(y_true, y_pred, k: int) -> float:
    """Hit@k = 1 if any truly best model (ties with the maximum all count) is among the predicted top k, else 0."""
    return float(_is_best(y_true)[_order(y_pred)[:k]].any())


def recall_at_k(y_true, y_pred, k: int) -> float:
    """Rec@k = |predicted top k ∩ true top k| / min(k, n).

    The true top k includes every model tied with the k-th best true value (so ties never penalise); the result
    is capped at 1.
    """
    y_true = np.asarray(y_true, dtype=float)
    k = min(k, len(y_true))
    threshold = np.sort(y_true)[::-1][k - 1]
    in_true_top = y_true >= threshold - 1e-12
    return min(1.0, float(in_true_top[_order(y_pred)[:k]].sum()) / k)


def spearman(y_true, y_pred) -> float:
    """Spearman rank correlation rho = Pearson correlation of the (average-tie) ranks; 0 if either is constant."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    if np.ptp(y_true) == 0 or np.ptp(y_pred) == 0:
        return 0.0
    return float(stats.spearmanr(y_true, y_pred).statistic)


def mrr_of_best(y_true, y_pred) -> float:
    """MRR = 1 / (1 + position of the first truly best model in the predicted order), positions from 0."""
    return 1.0 / (1.0 + int(np.argmax(_is_best(y_true)[_order(y_pred)])))


def top1_regret(y_true, y_pred) -> float:
    """Top-1 regret = max(y_true) - y_true[predicted top-1], in z units (0 = picked a best model)."""
    y_true = np.asarray(y_true, dtype=float)
    return float(y_true.max() - y_true[_order(y_pred)[0]])


def list_metrics(y_true, y_pred) -> dict[str, float]:
    """Every protocol metric for one list."""
    out = {"wtau": weighted_tau(y_true, y_pred), "spearman": spearman(y_true, y_pred)}
    out |= {f"ndcg@{k}": ndcg_at_k(y_true, y_pred, k) for k in NDCG_KS}
    out |= {f"hit@{k}": hit_at_k(y_true, y_pred, k) for k in HIT_KS}
    out |= {f"rec@{k}": recall_at_k(y_true, y_pred, k) for k in REC_KS}
    out |= {"mrr": mrr_of_best(y_true, y_pred), "regret@1": top1_regret(y_true, y_pred)}
    return out


def scorable_lists(test_rows: pd.DataFrame) -> pd.Index:
    """List ids that can be scored: at least MIN_LIST_SIZE test models and a non-constant true z-score."""
    grouped = test_rows.groupby("list_id", sort=True)["z_score"]
    ok = (grouped.size() >= MIN_LIST_SIZE) & (grouped.max() - grouped.min() > 1e-12)
    return ok.index[ok.to_numpy()]


def per_list_metrics(test_rows: pd.DataFrame, scores, seed: int = 0) -> pd.DataFrame:
    """One row of metrics per scorable list (index list_id); ``scores`` is aligned with ``test_rows`` rows.

    Lists with fewer than two test models or a constant truth are dropped. Each list is shuffled with ``seed``
    before scoring so tied predictions are broken at random.
    """
    scores = np.asarray(scores, dtype=float)
    if len(scores) != len(test_rows):
        raise ValueError(f"{len(scores)} scores for {len(test_rows)} test rows")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN")
    frame = pd.DataFrame({"list_id": test_rows["list_id"].to_numpy(), "y": test_rows["z_score"].to_numpy(float),
                          "s": scores})
    frame = frame[frame["list_id"].isin(scorable_lists(test_rows))]
    frame = frame.sample(frac=1.0, random_state=seed)
    rows = {lid: list_metrics(g["y"].to_numpy(), g["s"].to_numpy()) for lid, g in frame.groupby("list_id", sort=True)}
    return pd.DataFrame.from_dict(rows, orient="index")


def evaluate_lists(test_rows: pd.DataFrame, scores, seed: int = 0) -> dict[str, float]:
    """Mean of every metric over the scorable lists, plus ``n_lists`` (see :func:`per_list_metrics`)."""
    table = per_list_metrics(test_rows, scores, seed=seed)
    out = {name: float(table[name].mean()) for name in table.columns} if len(table) else {}
    return out | {"n_lists": float(len(table))}


# ---- catalogue (full-sort) metrics: the whole catalogue ranked for one held-out list ----
CATALOGUE_METRICS = ("relevant@10", "recall@100", "best@10")


def relevant_at_k(ranked: np.ndarray, evaluated: set, k: int = 10) -> float:
    """relevant@k = |top k of the catalogue ∩ models the list evaluated| / k."""
    return sum(m in evaluated for m in ranked[:k]) / k


def catalogue_recall_at_k(ranked: np.ndarray, true_top: set, k: int = 100) -> float:
    """recall@k = |top k of the catalogue ∩ the list's true top 10| / |true top 10|."""
    return sum(m in true_top for m in ranked[:k]) / max(1, len(true_top))


def best_in_k(ranked: np.ndarray, best: set, k: int = 10) -> float:
    """best@k = 1 if a truly best model of the list (ties count) is in the catalogue's top k, else 0."""
    return float(any(m in best for m in ranked[:k]))


def catalogue_list_metrics(model_ids: np.ndarray, scores: np.ndarray, list_rows: pd.DataFrame) -> dict[str, float]:
    """The catalogue metrics of one held-out list; ``scores`` align with ``model_ids`` (-inf = not proposed)."""
    scores = np.asarray(scores, float)
    finite = np.flatnonzero(np.isfinite(scores))
    top = finite[np.argsort(-scores[finite], kind="stable")[:100]]
    ranked = np.asarray(model_ids)[top]
    z = list_rows.set_index("model_id")["z_score"].astype(float)
    threshold = np.sort(z.to_numpy())[::-1][min(10, len(z)) - 1]
    return {"relevant@10": relevant_at_k(ranked, set(z.index)),
            "recall@100": catalogue_recall_at_k(ranked, set(z.index[z >= threshold - 1e-12])),
            "best@10": best_in_k(ranked, set(z.index[np.isclose(z, z.max())]))}


def group_ranks(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values`` within each group (``codes``: group numbers 0..n-1), ties given their mean rank
    (pandas' ``groupby().rank()``), vectorised: one sort, no loop over groups."""
    order = np.lexsort((values, codes))
    v, c = values[order], codes[order]
    new_block = np.r_[True, (v[1:] != v[:-1]) | (c[1:] != c[:-1])]
    block = np.cumsum(new_block) - 1
    starts = np.flatnonzero(new_block)
    mean_position = (starts + np.r_[starts[1:], len(v)] - 1) / 2
    group_start = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    ranks = np.empty(len(v))
    ranks[order] = mean_position[block] - group_start[c] + 1
    return ranks


class ListSpearman:
    """Mean over groups (lists) of the Pearson correlation of within-group ranks (Spearman's rho) of scores
    against a fixed target; constant groups count 0. The groups and the target's ranks are computed once, so
    scoring many blends of one validation set (``fit_blend``) ranks only the scores."""

    def __init__(self, target: np.ndarray, groups: np.ndarray):
        _, self.codes = np.unique(np.asarray(groups), return_inverse=True)
        self.n_groups = int(self.codes.max()) + 1 if len(self.codes) else 0
        self.sizes = np.bincount(self.codes, minlength=self.n_groups)
        self.target = self._centred(target) if self.n_groups else None

    def _centred(self, values) -> np.ndarray:
        ranks = group_ranks(np.asarray(values, float), self.codes)
        return ranks - (np.bincount(self.codes, ranks, self.n_groups) / self.sizes)[self.codes]

    def __call__(self, scores: np.ndarray) -> float:
        if not self.n_groups:
            return 0.0
        s, t = self._centred(scores), self.target
        st, ss, tt = (np.bincount(self.codes, x, self.n_groups) for x in (s * t, s * s, t * t))
        denom = np.sqrt(ss * tt)
        return float(np.divide(st, denom, out=np.zeros(self.n_groups), where=denom > 0).mean())


def mean_spearman(scores: np.ndarray, target: np.ndarray, groups: np.ndarray) -> float:
    """:class:`ListSpearman` of one set of scores."""
    return ListSpearman(target, groups)(scores)
