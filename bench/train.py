"""A full retrain on the current benchmark (the warehouse under MODELLENS_HOME): prints time, peak memory and
the promotion-holdout metrics as JSON. Nothing is registered.

    python bench/train.py
"""

import json
import resource
import time


def main() -> None:
    from training import paths, promotion
    from training.data import load_benchmark
    from training.trainer import TrainConfig, train_ranker

    t0 = time.perf_counter()
    bench = load_benchmark(paths.warehouse_path())
    train_rows, holdout = promotion.split_holdout(bench)
    load_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranker = train_ranker(bench, TrainConfig(), train=train_rows, cache_dir=paths.cache_dir())
    train_seconds = time.perf_counter() - t0
    metrics = promotion.holdout_metrics(ranker, bench, holdout)
    print(
        json.dumps(
            {
                "evaluations": len(bench.evals),
                "train_rows": len(train_rows),
                "holdout_rows": len(holdout),
                "models": len(ranker.model_ids),
                "load_seconds": round(load_seconds, 1),
                "train_seconds": round(train_seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "holdout": {k: round(v, 4) for k, v in metrics.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
