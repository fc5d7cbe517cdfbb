"""Top-K pools: the champion's best models for every benchmark dataset and every dataset request."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from training.progress import progress
from training.queries import Query
from training.threads import torch_threads

POOL_COLUMNS = ["query_id", "dataset", "metric", "rank", "model", "score", "evidence", "model_version", "kind"]


def benchmark_queries(warehouse: Path) -> list[Query]:
    """One query per dataset of the benchmark, on its most evaluated metric of known direction."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql(
            """
            select f.dataset_id, arg_max(f.metric_id, f.n) as metric_id, any_value(d.description) as description,
                   any_value(d.task) as task, any_value(d.modality) as modality
            from (select dataset_id, metric_id, count(*) as n from fct_evaluations
                  where higher_is_better is not null group by all) as f
            join dim_datasets as d using (dataset_id)
            group by f.dataset_id
            order by f.dataset_id
            """
        ).fetchall()
    return [Query(ds, ds, description=desc, task=task, metric=metric, modality=modality)
            for ds, metric, desc, task, modality in rows]


def compute_pools(ranker, queries: list[Query], k: int, model_version: str, kind: str) -> pd.DataFrame:
    """Top-k of each query through the ranker's query path (as `rank` and `recommend`), with each row's evidence
    (JSON: its records on the query's nearest benchmarked lists and on the query's task). Torch runs on one
    thread meanwhile: its two-thread split of one query's small products was slower (8.2 against 2.9 ms a query
    on 2 cores, `bench/serve.py`)."""
    rows = []
    with torch_threads(1):
        for query, context in zip(progress(queries, f"{kind} pools", unit="query"),
                                  ranker.query_contexts(queries)):
            if not query.candidates:  # a catalogue ranking: its context and neighbours serve the evidence as well
                context = ranker.catalogue_context(context)
            ranking = ranker.rank(query, k=k, context=context)
            evidence = ranker.explain(query, [model for model, _ in ranking], context=context)
            for position, ((model, score), why) in enumerate(zip(ranking, evidence), start=1):
                rows.append((query.query_id, query.dataset, query.metric, position, model, float(score),
                             json.dumps(why), model_version, kind))
    return pd.DataFrame(rows, columns=POOL_COLUMNS)


def write_pools(warehouse: Path, pools: pd.DataFrame) -> None:
    """Replace the pools table in one transaction, so readers see the old pools or the new ones, never half."""
    with duckdb.connect(str(warehouse)) as con:
        con.register("new_pools", pools)
        con.execute("begin transaction")
        con.execute("create or replace table topk_pools as select * from new_pools")
        con.execute("commit")
