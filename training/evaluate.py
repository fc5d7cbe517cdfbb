"""Run the evaluation protocol: ModelLens and every baseline on the same splits and seeds, mean ± std over seeds.

CLI: ``modellens evaluate [--warehouse PATH] [--seeds 0 1 2] [--splits ...] [--max-lists N] [--output results.md]``;
with ``--output``, a plot per split beside it (``results.<split>.png``), and both logged to MLflow.
ModelLens is trained by ``training.trainer.train_ranker`` on the train rows only (ids it learns come from those
rows; held-out models and datasets are scored from their metadata, as at query time).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from training import paths
from training.baselines import BASELINE_NAMES, make_baselines, shared_embedder
from training.data import Benchmark, load_benchmark
from training.evaluation_plots import plot_evaluation
from training.features import EMBEDDERS, EmbedFn
from training.metrics import CATALOGUE_METRICS, catalogue_list_metrics, per_list_metrics, scorable_lists
from training.queries import list_query
from training.splits import SPLITS

log = logging.getLogger(__name__)

MODELLENS = "modellens"
METHODS = (MODELLENS, *BASELINE_NAMES)
METRIC_ORDER = ("wtau", "spearman", "ndcg@1", "ndcg@10", "ndcg@30", "hit@1", "hit@3", "hit@5", "rec@5", "rec@10",
                "mrr", "regret@1", *CATALOGUE_METRICS, "n_lists", "n_catalogue_lists", "seconds")
UNRANKED = {"n_lists": "{:.0f}", "n_catalogue_lists": "{:.0f}", "seconds": "{:.1f}"}  # plain: no ±, never bold
ALL = "all"


def subsample_lists(test_rows: pd.DataFrame, max_lists: int | None, seed: int) -> pd.DataFrame:
    """Test rows of at most ``max_lists`` scorable lists, chosen at random with ``seed`` (None = all lists)."""
    lists = scorable_lists(test_rows)
    if max_lists is not None and len(lists) > max_lists:
        lists = pd.Index(np.random.default_rng(seed).choice(lists.to_numpy(), max_lists, replace=False))
    return test_rows[test_rows["list_id"].isin(lists)]


def modellens_scores(ranker, bench: Benchmark, test_rows: pd.DataFrame) -> np.ndarray:
    """Ranker scores per test row, list by list."""
    out = np.zeros(len(test_rows))
    positions = pd.Series(np.arange(len(test_rows))).groupby(test_rows["list_id"].to_numpy())
    for list_id, pos in positions:
        rows = test_rows.iloc[pos.to_numpy()]
        query = list_query(bench, rows["dataset_id"].iat[0], rows["metric_id"].iat[0], list_id)
        out[pos.to_numpy()] = ranker.score_pairs(rows["model_id"].tolist(), list_id, query)
    return out


def catalogue_scores(method, bench: Benchmark, list_rows: pd.DataFrame, model_ids: np.ndarray) -> np.ndarray:
    """Scores of every catalogue model for one held-out list: the ranker's catalogue path, a baseline's own
    ``catalogue`` method, or the baseline's ``score`` over one row per catalogue model."""
    first = list_rows.iloc[0]
    if hasattr(method, "score_catalogue"):
        return method.score_catalogue(first["list_id"], list_query(bench, first["dataset_id"], first["metric_id"],
                                                                   first["list_id"]))
    if hasattr(method, "catalogue"):
        return method.catalogue(first["list_id"], first["dataset_id"], model_ids)
    rows = pd.DataFrame({"model_id": model_ids, "list_id": first["list_id"], "dataset_id": first["dataset_id"]})
    return method.score(rows)


def _records(per_list: pd.DataFrame, families: pd.Series, **keys) -> list[dict]:
    """Mean of every metric column of ``per_list`` (index list_id) over all lists and per family."""
    out = []
    for family, part in [(ALL, per_list), *per_list.groupby(families.reindex(per_list.index).to_numpy())]:
        counts = {"n_lists": part["wtau"].notna().sum()} if "wtau" in part else {"n_catalogue_lists": len(part)}
        out += [dict(keys, family=family, metric=k, value=float(v)) for k, v in part.mean().items()]
        out += [dict(keys, family=family, metric=k, value=float(v)) for k, v in counts.items()]
    return out


def run_once(bench: Benchmark, split: str, seed: int, *, methods=METHODS, config=None, test_frac: float = 0.2,
             max_lists: int | None = None, catalogue_lists: int = 100, embed_fn: EmbedFn | None = None,
             cache_dir=None) -> list[dict]:
    """One split and seed: fit every method on the train rows, score the (subsampled) test lists' candidates and,
    for ``catalogue_lists`` of them, rank the whole catalogue.

    Returns records ``{split, seed, method, family, metric, value}`` (family 'all' and each source family), plus a
    ``seconds`` metric per method. ``embed_fn`` embeds every text of every method; without it ModelLens uses its
    config's embedders and the text baselines its dataset embedder.
    """
    train, test = SPLITS[split](bench, seed, test_frac)
    test = subsample_lists(test, max_lists, seed)
    families = bench.list_families(test)
    scored = scorable_lists(test)
    catalogue_ids = scored.to_numpy()
    if len(catalogue_ids) > catalogue_lists:
        catalogue_ids = np.random.default_rng(seed + 1).choice(catalogue_ids, catalogue_lists, replace=False)
    model_ids = np.array(sorted(bench.evals["model_id"].unique()))
    embedder = shared_embedder(embed_fn or EMBEDDERS[getattr(config, "dataset_embedder", "minilm")], cache_dir)
    records = []
    for method in methods:
        t0 = time.monotonic()
        if method == MODELLENS:
            from training.trainer import TrainConfig, train_ranker

            cfg = replace(config or TrainConfig(), seed=seed)
            fitted = train_ranker(bench, cfg, train=train, valid=None, cache_dir=cache_dir, embed_fn=embed_fn)
            scores = modellens_scores(fitted, bench, test)
            catalogue_order = np.array(fitted.model_ids)
        else:
            fitted = make_baselines([method], seed=seed, embed_fn=embedder)[method].fit(bench, train)
            scores = fitted.score(test)
            catalogue_order = model_ids
        per_list = per_list_metrics(test, scores, seed=seed)
        by_list = test.groupby("list_id")
        catalogue = pd.DataFrame.from_dict({
            list_id: catalogue_list_metrics(catalogue_order, catalogue_scores(fitted, bench, rows, catalogue_order),
                                            rows)
            for list_id, rows in ((x, by_list.get_group(x)) for x in catalogue_ids)}, orient="index")
        keys = dict(split=split, seed=seed, method=method)
        mine = _records(per_list, families, **keys) + (_records(catalogue, families, **keys) if len(catalogue)
                                                         else [])
        mine.append(dict(keys, family=ALL, metric="seconds", value=time.monotonic() - t0))
        records += mine
        summary = {r["metric"]: round(r["value"], 3) for r in mine if r["family"] == ALL}
        log.info("%s seed %d %s: %s", split, seed, method,
                 {k: summary.get(k) for k in ("wtau", "ndcg@10", "relevant@10", "recall@100", "seconds")})
    return records


def run_protocol(bench: Benchmark, seeds=(0, 1, 2), splits=None, config=None, *, methods=METHODS,
                 test_frac: float = 0.2, max_lists: int | None = None, time_budget_minutes: float | None = None,
                 catalogue_lists: int = 100,
                 embed_fn: EmbedFn | None = None, cache_dir=None) -> pd.DataFrame:
    """Mean ± std over seeds per (split, method, metric): columns split, method, metric, mean, std, n_seeds.

    ``config`` is a training.trainer.TrainConfig (its ``max_minutes`` bounds each ModelLens fit; its seed is set
    per run). ``time_budget_minutes`` bounds the whole protocol: once spent, no further (split, seed) run starts,
    and the skipped runs are listed in ``result.attrs["skipped"]``. Per-seed values: ``result.attrs["per_seed"]``.
    """
    deadline = None if time_budget_minutes is None else time.monotonic() + 60 * time_budget_minutes
    embedder = shared_embedder(embed_fn, cache_dir) if embed_fn else None  # one in-memory cache for every run
    records, skipped = [], []
    for split in splits or tuple(SPLITS):
        for seed in seeds:
            if deadline is not None and time.monotonic() > deadline:
                skipped.append((split, seed))
                continue
            records += run_once(bench, split, seed, methods=methods, config=config, test_frac=test_frac,
                                max_lists=max_lists, catalogue_lists=catalogue_lists, embed_fn=embedder,
                                cache_dir=cache_dir)
    per_seed = pd.DataFrame(records, columns=["split", "seed", "method", "family", "metric", "value"])
    summary = (per_seed.groupby(["split", "family", "method", "metric"], sort=False)["value"]
               .agg(mean="mean", std=lambda v: float(np.std(v, ddof=0)), n_seeds="count").reset_index())
    summary.attrs["per_seed"] = per_seed
    summary.attrs["skipped"] = skipped
    return summary


FAMILY_METRICS = ("wtau", "ndcg@10", *CATALOGUE_METRICS, "n_lists", "n_catalogue_lists")
MIN_FAMILY_LISTS = 20


def format_table(df: pd.DataFrame, metrics=METRIC_ORDER, by_family: bool = False) -> str:
    """Markdown table: one row per (split, method), or per (split, family, method) with ``by_family`` for the
    families with at least MIN_FAMILY_LISTS test lists; a 'mean ± std' cell per metric, the best mean per group in
    bold (lists scored and seconds per fit shown as plain means)."""
    lower_better = {"regret@1"}
    df = df if by_family else df[df["family"] == ALL]
    shown = [m for m in metrics if m in set(df["metric"])]
    head = "| split | family | method | " if by_family else "| split | method | "
    lines = [head + " | ".join(shown) + " |", "|---" * (head.count("|") - 1) + "|" + "---|" * len(shown)]
    for (split, family), part in df.groupby(["split", "family"], sort=False):
        n_lists = part.loc[part["metric"] == "n_lists", "mean"]
        if by_family and (family == ALL or not len(n_lists) or n_lists.max() < MIN_FAMILY_LISTS):
            continue
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
            lines.append(f"| {split} | {family} | {method} | " if by_family else f"| {split} | {method} | ")
            lines[-1] += " | ".join(row) + " |"
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="modellens evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB warehouse (default: $MODELLENS_HOME/warehouse.duckdb)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--splits", nargs="+", choices=list(SPLITS), default=list(SPLITS))
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--max-lists", type=int, default=None, help="score at most N random test lists per run")
    parser.add_argument("--catalogue-lists", type=int, default=100,
                        help="rank the whole catalogue for N of those lists per run (catalogue metrics)")
    parser.add_argument("--test-frac", type=float, default=0.2)
    parser.add_argument("--epochs", type=int, default=None, help="ModelLens epochs (default: TrainConfig's)")
    parser.add_argument("--max-minutes", type=float, default=None, help="wall-clock budget per ModelLens fit")
    parser.add_argument("--time-budget", type=float, default=None, help="minutes for the whole protocol")
    parser.add_argument("--output", type=Path, default=None, help="write the markdown table here")
    parser.add_argument("--dataset-embedder", choices=sorted(EMBEDDERS), default=None,
                        help="embeddings of dataset texts (ModelLens and the text baselines; default: TrainConfig's)")
    parser.add_argument("--model-embedder", choices=sorted(EMBEDDERS), default=None,
                        help="embeddings of model cards (default: TrainConfig's)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    warehouse = args.warehouse or paths.warehouse_path()
    if not warehouse.exists():
        parser.error(f"warehouse not found: {warehouse} (run `modellens pipeline` first)")
    bench = load_benchmark(warehouse)
    config = None
    if MODELLENS in args.methods:
        from training.trainer import TrainConfig

        overrides = {k: v for k, v in (("epochs", args.epochs), ("max_minutes", args.max_minutes),
                                       ("dataset_embedder", args.dataset_embedder),
                                       ("model_embedder", args.model_embedder)) if v is not None}
        config = TrainConfig(**overrides)
    result = run_protocol(bench, seeds=tuple(args.seeds), splits=args.splits, config=config, methods=args.methods,
                          test_frac=args.test_frac, max_lists=args.max_lists, time_budget_minutes=args.time_budget,
                          catalogue_lists=args.catalogue_lists, cache_dir=paths.cache_dir())
    header = (f"# ModelLens evaluation\n\nbenchmark {bench.fingerprint()}: {len(bench.evals)} evaluations, "
              f"{bench.evals['list_id'].nunique()} lists, {bench.evals['model_id'].nunique()} models; "
              f"seeds {args.seeds}; test fraction {args.test_frac}; max lists {args.max_lists}; mean ± std over seeds"
              + (f"; skipped (time budget): {result.attrs['skipped']}" if result.attrs["skipped"] else "") + "\n\n")
    text = (header + format_table(result) + "\n\n## Per source family (families with at least "
            f"{MIN_FAMILY_LISTS} test lists)\n\n" + format_table(result, FAMILY_METRICS, by_family=True) + "\n")
    if args.output:
        args.output.write_text(text)
        plots = plot_evaluation(result, args.output)
        run_id = log_evaluation(args.output, plots, vars(args))
        print(f"plots: {', '.join(map(str, plots))}; MLflow run {run_id}", file=sys.stderr)
    print(text)
    return 0


def log_evaluation(report: Path, plots: list[Path], args: dict) -> str:
    """The report and its plots as artifacts of one run of the `modellens-evaluation` MLflow experiment."""
    import mlflow

    from training import registry

    registry.open_home("modellens-evaluation")
    with mlflow.start_run(run_name=report.stem) as run:
        mlflow.log_params({k: str(v)[:500] for k, v in args.items()})
        for path in [report, *plots]:
            mlflow.log_artifact(str(path))
    return run.info.run_id


if __name__ == "__main__":
    raise SystemExit(main())
