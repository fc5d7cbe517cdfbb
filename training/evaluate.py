"""Run the evaluation protocol: ModelLens and every baseline on the same splits and seeds, mean ± std over seeds.

CLI: ``modellens evaluate [--warehouse PATH] [--seeds 0 1 2] [--splits ...] [--max-lists N] [--output results.md]``.
ModelLens is trained by ``training.trainer.train_ranker`` on the train rows only (ids it learns come from those
rows; held-out models and datasets are scored from their metadata, as at query time).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from training.baselines import BASELINE_NAMES, make_baselines, shared_embedder
from training.data import Benchmark, load_benchmark
from training.features import EmbedFn
from training.metrics import evaluate_lists, scorable_lists
from training.splits import SPLITS

log = logging.getLogger(__name__)

MODELLENS = "modellens"
METHODS = (MODELLENS, *BASELINE_NAMES)
METRIC_ORDER = ("wtau", "spearman", "ndcg@1", "ndcg@10", "ndcg@30", "hit@1", "hit@3", "hit@5", "rec@5", "rec@10",
                "mrr", "regret@1", "n_lists", "seconds")
UNRANKED = {"n_lists": "{:.0f}", "seconds": "{:.1f}"}  # shown plainly: no ± and never bold


def subsample_lists(test_rows: pd.DataFrame, max_lists: int | None, seed: int) -> pd.DataFrame:
    """Test rows of at most ``max_lists`` scorable lists, chosen at random with ``seed`` (None = all lists)."""
    lists = scorable_lists(test_rows)
    if max_lists is not None and len(lists) > max_lists:
        lists = pd.Index(np.random.default_rng(seed).choice(lists.to_numpy(), max_lists, replace=False))
    return test_rows[test_rows["list_id"].isin(lists)]


def dataset_dict(bench: Benchmark, list_rows: pd.DataFrame) -> dict:
    """Query-time description of a list for ``Ranker.score_pairs`` (metadata only, no values)."""
    first = list_rows.iloc[0]
    found = first["dataset_id"] in bench.datasets.index
    meta = {k: v for k, v in bench.datasets.loc[first["dataset_id"]].items() if pd.notna(v)} if found else {}
    return {"dataset_id": first["dataset_id"], "description": meta.get("description"), "task": meta.get("task"),
            "metric": first["metric_id"], "modality": meta.get("modality"),
            "higher_is_better": bool(first["higher_is_better"])}


def modellens_scores(ranker, bench: Benchmark, test_rows: pd.DataFrame) -> np.ndarray:
    """Ranker scores per test row, list by list."""
    out = np.zeros(len(test_rows))
    positions = pd.Series(np.arange(len(test_rows))).groupby(test_rows["list_id"].to_numpy())
    for list_id, pos in positions:
        rows = test_rows.iloc[pos.to_numpy()]
        out[pos.to_numpy()] = ranker.score_pairs(rows["model_id"].tolist(), list_id, dataset_dict(bench, rows))
    return out


def run_once(bench: Benchmark, split: str, seed: int, *, methods=METHODS, config=None, test_frac: float = 0.2,
             max_lists: int | None = None, embed_fn: EmbedFn | None = None, cache_dir=None) -> list[dict]:
    """One split and seed: fit every method on the train rows, score the (subsampled) test lists.

    Returns records ``{split, seed, method, metric, value}`` plus a ``seconds`` metric per method.
    """
    train, test = SPLITS[split](bench, seed, test_frac)
    test = subsample_lists(test, max_lists, seed)
    embedder = shared_embedder(embed_fn, cache_dir)
    records = []
    for method in methods:
        t0 = time.monotonic()
        if method == MODELLENS:
            from training.trainer import TrainConfig, train_ranker

            cfg = replace(config or TrainConfig(), seed=seed)
            ranker = train_ranker(bench, cfg, train=train, valid=None, cache_dir=cache_dir, embed_fn=embedder)
            scores = modellens_scores(ranker, bench, test)
        else:
            baseline = make_baselines([method], seed=seed, embed_fn=embedder)[method]
            scores = baseline.fit(bench, train).score(test)
        result = evaluate_lists(test, scores, seed=seed) | {"seconds": time.monotonic() - t0}
        log.info("%s seed %d %s: %s", split, seed, method,
                 {k: round(v, 3) for k, v in result.items() if k in ("ndcg@10", "wtau", "n_lists", "seconds")})
        records += [dict(split=split, seed=seed, method=method, metric=k, value=v) for k, v in result.items()]
    return records


def run_protocol(bench: Benchmark, seeds=(0, 1, 2), splits=None, config=None, *, methods=METHODS,
                 test_frac: float = 0.2, max_lists: int | None = None, time_budget_minutes: float | None = None,
                 embed_fn: EmbedFn | None = None, cache_dir=None) -> pd.DataFrame:
    """Mean ± std over seeds per (split, method, metric): columns split, method, metric, mean, std, n_seeds.

    ``config`` is a training.trainer.TrainConfig (its ``max_minutes`` bounds each ModelLens fit; its seed is set
    per run). ``time_budget_minutes`` bounds the whole protocol: once spent, no further (split, seed) run starts,
    and the skipped runs are listed in ``result.attrs["skipped"]``. Per-seed values: ``result.attrs["per_seed"]``.
    """
    deadline = None if time_budget_minutes is None else time.monotonic() + 60 * time_budget_minutes
    embedder = shared_embedder(embed_fn, cache_dir)  # one in-memory embedding cache for every run
    records, skipped = [], []
    for split in splits or tuple(SPLITS):
        for seed in seeds:
            if deadline is not None and time.monotonic() > deadline:
                skipped.append((split, seed))
                continue
            records += run_once(bench, split, seed, methods=methods, config=config, test_frac=test_frac,
                                max_lists=max_lists, embed_fn=embedder, cache_dir=cache_dir)
    per_seed = pd.DataFrame(records, columns=["split", "seed", "method", "metric", "value"])
    summary = (per_seed.groupby(["split", "method", "metric"], sort=False)["value"]
               .agg(mean="mean", std=lambda v: float(np.std(v, ddof=0)), n_seeds="count").reset_index())
    summary.attrs["per_seed"] = per_seed
    summary.attrs["skipped"] = skipped
    return summary


def format_table(df: pd.DataFrame, metrics=METRIC_ORDER) -> str:
    """Markdown table: one row per (split, method), a 'mean ± std' cell per metric (best mean per split in bold;
    lists scored and seconds per fit shown as plain means)."""
    lower_better = {"regret@1"}
    shown = [m for m in metrics if m in set(df["metric"])]
    lines = ["| split | method | " + " | ".join(shown) + " |", "|---|---|" + "---|" * len(shown)]
    for split, part in df.groupby("split", sort=False):
        best = {}
        for metric in shown:
            means = part[(part["metric"] == metric)].set_index("method")["mean"]
            if metric not in UNRANKED and len(means):
                best[metric] = means.min() if metric in lower_better else means.max()
        for method, rows in part.groupby("method", sort=False):
            cells = rows.set_index("metric")
            row = []
            for metric in shown:
                if metric not in cells.index:
                    row.append("")
                    continue
                mean, std = cells.loc[metric, "mean"], cells.loc[metric, "std"]
                text = UNRANKED[metric].format(mean) if metric in UNRANKED else f"{mean:.3f} ± {std:.3f}"
                row.append(f"**{text}**" if metric in best and np.isclose(mean, best[metric]) else text)
            lines.append(f"| {split} | {method} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def modellens_home() -> Path:
    return Path(os.environ.get("MODELLENS_HOME") or Path(__file__).resolve().parents[1] / ".modellens")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="modellens evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB warehouse (default: $MODELLENS_HOME/warehouse.duckdb)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--splits", nargs="+", choices=list(SPLITS), default=list(SPLITS))
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--max-lists", type=int, default=None, help="score at most N random test lists per run")
    parser.add_argument("--test-frac", type=float, default=0.2)
    parser.add_argument("--epochs", type=int, default=None, help="ModelLens epochs (default: TrainConfig's)")
    parser.add_argument("--max-minutes", type=float, default=None, help="wall-clock budget per ModelLens fit")
    parser.add_argument("--time-budget", type=float, default=None, help="minutes for the whole protocol")
    parser.add_argument("--output", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    warehouse = args.warehouse or modellens_home() / "warehouse.duckdb"
    if not warehouse.exists():
        parser.error(f"warehouse not found: {warehouse} (run `modellens pipeline` first)")
    bench = load_benchmark(warehouse)
    config = None
    if MODELLENS in args.methods:
        from training.trainer import TrainConfig

        overrides = {k: v for k, v in (("epochs", args.epochs), ("max_minutes", args.max_minutes)) if v is not None}
        config = TrainConfig(**overrides)
    cache_dir = modellens_home() / "cache"
    result = run_protocol(bench, seeds=tuple(args.seeds), splits=args.splits, config=config, methods=args.methods,
                          test_frac=args.test_frac, max_lists=args.max_lists, time_budget_minutes=args.time_budget,
                          cache_dir=cache_dir)
    header = (f"# ModelLens evaluation\n\nbenchmark {bench.fingerprint()}: {len(bench.evals)} evaluations, "
              f"{bench.evals['list_id'].nunique()} lists, {bench.evals['model_id'].nunique()} models; "
              f"seeds {args.seeds}; test fraction {args.test_frac}; max lists {args.max_lists}; mean ± std over seeds"
              + (f"; skipped (time budget): {result.attrs['skipped']}" if result.attrs["skipped"] else "") + "\n\n")
    text = header + format_table(result) + "\n"
    if args.output:
        args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
