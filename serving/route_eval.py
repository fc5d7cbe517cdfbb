"""Do ModelLens pools make query-level routers better? (``modellens route-eval``)

For each routing dataset (:mod:`serving.routing_data`), ModelLens is retrained on the benchmark without that
data's records (every dataset id matching the set's mask) and ranks the models that have per-query outcomes, as
it would for a dataset nobody has benchmarked. Pools of K models come from that ranking and from the baselines:

- ``modellens``: the masked ranker's top K of the candidates;
- ``random``: K models drawn at random (the score is the mean over RANDOM_DRAWS draws);
- ``popularity``: most records in the (masked) benchmark; ``global_strength``: best mean z there;
- ``oracle``: best mean outcome on the router's training queries; ``all``: every model (no pool).

Routers (:mod:`serving.routers`) are trained on 70% of the queries (split by seed; every text is one query, so a
duplicate cannot straddle the split) and scored on the rest: score = mean outcome of the routed model.
``best_single`` is the pool model with the best training mean, sent every query.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from serving.routers import ROUTERS, routed_score
from serving.routing_data import RoutingSet, load_all
from training import paths
from training.queries import parse_query

log = logging.getLogger(__name__)

POOL_METHODS = ("modellens", "random", "popularity", "global_strength", "oracle", "all")
ROUTER_NAMES = (*ROUTERS, "best_single")
KS = (3, 5, 10)
RANDOM_DRAWS = 20
TRAIN_FRACTION = 0.7


def masked(evals: pd.DataFrame, pattern: str) -> np.ndarray:
    """Rows of ``evals`` whose dataset (or base dataset) id matches ``pattern`` (case-insensitive)."""
    hit = evals["dataset_id"].str.contains(pattern, case=False, regex=True)
    if "base_dataset_id" in evals:
        hit |= evals["base_dataset_id"].fillna("").str.contains(pattern, case=False, regex=True)
    return hit.to_numpy()


def resolved_names(ranker, rset: RoutingSet) -> tuple[list[str], list[str | None]]:
    """Per model: the spelling to ask ModelLens with (the first it knows, else the first) and its benchmark id
    (None for a name the benchmark does not know)."""
    spellings, ids = [], []
    for options in rset.spellings:
        known = [(s, m) for s in options if (m := ranker.resolve_model(s)) is not None]
        spelling, model_id = known[0] if known else (options[0], None)
        spellings.append(spelling)
        ids.append(model_id)
    return spellings, ids


def model_orders(ranker, bench, train: pd.DataFrame, rset: RoutingSet) -> dict[str, np.ndarray]:
    """Model indices of ``rset``, best first, by the split-independent pool methods (ties: by name)."""
    from training.baselines import GlobalStrengthBaseline

    spellings, ids = resolved_names(ranker, rset)
    query = parse_query({**rset.query, "query_id": rset.name, "candidates": spellings}, where=rset.name)
    ranked = [name for name, _ in ranker.rank(query)]
    position = {name: i for i, name in enumerate(ranked)}
    records = train["model_id"].value_counts()
    as_ids = [m or s for m, s in zip(ids, spellings)]
    strength = GlobalStrengthBaseline().fit(bench, train).score(pd.DataFrame({"model_id": as_ids}))
    popularity = np.array([records.get(m, 0) if m else 0 for m in ids], float)
    return {"modellens": np.array([position[s] for s in spellings]).argsort(kind="stable"),
            "popularity": np.argsort(-popularity, kind="stable"),
            "global_strength": np.argsort(-strength, kind="stable")}


def split(n: int, seed: int, fraction: float = TRAIN_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    cut = int(round(fraction * n))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _pools(orders: dict[str, np.ndarray], train_mean: np.ndarray, k: int, rng) -> dict[str, list[np.ndarray]]:
    n = len(train_mean)
    return {**{method: [order[:k]] for method, order in orders.items()},
            "oracle": [np.argsort(-train_mean, kind="stable")[:k]],
            "random": [rng.choice(n, k, replace=False) for _ in range(RANDOM_DRAWS)]}


def evaluate_set(rset: RoutingSet, emb: np.ndarray, orders: dict[str, np.ndarray], seed: int,
                 ks=KS) -> list[dict]:
    """Rows {dataset, router, pool, k, score, pool_models, seed} of one seed's split."""
    train, test = split(len(rset.texts), seed)
    y_train, y_test = rset.outcomes[train], rset.outcomes[test]
    train_mean = y_train.mean(0)
    predicted = {name: cls(seed=seed).fit(emb[train], y_train).predict(emb[test]) for name, cls in ROUTERS.items()}
    predicted["best_single"] = np.tile(train_mean, (len(test), 1))
    n = len(rset.models)
    rng = np.random.default_rng(seed)
    rows = []
    for k in sorted({min(k, n) for k in ks if min(k, n) < n}):
        for pool, draws in _pools(orders, train_mean, k, rng).items():
            for router, pred in predicted.items():
                rows.append(dict(dataset=rset.name, router=router, pool=pool, k=k, seed=seed,
                                 score=float(np.mean([routed_score(pred, y_test, d) for d in draws])),
                                 pool_models=[] if pool == "random" else [rset.models[i] for i in draws[0]]))
    everything = np.arange(n)
    rows += [dict(dataset=rset.name, router=router, pool="all", k=n, seed=seed,
                  score=routed_score(pred, y_test, everything), pool_models=list(rset.models))
             for router, pred in predicted.items()]
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Mean ± std over seeds per (dataset, router, pool, k), with the relative gain over random pools of the same
    K and over no pool (``all``), for the same router."""
    frame = pd.DataFrame(rows)
    keys = ["dataset", "router", "pool", "k"]
    stats = frame.groupby(keys, sort=False)["score"].agg(score="mean", score_std=lambda v: float(np.std(v)))
    models = frame.groupby(keys, sort=False)["pool_models"].first()
    seeds = frame["seed"].nunique()
    no_pool = {(d, r): v for (d, r, pool, _), v in stats["score"].items() if pool == "all"}
    out = []
    for (dataset, router, pool, k), row in stats.iterrows():
        random_score = stats["score"].get((dataset, router, "random", k))
        all_score = no_pool[(dataset, router)]
        out.append(dict(dataset=dataset, router=router, pool=pool, k=int(k), score=_number(row["score"]),
                        score_std=_number(row["score_std"]), n_seeds=int(seeds),
                        pool_models=models[(dataset, router, pool, k)],
                        gain_vs_random=None if random_score is None else _number(row["score"] / random_score - 1),
                        gain_vs_all=_number(row["score"] / all_score - 1)))
    return out


def _number(value) -> float:
    """A plain Python float, 4 decimals (numpy scalars are not JSON- or Dagster-metadata-serialisable as such)."""
    return round(float(value), 4)


def format_table(rows: list[dict]) -> str:
    """Markdown: per dataset, one line per (pool, K), a column per router (mean ± std over seeds)."""
    frame = pd.DataFrame(rows)
    lines = []
    for dataset, part in frame.groupby("dataset", sort=False):
        lines += [f"### {dataset}", "", "| pool | K | " + " | ".join(ROUTER_NAMES) + " |",
                  "|---|---|" + "---|" * len(ROUTER_NAMES)]
        for (pool, k), cells in part.groupby(["pool", "k"], sort=False):
            by_router = cells.set_index("router")
            lines.append(f"| {pool} | {k} | " + " | ".join(
                f"{by_router.loc[r, 'score']:.3f} ± {by_router.loc[r, 'score_std']:.3f}" for r in ROUTER_NAMES) + " |")
        lines.append("")
    return "\n".join(lines)


def run(bench, sets: list[RoutingSet], seeds=(0, 1, 2), config=None, cache_dir=None, embed_fn=None) -> dict:
    """Retrain ModelLens without any routing set's records, then every pool method x router x K x seed."""
    from training.features import TextEmbedder
    from training.trainer import TrainConfig, train_ranker

    hidden = {rset.name: masked(bench.evals, rset.mask) for rset in sets}
    out = np.zeros(len(bench.evals), bool)
    for rows in hidden.values():
        out |= rows
    train = bench.evals[~out]
    log.info("route-eval: ModelLens retrained without %d records of the routing data (%d left)", out.sum(),
             len(train))
    ranker = train_ranker(bench, config or TrainConfig(), train=train, valid=None, cache_dir=cache_dir,
                          embed_fn=embed_fn)
    embedder = TextEmbedder(embed_fn, cache_dir)
    rows, details = [], {}
    for rset in sets:
        orders = model_orders(ranker, bench, train, rset)
        emb = embedder(rset.texts)
        for seed in seeds:
            rows += evaluate_set(rset, emb, orders, seed)
        details[rset.name] = {"queries": len(rset.texts), "models": len(rset.models), "score": rset.score_name,
                              "dropped_models": rset.dropped,
                              "modellens_order": [rset.models[i] for i in orders["modellens"]],
                              "masked_records": int(hidden[rset.name].sum())}
    return {"rows": summarise(rows), "datasets": details, "seeds": list(seeds)}


def run_on_warehouse(warehouse: Path, routing_dir: Path, leaderboards_dir: Path, seeds=(0, 1, 2),
                     max_queries: int | None = None, epochs: int | None = None, max_minutes: float = 3.0,
                     cache_dir: Path | None = None) -> dict:
    """:func:`run` on a warehouse's benchmark and the routing sets (only the first ``max_queries`` queries of each
    when given); ``epochs`` None: TrainConfig's."""
    from training.data import load_benchmark
    from training.trainer import TrainConfig

    sets = load_all(routing_dir, leaderboards_dir)
    if max_queries:
        sets = [s.head(max_queries) for s in sets]
    config = TrainConfig(max_minutes=max_minutes, **({"epochs": epochs} if epochs is not None else {}))
    return run(load_benchmark(warehouse), sets, seeds=tuple(seeds), config=config, cache_dir=cache_dir)


def write_report(report: dict, path: Path) -> None:
    """The report as JSON at ``path``, written whole or not at all (a sibling file, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(report, indent=1))
    partial.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="modellens route-eval", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=None, help="write the report here (JSON)")
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--routing-dir", type=Path, default=None, help="default: ../shared/routing")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max-queries", type=int, default=None, help="use only the first N queries of each set")
    parser.add_argument("--epochs", type=int, default=None, help="ModelLens epochs (default: TrainConfig's)")
    parser.add_argument("--max-minutes", type=float, default=3.0, help="wall-clock budget of the masked fit")
    args = parser.parse_args(argv)
    if args.max_queries is not None and args.max_queries < 20:
        parser.error("--max-queries must be at least 20")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    warehouse = args.warehouse or paths.warehouse_path()
    if not warehouse.exists():
        parser.error(f"warehouse not found: {warehouse} (run `modellens pipeline` first)")
    report = run_on_warehouse(warehouse, args.routing_dir or paths.routing_dir(), paths.snapshot_dir(), args.seeds,
                              args.max_queries, args.epochs, args.max_minutes, paths.cache_dir())
    if args.output:
        write_report(report, args.output)
    print(format_table(report["rows"]))
    print(f"report → {args.output}" if args.output else "", file=sys.stderr)
    return 0
