"""The promotion holdout and decision: a candidate replaces the champion only if it is better on it.

The holdout, never trained on by any version, has two parts: 1 in 20 datasets chosen by hash (unseen datasets),
and the benchmarks the ``new_benchmarks`` split (seed 0) calls new, i.e. the latest of each dated source with
their siblings: how new leaderboards really arrive. Metrics of the second part are prefixed ``new_``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from training import registry
from training.baselines import GlobalStrengthBaseline
from training.data import Benchmark
from training.metrics import CATALOGUE_METRICS, catalogue_list_metrics, evaluate_lists
from training.queries import list_query
from training.splits import new_benchmarks_split

HOLDOUT_BUCKETS = 20  # 1 in 20 datasets is never trained on, by any version: the shared promotion holdout
PROMOTION_METRIC = "ndcg@10"
NEW = "new_"  # prefix of the new-benchmarks metrics
NEW_BENCHMARK_METRICS = ("wtau", "ndcg@10", "relevant@10", "recall@100")  # candidate and catalogue metrics
CATALOGUE_LISTS = 60  # new-benchmark lists ranked over the whole catalogue
CATALOGUE_MIN_MODELS = 10  # ... each with at least this many models (a 2-model list says little about a top 10)


def _bucket(dataset_id: str) -> int:
    return int(hashlib.md5(dataset_id.encode()).hexdigest(), 16) % HOLDOUT_BUCKETS


def split_holdout(bench: Benchmark) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of the training datasets, and rows of the holdout (hash-chosen datasets and new benchmarks), with a
    boolean column ``new_benchmark`` on the holdout."""
    held = bench.evals["dataset_id"].map(_bucket) == 0
    new = pd.Series(False, index=bench.evals.index)
    new[new_benchmarks_split(bench, 0, 0.2)[1].index] = True
    holdout = bench.evals[held | new].assign(new_benchmark=new[held | new])
    return bench.evals[~(held | new)], holdout


def _candidate_scores(score_fn, bench: Benchmark, rows: pd.DataFrame) -> np.ndarray:
    scores = np.empty(len(rows))
    for list_id, group in rows.groupby("list_id", sort=False):
        first = group.iloc[0]
        query = list_query(bench, first["dataset_id"], first["metric_id"], list_id)
        scores[rows.index.get_indexer(group.index)] = score_fn(group["model_id"].tolist(), list_id, query)
    return scores


def _catalogue_means(score_fn, bench: Benchmark, rows: pd.DataFrame, model_ids: np.ndarray) -> dict:
    per_list = []
    for list_id in _chosen_lists(bench, rows, CATALOGUE_LISTS, CATALOGUE_MIN_MODELS):
        group = rows[rows["list_id"] == list_id]
        first = group.iloc[0]
        scores = score_fn(list_id, list_query(bench, first["dataset_id"], first["metric_id"], list_id))
        per_list.append(catalogue_list_metrics(model_ids, scores, group))
    return pd.DataFrame(per_list).mean().to_dict() if per_list else {m: 0.0 for m in CATALOGUE_METRICS}


def _chosen_lists(bench: Benchmark, part: pd.DataFrame, max_lists: int, min_models: int = 2) -> list[str]:
    """Up to ``max_lists`` list ids of ``part`` with at least ``min_models`` models, taken in turn from each source
    family, largest lists first (ties by id): the same lists for every scorer, and not 60 two-model lists of
    whichever family sorts first."""
    sizes = part.groupby("list_id")["dataset_id"].agg(["size", "first"])
    sizes = sizes[sizes["size"] >= min_models]
    family = bench.datasets["source_family"] if "source_family" in bench.datasets.columns else pd.Series(dtype=object)
    sizes["family"] = sizes["first"].map(family).fillna("other")
    ordered = sizes.reset_index().sort_values(["size", "list_id"], ascending=[False, True], kind="stable")
    ordered["turn"] = ordered.groupby("family").cumcount()
    return ordered.sort_values(["turn", "family"], kind="stable")["list_id"].head(max_lists).tolist()


def _first_lists(bench: Benchmark, part: pd.DataFrame, max_lists: int) -> pd.DataFrame:
    """The rows of the ``_chosen_lists`` of ``part``."""
    return part[part["list_id"].isin(_chosen_lists(bench, part, max_lists))].reset_index(drop=True)


def holdout_metrics(ranker, bench: Benchmark, holdout: pd.DataFrame, max_lists: int = 400) -> dict:
    """The protocol metrics on up to ``max_lists`` held-out lists of each part (``_chosen_lists``); the
    new-benchmark part adds the catalogue metrics, prefixed ``new_``."""
    out = {}
    for prefix, part in (("", holdout[~holdout["new_benchmark"]]), (NEW, holdout[holdout["new_benchmark"]])):
        rows = _first_lists(bench, part, max_lists)
        if not len(rows):
            continue
        metrics = evaluate_lists(rows, _candidate_scores(ranker.score_pairs, bench, rows))
        if prefix:
            metrics |= _catalogue_means(ranker.score_catalogue, bench, rows, np.array(ranker.model_ids))
        out |= {prefix + k: v for k, v in metrics.items()}
    return out


def global_strength_metrics(bench: Benchmark, train: pd.DataFrame, holdout: pd.DataFrame,
                            max_lists: int = 400) -> dict:
    """The same new-benchmark metrics for the global-strength baseline fitted on the training rows."""
    baseline = GlobalStrengthBaseline().fit(bench, train)
    rows = _first_lists(bench, holdout[holdout["new_benchmark"]], max_lists)
    if not len(rows):
        return {}
    strength = baseline.strength
    model_ids = np.array(sorted(bench.evals["model_id"].unique()))
    catalogue = strength.reindex(model_ids).fillna(-np.inf).to_numpy()
    metrics = evaluate_lists(rows, baseline.score(rows))
    metrics |= _catalogue_means(lambda list_id, query: catalogue, bench, rows, model_ids)
    return {NEW + k: v for k, v in metrics.items()}


def beats_baseline(candidate: dict, baseline: dict | None) -> bool:
    """True if the candidate is better than global strength on every new-benchmark metric the holdout has."""
    new = [NEW + m for m in NEW_BENCHMARK_METRICS if NEW + m in candidate]
    return not baseline or all(candidate[k] > baseline.get(k, -np.inf) for k in new)


def decide(candidate: dict, champion: dict | None, margin: float, baseline: dict | None = None) -> bool:
    """True if the candidate should become champion. The first version always does (there is nothing else to
    serve; ``beats_global_strength`` in the outcome says whether it should be trusted). Later ones must beat
    global strength on every new-benchmark metric, be at least as good as the champion on each, and beat the
    champion by ``margin`` on the unseen-datasets metric."""
    if champion is None:
        return True
    new = [NEW + m for m in NEW_BENCHMARK_METRICS if NEW + m in candidate]
    if not beats_baseline(candidate, baseline) or any(candidate[k] < champion.get(k, -np.inf) for k in new):
        return False
    return candidate[PROMOTION_METRIC] >= champion[PROMOTION_METRIC] + margin


@dataclass
class Outcome:
    promoted: bool
    candidate: str
    champion_before: str | None
    candidate_metrics: dict
    champion_metrics: dict | None
    baseline_metrics: dict | None = None

    @property
    def summary(self) -> str:
        verdict = "promoted to champion" if self.promoted else "kept as challenger"
        return f"version {self.candidate} {verdict} (champion before: {self.champion_before})"

    @property
    def metadata(self) -> dict:
        meta = {
            "candidate_version": self.candidate,
            "promoted": self.promoted,
            "champion_version": self.candidate if self.promoted else self.champion_before,
            "beats_global_strength": beats_baseline(self.candidate_metrics, self.baseline_metrics),
        }
        meta |= {f"candidate_{k}": v for k, v in self.candidate_metrics.items()}
        meta |= {f"champion_{k}": v for k, v in (self.champion_metrics or {}).items()}
        meta |= {f"global_strength_{k}": v for k, v in (self.baseline_metrics or {}).items()}
        return meta


def promote_latest(bench: Benchmark, margin: float) -> Outcome:
    """Score the latest version and the champion on the same fresh holdout; move aliases accordingly."""
    candidate = registry.latest_version()
    champion = registry.alias_version(registry.CHAMPION)
    if candidate is None:
        raise RuntimeError("no registered model version to promote")
    if champion == candidate:
        return Outcome(True, candidate, champion, {}, None)
    train, holdout = split_holdout(bench)
    cand_metrics = holdout_metrics(registry.load_ranker(f"models:/{registry.MODEL_NAME}/{candidate}"), bench, holdout)
    champ_metrics = None
    if champion is not None:
        champ_metrics = holdout_metrics(registry.load_ranker(registry.model_uri()), bench, holdout)
    baseline = global_strength_metrics(bench, train, holdout)
    promoted = decide(cand_metrics, champ_metrics, margin, baseline)
    (registry.set_champion if promoted else registry.set_challenger)(candidate)
    return Outcome(promoted, candidate, champion, cand_metrics, champ_metrics, baseline)
