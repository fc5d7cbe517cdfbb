"""Train/test splits of the evaluation protocol over ``bench.evals`` rows.

Each split is ``split(bench, seed, test_frac) -> (train_rows, test_rows)``; both are row subsets of
``bench.evals`` (original index kept). Group splits hold out whole groups (datasets, base-model groups, families)
in a seeded random order until about ``test_frac`` of the rows are held out, so no group is on both sides.
Test lists with fewer than two models are dropped later, at scoring (training.metrics.scorable_lists).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from training.data import Benchmark
from training.features import family_of

Split = Callable[[Benchmark, int, float], tuple[pd.DataFrame, pd.DataFrame]]

# Packaging/quantisation suffixes: a re-packaged model follows its parent ("thebloke/llama-2-7b-gguf" -> "llama-2-7b").
_VARIANT_SUFFIX = re.compile(
    r"([-_.](gguf|ggml|gptq|awq|exl2|mlx|onnx|openvino|hf|fp16|bf16|fp32|int4|int8|\d+bit|\d+bpw|"
    r"q\d(_k)?(_[msl0-9])*|sharded|safetensors))+$"
)


# A timm-style pretrained tag ("resnet50.a1_in1k"); "llama-3.1-8b" or "v0.1" are untouched (digit after the dot).
_WEIGHTS_TAG = re.compile(r"\.[a-z][a-z0-9_]*$")


def _root_name(model_id: str) -> str:
    """Name part of an id without the organisation, '::pretrained' / '.pretrained' tags and packaging suffixes."""
    name = model_id.split("::", 1)[0].rsplit("/", 1)[-1]
    return _WEIGHTS_TAG.sub("", _VARIANT_SUFFIX.sub("", name)) or name


def _column(bench: Benchmark, name: str) -> pd.Series:
    """A dim_models column as a model_id -> lower-case str series, missing and blank values dropped."""
    if name not in bench.models.columns:
        return pd.Series(dtype=object)
    col = bench.models[name]
    return col[col.notna() & (col.astype(str).str.strip() != "")].astype(str).str.lower()


def _roots(bench: Benchmark, model_ids=None) -> pd.Series:
    """Root of each model's dim_models.base_model chain (the model itself when it has no base model)."""
    ids = pd.Index(bench.evals["model_id"].unique() if model_ids is None else pd.unique(np.asarray(model_ids)))
    base = _column(bench, "base_model").to_dict()
    roots = {}
    for mid in ids:
        root, seen = mid, {mid}
        while root in base and base[root] not in seen:
            root = base[root]
            seen.add(root)
        roots[mid] = root
    return pd.Series(roots, dtype=object).reindex(ids)


def model_groups(bench: Benchmark, model_ids=None) -> pd.Series:
    """Base-model group of each model: the name of its base-model root (see :func:`_root_name`).

    Variants (fine-tunes via base_model; quantised/re-packaged copies via their name) share a group, so an
    unseen-models split can never put a parent on one side and its variant on the other.
    """
    return _roots(bench, model_ids).map(_root_name).astype(object)


def model_families(bench: Benchmark, model_ids=None) -> pd.Series:
    """Family of each model's base-model root: training.features.family_of (dim_models.family, else name token).

    Taken at the root so fine-tunes follow their parent's family; same definition as the ranker's family feature.
    """
    family = _column(bench, "family").to_dict()
    roots = _roots(bench, model_ids)
    return pd.Series({mid: family_of(root, family.get(root) or family.get(mid)) for mid, root in roots.items()},
                     dtype=object).reindex(roots.index)


def _hold_out(keys: pd.Series, seed: int, frac: float) -> np.ndarray:
    """Row mask of whole groups (``keys`` per row), taken in a seeded random order until ``frac`` of rows."""
    sizes = keys.value_counts().sort_index()
    order = np.random.default_rng(seed).permutation(len(sizes))
    cumulative = sizes.iloc[order].cumsum().to_numpy()
    n_groups = int(np.searchsorted(cumulative, frac * len(keys))) + 1
    chosen = set(sizes.index[order[: min(n_groups, len(sizes) - 1)]])
    return keys.isin(chosen).to_numpy()


def _model_keys(bench: Benchmark, groups: pd.Series) -> pd.Series:
    return bench.evals["model_id"].map(groups).astype(object)


def completion_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Random entries: a random ``test_frac`` of (model, list) rows is held out; models and lists stay seen."""
    test = np.random.default_rng(seed).random(len(bench.evals)) < test_frac
    return bench.evals[~test], bench.evals[test]


def unseen_datasets_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Whole datasets (all their metrics, hence all their lists) held out."""
    test = _hold_out(bench.evals["dataset_id"].astype(object), seed, test_frac)
    return bench.evals[~test], bench.evals[test]


def unseen_models_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Whole base-model groups (see :func:`model_groups`) held out; every list may appear on both sides."""
    test = _hold_out(_model_keys(bench, model_groups(bench)), seed, test_frac)
    return bench.evals[~test], bench.evals[test]


def both_unseen_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Base-model groups and datasets both held out (each about ``test_frac`` of rows, independently).

    Test rows: held-out model on a held-out dataset. Train rows: neither held out. Rows with exactly one side
    held out are used by neither, so every test model and every test dataset is unknown to training.
    """
    models = _hold_out(_model_keys(bench, model_groups(bench)), seed, test_frac)
    datasets = _hold_out(bench.evals["dataset_id"].astype(object), seed + 7919, test_frac)
    return bench.evals[~models & ~datasets], bench.evals[models & datasets]


def family_holdout_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Whole model families (see :func:`model_families`) held out."""
    test = _hold_out(_model_keys(bench, model_families(bench)), seed, test_frac)
    return bench.evals[~test], bench.evals[test]


def _dataset_column(bench: Benchmark, name: str, default, rows: pd.DataFrame | None = None) -> pd.Series:
    """A dim_datasets column per evaluation row of ``rows`` (default: bench.evals), ``default`` where the column
    or the value is missing."""
    rows = bench.evals if rows is None else rows
    if name not in bench.datasets.columns:
        return pd.Series(default, index=rows.index, dtype=object)
    return rows["dataset_id"].map(bench.datasets[name]).astype(object).where(lambda v: v.notna(), default)


def newest_benchmarks(bench: Benchmark, rows: pd.DataFrame, seed: int, frac: float) -> np.ndarray:
    """Row mask of ``rows``: every row of the benchmarks introduced after a per-source cutoff (the rule of
    :func:`new_benchmarks_split`); False for sources without dates."""
    frame = pd.DataFrame({"benchmark": _dataset_column(bench, "benchmark", None, rows).fillna(rows["dataset_id"]),
                          "source": _dataset_column(bench, "main_source", "unknown", rows),
                          "date": pd.to_datetime(_dataset_column(bench, "introduced_date", None, rows),
                                                 errors="coerce")})
    per = frame.groupby("benchmark").agg(date=("date", "min"), source=("source", lambda s: s.mode().iat[0]))
    rng = np.random.default_rng(seed)
    held = set()
    for _, group in per.dropna(subset=["date"]).groupby("source"):
        if group["date"].nunique() < 2:
            continue
        share = float(np.clip(frac + rng.uniform(-0.05, 0.05), 0.05, 0.5))
        latest = group.assign(tie=rng.random(len(group))).sort_values(["date", "tie"]).index
        n_held = min(max(1, int(round(share * len(latest)))), int((group["date"] > group["date"].min()).sum()))
        held |= set(latest[len(latest) - n_held :])
    return frame["benchmark"].isin(held).to_numpy()


def new_benchmarks_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Benchmarks introduced after a per-source cutoff, held out with all their siblings.

    A benchmark (dim_datasets.benchmark: languages, subsets, splits, versions and task-type variants of one base
    dataset share it) is dated by the earliest ``introduced_date`` of its datasets and belongs to the source that
    has most of its rows. Per source with dates, the latest ``test_frac`` of its dated benchmarks are new
    (``seed`` jitters the fraction by up to 5 points and breaks ties among benchmarks of the cutoff date; the
    oldest date is never held out, so every source keeps a past to learn from); the test rows are every
    row of every benchmark introduced after its source's cutoff, the train rows everything else, so no sibling
    of a new benchmark is trained on. Sources without dates contribute training rows only.
    """
    test = newest_benchmarks(bench, bench.evals, seed, test_frac)
    return bench.evals[~test], bench.evals[test]


def leave_one_suite_out_split(bench: Benchmark, seed: int = 0, test_frac: float = 0.2):
    """Whole suites (dim_datasets.suite: an MTEB task type, a HELM / RewardBench leaderboard, a GIFT-Eval domain,
    a source's task) held out in every modality: within each modality, suites are taken in a seeded random order
    until about ``test_frac`` of that modality's rows are held out, never all of its suites. Benchmarks whose
    datasets span suites leave with the suite chosen first, so no sibling stays behind."""
    suites = _dataset_column(bench, "suite", "unknown")
    modality = _dataset_column(bench, "modality", "unknown")
    test = np.zeros(len(bench.evals), dtype=bool)
    for i, (_, idx) in enumerate(sorted(suites.groupby(modality.to_numpy()).groups.items())):
        part = suites.loc[idx]
        if part.nunique() >= 2:
            test[bench.evals.index.get_indexer(idx)] = _hold_out(part, seed + 104729 * i, test_frac)
    benchmark = _dataset_column(bench, "benchmark", None).fillna(bench.evals["dataset_id"])
    test |= benchmark.isin(set(benchmark[test])).to_numpy()
    return bench.evals[~test], bench.evals[test]


SPLITS: dict[str, Split] = {
    "new_benchmarks": new_benchmarks_split,
    "leave_one_suite_out": leave_one_suite_out_split,
    "completion": completion_split,
    "unseen_datasets": unseen_datasets_split,
    "unseen_models": unseen_models_split,
    "both_unseen": both_unseen_split,
    "family_holdout": family_holdout_split,
}
