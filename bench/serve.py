"""Serving figures on the current MODELLENS_HOME (needs a champion): prints one JSON object.

python bench/serve.py [--queries 200]
"""

import argparse
import json
import resource
import time
from dataclasses import replace

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    from serving import pools
    from training import paths, registry

    registry.open_home()
    local = registry.model_uri()
    started = time.perf_counter()
    ranker = registry.load_ranker(local)
    load_seconds = time.perf_counter() - started

    queries = pools.benchmark_queries(paths.warehouse_path())
    rng = np.random.default_rng(0)
    sample = [queries[i] for i in rng.choice(len(queries), size=min(args.queries, len(queries)), replace=False)]
    ranker.rank(sample[0], k=10)  # warm-up
    latencies = []
    for query in sample:
        t0 = time.perf_counter()
        ranker.rank(query, k=10)
        latencies.append((time.perf_counter() - t0) * 1000)

    catalogue = ranker.model_ids
    big = replace(sample[0], candidates=tuple(
        catalogue[i % len(catalogue)] + ("" if i < len(catalogue) else f"-v{i}") for i in range(100_000)))
    t0 = time.perf_counter()
    ranked = ranker.rank(big, k=10)
    candidates_100k_ms = (time.perf_counter() - t0) * 1000
    assert len(ranked) == 100_000

    t0 = time.perf_counter()
    table = pools.compute_pools(ranker, queries, k=10, model_version="bench", kind="benchmark")
    pools_seconds = time.perf_counter() - t0

    print(
        json.dumps(
            {
                "catalogue_models": len(catalogue),
                "model_load_seconds": round(load_seconds, 3),
                "whole_catalogue_query_ms": {
                    "p50": round(float(np.percentile(latencies, 50)), 3),
                    "p95": round(float(np.percentile(latencies, 95)), 3),
                    "n": len(latencies),
                },
                "batch_queries_per_second": round(len(latencies) / (sum(latencies) / 1000), 1),
                "query_with_100k_candidates_ms": round(candidates_100k_ms, 1),
                "pools_every_dataset": {
                    "datasets": len(queries),
                    "rows": len(table),
                    "seconds": round(pools_seconds, 2),
                },
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
