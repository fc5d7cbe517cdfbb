"""Baselines on a tiny inline benchmark with planted structure: each informative baseline beats random."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from training.baselines import (
    BASELINE_NAMES,
    DatasetKNNBaseline,
    GlobalStrengthBaseline,
    MatrixFactorizationBaseline,
    PopularityBaseline,
    RandomBaseline,
    SizePriorBaseline,
    TextNNBaseline,
    make_baselines,
)
from training.data import Benchmark
from training.metrics import evaluate_lists
from training.splits import completion_split, unseen_datasets_split, unseen_models_split

FAMILIES = ["alpha", "beta", "gamma", "delta", "omega", "sigma"]
DOMAINS = {"vision": "images photos pictures pixels", "speech": "audio speech sound waveforms"}


def hash_embed(texts: list[str], dim: int = 64) -> np.ndarray:
    """Deterministic bag-of-words hashing embedder (stands in for MiniLM in tests)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            out[i, int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % dim] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def toy_benchmark(seed: int = 0, n_datasets: int = 16) -> Benchmark:
    """Planted structure: a family strength, size helps, and a domain match between card and dataset text.

    Better models are also evaluated more often (popularity signal). Half the datasets report a lower-is-better
    error metric too (negated into signed_value).
    """
    rng = np.random.default_rng(seed)
    family_strength = dict(zip(FAMILIES, np.linspace(-1.0, 1.0, len(FAMILIES))))
    models = []
    for f_i, family in enumerate(FAMILIES):
        for size in (1, 3, 7, 13):
            domain = list(DOMAINS)[(f_i + size) % 2]
            mid = f"org{f_i}/{family}-{size}b"
            models.append(dict(model_id=mid, family=family, base_model=None, params=size * 1e9, domain=domain,
                               card_text=f"{family} {size}b model trained on {DOMAINS[domain]}"))
            if size == 7:  # a quantised re-upload and a fine-tune follow their parent
                models.append(dict(models[-1], model_id=f"thebloke/{family}-{size}b-gguf", base_model=None))
                models.append(dict(models[-1], model_id=f"someone/{family}-{size}b-tuned", base_model=mid))
    models = pd.DataFrame(models)
    quality = {m.model_id: family_strength[m.family] + 0.3 * np.log(m.params / 1e9) for m in models.itertuples()}
    datasets, rows = [], []
    for d in range(n_datasets):
        domain = list(DOMAINS)[d % 2]
        did = f"bench-{d}"
        datasets.append(dict(dataset_id=did, display_name=did, description=f"a benchmark of {DOMAINS[domain]}",
                             task="classification", modality=domain, domain=domain, benchmark=f"b{d % 8}",
                             suite=f"suite-{d % 8}", main_source=f"source-{d % 2}",
                             introduced_date=f"{2010 + d}-01-01"))
        metrics = [("accuracy", True)] + ([("error", False)] if d % 2 else [])
        q = np.array([quality[m] for m in models.model_id])
        p_eval = 1 / (1 + np.exp(-(q + 0.5)))
        for m, model in enumerate(models.itertuples()):
            if rng.random() > p_eval[m]:
                continue
            skill = q[m] + 1.5 * (model.domain == domain) + 0.3 * rng.normal()
            for metric_id, hib in metrics:
                value = 50 + 10 * skill if hib else 20 - 5 * skill
                rows.append(dict(model_id=model.model_id, dataset_id=did, metric_id=metric_id,
                                 list_id=f"{did}|{metric_id}", value=value, higher_is_better=hib))
    evals = pd.DataFrame(rows)
    evals["signed_value"] = np.where(evals["higher_is_better"], evals["value"], -evals["value"])
    grouped = evals.groupby("list_id")["signed_value"]
    evals["z_score"] = ((evals["signed_value"] - grouped.transform("mean")) / grouped.transform("std", ddof=0)).fillna(0)
    metrics = pd.DataFrame({"metric_id": ["accuracy", "error"], "higher_is_better": [True, False]})
    return Benchmark.from_frames(evals, models.drop(columns="domain"), pd.DataFrame(datasets).drop(columns="domain"),
                                 metrics)


@pytest.fixture(scope="module")
def bench() -> Benchmark:
    return toy_benchmark()


def _score(baseline, bench, split, seed=0):
    train, test = split(bench, seed, 0.3)
    scores = baseline.fit(bench, train).score(test)
    assert scores.shape == (len(test),) and np.isfinite(scores).all()
    return evaluate_lists(test, scores)


def _random_spearman(bench, split) -> float:
    return np.mean([_score(RandomBaseline(s), bench, split, seed=s)["spearman"] for s in range(3)])


@pytest.mark.parametrize(
    ("make", "split"),
    [
        (PopularityBaseline, completion_split),
        (GlobalStrengthBaseline, completion_split),
        (GlobalStrengthBaseline, unseen_models_split),  # unseen model -> family mean
        (SizePriorBaseline, unseen_models_split),
        (lambda: TextNNBaseline(hash_embed), unseen_datasets_split),
        (lambda: DatasetKNNBaseline(k=3, embed_fn=hash_embed), completion_split),
        (lambda: DatasetKNNBaseline(k=3, embed_fn=hash_embed), unseen_datasets_split),
        (lambda: MatrixFactorizationBaseline(), completion_split),
    ],
)
def test_informative_baselines_beat_random(bench, make, split):
    ours = [_score(make(), bench, split, seed=s) for s in range(3)]
    assert np.mean([r["spearman"] for r in ours]) > _random_spearman(bench, split) + 0.1


def test_knn_uses_text_for_unseen_datasets(bench):
    """Domain-matched neighbours (by dataset text) beat neighbours chosen without text."""
    with_text = [_score(DatasetKNNBaseline(k=3, embed_fn=hash_embed), bench, unseen_datasets_split, s) for s in range(3)]
    without = [_score(DatasetKNNBaseline(k=3, use_text=False), bench, unseen_datasets_split, s) for s in range(3)]
    assert np.mean([r["spearman"] for r in with_text]) > np.mean([r["spearman"] for r in without]) + 0.05


def test_unseen_models_fall_back_without_peeking(bench):
    train, test = unseen_models_split(bench, 0, 0.3)
    unseen = ~test["model_id"].isin(train["model_id"])
    assert unseen.all()
    gs = GlobalStrengthBaseline().fit(bench, train)
    mf = MatrixFactorizationBaseline(iterations=3).fit(bench, train)
    np.testing.assert_allclose(mf.score(test), gs.score(test))  # MF: unseen models -> global strength
    assert PopularityBaseline().fit(bench, train).score(test).max() == 0
    # scores do not depend on the test values
    shuffled = test.assign(z_score=np.random.default_rng(0).permutation(test["z_score"].to_numpy()))
    np.testing.assert_allclose(gs.score(shuffled), gs.score(test))


def test_global_strength_family_then_global_fallback(bench):
    train = bench.evals[bench.evals["model_id"] != "org0/alpha-13b"]
    train = train[~train["model_id"].str.contains("sigma")]
    test = pd.DataFrame({"model_id": ["org0/alpha-13b", "org5/sigma-1b"], "list_id": ["x|y"] * 2,
                         "dataset_id": ["x"] * 2, "z_score": [0.0, 1.0]})
    scores = GlobalStrengthBaseline().fit(bench, train).score(test)
    alpha = train[train["model_id"].str.contains("alpha")]["z_score"].mean()
    np.testing.assert_allclose(scores, [alpha, train["z_score"].mean()])


def test_size_prior_prefers_larger_and_reads_sizes_from_names(bench):
    test = pd.DataFrame({"model_id": ["org0/alpha-1b", "org0/alpha-13b", "new/unknown-70b", "new/mystery"],
                         "list_id": ["l"] * 4})
    scores = SizePriorBaseline().fit(bench, bench.evals).score(test)
    assert scores[2] > scores[1] > scores[0]
    assert scores[0] < scores[3] < scores[2]  # unknown size -> median of the list


def test_make_baselines_builds_every_baseline(bench):
    baselines = make_baselines(seed=1, embed_fn=hash_embed)
    assert tuple(baselines) == BASELINE_NAMES
    train, test = completion_split(bench, 0, 0.3)
    for baseline in baselines.values():
        assert np.isfinite(baseline.fit(bench, train).score(test)).all()
