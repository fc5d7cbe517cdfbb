"""The promotion holdout and decision: a candidate replaces the champion only if it is better on it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from training import registry
from training.data import Benchmark
from training.metrics import evaluate_lists

HOLDOUT_BUCKETS = 20  # 1 in 20 datasets is never trained on, by any version: the shared promotion holdout
PROMOTION_METRIC = "ndcg@10"


def _bucket(dataset_id: str) -> int:
    return int(hashlib.md5(dataset_id.encode()).hexdigest(), 16) % HOLDOUT_BUCKETS


def split_holdout(bench: Benchmark) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of the training datasets, and rows of the held-out (unseen) datasets."""
    held = bench.evals["dataset_id"].map(_bucket) == 0
    return bench.evals[~held], bench.evals[held]


def dataset_query(bench: Benchmark, dataset_id: str, metric_id: str) -> dict:
    """What the ranker knows about a list: the dataset's side information and its metric."""
    meta = bench.datasets.loc[dataset_id] if dataset_id in bench.datasets.index else pd.Series(dtype=object)
    hib = bench.metrics["higher_is_better"].get(metric_id) if metric_id in bench.metrics.index else None
    return {
        "dataset_id": dataset_id,
        "description": meta.get("description"),
        "task": meta.get("task"),
        "modality": meta.get("modality"),
        "metric": metric_id,
        "higher_is_better": None if hib is None or pd.isna(hib) else bool(hib),
    }


def holdout_metrics(ranker, bench: Benchmark, holdout: pd.DataFrame, max_lists: int = 400) -> dict:
    """Score every held-out list (up to `max_lists`, chosen deterministically) and average the protocol metrics."""
    lists = sorted(holdout["list_id"].unique())[:max_lists]
    rows = holdout[holdout["list_id"].isin(lists)]
    scores = np.empty(len(rows))
    for list_id, group in rows.groupby("list_id", sort=False):
        first = group.iloc[0]
        query = dataset_query(bench, first["dataset_id"], first["metric_id"])
        scores[rows.index.get_indexer(group.index)] = ranker.score_pairs(group["model_id"].tolist(), list_id, query)
    return evaluate_lists(rows.reset_index(drop=True), scores)


def decide(candidate: dict, champion: dict | None, margin: float) -> bool:
    """True if the candidate should become champion: no champion yet, or better by `margin` on the metric."""
    if champion is None:
        return True
    return candidate[PROMOTION_METRIC] >= champion[PROMOTION_METRIC] + margin


@dataclass
class Outcome:
    promoted: bool
    candidate: str
    champion_before: str | None
    candidate_metrics: dict
    champion_metrics: dict | None

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
        }
        meta |= {f"candidate_{k}": v for k, v in self.candidate_metrics.items()}
        meta |= {f"champion_{k}": v for k, v in (self.champion_metrics or {}).items()}
        return meta


def promote_latest(bench: Benchmark, margin: float) -> Outcome:
    """Score the latest version and the champion on the same fresh holdout; move aliases accordingly."""
    candidate = registry.latest_version()
    champion = registry.alias_version(registry.CHAMPION)
    if candidate is None:
        raise RuntimeError("no registered model version to promote")
    if champion == candidate:
        return Outcome(True, candidate, champion, {}, None)
    _, holdout = split_holdout(bench)
    cand_metrics = holdout_metrics(registry.load_ranker(f"models:/{registry.MODEL_NAME}/{candidate}"), bench, holdout)
    champ_metrics = None
    if champion is not None:
        champ_metrics = holdout_metrics(registry.load_ranker(registry.model_uri()), bench, holdout)
    promoted = decide(cand_metrics, champ_metrics, margin)
    (registry.set_champion if promoted else registry.set_challenger)(candidate)
    return Outcome(promoted, candidate, champion, cand_metrics, champ_metrics)
