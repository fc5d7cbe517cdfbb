"""A tiny hand-built Benchmark with a planted structure, and a fake text embedder (no 90 MB model in tests)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import numpy as np
import pandas as pd

from training.data import Benchmark
from training.trainer import TrainConfig, train_ranker


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic bag-of-words embedding: each word hashes to a fixed random 16-d vector; L2-normalised sum."""
    out = np.zeros((len(texts), 16), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().replace(".", " ").replace(":", " ").split():
            seed = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
            out[i] += np.random.default_rng(seed).standard_normal(16)
        out[i] /= max(np.linalg.norm(out[i]), 1e-6)
    return out


fake_embed.tag = "fake-bow-16"


def toy_benchmark(seed: int = 0, n_datasets: int = 12) -> Benchmark:
    """30 models of two families and ``n_datasets`` datasets of two tasks: 'alpha' models win on classification and
    lose on retrieval, 'beta' models the reverse; within a family larger index = slightly stronger. One metric is
    lower-is-better (error), so its values are negated by signed_value."""
    rng = np.random.default_rng(seed)
    models = []
    for fam, org in (("alpha", "orga"), ("beta", "orgb")):
        for i in range(15):
            models.append({"model_id": f"{org}/{fam}-{i}-base", "organization": org, "family": fam,
                           "params": float(10 ** (7 + i / 5)), "card_text": f"{fam} model number {i} by {org}",
                           "tags": json.dumps([fam]), "pipeline_tag": None,
                           "aliases": json.dumps([f"{fam.upper()}-{i}"])})
    datasets, evals = [], []
    for d in range(n_datasets):
        task = "classification" if d % 2 == 0 else "retrieval"
        ds = f"{task[:5]}-set-{d}"
        datasets.append({"dataset_id": ds, "display_name": ds, "description": f"a {task} benchmark number {d}",
                         "task": task, "modality": "text", "aliases": json.dumps([f"{ds.upper()}-v1"])})
        metric, hib = ("error", False) if d == 3 else ("accuracy", True)
        for m in models:
            i = int(m["model_id"].split("-")[1])
            wins = (m["family"] == "alpha") == (task == "classification")
            quality = (0.3 if wins else 0.0) + 0.01 * i + rng.normal(0, 0.02)
            value = (1 - quality) if not hib else quality
            evals.append({"model_id": m["model_id"], "dataset_id": ds, "metric_id": metric,
                          "list_id": f"{ds}|{metric}", "value": value, "higher_is_better": hib,
                          "signed_value": value if hib else -value})
    evals = pd.DataFrame(evals)
    evals["z_score"] = evals.groupby("list_id")["signed_value"].transform(lambda s: (s - s.mean()) / s.std(ddof=0))
    metrics = pd.DataFrame({"metric_id": ["accuracy", "error"], "higher_is_better": [True, False]})
    return Benchmark.from_frames(evals, pd.DataFrame(models), pd.DataFrame(datasets), metrics)


HELD_MODELS = ["orga/alpha-7-base", "orgb/beta-7-base"]
VALID_DATASETS = ["class-set-8", "retri-set-9"]
TEST_DATASETS = ["class-set-10", "retri-set-11"]


@lru_cache(maxsize=1)
def trained_toy():
    """(bench, ranker) trained once per session without TEST_DATASETS and HELD_MODELS, early-stopped on
    VALID_DATASETS."""
    bench = toy_benchmark()
    ev = bench.evals
    held = ev["dataset_id"].isin(TEST_DATASETS) | ev["model_id"].isin(HELD_MODELS)
    valid = ev["dataset_id"].isin(VALID_DATASETS)
    config = TrainConfig(epochs=80, patience=80, lists_per_batch=8, dim=32, lr=5e-3, seed=0, max_minutes=2)
    ranker = train_ranker(bench, config, train=ev[~held & ~valid], valid=ev[valid & ~held], embed_fn=fake_embed)
    return bench, ranker
